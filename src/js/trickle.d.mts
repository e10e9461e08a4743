// Type declarations for trickle (hand-written, checked by tests/types; the runtime is trickle.mjs).

/** How text is cut into pieces. */
export type SplitMode =
  /** Runs of any Unicode whitespace separate pieces, no empty pieces (Python's str.split()). */
  | 'whitespace'
  /** Every single " " separates pieces; empty pieces are kept (JS text.split(" ")). */
  | 'space'
  /** One Unicode code point per piece, whitespace included (Chinese text). */
  | 'char'
  /**
   * One extended grapheme cluster per piece (Unicode 17.0, what Intl.Segmenter gives): what a
   * reader sees as one character, so a family emoji or a flag comes out whole.
   */
  | 'grapheme'
  /**
   * One GPT token per piece (`encoding`), as OpenAI's API streams them; `tokensPerChunk`
   * makes chunks of several. A token that ends inside a code point (an emoji split into byte
   * tokens) waits for the rest of it: every chunk is whole code points, and holds as many
   * tokens as the timing model charges it.
   */
  | 'tokens';

/** The tokenizers: o200k_base (GPT-4o and later, the default) and cl100k_base (GPT-4, GPT-3.5). */
export type Encoding = 'o200k_base' | 'cl100k_base';

export interface StreamOptions {
  /**
   * Milliseconds between pieces: piece i is due at t0 + (i + 1) * delayMs, t0 being the end of the job
   * in which next() was first called (streams first read in one job share it). Default 500.
   */
  delayMs?: number;
  /** Default 'whitespace'. */
  split?: SplitMode;
  /** Appended to every piece. Default '' for stream(), ' ' for chat() ('' with split 'tokens'). */
  suffix?: string;
  /** The tokenizer of split 'tokens' (only with it). Default 'o200k_base'. */
  encoding?: Encoding;
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

  // The timing model (src/core/stream/timing.hpp says precisely what each means). With none
  // of these, a piece comes every delayMs. With any, the stream runs on a plan drawn from
  // `seed`: the same seed, the same schedule, everywhere.

  /** A measured model to start from (trickle.presets lists them); any field below overrides it. */
  preset?: TimingPreset;
  /** Time to the first chunk, in milliseconds (its mean, when ttftJitter spreads it). */
  ttftMs?: number;
  /** How the time to the first chunk varies around ttftMs. */
  ttftJitter?: Jitter;
  /** A rate in tokens per second: a chunk of split 'tokens' costs its tokens, any other piece one. */
  tokensPerSecond?: number;
  /** Or a rate in characters (UTF-16 units, the suffix included) per second. */
  charsPerSecond?: number;
  /** How the gaps vary around the rate; their mean stays 1 / rate. */
  jitter?: Jitter;
  /** Pauses between chunks: each chunk after the first stalls with `probability`, for minMs to maxMs. */
  stalls?: 'none' | Stalls;
  /**
   * Chunks delivered together (several deltas in one network read), at the moment the last
   * of them is ready. Default 1, or the preset's (not with split 'tokens': see tokensPerChunk).
   */
  burst?: number;
  /**
   * Split 'tokens' only: the tokens one chunk holds (one delta): 1 is OpenAI's shape, 2 to 4
   * Anthropic's, more Gemini's. Default 1, or the preset's (claude-sonnet 2, gemini-flash 8).
   */
  tokensPerChunk?: number;
  /** The plan's seed: a whole number below 2^53. Default: one drawn per stream (stream.seed tells it). */
  seed?: number;
}

/**
 * The options of a stream over pieces given as an array, on pace (delayMs) or on the timing
 * model (each piece one token): those of any stream but the ones that cut a text.
 */
export interface PiecesOptions extends Omit<StreamOptions, 'split' | 'encoding' | 'tokensPerChunk'> {
  offsetsMs?: undefined;
}

/**
 * The options of pieces given with their own times (a recorded stream replayed): no pace
 * and no timing model, since offsetsMs says when each piece comes.
 */
export interface ReplayOptions extends Pick<StreamOptions, 'suffix' | 'signal' | 'timeoutMs' | 'failAfter' | 'failMessage' | 'seed'> {
  /**
   * Each piece's arrival in milliseconds after the first next(), one per piece, never
   * decreasing (equal offsets come together), each from 0 to 2147483647.
   */
  offsetsMs: readonly number[];
}

export type TimingPreset = 'gpt-4o' | 'claude-sonnet' | 'gemini-flash' | 'reasoning' | 'fast-host' | 'slow-network';

/**
 * A spread around a mean, as a factor whose mean is 1: uniform in [1 - sigma, 1 + sigma]
 * (sigma 0..1), or lognormal with sigma the standard deviation of its logarithm (0..2).
 */
export type Jitter = 'none' | { kind: 'none' } | { kind: 'uniform' | 'lognormal'; sigma: number };

export interface Stalls {
  /** Per chunk after the first, 0..1. */
  probability: number;
  minMs: number;
  /** Default minMs. */
  maxMs?: number;
  /** false (default): the model pauses and every later chunk moves back; true: the network
   *  holds chunks back, then releases what became ready meanwhile at once. */
  catchUp?: boolean;
}

/** An async iterator over the chunks of one stream. Ending it (break, return(), throw()) frees its C++ state at once. */
export interface TrickleStream extends AsyncIterableIterator<string> {
  next(): Promise<IteratorResult<string, undefined>>;
  /** Stops the stream now; next() calls still waiting resolve as done. */
  return<R>(value?: R): Promise<IteratorReturnResult<R>>;
  /**
   * Stops the stream now and rejects with `error`: the promise never resolves. (Typed as
   * AsyncIterator's throw() is: `for await` refuses an iterator whose throw() promises no
   * `value`, and Promise<never> has none.)
   */
  throw(error?: unknown): Promise<IteratorResult<string, undefined>>;
  [Symbol.asyncIterator](): TrickleStream;
  /** The seed of the stream's timing plan: give it as `seed` to replay the same schedule. */
  readonly seed: number;
  /**
   * When each chunk arrives, in milliseconds after the first next(), one per chunk: the
   * whole schedule, computed without running the stream (before or after it starts).
   */
  plan(): Promise<number[]>;
  /**
   * The stream's text as a wire format's response body, on this stream's schedule: for a
   * stream not read yet (it is the stream from then on). Default format 'plain-text'.
   * @throws {TypeError} the stream has been read already
   * @throws {RangeError} not a known format
   */
  toReadableStream(options?: { format?: WireFormat; model?: string; fault?: Fault }): ReadableStream<Uint8Array>;
}

/** The wire formats trickle speaks (README, "Speak the real APIs"). */
export type WireFormat = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'ollama' | 'ui-message' | 'plain-text';

/** What the model says. */
export interface Answer {
  text?: string;
  /** Streamed first, as the format's thinking. */
  reasoning?: string;
  toolCalls?: { id?: string; name: string; arguments: Record<string, unknown> | string }[];
  /** Default: 'tool_calls' when there are tool calls, else 'stop'. */
  finishReason?: 'stop' | 'length' | 'tool_calls';
  /**
   * The pieces the answer was streamed in when it was recorded (parseTranscript's chunks):
   * it streams in exactly these, and, when every chunk has atMs, each at ttftMs + atMs after
   * the first read (unless createFetch's timing options, delayMs or a preset, re-time them).
   * Each field's chunks must make up that field; a field with none streams whole, with the
   * piece before it. Ignored with split 'tokens', which cuts the answer again.
   * @throws {RangeError} chunks that do not make up the answer
   * @throws {TypeError} a malformed chunk, or atMs on some chunks only
   */
  chunks?: AnswerChunk[];
  /** With timed chunks: the wait before the first one (parseTranscript's ttftMs). Default 0. */
  ttftMs?: number;
}

/** One recorded delta (parseTranscript's TranscriptChunk). */
export interface AnswerChunk {
  kind: 'reasoning' | 'text' | 'tool';
  /** For kind 'tool': the index of its call in toolCalls. */
  tool?: number;
  text: string;
  /** Milliseconds after the first chunk. */
  atMs?: number;
}

/** What a reply is told of the request it answers. */
export interface ReplyRequest {
  format: WireFormat;
  model?: string;
  /** As the request gave them, in its format's shape. */
  messages: unknown[];
  lastUserText: string;
  tools?: unknown[];
  stream: boolean;
  /** Whether the request asks to see the model think (reasoning_effort, thinking, includeThoughts, think). */
  reasoning: boolean;
}

export type Reply = (request: ReplyRequest) => string | Answer | PromiseLike<string | Answer>;

/** The built-in answers' names (README; docs/answers.md). */
export type BuiltinAnswer = 'markdown' | 'code' | 'table' | 'math' | 'emoji' | 'rtl' | 'long-line' | 'long'
  | 'reasoning' | 'tool-call' | 'truncated' | 'escape';

/** Where a fault strikes: a chunk index (from 0), or at each chunk with a probability (seeded). */
export type FaultPoint = number | { probability: number };

/** What goes wrong (README, "Faults"); several may be combined. */
export interface Fault {
  /** An HTTP error before the stream, in the format's error JSON; the first `times` requests (default all). */
  http?: { status: number; retryAfterS?: number; times?: number; message?: string };
  /** The format's mid-stream error where that chunk would come, then the end. */
  errorAfter?: FaultPoint;
  /** The status whose error type it is (429, 500, 503, 529...). Default 500. */
  errorStatus?: number;
  errorMessage?: string;
  /** No byte for stallMs before that chunk, then the rest. */
  stallAt?: number;
  stallMs?: number;
  /** The body ends after that many chunks, without the format's terminator. */
  truncateAfter?: FaultPoint;
  /** The connection drops after that many chunks: the body errors with a TypeError. */
  disconnectAfter?: FaultPoint;
  /** That chunk's frame is cut in half. */
  malformedAt?: FaultPoint;
  /** The bytes in seeded pieces of 1..maxBytes, cut anywhere. */
  reslice?: { maxBytes: number };
}

/** A rule matching a request to an answer (docs/answers.md); the first that matches answers. */
export interface FixtureRule {
  match?: {
    lastUserText?: string | RegExp | { regex: string; flags?: string };
    model?: string | RegExp | { regex: string; flags?: string };
    format?: WireFormat | WireFormat[];
    messageCount?: number;
  };
  answer: string | Answer | { builtin: BuiltinAnswer; lang?: 'en' | 'zh' } | ((request: ReplyRequest, match: unknown) => string | Answer | PromiseLike<string | Answer>);
  /** How many requests it answers, then it is spent. */
  times?: number;
}

export interface FetchOptions extends StreamOptions {
  /** Default: the lesson's chat answer to the last user message. */
  reply?: Reply | BuiltinAnswer | { builtin: BuiltinAnswer; lang?: 'en' | 'zh' | 'auto' };
  /** Rules tried before the reply (or their JSON-safe shape, with a fallback of its own). */
  fixtures?: FixtureRule[] | { fixtures: FixtureRule[]; fallback?: FixtureRule['answer'] };
  fault?: Fault;
}

export interface ResponseOptions extends StreamOptions {
  /** Default 'openai-chat'. */
  format?: WireFormat;
  /** Default 'trickle'. */
  model?: string;
  /** false: the whole body, once the answer is complete. Default true. */
  stream?: boolean;
  fault?: Fault;
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

/**
 * What trickle and the toolbox read the time from: milliseconds, and one callback later.
 * The event loop's clock and ManualClock are the two there are.
 */
export interface Clock {
  /** Milliseconds (performance.now() for the event loop's clock). */
  now(): number;
  /** Calls `callback` once, `delayMs` from now; returns a function that cancels it. */
  setTimer(callback: () => void, delayMs: number): () => void;
  /** Moves a ManualClock; the event loop's clock rejects with a TypeError. */
  advance(ms: number): Promise<void>;
}

/**
 * Time that moves only when told: for tests of code that reads streams (a 30-second answer
 * checked in a millisecond, the same every run).
 */
export class ManualClock implements Clock {
  /** @param options.now where time starts, in milliseconds (default 0) */
  constructor(options?: { now?: number });
  now(): number;
  setTimer(callback: () => void, delayMs: number): () => void;
  /** Timers set and not yet run or cancelled. */
  readonly pendingTimers: number;
  /**
   * Moves time forward by `ms`. Resolves once every timer due by then has run, in deadline
   * order, each with now() reading its own deadline, and after each one a macrotask turn,
   * so that code awaiting what it delivered (a chunk, a sleep) has run before the next.
   * Calls made while one runs wait their turn.
   * @throws {RangeError} (as a rejection) ms is negative, NaN or above 2147483647
   */
  advance(ms: number): Promise<void>;
  /**
   * Moves time to the earliest timer's deadline and runs every timer due then, as advance()
   * does. Resolves with false, time unchanged, when no timer is set.
   */
  advanceToNext(): Promise<boolean>;
  /**
   * Runs timers until none is left, moving time to each one's deadline: a whole stream plays
   * out. Rejects with a RangeError after `maxTimers` (default 100,000) timers.
   */
  runAll(options?: { maxTimers?: number }): Promise<void>;
  /**
   * Real-time work the timers depend on: advance(), advanceToNext() and runAll() wait for
   * it to settle first. (trickle hands it the loading of its full module.)
   */
  waitFor(promise: PromiseLike<unknown>): void;
}

/** Where one of trickle's files is: a URL or a string, or its bytes. */
export type FileSource = string | URL | ArrayBuffer | ArrayBufferView;
/**
 * A FileSource, or a function that returns (a promise of) one, called when the file is first
 * needed: a Service Worker, say, reading the file from its own cache.
 */
export type FileOption = FileSource | (() => FileSource | PromiseLike<FileSource>);

export interface CreateOptions {
  /** 'manual' (a new ManualClock) or a ManualClock to share with other instances and the toolbox. Default: the event loop. */
  clock?: 'manual' | ManualClock;
  /**
   * Where the .wasm is, when a bundler moved it (a URL or a string), or its bytes, or a
   * function giving one of those. Default: trickle-wasm.wasm beside the module
   * (`new URL(..., import.meta.url)`).
   */
  wasm?: FileOption;
  /**
   * The same for trickle-wasm-full.wasm, the module with the timing model and the wire
   * formats, loaded on their first use (a function is called then).
   */
  fullWasm?: FileOption;
  /** The same for trickle-tokenizer.wasm, loaded the first time something counts tokens. */
  tokenizerWasm?: FileOption;
  /** The same for each encoding's vocabulary (o200k_base.bpe, cl100k_base.bpe), loaded on its first use. */
  tokenAssets?: { [E in Encoding]?: FileOption };
}

export interface TokenizeOptions {
  /** Default 'o200k_base'. */
  encoding?: Encoding;
  /** Special tokens ('<|endoftext|>'...) become their ids; by default they are plain text. */
  allowSpecial?: boolean;
}

/** The longest text a stream takes, in UTF-16 units (a JS string's length): 2 ** 27. */
export const MAX_TEXT_LENGTH: number;

export interface Trickle {
  /** The instance's clock: the event loop's, or the ManualClock it was created with. */
  readonly clock: Clock;
  // Before stream(text): Parameters<Trickle['stream']> and the like name the last overload.
  /**
   * Streams `pieces` as they are, one chunk each (a recorded stream's deltas, say): on pace,
   * on the timing model, or each at its own time (ReplayOptions.offsetsMs). plan() and
   * toReadableStream() work as for any stream. A piece is made well-formed on its own (half
   * a surrogate pair becomes U+FFFD).
   * @throws {TypeError} a piece is not a string; split, encoding or tokensPerChunk is given; offsetsMs is given with delayMs or a timing option
   * @throws {RangeError} a piece is empty; the pieces are longer than MAX_TEXT_LENGTH together; offsetsMs is not one per piece, decreases, or has an entry that is negative, NaN or above 2147483647
   */
  stream(pieces: readonly string[], options?: PiecesOptions | ReplayOptions): TrickleStream;
  /**
   * Streams the pieces of `text`.
   * @throws {TypeError} text is not a string, an option has the wrong type (signal not an AbortSignal), or an unknown option is given
   * @throws {RangeError} text is longer than MAX_TEXT_LENGTH; delayMs or timeoutMs is negative, NaN, infinite or above 2147483647; split is not a known mode; failAfter is not a whole number from 0
   */
  stream(text: string, options?: StreamOptions): TrickleStream;
  /** Streams the FastAPI demo's answer: "你提问的是: {prompt}, 我正在流式生成答案...", a space after each word. */
  chat(prompt: string, options?: StreamOptions): TrickleStream;
  /** The text chat(prompt) streams. */
  chatText(prompt: string): string;
  /**
   * The pieces stream(text, { split }) yields, all at once: the same cutters, no schedule.
   * 'grapheme' loads the full module and 'tokens' the tokenizer on first use (one piece per
   * chunk of the tokenizer, as a stream with tokensPerChunk 1 has).
   * @throws {TypeError} a text that is no string, an unknown option, encoding without split 'tokens' (as a rejection)
   * @throws {RangeError} an unknown split or encoding, a text too long (as a rejection)
   */
  pieces(text: string, options?: { split?: SplitMode; encoding?: Encoding }): Promise<string[]>;
  /** The timing presets' names, in order. */
  readonly presets: TimingPreset[];
  /**
   * A fetch that answers as the real LLM APIs do: point an official client at it.
   * @throws {TypeError} an unknown option, a reply that is no function and no answer's name
   * @throws {RangeError} an unknown built-in answer, a bad fault
   */
  createFetch(options?: FetchOptions): typeof globalThis.fetch;
  /** createFetch() with the defaults: the lesson's chat answer, a word every 500 ms. */
  readonly fetch: typeof globalThis.fetch;
  /** A Response speaking `format` with `answer`, for the routes you write yourself. */
  response(answer: string | Answer, options?: ResponseOptions): Promise<Response>;
  /**
   * The token ids of `text`, as OpenAI's tokenizer gives them. The tokenizer and the
   * encoding's vocabulary are loaded on first use, once per instance.
   * @throws {TypeError} (as a rejection) text is not a string, or an option is unknown or of the wrong type
   * @throws {RangeError} (as a rejection) an unknown encoding, or text longer than MAX_TEXT_LENGTH
   */
  tokenize(text: string, options?: TokenizeOptions): Promise<number[]>;
  /**
   * The text of token ids (a special token's id gives its text).
   * @throws {RangeError} (as a rejection) an id that is not a token of the encoding, named by its index
   */
  detokenize(ids: readonly number[] | Uint32Array, options?: { encoding?: Encoding }): Promise<string>;
  /** How many tokens tokenize(text, options) gives. */
  countTokens(text: string, options?: TokenizeOptions): Promise<number>;
  stats(): TrickleStats;
}

/**
 * Loads the WebAssembly module (found next to this file unless `options.wasm` says where) and
 * returns a new instance, with its own memory, scheduler and timer.
 * @throws {TypeError} (as a rejection) an unknown option, or a clock or wasm of the wrong kind
 */
export default function createTrickle(options?: CreateOptions): Promise<Trickle>;
