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

/**
 * Moves `clock` (a ManualClock) one wake-up at a time until `promise` settles, then gives its
 * value or throws its error. The clock stops at the deadline in whose turn the promise
 * settled, so clock.now() afterwards is exactly when that happened. Fails with a clear
 * error, instead of hanging, when the promise is still pending and no timer is left to run.
 */
export async function runUntilSettled(clock, promise, what = 'the promise') {
  let outcome = null;
  Promise.resolve(promise).then(
    (value) => { outcome = { value }; },
    (error) => { outcome = { error }; },
  );
  const settled = () => {
    if (outcome === null) return false;
    if ('error' in outcome) throw outcome.error;
    return true;
  };
  // A cap on wake-ups, so that a timer that keeps setting itself again (or one that can
  // never run) fails the test instead of hanging it.
  for (let wakeUps = 0; wakeUps < 100_000; wakeUps++) {
    // Some settlements take a few macrotask turns with no timer in between (a fan-in
    // handing a result through its queue, a stream's bridge): give them their turns.
    for (let turn = 0; turn < 20; turn++) {
      if (settled()) return outcome.value;
      await new Promise((resolve) => { setImmediate(resolve); });
    }
    if (settled()) return outcome.value;
    if (!(await clock.advanceToNext())) {
      if (settled()) return outcome.value;
      throw new Error(`${what} is still pending at ${clock.now()} ms on the manual clock, and no timer is left to run`);
    }
  }
  throw new Error(`${what} is still pending at ${clock.now()} ms after 100,000 wake-ups of the manual clock`);
}

/**
 * The first fenced block (```js, or a plain ``` for `fence: ''`) after `marker` in
 * README.md: the README's examples and what they print are what the tests run.
 */
export async function readmeBlock(marker, fence = 'js') {
  const { readFile } = await import('node:fs/promises');
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README.md has a ${marker} marker`);
  const opening = `\`\`\`${fence}\n`;
  const start = readme.indexOf(opening, at);
  assert.ok(start >= 0, `a ${opening.trim()} block follows ${marker}`);
  const from = start + opening.length;
  return readme.slice(from, readme.indexOf('```', from));
}

/**
 * Runs the README's example after `marker` in a fresh Node, with 'trickle' and
 * 'trickle/toolbox' imported from the source tree, and checks it prints the block after
 * `printsMarker`.
 */
export async function assertReadmeExampleRuns(marker, printsMarker) {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const source = (path) => `from '${new URL(`../../src/js/${path}`, import.meta.url)}'`;
  const code = (await readmeBlock(marker))
    .replaceAll("from 'trickle/toolbox'", source('toolbox.mjs'))
    .replaceAll(/from 'trickle\/(answers\/[a-z]+\.mjs)'/g, (_, path) => source(path))
    .replaceAll("from 'trickle'", source('trickle.mjs'));
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code],
    { cwd: new URL('../..', import.meta.url) });
  assert.equal(stdout, await readmeBlock(printsMarker, ''));
}
