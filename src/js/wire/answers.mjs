// What the model says: an answer, and the options that decide how it is told (format,
// timing, faults), checked here and handed to the full wasm module as one spec
// (src/wasm/bindings.cpp, start_answer).
//
//   interface Answer {
//     text?: string;
//     reasoning?: string;            // thinking, streamed before the text
//     toolCalls?: { id?: string; name: string; arguments: Record<string, unknown> | string }[];
//     finishReason?: 'stop' | 'length' | 'tool_calls';   // default: tool_calls if any, else stop
//   }
import { checkDelay, checkOptionsBag, describe, isPlainObject } from '../internal/checks.mjs';

const ANSWER_FIELDS = ['text', 'reasoning', 'toolCalls', 'finishReason'];
const FINISH_REASONS = ['stop', 'length', 'tool_calls'];
const TOOL_CALL_FIELDS = ['id', 'name', 'arguments'];

/** An answer as a reply gives it (a string, or an Answer), checked; throws TypeError. */
export function readAnswer(where, value) {
  if (typeof value === 'string') return { text: value, reasoning: '', toolCalls: [], finishReason: 'auto' };
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
  return { text: toWellFormed(text), reasoning: toWellFormed(reasoning), toolCalls: calls, finishReason };
}

// As everywhere in trickle: a lone surrogate becomes U+FFFD, as TextEncoder would make it.
const toWellFormed = typeof String.prototype.toWellFormed === 'function'
  ? (text) => text.toWellFormed()
  : (text) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

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
