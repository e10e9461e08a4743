// Helpers of the wire tests: a seeded PRNG, random answers full of awkward bytes, the
// TextDecoder reading of bytes, and a reader per format that parses every frame of a reply
// (with json_reader.hpp, strictly) and reassembles what a client would get from it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/utf8.hpp"
#include "core/wire/encoder.hpp"
#include "wire/json_reader.hpp"

namespace wire_test {

inline bool operator==(const json& a, const json& b) { return a.value == b.value; }

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
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  std::uint32_t state_;
};

// Awkward pieces of text: escapes, line breaks, U+2028, wide and astral characters,
// combining marks, protocol look-alikes, and ill-formed UTF-8.
inline const std::vector<std::string>& awkward_pieces() {
  static const std::vector<std::string> pieces = {
      "hello", "world", " ", "  ", "\"", "\\", "\\\"", "\n", "\r\n", "\r", "\t", std::string(1, '\0'), "\x01",
      "\x1f", "\x7f", "\u2028", "\u2029", "你好", "世界", "😀", "𝄞", "e\u0301", "\uFEFF", "</script>",
      "data: [DONE]", "\n\ndata: {}", "event: error", "}]}", "\xff", "\xc0\xaf", "\xe4\xbd", "\xed\xa0\x80",
      "\x80", "\xf0\x9f\x98", "\xf4\x90\x80\x80"};
  return pieces;
}

inline std::string random_bytes(prng& next, std::size_t pieces) {
  std::string text;
  for (std::size_t i = 0; i < pieces; ++i) {
    text += awkward_pieces()[next.below(awkward_pieces().size())];
    if (next.chance(40)) text += ' ';
  }
  return text;
}

// What TextDecoder makes of the bytes, as UTF-8.
inline std::string text_decoder(std::string_view bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size();) {
    const trickle::decoded_code_point step = trickle::decode_utf8(bytes, i);
    const char32_t c = step.value;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
    i += step.byte_length;
  }
  return out;
}

// A JSON object text with awkward (well-formed) strings, sometimes pretty-printed.
inline std::string random_arguments(prng& next) {
  const bool pretty = next.chance(50);
  const std::string space = pretty ? "\n  " : "";
  std::string text = "{";
  const std::size_t keys = next.below(4);
  for (std::size_t i = 0; i < keys; ++i) {
    if (i > 0) text += ",";
    text += space + "\"k" + std::to_string(i) + (next.chance(50) ? "\\n\\\"\u2028" : "") + "\":" + (pretty ? " " : "");
    switch (next.below(4)) {
      case 0: text += "\"" + std::string(next.chance(50) ? "Paris 😀 \\u00e9\\t" : "\\\\ 你好 \u2029") + "\""; break;
      case 1: text += std::to_string(static_cast<int>(next.below(2000)) - 1000); break;
      case 2: text += "[true, null, -1.5e3, {\"x\": \"y\"}]"; break;
      default: text += "{}";
    }
  }
  text += (pretty && keys > 0 ? "\n}" : "}");
  return text;
}

inline trickle::wire::answer random_answer(prng& next, std::uint32_t seed) {
  trickle::wire::answer a;
  a.text = random_bytes(next, next.below(30));
  a.reasoning = next.chance(40) ? "" : random_bytes(next, next.below(12));
  const std::size_t calls = next.below(3);
  for (std::size_t i = 0; i < calls; ++i) {
    a.tool_calls.push_back({next.chance(50) ? "call_" + std::to_string(seed) + "_" + std::to_string(i) : "",
                            next.chance(50) ? "get_weather" : "search \"quoted\" 😀", random_arguments(next)});
  }
  a.finish = next.chance(20) ? trickle::wire::finish_reason::length : trickle::wire::finish_reason::automatic;
  a.model = next.chance(50) ? "trickle-model" : "model \"x\" 你好";
  a.id = "r" + std::to_string(seed);
  a.created = 1700000000 + seed;
  a.input_tokens = static_cast<std::uint32_t>(next.below(1000));
  a.output_tokens = static_cast<std::uint32_t>(next.below(1000));
  a.reasoning_tokens = static_cast<std::uint32_t>(next.below(a.output_tokens + 1));
  a.duration_ns = next.below(1000000);
  a.include_usage = true;
  return a;
}

// The events of `a`, every field cut at random byte positions (inside characters too).
inline std::vector<trickle::wire::event> randomly_cut_events(const trickle::wire::answer& a, prng& next) {
  using trickle::wire::event;
  using trickle::wire::event_kind;
  std::vector<event> events;
  auto cut = [&](event_kind kind, std::uint32_t tool, std::string_view field) {
    for (std::size_t at = 0; at < field.size();) {
      const std::size_t size = 1 + next.below(7);
      events.push_back({kind, tool, field.substr(at, size)});
      at += size;
    }
  };
  events.push_back({event_kind::start, 0, {}});
  cut(event_kind::reasoning, 0, a.reasoning);
  cut(event_kind::text, 0, a.text);
  for (std::uint32_t i = 0; i < a.tool_calls.size(); ++i) {
    events.push_back({event_kind::tool_start, i, {}});
    cut(event_kind::tool_arguments, i, a.tool_calls[i].arguments);
    events.push_back({event_kind::tool_end, i, {}});
  }
  events.push_back({event_kind::finish, 0, {}});
  events.push_back({event_kind::end, 0, {}});
  return events;
}

// --- Reading replies back -----------------------------------------------------------------

struct read_call {
  std::string id;
  std::string name;
  json input;             // the arguments, parsed
  std::string arguments;  // the arguments' text, for formats that stream it
};

struct read_reply {
  std::string text, reasoning;
  std::vector<std::string> repeated_texts;      // what done/completed events say the text is
  std::vector<std::string> repeated_reasonings; // the same for the reasoning
  std::vector<read_call> calls;
  std::string finish;
  double input_tokens = -1, output_tokens = -1, reasoning_tokens = -1;
  bool terminated = false;  // the format's last frame came
  std::string error_type, error_message;
  int frames = 0;
};

struct reader_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline void expect(bool condition, const std::string& what) {
  if (!condition) throw reader_error(what);
}

// The events of an SSE body: each a list of (field, value) lines. Every event must end with
// the separator: a trailing partial event is an error, as @google/genai treats it.
inline std::vector<std::vector<std::pair<std::string, std::string>>> sse_events(std::string_view body,
                                                                               std::string_view separator) {
  std::vector<std::vector<std::pair<std::string, std::string>>> events;
  const std::string_view line_break = separator.substr(0, separator.size() / 2);
  while (!body.empty()) {
    const std::size_t end = body.find(separator);
    expect(end != std::string_view::npos, "a partial event at the end of the stream");
    std::string_view block = body.substr(0, end);
    body.remove_prefix(end + separator.size());
    std::vector<std::pair<std::string, std::string>> lines;
    while (!block.empty()) {
      const std::size_t line_end = block.find(line_break);
      const std::string_view line = block.substr(0, line_end);
      block.remove_prefix(line_end == std::string_view::npos ? block.size() : line_end + line_break.size());
      const std::size_t colon = line.find(": ");
      expect(colon != std::string_view::npos, "a line without ': ': " + std::string(line));
      lines.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
    }
    events.push_back(std::move(lines));
  }
  return events;
}

// The data of an event that has only a data line.
inline std::string data_only(const std::vector<std::pair<std::string, std::string>>& lines) {
  expect(lines.size() == 1 && lines[0].first == "data", "an event that is not one data line");
  return lines[0].second;
}

// The data of an `event: T` + `data: {type: T}` pair.
inline json typed_event(const std::vector<std::pair<std::string, std::string>>& lines) {
  expect(lines.size() == 2 && lines[0].first == "event" && lines[1].first == "data",
         "an event that is not an event line and a data line");
  json data = parse_json(lines[1].second);
  expect(data["type"].str() == lines[0].second, "event " + lines[0].second + " carries type " + data["type"].str());
  return data;
}

inline read_reply read_openai_chat(std::string_view body) {
  read_reply reply;
  bool first = true;
  for (const auto& lines : sse_events(body, "\n\n")) {
    expect(!reply.terminated, "a frame after [DONE]");
    ++reply.frames;
    const std::string data = data_only(lines);
    if (data == "[DONE]") {
      reply.terminated = true;
      continue;
    }
    const json chunk = parse_json(data);
    if (chunk.has("error")) {
      reply.error_type = chunk["error"]["type"].str();
      reply.error_message = chunk["error"]["message"].str();
      continue;
    }
    expect(chunk["object"].str() == "chat.completion.chunk", "not a chunk");
    const json_array& choices = chunk["choices"].array();
    if (choices.empty()) {
      const json& usage = chunk["usage"];
      reply.input_tokens = usage["prompt_tokens"].number();
      reply.output_tokens = usage["completion_tokens"].number();
      reply.reasoning_tokens = usage["completion_tokens_details"]["reasoning_tokens"].number();
      continue;
    }
    const json& delta = choices[0]["delta"];
    expect(!first || delta["role"].str() == "assistant", "the first chunk names the role");
    first = false;
    if (const json* content = delta.find("content")) reply.text += content->str();
    if (const json* reasoning = delta.find("reasoning_content")) reply.reasoning += reasoning->str();
    if (const json* calls = delta.find("tool_calls")) {
      for (const json& call : calls->array()) {
        const auto index = static_cast<std::size_t>(call["index"].number());
        if (call.has("id")) {
          expect(index == reply.calls.size(), "tool calls are numbered in order");
          reply.calls.push_back({call["id"].str(), call["function"]["name"].str(), {}, ""});
        }
        expect(index + 1 == reply.calls.size(), "arguments for a call that was not started last");
        reply.calls[index].arguments += call["function"]["arguments"].str();
      }
    }
    if (!choices[0]["finish_reason"].is_null()) reply.finish = choices[0]["finish_reason"].str();
  }
  // A stream cut short by an error may end inside a call's arguments.
  if (reply.error_message.empty()) {
    for (read_call& call : reply.calls) call.input = parse_json(call.arguments);
  }
  return reply;
}

inline read_reply read_openai_responses(std::string_view body) {
  read_reply reply;
  double sequence = 0;
  std::vector<std::string> call_items;  // item id of each call
  for (const auto& lines : sse_events(body, "\n\n")) {
    expect(!reply.terminated, "an event after the response completed");
    ++reply.frames;
    const json data = typed_event(lines);
    expect(data["sequence_number"].number() == sequence++, "sequence numbers count up from 0");
    const std::string& type = data["type"].str();
    if (type == "error") {
      reply.error_type = data["code"].str();
      reply.error_message = data["message"].str();
    } else if (type == "response.output_item.added" && data["item"]["type"].str() == "function_call") {
      const json& item = data["item"];
      call_items.push_back(item["id"].str());
      reply.calls.push_back({item["call_id"].str(), item["name"].str(), {}, item["arguments"].str()});
    } else if (type == "response.reasoning_summary_text.delta") {
      reply.reasoning += data["delta"].str();
    } else if (type == "response.reasoning_summary_text.done") {
      reply.repeated_reasonings.push_back(data["text"].str());
    } else if (type == "response.output_text.delta") {
      reply.text += data["delta"].str();
    } else if (type == "response.output_text.done") {
      reply.repeated_texts.push_back(data["text"].str());
    } else if (type == "response.function_call_arguments.delta") {
      expect(!call_items.empty() && data["item_id"].str() == call_items.back(), "arguments of an unknown item");
      reply.calls.back().arguments += data["delta"].str();
    } else if (type == "response.function_call_arguments.done") {
      expect(data["arguments"].str() == reply.calls.back().arguments, "arguments.done repeats the deltas");
    } else if (type == "response.completed" || type == "response.incomplete") {
      const json& response = data["response"];
      reply.finish = response["status"].str();
      reply.input_tokens = response["usage"]["input_tokens"].number();
      reply.output_tokens = response["usage"]["output_tokens"].number();
      reply.reasoning_tokens = response["usage"]["output_tokens_details"]["reasoning_tokens"].number();
      for (const json& item : response["output"].array()) {
        if (item["type"].str() == "message") reply.repeated_texts.push_back(item["content"][0]["text"].str());
        if (item["type"].str() == "reasoning") reply.repeated_reasonings.push_back(item["summary"][0]["text"].str());
      }
      reply.terminated = true;
    }
  }
  // A stream cut short by an error may end inside a call's arguments.
  if (reply.error_message.empty()) {
    for (read_call& call : reply.calls) call.input = parse_json(call.arguments);
  }
  return reply;
}

inline read_reply read_anthropic(std::string_view body) {
  read_reply reply;
  std::vector<std::string> blocks;  // type of each block
  bool open = false;
  bool started = false;
  for (const auto& lines : sse_events(body, "\n\n")) {
    expect(!reply.terminated, "an event after message_stop");
    ++reply.frames;
    const json data = typed_event(lines);
    const std::string& type = data["type"].str();
    expect(started || type == "message_start" || type == "error", "message_start comes first");
    if (type == "message_start") {
      started = true;
      reply.input_tokens = data["message"]["usage"]["input_tokens"].number();
    } else if (type == "content_block_start") {
      expect(!open && data["index"].number() == static_cast<double>(blocks.size()), "blocks open in order, one at a time");
      const json& block = data["content_block"];
      blocks.push_back(block["type"].str());
      if (blocks.back() == "tool_use") reply.calls.push_back({block["id"].str(), block["name"].str(), {}, ""});
      open = true;
    } else if (type == "content_block_delta") {
      expect(open && data["index"].number() + 1 == static_cast<double>(blocks.size()), "a delta for the open block");
      const json& delta = data["delta"];
      const std::string& kind = delta["type"].str();
      if (kind == "text_delta") {
        expect(blocks.back() == "text", "text_delta in a text block");
        reply.text += delta["text"].str();
      } else if (kind == "thinking_delta") {
        expect(blocks.back() == "thinking", "thinking_delta in a thinking block");
        reply.reasoning += delta["thinking"].str();
      } else if (kind == "signature_delta") {
        expect(blocks.back() == "thinking" && !delta["signature"].str().empty(), "a signature for the thinking");
      } else {
        expect(kind == "input_json_delta" && blocks.back() == "tool_use", "input_json_delta in a tool_use block");
        reply.calls.back().arguments += delta["partial_json"].str();
      }
    } else if (type == "content_block_stop") {
      expect(open, "a stop for an open block");
      open = false;
    } else if (type == "message_delta") {
      reply.finish = data["delta"]["stop_reason"].str();
      reply.output_tokens = data["usage"]["output_tokens"].number();
    } else if (type == "message_stop") {
      reply.terminated = true;
    } else if (type == "error") {
      reply.error_type = data["error"]["type"].str();
      reply.error_message = data["error"]["message"].str();
    } else {
      expect(type == "ping", "unknown event " + type);
    }
  }
  // A stream cut short by an error may end inside a call's arguments.
  if (reply.error_message.empty()) {
    for (read_call& call : reply.calls) call.input = parse_json(call.arguments);
  }
  return reply;
}

inline read_reply read_ui_message(std::string_view body) {
  read_reply reply;
  std::string open_part;  // "text-0", "reasoning-0" or a tool call id
  for (const auto& lines : sse_events(body, "\n\n")) {
    expect(!reply.terminated, "a frame after [DONE]");
    ++reply.frames;
    const std::string data = data_only(lines);
    if (data == "[DONE]") {
      reply.terminated = true;
      continue;
    }
    const json part = parse_json(data);
    const std::string& type = part["type"].str();
    if (type == "text-start" || type == "reasoning-start") {
      open_part = part["id"].str();
    } else if (type == "text-delta" || type == "reasoning-delta") {
      expect(part["id"].str() == open_part, type + " before its start");
      (type == "text-delta" ? reply.text : reply.reasoning) += part["delta"].str();
    } else if (type == "text-end" || type == "reasoning-end") {
      expect(part["id"].str() == open_part, type + " for a part that is not open");
      open_part.clear();
    } else if (type == "tool-input-start") {
      open_part = part["toolCallId"].str();
      reply.calls.push_back({open_part, part["toolName"].str(), {}, ""});
    } else if (type == "tool-input-delta") {
      expect(part["toolCallId"].str() == open_part, "tool-input-delta before its start");
      reply.calls.back().arguments += part["inputTextDelta"].str();
    } else if (type == "tool-input-available") {
      expect(part["toolCallId"].str() == open_part, "tool-input-available before its start");
      reply.calls.back().input = part["input"];
      expect(parse_json(reply.calls.back().arguments) == part["input"], "the input deltas make the input");
      open_part.clear();
    } else if (type == "finish") {
      reply.finish = part["finishReason"].str();
      const json& usage = part["messageMetadata"]["usage"];
      reply.input_tokens = usage["inputTokens"].number();
      reply.output_tokens = usage["outputTokens"].number();
      reply.reasoning_tokens = usage["reasoningTokens"].number();
    } else if (type == "error") {
      reply.error_message = part["errorText"].str();
    } else {
      expect(type == "start" || type == "start-step" || type == "finish-step", "unknown part " + type);
    }
  }
  return reply;
}

inline void read_gemini_response(const json& response, read_reply& reply) {
  const json& candidate = response["candidates"][0];
  for (const json& part : candidate["content"]["parts"].array()) {
    if (const json* call = part.find("functionCall")) {
      reply.calls.push_back({"", (*call)["name"].str(), (*call)["args"], ""});
    } else if (part.has("thought")) {
      expect(part["thought"].boolean(), "thought is true when present");
      reply.reasoning += part["text"].str();
    } else {
      reply.text += part["text"].str();
    }
  }
  if (const json* finish = candidate.find("finishReason")) {
    reply.finish = finish->str();
    const json& usage = response["usageMetadata"];
    reply.input_tokens = usage["promptTokenCount"].number();
    const double thoughts = usage.has("thoughtsTokenCount") ? usage["thoughtsTokenCount"].number() : 0;
    reply.output_tokens = usage["candidatesTokenCount"].number() + thoughts;
    reply.reasoning_tokens = thoughts;
    expect(usage["totalTokenCount"].number() == reply.input_tokens + reply.output_tokens, "the total adds up");
    reply.terminated = true;
  }
}

inline read_reply read_gemini(std::string_view body) {
  read_reply reply;
  for (const auto& lines : sse_events(body, "\r\n\r\n")) {
    expect(!reply.terminated, "a frame after the finish");
    ++reply.frames;
    const json response = parse_json(data_only(lines));
    if (const json* error = response.find("error")) {
      reply.error_type = (*error)["status"].str();
      reply.error_message = (*error)["message"].str();
      continue;
    }
    read_gemini_response(response, reply);
  }
  return reply;
}

inline void read_ollama_line(const json& line, read_reply& reply) {
  if (const json* error = line.find("error")) {
    reply.error_message = error->str();
    return;
  }
  const json& message = line["message"];
  expect(message["role"].str() == "assistant", "the assistant speaks");
  reply.text += message["content"].str();
  if (const json* thinking = message.find("thinking")) reply.reasoning += thinking->str();
  if (const json* calls = message.find("tool_calls")) {
    for (const json& call : calls->array()) {
      reply.calls.push_back({call["id"].str(), call["function"]["name"].str(), call["function"]["arguments"], ""});
    }
  }
  if (line["done"].boolean()) {
    reply.finish = line["done_reason"].str();
    reply.input_tokens = line["prompt_eval_count"].number();
    reply.output_tokens = line["eval_count"].number();
    reply.terminated = true;
  }
}

inline read_reply read_ollama(std::string_view body) {
  read_reply reply;
  while (!body.empty()) {
    const std::size_t end = body.find('\n');
    expect(end != std::string_view::npos, "a line without its newline");
    expect(!reply.terminated, "a line after done");
    ++reply.frames;
    read_ollama_line(parse_json(body.substr(0, end)), reply);
    body.remove_prefix(end + 1);
  }
  return reply;
}

inline read_reply read_stream(trickle::wire::format f, std::string_view body) {
  using trickle::wire::format;
  switch (f) {
    case format::openai_chat: return read_openai_chat(body);
    case format::openai_responses: return read_openai_responses(body);
    case format::anthropic: return read_anthropic(body);
    case format::ui_message: return read_ui_message(body);
    case format::gemini: return read_gemini(body);
    case format::ollama: return read_ollama(body);
    case format::plain_text: {
      read_reply reply;
      reply.text = std::string(body);
      reply.terminated = true;
      return reply;
    }
  }
  throw reader_error("unknown format");
}

}  // namespace wire_test
