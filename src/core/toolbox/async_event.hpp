// async_event: asyncio.Event for coroutines on one scheduler.
//
//   co_await ready.wait();   // returns at once if set, otherwise when someone calls set()
//   ready.set();             // wakes every waiter; later waits pass straight through
//   ready.clear();           // later waits wait again
//
// Rules
//   - set() wakes all current waiters; they resume at the next turn, in the order they
//     started waiting. A waiter woken by set() returns even if clear() comes before it runs.
//   - Cancelled while waiting: it leaves the waiters at once and throws operation_cancelled.
#pragma once

#include <cstddef>

#include "core/runtime/intrusive_list.hpp"
#include "core/runtime/sleep.hpp"

namespace trickle {

class async_event {
 public:
  class wait_awaiter;

  explicit async_event(scheduler& sched, bool initially_set = false) noexcept
      : scheduler_(sched), set_(initially_set) {}
  async_event(const async_event&) = delete;
  async_event& operator=(const async_event&) = delete;

  void set() noexcept;
  void clear() noexcept { set_ = false; }
  bool is_set() const noexcept { return set_; }
  [[nodiscard]] wait_awaiter wait() noexcept;

  // O(n): for tests and diagnostics.
  std::size_t waiting_count() const noexcept { return waiters_.size(); }

 private:
  scheduler& scheduler_;
  bool set_;
  detail::intrusive_list<wait_awaiter, detail::waiting_tag> waiters_;
};

class async_event::wait_awaiter final : public waiting_coroutine {
 public:
  explicit wait_awaiter(async_event& event) noexcept : waiting_coroutine(event.scheduler_), event_(event) {}

  bool await_ready() const noexcept { return event_.set_; }
  template <typename Promise>
  bool await_suspend(coro::coroutine_handle<Promise> waiter) {
    if (!begin_wait_unless_stopped(waiter)) return false;
    event_.waiters_.push_back(*this);
    return true;
  }
  void await_resume() const { end_wait(); }

 private:
  friend class async_event;
  async_event& event_;
};

inline async_event::wait_awaiter async_event::wait() noexcept { return wait_awaiter{*this}; }

inline void async_event::set() noexcept {
  set_ = true;
  while (wait_awaiter* waiter = waiters_.pop_front()) waiter->wake();
}

}  // namespace trickle
