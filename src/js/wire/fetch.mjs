// trickle.fetch and createFetch(): a fetch-compatible function that answers as the real LLM
// APIs answer (requests.mjs says which routes), with the bytes their official clients
// parse, written by the C++ encoders of the full wasm module. No server: a Response made
// here, its body a ReadableStream fed by an answer stream (body.mjs).
//
// One implementation, three doors: this function; the Service Worker, which hands it the
// page's requests; and `trickle serve`, which hands it a Node server's.
//
// What a request gets:
//   - a route no API has: 404; a known route with the wrong method: 405 (with Allow);
//   - a body that is not JSON, or that the provider would refuse: 400, in the format's shape;
//   - the http fault (while it lasts): its status, in the format's shape, with Retry-After;
//   - a reply that throws or returns what is not an answer: 500, saying so;
//   - else 200: streamed (the format's frames, on the stream's schedule, with its faults), or
//     for a request that asks for no stream, the whole body once the answer is complete.
// No request, however malformed, makes this function throw or harms the instance, except
// what fetch itself would refuse before sending (a URL that cannot be parsed: a TypeError).
//
// Imported on first use (stream/engines.mjs, wire()), with body.mjs and requests.mjs: a page
// that only streams text never loads the wire formats' JS. What must throw at once
// (createFetch's options, a fault, an answer) is checked before, by internal/answer-checks.mjs.
import { readAnswer } from '../internal/answer-checks.mjs';
import { abortReason, describe, toWellFormed } from '../internal/checks.mjs';
import { AnswerBody, answerReadable, answerSpec, givenPieces } from './body.mjs';
import { WireError, readBody, route } from './requests.mjs';
import { drawSeed } from '../stream/timing.mjs';

// The format a route's errors are written in when the route itself is unknown.
const FALLBACK_FORMAT = 'openai-chat';
const MAX_U32 = 2 ** 32 - 1; // usage counts are 32-bit in the wasm module

// What the request's messages cost: the sum of `count` over the text of every message, in
// any of the providers' shapes. Usage counts the tokens of that text when the stream is cut
// into tokens (no chat template's extra tokens), else its words.
function inputCost(messages, count) {
  let total = 0;
  const walk = (value) => {
    if (typeof value === 'string') total += count(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      if (typeof value.text === 'string') total += count(value.text);
      if (value.content !== undefined) walk(value.content);
      if (Array.isArray(value.parts)) walk(value.parts);
    }
  };
  walk(messages);
  return total;
}

const wordsIn = (text) => text.split(/\s+/).filter(Boolean).length;

const isWellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (text) => text.isWellFormed()
  : (text) => toWellFormed(text) === text;

// A string body in a plain init object (what the SDKs send) is read from init itself: handed
// to the Request, it would cost a ReadableStream and reading it back, most of what a call
// costs besides the answer's own body. Only where the string is exactly what request.text()
// would give: well-formed (text() turns a lone surrogate into U+FFFD) and not starting with
// U+FEFF (text() drops byte order marks). Read through its descriptor, so that a getter is
// never run twice. Else undefined: the Request reads the body.
function plainTextBody(input, init) {
  if (input instanceof Request || init === null || typeof init !== 'object' || Object.getPrototypeOf(init) !== Object.prototype) {
    return undefined;
  }
  const text = Object.getOwnPropertyDescriptor(init, 'body')?.value;
  if (typeof text !== 'string' || text.charCodeAt(0) === 0xfeff || !isWellFormed(text)) return undefined;
  return text;
}

// The Request of a fetch whose body `text` is read from init (plainTextBody): made from init
// with the body left out (every other member as init has it), unless the method may carry
// no body, where the Request made with it throws fetch's own TypeError.
function requestWithout(input, init) {
  const request = new Request(input, Object.create(init, { body: { value: null } }));
  if (request.method === 'GET' || request.method === 'HEAD') return new Request(input, init);
  return request;
}

/**
 * The fetch of createFetch(options). `engines` (stream/engines.mjs) gives the full module,
 * `settings` the checked stream options (delay, split, timing, timeout, failAfter...), `reply`
 * the function that answers (default: the lesson's chat template), `faults` the checked
 * fault option.
 */
export function makeFetch({ engines, settings, reply, faults, signal: fetchSignal, retime = false }) {
  let httpFaultsLeft = faults.http?.times ?? 0;

  async function errorResponse(bridge, format, status, message, extraHeaders = {}) {
    const info = bridge.formatInfo(format) ?? bridge.formatInfo(FALLBACK_FORMAT);
    const body = bridge.errorBody(info.name, status, message) ?? message;
    return new Response(body, {
      status,
      headers: { 'content-type': info.errorContentType, 'cache-control': 'no-store', ...extraHeaders },
    });
  }

  return async function trickleFetch(input, init) {
    // What fetch itself refuses (a URL it cannot parse, a GET with a body) it refuses here
    // too, the same way: a TypeError, before anything is sent.
    const bodyText = plainTextBody(input, init);
    const request = bodyText === undefined ? new Request(input, init) : requestWithout(input, init);
    const url = new URL(request.url);
    const bridge = await engines.full();
    const routed = route(request.method, url);
    if (routed instanceof WireError) {
      const headers = routed.allow === undefined ? {} : { allow: routed.allow };
      return errorResponse(bridge, routed.format ?? FALLBACK_FORMAT, routed.status, routed.message, headers);
    }
    let body;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const text = bodyText ?? await request.text();
      try {
        body = JSON.parse(text);
      } catch {
        const format = routed.format === 'api-chat' ? 'ollama' : routed.format;
        return errorResponse(bridge, format, 400, `the request body is not JSON (${text.length} characters)`);
      }
    }
    let asked;
    try {
      asked = readBody(routed.format, body, url);
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      return errorResponse(bridge, error.format ?? FALLBACK_FORMAT, error.status, error.message);
    }
    const { format } = asked;
    if (httpFaultsLeft > 0) {
      httpFaultsLeft -= 1;
      const { status, retryAfterS, message } = faults.http;
      const headers = retryAfterS === undefined ? {} : { 'retry-after': String(retryAfterS) };
      return errorResponse(bridge, format, status, message, headers);
    }
    let answer;
    try {
      answer = readAnswer('trickle.fetch: reply', await reply({
        format, model: asked.model, messages: asked.messages, lastUserText: asked.lastUserText,
        tools: asked.tools, stream: asked.stream, reasoning: asked.reasoning,
      }));
    } catch (error) {
      return errorResponse(bridge, format, 500, `trickle: the reply function failed: ${error?.message ?? describe(error)}`);
    }
    // A preset's figures (its chunk size in tokens too) are the full module's: filled in
    // once, before the answer is cut and before each response copies the settings.
    bridge.timingOf(settings);
    let inputTokens;
    let given;
    if (settings.split === 'tokens') {
      try {
        const tokenizer = await engines.tokenizer(settings.encoding);
        inputTokens = inputCost(asked.messages, (text) => tokenizer.count(text));
        given = givenPieces(engines, tokenizer, answer, settings.tokensPerChunk);
      } catch (error) {
        return errorResponse(bridge, format, 500, `trickle: the answer could not be cut into tokens: ${error?.message ?? describe(error)}`);
      }
    } else {
      inputTokens = inputCost(asked.messages, wordsIn);
      // A recorded answer streams in its own chunks: at their times, unless createFetch's
      // options time them (a preset, a delay...).
      if (answer.replay !== null) given = retime ? { ...answer.replay.given, offsetsUs: null } : answer.replay.given;
    }
    const own = settings.seedGiven ? settings : { ...settings, seed: drawSeed() };
    const spec = answerSpec(bridge, {
      format,
      // The reasoning the reply gives is sent as it is: the reply knows (request.reasoning)
      // whether the request asked to see the model think.
      answer,
      model: asked.model ?? 'trickle',
      inputTokens: Math.min(inputTokens, MAX_U32),
      includeUsage: asked.includeUsage,
      wholeBody: !asked.stream,
      settings: own,
      faults,
      given,
    });
    // A Request made from another, or from an init with a signal, follows that signal only
    // while it lives (undici holds the link weakly): a 60-second answer outlives a Request
    // nobody keeps. The body keeps both Requests, and watches a signal given in init itself.
    // A Request made from a URL with no signal in init has a signal nothing can abort (the
    // Request never leaves this function): not watched, which saves an 'abort' listener per call.
    const initSignal = init?.signal;
    const signals = (typeof input === 'string' || input instanceof URL) && initSignal == null ? [] : [request.signal];
    if (initSignal instanceof AbortSignal && !signals.includes(initSignal)) signals.push(initSignal);
    if (fetchSignal !== undefined && !signals.includes(fetchSignal)) signals.push(fetchSignal);
    const readable = answerReadable(engines, spec, { signals, timeoutMs: settings.timeoutMs, keepAlive: [input, request] });
    const info = bridge.formatInfo(format);
    const headers = {
      'content-type': asked.stream ? info.streamContentType : info.bodyContentType,
      'x-trickle-seed': String(own.seed),
    };
    if (asked.stream) {
      for (const [name, value] of info.headers) headers[name] = value;
      if (request.method === 'HEAD') {
        await readable.cancel();
        return new Response(null, { status: 200, headers });
      }
      return new Response(readable, { status: 200, headers });
    }
    // A whole body: the response comes when the answer is complete, as a real API's would.
    try {
      const bytes = await new Response(readable).arrayBuffer();
      return new Response(bytes, { status: 200, headers });
    } catch (error) {
      const aborted = signals.find((signal) => signal.aborted);
      if (aborted !== undefined) throw abortReason(aborted);
      if (error instanceof DOMException || error instanceof TypeError) throw error;
      return errorResponse(bridge, format, faults.spec.errorStatus, error.message);
    }
  };
}

// The request a client of `format` would send for one answer: what trickle.response() runs
// through a fetch of createFetch(), so that every door shares one path.
const REQUESTS = {
  'openai-chat': (model, stream) => ['/v1/chat/completions', { model, stream, stream_options: stream ? { include_usage: true } : undefined, messages: [{ role: 'user', content: '' }] }],
  'openai-responses': (model, stream) => ['/v1/responses', { model, stream, input: '' }],
  anthropic: (model, stream) => ['/v1/messages', { model, stream, max_tokens: 4096, messages: [{ role: 'user', content: '' }] }],
  gemini: (model, stream) => [`/v1beta/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent' : 'generateContent'}`, { contents: [{ role: 'user', parts: [{ text: '' }] }] }],
  ollama: (model, stream) => ['/api/chat', { model, stream, messages: [{ role: 'user', content: '' }] }],
  'ui-message': () => ['/api/chat', { messages: [{ id: 'm', role: 'user', parts: [{ type: 'text', text: '' }] }] }],
  'plain-text': () => ['/chat?prompt=', undefined],
};

/** fetch()'s arguments for an answer in `format`; RangeError for a format it does not know. */
export function requestFor(format, model, stream) {
  const make = Object.hasOwn(REQUESTS, format) ? REQUESTS[format] : undefined;
  if (make === undefined) {
    throw new RangeError(`trickle.response: format must be one of ${Object.keys(REQUESTS).map((name) => `'${name}'`).join(', ')}, got ${describe(format)}`);
  }
  const [path, body] = make(model, stream);
  const url = new URL(path, 'https://trickle.invalid/');
  return body === undefined ? [url] : [url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }];
}

/**
 * stream.toReadableStream()'s body: the AnswerBody (an underlying source, not started) of
 * the stream's text as `format`, on the stream's `settings` (checked, with its pieces if
 * given) with its `faults` (readFaults).
 */
export function streamBody(engines, settings, { format, model, faults }) {
  const answer = { text: settings.text, reasoning: '', toolCalls: [], finishReason: 'auto' };
  // Made when the body is first read, on the full module, which runs it and holds the
  // presets' figures; then, cut into tokens (by the preset's chunk size, once it is filled
  // in), once the tokenizer is there.
  const spec = async () => {
    const made = answerSpec(await engines.full(), { format, answer, model, settings, faults });
    if (settings.split === 'given') {
      // The pieces as they were given, with their own times if they have them.
      const none = { ends: [], tokens: [] };
      const { ends, offsetsUs } = settings.pieces;
      made.given = { reasoning: none, text: { ends, tokens: [] }, toolArguments: [], offsetsUs };
    } else if (settings.split === 'tokens') {
      made.given = givenPieces(engines, await engines.tokenizer(settings.encoding), answer, settings.tokensPerChunk);
    }
    return made;
  };
  const signals = settings.signal === undefined ? [] : [settings.signal];
  return new AnswerBody(engines, spec, { signals, timeoutMs: settings.timeoutMs });
}
