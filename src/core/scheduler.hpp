// Time for every stream: one queue of deadlines, one clock.
//
// The scheduler knows only deadlines ("resume this at time T"). All pending sleeps of all
// streams sit in one binary heap ordered by deadline (ties in arrival order), and the
// scheduler asks its clock for a single wake-up at the earliest one. Two clocks exist:
//
//   - virtual_clock (tests): time stands still until the test moves it, and
//     run_until_idle() jumps straight from one deadline to the next. Exact and instant.
//   - the JS event-loop clock (src/wasm): performance.now() and at most one setTimeout.
//
// Rules that keep streams honest:
//   - A timer runs only when the clock, read again at that moment, has reached its
//     deadline. Host timers may fire early; we then simply ask for another wake-up.
//   - Deadlines are absolute, so a late wake-up never pushes later deadlines back.
//   - A timer can be removed at any time in O(log n) (its owner was destroyed or
//     cancelled), so a frame destroyed mid-sleep leaves nothing behind in the queue.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "coroutine.hpp"

namespace trickle {

class clock;
using duration = std::chrono::microseconds;
using time_point = std::chrono::time_point<clock, duration>;

// Tells the time and arranges one wake-up. Implementations call scheduler::run_due()
// when the wake-up arrives.
class clock {
 public:
  virtual ~clock() = default;
  virtual time_point now() = 0;
  // Replaces any earlier request: at most one wake-up is ever pending.
  virtual void request_wake(time_point deadline) = 0;
  virtual void cancel_wake() = 0;
};

// Something that wants to run at a deadline. Owned by its user (usually an awaiter living
// in a coroutine frame); the scheduler only links it into its heap.
class timer {
 public:
  timer() = default;
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;

  time_point deadline() const noexcept { return deadline_; }
  bool is_scheduled() const noexcept { return heap_index_ != not_scheduled; }

 protected:
  ~timer() = default;
  // Called by scheduler::run_due once the deadline has passed; the timer is already
  // unlinked, so the callee may destroy it.
  virtual void on_due() noexcept = 0;

 private:
  friend class scheduler;
  static constexpr std::size_t not_scheduled = static_cast<std::size_t>(-1);
  time_point deadline_{};
  std::uint64_t sequence_ = 0;  // FIFO among equal deadlines
  std::size_t heap_index_ = not_scheduled;
};

class scheduler {
 public:
  explicit scheduler(clock& source) noexcept : clock_(source) {}
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;

  // Reads the clock.
  time_point now();

  // True when `deadline` has been reached. Uses the last reading when that already
  // proves it, so a hot loop of zero-length sleeps does not read the clock every time;
  // otherwise reads the clock again. Never true early.
  bool is_due(time_point deadline);

  void schedule(timer& t, time_point deadline);
  void cancel(timer& t) noexcept;

  // Runs every timer whose deadline has passed, in deadline order, then asks the clock to
  // wake it for the next one (or cancels the wake-up when nothing is left).
  void run_due();

  std::size_t scheduled_count() const noexcept { return heap_.size(); }
  std::optional<time_point> next_deadline() const noexcept;

  class sleep_awaiter;
  // co_await sched.sleep_until(t): suspends until t, or not at all if t has passed.
  sleep_awaiter sleep_until(time_point deadline) noexcept;
  sleep_awaiter sleep_for(duration delay);

 private:
  bool comes_before(const timer& a, const timer& b) const noexcept;
  void place(std::size_t index, timer* t) noexcept;
  void sift_up(std::size_t index) noexcept;
  void sift_down(std::size_t index) noexcept;
  void remove_at(std::size_t index) noexcept;
  void update_wake();
  void release_memory_if_idle() noexcept;

  clock& clock_;
  std::vector<timer*> heap_;
  std::uint64_t next_sequence_ = 0;
  time_point last_reading_{};
  std::optional<time_point> requested_wake_;
  bool running_due_ = false;
};

class scheduler::sleep_awaiter final : private timer {
 public:
  sleep_awaiter(scheduler& owner, time_point deadline) noexcept
      : owner_(owner), wake_at_(deadline) {}
  sleep_awaiter(const sleep_awaiter&) = delete;
  // A coroutine frame destroyed while it sleeps destroys this awaiter: unlink at once.
  ~sleep_awaiter() {
    if (is_scheduled()) owner_.cancel(*this);
  }

  bool await_ready() { return owner_.is_due(wake_at_); }
  void await_suspend(coro::coroutine_handle<> sleeper) {
    sleeper_ = sleeper;
    owner_.schedule(*this, wake_at_);
  }
  void await_resume() const noexcept {}

 private:
  void on_due() noexcept override { sleeper_.resume(); }

  scheduler& owner_;
  time_point wake_at_;
  coro::coroutine_handle<> sleeper_;
};

inline scheduler::sleep_awaiter scheduler::sleep_until(time_point deadline) noexcept {
  return sleep_awaiter{*this, deadline};
}

// A fixed schedule: tick i (from 0) is due at start + (i + 1) * interval, with start taken
// when the pace is created. Each deadline is computed from start, never from the previous
// wake-up, so lateness does not accumulate; a consumer that falls behind finds the ticks
// already due and passes them without waiting.
class pace {
 public:
  pace(scheduler& sched, duration interval)
      : scheduler_(sched), start_(sched.now()), interval_(interval) {}

  scheduler::sleep_awaiter next_tick() noexcept {
    ++ticks_;
    return scheduler_.sleep_until(start_ + interval_ * static_cast<std::int64_t>(ticks_));
  }

  time_point start() const noexcept { return start_; }

 private:
  scheduler& scheduler_;
  time_point start_;
  duration interval_;
  std::uint64_t ticks_ = 0;
};

// A clock that moves only when told. Tests drive it with run_until_idle / run_for.
class virtual_clock final : public clock {
 public:
  time_point now() override { return now_; }
  void request_wake(time_point deadline) override { wake_ = deadline; }
  void cancel_wake() override { wake_.reset(); }

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
