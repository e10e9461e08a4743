// Doubly linked lists whose links live inside the elements.
//
// Everything that waits (a coroutine in a lock's queue, on the scheduler's ready list, on a
// task's completion) is linked this way: adding, removing and moving elements never
// allocates, and thousands of waiters cost nothing but their own links.
//
// The list is a ring through a sentinel, so an element can unlink itself without knowing
// which list holds it: "leave wherever you are waiting" is one call. An element is in at
// most one list per hook; a type that must sit in two lists at once derives from two hooks
// with different tags.
//
// Neither lists nor hooks are copyable or movable: the ring points at them.
#pragma once

#include <cassert>
#include <cstddef>

namespace trickle::detail {

template <typename Tag>
class list_hook {
 public:
  list_hook() noexcept = default;
  list_hook(const list_hook&) = delete;
  list_hook& operator=(const list_hook&) = delete;

  bool is_linked() const noexcept { return next_ != nullptr; }

  void unlink() noexcept {
    if (!next_) return;
    prev_->next_ = next_;
    next_->prev_ = prev_;
    prev_ = next_ = nullptr;
  }

 protected:
  // An element destroyed while linked leaves its list rather than leave a dangling link.
  ~list_hook() { unlink(); }

 private:
  template <typename, typename>
  friend class intrusive_list;
  list_hook* prev_ = nullptr;
  list_hook* next_ = nullptr;
};

// Node must derive publicly from list_hook<Tag>.
template <typename Node, typename Tag>
class intrusive_list {
  using hook = list_hook<Tag>;

 public:
  intrusive_list() noexcept { sentinel_.prev_ = sentinel_.next_ = &sentinel_; }
  intrusive_list(const intrusive_list&) = delete;
  intrusive_list& operator=(const intrusive_list&) = delete;

  bool empty() const noexcept { return sentinel_.next_ == &sentinel_; }

  void push_back(Node& node) noexcept {
    hook& link = node;
    assert(!link.is_linked() && "intrusive_list: an element can be in one list at a time");
    link.prev_ = sentinel_.prev_;
    link.next_ = &sentinel_;
    sentinel_.prev_->next_ = &link;
    sentinel_.prev_ = &link;
  }

  Node* front() noexcept { return empty() ? nullptr : static_cast<Node*>(sentinel_.next_); }

  Node* pop_front() noexcept {
    Node* node = front();
    if (node) static_cast<hook&>(*node).unlink();
    return node;
  }

  // Moves every element of `other`, in order, to the end of this list.
  void splice_back(intrusive_list& other) noexcept {
    if (other.empty()) return;
    hook* first = other.sentinel_.next_;
    hook* last = other.sentinel_.prev_;
    other.sentinel_.prev_ = other.sentinel_.next_ = &other.sentinel_;
    first->prev_ = sentinel_.prev_;
    last->next_ = &sentinel_;
    sentinel_.prev_->next_ = first;
    sentinel_.prev_ = last;
  }

  // O(n): for tests and diagnostics.
  std::size_t size() const noexcept {
    std::size_t count = 0;
    for (const hook* at = sentinel_.next_; at != &sentinel_; at = at->next_) ++count;
    return count;
  }

 private:
  struct sentinel_hook final : hook {};
  sentinel_hook sentinel_;
};

}  // namespace trickle::detail
