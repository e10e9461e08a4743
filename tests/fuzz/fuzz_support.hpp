// What every harness in tests/fuzz shares.
//
// A harness is one file tests/fuzz/<name>.cpp defining LLVMFuzzerTestOneInput; CMake builds
// it as fuzz_<name> (TRICKLE_FUZZ=ON, clang 16), scripts/fuzz runs it from its seed corpus
// in tests/fuzz/corpus/<name>/. Its input is whatever bytes libFuzzer chooses: a harness
// must accept every input, and report a broken rule only through FUZZ_CHECK.
//
// FUZZ_CHECK(condition, format, ...) prints the condition, where it is and a printf-style
// explanation, then aborts: libFuzzer keeps the input as a crash, to be replayed with
// `build/fuzz/fuzz_<name> <file>`.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(condition, ...)                                                          \
  do {                                                                                      \
    if (!(condition)) {                                                                     \
      std::fprintf(stderr, "fuzz check failed: %s\n  at %s:%d\n  ", #condition, __FILE__, \
                   __LINE__);                                                               \
      std::fprintf(stderr, __VA_ARGS__);                                                    \
      std::fputc('\n', stderr);                                                             \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

namespace trickle::fuzzing {

// Bytes as hex pairs, for messages about text that may not be valid UTF-8.
inline std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    if (!out.empty()) out += ' ';
    out += digits[byte >> 4];
    out += digits[byte & 0xF];
  }
  return out;
}

}  // namespace trickle::fuzzing
