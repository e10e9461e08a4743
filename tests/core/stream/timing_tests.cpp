#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/stream/timing.hpp"
#include "stream/fnv1a.hpp"

using namespace trickle;
using namespace std::chrono_literals;
using trickle::testing::fnv1a;

namespace {

std::vector<std::int64_t> microseconds(const std::vector<duration>& offsets) {
  std::vector<std::int64_t> out;
  out.reserve(offsets.size());
  for (duration d : offsets) out.push_back(d.count());
  return out;
}

// The gaps between consecutive offsets, in microseconds (offset[0] counts as the first).
std::vector<double> gaps(const std::vector<duration>& offsets) {
  std::vector<double> out;
  out.reserve(offsets.size());
  std::int64_t previous = 0;
  for (duration d : offsets) {
    out.push_back(static_cast<double>(d.count() - previous));
    previous = d.count();
  }
  return out;
}

struct summary {
  double mean = 0;
  double deviation = 0;
  double lowest = 0;
  double highest = 0;
};

summary summarise(const std::vector<double>& values) {
  summary s;
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  s.deviation = std::sqrt(squares / static_cast<double>(values.size()));
  s.lowest = *std::min_element(values.begin(), values.end());
  s.highest = *std::max_element(values.begin(), values.end());
  return s;
}

bool never_decreases(const std::vector<duration>& offsets) {
  return std::is_sorted(offsets.begin(), offsets.end());
}

// One token a second: gaps of a million microseconds, so that rounding to whole
// microseconds does not blur the statistics.
timing_options one_token_a_second(jitter j, std::uint64_t seed) {
  timing_options options;
  options.tokens_per_second = 1;
  options.gap_jitter = j;
  options.seed = seed;
  return options;
}

}  // namespace

TEST_CASE("a plan with only a delay is the lesson's pace: unit i at (i + 1) * delay") {
  timing_options options;
  options.delay = 123'457us;
  options.seed = 5;
  const auto offsets = plan_offsets(options, 100'000);
  REQUIRE(offsets.size() == 100'000);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    REQUIRE(offsets[i] == options.delay * static_cast<std::int64_t>(i + 1));
  }
  timing_plan lesson{timing_options{}};
  CHECK(lesson.next({}) == 500ms);
  CHECK(lesson.next({}) == 1000ms);
  CHECK(lesson.next({}) == 1500ms);
}

TEST_CASE("without a ttft the first unit comes one gap after t0; with one, at the ttft") {
  timing_options options;
  options.tokens_per_second = 10;
  options.seed = 1;
  CHECK(microseconds(plan_offsets(options, 3)) == std::vector<std::int64_t>{100'000, 200'000, 300'000});
  options.ttft = 2s;
  CHECK(microseconds(plan_offsets(options, 3)) == std::vector<std::int64_t>{2'000'000, 2'100'000, 2'200'000});
  options.tokens_per_second = 0;
  options.delay = 50ms;
  CHECK(microseconds(plan_offsets(options, 3)) == std::vector<std::int64_t>{2'000'000, 2'050'000, 2'100'000});
}

TEST_CASE("tokens_per_second charges each unit its tokens, chars_per_second its characters") {
  const std::vector<unit_size> units{{3, 10}, {1, 4}, {0, 0}, {2, 1}};
  timing_options per_token;
  per_token.tokens_per_second = 100;  // 10 ms a token
  CHECK(microseconds(plan_offsets(per_token, units)) == std::vector<std::int64_t>{30'000, 40'000, 40'000, 60'000});
  timing_options per_char;
  per_char.chars_per_second = 1000;  // 1 ms a character
  CHECK(microseconds(plan_offsets(per_char, units)) == std::vector<std::int64_t>{10'000, 14'000, 14'000, 15'000});
  CHECK(timing_plan{per_char}.counts_chars());
  CHECK_FALSE(timing_plan{per_token}.counts_chars());
}

TEST_CASE("offsets are rounded from the exact running total, so rounding never drifts") {
  timing_options options;
  options.tokens_per_second = 3;  // 333,333.33... microseconds a token
  const auto offsets = plan_offsets(options, 30'000);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const double exact = static_cast<double>(i + 1) * 1e6 / 3.0;
    REQUIRE(std::abs(static_cast<double>(offsets[i].count()) - exact) <= 0.5 + 1e-6);
  }
}

TEST_CASE("uniform jitter stays within [1 - sigma, 1 + sigma] of the gap, with mean 1 and spread sigma / sqrt(3)") {
  for (double sigma : {0.1, 0.5, 1.0}) {
    const auto gap = summarise(gaps(plan_offsets(one_token_a_second({jitter_kind::uniform, sigma}, 11), 200'000)));
    INFO("sigma " << sigma);
    CHECK(gap.mean == Approx(1e6).epsilon(0.005));
    CHECK(gap.deviation == Approx(sigma / std::sqrt(3.0) * 1e6).epsilon(0.02));
    CHECK(gap.lowest >= (1 - sigma) * 1e6 - 1);
    CHECK(gap.highest <= (1 + sigma) * 1e6 + 1);
    CHECK(gap.lowest < (1 - sigma * 0.99) * 1e6);  // the whole range is used
    CHECK(gap.highest > (1 + sigma * 0.99) * 1e6);
  }
}

TEST_CASE("lognormal jitter keeps the mean gap at 1 / rate and spreads the gap's logarithm by sigma") {
  for (double sigma : {0.25, 0.5, 1.0}) {
    const auto offsets = plan_offsets(one_token_a_second({jitter_kind::lognormal, sigma}, 12), 400'000);
    std::vector<double> logs;
    for (double g : gaps(offsets)) logs.push_back(std::log(g / 1e6));
    const auto gap = summarise(gaps(offsets));
    const auto log_gap = summarise(logs);
    INFO("sigma " << sigma);
    CHECK(gap.mean == Approx(1e6).epsilon(0.015));
    CHECK(log_gap.mean == Approx(-sigma * sigma / 2).margin(0.01));
    CHECK(log_gap.deviation == Approx(sigma).epsilon(0.02));
  }
}

TEST_CASE("without jitter every gap is the same") {
  const auto gap = summarise(gaps(plan_offsets(one_token_a_second({}, 13), 10'000)));
  CHECK(gap.lowest == 1e6);
  CHECK(gap.highest == 1e6);
}

TEST_CASE("the ttft is drawn from its own distribution, whose mean is the ttft") {
  timing_options options;
  options.ttft = 1s;
  options.ttft_jitter = {jitter_kind::lognormal, 0.6};
  std::vector<double> ttfts;
  for (std::uint64_t seed = 1; seed <= 20'000; ++seed) {
    options.seed = seed;
    timing_plan plan{options};
    ttfts.push_back(static_cast<double>(plan.next({}).count()));
  }
  CHECK(summarise(ttfts).mean == Approx(1e6).epsilon(0.02));
  std::sort(ttfts.begin(), ttfts.end());
  CHECK(ttfts[ttfts.size() / 2] == Approx(1e6 * std::exp(-0.18)).epsilon(0.03));  // median = mean e^(-sigma^2/2)

  options.ttft_jitter = {jitter_kind::uniform, 0.5};
  std::vector<double> uniform_ttfts;
  for (std::uint64_t seed = 1; seed <= 20'000; ++seed) {
    options.seed = seed;
    timing_plan plan{options};
    uniform_ttfts.push_back(static_cast<double>(plan.next({}).count()));
  }
  const auto uniform = summarise(uniform_ttfts);
  CHECK(uniform.mean == Approx(1e6).epsilon(0.01));
  CHECK(uniform.lowest >= 0.5e6);
  CHECK(uniform.highest <= 1.5e6);
}

TEST_CASE("stalls come with their probability per unit, last between min and max, and push later units back") {
  timing_options options;
  options.delay = 1ms;
  options.stalls = {0.1, 50ms, 150ms, false};
  options.seed = 14;
  constexpr std::size_t units = 100'000;
  const auto offsets = plan_offsets(options, units);
  REQUIRE(offsets.front() == 1ms);  // never before the first unit
  std::vector<double> stalls;
  for (double g : gaps(offsets)) {
    if (g != 1000) stalls.push_back(g - 1000);
  }
  CHECK(static_cast<double>(stalls.size()) / (units - 1) == Approx(0.1).margin(0.006));
  const auto stall = summarise(stalls);
  CHECK(stall.lowest >= 50'000);
  CHECK(stall.highest <= 150'000);
  CHECK(stall.mean == Approx(100'000).epsilon(0.02));
  // They add up: the last unit is late by exactly the sum of the stalls.
  double total = 0;
  for (double s : stalls) total += s;
  CHECK(static_cast<double>(offsets.back().count()) == Approx(units * 1000.0 + total).margin(1));

  SECTION("a stall never comes before the first unit, whatever the seed") {
    options.stalls.probability = 1;
    for (std::uint64_t seed = 0; seed < 100; ++seed) {
      options.seed = seed;
      timing_plan plan{options};
      REQUIRE(plan.next({}) == 1ms);
      REQUIRE(plan.next({}) >= 52ms);
    }
  }
  SECTION("min == max gives stalls of that one length") {
    options.stalls = {1, 7ms, 7ms, false};
    CHECK(microseconds(plan_offsets(options, 3)) == std::vector<std::int64_t>{1'000, 9'000, 17'000});
  }
}

TEST_CASE("catch-up stalls hold units back, release the backlog together and return to the model's timeline") {
  timing_options options;
  options.delay = 10ms;  // the model's timeline: unit i ready at (i + 1) * 10 ms
  options.stalls = {0.01, 200ms, 300ms, true};
  options.seed = 15;
  constexpr std::size_t units = 50'000;
  const auto offsets = plan_offsets(options, units);
  REQUIRE(never_decreases(offsets));
  std::size_t on_time = 0;
  std::size_t stalls = 0;
  for (std::size_t i = 0; i < units; ++i) {
    const duration ready = 10ms * static_cast<std::int64_t>(i + 1);
    REQUIRE(offsets[i] >= ready);  // held back, never early
    if (offsets[i] == ready) {
      ++on_time;
      continue;
    }
    REQUIRE(i > 0);
    // Held: either released with the unit before it, or the unit whose own stall starts
    // a new hold, from its ready time or from the end of the hold it was already in.
    if (offsets[i] == offsets[i - 1]) continue;
    ++stalls;
    const auto held_for = offsets[i] - std::max(ready, offsets[i - 1]);
    REQUIRE(held_for >= 200ms);
    REQUIRE(held_for <= 300ms);
  }
  CHECK(static_cast<double>(stalls) / (units - 1) == Approx(0.01).margin(0.0015));
  // Each stall holds back about 25 units of 10 ms: about a quarter of them are late, and
  // the rest are exactly on the model's timeline: no drift.
  CHECK(static_cast<double>(on_time) / units == Approx(0.75).margin(0.08));
}

TEST_CASE("a burst of k delivers k consecutive units at the moment the last of them is ready") {
  timing_options options;
  options.tokens_per_second = 50;
  options.ttft = 300ms;
  options.ttft_jitter = {jitter_kind::lognormal, 0.5};
  options.gap_jitter = {jitter_kind::lognormal, 0.5};
  options.stalls = {0.05, 10ms, 90ms, false};
  options.seed = 16;
  constexpr std::size_t units = 1003;  // the last group has 3 units
  const auto ready = plan_offsets(options, units);
  options.burst = 4;
  const auto delivered = plan_offsets(options, units);
  for (std::size_t i = 0; i < units; ++i) {
    const std::size_t last_of_group = std::min(i / 4 * 4 + 3, units - 1);
    REQUIRE(delivered[i] == ready[last_of_group]);
  }
  std::size_t deliveries = 1;
  for (std::size_t i = 1; i < units; ++i) deliveries += delivered[i] != delivered[i - 1] ? 1 : 0;
  CHECK(deliveries == 251);
}

TEST_CASE("offsets never decrease, whatever the options") {
  const std::vector<jitter> jitters{{}, {jitter_kind::uniform, 1.0}, {jitter_kind::lognormal, 2.0}};
  for (const jitter& gap : jitters) {
    for (const jitter& first : jitters) {
      for (bool catch_up : {false, true}) {
        timing_options options;
        options.ttft = 10ms;
        options.ttft_jitter = first;
        options.chars_per_second = 300;
        options.gap_jitter = gap;
        options.stalls = {0.3, 0ms, 40ms, catch_up};
        options.burst = 3;
        options.seed = 17;
        std::vector<unit_size> sizes;
        for (std::uint32_t i = 0; i < 5000; ++i) sizes.push_back({1, i % 7});
        REQUIRE(never_decreases(plan_offsets(options, sizes)));
      }
    }
  }
}

TEST_CASE("the same seed gives the same plan, different seeds give different plans") {
  timing_options options;
  options.tokens_per_second = 80;
  options.ttft = 500ms;
  options.ttft_jitter = {jitter_kind::lognormal, 0.6};
  options.gap_jitter = {jitter_kind::lognormal, 0.4};
  options.stalls = {0.01, 1s, 3s, true};
  options.seed = 18;
  const auto first = plan_offsets(options, 5000);
  CHECK(plan_offsets(options, 5000) == first);
  options.seed = 19;
  const auto other = plan_offsets(options, 5000);
  std::size_t equal = 0;
  for (std::size_t i = 0; i < first.size(); ++i) equal += first[i] == other[i] ? 1 : 0;
  CHECK(equal < 50);
}

TEST_CASE("a copy of a plan continues exactly where the original would") {
  timing_options options;
  options.tokens_per_second = 80;
  options.gap_jitter = {jitter_kind::lognormal, 0.7};
  options.stalls = {0.1, 1ms, 9ms, false};
  options.seed = 20;
  timing_plan original{options};
  for (int i = 0; i < 501; ++i) original.next({});
  timing_plan copy = original;
  for (int i = 0; i < 1000; ++i) REQUIRE(copy.next({}) == original.next({}));
  CHECK(copy.units_planned() == 1501);
}

TEST_CASE("a plan without a seed draws one and says which, so that it can be repeated") {
  timing_options options;
  options.tokens_per_second = 100;
  options.gap_jitter = {jitter_kind::uniform, 0.5};
  timing_plan drawn{options};
  timing_plan another{options};
  CHECK(drawn.seed() != another.seed());
  options.seed = drawn.seed();
  timing_plan repeated{options};
  for (int i = 0; i < 100; ++i) REQUIRE(repeated.next({}) == drawn.next({}));
}

TEST_CASE("absurd rates and durations saturate at max_offset instead of overflowing") {
  timing_options slow;
  slow.tokens_per_second = 1e-300;
  slow.gap_jitter = {jitter_kind::lognormal, 2};
  slow.seed = 21;
  auto offsets = plan_offsets(slow, 100);
  CHECK(never_decreases(offsets));
  CHECK(offsets.back() == timing_plan::max_offset);

  timing_options tiny;
  tiny.chars_per_second = 4.9406564584124654e-324;  // the smallest double: 1e6 / it is infinite
  offsets = plan_offsets(tiny, std::vector<unit_size>{{1, 0}, {1, 5}});
  CHECK(offsets.front() == 0us);  // a unit of no characters costs nothing, even so
  CHECK(offsets.back() == timing_plan::max_offset);

  timing_options huge;
  huge.delay = duration::max();
  huge.ttft = duration::max();
  huge.stalls = {1, duration::max(), duration::max(), true};
  offsets = plan_offsets(huge, 10);
  CHECK(never_decreases(offsets));
  CHECK(offsets.back() == timing_plan::max_offset);
}

TEST_CASE("invalid options are refused with a message that says what to do") {
  struct invalid {
    std::string why;
    std::function<void(timing_options&)> spoil;
    std::string says;
  };
  const std::vector<invalid> cases{
      {"negative delay", [](timing_options& o) { o.delay = -1us; }, "delay must not be negative"},
      {"negative ttft", [](timing_options& o) { o.ttft = -1ms; }, "ttft must not be negative"},
      {"negative rate", [](timing_options& o) { o.tokens_per_second = -3; }, "tokens_per_second must be a finite"},
      {"NaN rate", [](timing_options& o) { o.chars_per_second = NAN; }, "chars_per_second must be a finite"},
      {"infinite rate", [](timing_options& o) { o.tokens_per_second = INFINITY; }, "or 0 to use the fixed delay"},
      {"two rates", [](timing_options& o) { o.tokens_per_second = o.chars_per_second = 5; }, "not both"},
      {"uniform sigma above 1", [](timing_options& o) { o.gap_jitter = {jitter_kind::uniform, 1.5}; },
       "jitter.sigma must be between 0 and 1 for uniform jitter"},
      {"negative lognormal sigma", [](timing_options& o) { o.ttft_jitter = {jitter_kind::lognormal, -0.1}; },
       "ttft_jitter.sigma must be between 0 and 2"},
      {"lognormal sigma above 2", [](timing_options& o) { o.gap_jitter = {jitter_kind::lognormal, 2.5}; },
       "not 2.5"},
      {"NaN sigma", [](timing_options& o) { o.gap_jitter = {jitter_kind::lognormal, NAN}; }, "between 0 and 2"},
      {"sigma without a kind", [](timing_options& o) { o.gap_jitter = {jitter_kind::none, 0.3}; },
       "choose uniform or lognormal"},
      {"unknown kind", [](timing_options& o) { o.gap_jitter = {static_cast<jitter_kind>(9), 0}; },
       "use none, uniform or lognormal"},
      {"probability above 1", [](timing_options& o) { o.stalls.probability = 1.01; }, "between 0 and 1"},
      {"negative probability", [](timing_options& o) { o.stalls.probability = -0.5; }, "is per unit"},
      {"negative stall", [](timing_options& o) { o.stalls.min = -1ms; }, "must not be negative"},
      {"min above max", [](timing_options& o) { o.stalls = {0.1, 2s, 1s, false}; }, "swap them"},
      {"burst 0", [](timing_options& o) { o.burst = 0; }, "burst must be at least 1"},
  };
  for (const invalid& c : cases) {
    INFO(c.why);
    timing_options options;
    c.spoil(options);
    CHECK_THROWS_WITH(validate(options), Catch::Contains(c.says) && Catch::StartsWith("trickle: "));
    CHECK_THROWS_AS(timing_plan{options}, std::invalid_argument);
    CHECK_THROWS_AS(plan_offsets(options, 1), std::invalid_argument);
  }
  CHECK_NOTHROW(validate(timing_options{}));
}

TEST_CASE("100,000 deadlines of seeded plans hash to the same value natively and in WebAssembly") {
  // Golden values: the g++/glibc build and the clang/Emscripten/musl build must both give
  // them. A change here means plans from a given seed change for every user: only on
  // purpose, and said so.
  auto hash_of = [](const std::vector<duration>& offsets) {
    fnv1a hash;
    for (duration d : offsets) hash.add(static_cast<std::uint64_t>(d.count()));
    return hash.value;
  };
  timing_options lognormal;
  lognormal.ttft = 450ms;
  lognormal.ttft_jitter = {jitter_kind::lognormal, 0.6};
  lognormal.tokens_per_second = 131;
  lognormal.gap_jitter = {jitter_kind::lognormal, 0.5};
  lognormal.stalls = {0.01, 1s, 4s, true};
  lognormal.burst = 3;
  lognormal.seed = 0x5eed;
  CHECK(hash_of(plan_offsets(lognormal, 100'000)) == 0x3702590f5391830fULL);

  timing_options uniform;
  uniform.chars_per_second = 700;
  uniform.gap_jitter = {jitter_kind::uniform, 0.4};
  uniform.stalls = {0.05, 20ms, 80ms, false};
  uniform.seed = 42;
  std::vector<unit_size> sizes;
  for (std::uint32_t i = 0; i < 100'000; ++i) sizes.push_back({1, 1 + i % 9});
  CHECK(hash_of(plan_offsets(uniform, sizes)) == 0xdf19b6ae36d09a45ULL);
}
