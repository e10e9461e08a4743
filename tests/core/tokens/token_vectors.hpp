// gpt-tokenizer's test vectors (data/TestPlans.txt) for cl100k_base and o200k_base,
// generated at build time by scripts/gen-token-assets.mjs into the build folder
// (token_vectors_data.cpp): a sample text and the ids tiktoken gives for it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace trickle::testing {

struct token_vector {
  const char* encoding;
  const char* text;  // UTF-8
  std::size_t text_size;
  const std::uint32_t* ids;
  std::size_t id_count;
};

extern const token_vector token_vectors[];
extern const std::size_t token_vector_count;

}  // namespace trickle::testing
