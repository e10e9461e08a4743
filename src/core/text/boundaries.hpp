// Pieces at boundaries decided elsewhere: the tokenizer's chunks (trickle-tokenizer.wasm
// gives each chunk's end in UTF-16 units, as JS indexes strings), turned back into pieces of
// the UTF-8 text the stream holds.
//
// Guarantees:
//   - Positions are counted as everywhere in trickle (utf8.hpp): one unit per code point
//     below U+10000, two above, one per maximal ill-formed subsequence.
//   - The ends are checked, and a bad list gives false with `out` as it was: each end must
//     be after the one before, none may fall inside a character that takes two UTF-16 units
//     (a surrogate pair in JS), and the last must be the text's length. Empty text takes an
//     empty list.
//   - Each piece is a view into the text, with its UTF-16 span, as split() gives them.
//   - utf16_cursor walks the same way one piece at a time, allocating nothing: a stream
//     over thousands of given pieces keeps only their ends, not a piece for each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/text/split.hpp"

namespace trickle {

bool split_at_utf16(std::string_view text, std::span<const std::uint32_t> ends, std::vector<piece>& out);

// Whether split_at_utf16 would take `ends`, without making the pieces.
bool valid_utf16_ends(std::string_view text, std::span<const std::uint32_t> ends) noexcept;

// The text cut at one given end after another, from its start.
class utf16_cursor {
 public:
  explicit utf16_cursor(std::string_view text) noexcept : text_(text) {}

  // The piece from where the cursor is to `end`, and the cursor moves there. False, with the
  // cursor where it was, when `end` is not after it, lies past the text or falls inside a
  // surrogate pair.
  bool advance_to(std::uint32_t end, piece& out) noexcept;
  bool at_end() const noexcept { return byte_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t byte_ = 0;
  std::uint32_t unit_ = 0;
};

}  // namespace trickle
