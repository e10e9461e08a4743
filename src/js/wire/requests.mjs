// Requests as the real LLM APIs receive them: which format a request speaks (by method and
// path), and what it asks for (by its body), checked as each provider checks it. A request
// that cannot be understood becomes a WireError carrying the HTTP status the provider would
// answer with; the response module turns it into that provider's error body.
//
//   POST …/chat/completions                          OpenAI Chat Completions  'openai-chat'
//   POST …/responses                                 OpenAI Responses         'openai-responses'
//   POST …/messages                                  Anthropic Messages       'anthropic'
//   POST …/models/{model}:streamGenerateContent      Google Gemini (streamed) 'gemini'
//   POST …/models/{model}:generateContent            Google Gemini (whole)    'gemini'
//   POST …/api/chat, messages with `parts`           AI SDK UI message stream 'ui-message'
//   POST …/api/chat, messages with `content`         Ollama                   'ollama'
//   GET  …/chat?prompt=…                             the lesson's plain text  'plain-text'
//
// /api/chat is shared: the AI SDK's useChat (DefaultChatTransport) posts UI messages, each
// with a `parts` array; Ollama's clients post chat messages, each with a `content` string.
// The first message decides; a body with neither is read as Ollama's (its own client always
// sends `model`, the AI SDK never does, which the error message points out).

// The formats' names are checked up front (toReadableStream's format option, a fixture's
// criteria), so the list lives with trickle's other eager checks.
import { FORMATS } from '../internal/answer-checks.mjs';

export { FORMATS };

/** A request the API would refuse: `status` and a message, in no format yet. */
export class WireError extends Error {
  constructor(status, message, { format = null, allow } = {}) {
    super(message);
    this.name = 'WireError';
    this.status = status;
    this.format = format;
    this.allow = allow; // for 405: the methods the path takes
  }
}

// [format, method, test on the path] in the order tried. Gemini's model is in its path.
const ROUTES = [
  ['openai-chat', 'POST', (path) => path.endsWith('/chat/completions')],
  ['openai-responses', 'POST', (path) => path.endsWith('/responses')],
  ['anthropic', 'POST', (path) => path.endsWith('/messages')],
  ['gemini', 'POST', (path) => /\/models\/[^/]+:(stream)?[gG]enerateContent$/.test(path)],
  ['api-chat', 'POST', (path) => path.endsWith('/api/chat')],
  ['plain-text', 'GET', (path) => path.endsWith('/chat')],
];

/**
 * The format a request speaks, from its method and path alone: { format, method } or a
 * WireError (404 for a path no API has, 405 for a known path with the wrong method).
 * 'api-chat' is decided by the body (see the file's header).
 */
export function route(method, url) {
  const path = url.pathname.replace(/\/+$/, '');
  const found = ROUTES.find(([, , matches]) => matches(path));
  if (!found) {
    return new WireError(404, `trickle: no API answers ${url.pathname}; see the README for the routes (…/chat/completions, …/responses, …/messages, …/models/{model}:streamGenerateContent, …/api/chat, …/chat?prompt=)`);
  }
  const [format, expected] = found;
  const allowed = expected === 'GET' ? ['GET', 'HEAD'] : [expected];
  if (!allowed.includes(method)) {
    return new WireError(405, `trickle: ${url.pathname} takes ${expected}, not ${method}`, {
      format: format === 'api-chat' ? 'ollama' : format,
      allow: allowed.join(', '),
    });
  }
  return { format };
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The text of a message's content, in any of the providers' shapes. */
function textOf(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => {
    if (typeof part === 'string') return part;
    if (!isObject(part)) return '';
    // OpenAI chat/Anthropic/AI SDK 'text', Responses 'input_text'/'output_text', Gemini has no type.
    if (typeof part.text === 'string' && (part.type === undefined || /text$/.test(part.type))) return part.text;
    return '';
  }).join('');
}

function lastUserText(messages, roleOf, contentOf) {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (isObject(messages[i]) && roleOf(messages[i]) === 'user') return textOf(contentOf(messages[i]));
  }
  return '';
}

function need(condition, format, message) {
  if (!condition) throw new WireError(400, message, { format });
}

function checkMessages(format, messages, field) {
  need(Array.isArray(messages), format, `${field}: expected an array of messages`);
  need(messages.length > 0, format, `${field}: at least one message is required`);
  messages.forEach((message, i) => need(isObject(message), format, `${field}[${i}]: expected an object`));
}

function checkModel(format, model) {
  need(typeof model === 'string' && model.length > 0, format, 'model: a model name (a non-empty string) is required');
}

/**
 * What one request asks for, read from its body (already parsed from JSON). Throws a
 * WireError (400) for a body the provider would refuse. Returns
 * { format, model, messages, lastUserText, tools, stream, includeUsage, reasoning }:
 * `messages` as the request gave them; `reasoning` whether it asks to see the model think.
 */
export function readBody(format, body, url) {
  if (format === 'plain-text') {
    const prompt = url.searchParams.get('prompt');
    need(prompt !== null, 'plain-text', 'chat: the prompt parameter is missing (chat?prompt=…)');
    return { format, model: undefined, messages: [{ role: 'user', content: prompt }], lastUserText: prompt, tools: undefined, stream: true, includeUsage: false, reasoning: false };
  }
  if (format === 'api-chat') {
    const first = isObject(body) && Array.isArray(body.messages) ? body.messages[0] : undefined;
    format = isObject(first) && Array.isArray(first.parts) ? 'ui-message' : 'ollama';
  }
  need(isObject(body), format, 'the request body must be a JSON object');
  switch (format) {
    case 'openai-chat': {
      checkModel(format, body.model);
      checkMessages(format, body.messages, 'messages');
      body.messages.forEach((m, i) => need(typeof m.role === 'string', format, `messages[${i}].role: required`));
      need(body.tools === undefined || Array.isArray(body.tools), format, 'tools: expected an array');
      return {
        format,
        model: body.model,
        messages: body.messages,
        lastUserText: lastUserText(body.messages, (m) => m.role, (m) => m.content),
        tools: body.tools,
        stream: body.stream === true,
        includeUsage: body.stream_options?.include_usage === true,
        reasoning: typeof body.reasoning_effort === 'string' && body.reasoning_effort !== 'none',
      };
    }
    case 'openai-responses': {
      checkModel(format, body.model);
      need(typeof body.input === 'string' || Array.isArray(body.input), format, 'input: expected a string or an array of input items');
      const messages = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input;
      need(body.tools === undefined || Array.isArray(body.tools), format, 'tools: expected an array');
      return {
        format,
        model: body.model,
        messages,
        lastUserText: lastUserText(messages, (m) => m.role ?? (m.type === 'message' ? 'user' : undefined), (m) => m.content),
        tools: body.tools,
        stream: body.stream === true,
        includeUsage: true,
        reasoning: isObject(body.reasoning) && body.reasoning.effort !== 'none',
      };
    }
    case 'anthropic': {
      checkModel(format, body.model);
      need(Number.isInteger(body.max_tokens) && body.max_tokens > 0, format, 'max_tokens: a positive whole number is required');
      checkMessages(format, body.messages, 'messages');
      body.messages.forEach((m, i) => need(m.role === 'user' || m.role === 'assistant', format, `messages.${i}.role: must be "user" or "assistant"`));
      need(body.tools === undefined || Array.isArray(body.tools), format, 'tools: expected an array');
      return {
        format,
        model: body.model,
        messages: body.messages,
        lastUserText: lastUserText(body.messages, (m) => m.role, (m) => m.content),
        tools: body.tools,
        stream: body.stream === true,
        includeUsage: true,
        reasoning: isObject(body.thinking) && body.thinking.type === 'enabled',
      };
    }
    case 'gemini': {
      const [, model, streaming] = url.pathname.match(/\/models\/([^/]+):(stream)?[gG]enerateContent\/*$/);
      checkMessages(format, body.contents, 'contents');
      need(body.tools === undefined || Array.isArray(body.tools), format, 'tools: expected an array');
      return {
        format,
        model: decodeURIComponent(model),
        messages: body.contents,
        lastUserText: lastUserText(body.contents, (m) => m.role ?? 'user', (m) => m.parts),
        tools: body.tools,
        stream: streaming !== undefined,
        includeUsage: true,
        reasoning: body.generationConfig?.thinkingConfig?.includeThoughts === true,
      };
    }
    case 'ui-message': {
      checkMessages(format, body.messages, 'messages');
      body.messages.forEach((m, i) => need(Array.isArray(m.parts), format, `messages[${i}].parts: expected an array (a UI message)`));
      return {
        format,
        model: typeof body.model === 'string' ? body.model : undefined,
        messages: body.messages,
        lastUserText: lastUserText(body.messages, (m) => m.role, (m) => m.parts),
        tools: body.tools,
        stream: true,
        includeUsage: false,
        reasoning: true,
      };
    }
    case 'ollama': {
      need(typeof body.model === 'string' && body.model.length > 0, format,
        'model is required (a UI message stream request from the AI SDK would have messages with `parts`)');
      checkMessages(format, body.messages, 'messages');
      body.messages.forEach((m, i) => need(typeof m.role === 'string', format, `messages[${i}].role: required`));
      return {
        format,
        model: body.model,
        messages: body.messages,
        lastUserText: lastUserText(body.messages, (m) => m.role, (m) => m.content),
        tools: body.tools,
        stream: body.stream !== false, // Ollama streams unless told not to
        includeUsage: true,
        reasoning: body.think === true || typeof body.think === 'string',
      };
    }
    default:
      throw new WireError(404, `trickle: unknown format ${format}`);
  }
}
