// OpenAI Chat Completions, /v1/chat/completions.
//
// Streamed: `data: {chat.completion.chunk}\n\n` frames, then `data: [DONE]\n\n`.
//   start       delta {"role":"assistant","content":"","refusal":null}
//   reasoning   delta {"reasoning_content":"..."}: DeepSeek's field, also what vLLM, SGLang,
//               LiteLLM and Qwen's API send; the openai SDK copies unknown delta fields onto
//               the message as they come, so the field reaches the caller untouched. (OpenAI
//               itself streams no reasoning in this API; OpenRouter spells it `reasoning`.)
//   text        delta {"content":"..."}
//   tool start  delta {"tool_calls":[{"index":i,"id":..,"type":"function",
//                      "function":{"name":..,"arguments":""}}]}
//   arguments   delta {"tool_calls":[{"index":i,"function":{"arguments":"..."}}]}
//   finish      delta {} with finish_reason; then, when include_usage, a chunk with
//               "choices":[] and the usage (every earlier chunk carries "usage":null then)
//   error       data: {"error":{message,type,param,code}} (the SDK throws APIError)
//   end         data: [DONE]
#include <string>

#include "core/wire/formats.hpp"
#include "core/wire/json.hpp"

namespace trickle::wire::detail {
namespace {

std::string_view finish_name(const answer& a) {
  switch (resolved_finish(a)) {
    case finish_reason::length: return "length";
    case finish_reason::tool_calls: return "tool_calls";
    default: return "stop";
  }
}

void append_usage(std::string& out, const answer& a) {
  out.append("{\"prompt_tokens\":");
  append_integer(out, a.input_tokens);
  out.append(",\"completion_tokens\":");
  append_integer(out, a.output_tokens);
  out.append(",\"total_tokens\":");
  append_integer(out, std::int64_t{a.input_tokens} + a.output_tokens);
  out.append(",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0}"
             ",\"completion_tokens_details\":{\"reasoning_tokens\":");
  append_integer(out, a.reasoning_tokens);
  out.append(",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}");
}

// `{"id":...,"model":...,` shared by the chunks and the whole body.
void append_head(std::string& out, const answer& a, std::string_view object) {
  out.append("{\"id\":\"chatcmpl-");
  append_json_escaped(out, base_id(a));
  out.append("\",\"object\":\"");
  out.append(object);
  out.append("\",\"created\":");
  append_integer(out, a.created);
  out.append(",");
  append_field(out, "model", a.model);
  out.append(",\"system_fingerprint\":null,");
}

}  // namespace

void append_openai_error(std::string& out, const wire_error& failure) {
  const status_facts& facts = facts_for(failure.status);
  out.append("{\"error\":{");
  append_field(out, "message", message_of(failure));
  out.append(",");
  append_field(out, "type", facts.openai_type);
  out.append(",\"param\":null,\"code\":");
  if (facts.openai_code.empty()) {
    out.append("null");
  } else {
    append_json_string(out, facts.openai_code);
  }
  out.append("}}");
}

namespace {

class openai_chat_encoder final : public encoder {
 public:
  explicit openai_chat_encoder(const answer& a) : encoder(a) {
    // Every delta chunk is delta_open_ + the delta's fields + delta_close_.
    delta_open_.append("data: ");
    append_head(delta_open_, a, "chat.completion.chunk");
    delta_open_.append("\"choices\":[{\"index\":0,\"delta\":{");
    delta_close_.append("},\"logprobs\":null,\"finish_reason\":null}]");
    if (a.include_usage) delta_close_.append(",\"usage\":null");
    delta_close_.append("}\n\n");
  }

 private:
  void delta(std::string& out, std::string_view fields) {
    out.append(delta_open_);
    out.append(fields);
    out.append(delta_close_);
  }
  void string_delta(std::string& out, std::string_view field_open, std::string_view json) {
    out.append(delta_open_);
    out.append(field_open);
    append_json_escaped(out, json);
    out.push_back('"');
    out.append(delta_close_);
  }

  void on_start(std::string& out) override { delta(out, "\"role\":\"assistant\",\"content\":\"\",\"refusal\":null"); }
  void on_reasoning_begin(std::string&) override {}
  void on_reasoning(std::string& out, piece_bytes piece) override {
    string_delta(out, "\"reasoning_content\":\"", piece.json);
  }
  void on_reasoning_end(std::string&) override {}
  void on_text_begin(std::string&) override {}
  void on_text(std::string& out, piece_bytes piece) override { string_delta(out, "\"content\":\"", piece.json); }
  void on_text_end(std::string&) override {}

  void on_tool_begin(std::string& out, std::size_t index) override {
    out.append(delta_open_);
    out.append("\"tool_calls\":[{\"index\":");
    append_integer(out, static_cast<std::int64_t>(index));
    out.append(",");
    append_field(out, "id", tool_call_id(answer_, index, "call_"));
    out.append(",\"type\":\"function\",\"function\":{");
    append_field(out, "name", answer_.tool_calls[index].name);
    out.append(",\"arguments\":\"\"}}]");
    out.append(delta_close_);
    // The fragments of this call share their opening up to the arguments' text.
    arguments_open_.assign("\"tool_calls\":[{\"index\":");
    append_integer(arguments_open_, static_cast<std::int64_t>(index));
    arguments_open_.append(",\"function\":{\"arguments\":\"");
  }
  void on_tool_arguments(std::string& out, std::size_t, piece_bytes fragment) override {
    out.append(delta_open_);
    out.append(arguments_open_);
    append_json_escaped(out, fragment.json);
    out.append("\"}}]");
    out.append(delta_close_);
  }
  void on_tool_end(std::string&, std::size_t) override {}

  void on_finish(std::string& out) override {
    out.append(delta_open_);
    out.append("},\"logprobs\":null,\"finish_reason\":\"");
    out.append(finish_name(answer_));
    out.append("\"}]");
    if (answer_.include_usage) out.append(",\"usage\":null");
    out.append("}\n\n");
    if (answer_.include_usage) {
      out.append("data: ");
      append_head(out, answer_, "chat.completion.chunk");
      out.append("\"choices\":[],\"usage\":");
      append_usage(out, answer_);
      out.append("}\n\n");
    }
  }
  void on_error(std::string& out, const wire_error& failure) override {
    out.append("data: ");
    append_openai_error(out, failure);
    out.append("\n\n");
  }
  void on_end(std::string& out) override { out.append("data: [DONE]\n\n"); }

 private:
  std::string delta_open_;
  std::string delta_close_;
  std::string arguments_open_;
};

void write_chat_body(const answer& a, std::string& out) {
  append_head(out, a, "chat.completion");
  out.append("\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
  // With tool calls and no text, OpenAI sends null content.
  if (a.text.empty() && !a.tool_calls.empty()) {
    out.append("null");
  } else {
    append_json_string(out, a.text);
  }
  out.append(",\"refusal\":null,\"annotations\":[]");
  if (!a.reasoning.empty()) {
    out.append(",");
    append_field(out, "reasoning_content", a.reasoning);
  }
  if (!a.tool_calls.empty()) {
    out.append(",\"tool_calls\":[");
    for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.append("{");
      append_field(out, "id", tool_call_id(a, i, "call_"));
      out.append(",\"type\":\"function\",\"function\":{");
      append_field(out, "name", a.tool_calls[i].name);
      out.append(",");
      append_field(out, "arguments", a.tool_calls[i].arguments);
      out.append("}}");
    }
    out.append("]");
  }
  out.append("},\"logprobs\":null,\"finish_reason\":\"");
  out.append(finish_name(a));
  out.append("\"}],\"usage\":");
  append_usage(out, a);
  out.append("}");
}

}  // namespace

const format_writers openai_chat_writers = {
    [](const answer& a) -> std::unique_ptr<encoder> { return std::make_unique<openai_chat_encoder>(a); },
    write_chat_body,
    append_openai_error,
};

}  // namespace trickle::wire::detail
