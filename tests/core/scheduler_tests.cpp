#include <catch2/catch.hpp>

#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

// A timer that records when it ran into a shared log.
struct logging_timer final : timer {
  logging_timer(std::vector<std::string>& log, std::string name, virtual_time& time)
      : log_(log), name_(std::move(name)), time_(time) {}
  void on_due() noexcept override { log_.push_back(name_ + "@" + std::to_string(time_.now_ms())); }
  std::vector<std::string>& log_;
  std::string name_;
  virtual_time& time_;
};

}  // namespace

TEST_CASE("timers run in deadline order, equal deadlines in the order they were scheduled") {
  virtual_time time;
  std::vector<std::string> log;
  logging_timer late{log, "late", time}, first{log, "first", time}, second{log, "second", time};
  time.sched.schedule(late, at_ms(30));
  time.sched.schedule(first, at_ms(10));
  time.sched.schedule(second, at_ms(10));
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"first@10", "second@10", "late@30"});
}

TEST_CASE("a timer never runs before its deadline, even when the host wakes us early") {
  virtual_time time;
  std::vector<std::string> log;
  logging_timer t{log, "t", time};
  time.sched.schedule(t, at_ms(100));
  time.set_ms(99);
  time.sched.run_due();  // an early host timer
  CHECK(log.empty());
  CHECK(time.clock.requested_wake() == at_ms(100));  // and it asked again
  time.set_ms(100);
  time.sched.run_due();
  CHECK(log == std::vector<std::string>{"t@100"});
}

TEST_CASE("the clock holds one wake-up request, for the earliest deadline") {
  virtual_time time;
  std::vector<std::string> log;
  logging_timer a{log, "a", time}, b{log, "b", time};
  CHECK_FALSE(time.clock.requested_wake());
  time.sched.schedule(a, at_ms(50));
  CHECK(time.clock.requested_wake() == at_ms(50));
  time.sched.schedule(b, at_ms(20));
  CHECK(time.clock.requested_wake() == at_ms(20));
  time.sched.cancel(b);
  time.sched.cancel(a);
  CHECK(time.sched.scheduled_count() == 0);
  CHECK_FALSE(time.clock.requested_wake());  // nothing left: nothing keeps the host awake
}

TEST_CASE("cancelling any timer keeps the others in deadline order") {
  virtual_time time;
  std::vector<std::string> log;
  std::vector<std::unique_ptr<logging_timer>> timers;
  for (int i = 0; i < 50; ++i) {
    timers.push_back(std::make_unique<logging_timer>(log, std::to_string(i), time));
    time.sched.schedule(*timers.back(), at_ms((i * 37) % 50));
  }
  for (int i = 0; i < 50; i += 3) time.sched.cancel(*timers[i]);
  time.run_until_idle();
  std::vector<std::int64_t> seen;
  for (const auto& entry : log) seen.push_back(std::stoll(entry.substr(entry.find('@') + 1)));
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(log.size() == 50 - 17);
}

TEST_CASE("timers that come due while others run are served in the same wake-up") {
  virtual_time time;
  int runs = 0;
  struct self_rescheduling final : timer {
    scheduler& sched;
    int& runs;
    self_rescheduling(scheduler& s, int& r) : sched(s), runs(r) {}
    void on_due() noexcept override {
      if (++runs < 3) sched.schedule(*this, deadline());  // already due again
    }
  } t{time.sched, runs};
  time.sched.schedule(t, at_ms(5));
  time.set_ms(5);
  time.sched.run_due();
  CHECK(runs == 3);
}

TEST_CASE("a sleep suspends until its deadline and not at all when the deadline has passed") {
  virtual_time time;
  std::vector<std::int64_t> woke;
  [](virtual_time& t, std::vector<std::int64_t>& woke) -> detached {
    co_await t.sched.sleep_until(at_ms(40));
    woke.push_back(t.now_ms());
    co_await t.sched.sleep_until(at_ms(10));  // in the past: no suspension
    woke.push_back(t.now_ms());
    co_await t.sched.sleep_for(25ms);
    woke.push_back(t.now_ms());
  }(time, woke);
  CHECK(woke.empty());
  time.run_until_idle();
  CHECK(woke == std::vector<std::int64_t>{40, 40, 65});
}

TEST_CASE("pace deadlines are fixed from its start, so being late once does not shift the rest") {
  virtual_time time;
  time.set_ms(1000);
  std::vector<std::int64_t> ticks;
  [](virtual_time& t, std::vector<std::int64_t>& ticks) -> detached {
    pace p{t.sched, 100ms};
    for (int i = 0; i < 5; ++i) {
      co_await p.next_tick();
      ticks.push_back(t.now_ms());
      if (i == 1) co_await t.sched.sleep_for(250ms);  // busy elsewhere: tick 3 is missed
    }
  }(time, ticks);
  time.run_until_idle();
  CHECK(ticks == std::vector<std::int64_t>{1100, 1200, 1450, 1450, 1500});
}
