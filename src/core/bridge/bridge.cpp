#include "core/bridge/bridge.hpp"

#include <algorithm>
#include <new>
#include <utility>

#include "core/stream/llm_stream.hpp"

namespace trickle::bridge {

using namespace protocol;

std::string_view message_of(const std::exception_ptr& failure) noexcept {
  if (!failure) return {};
  try {
    std::rethrow_exception(failure);
  } catch (const simulated_failure& e) {
    return e.message();
  } catch (const std::bad_alloc&) {
    return host::out_of_memory;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "trickle: unknown C++ exception";
  }
}

// --- span_sink -----------------------------------------------------------------------------

void span_sink::push(std::uint32_t begin, std::uint32_t end) noexcept {
  if (list_) {
    list_->push_back(begin);  // within the room made for the largest record: no allocation
    list_->push_back(end);
  } else {
    pairs_[2 * count_] = begin;
    pairs_[2 * count_ + 1] = end;
  }
  ++count_;
}

void span_sink::push_joined(std::uint32_t begin, std::uint32_t end) noexcept {
  if (count_ > 0) {
    std::uint32_t& last_end = list_ ? list_->back() : pairs_[2 * count_ - 1];
    if (last_end == begin) {
      last_end = end;
      return;
    }
  }
  push(begin, end);
}

// --- stream ----------------------------------------------------------------------------------

stream::stream(host& owner, std::uint32_t slot, duration timeout) : host_(owner), slot_(slot), timeout_(timeout) {
  ++host_.live_streams_;
  if (timeout_ >= duration::zero()) ++host_.timed_streams_;
}

stream::~stream() {
  host_.sched_.cancel(timeout_timer_);
  --host_.live_streams_;
  if (timeout_ >= duration::zero()) --host_.timed_streams_;
}

void stream::start_timeout() noexcept {
  if (timeout_ >= duration::zero()) host_.sched_.schedule(timeout_timer_, host_.sched_.now() + timeout_);
}

void stream::stop_timeout() noexcept { host_.sched_.cancel(timeout_timer_); }

int stream::take_due(int limit, span_sink& sink) {
  if (timed_out_) return status_timed_out;
  return take_due_chunks(std::min(limit, max_batch), sink);
}

void stream::on_wake(void* self) noexcept {
  auto* s = static_cast<stream*>(self);
  s->host_.note_woken(*s);
}

void stream::time_out() noexcept {
  timed_out_ = true;
  abandon();
  host_.note_woken(*this);
}

// --- host ------------------------------------------------------------------------------------

host::~host() {
  for (stream* s : streams_by_slot_) delete s;
}

void host::note_woken(stream& s) noexcept {
  if (s.queued_for_drain_) return;
  s.queued_for_drain_ = true;
  woken_.push_back(&s);  // room reserved for every live stream (reserve_for_new_stream)
}

void host::reserve_for_new_stream(std::uint32_t slot, bool with_timeout) {
  if (slot >= streams_by_slot_.size()) streams_by_slot_.resize(slot + 1, nullptr);
  if (woken_.capacity() <= live_streams_) {
    woken_.reserve(std::max<std::size_t>(live_streams_ + 1, 2 * woken_.capacity()));
  }
  sched_.reserve_timers(live_streams_ + timed_streams_ + (with_timeout ? 2 : 1));
}

void host::place(std::unique_ptr<stream> made) {
  const std::uint32_t slot = made->slot();  // (the right side of = is evaluated first)
  streams_by_slot_[slot] = made.release();
}

void host::close(std::uint32_t slot) noexcept {
  if (slot >= streams_by_slot_.size()) return;
  delete streams_by_slot_[slot];
  streams_by_slot_[slot] = nullptr;
}

void host::release_burst_memory() noexcept {
  if (!std::all_of(streams_by_slot_.begin(), streams_by_slot_.end(), [](stream* s) { return s == nullptr; })) return;
  std::vector<stream*>().swap(streams_by_slot_);
  std::vector<stream*>().swap(woken_);
  std::vector<std::uint32_t>().swap(records_);
  std::string().swap(frame_bytes_);
  std::string().swap(pull_frame_bytes_);
  sched_.reserve_timers(0);
}

void host::remember_error(std::string_view message) noexcept {
  try {
    kept_error_.assign(message);
    last_error_ = kept_error_;
  } catch (...) {
    last_error_ = out_of_memory;
  }
}

std::string_view host::error_message(std::uint32_t slot) const noexcept {
  const stream* s = at(slot);
  return s ? s->error_message() : last_error_;
}

// Room for one record of one chunk per stream, the usual case, in one allocation.
constexpr std::size_t usual_record_words = record_header_words + 2;

void host::begin_records(std::size_t expected_streams) {
  records_.clear();
  frame_bytes_.clear();
  frame_bytes_in_use_ = &frame_bytes_;
  records_.reserve(records_header_words + expected_streams * usual_record_words);
  records_.resize(records_header_words);
}

// Room for the largest record there is, so that draining a stream never fails half-way
// (its chunks are taken from the generator as they are written). Grows geometrically.
void host::make_room_for_one_record() {
  constexpr std::size_t largest = record_header_words + 2 * max_batch;
  if (records_.capacity() - records_.size() >= largest) return;
  records_.reserve(std::max(records_.size() + largest, 2 * records_.capacity()));
}

records_view host::finish_records() noexcept {
  records_[records_words] = static_cast<std::uint32_t>(records_.size() - records_header_words);
  records_[records_frame_bytes] = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(frame_bytes_.data()));
  return {records_.data(), frame_bytes_.data()};
}

int host::drain(stream& s) {
  s.queued_for_drain_ = false;
  const std::size_t head = records_.size();
  records_.resize(head + record_header_words);  // within the room made: no allocation
  records_[head + record_slot] = s.slot();
  span_sink sink{records_};
  const int status = s.take_due(max_batch, sink);
  records_[head + record_status] = static_cast<std::uint32_t>(status);
  records_[head + record_count] = static_cast<std::uint32_t>(sink.count());
  if (status == status_done) close(s.slot());
  return status;
}

records_view host::start_text_streams(double* commands, int count, const double* timings, text_stream_maker make) {
  try {
    begin_records(static_cast<std::size_t>(count));
  } catch (...) {
    last_error_ = out_of_memory;
    return {};
  }
  double* command = commands;
  for (int i = 0; i < count; ++i, command += start_field_count) {
    stream* started = nullptr;
    try {
      auto made = make(*this, command, timings);
      make_room_for_one_record();
      started = made.get();
      place(std::move(made));
    } catch (...) {
      remember_error(message_of(std::current_exception()));
      command[start_slot] = -1;
      continue;
    }
    started->start_timeout();
    drain(*started);
  }
  return finish_records();
}

records_view host::start_one(std::unique_ptr<stream> made) {
  try {
    begin_records(1);
    make_room_for_one_record();
  } catch (...) {
    last_error_ = out_of_memory;
    return {};
  }
  stream& started = *made;
  place(std::move(made));
  started.start_timeout();
  drain(started);
  return finish_records();
}

// Out of run_tick's try block, so that its calls are plain calls in WebAssembly (see
// answer_stream.cpp's take_due_chunks): `drained` counts the streams drained, as far as a
// failure let it get.
void host::drain_woken(std::size_t& drained) {
  begin_records(woken_.size());
  for (; drained < woken_.size(); ++drained) {
    make_room_for_one_record();
    drain(*woken_[drained]);
  }
  woken_.clear();
}

records_view host::run_tick() {
  sched_.run_due();
  if (woken_.empty()) return {};
  std::size_t drained = 0;
  try {
    drain_woken(drained);
  } catch (...) {
    woken_.erase(woken_.begin(), woken_.begin() + static_cast<std::ptrdiff_t>(drained));
    sched_.request_turn();
    if (records_.empty()) return {};
  }
  return finish_records();
}

int host::pull(std::uint32_t slot, int max_chunks) {
  stream* s = at(slot);
  if (!s) return status_done;
  pull_frame_bytes_.clear();
  frame_bytes_in_use_ = &pull_frame_bytes_;
  span_sink sink{pull_spans_};
  int status;
  try {
    status = s->take_due(max_chunks, sink);
  } catch (...) {
    status = status_failed;  // take_due does not throw; kept for the contract above
  }
  frame_bytes_in_use_ = &frame_bytes_;
  if (status == status_done) close(slot);
  return (sink.count() << status_bits) | status;
}

}  // namespace trickle::bridge
