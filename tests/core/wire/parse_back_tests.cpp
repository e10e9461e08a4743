// Every frame of every format parses as strict JSON, and what a client reassembles from the
// deltas is the answer exactly: its text and reasoning as TextDecoder reads them, its tool
// calls with their full arguments, its usage and finish reason. Random answers full of
// awkward bytes, pieces cut at random byte positions, a fixed seed.
#include <catch2/catch.hpp>

#include "core/wire/encoder.hpp"
#include "wire/wire_support.hpp"

#include <array>
#include <string>

using namespace trickle;
using namespace trickle::wire;
using namespace wire_test;

namespace {

std::string finish_name(format f, const answer& a) {
  const finish_reason reason = resolved_finish(a);
  const int i = reason == finish_reason::length ? 1 : reason == finish_reason::tool_calls ? 2 : 0;
  switch (f) {
    case format::openai_chat: return std::array{"stop", "length", "tool_calls"}[i];
    case format::openai_responses: return std::array{"completed", "incomplete", "completed"}[i];
    case format::anthropic: return std::array{"end_turn", "max_tokens", "tool_use"}[i];
    case format::ui_message: return std::array{"stop", "length", "tool-calls"}[i];
    case format::gemini: return std::array{"STOP", "MAX_TOKENS", "STOP"}[i];
    case format::ollama: return std::array{"stop", "length", "stop"}[i];
    case format::plain_text: return "";
  }
  return "";
}

std::string expected_call_id(format f, const answer& a, std::size_t i) {
  if (f == format::gemini) return "";
  if (!a.tool_calls[i].id.empty()) return a.tool_calls[i].id;
  return (f == format::anthropic ? "toolu_" : "call_") + a.id + "_" + std::to_string(i);
}

bool reports_reasoning_tokens(format f) {
  return f == format::openai_chat || f == format::openai_responses || f == format::ui_message || f == format::gemini;
}

// What a client must get from a finished reply of `a` in format `f`, streamed or not.
void check_reply(format f, const answer& a, const read_reply& reply) {
  INFO("format " << info(f).name);
  if (f == format::plain_text) {
    CHECK(reply.text == a.text);  // bytes as they are
    return;
  }
  CHECK(reply.text == text_decoder(a.text));
  CHECK(reply.reasoning == text_decoder(a.reasoning));
  for (const std::string& repeated : reply.repeated_texts) CHECK(repeated == reply.text);
  for (const std::string& repeated : reply.repeated_reasonings) CHECK(repeated == reply.reasoning);
  REQUIRE(reply.calls.size() == a.tool_calls.size());
  for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
    INFO("tool call " << i);
    CHECK(reply.calls[i].name == a.tool_calls[i].name);
    CHECK(reply.calls[i].id == expected_call_id(f, a, i));
    CHECK(reply.calls[i].input == parse_json(a.tool_calls[i].arguments));
    if (!reply.calls[i].arguments.empty()) CHECK(reply.calls[i].arguments == a.tool_calls[i].arguments);
  }
  CHECK(reply.finish == finish_name(f, a));
  CHECK(reply.input_tokens == a.input_tokens);
  CHECK(reply.output_tokens == a.output_tokens);
  if (reports_reasoning_tokens(f)) CHECK(reply.reasoning_tokens == a.reasoning_tokens);
  CHECK(reply.terminated);
  CHECK(reply.error_message.empty());
}

read_reply read_body(format f, std::string_view body) {
  read_reply reply;
  reply.terminated = true;
  if (f == format::plain_text) {
    reply.text = std::string(body);
    return reply;
  }
  const json root = parse_json(body);
  switch (f) {
    case format::openai_chat: {
      CHECK(root["object"].str() == "chat.completion");
      const json& choice = root["choices"][0];
      const json& message = choice["message"];
      if (!message["content"].is_null()) reply.text = message["content"].str();
      if (const json* reasoning = message.find("reasoning_content")) reply.reasoning = reasoning->str();
      if (const json* calls = message.find("tool_calls")) {
        for (const json& call : calls->array()) {
          const std::string& arguments = call["function"]["arguments"].str();
          reply.calls.push_back({call["id"].str(), call["function"]["name"].str(), parse_json(arguments), arguments});
        }
      }
      reply.finish = choice["finish_reason"].str();
      reply.input_tokens = root["usage"]["prompt_tokens"].number();
      reply.output_tokens = root["usage"]["completion_tokens"].number();
      reply.reasoning_tokens = root["usage"]["completion_tokens_details"]["reasoning_tokens"].number();
      break;
    }
    case format::openai_responses: {
      for (const json& item : root["output"].array()) {
        const std::string& type = item["type"].str();
        if (type == "message") reply.text += item["content"][0]["text"].str();
        if (type == "reasoning") reply.reasoning += item["summary"][0]["text"].str();
        if (type == "function_call") {
          const std::string& arguments = item["arguments"].str();
          reply.calls.push_back({item["call_id"].str(), item["name"].str(), parse_json(arguments), arguments});
        }
      }
      reply.finish = root["status"].str();
      reply.input_tokens = root["usage"]["input_tokens"].number();
      reply.output_tokens = root["usage"]["output_tokens"].number();
      reply.reasoning_tokens = root["usage"]["output_tokens_details"]["reasoning_tokens"].number();
      break;
    }
    case format::anthropic: {
      for (const json& block : root["content"].array()) {
        const std::string& type = block["type"].str();
        if (type == "text") reply.text += block["text"].str();
        if (type == "thinking") reply.reasoning += block["thinking"].str();
        if (type == "tool_use") reply.calls.push_back({block["id"].str(), block["name"].str(), block["input"], ""});
      }
      reply.finish = root["stop_reason"].str();
      reply.input_tokens = root["usage"]["input_tokens"].number();
      reply.output_tokens = root["usage"]["output_tokens"].number();
      break;
    }
    case format::ui_message: {
      for (const json& part : root["parts"].array()) {
        const std::string& type = part["type"].str();
        if (type == "text") reply.text += part["text"].str();
        if (type == "reasoning") reply.reasoning += part["text"].str();
        if (type.rfind("tool-", 0) == 0) reply.calls.push_back({part["toolCallId"].str(), type.substr(5), part["input"], ""});
      }
      break;
    }
    case format::gemini: read_gemini_response(root, reply); break;
    case format::ollama: read_ollama_line(root, reply); break;
    case format::plain_text: break;
  }
  return reply;
}

}  // namespace

TEST_CASE("random answers cut at random bytes reassemble exactly from every format's frames") {
  prng next(7);
  for (std::uint32_t seed = 1; seed <= 150; ++seed) {
    const answer a = random_answer(next, seed);
    const std::vector<event> events = randomly_cut_events(a, next);
    for (format f : all_formats) {
      INFO("seed " << seed);
      std::string body;
      const auto enc = make_encoder(f, a);
      for (const event& e : events) enc->write(body, e);
      read_reply reply;
      REQUIRE_NOTHROW(reply = read_stream(f, body));
      check_reply(f, a, reply);
    }
  }
}

TEST_CASE("random answers split into words or characters reassemble from every format's frames") {
  prng next(11);
  for (std::uint32_t seed = 1; seed <= 60; ++seed) {
    const answer a = random_answer(next, seed);
    for (split_mode mode : {split_mode::whitespace, split_mode::character, split_mode::space}) {
      for (format f : all_formats) {
        INFO("seed " << seed << ", split mode " << static_cast<int>(mode));
        std::string body;
        write_stream(f, a, mode, body);
        read_reply reply;
        REQUIRE_NOTHROW(reply = read_stream(f, body));
        check_reply(f, a, reply);
      }
    }
  }
}

TEST_CASE("the non-streamed body of every format holds the whole answer") {
  prng next(13);
  for (std::uint32_t seed = 1; seed <= 80; ++seed) {
    const answer a = random_answer(next, seed);
    for (format f : all_formats) {
      INFO("seed " << seed);
      std::string body;
      write_body(f, a, body);
      read_reply reply;
      REQUIRE_NOTHROW(reply = read_body(f, body));
      // The UI message carries no usage or finish reason: only its parts are compared.
      if (f == format::ui_message) {
        CHECK(reply.text == text_decoder(a.text));
        CHECK(reply.reasoning == text_decoder(a.reasoning));
        REQUIRE(reply.calls.size() == a.tool_calls.size());
        for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
          CHECK(reply.calls[i].input == parse_json(a.tool_calls[i].arguments));
          CHECK(reply.calls[i].name == a.tool_calls[i].name);
        }
      } else {
        check_reply(f, a, reply);
      }
    }
  }
}

TEST_CASE("a mid-stream error is the last frame, in the format's own shape, after a valid prefix") {
  prng next(17);
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    const answer a = random_answer(next, seed);
    const std::vector<event> events = randomly_cut_events(a, next);
    // Any point before finish (the last two events are finish and end).
    const std::size_t cut = next.below(events.size() - 1);
    for (format f : all_formats) {
      INFO("seed " << seed << ", error after " << cut << " events, format " << info(f).name);
      std::string body;
      const auto enc = make_encoder(f, a);
      for (std::size_t i = 0; i < cut; ++i) enc->write(body, events[i]);
      enc->error(body, {529, "Overloaded \"now\""});
      CHECK(enc->ended());
      read_reply reply;
      REQUIRE_NOTHROW(reply = read_stream(f, body));
      if (f == format::plain_text) {
        CHECK(a.text.substr(0, reply.text.size()) == reply.text);
        continue;
      }
      CHECK(reply.error_message == "Overloaded \"now\"");
      CHECK_FALSE(reply.terminated);
      const std::string expected_type = f == format::anthropic ? "overloaded_error"
                                        : f == format::gemini ? "UNAVAILABLE"
                                        : f == format::openai_chat || f == format::openai_responses ? "server_error"
                                                                                                    : "";
      CHECK(reply.error_type == expected_type);
    }
  }
}

TEST_CASE("every HTTP error body is the format's error JSON for that status") {
  struct expectation {
    int status;
    const char* openai_type;
    const char* anthropic_type;
    const char* google_status;
  };
  for (const expectation& e : {expectation{400, "invalid_request_error", "invalid_request_error", "INVALID_ARGUMENT"},
                               expectation{404, "invalid_request_error", "not_found_error", "NOT_FOUND"},
                               expectation{405, "invalid_request_error", "invalid_request_error", "INVALID_ARGUMENT"},
                               expectation{429, "requests", "rate_limit_error", "RESOURCE_EXHAUSTED"},
                               expectation{500, "server_error", "api_error", "INTERNAL"},
                               expectation{503, "server_error", "api_error", "UNAVAILABLE"},
                               expectation{529, "server_error", "overloaded_error", "UNAVAILABLE"}}) {
    INFO("status " << e.status);
    const auto body = [&](format f, std::string_view message = "") {
      std::string out;
      write_error_body(f, {e.status, message}, out);
      return out;
    };
    const json openai = parse_json(body(format::openai_chat, "no \"luck\""));
    CHECK(openai["error"]["type"].str() == e.openai_type);
    CHECK(openai["error"]["message"].str() == "no \"luck\"");
    CHECK(openai["error"]["param"].is_null());
    CHECK(body(format::openai_responses, "no \"luck\"") == body(format::openai_chat, "no \"luck\""));
    const json anthropic = parse_json(body(format::anthropic));
    CHECK(anthropic["type"].str() == "error");
    CHECK(anthropic["error"]["type"].str() == e.anthropic_type);
    CHECK_FALSE(anthropic["error"]["message"].str().empty());
    const json google = parse_json(body(format::gemini));
    CHECK(google["error"]["code"].number() == e.status);
    CHECK(google["error"]["status"].str() == e.google_status);
    CHECK(parse_json(body(format::ollama, "gone"))["error"].str() == "gone");
    CHECK(body(format::ui_message, "gone") == "gone");
    CHECK(body(format::plain_text, "gone") == "gone");
  }
  CHECK(parse_json([] {
          std::string out;
          write_error_body(format::openai_chat, {429, ""}, out);
          return out;
        }())["error"]["code"].str() == "rate_limit_exceeded");
  std::string out;
  CHECK_THROWS_AS(write_error_body(format::anthropic, {200, ""}, out), std::invalid_argument);
  CHECK_THROWS_AS(write_error_body(format::anthropic, {600, ""}, out), std::invalid_argument);
  CHECK(out.empty());
}
