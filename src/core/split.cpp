#include "split.hpp"

namespace trickle {
namespace {

constexpr char32_t replacement_character = 0xFFFD;

bool is_continuation(unsigned char byte) noexcept { return (byte & 0xC0) == 0x80; }

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
                                                   : is_continuation(bytes[i]));
    // The ill-formed subsequence is the lead plus the continuation bytes that were fine.
    if (!in_range) return {replacement_character, i, 1};
    value = (value << 6) | (bytes[i] & 0x3F);
  }
  return {value, length, static_cast<std::uint8_t>(length == 4 ? 2 : 1)};
}

bool is_python_whitespace(char32_t c) noexcept {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  switch (c) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
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

piece_range::iterator::iterator(std::string_view text, split_mode mode) noexcept
    : text_(text), mode_(mode) {
  at_end_ = text.empty();
  if (!at_end_) advance();
}

void piece_range::iterator::advance() noexcept {
  switch (mode_) {
    case split_mode::whitespace: advance_whitespace(); break;
    case split_mode::space: advance_space(); break;
    case split_mode::character: advance_character(); break;
  }
}

void piece_range::iterator::step_over(const decoded_code_point& step) noexcept {
  byte_position_ += step.byte_length;
  utf16_position_ += step.utf16_length;
}

void piece_range::iterator::skip_while_whitespace_is(bool whitespace) noexcept {
  while (byte_position_ < text_.size()) {
    const decoded_code_point step = decode_utf8(text_, byte_position_);
    if (is_python_whitespace(step.value) != whitespace) break;
    step_over(step);
  }
}

void piece_range::iterator::advance_whitespace() noexcept {
  skip_while_whitespace_is(true);  // the separator run
  if (byte_position_ == text_.size()) {
    at_end_ = true;
    return;
  }
  const std::size_t begin = byte_position_;
  const std::uint32_t utf16_begin = utf16_position_;
  skip_while_whitespace_is(false);  // the piece
  current_ = {text_.substr(begin, byte_position_ - begin), utf16_begin, utf16_position_};
}

void piece_range::iterator::advance_space() noexcept {
  if (last_piece_taken_) {
    at_end_ = true;
    return;
  }
  const std::size_t size = text_.size();
  const std::size_t begin = byte_position_;
  const std::uint32_t utf16_begin = utf16_position_;
  // A UTF-8 continuation byte is never 0x20, so a byte search finds exactly the spaces.
  while (byte_position_ < size && text_[byte_position_] != ' ') step_over(decode_utf8(text_, byte_position_));
  current_ = {text_.substr(begin, byte_position_ - begin), utf16_begin, utf16_position_};
  if (byte_position_ == size) {
    last_piece_taken_ = true;
  } else {
    ++byte_position_;  // step over the separating space
    ++utf16_position_;
  }
}

void piece_range::iterator::advance_character() noexcept {
  if (byte_position_ == text_.size()) {
    at_end_ = true;
    return;
  }
  const decoded_code_point step = decode_utf8(text_, byte_position_);
  current_ = {text_.substr(byte_position_, step.byte_length), utf16_position_,
              utf16_position_ + step.utf16_length};
  step_over(step);
}

}  // namespace trickle
