#include "core/toolbox/task_handle.hpp"

namespace trickle::detail {

bool is_cancellation(const std::exception_ptr& failure) noexcept {
  if (!failure) return false;
  try {
    std::rethrow_exception(failure);
  } catch (const operation_cancelled&) {
    return true;
  } catch (...) {
    return false;
  }
}

void task_state_base::start() noexcept {
  if (stop_.stop_requested()) {
    // Cancelled before its first turn: like asyncio, the body never runs.
    discard_body();
    failure_ = std::make_exception_ptr(operation_cancelled{});
    cancelled_ = true;
    finish();
    return;
  }
  if (start_body(stop_.token())) body_finished();
}

void task_state_base::body_finished() noexcept {
  failure_ = collect_outcome();  // destroys the frame: its memory is back now
  cancelled_ = is_cancellation(failure_);
  finish();
}

void task_state_base::finish() noexcept {
  finished_ = true;
  // Listeners only queue their coroutines on the ready list; each is unlinked before it is
  // told, so one that stops listening to others meanwhile cannot disturb this loop.
  while (task_listener* listener = listeners_.pop_front()) listener->on_task_finished();
  release();  // the body's reference; the last handle may be gone already
}

}  // namespace trickle::detail
