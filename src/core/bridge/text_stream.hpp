// A text stream in a slot: the lesson's generator over a copy of the text JS holds, its
// chunks handed over as UTF-16 spans of that text (JS slices its own string).
//
// Made from one start command (protocol.hpp) and, when it has one, its timing block: a
// fixed delay runs on the lesson's pace, anything else on a timing plan with the command's
// seed. Its pieces are cut by the command's split mode, or given (split_given: the
// tokenizer's chunks, each costing the plan its tokens; stream/given.hpp). The failAfter option is a stage between the generator and JS: the piece that would
// come after the last one allowed arrives as the failure instead, so the lesson's generator
// stays as the lesson wrote it.
#pragma once

#include <cstdint>
#include <memory>

#include "core/bridge/bridge.hpp"
#include "core/stream/timing.hpp"

namespace trickle::bridge {

// A timing block (protocol.hpp, timing_field) as timing_options; `seed` is the command's.
timing_options timing_of(const double* block, double seed);

// Everything the stream will need, allocated now. Throws (std::bad_alloc, or
// std::invalid_argument for timing options the plan refuses), having placed nothing.
// make_text_stream runs every stream at its fixed delay and refuses a command with a timing
// block, given pieces or the grapheme split; make_timed_text_stream runs those too. (Two
// functions, so that the module createTrickle() loads, which never sends any of them,
// carries none: its grapheme split is left out at link time, see CMakeLists.txt.)
std::unique_ptr<stream> make_text_stream(host& owner, const double* command, const double* timings);
std::unique_ptr<stream> make_timed_text_stream(host& owner, const double* command, const double* timings);

}  // namespace trickle::bridge
