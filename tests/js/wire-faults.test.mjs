// Every fault in every wire format, through the official clients: what a chat UI built on
// each client meets when the provider fails mid-answer, the connection drops or ends early,
// a frame arrives broken, the stream stalls, or the bytes come in odd pieces. Each client
// must fail loudly where the stream is broken and get the whole answer where it is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle from '../../src/js/trickle.mjs';
import { readers } from './clients.mjs';
import { assertNothingLeft } from './support.mjs';

const trickle = await createTrickle();
const words = Array.from({ length: 12 }, (_, i) => `word${i}`);
const text = words.join(' ');

/** The client's outcome: { text } or { error }. */
async function outcome(reader, fault, options = {}) {
  const fetch = trickle.createFetch({ reply: () => text, delayMs: 0, fault, seed: 11, ...options });
  try {
    const result = await reader.read(fetch);
    return { text: result.text };
  } catch (error) {
    return { error };
  }
}

for (const reader of readers) {
  test(`${reader.name}: a mid-stream error fails the client after the chunks before it`, async () => {
    const got = await outcome(reader, { errorAfter: 4, errorStatus: 529 });
    if (reader.textOnly) {
      // Plain text has no way to say "error" but stopping: the chunks before it, no more.
      assert.equal(got.text, words.slice(0, 4).join(' '));
    } else {
      assert.ok(got.error, `${reader.name} saw no error: ${JSON.stringify(got.text)}`);
    }
    assertNothingLeft(trickle);
  });

  test(`${reader.name}: a dropped connection fails the client`, async () => {
    const got = await outcome(reader, { disconnectAfter: 4 });
    assert.ok(got.error, `${reader.name} saw no error: ${JSON.stringify(got.text)}`);
    assertNothingLeft(trickle);
  });

  test(`${reader.name}: a body cut short never passes for the whole answer`, async () => {
    const got = await outcome(reader, { truncateAfter: 4 });
    // Some clients notice the missing terminator and throw; others hand back what came. None
    // may report the whole text.
    if (got.error === undefined) assert.notEqual(got.text, text, `${reader.name} took a cut body for a whole one`);
    assertNothingLeft(trickle);
  });

  test(`${reader.name}: a malformed frame is refused or loses its piece, never taken as given`, async () => {
    const got = await outcome(reader, { malformedAt: 3 });
    if (got.error === undefined && !reader.textOnly) {
      assert.notEqual(got.text, text, `${reader.name} read a broken frame as if it were whole`);
    }
    assertNothingLeft(trickle);
  });

  test(`${reader.name}: a stall delays the rest without losing anything; odd byte slices lose nothing`, async () => {
    const started = performance.now();
    const stalled = await outcome(reader, { stallAt: 6, stallMs: 120 });
    assert.equal(stalled.text, text);
    assert.ok(performance.now() - started >= 119, 'the stall took its time');
    for (const maxBytes of [1, 3, 9]) {
      const resliced = await outcome(reader, { reslice: { maxBytes } });
      assert.equal(resliced.text, text, `${reader.name}, pieces of up to ${maxBytes} bytes`);
    }
    assertNothingLeft(trickle);
  });
}

test('probabilistic faults strike the same chunk for the same seed', async () => {
  const post = async (seed) => {
    const fetch = trickle.createFetch({ reply: () => text, delayMs: 0, seed, fault: { truncateAfter: { probability: 0.2 } } });
    const response = await fetch('https://mock.test/chat?prompt=x');
    return response.text();
  };
  const a = await post(3);
  assert.equal(await post(3), a);
  assert.notEqual(a, text, 'with p = 0.2 over 12 chunks, seed 3 truncates');
  const seen = new Set();
  for (let seed = 0; seed < 20; seed++) seen.add(await post(seed));
  assert.ok(seen.size > 3, `different seeds strike elsewhere (${seen.size} outcomes)`);
});

test('bad fault options are refused with messages that say what to do', () => {
  const bad = [
    [{ errorAfter: -1 }, RangeError, /chunk index/],
    [{ errorAfter: 'soon' }, TypeError, /chunk index or \{ probability \}/],
    [{ errorAfter: { probability: 2 } }, RangeError, /between 0 \(excluded\) and 1/],
    [{ http: { status: 200 } }, RangeError, /HTTP error status, 400 to 599/],
    [{ http: { status: 429, times: -1 } }, RangeError, /times must be a whole number/],
    [{ reslice: { maxBytes: 0 } }, RangeError, /maxBytes must be a whole number from 1/],
    [{ stallAt: 2, stallMs: -5 }, RangeError, /stallMs/],
    [{ explode: true }, TypeError, /unknown option "explode"/],
  ];
  for (const [fault, kind, message] of bad) {
    assert.throws(() => trickle.createFetch({ fault }), (error) => error instanceof kind && message.test(error.message), JSON.stringify(fault));
  }
});
