// reproducible_math: the few transcendental functions a timing plan needs, with the same
// result to the last bit on every platform.
//
// Why not <cmath>: std::log and std::exp come from the C library (glibc natively, musl in
// Emscripten), and libraries are free to differ in the last bit; one such bit in a deadline
// computation can move a deadline by a microsecond, and then a plan is not the same in the
// browser as in the tests. These functions use only +, -, *, / and comparisons on doubles,
// which IEEE 754 rounds exactly, plus bit manipulation and std::floor (exact by definition).
//
// What keeps it exact:
//   - The .cpp is compiled with -ffp-contract=off (CMakeLists.txt): no compiler may fuse
//     a * b + c into one FMA instruction on one platform and not on another.
//   - static_asserts below refuse platforms whose doubles are not IEEE 754 binary64 or that
//     evaluate with excess precision (x87's 80-bit registers).
//   - Every coefficient is a compile-time quotient of small integers (such as 1.0 / 7),
//     which the compiler rounds exactly as the hardware would.
//
// Accuracy: within a couple of units in the last place of the true value over the ranges
// the plan uses (checked against <cmath> in the tests); exactness is about agreement
// between platforms, not about being correctly rounded.
#pragma once

#include <cfloat>
#include <limits>

#include "core/stream/random.hpp"

namespace trickle {

static_assert(std::numeric_limits<double>::is_iec559, "trickle: timing plans need IEEE 754 doubles");
static_assert(FLT_EVAL_METHOD == 0, "trickle: timing plans need doubles evaluated without excess precision");

// Natural logarithm. x <= 0 gives NaN (x == 0: -infinity), +infinity gives +infinity.
double reproducible_log(double x) noexcept;

// e^x. Overflows to +infinity above about 709.78 and underflows to 0 below about -745.
double reproducible_exp(double x) noexcept;

// A standard normal variate (mean 0, standard deviation 1), by Marsaglia and Tsang's
// ziggurat (2000): 128 layers of equal area under the density; about 99% of draws take one
// random word, a table look-up and a multiplication. The tables are computed once, at first
// use, with the functions above and std::sqrt (correctly rounded by IEEE 754), so they are
// the same everywhere; the rare draws near a layer's edge or in the tail beyond 3.44 use
// them too. Stateless: a plan's position is its random_bits alone.
double standard_normal(random_bits& bits) noexcept;

}  // namespace trickle
