#include "core/runtime/virtual_clock.hpp"

namespace trickle {

void run_until_idle(scheduler& sched, virtual_clock& clock) {
  while (auto wake = clock.requested_wake()) {
    if (*wake > clock.now()) clock.set(*wake);
    sched.run_due();
  }
}

void run_for(scheduler& sched, virtual_clock& clock, duration span) {
  const time_point end = clock.now() + span;
  // Every wake-up up to and including `end`, ready work at `end` included.
  while (auto wake = clock.requested_wake()) {
    if (*wake > end) break;
    if (*wake > clock.now()) clock.set(*wake);
    sched.run_due();
  }
  clock.set(end);
}

}  // namespace trickle
