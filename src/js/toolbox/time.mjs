// asyncio.sleep, on the event loop or on a ManualClock.
import { abortReason, checkDelay, readOptions } from '../internal/checks.mjs';
import { checkClock, nextMacrotask } from '../internal/clock.mjs';
import { listen, noop } from './abort.mjs';

/**
 * asyncio.sleep(ms / 1000): resolves after `ms` on the event loop's clock (or on `clock`, a
 * ManualClock or trickle.clock); an abort rejects at once.
 */
export function sleep(ms, options) {
  const { signal, clock } = readOptions('sleep', options, ['signal', 'clock']);
  const timers = checkClock('sleep', clock);
  checkDelay('sleep', 'ms', ms, true);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const cancel = ms === Infinity ? noop : timers.setTimer(() => { stop(); resolve(); }, ms);
    const stop = listen(signal, (reason) => { cancel(); reject(reason); });
  });
}

/**
 * asyncio.sleep(0): lets the event loop run one macrotask turn (timers, I/O, input,
 * rendering) before going on. `await null` would not: it only waits for the microtask
 * queue. (Not setTimeout(0), which browsers clamp to 4 ms once nested and throttle in
 * background tabs.)
 */
export function yieldToEventLoop() {
  return nextMacrotask();
}
