// Group "memory": does anything stay behind when streams end? Batches of 1,000 streams, each
// batch ended one way (read to the end, break, abort, time-out, failAfter, dropped half-read
// and garbage-collected; also a preset stream and a wire body cancelled, on the full
// module). After each batch, and a forced collection: the wasm heap (stats().heapBytesInUse)
// against its value before the way's first batch (goal ±64 KiB), the JS heap likewise (goal
// ±1 MiB), the streams still alive in wasm (goal 0); RSS at the start and the end. Short by
// design: the long soak is scripts/soak.mjs.
import { count, formatBytes, median, table, verdict } from './shared/stats.mjs';

const WORDS = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
// Long enough that a dropped stream cannot end by itself (1,000 chunks at 50 ms: 50 s)
// before the collector finds it.
const LONG = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' ');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function expectError(promise, name) {
  try {
    await promise;
  } catch (error) {
    if (name === undefined || error?.name === name) return;
    throw new Error(`memory: expected a ${name}, got ${error?.name}: ${error?.message}`);
  }
  throw new Error(`memory: expected the stream to fail${name ? ` with a ${name}` : ''}`);
}

async function readAll(stream) {
  let chunks = 0;
  for await (const chunk of stream) chunks += chunk.length > 0 ? 1 : 0;
  return chunks;
}

async function readOneAndDrop(trickle) {
  const stream = trickle.stream(LONG, { delayMs: 50 });
  await stream.next();
  // Returning drops the only reference: the finalizer must free its C++ state.
}

// Each way ends one stream; `end(trickle, fetch)` resolves once it has ended as intended. A
// fourth element names the feature of ctx.features() the way needs.
const WAYS = [
  ['read to the end', async (trickle) => {
    if (await readAll(trickle.stream(WORDS, { delayMs: 1 })) !== 20) throw new Error('memory: a stream gave other than 20 chunks');
  }],
  ['break after the first chunk', async (trickle) => {
    for await (const chunk of trickle.stream(WORDS, { delayMs: 1 })) { void chunk; break; }
  }],
  ['abort after the first chunk', async (trickle) => {
    const controller = new AbortController();
    await expectError((async () => {
      for await (const chunk of trickle.stream(WORDS, { delayMs: 1, signal: controller.signal })) { void chunk; controller.abort(); }
    })(), 'AbortError');
  }],
  ['time-out (timeoutMs 5, a chunk every second)', (trickle) => expectError(readAll(trickle.stream(WORDS, { delayMs: 1000, timeoutMs: 5 })), 'TimeoutError')],
  ['failAfter 2', (trickle) => expectError(readAll(trickle.stream(WORDS, { delayMs: 1, failAfter: 2 })), 'Error')],
  ['dropped half-read, garbage-collected', readOneAndDrop],
  ['timing model (ttftMs, tokensPerSecond), to the end', async (trickle) => {
    if (await readAll(trickle.stream(WORDS, { ttftMs: 2, tokensPerSecond: 1000 })) !== 20) throw new Error('memory: a timed stream lost chunks');
  }, 'preset'],
  ['wire: OpenAI SSE body, cancelled after the first read', async (trickle, fetch) => {
    const response = await fetch('https://api.openai.com/v1/chat/completions', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const reader = response.body.getReader();
    await reader.read();
    await reader.cancel();
  }, 'fetch'],
];

function measure(trickle) {
  const stats = trickle.stats();
  return { wasm: stats.heapBytesInUse, live: stats.liveStreams, timers: stats.scheduledTimers, js: process.memoryUsage().heapUsed };
}

// Collects until every stream of the batch has gone from wasm (the dropped ones need the
// collector and then their finalizers), for at most 10 s.
async function settle(ctx, trickle, live) {
  const started = performance.now();
  for (;;) {
    await ctx.fullGc();
    if (trickle.stats().liveStreams <= live || performance.now() - started > 10_000) return;
    await sleep(20);
  }
}

async function requires(ctx) {
  const { stats } = await ctx.features();
  return stats === true ? null : `${stats}: the heap and the streams alive cannot be read`;
}

async function run(ctx) {
  const batch = ctx.size(200, 1_000);
  const batches = ctx.rounds;
  const trickle = await ctx.createTrickle();
  const features = await ctx.features();
  const fetch = features.fetch === true ? trickle.createFetch({ delayMs: 1, reply: () => WORDS }) : null;
  const ways = WAYS.filter(([way, , , needs]) => {
    if (needs === undefined || features[needs] === true) return true;
    ctx.skip(`memory after streams ended by ${way}`, features[needs]);
    return false;
  });
  const rssStart = process.memoryUsage().rss;
  // One batch of every way first, so that pools and tables are at their working size.
  ctx.log('memory: warm-up batch of every way');
  for (const [, end] of ways) await Promise.all(Array.from({ length: batch }, () => end(trickle, fetch)));
  await settle(ctx, trickle, 0);
  const groupStart = measure(trickle);
  const rows = [];
  // Until a way leaves something behind, the worst is shared by all of them.
  const worst = { wasm: { bytes: 0, way: 'every way', median: 0 }, js: { bytes: 0, way: 'every way', median: 0 }, live: { count: 0, way: 'every way' } };
  for (const [way, end] of ways) {
    await settle(ctx, trickle, 0);
    const before = measure(trickle);
    const wasm = [];
    const js = [];
    let live = 0;
    let aliveAtEnd = 0;
    for (let b = 0; b < batches; b++) {
      ctx.log(`memory: ${way}, batch ${b + 1}/${batches}`);
      await Promise.all(Array.from({ length: batch }, () => end(trickle, fetch)));
      aliveAtEnd = Math.max(aliveAtEnd, trickle.stats().liveStreams - before.live);
      await settle(ctx, trickle, before.live);
      const after = measure(trickle);
      wasm.push(after.wasm - before.wasm);
      js.push(after.js - before.js);
      live = Math.max(live, after.live - before.live);
    }
    const worstWasm = wasm.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
    const worstJs = js.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
    const met = Math.abs(worstWasm) <= 64 * 1024 && Math.abs(worstJs) <= 1024 * 1024 && live === 0;
    if (Math.abs(worstWasm) > Math.abs(worst.wasm.bytes)) worst.wasm = { bytes: worstWasm, way, median: median(wasm) };
    if (Math.abs(worstJs) > Math.abs(worst.js.bytes)) worst.js = { bytes: worstJs, way, median: median(js) };
    if (live > worst.live.count) worst.live = { count: live, way };
    rows.push([way, `${formatBytes(median(wasm))} (worst ${formatBytes(worstWasm)})`, `${formatBytes(median(js))} (worst ${formatBytes(worstJs)})`,
      `${aliveAtEnd} → ${live}`, verdict(met)]);
  }
  const groupEnd = measure(trickle);
  // The summary gives the batch furthest from the baseline, the way it came from, and that
  // way's median over its batches.
  ctx.goal({ goal: `wasm heap after ${batches} batches of ${count(batch)} ended streams, worst (${worst.wasm.way})`, measured: formatBytes(worst.wasm.bytes),
    spread: `median ${formatBytes(worst.wasm.median)}`, target: '±64 KiB', met: Math.abs(worst.wasm.bytes) <= 64 * 1024 });
  ctx.goal({ goal: `JS heap after gc(), worst (${worst.js.way})`, measured: formatBytes(worst.js.bytes),
    spread: `median ${formatBytes(worst.js.median)}`, target: '±1 MiB', met: Math.abs(worst.js.bytes) <= 1024 * 1024 });
  ctx.goal({ goal: `streams alive in wasm after gc(), worst (${worst.live.way})`, measured: String(worst.live.count), target: '0', met: worst.live.count === 0 });
  const rssEnd = process.memoryUsage().rss;
  ctx.out(`${batches} batches of ${count(batch)} streams per way; after each batch a forced collection, then the change since just before the way's first batch `
    + '(the median over the batches, and the one furthest from 0).\n');
  ctx.out(table(['streams ended by', { title: 'wasm heap Δ (goal ±64 KiB)', right: true }, { title: 'JS heap Δ after gc (goal ±1 MiB)', right: true },
    { title: 'streams alive in wasm: as the batch ends → after gc (goal 0)', right: true }, 'goals met'], rows));
  ctx.out(`\nFrom the start of the measured batches to the end: wasm heap ${formatBytes(groupStart.wasm)} → ${formatBytes(groupEnd.wasm)}, `
    + `JS heap ${formatBytes(groupStart.js)} → ${formatBytes(groupEnd.js)}; RSS ${formatBytes(rssStart)} at the start of the group, ${formatBytes(rssEnd)} at its end `
    + '(RSS keeps what wasm memory grew to: a wasm memory never shrinks). Both modules are counted (stats() adds them up).');
}

export default { title: 'Memory: what ended streams leave behind', requires, run };
