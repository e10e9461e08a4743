#!/usr/bin/env node
// Makes the page's one third-party module: the markdown renderer (marked) and the HTML
// sanitizer (DOMPurify) as a single ES module that the site serves itself, so the page needs
// no CDN and its Content-Security-Policy stays 'self'.
//
//   node scripts/vendor-page.mjs build/site/vendor/markdown.mjs
//
// Both packages ship a UMD build (a function that hands its result to `module.exports` when
// it sees CommonJS). Each runs here inside a function that gives it a `module` of its own,
// so neither touches a global, and the module exports the two results as constants: the
// form scripts/bundle-page.mjs accepts when it carries the module into the single-file page.
// Their license headers (/*! ... */ and the MIT notice) stay at the top of each, and this
// file's header names the versions and licenses.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The project's own dev packages (package.json, pinned by package-lock.json).
const NODE_MODULES = resolve(dirname(fileURLToPath(import.meta.url)), '../node_modules');

// [the name it is exported as, the package, its UMD file inside the package]
const LIBRARIES = [
  ['marked', 'marked', 'lib/marked.umd.js'],
  ['DOMPurify', 'dompurify', 'dist/purify.min.js'],
];

// Read from the folder itself: a package's "exports" may hide its package.json and its UMD file.
function packageRoot(name) {
  return join(NODE_MODULES, name);
}

function wrap(exportName, source) {
  // A source map comment would point at a file the site does not have. In the single-file
  // page this code sits inside a <script>, where "<!--" and "</script" would confuse the
  // HTML parser; both occur in these libraries only inside strings, template literals and
  // regular expressions, where \x21 is "!" and \/ is "/", so the escaped text means the same.
  const body = source
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replaceAll('<!--', '<\\x21--')
    .replaceAll('</script', '<\\/script');
  if (/^\s*(?:import|export)\s/m.test(body)) throw new Error(`vendor-page: ${exportName}'s UMD file is an ES module`);
  const module = `${exportName}Module`;
  return `const ${module} = { exports: {} };\n(function (module, exports) {\n${body}\n}).call(globalThis, ${module}, ${module}.exports);\nconst ${exportName} = ${module}.exports;\n`;
}

function main() {
  const [out] = process.argv.slice(2);
  if (!out) throw new Error('usage: vendor-page.mjs OUT.mjs');
  const header = ['// Made by scripts/vendor-page.mjs from the npm packages below (their notices follow in each part):'];
  const parts = [];
  for (const [exportName, name, file] of LIBRARIES) {
    const root = packageRoot(name);
    const meta = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    header.push(`//   ${name} ${meta.version}, license ${meta.license}`);
    parts.push(`// ---- ${name} ${meta.version}\n${wrap(exportName, readFileSync(join(root, file), 'utf8'))}`);
  }
  const exported = LIBRARIES.map(([exportName]) => exportName).join(', ');
  const text = `${header.join('\n')}\n${parts.join('\n')}\nexport { ${exported} };\n`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
}

main();
