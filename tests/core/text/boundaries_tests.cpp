#include <catch2/catch.hpp>

#include "core/text/boundaries.hpp"

#include <string>
#include <vector>

using namespace trickle;

namespace {

using ends = std::vector<std::uint32_t>;

std::vector<std::string> texts(const std::vector<piece>& pieces) {
  std::vector<std::string> out;
  for (const piece& p : pieces) out.emplace_back(p.text);
  return out;
}

}  // namespace

TEST_CASE("pieces at given UTF-16 ends are the text between them") {
  // "😀" is two UTF-16 units and four bytes, "你" one unit and three bytes.
  const std::string text = "ab😀你c";
  std::vector<piece> pieces;
  REQUIRE(split_at_utf16(text, ends{1, 4, 6}, pieces));
  CHECK(texts(pieces) == std::vector<std::string>{"a", "b😀", "你c"});
  CHECK(pieces[1].utf16_begin == 1);
  CHECK(pieces[1].utf16_end == 4);
  CHECK(pieces[2].utf16_begin == 4);
  CHECK(pieces[2].utf16_end == 6);
}

TEST_CASE("ends that are not in order, past the text, short of it or inside a surrogate pair are refused") {
  const std::string text = "ab😀你c";  // 6 units
  std::vector<piece> pieces{{"kept", 0, 4}};
  CHECK_FALSE(split_at_utf16(text, ends{2, 2, 6}, pieces));  // an empty piece
  CHECK_FALSE(split_at_utf16(text, ends{4, 2, 6}, pieces));
  CHECK_FALSE(split_at_utf16(text, ends{7}, pieces));
  CHECK_FALSE(split_at_utf16(text, ends{4}, pieces));
  CHECK_FALSE(split_at_utf16(text, ends{3, 6}, pieces));  // between the two halves of 😀
  CHECK(pieces.size() == 1);  // left as it was
  CHECK(split_at_utf16(text, ends{6}, pieces));
  CHECK(pieces.size() == 2);
}

TEST_CASE("empty text takes no ends, and ill-formed bytes count one unit each") {
  std::vector<piece> pieces;
  CHECK(split_at_utf16("", ends{}, pieces));
  CHECK(pieces.empty());
  CHECK_FALSE(split_at_utf16("", ends{1}, pieces));
  CHECK_FALSE(split_at_utf16("x", ends{}, pieces));
  // FF and the truncated E4 BD are one unit each, as their U+FFFD in JS.
  REQUIRE(split_at_utf16("\xff" "a\xe4\xbd", ends{1, 3}, pieces));
  CHECK(texts(pieces) == std::vector<std::string>{"\xff", "a\xe4\xbd"});
}

TEST_CASE("the cursor cuts the same pieces one at a time, and stays put when an end is refused") {
  const std::string text = "ab😀你c";
  utf16_cursor cursor{text};
  piece p;
  REQUIRE(cursor.advance_to(1, p));
  CHECK(p.text == "a");
  CHECK_FALSE(cursor.advance_to(3, p));  // inside 😀
  CHECK_FALSE(cursor.advance_to(1, p));  // not after where it is
  CHECK_FALSE(cursor.advance_to(9, p));  // past the text
  REQUIRE(cursor.advance_to(4, p));      // and from where it was
  CHECK(p.text == "b😀");
  CHECK(p.utf16_begin == 1);
  CHECK(p.utf16_end == 4);
  CHECK_FALSE(cursor.at_end());
  REQUIRE(cursor.advance_to(6, p));
  CHECK(p.text == "你c");
  CHECK(cursor.at_end());
  CHECK(valid_utf16_ends(text, ends{1, 4, 6}));
  CHECK_FALSE(valid_utf16_ends(text, ends{1, 4}));
  CHECK_FALSE(valid_utf16_ends(text, ends{3, 6}));
  CHECK(valid_utf16_ends("", ends{}));
}
