#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/toolbox/async_queue.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

TEST_CASE("a full queue makes the producer wait until a consumer makes room") {
  virtual_time time;
  async_queue<int> queue{time.sched, 2};
  std::vector<std::string> log;
  auto producer = create_task(time.sched, [](virtual_time& time, async_queue<int>& queue, std::vector<std::string>& log) -> task<> {
    for (int i = 1; i <= 5; ++i) {
      co_await queue.push(i);
      log.push_back("pushed " + std::to_string(i) + "@" + std::to_string(time.now_ms()));
    }
  }(time, queue, log));
  auto consumer = create_task(time.sched, [](virtual_time& time, async_queue<int>& queue, std::vector<std::string>& log) -> task<> {
    for (int i = 1; i <= 5; ++i) {
      co_await time.sched.sleep_for(100ms);  // a slow consumer
      const int item = co_await queue.pop();
      log.push_back("popped " + std::to_string(item) + "@" + std::to_string(time.now_ms()));
    }
  }(time, queue, log));
  time.run_for_ms(50);
  CHECK(queue.full());
  CHECK(log == std::vector<std::string>{"pushed 1@0", "pushed 2@0"});  // the third push waits
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"pushed 1@0", "pushed 2@0", "popped 1@100", "pushed 3@100", "popped 2@200",
                                        "pushed 4@200", "popped 3@300", "pushed 5@300", "popped 4@400", "popped 5@500"});
}

TEST_CASE("a consumer waits on an empty queue and an item pushed meanwhile goes straight to it") {
  virtual_time time;
  async_queue<std::string> queue{time.sched, 1};
  std::vector<std::string> got;
  auto consumer = create_task(time.sched, [](async_queue<std::string>& queue, std::vector<std::string>& got) -> task<> {
    for (int i = 0; i < 2; ++i) got.push_back(co_await queue.pop());
  }(queue, got));
  time.sched.run_due();
  CHECK(got.empty());
  CHECK(queue.try_push("first"));
  CHECK(queue.size() == 0);  // handed over, not stored
  CHECK(queue.try_push("second"));
  CHECK(queue.size() == 1);  // nobody waits now: stored
  CHECK_FALSE(queue.try_push(std::string{"third"}));  // full
  time.run_until_idle();
  CHECK(got == std::vector<std::string>{"first", "second"});
}

TEST_CASE("several producers and consumers pass every item exactly once, each producer's items in order") {
  virtual_time time;
  async_queue<int> queue{time.sched, 3};
  std::vector<int> received;
  std::vector<task_handle<>> tasks;
  for (int p = 0; p < 3; ++p) {
    tasks.push_back(create_task(time.sched, [](virtual_time& time, async_queue<int>& queue, int p) -> task<> {
      for (int i = 0; i < 20; ++i) {
        co_await queue.push(p * 100 + i);
        if (i % 7 == 0) co_await time.sched.sleep_for(std::chrono::milliseconds(p + 1));
      }
    }(time, queue, p)));
  }
  for (int c = 0; c < 2; ++c) {
    tasks.push_back(create_task(time.sched, [](virtual_time& time, async_queue<int>& queue, std::vector<int>& received) -> task<> {
      for (int i = 0; i < 30; ++i) {
        received.push_back(co_await queue.pop());
        co_await time.sched.yield();
      }
    }(time, queue, received)));
  }
  time.run_until_idle();
  REQUIRE(received.size() == 60);
  for (int p = 0; p < 3; ++p) {
    std::vector<int> from_p;
    for (int item : received) {
      if (item / 100 == p) from_p.push_back(item % 100);
    }
    std::vector<int> expected(20);
    for (int i = 0; i < 20; ++i) expected[i] = i;
    CHECK(from_p == expected);
  }
}

TEST_CASE("a cancelled producer leaves without enqueuing its item, a cancelled consumer takes nothing") {
  virtual_time time;
  async_queue<int> queue{time.sched, 1};
  REQUIRE(queue.try_push(1));
  auto producer = create_task(time.sched, [](async_queue<int>& queue) -> task<> { co_await queue.push(2); }(queue));
  time.run_for_ms(1);
  producer.cancel();
  time.run_for_ms(1);
  CHECK(producer.cancelled());
  CHECK(queue.try_pop() == 1);
  CHECK(queue.empty());  // 2 never entered

  auto consumer = create_task(time.sched, [](async_queue<int>& queue) -> task<int> { co_return co_await queue.pop(); }(queue));
  time.run_for_ms(1);
  consumer.cancel();
  time.run_for_ms(1);
  CHECK(consumer.cancelled());
  CHECK(queue.try_push(3));
  CHECK(queue.size() == 1);  // stored, not handed to the cancelled consumer
}

TEST_CASE("an item handed to a consumer that is destroyed before it runs goes back to the front of the queue") {
  virtual_time time;
  async_queue<std::unique_ptr<int>> queue{time.sched, 2};
  auto abandoned = [](async_queue<std::unique_ptr<int>>& queue) -> async_generator<int> {
    auto item = co_await queue.pop();
    co_yield *item;
  }(queue);
  auto no_wake = [](void*) noexcept {};
  REQUIRE(abandoned.poll(no_wake, nullptr) == async_generator<int>::poll_status::pending);
  REQUIRE(queue.try_push(std::make_unique<int>(1)));  // handed to the waiting generator
  REQUIRE(queue.try_push(std::make_unique<int>(2)));
  abandoned.reset();
  REQUIRE(queue.size() == 2);
  CHECK(**queue.try_pop() == 1);
  CHECK(**queue.try_pop() == 2);
  time.run_until_idle();
}

TEST_CASE("a queue needs room for at least one item") {
  virtual_time time;
  CHECK_THROWS_AS(async_queue<int>(time.sched, 0), std::invalid_argument);
}

// The JS AsyncQueue takes the other side when the operation can complete at once:
// docs/toolbox-semantics.md.
TEST_CASE("a stopped coroutine pushes into room and pops a queued item without being cancelled there, and is cancelled at once when it would wait") {
  virtual_time time;
  async_queue<int> queue{time.sched, 1};
  stop_source stopped;
  stopped.request_stop();
  std::vector<std::string> log;
  time.run([](async_queue<int>& queue, stop_token token, std::vector<std::string>& log) -> task<> {
    try {
      co_await with_stop_token(token, [](async_queue<int>& queue, std::vector<std::string>& log) -> task<> {
        co_await queue.push(1);
        log.push_back("pushed into room");
        log.push_back("popped " + std::to_string(co_await queue.pop()));
        try {
          co_await queue.pop();  // empty: would wait
        } catch (const operation_cancelled&) {
          log.push_back("cancelled at the empty pop");
        }
        REQUIRE(queue.try_push(2));
        co_await queue.push(3);  // full: would wait
        log.push_back("not reached");
      }(queue, log));
    } catch (const operation_cancelled&) {
      log.push_back("cancelled at the full push");
    }
  }(queue, stopped.token(), log));
  CHECK(log == std::vector<std::string>{"pushed into room", "popped 1", "cancelled at the empty pop", "cancelled at the full push"});
  CHECK(queue.size() == 1);  // 3 never entered
  CHECK(queue.try_pop() == 2);
}

TEST_CASE("an item handed to a waiting consumer is kept when it is cancelled before it runs, and the cancellation shows at its next wait") {
  virtual_time time;
  async_queue<int> queue{time.sched, 1};
  std::vector<std::string> log;
  auto consumer = create_task(time.sched, [](virtual_time& time, async_queue<int>& queue, std::vector<std::string>& log) -> task<> {
    log.push_back("got " + std::to_string(co_await queue.pop()));
    co_await time.sched.sleep_for(1ms);
    log.push_back("not reached");
  }(time, queue, log));
  time.sched.run_due();
  REQUIRE(queue.try_push(7));  // handed to the waiting consumer, which is queued to run
  consumer.cancel();           // before it runs
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"got 7"});
  CHECK(consumer.cancelled());
  CHECK(queue.empty());  // neither dropped nor put back: the consumer had it
}
