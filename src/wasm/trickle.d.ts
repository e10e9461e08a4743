// Type declarations for trickle (hand-written; the runtime is trickle.mjs).

/** How text is cut into pieces. */
export type SplitMode =
  /** Runs of any Unicode whitespace separate pieces, no empty pieces (Python's str.split()). */
  | 'whitespace'
  /** Every single " " separates pieces; empty pieces are kept (JS text.split(" ")). */
  | 'space'
  /** One Unicode code point per piece, whitespace included (Chinese text). */
  | 'char';

export interface StreamOptions {
  /**
   * Milliseconds between pieces: piece i is due at t0 + (i + 1) * delayMs, t0 being the end of the job
   * in which next() was first called (streams first read in one job share it). Default 500.
   */
  delayMs?: number;
  /** Default 'whitespace'. */
  split?: SplitMode;
  /** Appended to every piece. Default '' for stream(), ' ' for chat(). */
  suffix?: string;
  /**
   * Ends the stream when aborted: the pending next() (or, if none, the next one) rejects with
   * `signal.reason` (a DOMException named AbortError by default), the C++ state and its timer
   * are freed at once, and the iteration is over. An already-aborted signal rejects the first next().
   */
  signal?: AbortSignal;
  /**
   * If the stream has not finished this many milliseconds after the first next(), it ends with a
   * DOMException named TimeoutError (as AbortSignal.timeout() gives). Runs on trickle's own timer queue.
   */
  timeoutMs?: number;
  /** Deliver this many chunks, then reject the next() that would have received the next one (to test error handling in a UI). */
  failAfter?: number;
  /** The message of that simulated failure. */
  failMessage?: string;
}

/** An async iterator over the chunks of one stream. Ending it (break, return(), throw()) frees its C++ state at once. */
export interface TrickleStream extends AsyncIterableIterator<string> {
  next(): Promise<IteratorResult<string, undefined>>;
  /** Stops the stream now; next() calls still waiting resolve as done. */
  return<R>(value?: R): Promise<IteratorReturnResult<R>>;
  /** Stops the stream now and rejects with `error`. */
  throw(error?: unknown): Promise<never>;
  [Symbol.asyncIterator](): TrickleStream;
}

export interface TrickleStats {
  /** Streams whose C++ state is alive. */
  liveStreams: number;
  /** Sleeping streams in the scheduler's timer queue. */
  scheduledTimers: number;
  /** Bytes malloc'ed in the wasm heap. */
  heapBytesInUse: number;
  /** Whether the instance's single JS timer is armed. */
  timerArmed: boolean;
}

export interface Trickle {
  /**
   * Streams the pieces of `text`.
   * @throws {TypeError} text is not a string, an option has the wrong type (signal not an AbortSignal), or an unknown option is given
   * @throws {RangeError} delayMs or timeoutMs is negative, NaN, infinite or above 2147483647; split is not a known mode; failAfter is not a whole number from 0
   */
  stream(text: string, options?: StreamOptions): TrickleStream;
  /** Streams the FastAPI demo's answer: "你提问的是: {prompt}, 我正在流式生成答案...", a space after each word. */
  chat(prompt: string, options?: StreamOptions): TrickleStream;
  /** The text chat(prompt) streams. */
  chatText(prompt: string): string;
  stats(): TrickleStats;
}

/** Loads the WebAssembly module (found next to this file) and returns a new instance. */
export default function createTrickle(): Promise<Trickle>;
