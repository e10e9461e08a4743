// The one file that knows about Emscripten: the host clock and the Embind registrations.
// It registers raw primitives only; the JS layer (src/js/) turns them into the idiomatic API
// (createTrickle, stream, chat, fetch, async iterators). The work is done by the portable
// bridge (src/core/bridge/), and every number the two sides share is in its protocol.hpp.
//
// Two modules are built from this file. trickle-wasm, what createTrickle() loads, streams
// text at a fixed delay: the lesson. trickle-wasm-full (TRICKLE_FULL) also runs the timing
// model (ttft, rates, jitter, stalls, presets) and writes answers in the wire formats of the
// real LLM APIs; the JS layer loads it the first time a stream or a fetch needs one of
// those, so the first load stays small and quick.
//
// No exception leaves these functions: JS would see a bare number. The bridge reports
// failures as statuses and messages, which JS reads in place (an address and a length:
// reporting an error never allocates, since the error may be that memory ran out).
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <malloc.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bridge/bridge.hpp"
#include "core/bridge/piece_spans.hpp"
#include "core/bridge/protocol.hpp"
#include "core/bridge/text_stream.hpp"
#include "core/runtime/clock.hpp"
#include "core/runtime/scheduler.hpp"
#include "core/stream/given.hpp"
#include "core/stream/llm_stream.hpp"
#include "core/stream/presets.hpp"
#include "core/stream/timing.hpp"

#ifdef TRICKLE_FULL
#include "core/bridge/answers/answer_stream.hpp"
#include "core/wire/encoder.hpp"
#endif

namespace {

using namespace trickle;
using namespace trickle::protocol;
using emscripten::val;

// Implemented by the JS layer on the module object: its clock (performance.now() or a
// manual clock) and its one timer.
EM_JS(double, js_now, (), { return Module["trickleNow"](); });
EM_JS(void, js_request_wake, (double deadline_ms), { Module["trickleRequestWake"](deadline_ms); });
EM_JS(void, js_cancel_wake, (), { Module["trickleCancelWake"](); });

// The JS layer's clock. Reads it once per call from JS and answers from that reading until
// the call returns: a tick that drains 10,000 streams would otherwise cross into JS 10,000
// times just to learn the time. A reading from earlier in the same call is never ahead of
// the true time, so nothing comes early; what falls due during a long call is served on
// the next macrotask (the JS layer wakes at once for a deadline already reached).
class host_clock final : public clock {
 public:
  time_point now() noexcept override {
    if (!reading_) reading_ = from_milliseconds(js_now());
    return *reading_;
  }
  // Called on every entry from JS that may look at the time: time has moved since.
  void forget_reading() noexcept { reading_.reset(); }
  // A reading JS took itself (at most the true time) stands for the whole call.
  void use_reading(double now_ms) noexcept { reading_ = from_milliseconds(now_ms); }
  void request_wake(time_point deadline) noexcept override {
    js_request_wake(static_cast<double>(deadline.time_since_epoch().count()) / 1000.0);
  }
  void cancel_wake() noexcept override { js_cancel_wake(); }

 private:
  // Milliseconds, rounded down to whole microseconds: never ahead of the true time. The
  // nanosecond of slack absorbs binary fractions: a manual clock set exactly to a deadline
  // of 4.3 ms reads 4.3, which times 1000 is 4299.999999999999, and the deadline of 4300 us
  // must count as reached (or the wake-up would be asked for again, for ever).
  static time_point from_milliseconds(double ms) noexcept {
    return time_point{duration{static_cast<std::int64_t>(std::floor(ms * 1000.0 + 1e-3))}};
  }
  std::optional<time_point> reading_;
};

host_clock js_clock;
scheduler js_scheduler{js_clock};
bridge::host js_host{js_scheduler};

// A message JS reads in place: [address, byte length].
std::uint32_t message_span[2];

double address_of(const void* p) { return static_cast<double>(reinterpret_cast<std::uintptr_t>(p)); }

double point_message_at(std::string_view message) {
  message_span[0] = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(message.data()));
  message_span[1] = static_cast<std::uint32_t>(message.size());
  return address_of(message_span);
}

double records_address(const bridge::records_view& records) { return records.words ? address_of(records.words) : 0; }

#ifdef TRICKLE_FULL
constexpr bridge::host::text_stream_maker text_stream_maker = &bridge::make_timed_text_stream;
#else
constexpr bridge::host::text_stream_maker text_stream_maker = &bridge::make_text_stream;
#endif

double start_streams(std::uintptr_t table_address, int count, double now_ms, std::uintptr_t timings_address) {
  js_clock.use_reading(now_ms);
  return records_address(js_host.start_text_streams(reinterpret_cast<double*>(table_address), count,
                                                    reinterpret_cast<const double*>(timings_address),
                                                    text_stream_maker));
}

double run_due_timers() {
  js_clock.forget_reading();
  return records_address(js_host.run_tick());
}

int pull_stream(std::uint32_t slot, int max_chunks) {
  js_clock.forget_reading();
  return js_host.pull(slot, max_chunks);
}

#ifdef TRICKLE_FULL
// The offsets from t0 (in milliseconds, as a view JS copies at once) at which a stream of
// `text` would deliver its pieces: what stream.plan() shows before the stream runs. With
// split_given, the pieces are the `piece_count` ends and token counts at those addresses
// (as in a start command; tokens_address 0: one each). Only in the full module: a plan is
// asked for asynchronously, and the JS layer loads the full module for it.
std::vector<double> planned;

// plan_stream's split_given case (not inlined: see read_given).
[[gnu::noinline]] std::vector<duration> plan_given(const std::string& text, const stream_options& options,
                                                   std::uintptr_t timing_address, double seed, int piece_count,
                                                   std::uintptr_t ends_address, std::uintptr_t tokens_address) {
  given_pieces given;
  const auto* ends = reinterpret_cast<const std::uint32_t*>(ends_address);
  given.ends.assign(ends, ends + piece_count);
  if (tokens_address != 0) {
    const auto* tokens = reinterpret_cast<const std::uint32_t*>(tokens_address);
    given.tokens.assign(tokens, tokens + piece_count);
  }
  if (timing_address == 0) return plan_given_offsets(text, given, options);
  return plan_given_offsets(text, given, options, bridge::timing_of(reinterpret_cast<const double*>(timing_address), seed));
}

val plan_stream(std::string text, int split, std::string suffix, std::uintptr_t timing_address, double seed,
                double delay_us, int piece_count, std::uintptr_t ends_address, std::uintptr_t tokens_address) {
  try {
    stream_options options;
    if (split != split_given) options.split = static_cast<split_mode>(split);
    options.suffix = std::move(suffix);
    options.delay = duration{static_cast<std::int64_t>(delay_us)};
    std::vector<duration> offsets;
    if (split == split_given) {
      offsets = plan_given(text, options, timing_address, seed, piece_count, ends_address, tokens_address);
    } else {
      offsets = timing_address == 0
                    ? plan_stream_offsets(text, options)
                    : plan_stream_offsets(text, options,
                                          bridge::timing_of(reinterpret_cast<const double*>(timing_address), seed));
    }
    planned.assign(offsets.size(), 0);
    for (std::size_t i = 0; i < offsets.size(); ++i) planned[i] = static_cast<double>(offsets[i].count()) / 1000.0;
    return val(emscripten::typed_memory_view(planned.size(), planned.data()));
  } catch (...) {
    return val::null();
  }
}
#endif

#ifdef TRICKLE_FULL
// Every preset's timing block (protocol.hpp's fields), in timing_preset_names()'s order,
// written when the protocol is read: the protocol gives this address, and the JS layer
// reads a block in place the first time a stream with that preset runs. Only the full
// module, which runs presets, has their figures; both protocols name them, so that the JS
// layer checks a `preset` option when the stream is made, before this module may have loaded.
double preset_blocks[timing_preset_count][timing_field_count];

void write_preset_blocks() noexcept {
  const auto jitter_code_of = [](const jitter& j) { return static_cast<double>(static_cast<int>(j.kind)); };
  for (std::size_t i = 0; i < timing_preset_count; ++i) {
    const std::optional<timing_options> preset = find_timing_preset(timing_preset_names()[i]);
    if (!preset) std::abort();  // every name has its preset
    const timing_options& t = *preset;
    double* block = preset_blocks[i];
    block[timing_delay_us] = static_cast<double>(t.delay.count());
    block[timing_ttft_us] = t.ttft ? static_cast<double>(t.ttft->count()) : -1.0;
    block[timing_ttft_jitter] = jitter_code_of(t.ttft_jitter);
    block[timing_ttft_sigma] = t.ttft_jitter.sigma;
    block[timing_tokens_per_second] = t.tokens_per_second;
    block[timing_chars_per_second] = t.chars_per_second;
    block[timing_jitter] = jitter_code_of(t.gap_jitter);
    block[timing_sigma] = t.gap_jitter.sigma;
    block[timing_stall_probability] = t.stalls.probability;
    block[timing_stall_min_us] = static_cast<double>(t.stalls.min.count());
    block[timing_stall_max_us] = static_cast<double>(t.stalls.max.count());
    block[timing_stall_catch_up] = t.stalls.catch_up ? 1.0 : 0.0;
    block[timing_burst] = static_cast<double>(t.burst);
    block[timing_tokens_per_chunk] = static_cast<double>(t.tokens_per_chunk);
  }
}
#endif

#ifdef TRICKLE_FULL
wire::finish_reason finish_named(const std::string& name) {
  if (name == "stop") return wire::finish_reason::stop;
  if (name == "length") return wire::finish_reason::length;
  if (name == "tool_calls") return wire::finish_reason::tool_calls;
  return wire::finish_reason::automatic;
}

// One field's given pieces: { ends, tokens } (typed arrays or arrays of whole numbers).
wire::given_field given_field_of(const val& v) {
  return {emscripten::convertJSArrayToNumberVector<std::uint32_t>(v["ends"]),
          emscripten::convertJSArrayToNumberVector<std::uint32_t>(v["tokens"])};
}

// An answer's given pieces (spec.given: { reasoning, text, toolArguments }), into `made`.
// Not inlined: start_answer is the module's largest function already.
[[gnu::noinline]] void read_given(const val& given, bridge::answer_spec& made) {
  wire::given_answer_pieces& pieces = made.given.emplace();
  pieces.reasoning = given_field_of(given["reasoning"]);
  pieces.text = given_field_of(given["text"]);
  const val arguments = given["toolArguments"];
  const auto count = arguments["length"].as<unsigned>();
  pieces.tool_arguments.reserve(count);
  for (unsigned i = 0; i < count; ++i) pieces.tool_arguments.push_back(given_field_of(arguments[i]));
  // A recorded stream's own times: microseconds after t0, one per piece (make_answer_stream
  // checks them). Out-of-range values become -1, which it refuses.
  const val offsets = given["offsetsUs"];
  if (offsets.isUndefined() || offsets.isNull()) return;
  for (const double us : emscripten::convertJSArrayToNumberVector<double>(offsets)) {
    made.offsets.push_back(us >= 0 && us <= 9.0e15 ? duration{static_cast<std::int64_t>(us)} : duration{-1});
  }
}

bridge::fault_point fault_point_of(const val& v) {
  bridge::fault_point point;
  if (v.isUndefined() || v.isNull()) return point;
  point.at = static_cast<std::int64_t>(v["at"].as<double>());
  point.probability = v["probability"].as<double>();
  return point;
}

// A format's content types and headers, by name (null for an unknown name).
val format_info(std::string name) {
  const std::optional<wire::format> f = wire::format_named(name);
  if (!f) return val::null();
  const wire::format_info& info = wire::info(*f);
  val out = val::object();
  out.set("name", std::string(info.name));
  out.set("streamContentType", std::string(info.stream_content_type));
  out.set("bodyContentType", std::string(info.body_content_type));
  out.set("errorContentType", std::string(info.error_content_type));
  val headers = val::array();
  for (const wire::header& h : info.stream_headers) {
    val pair = val::array();
    pair.call<void>("push", std::string(h.name), std::string(h.value));
    headers.call<void>("push", pair);
  }
  out.set("headers", headers);
  return out;
}

// The body of an HTTP error in the format's own shape; an empty message gets the format's
// usual wording for the status. null for an unknown format or a status outside 400..599.
val error_body(std::string name, int status, std::string message) {
  try {
    const std::optional<wire::format> f = wire::format_named(name);
    if (!f) return val::null();
    std::string out;
    wire::write_error_body(*f, wire::wire_error{status, message}, out);
    return val(out);
  } catch (...) {
    return val::null();
  }
}

// spec: what src/js/wire/answers.mjs builds (checked there): the answer, its format and the
// stream's options, a timing block, faults.
double start_answer(std::uint32_t slot, val spec, double now_ms) {
  try {
    bridge::answer_spec made;
    made.slot = slot;
    const std::optional<wire::format> format = wire::format_named(spec["format"].as<std::string>());
    if (!format) throw std::invalid_argument("trickle: unknown wire format");
    made.format = *format;
    wire::answer& a = made.answer;
    a.text = spec["text"].as<std::string>();
    a.reasoning = spec["reasoning"].as<std::string>();
    const val calls = spec["toolCalls"];
    const auto call_count = calls["length"].as<unsigned>();
    for (unsigned i = 0; i < call_count; ++i) {
      const val call = calls[i];
      a.tool_calls.push_back({call["id"].as<std::string>(), call["name"].as<std::string>(),
                              call["arguments"].as<std::string>()});
    }
    a.finish = finish_named(spec["finishReason"].as<std::string>());
    a.model = spec["model"].as<std::string>();
    a.id = spec["id"].as<std::string>();
    a.created = static_cast<std::int64_t>(spec["created"].as<double>());
    a.input_tokens = spec["inputTokens"].as<unsigned>();
    a.include_usage = spec["includeUsage"].as<bool>();
    made.whole_body = spec["wholeBody"].as<bool>();
    const int split = spec["split"].as<int>();
    if (split == split_given) {
      read_given(spec["given"], made);
    } else {
      made.split = static_cast<split_mode>(split);
    }
    std::vector<double> block = emscripten::convertJSArrayToNumberVector<double>(spec["timing"]);
    if (block.size() != timing_field_count) throw std::invalid_argument("trickle: a timing block of the wrong size");
    made.timing = bridge::timing_of(block.data(), spec["seed"].as<double>());
    const double timeout_us = spec["timeoutUs"].as<double>();
    made.timeout = duration{timeout_us < 0 ? -1 : static_cast<std::int64_t>(timeout_us)};
    const val faults = spec["faults"];
    made.faults.error = fault_point_of(faults["error"]);
    made.faults.error_status = faults["errorStatus"].as<int>();
    made.faults.error_message = faults["errorMessage"].as<std::string>();
    made.faults.truncate = fault_point_of(faults["truncate"]);
    made.faults.disconnect = fault_point_of(faults["disconnect"]);
    made.faults.malformed = fault_point_of(faults["malformed"]);
    const double stall_at = faults["stallAt"].as<double>();
    if (stall_at >= 0) {
      made.faults.stall = unit_stall{static_cast<std::uint32_t>(stall_at),
                                     duration{static_cast<std::int64_t>(faults["stallUs"].as<double>())}};
    }
    made.faults.reslice_max = faults["resliceMax"].as<unsigned>();
    js_clock.use_reading(now_ms);
    return records_address(js_host.start_one(bridge::make_answer_stream(js_host, std::move(made))));
  } catch (...) {
    js_host.remember_error(bridge::message_of(std::current_exception()));  // lastError() reads it
    return 0;
  }
}
#endif

// Whether `text` can stand in a JSON string as it is, with nothing to escape.
constexpr bool json_string_as_is(std::string_view text) {
  for (char c : text) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}
static_assert(json_string_as_is(chat_template_before) && json_string_as_is(chat_template_after),
              "the chat template goes into the protocol's JSON unescaped");

// Every constant of protocol.hpp, by name, for the JS layer to read and check at load: JSON
// text JS reads in place and parses, one call across (an object set property by property
// crossed into JS once for each: about 2 ms of a fresh Chromium page's start). Written into
// a static buffer, so that nothing is allocated; returns where it is, [address, length].
double protocol_constants() {
  struct named {
    const char* name;
    int value;
  };
  static constexpr named constants[] = {
      {"startSlot", start_slot},
      {"startTextAddress", start_text_address},
      {"startTextLength", start_text_length},
      {"startDelayUs", start_delay_us},
      {"startSplit", start_split},
      {"startTimeoutUs", start_timeout_us},
      {"startFailAfter", start_fail_after},
      {"startMessageAddress", start_message_address},
      {"startMessageLength", start_message_length},
      {"startTiming", start_timing},
      {"startSeed", start_seed},
      {"startPieceCount", start_piece_count},
      {"startPieceEnds", start_piece_ends},
      {"startPieceTokens", start_piece_tokens},
      {"startPieceOffsets", start_piece_offsets},
      {"startFieldCount", start_field_count},
      {"timingDelayUs", timing_delay_us},
      {"timingTtftUs", timing_ttft_us},
      {"timingTtftJitter", timing_ttft_jitter},
      {"timingTtftSigma", timing_ttft_sigma},
      {"timingTokensPerSecond", timing_tokens_per_second},
      {"timingCharsPerSecond", timing_chars_per_second},
      {"timingJitter", timing_jitter},
      {"timingSigma", timing_sigma},
      {"timingStallProbability", timing_stall_probability},
      {"timingStallMinUs", timing_stall_min_us},
      {"timingStallMaxUs", timing_stall_max_us},
      {"timingStallCatchUp", timing_stall_catch_up},
      {"timingBurst", timing_burst},
      {"timingTokensPerChunk", timing_tokens_per_chunk},
      {"timingFieldCount", timing_field_count},
      {"jitterNone", jitter_none},
      {"jitterUniform", jitter_uniform},
      {"jitterLognormal", jitter_lognormal},
      {"splitWhitespace", split_whitespace},
      {"splitSpace", split_space},
      {"splitChar", split_char},
      {"splitGrapheme", split_grapheme},
      {"splitGiven", split_given},
      {"recordsWords", records_words},
      {"recordsFrameBytes", records_frame_bytes},
      {"recordsHeaderWords", records_header_words},
      {"recordSlot", record_slot},
      {"recordStatus", record_status},
      {"recordCount", record_count},
      {"recordHeaderWords", record_header_words},
      {"statusMore", status_more},
      {"statusPending", status_pending},
      {"statusDone", status_done},
      {"statusFailed", status_failed},
      {"statusTimedOut", status_timed_out},
      {"statusDropped", status_dropped},
      {"statusBits", status_bits},
      {"maxBatch", max_batch},
  };
#ifdef TRICKLE_FULL
  constexpr std::string_view full = "\"full\":true}";
#else
  constexpr std::string_view full = "\"full\":false}";
#endif
  // Then the presets: "presetNames":[...], and in the full module "presetBlocks": where
  // their timing blocks are; and "chatTemplate": [before, after] the prompt. Every part is
  // checked against the room left for it and the end.
  static char text[2048];
  std::size_t at = 0;
  const auto put = [&](std::string_view part) {
    if (at + part.size() + full.size() >= sizeof text) std::abort();  // the protocol outgrew the buffer
    part.copy(text + at, part.size());
    at += part.size();
  };
  const auto put_number = [&](auto value) {
    char digits[24];
    const auto [end, failed] = std::to_chars(digits, digits + sizeof digits, value);
    if (failed != std::errc{}) std::abort();  // an integer always fits
    put({digits, static_cast<std::size_t>(end - digits)});
  };
  put("{");
  for (const named& c : constants) {
    put("\"");
    put(c.name);
    put("\":");
    put_number(c.value);
    put(",");
  }
  put("\"presetNames\":[");
  for (std::size_t i = 0; i < timing_preset_count; ++i) {
    put(i == 0 ? "\"" : ",\"");
    put(timing_preset_names()[i]);  // names of letters, digits and hyphens
    put("\"");
  }
  put("],");
#ifdef TRICKLE_FULL
  put("\"presetBlocks\":");
  write_preset_blocks();
  put_number(reinterpret_cast<std::uintptr_t>(preset_blocks));
  put(",");
#endif
  // chat()'s answer around the prompt: JSON strings as they are (checked above).
  put("\"chatTemplate\":[\"");
  put(chat_template_before);
  put("\",\"");
  put(chat_template_after);
  put("\"],");
  put(full);
  return point_message_at({text, at});  // UTF-8 (the chat template), read in place
}

// trickle.pieces(): one text at a time, cut where JS wrote its UTF-8.
bridge::piece_spans js_pieces;

}  // namespace

EMSCRIPTEN_BINDINGS(trickle) {
  using namespace emscripten;
  function("protocol", &protocol_constants);
  // Streams, known to JS by slot.
  function("startStreams", &start_streams);
  function("pullStream", &pull_stream);
  function("streamErrorMessage", +[](std::uint32_t slot) { return point_message_at(js_host.error_message(slot)); });
  function("lastError", +[]() { return point_message_at(js_host.last_error()); });
  function("closeStream", +[](std::uint32_t slot) { js_host.close(slot); });
  function("pullSpansAddress", +[]() { return address_of(js_host.pull_spans()); });
  function("pullFrameBytesAddress", +[]() { return address_of(js_host.pull_frame_bytes()); });
  function("releaseBurstMemory", +[]() { js_host.release_burst_memory(); });
  // Time.
  function("runDueTimers", &run_due_timers);
  // Text and numbers.
  // False: this module does not cut by `split` (only the full one cuts graphemes).
  function("piecesBegin", +[](std::uintptr_t address, std::uint32_t length, int split) {
#ifndef TRICKLE_FULL
    if (split == split_grapheme) return false;
#endif
    js_pieces.begin({reinterpret_cast<const char*>(address), length}, static_cast<split_mode>(split));
    return true;
  });
  function("piecesNext", +[](std::uintptr_t pairs, int capacity) {
    return js_pieces.next(reinterpret_cast<std::uint32_t*>(pairs), capacity);
  });
  function("heapBytesInUse", +[]() { return static_cast<double>(mallinfo().uordblks); });
  function("liveStreamCount", +[]() { return js_host.live_streams(); });
  function("scheduledTimerCount", +[]() { return static_cast<std::uint32_t>(js_scheduler.scheduled_count()); });
#ifdef TRICKLE_FULL
  function("planStream", &plan_stream);
  function("startAnswer", &start_answer);
  function("formatInfo", &format_info);
  function("errorBody", &error_body);
#endif
}
