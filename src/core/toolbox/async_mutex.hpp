// async_mutex: asyncio.Lock for coroutines on one scheduler.
//
//   { auto guard = co_await mutex.scoped_lock(); ... }   // unlocked when guard goes
//   co_await mutex.lock(); ...; mutex.unlock();
//
// A semaphore with one permit, so it has the same rules (async_semaphore.hpp):
//   - Fair: waiters get the lock in the order they asked (FIFO); unlock() hands it straight
//     to the first waiter, so no later arrival can barge in.
//   - lock() on a free mutex takes it without suspending; a waiter resumes at the next turn.
//   - Cancelled while waiting: it leaves the queue at once (operation_cancelled). A waiter
//     already handed the lock keeps it; if its frame is destroyed before it runs, the lock
//     passes on.
#pragma once

#include "core/runtime/sleep.hpp"
#include "core/toolbox/async_semaphore.hpp"

namespace trickle {

class async_mutex {
 public:
  using guard = async_semaphore::guard;

  explicit async_mutex(scheduler& sched) noexcept : permit_(sched, 1) {}

  bool try_lock() noexcept { return permit_.try_acquire(); }
  [[nodiscard]] async_semaphore::acquire_awaiter lock() noexcept { return permit_.acquire(); }
  [[nodiscard]] async_semaphore::scoped_acquire_awaiter scoped_lock() noexcept { return permit_.scoped_acquire(); }
  void unlock() noexcept { permit_.release(); }

  bool is_locked() const noexcept { return permit_.available() == 0; }
  // O(n): for tests and diagnostics.
  std::size_t waiting_count() const noexcept { return permit_.waiting_count(); }

 private:
  async_semaphore permit_;
};

}  // namespace trickle
