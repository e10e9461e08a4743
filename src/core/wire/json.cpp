#include "core/wire/json.hpp"

#include <array>
#include <charconv>

#include "core/text/utf8.hpp"

namespace trickle::wire {
namespace {

// 0: copied as is; 1: ASCII that needs an escape; 2: first byte of a multi-byte sequence
// (or an ill-formed byte).
constexpr std::array<std::uint8_t, 256> byte_classes = [] {
  std::array<std::uint8_t, 256> classes{};
  for (int b = 0; b < 0x20; ++b) classes[b] = 1;
  classes['"'] = 1;
  classes['\\'] = 1;
  for (int b = 0x80; b < 0x100; ++b) classes[b] = 2;
  return classes;
}();

constexpr char hex_digits[] = "0123456789abcdef";

// Length of the well-formed sequence at bytes[0] (its lead is >= 0x80), or 0 if it is
// ill-formed. The same table as decode_utf8, inlined: this runs once per non-ASCII character
// of every frame.
inline std::size_t well_formed_length(const unsigned char* bytes, std::size_t available) noexcept {
  const unsigned char lead = bytes[0];
  if (lead >= 0xC2 && lead <= 0xDF) {
    return available >= 2 && is_utf8_continuation(bytes[1]) ? 2 : 0;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (available < 3) return 0;
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    return bytes[1] >= low && bytes[1] <= high && is_utf8_continuation(bytes[2]) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (available < 4) return 0;
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    return bytes[1] >= low && bytes[1] <= high && is_utf8_continuation(bytes[2]) && is_utf8_continuation(bytes[3])
               ? 4
               : 0;
  }
  return 0;
}

void append_ascii_escape(std::string& out, unsigned char byte) {
  switch (byte) {
    case '"': out.append("\\\"", 2); return;
    case '\\': out.append("\\\\", 2); return;
    case '\b': out.append("\\b", 2); return;
    case '\f': out.append("\\f", 2); return;
    case '\n': out.append("\\n", 2); return;
    case '\r': out.append("\\r", 2); return;
    case '\t': out.append("\\t", 2); return;
    default: {
      const char escape[6] = {'\\', 'u', '0', '0', hex_digits[byte >> 4], hex_digits[byte & 0xF]};
      out.append(escape, 6);
    }
  }
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  // Bytes that need no change are copied in runs, one append per run.
  std::size_t run_begin = 0;
  std::size_t i = 0;
  while (i < size) {
    const std::uint8_t kind = byte_classes[bytes[i]];
    if (kind == 0) {
      ++i;
      continue;
    }
    if (kind == 2) {
      const std::size_t length = well_formed_length(bytes + i, size - i);
      if (length != 0) {
        const bool line_or_paragraph_separator =
            length == 3 && bytes[i] == 0xE2 && bytes[i + 1] == 0x80 && (bytes[i + 2] & 0xFE) == 0xA8;
        if (!line_or_paragraph_separator) {
          i += length;
          continue;
        }
        out.append(text.data() + run_begin, i - run_begin);
        out.append(bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
        i += 3;
      } else {
        out.append(text.data() + run_begin, i - run_begin);
        out.append("\xEF\xBF\xBD", 3);  // U+FFFD
        i += decode_utf8(text, i).byte_length;
      }
      run_begin = i;
      continue;
    }
    out.append(text.data() + run_begin, i - run_begin);
    append_ascii_escape(out, bytes[i]);
    ++i;
    run_begin = i;
  }
  out.append(text.data() + run_begin, size - run_begin);
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

std::size_t code_point_boundary_at_or_after(std::string_view text, std::size_t from,
                                            std::size_t end) noexcept {
  // A byte that is not a continuation byte always starts a decoding step (no step swallows
  // it), so the last such byte before `end` tells whether a sequence straddles `end`. A
  // sequence is at most 4 bytes long, so 3 bytes back are enough; bytes before `from` were
  // already written and end on a boundary.
  for (std::size_t back = 1; back <= 3 && back <= end && end - back >= from; ++back) {
    const std::size_t position = end - back;
    if (!is_utf8_continuation(static_cast<unsigned char>(text[position]))) {
      const std::size_t step_end = position + decode_utf8(text, position).byte_length;
      return step_end > end ? step_end : end;
    }
  }
  return end;
}

// --- Validation of an embedded JSON object ---------------------------------------------

namespace {

class json_checker {
 public:
  explicit json_checker(std::string_view text) noexcept : text_(text) {}

  bool whole_object() noexcept {
    skip_whitespace();
    if (!at('{') || !value(0)) return false;
    skip_whitespace();
    return position_ == text_.size();
  }

 private:
  static constexpr int max_depth = 256;

  bool at(char c) const noexcept { return position_ < text_.size() && text_[position_] == c; }
  unsigned char byte() const noexcept { return static_cast<unsigned char>(text_[position_]); }
  bool done() const noexcept { return position_ >= text_.size(); }

  void skip_whitespace() noexcept {
    while (!done() && (at(' ') || at('\t') || at('\n') || at('\r'))) ++position_;
  }

  bool literal(std::string_view word) noexcept {
    if (text_.substr(position_, word.size()) != word) return false;
    position_ += word.size();
    return true;
  }

  bool value(int depth) noexcept {
    if (depth > max_depth) return false;
    skip_whitespace();
    if (done()) return false;
    switch (text_[position_]) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  bool object(int depth) noexcept {
    ++position_;  // {
    skip_whitespace();
    if (at('}')) return ++position_, true;
    while (true) {
      skip_whitespace();
      if (!at('"') || !string()) return false;
      skip_whitespace();
      if (!at(':')) return false;
      ++position_;
      if (!value(depth + 1)) return false;
      skip_whitespace();
      if (at('}')) return ++position_, true;
      if (!at(',')) return false;
      ++position_;
    }
  }

  bool array(int depth) noexcept {
    ++position_;  // [
    skip_whitespace();
    if (at(']')) return ++position_, true;
    while (true) {
      if (!value(depth + 1)) return false;
      skip_whitespace();
      if (at(']')) return ++position_, true;
      if (!at(',')) return false;
      ++position_;
    }
  }

  bool hex_digit() noexcept {
    if (done()) return false;
    const char c = text_[position_];
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
      ++position_;
      return true;
    }
    return false;
  }

  bool string() noexcept {
    ++position_;  // "
    const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
    while (!done()) {
      const unsigned char c = byte();
      if (c == '"') return ++position_, true;
      if (c < 0x20) return false;
      if (c == '\\') {
        ++position_;
        if (done()) return false;
        const char escaped = text_[position_++];
        if (escaped == 'u') {
          for (int i = 0; i < 4; ++i) {
            if (!hex_digit()) return false;
          }
        } else if (std::string_view("\"\\/bfnrt").find(escaped) == std::string_view::npos) {
          return false;
        }
        continue;
      }
      if (c < 0x80) {
        ++position_;
        continue;
      }
      const std::size_t length = well_formed_length(bytes + position_, text_.size() - position_);
      if (length == 0) return false;
      position_ += length;
    }
    return false;
  }

  bool digits() noexcept {
    const std::size_t begin = position_;
    while (!done() && text_[position_] >= '0' && text_[position_] <= '9') ++position_;
    return position_ > begin;
  }

  bool number() noexcept {
    if (at('-')) ++position_;
    if (at('0')) {
      ++position_;
    } else if (!digits()) {
      return false;
    }
    if (at('.')) {
      ++position_;
      if (!digits()) return false;
    }
    if (at('e') || at('E')) {
      ++position_;
      if (at('+') || at('-')) ++position_;
      if (!digits()) return false;
    }
    return true;
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

}  // namespace

bool is_json_object(std::string_view text) noexcept { return json_checker{text}.whole_object(); }

void append_json_compact(std::string& out, std::string_view json_text) {
  // Outside strings, the only bytes to drop are the four whitespace bytes; inside, every
  // byte is kept. A string ends at a quote that no backslash escapes.
  std::size_t run_begin = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json_text.size(); ++i) {
    const char c = json_text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      out.append(json_text.data() + run_begin, i - run_begin);
      run_begin = i + 1;
    }
  }
  out.append(json_text.data() + run_begin, json_text.size() - run_begin);
}

// --- Numbers and dates -----------------------------------------------------------------

void append_integer(std::string& out, std::int64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

namespace {

void append_two_digits(std::string& out, int value) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

// Floor division, so that times before 1970 land on the right day.
std::int64_t floor_divide(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

void append_rfc3339(std::string& out, std::int64_t unix_seconds) {
  const std::int64_t days = floor_divide(unix_seconds, 86400);
  // From the remainder, not as unix_seconds - days * 86400: near INT64_MIN that product
  // is below the range of int64 (found by tests/fuzz/wire.cpp).
  std::int64_t second_of_day = unix_seconds % 86400;
  if (second_of_day < 0) second_of_day += 86400;
  // Civil date from a day count: shift the epoch to 0000-03-01 so that leap days fall at
  // the end of each 400-year era, then peel off eras, years of the era, and the day of the
  // year counted from March.
  const std::int64_t shifted = days + 719468;
  const std::int64_t era = floor_divide(shifted, 146097);
  const std::int64_t day_of_era = shifted - era * 146097;                       // [0, 146096]
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;  // [0, 399]
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;              // [0, 11]
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);

  if (year >= 0 && year < 1000) out.append(year < 10 ? "000" : year < 100 ? "00" : "0");
  append_integer(out, year);
  out.push_back('-');
  append_two_digits(out, month);
  out.push_back('-');
  append_two_digits(out, day);
  out.push_back('T');
  append_two_digits(out, static_cast<int>(second_of_day / 3600));
  out.push_back(':');
  append_two_digits(out, static_cast<int>(second_of_day / 60 % 60));
  out.push_back(':');
  append_two_digits(out, static_cast<int>(second_of_day % 60));
  out.push_back('Z');
}

}  // namespace trickle::wire
