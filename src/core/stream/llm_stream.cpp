#include "core/stream/llm_stream.hpp"

#include <exception>
#include <optional>
#include <utility>

namespace trickle {

namespace {

void check_delay(duration delay) {
  if (delay < duration::zero()) {
    throw std::invalid_argument("trickle: the delay must not be negative");
  }
}

// What one piece costs a timing plan: one token (until a tokenizer decides otherwise), or
// its length in UTF-16 units with the suffix's, which the split has already counted.
unit_size size_of(const piece& word, std::uint32_t suffix_chars) noexcept {
  return unit_size{1, word.utf16_end - word.utf16_begin + suffix_chars};
}

// The lesson's loop on a timing plan. Coroutines of their own rather than branches in
// llm_stream_answer: with ten thousand streams, every byte of a coroutine frame is memory
// touched at each resumption, so each kind of stream keeps only what it uses. The plan is
// made (and the options checked) when the stream is created, but t0 is still the
// consumer's first next(), and refused options still surface there.
async_generator<chunk> stream_on_plan(scheduler& sched, std::string text, split_mode split_by, std::string suffix,
                                      std::uint32_t suffix_chars, timing_plan plan, stop_token stop) {
  const time_point t0 = sched.now();
  for (const piece& word : split(text, split_by)) {
    co_await sched.sleep_until(t0 + plan.next(size_of(word, suffix_chars)), stop);
    co_yield chunk{word.text, suffix, word.utf16_begin, word.utf16_end};
  }
}

// The same with bursts. A group is delivered at the moment its last piece is ready, so the
// plan must see the sizes of the whole group before the group's wait: a copy of the
// split's iterator walks ahead over it (the split is cheap and allocates nothing).
async_generator<chunk> stream_on_plan_in_bursts(scheduler& sched, std::string text, split_mode split_by,
                                                std::string suffix, std::uint32_t suffix_chars, timing_plan plan,
                                                stop_token stop) {
  const time_point t0 = sched.now();
  const auto pieces = split(text, split_by);
  auto next_piece = pieces.begin();
  while (next_piece != pieces.end()) {
    auto ahead = next_piece;
    duration due{};
    std::uint32_t group = 0;
    for (; group < plan.burst() && ahead != pieces.end(); ++group, ++ahead) {
      due = plan.next(size_of(*ahead, suffix_chars));
    }
    co_await sched.sleep_until(t0 + due, stop);
    for (; group > 0; --group, ++next_piece) {
      co_yield chunk{next_piece->text, suffix, next_piece->utf16_begin, next_piece->utf16_end};
    }
  }
}

// A stream whose options were refused: it fails at its first next(), like the lesson's
// stream with a negative delay.
async_generator<chunk> refused_stream(std::exception_ptr why) {
  if (why) std::rethrow_exception(why);
  co_return;
}

}  // namespace

async_generator<chunk> llm_stream_answer(scheduler& sched, std::string text,
                                         stream_options options, stop_token stop) {
  check_delay(options.delay);
  pace pace{sched, options.delay, stop};  // t0: now, the consumer's first next()
  for (const piece& word : split(text, options.split)) {
    co_await pace.next_tick();  // the lesson's time.sleep(0.5), kept to a fixed schedule
    co_yield chunk{word.text, options.suffix, word.utf16_begin, word.utf16_end};
  }
}

async_generator<chunk> llm_stream_answer(scheduler& sched, std::string text, stream_options options,
                                         timing_options timing, stop_token stop) {
  std::optional<timing_plan> plan;
  try {
    plan.emplace(timing);
  } catch (const std::invalid_argument&) {
    return refused_stream(std::current_exception());
  }
  if (is_fixed_delay(timing)) {  // the lesson's schedule: the lesson's cheaper stream
    options.delay = timing.delay;
    return llm_stream_answer(sched, std::move(text), std::move(options), stop);
  }
  const std::uint32_t suffix_chars = plan->counts_chars() ? utf16_length(options.suffix) : 0;
  if (plan->burst() == 1) {
    return stream_on_plan(sched, std::move(text), options.split, std::move(options.suffix), suffix_chars, *plan, stop);
  }
  return stream_on_plan_in_bursts(sched, std::move(text), options.split, std::move(options.suffix), suffix_chars,
                                  *plan, stop);
}

std::vector<duration> plan_stream_offsets(std::string_view text, const stream_options& options) {
  check_delay(options.delay);
  std::vector<duration> offsets;
  std::int64_t tick = 0;
  for ([[maybe_unused]] const piece& word : split(text, options.split)) offsets.push_back(options.delay * ++tick);
  return offsets;
}

std::vector<duration> plan_stream_offsets(std::string_view text, const stream_options& options,
                                          const timing_options& timing) {
  validate(timing);
  const std::uint32_t suffix_chars = timing.chars_per_second > 0 ? utf16_length(options.suffix) : 0;
  std::vector<unit_size> sizes;
  for (const piece& word : split(text, options.split)) sizes.push_back(size_of(word, suffix_chars));
  return plan_offsets(timing, sizes);
}

std::string chat_template(std::string_view prompt) {
  std::string answer;
  answer.reserve(chat_template_before.size() + prompt.size() + chat_template_after.size());
  answer.append(chat_template_before).append(prompt).append(chat_template_after);
  return answer;
}

stream_options chat_options() {
  stream_options options;
  options.suffix = " ";
  return options;
}

async_generator<chunk> chat(scheduler& sched, std::string_view prompt, stream_options options,
                            stop_token stop) {
  return llm_stream_answer(sched, chat_template(prompt), std::move(options), stop);
}

}  // namespace trickle
