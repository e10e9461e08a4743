// The UAX #29 conformance cases, generated at build time by scripts/gen-unicode-tables.mjs
// into the build folder (grapheme_conformance_data.cpp). Each line is written as in
// GraphemeBreakTest.txt: "÷ 0020 × 0308 ÷", hex code points with "÷" where a boundary is
// and "×" where none is.
#pragma once

#include <cstddef>

namespace trickle::testing {

struct grapheme_conformance_skip {
  const char* line;
  const char* reason;
};

extern const char* const grapheme_conformance_lines[];
extern const std::size_t grapheme_conformance_line_count;
// Lines in the source file, kept and left out together.
extern const std::size_t grapheme_conformance_source_line_count;
extern const grapheme_conformance_skip grapheme_conformance_skipped[];
extern const std::size_t grapheme_conformance_skipped_count;

}  // namespace trickle::testing
