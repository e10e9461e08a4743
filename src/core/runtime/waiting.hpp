// waiting_coroutine: how every wait in trickle begins and ends (a sleep, a lock, a
// semaphore, a queue, an event, a task), whatever it waits for.
#pragma once

#include "core/runtime/cancellation.hpp"
#include "core/runtime/coroutine.hpp"
#include "core/runtime/scheduler.hpp"

namespace trickle {

// The common part of every co_await that can wait: a sleep, a lock, a semaphore, a queue,
// an event, a task. Derived awaiters decide *what* they wait for; this class decides how a
// wait ends.
//
//   await_suspend:  stop_requested_before_wait(token)?  -> do not suspend; await_resume throws
//                   otherwise begin_wait(), then link yourself where you wait
//                   (the timer heap, a primitive's waiter list, a task's listeners)
//   it happens:     wake(): stop listening, queue on the ready list
//   stop requested: on_stop_requested(): by default leave wherever you are linked and queue on
//                   the ready list marked cancelled
//   resumed:        await_resume calls end_wait(), which throws operation_cancelled if the
//                   wait was cancelled
//
// Two tokens are heard: the awaiting coroutine's own (from its promise) and an optional
// extra one given to the awaiter (pace's, for example).
// Once woken with a result (a lock handed over, an item delivered), a later stop request is
// not heard by this wait: the result is never dropped, and the coroutine's next suspension
// point reports the cancellation instead.
class waiting_coroutine : public timer {
 public:
  waiting_coroutine(const waiting_coroutine&) = delete;
  waiting_coroutine& operator=(const waiting_coroutine&) = delete;

 protected:
  explicit waiting_coroutine(scheduler& sched, stop_token extra_stop = {}) noexcept
      : scheduler_(sched), extra_token_(extra_stop) {}
  // A frame destroyed while it waits leaves the heap or list at once.
  ~waiting_coroutine() { scheduler_.cancel(*this); }

  // True when a stop was requested before we waited at all; then do not suspend, and
  // await_resume will throw.
  bool stop_requested_before_wait(stop_token own) noexcept {
    cancelled_ = own.stop_requested() || extra_token_.stop_requested();
    return cancelled_;
  }
  // The usual start of an await_suspend: unless a stop came first (then do not suspend),
  // begin waiting under the awaiting coroutine's own token. The caller then files itself
  // wherever it will be woken from.
  template <typename Promise>
  bool begin_wait_unless_stopped(coro::coroutine_handle<Promise> waiter) noexcept {
    const stop_token own = stop_token_of(waiter.promise());
    if (stop_requested_before_wait(own)) return false;
    begin_wait(waiter, own);
    return true;
  }
  // Call when committed to suspending: listens for stop requests until woken.
  void begin_wait(coro::coroutine_handle<> waiter, stop_token own) noexcept {
    waiter_ = waiter;
    (void)own_stop_.attach(own, &on_stop, this);  // not stopped: checked just before
    (void)extra_stop_.attach(extra_token_, &on_stop, this);
  }
  // What was waited for has happened: resume at the next turn. The caller has already taken
  // this waiter out of its list.
  void wake() noexcept {
    stop_listening();
    scheduler_.post(*this);
  }
  // Leaves the heap or the list the waiter is in, and resumes it with operation_cancelled.
  void resume_cancelled() noexcept {
    stop_listening();
    scheduler_.cancel(*this);
    cancelled_ = true;
    scheduler_.post(*this);
  }
  void end_wait() const {
    if (cancelled_) throw operation_cancelled{};
  }
  scheduler& owner() const noexcept { return scheduler_; }

  // The default reaction to a stop request. An awaiter that must do something else (a task
  // join cancels the task it waits for and keeps waiting) overrides it.
  virtual void on_stop_requested() noexcept { resume_cancelled(); }

 private:
  static void on_stop(void* self) noexcept {
    auto& waiting = *static_cast<waiting_coroutine*>(self);
    waiting.stop_listening();
    waiting.on_stop_requested();
  }
  void stop_listening() noexcept {
    own_stop_.detach();
    extra_stop_.detach();
  }
  void on_due() final {
    stop_listening();
    waiter_.resume();
  }

  scheduler& scheduler_;
  stop_token extra_token_;
  coro::coroutine_handle<> waiter_;
  stop_registration own_stop_;
  stop_registration extra_stop_;
  bool cancelled_ = false;
};

}  // namespace trickle
