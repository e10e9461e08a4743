// trickle/toolbox: Python's asyncio toolbox for JS promises and async iterators, trickle
// streams included.
//
//   import { gather, merge, withTimeout } from 'trickle/toolbox';
//   const [a, b] = await gather([trickle.chat('one'), trickle.chat('two')]);  // chunks of each
//   for await (const { index, value } of merge([trickle.chat('x'), trickle.chat('y')])) ...
//
// The parts, one module each: toolbox/time.mjs (sleep, yieldToEventLoop), toolbox/sync.mjs
// (Semaphore, Lock, AsyncEvent, AsyncQueue), toolbox/guard.mjs (abortable, withTimeout,
// collect, shield), toolbox/fan-in.mjs (merge, asCompleted, gather), toolbox/wait.mjs (wait),
// on the abort plumbing of toolbox/abort.mjs. None of them loads the wasm module.
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
//   aborted, even when the operation could complete at once (a free permit, a set event):
//   unlike a stopped C++ coroutine, a call has no later wait that would report the stop
//   (docs/toolbox-semantics.md: the rules shared with the C++ toolbox, and where they part).
//   The listener is removed when the operation settles. Nothing waits forever.
// - Failure is fail-fast, as in Promise.all and asyncio.TaskGroup: the first error closes
//   the siblings and is what you see.
// - Closing is prompt. On a break, a failure, an abort or a timeout, return() is called on
//   every open source at once, before you can see the rejection or leave the loop (a
//   trickle stream is freed inside that call), but it is not waited for: an async generator
//   whose next() is in flight (merge reads ahead) sits in an `await` that nothing in JS can
//   interrupt, and runs its finally blocks when that await ends. Give it the signal.
//   (abortable() and withTimeout() read nothing ahead: their break awaits return(), as a
//   plain loop over the source does.)
// - A source that breaks the iterator protocol (its next() throws or gives something that
//   is not an object, a getter of its result throws, its [Symbol.asyncIterator]() gives no
//   object) fails as it fails a for-await loop, with the same error, as a rejection: never a
//   synchronous throw from next(), never a loop on a bad result. It has ended, as for a
//   loop, so it is not closed; its siblings are.
// - Our iterators end once, like generators: after `done` or one rejection, next() keeps
//   answering `{ value: undefined, done: true }`.
// - Time. sleep, withTimeout and wait run on the event loop's clock unless given `clock`:
//   a ManualClock (or trickle.clock of an instance made with one) makes them wait for
//   clock.advance() instead of real time.

import { ManualClock } from './internal/clock.mjs';
import { abortable, collect, shield, withTimeout } from './toolbox/guard.mjs';
import { asCompleted, gather, merge } from './toolbox/fan-in.mjs';
import { AsyncEvent, AsyncQueue, Lock, QueueClosedError, Semaphore } from './toolbox/sync.mjs';
import { sleep, yieldToEventLoop } from './toolbox/time.mjs';
import { wait } from './toolbox/wait.mjs';

export {
  abortable, asCompleted, AsyncEvent, AsyncQueue, collect, gather, Lock, ManualClock, merge, QueueClosedError,
  Semaphore, shield, sleep, wait, withTimeout, yieldToEventLoop,
};
