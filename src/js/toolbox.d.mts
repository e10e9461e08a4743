// Type declarations for trickle/toolbox (hand-written, checked by tests/types; the runtime is toolbox.mjs).
// Python's asyncio toolbox for promises and async iterators, trickle streams included.

import type { Clock } from './trickle.mjs';
export type { Clock };
// The class itself, not only its type: toolbox.mjs exports it as trickle.mjs does.
export { ManualClock } from './trickle.mjs';

export interface SignalOptions {
  /** Aborting it rejects the operation with `signal.reason`, at once if it is already aborted. */
  signal?: AbortSignal;
}

export interface TimerOptions extends SignalOptions {
  /** Whose time to wait on: the event loop's (the default), or a ManualClock (or trickle.clock), which only moves on advance(). */
  clock?: Clock;
}

export interface LimitOptions extends SignalOptions {
  /** At most this many items run at once; the others start, in order, as earlier ones end. Default Infinity. */
  limit?: number;
}

/**
 * Work that starts when a combinator starts it: called with a signal that aborts when the
 * item is cancelled (its siblings failed, you aborted, the consumer left, a timeout).
 * Return a stream, or a promise whose work listens to the signal (`fetch(url, { signal })`).
 */
export type Task<T = unknown> = (signal: AbortSignal) => T;

/**
 * An item of gather, merge or asCompleted: any value (an async iterable, a promise, a task
 * function, anything else). Spelt out so that a task written inline, `(signal) => fetch(url,
 * { signal })`, gets its parameter typed as an AbortSignal.
 */
export type Item = Task | {} | null | undefined;

/** What an item gives as a whole: the chunks of an async iterable, the value of a promise or any other value. A task function is called first. */
export type Outcome<T> =
  T extends AsyncIterable<infer C> ? C[]
  : T extends (signal: AbortSignal) => infer R ? (R extends AsyncIterable<infer C> ? C[] : Awaited<R>)
  : Awaited<T>;

/** What merge() hands on from an item: each chunk of an async iterable; the value of anything else, once. */
export type Chunk<T> =
  T extends AsyncIterable<infer C> ? C
  : T extends (signal: AbortSignal) => infer R ? (R extends AsyncIterable<infer C> ? C : Awaited<R>)
  : Awaited<T>;

/**
 * gather's result for a list written out: each item's outcome in its place. (A conditional
 * type, so that TypeScript infers the items' types from the items alone: inferred from a
 * destructuring of the result too, `const [a] = await gather([(signal) => ...])` would leave
 * the task's `signal` untyped.)
 */
export type Outcomes<T> = [T] extends [infer L] ? { -readonly [K in keyof L]: Outcome<L[K]> } : never;

export interface Indexed<V> {
  /** The item's position in the iterable given. */
  index: number;
  value: V;
}

/** An async iterator whose return() (what `break` calls) closes what it still runs. */
export interface ClosingIterator<T> extends AsyncIterableIterator<T> {
  next(): Promise<IteratorResult<T, undefined>>;
  return<R>(value?: R): Promise<IteratorReturnResult<R>>;
  [Symbol.asyncIterator](): ClosingIterator<T>;
}

// ---- Running several at once

/**
 * asyncio.gather: runs all items at once (or `limit` at a time); resolves with their
 * outcomes in argument order. The first failure closes the others and rejects with it.
 */
export function gather<T extends readonly Item[] | []>(items: T, options?: LimitOptions): Promise<Outcomes<T>>;
export function gather<T extends Item>(items: Iterable<T>, options?: LimitOptions): Promise<Outcome<T>[]>;

/** asyncio.as_completed: one `{ index, value }` per item, in completion order. `break` closes the rest. */
export function asCompleted<T extends Item>(items: Iterable<T>, options?: LimitOptions): ClosingIterator<Indexed<Outcome<T>>>;

/** Fan-in: every chunk of every item as `{ index, value }`, in arrival order. `break` closes every source. */
export function merge<T extends Item>(items: Iterable<T>, options?: LimitOptions): ClosingIterator<Indexed<Chunk<T>>>;

export interface WaitOptions extends TimerOptions {
  /** 'all' (default, ALL_COMPLETED), 'first' (FIRST_COMPLETED) or 'first-error' (FIRST_EXCEPTION). */
  return?: 'first' | 'first-error' | 'all';
  /** Resolve with what has settled by then, without an error. Default Infinity. */
  timeoutMs?: number;
}

/**
 * asyncio.wait: resolves with the promises given, split into settled (`done`) and not yet
 * (`pending`). Nothing is cancelled; an abort only stops the waiting.
 */
export function wait<P extends PromiseLike<unknown>>(
  promises: Iterable<P>, options?: WaitOptions,
): Promise<{ done: Set<P>; pending: Set<P> }>;

/**
 * asyncio.shield: giving up on the result (a timeout, an abort, a break) does not stop the
 * work. An async iterable comes back as a view whose return() leaves the source open and
 * loses no chunk; a task function as one called without the cancelling signal.
 */
export function shield<T>(work: AsyncIterable<T>): AsyncIterableIterator<T>;
export function shield<R>(work: Task<R>):
  () => R extends AsyncIterable<infer C> ? AsyncIterableIterator<C> : R extends PromiseLike<unknown> ? Promise<Awaited<R>> : R;
export function shield<T>(work: PromiseLike<T>): Promise<T>;

// ---- Timeouts and cancellation

/**
 * asyncio.wait_for / asyncio.timeout: `work` must finish within `ms` from now, or it is
 * closed and the wait rejects with a DOMException named "TimeoutError". An async iterable
 * comes back as an iterator with a deadline for the whole iteration.
 * @throws {RangeError} ms is negative, NaN or above 2147483647 (Infinity means no deadline)
 */
export function withTimeout<T>(work: AsyncIterable<T>, ms: number, options?: TimerOptions): ClosingIterator<T>;
export function withTimeout<R>(work: Task<R>, ms: number, options?: TimerOptions):
  R extends AsyncIterable<infer C> ? ClosingIterator<C> : Promise<Awaited<R>>;
export function withTimeout<T>(work: PromiseLike<T> | T, ms: number, options?: TimerOptions): Promise<Awaited<T>>;

/** Makes a promise, an async iterable or a task function answer to `signal`: an abort closes the iterable, or rejects at once. */
export function abortable<T>(work: AsyncIterable<T>, options?: SignalOptions): ClosingIterator<T>;
export function abortable<R>(work: Task<R>, options?: SignalOptions):
  R extends AsyncIterable<infer C> ? ClosingIterator<C> : Promise<Awaited<R>>;
export function abortable<T>(work: PromiseLike<T> | T, options?: SignalOptions): Promise<Awaited<T>>;

/** Reads an async iterable to its end: its chunks. An abort closes it at once. */
export function collect<T>(iterable: AsyncIterable<T>, options?: SignalOptions): Promise<T[]>;

// ---- Event loop

/** asyncio.sleep(ms / 1000). `ms` may be Infinity: until the signal aborts. */
export function sleep(ms: number, options?: TimerOptions): Promise<void>;

/** asyncio.sleep(0): one macrotask turn (setImmediate in Node, a MessageChannel message elsewhere), so timers, I/O, input and rendering get to run. */
export function yieldToEventLoop(): Promise<void>;

// ---- Synchronization

/** asyncio.Semaphore: at most `value` holders at once, first come, first served. */
export class Semaphore {
  /** @throws {RangeError} value is not a whole number from 0 (or Infinity) */
  constructor(value?: number);
  /** Permits free right now. */
  readonly available: number;
  acquire(options?: SignalOptions): Promise<void>;
  /** Gives a permit back (to the oldest waiter, if any). Like asyncio.Semaphore, extra releases raise the limit. */
  release(): void;
  /** Runs `fn` holding one permit until the promise it returns settles. */
  run<T>(fn: () => T | PromiseLike<T>, options?: SignalOptions): Promise<T>;
}

/** asyncio.Lock: one holder at a time, first come, first served. */
export class Lock {
  readonly locked: boolean;
  /** Resolves with the function that releases the lock (calling it again does nothing). */
  acquire(options?: SignalOptions): Promise<() => void>;
  runExclusive<T>(fn: () => T | PromiseLike<T>, options?: SignalOptions): Promise<T>;
}

/** asyncio.Event (named so as not to shadow the DOM's Event). */
export class AsyncEvent {
  readonly isSet: boolean;
  /** Wakes every waiter; later wait() calls resolve at once until clear(). */
  set(): void;
  clear(): void;
  wait(options?: SignalOptions): Promise<void>;
}

/** What put() on a closed queue, and get() on a closed and empty one, reject with. */
export class QueueClosedError extends Error {
  /** Takes a message only: unlike Error's, its constructor keeps no `cause`. */
  constructor(message?: string);
  name: 'QueueClosedError';
}

/** asyncio.Queue with close(). */
export class AsyncQueue<T = unknown> implements AsyncIterable<T> {
  /** @throws {RangeError} maxSize is not a whole number from 1 (or Infinity, the default) */
  constructor(options?: { maxSize?: number });
  readonly size: number;
  readonly maxSize: number;
  readonly closed: boolean;
  /** Waits while the queue is full. Rejects with QueueClosedError once it is closed. */
  put(item: T, options?: SignalOptions): Promise<void>;
  /** Waits while the queue is empty. Rejects with QueueClosedError once it is closed and empty. */
  get(options?: SignalOptions): Promise<T>;
  /** No more puts (waiting ones reject); queued items can still be taken. */
  close(): void;
  /** Takes items until the queue is closed and empty. Leaving the loop does not close the queue. */
  values(options?: SignalOptions): AsyncGenerator<T, void, undefined>;
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined>;
}
