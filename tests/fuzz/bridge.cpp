// Fuzzes the bridge (core/bridge/) the way the JS layer drives it, on virtual time: the input
// is a script of operations on one bridge::host (start batches of text streams with random
// options and timing blocks, start answer streams in any format with random faults, pull
// awake streams, move the clock on time, late or not at all, tick, close streams at any
// moment, let time-outs pass), with a model of what each stream must have delivered.
//
// Rules checked while it runs:
//   - records: one per stream started, in command order (a refused command gets slot -1 and
//     last_error()); a record only for a live stream; "more" only when the batch is full;
//   - text streams: the spans are exactly the split's pieces of the text, in order, each at
//     or after its deadline (the fixed delay's (i + 1) * delay, or the timing plan's offsets
//     for the command's seed, from the block as decoded here): never early, nothing outside
//     the text; failAfter fails at the moment the next piece is due, with its message whole;
//   - answer streams: every span inside the call's frame bytes, in order; without a fault
//     that changes bytes, the bytes are write_stream()'s (write_body()'s for a whole body)
//     for the answer with the piece counts as usage, never more of them than the pieces
//     due allow; truncate and disconnect give a prefix of them; an error fault gives a
//     stream that reads back with the error last; refused answers and timing leave nothing;
//   - time-outs: never before t0 + timeout, and, after a tick, every stream whose time-out
//     has passed has ended;
//   - no lost wake-up: while a stream sleeps, the clock holds a wake-up no later than the
//     stream's next deadline; after a tick that leaves no wake-up due, every sleeping
//     stream has delivered everything due;
//   - freeing: a stream that is done is freed in the call that says so (at(slot) is null,
//     live_streams() counts only the others); a failed, timed-out or dropped one is freed
//     by close(), which may also come at any moment before;
// and at the end, with every stream closed: live_streams() == 0, nothing scheduled, no
// wake-up requested, the burst memory released; LeakSanitizer then finds no leak.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/bridge/answers/answer_stream.hpp"
#include "core/bridge/bridge.hpp"
#include "core/bridge/protocol.hpp"
#include "core/bridge/text_stream.hpp"
#include "core/runtime/virtual_clock.hpp"
#include "core/stream/timing.hpp"
#include "core/text/split.hpp"
#include "core/wire/encoder.hpp"
#include "fuzz_support.hpp"
#include "reference_utf8.hpp"
#include "wire/wire_support.hpp"

namespace trickle::fuzzing {
namespace {

using namespace trickle::protocol;
using std::int64_t;

constexpr std::uint32_t slot_count = 12;

int64_t us_of(time_point t) { return t.time_since_epoch().count(); }

// TRICKLE_FUZZ_VERBOSE=1 when replaying an input: what each operation does, to stderr.
bool verbose() {
  static const bool on = std::getenv("TRICKLE_FUZZ_VERBOSE") != nullptr;
  return on;
}

const char* status_name(int status) {
  static constexpr const char* names[] = {"more", "pending", "done", "failed", "timed out", "dropped"};
  return status >= 0 && status < 6 ? names[status] : "?";
}

// --- Timing: a block as JS writes it, and the same options built here ------------------------

struct timing_choice {
  std::vector<double> block = std::vector<double>(timing_field_count, 0);
  timing_options options;  // from the same numbers, without the library's decoder
  bool valid = true;       // validate(options) accepted them
  std::string refusal;
};

timing_choice make_timing(FuzzedDataProvider& in, std::uint32_t seed) {
  timing_choice t;
  auto& b = t.block;
  auto& o = t.options;
  static constexpr double sigmas[] = {0, 0.1, 0.5, 1, 1.5, 2.5};
  const auto sigma = [&] { return sigmas[in.ConsumeIntegralInRange<std::size_t>(0, std::size(sigmas) - 1)]; };
  const auto kind_of = [](int code) {
    return code == jitter_uniform ? jitter_kind::uniform : code == jitter_lognormal ? jitter_kind::lognormal : jitter_kind::none;
  };
  const int64_t delay = in.ConsumeIntegralInRange<int64_t>(0, 30'000);
  b[timing_delay_us] = static_cast<double>(delay);
  o.delay = duration{delay};
  const int64_t ttft = in.ConsumeBool() ? -1 : in.ConsumeIntegralInRange<int64_t>(0, 60'000);
  b[timing_ttft_us] = static_cast<double>(ttft);
  if (ttft >= 0) o.ttft = duration{ttft};
  const int ttft_jitter = in.ConsumeIntegralInRange(0, 2);
  b[timing_ttft_jitter] = ttft_jitter;
  b[timing_ttft_sigma] = ttft_jitter == jitter_none && in.ConsumeIntegralInRange(0, 7) != 0 ? 0 : sigma();
  o.ttft_jitter = {kind_of(ttft_jitter), b[timing_ttft_sigma]};
  static constexpr double rates[] = {0, 0, 5, 50, 1000};
  b[timing_tokens_per_second] = rates[in.ConsumeIntegralInRange<std::size_t>(0, std::size(rates) - 1)];
  b[timing_chars_per_second] = in.ConsumeIntegralInRange(0, 5) == 0 ? 300 : 0;
  o.tokens_per_second = b[timing_tokens_per_second];
  o.chars_per_second = b[timing_chars_per_second];
  const int gap_jitter = in.ConsumeIntegralInRange(0, 2);
  b[timing_jitter] = gap_jitter;
  b[timing_sigma] = gap_jitter == jitter_none && in.ConsumeIntegralInRange(0, 7) != 0 ? 0 : sigma();
  o.gap_jitter = {kind_of(gap_jitter), b[timing_sigma]};
  static constexpr double probabilities[] = {0, 0, 0.2, 1};
  b[timing_stall_probability] = probabilities[in.ConsumeIntegralInRange<std::size_t>(0, std::size(probabilities) - 1)];
  o.stalls.probability = b[timing_stall_probability];
  const int64_t stall_min = in.ConsumeIntegralInRange<int64_t>(0, 20'000);
  const int64_t stall_max = in.ConsumeIntegralInRange<int64_t>(0, 20'000);
  b[timing_stall_min_us] = static_cast<double>(stall_min);
  b[timing_stall_max_us] = static_cast<double>(stall_max);
  o.stalls.min = duration{stall_min};
  o.stalls.max = duration{stall_max};
  b[timing_stall_catch_up] = in.ConsumeBool() ? 1 : 0;
  o.stalls.catch_up = b[timing_stall_catch_up] != 0;
  b[timing_burst] = in.ConsumeIntegralInRange(0, 4);
  o.burst = static_cast<std::uint32_t>(b[timing_burst]);
  o.seed = seed;
  try {
    validate(o);
  } catch (const std::invalid_argument& e) {
    t.valid = false;
    t.refusal = e.what();
  }
  return t;
}

// --- The model of each stream -----------------------------------------------------------------

struct stream_model {
  bool is_answer = false;
  int64_t t0 = 0;
  int64_t timeout_at = -1;  // absolute, microseconds; -1: none
  bool awake = false;       // its last status was "more": JS pulls it
  bool ended = false;       // failed, timed out or dropped: waits for close()
  std::vector<int64_t> due; // absolute deadline of each piece

  // Text streams.
  std::string text;
  std::uint32_t text_units = 0;  // UTF-16 length
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pieces;
  std::size_t delivered = 0;
  int64_t fail_after = -1;
  std::string fail_message;
  std::string timing_refusal;  // invalid timing: the stream may fail at once with this

  // Answer streams.
  wire::format format = wire::format::plain_text;
  wire::answer answer;            // as the stream reports it (piece counts as usage)
  std::string expected;           // its bytes without faults
  std::vector<std::size_t> frame_start;  // where the bytes due with piece j start in `expected`
  bool whole_body = false;
  bool exact = false;             // no fault changes the bytes: they are `expected`
  bool prefix_only = false;       // truncate/disconnect only: a prefix of `expected`
  bool error_only = false;        // the error fault only (streamed)
  bool disconnect = false;
  bool whole_body_error = false;
  std::string error_message;      // the error fault's, as given
  std::string received;

  // The bytes an exact answer stream may have handed over by `now`.
  std::size_t allowed_bytes(int64_t now) const {
    if (whole_body) return due.empty() || due.back() <= now ? expected.size() : 0;
    for (std::size_t j = 0; j < due.size(); ++j) {
      if (due[j] > now) return frame_start[j];
    }
    return expected.size();
  }
};

class world {
 public:
  world() = default;
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  virtual_clock clock;
  scheduler sched{clock};
  bridge::host host{sched};
  std::map<std::uint32_t, stream_model> live;
  bool text_makers_refuse_timing = false;  // the module without the timing model

  int64_t now() { return us_of(clock.now()); }

  std::optional<std::uint32_t> free_slot(FuzzedDataProvider& in) const {
    const std::uint32_t first = in.ConsumeIntegralInRange<std::uint32_t>(0, slot_count - 1);
    for (std::uint32_t i = 0; i < slot_count; ++i) {
      const std::uint32_t slot = (first + i) % slot_count;
      if (!live.count(slot)) return slot;
    }
    return std::nullopt;
  }

  // --- Reading what the host hands over ----------------------------------------------------

  // One stream's chunks and status, from a record or a pull. `frame_bytes`/`frame_size`:
  // what answer streams' spans point into (size unknown for a pull: 0).
  void deliver(std::uint32_t slot, int status, const std::uint32_t* pairs, std::uint32_t count, int limit,
               const char* frame_bytes, std::size_t frame_size, bool from_pull) {
    auto found = live.find(slot);
    FUZZ_CHECK(found != live.end(), "a record for slot %u, which holds no stream", slot);
    stream_model& s = found->second;
    FUZZ_CHECK(!s.ended, "slot %u: chunks after it ended", slot);
    FUZZ_CHECK(status >= status_more && status <= status_dropped, "slot %u: status %d", slot, status);
    FUZZ_CHECK(count <= static_cast<std::uint32_t>(limit), "slot %u: %u chunks, more than the %d asked for", slot,
               count, limit);
    FUZZ_CHECK(status != status_more || count == static_cast<std::uint32_t>(limit),
               "slot %u: status more with %u chunks of %d: the batch is not full", slot, count, limit);
    const int64_t now = this->now();
    std::uint32_t previous_end = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::uint32_t begin = pairs[2 * i], end = pairs[2 * i + 1];
      FUZZ_CHECK(begin <= end, "slot %u: span %u..%u", slot, begin, end);
      if (!s.is_answer) {
        FUZZ_CHECK(s.timing_refusal.empty(), "slot %u: a chunk from a stream whose timing was refused (%s)", slot,
                   s.timing_refusal.c_str());
        FUZZ_CHECK(s.delivered < s.pieces.size(), "slot %u: a chunk after the %zu pieces of its text", slot,
                   s.pieces.size());
        FUZZ_CHECK(end <= s.text_units, "slot %u: span %u..%u outside its text of %u UTF-16 units", slot, begin, end,
                   s.text_units);
        const auto [want_begin, want_end] = s.pieces[s.delivered];
        FUZZ_CHECK(begin == want_begin && end == want_end, "slot %u: piece %zu is %u..%u, want %u..%u", slot,
                   s.delivered, begin, end, want_begin, want_end);
        FUZZ_CHECK(now >= s.due[s.delivered], "slot %u: piece %zu at %lld us, before its deadline %lld", slot,
                   s.delivered, static_cast<long long>(now), static_cast<long long>(s.due[s.delivered]));
        FUZZ_CHECK(s.fail_after < 0 || static_cast<int64_t>(s.delivered) < s.fail_after,
                   "slot %u: piece %zu came, but failAfter is %lld", slot, s.delivered,
                   static_cast<long long>(s.fail_after));
        ++s.delivered;
      } else {
        FUZZ_CHECK(i == 0 || begin >= previous_end, "slot %u: spans overlap or go back (%u after %u)", slot, begin,
                   previous_end);
        FUZZ_CHECK(from_pull || end <= frame_size, "slot %u: span %u..%u outside the %zu frame bytes", slot, begin,
                   end, frame_size);
        s.received.append(frame_bytes + begin, end - begin);
        previous_end = end;
      }
    }
    if (s.is_answer && s.exact) {
      FUZZ_CHECK(s.expected.compare(0, s.received.size(), s.received) == 0 && s.received.size() <= s.expected.size(),
                 "slot %u (%s): the bytes so far are not the answer's frames:\n  got  %s\n  want %s", slot,
                 wire::info(s.format).name.data(), hex(s.received).c_str(), hex(s.expected).c_str());
      FUZZ_CHECK(s.received.size() <= s.allowed_bytes(now), "slot %u: %zu bytes at %lld us, only %zu are due", slot,
                 s.received.size(), static_cast<long long>(now), s.allowed_bytes(now));
    }
    if (s.is_answer && s.prefix_only) {
      FUZZ_CHECK(s.expected.compare(0, s.received.size(), s.received) == 0 && s.received.size() <= s.expected.size(),
                 "slot %u (%s): a truncated or dropped stream that is not a prefix of the frames", slot,
                 wire::info(s.format).name.data());
      FUZZ_CHECK(s.received.size() <= s.allowed_bytes(now), "slot %u: %zu bytes at %lld us, only %zu are due", slot,
                 s.received.size(), static_cast<long long>(now), s.allowed_bytes(now));
    }
    s.awake = status == status_more;
    switch (status) {
      case status_more:
      case status_pending: return;
      case status_done: on_done(slot, s); return;
      case status_failed: on_failed(slot, s); break;
      case status_timed_out:
        FUZZ_CHECK(s.timeout_at >= 0 && now >= s.timeout_at, "slot %u: timed out at %lld us, its time-out is %lld",
                   slot, static_cast<long long>(now), static_cast<long long>(s.timeout_at));
        FUZZ_CHECK(count == 0, "slot %u: chunks with the time-out", slot);
        break;
      case status_dropped:
        FUZZ_CHECK(s.is_answer && s.disconnect, "slot %u: dropped without the disconnect fault", slot);
        break;
    }
    s.ended = true;
    FUZZ_CHECK(host.at(slot) != nullptr, "slot %u: freed before JS read its end (%s)", slot, status_name(status));
  }

  void on_done(std::uint32_t slot, stream_model& s) {
    FUZZ_CHECK(host.at(slot) == nullptr, "slot %u: done but not freed", slot);
    if (!s.is_answer) {
      FUZZ_CHECK(s.delivered == s.pieces.size(), "slot %u: done after %zu of %zu pieces", slot, s.delivered,
                 s.pieces.size());
      FUZZ_CHECK(s.fail_after < 0 || s.fail_after >= static_cast<int64_t>(s.pieces.size()),
                 "slot %u: done, but failAfter %lld should have failed it", slot, static_cast<long long>(s.fail_after));
      FUZZ_CHECK(s.timing_refusal.empty(), "slot %u: done with timing the plan refuses (%s)", slot,
                 s.timing_refusal.c_str());
    } else {
      const int64_t now = this->now();
      FUZZ_CHECK(s.due.empty() || now >= s.due.back() || !s.exact,
                 "slot %u: done at %lld us before its last piece's deadline %lld", slot, static_cast<long long>(now),
                 static_cast<long long>(s.due.empty() ? 0 : s.due.back()));
      if (s.exact) {
        FUZZ_CHECK(s.received == s.expected, "slot %u (%s%s): done with bytes\n  %s\n  want %s", slot,
                   wire::info(s.format).name.data(), s.whole_body ? ", whole body" : "", hex(s.received).c_str(),
                   hex(s.expected).c_str());
      }
      if (s.error_only && s.received != s.expected && s.format != wire::format::plain_text) {
        wire_test::read_reply reply;
        try {
          reply = wire_test::read_stream(s.format, s.received);
        } catch (const std::exception& e) {
          FUZZ_CHECK(false, "slot %u (%s): a stream ended by the error fault does not read: %s\n  %s", slot,
                     wire::info(s.format).name.data(), e.what(), hex(s.received).c_str());
        }
        FUZZ_CHECK(!reply.error_message.empty() && !reply.terminated,
                   "slot %u (%s): an error fault without the format's error last", slot,
                   wire::info(s.format).name.data());
        if (!s.error_message.empty()) {
          FUZZ_CHECK(reply.error_message == reference_text_decoder(s.error_message),
                     "slot %u: the error frame says %s", slot, hex(reply.error_message).c_str());
        }
      }
    }
    live.erase(slot);
  }

  void on_failed(std::uint32_t slot, stream_model& s) {
    const std::string_view message = host.error_message(slot);
    if (!s.is_answer) {
      if (!s.timing_refusal.empty()) {
        FUZZ_CHECK(s.delivered == 0 && message == s.timing_refusal,
                   "slot %u: failed with \"%s\" after %zu pieces; the timing was refused with \"%s\"", slot,
                   std::string(message).c_str(), s.delivered, s.timing_refusal.c_str());
        return;
      }
      FUZZ_CHECK(s.fail_after >= 0 && static_cast<int64_t>(s.delivered) == s.fail_after && s.delivered < s.pieces.size(),
                 "slot %u: failed after %zu of %zu pieces, failAfter %lld", slot, s.delivered, s.pieces.size(),
                 static_cast<long long>(s.fail_after));
      FUZZ_CHECK(now() >= s.due[s.delivered], "slot %u: failed at %lld us, before piece %zu was due at %lld", slot,
                 static_cast<long long>(now()), s.delivered, static_cast<long long>(s.due[s.delivered]));
      FUZZ_CHECK(message == s.fail_message, "slot %u: failed with %s, want %s", slot, hex(message).c_str(),
                 hex(s.fail_message).c_str());
    } else {
      FUZZ_CHECK(s.whole_body_error, "slot %u (%s): failed: %s", slot, wire::info(s.format).name.data(),
                 std::string(message).c_str());
      const std::string want =
          s.error_message.empty() ? std::string("trickle: the answer failed (an error fault)") : s.error_message;
      FUZZ_CHECK(message == want, "slot %u: the whole body failed with %s, want %s", slot, hex(message).c_str(),
                 hex(want).c_str());
    }
  }

  void read_records(const bridge::records_view& view, const std::vector<std::uint32_t>* expected_slots = nullptr) {
    if (!view.words) {
      FUZZ_CHECK(!expected_slots || expected_slots->empty(), "no records for %zu streams started",
                 expected_slots->size());
      return;
    }
    const std::uint32_t* w = view.words;
    const std::uint32_t* end = w + records_header_words + w[records_words];
    FUZZ_CHECK(w[records_frame_bytes] == static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(view.frame_bytes)),
               "the records' frame bytes address differs from the view's");
    const std::size_t frame_size = host.frame_bytes().size();
    std::size_t index = 0;
    for (w += records_header_words; w < end;) {
      FUZZ_CHECK(end - w >= record_header_words, "a record's header runs past the list");
      const std::uint32_t slot = w[record_slot];
      const int status = static_cast<int>(w[record_status]);
      const std::uint32_t count = w[record_count];
      FUZZ_CHECK(static_cast<std::size_t>(end - w) >= record_header_words + 2 * std::size_t{count},
                 "slot %u's record runs past the list", slot);
      if (expected_slots) {
        FUZZ_CHECK(index < expected_slots->size() && (*expected_slots)[index] == slot,
                   "record %zu is for slot %u, not the next command's", index, slot);
      }
      deliver(slot, status, w + record_header_words, count, max_batch, view.frame_bytes, frame_size, false);
      w += record_header_words + 2 * count;
      ++index;
    }
    if (expected_slots) {
      FUZZ_CHECK(index == expected_slots->size(), "%zu records for %zu streams started", index,
                 expected_slots->size());
    }
  }

  // --- What must hold after every call ------------------------------------------------------

  void check_invariants(bool after_tick) {
    FUZZ_CHECK(host.live_streams() == live.size(), "live_streams() is %u, the model holds %zu", host.live_streams(),
               live.size());
    const int64_t now = this->now();
    const std::optional<time_point> wake = clock.requested_wake();
    const bool nothing_due = !wake || us_of(*wake) > now;
    for (auto& [slot, s] : live) {
      FUZZ_CHECK(host.at(slot) != nullptr, "slot %u is live in the model but empty in the host", slot);
      if (s.ended || s.awake) continue;
      // The stream sleeps: its next deadline (a piece, its failure, its time-out) has a
      // wake-up no later than it.
      int64_t next = s.timeout_at;
      const auto sooner = [&](int64_t t) { next = next < 0 ? t : std::min(next, t); };
      if (!s.is_answer && s.timing_refusal.empty() && s.delivered < s.pieces.size()) sooner(s.due[s.delivered]);
      if (s.is_answer && s.exact && !s.whole_body) {
        // The next piece is the last one whose frame starts where the bytes stand (a frame
        // may be empty: Gemini writes a call's arguments at its end), or a later one.
        std::optional<std::size_t> candidate;
        for (std::size_t j = 0; j < s.frame_start.size(); ++j) {
          if (s.frame_start[j] <= s.received.size()) candidate = j;
        }
        if (candidate && s.frame_start[*candidate] == s.received.size()) sooner(s.due[*candidate]);
      }
      if (next >= 0) {
        FUZZ_CHECK(wake && us_of(*wake) <= next, "slot %u sleeps until %lld us, but the wake-up is %lld", slot,
                   static_cast<long long>(next), static_cast<long long>(wake ? us_of(*wake) : -1));
      }
      if (!after_tick || !nothing_due) continue;
      // A tick ran and nothing is due now: everything due has come.
      FUZZ_CHECK(s.timeout_at < 0 || s.timeout_at > now, "slot %u: its time-out passed at %lld us, still running at %lld",
                 slot, static_cast<long long>(s.timeout_at), static_cast<long long>(now));
      if (!s.is_answer && s.timing_refusal.empty()) {
        std::size_t due_count = 0;
        while (due_count < s.due.size() && s.due[due_count] <= now) ++due_count;
        FUZZ_CHECK(s.fail_after < 0 || s.fail_after >= static_cast<int64_t>(due_count),
                   "slot %u: failAfter %lld has passed (%zu pieces due) and it has not failed", slot,
                   static_cast<long long>(s.fail_after), due_count);
        FUZZ_CHECK(s.delivered == due_count, "slot %u: %zu pieces delivered at %lld us, %zu are due", slot,
                   s.delivered, static_cast<long long>(now), due_count);
      }
      if (s.is_answer && s.exact) {
        FUZZ_CHECK(s.received.size() == s.allowed_bytes(now), "slot %u (%s): %zu bytes at %lld us, %zu are due", slot,
                   wire::info(s.format).name.data(), s.received.size(), static_cast<long long>(now),
                   s.allowed_bytes(now));
      }
    }
  }
};

// --- Operations -------------------------------------------------------------------------------

std::string text_of(FuzzedDataProvider& in) {
  static constexpr const char* words[] = {"a", "hello", " ", "  ", "\n", "\t", "你好", "😀", "e\u0301", "\u3000",
                                          "\U0001F468\u200D\U0001F469", "\xff", "\xe4\xbd", "\r\n"};
  std::string text;
  const int shape = in.ConsumeIntegralInRange(0, 15);
  if (shape == 0) {
    // Long enough to fill a batch: the record says "more" and JS pulls.
    const std::size_t count = in.ConsumeIntegralInRange<std::size_t>(max_batch - 2, max_batch + 40);
    for (std::size_t i = 0; i < count; ++i) text += "w ";
    return text;
  }
  const std::size_t pieces = in.ConsumeIntegralInRange<std::size_t>(0, 8);
  for (std::size_t i = 0; i < pieces; ++i) {
    if (in.ConsumeBool()) text += in.ConsumeRandomLengthString(6);
    else text += words[in.ConsumeIntegralInRange<std::size_t>(0, std::size(words) - 1)];
    if (in.ConsumeBool()) text += ' ';
  }
  return text;
}

void start_text_streams(world& w, FuzzedDataProvider& in) {
  const int count = in.ConsumeIntegralInRange(1, 3);
  const bool timed_maker = !w.text_makers_refuse_timing;
  // What JS lays out in wasm memory: the commands, the texts and messages they point at,
  // and the timing blocks.
  std::vector<std::string> texts, messages;
  std::vector<double> commands;
  std::vector<double> timings;
  std::vector<stream_model> models;
  std::vector<std::uint32_t> slots;
  std::vector<std::string_view> refusals_now;  // why the module refuses each stream, or empty
  texts.reserve(count);
  messages.reserve(count);
  for (int i = 0; i < count; ++i) {
    std::optional<std::uint32_t> slot = w.free_slot(in);
    for (std::uint32_t taken : slots) {
      if (slot && *slot == taken) slot.reset();
    }
    if (!slot) break;
    stream_model s;
    s.text = text_of(in);
    texts.push_back(s.text);
    const auto mode = static_cast<split_mode>(in.ConsumeIntegralInRange(0, 3));
    std::vector<double> c(start_field_count, 0);
    c[start_slot] = *slot;
    c[start_text_length] = static_cast<double>(s.text.size());
    const int64_t delay = in.ConsumeIntegralInRange<int64_t>(0, 25'000);
    c[start_delay_us] = static_cast<double>(delay);
    c[start_split] = static_cast<int>(mode);
    const int64_t timeout = in.ConsumeIntegralInRange(0, 3) == 0 ? in.ConsumeIntegralInRange<int64_t>(0, 200'000) : -1;
    c[start_timeout_us] = static_cast<double>(timeout);
    s.fail_after = in.ConsumeIntegralInRange(0, 3) == 0 ? in.ConsumeIntegralInRange<int64_t>(0, 5) : -1;
    c[start_fail_after] = static_cast<double>(s.fail_after);
    if (s.fail_after >= 0) {
      s.fail_message = in.ConsumeBool() ? std::string("lost\0connection", 15) : in.ConsumeRandomLengthString(8);
    }
    messages.push_back(s.fail_message);
    c[start_message_length] = static_cast<double>(s.fail_message.size());
    std::vector<unit_size> sizes;
    for (const piece& p : split(s.text, mode)) {
      s.pieces.emplace_back(p.utf16_begin, p.utf16_end);
      sizes.push_back(unit_size{1, p.utf16_end - p.utf16_begin});
    }
    s.text_units = reference_utf16_length(s.text);
    const std::uint32_t seed = in.ConsumeIntegral<std::uint32_t>();
    c[start_seed] = seed;
    c[start_timing] = -1;
    // The module without the timing model refuses a block, and then (it checks in this
    // order) the grapheme split, which it leaves out.
    std::string_view refusal;
    if (!timed_maker && mode == split_mode::grapheme) refusal = "trickle: this module has no grapheme split";
    if (in.ConsumeIntegralInRange(0, 2) == 0) {
      const timing_choice timing = make_timing(in, seed);
      c[start_timing] = static_cast<double>(timings.size() / timing_field_count);
      timings.insert(timings.end(), timing.block.begin(), timing.block.end());
      if (!timed_maker) refusal = "trickle: this module has no timing model";
      if (!timing.valid) s.timing_refusal = timing.refusal;
      else if (refusal.empty()) {
        for (duration offset : plan_offsets(timing.options, sizes)) s.due.push_back(offset.count());
      }
    } else {
      for (std::size_t k = 1; k <= s.pieces.size(); ++k) s.due.push_back(static_cast<int64_t>(k) * delay);
    }
    commands.insert(commands.end(), c.begin(), c.end());
    s.timeout_at = timeout;  // made absolute once the clock is read
    models.push_back(std::move(s));
    refusals_now.push_back(refusal);
    slots.push_back(*slot);
  }
  if (slots.empty()) return;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    commands[i * start_field_count + start_text_address] = static_cast<double>(reinterpret_cast<std::uintptr_t>(texts[i].data()));
    commands[i * start_field_count + start_message_address] =
        static_cast<double>(reinterpret_cast<std::uintptr_t>(messages[i].data()));
  }
  const int64_t t0 = w.now();
  const bridge::records_view view =
      w.host.start_text_streams(commands.data(), static_cast<int>(slots.size()), timings.empty() ? nullptr : timings.data(),
                                timed_maker ? bridge::make_timed_text_stream : bridge::make_text_stream);
  // The bridge copied the texts and messages: JS's memory may change at once.
  for (std::string& t : texts) std::fill(t.begin(), t.end(), 'X');
  for (std::string& m : messages) std::fill(m.begin(), m.end(), 'Y');
  std::vector<std::uint32_t> started;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const double slot_field = commands[i * start_field_count + start_slot];
    if (!refusals_now[i].empty()) {
      // The host keeps the last refusal's message, which may be another stream's of this batch.
      const std::string_view said = w.host.last_error();
      FUZZ_CHECK(slot_field == -1 && std::find(refusals_now.begin(), refusals_now.end(), said) != refusals_now.end(),
                 "a stream the module without the timing model cannot run was not refused with \"%s\" (slot field %g, \"%s\")",
                 std::string(refusals_now[i]).c_str(), slot_field, std::string(said).c_str());
      continue;
    }
    // Timing the plan refuses: refused at the start (text_stream.hpp) or failed at the
    // first next() with the same message (llm_stream.hpp); either way, said clearly.
    if (slot_field == -1) {
      FUZZ_CHECK(!models[i].timing_refusal.empty() && w.host.last_error() == models[i].timing_refusal,
                 "a command was refused: \"%s\"", std::string(w.host.last_error()).c_str());
      continue;
    }
    FUZZ_CHECK(slot_field == slots[i], "a started command's slot field changed to %g", slot_field);
    stream_model& s = models[i];
    s.t0 = t0;
    for (int64_t& d : s.due) d += t0;
    if (s.timeout_at >= 0) s.timeout_at += t0;
    w.live.emplace(slots[i], std::move(s));
    started.push_back(slots[i]);
  }
  w.read_records(view, &started);
}

std::string json_object_text(FuzzedDataProvider& in) {
  static constexpr const char* objects[] = {"{}", "{\"city\":\"Paris\"}", "{ \"a\" : [1, 2.5, true, null] }",
                                            "{\"q\":\"\\\"x\\\" \\u00e9 😀\"}", "{\n  \"n\": {\"m\": {}}\n}"};
  if (in.ConsumeIntegralInRange(0, 15) == 0) return "[1]";  // not an object: refused
  return objects[in.ConsumeIntegralInRange<std::size_t>(0, std::size(objects) - 1)];
}

void start_answer_stream(world& w, FuzzedDataProvider& in) {
  const std::optional<std::uint32_t> slot = w.free_slot(in);
  if (!slot) return;
  bridge::answer_spec spec;
  spec.slot = *slot;
  spec.format = wire::all_formats[in.ConsumeIntegralInRange<std::size_t>(0, std::size(wire::all_formats) - 1)];
  wire::answer& a = spec.answer;
  a.text = text_of(in);
  if (in.ConsumeBool()) a.reasoning = text_of(in);
  bool valid_answer = true;
  const std::size_t calls = in.ConsumeIntegralInRange<std::size_t>(0, 2);
  for (std::size_t i = 0; i < calls; ++i) {
    wire::tool_call call{in.ConsumeBool() ? "" : "call_" + std::to_string(i), in.ConsumeIntegralInRange(0, 15) ? "f" : "",
                         json_object_text(in)};
    valid_answer = valid_answer && !call.name.empty() && call.arguments != "[1]";
    a.tool_calls.push_back(std::move(call));
  }
  a.finish = static_cast<wire::finish_reason>(in.ConsumeIntegralInRange(0, 3));
  // Now and then a long name: the opening frames alone then fill a record (with reslice),
  // where the rest must still come at once.
  a.model = in.ConsumeIntegralInRange(0, 7) == 0 ? std::string(in.ConsumeIntegralInRange(400, 1500), 'm') : "m";
  a.id = "r" + std::to_string(in.ConsumeIntegralInRange(0, 99));
  a.created = 1'700'000'000;
  a.input_tokens = in.ConsumeIntegralInRange<std::uint32_t>(0, 1000);
  a.include_usage = in.ConsumeBool();
  spec.whole_body = in.ConsumeIntegralInRange(0, 4) == 0;
  spec.split = static_cast<split_mode>(in.ConsumeIntegralInRange(0, 3));
  const std::uint32_t seed = in.ConsumeIntegral<std::uint32_t>();
  const timing_choice timing = make_timing(in, seed);
  spec.timing = bridge::timing_of(timing.block.data(), seed);  // as the bindings decode it
  const int64_t timeout = in.ConsumeIntegralInRange(0, 3) == 0 ? in.ConsumeIntegralInRange<int64_t>(0, 200'000) : -1;
  spec.timeout = duration{timeout};

  bridge::answer_faults& f = spec.faults;
  const auto fault = [&] {
    bridge::fault_point p;
    switch (in.ConsumeIntegralInRange(0, 7)) {
      case 0: p.at = in.ConsumeIntegralInRange<int64_t>(0, 6); break;
      case 1: p.probability = in.ConsumeBool() ? 0.3 : 1; break;
      default: break;
    }
    return p;
  };
  f.error = fault();
  f.error_status = in.ConsumeIntegralInRange(400, 599);
  f.error_message = in.ConsumeBool() ? std::string() : in.ConsumeRandomLengthString(8);
  f.truncate = fault();
  f.disconnect = fault();
  f.malformed = fault();
  if (in.ConsumeIntegralInRange(0, 5) == 0) {
    f.stall = unit_stall{in.ConsumeIntegralInRange<std::uint32_t>(0, 6),
                         duration{in.ConsumeIntegralInRange<int64_t>(0, 100'000)}};
  }
  f.reslice_max = in.ConsumeIntegralInRange(0, 3) == 0 ? in.ConsumeIntegralInRange<std::uint32_t>(1, 5) : 0;

  stream_model s;
  s.is_answer = true;
  s.format = spec.format;
  s.whole_body = spec.whole_body;
  s.error_message = f.error_message;
  const bool changes_bytes = f.error.set() || f.truncate.set() || f.disconnect.set() || f.malformed.set();
  s.exact = !changes_bytes;
  s.prefix_only = !f.error.set() && !f.malformed.set() && (f.truncate.set() || f.disconnect.set()) && !spec.whole_body;
  s.error_only = f.error.set() && !f.truncate.set() && !f.disconnect.set() && !f.malformed.set() && !spec.whole_body;
  s.disconnect = f.disconnect.set();
  s.whole_body_error = spec.whole_body && f.error.set();
  std::vector<wire::event> events;
  if (valid_answer && timing.valid) {
    // The answer as the stream reports it: usage counts its pieces.
    s.answer = a;
    events = wire::events_of(s.answer, spec.split);
    std::vector<unit_size> sizes;
    std::uint32_t reasoning_pieces = 0;
    for (const wire::event& e : events) {
      if (e.kind != wire::event_kind::reasoning && e.kind != wire::event_kind::text &&
          e.kind != wire::event_kind::tool_arguments) {
        continue;
      }
      sizes.push_back(unit_size{1, reference_utf16_length(e.piece)});
      reasoning_pieces += e.kind == wire::event_kind::reasoning;
    }
    s.answer.output_tokens = static_cast<std::uint32_t>(sizes.size());
    s.answer.reasoning_tokens = reasoning_pieces;
    events = wire::events_of(s.answer, spec.split);  // views into the model's own copy
    const std::vector<duration> offsets = plan_offsets(timing.options, sizes);
    const std::uint32_t burst = std::max<std::uint32_t>(timing.options.burst, 1);
    for (std::size_t j = 0; j < offsets.size(); ++j) {
      int64_t d = offsets[j].count();
      // A stall holds back the group it falls in and every later one.
      const std::size_t group_end = std::min(offsets.size(), (j / burst + 1) * burst);
      if (f.stall && f.stall->at < group_end) d += f.stall->length.count();
      s.due.push_back(d);
    }
    if (spec.whole_body) {
      wire::write_body(s.format, s.answer, s.expected);
    } else {
      const auto enc = wire::make_encoder(s.format, s.answer);
      // The frames that carry no piece go out with the piece after them (the opening ones at
      // the first piece's time), so piece j's bytes start where piece j - 1's frame ended.
      std::size_t after_last_piece = 0;
      for (const wire::event& e : events) {
        const bool piece = e.kind == wire::event_kind::reasoning || e.kind == wire::event_kind::text ||
                           e.kind == wire::event_kind::tool_arguments;
        if (piece) s.frame_start.push_back(after_last_piece);
        enc->write(s.expected, e);
        if (piece) after_last_piece = s.expected.size();
      }
    }
  }
  s.timeout_at = timeout;

  if (verbose()) {
    std::fprintf(stderr,
                 "answer slot %u at %lld: %s%s split %d, %zu pieces, due %lld..%lld, timeout %lld, faults: error %lld/%g "
                 "truncate %lld/%g disconnect %lld/%g malformed %lld/%g stall %d reslice %u\n",
                 *slot, static_cast<long long>(w.now()), wire::info(s.format).name.data(), s.whole_body ? " (whole body)" : "",
                 static_cast<int>(spec.split), s.due.size(), static_cast<long long>(s.due.empty() ? -1 : s.due.front()),
                 static_cast<long long>(s.due.empty() ? -1 : s.due.back()), static_cast<long long>(timeout),
                 static_cast<long long>(f.error.at), f.error.probability, static_cast<long long>(f.truncate.at),
                 f.truncate.probability, static_cast<long long>(f.disconnect.at), f.disconnect.probability,
                 static_cast<long long>(f.malformed.at), f.malformed.probability, f.stall ? static_cast<int>(f.stall->at) : -1,
                 f.reslice_max);
  }
  const std::uint32_t live_before = w.host.live_streams();
  std::unique_ptr<bridge::stream> made;
  std::string refusal;
  try {
    made = bridge::make_answer_stream(w.host, std::move(spec));
  } catch (const std::invalid_argument& e) {
    refusal = e.what();
  }
  FUZZ_CHECK(made == nullptr || (valid_answer && timing.valid), "an answer stream was made from %s",
             !valid_answer ? "an answer the formats refuse" : "timing the plan refuses");
  if (!made) {
    FUZZ_CHECK(!(valid_answer && timing.valid), "a valid answer stream was refused: %s", refusal.c_str());
    FUZZ_CHECK(w.host.live_streams() == live_before && w.host.at(*slot) == nullptr,
               "a refused answer stream left something behind (%u live, was %u)", w.host.live_streams(), live_before);
    return;
  }
  const int64_t t0 = w.now();
  for (int64_t& d : s.due) d += t0;
  if (s.timeout_at >= 0) s.timeout_at += t0;
  s.t0 = t0;
  w.live.emplace(*slot, std::move(s));
  const std::vector<std::uint32_t> started{*slot};
  w.read_records(w.host.start_one(std::move(made)), &started);
}

void pull(world& w, FuzzedDataProvider& in) {
  std::vector<std::uint32_t> awake;
  for (const auto& [slot, s] : w.live) {
    if (s.awake && !s.ended) awake.push_back(slot);
  }
  if (awake.empty()) return;
  const std::uint32_t slot = awake[in.ConsumeIntegralInRange<std::size_t>(0, awake.size() - 1)];
  const int limit = in.ConsumeBool() ? max_batch : in.ConsumeIntegralInRange(1, max_batch);
  const int result = w.host.pull(slot, limit);
  const int status = result & ((1 << status_bits) - 1);
  const auto count = static_cast<std::uint32_t>(result >> status_bits);
  w.deliver(slot, status, w.host.pull_spans(), count, limit, w.host.pull_frame_bytes(), 0, true);
}

void close_one(world& w, FuzzedDataProvider& in) {
  if (w.live.empty()) return;
  auto it = w.live.begin();
  std::advance(it, in.ConsumeIntegralInRange<std::size_t>(0, w.live.size() - 1));
  const std::uint32_t slot = it->first;
  if (it->second.ended && it->second.timing_refusal.empty() && !it->second.is_answer) {
    (void)w.host.error_message(slot);  // JS reads the message first
  }
  w.host.close(slot);
  w.live.erase(it);
  FUZZ_CHECK(w.host.at(slot) == nullptr, "slot %u holds a stream after close()", slot);
}

void tick(world& w) {
  w.read_records(w.host.run_tick());
  w.check_invariants(true);
}

}  // namespace
}  // namespace trickle::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trickle;
  using namespace trickle::fuzzing;
  FuzzedDataProvider in(data, size);
  auto w = std::make_unique<world>();
  w->clock.set(time_point{duration{in.ConsumeIntegralInRange<std::int64_t>(0, 1'000'000)}});
  w->text_makers_refuse_timing = in.ConsumeIntegralInRange(0, 3) == 0;
  for (int step = 0; step < 200 && in.remaining_bytes() > 0; ++step) {
    switch (in.ConsumeIntegralInRange(0, 11)) {
      case 0:
      case 1: start_text_streams(*w, in); break;
      case 2:
      case 3: start_answer_stream(*w, in); break;
      case 4:
      case 5:  // on time: at the wake-up asked for
        if (const auto wake = w->clock.requested_wake(); wake && *wake > w->clock.now()) w->clock.set(*wake);
        tick(*w);
        break;
      case 6:  // late, or early: the host's timer is not exact
        w->clock.set(w->clock.now() + duration{in.ConsumeIntegralInRange<std::int64_t>(0, 40'000)});
        tick(*w);
        break;
      case 7:  // time passes with no tick yet (JS is busy)
        w->clock.set(w->clock.now() + duration{in.ConsumeIntegralInRange<std::int64_t>(0, 40'000)});
        break;
      case 8:
      case 9: pull(*w, in); break;
      case 10: close_one(*w, in); break;
      case 11: w->host.release_burst_memory(); break;
    }
    w->check_invariants(false);
  }
  // Let everything run out as JS would (pull the awake, tick at each wake-up), a bounded
  // number of turns, then close what is left.
  for (int turn = 0; turn < 100000; ++turn) {
    bool pulled = false;
    for (auto& [slot, s] : w->live) {
      if (!s.awake || s.ended) continue;
      const int result = w->host.pull(slot, max_batch);
      w->deliver(slot, result & ((1 << protocol::status_bits) - 1), w->host.pull_spans(),
                 static_cast<std::uint32_t>(result >> protocol::status_bits), max_batch, w->host.pull_frame_bytes(), 0,
                 true);
      pulled = true;
      break;  // deliver() may erase from the map
    }
    if (pulled) continue;
    const auto wake = w->clock.requested_wake();
    if (!wake) break;
    if (*wake > w->clock.now()) w->clock.set(*wake);
    tick(*w);
  }
  for (const auto& [slot, s] : w->live) {
    FUZZ_CHECK(s.ended || s.awake, "slot %u sleeps with no wake-up requested", slot);
  }
  while (!w->live.empty()) {
    const std::uint32_t slot = w->live.begin()->first;
    w->host.close(slot);
    w->live.erase(w->live.begin());
  }
  FUZZ_CHECK(w->host.live_streams() == 0, "%u streams live after every one was closed", w->host.live_streams());
  FUZZ_CHECK(w->sched.scheduled_count() == 0, "%zu timers scheduled after every stream was closed",
             w->sched.scheduled_count());
  FUZZ_CHECK(!w->clock.requested_wake(), "a wake-up is requested after every stream was closed");
  w->host.release_burst_memory();
  return 0;
}
