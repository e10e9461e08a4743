// The wire formats against the official client libraries: the bytes trickle's C++ encoders
// write (printed by build/native/dump_frames) go through a custom fetch into each client,
// whole and cut into random 1-9-byte pieces (mid-line, mid-UTF-8), and each client must
// hand back the answer: its text, its reasoning as reasoning, its tool calls with their full
// arguments, its usage, its finish reason; an HTTP error must become the client's own error
// class, and a mid-stream error must make the client fail.
//
// The client-driving code is in clients.mjs, so that the same checks can later run on
// trickle.fetch instead of the dump tool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as clients from './clients.mjs';
import { defaultMessages, readers } from './clients.mjs';

const dumpFrames = process.env.TRICKLE_DUMP_FRAMES ??
  fileURLToPath(new URL('../../build/native/dump_frames', import.meta.url));

// --- Frames from the C++ encoders -------------------------------------------------------

/** Runs dump_frames: { status, headers, body: Uint8Array }. */
function frames(format, args, answer) {
  assert.ok(existsSync(dumpFrames),
    `${dumpFrames} is missing: build it with cmake --build build/native --target dump_frames`);
  const run = spawnSync(dumpFrames, [format, ...args], { input: answer === undefined ? '' : JSON.stringify(answer) });
  assert.equal(run.status, 0, `dump_frames ${format} ${args.join(' ')}: ${run.stderr}`);
  const newline = run.stdout.indexOf(10);
  const head = JSON.parse(run.stdout.subarray(0, newline).toString('utf8'));
  return { ...head, body: new Uint8Array(run.stdout.subarray(newline + 1)) };
}

// The same PRNG as anywhere a seed must give the same run on every machine (mulberry32).
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A fetch that answers every request with `reply`, its body in one piece or, given a
 * PRNG, in pieces of 1-9 bytes. It records the requests it saw.
 */
function replyingFetch(reply, next) {
  const requests = [];
  const fetch = async (input, init = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    requests.push({ path: url.pathname + url.search, method: init.method ?? input.method ?? 'GET' });
    let body = reply.body;
    if (next !== undefined) {
      let at = 0;
      body = new ReadableStream({
        pull(controller) {
          if (at >= reply.body.length) return controller.close();
          const size = 1 + Math.floor(next() * 9);
          controller.enqueue(reply.body.slice(at, at + size));
          at += size;
        },
      });
    }
    return new Response(body, { status: reply.status, headers: reply.headers });
  };
  return { fetch, requests };
}

// --- Answers ----------------------------------------------------------------------------

const small = {
  text: 'Hello, "wörld"! 你好 😀\nA line\u2028and a tab\there.',
  reasoning: 'The user greets me.\nI greet back.',
  tool_calls: [
    { id: 'call_weather', name: 'get_weather', arguments: '{"city": "Paris", "units": ["°C"]}' },
    { id: 'call_time', name: 'get_time', arguments: '{}' },
  ],
  model: 'trickle-model',
  id: 'small1',
  created: 1700000000,
  input_tokens: 12,
  output_tokens: 30,
  reasoning_tokens: 8,
  include_usage: true,
};

// Pieces that break naive encoders and parsers: quotes, backslashes, every kind of line
// break, control characters, U+2028/9, CJK, astral and combining characters, and text that
// looks like the protocols themselves.
const tricky = [
  'hello', 'world', '"quoted"', 'back\\slash', '\\"', '\t', '\n', '\r\n', '\r', '\u0000', '\u0001', '\u001f',
  '\u007f', '\u2028', '\u2029', '你好', '世界', '😀', '𝄞', 'e\u0301', 'ﬀ', '\uFEFF', '</script>',
  'data: [DONE]', '\n\ndata: {"x":1}', 'event: error', '{"error":{}}', '}', '"}]}', ' ', '  ',
];

function randomText(next, maxPieces) {
  const count = Math.floor(next() * (maxPieces + 1));
  let text = '';
  for (let i = 0; i < count; ++i) {
    text += tricky[Math.floor(next() * tricky.length)];
    text += ['', ' ', ' ', '\n'][Math.floor(next() * 4)];
  }
  return text;
}

function randomValue(next, depth) {
  const kind = Math.floor(next() * (depth > 1 ? 4 : 6));
  if (kind === 0) return randomText(next, 3);
  if (kind === 1) return Math.floor(next() * 2000) - 1000;
  if (kind === 2) return next() < 0.5;
  if (kind === 3) return null;
  if (kind === 4) return Array.from({ length: Math.floor(next() * 3) }, () => randomValue(next, depth + 1));
  return randomObject(next, depth + 1);
}

function randomObject(next, depth = 0) {
  const object = {};
  const keys = Math.floor(next() * 4);
  for (let i = 0; i < keys; ++i) object[`${tricky[Math.floor(next() * tricky.length)]}${i}`] = randomValue(next, depth);
  return object;
}

function randomAnswer(seed) {
  const next = random(seed);
  const calls = Math.floor(next() * 3);
  const output = 1 + Math.floor(next() * 500);
  const answer = {
    text: randomText(next, 24),
    reasoning: next() < 0.4 ? '' : randomText(next, 12),
    tool_calls: Array.from({ length: calls }, (_, i) => ({
      id: `call_${seed}_${i}`,
      name: ['get_weather', 'search', 'lookup_user'][Math.floor(next() * 3)],
      arguments: JSON.stringify(randomObject(next), null, next() < 0.5 ? undefined : 2),
    })),
    finish: next() < 0.2 ? 'length' : undefined,
    model: 'trickle-model',
    id: `random${seed}`,
    created: 1700000000 + seed,
    input_tokens: Math.floor(next() * 1000),
    output_tokens: output,
    reasoning_tokens: Math.floor(next() * output),
    include_usage: true,
  };
  return answer;
}

// --- The checks -------------------------------------------------------------------------

function resolvedFinish(answer) {
  return answer.finish ?? (answer.tool_calls.length > 0 ? 'tool_calls' : 'stop');
}

function assertReadsAnswer(reader, result, answer, context) {
  const where = `${reader.name}, ${context}`;
  assert.equal(result.text, answer.text, `${where}: text`);
  if (result.streamedText !== undefined) assert.equal(result.streamedText, answer.text, `${where}: text from deltas`);
  if (result.sdkText !== undefined) assert.equal(result.sdkText, answer.text, `${where}: the SDK's response.text`);
  if (reader.textOnly) return;
  if (reader.reasoning) {
    assert.equal(result.reasoning, answer.reasoning, `${where}: reasoning`);
    if (result.streamedReasoning !== undefined) {
      assert.equal(result.streamedReasoning, answer.reasoning, `${where}: reasoning from deltas`);
    }
  }
  assert.equal(result.toolCalls.length, answer.tool_calls.length, `${where}: number of tool calls`);
  answer.tool_calls.forEach((call, i) => {
    const got = result.toolCalls[i];
    assert.equal(got.name, call.name, `${where}: tool call ${i} name`);
    assert.deepEqual(got.input, JSON.parse(call.arguments), `${where}: tool call ${i} input`);
    if (reader.argumentsText) assert.equal(got.arguments, call.arguments, `${where}: tool call ${i} arguments`);
    if (reader.toolIds) assert.equal(got.id, call.id, `${where}: tool call ${i} id`);
  });
  assert.ok(result.usage, `${where}: usage reported`);
  assert.equal(result.usage.inputTokens, answer.input_tokens, `${where}: input tokens`);
  assert.equal(result.usage.outputTokens, answer.output_tokens, `${where}: output tokens`);
  if (reader.reasoningTokens) assert.equal(result.usage.reasoningTokens, answer.reasoning_tokens, `${where}: reasoning tokens`);
  if (reader.finish) assert.equal(result.finishReason, reader.finish[resolvedFinish(answer)], `${where}: finish reason`);
}

for (const reader of readers) {
  test(`${reader.name} reads the small answer from ${reader.format} frames: text, reasoning, tool calls, usage`, async () => {
    const { fetch, requests } = replyingFetch(frames(reader.format, ['stream'], small));
    assertReadsAnswer(reader, await reader.read(fetch), small, 'whole body');
    assert.deepEqual(requests.map((r) => r.path), [reader.path]);
  });

  test(`${reader.name} reads random answers cut into 1-9-byte pieces, mid-line and mid-UTF-8`, async () => {
    for (let seed = 1; seed <= 12; ++seed) {
      const answer = randomAnswer(seed);
      // Words, characters, and pieces cut inside characters, which the encoder must join.
      const split = [['--split', 'words'], ['--split', 'characters'], ['--cut', '2']][seed % 3];
      const { fetch } = replyingFetch(frames(reader.format, ['stream', ...split], answer), random(seed * 7919));
      assertReadsAnswer(reader, await reader.read(fetch), answer, `seed ${seed} (${split.join(' ')})`);
    }
  });

  test(`${reader.name} reads an empty answer`, async () => {
    const empty = { ...small, text: '', reasoning: '', tool_calls: [], output_tokens: 0, reasoning_tokens: 0 };
    const { fetch } = replyingFetch(frames(reader.format, ['stream'], empty), random(5));
    assertReadsAnswer(reader, await reader.read(fetch), empty, 'empty answer');
  });

  if (reader.body) {
    test(`${reader.name} reads the non-streamed body`, async () => {
      for (const answer of [small, randomAnswer(101), randomAnswer(102)]) {
        const { fetch, requests } = replyingFetch(frames(reader.format, ['body'], answer));
        assertReadsAnswer(reader, await reader.read(fetch, { stream: false }), answer, `body of ${answer.id}`);
        assert.deepEqual(requests.map((r) => r.path), [reader.bodyPath ?? reader.path]);
      }
    });
  }

  test(`${reader.name} turns HTTP 429, 500 and 529 error bodies into its own errors`, async () => {
    for (const status of [429, 500, 529]) {
      const { fetch } = replyingFetch(frames(reader.format, ['error', String(status)]));
      await assert.rejects(reader.read(fetch), (error) => {
        assert.ok(reader.httpError(error, status), `${status}: got ${error?.constructor?.name} ${error?.message}`);
        return true;
      });
    }
  });

  if (!reader.textOnly) {
    test(`${reader.name} fails on a mid-stream error after part of the answer`, async () => {
      // Start, the seven pieces of the reasoning, two of the text: then the format's
      // overloaded error.
      const { fetch } = replyingFetch(frames(reader.format, ['stream', '--fail-after', '10', '529'], small), random(9));
      await assert.rejects(reader.read(fetch), (error) => {
        assert.match(String(error?.message ?? error), /Overloaded/);
        return true;
      });
    });
  }
}

test('plain text stops short, without an error, where another format sends a mid-stream error', async () => {
  const { fetch } = replyingFetch(frames('plain-text', ['stream', '--fail-after', '10', '529'], small), random(3));
  const { text } = await clients.plainText(fetch);
  assert.ok(text.length > 0 && text.length < small.text.length && small.text.startsWith(text), JSON.stringify(text));
});

test('the UI message stream carries its v1 header, and the usage as message metadata', async () => {
  const reply = frames('ui-message', ['stream'], small);
  assert.equal(reply.headers['x-vercel-ai-ui-message-stream'], 'v1');
  assert.equal(reply.headers['content-type'], 'text/event-stream');
  const { fetch } = replyingFetch(reply);
  const result = await clients.aiUiMessages(fetch);
  assert.deepEqual(result.usage, { inputTokens: 12, outputTokens: 30, totalTokens: 42, reasoningTokens: 8 });
  assert.equal(result.messageId, 'msg-small1');
  assert.ok(result.toolCalls.every((call) => call.state === 'input-available'));
});

test('Anthropic thinking arrives with its signature, which the client keeps to send back', async () => {
  const { fetch } = replyingFetch(frames('anthropic', ['stream'], small));
  assert.deepEqual((await clients.anthropic(fetch)).signatures, ['trickle-signature-small1']);
});

test('each format announces the content type its clients expect', () => {
  const types = Object.fromEntries(readers.map((r) => [r.format, frames(r.format, ['stream'], small).headers['content-type']]));
  assert.deepEqual(types, {
    'openai-chat': 'text/event-stream; charset=utf-8',
    'openai-responses': 'text/event-stream; charset=utf-8',
    anthropic: 'text/event-stream; charset=utf-8',
    'ui-message': 'text/event-stream',
    gemini: 'text/event-stream',
    ollama: 'application/x-ndjson',
    'plain-text': 'text/plain; charset=utf-8',
  });
});
