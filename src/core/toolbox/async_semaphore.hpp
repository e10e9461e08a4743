// async_semaphore: asyncio.Semaphore for coroutines on one scheduler: at most n holders.
//
//   { auto permit = co_await sem.scoped_acquire(); ... }   // released when permit goes
//   co_await sem.acquire(); ...; sem.release();
//
// Rules
//   - Fair: waiters get permits in the order they asked (FIFO). release() hands the permit
//     straight to the first waiter, so a later arrival can never take it first; a free
//     permit therefore means nobody waits, and acquire() then takes it without suspending.
//   - A waiter is resumed at the next turn of the scheduler, never inside release().
//   - Cancelled while waiting: it leaves the queue at once and throws operation_cancelled.
//     A waiter already handed a permit keeps it (its cancellation shows at its next wait);
//     if its frame is destroyed before it runs, the permit passes on to the next waiter.
//   - release() without a matching acquire() raises the count, as asyncio's Semaphore does.
#pragma once

#include <cstddef>
#include <utility>

#include "core/runtime/intrusive_list.hpp"
#include "core/runtime/sleep.hpp"

namespace trickle {

class async_semaphore {
 public:
  class acquire_awaiter;
  class scoped_acquire_awaiter;
  class guard;

  async_semaphore(scheduler& sched, std::size_t permits) noexcept : scheduler_(sched), available_(permits) {}
  async_semaphore(const async_semaphore&) = delete;
  async_semaphore& operator=(const async_semaphore&) = delete;

  bool try_acquire() noexcept {
    if (available_ == 0) return false;
    --available_;
    return true;
  }
  [[nodiscard]] acquire_awaiter acquire() noexcept;
  [[nodiscard]] scoped_acquire_awaiter scoped_acquire() noexcept;
  void release() noexcept;

  std::size_t available() const noexcept { return available_; }
  // O(n): for tests and diagnostics.
  std::size_t waiting_count() const noexcept { return waiters_.size(); }

 private:
  scheduler& scheduler_;
  std::size_t available_;
  detail::intrusive_list<acquire_awaiter, detail::waiting_tag> waiters_;
};

class async_semaphore::acquire_awaiter : public waiting_coroutine {
 public:
  explicit acquire_awaiter(async_semaphore& semaphore) noexcept
      : waiting_coroutine(semaphore.scheduler_), semaphore_(semaphore) {}
  ~acquire_awaiter() {
    if (handed_permit_) semaphore_.release();  // woken with a permit, but never ran
  }

  bool await_ready() noexcept { return semaphore_.try_acquire(); }
  template <typename Promise>
  bool await_suspend(coro::coroutine_handle<Promise> waiter) {
    if (!begin_wait_unless_stopped(waiter)) return false;
    semaphore_.waiters_.push_back(*this);
    return true;
  }
  void await_resume() {
    handed_permit_ = false;
    end_wait();
  }

 protected:
  async_semaphore& semaphore_;

 private:
  friend class async_semaphore;
  void hand_permit() noexcept {
    handed_permit_ = true;
    wake();
  }
  bool handed_permit_ = false;
};

// Holds one permit and releases it when destroyed.
class [[nodiscard]] async_semaphore::guard {
 public:
  explicit guard(async_semaphore& semaphore) noexcept : semaphore_(&semaphore) {}
  guard(guard&& other) noexcept : semaphore_(std::exchange(other.semaphore_, nullptr)) {}
  guard& operator=(guard&& other) noexcept {
    if (this != &other) {
      release();
      semaphore_ = std::exchange(other.semaphore_, nullptr);
    }
    return *this;
  }
  ~guard() { release(); }

  void release() noexcept {
    if (semaphore_) std::exchange(semaphore_, nullptr)->release();
  }

 private:
  async_semaphore* semaphore_;
};

class async_semaphore::scoped_acquire_awaiter : public acquire_awaiter {
 public:
  using acquire_awaiter::acquire_awaiter;
  guard await_resume() {
    acquire_awaiter::await_resume();
    return guard{semaphore_};
  }
};

inline async_semaphore::acquire_awaiter async_semaphore::acquire() noexcept { return acquire_awaiter{*this}; }
inline async_semaphore::scoped_acquire_awaiter async_semaphore::scoped_acquire() noexcept {
  return scoped_acquire_awaiter{*this};
}

inline void async_semaphore::release() noexcept {
  if (acquire_awaiter* first = waiters_.pop_front()) {
    first->hand_permit();
  } else {
    ++available_;
  }
}

}  // namespace trickle
