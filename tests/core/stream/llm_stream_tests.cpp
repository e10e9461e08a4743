#include <catch2/catch.hpp>

#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {
using strings = std::vector<std::string>;
}  // namespace

TEST_CASE("the seed sentence streams its seven words, one every 500 ms") {
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, lesson_sentence);
  CHECK(poll_all(gen, time) == std::vector<arrival>{{500, "你好"}, {1000, "我"}, {1500, "是"},
                                                     {2000, "一个"}, {2500, "模拟"},
                                                     {3000, "的"}, {3500, "LLM"}});
}

TEST_CASE("the schedule starts at the consumer's first next(), not at creation") {
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, "a b", {.delay = 100ms, .split = split_mode::whitespace, .suffix = ""});
  time.set_ms(1000);  // created at 0, first asked at 1000
  CHECK(poll_all(gen, time) == std::vector<arrival>{{1100, "a"}, {1200, "b"}});
}

TEST_CASE("a consumer that falls behind gets the pieces already due at once, never early") {
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, "p0 p1 p2 p3 p4 p5 p6", {.delay = 100ms, .split = split_mode::whitespace, .suffix = ""});
  std::vector<arrival> got;
  auto on_wake = [](void*) noexcept {};
  using status = async_generator<chunk>::poll_status;
  REQUIRE(gen.poll(on_wake, nullptr) == status::pending);  // t0 = 0
  time.set_ms(350);  // busy until 350 ms: p0, p1, p2 are due (100, 200, 300)
  time.sched.run_due();
  while (gen.poll(on_wake, nullptr) == status::item) got.push_back({time.now_ms(), gen.current().text()});
  CHECK(got == std::vector<arrival>{{350, "p0"}, {350, "p1"}, {350, "p2"}});
  // p3 is due at 400, not earlier, and the rest keep their places on the schedule.
  got.clear();
  time.set_ms(399);
  time.sched.run_due();
  CHECK(gen.poll(on_wake, nullptr) == status::pending);
  auto rest = poll_all(gen, time);
  CHECK(rest == std::vector<arrival>{{400, "p3"}, {500, "p4"}, {600, "p5"}, {700, "p6"}});
}

TEST_CASE("many streams share one timer queue and one wake-up request") {
  virtual_time time;
  std::vector<async_generator<chunk>> streams;
  for (int i = 0; i < 100; ++i) {
    streams.push_back(llm_stream_answer(time.sched, "a b c", {std::chrono::milliseconds(10 + i), split_mode::whitespace, ""}));
  }
  auto on_wake = [](void*) noexcept {};
  for (auto& s : streams) REQUIRE(s.poll(on_wake, nullptr) == async_generator<chunk>::poll_status::pending);
  CHECK(time.sched.scheduled_count() == 100);
  CHECK(time.clock.requested_wake() == at_ms(10));
  streams.clear();
  CHECK(time.sched.scheduled_count() == 0);
}

TEST_CASE("split modes and the suffix shape the chunks") {
  virtual_time time;
  SECTION("space keeps empty pieces, like JS split(\" \")") {
    auto gen = llm_stream_answer(time.sched, "a  b", {.delay = 0ms, .split = split_mode::space, .suffix = ""});
    CHECK(texts(poll_all(gen, time)) == strings{"a", "", "b"});
  }
  SECTION("character mode streams Chinese text one character at a time") {
    auto gen = llm_stream_answer(time.sched, "你好吗", {.delay = 0ms, .split = split_mode::character, .suffix = ""});
    CHECK(texts(poll_all(gen, time)) == strings{"你", "好", "吗"});
  }
  SECTION("the suffix follows each piece") {
    auto gen = llm_stream_answer(time.sched, "a b", {.delay = 0ms, .split = split_mode::whitespace, .suffix = " "});
    CHECK(texts(poll_all(gen, time)) == strings{"a ", "b "});
  }
  SECTION("empty text ends at once") {
    auto gen = llm_stream_answer(time.sched, "", {});
    CHECK(poll_all(gen, time).empty());
    CHECK(time.now_ms() == 0);
  }
}

TEST_CASE("chunks carry UTF-16 spans that locate each piece in the text") {
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, "😀 你好", {.delay = 0ms, .split = split_mode::whitespace, .suffix = ""});
  auto on_wake = [](void*) noexcept {};
  REQUIRE(gen.poll(on_wake, nullptr) == async_generator<chunk>::poll_status::item);
  CHECK(gen.current().utf16_begin == 0);
  CHECK(gen.current().utf16_end == 2);
  REQUIRE(gen.poll(on_wake, nullptr) == async_generator<chunk>::poll_status::item);
  CHECK(gen.current().utf16_begin == 3);
  CHECK(gen.current().utf16_end == 5);
}

TEST_CASE("chat() streams the FastAPI template word by word with a space after each") {
  CHECK(chat_template("你好") == "你提问的是: 你好, 我正在流式生成答案...");
  virtual_time time;
  auto gen = chat(time.sched, "你好");
  CHECK(poll_all(gen, time) == std::vector<arrival>{{500, "你提问的是: "}, {1000, "你好, "},
                                                     {1500, "我正在流式生成答案... "}});
}

TEST_CASE("a negative delay is reported at the first next(), like a generator's first line") {
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, "a", {.delay = -1ms, .split = split_mode::whitespace, .suffix = ""});
  CHECK_THROWS_AS(poll_all(gen, time), std::invalid_argument);
}

TEST_CASE("invalid UTF-8 streams through unchanged") {
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, "ok \xff\xfe", {.delay = 0ms, .split = split_mode::whitespace, .suffix = ""});
  CHECK(texts(poll_all(gen, time)) == strings{"ok", "\xff\xfe"});
}

TEST_CASE("fail_after passes n items, then fails when the next one would have come") {
  virtual_time time;
  auto gen = fail_after(llm_stream_answer(time.sched, "a b c d", {.delay = 100ms, .split = split_mode::whitespace, .suffix = ""}), 2,
                        "connection lost");
  std::vector<arrival> got;
  auto on_wake = [](void*) noexcept {};
  for (;;) {
    auto s = gen.poll(on_wake, nullptr);
    if (s == async_generator<chunk>::poll_status::item) got.push_back({time.now_ms(), gen.current().text()});
    if (s == async_generator<chunk>::poll_status::done) break;
    if (s == async_generator<chunk>::poll_status::pending) {
      time.clock.set(*time.clock.requested_wake());
      time.sched.run_due();
    }
  }
  CHECK(got == std::vector<arrival>{{100, "a"}, {200, "b"}});
  CHECK(time.now_ms() == 300);
  CHECK_THROWS_AS(std::rethrow_exception(gen.failure()), simulated_failure);
  SECTION("and ends normally when the source ends first") {
    virtual_time t2;
    auto short_gen = fail_after(llm_stream_answer(t2.sched, "a", {.delay = 0ms, .split = split_mode::whitespace, .suffix = ""}), 3, "x");
    CHECK(texts(poll_all(short_gen, t2)) == strings{"a"});
  }
}

TEST_CASE("a million zero-delay pieces stream without waiting and without growing memory per piece") {
  std::string text;
  for (int i = 0; i < 1'000'000; ++i) text += "w ";
  virtual_time time;
  auto gen = llm_stream_answer(time.sched, std::move(text), {.delay = 0ms, .split = split_mode::whitespace, .suffix = ""});
  std::size_t count = 0;
  auto on_wake = [](void*) noexcept {};
  while (gen.poll(on_wake, nullptr) == async_generator<chunk>::poll_status::item) ++count;
  CHECK(count == 1'000'000);
  CHECK(time.sched.scheduled_count() == 0);
}
