// Group "timing": one stream of 200 chunks at 5 ms, read as the chunks come. How late is the
// last chunk (drift), how late is the 99th percentile, how many came early: trickle against
// the lesson's pattern (sleep, then yield: every sleep starts after the last chunk, so the
// lateness adds up) and against one JS timer set to absolute deadlines (the best plain JS
// can do), in Node and in the Chromium bench page.
import { TIMING_CONTESTANTS, timing } from './shared/measure.mjs';
import { formatSpread, summary, table, verdict } from './shared/stats.mjs';

const LABELS = {
  lesson: "the lesson's pattern (sleep, then yield)",
  'shared-timer': 'one JS timer at absolute deadlines',
  trickle: 'trickle',
};
const GOALS = { drift: 0.5, p99: 1.5, early: 0 };

function rows(results) {
  return TIMING_CONTESTANTS.map((name) => {
    const drift = summary(results[name].map((r) => r.drift));
    const p99 = summary(results[name].map((r) => r.p99));
    const early = summary(results[name].map((r) => r.early));
    const met = drift.median <= GOALS.drift && p99.median <= GOALS.p99 && early.max === 0;
    return [LABELS[name], formatSpread(drift, ' ms', 2, true), formatSpread(p99, ' ms', 2, true), formatSpread(early, '', 0), verdict(met)];
  });
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
    + `Median of ${ctx.rounds} rounds (min–max), the three alternating.\n`);
  ctx.out('### Node\n');
  ctx.out(table(COLUMNS, rows(node)));
  if (!ctx.hasChromium()) {
    ctx.out('\n### Chromium\n\nNot measured: /usr/bin/chromium is missing (scripts/setup --browser).');
    return;
  }
  const bench = await ctx.browser();
  ctx.log(`timing: ${chunks} chunks at ${delayMs} ms in Chromium`);
  const chromium = await bench.evaluate('timing', { chunks, delayMs, rounds: ctx.rounds });
  ctx.out(`\n### Chromium ${bench.version}\n`);
  ctx.out(table(COLUMNS, rows(chromium)));
  ctx.out('\nA goal is met when the median drift and p99 are within it and no round had an early chunk. '
    + 'Timing figures are milliseconds, not ratios: the baselines ran alternately in the same process and page, beside them.');
}

export default { title: 'Timing fidelity: one stream, a chunk every 5 ms', run };
