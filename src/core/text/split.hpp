// Splitting text into the pieces a stream yields, in one pass over UTF-8.
//
//   whitespace  Python's str.split(): runs of Unicode whitespace (Python's definition,
//               U+3000 IDEOGRAPHIC SPACE included) separate pieces; no empty pieces.
//   space       JS text.split(" "): only U+0020 separates; empty pieces are kept
//               ("a  b" -> "a", "", "b"). One deliberate difference: empty text gives
//               no pieces at all (JS gives one empty string), so an empty stream ends at
//               once in every mode.
//   character   one Unicode code point per piece, whitespace included: the natural
//               mode for Chinese text, which has no spaces between words.
//   grapheme    one extended grapheme cluster per piece (UAX #29, Unicode 17.0; see
//               grapheme.hpp): what a reader sees as one character, so a family emoji,
//               a flag, "e" with its accents or "\r\n" is never cut. Whitespace included.
//
// Each piece is a view into the text plus its position in UTF-16 code units, which is how
// JS indexes strings: the wasm binding hands JS those positions and JS slices the string it
// already holds, with no decoding.
//
// Invalid UTF-8: each maximal ill-formed subsequence (the unit TextDecoder replaces with
// one U+FFFD) counts as one character, one UTF-16 unit long, and is never whitespace.
// Its bytes are passed through unchanged inside the piece that contains them; in
// `character` mode it is a piece of its own, in `grapheme` mode it counts as U+FFFD
// (Grapheme_Cluster_Break Other), so combining marks after it stay with it, as they do
// after the U+FFFD that JS shows. Nothing is dropped and nothing crashes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/text/grapheme.hpp"
#include "core/text/utf8.hpp"

namespace trickle {

enum class split_mode { whitespace, space, character, grapheme };

struct piece {
  std::string_view text;
  std::uint32_t utf16_begin = 0;  // position in the text, in UTF-16 code units
  std::uint32_t utf16_end = 0;
};

// Python's str.isspace() for a single code point.
bool is_python_whitespace(char32_t c) noexcept;

class piece_range {
 public:
  class iterator {
   public:
    using value_type = piece;
    using difference_type = std::ptrdiff_t;
    const piece& operator*() const noexcept { return current_; }
    const piece* operator->() const noexcept { return &current_; }
    iterator& operator++() noexcept {
      advance();
      return *this;
    }
    bool operator==(std::default_sentinel_t) const noexcept { return at_end_; }
    bool operator!=(std::default_sentinel_t) const noexcept { return !at_end_; }

   private:
    friend class piece_range;
    iterator(std::string_view text, split_mode mode) noexcept;
    void advance() noexcept;
    void advance_whitespace() noexcept;
    void advance_space() noexcept;
    void advance_character() noexcept;
    void advance_grapheme() noexcept;
    // Moves past one code point, in both units.
    void step_over(const decoded_code_point& step) noexcept;
    // Move past a run of whitespace, and past a run of anything else.
    void skip_whitespace() noexcept;
    void skip_word() noexcept;
    // `whitespace` mode over ASCII text: which of the (up to) 64 bytes from `at` are
    // whitespace, a bit each, so that most words are found with two bit scans.
    void fill_window(std::size_t at) noexcept;
    // The next word from the window, or false, having moved at most to its first letter.
    bool word_in_window() noexcept;
    // The next word (after ASCII whitespace) read letter by letter, without decoding, or
    // false, having moved nowhere.
    bool word_by_letters() noexcept;

    std::string_view text_;
    split_mode mode_;
    std::size_t byte_position_ = 0;
    std::uint32_t utf16_position_ = 0;
    bool last_piece_taken_ = false;  // `space` mode: a trailing " " leaves one empty piece
    grapheme_cursor graphemes_;      // `grapheme` mode
    bool at_end_ = false;
    piece current_;
    // `whitespace` mode: bytes [window_begin_, window_begin_ + window_length_) are ASCII, and
    // bit i of window_blanks_ says whether byte window_begin_ + i is whitespace.
    std::uint64_t window_blanks_ = 0;
    std::size_t window_begin_ = 0;
    std::size_t window_length_ = 0;
    std::size_t no_window_before_ = 0;  // after a window cut short by non-ASCII text
    std::uint32_t window_backoff_ = 64;  // how far, doubling while windows keep being cut short
  };

  piece_range(std::string_view text, split_mode mode) noexcept : text_(text), mode_(mode) {}
  iterator begin() const noexcept { return iterator{text_, mode_}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::string_view text_;
  split_mode mode_;
};

inline piece_range split(std::string_view text, split_mode mode) noexcept {
  return piece_range{text, mode};
}

}  // namespace trickle
