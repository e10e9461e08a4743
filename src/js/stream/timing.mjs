// The timing options of a stream: how a real model spaces its answer (a pause before the
// first chunk, a rate, jitter, stalls, bursts), read and checked here, run in C++
// (src/core/stream/timing.hpp, which says precisely what each one means).
//
//   preset           'gpt-4o', 'claude-sonnet', ...: a measured model, any field overridable
//   ttftMs           time to the first chunk (its mean; ttftJitter spreads it)
//   ttftJitter       'none' | { kind: 'uniform' | 'lognormal', sigma }
//   tokensPerSecond  a rate in tokens (a piece counts as one token until a tokenizer counts)
//   charsPerSecond   or in characters (UTF-16 units, what string.length counts)
//   jitter           the gaps' spread around the rate: 'none' | { kind, sigma }
//   stalls           'none' | { probability, minMs, maxMs, catchUp }: pauses between chunks
//   burst            chunks delivered together (several deltas in one network read)
//   tokensPerChunk   split: 'tokens' only: tokens in one chunk (one delta): 1 is OpenAI's
//                    shape, 2-4 Anthropic's, more Gemini's; each chunk costs its tokens
//   seed             the plan's seed: the same seed, the same schedule, everywhere
//
// With none of them, a stream keeps the lesson's schedule: a piece every delayMs. A preset
// comes from the wasm module (C++ holds the one table of presets, with their sources). A
// preset gives a provider's chunk size twice (src/core/stream/presets.cpp): as
// tokensPerChunk for a stream cut into tokens, whose preset burst is then not used (unless
// burst is given), and as burst for the other splits, which ignore its tokensPerChunk.
// The result is a timing block (src/core/bridge/protocol.hpp), or null for the fixed delay.
import { MAX_DELAY_MS, checkCount, checkDelay, describe, isPlainObject } from '../internal/checks.mjs';

export const TIMING_OPTIONS = Object.freeze(['preset', 'ttftMs', 'ttftJitter', 'tokensPerSecond', 'charsPerSecond',
  'jitter', 'stalls', 'burst', 'tokensPerChunk', 'seed']);
const JITTER_KINDS = ['none', 'uniform', 'lognormal'];
const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** A fresh seed: a whole number below 2^53, for a stream that was given none. */
export function drawSeed() {
  return Math.floor(Math.random() * MAX_SEED);
}

/** The seed option: a whole number from 0 to 2^53 - 1. */
export function checkSeed(where, seed) {
  if (typeof seed !== 'number') {
    throw new TypeError(`${where}: seed must be a whole number, got ${describe(seed)}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`${where}: seed must be a whole number from 0 to ${MAX_SEED} (2^53 - 1), got ${seed}`);
  }
  return seed;
}

function readJitter(where, name, value, protocol) {
  if (value === 'none') return [protocol.jitterNone, 0];
  if (!isPlainObject(value)) {
    throw new TypeError(`${where}: ${name} must be 'none' or { kind: 'uniform' | 'lognormal', sigma }, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (key !== 'kind' && key !== 'sigma') throw new TypeError(`${where}: ${name} has an unknown field "${key}" (known: kind, sigma)`);
  }
  const { kind, sigma } = value;
  if (!JITTER_KINDS.includes(kind)) {
    throw new RangeError(`${where}: ${name}.kind must be 'none', 'uniform' or 'lognormal', got ${describe(kind)}`);
  }
  if (kind === 'none') {
    if (sigma !== undefined && sigma !== 0) throw new RangeError(`${where}: ${name}.kind is 'none': leave sigma out, or choose uniform or lognormal`);
    return [protocol.jitterNone, 0];
  }
  if (typeof sigma !== 'number') throw new TypeError(`${where}: ${name}.sigma must be a number, got ${describe(sigma)}`);
  const most = kind === 'uniform' ? 1 : 2;
  if (!(sigma >= 0 && sigma <= most)) {
    const what = kind === 'uniform'
      ? 'the largest relative deviation: 0.2 makes each gap 80% to 120% of the mean'
      : 'the standard deviation of the logarithm: 0.5 is lively, 1 very uneven';
    throw new RangeError(`${where}: ${name}.sigma must be between 0 and ${most} for ${kind} jitter (${what}), got ${sigma}`);
  }
  return [kind === 'uniform' ? protocol.jitterUniform : protocol.jitterLognormal, sigma];
}

function readRate(where, name, value) {
  if (typeof value !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${describe(value)}`);
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${where}: ${name} must be a positive finite number (per second), got ${value}`);
  }
  return value;
}

function readStalls(where, value, block, p) {
  if (value === 'none') {
    block[p.timingStallProbability] = 0;
    block[p.timingStallMinUs] = 0;
    block[p.timingStallMaxUs] = 0;
    return;
  }
  if (!isPlainObject(value)) {
    throw new TypeError(`${where}: stalls must be 'none' or { probability, minMs, maxMs, catchUp }, got ${describe(value)}`);
  }
  const known = ['probability', 'minMs', 'maxMs', 'catchUp'];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`${where}: stalls has an unknown field "${key}" (known: ${known.join(', ')})`);
  }
  const { probability, minMs, maxMs = minMs, catchUp = false } = value;
  if (typeof probability !== 'number') throw new TypeError(`${where}: stalls.probability must be a number, got ${describe(probability)}`);
  if (!(probability >= 0 && probability <= 1)) {
    throw new RangeError(`${where}: stalls.probability is per chunk and must be between 0 and 1 (0.01: one chunk in a hundred), got ${probability}`);
  }
  checkDelay(where, 'stalls.minMs', minMs);
  checkDelay(where, 'stalls.maxMs', maxMs);
  if (minMs > maxMs) throw new RangeError(`${where}: stalls.minMs (${minMs}) is longer than stalls.maxMs (${maxMs}): swap them`);
  if (typeof catchUp !== 'boolean') throw new TypeError(`${where}: stalls.catchUp must be true or false, got ${describe(catchUp)}`);
  block[p.timingStallProbability] = probability;
  block[p.timingStallMinUs] = Math.round(minMs * 1000);
  block[p.timingStallMaxUs] = Math.round(maxMs * 1000);
  block[p.timingStallCatchUp] = catchUp ? 1 : 0;
}

/**
 * The timing of a stream's options (`read`: the own properties named in TIMING_OPTIONS,
 * undefined when absent): { block, preset }, or null when none is set: the fixed delay.
 * `block` is a timing block; with a `preset` (its name) the fields the options leave to the
 * preset are NaN, filled by withPreset() once the full module, which has the presets'
 * figures, is there (the module createTrickle() loads has only their names, in
 * protocol.presetNames). `tokens`: the stream is cut into tokens. Throws TypeError or RangeError.
 */
export function readTiming(where, read, delayMs, protocol, tokens = false) {
  const p = protocol;
  if (read.tokensPerChunk !== undefined && !tokens) {
    throw new TypeError(`${where}: tokensPerChunk is for split: 'tokens' (a chunk of other pieces holds one; burst delivers several together)`);
  }
  if (read.preset === undefined && read.ttftMs === undefined && read.ttftJitter === undefined
      && read.tokensPerSecond === undefined && read.charsPerSecond === undefined && read.jitter === undefined
      && read.stalls === undefined && read.burst === undefined && read.tokensPerChunk === undefined) {
    return null;
  }
  let block;
  const preset = read.preset;
  if (preset !== undefined) {
    if (typeof preset !== 'string') throw new TypeError(`${where}: preset must be a string, got ${describe(preset)}`);
    if (!p.presetNames.includes(preset)) {
      throw new RangeError(`${where}: no preset is called "${preset}" (known: ${p.presetNames.join(', ')})`);
    }
    block = new Float64Array(p.timingFieldCount).fill(NaN);
    if (tokens) block[p.timingBurst] = 1; // its chunk size is its tokensPerChunk (see above)
  } else {
    block = new Float64Array(p.timingFieldCount);
    block[p.timingDelayUs] = Math.round(delayMs * 1000);
    block[p.timingTtftUs] = -1;
    block[p.timingBurst] = 1;
    block[p.timingTokensPerChunk] = 1;
  }
  if (read.ttftMs !== undefined) block[p.timingTtftUs] = Math.round(checkDelay(where, 'ttftMs', read.ttftMs) * 1000);
  if (read.ttftJitter !== undefined) [block[p.timingTtftJitter], block[p.timingTtftSigma]] = readJitter(where, 'ttftJitter', read.ttftJitter, p);
  if (read.tokensPerSecond !== undefined && read.charsPerSecond !== undefined) {
    throw new TypeError(`${where}: give tokensPerSecond or charsPerSecond, not both`);
  }
  if (read.tokensPerSecond !== undefined) {
    block[p.timingTokensPerSecond] = readRate(where, 'tokensPerSecond', read.tokensPerSecond);
    block[p.timingCharsPerSecond] = 0;
  }
  if (read.charsPerSecond !== undefined) {
    block[p.timingCharsPerSecond] = readRate(where, 'charsPerSecond', read.charsPerSecond);
    block[p.timingTokensPerSecond] = 0;
  }
  if (read.jitter !== undefined) [block[p.timingJitter], block[p.timingSigma]] = readJitter(where, 'jitter', read.jitter, p);
  if (read.stalls !== undefined) readStalls(where, read.stalls, block, p);
  if (read.burst !== undefined) block[p.timingBurst] = checkCount(where, 'burst', read.burst, 1);
  if (block[p.timingBurst] > MAX_DELAY_MS) throw new RangeError(`${where}: burst must be at most ${MAX_DELAY_MS}`);
  if (read.tokensPerChunk !== undefined) {
    block[p.timingTokensPerChunk] = checkCount(where, 'tokensPerChunk', read.tokensPerChunk, 1);
    if (read.tokensPerChunk > MAX_DELAY_MS) throw new RangeError(`${where}: tokensPerChunk must be at most ${MAX_DELAY_MS}`);
  }
  return { block, preset: preset ?? null };
}

/** A block read with a preset, each field the options left to it (NaN) taken from `presetBlock`. */
export function withPreset(block, presetBlock) {
  return block.map((value, i) => (Number.isNaN(value) ? presetBlock[i] : value));
}
