#include <catch2/catch.hpp>

#include "core/text/utf8.hpp"
#include "core/wire/json.hpp"
#include "wire/json_reader.hpp"
#include "wire/wire_support.hpp"

#include <string>

using namespace trickle;
using namespace trickle::wire;

namespace {

std::string escaped(std::string_view text) {
  std::string out;
  append_json_escaped(out, text);
  return out;
}

}  // namespace

TEST_CASE("every control character is escaped, the common ones in their short form") {
  for (int c = 0; c < 0x20; ++c) {
    std::string expected;
    switch (c) {
      case '\b': expected = "\\b"; break;
      case '\f': expected = "\\f"; break;
      case '\n': expected = "\\n"; break;
      case '\r': expected = "\\r"; break;
      case '\t': expected = "\\t"; break;
      default: {
        const char* hex = "0123456789abcdef";
        expected = std::string("\\u00") + hex[c >> 4] + hex[c & 15];
      }
    }
    INFO("control character " << c);
    CHECK(escaped(std::string(1, static_cast<char>(c))) == expected);
  }
  CHECK(escaped(std::string("a\0b", 3)) == "a\\u0000b");
}

TEST_CASE("quotes and backslashes are escaped; slash, DEL and other ASCII are not") {
  CHECK(escaped("say \"hi\"") == "say \\\"hi\\\"");
  CHECK(escaped("C:\\dir\\") == "C:\\\\dir\\\\");
  CHECK(escaped("a/b\x7f~") == "a/b\x7f~");
  CHECK(escaped("") == "");
  std::string quoted;
  append_json_string(quoted, "x\"y");
  CHECK(quoted == "\"x\\\"y\"");
}

TEST_CASE("U+2028 and U+2029 are escaped, other characters pass through as UTF-8") {
  CHECK(escaped("a\u2028b\u2029c") == "a\\u2028b\\u2029c");
  // Neighbours of U+2028 in the same UTF-8 lead and second byte stay raw.
  CHECK(escaped("\u2027\u202a") == "\u2027\u202a");
  CHECK(escaped("你好 é 😀 𝄞 \U0010FFFF") == "你好 é 😀 𝄞 \U0010FFFF");
}

TEST_CASE("ill-formed UTF-8 becomes U+FFFD once per maximal ill-formed subsequence, as TextDecoder does") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(escaped("\xff") == fffd);
  CHECK(escaped("a\xe4\xbd") == "a" + fffd);              // truncated at the end
  CHECK(escaped("\xe4\xbdx") == fffd + "x");               // truncated by an ASCII byte
  CHECK(escaped("\xed\xa0\x80") == fffd + fffd + fffd);   // an encoded surrogate
  CHECK(escaped("\xf4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // past U+10FFFF
  CHECK(escaped("\xc0\xaf") == fffd + fffd);              // overlong
  CHECK(escaped("\xe0\x80\x80") == fffd + fffd + fffd);   // overlong
  CHECK(escaped("\xf0\x9f\x98") == fffd);                 // a truncated emoji
  CHECK(escaped("\x80\x80") == fffd + fffd);              // lone continuation bytes
  CHECK(escaped("\xe2\x80") == fffd);                     // the start of U+2028, cut
  CHECK(escaped("\"\xff\\") == "\\\"" + fffd + "\\\\");
}

TEST_CASE("escaped random bytes always parse as a JSON string equal to the TextDecoder reading") {
  wire_test::prng next(2024);
  for (int round = 0; round < 2000; ++round) {
    const std::string bytes = wire_test::random_bytes(next, next.below(40));
    std::string json;
    append_json_string(json, bytes);
    INFO("round " << round);
    CHECK(wire_test::parse_json(json).str() == wire_test::text_decoder(bytes));
  }
}

TEST_CASE("pieces cut anywhere, even inside a character, join into the TextDecoder reading") {
  const std::string text = "a😀b你\xe4\xbd" "c\xff\u2028" "e\xcc\x81\xf0\x9f";
  const std::string whole = escaped(text);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    // Two pieces, [0, cut) and [cut, end), written as the encoders write them.
    std::string out;
    const std::size_t stop = code_point_boundary_at_or_after(text, 0, cut);
    CHECK(stop >= cut);
    append_json_escaped(out, std::string_view(text).substr(0, stop));
    const std::size_t end = code_point_boundary_at_or_after(text, stop, text.size());
    CHECK(end == text.size());
    append_json_escaped(out, std::string_view(text).substr(stop));
    INFO("cut at byte " << cut);
    CHECK(out == whole);
  }
  // Every byte a piece of its own.
  std::string out;
  std::size_t written = 0;
  for (std::size_t end = 1; end <= text.size(); ++end) {
    if (end <= written) continue;
    const std::size_t stop = code_point_boundary_at_or_after(text, written, end);
    append_json_escaped(out, std::string_view(text).substr(written, stop - written));
    written = stop;
  }
  CHECK(out == whole);
}

TEST_CASE("a cut inside a character moves to the character's end, never before the cut") {
  const std::string emoji = "😀";  // F0 9F 98 80
  CHECK(code_point_boundary_at_or_after(emoji, 0, 0) == 0);
  CHECK(code_point_boundary_at_or_after(emoji, 0, 1) == 4);
  CHECK(code_point_boundary_at_or_after(emoji, 0, 3) == 4);
  CHECK(code_point_boundary_at_or_after(emoji, 0, 4) == 4);
  CHECK(code_point_boundary_at_or_after("ab", 0, 1) == 1);
  // An ill-formed run ends where TextDecoder's replacement ends.
  CHECK(code_point_boundary_at_or_after("\xe4\xbdx", 0, 1) == 2);
  CHECK(code_point_boundary_at_or_after("\xff\xfe", 0, 1) == 1);
}

TEST_CASE("tool arguments are checked to be one JSON object") {
  for (const char* good : {"{}", " {\"a\":1} ", "{\"a\":[1,-2.5e3,true,false,null,{\"b\":\"c\"}]}",
                           "{\"s\":\"\\u00e9\\n\\\"\\/\"}", "{\"你\":\"😀\"}", "{\n  \"x\": 0\n}"}) {
    INFO(good);
    CHECK(is_json_object(good));
  }
  for (const char* bad : {"", "[]", "\"s\"", "1", "{", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{\"a\":01}",
                          "{\"a\":1}x", "{\"a\":\"\x01\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
                          "{\"a\":\"\xff\"}", "{\"a\":tru}", "{\"a\":-}", "{\"a\":1.}", "{} {}"}) {
    INFO(bad);
    CHECK_FALSE(is_json_object(bad));
  }
  // Deep nesting is refused rather than recursed into without bound.
  std::string deep = "{\"a\":";
  for (int i = 0; i < 100000; ++i) deep += '[';
  CHECK_FALSE(is_json_object(deep));
  std::string fine = "{\"a\":" + std::string(200, '[') + std::string(200, ']') + "}";
  CHECK(is_json_object(fine));
}

TEST_CASE("embedded arguments are written on one line, their strings untouched") {
  std::string out;
  append_json_compact(out, "{\n  \"a b\": \"x\\\" \\n y\",\r\n\t\"c\": [1, 2]\n}");
  CHECK(out == "{\"a b\":\"x\\\" \\n y\",\"c\":[1,2]}");
  out.clear();
  append_json_compact(out, "{\"q\":\"\\\\\",\"r\":\" \"}");
  CHECK(out == "{\"q\":\"\\\\\",\"r\":\" \"}");
}

TEST_CASE("times are written as RFC 3339 in UTC") {
  const auto date = [](std::int64_t seconds) {
    std::string out;
    append_rfc3339(out, seconds);
    return out;
  };
  CHECK(date(0) == "1970-01-01T00:00:00Z");
  CHECK(date(951782400) == "2000-02-29T00:00:00Z");
  CHECK(date(1700000000) == "2023-11-14T22:13:20Z");
  CHECK(date(-1) == "1969-12-31T23:59:59Z");
  CHECK(date(4102444800) == "2100-01-01T00:00:00Z");
  CHECK(date(253402300799) == "9999-12-31T23:59:59Z");
  CHECK(date(-62135596800) == "0001-01-01T00:00:00Z");
}

TEST_CASE("every time an int64 holds is written, the extremes included, without overflow") {
  // Beyond RFC 3339's four-digit years the year is written in full, signed. The extremes
  // once overflowed while the time of day was worked out (days * 86400 below INT64_MIN).
  const auto date = [](std::int64_t seconds) {
    std::string out;
    append_rfc3339(out, seconds);
    return out;
  };
  CHECK(date(INT64_MIN) == "-292277022657-01-27T08:29:52Z");
  CHECK(date(INT64_MIN + 1) == "-292277022657-01-27T08:29:53Z");
  CHECK(date(INT64_MAX) == "292277026596-12-04T15:30:07Z");
  CHECK(date(-62135596801) == "0000-12-31T23:59:59Z");
}

TEST_CASE("integers are written in full") {
  std::string out;
  append_integer(out, 0);
  out += ' ';
  append_integer(out, -42);
  out += ' ';
  append_integer(out, INT64_MAX);
  CHECK(out == "0 -42 9223372036854775807");
}
