// scripts/package-js.mjs, which bundles and minifies the package's JS: on small packages
// written here, that what other code sees of the modules survives (paths, exports, one copy
// of shared state, lazy imports, assets named beside a module, bundler hints, names), and
// that what it cannot keep stops it with a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PackageError, minifyModule, moduleFacts, packageJs } from '../../scripts/package-js.mjs';

async function writeTree(folder, files) {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(folder, name)), { recursive: true });
    await writeFile(join(folder, name), text);
  }
}

async function tempFolder(t) {
  const folder = await mkdtemp(join(tmpdir(), 'trickle-package-js-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

// A package shaped like trickle's: two entries sharing a module with state, a lazy module,
// a loader that names a file beside it, and Emscripten-like glue.
const PACKAGE = {
  'main.mjs': [
    '// The front: a long comment that minifying removes.',
    "import { remember, seen } from './internal/state.mjs';",
    "import { load } from './stream/loader.mjs';",
    'export class Front {',
    '  #secret = 41;',
    '  reveal() { return this.#secret + 1; }',
    '}',
    'export function named() { return remember(\'main\'); }',
    "export const later = async () => (await import('./lazy/extra.mjs')).extra();",
    'export { load, seen };',
  ].join('\n'),
  'other.mjs': "import { remember } from './internal/state.mjs';\nexport function fromOther() { return remember('other'); }\n",
  'internal/state.mjs': 'const seenBy = [];\nexport function remember(who) { seenBy.push(who); return seenBy.length; }\nexport function seen() { return [...seenBy]; }\n',
  'lazy/extra.mjs': "import { remember } from '../internal/state.mjs';\nexport function extra() { return remember('lazy'); }\n",
  'stream/loader.mjs': [
    "import glue from './fake-wasm.mjs';",
    "const NAME = 'node:path';",
    'export async function load() {',
    "  const url = new URL('./data.txt', import.meta.url);",
    '  const path = await import(/* @vite-ignore */ NAME);',
    '  return { url: url.href, glue: glue(), sep: path.sep };',
    '}',
  ].join('\n'),
  'stream/data.txt': 'beside the loader\n',
  'stream/trickle-wasm.mjs': 'export default function createNativeModule() { return "glue"; }\n',
  'stream/fake-wasm.mjs': "export { default } from './trickle-wasm.mjs';\n",
};

test('a module minified on its own keeps its imports, exports, assets, private fields and names', async (t) => {
  const source = PACKAGE['stream/loader.mjs'];
  const code = minifyModule(source, 'stream/loader.mjs');
  assert.deepEqual(moduleFacts(code, 'min').imports, ['./fake-wasm.mjs']);
  assert.deepEqual(moduleFacts(code, 'min').assets, ['./data.txt']);
  assert.match(code, /import\(\/\* @vite-ignore \*\/[\w$]+\)/, 'the hint is back on the computed import()');

  const folder = await tempFolder(t);
  const front = [
    '// A comment that goes.',
    'export class Front {',
    '  #secret = 41;',
    '  reveal() { return this.#secret + 1; }',
    '}',
    "export function named() { return 'main'; }",
    'export const where = import.meta.url;',
  ].join('\n');
  const minified = minifyModule(front, 'front.mjs');
  assert.ok(!minified.includes('A comment'));
  await writeFile(join(folder, 'front.mjs'), minified);
  const { Front, named, where } = await import(pathToFileURL(join(folder, 'front.mjs')).href);
  assert.equal(where, pathToFileURL(join(folder, 'front.mjs')).href);
  assert.equal(new Front().reveal(), 42);
  assert.equal(Front.name, 'Front');
  assert.equal(named.name, 'named');
  assert.equal(named(), 'main');
});

test('a package bundled in place: same entries and exports, one copy of shared state, lazy code behind import(), assets found', async (t) => {
  const folder = await tempFolder(t);
  await writeTree(folder, PACKAGE);
  const meta = join(folder, '..', `${folder.split('/').at(-1)}-meta.json`);
  t.after(() => rm(meta, { force: true }));
  const { entries } = await packageJs(folder, { entries: ['main.mjs', 'other.mjs'], meta, onLoad: ['main.mjs'] });
  // The loader names a file beside it: it keeps its path, as an entry of its own.
  assert.deepEqual(entries, ['main.mjs', 'other.mjs', 'stream/loader.mjs']);
  assert.ok(!existsSync(join(folder, 'internal/state.mjs')), 'the shared module went into a chunk');
  assert.ok(existsSync(join(folder, 'stream/trickle-wasm.mjs')), 'the glue stays');
  assert.ok(!(await readFile(join(folder, 'main.mjs'), 'utf8')).includes('long comment'));
  const chunks = (await readdir(join(folder, 'stream'))).filter((name) => name.startsWith('chunk-'));
  assert.ok(chunks.length > 0, 'chunks sit in stream/');
  const holdings = JSON.parse(await readFile(meta, 'utf8'));
  assert.ok(Object.values(holdings).some((sources) => sources.includes('internal/state.mjs')), JSON.stringify(holdings));

  const main = await import(pathToFileURL(join(folder, 'main.mjs')).href);
  const other = await import(pathToFileURL(join(folder, 'other.mjs')).href);
  assert.equal(main.Front.name, 'Front');
  assert.equal(new main.Front().reveal(), 42);
  assert.equal(main.named(), 1);
  assert.equal(other.fromOther(), 2, 'the two entries share the one copy of the state');
  assert.equal(await main.later(), 3, 'the lazy module shares it too');
  assert.deepEqual(main.seen(), ['main', 'other', 'lazy']);
  const loaded = await main.load();
  assert.equal(await readFile(new URL(loaded.url), 'utf8'), 'beside the loader\n');
  assert.equal(loaded.glue, 'glue');
  assert.equal(loaded.sep, '/');

  // What main.mjs runs as a page starts, and the glue, carry the compile hint; the other
  // entry, the lazy chunk and the files main.mjs does not import do not.
  const hinted = [];
  for (const name of (await readdir(folder, { recursive: true })).filter((file) => file.endsWith('.mjs')).sort()) {
    if ((await readFile(join(folder, name), 'utf8')).startsWith('//# allFunctionsCalledOnLoad\n')) hinted.push(name);
  }
  const mainImports = moduleFacts(await readFile(join(folder, 'main.mjs'), 'utf8'), 'main.mjs').imports.map((specifier) => join(specifier));
  assert.ok(hinted.includes('main.mjs') && hinted.includes('stream/trickle-wasm.mjs'), hinted.join(', '));
  assert.ok(mainImports.length > 0);
  for (const name of mainImports) assert.ok(hinted.includes(name), `${name}, imported by main.mjs, carries the hint`);
  assert.ok(!hinted.includes('other.mjs'), hinted.join(', '));
  const lazyChunk = Object.entries(holdings).find(([, sources]) => sources.includes('lazy/extra.mjs'))[0];
  assert.ok(!hinted.includes(lazyChunk), `${lazyChunk}, imported lazily, has no hint`);
  await assert.rejects(packageJs(await tempFolder(t), { entries: [], onLoad: ['gone.mjs'] }), /gone\.mjs, said to run on load, is not there/);
});

test('code moved where the file it names is not, and a computed import() without a hint, stop the bundling', async (t) => {
  // An asset named from the shared module: its code moves into stream/, where ./data.txt is not.
  const misplaced = await tempFolder(t);
  await writeTree(misplaced, {
    'a.mjs': "import { where } from './lib/shared.mjs';\nexport const a = where;\n",
    'b.mjs': "import { where } from './lib/shared.mjs';\nexport const b = where;\n",
    'lib/shared.mjs': "import { url } from './names.mjs';\nexport const where = () => url();\n",
    'lib/names.mjs': "export const url = () => new URL('./data.txt', import.meta.url);\n",
    'lib/data.txt': 'x',
    'stream/.keep': '',
  });
  await assert.rejects(packageJs(misplaced, { entries: ['a.mjs', 'b.mjs'] }), (error) => {
    assert.ok(error instanceof PackageError);
    assert.match(error.message, /names \.\/data\.txt, which is not there/);
    return true;
  });

  const unhinted = await tempFolder(t);
  await writeTree(unhinted, { 'a.mjs': "const name = 'node:fs';\nexport const load = () => import(name);\n" });
  await assert.rejects(packageJs(unhinted, { entries: ['a.mjs'] }), /1 import\(\) of a computed specifier without \/\* @vite-ignore \*\//);
});

// What a page runs at start, in two chunks: modules of the start's graph that different lazy
// modules and entries reach would otherwise each get a chunk of their own.
test('the start\'s modules come in two chunks (one for what the `apart` entries use), and every module keeps one copy', async (t) => {
  const folder = await tempFolder(t);
  await writeTree(folder, {
    'main.mjs': [
      "import { count } from './internal/counter.mjs';",
      "import { parse } from './internal/parse.mjs';",
      "import { tick } from './internal/clock.mjs';",
      "import { NAMES } from './internal/names.mjs';",
      "export const local = () => 'main only';",
      "export const viaWire = async () => (await import('./wire/format.mjs')).format();",
      "export const viaAnswers = async () => (await import('./answers/list.mjs')).list();",
      'export { NAMES, count, parse, tick };',
    ].join('\n'),
    'internal/counter.mjs': 'let n = 0;\nexport function count() { n += 1; return n; }\n',
    'internal/parse.mjs': "import { count } from './counter.mjs';\nexport function parse(text) { count(); return text.split(' '); }\n",
    'internal/clock.mjs': "import { count } from './counter.mjs';\nexport function tick() { return count(); }\n",
    'wire/format.mjs': "import { parse } from '../internal/parse.mjs';\nexport function format() { return parse('a b').join('+'); }\n",
    'answers/list.mjs': "import { count } from '../internal/counter.mjs';\nexport function list() { return count(); }\n",
    'internal/names.mjs': "export const NAMES = ['a', 'b'];\n",
    'tools.mjs': "import { tick } from './internal/clock.mjs';\nexport function tool() { return tick(); }\n",
    'reader.mjs': "import { NAMES } from './internal/names.mjs';\nexport const read = () => NAMES;\n",
    'reply.mjs': "import { parse } from './internal/parse.mjs';\nexport function reply() { return parse('x y z').length; }\n",
    'stream/.keep': '',
  });
  const meta = join(folder, '..', `${folder.split('/').at(-1)}-meta.json`);
  t.after(() => rm(meta, { force: true }));
  await packageJs(folder, { entries: ['main.mjs', 'tools.mjs', 'reader.mjs', 'reply.mjs'], meta, onLoad: ['main.mjs'], apart: ['tools.mjs', 'reader.mjs'] });
  const holdings = JSON.parse(await readFile(meta, 'utf8'));
  const importsOf = async (name) => moduleFacts(await readFile(join(folder, name), 'utf8'), name).imports.map((specifier) => join(dirname(name), specifier));
  const mainImports = (await importsOf('main.mjs')).sort();
  const sources = mainImports.map((name) => holdings[name]);
  // The start: main.mjs and two chunks, one with what the apart entries use (the clock and
  // what it needs, the names), one with the rest; neither imports anything more.
  assert.equal(mainImports.length, 2, JSON.stringify(holdings));
  assert.deepEqual(sources.map((list) => [...list].sort()).sort(),
    [['internal/clock.mjs', 'internal/counter.mjs', 'internal/names.mjs'], ['internal/parse.mjs']]);
  for (const chunk of mainImports) {
    for (const next of await importsOf(chunk)) assert.ok(mainImports.includes(next), `${chunk} imports ${next}, outside the start's two chunks`);
  }
  // The apart entries load that one chunk, not the other.
  const apartChunk = mainImports.find((name) => holdings[name].includes('internal/clock.mjs'));
  assert.deepEqual(await importsOf('tools.mjs'), [apartChunk]);
  assert.deepEqual(await importsOf('reader.mjs'), [apartChunk]);

  // One copy of the counter for every entry and lazy module.
  const url = (name) => pathToFileURL(join(folder, name)).href;
  const main = await import(url('main.mjs'));
  const tools = await import(url('tools.mjs'));
  const reply = await import(url('reply.mjs'));
  assert.equal(main.count(), 1);
  assert.equal(tools.tool(), 2);
  assert.equal(reply.reply(), 3);
  assert.equal(await main.viaWire(), 'a+b');
  assert.equal(await main.viaAnswers(), 5);
  assert.equal(main.tick(), 6);
  assert.equal(main.local(), 'main only');
  assert.equal((await import(url('reader.mjs'))).read(), main.NAMES, 'one copy of the names');
  await assert.rejects(packageJs(await tempFolder(t), { entries: [], apart: ['gone.mjs'] }), /gone\.mjs, said to be used apart, is not there/);
});
