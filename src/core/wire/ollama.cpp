// Ollama, /api/chat. Streamed as NDJSON: one JSON object per line, `\n` after each.
//   every line  {"model", "created_at" (RFC 3339 from answer.created), "message":{role,
//               content[, thinking][, tool_calls]}, "done":false}
//   reasoning   message.thinking (what Ollama streams for `think: true`), content ""
//   text        message.content
//   tool call   nothing while it streams; at its end message.tool_calls with the one call
//               whole: {id, function:{index, name, arguments: object}} (Ollama sends calls
//               whole)
//   finish      the `done: true` line: done_reason stop | length (Ollama reports tool calls
//               as stop), total_duration and eval_duration = answer.duration_ns,
//               prompt_eval_count = input tokens, eval_count = output tokens. The ollama
//               client throws if this line never comes.
//   error       {"error":"message"}: the client throws an Error with that message
// No start line, no terminator.
#include <string>

#include "core/wire/formats.hpp"
#include "core/wire/json.hpp"

namespace trickle::wire::detail {
namespace {

void append_head(std::string& out, const answer& a) {
  out.append("{");
  append_field(out, "model", a.model);
  out.append(",\"created_at\":\"");
  append_rfc3339(out, a.created);
  out.append("\",\"message\":{\"role\":\"assistant\",\"content\":\"");
}

void append_tool_call(std::string& out, const answer& a, std::size_t index) {
  out.append("{");
  append_field(out, "id", tool_call_id(a, index, "call_"));
  out.append(",\"function\":{\"index\":");
  append_integer(out, static_cast<std::int64_t>(index));
  out.append(",");
  append_field(out, "name", a.tool_calls[index].name);
  out.append(",\"arguments\":");
  append_json_compact(out, a.tool_calls[index].arguments);  // checked: one JSON object
  out.append("}}");
}

// `"done":true,...` up to the closing brace.
void append_done(std::string& out, const answer& a) {
  out.append("\"done\":true,\"done_reason\":\"");
  out.append(resolved_finish(a) == finish_reason::length ? "length" : "stop");
  out.append("\",\"total_duration\":");
  append_integer(out, static_cast<std::int64_t>(a.duration_ns));
  out.append(",\"load_duration\":0,\"prompt_eval_count\":");
  append_integer(out, a.input_tokens);
  out.append(",\"prompt_eval_duration\":0,\"eval_count\":");
  append_integer(out, a.output_tokens);
  out.append(",\"eval_duration\":");
  append_integer(out, static_cast<std::int64_t>(a.duration_ns));
  out.append("}");
}

void append_error(std::string& out, const wire_error& failure) {
  out.append("{");
  append_field(out, "error", message_of(failure));
  out.append("}");
}

class ollama_encoder final : public encoder {
 public:
  explicit ollama_encoder(const answer& a) : encoder(a) { append_head(head_, a); }

 private:
  void on_start(std::string&) override {}
  void on_reasoning_begin(std::string&) override {}
  void on_reasoning(std::string& out, piece_bytes piece) override {
    out.append(head_);
    out.append("\",\"thinking\":\"");
    append_json_escaped(out, piece.json);
    out.append("\"},\"done\":false}\n");
  }
  void on_reasoning_end(std::string&) override {}
  void on_text_begin(std::string&) override {}
  void on_text(std::string& out, piece_bytes piece) override {
    out.append(head_);
    append_json_escaped(out, piece.json);
    out.append("\"},\"done\":false}\n");
  }
  void on_text_end(std::string&) override {}
  void on_tool_begin(std::string&, std::size_t) override {}
  void on_tool_arguments(std::string&, std::size_t, piece_bytes) override {}
  void on_tool_end(std::string& out, std::size_t index) override {
    out.append(head_);
    out.append("\",\"tool_calls\":[");
    append_tool_call(out, answer_, index);
    out.append("]},\"done\":false}\n");
  }
  void on_finish(std::string& out) override {
    out.append(head_);
    out.append("\"},");
    append_done(out, answer_);
    out.push_back('\n');
  }
  void on_error(std::string& out, const wire_error& failure) override {
    append_error(out, failure);
    out.push_back('\n');
  }
  void on_end(std::string&) override {}

  std::string head_;  // every line up to the message's content
};

void write_chat_body(const answer& a, std::string& out) {
  append_head(out, a);
  append_json_escaped(out, a.text);
  out.append("\"");
  if (!a.reasoning.empty()) {
    out.append(",");
    append_field(out, "thinking", a.reasoning);
  }
  if (!a.tool_calls.empty()) {
    out.append(",\"tool_calls\":[");
    for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_tool_call(out, a, i);
    }
    out.append("]");
  }
  out.append("},");
  append_done(out, a);
}

}  // namespace

const format_writers ollama_writers = {
    [](const answer& a) -> std::unique_ptr<encoder> { return std::make_unique<ollama_encoder>(a); },
    write_chat_body,
    append_error,
};

}  // namespace trickle::wire::detail
