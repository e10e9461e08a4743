// The bridge: everything the wasm module does for the JS layer, in portable C++ (no
// Emscripten header), so that it is tested natively like the rest of the core.
//
// Streams are known on both sides by a slot: a small number JS chooses, an index into an
// array here and there. A slot holds one `stream`: a text stream (the lesson's generator,
// whose chunks are UTF-16 spans of the text JS holds) or, in the module with the wire
// formats, an answer stream (whose chunks are frame bytes). protocol.hpp says how calls
// answer: lists of records, and pulls.
//
// How it keeps crossings few and memory safe:
//   - Starting is batched: one start_text_streams() call creates every stream first read in
//     one JS job, at one reading of the clock, so they keep one schedule.
//   - A timer tick is one run_tick() call, whatever the number of streams it wakes: woken
//     streams are noted while the scheduler runs (on_wake) and drained into one list of
//     records afterwards, outside any coroutine.
//   - Everything a stream needs for its life is allocated when it is created (its copy of
//     the text, its coroutine frame, its room in the scheduler and in the list of woken
//     streams), inside one try block: running out of memory there fails that stream alone
//     and changes nothing else. Draining never allocates where it cannot fail: room for the
//     largest record is made before each one, and an answer stream that cannot grow its
//     frame bytes fails by itself. No exception leaves this file's calls.
//   - A stream that finishes is freed in the call that reports it; a failed one once JS has
//     read its message. After a burst of thousands, the tables shrink back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/bridge/protocol.hpp"
#include "core/runtime/scheduler.hpp"

namespace trickle::bridge {

class host;

// Where a stream being drained writes its chunks' (begin, end) pairs: a record in the
// list, or the fixed array of a pull. Room is made before a drain, so writing never fails.
class span_sink {
 public:
  // A record at the end of `list` (its header already written by the caller).
  explicit span_sink(std::vector<std::uint32_t>& list) noexcept : list_(&list) {}
  // The fixed array of a pull: at most protocol::max_batch pairs.
  explicit span_sink(std::uint32_t* pairs) noexcept : pairs_(pairs) {}

  void push(std::uint32_t begin, std::uint32_t end) noexcept;
  // Like push, but extends the previous pair instead when it ends where this one begins.
  void push_joined(std::uint32_t begin, std::uint32_t end) noexcept;
  int count() const noexcept { return count_; }

 private:
  std::vector<std::uint32_t>* list_ = nullptr;
  std::uint32_t* pairs_ = nullptr;
  int count_ = 0;
};

// One slot's C++ state, from its start to its close.
class stream {
 public:
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  virtual ~stream();

  std::uint32_t slot() const noexcept { return slot_; }

  // The consumer's first next(): the time-out starts now, like the stream's schedule.
  void start_timeout() noexcept;
  // Every chunk already due, up to `limit`, into `sink`; returns the protocol status.
  int take_due(int limit, span_sink& sink);
  virtual std::string_view error_message() const noexcept = 0;

 protected:
  stream(host& owner, std::uint32_t slot, duration timeout);

  virtual int take_due_chunks(int limit, span_sink& sink) = 0;
  // The generator is waiting: a wake-up will come through on_wake.
  static void on_wake(void* self) noexcept;
  // The stream has finished (done or failed): its time-out is over.
  void stop_timeout() noexcept;
  host& owner() const noexcept { return host_; }

 private:
  friend class host;
  // Lives in the same deadline heap as every sleep: a time-out costs no JS timer of its own.
  class timeout_timer final : public timer {
   public:
    explicit timeout_timer(stream& owner) : owner_(owner) {}
    void on_due() noexcept override { owner_.time_out(); }

   private:
    stream& owner_;
  };
  void time_out() noexcept;
  // Frees whatever the stream holds to produce chunks (its generator): called when it times
  // out, so that its pending sleep leaves the heap at once.
  virtual void abandon() noexcept = 0;

  host& host_;
  std::uint32_t slot_;
  duration timeout_;
  timeout_timer timeout_timer_{*this};
  bool timed_out_ = false;
  bool queued_for_drain_ = false;
};

// A stream's chunks as they were handed over: the records list with the frame bytes its
// answer streams' spans point into.
struct records_view {
  const std::uint32_t* words = nullptr;  // nullptr: the call could not be carried out
  const char* frame_bytes = nullptr;
};

class host {
 public:
  explicit host(scheduler& sched) noexcept : sched_(sched) {}
  host(const host&) = delete;
  host& operator=(const host&) = delete;
  ~host();

  scheduler& sched() noexcept { return sched_; }

  // Makes the stream of one start command (text_stream.hpp has two makers: with and without
  // the timing model, so that a module without it does not carry it).
  using text_stream_maker = std::unique_ptr<stream> (*)(host&, const double* command, const double* timings);

  // Creates and starts `count` text streams from the commands at `commands` (protocol.hpp),
  // whose timing blocks are at `timings`. Returns the records, one per stream started, in
  // the order of the commands. A stream that could not be created gets no record: its
  // command's slot field is set to -1 and last_error() says why. words == nullptr when not
  // even the records list found memory: then no stream started.
  records_view start_text_streams(double* commands, int count, const double* timings, text_stream_maker make);
  // Adopts `made` (created by a maker that allocated everything it needs) into its slot,
  // starts it and returns its record; on failure (memory), words == nullptr and
  // last_error() says why, and nothing of it is left.
  records_view start_one(std::unique_ptr<stream> made);
  // Runs the scheduler's due timers and drains every stream they woke. words == nullptr
  // when no stream woke. A stream whose record found no memory stays woken for the next
  // call, and an immediate wake-up is asked for: nothing is lost.
  records_view run_tick();
  // A pull (protocol.hpp): (count << status_bits) | status; pairs at pull_spans().
  int pull(std::uint32_t slot, int max_chunks);

  stream* at(std::uint32_t slot) const noexcept {
    return slot < streams_by_slot_.size() ? streams_by_slot_[slot] : nullptr;
  }
  void close(std::uint32_t slot) noexcept;
  // Gives the memory of a burst back once every slot is free.
  void release_burst_memory() noexcept;

  std::string_view error_message(std::uint32_t slot) const noexcept;
  std::string_view last_error() const noexcept { return last_error_; }
  // Keeps a copy of `message` (an exception's, which dies with it) as last_error(); when
  // even that finds no memory, last_error() says memory is full.
  void remember_error(std::string_view message) noexcept;

  std::uint32_t* pull_spans() noexcept { return pull_spans_; }
  const char* pull_frame_bytes() const noexcept { return pull_frame_bytes_.data(); }
  std::uint32_t live_streams() const noexcept { return live_streams_; }

  // For answer streams: the frame bytes of the call being made (records or pull).
  std::string& frame_bytes() noexcept { return *frame_bytes_in_use_; }

  // Makes room for a stream about to be created: its slot, a place in the woken list, and
  // its timers in the scheduler (one for its sleep, one for its time-out). Throws
  // std::bad_alloc, having changed nothing that matters.
  void reserve_for_new_stream(std::uint32_t slot, bool with_timeout);

  static constexpr std::string_view out_of_memory = "trickle: the WebAssembly memory is full";

 private:
  friend class stream;
  void note_woken(stream& s) noexcept;
  void begin_records(std::size_t expected_streams);
  void make_room_for_one_record();
  records_view finish_records() noexcept;
  // Appends `s`'s record to the list; returns its status and frees it when done.
  int drain(stream& s);
  // Drains every woken stream into a new list of records, counting them in `drained`.
  [[gnu::noinline]] void drain_woken(std::size_t& drained);
  void place(std::unique_ptr<stream> made);

  scheduler& sched_;
  std::vector<stream*> streams_by_slot_;  // slot -> stream, or nullptr
  std::vector<stream*> woken_;            // filled while the scheduler runs timers
  std::vector<std::uint32_t> records_;
  std::string frame_bytes_;       // for the records of the current call
  std::string pull_frame_bytes_;  // for a pull, which may come while records are read
  std::string* frame_bytes_in_use_ = &frame_bytes_;
  std::uint32_t pull_spans_[2 * protocol::max_batch];
  std::uint32_t live_streams_ = 0;
  std::uint32_t timed_streams_ = 0;  // live streams with a time-out
  std::string_view last_error_ = out_of_memory;
  std::string kept_error_;
};

// The message an exception carries, without copying it (std::bad_alloc: host::out_of_memory).
std::string_view message_of(const std::exception_ptr& failure) noexcept;

}  // namespace trickle::bridge
