// signal and timeoutMs: ending a stream from outside, promptly and without leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import createTrickle from '../../src/js/trickle.mjs';
import { assertHeapBack, assertNothingLeft, collect, sleep } from './support.mjs';

const trickle = await createTrickle();

const isAbortError = (error) => error instanceof DOMException && error.name === 'AbortError';

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
  const pending = stream.next();
  assert.equal(trickle.stats().scheduledTimers, 1);
  const started = performance.now();
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(pending, isAbortError);
  assert.ok(performance.now() - started < 1000, 'the abort did not wait for the delay');
  assertNothingLeft(trickle);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
});

test('aborting between chunks rejects the next next() and drops what was buffered', async () => {
  const controller = new AbortController();
  const stream = trickle.stream('a b c d', { delayMs: 5, signal: controller.signal });
  assert.equal((await stream.next()).value, 'a');
  await sleep(30); // b, c, d are due now, but not read
  const reason = new Error('user pressed stop');
  controller.abort(reason);
  await assert.rejects(stream.next(), (error) => error === reason);
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
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
  for await (const chunk of trickle.stream('a b c', { delayMs: 1, signal: controller.signal })) {
    assert.equal(chunk, 'a');
    break;
  }
  const other = trickle.stream('a b c', { delayMs: 1, signal: controller.signal });
  await other.return();
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  assertNothingLeft(trickle);
});

test('a for-await loop sees the abort as an exception and the stream is freed', async () => {
  const controller = new AbortController();
  const received = [];
  setTimeout(() => controller.abort(), 45);
  await assert.rejects(async () => {
    for await (const chunk of trickle.chat('你好', { delayMs: 20, signal: controller.signal })) received.push(chunk);
  }, isAbortError);
  assert.deepEqual(received, ['你提问的是: ', '你好, ']);
  assertNothingLeft(trickle);
});

test('timeoutMs ends an unfinished stream with a TimeoutError DOMException, on time', async () => {
  const stream = trickle.stream('a b c d e', { delayMs: 30, timeoutMs: 75 });
  const received = [];
  const started = performance.now();
  await assert.rejects(async () => {
    for await (const chunk of stream) received.push(chunk);
  }, (error) => error instanceof DOMException && error.name === 'TimeoutError' && /75 ms/.test(error.message));
  const elapsed = performance.now() - started;
  assert.deepEqual(received, ['a', 'b']);
  assert.ok(elapsed >= 75, `timed out early, at ${elapsed} ms`);
  assert.ok(elapsed < 75 + 200, `timed out late, at ${elapsed} ms`);
  assertNothingLeft(trickle);
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
});

test('timeoutMs counts from the first next(), and a stream that finishes in time is not touched', async () => {
  const stream = trickle.stream('a b', { delayMs: 10, timeoutMs: 60 });
  await sleep(100); // created long ago, but not started
  assert.deepEqual(await collect(stream), ['a', 'b']);
  assertNothingLeft(trickle);
});

test('a time-out that passes while the consumer is busy is reported at its next next()', async () => {
  const stream = trickle.stream('a b c', { delayMs: 10, timeoutMs: 25 });
  assert.equal((await stream.next()).value, 'a');
  await sleep(60);
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
