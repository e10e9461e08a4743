// given: a stream over pieces given explicitly instead of cut by a split mode: the
// tokenizer's chunks of an answer (each one's end in UTF-16 units, as JS indexes strings,
// and how many tokens it holds), or a recorded stream's chunks with their own arrival times.
//
// It keeps every rule of llm_stream_answer (llm_stream.hpp): t0 is the consumer's first
// next(), no piece comes early, lateness never adds up, a stop token ends the stream with
// operation_cancelled. Piece i is due at
//   on pace      t0 + (i + 1) * options.delay
//   on a plan    t0 + the plan's offset for it: each piece is one unit, costing its tokens
//                (tokens_per_second) or its UTF-16 length with the suffix's
//                (chars_per_second); bursts as timing.hpp says
//   at offsets   t0 + offsets[i], whatever the pace or the plan would say (a recorded
//                stream replayed with its own timing)
// Each chunk is a view into the stream's own copy of the text, with its UTF-16 span, and
// the suffix after it, as llm_stream_answer gives them; options.split is not used.
//
// The pieces are checked, and their offsets computed, when the stream is made (check_given
// says what is refused); a refusal surfaces at the first next() as std::invalid_argument,
// like refused timing options. The stream then holds its text, the ends and one offset per
// piece: 12 bytes a piece, the same for every schedule (so one coroutine serves them all).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/runtime/async_generator.hpp"
#include "core/runtime/cancellation.hpp"
#include "core/runtime/scheduler.hpp"
#include "core/stream/llm_stream.hpp"
#include "core/stream/timing.hpp"

namespace trickle {

struct given_pieces {
  std::vector<std::uint32_t> ends;    // each piece's end in the text, in UTF-16 units
  std::vector<std::uint32_t> tokens;  // the tokens each piece holds; empty: one each
  std::vector<duration> offsets;      // each piece's arrival after t0; empty: pace or plan
};

// Throws std::invalid_argument naming the first problem: ends that are not increasing, fall
// inside a surrogate pair or do not end exactly at the text's end (boundaries.hpp; empty
// text takes no ends); token counts or offsets that are not one per piece; offsets that are
// negative, decrease, or pass timing_plan::max_offset.
void check_given(std::string_view text, const given_pieces& given);

// The total of the pieces' tokens (one each when none are given).
std::uint64_t given_tokens(const given_pieces& given) noexcept;

async_generator<chunk> llm_stream_given(scheduler& sched, std::string text, given_pieces given,
                                        stream_options options = {}, stop_token stop = {});
async_generator<chunk> llm_stream_given(scheduler& sched, std::string text, given_pieces given,
                                        stream_options options, timing_options timing, stop_token stop = {});

// When llm_stream_given delivers each piece, as offsets from t0, computed without
// streaming; std::invalid_argument at once for refused pieces or options. On a plan: equal
// to the stream's own when timing.seed is set.
std::vector<duration> plan_given_offsets(std::string_view text, const given_pieces& given,
                                         const stream_options& options);
std::vector<duration> plan_given_offsets(std::string_view text, const given_pieces& given,
                                         const stream_options& options, const timing_options& timing);

}  // namespace trickle
