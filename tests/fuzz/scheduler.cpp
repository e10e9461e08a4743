// Fuzzes the scheduler (core/runtime/) on the virtual clock: the input is a script of
// operations (schedule and cancel timers, start and cancel tasks that sleep, time-outs,
// generators polled like the wasm binding polls them or consumed by a task, stopped, or
// destroyed half-way) interleaved with the ways a host drives time (on time, late, early).
//
// Rules checked while it runs:
//   - never early: no timer runs and no sleep ends before its deadline;
//   - on time: unless the host was late, each runs exactly at its deadline (virtual time);
//   - deadline order: a timer runs only when no timer still scheduled has an earlier
//     deadline, or the same deadline and was scheduled first;
//   - once: each scheduling of a timer ends in exactly one run or one cancellation;
//   - no lost wake-up: while anything is scheduled or ready, the clock holds a wake-up
//     request no later than it is needed, and none when nothing is left;
//   - a time-out ends in its work's value when the work is shorter, in timeout_error when
//     the limit is shorter (unless the host was late), never before either is due;
//   - a polled generator's wake-up comes exactly once per `pending`, items come in order.
// And at the end, after running until idle: nothing scheduled, nothing ready, no wake-up
// requested, every task finished with the result its script implies, every coroutine
// frame freed.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "core/runtime/async_generator.hpp"
#include "core/runtime/sleep.hpp"
#include "core/runtime/virtual_clock.hpp"
#include "core/toolbox/task_handle.hpp"
#include "core/toolbox/timeout.hpp"
#include "fuzz_support.hpp"

namespace trickle::fuzzing {
namespace {

using namespace std::chrono_literals;

long long us(duration d) { return static_cast<long long>(d.count()); }
long long us(time_point t) { return us(t.time_since_epoch()); }

// Counts live coroutine frames: each body holds one, so a frame never freed shows at the end.
struct frame_probe {
  explicit frame_probe(int& live) : live_(live) { ++live_; }
  frame_probe(const frame_probe&) = delete;
  frame_probe& operator=(const frame_probe&) = delete;
  ~frame_probe() { --live_; }
  int& live_;
};

struct world;

// What a probe timer does when it runs, besides being checked: the scheduler must cope with
// timers that change the queue from inside run_due().
enum class reaction { none, cancel_other, schedule_other, reschedule_self };

class probe_timer final : public timer {
 public:
  enum class state { idle, scheduled, ran, cancelled };

  probe_timer(world& w, std::size_t index, reaction r, std::size_t other, duration delay)
      : world_(w), index_(index), reaction_(r), other_(other), delay_(delay) {}
  ~probe_timer() = default;

  state status = state::idle;
  std::uint64_t order = 0;      // when it was last scheduled, counted over all probes
  time_point scheduled_at{};    // the clock's reading then

  std::pair<time_point, std::uint64_t> key() const { return {deadline(), order}; }

 private:
  void on_due() override;

  world& world_;
  std::size_t index_;
  reaction reaction_;
  std::size_t other_;
  duration delay_;
};

// A generator polled the way src/wasm/bindings.cpp polls one.
struct polled_generator {
  stop_source stop;               // declared before the generator, which holds its token
  async_generator<int> generator;
  std::size_t length = 0;         // items the body yields if nothing stops it
  int next_item = 0;
  bool awaiting_wake = false;
  bool finished = false;
  bool destroyed = false;
};

enum class task_kind { sleeper, timed, consumer };

struct started_task {
  task_kind kind;
  task_handle<int> handle;
  int expected = 0;  // sleeper: its value; consumer: items it takes when not cancelled
  bool cancel_requested = false;
};

struct world {
  virtual_clock clock;
  scheduler sched{clock};
  int live_frames = 0;
  bool host_was_late = false;  // once the clock jumped past a wake-up, "on time" is off
  std::uint64_t next_order = 0;
  int schedules_from_timers_left = 256;  // timers that schedule timers: bounded, so every script ends
  std::set<std::pair<time_point, std::uint64_t>> scheduled_probes;
  std::vector<std::unique_ptr<probe_timer>> probes;
  std::vector<started_task> tasks;
  std::vector<std::unique_ptr<polled_generator>> generators;

  void schedule_probe(probe_timer& p, time_point deadline) {
    FUZZ_CHECK(p.status != probe_timer::state::scheduled && !p.is_scheduled(), "a probe scheduled twice");
    p.order = next_order++;
    p.scheduled_at = clock.now();
    p.status = probe_timer::state::scheduled;
    sched.schedule(p, deadline);
    scheduled_probes.insert(p.key());
    FUZZ_CHECK(p.is_scheduled(), "schedule() left the timer unlinked");
  }

  void cancel_probe(probe_timer& p) {
    sched.cancel(p);
    FUZZ_CHECK(!p.is_scheduled(), "cancel() left the timer linked");
    if (p.status == probe_timer::state::scheduled) {
      p.status = probe_timer::state::cancelled;
      scheduled_probes.erase(p.key());
    }
  }

  // A sleep that ended: never before `due`, and exactly at it unless the host was late.
  void check_woke(time_point due, const char* what) {
    const time_point now = clock.now();
    FUZZ_CHECK(now >= due, "%s ended at %lld us, %lld us before its deadline", what, us(now), us(due - now));
    FUZZ_CHECK(host_was_late || now == due, "%s ended at %lld us, due at %lld us, with the host on time", what,
               us(now), us(due));
  }

  // The wake-up the clock holds covers whatever is scheduled or ready, and nothing is
  // requested when nothing is left. Checked between operations, never inside run_due().
  void check_wake_request() {
    const auto wake = clock.requested_wake();
    if (sched.ready_count() > 0) {
      FUZZ_CHECK(wake && *wake <= clock.now(), "ready work waits, but the wake-up is %s",
                 wake ? "later than now" : "not requested");
    }
    if (const auto next = sched.next_deadline()) {
      FUZZ_CHECK(wake && *wake <= *next, "a timer is due at %lld us, but the wake-up is %s", us(*next),
                 wake ? "later" : "not requested");
    }
    FUZZ_CHECK((sched.scheduled_count() == 0) == !sched.next_deadline(),
               "scheduled_count() is %zu while next_deadline() %s", sched.scheduled_count(),
               sched.next_deadline() ? "has a value" : "is empty");
    FUZZ_CHECK(sched.scheduled_count() >= scheduled_probes.size(), "scheduled_count() %zu < %zu probes",
               sched.scheduled_count(), scheduled_probes.size());
    if (sched.ready_count() == 0 && sched.scheduled_count() == 0) {
      FUZZ_CHECK(!wake, "nothing is left, yet a wake-up at %lld us is requested", us(*wake));
    }
  }

  // The host's timer: move to the requested wake-up and run that turn.
  void step() {
    if (const auto wake = clock.requested_wake()) {
      if (*wake > clock.now()) clock.set(*wake);
      sched.run_due();
    }
  }
};

void probe_timer::on_due() {
  world& w = world_;
  FUZZ_CHECK(status == state::scheduled, "probe %zu ran while not scheduled", index_);
  FUZZ_CHECK(!is_scheduled(), "probe %zu runs while still linked", index_);
  const time_point now = w.clock.now();
  FUZZ_CHECK(now >= deadline(), "probe %zu ran at %lld us, before its deadline %lld us", index_, us(now),
             us(deadline()));
  // Deadlines already past when scheduled run at the next turn, whatever the host does.
  FUZZ_CHECK(w.host_was_late || deadline() < scheduled_at || now == deadline(),
             "probe %zu ran at %lld us, due at %lld us, with the host on time", index_, us(now), us(deadline()));
  FUZZ_CHECK(!w.scheduled_probes.empty() && *w.scheduled_probes.begin() == key(),
             "probe %zu (due %lld us, scheduled #%llu) ran before a timer due at %lld us, scheduled #%llu", index_,
             us(deadline()), static_cast<unsigned long long>(order), us(w.scheduled_probes.begin()->first),
             static_cast<unsigned long long>(w.scheduled_probes.begin()->second));
  w.scheduled_probes.erase(key());
  status = state::ran;

  switch (reaction_) {
    case reaction::none:
      break;
    case reaction::cancel_other:
      if (other_ < w.probes.size()) w.cancel_probe(*w.probes[other_]);
      break;
    case reaction::schedule_other:
      if (other_ < w.probes.size() && w.probes[other_]->status != state::scheduled &&
          w.schedules_from_timers_left > 0) {
        --w.schedules_from_timers_left;
        w.schedule_probe(*w.probes[other_], now + delay_ - 100us);  // may be in the past
      }
      break;
    case reaction::reschedule_self:
      if (w.schedules_from_timers_left > 0) {
        --w.schedules_from_timers_left;
        w.schedule_probe(*this, now + delay_);
      }
      break;
  }
}

// --- Coroutines the script starts. -----------------------------------------------------------

task<int> sleeper(world& w, std::vector<duration> gaps, int value) {
  frame_probe probe{w.live_frames};
  for (duration gap : gaps) {
    const time_point due = w.clock.now() + std::max(gap, duration::zero());
    co_await w.sched.sleep_for(gap);  // a gap <= 0 is a yield
    w.check_woke(due, "a task's sleep");
  }
  co_return value;
}

task<int> sleep_then(world& w, duration work, int value) {
  frame_probe probe{w.live_frames};
  co_await w.sched.sleep_for(work);
  co_return value;
}

// 1: the work's value came back; 2: timeout_error. Cancellation goes through.
task<int> timed(world& w, duration limit, duration work) {
  frame_probe probe{w.live_frames};
  const time_point start = w.clock.now();
  try {
    const int value = co_await timeout(w.sched, limit, sleep_then(w, work, 7));
    FUZZ_CHECK(value == 7, "the work returned %d through its time-out", value);
    FUZZ_CHECK(w.clock.now() >= start + work, "the work ended before its sleep");
    FUZZ_CHECK(w.host_was_late || work <= limit, "work of %lld us beat its time-out of %lld us", us(work),
               us(limit));
    co_return 1;
  } catch (const timeout_error&) {
    FUZZ_CHECK(w.clock.now() >= start + limit, "timed out at %lld us, %lld us early", us(w.clock.now()),
               us(start + limit - w.clock.now()));
    FUZZ_CHECK(w.host_was_late || work >= limit, "work of %lld us timed out with a limit of %lld us", us(work),
               us(limit));
    co_return 2;
  }
}

async_generator<int> ticker(world& w, std::vector<duration> gaps, stop_token extra_stop) {
  frame_probe probe{w.live_frames};
  int item = 0;
  for (duration gap : gaps) {
    const time_point due = w.clock.now() + std::max(gap, duration::zero());
    co_await w.sched.sleep_for(gap, extra_stop);
    w.check_woke(due, "a generator's sleep");
    co_yield item;  // the consumer reads it before the body goes on
    ++item;
  }
}

// Takes up to `wanted` items with co_await next(), then drops the generator (destroying it
// at a co_yield when it stops early).
task<int> consumer(world& w, std::vector<duration> gaps, std::size_t wanted) {
  frame_probe probe{w.live_frames};
  auto generator = ticker(w, std::move(gaps), {});
  int taken = 0;
  while (static_cast<std::size_t>(taken) < wanted) {
    int* item = co_await generator.next();
    if (item == nullptr) break;
    FUZZ_CHECK(*item == taken, "a consumer got item %d, want %d", *item, taken);
    ++taken;
  }
  co_return taken;
}

// --- Polling a generator like the binding does. -----------------------------------------------

void on_wake(void* context) noexcept {
  auto& slot = *static_cast<polled_generator*>(context);
  FUZZ_CHECK(slot.awaiting_wake, "a generator woke its consumer, which was not waiting");
  FUZZ_CHECK(!slot.destroyed, "a destroyed generator woke its consumer");
  slot.awaiting_wake = false;
}

// One poll and its checks. Returns false when there is nothing to poll.
bool poll_once(polled_generator& slot) {
  if (slot.destroyed || slot.finished) return false;
  const bool was_awaiting = slot.awaiting_wake;
  switch (slot.generator.poll(&on_wake, &slot)) {
    case async_generator<int>::poll_status::item:
      FUZZ_CHECK(!was_awaiting, "poll() gave an item before the promised wake-up");
      FUZZ_CHECK(slot.generator.current() == slot.next_item, "polled item %d, want %d", slot.generator.current(),
                 slot.next_item);
      ++slot.next_item;
      break;
    case async_generator<int>::poll_status::pending:
      slot.awaiting_wake = true;
      break;
    case async_generator<int>::poll_status::done: {
      FUZZ_CHECK(!was_awaiting, "poll() said done before the promised wake-up");
      slot.finished = true;
      const std::exception_ptr failure = slot.generator.failure();
      if (slot.stop.stop_requested()) {
        if (failure) {
          try {
            std::rethrow_exception(failure);
          } catch (const operation_cancelled&) {
          } catch (...) {
            FUZZ_CHECK(false, "a stopped generator failed with something other than operation_cancelled");
          }
        } else {
          FUZZ_CHECK(static_cast<std::size_t>(slot.next_item) == slot.length, "stopped quietly after %d of %zu",
                     slot.next_item, slot.length);
        }
      } else {
        FUZZ_CHECK(!failure, "a generator nobody stopped failed");
        FUZZ_CHECK(static_cast<std::size_t>(slot.next_item) == slot.length, "ended after %d of %zu items",
                   slot.next_item, slot.length);
      }
      break;
    }
  }
  return true;
}

// --- The script. ----------------------------------------------------------------------------

duration pick_delay(FuzzedDataProvider& input) {
  // Few distinct values, so that deadlines often tie; now and then a long one.
  const int step = input.ConsumeIntegralInRange<int>(0, 15);
  return step < 12 ? step * 10us : (step - 11) * 1000us;
}

std::vector<duration> pick_gaps(FuzzedDataProvider& input) {
  std::vector<duration> gaps(input.ConsumeIntegralInRange<std::size_t>(0, 4));
  for (duration& gap : gaps) gap = pick_delay(input) - (input.ConsumeBool() ? 0us : 20us);  // some <= 0: yields
  return gaps;
}

template <typename T>
T* pick(FuzzedDataProvider& input, std::vector<T>& items) {
  if (items.empty()) return nullptr;
  return &items[input.ConsumeIntegralInRange<std::size_t>(0, items.size() - 1)];
}

void run_script(world& w, FuzzedDataProvider& input) {
  constexpr std::size_t max_operations = 600;
  constexpr std::size_t max_each = 64;  // probes, tasks, generators
  for (std::size_t operation = 0; operation < max_operations && input.remaining_bytes() > 0; ++operation) {
    switch (input.ConsumeIntegralInRange<int>(0, 14)) {
      case 0: {  // a new timer, scheduled now
        if (w.probes.size() >= max_each) break;
        const auto r = static_cast<reaction>(input.ConsumeIntegralInRange<int>(0, 3));
        const auto other = input.ConsumeIntegralInRange<std::size_t>(0, max_each);
        const duration delay = pick_delay(input);
        w.probes.push_back(std::make_unique<probe_timer>(w, w.probes.size(), r, other, pick_delay(input)));
        w.schedule_probe(*w.probes.back(), w.clock.now() + delay);
        break;
      }
      case 1:  // cancel a timer (whatever its state: running or cancelled ones are no-ops)
        if (auto* p = pick(input, w.probes)) w.cancel_probe(**p);
        break;
      case 2:  // schedule again a timer that is not scheduled
        if (auto* p = pick(input, w.probes); p && (*p)->status != probe_timer::state::scheduled) {
          w.schedule_probe(**p, w.clock.now() + pick_delay(input));
        }
        break;
      case 3: {  // a task that sleeps a few times
        if (w.tasks.size() >= max_each) break;
        const int value = static_cast<int>(w.tasks.size());
        w.tasks.push_back({task_kind::sleeper, create_task(w.sched, sleeper(w, pick_gaps(input), value)), value});
        break;
      }
      case 4: {  // a sleep under a time-out
        if (w.tasks.size() >= max_each) break;
        const duration limit = pick_delay(input), work = pick_delay(input);
        w.tasks.push_back({task_kind::timed, create_task(w.sched, timed(w, limit, work)), 0});
        break;
      }
      case 5: {  // a task draining a generator, maybe not to its end
        if (w.tasks.size() >= max_each) break;
        std::vector<duration> gaps = pick_gaps(input);
        const std::size_t wanted = input.ConsumeIntegralInRange<std::size_t>(0, 5);
        const int expected = static_cast<int>(std::min(wanted, gaps.size()));
        w.tasks.push_back({task_kind::consumer, create_task(w.sched, consumer(w, std::move(gaps), wanted)), expected});
        break;
      }
      case 6:  // cancel a task
        if (auto* t = pick(input, w.tasks)) {
          t->handle.cancel();
          t->cancel_requested = true;
        }
        break;
      case 7: {  // a generator for polling
        if (w.generators.size() >= max_each) break;
        auto slot = std::make_unique<polled_generator>();
        std::vector<duration> gaps = pick_gaps(input);
        slot->length = gaps.size();
        slot->generator = ticker(w, std::move(gaps), slot->stop.token());
        w.generators.push_back(std::move(slot));
        break;
      }
      case 8:  // poll one (also while it is pending: the binding may)
        if (auto* g = pick(input, w.generators)) poll_once(**g);
        break;
      case 9:  // stop one through its token
        if (auto* g = pick(input, w.generators)) (*g)->stop.request_stop();
        break;
      case 10:  // destroy one, in whatever state it is
        if (auto* g = pick(input, w.generators)) {
          (*g)->generator.reset();
          (*g)->destroyed = true;
          (*g)->awaiting_wake = false;
        }
        break;
      case 11:  // the host runs every wake-up in a span, each on time
        run_for(w.sched, w.clock, pick_delay(input));
        break;
      case 12:  // the host's timer fires once, on time
        w.step();
        break;
      case 13:  // the host's timer fires early (Node's can): nothing may run before its time
        w.sched.run_due();
        break;
      case 14:  // the host's timer fires late
        if (const auto wake = w.clock.requested_wake()) {
          const time_point late = std::max(*wake, w.clock.now()) + pick_delay(input) + 1us;
          w.clock.set(late);
          w.host_was_late = true;
          w.sched.run_due();
        }
        break;
    }
    w.check_wake_request();
  }
}

// Polls every generator still alive to its end, as the binding's consumer would.
void drain_generators(world& w) {
  for (auto& slot : w.generators) {
    while (poll_once(*slot)) {
      while (slot->awaiting_wake) {
        FUZZ_CHECK(w.clock.requested_wake(), "a generator is pending, but nothing will wake it");
        w.step();
      }
    }
  }
}

void check_end(world& w) {
  FUZZ_CHECK(w.sched.scheduled_count() == 0, "%zu timers left scheduled", w.sched.scheduled_count());
  FUZZ_CHECK(w.sched.ready_count() == 0, "%zu ready items left", w.sched.ready_count());
  FUZZ_CHECK(!w.sched.next_deadline(), "a deadline is left");
  FUZZ_CHECK(!w.clock.requested_wake(), "a wake-up is still requested");
  FUZZ_CHECK(w.scheduled_probes.empty(), "%zu probes neither ran nor were cancelled", w.scheduled_probes.size());
  for (const auto& p : w.probes) FUZZ_CHECK(!p->is_scheduled(), "a probe is still linked");
  for (std::size_t i = 0; i < w.tasks.size(); ++i) {
    started_task& t = w.tasks[i];
    FUZZ_CHECK(t.handle.done(), "task %zu never finished", i);
    if (t.handle.cancelled()) {
      FUZZ_CHECK(t.cancel_requested, "task %zu ended cancelled, but nobody cancelled it", i);
      continue;
    }
    FUZZ_CHECK(!t.handle.exception(), "task %zu failed", i);
    const int result = t.handle.result();
    switch (t.kind) {
      case task_kind::sleeper:
      case task_kind::consumer:
        FUZZ_CHECK(result == t.expected, "task %zu returned %d, want %d", i, result, t.expected);
        break;
      case task_kind::timed:
        FUZZ_CHECK(result == 1 || result == 2, "a timed task returned %d", result);
        break;
    }
  }
  for (const auto& slot : w.generators) {
    FUZZ_CHECK(slot->destroyed || slot->finished, "a polled generator was left unfinished");
    slot->generator.reset();
  }
  FUZZ_CHECK(w.live_frames == 0, "%d coroutine frames were never freed", w.live_frames);
}

}  // namespace
}  // namespace trickle::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trickle::fuzzing;
  FuzzedDataProvider input(data, size);
  world w;
  run_script(w, input);
  drain_generators(w);
  trickle::run_until_idle(w.sched, w.clock);
  check_end(w);
  return 0;
}
