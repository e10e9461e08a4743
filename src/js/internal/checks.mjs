// Checking what callers pass, shared by the stream API and the toolbox: one description of
// a bad value, one AbortSignal test, one way to read an options bag, so that both halves of
// the library say the same thing about the same mistake; and reading the files
// createTrickle's options name.

/** What setTimeout accepts: the longest delay either half of the library schedules. */
export const MAX_DELAY_MS = 2147483647;

/** A value as an error message names it: `the string "x"`, `number 7`, `an array`... */
export function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'object':
      return isAsyncIterable(value) ? 'an async iterable' : 'an object';
    default:
      return `${typeof value} ${String(value)}`;
  }
}

/** An object, not null and not an array (an options bag, a field that takes an object). */
export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isAsyncIterable(value) {
  return value != null && typeof value[Symbol.asyncIterator] === 'function';
}

export function isThenable(value) {
  return value != null && (typeof value === 'object' || typeof value === 'function')
    && typeof value.then === 'function';
}

/**
 * Duck-typed, so that a signal from another realm (an iframe, a test runner) works too; but
 * everything the library uses must be there.
 */
export function isAbortSignal(value) {
  return value !== null && typeof value === 'object' && typeof value.aborted === 'boolean'
    && typeof value.addEventListener === 'function' && typeof value.removeEventListener === 'function';
}

/** An options bag given (not undefined) must be an object: not null, an array or a primitive. */
export function checkOptionsObject(where, options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  }
}

/**
 * Checks an options bag: undefined, or a plain object whose own enumerable properties are
 * all in `known` (an array of names). Only own properties count: a property inherited from
 * Object.prototype is never an option. Throws TypeError naming `where`.
 */
export function checkOptionsBag(where, options, known) {
  if (options === undefined) return;
  checkOptionsObject(where, options);
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw unknownOption(where, name, known);
  }
}

/** The TypeError of an options bag's name that is not among `known`. */
export function unknownOption(where, name, known) {
  return new TypeError(`${where}: unknown option "${name}" (known: ${known.join(', ')})`);
}

/** An own property of an options bag, or undefined: inherited properties are not options. */
export function own(options, name) {
  return options !== undefined && Object.hasOwn(options, name) ? options[name] : undefined;
}

/** The `signal` option: undefined or an AbortSignal. */
export function checkSignal(where, signal) {
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError(`${where}: signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return signal;
}

/** A delay in milliseconds from 0 to MAX_DELAY_MS; `allowInfinity` also takes Infinity (no timer at all). */
export function checkDelay(where, name, value, allowInfinity = false) {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: ${name} must be a number of milliseconds, got ${describe(value)}`);
  }
  if (allowInfinity && value === Infinity) return value;
  if (!(value >= 0 && value <= MAX_DELAY_MS)) {
    const range = allowInfinity ? `between 0 and ${MAX_DELAY_MS}, or Infinity;` : `between 0 and ${MAX_DELAY_MS},`;
    throw new RangeError(`${where}: ${name} must be ${range} got ${value}`);
  }
  return value;
}

/** A whole number from `min`; `allowInfinity` also takes Infinity (no limit). */
export function checkCount(where, name, value, min, allowInfinity = false) {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: ${name} must be a number, got ${describe(value)}`);
  }
  if (allowInfinity && value === Infinity) return value;
  if (!(Number.isInteger(value) && value >= min && value <= Number.MAX_SAFE_INTEGER)) {
    const infinity = allowInfinity ? ', or Infinity' : '';
    throw new RangeError(`${where}: ${name} must be a whole number from ${min}${infinity}; got ${value}`);
  }
  return value;
}

/** The reason an aborted signal gives: its own, or (for a reason-less old signal) an AbortError. */
export function abortReason(signal) {
  return signal.reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : signal.reason;
}

/**
 * Reads an options bag of the toolbox's kind: checks it (checkOptionsBag), returns an object
 * with each of `names` read from its own properties (undefined when absent), and checks
 * `signal` when it is one of them.
 */
export function readOptions(where, options, names) {
  checkOptionsBag(where, options, names);
  const read = {};
  for (const name of names) read[name] = own(options, name);
  if (names.includes('signal')) checkSignal(where, read.signal);
  return read;
}

// The items argument as an array; a single stream is a common mistake, named as such.
export function toList(where, items) {
  if (typeof items === 'string' || typeof items?.[Symbol.iterator] !== 'function') {
    const hint = isAsyncIterable(items) ? ' (one stream? put it in an array: [stream])' : '';
    throw new TypeError(`${where}: items must be an iterable such as an array, got ${describe(items)}${hint}`);
  }
  return [...items];
}

/**
 * The iterator of an async iterable, as for-await gets it: a result that is not an object
 * is the TypeError for-await throws, so that code reading it never calls next() on 5.
 */
export function getAsyncIterator(iterable) {
  const iterator = iterable[Symbol.asyncIterator]();
  if (Object(iterator) !== iterator) {
    throw new TypeError('Result of the Symbol.asyncIterator method is not an object');
  }
  return iterator;
}

/**
 * An iterator's result as for-await reads it: `done` (any truthy value), then `value` unless
 * done. A result that is not an object (5, null, undefined) is for-await's TypeError, with
 * its message; a getter that throws throws here. Code that loops on next() must read results
 * through this: `result.done` on 5 is undefined, and a loop that takes that for "not done"
 * never ends.
 */
export function readIteratorResult(result) {
  if (Object(result) !== result) throw new TypeError(`Iterator result ${String(result)} is not an object`);
  if (result.done) return { value: undefined, done: true };
  return { value: result.value, done: false };
}

/**
 * `text` with each lone surrogate replaced by U+FFFD, as TextEncoder encodes it (one UTF-16
 * unit for one, so every other position is unchanged): what crosses into wasm as UTF-8.
 */
export const toWellFormed = typeof String.prototype.toWellFormed === 'function'
  ? (text) => text.toWellFormed()
  : (text) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/**
 * Where one of trickle's files comes from, as createTrickle's options give it: a URL, a
 * string, the bytes (ArrayBuffer or any view), or a function that returns (a promise of)
 * one of those and is called when the file (named `file` in errors) is first needed. Returns
 * the function's result, checked; anything else as it is. A function that returns something
 * else is a TypeError; one that fails, an Error that names the file and the option.
 */
export async function fileSource(option, file, source) {
  if (typeof source !== 'function') return source;
  let given;
  try {
    given = await source();
  } catch (error) {
    throw new Error(`trickle: could not load ${file}: the function given as createTrickle's ${option} failed (${error?.message ?? error})`, { cause: error });
  }
  if (!isFileSource(given)) {
    throw new TypeError(`createTrickle: ${option}: the function must return (a promise of) a URL, a string or the bytes, got ${describe(given)}`);
  }
  return given;
}

/** Whether `value` is a URL, a string or bytes: what a file option may be besides a function. */
export function isFileSource(value) {
  return typeof value === 'string' || value instanceof URL || value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

// Reading the files those options name (trickle's .wasm modules, the tokenizer's
// vocabularies): from a URL (file: URLs read with fs in Node, anything else fetched) or from
// the bytes given. Here beside fileSource(), so that the package's bundler keeps them in the
// chunk both the core and the tokenizer already load.

const NODE_FS = 'node:fs/promises';
const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

/** `source` (a URL or string) resolved against the page, or this module outside a page. */
export function urlOf(source) {
  return new URL(source, globalThis.location?.href ?? import.meta.url);
}

// Node's fetch() refuses file: URLs: there they are read from disk.
const onDisk = (url) => isNode && url.protocol === 'file:';

// The response to a fetch of `url`, refused unless it is a success.
async function fetchOk(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}

/**
 * The bytes at a URL (string or URL), or the bytes given (ArrayBuffer or any view), as a
 * Uint8Array.
 */
export async function readBytes(source) {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  const url = urlOf(source);
  if (onDisk(url)) {
    // The module name is not a literal, so that bundlers building for the browser leave it alone.
    const { readFile } = await import(/* @vite-ignore */ NODE_FS);
    return new Uint8Array(await readFile(url));
  }
  return new Uint8Array(await (await fetchOk(url)).arrayBuffer());
}

/**
 * A .wasm at a URL, or given as bytes, compiled (a WebAssembly.Module). A fetched file served
 * as application/wasm compiles while it downloads; one served as anything else (a server
 * that does not know .wasm) is read whole first.
 */
export async function compileWasm(source) {
  const url = typeof source === 'string' || source instanceof URL ? urlOf(source) : null;
  if (url === null || onDisk(url) || typeof WebAssembly.compileStreaming !== 'function') {
    return WebAssembly.compile(await readBytes(url ?? source));
  }
  const response = await fetchOk(url);
  if (/^application\/wasm\b/i.test(response.headers.get('content-type') ?? '')) return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}
