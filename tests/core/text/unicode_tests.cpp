#include <catch2/catch.hpp>

#include "core/text/unicode.hpp"

#include <string>

using namespace trickle;

namespace {

constexpr char32_t last_code_point = 0x10FFFF;

template <class Predicate>
long count_code_points(Predicate predicate) {
  long count = 0;
  for (char32_t c = 0; c <= last_code_point; ++c) count += predicate(c) ? 1 : 0;
  return count;
}

}  // namespace

TEST_CASE("the property tables are those of Unicode 17.0.0") {
  CHECK(std::string(unicode_version()) == "17.0.0");
  // New in 17.0: CJK Unified Ideographs Extension J starts at U+323B0 (unassigned in 16.0).
  CHECK(general_category_of(0x323B0) == general_category::other_letter);
  // New in 17.0: Extended_Pictographic was taken from old symbols without Emoji.
  CHECK_FALSE(is_extended_pictographic(0x2701));
}

TEST_CASE("Grapheme_Cluster_Break values of sample code points") {
  CHECK(grapheme_break_property(U'a') == grapheme_break::other);
  CHECK(grapheme_break_property(U'\r') == grapheme_break::cr);
  CHECK(grapheme_break_property(U'\n') == grapheme_break::lf);
  CHECK(grapheme_break_property(0x00) == grapheme_break::control);
  CHECK(grapheme_break_property(0x00AD) == grapheme_break::control);   // SOFT HYPHEN
  CHECK(grapheme_break_property(0xD800) == grapheme_break::other);     // a surrogate, as ICU has it too
  CHECK(grapheme_break_property(0x0300) == grapheme_break::extend);
  CHECK(grapheme_break_property(0x1F3FB) == grapheme_break::extend);   // skin tone modifier
  CHECK(grapheme_break_property(0xE0020) == grapheme_break::extend);   // TAG SPACE
  CHECK(grapheme_break_property(0x200D) == grapheme_break::zwj);
  CHECK(grapheme_break_property(0x1F1E6) == grapheme_break::regional_indicator);
  CHECK(grapheme_break_property(0x0600) == grapheme_break::prepend);
  CHECK(grapheme_break_property(0x0903) == grapheme_break::spacing_mark);
  CHECK(grapheme_break_property(0x1100) == grapheme_break::l);
  CHECK(grapheme_break_property(0x1161) == grapheme_break::v);
  CHECK(grapheme_break_property(0x11A8) == grapheme_break::t);
  CHECK(grapheme_break_property(0xAC00) == grapheme_break::lv);
  CHECK(grapheme_break_property(0xAC01) == grapheme_break::lvt);
  CHECK(grapheme_break_property(0xD7A3) == grapheme_break::lvt);       // the last syllable
  CHECK(grapheme_break_property(0x110000) == grapheme_break::other);   // past the code space
  // Whole classes, counted from the UCD 17.0 GraphemeBreakProperty.txt.
  CHECK(count_code_points([](char32_t c) { return grapheme_break_property(c) == grapheme_break::regional_indicator; }) == 26);
  CHECK(count_code_points([](char32_t c) { return grapheme_break_property(c) == grapheme_break::lv; }) == 399);
  CHECK(count_code_points([](char32_t c) { return grapheme_break_property(c) == grapheme_break::lvt; }) == 10773);
}

TEST_CASE("Extended_Pictographic and Indic_Conjunct_Break of sample code points") {
  CHECK(is_extended_pictographic(0x1F600));
  CHECK(is_extended_pictographic(0x00A9));
  CHECK(is_extended_pictographic(0x1FFFD));  // reserved for future emoji
  CHECK_FALSE(is_extended_pictographic(U'a'));
  CHECK_FALSE(is_extended_pictographic(0x1F1E6));
  // What Node 20's RegExp /\p{Extended_Pictographic}/u matches (ICU 78).
  CHECK(count_code_points(is_extended_pictographic) == 2848);

  CHECK(indic_conjunct_break_property(0x0915) == indic_conjunct_break::consonant);
  CHECK(indic_conjunct_break_property(0x1780) == indic_conjunct_break::consonant);  // Khmer, new in 17.0
  CHECK(indic_conjunct_break_property(0x094D) == indic_conjunct_break::linker);
  CHECK(indic_conjunct_break_property(0x17D2) == indic_conjunct_break::linker);
  CHECK(indic_conjunct_break_property(0x200D) == indic_conjunct_break::extend);
  CHECK(indic_conjunct_break_property(0x0300) == indic_conjunct_break::extend);
  CHECK(indic_conjunct_break_property(U'a') == indic_conjunct_break::none);
  CHECK(indic_conjunct_break_property(0x110000) == indic_conjunct_break::none);
}

TEST_CASE("General_Category of sample code points") {
  CHECK(general_category_of(U'A') == general_category::uppercase_letter);
  CHECK(general_category_of(U'a') == general_category::lowercase_letter);
  CHECK(general_category_of(0x01C5) == general_category::titlecase_letter);  // Dž
  CHECK(general_category_of(0x02B0) == general_category::modifier_letter);
  CHECK(general_category_of(0x4E2D) == general_category::other_letter);      // 中
  CHECK(general_category_of(0x0301) == general_category::nonspacing_mark);
  CHECK(general_category_of(0x0903) == general_category::spacing_mark);
  CHECK(general_category_of(0x20DD) == general_category::enclosing_mark);
  CHECK(general_category_of(U'7') == general_category::decimal_number);
  CHECK(general_category_of(0x0663) == general_category::decimal_number);   // ARABIC-INDIC THREE
  CHECK(general_category_of(0x2160) == general_category::letter_number);    // ROMAN NUMERAL ONE
  CHECK(general_category_of(0x00BD) == general_category::other_number);     // ½
  CHECK(general_category_of(U'_') == general_category::connector_punctuation);
  CHECK(general_category_of(U'(') == general_category::open_punctuation);
  CHECK(general_category_of(U'$') == general_category::currency_symbol);
  CHECK(general_category_of(0x3000) == general_category::space_separator);
  CHECK(general_category_of(0x2028) == general_category::line_separator);
  CHECK(general_category_of(0x2029) == general_category::paragraph_separator);
  CHECK(general_category_of(0x00AD) == general_category::format);
  CHECK(general_category_of(0xD800) == general_category::surrogate);
  CHECK(general_category_of(0xE000) == general_category::private_use);
  CHECK(general_category_of(0x0378) == general_category::unassigned);
  CHECK(general_category_of(0x10FFFF) == general_category::unassigned);  // a noncharacter
  CHECK(general_category_of(0x110000) == general_category::unassigned);  // past the code space
}

TEST_CASE("letters, marks and numbers are counted as Node 20's RegExp \\p{L}, \\p{M}, \\p{N} count them") {
  // Counted in Node 20 (ICU 78, Unicode 17.0) with /^\p{L}$/u etc. over every code point:
  // the tokenizer must agree with gpt-tokenizer's regexes there.
  CHECK(count_code_points(is_letter) == 145672);
  CHECK(count_code_points([](char32_t c) { return general_category_of(c) == general_category::uppercase_letter; }) == 1886);
  CHECK(count_code_points([](char32_t c) { return general_category_of(c) == general_category::lowercase_letter; }) == 2283);
  CHECK(count_code_points([](char32_t c) { return general_category_of(c) == general_category::titlecase_letter; }) == 31);
  CHECK(count_code_points([](char32_t c) { return general_category_of(c) == general_category::modifier_letter; }) == 410);
  CHECK(count_code_points([](char32_t c) { return general_category_of(c) == general_category::other_letter; }) == 141062);
  CHECK(count_code_points(is_mark) == 2543);
  CHECK(count_code_points(is_number) == 1924);
  CHECK(count_code_points([](char32_t c) { return general_category_of(c) == general_category::decimal_number; }) == 770);
  CHECK(count_code_points([](char32_t c) { return general_category_of(c) == general_category::unassigned; }) == 814730);
}

TEST_CASE("the ASCII shortcuts answer exactly what the tables answer") {
  for (char32_t c = 0; c < 0x80; ++c) {
    INFO("code point " << static_cast<unsigned>(c));
    const general_category category = detail::general_category_from_table(c);
    CHECK(is_letter(c) == (category <= general_category::other_letter));
    CHECK(is_number(c) == (category >= general_category::decimal_number && category <= general_category::other_number));
    CHECK(is_mark(c) == (category >= general_category::nonspacing_mark && category <= general_category::enclosing_mark));
    CHECK(is_white_space(c) == detail::white_space_from_table(c));
    CHECK(is_js_white_space(c) == detail::white_space_from_table(c));
  }
}

TEST_CASE("White_Space is Unicode's 25 code points; JS \\s swaps U+0085 for U+FEFF") {
  CHECK(count_code_points(is_white_space) == 25);
  CHECK(count_code_points(is_js_white_space) == 25);
  for (char32_t c : {U'\t', U'\n', U'\v', U'\f', U'\r', U' ', char32_t{0xA0}, char32_t{0x1680}, char32_t{0x2000},
                     char32_t{0x200A}, char32_t{0x2028}, char32_t{0x2029}, char32_t{0x202F}, char32_t{0x205F},
                     char32_t{0x3000}}) {
    CHECK(is_white_space(c));
    CHECK(is_js_white_space(c));
  }
  CHECK(is_white_space(0x85));
  CHECK_FALSE(is_js_white_space(0x85));
  CHECK_FALSE(is_white_space(0xFEFF));
  CHECK(is_js_white_space(0xFEFF));
  CHECK_FALSE(is_white_space(0x200B));  // ZERO WIDTH SPACE is not white space
  CHECK_FALSE(is_white_space(0x110000));
}
