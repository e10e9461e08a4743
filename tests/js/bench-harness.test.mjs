// scripts/bench's harness, checked for what it claims rather than for any speed: every
// baseline does the same work as trickle (the same chunks, on every text shape), ratios pair
// rounds, the rounds alternate, the shared-timer reference is never early and never leaves a
// late reader waiting, a missing package is a skip and not a failure, the summary never
// counts a skipped line as met, the page-size resolver follows imports as a browser does, and
// each group runs in a process of its own whose tables and goals reach the one report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import createTrickle from '../../src/js/trickle.mjs';
import { charsOf, graphemesOf, HandWords, lazyWords, lessonWords, sharedTimerStreams } from '../../scripts/benchmarks/shared/baselines.mjs';
import { alternate, median, percentile, ratioSummary, worstBy } from '../../scripts/benchmarks/shared/stats.mjs';
import { SHAPES, paragraphsOf, textOf } from '../../scripts/benchmarks/shared/texts.mjs';
import { Missing, makeContext } from '../../scripts/benchmarks/context.mjs';
import { summaryCounts, summaryRows } from '../../scripts/benchmarks/summary.mjs';
import { moduleGraph } from '../../scripts/benchmarks/modules.mjs';

async function all(iterable) {
  const chunks = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

test('every word baseline yields exactly the words trickle yields, on every text shape', async () => {
  const trickle = await createTrickle();
  for (const shape of SHAPES) {
    const text = textOf(shape, 400);
    const expected = await all(trickle.stream(text, { delayMs: 0 }));
    assert.equal(expected.length, 400, `${shape}: trickle gave ${expected.length} words`);
    assert.deepEqual(await all(lessonWords(text)), expected, `${shape}: the lesson's generator`);
    assert.deepEqual(await all(lazyWords(text)), expected, `${shape}: the lazy generator`);
    assert.deepEqual(await all(new HandWords(text)), expected, `${shape}: the hand-written iterator`);
  }
});

test("the char and grapheme baselines yield what trickle's 'char' and 'grapheme' yield", async () => {
  const trickle = await createTrickle();
  for (const shape of ['english', 'cjk', 'mixed']) {
    const text = paragraphsOf(shape, 300);
    assert.deepEqual(await all(charsOf(text)), await all(trickle.stream(text, { delayMs: 0, split: 'char' })), `${shape}: char`);
    assert.deepEqual(await all(graphemesOf(text)), await all(trickle.stream(text, { delayMs: 0, split: 'grapheme' })), `${shape}: grapheme`);
  }
});

test('the texts are the same on every call and keep to single spaces between words', () => {
  for (const shape of SHAPES) {
    const text = textOf(shape, 1000);
    assert.equal(text, textOf(shape, 1000));
    assert.equal(text.split(' ').length, 1000, shape);
    assert.doesNotMatch(text, /\s\s|^\s|\s$|[\t\n\r]/u, shape);
    assert.equal(paragraphsOf(shape, 1000).split(/[ \n]/).length, 1000, shape);
  }
  assert.throws(() => textOf('klingon', 3), /unknown shape klingon/);
});

test('a ratio is the median of the per-round ratios, with their min and max', () => {
  const s = ratioSummary([10, 30, 20], [5, 10, 20]);
  assert.deepEqual([s.median, s.min, s.max], [2, 1, 3]);
  // Per-round ratios 1, 2 and 1: their median is 1, where the ratio of the medians (4 / 2)
  // would say 2.
  const t = ratioSummary([1, 4, 9], [1, 2, 9]);
  assert.equal(t.median, 1);
  assert.throws(() => ratioSummary([1, 2], [1]), /2 values against 1/);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(percentile([5, 1, 4, 2, 3], 99), 5);
  assert.equal(percentile([5, 1, 4, 2, 3], 20), 1);
  assert.equal(worstBy([{ v: 2 }, { v: 0.5 }, { v: 1 }], (e) => e.v).v, 0.5);
});

test('the rounds alternate which contestant goes first, and the warm-up is not kept', async () => {
  const order = [];
  let calls = 0;
  const contestant = (name) => ({ name, run: async () => { order.push(name); return ++calls; } });
  const results = await alternate([contestant('a'), contestant('b'), contestant('c')], { rounds: 3, warmup: 1 });
  assert.deepEqual(order, ['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b', 'a', 'b', 'c']);
  assert.deepEqual(results, { a: [6, 8, 10], b: [4, 9, 11], c: [5, 7, 12] });
});

test('the shared-timer reference delivers every chunk on or after its deadline', async () => {
  const words = Array.from({ length: 12 }, (_, i) => `w${i}`);
  const delayMs = 3;
  const before = performance.now();
  const [first, second] = sharedTimerStreams(2, words, delayMs);
  const arrivals = async (stream) => {
    const at = [];
    for await (const word of stream) at.push([word, performance.now()]);
    return at;
  };
  for (const got of await Promise.all([arrivals(first), arrivals(second)])) {
    assert.deepEqual(got.map(([word]) => word), words);
    // Its own start is at or after `before`: a chunk before before + (i + 1) × delay is early.
    got.forEach(([, at], i) => assert.ok(at >= before + (i + 1) * delayMs, `chunk ${i} came ${before + (i + 1) * delayMs - at} ms early`));
  }
});

test('a reader that starts after the shared timer has ticked still gets every chunk', { timeout: 5000 }, async () => {
  const words = ['a', 'b', 'c'];
  const [stream] = sharedTimerStreams(1, words, 2);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(await all(stream), words);
});

test('an npm package that is not installed is reported as missing, not thrown as an error', async () => {
  const ctx = makeContext({ quick: true });
  await assert.rejects(ctx.importPackage('trickle-no-such-package-for-the-bench'), (error) => error instanceof Missing && /npm install/.test(error.message));
  assert.deepEqual(ctx.missingFiles(['package.json', 'no/such/file.wasm']), ['no/such/file.wasm']);
  const noChromium = makeContext({ quick: true, chromium: false });
  assert.equal(await noChromium.chromiumMissing(), 'left out with --no-chromium');
  await assert.rejects(noChromium.browser(), Missing);
});

test('a split mode the build refuses is reported as missing, one it has is not', async () => {
  const ctx = makeContext({ quick: true });
  const trickle = await createTrickle();
  assert.equal(await ctx.splitMissing(trickle, 'char'), null);
  assert.match(await ctx.splitMissing(trickle, 'klingon'), /^this build of trickle has no split: 'klingon' \(/);
});

test('the summary counts goals met and missed, and never counts a skipped or failed line as met', () => {
  const ctx = makeContext({ quick: true });
  ctx.group = 'g';
  const out = [];
  ctx.out = (markdown) => out.push(markdown);
  ctx.log = () => {};
  ctx.goal({ goal: 'fast', measured: '2.00x', spread: '1.90–2.10x', target: '≥2x', met: true });
  ctx.goal({ goal: 'faster', measured: '1.10x', spread: '1.00–1.20x', target: '≥1.2x', met: false });
  ctx.goal({ goal: 'reported', measured: '3 µs', spread: '2–4 µs' });
  ctx.skip('in Chromium', 'left out with --no-chromium');
  ctx.goals.push({ group: 'h', goal: 'the h group', failed: 'boom' });
  assert.deepEqual(summaryCounts(ctx.goals), { met: 1, missed: 1, reported: 1, skipped: 1, failed: 1 });
  assert.deepEqual(summaryRows(ctx.goals).map((row) => row.at(-1)), ['yes', '**no**', '', 'not measured', '**failed**']);
  assert.match(out.join('\n'), /Not measured: in Chromium: left out with --no-chromium/);
});

test('the page-size resolver follows static imports, keeps dynamic ones lazy, places assets and ignores comments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trickle-modules-'));
  try {
    mkdirSync(join(dir, 'lib'));
    const write = (name, text) => writeFileSync(join(dir, name), text);
    write('entry.mjs', "// import './commented.mjs';\nimport { a } from './lib/a.mjs';\nexport * from './lib/b.mjs';\nimport 'pkg';\nconst later = () => import('./lib/full.mjs');\n");
    write('lib/a.mjs', "export const a = 1; const url = 'https://example.org//x';\n");
    write('lib/b.mjs', "export const b = new URL('./b-data.bin', import.meta.url);\n");
    write('lib/b-data.bin', 'data');
    write('lib/full.mjs', "import './a.mjs'; export const wasm = new URL('full.wasm', import.meta.url);\n");
    write('lib/full.wasm', 'wasm');
    const graph = moduleGraph(join(dir, 'entry.mjs'));
    const names = (paths) => paths.map((path) => path.slice(dir.length + 1)).sort();
    assert.deepEqual(names(graph.eager), ['entry.mjs', 'lib/a.mjs', 'lib/b-data.bin', 'lib/b.mjs']);
    assert.deepEqual(names(graph.lazy), ['lib/full.mjs', 'lib/full.wasm']);
    assert.deepEqual(graph.external, ['pkg']);
    write('broken.mjs', "import './nowhere.mjs';\n");
    assert.throws(() => moduleGraph(join(dir, 'broken.mjs')), /imports \.\/nowhere\.mjs, which is not there/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each group runs in a process of its own, and its tables and goals come back to the one report', { timeout: 120_000 }, async () => {
  const { execFile } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const bench = fileURLToPath(new URL('../../scripts/bench.mjs', import.meta.url));
  const run = (args) => new Promise((resolve) => {
    execFile(process.execPath, ['--expose-gc', bench, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : error.code, stdout, stderr });
    });
  });
  const { code, stdout, stderr } = await run(['--quick', '--only', 'memory', 'size', '--no-chromium']);
  assert.equal(code, 0, stderr.slice(-2000));
  assert.match(stdout, /Each group runs in a fresh Node process of its own/);
  assert.ok(stdout.indexOf('## Memory') < stdout.indexOf('## Size and start'), 'the groups in order');
  const summary = stdout.slice(stdout.indexOf('## Summary against the goals'));
  // Goals recorded in the groups' processes reach the summary of the parent.
  assert.match(summary, /\| memory \| wasm heap after/);
  assert.match(summary, /\| size \| what a page loads for createTrickle\(\)/);
  assert.match(summary, /groups failed: 0/);
  // Each group says which process it started in: two of them.
  const started = [...stderr.matchAll(/\] (memory|size): start \(process (\d+)\)/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(started.map(([group]) => group), ['memory', 'size']);
  assert.notEqual(started[0][1], started[1][1], 'two processes');
  const usage = await run(['--group-child', 'size']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--group-child and --goals-file go together/);
});
