// The limits: what happens when a text is too long, when wasm memory runs out, and when user
// code runs in the middle of a delivery. In a file of its own: the wasm memory grown here to
// its 2 GiB stays grown for the life of the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle, { MAX_TEXT_LENGTH } from '../../src/js/trickle.mjs';
import { assertNothingLeft, collect } from './support.mjs';

async function stillWorks(trickle) {
  assert.deepEqual(await collect(trickle.stream('still works', { delayMs: 0 })), ['still', 'works']);
  assertNothingLeft(trickle);
}

test('a text longer than MAX_TEXT_LENGTH is a RangeError that names the limit, before anything is allocated', async () => {
  const trickle = await createTrickle();
  const before = trickle.stats().heapBytesInUse;
  const tooLong = 'x'.repeat(MAX_TEXT_LENGTH + 1);
  assert.throws(() => trickle.stream(tooLong), { name: 'RangeError', message: new RegExp(`the most a stream takes is ${MAX_TEXT_LENGTH}`) });
  assert.throws(() => trickle.chat(tooLong), RangeError);
  assert.throws(() => trickle.chatText(tooLong), RangeError);
  assert.equal(trickle.stats().heapBytesInUse, before);
  await stillWorks(trickle);
});

test('streams whose texts cannot fit in wasm memory together fail to start with a RangeError, and the instance goes on', async () => {
  const trickle = await createTrickle();
  // Six texts of 2^27 units, started in one job: up to 3 bytes per unit each, 2.25 GiB of
  // UTF-8 to write at once, more than wasm's 2 GiB. Nothing may be written anywhere.
  const texts = ['a', 'b', 'c', 'd', 'e', 'f'].map((letter) => letter.repeat(MAX_TEXT_LENGTH));
  const streams = texts.map((text) => trickle.stream(text, { delayMs: 0 }));
  const outcomes = await Promise.allSettled(streams.map((stream) => stream.next()));
  for (const outcome of outcomes) {
    assert.equal(outcome.status, 'rejected');
    assert.equal(outcome.reason.name, 'RangeError');
    assert.match(outcome.reason.message, /not enough WebAssembly memory to start 6 streams/);
  }
  for (const stream of streams) assert.deepEqual(await stream.next(), { value: undefined, done: true });
  await stillWorks(trickle);
});

test('a stream whose own copy of its text finds no memory fails alone; the others of its job start', async () => {
  const trickle = await createTrickle();
  // Three texts of 2^27 three-byte characters: the JS side writes them (1.125 GiB), then
  // each C++ stream copies its own (384 MiB each, kept: they sleep between pieces): the
  // third copy no longer fits.
  const texts = ['界', '世', '语'].map((character) => character.repeat(MAX_TEXT_LENGTH - 5));
  const small = trickle.stream('small one', { delayMs: 1 });
  const streams = [small, ...texts.map((text) => trickle.stream(`${text} tail`, { delayMs: 1 }))];
  const outcomes = await Promise.allSettled(streams.map((stream) => stream.next()));
  assert.deepEqual(outcomes[0], { status: 'fulfilled', value: { value: 'small', done: false } });
  const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
  assert.ok(failed.length >= 1, 'at least one copy did not fit');
  for (const outcome of failed) {
    assert.equal(outcome.reason.name, 'RangeError');
    assert.match(outcome.reason.message, /memory/);
  }
  // Those that started read on, whole.
  for (const [i, outcome] of outcomes.entries()) {
    if (i === 0 || outcome.status !== 'fulfilled') continue;
    assert.equal(outcome.value.value.length, MAX_TEXT_LENGTH - 5);
    assert.deepEqual(await streams[i].next(), { value: 'tail', done: false });
    await streams[i].return();
  }
  assert.deepEqual(await collect(small), ['one']);
  await stillWorks(trickle);
});

test('user code run from a delivery (a signal\'s removeEventListener) cannot start streams over the records being read', async () => {
  const trickle = await createTrickle({ clock: 'manual' });
  let late = null;
  // Duck-typed: trickle calls its methods directly, so user code runs inside the delivery.
  const signal = {
    aborted: false,
    addEventListener() {},
    removeEventListener() {
      late = trickle.stream('late arrival', { delayMs: 0 });
      late.next();
      trickle.stats(); // which starts queued streams, outside a delivery
    },
  };
  const ending = trickle.stream('only', { delayMs: 10, signal });
  const first = ending.next();
  const done = ending.next(); // settled in the same delivery: the signal is let go there
  const others = Array.from({ length: 20 }, (_, i) => trickle.stream(`o${i} p${i}`, { delayMs: 10 }));
  const otherFirsts = others.map((stream) => stream.next());
  await trickle.clock.advance(10);
  assert.deepEqual(await first, { value: 'only', done: false });
  assert.deepEqual(await done, { value: undefined, done: true });
  (await Promise.all(otherFirsts)).forEach((result, i) => assert.deepEqual(result, { value: `o${i}`, done: false }));
  const rest = Promise.all(others.map((stream) => collect(stream)));
  await trickle.clock.advance(10);
  (await rest).forEach((chunks, i) => assert.deepEqual(chunks, [`p${i}`]));
  assert.notEqual(late, null);
  assert.deepEqual(await collect(late), ['arrival']);
  assertNothingLeft(trickle);
});
