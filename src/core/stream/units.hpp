// units_on_plan: the schedule of any list of units (the pieces of an answer's reasoning,
// text and tool arguments, as a wire format frames them), on a timing plan.
//
// It yields each unit's index, in order, at the unit's deadline: t0 (the consumer's first
// next()) plus the plan's offset for it, a group of `burst` units together at the moment the
// last of them is ready (timing.hpp). What the caller does with a unit (write its frame) is
// not its business, so the same schedule serves every format.
//
// A stall fault (stall_at, stall): before unit `stall_at` the stream says nothing for
// `stall` longer than planned, and every later unit comes that much later too: a provider
// that hangs mid-answer, then goes on.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/runtime/async_generator.hpp"
#include "core/runtime/cancellation.hpp"
#include "core/runtime/scheduler.hpp"
#include "core/stream/timing.hpp"

namespace trickle {

struct unit_stall {
  std::uint32_t at = 0;  // the index of the unit the silence comes before
  duration length{};
};

async_generator<std::uint32_t> units_on_plan(scheduler& sched, std::vector<unit_size> sizes, timing_plan plan,
                                             std::optional<unit_stall> stall = std::nullopt, stop_token stop = {});

}  // namespace trickle
