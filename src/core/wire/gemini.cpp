// Google Gemini, models/<model>:streamGenerateContent?alt=sse and :generateContent.
//
// Streamed: `data: {GenerateContentResponse}\r\n\r\n` (the API ends its events with CRLF
// pairs; @google/genai splits on \n\n, \r\r and \r\n\r\n alike). No start frame, no
// terminator. Each frame carries one candidate with the content of that moment:
//   reasoning   parts [{text:"...", thought:true}] (a thought part, as the API streams
//               thinking when includeThoughts is on; response.text skips it)
//   text        parts [{text:"..."}]
//   tool call   nothing while it streams; at its end parts [{functionCall:{name, args}}]
//               with the whole arguments as an object (Gemini sends calls whole)
//   finish      parts [{text:""}], finishReason STOP (MAX_TOKENS for length; Gemini has no
//               tool-call finish reason), usageMetadata {promptTokenCount,
//               candidatesTokenCount, totalTokenCount, thoughtsTokenCount}
//   error       data: {"error":{code, message, status}}: the SDK throws ApiError with that
//               code. A stream that stops before any finishReason makes @google/genai retry
//               the request, so an error frame is the way to fail for good.
// Every frame ends with modelVersion and responseId, as the API's do.
#include <string>

#include "core/wire/formats.hpp"
#include "core/wire/json.hpp"

namespace trickle::wire::detail {
namespace {

void append_usage(std::string& out, const answer& a) {
  out.append("\"usageMetadata\":{\"promptTokenCount\":");
  append_integer(out, a.input_tokens);
  // Gemini counts thoughts apart from the candidates.
  out.append(",\"candidatesTokenCount\":");
  append_integer(out, std::int64_t{a.output_tokens} - a.reasoning_tokens);
  out.append(",\"totalTokenCount\":");
  append_integer(out, std::int64_t{a.input_tokens} + a.output_tokens);
  if (a.reasoning_tokens > 0) {
    out.append(",\"thoughtsTokenCount\":");
    append_integer(out, a.reasoning_tokens);
  }
  out.append("}");
}

void append_tail(std::string& out, const answer& a) {
  append_field(out, "modelVersion", a.model);
  out.append(",");
  append_field(out, "responseId", base_id(a));
  out.append("}");
}

void append_function_call(std::string& out, const tool_call& call) {
  out.append("{\"functionCall\":{");
  append_field(out, "name", call.name);
  out.append(",\"args\":");
  append_json_compact(out, call.arguments);  // checked: one JSON object
  out.append("}}");
}

std::string_view finish_name(const answer& a) {
  return resolved_finish(a) == finish_reason::length ? "MAX_TOKENS" : "STOP";
}

void append_error(std::string& out, const wire_error& failure) {
  out.append("{\"error\":{\"code\":");
  append_integer(out, failure.status);
  out.append(",");
  append_field(out, "message", message_of(failure));
  out.append(",");
  append_field(out, "status", facts_for(failure.status).google_status);
  out.append("}}");
}

class gemini_encoder final : public encoder {
 public:
  explicit gemini_encoder(const answer& a) : encoder(a) {
    close_.append("],\"role\":\"model\"},\"index\":0}],");
    append_tail(close_, a);
    close_.append("\r\n\r\n");
  }

 private:
  static constexpr std::string_view open_ = "data: {\"candidates\":[{\"content\":{\"parts\":[";

  void text_part(std::string& out, std::string_view json, bool thought) {
    out.append(open_);
    out.append("{\"text\":\"");
    append_json_escaped(out, json);
    out.append(thought ? "\",\"thought\":true}" : "\"}");
    out.append(close_);
  }

  void on_start(std::string&) override {}
  void on_reasoning_begin(std::string&) override {}
  void on_reasoning(std::string& out, piece_bytes piece) override { text_part(out, piece.json, true); }
  void on_reasoning_end(std::string&) override {}
  void on_text_begin(std::string&) override {}
  void on_text(std::string& out, piece_bytes piece) override { text_part(out, piece.json, false); }
  void on_text_end(std::string&) override {}
  void on_tool_begin(std::string&, std::size_t) override {}
  void on_tool_arguments(std::string&, std::size_t, piece_bytes) override {}
  void on_tool_end(std::string& out, std::size_t index) override {
    out.append(open_);
    append_function_call(out, answer_.tool_calls[index]);
    out.append(close_);
  }
  void on_finish(std::string& out) override {
    out.append(open_);
    out.append("{\"text\":\"\"}],\"role\":\"model\"},\"finishReason\":\"");
    out.append(finish_name(answer_));
    out.append("\",\"index\":0}],");
    append_usage(out, answer_);
    out.append(",");
    append_tail(out, answer_);
    out.append("\r\n\r\n");
  }
  void on_error(std::string& out, const wire_error& failure) override {
    out.append("data: ");
    append_error(out, failure);
    out.append("\r\n\r\n");
  }
  void on_end(std::string&) override {}

  std::string close_;
};

void write_generate_content_body(const answer& a, std::string& out) {
  out.append("{\"candidates\":[{\"content\":{\"parts\":[");
  bool first = true;
  auto separate = [&] {
    if (!first) out.push_back(',');
    first = false;
  };
  if (!a.reasoning.empty()) {
    separate();
    out.append("{");
    append_field(out, "text", a.reasoning);
    out.append(",\"thought\":true}");
  }
  if (!a.text.empty()) {
    separate();
    out.append("{");
    append_field(out, "text", a.text);
    out.append("}");
  }
  for (const tool_call& call : a.tool_calls) separate(), append_function_call(out, call);
  out.append("],\"role\":\"model\"},\"finishReason\":\"");
  out.append(finish_name(a));
  out.append("\",\"index\":0}],");
  append_usage(out, a);
  out.append(",");
  append_tail(out, a);
}

}  // namespace

const format_writers gemini_writers = {
    [](const answer& a) -> std::unique_ptr<encoder> { return std::make_unique<gemini_encoder>(a); },
    write_generate_content_body,
    append_error,
};

}  // namespace trickle::wire::detail
