#include "core/tokens/encoder.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

#include "core/text/utf8.hpp"
#include "core/tokens/pretokenize.hpp"

namespace trickle::tokens {
namespace {

// Pieces up to this many bytes merge with flat arrays on the stack and a linear scan for
// the lowest rank (quadratic, but the arrays stay in cache and most pieces are a few bytes
// long); longer ones (runs of spaces, CJK runs without punctuation) with a heap, which was
// faster from about 48 bytes on (o200k_base, mixed text, measured natively).
constexpr std::size_t short_piece_limit = 48;

constexpr std::uint8_t replacement[3] = {0xEF, 0xBF, 0xBD};

// A decoded step that stands for an ill-formed subsequence, not a U+FFFD written as such.
bool is_ill_formed(std::string_view text, std::size_t position, const decoded_code_point& step) noexcept {
  return step.value == 0xFFFD &&
         !(step.byte_length == 3 && std::memcmp(text.data() + position, replacement, 3) == 0);
}

const std::uint8_t* bytes_of(std::string_view text) noexcept {
  return reinterpret_cast<const std::uint8_t*>(text.data());
}

struct append_ids {
  std::vector<std::uint32_t>& out;
  void operator()(std::uint32_t id) { out.push_back(id); }
};

struct count_ids {
  std::size_t count = 0;
  void operator()(std::uint32_t) noexcept { ++count; }
};

}  // namespace

std::string_view encoder::well_formed(std::string_view text) {
  const std::uint8_t* bytes = bytes_of(text);
  const std::size_t size = text.size();
  std::size_t i = 0;
  // The usual case: valid text, read in place.
  while (i < size) {
    if (i + 8 <= size) {
      std::uint64_t word;
      std::memcpy(&word, bytes + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    const decoded_code_point step = decode_utf8(text, i);
    if (is_ill_formed(text, i, step)) break;
    i += step.byte_length;
  }
  if (i == size) return text;

  well_formed_.assign(text.data(), i);
  while (i < size) {
    const decoded_code_point step = decode_utf8(text, i);
    if (is_ill_formed(text, i, step)) {
      well_formed_.append(reinterpret_cast<const char*>(replacement), 3);
    } else {
      well_formed_.append(text.data() + i, step.byte_length);
    }
    i += step.byte_length;
  }
  return well_formed_;
}

void encoder::encode(std::string_view text, std::vector<std::uint32_t>& out, encode_options options) {
  append_ids sink{out};
  encode_text(text, options, sink);
}

std::size_t encoder::count(std::string_view text, encode_options options) {
  count_ids sink;
  encode_text(text, options, sink);
  return sink.count;
}

template <class Sink>
void encoder::encode_text(std::string_view text, encode_options options, Sink& sink) {
  const std::string_view valid = well_formed(text);
  const std::uint8_t* bytes = bytes_of(valid);
  const std::span<const special_token> specials = vocabulary_.special_tokens();
  if (!options.allow_special || specials.empty()) {
    encode_ordinary(bytes, valid.size(), sink);
    return;
  }
  // The next occurrence of each special token at or after the current position, searched
  // again only once the position has passed it: each one is looked for once over the text.
  constexpr std::size_t not_searched = std::string_view::npos - 1;
  std::vector<std::size_t>& found = special_found_;
  found.assign(specials.size(), not_searched);
  std::size_t position = 0;
  while (true) {
    std::size_t earliest = std::string_view::npos;
    std::size_t which = 0;
    for (std::size_t s = 0; s < specials.size(); ++s) {
      if (found[s] == not_searched || (found[s] != std::string_view::npos && found[s] < position)) {
        found[s] = valid.find(specials[s].text, position);
      }
      if (found[s] < earliest) {
        earliest = found[s];
        which = s;
      }
    }
    if (earliest == std::string_view::npos) break;
    encode_ordinary(bytes + position, earliest - position, sink);
    sink(specials[which].id);
    position = earliest + specials[which].text.size();
  }
  encode_ordinary(bytes + position, valid.size() - position, sink);
}

template <class Sink>
void encoder::encode_ordinary(const std::uint8_t* text, std::size_t size, Sink& sink) {
  for (std::size_t start = 0; start < size;) {
    const std::size_t end = piece_end(vocabulary_, text, size, start);
    encode_piece(text + start, end - start, sink);
    start = end;
  }
}

namespace {

// Keeps what merging a piece gives, to hand it on and to cache it.
struct collect_ids {
  std::uint32_t* ids;
  std::size_t capacity;
  std::size_t count = 0;
  void operator()(std::uint32_t id) noexcept {
    if (count < capacity) ids[count] = id;
    ++count;
  }
};

}  // namespace

// Cached pieces are merged by merge_short, whose arrays must hold them.
static_assert(encoder::cached_piece_limit <= short_piece_limit);

template <class Sink>
void encoder::encode_piece(const std::uint8_t* piece, std::size_t size, Sink& sink) {
  if (size == 1) {
    sink(vocabulary_.rank_of_byte(piece[0]));
    return;
  }
  // Most words are one token.
  const std::uint64_t hash = detail::hash_bytes(piece, size);
  if (const std::uint32_t rank = vocabulary_.rank_of(piece, size, hash); rank != no_token) {
    sink(rank);
    return;
  }
  if (size > cached_piece_limit) {
    if (size <= short_piece_limit) merge_short(piece, size, sink);
    else merge_long(piece, size, sink);
    return;
  }
  if (cache_.empty()) cache_.resize(cache_entries);
  cached_piece& cached = cache_[hash & (cache_entries - 1)];
  if (cached.hash == hash && cached.size == size && detail::same_bytes(cached.bytes, piece, size)) {
    for (std::size_t i = 0; i < cached.id_count; ++i) sink(cached.ids[i]);
    return;
  }
  std::uint32_t ids[cached_piece_limit];
  collect_ids collected{ids, cached_piece_limit};
  merge_short(piece, size, collected);
  for (std::size_t i = 0; i < collected.count; ++i) sink(ids[i]);
  if (collected.count <= cached_id_limit) {
    cached.hash = hash;
    cached.size = static_cast<std::uint8_t>(size);
    cached.id_count = static_cast<std::uint8_t>(collected.count);
    std::memcpy(cached.bytes, piece, size);
    std::memcpy(cached.ids, ids, collected.count * sizeof ids[0]);
  }
}

// The parts are [start[k], start[k+1]); pair[k] is the rank of parts k and k+1 together
// (no_token, the largest value, if that is no token), token[k] the rank of part k. Merging
// part k with k+1 removes entry k+1 and asks for the two pairs that changed. The arrays are
// a few dozen entries: plain loops shift them faster than calls to memmove.
template <class Sink>
void encoder::merge_short(const std::uint8_t* piece, std::size_t size, Sink& sink) {
  std::uint32_t start[short_piece_limit + 1];
  std::uint32_t pair[short_piece_limit];
  std::uint32_t token[short_piece_limit];
  for (std::size_t k = 0; k + 1 < size; ++k) {
    start[k] = static_cast<std::uint32_t>(k);
    token[k] = vocabulary_.rank_of_byte(piece[k]);
    pair[k] = vocabulary_.rank_of_pair(piece[k], piece[k + 1]);
  }
  start[size - 1] = static_cast<std::uint32_t>(size - 1);
  token[size - 1] = vocabulary_.rank_of_byte(piece[size - 1]);
  pair[size - 1] = no_token;
  start[size] = static_cast<std::uint32_t>(size);
  std::size_t parts = size;
  while (parts > 1) {
    std::uint32_t lowest = no_token;
    std::size_t at = 0;
    for (std::size_t k = 0; k + 1 < parts; ++k) {
      if (pair[k] < lowest) {  // strict: the leftmost of equal ranks
        lowest = pair[k];
        at = k;
      }
    }
    if (lowest == no_token) break;
    token[at] = lowest;
    --parts;
    for (std::size_t k = at + 1; k < parts; ++k) {
      start[k] = start[k + 1];
      pair[k] = pair[k + 1];
      token[k] = token[k + 1];
    }
    start[parts] = start[parts + 1];
    pair[at] = at + 1 < parts ? vocabulary_.rank_of(piece + start[at], start[at + 2] - start[at]) : no_token;
    if (at > 0) pair[at - 1] = vocabulary_.rank_of(piece + start[at - 1], start[at + 1] - start[at - 1]);
  }
  for (std::size_t k = 0; k < parts; ++k) sink(token[k]);
}

// The same merges in O(n log n): the parts are a linked list over their first byte's
// position, and a min-heap holds (rank << 32 | position) for every pair, so that the lowest
// rank comes first and, among equal ranks, the leftmost. An entry is stale once its part
// has been merged into the one before it or its pair has changed; a part's pair only ever
// grows, and a longer string has a different rank, so checking that the part is alive and
// still has that rank is enough.
template <class Sink>
void encoder::merge_long(const std::uint8_t* piece, std::size_t size, Sink& sink) {
  constexpr std::uint32_t none = 0xFFFFFFFF;
  const auto n = static_cast<std::uint32_t>(size);
  next_.resize(size + 1);
  previous_.resize(size);
  token_.resize(size);
  pair_.resize(size);
  heap_.clear();
  for (std::uint32_t k = 0; k < n; ++k) {
    next_[k] = k + 1;
    previous_[k] = k == 0 ? none : k - 1;
    token_[k] = vocabulary_.rank_of_byte(piece[k]);
    pair_[k] = k + 1 < n ? vocabulary_.rank_of_pair(piece[k], piece[k + 1]) : no_token;
    if (pair_[k] != no_token) heap_.push_back((std::uint64_t{pair_[k]} << 32) | k);
  }
  next_[n] = n;
  const auto later = std::greater<std::uint64_t>{};
  std::make_heap(heap_.begin(), heap_.end(), later);
  const auto pair_rank = [&](std::uint32_t k) {
    const std::uint32_t second = next_[k];
    if (second == n) return no_token;
    return vocabulary_.rank_of(piece + k, next_[second] - k);
  };
  const auto push = [&](std::uint32_t k) {
    if (pair_[k] == no_token) return;
    heap_.push_back((std::uint64_t{pair_[k]} << 32) | k);
    std::push_heap(heap_.begin(), heap_.end(), later);
  };
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const std::uint64_t entry = heap_.back();
    heap_.pop_back();
    const auto rank = static_cast<std::uint32_t>(entry >> 32);
    const auto k = static_cast<std::uint32_t>(entry);
    if (token_[k] == none || pair_[k] != rank) continue;  // stale
    const std::uint32_t merged = next_[k];
    token_[k] = rank;
    token_[merged] = none;  // no longer a part
    next_[k] = next_[merged];
    if (next_[k] != n) previous_[next_[k]] = k;
    pair_[k] = pair_rank(k);
    push(k);
    if (previous_[k] != none) {
      const std::uint32_t before = previous_[k];
      pair_[before] = pair_rank(before);
      push(before);
    }
  }
  for (std::uint32_t k = 0; k != n; k = next_[k]) sink(token_[k]);
}

bool encoder::decode(std::span<const std::uint32_t> ids, std::string& out, std::size_t* bad_index) const {
  const std::size_t before = out.size();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::span<const std::uint8_t> bytes = vocabulary_.token_bytes(ids[i]);
    if (bytes.empty()) {
      out.resize(before);
      if (bad_index != nullptr) *bad_index = i;
      return false;
    }
    out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  return true;
}

bool chunk_reader::next(token_chunk& chunk) noexcept {
  if (failed_) return false;
  if (token_index_ == ids_.size()) {
    if (position_ != text_.size()) failed_ = true;  // text left with no ids for it
    return false;
  }
  const std::size_t begin = position_;
  const std::uint32_t utf16_begin = utf16_position_;
  const std::size_t first_token = token_index_;
  // The character being matched, as the encoder saw it (U+FFFD for an ill-formed run).
  std::uint8_t expected[4] = {};
  unsigned length = 0;
  unsigned matched = 0;
  decoded_code_point step{};
  const auto fail = [this] {
    failed_ = true;
    return false;
  };
  do {
    if (token_index_ == ids_.size()) return fail();  // the ids end inside a character
    const std::span<const std::uint8_t> bytes = vocabulary_.token_bytes(ids_[token_index_++]);
    if (bytes.empty()) return fail();
    for (const std::uint8_t byte : bytes) {
      if (matched == length) {
        if (position_ == text_.size()) return fail();  // more token bytes than text
        step = decode_utf8(text_, position_);
        if (is_ill_formed(text_, position_, step)) {
          std::memcpy(expected, replacement, 3);
          length = 3;
        } else {
          std::memcpy(expected, text_.data() + position_, step.byte_length);
          length = step.byte_length;
        }
        matched = 0;
      }
      if (byte != expected[matched++]) return fail();
      if (matched == length) {
        position_ += step.byte_length;
        utf16_position_ += step.utf16_length;
      }
    }
  } while (matched != length);
  chunk.text = text_.substr(begin, position_ - begin);
  chunk.utf16_begin = utf16_begin;
  chunk.utf16_end = utf16_position_;
  chunk.first_token = static_cast<std::uint32_t>(first_token);
  chunk.token_count = static_cast<std::uint32_t>(token_index_ - first_token);
  return true;
}

}  // namespace trickle::tokens
