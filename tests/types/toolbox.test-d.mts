// The types of trickle/toolbox (src/js/toolbox.d.mts) as a user's TypeScript sees them:
// every export and overload, what gather/merge/asCompleted infer from the items they are
// given (Outcome, Chunk), and the mistakes the compiler must refuse. Checked by
// `tsc -p tests/types`; never run.
import type { Trickle, TrickleStream } from '../../src/js/trickle.mjs';
import { ManualClock as TrickleManualClock } from '../../src/js/trickle.mjs';
import {
  abortable, asCompleted, AsyncEvent, AsyncQueue, collect, gather, Lock, ManualClock, merge, QueueClosedError,
  Semaphore, shield, sleep, wait, withTimeout, yieldToEventLoop,
} from '../../src/js/toolbox.mjs';
import type {
  Chunk, ClosingIterator, Clock, Indexed, Item, LimitOptions, Outcome, Outcomes, SignalOptions, Task, TimerOptions,
  WaitOptions,
} from '../../src/js/toolbox.mjs';
import { type Equal, exact, expectType } from './check.mjs';

declare const trickle: Trickle;
declare const stream: TrickleStream;
declare const signal: AbortSignal;
declare const manual: ManualClock;
declare function numbers(): AsyncGenerator<number, void, undefined>;

// ---- What an item gives: Outcome (gather, asCompleted) and Chunk (merge)

exact<Equal<Outcome<TrickleStream>, string[]>>();
exact<Equal<Outcome<AsyncIterable<number>>, number[]>>();
exact<Equal<Outcome<Promise<number>>, number>>();
exact<Equal<Outcome<PromiseLike<Promise<boolean>>>, boolean>>();
exact<Equal<Outcome<string>, string>>();
exact<Equal<Outcome<Task<Promise<Response>>>, Response>>();
exact<Equal<Outcome<(signal: AbortSignal) => TrickleStream>, string[]>>();
exact<Equal<Outcome<() => number>, number>>();
// Unions are taken member by member.
exact<Equal<Outcome<TrickleStream | Promise<number>>, string[] | number>>();

exact<Equal<Chunk<TrickleStream>, string>>();
exact<Equal<Chunk<AsyncGenerator<number>>, number>>();
exact<Equal<Chunk<Promise<Date>>, Date>>();
exact<Equal<Chunk<Task<AsyncIterable<bigint>>>, bigint>>();
exact<Equal<Chunk<(signal: AbortSignal) => Promise<URL>>, URL>>();
exact<Equal<Chunk<TrickleStream | Promise<number>>, string | number>>();

exact<Equal<Outcomes<[TrickleStream, Promise<number>, () => Promise<Date>]>, [string[], number, Date]>>();
exact<Equal<Outcomes<readonly [TrickleStream]>, [string[]]>>();
exact<Equal<Outcomes<[]>, []>>();
expectType<Item>(stream);
expectType<Item>(null);
expectType<Item>(42);
expectType<Item>((taskSignal: AbortSignal) => taskSignal.aborted);

exact<Equal<Task<number>, (signal: AbortSignal) => number>>();
exact<Equal<Task, (signal: AbortSignal) => unknown>>();
exact<Equal<Indexed<string>, { index: number; value: string }>>();
exact<Equal<keyof SignalOptions, 'signal'>>();
exact<Equal<keyof TimerOptions, 'signal' | 'clock'>>();
exact<Equal<keyof LimitOptions, 'signal' | 'limit'>>();
exact<Equal<keyof WaitOptions, 'signal' | 'clock' | 'return' | 'timeoutMs'>>();
exact<Equal<WaitOptions['return'], 'first' | 'first-error' | 'all' | undefined>>();

// ---- gather

export async function gathering() {
  // An array literal is a tuple: each place keeps its own outcome.
  const [a, b, c, d] = await gather([
    trickle.chat('one'),
    Promise.resolve(42),
    (taskSignal: AbortSignal) => fetch('/x', { signal: taskSignal }),
    'plain',
  ]);
  exact<Equal<typeof a, string[]>>();
  exact<Equal<typeof b, number>>();
  exact<Equal<typeof c, Response>>();
  exact<Equal<typeof d, string>>();

  // A task written inline gets its signal typed, even when the result is destructured.
  const [response, [first]] = await gather([
    (taskSignal) => {
      exact<Equal<typeof taskSignal, AbortSignal>>();
      return fetch('/x', { signal: taskSignal });
    },
    (taskSignal) => trickle.chat('x', { signal: taskSignal }),
  ]);
  exact<Equal<typeof response, Response>>();
  exact<Equal<typeof first, string>>();

  const both = await gather([stream, numbers()] as const, { limit: 1, signal });
  exact<Equal<typeof both, [string[], number[]]>>();
  const none = await gather([]);
  exact<Equal<typeof none, []>>();

  // Any other iterable gives an array of one outcome type.
  const many = await gather(new Set([stream, stream]));
  exact<Equal<typeof many, string[][]>>();
  const streams: TrickleStream[] = [stream];
  const fromArray = await gather(streams);
  exact<Equal<typeof fromArray, string[][]>>();
  const mixed: Array<TrickleStream | Promise<number>> = [];
  const fromMixed = await gather(mixed);
  exact<Equal<typeof fromMixed, (string[] | number)[]>>();

  // @ts-expect-error one stream is not a list of items
  await gather(stream);
  // @ts-expect-error limit is a number
  await gather([stream], { limit: '2' });
  // @ts-expect-error gather has no timeout: wrap it in withTimeout
  await gather([stream], { timeoutMs: 10 });
  // @ts-expect-error the signal, not its controller
  await gather([stream], { signal: new AbortController() });
}

// ---- asCompleted and merge

export async function fanningIn() {
  const completed = asCompleted([trickle.chat('a'), Promise.resolve(1)]);
  exact<Equal<typeof completed, ClosingIterator<Indexed<string[] | number>>>>();
  for await (const { index, value } of completed) {
    exact<Equal<typeof index, number>>();
    exact<Equal<typeof value, string[] | number>>();
  }
  for await (const entry of asCompleted([stream], { limit: 2, signal })) {
    exact<Equal<typeof entry.value, string[]>>();
  }

  const merged = merge([trickle.stream('a b'), numbers(), Promise.resolve(true)], { limit: Infinity });
  exact<Equal<typeof merged, ClosingIterator<Indexed<string | number | boolean>>>>();
  for await (const { index, value } of merged) {
    exact<Equal<typeof index, number>>();
    exact<Equal<typeof value, string | number | boolean>>();
  }
  const next = await merged.next();
  exact<Equal<typeof next, IteratorResult<Indexed<string | number | boolean>, undefined>>>();
  const closed = await merged.return('left');
  exact<Equal<typeof closed, IteratorReturnResult<string>>>();
  exact<Equal<ReturnType<(typeof merged)[typeof Symbol.asyncIterator]>, typeof merged>>();
  for await (const { value } of merge([(s: AbortSignal) => trickle.chat('x', { signal: s })])) {
    exact<Equal<typeof value, string>>();
  }
  for await (const { value } of merge([(s) => fetch('/x', { signal: s }), stream])) {
    exact<Equal<typeof value, Response | string>>();
  }
  for await (const { value } of asCompleted([(s) => fetch('/x', { signal: s })], { limit: 1 })) {
    exact<Equal<typeof value, Response>>();
  }

  // @ts-expect-error one stream is not a list of items
  merge(stream);
  // @ts-expect-error merge has no return option (that is wait's)
  merge([stream], { return: 'first' });
  // @ts-expect-error asCompleted takes no clock
  asCompleted([stream], { clock: manual });
}

// ---- wait

export async function waiting(clock: ManualClock) {
  const first = Promise.resolve(1);
  const second = Promise.resolve('two');
  const { done, pending } = await wait([first, second], { return: 'first', timeoutMs: 100, clock, signal });
  exact<Equal<typeof done, Set<Promise<number> | Promise<string>>>>();
  exact<Equal<typeof pending, Set<Promise<number> | Promise<string>>>>();
  await wait([first], { return: 'first-error' });
  await wait(new Set([first]), { return: 'all' });
  await wait([first], { clock: trickle.clock });

  // @ts-expect-error wait takes promises: make one of a stream with collect()
  await wait([stream]);
  // @ts-expect-error 'any' is not a mode (asyncio's FIRST_COMPLETED is 'first')
  await wait([first], { return: 'any' });
  // @ts-expect-error timeoutMs is a number
  await wait([first], { timeoutMs: '1s' });
  // @ts-expect-error a clock is a ManualClock or trickle.clock
  await wait([first], { clock: { now: () => 0 } });
}

// ---- shield

export async function shielding() {
  const view = shield(stream);
  exact<Equal<typeof view, AsyncIterableIterator<string>>>();
  for await (const chunk of view) exact<Equal<typeof chunk, string>>();

  const value = await shield(Promise.resolve(3));
  exact<Equal<typeof value, number>>();

  const task = shield((taskSignal: AbortSignal) => fetch('/x', { signal: taskSignal }));
  exact<Equal<typeof task, () => Promise<Response>>>();
  const streamTask = shield(() => trickle.chat('x'));
  exact<Equal<typeof streamTask, () => AsyncIterableIterator<string>>>();
  const plainTask = shield(() => 5);
  exact<Equal<typeof plainTask, () => number>>();

  // @ts-expect-error a plain value has nothing to shield
  shield(5);
}

// ---- withTimeout

export async function timingOut(clock: ManualClock) {
  const iterator = withTimeout(stream, 1_000);
  exact<Equal<typeof iterator, ClosingIterator<string>>>();
  for await (const chunk of withTimeout(trickle.chat('x'), 1_000, { clock, signal })) {
    exact<Equal<typeof chunk, string>>();
  }
  const fromTask = withTimeout((s: AbortSignal) => trickle.chat('x', { signal: s }), 10);
  exact<Equal<typeof fromTask, ClosingIterator<string>>>();
  const fetched = withTimeout((s: AbortSignal) => fetch('/x', { signal: s }), 10);
  exact<Equal<typeof fetched, Promise<Response>>>();
  const number = withTimeout(Promise.resolve(1), Infinity);
  exact<Equal<typeof number, Promise<number>>>();
  const plain = withTimeout('ready', 10);
  exact<Equal<typeof plain, Promise<string>>>();
  await withTimeout(gather([stream]), 10, { clock: trickle.clock });

  // @ts-expect-error ms comes before the options
  withTimeout(stream, { timeoutMs: 10 });
  // @ts-expect-error ms is a number
  withTimeout(stream, '10');
  // @ts-expect-error withTimeout has no limit
  withTimeout(stream, 10, { limit: 1 });
  // @ts-expect-error the clock is an object, not a name ('manual' is for createTrickle)
  withTimeout(stream, 10, { clock: 'manual' });
}

// ---- abortable and collect

export async function aborting() {
  const iterator = abortable(stream, { signal });
  exact<Equal<typeof iterator, ClosingIterator<string>>>();
  const fromTask = abortable((s: AbortSignal) => trickle.chat('x', { signal: s }), { signal });
  exact<Equal<typeof fromTask, ClosingIterator<string>>>();
  const fetched = abortable((s: AbortSignal) => fetch('/x', { signal: s }));
  exact<Equal<typeof fetched, Promise<Response>>>();
  const number = abortable(Promise.resolve(1), { signal });
  exact<Equal<typeof number, Promise<number>>>();
  exact<Equal<typeof abortable<string>, {
    (work: AsyncIterable<string>, options?: SignalOptions): ClosingIterator<string>;
    (work: Task<string>, options?: SignalOptions): Promise<string>;
    (work: string | PromiseLike<string>, options?: SignalOptions): Promise<string>;
  }>>();

  const chunks = await collect(stream, { signal });
  exact<Equal<typeof chunks, string[]>>();
  const counted = await collect(numbers());
  exact<Equal<typeof counted, number[]>>();

  // @ts-expect-error abortable takes no clock
  abortable(stream, { clock: manual });
  // @ts-expect-error collect reads async iterables only
  await collect(Promise.resolve([1]));
  // @ts-expect-error collect reads async iterables only (an array is not one)
  await collect(['a']);
}

// ---- Event loop

export async function eventLoop(clock: ManualClock) {
  exact<Equal<ReturnType<typeof sleep>, Promise<void>>>();
  await sleep(10);
  await sleep(Infinity, { signal });
  await sleep(10, { clock });
  await sleep(10, { clock: trickle.clock, signal });
  exact<Equal<ReturnType<typeof yieldToEventLoop>, Promise<void>>>();
  await yieldToEventLoop();

  // @ts-expect-error ms is a number
  await sleep('10');
  // @ts-expect-error sleep's options are an object
  await sleep(10, signal);
  // @ts-expect-error yieldToEventLoop takes nothing
  await yieldToEventLoop(0);
}

// The toolbox's ManualClock is trickle's: one clock for an instance and the toolbox.
exact<Equal<typeof ManualClock, typeof TrickleManualClock>>();
export function sharedClock() {
  const clock: TrickleManualClock = new ManualClock({ now: 5 });
  expectType<Clock>(clock);
  return clock;
}

// ---- Synchronization

export async function synchronizing() {
  const semaphore = new Semaphore(2);
  new Semaphore();
  new Semaphore(Infinity);
  exact<Equal<typeof semaphore.available, number>>();
  exact<Equal<ReturnType<typeof semaphore.acquire>, Promise<void>>>();
  await semaphore.acquire();
  await semaphore.acquire({ signal });
  exact<Equal<ReturnType<typeof semaphore.release>, void>>();
  semaphore.release();
  const ran = await semaphore.run(async () => 'done', { signal });
  exact<Equal<typeof ran, string>>();
  const ranSync = await semaphore.run(() => 4);
  exact<Equal<typeof ranSync, number>>();
  // @ts-expect-error available is read-only
  semaphore.available = 3;
  // @ts-expect-error a count, not an options bag
  new Semaphore({ value: 2 });

  const lock = new Lock();
  exact<Equal<typeof lock.locked, boolean>>();
  const release = await lock.acquire({ signal });
  exact<Equal<typeof release, () => void>>();
  release();
  const inside = await lock.runExclusive(async () => [1, 2], { signal });
  exact<Equal<typeof inside, number[]>>();
  // @ts-expect-error locked is read-only
  lock.locked = false;

  const event = new AsyncEvent();
  exact<Equal<typeof event.isSet, boolean>>();
  event.set();
  event.clear();
  exact<Equal<ReturnType<typeof event.wait>, Promise<void>>>();
  await event.wait({ signal });
  // @ts-expect-error isSet is read-only: call set()
  event.isSet = true;

  const queue = new AsyncQueue<string>({ maxSize: 4 });
  new AsyncQueue();
  new AsyncQueue({});
  exact<Equal<typeof queue.size, number>>();
  exact<Equal<typeof queue.maxSize, number>>();
  exact<Equal<typeof queue.closed, boolean>>();
  await queue.put('a', { signal });
  const item = await queue.get({ signal });
  exact<Equal<typeof item, string>>();
  for await (const queued of queue) exact<Equal<typeof queued, string>>();
  for await (const queued of queue.values({ signal })) exact<Equal<typeof queued, string>>();
  exact<Equal<ReturnType<typeof queue.values>, AsyncGenerator<string, void, undefined>>>();
  queue.close();
  const untyped = new AsyncQueue();
  exact<Equal<Awaited<ReturnType<typeof untyped.get>>, unknown>>();
  // @ts-expect-error a string queue takes strings
  await queue.put(1);
  // @ts-expect-error the option is maxSize
  new AsyncQueue({ size: 1 });
  // @ts-expect-error size is read-only
  queue.size = 0;

  const error = new QueueClosedError('closed');
  new QueueClosedError();
  // @ts-expect-error its constructor would drop the cause
  new QueueClosedError('closed', { cause: error });
  expectType<Error>(error);
  exact<Equal<typeof error.name, 'QueueClosedError'>>();
  try {
    await queue.get();
  } catch (caught) {
    if (caught instanceof QueueClosedError) exact<Equal<typeof caught, QueueClosedError>>();
  }
}
