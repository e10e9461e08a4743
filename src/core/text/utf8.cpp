#include "core/text/utf8.hpp"

namespace trickle {
namespace {

constexpr char32_t replacement_character = 0xFFFD;

}  // namespace

decoded_code_point decode_utf8(std::string_view text, std::size_t position) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data()) + position;
  const std::size_t available = text.size() - position;
  const unsigned char lead = bytes[0];
  if (lead < 0x80) return {lead, 1, 1};

  // Length and the allowed range of the second byte, per the Unicode table of well-formed
  // sequences (this is what excludes overlong forms, surrogates and values past U+10FFFF).
  std::uint8_t length;
  unsigned char second_low = 0x80, second_high = 0xBF;
  char32_t value;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0F;
    if (lead == 0xE0) second_low = 0xA0;
    if (lead == 0xED) second_high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07;
    if (lead == 0xF0) second_low = 0x90;
    if (lead == 0xF4) second_high = 0x8F;
  } else {
    return {replacement_character, 1, 1};
  }

  for (std::uint8_t i = 1; i < length; ++i) {
    const bool in_range = i < available && (i == 1 ? bytes[i] >= second_low && bytes[i] <= second_high
                                                   : is_utf8_continuation(bytes[i]));
    // The ill-formed subsequence is the lead plus the continuation bytes that were fine.
    if (!in_range) return {replacement_character, i, 1};
    value = (value << 6) | (bytes[i] & 0x3F);
  }
  return {value, length, static_cast<std::uint8_t>(length == 4 ? 2 : 1)};
}

std::uint32_t utf16_length(std::string_view text) noexcept {
  std::uint32_t units = 0;
  for (std::size_t i = 0; i < text.size();) {
    const decoded_code_point step = decode_utf8(text, i);
    i += step.byte_length;
    units += step.utf16_length;
  }
  return units;
}

}  // namespace trickle
