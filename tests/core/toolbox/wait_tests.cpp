#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/toolbox/wait.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

std::vector<task_handle<int>> spawn_values(virtual_time& time, std::vector<std::pair<int, int>> delays_and_values) {
  std::vector<task_handle<int>> handles;
  for (auto [delay, value] : delays_and_values) {
    handles.push_back(create_task(time.sched, value_after(time.sched, std::chrono::milliseconds(delay), value)));
  }
  return handles;
}

}  // namespace

TEST_CASE("as_completed yields the tasks in the order they finish, each at its own time") {
  virtual_time time;
  auto handles = spawn_values(time, {{30, 3}, {10, 1}, {20, 2}});
  std::vector<std::pair<std::int64_t, int>> seen;
  time.run([](virtual_time& time, std::vector<task_handle<int>> handles,
              std::vector<std::pair<std::int64_t, int>>& seen) -> task<> {
    auto finished = as_completed(std::move(handles));
    while (task_handle<int>* next = co_await finished.next()) seen.emplace_back(time.now_ms(), co_await *next);
  }(time, handles, seen));
  CHECK(seen == std::vector<std::pair<std::int64_t, int>>{{10, 1}, {20, 2}, {30, 3}});
}

TEST_CASE("as_completed reports tasks that had already finished first, and a failure only at its own handle") {
  virtual_time time;
  auto early = create_task(time.sched, value_after(time.sched, 5ms, 5));
  time.run_until_idle();
  REQUIRE(early.done());
  std::vector<task_handle<int>> handles{create_task(time.sched, throw_after(time.sched, 10ms, "second fails")),
                                        create_task(time.sched, value_after(time.sched, 20ms, 20)), early};
  std::vector<std::string> seen;
  time.run([](std::vector<task_handle<int>> handles, std::vector<std::string>& seen) -> task<> {
    auto finished = as_completed(std::move(handles));
    while (task_handle<int>* next = co_await finished.next()) {
      try {
        seen.push_back(std::to_string(co_await *next));
      } catch (const std::runtime_error& e) {
        seen.push_back(e.what());
      }
    }
  }(handles, seen));
  CHECK(seen == std::vector<std::string>{"5", "second fails", "20"});
}

TEST_CASE("dropping an as_completed generator half-way stops watching and leaves the tasks running") {
  virtual_time time;
  auto handles = spawn_values(time, {{10, 1}, {20, 2}, {30, 3}});
  const int first = time.run([](std::vector<task_handle<int>> handles) -> task<int> {
    auto finished = as_completed(std::move(handles));
    co_return co_await *co_await finished.next();
  }(handles));
  CHECK(first == 1);
  CHECK(handles[2].done());  // run() went on until idle: the others finished on their own
  CHECK(handles[2].result() == 3);
}

TEST_CASE("wait with first_completed returns as soon as one task has finished, leaving the rest pending") {
  virtual_time time;
  auto handles = spawn_values(time, {{30, 3}, {10, 1}, {20, 2}});
  auto result = create_task(time.sched, wait(handles, return_when::first_completed));
  time.run_for_ms(10);
  REQUIRE(result.done());
  const wait_result<int> sets = result.result();
  REQUIRE(sets.done.size() == 1);
  CHECK(sets.done[0] == handles[1]);
  CHECK(sets.pending == std::vector<task_handle<int>>{handles[0], handles[2]});
  time.run_until_idle();  // wait() cancelled nothing
  CHECK(handles[0].result() == 3);
}

TEST_CASE("wait with all_completed returns when every task has finished, failures included, without raising") {
  virtual_time time;
  std::vector<task_handle<int>> handles{create_task(time.sched, value_after(time.sched, 10ms, 1)),
                                        create_task(time.sched, throw_after(time.sched, 20ms, "boom"))};
  const wait_result<int> sets = time.run(wait(handles));
  CHECK(time.now_ms() == 20);
  CHECK(sets.done == handles);
  CHECK(sets.pending.empty());
  CHECK(sets.done[1].exception());
}

TEST_CASE("wait with first_exception returns at the first failure, but a cancelled task does not count as failed") {
  virtual_time time;
  auto cancelled = create_task(time.sched, value_after(time.sched, 1h, 0));
  std::vector<task_handle<int>> handles{cancelled, create_task(time.sched, throw_after(time.sched, 20ms, "boom")),
                                        create_task(time.sched, value_after(time.sched, 30ms, 3))};
  auto result = create_task(time.sched, wait(handles, return_when::first_exception));
  time.run_for_ms(5);
  cancelled.cancel();
  time.run_for_ms(5);
  CHECK(cancelled.cancelled());
  CHECK_FALSE(result.done());  // a cancellation is not an exception here
  time.run_for_ms(10);
  REQUIRE(result.done());
  CHECK(time.now_ms() == 20);
  CHECK(result.result().done == std::vector<task_handle<int>>{handles[0], handles[1]});
  CHECK(result.result().pending == std::vector<task_handle<int>>{handles[2]});
  time.run_until_idle();
}

TEST_CASE("cancelling a wait ends it with operation_cancelled at once and leaves the tasks running") {
  virtual_time time;
  auto handles = spawn_values(time, {{100, 1}});
  auto waiting = create_task(time.sched, wait(handles));
  time.run_for_ms(10);
  waiting.cancel();
  time.run_for_ms(0);
  CHECK(waiting.cancelled());
  CHECK(time.now_ms() == 10);
  time.run_until_idle();
  CHECK(handles[0].result() == 1);
}
