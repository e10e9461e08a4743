// Helpers shared by the core tests: virtual time, consumers that record when each item
// arrived, and a probe that proves destructors ran.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/runtime/async_generator.hpp"
#include "core/runtime/sleep.hpp"
#include "core/runtime/virtual_clock.hpp"
#include "core/stream/llm_stream.hpp"
#include "core/toolbox/toolbox.hpp"

namespace trickle::testing {

inline std::int64_t to_ms(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline time_point at_ms(std::int64_t ms) { return time_point{std::chrono::milliseconds(ms)}; }

// The lesson's sentence: seven words, six of them Chinese (three bytes of UTF-8 a character).
inline const std::string lesson_sentence = "你好 我 是 一个 模拟 的 LLM";

struct virtual_time {
  virtual_clock clock;
  scheduler sched{clock};

  std::int64_t now_ms() { return to_ms(clock.now()); }
  void set_ms(std::int64_t ms) { clock.set(at_ms(ms)); }
  void run_until_idle() { trickle::run_until_idle(sched, clock); }
  void run_for_ms(std::int64_t ms) { trickle::run_for(sched, clock, std::chrono::milliseconds(ms)); }

  // asyncio.run on virtual time: runs `work` as a task until nothing is left to do, then
  // returns its result or rethrows its exception.
  template <typename T>
  T run(task<T> work) {
    auto handle = create_task(sched, std::move(work));
    run_until_idle();
    if (!handle.done()) throw std::logic_error("the task waits for something that never happens");
    return std::move(handle).result();
  }
};

struct arrival {
  std::int64_t at_ms;
  std::string text;
  bool operator==(const arrival& other) const { return at_ms == other.at_ms && text == other.text; }
};

inline std::ostream& operator<<(std::ostream& out, const arrival& a) {
  return out << "{" << a.at_ms << " ms, \"" << a.text << "\"}";
}

// Polls like the wasm binding does: take what is ready, and when the generator waits,
// let virtual time run until it wakes us. Rethrows the body's exception at the end.
inline std::vector<arrival> poll_all(async_generator<chunk>& gen, virtual_time& time) {
  std::vector<arrival> arrivals;
  int wakes = 0;
  auto on_wake = [](void* context) noexcept { ++*static_cast<int*>(context); };
  for (;;) {
    switch (gen.poll(on_wake, &wakes)) {
      case async_generator<chunk>::poll_status::item:
        arrivals.push_back({time.now_ms(), gen.current().text()});
        break;
      case async_generator<chunk>::poll_status::pending: {
        const int before = wakes;
        while (wakes == before) {
          auto wake = time.clock.requested_wake();
          if (!wake) throw std::logic_error("generator is pending but nothing is scheduled");
          time.clock.set(*wake);
          time.sched.run_due();
        }
        if (wakes != before + 1) throw std::logic_error("wake called more than once");
        break;
      }
      case async_generator<chunk>::poll_status::done:
        if (auto failure = gen.failure()) std::rethrow_exception(failure);
        return arrivals;
    }
  }
}

inline std::vector<std::string> texts(const std::vector<arrival>& arrivals) {
  std::vector<std::string> out;
  for (const auto& a : arrivals) out.push_back(a.text);
  return out;
}

// A coroutine that starts at once and frees itself at the end: enough to write consumer
// coroutines in tests.
struct detached {
  struct promise_type {
    detached get_return_object() noexcept { return {}; }
    coro::suspend_never initial_suspend() noexcept { return {}; }
    coro::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

// Counts live instances; a generator's locals hold one to prove they were destroyed.
struct lifetime_probe {
  explicit lifetime_probe(int& live) : live_(live) { ++live_; }
  lifetime_probe(const lifetime_probe&) = delete;
  ~lifetime_probe() { --live_; }
  int& live_;
};

// A task that sleeps, then returns `value`.
inline task<int> value_after(scheduler& s, duration delay, int value) {
  co_await s.sleep_for(delay);
  co_return value;
}

// A task that sleeps, then throws std::runtime_error(message).
template <typename T = int>
task<T> throw_after(scheduler& s, duration delay, std::string message) {
  co_await s.sleep_for(delay);
  throw std::runtime_error(message);
}

// A task that sleeps with a lifetime probe alive, logging "<name> woke" or, when a stop
// interrupts the sleep, "<name> cancelled" before letting operation_cancelled go on.
inline task<> sleep_with_probe(scheduler& s, duration delay, int& live, std::vector<std::string>& log,
                               std::string name) {
  lifetime_probe probe{live};
  try {
    co_await s.sleep_for(delay);
    log.push_back(name + " woke");
  } catch (const operation_cancelled&) {
    log.push_back(name + " cancelled");
    throw;
  }
}

}  // namespace trickle::testing
