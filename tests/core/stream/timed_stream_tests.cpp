#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/stream/presets.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

using status = async_generator<chunk>::poll_status;

struct timed_piece {
  duration at;  // since the first poll
  std::string text;
  bool operator==(const timed_piece&) const = default;
};

std::ostream& operator<<(std::ostream& out, const timed_piece& p) {
  return out << "{" << p.at.count() << " us, \"" << p.text << "\"}";
}

// Polls like the binding does, jumping virtual time to each requested wake-up, and records
// when each piece arrived, to the microsecond, counted from the first poll (t0). After each
// arrival the consumer may be busy for `busy(i)`, letting time pass before it asks again.
template <typename Busy>
std::vector<timed_piece> poll_timed(async_generator<chunk>& gen, virtual_time& time, Busy busy) {
  std::vector<timed_piece> got;
  const time_point t0 = time.clock.now();
  auto on_wake = [](void*) noexcept {};
  for (;;) {
    switch (gen.poll(on_wake, nullptr)) {
      case status::item:
        got.push_back({time.clock.now() - t0, gen.current().text()});
        time.clock.set(time.clock.now() + busy(got.size() - 1));
        time.sched.run_due();
        break;
      case status::pending: {
        auto wake = time.clock.requested_wake();
        if (!wake) throw std::logic_error("generator is pending but nothing is scheduled");
        time.clock.set(*wake);
        time.sched.run_due();
        break;
      }
      case status::done:
        if (auto failure = gen.failure()) std::rethrow_exception(failure);
        return got;
    }
  }
}

std::vector<timed_piece> poll_timed(async_generator<chunk>& gen, virtual_time& time) {
  return poll_timed(gen, time, [](std::size_t) { return duration::zero(); });
}

std::string words(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += "w" + std::to_string(i) + " ";
  return text;
}

}  // namespace

TEST_CASE("a stream on a fixed-delay timing plan arrives exactly as the lesson's pace") {
  virtual_time paced_time;
  auto paced = llm_stream_answer(paced_time.sched, lesson_sentence, {200ms, split_mode::whitespace, " "});
  virtual_time planned_time;
  timing_options fixed;
  fixed.delay = 200ms;
  auto planned = llm_stream_answer(planned_time.sched, lesson_sentence, {0ms, split_mode::whitespace, " "}, fixed);
  const auto expected = poll_timed(paced, paced_time);
  CHECK(expected.size() == 7);
  CHECK(expected.back().at == 1400ms);
  CHECK(poll_timed(planned, planned_time) == expected);
}

TEST_CASE("plan_stream_offsets without timing options is the lesson's pace") {
  CHECK(plan_stream_offsets(lesson_sentence, {}) ==
        std::vector<duration>{500ms, 1000ms, 1500ms, 2000ms, 2500ms, 3000ms, 3500ms});
  CHECK(plan_stream_offsets("", {}).empty());
  CHECK_THROWS_AS(plan_stream_offsets("a", {-1ms, split_mode::whitespace, ""}), std::invalid_argument);
}

TEST_CASE("a stream with a preset delivers each piece exactly at its planned deadline") {
  for (std::string_view preset : timing_preset_names()) {
    INFO(preset);
    const stream_options options{0ms, split_mode::whitespace, " "};
    timing_options timing = timing_preset(preset);
    timing.seed = 2024;
    const std::string text = words(300);
    const auto planned = plan_stream_offsets(text, options, timing);
    REQUIRE(planned.size() == 300);
    virtual_time time;
    time.set_ms(12'345);  // t0 is the first poll, whatever the clock says then
    auto gen = llm_stream_answer(time.sched, text, options, timing);
    const auto got = poll_timed(gen, time);
    REQUIRE(got.size() == planned.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      REQUIRE(got[i].at == planned[i]);
      REQUIRE(got[i].text == "w" + std::to_string(i) + " ");
    }
  }
}

TEST_CASE("a consumer that falls behind a planned stream gets pieces late, never early, and the plan does not drift") {
  const stream_options options{0ms, split_mode::whitespace, ""};
  timing_options timing = timing_preset("gemini-flash");
  timing.seed = 77;
  const std::string text = words(500);
  const auto planned = plan_stream_offsets(text, options, timing);
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, text, options, timing);
  // Busy for 0 to 90 ms after each piece, the same way every run.
  const auto got = poll_timed(gen, time, [](std::size_t i) { return duration{(i * 7919) % 90'000}; });
  REQUIRE(got.size() == planned.size());
  std::size_t on_time = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    REQUIRE(got[i].at >= planned[i]);
    if (got[i].at == planned[i]) ++on_time;
  }
  CHECK(on_time > 0);  // catching up is possible: lateness did not push the plan back
}

TEST_CASE("chars_per_second charges each piece its UTF-16 length plus the suffix") {
  const stream_options options{0ms, split_mode::whitespace, " "};
  timing_options timing;
  timing.chars_per_second = 1000;  // 1 ms a UTF-16 unit
  // "a " = 2, "bb " = 3, "😀 " = 3 (a surrogate pair and the space)
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, "a bb 😀", options, timing);
  CHECK(poll_timed(gen, time) == std::vector<timed_piece>{{2ms, "a "}, {5ms, "bb "}, {8ms, "😀 "}});
  CHECK(plan_stream_offsets("a bb 😀", options, timing) == std::vector<duration>{2ms, 5ms, 8ms});
}

TEST_CASE("a burst plan delivers its groups together, the last group possibly smaller") {
  timing_options timing;
  timing.delay = 10ms;
  timing.burst = 3;
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, "abcdefgh", {0ms, split_mode::character, ""}, timing);
  CHECK(poll_timed(gen, time) == std::vector<timed_piece>{{30ms, "a"}, {30ms, "b"}, {30ms, "c"}, {60ms, "d"},
                                                          {60ms, "e"}, {60ms, "f"}, {80ms, "g"}, {80ms, "h"}});
}

TEST_CASE("invalid timing options are reported at the stream's first next(), and at once by plan_stream_offsets") {
  timing_options timing;
  timing.burst = 0;
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, "a b", {}, timing);  // nothing checked yet
  CHECK_THROWS_AS(poll_timed(gen, time), std::invalid_argument);
  CHECK_THROWS_AS(plan_stream_offsets("a b", {}, timing), std::invalid_argument);
  SECTION("the lesson's delay is not checked when a plan replaces it") {
    timing_options fine;
    fine.delay = 1ms;
    virtual_time t;
    auto ok = llm_stream_answer(t.sched, "a b", {-1ms, split_mode::whitespace, ""}, fine);
    CHECK(poll_timed(ok, t) == std::vector<timed_piece>{{1ms, "a"}, {2ms, "b"}});
  }
}

TEST_CASE("a stop request wakes a stream waiting on its plan and ends it with operation_cancelled") {
  virtual_time time;
  stop_source stop;
  timing_options timing = timing_preset("reasoning");  // seconds before the first piece
  timing.seed = 1;
  auto gen = llm_stream_answer(time.sched, lesson_sentence, {}, timing, stop.token());
  auto on_wake = [](void*) noexcept {};
  REQUIRE(gen.poll(on_wake, nullptr) == status::pending);
  CHECK(time.sched.scheduled_count() == 1);
  time.run_for_ms(100);
  stop.request_stop();
  CHECK(time.sched.scheduled_count() == 0);
  time.run_for_ms(0);
  CHECK(gen.poll(on_wake, nullptr) == status::done);
  CHECK_THROWS_AS(std::rethrow_exception(gen.failure()), operation_cancelled);
  CHECK(time.now_ms() == 100);
}
