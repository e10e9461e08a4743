#include "core/text/unicode.hpp"

#include "core/text/unicode_tables.hpp"

namespace trickle::detail {
namespace {

constexpr char32_t last_code_point = 0x10FFFF;

}  // namespace

general_category general_category_from_table(char32_t c) noexcept {
  if (c > last_code_point) return general_category::unassigned;
  return static_cast<general_category>(unicode_data::category::lookup(c) & unicode_data::category::category_mask);
}

bool white_space_from_table(char32_t c) noexcept {
  return c <= last_code_point && (unicode_data::category::lookup(c) & unicode_data::category::white_space_bit) != 0;
}

}  // namespace trickle::detail
