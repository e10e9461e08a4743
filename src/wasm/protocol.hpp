// The JS <-> wasm protocol: every number both sides must agree on, written once, here.
//
// bindings.cpp registers each of these with Embind (protocol() returns them as one object),
// and the JS bridge (src/js/stream/native.mjs) reads them at load, checks that every name
// it needs is there and is a whole number, and uses them by name. Nothing is copied by hand
// into JS: a field added or moved here reaches JS with the next build, and JS from another
// build is refused at load with a message that says so.
//
// Start commands (JS -> wasm). A stream's first next() does not cross at once: at the end of
// the job, JS writes one command per stream into a table of doubles in wasm memory (every
// field fits a double exactly) and calls startStreams(table, count, now_ms) once.
//
// Records (wasm -> JS). Every call that runs streams (startStreams, runDueTimers) answers
// with the address of one list of 32-bit words:
//   [total words that follow] then, per stream: [slot, status, count, count x (begin, end)]
// begin/end are UTF-16 positions in the stream's text: JS slices the string it already
// holds. The list stays where it is until the next call that runs streams.
//
// Pulls. A JS next() that finds its buffer empty while its stream is awake calls
// pullStream(slot, max), which writes up to max_batch (begin, end) pairs at the fixed
// address pullSpansAddress() and returns (count << status_bits) | status.
#pragma once

#include <cstdint>

namespace trickle::protocol {

// The fields of one start command, in order; start_field_count doubles per command.
enum start_field : int {
  start_slot,             // the slot JS chose for the stream
  start_text_address,     // UTF-8 text in wasm memory, copied out at once
  start_text_length,      // bytes
  start_delay_us,         // microseconds between pieces
  start_split,            // a split_code
  start_timeout_us,       // < 0: no time-out
  start_fail_after,       // < 0: never fails on purpose
  start_message_address,  // the failure's message (UTF-8), when start_fail_after >= 0
  start_message_length,   // bytes
  start_field_count,
};

// How text is cut (the JS option `split`).
enum split_code : int {
  split_whitespace,
  split_space,
  split_char,
  split_grapheme,
};

// The words at the head of one stream's record.
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
};
constexpr int status_bits = 3;

// Most chunks handed over in one record or one pull.
constexpr int max_batch = 1024;

}  // namespace trickle::protocol
