// trickle: LLM-style text streams produced by a C++20 coroutine in WebAssembly, consumed
// as JS async iterators.
//
//   import createTrickle from 'trickle';
//   const trickle = await createTrickle();
//   for await (const chunk of trickle.stream('你好 我 是 一个 模拟 的 LLM')) { ... }
//
// This file is the thin idiomatic layer over the raw Embind primitives (bindings.cpp):
// it checks input before it crosses into wasm, starts the streams of one job together in
// one crossing, keeps a small buffer of ready chunks per stream so that most next() calls
// never cross, runs the scheduler's single timer, and frees each stream's C++ state the
// moment its iteration ends.
import createNativeModule from './trickle-wasm.mjs';

const WASM_FILE = 'trickle-wasm.wasm';
const SPLIT_CODES = { whitespace: 0, space: 1, char: 2 };
const MAX_DELAY_MS = 2147483647; // what setTimeout accepts
const MAX_FAIL_AFTER = 2147483647;
const BATCH_SIZE = 1024; // chunks handed over per crossing when many are due at once

// Doubles per start command: see start_field in bindings.cpp.
const START_FIELDS = 9;
// Buffers for a burst (thousands of streams started at once) are given back afterwards
// rather than kept forever.
const KEEP_BUFFER_BYTES = 64 * 1024;
const KEEP_SLOTS = 1024;

// pullStream() result: (count << STATUS_BITS) | status
const STATUS_BITS = 3;
const STATUS_MASK = (1 << STATUS_BITS) - 1;
const STATUS_MORE = 0;
const STATUS_PENDING = 1;
const STATUS_DONE = 2;
const STATUS_FAILED = 3;
const STATUS_TIMED_OUT = 4;
// A stream that reports STATUS_DONE has already been freed on the C++ side.
const FREED_BY_WASM = true;

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
const startSettings = Symbol('startSettings');
const opened = Symbol('opened');

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
// of streams stays cheap). Each option is read by name, never by a computed key, so the
// reads stay fast whatever shapes of options objects a program passes.
class StreamSettings {
  constructor(defaults, options) {
    const given = options ?? defaults;
    this.text = ''; // set by the caller once the options are checked
    this.delayMs = orDefault(given.delayMs, defaults.delayMs);
    this.split = orDefault(given.split, defaults.split);
    this.suffix = orDefault(given.suffix, defaults.suffix);
    this.signal = orDefault(given.signal, defaults.signal);
    this.timeoutMs = orDefault(given.timeoutMs, defaults.timeoutMs);
    this.failAfter = orDefault(given.failAfter, defaults.failAfter);
    this.failMessage = orDefault(given.failMessage, defaults.failMessage);
  }
}

// Only undefined means "not given": null is a value, and checked like any other.
function orDefault(value, fallback) {
  return value === undefined ? fallback : value;
}

const KNOWN_OPTIONS = new Set(Object.keys(STREAM_DEFAULTS));

function readOptions(method, options, defaults) {
  if (options !== undefined) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError(`trickle.${method}: options must be an object, got ${describe(options)}`);
    }
    for (const name in options) {
      if (!KNOWN_OPTIONS.has(name) && Object.hasOwn(options, name)) {
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
  if (read.failAfter !== undefined && read.failMessage === undefined) {
    read.failMessage = `trickle: simulated failure after ${read.failAfter} chunks`;
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
  return checkNativeModule(await createNativeModule(settings));
}

// What this file calls in the wasm module. trickle.mjs, trickle-wasm.mjs and the .wasm
// must come from one build: files mixed from two versions (a browser cache right after a
// site update, a hand-copied dist/) would otherwise fail later, obscurely, mid-stream.
const NATIVE_FUNCTIONS = ['startStreams', 'pullStream', 'streamErrorMessage', 'closeStream', 'pullSpansAddress',
  'recordsAddress', 'releaseBurstMemory', 'runDueTimers', 'chatTemplate', 'heapBytesInUse', 'liveStreamCount',
  'scheduledTimerCount', '_malloc', '_free'];

function checkNativeModule(native) {
  const missing = NATIVE_FUNCTIONS.filter((name) => typeof native[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(`trickle: ${WASM_FILE} and trickle-wasm.mjs do not match this trickle.mjs `
      + `(missing ${missing.join(', ')}): the files come from different versions. Reload the page, `
      + 'or reinstall the package.');
  }
  return native;
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
    this.heapWords = native.HEAPU32; // see words()
    // Slot number -> the stream that wasm may wake (asleep, or with a time-out running), or
    // undefined. Records name streams by slot: an array index, not a lookup. A slot belongs
    // to one stream while its C++ state lives, then is reused.
    this.watched = [];
    this.freeSlots = [];
    // Safety net for a stream dropped half-read without return(): free its C++ state when
    // the iterator is garbage-collected. Only a stream that holds C++ state and is not in
    // `watched` can be collected at all (an asleep one is held until its generator ends),
    // so only such a stream is registered. Normal endings free it at once, without this.
    this.finalizer = new FinalizationRegistry((slot) => this.closeSlot(slot, false));
    // Streams whose first next() came during the current job, started together at its end.
    this.starting = [];
    // Wasm buffers for startStreams(): the command table (doubles) and the UTF-8 texts.
    this.commands = new WasmBuffer(native, 64 * START_FIELDS * 8);
    this.texts = new WasmBuffer(native, 4096);
  }

  takeSlot() {
    return this.freeSlots.length > 0 ? this.freeSlots.pop() : this.watched.push(undefined) - 1;
  }

  // Frees a stream's C++ state. When that was the last of a burst of thousands, the slot
  // tables on both sides and the C++ list of records shrink back too. (Not while records
  // are being read: a record still unread belongs to a stream still open.)
  closeSlot(slot, freedByWasm) {
    this.watched[slot] = undefined;
    if (!freedByWasm) this.native.closeStream(slot);
    if (this.freeSlots.push(slot) === this.watched.length && this.watched.length > KEEP_SLOTS) {
      this.watched = [];
      this.freeSlots = [];
      this.native.releaseBurstMemory();
    }
  }

  // A stream's first next(): it starts at the end of the current job, with every other
  // stream started in the same job, in one crossing and at one reading of the clock.
  queueStart(stream) {
    if (this.starting.push(stream) === 1) queueMicrotask(this.startQueued);
  }

  startQueued = () => {
    const streams = this.starting;
    if (streams.length === 0) return;
    // They start now: every one of their first next() calls came before this moment.
    const now = performance.now();
    this.starting = [];
    // Streams ended (return(), an abort) before their start simply are not started: the
    // first `count` entries of `streams` become the ones that are.
    let count = 0;
    let textBytes = 0;
    let previousText = null;
    for (const stream of streams) {
      const read = stream[startSettings];
      if (read === null) continue;
      streams[count++] = stream;
      // UTF-8 takes at most 3 bytes per UTF-16 unit. Equal texts in a row are written once.
      if (read.text !== previousText) textBytes += read.text.length * 3;
      previousText = read.text;
      if (read.failAfter !== undefined) textBytes += read.failMessage.length * 3;
    }
    if (count === 0) return;
    const native = this.native;
    const commandsAddress = this.commands.reserve(count * START_FIELDS * 8);
    const textAddress = this.texts.reserve(textBytes);
    // Views made after both reservations: either may have grown (replaced) the memory.
    const commands = new Float64Array(native.HEAPU8.buffer, commandsAddress, count * START_FIELDS);
    const bytes = new Uint8Array(native.HEAPU8.buffer, textAddress, textBytes);
    let written = 0;
    let previousAddress = 0;
    let previousLength = 0;
    previousText = null;
    for (let i = 0, at = 0; i < count; i++, at += START_FIELDS) {
      const stream = streams[i];
      const read = stream[startSettings];
      if (read.text !== previousText) {
        previousAddress = textAddress + written;
        previousLength = utf8.encodeInto(read.text, bytes.subarray(written)).written;
        written += previousLength;
        previousText = read.text;
      }
      const slot = this.takeSlot();
      stream[opened](slot);
      // The fields in the order of start_field (bindings.cpp).
      commands[at] = slot;
      commands[at + 1] = previousAddress;
      commands[at + 2] = previousLength;
      commands[at + 3] = Math.round(read.delayMs * 1000);
      commands[at + 4] = SPLIT_CODES[read.split];
      commands[at + 5] = read.timeoutMs === undefined ? -1 : Math.round(read.timeoutMs * 1000);
      commands[at + 6] = read.failAfter === undefined ? -1 : read.failAfter;
      if (read.failAfter !== undefined) {
        const length = utf8.encodeInto(read.failMessage, bytes.subarray(written)).written;
        commands[at + 7] = textAddress + written;
        commands[at + 8] = length;
        written += length;
      }
    }
    native.startStreams(commandsAddress, count, now);
    this.commands.releaseIfLarge();
    this.texts.releaseIfLarge();
    // One record per stream, in the order of the commands.
    let i = native.recordsAddress() >>> 2;
    for (let s = 0; s < count; s++) i = this.deliverRecord(streams[s], i);
  };

  // The wasm memory as 32-bit words. Serving a stream may call into wasm, which may grow
  // (replace) its memory and so empty (detach) the view: checked before each record, which
  // costs less than fetching the view from the module each time. The records themselves
  // stay where they are until the next list.
  words() {
    if (this.heapWords.length === 0) this.heapWords = this.native.HEAPU32;
    return this.heapWords;
  }

  // Hands one record (at word `i` of the records) to `stream`; returns where the next starts.
  deliverRecord(stream, i) {
    const words = this.words();
    const count = words[i + 2];
    stream?.[deliver](words, i + 3, count, words[i + 1]);
    return i + 3 + 2 * count;
  }
}

// A buffer in wasm memory that JS fills for one call, kept for the next unless a burst
// made it large.
class WasmBuffer {
  constructor(native, minimumBytes) {
    this.native = native;
    this.minimumBytes = minimumBytes;
    this.address = 0;
    this.bytes = 0;
  }

  // Returns the address of at least `bytes` bytes (the old content is not kept).
  reserve(bytes) {
    if (bytes > this.bytes) {
      this.release();
      this.bytes = Math.max(bytes, this.minimumBytes);
      this.address = this.native._malloc(this.bytes);
    }
    return this.address;
  }

  releaseIfLarge() {
    if (this.bytes > KEEP_BUFFER_BYTES) this.release();
  }

  release() {
    if (this.address === 0) return;
    this.native._free(this.address);
    this.address = 0;
    this.bytes = 0;
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
    this.#bridge.startQueued(); // streams waiting for the end of this job count as started
    return {
      liveStreams: this.#native.liveStreamCount(),
      scheduledTimers: this.#native.scheduledTimerCount(),
      heapBytesInUse: this.#native.heapBytesInUse(),
      timerArmed: this.#timer !== null,
    };
  }

  #open(text, settings) {
    settings.text = text;
    return new TrickleStream(this.#bridge, settings);
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
  // C++ side returns one record per stream (see Bridge.deliverRecord).
  #onTimer = () => {
    this.#timer = null;
    const bridge = this.#bridge;
    const native = this.#native;
    const words = native.runDueTimers();
    if (words === 0) return;
    const start = native.recordsAddress() >>> 2;
    for (let i = start; i < start + words;) i = bridge.deliverRecord(bridge.watched[bridge.words()[i]], i);
  };
}

/**
 * One stream: an async iterator (next, return, throw, [Symbol.asyncIterator]).
 *
 * States: created -> starting (first next() made; starts at the end of the job) -> open
 * (C++ state in its slot) -> ended. While open it may be asleep: the C++ generator waits
 * for a deadline and the stream sits in `watched` until its wake-up (a stream with a
 * time-out sits there all the time it is open). Chunks already handed over stay in `spans`
 * and are delivered even after a normal end or a C++ error; an abort or a time-out drops
 * them, as it would drop bytes still in flight.
 */
const CREATED = 0;
const STARTING = 1;
const OPEN = 2;
const ENDED = 3;

class TrickleStream {
  #bridge;
  #state = CREATED;
  #settings; // what the start needs (text, delay...), until then
  #slot = -1; // while open: where its C++ state is, and how records name it
  #held = false; // while open: in bridge.watched (else registered with the finalizer)
  #text;
  #suffix;
  #signal;
  #timeoutMs;
  #onAbort = null;
  // Buffered chunks: [begin, end) UTF-16 positions, flat, in #spans[#nextSpan .. #spansEnd).
  // Made on first need (a stream read as fast as it comes never buffers), then reused.
  #spans = null;
  #nextSpan = 0;
  #spansEnd = 0;
  // next() calls not yet settled, oldest first: the oldest in #resolve/#reject (null when
  // none is waiting), later ones as flat resolve, reject pairs in #queued[#queuedHead..]
  // (rare: a caller that does not await each next() before the next). Waiting costs a
  // stream nothing beyond the promise itself.
  #resolve = null;
  #reject = null;
  #queued = null;
  #queuedHead = 0;
  // The executor of every next() promise, shared: `enqueuing` says whose it is.
  static #enqueuing = null;
  static #enqueue = (resolve, reject) => {
    const stream = TrickleStream.#enqueuing;
    if (stream.#resolve === null) {
      stream.#resolve = resolve;
      stream.#reject = reject;
    } else {
      (stream.#queued ??= []).push(resolve, reject);
    }
  };
  #asleep = false;
  #failure = null; // error to deliver once the buffered chunks are out

  constructor(bridge, settings) {
    this.#bridge = bridge;
    this.#settings = settings;
    this.#text = settings.text;
    this.#suffix = settings.suffix;
    this.#timeoutMs = settings.timeoutMs;
    const signal = settings.signal;
    if (signal === undefined) return;
    if (signal.aborted) {
      this.#abort(abortReason(signal));
      return;
    }
    this.#signal = signal;
    this.#onAbort = () => this.#abort(abortReason(signal));
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  // What the bridge needs to start this stream, or null once it no longer should.
  get [startSettings]() {
    return this.#state === STARTING ? this.#settings : null;
  }

  // Called by the bridge as it starts this stream in `slot`.
  [opened](slot) {
    this.#state = OPEN;
    this.#settings = null;
    this.#slot = slot;
    this.#held = true;
    this.#bridge.watched[slot] = this;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    if (this.#resolve === null) {
      if (this.#nextSpan === this.#spansEnd) {
        if (this.#state === OPEN) {
          if (!this.#asleep) this.#pull();
        } else if (this.#state === CREATED) {
          this.#state = STARTING;
          this.#bridge.queueStart(this);
        }
      }
      if (this.#nextSpan < this.#spansEnd) {
        return Promise.resolve({ value: this.#take(), done: false });
      }
      if (this.#state === ENDED) return this.#settleEnded();
    }
    TrickleStream.#enqueuing = this;
    const waiting = new Promise(TrickleStream.#enqueue);
    TrickleStream.#enqueuing = null; // the executor has run: hold no stream past this call
    return waiting;
  }

  return(value) {
    this.#end();
    return Promise.resolve({ value, done: true });
  }

  throw(error) {
    this.#end();
    return Promise.reject(error);
  }

  // Chunks and a status from a record (see Bridge.deliverRecord).
  [deliver](words, offset, count, status) {
    // The usual case first: a next() is waiting and nothing is buffered, so the first
    // chunk goes straight to it.
    if (count > 0 && this.#resolve !== null && this.#nextSpan === this.#spansEnd) {
      this.#settleOldest(RESOLVE, { value: this.#piece(words[offset], words[offset + 1]), done: false });
      offset += 2;
      count--;
    }
    this.#receive(words, offset, count, status);
    this.#serveWaiters();
  }

  #take() {
    const spans = this.#spans;
    const i = this.#nextSpan;
    this.#nextSpan = i + 2;
    return this.#piece(spans[i], spans[i + 1]);
  }

  #piece(begin, end) {
    const piece = this.#text.slice(begin, end);
    return this.#suffix === '' ? piece : piece + this.#suffix;
  }

  #pull() {
    const result = this.#bridge.native.pullStream(this.#slot, BATCH_SIZE);
    // Read the memory only now: the call may have grown (replaced) it.
    this.#receive(this.#bridge.words(), this.#bridge.pullSpansIndex, result >>> STATUS_BITS, result & STATUS_MASK);
  }

  // Takes `count` spans from words[offset...], then acts on the status that ended them.
  #receive(words, offset, count, status) {
    if (count > 0) {
      const spans = this.#spans ??= [];
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
        this.#release(FREED_BY_WASM);
        break;
      case STATUS_FAILED:
        this.#failure = new Error(this.#bridge.native.streamErrorMessage(this.#slot));
        this.#release();
        break;
      case STATUS_TIMED_OUT:
        this.#timeOut();
        break;
    }
  }

  // Asleep: the C++ generator waits for a deadline; a tick will deliver its next chunks.
  // A stream that wasm may wake (asleep, or with a time-out running) is held in
  // bridge.watched; one that is not can be dropped, so the finalizer watches it instead.
  #setAsleep(asleep) {
    this.#asleep = asleep;
    const held = asleep || this.#timeoutMs !== undefined;
    if (held === this.#held) return;
    this.#held = held;
    const bridge = this.#bridge;
    bridge.watched[this.#slot] = held ? this : undefined;
    if (held) bridge.finalizer.unregister(this); else bridge.finalizer.register(this, this.#slot, this);
  }

  // Settles queued next() calls in order, pulling more while the C++ side has them.
  #serveWaiters() {
    while (this.#resolve !== null) {
      if (this.#nextSpan === this.#spansEnd) {
        if (this.#state === OPEN && !this.#asleep) this.#pull();
        if (this.#nextSpan === this.#spansEnd) {
          if (this.#state !== ENDED) return; // starting or asleep: a record will come
          this.#settleOldest(RESOLVE, this.#settleEnded());
          continue;
        }
      }
      this.#settleOldest(RESOLVE, { value: this.#take(), done: false });
    }
  }

  // Settles the oldest waiting next() call (`how`: RESOLVE or REJECT).
  #settleOldest(how, value) {
    const settle = how === RESOLVE ? this.#resolve : this.#reject;
    const queued = this.#queued;
    if (queued === null) {
      this.#resolve = this.#reject = null;
    } else {
      const head = this.#queuedHead;
      this.#resolve = queued[head];
      this.#reject = queued[head + 1];
      if (head + 2 === queued.length) {
        this.#queued = null;
        this.#queuedHead = 0;
      } else {
        queued[head] = queued[head + 1] = undefined; // let the promise's functions go
        this.#queuedHead = head + 2;
      }
    }
    settle(value);
  }

  // Settles every waiting next() call alike.
  #settleAll(how, value) {
    while (this.#resolve !== null) this.#settleOldest(how, value);
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

  // The iteration is over for the C++ side (its generator finished, or the consumer or a
  // signal ended it): free its state now; buffered chunks remain deliverable. A stream not
  // started yet never will be.
  #release(freedByWasm = false) {
    const state = this.#state;
    this.#state = ENDED;
    this.#settings = null;
    if (state !== OPEN) return;
    if (!this.#held) this.#bridge.finalizer.unregister(this);
    this.#bridge.closeSlot(this.#slot, freedByWasm);
    this.#slot = -1;
    this.#asleep = false;
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
    if (this.#resolve === null) {
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
