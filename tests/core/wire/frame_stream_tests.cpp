// The shape the wasm binding will give the encoders: a coroutine walks an answer's events,
// waits for each piece's deadline, and hands out the bytes that event wrote, into one buffer
// reused for every frame.
#include <catch2/catch.hpp>

#include "core/runtime/async_generator.hpp"
#include "core/stream/pace.hpp"
#include "core/wire/encoder.hpp"
#include "support.hpp"

#include <string>
#include <vector>

using namespace trickle;
using namespace trickle::testing;
using namespace trickle::wire;

namespace {

async_generator<std::string> frame_stream(scheduler& sched, const answer& a, format f, duration delay) {
  const auto enc = make_encoder(f, a);
  pace schedule{sched, delay};
  std::string frame;
  for (const event& e : events_of(a, split_mode::whitespace)) {
    if (!e.piece.empty()) co_await schedule.next_tick();
    frame.clear();
    enc->write(frame, e);
    if (!frame.empty()) co_yield frame;
  }
}

std::vector<arrival> poll_frames(async_generator<std::string>& gen, virtual_time& time) {
  std::vector<arrival> arrivals;
  auto on_wake = [](void*) noexcept {};
  for (;;) {
    switch (gen.poll(on_wake, nullptr)) {
      case async_generator<std::string>::poll_status::item:
        arrivals.push_back({time.now_ms(), gen.current()});
        break;
      case async_generator<std::string>::poll_status::pending: {
        const auto wake = time.clock.requested_wake();
        REQUIRE(wake);
        time.clock.set(*wake);
        time.sched.run_due();
        break;
      }
      case async_generator<std::string>::poll_status::done:
        if (auto failure = gen.failure()) std::rethrow_exception(failure);
        return arrivals;
    }
  }
}

}  // namespace

TEST_CASE("a coroutine hands out each event's frame at its piece's deadline") {
  answer a;
  a.text = "one two three";
  a.model = "m";
  a.id = "s1";
  for (format f : all_formats) {
    INFO("format " << info(f).name);
    virtual_time time;
    auto gen = frame_stream(time.sched, a, f, std::chrono::milliseconds(100));
    const std::vector<arrival> arrivals = poll_frames(gen, time);

    std::string whole;
    write_stream(f, a, split_mode::whitespace, whole);
    std::string joined;
    for (const arrival& frame : arrivals) joined += frame.text;
    CHECK(joined == whole);

    // The pieces' frames come at 100, 200 and 300 ms; the opening frames at once (none for
    // Gemini, Ollama and plain text), the closing ones right after the last piece.
    std::vector<std::int64_t> times;
    for (const arrival& frame : arrivals) times.push_back(frame.at_ms);
    const bool opens = f != format::gemini && f != format::ollama && f != format::plain_text;
    const bool closes = f != format::plain_text;
    std::vector<std::int64_t> expected;
    if (opens) expected.push_back(0);
    expected.insert(expected.end(), {100, 200, 300});
    if (closes) expected.push_back(300);
    // Formats with a terminator write it as one more frame.
    const bool terminator = f == format::openai_chat || f == format::anthropic || f == format::ui_message;
    if (terminator) expected.push_back(300);
    CHECK(times == expected);
  }
}
