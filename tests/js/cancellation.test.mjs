// signal and timeoutMs: ending a stream from outside, promptly and without leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import createTrickle from '../../src/js/trickle.mjs';
import { sleep as toolboxSleep } from '../../src/js/toolbox.mjs';
import { assertHeapBack, assertNothingLeft, collect } from './support.mjs';

// Time is a manual clock: every "when" below is exact. (stream.test.mjs keeps a test on real
// timers for the event loop's glue.)
const trickle = await createTrickle({ clock: 'manual' });
const clock = trickle.clock;
const after = (ms, action) => toolboxSleep(ms, { clock }).then(action);

const isAbortError = (error) => error instanceof DOMException && error.name === 'AbortError';

/** Settles with [the clock's time, 'fulfilled' | error name] once `promise` settles. */
const outcome = (promise) => promise.then(() => [clock.now(), 'fulfilled'], (error) => [clock.now(), error?.name ?? error]);

test('an already-aborted signal rejects the first next() at once, then the stream is done', async () => {
  const controller = new AbortController();
  controller.abort();
  const stream = trickle.stream('a b', { delayMs: 10_000, signal: controller.signal });
  await assert.rejects(stream.next(), isAbortError);
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
  assertNothingLeft(trickle);
});

test('aborting during a delay rejects the pending next() with the reason, at once', async () => {
  const controller = new AbortController();
  const stream = trickle.stream('a b', { delayMs: 10_000, signal: controller.signal });
  const start = clock.now();
  const pending = outcome(stream.next());
  assert.equal(trickle.stats().scheduledTimers, 1);
  after(20, () => controller.abort());
  await clock.advance(20);
  assert.deepEqual(await pending, [start + 20, 'AbortError'], 'at the abort, not at the delay');
  assertNothingLeft(trickle);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
});

test('aborting between chunks rejects the next next() and drops what was buffered', async () => {
  const controller = new AbortController();
  const stream = trickle.stream('a b c d', { delayMs: 5, signal: controller.signal });
  const first = stream.next();
  await clock.advance(5);
  assert.equal((await first).value, 'a');
  await clock.advance(25); // b, c, d are due now, but not read
  const reason = new Error('user pressed stop');
  controller.abort(reason);
  await assert.rejects(stream.next(), (error) => error === reason);
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
  assertNothingLeft(trickle);
});

test('an abort with any reason, null included, rejects with exactly that reason', async () => {
  for (const reason of [null, 0, 'stop', new TypeError('x')]) {
    const controller = new AbortController();
    const stream = trickle.stream('a b', { delayMs: 10, signal: controller.signal });
    const pending = stream.next();
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason, String(reason));
  }
  assertNothingLeft(trickle);
});

test('aborting after the end changes nothing, and the listener is already gone', async () => {
  const controller = new AbortController();
  const stream = trickle.stream('a', { delayMs: 0, signal: controller.signal });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.deepEqual(chunks, ['a']);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  controller.abort();
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
});

test('break and return() remove the abort listener', async () => {
  const controller = new AbortController();
  const reading = (async () => {
    for await (const chunk of trickle.stream('a b c', { delayMs: 1, signal: controller.signal })) {
      assert.equal(chunk, 'a');
      break;
    }
  })();
  await clock.advance(1);
  await reading;
  const other = trickle.stream('a b c', { delayMs: 1, signal: controller.signal });
  other.next();
  await other.return();
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  assertNothingLeft(trickle);
});

test('a signal is not listened to before the first next(), nor after the stream ends', async () => {
  const controller = new AbortController();
  const streams = Array.from({ length: 100 }, () => trickle.stream('a b', { delayMs: 10, signal: controller.signal }));
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'unread streams hold nothing');
  const pending = streams.map((stream) => collect(stream));
  assert.equal(getEventListeners(controller.signal, 'abort').length, 1, 'one listener for all readers');
  await clock.advance(20);
  assert.equal((await Promise.all(pending)).flat().length, 200);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  assertNothingLeft(trickle);
});

test('a for-await loop sees the abort as an exception and the stream is freed', async () => {
  const controller = new AbortController();
  const received = [];
  const reading = outcome((async () => {
    for await (const chunk of trickle.chat('你好', { delayMs: 20, signal: controller.signal })) received.push(chunk);
  })());
  const start = clock.now();
  after(45, () => controller.abort());
  await clock.advance(45);
  assert.deepEqual(await reading, [start + 45, 'AbortError']);
  assert.deepEqual(received, ['你提问的是: ', '你好, ']);
  assertNothingLeft(trickle);
});

test('timeoutMs ends an unfinished stream with a TimeoutError DOMException, on time', async () => {
  const stream = trickle.stream('a b c d e', { delayMs: 30, timeoutMs: 75 });
  const received = [];
  const start = clock.now();
  const reading = (async () => {
    for await (const chunk of stream) received.push(chunk);
  })();
  const ended = outcome(reading);
  await clock.advance(100);
  assert.deepEqual(await ended, [start + 75, 'TimeoutError']);
  await assert.rejects(reading, (error) => error instanceof DOMException && /75 ms/.test(error.message));
  assert.deepEqual(received, ['a', 'b']);
  assertNothingLeft(trickle);
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
});

test('timeoutMs counts from the first next(), and a stream that finishes in time is not touched', async () => {
  const stream = trickle.stream('a b', { delayMs: 10, timeoutMs: 60 });
  await clock.advance(100); // created long ago, but not started
  const reading = collect(stream);
  await clock.advance(60);
  assert.deepEqual(await reading, ['a', 'b']);
  assertNothingLeft(trickle);
});

test('a time-out that passes while the consumer is busy is reported at its next next()', async () => {
  const stream = trickle.stream('a b c', { delayMs: 10, timeoutMs: 25 });
  const first = stream.next();
  await clock.advance(10);
  assert.equal((await first).value, 'a');
  await clock.advance(50);
  await assert.rejects(stream.next(), { name: 'TimeoutError' });
  assertNothingLeft(trickle);
});

test('timeoutMs and signal are checked like the other options', () => {
  assert.throws(() => trickle.stream('a', { timeoutMs: -1 }), RangeError);
  assert.throws(() => trickle.stream('a', { timeoutMs: NaN }), RangeError);
  assert.throws(() => trickle.stream('a', { timeoutMs: '5' }), TypeError);
  assert.throws(() => trickle.stream('a', { signal: {} }), TypeError);
  assert.throws(() => trickle.stream('a', { signal: 'stop' }), TypeError);
  assertNothingLeft(trickle);
});

test('10,000 waiting streams aborted by one controller all settle, and the heap returns to its baseline', async () => {
  const baseline = trickle.stats().heapBytesInUse;
  const controller = new AbortController();
  const streams = Array.from({ length: 10_000 }, (_, i) => trickle.stream(`s${i} t${i}`, { delayMs: 60_000, signal: controller.signal }));
  const pending = streams.map((stream) => stream.next());
  assert.equal(trickle.stats().scheduledTimers, 10_000);
  // One listener for all of them (one each would cost O(n²) to add and make Node warn past ten).
  assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
  controller.abort();
  const outcomes = await Promise.allSettled(pending);
  assert.equal(outcomes.length, 10_000);
  assert.ok(outcomes.every((outcome) => outcome.status === 'rejected' && isAbortError(outcome.reason)));
  assertNothingLeft(trickle);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  assertHeapBack(trickle, baseline);
});
