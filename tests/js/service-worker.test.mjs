// trickle/service-worker: a Service Worker may not call import() at all, so every module
// the library imports on first use must be handed over by src/js/service-worker.mjs. This
// reads the library's sources and checks that each import() goes through lazyModule() with
// a name the service-worker entry provides (the Node-only node:fs import aside), and that
// after importing the entry those names resolve without import(). The browser tests
// (chat.test.mjs, sw-clients.test.mjs) run the real worker.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/js/', import.meta.url));

async function sources(dir = SRC) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sources(path)));
    else if (entry.name.endsWith('.mjs')) files.push(path);
  }
  return files;
}

test('every import() of the library is a lazyModule() that trickle/service-worker provides', async () => {
  const entry = await readFile(join(SRC, 'service-worker.mjs'), 'utf8');
  const provided = new Set([...entry.matchAll(/^provide\('([^']+)'/gm)].map((m) => m[1]));
  assert.deepEqual([...provided].sort(), ['answers', 'full-glue', 'tokens', 'wire']);
  const lazy = [];
  for (const file of await sources()) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/\bimport\(/g)) {
      const line = text.slice(text.lastIndexOf('\n', match.index) + 1, text.indexOf('\n', match.index));
      if (/^\s*(\/\/|\/\*\*|\*)/.test(line)) continue; // a comment
      if (line.includes('import(/* @vite-ignore */ NODE_FS)')) continue; // Node only
      const named = line.match(/lazyModule\('([^']+)', \(\) => import\(/);
      assert.ok(named, `${file}: an import() that a Service Worker would refuse:\n${line.trim()}`);
      assert.ok(provided.has(named[1]), `${file}: lazyModule('${named[1]}') is not provided by service-worker.mjs`);
      lazy.push(named[1]);
    }
  }
  assert.deepEqual([...new Set(lazy)].sort(), [...provided].sort(), 'service-worker.mjs provides only what is imported lazily');
});

test('after importing trickle/service-worker, the lazily imported modules are the ones it imported', async () => {
  const { lazyModule } = await import('../../src/js/internal/provided.mjs');
  await import('../../src/js/service-worker.mjs');
  const never = () => assert.fail('import() was called');
  assert.equal(await lazyModule('tokens', never), await import('../../src/js/tokens/load.mjs'));
  assert.equal(await lazyModule('answers', never), await import('../../src/js/answers/builtin.mjs'));
  assert.equal(await lazyModule('wire', never), await import('../../src/js/wire/fetch.mjs'));
  const glue = await lazyModule('full-glue', never);
  assert.equal(glue.default, (await import('../../build/wasm/trickle-wasm-full.mjs')).default);
});
