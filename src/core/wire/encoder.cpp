#include "core/wire/encoder.hpp"

#include <stdexcept>

#include "core/wire/formats.hpp"
#include "core/wire/json.hpp"

namespace trickle::wire {

// --- The formats -----------------------------------------------------------------------

namespace {

constexpr header sse_headers[] = {{"cache-control", "no-cache"}};
// What the AI SDK's createUIMessageStreamResponse sends; the v1 marker is how useChat's
// server side says which protocol the body speaks.
constexpr header ui_message_headers[] = {{"cache-control", "no-cache"},
                                         {"connection", "keep-alive"},
                                         {"x-vercel-ai-ui-message-stream", "v1"},
                                         {"x-accel-buffering", "no"}};

const format_info infos[] = {
    {"openai-chat", "text/event-stream; charset=utf-8", "application/json", "application/json", sse_headers},
    {"openai-responses", "text/event-stream; charset=utf-8", "application/json", "application/json", sse_headers},
    {"anthropic", "text/event-stream; charset=utf-8", "application/json", "application/json", sse_headers},
    // useChat reads an HTTP error's body as the error's message: plain text, not JSON.
    {"ui-message", "text/event-stream", "application/json", "text/plain; charset=utf-8", ui_message_headers},
    {"gemini", "text/event-stream", "application/json; charset=UTF-8", "application/json; charset=UTF-8",
     sse_headers},
    {"ollama", "application/x-ndjson", "application/json; charset=utf-8", "application/json; charset=utf-8", {}},
    {"plain-text", "text/plain; charset=utf-8", "text/plain; charset=utf-8", "text/plain; charset=utf-8", {}},
};

const detail::format_writers& writers(format f) {
  switch (f) {
    case format::openai_chat: return detail::openai_chat_writers;
    case format::openai_responses: return detail::openai_responses_writers;
    case format::anthropic: return detail::anthropic_writers;
    case format::ui_message: return detail::ui_message_writers;
    case format::gemini: return detail::gemini_writers;
    case format::ollama: return detail::ollama_writers;
    case format::plain_text: return detail::plain_text_writers;
  }
  throw std::invalid_argument("unknown wire format");
}

}  // namespace

const format_info& info(format f) noexcept { return infos[static_cast<std::size_t>(f)]; }

std::optional<format> format_named(std::string_view name) noexcept {
  for (format f : all_formats) {
    if (info(f).name == name) return f;
  }
  return std::nullopt;
}

std::unique_ptr<encoder> make_encoder(format f, const answer& a) {
  check_answer(a);
  return writers(f).make(a);
}

void write_stream(format f, const answer& a, split_mode mode, std::string& out) {
  const std::unique_ptr<encoder> enc = make_encoder(f, a);
  for (const event& e : events_of(a, mode)) enc->write(out, e);
}

void write_body(format f, const answer& a, std::string& out) {
  check_answer(a);
  writers(f).body(a, out);
}

void write_error_body(format f, const wire_error& failure, std::string& out) {
  if (failure.status < 400 || failure.status > 599) {
    throw std::invalid_argument("an HTTP error status is 400..599, not " + std::to_string(failure.status));
  }
  writers(f).error_body(out, failure);
}

// --- Facts shared by the formats ---------------------------------------------------------

namespace detail {

const status_facts& facts_for(int status) noexcept {
  struct row {
    int status;
    status_facts facts;
  };
  // Wording and types as each provider documents them for that status; a status no
  // provider documents (405, 529 for Google or OpenAI) gets the nearest kind.
  static const row rows[] = {
      {400, {"invalid_request_error", "", "invalid_request_error", "INVALID_ARGUMENT", "The request is not valid."}},
      {401, {"invalid_request_error", "invalid_api_key", "authentication_error", "UNAUTHENTICATED",
             "The API key is not valid."}},
      {403, {"invalid_request_error", "", "permission_error", "PERMISSION_DENIED", "The request is not allowed."}},
      {404, {"invalid_request_error", "", "not_found_error", "NOT_FOUND", "Not found."}},
      {405, {"invalid_request_error", "", "invalid_request_error", "INVALID_ARGUMENT", "Method not allowed."}},
      {413, {"invalid_request_error", "", "request_too_large", "INVALID_ARGUMENT", "The request is too large."}},
      {429, {"requests", "rate_limit_exceeded", "rate_limit_error", "RESOURCE_EXHAUSTED",
             "Rate limit reached. Please try again later."}},
      {500, {"server_error", "", "api_error", "INTERNAL", "The server had an error while processing the request."}},
      {502, {"server_error", "", "api_error", "UNAVAILABLE", "Bad gateway."}},
      {503, {"server_error", "", "api_error", "UNAVAILABLE", "The service is unavailable. Please try again later."}},
      {504, {"server_error", "", "timeout_error", "DEADLINE_EXCEEDED", "The request timed out."}},
      {529, {"server_error", "", "overloaded_error", "UNAVAILABLE", "Overloaded"}},
  };
  static const status_facts other_client_error = {"invalid_request_error", "", "invalid_request_error",
                                                  "FAILED_PRECONDITION", "The request failed."};
  static const status_facts other_server_error = {"server_error", "", "api_error", "INTERNAL",
                                                  "The server had an error."};
  for (const row& r : rows) {
    if (r.status == status) return r.facts;
  }
  return status < 500 ? other_client_error : other_server_error;
}

std::string tool_call_id(const answer& a, std::size_t index, std::string_view prefix) {
  if (index < a.tool_calls.size() && !a.tool_calls[index].id.empty()) return a.tool_calls[index].id;
  std::string id(prefix);
  id.append(base_id(a));
  id.push_back('_');
  append_integer(id, static_cast<std::int64_t>(index));
  return id;
}

}  // namespace detail

// --- The checked order -------------------------------------------------------------------

void encoder::require(bool condition, const char* what) const {
  if (!condition) throw std::logic_error(std::string("wire encoder: ") + what);
}

encoder::piece_bytes encoder::take(std::string_view field, cursor& at, std::string_view piece, const char* what) {
  const bool continues = piece.size() <= field.size() - at.given &&
                         (piece.data() == field.data() + at.given ||
                          field.compare(at.given, piece.size(), piece) == 0);
  if (!continues) {
    throw std::invalid_argument(std::string("wire encoder: a ") + what + " piece does not continue the answer's " +
                                what + " at byte " + std::to_string(at.given));
  }
  const std::size_t end = at.given + piece.size();
  const std::size_t stop = end <= at.written ? at.written : code_point_boundary_at_or_after(field, at.written, end);
  const std::string_view json = field.substr(at.written, stop - at.written);
  at.given = end;
  at.written = stop;
  return {json, piece};
}

void encoder::check_complete(std::string_view field, const cursor& at, const char* what) const {
  if (at.given != field.size()) {
    throw std::invalid_argument(std::string("wire encoder: the ") + what + " ends before the answer's (" +
                                std::to_string(at.given) + " of " + std::to_string(field.size()) + " bytes)");
  }
}

void encoder::close_open_part(std::string& out) {
  if (phase_ == phase::reasoning) on_reasoning_end(out);
  if (phase_ == phase::text) on_text_end(out);
}

void encoder::start(std::string& out) {
  require(phase_ == phase::fresh, "start() comes first, once");
  on_start(out);
  phase_ = phase::started;
}

void encoder::reasoning(std::string& out, std::string_view piece) {
  require(phase_ == phase::started || phase_ == phase::reasoning, "reasoning comes after start() and before the text");
  require(!answer_.reasoning.empty(), "the answer has no reasoning to send");
  cursor at = phase_ == phase::reasoning ? cursor_ : cursor{};
  const piece_bytes bytes = take(answer_.reasoning, at, piece, "reasoning");
  if (phase_ != phase::reasoning) on_reasoning_begin(out);
  phase_ = phase::reasoning;
  cursor_ = at;
  on_reasoning(out, bytes);
}

void encoder::text(std::string& out, std::string_view piece) {
  require(phase_ == phase::started || phase_ == phase::reasoning || phase_ == phase::text,
          "text comes after start() and the reasoning, before the tool calls");
  if (phase_ == phase::reasoning) check_complete(answer_.reasoning, cursor_, "reasoning");
  if (phase_ == phase::started) require(answer_.reasoning.empty(), "the reasoning comes before the text");
  require(!answer_.text.empty(), "the answer has no text to send");
  cursor at = phase_ == phase::text ? cursor_ : cursor{};
  const piece_bytes bytes = take(answer_.text, at, piece, "text");
  if (phase_ != phase::text) {
    close_open_part(out);
    on_text_begin(out);
  }
  phase_ = phase::text;
  cursor_ = at;
  on_text(out, bytes);
}

void encoder::tool_call_start(std::string& out, std::size_t index) {
  require(phase_ >= phase::started && phase_ <= phase::between_tools && phase_ != phase::tool,
          "a tool call starts after start() and after the previous call's end");
  require(index == next_tool_ && index < answer_.tool_calls.size(), "tool calls start in order, 0, 1, ...");
  if (phase_ == phase::reasoning) check_complete(answer_.reasoning, cursor_, "reasoning");
  if (phase_ == phase::text) check_complete(answer_.text, cursor_, "text");
  if (phase_ < phase::reasoning) require(answer_.reasoning.empty(), "the reasoning comes before the tool calls");
  if (phase_ < phase::text) require(answer_.text.empty(), "the text comes before the tool calls");
  close_open_part(out);
  on_tool_begin(out, index);
  phase_ = phase::tool;
  cursor_ = {};
}

void encoder::tool_arguments(std::string& out, std::size_t index, std::string_view fragment) {
  require(phase_ == phase::tool && index == next_tool_, "arguments belong to the tool call that was started");
  cursor at = cursor_;
  const piece_bytes bytes = take(answer_.tool_calls[index].arguments, at, fragment, "arguments");
  cursor_ = at;
  on_tool_arguments(out, index, bytes);
}

void encoder::tool_call_end(std::string& out, std::size_t index) {
  require(phase_ == phase::tool && index == next_tool_, "a tool call ends after it started");
  check_complete(answer_.tool_calls[index].arguments, cursor_, "arguments");
  on_tool_end(out, index);
  ++next_tool_;
  phase_ = phase::between_tools;
}

void encoder::finish(std::string& out) {
  require(phase_ >= phase::started && phase_ <= phase::between_tools && phase_ != phase::tool,
          "finish() comes after start() and after the last tool call's end");
  if (phase_ == phase::reasoning) check_complete(answer_.reasoning, cursor_, "reasoning");
  if (phase_ == phase::text) check_complete(answer_.text, cursor_, "text");
  if (phase_ < phase::reasoning) require(answer_.reasoning.empty(), "the reasoning was not sent");
  if (phase_ < phase::text) require(answer_.text.empty(), "the text was not sent");
  require(next_tool_ == answer_.tool_calls.size(), "every tool call is sent before finish()");
  close_open_part(out);
  on_finish(out);
  phase_ = phase::finished;
}

void encoder::error(std::string& out, const wire_error& failure) {
  require(phase_ != phase::ended, "nothing comes after end() or error()");
  if (failure.status < 400 || failure.status > 599) {
    throw std::invalid_argument("wire encoder: an error's status is 400..599, not " + std::to_string(failure.status));
  }
  on_error(out, failure);
  phase_ = phase::ended;
}

void encoder::end(std::string& out) {
  require(phase_ == phase::finished, "end() comes right after finish()");
  on_end(out);
  phase_ = phase::ended;
}

void encoder::write(std::string& out, const event& e) {
  switch (e.kind) {
    case event_kind::start: return start(out);
    case event_kind::reasoning: return reasoning(out, e.piece);
    case event_kind::text: return text(out, e.piece);
    case event_kind::tool_start: return tool_call_start(out, e.tool);
    case event_kind::tool_arguments: return tool_arguments(out, e.tool, e.piece);
    case event_kind::tool_end: return tool_call_end(out, e.tool);
    case event_kind::finish: return finish(out);
    case event_kind::end: return end(out);
  }
}

}  // namespace trickle::wire
