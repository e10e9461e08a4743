// Fuzzes the splitter (core/text/split.hpp) and the UTF-8 reader under it
// (core/text/utf8.hpp) against references written from the Unicode standard alone
// (reference_utf8.hpp, reference_grapheme.hpp).
//
// The input is the text. For every input:
//   - decode_utf8 at every byte position agrees with the reference decoder (value, bytes
//     taken, UTF-16 units), and utf16_length with the reference's count;
//   - `character` mode gives one piece per reference code point (or ill-formed sequence),
//     and the pieces put back together are the text;
//   - `space` mode equals JS text.split(" ") (no pieces for empty text), and the pieces
//     joined with " " are the text;
//   - `whitespace` mode equals Python's str.split() on the decoded code points;
//   - `grapheme` mode gives the clusters of UAX #29 read literally (ill-formed sequences
//     as U+FFFD), and the pieces put back together are the text (grapheme.cpp fuzzes the
//     rules harder, with text made of the characters they care about);
//   - every piece is a view of the text itself at the reference's byte offset, and its
//     UTF-16 positions are the reference's;
//   - is_python_whitespace agrees with Python's list for every code point (checked once).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text/split.hpp"
#include "core/text/utf8.hpp"
#include "fuzz_support.hpp"
#include "reference_grapheme.hpp"
#include "reference_utf8.hpp"

namespace trickle::fuzzing {
namespace {

// Python's str.isspace() for one character: bidirectional class WS, B or S, or category Zs.
struct code_point_range {
  char32_t first, last;
};
constexpr code_point_range python_whitespace[] = {
    {0x09, 0x0D},     {0x1C, 0x20},     {0x85, 0x85},     {0xA0, 0xA0},
    {0x1680, 0x1680}, {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F},
    {0x205F, 0x205F}, {0x3000, 0x3000},
};

bool reference_is_whitespace(const unit& u) {
  if (!u.well_formed) return false;
  for (const code_point_range& range : python_whitespace) {
    if (u.value >= range.first && u.value <= range.last) return true;
  }
  return false;
}

struct expected_piece {
  std::size_t byte_begin, byte_end;
  std::uint32_t utf16_begin, utf16_end;
};

// The pieces a mode should give, as spans of reference units [first, last).
std::vector<expected_piece> pieces_from_spans(const std::vector<unit>& units,
                                              const std::vector<std::uint32_t>& utf16_at,
                                              const std::vector<std::pair<std::size_t, std::size_t>>& spans,
                                              std::size_t text_size) {
  std::vector<expected_piece> out;
  for (auto [first, last] : spans) {
    const std::size_t byte_begin = first < units.size() ? units[first].begin : text_size;
    const std::size_t byte_end = last < units.size() ? units[last].begin : text_size;
    out.push_back({byte_begin, byte_end, utf16_at[first], utf16_at[last]});
  }
  return out;
}

const char* mode_name(split_mode mode) {
  switch (mode) {
    case split_mode::whitespace: return "whitespace";
    case split_mode::space: return "space";
    case split_mode::character: return "character";
    case split_mode::grapheme: return "grapheme";
  }
  return "?";
}

void check_mode(std::string_view text, split_mode mode, const std::vector<expected_piece>& expected) {
  std::size_t index = 0;
  for (const piece& got : split(text, mode)) {
    FUZZ_CHECK(index < expected.size(), "%s mode: more than the %zu expected pieces in %s",
               mode_name(mode), expected.size(), hex(text).c_str());
    const expected_piece& want = expected[index];
    const auto offset = static_cast<std::size_t>(got.text.data() - text.data());
    FUZZ_CHECK(got.text.empty() || (got.text.data() >= text.data() && offset + got.text.size() <= text.size()),
               "%s mode: piece %zu is not a view of the text", mode_name(mode), index);
    FUZZ_CHECK(got.text == text.substr(want.byte_begin, want.byte_end - want.byte_begin) &&
                   (got.text.empty() || offset == want.byte_begin),
               "%s mode: piece %zu is [%s], want bytes %zu..%zu of %s", mode_name(mode), index,
               hex(got.text).c_str(), want.byte_begin, want.byte_end, hex(text).c_str());
    FUZZ_CHECK(got.utf16_begin == want.utf16_begin && got.utf16_end == want.utf16_end,
               "%s mode: piece %zu at UTF-16 %u..%u, want %u..%u in %s", mode_name(mode), index,
               got.utf16_begin, got.utf16_end, want.utf16_begin, want.utf16_end, hex(text).c_str());
    ++index;
  }
  FUZZ_CHECK(index == expected.size(), "%s mode: %zu pieces, want %zu, in %s", mode_name(mode), index,
             expected.size(), hex(text).c_str());
}

// The pieces joined with `separator` are the text again.
void check_reassembles(std::string_view text, split_mode mode, std::string_view separator) {
  std::string joined;
  bool first = true;
  for (const piece& p : split(text, mode)) {
    if (!first) joined += separator;
    joined += p.text;
    first = false;
  }
  FUZZ_CHECK(joined == text, "%s mode: the pieces make %s, not %s", mode_name(mode), hex(joined).c_str(),
             hex(text).c_str());
}

void check_whitespace_predicate_once() {
  static const bool checked = [] {
    for (char32_t c = 0; c <= 0x10FFFF; ++c) {
      const bool want = reference_is_whitespace({c, 0, 1, true});
      FUZZ_CHECK(is_python_whitespace(c) == want, "is_python_whitespace(U+%04X) is %d", static_cast<unsigned>(c),
                 !want);
    }
    return true;
  }();
  (void)checked;
}

}  // namespace
}  // namespace trickle::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trickle;
  using namespace trickle::fuzzing;
  check_whitespace_predicate_once();

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<unit> units = reference_decode(text);

  // UTF-16 position before each unit, and after the last.
  std::vector<std::uint32_t> utf16_at{0};
  for (const unit& u : units) utf16_at.push_back(utf16_at.back() + u.utf16());
  FUZZ_CHECK(utf16_length(text) == utf16_at.back(), "utf16_length is %u, want %u for %s", utf16_length(text),
             utf16_at.back(), hex(text).c_str());

  // decode_utf8 reads only forward from where it starts: every position is a start.
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unit want = reference_unit_at(text, i);
    const decoded_code_point got = decode_utf8(text, i);
    FUZZ_CHECK(got.value == want.value && got.byte_length == want.length && got.utf16_length == want.utf16(),
               "decode_utf8 at %zu of %s: U+%04X, %u bytes, %u units; want U+%04X, %zu, %u", i, hex(text).c_str(),
               static_cast<unsigned>(got.value), got.byte_length, got.utf16_length,
               static_cast<unsigned>(want.value), want.length, want.utf16());
  }

  std::vector<std::pair<std::size_t, std::size_t>> characters, spaces, words, clusters;
  for (std::size_t i = 0; i < units.size(); ++i) characters.emplace_back(i, i + 1);
  // JS split(" ") on a non-empty text: the stretches between single U+0020s, empty ones kept.
  if (!units.empty()) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < units.size(); ++i) {
      if (units[i].well_formed && units[i].value == U' ') {
        spaces.emplace_back(start, i);
        start = i + 1;
      }
    }
    spaces.emplace_back(start, units.size());
  }
  // Python's split(): maximal runs of non-whitespace.
  for (std::size_t i = 0; i < units.size();) {
    if (reference_is_whitespace(units[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < units.size() && !reference_is_whitespace(units[end])) ++end;
    words.emplace_back(i, end);
    i = end;
  }

  // UAX #29: the stretches between the reference's boundaries.
  std::vector<char32_t> values;
  for (const unit& u : units) values.push_back(u.value);
  const std::vector<bool> boundary = reference_grapheme_boundaries(values);
  for (std::size_t i = 0, start = 0; i < units.size(); ++i) {
    if (!boundary[i + 1]) continue;
    clusters.emplace_back(start, i + 1);
    start = i + 1;
  }

  check_mode(text, split_mode::character, pieces_from_spans(units, utf16_at, characters, text.size()));
  check_mode(text, split_mode::space, pieces_from_spans(units, utf16_at, spaces, text.size()));
  check_mode(text, split_mode::whitespace, pieces_from_spans(units, utf16_at, words, text.size()));
  check_mode(text, split_mode::grapheme, pieces_from_spans(units, utf16_at, clusters, text.size()));
  check_reassembles(text, split_mode::character, "");
  check_reassembles(text, split_mode::grapheme, "");
  check_reassembles(text, split_mode::space, " ");
  return 0;
}
