#include "core/stream/timing.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace trickle {

namespace {

constexpr double max_offset_us = static_cast<double>(timing_plan::max_offset.count());

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

[[noreturn]] void reject(const std::string& message) { throw std::invalid_argument("trickle: " + message); }

void validate_jitter(const jitter& j, const char* name) {
  const std::string field = name;
  switch (j.kind) {
    case jitter_kind::none:
      if (j.sigma != 0) {
        reject(field + ".sigma is " + number(j.sigma) +
               " but its kind is none: choose uniform or lognormal, or leave sigma at 0");
      }
      return;
    case jitter_kind::uniform:
      if (!(j.sigma >= 0 && j.sigma <= 1)) {
        reject(field + ".sigma must be between 0 and 1 for uniform jitter (the largest relative " +
               "deviation: 0.2 means each gap is 80% to 120% of the mean), not " + number(j.sigma));
      }
      return;
    case jitter_kind::lognormal:
      if (!(j.sigma >= 0 && j.sigma <= 2)) {
        reject(field + ".sigma must be between 0 and 2 for lognormal jitter (the standard deviation " +
               "of the logarithm: 0.5 is a lively stream, 1 a very uneven one), not " + number(j.sigma));
      }
      return;
  }
  reject(field + ".kind is not a known kind: use none, uniform or lognormal");
}

void validate_rate(double rate, const char* name) {
  if (!(rate >= 0) || std::isinf(rate)) {
    reject(std::string(name) + " must be a finite number of units per second, or 0 to use the fixed " +
           "delay, not " + number(rate));
  }
}

double microseconds(duration d) { return static_cast<double>(d.count()); }

}  // namespace

void validate(const timing_options& options) {
  if (options.delay < duration::zero()) {
    reject("the delay must not be negative: it is the time between units (0 streams without waiting)");
  }
  if (options.ttft && *options.ttft < duration::zero()) {
    reject("ttft must not be negative: it is the time from the first next() to the first unit");
  }
  validate_jitter(options.ttft_jitter, "ttft_jitter");
  validate_rate(options.tokens_per_second, "tokens_per_second");
  validate_rate(options.chars_per_second, "chars_per_second");
  if (options.tokens_per_second > 0 && options.chars_per_second > 0) {
    reject("give tokens_per_second or chars_per_second, not both");
  }
  validate_jitter(options.gap_jitter, "jitter");
  const stall_options& stalls = options.stalls;
  if (!(stalls.probability >= 0 && stalls.probability <= 1)) {
    reject("the stall probability is per unit and must be between 0 and 1 (0.01: one unit in a " +
           std::string("hundred stalls), not ") + number(stalls.probability));
  }
  if (stalls.min < duration::zero() || stalls.max < duration::zero()) {
    reject("stall durations (min and max) must not be negative");
  }
  if (stalls.min > stalls.max) {
    reject("the shortest stall (min) is longer than the longest (max): swap them, or make them equal " +
           std::string("for stalls of one fixed length"));
  }
  if (options.burst == 0) {
    reject("burst must be at least 1: it is how many units arrive together (1: one at a time)");
  }
  if (options.tokens_per_chunk == 0) {
    reject("tokens_per_chunk must be at least 1: it is how many tokens one chunk holds (1: one token per chunk)");
  }
}

bool is_fixed_delay(const timing_options& options) noexcept {
  return !options.ttft && options.tokens_per_second == 0 && options.chars_per_second == 0 &&
         options.gap_jitter.kind == jitter_kind::none && options.stalls.probability == 0 && options.burst == 1;
}

std::uint64_t draw_seed() noexcept {
  // The clock alone could repeat (two calls within its resolution); the counter alone
  // would repeat across runs. Mixing both through splitmix64 spreads nearby inputs apart.
  static std::atomic<std::uint64_t> calls{0};
  std::uint64_t state = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  const std::uint64_t mixed_time = splitmix64(state);
  std::uint64_t counter = calls.fetch_add(1, std::memory_order_relaxed);
  return mixed_time ^ splitmix64(counter);
}

timing_plan::timing_plan(const timing_options& options) : bits_(0), seed_(0) {
  validate(options);
  seed_ = options.seed ? *options.seed : draw_seed();
  bits_ = random_bits{seed_};
  if (options.tokens_per_second > 0) {
    cost_ = cost_kind::tokens;
    base_us_ = 1e6 / options.tokens_per_second;
  } else if (options.chars_per_second > 0) {
    cost_ = cost_kind::chars;
    base_us_ = 1e6 / options.chars_per_second;
  } else {
    base_us_ = microseconds(options.delay);
  }
  // A unit can never take longer than the whole plan may: this keeps every product below
  // finite (a rate of 1e-320 per second would otherwise give an infinite base, and 0
  // tokens times infinity is not a number).
  base_us_ = std::min(base_us_, max_offset_us);
  if (options.ttft) ttft_us_ = std::min(microseconds(*options.ttft), max_offset_us);
  ttft_jitter_ = options.ttft_jitter;
  gap_jitter_ = options.gap_jitter;
  stall_probability_ = options.stalls.probability;
  stall_min_us_ = microseconds(options.stalls.min);
  stall_span_us_ = microseconds(options.stalls.max) - stall_min_us_;
  stall_catch_up_ = options.stalls.catch_up;
  burst_ = options.burst;
}

double timing_plan::draw_factor(const jitter& j) noexcept {
  switch (j.kind) {
    case jitter_kind::uniform:
      return 1.0 + j.sigma * (2.0 * bits_.unit() - 1.0);
    case jitter_kind::lognormal:
      return reproducible_exp(j.sigma * standard_normal(bits_) - 0.5 * j.sigma * j.sigma);
    case jitter_kind::none:
      break;
  }
  return 1.0;
}

duration timing_plan::next(unit_size size) noexcept {
  const bool first = units_++ == 0;
  double step = 0;
  if (first && ttft_us_ >= 0) {
    step = ttft_us_ * draw_factor(ttft_jitter_);
  } else {
    double cost = 1.0;
    if (cost_ == cost_kind::tokens) cost = static_cast<double>(size.tokens);
    if (cost_ == cost_kind::chars) cost = static_cast<double>(size.chars);
    step = cost * base_us_ * draw_factor(gap_jitter_);
  }
  double stall = 0;
  if (!first && stall_probability_ > 0 && bits_.unit() < stall_probability_) {
    stall = stall_min_us_;
    if (stall_span_us_ > 0) stall += stall_span_us_ * bits_.unit();
  }
  // The running total is kept exactly as computed and only the result is rounded, so
  // rounding errors never add up; capping the total keeps it finite and never decreasing.
  double due = 0;
  if (stall_catch_up_) {
    elapsed_us_ = std::min(elapsed_us_ + step, max_offset_us);
    if (stall > 0) held_until_us_ = std::min(std::max(held_until_us_, elapsed_us_) + stall, max_offset_us);
    due = std::max(elapsed_us_, held_until_us_);
  } else {
    elapsed_us_ = std::min(elapsed_us_ + step + stall, max_offset_us);
    due = elapsed_us_;
  }
  return duration{static_cast<std::int64_t>(due + 0.5)};  // due >= 0: truncation rounds
}

namespace {

template <typename SizeOf>
std::vector<duration> plan_groups(const timing_options& options, std::size_t count, SizeOf size_of) {
  timing_plan plan{options};
  std::vector<duration> offsets(count);
  std::size_t begin = 0;
  while (begin < count) {
    const std::size_t end = begin + std::min<std::size_t>(plan.burst(), count - begin);
    duration due{};
    for (std::size_t i = begin; i < end; ++i) due = plan.next(size_of(i));
    std::fill(offsets.begin() + static_cast<std::ptrdiff_t>(begin), offsets.begin() + static_cast<std::ptrdiff_t>(end), due);
    begin = end;
  }
  return offsets;
}

}  // namespace

std::vector<duration> plan_offsets(const timing_options& options, std::span<const unit_size> units) {
  return plan_groups(options, units.size(), [&](std::size_t i) { return units[i]; });
}

std::vector<duration> plan_offsets(const timing_options& options, std::size_t count) {
  return plan_groups(options, count, [](std::size_t) { return unit_size{}; });
}

}  // namespace trickle
