// Group "tokens" (issue "Text units" §4): trickle's BPE tokenizer (trickle-tokenizer.wasm
// with its .bpe vocabularies, through src/js/tokens/tokenizer.mjs) against tiktoken (Rust in
// wasm) and gpt-tokenizer (JS) in the same process, for o200k_base and cl100k_base: encode
// throughput on about 1 MiB of mixed text (tests/js/token-corpus.mjs), load-and-ready time in
// fresh processes, and sizes; the native C++ figure beside (build/native/token_harness).
// Then grapheme splitting against Intl.Segmenter on paragraphs of a few hundred characters.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Missing } from './context.mjs';
import { moduleGraph } from './modules.mjs';
import { drain, graphemesOf, lessonWords } from './shared/baselines.mjs';
import { alternate, count, formatBytes, formatRate, formatRatio, formatSpread, median, ratioCells, ratioSummary, summary, table, verdict, worstBy } from './shared/stats.mjs';
import { paragraphsOf, textOf } from './shared/texts.mjs';

// What the tokenizer's part of the group needs: until the tokenizer lands these are absent
// and the group is skipped, saying which. Imported only once requires() has found them all.
const TOKENIZER_FILES = ['src/js/tokens/tokenizer.mjs', 'tests/js/token-corpus.mjs', 'build/wasm/trickle-tokenizer.wasm',
  'build/wasm/tokens/o200k_base.bpe', 'build/wasm/tokens/cl100k_base.bpe'];
const PEERS = ['tiktoken', 'gpt-tokenizer'];
let loaded = null;

async function load(ctx) {
  loaded ??= {
    ...(await import('../../src/js/tokens/tokenizer.mjs')),
    ...(await import('../../tests/js/token-corpus.mjs')),
    getEncoding: (await ctx.importPackage('tiktoken')).get_encoding,
  };
  return loaded;
}

const ENCODINGS = ['o200k_base', 'cl100k_base'];
const NO_SPECIAL = { disallowedSpecial: new Set() }; // gpt-tokenizer: special tokens as plain text

async function peers(ctx, name) {
  const { instantiateTokenizer, readBytes, getEncoding } = await load(ctx);
  const module = await instantiateTokenizer(await readBytes(ctx.path('build/wasm/trickle-tokenizer.wasm')));
  const trickle = module.load(await readBytes(ctx.path(`build/wasm/tokens/${name}.bpe`)), name);
  const tiktoken = getEncoding(name);
  const gpt = await ctx.importPackage(`gpt-tokenizer/encoding/${name}`);
  return {
    trickle: (text) => trickle.encode(text).length,
    tiktoken: (text) => tiktoken.encode(text, [], []).length,
    'gpt-tokenizer': (text) => gpt.encode(text, NO_SPECIAL).length,
    free: () => {
      trickle.free();
      tiktoken.free();
    },
  };
}

function nativeBench(ctx, name, file) {
  const harness = ctx.path('build/native/token_harness');
  if (!existsSync(harness)) return null;
  const output = execFileSync(harness, [ctx.path(`build/native/tokens/${name}.bpe`), 'bench', file, String(ctx.size(0.5, 3))], { encoding: 'utf8' });
  const rate = /([\d.]+) MiB\/s/.exec(output);
  const load = /loaded \S+ in ([\d.]+) ms/.exec(output);
  return { mibPerSecond: rate ? Number(rate[1]) : NaN, loadMs: load ? Number(load[1]) : NaN };
}

async function encodeTables(ctx) {
  const { tokenCorpus } = await load(ctx);
  const corpus = tokenCorpus(ctx.size(200_000, 1_100_000));
  const texts = corpus.map((entry) => entry.text);
  const whole = texts.join('\n');
  const bytes = Buffer.byteLength(whole.toWellFormed());
  const dir = mkdtempSync(join(tmpdir(), 'trickle-bench-'));
  const file = join(dir, 'corpus.txt');
  writeFileSync(file, whole.toWellFormed());
  const rows = [];
  const notes = [];
  const goals = [];
  try {
    for (const name of ENCODINGS) {
      const encoders = await peers(ctx, name);
      const counts = Object.fromEntries(['trickle', 'tiktoken', 'gpt-tokenizer'].map((lib) => [lib, encoders[lib](whole)]));
      notes.push(`${name}: ${Object.entries(counts).map(([lib, n]) => `${lib} ${count(n)}`).join(', ')} tokens for the whole text`);
      for (const shape of ['whole', 'texts']) {
        ctx.log(`tokens: ${name}, ${shape === 'whole' ? 'one string' : `${texts.length} texts`}`);
        const contestants = ['trickle', 'tiktoken', 'gpt-tokenizer'].map((lib) => ({
          name: lib,
          run: () => {
            const started = performance.now();
            if (shape === 'whole') encoders[lib](whole);
            else for (const text of texts) encoders[lib](text);
            return bytes / ((performance.now() - started) / 1000);
          },
        }));
        const rates = await alternate(contestants, { rounds: ctx.rounds });
        const vsTiktoken = ratioSummary(rates.trickle, rates.tiktoken);
        const vsGpt = ratioSummary(rates.trickle, rates['gpt-tokenizer']);
        const faster = median(rates.tiktoken) >= median(rates['gpt-tokenizer']) ? vsTiktoken : vsGpt;
        goals.push({ ratio: faster, label: `${name}, ${shape === 'whole' ? 'one string' : 'text by text'}, against ${faster === vsTiktoken ? 'tiktoken' : 'gpt-tokenizer'}` });
        rows.push([name, shape === 'whole' ? `one string (${formatBytes(bytes)})` : `${count(texts.length)} texts, one call each`,
          formatRate(median(rates.trickle) / 2 ** 20, 'MiB/s'), formatRate(median(rates.tiktoken) / 2 ** 20, 'MiB/s'),
          formatRate(median(rates['gpt-tokenizer']) / 2 ** 20, 'MiB/s'), formatRatio(vsTiktoken), formatRatio(vsGpt), verdict(faster.median >= 2)]);
      }
      encoders.free();
      const native = nativeBench(ctx, name, file);
      notes.push(native === null
        ? `${name}, native C++: build/native/token_harness is missing (cmake --build build/native --target token_harness)`
        : `${name}, native C++ (build/native/token_harness, the same text, CPU time): ${native.mibPerSecond.toFixed(1)} MiB/s, vocabulary loaded in ${native.loadMs.toFixed(1)} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const worst = worstBy(goals, (goal) => goal.ratio.median);
  ctx.goal({ goal: `encode ${formatBytes(bytes)} of mixed text ÷ the faster of tiktoken and gpt-tokenizer (worst: ${worst.label})`,
    ...ratioCells(worst.ratio), target: '≥2x', met: worst.ratio.median >= 2 });
  ctx.out(`### Encode throughput, ${formatBytes(bytes)} of mixed text (tests/js/token-corpus.mjs: prose in 15 scripts, code, numbers, emoji, white space, random Unicode)\n`);
  ctx.out(table(['encoding', 'input', { title: 'trickle (wasm)', right: true }, { title: 'tiktoken (wasm)', right: true }, { title: 'gpt-tokenizer (JS)', right: true },
    { title: 'trickle ÷ tiktoken', right: true }, { title: 'trickle ÷ gpt-tokenizer', right: true }, 'goal ≥2x the faster'], rows));
  ctx.out(`\nMiB of UTF-8 input per second, median of ${ctx.rounds} rounds, alternating, wall time in one process; special tokens read as plain text by all three. `
    + "gpt-tokenizer keeps its merge cache between rounds (its default), which favours it on the same text.\n");
  for (const note of notes) ctx.out(`- ${note}`);
  ctx.out('');
}

function gzipped(paths) {
  return paths.reduce((sum, path) => sum + gzipSync(readFileSync(path), { level: 9 }).length, 0);
}

async function loadTable(ctx) {
  const processes = ctx.size(3, 10);
  const rows = [];
  for (const name of ENCODINGS) {
    const results = { trickle: [], tiktoken: [], 'gpt-tokenizer': [] };
    for (let i = 0; i < processes; i++) {
      for (const lib of Object.keys(results)) {
        ctx.log(`tokens: load ${lib} ${name}, process ${i + 1}/${processes}`);
        results[lib].push((await ctx.child('token-load', { lib, name })).readyMs);
      }
    }
    const nm = (path) => ctx.path(`node_modules/${path}`);
    const sizes = {
      trickle: [ctx.path('src/js/tokens/tokenizer.mjs'), ctx.path('build/wasm/trickle-tokenizer.wasm'), ctx.path(`build/wasm/tokens/${name}.bpe`)],
      tiktoken: moduleGraph(nm('tiktoken/tiktoken.js')).eager,
      'tiktoken/lite': [...moduleGraph(nm('tiktoken/lite/tiktoken.js')).eager, nm(`tiktoken/encoders/${name}.json`)],
      'gpt-tokenizer': moduleGraph(nm(`gpt-tokenizer/esm/encoding/${name}.js`)).eager,
    };
    const trickleReady = summary(results.trickle);
    const fastestPeer = Math.min(...PEERS.map((lib) => median(results[lib])));
    ctx.goal({ goal: `${name}: import to the first encode in a fresh process, trickle (the faster peer: ${fastestPeer.toFixed(0)} ms)`,
      measured: `${trickleReady.median.toFixed(1)} ms`, spread: `${trickleReady.min.toFixed(1)}–${trickleReady.max.toFixed(1)} ms` });
    for (const lib of Object.keys(sizes)) {
      const ready = results[lib] === undefined ? null : summary(results[lib]);
      rows.push([name, lib, ready === null ? 'not measured' : formatSpread(ready, ' ms'),
        ready === null || lib === 'trickle' ? '' : `${(trickleReady.median / ready.median).toFixed(2)}x`,
        `${sizes[lib].length}`, formatBytes(gzipped(sizes[lib]))]);
    }
  }
  ctx.out('### Load and ready\n');
  ctx.out(table(['encoding', 'library', { title: 'import to the first encode', right: true }, { title: 'trickle ÷ this', right: true },
    { title: 'files', right: true }, { title: 'what a page downloads, gzip -9', right: true }], rows));
  ctx.out(`\nReady time: a fresh Node process each (${processes} each, median (min–max)), from the import to the first encode() of a short text `
    + "returned (trickle: instantiate trickle-tokenizer.wasm, load the .bpe; tiktoken: get_encoding; gpt-tokenizer: import the encoding's module). "
    + 'Sizes: each file on its own, from the module graph of the ESM entry a bundler would take; tiktoken\'s main build carries every vocabulary '
    + 'in its wasm, tiktoken/lite takes one as JSON. Below 1 the trickle ÷ this ratio means trickle is ready sooner.\n');
}

async function graphemeTable(ctx) {
  const words = ctx.size(10_000, 200_000);
  const text = paragraphsOf('mixed', words);
  const lines = text.split(/(?<=\n)/);
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const trickle = await ctx.createTrickle();
  const [expected] = await drain(graphemesOf(text));
  const sync = () => {
    let n = 0;
    for (const line of lines) for (const segment of segmenter.segment(line)) n += segment.segment.length > 0 ? 1 : 0;
    return n;
  };
  const timed = (run) => async () => {
    const started = performance.now();
    const n = await run();
    if (n !== expected) throw new Error(`tokens: ${n} graphemes, expected ${expected}`);
    return n / ((performance.now() - started) / 1000);
  };
  // Both sides make every grapheme a string: trickle.pieces() returns them, and the loop
  // reads each segment's string (and checks it, as the count must match).
  const rates = await alternate([
    { name: 'pieces', run: timed(async () => (await trickle.pieces(text, { split: 'grapheme' })).length) },
    { name: 'trickle', run: timed(async () => (await drain(trickle.stream(text, { delayMs: 0, split: 'grapheme' })))[0]) },
    { name: 'sync', run: timed(async () => sync()) },
    { name: 'async', run: timed(async () => (await drain(graphemesOf(text)))[0]) },
  ], { rounds: ctx.rounds, onRound: (i, n) => ctx.log(`tokens: graphemes round ${i}/${n}`) });
  const vsSync = ratioSummary(rates.pieces, rates.sync);
  ctx.goal({ goal: `split 'grapheme', ${count(expected)} graphemes: trickle.pieces() ÷ Intl.Segmenter, line by line`, ...ratioCells(vsSync), target: '≥3x', met: vsSync.median >= 3 });
  const streamedVsAsync = ratioSummary(rates.trickle, rates.async);
  // Intl.Segmenter on one long string, to show why the baselines go line by line.
  const whole = [];
  for (const length of [5_000, 20_000]) {
    const piece = text.slice(0, length);
    const started = performance.now();
    let n = 0;
    for (const segment of segmenter.segment(piece)) n += segment.segment.length > 0 ? 1 : 0;
    whole.push(`${count(length)} characters in ${(performance.now() - started).toFixed(0)} ms`);
  }
  ctx.out(`### Grapheme clusters: ${count(expected)} in ${count(text.length)} UTF-16 units of mixed text, lines of a few hundred characters\n`);
  ctx.out(table(['', { title: 'graphemes per second', right: true }, { title: 'trickle ÷ this', right: true }], [
    ["trickle: `pieces(text, { split: 'grapheme' })`, every grapheme as a string, at once", formatRate(median(rates.pieces)), ''],
    ['Intl.Segmenter, a plain loop line by line (goal: pieces() ≥3x)', formatRate(median(rates.sync)), `${formatRatio(vsSync)} ${verdict(vsSync.median >= 3)}`],
    ["trickle: `stream(text, { delayMs: 0, split: 'grapheme' })`, read with for await", formatRate(median(rates.trickle)), ''],
    ['Intl.Segmenter in an async generator, line by line (as a stream is read)', formatRate(median(rates.async)), `${formatRatio(streamedVsAsync)} (the stream ÷ this)`],
  ]));
  ctx.out(`\ntrickle.pieces() is compared with a plain loop over Intl.Segmenter, and trickle's stream with Intl.Segmenter in an async generator read the same way. `
    + `Intl.Segmenter in Node ${process.version} slows down sharply on long strings (one string of ${whole.join(', one of ')}), so it is given one line at a time, `
    + 'its fastest use; trickle takes the whole text.\n');
}

// split: 'tokens' at zero delay against the README's baseline, the lesson's generator over
// the same text (issue "Text units" §4): chunks per second, though the chunks differ (tokens
// against words), so the ratio says how fast each feeds a for-await loop, not which does more.
async function tokenSplitTable(ctx, trickle) {
  const missing = await ctx.splitMissing(trickle, 'tokens');
  if (missing !== null) {
    ctx.out("### split: 'tokens' at zero delay\n");
    ctx.skip("split: 'tokens' against the lesson's generator", missing);
    return;
  }
  const words = ctx.size(10_000, 1_000_000);
  const text = textOf('english', words);
  const [tokens] = await drain(trickle.stream(text, { delayMs: 0, split: 'tokens' }));
  const timed = (make) => async () => {
    const started = performance.now();
    const [n] = await drain(make());
    return n / ((performance.now() - started) / 1000);
  };
  const rates = await alternate([
    { name: 'trickle', run: timed(() => trickle.stream(text, { delayMs: 0, split: 'tokens' })) },
    { name: 'lesson', run: timed(() => lessonWords(text)) },
  ], { rounds: ctx.rounds, onRound: (i, n) => ctx.log(`tokens: split tokens round ${i}/${n}`) });
  const ratio = ratioSummary(rates.trickle, rates.lesson);
  ctx.goal({ goal: `split 'tokens', English prose × ${count(words)}: chunks/s ÷ the lesson's generator (words)`, ...ratioCells(ratio) });
  ctx.out(`### split: 'tokens' at zero delay, English prose × ${count(words)} words (${count(tokens)} tokens)\n`);
  ctx.out(table(['', { title: 'chunks per second', right: true }, { title: 'trickle ÷ this', right: true }], [
    ["trickle: `stream(text, { delayMs: 0, split: 'tokens' })`", formatRate(median(rates.trickle)), ''],
    ["the lesson's generator over the same text (one chunk a word)", formatRate(median(rates.lesson)), formatRatio(ratio)],
  ]));
  ctx.out('');
}

// Why the tokenizer cannot be measured, or null.
async function tokenizerMissing(ctx) {
  const missing = ctx.missingFiles(TOKENIZER_FILES);
  if (missing.length > 0) return `the tokenizer is not in this tree or not built (missing: ${missing.join(', ')})`;
  for (const name of PEERS) {
    try {
      await ctx.importPackage(name);
    } catch (error) {
      if (error instanceof Missing) return `${error.message}: the tokenizer's peers are its baselines`;
      throw error;
    }
  }
  return null;
}

async function run(ctx) {
  const missing = await tokenizerMissing(ctx);
  if (missing === null) {
    await encodeTables(ctx);
    await loadTable(ctx);
  } else {
    ctx.out('### The tokenizer against tiktoken and gpt-tokenizer\n');
    ctx.skip('the tokenizer (encode, load and ready, sizes)', missing);
  }
  const trickle = await ctx.createTrickle();
  const noGraphemes = await ctx.splitMissing(trickle, 'grapheme');
  if (noGraphemes === null) {
    await graphemeTable(ctx);
  } else {
    ctx.out("### split: 'grapheme'\n");
    ctx.skip("split: 'grapheme' against Intl.Segmenter", noGraphemes);
  }
  await tokenSplitTable(ctx, trickle);
  if (missing === null) ctx.out(`The tokenizer is measured through its loader (src/js/tokens/tokenizer.mjs, ${relative(ctx.path('.'), ctx.path('build/wasm/trickle-tokenizer.wasm'))}), the way trickle's API will load it.`);
}

export default { title: 'Tokens and graphemes', run };
