// Reading one provider's stream back into an answer: what each payload of each format says
// (the frames trickle's encoders write, src/core/wire/*.cpp, and the fields the real APIs
// add around them), gathered by an AnswerBuilder into the answer and the chunks as the
// provider cut them. transcript.mjs does the framing (SSE, NDJSON) and the timing.

// The formats with an end marker after the finish: a stream without it was cut short.
const TERMINATED = new Set(['openai-chat', 'anthropic', 'ui-message']);

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The end-of-stream marker of SSE formats that have one (`data: [DONE]`). */
export const DONE = Symbol('[DONE]');

// ---- Telling formats apart --------------------------------------------------------------

const ANTHROPIC_TYPES = new Set(['message', 'message_start', 'content_block_start', 'content_block_delta', 'content_block_stop',
  'message_delta', 'message_stop', 'ping']);
const UI_TYPES = new Set(['start', 'start-step', 'finish-step', 'finish', 'abort', 'message-metadata',
  'text-start', 'text-delta', 'text-end', 'reasoning-start', 'reasoning-delta', 'reasoning-end',
  'tool-input-start', 'tool-input-delta', 'tool-input-available', 'tool-input-error', 'tool-output-available',
  'tool-output-error', 'source-url', 'source-document', 'file']);

/**
 * The format one payload belongs to, or null when it could be any (or none). Decided by
 * fields no other format uses: `object`/`choices` (Chat Completions), `type` names
 * (Responses: response.*, Anthropic: its event names, the UI message stream: its part
 * names), `candidates`/`usageMetadata` (Gemini), `done` (Ollama). Error payloads are told
 * apart by their shape.
 */
export function formatOf(payload) {
  if (!isObject(payload)) return null;
  if (payload.object === 'chat.completion.chunk' || Array.isArray(payload.choices)) return 'openai-chat';
  if (payload.object === 'response') return 'openai-responses';
  if (Array.isArray(payload.parts) && typeof payload.role === 'string') return 'ui-message';
  const { type } = payload;
  if (typeof type === 'string') {
    if (type.startsWith('response.')) return 'openai-responses';
    if (ANTHROPIC_TYPES.has(type)) return 'anthropic';
    if (UI_TYPES.has(type) || type.startsWith('data-')) return 'ui-message';
    if (type === 'error') {
      if (typeof payload.errorText === 'string') return 'ui-message';
      if (isObject(payload.error)) return 'anthropic';
      if ('code' in payload || 'sequence_number' in payload) return 'openai-responses';
    }
    return null;
  }
  if (Array.isArray(payload.candidates) || isObject(payload.usageMetadata)) return 'gemini';
  if (typeof payload.done === 'boolean' && ('message' in payload || 'model' in payload)) return 'ollama';
  if (typeof payload.error === 'string') return 'ollama';
  if (isObject(payload.error)) return typeof payload.error.status === 'string' ? 'gemini' : 'openai-chat';
  return null;
}

// ---- Gathering the answer ---------------------------------------------------------------

export class AnswerBuilder {
  chunks = [];
  text = '';
  reasoning = '';
  tools = []; // { key, id, name, args, whole }
  finishReason = null;
  usage = undefined;
  model = undefined;
  error = undefined;
  ended = false; // the format's own end marker was seen ([DONE], message_stop)

  /** A piece of reasoning or text, as the provider cut it; empty pieces carry nothing. */
  add(kind, text) {
    if (typeof text !== 'string' || text.length === 0) return;
    if (kind === 'text') this.text += text;
    else this.reasoning += text;
    this.#chunk({ kind, text });
  }

  /** The tool call known by `key` (an index, an id: whatever the format numbers calls by). */
  tool(key, { id, name } = {}) {
    let call = this.tools.find((known) => known.key === key);
    if (call === undefined) {
      call = { key, id: '', name: '', args: '', whole: null };
      this.tools.push(call);
    }
    if (typeof id === 'string' && id !== '' && call.id === '') call.id = id;
    if (typeof name === 'string' && name !== '' && call.name === '') call.name = name;
    return call;
  }

  /** A fragment of a call's arguments (JSON text), as streamed. */
  addArguments(call, fragment) {
    if (typeof fragment !== 'string' || fragment.length === 0) return;
    call.args += fragment;
    this.#chunk({ kind: 'tool', tool: this.tools.indexOf(call), text: fragment });
  }

  /**
   * A call's whole arguments (an object, or JSON text), as the formats that send calls whole
   * give them, or as the closing event of a streamed call repeats them: a chunk only if no
   * fragment came before.
   */
  wholeArguments(call, args) {
    if (args === undefined || args === null) return;
    const json = typeof args === 'string' ? args : JSON.stringify(args);
    if (call.args === '') this.addArguments(call, json);
    call.whole = json;
  }

  finish(reason) {
    this.finishReason = reason;
  }

  #chunk(chunk) {
    this.chunks.push(chunk);
  }

  /** The parse's result for `format` (transcript.mjs adds the format and the timing). */
  result(format) {
    const toolCalls = this.tools.map((call) => {
      const args = call.args !== '' ? call.args : call.whole ?? '{}';
      return call.id === '' ? { name: call.name, arguments: args } : { id: call.id, name: call.name, arguments: args };
    });
    // A finish the stream never said (it was cut short) is what trickle would pick: tool
    // calls if any were made, else stop.
    const finishReason = this.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
    const result = {
      answer: { text: this.text, reasoning: this.reasoning, toolCalls, finishReason },
      chunks: this.chunks,
      // Whole: the stream said how it finished, ended with its end marker where the format
      // has one, and reported no error.
      complete: this.finishReason !== null && this.error === undefined && (!TERMINATED.has(format) || this.ended),
    };
    if (this.usage !== undefined) result.usage = this.usage;
    if (this.model !== undefined) result.model = this.model;
    if (this.error !== undefined) result.error = this.error;
    return result;
  }
}

const number = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function usageOf(inputTokens, outputTokens, totalTokens, reasoningTokens) {
  const usage = {};
  if (number(inputTokens) !== undefined) usage.inputTokens = inputTokens;
  if (number(outputTokens) !== undefined) usage.outputTokens = outputTokens;
  if (number(totalTokens) !== undefined) usage.totalTokens = totalTokens;
  if (number(reasoningTokens) !== undefined) usage.reasoningTokens = reasoningTokens;
  return Object.keys(usage).length === 0 ? undefined : usage;
}

// A stop with calls made is a tool-call finish, however the format spells it (Gemini has no
// tool-call reason at all; Ollama reports calls as stop).
function stopOrTools(builder) {
  return builder.tools.length > 0 ? 'tool_calls' : 'stop';
}

const setModel = (builder, model) => {
  if (typeof model === 'string' && model !== '' && builder.model === undefined) builder.model = model;
};

// ---- The formats ------------------------------------------------------------------------

function readOpenAIChat(builder, payload) {
  if (payload === DONE) {
    builder.ended = true;
    return;
  }
  if (isObject(payload.error)) {
    builder.error = { message: String(payload.error.message ?? '') };
    return;
  }
  setModel(builder, payload.model);
  if (isObject(payload.usage)) {
    const u = payload.usage;
    builder.usage = usageOf(u.prompt_tokens, u.completion_tokens, u.total_tokens, u.completion_tokens_details?.reasoning_tokens);
  }
  // Only the first choice: n > 1 streams interleave several answers, trickle writes one.
  const choice = Array.isArray(payload.choices) ? payload.choices.find((c) => isObject(c) && (c.index ?? 0) === 0) : undefined;
  if (choice === undefined) return;
  // A whole (non-streamed) body has the message where a chunk has its delta, and no [DONE].
  const whole = isObject(choice.message);
  if (whole) builder.ended = true;
  const delta = whole ? choice.message : isObject(choice.delta) ? choice.delta : {};
  // reasoning_content: DeepSeek, vLLM, Qwen (and trickle); reasoning: OpenRouter.
  builder.add('reasoning', delta.reasoning_content ?? delta.reasoning);
  builder.add('text', delta.content);
  if (Array.isArray(delta.tool_calls)) {
    for (const [i, part] of delta.tool_calls.entries()) {
      if (!isObject(part)) continue;
      const call = builder.tool(part.index ?? i, { id: part.id, name: part.function?.name });
      builder.addArguments(call, part.function?.arguments);
    }
  }
  const reason = choice.finish_reason;
  if (typeof reason === 'string') {
    builder.finish(reason === 'length' ? 'length' : reason === 'tool_calls' || reason === 'function_call' ? 'tool_calls' : stopOrTools(builder));
  }
}

/** A whole response object (a non-streamed body): its output items, in order. */
function readResponseOutput(builder, response) {
  if (!Array.isArray(response.output)) return;
  for (const [i, item] of response.output.entries()) {
    if (!isObject(item)) continue;
    if (item.type === 'reasoning') {
      const parts = [...(Array.isArray(item.summary) ? item.summary : []), ...(Array.isArray(item.content) ? item.content : [])];
      for (const part of parts) builder.add('reasoning', part?.text);
    } else if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content) if (part?.type === 'output_text') builder.add('text', part.text);
    } else if (item.type === 'function_call') {
      builder.wholeArguments(builder.tool(i, { id: item.call_id, name: item.name }), item.arguments);
    }
  }
}

function readResponses(builder, payload) {
  if (payload === DONE) return;
  if (payload.object === 'response') {
    readResponseOutput(builder, payload);
    readResponses(builder, { type: payload.status === 'incomplete' ? 'response.incomplete' : payload.status === 'failed' ? 'response.failed' : 'response.completed', response: payload });
    return;
  }
  const { type } = payload;
  switch (type) {
    case 'response.created':
    case 'response.in_progress':
      setModel(builder, payload.response?.model);
      return;
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
      builder.add('reasoning', payload.delta);
      return;
    case 'response.output_text.delta':
      builder.add('text', payload.delta);
      return;
    case 'response.output_item.added':
    case 'response.output_item.done': {
      const { item } = payload;
      if (!isObject(item) || item.type !== 'function_call') return;
      const call = builder.tool(payload.output_index ?? item.id, { id: item.call_id, name: item.name });
      if (type === 'response.output_item.done') builder.wholeArguments(call, item.arguments);
      return;
    }
    case 'response.function_call_arguments.delta':
      builder.addArguments(builder.tool(payload.output_index ?? payload.item_id), payload.delta);
      return;
    case 'response.completed':
    case 'response.incomplete':
    case 'response.failed': {
      const { response } = payload;
      if (isObject(response)) {
        setModel(builder, response.model);
        const u = response.usage;
        if (isObject(u)) builder.usage = usageOf(u.input_tokens, u.output_tokens, u.total_tokens, u.output_tokens_details?.reasoning_tokens);
      }
      if (type === 'response.failed') {
        builder.error = { message: String(response?.error?.message ?? 'the response failed') };
      } else if (type === 'response.incomplete') {
        builder.finish(response?.incomplete_details?.reason === 'max_output_tokens' ? 'length' : stopOrTools(builder));
      } else {
        builder.finish(stopOrTools(builder));
      }
      return;
    }
    case 'error':
      builder.error = { message: String(payload.message ?? '') };
      return;
    default:
  }
}

function readAnthropic(builder, payload) {
  if (payload === DONE) return;
  switch (payload.type) {
    case 'message': // a whole (non-streamed) body
      setModel(builder, payload.model);
      for (const [i, block] of (Array.isArray(payload.content) ? payload.content : []).entries()) {
        if (!isObject(block)) continue;
        if (block.type === 'thinking') builder.add('reasoning', block.thinking);
        else if (block.type === 'text') builder.add('text', block.text);
        else if (block.type === 'tool_use') builder.wholeArguments(builder.tool(i, { id: block.id, name: block.name }), block.input ?? {});
      }
      if (isObject(payload.usage)) builder.usage = usageOf(payload.usage.input_tokens, payload.usage.output_tokens);
      readAnthropic(builder, { type: 'message_delta', delta: { stop_reason: payload.stop_reason } });
      builder.ended = true;
      return;
    case 'message_start': {
      const { message } = payload;
      if (!isObject(message)) return;
      setModel(builder, message.model);
      if (isObject(message.usage)) builder.usage = usageOf(message.usage.input_tokens, message.usage.output_tokens);
      return;
    }
    case 'content_block_start': {
      const block = payload.content_block;
      if (!isObject(block)) return;
      if (block.type === 'thinking') builder.add('reasoning', block.thinking);
      else if (block.type === 'text') builder.add('text', block.text);
      else if (block.type === 'tool_use') {
        const call = builder.tool(payload.index, { id: block.id, name: block.name });
        // The start carries `input: {}`; the arguments follow as input_json_delta, so only
        // a non-empty start input counts (a call sent whole).
        if (isObject(block.input) && Object.keys(block.input).length > 0) builder.wholeArguments(call, block.input);
      }
      return;
    }
    case 'content_block_delta': {
      const { delta } = payload;
      if (!isObject(delta)) return;
      if (delta.type === 'thinking_delta') builder.add('reasoning', delta.thinking);
      else if (delta.type === 'text_delta') builder.add('text', delta.text);
      else if (delta.type === 'input_json_delta') builder.addArguments(builder.tool(payload.index), delta.partial_json);
      return;
    }
    case 'message_delta': {
      const reason = payload.delta?.stop_reason;
      const output = payload.usage?.output_tokens;
      if (number(output) !== undefined) builder.usage = { ...(builder.usage ?? {}), outputTokens: output };
      if (typeof reason === 'string') {
        builder.finish(reason === 'max_tokens' ? 'length' : reason === 'tool_use' ? 'tool_calls' : stopOrTools(builder));
      }
      return;
    }
    case 'message_stop':
      builder.ended = true;
      return;
    case 'error':
      builder.error = { message: String(payload.error?.message ?? '') };
      return;
    default:
  }
}

function readGemini(builder, payload) {
  if (payload === DONE) return;
  if (isObject(payload.error)) {
    builder.error = { message: String(payload.error.message ?? '') };
    return;
  }
  setModel(builder, payload.modelVersion);
  const u = payload.usageMetadata;
  if (isObject(u)) builder.usage = usageOf(u.promptTokenCount, u.candidatesTokenCount, u.totalTokenCount, u.thoughtsTokenCount);
  const candidate = Array.isArray(payload.candidates) ? payload.candidates.find((c) => isObject(c) && (c.index ?? 0) === 0) : undefined;
  if (candidate === undefined) return;
  const parts = candidate.content?.parts;
  if (Array.isArray(parts)) {
    for (const part of parts) {
      if (!isObject(part)) continue;
      if (isObject(part.functionCall)) {
        // Gemini sends each call whole, one part each: a new part is a new call.
        const call = builder.tool(builder.tools.length, { id: part.functionCall.id, name: part.functionCall.name });
        builder.wholeArguments(call, part.functionCall.args ?? {});
      } else {
        builder.add(part.thought === true ? 'reasoning' : 'text', part.text);
      }
    }
  }
  const reason = candidate.finishReason;
  if (typeof reason === 'string' && reason !== 'FINISH_REASON_UNSPECIFIED') {
    builder.finish(reason === 'MAX_TOKENS' ? 'length' : stopOrTools(builder));
  }
}

function readOllama(builder, payload) {
  if (payload === DONE) return;
  if (typeof payload.error === 'string') {
    builder.error = { message: payload.error };
    return;
  }
  setModel(builder, payload.model);
  const { message } = payload;
  if (isObject(message)) {
    builder.add('reasoning', message.thinking);
    builder.add('text', message.content);
    if (Array.isArray(message.tool_calls)) {
      for (const part of message.tool_calls) {
        const fn = part?.function;
        if (!isObject(fn)) continue;
        const call = builder.tool(builder.tools.length, { id: part.id, name: fn.name });
        builder.wholeArguments(call, fn.arguments ?? {});
      }
    }
  }
  if (payload.done === true) {
    builder.usage = usageOf(payload.prompt_eval_count, payload.eval_count);
    builder.finish(payload.done_reason === 'length' ? 'length' : stopOrTools(builder));
  }
}

function readUIMessage(builder, payload) {
  if (payload === DONE) {
    builder.ended = true;
    return;
  }
  if (Array.isArray(payload.parts) && payload.type === undefined) {
    // A whole UIMessage (a non-streamed body). It has no finish reason: stop, or tool calls.
    for (const part of payload.parts) {
      if (!isObject(part) || typeof part.type !== 'string') continue;
      if (part.type === 'reasoning') builder.add('reasoning', part.text);
      else if (part.type === 'text') builder.add('text', part.text);
      else if (part.type.startsWith('tool-') || part.type === 'dynamic-tool') {
        const name = part.type === 'dynamic-tool' ? part.toolName : part.type.slice('tool-'.length);
        builder.wholeArguments(builder.tool(part.toolCallId, { id: part.toolCallId, name }), part.input ?? {});
      }
    }
    builder.finish(stopOrTools(builder));
    builder.ended = true;
    return;
  }
  switch (payload.type) {
    case 'reasoning-delta':
      builder.add('reasoning', payload.delta);
      return;
    case 'text-delta':
      builder.add('text', payload.delta);
      return;
    case 'tool-input-start':
      builder.tool(payload.toolCallId, { id: payload.toolCallId, name: payload.toolName });
      return;
    case 'tool-input-delta':
      builder.addArguments(builder.tool(payload.toolCallId, { id: payload.toolCallId }), payload.inputTextDelta);
      return;
    case 'tool-input-available':
      builder.wholeArguments(builder.tool(payload.toolCallId, { id: payload.toolCallId, name: payload.toolName }), payload.input ?? {});
      return;
    case 'finish': {
      const usage = payload.messageMetadata?.usage;
      if (isObject(usage)) builder.usage = usageOf(usage.inputTokens, usage.outputTokens, usage.totalTokens, usage.reasoningTokens);
      const reason = payload.finishReason;
      builder.finish(reason === 'length' ? 'length' : reason === 'tool-calls' ? 'tool_calls' : stopOrTools(builder));
      return;
    }
    case 'error':
      builder.error = { message: String(payload.errorText ?? '') };
      return;
    default:
  }
}

/** Each format's reader: (builder, payload (parsed JSON or DONE)) => void. */
export const READERS = {
  'openai-chat': readOpenAIChat,
  'openai-responses': readResponses,
  anthropic: readAnthropic,
  gemini: readGemini,
  ollama: readOllama,
  'ui-message': readUIMessage,
};
