// Statistics and Markdown for the benchmarks, shared by Node and the Chromium bench page.
//
// Contract: every ratio the suite prints comes from pairs measured in the same round
// (candidate and baseline side by side, in one process or one page); ratioSummary gives the
// median of those per-round ratios and their min–max, never a ratio of medians taken apart.

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The nearest-rank percentile (p in 0..100). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** { median, min, max } of a list of numbers. */
export function summary(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), values };
}

/** Per-round ratios a[i] / b[i], summarised. */
export function ratioSummary(a, b) {
  if (a.length !== b.length) throw new Error(`stats: ${a.length} values against ${b.length}`);
  return summary(a.map((value, i) => value / b[i]));
}

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

/** "1.23x (1.10–1.31)": a ratio's median and its spread over the rounds. */
export function formatRatio(s, digits = 2) {
  return `${fixed(s.median, digits)}x (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;
}

/** A ratio as the summary's two cells: { measured: "1.23x", spread: "1.10–1.31x" }. */
export function ratioCells(s, digits = 2) {
  return { measured: `${fixed(s.median, digits)}x`, spread: `${fixed(s.min, digits)}–${fixed(s.max, digits)}x` };
}

/** A median and its min–max in a unit, as the summary's two cells. */
export function spreadCells(s, unit = '', digits = 1, sign = false) {
  const f = (value) => (sign && value >= 0 ? '+' : '') + fixed(value, digits);
  return { measured: `${f(s.median)}${unit}`, spread: `${f(s.min)}–${f(s.max)}${unit}` };
}

/** The entry of `entries` whose `key(entry)` is least (the worst row of a goal "at least"). */
export function worstBy(entries, key) {
  let worst = null;
  for (const entry of entries) if (worst === null || key(entry) < key(worst)) worst = entry;
  return worst;
}

/** A median with its min–max, in a unit: "12.3 ms (11.9–13.0)". */
export function formatSpread(s, unit = '', digits = 1, sign = false) {
  const f = (value) => (sign && value >= 0 ? '+' : '') + fixed(value, digits);
  return `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)})`;
}

/** Chunks (or anything) per second, scaled: "8.56 M/s". */
export function formatRate(perSecond, unit = '/s') {
  if (perSecond >= 1e6) return `${fixed(perSecond / 1e6, 2)} M${unit}`;
  if (perSecond >= 1e3) return `${fixed(perSecond / 1e3, 1)} k${unit}`;
  return `${fixed(perSecond, 1)} ${unit}`;
}

export function formatBytes(bytes) {
  const sign = bytes < 0 ? '-' : '';
  const size = Math.abs(bytes);
  if (size >= 1024 * 1024) return `${sign}${fixed(size / (1024 * 1024), 2)} MiB`;
  if (size >= 1024) return `${sign}${fixed(size / 1024, 1)} KiB`;
  return `${sign}${size} B`;
}

export const count = (value) => value.toLocaleString('en-US');

/** Whether a goal is met: "yes", or "**no**" so that misses stand out in the table. */
export function verdict(met) {
  return met ? 'yes' : '**no**';
}

/**
 * A Markdown table. `columns`: [{ title, right }] or titles; `rows`: arrays of cells.
 * Right-aligned columns for numbers.
 */
export function table(columns, rows) {
  const heads = columns.map((column) => (typeof column === 'string' ? { title: column, right: false } : column));
  const clean = (cell) => String(cell).replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    `| ${heads.map((head) => clean(head.title)).join(' | ')} |`,
    `|${heads.map((head) => (head.right ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(clean).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * Runs `contestants` ({ name, run }, run resolving with a number) in alternating rounds:
 * `warmup` rounds first (not kept), then `rounds` kept. Each round starts with the next
 * contestant in turn, so that whatever one leaves behind (garbage, a cold cache) does not
 * always fall on the same other. `between` (optional) runs before each measured run.
 * Resolves with { name: [value per kept round] }.
 */
export async function alternate(contestants, { rounds, warmup = 1, between, onRound } = {}) {
  const results = Object.fromEntries(contestants.map(({ name }) => [name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (let k = 0; k < contestants.length; k++) {
      const { name, run } = contestants[(round + k) % contestants.length];
      if (between !== undefined) await between();
      const value = await run();
      if (round >= warmup) results[name].push(value);
    }
    if (round >= warmup) onRound?.(round - warmup + 1, rounds);
  }
  return results;
}
