// UTF-8 as trickle reads it: one code point at a time, ill-formed input mapped exactly as
// the JS side's TextDecoder would map it, and lengths counted in UTF-16 units, which is how
// JS indexes strings.
//
// Invalid UTF-8: each maximal ill-formed subsequence (the unit TextDecoder replaces with
// one U+FFFD) counts as one character, one UTF-16 unit long. Nothing is dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace trickle {

// A byte that continues a multi-byte sequence (10xxxxxx).
constexpr bool is_utf8_continuation(unsigned char byte) noexcept { return (byte & 0xC0) == 0x80; }

// One step of UTF-8 decoding. Ill-formed input yields U+FFFD and consumes the maximal
// ill-formed subsequence (at least one byte).
struct decoded_code_point {
  char32_t value;
  std::uint8_t byte_length;
  std::uint8_t utf16_length;
};
decoded_code_point decode_utf8(std::string_view text, std::size_t position) noexcept;

// Number of UTF-16 code units the text takes in JS (with the invalid-UTF-8 rule above).
std::uint32_t utf16_length(std::string_view text) noexcept;

}  // namespace trickle
