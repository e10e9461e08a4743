// The package inside applications, built as their authors build them: `npm pack`, the
// tarball installed (offline) into a copy of each app in tests/apps/, the app built by Vite
// or esbuild with no error and no warning, served, and run in headless Chromium, where it
// must stream the lesson's sentence with the .wasm loaded from the app's own server; and a
// Node script that imports the installed package with no flags. The apps' bundlers are
// their own dev dependencies, installed by scripts/setup --browser: no network here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser, watchContext } from '../browser/support.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APPS = join(ROOT, 'tests/apps');
const LESSON = '你好 我 是 一个 模拟 的 LLM';
const WORDS = LESSON.split(' ');
const DELAY_MS = 20; // the apps' delay between words

// npm with the registry on a closed port: whatever it would fetch fails at once instead of
// reaching the network. No NODE_OPTIONS: the apps run as a user's shell runs them.
const ENV = { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_update_notifier: 'false' };
delete ENV.NODE_OPTIONS;

let work; // a temporary folder: the tarball and the apps' copies
let browser;
const apps = {}; // name -> the copy's folder, with the package installed

async function npm(args, cwd) {
  return run('npm', args, { cwd, env: ENV });
}

// A copy of tests/apps/<name> (with the node_modules scripts/setup installed in it) with
// the packed trickle installed, the way a user adds it: by npm, from the tarball.
async function installApp(name, tarball) {
  const source = join(APPS, name);
  const hasDependencies = Object.keys(JSON.parse(await readFile(join(source, 'package.json'), 'utf8')).devDependencies ?? {}).length > 0;
  if (hasDependencies && !existsSync(join(source, 'node_modules/.package-lock.json'))) {
    throw new Error(`tests/apps/${name} has no node_modules: run scripts/setup --browser`);
  }
  const copy = join(work, name);
  await cp(source, copy, {
    recursive: true,
    verbatimSymlinks: true, // node_modules/.bin links stay relative, into the copy
    filter: (path) => !path.startsWith(join(source, 'dist')),
  });
  await npm(['install', '--offline', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', tarball], copy);
  return copy;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'trickle-apps-'));
  // dist/ is already built by scripts/build; --ignore-scripts skips the prepack rebuild.
  const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  const tarball = join(work, JSON.parse(stdout)[0].filename);
  const names = ['vite', 'esbuild', 'node'];
  const copies = await Promise.all(names.map((name) => installApp(name, tarball)));
  names.forEach((name, i) => { apps[name] = copies[i]; });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs the app's `npm run build`; returns what the bundler printed, asserting it is quiet. */
async function buildApp(app) {
  const { stdout, stderr } = await npm(['run', 'build', '--silent'], app);
  const printed = `${stdout}\n${stderr}`;
  // Vite's and Rollup's warnings ("(!) ...", "Module "node:..." has been externalized for
  // browser compatibility", an asset it cannot resolve), esbuild's ("▲ [WARNING]").
  for (const sign of [/warn/i, /error/i, /externali[sz]ed/i, /\(!\)/, /▲/, /could not|cannot|can't|unable/i]) {
    assert.doesNotMatch(printed, sign, `the build printed:\n${printed}`);
  }
  return printed;
}

/** The .wasm files of a built app, anywhere under `dist`. */
async function builtWasm(dist) {
  const files = await readdir(dist, { recursive: true });
  return files.filter((file) => file.endsWith('.wasm'));
}

/** Serves a built app on a free loopback port until the test ends; resolves with its URL. */
async function serveBuilt(t, dist) {
  const server = await startServer({ root: dist, port: 0, base: '/' });
  t.after(() => new Promise((done) => {
    server.close(done);
    server.closeAllConnections();
  }));
  return `http://127.0.0.1:${server.address().port}/`;
}

/**
 * Runs the app on Vite's dev server (the app's own Vite, through its API: what `npm run dev`
 * starts) until the test ends. `configFile: false` leaves out the app's vite.config.js.
 * Resolves with its URL and what Vite logged as a warning or an error.
 */
async function serveDev(t, app, { configFile }) {
  const vite = await import(pathToFileURL(join(app, 'node_modules/vite/dist/node/index.js')).href);
  const logged = [];
  const logger = vite.createLogger('warn');
  logger.warn = (message) => logged.push(message);
  logger.warnOnce = (message) => logged.push(message);
  logger.error = (message) => logged.push(message);
  const server = await vite.createServer({
    root: app,
    configFile: configFile ? join(app, 'vite.config.js') : false,
    customLogger: logger,
    server: { host: '127.0.0.1', port: 0, hmr: false },
  });
  t.after(() => server.close());
  await server.listen();
  return { origin: `http://127.0.0.1:${server.httpServer.address().port}/`, logged };
}

/**
 * Opens the app served at `origin` in a fresh context and waits for it to finish; returns
 * what the page recorded and what the browser saw (console messages, requests, responses).
 */
async function runInBrowser(t, origin) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const watch = watchContext(context, origin);
  const warnings = [];
  const wasmResponses = [];
  context.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  context.on('response', (response) => {
    if (response.url().endsWith('.wasm')) {
      wasmResponses.push({ url: response.url(), status: response.status(), type: response.headers()['content-type'] });
    }
  });
  const page = await context.newPage();
  await page.goto(origin);
  await page.waitForFunction(() => document.documentElement.dataset.state !== undefined, null, { timeout: 15_000 });
  const result = await page.evaluate(() => ({
    ...document.documentElement.dataset,
    output: document.getElementById('output').textContent,
  }));
  return { result, watch, warnings, wasmResponses, origin };
}

function assertStreamed({ result, watch, warnings, wasmResponses, origin }, wasmFile) {
  assert.equal(result.state, 'done', `the app failed: ${result.error}`);
  assert.equal(result.output, `${WORDS.join(' ')} `, 'the page shows the sentence, a space after each word');
  assert.deepEqual(JSON.parse(result.words), WORDS.map((word) => `${word} `));
  assert.deepEqual(JSON.parse(result.characters), ['你', '好']);
  // Word i is due DELAY_MS * (i + 1) after the stream starts, and never comes earlier; a
  // page held up (a loaded machine) gets the words already due at once, so only the lower
  // bound is certain. (1 ms for the coarsened performance.now() of browsers.)
  const arrivals = JSON.parse(result.arrivals);
  assert.equal(arrivals.length, WORDS.length);
  arrivals.forEach((arrival, i) => {
    assert.ok(arrival >= DELAY_MS * (i + 1) - 1, `word ${i} came ${arrival} ms after the start, before its time`);
    if (i > 0) assert.ok(arrival >= arrivals[i - 1], 'one word after another');
  });

  assert.deepEqual(wasmResponses, [{ url: `${origin}${wasmFile}`, status: 200, type: 'application/wasm' }],
    'the .wasm the build emitted, fetched once from the app\'s server');
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(warnings, [], 'no console warning (Emscripten warns when it cannot compile the .wasm as it streams)');
  assert.deepEqual(watch.foreign, [], 'no request outside the app\'s server');
}

async function assertSameBytes(built, installed) {
  assert.ok((await readFile(built)).equals(await readFile(installed)), `${built} is the package's .wasm`);
}

test('a Vite app that imports trickle and trickle/toolbox builds with no warning, ships the .wasm and streams the sentence', { timeout: 120_000 }, async (t) => {
  const app = apps.vite;
  await buildApp(app);
  const wasm = await builtWasm(join(app, 'dist'));
  // Every module is shipped (each found through its new URL(..., import.meta.url)), and the
  // tokenizer's vocabularies with it; the page, which streams at a fixed delay, loads only
  // the first.
  assert.equal(wasm.length, 3, `three .wasm in the build: ${wasm.join(', ')}`);
  const core = wasm.find((file) => /^assets\/trickle-wasm-(?!full)[\w-]+\.wasm$/.test(file));
  const full = wasm.find((file) => /^assets\/trickle-wasm-full-[\w-]+\.wasm$/.test(file));
  const tokenizer = wasm.find((file) => /^assets\/trickle-tokenizer-[\w-]+\.wasm$/.test(file));
  assert.ok(core && full && tokenizer, `emitted as hashed assets: ${wasm.join(', ')}`);
  await assertSameBytes(join(app, 'dist', core), join(app, 'node_modules/trickle/dist/js/stream/trickle-wasm.wasm'));
  await assertSameBytes(join(app, 'dist', full), join(app, 'node_modules/trickle/dist/js/stream/trickle-wasm-full.wasm'));
  await assertSameBytes(join(app, 'dist', tokenizer), join(app, 'node_modules/trickle/dist/js/tokens/trickle-tokenizer.wasm'));
  const assets = await readdir(join(app, 'dist', 'assets'));
  for (const encoding of ['o200k_base', 'cl100k_base']) {
    const shipped = assets.find((file) => file.startsWith(`${encoding}-`) && file.endsWith('.bpe'));
    assert.ok(shipped, `${encoding}.bpe is shipped: ${assets.join(', ')}`);
    await assertSameBytes(join(app, 'dist', 'assets', shipped), join(app, 'node_modules/trickle/dist/js/tokens', `${encoding}.bpe`));
  }
  // The wire formats' JS is imported on first use (a literal import()): Vite splits it into
  // a chunk of its own, which a page that only streams never loads. Told apart by messages
  // only those modules hold: one of trickle.mjs's, one of wire/requests.mjs's.
  const scripts = assets.filter((file) => file.endsWith('.js'));
  const holding = async (text) => {
    const found = [];
    for (const file of scripts) if ((await readFile(join(app, 'dist', 'assets', file), 'utf8')).includes(text)) found.push(file);
    return found;
  };
  const entry = await holding('offsetsMs is for pieces given as an array');
  const wire = await holding('no API answers');
  assert.equal(entry.length, 1, `one chunk holds trickle.mjs: ${scripts.join(', ')}`);
  assert.equal(wire.length, 1, `one chunk holds wire/requests.mjs: ${scripts.join(', ')}`);
  assert.notEqual(wire[0], entry[0], 'the wire formats are a chunk of their own');
  assertStreamed(await runInBrowser(t, await serveBuilt(t, join(app, 'dist'))), core);
});

test('the Vite app runs on Vite\'s dev server with trickle left out of its pre-bundling, as its vite.config.js says', { timeout: 120_000 }, async (t) => {
  const { origin, logged } = await serveDev(t, apps.vite, { configFile: true });
  assertStreamed(await runInBrowser(t, origin), 'node_modules/trickle/dist/js/stream/trickle-wasm.wasm');
  assert.deepEqual(logged, [], 'Vite warned of nothing');
});

test('pre-bundled by Vite\'s dev server without that setting, trickle fails to start with an error that says what to change', { timeout: 120_000 }, async (t) => {
  const { origin } = await serveDev(t, apps.vite, { configFile: false });
  const { result } = await runInBrowser(t, origin);
  assert.equal(result.state, 'failed');
  assert.match(result.error, /^Error: trickle: could not load trickle-wasm\.wasm from http:\/\/127\.0\.0\.1:\d+\/node_modules\/\.vite\/deps\/trickle-wasm\.wasm \(/);
  assert.match(result.error, /add optimizeDeps: \{ exclude: \['trickle'\] \} to Vite's config/);
});

test('an esbuild bundle (esm, browser) that takes the .wasm through the file loader streams the sentence', { timeout: 120_000 }, async (t) => {
  const app = apps.esbuild;
  await buildApp(app);
  const wasm = await builtWasm(join(app, 'dist'));
  assert.equal(wasm.length, 1, `one .wasm in the build: ${wasm.join(', ')}`);
  assert.match(wasm[0], /^trickle-wasm-\w+\.wasm$/, 'copied by the file loader beside the bundle');
  await assertSameBytes(join(app, 'dist', wasm[0]), join(app, 'node_modules/trickle/dist/js/stream/trickle-wasm.wasm'));
  assertStreamed(await runInBrowser(t, await serveBuilt(t, join(app, 'dist'))), wasm[0]);
});

test('a Node script imports the installed trickle and trickle/toolbox and streams the sentence, with no flags', { timeout: 60_000 }, async () => {
  const { stdout, stderr } = await run(process.execPath, ['script.mjs'], { cwd: apps.node, env: ENV });
  assert.equal(stderr, '');
  const [streamed, summary, ...rest] = stdout.split('\n');
  assert.equal(streamed, `${WORDS.join(' ')} `);
  assert.deepEqual(rest, ['']);
  const { words, characters, elapsed } = JSON.parse(summary);
  assert.deepEqual(words, WORDS);
  assert.deepEqual(characters, ['你', '好']);
  assert.ok(elapsed >= WORDS.length * DELAY_MS, `seven words at ${DELAY_MS} ms take at least ${WORDS.length * DELAY_MS} ms, took ${elapsed}`);
});
