#include "core/text/boundaries.hpp"

#include "core/text/utf8.hpp"

namespace trickle {

bool utf16_cursor::advance_to(std::uint32_t end, piece& out) noexcept {
  if (end <= unit_) return false;  // not after the previous end (or an empty piece)
  std::size_t byte = byte_;
  std::uint32_t unit = unit_;
  while (unit < end) {
    if (byte == text_.size()) return false;  // past the end of the text
    const decoded_code_point step = decode_utf8(text_, byte);
    byte += step.byte_length;
    unit += step.utf16_length;
  }
  if (unit != end) return false;  // inside a surrogate pair
  out = {text_.substr(byte_, byte - byte_), unit_, unit};
  byte_ = byte;
  unit_ = unit;
  return true;
}

bool split_at_utf16(std::string_view text, std::span<const std::uint32_t> ends, std::vector<piece>& out) {
  const std::size_t kept = out.size();
  utf16_cursor cursor{text};
  piece next;
  for (const std::uint32_t end : ends) {
    if (!cursor.advance_to(end, next)) {
      out.resize(kept);
      return false;
    }
    out.push_back(next);
  }
  if (!cursor.at_end()) {  // the last end is not the text's end
    out.resize(kept);
    return false;
  }
  return true;
}

bool valid_utf16_ends(std::string_view text, std::span<const std::uint32_t> ends) noexcept {
  utf16_cursor cursor{text};
  piece next;
  for (const std::uint32_t end : ends) {
    if (!cursor.advance_to(end, next)) return false;
  }
  return cursor.at_end();
}

}  // namespace trickle
