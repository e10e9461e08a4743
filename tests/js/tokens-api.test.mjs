// Tokens in the public API: trickle.tokenize / detokenize / countTokens against gpt-tokenizer,
// the tokenizer's lazy loading (once per instance, only what is used), streams cut into
// tokens (split: 'tokens': whole code points, each chunk charged its tokens, on a manual
// clock to the millisecond), tokensPerChunk and the presets' chunk shapes, and the usage the
// wire formats report through the official clients, which must be the real token counts.
//
// The reference for which tokens a chunk holds is built here from tiktoken's bytes of each
// token: a chunk ends after a token whose bytes end on a code point boundary of the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import { get_encoding } from 'tiktoken';
import createTrickle, { ManualClock } from '../../src/js/trickle.mjs';
import { anthropic, gemini, ollama, openaiChat, openaiResponses } from './clients.mjs';
import { assertNothingLeft, collect, runUntilSettled } from './support.mjs';
import { random, randomUnicode, tokenCorpus } from './token-corpus.mjs';

const REFERENCE = { o200k_base: o200k, cl100k_base: cl100k };
const ENCODINGS = Object.keys(REFERENCE);
// gpt-tokenizer, with special tokens as plain text (its default throws on them). For
// special tokens the reference is tiktoken's encode(text, 'all').
const PLAIN = { disallowedSpecial: new Set() };

const tiktokens = {};
const tiktoken = (encoding) => (tiktokens[encoding] ??= get_encoding(encoding));

const build = (path) => fileURLToPath(new URL(`../../build/wasm/${path}`, import.meta.url));

const trickle = await createTrickle();

// A few hundred texts of every kind the tokenizer corpus has (prose in many scripts, code,
// numbers, white space, emoji, special-token look-alikes, random Unicode), and short random
// strings. Texts with U+FEFF are left to tokens.test.mjs: gpt-tokenizer 4.0.0 loses the
// tokens that start with a BOM (tokens.test.mjs says more).
function varied() {
  const corpus = tokenCorpus().filter(({ kind }) => kind !== 'code');
  const step = Math.floor(corpus.length / 250);
  const texts = corpus.filter((_, i) => i % step === 0).map(({ text }) => text.slice(0, 2000));
  const next = random(97);
  for (let i = 0; i < 100; i++) texts.push(randomUnicode(next, 1 + next.below(40)));
  texts.push('', ' ', 'a', '\n\n', '😀', '👩‍👩‍👧‍👦', "I'm here, aren't you?", '   leading and trailing   ');
  return texts.map((text) => text.toWellFormed()).filter((text) => !text.includes('\ufeff'));
}
const TEXTS = varied();

test('tokenize, countTokens and detokenize agree with gpt-tokenizer on hundreds of varied texts, in both encodings', async () => {
  assert.ok(TEXTS.length >= 300, `${TEXTS.length} texts`);
  for (const encoding of ENCODINGS) {
    for (const text of TEXTS) {
      const expected = REFERENCE[encoding].encode(text, PLAIN);
      const ids = await trickle.tokenize(text, { encoding });
      assert.deepEqual(ids, expected, `${encoding}: ${JSON.stringify(text.slice(0, 80))}`);
      assert.equal(await trickle.countTokens(text, { encoding }), expected.length);
      assert.equal(await trickle.detokenize(ids, { encoding }), text);
    }
  }
  // o200k_base is the default.
  assert.deepEqual(await trickle.tokenize('hello world'), o200k.encode('hello world'));
  assert.deepEqual(await trickle.tokenize('hello world'), [24912, 2375]);
});

test('special tokens are plain text unless allowSpecial, and their ids decode to their text', async () => {
  const text = 'before<|endoftext|>after <|endofprompt|>';
  for (const encoding of ENCODINGS) {
    const plain = await trickle.tokenize(text, { encoding });
    assert.deepEqual(plain, REFERENCE[encoding].encode(text, PLAIN));
    const special = await trickle.tokenize(text, { encoding, allowSpecial: true });
    assert.deepEqual(special, Array.from(tiktoken(encoding).encode(text, 'all')));
    assert.ok(special.length < plain.length);
    assert.equal(await trickle.countTokens(text, { encoding, allowSpecial: true }), special.length);
    assert.equal(await trickle.countTokens(text, { encoding, allowSpecial: false }), plain.length);
    assert.equal(await trickle.detokenize(special, { encoding }), text);
  }
  assert.deepEqual(await trickle.tokenize('<|endoftext|>', { allowSpecial: true }), [199999]);
  assert.deepEqual(await trickle.tokenize('<|endoftext|>', { encoding: 'cl100k_base', allowSpecial: true }), [100257]);
  assert.equal(await trickle.detokenize([100257], { encoding: 'cl100k_base' }), '<|endoftext|>');
  // Typed arrays are ids too.
  assert.equal(await trickle.detokenize(Uint32Array.of(24912, 2375)), 'hello world');
});

test('a token cut inside a character decodes to U+FFFD there, as TextDecoder reads it', async () => {
  const ids = await trickle.tokenize('🫠', { encoding: 'cl100k_base' });
  assert.ok(ids.length > 1, 'the emoji takes several byte tokens');
  assert.equal(await trickle.detokenize(ids, { encoding: 'cl100k_base' }), '🫠');
  const first = await trickle.detokenize(ids.slice(0, 1), { encoding: 'cl100k_base' });
  assert.match(first, /^\uFFFD+$/);
});

test('bad arguments are TypeErrors or RangeErrors that say what is wrong; the instance keeps working', async () => {
  const rejects = (promise, name, message) => assert.rejects(promise, { name, message });
  await rejects(trickle.tokenize(42), 'TypeError', /trickle\.tokenize: text must be a string, got number 42/);
  await rejects(trickle.countTokens(null), 'TypeError', /trickle\.countTokens: text must be a string/);
  await rejects(trickle.tokenize('a', { encoding: 'p50k_base' }), 'RangeError', /encoding must be 'o200k_base' or 'cl100k_base', got "p50k_base"/);
  await rejects(trickle.tokenize('a', { encoding: 200 }), 'TypeError', /encoding must be a string/);
  await rejects(trickle.tokenize('a', { allowSpecial: 'yes' }), 'TypeError', /allowSpecial must be true or false/);
  await rejects(trickle.tokenize('a', { special: true }), 'TypeError', /unknown option "special" \(known: encoding, allowSpecial\)/);
  await rejects(trickle.tokenize('a', 'o200k_base'), 'TypeError', /options must be an object/);
  await rejects(trickle.detokenize('24912'), 'TypeError', /ids must be an array of token ids, got the string "24912"/);
  await rejects(trickle.detokenize([1], { allowSpecial: true }), 'TypeError', /unknown option "allowSpecial"/);
  await rejects(trickle.detokenize([1, -1]), 'RangeError', /ids\[1\] is number -1, not a token id/);
  await rejects(trickle.detokenize([1, 2, 1.5]), 'RangeError', /ids\[2\] is number 1\.5/);
  await rejects(trickle.detokenize(['1']), 'RangeError', /ids\[0\] is the string "1"/);
  await rejects(trickle.detokenize([1, 2 ** 32]), 'RangeError', /ids\[1\] is number 4294967296/);
  // Whole numbers that are no token of the encoding: the vocabulary names the index.
  await rejects(trickle.detokenize([24912, 300000]), 'RangeError', /trickle\.detokenize: token 300000 \(at index 1\) is not in o200k_base/);
  await rejects(trickle.detokenize([1, 100300], { encoding: 'cl100k_base' }), 'RangeError', /token 100300 \(at index 1\) is not in cl100k_base/);
  assert.deepEqual(await trickle.tokenize('still fine'), o200k.encode('still fine'));
  await assert.rejects(createTrickle({ tokenizerWasm: 42 }), { name: 'TypeError', message: /tokenizerWasm must be a URL, a string, the file's bytes or a function/ });
  await assert.rejects(createTrickle({ tokenAssets: { gpt2: '/gpt2.bpe' } }), { name: 'TypeError', message: /unknown option "gpt2" \(known: o200k_base, cl100k_base\)/ });
  await assert.rejects(createTrickle({ tokenAssets: { o200k_base: 7 } }), { name: 'TypeError', message: /tokenAssets\.o200k_base must be/ });
});

test('the tokenizer and each vocabulary load on first use, once per instance, and only what is used', async () => {
  const files = {
    '/trickle-tokenizer.wasm': await readFile(build('trickle-tokenizer.wasm')),
    '/o200k_base.bpe': await readFile(build('tokens/o200k_base.bpe')),
    '/cl100k_base.bpe': await readFile(build('tokens/cl100k_base.bpe')),
  };
  const served = [];
  const server = createServer((request, response) => {
    served.push(request.url);
    const body = files[request.url];
    response.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    const local = await createTrickle({
      tokenizerWasm: `${base}/trickle-tokenizer.wasm`,
      tokenAssets: { o200k_base: new URL('/o200k_base.bpe', base), cl100k_base: `${base}/cl100k_base.bpe` },
    });
    for await (const chunk of local.stream('a b', { delayMs: 0 })) void chunk; // streams need none of it
    assert.deepEqual(served, []);
    await Promise.all([local.tokenize('one'), local.countTokens('two'), local.tokenize('three')]);
    await local.countTokens('four');
    assert.deepEqual(served.sort(), ['/o200k_base.bpe', '/trickle-tokenizer.wasm']);
    await local.countTokens('five', { encoding: 'cl100k_base' });
    assert.deepEqual(served.sort(), ['/cl100k_base.bpe', '/o200k_base.bpe', '/trickle-tokenizer.wasm']);

    // A file that is not there: the error names it and the option that says where it is,
    // and the next call tries again.
    const missing = await createTrickle({ tokenAssets: { o200k_base: `${base}/nowhere.bpe` } });
    await assert.rejects(missing.countTokens('x'), /could not load o200k_base\.bpe from http:\/\/127\.0\.0\.1:\d+\/nowhere\.bpe \(.*404\).*tokenAssets: \{ o200k_base: url \}/);
    await assert.rejects(missing.countTokens('x'), /could not load o200k_base\.bpe/);
    assert.equal(served.filter((url) => url === '/nowhere.bpe').length, 2);
    assert.equal(await missing.countTokens('x', { encoding: 'cl100k_base' }), 1); // beside the module
  } finally {
    server.close();
  }
  // Bytes work too, and a vocabulary given for the wrong encoding is refused.
  const bytes = await createTrickle({
    tokenizerWasm: await readFile(build('trickle-tokenizer.wasm')),
    tokenAssets: { o200k_base: (await readFile(build('tokens/cl100k_base.bpe'))).buffer },
  });
  await assert.rejects(bytes.tokenize('x'), /the vocabulary given is cl100k_base, not o200k_base/);
  // A file that is missing from disk (a package copied without it): the same clear error,
  // from tokenize() and from a stream cut into tokens alike.
  const gone = await createTrickle({ tokenizerWasm: new URL('file:///nonexistent/trickle-tokenizer.wasm') });
  const missingFile = /could not load trickle-tokenizer\.wasm from file:\/\/\/nonexistent\/trickle-tokenizer\.wasm \(ENOENT.*createTrickle\(\{ tokenizerWasm: url \}\)/;
  await assert.rejects(gone.tokenize('x'), missingFile);
  await assert.rejects(collect(gone.stream('x', { split: 'tokens' })), missingFile);
  assertNothingLeft(gone);
  const notWasm = await createTrickle({ tokenizerWasm: new Uint8Array([1, 2, 3]) });
  await assert.rejects(notWasm.tokenize('x'), /not trickle-tokenizer\.wasm/);
});

test('a file option may be a function, called once when the file is first needed (a worker reading its own cache)', async () => {
  const calls = [];
  const loader = (name, give) => async () => {
    calls.push(name);
    return give();
  };
  const trickle = await createTrickle({
    wasm: loader('wasm', () => readFile(build('trickle-wasm.wasm'))),
    fullWasm: loader('fullWasm', () => pathToFileURL(build('trickle-wasm-full.wasm'))),
    tokenizerWasm: loader('tokenizerWasm', async () => (await readFile(build('trickle-tokenizer.wasm'))).buffer),
    tokenAssets: {
      o200k_base: loader('o200k_base', () => readFile(build('tokens/o200k_base.bpe'))),
      cl100k_base: loader('cl100k_base', () => build('tokens/cl100k_base.bpe')), // a path, as a string
    },
  });
  assert.deepEqual(calls, ['wasm']);
  for await (const chunk of trickle.stream('a b', { delayMs: 0 })) void chunk;
  assert.deepEqual(calls, ['wasm'], 'a plain stream needs neither the full module nor the tokenizer');
  assert.deepEqual(await collect(trickle.stream('hello world', { split: 'tokens', delayMs: 0 })), ['hello', ' world']);
  assert.deepEqual(await Promise.all([trickle.tokenize('hello world'), trickle.tokenize('again')]), [o200k.encode('hello world'), o200k.encode('again')]);
  assert.deepEqual(calls, ['wasm', 'fullWasm', 'tokenizerWasm', 'o200k_base']);
  assert.equal(await trickle.countTokens('hello world', { encoding: 'cl100k_base' }), cl100k.encode('hello world').length);
  assert.deepEqual(calls, ['wasm', 'fullWasm', 'tokenizerWasm', 'o200k_base', 'cl100k_base']);

  // A function that returns something else is a TypeError that says what it must return;
  // one that fails is an error that names the file, and the next use calls it again.
  await assert.rejects(createTrickle({ wasm: () => 42 }), { name: 'TypeError', message: /createTrickle: wasm: the function must return \(a promise of\) a URL, a string or the bytes, got number 42/ });
  let failures = 0;
  const flaky = await createTrickle({
    tokenAssets: {
      o200k_base: async () => {
        failures += 1;
        if (failures === 1) throw new Error('offline');
        return readFile(build('tokens/o200k_base.bpe'));
      },
      cl100k_base: () => null,
    },
  });
  await assert.rejects(flaky.countTokens('x'), { name: 'Error', message: "trickle: could not load o200k_base.bpe: the function given as createTrickle's tokenAssets.o200k_base failed (offline)" });
  assert.equal(await flaky.countTokens('x'), 1);
  assert.equal(failures, 2);
  await assert.rejects(flaky.countTokens('x', { encoding: 'cl100k_base' }), { name: 'TypeError', message: /tokenAssets\.cl100k_base: the function must return .* got null/ });
});

// ---- streams cut into tokens ----------------------------------------------------------------

/**
 * The chunks a stream cut into tokens gives, by the reference: [{ text, tokens }], a chunk
 * ending after each token whose bytes end on a code point boundary, merged until each holds
 * at least `perChunk` tokens.
 */
function referenceChunks(text, encoding = 'o200k_base', perChunk = 1) {
  const bytes = Buffer.from(text, 'utf8');
  const boundaries = new Set([0]);
  let at = 0;
  for (const character of text) boundaries.add((at += Buffer.byteLength(character)));
  const chunks = [];
  let start = 0;
  let end = 0;
  let tokens = 0;
  for (const id of REFERENCE[encoding].encode(text, PLAIN)) {
    end += tiktoken(encoding).decode_single_token_bytes(id).length;
    tokens++;
    if (boundaries.has(end) && tokens >= perChunk) {
      chunks.push({ text: bytes.subarray(start, end).toString('utf8'), tokens });
      start = end;
      tokens = 0;
    }
  }
  if (tokens > 0) chunks.push({ text: bytes.subarray(start, end).toString('utf8'), tokens });
  return chunks;
}

// Emoji that the encodings cut into several byte tokens, among words that are one token each.
const EMOJI_TEXT = 'Melting 🫠 faces, a flamingo 🦩 and a family 👩‍👩‍👧 wave 👋🏽 hello.';

/** Every chunk of `stream` with the manual clock's time when it came. */
async function timed(clock, stream) {
  const seen = [];
  await runUntilSettled(clock, (async () => {
    for await (const chunk of stream) seen.push([clock.now(), chunk]);
  })(), 'the stream');
  return seen;
}

test('split tokens: the chunks are the tokenizer\'s, whole code points, and reassemble the text exactly', async () => {
  for (const encoding of ENCODINGS) {
    const expected = referenceChunks(EMOJI_TEXT, encoding);
    assert.ok(expected.some((chunk) => chunk.tokens > 1), `${encoding}: some emoji takes several tokens`);
    const chunks = await collect(trickle.stream(EMOJI_TEXT, { split: 'tokens', encoding, delayMs: 0 }));
    assert.deepEqual(chunks, expected.map((chunk) => chunk.text), encoding);
    assert.equal(chunks.join(''), EMOJI_TEXT);
    for (const chunk of chunks) assert.ok(chunk.isWellFormed(), `${JSON.stringify(chunk)} is whole code points`);
    assert.ok(chunks.includes(' 🫠') || chunks.includes('🫠'), 'the melting face comes out whole');
  }
  for (const text of TEXTS.slice(0, 120)) {
    const chunks = await collect(trickle.stream(text, { split: 'tokens', delayMs: 0 }));
    assert.equal(chunks.join(''), text);
    assert.deepEqual(chunks, referenceChunks(text).map((chunk) => chunk.text));
  }
  assertNothingLeft(trickle);
});

test('on a manual clock a tokens stream starts once the tokenizer is there, and each chunk costs its tokens', async () => {
  const clock = new ManualClock();
  const manual = await createTrickle({ clock });
  const expected = referenceChunks(EMOJI_TEXT);
  let due = 0;
  const schedule = expected.map((chunk) => [(due += 10 * chunk.tokens), chunk.text]);
  // 100 tokens a second: 10 ms a token, from the first next(). The tokenizer loads in real
  // time while the clock stands still (the clock waits for it).
  const stream = manual.stream(EMOJI_TEXT, { split: 'tokens', tokensPerSecond: 100 });
  assert.deepEqual(await timed(clock, stream), schedule);
  assert.deepEqual(await stream.plan(), schedule.map(([at]) => at));
  // A second stream, the tokenizer loaded: the same schedule, from its own first next().
  const start = clock.now();
  const again = await timed(clock, manual.stream(EMOJI_TEXT, { split: 'tokens', tokensPerSecond: 100 }));
  assert.deepEqual(again.map(([at, chunk]) => [at - start, chunk]), schedule);
  // On pace (no timing model): a chunk every delayMs, whatever its tokens.
  const paced = await timed(clock, manual.stream('Hi 🫠!', { split: 'tokens', delayMs: 7 }));
  assert.deepEqual(paced.map(([at, chunk]) => [at - paced[0][0] + 7, chunk]),
    referenceChunks('Hi 🫠!').map((chunk, i) => [7 * (i + 1), chunk.text]));
  assertNothingLeft(manual);
});

test('plan() of a tokens stream gives one offset per chunk, before the tokenizer was ever loaded', async () => {
  const fresh = await createTrickle();
  const stream = fresh.stream(EMOJI_TEXT, { split: 'tokens', encoding: 'cl100k_base', tokensPerSecond: 1000, seed: 5 });
  const plan = await stream.plan();
  assert.equal(plan.length, referenceChunks(EMOJI_TEXT, 'cl100k_base').length);
  let due = 0;
  assert.deepEqual(plan, referenceChunks(EMOJI_TEXT, 'cl100k_base').map((chunk) => (due += chunk.tokens)));
});

test('tokensPerChunk makes chunks of at least that many tokens, each costing what it holds', async () => {
  const clock = new ManualClock();
  const manual = await createTrickle({ clock });
  for (const perChunk of [2, 3, 8]) {
    const expected = referenceChunks(EMOJI_TEXT, 'o200k_base', perChunk);
    assert.ok(expected.slice(0, -1).every((chunk) => chunk.tokens >= perChunk));
    let due = 0;
    const start = clock.now();
    const seen = await timed(clock, manual.stream(EMOJI_TEXT, { split: 'tokens', tokensPerSecond: 50, tokensPerChunk: perChunk }));
    assert.deepEqual(seen.map(([at, chunk]) => [at - start, chunk]), expected.map((chunk) => [(due += 20 * chunk.tokens), chunk.text]));
  }
});

test('the presets give their chunk shape in tokens: gpt-4o one token, claude-sonnet two, gemini-flash eight, without bursts', async () => {
  const text = TEXTS.find((candidate) => candidate.length > 400 && /[a-z]{4} [a-z]{4}/.test(candidate));
  for (const [preset, perChunk] of [['gpt-4o', 1], ['claude-sonnet', 2], ['gemini-flash', 8]]) {
    const stream = trickle.stream(text, { split: 'tokens', preset, seed: 11 });
    const plan = await stream.plan();
    const expected = referenceChunks(text, 'o200k_base', perChunk);
    assert.equal(plan.length, expected.length, preset);
    // Each chunk has its own arrival (the preset's burst is for the other splits).
    for (let i = 1; i < plan.length; i++) assert.ok(plan[i] > plan[i - 1], `${preset}: chunk ${i} after chunk ${i - 1}`);
    assert.deepEqual(await collect(trickle.stream(text, { split: 'tokens', preset, seed: 11, ttftMs: 0, tokensPerSecond: 1e6 })),
      expected.map((chunk) => chunk.text));
  }
  // A burst given with tokens still applies: chunks of one token, two at a time.
  const bursts = await trickle.stream('one two three four five', { split: 'tokens', preset: 'claude-sonnet', burst: 2, tokensPerChunk: 1, seed: 3 }).plan();
  assert.equal(bursts[0], bursts[1]);
  assert.equal(bursts[2], bursts[3]);
  // Word streams keep the presets' bursts.
  const words = await trickle.stream('a b c d e f g h i j', { preset: 'gemini-flash', seed: 3 }).plan();
  assert.equal(new Set(words.slice(0, 8)).size, 1);
});

test("a preset's chunk shape holds in a fetch and in toReadableStream(), on instances that have not loaded the full module yet", async () => {
  const text = 'The quick brown fox jumps over the lazy dog; then the quick brown fox jumps over the lazy dog once more, slowly.';
  const expected = referenceChunks(text, 'o200k_base', 8).map((chunk) => chunk.text);
  assert.ok(expected.length > 2);
  const fast = { split: 'tokens', preset: 'gemini-flash', ttftMs: 0, tokensPerSecond: 1e6 };
  const deltasOf = (body) => [...body.matchAll(/"delta":\{"content":"([^"]*)"\}/g)].map(([, content]) => JSON.parse(`"${content}"`));
  // The presets' figures are the full module's: each instance here loads it on the way.
  const fetch = (await createTrickle()).createFetch({ ...fast, reply: () => text });
  const request = { method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }) };
  assert.deepEqual(deltasOf(await (await fetch('https://x.test/v1/chat/completions', request)).text()), expected);
  // A second request, with a seed of its own, cuts the same way.
  assert.deepEqual(deltasOf(await (await fetch('https://x.test/v1/chat/completions', request)).text()), expected);
  const body = (await createTrickle()).stream(text, { ...fast, seed: 2 }).toReadableStream({ format: 'openai-chat' });
  assert.deepEqual(deltasOf(await new Response(body).text()), expected);
  const words = (await createTrickle()).stream('a b c', { preset: 'gpt-4o', seed: 2, ttftMs: 0, tokensPerSecond: 1e6 }).toReadableStream();
  assert.equal(await new Response(words).text(), 'a b c');
});

test('chat() cut into tokens adds no space after each chunk, so its chunks join into its text', async () => {
  const chunks = await collect(trickle.chat('你好 😀', { split: 'tokens', delayMs: 0 }));
  assert.equal(chunks.join(''), trickle.chatText('你好 😀'));
  assert.deepEqual(chunks, referenceChunks(trickle.chatText('你好 😀')).map((chunk) => chunk.text));
  assert.deepEqual(await collect(trickle.chat('a', { split: 'tokens', delayMs: 0, suffix: '|' })),
    referenceChunks(trickle.chatText('a')).map((chunk) => `${chunk.text}|`));
});

test('tokens options are checked: encoding and tokensPerChunk only with split tokens, and in range', () => {
  const throws = (options, name, message) => assert.throws(() => trickle.stream('a', options), { name, message });
  throws({ encoding: 'cl100k_base' }, 'TypeError', /encoding is the tokenizer's, for split: 'tokens'; this stream splits by whitespace/);
  throws({ split: 'char', tokensPerChunk: 2 }, 'TypeError', /tokensPerChunk is for split: 'tokens'/);
  throws({ split: 'tokens', encoding: 'gpt2' }, 'RangeError', /encoding must be 'o200k_base' or 'cl100k_base', got "gpt2"/);
  throws({ split: 'tokens', tokensPerChunk: 0 }, 'RangeError', /tokensPerChunk must be a whole number from 1/);
  throws({ split: 'tokens', tokensPerChunk: 1.5 }, 'RangeError', /tokensPerChunk must be a whole number from 1/);
  throws({ split: 'tokens', tokensPerChunk: '2' }, 'TypeError', /tokensPerChunk must be a number/);
  assert.throws(() => trickle.createFetch({ encoding: 'o200k_base' }), { name: 'TypeError', message: /trickle\.createFetch: encoding is the tokenizer's/ });
});

test('a tokens stream ended before its tokenizer loaded never starts; a failed load fails it', async () => {
  const fresh = await createTrickle();
  const stream = fresh.stream('hello there', { split: 'tokens', delayMs: 0 });
  const first = stream.next();
  await stream.return();
  assert.deepEqual(await first, { value: undefined, done: true });
  assertNothingLeft(fresh);
  const broken = await createTrickle({ tokenizerWasm: new Uint8Array([0, 97, 115, 109]) });
  await assert.rejects(collect(broken.stream('hello', { split: 'tokens' })), /not trickle-tokenizer\.wasm/);
  assertNothingLeft(broken);
});

// ---- usage in the wire formats -------------------------------------------------------------

const ANSWER = {
  text: 'Paris is the capital of France 🇫🇷, and its flamingos 🦩 are pink.',
  reasoning: 'The user wants a fact; 思考 briefly.',
  toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', unit: '°C' } }],
};
const PROMPT = 'Say something.'; // what every client in clients.mjs asks

test('usage in every wire format counts the real tokens of the answer and of the request', async () => {
  const fetch = trickle.createFetch({ split: 'tokens', delayMs: 0, reply: () => ANSWER });
  const count = (text) => o200k.encode(text, PLAIN).length;
  const args = JSON.stringify(ANSWER.toolCalls[0].arguments);
  const output = count(ANSWER.text) + count(ANSWER.reasoning) + count(args);
  const reasoning = count(ANSWER.reasoning);
  const input = count(PROMPT);
  const clients = [
    ['openai chat, streamed', () => openaiChat(fetch), reasoning],
    ['openai chat, whole', () => openaiChat(fetch, { stream: false }), reasoning],
    ['openai responses', () => openaiResponses(fetch), reasoning],
    ['anthropic', () => anthropic(fetch), undefined],
    ['gemini', () => gemini(fetch), reasoning],
    ['ollama', () => ollama(fetch), undefined],
  ];
  for (const [name, read, reasoningTokens] of clients) {
    const got = await read();
    assert.equal(got.text, ANSWER.text, name);
    assert.deepEqual(got.usage, { inputTokens: input, outputTokens: output, reasoningTokens }, name);
  }
  // Without split 'tokens', usage counts pieces and words, as before.
  const words = await openaiChat(trickle.createFetch({ delayMs: 0, reply: () => 'one two three' }));
  assert.deepEqual(words.usage, { inputTokens: 2, outputTokens: 3, reasoningTokens: 0 });
});

test('the frames of a tokens answer carry one chunk each; response() and toReadableStream() count tokens too', async () => {
  const text = 'Hi 🫠 there';
  const streamed = await openaiChat(trickle.createFetch({ split: 'tokens', encoding: 'cl100k_base', delayMs: 0, reply: () => text }));
  assert.equal(streamed.streamedText, text);
  const body = await (await trickle.response(text, { split: 'tokens', delayMs: 0 })).text();
  const deltas = [...body.matchAll(/"delta":\{"content":"([^"]*)"\}/g)].map(([, content]) => JSON.parse(`"${content}"`));
  assert.deepEqual(deltas, referenceChunks(text).map((chunk) => chunk.text));
  assert.match(body, new RegExp(`"completion_tokens":${o200k.encode(text).length},`));
  const readable = trickle.stream(text, { split: 'tokens', tokensPerChunk: 2, delayMs: 0 }).toReadableStream({ format: 'anthropic' });
  const frames = await new Response(readable).text();
  const anthropicDeltas = [...frames.matchAll(/"text_delta","text":"([^"]*)"/g)].map(([, content]) => JSON.parse(`"${content}"`));
  assert.deepEqual(anthropicDeltas, referenceChunks(text, 'o200k_base', 2).map((chunk) => chunk.text));
  assert.match(frames, new RegExp(`"usage":\\{"output_tokens":${o200k.encode(text).length}\\}`));
});

test('a fetch whose tokenizer cannot load answers 500 in the format\'s shape', async () => {
  const broken = await createTrickle({ tokenAssets: { o200k_base: new Uint8Array([1, 2, 3]) } });
  const response = await broken.createFetch({ split: 'tokens' })('https://x.test/v1/chat/completions', {
    method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(response.status, 500);
  assert.match((await response.json()).error.message, /could not be cut into tokens/);
});
