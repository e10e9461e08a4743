// Shared by the node tests of the JS module.
import assert from 'node:assert/strict';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every value an async iterable gives, in order. */
export async function collect(iterable) {
  const values = [];
  for await (const value of iterable) values.push(value);
  return values;
}

/** Nothing of any stream is left in `trickle`: no C++ stream, no scheduled timer, no JS timer armed. */
export function assertNothingLeft(trickle) {
  const stats = trickle.stats();
  assert.equal(stats.liveStreams, 0, 'no C++ stream left');
  assert.equal(stats.scheduledTimers, 0, 'no timer left in the scheduler');
  assert.equal(stats.timerArmed, false, 'no JS timer armed');
}

/** The wasm heap is back at `baseline` (the allocator may keep a few hundred bytes of slack). */
export function assertHeapBack(trickle, baseline) {
  const now = trickle.stats().heapBytesInUse;
  assert.ok(now - baseline <= 1024, `heap ${baseline} -> ${now} bytes`);
}
