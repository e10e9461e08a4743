// FNV-1a over 64-bit words, least significant byte first: a hash that is the same on
// every platform, for golden values that must agree natively and in WebAssembly.
#pragma once

#include <cstdint>

namespace trickle::testing {

struct fnv1a {
  std::uint64_t value = 0xcbf29ce484222325ULL;
  void add(std::uint64_t word) {
    for (int byte = 0; byte < 8; ++byte) {
      value ^= (word >> (8 * byte)) & 0xff;
      value *= 0x100000001b3ULL;
    }
  }
};

}  // namespace trickle::testing
