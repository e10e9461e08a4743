// Inside the wire library: what encoder.cpp needs from each format's file, and the facts
// the formats share (ids, error wording per HTTP status). Not part of the public API.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/wire/encoder.hpp"
#include "core/wire/json.hpp"

namespace trickle::wire::detail {

// One format's three writers. `make` gets an answer that check_answer() accepted.
struct format_writers {
  std::unique_ptr<encoder> (*make)(const answer& a);
  void (*body)(const answer& a, std::string& out);
  void (*error_body)(std::string& out, const wire_error& failure);
};

extern const format_writers openai_chat_writers;
extern const format_writers openai_responses_writers;
extern const format_writers anthropic_writers;
extern const format_writers ui_message_writers;
extern const format_writers gemini_writers;
extern const format_writers ollama_writers;
extern const format_writers plain_text_writers;

// How each provider names the error behind an HTTP status.
struct status_facts {
  std::string_view openai_type;
  std::string_view openai_code;     // empty: null
  std::string_view anthropic_type;
  std::string_view google_status;   // google.rpc.Code name
  std::string_view message;         // the wording used when the caller gives none
};
const status_facts& facts_for(int status) noexcept;
inline std::string_view message_of(const wire_error& failure) {
  return failure.message.empty() ? facts_for(failure.status).message : failure.message;
}

// {"error":{message,type,param,code}}: every OpenAI error body, streamed or not.
void append_openai_error(std::string& out, const wire_error& failure);

// The answer's id, or "trickle" when it has none: every format needs some id.
inline std::string_view base_id(const answer& a) { return a.id.empty() ? std::string_view("trickle") : a.id; }

// A tool call's id: its own, else `prefix` + base id + "_" + index.
std::string tool_call_id(const answer& a, std::size_t index, std::string_view prefix);

// Writes `"name":` + a JSON string.
inline void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.push_back('"');
  out.append(name);
  out.append("\":", 2);
  append_json_string(out, value);
}

}  // namespace trickle::wire::detail
