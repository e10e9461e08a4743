// The one file that knows about Emscripten: the host clock and the Embind registrations.
// It registers raw primitives only; the JS layer (src/js/) turns them into the idiomatic
// API (createTrickle, stream, chat, async iterators). protocol.hpp holds every number the
// two sides share (command fields, record layout, status codes, batch size).
//
// How a chunk travels (README, "How it works"):
//   - Streams are known on both sides by a slot: a small number JS chooses, an index into
//     an array here and there. No Embind class handle (it costs more to create than the whole
//     stream) and no lookup.
//   - A stream's first next() does not cross at once: JS queues it, and at the end of the
//     current job one startStreams() call creates and starts every queued stream, from one
//     table of start commands. 10,000 streams opened in a loop are one crossing, and they
//     share one start time, so they keep one schedule.
//   - Every call that runs streams (startStreams, runDueTimers) answers with the address of
//     one list of records (protocol.hpp). JS slices the string it already holds; no UTF-8
//     decoding.
//   - JS next() that finds its buffer empty while the stream is awake (more was due than one
//     record holds) calls pullStream(), which writes into pull_spans, a fixed array.
//   - The scheduler keeps one JS timer for all sleepers. When it fires, runDueTimers()
//     resumes every sleeper whose deadline has passed and drains every stream that became
//     ready into the records: a tick of 10,000 streams is one crossing, not 10,000.
//
// Running out of memory. Every allocation a stream needs for its whole life is made when it
// is created (its text, its coroutine frame, its room in the scheduler, the slot table, the
// list of woken streams), inside one try block: a failure there frees whatever was made and
// reports that stream as failed to start, and the instance goes on. No exception leaves
// this file: JS would see a bare number.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/runtime/clock.hpp"
#include "core/runtime/scheduler.hpp"
#include "core/stream/llm_stream.hpp"
#include "wasm/protocol.hpp"

namespace {

using namespace trickle;
using namespace trickle::protocol;

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
  // Milliseconds, rounded down to whole microseconds: never ahead of the true time.
  static time_point from_milliseconds(double ms) noexcept {
    return time_point{duration{static_cast<std::int64_t>(std::floor(ms * 1000.0))}};
  }
  std::optional<time_point> reading_;
};

host_clock js_clock;
scheduler js_scheduler{js_clock};

// pull() writes here. Fixed size and address, so JS can read it in place.
std::uint32_t pull_spans[2 * max_batch];

// A message JS reads in place: [address, byte length], so that reporting an error never
// allocates (the error may be that memory ran out) and a message may hold NUL characters.
std::uint32_t message_span[2];
// What a call that could not be completed says (a whole start batch that found no memory).
constexpr std::string_view out_of_memory_message = "trickle: the WebAssembly memory is full";
std::string_view last_error = out_of_memory_message;

double point_message_at(std::string_view message) {
  message_span[0] = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(message.data()));
  message_span[1] = static_cast<std::uint32_t>(message.size());
  return static_cast<double>(reinterpret_cast<std::uintptr_t>(message_span));
}

// The message an exception carries, without copying it.
std::string_view message_of(const std::exception_ptr& failure) noexcept {
  try {
    std::rethrow_exception(failure);
  } catch (const simulated_failure& e) {
    return e.message();
  } catch (const std::bad_alloc&) {
    return out_of_memory_message;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "trickle: unknown C++ exception";
  }
}

class native_stream;
std::vector<native_stream*> streams_by_slot;  // slot -> stream, or nullptr
std::vector<native_stream*> woken_streams;    // filled while the scheduler runs timers
std::vector<std::uint32_t> records;           // what startStreams()/runDueTimers() hand over
std::uint32_t live_stream_count = 0;
std::uint32_t timed_stream_count = 0;  // live streams with a time-out

// One stream's C++ state, in streams_by_slot[slot] from start to close.
class native_stream {
 public:
  // `text` is UTF-8 (JS writes it with TextEncoder.encodeInto, so it is well-formed).
  // timeout_us < 0 means no time-out; fail_after < 0 means no failure on purpose.
  native_stream(std::uint32_t slot, stream_options options, std::string text, double timeout_us,
                double fail_after, std::string fail_message)
      : slot_(slot),
        timeout_(static_cast<std::int64_t>(timeout_us)),
        fail_after_(fail_after < 0 ? no_failure : static_cast<std::uint64_t>(fail_after)),
        fail_message_(std::move(fail_message)) {
    generator_ = llm_stream_answer(js_scheduler, std::move(text), std::move(options));
    ++live_stream_count;
    if (timeout_ >= duration::zero()) ++timed_stream_count;
  }
  native_stream(const native_stream&) = delete;
  ~native_stream() {
    js_scheduler.cancel(timeout_timer_);
    --live_stream_count;
    if (timeout_ >= duration::zero()) --timed_stream_count;
  }

  // The consumer's first next(): the time-out starts now, like the stream's schedule, and
  // the generator runs to its first sleep (or further, with no delay).
  int start(std::vector<std::uint32_t>& out) {
    if (timeout_ >= duration::zero()) js_scheduler.schedule(timeout_timer_, js_scheduler.now() + timeout_);
    return drain_into(out);
  }

  int pull(int max_chunks) {
    js_clock.forget_reading();
    int count = 0;
    const int status = take_due(std::min(max_chunks, max_batch), [&](const chunk& c) {
      pull_spans[2 * count] = c.utf16_begin;
      pull_spans[2 * count + 1] = c.utf16_end;
      ++count;
    });
    return (count << status_bits) | status;
  }

  // Appends this stream's record to `out` (protocol.hpp); `out` has room for the largest
  // record (make_room_for_one_record), so this never allocates. Returns the status.
  int drain_into(std::vector<std::uint32_t>& out) {
    queued_for_drain_ = false;
    const std::size_t head = out.size();
    out.resize(head + record_header_words);
    out[head + record_slot] = slot_;
    std::uint32_t count = 0;
    const int status = take_due(max_batch, [&](const chunk& c) {
      out.push_back(c.utf16_begin);
      out.push_back(c.utf16_end);
      ++count;
    });
    out[head + record_status] = static_cast<std::uint32_t>(status);
    out[head + record_count] = count;
    return status;
  }

  std::string_view error_message() const noexcept {
    return failed_on_purpose_ ? std::string_view{fail_message_} : message_of(failure_);
  }
  std::uint32_t slot() const noexcept { return slot_; }

 private:
  // Lives in the same deadline heap as every sleep: a time-out costs no JS timer of its own.
  class timeout_timer final : public timer {
   public:
    explicit timeout_timer(native_stream& owner) : owner_(owner) {}
    void on_due() noexcept override { owner_.time_out(); }

   private:
    native_stream& owner_;
  };

  // Frees the generator now (its pending sleep leaves the heap with it) and tells JS.
  void time_out() noexcept {
    timed_out_ = true;
    generator_.reset();
    on_wake(this);
  }

  // Polls the generator for every piece already due, up to `limit`, handing each to
  // `take`; returns the status that ends the run.
  template <typename Take>
  int take_due(int limit, Take&& take) {
    if (timed_out_) return status_timed_out;
    for (int taken = 0; taken < limit; ++taken) {
      switch (generator_.poll(&on_wake, this)) {
        case async_generator<chunk>::poll_status::item:
          // The failAfter option: the piece that would come next arrives as the failure
          // instead. A stage between the generator and JS, so the lesson's generator stays
          // as the lesson wrote it.
          if (delivered_ == fail_after_) {
            js_scheduler.cancel(timeout_timer_);
            failed_on_purpose_ = true;
            generator_.reset();
            return status_failed;
          }
          ++delivered_;
          take(generator_.current());
          break;
        case async_generator<chunk>::poll_status::pending:
          return status_pending;
        case async_generator<chunk>::poll_status::done:
          js_scheduler.cancel(timeout_timer_);
          failure_ = generator_.failure();  // kept (not copied) until JS has read it
          generator_.reset();
          return failure_ ? status_failed : status_done;
      }
    }
    return status_more;
  }

  // Called from inside the scheduler's run: only note the stream; runDueTimers() drains
  // it once the run is over, outside any coroutine. Never allocates: room for every live
  // stream is reserved when a stream is created.
  static void on_wake(void* context) noexcept {
    auto* self = static_cast<native_stream*>(context);
    if (self->queued_for_drain_) return;
    self->queued_for_drain_ = true;
    woken_streams.push_back(self);
  }

  static constexpr std::uint64_t no_failure = ~std::uint64_t{0};

  std::uint32_t slot_;
  duration timeout_;
  std::uint64_t fail_after_;
  std::uint64_t delivered_ = 0;
  std::string fail_message_;
  bool failed_on_purpose_ = false;
  timeout_timer timeout_timer_{*this};
  bool timed_out_ = false;
  bool queued_for_drain_ = false;
  async_generator<chunk> generator_;
  std::exception_ptr failure_;
};

void close_stream(std::uint32_t slot) {
  if (slot >= streams_by_slot.size()) return;
  delete streams_by_slot[slot];
  streams_by_slot[slot] = nullptr;
}

// A stream that has just reported `done` is freed here and now, so JS need not cross again
// to close it (10,000 streams ending in one tick would be 10,000 crossings). A failed one
// waits for JS to read its message, then to close it.
int close_if_done(native_stream* stream, int status) {
  if (status == status_done) close_stream(stream->slot());
  return status;
}

// After a burst (thousands of streams), JS gives the memory back once the last of them is
// closed: the slot table, the list of woken streams and the list of records. Between ticks
// they keep their size, so a tick of 10,000 streams allocates nothing.
void release_burst_memory() {
  if (std::all_of(streams_by_slot.begin(), streams_by_slot.end(), [](native_stream* s) { return s == nullptr; })) {
    std::vector<native_stream*>().swap(streams_by_slot);
    std::vector<native_stream*>().swap(woken_streams);
    std::vector<std::uint32_t>().swap(records);
    js_scheduler.reserve_timers(0);
  }
}

// Room for one record of one chunk per stream, the usual case, in one allocation.
constexpr std::size_t usual_record_words = record_header_words + 2;

double records_address() { return static_cast<double>(reinterpret_cast<std::uintptr_t>(records.data())); }

// Starts the records list: its first word will hold the number of words that follow.
void begin_records(std::size_t expected_streams) {
  records.clear();
  records.reserve(1 + expected_streams * usual_record_words);
  records.push_back(0);
}

// Room for the largest record there is, so that draining a stream never fails half-way
// (its chunks are taken from the generator as they are written). Grows geometrically.
void make_room_for_one_record() {
  constexpr std::size_t largest = record_header_words + 2 * max_batch;
  if (records.capacity() - records.size() >= largest) return;
  records.reserve(std::max(records.size() + largest, 2 * records.capacity()));
}

double finish_records() {
  records[0] = static_cast<std::uint32_t>(records.size() - 1);
  return records_address();
}

// Everything one stream will need, allocated now; throws (having changed nothing that
// matters) when memory runs out.
native_stream* create_stream(const double* command) {
  const auto slot = static_cast<std::uint32_t>(command[start_slot]);
  if (slot >= streams_by_slot.size()) streams_by_slot.resize(slot + 1, nullptr);
  // A woken stream must find room in the list at once (on_wake cannot fail), and every
  // stream may hold a timer for its sleep, and one for its time-out if it has one.
  if (woken_streams.capacity() <= live_stream_count) {
    woken_streams.reserve(std::max<std::size_t>(live_stream_count + 1, 2 * woken_streams.capacity()));
  }
  js_scheduler.reserve_timers(live_stream_count + timed_stream_count + 2);
  stream_options options;
  options.delay = duration{static_cast<std::int64_t>(command[start_delay_us])};
  options.split = static_cast<split_mode>(static_cast<int>(command[start_split]));
  std::string fail_message;
  if (command[start_fail_after] >= 0) {
    const auto* message = reinterpret_cast<const char*>(static_cast<std::uintptr_t>(command[start_message_address]));
    fail_message.assign(message, static_cast<std::size_t>(command[start_message_length]));
  }
  const auto* text = reinterpret_cast<const char*>(static_cast<std::uintptr_t>(command[start_text_address]));
  auto stream = std::make_unique<native_stream>(
      slot, std::move(options), std::string(text, static_cast<std::size_t>(command[start_text_length])),
      command[start_timeout_us], command[start_fail_after], std::move(fail_message));
  streams_by_slot[slot] = stream.get();
  return stream.release();
}

// Creates and starts `count` streams from the commands at `table_address`, all at
// `now_ms`: the time JS began to write the table, after every one of their first next()
// calls. Returns the address of the records: one per stream started, in the order of the
// commands. A stream that could not be created gets no record: its command's slot field
// is set to -1 (written into JS's own table, which needs no memory) and lastError() says
// why. Returns 0 when not even the records list found memory: then no stream started.
double start_streams(std::uintptr_t table_address, int count, double now_ms) {
  try {
    begin_records(static_cast<std::size_t>(count));
  } catch (...) {
    last_error = out_of_memory_message;
    return 0;
  }
  js_clock.use_reading(now_ms);
  auto* command = reinterpret_cast<double*>(table_address);
  for (int i = 0; i < count; ++i, command += start_field_count) {
    native_stream* stream = nullptr;
    try {
      stream = create_stream(command);
      make_room_for_one_record();
    } catch (...) {
      if (stream) close_stream(stream->slot());
      last_error = message_of(std::current_exception());
      command[start_slot] = -1;
      continue;
    }
    close_if_done(stream, stream->start(records));
  }
  return finish_records();
}

// Returns the address of the records (0 when no stream woke). A stream whose record could
// not be written (the list could not grow) stays in the woken list for the next call, and
// an immediate wake-up is asked for: nothing is lost.
double run_timer_tick() {
  js_clock.forget_reading();
  js_scheduler.run_due();
  if (woken_streams.empty()) return 0;
  std::size_t drained = 0;
  try {
    begin_records(woken_streams.size());
    for (; drained < woken_streams.size(); ++drained) {
      make_room_for_one_record();
      native_stream* stream = woken_streams[drained];
      close_if_done(stream, stream->drain_into(records));
    }
    woken_streams.clear();
  } catch (...) {
    woken_streams.erase(woken_streams.begin(), woken_streams.begin() + static_cast<std::ptrdiff_t>(drained));
    js_clock.request_wake(js_clock.now());
    if (records.empty()) return 0;
  }
  return finish_records();
}

double pull_spans_address() { return static_cast<double>(reinterpret_cast<std::uintptr_t>(pull_spans)); }

double heap_bytes_in_use() { return static_cast<double>(mallinfo().uordblks); }

native_stream* stream_at(std::uint32_t slot) { return slot < streams_by_slot.size() ? streams_by_slot[slot] : nullptr; }

// Every constant of protocol.hpp, by name, for the JS layer to read and check at load.
emscripten::val protocol_constants() {
  emscripten::val layout = emscripten::val::object();
  const auto set = [&](const char* name, int value) { layout.set(name, value); };
  set("startSlot", start_slot);
  set("startTextAddress", start_text_address);
  set("startTextLength", start_text_length);
  set("startDelayUs", start_delay_us);
  set("startSplit", start_split);
  set("startTimeoutUs", start_timeout_us);
  set("startFailAfter", start_fail_after);
  set("startMessageAddress", start_message_address);
  set("startMessageLength", start_message_length);
  set("startFieldCount", start_field_count);
  set("splitWhitespace", split_whitespace);
  set("splitSpace", split_space);
  set("splitChar", split_char);
  set("splitGrapheme", split_grapheme);
  set("recordSlot", record_slot);
  set("recordStatus", record_status);
  set("recordCount", record_count);
  set("recordHeaderWords", record_header_words);
  set("statusMore", status_more);
  set("statusPending", status_pending);
  set("statusDone", status_done);
  set("statusFailed", status_failed);
  set("statusTimedOut", status_timed_out);
  set("statusBits", status_bits);
  set("maxBatch", max_batch);
  return layout;
}

}  // namespace

EMSCRIPTEN_BINDINGS(trickle) {
  using namespace emscripten;
  function("protocol", &protocol_constants);
  // Streams, known to JS by slot.
  function("startStreams", &start_streams);
  function("pullStream", +[](std::uint32_t slot, int max_chunks) {
    native_stream* stream = stream_at(slot);
    const int result = stream->pull(max_chunks);
    close_if_done(stream, result & ((1 << status_bits) - 1));
    return result;
  });
  function("streamErrorMessage", +[](std::uint32_t slot) {
    native_stream* stream = stream_at(slot);
    return point_message_at(stream ? stream->error_message() : last_error);
  });
  function("lastError", +[]() { return point_message_at(last_error); });
  function("closeStream", &close_stream);
  function("pullSpansAddress", &pull_spans_address);
  function("releaseBurstMemory", &release_burst_memory);
  // Time.
  function("runDueTimers", &run_timer_tick);
  // Text and numbers.
  function("chatTemplateParts", +[]() {
    val parts = val::array();
    parts.call<void>("push", std::string(chat_template_before), std::string(chat_template_after));
    return parts;
  });
  function("heapBytesInUse", &heap_bytes_in_use);
  function("liveStreamCount", +[]() { return live_stream_count; });
  function("scheduledTimerCount", +[]() { return static_cast<std::uint32_t>(js_scheduler.scheduled_count()); });
}
