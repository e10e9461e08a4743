#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/toolbox/async_mutex.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

task<> hold_for(virtual_time& time, async_mutex& mutex, duration hold, std::string name, std::vector<std::string>& log) {
  auto guard = co_await mutex.scoped_lock();
  log.push_back(name + " in@" + std::to_string(time.now_ms()));
  co_await time.sched.sleep_for(hold);
  log.push_back(name + " out@" + std::to_string(time.now_ms()));
}

}  // namespace

TEST_CASE("the lock is granted in the order it was asked for, one holder at a time") {
  virtual_time time;
  async_mutex mutex{time.sched};
  std::vector<std::string> log;
  std::vector<task_handle<>> holders;
  for (const char* name : {"a", "b", "c", "d"}) holders.push_back(create_task(time.sched, hold_for(time, mutex, 10ms, name, log)));
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"a in@0", "a out@10", "b in@10", "b out@20", "c in@20", "c out@30",
                                        "d in@30", "d out@40"});
  CHECK_FALSE(mutex.is_locked());
}

TEST_CASE("unlock hands the lock straight to the first waiter, so a later arrival cannot barge in") {
  virtual_time time;
  async_mutex mutex{time.sched};
  REQUIRE(mutex.try_lock());
  std::vector<std::string> log;
  auto waiter = create_task(time.sched, [](async_mutex& mutex, std::vector<std::string>& log) -> task<> {
    co_await mutex.lock();
    log.push_back("waiter has it");
    mutex.unlock();
  }(mutex, log));
  time.sched.run_due();
  REQUIRE(mutex.waiting_count() == 1);
  mutex.unlock();
  CHECK(mutex.is_locked());       // already the waiter's, though it has not run yet
  CHECK_FALSE(mutex.try_lock());  // the newcomer must wait its turn
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"waiter has it"});
  CHECK_FALSE(mutex.is_locked());
}

TEST_CASE("a waiter cancelled while waiting for the lock leaves the queue at once and the next one gets it") {
  virtual_time time;
  async_mutex mutex{time.sched};
  std::vector<std::string> log;
  auto first = create_task(time.sched, hold_for(time, mutex, 30ms, "first", log));
  auto second = create_task(time.sched, hold_for(time, mutex, 10ms, "second", log));
  auto third = create_task(time.sched, hold_for(time, mutex, 10ms, "third", log));
  time.run_for_ms(5);
  REQUIRE(mutex.waiting_count() == 2);
  second.cancel();
  CHECK(mutex.waiting_count() == 1);
  time.run_until_idle();
  CHECK(second.cancelled());
  CHECK(log == std::vector<std::string>{"first in@0", "first out@30", "third in@30", "third out@40"});
}

TEST_CASE("a waiter already handed the lock keeps it when cancelled before it runs, and sees the cancellation at its next wait") {
  virtual_time time;
  async_mutex mutex{time.sched};
  REQUIRE(mutex.try_lock());
  std::vector<std::string> log;
  auto waiter = create_task(time.sched, [](virtual_time& time, async_mutex& mutex, std::vector<std::string>& log) -> task<> {
    auto guard = co_await mutex.scoped_lock();
    log.push_back("locked");
    co_await time.sched.sleep_for(1ms);
    log.push_back("not reached");
  }(time, mutex, log));
  time.sched.run_due();
  mutex.unlock();   // handed over; the waiter is queued to run
  waiter.cancel();  // before it runs
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"locked"});
  CHECK(waiter.cancelled());
  CHECK_FALSE(mutex.is_locked());  // the guard released it while unwinding
}

TEST_CASE("a frame destroyed after being handed the lock, before it ran, passes the lock on") {
  virtual_time time;
  async_mutex mutex{time.sched};
  REQUIRE(mutex.try_lock());
  auto abandoned = [](async_mutex& mutex) -> async_generator<int> {
    co_await mutex.lock();
    co_yield 1;
  }(mutex);
  auto no_wake = [](void*) noexcept {};
  REQUIRE(abandoned.poll(no_wake, nullptr) == async_generator<int>::poll_status::pending);
  std::vector<std::string> log;
  auto next = create_task(time.sched, hold_for(time, mutex, 10ms, "next", log));
  time.sched.run_due();
  REQUIRE(mutex.waiting_count() == 2);
  mutex.unlock();     // handed to the generator, which is queued to run...
  abandoned.reset();  // ...but is destroyed first
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"next in@0", "next out@10"});
  CHECK_FALSE(mutex.is_locked());
}
