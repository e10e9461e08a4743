// The bridge: everything that crosses between JS and wasm for the streams of one instance.
// It owns the slots, the start queue, the scheduler's one timer and the reading of records;
// a stream asks it for things through its methods (queueStart, hold, pull, close)
// and is told what happened through three calls (STREAM_OPENED, STREAM_START_FAILED,
// STREAM_DELIVER).
//
// The protocol (src/wasm/protocol.hpp, read at load by native.mjs):
//   - A stream's first next() queues it; at the end of the job one startStreams() call
//     starts every queued stream, from one table of commands, at one reading of the clock.
//     A stream cut into tokens brings its pieces (ends and token counts), written beside.
//     Answers (the full module's startAnswer, one call each) are queued the same way and
//     start at the end of the job at one reading of the clock too.
//   - startStreams() and runDueTimers() answer with one list of records, one per stream:
//     slot, status, count, then count UTF-16 [begin, end) spans of the stream's text.
//   - A stream whose buffer runs dry while it is awake (more was due than one record holds)
//     pulls: pullStream() writes spans at a fixed address.
//   - The scheduler asks for one wake-up at a time (trickleRequestWake); the bridge keeps
//     one timer on the instance's clock for it.
import { textAt } from './native.mjs';
import { withPreset } from './timing.mjs';

/** Called as the bridge starts a stream: (slot). */
export const STREAM_OPENED = Symbol('opened');
/**
 * Called with a stream's chunks and status: (words, offset, count, status, frameBytes). For
 * a text stream the count (begin, end) pairs at words[offset] are UTF-16 positions in its
 * text; for an answer stream, byte offsets into the wasm memory's frameBytes address.
 */
export const STREAM_DELIVER = Symbol('deliver');
/** Called when a stream could not be started: (reason). */
export const STREAM_START_FAILED = Symbol('startFailed');
/** A getter on a queued stream: its settings, or null once it should no longer start. */
export const STREAM_START_SETTINGS = Symbol('startSettings');

// What a burst of streams needed is given back once they have all ended, rather than kept
// forever: the heap comes back to within a few KB of where it started. A page that runs a
// few streams at a time keeps its small tables (no churn); past KEEP_SLOTS, a new burst
// allocates afresh, which costs little beside starting that many streams.
const KEEP_BUFFER_BYTES = 64 * 1024;
// pieces(): how many (begin, end) pairs come back per call into wasm.
const PIECE_BATCH = 2048;
// pieces(): how many batches one concat() joins (spread as its arguments).
const JOIN_BATCHES = 1024;
const KEEP_SLOTS = 32;
// Streams' chunk buffers (StreamCore's spans): one of this many entries holds a full pull
// or record (protocol.maxBatch pairs). Up to SPARE_SPAN_BUFFERS of them are kept for the
// next streams: a stream read at zero delay needs one, and a fresh 8 KB typed array for
// each such stream (memory outside the JS heap) made garbage collection a fifth of the
// time of thousand-word streams. Smaller needs get small arrays (the smallest of which V8
// keeps on its heap), doubling as they must.
const SMALL_SPAN_BUFFER = 16;
const SPARE_SPAN_BUFFERS = 16;
// Bridge.slotSpans: words (two a chunk) for each slot, and room for this many slots at first.
export const SLOT_SPAN_WORDS = 16;
const SLOT_SPANS = 64;
// The finalizer's held values (see #finalizer): slot + opening * SLOT_SPACE, exact in a
// double. A slot is an index into arrays of streams open at once (a few hundred thousand at
// most in practice; wasm memory runs out long before 2^26 streams), and the opening counts
// the slots' openings, starting again at 1 after MAX_OPENINGS.
const SLOT_SPACE = 2 ** 26;
const MAX_OPENINGS = 2 ** 26;

const utf8 = new TextEncoder();

export class Bridge {
  #native;
  #clock;
  #protocol;
  #splitCodes;
  // Slot number -> the core of the stream whose C++ state lives there, or undefined. Records
  // name streams by slot: an array index, not a lookup. A slot belongs to one stream while
  // its C++ state lives, then is reused.
  #held = [];
  #freeSlots = [];
  #heapWords; // see #words()
  #pullSpansIndex;
  // Safety net for a stream dropped half-read without return(): free its C++ state when
  // the iterator the caller held is garbage-collected (its core, which the slot holds, does
  // not point back at it). Normal endings free it at once. A registration names its stream
  // by the slot and which opening of the slot it was (held = opening * SLOT_SPACE + slot),
  // not by an unregister token: registering with a token cost 3x as much (V8 keeps a table
  // of tokens), and unregistering as much again. Closing a slot clears its opening, so that
  // a registration that outlived its stream names nothing.
  #finalizer = new FinalizationRegistry((held) => {
    const slot = held % SLOT_SPACE;
    if (this.#openingOf[slot] === (held - slot) / SLOT_SPACE) this.#held[slot]?.dropped();
  });
  #openingOf = []; // by slot: the opening of the stream in it (0: none watched)
  #openings = 0;
  #starting = []; // streams whose first next() came during the current job
  #startingAnswers = []; // { core, spec } of answers first read during the current job
  #formatInfos = new Map(); // format name -> formatInfo(), asked once
  #commands;
  #texts;
  #timings;
  #pieces; // the given pieces' lists (u32 ends, then u32 token counts), per stream
  #spans; // pieces(): a batch of (begin, end) pairs
  #cancelWake = null; // the armed timer's cancel function
  #spareSpanBuffers = []; // see spanBuffer()
  #slotSpans = new Uint32Array(SLOT_SPANS * SLOT_SPAN_WORDS); // see slotSpans
  #presets = null; // see presets
  #spanBufferLength;
  // True while records are read: user code run from a delivery (a signal's
  // removeEventListener, say) must not start streams (which would overwrite the records) or
  // give the records' memory back. What it asks for waits until the reading is over.
  #reading = false;
  #startAfterReading = false;
  #releaseAfterReading = false;

  constructor(native, protocol, clock) {
    this.#native = native;
    this.#protocol = protocol;
    this.#clock = clock;
    this.#splitCodes = {
      whitespace: protocol.splitWhitespace, space: protocol.splitSpace, char: protocol.splitChar, grapheme: protocol.splitGrapheme,
      tokens: protocol.splitGiven, given: protocol.splitGiven,
    };
    this.#heapWords = native.HEAPU32;
    this.#spanBufferLength = 2 * protocol.maxBatch;
    this.#pullSpansIndex = native.pullSpansAddress() >>> 2;
    this.#commands = new WasmBuffer(native, 64 * protocol.startFieldCount * 8);
    this.#texts = new WasmBuffer(native, 4096);
    this.#timings = new WasmBuffer(native, 8 * protocol.timingFieldCount * 8);
    this.#pieces = new WasmBuffer(native, 4096);
    this.#spans = new WasmBuffer(native, PIECE_BATCH * 8);
    native.trickleNow = () => clock.now();
    native.trickleRequestWake = (deadlineMs) => this.#arm(deadlineMs);
    native.trickleCancelWake = () => this.#disarm();
  }

  get protocol() {
    return this.#protocol;
  }

  /**
   * The presets' timing blocks, by name, read from the module the first time (C++ holds the
   * one table, and the protocol says where it is); null in the core module, which has none.
   */
  get presets() {
    const p = this.#protocol;
    if (p.presetBlocks === undefined) return null;
    this.#presets ??= Object.freeze(Object.fromEntries(p.presetNames.map((name, i) => [name,
      Object.freeze(Array.from(new Float64Array(this.#native.HEAPU8.buffer, p.presetBlocks + i * p.timingFieldCount * 8, p.timingFieldCount)))])));
    return this.#presets;
  }

  /**
   * The timing block of a stream's `settings` (null: the fixed delay), with its preset's
   * figures filled in the first time (the full module's: the core module runs no timing).
   */
  timingOf(settings) {
    if (settings.timingPreset !== null) {
      settings.timing = withPreset(settings.timing, this.presets[settings.timingPreset]);
      settings.timingPreset = null;
      if (settings.split === 'tokens') settings.tokensPerChunk = settings.timing[this.#protocol.timingTokensPerChunk];
    }
    return settings.timing;
  }

  get timerArmed() {
    return this.#cancelWake !== null;
  }

  /** A stream's first next(): it starts at the end of the current job, with every other one. */
  queueStart(stream) {
    if (this.#starting.push(stream) === 1) queueMicrotask(this.startQueued);
  }

  /**
   * An opened stream takes its slot: `core` is what records are delivered to; `front` is the
   * object the caller holds, watched by the finalizer so that a stream dropped half-read is
   * freed when it is collected (close() makes the registration name nothing: #finalizer).
   */
  hold(slot, core, front) {
    this.#held[slot] = core;
    if ((slot + 1) * SLOT_SPAN_WORDS > this.#slotSpans.length) {
      // A larger table for the new slots; streams that keep spans in the old one still read
      // them there (each only its own entry, which nothing else writes).
      this.#slotSpans = new Uint32Array(Math.max((slot + 1) * SLOT_SPAN_WORDS, 2 * this.#slotSpans.length));
    }
    // A core with no front (an answer's body: its reader holds the stream) is not watched.
    if (front === null) return;
    this.#openings = this.#openings === MAX_OPENINGS ? 1 : this.#openings + 1;
    this.#openingOf[slot] = this.#openings;
    this.#finalizer.register(front, this.#openings * SLOT_SPACE + slot);
  }

  /**
   * Frees a stream's C++ state (unless wasm did already: `freedByWasm`) and its slot. When
   * that was the last of a burst of thousands, the slot tables on both sides and the C++
   * list of records shrink back too.
   */
  close(slot, freedByWasm) {
    this.#held[slot] = undefined;
    this.#openingOf[slot] = 0;
    if (!freedByWasm) this.#native.closeStream(slot);
    if (this.#freeSlots.push(slot) === this.#held.length && this.#held.length > KEEP_SLOTS) {
      if (this.#reading) {
        this.#releaseAfterReading = true;
      } else {
        this.#releaseBurst();
      }
    }
  }

  /**
   * A Uint32Array of at least `length` entries for a stream's buffered chunks, to be given
   * back with returnSpanBuffer() once the stream no longer reads it (it may then go to
   * another stream).
   */
  spanBuffer(length) {
    const full = this.#spanBufferLength;
    if (length > full) return new Uint32Array(length);
    if (2 * length > full) return this.#spareSpanBuffers.pop() ?? new Uint32Array(full);
    // A stream on a schedule buffers a chunk or two at a time (when its reader is late):
    // thousands of them must not each hold a full-size buffer.
    let size = SMALL_SPAN_BUFFER;
    while (size < length) size *= 2;
    return new Uint32Array(size);
  }

  /**
   * A few chunks' spans for each open stream, at [slot, slot + 1) * SLOT_SPAN_WORDS: where a
   * stream keeps the chunks it was given beyond what its waiting next() took (a reader on a
   * schedule, woken late, gets two or more at once: up to eight fit), so that ten thousand
   * such streams need no buffer each. The entry is the slot's while its stream holds the
   * slot; the stream gives it up (copying unread spans to a buffer of its own) before it
   * closes the slot.
   */
  get slotSpans() {
    return this.#slotSpans;
  }

  returnSpanBuffer(buffer) {
    if (buffer.length === this.#spanBufferLength && this.#spareSpanBuffers.length < SPARE_SPAN_BUFFERS) {
      this.#spareSpanBuffers.push(buffer);
    }
  }

  /** Asks wasm for the chunks of `slot` already due, and hands them to `stream`. */
  pull(slot, stream) {
    const result = this.#native.pullStream(slot, this.#protocol.maxBatch);
    const bits = this.#protocol.statusBits;
    // Read the memory only now: the call may have grown (replaced) it.
    stream[STREAM_DELIVER](this.#words(), this.#pullSpansIndex, result >>> bits, result & ((1 << bits) - 1),
      this.#native.pullFrameBytesAddress());
  }

  /**
   * Starts an answer stream (the full module): `core` takes a slot (STREAM_OPENED) and its
   * first record; `spec` is what src/wasm/bindings.cpp's start_answer reads. As text streams
   * do, every answer first read in one job starts at the end of it, at one reading of the
   * clock: a thousand bodies read together keep one schedule (one timer group, one tick),
   * and none begins later than another by the time it took to start those before it. A
   * core whose STREAM_START_SETTINGS reads null by then (it ended while queued) is not
   * started. When the module refuses (memory, an answer the formats refuse),
   * core[STREAM_START_FAILED] hears why.
   */
  startAnswer(core, spec) {
    if (this.#startingAnswers.push({ core, spec }) === 1) queueMicrotask(this.#startQueuedAnswers);
  }

  /**
   * The pieces of `text` (well-formed) cut by `split` as a stream of it would cut them, at
   * once: its UTF-8 goes into wasm memory, the C++ cutter hands back (begin, end) UTF-16
   * positions a batch at a time, and each piece is a slice of `text`, as a chunk is.
   */
  pieces(text, split) {
    // Each batch's pieces in an array of their own, joined at the end by concat(), which
    // sizes the result once: pushing a million pieces onto one array grows it again and
    // again, each time into new memory, which took most of pieces()' time where the first
    // touch of memory is dear (the README's benchmarks: graphemes at 9.4-9.6 M/s in batches,
    // 6.9-7.0 M/s pushed one by one, on such a machine).
    const batches = [];
    this.#cut('trickle.pieces', text, split, (spans, count) => {
      const batch = [];
      for (let i = 0, end = 2 * count; i < end; i += 2) batch.push(text.slice(spans[i], spans[i + 1]));
      batches.push(batch);
    });
    if (batches.length <= 1) return batches[0] ?? [];
    // Joined in groups, so that no call spreads so many arguments that the stack overflows.
    const groups = [];
    for (let at = 0; at < batches.length; at += JOIN_BATCHES) groups.push([].concat(...batches.slice(at, at + JOIN_BATCHES)));
    return groups.length === 1 ? groups[0] : [].concat(...groups);
  }

  /** How many pieces `text` (well-formed) has when cut by `split`: counted, none sliced. */
  countPieces(text, split) {
    let pieces = 0;
    this.#cut('stream.plan', text, split, (spans, count) => {
      pieces += count;
    });
    return pieces;
  }

  // Cuts `text` by `split` in wasm, handing `take` each batch: (spans, count), the batch's
  // (begin, end) UTF-16 pairs, valid until `take` returns.
  #cut(where, text, split, take) {
    if (text.length === 0) return;
    const native = this.#native;
    const textAddress = this.#texts.reserve(text.length * 3);
    const spansAddress = textAddress === 0 ? 0 : this.#spans.reserve(PIECE_BATCH * 8);
    if (spansAddress === 0) {
      this.#texts.releaseIfLarge();
      throw new RangeError(`${where}: not enough WebAssembly memory for a text of ${text.length} UTF-16 units`);
    }
    // Views made after both reservations: either may have grown (replaced) the memory.
    const length = utf8.encodeInto(text, new Uint8Array(native.HEAPU8.buffer, textAddress, text.length * 3)).written;
    const spans = new Uint32Array(native.HEAPU8.buffer, spansAddress, PIECE_BATCH * 2);
    if (!native.piecesBegin(textAddress, length, this.#splitCodes[split])) {
      this.#texts.releaseIfLarge();
      throw new Error(`trickle: this module does not cut by split '${split}'`); // the caller chose the wrong module
    }
    for (;;) {
      const count = native.piecesNext(spansAddress, PIECE_BATCH); // allocates nothing: the view stays valid
      take(spans, count);
      if (count < PIECE_BATCH) break;
    }
    this.#texts.releaseIfLarge();
  }

  #startQueuedAnswers = () => {
    // A start writes a new list of records: never while one is read (a microtask cannot
    // come then, but the bridge's contract does not rest on that).
    if (this.#reading) {
      queueMicrotask(this.#startQueuedAnswers);
      return;
    }
    const queued = this.#startingAnswers;
    this.#startingAnswers = [];
    const now = this.#clock.now();
    for (const { core, spec } of queued) {
      if (core[STREAM_START_SETTINGS] === null) continue;
      const slot = this.#takeSlot();
      let address;
      try {
        address = this.#native.startAnswer(slot, spec, now);
      } catch (error) {
        // (A spec the bindings cannot read: the other answers still start.)
        this.#freeSlots.push(slot);
        core[STREAM_START_FAILED](error);
        continue;
      }
      if (address === 0) {
        this.#freeSlots.push(slot);
        core[STREAM_START_FAILED](this.#startError());
        continue;
      }
      core[STREAM_OPENED](slot);
      this.#readRecords(address);
    }
  };

  /** The protocol's code for a split mode's name. */
  splitCode(split) {
    return this.#splitCodes[split];
  }

  /** The timing block of the lesson's schedule: a piece every `delayMs`. */
  fixedTiming(delayMs) {
    const p = this.#protocol;
    const block = new Array(p.timingFieldCount).fill(0);
    block[p.timingDelayUs] = Math.round(delayMs * 1000);
    block[p.timingTtftUs] = -1;
    block[p.timingBurst] = 1;
    block[p.timingTokensPerChunk] = 1;
    return block;
  }

  /** A copy of `length` bytes of wasm memory at `address` (frame bytes, read at once). */
  copyBytes(address, length) {
    return this.#native.HEAPU8.slice(address, address + length);
  }

  /**
   * The full module's description of a wire format: content types and headers, or null for
   * a name no format has. Asked once per format name (a call builds it afresh across the
   * boundary, a good part of what a fetch costs), then kept frozen, headers and all: every
   * caller gets the same object and only reads it.
   */
  formatInfo(format) {
    const known = this.#formatInfos.get(format);
    if (known !== undefined) return known;
    const info = this.#native.formatInfo(format);
    // Only the names of formats are kept, not any string a caller passed.
    if (info === null) return null;
    for (const pair of info.headers) Object.freeze(pair);
    Object.freeze(info.headers);
    this.#formatInfos.set(format, Object.freeze(info));
    return info;
  }

  /** The body of an HTTP error in `format`'s own shape (400..599). */
  errorBody(format, status, message) {
    return this.#native.errorBody(format, status, message);
  }

  /**
   * The arrival times a stream with `settings` and a timing model would have, in milliseconds
   * from its first next(), one per chunk: its whole schedule, computed without running it
   * (the full module only; TrickleStream.plan() works out a fixed delay's itself).
   */
  plan(settings) {
    const native = this.#native;
    let timingAddress = 0;
    const block = this.timingOf(settings);
    if (block !== null) {
      timingAddress = this.#timings.reserve(this.#protocol.timingFieldCount * 8);
      if (timingAddress === 0) throw new RangeError('trickle: not enough WebAssembly memory to plan this stream');
      new Float64Array(native.HEAPU8.buffer, timingAddress, this.#protocol.timingFieldCount).set(block);
    }
    const pieces = settings.pieces; // given: without offsets of their own (those are their plan)
    let at = null;
    if (pieces !== null && pieces.ends.length > 0) {
      const address = this.#pieces.reserve(piecesBytes(pieces));
      if (address === 0) throw new RangeError('trickle: not enough WebAssembly memory to plan this stream');
      at = this.#writePieces(pieces, address);
    }
    const count = pieces === null ? 0 : pieces.ends.length;
    const offsets = native.planStream(settings.text, this.#splitCodes[settings.split], settings.suffix, timingAddress,
      settings.seed, Math.round(settings.delayMs * 1000), count, at === null ? 0 : at.ends, at === null ? 0 : at.tokens);
    if (offsets === null) throw new RangeError('trickle: this stream cannot be planned (its text does not fit in WebAssembly memory)');
    return Array.from(offsets);
  }

  // A stream's pieces at `address` (piecesBytes of them, 8-byte aligned): their offsets in
  // microseconds (f64, first, so that they stay aligned), if any, then their ends and their
  // token counts, if any (u32 each). Returns where each list is (0: not given), as the
  // start command's start_piece_offsets, start_piece_ends and start_piece_tokens say.
  #writePieces(pieces, address) {
    const heap = this.#native.HEAPU8.buffer;
    const count = pieces.ends.length;
    let offsets = 0;
    if (pieces.offsetsUs) {
      offsets = address;
      new Float64Array(heap, address, count).set(pieces.offsetsUs);
      address += 8 * count;
    }
    new Uint32Array(heap, address, count).set(pieces.ends);
    let tokens = 0;
    if (pieces.tokens !== null) {
      tokens = address + 4 * count;
      new Uint32Array(heap, tokens, count).set(pieces.tokens);
    }
    return { offsets, ends: address, tokens };
  }

  /** Why the stream in `slot` failed (read before closing it). */
  errorMessage(slot) {
    return textAt(this.#native, this.#native.streamErrorMessage(slot));
  }

  stats() {
    this.startQueued(); // streams waiting for the end of this job count as started
    this.#startQueuedAnswers();
    const native = this.#native;
    return {
      liveStreams: native.liveStreamCount(),
      scheduledTimers: native.scheduledTimerCount(),
      heapBytesInUse: native.heapBytesInUse(),
      timerArmed: this.timerArmed,
    };
  }

  /** Starts every queued stream now, in one crossing (see the file's header). */
  startQueued = () => {
    if (this.#reading) {
      this.#startAfterReading = true;
      return;
    }
    const streams = this.#starting;
    if (streams.length === 0) return;
    // They start now: every one of their first next() calls came before this moment.
    const now = this.#clock.now();
    this.#starting = [];
    // Streams ended (return(), an abort) before their start simply are not started: the
    // first `count` entries of `streams` become the ones that are.
    let count = 0;
    let textBytes = 0;
    let pieceBytes = 0;
    let previousText = null;
    let previousPieces = null;
    for (const stream of streams) {
      const settings = stream[STREAM_START_SETTINGS];
      if (settings === null) continue;
      streams[count++] = stream;
      // UTF-8 takes at most 3 bytes per UTF-16 unit. Equal texts in a row are written once.
      if (settings.text !== previousText) textBytes += settings.text.length * 3;
      previousText = settings.text;
      if (settings.failAfter !== undefined) textBytes += settings.failMessage.length * 3;
      // Pieces likewise (streams of one text share the tokenizer's: Engines.piecesOf).
      if (settings.pieces !== null && settings.pieces !== previousPieces) pieceBytes += piecesBytes(settings.pieces);
      previousPieces = settings.pieces;
    }
    if (count === 0) return;
    if (count < streams.length) streams.length = count;
    const p = this.#protocol;
    const fields = p.startFieldCount;
    // The timing blocks of these streams, each once (streams made with one options object
    // share theirs).
    const blocks = [];
    const blockIndex = new Map();
    for (const stream of streams) {
      const block = this.timingOf(stream[STREAM_START_SETTINGS]);
      if (block !== null && !blockIndex.has(block)) blockIndex.set(block, blocks.push(block) - 1);
    }
    const commandsAddress = this.#commands.reserve(count * fields * 8);
    const textAddress = commandsAddress === 0 ? 0 : this.#texts.reserve(textBytes);
    const timingsAddress = blocks.length === 0 || textAddress === 0 ? 0 : this.#timings.reserve(blocks.length * p.timingFieldCount * 8);
    const piecesAddress = pieceBytes === 0 || textAddress === 0 ? 0 : this.#pieces.reserve(pieceBytes);
    if (commandsAddress === 0 || (textAddress === 0 && textBytes > 0) || (timingsAddress === 0 && blocks.length > 0)
        || (piecesAddress === 0 && pieceBytes > 0)) {
      this.#failToStart(streams, new RangeError(`trickle: not enough WebAssembly memory to start ${count} `
        + `stream${count === 1 ? '' : 's'} holding up to ${textBytes + pieceBytes} bytes of text and pieces (streams first read in one job start together)`));
      return;
    }
    const native = this.#native;
    // Views made after both reservations: either may have grown (replaced) the memory.
    const commands = new Float64Array(native.HEAPU8.buffer, commandsAddress, count * fields);
    const bytes = new Uint8Array(native.HEAPU8.buffer, textAddress, textBytes);
    if (blocks.length > 0) {
      const timings = new Float64Array(native.HEAPU8.buffer, timingsAddress, blocks.length * p.timingFieldCount);
      blocks.forEach((block, i) => timings.set(block, i * p.timingFieldCount));
    }
    let written = 0;
    let previousAddress = 0;
    let previousLength = 0;
    previousText = null;
    let piecesWritten = 0;
    let piecesAt = null;
    previousPieces = null;
    const slots = new Array(count);
    for (let i = 0, at = 0; i < count; i++, at += fields) {
      const settings = streams[i][STREAM_START_SETTINGS];
      if (settings.text !== previousText) {
        previousAddress = textAddress + written;
        previousLength = utf8.encodeInto(settings.text, bytes.subarray(written)).written;
        written += previousLength;
        previousText = settings.text;
      }
      const slot = this.#takeSlot();
      slots[i] = slot;
      commands[at + p.startSlot] = slot;
      commands[at + p.startTextAddress] = previousAddress;
      commands[at + p.startTextLength] = previousLength;
      commands[at + p.startDelayUs] = Math.round(settings.delayMs * 1000);
      commands[at + p.startSplit] = this.#splitCodes[settings.split];
      commands[at + p.startTimeoutUs] = settings.timeoutMs === undefined ? -1 : Math.round(settings.timeoutMs * 1000);
      commands[at + p.startFailAfter] = settings.failAfter === undefined ? -1 : settings.failAfter;
      commands[at + p.startTiming] = settings.timing === null ? -1 : blockIndex.get(settings.timing);
      commands[at + p.startSeed] = settings.seed;
      const pieces = settings.pieces;
      if (pieces !== null && pieces !== previousPieces && pieces.ends.length > 0) {
        piecesAt = this.#writePieces(pieces, piecesAddress + piecesWritten);
        piecesWritten += piecesBytes(pieces);
      }
      previousPieces = pieces;
      const pieceCount = pieces === null ? 0 : pieces.ends.length;
      commands[at + p.startPieceCount] = pieceCount;
      commands[at + p.startPieceEnds] = pieceCount === 0 ? 0 : piecesAt.ends;
      commands[at + p.startPieceTokens] = pieceCount === 0 ? 0 : piecesAt.tokens;
      commands[at + p.startPieceOffsets] = pieceCount === 0 ? 0 : piecesAt.offsets;
      if (settings.failAfter !== undefined) {
        const length = utf8.encodeInto(settings.failMessage, bytes.subarray(written)).written;
        commands[at + p.startMessageAddress] = textAddress + written;
        commands[at + p.startMessageLength] = length;
        written += length;
      }
    }
    const recordsAddress = native.startStreams(commandsAddress, count, now, timingsAddress);
    // Which streams started: wasm set the slot of each command it could not carry out to -1.
    const outcome = new Float64Array(native.HEAPU8.buffer, commandsAddress, count * fields);
    const failed = [];
    for (let i = 0, at = 0; i < count; i++, at += fields) {
      if (recordsAddress === 0 || outcome[at + p.startSlot] === -1) {
        failed.push(i);
        this.#freeSlots.push(slots[i]);
      } else {
        streams[i][STREAM_OPENED](slots[i]);
      }
    }
    this.#commands.releaseIfLarge();
    this.#texts.releaseIfLarge();
    this.#timings.releaseIfLarge();
    this.#pieces.releaseIfLarge();
    if (failed.length > 0) {
      const reason = this.#startError();
      this.#failToStart(failed.map((i) => streams[i]), reason);
    }
    // One record per stream started; each holds itself in its slot until its record is read.
    if (recordsAddress !== 0) this.#readRecords(recordsAddress);
  };

  // The error of streams wasm could not start: memory ran out (say so as a RangeError, as
  // an over-long array would), or some other C++ failure.
  #startError() {
    const message = textAt(this.#native, this.#native.lastError());
    return /memory/.test(message) ? new RangeError(message) : new Error(message);
  }

  #failToStart(streams, reason) {
    for (const stream of streams) stream[STREAM_START_FAILED](reason);
  }

  #takeSlot() {
    return this.#freeSlots.length > 0 ? this.#freeSlots.pop() : this.#held.push(undefined) - 1;
  }

  #releaseBurst() {
    this.#held = [];
    this.#slotSpans = new Uint32Array(SLOT_SPANS * SLOT_SPAN_WORDS);
    this.#openingOf = [];
    this.#freeSlots = [];
    this.#native.releaseBurstMemory();
  }

  // The wasm memory as 32-bit words. Serving a stream may call into wasm, which may grow
  // (replace) its memory and so empty (detach) the view: checked before each record, which
  // costs less than fetching the view from the module each time. The records themselves
  // stay where they are until the next call that runs streams.
  #words() {
    if (this.#heapWords.length === 0) this.#heapWords = this.#native.HEAPU32;
    return this.#heapWords;
  }

  // Hands each record of the list at `address` to the stream held in its slot. (A stream
  // ended by code that a delivery ran is no longer held: its record is skipped.)
  #readRecords(address) {
    const p = this.#protocol;
    this.#reading = true;
    try {
      let i = address >>> 2;
      const frameBytes = this.#words()[i + p.recordsFrameBytes];
      const end = i + p.recordsHeaderWords + this.#words()[i + p.recordsWords];
      for (i += p.recordsHeaderWords; i < end;) {
        const words = this.#words();
        const count = words[i + p.recordCount];
        const stream = this.#held[words[i + p.recordSlot]];
        const first = i + p.recordHeaderWords;
        stream?.[STREAM_DELIVER](words, first, count, words[i + p.recordStatus], frameBytes);
        i = first + 2 * count;
      }
    } finally {
      this.#reading = false;
    }
    if (this.#releaseAfterReading) {
      this.#releaseAfterReading = false;
      if (this.#freeSlots.length === this.#held.length && this.#held.length > KEEP_SLOTS) this.#releaseBurst();
    }
    if (this.#startAfterReading) {
      this.#startAfterReading = false;
      this.startQueued();
    }
  }

  // The scheduler's one wake-up, on the instance's clock. A deadline already reached (ready
  // work, or a deadline that passed during a long tick) is served on the next macrotask.
  #arm(deadlineMs) {
    this.#disarm();
    this.#cancelWake = this.#clock.setTimer(this.#onTimer, deadlineMs - this.#clock.now());
  }

  #disarm() {
    if (this.#cancelWake === null) return;
    this.#cancelWake();
    this.#cancelWake = null;
  }

  // One crossing per timer tick, whatever the number of streams that became ready.
  #onTimer = () => {
    this.#cancelWake = null;
    const address = this.#native.runDueTimers();
    if (address !== 0) this.#readRecords(address);
  };
}

// A buffer in wasm memory that JS fills for one call, kept for the next unless a burst
// made it large.
// The bytes a stream's pieces take in wasm memory (Bridge.#writePieces): a multiple of 8, so
// that the offsets of the next stream's pieces stay aligned.
function piecesBytes(pieces) {
  return pieces.ends.length * (pieces.offsetsUs ? 16 : 8);
}

class WasmBuffer {
  constructor(native, minimumBytes) {
    this.native = native;
    this.minimumBytes = minimumBytes;
    this.address = 0;
    this.bytes = 0;
  }

  // Returns the address of at least `bytes` bytes (the old content is not kept), or 0 when
  // wasm memory cannot hold them.
  reserve(bytes) {
    if (bytes > this.bytes) {
      this.release();
      const size = Math.max(bytes, this.minimumBytes);
      const address = size > 2 ** 31 ? 0 : this.native._malloc(size);
      if (address === 0) return 0;
      this.address = address;
      this.bytes = size;
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
