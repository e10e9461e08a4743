// Pre-tokenization: the pieces that byte-pair encoding then works on, one at a time, as
// OpenAI's regexes cut them. Written by hand (std::regex has no Unicode classes), to give
// exactly the matches of the patterns as gpt-tokenizer runs them with JS RegExp (flags gu),
// backtracking included:
//
// cl100k_base, alternatives tried in this order at each position:
//   '(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])
//   [^\r\n\p{L}\p{N}]?\p{L}+
//   \p{N}{1,3}
//    ?[^\s\p{L}\p{N}]+[\r\n]*
//   \s+$  |  \s*[\r\n]  |  \s+(?!\S)  |  \s
// o200k_base:
//   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:'(?:[sS]|...))?
//   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:'(?:[sS]|...))?
//   \p{N}{1,3}
//    ?[^\s\p{L}\p{N}]+[\r\n/]*
//   \s*[\r\n]+  |  \s+(?!\S)  |  \s+
//
// (tiktoken writes the contractions as (?i:'s|'t|...), possessive quantifiers and all; the
// matches are the same except where Unicode case folding reaches past ASCII: Rust's (?i)
// also takes U+017F LONG S for "s". \s is JS's, not Unicode's White_Space: U+0085 is not
// white space here and U+FEFF is, as in gpt-tokenizer.)
//
// Every position matches some alternative, so the pieces tile the text: no gaps, none empty.
// `$` and the look-ahead see only the text given (with special tokens allowed, the text
// between two of them), as in both libraries.
//
// The input must be valid UTF-8 (the encoder replaces ill-formed sequences first).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tokens/vocabulary.hpp"

namespace trickle::tokens {

// The end of the piece that starts at `start` (< size) in the valid UTF-8 text [text, text
// + size). Always > start.
std::size_t piece_end(const vocabulary& vocabulary, const std::uint8_t* text, std::size_t size,
                      std::size_t start) noexcept;

}  // namespace trickle::tokens
