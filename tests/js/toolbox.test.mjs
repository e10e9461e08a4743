// trickle/toolbox: asyncio's toolbox for JS streams. Real behaviour with real timers (delays
// of 5-60 ms, bounds that are only ever "not early"), trickle streams to prove that every
// ending frees the C++ state, and the abort contract: a rejection with signal.reason, no
// listener left behind, no promise left hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners, setMaxListeners } from 'node:events';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import createTrickle from '../../src/js/trickle.mjs';
// The test's own collector, not the toolbox's collect() under test.
import { collect as collectAll } from './support.mjs';
import {
  gather, asCompleted, merge, wait, shield, withTimeout, abortable, collect, sleep, yieldToEventLoop,
  Lock, Semaphore, AsyncEvent, AsyncQueue, QueueClosedError,
} from '../../src/js/toolbox.mjs';

const trickle = await createTrickle();
const live = () => trickle.stats().liveStreams;
const listeners = (signal) => getEventListeners(signal, 'abort').length;

// Fails the test instead of hanging it when a promise never settles.
async function settles(promise, what = 'the promise') {
  let timer;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after 2 s`)), 2000);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

// An async generator that records what happened to it: how far it got, whether its
// finally block ran. Each chunk after `delayMs`.
function probe(chunks, delayMs, log = {}) {
  log.pulled = 0;
  log.closed = false;
  async function* run() {
    try {
      for (const chunk of chunks) {
        await sleep(delayMs);
        log.pulled += 1;
        yield chunk;
      }
    } finally {
      log.closed = true;
    }
  }
  return run();
}

// A promise settled by hand.
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

// ---- gather

test('gather resolves with each item in argument order, whatever order they finish in', async () => {
  const results = await gather([
    trickle.stream('slow one', { delayMs: 30 }),
    trickle.stream('fast two three', { delayMs: 5 }),
    sleep(10).then(() => 'a promise'),
    (signal) => sleep(1, { signal }).then(() => 'a task'),
    42,
  ]);
  assert.deepEqual(results, [['slow', 'one'], ['fast', 'two', 'three'], 'a promise', 'a task', 42]);
  assert.equal(results.map((r) => (Array.isArray(r) ? r.join(' ') : r))[0], 'slow one');
  assert.equal(live(), 0);
  assert.deepEqual(await gather([]), []);
});

test('gather: one failure closes the other streams and rejects with that error', async () => {
  const log = {};
  const siblingSignals = [];
  const failing = trickle.stream('a b c', { delayMs: 10, failAfter: 1, failMessage: 'model overloaded' });
  await assert.rejects(gather([
    trickle.stream('one two three four five', { delayMs: 10 }),
    failing,
    probe(['x', 'y', 'z'], 15, log),
    (signal) => { siblingSignals.push(signal); return sleep(10_000, { signal }); },
  ]), { message: 'model overloaded' });
  assert.equal(live(), 0, 'every trickle stream is freed before the rejection is seen');
  assert.equal(siblingSignals[0].aborted, true, "the task's signal is aborted");
  await settles(sleep(30)); // the generator was parked in its sleep; it closes at its next step
  assert.equal(log.closed, true);
});

test('gather: an abort closes everything and rejects with signal.reason', async () => {
  const controller = new AbortController();
  const reason = new Error('user pressed stop');
  setTimeout(() => controller.abort(reason), 20);
  const started = performance.now();
  const streams = [trickle.stream('a b c d e', { delayMs: 10 }), trickle.chat('hi', { delayMs: 15 })];
  await assert.rejects(gather(streams, { signal: controller.signal }), (error) => error === reason);
  assert.ok(performance.now() - started >= 19, 'not before the abort');
  assert.equal(live(), 0);
  assert.equal(listeners(controller.signal), 0);
});

test('gather: an already aborted signal rejects at once; tasks never start and streams are freed', async () => {
  let called = false;
  const streams = [trickle.stream('a b', { delayMs: 10_000 }), trickle.stream('c', { delayMs: 10_000 })];
  const firsts = streams.map((stream) => stream.next()); // started: each holds C++ state
  assert.equal(live(), 2);
  const aborted = AbortSignal.abort();
  await assert.rejects(gather([...streams, () => { called = true; }], { signal: aborted }), { name: 'AbortError' });
  assert.equal(called, false);
  assert.equal(live(), 0);
  assert.ok((await Promise.all(firsts)).every((result) => result.done));
  assert.equal(listeners(aborted), 0);
});

test('gather with limit runs at most that many at once, and still answers in argument order', async () => {
  let running = 0;
  let most = 0;
  const task = (i) => async () => {
    running += 1;
    most = Math.max(most, running);
    await sleep(5 + (i % 3) * 5);
    running -= 1;
    return i;
  };
  const results = await gather(Array.from({ length: 8 }, (_, i) => task(i)), { limit: 3 });
  assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(most, 3);

  // Streams are lazy: with limit 1 the second starts only when the first has ended.
  const order = [];
  for await (const { index } of merge([trickle.stream('a b', { delayMs: 5 }), trickle.stream('c d', { delayMs: 1 })], { limit: 1 })) {
    order.push(index);
  }
  assert.deepEqual(order, [0, 0, 1, 1]);
});

test('gather: bad input is a TypeError or RangeError that says what to do', async () => {
  const stream = trickle.stream('a', { delayMs: 0 });
  await assert.rejects(gather(stream), { name: 'TypeError', message: /put it in an array: \[stream\]/ });
  await assert.rejects(gather([], { signal: 'stop' }), { name: 'TypeError', message: /signal must be an AbortSignal/ });
  await assert.rejects(gather([], { timeout: 5 }), { name: 'TypeError', message: /unknown option "timeout"/ });
  await assert.rejects(gather([], { limit: 0 }), { name: 'RangeError' });
  assert.throws(() => merge([], { limit: 1.5 }), RangeError);
  assert.throws(() => asCompleted('abc'), TypeError);
  await stream.return();
});

// ---- asCompleted

test('asCompleted yields { index, value } in completion order', async () => {
  const seen = await collectAll(asCompleted([
    trickle.stream('late', { delayMs: 50 }),
    sleep(5).then(() => 'first'),
    trickle.stream('middle one', { delayMs: 12 }),
  ]));
  assert.deepEqual(seen, [
    { index: 1, value: 'first' },
    { index: 2, value: ['middle', 'one'] },
    { index: 0, value: ['late'] },
  ]);
});

test('asCompleted: break closes what is still running, including what never started', async () => {
  const log = {};
  const items = [
    trickle.stream('fast', { delayMs: 5 }),
    trickle.stream('slow slower', { delayMs: 40 }),
    probe(['p', 'q'], 30, log),
    trickle.stream('queued', { delayMs: 5 }),
  ];
  for await (const { index } of asCompleted(items, { limit: 3 })) {
    assert.equal(index, 0);
    break;
  }
  assert.equal(live(), 0);
  assert.equal(log.closed, false, 'its next() is in flight, in a 30 ms sleep');
  await sleep(40);
  assert.equal(log.closed, true, 'return() was called: it closes when that step ends');
});

test('asCompleted: a failure rejects the loop and closes the rest; an abort rejects with its reason', async () => {
  const seen = [];
  await assert.rejects(async () => {
    for await (const entry of asCompleted([
      trickle.stream('ok', { delayMs: 5 }),
      trickle.stream('x y', { delayMs: 10, failAfter: 1, failMessage: 'boom' }),
      trickle.stream('never finishes', { delayMs: 1000 }),
    ])) seen.push(entry.index);
  }, { message: 'boom' });
  assert.deepEqual(seen, [0]);
  assert.equal(live(), 0);

  const controller = new AbortController();
  const iterator = asCompleted([trickle.stream('a b', { delayMs: 1000 })], { signal: controller.signal });
  const waiting = iterator.next();
  controller.abort();
  await assert.rejects(settles(waiting), { name: 'AbortError' });
  assert.deepEqual(await iterator.next(), { value: undefined, done: true }, 'ends once, like a generator');
  assert.equal(live(), 0);
  assert.equal(listeners(controller.signal), 0);
});

// ---- merge

test('merge hands on every chunk of every stream in arrival order', async () => {
  const seen = await collectAll(merge([
    trickle.stream('a1 a2 a3', { delayMs: 20 }), // at 20, 40, 60 ms
    trickle.stream('b1 b2', { delayMs: 50 }), //    at 50, 100 ms
    sleep(30).then(() => 'p'), //                    at 30 ms
  ]));
  assert.deepEqual(seen.map((e) => e.value), ['a1', 'p', 'a2', 'b1', 'a3', 'b2']);
  assert.deepEqual(seen.map((e) => e.index), [0, 2, 0, 1, 0, 1]);
  assert.equal(live(), 0);
});

test('merge: break closes every source at once, and the abort listener is gone', async () => {
  const controller = new AbortController();
  const log = {};
  const sources = [trickle.stream('a b c', { delayMs: 5 }), trickle.stream('d e f', { delayMs: 1000 }), probe(['g'], 1000, log)];
  for await (const { value } of merge(sources, { signal: controller.signal })) {
    assert.equal(value, 'a');
    break;
  }
  assert.equal(live(), 0);
  assert.equal(listeners(controller.signal), 0);
  // The generator's next() is in flight in a 1 s sleep: its finally will run when that
  // ends. The break waited neither for it nor for the trickle stream's 1 s deadline.
  assert.equal(log.closed, false);
});

test('merge: a failing source rejects the loop and closes the others; so does an abort', async () => {
  const chunks = [];
  await assert.rejects(async () => {
    for await (const { value } of merge([
      trickle.stream('a b c d e', { delayMs: 10 }),
      trickle.stream('x y', { delayMs: 25, failAfter: 1, failMessage: 'stream broke' }),
    ])) chunks.push(value);
  }, { message: 'stream broke' });
  assert.ok(chunks.includes('x'));
  assert.equal(live(), 0);

  const controller = new AbortController();
  setTimeout(() => controller.abort(), 15);
  await assert.rejects(collectAll(merge([trickle.stream('a b c d', { delayMs: 10 })], { signal: controller.signal })), { name: 'AbortError' });
  assert.equal(live(), 0);
});

test('merge keeps backpressure: a slow consumer slows a fast source down', async () => {
  const log = {};
  const source = probe(Array.from({ length: 100 }, (_, i) => i), 0, log);
  let consumed = 0;
  for await (const { value } of merge([source])) {
    consumed += 1;
    await sleep(10);
    assert.ok(log.pulled <= consumed + 2, `${log.pulled} pulled for ${consumed} consumed`);
    if (value === 4) break;
  }
  assert.equal(log.closed, true);
});

// ---- wait

test('wait returns the very promises given, split into done and pending', async () => {
  const fast = sleep(5).then(() => 'fast');
  const slow = sleep(40).then(() => 'slow');
  const failing = sleep(20).then(() => { throw new Error('no'); });

  const first = await wait([fast, slow, failing], { return: 'first' });
  assert.deepEqual([...first.done], [fast]);
  assert.deepEqual([...first.pending], [slow, failing]);

  const firstError = await wait(first.pending, { return: 'first-error' });
  assert.deepEqual([...firstError.done], [failing]);
  await assert.rejects(failing, { message: 'no' });

  const all = await wait([fast, slow, failing]);
  assert.equal(all.done.size, 3);
  assert.equal(all.pending.size, 0);
  assert.equal(await slow, 'slow');

  const none = await settles(wait([]), 'wait([])');
  assert.equal(none.done.size + none.pending.size, 0);
});

test('wait: timeoutMs resolves with what has settled, without an error, and cancels nothing', async () => {
  const quick = sleep(5);
  const never = deferred();
  const started = performance.now();
  const { done, pending } = await wait([quick, never.promise], { timeoutMs: 30 });
  assert.ok(performance.now() - started >= 29);
  assert.deepEqual([...done], [quick]);
  assert.deepEqual([...pending], [never.promise]);
  never.resolve('still usable');
  assert.equal(await never.promise, 'still usable');
});

test('wait: an abort rejects with its reason and removes its listener; streams must become promises first', async () => {
  const controller = new AbortController();
  const waiting = wait([deferred().promise], { signal: controller.signal });
  assert.equal(listeners(controller.signal), 1);
  controller.abort('stop');
  await assert.rejects(settles(waiting), (reason) => reason === 'stop');
  assert.equal(listeners(controller.signal), 0);

  const stream = trickle.stream('a', { delayMs: 0 });
  await assert.rejects(wait([stream]), { name: 'TypeError', message: /collect\(stream\)/ });
  await assert.rejects(wait([], { return: 'any' }), RangeError);
  assert.deepEqual(await collect(stream), ['a']);
});

// ---- withTimeout, abortable, collect

test('withTimeout rejects with a TimeoutError DOMException, never early', async () => {
  assert.equal(await withTimeout(sleep(5).then(() => 'in time'), 50), 'in time');
  const started = performance.now();
  await assert.rejects(withTimeout(sleep(1000), 20), (error) => {
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, 'TimeoutError');
    return true;
  });
  assert.ok(performance.now() - started >= 19);
});

test('withTimeout aborts the signal it gives a task function, so the work itself stops', async () => {
  let given;
  await assert.rejects(withTimeout((signal) => {
    given = signal;
    return sleep(1000, { signal });
  }, 10), { name: 'TimeoutError' });
  assert.equal(given.aborted, true);
  assert.equal(given.reason.name, 'TimeoutError');
});

test('withTimeout over a stream hands chunks on until the deadline, then closes it', async () => {
  const chunks = [];
  await assert.rejects(async () => {
    for await (const chunk of withTimeout(trickle.stream('a b c d e f', { delayMs: 20 }), 50)) chunks.push(chunk);
  }, { name: 'TimeoutError' });
  assert.deepEqual(chunks, ['a', 'b']);
  assert.equal(live(), 0);
});

test('withTimeout: break or the end stops the clock, and an outer abort still works', async () => {
  let given;
  for await (const chunk of withTimeout((signal) => { given = signal; return trickle.stream('a b', { delayMs: 5 }); }, 30)) {
    assert.equal(chunk, 'a');
    break;
  }
  assert.equal(live(), 0);
  assert.deepEqual(await withTimeout(collect(trickle.stream('x y', { delayMs: 1 })), 1000), ['x', 'y']);
  await sleep(40);
  assert.equal(given.aborted, false, 'the deadline was dropped when the loop ended');

  const controller = new AbortController();
  const pending = withTimeout(sleep(1000), 5000, { signal: controller.signal });
  controller.abort();
  await assert.rejects(settles(pending), { name: 'AbortError' });
  assert.equal(listeners(controller.signal), 0);
});

test('collect reads a stream to its end; an abort closes it at once', async () => {
  assert.deepEqual(await collect(trickle.chat('hi', { delayMs: 1 })), ['你提问的是: ', 'hi, ', '我正在流式生成答案... ']);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 25);
  await assert.rejects(collect(trickle.stream('a b c d e', { delayMs: 10 }), { signal: controller.signal }), { name: 'AbortError' });
  assert.equal(live(), 0);
  assert.equal(listeners(controller.signal), 0);
});

test('abortable: an abort settles a next() even when the source never answers', async () => {
  async function* stuck() {
    yield 'first';
    await new Promise(() => {}); // never resumes
  }
  const controller = new AbortController();
  const iterator = abortable(stuck(), { signal: controller.signal });
  assert.deepEqual(await iterator.next(), { value: 'first', done: false });
  const second = iterator.next();
  controller.abort();
  await assert.rejects(settles(second, 'the pending next()'), { name: 'AbortError' });
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });

  // Already aborted: the stream is freed at the call, the first next() rejects.
  const stream = trickle.stream('a b', { delayMs: 10_000 });
  const guarded = abortable(stream, { signal: AbortSignal.abort() });
  assert.equal(live(), 0);
  await assert.rejects(guarded.next(), { name: 'AbortError' });

  const never = deferred();
  const late = new AbortController();
  const promise = abortable(never.promise, { signal: late.signal });
  late.abort();
  await assert.rejects(settles(promise), { name: 'AbortError' });
});

// ---- shield

test('shield: a timeout gives up waiting but the stream goes on, losing no chunk', async () => {
  const stream = trickle.stream('a b c d', { delayMs: 20 });
  const view = shield(stream);
  const early = [];
  await assert.rejects(async () => {
    for await (const chunk of withTimeout(view, 50)) early.push(chunk);
  }, { name: 'TimeoutError' });
  assert.deepEqual(early, ['a', 'b']);
  assert.equal(live(), 1, 'the stream is still open');
  const rest = await collect(view); // c was in flight when the timeout struck: kept
  assert.deepEqual([...early, ...rest], ['a', 'b', 'c', 'd']);
  assert.equal(live(), 0);
});

test('shield: a shielded task does not see the cancelling signal; a shielded promise settles like it', async () => {
  let given = 'not called';
  const controller = new AbortController();
  const gathering = gather([shield((signal) => { given = signal; return sleep(10).then(() => 'done anyway'); })], { signal: controller.signal });
  controller.abort();
  await assert.rejects(gathering, { name: 'AbortError' });
  assert.equal(given, undefined);
  assert.equal(await shield(Promise.resolve(3)), 3);
  assert.throws(() => shield(3), TypeError);
});

// ---- Semaphore and Lock

test('Semaphore(n) never lets more than n run, and serves waiters first come, first served', async () => {
  const semaphore = new Semaphore(3);
  let running = 0;
  let most = 0;
  const started = [];
  await Promise.all(Array.from({ length: 10 }, (_, i) => semaphore.run(async () => {
    started.push(i);
    running += 1;
    most = Math.max(most, running);
    await sleep(5 + ((i * 7) % 4) * 5);
    running -= 1;
  })));
  assert.equal(most, 3);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(semaphore.available, 3);
});

test('Semaphore: an aborted acquire leaves the line and takes no permit', async () => {
  const semaphore = new Semaphore(1);
  await semaphore.acquire();
  const controller = new AbortController();
  const leaving = semaphore.acquire({ signal: controller.signal });
  const staying = semaphore.acquire();
  controller.abort();
  await assert.rejects(settles(leaving), { name: 'AbortError' });
  assert.equal(listeners(controller.signal), 0);
  semaphore.release();
  await settles(staying, 'the next waiter');
  semaphore.release();
  assert.equal(semaphore.available, 1);
  await assert.rejects(semaphore.acquire({ signal: AbortSignal.abort() }), { name: 'AbortError' });
  assert.equal(semaphore.available, 1, 'an aborted signal rejects even when a permit is free');
  assert.throws(() => new Semaphore(-1), RangeError);
});

test('Lock is first come, first served, and runExclusive never overlaps', async () => {
  const lock = new Lock();
  const order = [];
  const release = await lock.acquire();
  assert.equal(lock.locked, true);
  const waiters = [1, 2, 3].map((i) => lock.acquire().then((done) => { order.push(i); return done; }));
  await sleep(5);
  assert.deepEqual(order, []);
  release();
  release(); // a second call does nothing
  for (const waiter of waiters) (await waiter)();
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(lock.locked, false);

  let inside = 0;
  const log = [];
  await Promise.all([30, 5, 15].map((ms, i) => lock.runExclusive(async () => {
    inside += 1;
    assert.equal(inside, 1);
    await sleep(ms);
    log.push(i);
    inside -= 1;
  })));
  assert.deepEqual(log, [0, 1, 2]);
});

// ---- AsyncEvent

test('AsyncEvent: set() wakes every waiter; clear() makes them wait again', async () => {
  const event = new AsyncEvent();
  const woken = [];
  const waiters = [0, 1, 2].map((i) => event.wait().then(() => woken.push(i)));
  await sleep(5);
  assert.deepEqual(woken, []);
  event.set();
  await Promise.all(waiters);
  assert.deepEqual(woken.sort(), [0, 1, 2]);
  assert.equal(event.isSet, true);
  await settles(event.wait(), 'wait() on a set event');

  event.clear();
  const controller = new AbortController();
  const waiting = event.wait({ signal: controller.signal });
  controller.abort();
  await assert.rejects(settles(waiting), { name: 'AbortError' });
  assert.equal(listeners(controller.signal), 0);
});

// ---- AsyncQueue

test('AsyncQueue: put waits while full, get while empty, first in first out', async () => {
  const queue = new AsyncQueue({ maxSize: 2 });
  await queue.put('a');
  await queue.put('b');
  let thirdIn = false;
  const third = queue.put('c').then(() => { thirdIn = true; });
  await sleep(5);
  assert.equal(thirdIn, false, 'the queue is full');
  assert.equal(queue.size, 2);
  assert.equal(await queue.get(), 'a');
  await third;
  assert.deepEqual([await queue.get(), await queue.get()], ['b', 'c']);

  const gets = [queue.get(), queue.get()];
  await sleep(5);
  await queue.put(1);
  await queue.put(2);
  assert.deepEqual(await Promise.all(gets), [1, 2]);
});

test('AsyncQueue: close() ends iteration after the queued items and fails puts', async () => {
  const queue = new AsyncQueue({ maxSize: 1 });
  const producer = (async () => {
    for (const word of ['你好', '我', '是']) await queue.put(word);
    queue.close();
  })();
  const words = [];
  for await (const word of queue) {
    words.push(word);
    await sleep(2);
  }
  await producer;
  assert.deepEqual(words, ['你好', '我', '是']);
  await assert.rejects(queue.put('late'), QueueClosedError);
  await assert.rejects(queue.get(), { name: 'QueueClosedError' });

  const full = new AsyncQueue({ maxSize: 1 });
  await full.put(1);
  const waiting = full.put(2);
  const reader = full.values();
  full.close();
  await assert.rejects(settles(waiting), QueueClosedError);
  assert.deepEqual(await collectAll(reader), [1]);
});

test('AsyncQueue: an aborted put or get leaves the line; break leaves the queue open', async () => {
  const queue = new AsyncQueue({ maxSize: 1 });
  const controller = new AbortController();
  const get = queue.get({ signal: controller.signal });
  controller.abort();
  await assert.rejects(settles(get), { name: 'AbortError' });
  await queue.put('kept'); // not handed to the aborted get
  const put = queue.put('dropped', { signal: AbortSignal.timeout(10) });
  await assert.rejects(settles(put), { name: 'TimeoutError' });
  for await (const item of queue) {
    assert.equal(item, 'kept');
    break;
  }
  assert.equal(queue.closed, false);
  assert.equal(queue.size, 0, "the aborted put's item never entered");
  assert.throws(() => new AsyncQueue({ maxSize: 0 }), RangeError);
});

// ---- sleep and yieldToEventLoop

test('sleep is never early and an abort cuts it short', async () => {
  const started = performance.now();
  await sleep(20);
  assert.ok(performance.now() - started >= 19);
  const controller = new AbortController();
  const forever = sleep(Infinity, { signal: controller.signal });
  controller.abort();
  await assert.rejects(settles(forever), { name: 'AbortError' });
  assert.throws(() => sleep(-1), RangeError);
});

test('yieldToEventLoop lets timers run, which awaiting a resolved promise never does', async () => {
  let fired = false;
  setTimeout(() => { fired = true; }, 0);
  for (let i = 0; i < 1000 && !fired; i++) await null;
  assert.equal(fired, false, 'microtasks alone starve timers');
  for (let i = 0; i < 1000 && !fired; i++) await yieldToEventLoop();
  assert.equal(fired, true);
});

// ---- The contract, across everything

test('every combinator frees its trickle streams after a break, an abort, a timeout or a failure', async () => {
  const streams = () => [trickle.stream('a b c d', { delayMs: 10 }), trickle.chat('hi', { delayMs: 12 })];
  const failing = () => [...streams(), trickle.stream('x y z', { delayMs: 10, failAfter: 1 })];
  // Those that take one item get the last one: the failing stream, in the failure case.
  const combinators = {
    gather: (items, signal) => gather(items, { signal }),
    gatherLimited: (items, signal) => gather(items, { signal, limit: 1 }),
    asCompleted: (items, signal) => asCompleted(items, { signal }),
    merge: (items, signal) => merge(items, { signal }),
    mergeLimited: (items, signal) => merge(items, { signal, limit: 1 }),
    collect: (items, signal) => collect(items.at(-1), { signal }),
    abortable: (items, signal) => abortable(items.at(-1), { signal }),
    withTimeout: (items, signal) => withTimeout(items.at(-1), 10_000, { signal }),
  };
  const single = new Set(['collect', 'abortable', 'withTimeout']);
  for (const [name, run] of Object.entries(combinators)) {
    for (const ending of ['abort', 'timeout', 'failure', 'break']) {
      const what = `${name} after ${ending}`;
      const controller = new AbortController();
      const signal = ending === 'timeout' ? AbortSignal.timeout(25) : controller.signal;
      if (ending === 'abort') setTimeout(() => controller.abort(), 15);
      const items = ending === 'failure' ? failing() : streams();
      const unused = single.has(name) ? items.slice(0, -1) : [];
      const started = run(items, signal);
      const isPromise = typeof started.then === 'function';
      if (ending === 'break' && !isPromise) {
        for await (const entry of started) break;
      } else {
        if (ending === 'break') controller.abort(); // a promise has no break: leave it with an abort
        await assert.rejects(settles(isPromise ? started : collectAll(started), what), undefined, what);
      }
      await Promise.all(unused.map((stream) => stream.return()));
      assert.equal(live(), 0, what);
      assert.equal(listeners(signal), 0, `${what}: listeners`);
    }
  }
});

test('one abort settles every pending operation with its reason and leaves no listener', async () => {
  const controller = new AbortController();
  const { signal } = controller;
  setMaxListeners(30, signal); // this test alone puts many waiters on one signal
  const reason = new Error('stop everything');
  const lock = new Lock();
  await lock.acquire();
  const semaphore = new Semaphore(0);
  const full = new AsyncQueue({ maxSize: 1 });
  await full.put('x');
  const stuckStream = (async function* stuck() { await new Promise(() => {}); }());
  const pending = {
    lock: lock.acquire({ signal }),
    lockRun: lock.runExclusive(() => {}, { signal }),
    semaphore: semaphore.acquire({ signal }),
    semaphoreRun: semaphore.run(() => {}, { signal }),
    event: new AsyncEvent().wait({ signal }),
    get: new AsyncQueue().get({ signal }),
    put: full.put('y', { signal }),
    values: new AsyncQueue().values({ signal }).next(),
    sleep: sleep(Infinity, { signal }),
    wait: wait([deferred().promise], { signal }),
    gather: gather([trickle.stream('a b', { delayMs: 10_000 }), deferred().promise], { signal }),
    asCompleted: asCompleted([trickle.stream('a', { delayMs: 10_000 })], { signal }).next(),
    merge: merge([trickle.stream('a', { delayMs: 10_000 }), stuckStream], { signal }).next(),
    collect: collect(trickle.stream('a', { delayMs: 10_000 }), { signal }),
    abortable: abortable(deferred().promise, { signal }),
    abortableStream: abortable(trickle.stream('a', { delayMs: 10_000 }), { signal }).next(),
    withTimeout: withTimeout(deferred().promise, 10_000, { signal }),
  };
  await sleep(5);
  assert.ok(listeners(signal) >= Object.keys(pending).length);
  controller.abort(reason);
  const outcomes = await settles(Promise.allSettled(Object.values(pending)), 'some operation');
  Object.keys(pending).forEach((name, i) => {
    assert.equal(outcomes[i].status, 'rejected', name);
    assert.equal(outcomes[i].reason, reason, name);
  });
  assert.equal(listeners(signal), 0);
  assert.equal(live(), 0);
});

test('operations that end normally remove their abort listeners too', async () => {
  const { signal } = new AbortController();
  const queue = new AsyncQueue();
  await queue.put(1);
  await Promise.all([
    gather([trickle.stream('a', { delayMs: 1 }), sleep(1)], { signal }),
    collectAll(merge([trickle.stream('a b', { delayMs: 1 })], { signal })),
    collectAll(asCompleted([sleep(1)], { signal })),
    collect(trickle.stream('a', { delayMs: 1 }), { signal }),
    withTimeout(sleep(1), 1000, { signal }),
    wait([sleep(1)], { signal }),
    sleep(1, { signal }),
    queue.get({ signal }),
    new Lock().runExclusive(() => sleep(1), { signal }),
  ]);
  assert.equal(listeners(signal), 0);
});

// ---- The README's example runs

test('the README toolbox example runs and prints what it says', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const marker = readme.indexOf('<!-- toolbox-example -->');
  assert.ok(marker >= 0, 'README.md has a <!-- toolbox-example --> marker');
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(marker))[1]
    .replace("from 'trickle/toolbox'", `from '${new URL('../../src/js/toolbox.mjs', import.meta.url)}'`)
    .replace("from 'trickle'", `from '${new URL('../../src/js/trickle.mjs', import.meta.url)}'`);
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code]);
  const expected = /<!-- prints -->\n```\n([\s\S]*?)```/.exec(readme.slice(marker))[1];
  assert.equal(stdout, expected);
});

test('merging many sources listens to its own abort once, not once per source and chunk', async () => {
  const warnings = [];
  const onWarning = (warning) => warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    async function* counter() {
      for (let i = 0; i < 5; i++) {
        await null;
        yield i;
      }
    }
    const results = await gather(Array.from({ length: 50 }, () => counter()));
    assert.equal(results.length, 50);
    assert.ok(results.every((chunks) => chunks.length === 5));
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, [], 'no MaxListenersExceededWarning from the fan-in');
});
