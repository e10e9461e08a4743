// presets: named timing models taken from public measurements of real models and networks.
//
// Each preset is a distribution, not a constant: the time to the first unit is drawn from a
// lognormal whose median is the measured median, the gaps jitter around the measured rate
// (whose mean they keep), and some presets add bursts or stalls. presets.cpp records, for
// each one, the figures used, their source and its date, and which source was chosen where
// sources disagree.
//
// Guarantees:
//   - A known name gives valid options (no seed: the caller sets one or the plan draws it).
//   - The names and their figures are part of the library's behaviour: a change to a
//     figure changes every plan made from that preset, and is a change to announce.
//   - An unknown name is std::out_of_range whose message lists the known names (the JS
//     layer reports it as a RangeError).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "core/stream/timing.hpp"

namespace trickle {

// "gpt-4o", "claude-sonnet", "gemini-flash", "reasoning", "fast-host", "slow-network",
// in that order.
inline constexpr std::size_t timing_preset_count = 6;
std::span<const std::string_view, timing_preset_count> timing_preset_names() noexcept;

// The preset's options, or nothing for an unknown name.
std::optional<timing_options> find_timing_preset(std::string_view name);

// The preset's options; std::out_of_range for an unknown name.
timing_options timing_preset(std::string_view name);

// The mean of a lognormal factor's scale whose median is `median`: median * e^(sigma^2/2).
// Measurements report medians, while a timing_options ttft is the mean (its jitter keeps the
// mean; see timing.hpp). Computed with reproducible_exp, so equal on every platform.
duration lognormal_mean_from_median(duration median, double sigma) noexcept;

}  // namespace trickle
