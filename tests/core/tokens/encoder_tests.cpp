#include <catch2/catch.hpp>

#include "core/text/utf8.hpp"
#include "core/tokens/encoder.hpp"
#include "core/tokens/pretokenize.hpp"
#include "tokens/assets.hpp"
#include "tokens/reference_merge.hpp"
#include "tokens/token_vectors.hpp"
#include "utf8_support.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace trickle;
using namespace trickle::tokens;
using trickle::testing::token_vocabulary;

namespace {

using ids = std::vector<std::uint32_t>;

// mulberry32: the same sequence on every compiler and standard library.
class prng {
 public:
  explicit prng(std::uint32_t seed) : state_(seed) {}
  std::uint32_t next() {
    state_ += 0x6D2B79F5u;
    std::uint32_t t = state_;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return t ^ (t >> 14);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : next() % n; }

 private:
  std::uint32_t state_;
};

using trickle::testing::append_utf8;

// Random valid UTF-8 drawn from ranges where the patterns and merges have work to do.
std::string random_text(prng& random, std::size_t code_points) {
  static const std::pair<char32_t, char32_t> ranges[] = {
      {0x20, 0x7E},     {0x20, 0x7E},     {0x20, 0x7E},    {'a', 'z'},       {'\t', '\r'},
      {0xA0, 0x17F},    {0x300, 0x36F},   {0x370, 0x3FF},  {0x400, 0x4FF},   {0x600, 0x6FF},
      {0x900, 0x97F},   {0xE00, 0xE7F},   {0x1100, 0x11FF}, {0x2000, 0x206F}, {0x3000, 0x30FF},
      {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0xFE00, 0xFEFF}, {0x1F300, 0x1FAFF}, {0x10000, 0x10FFFF},
  };
  std::string text;
  for (std::size_t i = 0; i < code_points; ++i) {
    const auto& [low, high] = ranges[random.below(std::size(ranges))];
    char32_t c = low + static_cast<char32_t>(random.below(high - low + 1));
    if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;  // surrogates are not text
    append_utf8(text, c);
  }
  return text;
}

// The slow reference merge's parts, as ids: the encoder's two merge paths must agree with it.
ids reference_merge(const vocabulary& v, std::string_view piece) {
  ids out;
  for (const std::string& part : trickle::testing::reference_merge_parts(v, piece)) {
    out.push_back(v.rank_of(reinterpret_cast<const std::uint8_t*>(part.data()), part.size()));
  }
  return out;
}

ids encode(const char* name, std::string_view text, encode_options options = {}) {
  encoder e{token_vocabulary(name)};
  ids out;
  e.encode(text, out, options);
  return out;
}

std::string decode(const char* name, const ids& tokens) {
  encoder e{token_vocabulary(name)};
  std::string out;
  REQUIRE(e.decode(tokens, out));
  return out;
}

}  // namespace

TEST_CASE("the assets hold the vocabularies tiktoken publishes", "[tokens]") {
  const vocabulary& cl100k = token_vocabulary("cl100k_base");
  CHECK(cl100k.name() == "cl100k_base");
  CHECK(cl100k.pattern() == pattern::cl100k_base);
  CHECK(cl100k.mergeable_count() == 100256);
  CHECK(cl100k.special_tokens().size() == 5);
  const vocabulary& o200k = token_vocabulary("o200k_base");
  CHECK(o200k.name() == "o200k_base");
  CHECK(o200k.pattern() == pattern::o200k_base);
  CHECK(o200k.mergeable_count() == 199998);
  CHECK(o200k.special_tokens().size() == 2);
  // Every rank maps back to its bytes through the index.
  for (const vocabulary* v : {&cl100k, &o200k}) {
    std::size_t wrong = 0;
    for (std::uint32_t r = 0; r < v->mergeable_count(); ++r) {
      const auto bytes = v->token_bytes(r);
      if (v->rank_of(bytes.data(), bytes.size()) != r) ++wrong;
    }
    CHECK(wrong == 0);
  }
}

TEST_CASE("gpt-tokenizer's test vectors encode to its ids and decode back", "[tokens]") {
  using trickle::testing::token_vectors;
  REQUIRE(trickle::testing::token_vector_count >= 100);
  std::size_t checked = 0;
  for (std::size_t i = 0; i < trickle::testing::token_vector_count; ++i) {
    const auto& vector = token_vectors[i];
    const std::string_view text{vector.text, vector.text_size};
    const ids expected(vector.ids, vector.ids + vector.id_count);
    INFO(vector.encoding << ": " << text);
    encoder e{token_vocabulary(vector.encoding)};
    ids got;
    e.encode(text, got);
    CHECK(got == expected);
    CHECK(e.count(text) == expected.size());
    std::string back;
    CHECK(e.decode(got, back));
    CHECK(back == text);
    ++checked;
  }
  CHECK(checked == trickle::testing::token_vector_count);
}

TEST_CASE("a word that is one token is one id, and the single bytes are the first 256 ranks' bytes", "[tokens]") {
  for (const char* name : {"cl100k_base", "o200k_base"}) {
    const vocabulary& v = token_vocabulary(name);
    const ids hello = encode(name, " hello");
    REQUIRE(hello.size() == 1);
    CHECK(decode(name, hello) == " hello");
    for (unsigned b = 0; b < 256; ++b) CHECK(v.token_bytes(v.rank_of_byte(static_cast<std::uint8_t>(b))).size() == 1);
  }
}

TEST_CASE("empty text has no tokens", "[tokens]") {
  CHECK(encode("cl100k_base", "").empty());
  CHECK(encode("o200k_base", "", {.allow_special = true}).empty());
}

TEST_CASE("both merge paths give the ids of the merge rule, short pieces and long ones", "[tokens]") {
  prng random{20240611};
  for (const char* name : {"cl100k_base", "o200k_base"}) {
    const vocabulary& v = token_vocabulary(name);
    encoder e{v};
    // Texts that are one piece: lower-case letters (up to 400 bytes), Han and Hangul runs
    // (Lo, which both patterns keep together; up to 600 bytes), long runs of one space.
    for (int round = 0; round < 300; ++round) {
      std::string text;
      const std::size_t length = 2 + random.below(200);
      const int kind = round % 3;
      for (std::size_t i = 0; i < length; ++i) {
        if (kind == 0) text += static_cast<char>('a' + random.below(26));
        else if (kind == 1) append_utf8(text, 0x4E00 + static_cast<char32_t>(random.below(0x5000)));
        else append_utf8(text, 0xAC00 + static_cast<char32_t>(random.below(0x2BA4)));
      }
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
      REQUIRE(piece_end(v, bytes, text.size(), 0) == text.size());
      ids got;
      e.encode(text, got);
      INFO(name << " kind " << kind << ", " << text.size() << " bytes");
      CHECK(got == reference_merge(v, text));
    }
    const std::string spaces(700, ' ');
    CHECK(encode(name, spaces + "x").size() == e.count(spaces + "x"));
    CHECK(decode(name, encode(name, spaces)) == spaces);
  }
}

TEST_CASE("random text: each piece's ids follow the merge rule, count agrees, and decoding gives the text back", "[tokens]") {
  prng random{7};
  for (const char* name : {"cl100k_base", "o200k_base"}) {
    const vocabulary& v = token_vocabulary(name);
    encoder e{v};
    for (int round = 0; round < 400; ++round) {
      const std::string text = random_text(random, 1 + random.below(120));
      INFO(name << " round " << round);
      ids got;
      e.encode(text, got);
      CHECK(e.count(text) == got.size());
      std::string back;
      REQUIRE(e.decode(got, back));
      CHECK(back == text);
      // The same ids, piece by piece, from the slow merge.
      ids expected;
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
      for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = piece_end(v, bytes, text.size(), start);
        for (std::uint32_t id : reference_merge(v, std::string_view{text}.substr(start, end - start))) expected.push_back(id);
        start = end;
      }
      CHECK(got == expected);
    }
  }
}

TEST_CASE("ill-formed UTF-8 is encoded as U+FFFD, as TextDecoder would show it", "[tokens]") {
  for (const char* name : {"cl100k_base", "o200k_base"}) {
    // FF, a truncated 3-byte sequence, an encoded surrogate, an overlong '/'.
    const std::string bad = "ok \xff x\xe4\xbd y\xed\xa0\x80 \xc0\xaf";
    const std::string shown = "ok \xef\xbf\xbd x\xef\xbf\xbd y\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd";
    CHECK(encode(name, bad) == encode(name, shown));
    CHECK(decode(name, encode(name, bad)) == shown);
    // A U+FFFD written as such is text like any other.
    encoder e{token_vocabulary(name)};
    CHECK(e.well_formed(shown).data() == shown.data());
  }
  // Random bytes: never a crash, and always the encoding of the TextDecoder reading.
  prng random{99};
  encoder e{token_vocabulary("o200k_base")};
  for (int round = 0; round < 300; ++round) {
    std::string bytes;
    const std::size_t length = random.below(60);
    for (std::size_t i = 0; i < length; ++i) bytes += static_cast<char>(random.below(256));
    std::string reading;
    for (std::size_t i = 0; i < bytes.size();) {
      const decoded_code_point step = decode_utf8(bytes, i);
      append_utf8(reading, step.value);
      i += step.byte_length;
    }
    ids got;
    e.encode(bytes, got);
    CHECK(got == encode("o200k_base", reading));
    CHECK(decode("o200k_base", got) == reading);
  }
}

TEST_CASE("special tokens are plain text unless allowed", "[tokens]") {
  for (const char* name : {"cl100k_base", "o200k_base"}) {
    const vocabulary& v = token_vocabulary(name);
    std::uint32_t end_of_text = no_token;
    for (const special_token& s : v.special_tokens()) {
      if (s.text == "<|endoftext|>") end_of_text = s.id;
    }
    REQUIRE(end_of_text != no_token);
    const std::string text = "hello<|endoftext|> world  <|endoftext|><|endoftext|>";
    const ids plain = encode(name, text);
    CHECK(std::find(plain.begin(), plain.end(), end_of_text) == plain.end());
    CHECK(decode(name, plain) == text);

    const ids special = encode(name, text, {.allow_special = true});
    CHECK(std::count(special.begin(), special.end(), end_of_text) == 3);
    CHECK(decode(name, special) == text);
    // The text between special tokens is encoded on its own: "hello" then " world  ",
    // whose trailing spaces are at the end of their part ($ for cl100k_base).
    ids expected = encode(name, "hello");
    expected.push_back(end_of_text);
    for (std::uint32_t id : encode(name, " world  ")) expected.push_back(id);
    expected.push_back(end_of_text);
    expected.push_back(end_of_text);
    CHECK(special == expected);
    encoder e{v};
    CHECK(e.count(text, {.allow_special = true}) == special.size());
  }
  // tiktoken's ids.
  CHECK(encode("cl100k_base", "<|endoftext|>", {.allow_special = true}) == ids{100257});
  CHECK(encode("cl100k_base", "<|endofprompt|>", {.allow_special = true}) == ids{100276});
  CHECK(encode("o200k_base", "<|endoftext|>", {.allow_special = true}) == ids{199999});
  CHECK(encode("o200k_base", "<|endofprompt|>", {.allow_special = true}) == ids{200018});
  // A broken one is text.
  CHECK(encode("o200k_base", "<|endoftext|", {.allow_special = true}) == encode("o200k_base", "<|endoftext|"));
}

TEST_CASE("decoding an id that is no token fails and says where", "[tokens]") {
  encoder e{token_vocabulary("cl100k_base")};
  std::string out = "kept";
  std::size_t bad = 0;
  const ids tokens{15339, 100256, 1917};  // 100256 is neither a rank nor a special token
  CHECK_FALSE(e.decode(tokens, out, &bad));
  CHECK(bad == 1);
  CHECK(out == "kept");
  CHECK_FALSE(e.decode(ids{0xFFFFFFFFu}, out));
  CHECK(e.decode(ids{100257}, out));
  CHECK(out == "kept<|endoftext|>");
}

TEST_CASE("chunks are whole characters: a token that ends inside one waits for the next", "[tokens]") {
  for (const char* name : {"cl100k_base", "o200k_base"}) {
    const vocabulary& v = token_vocabulary(name);
    // Emoji with ZWJ, a flag, a skin tone: several tokens, some ending mid-character.
    const std::string text = "hi \U0001F469\u200D\U0001F4BB \U0001F1EB\U0001F1F7 \U0001F44D\U0001F3FD!";
    const ids tokens = encode(name, text);
    chunk_reader reader{v, text, tokens};
    token_chunk chunk;
    std::string joined;
    std::uint32_t utf16 = 0;
    std::uint32_t next_token = 0;
    std::size_t chunks = 0;
    while (reader.next(chunk)) {
      ++chunks;
      CHECK(chunk.first_token == next_token);
      CHECK(chunk.token_count >= 1);
      CHECK(chunk.utf16_begin == utf16);
      CHECK(chunk.utf16_end == utf16 + utf16_length(chunk.text));
      // Whole characters: the chunk's text is exactly its tokens' bytes.
      std::string bytes;
      REQUIRE(encoder{v}.decode(std::span{tokens}.subspan(chunk.first_token, chunk.token_count), bytes));
      CHECK(bytes == chunk.text);
      joined += chunk.text;
      utf16 = chunk.utf16_end;
      next_token += chunk.token_count;
    }
    CHECK_FALSE(reader.failed());
    CHECK(joined == text);
    CHECK(next_token == tokens.size());
    CHECK(utf16 == utf16_length(text));
    CHECK(chunks < tokens.size());  // some tokens were cut mid-character and merged
  }
}

TEST_CASE("chunks over random and ill-formed text cover it, and the ids of another text fail", "[tokens]") {
  prng random{31337};
  const vocabulary& v = token_vocabulary("cl100k_base");
  encoder e{v};
  for (int round = 0; round < 200; ++round) {
    std::string text = random_text(random, 1 + random.below(50));
    if (round % 4 == 0) text.insert(random.below(text.size() + 1), 1, static_cast<char>(0x80 + random.below(0x80)));
    ids tokens;
    e.encode(text, tokens, {.allow_special = true});
    chunk_reader reader{v, text, tokens};
    token_chunk chunk;
    std::string joined;
    std::uint32_t counted = 0;
    while (reader.next(chunk)) {
      joined += chunk.text;
      counted += chunk.token_count;
    }
    INFO("round " << round);
    CHECK_FALSE(reader.failed());
    CHECK(joined == text);
    CHECK(counted == tokens.size());
  }
  // The ids of other text, too few ids, too many: the walk stops and says so.
  const ids hello = encode("cl100k_base", "hello world");
  for (const std::string_view other : {"hello there", "hello", "hello world!"}) {
    chunk_reader reader{v, other, hello};
    token_chunk chunk;
    while (reader.next(chunk)) {
    }
    CHECK(reader.failed());
  }
}
