// when_all: run tasks side by side and get their results in argument order (asyncio.gather),
// with asyncio.TaskGroup's rule for errors.
//
//   auto [a, b] = co_await when_all(fetch(s, 1), fetch(s, 2));   // std::tuple<A, B>
//   std::vector<int> all = co_await when_all(std::move(tasks));   // std::vector<int>
//
// Semantics
//   - The children start one after another inside the await, each running until it first
//     waits; then they proceed side by side. They run under one stop source linked to the
//     awaiting coroutine's token.
//   - Results come back in argument order, whatever order the children finish in. A
//     task<void> child gives std::monostate in the tuple; a vector of task<void> gives void.
//   - The first child to fail cancels the others (asyncio.TaskGroup). when_all then waits
//     until every child has finished and rethrows that first exception; later ones (usually
//     the siblings' operation_cancelled) are dropped.
//   - Cancelling the awaiting coroutine cancels every child, waits for them all, and throws
//     operation_cancelled.
//
// Why not asyncio.gather's default (the first exception returns at once and the siblings
// run on, detached)? Children routinely hold references into the awaiting coroutine's
// frame; letting them outlive the await would leave them pointing at freed memory. Here,
// nothing when_all starts outlives it. To let siblings finish despite a failure, catch inside
// each child and return the error as a value.
#pragma once

#include <cstddef>
#include <exception>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/runtime/cancellation.hpp"
#include "core/toolbox/task.hpp"

namespace trickle {

namespace detail {

// Children started together, joined together.
//   start(child)... : each runs until it first waits (a child is not started at all once the
//                     group is stopping)
//   a child fails   : remember the first failure, stop the group (siblings' waits end)
//   join()          : resumes when the last child has finished; rethrows the first failure
class child_group {
 public:
  explicit child_group(stop_token parent) noexcept : scope_(parent) {}
  child_group(const child_group&) = delete;
  child_group& operator=(const child_group&) = delete;

  template <typename T>
  void start(task<T>& child) noexcept {
    if (scope_.stop_requested()) {
      // Only the first failure is kept: build the exception (a throw, in some runtimes) once.
      if (!first_failure_) note_failure(std::make_exception_ptr(operation_cancelled{}));
      return;
    }
    ++running_;
    if (child.start(scope_.token(), &on_child_finished, this)) child_finished(child.failure());
  }

  class join_awaiter {
   public:
    explicit join_awaiter(child_group& group) noexcept : group_(group) {}
    bool await_ready() const noexcept { return group_.running_ == 0; }
    void await_suspend(coro::coroutine_handle<> joiner) noexcept { group_.joiner_ = joiner; }
    void await_resume() const {
      if (group_.first_failure_) std::rethrow_exception(group_.first_failure_);
    }

   private:
    child_group& group_;
  };

  // Not a cancellation point of its own: a stop reaches the children through the group's
  // source, and the join still waits for all of them.
  join_awaiter join() noexcept { return join_awaiter{*this}; }

 private:
  static void on_child_finished(task_promise_base& child, void* self) noexcept {
    static_cast<child_group*>(self)->child_finished(child.failure());
  }
  void child_finished(std::exception_ptr failure) noexcept {
    if (failure) note_failure(std::move(failure));
    // The last thing done here: the joiner may destroy this group and the children.
    if (--running_ == 0 && joiner_) std::exchange(joiner_, nullptr).resume();
  }
  void note_failure(std::exception_ptr failure) noexcept {
    if (first_failure_) return;
    first_failure_ = std::move(failure);
    scope_.request_stop();
  }

  linked_stop_source scope_;
  std::size_t running_ = 0;
  std::exception_ptr first_failure_;
  coro::coroutine_handle<> joiner_;
};

template <typename T>
using value_or_monostate = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <typename T>
value_or_monostate<T> take_value(task<T>& finished) {
  if constexpr (std::is_void_v<T>) {
    finished.take_result();
    return {};
  } else {
    return finished.take_result();
  }
}

}  // namespace detail

template <typename... T>
task<std::tuple<detail::value_or_monostate<T>...>> when_all(task<T>... children) {
  detail::child_group group{co_await current_stop_token()};
  (group.start(children), ...);
  co_await group.join();
  co_return std::tuple<detail::value_or_monostate<T>...>{detail::take_value(children)...};
}

template <typename T>
task<std::vector<T>> when_all(std::vector<task<T>> children) {
  detail::child_group group{co_await current_stop_token()};
  for (task<T>& child : children) group.start(child);
  co_await group.join();
  std::vector<T> results;
  results.reserve(children.size());
  for (task<T>& child : children) results.push_back(child.take_result());
  co_return results;
}

inline task<void> when_all(std::vector<task<void>> children) {
  detail::child_group group{co_await current_stop_token()};
  for (task<void>& child : children) group.start(child);
  co_await group.join();
}

}  // namespace trickle
