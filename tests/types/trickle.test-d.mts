// The types of trickle (src/js/trickle.d.mts) as a user's TypeScript sees them: every export,
// what each call infers, and the mistakes the compiler must refuse (each `@ts-expect-error`
// line has to be an error, or tsc fails). Checked by `tsc -p tests/types`; never run.
import createTrickle, { MAX_TEXT_LENGTH, ManualClock } from '../../src/js/trickle.mjs';
import type {
  FileOption, FileSource, Clock, CreateOptions, Encoding, Jitter, PiecesOptions, ReplayOptions, SplitMode, Stalls, StreamOptions, TimingPreset,
  TokenizeOptions, Trickle, TrickleStats, TrickleStream,
} from '../../src/js/trickle.mjs';
import { type Equal, exact, expectType } from './check.mjs';

// ---- createTrickle and its options

export async function creating(bytes: Uint8Array, buffer: ArrayBuffer, view: DataView) {
  exact<Equal<typeof createTrickle, (options?: CreateOptions) => Promise<Trickle>>>();
  const trickle = await createTrickle();
  exact<Equal<typeof trickle, Trickle>>();

  await createTrickle({});
  await createTrickle({ clock: 'manual' });
  await createTrickle({ clock: new ManualClock() });
  await createTrickle({ clock: new ManualClock({ now: 1_000 }) });
  await createTrickle({ wasm: '/assets/trickle-wasm.wasm' });
  await createTrickle({ wasm: new URL('https://example.com/trickle-wasm.wasm') });
  await createTrickle({ wasm: buffer });
  await createTrickle({ wasm: bytes });
  await createTrickle({ wasm: view });
  await createTrickle({ clock: undefined, wasm: undefined });
  exact<Equal<CreateOptions['clock'], 'manual' | ManualClock | undefined>>();
  expectType<string[]>(await trickle.pieces('a b'));
  expectType<string[]>(await trickle.pieces('👨‍👩‍👧', { split: 'grapheme' }));
  expectType<Promise<string[]>>(trickle.pieces('a b', { split: 'tokens', encoding: 'cl100k_base' }));
  // @ts-expect-error pieces() takes only split and encoding
  trickle.pieces('a', { delayMs: 0 });
  // @ts-expect-error no such encoding
  trickle.pieces('a', { split: 'tokens', encoding: 'p50k_base' });
  exact<Equal<CreateOptions['wasm'], FileOption | undefined>>();
  exact<Equal<FileSource, string | URL | ArrayBuffer | ArrayBufferView>>();
  // A function called on first use, giving the file's place or bytes, at once or later.
  await createTrickle({ fullWasm: async () => buffer, tokenizerWasm: () => '/trickle-tokenizer.wasm' });
  await createTrickle({ tokenAssets: { o200k_base: () => Promise.resolve(bytes), cl100k_base: new URL('https://example.com/c.bpe') } });
  // @ts-expect-error the function must give a place or the bytes
  await createTrickle({ wasm: () => 42 });
  // @ts-expect-error it is called with no arguments
  await createTrickle({ wasm: (name: string) => name });

  // @ts-expect-error options are an object, not the clock itself
  await createTrickle('manual');
  // @ts-expect-error a misspelt clock name
  await createTrickle({ clock: 'manaul' });
  // @ts-expect-error the event loop's clock is the default, not a value to name
  await createTrickle({ clock: 'real' });
  // @ts-expect-error a clock needs now(), setTimer(), advance(), runAll() and pendingTimers
  await createTrickle({ clock: { now: () => 0 } });
  // @ts-expect-error Date is not a clock
  await createTrickle({ clock: Date });
  // @ts-expect-error a number is not where the .wasm is
  await createTrickle({ wasm: 42 });
  // @ts-expect-error a Response must be read first (its arrayBuffer())
  await createTrickle({ wasm: new Response() });
  // @ts-expect-error unknown option (a misspelt "clock")
  await createTrickle({ clokc: 'manual' });
  // @ts-expect-error unknown option
  await createTrickle({ delayMs: 10 });
}

// ---- MAX_TEXT_LENGTH

exact<Equal<typeof MAX_TEXT_LENGTH, number>>();
export function longest(trickle: Trickle) {
  return trickle.stream('x'.repeat(MAX_TEXT_LENGTH));
}

// ---- The instance

export function usingTheInstance(trickle: Trickle) {
  exact<Equal<typeof trickle.clock, Clock>>();
  // @ts-expect-error the clock is read-only
  trickle.clock = new ManualClock();

  exact<Equal<ReturnType<Trickle['stream']>, TrickleStream>>();
  exact<Equal<ReturnType<Trickle['chat']>, TrickleStream>>();
  exact<Equal<ReturnType<Trickle['chatText']>, string>>();
  exact<Equal<Parameters<Trickle['stream']>, [text: string, options?: StreamOptions]>>();
  exact<Equal<Parameters<Trickle['chat']>, [prompt: string, options?: StreamOptions]>>();

  const signal = new AbortController().signal;
  trickle.stream('你好 我 是 一个 模拟 的 LLM');
  trickle.stream('你好', {
    delayMs: 50, split: 'char', suffix: '', signal, timeoutMs: 1_000, failAfter: 3, failMessage: 'gone',
  });
  trickle.stream('a b', { split: 'whitespace' });
  trickle.stream('a  b', { split: 'space' });
  trickle.stream('👨‍👩‍👧‍👦', { split: 'grapheme' });
  trickle.chat('hello', { delayMs: 0 });
  expectType<string>(trickle.chatText('hello'));

  // @ts-expect-error text is a string
  trickle.stream(42);
  // @ts-expect-error a prompt is a string
  trickle.chat(['hello']);
  // @ts-expect-error chatText takes no options
  trickle.chatText('hello', { delayMs: 0 });
  // @ts-expect-error delayMs is a number of milliseconds
  trickle.stream('a', { delayMs: '10' });
  // @ts-expect-error not a split mode
  trickle.stream('a', { split: 'word' });
  // @ts-expect-error suffix is a string
  trickle.stream('a', { suffix: 1 });
  // @ts-expect-error the signal, not its controller
  trickle.stream('a', { signal: new AbortController() });
  // @ts-expect-error timeoutMs is a number
  trickle.stream('a', { timeoutMs: true });
  // @ts-expect-error failAfter is a count
  trickle.stream('a', { failAfter: '3' });
  // @ts-expect-error failMessage is a string
  trickle.stream('a', { failMessage: new Error('x') });
  // @ts-expect-error unknown option (a misspelt "delayMs")
  trickle.stream('a', { delay: 10 });
  // @ts-expect-error the clock belongs to createTrickle
  trickle.chat('a', { clock: 'manual' });
  // @ts-expect-error no such method
  trickle.close();
}

exact<Equal<SplitMode, 'whitespace' | 'space' | 'char' | 'grapheme' | 'tokens'>>();
exact<Equal<keyof StreamOptions,
  'delayMs' | 'split' | 'suffix' | 'encoding' | 'signal' | 'timeoutMs' | 'failAfter' | 'failMessage'
  | 'preset' | 'ttftMs' | 'ttftJitter' | 'tokensPerSecond' | 'charsPerSecond' | 'jitter' | 'stalls' | 'burst'
  | 'tokensPerChunk' | 'seed'>>();
exact<Equal<StreamOptions, {
  delayMs?: number; split?: SplitMode; suffix?: string; encoding?: Encoding; signal?: AbortSignal;
  timeoutMs?: number; failAfter?: number; failMessage?: string;
  preset?: TimingPreset; ttftMs?: number; ttftJitter?: Jitter; tokensPerSecond?: number; charsPerSecond?: number;
  jitter?: Jitter; stalls?: 'none' | Stalls; burst?: number; tokensPerChunk?: number; seed?: number;
}>>();
exact<Equal<TimingPreset, 'gpt-4o' | 'claude-sonnet' | 'gemini-flash' | 'reasoning' | 'fast-host' | 'slow-network'>>();

// ---- The timing model

export async function timing(trickle: Trickle) {
  const stream = trickle.stream('a b c', {
    preset: 'gpt-4o', ttftMs: 400, ttftJitter: { kind: 'lognormal', sigma: 0.5 }, tokensPerSecond: 120,
    jitter: 'none', stalls: { probability: 0.01, minMs: 500, maxMs: 2000, catchUp: true }, burst: 2, seed: 7,
  });
  trickle.stream('a', { charsPerSecond: 500, jitter: { kind: 'uniform', sigma: 0.2 }, stalls: 'none' });
  exact<Equal<typeof stream.seed, number>>();
  exact<Equal<Awaited<ReturnType<TrickleStream['plan']>>, number[]>>();
  exact<Equal<typeof trickle.presets, TimingPreset[]>>();
  expectType<number[]>(await stream.plan());
  // @ts-expect-error not a preset
  trickle.stream('a', { preset: 'gpt-5' });
  // @ts-expect-error a jitter needs its sigma
  trickle.stream('a', { jitter: { kind: 'uniform' } });
  // @ts-expect-error stalls need a probability
  trickle.stream('a', { stalls: { minMs: 1 } });
  // @ts-expect-error the seed is a number
  trickle.stream('a', { seed: 7n });
  // @ts-expect-error the seed is read-only
  stream.seed = 1;
  await createTrickle({ fullWasm: new URL('https://example.com/trickle-wasm-full.wasm') });
  // @ts-expect-error fullWasm is a URL, a string or bytes
  await createTrickle({ fullWasm: 42 });
  const clock = new ManualClock();
  clock.waitFor(Promise.resolve());
  // @ts-expect-error waitFor takes a promise
  clock.waitFor();
}

// ---- Tokens

export async function tokens(trickle: Trickle, ids: Uint32Array) {
  exact<Equal<Encoding, 'o200k_base' | 'cl100k_base'>>();
  exact<Equal<TokenizeOptions, { encoding?: Encoding; allowSpecial?: boolean }>>();
  exact<Equal<ReturnType<Trickle['tokenize']>, Promise<number[]>>>();
  exact<Equal<ReturnType<Trickle['detokenize']>, Promise<string>>>();
  exact<Equal<ReturnType<Trickle['countTokens']>, Promise<number>>>();
  expectType<number[]>(await trickle.tokenize('hello', { encoding: 'cl100k_base', allowSpecial: true }));
  expectType<string>(await trickle.detokenize([24912, 2375]));
  expectType<string>(await trickle.detokenize(ids, { encoding: 'o200k_base' }));
  expectType<number>(await trickle.countTokens('hello'));
  trickle.stream('a b', { split: 'tokens', encoding: 'cl100k_base', tokensPerChunk: 3, tokensPerSecond: 50 });
  await createTrickle({ tokenizerWasm: '/trickle-tokenizer.wasm', tokenAssets: { o200k_base: new URL('https://example.com/o200k_base.bpe') } });
  // @ts-expect-error not an encoding
  await trickle.tokenize('a', { encoding: 'p50k_base' });
  // @ts-expect-error allowSpecial is true or false
  await trickle.countTokens('a', { allowSpecial: 'yes' });
  // @ts-expect-error ids are numbers
  await trickle.detokenize(['24912']);
  // @ts-expect-error detokenize has no allowSpecial: special ids always give their text
  await trickle.detokenize([1], { allowSpecial: true });
  // @ts-expect-error tokenAssets are named by encoding
  await createTrickle({ tokenAssets: { gpt2: '/gpt2.bpe' } });
}

// ---- Pieces given already cut, replayed at their own times or on pace

export async function pieces(trickle: Trickle, recorded: string[], at: number[]) {
  expectType<TrickleStream>(trickle.stream(['Hel', 'lo'], { offsetsMs: [0, 80] }));
  expectType<TrickleStream>(trickle.stream(recorded, { offsetsMs: at, suffix: '|', timeoutMs: 5000, seed: 3 }));
  expectType<TrickleStream>(trickle.stream(recorded, { delayMs: 20 }));
  expectType<TrickleStream>(trickle.stream(recorded, { preset: 'gpt-4o' }));
  expectType<TrickleStream>(trickle.stream(['a'] as readonly string[]));
  exact<Equal<ReplayOptions['offsetsMs'], readonly number[]>>();
  exact<Equal<PiecesOptions['offsetsMs'], undefined>>();
  // @ts-expect-error pieces are strings
  trickle.stream(['a', 2]);
  // @ts-expect-error pieces are already cut: no split
  trickle.stream(['a'], { split: 'char' });
  // @ts-expect-error nor an encoding
  trickle.stream(['a'], { encoding: 'o200k_base' });
  // @ts-expect-error offsets say when: no delay besides them
  trickle.stream(['a'], { offsetsMs: [0], delayMs: 5 });
  // @ts-expect-error nor a timing model
  trickle.stream(['a'], { offsetsMs: [0], preset: 'gpt-4o' });
  // @ts-expect-error offsets are numbers
  trickle.stream(['a'], { offsetsMs: ['0'] });
  // @ts-expect-error offsetsMs is for pieces, not a text
  trickle.stream('a', { offsetsMs: [0] });
}

// ---- A stream: an async iterator of strings

export async function reading(trickle: Trickle) {
  const stream = trickle.stream('a b');
  for await (const chunk of stream) {
    exact<Equal<typeof chunk, string>>();
  }
  for await (const chunk of trickle.chat('hi')) {
    exact<Equal<typeof chunk, string>>();
  }

  const first = await stream.next();
  exact<Equal<typeof first, IteratorResult<string, undefined>>>();
  if (first.done) {
    exact<Equal<typeof first.value, undefined>>();
  } else {
    exact<Equal<typeof first.value, string>>();
  }

  const ended = await stream.return();
  exact<Equal<typeof ended, IteratorReturnResult<unknown>>>();
  const endedWith = await stream.return(7);
  exact<Equal<typeof endedWith, IteratorReturnResult<number>>>();
  exact<Equal<typeof endedWith.done, true>>();

  exact<Equal<ReturnType<TrickleStream['throw']>, Promise<IteratorResult<string, undefined>>>>();
  await stream.throw(new Error('stop')).catch(() => {});

  exact<Equal<ReturnType<TrickleStream[typeof Symbol.asyncIterator]>, TrickleStream>>();
  expectType<AsyncIterable<string>>(stream);
  expectType<AsyncIterableIterator<string>>(stream);
  // @ts-expect-error the chunks are strings
  expectType<AsyncIterable<number>>(stream);
  // @ts-expect-error a stream is async: for...of (without await) is refused
  for (const chunk of stream) void chunk;
  // @ts-expect-error next() takes nothing to send into the stream
  await stream.next('more');
}

// ---- stats()

export function statistics(trickle: Trickle) {
  const stats = trickle.stats();
  exact<Equal<typeof stats, TrickleStats>>();
  exact<Equal<TrickleStats, {
    liveStreams: number; scheduledTimers: number; heapBytesInUse: number; timerArmed: boolean;
  }>>();
  // @ts-expect-error no such field
  void stats.openStreams;
}

// ---- Clocks

export async function clocks(trickle: Trickle) {
  const clock = new ManualClock();
  new ManualClock({});
  new ManualClock({ now: 0 });
  exact<Equal<ReturnType<ManualClock['now']>, number>>();
  exact<Equal<typeof clock.pendingTimers, number>>();
  const cancel = clock.setTimer(() => {}, 10);
  exact<Equal<typeof cancel, () => void>>();
  cancel();
  exact<Equal<ReturnType<typeof clock.advance>, Promise<void>>>();
  await clock.advance(100);
  exact<Equal<ReturnType<typeof clock.runAll>, Promise<void>>>();
  await clock.runAll();
  await clock.runAll({ maxTimers: 10 });
  expectType<Clock>(clock);
  expectType<Clock>(trickle.clock);

  // trickle.clock is a Clock: now() and setTimer() always; advance() rejects unless manual.
  exact<Equal<Clock, {
    now(): number;
    setTimer(callback: () => void, delayMs: number): () => void;
    advance(ms: number): Promise<void>;
  }>>();
  await trickle.clock.advance(10);

  // @ts-expect-error pendingTimers is read-only
  clock.pendingTimers = 0;
  // @ts-expect-error the start time is named now
  new ManualClock({ start: 0 });
  // @ts-expect-error the start time is a number of milliseconds
  new ManualClock({ now: new Date() });
  // @ts-expect-error advance() takes milliseconds
  await clock.advance('10');
  // @ts-expect-error a callback that takes nothing
  clock.setTimer((late: number) => late, 10);
  // @ts-expect-error runAll's option is maxTimers
  await clock.runAll({ limit: 10 });
  // @ts-expect-error only a ManualClock has runAll()
  await trickle.clock.runAll();
}

// ---- The wire formats

export async function wire(trickle: Trickle) {
  const fetch = trickle.createFetch({
    reply: ({ lastUserText, format }) => ({ text: `${format}: ${lastUserText}`, toolCalls: [{ name: 'f', arguments: { a: 1 } }] }),
    preset: 'gpt-4o',
    fault: { http: { status: 429, retryAfterS: 1, times: 1 }, errorAfter: { probability: 0.01 }, reslice: { maxBytes: 9 } },
  });
  exact<Equal<typeof fetch, typeof globalThis.fetch>>();
  exact<Equal<typeof trickle.fetch, typeof globalThis.fetch>>();
  trickle.createFetch({ reply: 'markdown' });
  trickle.createFetch({ reply: { builtin: 'rtl', lang: 'zh' } });
  trickle.createFetch({ fixtures: [{ match: { lastUserText: /weather/i, format: ['openai-chat', 'anthropic'] }, answer: 'Sunny.', times: 1 }] });
  trickle.createFetch({ reply: async () => 'later' });
  const response = await trickle.response({ text: 'hi', reasoning: 'why' }, { format: 'anthropic', stream: false });
  exact<Equal<typeof response, Response>>();
  const body = trickle.stream('a b').toReadableStream({ format: 'ui-message', fault: { truncateAfter: 1 } });
  exact<Equal<typeof body, ReadableStream<Uint8Array>>>();
  // @ts-expect-error not a built-in answer
  trickle.createFetch({ reply: 'poetry' });
  // @ts-expect-error not a format
  await trickle.response('x', { format: 'klingon' });
  // @ts-expect-error a tool call needs a name
  await trickle.response({ toolCalls: [{ arguments: {} }] });
  // @ts-expect-error an unknown fault
  trickle.createFetch({ fault: { explode: true } });
}
