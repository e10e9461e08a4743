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
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/text/split.hpp"

namespace trickle {

bool split_at_utf16(std::string_view text, std::span<const std::uint32_t> ends, std::vector<piece>& out);

}  // namespace trickle
