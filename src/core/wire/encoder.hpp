// Wire formats: an answer (answer.hpp) written as the exact bytes a real LLM API sends, so
// that the official client libraries parse them unmodified.
//
//   format            streamed as                                  non-streamed body
//   openai_chat       /v1/chat/completions SSE chunks, data: [DONE] chat.completion
//   openai_responses  /v1/responses SSE (event: + data:)           response object
//   anthropic         /v1/messages SSE (event: + data:)            message object
//   ui_message        AI SDK UI message stream v1 (useChat)        the UIMessage it builds
//   gemini            :streamGenerateContent?alt=sse               :generateContent JSON
//   ollama            /api/chat NDJSON                             one JSON object
//   plain_text        the text's bytes                             the text
//
// An encoder writes one event at a time into a caller-owned buffer (appending; it never
// clears it, and allocates nothing per frame beyond the buffer's growth). One call may
// write several protocol events (Anthropic's first text piece is a content_block_start and
// a content_block_delta) or none (Gemini sends a tool call whole, at its end): a caller
// that frames bytes on a schedule simply sends what the call appended.
//
// Order (checked: a call out of order throws std::logic_error, and the encoder is left as
// it was):
//   start, reasoning*, text*, (tool_call_start(i), tool_arguments(i)*, tool_call_end(i))
//   for i = 0, 1, ... in order, finish, end.
// Pieces must be consecutive slices of the answer's fields (reasoning, text, the call's
// arguments), from the first byte to the last, before finish (std::invalid_argument
// otherwise): the done/completed events and the usage repeat the whole field, so what a
// client reassembles from deltas and what it is told at the end agree. A piece may cut a
// UTF-8 sequence in two (byte-level tokens do): the encoder writes whole code points and
// carries the rest over, so the deltas still join into exactly TextDecoder(field).
//
// error() may come at any point before end(): it writes the format's mid-stream error (an
// Anthropic `error` event, an OpenAI error chunk, a Gemini error object...) and ends the
// stream; nothing may follow it. (Between finish() and end() it is only meaningful for
// formats with a terminator: in Responses, Gemini and Ollama the reply is complete at
// finish, and a client may ignore what follows.) The HTTP error (status + body, before any byte) is
// write_error_body().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/wire/answer.hpp"

namespace trickle::wire {

enum class format : std::uint8_t {
  openai_chat,
  openai_responses,
  anthropic,
  ui_message,
  gemini,
  ollama,
  plain_text,
};

inline constexpr format all_formats[] = {format::openai_chat, format::openai_responses, format::anthropic,
                                         format::ui_message,  format::gemini,           format::ollama,
                                         format::plain_text};

struct header {
  std::string_view name;
  std::string_view value;
};

struct format_info {
  std::string_view name;                 // "openai-chat", "openai-responses", "anthropic", ...
  std::string_view stream_content_type;  // for a streamed reply
  std::string_view body_content_type;    // for a non-streamed reply
  std::string_view error_content_type;   // for write_error_body()
  std::span<const header> stream_headers;  // besides content-type (the UI stream's v1 marker)
};

const format_info& info(format f) noexcept;
// The format with that info().name, if any.
std::optional<format> format_named(std::string_view name) noexcept;

// A failure as the format reports it. The status picks the format's error type (429: rate
// limit, 529: overloaded...); an empty message gets the format's usual wording for it.
struct wire_error {
  int status = 500;  // 400..599
  std::string_view message;
};

class encoder {
 public:
  encoder(const encoder&) = delete;
  encoder& operator=(const encoder&) = delete;
  virtual ~encoder() = default;

  void start(std::string& out);
  void reasoning(std::string& out, std::string_view piece);
  void text(std::string& out, std::string_view piece);
  void tool_call_start(std::string& out, std::size_t index);
  void tool_arguments(std::string& out, std::size_t index, std::string_view fragment);
  void tool_call_end(std::string& out, std::size_t index);
  void finish(std::string& out);
  void error(std::string& out, const wire_error& failure);
  void end(std::string& out);

  // One event of events_of(): the call above that it names.
  void write(std::string& out, const event& e);

  bool ended() const noexcept { return phase_ == phase::ended; }

 protected:
  explicit encoder(const answer& a) : answer_(a) {}

  // The part of a piece to write as JSON: whole code points of the field, continuing
  // exactly where the previous piece's stopped. `raw` is the piece as given, for formats
  // that pass bytes through.
  struct piece_bytes {
    std::string_view json;
    std::string_view raw;
  };

  // The hooks each format implements, called in the checked order. A part (reasoning, text,
  // a tool call) is opened by its first piece and closed when the next part begins or at
  // finish: an empty field opens nothing.
  virtual void on_start(std::string& out) = 0;
  virtual void on_reasoning_begin(std::string& out) = 0;
  virtual void on_reasoning(std::string& out, piece_bytes piece) = 0;
  virtual void on_reasoning_end(std::string& out) = 0;
  virtual void on_text_begin(std::string& out) = 0;
  virtual void on_text(std::string& out, piece_bytes piece) = 0;
  virtual void on_text_end(std::string& out) = 0;
  virtual void on_tool_begin(std::string& out, std::size_t index) = 0;
  virtual void on_tool_arguments(std::string& out, std::size_t index, piece_bytes fragment) = 0;
  virtual void on_tool_end(std::string& out, std::size_t index) = 0;
  virtual void on_finish(std::string& out) = 0;
  virtual void on_error(std::string& out, const wire_error& failure) = 0;
  virtual void on_end(std::string& out) = 0;

  const answer& answer_;

 private:
  enum class phase : std::uint8_t { fresh, started, reasoning, text, tool, between_tools, finished, ended };
  // How far a field has been taken by pieces (`given`) and written (`written`, on a code
  // point boundary, possibly past `given`).
  struct cursor {
    std::size_t given = 0;
    std::size_t written = 0;
  };

  void require(bool condition, const char* what) const;
  piece_bytes take(std::string_view field, cursor& at, std::string_view piece, const char* what);
  void check_complete(std::string_view field, const cursor& at, const char* what) const;
  // Closes the open reasoning or text part, if any.
  void close_open_part(std::string& out);

  phase phase_ = phase::fresh;
  cursor cursor_;             // of the field being streamed (one at a time)
  std::size_t next_tool_ = 0; // the tool call to start next
};

// An encoder for `a` in format `f`. Checks the answer first (check_answer).
std::unique_ptr<encoder> make_encoder(format f, const answer& a);

// Every event of events_of(a, mode) through one encoder: the whole streamed reply.
void write_stream(format f, const answer& a, split_mode mode, std::string& out);

// The non-streamed reply (stream: false). Checks the answer first.
void write_body(format f, const answer& a, std::string& out);

// The body of an HTTP error reply with status failure.status (400..599, else
// std::invalid_argument), with info(f).error_content_type.
void write_error_body(format f, const wire_error& failure, std::string& out);

}  // namespace trickle::wire
