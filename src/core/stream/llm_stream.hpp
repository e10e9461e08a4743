// The lesson's generator, in C++: split an answer into pieces and hand them out one by one,
// each after a delay. Compare:
//
//   Python                             JS                                   C++ (below)
//   def llm_stream_answer(text):       async function* llmStream(text) {    for (piece p : split(text, ...)) {
//       for word in text.split():        for (const w of text.split(" ")) {     co_await pace.next_tick();
//           time.sleep(0.5)                await sleep(500);                    co_yield chunk{...};
//           yield word                     yield w; } }                       }
//
// The one difference on purpose: the delay is a schedule, not a sleep after each piece.
// Piece i is due at t0 + (i + 1) * delay, t0 being the consumer's first next() (the body
// starts lazily then). A consumer that falls behind finds the pieces that are already due
// waiting, like bytes in a network buffer; no piece ever comes early; lateness never adds up.
//
// Realistic timing: given timing_options, the deadlines come from a timing_plan instead
// of the delay (timing.hpp: time to first token, a rate, jitter, stalls, bursts, all from
// a seed; presets.hpp: named models). Each piece is one unit: it costs one token, or its
// length plus the suffix's in UTF-16 units (JS string length) at chars_per_second. The
// same rules hold: deadlines are offsets from t0, never early, and lateness never adds
// up. plan_stream_offsets() gives the whole list before streaming. The timing is a
// separate argument rather than a stream_options field, so that existing brace-initialised
// options stay complete; without it the stream runs on pace(delay) exactly as before.
//
// Stopping a stream: pass a stop token (its source must outlive the stream). A stop request
// wakes the pending tick at once (its timer leaves the scheduler) and the stream ends with
// operation_cancelled, which the consumer sees from next() (or poll() reports done, with
// failure() holding it). A task that consumes the stream stops it the same way when the task
// itself is cancelled, with no token of its own. Destroying the generator remains the quiet
// way to stop. The token is a parameter, not a stream_options field: it controls the stream
// rather than shaping it, and existing brace-initialised options stay complete.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/runtime/async_generator.hpp"
#include "core/runtime/scheduler.hpp"
#include "core/stream/pace.hpp"
#include "core/stream/timing.hpp"
#include "core/text/split.hpp"

namespace trickle {

// Thrown by fail_after(): a stream that breaks on purpose.
// Its message is kept whole, NUL characters included (what() stops at the first).
class simulated_failure : public std::exception {
 public:
  explicit simulated_failure(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  std::string_view message() const noexcept { return message_; }

 private:
  std::string message_;
};

struct stream_options {
  duration delay = std::chrono::milliseconds(500);  // the lesson's time.sleep(0.5)
  split_mode split = split_mode::whitespace;        // the lesson's text.split()
  std::string suffix;                               // the FastAPI snippet's word + " "
};

// One piece of the answer as it leaves the generator.
struct chunk {
  std::string_view piece;   // a view into the stream's text
  std::string_view suffix;  // stream_options::suffix, to be written after the piece
  std::uint32_t utf16_begin = 0;  // where the piece sits in the text, in UTF-16 units
  std::uint32_t utf16_end = 0;

  std::string text() const {
    std::string joined;
    joined.reserve(piece.size() + suffix.size());
    joined.append(piece).append(suffix);
    return joined;
  }
};

// Streams `text` piece by piece on `sched`. Options are checked when the body starts
// (the consumer's first next()), like a Python generator's first line:
// std::invalid_argument for a negative delay.
async_generator<chunk> llm_stream_answer(scheduler& sched, std::string text,
                                         stream_options options = {}, stop_token stop = {});

// The same on a timing plan: `options.delay` is not used (timing.delay is the fixed
// case, which runs exactly as the overload above). The plan, and its seed when timing
// has none, are fixed when the stream is created; its offsets count from the consumer's
// first next(), and invalid timing options are reported there (std::invalid_argument).
async_generator<chunk> llm_stream_answer(scheduler& sched, std::string text, stream_options options,
                                         timing_options timing, stop_token stop = {});

// The offsets from t0 at which llm_stream_answer delivers each piece of `text`, computed
// without streaming (for a caller that shows the schedule first); std::invalid_argument
// at once for invalid options. On pace: (i + 1) * delay. On a plan: equal to the stream's
// own when timing.seed is set (without one, each call draws a seed of its own).
std::vector<duration> plan_stream_offsets(std::string_view text, const stream_options& options);
std::vector<duration> plan_stream_offsets(std::string_view text, const stream_options& options,
                                          const timing_options& timing);

// The FastAPI snippet's answer to a prompt: "你提问的是: {prompt}, 我正在流式生成答案...",
// that is chat_template_before + prompt + chat_template_after. (The JS layer reads the two
// parts once and fills them itself, rather than sending every prompt through wasm.)
inline constexpr std::string_view chat_template_before = "你提问的是: ";
inline constexpr std::string_view chat_template_after = ", 我正在流式生成答案...";
std::string chat_template(std::string_view prompt);

// What chat() uses unless told otherwise: split on whitespace, " " after each word.
stream_options chat_options();

// The FastAPI snippet's generator: chat_template(prompt), split on whitespace, each word
// followed by a space.
async_generator<chunk> chat(scheduler& sched, std::string_view prompt,
                            stream_options options = chat_options(), stop_token stop = {});

// For any generator: passes the first `count` items of `source` through unchanged, then, at the moment the
// next item would have arrived, throws simulated_failure(message) instead. Ends normally if
// the source ends first. For testing how a UI handles a stream that fails half-way.
template <typename T>
async_generator<T> fail_after(async_generator<T> source, std::size_t count, std::string message) {
  for (std::size_t passed = 0; passed < count; ++passed) {
    auto* item = co_await source.next();
    if (!item) co_return;
    co_yield *item;
  }
  if (co_await source.next()) throw simulated_failure(message);
}

}  // namespace trickle
