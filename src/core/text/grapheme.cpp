#include "core/text/grapheme.hpp"

#include "core/text/unicode.hpp"
#include "core/text/unicode_tables.hpp"
#include "core/text/utf8.hpp"

namespace trickle {
namespace {

using gb = grapheme_break;
namespace table = unicode_data::grapheme;

std::uint8_t properties_of(char32_t c) noexcept {
  return c <= 0x10FFFF ? table::lookup(c) : 0;
}

gb break_value(std::uint8_t properties) noexcept { return static_cast<gb>(properties & table::break_mask); }

indic_conjunct_break conjunct_value(std::uint8_t properties) noexcept {
  return static_cast<indic_conjunct_break>(properties >> table::conjunct_shift);
}

bool is_pictographic(std::uint8_t properties) noexcept { return (properties & table::pictographic_bit) != 0; }

bool is_control_like(gb value) noexcept { return value == gb::control || value == gb::cr || value == gb::lf; }

}  // namespace

bool grapheme_boundaries::breaks_before(char32_t c) noexcept {
  return breaks_before_properties(properties_of(c));
}

bool grapheme_boundaries::breaks_before_properties(std::uint8_t next) noexcept {
  if (!started_) {  // GB1
    started_ = true;
    take(next);
    return true;
  }
  const gb before = break_value(previous_);
  const gb after = break_value(next);
  bool boundary = true;  // GB999 unless a rule below says otherwise
  if (before == gb::cr && after == gb::lf) {
    boundary = false;  // GB3
  } else if (is_control_like(before) || is_control_like(after)) {
    boundary = true;  // GB4, GB5
  } else if (before == gb::l && (after == gb::l || after == gb::v || after == gb::lv || after == gb::lvt)) {
    boundary = false;  // GB6
  } else if ((before == gb::lv || before == gb::v) && (after == gb::v || after == gb::t)) {
    boundary = false;  // GB7
  } else if ((before == gb::lvt || before == gb::t) && after == gb::t) {
    boundary = false;  // GB8
  } else if (after == gb::extend || after == gb::zwj || after == gb::spacing_mark) {
    boundary = false;  // GB9, GB9a
  } else if (before == gb::prepend) {
    boundary = false;  // GB9b
  } else if (conjunct_ == 2 && conjunct_value(next) == indic_conjunct_break::consonant) {
    boundary = false;  // GB9c
  } else if (pictographic_ == 2 && is_pictographic(next)) {
    boundary = false;  // GB11
  } else if (before == gb::regional_indicator && after == gb::regional_indicator && odd_regional_indicators_) {
    boundary = false;  // GB12, GB13
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

grapheme_extent next_grapheme_cluster(std::string_view text, std::size_t position) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  // ASCII followed by ASCII (or the end): no rule joins two ASCII characters except GB3
  // (CR LF), so most of English text never reaches the tables.
  const unsigned char first = bytes[position];
  if (first < 0x80) {
    if (position + 1 == size) return {1, 1};
    const unsigned char second = bytes[position + 1];
    if (second < 0x80) {
      if (first == '\r' && second == '\n') return {2, 2};
      return {1, 1};
    }
  }

  // Every cluster starts afresh: a boundary is never inside the context that GB9c, GB11 or
  // GB12/13 look back on (a run of Regional_Indicators breaks only after an even count), so
  // the automata need nothing from before it.
  grapheme_boundaries rules;
  decoded_code_point step = decode_utf8(text, position);
  rules.breaks_before_properties(properties_of(step.value));
  grapheme_extent extent{step.byte_length, step.utf16_length};
  while (position + extent.byte_length < size) {
    step = decode_utf8(text, position + extent.byte_length);
    if (rules.breaks_before_properties(properties_of(step.value))) break;
    extent.byte_length += step.byte_length;
    extent.utf16_length += step.utf16_length;
  }
  return extent;
}

}  // namespace trickle
