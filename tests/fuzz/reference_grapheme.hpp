// Extended grapheme cluster boundaries for the harnesses: UAX #29's rules read literally,
// each rule looking back over the code points as the standard writes it (regular
// expressions over the text before the position), where the library (core/text/grapheme.hpp)
// tracks the same contexts with small automata in one forward pass. The two must agree.
//
// Contract:
//   - reference_grapheme_boundaries(values) gives, for each position 0..n of n code points,
//     whether a cluster boundary is there (GB1 and GB2: always at 0 and n).
//   - The character properties are the library's tables (core/text/unicode.hpp), which the
//     Catch2 tests check against the Unicode Character Database; what this checks is the
//     rules. Ill-formed UTF-8 takes part as U+FFFD (reference_utf8.hpp gives the values).
#pragma once

#include <cstddef>
#include <vector>

#include "core/text/unicode.hpp"

namespace trickle::fuzzing {

inline std::vector<bool> reference_grapheme_boundaries(const std::vector<char32_t>& values) {
  using gb = grapheme_break;
  using incb = indic_conjunct_break;
  const std::size_t n = values.size();
  std::vector<gb> property(n);
  std::vector<incb> conjunct(n);
  std::vector<bool> pictographic(n);
  for (std::size_t k = 0; k < n; ++k) {
    property[k] = grapheme_break_property(values[k]);
    conjunct[k] = indic_conjunct_break_property(values[k]);
    pictographic[k] = is_extended_pictographic(values[k]);
  }
  const auto is_control_like = [](gb v) { return v == gb::control || v == gb::cr || v == gb::lf; };

  // Whether the rules put a boundary between values[i - 1] and values[i], 0 < i < n: the
  // first rule that matches decides.
  const auto boundary_between = [&](std::size_t i) {
    const gb before = property[i - 1];
    const gb after = property[i];
    // GB3: CR × LF
    if (before == gb::cr && after == gb::lf) return false;
    // GB4: (Control | CR | LF) ÷     GB5: ÷ (Control | CR | LF)
    if (is_control_like(before) || is_control_like(after)) return true;
    // GB6: L × (L | V | LV | LVT)
    if (before == gb::l && (after == gb::l || after == gb::v || after == gb::lv || after == gb::lvt)) return false;
    // GB7: (LV | V) × (V | T)
    if ((before == gb::lv || before == gb::v) && (after == gb::v || after == gb::t)) return false;
    // GB8: (LVT | T) × T
    if ((before == gb::lvt || before == gb::t) && after == gb::t) return false;
    // GB9: × (Extend | ZWJ)
    if (after == gb::extend || after == gb::zwj) return false;
    // GB9a: × SpacingMark
    if (after == gb::spacing_mark) return false;
    // GB9b: Prepend ×
    if (before == gb::prepend) return false;
    // GB9c: \p{InCB=Consonant} [\p{InCB=Extend}\p{InCB=Linker}]* \p{InCB=Linker}
    //       [\p{InCB=Extend}\p{InCB=Linker}]* × \p{InCB=Consonant}
    if (conjunct[i] == incb::consonant) {
      std::size_t k = i;
      bool saw_linker = false;
      while (k > 0 && (conjunct[k - 1] == incb::extend || conjunct[k - 1] == incb::linker)) {
        saw_linker = saw_linker || conjunct[k - 1] == incb::linker;
        --k;
      }
      if (saw_linker && k > 0 && conjunct[k - 1] == incb::consonant) return false;
    }
    // GB11: \p{Extended_Pictographic} Extend* ZWJ × \p{Extended_Pictographic}
    if (before == gb::zwj && pictographic[i]) {
      std::size_t k = i - 1;  // the ZWJ
      while (k > 0 && property[k - 1] == gb::extend) --k;
      if (k > 0 && pictographic[k - 1]) return false;
    }
    // GB12: sot (RI RI)* RI × RI     GB13: [^RI] (RI RI)* RI × RI
    if (before == gb::regional_indicator && after == gb::regional_indicator) {
      std::size_t run = 0;
      for (std::size_t k = i; k > 0 && property[k - 1] == gb::regional_indicator; --k) ++run;
      if (run % 2 == 1) return false;
    }
    // GB999: Any ÷ Any
    return true;
  };

  std::vector<bool> boundaries(n + 1, true);  // GB1 at 0, GB2 at n
  for (std::size_t i = 1; i < n; ++i) boundaries[i] = boundary_between(i);
  return boundaries;
}

}  // namespace trickle::fuzzing
