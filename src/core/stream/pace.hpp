// pace: the fixed schedule of the lesson's generator, one deadline per tick.
#pragma once

#include <cstdint>
#include <optional>

#include "core/runtime/cancellation.hpp"
#include "core/runtime/clock.hpp"
#include "core/runtime/sleep.hpp"

namespace trickle {

// A fixed schedule: tick i (from 0) is due at start + (i + 1) * interval, with start taken
// when the pace is created. Each deadline is computed from start, never from the previous
// wake-up, so lateness does not accumulate; a consumer that falls behind finds the ticks
// already due and passes them without waiting.
// `stop` calls the schedule off: a tick awaited after (or during) a stop request throws
// operation_cancelled, on top of whatever cancels the awaiting coroutine itself.
class pace {
 public:
  class tick_awaiter;

  pace(scheduler& sched, duration interval, stop_token stop = {})
      : scheduler_(sched), start_(sched.now()), interval_(interval), stop_(stop) {}

  tick_awaiter next_tick() noexcept;

  time_point start() const noexcept { return start_; }

 private:
  scheduler& scheduler_;
  time_point start_;
  duration interval_;
  stop_token stop_;
  std::uint64_t ticks_ = 0;
};

// What next_tick() returns: a sleep until the tick's deadline, made only when the tick is
// not due yet. A consumer that reads a stream as fast as it comes (zero delay, or a reader
// that fell behind) passes every tick here with two checks and no timer: the sleep's timer
// and its stop listeners would otherwise be built and torn down for each piece. The rules
// stay the sleep's: a stop requested (on the awaiting coroutine's token or the pace's)
// throws operation_cancelled from the await, due or not.
class pace::tick_awaiter {
 public:
  tick_awaiter(scheduler& sched, time_point deadline, stop_token stop) noexcept
      : scheduler_(sched), deadline_(deadline), stop_(stop) {}

  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  bool await_suspend(coro::coroutine_handle<Promise> waiter) noexcept {
    const stop_token own = stop_token_of(waiter.promise());
    const bool stopped = (own.stop_possible() && own.stop_requested()) || (stop_.stop_possible() && stop_.stop_requested());
    if (!stopped && scheduler_.due_by_last_reading(deadline_)) return false;
    sleep_.emplace(scheduler_, deadline_, stop_);
    return sleep_->await_suspend(waiter);
  }
  void await_resume() const {
    if (sleep_) sleep_->await_resume();
  }

 private:
  scheduler& scheduler_;
  time_point deadline_;
  stop_token stop_;
  std::optional<scheduler::sleep_awaiter> sleep_;
};

inline pace::tick_awaiter pace::next_tick() noexcept {
  ++ticks_;
  return tick_awaiter{scheduler_, start_ + interval_ * static_cast<std::int64_t>(ticks_), stop_};
}

}  // namespace trickle
