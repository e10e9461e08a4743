// A UTF-8 reader for the harnesses, written from the Unicode standard alone so that the
// library's own reader (core/text/utf8.hpp) is checked against it, never against itself.
//
// Contract:
//   - reference_unit_at() reads one code point, or one maximal ill-formed subsequence, at a
//     byte position: Unicode's table 3-7 of well-formed byte sequences row by row, and the
//     "maximal subpart" rule for ill-formed ones (one U+FFFD each, as TextDecoder and the
//     WHATWG Encoding Standard do). It never reads past the text.
//   - reference_decode() walks the whole text that way; reference_text_decoder() gives what
//     TextDecoder makes of the bytes, as well-formed UTF-8.
//   - A decoded value is checked (FUZZ_CHECK) to re-encode to the very bytes it came from:
//     the reference checks itself as it goes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "utf8_support.hpp"

namespace trickle::fuzzing {

struct byte_range {
  unsigned char low, high;
  bool holds(unsigned char byte) const { return byte >= low && byte <= high; }
};

struct well_formed_row {
  byte_range lead;
  int trailing;  // bytes after the lead
  byte_range next[3];
};

inline constexpr byte_range any_continuation{0x80, 0xBF};
inline constexpr well_formed_row table_3_7[] = {
    {{0xC2, 0xDF}, 1, {any_continuation}},
    {{0xE0, 0xE0}, 2, {{0xA0, 0xBF}, any_continuation}},
    {{0xE1, 0xEC}, 2, {any_continuation, any_continuation}},
    {{0xED, 0xED}, 2, {{0x80, 0x9F}, any_continuation}},
    {{0xEE, 0xEF}, 2, {any_continuation, any_continuation}},
    {{0xF0, 0xF0}, 3, {{0x90, 0xBF}, any_continuation, any_continuation}},
    {{0xF1, 0xF3}, 3, {any_continuation, any_continuation, any_continuation}},
    {{0xF4, 0xF4}, 3, {{0x80, 0x8F}, any_continuation, any_continuation}},
};

// One code point, or one maximal ill-formed subsequence, of the text.
struct unit {
  char32_t value;  // U+FFFD for an ill-formed sequence
  std::size_t begin;
  std::size_t length;
  bool well_formed;
  std::uint32_t utf16() const { return value >= 0x10000 ? 2 : 1; }
};

using trickle::testing::append_utf8;

inline std::string encode(char32_t c) {
  std::string out;
  append_utf8(out, c);
  return out;
}

inline unit reference_unit_at(std::string_view text, std::size_t begin) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(begin);
  if (lead < 0x80) return {lead, begin, 1, true};
  const well_formed_row* row = nullptr;
  for (const well_formed_row& candidate : table_3_7) {
    if (candidate.lead.holds(lead)) row = &candidate;
  }
  if (row == nullptr) return {0xFFFD, begin, 1, false};
  int matched = 0;
  while (matched < row->trailing && begin + 1 + matched < text.size() &&
         row->next[matched].holds(byte(begin + 1 + matched))) {
    ++matched;
  }
  const std::size_t length = 1 + static_cast<std::size_t>(matched);
  if (matched < row->trailing) return {0xFFFD, begin, length, false};
  // Payload bits: the lead keeps 6 - trailing of them, each continuation 6.
  char32_t value = lead & (0x3F >> row->trailing);
  for (int i = 1; i <= row->trailing; ++i) value = (value << 6) | (byte(begin + i) & 0x3F);
  const std::string_view bytes = text.substr(begin, length);
  FUZZ_CHECK(encode(value) == bytes, "reference decoder: %s decoded as U+%04X", hex(bytes).c_str(),
             static_cast<unsigned>(value));
  FUZZ_CHECK(value <= 0x10FFFF && (value < 0xD800 || value > 0xDFFF), "reference decoder: %s is not a scalar value",
             hex(bytes).c_str());
  return {value, begin, length, true};
}

inline std::vector<unit> reference_decode(std::string_view text) {
  std::vector<unit> units;
  for (std::size_t i = 0; i < text.size(); i += units.back().length) {
    units.push_back(reference_unit_at(text, i));
  }
  return units;
}

// What TextDecoder gives for the bytes, written back as UTF-8.
inline std::string reference_text_decoder(std::string_view bytes) {
  std::string out;
  for (const unit& u : reference_decode(bytes)) append_utf8(out, u.value);
  return out;
}

inline std::uint32_t reference_utf16_length(std::string_view text) {
  std::uint32_t units = 0;
  for (const unit& u : reference_decode(text)) units += u.utf16();
  return units;
}

}  // namespace trickle::fuzzing
