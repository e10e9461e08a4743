// Streams over pieces given explicitly (stream/given.hpp): the tokenizer's chunks with their
// token counts, on pace, on a plan that charges each piece its tokens, or at offsets of their own.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/stream/given.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

// "😀" is two UTF-16 units and four bytes, "你" one unit and three bytes.
const std::string emoji_text = "ab😀你c";

given_pieces pieces(std::vector<std::uint32_t> ends, std::vector<std::uint32_t> tokens = {}) {
  return {std::move(ends), std::move(tokens), {}};
}

timing_options at_rate(double tokens_per_second) {
  timing_options timing;
  timing.tokens_per_second = tokens_per_second;
  return timing;
}

std::vector<std::int64_t> times(const std::vector<arrival>& arrivals) {
  std::vector<std::int64_t> out;
  for (const auto& a : arrivals) out.push_back(a.at_ms);
  return out;
}

std::vector<std::int64_t> in_ms(const std::vector<duration>& offsets) {
  std::vector<std::int64_t> out;
  for (const duration d : offsets) out.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  return out;
}

}  // namespace

TEST_CASE("given pieces on pace come one delay apart, each exactly its span of the text") {
  virtual_time time;
  stream_options options;
  options.delay = 10ms;
  auto gen = llm_stream_given(time.sched, emoji_text, pieces({1, 4, 6}), options);
  const auto got = poll_all(gen, time);
  CHECK(got == std::vector<arrival>{{10, "a"}, {20, "b😀"}, {30, "你c"}});
}

TEST_CASE("a given chunk carries its UTF-16 span and the suffix after it") {
  virtual_time time;
  stream_options options;
  options.delay = 0ms;
  options.suffix = "|";
  auto gen = llm_stream_given(time.sched, emoji_text, pieces({2, 6}), options);
  auto on_wake = [](void*) noexcept {};
  REQUIRE(gen.poll(on_wake, nullptr) == async_generator<chunk>::poll_status::item);
  CHECK(gen.current().utf16_begin == 0);
  CHECK(gen.current().utf16_end == 2);
  CHECK(gen.current().text() == "ab|");
  REQUIRE(gen.poll(on_wake, nullptr) == async_generator<chunk>::poll_status::item);
  CHECK(gen.current().utf16_begin == 2);
  CHECK(gen.current().utf16_end == 6);
  CHECK(gen.current().text() == "😀你c|");
}

TEST_CASE("on a plan each given piece costs its tokens: pieces of 1, 3 and 2 tokens at 100 per second") {
  virtual_time time;
  auto gen = llm_stream_given(time.sched, emoji_text, pieces({1, 4, 6}, {1, 3, 2}), {}, at_rate(100));
  CHECK(times(poll_all(gen, time)) == std::vector<std::int64_t>{10, 40, 60});
  CHECK(in_ms(plan_given_offsets(emoji_text, pieces({1, 4, 6}, {1, 3, 2}), {}, at_rate(100))) ==
        std::vector<std::int64_t>{10, 40, 60});
}

TEST_CASE("without token counts every given piece costs one token") {
  virtual_time time;
  auto gen = llm_stream_given(time.sched, emoji_text, pieces({1, 4, 6}), {}, at_rate(100));
  CHECK(times(poll_all(gen, time)) == std::vector<std::int64_t>{10, 20, 30});
  CHECK(given_tokens(pieces({1, 4, 6})) == 3);
  CHECK(given_tokens(pieces({1, 4, 6}, {1, 3, 2})) == 6);
}

TEST_CASE("at chars_per_second a given piece costs its UTF-16 length and the suffix's") {
  virtual_time time;
  timing_options timing;
  timing.chars_per_second = 100;
  stream_options options;
  options.suffix = "--";
  // Pieces of 1, 3 and 2 units, each with 2 more for the suffix: 3, 5 and 4 characters.
  auto gen = llm_stream_given(time.sched, emoji_text, pieces({1, 4, 6}, {9, 9, 9}), options, timing);
  CHECK(times(poll_all(gen, time)) == std::vector<std::int64_t>{30, 80, 120});
}

TEST_CASE("bursts deliver given pieces in groups, when the last of each group is ready") {
  virtual_time time;
  timing_options timing = at_rate(100);
  timing.burst = 2;
  auto gen = llm_stream_given(time.sched, "abcde", pieces({1, 2, 3, 4, 5}, {1, 2, 1, 1, 3}), {}, timing);
  CHECK(times(poll_all(gen, time)) == std::vector<std::int64_t>{30, 30, 50, 50, 80});
  CHECK(in_ms(plan_given_offsets("abcde", pieces({1, 2, 3, 4, 5}, {1, 2, 1, 1, 3}), {}, timing)) ==
        std::vector<std::int64_t>{30, 30, 50, 50, 80});
}

TEST_CASE("offsets give each piece its own arrival, whatever the pace or the plan would say") {
  virtual_time time;
  time.set_ms(1000);
  given_pieces given = pieces({1, 4, 6}, {1, 3, 2});
  given.offsets = {5ms, 5ms, 250ms};
  auto gen = llm_stream_given(time.sched, emoji_text, given, {}, at_rate(100));
  CHECK(poll_all(gen, time) == std::vector<arrival>{{1005, "a"}, {1005, "b😀"}, {1250, "你c"}});
  CHECK(plan_given_offsets(emoji_text, given, {}) == given.offsets);
  CHECK(plan_given_offsets(emoji_text, given, {}, at_rate(100)) == given.offsets);
}

TEST_CASE("a plan over given pieces is the stream's own for a seed, jitter and stalls included") {
  timing_options timing = at_rate(50);
  timing.ttft = 300ms;
  timing.gap_jitter = {jitter_kind::lognormal, 0.8};
  timing.stalls = {0.3, 20ms, 90ms, false};
  timing.seed = 1234;
  std::string text;
  std::vector<std::uint32_t> ends;
  std::vector<std::uint32_t> tokens;
  for (std::uint32_t i = 0; i < 200; ++i) {
    text += "w ";
    ends.push_back(2 * (i + 1));
    tokens.push_back(1 + i % 4);
  }
  virtual_time time;
  auto gen = llm_stream_given(time.sched, text, pieces(ends, tokens), {}, timing);
  std::vector<std::int64_t> streamed = times(poll_all(gen, time));
  const auto planned = plan_given_offsets(text, pieces(ends, tokens), {}, timing);
  REQUIRE(planned.size() == 200);
  std::vector<std::int64_t> planned_ms;
  // poll_all reads whole milliseconds; the plan is in microseconds.
  for (const duration d : planned) planned_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  CHECK(streamed == planned_ms);
}

TEST_CASE("empty text takes no pieces and ends at once") {
  virtual_time time;
  auto gen = llm_stream_given(time.sched, "", pieces({}), {}, at_rate(10));
  CHECK(poll_all(gen, time).empty());
  CHECK(plan_given_offsets("", pieces({}), {}).empty());
}

TEST_CASE("pieces that do not cut the text are refused at the first next(), saying why") {
  const auto refused = [](given_pieces given) {
    virtual_time time;
    auto gen = llm_stream_given(time.sched, emoji_text, std::move(given), {}, at_rate(100));
    return poll_all(gen, time);
  };
  CHECK_THROWS_WITH(refused(pieces({3, 6})), Catch::Contains("fall between characters"));  // inside 😀
  CHECK_THROWS_WITH(refused(pieces({4, 2, 6})), Catch::Contains("must increase"));
  CHECK_THROWS_WITH(refused(pieces({1, 4})), Catch::Contains("6 UTF-16 units"));  // short of the end
  CHECK_THROWS_WITH(refused(pieces({1, 4, 6}, {1, 1})), Catch::Contains("2 token counts for 3 pieces"));
  given_pieces backwards = pieces({1, 4, 6});
  backwards.offsets = {10ms, 5ms, 20ms};
  CHECK_THROWS_WITH(refused(backwards), Catch::Contains("offset 1"));
  given_pieces short_offsets = pieces({1, 4, 6});
  short_offsets.offsets = {10ms};
  CHECK_THROWS_WITH(refused(short_offsets), Catch::Contains("1 offsets for 3 pieces"));
  CHECK_THROWS_AS(plan_given_offsets(emoji_text, pieces({3, 6}), {}), std::invalid_argument);
  timing_options zero_chunk = at_rate(10);
  zero_chunk.tokens_per_chunk = 0;
  CHECK_THROWS_WITH(plan_given_offsets(emoji_text, pieces({6}), {}, zero_chunk), Catch::Contains("tokens_per_chunk"));
}

TEST_CASE("a stop request ends a stream of given pieces at once, its timer gone") {
  virtual_time time;
  stop_source source;
  auto gen = llm_stream_given(time.sched, emoji_text, pieces({1, 4, 6}, {1, 1, 1}), {}, at_rate(1), source.token());
  int wakes = 0;
  auto on_wake = [](void* counter) noexcept { ++*static_cast<int*>(counter); };
  REQUIRE(gen.poll(on_wake, &wakes) == async_generator<chunk>::poll_status::pending);
  CHECK(time.sched.scheduled_count() == 1);
  source.request_stop();
  CHECK(time.sched.scheduled_count() == 0);  // its sleep left the heap inside request_stop()
  time.run_for_ms(0);                         // the next turn, at the same time
  CHECK(wakes == 1);
  REQUIRE(gen.poll(on_wake, &wakes) == async_generator<chunk>::poll_status::done);
  CHECK(time.now_ms() == 0);
  CHECK_THROWS_AS(std::rethrow_exception(gen.failure()), operation_cancelled);
}
