// create_task / task_handle<T>: run a task side by side with the code that started it, like
// asyncio.create_task, and await or cancel it through its handle.
//
//   task_handle<int> h = create_task(sched, answer(sched));  // starts at the next turn
//   ... other work ...
//   int x = co_await h;        // waits (not at all if it is done); rethrows its exception
//   h.cancel();                // its current wait throws operation_cancelled into the body
//
// Lifetime
//   The task runs to its end whether or not anyone keeps a handle (fire and forget). Its
//   frame is destroyed the moment the body finishes, so a cancelled or timed-out stream frees
//   its memory at once; the outcome stays in a small shared state while handles refer to it.
//   Handles are cheap to copy (a single-threaded reference count).
//   A task that waits for something that never happens, with no handle left to cancel it,
//   is never freed (asyncio's "Task was destroyed but it is pending"). Likewise, cancel the
//   tasks and run the scheduler until idle before destroying it.
//
// Cancellation, as in asyncio
//   - cancel() before the task has started: its body never runs; it ends cancelled.
//   - cancel() while it waits: that wait throws operation_cancelled into the body, at the
//     next turn of the scheduler (at the same virtual time).
//   - A coroutine that is cancelled while it awaits a handle cancels the awaited task too
//     (asyncio's `await task` does the same), keeps waiting until that task has finished,
//     and gets its outcome (normally operation_cancelled). shield() does not propagate.
//   - cancelled(): the task ended with operation_cancelled.
//
// Results
//   co_await on an rvalue handle that is the last one moves the result out; otherwise it is
//   copied, so every awaiter gets it (like Task.result()). A move-only result is moved out by
//   the first await that takes it.
//
// shield(handle) / shield(sched, task): a task that waits for the inner one without passing
// cancellation on. Cancelling the outer await throws operation_cancelled there at once; the
// inner task keeps running and can still be awaited through its handle.
#pragma once

#include <cassert>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "core/runtime/cancellation.hpp"
#include "core/runtime/intrusive_list.hpp"
#include "core/runtime/sleep.hpp"
#include "core/toolbox/task.hpp"

namespace trickle {

namespace detail {

struct task_listener_tag;

// Told once when a task finishes. Its hook is not the waiting hook, so a waiting coroutine
// can listen to a task too.
class task_listener : public list_hook<task_listener_tag> {
 public:
  virtual void on_task_finished() noexcept = 0;

 protected:
  ~task_listener() = default;
};

bool is_cancellation(const std::exception_ptr& failure) noexcept;

class completion_watch;

// The part of a spawned task's shared state that does not depend on its result type.
//   queued --(its turn)--> running --(body finished)--> finished
//      \------(cancelled before its turn: the body never runs)----/
class task_state_base {
 public:
  task_state_base(const task_state_base&) = delete;
  task_state_base& operator=(const task_state_base&) = delete;

  void add_reference() noexcept { ++references_; }
  void release() noexcept {
    if (--references_ == 0) delete this;
  }
  bool is_shared() const noexcept { return references_ > 1; }

  scheduler& owner() const noexcept { return scheduler_; }
  bool done() const noexcept { return finished_; }
  bool cancelled() const noexcept { return cancelled_; }
  std::exception_ptr failure() const noexcept { return failure_; }
  // False when the task has finished or was already asked to stop.
  bool request_cancel() noexcept { return !done() && stop_.request_stop(); }
  // Precondition: !done().
  void listen(task_listener& listener) noexcept { listeners_.push_back(listener); }

 protected:
  // One reference for the first handle, one for the body until it finishes.
  explicit task_state_base(scheduler& sched) noexcept : scheduler_(sched), starter_(*this) {}
  virtual ~task_state_base() = default;

  void launch() { scheduler_.post(starter_); }
  void rethrow_if_failed() const {
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  struct starter final : timer {
    explicit starter(task_state_base& state) noexcept : state(state) {}
    void on_due() noexcept override { state.start(); }
    task_state_base& state;
  };

  // Runs the body under `token`; true when it already finished.
  virtual bool start_body(stop_token token) noexcept = 0;
  // Moves the outcome out of the finished body and destroys its frame; returns the failure.
  virtual std::exception_ptr collect_outcome() noexcept = 0;
  virtual void discard_body() noexcept = 0;

  void start() noexcept;
  void body_finished() noexcept;
  void finish() noexcept;

 protected:
  static void on_body_finished(task_promise_base&, void* self) noexcept {
    static_cast<task_state_base*>(self)->body_finished();
  }

 private:
  scheduler& scheduler_;
  starter starter_;
  stop_source stop_;
  intrusive_list<task_listener, task_listener_tag> listeners_;
  std::exception_ptr failure_;
  int references_ = 2;
  bool finished_ = false;
  bool cancelled_ = false;
};

template <typename T>
class task_state final : public task_state_base {
 public:
  task_state(scheduler& sched, task<T> work) : task_state_base(sched), work_(std::move(work)) { launch(); }

  // Precondition: done(). Rethrows the task's exception.
  T take_result(bool may_move) {
    rethrow_if_failed();
    if constexpr (!std::is_void_v<T>) {
      if constexpr (std::is_copy_constructible_v<T>) {
        if (!may_move) return *value_;
      }
      return std::move(*value_);
    }
  }

 private:
  struct nothing {};
  using value_slot = std::conditional_t<std::is_void_v<T>, nothing, std::optional<T>>;

  bool start_body(stop_token token) noexcept override { return work_.start(token, &on_body_finished, this); }
  std::exception_ptr collect_outcome() noexcept override {
    std::exception_ptr failure = work_.failure();
    if constexpr (!std::is_void_v<T>) {
      if (!failure) {
        try {
          value_.emplace(work_.take_result());
        } catch (...) {
          failure = std::current_exception();
        }
      }
    }
    work_.reset();
    return failure;
  }
  void discard_body() noexcept override { work_.reset(); }

  task<T> work_;
  [[no_unique_address]] value_slot value_;
};

// co_await on a handle: waits for the task, then takes its outcome.
template <typename T>
class task_join final : public waiting_coroutine, private task_listener {
 public:
  enum class on_cancel { cancel_the_task, leave_it_running };

  task_join(task_state<T>& state, on_cancel policy, bool may_move) noexcept
      : waiting_coroutine(state.owner()), state_(state), policy_(policy), may_move_(may_move) {}

  bool await_ready() const noexcept { return state_.done(); }
  template <typename Promise>
  bool await_suspend(coro::coroutine_handle<Promise> waiter) {
    if (policy_ == on_cancel::cancel_the_task) {
      // Already cancelled: pass it on, and still wait for the task's outcome.
      const stop_token own = stop_token_of(waiter.promise());
      if (own.stop_requested()) state_.request_cancel();
      begin_wait(waiter, own);
    } else if (!begin_wait_unless_stopped(waiter)) {
      return false;
    }
    state_.listen(*this);
    return true;
  }
  T await_resume() {
    end_wait();
    return state_.take_result(may_move_ && !state_.is_shared());
  }

 private:
  void on_task_finished() noexcept override { wake(); }
  void on_stop_requested() noexcept override {
    if (policy_ == on_cancel::cancel_the_task) {
      state_.request_cancel();  // and keep listening: its outcome is ours
    } else {
      task_listener::unlink();
      resume_cancelled();
    }
  }

  task_state<T>& state_;
  on_cancel policy_;
  bool may_move_;
};

}  // namespace detail

template <typename T = void>
class task_handle {
 public:
  using value_type = T;

  task_handle() noexcept = default;
  task_handle(const task_handle& other) noexcept : state_(other.state_) {
    if (state_) state_->add_reference();
  }
  task_handle(task_handle&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  task_handle& operator=(task_handle other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~task_handle() {
    if (state_) state_->release();
  }

  explicit operator bool() const noexcept { return state_ != nullptr; }
  bool done() const noexcept { return state().done(); }
  bool cancelled() const noexcept { return state().cancelled(); }
  // Asks the task to stop (see the header). False when it has finished or was already asked.
  bool cancel() noexcept { return state().request_cancel(); }
  // The exception the task ended with, or null. Precondition: done().
  std::exception_ptr exception() const noexcept { return finished_state().failure(); }
  // The result, or the task's exception rethrown. Precondition: done().
  T result() const& { return finished_state().take_result(false); }
  T result() && { return finished_state().take_result(!state_->is_shared()); }
  scheduler& owner() const noexcept { return state().owner(); }

  detail::task_join<T> operator co_await() const& noexcept {
    return {state(), detail::task_join<T>::on_cancel::cancel_the_task, false};
  }
  detail::task_join<T> operator co_await() && noexcept {
    return {state(), detail::task_join<T>::on_cancel::cancel_the_task, true};
  }

  friend bool operator==(const task_handle&, const task_handle&) = default;

 private:
  template <typename U>
  friend task_handle<U> create_task(scheduler& sched, task<U> work);
  template <typename U>
  friend task<U> shield(task_handle<U> inner);
  friend class detail::completion_watch;

  explicit task_handle(detail::task_state<T>* adopted) noexcept : state_(adopted) {}
  detail::task_state<T>& state() const noexcept {
    assert(state_ && "task_handle: empty handle (default-constructed or moved from)");
    return *state_;
  }
  detail::task_state<T>& finished_state() const noexcept {
    assert(state().done() && "task_handle: the task has not finished; co_await it instead");
    return *state_;
  }
  detail::task_state<T>* state_ = nullptr;
};

// Starts `work` at the next turn of `sched`, side by side with the caller.
template <typename T>
task_handle<T> create_task(scheduler& sched, task<T> work) {
  return task_handle<T>{new detail::task_state<T>(sched, std::move(work))};
}

template <typename T>
task<T> shield(task_handle<T> inner) {
  co_return co_await detail::task_join<T>{inner.state(), detail::task_join<T>::on_cancel::leave_it_running, true};
}

template <typename T>
task<T> shield(scheduler& sched, task<T> work) {
  return shield(create_task(sched, std::move(work)));
}

}  // namespace trickle
