// Byte-pair merging as the rule says, slowly, for the token tests and the token fuzzer to
// check the encoder's two fast merge paths against: a piece as one part per byte, then the
// lowest-ranked adjacent pair merged first (the leftmost of equal ones) until no pair is a
// token. Returns the parts; each should then be a token itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokens/vocabulary.hpp"

namespace trickle::testing {

inline std::vector<std::string> reference_merge_parts(const tokens::vocabulary& v, std::string_view piece) {
  std::vector<std::string> parts;
  for (char c : piece) parts.emplace_back(1, c);
  const auto rank = [&v](const std::string& s) {
    return v.rank_of(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  while (parts.size() > 1) {
    std::uint32_t best = tokens::no_token;
    std::size_t at = 0;
    for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
      const std::uint32_t r = rank(parts[k] + parts[k + 1]);
      if (r < best) {
        best = r;
        at = k;
      }
    }
    if (best == tokens::no_token) break;
    parts[at] += parts[at + 1];
    parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(at) + 1);
  }
  return parts;
}

}  // namespace trickle::testing
