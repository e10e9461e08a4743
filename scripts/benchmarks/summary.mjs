// The summary table that ends a run: one line per goal the groups recorded (ctx.goal), per
// part skipped (ctx.skip) and per group failed, in the order they were measured, with a
// count of goals met, missed and not measured. Meant to be pasted into the README as it is.
//
// Contract: a goal whose `met` is null (a figure reported without a goal) counts neither as
// met nor as missed; a skipped or failed line is never shown as met.
import { table } from './shared/stats.mjs';

function metCell(entry) {
  if (entry.failed !== undefined) return '**failed**';
  if (entry.skipped) return 'not measured';
  if (entry.met === null || entry.met === undefined) return '';
  return entry.met ? 'yes' : '**no**';
}

/** The rows of the summary, as arrays of cells (for the table, and for tests). */
export function summaryRows(goals) {
  return goals.map((entry) => {
    if (entry.failed !== undefined) return [entry.group, entry.goal, '', entry.failed, '', metCell(entry)];
    if (entry.skipped) return [entry.group, entry.goal, '', entry.skipped, '', metCell(entry)];
    return [entry.group, entry.goal, entry.measured, entry.spread, entry.target, metCell(entry)];
  });
}

/** { met, missed, reported, skipped, failed }: how many lines of each kind. */
export function summaryCounts(goals) {
  const counts = { met: 0, missed: 0, reported: 0, skipped: 0, failed: 0 };
  for (const entry of goals) {
    if (entry.failed !== undefined) counts.failed++;
    else if (entry.skipped) counts.skipped++;
    else if (entry.met === true) counts.met++;
    else if (entry.met === false) counts.missed++;
    else counts.reported++;
  }
  return counts;
}

export function summaryTable(ctx) {
  const counts = summaryCounts(ctx.goals);
  const lines = [
    '## Summary against the goals',
    '',
    'One line per goal (issue 13 "Performance, measured fairly", and the goals of the wire formats and text units issues where '
      + 'their groups ran). Measured: the median over the kept rounds (or processes), for goals over several rows the worst row, named; '
      + 'spread: its min–max over the same rounds. A line without a goal is a figure the issue asks to report.',
    '',
    table(['group', 'what', { title: 'measured', right: true }, { title: 'spread (min–max)', right: true }, 'goal', 'met'], summaryRows(ctx.goals)),
    '',
    `Goals met: ${counts.met}; missed: ${counts.missed}; figures without a goal: ${counts.reported}; `
      + `not measured: ${counts.skipped}; groups failed: ${counts.failed}.`,
  ];
  if (ctx.quick) {
    lines.push('', '**--quick run:** smaller sizes than the goals name, and a loaded machine: the met column only shows that the comparison works.');
  }
  return lines.join('\n');
}
