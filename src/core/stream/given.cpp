#include "core/stream/given.hpp"

#include <cstdarg>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <utility>

#include "core/text/boundaries.hpp"
#include "core/text/utf8.hpp"

namespace trickle {

namespace {

// Refused pieces: std::invalid_argument with a message from a printf format. One call per
// refusal keeps the module small (string concatenations are inlined at every site).
[[noreturn]] void refuse(const char* format, ...) {
  char message[256];
  va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  throw std::invalid_argument(message);
}

}  // namespace

void check_given(std::string_view text, const given_pieces& given) {
  const std::size_t count = given.ends.size();
  if (!valid_utf16_ends(text, given.ends)) {
    refuse("trickle: the pieces' ends must increase, fall between characters and end at the text's end (%u UTF-16 units)",
           static_cast<unsigned>(utf16_length(text)));
  }
  if (!given.tokens.empty() && given.tokens.size() != count) {
    refuse("trickle: %zu token counts for %zu pieces: give one per piece, or none", given.tokens.size(), count);
  }
  if (given.offsets.empty()) return;
  if (given.offsets.size() != count) {
    refuse("trickle: %zu offsets for %zu pieces: give one per piece, or none", given.offsets.size(), count);
  }
  duration previous{};
  for (std::size_t i = 0; i < count; ++i) {
    const duration offset = given.offsets[i];
    if (offset < previous || offset > timing_plan::max_offset) {
      refuse("trickle: offset %zu is before the one before it, negative or too large: offsets count from t0 and "
             "never decrease", i);
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

void check_delay(duration delay) {
  if (delay < duration::zero()) throw std::invalid_argument("trickle: the delay must not be negative");
}

// Every piece's offset from t0: given, on pace (`timing` null) or on the plan.
std::vector<duration> offsets_of(const given_pieces& given, std::string_view suffix, duration delay,
                                 const timing_options* timing) {
  if (!given.offsets.empty()) return given.offsets;
  if (timing == nullptr) {
    check_delay(delay);
    std::vector<duration> offsets;
    offsets.reserve(given.ends.size());
    for (std::size_t i = 0; i < given.ends.size(); ++i) offsets.push_back(delay * static_cast<std::int64_t>(i + 1));
    return offsets;
  }
  const std::uint32_t suffix_chars = timing->chars_per_second > 0 ? utf16_length(suffix) : 0;
  std::vector<unit_size> sizes;
  sizes.reserve(given.ends.size());
  for (std::size_t i = 0; i < given.ends.size(); ++i) sizes.push_back(size_of(given, i, suffix_chars));
  return plan_offsets(*timing, sizes);
}

// One coroutine for every schedule: the offsets are computed when the stream is made (a
// plan's are the same list it would draw unit by unit, timing.hpp), so the stream keeps
// the ends and one offset per piece, and the module one coroutine. A stream whose pieces
// or options were refused rethrows why at its first next().
async_generator<chunk> given_stream(scheduler& sched, std::string text, std::vector<std::uint32_t> ends,
                                    std::vector<duration> offsets, std::string suffix, std::exception_ptr refused,
                                    stop_token stop) {
  if (refused) std::rethrow_exception(refused);
  const time_point t0 = sched.now();
  utf16_cursor cursor{text};
  piece p;
  for (std::size_t i = 0; i < ends.size(); ++i) {
    cursor.advance_to(ends[i], p);  // the ends were checked when the stream was made
    co_await sched.sleep_until(t0 + offsets[i], stop);
    co_yield chunk{p.text, suffix, p.utf16_begin, p.utf16_end};
  }
}

async_generator<chunk> make_given_stream(scheduler& sched, std::string text, given_pieces given, stream_options options,
                                         const timing_options* timing, stop_token stop) {
  std::exception_ptr refused;
  std::vector<duration> offsets;
  try {
    check_given(text, given);
    offsets = offsets_of(given, options.suffix, options.delay, timing);
  } catch (const std::invalid_argument&) {
    refused = std::current_exception();
    given.ends.clear();
  }
  return given_stream(sched, std::move(text), std::move(given.ends), std::move(offsets), std::move(options.suffix),
                      std::move(refused), stop);
}

}  // namespace

async_generator<chunk> llm_stream_given(scheduler& sched, std::string text, given_pieces given, stream_options options,
                                        stop_token stop) {
  return make_given_stream(sched, std::move(text), std::move(given), std::move(options), nullptr, stop);
}

async_generator<chunk> llm_stream_given(scheduler& sched, std::string text, given_pieces given, stream_options options,
                                        timing_options timing, stop_token stop) {
  if (!timing.seed) timing.seed = draw_seed();
  return make_given_stream(sched, std::move(text), std::move(given), std::move(options), &timing, stop);
}

std::vector<duration> plan_given_offsets(std::string_view text, const given_pieces& given,
                                         const stream_options& options) {
  check_given(text, given);
  return offsets_of(given, options.suffix, options.delay, nullptr);
}

std::vector<duration> plan_given_offsets(std::string_view text, const given_pieces& given,
                                         const stream_options& options, const timing_options& timing) {
  check_given(text, given);
  return offsets_of(given, options.suffix, options.delay, &timing);
}

}  // namespace trickle
