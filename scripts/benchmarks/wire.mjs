// Group "wire" (issue "Wire formats" §6): the bytes trickle writes for the real APIs.
//   1. OpenAI SSE at zero delay through trickle.fetch, read to the end with getReader():
//      bytes per second against a hand-written JS encoder (JSON.stringify per frame,
//      TextEncoder, a ReadableStream) that writes the same bytes (checked, byte for byte).
//   2. stream.toReadableStream() read to the end against the AI SDK's simulateReadableStream
//      (no delays) over the same chunks: chunks per second.
//   3. 1,000 concurrent OpenAI SSE responses × 200 chunks at 5 ms through trickle.fetch: wall
//      against the ideal 1 s, beside JS SSE bodies fed by one shared timer.
import { sharedTimerStreams } from './shared/baselines.mjs';
import { Missing } from './context.mjs';
import { alternate, count, formatBytes, formatRate, formatRatio, formatSpread, median, ratioCells, ratioSummary, summary, table, verdict } from './shared/stats.mjs';
import { textOf } from './shared/texts.mjs';

const URL_CHAT = 'https://api.openai.com/v1/chat/completions';
const REQUEST = {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
};
const utf8 = new TextEncoder();

/** The pieces trickle streams a text in on the wire: each word with the white space before it. */
export function wirePieces(text) {
  return text.match(/\s*\S+/g) ?? [];
}

// One chat.completion.chunk event, as OpenAI writes it (and trickle's C++ encoder does).
function frame(id, created, model, delta, finishReason) {
  return `data: ${JSON.stringify({
    id, object: 'chat.completion.chunk', created, model, system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  })}\n\n`;
}

/**
 * The JS encoder: the same events, written with JSON.stringify and TextEncoder into a
 * ReadableStream. `batched`: every frame due at once in one Uint8Array, as trickle hands a
 * zero-delay answer over (one read); else one Uint8Array per frame.
 */
export function jsOpenAiBody(pieces, { id, created, model }, batched) {
  let index = -1; // -1: the role frame
  const next = () => {
    if (index === -1) {
      index++;
      return frame(id, created, model, { role: 'assistant', content: '', refusal: null }, null);
    }
    if (index < pieces.length) return frame(id, created, model, { content: pieces[index++] }, null);
    if (index === pieces.length) {
      index++;
      return `${frame(id, created, model, {}, 'stop')}data: [DONE]\n\n`;
    }
    return null;
  };
  return new ReadableStream({
    pull(controller) {
      if (batched) {
        let all = '';
        for (let piece = next(); piece !== null; piece = next()) all += piece;
        controller.enqueue(utf8.encode(all));
        controller.close();
        return;
      }
      const piece = next();
      if (piece === null) controller.close();
      else controller.enqueue(utf8.encode(piece));
    },
  }, { highWaterMark: 0 });
}

async function readBody(body, keep = false) {
  const reader = body.getReader();
  let bytes = 0;
  let reads = 0;
  const parts = keep ? [] : null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    reads++;
    bytes += value.length;
    parts?.push(value);
  }
  return { bytes, reads, parts };
}

function concat(parts) {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

function firstDifference(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

async function sseTable(ctx, trickle) {
  const words = ctx.size(5_000, 100_000);
  const text = textOf('english', words);
  const pieces = wirePieces(text);
  const fetch = trickle.createFetch({ delayMs: 0, reply: () => text });
  // The same bytes: the id and the time come from trickle's own answer.
  const first = await readBody((await fetch(URL_CHAT, REQUEST)).body, true);
  const trickleBytes = concat(first.parts);
  const head = new TextDecoder().decode(trickleBytes.subarray(0, 400));
  const match = /^data: \{"id":"([^"]+)","object":"chat\.completion\.chunk","created":(\d+),"model":"([^"]+)"/.exec(head);
  if (match === null) throw new Error(`wire: trickle's answer does not start with an OpenAI chunk: ${head.slice(0, 120)}`);
  const facts = { id: match[1], created: Number(match[2]), model: match[3] };
  const jsBytes = concat((await readBody(new Response(jsOpenAiBody(pieces, facts, true)).body, true)).parts);
  const at = firstDifference(trickleBytes, jsBytes);
  if (at !== -1) {
    const show = (bytes) => JSON.stringify(new TextDecoder().decode(bytes.subarray(Math.max(0, at - 60), at + 60)));
    throw new Error(`wire: the JS encoder's bytes differ from trickle's at byte ${at}: trickle ${show(trickleBytes)}, JS ${show(jsBytes)}`);
  }
  ctx.log(`wire: ${formatBytes(trickleBytes.length)} of OpenAI SSE, the same from both; measuring`);
  const reads = {};
  const timed = (name, open) => async () => {
    const started = performance.now();
    const { bytes, reads: n } = await readBody((await open()).body);
    const seconds = (performance.now() - started) / 1000;
    if (bytes !== trickleBytes.length) throw new Error(`wire: ${name} wrote ${bytes} bytes, not ${trickleBytes.length}`);
    reads[name] = n;
    return bytes / seconds;
  };
  const headers = { 'content-type': 'text/event-stream; charset=utf-8' };
  const rates = await alternate([
    { name: 'trickle', run: timed('trickle', () => fetch(URL_CHAT, REQUEST)) },
    { name: 'batched', run: timed('batched', async () => new Response(jsOpenAiBody(pieces, facts, true), { headers })) },
    { name: 'frames', run: timed('frames', async () => new Response(jsOpenAiBody(pieces, facts, false), { headers })) },
  ], { rounds: ctx.rounds, onRound: (i, n) => ctx.log(`wire: SSE round ${i}/${n}`) });
  const batched = ratioSummary(rates.trickle, rates.batched);
  ctx.goal({ goal: `OpenAI SSE at zero delay, ${count(words)} words: bytes/s ÷ a JS encoder`, ...ratioCells(batched), target: '≥1.5x', met: batched.median >= 1.5 });
  ctx.out(`### OpenAI SSE at zero delay, ${count(words)} words (${formatBytes(trickleBytes.length)}, byte for byte the same from all three)\n`);
  ctx.out(table(['', { title: 'bytes per second', right: true }, { title: 'reads', right: true }, { title: 'trickle ÷ this', right: true }], [
    ['trickle.fetch (C++ encoder in the full module)', formatRate(median(rates.trickle), 'B/s'), count(reads.trickle), ''],
    ['JS: JSON.stringify per frame, one TextEncoder.encode for all (goal ≥1.5x)', formatRate(median(rates.batched), 'B/s'), count(reads.batched),
      `${formatRatio(batched)} ${verdict(batched.median >= 1.5)}`],
    ['JS: JSON.stringify and TextEncoder.encode per frame', formatRate(median(rates.frames), 'B/s'), count(reads.frames), formatRatio(ratioSummary(rates.trickle, rates.frames))],
  ]));
  ctx.out(`\nEach run: the request (trickle) or the Response (JS) made, its body read to the end with getReader(). Median of ${ctx.rounds} rounds, alternating. `
    + 'The JS encoder that writes one Uint8Array for every frame due is the fair baseline: trickle hands over all the frames due at once in one read.\n');
}

async function simulateTable(ctx, trickle) {
  let simulateReadableStream;
  try {
    ({ simulateReadableStream } = await ctx.importPackage('ai'));
  } catch (error) {
    if (!(error instanceof Missing)) throw error;
    ctx.out("### stream.toReadableStream() against the AI SDK's simulateReadableStream\n");
    ctx.skip('toReadableStream() against the AI SDK', error.message);
    return;
  }
  const words = ctx.size(5_000, 100_000);
  const text = textOf('english', words);
  const pieces = wirePieces(text);
  // The same chunks: the pieces the AI SDK stream gives are the text trickle's body carries.
  const check = concat((await readBody(trickle.stream(text, { delayMs: 0 }).toReadableStream(), true)).parts);
  if (new TextDecoder().decode(check) !== pieces.join('')) throw new Error("wire: toReadableStream()'s text is not the pieces joined");
  const reads = {};
  const timed = (name, open) => async () => {
    const started = performance.now();
    const { reads: n } = await readBody(open());
    reads[name] = n;
    return pieces.length / ((performance.now() - started) / 1000);
  };
  const rates = await alternate([
    { name: 'trickle', run: timed('trickle', () => trickle.stream(text, { delayMs: 0 }).toReadableStream()) },
    { name: 'sdk', run: timed('sdk', () => simulateReadableStream({ chunks: pieces, initialDelayInMs: null, chunkDelayInMs: null })) },
  ], { rounds: ctx.rounds, onRound: (i, n) => ctx.log(`wire: toReadableStream round ${i}/${n}`) });
  const ratio = ratioSummary(rates.trickle, rates.sdk);
  ctx.goal({ goal: `toReadableStream(), ${count(pieces.length)} chunks: chunks/s ÷ the AI SDK's simulateReadableStream`, ...ratioCells(ratio), target: '≥1.5x', met: ratio.median >= 1.5 });
  ctx.out(`### stream.toReadableStream() against the AI SDK's simulateReadableStream, ${count(pieces.length)} chunks, no delays\n`);
  ctx.out(table(['', { title: 'chunks per second', right: true }, { title: 'reads', right: true }, { title: 'trickle ÷ this (goal ≥1.5x)', right: true }], [
    ["trickle: `stream(text, { delayMs: 0 }).toReadableStream()` (bytes, format 'plain-text')", formatRate(median(rates.trickle)), count(reads.trickle), ''],
    ["`simulateReadableStream({ chunks, initialDelayInMs: null, chunkDelayInMs: null })` from `ai` (the chunks as strings, made beforehand)",
      formatRate(median(rates.sdk)), count(reads.sdk), `${formatRatio(ratio)} ${verdict(ratio.median >= 1.5)}`],
  ]));
  ctx.out('\nChunks per second counts the answer\'s chunks (each word with the space before it) delivered, whatever the number of reads: '
    + "trickle hands every chunk due in one read, the AI SDK's stream one chunk per read. null delays skip the SDK's timer "
    + '(a delay of 0 would still wait for a setTimeout per chunk).\n');
}

async function concurrentTable(ctx, trickle) {
  const responses = ctx.size(200, 1_000);
  const chunks = ctx.size(50, 200);
  const delayMs = 5;
  const ideal = chunks * delayMs;
  const words = Array.from({ length: chunks }, (_, i) => `w${i}`);
  const text = words.join(' ');
  const fetch = trickle.createFetch({ delayMs, reply: () => text });
  const facts = { id: 'chatcmpl-reference', created: 1700000000, model: 'gpt-4o' };
  const timed = (open) => async () => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const bodies = await Promise.all(Array.from({ length: responses }, (_, i) => open(i)));
    const read = await Promise.all(bodies.map((body) => readBody(body)));
    const wall = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    if (read.some((r) => r.bytes === 0)) throw new Error('wire: a response had no body');
    return { wall, cpu: (cpu.user + cpu.system) / 1000 };
  };
  let shared = null;
  const results = await alternate([
    { name: 'trickle', run: timed(async () => (await fetch(URL_CHAT, REQUEST)).body) },
    {
      name: 'shared',
      run: () => {
        shared = null;
        return timed(async (i) => {
          shared ??= sharedTimerStreams(responses, words, delayMs);
          const source = shared[i];
          return new Response(new ReadableStream({
            async pull(controller) {
              const { value, done } = await source.next();
              if (done) {
                controller.enqueue(utf8.encode('data: [DONE]\n\n'));
                controller.close();
              } else {
                controller.enqueue(utf8.encode(frame(facts.id, facts.created, facts.model, { content: value }, null)));
              }
            },
          }, { highWaterMark: 0 })).body;
        })();
      },
    },
  ], { rounds: ctx.rounds, between: () => ctx.fullGc(), onRound: (i, n) => ctx.log(`wire: ${responses} responses, round ${i}/${n}`) });
  const wall = (name) => summary(results[name].map((r) => r.wall));
  const cpu = (name) => results[name].map((r) => r.cpu);
  const trickleWall = wall('trickle');
  const overIdeal = summary(results.trickle.map((r) => r.wall / ideal));
  ctx.goal({ goal: `${count(responses)} concurrent SSE responses × ${chunks} chunks at ${delayMs} ms: wall ÷ ideal`, ...ratioCells(overIdeal), target: '≤1.15x', met: overIdeal.median <= 1.15 });
  ctx.out(`### ${count(responses)} concurrent OpenAI SSE responses × ${chunks} chunks at ${delayMs} ms (ideal ${ideal} ms)\n`);
  ctx.out(table(['', { title: 'wall', right: true }, { title: 'wall ÷ ideal (goal ≤1.15x)', right: true }, { title: 'CPU time', right: true }, { title: 'CPU ÷ the JS reference', right: true }], [
    ['trickle.fetch', formatSpread(trickleWall, ' ms', 0), `${(trickleWall.median / ideal).toFixed(2)}x ${verdict(trickleWall.median / ideal <= 1.15)}`,
      formatSpread(summary(cpu('trickle')), ' ms', 0), formatRatio(ratioSummary(cpu('trickle'), cpu('shared')))],
    ['reference: JS SSE bodies (JSON.stringify per frame) fed by one shared timer', formatSpread(wall('shared'), ' ms', 0),
      `${(wall('shared').median / ideal).toFixed(2)}x`, formatSpread(summary(cpu('shared')), ' ms', 0), '1'],
  ]));
  ctx.out(`\nWall: from the first request to the end of the last body, every body read with getReader(). Median of ${ctx.rounds} rounds, alternating, a forced gc() before each. `
    + "The reference writes only the content frames and [DONE] (no role or finish frame): it does a little less than trickle's.\n");
}

async function requires(ctx) {
  const { fetch } = await ctx.features();
  return fetch === true ? null : fetch;
}

async function run(ctx) {
  const trickle = await ctx.createTrickle();
  await sseTable(ctx, trickle);
  await simulateTable(ctx, trickle);
  await concurrentTable(ctx, trickle);
}

export default { title: 'Wire formats', requires, run };
