// The page side of sw-clients.test.mjs: the official LLM clients, bundled by esbuild into one
// browser ES module with this file, each pointed at this page's own address (where the
// site's Service Worker answers the APIs' routes) with no fetch of its own, so every request
// goes through the browser's fetch and the worker.
//
// Contract: once `window.swClients.ready` resolves, the worker controls the page; then
// `window.swClients.read(client, options)` asks one client for a streamed answer and always
// resolves (never rejects) with plain data the test can compare:
//   { text, deltas, reasoning, toolCalls: [{ id, name, input }], usage, finishReason }
// or, when the client threw, { error: { name, message, status, classes } } where `classes`
// names the client's own error classes the error is an instance of.
// options: { prompt, headers (sent with every request), abortOnText (abort the request
// once the first piece of text has arrived; `aborted` then says it happened) }.
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import { APICallError, DefaultChatTransport, readUIMessageStream, streamText } from 'ai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { Ollama } from 'ollama/browser';
import OpenAI from 'openai';

const model = 'trickle-model';
// The site's root: the Service Worker's scope, where its routes live (v1/..., api/chat).
const site = new URL('./', location.href);
const v1 = new URL('v1', site).href;

const parseArguments = (text) => (text === '' || text === undefined ? {} : JSON.parse(text));

// Each reader: (context) => the client's reading of the answer. context: { prompt, headers,
// signal, onText(delta) }. The clients get no `fetch` option: the page's own fetch is used.
const readers = {
  async 'openai-chat'({ prompt, headers, signal, onText }) {
    const client = new OpenAI({ apiKey: 'test-key', baseURL: v1, defaultHeaders: headers, maxRetries: 0, dangerouslyAllowBrowser: true });
    const run = client.chat.completions.stream(
      { model, messages: [{ role: 'user', content: prompt }], stream_options: { include_usage: true } },
      { signal },
    );
    let reasoning = '';
    for await (const chunk of run) {
      const delta = chunk.choices[0]?.delta;
      if (delta?.content) onText(delta.content);
      // Not OpenAI's own field: DeepSeek's, which the SDK passes through untouched.
      reasoning += delta?.reasoning_content ?? '';
    }
    const completion = await run.finalChatCompletion();
    const { message, finish_reason: finishReason } = completion.choices[0];
    return {
      text: message.content ?? '',
      reasoning,
      toolCalls: (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, input: parseArguments(call.function.arguments) })),
      usage: { inputTokens: completion.usage?.prompt_tokens, outputTokens: completion.usage?.completion_tokens },
      finishReason,
    };
  },

  async 'openai-responses'({ prompt, headers, signal, onText }) {
    const client = new OpenAI({ apiKey: 'test-key', baseURL: v1, defaultHeaders: headers, maxRetries: 0, dangerouslyAllowBrowser: true });
    const run = client.responses.stream({ model, input: prompt }, { signal });
    try {
      for await (const event of run) {
        if (event.type === 'response.output_text.delta') onText(event.delta);
      }
    } catch (error) {
      // ResponseStream rethrows the stream's `error` event as it came, not always an Error.
      throw error instanceof Error ? error : Object.assign(new Error(error?.message ?? String(error)), { cause: error });
    }
    const response = await run.finalResponse();
    return {
      text: response.output_text,
      reasoning: response.output.filter((item) => item.type === 'reasoning').flatMap((item) => item.summary.map((part) => part.text)).join(''),
      toolCalls: response.output
        .filter((item) => item.type === 'function_call')
        .map((item) => ({ id: item.call_id, name: item.name, input: parseArguments(item.arguments) })),
      usage: { inputTokens: response.usage?.input_tokens, outputTokens: response.usage?.output_tokens },
      finishReason: response.status,
    };
  },

  async anthropic({ prompt, headers, signal, onText }) {
    // The SDK appends /v1/messages to the base itself.
    const client = new Anthropic({ apiKey: 'test-key', baseURL: site.href.replace(/\/$/, ''), defaultHeaders: headers, maxRetries: 0, dangerouslyAllowBrowser: true });
    const run = client.messages.stream({ model, max_tokens: 1024, messages: [{ role: 'user', content: prompt }] }, { signal });
    for await (const event of run) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') onText(event.delta.text);
    }
    const message = await run.finalMessage();
    const blocks = (type) => message.content.filter((block) => block.type === type);
    return {
      text: blocks('text').map((block) => block.text).join(''),
      reasoning: blocks('thinking').map((block) => block.thinking).join(''),
      toolCalls: blocks('tool_use').map((block) => ({ id: block.id, name: block.name, input: block.input })),
      usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens },
      finishReason: message.stop_reason,
    };
  },

  async gemini({ prompt, headers, signal, onText }) {
    const client = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: site.href, headers } });
    const stream = await client.models.generateContentStream({
      model,
      contents: prompt,
      config: { thinkingConfig: { includeThoughts: true }, abortSignal: signal },
    });
    let text = '';
    let reasoning = '';
    const toolCalls = [];
    let usage;
    let finishReason;
    for await (const response of stream) {
      const candidate = response.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        if (part.thought) reasoning += part.text ?? '';
        else if (part.text !== undefined) (text += part.text), onText(part.text);
        if (part.functionCall) toolCalls.push({ id: part.functionCall.id, name: part.functionCall.name, input: part.functionCall.args });
      }
      finishReason = candidate?.finishReason ?? finishReason;
      const meta = response.usageMetadata;
      if (meta) usage = { inputTokens: meta.promptTokenCount, outputTokens: (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0) };
    }
    return { text, reasoning, toolCalls, usage, finishReason };
  },

  async ollama({ prompt, headers, signal, onText }) {
    // Ollama keeps the host's path: its requests go to <site>/api/chat.
    const client = new Ollama({ host: site.href, headers });
    const stream = await client.chat({ model, messages: [{ role: 'user', content: prompt }], think: true, stream: true });
    // The client has no signal option: its streams are aborted through the iterator.
    const stop = () => stream.abort();
    signal.addEventListener('abort', stop, { once: true });
    let text = '';
    let reasoning = '';
    const toolCalls = [];
    let last;
    try {
      for await (const part of stream) {
        if (part.message?.content) (text += part.message.content), onText(part.message.content);
        reasoning += part.message?.thinking ?? '';
        for (const call of part.message?.tool_calls ?? []) toolCalls.push({ id: call.id, name: call.function.name, input: call.function.arguments });
        last = part;
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
    return { text, reasoning, toolCalls, usage: { inputTokens: last?.prompt_eval_count, outputTokens: last?.eval_count }, finishReason: last?.done_reason };
  },

  // What useChat does: DefaultChatTransport posts the UI messages, readUIMessageStream turns
  // the stream into the assistant's message.
  async 'ai-ui-message'({ prompt, headers, signal, onText }) {
    const transport = new DefaultChatTransport({ api: new URL('api/chat', site).href, headers });
    const chunks = await transport.sendMessages({
      chatId: 'chat-1',
      messages: [{ id: 'user-1', role: 'user', parts: [{ type: 'text', text: prompt }] }],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: signal,
    });
    let message;
    let seen = 0;
    for await (const snapshot of readUIMessageStream({ stream: chunks, terminateOnError: true })) {
      message = snapshot;
      const text = snapshot.parts.filter((part) => part.type === 'text').map((part) => part.text).join('');
      if (text.length > seen) onText(text.slice(seen)), (seen = text.length);
    }
    const parts = message?.parts ?? [];
    return {
      text: parts.filter((part) => part.type === 'text').map((part) => part.text).join(''),
      reasoning: parts.filter((part) => part.type === 'reasoning').map((part) => part.text).join(''),
      toolCalls: parts
        .filter((part) => part.type.startsWith('tool-') || part.type === 'dynamic-tool')
        .map((part) => ({ id: part.toolCallId, name: part.toolName ?? part.type.slice('tool-'.length), input: part.input })),
      usage: undefined, // the UI message stream carries none
      finishReason: undefined,
    };
  },

  'ai-openai-chat': (context) => aiStreamText(createOpenAI({ apiKey: 'test-key', baseURL: v1, headers: context.headers }).chat(model), context),
  'ai-anthropic': (context) => aiStreamText(createAnthropic({ apiKey: 'test-key', baseURL: v1, headers: context.headers })(model), context),
};

// The AI SDK's streamText over one of its provider models.
async function aiStreamText(languageModel, { prompt, signal, onText }) {
  const result = streamText({ model: languageModel, prompt, maxRetries: 0, maxOutputTokens: 1024, abortSignal: signal, onError: () => {} });
  let text = '';
  let reasoning = '';
  const toolCalls = [];
  let usage;
  let finishReason;
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') (text += part.text), onText(part.text);
    if (part.type === 'reasoning-delta') reasoning += part.text;
    if (part.type === 'tool-call') toolCalls.push({ id: part.toolCallId, name: part.toolName, input: part.input });
    if (part.type === 'finish') (usage = { inputTokens: part.totalUsage.inputTokens, outputTokens: part.totalUsage.outputTokens }), (finishReason = part.finishReason);
    // The AI SDK hands a provider's error (and an abort) over as a part of the stream.
    if (part.type === 'error') throw part.error;
    if (part.type === 'abort') throw new DOMException('streamText was aborted', 'AbortError');
  }
  return { text, reasoning, toolCalls, usage, finishReason };
}

// The clients' own error classes, by the names the test expects.
const ERROR_CLASSES = {
  'OpenAI.APIError': OpenAI.APIError,
  'OpenAI.RateLimitError': OpenAI.RateLimitError,
  'OpenAI.InternalServerError': OpenAI.InternalServerError,
  'OpenAI.APIUserAbortError': OpenAI.APIUserAbortError,
  'Anthropic.APIError': Anthropic.APIError,
  'Anthropic.RateLimitError': Anthropic.RateLimitError,
  'Anthropic.InternalServerError': Anthropic.InternalServerError,
  'Anthropic.OverloadedError': Anthropic.OverloadedError,
  'Anthropic.APIUserAbortError': Anthropic.APIUserAbortError,
  'genai.ApiError': ApiError,
  'ai.APICallError': { [Symbol.hasInstance]: (value) => APICallError.isInstance(value) },
  DOMException,
};

function describeError(error) {
  const classes = Object.entries(ERROR_CLASSES).filter(([, type]) => error instanceof type).map(([name]) => name);
  return {
    name: error?.name,
    message: String(error?.message ?? error),
    // Where each client keeps the HTTP status.
    status: error?.status ?? error?.statusCode ?? error?.status_code,
    classes,
  };
}

async function register() {
  const container = navigator.serviceWorker;
  // The site's own worker, registered as the site registers it (web/worker-client.mjs).
  await container.register(new URL('sw.js', site), { type: 'module', scope: site.href, updateViaCache: 'none' });
  await container.ready;
  // The worker claims open pages when it activates; this page may not be claimed yet.
  if (!container.controller) await new Promise((resolve) => container.addEventListener('controllerchange', resolve, { once: true }));
}

/** The controlling worker's answer to 'hello': { build, stats }. */
function helloWorker() {
  const channel = new MessageChannel();
  const reply = new Promise((resolve) => (channel.port1.onmessage = (event) => resolve(event.data)));
  navigator.serviceWorker.controller.postMessage({ type: 'hello' }, [channel.port2]);
  return reply;
}

async function read(name, { prompt, headers = {}, abortOnText = false }) {
  const reader = readers[name];
  if (!reader) throw new TypeError(`no client called ${name}`);
  const controller = new AbortController();
  let deltas = 0;
  let streamed = '';
  const onText = (delta) => {
    deltas += 1;
    streamed += delta;
    if (abortOnText && !controller.signal.aborted) controller.abort();
  };
  try {
    const result = await reader({ prompt, headers, signal: controller.signal, onText });
    return { ...result, deltas, streamed, aborted: controller.signal.aborted };
  } catch (error) {
    return { error: describeError(error), deltas, streamed, aborted: controller.signal.aborted };
  }
}

window.swClients = { ready: register(), read, helloWorker, clients: Object.keys(readers) };
