// async_generator<T>: a coroutine that can both `co_yield` values and `co_await` (a sleep,
// another generator). The C++ counterpart of Python's generator with time.sleep and of
// JS's `async function*`.
//
// Consuming it
//   From a coroutine, one item at a time (maps one-to-one onto JS `{value, done}`):
//       while (T* item = co_await gen.next()) use(*item);
//   From plain code (the wasm binding), without a coroutine of its own:
//       switch (gen.poll(wake, context)) { item / pending / done }
//   `pending` means the generator is waiting (on a timer); `wake(context)` is called once
//   it has an item or has finished, and the next poll() returns that.
//   In bulk, from plain code: gen.poll_into(wake, context, sink, sink_context) runs the body
//   until it waits, finishes or fills the sink: while the sink has room, each co_yield hands
//   its item to sink(sink_context, item) and the body goes on without suspending (one
//   resumption for a whole batch, where poll() takes one per item).
//
// Guarantees
//   - Lazy: the body starts at the first next()/poll(), not at the call.
//   - An exception leaving the body is stored and rethrown from the consumer's next()
//     (poll() reports `done` and failure() holds it).
//   - Destroying the generator at any point (the consumer stopped early) destroys the frame
//     at once: the destructors of the body's locals run, and a pending sleep leaves the
//     scheduler's queue.
//   - No stack growth with the number of items. Items produced without waiting are handed
//     over by returning to the consumer (await_suspend returns false), not by resuming it
//     from inside the generator, so a million yields use the same stack as one. Nothing
//     relies on symmetric transfer being a tail call, which WebAssembly without the
//     tail-call feature cannot do.
//   - The item pointer stays valid until the consumer asks for the next one.
//
// Cancellation
//   Each step of the body runs under the stop token of the consumer that asked for it: a
//   task that awaits next() lends the generator its own token, so cancelling the task (or
//   its deadline passing) wakes the generator's sleep at once and operation_cancelled
//   unwinds the body and then reaches the consumer from next(), like CancelledError thrown
//   into an async generator in Python. poll() steps run under no token; a generator that
//   must stop on its own carries its token into its waits (llm_stream_answer hands its stop
//   parameter to its pace).
#pragma once

#include <cassert>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "core/runtime/cancellation.hpp"
#include "core/runtime/coroutine.hpp"

namespace trickle {

template <typename T>
class async_generator {
 public:
  using value_type = std::remove_cv_t<std::remove_reference_t<T>>;
  using wake_function = void (*)(void* context) noexcept;
  // Takes one item during poll_into(); returns whether there is room for another.
  using sink_function = bool (*)(void* sink_context, value_type& item) noexcept;
  enum class poll_status { item, pending, done };

  class promise_type;
  using handle_type = coro::coroutine_handle<promise_type>;

 private:
  // Where the generator stands, as its consumer sees it.
  //   suspended  -> (next/poll) -> running -> item_ready -> (handed out) -> suspended
  //                                       \-> finished (returned or threw)
  // `running` covers both "executing now" and "waiting on something it co_awaited".
  enum class state { suspended, running, item_ready, finished };

  // Used for co_yield and for final_suspend: hand the result to whoever is waiting.
  // Not symmetric transfer (returning the consumer's handle): clang 14 turns that into a
  // guaranteed tail call, which WebAssembly without the tail-call feature rejects. The
  // direct resume() below nests one level only, when a timer resumed us, and the consumer
  // may destroy this frame inside that call: nothing here touches the frame afterwards.
  struct hand_over_awaiter {
    bool taken_in_bulk = false;  // a co_yield whose item a poll_into() sink took: go on
    bool await_ready() const noexcept { return taken_in_bulk; }
    void await_suspend(handle_type self) noexcept { self.promise().hand_over(); }
    void await_resume() const noexcept {}
  };

 public:
  class promise_type {
   public:
    async_generator get_return_object() noexcept {
      return async_generator{handle_type::from_promise(*this)};
    }
    coro::suspend_always initial_suspend() const noexcept { return {}; }
    hand_over_awaiter final_suspend() noexcept {
      state_ = state::finished;
      return {};
    }
    hand_over_awaiter yield_value(value_type& item) noexcept {
      if (sink_ != nullptr) {  // set only while poll_into() runs the body on its stack
        if (sink_(sink_context_, item)) return {true};
        state_ = state::suspended;  // the sink is full: back to the consumer, item taken
        return {};
      }
      current_ = std::addressof(item);
      state_ = state::item_ready;
      return {};
    }
    hand_over_awaiter yield_value(value_type&& item) noexcept {
      // The temporary lives until the end of the co_yield full-expression, which
      // includes the suspension: the pointer is good until we are resumed.
      return yield_value(item);
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { failure_ = std::current_exception(); }
    // What the body's waits listen to: the token of the consumer of the current step.
    stop_token get_stop_token() const noexcept { return step_token_; }

   private:
    friend class async_generator;

    void hand_over() noexcept {
      // Resumed from next()/poll() on the consumer's own stack: just return to it.
      if (resumed_by_consumer_) return;
      // Resumed later by whatever it awaited (a timer): tell the consumer now.
      if (waiting_consumer_) {
        std::exchange(waiting_consumer_, nullptr).resume();
      } else if (wake_) {
        wake_(wake_context_);
      }
    }

    state state_ = state::suspended;
    bool resumed_by_consumer_ = false;
    value_type* current_ = nullptr;
    std::exception_ptr failure_;
    coro::coroutine_handle<> waiting_consumer_;
    stop_token step_token_;
    wake_function wake_ = nullptr;
    void* wake_context_ = nullptr;
    sink_function sink_ = nullptr;
    void* sink_context_ = nullptr;
  };

  class next_awaiter {
   public:
    explicit next_awaiter(handle_type generator) noexcept : generator_(generator) {}

    bool await_ready() const noexcept {
      return !generator_ || generator_.promise().state_ == state::finished;
    }
    // Returns false (do not suspend the consumer) when the generator produced its result
    // without waiting: this is what keeps the stack flat over any number of items.
    template <typename ConsumerPromise>
    bool await_suspend(coro::coroutine_handle<ConsumerPromise> consumer) {
      promise_type& promise = generator_.promise();
      promise.step_token_ = stop_token_of(consumer.promise());
      promise.waiting_consumer_ = consumer;
      if (advance(generator_)) {
        promise.waiting_consumer_ = nullptr;
        return false;
      }
      return true;
    }
    // The item, or nullptr at the end. Rethrows what the body threw (once).
    value_type* await_resume() {
      if (!generator_) return nullptr;
      promise_type& promise = generator_.promise();
      if (promise.state_ == state::item_ready) {
        promise.state_ = state::suspended;
        return promise.current_;
      }
      if (promise.failure_) std::rethrow_exception(std::exchange(promise.failure_, nullptr));
      return nullptr;
    }

   private:
    handle_type generator_;
  };

  async_generator() noexcept = default;
  async_generator(async_generator&& other) noexcept
      : handle_(std::exchange(other.handle_, nullptr)) {}
  async_generator& operator=(async_generator&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  async_generator(const async_generator&) = delete;
  async_generator& operator=(const async_generator&) = delete;
  ~async_generator() { reset(); }

  // co_await gen.next() -> value_type* (nullptr once finished). One next() at a time.
  next_awaiter next() noexcept {
    assert((!handle_ || handle_.promise().state_ != state::running) &&
           "async_generator: next() called while the previous next() is still pending");
    return next_awaiter{handle_};
  }

  // For consumers that are not coroutines. Runs the body until it yields, finishes or
  // waits. On `item`, current() is the item until the next poll(). On `pending`,
  // wake(context) will be called exactly once, when the generator has a result; poll again
  // then. On `done`, failure() tells whether the body threw.
  poll_status poll(wake_function wake, void* context) {
    if (!handle_) return poll_status::done;
    promise_type& promise = handle_.promise();
    switch (promise.state_) {
      case state::suspended:
        if (!advance_for_poll(wake, context)) return poll_status::pending;
        break;
      case state::running:
        wake_on(wake, context);  // the latest caller is the one to wake
        return poll_status::pending;
      case state::item_ready:
      case state::finished:
        break;
    }
    if (promise.state_ == state::finished) return poll_status::done;
    promise.state_ = state::suspended;
    return poll_status::item;
  }

  // poll() in bulk: every item the body yields goes to sink(sink_context, item), until the
  // sink says it is full (`item`: the generator is suspended, poll again for more), the
  // body waits (`pending`, as for poll(): wake(context) will come) or it ends (`done`).
  // Items may have gone to the sink in each case. An item that was ready before the call
  // (a timer woke the body) goes first. current() is not used.
  poll_status poll_into(wake_function wake, void* context, sink_function sink, void* sink_context) {
    if (!handle_) return poll_status::done;
    promise_type& promise = handle_.promise();
    switch (promise.state_) {
      case state::running:
        wake_on(wake, context);
        return poll_status::pending;
      case state::finished:
        return poll_status::done;
      case state::item_ready:
        promise.state_ = state::suspended;
        if (!sink(sink_context, *promise.current_)) return poll_status::item;
        break;
      case state::suspended:
        break;
    }
    promise.sink_ = sink;
    promise.sink_context_ = sink_context;
    const bool produced = advance_for_poll(wake, context);
    promise.sink_ = nullptr;  // a timer that resumes the body later hands its item over as usual
    if (!produced) return poll_status::pending;
    return promise.state_ == state::finished ? poll_status::done : poll_status::item;
  }

  value_type& current() const noexcept { return *handle_.promise().current_; }
  std::exception_ptr failure() const noexcept {
    return handle_ ? handle_.promise().failure_ : nullptr;
  }
  bool is_finished() const noexcept {
    return !handle_ || handle_.promise().state_ == state::finished;
  }

  // Destroys the frame now (same as the destructor). Safe in any state but `running` on
  // the current call stack. It never throws (a frame's locals are destroyed without
  // exceptions); it is not declared noexcept only because that would wrap the call in a
  // terminate handler, which in WebAssembly with JS-based exceptions costs a round trip
  // through JS for every stream that ends.
  void reset() {
    if (handle_) std::exchange(handle_, nullptr).destroy();
  }

 private:
  explicit async_generator(handle_type handle) noexcept : handle_(handle) {}

  // Resumes a suspended generator on the consumer's stack. True when it produced an item
  // or finished before returning; false when it is now waiting on something.
  static bool advance(handle_type generator) {
    promise_type& promise = generator.promise();
    promise.state_ = state::running;
    promise.resumed_by_consumer_ = true;
    generator.resume();
    promise.resumed_by_consumer_ = false;
    return promise.state_ != state::running;
  }

  // Whom a body that waits tells when it has a result (a poll's consumer).
  void wake_on(wake_function wake, void* context) noexcept {
    promise_type& promise = handle_.promise();
    promise.wake_ = wake;
    promise.wake_context_ = context;
  }

  // A poll's step: the body runs under no stop token (see Cancellation above).
  bool advance_for_poll(wake_function wake, void* context) {
    wake_on(wake, context);
    handle_.promise().step_token_ = {};
    return advance(handle_);
  }

  handle_type handle_;
};

}  // namespace trickle
