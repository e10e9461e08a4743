#include "core/text/split.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

namespace trickle {

namespace {

constexpr bool python_whitespace(char32_t c) noexcept {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  switch (c) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

// Python's whitespace among ASCII bytes, as a table: one load per byte in the scans below.
constexpr auto ascii_whitespace = [] {
  struct table {
    bool is[128] = {};
  } t;
  for (unsigned c = 0; c < 128; ++c) t.is[c] = python_whitespace(c);
  return t;
}();

// The length of the well-formed multi-byte letter at `at`, passed without decoding, or 0
// when the code point there must be decoded. Python's whitespace above ASCII is U+0085,
// U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and U+3000, so: two bytes
// but U+0085 and U+00A0; three bytes led by E1-EF but ED (surrogates) and E0 (overlong
// forms), and but U+1680, U+2000-U+207F and U+3000 (CJK, kana and their punctuation pass);
// four bytes (no whitespace is above U+FFFF). A letter of two or three bytes is one UTF-16
// unit, one of four bytes two. Called, not inlined: word_by_letters() takes the usual
// letters without it, and an inlined copy at each of its four call sites made the core module
// 0.3 KiB larger gzipped, for no speed that showed.
[[gnu::noinline]] std::size_t letter_bytes(const unsigned char* bytes, std::size_t at, std::size_t size) noexcept {
  const unsigned char lead = bytes[at];
  const std::size_t left = size - at;
  if (lead >= 0xE1 && lead <= 0xEF) {
    if (lead == 0xED || left < 3 || !is_utf8_continuation(bytes[at + 1]) || !is_utf8_continuation(bytes[at + 2])) return 0;
    const unsigned char second = bytes[at + 1];
    const bool may_be_whitespace = (lead == 0xE1 && second == 0x9A && bytes[at + 2] == 0x80) ||
                                   (lead == 0xE2 && (second == 0x80 || second == 0x81)) ||
                                   (lead == 0xE3 && second == 0x80 && bytes[at + 2] == 0x80);
    return may_be_whitespace ? 0 : 3;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    if (left < 2 || !is_utf8_continuation(bytes[at + 1])) return 0;
    return lead == 0xC2 && (bytes[at + 1] == 0x85 || bytes[at + 1] == 0xA0) ? 0 : 2;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (left < 4 || !is_utf8_continuation(bytes[at + 1]) || !is_utf8_continuation(bytes[at + 2]) ||
        !is_utf8_continuation(bytes[at + 3])) {
      return 0;
    }
    return (lead == 0xF0 && bytes[at + 1] < 0x90) || (lead == 0xF4 && bytes[at + 1] >= 0x90) ? 0 : 4;
  }
  return 0;
}

// For word_by_letters: the length of the letter a byte begins, where one masked compare of
// its continuation bytes is all it needs: 1 for ASCII but whitespace (control characters
// are part of a word); 2, 3 or 4 for the leads whose letters are never whitespace (C3-DF;
// E1 and E3 but for U+1680 and U+3000, checked apart; E4-EC, EE, EF; F1-F3). 0 for ASCII
// whitespace and for the leads letter_bytes looks at in full (C2, E0, E2, ED, F0, F4) or
// that never begin a letter.
struct letter_lengths {
  std::uint8_t length[256] = {};
};
constexpr letter_lengths plain_letters = [] {
  letter_lengths t;
  for (unsigned c = 0; c < 0x80; ++c) t.length[c] = python_whitespace(c) ? 0 : 1;
  for (unsigned c = 0xC3; c <= 0xDF; ++c) t.length[c] = 2;
  for (unsigned c = 0xE1; c <= 0xEF; ++c) t.length[c] = c == 0xE2 || c == 0xED ? 0 : 3;
  for (unsigned c = 0xF1; c <= 0xF3; ++c) t.length[c] = 4;
  return t;
}();
// Indexed by a letter's length in bytes: the bits of a little-endian load of four bytes
// from its lead that hold its continuation bytes' top two bits, what they must be (10 each),
// and how many fewer UTF-16 units than bytes the letter has.
constexpr std::uint32_t continuation_mask[5] = {0, 0, 0xC000, 0xC0C000, 0xC0C0C000};
constexpr std::uint32_t continuation_tops[5] = {0, 0, 0x8000, 0x808000, 0x80808000};
constexpr std::uint32_t utf16_saved[5] = {0, 0, 1, 2, 2};
// U+1680 and U+3000, as the low three bytes of that load.
constexpr std::uint32_t ogham_space = 0x809AE1;
constexpr std::uint32_t ideographic_space = 0x8080E3;

// How many of the eight bytes at `eight_bytes` (all of which exist) begin a run of printable
// ASCII (0x21-0x7F, never whitespace): 8 when all do. A byte of 0x20 or below or of 0x80
// and above sets its top bit in `flagged`. A byte's flag may be wrong only when the
// subtraction borrowed from a byte before it, which is then flagged itself, so the lowest
// flag (the first such byte, in memory order: the load is little-endian) is always right.
[[gnu::always_inline]] inline std::size_t printable_ascii_prefix(const unsigned char* eight_bytes) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101;
  std::uint64_t eight;
  std::memcpy(&eight, eight_bytes, 8);
  const std::uint64_t flagged = ((eight - 0x21 * ones) | eight) & (0x80 * ones);
  return flagged == 0 ? 8 : static_cast<std::size_t>(std::countr_zero(flagged)) / 8;
}

}  // namespace

bool is_python_whitespace(char32_t c) noexcept { return python_whitespace(c); }

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

// Most text is mostly ASCII: its bytes are read here without a call to decode each one,
// and the UTF-16 position is kept as the byte position plus a difference that only a
// multi-byte code point changes. Other code points decode. (A zero-delay stream spends much
// of its wasm time in these two loops.)

void piece_range::iterator::skip_whitespace() noexcept {
  // Usually one space: byte by byte.
  const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
  const std::size_t size = text_.size();
  std::size_t at = byte_position_;
  std::int64_t utf16_minus_bytes = static_cast<std::int64_t>(utf16_position_) - static_cast<std::int64_t>(at);
  while (at < size) {
    const unsigned char byte = bytes[at];
    if (byte < 0x80) {
      if (!ascii_whitespace.is[byte]) break;
      ++at;
      continue;
    }
    if (letter_bytes(bytes, at, size) != 0) break;  // a word begins (most often)
    const decoded_code_point step = decode_utf8(text_, at);
    if (!python_whitespace(step.value)) break;
    at += step.byte_length;
    utf16_minus_bytes += static_cast<std::int64_t>(step.utf16_length) - step.byte_length;
  }
  byte_position_ = at;
  utf16_position_ = static_cast<std::uint32_t>(static_cast<std::int64_t>(at) + utf16_minus_bytes);
}

void piece_range::iterator::skip_word() noexcept {
  // Eight bytes at a time while they are all printable ASCII; the first byte that is not is
  // then looked at exactly.
  const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
  const std::size_t size = text_.size();
  std::size_t at = byte_position_;
  std::int64_t utf16_minus_bytes = static_cast<std::int64_t>(utf16_position_) - static_cast<std::int64_t>(at);
  while (at < size) {
    if (size - at >= 8) {
      const std::size_t printable = printable_ascii_prefix(bytes + at);
      at += printable;
      if (printable == 8) continue;
    }
    const unsigned char byte = bytes[at];
    if (byte < 0x80) {
      if (ascii_whitespace.is[byte]) break;
      ++at;  // a control character, part of the word
      continue;
    }
    if (std::size_t length = letter_bytes(bytes, at, size); length != 0) {
      // Multi-byte text goes on letter by letter, without the eight-byte test.
      do {
        at += length;
        utf16_minus_bytes -= utf16_saved[length];
      } while (at < size && bytes[at] >= 0x80 && (length = letter_bytes(bytes, at, size)) != 0);
      continue;
    }
    const decoded_code_point step = decode_utf8(text_, at);
    if (python_whitespace(step.value)) break;
    at += step.byte_length;
    utf16_minus_bytes += static_cast<std::int64_t>(step.utf16_length) - step.byte_length;
  }
  byte_position_ = at;
  utf16_position_ = static_cast<std::uint32_t>(static_cast<std::int64_t>(at) + utf16_minus_bytes);
}

// One bit per byte: the top bits of the eight bytes of `flags` (and nothing else set), as the
// low eight bits of the result, the first byte in memory (the lowest) as bit 0. The product
// adds bit 7 of byte i times 2^(7j + 7) for each j; only the terms with i + j = 7 reach the top
// byte, each at bit 56 + i, and no two terms share a bit, so nothing carries into it.
[[gnu::always_inline]] inline std::uint64_t gather_top_bits(std::uint64_t flags) noexcept {
  return ((flags >> 7) * 0x0102040810204080) >> 56;
}

void piece_range::iterator::fill_window(std::size_t at) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101;
  constexpr std::uint64_t high = 0x80 * ones;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
  const std::size_t size = text_.size();
  std::uint64_t blanks = 0;
  std::uint64_t controls = 0;
  std::size_t length = 0;
  // Eight bytes at a time, while eight remain and all are ASCII. Each byte's top bit is set
  // before the subtraction, so no byte borrows from its neighbour and every flag is exact:
  // after subtracting 0x21 a byte keeps its top bit when it was 0x21 or above.
  while (length < 64 && size - at - length >= 8) {
    std::uint64_t eight;
    std::memcpy(&eight, bytes + at + length, 8);
    std::uint64_t up_to_space = ~((eight | high) - 0x21 * ones) & high;  // 0x00-0x20
    std::uint64_t below_space = ~((eight | high) - 0x20 * ones) & high;  // 0x00-0x1F
    const std::uint64_t non_ascii = eight & high;
    std::size_t ascii = 8;
    if (non_ascii != 0) {  // the window ends before the first byte of 0x80 or above
      ascii = static_cast<std::size_t>(std::countr_zero(non_ascii)) / 8;
      const std::uint64_t kept = ascii == 0 ? 0 : ~std::uint64_t{0} >> (64 - 8 * ascii);
      up_to_space &= kept;
      below_space &= kept;
    }
    blanks |= gather_top_bits(up_to_space) << length;
    controls |= gather_top_bits(below_space) << length;
    length += ascii;
    if (ascii < 8) break;
  }
  // Below the space, only tab to carriage return and 0x1C-0x1F are whitespace: line breaks
  // are common, other control characters rare, so each is looked at alone.
  while (controls != 0) {
    const int i = std::countr_zero(controls);
    controls &= controls - 1;
    if (!ascii_whitespace.is[bytes[at + static_cast<std::size_t>(i)]]) blanks &= ~(std::uint64_t{1} << i);
  }
  window_blanks_ = blanks;
  window_begin_ = at;
  window_length_ = length;
  // Text with letters beyond ASCII (CJK, accents) would otherwise try for a window at nearly
  // every word and find a short one or none: after a window cut short, the next bytes go
  // byte by byte, 64 of them, twice as many after each further one (up to 4 KiB), and 64
  // again once a whole window of ASCII is found.
  if (length == 64) {
    window_backoff_ = 64;
  } else if (size - at - length >= 8) {
    no_window_before_ = at + window_backoff_;
    if (window_backoff_ < 4096) window_backoff_ *= 2;
  }
}

bool piece_range::iterator::word_in_window() noexcept {
  const std::size_t size = text_.size();
  for (;;) {
    const std::size_t at = byte_position_;
    if (at - window_begin_ >= window_length_) {
      if (at == size || at < no_window_before_) return false;
      fill_window(at);
      if (window_length_ == 0) return false;  // non-ASCII, or the last few bytes
    }
    const std::size_t offset = at - window_begin_;
    const std::uint64_t in_window = window_length_ == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << window_length_) - 1;
    const std::uint64_t letters = ~window_blanks_ & in_window & (~std::uint64_t{0} << offset);
    if (letters == 0) {  // whitespace to the window's end
      byte_position_ = window_begin_ + window_length_;
      utf16_position_ += static_cast<std::uint32_t>(window_length_ - offset);
      continue;
    }
    const auto first = static_cast<std::size_t>(std::countr_zero(letters));
    byte_position_ = window_begin_ + first;
    utf16_position_ += static_cast<std::uint32_t>(first - offset);
    const std::uint64_t after = window_blanks_ & (~std::uint64_t{0} << first);
    if (after == 0) return false;  // the word runs to the window's end, maybe further
    const std::size_t begin = byte_position_;
    const std::uint32_t utf16_begin = utf16_position_;
    const std::size_t end = window_begin_ + static_cast<std::size_t>(std::countr_zero(after));
    byte_position_ = end;
    utf16_position_ = utf16_begin + static_cast<std::uint32_t>(end - begin);
    current_ = {text_.substr(begin, end - begin), utf16_begin, utf16_position_};
    return true;
  }
}

bool piece_range::iterator::word_by_letters() noexcept {
  // Nothing is written until the word is whole: a word this cannot finish is cut again from
  // the same place by skip_whitespace() and skip_word().
  const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
  const std::size_t size = text_.size();
  std::size_t at = byte_position_;
  while (at < size && bytes[at] < 0x80 && ascii_whitespace.is[bytes[at]]) ++at;
  const std::size_t begin = at;
  const std::uint32_t utf16_begin = utf16_position_ + static_cast<std::uint32_t>(begin - byte_position_);
  std::uint32_t saved = 0;  // UTF-16 units fewer than bytes, so far
  for (;;) {
    if (size - at < 8) return false;  // the text's last bytes: the long way
    const std::size_t length = plain_letters.length[bytes[at]];
    if (length == 1) {
      // Printable ASCII eight bytes at a time, as in skip_word(); a control character the
      // table let through is not printable, and is passed as a letter.
      at += std::max<std::size_t>(1, printable_ascii_prefix(bytes + at));
      continue;
    }
    std::uint32_t four;
    std::memcpy(&four, bytes + at, 4);
    const std::uint32_t three = four & 0xFFFFFF;
    if (length != 0 && (four & continuation_mask[length]) == continuation_tops[length] && three != ogham_space &&
        three != ideographic_space) {
      at += length;
      saved += utf16_saved[length];
      continue;
    }
    if (bytes[at] < 0x80) break;  // ASCII whitespace: the word ends here
    const std::size_t exact = letter_bytes(bytes, at, size);
    if (exact == 0) return false;  // maybe whitespace above ASCII, or ill-formed: the long way
    at += exact;
    saved += utf16_saved[exact];
  }
  if (at == begin) return false;
  byte_position_ = at;
  utf16_position_ = utf16_begin + static_cast<std::uint32_t>(at - begin) - saved;
  current_ = {text_.substr(begin, at - begin), utf16_begin, utf16_position_};
  return true;
}

void piece_range::iterator::advance_whitespace() noexcept {
  // Mostly ASCII text: the word's bounds from the window's bits, when the word ends inside
  // it (the window is ASCII, so UTF-16 units are bytes). Other text (CJK, accents, emoji):
  // letter by letter, each known by its lead byte. What neither finishes (whitespace above
  // ASCII, ill-formed text, the text's last bytes) goes on from where the window stopped
  // (at most at the word's first letter), byte by byte.
  if (word_in_window()) return;
  if (word_by_letters()) return;
  skip_whitespace();  // the separator run
  if (byte_position_ == text_.size()) {
    at_end_ = true;
    return;
  }
  const std::size_t begin = byte_position_;
  const std::uint32_t utf16_begin = utf16_position_;
  skip_word();  // the piece
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
#ifdef TRICKLE_SPLIT_WITHOUT_GRAPHEMES
  // The core wasm module is linked with this copy of the file (CMakeLists.txt says why): it
  // has no grapheme tables, and refuses the grapheme split before it cuts anything
  // (bridge::make_text_stream, the bindings' piecesBegin). Were it asked anyway, no piece.
  at_end_ = true;
#else
  if (byte_position_ == text_.size()) {
    at_end_ = true;
    return;
  }
  const grapheme_extent cluster = graphemes_.next();
  current_ = {text_.substr(byte_position_, cluster.byte_length), utf16_position_,
              utf16_position_ + cluster.utf16_length};
  byte_position_ += cluster.byte_length;
  utf16_position_ += cluster.utf16_length;
#endif
}

}  // namespace trickle
