// trickle: LLM-style text streams produced by a C++20 coroutine in WebAssembly, consumed
// as JS async iterators.
//
//   import createTrickle from 'trickle';
//   const trickle = await createTrickle();
//   for await (const chunk of trickle.stream('你好 我 是 一个 模拟 的 LLM')) { ... }
//
// The public front. The work is done by small modules, each with one job:
//   stream/options.mjs  reading and checking stream options
//   stream/native.mjs   loading the wasm modules and reading their protocol
//   stream/engines.mjs  the core module, the full one and the tokenizer, loaded on first need
//   tokens/             the tokenizer's module and vocabularies (imported on first use)
//   stream/bridge.mjs   everything that crosses JS <-> wasm (slots, starts, records, the timer)
//   stream/timing.mjs   the timing model's options (ttftMs, tokensPerSecond, preset...)
//   stream/stream.mjs   one stream's async iterator
//   internal/clock.mjs  the event loop's clock and the ManualClock
//   internal/checks.mjs what the stream API and the toolbox share about bad input
//   internal/answer-checks.mjs, internal/replies.mjs  what createFetch() and response()
//                       check at once: answers, faults, fixtures, built-in answers' names
//   wire/               the wire formats' JS: the fetch, the bodies, the requests it
//                       routes (imported on first use, by stream/engines.mjs wire())
import { checkOptionsBag, describe, isFileSource, isPlainObject, own, toWellFormed } from './internal/checks.mjs';
import { ManualClock, eventLoopClock, isClock } from './internal/clock.mjs';
import { Bridge } from './stream/bridge.mjs';
import { Engines } from './stream/engines.mjs';
import { checkGivenOptions, readGivenPieces } from './stream/given.mjs';
import { loadNative } from './stream/native.mjs';
import { TIMING_OPTIONS } from './stream/timing.mjs';
import { CHAT_DEFAULTS, ENCODINGS, SPLIT_MODES, STREAM_DEFAULTS, checkEncoding, checkSplit, readStreamOptions } from './stream/options.mjs';
import { TrickleStream, keepShapes } from './stream/stream.mjs';
import { readAnswer, readFaults } from './internal/answer-checks.mjs';
import { builtinReply, fixturesReply, readFixtures } from './internal/replies.mjs';

export { ManualClock };


/**
 * The longest text a stream accepts, in UTF-16 units (JS string length): 2^27, about 134
 * million. Starting it needs up to 3 bytes per unit twice in wasm memory (the UTF-8 text
 * JS writes, and the stream's own copy), which stays well inside wasm's 2 GiB.
 */
export const MAX_TEXT_LENGTH = 2 ** 27;

// The options that time an answer (the seed only draws a plan).
const RETIMING_OPTIONS = ['delayMs', ...TIMING_OPTIONS.filter((name) => name !== 'seed')];

function checkText(where, name, text) {
  if (typeof text !== 'string') {
    throw new TypeError(`trickle.${where}: ${name} must be a string, got ${describe(text)}`);
  }
  if (text.length > MAX_TEXT_LENGTH) {
    throw new RangeError(`trickle.${where}: ${name} is ${text.length} UTF-16 units long; the most a stream takes is ${MAX_TEXT_LENGTH}`);
  }
  return toWellFormed(text);
}

function checkWasm(name, wasm) {
  if (wasm !== undefined && typeof wasm !== 'function' && !isFileSource(wasm)) {
    throw new TypeError(`createTrickle: ${name} must be a URL, a string, the file's bytes or a function that returns one of them, got ${describe(wasm)}`);
  }
  return wasm;
}

function readCreateOptions(options) {
  checkOptionsBag('createTrickle', options, ['clock', 'wasm', 'fullWasm', 'tokenizerWasm', 'tokenAssets']);
  let clock = own(options, 'clock') ?? eventLoopClock;
  if (clock === 'manual') clock = new ManualClock();
  if (!isClock(clock)) {
    throw new TypeError(`createTrickle: clock must be 'manual' or a ManualClock, got ${describe(clock)}`);
  }
  const assets = own(options, 'tokenAssets');
  checkOptionsBag('createTrickle: tokenAssets', assets, ENCODINGS);
  const tokenAssets = {};
  for (const encoding of ENCODINGS) tokenAssets[encoding] = checkWasm(`tokenAssets.${encoding}`, own(assets, encoding));
  return {
    clock,
    wasm: checkWasm('wasm', own(options, 'wasm')),
    fullWasm: checkWasm('fullWasm', own(options, 'fullWasm')),
    tokenFiles: { tokenizerWasm: checkWasm('tokenizerWasm', own(options, 'tokenizerWasm')), tokenAssets },
  };
}

const MAX_TOKEN_ID = 2 ** 32 - 1;

// The ids given to detokenize(), checked one by one (the vocabulary checks that each is a token).
function checkIds(ids) {
  const where = 'trickle.detokenize';
  if (!Array.isArray(ids) && !(ArrayBuffer.isView(ids) && !(ids instanceof DataView))) {
    throw new TypeError(`${where}: ids must be an array of token ids, got ${describe(ids)}`);
  }
  if (ids.length > MAX_TEXT_LENGTH) {
    throw new RangeError(`${where}: ${ids.length} ids are more than the ${MAX_TEXT_LENGTH} it takes at once`);
  }
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_TOKEN_ID) {
      throw new RangeError(`${where}: ids[${i}] is ${describe(id)}, not a token id (a whole number from 0)`);
    }
  }
  return Uint32Array.from(ids);
}

// The options of tokenize() and countTokens(): { encoding, allowSpecial }.
function readTokenOptions(where, options, names = ['encoding', 'allowSpecial']) {
  checkOptionsBag(where, options, names);
  const encoding = checkEncoding(where, own(options, 'encoding'));
  const allowSpecial = own(options, 'allowSpecial') ?? false;
  if (typeof allowSpecial !== 'boolean') {
    throw new TypeError(`${where}: allowSpecial must be true or false, got ${describe(allowSpecial)}`);
  }
  return { encoding, allowSpecial };
}

/**
 * Loads the WebAssembly module and returns a trickle instance. Each instance has its own
 * wasm memory, scheduler and single timer. Options: `clock` ('manual' or a ManualClock: time
 * moves only when you advance it), `wasm` and `fullWasm` (where the two .wasm files are, when
 * a bundler moved them: the second is loaded on first use of the timing model or a format).
 */
export default async function createTrickle(options) {
  const { clock, wasm, fullWasm, tokenFiles } = readCreateOptions(options);
  const { native, protocol } = await loadNative('core', wasm);
  return new Trickle(native, protocol, clock, fullWasm, tokenFiles);
}

// The reply option: a function, a built-in answer's name ('markdown', ...), or
// { builtin, lang }; undefined when not given.
function readReply(where, reply) {
  if (reply === undefined || typeof reply === 'function') return reply;
  if (typeof reply === 'string') return builtinReply(reply);
  if (reply !== null && typeof reply === 'object' && typeof reply.builtin === 'string') {
    checkOptionsBag(`${where}: reply`, reply, ['builtin', 'lang']);
    return builtinReply(reply.builtin, reply.lang ?? 'auto');
  }
  throw new TypeError(`${where}: reply must be a function (request => string | Answer), a built-in answer's name or { builtin, lang }, got ${describe(reply)}`);
}

// A copy of an options bag without some of its own keys (undefined stays undefined).
function withoutKeys(options, keys) {
  if (options === undefined) return undefined;
  const rest = {};
  for (const name of Object.keys(options)) if (!keys.includes(name)) rest[name] = options[name];
  return rest;
}

class Trickle {
  #engines;
  #defaultFetch = null;
  #bridge; // the core module's
  #clock;
  #chatTemplate; // [before, after] the prompt
  #keptShapes; // keepShapes() (stream/stream.mjs): never read

  constructor(native, protocol, clock, fullWasm, tokenFiles) {
    this.#clock = clock;
    this.#bridge = new Bridge(native, protocol, clock);
    this.#engines = new Engines(this.#bridge, clock, fullWasm, tokenFiles);
    this.#chatTemplate = protocol.chatTemplate;
    this.#keptShapes = keepShapes(this.#engines, readStreamOptions('stream', undefined, STREAM_DEFAULTS, protocol));
  }

  // The chat template lives in C++ (llm_stream.hpp), which gives it with the protocol: filled here.
  #chatFor(prompt) {
    return this.#chatTemplate[0] + prompt + this.#chatTemplate[1];
  }

  /** The instance's clock: the event loop's, or the ManualClock it was created with. */
  get clock() {
    return this.#clock;
  }

  /**
   * Streams the pieces of `text` (README: options delayMs, split, suffix, signal, timeoutMs,
   * failAfter, failMessage), or, when `text` is an array of strings, those pieces as they
   * are: on pace, on the timing model (each piece one token), or each at its own time
   * (options.offsetsMs: milliseconds after the first next(), one per piece).
   */
  stream(text, options) {
    if (Array.isArray(text)) return this.#streamPieces(text, options);
    if (isPlainObject(options) && own(options, 'offsetsMs') !== undefined) {
      throw new TypeError("trickle.stream: offsetsMs is for pieces given as an array: stream(['Hel', 'lo'], { offsetsMs: [0, 80] })");
    }
    const checked = checkText('stream', 'text', text);
    const settings = readStreamOptions('stream', options, STREAM_DEFAULTS, this.#bridge.protocol);
    settings.text = checked;
    return new TrickleStream(this.#engines, settings);
  }

  #streamPieces(pieces, options) {
    const where = 'trickle.stream';
    checkOptionsBag(where, options, [...Object.keys(STREAM_DEFAULTS), 'offsetsMs']);
    const offsetsMs = own(options, 'offsetsMs');
    checkGivenOptions(where, options, offsetsMs !== undefined);
    const settings = readStreamOptions('stream', withoutKeys(options, ['offsetsMs']), STREAM_DEFAULTS, this.#bridge.protocol);
    const given = readGivenPieces(where, pieces, offsetsMs, MAX_TEXT_LENGTH);
    settings.text = given.text;
    settings.split = 'given';
    settings.pieces = given.pieces;
    return new TrickleStream(this.#engines, settings);
  }

  /**
   * The pieces that stream(text, { split }) yields, all at once, as an array of strings: the
   * same cutters, with no schedule. split: 'whitespace' (the default), 'space', 'char',
   * 'grapheme' or 'tokens' (one piece per chunk of the tokenizer's `encoding`, as a stream
   * with tokensPerChunk 1 has). Asynchronous: graphemes are cut by the full module and tokens
   * by the tokenizer, each loaded on first use.
   */
  async pieces(text, options) {
    const where = 'trickle.pieces';
    const checked = checkText('pieces', 'text', text);
    checkOptionsBag(where, options, ['split', 'encoding']);
    const split = own(options, 'split') ?? STREAM_DEFAULTS.split;
    checkSplit(where, split, SPLIT_MODES);
    const encoding = own(options, 'encoding');
    if (split !== 'tokens') {
      if (encoding !== undefined) throw new TypeError(`${where}: encoding is the tokenizer's, for split: 'tokens'; these pieces are cut by ${split}`);
      return (await this.#engines.cutter(split)).pieces(checked, split);
    }
    const tokenizer = await this.#engines.tokenizer(checkEncoding(where, encoding));
    const { ends } = this.#engines.piecesOf(tokenizer, checked, 1);
    return Array.from(ends, (end, i) => checked.slice(i === 0 ? 0 : ends[i - 1], end));
  }

  /** Streams the FastAPI demo's answer to `prompt`: "你提问的是: {prompt}, 我正在流式生成答案...". */
  chat(prompt, options) {
    const checked = checkText('chat', 'prompt', prompt);
    const settings = readStreamOptions('chat', options, CHAT_DEFAULTS, this.#bridge.protocol);
    settings.text = this.#chatFor(checked);
    return new TrickleStream(this.#engines, settings);
  }

  /** The text chat(prompt) streams. */
  chatText(prompt) {
    return this.#chatFor(checkText('chatText', 'prompt', prompt));
  }

  /**
   * A fetch that answers as the real LLM APIs do (README, "Speak the real APIs"): point an
   * official client at it. `options`: reply (request => string | Answer, or a promise of
   * one; or a built-in answer's name, or { builtin, lang }; default: the lesson's chat
   * answer to the last user message), fixtures (rules matching requests to answers, first
   * match wins, the reply as their fallback), fault, and every stream option (delayMs,
   * split, the timing model, timeoutMs, failAfter...).
   */
  createFetch(options) {
    checkOptionsBag('trickle.createFetch', options, [...Object.keys(STREAM_DEFAULTS), 'reply', 'fixtures', 'fault']);
    let reply = readReply('trickle.createFetch', own(options, 'reply')) ?? (({ lastUserText }) => this.chatText(lastUserText));
    const fixtures = own(options, 'fixtures');
    if (fixtures !== undefined) {
      // Rules as given, or the JSON-safe shape ({ fixtures, fallback }, RegExps as { regex }).
      const read = Array.isArray(fixtures) ? { rules: fixtures } : readFixtures(fixtures);
      reply = fixturesReply(read.rules, { fallback: read.fallback ?? reply });
    }
    const faults = readFaults('trickle.createFetch', own(options, 'fault'));
    const streamOptions = withoutKeys(options, ['reply', 'fixtures', 'fault']);
    const settings = readStreamOptions('createFetch', streamOptions, CHAT_DEFAULTS, this.#bridge.protocol);
    if (settings.failAfter !== undefined && faults.spec.error.at < 0 && faults.spec.error.probability === 0) {
      // failAfter on a wire format: the format's own mid-stream error, after that many chunks.
      faults.spec.error = { at: settings.failAfter, probability: 0 };
      faults.spec.errorMessage = settings.failMessage;
    }
    // A reply's recorded chunks play at their own times unless these options time them.
    const retime = RETIMING_OPTIONS.some((name) => own(streamOptions, name) !== undefined);
    // The fetch itself is in the wire module, imported from now on; the first call waits
    // for it. One made fetch serves every call, so that its http fault is counted once.
    const engines = this.#engines;
    engines.wire().catch(() => {}); // a failure shows at the first call, which tries again
    let made = null;
    return async function trickleFetch(input, init) {
      const wire = await engines.wire();
      made ??= wire.makeFetch({ engines, settings, reply, faults, signal: settings.signal, retime });
      return made(input, init);
    };
  }

  /** createFetch() with the defaults: the lesson's chat answer, a word every 500 ms. */
  get fetch() {
    this.#defaultFetch ??= this.createFetch();
    return this.#defaultFetch;
  }

  /**
   * A Response that speaks `options.format` (default 'openai-chat') with `answer` (a string
   * or an Answer): for the routes you write yourself (MSW handlers, Next.js route handlers,
   * Hono). Streamed unless `options.stream` is false. Takes every createFetch option but
   * reply, and model.
   */
  async response(answer, options) {
    checkOptionsBag('trickle.response', options, [...Object.keys(STREAM_DEFAULTS), 'format', 'model', 'stream', 'fault']);
    const model = own(options, 'model') ?? 'trickle';
    if (typeof model !== 'string') throw new TypeError(`trickle.response: model must be a string, got ${describe(model)}`);
    const stream = own(options, 'stream') ?? true;
    if (typeof stream !== 'boolean') throw new TypeError(`trickle.response: stream must be true or false, got ${describe(stream)}`);
    const format = own(options, 'format') ?? 'openai-chat';
    readAnswer('trickle.response', answer); // refused here, not as a 500 from the fetch
    const reply = () => answer;
    const fetch = this.createFetch({ ...withoutKeys(options, ['format', 'model', 'stream']), reply });
    const { requestFor } = await this.#engines.wire();
    return fetch(...requestFor(format, model, stream));
  }

  /**
   * The token ids of `text` in `options.encoding` ('o200k_base', the default, or
   * 'cl100k_base'), as OpenAI's tokenizers give them. Special tokens ('<|endoftext|>'...)
   * are plain text unless `options.allowSpecial` is true. The tokenizer and the encoding's
   * vocabulary are loaded on first use (once per instance).
   */
  async tokenize(text, options) {
    const { encoding, allowSpecial } = readTokenOptions('trickle.tokenize', options);
    const checked = checkText('tokenize', 'text', text);
    const tokenizer = await this.#engines.tokenizer(encoding);
    return Array.from(tokenizer.encode(checked, { allowSpecial }));
  }

  /**
   * The text of token ids (special tokens' ids give their text). A token that ends inside a
   * character shows U+FFFD there, as TextDecoder does. A RangeError names the first id that
   * is not a token of the encoding.
   */
  async detokenize(ids, options) {
    checkOptionsBag('trickle.detokenize', options, ['encoding']);
    const encoding = checkEncoding('trickle.detokenize', own(options, 'encoding'));
    const checked = checkIds(ids);
    const tokenizer = await this.#engines.tokenizer(encoding);
    try {
      return tokenizer.decode(checked);
    } catch (error) {
      if (error instanceof RangeError) throw new RangeError(error.message.replace(/^trickle: /, 'trickle.detokenize: '));
      throw error;
    }
  }

  /** How many tokens tokenize(text, options) gives, without making the list. */
  async countTokens(text, options) {
    const { encoding, allowSpecial } = readTokenOptions('trickle.countTokens', options);
    const checked = checkText('countTokens', 'text', text);
    const tokenizer = await this.#engines.tokenizer(encoding);
    return tokenizer.count(checked, { allowSpecial });
  }

  /** The names of the timing presets (the `preset` option), each a measured model. */
  get presets() {
    return [...this.#bridge.protocol.presetNames];
  }

  /** Numbers for tests and curious users: what the wasm side holds right now. */
  stats() {
    return this.#engines.stats();
  }
}
