// A tiny ES module resolver, for "what does a page load": follows the relative imports of an
// entry module, read from the files themselves rather than listed by hand.
//
// Contract: moduleGraph(entry) returns every file reachable by static imports (`import ...
// from`, `import '...'`, `export ... from`) as `eager`, the files reachable only through
// a literal `import('...')` as `lazy`, and the assets named by `new URL('...',
// import.meta.url)`, each placed with the module that loads it: an asset X.wasm goes with
// the module X.mjs when there is one (the Emscripten glue that instantiates it), else with
// the module that names it. Bare specifiers (packages) are listed in `external`, not
// followed. Comments are ignored, so an import shown in a comment counts for nothing.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';

const STATIC = /\b(?:import|export)\s*(?:[\w$\s{},*]*?\bfrom\s*)?(['"])([^'"\n]+)\1/g;
const DYNAMIC = /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;
const ASSET = /\bnew\s+URL\s*\(\s*(['"])([^'"\n]+)\1\s*,\s*import\.meta\.url\s*\)/g;

// Removes comments, keeping strings and template literals as they are (a '//' inside a URL
// string is not a comment).
function stripComments(source) {
  let out = '';
  for (let i = 0; i < source.length;) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end === -1 ? source.length : end;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function specifiers(pattern, source) {
  return [...source.matchAll(pattern)].map((match) => match[2]);
}

// A module specifier must start with '.' or '/' to be a path (else it names a package); an
// asset's URL is relative to the module whatever it starts with, unless it has a scheme.
function resolveFrom(file, specifier, asset = false) {
  const relative = asset ? !/^[a-z][a-z0-9+.-]*:/i.test(specifier) : specifier.startsWith('.') || specifier.startsWith('/');
  if (!relative) return null;
  const path = resolve(dirname(file), specifier);
  if (!existsSync(path)) throw new Error(`modules: ${file} imports ${specifier}, which is not there (${path})`);
  return path;
}

/** The module graph of `entry` (an absolute path): { eager, lazy, external } lists of paths. */
export function moduleGraph(entry) {
  const parsed = new Map(); // path -> { statics, dynamics, assets }
  const parse = (file) => {
    if (!parsed.has(file)) {
      const source = stripComments(readFileSync(file, 'utf8'));
      const external = [];
      const follow = (pattern) => specifiers(pattern, source).map((spec) => {
        const path = resolveFrom(file, spec, pattern === ASSET);
        if (path === null) external.push(spec);
        return path;
      }).filter((path) => path !== null);
      // import('x') never matches STATIC: "(" cannot stand between import and the quote.
      parsed.set(file, { statics: follow(STATIC), dynamics: follow(DYNAMIC), assets: follow(ASSET), external });
    }
    return parsed.get(file);
  };
  const closure = (roots, eagerSeen) => {
    const seen = new Set();
    const stack = [...roots];
    while (stack.length > 0) {
      const file = stack.pop();
      if (seen.has(file) || eagerSeen?.has(file)) continue;
      seen.add(file);
      for (const dependency of parse(file).statics) stack.push(dependency);
    }
    return seen;
  };
  const eager = closure([entry]);
  const dynamicRoots = [];
  let grew = true;
  const lazy = new Set();
  // Dynamic imports of eager modules, then of lazy ones, until nothing new appears.
  while (grew) {
    grew = false;
    for (const file of [...eager, ...lazy]) for (const target of parse(file).dynamics) dynamicRoots.push(target);
    for (const file of closure(dynamicRoots, eager)) {
      if (!lazy.has(file)) {
        lazy.add(file);
        grew = true;
      }
    }
  }
  const modules = [...eager, ...lazy];
  const placeAsset = (asset, namedBy) => {
    const stem = basename(asset, extname(asset));
    const loader = modules.find((file) => basename(file, extname(file)) === stem && dirname(file) === dirname(asset));
    return (loader ?? namedBy);
  };
  const eagerAssets = new Set();
  const lazyAssets = new Set();
  for (const file of modules) {
    for (const asset of parse(file).assets) {
      (eager.has(placeAsset(asset, file)) ? eagerAssets : lazyAssets).add(asset);
    }
  }
  for (const asset of eagerAssets) lazyAssets.delete(asset);
  const external = [...new Set(modules.flatMap((file) => parse(file).external))];
  return { eager: [...eager, ...eagerAssets], lazy: [...lazy, ...lazyAssets], external };
}
