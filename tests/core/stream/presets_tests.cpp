#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/stream/presets.hpp"

using namespace trickle;
using namespace std::chrono_literals;

namespace {

// The median time to the first unit over many seeds, in milliseconds.
double median_ttft_ms(timing_options options) {
  std::vector<std::int64_t> ttfts;
  for (std::uint64_t seed = 1; seed <= 4001; ++seed) {
    options.seed = seed;
    timing_plan plan{options};
    ttfts.push_back(plan.next({}).count());
  }
  std::nth_element(ttfts.begin(), ttfts.begin() + 2000, ttfts.end());
  return static_cast<double>(ttfts[2000]) / 1000.0;
}

// Units per second after the first, over one long plan with bursts left out (the model's
// rate, as Artificial Analysis measures it: after the first chunk).
double units_per_second(timing_options options) {
  options.seed = 99;
  options.burst = 1;
  timing_plan plan{options};
  const duration first = plan.next({});
  duration last = first;
  constexpr int units = 200'000;
  for (int i = 1; i < units; ++i) last = plan.next({});
  return (units - 1) / (static_cast<double>((last - first).count()) / 1e6);
}

}  // namespace

TEST_CASE("the presets are the six documented ones, in order") {
  const auto names = timing_preset_names();
  CHECK(std::vector<std::string_view>(names.begin(), names.end()) ==
        std::vector<std::string_view>{"gpt-4o", "claude-sonnet", "gemini-flash", "reasoning", "fast-host",
                                      "slow-network"});
}

TEST_CASE("every preset gives valid options, with a drawn ttft, a rate and no seed of its own") {
  for (std::string_view name : timing_preset_names()) {
    INFO(name);
    const timing_options options = timing_preset(name);
    CHECK_NOTHROW(validate(options));
    CHECK(options.ttft.has_value());
    CHECK(options.ttft_jitter.kind == jitter_kind::lognormal);
    CHECK(options.tokens_per_second > 0);
    CHECK_FALSE(options.seed.has_value());
    CHECK(find_timing_preset(name).has_value());
  }
}

TEST_CASE("each preset's median time to first token and rate are the measured figures it cites") {
  struct measured {
    std::string_view name;
    double median_ttft_ms;
    double tokens_per_second;
  };
  for (const measured& m : {measured{"gpt-4o", 450, 131}, measured{"claude-sonnet", 740, 104},
                            measured{"gemini-flash", 500, 200}, measured{"reasoning", 5000, 40},
                            measured{"fast-host", 250, 1800}}) {
    INFO(m.name);
    const timing_options options = timing_preset(m.name);
    CHECK(median_ttft_ms(options) == Approx(m.median_ttft_ms).epsilon(0.05));
    CHECK(units_per_second(options) == Approx(m.tokens_per_second).epsilon(0.02));
  }
}

TEST_CASE("slow-network starts two seconds later than gpt-4o and stalls about once in a hundred units") {
  const timing_options options = timing_preset("slow-network");
  CHECK(median_ttft_ms(options) == Approx(2450).epsilon(0.05));
  CHECK(options.stalls.catch_up);
  CHECK(options.stalls.min == 1s);
  CHECK(options.stalls.max == 4s);
  // Each stall shows as a jump of at least a second, even one that starts while an
  // earlier hold lasts (a gap of 1/131 s with sigma 0.8 alone would need a factor of 131:
  // six sigmas).
  timing_options seeded = options;
  seeded.seed = 7;
  const auto offsets = plan_offsets(seeded, 100'000);
  int long_waits = 0;
  for (std::size_t i = 1; i < offsets.size(); ++i) long_waits += offsets[i] - offsets[i - 1] >= 1s ? 1 : 0;
  CHECK(long_waits > 880);  // about 1,000; three standard deviations are about 95
  CHECK(long_waits < 1120);
}

TEST_CASE("bursty presets deliver several units at once") {
  for (auto [name, burst] : {std::pair{"gemini-flash", 8u}, std::pair{"claude-sonnet", 2u}, std::pair{"gpt-4o", 1u}}) {
    INFO(name);
    timing_options options = timing_preset(name);
    CHECK(options.burst == burst);
    options.seed = 3;
    const auto offsets = plan_offsets(options, 800);
    std::size_t deliveries = 1;
    for (std::size_t i = 1; i < offsets.size(); ++i) deliveries += offsets[i] != offsets[i - 1] ? 1 : 0;
    CHECK(deliveries == 800 / burst);
  }
}

TEST_CASE("presets that claim a provider's chunk size give it in tokens too, for streams cut into tokens") {
  using sizes = std::pair<std::string_view, std::uint32_t>;
  for (auto [name, tokens] : {sizes{"gpt-4o", 1}, sizes{"claude-sonnet", 2}, sizes{"gemini-flash", 8},
                              sizes{"reasoning", 1}, sizes{"fast-host", 1}, sizes{"slow-network", 1}}) {
    INFO(name);
    const timing_options options = timing_preset(name);
    CHECK(options.tokens_per_chunk == tokens);
    // The same reading of the same observations as the burst, in the other unit.
    CHECK(options.tokens_per_chunk == options.burst);
  }
}

TEST_CASE("an unknown preset is out_of_range, and the message lists the known ones") {
  CHECK_FALSE(find_timing_preset("gpt-5").has_value());
  CHECK_FALSE(find_timing_preset("").has_value());
  CHECK_FALSE(find_timing_preset("GPT-4o").has_value());  // names are exact
  CHECK_THROWS_AS(timing_preset("gpt-5"), std::out_of_range);
  CHECK_THROWS_WITH(timing_preset("gpt-5"),
                    "trickle: unknown timing preset \"gpt-5\": use one of gpt-4o, claude-sonnet, gemini-flash, "
                    "reasoning, fast-host, slow-network");
}

TEST_CASE("a lognormal's mean is its median times e^(sigma^2 / 2)") {
  CHECK(lognormal_mean_from_median(1s, 0) == 1s);
  CHECK(lognormal_mean_from_median(1s, 1).count() == std::llround(1e6 * std::exp(0.5)));
  CHECK(lognormal_mean_from_median(450ms, 0.6).count() == std::llround(450'000 * std::exp(0.18)));
}
