// Fuzzes the wire encoders (core/wire/): the input is an answer (text, reasoning, tool calls
// with JSON-object arguments, finish reason, ids, counts, all full of awkward and ill-formed
// bytes), a split mode, byte positions to cut the fields at, and a script of encoder calls.
//
// For every format:
//   - write_stream() and the same events cut at the input's byte positions (inside UTF-8
//     sequences too): every frame parses with the strict JSON reader of the wire tests
//     (tests/core/wire/json_reader.hpp: no raw control character, no ill-formed UTF-8, no
//     lone surrogate, no duplicate key); what a client reassembles from the deltas is the
//     answer exactly, its text, reasoning, names and ids as TextDecoder reads their bytes
//     (reference_utf8.hpp, not the library's decoder), plain text byte for byte; the tool
//     calls' arguments parse to the same JSON as the answer's; usage and finish reason are
//     the answer's; and the frames come in the format's order (a grammar per format below);
//   - write_body(): the whole answer, read the same way;
//   - events_of(): pieces that are never empty and put back together are each field;
//   - an answer the formats must refuse (a nameless call, reasoning_tokens > output_tokens)
//     is refused by make_encoder, write_stream and write_body with std::invalid_argument,
//     and nothing is written;
//   - write_error_body(): a status outside 400..599 is refused, writing nothing; any other
//     gives the format's error with the message.
// And for one format, a script of calls in any order, checked against the order encoder.hpp
// states (a model of it below): a call out of order or with a piece that does not continue
// its field throws std::logic_error and writes nothing; every call in order succeeds; the
// stream, completed or ended by error(), reads back as the answer (or a prefix of it and the
// error, last).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/wire/answer.hpp"
#include "core/wire/encoder.hpp"
#include "fuzz_support.hpp"
#include "reference_utf8.hpp"
#include "wire/json_reader.hpp"
#include "wire/wire_support.hpp"

namespace trickle::fuzzing {
namespace {

using namespace trickle::wire;
using wire_test::json;
using wire_test::parse_json;
using wire_test::read_reply;

// --- Answers from the input ------------------------------------------------------------------

const char* const awkward[] = {
    "hello", " world", " ", "  ", "\"", "\\", "\n", "\r\n", "\r", "\t", "\x01", "\x1f", "\x7f",
    "\u2028", "\u2029", "你好", "😀", "𝄞", "e\u0301", "\uFEFF", "</script>", "data: [DONE]", "\n\ndata: {}",
    "event: error", "}]}", "\xff", "\xc0\xaf", "\xe4\xbd", "\xed\xa0\x80", "\x80", "\xf0\x9f\x98", "\xf4\x90\x80\x80",
    "\U0001F468\u200D\U0001F469", "\U0001F1EB\U0001F1F7", "\u0915\u094D\u0937", "\r\n\r\n", "\u3000",
};

std::string field(FuzzedDataProvider& in, std::size_t max_segments) {
  std::string out;
  const std::size_t segments = in.ConsumeIntegralInRange<std::size_t>(0, max_segments);
  for (std::size_t i = 0; i < segments && in.remaining_bytes() > 0; ++i) {
    if (in.ConsumeBool()) {
      out += in.ConsumeRandomLengthString(12);
    } else {
      out += awkward[in.ConsumeIntegralInRange<std::size_t>(0, std::size(awkward) - 1)];
      out.append(in.ConsumeIntegralInRange<std::size_t>(0, 2), ' ');
    }
  }
  return out;
}

// A JSON string's body for any bytes (read as TextDecoder does), spelling each character in
// one of the ways JSON allows: raw UTF-8, a short escape, \uXXXX (a surrogate pair above
// U+FFFF), with upper- or lower-case hex digits.
void append_json_text(FuzzedDataProvider& in, std::string& out, std::string_view bytes) {
  static constexpr char lower[] = "0123456789abcdef";
  static constexpr char upper[] = "0123456789ABCDEF";
  const auto u_escape = [&](unsigned value, bool capitals) {
    const char* digits = capitals ? upper : lower;
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += digits[(value >> shift) & 0xF];
  };
  for (const unit& u : reference_decode(bytes)) {
    const char32_t c = u.value;
    const int spelling = in.ConsumeIntegralInRange(0, 3);
    if (c == U'"' || c == U'\\') {
      if (spelling == 3) {
        u_escape(static_cast<unsigned>(c), false);
      } else {
        out += '\\';
        out += static_cast<char>(c);
      }
    } else if (c < 0x20) {
      const char* short_form = c == U'\n' ? "\\n" : c == U'\t' ? "\\t" : c == U'\r' ? "\\r" : c == U'\b' ? "\\b" : c == U'\f' ? "\\f" : nullptr;
      if (short_form && spelling < 2) out += short_form;
      else u_escape(static_cast<unsigned>(c), spelling == 3);
    } else if (c == U'/' && spelling == 0) {
      out += "\\/";
    } else if (spelling == 3 && c >= 0x10000) {
      const char32_t v = c - 0x10000;
      u_escape(0xD800 + static_cast<unsigned>(v >> 10), false);
      u_escape(0xDC00 + static_cast<unsigned>(v & 0x3FF), true);
    } else if (spelling == 3) {
      u_escape(static_cast<unsigned>(c), true);
    } else {
      append_utf8(out, c);
    }
  }
}

void append_space(FuzzedDataProvider& in, std::string& out) {
  static constexpr const char* spaces[] = {"", "", "", " ", "\n  ", "\t", "\r\n", " \n "};
  out += spaces[in.ConsumeIntegralInRange<std::size_t>(0, std::size(spaces) - 1)];
}

void append_json_value(FuzzedDataProvider& in, std::string& out, int depth);

// One JSON object: distinct keys (each ends with its own index), any values.
void append_json_object(FuzzedDataProvider& in, std::string& out, int depth) {
  out += '{';
  const std::size_t members = depth > 3 ? 0 : in.ConsumeIntegralInRange<std::size_t>(0, 3);
  for (std::size_t i = 0; i < members; ++i) {
    if (i > 0) out += ',';
    append_space(in, out);
    out += '"';
    append_json_text(in, out, in.ConsumeRandomLengthString(6) + "#" + std::to_string(i));
    out += '"';
    append_space(in, out);
    out += ':';
    append_space(in, out);
    append_json_value(in, out, depth + 1);
    append_space(in, out);
  }
  out += '}';
}

void append_json_value(FuzzedDataProvider& in, std::string& out, int depth) {
  static constexpr const char* numbers[] = {"0", "-0", "7", "-12", "3.25", "-1.5e3", "1E+2", "2e-7", "0.000",
                                            "123456789012345678901234567890", "9007199254740993"};
  switch (in.ConsumeIntegralInRange(0, depth > 3 ? 3 : 5)) {
    case 0:
      out += '"';
      append_json_text(in, out, field(in, 3));
      out += '"';
      return;
    case 1: out += numbers[in.ConsumeIntegralInRange<std::size_t>(0, std::size(numbers) - 1)]; return;
    case 2: out += in.ConsumeBool() ? "true" : "false"; return;
    case 3: out += "null"; return;
    case 4: {
      out += '[';
      const std::size_t items = in.ConsumeIntegralInRange<std::size_t>(0, 3);
      for (std::size_t i = 0; i < items; ++i) {
        if (i > 0) out += ',';
        append_space(in, out);
        append_json_value(in, out, depth + 1);
      }
      append_space(in, out);
      out += ']';
      return;
    }
    default: append_json_object(in, out, depth); return;
  }
}

std::string json_arguments(FuzzedDataProvider& in) {
  std::string out;
  append_space(in, out);
  append_json_object(in, out, 0);
  append_space(in, out);
  return out;
}

struct made_answer {
  answer a;
  bool must_refuse = false;  // a nameless call, or reasoning_tokens > output_tokens
};

made_answer make_answer(FuzzedDataProvider& in) {
  made_answer made;
  answer& a = made.a;
  a.text = field(in, 10);
  if (in.ConsumeBool()) a.reasoning = field(in, 5);
  const std::size_t calls = in.ConsumeIntegralInRange<std::size_t>(0, 3);
  for (std::size_t i = 0; i < calls; ++i) {
    tool_call call;
    if (in.ConsumeBool()) call.id = "call_" + field(in, 2);
    call.name = in.ConsumeBool() ? std::string("get_weather") : field(in, 2);
    call.arguments = json_arguments(in);
    made.must_refuse = made.must_refuse || call.name.empty();
    a.tool_calls.push_back(std::move(call));
  }
  a.finish = static_cast<finish_reason>(in.ConsumeIntegralInRange(0, 3));
  a.model = in.ConsumeBool() ? std::string("trickle-model") : field(in, 2);
  a.id = in.ConsumeBool() ? std::string("r1") : field(in, 2);
  // Near now, any second from year 1 to year 9999 (RFC 3339's four-digit years), or any
  // int64 at all (near INT64_MIN append_rfc3339 once overflowed).
  switch (in.ConsumeIntegralInRange(0, 2)) {
    case 0: a.created = 1'700'000'000 + std::int64_t{in.ConsumeIntegral<std::int32_t>()}; break;
    case 1: a.created = in.ConsumeIntegralInRange<std::int64_t>(-62'135'596'800, 253'402'300'799); break;
    default: a.created = in.ConsumeIntegral<std::int64_t>(); break;
  }
  a.input_tokens = in.ConsumeIntegral<std::uint32_t>();
  a.output_tokens = in.ConsumeIntegral<std::uint32_t>();
  a.reasoning_tokens = in.ConsumeIntegralInRange<std::uint32_t>(0, a.output_tokens);
  if (in.ConsumeIntegralInRange(0, 15) == 0) {
    a.reasoning_tokens = a.output_tokens == 0xFFFFFFFF ? 0 : a.output_tokens + 1;
    a.output_tokens = a.reasoning_tokens - 1;
    made.must_refuse = true;
  }
  a.duration_ns = in.ConsumeIntegral<std::uint64_t>();
  a.include_usage = in.ConsumeBool();
  return made;
}

// Makes a refused answer acceptable, the least change that does.
void repair(answer& a) {
  for (tool_call& call : a.tool_calls) {
    if (call.name.empty()) call.name = "f";
  }
  if (a.reasoning_tokens > a.output_tokens) a.reasoning_tokens = a.output_tokens;
}

// --- What a client must get ---------------------------------------------------------------

const char* format_name(format f) { return info(f).name.data(); }

std::string finish_name(format f, const answer& a) {
  const finish_reason reason = resolved_finish(a);
  FUZZ_CHECK(a.finish == finish_reason::automatic ? reason == (a.tool_calls.empty() ? finish_reason::stop : finish_reason::tool_calls)
                                                  : reason == a.finish,
             "resolved_finish(%d) is %d with %zu tool calls", static_cast<int>(a.finish), static_cast<int>(reason),
             a.tool_calls.size());
  const bool length = reason == finish_reason::length;
  const bool tools = reason == finish_reason::tool_calls;
  switch (f) {
    case format::openai_chat: return length ? "length" : tools ? "tool_calls" : "stop";
    case format::openai_responses: return length ? "incomplete" : "completed";
    case format::anthropic: return length ? "max_tokens" : tools ? "tool_use" : "end_turn";
    case format::ui_message: return length ? "length" : tools ? "tool-calls" : "stop";
    case format::gemini: return length ? "MAX_TOKENS" : "STOP";
    case format::ollama: return length ? "length" : "stop";
    case format::plain_text: return "";
  }
  return "?";
}

std::string expected_call_id(format f, const answer& a, std::size_t i) {
  if (f == format::gemini) return "";  // Gemini's function calls carry no id
  if (!a.tool_calls[i].id.empty()) return reference_text_decoder(a.tool_calls[i].id);
  const std::string base = a.id.empty() ? std::string("trickle") : a.id;
  return reference_text_decoder((f == format::anthropic ? "toolu_" : "call_") + base + "_" + std::to_string(i));
}

bool reports_reasoning_tokens(format f) {
  return f == format::openai_chat || f == format::openai_responses || f == format::ui_message || f == format::gemini;
}

json parse_or_fail(std::string_view text, const char* what) {
  try {
    return parse_json(text);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "%s does not parse: %s\n  %s", what, e.what(), hex(text).c_str());
  }
  return {};
}

// `reply` is a finished reply of `a` in `f`; `how` says where it came from, for messages.
void check_reply(format f, const answer& a, const read_reply& reply, const char* how, bool with_usage = true) {
  const char* name = format_name(f);
  if (f == format::plain_text) {
    FUZZ_CHECK(reply.text == a.text, "%s %s: the text is %s, want the answer's bytes %s", name, how,
               hex(reply.text).c_str(), hex(a.text).c_str());
    return;
  }
  const std::string text = reference_text_decoder(a.text);
  const std::string reasoning = reference_text_decoder(a.reasoning);
  FUZZ_CHECK(reply.text == text, "%s %s: the text reads %s, want %s", name, how, hex(reply.text).c_str(),
             hex(text).c_str());
  FUZZ_CHECK(reply.reasoning == reasoning, "%s %s: the reasoning reads %s, want %s", name, how,
             hex(reply.reasoning).c_str(), hex(reasoning).c_str());
  for (const std::string& repeated : reply.repeated_texts) {
    FUZZ_CHECK(repeated == text, "%s %s: a done event repeats the text as %s", name, how, hex(repeated).c_str());
  }
  for (const std::string& repeated : reply.repeated_reasonings) {
    FUZZ_CHECK(repeated == reasoning, "%s %s: a done event repeats the reasoning as %s", name, how,
               hex(repeated).c_str());
  }
  FUZZ_CHECK(reply.calls.size() == a.tool_calls.size(), "%s %s: %zu tool calls, want %zu", name, how,
             reply.calls.size(), a.tool_calls.size());
  for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
    const tool_call& want = a.tool_calls[i];
    const wire_test::read_call& got = reply.calls[i];
    FUZZ_CHECK(got.name == reference_text_decoder(want.name), "%s %s: call %zu is named %s, want %s", name, how, i,
               hex(got.name).c_str(), hex(want.name).c_str());
    const std::string id = expected_call_id(f, a, i);
    FUZZ_CHECK(got.id == id, "%s %s: call %zu has id %s, want %s", name, how, i, hex(got.id).c_str(), hex(id).c_str());
    FUZZ_CHECK(wire_test::operator==(got.input, parse_or_fail(want.arguments, "the answer's arguments")),
               "%s %s: call %zu's input is not its arguments %s", name, how, i, want.arguments.c_str());
    FUZZ_CHECK(got.arguments.empty() || got.arguments == want.arguments,
               "%s %s: call %zu's streamed arguments are %s, want %s", name, how, i, got.arguments.c_str(),
               want.arguments.c_str());
  }
  if (!with_usage) return;
  const std::string finish = finish_name(f, a);
  FUZZ_CHECK(reply.finish == finish, "%s %s: finish reason %s, want %s", name, how, reply.finish.c_str(),
             finish.c_str());
  // OpenAI chat streams usage only when the request asked for it (stream_options).
  const bool has_usage = !(f == format::openai_chat && !a.include_usage && std::string_view(how) != "as a body");
  if (!has_usage) {
    FUZZ_CHECK(reply.input_tokens == -1 && reply.output_tokens == -1, "%s %s: usage without include_usage", name, how);
  } else {
    FUZZ_CHECK(reply.input_tokens == a.input_tokens && reply.output_tokens == a.output_tokens,
               "%s %s: usage says %.0f in, %.0f out; want %u, %u", name, how, reply.input_tokens,
               reply.output_tokens, a.input_tokens, a.output_tokens);
    if (reports_reasoning_tokens(f)) {
      FUZZ_CHECK(reply.reasoning_tokens == a.reasoning_tokens, "%s %s: %.0f reasoning tokens, want %u", name, how,
                 reply.reasoning_tokens, a.reasoning_tokens);
    }
  }
  FUZZ_CHECK(reply.terminated, "%s %s: the format's last frame never came", name, how);
  FUZZ_CHECK(reply.error_message.empty(), "%s %s: an error frame: %s", name, how, reply.error_message.c_str());
}

read_reply read_or_fail(format f, std::string_view body, const char* how) {
  try {
    return wire_test::read_stream(f, body);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "%s %s: the stream does not read: %s\n  %s", format_name(f), how, e.what(), hex(body).c_str());
  }
  return {};
}

// --- The order of the frames, per format ----------------------------------------------------
// Each frame becomes a token and the tokens must match the format's grammar for this answer:
// which parts it opens depends on which fields are empty.

std::vector<std::string> sse_blocks(std::string_view body, std::string_view separator) {
  std::vector<std::string> blocks;
  while (!body.empty()) {
    const std::size_t end = body.find(separator);
    if (end == std::string_view::npos) break;  // the readers already refused a partial event
    blocks.emplace_back(body.substr(0, end));
    body.remove_prefix(end + separator.size());
  }
  return blocks;
}

// The data line of an event: the first line that starts with "data: " (JSON holds no raw
// line break, so the first such line is the real one whatever the text says).
std::string data_of(const std::string& block) {
  if (block.rfind("data: ", 0) == 0) return block.substr(6);
  const std::size_t at = block.find("\ndata: ");
  return at == std::string::npos ? std::string() : block.substr(at + 7);
}

// "(x)?" when the part is there, "" when it is not: an empty field opens nothing.
std::string when(bool present, const std::string& part) { return present ? part : std::string(); }
std::string repeat(std::size_t count, const std::string& part) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += part;
  return out;
}

std::string frame_tokens(format f, std::string_view body) {
  std::string tokens;
  switch (f) {
    case format::openai_chat: {
      bool first = true;
      for (const std::string& block : sse_blocks(body, "\n\n")) {
        const std::string data = data_of(block);
        if (data == "[DONE]") {
          tokens += "D";
          continue;
        }
        const json chunk = parse_json(data);
        const json& choices = chunk["choices"];
        if (choices.array().empty()) {
          tokens += "U";
          continue;
        }
        const json& delta = choices[0]["delta"];
        if (first) tokens += "R";
        else if (!choices[0]["finish_reason"].is_null()) tokens += "F";
        else if (delta.has("reasoning_content")) tokens += "r";
        else if (delta.has("content")) tokens += "c";
        else if (delta.has("tool_calls")) tokens += delta["tool_calls"][0].has("id") ? "T" : "a";
        else tokens += "?";
        first = false;
      }
      return tokens;
    }
    case format::openai_responses:
    case format::anthropic:
      for (const std::string& block : sse_blocks(body, "\n\n")) {
        const json data = parse_json(data_of(block));
        const std::string& type = data["type"].str();
        // One letter per event type; items and blocks by what they hold.
        if (type == "response.created") tokens += "C";
        else if (type == "response.in_progress") tokens += "P";
        else if (type == "response.output_item.added") tokens += data["item"]["type"].str() == "reasoning" ? "[r" : data["item"]["type"].str() == "message" ? "[m" : "[f";
        else if (type == "response.output_item.done") tokens += "]";
        else if (type == "response.reasoning_summary_part.added" || type == "response.content_part.added") tokens += "(";
        else if (type == "response.reasoning_summary_part.done" || type == "response.content_part.done") tokens += ")";
        else if (type == "response.reasoning_summary_text.delta" || type == "response.output_text.delta" ||
                 type == "response.function_call_arguments.delta") tokens += "d";
        else if (type == "response.reasoning_summary_text.done" || type == "response.output_text.done" ||
                 type == "response.function_call_arguments.done") tokens += "e";
        else if (type == "response.completed" || type == "response.incomplete") tokens += "Z";
        else if (type == "message_start") tokens += "S";
        else if (type == "content_block_start") {
          const std::string& kind = data["content_block"]["type"].str();
          tokens += kind == "thinking" ? "[r" : kind == "text" ? "[m" : "[f";
        } else if (type == "content_block_delta") tokens += data["delta"]["type"].str() == "signature_delta" ? "s" : "d";
        else if (type == "content_block_stop") tokens += "]";
        else if (type == "message_delta") tokens += "M";
        else if (type == "message_stop") tokens += "Z";
        else if (type == "ping") tokens += "p";
        else tokens += "?";
      }
      return tokens;
    case format::ui_message:
      for (const std::string& block : sse_blocks(body, "\n\n")) {
        const std::string data = data_of(block);
        if (data == "[DONE]") {
          tokens += "D";
          continue;
        }
        const std::string type = parse_json(data)["type"].str();
        if (type == "start") tokens += "S";
        else if (type == "start-step") tokens += "s";
        else if (type == "reasoning-start") tokens += "[r";
        else if (type == "text-start") tokens += "[m";
        else if (type == "tool-input-start") tokens += "[f";
        else if (type == "reasoning-delta" || type == "text-delta" || type == "tool-input-delta") tokens += "d";
        else if (type == "reasoning-end" || type == "text-end" || type == "tool-input-available") tokens += "]";
        else if (type == "finish-step") tokens += "e";
        else if (type == "finish") tokens += "F";
        else tokens += "?";
      }
      return tokens;
    case format::gemini:
    case format::ollama: {
      std::vector<std::string> lines;
      if (f == format::gemini) {
        for (const std::string& block : sse_blocks(body, "\r\n\r\n")) lines.push_back(data_of(block));
      } else {
        for (std::string_view rest = body; !rest.empty();) {
          const std::size_t end = rest.find('\n');
          if (end == std::string_view::npos) break;
          lines.emplace_back(rest.substr(0, end));
          rest.remove_prefix(end + 1);
        }
      }
      for (const std::string& line : lines) {
        const json frame = parse_json(line);
        if (f == format::gemini) {
          const json& candidate = frame["candidates"][0];
          if (candidate.has("finishReason")) {
            tokens += "F";
            continue;
          }
          char kind = 0;
          for (const json& part : candidate["content"]["parts"].array()) {
            const char this_kind = part.has("functionCall") ? 'f' : part.has("thought") ? 'r' : 'm';
            kind = kind == 0 || kind == this_kind ? this_kind : '?';
          }
          tokens += kind == 0 ? '0' : kind;
        } else {
          const json& message = frame["message"];
          tokens += frame["done"].boolean() ? 'F' : message.has("tool_calls") ? 'f' : message.has("thinking") ? 'r' : 'm';
        }
      }
      return tokens;
    }
    case format::plain_text: return tokens;
  }
  return tokens;
}

// The grammar of a complete reply of `a` in `f`, as a regular expression over the tokens.
std::string frame_grammar(format f, const answer& a) {
  const bool reasoning = !a.reasoning.empty();
  const bool text = !a.text.empty();
  const std::size_t calls = a.tool_calls.size();
  switch (f) {
    case format::openai_chat:
      // The role first, the deltas in the answer's order, the finish, usage if asked, [DONE].
      return "R" + when(reasoning, "r+") + when(text, "c+") + repeat(calls, "Ta+") + "F" + when(a.include_usage, "U") + "D";
    case format::openai_responses:
      // created, in_progress, one output item per part (each with its content part where the
      // API has one, its deltas and its done event), then completed or incomplete.
      return "CP" + when(reasoning, "\\[r\\(d+e\\)\\]") + when(text, "\\[m\\(d+e\\)\\]") + repeat(calls, "\\[fd+e\\]") + "Z";
    case format::anthropic:
      // message_start, one block per part (thinking ends with its signature), message_delta,
      // message_stop; pings may come anywhere in between.
      return "Sp*" + when(reasoning, "\\[rp*(dp*)+sp*\\]p*") + when(text, "\\[mp*(dp*)+\\]p*") +
             repeat(calls, "\\[fp*(dp*)+\\]p*") + "Mp*Z";
    case format::ui_message:
      return "Ss" + when(reasoning, "\\[rd+\\]") + when(text, "\\[md+\\]") + repeat(calls, "\\[fd+\\]") + "eFD";
    case format::gemini:
      // Thoughts, text, each function call whole, then the finish.
      return when(reasoning, "r+") + when(text, "m+") + repeat(calls, "f") + "F";
    case format::ollama:
      return when(reasoning, "r+") + when(text, "m+") + repeat(calls, "f") + "F";
    case format::plain_text: return "";
  }
  return "";
}

void check_frame_order(format f, const answer& a, std::string_view body, const char* how) {
  std::string tokens;
  try {
    tokens = frame_tokens(f, body);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "%s %s: a frame has not the format's shape: %s", format_name(f), how, e.what());
  }
  const std::string grammar = frame_grammar(f, a);
  // Compiled once per grammar: there are few (a part present or not, 0-3 calls), and
  // compiling a std::regex costs more than everything else an input does.
  static std::map<std::string, std::regex> compiled;
  auto found = compiled.find(grammar);
  if (found == compiled.end()) found = compiled.emplace(grammar, std::regex(grammar, std::regex::optimize)).first;
  FUZZ_CHECK(std::regex_match(tokens, found->second), "%s %s: the frames come as %s, not as %s",
             format_name(f), how, tokens.c_str(), grammar.c_str());
}

// --- Bodies --------------------------------------------------------------------------------

read_reply read_body(format f, std::string_view body) {
  read_reply reply;
  reply.terminated = true;
  if (f == format::plain_text) {
    reply.text = std::string(body);
    return reply;
  }
  const json root = parse_or_fail(body, "a body");
  try {
    switch (f) {
      case format::openai_chat: {
        FUZZ_CHECK(root["object"].str() == "chat.completion", "openai-chat body: object is %s",
                   root["object"].str().c_str());
        const json& message = root["choices"][0]["message"];
        if (!message["content"].is_null()) reply.text = message["content"].str();
        if (const json* thought = message.find("reasoning_content")) reply.reasoning = thought->str();
        if (const json* calls = message.find("tool_calls")) {
          for (const json& call : calls->array()) {
            const std::string& arguments = call["function"]["arguments"].str();
            reply.calls.push_back({call["id"].str(), call["function"]["name"].str(), parse_json(arguments), arguments});
          }
        }
        reply.finish = root["choices"][0]["finish_reason"].str();
        const json& usage = root["usage"];
        reply.input_tokens = usage["prompt_tokens"].number();
        reply.output_tokens = usage["completion_tokens"].number();
        reply.reasoning_tokens = usage["completion_tokens_details"]["reasoning_tokens"].number();
        break;
      }
      case format::openai_responses: {
        for (const json& item : root["output"].array()) {
          const std::string& type = item["type"].str();
          if (type == "reasoning") reply.reasoning += item["summary"][0]["text"].str();
          else if (type == "message") reply.text += item["content"][0]["text"].str();
          else if (type == "function_call") {
            const std::string& arguments = item["arguments"].str();
            reply.calls.push_back({item["call_id"].str(), item["name"].str(), parse_json(arguments), arguments});
          }
        }
        reply.finish = root["status"].str();
        const json& usage = root["usage"];
        reply.input_tokens = usage["input_tokens"].number();
        reply.output_tokens = usage["output_tokens"].number();
        reply.reasoning_tokens = usage["output_tokens_details"]["reasoning_tokens"].number();
        break;
      }
      case format::anthropic: {
        for (const json& block : root["content"].array()) {
          const std::string& type = block["type"].str();
          if (type == "thinking") reply.reasoning += block["thinking"].str();
          else if (type == "text") reply.text += block["text"].str();
          else if (type == "tool_use") reply.calls.push_back({block["id"].str(), block["name"].str(), block["input"], ""});
        }
        reply.finish = root["stop_reason"].str();
        reply.input_tokens = root["usage"]["input_tokens"].number();
        reply.output_tokens = root["usage"]["output_tokens"].number();
        break;
      }
      case format::ui_message:
        for (const json& part : root["parts"].array()) {
          const std::string& type = part["type"].str();
          if (type == "reasoning") reply.reasoning += part["text"].str();
          else if (type == "text") reply.text += part["text"].str();
          else if (type.rfind("tool-", 0) == 0) {
            reply.calls.push_back({part["toolCallId"].str(), type.substr(5), part["input"], ""});
          }
        }
        break;
      case format::gemini: wire_test::read_gemini_response(root, reply); break;
      case format::ollama: wire_test::read_ollama_line(root, reply); break;
      case format::plain_text: break;
    }
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "%s body does not read: %s\n  %s", format_name(f), e.what(), hex(body).c_str());
  }
  return reply;
}

// --- Events ----------------------------------------------------------------------------------

std::string joined(const std::vector<event>& events, event_kind kind, std::uint32_t tool = 0) {
  std::string out;
  for (const event& e : events) {
    if (e.kind == kind && (kind != event_kind::tool_arguments || e.tool == tool)) out += e.piece;
  }
  return out;
}

void check_events(const answer& a, split_mode mode, const std::vector<event>& events) {
  std::uint32_t pieces = 0;
  for (const event& e : events) {
    const bool carries = e.kind == event_kind::reasoning || e.kind == event_kind::text || e.kind == event_kind::tool_arguments;
    FUZZ_CHECK(!carries || !e.piece.empty(), "events_of (mode %d): an empty piece", static_cast<int>(mode));
    pieces += carries;
  }
  FUZZ_CHECK(count_pieces(events) == pieces, "count_pieces is %u, want %u", count_pieces(events), pieces);
  FUZZ_CHECK(joined(events, event_kind::text) == a.text, "events_of (mode %d): the text pieces make %s, not %s",
             static_cast<int>(mode), hex(joined(events, event_kind::text)).c_str(), hex(a.text).c_str());
  FUZZ_CHECK(joined(events, event_kind::reasoning) == a.reasoning, "events_of (mode %d): the reasoning pieces differ",
             static_cast<int>(mode));
  for (std::uint32_t i = 0; i < a.tool_calls.size(); ++i) {
    FUZZ_CHECK(joined(events, event_kind::tool_arguments, i) == a.tool_calls[i].arguments,
               "events_of (mode %d): the argument fragments of call %u differ", static_cast<int>(mode), i);
  }
}

// The answer's events with every field cut where the input says (inside characters too).
std::vector<event> cut_events(FuzzedDataProvider& in, const answer& a) {
  std::vector<event> events{{event_kind::start, 0, {}}};
  const auto cut = [&](event_kind kind, std::uint32_t tool, std::string_view field) {
    for (std::size_t at = 0; at < field.size();) {
      const std::size_t size = in.ConsumeIntegralInRange<std::size_t>(1, 9);
      events.push_back({kind, tool, field.substr(at, size)});
      at += size;
    }
  };
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

// --- The order of calls: a model of encoder.hpp's rules ------------------------------------

class order_model {
 public:
  enum class phase { fresh, started, reasoning, text, tool, between_tools, finished, ended };

  explicit order_model(const answer& a) : a_(a) {}

  phase now() const { return phase_; }
  std::size_t next_tool() const { return next_tool_; }
  std::size_t given() const { return given_; }

  // The field a piece call would continue, and where.
  std::string_view field_of(event_kind kind, std::size_t tool) const {
    if (kind == event_kind::reasoning) return a_.reasoning;
    if (kind == event_kind::text) return a_.text;
    return tool < a_.tool_calls.size() ? std::string_view(a_.tool_calls[tool].arguments) : std::string_view();
  }
  std::size_t cursor_for(event_kind kind) const {
    const bool open = (kind == event_kind::reasoning && phase_ == phase::reasoning) ||
                      (kind == event_kind::text && phase_ == phase::text) ||
                      (kind == event_kind::tool_arguments && phase_ == phase::tool);
    return open ? given_ : 0;
  }

  // Whether the call is in order, and then what it changes.
  bool allows(const event& e, bool apply) {
    const bool reasoning_done = a_.reasoning.empty() || (phase_ == phase::reasoning && given_ == a_.reasoning.size()) ||
                                phase_ > phase::reasoning;
    const bool text_done = a_.text.empty() || (phase_ == phase::text && given_ == a_.text.size()) || phase_ > phase::text;
    const bool between = phase_ >= phase::started && phase_ <= phase::between_tools && phase_ != phase::tool;
    const auto continues = [&](std::string_view field, std::size_t from) {
      return e.piece.size() <= field.size() - from && field.substr(from, e.piece.size()) == e.piece;
    };
    bool ok = false;
    phase next = phase_;
    std::size_t next_given = given_;
    std::size_t tool = next_tool_;
    switch (e.kind) {
      case event_kind::start:
        ok = phase_ == phase::fresh;
        next = phase::started;
        break;
      case event_kind::reasoning:
        ok = (phase_ == phase::started || phase_ == phase::reasoning) && !a_.reasoning.empty() &&
             continues(a_.reasoning, cursor_for(e.kind));
        next = phase::reasoning;
        next_given = cursor_for(e.kind) + e.piece.size();
        break;
      case event_kind::text:
        ok = (phase_ == phase::started || phase_ == phase::reasoning || phase_ == phase::text) && reasoning_done &&
             !a_.text.empty() && continues(a_.text, cursor_for(e.kind));
        next = phase::text;
        next_given = cursor_for(e.kind) + e.piece.size();
        break;
      case event_kind::tool_start:
        ok = between && reasoning_done && text_done && e.tool == next_tool_ && e.tool < a_.tool_calls.size();
        next = phase::tool;
        next_given = 0;
        break;
      case event_kind::tool_arguments:
        ok = phase_ == phase::tool && e.tool == next_tool_ && continues(a_.tool_calls[e.tool].arguments, given_);
        next_given = given_ + e.piece.size();
        break;
      case event_kind::tool_end:
        ok = phase_ == phase::tool && e.tool == next_tool_ && given_ == a_.tool_calls[e.tool].arguments.size();
        next = phase::between_tools;
        tool = next_tool_ + 1;
        break;
      case event_kind::finish:
        ok = between && reasoning_done && text_done && next_tool_ == a_.tool_calls.size();
        next = phase::finished;
        break;
      case event_kind::end:
        ok = phase_ == phase::finished;
        next = phase::ended;
        break;
    }
    if (ok && apply) {
      phase_ = next;
      given_ = next_given;
      next_tool_ = tool;
    }
    return ok;
  }

  bool now_is_ended() const { return phase_ == phase::ended; }
  bool error_allowed(int status) const { return phase_ != phase::ended && status >= 400 && status <= 599; }
  void ended() { phase_ = phase::ended; }

  // The next call in order that moves the stream towards its end: `piece_size` bytes of the
  // field being sent (at least one).
  event next_in_order(std::size_t piece_size) const {
    const auto piece = [&](event_kind kind, std::string_view field, std::size_t from) {
      return event{kind, static_cast<std::uint32_t>(next_tool_), field.substr(from, std::max<std::size_t>(piece_size, 1))};
    };
    switch (phase_) {
      case phase::fresh: return {event_kind::start, 0, {}};
      case phase::started:
        if (!a_.reasoning.empty()) return piece(event_kind::reasoning, a_.reasoning, 0);
        if (!a_.text.empty()) return piece(event_kind::text, a_.text, 0);
        break;
      case phase::reasoning:
        if (given_ < a_.reasoning.size()) return piece(event_kind::reasoning, a_.reasoning, given_);
        if (!a_.text.empty()) return piece(event_kind::text, a_.text, 0);
        break;
      case phase::text:
        if (given_ < a_.text.size()) return piece(event_kind::text, a_.text, given_);
        break;
      case phase::tool: {
        const std::string& arguments = a_.tool_calls[next_tool_].arguments;
        if (given_ < arguments.size()) return piece(event_kind::tool_arguments, arguments, given_);
        return {event_kind::tool_end, static_cast<std::uint32_t>(next_tool_), {}};
      }
      case phase::between_tools: break;
      case phase::finished: return {event_kind::end, 0, {}};
      case phase::ended: return {event_kind::end, 0, {}};
    }
    if (next_tool_ < a_.tool_calls.size()) return {event_kind::tool_start, static_cast<std::uint32_t>(next_tool_), {}};
    return {event_kind::finish, 0, {}};
  }

 private:
  const answer& a_;
  phase phase_ = phase::fresh;
  std::size_t given_ = 0;
  std::size_t next_tool_ = 0;
};

const char* kind_name(event_kind kind) {
  static constexpr const char* names[] = {"start", "reasoning", "text", "tool_call_start", "tool_arguments",
                                          "tool_call_end", "finish", "end"};
  return names[static_cast<int>(kind)];
}

// Calls the encoder the way a caller might, in or out of order, and checks each outcome
// against the model; then reads the stream back.
void run_script(FuzzedDataProvider& in, format f, const answer& a) {
  const std::unique_ptr<encoder> enc = make_encoder(f, a);
  order_model model(a);
  std::string out;
  std::string error_message_bytes;
  bool errored = false;
  bool errored_after_finish = false;
  const std::size_t steps = in.ConsumeIntegralInRange<std::size_t>(0, 60);
  for (std::size_t step = 0; step < steps && !model.now_is_ended(); ++step) {
    // Mostly the next call in order, to get far; else any call, with a piece that may or may
    // not continue its field.
    const int choice = in.ConsumeIntegralInRange(0, 15);
    if (choice == 15) {
      const int status = in.ConsumeIntegralInRange(380, 620);
      error_message_bytes = in.ConsumeBool() ? std::string() : field(in, 2);
      const std::string before = out;
      const bool allowed = model.error_allowed(status);
      bool threw = false;
      try {
        enc->error(out, wire_error{status, error_message_bytes});
      } catch (const std::logic_error&) {
        threw = true;
      }
      FUZZ_CHECK(threw != allowed, "%s: error(%d) in phase %d: %s", format_name(f), status,
                 static_cast<int>(model.now()), threw ? "refused" : "accepted");
      if (threw) {
        FUZZ_CHECK(out == before, "%s: a refused error(%d) wrote %s", format_name(f), status,
                   hex(std::string_view(out).substr(before.size())).c_str());
      } else {
        FUZZ_CHECK(enc->ended(), "%s: not ended after error()", format_name(f));
        errored_after_finish = model.now() == order_model::phase::finished;
        model.ended();
        errored = true;
      }
      continue;
    }
    event e;
    if (choice < 9) {
      e = model.next_in_order(in.ConsumeIntegralInRange<std::size_t>(0, 9));
    } else {
      e.kind = static_cast<event_kind>(in.ConsumeIntegralInRange(0, 7));
      e.tool = in.ConsumeIntegralInRange<std::uint32_t>(0, static_cast<std::uint32_t>(a.tool_calls.size()));
      if (e.kind == event_kind::reasoning || e.kind == event_kind::text || e.kind == event_kind::tool_arguments) {
        const std::string_view field_bytes = model.field_of(e.kind, e.tool);
        // A slice from where the field stands, or from somewhere else, of any length.
        std::size_t from = std::min(model.cursor_for(e.kind), field_bytes.size());
        if (in.ConsumeBool() && !field_bytes.empty()) from = in.ConsumeIntegralInRange<std::size_t>(0, field_bytes.size());
        const std::size_t length = in.ConsumeIntegralInRange<std::size_t>(0, field_bytes.size() - from);
        e.piece = field_bytes.substr(from, length);
        if (in.ConsumeIntegralInRange(0, 7) == 0) e.piece = "x";  // bytes that are not the field's
      }
    }
    const bool allowed = model.allows(e, false);
    const std::string before = out;
    bool threw = false;
    std::string why;
    try {
      enc->write(out, e);
    } catch (const std::logic_error& refusal) {
      threw = true;
      why = refusal.what();
    }
    FUZZ_CHECK(threw != allowed, "%s: %s(tool %u, piece %s) in phase %d at byte %zu: %s, want %s (%s)",
               format_name(f), kind_name(e.kind), e.tool, hex(e.piece).c_str(), static_cast<int>(model.now()),
               model.given(), threw ? "refused" : "accepted", allowed ? "accepted" : "refused", why.c_str());
    if (threw) {
      FUZZ_CHECK(out == before, "%s: the refused %s wrote %s", format_name(f), kind_name(e.kind),
                 hex(std::string_view(out).substr(before.size())).c_str());
    } else {
      model.allows(e, true);
    }
  }
  if (errored) {
    // Responses, Gemini and Ollama replies are complete at finish (encoder.hpp): a client
    // stops reading there, and the strict readers refuse what follows.
    if (errored_after_finish &&
        (f == format::openai_responses || f == format::gemini || f == format::ollama)) {
      return;
    }
    read_reply reply = read_or_fail(f, out, "ended by error()");
    if (f == format::plain_text) {
      FUZZ_CHECK(std::string_view(a.text).substr(0, reply.text.size()) == reply.text,
                 "plain-text ended by error(): %s is not a prefix of the text", hex(reply.text).c_str());
      return;
    }
    const std::string text = reference_text_decoder(a.text);
    const std::string reasoning = reference_text_decoder(a.reasoning);
    FUZZ_CHECK(text.compare(0, reply.text.size(), reply.text) == 0 && reasoning.compare(0, reply.reasoning.size(), reply.reasoning) == 0,
               "%s ended by error(): the text read so far (%s) is not a prefix of the answer's", format_name(f),
               hex(reply.text).c_str());
    FUZZ_CHECK(!reply.error_message.empty(), "%s ended by error(): no error frame in %s", format_name(f),
               hex(out).c_str());
    if (!error_message_bytes.empty()) {
      const std::string want = reference_text_decoder(error_message_bytes);
      FUZZ_CHECK(reply.error_message == want, "%s: the error says %s, want %s", format_name(f),
                 hex(reply.error_message).c_str(), hex(want).c_str());
    }
    FUZZ_CHECK(!reply.terminated, "%s: the terminator came before or after an error", format_name(f));
    return;
  }
  // Complete the stream in order, then it must read as the answer.
  while (!model.now_is_ended()) {
    const event e = model.next_in_order(in.ConsumeIntegralInRange<std::size_t>(1, 9));
    FUZZ_CHECK(model.allows(e, true), "the model's next call %s is not in its own order", kind_name(e.kind));
    try {
      enc->write(out, e);
    } catch (const std::exception& refusal) {
      FUZZ_CHECK(false, "%s: %s in order was refused: %s", format_name(f), kind_name(e.kind), refusal.what());
    }
  }
  FUZZ_CHECK(enc->ended(), "%s: not ended after end()", format_name(f));
  check_reply(f, a, read_or_fail(f, out, "after a script"), "after a script");
  check_frame_order(f, a, out, "after a script");
}

}  // namespace
}  // namespace trickle::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trickle;
  using namespace trickle::wire;
  using namespace trickle::fuzzing;
  FuzzedDataProvider in(data, size);
  made_answer made = make_answer(in);
  answer& a = made.a;
  const auto mode = static_cast<split_mode>(in.ConsumeIntegralInRange(0, 3));

  // A refused answer: refused everywhere, nothing written. Then repaired, and on.
  for (format f : all_formats) {
    std::string out;
    bool refused = false;
    try {
      write_stream(f, a, mode, out);
    } catch (const std::invalid_argument&) {
      refused = true;
    }
    FUZZ_CHECK(refused == made.must_refuse, "%s: write_stream %s an answer that must be %s", format_name(f),
               refused ? "refused" : "accepted", made.must_refuse ? "refused" : "accepted");
    if (!refused) break;  // one format is enough to show an acceptable answer is accepted
    FUZZ_CHECK(out.empty(), "%s: write_stream wrote %zu bytes of a refused answer", format_name(f), out.size());
    refused = false;
    try {
      write_body(f, a, out);
    } catch (const std::invalid_argument&) {
      refused = true;
    }
    FUZZ_CHECK(refused && out.empty(), "%s: write_body of a refused answer", format_name(f));
    refused = false;
    try {
      (void)make_encoder(f, a);
    } catch (const std::invalid_argument&) {
      refused = true;
    }
    FUZZ_CHECK(refused, "%s: make_encoder accepted a refused answer", format_name(f));
  }
  if (made.must_refuse) repair(a);

  const std::vector<event> events = events_of(a, mode);
  check_events(a, mode, events);
  for (format f : all_formats) {
    std::string body;
    write_stream(f, a, mode, body);
    check_reply(f, a, read_or_fail(f, body, "streamed"), "streamed");
    check_frame_order(f, a, body, "streamed");

    std::string whole;
    write_body(f, a, whole);
    check_reply(f, a, read_body(f, whole), "as a body", f != format::ui_message);
  }

  // Pieces cut anywhere, for one format (the input says which): every format reads its
  // frames back the same way, and one per input keeps the harness fast.
  const format cut_format = all_formats[in.ConsumeIntegralInRange<std::size_t>(0, std::size(all_formats) - 1)];
  const std::vector<event> cut = cut_events(in, a);
  std::string cut_body;
  const auto cut_encoder = make_encoder(cut_format, a);
  for (const event& e : cut) cut_encoder->write(cut_body, e);
  check_reply(cut_format, a, read_or_fail(cut_format, cut_body, "cut inside characters"), "cut inside characters");
  check_frame_order(cut_format, a, cut_body, "cut inside characters");

  // HTTP error bodies.
  const format error_format = all_formats[in.ConsumeIntegralInRange<std::size_t>(0, std::size(all_formats) - 1)];
  const int status = in.ConsumeIntegralInRange(390, 610);
  const std::string message = in.ConsumeBool() ? std::string() : field(in, 2);
  std::string error_body = "kept";
  bool refused = false;
  try {
    write_error_body(error_format, wire_error{status, message}, error_body);
  } catch (const std::invalid_argument&) {
    refused = true;
  }
  FUZZ_CHECK(refused == (status < 400 || status > 599), "%s: write_error_body(%d) %s", format_name(error_format),
             status, refused ? "refused" : "accepted");
  FUZZ_CHECK(error_body.rfind("kept", 0) == 0, "write_error_body cleared the buffer");
  if (!refused) {
    const std::string_view body = std::string_view(error_body).substr(4);
    const std::string want = reference_text_decoder(message);
    if (error_format == format::ui_message || error_format == format::plain_text) {
      FUZZ_CHECK(message.empty() ? !body.empty() : body == message, "%s: the error body is %s",
                 format_name(error_format), hex(body).c_str());
    } else {
      const json root = parse_or_fail(body, "an error body");
      std::string said;
      try {
        said = error_format == format::ollama ? root["error"].str() : root["error"]["message"].str();
      } catch (const std::exception& e) {
        FUZZ_CHECK(false, "%s: the error body has no message: %s", format_name(error_format), e.what());
      }
      FUZZ_CHECK(message.empty() ? !said.empty() : said == want, "%s: the error body says %s, want %s",
                 format_name(error_format), hex(said).c_str(), hex(want).c_str());
    }
  }

  // The checked order, for one format.
  run_script(in, all_formats[in.ConsumeIntegralInRange<std::size_t>(0, std::size(all_formats) - 1)], a);
  return 0;
}
