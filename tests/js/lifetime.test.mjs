// Ownership: ending an iteration frees its C++ state at once, and nothing piles up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle from '../../src/js/trickle.mjs';
import { assertHeapBack, assertNothingLeft, collect } from './support.mjs';

const trickle = await createTrickle();

test('break frees the C++ stream now, not after the next delay', async () => {
  const stream = trickle.stream('a b c d', { delayMs: 30 });
  for await (const chunk of stream) {
    assert.equal(chunk, 'a');
    // The generator is asleep until b's deadline; breaking must not wait for it.
    break;
  }
  assertNothingLeft(trickle);
});

test('return() while a next() is waiting ends that next() and frees the stream at once', async () => {
  const manual = await createTrickle({ clock: 'manual' });
  const stream = manual.stream('a b', { delayMs: 10_000 });
  const waiting = stream.next();
  assert.equal(manual.stats().scheduledTimers, 1);
  await stream.return();
  assert.deepEqual(await waiting, { value: undefined, done: true });
  assert.equal(manual.clock.now(), 0, 'no time had to pass');
  assertNothingLeft(manual);
});

test('10,000 streams created and broken do not grow the wasm heap', async () => {
  const text = '你好 我 是 一个 模拟 的 LLM';
  const churn = async (count) => {
    for (let i = 0; i < count; i++) {
      for await (const chunk of trickle.stream(text, { delayMs: 0 })) {
        if (chunk === '我') break;
      }
    }
  };
  await churn(100); // let allocator pools settle
  const before = trickle.stats().heapBytesInUse;
  await churn(10_000);
  assertNothingLeft(trickle);
  assertHeapBack(trickle, before);
});

test('streams that sleep and are broken leave no timers behind', async () => {
  const streams = Array.from({ length: 1000 }, (_, i) => trickle.stream('x y', { delayMs: 1000 + i }));
  const firsts = streams.map((stream) => stream.next());
  assert.equal(trickle.stats().scheduledTimers, 1000);
  assert.equal(trickle.stats().timerArmed, true);
  await Promise.all(streams.map((stream) => stream.return()));
  assert.ok((await Promise.all(firsts)).every((result) => result.done));
  assertNothingLeft(trickle);
});

test('many concurrent streams share one timer and each gets its own chunks', async () => {
  const streams = Array.from({ length: 200 }, (_, i) => trickle.stream(`s${i}a s${i}b s${i}c`, { delayMs: 5 + (i % 7) }));
  const results = await Promise.all(streams.map(collect));
  results.forEach((chunks, i) => assert.deepEqual(chunks, [`s${i}a`, `s${i}b`, `s${i}c`]));
  assert.equal(trickle.stats().liveStreams, 0);
});

test('a stream dropped half-read, without return(), is freed once garbage-collected, even while it sleeps', async () => {
  // A child process, so that this test can ask for garbage collection.
  const { execFile } = await import('node:child_process');
  const script = `
    import createTrickle from ${JSON.stringify(new URL('../../src/js/trickle.mjs', import.meta.url).href)};
    const trickle = await createTrickle();
    // More words than one hand-over takes, so the C++ side still holds the rest.
    const text = Array.from({ length: 3000 }, (_, i) => 'w' + i).join(' ');
    // In a function of its own, so that nothing of it (a loop's last stream) stays
    // reachable from a frame still running; it holds them all until they are counted.
    async function makeAndDrop() {
      const kept = [];
      for (let i = 0; i < 200; i++) {
        const stream = trickle.stream(text, { delayMs: 0 });
        await stream.next(); // half-read, then forgotten: no break, no return()
        kept.push(stream);
      }
      // Half-read and asleep until their next piece, a minute and more away (the first
      // comes at once: the timing model, on the full module): nothing but the stream itself
      // (and its timer in wasm) refers to them, and they would not end while this runs.
      for (let i = 0; i < 200; i++) {
        const stream = trickle.stream('a b c', { ttftMs: 1, tokensPerSecond: 0.01 + i / 1e6, signal: new AbortController().signal });
        await stream.next();
        kept.push(stream);
      }
      // Streams already ended (here by an aborted signal) must not be freed a second time.
      for (let i = 0; i < 200; i++) trickle.stream(text, { signal: AbortSignal.abort() });
      return trickle.stats().liveStreams;
    }
    const before = await makeAndDrop();
    for (let i = 0; i < 20 && trickle.stats().liveStreams > 0; i++) {
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const { liveStreams, timerArmed } = trickle.stats();
    console.log(JSON.stringify({ before, after: liveStreams, timerArmed }));
  `;
  const output = await new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  const { before, after, timerArmed } = JSON.parse(output);
  assert.equal(before, 400, 'the dropped streams were alive before collection');
  assert.equal(after, 0, 'every dropped stream, asleep ones included, was freed by the safety net');
  assert.equal(timerArmed, false, 'and nothing keeps the process alive');
});

test('a stream held only by its waiting next() is not collected from under it: the next() settles', async () => {
  // A child process that forces collections while 300 streams wait for their first piece,
  // their fronts referenced by nothing but the call awaiting them.
  const { execFile } = await import('node:child_process');
  const script = `
    import createTrickle from ${JSON.stringify(new URL('../../src/js/trickle.mjs', import.meta.url).href)};
    const trickle = await createTrickle();
    const collecting = setInterval(() => globalThis.gc(), 5);
    const firsts = await Promise.all(Array.from({ length: 300 }, async (_, i) => (await trickle.stream('w' + i + ' rest', { delayMs: 60 }).next()).value));
    // Then they are dropped half-read, and the collector frees them.
    for (let i = 0; i < 20 && trickle.stats().liveStreams > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    clearInterval(collecting);
    console.log(JSON.stringify({ firsts, live: trickle.stats().liveStreams }));
  `;
  const output = await new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { timeout: 20_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    void child;
  });
  // Before the fix the process exited at once with the calls unsettled (status 13).
  const { firsts, live } = JSON.parse(output);
  assert.deepEqual(firsts, Array.from({ length: 300 }, (_, i) => `w${i}`));
  assert.equal(live, 0, 'once nothing waits, the dropped streams are freed');
});

test('a burst of 1,000 streams gives its memory back once they have ended, however they ended', async () => {
  // A fresh instance, so that the baseline is a heap that never held a burst.
  const fresh = await createTrickle();
  const baseline = fresh.stats().heapBytesInUse;
  for (const ending of ['aborted', 'returned', 'read to the end', 'timed out']) {
    const controller = new AbortController();
    const streams = Array.from({ length: 1000 }, (_, i) => fresh.stream(`w${i} a b c d e f`, {
      delayMs: ending === 'read to the end' ? 0 : 5,
      signal: controller.signal,
      timeoutMs: ending === 'timed out' ? 7 : undefined,
    }));
    await Promise.allSettled(streams.map((stream) => stream.next()));
    if (ending === 'aborted') controller.abort();
    if (ending === 'returned') await Promise.all(streams.map((stream) => stream.return()));
    if (ending === 'read to the end' || ending === 'timed out') {
      await Promise.allSettled(streams.map((stream) => collect(stream)));
    }
    assertNothingLeft(fresh);
    // The tables a burst needed (slots, timer groups, hand-over buffers) are not kept: a page
    // that once ran a thousand streams should not hold their room for the rest of its life.
    const grown = fresh.stats().heapBytesInUse - baseline;
    assert.ok(grown <= 64 * 1024, `${ending}: the heap is ${grown} bytes above where it started`);
  }
});
