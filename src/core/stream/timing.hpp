// timing: when each unit of an answer is due, the way a real model and network would
// deliver it, the same on every platform for a given seed.
//
// A stream's schedule is a list of deadlines, offsets from t0 (the consumer's first
// next()). pace.hpp fills it with (i + 1) * delay; a timing_plan fills it with a model:
//
//   ready(0) = ttft * F0                     time to the first unit (F0: ttft_jitter)
//   ready(i) = ready(i - 1) + gap(i) + stall(i)                             for i >= 1
//   gap(i)   = base(i) * Fi                  Fi: jitter, a factor whose mean is exactly 1
//   base(i)  = delay                         when no rate is given (the lesson's pace)
//            = cost(i) / rate                tokens_per_second: cost = the unit's tokens
//                                            chars_per_second:  cost = its characters
//   stall(i) = with probability p, a pause drawn uniformly in [min, max]; else 0
//
// Without a ttft, the first unit comes one gap after t0 like every other one
// (ready(0) = gap(0)), which with nothing else set is exactly pace: unit i at
// (i + 1) * delay. A stall only ever comes between units: the wait before the first
// one is the ttft's business.
//
// Two kinds of stall:
//   - catch_up = false (the model pauses: load, a tool call): the stall is added to the
//     running total above and every later unit moves back by it.
//   - catch_up = true (the network pauses: lost packets, a radio hand-over): the model
//     keeps generating on its own timeline ready(i) computed without this stall; the
//     network holds unit i back until ready(i) + stall, and releases whatever became
//     ready meanwhile at that moment, after which the stream is back on the model's
//     timeline. A unit's offset is then max(ready(i), the end of the latest stall).
//
// Bursts: some providers send several units in one network chunk. With burst = k, units
// are delivered in groups of k consecutive units (the last group may be smaller), all at
// the moment the group's last unit is ready. The model above is unchanged, so the rate
// stays honest; the consumer just sees fewer, larger arrivals.
//
// Tokens per chunk (a chunk's shape, not its time): when an answer is cut into tokens, how
// many a chunk holds: 1 is OpenAI's shape (one token per delta), 2 to 4 Anthropic's, more
// Gemini's. Whoever cuts the text applies it (the JS layer merges the tokenizer's chunks,
// each chunk then one unit costing its tokens); the plan never reads it. It differs from
// burst: k tokens in one chunk are one delta a client sees, k chunks in a burst are k deltas
// that arrive at one moment.
//
// Jitter, precisely (a relative spread around the mean, never a shift of the mean):
//   none       F = 1.
//   uniform    F uniform in [1 - sigma, 1 + sigma], sigma in [0, 1]: sigma is the largest
//              relative deviation; mean 1, standard deviation sigma / sqrt(3).
//   lognormal  F = exp(sigma Z - sigma^2 / 2), Z standard normal, sigma in [0, 2]: sigma is
//              the standard deviation of ln F. Subtracting sigma^2 / 2 makes E[F] = 1
//              (E[exp(sigma Z)] = exp(sigma^2 / 2)), so the mean gap stays 1 / rate and the
//              mean ttft stays ttft; the median is below the mean, by exp(-sigma^2 / 2).
//              Beyond sigma = 2 the mean is so dominated by rare huge gaps that no stream
//              of realistic length would show it, hence the limit.
//
// Guarantees:
//   - Deterministic: the same options and seed give the same offsets, bit for bit, natively
//     and in WebAssembly (random.hpp, reproducible_math.hpp). The order in which random
//     numbers are drawn is part of that contract (see timing_plan::next); a test pins it
//     with a hash of 100,000 offsets.
//   - Offsets are absolute: each one is rounded to the nearest microsecond from the exact
//     running total, so rounding never accumulates (no drift), and they never decrease.
//   - They saturate at max_offset (about 285 years) instead of overflowing, whatever the
//     options.
//   - O(1) state, no allocation per unit: a few random draws and some arithmetic.
//   - A timing_plan is a value: a copy continues exactly where the original would, and
//     a new plan from the same options and seed starts the same list again. That is how
//     a caller can show the whole schedule (plan_offsets) before streaming it.
//   - Invalid options throw std::invalid_argument from the plan's constructor (and
//     from validate()), with a message that says what to change.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/runtime/clock.hpp"
#include "core/stream/random.hpp"
#include "core/stream/reproducible_math.hpp"

namespace trickle {

enum class jitter_kind : std::uint8_t { none, uniform, lognormal };

struct jitter {
  jitter_kind kind = jitter_kind::none;
  double sigma = 0;  // see the header: uniform's half-width, or lognormal's sigma, relative
};

struct stall_options {
  double probability = 0;  // per unit after the first, in [0, 1]
  duration min{};          // each stall lasts a uniformly drawn time in [min, max]
  duration max{};
  bool catch_up = false;   // see the header: false, the model pauses; true, the network does
};

// What a unit costs at a rate: its tokens (tokens_per_second) or its characters
// (chars_per_second). Units are decided elsewhere (words, graphemes, tokens); until a
// tokenizer exists, one piece counts as one token.
struct unit_size {
  std::uint32_t tokens = 1;
  std::uint32_t chars = 1;
};

struct timing_options {
  duration delay = std::chrono::milliseconds(500);  // the gap when no rate is given
  std::optional<duration> ttft;                     // time to the first unit; see header
  jitter ttft_jitter;
  double tokens_per_second = 0;  // 0: not used. At most one of the two rates may be set.
  double chars_per_second = 0;
  jitter gap_jitter;
  stall_options stalls;
  std::uint32_t burst = 1;           // units per delivery, >= 1
  std::uint32_t tokens_per_chunk = 1;  // a token stream's chunk shape, >= 1; see the header
  std::optional<std::uint64_t> seed; // none: the plan draws one (draw_seed); plan.seed() tells
};

// Throws std::invalid_argument naming the first invalid option and what to do about it.
void validate(const timing_options& options);

// Whether the options say no more than "a unit every delay": pace's schedule, to the
// microsecond, which the streams run on the cheaper pace instead of a plan.
bool is_fixed_delay(const timing_options& options) noexcept;

// A fresh seed from the steady clock and a process-wide counter, mixed by splitmix64:
// different for every call, not reproducible (that is what a given seed is for), and not
// for secrets. Callers that want to show a plan and then stream it draw one first and put
// it in the options, so both use the same.
std::uint64_t draw_seed() noexcept;

class timing_plan {
 public:
  // Offsets saturate here: 2^53 microseconds, about 285 years, exact in a double and far
  // from overflowing when added to any clock's time.
  static constexpr duration max_offset{std::int64_t{1} << 53};

  // Validates the options (std::invalid_argument) and fixes the seed.
  explicit timing_plan(const timing_options& options);

  // When the next unit is ready, as an offset from t0, given its size. Ignores bursts:
  // with burst() > 1 the caller delivers each group at the value returned for its last
  // unit (plan_offsets and llm_stream_answer do). Random numbers are drawn in this order,
  // each only when its option is on: the ttft factor (first unit, ttft set); the gap
  // factor (every other unit; lognormal: one standard normal, which takes one random word
  // and rarely a few more; uniform: one uniform); then, for units after the first, the
  // stall's coin and, when it stalls and max > min, its length.
  duration next(unit_size size) noexcept;

  std::uint64_t seed() const noexcept { return seed_; }
  std::uint32_t burst() const noexcept { return burst_; }
  // Whether next() reads unit_size::chars (chars_per_second). Otherwise it reads tokens
  // (tokens_per_second) or nothing at all (fixed delay), and the caller need not count.
  bool counts_chars() const noexcept { return cost_ == cost_kind::chars; }
  std::uint64_t units_planned() const noexcept { return units_; }

 private:
  enum class cost_kind : std::uint8_t { fixed, tokens, chars };

  double draw_factor(const jitter& j) noexcept;

  // What every unit reads first, together: with thousands of streams each resumption
  // finds its coroutine frame out of cache, and fewer cache lines touched is time saved.
  random_bits bits_;
  double elapsed_us_ = 0;        // exact running total; offsets are rounded from it
  double base_us_ = 0;           // delay, or microseconds per token / per char
  std::uint64_t units_ = 0;
  jitter gap_jitter_;
  double stall_probability_ = 0;
  double held_until_us_ = 0;     // catch-up stalls: nothing is delivered before this
  double stall_min_us_ = 0;
  double stall_span_us_ = 0;
  double ttft_us_ = -1;          // < 0: no ttft
  jitter ttft_jitter_;
  std::uint64_t seed_;
  std::uint32_t burst_ = 1;
  cost_kind cost_ = cost_kind::fixed;
  bool stall_catch_up_ = false;
};

// The whole schedule: one offset per unit, bursts applied (every unit of a group has its
// group's offset). With a seed in the options, equal to what a stream with those options
// delivers; without one, a fresh seed is drawn (and lost: set one to compare).
std::vector<duration> plan_offsets(const timing_options& options, std::span<const unit_size> units);
// The same for `count` units of one token and one character each.
std::vector<duration> plan_offsets(const timing_options& options, std::size_t count);

}  // namespace trickle
