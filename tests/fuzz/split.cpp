// Fuzzes the splitter (core/text/split.hpp) and the UTF-8 reader under it
// (core/text/utf8.hpp) against a reference written here from the Unicode standard alone.
//
// The input is the text. For every input:
//   - decode_utf8 at every byte position agrees with the reference decoder (value, bytes
//     taken, UTF-16 units), and utf16_length with the reference's count;
//   - `character` mode gives one piece per reference code point (or ill-formed sequence),
//     and the pieces put back together are the text;
//   - `space` mode equals JS text.split(" ") (no pieces for empty text), and the pieces
//     joined with " " are the text;
//   - `whitespace` mode equals Python's str.split() on the decoded code points;
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

namespace trickle::fuzzing {
namespace {

// --- The reference decoder: Unicode's table 3-7 of well-formed byte sequences, row by row,
// and the "maximal subpart" rule for what an ill-formed sequence is (one U+FFFD each, as
// TextDecoder and the WHATWG Encoding Standard do).

struct byte_range {
  unsigned char low, high;
  bool holds(unsigned char byte) const { return byte >= low && byte <= high; }
};

struct well_formed_row {
  byte_range lead;
  int trailing;  // bytes after the lead
  byte_range next[3];
};

constexpr byte_range any_continuation{0x80, 0xBF};
constexpr well_formed_row table_3_7[] = {
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

// A well-formed code point back to UTF-8, by the encoding's bit layout: checks that the
// decoded value is the one the bytes spell, in its shortest form.
std::string encode(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

unit reference_unit_at(std::string_view text, std::size_t begin) {
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
  FUZZ_CHECK(encode(value) == bytes, "reference decoder: %s decoded as U+%04X",
             hex(bytes).c_str(), static_cast<unsigned>(value));
  FUZZ_CHECK(value <= 0x10FFFF && (value < 0xD800 || value > 0xDFFF),
             "reference decoder: %s is not a scalar value", hex(bytes).c_str());
  return {value, begin, length, true};
}

std::vector<unit> reference_decode(std::string_view text) {
  std::vector<unit> units;
  for (std::size_t i = 0; i < text.size(); i += units.back().length) {
    units.push_back(reference_unit_at(text, i));
  }
  return units;
}

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

  std::vector<std::pair<std::size_t, std::size_t>> characters, spaces, words;
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

  check_mode(text, split_mode::character, pieces_from_spans(units, utf16_at, characters, text.size()));
  check_mode(text, split_mode::space, pieces_from_spans(units, utf16_at, spaces, text.size()));
  check_mode(text, split_mode::whitespace, pieces_from_spans(units, utf16_at, words, text.size()));
  check_reassembles(text, split_mode::character, "");
  check_reassembles(text, split_mode::space, " ");
  return 0;
}
