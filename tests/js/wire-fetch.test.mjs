// trickle.fetch against the official client libraries: each client, pointed at a fetch made
// by trickle.createFetch(), gets the reply's answer back (its text, its reasoning as
// reasoning, its tool calls with their full arguments, its usage), streamed and not, whole
// and with the body cut into 1-9-byte pieces; HTTP faults become each client's own error
// class; aborts free the C++ stream; bad requests get the format's own 4xx; a string body reaches
// the reply as request.text() gives it, and a body cancelled before its start never starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import createTrickle from '../../src/js/trickle.mjs';
import { defaultMessages, readers } from './clients.mjs';
import { assertNothingLeft, assertReadmeExampleRuns } from './support.mjs';

const trickle = await createTrickle();

const answer = {
  text: 'Hello, "wörld"! 你好 😀\nA line\u2028and a tab\there.',
  reasoning: 'The user greets me.\nI greet back.',
  toolCalls: [
    { id: 'call_weather', name: 'get_weather', arguments: { city: 'Paris', units: ['°C'] } },
    { id: 'call_time', name: 'get_time', arguments: '{}' },
  ],
};
const textOnly = { text: answer.text };

function check(reader, result, given) {
  assert.equal(result.text, given.text, `${reader.name}: text`);
  if (reader.reasoning && given.reasoning) assert.equal(result.reasoning, given.reasoning, `${reader.name}: reasoning`);
  if (!reader.textOnly && given.toolCalls) {
    assert.deepEqual(result.toolCalls.map((call) => [call.name, call.input]),
      [['get_weather', { city: 'Paris', units: ['°C'] }], ['get_time', {}]], `${reader.name}: tool calls`);
    if (reader.toolIds) assert.deepEqual(result.toolCalls.map((call) => call.id), ['call_weather', 'call_time']);
  }
  if (!reader.textOnly && !reader.uiUsage) assert.ok(result.usage?.outputTokens > 0, `${reader.name}: usage ${JSON.stringify(result.usage)}`);
}

for (const reader of readers) {
  const given = reader.textOnly ? textOnly : answer;
  test(`${reader.name} reads trickle.fetch's answer, streamed and in 1-9-byte pieces`, async () => {
    const fetch = trickle.createFetch({ reply: () => given, delayMs: 0 });
    check(reader, await reader.read(fetch), given);
    const resliced = trickle.createFetch({ reply: () => given, delayMs: 0, fault: { reslice: { maxBytes: 9 } }, seed: 5 });
    check(reader, await reader.read(resliced), given);
    assertNothingLeft(trickle);
  });
  if (reader.body) {
    test(`${reader.name} reads trickle.fetch's whole body (stream: false)`, async () => {
      check(reader, await reader.read(trickle.createFetch({ reply: () => given, delayMs: 0 }), { stream: false }), given);
      assertNothingLeft(trickle);
    });
  }
  test(`${reader.name}: an HTTP fault becomes the client's own error (429, 500, 529)`, async () => {
    for (const status of [429, 500, 529]) {
      const fetch = trickle.createFetch({ reply: () => given, delayMs: 0, fault: { http: { status } } });
      await assert.rejects(reader.read(fetch), (error) => reader.httpError(error, status), `${reader.name} ${status}`);
    }
  });
}

test('the default reply is the lesson\'s chat answer to the last user message', async () => {
  const result = await readers[0].read(trickle.createFetch({ delayMs: 0 }));
  assert.equal(result.text, trickle.chatText('Say something.'));
});

test('the OpenAI client retries a 429 (with Retry-After) and succeeds when the fault happens once', async () => {
  let requests = 0;
  const fetch = trickle.createFetch({ reply: () => 'second time lucky', delayMs: 0, fault: { http: { status: 429, retryAfterS: 0, times: 1 } } });
  const counting = (input, init) => { requests += 1; return fetch(input, init); };
  const client = new OpenAI({ apiKey: 'x', baseURL: 'https://mock.test/v1', fetch: counting, maxRetries: 2 });
  const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(completion.choices[0].message.content, 'second time lucky');
  assert.equal(requests, 2);
});

test('a mid-stream error fault reaches the client as the format\'s error, after the chunks before it', async () => {
  const fetch = trickle.createFetch({ reply: () => 'one two three four', delayMs: 0, fault: { errorAfter: 2, errorStatus: 529 } });
  const anthropic = readers.find((r) => r.format === 'anthropic');
  await assert.rejects(anthropic.read(fetch), /Overloaded/);
  const response = await fetch('https://mock.test/v1/chat/completions', {
    method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
  });
  const body = await response.text();
  assert.match(body, /"content":"one"/);
  assert.match(body, /"content":" two"/);
  assert.doesNotMatch(body, /three/);
  assert.match(body, /"error":\{/);
  assertNothingLeft(trickle);
});

test('truncate ends the body without its terminator; disconnect errors it like a dropped connection', async () => {
  const post = (fetch) => fetch('https://mock.test/v1/chat/completions', {
    method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
  });
  const cut = await (await post(trickle.createFetch({ reply: () => 'a b c', delayMs: 0, fault: { truncateAfter: 1 } }))).text();
  assert.match(cut, /"content":"a"/);
  assert.doesNotMatch(cut, /\[DONE\]/);
  const dropped = await post(trickle.createFetch({ reply: () => 'a b c', delayMs: 0, fault: { disconnectAfter: 1 } }));
  await assert.rejects(dropped.text(), { name: 'TypeError', message: /network error/ });
  assertNothingLeft(trickle);
});

test('an abort stops the body with the signal\'s reason and frees the C++ stream at once', async () => {
  // The first word (and the role delta with it) at 5 ms, the next a minute later.
  const fetch = trickle.createFetch({ reply: () => 'one two three four five', ttftMs: 5, delayMs: 60_000 });
  const controller = new AbortController();
  const response = await fetch('https://mock.test/v1/chat/completions', {
    method: 'POST', signal: controller.signal,
    body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
  });
  const reader = response.body.getReader();
  const first = await reader.read(); // the role delta and the first word
  assert.equal(first.done, false);
  assert.equal(trickle.stats().liveStreams, 1);
  const pending = reader.read();
  controller.abort(new Error('user pressed stop'));
  await assert.rejects(pending, { message: 'user pressed stop' });
  assertNothingLeft(trickle);
  // Cancelling the body frees it too.
  const other = await fetch('https://mock.test/api/chat', {
    method: 'POST', body: JSON.stringify({ model: 'llama', messages: [{ role: 'user', content: 'x' }] }),
  });
  const otherReader = other.body.getReader();
  const firstLine = otherReader.read();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(trickle.stats().liveStreams, 1);
  await otherReader.cancel();
  await firstLine;
  assertNothingLeft(trickle);
});

test('bad requests get a 4xx in the format\'s own shape, and never throw out of fetch', async () => {
  const fetch = trickle.fetch;
  const notJson = await fetch('https://mock.test/v1/messages', { method: 'POST', body: '{ nope' });
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).type, 'error');
  const missing = await fetch('https://mock.test/v1/chat/completions', { method: 'POST', body: JSON.stringify({ messages: [] }) });
  assert.equal(missing.status, 400);
  assert.match((await missing.json()).error.message, /model/);
  const gemini = await fetch('https://mock.test/v1beta/models/g:generateContent', { method: 'POST', body: '{"contents":[]}' });
  assert.equal(gemini.status, 400);
  assert.equal((await gemini.json()).error.status, 'INVALID_ARGUMENT');
  const unknown = await fetch('https://mock.test/v1/embeddings', { method: 'POST', body: '{}' });
  assert.equal(unknown.status, 404);
  const wrongMethod = await fetch('https://mock.test/v1/chat/completions');
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.get('allow'), 'POST');
  const thrower = trickle.createFetch({ reply: () => { throw new Error('my reply broke'); } });
  const broken = await thrower('https://mock.test/v1/chat/completions', {
    method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
  });
  assert.equal(broken.status, 500);
  assert.match((await broken.json()).error.message, /my reply broke/);
  const notAnAnswer = trickle.createFetch({ reply: () => ({ text: 5 }) });
  const refused = await notAnAnswer('https://mock.test/v1/chat/completions', {
    method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
  });
  assert.equal(refused.status, 500);
  assert.match((await refused.json()).error.message, /answer\.text must be a string/);
  await assert.rejects(fetch('not a url'), TypeError);
  assert.equal(defaultMessages[429], 'Rate limit reached. Please try again later.');
  assertNothingLeft(trickle);
});

test('chunks arrive on the fetch\'s schedule: a manual clock sees every frame at its deadline', async () => {
  const manual = await createTrickle({ clock: 'manual' });
  const fetch = manual.createFetch({ reply: () => 'a b c', delayMs: 100 });
  const response = await fetch('https://mock.test/chat?prompt=x');
  assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8');
  const seen = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const bytes of response.body) seen.push([manual.clock.now(), decoder.decode(bytes)]);
  })();
  await manual.clock.runAll();
  await reading;
  assert.deepEqual(seen, [[100, 'a'], [200, ' b'], [300, ' c']]);
});

test('trickle.response() and stream.toReadableStream() speak every format for routes you write yourself', async () => {
  const response = await trickle.response({ text: 'hi there' }, { format: 'anthropic', delayMs: 0 });
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const body = await response.text();
  assert.match(body, /^event: message_start/);
  assert.match(body, /"text":" there"/);
  assert.match(body, /event: message_stop/);
  const whole = await trickle.response('whole', { format: 'ollama', stream: false, delayMs: 0 });
  assert.equal((await whole.json()).message.content, 'whole');
  const stream = trickle.stream('streamed as text', { delayMs: 0 });
  const readable = stream.toReadableStream({ format: 'plain-text' });
  assert.equal(await new Response(readable).text(), 'streamed as text');
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
  await assert.rejects(trickle.response('x', { format: 'klingon' }), RangeError);
  const read = trickle.stream('a b', { delayMs: 0 });
  await read.next();
  assert.throws(() => read.toReadableStream(), { name: 'TypeError', message: /read already/ });
  await read.return();
  assertNothingLeft(trickle);
});

test('a body from toReadableStream() follows the stream\'s signal before its first read, and while the wire formats load', async () => {
  const fresh = await createTrickle(); // its wire module not loaded yet: the first body waits for it
  const early = new AbortController();
  const unread = fresh.stream('never read', { delayMs: 0, signal: early.signal }).toReadableStream().getReader();
  early.abort(new Error('stopped before any read'));
  await assert.rejects(unread.closed, /stopped before any read/);
  const during = new AbortController();
  const waiting = fresh.stream('x', { delayMs: 0, signal: during.signal }).toReadableStream().getReader();
  const first = waiting.read();
  during.abort(new Error('stopped at the first read'));
  await assert.rejects(first, /stopped at the first read/);
  const aborted = fresh.stream('y', { delayMs: 0, signal: AbortSignal.abort(new Error('aborted already')) }).toReadableStream();
  await assert.rejects(new Response(aborted).text(), /aborted already/);
  await fresh.stream('z', { delayMs: 0 }).toReadableStream().cancel();
  const kept = new AbortController();
  assert.equal(await new Response(fresh.stream('still fine', { delayMs: 0, signal: kept.signal }).toReadableStream()).text(), 'still fine');
  assertNothingLeft(fresh);
});

test('the README\'s fetch example runs and prints what it says', async () => {
  await assertReadmeExampleRuns('<!-- fetch-example -->', '<!-- fetch-prints -->');
});

test('the README\'s chat UI test runs: thinking before the first token, the whole text, an error half-way', async () => {
  await assertReadmeExampleRuns('<!-- ui-test-example -->', '<!-- ui-test-prints -->');
});

test('a string body reaches the reply exactly as request.text() would give it, however it is passed', async () => {
  const seen = [];
  const fetch = trickle.createFetch({ delayMs: 0, reply: ({ lastUserText }) => { seen.push(lastUserText); return 'ok'; } });
  const url = 'https://api.openai.com/v1/chat/completions';
  const body = (content) => `{"model":"m","stream":false,"messages":[{"role":"user","content":"${content}"}]}`;
  const send = async (init) => {
    const response = await fetch(url, init);
    assert.equal(response.status, 200, await response.clone().text());
    await response.text();
  };
  await send({ method: 'POST', body: body('plain') });
  // text() drops byte order marks (JSON.parse would refuse one) and turns a lone surrogate
  // into U+FFFD (JSON.parse would keep it).
  await send({ method: 'POST', body: `\uFEFF${body('marked')}` });
  await send({ method: 'POST', body: body('a\uD800b') });
  await send({ method: 'POST', body: body('\uDC00') });
  // A body behind a getter is read once, by the Request; an init that is not a plain
  // object, and a Request as input, give the same text.
  let reads = 0;
  await send({ method: 'POST', get body() { reads++; return body('getter'); } });
  assert.equal(reads, 1);
  class Init {
    method = 'POST';
    body = body('class');
  }
  await send(new Init());
  const request = new Request(url, { method: 'POST', body: body('request') });
  const response = await fetch(request);
  await response.text();
  assert.deepEqual(seen, ['plain', 'marked', 'a\uFFFDb', '\uFFFD', 'getter', 'class', 'request']);
  // fetch's own refusals stand: no body on a GET or a HEAD.
  await assert.rejects(fetch(url, { method: 'GET', body: body('x') }), TypeError);
  await assert.rejects(fetch(url, { method: 'head', body: body('x') }), TypeError);
  assertNothingLeft(trickle);
});

test('a body cancelled in the job that first read it never starts its answer', async () => {
  const fetch = trickle.createFetch({ reply: () => 'one two three', delayMs: 5 });
  const url = 'https://api.openai.com/v1/chat/completions';
  const init = { method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }) };
  const [kept, cancelled, aborted] = await Promise.all([fetch(url, init), fetch(url, init), fetch(url, init)]);
  const controller = new AbortController();
  const abortable = await fetch(url, { ...init, signal: controller.signal });
  const readers = [kept, cancelled, aborted, abortable].map((response) => response.body.getReader());
  const firsts = readers.map((reader) => reader.read());
  // In the same job: the answers are queued to start together at its end.
  const cancelling = readers[1].cancel();
  controller.abort(new Error('stopped before it started'));
  await cancelling;
  assert.deepEqual(await firsts[1], { value: undefined, done: true });
  await assert.rejects(firsts[3], { message: 'stopped before it started' });
  assert.equal(trickle.stats().liveStreams, 2, 'the two bodies still being read started');
  await readers[2].cancel();
  await firsts[2];
  let text = '';
  const decoder = new TextDecoder();
  for (let read = await firsts[0]; !read.done; read = await readers[0].read()) text += decoder.decode(read.value, { stream: true });
  assert.match(text, /"content":" three"[\s\S]*data: \[DONE\]\n\n$/);
  assertNothingLeft(trickle);
});
