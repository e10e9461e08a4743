// The official LLM client libraries, each driven through a given fetch: one function per
// client, each returning what that client made of the reply, in one shape:
//
//   { text, reasoning, toolCalls: [{ id, name, input, arguments? }], usage, finishReason }
//
//   text, reasoning  as the client's own final object has them (the accumulated message,
//                    response, or UI message), joined from the deltas where the client
//                    only streams; `streamedText` / `streamedReasoning` are the deltas
//                    joined by us, where the client hands deltas out too
//   toolCalls        input: the arguments as an object; arguments: the JSON text, where
//                    the client gives one
//   usage            { inputTokens, outputTokens, reasoningTokens } as the client reports it
//
// Errors are whatever the client throws (its own classes: RateLimitError, APICallError...).
// The fetch decides everything the server would; the URLs here only need to be well formed.
// Every client is told not to retry, so that an HTTP error reaches the caller at once.
import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import { APICallError } from 'ai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { GoogleGenAI } from '@google/genai';
import { DefaultChatTransport, generateText, readUIMessageStream, streamText } from 'ai';
import { Ollama } from 'ollama/browser';
import OpenAI from 'openai';

const base = 'http://trickle.test';
const prompt = 'Say something.';
const model = 'trickle-model';

const parseArguments = (text) => (text === '' ? {} : JSON.parse(text));

// --- openai -----------------------------------------------------------------------------

function openai(fetch) {
  return new OpenAI({ apiKey: 'test-key', baseURL: `${base}/v1`, fetch, maxRetries: 0 });
}

/** openai: chat.completions, streamed through ChatCompletionStream, or not. */
export async function openaiChat(fetch, { stream = true } = {}) {
  const params = { model, messages: [{ role: 'user', content: prompt }] };
  if (!stream) {
    const completion = await openai(fetch).chat.completions.create(params);
    return chatResult(completion);
  }
  const run = openai(fetch).chat.completions.stream({ ...params, stream_options: { include_usage: true } });
  let streamedText = '';
  let streamedReasoning = '';
  for await (const chunk of run) {
    const delta = chunk.choices[0]?.delta;
    streamedText += delta?.content ?? '';
    // Not part of OpenAI's API: the DeepSeek field, which the SDK passes through.
    streamedReasoning += delta?.reasoning_content ?? '';
  }
  const completion = await run.finalChatCompletion();
  return { ...chatResult(completion), reasoning: streamedReasoning, streamedText, streamedReasoning };
}

function chatResult(completion) {
  const choice = completion.choices[0];
  const message = choice.message;
  return {
    text: message.content ?? '',
    reasoning: message.reasoning_content ?? '',
    toolCalls: (message.tool_calls ?? []).map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      input: parseArguments(call.function.arguments),
    })),
    usage: completion.usage && {
      inputTokens: completion.usage.prompt_tokens,
      outputTokens: completion.usage.completion_tokens,
      reasoningTokens: completion.usage.completion_tokens_details?.reasoning_tokens,
    },
    finishReason: choice.finish_reason,
  };
}

/** openai: responses, streamed through ResponseStream (its accumulator checks every event), or not. */
export async function openaiResponses(fetch, { stream = true } = {}) {
  const params = { model, input: prompt };
  if (!stream) return responseResult(await openai(fetch).responses.create(params));
  const run = openai(fetch).responses.stream(params);
  let streamedText = '';
  let streamedReasoning = '';
  let failure;
  try {
    for await (const event of run) {
      if (event.type === 'response.output_text.delta') streamedText += event.delta;
      if (event.type === 'response.reasoning_summary_text.delta') streamedReasoning += event.delta;
    }
  } catch (error) {
    failure = error;
  }
  // ResponseStream rejects with the stream's `error` event itself, not an Error.
  if (failure !== undefined) throw asError(failure);
  return { ...responseResult(await run.finalResponse()), streamedText, streamedReasoning };
}

function responseResult(response) {
  const reasoning = response.output
    .filter((item) => item.type === 'reasoning')
    .flatMap((item) => item.summary.map((part) => part.text))
    .join('');
  return {
    text: response.output_text,
    reasoning,
    toolCalls: response.output
      .filter((item) => item.type === 'function_call')
      .map((item) => ({ id: item.call_id, name: item.name, arguments: item.arguments, input: parseArguments(item.arguments) })),
    usage: response.usage && {
      inputTokens: response.usage.input_tokens,
      outputTokens: response.usage.output_tokens,
      reasoningTokens: response.usage.output_tokens_details?.reasoning_tokens,
    },
    finishReason: response.status,
  };
}

function asError(value) {
  if (value instanceof Error) return value;
  const error = new Error(value?.message ?? String(value));
  error.cause = value;
  return error;
}

// --- @anthropic-ai/sdk --------------------------------------------------------------------

/** @anthropic-ai/sdk: messages, streamed through MessageStream, or not. */
export async function anthropic(fetch, { stream = true } = {}) {
  const client = new Anthropic({ apiKey: 'test-key', baseURL: base, fetch, maxRetries: 0 });
  const params = { model, max_tokens: 1024, messages: [{ role: 'user', content: prompt }] };
  if (!stream) return messageResult(await client.messages.create(params));
  const run = client.messages.stream(params);
  let streamedText = '';
  let streamedReasoning = '';
  for await (const event of run) {
    if (event.type !== 'content_block_delta') continue;
    if (event.delta.type === 'text_delta') streamedText += event.delta.text;
    if (event.delta.type === 'thinking_delta') streamedReasoning += event.delta.thinking;
  }
  return { ...messageResult(await run.finalMessage()), streamedText, streamedReasoning };
}

function messageResult(message) {
  const blocks = (type) => message.content.filter((block) => block.type === type);
  return {
    text: blocks('text').map((block) => block.text).join(''),
    reasoning: blocks('thinking').map((block) => block.thinking).join(''),
    signatures: blocks('thinking').map((block) => block.signature),
    toolCalls: blocks('tool_use').map((block) => ({ id: block.id, name: block.name, input: block.input })),
    usage: {
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
      reasoningTokens: undefined,
    },
    finishReason: message.stop_reason,
  };
}

// --- ai (the AI SDK) ----------------------------------------------------------------------

/** ai: what useChat does, DefaultChatTransport + readUIMessageStream, to the last UI message. */
export async function aiUiMessages(fetch) {
  const transport = new DefaultChatTransport({ api: `${base}/api/chat`, fetch });
  const chunks = await transport.sendMessages({
    chatId: 'chat-1',
    messages: [{ id: 'user-1', role: 'user', parts: [{ type: 'text', text: prompt }] }],
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: undefined,
  });
  let message;
  for await (const snapshot of readUIMessageStream({ stream: chunks, terminateOnError: true })) message = snapshot;
  const parts = message?.parts ?? [];
  return {
    text: parts.filter((part) => part.type === 'text').map((part) => part.text).join(''),
    reasoning: parts.filter((part) => part.type === 'reasoning').map((part) => part.text).join(''),
    toolCalls: parts
      .filter((part) => part.type.startsWith('tool-') || part.type === 'dynamic-tool')
      .map((part) => ({ id: part.toolCallId, name: part.toolName ?? part.type.slice('tool-'.length), input: part.input, state: part.state })),
    usage: message?.metadata?.usage,
    messageId: message?.id,
  };
}

/** The AI SDK's streamText (or generateText) over one of its provider models. */
async function aiModel(languageModel, { stream = true } = {}) {
  // maxOutputTokens: unknown models otherwise make @ai-sdk/anthropic print a warning.
  const params = { model: languageModel, prompt, maxRetries: 0, maxOutputTokens: 1024 };
  if (!stream) {
    const result = await generateText(params);
    return {
      text: result.text,
      reasoning: result.reasoningText ?? '',
      toolCalls: result.toolCalls.map((call) => ({ id: call.toolCallId, name: call.toolName, input: call.input })),
      usage: aiUsage(result.usage),
      finishReason: result.finishReason,
    };
  }
  const result = streamText({ ...params, onError: () => {} });
  let text = '';
  let reasoning = '';
  const toolCalls = [];
  let usage;
  let finishReason;
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'reasoning-delta') reasoning += part.text;
    if (part.type === 'tool-call') toolCalls.push({ id: part.toolCallId, name: part.toolName, input: part.input });
    if (part.type === 'finish') (usage = aiUsage(part.totalUsage)), (finishReason = part.finishReason);
    // The AI SDK hands a provider's stream error over as the provider sent it.
    if (part.type === 'error') throw asError(part.error);
  }
  return { text, reasoning, toolCalls, usage, finishReason };
}

const aiUsage = (usage) =>
  usage && { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, reasoningTokens: usage.reasoningTokens };

const aiOpenAI = (fetch) => createOpenAI({ apiKey: 'test-key', baseURL: `${base}/v1`, fetch });

/** @ai-sdk/openai over chat completions. */
export const aiOpenAIChat = (fetch, options) => aiModel(aiOpenAI(fetch).chat(model), options);
/** @ai-sdk/openai over responses (its default API). */
export const aiOpenAIResponses = (fetch, options) => aiModel(aiOpenAI(fetch).responses(model), options);
/** @ai-sdk/anthropic over messages. */
export const aiAnthropic = (fetch, options) =>
  aiModel(createAnthropic({ apiKey: 'test-key', baseURL: `${base}/v1`, fetch })(model), options);

// --- @google/genai ------------------------------------------------------------------------

/** @google/genai: generateContentStream (thoughts included), or generateContent. */
export async function gemini(fetch, { stream = true } = {}) {
  const client = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: base, fetch } });
  const params = { model, contents: prompt, config: { thinkingConfig: { includeThoughts: true } } };
  const responses = [];
  if (stream) {
    for await (const response of await client.models.generateContentStream(params)) responses.push(response);
  } else {
    responses.push(await client.models.generateContent(params));
  }
  let text = '';
  let reasoning = '';
  const toolCalls = [];
  let usage;
  let finishReason;
  for (const response of responses) {
    const candidate = response.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.thought) reasoning += part.text ?? '';
      else if (part.text !== undefined) text += part.text;
      if (part.functionCall) toolCalls.push({ id: part.functionCall.id, name: part.functionCall.name, input: part.functionCall.args });
    }
    finishReason = candidate?.finishReason ?? finishReason;
    if (response.usageMetadata) {
      const meta = response.usageMetadata;
      usage = {
        inputTokens: meta.promptTokenCount,
        outputTokens: (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0),
        // Gemini leaves the count out when the model did not think.
        reasoningTokens: meta.thoughtsTokenCount ?? 0,
      };
    }
  }
  // The SDK's own reading of the text: response.text joins the non-thought text parts (and
  // warns about other parts, hence only asked when there are none).
  const callsIn = (response) => response.candidates?.[0]?.content?.parts?.some((part) => part.functionCall);
  const sdkText = responses.some(callsIn) ? undefined : responses.map((response) => response.text ?? '').join('');
  return { text, reasoning, toolCalls, usage, finishReason, sdkText };
}

// --- ollama -------------------------------------------------------------------------------

/** ollama: chat, streamed (NDJSON) or not. */
export async function ollama(fetch, { stream = true } = {}) {
  const client = new Ollama({ host: base, fetch });
  const params = { model, messages: [{ role: 'user', content: prompt }], think: true };
  const responses = stream ? [] : [await client.chat({ ...params, stream: false })];
  if (stream) for await (const part of await client.chat({ ...params, stream: true })) responses.push(part);
  let text = '';
  let reasoning = '';
  const toolCalls = [];
  for (const response of responses) {
    text += response.message?.content ?? '';
    reasoning += response.message?.thinking ?? '';
    for (const call of response.message?.tool_calls ?? []) {
      toolCalls.push({ id: call.id, name: call.function.name, input: call.function.arguments });
    }
  }
  const last = responses.at(-1);
  return {
    text,
    reasoning,
    toolCalls,
    usage: last && { inputTokens: last.prompt_eval_count, outputTokens: last.eval_count, reasoningTokens: undefined },
    finishReason: last?.done_reason,
  };
}

// --- plain text ---------------------------------------------------------------------------

/**
 * Plain fetch: the body read as a text stream, the way a browser page would, except that a
 * leading U+FEFF is kept (TextDecoder and response.text() drop it by default).
 */
export async function plainText(fetch) {
  // The lesson's endpoint: GET chat?prompt=.
  const response = await fetch(`${base}/chat?prompt=${encodeURIComponent(prompt)}`);
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let text = '';
  for await (const bytes of response.body) text += decoder.decode(bytes, { stream: true });
  text += decoder.decode();
  return { text, reasoning: '', toolCalls: [], usage: undefined };
}

// --- What each client reads and how it says things ------------------------------------

export const finishes = {
  openai: { stop: 'stop', length: 'length', tool_calls: 'tool_calls' },
  responses: { stop: 'completed', length: 'incomplete', tool_calls: 'completed' },
  anthropic: { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' },
  ai: { stop: 'stop', length: 'length', tool_calls: 'tool-calls' },
  gemini: { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP' },
  ollama: { stop: 'stop', length: 'length', tool_calls: 'stop' },
};

const openaiErrors = { 429: OpenAI.RateLimitError, 500: OpenAI.InternalServerError, 529: OpenAI.InternalServerError };
const anthropicErrors = {
  429: Anthropic.RateLimitError,
  500: Anthropic.InternalServerError,
  529: Anthropic.OverloadedError,
};

// path: where the client sends its request (what trickle.fetch will route on);
// reasoning: the client reads reasoning; argumentsText: it gives the arguments' JSON text;
// toolIds: it gives the call ids; reasoningTokens: it reports them; body: it can ask for a
// non-streamed reply (and then at bodyPath).
export const readers = [
  {
    name: 'openai (chat.completions)', read: openaiChat, format: 'openai-chat',
    path: '/v1/chat/completions', reasoning: true, argumentsText: true, toolIds: true, reasoningTokens: true,
    finish: finishes.openai, body: true,
    httpError: (error, status) => error instanceof openaiErrors[status] && error.status === status,
  },
  {
    name: 'openai (responses)', read: openaiResponses, format: 'openai-responses',
    path: '/v1/responses', reasoning: true, argumentsText: true, toolIds: true, reasoningTokens: true,
    finish: finishes.responses, body: true,
    httpError: (error, status) => error instanceof openaiErrors[status] && error.status === status,
  },
  {
    name: '@anthropic-ai/sdk', read: anthropic, format: 'anthropic',
    path: '/v1/messages', reasoning: true, toolIds: true, finish: finishes.anthropic, body: true,
    httpError: (error, status) => error instanceof anthropicErrors[status] && error.status === status,
  },
  {
    name: 'ai (DefaultChatTransport, the useChat stream)', read: aiUiMessages, format: 'ui-message',
    path: '/api/chat', reasoning: true, toolIds: true, reasoningTokens: true, uiUsage: true,
    // useChat makes an Error of the body's text.
    httpError: (error, status) => error instanceof Error && error.message === defaultMessages[status],
  },
  {
    name: '@ai-sdk/openai (chat)', read: aiOpenAIChat, format: 'openai-chat',
    path: '/v1/chat/completions', toolIds: true, reasoningTokens: true, finish: finishes.ai, body: true,
    httpError: (error, status) => APICallError.isInstance(error) && error.statusCode === status,
  },
  {
    name: '@ai-sdk/openai (responses)', read: aiOpenAIResponses, format: 'openai-responses',
    path: '/v1/responses', reasoning: true, toolIds: true, reasoningTokens: true, finish: finishes.ai, body: true,
    httpError: (error, status) => APICallError.isInstance(error) && error.statusCode === status,
  },
  {
    name: '@ai-sdk/anthropic', read: aiAnthropic, format: 'anthropic',
    path: '/v1/messages', reasoning: true, toolIds: true, finish: finishes.ai, body: true,
    httpError: (error, status) => APICallError.isInstance(error) && error.statusCode === status,
  },
  {
    name: '@google/genai', read: gemini, format: 'gemini',
    path: '/v1beta/models/trickle-model:streamGenerateContent?alt=sse',
    bodyPath: '/v1beta/models/trickle-model:generateContent',
    reasoning: true, reasoningTokens: true, finish: finishes.gemini, body: true,
    httpError: (error, status) => error instanceof ApiError && error.status === status,
  },
  {
    name: 'ollama', read: ollama, format: 'ollama',
    path: '/api/chat', reasoning: true, toolIds: true, finish: finishes.ollama, body: true,
    httpError: (error, status) => error.name === 'ResponseError' && error.status_code === status,
  },
  {
    name: 'fetch as plain text', read: plainText, format: 'plain-text', path: '/chat?prompt=Say%20something.', textOnly: true,
    httpError: (error, status) => error.message === `HTTP ${status}: ${defaultMessages[status]}`,
  },
];

export const defaultMessages = {
  429: 'Rate limit reached. Please try again later.',
  500: 'The server had an error while processing the request.',
  529: 'Overloaded',
};

