// Replay's parser against trickle's own frames: for every format, an answer written by the C++
// encoders (through trickle.response, the same path as trickle.fetch) and read back by
// parseTranscript gives the answer again, its chunks as they were cut and, for a timed
// recording, their times. Also what a user pastes from DevTools (CRLF, comments, a lost
// last blank line, a HAR) and what is not a recorded stream at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createTrickle from '../../src/js/trickle.mjs';
import { FORMATS } from '../../src/js/wire/requests.mjs';
import { builtinAnswer } from '../../src/js/answers/builtin.mjs';
import { parseTranscript, recordTranscript } from '../../src/js/answers/transcript.mjs';

const trickle = await createTrickle();

const STREAMED = FORMATS.filter((format) => format !== 'plain-text');
const NO_TOOL_IDS = new Set(['gemini']); // Gemini's function calls carry no id

async function bodyOf(answer, format, options = {}) {
  const response = await trickle.response(answer, { format, delayMs: 0, ...options });
  assert.equal(response.status, 200);
  return response.text();
}

/** What the answer should read back as: its fields, the default finish worked out. */
function expected(answer) {
  const toolCalls = (answer.toolCalls ?? []).map((call) => ({
    id: call.id, name: call.name, arguments: typeof call.arguments === 'string' ? JSON.parse(call.arguments) : call.arguments,
  }));
  return {
    text: answer.text ?? '',
    reasoning: answer.reasoning ?? '',
    toolCalls,
    finishReason: answer.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
  };
}

function assertReadsBack(parsed, answer, format, what) {
  const want = expected(answer);
  assert.equal(parsed.format, format, `${what}: format`);
  assert.equal(parsed.answer.text, want.text, `${what}: text`);
  assert.equal(parsed.answer.reasoning, want.reasoning, `${what}: reasoning`);
  assert.equal(parsed.answer.finishReason, want.finishReason, `${what}: finish`);
  assert.deepEqual(parsed.answer.toolCalls.map((call) => [call.name, JSON.parse(call.arguments)]),
    want.toolCalls.map((call) => [call.name, call.arguments]), `${what}: tool calls`);
  if (!NO_TOOL_IDS.has(format)) assert.deepEqual(parsed.answer.toolCalls.map((call) => call.id), want.toolCalls.map((call) => call.id), `${what}: tool ids`);
  assert.equal(parsed.complete, true, `${what}: complete`);
  assert.equal(parsed.error, undefined);
  // The chunks are the answer, cut: each kind joins into its field, in stream order.
  const joined = (kind, tool) => parsed.chunks.filter((c) => c.kind === kind && (tool === undefined || c.tool === tool)).map((c) => c.text).join('');
  assert.equal(joined('text'), want.text, `${what}: text chunks`);
  assert.equal(joined('reasoning'), want.reasoning, `${what}: reasoning chunks`);
  parsed.answer.toolCalls.forEach((call, i) => assert.equal(joined('tool', i), call.arguments, `${what}: tool ${i} chunks`));
  assert.ok(parsed.chunks.every((chunk) => chunk.text.length > 0 && chunk.atMs === undefined));
  const kinds = parsed.chunks.map((chunk) => chunk.kind);
  assert.deepEqual(kinds, [...kinds].sort((a, b) => ['reasoning', 'text', 'tool'].indexOf(a) - ['reasoning', 'text', 'tool'].indexOf(b)), `${what}: reasoning, then text, then tools`);
}

const ANSWERS = [
  ['tool-call', 'en'], ['tool-call', 'zh'], ['reasoning', 'en'], ['reasoning', 'zh'], ['markdown', 'zh'],
  ['emoji', 'en'], ['escape', 'en'], ['escape', 'zh'], ['truncated', 'en'], ['rtl', 'en'],
];

for (const format of STREAMED) {
  test(`${format}: trickle's frames read back into the answer, its chunks as trickle cut them (format detected)`, async () => {
    for (const [name, lang] of ANSWERS) {
      const answer = builtinAnswer(name, lang);
      const parsed = parseTranscript(await bodyOf(answer, format));
      assertReadsBack(parsed, answer, format, `${name}/${lang}`);
      const words = answer.text.split(/(?=\s)/).filter(Boolean).length;
      assert.ok(parsed.chunks.filter((c) => c.kind === 'text').length >= Math.min(words, 5), `${name}/${lang}: split into many chunks`);
      if (format !== 'ui-message') assert.equal(parsed.model, 'trickle', `${name}/${lang}: model`);
      assert.ok(parsed.usage?.outputTokens > 0, `${name}/${lang}: usage ${JSON.stringify(parsed.usage)}`);
    }
    // Cut into characters, every chunk is one code point of the text, and still joins.
    const parsed = parseTranscript(await bodyOf(builtinAnswer('emoji', 'zh'), format, { split: 'char' }));
    assertReadsBack(parsed, builtinAnswer('emoji', 'zh'), format, 'emoji by characters');
    assert.ok(parsed.chunks.filter((c) => c.kind === 'text').every((c) => [...c.text].length === 1));
  });
}

test('plain-text reads back when asked for, since plain text is never guessed', async () => {
  const answer = builtinAnswer('markdown', 'en');
  const body = await bodyOf(answer, 'plain-text');
  const parsed = parseTranscript(body, { format: 'plain-text' });
  assert.equal(parsed.answer.text, answer.text);
  assert.deepEqual(parsed.chunks, [{ kind: 'text', text: answer.text }]);
  assert.throws(() => parseTranscript(body), { name: 'TypeError', message: /line 1: "# Baking your first sourdough loaf" is none of the formats.*format: 'plain-text'/ });
});

test('a mid-stream error and a cut-off stream are told: error set, complete false', async () => {
  const answer = builtinAnswer('reasoning', 'en');
  for (const format of STREAMED) {
    const failed = parseTranscript(await bodyOf(answer, format, { fault: { errorAfter: 4, errorMessage: 'overloaded right now' } }));
    assert.equal(failed.format, format);
    assert.deepEqual(failed.error, { message: 'overloaded right now' }, format);
    assert.equal(failed.complete, false, `${format}: an error is not complete`);
    const cut = parseTranscript(await bodyOf(answer, format, { fault: { truncateAfter: 6 } }));
    assert.equal(cut.complete, false, `${format}: a truncated stream is not complete`);
    assert.ok(answer.reasoning.startsWith(cut.answer.reasoning) && cut.answer.text === '', `${format}: what came before the cut`);
  }
});

// ---- What DevTools gives ----------------------------------------------------------------

test('CRLF and CR line ends, comments, data: without a space and a lost last blank line are all read', async () => {
  const answer = builtinAnswer('tool-call', 'zh');
  for (const format of STREAMED) {
    const body = await bodyOf(answer, format);
    const variants = {
      crlf: body.replace(/\r?\n/g, '\r\n'),
      cr: body.replace(/\r?\n/g, '\r'),
      comments: `: connected\n\n${body.replace(/\n\n/g, '\n\n: keep-alive\n\n')}`,
      'no space': body.replace(/^data: /gm, 'data:'),
      'no final blank line': body.replace(/\s+$/, ''),
      bom: `\uFEFF${body}`,
    };
    for (const [what, text] of Object.entries(variants)) {
      if (format === 'ollama' && (what === 'comments' || what === 'no space')) continue; // NDJSON has neither
      assertReadsBack(parseTranscript(text), answer, format, `${format} (${what})`);
    }
    // The bytes as they came off the wire read the same.
    assertReadsBack(parseTranscript(new TextEncoder().encode(body)), answer, format, `${format} (bytes)`);
  }
});

test('data: lines copied without their SSE framing (NDJSON of the chunks) and Gemini\'s JSON array are read', async () => {
  const answer = builtinAnswer('reasoning', 'zh');
  for (const format of ['openai-chat', 'anthropic', 'gemini', 'ui-message']) {
    const payloads = (await bodyOf(answer, format)).split(/\r?\n/).filter((line) => line.startsWith('data: {')).map((line) => line.slice(6));
    const parsed = parseTranscript(payloads.join('\n'));
    assert.equal(parsed.answer.text, answer.text, format);
    assert.equal(parsed.answer.reasoning, answer.reasoning, format);
    if (format === 'gemini') assertReadsBack(parseTranscript(`[${payloads.join(',\n')}]`), answer, format, 'gemini array');
  }
});

test('each format is detected from the first event only it could have sent; a mixed stream is refused', async () => {
  const first = {};
  for (const format of STREAMED) {
    const body = await bodyOf('hi', format);
    first[format] = body.split(/\r?\n\r?\n|\n/).find((block) => block.includes('{'));
    assert.equal(parseTranscript(`${first[format]}\n\n`).format, format, `${format} from ${first[format]}`);
  }
  const mixed = `${first['openai-chat']}\n\n${first.anthropic}\n\n`;
  assert.throws(() => parseTranscript(mixed), { name: 'TypeError', message: /line 3: this event is anthropic's, but the stream is openai-chat/ });
  assert.throws(() => parseTranscript(first.gemini, { format: 'ollama' }), /this event is gemini's, but the stream is ollama/);
});

test('input that is not a recorded stream is refused with a TypeError naming the line', () => {
  const refuse = (input, pattern, options) => assert.throws(() => parseTranscript(input, options), (error) => error instanceof TypeError && pattern.test(error.message), String(pattern));
  refuse('Hello, how can I help?', /line 1: "Hello, how can I help\?" is none of the formats/);
  refuse('data: {"choices":[]}\n\nthis is not SSE\n', /line 3: "this is not SSE" is not an SSE line/);
  refuse('data: {"choices":[]}\n\ndata: {"choices": [tru\n\n', /line 3: the data is not JSON: "\{\\"choices\\": \[tru"/);
  refuse('{"model":"m","done":false}\nplain words\n', /line 2: "plain words" is none of the formats/);
  refuse('{"model":"m","done":false}\n{"model": oops}\n', /line 2: the data is not JSON/);
  refuse('data: {"hello":"world"}\n\n', /line 1: could not tell the format .*pass \{ format \}/);
  refuse('data: 42\n\n', /line 1: could not tell the format/);
  refuse('data: 42\n\n', /line 1: expected a JSON object, got number 42/, { format: 'openai-chat' });
  refuse('', /the transcript is empty/);
  refuse(': just a comment\n\n', /the transcript is empty/);
  refuse(42, /expected the text of a recorded stream/);
  refuse({ chunks: [] }, /an object must be a timed transcript/);
  refuse('data: {"choices":[]}\n\n', /options\.format must be one of/, { format: 'openai' });
  refuse('data: {"choices":[]}\n\n', /options: unknown key "formats"/, { formats: 'openai-chat' });
  refuse({ events: [] }, /events must be a non-empty array/);
  refuse({ events: [{ t: 5, data: 'a' }, { t: 3, data: 'b' }] }, /events\[1\]\.t is 3, earlier than the event before it \(5\)/);
  refuse({ events: [{ t: -1, data: 'a' }] }, /events\[0\]\.t must be a time in milliseconds from 0/);
  refuse({ events: [{ t: 0, data: 7 }] }, /events\[0\]\.data must be a string/);
  refuse({ events: [{ t: 0, data: 'x', at: 1 }] }, /events\[0\]: unknown key "at"/);
  refuse({ format: 'anthropic', events: [{ t: 0, data: 'x' }] }, /options\.format is 'gemini' but the timed transcript says 'anthropic'/, { format: 'gemini' });
  refuse({ log: { entries: [{ response: { content: { mimeType: 'text/html', text: '' } } }] } }, /none of the HAR's 1 entries has a response body/);
  refuse([1, 2], /element 0 of the JSON array is not an object/);
  refuse({ log: { entries: [{ response: { content: { mimeType: 'text/event-stream', text: '%%%', encoding: 'base64' } } }] } }, /says its body is base64, but it is not/);
});

// ---- Timing -----------------------------------------------------------------------------

test('a timed recording keeps its times: chunk offsets from the first chunk, time to first chunk, duration', async () => {
  for (const format of FORMATS) {
    const manual = await createTrickle({ clock: 'manual' });
    const answer = format === 'plain-text' ? { text: 'one two three four' } : { reasoning: 'let me see', text: 'one two three', toolCalls: [{ id: 'c1', name: 'f', arguments: { a: 1 } }] };
    const response = await manual.response(answer, { format, delayMs: 100 });
    const recording = recordTranscript(response, { now: () => manual.clock.now() });
    await manual.clock.runAll();
    const transcript = await recording;
    // Kept as JSON (a file, a paste) it reads the same.
    const parsed = parseTranscript(JSON.stringify(transcript));
    assert.deepEqual(parseTranscript(transcript), parsed);
    assert.equal(parsed.format, format);
    assert.equal(parsed.answer.text, answer.text, format);
    // One piece every 100 ms, the first at 100 ms: offsets 0, 100, 200... in order.
    const pieces = parsed.chunks.length;
    assert.ok(pieces >= 4, `${format}: ${pieces} chunks`);
    assert.deepEqual(parsed.chunks.map((chunk) => chunk.atMs), parsed.chunks.map((_, i) => i * 100), format);
    assert.equal(parsed.ttftMs, 100, format);
    assert.equal(parsed.durationMs, (pieces - 1) * 100, format);
  }
});

test('a hand-made timed transcript cut mid-frame: each chunk takes the time its frame was complete', () => {
  const frame = (delta, finish = null) => `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const whole = frame({ role: 'assistant' }) + frame({ content: 'Hel' }) + frame({ content: 'lo' }) + frame({}, 'stop') + 'data: [DONE]\n\n';
  const second = whole.indexOf('data:', 10);
  const third = whole.indexOf('data:', second + 5);
  const events = [
    { t: 40, data: whole.slice(0, second + 20) }, // the first frame, and the start of 'Hel'
    { t: 350, data: whole.slice(second + 20, third - 1) }, // 'Hel' up to its last newline
    { t: 420, data: whole.slice(third - 1, third + 30) }, // the newline that completes 'Hel'
    { t: 515, data: whole.slice(third + 30) }, // the rest
  ];
  const parsed = parseTranscript({ events });
  assert.equal(parsed.answer.text, 'Hello');
  assert.deepEqual(parsed.chunks, [{ kind: 'text', text: 'Hel', atMs: 0 }, { kind: 'text', text: 'lo', atMs: 95 }]);
  assert.equal(parsed.ttftMs, 420);
  assert.equal(parsed.durationMs, 95);
  assert.equal(parsed.complete, true);
});

test('a HAR as DevTools saves it gives the body, the time to first byte and the receive time, not chunk times', async () => {
  const answer = builtinAnswer('tool-call', 'en');
  const body = await bodyOf(answer, 'anthropic');
  const entry = (mimeType, content, extra = {}) => ({
    startedDateTime: '2025-05-10T08:00:00.000Z',
    time: 2345.6,
    request: { method: 'POST', url: 'https://api.anthropic.com/v1/messages', headers: [] },
    response: { status: 200, headers: [], content: { size: content.length, mimeType, ...(typeof content === 'string' ? { text: content } : content) } },
    timings: { blocked: 1.5, dns: -1, ssl: -1, connect: -1, send: 0.5, wait: 812, receive: 1530.2 },
    ...extra,
  });
  const har = { log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, entries: [
    entry('application/json', '{"ok":true}'),
    entry('text/event-stream', body),
    entry('image/png', { text: 'iVBORw0KGgo=', encoding: 'base64' }),
  ] } };
  const parsed = parseTranscript(JSON.stringify(har));
  assertReadsBack(parsed, answer, 'anthropic', 'HAR');
  assert.equal(parsed.ttftMs, 814);
  assert.equal(parsed.durationMs, 1530.2);
  // A body saved base64-encoded reads the same.
  const bytes = new TextEncoder().encode(body);
  const base64 = btoa(String.fromCharCode(...bytes));
  const encoded = { log: { entries: [entry('text/event-stream', { text: base64, encoding: 'base64' })] } };
  assertReadsBack(parseTranscript(encoded), answer, 'anthropic', 'HAR, base64');
  // With per-event times (_eventSourceMessages, seconds since 1970), the chunks get them.
  const start = Date.parse('2025-05-10T08:00:00.000Z') / 1000;
  const messages = body.split('\n\n').filter((block) => block.includes('data:')).map((block, i) => ({
    type: 'message', time: start + 0.5 + i * 0.25, eventName: /event: (\S+)/.exec(block)?.[1] ?? 'message', eventId: '', data: block.slice(block.indexOf('data: ') + 6),
  }));
  const timedHar = { log: { entries: [entry('text/event-stream', { text: '' }, { _eventSourceMessages: messages })] } };
  const withTimes = parseTranscript(timedHar);
  assert.equal(withTimes.answer.text, answer.text);
  assert.equal(withTimes.chunks[0].atMs, 0);
  assert.ok(withTimes.chunks.every((chunk, i) => i === 0 || chunk.atMs > withTimes.chunks[i - 1].atMs));
  // Seconds since 1970 as doubles: a few hundred nanoseconds of rounding are expected.
  const near = (a, b) => Math.abs(a - b) < 0.01;
  assert.ok(withTimes.chunks.every((chunk) => near(chunk.atMs / 250, Math.round(chunk.atMs / 250))), 'every chunk on the 250 ms grid');
  assert.ok(near(withTimes.ttftMs, 500 + 250 * messages.findIndex((m) => m.data.includes('"text_delta"'))), `ttft ${withTimes.ttftMs}`);
});

test('recordTranscript refuses what is not a Response and marks a text/plain body as plain text', async () => {
  await assert.rejects(recordTranscript('data: x'), /expected a fetch Response with a body/);
  await assert.rejects(recordTranscript(new Response('x'), { now: 5 }), /options\.now must be a function/);
  const transcript = await recordTranscript(await trickle.response('a b c', { format: 'plain-text', delayMs: 0 }));
  assert.equal(transcript.format, 'plain-text');
  assert.equal(parseTranscript(transcript).answer.text, 'a b c');
  const sse = await recordTranscript(await trickle.response('a b c', { format: 'openai-chat', delayMs: 0 }));
  assert.equal(sse.format, undefined);
  assert.equal(parseTranscript(sse).format, 'openai-chat');
});

// trickle's fetch always streams the UI message protocol (useChat asks for nothing else), so
// its whole body, the UIMessage, comes from the encoder's own tool.
const dumpFrames = fileURLToPath(new URL('../../build/native/dump_frames', import.meta.url));

function wholeUIMessage(answer) {
  assert.ok(existsSync(dumpFrames), `${dumpFrames} is missing: build it with cmake --build build/native --target dump_frames`);
  const input = {
    text: answer.text ?? '',
    reasoning: answer.reasoning ?? '',
    tool_calls: (answer.toolCalls ?? []).map((call) => ({ id: call.id, name: call.name, arguments: JSON.stringify(call.arguments) })),
    ...(answer.finishReason === undefined ? {} : { finish: answer.finishReason }),
    model: 'trickle',
  };
  const run = spawnSync(dumpFrames, ['ui-message', 'body'], { input: JSON.stringify(input) });
  assert.equal(run.status, 0, String(run.stderr));
  const output = run.stdout.toString('utf8');
  return output.slice(output.indexOf('\n') + 1);
}

test('a whole (non-streamed) body of every format reads back too, one chunk per field', async () => {
  for (const format of STREAMED) {
    for (const [name, lang] of [['tool-call', 'zh'], ['reasoning', 'en'], ['truncated', 'en']]) {
      const answer = builtinAnswer(name, lang);
      const body = format === 'ui-message' ? wholeUIMessage(answer) : await bodyOf(answer, format, { stream: false });
      // The UI message has no finish reason: a cut-off answer reads as stopped.
      const want = format === 'ui-message' && answer.finishReason === 'length' ? { ...answer, finishReason: 'stop' } : answer;
      const parsed = parseTranscript(body);
      assertReadsBack(parsed, want, format, `${format} whole ${name}/${lang}`);
      assert.ok(parsed.chunks.filter((chunk) => chunk.kind === 'text').length <= 1);
      // Pretty-printed, as DevTools' preview copies it, it is the same.
      assert.deepEqual(parseTranscript(JSON.stringify(JSON.parse(body), null, 2)), parsed);
    }
  }
});
