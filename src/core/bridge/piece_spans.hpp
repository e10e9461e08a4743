// trickle.pieces(): a text cut as a stream of it would be cut, all at once, for JS.
//
// The pieces go out as (begin, end) pairs of UTF-16 positions, which JS slices from the
// string it already holds (as a stream's chunks are), in batches of the caller's size: a
// text of any length is cut with no allocation and no output buffer larger than a batch.
// The text must stay where it is between begin() and the last next().
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/text/split.hpp"

namespace trickle::bridge {

class piece_spans {
 public:
  // Starts cutting `text` (UTF-8) by `mode`; forgets any text cut before.
  void begin(std::string_view text, split_mode mode) noexcept;
  // Writes the next pieces, at most `capacity`, as pairs to `pairs` (2 * capacity values) and
  // returns how many it wrote: fewer than `capacity` means the text is done (0 after that).
  int next(std::uint32_t* pairs, int capacity) noexcept;

 private:
  std::optional<piece_range::iterator> cursor_;
};

}  // namespace trickle::bridge
