// A GPT tokenizer's vocabulary, read from the asset scripts/gen-token-assets.mjs builds
// (cl100k_base.bpe, o200k_base.bpe): the mergeable tokens and their ranks, the special
// tokens, and the Unicode classes the pre-tokenization patterns need.
//
// Guarantees:
//   - load() checks the whole asset before anything reads it (magic, version, every size
//     and offset, each token's length, that every single byte is a token, that no token
//     appears twice, that the class trie stays inside its arrays). A bad asset gives an
//     error message and no vocabulary; nothing reads past the given bytes.
//   - The asset is read in place and must stay alive and unchanged as long as the
//     vocabulary: the token bytes and the class trie are not copied. What load() builds is
//     the lookup index (byte string -> rank), one pass over the tokens (a few milliseconds
//     for o200k_base), which is cheaper than downloading it (see the generator).
//   - After load() nothing allocates, and every query is noexcept and safe from several
//     threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trickle::tokens {

// Which pre-tokenization regex the encoding uses (pretokenize.hpp has both).
enum class pattern : std::uint8_t { cl100k_base = 0, o200k_base = 1 };

// What the patterns ask of a code point. Letters are split three ways because o200k_base's
// classes overlap: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] and [\p{Ll}\p{Lm}\p{Lo}\p{M}].
enum class token_class : std::uint8_t {
  other,         // none of the below (punctuation, symbols, controls, unassigned...)
  upper,         // Lu, Lt
  lower,         // Ll
  other_letter,  // Lm, Lo
  mark,          // Mn, Mc, Me
  number,        // Nd, Nl, No
  space,         // JS RegExp \s: Zs, TAB, LF, VT, FF, CR, U+2028, U+2029, U+FEFF
};
inline constexpr unsigned token_class_count = 7;

inline constexpr std::uint32_t no_token = 0xFFFFFFFF;

namespace detail {

inline std::uint64_t load64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline std::uint32_t load32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline std::uint64_t mix(std::uint64_t x) noexcept {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ull;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ull;
  return x ^ (x >> 32);
}

// The bytes of a string of 1 to 8 bytes as a little-endian number, read in at most two
// loads that never go past its end.
inline std::uint64_t pack(const std::uint8_t* bytes, std::size_t length) noexcept {
  if (length >= 4) {
    return load32(bytes) | (std::uint64_t{load32(bytes + length - 4)} << (8 * (length - 4)));
  }
  return bytes[0] | (std::uint64_t{bytes[length >> 1]} << (8 * (length >> 1))) |
         (std::uint64_t{bytes[length - 1]} << (8 * (length - 1)));
}

// The index's hash. Never reads outside [bytes, bytes + length).
inline std::uint64_t hash_bytes(const std::uint8_t* bytes, std::size_t length) noexcept {
  const std::uint64_t seed = length * 0x9E3779B97F4A7C15ull;
  if (length <= 8) return length == 0 ? mix(seed) : mix(seed ^ pack(bytes, length));
  std::uint64_t h = seed;
  for (std::size_t i = 0; i + 8 < length; i += 8) h = mix(h ^ load64(bytes + i));
  return mix(h ^ load64(bytes + length - 8));
}

// Equal bytes, for the index's strings: word loads, no call.
inline bool same_bytes(const std::uint8_t* a, const std::uint8_t* b, std::size_t length) noexcept {
  if (length >= 8) {
    for (std::size_t i = 0; i + 8 < length; i += 8) {
      if (load64(a + i) != load64(b + i)) return false;
    }
    return load64(a + length - 8) == load64(b + length - 8);
  }
  if (length >= 4) return load32(a) == load32(b) && load32(a + length - 4) == load32(b + length - 4);
  for (std::size_t i = 0; i < length; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// The index's entries, 64 bits each, in two kinds. Zero is an empty slot.
//   short tokens (1-5 bytes), whole in the entry, so that finding one reads nothing else:
//     bit 63 set, bits 60-62 length, 40-59 rank, 0-39 the bytes
//   longer tokens, by their place in the token bytes, with 11 bits of their hash so that a
//   probe rarely has to look there:
//     bit 63 clear, bits 52-62 hash, 32-51 rank, 24-31 length, 0-23 offset
inline constexpr std::size_t inline_limit = 5;
inline constexpr std::uint64_t rank_mask = (1ull << 20) - 1;
inline constexpr std::uint64_t offset_mask = (1ull << 24) - 1;
inline constexpr std::uint64_t inline_flag = 1ull << 63;

inline unsigned rank_shift(std::uint64_t entry) noexcept { return (entry & inline_flag) ? 40 : 32; }
inline std::uint32_t entry_rank(std::uint64_t entry) noexcept {
  return static_cast<std::uint32_t>((entry >> rank_shift(entry)) & rank_mask);
}

// What an entry for these bytes holds apart from its rank; `mask` keeps those bits.
struct entry_key {
  std::uint64_t value;
  std::uint64_t mask;
  bool in_entry;  // short: the value says it all; else the bytes must be compared
};
inline entry_key key_of(const std::uint8_t* bytes, std::size_t length, std::uint64_t hash) noexcept {
  if (length <= inline_limit) {
    return {inline_flag | (std::uint64_t{length} << 60) | pack(bytes, length), ~(rank_mask << 40), true};
  }
  return {((hash >> 52) << 52 & ~inline_flag) | (std::uint64_t{length} << 24), ~(rank_mask << 32) & ~offset_mask, false};
}

}  // namespace detail

struct special_token {
  std::uint32_t id;
  std::string_view text;
};

class vocabulary {
 public:
  // Reads an asset. On failure returns nullptr and says why in `error`.
  static std::unique_ptr<vocabulary> load(std::span<const std::uint8_t> asset, std::string& error);

  vocabulary(const vocabulary&) = delete;
  vocabulary& operator=(const vocabulary&) = delete;

  std::string_view name() const noexcept { return name_; }
  tokens::pattern pattern() const noexcept { return pattern_; }
  // The mergeable tokens have the ids 0..mergeable_count()-1, their rank.
  std::uint32_t mergeable_count() const noexcept { return mergeable_count_; }
  std::span<const special_token> special_tokens() const noexcept { return special_; }

  // The rank of a byte string, or no_token if it is not a mergeable token.
  std::uint32_t rank_of(const std::uint8_t* bytes, std::size_t length) const noexcept {
    return rank_of(bytes, length, detail::hash_bytes(bytes, length));
  }
  // The same, given detail::hash_bytes(bytes, length).
  std::uint32_t rank_of(const std::uint8_t* bytes, std::size_t length, std::uint64_t hash) const noexcept {
    if (length == 0 || length > 255) return no_token;
    const detail::entry_key key = detail::key_of(bytes, length, hash);
    for (std::uint64_t i = hash & slot_mask_;; i = (i + 1) & slot_mask_) {
      const std::uint64_t entry = slots_[i];
      if (entry == 0) return no_token;
      if ((entry & key.mask) == key.value &&
          (key.in_entry || detail::same_bytes(blob_ + (entry & detail::offset_mask), bytes, length))) {
        return detail::entry_rank(entry);
      }
    }
  }
  std::uint32_t rank_of_byte(std::uint8_t byte) const noexcept { return byte_rank_[byte]; }
  // rank_of() for two bytes, from a table: what byte-pair merging asks first, for every
  // pair of neighbouring bytes of a piece.
  std::uint32_t rank_of_pair(std::uint8_t first, std::uint8_t second) const noexcept {
    return pair_rank_[(first << 8) | second];
  }
  // The bytes of any token, mergeable or special; empty for an id that is neither.
  std::span<const std::uint8_t> token_bytes(std::uint32_t id) const noexcept;

  token_class class_of(char32_t c) const noexcept {
    if (c < 0x80) return ascii_class_[c];
    if (c > 0x10FFFF) return token_class::other;
    const unsigned block = top_at(c >> (mid_bits_ + leaf_bits_));
    const unsigned leaf = mid_at((block << mid_bits_) | ((c >> leaf_bits_) & ((1u << mid_bits_) - 1)));
    return static_cast<token_class>(class_leaf_[(leaf << leaf_bits_) | (c & ((1u << leaf_bits_) - 1))]);
  }

  // Bytes the index and the offsets take, beyond the asset itself.
  std::size_t index_bytes() const noexcept {
    return slots_.size() * sizeof(std::uint64_t) + offsets_.size() * sizeof(std::uint32_t) +
           pair_rank_.size() * sizeof(std::uint32_t);
  }

 private:
  vocabulary() = default;
  bool build_index(std::string& error);
  unsigned top_at(std::size_t i) const noexcept { return class_top_[2 * i] | (class_top_[2 * i + 1] << 8); }
  unsigned mid_at(std::size_t i) const noexcept { return class_mid_[2 * i] | (class_mid_[2 * i + 1] << 8); }

  std::string name_;
  tokens::pattern pattern_ = tokens::pattern::cl100k_base;
  std::uint32_t mergeable_count_ = 0;
  const std::uint8_t* blob_ = nullptr;
  std::vector<std::uint32_t> offsets_;  // token r is blob_[offsets_[r], offsets_[r+1])
  // Open addressing, linear probing, a power of two long; detail:: says what an entry holds.
  std::vector<std::uint64_t> slots_;
  std::uint64_t slot_mask_ = 0;
  std::uint32_t byte_rank_[256] = {};
  std::vector<std::uint32_t> pair_rank_;  // 65,536 entries, no_token where two bytes are no token
  std::vector<special_token> special_;

  token_class ascii_class_[128] = {};
  const std::uint8_t* class_top_ = nullptr;  // u16, little-endian
  const std::uint8_t* class_mid_ = nullptr;  // u16, little-endian
  const std::uint8_t* class_leaf_ = nullptr;
  unsigned mid_bits_ = 0;
  unsigned leaf_bits_ = 0;
};

}  // namespace trickle::tokens
