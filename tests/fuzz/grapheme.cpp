// Fuzzes the grapheme cluster splitter (core/text/grapheme.hpp and split_mode::grapheme)
// against UAX #29 read literally (reference_grapheme.hpp), on UTF-8 read by the harnesses'
// own decoder (reference_utf8.hpp).
//
// Every input is read twice: as the text itself (arbitrary bytes, mostly ill-formed or
// plain), and as a recipe for a text made of the characters the rules care about (each byte
// picks one from a pool of every Grapheme_Cluster_Break and Indic_Conjunct_Break value,
// Extended_Pictographic and its recent exceptions, or spells a code point or a stray byte
// of its own), so that the fuzzer reaches the conjunct, emoji and flag rules quickly.
//
// For both texts:
//   - split(text, grapheme) gives non-empty pieces that are views of the text, in order,
//     end to end: put back together they are the text;
//   - each piece's UTF-16 positions are the reference's count of the units before it and
//     after it (ill-formed sequences one unit, astral code points two);
//   - the boundaries are exactly the reference's;
//   - next_grapheme_cluster() at each boundary (no look-ahead kept) and a grapheme_cursor
//     walked by hand give the same clusters, and {0, 0} at the end, again and again;
//   - grapheme_boundaries fed the code points one at a time says "boundary before" exactly
//     where the reference does;
//   - started at any code point inside the text (a text that begins there), the first
//     cluster is the reference's first cluster of that rest (GB1 at the new start).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/grapheme.hpp"
#include "core/text/split.hpp"
#include "fuzz_support.hpp"
#include "reference_grapheme.hpp"
#include "reference_utf8.hpp"

namespace trickle::fuzzing {
namespace {

// Characters of every class the rules tell apart, a few of each.
constexpr char32_t pool[] = {
    U'a', U' ', U'\r', U'\n', 0x01, 0x7F, 0xAD,          // Other, CR, LF, Control (SOFT HYPHEN)
    0x0300, 0x0308, 0x200C, 0xFE0F, 0x1F3FD, 0xE0020,    // Extend (InCB Extend or none)
    0x200D,                                              // ZWJ (InCB Extend)
    0x1F1E6, 0x1F1E7, 0x1F1FA,                           // Regional_Indicator
    0x0600, 0x110BD, 0x0D4E,                             // Prepend
    0x0903, 0x0E33, 0x1D166,                             // SpacingMark
    0x1100, 0xA960, 0x1161, 0xD7B0, 0x11A8, 0xD7CB,      // L, V, T
    0xAC00, 0xAC01, 0xD7A3,                              // LV, LVT
    0x0915, 0x0937, 0x0995, 0x1780, 0x1798, 0x1000,      // InCB Consonant
    0x094D, 0x09CD, 0x17D2, 0x1039,                      // InCB Linker
    0x093C, 0x0951,                                      // InCB Extend that is not ZWJ
    0x1F600, 0x00A9, 0x2702, 0x1F468, 0x2764, 0x1FFFD,   // Extended_Pictographic
    0x2701,                                              // no longer pictographic in 17.0
    0x4E2D, 0xFFFD, 0x10FFFF, 0xE000,
};

std::string made_text(std::string_view recipe) {
  std::string text;
  for (std::size_t i = 0; i < recipe.size(); ++i) {
    const auto b = static_cast<unsigned char>(recipe[i]);
    if (b < 0xF0) {
      append_utf8(text, pool[b % std::size(pool)]);
    } else if (b < 0xF8 && i + 3 < recipe.size()) {
      // Any code point the next three bytes spell (surrogates are not text: U+FFFD).
      char32_t c = (static_cast<unsigned char>(recipe[i + 1]) << 16 | static_cast<unsigned char>(recipe[i + 2]) << 8 |
                    static_cast<unsigned char>(recipe[i + 3])) % 0x110000;
      if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;
      append_utf8(text, c);
      i += 3;
    } else {
      // A stray byte: a lone lead, a lone continuation, or a truncated sequence.
      static constexpr const char* strays[] = {"\x80", "\xff", "\xe0\xa4", "\xf0\x9f", "\xc0", "\xed\xa0\x80", "\xf4\x90",
                                               "\xcc"};
      text += strays[b % std::size(strays)];
    }
  }
  return text;
}

void check_text(std::string_view text) {
  const std::vector<unit> units = reference_decode(text);
  std::vector<char32_t> values;
  std::vector<std::uint32_t> utf16_at{0};  // before each unit, and after the last
  for (const unit& u : units) {
    values.push_back(u.value);
    utf16_at.push_back(utf16_at.back() + u.utf16());
  }
  const std::vector<bool> boundary = reference_grapheme_boundaries(values);

  // The reference's clusters, as unit indices [first, last).
  std::vector<std::pair<std::size_t, std::size_t>> clusters;
  for (std::size_t i = 0, start = 0; i < units.size(); ++i) {
    if (!boundary[i + 1]) continue;
    clusters.emplace_back(start, i + 1);
    start = i + 1;
  }
  const auto byte_at = [&](std::size_t unit_index) {
    return unit_index < units.size() ? units[unit_index].begin : text.size();
  };

  // split(): pieces, positions, boundaries.
  std::size_t index = 0;
  std::size_t byte_position = 0;
  for (const piece& p : split(text, split_mode::grapheme)) {
    FUZZ_CHECK(index < clusters.size(), "more pieces than the reference's %zu clusters in %s", clusters.size(),
               hex(text).c_str());
    FUZZ_CHECK(!p.text.empty() && p.text.data() == text.data() + byte_position,
               "piece %zu is not the view of the text that follows the previous one (%s)", index, hex(text).c_str());
    const auto [first, last] = clusters[index];
    FUZZ_CHECK(byte_position == byte_at(first) && byte_position + p.text.size() == byte_at(last),
               "piece %zu is bytes %zu..%zu, the reference's cluster is %zu..%zu in %s", index, byte_position,
               byte_position + p.text.size(), byte_at(first), byte_at(last), hex(text).c_str());
    FUZZ_CHECK(p.utf16_begin == utf16_at[first] && p.utf16_end == utf16_at[last],
               "piece %zu at UTF-16 %u..%u, want %u..%u in %s", index, p.utf16_begin, p.utf16_end, utf16_at[first],
               utf16_at[last], hex(text).c_str());
    byte_position += p.text.size();
    ++index;
  }
  FUZZ_CHECK(index == clusters.size() && byte_position == text.size(), "%zu pieces covering %zu bytes, want %zu and %zu in %s",
             index, byte_position, clusters.size(), text.size(), hex(text).c_str());

  // next_grapheme_cluster() from each boundary, and the cursor by hand.
  grapheme_cursor cursor{text};
  for (const auto& [first, last] : clusters) {
    const std::size_t from = byte_at(first);
    const grapheme_extent alone = next_grapheme_cluster(text, from);
    const grapheme_extent walked = cursor.next();
    const std::size_t want_bytes = byte_at(last) - from;
    const std::uint32_t want_units = utf16_at[last] - utf16_at[first];
    FUZZ_CHECK(alone.byte_length == want_bytes && alone.utf16_length == want_units,
               "next_grapheme_cluster at %zu: %zu bytes, %u units; want %zu, %u in %s", from, alone.byte_length,
               alone.utf16_length, want_bytes, want_units, hex(text).c_str());
    FUZZ_CHECK(walked.byte_length == want_bytes && walked.utf16_length == want_units,
               "the cursor at %zu: %zu bytes, %u units; want %zu, %u in %s", from, walked.byte_length,
               walked.utf16_length, want_bytes, want_units, hex(text).c_str());
  }
  for (int again = 0; again < 2; ++again) {
    const grapheme_extent after = cursor.next();
    FUZZ_CHECK(after.byte_length == 0 && after.utf16_length == 0, "the cursor goes on past the end of %s",
               hex(text).c_str());
  }

  // The rules fed code point by code point.
  grapheme_boundaries rules;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const bool got = rules.breaks_before(values[i]);
    FUZZ_CHECK(got == boundary[i], "grapheme_boundaries before code point %zu (U+%04X) says %d, want %d in %s", i,
               static_cast<unsigned>(values[i]), got, static_cast<int>(boundary[i]), hex(text).c_str());
  }

  // A cluster started inside the text: the rules know nothing before it (GB1). Quadratic,
  // so only for short texts.
  if (units.size() <= 48) {
    for (std::size_t start = 1; start < units.size(); ++start) {
      const std::vector<char32_t> rest(values.begin() + static_cast<std::ptrdiff_t>(start), values.end());
      const std::vector<bool> rest_boundary = reference_grapheme_boundaries(rest);
      std::size_t last = start + 1;
      while (!rest_boundary[last - start]) ++last;
      const grapheme_extent got = next_grapheme_cluster(text, units[start].begin);
      FUZZ_CHECK(got.byte_length == byte_at(last) - units[start].begin && got.utf16_length == utf16_at[last] - utf16_at[start],
                 "next_grapheme_cluster from code point %zu: %zu bytes, want %zu in %s", start, got.byte_length,
                 byte_at(last) - units[start].begin, hex(text).c_str());
    }
  }
}

}  // namespace
}  // namespace trickle::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trickle::fuzzing;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_text(input);
  check_text(made_text(input));
  return 0;
}
