// pace: the fixed schedule of the lesson's generator, one deadline per tick.
#pragma once

#include <cstdint>

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
  pace(scheduler& sched, duration interval, stop_token stop = {})
      : scheduler_(sched), start_(sched.now()), interval_(interval), stop_(stop) {}

  scheduler::sleep_awaiter next_tick() noexcept {
    ++ticks_;
    return scheduler_.sleep_until(start_ + interval_ * static_cast<std::int64_t>(ticks_), stop_);
  }

  time_point start() const noexcept { return start_; }

 private:
  scheduler& scheduler_;
  time_point start_;
  duration interval_;
  stop_token stop_;
  std::uint64_t ticks_ = 0;
};

}  // namespace trickle
