#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/toolbox/timeout.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

task<std::string> save_after(scheduler& s, duration delay, std::vector<std::string>& log) {
  co_await s.sleep_for(delay);
  log.push_back("saved at " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(s.now().time_since_epoch()).count()));
  co_return "saved";
}

}  // namespace

TEST_CASE("cancelling a shielded await throws there at once while the inner task keeps running to completion") {
  virtual_time time;
  std::vector<std::string> log;
  auto inner = create_task(time.sched, save_after(time.sched, 100ms, log));
  auto outer = create_task(time.sched, [](task_handle<std::string> inner, std::vector<std::string>& log) -> task<> {
    try {
      co_await shield(inner);
    } catch (const operation_cancelled&) {
      log.push_back("outer cancelled");
      throw;
    }
  }(inner, log));
  time.run_for_ms(30);
  outer.cancel();
  time.run_for_ms(0);
  CHECK(log == std::vector<std::string>{"outer cancelled"});
  CHECK(outer.cancelled());
  CHECK_FALSE(inner.done());
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"outer cancelled", "saved at 100"});
  CHECK(inner.result() == "saved");
  CHECK_FALSE(inner.cancelled());
}

TEST_CASE("a timeout around a shield times out at its deadline and leaves the shielded work running") {
  virtual_time time;
  std::vector<std::string> log;
  auto inner = create_task(time.sched, save_after(time.sched, 100ms, log));
  auto guarded = create_task(time.sched, timeout(time.sched, 20ms, shield(inner)));
  time.run_until_idle();
  CHECK_THROWS_AS(guarded.result(), timeout_error);
  CHECK(log == std::vector<std::string>{"saved at 100"});
  CHECK(inner.result() == "saved");
}

TEST_CASE("without a shield the same timeout cancels the inner work") {
  virtual_time time;
  std::vector<std::string> log;
  auto inner = create_task(time.sched, save_after(time.sched, 100ms, log));
  auto guarded = create_task(time.sched, timeout(time.sched, 20ms, [](task_handle<std::string> inner) -> task<std::string> {
    co_return co_await inner;
  }(inner)));
  time.run_until_idle();
  CHECK_THROWS_AS(guarded.result(), timeout_error);
  CHECK(inner.cancelled());
  CHECK(log.empty());
}

TEST_CASE("after a cancellation, cleanup that must wait runs under a token that never stops, since a shield would throw at once") {
  virtual_time time;
  std::vector<std::string> log;
  auto handle = create_task(time.sched, [](scheduler& s, std::vector<std::string>& log) -> task<> {
    bool cancelled = false;
    try {
      co_await s.sleep_for(1h);
    } catch (const operation_cancelled&) {
      cancelled = true;
    }
    if (!cancelled) co_return;
    try {
      co_await shield(s, save_after(s, 10ms, log));  // our token is stopped for good
    } catch (const operation_cancelled&) {
      log.push_back("shield cancelled at once");
    }
    log.push_back(co_await with_stop_token(stop_token{}, save_after(s, 10ms, log)));
    throw operation_cancelled{};
  }(time.sched, log));
  time.run_for_ms(5);
  handle.cancel();
  time.run_until_idle();
  // The unstoppable save was awaited; the shielded one (its own task, started a turn later)
  // still ran to its end.
  CHECK(log == std::vector<std::string>{"shield cancelled at once", "saved at 15", "saved", "saved at 15"});
  CHECK(handle.cancelled());
}
