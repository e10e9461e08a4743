// The long soak (`scripts/bench --soak`, or `node --expose-gc scripts/soak.mjs [--quick]`):
// one stream of a million chunks, then 100,000 streams ended in each of ten ways, each way
// in batches of 10,000 at once. Before and after each part: the wasm heap (both modules),
// the JS heap after a forced collection, RSS, and the streams and timers still alive in
// wasm; and, for comparison, what plain JS async generators ended by their own
// AbortControllers leave in Node's heap. Not a test: it takes minutes. It exits with 1 when a stream or a timer is left
// behind, the wasm heap ends more than 64 KiB or the JS heap more than 1 MiB above where
// the part began, or a stream ends other than its way says; 0 otherwise.
import { fileURLToPath } from 'node:url';
import createTrickle from '../dist/js/trickle.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with node --expose-gc (scripts/bench --soak does)');
  process.exit(2);
}
const quick = process.argv.includes('--quick');
const STREAMS = quick ? 10_000 : 100_000;
const BATCH = quick ? 2_000 : 10_000;
const BIG = quick ? 100_000 : 1_000_000;
const WORDS = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
const LONG = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' ');

const trickle = await createTrickle();
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

async function collect() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await sleep(10); // finalizers run on a later turn
  }
}

async function snapshot() {
  await collect();
  const stats = trickle.stats();
  return { wasm: stats.heapBytesInUse, live: stats.liveStreams, timers: stats.scheduledTimers, js: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
}

async function readAll(stream) {
  let chunks = 0;
  for await (const chunk of stream) chunks += chunk.length > 0 ? 1 : 0;
  return chunks;
}

async function failsWith(promise, name) {
  try {
    await promise;
  } catch (error) {
    if (error?.name === name) return;
    throw new Error(`expected a ${name}, got ${error?.name}: ${error?.message}`);
  }
  throw new Error(`expected a ${name}, the stream ended well`);
}

// Each way: `one(i)` ends one stream as the way says; `batch(count)`, when given, ends a
// whole batch at once instead (a shared signal).
const WAYS = [
  ['read to the end', { one: async () => { if (await readAll(trickle.stream(WORDS, { delayMs: 0 })) !== 20) throw new Error('chunks lost'); } }],
  ['break after the first chunk', { one: async () => { for await (const chunk of trickle.stream(WORDS, { delayMs: 1 })) { void chunk; break; } } }],
  ['return() before any read', { one: async () => { await trickle.stream(WORDS, { delayMs: 1 }).return(); } }],
  ['throw() after the first chunk', { one: async () => {
    const stream = trickle.stream(WORDS, { delayMs: 1 });
    await stream.next();
    await failsWith(stream.throw(Object.assign(new Error('stop'), { name: 'StopError' })), 'StopError');
  } }],
  ['abort after the first chunk', { one: async () => {
    const controller = new AbortController();
    await failsWith((async () => {
      for await (const chunk of trickle.stream(WORDS, { delayMs: 1, signal: controller.signal })) { void chunk; controller.abort(); }
    })(), 'AbortError');
  } }],
  ['one signal aborting the whole batch while it waits', { batch: async (count) => {
    const controller = new AbortController();
    const waiting = Array.from({ length: count }, () => trickle.stream(WORDS, { delayMs: 60_000, signal: controller.signal }).next());
    await sleep(1);
    controller.abort();
    const outcomes = await Promise.allSettled(waiting);
    if (!outcomes.every((o) => o.status === 'rejected' && o.reason?.name === 'AbortError')) throw new Error('a stream was not aborted');
  } }],
  ['time-out (timeoutMs 2, a chunk every second)', { one: () => failsWith(readAll(trickle.stream(WORDS, { delayMs: 1000, timeoutMs: 2 })), 'TimeoutError') }],
  ['failAfter 2', { one: () => failsWith(readAll(trickle.stream(WORDS, { delayMs: 0, failAfter: 2 })), 'Error') }],
  ['dropped half-read, garbage-collected', { one: async () => { await trickle.stream(LONG, { delayMs: 50 }).next(); } }],
  ['made and never read', { one: async () => { trickle.stream(WORDS, { delayMs: 1 }); } }],
];

const rows = [];
let failed = false;

async function part(name, work, { reference = false } = {}) {
  const before = await snapshot();
  const started = performance.now();
  let error = null;
  try {
    await work();
  } catch (caught) {
    error = caught;
  }
  const seconds = (performance.now() - started) / 1000;
  let after = await snapshot();
  // Dropped streams wait for the collector and then their finalizers: give them 10 s.
  for (let waited = 0; after.live > 0 && waited < 10_000; waited += 50) {
    await sleep(50);
    after = await snapshot();
  }
  const wasm = after.wasm - before.wasm;
  const js = after.js - before.js;
  const ok = error === null && after.live === 0 && after.timers === 0 && Math.abs(wasm) <= 64 * 1024 && Math.abs(js) <= 1024 * 1024;
  if (!ok && !reference) failed = true;
  rows.push([name, seconds.toFixed(1), kib(before.wasm), kib(after.wasm), mib(before.js), mib(after.js), mib(before.rss), mib(after.rss),
    `${after.live} / ${after.timers}`, error ? `**no**: ${error.message}` : reference ? '(no trickle: for comparison)' : ok ? 'yes' : '**no**']);
  console.error(`soak: ${name}: ${seconds.toFixed(1)} s, wasm ${kib(before.wasm)} -> ${kib(after.wasm)}, JS ${mib(before.js)} -> ${mib(after.js)}, live ${after.live}`);
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

// What Node itself keeps after the same ending with no trickle: a JS async generator paced
// by a 1 ms timer, each read aborted by its own AbortController. In a fresh process of its
// own: V8 keeps hash tables at the largest size a burst gave them (Node's DOMException and
// Event bookkeeping among them), so run after trickle's parts it would find them grown.
async function* paced(signal) {
  for (const word of WORDS.split(' ')) {
    await sleep(1);
    signal.throwIfAborted();
    yield word;
  }
}
const REFERENCE = `${STREAMS.toLocaleString('en')} JS async generators, no trickle, in a fresh process: abort after the first chunk`;
if (process.argv.includes('--reference')) {
  await part(REFERENCE, async () => {
    for (let done = 0; done < STREAMS; done += BATCH) {
      await Promise.all(Array.from({ length: Math.min(BATCH, STREAMS - done) }, async () => {
        const controller = new AbortController();
        await failsWith((async () => {
          for await (const word of paced(controller.signal)) { void word; controller.abort(); }
        })(), 'AbortError');
      }));
    }
  }, { reference: true });
  console.log(JSON.stringify(rows[0]));
  process.exit(0);
}
await part(`one stream of ${BIG.toLocaleString('en')} chunks, read to the end`, async () => {
  const text = Array.from({ length: BIG }, (_, i) => `w${i % 1000}`).join(' ');
  if (await readAll(trickle.stream(text, { delayMs: 0 })) !== BIG) throw new Error('chunks lost');
});
for (const [name, { one, batch }] of WAYS) {
  await part(`${STREAMS.toLocaleString('en')} streams: ${name}`, async () => {
    for (let done = 0; done < STREAMS; done += BATCH) {
      const count = Math.min(BATCH, STREAMS - done);
      if (batch) await batch(count);
      else await Promise.all(Array.from({ length: count }, (_, i) => one(done + i)));
    }
  });
}

{
  const { execFileSync } = await import('node:child_process');
  const args = ['--expose-gc', fileURLToPath(import.meta.url), '--reference', ...(quick ? ['--quick'] : [])];
  try {
    rows.push(JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })));
  } catch (error) {
    rows.push([REFERENCE, '', '', '', '', '', '', '', '', `**not measured**: ${error.message}`]);
  }
}

console.log(`# trickle soak${quick ? ' (quick)' : ''}\n`);
console.log(`Node ${process.version}; ${STREAMS.toLocaleString('en')} streams per way in batches of ${BATCH.toLocaleString('en')}; heaps after a forced collection. `
  + 'Goals: nothing left alive, the wasm heap within 64 KiB and the JS heap within 1 MiB of where each part began.\n');
console.log('| part | seconds | wasm heap before | after | JS heap before | after | RSS before | after | streams / timers left | goals met |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
process.exit(failed ? 1 : 0);
