// Cancellation: how a coroutine is told to stop, and how it says it stopped.
//
//   stop_source  owns the "stop" flag; request_stop() sets it once and for all and runs the
//                registered callbacks, in registration order.
//   stop_token   a view of a source, handed to whoever should stop. A default token can never
//                stop. Cheap to copy: one pointer.
//   stop_registration
//                "call me when this token stops": how a suspended coroutine hears about a
//                stop while it sleeps or waits, so it can wake at once.
//   linked_stop_source
//                a source that also stops when a parent token stops: cancelling a gather
//                cancels its children, a deadline cancels only what runs under it.
//   operation_cancelled
//                what a cancelled wait throws into the coroutine. It unwinds the body like any
//                exception, so locals are destroyed and the frame can be freed at once.
//
// Where the token comes from: every co_await that can wait (a sleep, a lock, a queue, an
// event, a task) asks the awaiting coroutine's promise for get_stop_token(). task<T> and
// async_generator<T> answer; other coroutine types (none of ours) simply cannot be cancelled.
//
// Rules
//   - A stop is permanent, as with std::stop_token (asyncio instead delivers CancelledError
//     once): every later wait of a cancelled task throws again at once, so a cancelled task
//     cannot wander on by accident. Cleanup that must still wait runs under a token that
//     never stops: co_await with_stop_token(stop_token{}, cleanup()).
//   - Single-threaded, like the scheduler: no atomics, no locks.
//   - A source must outlive its tokens' use (like an inplace stop source): nothing is
//     reference-counted, nothing is allocated. Tasks, groups and deadlines keep their sources
//     in their own frames or states, which outlive everything that runs under them.
//   - Callbacks run inside request_stop() and must not resume coroutines or destroy the
//     source; ours only unlink a waiter and queue it on the scheduler's ready list.
#pragma once

#include <exception>

#include "core/runtime/intrusive_list.hpp"

namespace trickle {

class operation_cancelled : public std::exception {
 public:
  const char* what() const noexcept override { return "trickle: operation cancelled"; }
};

class stop_source;
class stop_registration;

namespace detail {
struct stop_tag;
}

class stop_token {
 public:
  stop_token() noexcept = default;

  bool stop_requested() const noexcept;
  // False for a default token, which nothing can stop.
  bool stop_possible() const noexcept { return source_ != nullptr; }

  friend bool operator==(const stop_token&, const stop_token&) = default;

 private:
  friend class stop_source;
  friend class stop_registration;
  explicit stop_token(stop_source* source) noexcept : source_(source) {}
  stop_source* source_ = nullptr;
};

class stop_registration : private detail::list_hook<detail::stop_tag> {
 public:
  using callback = void (*)(void* context) noexcept;

  stop_registration() noexcept = default;
  // Destroying a registration detaches it.

  // Arranges for on_stop(context) to run once, when `token` stops. Returns false, and
  // registers nothing, when the stop has already been requested. A token that can never stop
  // registers nothing and returns true. Attaching again replaces the earlier registration.
  [[nodiscard]] bool attach(stop_token token, callback on_stop, void* context) noexcept;
  void detach() noexcept { unlink(); }
  bool is_attached() const noexcept { return is_linked(); }

 private:
  friend class stop_source;
  template <typename, typename>
  friend class detail::intrusive_list;
  callback on_stop_ = nullptr;
  void* context_ = nullptr;
};

class stop_source {
 public:
  stop_source() noexcept = default;
  stop_source(const stop_source&) = delete;
  stop_source& operator=(const stop_source&) = delete;

  stop_token token() noexcept { return stop_token{this}; }
  bool stop_requested() const noexcept { return stopped_; }

  // Sets the flag and runs every registered callback once. Returns false if the stop had
  // already been requested (nothing runs twice).
  bool request_stop() noexcept;

 private:
  friend class stop_registration;
  bool stopped_ = false;
  detail::intrusive_list<stop_registration, detail::stop_tag> registrations_;
};

inline bool stop_token::stop_requested() const noexcept {
  return source_ != nullptr && source_->stop_requested();
}

// Stops when request_stop() is called or when the parent token stops, whichever comes first.
class linked_stop_source {
 public:
  explicit linked_stop_source(stop_token parent) noexcept {
    if (!link_.attach(parent, &forward_stop, &source_)) source_.request_stop();
  }
  linked_stop_source(const linked_stop_source&) = delete;
  linked_stop_source& operator=(const linked_stop_source&) = delete;

  stop_token token() noexcept { return source_.token(); }
  bool stop_requested() const noexcept { return source_.stop_requested(); }
  bool request_stop() noexcept { return source_.request_stop(); }

 private:
  static void forward_stop(void* source) noexcept { static_cast<stop_source*>(source)->request_stop(); }

  stop_source source_;         // declared first: destroyed after the link that points at it
  stop_registration link_;
};

// The stop token a coroutine runs under, read from its promise. Promise types without one
// (for example a test's fire-and-forget coroutine) run under a token that never stops.
template <typename Promise>
stop_token stop_token_of(Promise& promise) noexcept {
  if constexpr (requires { promise.get_stop_token(); }) {
    return promise.get_stop_token();
  } else {
    return {};
  }
}

}  // namespace trickle
