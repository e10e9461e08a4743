// Streams over pieces given already cut: stream(['Hel', 'lo', ' world'], { offsetsMs }).
// A recorded stream (a provider's deltas and when each came) plays back chunk for chunk, at
// its own times, or on the pace or timing model of any other stream.
//
// The pieces reach the full module as a text and the UTF-16 end of each piece in it
// (src/core/stream/given.hpp), the same lists a stream cut into tokens sends; offsetsMs,
// when given, become microseconds after the first next(). Everything is checked here, so
// that a bad list is a TypeError or RangeError at the call, naming the piece, rather than a
// failure at the first next().
import { MAX_DELAY_MS, describe, toWellFormed } from '../internal/checks.mjs';
import { TIMING_OPTIONS } from './timing.mjs';


// Options that cut or time a text, which pieces with their own offsets have no use for.
const CUTTING = ['split', 'encoding', 'tokensPerChunk'];
const TIMING = ['delayMs', ...TIMING_OPTIONS.filter((name) => name !== 'seed')];

function isList(value) {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Refuses the options that make no sense with pieces given (`options` is a checked bag):
 * those that cut a text, and, with offsetsMs, those that time one.
 */
export function checkGivenOptions(where, options, withOffsets) {
  if (options === undefined) return;
  for (const name of CUTTING) {
    if (Object.hasOwn(options, name) && options[name] !== undefined) {
      throw new TypeError(`${where}: ${name} cuts a text; pieces given as an array are streamed as they are`);
    }
  }
  if (!withOffsets) return;
  for (const name of TIMING) {
    if (Object.hasOwn(options, name) && options[name] !== undefined) {
      throw new TypeError(`${where}: offsetsMs gives each piece's time, so ${name} does not apply; give one or the other`);
    }
  }
}

/**
 * The text that `pieces` (an array of strings) join into, and the pieces as the bridge sends
 * them: { ends, tokens: null (one each), offsetsUs (or null) }. Each piece is made
 * well-formed on its own (a surrogate pair split across two pieces becomes two U+FFFD, as
 * each piece would be decoded alone), so no chunk is ever half a character.
 */
export function readGivenPieces(where, pieces, offsetsMs, maxLength) {
  const count = pieces.length;
  const ends = new Uint32Array(count);
  const parts = new Array(count);
  let length = 0;
  for (let i = 0; i < count; i++) {
    const piece = pieces[i];
    if (typeof piece !== 'string') {
      throw new TypeError(`${where}: pieces[${i}] must be a string, got ${piece === undefined && !(i in pieces) ? 'a hole' : describe(piece)}`);
    }
    if (piece.length === 0) {
      throw new RangeError(`${where}: pieces[${i}] is empty; a stream yields no empty chunk, so leave it out (and its offset)`);
    }
    length += piece.length;
    if (length > maxLength) {
      throw new RangeError(`${where}: the pieces are more than ${maxLength} UTF-16 units together, the most a stream takes`);
    }
    parts[i] = toWellFormed(piece);
    ends[i] = length;
  }
  return { text: parts.join(''), pieces: { ends, tokens: null, offsetsUs: readOffsets(where, offsetsMs, count) } };
}

// offsetsMs: one arrival per piece, in milliseconds after the first next(), never
// decreasing; as whole microseconds (the scheduler's unit), or null when not given.
function readOffsets(where, offsetsMs, count) {
  if (offsetsMs === undefined) return null;
  if (!isList(offsetsMs)) {
    throw new TypeError(`${where}: offsetsMs must be an array of milliseconds, one per piece, got ${describe(offsetsMs)}`);
  }
  if (offsetsMs.length !== count) {
    throw new RangeError(`${where}: offsetsMs has ${offsetsMs.length} entries for ${count} pieces; give one per piece`);
  }
  const offsetsUs = new Float64Array(count);
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const ms = offsetsMs[i];
    if (typeof ms !== 'number') {
      throw new TypeError(`${where}: offsetsMs[${i}] must be a number of milliseconds, got ${describe(ms)}`);
    }
    if (!(ms >= 0 && ms <= MAX_DELAY_MS)) {
      throw new RangeError(`${where}: offsetsMs[${i}] must be between 0 and ${MAX_DELAY_MS}, got ${ms}`);
    }
    if (ms < previous) {
      throw new RangeError(`${where}: offsetsMs[${i}] (${ms}) is before offsetsMs[${i - 1}] (${previous}); `
        + 'offsets count from the first next() and never decrease');
    }
    previous = ms;
    offsetsUs[i] = Math.round(ms * 1000);
  }
  return offsetsUs;
}
