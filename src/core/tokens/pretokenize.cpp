#include "core/tokens/pretokenize.hpp"

namespace trickle::tokens {
namespace {

// The sets the patterns use, as bits of one byte per class.
enum : std::uint8_t {
  letter = 1,      // \p{L}
  number = 2,      // \p{N}
  space = 4,       // \s
  upper_set = 8,   // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
  lower_set = 16,  // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
};
constexpr std::uint8_t class_bits[token_class_count] = {
    0,                                // other
    letter | upper_set,               // upper
    letter | lower_set,               // lower
    letter | upper_set | lower_set,   // other_letter
    upper_set | lower_set,            // mark
    number,                           // number
    space,                            // space
};

struct code_point {
  char32_t value;
  unsigned length;
  std::uint8_t bits;
};

// [^\s\p{L}\p{N}]
bool is_other(std::uint8_t bits) noexcept { return (bits & (space | letter | number)) == 0; }
bool is_newline(char32_t c) noexcept { return c == U'\r' || c == U'\n'; }
// [^\r\n\p{L}\p{N}]
bool is_prefix(const code_point& c) noexcept { return (c.bits & (letter | number)) == 0 && !is_newline(c.value); }

class text_reader {
 public:
  text_reader(const vocabulary& vocabulary, const std::uint8_t* text, std::size_t size) noexcept
      : vocabulary_(vocabulary), text_(text), size_(size) {}

  std::size_t size() const noexcept { return size_; }

  // The code point at `i` (< size), which starts a valid UTF-8 sequence.
  code_point at(std::size_t i) const noexcept {
    const std::uint8_t* p = text_ + i;
    char32_t c;
    unsigned length;
    if (p[0] < 0x80) {
      c = p[0];
      length = 1;
    } else if (p[0] < 0xE0) {
      c = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
      length = 2;
    } else if (p[0] < 0xF0) {
      c = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
      length = 3;
    } else {
      c = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
      length = 4;
    }
    return {c, length, class_bits[static_cast<unsigned>(vocabulary_.class_of(c))]};
  }

  // Past the code points from `i` on that have any of `bits`.
  std::size_t run_of(std::size_t i, std::uint8_t bits) const noexcept {
    while (i < size_) {
      const code_point c = at(i);
      if ((c.bits & bits) == 0) break;
      i += c.length;
    }
    return i;
  }

  // Past the code points from `i` on that are [^\s\p{L}\p{N}].
  std::size_t run_of_other(std::size_t i) const noexcept {
    while (i < size_) {
      const code_point c = at(i);
      if (!is_other(c.bits)) break;
      i += c.length;
    }
    return i;
  }

  // Past the bytes from `i` on that are among `a`, `b` and `c` (ASCII).
  std::size_t run_of_bytes(std::size_t i, std::uint8_t a, std::uint8_t b, std::uint8_t c) const noexcept {
    while (i < size_ && (text_[i] == a || text_[i] == b || text_[i] == c)) ++i;
    return i;
  }

  // '(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]) at `i`: its length, or 0.
  std::size_t contraction(std::size_t i) const noexcept {
    if (i + 1 >= size_ || text_[i] != '\'') return 0;
    // (x | 0x20) == 's' holds for 's' and 'S' and for no other byte.
    const unsigned first = text_[i + 1] | 0x20u;
    if (first == 's' || first == 'd' || first == 'm' || first == 't') return 2;
    if (i + 2 >= size_) return 0;
    const unsigned second = text_[i + 2] | 0x20u;
    if ((first == 'l' && second == 'l') || (first == 'v' && second == 'e') || (first == 'r' && second == 'e')) return 3;
    return 0;
  }

  // A maximal run of \s from `i` (which is one): where it ends, where its last code point
  // starts, how many code points it has, and the end of its last \r or \n (0 if none).
  struct space_run {
    std::size_t end;
    std::size_t last_start;
    std::size_t count;
    std::size_t after_last_newline;
  };
  space_run spaces(std::size_t i) const noexcept {
    space_run run{i, i, 0, 0};
    while (run.end < size_) {
      const code_point c = at(run.end);
      if ((c.bits & space) == 0) break;
      run.last_start = run.end;
      run.end += c.length;
      ++run.count;
      if (is_newline(c.value)) run.after_last_newline = run.end;
    }
    return run;
  }

  // \p{N}{1,3} from `i`, which is a number.
  std::size_t up_to_three_numbers(std::size_t i) const noexcept {
    for (int n = 0; n < 3 && i < size_; ++n) {
      const code_point c = at(i);
      if ((c.bits & number) == 0) break;
      i += c.length;
    }
    return i;
  }

 private:
  const vocabulary& vocabulary_;
  const std::uint8_t* text_;
  std::size_t size_;
};

std::size_t cl100k_piece_end(const text_reader& text, std::size_t i) noexcept {
  const code_point first = text.at(i);
  const std::size_t next = i + first.length;
  const std::size_t n = text.size();

  // '(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])
  if (first.value == U'\'') {
    if (const std::size_t length = text.contraction(i)) return i + length;
  }
  // [^\r\n\p{L}\p{N}]?\p{L}+ : the optional prefix and \p{L} are disjoint, so the only
  // backtracking (dropping the prefix) leaves a non-letter, which fails.
  if (first.bits & letter) return text.run_of(next, letter);
  if (is_prefix(first) && next < n && (text.at(next).bits & letter)) return text.run_of(next, letter);
  // \p{N}{1,3}
  if (first.bits & number) return text.up_to_three_numbers(i);
  //  ?[^\s\p{L}\p{N}]+[\r\n]*
  if (first.value == U' ' && next < n && is_other(text.at(next).bits)) {
    return text.run_of_bytes(text.run_of_other(next), '\r', '\n', '\n');
  }
  if (is_other(first.bits)) return text.run_of_bytes(text.run_of_other(i), '\r', '\n', '\n');

  // What is left starts with \s.
  const text_reader::space_run run = text.spaces(i);
  // \s+$ : greedy to the end of the text; a shorter run never ends there.
  if (run.end == n) return n;
  // \s*[\r\n] : \s* gives back code points until one of them is \r or \n: the last one.
  if (run.after_last_newline != 0) return run.after_last_newline;
  // \s+(?!\S) : the run is followed by \S, so it gives back its last code point, which
  // is \s; that needs a run of two or more.
  if (run.count >= 2) return run.last_start;
  // \s
  return next;
}

// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(contraction)?
// The two sets overlap (Lm, Lo, M), so the star may have to give back: the regex tries the
// optional prefix taken, then not, and for each the longest star first. Its first success:
// if the code point after the star's run is in the plus's set, the plus runs on from there;
// otherwise the star gives back down to its last code point that is also in the plus's set
// (the plus then takes just that one: everything after it in the run is not in the set).
std::size_t o200k_lower_ending(const text_reader& text, std::size_t i, const code_point& first) noexcept {
  const std::size_t n = text.size();
  for (int with_prefix = is_prefix(first) ? 1 : 0; with_prefix >= 0; --with_prefix) {
    std::size_t p = with_prefix ? i + first.length : i;
    std::size_t after_last_lower = 0;
    while (p < n) {
      const code_point c = text.at(p);
      if ((c.bits & upper_set) == 0) {
        if (c.bits & lower_set) {
          const std::size_t end = text.run_of(p, lower_set);
          return end + text.contraction(end);
        }
        break;
      }
      p += c.length;
      if (c.bits & lower_set) after_last_lower = p;
    }
    if (after_last_lower != 0) return after_last_lower + text.contraction(after_last_lower);
  }
  return 0;
}

// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(contraction)?
// Once the plus has matched, the rest cannot fail, so the first try that finds one code
// point of the plus's set wins, greedy all along.
std::size_t o200k_upper_run(const text_reader& text, std::size_t i, const code_point& first) noexcept {
  const std::size_t n = text.size();
  for (int with_prefix = is_prefix(first) ? 1 : 0; with_prefix >= 0; --with_prefix) {
    const std::size_t p = with_prefix ? i + first.length : i;
    if (p < n && (text.at(p).bits & upper_set)) {
      const std::size_t end = text.run_of(text.run_of(p, upper_set), lower_set);
      return end + text.contraction(end);
    }
  }
  return 0;
}

std::size_t o200k_piece_end(const text_reader& text, std::size_t i) noexcept {
  const code_point first = text.at(i);
  const std::size_t next = i + first.length;
  const std::size_t n = text.size();

  // The two letter alternatives can only start on a prefix or on a code point of their sets.
  if (is_prefix(first) || (first.bits & (upper_set | lower_set))) {
    if (const std::size_t end = o200k_lower_ending(text, i, first)) return end;
    if (const std::size_t end = o200k_upper_run(text, i, first)) return end;
  }
  // \p{N}{1,3}
  if (first.bits & number) return text.up_to_three_numbers(i);
  //  ?[^\s\p{L}\p{N}]+[\r\n/]*
  if (first.value == U' ' && next < n && is_other(text.at(next).bits)) {
    return text.run_of_bytes(text.run_of_other(next), '\r', '\n', '/');
  }
  if (is_other(first.bits)) return text.run_of_bytes(text.run_of_other(i), '\r', '\n', '/');

  // What is left starts with \s.
  const text_reader::space_run run = text.spaces(i);
  // \s*[\r\n]+ : \s* gives back down to the last \r or \n of the run, which [\r\n]+ takes
  // (the code points after it in the run are not \r or \n, nor is the one after the run).
  if (run.after_last_newline != 0) return run.after_last_newline;
  // \s+(?!\S) : all of a run that ends the text, else all but its last code point.
  if (run.end == n) return n;
  if (run.count >= 2) return run.last_start;
  // \s+ : a single \s before \S.
  return next;
}

}  // namespace

std::size_t piece_end(const vocabulary& vocabulary, const std::uint8_t* text, std::size_t size,
                      std::size_t start) noexcept {
  const text_reader reader{vocabulary, text, size};
  return vocabulary.pattern() == pattern::o200k_base ? o200k_piece_end(reader, start) : cl100k_piece_end(reader, start);
}

}  // namespace trickle::tokens
