#include <catch2/catch.hpp>

#include "core/text/grapheme.hpp"
#include "core/text/split.hpp"
#include "core/text/unicode.hpp"
#include "core/text/utf8.hpp"
#include "text/grapheme_conformance.hpp"
#include "utf8_support.hpp"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

using namespace trickle;

namespace {

using strings = std::vector<std::string>;

std::vector<std::string> clusters(std::string_view text) {
  std::vector<std::string> out;
  for (const piece& p : split(text, split_mode::grapheme)) out.emplace_back(p.text);
  return out;
}

using trickle::testing::append_utf8;

// One step of a text as the splitter sees it: a code point (U+FFFD for an ill-formed
// subsequence) and where its bytes and UTF-16 units lie.
struct character {
  char32_t value;
  std::size_t byte_begin, byte_end;
  std::uint32_t utf16_begin, utf16_end;
};

std::vector<character> characters_of(std::string_view text) {
  std::vector<character> out;
  std::uint32_t units = 0;
  for (std::size_t i = 0; i < text.size();) {
    const decoded_code_point step = decode_utf8(text, i);
    out.push_back({step.value, i, i + step.byte_length, units, units + step.utf16_length});
    i += step.byte_length;
    units += step.utf16_length;
  }
  return out;
}

// UAX #29 read literally, each rule looking back over the text as the standard writes it.
// The splitter tracks the same contexts with small automata instead; this is the check
// that the two readings agree.
bool reference_boundary(const std::vector<char32_t>& text, std::size_t i) {
  using gb = grapheme_break;
  using incb = indic_conjunct_break;
  const auto gcb = [&](std::size_t k) { return grapheme_break_property(text[k]); };
  const auto conjunct = [&](std::size_t k) { return indic_conjunct_break_property(text[k]); };
  const auto control_like = [](gb v) { return v == gb::control || v == gb::cr || v == gb::lf; };
  if (i == 0 || i == text.size()) return true;  // GB1, GB2
  const gb before = gcb(i - 1);
  const gb after = gcb(i);
  if (before == gb::cr && after == gb::lf) return false;                 // GB3
  if (control_like(before) || control_like(after)) return true;          // GB4, GB5
  if (before == gb::l && (after == gb::l || after == gb::v || after == gb::lv || after == gb::lvt)) return false;
  if ((before == gb::lv || before == gb::v) && (after == gb::v || after == gb::t)) return false;
  if ((before == gb::lvt || before == gb::t) && after == gb::t) return false;
  if (after == gb::extend || after == gb::zwj) return false;             // GB9
  if (after == gb::spacing_mark) return false;                           // GB9a
  if (before == gb::prepend) return false;                               // GB9b
  if (conjunct(i) == incb::consonant) {                                  // GB9c
    std::size_t k = i;
    bool linked = false;
    while (k > 0 && (conjunct(k - 1) == incb::extend || conjunct(k - 1) == incb::linker)) {
      linked = linked || conjunct(k - 1) == incb::linker;
      --k;
    }
    if (linked && k > 0 && conjunct(k - 1) == incb::consonant) return false;
  }
  if (before == gb::zwj && is_extended_pictographic(text[i])) {          // GB11
    std::size_t k = i - 1;
    while (k > 0 && gcb(k - 1) == gb::extend) --k;
    if (k > 0 && is_extended_pictographic(text[k - 1])) return false;
  }
  if (before == gb::regional_indicator && after == gb::regional_indicator) {  // GB12, GB13
    std::size_t run = 0;
    for (std::size_t k = i; k > 0 && gcb(k - 1) == gb::regional_indicator; --k) ++run;
    if (run % 2 == 1) return false;
  }
  return true;  // GB999
}

// The pieces the reference gives, as [begin, end) in UTF-16 units and the bytes between.
std::vector<piece> reference_pieces(std::string_view text) {
  const std::vector<character> chars = characters_of(text);
  std::vector<char32_t> values;
  for (const character& c : chars) values.push_back(c.value);
  std::vector<piece> out;
  std::size_t start = 0;
  for (std::size_t i = 1; i <= chars.size(); ++i) {
    if (!reference_boundary(values, i)) continue;
    const std::size_t byte_begin = chars[start].byte_begin;
    out.push_back({text.substr(byte_begin, chars[i - 1].byte_end - byte_begin), chars[start].utf16_begin,
                   chars[i - 1].utf16_end});
    start = i;
  }
  return out;
}

std::vector<piece> splitter_pieces(std::string_view text) {
  std::vector<piece> out;
  for (const piece& p : split(text, split_mode::grapheme)) out.push_back(p);
  return out;
}

bool same_pieces(const std::vector<piece>& a, const std::vector<piece>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].text != b[i].text || a[i].utf16_begin != b[i].utf16_begin || a[i].utf16_end != b[i].utf16_end) {
      return false;
    }
  }
  return true;
}

std::string hex_bytes(std::string_view text) {
  std::string out;
  char buffer[4];
  for (unsigned char byte : text) {
    std::snprintf(buffer, sizeof buffer, "%02X ", byte);
    out += buffer;
  }
  return out;
}

// One line of GraphemeBreakTest: the code points and, before each, whether a boundary is
// there ("÷") or not ("×"); the final marker is the end of text.
struct conformance_case {
  std::vector<char32_t> code_points;
  std::vector<bool> boundary_before;  // one per code point, then one for the end
};

conformance_case parse_conformance_line(std::string_view line) {
  conformance_case out;
  const std::string_view boundary = "\xC3\xB7";  // ÷
  const std::string_view no_boundary = "\xC3\x97";  // ×
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ') {
      ++i;
    } else if (line.substr(i, 2) == boundary || line.substr(i, 2) == no_boundary) {
      out.boundary_before.push_back(line.substr(i, 2) == boundary);
      i += 2;
    } else {
      std::size_t end = i;
      while (end < line.size() && line[end] != ' ') ++end;
      out.code_points.push_back(static_cast<char32_t>(std::stoul(std::string(line.substr(i, end - i)), nullptr, 16)));
      i = end;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every GraphemeBreakTest line that holds in Unicode 17.0 splits exactly as the file says") {
  using namespace trickle::testing;
  REQUIRE(grapheme_conformance_line_count >= 1000);  // an empty or truncated data set fails
  CHECK(grapheme_conformance_line_count + grapheme_conformance_skipped_count == grapheme_conformance_source_line_count);
  std::size_t checked = 0;
  for (std::size_t n = 0; n < grapheme_conformance_line_count; ++n) {
    const std::string_view line = grapheme_conformance_lines[n];
    INFO("GraphemeBreakTest: " << line);
    const conformance_case expected = parse_conformance_line(line);
    REQUIRE(expected.code_points.size() + 1 == expected.boundary_before.size());
    REQUIRE(expected.boundary_before.front());
    REQUIRE(expected.boundary_before.back());

    // Through UTF-8, as the stream sees text: the pieces and their UTF-16 positions.
    std::string text;
    std::vector<std::size_t> byte_ends;
    std::vector<std::uint32_t> unit_ends;
    std::uint32_t units = 0;
    for (char32_t c : expected.code_points) {
      append_utf8(text, c);
      units += c >= 0x10000 ? 2 : 1;
      byte_ends.push_back(text.size());
      unit_ends.push_back(units);
    }
    std::vector<piece> wanted;
    std::size_t byte_begin = 0;
    std::uint32_t unit_begin = 0;
    for (std::size_t i = 0; i < expected.code_points.size(); ++i) {
      if (!expected.boundary_before[i + 1]) continue;
      wanted.push_back({std::string_view(text).substr(byte_begin, byte_ends[i] - byte_begin), unit_begin, unit_ends[i]});
      byte_begin = byte_ends[i];
      unit_begin = unit_ends[i];
    }
    CHECK(same_pieces(splitter_pieces(text), wanted));

    // Code point by code point, through the rules' own interface.
    grapheme_boundaries rules;
    for (std::size_t i = 0; i < expected.code_points.size(); ++i) {
      CHECK(rules.breaks_before(expected.code_points[i]) == expected.boundary_before[i]);
    }
    ++checked;
  }
  CHECK(checked == grapheme_conformance_line_count);
  std::printf("grapheme conformance: %zu of %zu GraphemeBreakTest lines checked, %zu left out:\n", checked,
              grapheme_conformance_source_line_count, grapheme_conformance_skipped_count);
  for (std::size_t n = 0; n < grapheme_conformance_skipped_count; ++n) {
    std::printf("  %s  (%s)\n", grapheme_conformance_skipped[n].line, grapheme_conformance_skipped[n].reason);
  }
}

TEST_CASE("the conformance lines left out are the ones Unicode 17.0 changed: U+2701 is no longer pictographic") {
  // Unicode 17.0 took Extended_Pictographic away from 672 old symbols without the Emoji
  // property, U+2701 UPPER BLADE SCISSORS among them, so GB11 no longer joins it after a
  // ZWJ. Node 20's Intl.Segmenter (ICU 78) splits both lines as below.
  CHECK_FALSE(is_extended_pictographic(0x2701));
  CHECK(is_extended_pictographic(0x2702));  // SCISSORS has the Emoji property and keeps it
  CHECK(clusters("\u2701\u200D\u2701") == strings{"\u2701\u200D", "\u2701"});
  CHECK(clusters("a\u200D\u2701") == strings{"a\u200D", "\u2701"});
  CHECK(clusters("\u2702\u200D\u2702") == strings{"\u2702\u200D\u2702"});
}

TEST_CASE("a family emoji ZWJ sequence is one piece") {
  const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466";
  CHECK(clusters("hi " + family + "!") == strings{"h", "i", " ", family, "!"});
  // A ZWJ after something that is not pictographic joins nothing after it (GB11 fails).
  CHECK(clusters("a\u200D\U0001F466") == strings{"a\u200D", "\U0001F466"});
  // Extend characters (here VARIATION SELECTOR-16) may stand between the emoji and the ZWJ.
  CHECK(clusters("\u2764\uFE0F\u200D\U0001F525") == strings{"\u2764\uFE0F\u200D\U0001F525"});
}

TEST_CASE("regional indicator flags pair up, and an odd one is left alone") {
  const std::string france = "\U0001F1EB\U0001F1F7", germany = "\U0001F1E9\U0001F1EA", lone_u = "\U0001F1FA";
  CHECK(clusters(france + germany + lone_u) == strings{france, germany, lone_u});
  // Pairing restarts after anything else: the count is of the run, not of the text.
  CHECK(clusters(lone_u + "x" + france) == strings{lone_u, "x", france});
  // A tag sequence (the flag of Scotland) is one piece: TAG characters are Extend.
  const std::string scotland = "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F";
  CHECK(clusters(scotland + "a") == strings{scotland, "a"});
}

TEST_CASE("a skin tone modifier stays with its emoji") {
  CHECK(clusters("\U0001F44D\U0001F3FD\U0001F44B\U0001F3FF") == strings{"\U0001F44D\U0001F3FD", "\U0001F44B\U0001F3FF"});
  // A keycap: digit, VARIATION SELECTOR-16, COMBINING ENCLOSING KEYCAP.
  CHECK(clusters("1\uFE0F\u20E32") == strings{"1\uFE0F\u20E3", "2"});
}

TEST_CASE("combining marks stay with the character before them") {
  CHECK(clusters("e\u0301\u0302x") == strings{"e\u0301\u0302", "x"});
  // At the very start there is nothing to attach to: the mark is a piece of its own.
  CHECK(clusters("\u0301a") == strings{"\u0301", "a"});
  // Spacing marks join too (GB9a): Devanagari KA + VOWEL SIGN I, Thai SARA AM.
  CHECK(clusters("\u0915\u093F\u0E01\u0E33") == strings{"\u0915\u093F", "\u0E01\u0E33"});
  // A prepended mark joins what follows it (GB9b): ARABIC NUMBER SIGN + a digit.
  CHECK(clusters("\u0600\u0661\u0662") == strings{"\u0600\u0661", "\u0662"});
}

TEST_CASE("Indic conjuncts stay together, including the scripts Unicode 17.0 added to GB9c") {
  // Devanagari KSSA with VOWEL SIGN I: KA, VIRAMA, SSA, I.
  CHECK(clusters("\u0915\u094D\u0937\u093F") == strings{"\u0915\u094D\u0937\u093F"});
  // A ZWJ (InCB=Extend) may sit next to the virama.
  CHECK(clusters("\u0915\u094D\u200D\u0937") == strings{"\u0915\u094D\u200D\u0937"});
  // Without a linker, two consonants are two clusters.
  CHECK(clusters("\u0915\u0937") == strings{"\u0915", "\u0937"});
  // Khmer KA, COENG, MO and Myanmar KA, VIRAMA, KHA: one cluster each since 17.0 (Intl.Segmenter
  // in Node 20 agrees); Unicode 16.0 split them after the linker.
  CHECK(clusters("\u1780\u17D2\u1798\u17B6") == strings{"\u1780\u17D2\u1798\u17B6"});
  CHECK(clusters("\u1000\u1039\u1001") == strings{"\u1000\u1039\u1001"});
}

TEST_CASE("Hangul jamo compose syllables, and precomposed syllables are one piece each") {
  CHECK(clusters("\u1100\u1161\u11A8") == strings{"\u1100\u1161\u11A8"});   // L V T
  CHECK(clusters("\uAC00\u11A8\u11A8") == strings{"\uAC00\u11A8\u11A8"});   // LV T T
  CHECK(clusters("\uAC01\u1161") == strings{"\uAC01", "\u1161"});           // LVT then V
  CHECK(clusters("\uD55C\uAD6D\uC5B4") == strings{"\uD55C", "\uAD6D", "\uC5B4"});  // 한국어
}

TEST_CASE("CR LF is one piece; other control characters are always alone") {
  CHECK(clusters("a\r\nb") == strings{"a", "\r\n", "b"});
  CHECK(clusters("\n\r") == strings{"\n", "\r"});
  CHECK(clusters("\r\n\n") == strings{"\r\n", "\n"});
  // A mark after a control character does not join it (GB4).
  CHECK(clusters("\r\u0301") == strings{"\r", "\u0301"});
  CHECK(clusters("\t\u0301") == strings{"\t", "\u0301"});
}

TEST_CASE("grapheme mode keeps whitespace and gives no pieces for empty text") {
  CHECK(clusters("a b\u3000c") == strings{"a", " ", "b", "\u3000", "c"});
  CHECK(clusters("你好").size() == 2);
  CHECK(clusters("").empty());
}

TEST_CASE("grapheme pieces carry their position in UTF-16 code units") {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;
  for (const piece& p : split("a\U0001F44D\U0001F3FDe\u0301", split_mode::grapheme)) {
    spans.emplace_back(p.utf16_begin, p.utf16_end);
  }
  // "a" | thumbs up + skin tone, two surrogate pairs | "e" + COMBINING ACUTE ACCENT
  CHECK(spans == std::vector<std::pair<std::uint32_t, std::uint32_t>>{{0, 1}, {1, 5}, {5, 7}});
}

TEST_CASE("invalid UTF-8 counts as U+FFFD: its own piece unless marks follow, one UTF-16 unit") {
  CHECK(clusters("\xff\xfe") == strings{"\xff", "\xfe"});
  // A combining mark after an ill-formed byte stays with it, as it would after the U+FFFD
  // that JS shows in its place.
  CHECK(clusters("\xff\u0301x") == strings{"\xff\u0301", "x"});
  // A truncated sequence is one character; nothing is read past the end of the text.
  const std::string text = "a\xf0\x9f";
  CHECK(clusters(std::string_view(text.data(), text.size())) == strings{"a", "\xf0\x9f"});
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;
  for (const piece& p : split("\xe4\xbd\xff\u0301", split_mode::grapheme)) spans.emplace_back(p.utf16_begin, p.utf16_end);
  CHECK(spans == std::vector<std::pair<std::uint32_t, std::uint32_t>>{{0, 1}, {1, 3}});
}

TEST_CASE("random text of every grapheme class splits as UAX #29 read literally says") {
  // Two code points or more of every value the rules distinguish, and a few plain ones.
  const char32_t pool[] = {
      U'a', U' ', U'\r', U'\n', 0x01, 0x7F, 0xAD,        // Other, CR, LF, Control (SOFT HYPHEN)
      0x0300, 0x0308, 0x200C, 0xFE0F, 0x1F3FD, 0xE0020,  // Extend (InCB Extend or none)
      0x200D,                                            // ZWJ
      0x1F1E6, 0x1F1E7, 0x1F1FA,                         // Regional_Indicator
      0x0600, 0x110BD,                                   // Prepend
      0x0903, 0x0E33,                                    // SpacingMark
      0x1100, 0xA960, 0x1161, 0xD7B0, 0x11A8, 0xD7CB,    // L, V, T
      0xAC00, 0xAC01,                                    // LV, LVT
      0x0915, 0x0937, 0x1780, 0x1798,                    // InCB Consonant
      0x094D, 0x17D2, 0x1039,                            // InCB Linker
      0x1F600, 0x00A9, 0x2702, 0x1FFFD, 0x2701,          // Extended_Pictographic, and U+2701 no more
      0x4E2D, 0xFFFD, 0x10FFFF,
  };
  std::mt19937 random(20251129);  // a fixed seed: the same texts on every run
  std::uniform_int_distribution<std::size_t> pick(0, std::size(pool) - 1);
  std::uniform_int_distribution<int> length(0, 12);
  std::uniform_int_distribution<char32_t> any(0, 0x10FFFF);
  int checked = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int n = length(random);
    for (int i = 0; i < n; ++i) {
      char32_t c = pool[pick(random)];
      if (pick(random) == 0) {
        c = any(random);
        if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;  // not encodable in UTF-8
      }
      append_utf8(text, c);
    }
    INFO("text bytes: " << hex_bytes(text));
    const std::vector<piece> got = splitter_pieces(text);
    REQUIRE(same_pieces(got, reference_pieces(text)));
    ++checked;
  }
  CHECK(checked == 20000);
}

TEST_CASE("random bytes, valid or not, reassemble into the text with consistent UTF-16 positions") {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> length(0, 24);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> kind(0, 3);
  const char* fragments[] = {"\xcc\x81", "\xe2\x80\x8d", "\xf0\x9f\x91\x8d", "\xf0\x9f\x87\xab", "\r\n", "\xe0\xa5\x8d"};
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int n = length(random);
    for (int i = 0; i < n; ++i) {
      // Raw bytes (often ill-formed), and whole sequences that the rules care about.
      if (kind(random) == 0) text += fragments[static_cast<std::size_t>(byte(random)) % std::size(fragments)];
      else text += static_cast<char>(byte(random));
    }
    INFO("text bytes: " << hex_bytes(text));
    std::string joined;
    std::uint32_t units = 0;
    bool consistent = true;
    for (const piece& p : split(text, split_mode::grapheme)) {
      const grapheme_extent alone = next_grapheme_cluster(text, joined.size());  // without the cursor's look-ahead
      consistent = consistent && !p.text.empty() && p.utf16_begin == units &&
                   p.utf16_end == units + utf16_length(p.text) &&
                   p.text.data() == text.data() + joined.size() &&  // a view into the text, in order
                   alone.byte_length == p.text.size() && alone.utf16_length == p.utf16_end - p.utf16_begin;
      joined += p.text;
      units = p.utf16_end;
    }
    REQUIRE(consistent);
    REQUIRE(joined == text);
    REQUIRE(units == utf16_length(text));
    REQUIRE(same_pieces(splitter_pieces(text), reference_pieces(text)));
  }
}
