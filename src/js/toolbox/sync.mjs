// Synchronization: asyncio's Semaphore, Lock, Event and Queue, for promises.
import { abortReason, checkCount, readOptions } from '../internal/checks.mjs';
import { park, raceAbort } from './abort.mjs';

const ended = () => ({ value: undefined, done: true });

/** asyncio.Semaphore: at most `value` holders at once; waiters are served first come, first served. */
export class Semaphore {
  #value;
  #waiters = [];

  constructor(value = 1) {
    checkCount('Semaphore', 'value', value, 0, true);
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
    if (signal?.aborted) return Promise.reject(abortReason(signal));
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
    checkCount('AsyncQueue', 'maxSize', maxSize, 1, true);
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
    if (signal?.aborted) return Promise.reject(abortReason(signal));
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
    if (signal?.aborted) return Promise.reject(abortReason(signal));
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

