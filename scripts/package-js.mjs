#!/usr/bin/env node
// Makes the package's JS small: bundles and minifies dist/js in place with esbuild (a dev
// package pinned by package-lock.json). What a page downloads for createTrickle() was
// mostly comments and long names (src/js/ keeps them for its readers) in 14 modules,
// fetched in a waterfall of requests three deep.
//
//   node scripts/package-js.mjs dist/js [--meta build/package-js.json]
//
// Contract, checked (the build stops, naming the file and what differs):
// - Every module another package or the site may import keeps its path and its exports: the
//   package's entries (package.json "exports"), and the modules that name a file beside
//   them (`new URL('…', import.meta.url)`: the wasm and token loaders), which so keep the
//   code that names those files out of the files at the top of dist/js. Everything else is
//   code-split by esbuild into chunks in stream/ (stream/chunk-HASH.mjs, beside the core's
//   glue and .wasm): a module shared by two entries lives in one chunk, so there is
//   one copy of each class and of each module's state (the Service Worker's provide() and
//   trickle's lazyModule() read one Map). Lazily imported code stays behind import().
// - What a page runs as it starts (trickle.mjs's static imports) comes in two chunks: the
//   few modules that the toolbox and the transcript reader share, and the rest (see
//   tiedToLoad). Left to itself, esbuild made seven of them, each shared with a different
//   few of the lazy modules.
// - The Emscripten glue (stream/trickle-wasm*.mjs) stays a file of its own, at its path
//   (the single-file page swaps it for the glue that holds the .wasm), minified alone.
// - Every relative import, import() and asset of every file resolves to a file of the
//   package, and the set of assets and glue files named is the same as before.
// - Names: trickle's code keeps every class's and function's `.name` (--keep-names), which
//   error messages, stack traces and users' code may show. The glue does not: it never reads
//   a function's name (Embind names its types with strings), and keeping them costs it
//   about 15% gzipped. License comments (/*! … */, @license) stay; of the other comments,
//   only the hints for bundlers on import() (/* @vite-ignore */) are put back.
// - What a page runs when it starts trickle (`onLoad`: trickle.mjs, everything it imports
//   statically, and the glue, whose functions all run when an instance starts) begins with
//   V8's explicit compile hint, `//# allFunctionsCalledOnLoad`: Chromium compiles those
//   functions while the files download, off the main thread, rather than one by one on
//   their first call (createTrickle() in a fresh Chromium page: ~21 -> ~17 ms median,
//   measured side by side). Other engines read a comment.
//
// So the paths the loaders name must mean the same from stream/ as from their own folder:
// './trickle-wasm.wasm' in stream/native.mjs, '../tokens/o200k_base.bpe' in tokens/load.mjs
// (scripts/build writes them so). The check above stops the build if one does not.
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, transformSync } from 'esbuild';
import { loadAcorn } from './lib/acorn.mjs';

const acorn = loadAcorn('package-js');

export class PackageError extends Error {
  name = 'PackageError';
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Emscripten glue: a file of its own, never bundled. */
export const isGlue = (path) => /(^|[/\\])trickle-wasm[^/\\]*\.mjs$/.test(path);

const HINT = /^\s*(?:@vite-ignore|webpackIgnore:\s*true)\s*$/;
const HINT_TEXT = '/* @vite-ignore */';

const ESBUILD_COMMON = {
  format: 'esm',
  minify: true,
  // The text as it is (Chinese stays Chinese, not \u escapes): module scripts are UTF-8.
  charset: 'utf8',
  legalComments: 'inline',
  // No syntax is lowered: the package runs where its source runs.
  target: 'esnext',
  logLevel: 'silent',
};

function parse(source, file) {
  const comments = [];
  try {
    const ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'module', onComment: comments });
    return { ast, comments };
  } catch (error) {
    throw new PackageError(`${file}: ${error.message}`);
  }
}

function* walk(node) {
  if (node === null || typeof node !== 'object') return;
  if (typeof node.type === 'string') yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) yield* walk(child);
    else if (value !== null && typeof value === 'object' && typeof value.type === 'string') yield* walk(value);
  }
}

const nameOf = (node) => (node.type === 'Identifier' ? node.name : node.value);
const isLiteralString = (node) => node.type === 'Literal' && typeof node.value === 'string';

/**
 * What a module shows: { imports: [specifier], dynamic: [specifier], computed: n (import()
 * of anything but a literal), hinted: n (of those, how many carry a bundler hint), assets:
 * [url] (new URL(literal, import.meta.url)), exports: [name] }, lists sorted.
 */
export function moduleFacts(source, file) {
  const { ast, comments } = parse(source, file);
  const facts = { imports: [], dynamic: [], computed: 0, hinted: 0, assets: [], exports: [] };
  for (const node of ast.body) {
    if (node.type === 'ImportDeclaration') facts.imports.push(node.source.value);
    if (node.type === 'ExportAllDeclaration') {
      facts.imports.push(node.source.value);
      facts.exports.push(node.exported ? nameOf(node.exported) : `* from ${node.source.value}`);
    }
    if (node.type === 'ExportNamedDeclaration') {
      if (node.source) facts.imports.push(node.source.value);
      for (const specifier of node.specifiers) facts.exports.push(nameOf(specifier.exported));
      const declaration = node.declaration;
      if (declaration?.type === 'VariableDeclaration') {
        for (const declarator of declaration.declarations) {
          for (const id of walk(declarator.id)) if (id.type === 'Identifier') facts.exports.push(id.name);
        }
      } else if (declaration) {
        facts.exports.push(declaration.id.name);
      }
    }
    if (node.type === 'ExportDefaultDeclaration') facts.exports.push('default');
  }
  for (const node of walk(ast)) {
    if (node.type === 'ImportExpression') {
      if (isLiteralString(node.source)) {
        facts.dynamic.push(node.source.value);
      } else {
        facts.computed += 1;
        if (comments.some((c) => c.start >= node.start && c.end <= node.source.start && HINT.test(c.value))) facts.hinted += 1;
      }
    } else if (node.type === 'NewExpression' && node.callee.type === 'Identifier' && node.callee.name === 'URL'
      && node.arguments.length === 2 && isLiteralString(node.arguments[0])
      && node.arguments[1].type === 'MemberExpression' && node.arguments[1].object.type === 'MetaProperty') {
      facts.assets.push(node.arguments[0].value);
    }
  }
  for (const list of [facts.imports, facts.dynamic, facts.assets, facts.exports]) list.sort();
  return facts;
}

/** `code` with a bundler hint in front of the argument of every import() of a computed specifier. */
export function withImportHints(code, file) {
  const { ast } = parse(code, file);
  const at = [...walk(ast)].filter((node) => node.type === 'ImportExpression' && !isLiteralString(node.source))
    .map((node) => node.source.start).sort((a, b) => b - a);
  for (const position of at) code = `${code.slice(0, position)}${HINT_TEXT}${code.slice(position)}`;
  return code;
}

/** The minified text of the module `source` on its own (`file`: its path, for messages). */
export function minifyModule(source, file) {
  const { code } = transformSync(source, { ...ESBUILD_COMMON, loader: 'js', keepNames: !isGlue(file), sourcefile: file });
  const before = moduleFacts(source, file);
  const after = moduleFacts(code, file);
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of ['imports', 'dynamic', 'computed', 'assets', 'exports']) {
    if (!same(before[key], after[key])) {
      throw new PackageError(`${file}: minifying changed its ${key}: ${JSON.stringify(before[key])} -> ${JSON.stringify(after[key])}`);
    }
  }
  return before.hinted > 0 ? withImportHints(code, file) : code;
}

function filesUnder(folder, test) {
  return readdirSync(folder, { recursive: true })
    .map((name) => join(folder, name))
    .filter((path) => test(path) && statSync(path).isFile())
    .sort();
}

const isModule = (path) => path.endsWith('.mjs');
const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');

// The package's entries: the .mjs files package.json exports from dist/js/ (`folder` stands
// for it: the build's copy, or a test's).
function packageEntries(folder) {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const targets = [];
  const collect = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(manifest.exports);
  const prefix = './dist/js/';
  return targets.filter((target) => target.startsWith(prefix) && isModule(target)).map((target) => join(folder, target.slice(prefix.length)));
}

/**
 * For every module under `folder`, what it names outside the bundle: the glue files it
 * imports and the assets it names, as absolute paths. Throws when one is missing.
 */
function namedFiles(folder, modules) {
  const named = new Set();
  let computed = 0;
  let hinted = 0;
  for (const path of modules) {
    const facts = moduleFacts(readFileSync(path, 'utf8'), relative(ROOT, path));
    computed += facts.computed;
    hinted += facts.hinted;
    for (const specifier of [...facts.imports, ...facts.dynamic]) {
      if (!isRelative(specifier)) continue;
      const target = resolve(dirname(path), specifier);
      if (!target.startsWith(folder + sep)) throw new PackageError(`${relative(ROOT, path)} imports ${specifier}, outside ${relative(ROOT, folder)}`);
      if (!statSync(target, { throwIfNoEntry: false })?.isFile()) throw new PackageError(`${relative(ROOT, path)} imports ${specifier}, which is not there`);
      if (isGlue(target)) named.add(target);
    }
    for (const url of facts.assets) {
      const target = resolve(dirname(path), url);
      if (!statSync(target, { throwIfNoEntry: false })?.isFile()) throw new PackageError(`${relative(ROOT, path)} names ${url}, which is not there`);
      named.add(target);
    }
  }
  return { named, computed, hinted };
}

/**
 * Bundles, code-splits and minifies the package's JS under `folder`, in place. `entries`
 * (paths under `folder`): the modules that keep their path, besides those that name assets;
 * by default the ones package.json exports. `meta`: where to write what each file holds.
 * `onLoad`: the entries whose static imports (and the glue) a page runs as it starts; they
 * come in as few chunks as one copy of each module allows (see tiedToLoad). `apart`: the
 * entries used without the rest, which keep loading only what they use.
 */
export async function packageJs(folder, { meta, entries: given, onLoad = ['trickle.mjs'], apart = [] } = {}) {
  folder = resolve(folder);
  const modules = filesUnder(folder, isModule);
  const code = modules.filter((path) => !isGlue(path));
  const before = namedFiles(folder, modules);
  if (before.hinted !== before.computed) {
    throw new PackageError(`${before.computed - before.hinted} import() of a computed specifier without ${HINT_TEXT}: `
      + 'bundled, they cannot be told from the hinted ones; give each the hint');
  }
  // Each module's facts before bundling, read once.
  const facts = new Map(code.map((path) => [path, moduleFacts(readFileSync(path, 'utf8'), relative(ROOT, path))]));
  const factsOf = (path) => facts.get(path);
  const assetModules = code.filter((path) => factsOf(path).assets.length > 0);
  const named = given === undefined ? packageEntries(folder) : given.map((path) => join(folder, path));
  const entries = [...new Set([...named, ...assetModules])].sort();
  const exportsBefore = new Map(entries.map((path) => [path, factsOf(path).exports]));

  for (const entry of apart) {
    if (!code.includes(join(folder, entry))) throw new PackageError(`${entry}, said to be used apart, is not there`);
  }
  const tied = tiedToLoad(code, onLoad.map((entry) => join(folder, entry)), apart.map((entry) => join(folder, entry)), assetModules, factsOf);

  const out = mkdtempSync(join(tmpdir(), 'trickle-package-js-'));
  try {
    const result = await build({
      ...ESBUILD_COMMON,
      entryPoints: entries,
      bundle: true,
      splitting: true,
      keepNames: true,
      outdir: out,
      outbase: folder,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'stream/[name]-[hash]',
      metafile: true,
      write: true,
      plugins: [tiePlugin(tied), {
        name: 'glue-stays',
        setup(esbuild) {
          // The glue is imported as it is written: its own file, beside its .wasm.
          esbuild.onResolve({ filter: /trickle-wasm[^/]*\.mjs$/ }, (args) => ({ path: args.path, external: true }));
        },
      }],
    });
    for (const warning of result.warnings) console.warn(`package-js: esbuild: ${warning.text}`);

    const written = filesUnder(out, () => true);
    for (const path of written) {
      const text = readFileSync(path, 'utf8');
      if (moduleFacts(text, path).computed > 0) writeFileSync(path, withImportHints(text, path));
    }
    // The bundled modules go; the glue, the types, the .wasm and the vocabularies stay.
    for (const path of code) rmSync(path);
    for (const path of written) {
      const target = join(folder, relative(out, path));
      mkdirSync(dirname(target), { recursive: true });
      renameSync(path, target);
    }
    for (const path of modules.filter(isGlue)) writeFileSync(path, minifyModule(readFileSync(path, 'utf8'), relative(ROOT, path)));
    removeEmptyFolders(folder);

    const after = filesUnder(folder, isModule);
    const checked = namedFiles(folder, after);
    const list = (set) => [...set].map((path) => relative(folder, path)).sort().join(', ');
    if (list(checked.named) !== list(before.named)) {
      throw new PackageError(`the bundle names other files than the modules did: [${list(checked.named)}], was [${list(before.named)}]`);
    }
    if (checked.computed !== before.computed || checked.hinted !== before.computed) {
      throw new PackageError(`import() of computed specifiers: ${before.computed} before, ${checked.computed} after (${checked.hinted} hinted)`);
    }
    for (const [path, names] of exportsBefore) {
      const now = moduleFacts(readFileSync(path, 'utf8'), path).exports;
      if (JSON.stringify(now) !== JSON.stringify(names)) {
        throw new PackageError(`${relative(folder, path)} exports [${now}] after bundling, [${names}] before`);
      }
    }
    for (const path of calledOnLoad(folder, onLoad.map((entry) => join(folder, entry)))) {
      writeFileSync(path, `${COMPILE_HINT}\n${readFileSync(path, 'utf8')}`);
    }
    if (meta) {
      // Which sources each file holds (for tests and the curious), paths from the repository.
      const inputs = {};
      for (const [output, info] of Object.entries(result.metafile.outputs)) {
        // The metafile's paths are relative to the working folder.
        inputs[relative(out, resolve(output)).split(sep).join('/')] = Object.keys(info.inputs)
          .map((input) => relative(folder, resolve(input)).split(sep).join('/')).sort();
      }
      mkdirSync(dirname(resolve(meta)), { recursive: true });
      writeFileSync(meta, `${JSON.stringify(inputs, null, 1)}\n`);
    }
    return { entries: entries.map((path) => relative(folder, path)), files: after.map((path) => relative(folder, path)) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * What a page runs as it starts (`onLoad` and everything it imports statically) in as few
 * files as one copy of each module allows. esbuild puts each module in the chunk of the set
 * of entries (and import() targets) that reach it, so the start's modules, each reached by
 * a different few of the lazy modules and other entries, came in seven chunks. So every
 * module outside that graph which reaches into it (a lazy module, another entry) is made to
 * reach all of it: it is given an import of each of the start's modules. Those modules (the
 * wire formats, the answers, the Service Worker's entry, the loaders) are only ever used
 * with trickle, whose start has loaded the same code already. The `apart` entries (the
 * toolbox, the transcript reader: used without the rest) instead each import every start
 * module that any of them uses: those share a chunk, the rest of the start another.
 * `factsOf(path)`: moduleFacts of a module. Returns the two ties, each { users, modules }:
 * the modules to be given imports, and what they import.
 */
function tiedToLoad(code, onLoad, apart, assetModules, factsOf) {
  const importsOf = new Map(code.map((path) => [path, factsOf(path).imports
    .filter(isRelative).map((specifier) => resolve(dirname(path), specifier)).filter((target) => !isGlue(target))]));
  const closure = (starts) => {
    const found = new Set();
    const visit = (path) => {
      if (found.has(path) || !importsOf.has(path)) return;
      found.add(path);
      for (const target of importsOf.get(path)) visit(target);
    };
    starts.forEach(visit);
    return found;
  };
  const start = closure(onLoad);
  const alone = closure(apart);
  const reachesStart = (path) => [...closure([path])].some((module) => start.has(module));
  const users = code.filter((path) => (!start.has(path) && !alone.has(path) && reachesStart(path))
    // An entry of its own inside the graph (a module that names a file beside it) reaches it too.
    || (start.has(path) && assetModules.includes(path)));
  const inStart = [...start].filter((path) => !onLoad.includes(path)).sort();
  return [
    { users: new Set(users), modules: inStart },
    { users: new Set(apart), modules: inStart.filter((path) => alone.has(path)) },
  ];
}

/** The esbuild plugin that gives each user of a tie of tiedToLoad() its imports. */
function tiePlugin(ties) {
  return {
    name: 'ties',
    setup(esbuild) {
      esbuild.onLoad({ filter: /\.mjs$/ }, (args) => {
        const imports = ties.filter((tie) => tie.users.has(args.path)).flatMap((tie) => tie.modules)
          .filter((path) => path !== args.path).map((path) => `import ${JSON.stringify(path)};\n`);
        if (imports.length === 0) return undefined;
        return { contents: `${readFileSync(args.path, 'utf8')}\n${imports.join('')}`, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

/** The bundled files `entries` import statically, transitively, with them, and every glue file: sorted. */
export function calledOnLoad(folder, entries) {
  const found = new Set(filesUnder(folder, isGlue));
  const visit = (path) => {
    if (found.has(path)) return;
    found.add(path);
    for (const specifier of moduleFacts(readFileSync(path, 'utf8'), relative(ROOT, path)).imports) {
      if (isRelative(specifier)) visit(resolve(dirname(path), specifier));
    }
  };
  for (const entry of entries) {
    if (!statSync(entry, { throwIfNoEntry: false })?.isFile()) throw new PackageError(`${relative(folder, entry)}, said to run on load, is not there`);
    visit(entry);
  }
  return [...found].sort();
}

function removeEmptyFolders(folder) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (!statSync(path).isDirectory()) continue;
    removeEmptyFolders(path);
    if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
  }
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { meta: { type: 'string' } } });
  if (positionals.length !== 1) throw new PackageError('usage: package-js.mjs FOLDER [--meta FILE.json]');
  const started = performance.now();
  const { entries, files } = await packageJs(positionals[0], { meta: values.meta, apart: ['toolbox.mjs', 'answers/transcript.mjs'] });
  console.log(`package-js: ${entries.length} entries, ${files.length} modules in ${positionals[0]} (${Math.round(performance.now() - started)} ms)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof PackageError)) throw error;
    console.error(`package-js: ${error.message}`);
    process.exit(1);
  }
}
