#include "core/text/unicode.hpp"

#include "core/text/unicode_tables.hpp"

// Only the grapheme table is read here: the General_Category table is in
// unicode_category.cpp, so a program that never asks for a category does not link it.
namespace trickle {
namespace {

constexpr char32_t last_code_point = 0x10FFFF;

std::uint8_t grapheme_bits(char32_t c) noexcept {
  return c <= last_code_point ? unicode_data::grapheme::lookup(c) : 0;
}

}  // namespace

const char* unicode_version() noexcept { return unicode_data::version; }

grapheme_break grapheme_break_property(char32_t c) noexcept {
  return static_cast<grapheme_break>(grapheme_bits(c) & unicode_data::grapheme::break_mask);
}

bool is_extended_pictographic(char32_t c) noexcept {
  return (grapheme_bits(c) & unicode_data::grapheme::pictographic_bit) != 0;
}

indic_conjunct_break indic_conjunct_break_property(char32_t c) noexcept {
  return static_cast<indic_conjunct_break>(grapheme_bits(c) >> unicode_data::grapheme::conjunct_shift);
}

}  // namespace trickle
