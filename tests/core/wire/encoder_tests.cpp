#include <catch2/catch.hpp>

#include "core/wire/encoder.hpp"
#include "wire/wire_support.hpp"

#include <string>
#include <vector>

using namespace trickle;
using namespace trickle::wire;

namespace {

answer greeting() {
  answer a;
  a.text = "Hello brave  new\tworld ";
  a.reasoning = "Think.";
  a.tool_calls = {{"", "f", "{\"x\": [1, 2]}"}, {"", "g", "{}"}};
  a.model = "m";
  a.id = "g1";
  return a;
}

std::string joined(const std::vector<event>& events, event_kind kind, std::uint32_t tool = 0) {
  std::string text;
  for (const event& e : events) {
    if (e.kind == kind && e.tool == tool) text += e.piece;
  }
  return text;
}

std::vector<std::string> pieces(const std::vector<event>& events, event_kind kind) {
  std::vector<std::string> out;
  for (const event& e : events) {
    if (e.kind == kind) out.emplace_back(e.piece);
  }
  return out;
}

// A call that must throw Error and leave the buffer as it was.
template <class Error, class Call>
void refused(const std::string& out, Call call) {
  const std::string before = out;
  CHECK_THROWS_AS(call(), Error);
  CHECK(out == before);
}

}  // namespace

// --- The answer and its events ------------------------------------------------------------

TEST_CASE("an answer's events run start, reasoning, text, each tool call, finish, end") {
  const answer a = greeting();
  const std::vector<event> events = events_of(a, split_mode::whitespace);
  std::vector<event_kind> kinds;
  for (const event& e : events) {
    if (kinds.empty() || kinds.back() != e.kind || e.kind == event_kind::tool_start) kinds.push_back(e.kind);
  }
  CHECK(kinds == std::vector<event_kind>{event_kind::start, event_kind::reasoning, event_kind::text,
                                         event_kind::tool_start, event_kind::tool_arguments, event_kind::tool_end,
                                         event_kind::tool_start, event_kind::tool_arguments, event_kind::tool_end,
                                         event_kind::finish, event_kind::end});
  CHECK(events[events.size() - 5].tool == 1);
}

TEST_CASE("pieces are words with the separators before them and reassemble every byte") {
  const answer a = greeting();
  const std::vector<event> events = events_of(a, split_mode::whitespace);
  CHECK(pieces(events, event_kind::text) == std::vector<std::string>{"Hello", " brave", "  new", "\tworld "});
  CHECK(joined(events, event_kind::reasoning) == a.reasoning);
  CHECK(joined(events, event_kind::tool_arguments, 0) == a.tool_calls[0].arguments);
  CHECK(joined(events, event_kind::tool_arguments, 1) == "{}");
  CHECK(count_pieces(events) == 4 + 1 + 3 + 1);

  const std::vector<event> characters = events_of(a, split_mode::character);
  CHECK(pieces(characters, event_kind::text).size() == 23);
  CHECK(joined(characters, event_kind::text) == a.text);

  answer spaces = a;
  spaces.text = "   ";
  CHECK(pieces(events_of(spaces, split_mode::whitespace), event_kind::text) == std::vector<std::string>{"   "});
  spaces.text = "";
  CHECK(pieces(events_of(spaces, split_mode::whitespace), event_kind::text).empty());
  // Space mode keeps empty units: a separator before an empty unit is a piece of its own.
  spaces.text = "a  b ";
  CHECK(pieces(events_of(spaces, split_mode::space), event_kind::text) == std::vector<std::string>{"a", " ", " b", " "});
}

TEST_CASE("the finish reason defaults to tool_calls when there are calls, else stop") {
  answer a = greeting();
  CHECK(resolved_finish(a) == finish_reason::tool_calls);
  a.tool_calls.clear();
  CHECK(resolved_finish(a) == finish_reason::stop);
  a.finish = finish_reason::length;
  CHECK(resolved_finish(a) == finish_reason::length);
}

TEST_CASE("an answer with broken tool calls or counts is refused with a clear message") {
  answer a = greeting();
  a.tool_calls[1].arguments = "{\"x\": }";
  CHECK_THROWS_WITH(check_answer(a), Catch::Contains("tool call 1 (g)") && Catch::Contains("JSON object"));
  for (format f : all_formats) CHECK_THROWS_AS(make_encoder(f, a), std::invalid_argument);
  std::string out;
  CHECK_THROWS_AS(write_body(format::gemini, a, out), std::invalid_argument);
  CHECK(out.empty());
  a.tool_calls[1].arguments = "[1]";
  CHECK_THROWS_AS(check_answer(a), std::invalid_argument);
  a.tool_calls[1].arguments = "";
  CHECK_THROWS_AS(check_answer(a), std::invalid_argument);
  a.tool_calls[1] = {"", "", "{}"};
  CHECK_THROWS_WITH(check_answer(a), Catch::Contains("no name"));
  a = greeting();
  a.output_tokens = 2;
  a.reasoning_tokens = 3;
  CHECK_THROWS_WITH(check_answer(a), Catch::Contains("reasoning_tokens"));
}

// --- The checked order ---------------------------------------------------------------------

TEST_CASE("events out of order are refused, and the refused call writes nothing") {
  const answer a = greeting();
  for (format f : all_formats) {
    INFO("format " << info(f).name);
    const auto enc = make_encoder(f, a);
    std::string out;
    refused<std::logic_error>(out, [&] { enc->text(out, "Hello"); });  // before start
    refused<std::logic_error>(out, [&] { enc->finish(out); });
    refused<std::logic_error>(out, [&] { enc->end(out); });
    CHECK(out.empty());
    enc->start(out);
    refused<std::logic_error>(out, [&] { enc->start(out); });
    refused<std::logic_error>(out, [&] { enc->text(out, "Hello"); });       // the reasoning comes first
    refused<std::logic_error>(out, [&] { enc->tool_call_start(out, 0); });  // so do reasoning and text
    enc->reasoning(out, "Think.");
    refused<std::invalid_argument>(out, [&] { enc->text(out, "Hullo"); });  // not the answer's text
    refused<std::invalid_argument>(out, [&] { enc->reasoning(out, "!"); });  // past the reasoning's end
    enc->text(out, "Hello brave  new\tworld");
    refused<std::invalid_argument>(out, [&] { enc->tool_call_start(out, 0); });  // the text's last byte is missing
    refused<std::logic_error>(out, [&] { enc->reasoning(out, "x"); });           // the reasoning is over
    enc->text(out, " ");
    refused<std::logic_error>(out, [&] { enc->tool_call_start(out, 1); });  // calls go in order
    refused<std::logic_error>(out, [&] { enc->tool_arguments(out, 0, "{"); });
    enc->tool_call_start(out, 0);
    refused<std::logic_error>(out, [&] { enc->tool_arguments(out, 1, "{"); });
    enc->tool_arguments(out, 0, "{\"x\": [1, ");
    refused<std::invalid_argument>(out, [&] { enc->tool_call_end(out, 0); });  // arguments incomplete
    refused<std::logic_error>(out, [&] { enc->finish(out); });                 // a call is open
    enc->tool_arguments(out, 0, "2]}");
    enc->tool_call_end(out, 0);
    refused<std::logic_error>(out, [&] { enc->finish(out); });  // call 1 was not sent
    enc->tool_call_start(out, 1);
    enc->tool_arguments(out, 1, "{}");
    enc->tool_call_end(out, 1);
    refused<std::logic_error>(out, [&] { enc->tool_call_start(out, 2); });  // there is no call 2
    enc->finish(out);
    refused<std::logic_error>(out, [&] { enc->finish(out); });
    refused<std::logic_error>(out, [&] { enc->text(out, "x"); });
    enc->end(out);
    CHECK(enc->ended());
    refused<std::logic_error>(out, [&] { enc->end(out); });
    refused<std::logic_error>(out, [&] { enc->error(out, {500, ""}); });

    // The refusals left no trace: the stream reads as the answer.
    const wire_test::read_reply reply = wire_test::read_stream(f, out);
    CHECK(reply.text == a.text);
    if (f != format::plain_text) {
      CHECK(reply.reasoning == a.reasoning);
      CHECK(reply.calls.size() == 2);
      CHECK(reply.terminated);
    }
  }
}

TEST_CASE("fields that were skipped must be empty, and empty fields open nothing") {
  answer a = greeting();
  a.reasoning.clear();
  a.tool_calls.clear();
  for (format f : all_formats) {
    INFO("format " << info(f).name);
    auto enc = make_encoder(f, a);
    std::string out;
    enc->start(out);
    CHECK_THROWS_AS(enc->reasoning(out, ""), std::logic_error);  // there is no reasoning
    CHECK_THROWS_AS(enc->finish(out), std::logic_error);         // the text was not sent
    enc->text(out, a.text);
    enc->finish(out);
    enc->end(out);
    CHECK(wire_test::read_stream(f, out).text == a.text);
    CHECK(wire_test::read_stream(f, out).reasoning.empty());
  }
}

TEST_CASE("an error may come first, and ends the stream") {
  const answer a = greeting();
  for (format f : all_formats) {
    INFO("format " << info(f).name);
    auto enc = make_encoder(f, a);
    std::string out;
    CHECK_THROWS_AS(enc->error(out, {302, ""}), std::invalid_argument);
    CHECK(out.empty());
    enc->error(out, {503, ""});
    CHECK(enc->ended());
    CHECK_THROWS_AS(enc->start(out), std::logic_error);
    if (f == format::plain_text) {
      CHECK(out.empty());
    } else {
      CHECK(wire_test::read_stream(f, out).error_message == "The service is unavailable. Please try again later.");
    }
  }
}

TEST_CASE("a piece cut inside a character is written whole, once, in the piece that cut it") {
  answer a;
  a.text = "a😀b";  // 61 | F0 9F 98 80 | 62
  a.model = "m";
  const auto enc = make_encoder(format::ui_message, a);
  std::string out;
  enc->start(out);
  const std::string_view text = a.text;
  std::vector<std::string> deltas;
  for (std::string_view piece : {text.substr(0, 2), text.substr(2, 2), text.substr(4, 1), text.substr(5, 1)}) {
    std::string frame;
    enc->text(frame, piece);
    const auto lines = wire_test::sse_events(frame, "\n\n");
    deltas.push_back(wire_test::parse_json(wire_test::data_only(lines.back()))["delta"].str());
  }
  CHECK(deltas == std::vector<std::string>{"a😀", "", "", "b"});
}

TEST_CASE("formats are found by name, and each says its content types") {
  for (format f : all_formats) {
    CHECK(format_named(info(f).name) == f);
    CHECK_FALSE(info(f).stream_content_type.empty());
    CHECK_FALSE(info(f).body_content_type.empty());
    CHECK_FALSE(info(f).error_content_type.empty());
  }
  CHECK_FALSE(format_named("openai"));
  CHECK(info(format::ollama).stream_content_type == "application/x-ndjson");
  bool ui_marker = false;
  for (const header& h : info(format::ui_message).stream_headers) {
    ui_marker = ui_marker || (h.name == "x-vercel-ai-ui-message-stream" && h.value == "v1");
  }
  CHECK(ui_marker);
}

TEST_CASE("frames are appended to the caller's buffer, which is never cleared") {
  const answer a = greeting();
  std::string out = "kept:";
  write_stream(format::openai_chat, a, split_mode::whitespace, out);
  CHECK(out.rfind("kept:data: ", 0) == 0);
  std::string body = "kept:";
  write_body(format::anthropic, a, body);
  CHECK(body.rfind("kept:{", 0) == 0);
}

TEST_CASE("OpenAI chat sends usage only when the request asked for it") {
  answer a = greeting();
  a.input_tokens = 4;
  a.output_tokens = 9;
  for (bool asked : {false, true}) {
    a.include_usage = asked;
    std::string body;
    write_stream(format::openai_chat, a, split_mode::whitespace, body);
    int usage_chunks = 0;
    int chunks_with_usage_key = 0;
    for (const auto& lines : wire_test::sse_events(body, "\n\n")) {
      const std::string data = wire_test::data_only(lines);
      if (data == "[DONE]") continue;
      const wire_test::json chunk = wire_test::parse_json(data);
      chunks_with_usage_key += chunk.has("usage");
      usage_chunks += chunk["choices"].array().empty();
    }
    INFO("include_usage " << asked);
    CHECK(usage_chunks == (asked ? 1 : 0));
    // Asked for, every chunk carries the key (null until the last one), as OpenAI's do.
    CHECK(chunks_with_usage_key == (asked ? static_cast<int>(wire_test::sse_events(body, "\n\n").size()) - 1 : 0));
  }
}
