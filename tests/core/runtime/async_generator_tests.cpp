#include <catch2/catch.hpp>

#include "support.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

using int_generator = async_generator<int>;

int_generator count_to(int n, int& started) {
  ++started;
  for (int i = 1; i <= n; ++i) co_yield i;
}

int_generator count_with_sleeps(scheduler& sched, int n) {
  for (int i = 1; i <= n; ++i) {
    co_await sched.sleep_for(10ms);
    co_yield i;
  }
}

// Collects every item with a consumer coroutine; `done` is set when the loop ends.
detached consume(int_generator& gen, std::vector<int>& out, bool& done) {
  while (int* item = co_await gen.next()) out.push_back(*item);
  done = true;
}

// The address of a local of a fresh call: how deep the call stack is right now.
[[gnu::noinline]] std::uintptr_t stack_position() {
  volatile char marker = 0;
  volatile std::uintptr_t address = reinterpret_cast<std::uintptr_t>(&marker);
  return address;
}

}  // namespace

TEST_CASE("the body does not start until the consumer first asks") {
  int started = 0;
  auto gen = count_to(3, started);
  CHECK(started == 0);
  std::vector<int> out;
  bool done = false;
  consume(gen, out, done);
  CHECK(started == 1);
  CHECK(done);
  CHECK(out == std::vector<int>{1, 2, 3});
}

TEST_CASE("next() after the end keeps returning the end") {
  int started = 0;
  auto gen = count_to(1, started);
  std::vector<int*> seen;
  [](int_generator& g, std::vector<int*>& seen) -> detached {
    for (int i = 0; i < 4; ++i) seen.push_back(co_await g.next());
  }(gen, seen);
  REQUIRE(seen.size() == 4);
  CHECK(seen[0] != nullptr);
  CHECK(seen[1] == nullptr);
  CHECK(seen[2] == nullptr);
  CHECK(seen[3] == nullptr);
}

TEST_CASE("a consumer coroutine waits across sleeps and resumes at each deadline") {
  virtual_time time;
  auto gen = count_with_sleeps(time.sched, 3);
  std::vector<int> out;
  bool done = false;
  consume(gen, out, done);
  CHECK(out.empty());  // sleeping until 10 ms
  time.run_for_ms(10);
  CHECK(out == std::vector<int>{1});
  time.run_until_idle();
  CHECK(out == std::vector<int>{1, 2, 3});
  CHECK(done);
  CHECK(time.now_ms() == 30);
}

TEST_CASE("exception thrown before the first yield is rethrown from the first next()") {
  auto gen = []() -> int_generator {
    throw std::runtime_error("broken before anything");
    co_return;
  }();
  std::string message;
  [](int_generator& g, std::string& message) -> detached {
    try {
      co_await g.next();
    } catch (const std::runtime_error& e) {
      message = e.what();
    }
  }(gen, message);
  CHECK(message == "broken before anything");
}

TEST_CASE("exception thrown after the first yield is rethrown from the next() that follows") {
  virtual_time time;
  auto gen = [](scheduler& s) -> int_generator {
    co_yield 1;
    co_await s.sleep_for(5ms);
    throw std::runtime_error("broken after one");
  }(time.sched);
  std::vector<int> out;
  std::string message;
  [](int_generator& g, std::vector<int>& out, std::string& message) -> detached {
    try {
      while (int* item = co_await g.next()) out.push_back(*item);
    } catch (const std::runtime_error& e) {
      message = e.what();
    }
  }(gen, out, message);
  CHECK(out == std::vector<int>{1});
  CHECK(message.empty());
  time.run_until_idle();
  CHECK(message == "broken after one");
}

TEST_CASE("poll() reports a thrown exception as done, with failure() holding it") {
  auto gen = []() -> int_generator {
    co_yield 7;
    throw std::logic_error("poll sees this");
  }();
  auto no_wake = [](void*) noexcept {};
  REQUIRE(gen.poll(no_wake, nullptr) == int_generator::poll_status::item);
  CHECK(gen.current() == 7);
  REQUIRE(gen.poll(no_wake, nullptr) == int_generator::poll_status::done);
  REQUIRE(gen.failure());
  CHECK_THROWS_WITH(std::rethrow_exception(gen.failure()), "poll sees this");
  CHECK(gen.poll(no_wake, nullptr) == int_generator::poll_status::done);
}

TEST_CASE("poll() says pending while the body sleeps and wakes the consumer exactly once") {
  virtual_time time;
  auto gen = count_with_sleeps(time.sched, 2);
  int wakes = 0;
  auto on_wake = [](void* c) noexcept { ++*static_cast<int*>(c); };
  CHECK(gen.poll(on_wake, &wakes) == int_generator::poll_status::pending);
  CHECK(gen.poll(on_wake, &wakes) == int_generator::poll_status::pending);  // still asleep
  time.set_ms(9);
  time.sched.run_due();
  CHECK(wakes == 0);
  time.set_ms(10);
  time.sched.run_due();
  CHECK(wakes == 1);
  REQUIRE(gen.poll(on_wake, &wakes) == int_generator::poll_status::item);
  CHECK(gen.current() == 1);
}

TEST_CASE("destroying the generator early runs its locals' destructors at once") {
  int live = 0;
  auto make = [](int& live) -> int_generator {
    lifetime_probe probe{live};
    for (int i = 0;; ++i) co_yield i;
  };
  {
    auto gen = make(live);
    auto no_wake = [](void*) noexcept {};
    REQUIRE(gen.poll(no_wake, nullptr) == int_generator::poll_status::item);
    REQUIRE(gen.poll(no_wake, nullptr) == int_generator::poll_status::item);
    CHECK(live == 1);
  }
  CHECK(live == 0);
}

TEST_CASE("destroying a generator that sleeps frees it now and removes its timer") {
  virtual_time time;
  int live = 0;
  auto gen = [](scheduler& s, int& live) -> int_generator {
    lifetime_probe probe{live};
    co_await s.sleep_for(1h);
    co_yield 1;
  }(time.sched, live);
  auto no_wake = [](void*) noexcept {};
  REQUIRE(gen.poll(no_wake, nullptr) == int_generator::poll_status::pending);
  CHECK(live == 1);
  CHECK(time.sched.scheduled_count() == 1);
  gen.reset();
  CHECK(live == 0);  // not an hour later: now
  CHECK(time.sched.scheduled_count() == 0);
  CHECK_FALSE(time.clock.requested_wake());
}

TEST_CASE("a consumer may destroy the generator as soon as it is handed an item") {
  virtual_time time;
  auto gen = std::make_unique<int_generator>(count_with_sleeps(time.sched, 5));
  std::vector<int> out;
  [](std::unique_ptr<int_generator>& g, std::vector<int>& out) -> detached {
    while (int* item = co_await g->next()) {
      out.push_back(*item);
      if (*item == 2) {
        g.reset();  // resumed from the generator's own hand-over, after a timer
        co_return;
      }
    }
  }(gen, out);
  time.run_until_idle();
  CHECK(out == std::vector<int>{1, 2});
  CHECK(time.sched.scheduled_count() == 0);
}

TEST_CASE("a million yields do not grow the stack") {
  constexpr int count = 1'000'000;
  std::uintptr_t lowest = UINTPTR_MAX, highest = 0;
  auto gen = [](int n, std::uintptr_t& lowest, std::uintptr_t& highest) -> int_generator {
    for (int i = 0; i < n; ++i) {
      const std::uintptr_t here = stack_position();
      lowest = std::min(lowest, here);
      highest = std::max(highest, here);
      co_yield i;
    }
  }(count, lowest, highest);

  SECTION("consumed by a coroutine") {
    long long sum = 0;
    int items = 0;
    [](int_generator& g, long long& sum, int& items) -> detached {
      while (int* item = co_await g.next()) {
        sum += *item;
        ++items;
      }
    }(gen, sum, items);
    CHECK(items == count);
    CHECK(sum == static_cast<long long>(count) * (count - 1) / 2);
  }
  SECTION("consumed by poll()") {
    int items = 0;
    auto no_wake = [](void*) noexcept {};
    while (gen.poll(no_wake, nullptr) == int_generator::poll_status::item) ++items;
    CHECK(items == count);
  }
  // The body ran at the same stack depth for every item.
  CHECK(highest - lowest < 256);
}

TEST_CASE("a generator can consume another generator, waiting when it waits") {
  virtual_time time;
  auto doubled = [](int_generator inner) -> int_generator {
    while (int* item = co_await inner.next()) co_yield *item * 2;
  }(count_with_sleeps(time.sched, 3));
  std::vector<int> out;
  bool done = false;
  consume(doubled, out, done);
  time.run_until_idle();
  CHECK(out == std::vector<int>{2, 4, 6});
  CHECK(done);
}

namespace {

// A poll_into() sink that keeps what it is given and has room for `room` items per call.
struct collecting_sink {
  std::vector<int> items;
  int room = 0;
  static bool take(void* self, int& item) noexcept {
    auto* sink = static_cast<collecting_sink*>(self);
    sink->items.push_back(item);
    return --sink->room > 0;
  }
};

int_generator numbers_then_sleep(scheduler& sched, int& resumed_after_sleep) {
  co_yield 1;
  co_yield 2;
  co_await sched.sleep_for(10ms);
  ++resumed_after_sleep;
  co_yield 3;
  co_yield 4;
}

}  // namespace

TEST_CASE("poll_into() hands items to the sink without suspending until the sink is full") {
  int started = 0;
  auto gen = count_to(5, started);
  auto no_wake = [](void*) noexcept {};
  collecting_sink sink;
  sink.room = 2;
  REQUIRE(gen.poll_into(no_wake, nullptr, &collecting_sink::take, &sink) == int_generator::poll_status::item);
  CHECK(sink.items == std::vector<int>{1, 2});
  sink.room = 2;
  REQUIRE(gen.poll_into(no_wake, nullptr, &collecting_sink::take, &sink) == int_generator::poll_status::item);
  CHECK(sink.items == std::vector<int>{1, 2, 3, 4});
  // One by one again in between: poll() takes up where the bulk call stopped.
  REQUIRE(gen.poll(no_wake, nullptr) == int_generator::poll_status::item);
  CHECK(gen.current() == 5);
  sink.room = 10;
  CHECK(gen.poll_into(no_wake, nullptr, &collecting_sink::take, &sink) == int_generator::poll_status::done);
  CHECK(sink.items.size() == 4);
  CHECK(started == 1);
}

TEST_CASE("poll_into() says pending when the body sleeps, and its next call starts with the item the timer brought") {
  virtual_time time;
  int resumed = 0;
  auto gen = numbers_then_sleep(time.sched, resumed);
  int wakes = 0;
  auto on_wake = [](void* c) noexcept { ++*static_cast<int*>(c); };
  collecting_sink sink;
  sink.room = 100;
  REQUIRE(gen.poll_into(on_wake, &wakes, &collecting_sink::take, &sink) == int_generator::poll_status::pending);
  CHECK(sink.items == std::vector<int>{1, 2});
  CHECK(gen.poll_into(on_wake, &wakes, &collecting_sink::take, &sink) == int_generator::poll_status::pending);
  time.set_ms(10);
  time.sched.run_due();
  // The timer resumed the body off the consumer's stack: it stopped at its first item and
  // woke the consumer once, the sink not being there to take it.
  CHECK(resumed == 1);
  CHECK(wakes == 1);
  CHECK(sink.items.size() == 2);
  REQUIRE(gen.poll_into(on_wake, &wakes, &collecting_sink::take, &sink) == int_generator::poll_status::done);
  CHECK(sink.items == std::vector<int>{1, 2, 3, 4});
  CHECK(wakes == 1);
}

TEST_CASE("poll_into() reports a thrown exception as done after the items before it, with failure() holding it") {
  auto gen = []() -> int_generator {
    co_yield 7;
    co_yield 8;
    throw std::logic_error("bulk sees this");
  }();
  auto no_wake = [](void*) noexcept {};
  collecting_sink sink;
  sink.room = 100;
  REQUIRE(gen.poll_into(no_wake, nullptr, &collecting_sink::take, &sink) == int_generator::poll_status::done);
  CHECK(sink.items == std::vector<int>{7, 8});
  REQUIRE(gen.failure());
  CHECK_THROWS_WITH(std::rethrow_exception(gen.failure()), "bulk sees this");
}
