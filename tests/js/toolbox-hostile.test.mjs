// The toolbox against sources that break the rules, and callers that pass bad options: a
// table of every combinator against every kind of hostile source, each case checked for the
// same four things, on a manual clock (every "when" exact):
//
//   1. what is returned settles once, with the outcome a plain for-await loop (or await) meets
//      on the same source: the same error, or the same chunks; or, for an abort, the
//      signal's reason at the abort's time; after a failure an iterator only says done;
//   2. nothing is left listening on the signal;
//   3. no timer is left on the clock (withTimeout's deadline, wait's timeoutMs);
//   4. no trickle stream is left (a healthy sibling is freed when the hostile source fails).
//
// Then the bad options of every export: unknown names, wrong types, and properties inherited
// from Object.prototype, which are never options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import createTrickle from '../../src/js/trickle.mjs';
import { runUntilSettled } from './support.mjs';
import {
  abortable, asCompleted, AsyncEvent, AsyncQueue, collect, gather, Lock, ManualClock, merge, Semaphore, shield,
  sleep, wait, withTimeout,
} from '../../src/js/toolbox.mjs';

const listeners = (signal) => getEventListeners(signal, 'abort').length;
const never = () => new Promise(() => {});

// The errors hostile sources throw, one object each, so that a test can ask for that very object.
const thrown = {
  next: new Error('next() threw'),
  nextRejected: new Error('next() rejected'),
  done: new Error('the done getter threw'),
  value: new Error('the value getter threw'),
  return: new Error('return() threw'),
  returnRejected: new Error('return() rejected'),
  asyncIterator: new Error('[Symbol.asyncIterator]() threw'),
  then: new Error('then() threw'),
  rejected: new Error('the promise rejected'),
};

/**
 * An async iterable whose iterator is made of `parts` (next, and return unless `noReturn`),
 * counting the calls to each. next() ends the source after 50 calls, so that code spinning
 * on a bad result stops and fails instead of freezing the process.
 */
function source(parts) {
  const log = { nexts: 0, returns: 0 };
  const iterator = {
    next() {
      log.nexts += 1;
      return log.nexts > 50 ? Promise.resolve({ value: undefined, done: true }) : parts.next(log.nexts);
    },
  };
  if (parts.return) {
    iterator.return = () => {
      log.returns += 1;
      return parts.return();
    };
  }
  return { item: { [Symbol.asyncIterator]: () => iterator }, log };
}

// Gives 'first', then never answers: only a close ends it, and return() is what is hostile.
const firstThenNothing = (n) => (n === 1 ? Promise.resolve({ value: 'first', done: false }) : never());
const endsOnReturn = () => Promise.resolve({ value: undefined, done: true });

/**
 * The hostile kinds. Each makes a fresh item (an async iterable, or a thenable) on a test's
 * instance. `abortAt` schedules an abort then; otherwise the source fails by itself, at 0.
 * `returns`: how many times a combinator that owns the source must call its return(): once
 * when it closes the source on an abort, never when the source failed (it has ended, as it
 * has for a for-await loop).
 */
const kinds = {
  'next() throws': { make: () => source({ next: () => { throw thrown.next; }, return: endsOnReturn }) },
  'next() rejects': { make: () => source({ next: () => Promise.reject(thrown.nextRejected), return: endsOnReturn }) },
  'next() returns 5': { make: () => source({ next: () => 5, return: endsOnReturn }) },
  'next() returns null': { make: () => source({ next: () => null, return: endsOnReturn }) },
  'next() returns a promise of 5': { make: () => source({ next: () => Promise.resolve(5), return: endsOnReturn }) },
  'next() returns a promise of undefined': { make: () => source({ next: () => Promise.resolve(undefined), return: endsOnReturn }) },
  'the done getter throws': {
    make: () => source({ next: () => ({ get done() { throw thrown.done; }, value: 1 }), return: endsOnReturn }),
  },
  'the value getter throws': {
    make: () => source({ next: () => ({ done: false, get value() { throw thrown.value; } }), return: endsOnReturn }),
  },
  'return() throws': {
    abortAt: 10, returns: 1,
    make: () => source({ next: firstThenNothing, return: () => { throw thrown.return; } }),
  },
  'return() rejects': {
    abortAt: 10, returns: 1,
    make: () => source({ next: firstThenNothing, return: () => Promise.reject(thrown.returnRejected) }),
  },
  'return() is missing': { abortAt: 10, returns: 0, make: () => source({ next: firstThenNothing }) },
  'return() returns a non-object': { abortAt: 10, returns: 1, make: () => source({ next: firstThenNothing, return: () => 5 }) },
  'return() never settles': { abortAt: 10, returns: 1, make: () => source({ next: firstThenNothing, return: never }) },
  'it never answers, and an abort comes': { abortAt: 10, returns: 1, make: () => source({ next: never, return: endsOnReturn }) },
  '[Symbol.asyncIterator]() throws': {
    atCall: true,
    make: () => ({ item: { [Symbol.asyncIterator]() { throw thrown.asyncIterator; } } }),
  },
  '[Symbol.asyncIterator]() returns a non-object': {
    atCall: true,
    make: () => ({ item: { [Symbol.asyncIterator]: () => 'not an iterator' } }),
  },
  'a thenable whose then() throws': { thenable: true, make: () => ({ item: { then() { throw thrown.then; } } }) },
  'a promise that rejects': {
    thenable: true,
    make: () => {
      const item = Promise.reject(thrown.rejected);
      item.catch(() => {});
      return { item };
    },
  },
  'a promise that never settles, and an abort comes': { thenable: true, abortAt: 10, make: () => ({ item: never() }) },
  'a trickle stream': { make: ({ trickle }) => ({ item: trickle.stream('a b', { delayMs: 10 }) }) },
  'a trickle stream, and an abort comes': {
    abortAt: 15,
    make: ({ trickle }) => ({ item: trickle.stream('a b c', { delayMs: 10 }) }),
  },
};

/** What a plain consumer meets on a fresh item of `kind`: for await over an iterable, await on a thenable. */
async function plainOutcome(kind) {
  const trickle = await createTrickle({ clock: 'manual' });
  const { item } = kind.make({ trickle });
  const reading = (async () => {
    if (kind.thenable) return await item;
    const chunks = [];
    for await (const chunk of item) chunks.push(chunk);
    return chunks;
  })();
  try {
    return { value: await runUntilSettled(trickle.clock, reading, 'the plain consumer') };
  } catch (error) {
    return { error };
  }
}

/** Reads an iterator by hand to its end or first error; then asks twice more, which must say done. */
async function readToEnd(iterator, what) {
  const chunks = [];
  for (;;) {
    let result;
    try {
      result = await iterator.next();
    } catch (error) {
      for (let i = 0; i < 2; i++) {
        assert.deepEqual(await iterator.next(), { value: undefined, done: true }, `${what}: after its error, only done`);
      }
      throw error;
    }
    if (result.done) return chunks;
    chunks.push(result.value);
  }
}

/**
 * The combinators, each as one call with the hostile item. `start` returns what the export
 * returns; `read` turns that into one promise of the hostile item's outcome. The fan-ins get a
 * healthy sibling after it (a trickle stream, 'x' at 5 ms), which must be freed when the
 * hostile item fails. `takes` says which forms the export accepts; given the other, it fails
 * with a TypeError (`badForm`).
 */
const combinators = {
  gather: {
    start: (item, { signal, sibling }) => gather([item, sibling], { signal }),
    read: async (started) => (await started)[0],
  },
  'gather with limit 1': {
    start: (item, { signal, sibling }) => gather([item, sibling], { signal, limit: 1 }),
    read: async (started) => (await started)[0],
    endsAt: 25, // the sibling starts when the hostile item ends, at 20
  },
  merge: {
    start: (item, { signal, sibling }) => merge([item, sibling], { signal }),
    read: async (started, what, thenable) => {
      const values = (await readToEnd(started, what)).filter((entry) => entry.index === 0).map((entry) => entry.value);
      return thenable ? values[0] : values;
    },
  },
  asCompleted: {
    start: (item, { signal, sibling }) => asCompleted([item, sibling], { signal }),
    read: async (started, what) => (await readToEnd(started, what)).find((entry) => entry.index === 0).value,
  },
  collect: {
    takes: 'iterable',
    badForm: { how: 'rejects', message: /collect: expected an async iterable/ },
    start: (item, { signal }) => collect(item, { signal }),
    read: (started) => started,
  },
  abortable: {
    start: (item, { signal }) => abortable(item, { signal }),
    read: (started, what) => (typeof started.then === 'function' ? started : readToEnd(started, what)),
  },
  withTimeout: {
    start: (item, { signal, clock }) => withTimeout(item, 1000, { signal, clock }),
    read: (started, what) => (typeof started.then === 'function' ? started : readToEnd(started, what)),
  },
  // shield has no signal of its own: it is read through abortable(), whose abort gives up on
  // the view and must leave the source open.
  shield: {
    owns: false,
    start: (item, { signal }) => abortable(shield(item), { signal }),
    read: (started, what) => (typeof started.then === 'function' ? started : readToEnd(started, what)),
  },
  wait: {
    takes: 'thenable',
    badForm: { how: 'rejects', message: /wait: expected promises/ },
    start: (item, { signal, clock }) => wait([item], { signal, clock, timeoutMs: 1000 }),
    read: async (started) => started,
  },
};

// How a combinator that returns an iterator reports an item that gives no iterator: at the
// call, as for-await does at the head of the loop. Those that return a promise reject.
const throwsAtCall = new Set(['merge', 'asCompleted', 'abortable', 'withTimeout', 'shield']);

function sameError(actual, expected, what) {
  if (Object.values(thrown).includes(expected)) {
    assert.equal(actual, expected, `${what}: the very error the source threw`);
  } else {
    assert.equal(actual?.constructor, expected.constructor, `${what}: ${actual}`);
    assert.equal(actual.message, expected.message, what);
  }
}

test('every combinator meets every hostile source as a plain loop would, and leaves nothing behind', async () => {
  let cases = 0;
  const failures = []; // every failing case, so that one run shows the whole table
  for (const [kindName, kind] of Object.entries(kinds)) {
    const plain = await plainOutcome(kind);
    for (const [name, combinator] of Object.entries(combinators)) {
      const what = `${name} / ${kindName}`;
      cases += 1;
      try {
        await hostileCase(kindName, kind, plain, name, combinator, what);
      } catch (error) {
        const line = error.message.split('\n')[0];
        failures.push(line.startsWith(what) ? line : `${what}: ${line}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(cases, Object.keys(kinds).length * Object.keys(combinators).length);
});

async function hostileCase(kindName, kind, plain, name, combinator, what) {
  {
    {
      const trickle = await createTrickle({ clock: 'manual' });
      const { clock } = trickle;
      const controller = new AbortController();
      const { signal } = controller;
      const sibling = trickle.stream('x', { delayMs: 5 });
      const { item, log } = kind.make({ trickle });
      const abortTimer = new AbortController(); // to drop the abort's own timer if the case ends first
      if (kind.abortAt !== undefined) {
        sleep(kind.abortAt, { clock, signal: abortTimer.signal }).then(
          () => controller.abort(new DOMException(`stopped at ${kind.abortAt}`, 'AbortError')),
          () => {},
        );
      }
      const form = kind.thenable ? 'thenable' : 'iterable';

      // What the export must do with this item, and when.
      let expected; // { how: 'throws' | 'rejects' | 'resolves', check(outcome), at }
      if (combinator.takes && combinator.takes !== form) {
        expected = { ...combinator.badForm, at: 0 };
      } else if (kind.atCall) {
        expected = { how: throwsAtCall.has(name) ? 'throws' : 'rejects', error: plain.error, at: 0 };
      } else if (kind.abortAt !== undefined) {
        expected = { how: 'rejects', abort: true, at: kind.abortAt };
      } else if (name === 'wait') {
        // A promise that rejects, or a then() that throws, has settled: it is done, not an error.
        expected = { how: 'resolves', waitDone: true, at: 0 };
      } else if (plain.error) {
        expected = { how: 'rejects', error: plain.error, at: 0 };
      } else {
        expected = { how: 'resolves', value: plain.value, at: combinator.endsAt ?? 20 };
      }

      let started;
      let threw = null;
      try {
        started = combinator.start(item, { signal, clock, sibling });
      } catch (error) {
        threw = { error };
      }
      if (expected.how === 'throws') {
        assert.ok(threw, `${what}: throws at the call`);
        sameError(threw.error, expected.error, what);
      } else {
        assert.equal(threw, null, `${what}: does not throw at the call (${threw?.error})`);
        let outcome;
        try {
          outcome = { value: await runUntilSettled(clock, combinator.read(started, what, kind.thenable), what) };
        } catch (error) {
          outcome = { error };
        }
        assert.equal(clock.now(), expected.at, `${what}: settles at ${expected.at} ms`);
        if (expected.how === 'resolves') {
          assert.ok(!outcome.error, `${what}: resolves (${outcome.error})`);
          if (expected.waitDone) {
            assert.deepEqual([...outcome.value.done], [item], what);
            assert.equal(outcome.value.pending.size, 0, what);
          } else {
            assert.deepEqual(outcome.value, expected.value, what);
          }
        } else {
          assert.ok(outcome.error !== undefined, `${what}: rejects`);
          if (expected.abort) assert.equal(outcome.error, signal.reason, `${what}: with the abort's reason`);
          else if (expected.message) assert.match(outcome.error.message, expected.message, what);
          else sameError(outcome.error, expected.error, what);
        }
      }

      // Whatever the outcome: the source closed exactly as owed, nothing left anywhere.
      if (log) {
        const owes = combinator.owns === false || (combinator.takes && combinator.takes !== form) ? 0 : kind.returns ?? 0;
        assert.equal(log.returns, owes, `${what}: return() called ${owes} times`);
        if (kind.abortAt === undefined && !(combinator.takes && combinator.takes !== form)) {
          assert.equal(log.nexts, 1, `${what}: a failed source is not asked again`);
        }
      }
      abortTimer.abort();
      await sibling.return(); // the sibling was given only to the fan-ins
      // shield leaves its source open by design: the test closes the one source that has timers.
      if (combinator.owns === false && kindName.startsWith('a trickle stream')) await item.return();
      assert.equal(listeners(signal), 0, `${what}: no listener left on the signal`);
      assert.equal(clock.pendingTimers, 0, `${what}: no timer left on the clock`);
      assert.equal(trickle.stats().liveStreams, 0, `${what}: no trickle stream left`);
      assert.equal(trickle.stats().scheduledTimers, 0, `${what}: no stream timer left`);
    }
  }
}

test('a break out of a hostile source\'s return() goes as far as a plain loop\'s break goes', async () => {
  // abortable and withTimeout read nothing ahead, so their break awaits return(), as a plain
  // loop's does, and meets what it throws; merge and asCompleted close without waiting (a
  // source may be mid-step) and drop what return() does, as they do on an abort.
  const hostile = {
    'return() throws': () => source({ next: firstThenNothing, return: () => { throw thrown.return; } }),
    'return() rejects': () => source({ next: firstThenNothing, return: () => Promise.reject(thrown.returnRejected) }),
    'return() is missing': () => source({ next: firstThenNothing }),
    'return() returns a non-object': () => source({ next: firstThenNothing, return: () => 5 }),
  };
  const breakOut = async (iterable) => {
    for await (const chunk of iterable) {
      assert.equal(chunk?.value ?? chunk, 'first');
      break;
    }
  };
  for (const [kind, make] of Object.entries(hostile)) {
    const plain = await breakOut(make().item).then(() => null, (error) => error);
    for (const [name, wrap] of Object.entries({
      abortable: (item, signal) => abortable(item, { signal }),
      withTimeout: (item, signal, clock) => withTimeout(item, 1000, { signal, clock }),
      merge: (item, signal) => merge([item], { signal }),
      asCompletedIsNotReadable: null,
    })) {
      if (!wrap) continue;
      const what = `${name} / ${kind}`;
      const clock = new ManualClock();
      const { signal } = new AbortController();
      const { item, log } = make();
      const outcome = await settles(breakOut(wrap(item, signal, clock)).then(() => null, (error) => error), what);
      if (name === 'merge') assert.equal(outcome, null, `${what}: the break is not held up`);
      else if (plain === null) assert.equal(outcome, null, what);
      else sameError(outcome, plain, what);
      if (kind !== 'return() is missing') assert.equal(log.returns, 1, what);
      assert.equal(listeners(signal), 0, what);
      assert.equal(clock.pendingTimers, 0, what);
    }
  }
});

// Fails the test instead of hanging it (real time, as a guard only).
async function settles(promise, what) {
  let timer;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after 2 s`)), 2000);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- Bad options

/**
 * Every export that takes an options bag, as a call with `options`. `how`: whether a bad bag
 * is thrown at the call or delivered as a rejection (each export keeps the form it has).
 */
const withOptions = {
  gather: { how: 'rejects', call: (options) => gather([], options), known: ['signal', 'limit'] },
  merge: { how: 'throws', call: (options) => merge([], options), known: ['signal', 'limit'] },
  asCompleted: { how: 'throws', call: (options) => asCompleted([], options), known: ['signal', 'limit'] },
  wait: { how: 'rejects', call: (options) => wait([], options), known: ['signal', 'return', 'timeoutMs', 'clock'] },
  withTimeout: { how: 'throws', call: (options) => withTimeout(Promise.resolve(1), 10, options), known: ['signal', 'clock'] },
  abortable: { how: 'throws', call: (options) => abortable(Promise.resolve(1), options), known: ['signal'] },
  collect: { how: 'rejects', call: (options) => collect((async function* empty() {}()), options), known: ['signal'] },
  sleep: { how: 'throws', call: (options) => sleep(0, options), known: ['signal', 'clock'] },
  'Semaphore.acquire': { how: 'throws', call: (options) => new Semaphore(1).acquire(options), known: ['signal'] },
  'Semaphore.run': { how: 'rejects', call: (options) => new Semaphore(1).run(() => 1, options), known: ['signal'] },
  'Lock.acquire': { how: 'rejects', call: (options) => new Lock().acquire(options), known: ['signal'] },
  'Lock.runExclusive': { how: 'rejects', call: (options) => new Lock().runExclusive(() => 1, options), known: ['signal'] },
  'AsyncEvent.wait': { how: 'throws', call: (options) => { const event = new AsyncEvent(); event.set(); return event.wait(options); }, known: ['signal'] },
  AsyncQueue: { how: 'throws', call: (options) => new AsyncQueue(options), known: ['maxSize'] },
  'AsyncQueue.put': { how: 'throws', call: (options) => new AsyncQueue().put(1, options), known: ['signal'] },
  'AsyncQueue.get': { how: 'rejects', call: (options) => { const queue = new AsyncQueue(); queue.put(1); return queue.get(options); }, known: ['signal'] },
  'AsyncQueue.values': { how: 'throws', call: (options) => { const queue = new AsyncQueue(); queue.close(); return queue.values(options).next(); }, known: ['signal'] },
  ManualClock: { how: 'throws', call: (options) => new ManualClock(options), known: ['now'] },
};

async function fails(how, call, expected, what) {
  if (how === 'throws') {
    assert.throws(call, expected, what);
  } else {
    let result;
    assert.doesNotThrow(() => { result = call(); }, `${what}: rejects, does not throw`);
    await assert.rejects(result, expected, what);
  }
}

// What each option must be, as values of the wrong type and the error they give.
const wrongValues = {
  signal: [['stop', TypeError, /signal must be an AbortSignal/], [{ aborted: true }, TypeError, /signal must be an AbortSignal/], [null, TypeError, /signal must be an AbortSignal/]],
  clock: [[{}, TypeError, /clock must be a ManualClock/], ['manual', TypeError, /clock must be a ManualClock/]],
  limit: [['2', TypeError, /limit must be a number/], [0, RangeError, /limit must be a whole number from 1/], [1.5, RangeError, /limit/]],
  timeoutMs: [['5', TypeError, /timeoutMs must be a number/], [-1, RangeError, /timeoutMs must be between/], [Number.NaN, RangeError, /timeoutMs/]],
  return: [['any', RangeError, /return must be 'first', 'first-error', 'all'/], [1, RangeError, /return must be/]],
  maxSize: [['1', TypeError, /maxSize must be a number/], [0, RangeError, /maxSize must be a whole number from 1/]],
  now: [['0', TypeError, /now must be a finite number/], [Number.POSITIVE_INFINITY, TypeError, /now must be a finite number/]],
};

test('every export names an unknown option, and refuses an options bag that is not an object', async () => {
  for (const [name, { how, call, known }] of Object.entries(withOptions)) {
    await fails(how, () => call({ signl: AbortSignal.abort() }), {
      name: 'TypeError',
      message: new RegExp(`unknown option "signl" \\(known: ${known.join(', ')}\\)`),
    }, `${name}: unknown option`);
    for (const bag of [5, 'signal', null, [], true]) {
      await fails(how, () => call(bag), { name: 'TypeError', message: /options must be an object/ }, `${name}: options ${String(bag)}`);
    }
  }
});

test('every option of every export refuses a value of the wrong type with the error that says so', async () => {
  let checked = 0;
  for (const [name, { how, call, known }] of Object.entries(withOptions)) {
    for (const option of known) {
      assert.ok(wrongValues[option], `${name}: a wrong value for ${option} is listed`);
      for (const [value, type, message] of wrongValues[option]) {
        await fails(how, () => call({ [option]: value }), (error) => {
          assert.equal(error.constructor, type, `${name}.${option} = ${String(value)}: ${error}`);
          assert.match(error.message, message, `${name}.${option}`);
          return true;
        }, `${name}: ${option} = ${String(value)}`);
        checked += 1;
      }
    }
  }
  assert.ok(checked > 50, `${checked} cases`);
  // Options that are valid but absurd are refused where they matter too.
  assert.throws(() => new Semaphore('1'), TypeError);
  assert.throws(() => new Semaphore(-1), RangeError);
  assert.throws(() => sleep('5'), { name: 'TypeError', message: /ms must be a number/ });
  assert.throws(() => withTimeout(1, -5), RangeError);
});

// The manual clock checks its own arguments too.
test('ManualClock.runAll refuses a maxTimers that is not a whole number from 1', async () => {
  for (const maxTimers of ['10', -1, Number.NaN, 1.5, 0]) {
    const clock = new ManualClock();
    await assert.rejects(clock.runAll({ maxTimers }), (error) => error instanceof TypeError || error instanceof RangeError, `maxTimers ${String(maxTimers)}`);
  }
});

test('ManualClock.setTimer refuses a delay that is not a number', async () => {
  const clock = new ManualClock();
  assert.throws(() => clock.setTimer(() => {}, Number.NaN), TypeError);
  assert.throws(() => clock.setTimer(() => {}, '5'), TypeError);
  assert.equal(clock.pendingTimers, 0);
});

test('properties inherited from Object.prototype are never read as options', async () => {
  const polluted = {
    signal: AbortSignal.abort(new Error('an inherited signal was read')),
    clock: 'not a clock',
    limit: 0,
    timeoutMs: -1,
    maxSize: 0,
    now: Number.NaN,
    maxTimers: -1,
  };
  // Made first: Node's own fs.readFile, which loads the wasm, reads an inherited signal.
  const trickle = await createTrickle({ clock: 'manual' });
  const { clock } = trickle;
  try {
    for (const [key, value] of Object.entries(polluted)) {
      Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true, enumerable: true });
    }
    // Each export, given an empty bag (and some given no bag), does its ordinary work.
    const results = await runUntilSettled(clock, Promise.all([
      gather([1, Promise.resolve(2)], {}),
      collectIterator(merge([3], {})),
      collectIterator(asCompleted([4], {})),
      wait([Promise.resolve(5)], {}).then(({ done }) => done.size),
      withTimeout(Promise.resolve(6), 10, { clock }),
      abortable(Promise.resolve(7), {}),
      collect(trickle.stream('8', { delayMs: 1 }), {}),
      sleep(1, { clock }).then(() => 9),
      new Semaphore(1).run(() => 10, {}),
      new Lock().runExclusive(() => 11, {}),
      (async () => { const event = new AsyncEvent(); event.set(); await event.wait({}); return 12; })(),
      (async () => { const queue = new AsyncQueue({}); await queue.put(13, {}); return queue.get({}); })(),
      new ManualClock({}).runAll({}).then(() => 14),
    ]), 'the exports with a polluted Object.prototype');
    assert.deepEqual(results, [[1, 2], [{ index: 0, value: 3 }], [{ index: 0, value: 4 }], 1, 6, 7, ['8'], 9, 10, 11, 12, 13, 14]);
    assert.equal(new AsyncQueue({}).maxSize, Infinity);
    assert.equal(new ManualClock({}).now(), 0);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    for (const key of Object.keys(polluted)) delete Object.prototype[key];
  }
  assert.equal({}.signal, undefined, 'Object.prototype is clean again');

  // A bag whose own prototype carries every option name (return included, which cannot be
  // put on Object.prototype without breaking every iterator): no export reads any of them.
  const inherited = Object.create({ ...polluted, return: 'nonsense', signl: 1 });
  for (const [name, { call }] of Object.entries(withOptions)) {
    let result;
    assert.doesNotThrow(() => { result = call(inherited); }, name);
    await settles(Promise.resolve(result), name); // and does not reject
  }
});

async function collectIterator(iterator) {
  const values = [];
  for await (const value of iterator) values.push(value);
  return values;
}
