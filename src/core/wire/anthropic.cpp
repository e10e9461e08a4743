// Anthropic Messages, /v1/messages.
//
// Streamed: `event: <type>\ndata: {"type":"<type>",...}\n\n`. The @anthropic-ai/sdk drops any
// frame without an `event:` line, so every frame has one.
//   start       message_start (the message with empty content, usage.input_tokens)
//   reasoning   a thinking block: content_block_start {type:thinking, thinking:"",
//               signature:""}, per piece content_block_delta thinking_delta; closed by a
//               signature_delta and content_block_stop
//   text        a text block: content_block_start {type:text, text:""}, per piece
//               content_block_delta text_delta; closed by content_block_stop
//   tool call   a tool_use block: content_block_start {type:tool_use, id, name, input:{}},
//               per fragment content_block_delta input_json_delta; content_block_stop
//   ping        once, after the first content_block_start (before message_delta if no
//               block opens), where the API sends it
//   finish      message_delta {stop_reason: end_turn | max_tokens | tool_use,
//               stop_sequence:null}, usage.output_tokens
//   error       event: error {type:error, error:{type: overloaded_error...}}
//   end         message_stop
// Blocks are numbered from 0 in the order they open. The thinking signature is opaque to
// clients (they only send it back): a fixed "trickle" marker plus the id.
#include <string>

#include "core/wire/formats.hpp"
#include "core/wire/json.hpp"

namespace trickle::wire::detail {
namespace {

std::string_view stop_reason(const answer& a) {
  switch (resolved_finish(a)) {
    case finish_reason::length: return "max_tokens";
    case finish_reason::tool_calls: return "tool_use";
    default: return "end_turn";
  }
}

void append_signature(std::string& out, const answer& a) {
  out.append("\"trickle-signature-");
  append_json_escaped(out, base_id(a));
  out.append("\"");
}

void append_message_id(std::string& out, const answer& a) {
  out.append("\"msg_");
  append_json_escaped(out, base_id(a));
  out.append("\"");
}

void append_error(std::string& out, const wire_error& failure) {
  out.append("{\"type\":\"error\",\"error\":{");
  append_field(out, "type", facts_for(failure.status).anthropic_type);
  out.append(",");
  append_field(out, "message", message_of(failure));
  out.append("}");
}

class anthropic_encoder final : public encoder {
 public:
  explicit anthropic_encoder(const answer& a) : encoder(a) {}

 private:
  void open_block(std::string& out, std::string_view content_block) {
    out.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":");
    append_integer(out, block_);
    out.append(",\"content_block\":");
    out.append(content_block);
    out.append("}\n\n");
    delta_open_.assign("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":");
    append_integer(delta_open_, block_);
    delta_open_.append(",\"delta\":");
    ping(out);
  }
  void ping(std::string& out) {
    if (pinged_) return;
    out.append("event: ping\ndata: {\"type\":\"ping\"}\n\n");
    pinged_ = true;
  }
  void delta(std::string& out, std::string_view type_and_field, std::string_view json) {
    out.append(delta_open_);
    out.append(type_and_field);
    append_json_escaped(out, json);
    out.append("\"}}\n\n");
  }
  void close_block(std::string& out) {
    out.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":");
    append_integer(out, block_++);
    out.append("}\n\n");
  }

  void on_start(std::string& out) override {
    out.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":");
    append_message_id(out, answer_);
    out.append(",\"type\":\"message\",\"role\":\"assistant\",");
    append_field(out, "model", answer_.model);
    out.append(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":");
    append_integer(out, answer_.input_tokens);
    // The API reports a first output token here and the total in message_delta.
    out.append(",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":");
    append_integer(out, answer_.output_tokens > 0 ? 1 : 0);
    out.append("}}}\n\n");
  }

  void on_reasoning_begin(std::string& out) override {
    open_block(out, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
  }
  void on_reasoning(std::string& out, piece_bytes piece) override {
    delta(out, "{\"type\":\"thinking_delta\",\"thinking\":\"", piece.json);
  }
  void on_reasoning_end(std::string& out) override {
    out.append(delta_open_);
    out.append("{\"type\":\"signature_delta\",\"signature\":");
    append_signature(out, answer_);
    out.append("}}\n\n");
    close_block(out);
  }

  void on_text_begin(std::string& out) override { open_block(out, "{\"type\":\"text\",\"text\":\"\"}"); }
  void on_text(std::string& out, piece_bytes piece) override {
    delta(out, "{\"type\":\"text_delta\",\"text\":\"", piece.json);
  }
  void on_text_end(std::string& out) override { close_block(out); }

  void on_tool_begin(std::string& out, std::size_t index) override {
    std::string block("{\"type\":\"tool_use\",");
    append_field(block, "id", tool_call_id(answer_, index, "toolu_"));
    block.append(",");
    append_field(block, "name", answer_.tool_calls[index].name);
    block.append(",\"input\":{}}");
    open_block(out, block);
  }
  void on_tool_arguments(std::string& out, std::size_t, piece_bytes fragment) override {
    delta(out, "{\"type\":\"input_json_delta\",\"partial_json\":\"", fragment.json);
  }
  void on_tool_end(std::string& out, std::size_t) override { close_block(out); }

  void on_finish(std::string& out) override {
    ping(out);
    out.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"");
    out.append(stop_reason(answer_));
    out.append("\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":");
    append_integer(out, answer_.output_tokens);
    out.append("}}\n\n");
  }
  void on_error(std::string& out, const wire_error& failure) override {
    out.append("event: error\ndata: ");
    append_error(out, failure);
    out.append("}\n\n");
  }
  void on_end(std::string& out) override { out.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"); }

  std::int64_t block_ = 0;
  bool pinged_ = false;
  std::string delta_open_;  // of the open block
};

void write_message_body(const answer& a, std::string& out) {
  out.append("{\"id\":");
  append_message_id(out, a);
  out.append(",\"type\":\"message\",\"role\":\"assistant\",");
  append_field(out, "model", a.model);
  out.append(",\"content\":[");
  bool first = true;
  auto separate = [&] {
    if (!first) out.push_back(',');
    first = false;
  };
  if (!a.reasoning.empty()) {
    separate();
    out.append("{\"type\":\"thinking\",");
    append_field(out, "thinking", a.reasoning);
    out.append(",\"signature\":");
    append_signature(out, a);
    out.append("}");
  }
  if (!a.text.empty()) {
    separate();
    out.append("{\"type\":\"text\",");
    append_field(out, "text", a.text);
    out.append("}");
  }
  for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
    separate();
    out.append("{\"type\":\"tool_use\",");
    append_field(out, "id", tool_call_id(a, i, "toolu_"));
    out.append(",");
    append_field(out, "name", a.tool_calls[i].name);
    out.append(",\"input\":");
    append_json_compact(out, a.tool_calls[i].arguments);  // checked: one JSON object
    out.append("}");
  }
  out.append("],\"stop_reason\":\"");
  out.append(stop_reason(a));
  out.append("\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":");
  append_integer(out, a.input_tokens);
  out.append(",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":");
  append_integer(out, a.output_tokens);
  out.append("}}");
}

void write_error_body(std::string& out, const wire_error& failure) {
  append_error(out, failure);
  out.append(",\"request_id\":\"req_trickle\"}");
}

}  // namespace

const format_writers anthropic_writers = {
    [](const answer& a) -> std::unique_ptr<encoder> { return std::make_unique<anthropic_encoder>(a); },
    write_message_body,
    write_error_body,
};

}  // namespace trickle::wire::detail
