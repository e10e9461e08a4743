// Group "size": what a page downloads for `import createTrickle from 'trickle'` and
// `await createTrickle()` (the module graph of dist/js/trickle.mjs, read from its imports:
// the bundled, minified files the package ships, each gzipped on its own as a server sends
// it, each named with the sources it holds) against the goal of 40 KiB; what comes
// later only when used (the full module, the tokenizer and its vocabularies); the single-file
// page. Start: createTrickle() in fresh Node processes and fresh Chromium pages (goal 15
// ms), and the first use of the full module. In Chromium the requests the page really made
// are checked against the module graph.
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { moduleGraph } from './modules.mjs';
import { formatBytes, formatSpread, spreadCells, summary, table, verdict } from './shared/stats.mjs';

const GOAL_BYTES = 40 * 1024;
const GOAL_CREATE_MS = 15;

function sizeOf(path) {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

// What each bundled file of dist/js holds (scripts/package-js.mjs writes the list): a chunk's
// name says nothing of its code.
function readHoldings(ctx) {
  try {
    return JSON.parse(readFileSync(ctx.path('build/package-js.json'), 'utf8'));
  } catch {
    return {};
  }
}

function fileRows(ctx, files, holdings = {}) {
  let raw = 0;
  let gzip = 0;
  const rows = files.map((path) => {
    const size = sizeOf(path);
    raw += size.raw;
    gzip += size.gzip;
    const held = holdings[relative(ctx.path('dist/js'), path)] ?? [];
    const name = `\`${relative(ctx.path('.'), path)}\``;
    return [held.length > 0 ? `${name} (${held.join(', ')})` : name, formatBytes(size.raw), formatBytes(size.gzip)];
  });
  return { rows, raw, gzip };
}

const SIZE_COLUMNS = ['file', { title: 'raw', right: true }, { title: 'gzip -9', right: true }];

async function sizes(ctx) {
  const graph = moduleGraph(ctx.path('dist/js/trickle.mjs'));
  // The order a reader expects: the wasm, its glue, then the JS modules by path.
  const rank = (path) => (path.endsWith('.wasm') ? 0 : /trickle-wasm[^/]*\.mjs$/.test(path) ? 1 : 2);
  const eager = [...graph.eager].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const core = fileRows(ctx, eager, readHoldings(ctx));
  ctx.out(`### What a page loads: createTrickle() (${eager.length} files, from the imports of dist/js/trickle.mjs)\n`);
  ctx.out(table(SIZE_COLUMNS, [...core.rows, ['**total**', formatBytes(core.raw), `**${formatBytes(core.gzip)}**`]]));
  ctx.goal({ goal: `what a page loads for createTrickle(), gzipped (${eager.length} files)`, measured: formatBytes(core.gzip),
    spread: `${(core.gzip / GOAL_BYTES).toFixed(2)}x the goal`, target: `≤${formatBytes(GOAL_BYTES)}`, met: core.gzip <= GOAL_BYTES });
  ctx.out(`\nTotal gzipped ÷ the goal of ${formatBytes(GOAL_BYTES)}: ${(core.gzip / GOAL_BYTES).toFixed(2)}x; goal met: ${verdict(core.gzip <= GOAL_BYTES)}. `
    + 'Each file gzipped on its own (level 9), as a server sends it.\n');

  const extras = [];
  const add = (label, files) => {
    const existing = files.filter((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    });
    const { raw, gzip } = fileRows(ctx, existing);
    const name = (path) => `\`${relative(ctx.path('.'), path)}\``;
    const missing = files.filter((path) => !existing.includes(path));
    // Sizes of part of a set would read as the whole: a set with a file missing shows none.
    extras.push([label, existing.map(name).join(', ') + (missing.length > 0 ? `${existing.length > 0 ? '; ' : ''}not built: ${missing.map(name).join(', ')}` : ''),
      missing.length > 0 ? '—' : formatBytes(raw), missing.length > 0 ? '—' : formatBytes(gzip)]);
  };
  add('the full module (timing model, wire formats), on first use', graph.lazy);
  // The tokenizer's loader as the package ships it: the bundled files that hold it.
  const holdings = readHoldings(ctx);
  const loaders = Object.keys(holdings).filter((file) => file.startsWith('tokens/') || holdings[file].some((source) => source.startsWith('tokens/')))
    .map((file) => ctx.path(`dist/js/${file}`));
  add('the tokenizer: loader and wasm', [...(loaders.length > 0 ? loaders : [ctx.path('src/js/tokens/tokenizer.mjs')]),
    ctx.path('build/wasm/trickle-tokenizer.wasm')]);
  add('its vocabulary o200k_base', [ctx.path('build/wasm/tokens/o200k_base.bpe')]);
  add('its vocabulary cl100k_base', [ctx.path('build/wasm/tokens/cl100k_base.bpe')]);
  add('the page as one file (file://), wasm inlined', [ctx.path('build/site/trickle.html')]);
  ctx.out('### Loaded later, or elsewhere\n');
  ctx.out(table(['what', 'files', { title: 'raw', right: true }, { title: 'gzip -9', right: true }], extras));
  ctx.out('');
  return graph;
}

async function nodeStart(ctx, full) {
  const processes = ctx.size(5, 20);
  const starts = [];
  const fulls = [];
  for (let i = 0; i < processes; i++) {
    ctx.log(`size: fresh process ${i + 1} of ${processes}`);
    starts.push(await ctx.child('start'));
    if (full) fulls.push(await ctx.child('full'));
  }
  return {
    runtime: 'Node',
    label: `Node ${process.version}, ${processes} fresh processes`,
    importMs: summary(starts.map((s) => s.importMs)),
    createMs: summary(starts.map((s) => s.createMs)),
    fullMs: full ? summary(fulls.map((s) => s.fullMs)) : null,
  };
}

async function chromiumStart(ctx, graph, full) {
  const bench = await ctx.browser();
  const pages = ctx.size(5, 20);
  const loads = [];
  for (let i = 0; i < pages; i++) {
    ctx.log(`size: fresh Chromium page ${i + 1} of ${pages}`);
    loads.push(await bench.loadOnce({ full }));
  }
  // The module graph against what the page asked the server for.
  const toPath = (url) => ctx.path(decodeURIComponent(new URL(url).pathname).slice(1));
  const asked = new Set(loads[0].atCreate.map(toPath).filter((path) => !path.endsWith('.html') && !path.endsWith('favicon.ico')));
  const later = new Set(loads[0].afterFull.map(toPath));
  const expected = new Set(graph.eager);
  const expectedLater = new Set(graph.lazy);
  // The first use of the full module loads its glue and its .wasm; the rest of the lazy part
  // (the wire formats, the tokenizer, the built-in answers) waits for what needs it.
  const fullFiles = [...expectedLater].filter((path) => /trickle-wasm-full\.(mjs|wasm)$/.test(path));
  const differences = [
    ...[...asked].filter((path) => !expected.has(path)).map((path) => `requested at start but not in the graph: ${relative(ctx.path('.'), path)}`),
    ...[...expected].filter((path) => !asked.has(path)).map((path) => `in the graph but not requested at start: ${relative(ctx.path('.'), path)}`),
    ...[...later].filter((path) => full && !expectedLater.has(path)).map((path) => `requested on first use of the full module, not in the graph's lazy part: ${relative(ctx.path('.'), path)}`),
    ...fullFiles.filter((path) => full && !later.has(path)).map((path) => `the full module's file, not requested on its first use: ${relative(ctx.path('.'), path)}`),
    ...(full && fullFiles.length !== 2 ? [`the graph's lazy part holds ${fullFiles.length} files of the full module, not its glue and .wasm`] : []),
  ];
  return {
    runtime: 'Chromium',
    label: `Chromium ${bench.version}, ${pages} fresh pages (empty cache, loopback server)`,
    importMs: summary(loads.map((l) => l.importMs)),
    createMs: summary(loads.map((l) => l.createMs)),
    fullMs: full ? summary(loads.map((l) => l.fullMs)) : null,
    check: differences.length === 0
      ? `The page requested exactly the graph's ${asked.size} files at start, and on first use of the full module ${later.size} files of the graph's lazy part (${[...later].map((path) => relative(ctx.path('dist/js'), path)).sort().join(', ')}).`
      : `The page's requests differ from the module graph: ${differences.join('; ')}.`,
  };
}

async function run(ctx) {
  const graph = await sizes(ctx);
  // A build without timing presets has no full module to load on first use.
  const full = (await ctx.features()).preset === true;
  const results = [await nodeStart(ctx, full)];
  const missing = await ctx.chromiumMissing();
  let check = `Chromium not measured: ${missing}.`;
  if (missing === null) {
    const chromium = await chromiumStart(ctx, graph, full);
    results.push(chromium);
    check = chromium.check;
  }
  ctx.out('### Start\n');
  ctx.out(table(['runtime', { title: 'import of trickle.mjs', right: true }, { title: `createTrickle() (goal ≤${GOAL_CREATE_MS} ms)`, right: true },
    { title: 'createTrickle() ÷ goal', right: true }, { title: 'full module, first use', right: true }],
  results.map((r) => [r.label, formatSpread(r.importMs, ' ms'), formatSpread(r.createMs, ' ms'),
    `${(r.createMs.median / GOAL_CREATE_MS).toFixed(2)}x ${r.createMs.median <= GOAL_CREATE_MS ? '' : '(**over**)'}`.trim(),
    r.fullMs === null ? 'no full module in this build' : formatSpread(r.fullMs, ' ms')])));
  for (const r of results) {
    ctx.goal({ goal: `${r.runtime}: createTrickle() in a fresh ${r.runtime === 'Node' ? 'process' : 'page'}`, ...spreadCells(r.createMs, ' ms'),
      target: `≤${GOAL_CREATE_MS} ms`, met: r.createMs.median <= GOAL_CREATE_MS });
  }
  if (missing !== null) ctx.skip('start in Chromium', missing, { table: false });
  ctx.out(`\nMedian (min–max). createTrickle(): from the module imported to the instance ready (the core .wasm read or fetched, compiled, `
    + 'instantiated). Full module, first use: the plan() of a stream with a preset, which loads trickle-wasm-full. '
    + `${check}`);
}

export default { title: 'Size and start', run };
