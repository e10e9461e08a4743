#include <catch2/catch.hpp>

#include "core/stream/units.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

// [time in ms, unit index] for every unit, read the way the binding reads.
std::vector<std::pair<std::int64_t, std::uint32_t>> arrivals(async_generator<std::uint32_t>& gen, virtual_time& time) {
  std::vector<std::pair<std::int64_t, std::uint32_t>> seen;
  auto on_wake = [](void*) noexcept {};
  for (;;) {
    switch (gen.poll(on_wake, nullptr)) {
      case async_generator<std::uint32_t>::poll_status::item:
        seen.emplace_back(time.now_ms(), gen.current());
        break;
      case async_generator<std::uint32_t>::poll_status::pending:
        time.clock.set(*time.clock.requested_wake());
        time.sched.run_due();
        break;
      case async_generator<std::uint32_t>::poll_status::done:
        if (auto failure = gen.failure()) std::rethrow_exception(failure);
        return seen;
    }
  }
}

timing_options fixed(duration delay) {
  timing_options options;
  options.delay = delay;
  return options;
}

}  // namespace

TEST_CASE("units on a fixed plan come one delay apart, from the first next()") {
  virtual_time time;
  time.set_ms(1000);
  auto gen = units_on_plan(time.sched, std::vector<unit_size>(3), timing_plan{fixed(50ms)});
  using seen = std::vector<std::pair<std::int64_t, std::uint32_t>>;
  CHECK(arrivals(gen, time) == seen{{1050, 0}, {1100, 1}, {1150, 2}});
}

TEST_CASE("a burst delivers its units together, when the last of them is ready") {
  virtual_time time;
  timing_options options = fixed(10ms);
  options.burst = 2;
  auto gen = units_on_plan(time.sched, std::vector<unit_size>(5), timing_plan{options});
  using seen = std::vector<std::pair<std::int64_t, std::uint32_t>>;
  CHECK(arrivals(gen, time) == seen{{20, 0}, {20, 1}, {40, 2}, {40, 3}, {50, 4}});
}

TEST_CASE("a stall before unit k holds it and every later unit back by its length") {
  virtual_time time;
  auto gen = units_on_plan(time.sched, std::vector<unit_size>(4), timing_plan{fixed(10ms)}, unit_stall{2, 500ms});
  using seen = std::vector<std::pair<std::int64_t, std::uint32_t>>;
  CHECK(arrivals(gen, time) == seen{{10, 0}, {20, 1}, {530, 2}, {540, 3}});
}

TEST_CASE("a rate plan charges each unit its own size, and no unit is ever early") {
  virtual_time time;
  timing_options options;
  options.tokens_per_second = 100;  // 10 ms a token
  std::vector<unit_size> sizes{{1, 1}, {3, 1}, {2, 1}};
  auto gen = units_on_plan(time.sched, sizes, timing_plan{options});
  using seen = std::vector<std::pair<std::int64_t, std::uint32_t>>;
  CHECK(arrivals(gen, time) == seen{{10, 0}, {40, 1}, {60, 2}});
}

TEST_CASE("no units: the schedule ends at once") {
  virtual_time time;
  auto gen = units_on_plan(time.sched, {}, timing_plan{fixed(10ms)});
  CHECK(arrivals(gen, time).empty());
  CHECK(time.now_ms() == 0);
}

TEST_CASE("units at offsets come at t0 plus their own offset, equal offsets together, a stall holding the rest back") {
  virtual_time time;
  time.set_ms(200);
  using seen = std::vector<std::pair<std::int64_t, std::uint32_t>>;
  auto gen = units_at_offsets(time.sched, {0ms, 35ms, 35ms, 120ms});
  CHECK(arrivals(gen, time) == seen{{200, 0}, {235, 1}, {235, 2}, {320, 3}});
  auto stalled = units_at_offsets(time.sched, {10ms, 20ms, 30ms}, unit_stall{1, 100ms});
  CHECK(arrivals(stalled, time) == seen{{330, 0}, {440, 1}, {450, 2}});
}

TEST_CASE("offsets that decrease, are negative or pass the longest offset are refused") {
  CHECK_NOTHROW(check_offsets({}));
  CHECK_NOTHROW(check_offsets({0ms, 0ms, 5ms}));
  CHECK_THROWS_AS(check_offsets({5ms, 4ms}), std::invalid_argument);
  CHECK_THROWS_AS(check_offsets({duration{-1}}), std::invalid_argument);
  CHECK_THROWS_AS(check_offsets({timing_plan::max_offset + duration{1}}), std::invalid_argument);
}
