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

// The schedule of units that bring their own times (a recorded stream replayed): unit i at
// t0 + offsets[i], the stall fault as above. Throws std::invalid_argument, before any unit,
// for offsets that are negative, decrease or pass timing_plan::max_offset (check_offsets).
void check_offsets(const std::vector<duration>& offsets);
async_generator<std::uint32_t> units_at_offsets(scheduler& sched, std::vector<duration> offsets,
                                                std::optional<unit_stall> stall = std::nullopt, stop_token stop = {});

}  // namespace trickle
