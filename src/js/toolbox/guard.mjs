// Timeouts and cancellation for one piece of work: abortable, withTimeout, collect, shield.
import {
  abortReason, checkDelay, describe, getAsyncIterator, isAsyncIterable, isThenable, readIteratorResult, readOptions,
} from '../internal/checks.mjs';
import { checkClock } from '../internal/clock.mjs';
import { close, listen, noop, raceAbort } from './abort.mjs';

const ended = () => ({ value: undefined, done: true });

// A promise or a plain value, seen as a source that yields it once.
export function once(value) {
  let taken = false;
  return {
    next() {
      if (taken) return Promise.resolve(ended());
      taken = true;
      return Promise.resolve(value).then((resolved) => ({ value: resolved, done: false }));
    },
    return: () => Promise.resolve(ended()),
  };
}

// An iterator over `iterable` that an abort ends: the source is closed at once, then the
// abort reason is delivered once (to the oldest waiting next(), or to the next one asked).
// A source that fails in any way (next() throws or rejects, or gives a result that is not
// an object or whose getters throw) has ended, as it ends a for-await loop: the error is
// delivered as a rejection, the listener goes, and there is nothing to close.
export function guard(iterable, signal, onEnd = noop) {
  const inner = getAsyncIterator(iterable);
  let state = 'open'; // 'open' -> 'ended'; or 'open' -> 'aborted' (reason not yet delivered) -> 'ended'
  const finish = (next) => {
    if (state !== 'open') return;
    state = next;
    stop();
    onEnd();
  };
  const abort = () => {
    finish('aborted');
    close(inner);
  };
  const stop = listen(signal, abort);
  if (signal?.aborted) abort();

  const failed = (error) => {
    if (state === 'ended') return ended(); // the reason went to an earlier next()
    if (state === 'aborted') {
      state = 'ended';
      throw abortReason(signal);
    }
    finish('ended');
    throw error;
  };
  const received = (result) => {
    let read;
    try {
      read = readIteratorResult(result);
    } catch (error) {
      return failed(error);
    }
    if (read.done) finish('ended');
    return read;
  };

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (state === 'aborted') {
        state = 'ended';
        return Promise.reject(abortReason(signal));
      }
      if (state === 'ended') return Promise.resolve(ended());
      let step;
      try {
        step = inner.next();
      } catch (error) {
        step = Promise.reject(error);
      }
      return raceAbort(step, signal).then(received, failed);
    },
    // A break from a loop over the source itself would await its return() and refuse a
    // result that is not an object; so does a break from a loop over this.
    async return(value) {
      const wasOpen = state === 'open';
      finish('ended');
      if (wasOpen && typeof inner.return === 'function') {
        const result = await inner.return();
        if (Object(result) !== result) throw new TypeError(`Iterator result ${String(result)} is not an object`);
      }
      return { value, done: true };
    },
  };
}

// The one-item core of abortable() and withTimeout(). `onEnd` runs once, when the work settles.
function guardWork(work, signal, onEnd) {
  if (typeof work === 'function') {
    if (signal?.aborted) {
      onEnd();
      return Promise.reject(abortReason(signal));
    }
    try {
      work = work(signal);
    } catch (error) {
      onEnd();
      return Promise.reject(error);
    }
  }
  try {
    if (isAsyncIterable(work)) return guard(work, signal, onEnd);
  } catch (error) {
    onEnd(); // no iterator to guard: the deadline and the listener go now
    throw error;
  }
  const result = raceAbort(work, signal);
  result.then(onEnd, onEnd);
  return result;
}

/**
 * Makes any promise, async iterable or task function answer to `signal`. An async iterable
 * comes back as an iterator that an abort closes at once; a promise as a promise that an
 * abort rejects at once (the work behind a bare promise goes on: pass a task function
 * `(signal) => fetch(url, { signal })` to stop it too).
 */
export function abortable(work, options) {
  const { signal } = readOptions('abortable', options, ['signal']);
  return guardWork(work, signal, noop);
}

/**
 * asyncio.wait_for / asyncio.timeout: `work` (a promise, an async iterable or a task
 * function) must finish within `ms` from now, or it is closed (its task function's signal
 * aborted) and what you are waiting on rejects with a DOMException named "TimeoutError",
 * the error AbortSignal.timeout() gives. An async iterable comes back as an iterator that
 * hands its chunks on as they come: the deadline is for the whole iteration.
 */
export function withTimeout(work, ms, options) {
  const { signal, clock } = readOptions('withTimeout', options, ['signal', 'clock']);
  const timers = checkClock('withTimeout', clock);
  checkDelay('withTimeout', 'ms', ms, true);
  const deadline = new AbortController();
  const cancel = ms === Infinity ? noop : timers.setTimer(() => {
    deadline.abort(new DOMException(`withTimeout: not finished within ${ms} ms`, 'TimeoutError'));
  }, ms);
  const unlink = listen(signal, (reason) => deadline.abort(reason));
  if (signal?.aborted) deadline.abort(abortReason(signal));
  return guardWork(work, deadline.signal, () => {
    cancel();
    unlink();
  });
}

/** Reads an async iterable to its end and resolves with its chunks; an abort closes it at once. */
export async function collect(iterable, options) {
  const { signal } = readOptions('collect', options, ['signal']);
  if (!isAsyncIterable(iterable)) {
    throw new TypeError(`collect: expected an async iterable, got ${describe(iterable)}`);
  }
  const chunks = [];
  for await (const chunk of guard(iterable, signal)) chunks.push(chunk);
  return chunks;
}

/**
 * asyncio.shield: whoever waits on the result may give up (a timeout, an abort, a failed
 * sibling, a break) without stopping the work itself.
 * - An async iterable comes back as a view whose return() does not close the source. A
 *   chunk that arrives for a next() whose caller gave up is kept for the next next(), so
 *   you can go on reading the view where the other reader stopped. Close the source itself.
 *   Once the source has said done or failed, the view says done and asks it nothing more.
 * - A task function comes back as one called without the cancelling signal.
 * - A promise comes back as a promise that settles like it: nothing here cancels a
 *   promise anyway.
 */
export function shield(work) {
  if (typeof work === 'function') {
    return () => {
      const result = work();
      return isAsyncIterable(result) || isThenable(result) ? shield(result) : result;
    };
  }
  if (isAsyncIterable(work)) return shieldIterable(work);
  if (isThenable(work)) return Promise.resolve(work).then((value) => value);
  throw new TypeError(`shield: expected a promise, an async iterable or a task function, got ${describe(work)}`);
}

function shieldIterable(iterable) {
  const inner = getAsyncIterator(iterable);
  const kept = []; // inner.next() results whose callers were sent away by return()
  const waiting = new Set(); // next() calls not settled yet, oldest first
  let over = false; // the source said done, or failed: like a loop, the view does not ask it again
  // One inner.next() as a promise of a well-formed result: a throw becomes a rejection, a
  // result that breaks the protocol the TypeError for-await would give.
  const step = () => {
    let result;
    try {
      result = Promise.resolve(inner.next());
    } catch (error) {
      result = Promise.reject(error);
    }
    return result.then(
      (value) => {
        let read;
        try {
          read = readIteratorResult(value);
        } catch (error) {
          over = true;
          throw error;
        }
        if (read.done) over = true;
        return read;
      },
      (error) => {
        over = true;
        throw error;
      },
    );
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (kept.length === 0 && over) return Promise.resolve(ended());
      const source = kept.length > 0 ? kept.shift() : step();
      return new Promise((resolve, reject) => {
        const call = { source, resolve };
        waiting.add(call);
        source.then(
          (result) => { if (waiting.delete(call)) resolve(result); },
          (error) => { if (waiting.delete(call)) reject(error); },
        );
      });
    },
    return(value) {
      for (const call of waiting) {
        kept.push(call.source);
        call.resolve(ended());
      }
      waiting.clear();
      return Promise.resolve({ value, done: true });
    },
  };
}

