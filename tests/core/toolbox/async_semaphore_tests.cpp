#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/toolbox/async_semaphore.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace std::chrono_literals;

namespace {

struct concurrency_meter {
  int now = 0;
  int highest = 0;
  std::vector<std::int64_t> finished_at;
};

task<> limited_work(virtual_time& time, async_semaphore& limit, concurrency_meter& meter) {
  auto permit = co_await limit.scoped_acquire();
  meter.highest = std::max(meter.highest, ++meter.now);
  co_await time.sched.sleep_for(10ms);
  --meter.now;
  meter.finished_at.push_back(time.now_ms());
}

}  // namespace

TEST_CASE("a semaphore of two lets at most two tasks work at once, the others wait their turn") {
  virtual_time time;
  async_semaphore limit{time.sched, 2};
  concurrency_meter meter;
  std::vector<task_handle<>> workers;
  for (int i = 0; i < 5; ++i) workers.push_back(create_task(time.sched, limited_work(time, limit, meter)));
  time.run_until_idle();
  CHECK(meter.highest == 2);
  CHECK(meter.finished_at == std::vector<std::int64_t>{10, 10, 20, 20, 30});
  CHECK(limit.available() == 2);
}

TEST_CASE("a semaphore waiter cancelled while waiting takes no permit and the others go on in order") {
  virtual_time time;
  async_semaphore limit{time.sched, 1};
  concurrency_meter meter;
  auto first = create_task(time.sched, limited_work(time, limit, meter));
  auto cancelled = create_task(time.sched, limited_work(time, limit, meter));
  auto last = create_task(time.sched, limited_work(time, limit, meter));
  time.run_for_ms(1);
  REQUIRE(limit.waiting_count() == 2);
  cancelled.cancel();
  time.run_until_idle();
  CHECK(cancelled.cancelled());
  CHECK(meter.finished_at == std::vector<std::int64_t>{10, 20});
  CHECK(limit.available() == 1);
}

TEST_CASE("acquire takes a free permit without suspending, and release without waiters raises the count") {
  virtual_time time;
  async_semaphore limit{time.sched, 1};
  bool acquired = false;
  [](async_semaphore& limit, bool& acquired) -> detached {
    co_await limit.acquire();
    acquired = true;
  }(limit, acquired);
  CHECK(acquired);  // no turn of the scheduler was needed
  CHECK(limit.available() == 0);
  limit.release();
  limit.release();
  CHECK(limit.available() == 2);
}
