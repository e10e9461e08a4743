#include "core/stream/llm_stream.hpp"

#include <utility>

namespace trickle {

async_generator<chunk> llm_stream_answer(scheduler& sched, std::string text,
                                         stream_options options, stop_token stop) {
  if (options.delay < duration::zero()) {
    throw std::invalid_argument("trickle: the delay must not be negative");
  }
  pace pace{sched, options.delay, stop};  // t0: now, the consumer's first next()
  for (const piece& word : split(text, options.split)) {
    co_await pace.next_tick();  // the lesson's time.sleep(0.5), kept to a fixed schedule
    co_yield chunk{word.text, options.suffix, word.utf16_begin, word.utf16_end};
  }
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
