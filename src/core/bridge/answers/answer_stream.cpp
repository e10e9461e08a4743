#include "core/bridge/answers/answer_stream.hpp"

#include <new>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "core/runtime/async_generator.hpp"
#include "core/stream/random.hpp"
#include "core/text/utf8.hpp"

namespace trickle::bridge {

using namespace protocol;

namespace {

bool carries_piece(const wire::event& e) noexcept {
  return e.kind == wire::event_kind::reasoning || e.kind == wire::event_kind::text ||
         e.kind == wire::event_kind::tool_arguments;
}

// What ends a frame of the format: kept when a malformed fault cuts one, so that the parser
// meets a whole line it cannot read rather than waiting for the rest.
std::string_view frame_ending(wire::format f) noexcept {
  switch (f) {
    case wire::format::gemini: return "\r\n\r\n";
    case wire::format::ollama: return "\n";
    case wire::format::plain_text: return "";
    default: return "\n\n";
  }
}

std::uint32_t saturated(std::uint64_t count) noexcept {
  return count > 0xffffffffu ? 0xffffffffu : static_cast<std::uint32_t>(count);
}

class answer_stream final : public stream {
 public:
  answer_stream(host& owner, answer_spec spec)
      : stream(owner, spec.slot, spec.timeout),
        spec_(std::move(spec)),
        random_(*spec_.timing.seed ^ 0x9e3779b97f4a7c15ULL) {}

  // Everything allocated here: the events, the encoder, the schedule (its coroutine frame).
  void prepare() {
    events_ = spec_.given ? wire::events_of(spec_.answer, *spec_.given) : wire::events_of(spec_.answer, spec_.split);
    std::vector<unit_size> sizes;
    std::uint64_t output_tokens = 0;
    std::uint64_t reasoning_tokens = 0;
    for (const wire::event& e : events_) {
      if (!carries_piece(e)) continue;
      pieces_end_ = static_cast<std::size_t>(&e - events_.data()) + 1;
      sizes.push_back(unit_size{e.tokens, utf16_length(e.piece)});
      output_tokens += e.tokens;
      if (e.kind == wire::event_kind::reasoning) reasoning_tokens += e.tokens;
    }
    // Usage counts what the pieces cost: their tokens when given, else one per piece.
    spec_.answer.output_tokens = saturated(output_tokens);
    spec_.answer.reasoning_tokens = saturated(reasoning_tokens);
    encoder_ = wire::make_encoder(spec_.format, spec_.answer);  // checks the answer
    if (spec_.offsets.empty()) {
      units_ = units_on_plan(owner().sched(), std::move(sizes), timing_plan{spec_.timing}, spec_.faults.stall);
      return;
    }
    if (!spec_.given || spec_.offsets.size() != sizes.size()) {
      throw std::invalid_argument("trickle: offsets are for given pieces, one per piece of every field");
    }
    check_offsets(spec_.offsets);
    units_ = units_at_offsets(owner().sched(), std::move(spec_.offsets), spec_.faults.stall);
  }

  std::string_view error_message() const noexcept override {
    if (!failure_message_.empty()) return failure_message_;
    return message_of(failure_);
  }

 private:
  // The try is kept out of the loop that writes frames: in WebAssembly with JS-based
  // exceptions, each call made inside a try block goes through a JS trampoline (several per
  // frame, a tenth of a tick of a thousand answers); from a function of its own they are
  // plain calls, and an exception reaches the catch here all the same.
  int take_due_chunks(int limit, span_sink& sink) override {
    try {
      return take_due_unguarded(limit, sink);
    } catch (...) {
      return fail(std::current_exception());
    }
  }

  [[gnu::noinline]] int take_due_unguarded(int limit, span_sink& sink) {
    std::string& out = owner().frame_bytes();
    if (!carry_.empty() && !emit_carry(out, limit, sink)) return status_more;
    while (sink.count() < limit) {
      // Past the last piece: the closing frames, right after it.
      if (next_event_ >= pieces_end_) {
        while (next_event_ < events_.size()) write_frame(out, events_[next_event_++], sink, limit);
        return end_stream(out, sink, limit);
      }
      switch (units_.poll(&on_wake, static_cast<stream*>(this))) {
        case async_generator<std::uint32_t>::poll_status::item:
          // The frames that carry no piece go out with the piece after them: the opening
          // ones (a role, message_start) at the first piece's time, as a server's first
          // bytes come when its model has a first token.
          while (!carries_piece(events_[next_event_])) write_frame(out, events_[next_event_++], sink, limit);
          if (const int ended = deliver_piece(out, sink, limit); ended >= 0) return ended;
          break;
        case async_generator<std::uint32_t>::poll_status::pending:
          return status_pending;
        case async_generator<std::uint32_t>::poll_status::done:
          if (auto failure = units_.failure()) return fail(failure);
          next_event_ = events_.size();  // no units left: only closing frames remain
          break;
      }
      if (!carry_.empty()) return status_more;
    }
    return status_more;
  }

  // Chunk `delivered_` is due: a fault may strike instead of it. Returns a final status, or
  // -1 to go on.
  int deliver_piece(std::string& out, span_sink& sink, int limit) {
    const std::uint32_t k = delivered_;
    answer_faults& faults = spec_.faults;
    const bool error = strikes(faults.error, k);
    const bool truncate = strikes(faults.truncate, k);
    const bool disconnect = strikes(faults.disconnect, k);
    const bool malformed = strikes(faults.malformed, k);
    if (error) {
      if (spec_.whole_body) {
        failure_message_ = faults.error_message.empty() ? "trickle: the answer failed (an error fault)" : faults.error_message;
        return finish(status_failed);
      }
      const std::size_t start = out.size();
      encoder_->error(out, wire::wire_error{faults.error_status, faults.error_message});
      emit(out, start, sink, limit);
      return end_after_carry();
    }
    if (truncate) return spec_.whole_body ? end_body_cut(out, sink, limit) : finish(status_done);
    if (disconnect) return finish(status_dropped);
    const std::size_t start = out.size();
    write_frame(out, events_[next_event_++], sink, limit, malformed ? start : npos);
    ++delivered_;
    return -1;
  }

  static constexpr std::size_t npos = ~std::size_t{0};

  // Writes one event's frame and hands its bytes over (a whole body: keeps them back).
  void write_frame(std::string& out, const wire::event& e, span_sink& sink, int limit, std::size_t cut_from = npos) {
    if (spec_.whole_body) {
      if (carries_piece(e)) malformed_body_ |= cut_from != npos;
      return;
    }
    const std::size_t start = out.size();
    encoder_->write(out, e);
    if (cut_from != npos && out.size() > start) {
      // Half the frame, then the format's ending: a line no parser can read.
      const std::size_t half = start + (out.size() - start) / 2;
      out.resize(half);
      out.append(frame_ending(spec_.format));
    }
    emit(out, start, sink, limit);
  }

  // The end of the pieces: the body of a whole response, or nothing more to write.
  int end_stream(std::string& out, span_sink& sink, int limit) {
    if (spec_.whole_body && !body_written_) {
      body_written_ = true;
      const std::size_t start = out.size();
      wire::write_body(spec_.format, spec_.answer, out);
      if (malformed_body_) out.resize(start + (out.size() - start) / 2);
      emit(out, start, sink, limit);
    }
    if (!carry_.empty()) return status_more;
    return finish(status_done);
  }

  // A whole body cut short (the truncate fault): its first half, then the end.
  int end_body_cut(std::string& out, span_sink& sink, int limit) {
    const std::size_t start = out.size();
    wire::write_body(spec_.format, spec_.answer, out);
    out.resize(start + (out.size() - start) / 2);
    emit(out, start, sink, limit);
    return end_after_carry();
  }

  // The last bytes are written: the stream ends as soon as JS has what is left in carry_.
  // Until then, a call writes nothing more (without this, each pull of a resliced, cut body
  // polled the next piece, met the fault again and wrote the body again, for ever), and
  // nothing times out or polls the schedule.
  int end_after_carry() noexcept {
    next_event_ = events_.size();
    body_written_ = true;
    return finish(carry_.empty() ? status_done : status_more);
  }

  // Hands out[start, end) over: as one span joined to the previous one, or, with reslice,
  // in seeded pieces. What does not fit in this record waits in carry_ for the next.
  void emit(std::string& out, std::size_t start, span_sink& sink, int limit) {
    if (out.size() == start) return;
    if (spec_.faults.reslice_max == 0) {
      sink.push_joined(static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(out.size()));
      return;
    }
    std::size_t at = start;
    while (at < out.size() && sink.count() < limit) {
      const std::size_t piece = 1 + random_.next() % spec_.faults.reslice_max;
      const std::size_t end = std::min(out.size(), at + piece);
      sink.push(static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(end));
      at = end;
    }
    if (at < out.size()) {
      carry_.append(out, at, std::string::npos);
      out.resize(at);
    }
  }

  // Bytes left over from the last record, first. Returns false when they fill this one.
  bool emit_carry(std::string& out, int limit, span_sink& sink) {
    const std::size_t start = out.size();
    out.append(carry_);
    carry_.clear();
    emit(out, start, sink, limit);
    return carry_.empty();
  }

  bool strikes(const fault_point& fault, std::uint32_t chunk) noexcept {
    if (fault.at >= 0) return static_cast<std::uint64_t>(fault.at) == chunk;
    return fault.probability > 0 && random_.unit() < fault.probability;
  }

  int fail(std::exception_ptr why) noexcept {
    failure_ = std::move(why);
    return finish(status_failed);
  }

  int finish(int status) noexcept {
    stop_timeout();
    units_.reset();
    return status;
  }

  void abandon() noexcept override { units_.reset(); }

  answer_spec spec_;
  random_bits random_;
  std::vector<wire::event> events_;  // views into spec_.answer
  std::unique_ptr<wire::encoder> encoder_;
  async_generator<std::uint32_t> units_;
  std::size_t next_event_ = 0;
  std::size_t pieces_end_ = 0;  // just past the last event that carries a piece
  std::uint32_t delivered_ = 0;  // pieces handed over
  std::string carry_;            // resliced bytes that did not fit in the last record
  bool body_written_ = false;
  bool malformed_body_ = false;
  std::exception_ptr failure_;
  std::string failure_message_;
};

}  // namespace

std::unique_ptr<stream> make_answer_stream(host& owner, answer_spec spec) {
  owner.reserve_for_new_stream(spec.slot, spec.timeout >= duration::zero());
  if (!spec.timing.seed) spec.timing.seed = draw_seed();
  validate(spec.timing);
  auto made = std::make_unique<answer_stream>(owner, std::move(spec));
  made->prepare();
  return made;
}

}  // namespace trickle::bridge
