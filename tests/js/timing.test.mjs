// The timing model from JS: a stream's schedule from ttftMs, rates, jitter, stalls, bursts
// and presets, the same for the same seed, planned before it runs and kept to the
// microsecond when it does (on a manual clock, so every figure is exact).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle from '../../src/js/trickle.mjs';
import { readFile } from 'node:fs/promises';
import { Bridge } from '../../src/js/stream/bridge.mjs';
import { loadNative } from '../../src/js/stream/native.mjs';
import { assertNothingLeft } from './support.mjs';

const trickle = await createTrickle({ clock: 'manual' });
const clock = trickle.clock;
const words = (n) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

/** Reads the stream to its end on the manual clock: [time from the first next(), chunk]. */
async function play(stream) {
  const seen = [];
  const start = clock.now();
  const reading = (async () => {
    for await (const chunk of stream) seen.push([clock.now() - start, chunk]);
  })();
  await clock.runAll();
  await reading;
  return seen;
}

const close = (a, b) => Math.abs(a - b) < 1e-6;

test('a fixed delay\'s plan is worked out without the full module, and is the full module\'s plan to the bit', async () => {
  const bytes = await readFile(new URL('../../build/wasm/trickle-wasm-full.wasm', import.meta.url));
  let fullLoads = 0;
  const fresh = await createTrickle({ clock: 'manual', fullWasm: () => { fullLoads += 1; return bytes; } });
  const texts = ['', 'one', 'a  b\tc\u3000d ', 'é🇫🇷 流式\r\n x', words(3000)];
  const delays = [0, 1, 0.3333, 7.25, 500];
  const made = [];
  for (const text of texts) {
    for (const split of ['whitespace', 'space', 'char']) {
      for (const delayMs of delays) made.push([{ delayMs, split }, await fresh.stream(text, { delayMs, split }).plan()]);
    }
  }
  made.push([{ delayMs: 3 }, await fresh.stream(['x', 'yz', ' '], { delayMs: 3 }).plan()]);
  assert.equal(fullLoads, 0, 'words and characters on a fixed delay are planned by the core module');
  assert.deepEqual(await fresh.stream('e\u0301 👍🏽', { delayMs: 10, split: 'grapheme' }).plan(), [10, 20, 30]);
  assert.equal(fullLoads, 1, 'graphemes are cut by the full module');
  // The full module's planner (C++), given the same settings, draws the same plans.
  const { native, protocol } = await loadNative('full', bytes);
  const full = new Bridge(native, protocol, fresh.clock);
  let i = 0;
  for (const text of texts) {
    for (const split of ['whitespace', 'space', 'char']) {
      for (const delayMs of delays) {
        const [options, plan] = made[i++];
        const settings = { text, split, suffix: '', timing: null, timingPreset: null, seed: 0, delayMs, pieces: null };
        assert.deepEqual(full.plan(settings), plan, `${JSON.stringify(options)} ${JSON.stringify(text.slice(0, 20))}`);
      }
    }
  }
  assert.deepEqual(made[i][1], [3, 6, 9]);
});

test('a stream without timing options keeps the lesson\'s schedule, and plan() says so before it runs, while it runs and after', async () => {
  const stream = trickle.stream('a b c', { delayMs: 40, split: 'space' });
  assert.deepEqual(await stream.plan(), [40, 80, 120]);
  const seed = stream.seed;
  assert.equal(typeof seed, 'number');
  const first = stream.next();
  await trickle.clock.advance(40);
  assert.deepEqual(await first, { value: 'a', done: false });
  // Open now: such a stream no longer holds its settings, and still knows its plan and seed.
  assert.deepEqual(await stream.plan(), [40, 80, 120]);
  assert.equal(stream.seed, seed);
  assert.deepEqual(await play(stream), [[40, 'b'], [80, 'c']]); // times from this call
  assert.deepEqual(await stream.plan(), [40, 80, 120]);
  assert.equal(stream.seed, seed);
  // A timed stream keeps what its plan needs, whatever its state.
  const timed = trickle.stream('a b c', { ttftMs: 100, tokensPerSecond: 10, seed: 3 });
  const plan = await timed.plan();
  const started = timed.next();
  await trickle.clock.advance(100);
  assert.deepEqual(await started, { value: 'a', done: false });
  assert.deepEqual(await timed.plan(), plan);
  await play(timed);
  assert.deepEqual(await timed.plan(), plan);
  assert.equal(timed.seed, 3);
});

test('ttftMs and tokensPerSecond: the first chunk after ttft, then one every 1/rate', async () => {
  const stream = trickle.stream('a b c d', { ttftMs: 300, tokensPerSecond: 50 });
  const plan = await stream.plan();
  assert.deepEqual(plan, [300, 320, 340, 360]);
  const seen = await play(stream);
  assert.deepEqual(seen.map(([at]) => at), plan);
  assert.deepEqual(seen.map(([, chunk]) => chunk), ['a', 'b', 'c', 'd']);
  assertNothingLeft(trickle);
});

test('charsPerSecond charges each piece its length, the suffix included', async () => {
  const stream = trickle.stream('ab cdef g', { charsPerSecond: 1000, suffix: '!' });
  assert.deepEqual(await stream.plan(), [3, 8, 10]);
});

test('the same seed gives the same schedule, bit for bit; no seed draws one, which replays it', async () => {
  const options = { preset: 'gpt-4o', seed: 12345 };
  const a = await trickle.stream(words(200), options).plan();
  const b = await trickle.stream(words(200), options).plan();
  assert.deepEqual(a, b);
  const c = await trickle.stream(words(200), { preset: 'gpt-4o', seed: 54321 }).plan();
  assert.notDeepEqual(a, c);
  const drawn = trickle.stream(words(50), { preset: 'claude-sonnet' });
  const replay = trickle.stream(words(50), { preset: 'claude-sonnet', seed: drawn.seed });
  assert.deepEqual(await drawn.plan(), await replay.plan());
  // And the stream keeps to its plan when it runs: never early, never late on this clock.
  const stream = trickle.stream(words(100), { ...options });
  const plan = await stream.plan();
  const seen = await play(stream);
  assert.equal(seen.length, 100);
  seen.forEach(([at], i) => assert.ok(close(at, plan[i]), `chunk ${i} at ${at}, planned ${plan[i]}`));
  assertNothingLeft(trickle);
});

test('every preset is a distribution with its own pace, and overrides apply field by field', async () => {
  assert.deepEqual(trickle.presets, ['gpt-4o', 'claude-sonnet', 'gemini-flash', 'reasoning', 'fast-host', 'slow-network']);
  const mean = (plan) => (plan.at(-1) - plan[0]) / (plan.length - 1);
  const fast = await trickle.stream(words(400), { preset: 'fast-host', seed: 1 }).plan();
  const reasoning = await trickle.stream(words(400), { preset: 'reasoning', seed: 1 }).plan();
  assert.ok(mean(fast) < 2, `fast-host: ${mean(fast)} ms a chunk`);
  assert.ok(mean(reasoning) > 15, `reasoning: ${mean(reasoning)} ms a chunk`);
  assert.ok(reasoning[0] > 500, `reasoning thinks before its first chunk: ${reasoning[0]} ms`);
  // Overrides: the preset's rate, a fixed time to the first chunk.
  const fixed = await trickle.stream(words(5), { preset: 'gpt-4o', ttftMs: 100, ttftJitter: 'none', jitter: 'none', seed: 3 }).plan();
  assert.ok(close(fixed[0], 100));
  const gaps = fixed.slice(1).map((at, i) => at - fixed[i]);
  gaps.forEach((gap) => assert.ok(Math.abs(gap - gaps[0]) < 0.002, `even gaps: ${gaps}`));
});

test('jitter spreads the gaps around the rate and keeps its mean', async () => {
  const plan = await trickle.stream(words(4000), { tokensPerSecond: 100, jitter: { kind: 'lognormal', sigma: 0.5 }, seed: 9 }).plan();
  const gaps = plan.slice(1).map((at, i) => at - plan[i]);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  assert.ok(Math.abs(mean - 10) < 0.5, `mean gap ${mean} ms`);
  assert.ok(Math.min(...gaps) < 7 && Math.max(...gaps) > 15, 'gaps vary');
  const uniform = await trickle.stream(words(2000), { tokensPerSecond: 100, jitter: { kind: 'uniform', sigma: 0.2 }, seed: 9 }).plan();
  const spread = uniform.slice(1).map((at, i) => at - uniform[i]);
  assert.ok(Math.min(...spread) >= 8 - 1e-3 && Math.max(...spread) <= 12 + 1e-3, 'uniform: 80% to 120% of the mean gap');
});

test('stalls pause between chunks; bursts deliver several chunks at one time', async () => {
  const stalled = await trickle.stream(words(500), { tokensPerSecond: 1000, stalls: { probability: 0.05, minMs: 200, maxMs: 300 }, seed: 4 }).plan();
  const long = stalled.slice(1).map((at, i) => at - stalled[i]).filter((gap) => gap >= 200);
  assert.ok(long.length > 5 && long.length < 60, `${long.length} stalls in 500 chunks at 5%`);
  long.forEach((gap) => assert.ok(gap <= 301, `a stall of ${gap} ms`));
  const burst = trickle.stream(words(7), { tokensPerSecond: 100, burst: 3 });
  assert.deepEqual(await burst.plan(), [30, 30, 30, 60, 60, 60, 70]);
  const seen = await play(burst);
  assert.deepEqual(seen.map(([at]) => at), [30, 30, 30, 60, 60, 60, 70]);
});

test('timing options are checked like the others, with messages that say what to do', () => {
  const bad = [
    [{ preset: 'gpt-5' }, RangeError, /no preset is called "gpt-5" \(known: gpt-4o, claude-sonnet/],
    [{ preset: 4 }, TypeError, /preset must be a string/],
    [{ ttftMs: -1 }, RangeError, /ttftMs must be between 0 and 2147483647/],
    [{ tokensPerSecond: 0 }, RangeError, /tokensPerSecond must be a positive finite number/],
    [{ tokensPerSecond: '100' }, TypeError, /tokensPerSecond must be a number/],
    [{ tokensPerSecond: 10, charsPerSecond: 10 }, TypeError, /not both/],
    [{ jitter: 'lognormal' }, TypeError, /jitter must be 'none' or \{ kind/],
    [{ jitter: { kind: 'uniform', sigma: 2 } }, RangeError, /between 0 and 1 for uniform jitter/],
    [{ jitter: { kind: 'gaussian', sigma: 1 } }, RangeError, /kind must be 'none', 'uniform' or 'lognormal'/],
    [{ jitter: { kind: 'uniform', sigma: 0.1, mean: 3 } }, TypeError, /unknown field "mean"/],
    [{ stalls: { probability: 2, minMs: 1, maxMs: 2 } }, RangeError, /between 0 and 1/],
    [{ stalls: { probability: 0.1, minMs: 5, maxMs: 1 } }, RangeError, /swap them/],
    [{ burst: 0 }, RangeError, /burst must be a whole number from 1/],
    [{ seed: -1 }, RangeError, /seed must be a whole number from 0 to 9007199254740991/],
    [{ seed: 1.5 }, RangeError, /seed must be a whole number/],
    [{ seed: 10n }, TypeError, /seed must be a whole number/],
  ];
  for (const [options, kind, message] of bad) {
    assert.throws(() => trickle.stream('a', options), (error) => error instanceof kind && message.test(error.message), JSON.stringify(options, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  }
});

test('a stream with the timing model starts on the full module, loaded on first need, and frees everything', async () => {
  const fresh = await createTrickle({ clock: 'manual' });
  const before = fresh.stats();
  const timed = fresh.stream('x y', { tokensPerSecond: 10 });
  const plain = fresh.stream('p q', { delayMs: 100 });
  const first = [timed.next(), plain.next()];
  await fresh.clock.advance(100);
  assert.deepEqual((await Promise.all(first)).map((r) => r.value), ['x', 'p']);
  assert.equal(fresh.stats().liveStreams, 2);
  await timed.return();
  await plain.return();
  assertNothingLeft(fresh);
  assert.ok(fresh.stats().heapBytesInUse > before.heapBytesInUse, 'two memories now');
});

test('options given beside a preset replace only their own fields of it', async () => {
  const text = words(50);
  const preset = await trickle.stream(text, { preset: 'gpt-4o', seed: 5 }).plan();
  // The time to the first chunk is the preset's draw; only the gaps follow the new rate.
  const slower = await trickle.stream(text, { preset: 'gpt-4o', seed: 5, tokensPerSecond: 13.1, jitter: 'none' }).plan();
  assert.equal(slower[0], preset[0]);
  for (let i = 1; i < slower.length; i++) assert.ok(Math.abs(slower[i] - slower[i - 1] - 1000 / 13.1) <= 0.002, `gap ${i}`); // whole microseconds
  // And the other way round: a time to the first chunk of its own, the preset's jittered rate
  // (131 tokens a second: a mean gap of 7.6 ms) for the rest.
  const early = await trickle.stream(words(2000), { preset: 'gpt-4o', seed: 5, ttftMs: 10, ttftJitter: 'none' }).plan();
  assert.equal(early[0], 10);
  const gaps = early.slice(1).map((at, i) => at - early[i]);
  const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
  assert.ok(Math.abs(mean - 1000 / 131) < 0.5, `mean gap ${mean} ms`);
  assert.ok(new Set(gaps.map((gap) => gap.toFixed(3))).size > 100, 'jittered');
  // A preset's stalls, turned off.
  const calm = await trickle.stream(words(2000), { preset: 'slow-network', seed: 2, stalls: 'none' }).plan();
  const stalled = await trickle.stream(words(2000), { preset: 'slow-network', seed: 2 }).plan();
  assert.ok(stalled.at(-1) > calm.at(-1) + 1000, `${stalled.at(-1)} against ${calm.at(-1)} without stalls`);
});
