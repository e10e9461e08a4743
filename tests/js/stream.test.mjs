// The JS module: what a user of `trickle.stream()` and `trickle.chat()` relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle from '../../src/js/trickle.mjs';
import { collect } from './support.mjs';

const SEED_SENTENCE = '你好 我 是 一个 模拟 的 LLM';
const trickle = await createTrickle();
// For exact timing: time moves only when a test advances it.
const manual = await createTrickle({ clock: 'manual' });
const clock = manual.clock;

test('the seed sentence gives its seven words, in order', async () => {
  assert.deepEqual(await collect(trickle.stream(SEED_SENTENCE, { delayMs: 1 })),
    ['你好', '我', '是', '一个', '模拟', '的', 'LLM']);
});

test('whitespace mode splits like Python str.split(), U+3000 and tabs included', async () => {
  assert.deepEqual(await collect(trickle.stream('  你好\u3000世界\t\nhi  ', { delayMs: 0 })), ['你好', '世界', 'hi']);
});

test('space mode splits like JS split(" "), keeping empty pieces', async () => {
  const text = 'a  b c ';
  assert.deepEqual(await collect(trickle.stream(text, { delayMs: 0, split: 'space' })), text.split(' '));
});

test('char mode gives one code point per piece, surrogate pairs kept whole', async () => {
  assert.deepEqual(await collect(trickle.stream('你好 😀!', { delayMs: 0, split: 'char' })), ['你', '好', ' ', '😀', '!']);
});

test('grapheme mode gives what a reader sees as one character: emoji sequences, flags, marks, Hangul, CRLF', async () => {
  const text = '👨‍👩‍👧‍👦🇫🇷e\u0301각\r\nक्षि👍🏽!';
  assert.deepEqual(await collect(trickle.stream(text, { delayMs: 0, split: 'grapheme' })),
    ['👨‍👩‍👧‍👦', '🇫🇷', 'e\u0301', '각', '\r\n', 'क्षि', '👍🏽', '!']);
  // The same family emoji in char mode: seven code points, three of them invisible joiners.
  assert.equal((await collect(trickle.stream('👨‍👩‍👧‍👦', { delayMs: 0, split: 'char' }))).length, 7);
});

// Intl.Segmenter speaks the runtime's Unicode: the same as the tables' (17.0) in Node 20,
// older in Debian 12's Node 18 (ICU 72, Unicode 15.0, which cuts Indic conjuncts apart), where
// scripts/test runs this file too. The C++ suite checks every line of the UCD's own test.
const SEGMENTER_UNICODE = Number.parseFloat(process.versions.unicode);
const OLDER_SEGMENTER = SEGMENTER_UNICODE < 17 && `Intl.Segmenter here is Unicode ${process.versions.unicode}, the tables 17.0`;

test('grapheme mode agrees with Intl.Segmenter (Unicode 17 in both) on mixed scripts and random strings', { skip: OLDER_SEGMENTER }, async () => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  const expected = (text) => Array.from(segmenter.segment(text), ({ segment }) => segment);
  const samples = [
    'Hello, 世界! مرحبا بالعالم', 'नमस्ते दुनिया', 'ຍິນດີຕ້ອນຮັບ', 'ព្រះរាជាណាចក្រកម្ពុជា', '🏳️‍🌈🏴‍☠️👩🏾‍💻🧑‍🤝‍🧑',
    'Ａｂｃ\u3000テスト', 'Z̤̈a̶l̴g̷o', '\r\n\n\r', '1️⃣#️⃣', '🇺🇳🇪🇺🇦',
  ];
  // Random strings from a fixed, seeded mix of the characters that grapheme rules care about.
  const pool = [...'aé\u0301\u200d\u200c\r\n\t 가각각👍🏽🏻🇫🇷क्षिত্র\u0e33\ufe0f\u20e3', '\u{1F9D1}', '\u{E0020}', '\u{1F3F4}'];
  let state = 7;
  const random = () => { state = (state * 1103515245 + 12345) % 2 ** 31; return state / 2 ** 31; };
  for (let i = 0; i < 300; i++) {
    let text = '';
    for (let n = Math.floor(random() * 12) + 1; n > 0; n--) text += pool[Math.floor(random() * pool.length)];
    samples.push(text);
  }
  for (const text of samples) {
    assert.deepEqual(await collect(trickle.stream(text, { delayMs: 0, split: 'grapheme' })), expected(text), JSON.stringify(text));
  }
});

test('pieces() gives at once the pieces a stream yields, in every mode, and agrees with Intl.Segmenter for graphemes', async () => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  const samples = [
    '', ' ', 'a', '  two  spaces  ', 'tab\tand\nnewline\u3000ideographic space', 'Hello, 世界! مرحبا بالعالم',
    '👨‍👩‍👧‍👦 🇺🇳🇪🇺 1️⃣ Z̤̈a̶l̴g̷o \r\n\n\r', 'lone \ud800 surrogates \udfff', 'नमस्ते दुनिया ព្រះរាជាណាចក្រ',
  ];
  // One long text, well past one batch of pieces (2,048 per call into wasm).
  samples.push(Array.from({ length: 3000 }, (_, i) => `${i % 7 === 0 ? '👩🏽‍💻' : 'w'}${i}${i % 5 === 0 ? '\u0301' : ''}${i % 3 ? ' ' : '  '}`).join(''));
  samples.push(Array.from({ length: 5000 }, (_, i) => ['流', 'a', ' ', 'é', '🇫🇷', '\r\n'][i % 6]).join(''));
  for (const text of samples) {
    for (const split of ['whitespace', 'space', 'char', 'grapheme', 'tokens']) {
      const streamed = await collect(trickle.stream(text, { delayMs: 0, split }));
      assert.deepEqual(await trickle.pieces(text, { split }), streamed, `${split}: ${JSON.stringify(text.slice(0, 40))}`);
    }
    const inCl100k = await collect(trickle.stream(text, { delayMs: 0, split: 'tokens', encoding: 'cl100k_base' }));
    assert.deepEqual(await trickle.pieces(text, { split: 'tokens', encoding: 'cl100k_base' }), inCl100k);
    if (!OLDER_SEGMENTER) {
      const wellFormed = text.toWellFormed?.() ?? text;
      assert.deepEqual(await trickle.pieces(text, { split: 'grapheme' }), Array.from(segmenter.segment(wellFormed), ({ segment }) => segment));
    }
  }
  assert.deepEqual(await trickle.pieces('the default  cut'), ['the', 'default', 'cut'], 'whitespace, as a stream');
  assert.equal((await trickle.pieces('x'.repeat(10000), { split: 'char' })).length, 10000);
  // Nothing is kept: the wasm heap is back where it was.
  const before = trickle.stats().heapBytesInUse;
  for (let i = 0; i < 20; i++) assert.equal((await trickle.pieces('y '.repeat(100000), { split: 'space' })).length, 100001);
  for (let i = 0; i < 5; i++) assert.equal((await trickle.pieces('z '.repeat(50000), { split: 'grapheme' })).length, 100000);
  const kept = trickle.stats().heapBytesInUse - before;
  assert.ok(kept <= 64 * 1024, `${kept} bytes kept`);
});

test('pieces() of millions of pieces gives every one, in order, in batches joined in groups', async () => {
  // 2,100,000 pieces: 1,026 batches of 2,048, past the 1,024 batches joined by one concat().
  const count = 2_100_000;
  const text = Array.from({ length: count }, (_, i) => String(i % 7)).join(' ');
  const pieces = await trickle.pieces(text, { split: 'whitespace' });
  assert.equal(pieces.length, count);
  for (let i = 0; i < count; i++) if (pieces[i] !== String(i % 7)) assert.fail(`piece ${i} is ${JSON.stringify(pieces[i])}, not "${i % 7}"`);
  // and a few batches, joined at once
  assert.deepEqual(await trickle.pieces(text.slice(0, 2 * 5000 - 1), { split: 'whitespace' }), Array.from({ length: 5000 }, (_, i) => String(i % 7)));
});

test('pieces() refuses what it cannot cut, with errors that say what to do', async () => {
  await assert.rejects(trickle.pieces(42), { name: 'TypeError', message: 'trickle.pieces: text must be a string, got number 42' });
  await assert.rejects(trickle.pieces('a', { split: 'word' }), { name: 'RangeError', message: /trickle\.pieces: split must be 'whitespace', 'space', 'char', 'grapheme' or 'tokens', got "word"/ });
  await assert.rejects(trickle.pieces('a', { split: 3 }), { name: 'TypeError', message: /split must be a string, got number 3/ });
  await assert.rejects(trickle.pieces('a', { split: 'tokens', encoding: 'p50k_base' }), { name: 'RangeError', message: /encoding must be 'o200k_base' or 'cl100k_base'/ });
  await assert.rejects(trickle.pieces('a', { encoding: 'cl100k_base' }), { name: 'TypeError', message: /encoding is the tokenizer's, for split: 'tokens'; these pieces are cut by whitespace/ });
  await assert.rejects(trickle.pieces('a', { delayMs: 0 }), { name: 'TypeError', message: /unknown option "delayMs" \(known: split, encoding\)/ });
  await assert.rejects(trickle.pieces('a', 'grapheme'), { name: 'TypeError', message: /options must be an object/ });
  await assert.rejects(trickle.pieces('x'.repeat(2 ** 27 + 1)), { name: 'RangeError', message: /the most a stream takes is 134217728/ });
  assert.deepEqual(await trickle.pieces('still fine'), ['still', 'fine']);
});

test('the suffix is appended to every piece', async () => {
  assert.deepEqual(await collect(trickle.stream('a b', { delayMs: 0, suffix: ' ' })), ['a ', 'b ']);
  assert.deepEqual(await collect(trickle.stream('a b', { delayMs: 0, suffix: '|' })), ['a|', 'b|']);
});

test('chat() streams the FastAPI template word by word, a space after each', async () => {
  const chunks = await collect(trickle.chat('今天天气怎么样?', { delayMs: 0 }));
  assert.deepEqual(chunks, ['你提问的是: ', '今天天气怎么样?, ', '我正在流式生成答案... ']);
  assert.equal(trickle.chatText('hi'), '你提问的是: hi, 我正在流式生成答案...');
  assert.equal(chunks.join(''), `${trickle.chatText('今天天气怎么样?').split(/\s+/).join(' ')} `);
});

test('empty or all-whitespace text gives a stream that ends at once', async () => {
  for (const split of ['whitespace', 'space', 'char']) {
    const started = performance.now();
    assert.deepEqual(await collect(trickle.stream('', { split, delayMs: 10_000 })), []);
    assert.ok(performance.now() - started < 1000);
  }
  assert.deepEqual(await collect(trickle.stream(' \t\u3000', { delayMs: 10_000 })), []);
});

test('a large text streams completely at zero delay, in batches', async () => {
  const words = Array.from({ length: 100_000 }, (_, i) => `w${i}`);
  const chunks = await collect(trickle.stream(words.join(' '), { delayMs: 0 }));
  assert.equal(chunks.length, words.length);
  assert.deepEqual(chunks.slice(0, 3), ['w0', 'w1', 'w2']);
  assert.equal(chunks.at(-1), 'w99999');
});

test("a chunk's result has V8's iterator-result shape, and V8 keeps it in the young generation", async () => {
  // What makes a zero-delay stream fast, checked in V8's own terms in a child process: each
  // result shares its shape with an array iterator's (Promise.resolve() and `for await` are
  // quickest on it), and V8 never decides to allocate results in the old generation. That
  // decision used to be made when a read began while a large heap was being marked: here, a
  // million words built after createTrickle(), as the benchmark does. The trace prints one
  // line per decision; without settleChunkSite() (stream/stream.mjs) it said "tenure".
  const { execFile } = await import('node:child_process');
  const script = `
    import createTrickle from ${JSON.stringify(new URL('../../src/js/trickle.mjs', import.meta.url).href)};
    import { textOf } from ${JSON.stringify(new URL('../../scripts/benchmarks/shared/texts.mjs', import.meta.url).href)};
    const trickle = await createTrickle();
    const text = textOf('english', 1_000_000);
    let count = 0;
    for await (const chunk of trickle.stream(text, { delayMs: 0 })) count += chunk.length > 0 ? 1 : 0;
    const reference = [1].values().next();
    const stream = trickle.stream('one two', { delayMs: 0 });
    const results = [await stream.next(), await stream.next(), await stream.next()];
    console.log(JSON.stringify({ count, results, sameShape: results.slice(0, 2).map((result) => %HaveSameMap(result, reference)) }));
  `;
  const output = await new Promise((resolve, reject) => {
    execFile(process.execPath, ['--allow-natives-syntax', '--trace-pretenuring-statistics', '--input-type=module', '-e', script],
      { timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  const lines = output.trim().split('\n');
  const { count, results, sameShape } = JSON.parse(lines.at(-1));
  assert.equal(count, 1_000_000);
  // (JSON leaves out the end's value: undefined.)
  assert.deepEqual(results, [{ value: 'one', done: false }, { value: 'two', done: false }, { done: true }]);
  assert.deepEqual(sameShape, [true, true], "a chunk's result has the shape of V8's own iterator results");
  // A busy machine may give no decision at all (too few survivors seen): that is young too.
  const decisions = lines.filter((line) => line.includes('pretenuring: AllocationSite'));
  assert.deepEqual(decisions.filter((line) => / => (tenure|maybe tenure)$/.test(line.trim())), [], 'no allocation site was pretenured');
});

test('streams read side by side keep their own chunks while ended streams hand their buffers on', async () => {
  // Each stream buffers a batch of chunks at a time; the buffers of streams that end (read
  // to the end, returned, aborted) go to streams started later. Rounds of streams read in
  // turn, one chunk each, must each see exactly their own words.
  const textOf = (s) => Array.from({ length: 2_500 + s * 37 }, (_, i) => `s${s}w${i}`).join(' ');
  for (let round = 0; round < 4; round++) {
    const readers = Array.from({ length: 12 }, (_, k) => {
      const s = round * 12 + k;
      const controller = new AbortController();
      return { s, controller, words: textOf(s).split(' '), got: [], stream: trickle.stream(textOf(s), { delayMs: 0, signal: controller.signal }) };
    });
    let open = readers.slice();
    while (open.length > 0) {
      for (const reader of open) {
        const { s, got } = reader;
        if (got.length === 1_000 + s * 10 && s % 3 === 1) {
          await reader.stream.return();
          reader.ended = 'returned';
        } else if (got.length === 1_500 + s && s % 3 === 2) {
          reader.controller.abort();
          await assert.rejects(reader.stream.next(), { name: 'AbortError' });
          reader.ended = 'aborted';
        } else {
          const { value, done } = await reader.stream.next();
          if (done) reader.ended = 'done';
          else got.push(value);
        }
      }
      open = open.filter((reader) => reader.ended === undefined);
    }
    for (const { s, words, got, ended } of readers) {
      assert.deepEqual(got, words.slice(0, got.length), `stream ${s} (${ended})`);
      if (ended === 'done') assert.equal(got.length, words.length, `stream ${s}`);
    }
  }
});

// The event loop's glue (performance.now() and one setTimeout), with loose bounds: the
// other timing tests run on a manual clock.
test('chunks arrive on schedule with real timers, never early', async () => {
  const delayMs = 40;
  const stream = trickle.stream('a b c d e', { delayMs });
  const started = performance.now();
  const arrivals = [];
  for await (const chunk of stream) arrivals.push([chunk, performance.now() - started]);
  assert.deepEqual(arrivals.map(([chunk]) => chunk), ['a', 'b', 'c', 'd', 'e']);
  arrivals.forEach(([chunk, at], i) => {
    assert.ok(at >= (i + 1) * delayMs, `${chunk} arrived early: ${at.toFixed(2)} ms < ${(i + 1) * delayMs} ms`);
  });
  // Loose upper bound: deadlines are absolute, so lateness does not add up.
  assert.ok(arrivals.at(-1)[1] < 5 * delayMs + 150, `last chunk at ${arrivals.at(-1)[1]} ms`);
});

test('the schedule starts at the first next(), not when the stream is created', async () => {
  const stream = manual.stream('a', { delayMs: 60 });
  await clock.advance(100);
  const asked = clock.now();
  const first = stream.next().then((result) => [clock.now() - asked, result.value]);
  await clock.advance(60);
  assert.deepEqual(await first, [60, 'a']);
});

test('a consumer that falls behind gets the chunks already due at once, and the rest on schedule', async () => {
  const stream = manual.stream('a b c d', { delayMs: 20 });
  const start = clock.now();
  const first = stream.next();
  await clock.advance(20);
  assert.equal((await first).value, 'a');
  await clock.advance(50); // b and c are due meanwhile (at 40 and 60)
  assert.equal((await stream.next()).value, 'b');
  assert.equal((await stream.next()).value, 'c');
  const fourth = stream.next().then((result) => [clock.now() - start, result.value]);
  await clock.advance(10);
  assert.deepEqual(await fourth, [80, 'd'], 'd keeps its own deadline: lateness did not add up');
  assert.equal((await stream.next()).done, true);
});

test('next() after the end resolves { value: undefined, done: true }, forever', async () => {
  const stream = trickle.stream('only', { delayMs: 0 });
  assert.deepEqual(await stream.next(), { value: 'only', done: false });
  for (let i = 0; i < 5; i++) assert.deepEqual(await stream.next(), { value: undefined, done: true });
});

test('next() calls made without awaiting resolve in order', async () => {
  const stream = trickle.stream('one two three four', { delayMs: 15 });
  const order = [];
  const pending = [stream.next(), stream.next(), stream.next(), stream.next(), stream.next()];
  pending.forEach((promise, i) => promise.then((result) => order.push([i, result.value, result.done])));
  await Promise.all(pending);
  assert.deepEqual(order, [[0, 'one', false], [1, 'two', false], [2, 'three', false], [3, 'four', false], [4, undefined, true]]);
});

test('the stream is its own async iterator and implements return() and throw()', async () => {
  const stream = trickle.stream('a b c', { delayMs: 0 });
  assert.equal(stream[Symbol.asyncIterator](), stream);
  assert.deepEqual(await stream.return('bye'), { value: 'bye', done: true });
  assert.deepEqual(await stream.next(), { value: undefined, done: true });

  const other = trickle.stream('a b c', { delayMs: 0 });
  const reason = new Error('consumer gave up');
  await assert.rejects(other.throw(reason), (error) => error === reason);
  assert.deepEqual(await other.next(), { value: undefined, done: true });
});

test('an error inside C++ rejects the pending next() with an Error carrying its message', async () => {
  const stream = trickle.stream('a b c d', { delayMs: 5, failAfter: 2, failMessage: 'connection reset by peer' });
  const received = [];
  await assert.rejects(async () => {
    for await (const chunk of stream) received.push(chunk);
  }, (error) => error instanceof Error && error.message === 'connection reset by peer');
  assert.deepEqual(received, ['a', 'b']);
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
  assert.equal(trickle.stats().liveStreams, 0);
});

test('a lone surrogate becomes U+FFFD, as TextEncoder does; other text is untouched', async () => {
  assert.deepEqual(await collect(trickle.stream('a\uD800b c\uDC00 😀', { delayMs: 0 })), ['a\uFFFDb', 'c\uFFFD', '😀']);
  assert.deepEqual(await collect(trickle.stream('\uDBFF', { delayMs: 0, split: 'char' })), ['\uFFFD']);
  assert.deepEqual(await collect(trickle.chat('\uD83D', { delayMs: 0 })), ['你提问的是: ', '\uFFFD, ', '我正在流式生成答案... ']);
});
