// The JS <-> wasm protocol: every number both sides must agree on, written once, here.
//
// src/wasm/bindings.cpp registers each of these with Embind (protocol() returns them as one
// object), and the JS bridge (src/js/stream/native.mjs) reads them at load, checks that every
// name it needs is there and is a whole number, and uses them by name. Nothing is copied by
// hand into JS: a field added or moved here reaches JS with the next build, and JS from
// another build is refused at load with a message that says so.
//
// Start commands (JS -> wasm). A stream's first next() does not cross at once: at the end of
// the job, JS writes one command per stream into a table of doubles in wasm memory (every
// field fits a double exactly) and calls startStreams(table, count, now_ms, timings) once.
// Streams with a timing model point into a second table, of timing blocks, which streams
// made with the same options share. A stream whose pieces are given (split_given: the
// tokenizer's chunks) points at their lists: the pieces' ends in UTF-16 units of its text
// (u32), the tokens each holds (u32) and, reserved for replaying a recorded stream with its
// own timing, each one's arrival after t0 in microseconds (f64). All are copied at once.
//
// Records (wasm -> JS). Every call that runs streams (startStreams, startAnswer,
// runDueTimers) answers with the address of one list of 32-bit words:
//   [total words that follow, address of the frame bytes] then, per stream:
//   [slot, status, count, count x (begin, end)]
// For a text stream begin/end are UTF-16 positions in its text: JS slices the string it
// already holds. For an answer stream (the wire formats) they are byte offsets into the
// frame bytes, which JS copies out. The list and the bytes stay where they are until the
// next call that runs streams.
//
// Pulls. A JS next() that finds its buffer empty while its stream is awake calls
// pullStream(slot, max), which writes up to max_batch (begin, end) pairs at the fixed
// address pullSpansAddress() (frame bytes: their address in the word before the pairs) and
// returns (count << status_bits) | status.
#pragma once

#include <cstdint>

namespace trickle::protocol {

// The fields of one start command, in order; start_field_count doubles per command.
enum start_field : int {
  start_slot,             // the slot JS chose for the stream; -1 once wasm could not start it
  start_text_address,     // UTF-8 text in wasm memory, copied out at once
  start_text_length,      // bytes
  start_delay_us,         // microseconds between pieces (no timing block)
  start_split,            // a split_code
  start_timeout_us,       // < 0: no time-out
  start_fail_after,       // < 0: never fails on purpose
  start_message_address,  // the failure's message (UTF-8), when start_fail_after >= 0
  start_message_length,   // bytes
  start_timing,           // index of the stream's timing block, < 0: none (the fixed delay)
  start_seed,             // the timing plan's seed: a whole number below 2^53
  start_piece_count,      // split_given: how many pieces (0 for empty text)
  start_piece_ends,       // split_given: address of start_piece_count u32 UTF-16 ends
  start_piece_tokens,     // split_given: address of the pieces' u32 token counts; 0: one each
  start_piece_offsets,    // split_given: address of f64 microseconds after t0; 0: pace or plan
  start_field_count,
};

// The fields of one timing block (timing.hpp's timing_options), in order.
enum timing_field : int {
  timing_delay_us,           // the gap when no rate is given
  timing_ttft_us,            // < 0: no time to first unit of its own
  timing_ttft_jitter,        // a jitter_code
  timing_ttft_sigma,
  timing_tokens_per_second,  // 0: not used
  timing_chars_per_second,   // 0: not used
  timing_jitter,             // a jitter_code, for the gaps
  timing_sigma,
  timing_stall_probability,
  timing_stall_min_us,
  timing_stall_max_us,
  timing_stall_catch_up,     // 0 or 1
  timing_burst,
  timing_tokens_per_chunk,  // read by the JS layer, which merges the tokenizer's chunks
  timing_field_count,
};

enum jitter_code : int {
  jitter_none,
  jitter_uniform,
  jitter_lognormal,
};

// How text is cut (the JS option `split`). split_given: as the command's piece lists say
// (the JS option split: 'tokens'). Only the full module (the one with the timing model)
// cuts by split_given or split_grapheme.
enum split_code : int {
  split_whitespace,
  split_space,
  split_char,
  split_grapheme,
  split_given,
};

// The words at the head of a list of records, and of one stream's record.
enum records_field : int {
  records_words,        // how many words follow this header
  records_frame_bytes,  // the address of the frame bytes the answer streams' spans point into
  records_header_words,
};
enum record_field : int {
  record_slot,
  record_status,
  record_count,  // (begin, end) pairs that follow
  record_header_words,
};

// Why a record or a pull ended.
enum status : int {
  status_more,       // the batch is full; more pieces may already be due
  status_pending,    // nothing more is due; a record will bring the next pieces
  status_done,       // the generator finished; its C++ state is already freed
  status_failed,     // the generator threw; streamErrorMessage(slot) says what
  status_timed_out,  // its time-out passed first; the generator is already freed
  status_dropped,    // an answer stream's connection dropped on purpose (the disconnect fault)
};
constexpr int status_bits = 3;

// Most chunks handed over in one record or one pull.
constexpr int max_batch = 1024;

}  // namespace trickle::protocol
