// Group "timing": one stream of 200 chunks at 5 ms, read as the chunks come. How late is the
// last chunk (drift), how late is the 99th percentile, how many came early: trickle against
// the lesson's pattern (sleep, then yield: every sleep starts after the last chunk, so the
// lateness adds up) and against one JS timer set to absolute deadlines (the best plain JS
// can do), in Node and in the Chromium bench page.
import { TIMING_CONTESTANTS, clockResolution, timing } from './shared/measure.mjs';
import { formatSpread, spreadCells, summary, table, verdict } from './shared/stats.mjs';

const LABELS = {
  lesson: "the lesson's pattern (sleep, then yield)",
  'shared-timer': 'one JS timer at absolute deadlines, never early',
  trickle: 'trickle',
};
const GOALS = { drift: 0.5, p99: 1.5, early: 0 };

function figures(results, name) {
  return {
    drift: summary(results[name].map((r) => r.drift)),
    p99: summary(results[name].map((r) => r.p99)),
    early: summary(results[name].map((r) => r.early)),
  };
}

function rows(results) {
  return TIMING_CONTESTANTS.map((name) => {
    const { drift, p99, early } = figures(results, name);
    const met = drift.median <= GOALS.drift && p99.median <= GOALS.p99 && early.max === 0;
    return [LABELS[name], formatSpread(drift, ' ms', 2, true), formatSpread(p99, ' ms', 2, true), formatSpread(early, '', 0), verdict(met)];
  });
}

// trickle's three lines of the summary, for one runtime.
function goals(ctx, runtime, results, chunks) {
  const { drift, p99, early } = figures(results, 'trickle');
  ctx.goal({ goal: `${runtime}: drift at the last of ${chunks} chunks at 5 ms`, ...spreadCells(drift, ' ms', 2, true), target: `≤${GOALS.drift} ms`, met: drift.median <= GOALS.drift });
  ctx.goal({ goal: `${runtime}: p99 lateness`, ...spreadCells(p99, ' ms', 2, true), target: `≤${GOALS.p99} ms`, met: p99.median <= GOALS.p99 });
  ctx.goal({ goal: `${runtime}: chunks early, every round`, measured: String(early.max), spread: `${early.min}–${early.max}`, target: '0', met: early.max === 0 });
}

const COLUMNS = ['', { title: `drift at the last chunk (goal ≤${GOALS.drift} ms)`, right: true },
  { title: `p99 lateness (goal ≤${GOALS.p99} ms)`, right: true }, { title: 'chunks early (goal 0)', right: true }, 'goals met'];

async function run(ctx) {
  const chunks = ctx.size(60, 200);
  const delayMs = 5;
  const trickle = await ctx.createTrickle();
  ctx.log(`timing: ${chunks} chunks at ${delayMs} ms in Node`);
  const node = await timing(trickle, { chunks, delayMs, rounds: ctx.rounds, onRound: (i, n) => ctx.log(`timing: Node round ${i}/${n}`) });
  ctx.out(`${chunks} chunks at ${delayMs} ms; lateness of chunk i = its arrival − (start + (i + 1) × ${delayMs} ms), start taken just before the stream is made. `
    + `Median of ${ctx.rounds} rounds (min–max), the three alternating. The shared timer checks the clock when it fires and waits again if it came early `
    + "(Node's timers count whole milliseconds of a cached clock, so a timer can fire up to 1 ms before its time by performance.now()).\n");
  ctx.out(`### Node (performance.now() steps of ${(clockResolution() * 1000).toFixed(1)} µs)\n`);
  ctx.out(table(COLUMNS, rows(node)));
  goals(ctx, 'Node', node, chunks);
  const missing = await ctx.chromiumMissing();
  if (missing !== null) {
    ctx.out('\n### Chromium\n');
    ctx.skip('timing in Chromium', missing);
    return;
  }
  const bench = await ctx.browser();
  ctx.log(`timing: ${chunks} chunks at ${delayMs} ms in Chromium`);
  const chromium = await bench.evaluate('timing', { chunks, delayMs, rounds: ctx.rounds });
  const resolution = await bench.evaluate('clockResolution');
  ctx.out(`\n### Chromium ${bench.version} (performance.now() steps of ${(resolution * 1000).toFixed(1)} µs in the bench page)\n`);
  ctx.out(table(COLUMNS, rows(chromium)));
  goals(ctx, 'Chromium', chromium, chunks);
  ctx.out('\nA goal is met when the median drift and p99 are within it and no round had an early chunk. '
    + 'Timing figures are milliseconds, not ratios: the baselines ran alternately in the same process and page, beside them. '
    + "A lateness finer than the clock's step cannot be seen.");
}

export default { title: 'Timing fidelity: one stream, a chunk every 5 ms', run };
