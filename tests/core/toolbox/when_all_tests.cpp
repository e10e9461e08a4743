#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/toolbox/when_all.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

// Sleeps, records when it finished, returns its name.
task<std::string> finish_after(scheduler& s, duration delay, std::string name, std::vector<std::string>& finished) {
  co_await s.sleep_for(delay);
  finished.push_back(name);
  co_return name;
}

}  // namespace

TEST_CASE("when_all returns the results in argument order, not in the order the tasks finished") {
  virtual_time time;
  std::vector<std::string> finished;
  auto [slow, fast, middle] = time.run(when_all(finish_after(time.sched, 30ms, "slow", finished),
                                                finish_after(time.sched, 10ms, "fast", finished),
                                                finish_after(time.sched, 20ms, "middle", finished)));
  CHECK(finished == std::vector<std::string>{"fast", "middle", "slow"});
  CHECK(slow == "slow");
  CHECK(fast == "fast");
  CHECK(middle == "middle");
  CHECK(time.now_ms() == 30);  // side by side: the longest, not the sum
}

TEST_CASE("when_all mixes result types, and a void task gives std::monostate") {
  virtual_time time;
  auto number = [](scheduler& s) -> task<int> {
    co_await s.sleep_for(5ms);
    co_return 3;
  };
  auto nothing = [](scheduler& s) -> task<> { co_await s.sleep_for(7ms); };
  auto [three, empty] = time.run(when_all(number(time.sched), nothing(time.sched)));
  CHECK(three == 3);
  CHECK(std::is_same_v<decltype(empty), std::monostate>);
  CHECK(time.now_ms() == 7);
}

TEST_CASE("when_all over a vector gathers every result in order, and an empty vector finishes at once") {
  virtual_time time;
  std::vector<std::string> finished;
  std::vector<task<std::string>> tasks;
  for (int i = 0; i < 5; ++i) {
    tasks.push_back(finish_after(time.sched, std::chrono::milliseconds(50 - 10 * i), "t" + std::to_string(i), finished));
  }
  CHECK(time.run(when_all(std::move(tasks))) == std::vector<std::string>{"t0", "t1", "t2", "t3", "t4"});
  CHECK(finished == std::vector<std::string>{"t4", "t3", "t2", "t1", "t0"});
  CHECK(time.run(when_all(std::vector<task<std::string>>{})).empty());
}

TEST_CASE("when one child of when_all fails, the others are cancelled at once and its exception is rethrown after they have finished") {
  virtual_time time;
  int live = 0;
  std::vector<std::string> log;
  auto failing = [](scheduler& s, std::vector<std::string>& log) -> task<> {
    co_await s.sleep_for(20ms);
    log.push_back("failing child throws");
    throw std::runtime_error("child failed");
  };
  auto gather = when_all(sleep_with_probe(time.sched, 1h, live, log, "a"), failing(time.sched, log),
                         sleep_with_probe(time.sched, 1h, live, log, "b"));
  std::string error;
  try {
    time.run(std::move(gather));
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  CHECK(error == "child failed");
  CHECK(log == std::vector<std::string>{"failing child throws", "a cancelled", "b cancelled"});
  CHECK(live == 0);
  CHECK(time.now_ms() == 20);
  CHECK(time.sched.scheduled_count() == 0);
}

TEST_CASE("a child that fails before it first waits stops the children after it from starting at all") {
  virtual_time time;
  std::vector<std::string> log;
  auto early_failure = []() -> task<int> { throw std::logic_error("at once"); co_return 0; };
  auto never = [](std::vector<std::string>& log) -> task<int> {
    log.push_back("started");
    co_return 1;
  };
  CHECK_THROWS_AS(time.run(when_all(early_failure(), never(log))), std::logic_error);
  CHECK(log.empty());
}

TEST_CASE("cancelling a when_all cancels every child, frees them, and ends with operation_cancelled") {
  virtual_time time;
  int live = 0;
  std::vector<std::string> log;
  auto handle = create_task(time.sched, [](scheduler& s, int& live, std::vector<std::string>& log) -> task<> {
    co_await when_all(sleep_with_probe(s, 1h, live, log, "a"), sleep_with_probe(s, 2h, live, log, "b"));
  }(time.sched, live, log));
  time.run_for_ms(100);
  REQUIRE(live == 2);
  REQUIRE(time.sched.scheduled_count() == 2);
  handle.cancel();
  CHECK(time.sched.scheduled_count() == 0);
  time.run_until_idle();
  CHECK(log == std::vector<std::string>{"a cancelled", "b cancelled"});
  CHECK(live == 0);
  CHECK(handle.cancelled());
  CHECK(time.now_ms() == 100);
}

TEST_CASE("when_all inside when_all: one failure deep inside cancels the whole tree") {
  virtual_time time;
  int live = 0;
  std::vector<std::string> log;
  auto inner = [](scheduler& s, int& live, std::vector<std::string>& log) -> task<> {
    co_await when_all(sleep_with_probe(s, 1h, live, log, "inner a"), sleep_with_probe(s, 1h, live, log, "inner b"));
  };
  auto gather = when_all(inner(time.sched, live, log), throw_after<std::string>(time.sched, 10ms, "deep failure"),
                         sleep_with_probe(time.sched, 1h, live, log, "outer"));
  CHECK_THROWS_WITH(time.run(std::move(gather)), "deep failure");
  CHECK(live == 0);
  CHECK(log.size() == 3);
  CHECK(time.now_ms() == 10);
}
