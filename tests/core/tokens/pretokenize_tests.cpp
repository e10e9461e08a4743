#include <catch2/catch.hpp>

#include "core/tokens/pretokenize.hpp"
#include "tokens/assets.hpp"

#include <string>
#include <string_view>
#include <vector>

using namespace trickle;
using namespace trickle::tokens;
using trickle::testing::token_vocabulary;

namespace {

using strings = std::vector<std::string>;

strings pieces(const vocabulary& v, std::string_view text) {
  strings out;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = piece_end(v, bytes, text.size(), start);
    REQUIRE(end > start);
    REQUIRE(end <= text.size());
    out.emplace_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

strings cl100k(std::string_view text) { return pieces(token_vocabulary("cl100k_base"), text); }
strings o200k(std::string_view text) { return pieces(token_vocabulary("o200k_base"), text); }

}  // namespace

// The expectations below are what the JS regexes of gpt-tokenizer give (checked with Node
// when they were written; tests/js/tokens.test.mjs compares every piece of a large corpus
// with the live regexes).

TEST_CASE("contractions are pieces of their own in cl100k_base and end the word in o200k_base", "[tokens]") {
  CHECK(cl100k("I'm here") == strings{"I", "'m", " here"});
  CHECK(o200k("I'm here") == strings{"I'm", " here"});
  // Either case, letter by letter.
  CHECK(cl100k("HE'S 'sa") == strings{"HE", "'S", " '", "sa"});
  CHECK(o200k("HE'S 'sa") == strings{"HE'S", " '", "sa"});
  CHECK(cl100k("x'LL") == strings{"x", "'LL"});
  CHECK(o200k("x'LL") == strings{"x'LL"});
  // First match wins over longest: "'s" is taken before "'sworld" could be a word.
  CHECK(cl100k("hello'sworld") == strings{"hello", "'s", "world"});
  CHECK(o200k("hello'sworld") == strings{"hello's", "world"});
  // ASCII only: U+017F LONG S is no "s" for [sS] (it is for tiktoken's Rust (?i)).
  CHECK(cl100k("x'\u017f") == strings{"x", "'\u017f"});
  CHECK(o200k("x'\u017f") == strings{"x", "'\u017f"});
}

TEST_CASE("a run of spaces gives its last space to the word after it", "[tokens]") {
  CHECK(cl100k("  hello") == strings{" ", " hello"});
  CHECK(o200k("  hello") == strings{" ", " hello"});
  CHECK(cl100k("a\n  b") == strings{"a", "\n", " ", " b"});
  // Any white space but \r and \n may lead a word, U+3000 IDEOGRAPHIC SPACE and TAB too.
  CHECK(cl100k("\tword") == strings{"\tword"});
  CHECK(cl100k("  \u3000x") == strings{"  ", "\u3000x"});
  CHECK(o200k("\u00a0\u00a0x") == strings{"\u00a0", "\u00a0x"});
  // A space before a number stays alone.
  CHECK(cl100k(" 123") == strings{" ", "123"});
  CHECK(o200k(" 123") == strings{" ", "123"});
}

TEST_CASE("white space at the end and around newlines follows each pattern's order", "[tokens]") {
  // cl100k_base tries \s+$ before \s*[\r\n]; o200k_base has no $ and stops at the newline.
  CHECK(cl100k("a  \n\n  ") == strings{"a", "  \n\n  "});
  CHECK(o200k("a  \n\n  ") == strings{"a", "  \n\n", "  "});
  CHECK(cl100k("x  ") == strings{"x", "  "});
  CHECK(cl100k("a \n") == strings{"a", " \n"});
  CHECK(cl100k("a\r\n\r\nb") == strings{"a", "\r\n\r\n", "b"});
  CHECK(o200k("a\r\n\r\nb") == strings{"a", "\r\n\r\n", "b"});
  // Punctuation takes the newlines after it.
  CHECK(cl100k("?!\n\nx") == strings{"?!\n\n", "x"});
  CHECK(o200k("a/b//\n") == strings{"a", "/b", "//\n"});
}

TEST_CASE("JS's white space: U+FEFF is white space, U+0085 is not", "[tokens]") {
  CHECK(cl100k("a\u0085b") == strings{"a", "\u0085b"});
  CHECK(cl100k("a\ufeffb") == strings{"a", "\ufeffb"});
  CHECK(o200k("a\ufeff\ufeffb") == strings{"a", "\ufeff", "\ufeffb"});
}

TEST_CASE("numbers come in chunks of at most three digits", "[tokens]") {
  CHECK(cl100k("123456") == strings{"123", "456"});
  CHECK(o200k("1234567") == strings{"123", "456", "7"});
  // \p{N} is more than ASCII digits: Arabic-Indic digits, Roman numerals, superscripts.
  CHECK(cl100k("\u0661\u0662\u0663\u0664") == strings{"\u0661\u0662\u0663", "\u0664"});
  CHECK(o200k("\u2167\u00b2") == strings{"\u2167\u00b2"});
}

TEST_CASE("o200k_base splits words at case changes, and its letter classes overlap", "[tokens]") {
  CHECK(o200k("HELLO world") == strings{"HELLO", " world"});
  CHECK(o200k("ABCdef") == strings{"ABCdef"});
  CHECK(o200k("ABC'd") == strings{"ABC'd"});
  CHECK(o200k("helloWorld") == strings{"hello", "World"});
  CHECK(cl100k("helloWorld") == strings{"helloWorld"});
  // Titlecase (Lt) goes with the capitals, modifier letters (Lm) with both.
  CHECK(o200k("\u01c4a \u01c5b") == strings{"\u01c4a", " \u01c5b"});
  CHECK(o200k("\u02b0\u02b0a") == strings{"\u02b0\u02b0a"});
  // Marks belong to words in o200k_base; in cl100k_base they are punctuation.
  CHECK(o200k("e\u0301te") == strings{"e\u0301te"});
  CHECK(cl100k("e\u0301te") == strings{"e", "\u0301te"});
  CHECK(o200k("A\u0301B\u0301c") == strings{"A\u0301B\u0301c"});
  CHECK(cl100k("A\u0301B\u0301c") == strings{"A", "\u0301B", "\u0301c"});
  // A mark may also be the one-character prefix: the regex tries that first.
  CHECK(o200k("!\u0301x") == strings{"!\u0301x"});
  CHECK(cl100k("!\u0301x") == strings{"!\u0301", "x"});
  CHECK(o200k("\u0301\u0301a") == strings{"\u0301\u0301a"});
}

TEST_CASE("the upper-case run gives back its last letter that is also lower-case", "[tokens]") {
  // [Lu Lt Lm Lo M]* [Ll Lm Lo M]+ : "ABʰ" then "D" — the star gives back ʰ (Lm) to the plus.
  CHECK(o200k("AB\u02b0D") == strings{"AB\u02b0", "D"});
  // The same with a prefix: "(" + "Aʰ", then the rest.
  CHECK(o200k("(A\u02b0BC") == strings{"(A\u02b0", "BC"});
  // No letter of the second set at all: the second alternative takes the capitals.
  CHECK(o200k("(ABC)") == strings{"(ABC", ")"});
}

TEST_CASE("CJK runs are one piece until punctuation", "[tokens]") {
  CHECK(cl100k("\u4f60\u597d\u4e16\u754c\u3002") == strings{"\u4f60\u597d\u4e16\u754c", "\u3002"});
  CHECK(o200k("\u4f60\u597d\u4e16\u754c\u3002") == strings{"\u4f60\u597d\u4e16\u754c", "\u3002"});
  CHECK(cl100k(" (hello)") == strings{" (", "hello", ")"});
}

TEST_CASE("pieces tile any valid text: none empty, none past the end", "[tokens]") {
  // pieces() checks each step; here every kind of code point at once.
  const std::string text = "Hi\u00a0\u2028x\r\n \t9\u0301\U0001F600\u200d\U0001F469'S'\xef\xbf\xbd  ";
  for (const char* name : {"cl100k_base", "o200k_base"}) {
    std::string joined;
    for (const std::string& piece : pieces(token_vocabulary(name), text)) joined += piece;
    CHECK(joined == text);
  }
}
