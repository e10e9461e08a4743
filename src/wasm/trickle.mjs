// trickle: LLM-style text streams produced by a C++20 coroutine in WebAssembly, consumed
// as JS async iterators.
//
//   import createTrickle from 'trickle';
//   const trickle = await createTrickle();
//   for await (const chunk of trickle.stream('你好 我 是 一个 模拟 的 LLM')) { ... }
//
// This file is the thin idiomatic layer over the raw Embind primitives (bindings.cpp):
// it checks input before it crosses into wasm, keeps a small buffer of ready chunks per
// stream so that most next() calls never cross, runs the scheduler's single timer, and
// frees each stream's C++ state the moment its iteration ends.
import createNativeModule from './trickle-wasm.mjs';

const WASM_FILE = 'trickle-wasm.wasm';
const SPLIT_CODES = { whitespace: 0, space: 1, char: 2 };
const MAX_DELAY_MS = 2147483647; // what setTimeout accepts
const MAX_FAIL_AFTER = 2147483647;
const BATCH_SIZE = 1024; // chunks handed over per crossing when many are due at once

// NativeStream.pull() result: (count << STATUS_BITS) | status
const STATUS_BITS = 3;
const STATUS_MASK = (1 << STATUS_BITS) - 1;
const STATUS_MORE = 0;
const STATUS_PENDING = 1;
const STATUS_DONE = 2;
const STATUS_FAILED = 3;
const STATUS_TIMED_OUT = 4;

const STREAM_DEFAULTS = Object.freeze({
  delayMs: 500,
  split: 'whitespace',
  suffix: '',
  signal: undefined,
  timeoutMs: undefined,
  failAfter: undefined,
  failMessage: undefined,
});
const CHAT_DEFAULTS = Object.freeze({ ...STREAM_DEFAULTS, suffix: ' ' });

const utf8 = new TextEncoder();
const wake = Symbol('wake');

// Lone surrogates cannot be encoded as UTF-8. Like TextEncoder, trickle replaces each with
// U+FFFD; the replacement is one UTF-16 unit too, so every other position is unchanged.
const toWellFormed = typeof String.prototype.toWellFormed === 'function'
  ? (text) => text.toWellFormed()
  : (text) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string "${value}"` : `${typeof value} ${String(value)}`;
}

// Duck-typed so that a signal from another realm (an iframe, a test runner) also works.
function isAbortSignal(value) {
  return value !== null && typeof value === 'object' && typeof value.aborted === 'boolean'
    && typeof value.addEventListener === 'function' && typeof value.removeEventListener === 'function';
}

function abortReason(signal) {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function readOptions(method, options, defaults) {
  if (options === undefined) return { ...defaults };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`trickle.${method}: options must be an object, got ${describe(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!Object.hasOwn(defaults, name)) {
      throw new TypeError(`trickle.${method}: unknown option "${name}" (known: ${Object.keys(defaults).join(', ')})`);
    }
  }
  const read = { ...defaults };
  for (const name of Object.keys(defaults)) if (options[name] !== undefined) read[name] = options[name];

  if (typeof read.delayMs !== 'number') {
    throw new TypeError(`trickle.${method}: delayMs must be a number of milliseconds, got ${describe(read.delayMs)}`);
  }
  if (!(read.delayMs >= 0 && read.delayMs <= MAX_DELAY_MS)) {
    throw new RangeError(`trickle.${method}: delayMs must be between 0 and ${MAX_DELAY_MS}, got ${read.delayMs}`);
  }
  if (typeof read.split !== 'string') {
    throw new TypeError(`trickle.${method}: split must be a string, got ${describe(read.split)}`);
  }
  if (!Object.hasOwn(SPLIT_CODES, read.split)) {
    throw new RangeError(`trickle.${method}: split must be 'whitespace', 'space' or 'char', got "${read.split}"`);
  }
  if (typeof read.suffix !== 'string') {
    throw new TypeError(`trickle.${method}: suffix must be a string, got ${describe(read.suffix)}`);
  }
  if (read.signal !== undefined && !isAbortSignal(read.signal)) {
    throw new TypeError(`trickle.${method}: signal must be an AbortSignal, got ${describe(read.signal)}`);
  }
  if (read.timeoutMs !== undefined) {
    if (typeof read.timeoutMs !== 'number') {
      throw new TypeError(`trickle.${method}: timeoutMs must be a number of milliseconds, got ${describe(read.timeoutMs)}`);
    }
    if (!(read.timeoutMs >= 0 && read.timeoutMs <= MAX_DELAY_MS)) {
      throw new RangeError(`trickle.${method}: timeoutMs must be between 0 and ${MAX_DELAY_MS}, got ${read.timeoutMs}`);
    }
  }
  if (read.failAfter !== undefined) {
    if (typeof read.failAfter !== 'number') {
      throw new TypeError(`trickle.${method}: failAfter must be a number of chunks, got ${describe(read.failAfter)}`);
    }
    if (!Number.isInteger(read.failAfter) || read.failAfter < 0 || read.failAfter > MAX_FAIL_AFTER) {
      throw new RangeError(`trickle.${method}: failAfter must be a whole number from 0, got ${read.failAfter}`);
    }
  }
  if (read.failMessage !== undefined && typeof read.failMessage !== 'string') {
    throw new TypeError(`trickle.${method}: failMessage must be a string, got ${describe(read.failMessage)}`);
  }
  return read;
}

async function loadNativeModule() {
  const wasmUrl = new URL(WASM_FILE, import.meta.url);
  const settings = { locateFile: () => wasmUrl.href };
  if (typeof process === 'object' && typeof process.versions?.node === 'string') {
    // Node's fetch() refuses file: URLs, so read the bytes ourselves.
    const { readFile } = await import('node:fs/promises');
    settings.wasmBinary = await readFile(wasmUrl);
  }
  return createNativeModule(settings);
}

/**
 * Loads the WebAssembly module and returns a trickle instance. Each instance has its own
 * wasm memory, scheduler and single timer.
 */
export default async function createTrickle() {
  return new Trickle(await loadNativeModule());
}

class Trickle {
  #native;
  #timer = null;
  #watched = new Map(); // stream id -> TrickleStream that wasm may wake: asleep, or with a time-out running
  #finalizer;

  constructor(native) {
    this.#native = native;
    native.trickleRequestWake = (deadlineMs) => this.#arm(deadlineMs);
    native.trickleCancelWake = () => this.#disarm();
    // Safety net for a stream dropped half-read without return(): free its C++ state when
    // the iterator is garbage-collected. Normal endings free it at once, without this.
    this.#finalizer = new FinalizationRegistry((handle) => {
      if (!handle.isDeleted()) handle.delete();
    });
  }

  /** Streams the pieces of `text` (see README: options delayMs, split, suffix, failAfter, failMessage). */
  stream(text, options) {
    if (typeof text !== 'string') {
      throw new TypeError(`trickle.stream: text must be a string, got ${describe(text)}`);
    }
    return this.#open(toWellFormed(text), readOptions('stream', options, STREAM_DEFAULTS));
  }

  /** Streams the FastAPI snippet's answer to `prompt`: "你提问的是: {prompt}, 我正在流式生成答案...". */
  chat(prompt, options) {
    if (typeof prompt !== 'string') {
      throw new TypeError(`trickle.chat: prompt must be a string, got ${describe(prompt)}`);
    }
    const read = readOptions('chat', options, CHAT_DEFAULTS);
    const answer = this.#native.chatTemplate(utf8.encode(toWellFormed(prompt)));
    return this.#open(answer, read);
  }

  /** The C++ template chat() streams, filled with `prompt`. */
  chatText(prompt) {
    if (typeof prompt !== 'string') {
      throw new TypeError(`trickle.chatText: prompt must be a string, got ${describe(prompt)}`);
    }
    return this.#native.chatTemplate(utf8.encode(toWellFormed(prompt)));
  }

  /** Numbers for tests and curious users: what the wasm side holds right now. */
  stats() {
    return {
      liveStreams: this.#native.liveStreamCount(),
      scheduledTimers: this.#native.scheduledTimerCount(),
      heapBytesInUse: this.#native.heapBytesInUse(),
      timerArmed: this.#timer !== null,
    };
  }

  #open(text, options) {
    const handle = new this.#native.NativeStream(
      utf8.encode(text),
      Math.round(options.delayMs * 1000),
      SPLIT_CODES[options.split],
      options.failAfter ?? -1,
      options.failMessage ?? `trickle: simulated failure after ${options.failAfter} chunks`,
      options.timeoutMs === undefined ? -1 : Math.round(options.timeoutMs * 1000),
    );
    const stream = new TrickleStream(this.#native, handle, text, options, this.#watched, this.#finalizer);
    this.#finalizer.register(stream, handle, stream);
    return stream;
  }

  #arm(deadlineMs) {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#onTimer, Math.max(0, Math.ceil(deadlineMs - performance.now())));
  }

  #disarm() {
    if (this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#timer = null;
  }

  #onTimer = () => {
    this.#timer = null;
    const count = this.#native.runDueTimers();
    if (count === 0) return;
    // Copy: waking a stream pulls from wasm, which may grow (and so detach) its memory.
    const ids = this.#native.readyIds().slice(0, count);
    for (const id of ids) this.#watched.get(id)?.[wake]();
  };
}

const NO_SPANS = new Uint32Array(0);

/**
 * One stream: an async iterator (next, return, throw, [Symbol.asyncIterator]).
 *
 * States: open (handle set) -> ended (handle null). While open it may be asleep: the C++
 * generator waits for a deadline and the stream sits in `watched` until its wake-up (a
 * stream with a time-out sits there from its first next() on). Chunks already handed over
 * stay in `spans` and are delivered even after a normal end or a C++ error; an abort or a
 * time-out drops them, as it would drop bytes still in flight.
 */
class TrickleStream {
  #native;
  #handle; // NativeStream, or null once the C++ state is freed
  #text;
  #suffix;
  #watched;
  #finalizer;
  #signal;
  #timeoutMs;
  #onAbort = null;
  #spans = NO_SPANS; // [begin, end) UTF-16 positions of buffered chunks
  #nextSpan = 0;
  #waiters = []; // next() calls not yet settled, oldest first
  #asleep = false;
  #failure = null; // error to deliver once the buffered chunks are out

  constructor(native, handle, text, options, watched, finalizer) {
    this.#native = native;
    this.#handle = handle;
    this.#text = text;
    this.#suffix = options.suffix;
    this.#watched = watched;
    this.#finalizer = finalizer;
    this.#timeoutMs = options.timeoutMs;
    const signal = options.signal;
    if (signal === undefined) return;
    if (signal.aborted) {
      this.#abort(abortReason(signal));
      return;
    }
    this.#signal = signal;
    this.#onAbort = () => this.#abort(abortReason(signal));
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    if (this.#waiters.length === 0) {
      if (this.#nextSpan === this.#spans.length && this.#handle !== null && !this.#asleep) this.#pull();
      if (this.#nextSpan < this.#spans.length) {
        return Promise.resolve({ value: this.#take(), done: false });
      }
      if (this.#handle === null) return this.#settleEnded();
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  return(value) {
    this.#end();
    return Promise.resolve({ value, done: true });
  }

  throw(error) {
    this.#end();
    return Promise.reject(error);
  }

  [wake]() {
    if (this.#handle.timedOut) {
      this.#timeOut();
      return;
    }
    this.#asleep = false;
    if (this.#timeoutMs === undefined) this.#watched.delete(this.#handle.id);
    this.#serveWaiters();
  }

  #take() {
    const spans = this.#spans;
    const i = this.#nextSpan;
    this.#nextSpan = i + 2;
    const piece = this.#text.slice(spans[i], spans[i + 1]);
    return this.#suffix === '' ? piece : piece + this.#suffix;
  }

  #pull() {
    const result = this.#handle.pull(BATCH_SIZE);
    const count = result >>> STATUS_BITS;
    if (count > 0) {
      this.#spans = this.#native.batchSpans().slice();
      this.#nextSpan = 0;
    }
    // From the first pull on, the C++ side runs the time-out and may wake us for it.
    if (this.#timeoutMs !== undefined) this.#watched.set(this.#handle.id, this);
    switch (result & STATUS_MASK) {
      case STATUS_MORE:
        break;
      case STATUS_PENDING:
        this.#asleep = true;
        this.#watched.set(this.#handle.id, this);
        break;
      case STATUS_TIMED_OUT: // possible when a consumer comes back after the deadline
        this.#timeOut();
        break;
      case STATUS_DONE:
        this.#release();
        break;
      case STATUS_FAILED:
        this.#failure = new Error(this.#handle.errorMessage());
        this.#release();
        break;
    }
  }

  // Settles queued next() calls in order, pulling more while the C++ side has them.
  #serveWaiters() {
    while (this.#waiters.length > 0) {
      if (this.#nextSpan === this.#spans.length) {
        if (this.#handle !== null && !this.#asleep) this.#pull();
        if (this.#nextSpan === this.#spans.length) {
          if (this.#handle !== null) return; // asleep: the wake-up will call us again
          const waiter = this.#waiters.shift();
          this.#settleEnded().then(waiter.resolve, waiter.reject);
          continue;
        }
      }
      this.#waiters.shift().resolve({ value: this.#take(), done: false });
    }
  }

  // After the last chunk: the error, once, if the stream failed; then done forever.
  #settleEnded() {
    this.#detachSignal(); // the iteration is over for the consumer: nothing left to abort
    if (this.#failure !== null) {
      const failure = this.#failure;
      this.#failure = null;
      return Promise.reject(failure);
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  // The C++ generator has finished: free its state; buffered chunks remain deliverable.
  #release() {
    if (this.#handle === null) return;
    this.#watched.delete(this.#handle.id);
    this.#asleep = false;
    this.#finalizer.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }

  // The same DOMException AbortSignal.timeout() would give.
  #timeOut() {
    this.#abort(new DOMException(`trickle: the stream did not finish within ${this.#timeoutMs} ms`, 'TimeoutError'));
  }

  // Until the consumer has seen the end, an abort still applies (even to chunks already
  // buffered); after that the listener must go, or every stream would leak one.
  #detachSignal() {
    if (this.#onAbort === null) return;
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#onAbort = null;
    this.#signal = undefined;
  }

  // An abort or a time-out: stop now, like #end(), but the reason is an error. next()
  // calls already waiting reject with it; if none is waiting, the next one does.
  #abort(reason) {
    this.#detachSignal();
    this.#release();
    this.#spans = NO_SPANS;
    this.#nextSpan = 0;
    const waiting = this.#waiters;
    this.#waiters = [];
    if (waiting.length === 0) {
      this.#failure = reason;
      return;
    }
    this.#failure = null;
    for (const waiter of waiting) waiter.reject(reason);
  }

  // return()/throw(): stop now. Frees the C++ frame at once (its pending timer goes with
  // it), drops buffered chunks, and ends every next() still waiting.
  #end() {
    this.#detachSignal();
    this.#release();
    this.#spans = NO_SPANS;
    this.#nextSpan = 0;
    this.#failure = null;
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) waiter.resolve({ value: undefined, done: true });
  }
}
