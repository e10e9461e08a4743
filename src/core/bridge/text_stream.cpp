#include "core/bridge/text_stream.hpp"

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "core/runtime/async_generator.hpp"
#include "core/stream/given.hpp"
#include "core/stream/llm_stream.hpp"

namespace trickle::bridge {

using namespace protocol;

namespace {

jitter jitter_of(double code, double sigma) {
  switch (static_cast<int>(code)) {
    case jitter_uniform: return {jitter_kind::uniform, sigma};
    case jitter_lognormal: return {jitter_kind::lognormal, sigma};
    default: return {jitter_kind::none, sigma};
  }
}

duration microseconds(double us) { return duration{static_cast<std::int64_t>(us)}; }

class text_stream final : public stream {
 public:
  text_stream(host& owner, std::uint32_t slot, duration timeout, std::uint64_t fail_after, std::string fail_message)
      : stream(owner, slot, timeout), fail_after_(fail_after), fail_message_(std::move(fail_message)) {}

  static constexpr std::uint64_t no_failure = ~std::uint64_t{0};

  void set_generator(async_generator<chunk> generator) noexcept { generator_ = std::move(generator); }

  std::string_view error_message() const noexcept override {
    return failed_on_purpose_ ? std::string_view{fail_message_} : message_of(failure_);
  }

 private:
  int take_due_chunks(int limit, span_sink& sink) override {
    if (fail_after_ == no_failure) return take_in_bulk(limit, sink);
    for (int taken = 0; taken < limit; ++taken) {
      switch (generator_.poll(&on_wake, static_cast<stream*>(this))) {
        case async_generator<chunk>::poll_status::item: {
          if (delivered_ == fail_after_) {
            failed_on_purpose_ = true;
            return finish(status_failed);
          }
          ++delivered_;
          const chunk& c = generator_.current();
          sink.push(c.utf16_begin, c.utf16_end);
          break;
        }
        case async_generator<chunk>::poll_status::pending:
          return status_pending;
        case async_generator<chunk>::poll_status::done:
          return finish_generated();
      }
    }
    return status_more;
  }

  // The usual stream (no failure planned): the generator runs until it waits, ends or has
  // given `limit` chunks, in one resumption (async_generator::poll_into).
  int take_in_bulk(int limit, span_sink& sink) {
    if (limit <= 0) return status_more;
    bulk_sink into{&sink, limit};
    switch (generator_.poll_into(&on_wake, static_cast<stream*>(this), &bulk_sink::take, &into)) {
      case async_generator<chunk>::poll_status::item:
        return status_more;
      case async_generator<chunk>::poll_status::pending:
        return status_pending;
      case async_generator<chunk>::poll_status::done:
        break;
    }
    return finish_generated();
  }

  // The generator has ended, by returning or by throwing.
  int finish_generated() noexcept {
    failure_ = generator_.failure();  // kept (not copied) until JS has read it
    return finish(failure_ ? status_failed : status_done);
  }

  struct bulk_sink {
    span_sink* spans;
    int room;
    static bool take(void* self, chunk& c) noexcept {
      auto* into = static_cast<bulk_sink*>(self);
      into->spans->push(c.utf16_begin, c.utf16_end);
      return --into->room > 0;
    }
  };

  int finish(int status) noexcept {
    stop_timeout();
    generator_.reset();
    return status;
  }

  void abandon() noexcept override { generator_.reset(); }

  std::uint64_t fail_after_;
  std::uint64_t delivered_ = 0;
  std::string fail_message_;
  bool failed_on_purpose_ = false;
  async_generator<chunk> generator_;
  std::exception_ptr failure_;
};

}  // namespace

timing_options timing_of(const double* block, double seed) {
  timing_options timing;
  timing.delay = microseconds(block[timing_delay_us]);
  if (block[timing_ttft_us] >= 0) timing.ttft = microseconds(block[timing_ttft_us]);
  timing.ttft_jitter = jitter_of(block[timing_ttft_jitter], block[timing_ttft_sigma]);
  timing.tokens_per_second = block[timing_tokens_per_second];
  timing.chars_per_second = block[timing_chars_per_second];
  timing.gap_jitter = jitter_of(block[timing_jitter], block[timing_sigma]);
  timing.stalls.probability = block[timing_stall_probability];
  timing.stalls.min = microseconds(block[timing_stall_min_us]);
  timing.stalls.max = microseconds(block[timing_stall_max_us]);
  timing.stalls.catch_up = block[timing_stall_catch_up] != 0;
  timing.burst = static_cast<std::uint32_t>(block[timing_burst]);
  timing.seed = static_cast<std::uint64_t>(seed);
  return timing;
}

namespace {

// Everything but the generator: the stream, its options and its copy of the text.
struct made_parts {
  std::unique_ptr<text_stream> made;
  std::string text;
  stream_options options;
};

template <typename T>
const T* pointer_at(double address) {
  return reinterpret_cast<const T*>(static_cast<std::uintptr_t>(address));
}

bool gives_pieces(const double* command) { return static_cast<int>(command[start_split]) == split_given; }

// A split_given command's pieces, copied out of the lists it points at.
given_pieces given_of(const double* command) {
  const auto count = static_cast<std::size_t>(command[start_piece_count]);
  given_pieces given;
  if (count == 0) return given;
  const auto* ends = pointer_at<std::uint32_t>(command[start_piece_ends]);
  given.ends.assign(ends, ends + count);
  if (command[start_piece_tokens] != 0) {
    const auto* tokens = pointer_at<std::uint32_t>(command[start_piece_tokens]);
    given.tokens.assign(tokens, tokens + count);
  }
  if (command[start_piece_offsets] != 0) {
    const auto* offsets = pointer_at<double>(command[start_piece_offsets]);
    given.offsets.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      // Checked by the stream (check_given): a value out of range becomes one it refuses.
      const double us = offsets[i];
      given.offsets.push_back(us >= 0 && us <= 9.0e15 ? microseconds(us) : duration{-1});
    }
  }
  return given;
}

made_parts make_parts(host& owner, const double* command) {
  const auto slot = static_cast<std::uint32_t>(command[start_slot]);
  const double timeout_us = command[start_timeout_us];
  owner.reserve_for_new_stream(slot, timeout_us >= 0);
  made_parts parts;
  parts.options.delay = microseconds(command[start_delay_us]);
  if (!gives_pieces(command)) parts.options.split = static_cast<split_mode>(static_cast<int>(command[start_split]));
  std::string fail_message;
  std::uint64_t fail_after = text_stream::no_failure;
  if (command[start_fail_after] >= 0) {
    fail_after = static_cast<std::uint64_t>(command[start_fail_after]);
    const auto* message = reinterpret_cast<const char*>(static_cast<std::uintptr_t>(command[start_message_address]));
    fail_message.assign(message, static_cast<std::size_t>(command[start_message_length]));
  }
  const auto* text = reinterpret_cast<const char*>(static_cast<std::uintptr_t>(command[start_text_address]));
  parts.text.assign(text, static_cast<std::size_t>(command[start_text_length]));
  parts.made = std::make_unique<text_stream>(owner, slot, microseconds(timeout_us < 0 ? -1 : timeout_us), fail_after,
                                             std::move(fail_message));
  return parts;
}

// The generator of a split_given command. Not inlined into the maker: under -fexceptions
// every call that moves strings and vectors brings its own clean-up code.
[[gnu::noinline]] async_generator<chunk> given_generator(host& owner, made_parts& parts, const double* command,
                                                         const double* block) {
  given_pieces given = given_of(command);
  if (block == nullptr) return llm_stream_given(owner.sched(), std::move(parts.text), std::move(given), std::move(parts.options));
  return llm_stream_given(owner.sched(), std::move(parts.text), std::move(given), std::move(parts.options),
                          timing_of(block, command[start_seed]));
}

}  // namespace

std::unique_ptr<stream> make_text_stream(host& owner, const double* command, const double*) {
  if (command[start_timing] >= 0) throw std::invalid_argument("trickle: this module has no timing model");
  if (gives_pieces(command)) throw std::invalid_argument("trickle: this module takes no given pieces");
  if (static_cast<int>(command[start_split]) == split_grapheme) throw std::invalid_argument("trickle: this module has no grapheme split");
  made_parts parts = make_parts(owner, command);
  parts.made->set_generator(llm_stream_answer(owner.sched(), std::move(parts.text), std::move(parts.options)));
  return std::move(parts.made);
}

std::unique_ptr<stream> make_timed_text_stream(host& owner, const double* command, const double* timings) {
  made_parts parts = make_parts(owner, command);
  const double* block =
      command[start_timing] >= 0 ? timings + static_cast<std::ptrdiff_t>(command[start_timing]) * timing_field_count : nullptr;
  if (gives_pieces(command)) {
    parts.made->set_generator(given_generator(owner, parts, command, block));
  } else if (block != nullptr) {
    parts.made->set_generator(llm_stream_answer(owner.sched(), std::move(parts.text), std::move(parts.options),
                                                timing_of(block, command[start_seed])));
  } else {
    parts.made->set_generator(llm_stream_answer(owner.sched(), std::move(parts.text), std::move(parts.options)));
  }
  return std::move(parts.made);
}

}  // namespace trickle::bridge
