#include "core/runtime/scheduler.hpp"

#include "core/runtime/sleep.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace trickle {

time_point scheduler::now() noexcept {
  last_reading_ = clock_.now();
  return last_reading_;
}

bool scheduler::is_due(time_point deadline) noexcept {
  // The last reading is never ahead of the real time, so "due by the last reading" is
  // safe to trust without asking the clock again.
  return deadline <= last_reading_ || deadline <= now();
}

scheduler::sleep_awaiter scheduler::sleep_for(duration delay, stop_token extra_stop) {
  if (delay <= duration::zero()) return yield(extra_stop);
  return sleep_until(now() + delay, extra_stop);
}

bool scheduler::sleep_awaiter::suspend(coro::coroutine_handle<> sleeper, stop_token own) noexcept {
  if (stop_requested_before_wait(own)) return false;
  if (wake_at_ && owner().is_due(*wake_at_)) return false;
  begin_wait(sleeper, own);
  if (wake_at_) {
    owner().schedule(*this, *wake_at_);
  } else {
    owner().post(*this);
  }
  return true;
}

std::optional<time_point> scheduler::next_deadline() const noexcept {
  if (heap_.empty()) return std::nullopt;
  return heap_.front()->deadline;
}

namespace {
bool comes_before(const detail::deadline_group& a, const detail::deadline_group& b) noexcept {
  if (a.deadline != b.deadline) return a.deadline < b.deadline;
  return a.sequence < b.sequence;
}
}  // namespace

void scheduler::place(std::size_t index, detail::deadline_group* group) noexcept {
  heap_[index] = group;
  group->heap_index = index;
}

void scheduler::sift_up(std::size_t index) noexcept {
  detail::deadline_group* moving = heap_[index];
  while (index > 0) {
    std::size_t parent = (index - 1) / 2;
    if (!comes_before(*moving, *heap_[parent])) break;
    place(index, heap_[parent]);
    index = parent;
  }
  place(index, moving);
}

void scheduler::sift_down(std::size_t index) noexcept {
  detail::deadline_group* moving = heap_[index];
  const std::size_t size = heap_.size();
  for (;;) {
    std::size_t child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && comes_before(*heap_[child + 1], *heap_[child])) ++child;
    if (!comes_before(*heap_[child], *moving)) break;
    place(index, heap_[child]);
    index = child;
  }
  place(index, moving);
}

void scheduler::remove_at(std::size_t index) noexcept {
  detail::deadline_group* removed = heap_[index];
  detail::deadline_group* last = heap_.back();
  heap_.pop_back();
  if (removed == last) return;
  place(index, last);
  // The moved element may belong above or below its new place.
  if (index > 0 && comes_before(*last, *heap_[(index - 1) / 2])) {
    sift_up(index);
  } else {
    sift_down(index);
  }
}

// A new, empty group for `deadline`, in the heap. Groups are reused, so after the first
// ticks a steady stream of sleeps allocates nothing.
detail::deadline_group* scheduler::open_group(time_point deadline) noexcept {
  if (spare_groups_.empty()) {
    groups_.push_back(std::make_unique<detail::deadline_group>());
    spare_groups_.push_back(groups_.back().get());
  }
  detail::deadline_group* group = spare_groups_.back();
  spare_groups_.pop_back();
  group->deadline = deadline;
  group->sequence = next_sequence_++;
  heap_.push_back(group);
  sift_up(heap_.size() - 1);
  newest_group_ = group;
  return group;
}

// Takes an empty group out of the heap, for reuse.
void scheduler::close_group(detail::deadline_group* group) noexcept {
  remove_at(group->heap_index);
  if (newest_group_ == group) newest_group_ = nullptr;
  spare_groups_.push_back(group);
}

void scheduler::schedule(timer& t, time_point deadline) noexcept {
  assert(!t.is_scheduled() && "trickle::scheduler: timer is already scheduled");
  t.deadline_ = deadline;
  // Appending to the newest group keeps arrival order among equal deadlines: every timer
  // already in it was scheduled before this one, and no older group with this deadline
  // takes timers any more.
  detail::deadline_group* group = newest_group_;
  const bool new_group = group == nullptr || group->deadline != deadline;
  if (new_group) group = open_group(deadline);
  group->timers.push_back(t);
  t.group_ = group;
  ++scheduled_count_;
  if (new_group && !running_due_ && heap_.front() == group) update_wake();
}

void scheduler::post(timer& t) noexcept {
  assert(!t.is_scheduled() && "trickle::scheduler: timer is already scheduled");
  ready_.push_back(t);
  if (!running_due_) update_wake();
}

void scheduler::cancel(timer& t) noexcept {
  if (detail::deadline_group* group = t.group_) {
    t.unlink();
    t.group_ = nullptr;
    --scheduled_count_;
    if (group->timers.empty()) close_group(group);
    release_memory_if_idle();
  } else if (t.is_linked()) {
    t.unlink();
  } else {
    return;
  }
  // An earlier wake-up than needed is harmless (run_due finds nothing and asks again);
  // one left armed with nothing to do would keep a host event loop alive for nothing.
  if (heap_.empty() && ready_.empty() && !running_due_) drop_wake_request();
}

void scheduler::reserve_timers(std::size_t count) {
  if (count > groups_.size()) {
    // Grows by half at least, so that reserving one more at a time stays linear overall.
    const std::size_t target = std::max(count, groups_.size() + groups_.size() / 2);
    // Every allocation first, then the changes that cannot fail: a bad_alloc leaves the
    // scheduler as it was.
    std::vector<std::unique_ptr<detail::deadline_group>> added;
    added.reserve(target - groups_.size());
    while (groups_.size() + added.size() < target) added.push_back(std::make_unique<detail::deadline_group>());
    groups_.reserve(target);
    heap_.reserve(target);
    spare_groups_.reserve(target);
    for (auto& group : added) {
      spare_groups_.push_back(group.get());
      groups_.push_back(std::move(group));
    }
  }
  reserved_timers_ = count;
  release_memory_if_idle();
}

void scheduler::request_turn() noexcept {
  requested_wake_ = now();
  clock_.request_wake(*requested_wake_);
}

void scheduler::release_memory_if_idle() noexcept {
  // After a burst of sleepers, give the heap's memory back rather than hold it forever;
  // a small queue keeps its capacity to avoid churn, and room reserved with
  // reserve_timers() stays.
  constexpr std::size_t kept_capacity = 32;
  if (!heap_.empty() || groups_.size() <= std::max(kept_capacity, reserved_timers_)) return;
  newest_group_ = nullptr;
  if (reserved_timers_ == 0) {
    std::vector<detail::deadline_group*>().swap(heap_);
    std::vector<detail::deadline_group*>().swap(spare_groups_);
    std::vector<std::unique_ptr<detail::deadline_group>>().swap(groups_);
    return;
  }
  // Keep the reserved groups and the vectors' room; free the groups past it. With the heap
  // empty every group is spare, so the spare list is simply rebuilt (no allocation: its
  // capacity is at least groups_.size()).
  groups_.resize(reserved_timers_);
  spare_groups_.clear();
  for (auto& group : groups_) spare_groups_.push_back(group.get());
}

std::optional<time_point> scheduler::wanted_wake() {
  if (!ready_.empty()) return now();
  return next_deadline();
}

void scheduler::drop_wake_request() noexcept {
  if (!requested_wake_) return;
  requested_wake_.reset();
  clock_.cancel_wake();
}

void scheduler::update_wake() {
  const std::optional<time_point> wanted = wanted_wake();
  if (!wanted) {
    drop_wake_request();
    return;
  }
  if (!requested_wake_ || *wanted < *requested_wake_) {
    requested_wake_ = wanted;
    clock_.request_wake(*wanted);
  }
}

void scheduler::run_due_timers() {
  // Read the clock again after each round: running timers takes time, and deadlines
  // that pass meanwhile are served now rather than after another host timer.
  while (!heap_.empty() && heap_.front()->deadline <= now()) {
    while (!heap_.empty() && heap_.front()->deadline <= last_reading_) {
      detail::deadline_group* group = heap_.front();
      timer* due = group->timers.pop_front();
      due->group_ = nullptr;
      --scheduled_count_;
      if (group->timers.empty()) close_group(group);
      due->on_due();
    }
  }
}

void scheduler::run_ready_turn() {
  // Only what is ready now: anything posted while this turn runs goes to ready_ and waits
  // for the next turn. A timer of this turn can still be cancelled: unlinking needs no list.
  detail::intrusive_list<timer, detail::waiting_tag> turn;
  turn.splice_back(ready_);
  while (timer* next = turn.pop_front()) next->on_due();
}

void scheduler::run_due() {
  assert(!running_due_ && "scheduler::run_due is not re-entrant: call it from the host loop");
  // Whatever wake-up we had asked for has arrived (or the caller runs us by hand).
  requested_wake_.reset();
  running_due_ = true;
  run_due_timers();
  run_ready_turn();
  running_due_ = false;
  release_memory_if_idle();
  // The wake-up that brought us here is spent: always say what comes next, so the clock
  // never keeps a stale request.
  if (const std::optional<time_point> wanted = wanted_wake()) {
    requested_wake_ = wanted;
    clock_.request_wake(*wanted);
  } else {
    clock_.cancel_wake();
  }
}

}  // namespace trickle
