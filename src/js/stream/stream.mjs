// One stream as JS sees it: an async iterator (next, return, throw, [Symbol.asyncIterator])
// over the chunks the C++ generator produces.
//
// Two objects per stream. The TrickleStream the caller holds is a thin front; the
// StreamCore behind it does the work and is what the bridge holds in the stream's slot while
// its C++ state lives. The core never points back at the front, so a front dropped
// half-read (no next() waiting on it) can be garbage-collected even while its core sleeps
// in the bridge: the bridge's finalizer then frees the C++ state. While a next() waits, the
// core holds the front (the promise the caller awaits does not: `await
// trickle.stream(text).next()` keeps nothing else), and lets it go when none waits.
//
// States: created -> starting (first next() made; starts at the end of the job) -> open
// (C++ state in its slot) -> ended. While open it may be asleep: the C++ generator waits for
// a deadline, and a record from the bridge will bring the next chunks. Chunks already handed
// over stay in the buffer and are delivered even after a normal end or a C++ error; an
// abort or a time-out drops them, as it would drop bytes still in flight.
//
// toReadableStream() checks its options here, and gets its body from the wire module
// (wire/fetch.mjs, streamBody), which is imported on first use: see lazyBody.
import { FORMATS, readFaults } from '../internal/answer-checks.mjs';
import { abortReason, checkOptionsBag, describe, own } from '../internal/checks.mjs';
import { SLOT_SPAN_WORDS, STREAM_DELIVER, STREAM_OPENED, STREAM_START_FAILED, STREAM_START_SETTINGS } from './bridge.mjs';
import { unwatchSignal, watchSignal } from './signals.mjs';

const CREATED = 0;
const STARTING = 1;
const OPEN = 2;
const ENDED = 3;

// A chunk's iterator result. Written as this literal, it gets V8's own iterator-result shape
// (the one a generator's results have), on which Promise.resolve() and `for await` take
// their fastest paths: a zero-delay stream reads about 1.2x the chunks a second it did with
// a constructor-made result. Every call site shares this one literal (one allocation site,
// in V8's terms), so that settleChunkSite() below settles them all.
function chunkOf(value) {
  return { value, done: false };
}

// V8 counts how many of a literal's objects survive a collection, and if nearly all of them
// do, it allocates that literal's objects in the old generation from then on, a decision it
// never reverses. Chunks are short-lived, but a stream that began while a large heap was
// being marked (say, just after building a long text) had its first chunks counted as
// survivors, and such a process then read at about 0.7x the speed of a result made by a
// constructor, in full collections. V8 decides once it has seen 100 survivors, on their
// share of the objects made since it last decided (only code not yet optimized makes
// objects it counts). So the process's first stream first makes 4,096 results and keeps 128
// of them: whichever collection comes next finds their share far too low, and the decision
// is "young" for good. (To tip it, a read would have to make about 23,000 counted results
// before that collection; the reads measured made 2,000 to 7,200.) About 1 ms, once.
let settledResults = null; // the 128, kept for good (about 3 KB)

function settleChunkSite() {
  const kept = [];
  for (let i = 0; i < 4096; i++) {
    const result = chunkOf('');
    if ((i & 31) === 1) kept.push(result);
  }
  settledResults = kept;
}

// Which function of a waiting next() call's pair to call.
const RESOLVE = 0;
const REJECT = 1;

/**
 * A byte ReadableStream whose underlying source (an AnswerBody, wire/body.mjs) `make(wire)`
 * gives once the wire module has loaded: the load starts now, and the first read waits for
 * it (and tries again if it failed); a load that fails errors the body. The body starts at
 * that read, as it would have anyway. Until the source is made this follows `signal`, so
 * that an abort errors the body at once, as the source itself does from then on.
 */
function lazyBody(engines, signal, make) {
  engines.wire().catch(() => {}); // a failure shows at the first read, which tries again
  let source = null;
  let controller;
  let cancelled = false;
  const early = {
    abort: (reason) => {
      cancelled = true;
      controller.error(reason);
    },
  };
  return new ReadableStream({
    start: (given) => {
      controller = given;
      if (signal === undefined) return;
      if (signal.aborted) early.abort(abortReason(signal));
      else watchSignal(signal, early);
    },
    pull: async () => {
      if (source === null) {
        const wire = await engines.wire();
        if (cancelled) return undefined;
        if (signal !== undefined) unwatchSignal(signal, early);
        source = make(wire);
        source.start(controller);
      }
      return source.pull();
    },
    cancel: () => {
      cancelled = true;
      if (signal !== undefined && source === null) unwatchSignal(signal, early);
      source?.cancel();
    },
  }, { highWaterMark: 0 });
}

/** The iterator a caller holds (see the file's header). */
export class TrickleStream {
  #core;

  constructor(engines, settings) {
    this.#core = new StreamCore(engines, settings, this);
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    return this.#core.next(this);
  }

  /** The seed of the stream's timing plan: the same seed (option `seed`) replays the same schedule. */
  get seed() {
    return this.#core.seed;
  }

  /**
   * When each chunk arrives, in milliseconds after the first next(): the stream's whole
   * schedule, one entry per chunk, computed without running it (before or after it starts).
   * A promise, since a stream with the timing model may wait for the module that has it.
   */
  plan() {
    return this.#core.plan();
  }

  /**
   * The stream's text as a wire format's response body (options.format, default
   * 'plain-text'; see trickle.fetch): a ReadableStream<Uint8Array> on this stream's
   * schedule. For a stream not read yet; it is the stream from then on (next() says done).
   */
  toReadableStream(options) {
    return this.#core.toReadableStream(options);
  }

  return(value) {
    return this.#core.return(value);
  }

  throw(error) {
    return this.#core.throw(error);
  }
}

/**
 * For an instance to hold (never read): a stream that never starts, so that some object of
 * each shape a stream is made of (its front and core, their settings) is always alive. V8
 * keeps an object's shape (its hidden class, and what it learnt of each field's type) only
 * while some object has it: a full collection at a moment when no stream was alive (between
 * two bursts, or a test's gc()) threw the shapes away, every optimized function that used
 * them was dropped with them ("weak objects"), and the next streams rebuilt the shapes field
 * by field, each change dropping that code again. 10,000 streams after such a collection
 * took 1.57x the ideal time; with the shapes kept, 1.2x. (A chunk's result needs no keeping:
 * its shape is V8's own iterator-result shape, which V8 always keeps.)
 */
export function keepShapes(engines, settings) {
  return new TrickleStream(engines, settings);
}

class StreamCore {
  #engines;
  #bridge; // the module's bridge it runs on; null until the full module has loaded, if it needs that
  #state = CREATED;
  // The stream's settings (text, delay...): what its start needs, then what plan() needs,
  // kept while open only when the plan needs more than the fields below (a timing model,
  // given pieces, tokens). The usual stream lets them go once open: 10,000 streams that kept
  // them took the collector across the old generation's limit, and a full collection into
  // the middle of their run (1.3x the ideal wall against 1.1x).
  #schedule;
  #split;
  #delayMs;
  #seed;
  #front; // the TrickleStream, until the stream opens (then only the finalizer knows it)
  #slot = -1; // while open: where its C++ state is, and how records name it
  #text;
  #suffix;
  #signal;
  #timeoutMs;
  // Buffered chunks: [begin, end) UTF-16 positions, flat, in #spans[#nextSpan .. #spansEnd),
  // a Uint32Array that each delivery is copied into. Taken on first need (a stream read as
  // fast as it comes never buffers): a few chunks go to the stream's own entry of the
  // bridge's table (Bridge.slotSpans; #inSlot says so), which it gives up once they are
  // read or before it leaves its slot; more go to a buffer of its own from the bridge,
  // which keeps the large ones of ended streams for the next (see Bridge.spanBuffer), given
  // back once the stream has ended and nothing in it is left to read. 10,000 late readers
  // on a schedule each took a buffer for their one extra chunk: the buffers' allocation and
  // their copying by the young-generation collector made the run 1.25x the ideal wall
  // rather than 1.1x.
  #spans = null;
  #nextSpan = 0;
  #spansEnd = 0;
  #inSlot = false;
  // next() calls not yet settled, oldest first: the oldest in #resolve/#reject (null when
  // none is waiting), later ones as flat resolve, reject pairs in #queued[#queuedHead..]
  // (rare: a caller that does not await each next() before the next). Waiting costs a
  // stream nothing beyond the promise itself.
  #resolve = null;
  #reject = null;
  #queued = null;
  #queuedHead = 0;
  // The front, while a next() made on it waits: `await trickle.stream(text).next()` keeps
  // no other reference to it, and a front collected then would free the stream under the
  // waiting call, which would never settle.
  #waitingFront = null;
  // The executor of every next() promise, shared: `enqueuing` says whose it is.
  static #enqueuing = null;
  static #enqueue = (resolve, reject) => {
    const core = StreamCore.#enqueuing;
    if (core.#resolve === null) {
      core.#resolve = resolve;
      core.#reject = reject;
    } else {
      (core.#queued ??= []).push(resolve, reject);
    }
  };
  #asleep = false;
  #failure = null; // error to deliver once the buffered chunks are out

  constructor(engines, settings, front) {
    this.#engines = engines;
    this.#bridge = engines.bridgeFor(settings);
    this.#schedule = settings;
    this.#split = settings.split;
    this.#delayMs = settings.delayMs;
    this.#seed = settings.seed;
    this.#front = front;
    this.#text = settings.text;
    this.#suffix = settings.suffix;
    this.#timeoutMs = settings.timeoutMs;
    this.#signal = settings.signal;
  }

  get seed() {
    return this.#seed;
  }

  async plan() {
    const settings = this.#schedule;
    if (settings === null) return this.#fixedPlan(null);
    if (settings.split === 'tokens') await this.#engines.prepareTokens(settings);
    const pieces = settings.pieces;
    if (pieces !== null && pieces.offsetsUs) return Array.from(pieces.offsetsUs, (us) => us / 1000); // their own times
    // A timing model's plan is drawn by the full module. On the fixed delay the k-th chunk is
    // due k delays after the first next() (the lesson's generator sleeps before each yield),
    // so only the pieces need counting, by the module that cuts them (the core module, which
    // has no planner, for words and characters).
    if (settings.timing !== null) return (await this.#engines.full()).plan(settings);
    return this.#fixedPlan(pieces);
  }

  async #fixedPlan(pieces) {
    const count = pieces !== null ? pieces.ends.length
      : (await this.#engines.cutter(this.#split)).countPieces(this.#text, this.#split);
    const delayUs = Math.round(this.#delayMs * 1000);
    return Array.from({ length: count }, (_, i) => (delayUs * (i + 1)) / 1000);
  }

  toReadableStream(options) {
    const where = 'stream.toReadableStream';
    checkOptionsBag(where, options, ['format', 'model', 'fault']);
    const format = own(options, 'format') ?? 'plain-text';
    if (!FORMATS.includes(format)) {
      throw new RangeError(`${where}: format must be one of ${FORMATS.map((name) => `'${name}'`).join(', ')}, got ${describe(format)}`);
    }
    const model = own(options, 'model') ?? 'trickle';
    if (typeof model !== 'string') throw new TypeError(`${where}: model must be a string, got ${describe(model)}`);
    const faults = readFaults(where, own(options, 'fault'));
    if (this.#state !== CREATED) {
      throw new TypeError(`${where}: the stream has been read already; make a new one (trickle.stream()) for its body`);
    }
    const settings = this.#schedule;
    this.#state = ENDED;
    this.#front = null;
    if (settings.failAfter !== undefined && faults.spec.error.at < 0 && faults.spec.error.probability === 0) {
      faults.spec.error = { at: settings.failAfter, probability: 0 };
      faults.spec.errorMessage = settings.failMessage;
    }
    const engines = this.#engines;
    return lazyBody(engines, settings.signal, (wire) => wire.streamBody(engines, settings, { format, model, faults }));
  }

  // What the bridge needs to start this stream, or null once it no longer should.
  get [STREAM_START_SETTINGS]() {
    return this.#state === STARTING ? this.#schedule : null;
  }

  // Called by the bridge as it starts this stream in `slot`.
  [STREAM_OPENED](slot) {
    this.#state = OPEN;
    const settings = this.#schedule;
    if (settings.timing === null && settings.pieces === null && settings.split !== 'tokens') this.#schedule = null;
    this.#slot = slot;
    this.#bridge.hold(slot, this, this.#front);
    this.#front = null;
  }

  // Called by the bridge when wasm could not start this stream (memory ran out).
  [STREAM_START_FAILED](reason) {
    this.#state = ENDED;
    this.#front = null;
    this.#fail(reason);
  }

  next(front) {
    // The usual case at zero delay first: a chunk buffered, no earlier next() waiting.
    if (this.#nextSpan < this.#spansEnd && this.#resolve === null) return Promise.resolve(chunkOf(this.#take()));
    if (this.#resolve === null) {
      if (this.#nextSpan === this.#spansEnd) {
        if (this.#state === OPEN) {
          if (!this.#asleep) this.#bridge.pull(this.#slot, this);
        } else if (this.#state === CREATED) {
          this.#begin();
        }
      }
      if (this.#nextSpan < this.#spansEnd) {
        return Promise.resolve(chunkOf(this.#take()));
      }
      if (this.#state === ENDED) return this.#settleEnded();
    }
    StreamCore.#enqueuing = this;
    const waiting = new Promise(StreamCore.#enqueue);
    StreamCore.#enqueuing = null; // the executor has run: hold no stream past this call
    this.#waitingFront = front;
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

  // The first next(): listen to the signal from now on (an abort before this point is seen
  // here), and queue the start.
  #begin() {
    if (settledResults === null) settleChunkSite();
    const signal = this.#signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.abort(abortReason(signal));
        return;
      }
      watchSignal(signal, this);
    }
    this.#state = STARTING;
    const settings = this.#schedule;
    const tokens = settings.split === 'tokens';
    if (tokens && settings.pieces === null && this.#bridge !== null) {
      // The tokenizer may be there already: then the stream starts with the others of this job.
      const tokenizer = this.#engines.tokenizerNow(settings.encoding);
      if (tokenizer !== null) {
        try {
          this.#engines.cutTokens(this.#bridge, tokenizer, settings);
        } catch (error) {
          this[STREAM_START_FAILED](error);
          return;
        }
      }
    }
    if (this.#bridge !== null && (!tokens || settings.pieces !== null)) {
      this.#bridge.queueStart(this);
      return;
    }
    // The timing model and given pieces are in the full module, and tokens need their
    // tokenizer: start once they have loaded (a stream ended in the meantime never starts;
    // a module that cannot load fails the stream).
    (tokens ? this.#engines.prepareTokens(settings) : this.#engines.full()).then(
      (bridge) => {
        if (this.#state !== STARTING) return;
        this.#bridge = bridge;
        bridge.queueStart(this);
      },
      (error) => {
        if (this.#state !== STARTING) return;
        this[STREAM_START_FAILED](error);
      },
    );
  }

  // Chunks and a status from a record or a pull.
  [STREAM_DELIVER](words, offset, count, status) {
    // The usual case first: a next() is waiting and nothing is buffered, so the first
    // chunk goes straight to it.
    if (count > 0 && this.#resolve !== null && this.#nextSpan === this.#spansEnd) {
      this.#settleOldest(RESOLVE, chunkOf(this.#piece(words[offset], words[offset + 1])));
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

  // Takes `count` spans from words[offset...], then acts on the status that ended them.
  #receive(words, offset, count, status) {
    if (count > 0) {
      const size = 2 * count;
      let spans = this.#spans;
      let first = this.#nextSpan;
      let end = this.#spansEnd;
      if (first === end) {
        first = end = 0;
        if (this.#inSlot) {
          spans = this.#spans = null; // its spans were read: the slot's entry is free again
          this.#inSlot = false;
        }
      } else if (this.#inSlot && end + size > (this.#slot + 1) * SLOT_SPAN_WORDS) {
        // More than the entry holds: to a buffer of its own, with room to grow.
        this.#leaveSlotSpans(Math.max(size, SLOT_SPAN_WORDS));
        spans = this.#spans;
        first = 0;
        end = this.#spansEnd;
      }
      if (spans === null && size <= SLOT_SPAN_WORDS && this.#slot >= 0) {
        // A chunk or a few to keep, the usual case of a reader on a schedule woken late.
        spans = this.#spans = this.#bridge.slotSpans;
        this.#inSlot = true;
        first = end = this.#slot * SLOT_SPAN_WORDS;
      } else if (spans === null || (!this.#inSlot && end + size > spans.length)) {
        // Move what is still unread to the front, in a larger buffer if it must grow.
        const kept = end - first;
        const fresh = spans === null ? this.#bridge.spanBuffer(size)
          : kept + size <= spans.length ? spans : this.#bridge.spanBuffer(Math.max(kept + size, 2 * spans.length));
        if (kept > 0) fresh.set(spans.subarray(first, end));
        if (fresh !== spans && spans !== null) this.#bridge.returnSpanBuffer(spans);
        spans = this.#spans = fresh;
        first = 0;
        end = kept;
      }
      if (size > 32) {
        spans.set(words.subarray(offset, offset + size), end);
      } else {
        // A chunk or two (a late reader on a schedule, thousands of streams a tick): no view.
        for (let i = 0; i < size; i++) spans[end + i] = words[offset + i];
      }
      this.#nextSpan = first;
      this.#spansEnd = end + size;
    }
    const p = this.#bridge.protocol;
    if (status === p.statusPending) {
      this.#asleep = true;
    } else if (status === p.statusMore) {
      this.#asleep = false;
    } else if (status === p.statusDone) {
      this.#release(true);
    } else if (status === p.statusFailed) {
      this.#failure = new Error(this.#bridge.errorMessage(this.#slot));
      this.#release(false);
    } else if (status === p.statusTimedOut) {
      this.abort(new DOMException(`trickle: the stream did not finish within ${this.#timeoutMs} ms`, 'TimeoutError'));
    }
  }

  // Settles queued next() calls in order, pulling more while the C++ side has them.
  #serveWaiters() {
    while (this.#resolve !== null) {
      if (this.#nextSpan === this.#spansEnd) {
        if (this.#state === OPEN && !this.#asleep) this.#bridge.pull(this.#slot, this);
        if (this.#nextSpan === this.#spansEnd) {
          if (this.#state !== ENDED) return; // starting or asleep: a record will come
          this.#settleOldest(RESOLVE, this.#settleEnded());
          continue;
        }
      }
      this.#settleOldest(RESOLVE, chunkOf(this.#take()));
    }
  }

  // Settles the oldest waiting next() call (`how`: RESOLVE or REJECT).
  #settleOldest(how, value) {
    const settle = how === RESOLVE ? this.#resolve : this.#reject;
    const queued = this.#queued;
    if (queued === null) {
      this.#resolve = this.#reject = null;
      this.#waitingFront = null; // nothing waits: a dropped front may be collected again
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
    this.#stopWatching(); // the iteration is over for the consumer: nothing left to abort
    this.#dropSpans();
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
  #release(freedByWasm) {
    const state = this.#state;
    this.#state = ENDED;
    this.#front = null;
    if (state !== OPEN) return;
    if (this.#inSlot) this.#leaveSlotSpans();
    this.#bridge.close(this.#slot, freedByWasm);
    this.#slot = -1;
    this.#asleep = false;
  }

  // Unread spans kept in the slot's entry move to a buffer of this stream's own, with room
  // for `room` more words: before the slot goes to another stream, or when more come than
  // the entry holds.
  #leaveSlotSpans(room = 0) {
    const kept = this.#spansEnd - this.#nextSpan;
    let own = null;
    if (kept + room > 0) {
      own = this.#bridge.spanBuffer(kept + room);
      own.set(this.#spans.subarray(this.#nextSpan, this.#spansEnd));
    }
    this.#spans = own;
    this.#inSlot = false;
    this.#nextSpan = 0;
    this.#spansEnd = kept;
  }

  // No buffered chunk will be read any more (the end was reached, or they are dropped).
  #dropSpans() {
    this.#nextSpan = 0;
    this.#spansEnd = 0;
    if (this.#spans === null) return;
    if (!this.#inSlot) this.#bridge.returnSpanBuffer(this.#spans);
    this.#inSlot = false;
    this.#spans = null;
  }

  #stopWatching() {
    const signal = this.#signal;
    if (signal === undefined) return;
    this.#signal = undefined;
    unwatchSignal(signal, this);
  }

  // An error that ends the stream now: next() calls already waiting reject with it; if none
  // is waiting, the next one does.
  #fail(reason) {
    this.#stopWatching();
    this.#dropSpans();
    if (this.#resolve === null) {
      this.#failure = reason;
      return;
    }
    this.#failure = null;
    this.#settleAll(REJECT, reason);
  }

  /**
   * An abort or a time-out: stop now, like return(), but the reason is an error. Until the
   * consumer has seen the end, an abort applies even to chunks already buffered.
   */
  abort(reason) {
    this.#release(false);
    this.#fail(reason);
  }

  /** The front was garbage-collected while the stream was open: free everything now. */
  dropped() {
    this.#stopWatching();
    this.#release(false);
  }

  // return()/throw(): stop now. Frees the C++ frame at once (its pending timer goes with
  // it), drops buffered chunks, and ends every next() still waiting.
  #end() {
    this.#stopWatching();
    this.#release(false);
    this.#dropSpans();
    this.#failure = null;
    this.#settleAll(RESOLVE, { value: undefined, done: true });
  }
}
