// GPT tokens: text -> token ids -> bytes, exactly as OpenAI's tiktoken and gpt-tokenizer give
// them for the vocabulary's encoding (cl100k_base, o200k_base).
//
//   encode   pre-tokenization (pretokenize.hpp), then byte-pair merges inside each piece:
//            repeatedly merge the adjacent pair whose concatenation has the lowest rank,
//            the leftmost of equal ones, until no pair is a token.
//   count    the number of ids encode would give, without storing them.
//   decode   the bytes of each id, concatenated.
//
// Guarantees:
//   - Any bytes are accepted. Ill-formed UTF-8 is encoded as JS sees the same bytes after
//     TextDecoder: each maximal ill-formed subsequence becomes U+FFFD (EF BF BD). (A JS string
//     with lone surrogates must be made well-formed, U+FFFD for each, before it crosses.)
//   - Special tokens ("<|endoftext|>"...) are plain text unless `allow_special` is set;
//     then each occurrence becomes its one id, and the text between two of them is encoded
//     on its own (the patterns' `$` and look-aheads see only it), as tiktoken does.
//   - decode() of the ids of a valid UTF-8 text gives back that text, byte for byte.
//   - An encoder owns scratch buffers that grow to the largest text seen and are reused:
//     no allocation per piece, and none at all once warm except for the caller's output.
//     One encoder per thread; several may share one vocabulary.
//   - No exception is thrown by this code; the standard containers may throw
//     std::bad_alloc (or abort, built without exceptions) when memory runs out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokens/vocabulary.hpp"

namespace trickle::tokens {

struct encode_options {
  bool allow_special = false;
};

class encoder {
 public:
  explicit encoder(const tokens::vocabulary& vocabulary) noexcept : vocabulary_(vocabulary) {}

  const tokens::vocabulary& vocabulary() const noexcept { return vocabulary_; }

  // Appends the ids of `text` to `out`.
  void encode(std::string_view text, std::vector<std::uint32_t>& out, encode_options options = {});
  std::size_t count(std::string_view text, encode_options options = {});

  // Appends the bytes of `ids` to `out`. An id that is no token: returns false, with `out`
  // as it was and `bad_index` (if given) set to the id's position.
  bool decode(std::span<const std::uint32_t> ids, std::string& out, std::size_t* bad_index = nullptr) const;

  // The text as it is encoded: `text` itself when it is valid UTF-8, else a copy held by
  // the encoder (until its next call) with U+FFFD in place of each ill-formed subsequence.
  std::string_view well_formed(std::string_view text);

 private:
  template <class Sink>
  void encode_text(std::string_view text, encode_options options, Sink& sink);
  template <class Sink>
  void encode_ordinary(const std::uint8_t* text, std::size_t size, Sink& sink);
  template <class Sink>
  void encode_piece(const std::uint8_t* piece, std::size_t size, Sink& sink);
  template <class Sink>
  void merge_short(const std::uint8_t* piece, std::size_t size, Sink& sink);
  template <class Sink>
  void merge_long(const std::uint8_t* piece, std::size_t size, Sink& sink);

  // The ids of recently merged pieces, by their hash: words come back, and a piece found
  // here costs one comparison instead of its merges. Direct-mapped, allocated on first use.
 public:
  static constexpr std::size_t cached_piece_limit = 32;  // bytes

 private:
  static constexpr std::size_t cached_id_limit = 15;
  static constexpr std::size_t cache_entries = 4096;
  struct cached_piece {
    std::uint64_t hash = 0;
    std::uint8_t size = 0;  // 0: empty
    std::uint8_t id_count = 0;
    std::uint8_t bytes[cached_piece_limit];
    std::uint32_t ids[cached_id_limit];
  };

  const tokens::vocabulary& vocabulary_;
  std::vector<cached_piece> cache_;
  std::string well_formed_;
  std::vector<std::size_t> special_found_;  // encode_text's next occurrence of each special token
  // merge_long's working state, one entry per byte of the piece (see encoder.cpp).
  std::vector<std::uint32_t> next_;
  std::vector<std::uint32_t> previous_;
  std::vector<std::uint32_t> token_;
  std::vector<std::uint32_t> pair_;
  std::vector<std::uint64_t> heap_;
};

// The ids of a text grouped into chunks of whole characters: a token that ends inside a
// UTF-8 sequence is merged with the next ones until a character ends. A stream yields
// chunks (text that displays) and counts tokens (what usage reports).
struct token_chunk {
  std::string_view text;             // in the text given, ill-formed bytes as they were
  std::uint32_t utf16_begin = 0;     // position in the text in UTF-16 units (how JS indexes it)
  std::uint32_t utf16_end = 0;
  std::uint32_t first_token = 0;     // index in the ids
  std::uint32_t token_count = 0;     // >= 1
};

// Walks `ids` along `text`. The ids must be the encoding of exactly this text (with the
// same vocabulary); each token's bytes are checked against the text as it goes, and a
// mismatch ends the walk with failed() set instead of producing wrong chunks.
class chunk_reader {
 public:
  chunk_reader(const tokens::vocabulary& vocabulary, std::string_view text, std::span<const std::uint32_t> ids) noexcept
      : vocabulary_(vocabulary), text_(text), ids_(ids) {}

  // The next chunk, or false at the end (or on a mismatch).
  bool next(token_chunk& chunk) noexcept;
  // True if the walk stopped on ids that are not this text's, or left some text or ids over.
  bool failed() const noexcept { return failed_; }

 private:
  const tokens::vocabulary& vocabulary_;
  std::string_view text_;
  std::span<const std::uint32_t> ids_;
  std::size_t position_ = 0;
  std::uint32_t utf16_position_ = 0;
  std::size_t token_index_ = 0;
  bool failed_ = false;
};

}  // namespace trickle::tokens
