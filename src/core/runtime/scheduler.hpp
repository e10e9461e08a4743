// Time for every stream: one queue of deadlines, one ready list, one clock.
//
// The scheduler knows deadlines ("resume this at time T") and ready work ("resume this as
// soon as possible"). All pending sleeps of all streams sit in one queue ordered by
// deadline (ties in arrival order); ready work waits in one FIFO list.
//
// The deadline queue is a binary heap of deadline groups, each a FIFO list of the timers
// due at that deadline. Streams started together keep one schedule, so a tick of 10,000 of
// them is one group: scheduling appends to the newest group in O(1), and running them pops
// a list rather than sifting a heap of 10,000 entries 10,000 times. The scheduler asks its
// clock for a single wake-up: "now" while ready work is queued, else the earliest deadline.
// (clock.hpp says which clocks exist.)
//
// One turn, run_due():
//   1. every timer whose deadline has passed, in deadline order;
//   2. the ready list as it stood when step 1 ended. Work queued during step 2 waits for the
//      next turn, so a coroutine that yields in a loop cannot keep the host's event loop from
//      running (it asks for a zero-delay wake-up instead);
//   3. a wake-up request for whatever comes next.
//
// Rules that keep streams honest:
//   - A timer runs only when the clock, read again at that moment, has reached its
//     deadline. Host timers may fire early; we then simply ask for another wake-up.
//   - Deadlines are absolute, so a late wake-up never pushes later deadlines back.
//   - A timer can be removed at any time (its owner was destroyed or cancelled): O(1), plus
//     O(log n) when it was the last of its deadline group. A frame destroyed mid-sleep leaves nothing
//     behind.
//   - Waits are woken through the ready list, never from inside the call that satisfied or
//     cancelled them (unlock(), set(), request_stop()...): stacks stay flat, and no primitive
//     is re-entered while it is changing.
//
// The awaitables built on it (sleep_until, sleep_for, yield) are in sleep.hpp; the common
// part of every wait, waiting_coroutine, in waiting.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/runtime/cancellation.hpp"
#include "core/runtime/clock.hpp"
#include "core/runtime/intrusive_list.hpp"

namespace trickle {

namespace detail {
struct waiting_tag;
struct deadline_group;
}

// Something that wants to run at a deadline (the heap) or as soon as possible (the ready
// list). Owned by its user (usually an awaiter living in a coroutine frame); the scheduler
// only links it. The list hook is shared with the waiter lists of locks, queues and events:
// a waiting coroutine is in exactly one place at a time (see waiting_coroutine).
class timer : public detail::list_hook<detail::waiting_tag> {
 public:
  timer() = default;
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;

  time_point deadline() const noexcept { return deadline_; }
  // In a deadline group, or linked in a list (the ready list, or a primitive's waiters).
  bool is_scheduled() const noexcept { return is_linked(); }

 protected:
  ~timer() = default;
  // Called by scheduler::run_due once the deadline has passed, or on its turn after post();
  // the timer is already unlinked, so the callee may destroy it. Must not throw (every
  // coroutine type here keeps its exceptions for its consumer). Not declared noexcept for a
  // reason of cost only: a noexcept function that resumes a coroutine needs a terminate
  // handler around the call, which in WebAssembly with JS-based exceptions turns every
  // resume into a round trip through JS.
  virtual void on_due() = 0;

 private:
  friend class scheduler;
  time_point deadline_{};
  detail::deadline_group* group_ = nullptr;  // while it waits for a deadline
};

namespace detail {
// The timers due at one deadline, in the order they were scheduled.
struct deadline_group {
  time_point deadline{};
  std::uint64_t sequence = 0;  // FIFO among groups of equal deadline
  std::size_t heap_index = 0;
  intrusive_list<timer, waiting_tag> timers;
};
}  // namespace detail

class scheduler {
 public:
  explicit scheduler(clock& source) noexcept : clock_(source) {}
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;

  // Reads the clock.
  time_point now() noexcept;

  // True when `deadline` has been reached. Uses the last reading when that already
  // proves it, so a hot loop of zero-length sleeps does not read the clock every time;
  // otherwise reads the clock again. Never true early.
  bool is_due(time_point deadline) noexcept;
  // True when the last reading already shows `deadline` reached: a check that costs no
  // clock reading and no call, for a waiter's fast path (false says nothing).
  bool due_by_last_reading(time_point deadline) const noexcept { return deadline <= last_reading_; }

  // Runs `t` at its deadline. `t` must not be scheduled already. Running out of memory
  // for the queue here ends the program (std::terminate): a sleep must not throw. Call
  // reserve_timers() first where running out of memory must be survivable.
  void schedule(timer& t, time_point deadline) noexcept;
  // Makes room now for `count` timers waiting for deadlines at once, so that schedule()
  // allocates nothing while no more than that many wait, and keeps that room through idle
  // moments. Throws std::bad_alloc (nothing changed) when memory runs out: the place to
  // find out is where a stream is created, not in the middle of a sleep. A smaller count
  // than before only lets idle memory go again.
  void reserve_timers(std::size_t count);
  // Runs `t` at the next turn, after the timers due by then, in the order posted. `t` must
  // not be scheduled already.
  void post(timer& t) noexcept;
  // Takes `t` out of the heap or out of whatever list it is linked in. No-op if neither.
  void cancel(timer& t) noexcept;
  // Asks the clock for a wake-up at once, whatever is scheduled: for a host with work of its
  // own left for the next turn (run_due then asks for what comes next, as always).
  void request_turn() noexcept;

  // One turn (see the header): due timers, then the ready work queued before them, then a
  // wake-up request for what comes next (or a cancelled wake-up when nothing is left).
  // Not re-entrant: call it from the host's event loop, never from a coroutine.
  void run_due();

  // Timers waiting for a deadline (not counting ready work).
  std::size_t scheduled_count() const noexcept { return scheduled_count_; }
  // Work queued for the next turn. O(n): for tests and diagnostics.
  std::size_t ready_count() const noexcept { return ready_.size(); }
  std::optional<time_point> next_deadline() const noexcept;

  class sleep_awaiter;
  sleep_awaiter sleep_until(time_point deadline, stop_token extra_stop = {}) noexcept;
  sleep_awaiter sleep_for(duration delay, stop_token extra_stop = {});
  sleep_awaiter yield(stop_token extra_stop = {}) noexcept;

 private:
  detail::deadline_group* open_group(time_point deadline) noexcept;
  void close_group(detail::deadline_group* group) noexcept;
  void place(std::size_t index, detail::deadline_group* group) noexcept;
  void sift_up(std::size_t index) noexcept;
  void sift_down(std::size_t index) noexcept;
  void remove_at(std::size_t index) noexcept;
  void run_due_timers();
  void run_ready_turn();
  std::optional<time_point> wanted_wake();
  void update_wake();
  void drop_wake_request() noexcept;
  void release_memory_if_idle() noexcept;

  clock& clock_;
  std::vector<detail::deadline_group*> heap_;  // ordered by (deadline, sequence)
  std::vector<std::unique_ptr<detail::deadline_group>> groups_;  // every group, owned
  std::vector<detail::deadline_group*> spare_groups_;            // the ones not in the heap
  detail::deadline_group* newest_group_ = nullptr;  // where schedule() appends, if equal
  std::size_t scheduled_count_ = 0;
  detail::intrusive_list<timer, detail::waiting_tag> ready_;
  std::uint64_t next_sequence_ = 0;
  time_point last_reading_{};
  std::optional<time_point> requested_wake_;
  bool running_due_ = false;
  std::size_t reserved_timers_ = 0;
};

}  // namespace trickle
