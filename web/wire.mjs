// The wire formats, as the page sends and reads them: the request a client of each format
// would make, the bytes of the reply cut into frames (server-sent events, or JSON lines for
// Ollama), and what each frame carries (text, reasoning, a tool call, an error), read the
// way the official clients read them. The page shows the raw frames beside the text parsed
// from them.

export const WIRE_FORMATS = Object.freeze(['openai-chat', 'openai-responses', 'anthropic', 'gemini', 'ui-message', 'ollama', 'plain-text']);

const MODEL = 'trickle-model';

/**
 * The request for `format` asking `prompt`: { path, init }, the path relative to the site
 * (the Service Worker answers it there), as each format's client would send it.
 */
export function wireRequest(format, prompt) {
  const json = (path, body) => ({
    path,
    init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  });
  switch (format) {
    case 'openai-chat':
      return json('v1/chat/completions', { model: MODEL, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: prompt }] });
    case 'openai-responses':
      return json('v1/responses', { model: MODEL, stream: true, input: prompt });
    case 'anthropic':
      return json('v1/messages', { model: MODEL, stream: true, max_tokens: 4096, messages: [{ role: 'user', content: prompt }] });
    case 'gemini':
      return json(`v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, { contents: [{ role: 'user', parts: [{ text: prompt }] }] });
    case 'ui-message':
      return json('api/chat', { id: 'playground', messages: [{ id: 'user-1', role: 'user', parts: [{ type: 'text', text: prompt }] }], trigger: 'submit-message' });
    case 'ollama':
      return json('api/chat', { model: MODEL, stream: true, messages: [{ role: 'user', content: prompt }] });
    case 'plain-text':
      return { path: `chat?prompt=${encodeURIComponent(prompt)}`, init: { method: 'GET' } };
    default:
      throw new RangeError(`no wire format is called ${JSON.stringify(format)}`);
  }
}

/**
 * Cuts the decoded text of a body into frames, however the reads slice it: an event ends
 * at a blank line (server-sent events), a JSON line at its newline (Ollama); plain text
 * has no frames, each read is one.
 */
export class FrameSplitter {
  #separator;
  #buffer = '';

  constructor(format) {
    this.#separator = format === 'ollama' ? '\n' : format === 'plain-text' ? null : '\n\n';
  }

  /** The frames that `text` (the next decoded read) completes. */
  push(text) {
    if (this.#separator === null) return text === '' ? [] : [text];
    this.#buffer += text.replace(/\r\n?/g, '\n');
    const frames = [];
    for (;;) {
      const end = this.#buffer.indexOf(this.#separator);
      if (end < 0) break;
      const frame = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + this.#separator.length);
      if (frame.trim() !== '') frames.push(frame);
    }
    return frames;
  }

  /** What was left when the body ended: a frame cut off (a truncated body), or nothing. */
  end() {
    const rest = this.#buffer;
    this.#buffer = '';
    return rest.trim() === '' ? [] : [rest];
  }
}

// A server-sent event's name and data (its data: lines joined).
function readEvent(frame) {
  let event = 'message';
  const data = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return { event, data: data.join('\n') };
}

const meta = (detail) => ({ kind: 'meta', detail });
const text = (value) => ({ kind: 'text', text: value });
const reasoning = (value) => ({ kind: 'reasoning', text: value });
const tool = (detail) => ({ kind: 'tool', detail });
const failure = (detail) => ({ kind: 'error', detail });

// What one parsed frame carries, per format (the fields the official clients read).
const READERS = {
  'openai-chat'(json) {
    if (json.error) return failure(json.error.message ?? 'error');
    const delta = json.choices?.[0]?.delta ?? {};
    if (typeof delta.content === 'string' && delta.content !== '') return text(delta.content);
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') return reasoning(delta.reasoning_content);
    if (delta.tool_calls) return tool(delta.tool_calls.map((call) => call.function?.name ?? '').join(' ') || 'arguments');
    return meta(json.choices?.[0]?.finish_reason ?? (json.usage ? 'usage' : 'delta'));
  },
  'openai-responses'(json) {
    if (json.type === 'response.output_text.delta') return text(json.delta);
    if (json.type === 'response.reasoning_summary_text.delta') return reasoning(json.delta);
    if (json.type === 'response.function_call_arguments.delta') return tool('arguments');
    if (json.type === 'error' || json.type === 'response.failed') return failure(json.message ?? json.response?.error?.message ?? json.type);
    return meta(json.type);
  },
  anthropic(json) {
    if (json.type === 'content_block_delta') {
      if (json.delta?.type === 'text_delta') return text(json.delta.text);
      if (json.delta?.type === 'thinking_delta') return reasoning(json.delta.thinking);
      if (json.delta?.type === 'input_json_delta') return tool('input_json_delta');
    }
    if (json.type === 'error') return failure(json.error?.message ?? 'error');
    return meta(json.type);
  },
  gemini(json) {
    if (json.error) return failure(json.error.message ?? 'error');
    const parts = json.candidates?.[0]?.content?.parts ?? [];
    const said = parts.filter((part) => typeof part.text === 'string' && part.text !== '');
    if (said.length > 0) {
      const joined = said.map((part) => part.text).join('');
      return said.every((part) => part.thought) ? reasoning(joined) : text(joined);
    }
    if (parts.some((part) => part.functionCall)) return tool(parts.find((part) => part.functionCall).functionCall.name);
    return meta(json.candidates?.[0]?.finishReason ?? 'candidate');
  },
  'ui-message'(json) {
    if (json.type === 'text-delta') return text(json.delta);
    if (json.type === 'reasoning-delta') return reasoning(json.delta);
    if (json.type?.startsWith('tool-')) return tool(json.toolName ?? json.type);
    if (json.type === 'error') return failure(json.errorText ?? 'error');
    return meta(json.type);
  },
  ollama(json) {
    if (json.error) return failure(json.error);
    const message = json.message ?? {};
    if (typeof message.content === 'string' && message.content !== '') return text(message.content);
    if (typeof message.thinking === 'string' && message.thinking !== '') return reasoning(message.thinking);
    if (message.tool_calls) return tool(message.tool_calls.map((call) => call.function?.name ?? '').join(' '));
    return meta(json.done ? `done: ${json.done_reason ?? ''}` : 'message');
  },
};

// The frame after which a format's answer is complete; a body that ends before it was cut
// short. (Plain text has no such frame: its end is the body's end.)
const FINAL = {
  'openai-chat': (json) => Array.isArray(json.choices) && json.choices.some((choice) => choice.finish_reason),
  'openai-responses': (json) => json.type === 'response.completed' || json.type === 'response.incomplete',
  anthropic: (json) => json.type === 'message_stop',
  gemini: (json) => Boolean(json.candidates?.[0]?.finishReason),
  'ui-message': (json) => json.type === 'finish',
  ollama: (json) => json.done === true,
};

/**
 * What a frame of `format` carries: { kind: 'text' | 'reasoning' | 'tool' | 'meta' | 'done'
 * | 'error' | 'malformed', text?, detail?, event?, final? } (final: the answer is complete).
 */
export function readFrame(format, frame) {
  if (format === 'plain-text') return text(frame);
  let data = frame;
  let event;
  if (format !== 'ollama') {
    ({ event, data } = readEvent(frame));
    if (data === '[DONE]') return { kind: 'done', detail: '[DONE]', event, final: true };
  }
  let json;
  try {
    json = JSON.parse(data);
  } catch {
    return { kind: 'malformed', detail: data.slice(0, 80), event };
  }
  const read = READERS[format](json);
  return { ...read, event, final: FINAL[format](json) };
}
