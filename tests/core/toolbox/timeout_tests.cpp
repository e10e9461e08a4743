#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/toolbox/timeout.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

task<int> probed_value_after(scheduler& s, duration delay, int value, int& live) {
  lifetime_probe probe{live};
  co_await s.sleep_for(delay);
  co_return value;
}

// Records what reached the awaiter, and when.
template <typename T>
task<std::string> outcome_of(virtual_time& time, task<T> work) {
  try {
    co_await work;
    co_return "value@" + std::to_string(time.now_ms());
  } catch (const timeout_error&) {
    co_return "timeout@" + std::to_string(time.now_ms());
  } catch (const operation_cancelled&) {
    co_return "cancelled@" + std::to_string(time.now_ms());
  }
}

}  // namespace

TEST_CASE("timeout raises timeout_error exactly at the deadline and frees the work at that moment") {
  virtual_time time;
  time.set_ms(1000);
  int live = 0;
  auto handle = create_task(time.sched, outcome_of(time, timeout(time.sched, 250ms, probed_value_after(time.sched, 1h, 1, live))));
  time.run_for_ms(249);
  CHECK(live == 1);
  CHECK_FALSE(handle.done());
  time.run_for_ms(1);
  REQUIRE(handle.done());
  CHECK(handle.result() == "timeout@1250");
  CHECK(live == 0);
  CHECK(time.sched.scheduled_count() == 0);
  CHECK_FALSE(time.clock.requested_wake());
}

TEST_CASE("work that finishes before the deadline returns its value and its deadline timer leaves the scheduler") {
  virtual_time time;
  int live = 0;
  auto result = create_task(time.sched, timeout(time.sched, 1h, probed_value_after(time.sched, 10ms, 7, live)));
  time.run_for_ms(10);
  REQUIRE(result.done());
  CHECK(result.result() == 7);
  CHECK(time.sched.scheduled_count() == 0);
}

TEST_CASE("timeout counts from when it starts; timeout_at uses a fixed deadline") {
  virtual_time time;
  int live = 0;
  auto relative = timeout(time.sched, 100ms, probed_value_after(time.sched, 1h, 0, live));
  auto fixed = timeout_at(time.sched, at_ms(100), probed_value_after(time.sched, 1h, 0, live));
  time.set_ms(50);  // created at 0, started at 50
  auto relative_outcome = create_task(time.sched, outcome_of(time, std::move(relative)));
  auto fixed_outcome = create_task(time.sched, outcome_of(time, std::move(fixed)));
  time.run_until_idle();
  CHECK(fixed_outcome.result() == "timeout@100");
  CHECK(relative_outcome.result() == "timeout@150");
}

TEST_CASE("a timed-out stream consumer frees the stream and its timer at the deadline") {
  virtual_time time;
  int live = 0;
  std::vector<std::string> words;
  auto consume = [](scheduler& s, int& live, std::vector<std::string>& words) -> task<> {
    auto stream = llm_stream_answer(s, "你好 我 是 一个 模拟 的 LLM");
    lifetime_probe probe{live};
    while (chunk* c = co_await stream.next()) words.push_back(c->text());
  };
  auto outcome = create_task(time.sched, outcome_of(time, timeout(time.sched, 1750ms, consume(time.sched, live, words))));
  time.run_until_idle();
  CHECK(outcome.result() == "timeout@1750");
  CHECK(words == std::vector<std::string>{"你好", "我", "是"});
  CHECK(live == 0);
  CHECK(time.sched.scheduled_count() == 0);
}

TEST_CASE("cancelling the awaiter of a timeout gives operation_cancelled, not timeout_error") {
  virtual_time time;
  int live = 0;
  auto outcome = create_task(time.sched, outcome_of(time, [](scheduler& s, int& live) -> task<int> {
    co_return co_await timeout(s, 100ms, probed_value_after(s, 1h, 0, live));
  }(time.sched, live)));
  time.run_for_ms(40);
  outcome.cancel();  // cancels outcome_of's own wait: its awaited task sees the same token
  time.run_until_idle();
  CHECK(outcome.result() == "cancelled@40");
  CHECK(live == 0);
}

TEST_CASE("with nested deadlines only the scope whose own deadline passed reports timeout_error") {
  virtual_time time;
  int live = 0;
  SECTION("the inner deadline comes first") {
    auto outcome = create_task(time.sched, outcome_of(time, timeout(time.sched, 200ms, [](virtual_time& time, int& live) -> task<std::string> {
      co_return co_await outcome_of(time, timeout(time.sched, 50ms, probed_value_after(time.sched, 1h, 0, live)));
    }(time, live))));
    time.run_until_idle();
    CHECK(outcome.result() == "value@50");  // the inner scope caught its own timeout_error at 50
  }
  SECTION("the outer deadline comes first") {
    std::string inner_saw;
    auto outcome = create_task(time.sched, outcome_of(time, timeout(time.sched, 50ms, [](virtual_time& time, int& live, std::string& inner_saw) -> task<> {
      inner_saw = co_await outcome_of(time, timeout(time.sched, 200ms, probed_value_after(time.sched, 1h, 0, live)));
      co_await time.sched.sleep_for(1ms);  // the outer deadline has passed: this wait is cancelled
    }(time, live, inner_saw))));
    time.run_until_idle();
    CHECK(inner_saw == "cancelled@50");
    CHECK(outcome.result() == "timeout@50");
  }
  CHECK(live == 0);
}

TEST_CASE("work that catches the cancellation at the deadline and returns a value returns that value") {
  virtual_time time;
  auto stubborn = [](scheduler& s) -> task<std::string> {
    try {
      co_await s.sleep_for(1h);
    } catch (const operation_cancelled&) {
      co_return "partial answer";
    }
    co_return "full answer";
  };
  CHECK(time.run(timeout(time.sched, 30ms, stubborn(time.sched))) == "partial answer");
  CHECK(time.now_ms() == 30);
}
