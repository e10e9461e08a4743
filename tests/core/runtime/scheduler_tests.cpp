#include <catch2/catch.hpp>

#include "allocation_counter.hpp"
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

TEST_CASE("equal deadlines keep arrival order when other deadlines are scheduled in between") {
  // Equal deadlines share a group only while they come in a row; order must not depend on it.
  virtual_time time;
  std::vector<std::string> log;
  logging_timer a{log, "a", time}, b{log, "b", time}, c{log, "c", time}, d{log, "d", time},
      e{log, "e", time};
  time.sched.schedule(a, at_ms(10));
  time.sched.schedule(b, at_ms(20));
  time.sched.schedule(c, at_ms(10));
  time.sched.schedule(d, at_ms(20));
  time.sched.schedule(e, at_ms(10));
  CHECK(time.sched.scheduled_count() == 5);
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"a@10", "c@10", "e@10", "b@20", "d@20"});
}

TEST_CASE("10,000 timers at one deadline: cancelling some, then the rest, leaves nothing behind") {
  virtual_time time;
  std::vector<std::string> log;
  std::vector<std::unique_ptr<logging_timer>> timers;
  for (int i = 0; i < 10'000; ++i) {
    timers.push_back(std::make_unique<logging_timer>(log, std::to_string(i), time));
    time.sched.schedule(*timers.back(), at_ms(5));
  }
  logging_timer later{log, "later", time};
  time.sched.schedule(later, at_ms(7));
  CHECK(time.sched.scheduled_count() == 10'001);
  CHECK(time.sched.next_deadline() == at_ms(5));
  // The first, one in the middle and the last of the group.
  for (int i : {0, 5'000, 9'999}) time.sched.cancel(*timers[i]);
  CHECK(time.sched.scheduled_count() == 9'998);
  time.set_ms(5);
  time.sched.run_due();
  REQUIRE(log.size() == 9'997);
  CHECK(log.front() == "1@5");
  CHECK(log[4'998] == "4999@5");
  CHECK(log[4'999] == "5001@5");
  CHECK(log.back() == "9998@5");
  // The group is gone; the next deadline is what remains.
  CHECK(time.sched.scheduled_count() == 1);
  CHECK(time.clock.requested_wake() == at_ms(7));
  time.sched.cancel(later);
  CHECK(time.sched.scheduled_count() == 0);
  CHECK_FALSE(time.sched.next_deadline());
  CHECK_FALSE(time.clock.requested_wake());
}

TEST_CASE("cancelling the last timer of the earliest deadline makes the next deadline the earliest") {
  virtual_time time;
  std::vector<std::string> log;
  logging_timer a{log, "a", time}, b{log, "b", time}, c{log, "c", time};
  time.sched.schedule(a, at_ms(10));
  time.sched.schedule(b, at_ms(10));
  time.sched.schedule(c, at_ms(30));
  time.sched.cancel(a);
  CHECK(time.sched.next_deadline() == at_ms(10));
  time.sched.cancel(b);
  CHECK(time.sched.next_deadline() == at_ms(30));
  // A timer scheduled again at the emptied deadline still runs at it.
  time.sched.schedule(a, at_ms(10));
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"a@10", "c@30"});
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

TEST_CASE("pace ticks already due pass without a timer, and a stop request still ends them") {
  virtual_time time;
  stop_source stop;
  int passed = 0;
  bool cancelled = false;
  [](virtual_time& t, stop_token token, int& passed, bool& cancelled) -> detached {
    pace p{t.sched, 0ms, token};
    try {
      for (;;) {
        co_await p.next_tick();
        ++passed;
        CHECK(t.sched.scheduled_count() == 0);
        if (passed == 3) co_await t.sched.yield();  // the stop comes while this waits
      }
    } catch (const operation_cancelled&) {
      cancelled = true;
    }
  }(time, stop.token(), passed, cancelled);
  CHECK(passed == 3);
  stop.request_stop();
  time.run_until_idle();
  // The tick after the yield is due (a zero interval), but the pace has been stopped.
  CHECK(passed == 3);
  CHECK(cancelled);
  CHECK(time.now_ms() == 0);
}

TEST_CASE("yield lets every other ready coroutine run before it continues") {
  virtual_time time;
  std::vector<std::string> log;
  auto worker = [](scheduler& s, std::vector<std::string>& log, std::string name) -> detached {
    for (int i = 0; i < 3; ++i) {
      log.push_back(name + std::to_string(i));
      co_await s.yield();
    }
  };
  worker(time.sched, log, "a");
  worker(time.sched, log, "b");
  CHECK(log == std::vector<std::string>{"a0", "b0"});
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"a0", "b0", "a1", "b1", "a2", "b2"});
  CHECK(time.now_ms() == 0);  // yielding takes no virtual time
}

TEST_CASE("sleep_for(0) yields like asyncio.sleep(0), while sleep_until a passed deadline does not") {
  virtual_time time;
  time.set_ms(50);
  std::vector<std::string> log;
  [](scheduler& s, std::vector<std::string>& log) -> detached {
    co_await s.sleep_until(at_ms(10));
    log.push_back("passed deadline: no suspension");
    co_await s.sleep_for(0ms);
    log.push_back("after the yield");
  }(time.sched, log);
  CHECK(log == std::vector<std::string>{"passed deadline: no suspension"});
  CHECK(time.sched.ready_count() == 1);
  time.sched.run_due();
  CHECK(log.back() == "after the yield");
}

TEST_CASE("ready work asks the clock for an immediate wake-up and comes after the timers already due") {
  virtual_time time;
  std::vector<std::string> log;
  logging_timer due_timer{log, "timer", time}, ready_work{log, "ready", time};
  time.sched.schedule(due_timer, at_ms(20));
  CHECK(time.clock.requested_wake() == at_ms(20));
  time.set_ms(10);
  time.sched.post(ready_work);
  CHECK(time.clock.requested_wake() == at_ms(10));  // now, not at the next deadline
  time.set_ms(30);  // the host was slow: by now the timer is due as well
  time.sched.run_due();
  CHECK(log == std::vector<std::string>{"timer@30", "ready@30"});
  CHECK_FALSE(time.clock.requested_wake());
}

TEST_CASE("work posted during a turn waits for the next turn, so a yield loop returns to the host") {
  virtual_time time;
  stop_source stop;
  int rounds = 0;
  bool ended = false;
  [](scheduler& s, stop_token token, int& rounds, bool& ended) -> detached {
    try {
      for (;;) {
        ++rounds;
        co_await s.yield(token);
      }
    } catch (const operation_cancelled&) {
      ended = true;
    }
  }(time.sched, stop.token(), rounds, ended);
  for (int turn = 1; turn <= 3; ++turn) {
    REQUIRE(time.clock.requested_wake() == at_ms(0));
    time.sched.run_due();  // returns: one round per turn
    CHECK(rounds == turn + 1);
  }
  stop.request_stop();  // a queued yield is cancelled too
  time.run_until_idle();
  CHECK(ended);
  CHECK(rounds == 4);
  CHECK(time.sched.ready_count() == 0);
}

TEST_CASE("a posted timer can be cancelled before its turn, and then nothing keeps the host awake") {
  virtual_time time;
  std::vector<std::string> log;
  logging_timer t{log, "t", time};
  time.sched.post(t);
  CHECK(t.is_scheduled());
  time.sched.cancel(t);
  CHECK_FALSE(t.is_scheduled());
  CHECK_FALSE(time.clock.requested_wake());
  time.sched.run_due();
  CHECK(log.empty());
}

TEST_CASE("a stop request during a sleep removes its timer at once and resumes the sleeper with operation_cancelled") {
  virtual_time time;
  stop_source stop;
  int live = 0;
  std::string outcome;
  [](scheduler& s, stop_token token, int& live, std::string& outcome) -> detached {
    lifetime_probe probe{live};
    try {
      co_await s.sleep_for(1h, token);
      outcome = "slept";
    } catch (const operation_cancelled&) {
      outcome = "cancelled";
    }
  }(time.sched, stop.token(), live, outcome);
  time.run_for_ms(10);
  CHECK(time.sched.scheduled_count() == 1);
  stop.request_stop();
  CHECK(time.sched.scheduled_count() == 0);  // the timer left the heap in request_stop()
  time.run_until_idle();
  CHECK(outcome == "cancelled");
  CHECK(live == 0);
  CHECK(time.now_ms() == 10);  // not an hour later
}

TEST_CASE("after reserve_timers(n), scheduling n timers at distinct deadlines allocates nothing, idle moments included") {
  virtual_time time;
  std::vector<std::string> log;
  constexpr int count = 3000;  // past the 1,024 groups an idle scheduler keeps by itself
  std::vector<std::unique_ptr<logging_timer>> timers;
  for (int i = 0; i < count; ++i) timers.push_back(std::make_unique<logging_timer>(log, "t", time));
  time.sched.reserve_timers(count);
  for (int round = 0; round < 2; ++round) {
    allocation_counter allocations;
    for (int i = 0; i < count; ++i) time.sched.schedule(*timers[i], at_ms(time.now_ms() + 1 + i));
    // All cancelled: the queue is idle, and without the reservation would give its room back.
    for (int i = 0; i < count; ++i) time.sched.cancel(*timers[i]);
    CHECK(allocations.count() == 0);
  }
  SECTION("and without a reservation, the same schedule does allocate (the counter can tell)") {
    virtual_time other;
    std::vector<std::unique_ptr<logging_timer>> more;
    for (int i = 0; i < count; ++i) more.push_back(std::make_unique<logging_timer>(log, "u", other));
    allocation_counter allocations;
    for (int i = 0; i < count; ++i) other.sched.schedule(*more[i], at_ms(1 + i));
    CHECK(allocations.count() > 0);
    for (int i = 0; i < count; ++i) other.sched.cancel(*more[i]);
  }
}
