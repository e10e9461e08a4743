// The C++ tokenizer against gpt-tokenizer, token for token, on a corpus of about 1.1 MB
// (token-corpus.mjs) in both encodings: the native build through build/native/token_harness,
// and the wasm module through its JS loader, in this process. Also: every piece against the
// live JS regexes, ill-formed UTF-8 against TextDecoder's reading, chunks of whole
// characters, special tokens, and the asset's Unicode classes against RegExp.
//
// The reference is gpt-tokenizer (JS RegExp, Unicode 17.0 in Node 20) except for texts with
// U+FEFF. gpt-tokenizer 4.0.0 turned its token bytes into strings with a TextDecoder that
// drops a leading BOM, so it never finds the tokens that start with U+FEFF (cl100k_base 3305
// "\ufeff", 4117 "\ufeffusing"...) and splits them into bytes; tiktoken, OpenAI's own, gives
// those tokens. For those texts the reference is the same JS regex with a plain merge loop
// over the .tiktoken ranks written here (referenceMerge).
//
// Where trickle, like gpt-tokenizer, differs from tiktoken on purpose: JS's \s is not Rust's
// (U+FEFF is white space in JS and not in Rust, U+0085 the other way round), Rust's (?i)
// contractions also take U+017F for "s", and tiktoken's Rust tables predate Unicode 17.0.
// Texts with none of these get the same ids from all three.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { get_encoding } from 'tiktoken';
import { instantiateTokenizer, readBytes } from '../../src/js/tokens/tokenizer.mjs';
import { random, randomUnicode, tokenCorpus } from './token-corpus.mjs';

const build = (path) => fileURLToPath(new URL(`../../build/${path}`, import.meta.url));
const HARNESS = process.env.TRICKLE_TOKEN_HARNESS ?? build('native/token_harness');
const NATIVE_ASSETS = build('native/tokens');
const WASM_MODULE = build('wasm/trickle-tokenizer.wasm');
const WASM_ASSETS = build('wasm/tokens');

let wasmModule;
/** The wasm tokenizer for an encoding, through the JS loader, loaded once. */
async function wasmTokenizer(name) {
  assert.ok(existsSync(WASM_MODULE), `${WASM_MODULE} is missing: build it with emcmake cmake -S . -B build/wasm && cmake --build build/wasm --target trickle_tokenizer_wasm`);
  wasmModule ??= { module: await instantiateTokenizer(await readBytes(WASM_MODULE)), loaded: {} };
  wasmModule.loaded[name] ??= wasmModule.module.load(await readBytes(`${WASM_ASSETS}/${name}.bpe`), name);
  return wasmModule.loaded[name];
}

const ENCODINGS = {
  cl100k_base: { reference: cl100k, regex: CL100K_TOKEN_SPLIT_REGEX },
  o200k_base: { reference: o200k, regex: O200K_TOKEN_SPLIT_REGEX },
};

// gpt-tokenizer, with special tokens as plain text (its default throws on them).
const PLAIN = { disallowedSpecial: new Set() };

const tiktokens = {};
const tiktoken = (name) => (tiktokens[name] ??= get_encoding(name));

const ranks = {};
/** The .tiktoken ranks as a Map from the token's bytes (as a latin1 string) to its rank. */
function rankMap(name) {
  if (ranks[name] === undefined) {
    ranks[name] = new Map();
    const file = fileURLToPath(new URL(`../../node_modules/gpt-tokenizer/data/${name}.tiktoken`, import.meta.url));
    for (const line of readFileSync(file, 'latin1').split('\n')) {
      if (line === '') continue;
      const [base64, rank] = line.split(' ');
      ranks[name].set(Buffer.from(base64, 'base64').toString('latin1'), Number(rank));
    }
  }
  return ranks[name];
}

/** Byte-pair merging of one piece, the rule in its plainest form. */
function referenceMerge(name, piece) {
  const map = rankMap(name);
  let parts = [...Buffer.from(piece, 'utf8')].map((b) => String.fromCharCode(b));
  while (parts.length > 1) {
    let best = Infinity;
    let at = -1;
    for (let i = 0; i + 1 < parts.length; i++) {
      const rank = map.get(parts[i] + parts[i + 1]);
      if (rank !== undefined && rank < best) {
        best = rank;
        at = i;
      }
    }
    if (at < 0) break;
    parts = [...parts.slice(0, at), parts[at] + parts[at + 1], ...parts.slice(at + 2)];
  }
  return parts.map((part) => map.get(part));
}

/** The ids of a text, special tokens as plain text (see above for the reference). */
function referenceIds(name, text) {
  if (!text.includes('\ufeff')) return ENCODINGS[name].reference.encode(text, PLAIN);
  return [...text.matchAll(ENCODINGS[name].regex)].flatMap(([piece]) => referenceMerge(name, piece));
}

/** The text of some ids (tiktoken's bytes, read as JS reads UTF-8, a BOM kept). */
function referenceText(name, ids) {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(tiktoken(name).decode(Uint32Array.from(ids)));
}

const corpus = tokenCorpus().map(({ kind, text }) => ({ kind, text: text.toWellFormed() }));

/** Runs the harness on many texts (strings or byte arrays): one array of u32 per text. */
function harness(encoding, command, texts) {
  assert.ok(existsSync(HARNESS), `${HARNESS} is missing: build it with cmake --build build/native --target token_harness`);
  const parts = [];
  for (const text of texts) {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(bytes.length);
    parts.push(size, bytes);
  }
  const run = spawnSync(HARNESS, [`${NATIVE_ASSETS}/${encoding}.bpe`, command], {
    input: Buffer.concat(parts), maxBuffer: 1 << 30,
  });
  assert.equal(run.status, 0, `token_harness ${command}: ${run.stderr}`);
  const out = run.stdout;
  const answers = [];
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    const count = out.readUInt32LE(at);
    answers.push(new Uint32Array(out.buffer.slice(out.byteOffset + at + 4, out.byteOffset + at + 4 + 4 * count)));
    at += 4 + 4 * count;
  }
  assert.equal(at, out.length, 'the harness wrote more than was asked');
  return answers;
}

/** The first text whose answer differs, described, or undefined. */
function firstDifference(texts, got, expected) {
  for (let i = 0; i < texts.length; i++) {
    const a = Array.from(got[i]);
    const b = Array.from(expected[i]);
    if (a.length !== b.length || a.some((x, j) => x !== b[j])) {
      const at = a.findIndex((x, j) => x !== b[j]);
      return `text ${i} (${texts[i].kind ?? 'bytes'}, ${JSON.stringify(String(texts[i].text ?? texts[i]).slice(0, 200))}): `
        + `first difference at id ${at}: got ${JSON.stringify(a.slice(Math.max(0, at - 3), at + 5))}, `
        + `expected ${JSON.stringify(b.slice(Math.max(0, at - 3), at + 5))}`;
    }
  }
  return undefined;
}

test('the corpus is over 1 MB of every kind of text', () => {
  const bytes = {};
  for (const { kind, text } of corpus) bytes[kind] = (bytes[kind] ?? 0) + Buffer.byteLength(text);
  const total = Object.values(bytes).reduce((a, b) => a + b, 0);
  assert.ok(total > 1_000_000, `only ${total} bytes`);
  for (const kind of ['prose', 'code', 'numbers', 'whitespace', 'emoji', 'specials', 'unicode']) {
    assert.ok(bytes[kind] > 10_000, `${kind}: ${bytes[kind]} bytes`);
  }
});

for (const [name, { regex }] of Object.entries(ENCODINGS)) {
  test(`${name}: every piece of the corpus is where gpt-tokenizer's regex cuts`, () => {
    const texts = corpus.map((c) => c.text);
    const got = harness(name, 'pieces', texts);
    const expected = texts.map((text) => {
      const ends = [];
      let bytes = 0;
      for (const [match] of text.matchAll(regex)) ends.push((bytes += Buffer.byteLength(match)));
      return ends;
    });
    const difference = firstDifference(corpus, got, expected);
    assert.equal(difference, undefined, difference);
  });

  test(`${name}: the ids of the whole corpus are gpt-tokenizer's, and count agrees`, () => {
    const texts = corpus.map((c) => c.text);
    const got = harness(name, 'encode', texts);
    const expected = texts.map((text) => referenceIds(name, text));
    const difference = firstDifference(corpus, got, expected);
    assert.equal(difference, undefined, difference);
    const counts = harness(name, 'count', texts);
    assert.deepEqual(counts.map((c) => c[0]), expected.map((ids) => ids.length));
  });

  test(`${name}: random Unicode strings (lone surrogates made U+FFFD) give gpt-tokenizer's ids`, () => {
    const next = random(name === 'cl100k_base' ? 1 : 2);
    const texts = [];
    for (let i = 0; i < 2000; i++) texts.push(randomUnicode(next, 1 + next.below(40)).toWellFormed());
    const got = harness(name, 'encode', texts);
    const expected = texts.map((text) => referenceIds(name, text));
    const difference = firstDifference(texts, got, expected);
    assert.equal(difference, undefined, difference);
  });

  test(`${name}: ill-formed UTF-8 gives the ids of TextDecoder's reading of it`, () => {
    const next = random(name === 'cl100k_base' ? 3 : 4);
    const decoder = new TextDecoder();
    const texts = [];
    for (let i = 0; i < 2000; i++) {
      // Valid text with random bytes inserted: lone continuation bytes, truncated and
      // overlong sequences, encoded surrogates, bytes past U+10FFFF.
      const bytes = [...Buffer.from(randomUnicode(next, next.below(20)).toWellFormed())];
      const damage = 1 + next.below(4);
      for (let d = 0; d < damage; d++) {
        const bad = next.pick([[0x80], [0xbf], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
          [0xf0, 0x9f], [0xe4, 0xbd], [0xff], [0xfe], [next.below(256)]]);
        bytes.splice(next.below(bytes.length + 1), 0, ...bad);
      }
      texts.push(Uint8Array.from(bytes));
    }
    const got = harness(name, 'encode', texts);
    const expected = texts.map((bytes) => referenceIds(name, decoder.decode(bytes)));
    const difference = firstDifference(texts, got, expected);
    assert.equal(difference, undefined, difference);
  });

  test(`${name}: chunks are whole characters whose tokens decode to exactly their text`, () => {
    const texts = corpus.filter((c) => c.kind !== 'code').slice(0, 150).map((c) => c.text);
    const chunks = harness(name, 'chunks', texts);
    const ids = harness(name, 'encode', texts);
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i];
      let utf16 = 0;
      let token = 0;
      for (let c = 0; c < chunks[i].length; c += 2) {
        const end = chunks[i][c];
        const count = chunks[i][c + 1];
        assert.ok(end > utf16 && count >= 1, `text ${i}: chunk ${c / 2} is empty`);
        const slice = text.slice(utf16, end);
        assert.equal(referenceText(name, ids[i].subarray(token, token + count)), slice,
          `text ${i}: chunk ${c / 2} is not its tokens' text`);
        utf16 = end;
        token += count;
      }
      assert.equal(utf16, text.length);
      assert.equal(token, ids[i].length);
    }
  });
}

for (const name of Object.keys(ENCODINGS)) {
  test(`${name}: the wasm module, through its JS loader, gives the same ids, counts and chunks`, async () => {
    const tokenizer = await wasmTokenizer(name);
    const texts = corpus.map((c) => c.text);
    const got = texts.map((text) => tokenizer.encode(text));
    const expected = texts.map((text) => referenceIds(name, text));
    const difference = firstDifference(corpus, got, expected);
    assert.equal(difference, undefined, difference);
    for (let i = 0; i < texts.length; i += 7) {
      assert.equal(tokenizer.count(texts[i]), expected[i].length);
      assert.equal(tokenizer.decode(got[i]), texts[i]);
    }
    // Chunks as the native build gives them, and ids in them as encode gives them.
    const some = texts.filter((_, i) => i % 5 === 0);
    const native = harness(name, 'chunks', some);
    for (let i = 0; i < some.length; i++) {
      const { ends, counts, ids } = tokenizer.chunks(some[i]);
      const pairs = Array.from(native[i]);
      assert.deepEqual(Array.from(ends), pairs.filter((_, k) => k % 2 === 0));
      assert.deepEqual(Array.from(counts), pairs.filter((_, k) => k % 2 === 1));
      assert.deepEqual(Array.from(ids), Array.from(tokenizer.encode(some[i])));
    }
  });
}

test('the wasm loader: lone surrogates count as U+FFFD, and bad input is refused with the reason', async () => {
  const o200k = await wasmTokenizer('o200k_base');
  // A lone surrogate is one UTF-16 unit, as its U+FFFD is: chunk ends index the string given.
  const text = 'a\ud800b\udc00 \ud83d\ude00';
  const { ends } = o200k.chunks(text);
  assert.equal(ends[ends.length - 1], text.length);
  assert.deepEqual(Array.from(o200k.encode(text)), referenceIds('o200k_base', text.toWellFormed()));
  assert.deepEqual(Array.from(o200k.encode('<|endoftext|>', { allowSpecial: true })), [199999]);
  assert.equal(o200k.count(''), 0);

  assert.throws(() => o200k.decode([24912, 200500]), /token 200500 \(at index 1\) is not in o200k_base/);
  const { module } = wasmModule;
  assert.throws(() => module.load(new Uint8Array(200)), /not a usable token asset: it does not start with TRKBPE/);
  const asset = await readBytes(`${WASM_ASSETS}/cl100k_base.bpe`);
  assert.throws(() => module.load(asset.subarray(0, 5000)), /truncated/);
  assert.throws(() => module.load(asset, 'o200k_base'), /is cl100k_base, not o200k_base/);
  const extra = module.load(asset);
  assert.equal(extra.name, 'cl100k_base');
  assert.equal(extra.tokenCount, 100256);
  extra.free();
  assert.throws(() => extra.encode('x'), /freed/);
  await assert.rejects(instantiateTokenizer(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), /lacks/);
  await assert.rejects(instantiateTokenizer(new Uint8Array(10)), /not trickle-tokenizer.wasm/);
});

test('U+FEFF and the tokens that start with it: tiktoken\'s ids where JS and Rust cut the text alike', () => {
  for (const name of ['cl100k_base', 'o200k_base']) {
    const alike = ['\ufeff', '\ufeffusing System;', 'x\ufeff\ufeff', '\ufeff\n\nnamespace x'];
    const got = harness(name, 'encode', alike);
    const expected = alike.map((text) => tiktoken(name).encode_ordinary(text));
    const difference = firstDifference(alike, got, expected);
    assert.equal(difference, undefined, `${name}: ${difference}`);
    assert.equal(got[0].length, 1, `${name}: U+FEFF is one token`);
    // JS's \s holds U+FEFF, Rust's does not: "\ufeff//" is two pieces here ("\ufeff", "//")
    // and one for tiktoken (its token "\ufeff//").
    const [apart] = harness(name, 'encode', ['\ufeff//']);
    assert.deepEqual(Array.from(apart), [...referenceMerge(name, '\ufeff'), ...referenceMerge(name, '//')]);
    assert.notDeepEqual(Array.from(apart), Array.from(tiktoken(name).encode_ordinary('\ufeff//')));
  }
});

test('special tokens, when allowed, get the ids tiktoken gives', () => {
  const texts = ['<|endoftext|>', 'a<|endoftext|>b', '<|endofprompt|>x', ' <|fim_prefix|>1<|fim_middle|>2<|fim_suffix|>',
    'hello  <|endoftext|>  world\n\n<|endoftext|>', '<|endoftext|<|endoftext|>>', '<|im_start|>user'];
  for (const name of ['cl100k_base', 'o200k_base']) {
    const got = harness(name, 'encode-special', texts);
    const expected = texts.map((text) => tiktoken(name).encode(text, 'all'));
    const difference = firstDifference(texts, got, expected);
    assert.equal(difference, undefined, `${name}: ${difference}`);
  }
});

test("the asset's classes are JS RegExp's, code point by code point", (t) => {
  if (process.versions.unicode !== '17.0') {
    t.skip(`this Node's RegExp uses Unicode ${process.versions.unicode}; the tables are 17.0`);
    return;
  }
  const asset = readFileSync(`${NATIVE_ASSETS}/o200k_base.bpe`);
  const top = asset.readUInt32LE(28);
  const mid = asset.readUInt32LE(32);
  const leaf = asset.readUInt32LE(36);
  const midBits = asset[40];
  const leafBits = asset[41];
  const trieSize = 2 * top + 2 * mid + leaf;
  const at = asset.length - ((4 - (trieSize % 4)) % 4) - trieSize;
  const classOf = (c) => {
    const block = asset.readUInt16LE(at + 2 * (c >> (midBits + leafBits)));
    const leafNumber = asset.readUInt16LE(at + 2 * top + 2 * ((block << midBits) | ((c >> leafBits) & ((1 << midBits) - 1))));
    return asset[at + 2 * top + 2 * mid + ((leafNumber << leafBits) | (c & ((1 << leafBits) - 1)))];
  };
  const tests = [
    [/\p{Lu}|\p{Lt}/u, 1], [/\p{Ll}/u, 2], [/\p{Lm}|\p{Lo}/u, 3], [/\p{M}/u, 4], [/\p{N}/u, 5], [/\s/u, 6],
  ];
  let wrong = 0;
  let first;
  for (let c = 0; c < 0x110000; c++) {
    const s = String.fromCodePoint(c);
    let expected = 0;
    for (const [regex, value] of tests) {
      if (regex.test(s)) {
        expected = value;
        break;
      }
    }
    if (classOf(c) !== expected) {
      wrong++;
      first ??= `U+${c.toString(16).toUpperCase()}: asset ${classOf(c)}, RegExp ${expected}`;
    }
  }
  assert.equal(wrong, 0, first);
});
