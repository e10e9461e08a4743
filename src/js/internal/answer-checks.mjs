// What createFetch(), response() and stream.toReadableStream() check before they answer:
// an answer, the fault option, a format's name, a built-in answer's name. They throw at
// once (TypeError, RangeError), so this module is loaded with trickle itself; what writes
// the answers (wire/: routes, bodies, the fetch) is imported on first use, and must not
// be imported from here.
//
// An answer, as a reply gives it:
//
//   interface Answer {
//     text?: string;
//     reasoning?: string;            // thinking, streamed before the text
//     toolCalls?: { id?: string; name: string; arguments: Record<string, unknown> | string }[];
//     finishReason?: 'stop' | 'length' | 'tool_calls';   // default: tool_calls if any, else stop
//     chunks?: { kind: 'reasoning' | 'text' | 'tool'; tool?: number; text: string; atMs?: number }[];
//     ttftMs?: number;               // with timed chunks: the wait before the first one
//   }
//
// chunks (a recording's deltas, as parseTranscript gives them) make the answer stream in
// exactly those pieces, and at their recorded times when every chunk has atMs. The checked
// answer and faults are what the full wasm module's start_answer reads
// (src/wasm/bindings.cpp), through wire/body.mjs's answerSpec.
import { checkDelay, checkOptionsBag, describe, isPlainObject, toWellFormed } from '../internal/checks.mjs';

/** The wire formats, as requests (wire/requests.mjs) and the format options name them. */
export const FORMATS = Object.freeze(['openai-chat', 'openai-responses', 'anthropic', 'gemini', 'ui-message', 'ollama', 'plain-text']);

/** The built-in answers' names (answers/names.mjs says what each stresses, answers/builtin.mjs has them). */
export const ANSWER_NAMES = Object.freeze(['markdown', 'code', 'table', 'math', 'emoji', 'rtl', 'long-line', 'long', 'reasoning',
  'tool-call', 'truncated', 'escape']);

/** The languages every built-in answer comes in. */
export const ANSWER_LANGS = Object.freeze(['en', 'zh']);

/** Throws the RangeError (or TypeError) builtinAnswer() gives for a name it does not have. */
export function checkAnswerName(where, name, lang) {
  if (typeof name !== 'string') throw new TypeError(`${where}: the answer name must be a string, one of ${ANSWER_NAMES.join(', ')}`);
  if (!ANSWER_NAMES.includes(name)) {
    throw new RangeError(`${where}: no built-in answer is called "${name}"; the names are ${ANSWER_NAMES.join(', ')}`);
  }
  if (!ANSWER_LANGS.includes(lang)) {
    throw new RangeError(`${where}: lang must be ${ANSWER_LANGS.map((l) => `'${l}'`).join(' or ')}, got ${typeof lang === 'string' ? `"${lang}"` : String(lang)}`);
  }
}

const ANSWER_FIELDS = ['text', 'reasoning', 'toolCalls', 'finishReason', 'chunks', 'ttftMs'];
const CHUNK_FIELDS = ['kind', 'text', 'tool', 'atMs'];
const CHUNK_KINDS = ['reasoning', 'text', 'tool'];
const FINISH_REASONS = ['stop', 'length', 'tool_calls'];
const TOOL_CALL_FIELDS = ['id', 'name', 'arguments'];

/** An answer as a reply gives it (a string, or an Answer), checked; throws TypeError. */
export function readAnswer(where, value) {
  if (typeof value === 'string') return { text: value, reasoning: '', toolCalls: [], finishReason: 'auto', replay: null };
  if (!isPlainObject(value)) {
    throw new TypeError(`${where}: an answer is a string or { text, reasoning, toolCalls, finishReason }, got ${describe(value)}`);
  }
  checkOptionsBag(`${where}: the answer`, value, ANSWER_FIELDS);
  const { text = '', reasoning = '', toolCalls = [], finishReason = 'auto' } = value;
  if (typeof text !== 'string') throw new TypeError(`${where}: answer.text must be a string, got ${describe(text)}`);
  if (typeof reasoning !== 'string') throw new TypeError(`${where}: answer.reasoning must be a string, got ${describe(reasoning)}`);
  if (finishReason !== 'auto' && !FINISH_REASONS.includes(finishReason)) {
    throw new TypeError(`${where}: answer.finishReason must be 'stop', 'length' or 'tool_calls', got ${describe(finishReason)}`);
  }
  if (!Array.isArray(toolCalls)) throw new TypeError(`${where}: answer.toolCalls must be an array, got ${describe(toolCalls)}`);
  const calls = toolCalls.map((call, i) => {
    const at = `${where}: answer.toolCalls[${i}]`;
    if (!isPlainObject(call)) throw new TypeError(`${at} must be { name, arguments, id? }, got ${describe(call)}`);
    checkOptionsBag(at, call, TOOL_CALL_FIELDS);
    const { id = '', name, arguments: args = {} } = call;
    if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${at}.name must be a non-empty string, got ${describe(name)}`);
    if (typeof id !== 'string') throw new TypeError(`${at}.id must be a string, got ${describe(id)}`);
    let json;
    if (typeof args === 'string') {
      let parsed;
      try {
        parsed = JSON.parse(args);
      } catch {
        throw new TypeError(`${at}.arguments is a string but not JSON: give an object, or one JSON object as text`);
      }
      if (!isPlainObject(parsed)) throw new TypeError(`${at}.arguments must be one JSON object (every format sends them as one)`);
      json = args;
    } else if (isPlainObject(args)) {
      json = JSON.stringify(args);
    } else {
      throw new TypeError(`${at}.arguments must be an object or a JSON object as text, got ${describe(args)}`);
    }
    return { id, name, arguments: json };
  });
  const answer = { text: toWellFormed(text), reasoning: toWellFormed(reasoning), toolCalls: calls, finishReason, replay: null };
  if (value.chunks !== undefined) {
    answer.replay = readChunks(where, value.chunks, value.ttftMs, answer);
  } else if (value.ttftMs !== undefined) {
    throw new TypeError(`${where}: answer.ttftMs is the wait before recorded chunks; give it with answer.chunks`);
  }
  return answer;
}

/**
 * answer.chunks, checked against the answer they cut: each field's pieces as the full
 * module streams them (given: { reasoning, text, toolArguments }, each { ends, tokens }) and,
 * when every chunk has atMs, when each comes (offsetsUs, microseconds after the first read,
 * ttftMs first; null without times). A field the recording sent whole (no chunk of its kind,
 * as Gemini and Ollama send tool calls) is one piece, at the time of the piece before it.
 */
function readChunks(where, chunks, ttftMs, answer) {
  if (!Array.isArray(chunks)) {
    throw new TypeError(`${where}: answer.chunks must be an array of { kind, text, tool?, atMs? } (parseTranscript's chunks), got ${describe(chunks)}`);
  }
  if (ttftMs !== undefined) checkDelay(`${where}: answer`, 'ttftMs', ttftMs);
  const fields = [answer.reasoning, answer.text, ...answer.toolCalls.map((call) => call.arguments)];
  const names = ['answer.reasoning', 'answer.text', ...answer.toolCalls.map((_, i) => `answer.toolCalls[${i}].arguments`)];
  const pieces = fields.map(() => []);
  let timed;
  chunks.forEach((chunk, i) => {
    const at = `${where}: answer.chunks[${i}]`;
    if (!isPlainObject(chunk)) throw new TypeError(`${at} must be { kind, text, tool?, atMs? }, got ${describe(chunk)}`);
    checkOptionsBag(at, chunk, CHUNK_FIELDS);
    const { kind, text, tool, atMs } = chunk;
    if (!CHUNK_KINDS.includes(kind)) throw new TypeError(`${at}.kind must be 'reasoning', 'text' or 'tool', got ${describe(kind)}`);
    if (typeof text !== 'string') throw new TypeError(`${at}.text must be a string, got ${describe(text)}`);
    let field = kind === 'reasoning' ? 0 : 1;
    if (kind === 'tool') {
      if (!Number.isInteger(tool) || tool < 0 || tool >= answer.toolCalls.length) {
        throw new RangeError(`${at}.tool must be the index of one of the answer's ${answer.toolCalls.length} tool calls, got ${describe(tool)}`);
      }
      field = 2 + tool;
    } else if (tool !== undefined) {
      throw new TypeError(`${at}.tool is for chunks of kind 'tool'`);
    }
    const hasTime = atMs !== undefined;
    if (hasTime) checkDelay(at, 'atMs', atMs);
    timed ??= hasTime;
    if (timed !== hasTime) {
      throw new TypeError(`${where}: answer.chunks: every chunk has atMs or none does (chunks[0] ${timed ? 'has' : 'has not'}, chunks[${i}] ${hasTime ? 'has' : 'has not'})`);
    }
    if (text.length > 0) pieces[field].push({ text: toWellFormed(text), atMs }); // an empty delta streams nothing
  });
  const given = fields.map((whole, f) => {
    if (pieces[f].length === 0 && whole.length > 0) pieces[f].push({ text: whole, atMs: undefined });
    const ends = new Uint32Array(pieces[f].length);
    let end = 0;
    pieces[f].forEach((piece, k) => {
      end += piece.text.length;
      ends[k] = end;
    });
    const joined = pieces[f].map((piece) => piece.text).join('');
    if (joined !== whole) {
      throw new RangeError(`${where}: the chunks for ${names[f]} make ${JSON.stringify(clip(joined))}, and ${names[f]} is ${JSON.stringify(clip(whole))}: `
        + 'give the chunks the answer was cut into (parseTranscript gives both)');
    }
    return { ends, tokens: [] };
  });
  let offsetsUs = null;
  if (timed) {
    // In the order the pieces stream (reasoning, text, each tool call's arguments), never
    // decreasing: a recording's deltas of one kind come in order, and a field sent whole
    // goes with the piece before it.
    offsetsUs = [];
    let last = 0;
    for (const list of pieces) {
      for (const piece of list) {
        if (piece.atMs !== undefined) last = Math.max(last, (ttftMs ?? 0) + piece.atMs);
        offsetsUs.push(Math.round(last * 1000));
      }
    }
  }
  return { given: { reasoning: given[0], text: given[1], toolArguments: given.slice(2), offsetsUs }, timed: Boolean(timed) };
}

const clip = (text) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);


// ---- faults ----------------------------------------------------------------------------

const FAULT_FIELDS = ['http', 'errorAfter', 'errorStatus', 'errorMessage', 'stallAt', 'stallMs', 'truncateAfter',
  'disconnectAfter', 'malformedAt', 'reslice'];
const HTTP_FIELDS = ['status', 'retryAfterS', 'times', 'message'];

// A chunk index, or { probability }: where a fault strikes.
function readPoint(where, name, value) {
  if (value === undefined) return { at: -1, probability: 0 };
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${where}: fault.${name} must be a chunk index (a whole number from 0) or { probability }, got ${value}`);
    return { at: value, probability: 0 };
  }
  if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.probability === 'number') {
    if (!(value.probability > 0 && value.probability <= 1)) {
      throw new RangeError(`${where}: fault.${name}.probability is per chunk, between 0 (excluded) and 1, got ${value.probability}`);
    }
    return { at: -1, probability: value.probability };
  }
  throw new TypeError(`${where}: fault.${name} must be a chunk index or { probability }, got ${describe(value)}`);
}

function readStatus(where, name, status) {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new RangeError(`${where}: ${name} must be an HTTP error status, 400 to 599, got ${describe(status)}`);
  }
  return status;
}

/**
 * The `fault` option (README, "Faults"): { http, errorAfter, errorStatus, errorMessage,
 * stallAt, stallMs, truncateAfter, disconnectAfter, malformedAt, reslice: { maxBytes } }.
 * Returns { http, spec } (http: the error before the stream, or null; spec: the stream's
 * faults for the wasm module). Throws TypeError or RangeError.
 */
export function readFaults(where, fault) {
  const none = { http: null, spec: noFaults() };
  if (fault === undefined) return none;
  checkOptionsBag(`${where}: fault`, fault, FAULT_FIELDS);
  let http = null;
  if (fault.http !== undefined) {
    checkOptionsBag(`${where}: fault.http`, fault.http, HTTP_FIELDS);
    const { status, retryAfterS, times = Infinity, message = '' } = fault.http;
    http = {
      status: readStatus(where, 'fault.http.status', status),
      retryAfterS: retryAfterS === undefined ? undefined : checkDelay(where, 'fault.http.retryAfterS', retryAfterS),
      times: times === Infinity ? Infinity : Number.isInteger(times) && times >= 0 ? times
        : (() => { throw new RangeError(`${where}: fault.http.times must be a whole number from 0, or Infinity, got ${describe(times)}`); })(),
      message: typeof message === 'string' ? message : (() => { throw new TypeError(`${where}: fault.http.message must be a string`); })(),
    };
  }
  const spec = noFaults();
  spec.error = readPoint(where, 'errorAfter', fault.errorAfter);
  if (fault.errorStatus !== undefined) spec.errorStatus = readStatus(where, 'fault.errorStatus', fault.errorStatus);
  if (fault.errorMessage !== undefined) {
    if (typeof fault.errorMessage !== 'string') throw new TypeError(`${where}: fault.errorMessage must be a string, got ${describe(fault.errorMessage)}`);
    spec.errorMessage = fault.errorMessage;
  }
  spec.truncate = readPoint(where, 'truncateAfter', fault.truncateAfter);
  spec.disconnect = readPoint(where, 'disconnectAfter', fault.disconnectAfter);
  spec.malformed = readPoint(where, 'malformedAt', fault.malformedAt);
  if (fault.stallAt !== undefined || fault.stallMs !== undefined) {
    const at = readPoint(where, 'stallAt', fault.stallAt ?? 0);
    if (at.at < 0) throw new TypeError(`${where}: fault.stallAt must be a chunk index`);
    spec.stallAt = at.at;
    spec.stallUs = Math.round(checkDelay(where, 'fault.stallMs', fault.stallMs ?? 0) * 1000);
  }
  if (fault.reslice !== undefined) {
    checkOptionsBag(`${where}: fault.reslice`, fault.reslice, ['maxBytes']);
    const { maxBytes } = fault.reslice;
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 65536) {
      throw new RangeError(`${where}: fault.reslice.maxBytes must be a whole number from 1 to 65536, got ${describe(maxBytes)}`);
    }
    spec.resliceMax = maxBytes;
  }
  return { http, spec };
}

function noFaults() {
  return {
    error: { at: -1, probability: 0 },
    errorStatus: 500,
    errorMessage: '',
    truncate: { at: -1, probability: 0 },
    disconnect: { at: -1, probability: 0 },
    malformed: { at: -1, probability: 0 },
    stallAt: -1,
    stallUs: 0,
    resliceMax: 0,
  };
}
