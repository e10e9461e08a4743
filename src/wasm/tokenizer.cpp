// The tokenizer as its own wasm module, trickle-tokenizer.wasm, apart from trickle-wasm.wasm:
// the default module stays as small as it is, and a page that never asks for tokens never
// downloads this one or its vocabularies (0.4-1 MB gzipped each). JS instantiates it on first
// use with WebAssembly.instantiate (src/js/tokens/tokenizer.mjs): no Embind and no Emscripten
// glue, a handful of plain C functions, built without exceptions (there is nothing to
// catch: bad input is reported by return values), so the module is a few tens of KB.
//
// Protocol (all sizes in bytes unless said, all integers little-endian u32/i32):
//   tk_alloc(size) / tk_free(p)         memory for the caller's inputs (asset, text, ids)
//   tk_load(asset, size) -> handle      takes the asset buffer (from tk_alloc) whatever
//                                       happens; -1 and tk_error() if it is no asset
//   tk_unload(handle)
//   tk_encode(handle, text, size, flags) -> id count, ids at tk_result()
//   tk_count(handle, text, size, flags)  -> id count
//   tk_chunks(handle, text, size, flags) -> chunk count k; tk_result() holds k pairs
//                                       (utf16_end, token_count), then the ids
//   tk_decode(handle, ids, count) -> byte count, the bytes at tk_result(); -1 and
//                                       tk_error() for an id that is no token
//   tk_result(), tk_result_words()      the last result, valid until the next call
//   tk_error()                          the last error, NUL-terminated UTF-8
//   tk_name(handle), tk_pattern(handle), tk_token_count(handle)
// flags: bit 0 allows special tokens. A handle that is not loaded gives -1.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/tokens/encoder.hpp"

using namespace trickle::tokens;

namespace {

struct loaded {
  std::uint8_t* asset;  // from tk_alloc, freed with the vocabulary
  std::unique_ptr<vocabulary> words;
  std::unique_ptr<encoder> coder;
  std::string name;  // NUL-terminated copy for tk_name
  ~loaded() { std::free(asset); }
};

std::vector<std::unique_ptr<loaded>> handles;
std::vector<std::uint32_t> result;
std::vector<std::uint32_t> chunk_ids;  // tk_chunks' working copy, kept to be reused
std::string last_error;

loaded* find(int handle) {
  if (handle < 0 || static_cast<std::size_t>(handle) >= handles.size() || !handles[handle]) {
    last_error = "no tokenizer has handle " + std::to_string(handle);
    return nullptr;
  }
  return handles[handle].get();
}

std::string_view text_of(const std::uint8_t* text, std::size_t size) {
  return {reinterpret_cast<const char*>(text), size};
}

encode_options options_of(int flags) { return {.allow_special = (flags & 1) != 0}; }

}  // namespace

extern "C" {

__attribute__((export_name("tk_alloc"))) void* tk_alloc(std::size_t size) { return std::malloc(size == 0 ? 1 : size); }

__attribute__((export_name("tk_free"))) void tk_free(void* pointer) { std::free(pointer); }

__attribute__((export_name("tk_error"))) const char* tk_error() { return last_error.c_str(); }

__attribute__((export_name("tk_result"))) const std::uint32_t* tk_result() { return result.data(); }

__attribute__((export_name("tk_result_words"))) std::size_t tk_result_words() { return result.size(); }

__attribute__((export_name("tk_load"))) int tk_load(std::uint8_t* asset, std::size_t size) {
  auto entry = std::make_unique<loaded>();
  entry->asset = asset;
  entry->words = vocabulary::load({asset, size}, last_error);
  if (!entry->words) return -1;  // the asset is freed with the entry
  entry->coder = std::make_unique<encoder>(*entry->words);
  entry->name = std::string(entry->words->name());
  for (std::size_t i = 0; i < handles.size(); ++i) {
    if (!handles[i]) {
      handles[i] = std::move(entry);
      return static_cast<int>(i);
    }
  }
  handles.push_back(std::move(entry));
  return static_cast<int>(handles.size() - 1);
}

__attribute__((export_name("tk_unload"))) void tk_unload(int handle) {
  if (find(handle) != nullptr) handles[handle].reset();
}

__attribute__((export_name("tk_name"))) const char* tk_name(int handle) {
  const loaded* entry = find(handle);
  return entry != nullptr ? entry->name.c_str() : "";
}

__attribute__((export_name("tk_pattern"))) int tk_pattern(int handle) {
  const loaded* entry = find(handle);
  return entry != nullptr ? static_cast<int>(entry->words->pattern()) : -1;
}

__attribute__((export_name("tk_token_count"))) int tk_token_count(int handle) {
  const loaded* entry = find(handle);
  return entry != nullptr ? static_cast<int>(entry->words->mergeable_count()) : -1;
}

__attribute__((export_name("tk_encode"))) int tk_encode(int handle, const std::uint8_t* text, std::size_t size, int flags) {
  loaded* entry = find(handle);
  if (entry == nullptr) return -1;
  result.clear();
  entry->coder->encode(text_of(text, size), result, options_of(flags));
  return static_cast<int>(result.size());
}

__attribute__((export_name("tk_count"))) int tk_count(int handle, const std::uint8_t* text, std::size_t size, int flags) {
  loaded* entry = find(handle);
  if (entry == nullptr) return -1;
  return static_cast<int>(entry->coder->count(text_of(text, size), options_of(flags)));
}

__attribute__((export_name("tk_chunks"))) int tk_chunks(int handle, const std::uint8_t* text, std::size_t size, int flags) {
  loaded* entry = find(handle);
  if (entry == nullptr) return -1;
  std::vector<std::uint32_t>& ids = chunk_ids;
  ids.clear();
  entry->coder->encode(text_of(text, size), ids, options_of(flags));
  result.clear();
  chunk_reader reader{*entry->words, text_of(text, size), ids};
  token_chunk chunk;
  while (reader.next(chunk)) {
    result.push_back(chunk.utf16_end);
    result.push_back(chunk.token_count);
  }
  if (reader.failed()) {  // cannot happen for ids the encoder just made from this text
    last_error = "the tokens do not cover the text";
    return -1;
  }
  const int chunks = static_cast<int>(result.size() / 2);
  result.insert(result.end(), ids.begin(), ids.end());
  return chunks;
}

__attribute__((export_name("tk_decode"))) int tk_decode(int handle, const std::uint32_t* ids, std::size_t count) {
  loaded* entry = find(handle);
  if (entry == nullptr) return -1;
  std::string bytes;
  std::size_t bad = 0;
  if (!entry->coder->decode({ids, count}, bytes, &bad)) {
    last_error = "token " + std::to_string(ids[bad]) + " (at index " + std::to_string(bad) + ") is not in " + entry->name;
    return -1;
  }
  // The bytes go out through the u32 result buffer, padded to whole words.
  result.assign((bytes.size() + 3) / 4, 0);
  if (!bytes.empty()) std::memcpy(result.data(), bytes.data(), bytes.size());
  return static_cast<int>(bytes.size());
}

}  // extern "C"
