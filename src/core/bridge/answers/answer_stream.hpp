// An answer stream in a slot: a model's answer (wire/answer.hpp) written as one API's
// streamed frames (wire/encoder.hpp), each piece's frame at the piece's deadline on a timing
// plan (stream/units.hpp), the frames' bytes handed to JS as spans of the call's frame bytes.
//
// The path of the bytes: units (the pieces of reasoning, text and tool arguments) -> plan
// (their deadlines) -> encoder (the frames) -> faults (what goes wrong on the way) -> spans.
// Frames that carry no piece (a message start, a finish, the terminator) go with the piece
// before or after them: the opening ones at t0, the closing ones right after the last piece.
//
// Faults are a stage between the frames and the bytes: the encoders know nothing of them
// but how their format spells an error. A fault strikes at a chunk (a piece) k, counted from
// 0, or at each chunk with a probability drawn from the stream's seed (the first chunk it
// strikes is the one):
//   error       at the moment chunk k would come, the format's mid-stream error instead,
//               and the end (the body itself ends cleanly)
//   truncate    chunks 0..k-1, then the body ends without the format's terminator
//   disconnect  chunks 0..k-1, then the connection drops (status_dropped: JS errors the body
//               with a network error, as fetch does)
//   malformed   chunk k's frame is cut in half, with the format's line ending: a frame no
//               parser can read (the stream goes on after it)
//   stall       no byte for a while before chunk k, then the rest (stream/units.hpp)
//   reslice     every frame's bytes handed over in pieces of 1..n bytes, drawn from the
//               seed: lines, events and UTF-8 characters cut anywhere
//
// With whole_body (a request with stream: false), the pieces keep their schedule but nothing
// is handed over until the last: then the format's whole response body, as one span.
//
// Pieces and usage: the pieces are cut by the split mode, or given (the tokenizer's chunks of
// each field, with their tokens). Each piece is one unit of the plan, costing its tokens, and
// the usage the formats report counts them: output_tokens is the sum of every piece's tokens,
// reasoning_tokens that of the reasoning's (one token per piece when cut by a split mode).
// input_tokens is the caller's. Given pieces may bring their own arrival times (offsets, a
// recorded stream replayed): then each piece comes at t0 + its offset, and the plan only
// seeds the faults.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bridge/bridge.hpp"
#include "core/stream/timing.hpp"
#include "core/stream/units.hpp"
#include "core/text/split.hpp"
#include "core/wire/answer.hpp"
#include "core/wire/encoder.hpp"

namespace trickle::bridge {

// Where a fault strikes: at chunk `at` (>= 0), or at each chunk with `probability`.
struct fault_point {
  std::int64_t at = -1;
  double probability = 0;
  bool set() const noexcept { return at >= 0 || probability > 0; }
};

struct answer_faults {
  fault_point error;
  int error_status = 500;     // picks the format's error type (429, 500, 503, 529...)
  std::string error_message;  // empty: the format's usual wording for that status
  fault_point truncate;
  fault_point disconnect;
  fault_point malformed;
  std::optional<unit_stall> stall;
  std::uint32_t reslice_max = 0;  // 0: frames whole
};

struct answer_spec {
  std::uint32_t slot = 0;
  wire::format format = wire::format::plain_text;
  wire::answer answer;
  bool whole_body = false;
  split_mode split = split_mode::whitespace;
  std::optional<wire::given_answer_pieces> given;  // set: these pieces, and split is not used
  timing_options timing;  // its seed set: the faults draw from it too
  duration timeout{-1};   // < 0: none
  answer_faults faults;
  // With given pieces: each piece's arrival after t0, every field's in stream order (a
  // recorded stream replayed with its own timing), instead of the plan's; empty: the plan.
  std::vector<duration> offsets;
};

// The stream, with everything it needs allocated. Throws std::bad_alloc, or
// std::invalid_argument for an answer the formats refuse (wire::check_answer) or timing the
// plan refuses, having placed nothing.
std::unique_ptr<stream> make_answer_stream(host& owner, answer_spec spec);

}  // namespace trickle::bridge
