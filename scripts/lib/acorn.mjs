// Debian's acorn (the JS parser Emscripten needs to link at all, so no new dependency), for
// the build scripts that read modules as syntax: scripts/bundle-page.mjs and
// scripts/package-js.mjs. Found through NODE_PATH or at Debian's own path.
import { createRequire } from 'node:module';

/** The acorn module; throws an Error naming `who` when it is not installed. */
export function loadAcorn(who) {
  const require = createRequire(import.meta.url);
  for (const where of ['acorn', '/usr/share/nodejs/acorn']) {
    try {
      return require(where);
    } catch {
      // try the next place
    }
  }
  throw new Error(`${who}: acorn not found; install Debian's node-acorn (Emscripten depends on it) or set NODE_PATH`);
}
