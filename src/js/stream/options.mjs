// The options of stream() and chat(), read once into a fixed shape and checked, with
// messages that say what to do. Only own properties count: an option set on
// Object.prototype changes nothing. The timing model's options are read by timing.mjs.
import { checkDelay, checkOptionsObject, checkSignal, describe, unknownOption } from '../internal/checks.mjs';
import { TIMING_OPTIONS, checkSeed, drawSeed, readTiming } from './timing.mjs';

/** The split modes, in the order of the protocol's split codes (split_whitespace, ..., split_given). */
export const SPLIT_MODES = Object.freeze(['whitespace', 'space', 'char', 'grapheme', 'tokens']);
/** The tokenizer's encodings (split: 'tokens', trickle.tokenize...), the default first. */
export const ENCODINGS = Object.freeze(['o200k_base', 'cl100k_base']);
const MAX_FAIL_AFTER = 2147483647;

export const STREAM_DEFAULTS = Object.freeze({
  delayMs: 500,
  split: 'whitespace',
  suffix: '',
  signal: undefined,
  timeoutMs: undefined,
  failAfter: undefined,
  failMessage: undefined,
  encoding: undefined,
  ...Object.fromEntries(TIMING_OPTIONS.map((name) => [name, undefined])),
});
export const CHAT_DEFAULTS = Object.freeze({ ...STREAM_DEFAULTS, suffix: ' ' });
const KNOWN_OPTIONS = Object.keys(STREAM_DEFAULTS);

const TIMING_NAMES = new Set(TIMING_OPTIONS);

/**
 * One stream's settings. Every stream gets one of the same shape (one hidden class: creating
 * thousands of streams stays cheap), made with the defaults, then given the options.
 */
export class StreamSettings {
  constructor(defaults) {
    this.text = ''; // set by the caller
    this.delayMs = defaults.delayMs;
    this.split = defaults.split;
    this.suffix = defaults.suffix;
    this.signal = undefined;
    this.timeoutMs = undefined;
    this.failAfter = undefined;
    this.failMessage = undefined;
    this.timing = null; // a timing block (timing.mjs), or null: the fixed delay
    this.timingPreset = null; // the preset whose figures the block still waits for (Bridge.timingOf)
    this.seed = undefined;
    this.seedGiven = false;
    this.encoding = undefined;
    // split 'tokens': how many tokens a chunk holds (the timing block's, or 1), and the
    // stream's pieces { ends, tokens } once its tokenizer has cut the text.
    this.tokensPerChunk = 1;
    this.pieces = null;
  }
}

/** The `encoding` option: one of ENCODINGS (undefined: the default). */
export function checkEncoding(where, encoding) {
  if (encoding === undefined) return ENCODINGS[0];
  if (typeof encoding !== 'string') {
    throw new TypeError(`${where}: encoding must be a string, got ${describe(encoding)}`);
  }
  if (!ENCODINGS.includes(encoding)) {
    throw new RangeError(`${where}: encoding must be ${ENCODINGS.map((name) => `'${name}'`).join(' or ')}, got "${encoding}"`);
  }
  return encoding;
}

// Copies the options given (own properties; an option set to undefined keeps its default)
// into `read`, in one pass over the names the object has: the usual { delayMs } costs one
// read, where asking Object.hasOwn() for each of the twenty options took a third of the time
// of making 10,000 streams. Returns the timing options given (those not undefined), or null
// when there are none. Values are checked afterwards; an unknown name (enumerable, as
// checkOptionsBag counts them) throws here, before any of them is.
function readOwnOptions(where, options, read) {
  let timing = null;
  let suffixGiven = false;
  for (const name of Object.getOwnPropertyNames(options)) {
    const value = options[name];
    switch (name) {
      case 'delayMs': if (value !== undefined) read.delayMs = value; break;
      case 'split': if (value !== undefined) read.split = value; break;
      case 'suffix':
        if (value !== undefined) {
          read.suffix = value;
          suffixGiven = true;
        }
        break;
      case 'signal': read.signal = value; break;
      case 'timeoutMs': read.timeoutMs = value; break;
      case 'failAfter': read.failAfter = value; break;
      case 'failMessage': read.failMessage = value; break;
      case 'encoding': read.encoding = value; break;
      default:
        if (TIMING_NAMES.has(name)) {
          if (name === 'seed') read.seed = value;
          if (value !== undefined) (timing ??= {})[name] = value;
        } else if (Object.prototype.propertyIsEnumerable.call(options, name)) {
          throw unknownOption(where, name, KNOWN_OPTIONS);
        }
    }
  }
  // Tokens carry their own spaces: chat()'s ' ' after each word would only break them.
  if (!suffixGiven && read.split === 'tokens') read.suffix = '';
  return timing;
}

/** Checks a split mode's name against `modes`; throws TypeError or RangeError. */
export function checkSplit(where, split, modes) {
  if (typeof split !== 'string') {
    throw new TypeError(`${where}: split must be a string, got ${describe(split)}`);
  }
  if (!modes.includes(split)) {
    throw new RangeError(`${where}: split must be ${modes.map((mode) => `'${mode}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')}, got "${split}"`);
  }
}

/**
 * Reads and checks the options of trickle.`method`; throws TypeError or RangeError.
 * `protocol` is the wasm module's (protocol.hpp, read by native.mjs), for the timing model.
 */
export function readStreamOptions(method, options, defaults, protocol) {
  const where = `trickle.${method}`;
  const read = new StreamSettings(defaults);
  let given = null;
  if (options !== undefined) {
    checkOptionsObject(where, options);
    given = readOwnOptions(where, options, read);
  }
  checkDelay(where, 'delayMs', read.delayMs);
  checkSplit(where, read.split, SPLIT_MODES);
  if (typeof read.suffix !== 'string') {
    throw new TypeError(`${where}: suffix must be a string, got ${describe(read.suffix)}`);
  }
  checkSignal(where, read.signal);
  if (read.timeoutMs !== undefined) checkDelay(where, 'timeoutMs', read.timeoutMs);
  if (read.failAfter !== undefined) {
    if (typeof read.failAfter !== 'number') {
      throw new TypeError(`${where}: failAfter must be a number of chunks, got ${describe(read.failAfter)}`);
    }
    if (!Number.isInteger(read.failAfter) || read.failAfter < 0 || read.failAfter > MAX_FAIL_AFTER) {
      throw new RangeError(`${where}: failAfter must be a whole number from 0 to ${MAX_FAIL_AFTER}, got ${read.failAfter}`);
    }
  }
  if (read.failMessage !== undefined && typeof read.failMessage !== 'string') {
    throw new TypeError(`${where}: failMessage must be a string, got ${describe(read.failMessage)}`);
  }
  if (read.failAfter !== undefined && read.failMessage === undefined) {
    read.failMessage = `trickle: simulated failure after ${read.failAfter} chunks`;
  }
  const tokens = read.split === 'tokens';
  if (tokens) {
    read.encoding = checkEncoding(where, read.encoding);
  } else if (read.encoding !== undefined) {
    throw new TypeError(`${where}: encoding is the tokenizer's, for split: 'tokens'; this stream splits by ${read.split}`);
  }
  if (given !== null) {
    const timing = readTiming(where, given, read.delayMs, protocol, tokens);
    if (timing !== null) {
      read.timing = timing.block;
      read.timingPreset = timing.preset;
      // A preset's own chunk size is known once its figures are (Bridge.timingOf).
      const tokensPerChunk = timing.block[protocol.timingTokensPerChunk];
      if (tokens && !Number.isNaN(tokensPerChunk)) read.tokensPerChunk = tokensPerChunk;
    }
  }
  // A seed given is kept (a fetch then gives every response the same schedule); one drawn
  // is the stream's own (a fetch draws one for each response).
  read.seedGiven = read.seed !== undefined;
  read.seed = read.seed === undefined ? drawSeed() : checkSeed(where, read.seed);
  return read;
}
