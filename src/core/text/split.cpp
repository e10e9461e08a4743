#include "core/text/split.hpp"

namespace trickle {

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

piece_range::iterator::iterator(std::string_view text, split_mode mode) noexcept
    : text_(text), mode_(mode) {
  if (mode == split_mode::grapheme) graphemes_ = grapheme_cursor{text};
  at_end_ = text.empty();
  if (!at_end_) advance();
}

void piece_range::iterator::advance() noexcept {
  switch (mode_) {
    case split_mode::whitespace: advance_whitespace(); break;
    case split_mode::space: advance_space(); break;
    case split_mode::character: advance_character(); break;
    case split_mode::grapheme: advance_grapheme(); break;
  }
}

void piece_range::iterator::step_over(const decoded_code_point& step) noexcept {
  byte_position_ += step.byte_length;
  utf16_position_ += step.utf16_length;
}

void piece_range::iterator::skip_while_whitespace_is(bool whitespace) noexcept {
  // Most text is mostly ASCII: its bytes are read here, without a call to decode each one
  // (a tenth of a zero-delay stream's time went to those calls). Other code points decode.
  const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
  const std::size_t size = text_.size();
  std::size_t at = byte_position_;
  std::uint32_t utf16 = utf16_position_;
  while (at < size) {
    if (bytes[at] < 0x80) {
      if (is_python_whitespace(bytes[at]) != whitespace) break;
      ++at;
      ++utf16;
      continue;
    }
    const decoded_code_point step = decode_utf8(text_, at);
    if (is_python_whitespace(step.value) != whitespace) break;
    at += step.byte_length;
    utf16 += step.utf16_length;
  }
  byte_position_ = at;
  utf16_position_ = utf16;
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
  const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
  while (byte_position_ < size && bytes[byte_position_] != ' ') {
    if (bytes[byte_position_] < 0x80) {  // one byte, one UTF-16 unit: no decoding
      ++byte_position_;
      ++utf16_position_;
    } else {
      step_over(decode_utf8(text_, byte_position_));
    }
  }
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

void piece_range::iterator::advance_grapheme() noexcept {
  if (byte_position_ == text_.size()) {
    at_end_ = true;
    return;
  }
  const grapheme_extent cluster = graphemes_.next();
  current_ = {text_.substr(byte_position_, cluster.byte_length), utf16_position_,
              utf16_position_ + cluster.utf16_length};
  byte_position_ += cluster.byte_length;
  utf16_position_ += cluster.utf16_length;
}

}  // namespace trickle
