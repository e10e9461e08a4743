// Replay's first half: a recorded LLM stream, as a user copies it out of the browser, read
// back into the answer it told and the chunks it was told in, with their times when the
// recording kept them. (The second half, playing the chunks back through trickle's C++
// stream in the same or another format, takes "explicit pieces": each chunk below is one
// piece, its `atMs` that piece's offset.)
//
// What parseTranscript(input, { format }) reads:
//   - a raw streamed body, as DevTools' "Copy response" gives it: SSE (`data:`/`event:`/
//     `id:`/`retry:` lines, `:` comments, `data: [DONE]`, blank lines between events; LF,
//     CRLF or CR line ends) or NDJSON (one JSON object per line); also a JSON array of
//     chunks (Gemini's streamGenerateContent without alt=sse);
//   - a timed transcript (this project's shape): { format?, events: [{ t, data }] }, where
//     each event is one piece of the body as it arrived (a network read, or one SSE event)
//     and `t` its arrival in milliseconds from when the request was sent (non-decreasing);
//     recordTranscript(response) makes one from any fetch Response;
//   - a whole (non-streamed) body of any format, one JSON object;
//   - a HAR (DevTools: Network, "Save all as HAR"): the last entry with a streamed body.
//     DevTools' HAR holds the body (response.content.text) and the request's phases
//     (timings.wait: time to first byte; timings.receive: first byte to last), but no time
//     per event: Chrome writes per-message times only for WebSockets (_webSocketMessages).
//     So from a HAR come ttftMs and durationMs, not chunk times; unless the entry has
//     _eventSourceMessages ({ time (s), eventName, data }), which some HAR recorders add.
//
// Format detection (when `format` is not given): the first payload whose fields only one
// format uses decides (transcript-formats.mjs, formatOf); every later payload must agree.
// Plain text cannot be told from a mistake, so it is never guessed: pass
// { format: 'plain-text' } (recordTranscript does, for a text/plain response).
//
// Result: { format, answer: { text, reasoning, toolCalls: [{ id?, name, arguments }],
// finishReason }, chunks: [{ kind: 'reasoning' | 'text' | 'tool', tool?, text, atMs? }],
// complete, usage?, model?, error?, ttftMs?, durationMs? }:
//   - chunks are the provider's own deltas, in stream order, empty ones left out; each
//     kind's texts join into the answer's field (a tool's into its arguments, JSON text);
//   - atMs (timed input only) is the chunk's arrival after the first chunk's (0 for the
//     first): when the read that completed its event arrived;
//   - ttftMs: from the request to the first chunk; durationMs: first chunk to last;
//   - complete: the stream said how it finished and, where the format has one, ended with
//     its end marker; error: { message } when it carried the format's mid-stream error.
// Input that is none of these: a TypeError naming the line (or the event) that is not.
import { describe, isPlainObject } from '../internal/checks.mjs';
import { FORMATS } from '../internal/answer-checks.mjs';
import { AnswerBuilder, DONE, READERS, formatOf } from './transcript-formats.mjs';

const WHERE = 'parseTranscript';
const EXCERPT = 60;

const excerpt = (text) => JSON.stringify(text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text);

function fail(message) {
  throw new TypeError(`${WHERE}: ${message}`);
}

function checkKeys(where, value, known) {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`${where}: unknown key "${key}" (known: ${known.join(', ')})`);
  }
}

// ---- Sources: what was pasted, as a body with (maybe) the time of each part -------------

/**
 * What was given, unwrapped: { body (the text), reads?: [{ end, t, data }] (each read's end
 * offset in body and its arrival), messages?: [{ payload | data, t?, label }] (events already
 * framed: a JSON array's elements, a whole body, a HAR's per-event messages), format?,
 * timed? (t counts from the request), origin? (the request's time on the messages' clock),
 * ttftMs?, durationMs? }.
 */
function readSource(input) {
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
    const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    return readSource(new TextDecoder().decode(bytes));
  }
  if (typeof input === 'string') {
    const text = input.replace(/^\uFEFF/, '');
    const start = text.trimStart()[0];
    if (start === '{' || start === '[') {
      let value;
      try {
        value = JSON.parse(text);
      } catch {
        return { body: text }; // several JSON lines: NDJSON
      }
      if (Array.isArray(value)) return fromArray(value, text);
      if (isPlainObject(value) && (Object.hasOwn(value, 'log') || Object.hasOwn(value, 'events'))) return readSource(value);
      // One JSON value: a whole (non-streamed) body, pretty-printed or not, or one NDJSON line.
      return { messages: [{ payload: value, label: 'the JSON body' }], body: text };
    }
    return { body: text };
  }
  if (Array.isArray(input)) return fromArray(input, JSON.stringify(input));
  if (isPlainObject(input)) {
    if (Object.hasOwn(input, 'log')) return fromHar(input);
    if (Object.hasOwn(input, 'events')) return fromTimed(input);
    fail(`an object must be a timed transcript { format?, events: [{ t, data }] } or a HAR { log: { entries } }, got one with keys ${Object.keys(input).join(', ') || '(none)'}`);
  }
  fail(`expected the text of a recorded stream, its bytes, a timed transcript or a HAR, got ${describe(input)}`);
}

function fromArray(values, text) {
  const messages = values.map((value, i) => {
    if (!isPlainObject(value)) fail(`element ${i} of the JSON array is not an object (a stream's chunk), got ${describe(value)}`);
    return { payload: value, label: `element ${i}` };
  });
  return { messages, body: text };
}

function fromTimed(transcript) {
  checkKeys('the timed transcript', transcript, ['format', 'events']);
  const { format, events } = transcript;
  if (!Array.isArray(events) || events.length === 0) fail(`the timed transcript's events must be a non-empty array of { t, data }, got ${describe(events)}`);
  let body = '';
  const reads = [];
  let last = 0;
  events.forEach((event, i) => {
    const at = `events[${i}]`;
    if (!isPlainObject(event)) fail(`${at} must be { t, data }, got ${describe(event)}`);
    checkKeys(at, event, ['t', 'data']);
    const { t, data } = event;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) fail(`${at}.t must be a time in milliseconds from 0, got ${describe(t)}`);
    if (t < last) fail(`${at}.t is ${t}, earlier than the event before it (${last}): events come in the order they arrived`);
    if (typeof data !== 'string') fail(`${at}.data must be a string (a piece of the body as it arrived), got ${describe(data)}`);
    last = t;
    body += data;
    reads.push({ end: body.length, t, data });
  });
  return { body, reads, format, timed: true };
}

function decodeBase64(text) {
  let binary;
  try {
    binary = atob(text);
  } catch {
    fail('the HAR entry says its body is base64, but it is not');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

const STREAMED_TYPES = /event-stream|ndjson|jsonl|json-seq/i;

function fromHar(har) {
  const entries = har.log?.entries;
  if (!Array.isArray(entries)) fail('the HAR has no log.entries array');
  const withBody = entries.filter((entry) => typeof entry?.response?.content?.text === 'string' && entry.response.content.text !== ''
    || Array.isArray(entry?._eventSourceMessages) && entry._eventSourceMessages.length > 0);
  if (withBody.length === 0) fail(`none of the HAR's ${entries.length} entries has a response body (response.content.text)`);
  const streamed = withBody.filter((entry) => STREAMED_TYPES.test(entry.response?.content?.mimeType ?? '') || Array.isArray(entry._eventSourceMessages));
  const entry = (streamed.length > 0 ? streamed : withBody).at(-1);
  const source = {};
  const messages = entry._eventSourceMessages;
  if (Array.isArray(messages) && messages.length > 0) {
    // Per-event times, in seconds like Chrome's _webSocketMessages (milliseconds taken as such
    // when the numbers are too large to be seconds since 1970).
    const times = messages.map((message) => (typeof message?.time === 'number' ? message.time : NaN));
    const scale = times.some((time) => time > 1e11) ? 1 : 1000;
    source.messages = messages.map((message, i) => {
      if (!isPlainObject(message) || typeof message.data !== 'string') fail(`_eventSourceMessages[${i}] has no data string`);
      const t = Number.isFinite(times[i]) ? times[i] * scale : undefined;
      return { data: message.data, t, label: `_eventSourceMessages[${i}]` };
    });
    const started = Date.parse(entry.startedDateTime ?? '');
    const first = source.messages.find((message) => message.t !== undefined)?.t;
    if (Number.isFinite(started) && first !== undefined && first >= started) source.origin = started;
    source.timed = source.messages.every((message) => message.t !== undefined);
  } else {
    const { content } = entry.response;
    source.body = (content.encoding === 'base64' ? decodeBase64(content.text) : content.text).replace(/^\uFEFF/, '');
    const timings = entry.timings ?? {};
    const phase = (name) => (typeof timings[name] === 'number' && timings[name] > 0 ? timings[name] : 0);
    if (typeof timings.wait === 'number' && timings.wait >= 0) {
      source.ttftMs = phase('blocked') + phase('dns') + phase('connect') + phase('send') + phase('wait');
    }
    if (typeof timings.receive === 'number' && timings.receive >= 0) source.durationMs = timings.receive;
  }
  return source;
}

// ---- Framing: the body as payloads, each with its line and arrival ----------------------

/** The lines of `text`, each with its number and the offset just past its line end. */
function* linesOf(text) {
  const ends = /\r\n|\r|\n/g;
  let start = 0;
  let number = 1;
  for (let found = ends.exec(text); found !== null; found = ends.exec(text)) {
    yield { text: text.slice(start, found.index), number: number++, end: ends.lastIndex };
    start = ends.lastIndex;
  }
  if (start < text.length) yield { text: text.slice(start), number, end: text.length };
}

/** When the character before `end` arrived: the time of the read that held it. */
function clockOf(reads) {
  if (reads === undefined) return () => undefined;
  let at = 0;
  return (end) => {
    while (at < reads.length - 1 && reads[at].end < end) at++;
    return reads[at].t;
  };
}

const SSE_FIELD = /^(data|event|id|retry)(:|$)/;

function notAFormat(line) {
  fail(`line ${line.number}: ${excerpt(line.text)} is none of the formats: not an SSE line (data:, event:, id:, retry:, a ":" comment), `
    + 'not a JSON object (NDJSON), not a timed transcript or a HAR. For plain text, pass { format: \'plain-text\' }');
}

function parseJSON(text, label) {
  try {
    return JSON.parse(text);
  } catch {
    return fail(`${label}: the data is not JSON: ${excerpt(text)}`);
  }
}

function sseEvents(body, timeAt) {
  const events = [];
  let data = null;
  let first = 0;
  const dispatch = (end) => {
    if (data === null) return;
    const text = data.join('\n');
    const label = `line ${first}`;
    events.push({ payload: text.trim() === '[DONE]' ? DONE : parseJSON(text, label), t: timeAt(end), label });
    data = null;
  };
  for (const line of linesOf(body)) {
    if (line.text === '') {
      dispatch(line.end);
      continue;
    }
    if (line.text.startsWith(':')) continue;
    if (!SSE_FIELD.test(line.text)) {
      fail(`line ${line.number}: ${excerpt(line.text)} is not an SSE line (data:, event:, id:, retry:, a ":" comment or a blank line)`);
    }
    if (line.text.startsWith('data')) {
      const colon = line.text.indexOf(':');
      const value = colon < 0 ? '' : line.text.slice(colon + 1).replace(/^ /, '');
      if (data === null) {
        data = [];
        first = line.number;
      }
      data.push(value);
    }
    // event:, id: and retry: say nothing the payloads do not: every format trickle reads
    // repeats the event name inside its JSON.
  }
  dispatch(body.length); // a copy that lost its last blank line
  return events;
}

function ndjsonEvents(body, timeAt) {
  const events = [];
  for (const line of linesOf(body)) {
    if (line.text.trim() === '') continue;
    if (!line.text.trimStart().startsWith('{')) notAFormat(line);
    events.push({ payload: parseJSON(line.text, `line ${line.number}`), t: timeAt(line.end), label: `line ${line.number}` });
  }
  return events;
}

function eventsOf(source) {
  if (source.messages !== undefined) {
    return source.messages.map((message) => ({
      payload: message.payload ?? (message.data.trim() === '[DONE]' ? DONE : parseJSON(message.data, message.label)),
      t: message.t,
      label: message.label,
    }));
  }
  const timeAt = clockOf(source.reads);
  for (const line of linesOf(source.body)) {
    if (line.text.trim() === '' || line.text.startsWith(':')) continue;
    if (SSE_FIELD.test(line.text)) return sseEvents(source.body, timeAt);
    if (line.text.trimStart().startsWith('{')) return ndjsonEvents(source.body, timeAt);
    notAFormat(line);
  }
  return fail('the transcript is empty: no event, no line of JSON');
}

// ---- The answer -------------------------------------------------------------------------

function readFormatOption(options, source) {
  if (options !== undefined && !isPlainObject(options)) fail(`options must be an object, got ${describe(options)}`);
  if (options !== undefined) checkKeys('options', options, ['format']);
  const given = options?.format;
  for (const [name, format] of [['options.format', given], ['the transcript\'s format', source.format]]) {
    if (format !== undefined && !FORMATS.includes(format)) fail(`${name} must be one of ${FORMATS.join(', ')}, got ${describe(format)}`);
  }
  if (given !== undefined && source.format !== undefined && given !== source.format) {
    fail(`options.format is '${given}' but the timed transcript says '${source.format}'`);
  }
  return given ?? source.format;
}

function plainText(source) {
  // A HAR's per-event messages lost the framing between them: their data, joined, is the text.
  const body = source.body ?? source.messages.map((message) => message.data).join('');
  const pieces = source.reads ?? [{ data: body }];
  const chunks = pieces.filter((read) => read.data !== '').map((read) => (read.t === undefined ? { kind: 'text', text: read.data } : { kind: 'text', text: read.data, t: read.t }));
  return { answer: { text: body, reasoning: '', toolCalls: [], finishReason: 'stop' }, chunks, complete: true };
}

/** Chunk times from the first chunk's arrival; ttftMs and durationMs from what is known. */
function timed(result, source) {
  const absolute = result.chunks.map((chunk) => chunk.t);
  for (const chunk of result.chunks) delete chunk.t;
  if (absolute.length > 0 && absolute.every((t) => t !== undefined)) {
    const first = absolute[0];
    result.chunks.forEach((chunk, i) => { chunk.atMs = absolute[i] - first; });
    result.durationMs = absolute.at(-1) - first;
    if (source.timed && source.messages === undefined) result.ttftMs = first; // t counts from the request
    else if (source.origin !== undefined) result.ttftMs = first - source.origin;
  }
  if (source.ttftMs !== undefined) result.ttftMs = source.ttftMs;
  if (source.durationMs !== undefined) result.durationMs = source.durationMs;
  return result;
}

/**
 * Reads a recorded stream (see the file's header for what it takes and gives). `options`:
 * { format } to skip detection (and the only way to read plain text). TypeError for input
 * that is no recorded stream, naming the line or event at fault.
 */
export function parseTranscript(input, options) {
  const source = readSource(input);
  let format = readFormatOption(options, source);
  if (format === 'plain-text') return timed({ format, ...plainText(source) }, source);

  const events = eventsOf(source);
  for (const event of events) {
    const said = event.payload === DONE ? null : formatOf(event.payload);
    if (said === null) continue;
    if (format === undefined) format = said;
    else if (said !== format) fail(`${event.label}: this event is ${said}'s, but the stream is ${format}: ${excerpt(JSON.stringify(event.payload))}`);
  }
  if (format === undefined) {
    fail(`${events[0].label}: could not tell the format from the events (none has fields only one format uses); pass { format }`);
  }
  const builder = new AnswerBuilder();
  const read = READERS[format];
  for (const event of events) {
    if (event.payload !== DONE && !isPlainObject(event.payload)) fail(`${event.label}: expected a JSON object, got ${describe(event.payload)}`);
    const before = builder.chunks.length;
    read(builder, event.payload);
    for (let i = before; i < builder.chunks.length; i++) builder.chunks[i].t = event.t;
  }
  return timed({ format, ...builder.result(format) }, source);
}

/**
 * Records a fetch Response's body as a timed transcript: { format?, events: [{ t, data }] },
 * `t` in milliseconds from this call, one event per read. `options.now` is the clock
 * (default performance.now; a ManualClock's now for tests). The format is set only for a
 * text/plain body, the one detection cannot tell.
 */
export async function recordTranscript(response, options) {
  if (response === null || typeof response !== 'object' || typeof response.body?.getReader !== 'function') {
    throw new TypeError(`recordTranscript: expected a fetch Response with a body, got ${describe(response)}`);
  }
  const now = options?.now ?? (() => performance.now());
  if (typeof now !== 'function') throw new TypeError(`recordTranscript: options.now must be a function returning milliseconds, got ${describe(now)}`);
  const start = now();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const events = [];
  for (;;) {
    const { value, done } = await reader.read();
    const data = done ? decoder.decode() : decoder.decode(value, { stream: true });
    if (data !== '') events.push({ t: now() - start, data });
    if (done) break;
  }
  const type = response.headers?.get?.('content-type') ?? '';
  return /^text\/plain/i.test(type) ? { format: 'plain-text', events } : { events };
}
