#include "core/tokens/vocabulary.hpp"

#include <bit>

namespace trickle::tokens {
namespace {

// The layout scripts/gen-token-assets.mjs writes (its header comment has the table).
constexpr std::uint8_t magic[6] = {'T', 'R', 'K', 'B', 'P', 'E'};
constexpr unsigned format_version = 1;
constexpr std::size_t header_size = 96;
constexpr char32_t code_points = 0x110000;

std::uint32_t read_u32(const std::uint8_t* p) noexcept {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t{p[3]} << 24);
}
std::uint16_t read_u16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }

std::size_t align4(std::size_t n) noexcept { return (n + 3) & ~std::size_t{3}; }

// Reads sections one after the other, refusing any that would run past the end.
class section_reader {
 public:
  section_reader(std::span<const std::uint8_t> bytes, std::size_t position) : bytes_(bytes), position_(position) {}
  const std::uint8_t* take(std::size_t size) noexcept {
    if (failed_ || size > bytes_.size() - position_) {
      failed_ = true;
      return nullptr;
    }
    const std::uint8_t* at = bytes_.data() + position_;
    position_ += size;
    return at;
  }
  void align() noexcept {
    if (!failed_ && align4(position_) <= bytes_.size()) position_ = align4(position_);
  }
  bool failed() const noexcept { return failed_; }
  std::size_t position() const noexcept { return position_; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t position_;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<vocabulary> vocabulary::load(std::span<const std::uint8_t> asset, std::string& error) {
  const auto refuse = [&error](std::string why) -> std::unique_ptr<vocabulary> {
    error = "not a usable token asset: " + std::move(why);
    return nullptr;
  };
  if (asset.size() < header_size) return refuse("it is shorter than its header (" + std::to_string(asset.size()) + " bytes)");
  const std::uint8_t* header = asset.data();
  for (std::size_t i = 0; i < sizeof magic; ++i) {
    if (header[i] != magic[i]) return refuse("it does not start with TRKBPE");
  }
  if (read_u16(header + 6) != format_version) {
    return refuse("format version " + std::to_string(read_u16(header + 6)) + ", this build reads version 1");
  }
  if (read_u32(header + 44) != asset.size()) {
    return refuse("it says it is " + std::to_string(read_u32(header + 44)) + " bytes long but " +
                  std::to_string(asset.size()) + " were given (truncated or padded?)");
  }

  std::unique_ptr<vocabulary> v{new vocabulary()};
  if (header[8] > 1) return refuse("unknown pattern " + std::to_string(header[8]));
  v->pattern_ = static_cast<tokens::pattern>(header[8]);
  for (std::size_t i = 48; i < 64 && header[i] != 0; ++i) v->name_.push_back(static_cast<char>(header[i]));

  const std::uint32_t count = read_u32(header + 12);
  const std::uint32_t blob_size = read_u32(header + 16);
  const std::uint32_t special_count = read_u32(header + 20);
  const std::uint32_t special_size = read_u32(header + 24);
  const std::uint32_t top_count = read_u32(header + 28);
  const std::uint32_t mid_count = read_u32(header + 32);
  const std::uint32_t leaf_count = read_u32(header + 36);
  v->mid_bits_ = header[40];
  v->leaf_bits_ = header[41];

  // The index packs offsets in 24 bits and ranks in 20 (vocabulary.hpp); 256 tokens at
  // least, for the single bytes.
  if (count < 256 || count > detail::rank_mask) return refuse(std::to_string(count) + " tokens");
  if (blob_size > detail::offset_mask + 1) return refuse("token bytes over 16 MiB");
  v->mergeable_count_ = count;

  section_reader reader{asset, header_size};
  const std::uint8_t* lengths = reader.take(count);
  v->blob_ = reader.take(blob_size);
  const std::uint8_t* specials = reader.take(special_size);
  reader.align();
  v->class_top_ = reader.take(std::size_t{top_count} * 2);
  v->class_mid_ = reader.take(std::size_t{mid_count} * 2);
  v->class_leaf_ = reader.take(leaf_count);
  reader.align();
  if (reader.failed()) return refuse("its sections run past its end");
  if (reader.position() != asset.size()) return refuse("bytes left over after its last section");

  // Offsets, and the lengths checked against the blob.
  v->offsets_.resize(std::size_t{count} + 1);
  std::uint64_t offset = 0;
  for (std::uint32_t r = 0; r < count; ++r) {
    if (lengths[r] == 0) return refuse("token " + std::to_string(r) + " is empty");
    v->offsets_[r] = static_cast<std::uint32_t>(offset);
    offset += lengths[r];
    if (offset > blob_size) return refuse("its token lengths add up to more than its token bytes");
  }
  if (offset != blob_size) return refuse("its token lengths add up to less than its token bytes");
  v->offsets_[count] = blob_size;

  // Special tokens: ids after the mergeable ones, each once.
  const std::uint8_t* end_of_specials = specials + special_size;
  for (std::uint32_t i = 0; i < special_count; ++i) {
    if (end_of_specials - specials < 6) return refuse("its special tokens run past their section");
    const std::uint32_t id = read_u32(specials);
    const std::uint16_t length = read_u16(specials + 4);
    specials += 6;
    if (length == 0 || end_of_specials - specials < length) return refuse("a special token runs past its section");
    if (id < count || id == no_token) return refuse("special token id " + std::to_string(id) + " is a mergeable rank");
    for (const special_token& other : v->special_) {
      if (other.id == id) return refuse("special token id " + std::to_string(id) + " appears twice");
    }
    v->special_.push_back({id, std::string_view{reinterpret_cast<const char*>(specials), length}});
    specials += length;
  }
  if (specials != end_of_specials) return refuse("bytes left over in its special-token section");

  // The class trie: every index in range, so that class_of() needs no check.
  if (v->mid_bits_ + v->leaf_bits_ > 20 || v->mid_bits_ == 0 || v->leaf_bits_ == 0) return refuse("a class trie of an unknown shape");
  const std::uint32_t mid_block = 1u << v->mid_bits_;
  const std::uint32_t leaf_block = 1u << v->leaf_bits_;
  if (top_count != (code_points >> (v->mid_bits_ + v->leaf_bits_)) || mid_count % mid_block != 0 ||
      leaf_count % leaf_block != 0 || mid_count == 0 || leaf_count == 0) {
    return refuse("a class trie whose stages do not fit together");
  }
  for (std::uint32_t i = 0; i < top_count; ++i) {
    if (v->top_at(i) >= mid_count / mid_block) return refuse("a class trie index out of range");
  }
  for (std::uint32_t i = 0; i < mid_count; ++i) {
    if (v->mid_at(i) >= leaf_count / leaf_block) return refuse("a class trie index out of range");
  }
  for (std::uint32_t i = 0; i < leaf_count; ++i) {
    if (v->class_leaf_[i] >= token_class_count) return refuse("an unknown token class");
  }
  for (char32_t c = 0; c < 0x80; ++c) {
    const unsigned block = v->top_at(c >> (v->mid_bits_ + v->leaf_bits_));
    const unsigned leaf = v->mid_at((block << v->mid_bits_) | ((c >> v->leaf_bits_) & (mid_block - 1)));
    v->ascii_class_[c] = static_cast<token_class>(v->class_leaf_[(leaf << v->leaf_bits_) | (c & (leaf_block - 1))]);
  }

  if (!v->build_index(error)) return nullptr;
  return v;
}

bool vocabulary::build_index(std::string& error) {
  // At most 0.7 full: linear probing stays short, and a miss (most of what BPE asks) ends
  // at an empty slot after a probe or two.
  const std::size_t capacity = std::bit_ceil(std::size_t{mergeable_count_} * 10 / 7 + 1);
  slots_.assign(capacity, 0);
  slot_mask_ = capacity - 1;
  for (std::uint32_t r = 0; r < mergeable_count_; ++r) {
    const std::uint8_t* bytes = blob_ + offsets_[r];
    const std::size_t length = offsets_[r + 1] - offsets_[r];
    const std::uint64_t hash = detail::hash_bytes(bytes, length);
    const detail::entry_key key = detail::key_of(bytes, length, hash);
    const std::uint64_t entry = key.value | (std::uint64_t{r} << (key.in_entry ? 40 : 32)) | (key.in_entry ? 0 : offsets_[r]);
    std::uint64_t i = hash & slot_mask_;
    for (; slots_[i] != 0; i = (i + 1) & slot_mask_) {
      const std::uint64_t other = slots_[i];
      if ((other & key.mask) == key.value &&
          (key.in_entry || detail::same_bytes(blob_ + (other & detail::offset_mask), bytes, length))) {
        error = "not a usable token asset: token " + std::to_string(r) + " repeats token " +
                std::to_string(detail::entry_rank(other));
        return false;
      }
    }
    slots_[i] = entry;
  }
  pair_rank_.assign(65536, no_token);
  for (std::uint32_t r = 0; r < mergeable_count_; ++r) {
    if (offsets_[r + 1] - offsets_[r] == 2) pair_rank_[(blob_[offsets_[r]] << 8) | blob_[offsets_[r] + 1]] = r;
  }
  for (unsigned b = 0; b < 256; ++b) {
    const std::uint8_t byte = static_cast<std::uint8_t>(b);
    byte_rank_[b] = rank_of(&byte, 1);
    // Byte-level BPE must be able to fall back to single bytes, whatever the text.
    if (byte_rank_[b] == no_token) {
      error = "not a usable token asset: byte " + std::to_string(b) + " is not a token";
      return false;
    }
  }
  return true;
}

std::span<const std::uint8_t> vocabulary::token_bytes(std::uint32_t id) const noexcept {
  if (id < mergeable_count_) return {blob_ + offsets_[id], offsets_[id + 1] - offsets_[id]};
  for (const special_token& special : special_) {
    if (special.id == id) return {reinterpret_cast<const std::uint8_t*>(special.text.data()), special.text.size()};
  }
  return {};
}

}  // namespace trickle::tokens
