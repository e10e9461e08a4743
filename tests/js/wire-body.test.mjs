// The body of a trickle.fetch answer as a byte stream: when its first bytes come, that a
// failure never throws away bytes that came before it, and that an abort reaches the
// stream however long the answer takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import createTrickle from '../../src/js/trickle.mjs';
import { assertNothingLeft } from './support.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const chatRequest = (extra = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
  ...extra,
});

test('the opening frames (the role, message_start) come with the first piece, at its time, not before', async () => {
  const manual = await createTrickle({ clock: 'manual' });
  for (const [url, opening] of [
    ['https://api.openai.com/v1/chat/completions', /"role":"assistant"/],
    ['https://api.anthropic.com/v1/messages', /^event: message_start/],
  ]) {
    const fetch = manual.createFetch({ reply: () => 'a b', delayMs: 100 });
    const request = chatRequest();
    if (url.includes('anthropic')) {
      request.body = JSON.stringify({ model: 'm', max_tokens: 9, stream: true, messages: [{ role: 'user', content: 'x' }] });
    }
    const response = await fetch(url, request);
    assert.equal(response.status, 200);
    const start = manual.clock.now();
    const reader = response.body.getReader();
    let first = null;
    const reading = reader.read().then((got) => { first = { at: manual.clock.now() - start, text: new TextDecoder().decode(got.value) }; });
    await manual.clock.advance(99);
    assert.equal(first, null, 'nothing before the first piece is due');
    await manual.clock.advance(1);
    await reading;
    assert.equal(first.at, 100);
    assert.match(first.text, opening);
    assert.match(first.text, /"a"/, 'the first piece comes in the same read');
    await reader.cancel();
  }
  assertNothingLeft(manual);
});

test('a dropped connection hands over the bytes that came with it before the network error', async () => {
  const trickle = await createTrickle();
  // At zero delay the three pieces before the drop and the drop itself come in one batch,
  // sliced into many small reads (a pending read takes the first; the rest wait in the
  // stream's queue, which erroring it would empty).
  const fetch = trickle.createFetch({ reply: () => 'p0 p1 p2 p3 p4', delayMs: 0, fault: { disconnectAfter: 3, reslice: { maxBytes: 7 } } });
  const response = await fetch('https://api.openai.com/v1/chat/completions', chatRequest());
  const reader = response.body.getReader();
  let text = '';
  let error = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  } catch (caught) {
    error = caught;
  }
  assert.ok(error instanceof TypeError, `a network error, got ${error}`);
  for (const piece of ['p0', ' p1', ' p2']) assert.ok(text.includes(`"content":"${piece}"`), `${piece} arrived before the drop`);
  assert.ok(!text.includes('p3'));
  assertNothingLeft(trickle);
});

test('an abort reaches the answer even when the Requests that carried its signal are long gone', async () => {
  const trickle = await createTrickle();
  const fetch = trickle.createFetch({ reply: () => 'one two', delayMs: 60_000 });
  const controller = new AbortController();
  // A Request made from a Request with a signal: the chain a server (trickle serve, a
  // Service Worker) builds. Nothing here keeps either Request.
  const response = await fetch(new Request('https://api.openai.com/v1/chat/completions', chatRequest({ signal: controller.signal })));
  const reader = response.body.getReader();
  const read = reader.read();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(trickle.stats().liveStreams, 1);
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  controller.abort(new DOMException('the user went away', 'AbortError'));
  await assert.rejects(read, { name: 'AbortError', message: 'the user went away' });
  assertNothingLeft(trickle);
});
