// The token assets the build wrote (TRICKLE_TOKEN_ASSET_DIR), read once per test run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tokens/vocabulary.hpp"

namespace trickle::testing {

// The bytes of build/<dir>/tokens/<name>.bpe; fails the test if the file cannot be read.
const std::vector<std::uint8_t>& token_asset_bytes(const std::string& name);
// The vocabulary loaded from it, kept for the whole run.
const tokens::vocabulary& token_vocabulary(const std::string& name);

}  // namespace trickle::testing
