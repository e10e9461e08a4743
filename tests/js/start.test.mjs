// Starting: a stream holds C++ state only from its first next(), and the streams whose first
// next() comes in the same job start together, in one crossing, on one schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle from '../../src/js/trickle.mjs';
import { eventLoopClock } from '../../src/js/internal/clock.mjs';
import { Bridge } from '../../src/js/stream/bridge.mjs';
import { loadNative } from '../../src/js/stream/native.mjs';
import { assertHeapBack, assertNothingLeft, collect } from './support.mjs';

const trickle = await createTrickle();

function busyWait(ms) {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* a long job */ }
}

test('a stream holds no C++ state until its first next(); ended before it, it never starts', async () => {
  const unread = trickle.stream('a b', { delayMs: 10 });
  const returned = trickle.stream('a b', { delayMs: 10 });
  assert.equal(trickle.stats().liveStreams, 0);

  const read = trickle.stream('a b', { delayMs: 10 });
  const first = read.next();
  assert.equal(trickle.stats().liveStreams, 1, 'stats() counts a stream whose first next() was made');

  // next() then return() in the same job: it is never started at all.
  const pending = returned.next();
  await returned.return();
  assert.deepEqual(await pending, { value: undefined, done: true });
  assert.deepEqual(await returned.next(), { value: undefined, done: true });

  assert.deepEqual(await first, { value: 'a', done: false });
  await read.return();
  void unread;
  assert.equal(trickle.stats().liveStreams, 0);
  assert.equal(trickle.stats().scheduledTimers, 0);
});

test('an abort in the same job as the first next() rejects it, and the stream never starts', async () => {
  const controller = new AbortController();
  const stream = trickle.stream('a b', { delayMs: 10, signal: controller.signal });
  const first = stream.next();
  controller.abort();
  await assert.rejects(first, { name: 'AbortError' });
  assertNothingLeft(trickle);
});

test('streams first read in one long job share one schedule, and no chunk comes before its own delay', async () => {
  const delayMs = 20;
  const count = 200;
  const firstAsked = [];
  const arrivals = [];
  const streams = [];
  const firsts = [];
  for (let i = 0; i < count; i++) {
    if (i === count / 2) busyWait(30); // the job goes on well past the first stream's delay
    const stream = trickle.stream(`s${i} t${i}`, { delayMs });
    streams.push(stream);
    firstAsked.push(performance.now());
    firsts.push(stream.next().then((result) => {
      arrivals[i] = performance.now();
      return result;
    }));
  }
  const results = await Promise.all(firsts);
  results.forEach((result, i) => assert.deepEqual(result, { value: `s${i}`, done: false }));
  for (let i = 0; i < count; i++) {
    assert.ok(arrivals[i] - firstAsked[i] >= delayMs,
      `stream ${i}: first chunk ${(arrivals[i] - firstAsked[i]).toFixed(2)} ms after its first next()`);
  }
  // One start time for all, so one tick brings every first chunk (here: within a few ms,
  // where per-stream start times would spread them over the 30 ms job).
  const spread = Math.max(...arrivals) - Math.min(...arrivals);
  assert.ok(spread < 10, `first chunks spread over ${spread.toFixed(2)} ms`);
  await Promise.all(streams.map((stream) => stream.return()));
  assert.equal(trickle.stats().liveStreams, 0);
});

test('10,000 streams that run to their end free everything, and the wasm heap returns to its baseline', async () => {
  const baseline = trickle.stats().heapBytesInUse;
  const counts = await Promise.all(Array.from({ length: 10_000 }, async (_, i) => {
    let chunks = 0;
    for await (const chunk of trickle.stream(`a${i} b${i} c${i}`, { delayMs: 1 })) chunks += chunk.length > 0 ? 1 : 0;
    return chunks;
  }));
  assert.ok(counts.every((chunks) => chunks === 3));
  assertNothingLeft(trickle);
  assertHeapBack(trickle, baseline);
});

test('a text that makes the wasm memory grow, started with small streams, leaves every stream reading right', async () => {
  const small = Array.from({ length: 50 }, (_, i) => trickle.stream(`x${i} y${i} z${i}`, { delayMs: 0 }));
  const smallFirsts = small.map((stream) => stream.next());
  // About 24 MB of UTF-8 in one stream (3 bytes per character): more than the memory had.
  const big = '界'.repeat(8_000_000);
  const large = trickle.stream(`${big} tail`, { delayMs: 0 });
  const largeFirst = large.next();
  (await Promise.all(smallFirsts)).forEach((result, i) => assert.deepEqual(result, { value: `x${i}`, done: false }));
  for (const [i, stream] of small.entries()) {
    assert.deepEqual(await collect(stream), [`y${i}`, `z${i}`]);
  }
  assert.deepEqual(await largeFirst, { value: big, done: false });
  assert.deepEqual(await large.next(), { value: 'tail', done: false });
  assert.deepEqual(await large.next(), { value: undefined, done: true });
  assert.equal(trickle.stats().liveStreams, 0);
});

test('the core module names the timing presets; the full one has their figures, read once, field by field', async () => {
  const { native, protocol } = await loadNative('core');
  assert.deepEqual(protocol.presetNames, ['gpt-4o', 'claude-sonnet', 'gemini-flash', 'reasoning', 'fast-host', 'slow-network']);
  assert.equal(protocol.presetBlocks, undefined);
  assert.equal(new Bridge(native, protocol, eventLoopClock).presets, null, 'the core module has no figures');
  const full = await loadNative('full');
  assert.deepEqual(full.protocol.presetNames, protocol.presetNames);
  const bridge = new Bridge(full.native, full.protocol, eventLoopClock);
  const presets = bridge.presets;
  assert.ok(Object.isFrozen(presets));
  assert.deepEqual(Object.keys(presets), protocol.presetNames);
  assert.equal(bridge.presets, presets, 'the same object on every use');
  const p = protocol;
  for (const block of Object.values(presets)) {
    assert.ok(Object.isFrozen(block));
    assert.equal(block.length, p.timingFieldCount, 'a preset is one timing block');
  }
  // Each field where the protocol says it is (presets.cpp's figures).
  const field = (name, at) => presets[name][p[at]];
  assert.equal(field('gpt-4o', 'timingTokensPerSecond'), 131);
  assert.equal(field('gpt-4o', 'timingJitter'), p.jitterLognormal);
  assert.equal(field('gpt-4o', 'timingSigma'), 0.3);
  assert.equal(field('gpt-4o', 'timingTtftSigma'), 0.6);
  assert.ok(field('gpt-4o', 'timingTtftUs') > 450_000, 'the mean above the median of 450 ms');
  assert.equal(field('claude-sonnet', 'timingBurst'), 2);
  assert.equal(field('gemini-flash', 'timingTokensPerChunk'), 8);
  assert.equal(field('slow-network', 'timingStallProbability'), 0.01);
  assert.equal(field('slow-network', 'timingStallMinUs'), 1_000_000);
  assert.equal(field('slow-network', 'timingStallMaxUs'), 4_000_000);
  assert.equal(field('slow-network', 'timingStallCatchUp'), 1);
  assert.equal(field('fast-host', 'timingStallCatchUp'), 0);

  // Through the public API: a preset stream plans with them, and an unknown name lists them.
  const plan = await trickle.stream('a b c', { preset: 'gpt-4o', seed: 7 }).plan();
  assert.equal(plan.length, 3);
  assert.throws(() => trickle.stream('a', { preset: 'nope' }), { name: 'RangeError', message: /known: gpt-4o, / });
});

test('the core module leaves the grapheme split out: its bridge refuses it, and an instance cuts graphemes with the full module', async () => {
  const { native, protocol } = await loadNative('core');
  const core = new Bridge(native, protocol, eventLoopClock);
  assert.throws(() => core.pieces('e\u0301 a', 'grapheme'), { name: 'Error', message: "trickle: this module does not cut by split 'grapheme'" });
  assert.deepEqual(core.pieces('e\u0301 a', 'whitespace'), ['e\u0301', 'a'], 'and cuts the rest as before');
  const full = await loadNative('full');
  assert.deepEqual(new Bridge(full.native, full.protocol, eventLoopClock).pieces('e\u0301 a', 'grapheme'), ['e\u0301', ' ', 'a']);
  const fresh = await createTrickle({ clock: 'manual' });
  assert.deepEqual(await fresh.pieces('e\u0301 a', { split: 'grapheme' }), ['e\u0301', ' ', 'a']);
  assert.deepEqual(await collect(fresh.stream('e\u0301 a', { delayMs: 0, split: 'grapheme' })), ['e\u0301', ' ', 'a']);
});
