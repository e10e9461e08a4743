// The native tokenizer as a process, for tests/js/tokens.test.mjs (which compares its
// answers with gpt-tokenizer's in the same run) and for rough speed measurements.
//
//   token_harness <asset.bpe> encode|encode-special|count|pieces|chunks
//       reads texts from stdin, each as a u32 (little-endian) byte length and its bytes;
//       writes for each a u32 count and that many u32: the ids (encode), the one count
//       (count), each piece's end offset in bytes (pieces), or utf16_end and token_count
//       per chunk (chunks)
//   token_harness <asset.bpe> bench <file> [seconds]
//       encodes the file again and again and prints MiB/s, and the load time of the asset
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "core/tokens/encoder.hpp"
#include "core/tokens/pretokenize.hpp"

using namespace trickle::tokens;

namespace {

std::vector<std::uint8_t> read_file(const char* path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::cerr << "token_harness: cannot read " << path << "\n";
    std::exit(2);
  }
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

bool read_text(std::string& text) {
  std::uint8_t size_bytes[4];
  if (std::fread(size_bytes, 1, 4, stdin) != 4) return false;
  const std::uint32_t size = size_bytes[0] | (size_bytes[1] << 8) | (size_bytes[2] << 16) | (std::uint32_t{size_bytes[3]} << 24);
  text.resize(size);
  if (size != 0 && std::fread(text.data(), 1, size, stdin) != size) {
    std::cerr << "token_harness: input ends inside a text\n";
    std::exit(2);
  }
  return true;
}

void write_words(const std::vector<std::uint32_t>& words) {
  const auto count = static_cast<std::uint32_t>(words.size());
  std::fwrite(&count, 4, 1, stdout);  // the machines this runs on are little-endian
  if (!words.empty()) std::fwrite(words.data(), 4, words.size(), stdout);
}

int bench(const vocabulary& v, const char* path, double seconds) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  const std::string text(bytes.begin(), bytes.end());
  encoder e{v};
  std::vector<std::uint32_t> ids;
  e.encode(text, ids);  // warm up (and size the scratch)
  // CPU time, not wall time: the machines this runs on are shared, and a process that is
  // not scheduled should not count as slow.
  const std::clock_t start = std::clock();
  std::size_t rounds = 0;
  double elapsed = 0;
  do {
    ids.clear();
    e.encode(text, ids);
    ++rounds;
    elapsed = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  } while (elapsed < seconds);
  std::printf("%s: %zu bytes, %zu tokens, %.1f MiB/s of CPU time (%zu rounds)\n", std::string(v.name()).c_str(), text.size(),
              ids.size(), static_cast<double>(text.size()) * static_cast<double>(rounds) / elapsed / (1024.0 * 1024.0),
              rounds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: token_harness <asset.bpe> encode|encode-special|count|pieces|chunks | bench <file> [seconds]\n";
    return 2;
  }
  const std::vector<std::uint8_t> asset = read_file(argv[1]);
  std::string error;
  const auto load_start = std::chrono::steady_clock::now();
  const std::unique_ptr<vocabulary> v = vocabulary::load(asset, error);
  const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - load_start).count();
  if (v == nullptr) {
    std::cerr << "token_harness: " << error << "\n";
    return 1;
  }
  const std::string command = argv[2];
  if (command == "bench") {
    if (argc < 4) return 2;
    std::printf("loaded %s in %.2f ms (index %zu bytes)\n", std::string(v->name()).c_str(), load_ms, v->index_bytes());
    return bench(*v, argv[3], argc > 4 ? std::atof(argv[4]) : 2.0);
  }
  encoder e{*v};
  std::string text;
  std::vector<std::uint32_t> words;
  while (read_text(text)) {
    words.clear();
    if (command == "encode" || command == "encode-special") {
      e.encode(text, words, {.allow_special = command == "encode-special"});
    } else if (command == "count") {
      words.push_back(static_cast<std::uint32_t>(e.count(text)));
    } else if (command == "pieces") {
      const std::string_view valid = e.well_formed(text);
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(valid.data());
      for (std::size_t start = 0; start < valid.size();) {
        start = piece_end(*v, bytes, valid.size(), start);
        words.push_back(static_cast<std::uint32_t>(start));
      }
    } else if (command == "chunks") {
      std::vector<std::uint32_t> ids;
      e.encode(text, ids);
      chunk_reader reader{*v, text, ids};
      token_chunk chunk;
      while (reader.next(chunk)) {
        words.push_back(chunk.utf16_end);
        words.push_back(chunk.token_count);
      }
      if (reader.failed()) {
        std::cerr << "token_harness: the chunks do not cover the text\n";
        return 1;
      }
    } else {
      std::cerr << "token_harness: unknown command " << command << "\n";
      return 2;
    }
    write_words(words);
  }
  return 0;
}
