// Golden frames: the exact bytes of a small answer in every format. These are the formats'
// specifications as this project reads them (see each format's file for the sources); the
// node tests (tests/js/wire-frames.test.mjs) check that the official clients accept them.
#include <catch2/catch.hpp>

#include "core/wire/encoder.hpp"

#include <string>
#include <vector>

using namespace trickle;
using namespace trickle::wire;

namespace {

answer small_answer() {
  answer a;
  a.text = "Hi there";
  a.reasoning = "Hmm.";
  a.tool_calls = {{"", "f", "{\"a\": 1}"}};
  a.model = "m";
  a.id = "x1";
  a.created = 1700000000;
  a.input_tokens = 3;
  a.output_tokens = 5;
  a.reasoning_tokens = 1;
  a.duration_ns = 7;
  a.include_usage = true;
  return a;
}

std::string_view separator(format f) {
  switch (f) {
    case format::gemini: return "\r\n\r\n";
    case format::ollama: return "\n";
    case format::plain_text: return "";
    default: return "\n\n";
  }
}

// The body cut after each separator, so that a failure names the frame that differs.
std::vector<std::string> frames_of(format f, std::string_view body) {
  const std::string_view sep = separator(f);
  if (sep.empty()) return {std::string(body)};
  std::vector<std::string> frames;
  while (!body.empty()) {
    const std::size_t end = body.find(sep);
    if (end == std::string_view::npos) {
      frames.emplace_back(std::string(body) + "<no separator>");
      break;
    }
    frames.emplace_back(body.substr(0, end));
    body.remove_prefix(end + sep.size());
  }
  return frames;
}

struct golden {
  format f;
  std::vector<std::string> frames;
};

const std::vector<golden>& goldens() {
  static const std::vector<golden> all = {
    {format::openai_chat,
     {
         R"(data: {"id":"chatcmpl-x1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null})",
         R"(data: {"id":"chatcmpl-x1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{"reasoning_content":"Hmm."},"logprobs":null,"finish_reason":null}],"usage":null})",
         R"(data: {"id":"chatcmpl-x1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":null})",
         R"(data: {"id":"chatcmpl-x1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{"content":" there"},"logprobs":null,"finish_reason":null}],"usage":null})",
         R"(data: {"id":"chatcmpl-x1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_x1_0","type":"function","function":{"name":"f","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null})",
         R"(data: {"id":"chatcmpl-x1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]},"logprobs":null,"finish_reason":null}],"usage":null})",
         R"(data: {"id":"chatcmpl-x1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" 1}"}}]},"logprobs":null,"finish_reason":null}],"usage":null})",
         R"(data: {"id":"chatcmpl-x1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null})",
         R"(data: {"id":"chatcmpl-x1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":null,"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":1,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}})",
         R"(data: [DONE])",
     }},
    {format::openai_responses,
     {
         R"(event: response.created
data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_x1","object":"response","created_at":1700000000,"status":"in_progress","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"m","output":[],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":false,"temperature":1,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled","usage":null,"user":null,"metadata":{}}})",
         R"(event: response.in_progress
data: {"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_x1","object":"response","created_at":1700000000,"status":"in_progress","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"m","output":[],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":false,"temperature":1,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled","usage":null,"user":null,"metadata":{}}})",
         R"(event: response.output_item.added
data: {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"rs_x1","type":"reasoning","summary":[]}})",
         R"(event: response.reasoning_summary_part.added
data: {"type":"response.reasoning_summary_part.added","sequence_number":3,"item_id":"rs_x1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}})",
         R"(event: response.reasoning_summary_text.delta
data: {"type":"response.reasoning_summary_text.delta","sequence_number":4,"item_id":"rs_x1","output_index":0,"summary_index":0,"delta":"Hmm."})",
         R"(event: response.reasoning_summary_text.done
data: {"type":"response.reasoning_summary_text.done","sequence_number":5,"item_id":"rs_x1","output_index":0,"summary_index":0,"text":"Hmm."})",
         R"(event: response.reasoning_summary_part.done
data: {"type":"response.reasoning_summary_part.done","sequence_number":6,"item_id":"rs_x1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":"Hmm."}})",
         R"(event: response.output_item.done
data: {"type":"response.output_item.done","sequence_number":7,"output_index":0,"item":{"id":"rs_x1","type":"reasoning","summary":[{"type":"summary_text","text":"Hmm."}]}})",
         R"(event: response.output_item.added
data: {"type":"response.output_item.added","sequence_number":8,"output_index":1,"item":{"id":"msg_x1","type":"message","status":"in_progress","content":[],"role":"assistant"}})",
         R"(event: response.content_part.added
data: {"type":"response.content_part.added","sequence_number":9,"item_id":"msg_x1","output_index":1,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}})",
         R"(event: response.output_text.delta
data: {"type":"response.output_text.delta","sequence_number":10,"item_id":"msg_x1","output_index":1,"content_index":0,"delta":"Hi","logprobs":[]})",
         R"(event: response.output_text.delta
data: {"type":"response.output_text.delta","sequence_number":11,"item_id":"msg_x1","output_index":1,"content_index":0,"delta":" there","logprobs":[]})",
         R"(event: response.output_text.done
data: {"type":"response.output_text.done","sequence_number":12,"item_id":"msg_x1","output_index":1,"content_index":0,"text":"Hi there","logprobs":[]})",
         R"(event: response.content_part.done
data: {"type":"response.content_part.done","sequence_number":13,"item_id":"msg_x1","output_index":1,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":"Hi there"}})",
         R"(event: response.output_item.done
data: {"type":"response.output_item.done","sequence_number":14,"output_index":1,"item":{"id":"msg_x1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hi there"}],"role":"assistant"}})",
         R"(event: response.output_item.added
data: {"type":"response.output_item.added","sequence_number":15,"output_index":2,"item":{"id":"fc_x1_0","type":"function_call","status":"in_progress","arguments":"","call_id":"call_x1_0","name":"f"}})",
         R"(event: response.function_call_arguments.delta
data: {"type":"response.function_call_arguments.delta","sequence_number":16,"item_id":"fc_x1_0","output_index":2,"delta":"{\"a\":"})",
         R"(event: response.function_call_arguments.delta
data: {"type":"response.function_call_arguments.delta","sequence_number":17,"item_id":"fc_x1_0","output_index":2,"delta":" 1}"})",
         R"(event: response.function_call_arguments.done
data: {"type":"response.function_call_arguments.done","sequence_number":18,"item_id":"fc_x1_0","output_index":2,"arguments":"{\"a\": 1}"})",
         R"(event: response.output_item.done
data: {"type":"response.output_item.done","sequence_number":19,"output_index":2,"item":{"id":"fc_x1_0","type":"function_call","status":"completed","arguments":"{\"a\": 1}","call_id":"call_x1_0","name":"f"}})",
         R"(event: response.completed
data: {"type":"response.completed","sequence_number":20,"response":{"id":"resp_x1","object":"response","created_at":1700000000,"status":"completed","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"m","output":[{"id":"rs_x1","type":"reasoning","summary":[{"type":"summary_text","text":"Hmm."}]},{"id":"msg_x1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hi there"}],"role":"assistant"},{"id":"fc_x1_0","type":"function_call","status":"completed","arguments":"{\"a\": 1}","call_id":"call_x1_0","name":"f"}],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":false,"temperature":1,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled","usage":{"input_tokens":3,"input_tokens_details":{"cached_tokens":0},"output_tokens":5,"output_tokens_details":{"reasoning_tokens":1},"total_tokens":8},"user":null,"metadata":{}}})",
     }},
    {format::anthropic,
     {
         R"(event: message_start
data: {"type":"message_start","message":{"id":"msg_x1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}})",
         R"(event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})",
         R"(event: ping
data: {"type":"ping"})",
         R"(event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm."}})",
         R"(event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"trickle-signature-x1"}})",
         R"(event: content_block_stop
data: {"type":"content_block_stop","index":0})",
         R"(event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})",
         R"(event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi"}})",
         R"(event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":" there"}})",
         R"(event: content_block_stop
data: {"type":"content_block_stop","index":1})",
         R"(event: content_block_start
data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_x1_0","name":"f","input":{}}})",
         R"(event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}})",
         R"(event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":" 1}"}})",
         R"(event: content_block_stop
data: {"type":"content_block_stop","index":2})",
         R"(event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":5}})",
         R"(event: message_stop
data: {"type":"message_stop"})",
     }},
    {format::ui_message,
     {
         R"(data: {"type":"start","messageId":"msg-x1"})",
         R"(data: {"type":"start-step"})",
         R"(data: {"type":"reasoning-start","id":"reasoning-0"})",
         R"(data: {"type":"reasoning-delta","id":"reasoning-0","delta":"Hmm."})",
         R"(data: {"type":"reasoning-end","id":"reasoning-0"})",
         R"(data: {"type":"text-start","id":"text-0"})",
         R"(data: {"type":"text-delta","id":"text-0","delta":"Hi"})",
         R"(data: {"type":"text-delta","id":"text-0","delta":" there"})",
         R"(data: {"type":"text-end","id":"text-0"})",
         R"(data: {"type":"tool-input-start","toolCallId":"call_x1_0","toolName":"f"})",
         R"(data: {"type":"tool-input-delta","toolCallId":"call_x1_0","inputTextDelta":"{\"a\":"})",
         R"(data: {"type":"tool-input-delta","toolCallId":"call_x1_0","inputTextDelta":" 1}"})",
         R"(data: {"type":"tool-input-available","toolCallId":"call_x1_0","toolName":"f","input":{"a":1}})",
         R"(data: {"type":"finish-step"})",
         R"(data: {"type":"finish","finishReason":"tool-calls","messageMetadata":{"usage":{"inputTokens":3,"outputTokens":5,"totalTokens":8,"reasoningTokens":1}}})",
         R"(data: [DONE])",
     }},
    {format::gemini,
     {
         R"(data: {"candidates":[{"content":{"parts":[{"text":"Hmm.","thought":true}],"role":"model"},"index":0}],"modelVersion":"m","responseId":"x1"})",
         R"(data: {"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}],"modelVersion":"m","responseId":"x1"})",
         R"(data: {"candidates":[{"content":{"parts":[{"text":" there"}],"role":"model"},"index":0}],"modelVersion":"m","responseId":"x1"})",
         R"(data: {"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"a":1}}}],"role":"model"},"index":0}],"modelVersion":"m","responseId":"x1"})",
         R"(data: {"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":4,"totalTokenCount":8,"thoughtsTokenCount":1},"modelVersion":"m","responseId":"x1"})",
     }},
    {format::ollama,
     {
         R"({"model":"m","created_at":"2023-11-14T22:13:20Z","message":{"role":"assistant","content":"","thinking":"Hmm."},"done":false})",
         R"({"model":"m","created_at":"2023-11-14T22:13:20Z","message":{"role":"assistant","content":"Hi"},"done":false})",
         R"({"model":"m","created_at":"2023-11-14T22:13:20Z","message":{"role":"assistant","content":" there"},"done":false})",
         R"({"model":"m","created_at":"2023-11-14T22:13:20Z","message":{"role":"assistant","content":"","tool_calls":[{"id":"call_x1_0","function":{"index":0,"name":"f","arguments":{"a":1}}}]},"done":false})",
         R"({"model":"m","created_at":"2023-11-14T22:13:20Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":7,"load_duration":0,"prompt_eval_count":3,"prompt_eval_duration":0,"eval_count":5,"eval_duration":7})",
     }},
    {format::plain_text,
     {
         R"(Hi there)",
     }},
  };
  return all;
}

}  // namespace

TEST_CASE("a small answer is written frame for frame as each API streams it") {
  const answer a = small_answer();
  REQUIRE(goldens().size() == std::size(all_formats));
  for (const golden& g : goldens()) {
    INFO("format " << info(g.f).name);
    std::string body;
    write_stream(g.f, a, split_mode::whitespace, body);
    CHECK(frames_of(g.f, body) == g.frames);
  }
}
