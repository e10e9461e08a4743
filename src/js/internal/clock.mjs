// Time for the whole library: what "now" is and how to be called back later. Streams and
// the toolbox's timers (sleep, withTimeout, wait) take it from one of two clocks:
//
//   - the event loop (the default): performance.now() and setTimeout;
//   - a ManualClock: time stands still until the program moves it with advance(), which runs
//     every timer due by then, in order, each at its own time. A test of a chat UI checks a
//     30-second answer in a millisecond, with no fake-timer library.
//
// A clock is any object with now() (milliseconds) and setTimer(callback, delayMs), which
// calls `callback` once, `delayMs` from now, and returns a function that cancels it.
import { checkCount, checkDelay, checkOptionsBag, describe, own } from './checks.mjs';

/**
 * Runs `callback` on the next macrotask; returns a function that cancels it. Node has
 * setImmediate; browsers and workers get a MessageChannel (which, unlike a port in Node,
 * keeps nothing alive), not setTimeout(0), which browsers stretch to 4 ms once nested.
 */
export const runSoon = typeof setImmediate === 'function'
  ? (callback) => {
    const immediate = setImmediate(callback);
    return () => clearImmediate(immediate);
  }
  : (() => {
    const channel = new MessageChannel();
    const queued = [];
    channel.port1.onmessage = () => queued.shift()?.();
    return (callback) => {
      let cancelled = false;
      queued.push(() => { if (!cancelled) callback(); });
      channel.port2.postMessage(null);
      return () => { cancelled = true; };
    };
  })();

/** Resolves on the next macrotask: every microtask queued before it has run by then. */
export function nextMacrotask() {
  return new Promise((resolve) => { runSoon(resolve); });
}

// How early the event loop's clock sets its setTimeout before a deadline, in whole
// milliseconds: timers fire on whole milliseconds of a coarse loop time, up to about 1 ms
// late (or, in Node, early). Waking a little early and finishing on macrotasks (a few
// microseconds each) lands within a fraction of a millisecond of the deadline, never before.
const WAKE_EARLY_MS = 1;
// But polling costs a core while it lasts. When the last timer fired less than this long
// ago, deadlines are coming thick and fast (thousands of streams, each on its own schedule):
// the clock then waits with whole-millisecond timers, never early either, up to about a
// millisecond late, and costs nothing while it waits. (Polling there tripled the CPU of
// 10,000 streams on a timing preset.)
const DENSE_MS = 2;
// Where there is no setImmediate (browsers, workers), the last stretch before a deadline is
// spun through on performance.now() instead of polled on MessageChannel tasks: the thread
// polling between tasks lets whatever else is queued run first, and on a busy machine that
// took 3-25 ms now and then, so that Chromium's p99 lateness of a stream at 5 ms was 3.5-6.2
// ms against 1.0-2.7 spun (scripts/bench --only timing, five runs each, alternating). The
// spin is never longer than this, and only when timers are sparse (a dense run waits on
// timers, as above): the same CPU the polling took, without handing the thread over.
const SPIN_MS = 1.5;
const spinsToFinish = typeof setImmediate !== 'function';

class EventLoopClock {
  #lastFired = -Infinity;

  now() {
    return performance.now();
  }

  setTimer(callback, delayMs) {
    const due = performance.now() + delayMs;
    let cancel = null;
    const fire = (now) => {
      cancel = null;
      this.#lastFired = now;
      callback();
    };
    // `inCallback`: called from a timer or task of the clock's own, never from setTimer()
    // itself, whose caller does not expect the callback before it returns.
    const wait = (now, inCallback) => {
      if (now - this.#lastFired >= DENSE_MS) {
        if (inCallback && spinsToFinish && due - now <= SPIN_MS) {
          let spun = now;
          while (spun < due) spun = performance.now();
          fire(spun);
        } else {
          cancel = runSoon(check);
        }
      } else {
        const timer = setTimeout(check, Math.max(1, Math.ceil(due - now)));
        cancel = () => clearTimeout(timer);
      }
    };
    const check = () => {
      const now = performance.now();
      if (now >= due) fire(now);
      else wait(now, true);
    };
    const early = Math.floor(delayMs) - WAKE_EARLY_MS;
    if (early >= 1) {
      const timer = setTimeout(check, early);
      cancel = () => clearTimeout(timer);
    } else {
      wait(performance.now(), false);
    }
    return () => cancel?.();
  }

  advance() {
    return Promise.reject(new TypeError('clock.advance: this is the event loop\'s clock, which moves by itself; '
      + 'create the instance with createTrickle({ clock: \'manual\' }) to move time yourself'));
  }
}

/** The default clock: performance.now() and setTimeout. */
export const eventLoopClock = Object.freeze(new EventLoopClock());

/**
 * Time that moves only when told. `advance(ms)` resolves once time has reached now + ms and
 * every timer due by then has run, in deadline order (equal deadlines in the order they were
 * set), each with now() reading its own deadline, and once the microtasks each one started
 * have run (a macrotask turn follows each timer): code awaiting a chunk has seen it before
 * the next timer runs. Calls to advance() made while one runs wait their turn.
 */
export class ManualClock {
  #now;
  #timers = []; // { due, sequence, callback }, sorted by due then sequence
  #sequence = 0;
  #turn = Promise.resolve();
  #working = new Set(); // real-time work the timers wait for (waitFor)

  constructor(options) {
    checkOptionsBag('ManualClock', options, ['now']);
    const start = own(options, 'now') ?? 0;
    if (typeof start !== 'number' || !Number.isFinite(start)) {
      throw new TypeError(`ManualClock: now must be a finite number of milliseconds, got ${describe(start)}`);
    }
    this.#now = start;
  }

  now() {
    return this.#now;
  }

  /** Timers set and not yet run or cancelled. */
  get pendingTimers() {
    return this.#timers.length;
  }

  /**
   * Work in real time that the timers depend on (trickle loading its full module, say):
   * advance(), advanceToNext() and runAll() wait for it to settle before they look at the
   * timers, so that what it will schedule is there to run.
   */
  waitFor(promise) {
    const settled = Promise.resolve(promise).then(() => {}, () => {});
    this.#working.add(settled);
    settled.then(() => this.#working.delete(settled));
  }

  setTimer(callback, delayMs) {
    if (typeof callback !== 'function') {
      throw new TypeError(`ManualClock.setTimer: callback must be a function, got ${describe(callback)}`);
    }
    if (typeof delayMs !== 'number' || Number.isNaN(delayMs)) {
      throw new TypeError(`ManualClock.setTimer: delayMs must be a number of milliseconds, got ${describe(delayMs)}`);
    }
    const timer = { due: this.#now + Math.max(0, delayMs), sequence: this.#sequence++, callback };
    const timers = this.#timers;
    // Binary search for the first timer that runs after this one.
    let low = 0;
    let high = timers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (timers[middle].due <= timer.due) low = middle + 1; else high = middle;
    }
    timers.splice(low, 0, timer);
    return () => {
      const at = this.#timers.indexOf(timer);
      if (at !== -1) this.#timers.splice(at, 1);
    };
  }

  /** Moves time forward by `ms`, running every timer due by then (see the class). */
  advance(ms) {
    try {
      checkDelay('ManualClock.advance', 'ms', ms);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#queue(() => this.#runUntil(() => this.#now + ms));
  }

  /**
   * Moves time to the earliest timer's deadline and runs every timer due then (as advance()
   * does). Resolves with true, or with false (time unchanged) when no timer is set: a test
   * can step through a stream one wake-up at a time.
   */
  advanceToNext() {
    return this.#queue(async () => {
      await this.#settle(); // work queued in this job may set the timer we are looking for
      if (this.#timers.length === 0) return false;
      const due = this.#timers[0].due;
      await this.#runUntil(() => Math.max(due, this.#now));
      return true;
    });
  }

  /**
   * Runs timers until none is left, moving time to each one's deadline: a whole stream
   * plays out. Rejects (time stays where it got to) after `maxTimers` timers, default
   * 100,000, in case something keeps setting new ones.
   */
  runAll(options) {
    let maxTimers;
    try {
      checkOptionsBag('ManualClock.runAll', options, ['maxTimers']);
      maxTimers = checkCount('ManualClock.runAll', 'maxTimers', own(options, 'maxTimers') ?? 100_000, 1, true);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#queue(() => this.#runUntil(() => Infinity, maxTimers));
  }

  #queue(work) {
    const run = this.#turn.then(work);
    this.#turn = run.catch(() => {});
    return run;
  }

  // Work queued in this job (a stream's first next() starts at its end), and real-time work
  // (waitFor), comes first.
  async #settle() {
    await nextMacrotask();
    while (this.#working.size > 0) {
      await Promise.all(this.#working);
      await nextMacrotask();
    }
  }

  async #runUntil(targetOf, maxTimers = Infinity) {
    await this.#settle();
    const target = targetOf();
    let ran = 0;
    while (this.#timers.length > 0 && this.#timers[0].due <= target) {
      if (ran++ === maxTimers) {
        throw new RangeError(`ManualClock.runAll: still setting timers after ${maxTimers}; `
          + 'something sets a new timer each time one runs (pass a larger maxTimers if that is intended)');
      }
      const timer = this.#timers.shift();
      if (timer.due > this.#now) this.#now = timer.due;
      timer.callback();
      await this.#settle();
    }
    if (target !== Infinity && target > this.#now) this.#now = target;
  }
}

/** A clock as passed to an option: a ManualClock, trickle's clock, or anything with now() and setTimer(). */
export function isClock(value) {
  return value !== null && typeof value === 'object' && typeof value.now === 'function'
    && typeof value.setTimer === 'function';
}

/** The `clock` option of the toolbox's timers: undefined (the event loop) or a clock. */
export function checkClock(where, clock) {
  if (clock === undefined) return eventLoopClock;
  if (!isClock(clock)) {
    throw new TypeError(`${where}: clock must be a ManualClock or trickle.clock (an object with now() and setTimer()), got ${describe(clock)}`);
  }
  return clock;
}
