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
// Two clocks exist:
//
//   - virtual_clock (tests): time stands still until the test moves it, and
//     run_until_idle() jumps straight from one deadline to the next. Exact and instant.
//   - the JS event-loop clock (src/wasm): performance.now() and at most one setTimeout.
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
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "cancellation.hpp"
#include "coroutine.hpp"
#include "intrusive_list.hpp"

namespace trickle {

class clock;
using duration = std::chrono::microseconds;
using time_point = std::chrono::time_point<clock, duration>;

// Tells the time and arranges one wake-up. Implementations call scheduler::run_due()
// when the wake-up arrives. None of it may throw: a sleep calls these on every tick, and
// in WebAssembly with JS-based exceptions a call that may throw, made from a coroutine,
// costs a round trip through JS.
class clock {
 public:
  virtual ~clock() = default;
  virtual time_point now() noexcept = 0;
  // Replaces any earlier request: at most one wake-up is ever pending.
  virtual void request_wake(time_point deadline) noexcept = 0;
  virtual void cancel_wake() noexcept = 0;
};

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

  // Runs `t` at its deadline. `t` must not be scheduled already. Running out of memory
  // for the queue here ends the program (std::terminate): a sleep must not throw.
  void schedule(timer& t, time_point deadline) noexcept;
  // Runs `t` at the next turn, after the timers due by then, in the order posted. `t` must
  // not be scheduled already.
  void post(timer& t) noexcept;
  // Takes `t` out of the heap or out of whatever list it is linked in. No-op if neither.
  void cancel(timer& t) noexcept;

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
};

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

// A fixed schedule: tick i (from 0) is due at start + (i + 1) * interval, with start taken
// when the pace is created. Each deadline is computed from start, never from the previous
// wake-up, so lateness does not accumulate; a consumer that falls behind finds the ticks
// already due and passes them without waiting.
// `stop` calls the schedule off: a tick awaited after (or during) a stop request throws
// operation_cancelled, on top of whatever cancels the awaiting coroutine itself.
class pace {
 public:
  pace(scheduler& sched, duration interval, stop_token stop = {})
      : scheduler_(sched), start_(sched.now()), interval_(interval), stop_(stop) {}

  scheduler::sleep_awaiter next_tick() noexcept {
    ++ticks_;
    return scheduler_.sleep_until(start_ + interval_ * static_cast<std::int64_t>(ticks_), stop_);
  }

  time_point start() const noexcept { return start_; }

 private:
  scheduler& scheduler_;
  time_point start_;
  duration interval_;
  stop_token stop_;
  std::uint64_t ticks_ = 0;
};

// A clock that moves only when told. Tests drive it with run_until_idle / run_for.
class virtual_clock final : public clock {
 public:
  time_point now() noexcept override { return now_; }
  void request_wake(time_point deadline) noexcept override { wake_ = deadline; }
  void cancel_wake() noexcept override { wake_.reset(); }

  std::optional<time_point> requested_wake() const noexcept { return wake_; }
  void set(time_point t) noexcept { now_ = t; }

 private:
  time_point now_{};
  std::optional<time_point> wake_;
};

// Jumps from one requested wake-up to the next until nothing is scheduled.
void run_until_idle(scheduler& sched, virtual_clock& clock);
// Moves time forward by `span`, running every wake-up in between at its own time.
void run_for(scheduler& sched, virtual_clock& clock, duration span);

}  // namespace trickle
