#include "core/stream/given.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include "core/stream/pace.hpp"
#include "core/text/boundaries.hpp"
#include "core/text/utf8.hpp"

namespace trickle {

void check_given(std::string_view text, const given_pieces& given) {
  const std::size_t count = given.ends.size();
  if (!valid_utf16_ends(text, given.ends)) {
    throw std::invalid_argument(
        "trickle: the pieces' ends must increase, fall between characters and end at the text's end (" +
        std::to_string(utf16_length(text)) + " UTF-16 units)");
  }
  if (!given.tokens.empty() && given.tokens.size() != count) {
    throw std::invalid_argument("trickle: " + std::to_string(given.tokens.size()) + " token counts for " +
                                std::to_string(count) + " pieces: give one per piece, or none");
  }
  if (given.offsets.empty()) return;
  if (given.offsets.size() != count) {
    throw std::invalid_argument("trickle: " + std::to_string(given.offsets.size()) + " offsets for " +
                                std::to_string(count) + " pieces: give one per piece, or none");
  }
  duration previous{};
  for (std::size_t i = 0; i < count; ++i) {
    const duration offset = given.offsets[i];
    if (offset < previous || offset > timing_plan::max_offset) {
      throw std::invalid_argument("trickle: offset " + std::to_string(i) +
                                  " is before the one before it, negative or too large: offsets count from "
                                  "t0 and never decrease");
    }
    previous = offset;
  }
}

std::uint64_t given_tokens(const given_pieces& given) noexcept {
  if (given.tokens.empty()) return given.ends.size();
  std::uint64_t total = 0;
  for (const std::uint32_t tokens : given.tokens) total += tokens;
  return total;
}

namespace {

// Piece i as a timing plan charges it.
unit_size size_of(const given_pieces& given, std::size_t i, std::uint32_t suffix_chars) noexcept {
  const std::uint32_t begin = i == 0 ? 0 : given.ends[i - 1];
  return unit_size{given.tokens.empty() ? 1 : given.tokens[i], given.ends[i] - begin + suffix_chars};
}

// Like llm_stream_answer's kinds of stream, each schedule has a coroutine of its own, which
// keeps only what it uses. The pieces were checked when the stream was made: the cursor
// cannot fail.
async_generator<chunk> given_on_pace(scheduler& sched, std::string text, std::vector<std::uint32_t> ends,
                                     std::string suffix, duration delay, stop_token stop) {
  pace pace{sched, delay, stop};
  utf16_cursor cursor{text};
  piece p;
  for (const std::uint32_t end : ends) {
    cursor.advance_to(end, p);
    co_await pace.next_tick();
    co_yield chunk{p.text, suffix, p.utf16_begin, p.utf16_end};
  }
}

// A group of burst() pieces comes when its last one is ready (timing.hpp).
async_generator<chunk> given_on_plan(scheduler& sched, std::string text, given_pieces given, std::string suffix,
                                     std::uint32_t suffix_chars, timing_plan plan, stop_token stop) {
  const time_point t0 = sched.now();
  utf16_cursor cursor{text};
  piece p;
  const std::size_t count = given.ends.size();
  for (std::size_t next = 0; next < count;) {
    const std::size_t group_end = std::min<std::size_t>(count, next + plan.burst());
    duration due{};
    for (std::size_t i = next; i < group_end; ++i) due = plan.next(size_of(given, i, suffix_chars));
    co_await sched.sleep_until(t0 + due, stop);
    for (; next < group_end; ++next) {
      cursor.advance_to(given.ends[next], p);
      co_yield chunk{p.text, suffix, p.utf16_begin, p.utf16_end};
    }
  }
}

async_generator<chunk> given_at_offsets(scheduler& sched, std::string text, given_pieces given, std::string suffix,
                                        stop_token stop) {
  const time_point t0 = sched.now();
  utf16_cursor cursor{text};
  piece p;
  for (std::size_t i = 0; i < given.ends.size(); ++i) {
    cursor.advance_to(given.ends[i], p);
    co_await sched.sleep_until(t0 + given.offsets[i], stop);
    co_yield chunk{p.text, suffix, p.utf16_begin, p.utf16_end};
  }
}

async_generator<chunk> refused_stream(std::exception_ptr why) {
  if (why) std::rethrow_exception(why);
  co_return;
}

// Checks what a stream is made of; the reason it is refused, if it is.
std::exception_ptr refusal(std::string_view text, const given_pieces& given, duration delay) {
  try {
    check_given(text, given);
    if (delay < duration::zero()) throw std::invalid_argument("trickle: the delay must not be negative");
  } catch (const std::invalid_argument&) {
    return std::current_exception();
  }
  return nullptr;
}

}  // namespace

async_generator<chunk> llm_stream_given(scheduler& sched, std::string text, given_pieces given, stream_options options,
                                        stop_token stop) {
  if (auto why = refusal(text, given, options.delay)) return refused_stream(why);
  if (!given.offsets.empty()) return given_at_offsets(sched, std::move(text), std::move(given), std::move(options.suffix), stop);
  return given_on_pace(sched, std::move(text), std::move(given.ends), std::move(options.suffix), options.delay, stop);
}

async_generator<chunk> llm_stream_given(scheduler& sched, std::string text, given_pieces given, stream_options options,
                                        timing_options timing, stop_token stop) {
  if (!given.offsets.empty()) return llm_stream_given(sched, std::move(text), std::move(given), std::move(options), stop);
  std::optional<timing_plan> plan;
  try {
    check_given(text, given);
    plan.emplace(timing);
  } catch (const std::invalid_argument&) {
    return refused_stream(std::current_exception());
  }
  if (is_fixed_delay(timing)) {  // pace's schedule: pace's cheaper stream
    options.delay = timing.delay;
    return given_on_pace(sched, std::move(text), std::move(given.ends), std::move(options.suffix), options.delay, stop);
  }
  const std::uint32_t suffix_chars = plan->counts_chars() ? utf16_length(options.suffix) : 0;
  return given_on_plan(sched, std::move(text), std::move(given), std::move(options.suffix), suffix_chars, *plan, stop);
}

std::vector<duration> plan_given_offsets(std::string_view text, const given_pieces& given,
                                         const stream_options& options) {
  if (auto why = refusal(text, given, options.delay)) std::rethrow_exception(why);
  if (!given.offsets.empty()) return given.offsets;
  std::vector<duration> offsets;
  offsets.reserve(given.ends.size());
  for (std::size_t i = 0; i < given.ends.size(); ++i) offsets.push_back(options.delay * static_cast<std::int64_t>(i + 1));
  return offsets;
}

std::vector<duration> plan_given_offsets(std::string_view text, const given_pieces& given,
                                         const stream_options& options, const timing_options& timing) {
  check_given(text, given);
  if (!given.offsets.empty()) return given.offsets;
  validate(timing);
  const std::uint32_t suffix_chars = timing.chars_per_second > 0 ? utf16_length(options.suffix) : 0;
  std::vector<unit_size> sizes;
  sizes.reserve(given.ends.size());
  for (std::size_t i = 0; i < given.ends.size(); ++i) sizes.push_back(size_of(given, i, suffix_chars));
  return plan_offsets(timing, sizes);
}

}  // namespace trickle
