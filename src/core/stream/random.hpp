// random: the seeded generator behind timing plans, the same bits on every platform.
//
// Guarantees:
//   - random_bits(seed) gives one fixed sequence of 64-bit words for each seed, on every
//     compiler, standard library and CPU: only integer shifts, xors, adds and multiplies
//     modulo 2^64, nothing from <random> (whose distributions differ between standard
//     libraries) and no host entropy.
//   - unit() is a double in [0, 1) and open_unit() one in (0, 1], each a multiple of 2^-53
//     made from the top 53 bits of one word: exact, so equal on every IEEE-754 machine.
//   - Copying a random_bits copies its position: the copy yields what the original would.
//
// The generator is xoshiro256** (Blackman and Vigna, 2018), whose 256-bit state is filled
// from the 64-bit seed by splitmix64, as its authors recommend: any seed, zero included,
// gives a well-mixed, non-zero state. It is small (32 bytes), fast (a few cycles a word)
// and passes BigCrush; it is not for secrets, and nothing here needs it to be.
#pragma once

#include <cstdint>

namespace trickle {

// One step of splitmix64: advances `state` and returns a well-mixed word. Also useful on
// its own to turn nearby numbers (a clock, a counter) into unrelated seeds.
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  state += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class random_bits {
 public:
  constexpr explicit random_bits(std::uint64_t seed) noexcept {
    std::uint64_t mixer = seed;
    for (std::uint64_t& word : state_) word = splitmix64(mixer);
  }

  constexpr std::uint64_t next() noexcept {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  // [0, 1): k * 2^-53 for k in [0, 2^53).
  constexpr double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // (0, 1]: (k + 1) * 2^-53, for a logarithm that must never see 0.
  constexpr double open_unit() noexcept {
    return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53;
  }

 private:
  static constexpr std::uint64_t rotate_left(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }

  std::uint64_t state_[4] = {};
};

}  // namespace trickle
