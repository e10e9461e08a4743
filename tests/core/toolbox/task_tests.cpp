#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/toolbox/task.hpp"
#include "core/toolbox/task_handle.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

[[gnu::noinline]] std::uintptr_t stack_position() {
  volatile char marker = 0;
  volatile std::uintptr_t address = reinterpret_cast<std::uintptr_t>(&marker);
  return address;
}

}  // namespace

TEST_CASE("a task does not start until it is awaited, then returns its value") {
  virtual_time time;
  bool started = false;
  auto lazy = [](bool& started) -> task<int> {
    started = true;
    co_return 7;
  }(started);
  CHECK_FALSE(started);
  const int result = time.run([](task<int> inner) -> task<int> { co_return co_await inner + 1; }(std::move(lazy)));
  CHECK(started);
  CHECK(result == 8);
}

TEST_CASE("a task that waits resumes its awaiter at its own deadline") {
  virtual_time time;
  const int result = time.run([](scheduler& s) -> task<int> {
    const int a = co_await value_after(s, 30ms, 1);
    const int b = co_await value_after(s, 20ms, 2);
    co_return a * 10 + b;
  }(time.sched));
  CHECK(result == 12);
  CHECK(time.now_ms() == 50);
}

TEST_CASE("an exception thrown in a task is rethrown from co_await in its awaiter") {
  virtual_time time;
  auto failing = [](scheduler& s) -> task<int> {
    co_await s.sleep_for(5ms);
    throw std::runtime_error("broken inside");
  };
  const std::string message = time.run([](task<int> inner) -> task<std::string> {
    try {
      co_await inner;
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "no exception";
  }(failing(time.sched)));
  CHECK(message == "broken inside");
}

TEST_CASE("a hundred thousand tasks that finish without waiting do not grow the stack") {
  virtual_time time;
  std::uintptr_t lowest = UINTPTR_MAX, highest = 0;
  auto measured = [](std::uintptr_t& lowest, std::uintptr_t& highest, int i) -> task<int> {
    const std::uintptr_t here = stack_position();
    lowest = std::min(lowest, here);
    highest = std::max(highest, here);
    co_return i;
  };
  const long long sum = time.run([](auto measured, std::uintptr_t& lowest, std::uintptr_t& highest) -> task<long long> {
    long long total = 0;
    for (int i = 0; i < 100'000; ++i) total += co_await measured(lowest, highest, i);
    co_return total;
  }(measured, lowest, highest));
  CHECK(sum == 100'000LL * 99'999 / 2);
  CHECK(highest - lowest < 256);
}

TEST_CASE("create_task starts the task at the next turn of the scheduler, not inside the call") {
  virtual_time time;
  std::vector<std::string> log;
  auto handle = create_task(time.sched, [](std::vector<std::string>& log) -> task<> {
    log.push_back("task ran");
    co_return;
  }(log));
  log.push_back("create_task returned");
  CHECK_FALSE(handle.done());
  time.sched.run_due();
  CHECK(log == std::vector<std::string>{"create_task returned", "task ran"});
  CHECK(handle.done());
  CHECK_FALSE(handle.cancelled());
}

TEST_CASE("every awaiter of a handle gets the result, and awaiting a finished task does not wait") {
  virtual_time time;
  auto handle = create_task(time.sched, value_after(time.sched, 10ms, 42));
  std::vector<std::string> got;
  auto waiter = [](task_handle<int> h, std::vector<std::string>& got, std::string name) -> task<> {
    const int value = co_await h;
    got.push_back(name + "=" + std::to_string(value));
  };
  auto first = create_task(time.sched, waiter(handle, got, "first"));
  auto second = create_task(time.sched, waiter(handle, got, "second"));
  time.run_until_idle();
  CHECK(got == std::vector<std::string>{"first=42", "second=42"});
  CHECK(time.now_ms() == 10);
  time.run(waiter(handle, got, "late"));
  CHECK(got.back() == "late=42");
  CHECK(time.now_ms() == 10);
  CHECK(handle.result() == 42);
}

TEST_CASE("a spawned task frees its frame the moment its body finishes, while its handle keeps the result") {
  virtual_time time;
  int live = 0;
  auto handle = create_task(time.sched, [](scheduler& s, int& live) -> task<std::string> {
    lifetime_probe probe{live};
    co_await s.sleep_for(10ms);
    co_return "kept";
  }(time.sched, live));
  time.run_for_ms(5);
  CHECK(live == 1);
  time.run_until_idle();
  CHECK(live == 0);
  CHECK(handle.result() == "kept");
}

TEST_CASE("a task keeps running when its handle is dropped, like a fire-and-forget asyncio task") {
  virtual_time time;
  int live = 0;
  std::vector<std::string> log;
  create_task(time.sched, sleep_with_probe(time.sched, 10ms, live, log, "orphan"));
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"orphan woke"});
  CHECK(live == 0);
}

TEST_CASE("a task cancelled before its first turn never runs its body") {
  virtual_time time;
  bool ran = false;
  auto handle = create_task(time.sched, [](bool& ran) -> task<> {
    ran = true;
    co_return;
  }(ran));
  CHECK(handle.cancel());
  time.run_until_idle();
  CHECK_FALSE(ran);
  CHECK(handle.done());
  CHECK(handle.cancelled());
  CHECK_THROWS_AS(handle.result(), operation_cancelled);
}

TEST_CASE("cancelling a sleeping task removes its timer at once and frees its frame at the same virtual time") {
  virtual_time time;
  int live = 0;
  std::vector<std::string> log;
  auto handle = create_task(time.sched, sleep_with_probe(time.sched, 1h, live, log, "sleeper"));
  time.run_for_ms(100);
  REQUIRE(live == 1);
  REQUIRE(time.sched.scheduled_count() == 1);

  CHECK(handle.cancel());
  CHECK(time.sched.scheduled_count() == 0);  // gone from the heap inside cancel()
  CHECK_FALSE(handle.cancel());              // asked once is enough
  time.run_until_idle();
  CHECK(time.now_ms() == 100);
  CHECK(live == 0);
  CHECK(log == std::vector<std::string>{"sleeper cancelled"});
  CHECK(handle.cancelled());
  CHECK_FALSE(time.clock.requested_wake());
}

TEST_CASE("cancelling a task cancels the task it awaits inline, and both unwind innermost first") {
  virtual_time time;
  int live = 0;
  std::vector<std::string> log;
  auto outer = [](scheduler& s, int& live, std::vector<std::string>& log) -> task<> {
    lifetime_probe probe{live};
    try {
      co_await sleep_with_probe(s, 1h, live, log, "inner");
    } catch (const operation_cancelled&) {
      log.push_back("outer cancelled");
      throw;
    }
  };
  auto handle = create_task(time.sched, outer(time.sched, live, log));
  time.run_for_ms(1);
  CHECK(live == 2);
  handle.cancel();
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"inner cancelled", "outer cancelled"});
  CHECK(live == 0);
  CHECK(handle.cancelled());
}

TEST_CASE("a task cancelled while awaiting a handle cancels that task too and gets its outcome") {
  virtual_time time;
  int live = 0;
  std::vector<std::string> log;
  auto inner = create_task(time.sched, sleep_with_probe(time.sched, 1h, live, log, "inner"));
  auto outer = create_task(time.sched, [](task_handle<> inner) -> task<> { co_await inner; }(inner));
  time.run_for_ms(1);
  outer.cancel();
  time.run_until_idle();
  CHECK(inner.cancelled());
  CHECK(outer.cancelled());
  CHECK(log == std::vector<std::string>{"inner cancelled"});
  CHECK(time.now_ms() == 1);
}

TEST_CASE("a cancellation is permanent: after catching it, the task's next wait throws again at once") {
  virtual_time time;
  std::vector<std::string> log;
  auto handle = create_task(time.sched, [](scheduler& s, std::vector<std::string>& log) -> task<int> {
    try {
      co_await s.sleep_for(1h);
    } catch (const operation_cancelled&) {
      log.push_back("caught");
    }
    try {
      co_await s.sleep_for(1ms);
      log.push_back("slept again");
    } catch (const operation_cancelled&) {
      log.push_back("cancelled again");
    }
    co_return 5;  // a task may still finish normally
  }(time.sched, log));
  time.run_for_ms(10);
  handle.cancel();
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"caught", "cancelled again"});
  CHECK(handle.result() == 5);
  CHECK_FALSE(handle.cancelled());
  CHECK(time.now_ms() == 10);
}

TEST_CASE("a task awaited inline runs under its awaiter's stop token, a spawned task under its own") {
  virtual_time time;
  auto read_token = []() -> task<stop_token> { co_return co_await current_stop_token(); };
  struct tokens {
    stop_token mine, inline_child, spawned_child;
  };
  const tokens seen = time.run([](scheduler& s, auto read_token) -> task<tokens> {
    tokens seen;
    seen.mine = co_await current_stop_token();
    seen.inline_child = co_await read_token();
    seen.spawned_child = co_await create_task(s, read_token());
    co_return seen;
  }(time.sched, read_token));
  CHECK(seen.mine.stop_possible());
  CHECK(seen.inline_child == seen.mine);
  CHECK(seen.spawned_child.stop_possible());
  CHECK_FALSE(seen.spawned_child == seen.mine);
}

TEST_CASE("with_stop_token runs a task under another token, deaf to its awaiter's cancellation") {
  virtual_time time;
  std::vector<std::string> log;
  auto handle = create_task(time.sched, [](scheduler& s, std::vector<std::string>& log) -> task<> {
    co_await with_stop_token(stop_token{}, [](scheduler& s, std::vector<std::string>& log) -> task<> {
      co_await s.sleep_for(50ms);
      log.push_back("finished despite the cancel");
    }(s, log));
    co_await s.sleep_for(1ms);  // back under our own (stopped) token
    log.push_back("not reached");
  }(time.sched, log));
  time.run_for_ms(10);
  handle.cancel();
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"finished despite the cancel"});
  CHECK(time.now_ms() == 50);
  CHECK(handle.cancelled());
}

TEST_CASE("a move-only result is moved out to its awaiter") {
  virtual_time time;
  auto result = time.run([](scheduler& s) -> task<std::unique_ptr<int>> {
    auto handle = create_task(s, [](scheduler& s) -> task<std::unique_ptr<int>> {
      co_await s.sleep_for(1ms);
      co_return std::make_unique<int>(9);
    }(s));
    co_return co_await std::move(handle);
  }(time.sched));
  REQUIRE(result);
  CHECK(*result == 9);
}

TEST_CASE("cancelling a task that consumes a stream wakes the stream's sleep and frees the stream at once") {
  virtual_time time;
  int live = 0;
  std::vector<std::string> words;
  auto handle = create_task(time.sched, [](scheduler& s, int& live, std::vector<std::string>& words) -> task<> {
    auto stream = llm_stream_answer(s, "你好 我 是 一个 模拟 的 LLM");
    lifetime_probe probe{live};
    while (chunk* c = co_await stream.next()) words.push_back(c->text());
  }(time.sched, live, words));
  time.run_for_ms(1200);
  CHECK(words == std::vector<std::string>{"你好", "我"});
  handle.cancel();
  CHECK(time.sched.scheduled_count() == 0);
  time.run_until_idle();
  CHECK(time.now_ms() == 1200);
  CHECK(live == 0);
  CHECK(handle.cancelled());
}
