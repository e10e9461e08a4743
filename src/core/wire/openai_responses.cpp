// OpenAI Responses, /v1/responses.
//
// Streamed: `event: <type>\ndata: {"type":<type>,"sequence_number":n,...}\n\n`, n from 0.
// No terminator: the stream ends after response.completed.
//   start       response.created, response.in_progress (the response, status in_progress)
//   reasoning   a reasoning item with one summary part, as the o-series models stream a
//               reasoning summary: response.output_item.added {type:reasoning, summary:[]},
//               response.reasoning_summary_part.added, then per piece
//               response.reasoning_summary_text.delta; closed by
//               response.reasoning_summary_text.done, response.reasoning_summary_part.done,
//               response.output_item.done. (The other spelling, reasoning_text parts, is
//               read by the openai SDK but not by @ai-sdk/openai; summaries are read by both.)
//   text        a message item: response.output_item.added, response.content_part.added
//               (output_text), per piece response.output_text.delta; closed by
//               response.output_text.done, response.content_part.done,
//               response.output_item.done
//   tool call   a function_call item: response.output_item.added (arguments ""), per
//               fragment response.function_call_arguments.delta; at its end
//               response.function_call_arguments.done, response.output_item.done
//   finish      response.completed (or response.incomplete with reason max_output_tokens
//               for a `length` finish), carrying every item and the usage
//   error       event: error {type:error, code, message, param}
// Items take output indexes in that order: reasoning, message, then the calls. The openai
// SDK's accumulator throws on any event type it does not know, so only these are sent.
#include <string>
#include <vector>

#include "core/wire/formats.hpp"
#include "core/wire/json.hpp"

namespace trickle::wire::detail {
namespace {

bool has_reasoning(const answer& a) { return !a.reasoning.empty(); }
bool has_message(const answer& a) { return !a.text.empty(); }
std::size_t message_index(const answer& a) { return has_reasoning(a) ? 1 : 0; }
std::size_t tool_index(const answer& a, std::size_t i) { return message_index(a) + (has_message(a) ? 1 : 0) + i; }

void append_item_id(std::string& out, std::string_view prefix, const answer& a) {
  out.append(prefix);
  append_json_escaped(out, base_id(a));
}

void append_function_item_id(std::string& out, const answer& a, std::size_t i) {
  append_item_id(out, "fc_", a);
  out.push_back('_');
  append_integer(out, static_cast<std::int64_t>(i));
}

// The answer's fields escaped once: the done events and the finished response repeat each
// of them up to four times.
struct escaped_fields {
  std::string text;
  std::string reasoning;
  std::vector<std::string> arguments;

  explicit escaped_fields(const answer& a) {
    append_json_escaped(text, a.text);
    append_json_escaped(reasoning, a.reasoning);
    for (const tool_call& call : a.tool_calls) append_json_escaped(arguments.emplace_back(), call.arguments);
  }
};

void append_summary_part(std::string& out, std::string_view escaped_text) {
  out.append("{\"type\":\"summary_text\",\"text\":\"");
  out.append(escaped_text);
  out.append("\"}");
}

void append_text_part(std::string& out, std::string_view escaped_text) {
  out.append("{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"");
  out.append(escaped_text);
  out.append("\"}");
}

// An item as it opens (done == nullptr: empty, in progress) or as it closes.
void append_reasoning_item(std::string& out, const answer& a, const escaped_fields* done) {
  out.append("{\"id\":\"");
  append_item_id(out, "rs_", a);
  out.append("\",\"type\":\"reasoning\",\"summary\":[");
  if (done) append_summary_part(out, done->reasoning);
  out.append("]}");
}

void append_message_item(std::string& out, const answer& a, const escaped_fields* done) {
  out.append("{\"id\":\"");
  append_item_id(out, "msg_", a);
  out.append(done ? "\",\"type\":\"message\",\"status\":\"completed\",\"content\":["
                  : "\",\"type\":\"message\",\"status\":\"in_progress\",\"content\":[");
  if (done) append_text_part(out, done->text);
  out.append("],\"role\":\"assistant\"}");
}

void append_function_item(std::string& out, const answer& a, std::size_t i, const escaped_fields* done) {
  out.append("{\"id\":\"");
  append_function_item_id(out, a, i);
  out.append(done ? "\",\"type\":\"function_call\",\"status\":\"completed\",\"arguments\":\""
                  : "\",\"type\":\"function_call\",\"status\":\"in_progress\",\"arguments\":\"");
  if (done) out.append(done->arguments[i]);
  out.append("\",");
  append_field(out, "call_id", tool_call_id(a, i, "call_"));
  out.append(",");
  append_field(out, "name", a.tool_calls[i].name);
  out.append("}");
}

void append_usage(std::string& out, const answer& a) {
  out.append("{\"input_tokens\":");
  append_integer(out, a.input_tokens);
  out.append(",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":");
  append_integer(out, a.output_tokens);
  out.append(",\"output_tokens_details\":{\"reasoning_tokens\":");
  append_integer(out, a.reasoning_tokens);
  out.append("},\"total_tokens\":");
  append_integer(out, std::int64_t{a.input_tokens} + a.output_tokens);
  out.append("}");
}

enum class response_state { in_progress, completed, incomplete };

// The response object. In progress it has no output and no usage yet; finished (`done`
// given), it has every item of the answer.
void append_response(std::string& out, const answer& a, response_state state, const escaped_fields* done) {
  out.append("{\"id\":\"");
  append_item_id(out, "resp_", a);
  out.append("\",\"object\":\"response\",\"created_at\":");
  append_integer(out, a.created);
  out.append(state == response_state::in_progress ? ",\"status\":\"in_progress\""
             : state == response_state::completed ? ",\"status\":\"completed\""
                                                  : ",\"status\":\"incomplete\"");
  out.append(",\"background\":false,\"error\":null,\"incomplete_details\":");
  out.append(state == response_state::incomplete ? "{\"reason\":\"max_output_tokens\"}" : "null");
  out.append(",\"instructions\":null,\"max_output_tokens\":null,");
  append_field(out, "model", a.model);
  out.append(",\"output\":[");
  if (state != response_state::in_progress) {
    bool first = true;
    auto separate = [&] {
      if (!first) out.push_back(',');
      first = false;
    };
    if (has_reasoning(a)) separate(), append_reasoning_item(out, a, done);
    if (has_message(a)) separate(), append_message_item(out, a, done);
    for (std::size_t i = 0; i < a.tool_calls.size(); ++i) separate(), append_function_item(out, a, i, done);
  }
  out.append("],\"parallel_tool_calls\":true,\"previous_response_id\":null,"
             "\"reasoning\":{\"effort\":null,\"summary\":null},\"store\":false,\"temperature\":1,"
             "\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[],\"top_p\":1,"
             "\"truncation\":\"disabled\",\"usage\":");
  if (state == response_state::in_progress) {
    out.append("null");
  } else {
    append_usage(out, a);
  }
  out.append(",\"user\":null,\"metadata\":{}}");
}

class openai_responses_encoder final : public encoder {
 public:
  explicit openai_responses_encoder(const answer& a) : encoder(a), escaped_(a) {}

 private:
  // `event: <type>\ndata: {"type":"<type>","sequence_number":n`; the caller goes on with
  // `,...` and closes with close().
  void open(std::string& out, std::string_view type) {
    out.append("event: ");
    out.append(type);
    out.append("\ndata: {\"type\":\"");
    out.append(type);
    out.append("\",\"sequence_number\":");
    append_integer(out, sequence_++);
  }
  static void close(std::string& out) { out.append("}\n\n"); }

  // `,"item_id":"<id>","output_index":<k>`, the address of every event inside an item.
  static std::string address(std::string_view item_id, std::size_t output_index) {
    std::string text(",\"item_id\":\"");
    text.append(item_id);
    text.append("\",\"output_index\":");
    append_integer(text, static_cast<std::int64_t>(output_index));
    return text;
  }

  void on_start(std::string& out) override {
    open(out, "response.created");
    out.append(",\"response\":");
    append_response(out, answer_, response_state::in_progress, nullptr);
    close(out);
    open(out, "response.in_progress");
    out.append(",\"response\":");
    append_response(out, answer_, response_state::in_progress, nullptr);
    close(out);
  }

  void on_reasoning_begin(std::string& out) override {
    std::string id;
    append_item_id(id, "rs_", answer_);
    address_ = address(id, 0);
    open(out, "response.output_item.added");
    out.append(",\"output_index\":0,\"item\":");
    append_reasoning_item(out, answer_, nullptr);
    close(out);
    open(out, "response.reasoning_summary_part.added");
    out.append(address_);
    out.append(",\"summary_index\":0,\"part\":");
    append_summary_part(out, "");
    close(out);
  }
  void on_reasoning(std::string& out, piece_bytes piece) override {
    open(out, "response.reasoning_summary_text.delta");
    out.append(address_);
    out.append(",\"summary_index\":0,\"delta\":\"");
    append_json_escaped(out, piece.json);
    out.append("\"");
    close(out);
  }
  void on_reasoning_end(std::string& out) override {
    open(out, "response.reasoning_summary_text.done");
    out.append(address_);
    out.append(",\"summary_index\":0,\"text\":\"");
    out.append(escaped_.reasoning);
    out.append("\"");
    close(out);
    open(out, "response.reasoning_summary_part.done");
    out.append(address_);
    out.append(",\"summary_index\":0,\"part\":");
    append_summary_part(out, escaped_.reasoning);
    close(out);
    item_done(out, 0, [&] { append_reasoning_item(out, answer_, &escaped_); });
  }

  void on_text_begin(std::string& out) override {
    std::string id;
    append_item_id(id, "msg_", answer_);
    address_ = address(id, message_index(answer_));
    open(out, "response.output_item.added");
    out.append(",\"output_index\":");
    append_integer(out, static_cast<std::int64_t>(message_index(answer_)));
    out.append(",\"item\":");
    append_message_item(out, answer_, nullptr);
    close(out);
    open(out, "response.content_part.added");
    out.append(address_);
    out.append(",\"content_index\":0,\"part\":");
    append_text_part(out, "");
    close(out);
  }
  void on_text(std::string& out, piece_bytes piece) override {
    open(out, "response.output_text.delta");
    out.append(address_);
    out.append(",\"content_index\":0,\"delta\":\"");
    append_json_escaped(out, piece.json);
    out.append("\",\"logprobs\":[]");
    close(out);
  }
  void on_text_end(std::string& out) override {
    open(out, "response.output_text.done");
    out.append(address_);
    out.append(",\"content_index\":0,\"text\":\"");
    out.append(escaped_.text);
    out.append("\",\"logprobs\":[]");
    close(out);
    open(out, "response.content_part.done");
    out.append(address_);
    out.append(",\"content_index\":0,\"part\":");
    append_text_part(out, escaped_.text);
    close(out);
    item_done(out, message_index(answer_), [&] { append_message_item(out, answer_, &escaped_); });
  }

  void on_tool_begin(std::string& out, std::size_t index) override {
    std::string id;
    append_function_item_id(id, answer_, index);
    address_ = address(id, tool_index(answer_, index));
    open(out, "response.output_item.added");
    out.append(",\"output_index\":");
    append_integer(out, static_cast<std::int64_t>(tool_index(answer_, index)));
    out.append(",\"item\":");
    append_function_item(out, answer_, index, nullptr);
    close(out);
  }
  void on_tool_arguments(std::string& out, std::size_t, piece_bytes fragment) override {
    open(out, "response.function_call_arguments.delta");
    out.append(address_);
    out.append(",\"delta\":\"");
    append_json_escaped(out, fragment.json);
    out.append("\"");
    close(out);
  }
  void on_tool_end(std::string& out, std::size_t index) override {
    open(out, "response.function_call_arguments.done");
    out.append(address_);
    out.append(",\"arguments\":\"");
    out.append(escaped_.arguments[index]);
    out.append("\"");
    close(out);
    item_done(out, tool_index(answer_, index), [&] { append_function_item(out, answer_, index, &escaped_); });
  }

  template <class WriteItem>
  void item_done(std::string& out, std::size_t output_index, WriteItem write_item) {
    open(out, "response.output_item.done");
    out.append(",\"output_index\":");
    append_integer(out, static_cast<std::int64_t>(output_index));
    out.append(",\"item\":");
    write_item();
    close(out);
  }

  void on_finish(std::string& out) override {
    const bool incomplete = resolved_finish(answer_) == finish_reason::length;
    open(out, incomplete ? "response.incomplete" : "response.completed");
    out.append(",\"response\":");
    append_response(out, answer_, incomplete ? response_state::incomplete : response_state::completed, &escaped_);
    close(out);
  }

  void on_error(std::string& out, const wire_error& failure) override {
    const status_facts& facts = facts_for(failure.status);
    open(out, "error");
    out.append(",");
    append_field(out, "code", facts.openai_code.empty() ? facts.openai_type : facts.openai_code);
    out.append(",");
    append_field(out, "message", message_of(failure));
    out.append(",\"param\":null");
    close(out);
  }

  void on_end(std::string&) override {}

  const escaped_fields escaped_;
  std::int64_t sequence_ = 0;
  std::string address_;  // of the item being streamed
};

void write_responses_body(const answer& a, std::string& out) {
  const escaped_fields escaped(a);
  append_response(out, a,
                  resolved_finish(a) == finish_reason::length ? response_state::incomplete : response_state::completed,
                  &escaped);
}

}  // namespace

const format_writers openai_responses_writers = {
    [](const answer& a) -> std::unique_ptr<encoder> { return std::make_unique<openai_responses_encoder>(a); },
    write_responses_body,
    append_openai_error,
};

}  // namespace trickle::wire::detail
