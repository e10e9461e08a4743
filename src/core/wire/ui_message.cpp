// The AI SDK's UI message stream, protocol v1: what useChat / DefaultChatTransport read
// (header x-vercel-ai-ui-message-stream: v1). `data: {json}\n\n` frames, `data: [DONE]\n\n` last.
//   start       {type:start, messageId}, {type:start-step}
//   reasoning   reasoning-start {id}, reasoning-delta {id, delta}..., reasoning-end {id}
//   text        text-start {id}, text-delta {id, delta}..., text-end {id}
//   tool call   tool-input-start {toolCallId, toolName}, tool-input-delta {toolCallId,
//               inputTextDelta}..., then tool-input-available {toolCallId, toolName, input}
//               with the whole arguments as an object
//   finish      {type:finish-step}, {type:finish, finishReason: stop | length | tool-calls,
//               messageMetadata:{usage:{inputTokens, outputTokens, totalTokens,
//               reasoningTokens}}}: the protocol has no usage field, so the usage travels
//               as message metadata, where useChat exposes it as message.metadata
//   error       {type:error, errorText}
//   end         [DONE]
// The client validates every part against its schema and rejects a delta whose start it has
// not seen, so parts always open before their deltas.
#include <string>

#include "core/wire/formats.hpp"
#include "core/wire/json.hpp"

namespace trickle::wire::detail {
namespace {

std::string_view finish_name(const answer& a) {
  switch (resolved_finish(a)) {
    case finish_reason::length: return "length";
    case finish_reason::tool_calls: return "tool-calls";
    default: return "stop";
  }
}

void append_message_id(std::string& out, const answer& a) {
  out.append("\"msg-");
  append_json_escaped(out, base_id(a));
  out.append("\"");
}

class ui_message_encoder final : public encoder {
 public:
  explicit ui_message_encoder(const answer& a) : encoder(a) {}

 private:
  static void frame(std::string& out, std::string_view json) {
    out.append("data: ");
    out.append(json);
    out.append("\n\n");
  }

  void on_start(std::string& out) override {
    out.append("data: {\"type\":\"start\",\"messageId\":");
    append_message_id(out, answer_);
    out.append("}\n\n");
    frame(out, "{\"type\":\"start-step\"}");
  }

  void on_reasoning_begin(std::string& out) override { frame(out, "{\"type\":\"reasoning-start\",\"id\":\"reasoning-0\"}"); }
  void on_reasoning(std::string& out, piece_bytes piece) override {
    out.append("data: {\"type\":\"reasoning-delta\",\"id\":\"reasoning-0\",\"delta\":\"");
    append_json_escaped(out, piece.json);
    out.append("\"}\n\n");
  }
  void on_reasoning_end(std::string& out) override { frame(out, "{\"type\":\"reasoning-end\",\"id\":\"reasoning-0\"}"); }

  void on_text_begin(std::string& out) override { frame(out, "{\"type\":\"text-start\",\"id\":\"text-0\"}"); }
  void on_text(std::string& out, piece_bytes piece) override {
    out.append("data: {\"type\":\"text-delta\",\"id\":\"text-0\",\"delta\":\"");
    append_json_escaped(out, piece.json);
    out.append("\"}\n\n");
  }
  void on_text_end(std::string& out) override { frame(out, "{\"type\":\"text-end\",\"id\":\"text-0\"}"); }

  void on_tool_begin(std::string& out, std::size_t index) override {
    call_id_field_.clear();
    append_field(call_id_field_, "toolCallId", tool_call_id(answer_, index, "call_"));
    out.append("data: {\"type\":\"tool-input-start\",");
    out.append(call_id_field_);
    out.append(",");
    append_field(out, "toolName", answer_.tool_calls[index].name);
    out.append("}\n\n");
  }
  void on_tool_arguments(std::string& out, std::size_t, piece_bytes fragment) override {
    out.append("data: {\"type\":\"tool-input-delta\",");
    out.append(call_id_field_);
    out.append(",\"inputTextDelta\":\"");
    append_json_escaped(out, fragment.json);
    out.append("\"}\n\n");
  }
  void on_tool_end(std::string& out, std::size_t index) override {
    out.append("data: {\"type\":\"tool-input-available\",");
    out.append(call_id_field_);
    out.append(",");
    append_field(out, "toolName", answer_.tool_calls[index].name);
    out.append(",\"input\":");
    append_json_compact(out, answer_.tool_calls[index].arguments);  // checked: one JSON object
    out.append("}\n\n");
  }

  void on_finish(std::string& out) override {
    frame(out, "{\"type\":\"finish-step\"}");
    out.append("data: {\"type\":\"finish\",\"finishReason\":\"");
    out.append(finish_name(answer_));
    out.append("\",\"messageMetadata\":{\"usage\":{\"inputTokens\":");
    append_integer(out, answer_.input_tokens);
    out.append(",\"outputTokens\":");
    append_integer(out, answer_.output_tokens);
    out.append(",\"totalTokens\":");
    append_integer(out, std::int64_t{answer_.input_tokens} + answer_.output_tokens);
    out.append(",\"reasoningTokens\":");
    append_integer(out, answer_.reasoning_tokens);
    out.append("}}}\n\n");
  }
  void on_error(std::string& out, const wire_error& failure) override {
    out.append("data: {\"type\":\"error\",");
    append_field(out, "errorText", message_of(failure));
    out.append("}\n\n");
  }
  void on_end(std::string& out) override { out.append("data: [DONE]\n\n"); }

  std::string call_id_field_;  // "toolCallId":"..." of the open call
};

// There is no non-streamed UI message protocol: the body is the UIMessage that the stream
// builds in useChat (parts: step-start, reasoning, text, then one tool-<name> part per call, its input
// available).
void write_ui_message_body(const answer& a, std::string& out) {
  out.append("{\"id\":");
  append_message_id(out, a);
  out.append(",\"role\":\"assistant\",\"parts\":[{\"type\":\"step-start\"}");
  if (!a.reasoning.empty()) {
    out.append(",{\"type\":\"reasoning\",");
    append_field(out, "text", a.reasoning);
    out.append(",\"state\":\"done\"}");
  }
  if (!a.text.empty()) {
    out.append(",{\"type\":\"text\",");
    append_field(out, "text", a.text);
    out.append(",\"state\":\"done\"}");
  }
  for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
    out.append(",{\"type\":\"tool-");
    append_json_escaped(out, a.tool_calls[i].name);
    out.append("\",");
    append_field(out, "toolCallId", tool_call_id(a, i, "call_"));
    out.append(",\"state\":\"input-available\",\"input\":");
    append_json_compact(out, a.tool_calls[i].arguments);
    out.append("}");
  }
  out.append("]}");
}

// useChat turns a failed response into an Error whose message is the body's text.
void write_plain_error(std::string& out, const wire_error& failure) { out.append(message_of(failure)); }

}  // namespace

const format_writers ui_message_writers = {
    [](const answer& a) -> std::unique_ptr<encoder> { return std::make_unique<ui_message_encoder>(a); },
    write_ui_message_body,
    write_plain_error,
};

}  // namespace trickle::wire::detail
