// trickle/toolbox: Python's asyncio toolbox for JS promises and async iterators, trickle
// streams included.
//
//   import { gather, merge, withTimeout } from 'trickle/toolbox';
//   const [a, b] = await gather([trickle.chat('one'), trickle.chat('two')]);  // chunks of each
//   for await (const { index, value } of merge([trickle.chat('x'), trickle.chat('y')])) ...
//
// The contract every export keeps (the README's "asyncio toolbox" section says more):
//
// - Items. A combinator takes an iterable of items. An async iterable gives its chunks; a
//   promise, or any other value, gives its value; a task function `(signal) => either` is
//   called when the item starts, with a signal that aborts when the item is cancelled
//   (pass it on to fetch() and friends: a bare promise cannot be cancelled, only left).
// - Ownership. An async iterable handed to a combinator belongs to it: it runs to its end,
//   or its return() is called, exactly once, even if it never started.
// - Cancellation is an AbortSignal. An abort rejects with `signal.reason` (an AbortError
//   DOMException unless you gave abort() a reason), at once if the signal is already
//   aborted. The listener is removed when the operation settles. Nothing waits forever.
// - Failure is fail-fast, as in Promise.all and asyncio.TaskGroup: the first error closes
//   the siblings and is what you see.
// - Closing is prompt. On a break, a failure, an abort or a timeout, return() is called on
//   every open source at once, before you can see the rejection or leave the loop (a
//   trickle stream is freed inside that call), but it is not waited for: an async generator
//   whose next() is in flight (merge reads ahead) sits in an `await` that nothing in JS can
//   interrupt, and runs its finally blocks when that await ends. Give it the signal.
//   (abortable() and withTimeout() read nothing ahead: their break awaits return(), as a
//   plain loop over the source does.)
// - Our iterators end once, like generators: after `done` or one rejection, next() keeps
//   answering `{ value: undefined, done: true }`.

const MAX_DELAY_MS = 2147483647; // what setTimeout accepts; Infinity means "no timer"
const WAIT_MODES = ['first', 'first-error', 'all'];
const noop = () => {};
const ended = () => ({ value: undefined, done: true });

// ---------------------------------------------------------------------------------------
// Checking input, with messages that say what to do

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string "${value}"`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return isAsyncIterable(value) ? 'an async iterable' : 'an object';
  return `${typeof value} ${String(value)}`;
}

function isAsyncIterable(value) {
  return value != null && typeof value[Symbol.asyncIterator] === 'function';
}

function isThenable(value) {
  return value != null && (typeof value === 'object' || typeof value === 'function')
    && typeof value.then === 'function';
}

function readOptions(where, options, names) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!names.includes(name)) {
      throw new TypeError(`${where}: unknown option "${name}" (known: ${names.join(', ')})`);
    }
  }
  const { signal } = options;
  // Duck-typed rather than instanceof, so a signal from another realm (an iframe) works.
  if (signal !== undefined && !(typeof signal?.addEventListener === 'function' && 'aborted' in signal)) {
    throw new TypeError(`${where}: signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return options;
}

function checkCount(where, name, value, min) {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: ${name} must be a number, got ${describe(value)}`);
  }
  if (value !== Infinity && !(Number.isInteger(value) && value >= min)) {
    throw new RangeError(`${where}: ${name} must be a whole number from ${min}, or Infinity; got ${value}`);
  }
}

function checkDelay(where, name, value) {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: ${name} must be a number of milliseconds, got ${describe(value)}`);
  }
  if (value !== Infinity && !(value >= 0 && value <= MAX_DELAY_MS)) {
    throw new RangeError(`${where}: ${name} must be between 0 and ${MAX_DELAY_MS}, or Infinity; got ${value}`);
  }
}

function toList(where, items) {
  if (typeof items === 'string' || typeof items?.[Symbol.iterator] !== 'function') {
    const hint = isAsyncIterable(items) ? ' (one stream? put it in an array: [stream])' : '';
    throw new TypeError(`${where}: items must be an iterable such as an array, got ${describe(items)}${hint}`);
  }
  return [...items];
}

// ---------------------------------------------------------------------------------------
// Abort plumbing: the few lines every waiting operation below is built on

// Calls onAbort(reason) if the signal aborts. Returns the unsubscribe function, which every
// caller runs when its operation settles: no listener outlives the operation it serves.
function listen(signal, onAbort) {
  if (signal === undefined) return noop;
  const listener = () => onAbort(signal.reason);
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

// Settles like `promise`, or rejects with the abort reason if that comes first. The promise
// itself goes on (nothing can cancel a promise); its handlers stay attached so that a
// later rejection is never reported as unhandled.
function raceAbort(promise, signal) {
  if (signal === undefined) return Promise.resolve(promise);
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      Promise.resolve(promise).catch(noop);
      reject(signal.reason);
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
function sharedAbort(signal) {
  const waiting = new Set();
  signal.addEventListener('abort', () => {
    for (const reject of waiting) reject(signal.reason);
    waiting.clear();
  }, { once: true });
  return (promise) => {
    if (signal.aborted) {
      Promise.resolve(promise).catch(noop);
      return Promise.reject(signal.reason);
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
function park(line, signal, fields = {}) {
  if (signal?.aborted) return Promise.reject(signal.reason);
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
function close(iterator) {
  try {
    return Promise.resolve(iterator.return?.()).then(noop, noop);
  } catch {
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------------------------------
// Event loop: asyncio.sleep

/** asyncio.sleep(ms / 1000): resolves after `ms`; an abort rejects at once. */
export function sleep(ms, options) {
  const { signal } = readOptions('sleep', options, ['signal']);
  checkDelay('sleep', 'ms', ms);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = ms === Infinity ? undefined : setTimeout(() => { stop(); resolve(); }, ms);
    const stop = listen(signal, (reason) => { clearTimeout(timer); reject(reason); });
  });
}

/**
 * asyncio.sleep(0): lets the event loop run one macrotask turn (timers, I/O, input,
 * rendering) before going on. `await null` would not: it only waits for the microtask
 * queue. A MessageChannel message is used rather than setTimeout(0), which browsers clamp
 * to 4 ms once nested and throttle in background tabs.
 */
export function yieldToEventLoop() {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close(); // an open port would keep Node running
      resolve();
    };
    port2.postMessage(null);
  });
}

// ---------------------------------------------------------------------------------------
// Synchronization: Semaphore, Lock, AsyncEvent, AsyncQueue

/** asyncio.Semaphore: at most `value` holders at once; waiters are served first come, first served. */
export class Semaphore {
  #value;
  #waiters = [];

  constructor(value = 1) {
    checkCount('Semaphore', 'value', value, 0);
    this.#value = value;
  }

  /** Permits free right now. */
  get available() {
    return this.#value;
  }

  acquire(options) {
    const { signal } = readOptions('Semaphore.acquire', options, ['signal']);
    // A free permit implies nobody is waiting: release() hands permits straight to waiters.
    if (this.#value > 0 && !signal?.aborted) {
      this.#value -= 1;
      return Promise.resolve();
    }
    return park(this.#waiters, signal);
  }

  // Like asyncio.Semaphore (not BoundedSemaphore), releasing more often than acquiring raises the limit.
  release() {
    const next = this.#waiters.shift();
    if (next) next.resolve();
    else this.#value += 1;
  }

  /** Runs `fn` holding one permit until the promise it returns settles. */
  async run(fn, options) {
    await this.acquire(options);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

/** asyncio.Lock: one holder at a time, first come, first served. A lock is a semaphore of one. */
export class Lock {
  #permit = new Semaphore(1);

  get locked() {
    return this.#permit.available === 0;
  }

  /** Resolves with the release function, which is safe to call more than once. */
  async acquire(options) {
    await this.#permit.acquire(readOptions('Lock.acquire', options, ['signal']));
    let held = true;
    return () => {
      if (held) {
        held = false;
        this.#permit.release();
      }
    };
  }

  async runExclusive(fn, options) {
    const release = await this.acquire(options);
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/**
 * asyncio.Event, named so as not to shadow the DOM's Event: a flag that waiters wait on.
 * set() wakes every waiter; a waiter woken by set() stays woken even if clear() follows.
 */
export class AsyncEvent {
  #isSet = false;
  #wake;
  #woken = new Promise((resolve) => { this.#wake = resolve; });

  get isSet() {
    return this.#isSet;
  }

  set() {
    if (this.#isSet) return;
    this.#isSet = true;
    this.#wake();
  }

  clear() {
    if (!this.#isSet) return;
    this.#isSet = false;
    this.#woken = new Promise((resolve) => { this.#wake = resolve; });
  }

  wait(options) {
    const { signal } = readOptions('AsyncEvent.wait', options, ['signal']);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#isSet) return Promise.resolve();
    return raceAbort(this.#woken, signal);
  }
}

/** What put() on a closed queue, and get() on a closed and empty one, reject with (asyncio.QueueShutDown). */
export class QueueClosedError extends Error {
  constructor(message) {
    super(message);
    this.name = 'QueueClosedError';
  }
}

/**
 * asyncio.Queue with close(): put() waits while the queue is full (backpressure), get()
 * while it is empty; both are first come, first served. After close(), put() fails, and
 * the items already in the queue can still be taken; then get() fails and iteration ends.
 */
export class AsyncQueue {
  #items = [];
  #maxSize;
  #getters = []; // waiting for an item: only while #items is empty
  #putters = []; // waiting for room, each with its item: only while #items is full
  #closed = false;

  constructor(options) {
    const { maxSize = Infinity } = readOptions('AsyncQueue', options, ['maxSize']);
    checkCount('AsyncQueue', 'maxSize', maxSize, 1);
    this.#maxSize = maxSize;
  }

  get size() {
    return this.#items.length;
  }

  get maxSize() {
    return this.#maxSize;
  }

  get closed() {
    return this.#closed;
  }

  put(item, options) {
    const { signal } = readOptions('AsyncQueue.put', options, ['signal']);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(new QueueClosedError('AsyncQueue.put: the queue is closed'));
    if (this.#getters.length > 0) {
      this.#getters.shift().resolve({ value: item, done: false });
      return Promise.resolve();
    }
    if (this.#items.length < this.#maxSize) {
      this.#items.push(item);
      return Promise.resolve();
    }
    return park(this.#putters, signal, { item });
  }

  async get(options) {
    const { signal } = readOptions('AsyncQueue.get', options, ['signal']);
    const result = await this.#take(signal);
    if (result.done) throw new QueueClosedError('AsyncQueue.get: the queue is closed and empty');
    return result.value;
  }

  /** Ends iteration and fails waiting puts; items already queued can still be taken. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const putter of this.#putters.splice(0)) {
      putter.reject(new QueueClosedError('AsyncQueue.put: the queue was closed while this put waited'));
    }
    for (const getter of this.#getters.splice(0)) getter.resolve(ended());
  }

  /**
   * Takes items until the queue is closed and empty. Leaving the loop does not close the
   * queue: other consumers may still be reading it. Close it yourself when you are the last.
   */
  values(options) {
    const { signal } = readOptions('AsyncQueue.values', options, ['signal']);
    const take = () => this.#take(signal);
    return (async function* values() {
      for (let result = await take(); !result.done; result = await take()) yield result.value;
    }());
  }

  [Symbol.asyncIterator]() {
    return this.values();
  }

  #take(signal) {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#items.length > 0) {
      const value = this.#items.shift();
      const putter = this.#putters.shift();
      if (putter) {
        this.#items.push(putter.item);
        putter.resolve();
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#closed) return Promise.resolve(ended());
    return park(this.#getters, signal);
  }
}

// ---------------------------------------------------------------------------------------
// Timeouts and cancellation for one piece of work: abortable, withTimeout, collect, shield

// A promise or a plain value, seen as a source that yields it once.
function once(value) {
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
function guard(iterable, signal, onEnd = noop) {
  const inner = iterable[Symbol.asyncIterator]();
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

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (state === 'aborted') {
        state = 'ended';
        return Promise.reject(signal.reason);
      }
      if (state === 'ended') return Promise.resolve(ended());
      return raceAbort(inner.next(), signal).then(
        (result) => {
          if (result.done) finish('ended');
          return result;
        },
        (error) => {
          if (state === 'ended') return ended(); // the reason went to an earlier next()
          if (state === 'aborted') {
            state = 'ended';
            throw signal.reason;
          }
          finish('ended'); // the source failed, which ended it: nothing to close
          throw error;
        },
      );
    },
    async return(value) {
      const wasOpen = state === 'open';
      finish('ended');
      if (wasOpen && typeof inner.return === 'function') await inner.return();
      return { value, done: true };
    },
  };
}

// The one-item core of abortable() and withTimeout(). `onEnd` runs once, when the work settles.
function guardWork(work, signal, onEnd) {
  if (typeof work === 'function') {
    if (signal?.aborted) {
      onEnd();
      return Promise.reject(signal.reason);
    }
    try {
      work = work(signal);
    } catch (error) {
      onEnd();
      return Promise.reject(error);
    }
  }
  if (isAsyncIterable(work)) return guard(work, signal, onEnd);
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
  const { signal } = readOptions('withTimeout', options, ['signal']);
  checkDelay('withTimeout', 'ms', ms);
  const deadline = new AbortController();
  const timer = ms === Infinity ? undefined : setTimeout(() => {
    deadline.abort(new DOMException(`withTimeout: not finished within ${ms} ms`, 'TimeoutError'));
  }, ms);
  const unlink = listen(signal, (reason) => deadline.abort(reason));
  if (signal?.aborted) deadline.abort(signal.reason);
  return guardWork(work, deadline.signal, () => {
    clearTimeout(timer);
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
  const inner = iterable[Symbol.asyncIterator]();
  const kept = []; // inner.next() results whose callers were sent away by return()
  const waiting = new Set(); // next() calls not settled yet, oldest first
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      const source = kept.length > 0 ? kept.shift() : inner.next();
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

// ---------------------------------------------------------------------------------------
// Running several at once: merge, asCompleted, gather, wait

// Opens one item: an async iterable is iterated, anything else is a source of one value.
function open(item, signal) {
  const work = typeof item === 'function' ? item(signal) : item;
  return isAsyncIterable(work)
    ? { iterator: work[Symbol.asyncIterator](), isStream: true }
    : { iterator: once(work), isStream: false };
}

/*
 * The engine of merge() and asCompleted() (and so of gather()): asyncio's fan-in. One pump
 * per item moves what its source gives into one small AsyncQueue; the consumer reads the
 * queue. The queue holds one entry and a pump holds at most one more, so a slow consumer
 * slows the sources down instead of piling chunks up. With `whole`, a pump gathers its
 * source's chunks and queues them once, at its end: completion order instead of arrival.
 *
 * All pumps share one AbortController, the scope. Aborting it (your signal, the first
 * failure, or the consumer leaving) closes every open source in one synchronous pass. The
 * pumps' waits (a permit, a source's next chunk, room in the queue) all listen to the scope
 * through one listener (sharedAbort): the queue and the permits are the fan-in's own, and
 * are dropped with it.
 */
function fanIn(where, items, options, whole) {
  const { signal, limit = Infinity } = readOptions(where, options, ['signal', 'limit']);
  checkCount(where, 'limit', limit, 1);
  const list = toList(where, items);

  const scope = new AbortController();
  const running = new Set(); // iterators opened and not finished: closed when the scope aborts
  scope.signal.addEventListener('abort', () => {
    for (const iterator of running) close(iterator);
    running.clear();
  }, { once: true });
  const adopt = (source) => {
    if (scope.signal.aborted) close(source.iterator);
    else running.add(source.iterator);
    return source;
  };

  // Iterables given as they are belong to us from now on, started or not.
  const sources = list.map((item) => (isAsyncIterable(item) ? adopt(open(item)) : null));
  const unlink = listen(signal, (reason) => scope.abort(reason));
  if (signal?.aborted) scope.abort(signal.reason);

  const queue = new AsyncQueue({ maxSize: 1 });
  const permits = limit === Infinity ? null : new Semaphore(limit);
  const untilAborted = sharedAbort(scope.signal);
  let failure = null; // { error } of the first source that failed

  async function pump(index) {
    let source = sources[index];
    let holding = false; // a permit, when there is a limit
    const release = () => {
      if (holding) {
        holding = false;
        permits.release();
      }
    };
    try {
      if (permits) {
        await untilAborted(permits.acquire());
        holding = true;
      }
      if (scope.signal.aborted) return; // cancelled before it started: a task is never called
      source ??= adopt(open(list[index], scope.signal));
      const chunks = [];
      for (;;) {
        const result = await untilAborted(source.iterator.next());
        if (result.done) break;
        if (whole) chunks.push(result.value);
        else await untilAborted(queue.put({ index, value: result.value }));
      }
      running.delete(source.iterator);
      release(); // a finished item makes room before its result waits for the consumer
      if (whole) await untilAborted(queue.put({ index, value: source.isStream ? chunks : chunks[0] }));
    } catch (error) {
      if (scope.signal.aborted) return; // stopped from outside; next() reports why
      if (source) running.delete(source.iterator); // it failed, so it has ended: nothing to close
      failure = { error };
      scope.abort(error); // fail fast: close the siblings
    } finally {
      release();
    }
  }
  const pumps = list.map((_, index) => pump(index));
  Promise.all(pumps).then(() => queue.close());

  const taker = queue.values({ signal: scope.signal });
  let finished = false;
  const finish = () => {
    finished = true;
    unlink();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (finished) return Promise.resolve(ended());
      return taker.next().then(
        (result) => {
          if (result.done) finish();
          return result;
        },
        (reason) => {
          if (finished) return ended();
          finish();
          throw failure ? failure.error : reason;
        },
      );
    },
    return(value) {
      if (!finished) {
        finish();
        queue.close(); // next() calls still waiting end as done
        scope.abort(new DOMException(`${where}: the consumer stopped early`, 'AbortError'));
      }
      return Promise.resolve({ value, done: true });
    },
  };
}

/**
 * Fan-in: one async iterator of `{ index, value }` with every chunk of every item, in
 * arrival order (an item that is a promise gives one entry). Sources start at once;
 * `limit` starts at most that many at a time, the others as earlier ones end.
 */
export function merge(items, options) {
  return fanIn('merge', items, options, false);
}

/**
 * asyncio.as_completed: one `{ index, value }` per item, in completion order, the value
 * being the chunks of an async iterable or the value of a promise. `break` closes the rest.
 */
export function asCompleted(items, options) {
  return fanIn('asCompleted', items, options, true);
}

/**
 * asyncio.gather: runs every item at once (or `limit` at a time) and resolves with their
 * results in argument order: the chunks of each async iterable, the value of each promise.
 * The first failure closes the others and rejects; so does an abort.
 */
export async function gather(items, options) {
  const list = toList('gather', items);
  const results = new Array(list.length);
  for await (const { index, value } of fanIn('gather', list, options, true)) results[index] = value;
  return results;
}

/**
 * asyncio.wait: waits for some of the given promises and resolves with `{ done, pending }`,
 * two Sets holding the very promises given. `return`: 'all' (default), 'first' (at least
 * one settled) or 'first-error' (one rejected, or all settled). After `timeoutMs` it
 * resolves with what has settled by then, without an error. Nothing is cancelled: pending
 * promises go on, and an abort only stops the waiting. Like asyncio.wait, which takes tasks,
 * not coroutines, it takes promises: make one of a stream with collect(stream, { signal }).
 */
export function wait(promises, options) {
  return new Promise((resolve, reject) => {
    const { signal, return: when = 'all', timeoutMs = Infinity } = readOptions('wait', options, ['signal', 'return', 'timeoutMs']);
    if (!WAIT_MODES.includes(when)) {
      throw new RangeError(`wait: return must be ${WAIT_MODES.map((mode) => `'${mode}'`).join(', ')}; got ${describe(when)}`);
    }
    checkDelay('wait', 'timeoutMs', timeoutMs);
    const pending = new Set(toList('wait', promises));
    for (const promise of pending) {
      if (!isThenable(promise)) {
        throw new TypeError(`wait: expected promises, got ${describe(promise)} (make a promise of a stream with collect(stream))`);
      }
    }
    if (signal?.aborted) throw signal.reason;

    const done = new Set();
    let settled = false;
    const finish = () => {
      settled = true;
      stop();
      clearTimeout(timer);
      resolve({ done, pending });
    };
    const stop = listen(signal, (reason) => {
      settled = true;
      clearTimeout(timer);
      reject(reason);
    });
    const timer = timeoutMs === Infinity || pending.size === 0 ? undefined : setTimeout(finish, timeoutMs);
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
    for (const promise of pending) {
      promise.then(() => onSettled(promise, false), () => onSettled(promise, true));
    }
  });
}
