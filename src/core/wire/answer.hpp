// A model's answer as data, and the order in which a stream walks it.
//
// An `answer` is everything any wire format needs to write a reply: what the model said
// (reasoning, then text, then tool calls), how it stopped, and the facts of the request
// that the reply echoes (model, id, creation time, token counts). Encoders (encoder.hpp)
// read it and never change it; it must outlive them.
//
// Contract for its fields:
//   - text, reasoning, tool names and ids are UTF-8; ill-formed bytes are written as U+FFFD
//     (json.hpp). A tool call's arguments must be one JSON object ("{}" for none), because
//     several formats embed them as an object: check_answer() says so with
//     std::invalid_argument rather than letting a client choke on a broken frame.
//   - id is the bare response id; each format adds its own prefix (chatcmpl-, resp_, msg_...).
//     An empty id or tool call id gets a deterministic default.
//   - Token counts are whatever the caller counted (the pieces' tokens when they are given,
//     else the pieces); the encoders only report them. reasoning_tokens is the part of
//     output_tokens spent on reasoning.
//
// events_of() lists the events a stream is made of, in the only order the encoders accept:
//   start, reasoning pieces, text pieces, per tool call (start, argument fragments, end),
//   finish, end.
// Pieces are views into the answer and reassemble it exactly (no byte is dropped): each
// piece is one unit of the split mode with the separators before it attached, the way an
// LLM's tokens carry their leading space (" world"); the last piece keeps any trailing
// separator. Or the pieces are given (the tokenizer's chunks of each field, with the tokens
// each holds): then they are exactly those. The answer must outlive the events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/split.hpp"

namespace trickle::wire {

enum class finish_reason : std::uint8_t {
  automatic,  // tool_calls when the answer has tool calls, else stop
  stop,
  length,
  tool_calls,
};

struct tool_call {
  std::string id;         // empty: each format makes one from the answer's id and the index
  std::string name;
  std::string arguments;  // one JSON object, e.g. {"city":"Paris"}
};

struct answer {
  std::string text;
  std::string reasoning;  // streamed before the text, as the format's thinking
  std::vector<tool_call> tool_calls;
  finish_reason finish = finish_reason::automatic;

  // Facts of the request, echoed by the reply.
  std::string model;
  std::string id;
  std::int64_t created = 0;  // Unix seconds, given by the caller so output is deterministic
  std::uint32_t input_tokens = 0;
  std::uint32_t output_tokens = 0;
  std::uint32_t reasoning_tokens = 0;
  std::uint64_t duration_ns = 0;  // generation time, for formats that report it (Ollama)
  bool include_usage = false;     // OpenAI chat: stream_options.include_usage
};

// The finish reason with `automatic` resolved.
finish_reason resolved_finish(const answer& a) noexcept;

// Throws std::invalid_argument naming the first problem: a tool call without a name, or
// whose arguments are not one JSON object, or reasoning_tokens > output_tokens.
void check_answer(const answer& a);

enum class event_kind : std::uint8_t {
  start,
  reasoning,       // piece: a piece of answer.reasoning
  text,            // piece: a piece of answer.text
  tool_start,      // tool: index into answer.tool_calls
  tool_arguments,  // tool, piece: a fragment of that call's arguments
  tool_end,        // tool
  finish,
  end,
};

struct event {
  event_kind kind;
  std::uint32_t tool = 0;
  std::string_view piece;
  std::uint32_t tokens = 1;  // what the piece costs, in tokens (one per piece unless given)
};

// The whole stream of `a`, pieces cut as described above (argument fragments too).
std::vector<event> events_of(const answer& a, split_mode mode);

// One field's pieces given explicitly: each piece's end in the field, in UTF-16 units (as
// JS counts; boundaries.hpp), and the tokens each holds.
struct given_field {
  std::vector<std::uint32_t> ends;
  std::vector<std::uint32_t> tokens;  // empty: one each
};

struct given_answer_pieces {
  given_field reasoning;
  given_field text;
  std::vector<given_field> tool_arguments;  // one per tool call, in order
};

// The whole stream of `a` with its pieces given. std::invalid_argument names the field
// whose ends do not cut it (boundaries.hpp) or whose token counts are not one per piece,
// and a list of tool arguments that is not one per call.
std::vector<event> events_of(const answer& a, const given_answer_pieces& given);

// How many events carry a piece (reasoning, text, argument fragments): the output token
// count while tokens are counted in pieces.
std::uint32_t count_pieces(const std::vector<event>& events) noexcept;

}  // namespace trickle::wire
