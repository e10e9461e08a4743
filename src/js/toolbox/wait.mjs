// asyncio.wait, for promises.
import { abortReason, checkDelay, describe, isThenable, readOptions, toList } from '../internal/checks.mjs';
import { checkClock } from '../internal/clock.mjs';
import { listen, noop } from './abort.mjs';

const WAIT_MODES = ['first', 'first-error', 'all'];

/**
 * asyncio.wait: waits for some of the given promises and resolves with `{ done, pending }`,
 * two Sets holding the very promises given. `return`: 'all' (default), 'first' (at least
 * one settled) or 'first-error' (one rejected, or all settled). After `timeoutMs` it
 * resolves with what has settled by then, without an error. A thenable whose then() throws
 * counts as failed, as Promise.allSettled counts it. Nothing is cancelled: pending
 * promises go on, and an abort only stops the waiting. Like asyncio.wait, which takes tasks,
 * not coroutines, it takes promises: make one of a stream with collect(stream, { signal }).
 */
export function wait(promises, options) {
  return new Promise((resolve, reject) => {
    const { signal, return: when = 'all', timeoutMs = Infinity, clock } = readOptions('wait', options, ['signal', 'return', 'timeoutMs', 'clock']);
    const timers = checkClock('wait', clock);
    if (!WAIT_MODES.includes(when)) {
      throw new RangeError(`wait: return must be ${WAIT_MODES.map((mode) => `'${mode}'`).join(', ')}; got ${describe(when)}`);
    }
    checkDelay('wait', 'timeoutMs', timeoutMs, true);
    const pending = new Set(toList('wait', promises));
    for (const promise of pending) {
      if (!isThenable(promise)) {
        throw new TypeError(`wait: expected promises, got ${describe(promise)} (make a promise of a stream with collect(stream))`);
      }
    }
    if (signal?.aborted) throw abortReason(signal);

    const done = new Set();
    let settled = false;
    const finish = () => {
      settled = true;
      stop();
      cancelTimer();
      resolve({ done, pending });
    };
    const stop = listen(signal, (reason) => {
      settled = true;
      cancelTimer();
      reject(reason);
    });
    const cancelTimer = timeoutMs === Infinity || pending.size === 0 ? noop : timers.setTimer(finish, timeoutMs);
    if (pending.size === 0) {
      finish(); // unlike Promise.race([]), which never settles
      return;
    }
    const onSettled = (promise, failed) => {
      if (settled) return; // the sets handed out no longer change
      pending.delete(promise);
      done.add(promise);
      if (pending.size === 0 || when === 'first' || (failed && when === 'first-error')) finish();
    };
    // A thenable is subscribed to as await would: a then() that throws has failed (as
    // Promise.allSettled sees it), and only its first call back counts.
    for (const promise of pending) {
      let called = false;
      const settle = (failed) => {
        if (called) return;
        called = true;
        onSettled(promise, failed);
      };
      try {
        promise.then(() => settle(false), () => settle(true));
      } catch {
        settle(true);
      }
    }
  });
}
