// Running several at once: merge, asCompleted and gather, on one fan-in engine.
import {
  abortReason, checkCount, getAsyncIterator, isAsyncIterable, readIteratorResult, readOptions, toList,
} from '../internal/checks.mjs';
import { close, listen, sharedAbort } from './abort.mjs';
import { once } from './guard.mjs';
import { AsyncQueue, Semaphore } from './sync.mjs';

const ended = () => ({ value: undefined, done: true });

// Opens one item: an async iterable is iterated, anything else is a source of one value.
function open(item, signal) {
  const work = typeof item === 'function' ? item(signal) : item;
  return isAsyncIterable(work)
    ? { iterator: getAsyncIterator(work), isStream: true }
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
  checkCount(where, 'limit', limit, 1, true);
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

  // Iterables given as they are belong to us from now on, started or not: all of them, even
  // when one of them cannot give an iterator (that one's error is thrown, the others closed).
  let unopened = null; // { error } of the first iterable that could not be opened
  const sources = list.map((item) => {
    try {
      return isAsyncIterable(item) ? adopt(open(item)) : null;
    } catch (error) {
      unopened ??= { error };
      return null;
    }
  });
  if (unopened) {
    scope.abort(unopened.error);
    throw unopened.error;
  }
  const unlink = listen(signal, (reason) => scope.abort(reason));
  if (signal?.aborted) scope.abort(abortReason(signal));

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
        const result = readIteratorResult(await untilAborted(source.iterator.next()));
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

