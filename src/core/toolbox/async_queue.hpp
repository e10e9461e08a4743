// async_queue<T>: asyncio.Queue(maxsize) for coroutines on one scheduler: a bounded FIFO
// between producers and consumers, with backpressure.
//
//   async_queue<std::string> words{sched, 8};
//   co_await words.push(std::move(word));     // waits while the queue is full
//   std::string next = co_await words.pop();  // waits while it is empty
//
// Rules
//   - Backpressure: a producer that finds the queue full waits until a consumer makes room;
//     a consumer that finds it empty waits until a producer brings something. Both are served
//     in the order they came (FIFO), and resume at the next turn of the scheduler.
//   - Hand-over: an item pushed while a consumer waits goes straight to that consumer; a pop
//     from a full queue moves the first waiting producer's item in at once. So items keep
//     their order, and a free slot or a queued item never coexists with a waiter.
//   - push()/pop() that can complete at once do not suspend (and so are no cancellation
//     point, as in asyncio).
//   - Cancelled while waiting: a producer leaves with its item never enqueued; a consumer
//     leaves with nothing taken. Once an item is handed to a consumer it is never dropped:
//     its cancellation shows at its next wait, and if its frame is destroyed before it runs,
//     the item goes back to the front of the queue (which may then hold one more than its
//     capacity until the next pop).
//   - capacity must be at least 1; async_queue<T>::unbounded never makes producers wait.
#pragma once

#include <cstddef>
#include <deque>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include "core/runtime/intrusive_list.hpp"
#include "core/runtime/sleep.hpp"

namespace trickle {

template <typename T>
class async_queue {
 public:
  static constexpr std::size_t unbounded = std::numeric_limits<std::size_t>::max();
  class push_awaiter;
  class pop_awaiter;

  async_queue(scheduler& sched, std::size_t capacity) : scheduler_(sched), capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("trickle::async_queue: the capacity must be at least 1");
  }
  async_queue(const async_queue&) = delete;
  async_queue& operator=(const async_queue&) = delete;

  [[nodiscard]] push_awaiter push(T item) { return push_awaiter{*this, std::move(item)}; }
  [[nodiscard]] pop_awaiter pop() noexcept { return pop_awaiter{*this}; }

  // Moves from `item` only when it returns true.
  bool try_push(T& item) { return offer(item); }
  bool try_push(T&& item) { return offer(item); }
  std::optional<T> try_pop();

  std::size_t size() const noexcept { return items_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return items_.empty(); }
  bool full() const noexcept { return items_.size() >= capacity_; }

 private:
  bool offer(T& item);
  void give_back(T&& item);

  scheduler& scheduler_;
  std::size_t capacity_;
  std::deque<T> items_;
  detail::intrusive_list<push_awaiter, detail::waiting_tag> producers_;
  detail::intrusive_list<pop_awaiter, detail::waiting_tag> consumers_;
};

template <typename T>
class async_queue<T>::push_awaiter final : public waiting_coroutine {
 public:
  push_awaiter(async_queue& queue, T item) : waiting_coroutine(queue.scheduler_), queue_(queue), item_(std::move(item)) {}

  bool await_ready() { return queue_.offer(item_); }
  template <typename Promise>
  bool await_suspend(coro::coroutine_handle<Promise> producer) {
    if (!begin_wait_unless_stopped(producer)) return false;
    queue_.producers_.push_back(*this);
    return true;
  }
  void await_resume() const { end_wait(); }

 private:
  friend class async_queue;
  async_queue& queue_;
  T item_;
};

template <typename T>
class async_queue<T>::pop_awaiter final : public waiting_coroutine {
 public:
  explicit pop_awaiter(async_queue& queue) noexcept : waiting_coroutine(queue.scheduler_), queue_(queue) {}
  ~pop_awaiter() {
    if (handed_item_) queue_.give_back(std::move(*item_));  // delivered, but never ran
  }

  bool await_ready() {
    item_ = queue_.try_pop();
    return item_.has_value();
  }
  template <typename Promise>
  bool await_suspend(coro::coroutine_handle<Promise> consumer) {
    if (!begin_wait_unless_stopped(consumer)) return false;
    queue_.consumers_.push_back(*this);
    return true;
  }
  T await_resume() {
    handed_item_ = false;
    end_wait();
    return std::move(*item_);
  }

 private:
  friend class async_queue;
  void deliver(T& item) {
    item_.emplace(std::move(item));
    handed_item_ = true;
    wake();
  }
  async_queue& queue_;
  std::optional<T> item_;
  bool handed_item_ = false;
};

template <typename T>
bool async_queue<T>::offer(T& item) {
  if (pop_awaiter* consumer = consumers_.pop_front()) {
    consumer->deliver(item);
    return true;
  }
  if (items_.size() >= capacity_) return false;
  items_.push_back(std::move(item));
  return true;
}

template <typename T>
std::optional<T> async_queue<T>::try_pop() {
  if (items_.empty()) return std::nullopt;
  std::optional<T> item{std::move(items_.front())};
  items_.pop_front();
  if (push_awaiter* producer = producers_.pop_front()) {
    items_.push_back(std::move(producer->item_));
    producer->wake();
  }
  return item;
}

template <typename T>
void async_queue<T>::give_back(T&& item) {
  if (pop_awaiter* consumer = consumers_.pop_front()) {
    consumer->deliver(item);
  } else {
    items_.push_front(std::move(item));
  }
}

}  // namespace trickle
