#!/usr/bin/env node
// Minifies the package's JS in place, one file at a time, with esbuild (a dev package pinned
// by package-lock.json): what a page downloads for createTrickle() is mostly comments and
// long names, which the source keeps for its readers (src/js/ is the readable copy).
//
//   node scripts/minify.mjs dist/js
//
// Contract: every .mjs file under the folder is rewritten as the same ES module made
// smaller, and nothing else changes. Each file stays a module of its own, so the package's
// layout, the lazily imported modules (import() on first use, lazyModule() in a Service
// Worker) and the single-file page's bundler see what they saw before. That is checked, not
// assumed: each file's imports (specifiers and names), exports, literal import() specifiers,
// `new URL('...', import.meta.url)` assets and uses of import.meta must come out exactly as
// they went in, or the build stops naming the file and what differs.
//
// Names: trickle's own modules keep every class's and function's `.name` (--keep-names),
// which error messages, stack traces and users' code may show. The Emscripten glue
// (trickle-wasm*.mjs) does not: it never reads a function's name (Embind names its types
// with strings), and keeping them costs it about 15% gzipped. License comments (/*! ... */,
// @license, @preserve) stay where they are; the other comments go, except the hints for
// bundlers on import() (/* @vite-ignore */, /* webpackIgnore: true */), which are put back.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';

const acorn = loadAcorn();

function loadAcorn() {
  const require = createRequire(import.meta.url);
  // Debian's acorn, which Emscripten needs anyway (scripts/bundle-page.mjs does the same).
  for (const where of ['acorn', '/usr/share/nodejs/acorn']) {
    try {
      return require(where);
    } catch {
      // try the next place
    }
  }
  throw new Error('minify: acorn not found; install Debian\'s node-acorn (Emscripten depends on it) or set NODE_PATH');
}

class MinifyError extends Error {
  name = 'MinifyError';
}

const isGlue = (path) => /(^|\/)trickle-wasm[^/]*\.mjs$/.test(path);

function* walk(node) {
  if (node === null || typeof node !== 'object') return;
  if (typeof node.type === 'string') yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) yield* walk(child);
    else if (value !== null && typeof value === 'object' && typeof value.type === 'string') yield* walk(value);
  }
}

const specifierName = (node) => (node.type === 'Identifier' ? node.name : node.value);

/**
 * What other code can see of a module, as sorted lines of text: its imports (specifier and
 * names), its exports (names, and the specifier of a re-export), its import() calls (the
 * literal specifier, or "expression"), its `new URL(literal, import.meta.url)` assets and how
 * many times it reads import.meta. Local names are left out: minifying renames them.
 */
export function moduleInterface(source, file) {
  let ast;
  try {
    ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'module' });
  } catch (error) {
    throw new MinifyError(`${file}: ${error.message}`);
  }
  const lines = [];
  for (const node of ast.body) {
    if (node.type === 'ImportDeclaration') {
      const names = node.specifiers.map((s) => (s.type === 'ImportDefaultSpecifier' ? 'default'
        : s.type === 'ImportNamespaceSpecifier' ? '*' : specifierName(s.imported))).sort();
      lines.push(`import {${names.join(', ')}} from ${node.source.value}`);
    } else if (node.type === 'ExportNamedDeclaration') {
      const from = node.source ? ` from ${node.source.value}` : '';
      const declaration = node.declaration;
      if (declaration?.type === 'VariableDeclaration') {
        for (const declarator of declaration.declarations) {
          for (const id of walk(declarator.id)) if (id.type === 'Identifier') lines.push(`export ${id.name}`);
        }
      } else if (declaration) {
        lines.push(`export ${declaration.id.name}`);
      }
      for (const s of node.specifiers) lines.push(`export ${specifierName(s.exported)}${from}`);
    } else if (node.type === 'ExportDefaultDeclaration') {
      lines.push('export default');
    } else if (node.type === 'ExportAllDeclaration') {
      lines.push(`export * ${node.exported ? `as ${specifierName(node.exported)} ` : ''}from ${node.source.value}`);
    }
  }
  let metas = 0;
  for (const node of walk(ast)) {
    if (node.type === 'ImportExpression') {
      const literal = node.source.type === 'Literal' && typeof node.source.value === 'string';
      lines.push(`import(${literal ? node.source.value : 'expression'})`);
    } else if (node.type === 'MetaProperty' && node.meta.name === 'import') {
      metas += 1;
    } else if (node.type === 'NewExpression' && node.callee.type === 'Identifier' && node.callee.name === 'URL'
      && node.arguments.length === 2 && node.arguments[0].type === 'Literal' && node.arguments[1].type === 'MemberExpression'
      && node.arguments[1].object.type === 'MetaProperty') {
      lines.push(`asset ${node.arguments[0].value}`);
    }
  }
  lines.push(`import.meta ×${metas}`);
  return lines.sort();
}

// A bundler hint inside import( ... ): esbuild drops it with the other comments.
const IMPORT_HINT = /\bimport\(\s*(\/\*\s*(?:@vite-ignore|webpackIgnore:\s*true)\s*\*\/)\s*/g;

/** The minified text of the module `source` (its path is `file`, for messages). */
export function minifyModule(source, file) {
  const { code } = transformSync(source, {
    loader: 'js',
    format: 'esm',
    minify: true,
    keepNames: !isGlue(file),
    // The text as it is (Chinese stays Chinese, not \u escapes): module scripts are UTF-8.
    charset: 'utf8',
    legalComments: 'inline',
    // No syntax is lowered: the package runs where its source runs.
    target: 'esnext',
    sourcefile: file,
  });
  const hints = [...source.matchAll(IMPORT_HINT)].map((match) => match[1]);
  if (hints.length === 0) return code;
  // Put back in order, on the import() calls whose argument is not a literal (the only ones
  // a hint is written on here); anything else would be a guess, so it stops the build.
  const calls = [...code.matchAll(/\bimport\((?!["'`])/g)];
  if (calls.length !== hints.length) {
    throw new MinifyError(`${file}: ${hints.length} import() hint(s) to keep, but ${calls.length} import() call(s) with a non-literal argument after minifying`);
  }
  let out = '';
  let at = 0;
  calls.forEach((call, i) => {
    const end = call.index + call[0].length;
    out += `${code.slice(at, end)}${hints[i]}`;
    at = end;
  });
  return out + code.slice(at);
}

function modulesUnder(folder) {
  return readdirSync(folder, { recursive: true })
    .map((name) => join(folder, name))
    .filter((path) => path.endsWith('.mjs') && statSync(path).isFile())
    .sort();
}

function main(folders) {
  if (folders.length === 0) throw new MinifyError('usage: minify.mjs FOLDER... (minifies every .mjs under each, in place)');
  let before = 0;
  let after = 0;
  let files = 0;
  for (const folder of folders) {
    for (const path of modulesUnder(folder)) {
      const name = relative(process.cwd(), path);
      const source = readFileSync(path, 'utf8');
      const code = minifyModule(source, name);
      const was = moduleInterface(source, name);
      const is = moduleInterface(code, name);
      const lost = was.filter((line) => !is.includes(line));
      const gained = is.filter((line) => !was.includes(line));
      if (lost.length > 0 || gained.length > 0 || was.length !== is.length) {
        throw new MinifyError(`${name}: minifying changed what the module shows: lost [${lost.join('; ')}], gained [${gained.join('; ')}]`);
      }
      writeFileSync(path, code);
      before += Buffer.byteLength(source);
      after += Buffer.byteLength(code);
      files += 1;
    }
  }
  console.log(`minify: ${files} modules, ${(before / 1024).toFixed(1)} KiB -> ${(after / 1024).toFixed(1)} KiB`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof MinifyError)) throw error;
    console.error(`minify: ${error.message}`);
    process.exit(1);
  }
}
