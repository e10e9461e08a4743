#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/toolbox/async_semaphore.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

struct concurrency_meter {
  int now = 0;
  int highest = 0;
  std::vector<std::int64_t> finished_at;
};

task<> limited_work(virtual_time& time, async_semaphore& limit, concurrency_meter& meter) {
  auto permit = co_await limit.scoped_acquire();
  meter.highest = std::max(meter.highest, ++meter.now);
  co_await time.sched.sleep_for(10ms);
  --meter.now;
  meter.finished_at.push_back(time.now_ms());
}

}  // namespace

TEST_CASE("a semaphore of two lets at most two tasks work at once, the others wait their turn") {
  virtual_time time;
  async_semaphore limit{time.sched, 2};
  concurrency_meter meter;
  std::vector<task_handle<>> workers;
  for (int i = 0; i < 5; ++i) workers.push_back(create_task(time.sched, limited_work(time, limit, meter)));
  time.run_until_idle();
  CHECK(meter.highest == 2);
  CHECK(meter.finished_at == std::vector<std::int64_t>{10, 10, 20, 20, 30});
  CHECK(limit.available() == 2);
}

TEST_CASE("a semaphore waiter cancelled while waiting takes no permit and the others go on in order") {
  virtual_time time;
  async_semaphore limit{time.sched, 1};
  concurrency_meter meter;
  auto first = create_task(time.sched, limited_work(time, limit, meter));
  auto cancelled = create_task(time.sched, limited_work(time, limit, meter));
  auto last = create_task(time.sched, limited_work(time, limit, meter));
  time.run_for_ms(1);
  REQUIRE(limit.waiting_count() == 2);
  cancelled.cancel();
  time.run_until_idle();
  CHECK(cancelled.cancelled());
  CHECK(meter.finished_at == std::vector<std::int64_t>{10, 20});
  CHECK(limit.available() == 1);
}

TEST_CASE("acquire takes a free permit without suspending, and release without waiters raises the count") {
  virtual_time time;
  async_semaphore limit{time.sched, 1};
  bool acquired = false;
  [](async_semaphore& limit, bool& acquired) -> detached {
    co_await limit.acquire();
    acquired = true;
  }(limit, acquired);
  CHECK(acquired);  // no turn of the scheduler was needed
  CHECK(limit.available() == 0);
  limit.release();
  limit.release();
  CHECK(limit.available() == 2);
}

// A coroutine whose stop was requested before it asked (a cancelled task that caught the
// cancellation and carried on, or a body run under a stopped token). The JS Semaphore takes
// the other side here: docs/toolbox-semantics.md says why.
TEST_CASE("a stopped coroutine takes a free permit without being cancelled there, as in asyncio, and is cancelled at its next wait") {
  virtual_time time;
  async_semaphore limit{time.sched, 1};
  stop_source stopped;
  stopped.request_stop();
  std::vector<std::string> log;
  time.run([](virtual_time& time, async_semaphore& limit, stop_token token, std::vector<std::string>& log) -> task<> {
    try {
      co_await with_stop_token(token, [](virtual_time& time, async_semaphore& limit, std::vector<std::string>& log) -> task<> {
        auto permit = co_await limit.scoped_acquire();
        log.push_back("took the free permit, " + std::to_string(limit.available()) + " left");
        co_await time.sched.sleep_for(1ms);
        log.push_back("not reached");
      }(time, limit, log));
    } catch (const operation_cancelled&) {
      log.push_back("cancelled at the sleep");
    }
  }(time, limit, stopped.token(), log));
  CHECK(log == std::vector<std::string>{"took the free permit, 0 left", "cancelled at the sleep"});
  CHECK(limit.available() == 1);  // the guard gave it back while unwinding
  CHECK(time.now_ms() == 0);
}

TEST_CASE("a stopped coroutine that would have to wait for a permit is cancelled at once and never joins the line") {
  virtual_time time;
  async_semaphore limit{time.sched, 0};
  stop_source stopped;
  stopped.request_stop();
  bool cancelled = false;
  time.run([](async_semaphore& limit, stop_token token, bool& cancelled) -> task<> {
    try {
      co_await with_stop_token(token, [](async_semaphore& limit) -> task<> { co_await limit.acquire(); }(limit));
    } catch (const operation_cancelled&) {
      cancelled = true;
    }
  }(limit, stopped.token(), cancelled));
  CHECK(cancelled);
  CHECK(limit.waiting_count() == 0);
  limit.release();
  CHECK(limit.available() == 1);  // nobody in the line to hand it to
}
