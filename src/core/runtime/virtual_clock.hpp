// virtual_clock: time that moves only when a test moves it. run_until_idle() jumps from
// one requested wake-up to the next, so a test of a 30-second stream takes no real time
// and every arrival lands exactly on its deadline.
#pragma once

#include <optional>

#include "core/runtime/clock.hpp"
#include "core/runtime/scheduler.hpp"

namespace trickle {

// A clock that moves only when told. Tests drive it with run_until_idle / run_for.
class virtual_clock final : public clock {
 public:
  time_point now() noexcept override { return now_; }
  void request_wake(time_point deadline) noexcept override { wake_ = deadline; }
  void cancel_wake() noexcept override { wake_.reset(); }

  std::optional<time_point> requested_wake() const noexcept { return wake_; }
  void set(time_point t) noexcept { now_ = t; }

 private:
  time_point now_{};
  std::optional<time_point> wake_;
};

// Jumps from one requested wake-up to the next until nothing is scheduled.
void run_until_idle(scheduler& sched, virtual_clock& clock);
// Moves time forward by `span`, running every wake-up in between at its own time.
void run_for(scheduler& sched, virtual_clock& clock, duration span);

}  // namespace trickle
