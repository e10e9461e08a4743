// The one file that knows about Emscripten: the JS event-loop clock and the Embind
// registrations. It registers raw primitives only; trickle.mjs turns them into the
// idiomatic JS API (createTrickle, stream, chat, async iterators).
//
// How a chunk travels (README, "How it works"):
//   - Streams are known on both sides by a slot: a small number JS chooses, an index into
//     an array here and there. No Embind class handle (it costs more to create than the whole
//     stream) and no lookup.
//   - A stream's first next() does not cross at once: JS queues it, and at the end of the
//     current job one startStreams() call creates and starts every queued stream, from one
//     table of start commands. 10,000 streams opened in a loop are one crossing, and they
//     share one start time, so they keep one schedule.
//   - Every call that runs streams (startStreams, runDueTimers) answers with one list of
//     records: slot, status, count, then count UTF-16 [begin, end) spans. JS slices the
//     string it already holds; no UTF-8 decoding.
//   - JS next() that finds its buffer empty while the stream is awake (more was due than one
//     record holds) calls pullStream(), which writes into pull_spans, a fixed array.
//   - The scheduler keeps one JS timer for all sleepers. When it fires, runDueTimers()
//     resumes every sleeper whose deadline has passed and drains every stream that became
//     ready into the records: a tick of 10,000 streams is one crossing, not 10,000.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/stream/llm_stream.hpp"

namespace {

using namespace trickle;

// Implemented by trickle.mjs on the module object (one setTimeout, re-armed as needed).
EM_JS(void, js_request_wake, (double deadline_ms), { Module["trickleRequestWake"](deadline_ms); });
EM_JS(void, js_cancel_wake, (), { Module["trickleCancelWake"](); });

// Reads performance.now() once per call from JS and answers from that reading until the
// call returns: a tick that drains 10,000 streams would otherwise cross into JS 10,000
// times just to learn the time. A reading from earlier in the same call is never ahead of
// the true time, so nothing comes early; what falls due during a long call is served on
// the next macrotask (trickle.mjs wakes at once for a deadline already reached).
class event_loop_clock final : public clock {
 public:
  time_point now() noexcept override {
    if (!reading_) reading_ = from_milliseconds(emscripten_get_now());
    return *reading_;
  }
  // Called on every entry from JS that may look at the time: time has moved since.
  void forget_reading() noexcept { reading_.reset(); }
  // A reading JS took itself (performance.now(), at most the true time) stands for the
  // whole call.
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

event_loop_clock js_clock;
scheduler js_scheduler{js_clock};

// pull() writes here. Fixed size and address, so JS can read it in place.
constexpr int max_batch = 1024;
std::uint32_t pull_spans[2 * max_batch];

class native_stream;
std::vector<native_stream*> streams_by_slot;  // slot -> stream, or nullptr
std::vector<native_stream*> woken_streams;    // filled while the scheduler runs timers
std::vector<std::uint32_t> records;           // what startStreams()/runDueTimers() hand over
std::uint32_t live_stream_count = 0;

// pull() returns (chunk count << status_bits) | status; records carry the status as is.
enum pull_status : int {
  more = 0,       // the batch is full; more pieces may already be due
  pending = 1,    // nothing more is due; a tick record will bring the next pieces
  done = 2,       // the generator finished
  failed = 3,     // the generator threw; streamErrorMessage() says what
  timed_out = 4,  // its time-out passed before it finished; the generator is already freed
};
constexpr int status_bits = 3;

std::string describe(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "trickle: unknown C++ exception";
  }
}

// One stream's C++ state, in streams_by_slot[slot] from start to close.
class native_stream {
 public:
  // `text` is UTF-8 (JS writes it with TextEncoder.encodeInto, so it is well-formed).
  // timeout_us < 0 means no time-out.
  native_stream(std::string text, double delay_us, int split, double timeout_us, std::uint32_t slot)
      : slot_(slot), timeout_(static_cast<std::int64_t>(timeout_us)) {
    stream_options options;
    options.delay = duration{static_cast<std::int64_t>(delay_us)};
    options.split = static_cast<split_mode>(split);
    generator_ = llm_stream_answer(js_scheduler, std::move(text), std::move(options));
    ++live_stream_count;
  }
  native_stream(const native_stream&) = delete;
  ~native_stream() {
    js_scheduler.cancel(timeout_timer_);
    --live_stream_count;
  }

  // Before the first pull only: the stream fails on purpose after `count` pieces.
  void fail_after_pieces(int count, std::string message) {
    generator_ = fail_after(std::move(generator_), static_cast<std::size_t>(count), std::move(message));
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

  // Appends this stream's record to `out`: slot, status, count, then count pairs of
  // UTF-16 [begin, end). Returns the status.
  int drain_into(std::vector<std::uint32_t>& out) {
    queued_for_drain_ = false;
    out.push_back(slot_);
    const std::size_t status_at = out.size();
    out.push_back(0);
    out.push_back(0);
    std::uint32_t count = 0;
    out[status_at] = static_cast<std::uint32_t>(take_due(max_batch, [&](const chunk& c) {
      out.push_back(c.utf16_begin);
      out.push_back(c.utf16_end);
      ++count;
    }));
    out[status_at + 1] = count;
    return static_cast<int>(out[status_at]);
  }

  std::string error_message() const { return error_message_; }
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
  // `take`; returns the pull_status that ends the run.
  template <typename Take>
  int take_due(int limit, Take&& take) {
    if (timed_out_) return timed_out;
    for (int taken = 0; taken < limit; ++taken) {
      switch (generator_.poll(&on_wake, this)) {
        case async_generator<chunk>::poll_status::item:
          take(generator_.current());
          break;
        case async_generator<chunk>::poll_status::pending:
          return pending;
        case async_generator<chunk>::poll_status::done:
          js_scheduler.cancel(timeout_timer_);
          if (auto failure = generator_.failure()) {
            error_message_ = describe(failure);
            generator_.reset();
            return failed;
          }
          generator_.reset();
          return done;
      }
    }
    return more;
  }

  // Called from inside the scheduler's run: only note the stream; runDueTimers() drains
  // it once the run is over, outside any coroutine.
  static void on_wake(void* context) noexcept {
    auto* self = static_cast<native_stream*>(context);
    if (self->queued_for_drain_) return;
    self->queued_for_drain_ = true;
    woken_streams.push_back(self);
  }

  std::uint32_t slot_;
  duration timeout_;
  timeout_timer timeout_timer_{*this};
  bool timed_out_ = false;
  bool queued_for_drain_ = false;
  async_generator<chunk> generator_;
  std::string error_message_;
};

void close_stream(std::uint32_t slot) {
  delete streams_by_slot[slot];
  streams_by_slot[slot] = nullptr;
}

// A stream that has just reported `done` is freed here and now, so JS need not cross again
// to close it (10,000 streams ending in one tick would be 10,000 crossings). A failed one
// waits for JS to read its message, then to close it.
int close_if_done(native_stream* stream, int status) {
  if (status == done) close_stream(stream->slot());
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
  }
}

// Room for one record of one chunk per stream, the usual case, in one allocation.
constexpr std::size_t usual_record_words = 5;

// Returns the number of 32-bit words written to `records` (see drain_into).
int run_timer_tick() {
  woken_streams.clear();
  records.clear();
  js_clock.forget_reading();
  js_scheduler.run_due();
  records.reserve(woken_streams.size() * usual_record_words);
  for (native_stream* stream : woken_streams) close_if_done(stream, stream->drain_into(records));
  return static_cast<int>(records.size());
}

// One start command per stream, as doubles (every field fits one exactly): what trickle.mjs
// writes into the table it passes to startStreams().
enum start_field : int {
  field_slot,
  field_text_address,     // UTF-8 bytes in wasm memory, copied out at once
  field_text_length,
  field_delay_us,
  field_split,
  field_timeout_us,       // < 0: no time-out
  field_fail_after,       // < 0: never fails on purpose
  field_message_address,  // the failure's message (UTF-8), when field_fail_after >= 0
  field_message_length,
  start_fields,
};

// Creates and starts `count` streams from the commands at `table_address`, all at
// `now_ms`: the time JS began to write the table, after every one of their first next()
// calls. Returns the number of 32-bit words written to `records`: one record per stream,
// in the order of the commands.
int start_streams(std::uintptr_t table_address, int count, double now_ms) {
  records.clear();
  records.reserve(static_cast<std::size_t>(count) * usual_record_words);
  js_clock.use_reading(now_ms);
  const double* command = reinterpret_cast<const double*>(table_address);
  for (int i = 0; i < count; ++i, command += start_fields) {
    const auto slot = static_cast<std::uint32_t>(command[field_slot]);
    const auto* text = reinterpret_cast<const char*>(static_cast<std::uintptr_t>(command[field_text_address]));
    auto* stream = new native_stream(std::string(text, static_cast<std::size_t>(command[field_text_length])),
                                     command[field_delay_us], static_cast<int>(command[field_split]),
                                     command[field_timeout_us], slot);
    if (command[field_fail_after] >= 0) {
      const auto* message =
          reinterpret_cast<const char*>(static_cast<std::uintptr_t>(command[field_message_address]));
      stream->fail_after_pieces(static_cast<int>(command[field_fail_after]),
                                std::string(message, static_cast<std::size_t>(command[field_message_length])));
    }
    if (slot >= streams_by_slot.size()) streams_by_slot.resize(slot + 1, nullptr);
    streams_by_slot[slot] = stream;
    close_if_done(stream, stream->start(records));
  }
  return static_cast<int>(records.size());
}

double records_address() { return static_cast<double>(reinterpret_cast<std::uintptr_t>(records.data())); }
double pull_spans_address() { return static_cast<double>(reinterpret_cast<std::uintptr_t>(pull_spans)); }

std::string chat_template_of(std::string prompt) { return chat_template(prompt); }

double heap_bytes_in_use() { return static_cast<double>(mallinfo().uordblks); }


native_stream* stream_at(std::uint32_t slot) { return streams_by_slot[slot]; }

}  // namespace

EMSCRIPTEN_BINDINGS(trickle) {
  using namespace emscripten;
  // Streams, known to JS by slot.
  function("startStreams", &start_streams);
  function("pullStream", +[](std::uint32_t slot, int max_chunks) {
    native_stream* stream = stream_at(slot);
    const int result = stream->pull(max_chunks);
    close_if_done(stream, result & ((1 << status_bits) - 1));
    return result;
  });
  function("streamErrorMessage", +[](std::uint32_t slot) { return stream_at(slot)->error_message(); });
  function("closeStream", &close_stream);
  function("pullSpansAddress", &pull_spans_address);
  function("recordsAddress", &records_address);
  function("releaseBurstMemory", &release_burst_memory);
  // Time.
  function("runDueTimers", &run_timer_tick);
  // Text and numbers.
  function("chatTemplate", &chat_template_of);
  function("heapBytesInUse", &heap_bytes_in_use);
  function("liveStreamCount", +[]() { return live_stream_count; });
  function("scheduledTimerCount", +[]() { return static_cast<std::uint32_t>(js_scheduler.scheduled_count()); });
}
