// The body of one answer, as a byte ReadableStream fed by an answer stream in the full wasm
// module (src/core/bridge/answers/answer_stream.hpp): each record's frame bytes are copied
// out of wasm memory once and enqueued as they come, one Uint8Array per span (resliced
// pieces each on their own, as a network would deliver them).
//
// Lifetime: the stream starts (t0) at the first read, like an iterator at its first next():
// at the end of that job, with every other answer first read in it (one reading of the clock).
// It ends, and its C++ state is freed at once, when the answer is complete, when the reader
// cancels, when `signal` aborts (the body errors with the signal's reason), at its time-out
// (a TimeoutError), or when a fault drops the connection (a TypeError, as fetch gives for a
// network error). A body nobody reads keeps its C++ state until it ends by itself: cancel it.
import { abortReason } from '../internal/checks.mjs';
import { STREAM_DELIVER, STREAM_OPENED, STREAM_START_FAILED, STREAM_START_SETTINGS } from '../stream/bridge.mjs';
import { watchSignal, unwatchSignal } from '../stream/signals.mjs';

const CREATED = 0;
const STARTING = 1;
const OPEN = 2;
const ENDED = 3;

let answerCount = 0;

/**
 * The pieces of an answer cut into tokens (split 'tokens'), field by field, as start_answer
 * reads them (spec.given): each field's { ends, tokens } (Engines.piecesOf).
 */
export function givenPieces(engines, tokenizer, answer, tokensPerChunk) {
  const of = (text) => engines.piecesOf(tokenizer, text, tokensPerChunk);
  return { reasoning: of(answer.reasoning), text: of(answer.text), toolArguments: answer.toolCalls.map((call) => of(call.arguments)) };
}

/**
 * What the full module's start_answer reads (src/wasm/bindings.cpp): the answer (readAnswer),
 * its format and request facts, and the stream's settings (stream/options.mjs) and faults
 * (answers.mjs, readFaults). `bridge`: the full module's, which has the presets' figures
 * (Bridge.timingOf fills them in). A stream cut into tokens also needs `given` (givenPieces),
 * cut after this, by the preset's chunk size.
 */
export function answerSpec(bridge, { format, answer, model, inputTokens = 0, includeUsage = false, wholeBody = false, settings, faults, given }) {
  return {
    format,
    text: answer.text,
    reasoning: answer.reasoning,
    toolCalls: answer.toolCalls,
    finishReason: answer.finishReason,
    model,
    id: `${Date.now().toString(36)}${(answerCount++).toString(36)}`,
    created: Math.floor(Date.now() / 1000),
    inputTokens,
    includeUsage,
    wholeBody,
    split: bridge.splitCode(given === undefined ? settings.split : 'given'),
    timing: settings.timing === null ? bridge.fixedTiming(settings.delayMs) : Array.from(bridge.timingOf(settings)),
    seed: settings.seed,
    timeoutUs: settings.timeoutMs === undefined ? -1 : Math.round(settings.timeoutMs * 1000),
    faults: faults.spec,
    given,
  };
}

export class AnswerBody {
  #engines;
  #spec; // the spec, or an async function that makes it when the body is first read
  #signals;
  #bridge = null;
  #state = CREATED;
  #slot = -1;
  #asleep = false;
  #controller = null;
  #waiting = null; // resolves the pending pull()
  #failAfterQueue = null; // { reason } once the queued bytes are read
  #timeoutMs;
  #keepAlive; // what the signals depend on (fetch.mjs), held as long as the body is

  constructor(engines, spec, { signals = [], timeoutMs, keepAlive } = {}) {
    this.#keepAlive = keepAlive;
    this.#engines = engines;
    this.#spec = spec;
    this.#signals = signals;
    this.#timeoutMs = timeoutMs;
  }

  // The body is a ReadableStream's underlying source (start, pull, cancel): answerReadable()
  // makes that stream, or stream.toReadableStream() hands over one it made before this
  // module was loaded (its start then comes at the first read).

  /** Takes the stream's controller, and from now on follows the signals. */
  start(controller) {
    this.#controller = controller;
    for (const signal of this.#signals) {
      if (signal.aborted) {
        this.abort(abortReason(signal));
        break;
      }
      watchSignal(signal, this);
    }
  }

  pull() {
    if (this.#failAfterQueue !== null) {
      this.#controller.error(this.#failAfterQueue.reason);
      this.#failAfterQueue = null;
      return undefined;
    }
    if (this.#state === CREATED) return this.#start();
    if (this.#state === OPEN && !this.#asleep) {
      this.#bridge.pull(this.#slot, this);
      if (this.#state !== OPEN || !this.#asleep) return undefined;
    }
    if (this.#state === ENDED) return undefined;
    return new Promise((resolve) => { this.#waiting = resolve; });
  }

  // The first pull. Usually the full module is loaded and the spec made: the body queues its
  // start at once, with no await (a thousand bodies read in one job reach the bridge's one
  // start in the same turn). Resolves when the first bytes come (or the start failed).
  #start() {
    this.#state = STARTING;
    const bridge = this.#engines.fullNow;
    if (bridge !== null && typeof this.#spec !== 'function') return this.#queueStart(bridge, this.#spec);
    return this.#startOnceReady();
  }

  async #startOnceReady() {
    let bridge;
    let spec;
    try {
      [bridge, spec] = await Promise.all([this.#engines.full(), typeof this.#spec === 'function' ? this.#spec() : this.#spec]);
    } catch (error) {
      if (this.#state === STARTING) this[STREAM_START_FAILED](error);
      return undefined;
    }
    if (this.#state !== STARTING) return undefined;
    return this.#queueStart(bridge, spec);
  }

  #queueStart(bridge, spec) {
    this.#bridge = bridge;
    this.#spec = spec;
    const started = new Promise((resolve) => { this.#waiting = resolve; });
    bridge.startAnswer(this, spec);
    return started;
  }

  // The bridge starts the answers first read in one job together (Bridge.startAnswer): it
  // asks whether this one still should.
  get [STREAM_START_SETTINGS]() {
    return this.#state === STARTING ? this.#spec : null;
  }

  [STREAM_OPENED](slot) {
    this.#state = OPEN;
    this.#spec = null;
    this.#slot = slot;
    // The body has no front to watch for garbage collection: the reader owns the stream,
    // and the controller (which the core holds) points back at it.
    this.#bridge.hold(slot, this, null);
  }

  [STREAM_START_FAILED](reason) {
    this.#state = ENDED;
    this.#spec = null;
    this.#stopWatching();
    this.#controller.error(reason);
    this.#wake();
  }

  [STREAM_DELIVER](words, offset, count, status, frameBytes) {
    const bridge = this.#bridge;
    for (let i = offset, end = offset + 2 * count; i < end; i += 2) {
      this.#controller.enqueue(bridge.copyBytes(frameBytes + words[i], words[i + 1] - words[i]));
    }
    const p = bridge.protocol;
    if (status === p.statusPending) {
      this.#asleep = true;
    } else if (status === p.statusMore) {
      this.#asleep = false;
    } else if (status === p.statusDone) {
      this.#release(true);
      this.#controller.close();
    } else if (status === p.statusFailed) {
      const reason = new Error(bridge.errorMessage(this.#slot));
      this.#release(false);
      this.#fail(reason, count);
    } else if (status === p.statusTimedOut) {
      this.#release(false);
      this.#fail(new DOMException(`trickle: the answer did not finish within ${this.#timeoutMs} ms`, 'TimeoutError'), count);
    } else if (status === p.statusDropped) {
      this.#release(false);
      this.#fail(new TypeError('network error (trickle: the connection dropped, a disconnect fault)'), count);
    }
    if (count > 0 || status !== p.statusPending) this.#wake();
  }

  // Erroring a ReadableStream throws away what it holds: bytes that came with the failure
  // are read first, and the error is given at the next pull (the queue is empty by then).
  #fail(reason, bytesJustQueued) {
    if (bytesJustQueued > 0) this.#failAfterQueue = { reason };
    else this.#controller.error(reason);
  }

  #wake() {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.();
  }

  #release(freedByWasm) {
    const state = this.#state;
    this.#state = ENDED;
    this.#spec = null;
    this.#keepAlive = null;
    this.#stopWatching();
    if (state !== OPEN) return;
    this.#bridge.close(this.#slot, freedByWasm);
    this.#slot = -1;
  }

  #stopWatching() {
    const signals = this.#signals;
    this.#signals = [];
    for (const signal of signals) unwatchSignal(signal, this);
  }

  /** The reader cancelled: free everything now. */
  cancel() {
    this.#release(false);
    this.#wake();
  }

  /** The signal aborted: the body errors with its reason, and everything is freed now. */
  abort(reason) {
    if (this.#state === ENDED) return;
    this.#release(false);
    try {
      this.#controller.error(reason);
    } catch {
      // already closed
    }
    this.#wake();
  }

  /** The finalizer never runs for a body (see STREAM_OPENED); kept for the bridge's contract. */
  dropped() {
    this.#release(false);
  }
}

/** The ReadableStream<Uint8Array> of an AnswerBody (same arguments): the body a Response takes. */
export function answerReadable(engines, spec, options) {
  return new ReadableStream(new AnswerBody(engines, spec, options), { highWaterMark: 0 });
}
