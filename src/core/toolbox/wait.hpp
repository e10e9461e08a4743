// Waiting on a set of running tasks (task handles from create_task), without owning them.
//
//   auto [done, pending] = co_await wait(handles, return_when::first_completed);  // asyncio.wait
//   auto finished = as_completed(handles);                                        // asyncio.as_completed
//   while (task_handle<int>* next = co_await finished.next()) use(co_await *next);
//
// wait(tasks, when) -> wait_result<T>{done, pending}, both in the order the tasks were given.
//   first_completed  as soon as one task has finished
//   first_exception  as soon as one task has failed (a cancelled task does not count as
//                    failed, as in asyncio), or when all have finished
//   all_completed    when all have finished (the default)
//   Neither raises the tasks' exceptions nor cancels anything: read the outcome from each
//   handle.
//
// as_completed(tasks) -> async_generator<task_handle<T>>: each handle as its task finishes,
// in finishing order (those already finished first, in the order given). co_await on a
// yielded handle returns its result or rethrows its exception without waiting.
//
// Both are cancellation points while they wait: cancelling the waiting coroutine throws
// operation_cancelled there at once and leaves the tasks running, like asyncio.wait. Dropping
// an as_completed generator half-way stops watching; the tasks keep running.
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "core/runtime/async_generator.hpp"
#include "core/runtime/sleep.hpp"
#include "core/toolbox/task.hpp"
#include "core/toolbox/task_handle.hpp"

namespace trickle {

enum class return_when { first_completed, first_exception, all_completed };

template <typename T>
struct wait_result {
  std::vector<task_handle<T>> done;
  std::vector<task_handle<T>> pending;
};

namespace detail {

// Listens to a set of tasks and records the order in which they finish.
class completion_watch {
 public:
  template <typename T>
  explicit completion_watch(const std::vector<task_handle<T>>& tasks)
      : count_(tasks.size()), listeners_(std::make_unique<listener[]>(tasks.size())) {
    finished_order_.reserve(count_);  // appending never allocates inside a notification
    for (std::size_t index = 0; index < count_; ++index) {
      task_state_base& state = tasks[index].state();
      scheduler_ = &state.owner();
      listener& watching = listeners_[index];
      watching.watch = this;
      watching.state = &state;
      watching.index = index;
      if (state.done()) {
        record(watching);
      } else {
        state.listen(watching);
      }
    }
  }
  completion_watch(const completion_watch&) = delete;
  completion_watch& operator=(const completion_watch&) = delete;

  std::size_t finished_count() const noexcept { return finished_order_.size(); }
  bool satisfies(return_when condition) const noexcept {
    const std::size_t finished = finished_count();
    switch (condition) {
      case return_when::first_completed:
        return finished > 0 || count_ == 0;
      case return_when::first_exception:
        return failed_ > 0 || finished == count_;
      case return_when::all_completed:
        break;
    }
    return finished == count_;
  }

  class next_awaiter final : public waiting_coroutine {
   public:
    explicit next_awaiter(completion_watch& watch) noexcept
        : waiting_coroutine(*watch.scheduler_), watch_(watch) {}

    bool await_ready() const noexcept { return watch_.unread() > 0; }
    template <typename Promise>
    bool await_suspend(coro::coroutine_handle<Promise> waiter) {
      if (!begin_wait_unless_stopped(waiter)) return false;
      watch_.waiting_.push_back(*this);
      return true;
    }
    std::size_t await_resume() {
      end_wait();
      return watch_.finished_order_[watch_.read_++];
    }

   private:
    friend class completion_watch;
    completion_watch& watch_;
  };

  // co_await: the index (in the given order) of the next task to finish.
  // Precondition: fewer indices read than tasks.
  next_awaiter next_finished() noexcept {
    assert(read_ < count_ && "completion_watch: every task has already been reported");
    return next_awaiter{*this};
  }

 private:
  struct listener final : task_listener {
    void on_task_finished() noexcept override { watch->record(*this); }
    completion_watch* watch = nullptr;
    task_state_base* state = nullptr;
    std::size_t index = 0;
  };

  std::size_t unread() const noexcept { return finished_order_.size() - read_; }
  void record(listener& finished) noexcept {
    finished_order_.push_back(finished.index);
    if (finished.state->failure() && !finished.state->cancelled()) ++failed_;
    if (next_awaiter* waiting = waiting_.pop_front()) waiting->wake();
  }

  std::size_t count_;
  std::unique_ptr<listener[]> listeners_;  // fixed addresses: the tasks link to them
  std::vector<std::size_t> finished_order_;
  std::size_t read_ = 0;
  std::size_t failed_ = 0;
  // The one next_finished() waiting, if any. A list all the same: a waiter that is
  // cancelled or destroyed leaves it by itself, like every other wait.
  intrusive_list<next_awaiter, waiting_tag> waiting_;
  scheduler* scheduler_ = nullptr;
};

}  // namespace detail

template <typename T>
task<wait_result<T>> wait(std::vector<task_handle<T>> tasks, return_when condition = return_when::all_completed) {
  detail::completion_watch watch{tasks};
  while (!watch.satisfies(condition)) co_await watch.next_finished();
  wait_result<T> result;
  for (task_handle<T>& handle : tasks) (handle.done() ? result.done : result.pending).push_back(std::move(handle));
  co_return result;
}

template <typename T>
async_generator<task_handle<T>> as_completed(std::vector<task_handle<T>> tasks) {
  detail::completion_watch watch{tasks};
  for (std::size_t reported = 0; reported < tasks.size(); ++reported) {
    co_yield tasks[co_await watch.next_finished()];
  }
}

}  // namespace trickle
