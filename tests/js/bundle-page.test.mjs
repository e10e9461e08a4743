// scripts/bundle-page.mjs: the ES modules it accepts run as one classic script with the
// same results, the forms it does not understand stop the build with a message naming the
// file and line, and the page it writes allows exactly its inline script and style.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import vm from 'node:vm';
import { BundleError, bundleModules, bundlePage, resolveSpecifier, transformModule } from '../../scripts/bundle-page.mjs';

// Bundles modules given as { id: source } (a source given as { commonjs } is a substitute)
// and runs the script in a fresh context. Resolves to that context's globalThis.
async function run(files, entries = ['main.mjs']) {
  const script = bundleModules(entries, (id) => {
    const file = files[id];
    if (file === undefined) throw new Error('no such file');
    return typeof file === 'string' ? { kind: 'module', source: file } : { kind: 'commonjs', source: file.commonjs };
  });
  const context = vm.createContext({ document: { baseURI: 'file:///home/me/site/page.html' }, URL, setTimeout, order: [] });
  await vm.runInContext(script, context);
  return context;
}

describe('modules as one classic script', () => {
  test('every import and export form it accepts gives what the module graph would', async () => {
    const context = await run({
      'main.mjs': [
        "import two, { one as uno, three, 'four' as four } from './lib/numbers.mjs';",
        "import * as numbers from './lib/numbers.mjs';",
        "import './side-effect.mjs';",
        "import answer from './expression.mjs';",
        "import anonymous from './anonymous.mjs';",
        'order.push("main");',
        'globalThis.result = { uno, two: two(), three, four, keys: Object.keys(numbers),',
        '  tag: Object.prototype.toString.call(numbers), answer, anonymous: anonymous() };',
      ].join('\n'),
      'lib/numbers.mjs': [
        'order.push("numbers");',
        'export const one = 1;',
        'export default function two() { return 2; }',
        'const three = 3, four = 4;',
        "export { three, four as 'four' };",
      ].join('\n'),
      'side-effect.mjs': 'order.push("side effect");',
      'expression.mjs': 'export default 6 * 7;',
      'anonymous.mjs': "export default function () { return 'anonymous'; }",
    });
    assert.deepEqual({ ...context.result, keys: [...context.result.keys] }, {
      uno: 1,
      two: 2,
      three: 3,
      four: 4,
      keys: ['default', 'four', 'one', 'three'],
      tag: '[object Module]',
      answer: 42,
      anonymous: 'anonymous',
    });
    assert.deepEqual([...context.order], ['numbers', 'side effect', 'main']);
  });

  test('a module runs once, after everything it imports, even when imported twice', async () => {
    const context = await run({
      'main.mjs': "import './a.mjs'; import './b.mjs'; order.push('main');",
      'a.mjs': "import './shared.mjs'; order.push('a');",
      'b.mjs': "import './shared.mjs'; order.push('b');",
      'shared.mjs': "order.push('shared');",
    });
    assert.deepEqual([...context.order], ['shared', 'a', 'b', 'main']);
  });

  test('top-level await finishes before an importer runs', async () => {
    const context = await run({
      'main.mjs': "import { value } from './slow.mjs'; globalThis.result = value;",
      'slow.mjs': 'export const value = await new Promise((resolve) => setTimeout(() => resolve("waited"), 10));',
    });
    assert.equal(context.result, 'waited');
  });

  test('a module import() asks for is carried, and runs on the first import(), once, with its own imports', async () => {
    const context = await run({
      'main.mjs': [
        "order.push('main');",
        "globalThis.load = async () => { const a = await import('./lazy.mjs'); const b = await import('./lazy.mjs'); return [a.value, a === b]; };",
      ].join('\n'),
      'lazy.mjs': "import { helper } from './lazy-helper.mjs'; order.push('lazy'); export const value = helper + '!';",
      'lazy-helper.mjs': "order.push('helper'); export const helper = 'lazily';",
    });
    assert.deepEqual([...context.order], ['main'], 'nothing lazy runs at start-up');
    assert.deepEqual([...await context.load()], ['lazily!', true]);
    assert.deepEqual([...context.order], ['main', 'helper', 'lazy']);
  });

  test('a module imported both ways runs at start-up; import() then gives the same namespace', async () => {
    const context = await run({
      'main.mjs': "import { x } from './both.mjs'; globalThis.get = () => import('./both.mjs'); globalThis.x = x;",
      'both.mjs': "order.push('both'); export const x = 1;",
    });
    assert.deepEqual([...context.order], ['both']);
    assert.equal((await context.get()).x, 1);
    assert.deepEqual([...context.order], ['both']);
  });

  test('import.meta.url is where the module sits next to the page', async () => {
    const context = await run({
      'main.mjs': "import { wasm } from './lib/find.mjs'; globalThis.result = [import.meta.url, wasm];",
      'lib/find.mjs': "export const wasm = new URL('../module.wasm', import.meta.url).href;",
    });
    assert.deepEqual([...context.result], ['file:///home/me/site/main.mjs', 'file:///home/me/site/module.wasm']);
  });

  test('a substituted CommonJS script is the default export, and its top-level names stay its own', async () => {
    const context = await run({
      'main.mjs': "import createNative from './native.mjs'; globalThis.result = [createNative(), typeof factory];",
      'native.mjs': { commonjs: 'var factory = () => "native";\nif (typeof module === "object") module.exports = factory;' },
    });
    assert.deepEqual([...context.result], ['native', 'undefined']);
  });

  test('a module keeps its line numbers: everything added goes on the first line', () => {
    const source = "import { a } from './a.mjs';\nimport {\n  b,\n} from './b.mjs';\nexport const c = a + b;\nthrow new Error('line 6');";
    const { code, imports, exports } = transformModule(source, 'm.mjs');
    const lines = code.split('\n');
    assert.equal(lines[5], 'const c = a + b;');
    assert.equal(lines[6], "throw new Error('line 6');");
    assert.deepEqual(imports, [
      { id: 'a.mjs', names: ['a'], line: 1 },
      { id: 'b.mjs', names: ['b'], line: 2 },
    ]);
    assert.deepEqual(exports, ['c']);
  });

  test('the word export inside a template literal is text, not a declaration', () => {
    const { code, exports } = transformModule('export const help = `\nexport let x = 1;\nimport y from "z";\n`;', 'm.mjs');
    assert.deepEqual(exports, ['help']);
    assert.match(code, /\nexport let x = 1;\nimport y from "z";\n`;/);
  });

  test('specifiers resolve against the importing module, inside the site only', () => {
    assert.equal(resolveSpecifier('./b.mjs', 'lib/a.mjs'), 'lib/b.mjs');
    assert.equal(resolveSpecifier('../b.mjs', 'lib/a.mjs'), 'b.mjs');
    assert.throws(() => resolveSpecifier('../../b.mjs', 'lib/a.mjs'), /not a file inside the site/);
    assert.throws(() => resolveSpecifier('./b.mjs?v=2', 'a.mjs'), /not a file inside the site/);
  });
});

describe('what it refuses, loudly', () => {
  const refuses = (source, message) => assert.throws(() => transformModule(source, 'web/m.mjs'), (error) => {
    assert.ok(error instanceof BundleError, `a BundleError, got ${error}`);
    assert.match(error.message, message);
    return true;
  });

  test('export let and export var: an import would be a copy, not a live binding', () => {
    refuses('const a = 1;\nexport let count = 0;', /^web\/m\.mjs:2: export let is not supported/);
    refuses('export var count = 0;', /export var is not supported/);
    refuses('let count = 0;\nexport { count };\nexport function more() { count += 1; }', /^web\/m\.mjs:1: count is exported but declared with let/);
    refuses('var { a, b: [count = 1] } = {};\nexport { count as total };\nfor (count of [1, 2]);', /count is exported but declared with var/);
    refuses('var count = 0, other = {};\nexport { count };\n[count] = [1];', /count is exported but declared with var/);
    refuses('let count = 0;\nexport { count };\nsetTimeout(() => count++);', /count is exported but declared with let/);
    assert.doesNotThrow(() => transformModule('let count = 0;\nconst total = count;\nexport { total };', 'm.mjs'));
  });

  test('a var exported by name and never assigned again is taken as a constant (a bundler writes its constants so)', async () => {
    const { exports } = transformModule('var M = class Model {}, n = 3;\nM.n = 1;\nexport { M as Model, n as count };', 'm.mjs');
    assert.deepEqual(exports, ['Model', 'count']);
    // A top-level var holding a string names a module for import() as a const does.
    const lazy = transformModule("var a = './lazy.mjs';\nexport const load = () => import(a);", 'm.mjs');
    assert.deepEqual(lazy.dynamicImports.map((i) => i.id), ['lazy.mjs']);
    assert.throws(() => transformModule("var a = './lazy.mjs';\na = './other.mjs';\nexport const load = () => import(a);", 'm.mjs'),
      /import\(\) of the site's own modules is supported only with a literal/);
    const context = await run({
      'main.mjs': "import { Model, count } from './b.mjs';\nglobalThis.seen = [Model.name, count];",
      'b.mjs': 'var M = class Model {}, n = 3;\nexport { M as Model, n as count };',
    });
    assert.deepEqual([...context.seen], ['Model', 3]);
  });

  test('re-exports', () => {
    refuses("export * from './a.mjs';", /export \* from "\.\/a\.mjs" is not supported/);
    refuses("export { a } from './a.mjs';", /re-exports .* are not supported/);
  });

  test('an exported destructuring pattern', () => {
    refuses('const o = {};\nexport const { a } = o;', /:2: exporting a destructuring pattern is not supported/);
  });

  test('a bare specifier or a URL', () => {
    refuses("import x from 'lodash';", /cannot bundle an import of "lodash"/);
    refuses("import x from 'https://example.com/x.mjs';", /cannot bundle an import of "https:/);
  });

  test("import() of anything it cannot see", () => {
    refuses('let name = "./a.mjs"; name = "./b.mjs"; const m = await import(name);', /import\(\) of the site's own modules is supported only with a literal/);
    refuses('const m = await import(globalThis.name);', /import\(\) of the site's own modules is supported only with a literal/);
    refuses('const m = await import(`./${"lazy"}.mjs`);', /import\(\) of the site's own modules/);
    refuses("const m = await import('/absolute.mjs');", /import\(\) of the site's own modules/);
    // A Node built-in behind a runtime check may stay: the browser never calls it. Its name
    // may be a top-level constant, as bundlers for the browser need it to be.
    assert.doesNotThrow(() => transformModule("if (globalThis.process) await import('node:fs/promises');", 'm.mjs'));
    assert.doesNotThrow(() => transformModule("const FS = 'node:fs/promises';\nif (globalThis.process) await import(/* @vite-ignore */ FS);", 'm.mjs'));
  });

  test("the bundle's own names", () => {
    refuses('const __bundle_import = 1;', /the name __bundle_import is reserved/);
  });

  test('a syntax error names the file', () => {
    refuses('export const = 1;', /^web\/m\.mjs: Unexpected token \(1:13\)/);
  });

  test('an import cycle', () => {
    assert.throws(
      () => bundleModules(['a.mjs'], (id) => ({ kind: 'module', source: { 'a.mjs': "import './b.mjs';", 'b.mjs': "import './a.mjs';" }[id] })),
      /import cycle: a\.mjs -> b\.mjs -> a\.mjs/,
    );
  });

  test('a name the imported module does not export, and a module that is not there', () => {
    const files = { 'a.mjs': "\nimport { missing } from './b.mjs';", 'b.mjs': 'export const present = 1;' };
    assert.throws(
      () => bundleModules(['a.mjs'], (id) => ({ kind: 'module', source: files[id] })),
      /^BundleError: a\.mjs:2: b\.mjs does not export "missing" \(it exports: present\)/,
    );
    assert.throws(
      () => bundleModules(['a.mjs'], (id) => {
        if (id === 'a.mjs') return { kind: 'module', source: "import './gone.mjs';" };
        throw new Error('ENOENT');
      }),
      /a\.mjs imports gone\.mjs, which cannot be read: ENOENT/,
    );
  });
});

describe('the page', () => {
  const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <!-- Describes the page as served. -->
  <meta http-equiv="Content-Security-Policy" content="default-src 'self'">
  <link rel="icon" href="icon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="style.css">
  <script src="boot.js" defer data-single-file="omit"></script>
  <script type="module" src="main.mjs"></script>
</head>
<body>
  <p id="only-served" data-single-file="omit">Open me over http.</p>
  <a href="elsewhere.html">a link stays a link</a>
</body>
</html>
`;

  async function site(t, files) {
    const root = await mkdtemp(join(tmpdir(), 'trickle-bundle-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const all = {
      'index.html': PAGE,
      'style.css': 'body { color: red; }\n',
      'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'main.mjs': "import { readme } from './lib.mjs';\ndocument.title = readme;",
      'lib.mjs': "export const readme = 'hello';",
      'notes.txt': 'carried along\n',
      ...files,
    };
    for (const [name, text] of Object.entries(all)) await writeFile(join(root, name), text);
    return join(root, 'index.html');
  }

  const hash = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

  test('inline script and style, allowed by their hashes; icons as data: URLs; files carried; the rest left out', async (t) => {
    const html = bundlePage(await site(t), { embed: ['notes.txt'] });
    const script = html.match(/<script>([\s\S]*?)<\/script>/)[1];
    const style = html.match(/<style>([\s\S]*?)<\/style>/)[1];
    const policy = html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)[1];
    assert.equal(style, 'body { color: red; }\n');
    assert.equal(
      policy,
      `default-src 'none'; script-src ${hash(script)} 'wasm-unsafe-eval'; style-src ${hash(style)}; img-src data:; connect-src data:; base-uri 'none'; form-action 'none'; object-src 'none'`,
    );
    assert.match(html, /<meta name="bundled-from" content="index.html">/);
    assert.match(html, /<link rel="icon" href="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" type="image\/svg\+xml">/);
    assert.match(html, /<script type="text\/plain" data-site-file="notes.txt">carried along\n<\/script>\n<script>/);
    assert.match(html, /<a href="elsewhere.html">/);
    assert.doesNotMatch(html, /boot\.js|only-served|Describes the page|type="module"|<link rel="stylesheet"/);
    new vm.Script(script); // a classic script, or this throws
    const context = vm.createContext({ document: { baseURI: 'file:///x/index.html', title: '' }, URL });
    await vm.runInContext(script, context);
    assert.equal(context.document.title, 'hello');
  });

  test('a classic script not marked to be left out', async (t) => {
    const page = await site(t, { 'index.html': PAGE.replace(' data-single-file="omit"></script>', '></script>') });
    assert.throws(() => bundlePage(page), /cannot bundle <script src="boot.js" defer>: only module scripts/);
  });

  test('a reference it cannot inline', async (t) => {
    const page = await site(t, { 'index.html': PAGE.replace('<body>', '<body>\n  <iframe src="frame.html"></iframe>') });
    assert.throws(() => bundlePage(page), /cannot bundle <iframe src="frame.html">/);
  });

  test('text that would end the inline script early', async (t) => {
    const page = await site(t, { 'lib.mjs': "export const readme = '</script>';" });
    assert.throws(() => bundlePage(page), /the bundled script contains "<\/script"/);
  });
});
