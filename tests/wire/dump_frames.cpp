// dump_frames: prints what trickle's wire encoders write for an answer, so that the node
// tests can feed the bytes to the official client libraries.
//
//   dump_frames <format> stream [--split words|characters] [--cut N] [--fail-after N STATUS]
//   dump_frames <format> body
//   dump_frames <format> error STATUS [MESSAGE]
//
// The answer is read as JSON from stdin (not for `error`):
//   {"text", "reasoning", "tool_calls":[{"id","name","arguments"}], "finish":
//    "stop"|"length"|"tool_calls", "model", "id", "created", "input_tokens",
//    "output_tokens", "reasoning_tokens", "duration_ns", "include_usage"}
// every field optional; token counts default to the number of pieces sent.
//
// Output: one line of JSON, {"status":200,"headers":{...}}, then the body's bytes.
//   --cut N            re-cut every piece into N-byte slices (cuts characters in two)
//   --fail-after N S   send only the first N events, then the format's error for status S
// Exit status 2 with a message on stderr for bad usage or a bad answer.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "core/wire/encoder.hpp"
#include "core/wire/json.hpp"
#include "wire/json_reader.hpp"

namespace {

using namespace trickle;

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "dump_frames: " << problem << "\n"
            << "usage: dump_frames <format> stream [--split words|characters] [--cut N] [--fail-after N STATUS]\n"
            << "       dump_frames <format> body\n"
            << "       dump_frames <format> error STATUS [MESSAGE]\n";
  std::exit(2);
}

std::string string_or(const wire_test::json& object, const char* key, std::string fallback = "") {
  const wire_test::json* member = object.find(key);
  return member != nullptr ? member->str() : fallback;
}

double number_or(const wire_test::json& object, const char* key, double fallback) {
  const wire_test::json* member = object.find(key);
  return member != nullptr ? member->number() : fallback;
}

constexpr std::uint32_t not_given = static_cast<std::uint32_t>(-1);

std::uint32_t count_or_not_given(const wire_test::json& object, const char* key) {
  const wire_test::json* member = object.find(key);
  if (member == nullptr) return not_given;
  const double value = member->number();
  if (!(value >= 0 && value < not_given)) usage(std::string(key) + " is not a token count");
  return static_cast<std::uint32_t>(value);
}

wire::answer read_answer(std::string_view input) {
  const wire_test::json root = wire_test::parse_json(input);
  wire::answer a;
  a.text = string_or(root, "text");
  a.reasoning = string_or(root, "reasoning");
  if (const auto* calls = root.find("tool_calls")) {
    for (const auto& call : calls->array()) {
      a.tool_calls.push_back({string_or(call, "id"), string_or(call, "name"), string_or(call, "arguments", "{}")});
    }
  }
  const std::string finish = string_or(root, "finish");
  if (finish == "stop") a.finish = wire::finish_reason::stop;
  else if (finish == "length") a.finish = wire::finish_reason::length;
  else if (finish == "tool_calls") a.finish = wire::finish_reason::tool_calls;
  else if (!finish.empty()) usage("unknown finish reason " + finish);
  a.model = string_or(root, "model", "trickle-model");
  a.id = string_or(root, "id");
  a.created = static_cast<std::int64_t>(number_or(root, "created", 0));
  a.input_tokens = static_cast<std::uint32_t>(number_or(root, "input_tokens", 0));
  a.output_tokens = count_or_not_given(root, "output_tokens");
  a.reasoning_tokens = count_or_not_given(root, "reasoning_tokens");
  a.duration_ns = static_cast<std::uint64_t>(number_or(root, "duration_ns", 0));
  if (const auto* include = root.find("include_usage")) a.include_usage = include->boolean();
  return a;
}

// Every piece of `events` re-cut into slices of at most `size` bytes.
std::vector<wire::event> cut(const std::vector<wire::event>& events, std::size_t size) {
  std::vector<wire::event> out;
  for (const wire::event& e : events) {
    if (e.piece.empty()) {
      out.push_back(e);
      continue;
    }
    for (std::size_t at = 0; at < e.piece.size(); at += size) out.push_back({e.kind, e.tool, e.piece.substr(at, size)});
  }
  return out;
}

void print_head(int status, std::string_view content_type, std::span<const wire::header> extra) {
  std::string head = "{\"status\":" + std::to_string(status) + ",\"headers\":{\"content-type\":";
  wire::append_json_string(head, content_type);
  for (const wire::header& h : extra) {
    head.push_back(',');
    wire::append_json_string(head, h.name);
    head.push_back(':');
    wire::append_json_string(head, h.value);
  }
  head.append("}}\n");
  std::fwrite(head.data(), 1, head.size(), stdout);
}

int run(int argc, char** argv) {
  if (argc < 3) usage("missing arguments");
  const auto f = wire::format_named(argv[1]);
  if (!f) usage(std::string("unknown format ") + argv[1]);
  const std::string mode = argv[2];
  const wire::format_info& info = wire::info(*f);
  std::string out;

  if (mode == "error") {
    if (argc < 4) usage("error needs a status");
    const int status = std::atoi(argv[3]);
    const std::string message = argc > 4 ? argv[4] : "";
    wire::write_error_body(*f, {status, message}, out);
    print_head(status, info.error_content_type, {});
  } else {
    const std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    wire::answer a = read_answer(input);
    split_mode split = split_mode::whitespace;
    std::size_t cut_size = 0;
    long fail_after = -1;
    int fail_status = 500;
    for (int i = 3; i < argc; ++i) {
      const std::string option = argv[i];
      if (option == "--split" && i + 1 < argc) {
        const std::string value = argv[++i];
        if (value == "words") split = split_mode::whitespace;
        else if (value == "characters") split = split_mode::character;
        else usage("unknown split " + value);
      } else if (option == "--cut" && i + 1 < argc) {
        cut_size = static_cast<std::size_t>(std::atoi(argv[++i]));
        if (cut_size == 0) usage("--cut needs a size of at least 1");
      } else if (option == "--fail-after" && i + 2 < argc) {
        fail_after = std::atol(argv[++i]);
        fail_status = std::atoi(argv[++i]);
      } else {
        usage("unknown option " + option);
      }
    }
    std::vector<wire::event> events = wire::events_of(a, split);
    if (cut_size > 0) events = cut(events, cut_size);
    // Counted in pieces unless the answer says otherwise.
    std::uint32_t reasoning_pieces = 0;
    for (const wire::event& e : events) reasoning_pieces += e.kind == wire::event_kind::reasoning;
    if (a.output_tokens == not_given) a.output_tokens = wire::count_pieces(events);
    if (a.reasoning_tokens == not_given) a.reasoning_tokens = reasoning_pieces;

    if (mode == "body") {
      wire::write_body(*f, a, out);
      print_head(200, info.body_content_type, {});
    } else if (mode == "stream") {
      const auto enc = wire::make_encoder(*f, a);
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (fail_after >= 0 && static_cast<long>(i) == fail_after) {
          enc->error(out, {fail_status, ""});
          break;
        }
        enc->write(out, events[i]);
      }
      print_head(200, info.stream_content_type, info.stream_headers);
    } else {
      usage("unknown mode " + mode);
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "dump_frames: " << e.what() << "\n";
    return 2;
  }
}
