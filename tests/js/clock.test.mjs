// The manual clock: time that moves only when a test moves it, for trickle's streams and the
// toolbox's timers alike. Every figure here is exact: no real sleep decides anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle, { ManualClock } from '../../src/js/trickle.mjs';
import { sleep, wait, withTimeout } from '../../src/js/toolbox.mjs';
import { assertNothingLeft, assertReadmeExampleRuns } from './support.mjs';

/** Reads `stream` to its end, noting the clock's time at each chunk. */
async function arrivals(stream, clock) {
  const seen = [];
  for await (const chunk of stream) seen.push([clock.now(), chunk]);
  return seen;
}

test('a 30-second answer plays out on a manual clock in no real time, each chunk at its own deadline', async () => {
  const trickle = await createTrickle({ clock: 'manual' });
  const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
  const started = performance.now();
  const reading = arrivals(trickle.stream(words.join(' ')), trickle.clock);
  await trickle.clock.advance(30_000);
  const seen = await reading;
  assert.deepEqual(seen, words.map((word, i) => [(i + 1) * 500, word]));
  assert.ok(performance.now() - started < 2000, 'no real 30 s wait');
  assertNothingLeft(trickle);
});

test('advance() delivers exactly the chunks due by then, and the reader has seen them when it resolves', async () => {
  const trickle = await createTrickle({ clock: 'manual' });
  const seen = [];
  const reading = (async () => {
    for await (const chunk of trickle.stream('a b c d', { delayMs: 100 })) seen.push(chunk);
  })();
  await trickle.clock.advance(250);
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(trickle.clock.now(), 250);
  await trickle.clock.advance(49.999);
  assert.deepEqual(seen, ['a', 'b'], 'never early');
  await trickle.clock.advance(0.001);
  assert.deepEqual(seen, ['a', 'b', 'c']);
  await trickle.clock.runAll();
  await reading;
  assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
  assert.equal(trickle.clock.now(), 400);
  assertNothingLeft(trickle);
});

test('a reader that falls behind finds the chunks already due, with no drift', async () => {
  const trickle = await createTrickle({ clock: 'manual' });
  const stream = trickle.stream('a b c d e', { delayMs: 10 });
  const first = stream.next();
  await trickle.clock.advance(35);
  assert.deepEqual(await first, { value: 'a', done: false });
  // Three were due by 35 ms: the next two come at once, the fourth waits for 40 ms.
  assert.deepEqual(await stream.next(), { value: 'b', done: false });
  assert.deepEqual(await stream.next(), { value: 'c', done: false });
  const fourth = stream.next();
  await trickle.clock.advance(4);
  let settled = false;
  fourth.then(() => { settled = true; });
  await trickle.clock.advance(0);
  assert.equal(settled, false, 'd is due at 40 ms, not 39');
  await trickle.clock.advance(1);
  assert.deepEqual(await fourth, { value: 'd', done: false });
  await stream.return();
  assertNothingLeft(trickle);
});

test('late readers keep the chunks woken together apart: hundreds of streams, the slot table growing, slots reused', async () => {
  // Each stream below is woken late: three chunks due at once, one for its waiting next()
  // and two kept (in its slot's entry of a table that all streams share, Bridge.slotSpans).
  const trickle = await createTrickle({ clock: 'manual' });
  const textOf = (name) => Array.from({ length: 5 }, (_, i) => `${name}.${i}`).join(' ');
  const open = (names) => names.map((name) => {
    const stream = trickle.stream(textOf(name), { delayMs: 10 });
    return { name, stream, first: stream.next() };
  });
  const expectRest = async ({ name, stream, first }) => {
    assert.deepEqual(await first, { value: `${name}.0`, done: false });
    for (let i = 1; i < 5; i++) assert.deepEqual(await stream.next(), { value: `${name}.${i}`, done: false }, name);
    assert.deepEqual(await stream.next(), { value: undefined, done: true }, name);
  };
  // One stream open throughout: slots are reused rather than all given back at once.
  const keeper = trickle.stream(Array.from({ length: 100 }, (_, i) => `k${i}`).join(' '), { delayMs: 10 });
  const keeperFirst = keeper.next();
  const early = open(Array.from({ length: 40 }, (_, i) => `early${i}`));
  // And one whose reader falls far behind: more chunks than the entry holds, which then
  // move to a buffer of the stream's own.
  const behind = trickle.stream(Array.from({ length: 30 }, (_, i) => `b${i}`).join(' '), { delayMs: 1 });
  const behindFirst = behind.next();
  await trickle.clock.advance(35);
  assert.deepEqual(await behindFirst, { value: 'b0', done: false });
  const behindRest = [];
  for await (const chunk of behind) behindRest.push(chunk);
  assert.deepEqual(behindRest, Array.from({ length: 29 }, (_, i) => `b${i + 1}`));
  // More streams than the table had room for: it grows while the early ones keep their chunks.
  const later = open(Array.from({ length: 300 }, (_, i) => `later${i}`));
  await trickle.clock.advance(35);
  // A three-chunk stream woken after its end: one chunk taken, two kept, and its slot freed
  // at once for the next stream, which keeps its own two there before the first is read.
  const short = trickle.stream('x.0 x.1 x.2', { delayMs: 10 });
  const shortFirst = short.next();
  await trickle.clock.advance(35);
  const [reused] = open(['reused']);
  await trickle.clock.advance(35);
  assert.deepEqual(await shortFirst, { value: 'x.0', done: false });
  assert.deepEqual([(await short.next()).value, (await short.next()).value, (await short.next()).done], ['x.1', 'x.2', true]);
  // The rest come due (those of the early streams are all there already): kept until read.
  await trickle.clock.runAll();
  for (const opened of [...early, ...later, reused]) await expectRest(opened);
  assert.deepEqual(await keeperFirst, { value: 'k0', done: false });
  let i = 1;
  for await (const chunk of keeper) assert.equal(chunk, `k${i++}`);
  assert.equal(i, 100);
  assertNothingLeft(trickle);
});

test('streams and toolbox timers on one clock run in deadline order', async () => {
  const clock = new ManualClock();
  const trickle = await createTrickle({ clock });
  assert.equal(trickle.clock, clock);
  const log = [];
  const reading = (async () => {
    for await (const chunk of trickle.stream('s1 s2 s3', { delayMs: 100 })) log.push(`${clock.now()} ${chunk}`);
  })();
  const sleeping = (async () => {
    await sleep(150, { clock });
    log.push(`${clock.now()} slept 150`);
    await sleep(100, { clock });
    log.push(`${clock.now()} slept 250`);
  })();
  await clock.runAll();
  await Promise.all([reading, sleeping]);
  assert.deepEqual(log, ['100 s1', '150 slept 150', '200 s2', '250 slept 250', '300 s3']);
});

test('timeoutMs, withTimeout and wait() keep exact time on a manual clock', async () => {
  const trickle = await createTrickle({ clock: 'manual' });
  const clock = trickle.clock;
  const timed = trickle.stream('a b c', { delayMs: 100, timeoutMs: 250 });
  const chunks = [];
  const outcome = (async () => {
    try {
      for await (const chunk of timed) chunks.push(chunk);
    } catch (error) {
      return [clock.now(), error.name];
    }
    return 'finished';
  })();
  const deadline = withTimeout(sleep(1000, { clock }), 500, { clock }).catch((error) => [clock.now(), error.name]);
  const waited = wait([sleep(50, { clock }), new Promise(() => {})], { timeoutMs: 120, clock })
    .then(({ done, pending }) => [clock.now(), done.size, pending.size]);
  await clock.runAll();
  assert.deepEqual(await outcome, [250, 'TimeoutError']);
  assert.deepEqual(chunks, ['a', 'b']);
  assert.deepEqual(await deadline, [500, 'TimeoutError']);
  assert.deepEqual(await waited, [120, 1, 1]);
  assertNothingLeft(trickle);
});

test('a run that starts later keeps its own schedule from its first next()', async () => {
  const trickle = await createTrickle({ clock: new ManualClock({ now: 1000 }) });
  await trickle.clock.advance(700);
  const seen = arrivals(trickle.stream('x y', { delayMs: 20 }), trickle.clock);
  await trickle.clock.runAll();
  assert.deepEqual(await seen, [[1720, 'x'], [1740, 'y']]);
});

test('advance() calls made while one runs wait their turn', async () => {
  const clock = new ManualClock();
  const log = [];
  sleep(10, { clock }).then(() => log.push(clock.now()));
  sleep(30, { clock }).then(() => log.push(clock.now()));
  const first = clock.advance(20);
  const second = clock.advance(20);
  await Promise.all([first, second]);
  assert.deepEqual(log, [10, 30]);
  assert.equal(clock.now(), 40);
});

test('advanceToNext() steps from one wake-up to the next, and says when there is none', async () => {
  const trickle = await createTrickle({ clock: 'manual' });
  const clock = trickle.clock;
  const seen = [];
  const reading = (async () => {
    for await (const chunk of trickle.stream('a b c', { delayMs: 40 })) seen.push([clock.now(), chunk]);
  })();
  assert.equal(await clock.advanceToNext(), true);
  assert.deepEqual(seen, [[40, 'a']]);
  assert.equal(await clock.advanceToNext(), true);
  assert.equal(await clock.advanceToNext(), true);
  await reading;
  assert.deepEqual(seen, [[40, 'a'], [80, 'b'], [120, 'c']]);
  assert.equal(await clock.advanceToNext(), false);
  assert.equal(clock.now(), 120);
});

test('runAll() gives up with a RangeError on a timer that sets itself again forever', async () => {
  const clock = new ManualClock();
  const again = () => clock.setTimer(again, 1);
  again();
  await assert.rejects(clock.runAll({ maxTimers: 50 }), { name: 'RangeError', message: /still setting timers after 50/ });
  assert.equal(clock.now(), 50);
});

test('bad clocks and clock options are TypeErrors or RangeErrors that say what to do', async () => {
  await assert.rejects(createTrickle({ clock: 'manaul' }), { name: 'TypeError', message: /clock must be 'manual' or a ManualClock/ });
  await assert.rejects(createTrickle({ clokc: 'manual' }), { name: 'TypeError', message: /unknown option "clokc" \(known: clock, wasm, fullWasm, tokenizerWasm, tokenAssets\)/ });
  await assert.rejects(createTrickle('manual'), { name: 'TypeError', message: /options must be an object/ });
  await assert.rejects(createTrickle({ wasm: 42 }), { name: 'TypeError', message: /wasm must be a URL/ });
  assert.throws(() => new ManualClock({ now: Number.NaN }), TypeError);
  assert.throws(() => new ManualClock({ start: 0 }), { name: 'TypeError', message: /unknown option "start"/ });
  const clock = new ManualClock();
  await assert.rejects(clock.advance(-1), RangeError);
  await assert.rejects(clock.advance('10'), TypeError);
  assert.throws(() => sleep(1, { clock: {} }), { name: 'TypeError', message: /clock must be a ManualClock or trickle\.clock/ });
  const real = await createTrickle();
  await assert.rejects(real.clock.advance(10), { name: 'TypeError', message: /moves by itself/ });
});

test('the README\'s manual clock example runs and prints what it says', async () => {
  await assertReadmeExampleRuns('<!-- clock-example -->', '<!-- clock-prints -->');
});

test('the event loop clock is never early; it polls for the last millisecond only when timers are not already firing every few milliseconds', async () => {
  const { eventLoopClock } = await import('../../src/js/internal/clock.mjs');
  const realSetImmediate = globalThis.setImmediate;
  let polls = 0;
  // Dense phase: between which two fires the clock polled (an interval counts once).
  const fired = [];
  const pollingIntervals = new Set();
  globalThis.setImmediate = (callback, ...args) => {
    polls += 1;
    pollingIntervals.add(fired.length);
    return realSetImmediate(callback, ...args);
  };
  try {
    // Sparse: one timer at a time, 5 ms apart. Each is finished by polling, so it lands
    // within a fraction of a millisecond, and never before its time.
    const lateness = [];
    for (let i = 0; i < 10; i++) {
      const due = performance.now() + 5;
      await new Promise((resolve) => { eventLoopClock.setTimer(() => { lateness.push(performance.now() - due); resolve(); }, 5); });
    }
    assert.ok(lateness.every((late) => late >= 0), `never early: ${lateness.map((l) => l.toFixed(2))}`);
    assert.ok(polls > 0, 'sparse timers are finished by polling');
    // Dense: a chain of timers each due 0.3 ms after the one before (thousands of streams on
    // their own schedules look like this). Still never early, but no polling: whole-ms timers.
    pollingIntervals.clear();
    const dense = [];
    await new Promise((resolve) => {
      const next = (n) => {
        const due = performance.now() + 0.3;
        eventLoopClock.setTimer(() => {
          const now = performance.now();
          fired.push(now);
          dense.push(now - due);
          if (n === 50) resolve(); else next(n + 1);
        }, 0.3);
      };
      next(1);
    });
    assert.ok(dense.every((late) => late >= 0), 'never early');
    // The first timer may be finished by polling (the last one fired long before). Any other
    // interval polled in means polling while timers fire less than 2 ms apart, unless the
    // process itself was held up for 2 ms or more just then (a loaded machine), which makes
    // that interval a sparse one: each of those may poll too, and no other.
    const sparse = fired.slice(1).filter((at, i) => at - fired[i] >= 2).length;
    assert.ok(pollingIntervals.size <= 1 + sparse,
      `polled in ${pollingIntervals.size} of ${fired.length} intervals while timers fired less than 2 ms apart (${sparse} of them 2 ms or more)`);
  } finally {
    globalThis.setImmediate = realSetImmediate;
  }
});

test('where there is no setImmediate (as in browsers), the event loop clock is still never early, never calls back inside setTimer(), and cancels', async () => {
  // A process of its own: the clock chooses how to finish a wait when its module loads.
  const { execFile } = await import('node:child_process');
  const clockUrl = new URL('../../src/js/internal/clock.mjs', import.meta.url).href;
  const script = `
    delete globalThis.setImmediate;
    delete globalThis.clearImmediate;
    const { eventLoopClock } = await import(${JSON.stringify(clockUrl)});
    const report = { lateness: [], insideSetTimer: 0, cancelledFired: 0 };
    let setting = false;
    const timer = (delayMs) => new Promise((resolve) => {
      const due = performance.now() + delayMs;
      setting = true;
      eventLoopClock.setTimer(() => {
        if (setting) report.insideSetTimer += 1;
        report.lateness.push(performance.now() - due);
        resolve();
      }, delayMs);
      setting = false;
    });
    // Sparse timers (the last one fired over 2 ms before): woken early by setTimeout, then
    // finished; short ones are finished from the start.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 3));
    for (const delayMs of [5, 5, 5, 5, 5, 5, 5, 5, 3.7, 2.2, 1.2, 1.2, 0.5, 0.5, 0.1, 0]) {
      await pause();
      await timer(delayMs);
    }
    // Cancelled at once, and cancelled while it is being finished.
    eventLoopClock.setTimer(() => { report.cancelledFired += 1; }, 3)();
    const cancel = eventLoopClock.setTimer(() => { report.cancelledFired += 1; }, 1.2);
    await new Promise((resolve) => setTimeout(resolve, 0.5));
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    console.log(JSON.stringify(report));
    process.exit(0); // a MessageChannel port keeps a Node process alive
  `;
  const output = await new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
  const report = JSON.parse(output);
  assert.equal(report.lateness.length, 16);
  assert.ok(report.lateness.every((late) => late >= 0), `never early: ${report.lateness.map((l) => l.toFixed(3))}`);
  assert.equal(report.insideSetTimer, 0, 'no callback before setTimer() returned');
  assert.equal(report.cancelledFired, 0, 'a cancelled timer never fires');
});
