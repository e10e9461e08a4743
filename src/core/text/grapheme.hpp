// Extended grapheme clusters (UAX #29, the rules of Unicode 17.0: GB1-GB999 with GB9c
// for Indic conjuncts, GB11 for emoji ZWJ sequences, GB12/GB13 for flags), found in one
// forward pass with no allocation and no look-behind.
//
// Guarantees:
//   - Boundaries are those of the UAX #29 default rules with the Unicode 17.0 properties
//     (unicode.hpp): what Intl.Segmenter's "grapheme" granularity gives in Node 20.
//   - UTF-8 is read with the rule of utf8.hpp: each maximal ill-formed subsequence is one
//     character, one UTF-16 unit long, and takes part in the rules as U+FFFD, whose
//     Grapheme_Cluster_Break is Other. Nothing is dropped, nothing is read past the text.
//   - A cluster never ends inside a code point or an ill-formed subsequence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/text/utf8.hpp"

namespace trickle {

// The rules, fed one code point at a time: for callers that hold code points, not UTF-8.
// A boundary always comes before the first code point (GB1); the caller decides where the
// text ends (GB2).
class grapheme_boundaries {
 public:
  // Whether a cluster boundary comes before `c`, given everything fed so far; then feeds c.
  bool breaks_before(char32_t c) noexcept;
  // The same with the packed grapheme properties of `c` (the generated table's byte).
  bool breaks_before_properties(std::uint8_t properties) noexcept;

 private:
  void take(std::uint8_t properties) noexcept;

  // Before the first code point the rules act as if after a Control character, for which
  // GB4 always breaks: that is GB1's boundary, with no special case.
  std::uint8_t previous_ = static_cast<std::uint8_t>(3);  // grapheme_break::control
  // GB11: after Extended_Pictographic Extend* (1), and that followed by ZWJ (2).
  std::uint8_t pictographic_ = 0;
  // GB9c: after InCB=Consonant [Extend Linker]* (1), with at least one Linker (2).
  std::uint8_t conjunct_ = 0;
  // GB12/GB13: the run of Regional_Indicators that ends here has an odd length.
  bool odd_regional_indicators_ = false;
};

// A cluster's length in bytes and in UTF-16 code units.
struct grapheme_extent {
  std::size_t byte_length;
  std::uint32_t utf16_length;
};

// Walks a text cluster by cluster. Finding where a cluster ends means reading the code
// point after it; the cursor keeps that one for the next cluster, so each code point is
// decoded and looked up once.
class grapheme_cursor {
 public:
  grapheme_cursor() noexcept = default;
  explicit grapheme_cursor(std::string_view text) noexcept : text_(text) {}
  // The next cluster, starting where the previous one ended; {0, 0} at the end of the text.
  grapheme_extent next() noexcept;

 private:
  std::string_view text_;
  std::size_t position_ = 0;
  bool lookahead_ready_ = false;  // the code point at position_ has been read
  std::uint8_t lookahead_properties_ = 0;
  decoded_code_point lookahead_{};
};

// The extended grapheme cluster that starts at byte `position` of `text`
// (position < text.size()).
grapheme_extent next_grapheme_cluster(std::string_view text, std::size_t position) noexcept;

}  // namespace trickle
