// Fuzzes the GPT tokenizer (core/tokens/): both vocabularies, loaded once from the assets the
// build writes (TRICKLE_TOKEN_ASSET_DIR), encode any bytes.
//
// The input's first byte picks the options (special tokens allowed or not) and how the rest
// is read: as the text itself, or as a recipe for a text made of what the patterns and
// merges care about (contractions, digit runs, runs of spaces and line breaks, letters of
// several scripts and cases, marks, emoji, special tokens' text, stray bytes).
//
// For each vocabulary:
//   - well_formed(text) is what TextDecoder makes of the bytes (reference_utf8.hpp);
//   - decode(encode(text)) == well_formed(text), and count(text) == encode(text).size();
//   - every id is a mergeable rank, or a special token's id where the text spells one and
//     special tokens are allowed; none without;
//   - a chunk_reader over the ids covers the text end to end with chunks of whole
//     characters (on the reference's unit boundaries), their UTF-16 positions the
//     reference's, their tokens consecutive, at least one each, summing to the total, and
//     each chunk's tokens decode to exactly its characters;
//   - the same ids against the text with one byte changed: the reader fails, unless the ids
//     happen to spell that text too;
//   - decode() refuses an id that is no token, says where, and leaves the output as it was;
//   - for short inputs, the ids are those of byte-pair merging done slowly, as the rule
//     says, on each piece of the pre-tokenization (whose pieces must tile the text), with
//     special tokens cut out first when they are allowed.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokens/encoder.hpp"
#include "core/tokens/pretokenize.hpp"
#include "core/tokens/vocabulary.hpp"
#include "fuzz_support.hpp"
#include "reference_utf8.hpp"
#include "tokens/reference_merge.hpp"

namespace trickle::fuzzing {
namespace {

using namespace trickle::tokens;
using ids = std::vector<std::uint32_t>;

struct loaded {
  std::vector<std::uint8_t> asset;  // the vocabulary reads it in place: kept alive here
  std::unique_ptr<vocabulary> vocabulary_;
  std::unique_ptr<encoder> encoder_;
};

loaded load(const char* name) {
  loaded out;
  const std::string path = std::string(TRICKLE_TOKEN_ASSET_DIR) + "/" + name + ".bpe";
  std::ifstream file(path, std::ios::binary);
  out.asset.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  if (out.asset.empty()) {
    std::fprintf(stderr, "tokens harness: cannot read %s (build the trickle_token_assets target)\n", path.c_str());
    std::abort();
  }
  std::string error;
  out.vocabulary_ = vocabulary::load(out.asset, error);
  if (!out.vocabulary_) {
    std::fprintf(stderr, "tokens harness: %s does not load: %s\n", path.c_str(), error.c_str());
    std::abort();
  }
  // One encoder per vocabulary for the whole run: its scratch buffers are reused from one
  // input to the next, as in a long-lived module.
  out.encoder_ = std::make_unique<encoder>(*out.vocabulary_);
  return out;
}

std::vector<loaded>& vocabularies() {
  static std::vector<loaded> all = [] {
    std::vector<loaded> v;
    v.push_back(load("cl100k_base"));
    v.push_back(load("o200k_base"));
    return v;
  }();
  return all;
}

// Pieces of text the patterns and the merges treat specially.
const char* const recipe_pieces[] = {
    "'s", "'T", "'ll", "'VE", "'re", "'d", "'m", "’s", "\u017f", "1", "12", "1234", "٣", "Ⅻ", "½", " ", "  ", "   ",
    "\t", "\n", "\r\n", "\n\n", "\u00a0", "\u3000", "\u2028", "\u0085", "\uFEFF", "hello", "Hello", "HELLO", "ǅ",
    "ʰ", "中文", "한국어", "日本語です", "Ελληνικά", "русский", "العربية", "हिन्दी", "e\u0301", "\u0301", "😀", "👍🏽",
    "\U0001F468\u200D\U0001F469", "🇫🇷", "!", "?!", "...", "/", "//", "-->", "{\"a\":", "<|endoftext|>", "<|endofprompt|>",
    "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endoftext", "<|", "|>", "\xff", "\xe4\xbd", "\x80",
    "\xf0\x9f\x98", "\xed\xa0\x80", "\xef\xbf\xbd",
};

std::string made_text(std::string_view recipe) {
  std::string text;
  for (unsigned char b : recipe) {
    if (b < 0xE0) {
      text += recipe_pieces[b % std::size(recipe_pieces)];
    } else {
      text += static_cast<char>('a' + (b & 0x0F));  // plain letters glue words together
    }
  }
  return text;
}

// The slow reference merge (tests/core/tokens/reference_merge.hpp); every part must be a token.
void reference_merge(const vocabulary& v, std::string_view piece, ids& out) {
  for (const std::string& part : trickle::testing::reference_merge_parts(v, piece)) {
    const std::uint32_t r = v.rank_of(reinterpret_cast<const std::uint8_t*>(part.data()), part.size());
    FUZZ_CHECK(r != no_token, "reference merge: a part %s that is no token", hex(part).c_str());
    out.push_back(r);
  }
}

// Ordinary text (no special token cut out): pre-tokenized by the library's patterns, each
// piece merged slowly. The pieces must tile the text.
bool reference_ordinary(const vocabulary& v, std::string_view text, ids& out) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = piece_end(v, bytes, text.size(), start);
    FUZZ_CHECK(end > start && end <= text.size(), "piece_end(%zu) is %zu in a text of %zu bytes", start, end,
               text.size());
    if (end - start > 64) return false;  // too slow for the reference: not compared
    reference_merge(v, text.substr(start, end - start), out);
    start = end;
  }
  return true;
}

// The ids the rules give: with special tokens allowed, each occurrence (the leftmost first)
// is its id and the text between is encoded on its own.
bool reference_encode(const vocabulary& v, std::string_view text, bool allow_special, ids& out) {
  while (allow_special) {
    std::size_t found = std::string_view::npos;
    const special_token* which = nullptr;
    for (const special_token& special : v.special_tokens()) {
      const std::size_t at = text.find(special.text);
      if (at < found) {
        found = at;
        which = &special;
      }
    }
    if (which == nullptr) break;
    if (!reference_ordinary(v, text.substr(0, found), out)) return false;
    out.push_back(which->id);
    text.remove_prefix(found + which->text.size());
  }
  return reference_ordinary(v, text, out);
}

bool is_special(const vocabulary& v, std::uint32_t id) {
  for (const special_token& special : v.special_tokens()) {
    if (special.id == id) return true;
  }
  return false;
}

void check_vocabulary(loaded& l, std::string_view text, bool allow_special, std::size_t mutate_at) {
  const vocabulary& v = *l.vocabulary_;
  encoder& e = *l.encoder_;
  const char* name = v.name().data();
  const encode_options options{.allow_special = allow_special};

  const std::string want_well_formed = reference_text_decoder(text);
  const std::string well_formed(e.well_formed(text));
  FUZZ_CHECK(well_formed == want_well_formed, "%s: well_formed(%s) is %s, want %s", name, hex(text).c_str(),
             hex(well_formed).c_str(), hex(want_well_formed).c_str());

  ids got;
  e.encode(text, got, options);
  const std::size_t counted = e.count(text, options);
  FUZZ_CHECK(counted == got.size(), "%s: count is %zu, encode gives %zu ids for %s", name, counted, got.size(),
             hex(text).c_str());
  bool spells_special = false;
  for (const special_token& special : v.special_tokens()) spells_special |= well_formed.find(special.text) != std::string::npos;
  for (std::uint32_t id : got) {
    const bool special = is_special(v, id);
    FUZZ_CHECK(id < v.mergeable_count() || (special && allow_special && spells_special),
               "%s: id %u in the encoding of %s (special tokens %s)", name, id, hex(text).c_str(),
               allow_special ? "allowed" : "not allowed");
  }
  std::string decoded = "kept";
  FUZZ_CHECK(e.decode(got, decoded), "%s: decode refuses the ids encode gave for %s", name, hex(text).c_str());
  FUZZ_CHECK(std::string_view(decoded).substr(4) == well_formed, "%s: decode(encode(%s)) is %s", name,
             hex(text).c_str(), hex(std::string_view(decoded).substr(4)).c_str());

  // Chunks of whole characters.
  const std::vector<unit> units = reference_decode(text);
  std::vector<bool> starts_unit(text.size() + 1, false);
  std::vector<std::uint32_t> utf16_at(text.size() + 1, 0);
  {
    std::uint32_t utf16 = 0;
    for (const unit& u : units) {
      starts_unit[u.begin] = true;
      utf16_at[u.begin] = utf16;
      utf16 += u.utf16();
    }
    starts_unit[text.size()] = true;
    utf16_at[text.size()] = utf16;
  }
  chunk_reader reader(v, text, got);
  token_chunk chunk;
  std::size_t position = 0;
  std::uint32_t next_token = 0;
  while (reader.next(chunk)) {
    FUZZ_CHECK(chunk.text.data() == text.data() + position && !chunk.text.empty(),
               "%s: a chunk at byte %zu is not the text that follows the previous one", name, position);
    const std::size_t end = position + chunk.text.size();
    FUZZ_CHECK(starts_unit[end], "%s: a chunk ends at byte %zu, inside a character of %s", name, end,
               hex(text).c_str());
    FUZZ_CHECK(chunk.utf16_begin == utf16_at[position] && chunk.utf16_end == utf16_at[end],
               "%s: chunk at UTF-16 %u..%u, want %u..%u", name, chunk.utf16_begin, chunk.utf16_end, utf16_at[position],
               utf16_at[end]);
    FUZZ_CHECK(chunk.first_token == next_token && chunk.token_count >= 1 &&
                   chunk.first_token + chunk.token_count <= got.size(),
               "%s: chunk tokens %u+%u after %u of %zu", name, chunk.first_token, chunk.token_count, next_token,
               got.size());
    std::string chunk_bytes;
    FUZZ_CHECK(e.decode(std::span<const std::uint32_t>(got).subspan(chunk.first_token, chunk.token_count), chunk_bytes),
               "%s: a chunk's tokens do not decode", name);
    FUZZ_CHECK(chunk_bytes == reference_text_decoder(chunk.text), "%s: the chunk %s decodes to %s", name,
               hex(chunk.text).c_str(), hex(chunk_bytes).c_str());
    position = end;
    next_token += chunk.token_count;
  }
  FUZZ_CHECK(!reader.failed() && position == text.size() && next_token == got.size(),
             "%s: the chunks stop at byte %zu of %zu, token %u of %zu (failed: %d) for %s", name, position,
             text.size(), next_token, got.size(), reader.failed(), hex(text).c_str());

  // The same ids against another text: the reader notices, unless they spell it too.
  if (!text.empty()) {
    std::string other(text);
    other[mutate_at % other.size()] ^= static_cast<char>(1 + (mutate_at >> 8) % 255);
    chunk_reader wrong(v, other, got);
    while (wrong.next(chunk)) {
    }
    const bool spells_other = well_formed == reference_text_decoder(other);
    FUZZ_CHECK(wrong.failed() != spells_other, "%s: the ids of %s against %s: the reader %s", name, hex(text).c_str(),
               hex(other).c_str(), wrong.failed() ? "failed" : "did not fail");
  }

  // An id that is no token.
  ids with_bad = got;
  const std::size_t bad_at = mutate_at % (got.size() + 1);
  with_bad.insert(with_bad.begin() + static_cast<std::ptrdiff_t>(bad_at), v.mergeable_count() + 1000);
  std::string untouched = "kept";
  std::size_t reported = ~std::size_t{0};
  FUZZ_CHECK(!e.decode(with_bad, untouched, &reported) && untouched == "kept" && reported == bad_at,
             "%s: decode of a bad id at %zu: reported %zu, output %s", name, bad_at, reported, hex(untouched).c_str());

  // The slow reference, for short inputs.
  if (well_formed.size() <= 256) {
    ids want;
    if (reference_encode(v, well_formed, allow_special, want)) {
      FUZZ_CHECK(got == want, "%s: %zu ids for %s differ from the slow merge's %zu (first difference at %zu)", name,
                 got.size(), hex(text).c_str(), want.size(),
                 static_cast<std::size_t>(std::mismatch(got.begin(), got.end(), want.begin(), want.end()).first - got.begin()));
    }
  }
}

}  // namespace
}  // namespace trickle::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trickle::fuzzing;
  if (size == 0) {
    for (loaded& l : vocabularies()) check_vocabulary(l, "", false, 0);
    return 0;
  }
  const std::uint8_t how = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string text = (how & 1) ? made_text(rest) : std::string(rest);
  const bool allow_special = (how & 2) != 0;
  const std::size_t mutate_at = static_cast<std::size_t>(how) * 2654435761u + size;
  for (loaded& l : vocabularies()) check_vocabulary(l, text, allow_special, mutate_at);
  return 0;
}
