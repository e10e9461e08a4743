// Streams over pieces given already cut: trickle.stream(['Hel', 'lo'], { offsetsMs }) plays
// a recorded stream back chunk for chunk at its own times (on a manual clock, to the
// millisecond), or on pace or the timing model like any stream; plan() and
// toReadableStream() know the pieces; bad lists are TypeErrors or RangeErrors naming the
// piece, at the call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle, { MAX_TEXT_LENGTH, ManualClock } from '../../src/js/trickle.mjs';
import { assertNothingLeft, collect, runUntilSettled } from './support.mjs';

const trickle = await createTrickle();

/** Every chunk of `stream` with the time it came, counted from the first chunk's clock reading minus `first`. */
async function timed(clock, stream) {
  const seen = [];
  const start = clock.now();
  await runUntilSettled(clock, (async () => {
    for await (const chunk of stream) seen.push([clock.now() - start, chunk]);
  })(), 'the stream');
  return seen;
}

// A recorded OpenAI-like stream: its deltas and when each came, in ms after the request.
const RECORDED = {
  pieces: ['The', ' capital', ' of', ' France', ' is', ' Paris', ' 🇫🇷', '.'],
  offsetsMs: [312, 340, 340, 371.5, 398, 420, 420, 903],
};

test('pieces with offsets come exactly as recorded: each at its offset after the first next(), equal offsets together', async () => {
  const clock = new ManualClock();
  const manual = await createTrickle({ clock });
  const stream = manual.stream(RECORDED.pieces, { offsetsMs: RECORDED.offsetsMs });
  assert.deepEqual(await stream.plan(), RECORDED.offsetsMs);
  const seen = await timed(clock, stream);
  assert.deepEqual(seen, RECORDED.pieces.map((piece, i) => [RECORDED.offsetsMs[i], piece]));
  // The same list again, from its own first next(): the same times.
  assert.deepEqual(await timed(clock, manual.stream(RECORDED.pieces, { offsetsMs: RECORDED.offsetsMs })), seen);
  // A suffix after each piece, as for any stream.
  const suffixed = await timed(clock, manual.stream(['a', 'b'], { offsetsMs: [0, 5], suffix: '|' }));
  assert.deepEqual(suffixed, [[0, 'a|'], [5, 'b|']]);
  assertNothingLeft(manual);
});

test('pieces without offsets keep the pace or the timing model, each piece one unit', async () => {
  const clock = new ManualClock();
  const manual = await createTrickle({ clock });
  const paced = await timed(clock, manual.stream(['one', ' two', ' three'], { delayMs: 40 }));
  assert.deepEqual(paced, [[40, 'one'], [80, ' two'], [120, ' three']]);
  // 20 tokens a second, a piece a token whatever its length: 50 ms each.
  const rated = manual.stream(['a', 'bbbbbbbb', 'c'], { tokensPerSecond: 20 });
  assert.deepEqual(await rated.plan(), [50, 100, 150]);
  assert.deepEqual(await timed(clock, rated), [[50, 'a'], [100, 'bbbbbbbb'], [150, 'c']]);
  // Characters a second charge each piece its length.
  const byChars = manual.stream(['a', 'bbbb', 'cc'], { charsPerSecond: 100 });
  assert.deepEqual(await byChars.plan(), [10, 50, 70]);
  // The lesson's default pace: a piece every 500 ms.
  assert.deepEqual(await manual.stream(['x', 'y']).plan(), [500, 1000]);
  assertNothingLeft(manual);
});

test('the chunks are the pieces, whole, even where a piece is not a word; an empty list ends at once', async () => {
  const pieces = ['你', '好，', '世', '界', ' 👩‍👩‍👧', ' ok', '\n\n', '  spaced  '];
  assert.deepEqual(await collect(trickle.stream(pieces, { delayMs: 0 })), pieces);
  assert.deepEqual(await collect(trickle.stream(pieces, { offsetsMs: pieces.map(() => 0) })), pieces);
  assert.deepEqual(await collect(trickle.stream([], { delayMs: 0 })), []);
  assert.deepEqual(await collect(trickle.stream([], { offsetsMs: [] })), []);
  assert.deepEqual(await trickle.stream([], { offsetsMs: [] }).plan(), []);
  assertNothingLeft(trickle);
});

test('each piece is made well-formed on its own: a surrogate pair split across two pieces becomes two U+FFFD', async () => {
  const high = '😀'.charAt(0);
  const low = '😀'.charAt(1);
  const chunks = await collect(trickle.stream([`a${high}`, `${low}b`, 'c'], { delayMs: 0 }));
  assert.deepEqual(chunks, ['a\uFFFD', '\uFFFDb', 'c']);
  for (const chunk of chunks) assert.ok(chunk.isWellFormed());
});

test('a replayed stream as a response body: each frame at its piece\'s offset, usage counting the pieces', async () => {
  const clock = new ManualClock();
  const manual = await createTrickle({ clock });
  const body = manual.stream(RECORDED.pieces, { offsetsMs: RECORDED.offsetsMs }).toReadableStream({ format: 'openai-chat' });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const start = clock.now();
  const frames = [];
  await runUntilSettled(clock, (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const match of value.matchAll(/"delta":\{"content":"((?:[^"\\]|\\.)*)"\}/g)) {
        frames.push([clock.now() - start, JSON.parse(`"${match[1]}"`)]);
      }
    }
  })(), 'the body');
  assert.deepEqual(frames, RECORDED.pieces.map((piece, i) => [RECORDED.offsetsMs[i], piece]));

  // Without offsets, on the timing model; usage counts one token a piece.
  const text = await new Response(trickle.stream(['Hi', ' there', '!'], { delayMs: 0 }).toReadableStream({ format: 'anthropic' })).text();
  const deltas = [...text.matchAll(/"text_delta","text":"([^"]*)"/g)].map(([, piece]) => piece);
  assert.deepEqual(deltas, ['Hi', ' there', '!']);
  assert.match(text, /"usage":\{"output_tokens":3\}/);
  assertNothingLeft(manual);
});

test('streams of pieces, of tokens and of text started in one job each keep their own lists', async () => {
  // Lists of odd and even lengths, with and without offsets, side by side in wasm memory.
  const streams = [
    trickle.stream(['a', 'b', 'c'], { offsetsMs: [0, 1, 2] }),
    trickle.stream('one two three', { delayMs: 0, split: 'tokens' }),
    trickle.stream(['x', 'yy'], { delayMs: 0 }),
    trickle.stream(['p', 'q', 'r', 's', 't'], { offsetsMs: [0, 0, 1, 1, 3] }),
    trickle.stream('plain words here', { delayMs: 0, tokensPerSecond: 1e6 }),
  ];
  const results = await Promise.all(streams.map(collect));
  assert.deepEqual(results, [
    ['a', 'b', 'c'], ['one', ' two', ' three'], ['x', 'yy'], ['p', 'q', 'r', 's', 't'], ['plain', 'words', 'here'],
  ]);
  assertNothingLeft(trickle);
});

test('a replay can be aborted or returned mid-way, and frees its state', async () => {
  const clock = new ManualClock();
  const manual = await createTrickle({ clock });
  const controller = new AbortController();
  const stream = manual.stream(['a', 'b', 'c'], { offsetsMs: [0, 100, 200], signal: controller.signal });
  const seen = [];
  await assert.rejects(runUntilSettled(clock, (async () => {
    for await (const chunk of stream) {
      seen.push(chunk);
      if (chunk === 'b') controller.abort();
    }
  })()), { name: 'AbortError' });
  assert.deepEqual(seen, ['a', 'b']);
  const returned = manual.stream(['a', 'b'], { offsetsMs: [0, 1000] });
  assert.deepEqual(await runUntilSettled(clock, returned.next()), { value: 'a', done: false });
  await returned.return();
  assertNothingLeft(manual);
});

test('bad pieces and offsets are TypeErrors or RangeErrors at the call, naming what is wrong', () => {
  const throws = (pieces, options, name, message) => assert.throws(() => trickle.stream(pieces, options), { name, message });
  throws(['a', 2], undefined, 'TypeError', /trickle\.stream: pieces\[1\] must be a string, got number 2/);
  throws(['a', , 'c'], undefined, 'TypeError', /pieces\[1\] must be a string, got a hole/); // eslint-disable-line no-sparse-arrays
  throws(['a', null], undefined, 'TypeError', /pieces\[1\] must be a string, got null/);
  throws(['a', ''], undefined, 'RangeError', /pieces\[1\] is empty; a stream yields no empty chunk/);
  throws(['a', 'b'], { offsetsMs: [0] }, 'RangeError', /offsetsMs has 1 entries for 2 pieces/);
  throws(['a', 'b'], { offsetsMs: [10, 5] }, 'RangeError', /offsetsMs\[1\] \(5\) is before offsetsMs\[0\] \(10\)/);
  throws(['a'], { offsetsMs: [-1] }, 'RangeError', /offsetsMs\[0\] must be between 0 and 2147483647, got -1/);
  throws(['a'], { offsetsMs: [NaN] }, 'RangeError', /offsetsMs\[0\] must be between 0 and 2147483647, got NaN/);
  throws(['a'], { offsetsMs: [2 ** 31] }, 'RangeError', /offsetsMs\[0\] must be between/);
  throws(['a'], { offsetsMs: ['5'] }, 'TypeError', /offsetsMs\[0\] must be a number of milliseconds, got the string "5"/);
  throws(['a'], { offsetsMs: 5 }, 'TypeError', /offsetsMs must be an array of milliseconds, one per piece, got number 5/);
  throws(['a'], { split: 'char' }, 'TypeError', /split cuts a text; pieces given as an array are streamed as they are/);
  throws(['a'], { encoding: 'o200k_base' }, 'TypeError', /encoding cuts a text/);
  throws(['a'], { tokensPerChunk: 2 }, 'TypeError', /tokensPerChunk cuts a text/);
  throws(['a'], { offsetsMs: [0], delayMs: 5 }, 'TypeError', /offsetsMs gives each piece's time, so delayMs does not apply/);
  throws(['a'], { offsetsMs: [0], preset: 'gpt-4o' }, 'TypeError', /so preset does not apply/);
  throws(['a'], { offsetsMs: [0], tokensPerSecond: 5 }, 'TypeError', /so tokensPerSecond does not apply/);
  throws(['a'], { offsetz: [0] }, 'TypeError', /unknown option "offsetz"/);
  throws(['a'], 'fast', 'TypeError', /options must be an object/);
  throws(['a'], { delayMs: -1 }, 'RangeError', /delayMs must be between 0/);
  // offsetsMs belongs to pieces; with a text it says so.
  assert.throws(() => trickle.stream('a b', { offsetsMs: [0, 1] }), { name: 'TypeError', message: /offsetsMs is for pieces given as an array/ });
  // Options the pieces do not refuse still work: seed, timeouts, failures.
  assert.equal(trickle.stream(['a'], { offsetsMs: [0], seed: 4 }).seed, 4);
});

test('pieces longer than MAX_TEXT_LENGTH together are a RangeError', () => {
  const half = 'a'.repeat(MAX_TEXT_LENGTH / 2 + 1);
  assert.throws(() => trickle.stream([half, half]), { name: 'RangeError', message: new RegExp(`more than ${MAX_TEXT_LENGTH} UTF-16 units together`) });
});

test('failAfter and timeoutMs work on a replay as on any stream', async () => {
  const clock = new ManualClock();
  const manual = await createTrickle({ clock });
  const seen = [];
  await assert.rejects(runUntilSettled(clock, (async () => {
    for await (const chunk of manual.stream(['a', 'b', 'c'], { offsetsMs: [0, 10, 20], failAfter: 2 })) seen.push(chunk);
  })()), /simulated failure after 2 chunks/);
  assert.deepEqual(seen, ['a', 'b']);
  await assert.rejects(runUntilSettled(clock, collect(manual.stream(['a', 'b'], { offsetsMs: [0, 5000], timeoutMs: 1000 }))),
    { name: 'TimeoutError' });
  assertNothingLeft(manual);
});
