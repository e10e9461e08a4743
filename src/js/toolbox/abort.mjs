// Abort plumbing: the few lines every waiting operation of the toolbox is built on. Each
// operation listens to its signal for exactly as long as it waits, and no longer.
import { abortReason } from '../internal/checks.mjs';

export const noop = () => {};

// Calls onAbort(reason) if the signal aborts. Returns the unsubscribe function, which every
// caller runs when its operation settles: no listener outlives the operation it serves.
export function listen(signal, onAbort) {
  if (signal === undefined) return noop;
  const listener = () => onAbort(abortReason(signal));
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

// Settles like `promise`, or rejects with the abort reason if that comes first. The promise
// itself goes on (nothing can cancel a promise); its handlers stay attached so that a
// later rejection is never reported as unhandled.
export function raceAbort(promise, signal) {
  if (signal === undefined) return Promise.resolve(promise);
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      Promise.resolve(promise).catch(noop);
      reject(abortReason(signal));
      return;
    }
    const stop = listen(signal, reject);
    Promise.resolve(promise).then(
      (value) => { stop(); resolve(value); },
      (error) => { stop(); reject(error); },
    );
  });
}

// For code that owns `signal` and makes many waits on it at once (one fan-in, thousands of
// sources): returns race(promise), which settles like raceAbort(promise, signal), through
// one 'abort' listener for all of them. One listener each would make every wait cost more
// the more there are (EventTarget checks its listeners on each add) and make Node warn past
// ten. An operation raced here keeps going after an abort, so use it only for operations
// that belong to the same owner and are dropped with it.
export function sharedAbort(signal) {
  const waiting = new Set();
  signal.addEventListener('abort', () => {
    for (const reject of waiting) reject(abortReason(signal));
    waiting.clear();
  }, { once: true });
  return (promise) => {
    if (signal.aborted) {
      Promise.resolve(promise).catch(noop);
      return Promise.reject(abortReason(signal));
    }
    return new Promise((resolve, reject) => {
      waiting.add(reject);
      Promise.resolve(promise).then(
        (value) => { waiting.delete(reject); resolve(value); },
        (error) => { waiting.delete(reject); reject(error); },
      );
    });
  };
}

// A caller parked in a FIFO (a lock's, a semaphore's or a queue's). Whoever wakes it calls
// waiter.resolve or waiter.reject; an abort takes it out of the line instead.
export function park(line, signal, fields = {}) {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const waiter = {
      ...fields,
      resolve(value) { stop(); resolve(value); },
      reject(error) { stop(); reject(error); },
    };
    const stop = listen(signal, (reason) => {
      line.splice(line.indexOf(waiter), 1);
      reject(reason);
    });
    line.push(waiter);
  });
}

// Calls return() now (a trickle stream is freed inside this call) and gives its settlement,
// errors dropped: whoever closes a source on an abort or a failure has an error to report.
export function close(iterator) {
  try {
    return Promise.resolve(iterator.return?.()).then(noop, noop);
  } catch {
    return Promise.resolve();
  }
}

