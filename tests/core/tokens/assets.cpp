#include "tokens/assets.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <memory>

namespace trickle::testing {

const std::vector<std::uint8_t>& token_asset_bytes(const std::string& name) {
  static std::map<std::string, std::vector<std::uint8_t>> cache;
  auto found = cache.find(name);
  if (found != cache.end()) return found->second;
  const std::string path = std::string(TRICKLE_TOKEN_ASSET_DIR) + "/" + name + ".bpe";
  std::ifstream file(path, std::ios::binary);
  INFO("reading " << path);
  REQUIRE(file.good());
  std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  REQUIRE(!bytes.empty());
  return cache.emplace(name, std::move(bytes)).first->second;
}

const tokens::vocabulary& token_vocabulary(const std::string& name) {
  static std::map<std::string, std::unique_ptr<tokens::vocabulary>> cache;
  auto found = cache.find(name);
  if (found != cache.end()) return *found->second;
  std::string error;
  auto loaded = tokens::vocabulary::load(token_asset_bytes(name), error);
  INFO(error);
  REQUIRE(loaded != nullptr);
  return *cache.emplace(name, std::move(loaded)).first->second;
}

}  // namespace trickle::testing
