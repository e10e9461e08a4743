// Bad input: a clear JS error of the expected kind, and the instance keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle from '../../src/js/trickle.mjs';
import { collect } from './support.mjs';

const trickle = await createTrickle();

async function stillWorks() {
  assert.deepEqual(await collect(trickle.stream('still works', { delayMs: 0 })), ['still', 'works']);
}

test('non-string text or prompt is a TypeError', async () => {
  for (const bad of [undefined, null, 42, {}, Symbol('s'), new String('boxed')]) {
    assert.throws(() => trickle.stream(bad), TypeError);
    assert.throws(() => trickle.chat(bad), TypeError);
  }
  // An array is pieces for stream() (given-pieces.test.mjs), never a prompt.
  assert.throws(() => trickle.chat(['a']), TypeError);
  assert.throws(() => trickle.stream([42]), { name: 'TypeError', message: /pieces\[0\] must be a string, got number 42/ });
  assert.throws(() => trickle.stream(7), { name: 'TypeError', message: /text must be a string, got number 7/ });
  await stillWorks();
});

test('a negative, NaN, infinite or too large delay is a RangeError', async () => {
  for (const delayMs of [-1, -0.001, NaN, Infinity, -Infinity, 2 ** 31]) {
    assert.throws(() => trickle.stream('a', { delayMs }), RangeError, `delayMs ${delayMs}`);
  }
  assert.throws(() => trickle.stream('a', { delayMs: -5 }), { message: /delayMs must be between 0 and 2147483647, got -5/ });
  await stillWorks();
});

test('options of the wrong type are TypeErrors; unknown values are RangeErrors', async () => {
  assert.throws(() => trickle.stream('a', { delayMs: '500' }), TypeError);
  assert.throws(() => trickle.stream('a', { split: 3 }), TypeError);
  assert.throws(() => trickle.stream('a', { split: 'words' }), { name: 'RangeError', message: /'whitespace', 'space', 'char', 'grapheme' or 'tokens'/ });
  assert.throws(() => trickle.stream('a', { suffix: 1 }), TypeError);
  assert.throws(() => trickle.stream('a', { failAfter: '2' }), TypeError);
  assert.throws(() => trickle.stream('a', { failAfter: 1.5 }), RangeError);
  assert.throws(() => trickle.stream('a', { failAfter: -1 }), RangeError);
  assert.throws(() => trickle.stream('a', 'fast'), TypeError);
  assert.throws(() => trickle.stream('a', null), TypeError);
  assert.throws(() => trickle.stream('a', { delay: 100 }), { name: 'TypeError', message: /unknown option "delay"/ });
  await stillWorks();
});

test('undefined options mean the defaults', async () => {
  const manual = await createTrickle({ clock: 'manual' });
  const stream = manual.stream('a', { delayMs: undefined, split: undefined, suffix: undefined });
  const first = stream.next().then((result) => [manual.clock.now(), result.value]);
  await manual.clock.advance(500);
  assert.deepEqual(await first, [500, 'a'], 'the default delay is 500 ms');
});

test('options are own properties: what Object.prototype holds is never an option', async () => {
  Object.prototype.delayMs = 300;
  Object.prototype.failAfter = 0;
  Object.prototype.split = 'char';
  try {
    const manual = await createTrickle({ clock: 'manual' });
    const reading = collect(manual.stream('ab cd', {}));
    await manual.clock.advance(1000);
    assert.deepEqual(await reading, ['ab', 'cd'], '500 ms, whitespace, no failure');
  } finally {
    delete Object.prototype.delayMs;
    delete Object.prototype.failAfter;
    delete Object.prototype.split;
  }
});

test('each option is read once; an unknown name is reported before any value is checked', async () => {
  const reads = [];
  const options = {};
  for (const [name, value] of [['delayMs', 0], ['split', 'char'], ['seed', 7], ['suffix', '.']]) {
    Object.defineProperty(options, name, { enumerable: true, get: () => { reads.push(name); return value; } });
  }
  const stream = trickle.stream('ab', options);
  assert.deepEqual(reads.sort(), ['delayMs', 'seed', 'split', 'suffix'], 'every getter ran exactly once');
  assert.equal(stream.seed, 7);
  assert.deepEqual(await collect(stream), ['a.', 'b.']);
  // A non-enumerable own option still counts (as an own property); an unknown one that is
  // not enumerable is not an option at all, as Object.keys() would not show it.
  const hidden = Object.defineProperty({}, 'delayMs', { value: 0, enumerable: false });
  Object.defineProperty(hidden, 'notAnOption', { value: 1, enumerable: false });
  assert.deepEqual(await collect(trickle.stream('c d', hidden)), ['c', 'd']);
  assert.throws(() => trickle.stream('a', { delayMs: -1, delay: 5 }), { name: 'TypeError', message: /unknown option "delay"/ });
  assert.throws(() => trickle.stream('a', { split: 'tokens', delayMs: 0, ttftMs: 'soon' }), { name: 'TypeError', message: /ttftMs must be a number/ });
  await stillWorks();
});

test('a value whose conversion to text throws, or that has none, still gets trickle\'s own TypeError', () => {
  const hostile = { toString() { throw new Error('not me'); } };
  assert.throws(() => trickle.stream(hostile), { name: 'TypeError', message: /text must be a string, got an object/ });
  assert.throws(() => trickle.stream(Object.create(null)), { name: 'TypeError', message: /text must be a string, got an object/ });
  assert.throws(() => trickle.stream('a', { delayMs: hostile }), { name: 'TypeError', message: /delayMs must be a number/ });
  assert.throws(() => trickle.stream('a', { split: Object.create(null) }), { name: 'TypeError', message: /split must be a string/ });
  assert.throws(() => trickle.stream('a', { signal: hostile }), { name: 'TypeError', message: /signal must be an AbortSignal/ });
});

test('failMessage arrives whole, NUL characters and all', async () => {
  const stream = trickle.stream('a b', { delayMs: 0, failAfter: 1, failMessage: 'before\0after ✓' });
  assert.equal((await stream.next()).value, 'a');
  await assert.rejects(stream.next(), { message: 'before\0after ✓' });
});

test('nothing is left allocated after rejected input', async () => {
  const before = trickle.stats();
  for (let i = 0; i < 100; i++) assert.throws(() => trickle.stream('a', { delayMs: -1 }), RangeError);
  assert.equal(trickle.stats().liveStreams, before.liveStreams);
  assert.equal(trickle.stats().heapBytesInUse, before.heapBytesInUse);
});

test('a wasm module from another version is refused at load, with a message that says so', async () => {
  const { mkdtemp, cp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { pathToFileURL } = await import('node:url');
  const folder = await mkdtemp(join(tmpdir(), 'trickle-mixed-'));
  try {
    // The package's JS layer, with glue from an older build beside it: the functions of its
    // time, not this version's protocol() and startStreams().
    await cp(new URL('../../dist/js/', import.meta.url), folder, { recursive: true });
    await writeFile(join(folder, 'stream', 'trickle-wasm.mjs'), `export default async function () {
      const fn = () => 0;
      return { openStream: fn, pullStream: fn, closeStream: fn, runDueTimers: fn, _malloc: fn, _free: fn };
    }\n`);
    const { default: createMixed } = await import(pathToFileURL(join(folder, 'trickle.mjs')).href);
    await assert.rejects(createMixed(), {
      name: 'Error',
      message: /do not match this version of trickle \(missing protocol, startStreams, .*\): the files come from different versions/,
    });
    // Glue of this version's shape whose protocol lacks a field this layer needs (in a
    // folder of its own: modules are cached by URL).
    const other = join(folder, 'other');
    await cp(new URL('../../dist/js/', import.meta.url), other, { recursive: true });
    await writeFile(join(other, 'stream', 'trickle-wasm.mjs'), `export default async function () {
      const native = {};
      for (const name of ['startStreams', 'pullStream', 'streamErrorMessage', 'lastError', 'closeStream',
        'pullSpansAddress', 'pullFrameBytesAddress', 'releaseBurstMemory', 'runDueTimers',
        'piecesBegin', 'piecesNext', 'heapBytesInUse', 'liveStreamCount', 'scheduledTimerCount',
        '_malloc', '_free']) native[name] = () => 0;
      // The protocol's JSON text in memory, as protocol() points at it: [address, length] at 0.
      const bytes = typeof globalThis.oddProtocol === 'string' ? new TextEncoder().encode(globalThis.oddProtocol) : null;
      native.HEAPU8 = new Uint8Array(8 + (bytes?.length ?? 0));
      native.HEAPU32 = new Uint32Array(native.HEAPU8.buffer, 0, 2);
      native.HEAPU32.set([8, bytes?.length ?? 0]);
      if (bytes !== null) native.HEAPU8.set(bytes, 8);
      native.protocol = () => (bytes === null ? globalThis.oddProtocol : 0);
      return native;
    }\n`);
    const { default: createOdd } = await import(pathToFileURL(join(other, 'trickle.mjs')).href);
    globalThis.oddProtocol = JSON.stringify({ startSlot: 0, startFieldCount: 9 });
    await assert.rejects(createOdd(), { message: /protocol without startTextAddress, .*maxBatch, presetNames, chatTemplate\)/, });
    // An older build's protocol(): an object, not where this version's JSON text is.
    globalThis.oddProtocol = { startSlot: 0, startFieldCount: 9 };
    await assert.rejects(createOdd(), { message: /do not match this version of trickle \(protocol\(\) gave no JSON\)/ });
  } finally {
    delete globalThis.oddProtocol;
    await rm(folder, { recursive: true, force: true });
  }
  await stillWorks();
});
