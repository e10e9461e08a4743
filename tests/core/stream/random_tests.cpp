#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/stream/random.hpp"
#include "core/stream/reproducible_math.hpp"
#include "stream/fnv1a.hpp"

using namespace trickle;
using trickle::testing::fnv1a;

namespace {

std::uint64_t bits_of(double x) {  // std::bit_cast, which Emscripten 3.1.6's libc++ lacks
  std::uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}

double relative_error(double got, double expected) { return std::abs(got - expected) / std::abs(expected); }

}  // namespace

TEST_CASE("splitmix64 gives its published first value for the seed 0") {
  std::uint64_t state = 0;
  CHECK(splitmix64(state) == 0xe220a8397b1dcdafULL);
}

TEST_CASE("random_bits follows xoshiro256** from a splitmix64-filled state") {
  // Expected words computed independently (a Python transcription of the reference
  // algorithm with arbitrary-precision integers masked to 64 bits).
  random_bits zero{0};
  CHECK(zero.next() == 0x99ec5f36cb75f2b4ULL);
  CHECK(zero.next() == 0xbf6e1f784956452aULL);
  CHECK(zero.next() == 0x1a5f849d4933e6e0ULL);
  CHECK(zero.next() == 0x6aa594f1262d2d2cULL);
  random_bits answer{42};
  CHECK(answer.next() == 0x15780b2e0c2ec716ULL);
  CHECK(answer.next() == 0x6104d9866d113a7eULL);
}

TEST_CASE("unit() stays in [0, 1) and open_unit() in (0, 1], both evenly spread") {
  random_bits bits{7};
  double sum = 0;
  double lowest = 1;
  double highest = 0;
  constexpr int draws = 1'000'000;
  for (int i = 0; i < draws; ++i) {
    const double u = bits.unit();
    const double v = bits.open_unit();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    REQUIRE(v > 0.0);
    REQUIRE(v <= 1.0);
    sum += u;
    lowest = std::min(lowest, u);
    highest = std::max(highest, u);
  }
  CHECK(sum / draws == Approx(0.5).margin(0.002));
  CHECK(lowest < 1e-5);
  CHECK(highest > 1 - 1e-5);
}

TEST_CASE("a copied random_bits yields what the original would have") {
  random_bits original{123};
  for (int i = 0; i < 10; ++i) original.next();
  random_bits copy = original;
  for (int i = 0; i < 1000; ++i) REQUIRE(copy.next() == original.next());
}

TEST_CASE("reproducible_log agrees with <cmath> to a few units in the last place") {
  random_bits bits{1};
  double worst = 0;
  for (int i = 0; i < 200'000; ++i) {
    const double x = bits.open_unit();  // the range the normal variates use
    if (x == 1.0) continue;
    worst = std::max(worst, relative_error(reproducible_log(x), std::log(x)));
  }
  for (double x : {1e-300, 1e-10, 0.5, 0.75, 1.5, 2.0, 3.0, 1e10, 1e300}) {
    worst = std::max(worst, relative_error(reproducible_log(x), std::log(x)));
  }
  CHECK(worst < 1e-15);  // about 4.5 units in the last place
  CHECK(reproducible_log(1.0) == 0.0);
  CHECK(reproducible_log(4.9406564584124654e-324) == Approx(std::log(4.9406564584124654e-324)).epsilon(1e-15));
}

TEST_CASE("reproducible_log answers the edge cases as <cmath> does") {
  CHECK(std::isinf(reproducible_log(0.0)));
  CHECK(reproducible_log(0.0) < 0);
  CHECK(std::isnan(reproducible_log(-1.0)));
  CHECK(std::isnan(reproducible_log(std::nan(""))));
  CHECK(std::isinf(reproducible_log(INFINITY)));
}

TEST_CASE("reproducible_exp agrees with <cmath> to a few units in the last place") {
  random_bits bits{2};
  double worst = 0;
  for (int i = 0; i < 200'000; ++i) {
    const double x = 40.0 * bits.unit() - 20.0;  // far beyond what lognormal factors need
    worst = std::max(worst, relative_error(reproducible_exp(x), std::exp(x)));
  }
  for (double x : {-700.0, -100.0, -1e-12, 1e-12, 1.0, 100.0, 700.0}) {
    worst = std::max(worst, relative_error(reproducible_exp(x), std::exp(x)));
  }
  CHECK(worst < 1e-15);
  CHECK(reproducible_exp(0.0) == 1.0);
  CHECK(reproducible_exp(-1000.0) == 0.0);
  CHECK(std::isinf(reproducible_exp(1000.0)));
  CHECK(std::isnan(reproducible_exp(std::nan(""))));
}

TEST_CASE("normal variates have mean 0, standard deviation 1 and normal tails") {
  random_bits bits{3};
  constexpr int draws = 2'000'000;
  double sum = 0;
  double sum_squares = 0;
  int beyond_1_96 = 0;
  int beyond_3_5 = 0;  // in the ziggurat's tail, which has its own code
  int below_minus_3_5 = 0;
  int within_half = 0;
  for (int i = 0; i < draws; ++i) {
    const double z = standard_normal(bits);
    sum += z;
    sum_squares += z * z;
    if (std::abs(z) > 1.959964) ++beyond_1_96;
    if (std::abs(z) > 3.5) ++beyond_3_5;
    if (z < -3.5) ++below_minus_3_5;
    if (std::abs(z) < 0.5) ++within_half;
  }
  const double mean = sum / draws;
  CHECK(mean == Approx(0).margin(0.004));
  CHECK(std::sqrt(sum_squares / draws - mean * mean) == Approx(1).epsilon(0.004));
  CHECK(static_cast<double>(beyond_1_96) / draws == Approx(0.0500).margin(0.0015));
  CHECK(static_cast<double>(within_half) / draws == Approx(0.3829).margin(0.0015));
  // P(|Z| > 3.5) = 4.65e-4: about 930 of 2 million, give or take 30; both sides.
  CHECK(beyond_3_5 > 840);
  CHECK(beyond_3_5 < 1020);
  CHECK(below_minus_3_5 > 380);
  CHECK(below_minus_3_5 < 550);
}

TEST_CASE("normal variates follow the normal distribution everywhere (Kolmogorov-Smirnov)") {
  random_bits bits{4};
  std::vector<double> sample(1'000'000);
  for (double& z : sample) z = standard_normal(bits);
  std::sort(sample.begin(), sample.end());
  double largest_gap = 0;
  const double n = static_cast<double>(sample.size());
  for (std::size_t i = 0; i < sample.size(); ++i) {
    const double cdf = 0.5 * std::erfc(-sample[i] / std::sqrt(2.0));
    largest_gap = std::max({largest_gap, std::abs(cdf - static_cast<double>(i) / n),
                            std::abs(cdf - static_cast<double>(i + 1) / n)});
  }
  CHECK(largest_gap < 1.95 / std::sqrt(n));  // the 0.1% critical value
}

TEST_CASE("log, exp and normal variates give the same bits natively and in WebAssembly") {
  // The hash of their exact bit patterns over a sweep of inputs. The same value is
  // expected from the g++/glibc build and the clang/Emscripten/musl build: a difference
  // means some platform rounds differently and plans would differ between them.
  fnv1a hash;
  random_bits bits{2024};
  for (int i = 0; i < 100'000; ++i) {
    hash.add(bits_of(reproducible_log(bits.open_unit())));
    hash.add(bits_of(reproducible_exp(60.0 * bits.unit() - 30.0)));
    hash.add(bits_of(standard_normal(bits)));
  }
  CHECK(hash.value == 0x358e766051930216ULL);
}
