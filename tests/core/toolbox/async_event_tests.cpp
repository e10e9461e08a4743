#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/toolbox/async_event.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

task<> wait_and_log(virtual_time& time, async_event& event, std::string name, std::vector<std::string>& log) {
  co_await event.wait();
  log.push_back(name + "@" + std::to_string(time.now_ms()));
}

}  // namespace

TEST_CASE("set wakes every waiter at once, in the order they started waiting") {
  virtual_time time;
  async_event ready{time.sched};
  std::vector<std::string> log;
  std::vector<task_handle<>> waiters;
  for (const char* name : {"a", "b", "c"}) waiters.push_back(create_task(time.sched, wait_and_log(time, ready, name, log)));
  auto setter = create_task(time.sched, [](virtual_time& time, async_event& ready) -> task<> {
    co_await time.sched.sleep_for(25ms);
    ready.set();
  }(time, ready));
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"a@25", "b@25", "c@25"});
}

TEST_CASE("waiting on a set event passes straight through, and after clear() it waits again") {
  virtual_time time;
  async_event ready{time.sched, true};
  std::vector<std::string> log;
  [](async_event& ready, std::vector<std::string>& log) -> detached {
    co_await ready.wait();
    log.push_back("passed");
  }(ready, log);
  CHECK(log == std::vector<std::string>{"passed"});
  ready.clear();
  auto waiter = create_task(time.sched, wait_and_log(time, ready, "after clear", log));
  time.run_until_idle();
  CHECK_FALSE(waiter.done());
  CHECK(ready.waiting_count() == 1);
  ready.set();
  time.run_until_idle();
  CHECK(log.back() == "after clear@0");
}

TEST_CASE("a waiter woken by set() returns even if clear() comes before it runs") {
  virtual_time time;
  async_event ready{time.sched};
  std::vector<std::string> log;
  auto waiter = create_task(time.sched, wait_and_log(time, ready, "woken", log));
  time.sched.run_due();
  ready.set();
  ready.clear();
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"woken@0"});
}

TEST_CASE("a cancelled event waiter leaves at once and set() still wakes the others") {
  virtual_time time;
  async_event ready{time.sched};
  std::vector<std::string> log;
  auto kept = create_task(time.sched, wait_and_log(time, ready, "kept", log));
  auto cancelled = create_task(time.sched, wait_and_log(time, ready, "cancelled", log));
  time.run_for_ms(5);
  cancelled.cancel();
  CHECK(ready.waiting_count() == 1);
  time.run_for_ms(5);
  CHECK(cancelled.cancelled());
  ready.set();
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"kept@10"});
}

// The JS AsyncEvent takes the other side when the event is set: docs/toolbox-semantics.md.
TEST_CASE("a stopped coroutine passes a set event without being cancelled there, and is cancelled at once by an unset one") {
  virtual_time time;
  async_event ready{time.sched, true};
  stop_source stopped;
  stopped.request_stop();
  std::vector<std::string> log;
  time.run([](async_event& ready, stop_token token, std::vector<std::string>& log) -> task<> {
    try {
      co_await with_stop_token(token, [](async_event& ready, std::vector<std::string>& log) -> task<> {
        co_await ready.wait();
        log.push_back("passed the set event");
        ready.clear();
        co_await ready.wait();
        log.push_back("not reached");
      }(ready, log));
    } catch (const operation_cancelled&) {
      log.push_back("cancelled at the unset event");
    }
  }(ready, stopped.token(), log));
  CHECK(log == std::vector<std::string>{"passed the set event", "cancelled at the unset event"});
  CHECK(ready.waiting_count() == 0);  // never joined the waiters
}
