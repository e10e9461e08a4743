// Time as the scheduler sees it: microseconds on one clock, and the interface every clock
// implements (tell the time, arrange one wake-up). Two implementations exist:
// virtual_clock.hpp (tests: time moves only when told) and the JS event-loop clock in
// src/wasm/bindings.cpp (performance.now() or a manual clock, and at most one timer).
#pragma once

#include <chrono>

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

}  // namespace trickle
