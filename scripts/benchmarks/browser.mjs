// The Chromium bench page: Debian's Chromium driven by playwright-core (launched as
// tests/browser/support.mjs launches it), the repository served by scripts/serve.mjs, and
// build/bench/index.html, which imports dist/js/trickle.mjs and the shared measurements
// (scripts/benchmarks/shared/page.mjs). The measuring runs in the page; Node only asks.
//
// Contract: openBenchPage resolves once the page has created its trickle instance, or
// rejects saying why (no build, an error in the page). close() ends the browser and the
// server it started. Only ctx.browser() imports this file, after checking that Chromium and
// playwright-core are there.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../serve.mjs';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A page in the background would have its timers throttled; headless has no focus to lose,
  // but these keep a loaded machine from counting as "background".
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  // gc() in the page, as node --expose-gc gives it.
  '--js-flags=--expose-gc',
];

const BENCH_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>trickle bench</title></head>
<body>
<p>trickle bench page: driven by scripts/bench.</p>
<script type="module" src="../../scripts/benchmarks/shared/page.mjs"></script>
</body>
</html>
`;

// A page that loads trickle as an app would, and nothing else: for what a page downloads
// and how long createTrickle() takes in a fresh page.
const LOAD_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>trickle load</title></head>
<body>
<script type="module">
const started = performance.now();
const { default: createTrickle } = await import('../../dist/js/trickle.mjs');
const imported = performance.now();
const trickle = await createTrickle();
const created = performance.now();
window.loaded = { importMs: imported - started, createMs: created - imported };
window.loadFull = async () => {
  const before = performance.now();
  await trickle.stream('a b', { preset: 'gpt-4o', seed: 1 }).plan();
  return performance.now() - before;
};
document.documentElement.dataset.ready = 'yes';
</script>
</body>
</html>
`;

async function writePages(ctx) {
  const dir = ctx.path('build/bench');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'index.html'), BENCH_HTML);
  await writeFile(join(dir, 'load.html'), LOAD_HTML);
}

export async function openBenchPage(ctx) {
  await writePages(ctx);
  ctx.log('chromium: starting the bench page');
  const server = await startServer({ root: ctx.path('.'), port: 0, base: '/' });
  const origin = `http://127.0.0.1:${server.address().port}`;
  let browser;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${origin}/build/bench/index.html`);
    await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined, null, { timeout: 60000 })
      .catch((error) => { throw new Error(`bench: the page did not start (${errors.join('; ') || error.message})`); });
    const state = await page.evaluate(() => document.documentElement.dataset.ready);
    if (state !== 'yes') throw new Error(`bench: the page did not start: ${state}`);
    return {
      page,
      origin,
      browser,
      version: browser.version(),
      /** Calls window.bench[name](arg) in the page and resolves with its result. */
      evaluate: (name, arg) => page.evaluate(([fn, value]) => window.bench[fn](value), [name, arg]),
      /**
       * Opens build/bench/load.html in a fresh context (empty cache): the URLs it requested
       * (same origin, in order), its load times, and how long the full module took on first use
       * (null when `full` is false: a build without timing presets has nothing to load later).
       */
      async loadOnce({ full = true } = {}) {
        const fresh = await browser.newContext();
        try {
          const loadPage = await fresh.newPage();
          const requested = [];
          loadPage.on('request', (request) => requested.push(request.url()));
          await loadPage.goto(`${origin}/build/bench/load.html`);
          await loadPage.waitForFunction(() => document.documentElement.dataset.ready === 'yes', null, { timeout: 60000 });
          const loaded = await loadPage.evaluate(() => window.loaded);
          const atCreate = [...requested];
          const fullMs = full ? await loadPage.evaluate(() => window.loadFull()) : null;
          return { ...loaded, fullMs, atCreate, afterFull: requested.slice(atCreate.length) };
        } finally {
          await fresh.close();
        }
      },
      async close() {
        await browser.close();
        await new Promise((resolve) => {
          server.close(resolve);
          server.closeAllConnections();
        });
      },
    };
  } catch (error) {
    await browser?.close();
    server.close();
    server.closeAllConnections();
    throw error;
  }
}
