#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/toolbox/async_semaphore.hpp"
#include "core/toolbox/timeout.hpp"
#include "core/toolbox/when_all.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {
using status = async_generator<chunk>::poll_status;
}  // namespace

TEST_CASE("a stop request ends a polled stream at once: the consumer is woken and sees operation_cancelled") {
  virtual_time time;
  stop_source stop;
  auto stream = llm_stream_answer(time.sched, lesson_sentence, {}, stop.token());
  int wakes = 0;
  auto on_wake = [](void* counter) noexcept { ++*static_cast<int*>(counter); };
  REQUIRE(stream.poll(on_wake, &wakes) == status::pending);
  time.run_for_ms(500);
  REQUIRE(wakes == 1);
  REQUIRE(stream.poll(on_wake, &wakes) == status::item);
  CHECK(stream.current().text() == "你好");
  REQUIRE(stream.poll(on_wake, &wakes) == status::pending);  // "我" is due at 1000
  time.run_for_ms(200);

  stop.request_stop();
  CHECK(time.sched.scheduled_count() == 0);  // its tick left the heap inside request_stop()
  time.run_for_ms(0);                         // the next turn, still at 700 ms
  CHECK(wakes == 2);
  CHECK(stream.poll(on_wake, &wakes) == status::done);
  CHECK_THROWS_AS(std::rethrow_exception(stream.failure()), operation_cancelled);
  CHECK(time.now_ms() == 700);
  CHECK_FALSE(time.clock.requested_wake());
}

TEST_CASE("a stream whose token is already stopped ends at its first tick without waiting") {
  virtual_time time;
  stop_source stop;
  stop.request_stop();
  auto stream = chat(time.sched, "你好", chat_options(), stop.token());
  CHECK_THROWS_AS(poll_all(stream, time), operation_cancelled);
  CHECK(time.now_ms() == 0);
}

TEST_CASE("stopping a stream consumed by a task throws operation_cancelled from next(), which the task may catch") {
  virtual_time time;
  stop_source stop;
  auto reader = create_task(time.sched, [](scheduler& s, stop_token token) -> task<std::vector<std::string>> {
    std::vector<std::string> words;
    auto stream = llm_stream_answer(s, lesson_sentence, {}, token);
    try {
      while (chunk* c = co_await stream.next()) words.push_back(c->text());
    } catch (const operation_cancelled&) {
      words.push_back("(stopped)");
    }
    co_return words;
  }(time.sched, stop.token()));
  time.run_for_ms(1100);
  stop.request_stop();
  time.run_until_idle();
  CHECK(reader.result() == std::vector<std::string>{"你好", "我", "(stopped)"});
  CHECK(time.now_ms() == 1100);
}

TEST_CASE("a generator consumed by a cancelled task unwinds inside the generator first, then in the task") {
  virtual_time time;
  std::vector<std::string> log;
  auto handle = create_task(time.sched, [](scheduler& s, std::vector<std::string>& log) -> task<> {
    auto numbers = [](scheduler& s, std::vector<std::string>& log) -> async_generator<int> {
      try {
        for (int i = 0;; ++i) {
          co_await s.sleep_for(10ms);
          co_yield i;
        }
      } catch (const operation_cancelled&) {
        log.push_back("generator saw the cancellation");
        throw;
      }
    }(s, log);
    try {
      while (co_await numbers.next()) {
      }
    } catch (const operation_cancelled&) {
      log.push_back("task saw it from next()");
      throw;
    }
  }(time.sched, log));
  time.run_for_ms(35);
  handle.cancel();
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"generator saw the cancellation", "task saw it from next()"});
  CHECK(handle.cancelled());
  CHECK(time.now_ms() == 35);
}

TEST_CASE("ten thousand streams of twenty chunks at 5 ms, each read by its own task, finish at 100 ms") {
  virtual_time time;
  constexpr int streams = 10'000;
  std::string text;
  for (int i = 0; i < 20; ++i) text += "w ";
  auto read_all = [](scheduler& s, const std::string& text) -> task<int> {
    auto stream = llm_stream_answer(s, text, {.delay = 5ms, .split = split_mode::whitespace, .suffix = ""});
    int count = 0;
    while (co_await stream.next()) ++count;
    co_return count;
  };
  std::vector<task<int>> readers;
  readers.reserve(streams);
  for (int i = 0; i < streams; ++i) readers.push_back(read_all(time.sched, text));
  const std::vector<int> counts = time.run(when_all(std::move(readers)));
  CHECK(counts.size() == streams);
  CHECK(std::all_of(counts.begin(), counts.end(), [](int c) { return c == 20; }));
  CHECK(time.now_ms() == 100);
  CHECK(time.sched.scheduled_count() == 0);
}

TEST_CASE("ten thousand streams under one deadline are all cancelled and freed at that deadline") {
  virtual_time time;
  int live = 0;
  auto read_all = [](scheduler& s, int& live) -> task<> {
    lifetime_probe probe{live};
    auto stream = llm_stream_answer(s, "a b c d e f g h", {.delay = 10ms, .split = split_mode::whitespace, .suffix = ""});
    while (co_await stream.next()) {
    }
  };
  std::vector<task<>> readers;
  for (int i = 0; i < 10'000; ++i) readers.push_back(read_all(time.sched, live));
  auto outcome = create_task(time.sched, timeout(time.sched, 35ms, when_all(std::move(readers))));
  time.run_for_ms(34);
  CHECK(live == 10'000);
  CHECK(time.sched.scheduled_count() == 10'001);  // one tick per stream, one deadline
  time.run_until_idle();
  CHECK_THROWS_AS(outcome.result(), timeout_error);
  CHECK(live == 0);
  CHECK(time.now_ms() == 35);
  CHECK(time.sched.scheduled_count() == 0);
}

TEST_CASE("a semaphore limits how many streams are read at once") {
  virtual_time time;
  async_semaphore limit{time.sched, 3};
  std::vector<std::int64_t> finished_at;
  auto read_limited = [](virtual_time& time, async_semaphore& limit, std::vector<std::int64_t>& finished_at) -> task<> {
    auto permit = co_await limit.scoped_acquire();
    auto stream = llm_stream_answer(time.sched, "a b", {.delay = 10ms, .split = split_mode::whitespace, .suffix = ""});
    while (co_await stream.next()) {
    }
    finished_at.push_back(time.now_ms());
  };
  std::vector<task<>> readers;
  for (int i = 0; i < 7; ++i) readers.push_back(read_limited(time, limit, finished_at));
  time.run(when_all(std::move(readers)));
  CHECK(finished_at == std::vector<std::int64_t>{20, 20, 20, 40, 40, 40, 60});
}
