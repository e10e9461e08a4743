// trickle.pieces()'s cutter: the same pieces as the split itself, in batches of any size.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/bridge/piece_spans.hpp"

using namespace trickle;

namespace {

using spans = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

spans by_split(std::string_view text, split_mode mode) {
  spans out;
  for (const piece& p : split(text, mode)) out.emplace_back(p.utf16_begin, p.utf16_end);
  return out;
}

spans in_batches(bridge::piece_spans& cutter, std::string_view text, split_mode mode, int capacity) {
  cutter.begin(text, mode);
  spans out;
  std::vector<std::uint32_t> pairs(2 * static_cast<std::size_t>(capacity) + 2, 0xdeadbeef);
  for (;;) {
    const int n = cutter.next(pairs.data(), capacity);
    REQUIRE(n >= 0);
    REQUIRE(n <= capacity);
    // Nothing is written past the batch.
    CHECK(pairs[2 * static_cast<std::size_t>(capacity)] == 0xdeadbeef);
    for (int i = 0; i < n; ++i) out.emplace_back(pairs[2 * i], pairs[2 * i + 1]);
    if (n < capacity) break;
  }
  CHECK(cutter.next(pairs.data(), capacity) == 0);  // done stays done
  return out;
}

}  // namespace

TEST_CASE("piece_spans gives the split's pieces as UTF-16 spans, whatever the batch size") {
  const std::string text =
      "Hello,  world \xe4\xbd\xa0\xe5\xa5\xbd\xe3\x80\x80\xe4\xb8\x96\xe7\x95\x8c "
      "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 e\xcc\x81\r\n\xff end ";
  bridge::piece_spans cutter;
  for (split_mode mode : {split_mode::whitespace, split_mode::space, split_mode::character, split_mode::grapheme}) {
    const spans expected = by_split(text, mode);
    REQUIRE(expected.size() > 4);
    for (int capacity : {1, 2, 3, static_cast<int>(expected.size()), static_cast<int>(expected.size()) + 1, 4096}) {
      CAPTURE(static_cast<int>(mode), capacity);
      CHECK(in_batches(cutter, text, mode, capacity) == expected);
    }
  }
}

TEST_CASE("piece_spans: an empty text has no pieces, and begin() starts over on a new text") {
  bridge::piece_spans cutter;
  std::uint32_t pairs[8] = {};
  CHECK(cutter.next(pairs, 4) == 0);  // nothing begun
  cutter.begin("", split_mode::grapheme);
  CHECK(cutter.next(pairs, 4) == 0);
  cutter.begin("a b c d e", split_mode::whitespace);
  REQUIRE(cutter.next(pairs, 2) == 2);  // "a", "b"; the rest is forgotten below
  cutter.begin("xy", split_mode::character);
  REQUIRE(cutter.next(pairs, 4) == 2);
  CHECK(pairs[0] == 0);
  CHECK(pairs[1] == 1);
  CHECK(pairs[2] == 1);
  CHECK(pairs[3] == 2);
  CHECK(cutter.next(pairs, 4) == 0);
}
