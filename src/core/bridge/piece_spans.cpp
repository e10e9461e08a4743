#include "core/bridge/piece_spans.hpp"

namespace trickle::bridge {

void piece_spans::begin(std::string_view text, split_mode mode) noexcept { cursor_.emplace(split(text, mode).begin()); }

int piece_spans::next(std::uint32_t* pairs, int capacity) noexcept {
  if (!cursor_) return 0;
  piece_range::iterator& it = *cursor_;
  int written = 0;
  for (; written < capacity && it != std::default_sentinel; ++it, ++written) {
    pairs[2 * written] = it->utf16_begin;
    pairs[2 * written + 1] = it->utf16_end;
  }
  if (written < capacity) cursor_.reset();
  return written;
}

}  // namespace trickle::bridge
