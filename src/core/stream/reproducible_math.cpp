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
  // 1/3 + s^2/5 + s^4/7 + ... by Estrin's scheme: the same sum as Horner's rule, grouped in
  // pairs so that the processor can work on several at once instead of one long chain.
  const auto& c = atanh_coefficients;
  const double t2 = s2 * s2;
  const double t4 = t2 * t2;
  const double t8 = t4 * t4;
  const double series = ((c[0] + c[1] * s2) + (c[2] + c[3] * s2) * t2) +
                        ((c[4] + c[5] * s2) + (c[6] + c[7] * s2) * t2) * t4 +
                        ((c[8] + c[9] * s2) + (c[10] + c[11] * s2) * t2) * t8;
  // ln m = 2 atanh(s) = 2s + 2s * s^2 * (1/3 + s^2/5 + ...)
  const double log_m = 2.0 * s + 2.0 * s * (s2 * series);
  const double k = static_cast<double>(exponent);
  return k * ln2_high + (k * ln2_low + log_m);
}

double reproducible_exp(double x) noexcept {
  if (std::isnan(x)) return x;
  if (x > 709.8) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0;
  // x = k ln 2 + r with |r| <= ln(2)/2 (k: x / ln 2 rounded to the nearest integer, by an
  // exact truncation); e^x = 2^k e^r.
  const double scaled = x * inverse_ln2;
  const int k = static_cast<int>(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
  const double kd = static_cast<double>(k);
  const double r = (x - kd * ln2_high) - kd * ln2_low;
  // 1 + r/2! + r^2/3! + ... + r^12/13! by Estrin's scheme (see reproducible_log).
  const auto& c = exp_coefficients;
  const double r2 = r * r;
  const double r4 = r2 * r2;
  const double r8 = r4 * r4;
  const double series = ((c[0] + c[1] * r) + (c[2] + c[3] * r) * r2) +
                        ((c[4] + c[5] * r) + (c[6] + c[7] * r) * r2) * r4 +
                        (((c[8] + c[9] * r) + (c[10] + c[11] * r) * r2) + c[12] * r4) * r8;
  const double e_r = 1.0 + r * series;
  return scale_by_power_of_two(e_r, k);
}

namespace {

// Marsaglia and Tsang's constants for 128 layers: the start of the tail and the area of
// each layer.
constexpr int layers = 128;
constexpr double tail_start = 3.442619855899;
constexpr double layer_area = 9.91256303526217e-3;

double density(double x) noexcept { return reproducible_exp(-0.5 * x * x); }

// Layer i lies between x[i + 1] (its inner edge, where the layer above ends) and x[i]
// (its outer edge); x[0] is the base layer's width, stretched so that its area, tail
// included, equals the others'. f[i] is the density at x[i].
struct ziggurat_tables {
  std::array<double, layers + 1> x{};
  std::array<double, layers + 1> f{};
};

const ziggurat_tables& ziggurat() noexcept {
  static const ziggurat_tables tables = [] {
    ziggurat_tables t;
    t.x[0] = layer_area / density(tail_start);
    t.x[1] = tail_start;
    for (int i = 1; i < layers - 1; ++i) t.x[i + 1] = std::sqrt(-2.0 * reproducible_log(layer_area / t.x[i] + density(t.x[i])));
    t.x[layers] = 0;
    for (int i = 0; i <= layers; ++i) t.f[i] = density(t.x[i]);
    return t;
  }();
  return tables;
}

// Beyond tail_start, by Marsaglia's method (1964).
double tail(random_bits& bits, bool negative) noexcept {
  double a = 0;
  double b = 0;
  do {
    a = -reproducible_log(bits.open_unit()) / tail_start;
    b = -reproducible_log(bits.open_unit());
  } while (b + b < a * a);
  return negative ? -(tail_start + a) : tail_start + a;
}

}  // namespace

double standard_normal(random_bits& bits) noexcept {
  const ziggurat_tables& z = ziggurat();
  for (;;) {
    // One word: the top 53 bits place the point across the layer ([-1, 1) of its width),
    // the low 7 bits choose the layer.
    const std::uint64_t word = bits.next();
    const int i = static_cast<int>(word & (layers - 1));
    const double u = 2.0 * (static_cast<double>(word >> 11) * 0x1.0p-53) - 1.0;
    const double x = u * z.x[i];
    if (std::abs(x) < z.x[i + 1]) return x;  // under the layer above: surely under the curve
    if (i == 0) return tail(bits, u < 0);
    if (z.f[i + 1] + bits.unit() * (z.f[i] - z.f[i + 1]) < density(x)) return x;  // the edge
  }
}

}  // namespace trickle
