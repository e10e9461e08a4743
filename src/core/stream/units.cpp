#include "core/stream/units.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "core/runtime/sleep.hpp"

namespace trickle {

async_generator<std::uint32_t> units_on_plan(scheduler& sched, std::vector<unit_size> sizes, timing_plan plan,
                                             std::optional<unit_stall> stall, stop_token stop) {
  const time_point t0 = sched.now();
  const auto count = static_cast<std::uint32_t>(sizes.size());
  const std::uint32_t burst = std::max<std::uint32_t>(plan.burst(), 1);
  duration silence{};
  for (std::uint32_t first = 0; first < count; first += burst) {
    const std::uint32_t end = std::min(count, first + burst);
    duration due{};
    for (std::uint32_t i = first; i < end; ++i) {
      due = plan.next(sizes[i]);
      if (stall && stall->at == i) silence = stall->length;
    }
    co_await sched.sleep_until(t0 + due + silence, stop);
    for (std::uint32_t i = first; i < end; ++i) co_yield i;
  }
}

void check_offsets(const std::vector<duration>& offsets) {
  duration previous{};
  for (const duration offset : offsets) {
    if (offset < previous || offset > timing_plan::max_offset) {
      throw std::invalid_argument("trickle: the pieces' offsets must count from t0, never decrease and stay below 285 years");
    }
    previous = offset;
  }
}

async_generator<std::uint32_t> units_at_offsets(scheduler& sched, std::vector<duration> offsets,
                                                std::optional<unit_stall> stall, stop_token stop) {
  const time_point t0 = sched.now();
  duration silence{};
  for (std::uint32_t i = 0; i < offsets.size(); ++i) {
    if (stall && stall->at == i) silence = stall->length;
    co_await sched.sleep_until(t0 + offsets[i] + silence, stop);
    co_yield i;
  }
}

}  // namespace trickle
