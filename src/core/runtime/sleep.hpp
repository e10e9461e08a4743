// Sleeping on the scheduler: the awaitables that scheduler::sleep_until, sleep_for and yield
// return.
#pragma once
//
// Awaitables
//   co_await sched.sleep_until(t)   suspends until t; does not suspend if t has passed (pace
//                                   relies on that to catch up).
//   co_await sched.sleep_for(d)     sleep_until(now + d); d <= 0 is a yield, like
//                                   asyncio.sleep(0).
//   co_await sched.yield()          lets all other ready work run first (one turn).
// Each of them is a cancellation point: a stop request on the awaiting coroutine's token
// (see cancellation.hpp), or on the optional extra token, removes the timer at once and the
// coroutine resumes at the next turn with operation_cancelled. A token already stopped
// throws without suspending.

#include <optional>

#include "core/runtime/coroutine.hpp"
#include "core/runtime/scheduler.hpp"
#include "core/runtime/waiting.hpp"

namespace trickle {

class scheduler::sleep_awaiter final : private waiting_coroutine {
 public:
  // A sleep until `deadline`, or (no deadline) a yield to the other ready work.
  sleep_awaiter(scheduler& owner, std::optional<time_point> deadline, stop_token extra_stop) noexcept
      : waiting_coroutine(owner, extra_stop), wake_at_(deadline) {}

  // Always false: await_suspend checks for a stop request before anything else.
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  bool await_suspend(coro::coroutine_handle<Promise> sleeper) noexcept {
    return suspend(sleeper, stop_token_of(sleeper.promise()));
  }
  void await_resume() const { end_wait(); }

 private:
  bool suspend(coro::coroutine_handle<> sleeper, stop_token own) noexcept;

  std::optional<time_point> wake_at_;
};

inline scheduler::sleep_awaiter scheduler::sleep_until(time_point deadline, stop_token extra_stop) noexcept {
  return sleep_awaiter{*this, deadline, extra_stop};
}

inline scheduler::sleep_awaiter scheduler::yield(stop_token extra_stop) noexcept {
  return sleep_awaiter{*this, std::nullopt, extra_stop};
}

}  // namespace trickle
