#!/usr/bin/env node
// Makes the single-file page: one HTML file that holds its style, its scripts, the wasm
// module and the files it reads, and works when opened straight from disk.
//
//   node scripts/bundle-page.mjs build/site/index.html build/site/trickle.html \
//     --substitute trickle-wasm.mjs=build/wasm/trickle-wasm-inline.js --embed llm_stream.cpp
//
// Why: from a file:// URL the page's origin is opaque, so Chromium refuses its module
// scripts and its fetch() calls; index.html cannot even start. Inline classic scripts and
// inline styles still run. So the page's own ES modules become one classic script:
//
// - Each module becomes an async function (top-level await keeps working), run once, after
//   the modules it imports, in the order a module graph would run them. Its `import`
//   declarations become constants read from a small registry, its `export`s getters on its
//   namespace object, and `import.meta` an object whose url is where the module sits on the
//   site. Line numbers inside a module do not move, so a stack trace still points at the
//   right line of the module (plus the line where the module starts in the bundle).
// - --substitute id=file: the module `id` is replaced by a CommonJS script; its
//   module.exports is the module's default export. trickle uses it for the Emscripten glue
//   linked with -sSINGLE_FILE, whose .wasm is inside it as base64, so trickle.mjs itself is
//   bundled unchanged and never has to fetch anything.
// - --embed file: a file the page reads becomes a data block,
//   <script type="text/plain" data-site-file="file">, which web/site-file.mjs reads instead
//   of fetching it.
// - The stylesheet and images become inline; the Content-Security-Policy allows exactly the
//   inline script and style by their SHA-256 hashes, and still nothing from the network.
// - Elements marked data-single-file="omit" (boot.js, its message about file://) and all HTML
//   comments (they describe index.html) are left out.
//
// What it accepts is narrow on purpose, and anything else stops the build with a message
// that names the file and the line: imports of relative specifiers only ('./', '../'), no
// import cycles, no re-exports (`export ... from`), no `import()` of the site's modules, and
// no exported `let` or `var`. The last because an import here is a copy of the binding,
// taken once the imported module has finished running: for functions, classes and
// constants that is the same thing as a live binding, for a variable it is not (a `let` or
// `var` exported by name and never assigned again is as good as a constant, and accepted).
//
// The modules are parsed with acorn: a regular expression cannot tell an `export` at the
// start of a line from one inside a template literal. acorn is no new dependency: Debian's
// Emscripten needs it to link at all (see NODE_PATH in scripts/build).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAcorn } from './lib/acorn.mjs';

const acorn = loadAcorn('bundle-page');

export class BundleError extends Error {
  name = 'BundleError';
}

// Names the bundle gives its own bindings inside a module; a module may not use them.
const RESERVED_PREFIX = '__bundle';
const IMPORT = `${RESERVED_PREFIX}_import`;
const EXPORT = `${RESERVED_PREFIX}_export`;
const META = `${RESERVED_PREFIX}_meta`;
const DYNAMIC = `${RESERVED_PREFIX}_dynamic`;
const DEFAULT_EXPORT = `${RESERVED_PREFIX}_default`;

const PARSE_OPTIONS = { ecmaVersion: 'latest', sourceType: 'module', locations: true, allowHashBang: false };

function failAt(id, node, message) {
  const where = node ? `${id}:${node.loc.start.line}` : id;
  return new BundleError(`${where}: ${message}`);
}

function exportedName(node) {
  return node.type === 'Identifier' ? node.name : node.value; // export { x as "a string" }
}

// Every node below `node`, in source order.
function* descendants(node) {
  for (const value of Object.values(node)) {
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child && typeof child.type === 'string') {
        yield child;
        yield* descendants(child);
      }
    }
  }
}

// The names a pattern binds or assigns (a, b and c in { a, b: [c] }; none in a.b).
function patternNames(pattern) {
  switch (pattern.type) {
    case 'Identifier': return [pattern.name];
    case 'ObjectPattern': return pattern.properties.flatMap((p) => patternNames(p.type === 'Property' ? p.value : p));
    case 'ArrayPattern': return pattern.elements.filter(Boolean).flatMap(patternNames);
    case 'RestElement': return patternNames(pattern.argument);
    case 'AssignmentPattern': return patternNames(pattern.left);
    default: return [];
  }
}

// The names a declaration binds, patterns included (let { a, b: [c] } = ...).
function boundNames(declaration) {
  return declaration.declarations.flatMap((declarator) => patternNames(declarator.id));
}

const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');

/**
 * The site path of `specifier` imported from the module at site path `fromId`
 * ("lib/a.mjs" importing "../b.mjs" is "b.mjs").
 */
export function resolveSpecifier(specifier, fromId) {
  if (!isRelative(specifier)) {
    throw new BundleError(`${fromId}: cannot bundle an import of "${specifier}": only './' and '../' specifiers name the site's own modules`);
  }
  const url = new URL(specifier, `file:///site/${fromId}`);
  if (!url.pathname.startsWith('/site/') || url.search || url.hash) {
    throw new BundleError(`${fromId}: "${specifier}" is not a file inside the site`);
  }
  return decodeURIComponent(url.pathname.slice('/site/'.length));
}

/**
 * Turns the ES module `source` (site path `id`) into the text of an async function
 * expression, (import, export, meta) => its body, and lists what it imports and exports.
 * Returns { code, imports: [{ id, names, line }], exports: [name] }.
 */
export function transformModule(source, id) {
  let ast;
  try {
    ast = acorn.parse(source, PARSE_OPTIONS);
  } catch (error) {
    throw new BundleError(`${id}: ${error.message}`);
  }
  const edits = []; // [start, end, replacement], never overlapping
  const imports = [];
  const dynamicImports = []; // { id, line }: the site's modules import() asks for
  const exports = new Map(); // exported name -> local binding
  const header = [];

  const blank = (node) => edits.push([node.start, node.end, source.slice(node.start, node.end).replace(/[^\n]/g, '')]);

  for (const node of ast.body) {
    if (node.type === 'ImportDeclaration') {
      const from = resolveSpecifier(node.source.value, id);
      const names = [];
      const bindings = [];
      for (const specifier of node.specifiers) {
        if (specifier.type === 'ImportNamespaceSpecifier') {
          header.push(`const ${specifier.local.name} = ${IMPORT}(${JSON.stringify(from)});`);
        } else {
          const name = specifier.type === 'ImportDefaultSpecifier' ? 'default' : exportedName(specifier.imported);
          names.push(name);
          bindings.push(`${JSON.stringify(name)}: ${specifier.local.name}`);
        }
      }
      if (bindings.length > 0) header.push(`const { ${bindings.join(', ')} } = ${IMPORT}(${JSON.stringify(from)});`);
      imports.push({ id: from, names, line: node.loc.start.line });
      blank(node);
    } else if (node.type === 'ExportNamedDeclaration') {
      if (node.source) {
        throw failAt(id, node, `re-exports (export ... from "${node.source.value}") are not supported: import the names, then export them`);
      }
      const declaration = node.declaration;
      if (declaration) {
        if (declaration.type === 'VariableDeclaration') {
          if (declaration.kind !== 'const') {
            throw failAt(id, node, `export ${declaration.kind} is not supported: an importer would get a copy, not a live binding; export a const, a function or a class`);
          }
          for (const declarator of declaration.declarations) {
            if (declarator.id.type !== 'Identifier') {
              throw failAt(id, node, 'exporting a destructuring pattern is not supported: declare the constants, then export them');
            }
            exports.set(declarator.id.name, declarator.id.name);
          }
        } else {
          exports.set(declaration.id.name, declaration.id.name); // a function or a class
        }
        edits.push([node.start, declaration.start, '']); // the declaration stays, without `export`
      } else {
        for (const specifier of node.specifiers) exports.set(exportedName(specifier.exported), specifier.local.name);
        blank(node);
      }
    } else if (node.type === 'ExportDefaultDeclaration') {
      const declaration = node.declaration;
      const named = (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id;
      if (named) {
        exports.set('default', declaration.id.name);
        edits.push([node.start, declaration.start, '']);
      } else {
        exports.set('default', DEFAULT_EXPORT);
        edits.push([node.start, declaration.start, `const ${DEFAULT_EXPORT} = `]);
        edits.push([declaration.end, node.end, ';']);
      }
    } else if (node.type === 'ExportAllDeclaration') {
      throw failAt(id, node, `export * from "${node.source.value}" is not supported: import the names, then export them`);
    }
  }

  // The names assigned anywhere in the module (an inner variable of the same name counts
  // too: a false alarm stops the build, a miss would not), for the two rules below that take
  // a `let` or `var` never assigned again as a constant: a bundler (esbuild) declares every
  // top-level binding with var, constants included.
  const assigned = new Set();
  for (const node of descendants(ast)) {
    const target = node.type === 'AssignmentExpression' ? node.left
      : node.type === 'UpdateExpression' ? node.argument
        : node.type === 'ForInStatement' || node.type === 'ForOfStatement' ? node.left : null;
    if (target !== null && target.type !== 'VariableDeclaration') for (const name of patternNames(target)) assigned.add(name);
  }
  // Top-level `const NAME = 'string'` (or a let or var never assigned again), by name.
  const constantStrings = new Map();
  for (const node of ast.body) {
    const declaration = node.type === 'ExportNamedDeclaration' ? node.declaration : node;
    if (declaration?.type !== 'VariableDeclaration') continue;
    for (const declarator of declaration.declarations) {
      if (declarator.id.type !== 'Identifier' || declarator.init?.type !== 'Literal') continue;
      if (declaration.kind === 'const' || !assigned.has(declarator.id.name)) constantStrings.set(declarator.id.name, declarator.init);
    }
  }
  for (const node of descendants(ast)) {
    if (node.type === 'MetaProperty' && node.meta.name === 'import') {
      edits.push([node.start, node.end, META]);
    } else if (node.type === 'ImportExpression') {
      // import('node:fs') in code that only Node runs may stay: a classic script may call
      // import() too. The specifier may also be named by a top-level constant (so that
      // bundlers building for the browser do not try to resolve a Node built-in). A site
      // module imported with a literal relative specifier (or such a constant) is carried in
      // the bundle and run on its first import(), as a browser would load it then.
      const target = node.source.type === 'Identifier' ? constantStrings.get(node.source.name) : node.source;
      if (target?.type !== 'Literal' || typeof target.value !== 'string' || target.value.startsWith('/')) {
        throw failAt(id, node, 'import() of the site\'s own modules is supported only with a literal relative specifier (or a top-level constant holding one)');
      }
      if (isRelative(target.value)) {
        const from = resolveSpecifier(target.value, id);
        dynamicImports.push({ id: from, line: node.loc.start.line });
        edits.push([node.start, node.end, `${DYNAMIC}(${JSON.stringify(from)})`]);
      }
    } else if (node.type === 'Identifier' && node.name.startsWith(RESERVED_PREFIX)) {
      throw failAt(id, node, `the name ${node.name} is reserved for the bundle (${RESERVED_PREFIX}…)`);
    }
  }

  // `export { count }` of a `let count` is the same promise as `export let count`, unless
  // nothing ever assigns to it.
  for (const node of ast.body) {
    const declaration = node.type === 'ExportNamedDeclaration' ? node.declaration : node;
    if (declaration?.type !== 'VariableDeclaration' || declaration.kind === 'const') continue;
    for (const name of boundNames(declaration)) {
      if ([...exports.values()].includes(name) && (node.type === 'ExportNamedDeclaration' || assigned.has(name))) {
        throw failAt(id, declaration, `${name} is exported but declared with ${declaration.kind}: an importer would get a copy, not a live binding; make it a const`);
      }
    }
  }

  if (exports.size > 0) {
    // Sorted, as a module namespace object lists its names.
    const getters = [...exports].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, local]) => `${JSON.stringify(name)}: () => ${local}`);
    header.push(`${EXPORT}({ ${getters.join(', ')} });`);
  }
  edits.sort((a, b) => a[0] - b[0]);
  let body = '';
  let at = 0;
  for (const [start, end, replacement] of edits) {
    body += source.slice(at, start) + replacement;
    at = end;
  }
  body += source.slice(at);
  // Everything added goes on the function's first line: the module's lines keep their numbers.
  const code = `async function (${IMPORT}, ${EXPORT}, ${META}, ${DYNAMIC}) {'use strict'; ${header.join(' ')}\n${body}\n}`;
  return { code, imports, dynamicImports, exports: [...exports.keys()] };
}

/** The text of an async function expression that runs a CommonJS script; its module.exports is the default export. */
function wrapCommonJs(source) {
  // Not strict: the script decides that for itself (Emscripten's glue does not ask for it).
  return `async function (${IMPORT}, ${EXPORT}) {\nconst module = { exports: {} };\n(function (module, exports) {\n${source}\n}).call(module.exports, module, module.exports);\n${EXPORT}({ "default": () => module.exports });\n}`;
}

// Runs the modules in the order given, each after the ones it imports (the bundler has
// ordered them so), and gives each its namespace object. Modules marked lazy (reached only
// through import()) wait: the first import() of one runs it and every lazy module before it
// in the order that has not run yet (its own imports among them), then resolves with its
// namespace.
const RUNTIME = `(async function runModules(modules) {
  'use strict';
  const namespaces = new Map();
  const importFrom = (id) => namespaces.get(id);
  // Runs, in order, the modules not run yet: the eager ones, or (until an id) the lazy ones
  // up to it too.
  async function run(until) {
    for (const [id, evaluate, lazy] of modules) {
      if (namespaces.has(id)) {
        if (id === until) break;
        continue;
      }
      if (lazy && until === undefined) continue;
      const namespace = Object.create(null);
      Object.defineProperty(namespace, Symbol.toStringTag, { value: 'Module' });
      namespaces.set(id, namespace);
      const exportAs = (getters) => {
        for (const name of Object.keys(getters)) {
          Object.defineProperty(namespace, name, { get: getters[name], enumerable: true });
        }
        Object.preventExtensions(namespace);
      };
      await evaluate(importFrom, exportAs, { url: new URL(id, document.baseURI).href }, dynamicImport);
      if (id === until) break;
    }
  }
  // After start-up, one import() at a time; during it (a module's top-level import()), at
  // once, as a browser would.
  let started = false;
  let running = Promise.resolve();
  function dynamicImport(id) {
    if (!started) return run(id).then(() => namespaces.get(id));
    running = running.then(() => run(id));
    return running.then(() => namespaces.get(id));
  }
  await run(undefined);
  started = true;
})`;

/**
 * One classic script that runs the modules `entries` (site paths) and everything they
 * import. load(id) returns { kind: 'module' | 'commonjs', source }.
 */
export function bundleModules(entries, load) {
  const done = new Map(); // id -> { exports }
  const visiting = [];
  const ordered = [];
  const eager = new Set(); // what the entries import statically: run at once
  const lazyTargets = []; // what import() asks for: run on its first import()

  function visit(id, importer, lazy = false) {
    if (!lazy) eager.add(id);
    if (done.has(id)) return done.get(id);
    if (visiting.includes(id)) {
      throw new BundleError(`import cycle: ${[...visiting.slice(visiting.indexOf(id)), id].join(' -> ')} (a single-file page runs modules in a fixed order)`);
    }
    let loaded;
    try {
      loaded = load(id);
    } catch (error) {
      throw new BundleError(`${importer ?? 'the page'} imports ${id}, which cannot be read: ${error.message}`);
    }
    visiting.push(id);
    let result;
    if (loaded.kind === 'commonjs') {
      result = { code: wrapCommonJs(loaded.source), exports: ['default'] };
    } else {
      result = transformModule(loaded.source, id);
      for (const { id: dependency } of result.dynamicImports) lazyTargets.push([dependency, id]);
      for (const { id: dependency, names, line } of result.imports) {
        const { exports } = visit(dependency, id, lazy);
        for (const name of names) {
          if (!exports.includes(name)) {
            throw new BundleError(`${id}:${line}: ${dependency} does not export ${name === 'default' ? 'a default' : `"${name}"`} (it exports: ${exports.join(', ') || 'nothing'})`);
          }
        }
      }
    }
    visiting.pop();
    done.set(id, result);
    ordered.push([id, result.code]);
    return result;
  }

  for (const entry of entries) visit(entry, null);
  for (let i = 0; i < lazyTargets.length; i++) visit(lazyTargets[i][0], lazyTargets[i][1], true);
  const modules = ordered.map(([id, code]) => `// ---- ${id}\n[${JSON.stringify(id)}, ${code}, ${!eager.has(id)}]`);
  return `// The page's ES modules as one classic script, made by scripts/bundle-page.mjs.\n${RUNTIME}([\n${modules.join(',\n')}\n]);\n`;
}

// ---------------------------------------------------------------------------------------
// The page

const IMAGE_TYPES = { '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.webp': 'image/webp', '.jpg': 'image/jpeg', '.gif': 'image/gif' };
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

function attributes(text) {
  const found = new Map();
  for (const match of text.matchAll(/([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    found.set(match[1].toLowerCase(), match[2] ?? match[3] ?? match[4] ?? '');
  }
  return found;
}

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

// What an HTML parser would find inside a <script> or <style>: it must not end early, and a
// CSP hash is computed over the text after the parser has normalized its line breaks.
function rawText(text, element, what) {
  const ends = new RegExp(`</${element}|<!--`, 'i');
  const found = ends.exec(text);
  if (found) throw new BundleError(`${what} contains "${found[0]}", which would end or confuse the inline <${element}>`);
  return text.replace(/\r\n?/g, '\n');
}

function withoutOmitted(html) {
  const marker = /<([a-zA-Z][\w-]*)\b[^>]*\sdata-single-file\s*=\s*["']?omit["']?[^>]*>/;
  for (let found = marker.exec(html); found; found = marker.exec(html)) {
    const name = found[1].toLowerCase();
    let end = found.index + found[0].length;
    if (!VOID_ELEMENTS.has(name)) {
      const close = new RegExp(`</${name}\\s*>`, 'i');
      const closing = close.exec(html.slice(end));
      if (!closing) throw new BundleError(`<${name}> marked data-single-file="omit" has no </${name}>`);
      if (new RegExp(`<${name}\\b`, 'i').test(html.slice(end, end + closing.index))) {
        throw new BundleError(`<${name}> marked data-single-file="omit" holds another <${name}>: mark an element whose content has none`);
      }
      end += closing.index + closing[0].length;
    }
    // The element's whole line goes, when it has one to itself.
    let start = found.index;
    const before = html.slice(0, start).match(/\n[ \t]*$/);
    const after = html.slice(end).match(/^[ \t]*\n/);
    if (before && after) {
      start -= before[0].length - 1;
      end += after[0].length;
    }
    html = html.slice(0, start) + html.slice(end);
  }
  return html;
}

/**
 * Makes the single-file page from `pagePath` (a page of a built site) and returns its text:
 * substitutes maps a module's site path to a CommonJS file; embed lists site files to carry.
 */
export function bundlePage(pagePath, { substitutes = new Map(), embed = [] } = {}) {
  const siteRoot = dirname(resolvePath(pagePath));
  const pageName = basename(pagePath);
  const siteFile = (path) => {
    const file = resolvePath(siteRoot, decodeURIComponent(path));
    if (relative(siteRoot, file).startsWith('..')) throw new BundleError(`${pageName}: ${path} is outside the site`);
    return file;
  };
  const isSiteReference = (url) => !/^(?:[a-z][a-z0-9+.-]*:|#|\/\/)/i.test(url);

  // A comment on lines of its own takes its lines with it.
  let html = readFileSync(pagePath, 'utf8').replace(/^[ \t]*<!--(?:(?!-->)[\s\S])*-->[ \t]*\n|<!--[\s\S]*?-->/gm, '');
  html = withoutOmitted(html);

  const entries = [];
  html = html.replace(/[ \t]*<script\b([^>]*)>([\s\S]*?)<\/script\s*>[ \t]*\n?/gi, (whole, attributeText, content) => {
    const attrs = attributes(attributeText);
    if (attrs.get('type') === 'module' && attrs.has('src') && content.trim() === '') {
      if (!isSiteReference(attrs.get('src'))) throw new BundleError(`${pageName}: the module ${attrs.get('src')} is not on the site`);
      entries.push(resolveSpecifier(`./${attrs.get('src').replace(/^\.\//, '')}`, pageName));
      return '';
    }
    throw new BundleError(`${pageName}: cannot bundle <script${attributeText}>: only module scripts with a src are bundled; mark the others data-single-file="omit"`);
  });
  if (entries.length === 0) throw new BundleError(`${pageName}: no <script type="module" src> to bundle`);

  const styles = [];
  let images = 0;
  html = html.replace(/<([a-zA-Z][\w-]*)(\s[^>]*)?>/g, (tag, name, attributeText = '') => {
    name = name.toLowerCase();
    const attrs = attributes(attributeText);
    const rel = (attrs.get('rel') ?? '').toLowerCase().split(/\s+/);
    if (name === 'link' && rel.includes('stylesheet')) {
      // In its place, so the cascade keeps its order.
      const css = rawText(readFileSync(siteFile(attrs.get('href')), 'utf8'), 'style', attrs.get('href'));
      styles.push(css);
      return `<style>${css}</style>`;
    }
    for (const attribute of ['src', 'href', 'srcset', 'poster', 'action', 'data']) {
      const url = attrs.get(attribute);
      if (url === undefined || !isSiteReference(url)) continue;
      if (name === 'a' && attribute === 'href') continue; // a link goes where it goes
      const inlined = (name === 'img' && attribute === 'src') || (name === 'link' && rel.includes('icon') && attribute === 'href');
      const type = IMAGE_TYPES[extname(url).toLowerCase()];
      if (!inlined || !type) {
        throw new BundleError(`${pageName}: cannot bundle ${tag}: only a stylesheet, icons and images are inlined`);
      }
      images += 1;
      const data = `data:${type};base64,${readFileSync(siteFile(url)).toString('base64')}`;
      return tag.replace(/(\s(?:src|href)\s*=\s*)(["']?)[^"'\s>]*\2/i, `$1"${data}"`);
    }
    return tag;
  });

  const script = rawText(
    bundleModules(entries, (id) => {
      const substitute = substitutes.get(id);
      if (substitute) return { kind: 'commonjs', source: readFileSync(substitute, 'utf8') };
      return { kind: 'module', source: readFileSync(siteFile(id), 'utf8') };
    }),
    'script',
    'the bundled script',
  );

  const policy = [
    "default-src 'none'",
    `script-src ${sha256(script)} 'wasm-unsafe-eval'`,
    `style-src ${styles.length ? styles.map(sha256).join(' ') : "'none'"}`,
    `img-src ${images ? 'data:' : "'none'"}`,
    // Emscripten's single-file glue fetch()es its own data: URL before it decodes it itself.
    'connect-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
  let policies = 0;
  html = html.replace(/<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/gi, () => {
    policies += 1;
    return `<meta http-equiv="Content-Security-Policy" content="${policy}">\n  <meta name="bundled-from" content="${pageName}">`;
  });
  if (policies !== 1) throw new BundleError(`${pageName}: expected one Content-Security-Policy <meta>, found ${policies}`);

  const blocks = embed.map((name) => {
    const text = rawText(readFileSync(siteFile(name), 'utf8'), 'script', name);
    return `<script type="text/plain" data-site-file="${name.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}">${text}</script>\n`;
  });
  // At the end of <body>: like the module scripts it replaces, it runs once the page is parsed.
  const bodyEnd = html.search(/<\/body>/i);
  if (bodyEnd < 0) throw new BundleError(`${pageName}: no </body>`);
  html = `${html.slice(0, bodyEnd)}${blocks.join('')}<script>${script}</script>\n${html.slice(bodyEnd)}`;
  const note = `<!-- ${pageName} as one file, made by scripts/bundle-page.mjs: it works opened straight from disk (file://). -->\n`;
  return html.replace(/^(<!DOCTYPE[^>]*>\n?)/i, `$1${note}`);
}

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { substitute: { type: 'string', multiple: true, default: [] }, embed: { type: 'string', multiple: true, default: [] } },
  });
  if (positionals.length !== 2) {
    throw new BundleError('usage: bundle-page.mjs PAGE.html OUT.html [--substitute module.mjs=file.js]... [--embed file]...');
  }
  const [page, out] = positionals;
  const substitutes = new Map(values.substitute.map((pair) => {
    const [id, file] = pair.split('=');
    if (!id || !file) throw new BundleError(`--substitute ${pair}: expected module.mjs=file.js`);
    return [id, file];
  }));
  writeFileSync(out, bundlePage(page, { substitutes, embed: values.embed }));
}

if (process.argv[1] && resolvePath(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    console.error(`bundle-page: ${error.message}`);
    process.exit(1);
  }
}
