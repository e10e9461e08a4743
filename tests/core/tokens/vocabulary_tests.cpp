#include <catch2/catch.hpp>

#include "core/tokens/encoder.hpp"
#include "core/tokens/vocabulary.hpp"
#include "tokens/assets.hpp"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

using namespace trickle::tokens;
using trickle::testing::token_asset_bytes;
using trickle::testing::token_vocabulary;

namespace {

using bytes = std::vector<std::uint8_t>;

std::string load_error(const bytes& asset) {
  std::string error;
  const auto v = vocabulary::load(asset, error);
  if (v != nullptr) return "(loaded)";
  return error;
}

void put_u32(bytes& asset, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) asset[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint32_t get_u32(const bytes& asset, std::size_t at) {
  return asset[at] | (asset[at + 1] << 8) | (asset[at + 2] << 16) | (std::uint32_t{asset[at + 3]} << 24);
}

constexpr std::size_t header_size = 96;

// An asset with the given tokens (rank = position) and special tokens, and the real
// assets' class trie, laid out as scripts/gen-token-assets.mjs writes it.
bytes made_asset(const std::vector<std::string>& tokens,
                 const std::vector<std::pair<std::uint32_t, std::string>>& specials = {}) {
  const bytes& model = token_asset_bytes("cl100k_base");
  const std::size_t trie_size = get_u32(model, 28) * 2 + get_u32(model, 32) * 2 + get_u32(model, 36);
  const std::size_t trie_at = model.size() - (4 - trie_size % 4) % 4 - trie_size;
  bytes asset(model.begin(), model.begin() + header_size);
  std::uint32_t blob_size = 0;
  for (const std::string& t : tokens) asset.push_back(static_cast<std::uint8_t>(t.size()));
  for (const std::string& t : tokens) {
    asset.insert(asset.end(), t.begin(), t.end());
    blob_size += static_cast<std::uint32_t>(t.size());
  }
  std::uint32_t special_size = 0;
  for (const auto& [id, text] : specials) {
    for (int i = 0; i < 4; ++i) asset.push_back(static_cast<std::uint8_t>(id >> (8 * i)));
    asset.push_back(static_cast<std::uint8_t>(text.size()));
    asset.push_back(0);
    asset.insert(asset.end(), text.begin(), text.end());
    special_size += static_cast<std::uint32_t>(6 + text.size());
  }
  while (asset.size() % 4 != 0) asset.push_back(0);
  asset.insert(asset.end(), model.begin() + static_cast<std::ptrdiff_t>(trie_at),
               model.begin() + static_cast<std::ptrdiff_t>(trie_at + trie_size));
  while (asset.size() % 4 != 0) asset.push_back(0);
  put_u32(asset, 12, static_cast<std::uint32_t>(tokens.size()));
  put_u32(asset, 16, blob_size);
  put_u32(asset, 20, static_cast<std::uint32_t>(specials.size()));
  put_u32(asset, 24, special_size);
  put_u32(asset, 44, static_cast<std::uint32_t>(asset.size()));
  return asset;
}

}  // namespace

TEST_CASE("a token asset that is not one is refused with the reason", "[tokens]") {
  const bytes& good = token_asset_bytes("cl100k_base");
  CHECK(load_error(good) == "(loaded)");

  CHECK_THAT(load_error(bytes{}), Catch::Contains("shorter than its header"));
  bytes wrong_magic = good;
  wrong_magic[0] = 'X';
  CHECK_THAT(load_error(wrong_magic), Catch::Contains("TRKBPE"));
  bytes wrong_version = good;
  wrong_version[6] = 2;
  CHECK_THAT(load_error(wrong_version), Catch::Contains("format version 2"));
  bytes truncated(good.begin(), good.end() - 100);
  CHECK_THAT(load_error(truncated), Catch::Contains("truncated"));
  bytes unknown_pattern = good;
  unknown_pattern[8] = 7;
  CHECK_THAT(load_error(unknown_pattern), Catch::Contains("unknown pattern"));

  // Sizes that do not add up.
  bytes longer_blob = good;
  put_u32(longer_blob, 16, get_u32(good, 16) + 4);
  CHECK_THAT(load_error(longer_blob), Catch::Contains("not a usable token asset"));
  bytes lengths_off = good;
  lengths_off[header_size + 1000] += 1;  // one token a byte longer: the lengths overrun the blob
  CHECK_THAT(load_error(lengths_off), Catch::Contains("token lengths add up"));
  bytes empty_token = good;
  empty_token[header_size + 5] = 0;
  CHECK_THAT(load_error(empty_token), Catch::Contains("is empty"));
}

TEST_CASE("a token asset with a repeated token or a missing byte is refused", "[tokens]") {
  std::vector<std::string> all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes.emplace_back(1, static_cast<char>(b));
  CHECK(load_error(made_asset(all_bytes)) == "(loaded)");

  std::vector<std::string> repeated = all_bytes;
  repeated.push_back("ab");
  repeated.push_back("ab");
  CHECK_THAT(load_error(made_asset(repeated)), Catch::Contains("token 257 repeats token 256"));

  // Byte-level BPE needs every byte as a token of its own.
  std::vector<std::string> missing(all_bytes.begin(), all_bytes.begin() + 200);
  missing.insert(missing.end(), all_bytes.begin() + 201, all_bytes.end());
  missing.push_back("xy");
  CHECK_THAT(load_error(made_asset(missing)), Catch::Contains("byte 200 is not a token"));

  // Special tokens: ids after the ranks, each once.
  CHECK_THAT(load_error(made_asset(all_bytes, {{255, "<|x|>"}})), Catch::Contains("is a mergeable rank"));
  CHECK_THAT(load_error(made_asset(all_bytes, {{300, "<|x|>"}, {300, "<|y|>"}})), Catch::Contains("appears twice"));
  CHECK(load_error(made_asset(all_bytes, {{300, "<|x|>"}, {301, "<|y|>"}})) == "(loaded)");
}

TEST_CASE("a vocabulary made of single bytes encodes every byte as itself", "[tokens]") {
  std::vector<std::string> all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes.emplace_back(1, static_cast<char>(255 - b));  // rank r is byte 255-r
  all_bytes.push_back("he");
  const bytes asset = made_asset(all_bytes, {{1000, "<|end|>"}});
  std::string error;
  const auto v = vocabulary::load(asset, error);
  REQUIRE(v != nullptr);
  encoder e{*v};
  std::vector<std::uint32_t> ids;
  e.encode("hey<|end|>", ids, {.allow_special = true});
  CHECK(ids == std::vector<std::uint32_t>{256, 255 - 'y', 1000});
}

TEST_CASE("a class trie that points outside itself is refused", "[tokens]") {
  const bytes& good = token_asset_bytes("o200k_base");
  const std::size_t top_count = get_u32(good, 28);
  const std::size_t mid_count = get_u32(good, 32);
  const std::size_t leaf_count = get_u32(good, 36);
  // The stages sit at the end of the file, before its padding to a multiple of 4.
  const std::size_t trie_size = top_count * 2 + mid_count * 2 + leaf_count;
  const std::size_t top_at = good.size() - (4 - trie_size % 4) % 4 - trie_size;
  bytes bad_top = good;
  bad_top[top_at] = 0xFF;
  bad_top[top_at + 1] = 0xFF;
  CHECK_THAT(load_error(bad_top), Catch::Contains("class trie index out of range"));
  bytes bad_leaf = good;
  bad_leaf[top_at + top_count * 2 + mid_count * 2] = 9;
  CHECK_THAT(load_error(bad_leaf), Catch::Contains("unknown token class"));
  bytes bad_shape = good;
  bad_shape[40] = 0;
  CHECK_THAT(load_error(bad_shape), Catch::Contains("class trie"));
}

TEST_CASE("random damage to a token asset never crashes the loader or the encoder", "[tokens]") {
  const bytes& good = token_asset_bytes("cl100k_base");
  std::uint32_t state = 12345;
  const auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  int loaded = 0;
  for (int round = 0; round < 60; ++round) {
    bytes damaged = good;
    const int flips = 1 + static_cast<int>(next() % 4);
    for (int i = 0; i < flips; ++i) {
      // Mostly the header and the first tokens' lengths, where the structure is.
      const std::size_t at = (next() % 3 == 0) ? next() % damaged.size() : next() % (header_size + 64);
      damaged[at] = static_cast<std::uint8_t>(next());
    }
    std::string error;
    const auto v = vocabulary::load(damaged, error);
    if (v == nullptr) {
      CHECK(!error.empty());
      continue;
    }
    ++loaded;
    // Whatever loaded must still encode and decode without reading out of bounds.
    encoder e{*v};
    std::vector<std::uint32_t> ids;
    e.encode("Hello, world! \xe4\xbd\xa0\xe5\xa5\xbd 12345", ids);
    std::string back;
    e.decode(ids, back);
  }
  CHECK(loaded < 60);
}

TEST_CASE("each code point has the class JS RegExp gives it", "[tokens]") {
  const vocabulary& v = token_vocabulary("o200k_base");
  CHECK(v.class_of(U'A') == token_class::upper);
  CHECK(v.class_of(U'\u01C5') == token_class::upper);  // Lt
  CHECK(v.class_of(U'z') == token_class::lower);
  CHECK(v.class_of(U'\u02B0') == token_class::other_letter);  // Lm
  CHECK(v.class_of(U'\u4F60') == token_class::other_letter);  // Lo
  CHECK(v.class_of(U'\u0301') == token_class::mark);
  CHECK(v.class_of(U'7') == token_class::number);
  CHECK(v.class_of(U'\u2167') == token_class::number);  // Nl
  CHECK(v.class_of(U'\u00B2') == token_class::number);  // No
  CHECK(v.class_of(U' ') == token_class::space);
  CHECK(v.class_of(U'\u3000') == token_class::space);
  CHECK(v.class_of(U'\uFEFF') == token_class::space);
  CHECK(v.class_of(U'\u0085') == token_class::other);
  CHECK(v.class_of(U'\u001F') == token_class::other);
  CHECK(v.class_of(U'!') == token_class::other);
  CHECK(v.class_of(U'\U0001F600') == token_class::other);
  CHECK(v.class_of(0x10FFFF) == token_class::other);
  CHECK(v.class_of(0x110000) == token_class::other);
  // Unicode 17.0: U+1E6C0..U+1E6DE (Tai Yo, new in 17.0) are letters.
  CHECK(v.class_of(0x1E6C0) != token_class::other);
}
