#include "core/text/boundaries.hpp"

#include "core/text/utf8.hpp"

namespace trickle {

bool split_at_utf16(std::string_view text, std::span<const std::uint32_t> ends, std::vector<piece>& out) {
  const std::size_t kept = out.size();
  const auto refuse = [&out, kept] {
    out.resize(kept);
    return false;
  };
  std::size_t byte = 0;
  std::uint32_t unit = 0;
  for (const std::uint32_t end : ends) {
    if (end <= unit) return refuse();  // not after the previous end (or an empty piece)
    const std::size_t begin_byte = byte;
    const std::uint32_t begin_unit = unit;
    while (unit < end) {
      if (byte == text.size()) return refuse();  // past the end of the text
      const decoded_code_point step = decode_utf8(text, byte);
      byte += step.byte_length;
      unit += step.utf16_length;
    }
    if (unit != end) return refuse();  // inside a surrogate pair
    out.push_back({text.substr(begin_byte, byte - begin_byte), begin_unit, unit});
  }
  if (byte != text.size()) return refuse();  // the last end is not the text's end
  return true;
}

}  // namespace trickle
