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

// pullStream() result: (count << STATUS_BITS) | status
const STATUS_BITS = 3;
const STATUS_MASK = (1 << STATUS_BITS) - 1;
const STATUS_MORE = 0;
const STATUS_PENDING = 1;
const STATUS_DONE = 2;
const STATUS_FAILED = 3;
const STATUS_TIMED_OUT = 4;

// Runs `callback` on the next macrotask; returns a function that cancels it. Node has
// setImmediate; browsers and workers get a MessageChannel (which, unlike a port in Node,
// keeps nothing alive).
const runSoon = typeof setImmediate === 'function'
  ? (callback) => {
    const immediate = setImmediate(callback);
    return () => clearImmediate(immediate);
  }
  : (() => {
    const channel = new MessageChannel();
    const queued = [];
    channel.port1.onmessage = () => queued.shift()?.();
    return (callback) => {
      let cancelled = false;
      queued.push(() => { if (!cancelled) callback(); });
      channel.port2.postMessage(null);
      return () => { cancelled = true; };
    };
  })();

// Which function of a waiting next() call's pair to call.
const RESOLVE = 0;
const REJECT = 1;

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
const deliver = Symbol('deliver');

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

// Options read into a fixed shape (one hidden class for every stream: creating thousands
// of streams stays cheap).
class StreamSettings {
  constructor(defaults, options) {
    this.delayMs = pick(options, defaults, 'delayMs');
    this.split = pick(options, defaults, 'split');
    this.suffix = pick(options, defaults, 'suffix');
    this.signal = pick(options, defaults, 'signal');
    this.timeoutMs = pick(options, defaults, 'timeoutMs');
    this.failAfter = pick(options, defaults, 'failAfter');
    this.failMessage = pick(options, defaults, 'failMessage');
  }
}

function pick(options, defaults, name) {
  const value = options === undefined ? undefined : options[name];
  return value === undefined ? defaults[name] : value;
}

function readOptions(method, options, defaults) {
  if (options !== undefined) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError(`trickle.${method}: options must be an object, got ${describe(options)}`);
    }
    for (const name in options) {
      if (!Object.hasOwn(defaults, name) && Object.hasOwn(options, name)) {
        throw new TypeError(`trickle.${method}: unknown option "${name}" (known: ${Object.keys(defaults).join(', ')})`);
      }
    }
  }
  const read = new StreamSettings(defaults, options);
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

// What every stream of one instance shares with it.
class Bridge {
  constructor(native) {
    this.native = native;
    // Where pullStream() writes its spans: fixed, so read in place (in 32-bit words).
    this.pullSpansIndex = native.pullSpansAddress() >>> 2;
    // Slot number -> the stream that wasm may wake (asleep, or with a time-out running), or
    // undefined. Tick records name streams by slot: an array index, not a lookup. A slot
    // belongs to one stream while its C++ state lives, then is reused.
    this.watched = [];
    this.freeSlots = [];
    // Safety net for a stream dropped half-read without return(): free its C++ state when
    // the iterator is garbage-collected. Normal endings free it at once, without this.
    this.finalizer = new FinalizationRegistry(({ handle, slot }) => {
      native.closeStream(handle);
      this.giveBackSlot(slot);
    });
    this.scratchAddress = 0;
    this.scratchCapacity = 0;
    this.scratch = null;
  }

  takeSlot() {
    return this.freeSlots.length > 0 ? this.freeSlots.pop() : this.watched.push(undefined) - 1;
  }

  giveBackSlot(slot) {
    this.watched[slot] = undefined;
    this.freeSlots.push(slot);
  }

  // Writes `text` as UTF-8 into a wasm buffer kept for the purpose (openStream copies it
  // out at once), growing the buffer when needed. Returns the byte length; the bytes are at
  // scratchAddress.
  writeText(text) {
    const native = this.native;
    const needed = text.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (needed > this.scratchCapacity) {
      if (this.scratchAddress !== 0) native._free(this.scratchAddress);
      this.scratchCapacity = Math.max(needed, 4096);
      this.scratchAddress = native._malloc(this.scratchCapacity);
      this.scratch = null;
    }
    // A view made before the memory grew is detached: make it again.
    if (this.scratch === null || this.scratch.buffer !== native.HEAPU8.buffer) {
      this.scratch = new Uint8Array(native.HEAPU8.buffer, this.scratchAddress, this.scratchCapacity);
    }
    return utf8.encodeInto(text, this.scratch).written;
  }
}

class Trickle {
  #native;
  #bridge;
  #timer = null;

  constructor(native) {
    this.#native = native;
    this.#bridge = new Bridge(native);
    native.trickleRequestWake = (deadlineMs) => this.#arm(deadlineMs);
    native.trickleCancelWake = () => this.#disarm();
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
    const native = this.#native;
    const bridge = this.#bridge;
    const length = bridge.writeText(text);
    const slot = bridge.takeSlot();
    const handle = native.openStream(bridge.scratchAddress, length, Math.round(options.delayMs * 1000), SPLIT_CODES[options.split],
      options.timeoutMs === undefined ? -1 : Math.round(options.timeoutMs * 1000), slot);
    if (options.failAfter !== undefined) {
      native.failStreamAfter(handle, options.failAfter,
        options.failMessage ?? `trickle: simulated failure after ${options.failAfter} chunks`);
    }
    return new TrickleStream(bridge, handle, slot, text, options);
  }

  // The scheduler's one wake-up. A deadline already reached (ready work, or a deadline that
  // passed during a long tick) is served on the next macrotask rather than by
  // setTimeout(0), which browsers stretch to 4 ms once timeouts nest.
  #arm(deadlineMs) {
    this.#disarm();
    const delay = Math.ceil(deadlineMs - performance.now());
    this.#timer = delay > 0 ? setTimeout(this.#onTimer, delay) : runSoon(this.#onTimer);
  }

  #disarm() {
    if (this.#timer === null) return;
    if (typeof this.#timer === 'function') this.#timer(); else clearTimeout(this.#timer);
    this.#timer = null;
  }

  // One crossing per timer tick, whatever the number of streams that became ready: the
  // C++ side returns one record per stream (slot, status, count, then count [begin, end)).
  #onTimer = () => {
    this.#timer = null;
    const words = this.#native.runDueTimers();
    if (words === 0) return;
    const start = this.#native.tickRecordsAddress() >>> 2;
    // A copy: serving a stream may call into wasm, which may grow (detach) its memory.
    const records = this.#native.HEAPU32.slice(start, start + words);
    const watched = this.#bridge.watched;
    for (let i = 0; i < words;) {
      const count = records[i + 2];
      watched[records[i]]?.[deliver](records, i + 3, count, records[i + 1]);
      i += 3 + 2 * count;
    }
  };
}

/**
 * One stream: an async iterator (next, return, throw, [Symbol.asyncIterator]).
 *
 * States: open (handle set) -> ended (handle 0). While open it may be asleep: the C++
 * generator waits for a deadline and the stream sits in `watched` until its wake-up (a
 * stream with a time-out sits there from its first next() on). Chunks already handed over
 * stay in `spans` and are delivered even after a normal end or a C++ error; an abort or a
 * time-out drops them, as it would drop bytes still in flight.
 */
class TrickleStream {
  #bridge;
  #handle; // the C++ stream's address, or 0 once it is freed
  #slot; // the number tick records give this stream (see Bridge.watched)
  #text;
  #suffix;
  #signal;
  #timeoutMs;
  #onAbort = null;
  // Buffered chunks: [begin, end) UTF-16 positions, flat, in #spans[#nextSpan .. #spansEnd).
  // The array is reused, never shrunk: its length is not the buffer's.
  #spans = [];
  #nextSpan = 0;
  #spansEnd = 0;
  // next() calls not yet settled, oldest first, as flat resolve, reject pairs in
  // #waiters[#firstWaiter .. #waitersEnd). Like #spans, the array is reused and never
  // truncated: a stream that streams 10,000 chunks should not allocate anything for its
  // waiting beyond the promise itself.
  #waiters = [];
  #firstWaiter = 0;
  #waitersEnd = 0;
  #enqueue = (resolve, reject) => {
    const waiters = this.#waiters;
    const end = this.#waitersEnd;
    waiters[end] = resolve;
    waiters[end + 1] = reject;
    this.#waitersEnd = end + 2;
  };
  #asleep = false;
  #failure = null; // error to deliver once the buffered chunks are out

  constructor(bridge, handle, slot, text, options) {
    this.#bridge = bridge;
    this.#handle = handle;
    this.#slot = slot;
    bridge.finalizer.register(this, { handle, slot }, this); // before anything below may release it
    this.#text = text;
    this.#suffix = options.suffix;
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
    if (this.#waitersEnd === this.#firstWaiter) {
      if (this.#nextSpan === this.#spansEnd && this.#handle !== 0 && !this.#asleep) this.#pull();
      if (this.#nextSpan < this.#spansEnd) {
        return Promise.resolve({ value: this.#take(), done: false });
      }
      if (this.#handle === 0) return this.#settleEnded();
    }
    return new Promise(this.#enqueue);
  }

  return(value) {
    this.#end();
    return Promise.resolve({ value, done: true });
  }

  throw(error) {
    this.#end();
    return Promise.reject(error);
  }

  // Chunks and a status from a timer tick (see Trickle.#onTimer).
  [deliver](words, offset, count, status) {
    this.#receive(words, offset, count, status);
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
    const result = this.#bridge.native.pullStream(this.#handle, BATCH_SIZE);
    // Read HEAPU32 only now: the call may have grown (replaced) the wasm memory.
    this.#receive(this.#bridge.native.HEAPU32, this.#bridge.pullSpansIndex, result >>> STATUS_BITS, result & STATUS_MASK);
  }

  // Takes `count` spans from words[offset...], then acts on the status that ended them.
  #receive(words, offset, count, status) {
    if (count > 0) {
      const spans = this.#spans;
      if (this.#nextSpan === this.#spansEnd) {
        this.#nextSpan = 0;
        this.#spansEnd = 0;
      }
      let at = this.#spansEnd;
      for (let i = offset, end = offset + 2 * count; i < end; i++) spans[at++] = words[i];
      this.#spansEnd = at;
    }
    switch (status) {
      case STATUS_MORE:
        this.#setAsleep(false);
        break;
      case STATUS_PENDING:
        this.#setAsleep(true);
        break;
      case STATUS_DONE:
        this.#release();
        break;
      case STATUS_FAILED:
        this.#failure = new Error(this.#bridge.native.streamErrorMessage(this.#handle));
        this.#release();
        break;
      case STATUS_TIMED_OUT:
        this.#timeOut();
        break;
    }
  }

  // Asleep: the C++ generator waits for a deadline; a tick will deliver its next chunks.
  // A stream with a time-out stays watched from its first pull on: the tick reports that too.
  #setAsleep(asleep) {
    if (asleep === this.#asleep && this.#timeoutMs === undefined) return;
    this.#asleep = asleep;
    if (asleep || this.#timeoutMs !== undefined) {
      this.#bridge.watched[this.#slot] = this;
    } else {
      this.#bridge.watched[this.#slot] = undefined;
    }
  }

  // Settles queued next() calls in order, pulling more while the C++ side has them.
  #serveWaiters() {
    while (this.#waitersEnd > this.#firstWaiter) {
      if (this.#nextSpan === this.#spansEnd) {
        if (this.#handle !== 0 && !this.#asleep) this.#pull();
        if (this.#nextSpan === this.#spansEnd) {
          if (this.#handle !== 0) return; // asleep: the wake-up will call us again
          this.#settleOldest(RESOLVE, this.#settleEnded());
          continue;
        }
      }
      this.#settleOldest(RESOLVE, { value: this.#take(), done: false });
    }
  }

  // Settles the oldest waiting next() call (`how`: RESOLVE or REJECT).
  #settleOldest(how, value) {
    const waiters = this.#waiters;
    const first = this.#firstWaiter;
    const settle = waiters[first + how];
    waiters[first] = waiters[first + 1] = undefined; // let the promise's functions go
    if (first + 2 === this.#waitersEnd) {
      this.#firstWaiter = 0;
      this.#waitersEnd = 0;
    } else {
      this.#firstWaiter = first + 2;
    }
    settle(value);
  }

  // Settles every waiting next() call alike.
  #settleAll(how, value) {
    while (this.#waitersEnd > this.#firstWaiter) this.#settleOldest(how, value);
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
    if (this.#handle === 0) return;
    this.#bridge.giveBackSlot(this.#slot);
    this.#asleep = false;
    this.#bridge.finalizer.unregister(this);
    this.#bridge.native.closeStream(this.#handle);
    this.#handle = 0;
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
    this.#nextSpan = 0;
    this.#spansEnd = 0;
    if (this.#waitersEnd === this.#firstWaiter) {
      this.#failure = reason;
      return;
    }
    this.#failure = null;
    this.#settleAll(REJECT, reason);
  }

  // return()/throw(): stop now. Frees the C++ frame at once (its pending timer goes with
  // it), drops buffered chunks, and ends every next() still waiting.
  #end() {
    this.#detachSignal();
    this.#release();
    this.#nextSpan = 0;
    this.#spansEnd = 0;
    this.#failure = null;
    this.#settleAll(RESOLVE, { value: undefined, done: true });
  }
}
