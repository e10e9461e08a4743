// trickle/toolbox: asyncio's toolbox for JS streams. Time is a ManualClock, given to every
// stream (through the trickle instance) and to every toolbox timer (the `clock` option), so
// each "when" below is exact and no assertion depends on how busy the machine is. Two tests
// keep real timers for the event loop's glue (sleep is never early, yieldToEventLoop lets
// timers run). Trickle streams prove that every ending frees the C++ state, and the abort
// contract is checked throughout: a rejection with signal.reason, no listener left behind,
// no timer left set, no promise left hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners, setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import createTrickle from '../../src/js/trickle.mjs';
// The test's own collector, not the toolbox's collect() under test.
import { assertReadmeExampleRuns, collect as collectAll, runUntilSettled } from './support.mjs';
import {
  gather, asCompleted, merge, wait, shield, withTimeout, abortable, collect, sleep, yieldToEventLoop,
  Lock, Semaphore, AsyncEvent, AsyncQueue, QueueClosedError,
} from '../../src/js/toolbox.mjs';

const listeners = (signal) => getEventListeners(signal, 'abort').length;

/**
 * A trickle instance on a manual clock of its own, so that every test's time starts at 0,
 * with the helpers the tests share.
 */
async function manual() {
  const trickle = await createTrickle({ clock: 'manual' });
  const { clock } = trickle;
  return {
    trickle,
    clock,
    live: () => trickle.stats().liveStreams,
    /** Moves the clock until `promise` settles: clock.now() is then when it settled. */
    run: (promise, what) => runUntilSettled(clock, promise, what),
    /** The toolbox's sleep on this clock. */
    nap: (ms, options) => sleep(ms, { ...options, clock }),
    /** Calls `action` at `ms` on this clock. */
    after: (ms, action) => sleep(ms, { clock }).then(action),
    /** Settles with [the time `promise` settled, its value or 'rejected: ' and its error's name or message]. */
    when: (promise) => promise.then(
      (value) => [clock.now(), value],
      (error) => [clock.now(), `rejected: ${error?.name === 'Error' ? error.message : error?.name ?? error}`],
    ),
    /** Nothing is left running: no C++ stream, no stream timer, no timer on the clock. */
    assertClean(what = '') {
      assert.equal(trickle.stats().liveStreams, 0, `${what} no C++ stream left`);
      assert.equal(trickle.stats().scheduledTimers, 0, `${what} no stream timer left`);
      assert.equal(clock.pendingTimers, 0, `${what} no timer left on the clock`);
    },
  };
}

// Fails the test instead of hanging it when a promise never settles. Real time, but only as
// a guard: every promise given here settles without any clock moving.
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
// finally block ran. Each chunk after `delayMs` on `clock`.
function probe(chunks, delayMs, clock, log = {}) {
  log.pulled = 0;
  log.closed = false;
  async function* run() {
    try {
      for (const chunk of chunks) {
        await sleep(delayMs, { clock });
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
  const { trickle, clock, run, nap, assertClean } = await manual();
  const results = await run(gather([
    trickle.stream('slow one', { delayMs: 30 }), //          ends at 60
    trickle.stream('fast two three', { delayMs: 5 }), //     ends at 15
    nap(10).then(() => 'a promise'),
    (signal) => nap(1, { signal }).then(() => 'a task'),
    42,
  ]));
  assert.deepEqual(results, [['slow', 'one'], ['fast', 'two', 'three'], 'a promise', 'a task', 42]);
  assert.equal(clock.now(), 60, 'when the slowest item ends, not later');
  assertClean();
  assert.deepEqual(await gather([]), [], 'no item: resolves without any time passing');
});

test('gather: one failure closes the other streams and rejects with that error', async () => {
  const { trickle, clock, run, live, assertClean } = await manual();
  const log = {};
  const siblingSignals = [];
  const failing = trickle.stream('a b c', { delayMs: 10, failAfter: 1, failMessage: 'model overloaded' });
  await assert.rejects(run(gather([
    trickle.stream('one two three four five', { delayMs: 10 }),
    failing, //                                    a at 10, fails at 20
    probe(['x', 'y', 'z'], 15, clock, log), //     x at 15, asleep until 30 when the failure comes
    (signal) => { siblingSignals.push(signal); return sleep(10_000, { signal, clock }); },
  ])), { message: 'model overloaded' });
  assert.equal(clock.now(), 20, 'at the failure');
  assert.equal(live(), 0, 'every trickle stream is freed before the rejection is seen');
  assert.equal(siblingSignals[0].aborted, true, "the task's signal is aborted");
  assert.equal(log.closed, false, 'the generator is parked in its sleep');
  await clock.advance(9.999);
  assert.equal(log.closed, false);
  await clock.advance(0.001);
  assert.deepEqual(log, { pulled: 2, closed: true }, 'it closes at its next step, at 30');
  assertClean('and the task\'s 10 s sleep was cancelled:');
});

test('gather: an abort closes everything and rejects with signal.reason', async () => {
  const { trickle, clock, run, after, assertClean } = await manual();
  const controller = new AbortController();
  const reason = new Error('user pressed stop');
  after(20, () => controller.abort(reason));
  const streams = [trickle.stream('a b c d e', { delayMs: 10 }), trickle.chat('hi', { delayMs: 15 })];
  await assert.rejects(run(gather(streams, { signal: controller.signal })), (error) => error === reason);
  assert.equal(clock.now(), 20, 'at the abort, neither before nor after');
  assertClean();
  assert.equal(listeners(controller.signal), 0);
});

test('gather: an already aborted signal rejects at once; tasks never start and streams are freed', async () => {
  const { trickle, live, assertClean } = await manual();
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
  assertClean();
});

test('gather: a task that fails before it first waits stops the items after it from starting at all', async () => {
  const { trickle, assertClean } = await manual();
  const started = [];
  const stream = trickle.stream('a b', { delayMs: 10 });
  await assert.rejects(gather([
    () => { started.push(0); return 'fine'; },
    () => { started.push(1); throw new Error('failed at once'); },
    () => { started.push(2); return 'never'; },
    stream,
  ]), { message: 'failed at once' });
  assert.deepEqual(started, [0, 1], 'the task after the failure was never called');
  assert.deepEqual(await stream.next(), { value: undefined, done: true }, 'the stream after it was closed unread');
  assertClean();
});

test('gather with limit runs at most that many at once, and still answers in argument order', async () => {
  const { trickle, clock, run, nap, assertClean } = await manual();
  let running = 0;
  let most = 0;
  const startedAt = [];
  const task = (i) => async () => {
    startedAt[i] = clock.now();
    running += 1;
    most = Math.max(most, running);
    await nap(5 + (i % 3) * 5); // 5, 10, 15, 5, 10, 15, 5, 10 ms
    running -= 1;
    return i;
  };
  const results = await run(gather(Array.from({ length: 8 }, (_, i) => task(i)), { limit: 3 }));
  assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(most, 3);
  // Each starts the moment a permit comes free: 3 when 0 ends (5), 4 and 5 when 1 and 3 end
  // (10), 6 when 2 ends (15), 7 when 4 and 6 end (20); 7 ends last, at 30.
  assert.deepEqual(startedAt, [0, 0, 0, 5, 10, 10, 15, 20]);
  assert.equal(clock.now(), 30);

  // Streams are lazy: with limit 1 the second starts (its clock too) only when the first has ended.
  const order = [];
  await run((async () => {
    for await (const { index, value } of merge([trickle.stream('a b', { delayMs: 5 }), trickle.stream('c d', { delayMs: 1 })], { limit: 1 })) {
      order.push([clock.now() - 30, index, value]);
    }
  })());
  assert.deepEqual(order, [[5, 0, 'a'], [10, 0, 'b'], [11, 1, 'c'], [12, 1, 'd']]);
  assertClean();
});

test('gather: bad input is a TypeError or RangeError that says what to do', async () => {
  const { trickle, assertClean } = await manual();
  const stream = trickle.stream('a', { delayMs: 0 });
  await assert.rejects(gather(stream), { name: 'TypeError', message: /put it in an array: \[stream\]/ });
  await assert.rejects(gather([], { signal: 'stop' }), { name: 'TypeError', message: /signal must be an AbortSignal/ });
  await assert.rejects(gather([], { timeout: 5 }), { name: 'TypeError', message: /unknown option "timeout"/ });
  await assert.rejects(gather([], { limit: 0 }), { name: 'RangeError' });
  assert.throws(() => merge([], { limit: 1.5 }), RangeError);
  assert.throws(() => asCompleted('abc'), TypeError);
  await stream.return();
  assertClean();
});

// ---- asCompleted

test('asCompleted yields { index, value } in completion order', async () => {
  const { trickle, clock, run, nap, assertClean } = await manual();
  const seen = [];
  await run((async () => {
    for await (const entry of asCompleted([
      trickle.stream('late', { delayMs: 50 }),
      nap(5).then(() => 'first'),
      trickle.stream('middle one', { delayMs: 12 }),
    ])) seen.push([clock.now(), entry]);
  })());
  assert.deepEqual(seen, [
    [5, { index: 1, value: 'first' }],
    [24, { index: 2, value: ['middle', 'one'] }],
    [50, { index: 0, value: ['late'] }],
  ]);
  assertClean();
});

test('asCompleted: break closes what is still running, including what never started', async () => {
  const { trickle, clock, run, live, assertClean } = await manual();
  const log = {};
  const items = [
    trickle.stream('fast', { delayMs: 5 }),
    trickle.stream('slow slower', { delayMs: 40 }),
    probe(['p', 'q'], 30, clock, log),
    trickle.stream('queued', { delayMs: 5 }),
  ];
  await run((async () => {
    for await (const { index } of asCompleted(items, { limit: 3 })) {
      assert.equal(index, 0);
      break;
    }
  })());
  assert.equal(clock.now(), 5, 'at the first completion');
  assert.equal(live(), 0);
  assert.equal(log.closed, false, 'its next() is in flight, in a 30 ms sleep');
  await clock.advance(24.999);
  assert.equal(log.closed, false);
  await clock.advance(0.001);
  assert.deepEqual(log, { pulled: 1, closed: true }, 'return() was called: it closes when that step ends, at 30');
  assertClean();
});

test('asCompleted: a failure rejects the loop and closes the rest; an abort rejects with its reason', async () => {
  const { trickle, clock, run, live, assertClean } = await manual();
  const seen = [];
  await assert.rejects(run((async () => {
    for await (const entry of asCompleted([
      trickle.stream('ok', { delayMs: 5 }),
      trickle.stream('x y', { delayMs: 10, failAfter: 1, failMessage: 'boom' }), // fails at 20
      trickle.stream('never finishes', { delayMs: 1000 }),
    ])) seen.push([clock.now(), entry.index]);
  })()), { message: 'boom' });
  assert.deepEqual(seen, [[5, 0]]);
  assert.equal(clock.now(), 20);
  assertClean();

  const controller = new AbortController();
  const iterator = asCompleted([trickle.stream('a b', { delayMs: 1000 })], { signal: controller.signal });
  const waiting = iterator.next();
  controller.abort();
  await assert.rejects(settles(waiting), { name: 'AbortError' });
  assert.deepEqual(await iterator.next(), { value: undefined, done: true }, 'ends once, like a generator');
  assert.equal(live(), 0);
  assert.equal(listeners(controller.signal), 0);
  assertClean();
});

// ---- merge

test('merge hands on every chunk of every stream in arrival order', async () => {
  const { trickle, clock, run, nap, assertClean } = await manual();
  const seen = [];
  await run((async () => {
    for await (const { index, value } of merge([
      trickle.stream('a1 a2 a3', { delayMs: 20 }), // at 20, 40, 60 ms
      trickle.stream('b1 b2', { delayMs: 50 }), //    at 50, 100 ms
      nap(30).then(() => 'p'), //                      at 30 ms
    ])) seen.push([clock.now(), index, value]);
  })());
  assert.deepEqual(seen, [[20, 0, 'a1'], [30, 2, 'p'], [40, 0, 'a2'], [50, 1, 'b1'], [60, 0, 'a3'], [100, 1, 'b2']]);
  assertClean();
});

test('merge: break closes every source at once, and the abort listener is gone', async () => {
  const { trickle, clock, run, live, assertClean } = await manual();
  const controller = new AbortController();
  const log = {};
  const sources = [trickle.stream('a b c', { delayMs: 5 }), trickle.stream('d e f', { delayMs: 1000 }), probe(['g'], 1000, clock, log)];
  await run((async () => {
    for await (const { value } of merge(sources, { signal: controller.signal })) {
      assert.equal(value, 'a');
      break;
    }
  })());
  assert.equal(clock.now(), 5, 'the break waited neither for the generator nor for the 1 s stream');
  assert.equal(live(), 0);
  assert.equal(listeners(controller.signal), 0);
  // The generator's next() is in flight in a 1 s sleep: its finally runs when that ends.
  assert.equal(log.closed, false);
  await clock.runAll();
  assert.equal(clock.now(), 1000);
  assert.deepEqual(log, { pulled: 1, closed: true });
  assertClean();
});

test('merge: a failing source rejects the loop and closes the others; so does an abort', async () => {
  const { trickle, clock, run, after, assertClean } = await manual();
  const chunks = [];
  await assert.rejects(run((async () => {
    for await (const { value } of merge([
      trickle.stream('a b c d e', { delayMs: 10 }),
      trickle.stream('x y', { delayMs: 25, failAfter: 1, failMessage: 'stream broke' }), // x at 25, fails at 50
    ])) chunks.push([clock.now(), value]);
  })()), { message: 'stream broke' });
  assert.deepEqual(chunks, [[10, 'a'], [20, 'b'], [25, 'x'], [30, 'c'], [40, 'd'], [50, 'e']]);
  assert.equal(clock.now(), 50);
  assertClean();

  const controller = new AbortController();
  after(15, () => controller.abort());
  const got = [];
  await assert.rejects(run((async () => {
    for await (const { value } of merge([trickle.stream('a b c d', { delayMs: 10 })], { signal: controller.signal })) got.push(value);
  })()), { name: 'AbortError' });
  assert.equal(clock.now(), 65, 'at the abort, 15 ms after the first part ended at 50');
  assert.deepEqual(got, ['a']);
  assertClean();
});

test('merge keeps backpressure: a slow consumer slows a fast source down', async () => {
  const { clock, run, nap, assertClean } = await manual();
  const log = {};
  const source = probe(Array.from({ length: 100 }, (_, i) => i), 0, clock, log);
  let consumed = 0;
  const ahead = [];
  await run((async () => {
    for await (const { value } of merge([source])) {
      consumed += 1;
      await nap(10);
      ahead.push(log.pulled - consumed);
      if (value === 4) break;
    }
  })());
  assert.equal(clock.now(), 50, 'five chunks, 10 ms each');
  // One chunk in the queue and one held by the pump: never more, however long the consumer takes.
  assert.deepEqual(ahead, [2, 2, 2, 2, 2]);
  await run(clock.runAll());
  assert.equal(log.closed, true);
  assert.equal(log.pulled, 7, 'nothing pulled after the break but the step in flight');
  assertClean();
});

// ---- wait

test('wait returns the very promises given, split into done and pending', async () => {
  const { clock, run, nap, assertClean } = await manual();
  const fast = nap(5).then(() => 'fast');
  const slow = nap(40).then(() => 'slow');
  const failing = nap(20).then(() => { throw new Error('no'); });
  failing.catch(() => {});

  const first = await run(wait([fast, slow, failing], { return: 'first' }));
  assert.equal(clock.now(), 5);
  assert.deepEqual([...first.done], [fast]);
  assert.deepEqual([...first.pending], [slow, failing]);

  const firstError = await run(wait(first.pending, { return: 'first-error' }));
  assert.equal(clock.now(), 20);
  assert.deepEqual([...firstError.done], [failing]);
  assert.deepEqual([...firstError.pending], [slow]);
  await assert.rejects(failing, { message: 'no' });

  const all = await run(wait([fast, slow, failing]));
  assert.equal(clock.now(), 40);
  assert.equal(all.done.size, 3);
  assert.equal(all.pending.size, 0);
  assert.equal(await slow, 'slow');

  const none = await settles(wait([]), 'wait([])');
  assert.equal(none.done.size + none.pending.size, 0);
  assertClean();
});

test('wait: timeoutMs resolves with what has settled, without an error, and cancels nothing', async () => {
  const { clock, nap, assertClean } = await manual();
  const quick = nap(5);
  const never = deferred();
  let result = null;
  wait([quick, never.promise], { timeoutMs: 30, clock }).then((value) => { result = value; });
  await clock.advance(29.999);
  assert.equal(result, null, 'not before 30 ms');
  await clock.advance(0.001);
  assert.ok(result, 'at 30 ms');
  assert.deepEqual([...result.done], [quick]);
  assert.deepEqual([...result.pending], [never.promise]);
  never.resolve('still usable');
  assert.equal(await never.promise, 'still usable');
  assertClean();
});

test('wait: an abort rejects with its reason and removes its listener; streams must become promises first', async () => {
  const { trickle, clock, run, assertClean } = await manual();
  const controller = new AbortController();
  const waiting = wait([deferred().promise], { signal: controller.signal, timeoutMs: 1000, clock });
  assert.equal(listeners(controller.signal), 1);
  assert.equal(clock.pendingTimers, 1);
  controller.abort('stop');
  await assert.rejects(settles(waiting), (reason) => reason === 'stop');
  assert.equal(listeners(controller.signal), 0);
  assert.equal(clock.pendingTimers, 0, 'the timeout is cancelled too');

  const stream = trickle.stream('a', { delayMs: 0 });
  await assert.rejects(wait([stream]), { name: 'TypeError', message: /collect\(stream\)/ });
  await assert.rejects(wait([], { return: 'any' }), RangeError);
  assert.deepEqual(await run(collect(stream)), ['a']);
  assertClean();
});

// ---- withTimeout, abortable, collect

test('withTimeout rejects with a TimeoutError DOMException, never early', async () => {
  const { clock, run, nap, assertClean } = await manual();
  assert.equal(await run(withTimeout(nap(5).then(() => 'in time'), 50, { clock })), 'in time');
  assert.equal(clock.now(), 5);
  assert.equal(clock.pendingTimers, 0, 'the deadline is dropped when the work ends');

  let outcome = null;
  withTimeout(nap(1000), 20, { clock }).catch((error) => { outcome = error; });
  await clock.advance(19.999);
  assert.equal(outcome, null, 'never early');
  await clock.advance(0.001);
  assert.ok(outcome instanceof DOMException);
  assert.equal(outcome.name, 'TimeoutError');
  assert.equal(clock.pendingTimers, 1, 'a bare promise goes on: its 1 s sleep is still set');
  await clock.runAll();
  assertClean();
});

test('withTimeout aborts the signal it gives a task function, so the work itself stops', async () => {
  const { clock, run, assertClean } = await manual();
  let given;
  await assert.rejects(run(withTimeout((signal) => {
    given = signal;
    return sleep(1000, { signal, clock });
  }, 10, { clock })), { name: 'TimeoutError' });
  assert.equal(clock.now(), 10);
  assert.equal(given.aborted, true);
  assert.equal(given.reason.name, 'TimeoutError');
  assertClean('the task\'s 1 s sleep stopped with it:');
});

test('withTimeout over a stream hands chunks on until the deadline, then closes it', async () => {
  const { trickle, clock, run, assertClean } = await manual();
  const chunks = [];
  await assert.rejects(run((async () => {
    for await (const chunk of withTimeout(trickle.stream('a b c d e f', { delayMs: 20 }), 50, { clock })) chunks.push([clock.now(), chunk]);
  })()), { name: 'TimeoutError' });
  assert.deepEqual(chunks, [[20, 'a'], [40, 'b']]);
  assert.equal(clock.now(), 50);
  assertClean();
});

test('withTimeout: break or the end stops the clock, and an outer abort still works', async () => {
  const { trickle, clock, run, nap, assertClean } = await manual();
  let given;
  await run((async () => {
    for await (const chunk of withTimeout((signal) => { given = signal; return trickle.stream('a b', { delayMs: 5 }); }, 30, { clock })) {
      assert.equal(chunk, 'a');
      break;
    }
  })());
  assert.equal(clock.now(), 5);
  assertClean('the deadline was dropped when the loop ended:');
  assert.deepEqual(await run(withTimeout(collect(trickle.stream('x y', { delayMs: 1 })), 1000, { clock })), ['x', 'y']);
  assert.equal(clock.now(), 7);
  assertClean('the deadline was dropped when the work ended:');
  await clock.advance(1000);
  assert.equal(given.aborted, false);

  const controller = new AbortController();
  const pending = withTimeout(nap(1000), 5000, { signal: controller.signal, clock });
  assert.equal(clock.pendingTimers, 2);
  controller.abort();
  await assert.rejects(settles(pending), { name: 'AbortError' });
  assert.equal(listeners(controller.signal), 0);
  assert.equal(clock.pendingTimers, 1, 'the 5 s deadline is cancelled; the bare 1 s sleep goes on');
  await clock.runAll();
  assertClean();
});

test('collect reads a stream to its end; an abort closes it at once', async () => {
  const { trickle, clock, run, after, assertClean } = await manual();
  assert.deepEqual(await run(collect(trickle.chat('hi', { delayMs: 1 }))), ['你提问的是: ', 'hi, ', '我正在流式生成答案... ']);
  assert.equal(clock.now(), 3);
  const controller = new AbortController();
  after(25, () => controller.abort());
  await assert.rejects(run(collect(trickle.stream('a b c d e', { delayMs: 10 }), { signal: controller.signal })), { name: 'AbortError' });
  assert.equal(clock.now(), 28);
  assertClean();
  assert.equal(listeners(controller.signal), 0);
});

test('abortable: an abort settles a next() even when the source never answers', async () => {
  const { trickle, live, assertClean } = await manual();
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
  assert.equal(listeners(controller.signal), 0);

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
  assert.equal(listeners(late.signal), 0);
  assertClean();
});

// ---- shield

test('shield: a timeout gives up waiting but the stream goes on, losing no chunk', async () => {
  const { trickle, clock, run, live, assertClean } = await manual();
  const stream = trickle.stream('a b c d', { delayMs: 20 });
  const view = shield(stream);
  const early = [];
  await assert.rejects(run((async () => {
    for await (const chunk of withTimeout(view, 50, { clock })) early.push(chunk);
  })()), { name: 'TimeoutError' });
  assert.equal(clock.now(), 50);
  assert.deepEqual(early, ['a', 'b']);
  assert.equal(live(), 1, 'the stream is still open');
  const rest = await run(collect(view)); // c was in flight when the timeout struck: kept
  assert.deepEqual([...early, ...rest], ['a', 'b', 'c', 'd']);
  assert.equal(clock.now(), 80, 'on its own schedule: c at 60, d at 80');
  assertClean();
});

test('shield: a shielded task does not see the cancelling signal; a shielded promise settles like it', async () => {
  const { clock, nap, assertClean } = await manual();
  let given = 'not called';
  let finished = null;
  const controller = new AbortController();
  const gathering = gather([shield((signal) => {
    given = signal;
    return nap(10).then(() => { finished = clock.now(); });
  })], { signal: controller.signal });
  await yieldToEventLoop(); // the task starts
  controller.abort();
  await assert.rejects(gathering, { name: 'AbortError' });
  assert.equal(given, undefined);
  await clock.runAll();
  assert.equal(finished, 10, 'the work went on to its end');
  assert.equal(await shield(Promise.resolve(3)), 3);
  assert.throws(() => shield(3), TypeError);
  assertClean();
});

// ---- Semaphore and Lock

test('Semaphore(n) never lets more than n run, and serves waiters first come, first served', async () => {
  const { clock, run, nap, assertClean } = await manual();
  const semaphore = new Semaphore(3);
  let running = 0;
  let most = 0;
  const started = [];
  await run(Promise.all(Array.from({ length: 10 }, (_, i) => semaphore.run(async () => {
    started.push([i, clock.now()]);
    running += 1;
    most = Math.max(most, running);
    await nap(5 + ((i * 7) % 4) * 5); // 5, 20, 15, 10, 5, 20, 15, 10, 5, 20 ms
    running -= 1;
  }))));
  assert.equal(most, 3);
  // In order, each as a permit comes free: 3 when 0 ends (5); 4, 5 when 2, 3 end (15);
  // 6, 7 when 1, 4 end (20); 8 when 7 ends (30); 9 when 5, 6, 8 end (35), ending at 55.
  assert.deepEqual(started, [[0, 0], [1, 0], [2, 0], [3, 5], [4, 15], [5, 15], [6, 20], [7, 20], [8, 30], [9, 35]]);
  assert.equal(clock.now(), 55);
  assert.equal(semaphore.available, 3);
  assertClean();
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
  const { clock, run, nap, assertClean } = await manual();
  const lock = new Lock();
  const order = [];
  const release = await lock.acquire();
  assert.equal(lock.locked, true);
  const waiters = [1, 2, 3].map((i) => lock.acquire().then((done) => { order.push(i); return done; }));
  await clock.advance(5);
  assert.deepEqual(order, [], 'nobody gets a held lock, however long it is held');
  release();
  release(); // a second call does nothing
  for (const waiter of waiters) (await waiter)();
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(lock.locked, false);

  let inside = 0;
  const log = [];
  await run(Promise.all([30, 5, 15].map((ms, i) => lock.runExclusive(async () => {
    inside += 1;
    assert.equal(inside, 1);
    await nap(ms);
    log.push([i, clock.now() - 5]);
    inside -= 1;
  }))));
  assert.deepEqual(log, [[0, 30], [1, 35], [2, 50]], 'one after the other, in order, back to back');
  assertClean();
});

// ---- AsyncEvent

test('AsyncEvent: set() wakes every waiter; clear() makes them wait again', async () => {
  const { clock } = await manual();
  const event = new AsyncEvent();
  const woken = [];
  const waiters = [0, 1, 2].map((i) => event.wait().then(() => woken.push(i)));
  await clock.advance(5);
  assert.deepEqual(woken, []);
  event.set();
  await Promise.all(waiters);
  assert.deepEqual(woken, [0, 1, 2]);
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
  const { clock } = await manual();
  const queue = new AsyncQueue({ maxSize: 2 });
  await queue.put('a');
  await queue.put('b');
  let thirdIn = false;
  const third = queue.put('c').then(() => { thirdIn = true; });
  await clock.advance(5);
  assert.equal(thirdIn, false, 'the queue is full');
  assert.equal(queue.size, 2);
  assert.equal(await queue.get(), 'a');
  await third;
  assert.deepEqual([await queue.get(), await queue.get()], ['b', 'c']);

  const gets = [queue.get(), queue.get()];
  await clock.advance(5);
  await queue.put(1);
  await queue.put(2);
  assert.deepEqual(await Promise.all(gets), [1, 2]);
});

test('AsyncQueue: close() ends iteration after the queued items and fails puts', async () => {
  const { clock, run, nap, assertClean } = await manual();
  const queue = new AsyncQueue({ maxSize: 1 });
  const producer = (async () => {
    for (const word of ['你好', '我', '是']) await queue.put(word);
    queue.close();
  })();
  const words = [];
  await run((async () => {
    for await (const word of queue) {
      words.push([clock.now(), word]);
      await nap(2);
    }
  })());
  await producer;
  assert.deepEqual(words, [[0, '你好'], [2, '我'], [4, '是']]);
  assert.equal(clock.now(), 6);
  await assert.rejects(queue.put('late'), QueueClosedError);
  await assert.rejects(queue.get(), { name: 'QueueClosedError' });

  const full = new AsyncQueue({ maxSize: 1 });
  await full.put(1);
  const waiting = full.put(2);
  const reader = full.values();
  full.close();
  await assert.rejects(settles(waiting), QueueClosedError);
  assert.deepEqual(await collectAll(reader), [1]);
  assertClean();
});

test('AsyncQueue: an aborted put or get leaves the line; break leaves the queue open', async () => {
  const { clock, run, after, assertClean } = await manual();
  const queue = new AsyncQueue({ maxSize: 1 });
  const controller = new AbortController();
  const get = queue.get({ signal: controller.signal });
  controller.abort();
  await assert.rejects(settles(get), { name: 'AbortError' });
  await queue.put('kept'); // not handed to the aborted get
  const timeout = new AbortController(); // what AbortSignal.timeout(10) gives, on the manual clock
  after(10, () => timeout.abort(new DOMException('timed out', 'TimeoutError')));
  const put = queue.put('dropped', { signal: timeout.signal });
  await assert.rejects(run(put), { name: 'TimeoutError' });
  assert.equal(clock.now(), 10);
  assert.equal(listeners(timeout.signal), 0);
  for await (const item of queue) {
    assert.equal(item, 'kept');
    break;
  }
  assert.equal(queue.closed, false);
  assert.equal(queue.size, 0, "the aborted put's item never entered");
  assert.throws(() => new AsyncQueue({ maxSize: 0 }), RangeError);
  assertClean();
});

// ---- sleep and yieldToEventLoop

test('sleep on a manual clock wakes at exactly its time, and an abort cuts it short', async () => {
  const { clock, assertClean } = await manual();
  let woke = null;
  sleep(20, { clock }).then(() => { woke = clock.now(); });
  await clock.advance(19.999);
  assert.equal(woke, null);
  await clock.advance(0.001);
  assert.equal(woke, 20);
  const controller = new AbortController();
  const forever = sleep(Infinity, { signal: controller.signal, clock });
  assert.equal(clock.pendingTimers, 0, 'sleeping forever sets no timer');
  controller.abort();
  await assert.rejects(settles(forever), { name: 'AbortError' });
  const cut = sleep(1000, { signal: controller.signal, clock });
  await assert.rejects(cut, { name: 'AbortError' });
  assert.throws(() => sleep(-1, { clock }), RangeError);
  assertClean();
});

// The event loop's glue, on real time (loose bounds: only "never early").
test('sleep on the event loop is never early', async () => {
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
  // Streams: 'a b c d' at 10..40, chat 'hi' at 12, 24, 36; the failing one fails 20 ms after it starts.
  const streams = (trickle) => [trickle.stream('a b c d', { delayMs: 10 }), trickle.chat('hi', { delayMs: 12 })];
  const failing = (trickle) => [...streams(trickle), trickle.stream('x y z', { delayMs: 10, failAfter: 1 })];
  // Those that take one item get the last one: the failing stream, in the failure case.
  const combinators = {
    gather: (items, signal) => gather(items, { signal }),
    gatherLimited: (items, signal) => gather(items, { signal, limit: 1 }),
    asCompleted: (items, signal) => asCompleted(items, { signal }),
    merge: (items, signal) => merge(items, { signal }),
    mergeLimited: (items, signal) => merge(items, { signal, limit: 1 }),
    collect: (items, signal) => collect(items.at(-1), { signal }),
    abortable: (items, signal) => abortable(items.at(-1), { signal }),
    withTimeout: (items, signal, clock) => withTimeout(items.at(-1), 10_000, { signal, clock }),
  };
  const single = new Set(['collect', 'abortable', 'withTimeout']);
  // When each ending comes: the abort at 15, the timeout at 25, the failure 20 ms after the
  // failing stream starts (with limit 1, after the other two: 'a b c d' ends at 40, the
  // chat at 76), the break at the first entry (a promise has no break: it is left with an
  // abort at 0).
  const expectedAt = {
    abort: () => 15,
    timeout: () => 25,
    failure: (name) => (name.endsWith('Limited') ? 96 : 20),
    break: (name) => ({ gather: 0, gatherLimited: 0, collect: 0, asCompleted: 36, merge: 10, mergeLimited: 10, abortable: 12, withTimeout: 12 })[name],
  };
  for (const [name, start] of Object.entries(combinators)) {
    for (const ending of ['abort', 'timeout', 'failure', 'break']) {
      const what = `${name} after ${ending}`;
      const { trickle, clock, run, after, assertClean } = await manual();
      const controller = new AbortController();
      const { signal } = controller;
      if (ending === 'abort') after(15, () => controller.abort());
      if (ending === 'timeout') after(25, () => controller.abort(new DOMException('timed out', 'TimeoutError')));
      const items = ending === 'failure' ? failing(trickle) : streams(trickle);
      const unused = single.has(name) ? items.slice(0, -1) : [];
      const started = start(items, signal, clock);
      const isPromise = typeof started.then === 'function';
      if (ending === 'break' && !isPromise) {
        await run((async () => { for await (const entry of started) break; })(), what);
      } else {
        if (ending === 'break') controller.abort(); // a promise has no break: leave it with an abort
        const expected = { abort: 'AbortError', timeout: 'TimeoutError', break: 'AbortError', failure: 'Error' }[ending];
        await assert.rejects(run(isPromise ? started : collectAll(started), what), { name: expected }, what);
      }
      assert.equal(clock.now(), expectedAt[ending](name), `${what}: when`);
      await Promise.all(unused.map((stream) => stream.return()));
      assertClean(`${what}:`);
      assert.equal(listeners(signal), 0, `${what}: listeners`);
    }
  }
});

test('one abort settles every pending operation with its reason and leaves no listener', async () => {
  // Any reason is passed on as it is, null and 0 included: only an absent one becomes an AbortError.
  for (const reason of [new Error('stop everything'), null, 0, 'stop']) {
    const { trickle, clock, assertClean } = await manual();
    const controller = new AbortController();
    const { signal } = controller;
    setMaxListeners(30, signal); // this test alone puts many waiters on one signal
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
      sleep: sleep(Infinity, { signal, clock }),
      sleepTimed: sleep(1000, { signal, clock }),
      wait: wait([deferred().promise], { signal }),
      waitTimed: wait([deferred().promise], { signal, timeoutMs: 1000, clock }),
      gather: gather([trickle.stream('a b', { delayMs: 10_000 }), deferred().promise], { signal }),
      gatherLimited: gather([trickle.stream('a b', { delayMs: 10_000 }), trickle.stream('c')], { signal, limit: 1 }),
      asCompleted: asCompleted([trickle.stream('a', { delayMs: 10_000 })], { signal }).next(),
      merge: merge([trickle.stream('a', { delayMs: 10_000 }), stuckStream], { signal }).next(),
      collect: collect(trickle.stream('a', { delayMs: 10_000 }), { signal }),
      abortable: abortable(deferred().promise, { signal }),
      abortableTask: abortable((given) => sleep(Infinity, { signal: given }), { signal }),
      abortableStream: abortable(trickle.stream('a', { delayMs: 10_000 }), { signal }).next(),
      withTimeout: withTimeout(deferred().promise, 10_000, { signal, clock }),
      withTimeoutStream: withTimeout(trickle.stream('a', { delayMs: 10_000 }), 10_000, { signal, clock }).next(),
    };
    await clock.advance(5);
    assert.ok(listeners(signal) >= Object.keys(pending).length);
    controller.abort(reason);
    const outcomes = await settles(Promise.allSettled(Object.values(pending)), 'some operation');
    Object.keys(pending).forEach((name, i) => {
      assert.equal(outcomes[i].status, 'rejected', `${name} (${String(reason)})`);
      assert.equal(outcomes[i].reason, reason, `${name} rejects with exactly the reason given (${String(reason)})`);
    });
    assert.equal(listeners(signal), 0);
    assertClean(`${String(reason)}:`);
  }
});

test('an already aborted signal rejects every operation with exactly its reason, null included', async () => {
  for (const reason of [null, 0, 'stop', new Error('stopped before')]) {
    const { trickle, clock, assertClean } = await manual();
    const signal = AbortSignal.abort(reason);
    const calls = {
      lock: () => new Lock().acquire({ signal }),
      semaphore: () => new Semaphore(1).acquire({ signal }),
      event: () => new AsyncEvent().wait({ signal }),
      get: () => new AsyncQueue().get({ signal }),
      put: () => new AsyncQueue().put(1, { signal }),
      values: () => new AsyncQueue().values({ signal }).next(),
      sleep: () => sleep(10, { signal, clock }),
      wait: () => wait([deferred().promise], { signal, timeoutMs: 10, clock }),
      gather: () => gather([trickle.stream('a'), 1], { signal }),
      asCompleted: () => asCompleted([1], { signal }).next(),
      merge: () => merge([trickle.stream('a')], { signal }).next(),
      collect: () => collect(trickle.stream('a'), { signal }),
      abortable: () => abortable(Promise.resolve(1), { signal }),
      abortableTask: () => abortable(() => 1, { signal }),
      abortableStream: () => abortable(trickle.stream('a'), { signal }).next(),
      withTimeout: () => withTimeout(Promise.resolve(1), 10, { signal, clock }),
      withTimeoutStream: () => withTimeout(trickle.stream('a'), 10, { signal, clock }).next(),
    };
    for (const [name, call] of Object.entries(calls)) {
      await assert.rejects(call(), (error) => error === reason, `${name} (${String(reason)})`);
    }
    assert.equal(listeners(signal), 0);
    assertClean(`${String(reason)}:`);
  }
});

test('operations that end normally remove their abort listeners too', async () => {
  const { trickle, clock, run, nap, assertClean } = await manual();
  const { signal } = new AbortController();
  const queue = new AsyncQueue();
  await queue.put(1);
  await run(Promise.all([
    gather([trickle.stream('a', { delayMs: 1 }), nap(1)], { signal }),
    collectAll(merge([trickle.stream('a b', { delayMs: 1 })], { signal })),
    collectAll(asCompleted([nap(1)], { signal })),
    collect(trickle.stream('a', { delayMs: 1 }), { signal }),
    withTimeout(nap(1), 1000, { signal, clock }),
    wait([nap(1)], { signal, timeoutMs: 1000, clock }),
    nap(1, { signal }),
    queue.get({ signal }),
    new Lock().runExclusive(() => nap(1), { signal }),
  ]));
  assert.equal(clock.now(), 2);
  assert.equal(listeners(signal), 0);
  assertClean();
});

// ---- The rules shared with the C++ toolbox (docs/toolbox-semantics.md lists each case and
// the C++ test that checks the same rule)

test('Semaphore: a free permit is taken at once, and release() without a waiter raises the count', async () => {
  const semaphore = new Semaphore(1);
  let acquired = false;
  semaphore.acquire().then(() => { acquired = true; });
  assert.equal(semaphore.available, 0, 'taken in the call, before any await');
  await null;
  assert.equal(acquired, true, 'resolved without waiting for anything');
  semaphore.release();
  semaphore.release();
  assert.equal(semaphore.available, 2, 'like asyncio.Semaphore, not BoundedSemaphore');
});

test('Semaphore: release() hands the permit straight to the first waiter, so a later caller cannot barge in', async () => {
  const semaphore = new Semaphore(1);
  await semaphore.acquire();
  const order = [];
  const first = semaphore.acquire().then(() => order.push('first'));
  semaphore.release();
  assert.equal(semaphore.available, 0, "already the waiter's, though its promise has not resolved yet");
  const later = semaphore.acquire().then(() => order.push('later'));
  await first;
  await yieldToEventLoop();
  assert.deepEqual(order, ['first'], 'the newcomer waits its turn');
  semaphore.release();
  await later;
  assert.deepEqual(order, ['first', 'later']);
});

test('Semaphore and Lock: a waiter already handed the permit keeps it when its signal aborts afterwards', async () => {
  const semaphore = new Semaphore(1);
  await semaphore.acquire();
  const controller = new AbortController();
  const waiting = semaphore.acquire({ signal: controller.signal });
  semaphore.release(); // handed over: the promise is resolved, its then() not run yet
  controller.abort();
  await assert.doesNotReject(waiting);
  assert.equal(semaphore.available, 0, 'the waiter holds it');
  assert.equal(listeners(controller.signal), 0);

  const lock = new Lock();
  const release = await lock.acquire();
  const late = new AbortController();
  const next = lock.acquire({ signal: late.signal });
  release();
  late.abort();
  const releaseNext = await next;
  assert.equal(lock.locked, true);
  releaseNext();
  assert.equal(lock.locked, false);
});

test('an already aborted signal rejects even an operation that could complete at once, and changes nothing', async () => {
  // The C++ primitives complete such an operation (a stopped coroutine is cancelled at its
  // next wait instead); a JS signal has no next wait: docs/toolbox-semantics.md.
  const aborted = AbortSignal.abort(new Error('already stopped'));
  const isReason = (error) => error === aborted.reason;

  const semaphore = new Semaphore(1);
  await assert.rejects(semaphore.acquire({ signal: aborted }), isReason);
  assert.equal(semaphore.available, 1, 'the free permit stays free');
  const lock = new Lock();
  await assert.rejects(lock.acquire({ signal: aborted }), isReason);
  assert.equal(lock.locked, false);

  const event = new AsyncEvent();
  event.set();
  await assert.rejects(event.wait({ signal: aborted }), isReason);

  const queue = new AsyncQueue({ maxSize: 2 });
  await queue.put('queued');
  await assert.rejects(queue.put('refused', { signal: aborted }), isReason);
  await assert.rejects(queue.get({ signal: aborted }), isReason);
  assert.equal(queue.size, 1, 'nothing entered, nothing taken');
  assert.equal(await queue.get(), 'queued');

  // And one that would have to wait never joins the line.
  const empty = new Semaphore(0);
  await assert.rejects(empty.acquire({ signal: aborted }), isReason);
  empty.release();
  assert.equal(empty.available, 1, 'nobody in the line to hand it to');
  const unset = new AsyncEvent();
  await assert.rejects(unset.wait({ signal: aborted }), isReason);
  const waitingGet = new AsyncQueue();
  await assert.rejects(waitingGet.get({ signal: aborted }), isReason);
  await waitingGet.put('kept');
  assert.equal(waitingGet.size, 1, 'not handed to the refused get');
  assert.equal(listeners(aborted), 0);
});

test('AsyncEvent: a waiter woken by set() resolves even if clear() comes before it runs', async () => {
  const event = new AsyncEvent();
  const woken = event.wait();
  event.set();
  event.clear();
  await settles(woken, 'the woken waiter');
  assert.equal(event.isSet, false);
});

test('AsyncEvent: an aborted waiter leaves at once, and set() still wakes the others', async () => {
  const event = new AsyncEvent();
  const controller = new AbortController();
  const log = [];
  const kept = event.wait().then(() => log.push('kept'));
  const leaving = event.wait({ signal: controller.signal }).then(() => log.push('leaving'), () => log.push('left'));
  controller.abort();
  await leaving;
  assert.equal(listeners(controller.signal), 0);
  event.set();
  await kept;
  assert.deepEqual(log, ['left', 'kept']);
});

test('AsyncQueue: a put while a get waits hands the item straight to it', async () => {
  const queue = new AsyncQueue({ maxSize: 1 });
  const getting = queue.get();
  await queue.put('first');
  assert.equal(queue.size, 0, 'handed over, not stored');
  await queue.put('second');
  assert.equal(queue.size, 1, 'nobody waits now: stored');
  assert.equal(await getting, 'first');
  assert.equal(await queue.get(), 'second');
});

test('AsyncQueue: an item handed to a waiting get() is kept when its signal aborts afterwards', async () => {
  const queue = new AsyncQueue({ maxSize: 1 });
  const controller = new AbortController();
  const getting = queue.get({ signal: controller.signal });
  await queue.put(7); // handed to the waiting get
  controller.abort();
  assert.equal(await getting, 7, 'neither dropped nor put back');
  assert.equal(queue.size, 0);
  assert.equal(listeners(controller.signal), 0);
});

test('AsyncQueue: several producers and consumers pass every item exactly once, each producer\'s items in order', async () => {
  const { clock, run, nap, assertClean } = await manual();
  const queue = new AsyncQueue({ maxSize: 3 });
  const received = [];
  const producers = [0, 1, 2].map(async (p) => {
    for (let i = 0; i < 20; i++) {
      await queue.put(p * 100 + i);
      if (i % 7 === 0) await nap(p + 1);
    }
  });
  const consumers = [0, 1].map(async () => {
    for (let i = 0; i < 30; i++) {
      received.push(await queue.get());
      await yieldToEventLoop();
    }
  });
  await run(Promise.all([...producers, ...consumers]));
  assert.equal(received.length, 60);
  for (const p of [0, 1, 2]) {
    assert.deepEqual(received.filter((item) => Math.floor(item / 100) === p).map((item) => item % 100), Array.from({ length: 20 }, (_, i) => i));
  }
  assert.equal(queue.size, 0);
  assertClean();
});

test('docs/toolbox-semantics.md names only tests that exist, on both sides', async () => {
  const read = (path) => readFile(new URL(path, import.meta.url), 'utf8');
  const doc = await read('../../docs/toolbox-semantics.md');
  const cpp = (await Promise.all(['async_event', 'async_mutex', 'async_queue', 'async_semaphore', 'shield', 'timeout', 'wait', 'when_all']
    .map((name) => read(`../core/toolbox/${name}_tests.cpp`)))).join('\n');
  const js = (await Promise.all(['toolbox.test.mjs', 'toolbox-hostile.test.mjs'].map((name) => read(name)))).join('\n').replaceAll("\\'", "'");
  const rows = doc.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Case') && !line.startsWith('|---'));
  let named = 0;
  for (const row of rows) {
    const cells = row.split(' | ');
    if (cells.length < 3) continue;
    const [cppCell, jsCell] = cells.slice(-2);
    for (const [, name] of cppCell.matchAll(/"([^"]+)"/g)) {
      assert.ok(cpp.includes(`TEST_CASE("${name}")`), `no C++ test named "${name}"`);
      named += 1;
    }
    for (const [, name] of jsCell.matchAll(/"([^"]+)"/g)) {
      assert.ok(js.includes(`test('${name}'`), `no JS test named "${name}"`);
      named += 1;
    }
  }
  assert.ok(named >= 60, `${named} test names checked`);
});

// ---- Sources that break the iterator protocol (the hardening issue)

// An iterable whose iterator's next() is `next`, counting calls and return() calls. After 50
// calls it ends, so that code which spins on a bad result stops and fails an assertion
// instead of freezing the process.
function brokenSource(next) {
  const log = { calls: 0, returns: 0 };
  const iterable = {
    [Symbol.asyncIterator]() {
      return {
        next() {
          log.calls += 1;
          return log.calls > 50 ? Promise.resolve({ value: undefined, done: true }) : next();
        },
        return() {
          log.returns += 1;
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
  return { iterable, log };
}

// What next() does wrong, and nothing else.
const brokenNexts = {
  'next() throws': () => { throw new Error('next threw'); },
  'next() returns 5': () => 5,
  'next() returns null': () => null,
  'next() returns a promise of 5': () => Promise.resolve(5),
  'next() returns a promise of undefined': () => Promise.resolve(undefined),
  'the done getter throws': () => ({ get done() { throw new Error('done threw'); }, value: 1 }),
  'the value getter throws': () => ({ done: false, get value() { throw new Error('value threw'); } }),
};

// The error a plain for-await loop meets on the same source: what the toolbox must give too.
async function forAwaitError(next) {
  try {
    for await (const chunk of brokenSource(next).iterable) void chunk;
  } catch (error) {
    return error;
  }
  throw new Error('for await met no error');
}

test('gather, merge and asCompleted reject with the error for await gives when next() breaks the protocol, instead of spinning', async () => {
  const fanIns = {
    gather: (items) => gather(items),
    gatherLimited: (items) => gather(items, { limit: 1 }),
    merge: (items) => collectAll(merge(items)),
    asCompleted: (items) => collectAll(asCompleted(items)),
  };
  for (const [kind, next] of Object.entries(brokenNexts)) {
    const expected = await forAwaitError(next);
    for (const [name, fanIn] of Object.entries(fanIns)) {
      const what = `${name}, ${kind}`;
      const { iterable, log } = brokenSource(next);
      await assert.rejects(settles(fanIn([iterable]), what), (error) => {
        assert.equal(error.constructor, expected.constructor, what);
        assert.equal(error.message, expected.message, what);
        return true;
      }, what);
      assert.equal(log.calls, 1, `${what}: next() is called once, not again and again`);
    }
  }
});

test('collect, abortable and withTimeout reject (never throw) when next() breaks the protocol, and leave no listener or timer', async () => {
  const { clock, assertClean } = await manual();
  const guards = {
    collect: (iterable, signal) => collect(iterable, { signal }),
    abortable: (iterable, signal) => abortable(iterable, { signal }),
    withTimeout: (iterable, signal) => withTimeout(iterable, 1000, { signal, clock }),
  };
  for (const [kind, next] of Object.entries(brokenNexts)) {
    const expected = await forAwaitError(next);
    for (const [name, start] of Object.entries(guards)) {
      const what = `${name}, ${kind}`;
      const { signal } = new AbortController();
      const { iterable, log } = brokenSource(next);
      const started = start(iterable, signal);
      let first;
      if (typeof started.then === 'function') {
        first = started;
      } else {
        assert.doesNotThrow(() => { first = started.next(); }, `${what}: next() rejects instead of throwing`);
      }
      await assert.rejects(settles(first, what), (error) => {
        assert.equal(error.constructor, expected.constructor, what);
        assert.equal(error.message, expected.message, what);
        return true;
      }, what);
      assert.equal(log.calls, 1, what);
      assert.equal(listeners(signal), 0, `${what}: no listener left on the signal`);
      assert.equal(clock.pendingTimers, 0, `${what}: no deadline left on the clock`);
      if (typeof started.then !== 'function') {
        assert.deepEqual(await started.next(), { value: undefined, done: true }, `${what}: ended once, like a generator`);
        assert.equal(log.calls, 1, `${what}: the broken source is not asked again`);
      }
    }
  }
  assertClean();
});

test('a fan-in owns every iterable it is given even when another item cannot give an iterator', async () => {
  const { trickle, live, assertClean } = await manual();
  const cannot = { [Symbol.asyncIterator]() { throw new Error('no iterator for you'); } };
  const notAnObject = { [Symbol.asyncIterator]: () => 5 };
  const fanIns = {
    gather: (items) => gather(items),
    merge: (items) => merge(items),
    asCompleted: (items) => asCompleted(items, { limit: 1 }),
  };
  for (const [name, fanIn] of Object.entries(fanIns)) {
    for (const [bad, message] of [[cannot, 'no iterator for you'], [notAnObject, 'Result of the Symbol.asyncIterator method is not an object']]) {
      const what = `${name}, ${message}`;
      const before = brokenSource(() => ({ value: 1, done: false }));
      const after = brokenSource(() => ({ value: 1, done: false }));
      const stream = trickle.stream('a b', { delayMs: 10 });
      await assert.rejects(async () => fanIn([before.iterable, stream, bad, after.iterable]), { message }, what);
      assert.equal(before.log.returns, 1, `${what}: the iterable before it is closed`);
      assert.equal(after.log.returns, 1, `${what}: so is the one after it, which was given too`);
      assert.equal(before.log.calls + after.log.calls, 0, `${what}: nothing was read`);
      assert.deepEqual(await stream.next(), { value: undefined, done: true }, `${what}: the stream was closed before it started`);
      assert.equal(live(), 0, `${what}: and never allocated`);
    }
  }
  assertClean();
});

test('withTimeout and abortable drop their timer and listener when the iterable cannot give an iterator', async () => {
  const { clock, assertClean } = await manual();
  const cannot = { [Symbol.asyncIterator]() { throw new Error('no iterator for you'); } };
  const { signal } = new AbortController();
  assert.throws(() => withTimeout(cannot, 1000, { signal, clock }), { message: 'no iterator for you' });
  assert.throws(() => abortable(cannot, { signal }), { message: 'no iterator for you' });
  assert.throws(() => abortable({ [Symbol.asyncIterator]: () => null }, { signal }), { name: 'TypeError', message: /Symbol\.asyncIterator method is not an object/ });
  await assert.rejects(collect(cannot, { signal }), { message: 'no iterator for you' });
  assert.equal(listeners(signal), 0);
  assertClean();
});

test('wait counts a thenable whose then() throws as settled with an error, and keeps no timer or listener', async () => {
  const { clock, run, assertClean } = await manual();
  const throwing = { then() { throw new Error('then threw'); } };
  const { signal } = new AbortController();
  const all = await settles(wait([throwing], { timeoutMs: 1000, clock, signal }));
  assert.deepEqual([...all.done], [throwing]);
  assert.equal(all.pending.size, 0);
  assert.equal(clock.pendingTimers, 0, 'the timeout is cancelled');
  assert.equal(listeners(signal), 0);

  const never = deferred().promise;
  const firstError = await settles(wait([never, throwing], { return: 'first-error', timeoutMs: 1000, clock, signal }));
  assert.deepEqual([...firstError.done], [throwing]);
  assert.deepEqual([...firstError.pending], [never]);
  assert.equal(clock.pendingTimers, 0);
  assert.equal(listeners(signal), 0);

  // A then() that calls back and throws as well counts once, as what it called back with.
  const both = { then(onFulfilled) { onFulfilled('fine'); throw new Error('and threw'); } };
  const oneOf = await run(wait([both, never], { return: 'first-error', timeoutMs: 50, clock }));
  assert.equal(clock.now(), 50, 'fulfilled, not failed: first-error waits for its timeout');
  assert.deepEqual([...oneOf.done], [both]);
  assert.deepEqual([...oneOf.pending], [never]);
  assertClean();
});

// ---- The README's example runs

test('the README toolbox example runs and prints what it says', async () => {
  await assertReadmeExampleRuns('<!-- toolbox-example -->', '<!-- prints -->');
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
