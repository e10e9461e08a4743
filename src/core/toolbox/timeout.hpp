// timeout / timeout_at: run a task with a deadline (asyncio.wait_for and asyncio.timeout).
//
//   std::string text = co_await timeout(sched, 2s, fetch_answer(sched));  // or timeout_error
//
// Semantics
//   - The work runs under a stop source linked to the awaiting coroutine's token, and a
//     timer at the deadline (for timeout(): the moment the timeout task starts, plus the
//     limit). At the deadline the work is cancelled: its current wait throws
//     operation_cancelled, it unwinds (frame and locals freed), and timeout_error is thrown
//     to the awaiter, all at the deadline's own virtual time.
//   - Work that finishes first returns its value, and the deadline timer leaves the
//     scheduler.
//   - If the awaiting coroutine is cancelled, that wins: operation_cancelled, not
//     timeout_error. Nested deadlines work the same way: only the scope whose own deadline
//     passed reports timeout_error; the ones inside it see a cancellation.
//   - Work that catches the cancellation and returns a value anyway returns that value.
//   - Work that never waits cannot be interrupted: cancellation is seen at suspension points.
#pragma once

#include <optional>
#include <stdexcept>
#include <utility>

#include "core/runtime/cancellation.hpp"
#include "core/runtime/sleep.hpp"
#include "core/toolbox/task.hpp"

namespace trickle {

class timeout_error : public std::runtime_error {
 public:
  timeout_error() : std::runtime_error("trickle: timed out") {}
};

namespace detail {

// A stop source that also stops at a deadline.
class deadline_scope final : private timer {
 public:
  deadline_scope(scheduler& sched, time_point deadline, stop_token parent)
      : scheduler_(sched), source_(parent) {
    if (!source_.stop_requested()) scheduler_.schedule(*this, deadline);
  }
  deadline_scope(const deadline_scope&) = delete;
  deadline_scope& operator=(const deadline_scope&) = delete;
  ~deadline_scope() { scheduler_.cancel(*this); }

  stop_token token() noexcept { return source_.token(); }
  bool expired() const noexcept { return expired_; }

 private:
  void on_due() noexcept override {
    expired_ = true;
    source_.request_stop();
  }

  scheduler& scheduler_;
  linked_stop_source source_;
  bool expired_ = false;
};

// Either a fixed deadline or a limit counted from when the timeout task starts.
struct deadline_spec {
  std::optional<time_point> at;
  duration after{};
  time_point resolve(scheduler& sched) const { return at ? *at : sched.now() + after; }
};

template <typename T>
task<T> run_with_deadline(scheduler& sched, deadline_spec deadline, task<T> work) {
  const stop_token outer = co_await current_stop_token();
  deadline_scope scope{sched, deadline.resolve(sched), outer};
  try {
    co_return co_await work.under(scope.token());
  } catch (const operation_cancelled&) {
    if (scope.expired() && !outer.stop_requested()) throw timeout_error{};
    throw;
  }
}

}  // namespace detail

template <typename T>
task<T> timeout(scheduler& sched, duration limit, task<T> work) {
  return detail::run_with_deadline(sched, {std::nullopt, limit}, std::move(work));
}

template <typename T>
task<T> timeout_at(scheduler& sched, time_point deadline, task<T> work) {
  return detail::run_with_deadline(sched, {deadline, {}}, std::move(work));
}

}  // namespace trickle
