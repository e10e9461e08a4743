#include "core/text/grapheme.hpp"

#include <array>

#include "core/text/unicode.hpp"
#include "core/text/unicode_tables.hpp"

namespace trickle {
namespace {

using gb = grapheme_break;
namespace table = unicode_data::grapheme;

static_assert(static_cast<int>(gb::control) == 3, "grapheme_boundaries starts after a Control");

std::uint8_t properties_of(char32_t c) noexcept { return c <= 0x10FFFF ? table::lookup(c) : 0; }

gb break_value(std::uint8_t properties) noexcept { return static_cast<gb>(properties & table::break_mask); }

indic_conjunct_break conjunct_value(std::uint8_t properties) noexcept {
  return static_cast<indic_conjunct_break>(properties >> table::conjunct_shift);
}

bool is_pictographic(std::uint8_t properties) noexcept { return (properties & table::pictographic_bit) != 0; }

// What GB3-GB9b decide from the two Grapheme_Cluster_Break values alone. `context`: none
// of them applies, so GB9c, GB11 or GB12/13 may still join the two, and GB999 breaks if
// they do not.
enum class pair_rule : std::uint8_t { boundary, no_boundary, context };

constexpr pair_rule rule_for(gb before, gb after) noexcept {
  const auto control_like = [](gb value) { return value == gb::control || value == gb::cr || value == gb::lf; };
  if (before == gb::cr && after == gb::lf) return pair_rule::no_boundary;                 // GB3
  if (control_like(before) || control_like(after)) return pair_rule::boundary;            // GB4, GB5
  if (before == gb::l && (after == gb::l || after == gb::v || after == gb::lv || after == gb::lvt)) {
    return pair_rule::no_boundary;                                                        // GB6
  }
  if ((before == gb::lv || before == gb::v) && (after == gb::v || after == gb::t)) return pair_rule::no_boundary;  // GB7
  if ((before == gb::lvt || before == gb::t) && after == gb::t) return pair_rule::no_boundary;                    // GB8
  if (after == gb::extend || after == gb::zwj) return pair_rule::no_boundary;             // GB9
  if (after == gb::spacing_mark) return pair_rule::no_boundary;                           // GB9a
  if (before == gb::prepend) return pair_rule::no_boundary;                               // GB9b
  return pair_rule::context;
}

// One load instead of a chain of comparisons on every code point; the table is 256 bytes,
// computed by the compiler from rule_for above.
constexpr std::size_t break_values = table::break_mask + 1;
constexpr auto pair_rules = [] {
  std::array<pair_rule, break_values * break_values> rules{};
  for (std::size_t before = 0; before < break_values; ++before) {
    for (std::size_t after = 0; after < break_values; ++after) {
      rules[before * break_values + after] = rule_for(static_cast<gb>(before), static_cast<gb>(after));
    }
  }
  return rules;
}();

decoded_code_point decode(std::string_view text, std::size_t position) noexcept {
  const auto byte = static_cast<unsigned char>(text[position]);
  if (byte < 0x80) return {byte, 1, 1};
  return decode_utf8(text, position);
}

}  // namespace

bool grapheme_boundaries::breaks_before(char32_t c) noexcept {
  return breaks_before_properties(properties_of(c));
}

bool grapheme_boundaries::breaks_before_properties(std::uint8_t next) noexcept {
  const pair_rule rule = pair_rules[(previous_ & table::break_mask) * break_values + (next & table::break_mask)];
  bool boundary = rule == pair_rule::boundary;
  if (rule == pair_rule::context) {
    const bool joined =
        (conjunct_ == 2 && conjunct_value(next) == indic_conjunct_break::consonant) ||         // GB9c
        (pictographic_ == 2 && is_pictographic(next)) ||                                      // GB11
        (odd_regional_indicators_ && break_value(next) == gb::regional_indicator);            // GB12, GB13
    boundary = !joined;                                                                       // GB999
  }
  take(next);
  return boundary;
}

// The left-hand contexts of GB9c, GB11 and GB12/13 are regular languages over the text
// read so far; these small automata track them, so no rule ever looks back.
void grapheme_boundaries::take(std::uint8_t properties) noexcept {
  const gb value = break_value(properties);
  if (is_pictographic(properties)) {
    pictographic_ = 1;
  } else if (pictographic_ == 1 && value == gb::zwj) {
    pictographic_ = 2;
  } else if (!(pictographic_ == 1 && value == gb::extend)) {
    pictographic_ = 0;
  }

  const indic_conjunct_break conjunct = conjunct_value(properties);
  if (conjunct == indic_conjunct_break::consonant) {
    conjunct_ = 1;
  } else if (conjunct_ != 0 && conjunct == indic_conjunct_break::linker) {
    conjunct_ = 2;
  } else if (conjunct != indic_conjunct_break::extend) {
    conjunct_ = 0;
  }

  odd_regional_indicators_ = value == gb::regional_indicator && !odd_regional_indicators_;
  previous_ = properties;
}

grapheme_extent grapheme_cursor::next() noexcept {
  const std::size_t size = text_.size();
  if (position_ >= size) return {0, 0};
  const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());

  // ASCII followed by ASCII (or the end): no rule joins two ASCII characters except GB3
  // (CR LF), so most of English text never reaches the tables.
  if (bytes[position_] < 0x80 && (position_ + 1 == size || bytes[position_ + 1] < 0x80)) {
    const std::size_t length = bytes[position_] == '\r' && position_ + 1 < size && bytes[position_ + 1] == '\n' ? 2 : 1;
    position_ += length;
    lookahead_ready_ = false;
    return {length, static_cast<std::uint32_t>(length)};
  }

  decoded_code_point step = lookahead_ready_ ? lookahead_ : decode(text_, position_);
  const std::uint8_t first = lookahead_ready_ ? lookahead_properties_ : properties_of(step.value);
  lookahead_ready_ = false;
  // Every cluster starts afresh: a boundary is never inside the context that GB9c, GB11 or
  // GB12/13 look back on (a run of Regional_Indicators breaks only after an even count), so
  // the automata need nothing from before it.
  grapheme_boundaries rules;
  rules.breaks_before_properties(first);
  grapheme_extent extent{step.byte_length, step.utf16_length};
  while (position_ + extent.byte_length < size) {
    step = decode(text_, position_ + extent.byte_length);
    const std::uint8_t properties = properties_of(step.value);
    if (rules.breaks_before_properties(properties)) {
      lookahead_ = step;
      lookahead_properties_ = properties;
      lookahead_ready_ = true;
      break;
    }
    extent.byte_length += step.byte_length;
    extent.utf16_length += step.utf16_length;
  }
  position_ += extent.byte_length;
  return extent;
}

grapheme_extent next_grapheme_cluster(std::string_view text, std::size_t position) noexcept {
  return grapheme_cursor(text.substr(position)).next();
}

}  // namespace trickle
