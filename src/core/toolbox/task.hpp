// task<T>: a coroutine that runs to completion and hands back a T, or its exception.
// The C++ counterpart of a Python `async def` awaited with `await`.
//
// Using it
//   task<int> answer(scheduler& s) { co_await s.sleep_for(1s); co_return 42; }
//   int x = co_await answer(s);          // inside another coroutine: run it, wait, get 42
//   create_task(s, answer(s))            // run it side by side instead (task_handle.hpp)
//
// Guarantees
//   - Lazy: the body starts when the task is awaited (or started by create_task, when_all...).
//     Destroying a task that never started destroys its frame; the body never runs.
//   - A task awaited by another runs under the awaiting coroutine's stop token, as Python's
//     `await coro()` runs inside the same Task: cancelling the outer cancels the inner wait.
//   - An exception leaving the body is rethrown from co_await.
//   - Flat stacks without symmetric transfer (which WebAssembly without tail calls cannot
//     do): a body that finishes without waiting lets its awaiter continue without suspending
//     (await_suspend returns false); a body that waited resumes its awaiter directly when it
//     finishes. The stack nests as deep as tasks await tasks, never with the number of items
//     or loop iterations.
//   - Await a task once.
//
// Also here
//   co_await current_stop_token()         the token the current coroutine runs under
//   co_await with_stop_token(token, t)    await t under another token instead (deadlines,
//                                         groups); t no longer hears the awaiter's token
#pragma once

#include <cassert>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "core/runtime/cancellation.hpp"
#include "core/runtime/coroutine.hpp"

namespace trickle {

template <typename T = void>
class task;

namespace detail {

// What every task promise has, whatever its result type: the stop token it runs under and
// whom to tell when it finishes. Combinators (when_all, create_task) drive tasks of any
// result type through this.
class task_promise_base {
 public:
  // Called once the body has finished, unless start() is still on the stack (start() then
  // reports it by returning true). The callee may destroy the frame.
  using finish_callback = void (*)(task_promise_base& finished, void* context) noexcept;

  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <typename Promise>
    void await_suspend(coro::coroutine_handle<Promise> self) noexcept {
      task_promise_base& promise = self.promise();
      if (promise.starter_on_stack_) return;
      // Copied before the call: the callback may destroy this frame, and nothing here may
      // touch it afterwards.
      const finish_callback on_finish = promise.on_finish_;
      void* const context = promise.context_;
      on_finish(promise, context);
    }
    void await_resume() const noexcept {}
  };

  coro::suspend_always initial_suspend() const noexcept { return {}; }
  final_awaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { failure_ = std::current_exception(); }

  stop_token get_stop_token() const noexcept { return token_; }
  std::exception_ptr failure() const noexcept { return failure_; }

  // Runs the body under `token` until it first waits or finishes. True when it finished;
  // otherwise on_finish(*this, context) runs when it does.
  bool start(coro::coroutine_handle<> body, stop_token token, finish_callback on_finish,
             void* context) noexcept {
    token_ = token;
    on_finish_ = on_finish;
    context_ = context;
    starter_on_stack_ = true;
    body.resume();
    // Nothing resumes a suspended body from inside this call (waits are woken through the
    // scheduler's ready list), so the frame is still ours to look at.
    starter_on_stack_ = false;
    return body.done();
  }

 protected:
  void rethrow_if_failed() const {
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  stop_token token_;
  finish_callback on_finish_ = nullptr;
  void* context_ = nullptr;
  bool starter_on_stack_ = false;
  std::exception_ptr failure_;
};

template <typename T>
class task_promise final : public task_promise_base {
 public:
  task<T> get_return_object() noexcept;
  void return_value(T value) { value_.emplace(std::move(value)); }
  T take_result() {
    rethrow_if_failed();
    assert(value_ && "task: the result was already taken (a task is awaited once)");
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
};

template <>
class task_promise<void> final : public task_promise_base {
 public:
  task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take_result() const { rethrow_if_failed(); }
};

}  // namespace detail

template <typename T>
class [[nodiscard]] task {
  static_assert(!std::is_reference_v<T>, "task<T>: return a value (or a pointer), not a reference");

 public:
  using value_type = T;
  using promise_type = detail::task_promise<T>;
  using handle_type = coro::coroutine_handle<promise_type>;
  using finish_callback = detail::task_promise_base::finish_callback;

  class awaiter {
   public:
    awaiter(handle_type body, std::optional<stop_token> token) noexcept : body_(body), token_(token) {}
    bool await_ready() const noexcept { return false; }
    // False (continue without suspending) when the body finished without waiting.
    template <typename Promise>
    bool await_suspend(coro::coroutine_handle<Promise> parent) noexcept {
      assert(body_ && !body_.done() && "task: awaited twice, or empty");
      const stop_token token = token_ ? *token_ : stop_token_of(parent.promise());
      return !body_.promise().start(body_, token, &resume_parent, parent.address());
    }
    T await_resume() { return body_.promise().take_result(); }

   private:
    static void resume_parent(detail::task_promise_base&, void* parent) noexcept {
      coro::coroutine_handle<>::from_address(parent).resume();
    }
    handle_type body_;
    std::optional<stop_token> token_;
  };

  task() noexcept = default;
  task(task&& other) noexcept : body_(std::exchange(other.body_, nullptr)) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      reset();
      body_ = std::exchange(other.body_, nullptr);
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() { reset(); }

  // Borrows the frame: the task (even a temporary one) lives until the await has ended.
  awaiter operator co_await() const noexcept { return awaiter{body_, std::nullopt}; }
  awaiter under(stop_token token) const noexcept { return awaiter{body_, token}; }

  // The lower level, for combinators that run tasks without awaiting them one by one.
  // start(): see task_promise_base::start. After the body finished, take_result() returns
  // its value or rethrows its exception, and failure() tells which without throwing.
  bool start(stop_token token, finish_callback on_finish, void* context) noexcept {
    assert(body_ && !body_.done() && "task: started twice, or empty");
    return body_.promise().start(body_, token, on_finish, context);
  }
  bool done() const noexcept { return body_ && body_.done(); }
  std::exception_ptr failure() const noexcept { return body_.promise().failure(); }
  T take_result() { return body_.promise().take_result(); }

  explicit operator bool() const noexcept { return static_cast<bool>(body_); }
  // Destroys the frame now, wherever the body stands (never while it runs).
  void reset() noexcept {
    if (body_) std::exchange(body_, nullptr).destroy();
  }

 private:
  friend promise_type;
  explicit task(handle_type body) noexcept : body_(body) {}
  handle_type body_;
};

namespace detail {
template <typename T>
task<T> task_promise<T>::get_return_object() noexcept {
  return task<T>{coro::coroutine_handle<task_promise<T>>::from_promise(*this)};
}
inline task<void> task_promise<void>::get_return_object() noexcept {
  return task<void>{coro::coroutine_handle<task_promise<void>>::from_promise(*this)};
}
}  // namespace detail

// co_await with_stop_token(token, work): runs `work` under `token` rather than under the
// awaiting coroutine's own token.
template <typename T>
typename task<T>::awaiter with_stop_token(stop_token token, const task<T>& work) noexcept {
  return work.under(token);
}

class current_stop_token_awaiter {
 public:
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  bool await_suspend(coro::coroutine_handle<Promise> self) noexcept {
    token_ = stop_token_of(self.promise());
    return false;
  }
  stop_token await_resume() const noexcept { return token_; }

 private:
  stop_token token_;
};

// co_await current_stop_token(): the token the awaiting coroutine runs under.
inline current_stop_token_awaiter current_stop_token() noexcept { return {}; }

}  // namespace trickle
