#include "core/stream/reproducible_math.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace trickle {

namespace {

// ln 2 split in two: the high part has its last 32 bits zero, so k * ln2_high is exact for
// every exponent k a double can have, and the low part carries the rest.
constexpr double ln2_high = 0x1.62e42feep-1;
constexpr double ln2_low = 0x1.a39ef35793c76p-33;
constexpr double inverse_ln2 = 0x1.71547652b82fep0;
constexpr double sqrt2 = 0x1.6a09e667f3bcdp0;

// std::bit_cast would do, but Emscripten 3.1.6's libc++ 13 does not have it yet.
std::uint64_t bits_of(double x) noexcept {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}
double double_of(std::uint64_t bits) noexcept {
  double x = 0;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

constexpr std::uint64_t mantissa_bits = 0x000f'ffff'ffff'ffffULL;
constexpr std::uint64_t exponent_of_one = 0x3ff0'0000'0000'0000ULL;

// 1/3, 1/5, ..., 1/25: the series of atanh(s)/s - 1 in powers of s^2. With |s| below
// 0.1716 (see reproducible_log), s^24 is below 2^-61, so twelve terms leave nothing that
// a double could hold.
constexpr std::array<double, 12> atanh_coefficients = [] {
  std::array<double, 12> c{};
  for (std::size_t j = 0; j < c.size(); ++j) c[j] = 1.0 / static_cast<double>(2 * j + 3);
  return c;
}();

// 1/1!, 1/2!, ..., 1/13!: Taylor's series of e^r. With |r| <= ln(2)/2, the first term left
// out, r^14/14!, is below 2^-58.
constexpr std::array<double, 13> exp_coefficients = [] {
  std::array<double, 13> c{};
  double factorial = 1;
  for (std::size_t n = 0; n < c.size(); ++n) {
    factorial *= static_cast<double>(n + 1);  // exact: 13! < 2^53
    c[n] = 1.0 / factorial;
  }
  return c;
}();

// x * 2^k for a finite x in [0.5, 2) and any k, without <cmath>'s ldexp (which is exact
// too, but then we would have to trust every library's version of it).
double scale_by_power_of_two(double x, int k) noexcept {
  auto power = [](int e) { return double_of(static_cast<std::uint64_t>(e + 1023) << 52); };
  // Two steps keep each factor a normal double even when the result is subnormal or huge.
  if (k > 1023) return x * power(1023) * power(k - 1023);
  if (k < -1022) return x * power(-1022) * power(k + 1022 < -1022 ? -1022 : k + 1022);
  return x * power(k);
}

}  // namespace

double reproducible_log(double x) noexcept {
  if (std::isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int exponent = 0;
  if (x < DBL_MIN) {  // subnormal: bring it into the normal range first (exact)
    x *= 0x1.0p54;
    exponent = -54;
  }
  const auto bits = bits_of(x);
  exponent += static_cast<int>(bits >> 52) - 1023;
  double m = double_of((bits & mantissa_bits) | exponent_of_one);  // [1, 2)
  // Centre m on 1, in [sqrt(2)/2, sqrt(2)]: then s = (m - 1) / (m + 1) stays within
  // +-(sqrt(2) - 1) / (sqrt(2) + 1) = +-0.1716 and the series converges fast.
  if (m > sqrt2) {
    m *= 0.5;
    ++exponent;
  }
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double series = atanh_coefficients.back();
  for (std::size_t j = atanh_coefficients.size() - 1; j-- > 0;) series = series * s2 + atanh_coefficients[j];
  // ln m = 2 atanh(s) = 2s + 2s * s^2 * (1/3 + s^2/5 + ...)
  const double log_m = 2.0 * s + 2.0 * s * (s2 * series);
  const double k = static_cast<double>(exponent);
  return k * ln2_high + (k * ln2_low + log_m);
}

double reproducible_exp(double x) noexcept {
  if (std::isnan(x)) return x;
  if (x > 709.8) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0;
  // x = k ln 2 + r with |r| <= ln(2)/2; e^x = 2^k e^r.
  const double k = std::floor(x * inverse_ln2 + 0.5);
  const double r = (x - k * ln2_high) - k * ln2_low;
  double series = exp_coefficients.back();
  for (std::size_t n = exp_coefficients.size() - 1; n-- > 0;) series = series * r + exp_coefficients[n];
  const double e_r = 1.0 + r * series;
  return scale_by_power_of_two(e_r, static_cast<int>(k));
}

double normal_variates::next(random_bits& bits) noexcept {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u = 0;
  double v = 0;
  double s = 0;
  do {
    u = 2.0 * bits.unit() - 1.0;  // exact: unit() is k * 2^-53
    v = 2.0 * bits.unit() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * reproducible_log(s) / s);
  spare_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

}  // namespace trickle
