// Replay with the recording's own timing: a reply whose answer carries a recording's chunks
// (parseTranscript's chunks and ttftMs) streams in exactly those pieces, each at its recorded
// time, in whatever format the request speaks; createFetch's timing options re-time the same
// pieces instead; chunks that do not cut the answer are refused with a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle from '../../src/js/trickle.mjs';
import { parseTranscript, recordTranscript } from '../../src/js/answers/transcript.mjs';
import { assertNothingLeft } from './support.mjs';

/** A recording of an answer streamed by trickle on a manual clock with a preset (uneven times). */
async function recording(format, answer) {
  const recorder = await createTrickle({ clock: 'manual' });
  const response = await recorder.response(answer, { format, preset: 'gpt-4o', seed: 11 });
  const recorded = recordTranscript(response, { now: () => recorder.clock.now() });
  await recorder.clock.runAll();
  return parseTranscript(await recorded);
}

/**
 * Reads `response`'s body on `trickle`'s manual clock, one wake-up at a time: every
 * non-empty read with the clock's time (ms since `start`).
 */
async function timedReads(trickle, response, start) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const reads = [];
  let finished = false;
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      reads.push({ text: decoder.decode(value, { stream: true }), at: trickle.clock.now() - start });
    }
    finished = true;
  })();
  while (!finished) {
    for (let turn = 0; turn < 20 && !finished; turn++) await new Promise((resolve) => { setImmediate(resolve); });
    if (!finished && !(await trickle.clock.advanceToNext())) break;
  }
  await reading;
  return reads;
}

const replayOf = (parsed) => ({ ...parsed.answer, chunks: parsed.chunks, ttftMs: parsed.ttftMs });

test('a recorded Anthropic stream replays as OpenAI chat: the same pieces, each at its recorded time', async () => {
  const parsed = await recording('anthropic', { reasoning: 'Checking the sum.', text: 'Two and two make four, as ever.' });
  assert.ok(parsed.chunks.length >= 6, `${parsed.chunks.length} chunks recorded`);
  const times = parsed.chunks.map((chunk) => parsed.ttftMs + chunk.atMs);
  assert.ok(new Set(times.map((t, i) => t - (times[i - 1] ?? 0))).size > 2, 'the preset spaced the chunks unevenly');

  const trickle = await createTrickle({ clock: 'manual' });
  const fetch = trickle.createFetch({ reply: () => replayOf(parsed) });
  const start = trickle.clock.now();
  const response = await fetch('https://mock/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'again' }] }),
  });
  const reads = await timedReads(trickle, response, start);
  // Each recorded chunk is one delta of the replay, read at the chunk's recorded time.
  const deltas = [];
  for (const { text, at } of reads) {
    for (const line of text.split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const delta = JSON.parse(line.slice(6)).choices[0]?.delta ?? {};
      const piece = delta.content || delta.reasoning_content;
      if (piece) deltas.push({ piece, at });
    }
  }
  assert.deepEqual(deltas.map((d) => d.piece), parsed.chunks.map((chunk) => chunk.text));
  assert.deepEqual(deltas.map((d) => d.at), times);
  assertNothingLeft(trickle);
});

test('chunks with none for a field (a tool call) stream that field whole, at the time of the piece before it', async () => {
  const answer = { text: 'Looking it up.', toolCalls: [{ id: 'c1', name: 'lookup', arguments: { city: 'Paris' } }] };
  const parsed = await recording('ollama', answer);
  assert.ok(parsed.chunks.some((chunk) => chunk.kind === 'tool'));
  // A recording kept by hand with its text deltas only.
  const textOnly = { ...replayOf(parsed), chunks: parsed.chunks.filter((chunk) => chunk.kind === 'text') };
  const trickle = await createTrickle({ clock: 'manual' });
  const fetch = trickle.createFetch({ reply: () => textOnly });
  const start = trickle.clock.now();
  const response = await fetch('https://mock/v1/messages', {
    method: 'POST',
    body: JSON.stringify({ model: 'claude', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'where?' }] }),
  });
  const reads = await timedReads(trickle, response, start);
  const body = reads.map((read) => read.text).join('');
  assert.match(body, /"type":"tool_use","id":"c1","name":"lookup"/);
  assert.match(body, /"partial_json":"\{\\"city\\":\\"Paris\\"\}"/);
  assert.match(body, /event: message_stop/);
  const lastText = parsed.ttftMs + textOnly.chunks.at(-1).atMs;
  assert.equal(reads.at(-1).at, lastText, 'the call and the closing frames come with the last text piece');
  assertNothingLeft(trickle);
});

test('createFetch\'s timing options re-time a recording: its pieces, on the pace asked for', async () => {
  const parsed = await recording('openai-chat', { text: 'Recorded once, replayed anywhere.' });
  const trickle = await createTrickle({ clock: 'manual' });
  const fetch = trickle.createFetch({ reply: () => replayOf(parsed), delayMs: 40 });
  const start = trickle.clock.now();
  const response = await fetch('https://mock/api/chat', {
    method: 'POST',
    body: JSON.stringify({ model: 'llama3', messages: [{ role: 'user', content: 'go' }] }),
  });
  const reads = await timedReads(trickle, response, start);
  const pieces = reads.flatMap(({ text, at }) => text.split('\n').filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line)).filter((line) => !line.done).map((line) => ({ piece: line.message.content, at })));
  assert.deepEqual(pieces.map((p) => p.piece), parsed.chunks.map((chunk) => chunk.text));
  assert.deepEqual(pieces.map((p) => p.at), pieces.map((_, i) => 40 * (i + 1)));
});

test('chunks that do not cut the answer, or mix timed and untimed, are refused, naming what is wrong', async () => {
  const trickle = await createTrickle();
  const answer = { text: 'Hello, world!' };
  await assert.rejects(trickle.response({ ...answer, chunks: [{ kind: 'text', text: 'Hello' }] }),
    (error) => error instanceof RangeError && /the chunks for answer\.text make "Hello", and answer\.text is "Hello, world!"/.test(error.message));
  await assert.rejects(trickle.response({ ...answer, chunks: [{ kind: 'text', text: 'Hello,', atMs: 0 }, { kind: 'text', text: ' world!' }] }),
    (error) => error instanceof TypeError && /every chunk has atMs or none does/.test(error.message));
  await assert.rejects(trickle.response({ ...answer, chunks: [{ kind: 'tool', tool: 0, text: '{}' }] }),
    (error) => error instanceof RangeError && /index of one of the answer's 0 tool calls/.test(error.message));
  await assert.rejects(trickle.response({ ...answer, chunks: [{ kind: 'words', text: 'Hello, world!' }] }),
    (error) => error instanceof TypeError && /kind must be 'reasoning', 'text' or 'tool'/.test(error.message));
  await assert.rejects(trickle.response({ ...answer, chunks: [{ kind: 'text', text: 'Hello, world!', atMs: -1 }] }), RangeError);
  await assert.rejects(trickle.response({ ...answer, ttftMs: 20 }),
    (error) => error instanceof TypeError && /give it with answer\.chunks/.test(error.message));
  // From a reply, the same refusal is a 500 in the format's own error shape; the instance goes on.
  const fetch = trickle.createFetch({ reply: () => ({ ...answer, chunks: 'Hello, world!' }) });
  const response = await fetch('https://mock/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
  });
  assert.equal(response.status, 500);
  assert.match((await response.json()).error.message, /answer\.chunks must be an array/);
  // Untimed chunks are fine: the pieces on the default pace.
  const untimed = await trickle.response({ ...answer, chunks: [{ kind: 'text', text: 'Hel' }, { kind: 'text', text: 'lo, world!' }] },
    { format: 'ollama', delayMs: 0 });
  const lines = (await untimed.text()).trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(lines.filter((line) => !line.done).map((line) => line.message.content), ['Hel', 'lo, world!']);
  assertNothingLeft(trickle);
});
