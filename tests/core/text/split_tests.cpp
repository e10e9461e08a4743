#include <catch2/catch.hpp>

#include "core/text/split.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "utf8_support.hpp"

using namespace trickle;

namespace {

std::vector<std::string> pieces(std::string_view text, split_mode mode) {
  std::vector<std::string> out;
  for (const piece& p : split(text, mode)) out.emplace_back(p.text);
  return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("whitespace mode splits like Python's str.split()") {
  CHECK(pieces("你好 我 是 一个 模拟 的 LLM", split_mode::whitespace) ==
        strings{"你好", "我", "是", "一个", "模拟", "的", "LLM"});
  CHECK(pieces("  lead\t\ttabs\nand\r\nlines  ", split_mode::whitespace) ==
        strings{"lead", "tabs", "and", "lines"});
  // U+3000 IDEOGRAPHIC SPACE, U+00A0 NO-BREAK SPACE, U+2003 EM SPACE, U+0085 NEXT LINE
  CHECK(pieces("你好\u3000世界\u00a0a\u2003b\u0085c", split_mode::whitespace) ==
        strings{"你好", "世界", "a", "b", "c"});
  CHECK(pieces("", split_mode::whitespace).empty());
  CHECK(pieces(" \t\u3000 ", split_mode::whitespace).empty());
  // Not whitespace for Python: ZERO WIDTH SPACE U+200B
  CHECK(pieces("a\u200bb", split_mode::whitespace) == strings{"a\u200bb"});
}

TEST_CASE("Python's whitespace set, code point by code point") {
  const char32_t expected[] = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20,
                               0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
                               0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028,
                               0x2029, 0x202F, 0x205F, 0x3000};
  int count = 0;
  for (char32_t c = 0; c < 0x110000; ++c) count += is_python_whitespace(c) ? 1 : 0;
  CHECK(count == static_cast<int>(std::size(expected)));
  for (char32_t c : expected) CHECK(is_python_whitespace(c));
}

TEST_CASE("space mode splits like JS text.split(\" \"), keeping empty pieces") {
  CHECK(pieces("a  b", split_mode::space) == strings{"a", "", "b"});
  CHECK(pieces(" a ", split_mode::space) == strings{"", "a", ""});
  CHECK(pieces("tab\tstays", split_mode::space) == strings{"tab\tstays"});
  CHECK(pieces("你好\u3000世界 x", split_mode::space) == strings{"你好\u3000世界", "x"});
  CHECK(pieces(" ", split_mode::space) == strings{"", ""});
}

TEST_CASE("empty text gives no pieces in every mode") {
  for (auto mode : {split_mode::whitespace, split_mode::space, split_mode::character}) {
    CHECK(pieces("", mode).empty());
  }
}

TEST_CASE("character mode gives one code point per piece, spaces included") {
  CHECK(pieces("你好 LLM", split_mode::character) == strings{"你", "好", " ", "L", "L", "M"});
  CHECK(pieces("a😀b", split_mode::character) == strings{"a", "😀", "b"});
}

TEST_CASE("pieces carry their position in UTF-16 code units, as JS indexes strings") {
  // "😀" is two UTF-16 units (a surrogate pair), "你" one, "é" one.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;
  for (const piece& p : split("😀 你é  x", split_mode::whitespace)) spans.emplace_back(p.utf16_begin, p.utf16_end);
  CHECK(spans == std::vector<std::pair<std::uint32_t, std::uint32_t>>{{0, 2}, {3, 5}, {7, 8}});
  CHECK(utf16_length("😀 你é  x") == 8);
}

TEST_CASE("invalid UTF-8 is kept byte for byte, each ill-formed run counting as one character") {
  const std::string bad = "ok \xff\xfe x\xe4\xbd y \xc0\xaf";
  // Whitespace mode: invalid bytes are not whitespace and stay inside their piece.
  CHECK(pieces(bad, split_mode::whitespace) == strings{"ok", "\xff\xfe", "x\xe4\xbd", "y", "\xc0\xaf"});
  // Character mode: each maximal ill-formed subsequence is its own piece (TextDecoder's
  // unit of replacement): FF | FE | E4 BD (truncated 3-byte form) | C0 | AF.
  CHECK(pieces("\xff\xfe\xe4\xbd\xc0\xaf", split_mode::character) ==
        strings{"\xff", "\xfe", "\xe4\xbd", "\xc0", "\xaf"});
  // Surrogates encoded in UTF-8 (CESU) and values past U+10FFFF are ill-formed too.
  CHECK(pieces("\xed\xa0\x80", split_mode::character) == strings{"\xed", "\xa0", "\x80"});
  CHECK(pieces("\xf4\x90\x80\x80", split_mode::character).size() == 4);
  CHECK(decode_utf8("\xe4\xbd\xa0", 0).value == U'你');
  CHECK(utf16_length("\xff\xfe\xe4\xbd") == 3);  // three U+FFFD, one unit each
}

TEST_CASE("a truncated sequence at the very end does not read past the text") {
  const std::string text = "a\xf0\x9f";
  std::string_view view(text.data(), text.size());
  CHECK(pieces(view, split_mode::character) == strings{"a", "\xf0\x9f"});
}

namespace {

// Whitespace mode the slow way: one code point at a time, by the library's decoder and
// Python's whitespace test, with UTF-16 positions counted alongside.
using positioned_pieces = std::vector<std::tuple<std::string, std::uint32_t, std::uint32_t>>;

// Whitespace mode as the splitter cuts it: each piece with its UTF-16 positions.
positioned_pieces whitespace_pieces(std::string_view text) {
  positioned_pieces out;
  for (const piece& p : split(text, split_mode::whitespace)) out.emplace_back(std::string{p.text}, p.utf16_begin, p.utf16_end);
  return out;
}

positioned_pieces whitespace_pieces_by_code_point(std::string_view text) {
  positioned_pieces out;
  std::size_t at = 0;
  std::uint32_t utf16 = 0;
  bool in_piece = false;
  while (at < text.size()) {
    const decoded_code_point step = decode_utf8(text, at);
    if (is_python_whitespace(step.value)) {
      in_piece = false;
    } else {
      if (!in_piece) out.emplace_back("", utf16, utf16);
      in_piece = true;
      std::get<0>(out.back()).append(text.substr(at, step.byte_length));
      std::get<2>(out.back()) = utf16 + step.utf16_length;
    }
    at += step.byte_length;
    utf16 += step.utf16_length;
  }
  return out;
}

}  // namespace

TEST_CASE("whitespace mode finds every boundary wherever it falls in an eight-byte block") {
  // Words of 0 to 19 code points from letters, control characters (part of a word), every
  // kind of whitespace, multi-byte letters and invalid bytes, so that every kind of byte
  // ends or continues a word at every offset of the scan's eight-byte blocks.
  const std::vector<char32_t> word_chars{U'a', U'Z', U'0', U'!', U'~', 0x7F, 0x01, 0x08, 0x0E, 0x1B,
                                         U'é', U'你', U'😀', 0x200B, 0xFFFD, 0x0100, 0x07FF, 0x0800, 0x0FFF,
                                         0xD7FF, 0xE000, 0xFFFF, 0x10FFFF, 0x1681, 0x2010, 0x3001, 0x00A1, 0x0084,
                                         // Next to whitespace in its lead byte, kana, and every kind of four bytes.
                                         0x169A, 0x1FFF, 0x2080, 0x205E, 0x2060, 0x2FFF, 0x3002, 0x30BF, 0x3040,
                                         0x10000, 0x20000, 0x29E3D, 0xE0001, 0x100000};
  const std::vector<char32_t> spaces{U' ', U'\t', U'\n', 0x0B, 0x0C, U'\r', 0x1C, 0x1D, 0x1E, 0x1F,
                                     0x85, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
  std::mt19937 random{2026};
  for (int round = 0; round < 1000; ++round) {
    std::string text;
    const int words = static_cast<int>(random() % 12);
    for (int w = 0; w < words; ++w) {
      const int length = static_cast<int>(random() % 20);
      for (int i = 0; i < length; ++i) {
        if (random() % 23 == 0) {
          // Ill-formed UTF-8 (one character per maximal ill-formed run, never whitespace):
          // a stray byte, lead bytes cut short or followed by the wrong byte, a surrogate,
          // an overlong form, a four-byte form overlong, above U+10FFFF or cut short, and a
          // whitespace's bytes with their last one missing.
          static const char* const ill_formed[] = {"\xff", "\xe4\xbd", "\xe4", "\xe4\x41", "\xed\xa0\x80", "\xe0\x80\x80",
                                                   "\xc2", "\xc2\x41", "\xe3\x80", "\xe2\x80", "\xc0\xa0", "\x80",
                                                   "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf0\x9f\x98",
                                                   "\xf0\x9f\x41\x80", "\xe1\x9a", "\xe3\x80\x41", "\xef\xbf"};
          text += ill_formed[random() % std::size(ill_formed)];
        } else {
          testing::append_utf8(text, word_chars[random() % word_chars.size()]);
        }
      }
      const int gap = static_cast<int>(random() % 3);
      for (int i = 0; i < gap; ++i) testing::append_utf8(text, spaces[random() % spaces.size()]);
    }
    INFO("round " << round << ", text of " << text.size() << " bytes");
    CHECK(whitespace_pieces(text) == whitespace_pieces_by_code_point(text));
  }
}

TEST_CASE("whitespace mode over mostly ASCII text: words and gaps across the 64-byte windows") {
  // The scan reads ASCII text 64 bytes at a time as a bit per byte; these texts put word
  // ends, long gaps, long words, control characters (whitespace or not), the last few bytes
  // and the odd multi-byte letter or space at every offset of those windows.
  const std::string letters = "abcXYZ09!~.,'";
  const std::vector<char> ascii_spaces{' ', ' ', ' ', '\t', '\n', '\v', '\f', '\r', 0x1C, 0x1D, 0x1E, 0x1F};
  const std::vector<char> controls{0x01, 0x08, 0x0E, 0x1B, 0x7F, 0x00};
  const std::vector<char32_t> rare{U'é', U'你', U'😀', 0xA0, 0x3000, 0x2003, 0x85};
  std::mt19937 random{64};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const std::size_t target = random() % 700;
    const unsigned rare_odds = 1 + random() % 300;  // some texts all ASCII, some with many others
    while (text.size() < target) {
      const unsigned kind = random() % 8;
      const std::size_t length = kind == 0 ? random() % 140 : random() % 9;  // now and then beyond a window
      for (std::size_t i = 0; i < length; ++i) {
        if (random() % rare_odds == 0) {
          testing::append_utf8(text, rare[random() % rare.size()]);
        } else if (random() % 40 == 0) {
          text += controls[random() % controls.size()];
        } else {
          text += letters[random() % letters.size()];
        }
      }
      const std::size_t gap = random() % 11 == 0 ? random() % 150 : 1 + random() % 2;
      for (std::size_t i = 0; i < gap; ++i) text += ascii_spaces[random() % ascii_spaces.size()];
    }
    if (random() % 2 == 0) text.resize(target);  // ends anywhere: in a word, in a gap, mid-sequence
    INFO("round " << round << ", text of " << text.size() << " bytes");
    CHECK(whitespace_pieces(text) == whitespace_pieces_by_code_point(text));
  }
}

TEST_CASE("whitespace mode over text in other scripts: letter by letter, by the lead byte") {
  // Text that is not ASCII (CJK, kana, Cyrillic, emoji) is cut a letter at a time, each
  // known by its lead byte and checked by its continuation bytes. These texts are mostly
  // such letters between ASCII spaces, with now and then a letter whose lead it looks at in
  // full (C2, E0, E2, ED, F0, F4), a whitespace above ASCII (U+1680 and U+3000 share their
  // leads with letters), an ill-formed sequence, an ASCII run or a control character, and
  // they end anywhere: every word's first and last letters meet each case.
  const std::vector<char32_t> common{U'你', U'好', U'模', U'拟', U'ひ', U'カ', 0x3002, 0x3001, 0x30FC, U'Ж', U'é',
                                     0x0600, 0x1000, 0x1FFF, 0x169A, 0x1681, 0x3081, 0xE000, 0xFFFD, 0x40000, 0xFFFFF};
  const std::vector<char32_t> looked_at{0x00A9, 0x00A0, 0x0085, 0x0800, 0x0FFF, 0x2019, 0x201C, 0x2026, 0x2003,
                                        0x2028, 0x202F, 0x205F, 0x2060, 0xD7FF, 0x1F600, 0x10000, 0x100000, 0x10FFFF,
                                        0x1680, 0x3000};
  static const char* const ill_formed[] = {"\xe4\xbd", "\xe4\x41\x80", "\xe3\x80", "\xe3\x80\x41", "\xe1\x9a", "\x80\x80",
                                           "\xf1\x80\x80", "\xf3\x41", "\xd0", "\xd0\x41", "\xc1\xbf", "\xf8\x80\x80\x80"};
  std::mt19937 random{3000};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const std::size_t target = random() % 200;
    const unsigned odds = 2 + random() % 40;
    while (text.size() < target) {
      const std::size_t length = random() % 7;
      for (std::size_t i = 0; i < length; ++i) {
        const unsigned pick = random() % (odds * 4);
        if (pick == 0) {
          text += ill_formed[random() % std::size(ill_formed)];
        } else if (pick == 1) {
          text += static_cast<char>(random() % 2 == 0 ? 0x01 : 0x1B);
        } else if (pick == 2) {
          text += "word";
        } else if (pick < 4 + odds / 4) {
          testing::append_utf8(text, looked_at[random() % looked_at.size()]);
        } else {
          testing::append_utf8(text, common[random() % common.size()]);
        }
      }
      text += random() % 9 == 0 ? "\n\t " : " ";
    }
    if (random() % 2 == 0) text.resize(target);
    INFO("round " << round << ", text of " << text.size() << " bytes");
    CHECK(whitespace_pieces(text) == whitespace_pieces_by_code_point(text));
  }
}
