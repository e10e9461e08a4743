// Shared by the browser tests: Debian's Chromium driven by playwright-core (and Firefox ESR
// driven by puppeteer-core through WebDriver BiDi, for firefox.test.mjs), the built site
// served under a sub-path (as GitHub Pages serves a project site), and a watch on every
// console message and request, so a test can prove nothing failed and nothing left the site.
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const siteRoot = join(repoRoot, 'build/site');
const BASE = '/trickle/';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!existsSync(join(siteRoot, 'index.html')) || !existsSync(join(siteRoot, 'js/stream/trickle-wasm.wasm'))) {
  throw new Error(`no built site in ${siteRoot}: run scripts/build first`);
}

/** A fresh headless Chromium (its own temporary profile). */
export function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * For one test file: a Chromium (and, unless `serve` is false, the built site served) for
 * all its tests, closed after them. The fields are filled once the file's tests start;
 * `open(t, options)` is openSitePage on them.
 */
export function useBrowser({ serve = true } = {}) {
  const shared = {
    browser: null,
    site: null,
    open: (t, options) => openSitePage(t, shared.browser, shared.site, options),
  };
  before(async () => {
    shared.browser = await launchBrowser();
    if (serve) shared.site = await serveSite();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.site?.close();
  });
  return shared;
}

/** Serves `root` on a free loopback port under BASE. */
export async function serveSite(root = siteRoot) {
  const server = await startServer({ root, port: 0, base: BASE });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: `${origin}${BASE}`,
    close: () =>
      new Promise((done) => {
        server.close(done);
        server.closeAllConnections(); // the browser's keep-alive sockets would hold it open
      }),
  };
}

/** A throw-away copy of the built site, to "deploy" a new version into. */
export async function copySite() {
  const root = await mkdtemp(join(tmpdir(), 'trickle-site-'));
  await cp(siteRoot, root, { recursive: true });
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/**
 * Records what a browser context does: console errors and uncaught errors (page and
 * Service Worker alike) and every request, flagging those outside the site.
 */
export function watchContext(context, siteUrl) {
  const record = { errors: [], requests: [], foreign: [] };
  context.on('console', (message) => {
    if (message.type() === 'error') record.errors.push(`console: ${message.text()}`);
  });
  context.on('weberror', (error) => record.errors.push(`uncaught: ${error.error().message}`));
  context.on('request', (request) => {
    const url = request.url();
    record.requests.push(url);
    if (!url.startsWith(siteUrl) && !url.startsWith('data:')) record.foreign.push(url);
  });
  return record;
}

/** Waits until app.mjs has loaded the wasm module and the lesson's C++ source. */
export async function waitForApp(page) {
  await page.waitForFunction(() => document.documentElement.dataset.app !== undefined, null, { timeout: 15000 });
  const state = await page.evaluate(() => document.documentElement.dataset.app);
  if (state !== 'ready') throw new Error(`the page did not start: ${await page.textContent('#module-status')}`);
}

/** Waits until the chat panel knows whether a Service Worker answers. */
export async function waitForWorker(page) {
  await page.waitForFunction(() => document.getElementById('worker-status').dataset.state !== 'connecting', null, {
    timeout: 15000,
  });
  return page.evaluate(() => document.getElementById('worker-status').dataset.state);
}

/** Asks the controlling Service Worker for its build and trickle stats, from the page. */
export function helloWorker(page) {
  return page.evaluate(async () => {
    const controller = navigator.serviceWorker.controller;
    if (!controller) return null;
    const channel = new MessageChannel();
    const reply = new Promise((resolve) => {
      channel.port1.onmessage = (event) => resolve(event.data);
    });
    controller.postMessage({ type: 'hello' }, [channel.port2]);
    return reply;
  });
}

/** Line numbers of the lesson generator's co_await and co_yield in the real C++ source. */
export async function cppStepLines() {
  const lines = (await readFile(join(repoRoot, 'src/core/stream/llm_stream.cpp'), 'utf8')).split('\n');
  // The function the page shows (web/lesson.mjs finds it the same way); the file holds
  // other generators too.
  const start = lines.findIndex((line) => /^async_generator<chunk>\s+llm_stream_answer\(/.test(line));
  const after = (pattern) => lines.findIndex((line, i) => i > start && pattern.test(line)) + 1;
  return { wait: after(/\bco_await\b/), yield: after(/\bco_yield\b/) };
}

/**
 * The lesson's template as the chat endpoint answers it (trickle.createFetch's plain text):
 * the prompt without its final punctuation (the template's comma follows it), each word
 * sent with the white space before it.
 */
export function lessonAnswer(prompt) {
  return `你提问的是: ${prompt.replace(/[\s.,;:!?。，、；：！？…]+$/u, '')}, 我正在流式生成答案...`;
}

/** The pieces the endpoint sends lessonAnswer(prompt) in, one a read at the lesson's pace. */
export function lessonPieces(prompt) {
  return lessonAnswer(prompt).match(/\s*\S+/g);
}

/** What trickle.chat(prompt) streams in the concurrency panel's English panes: a word and a space at a time. */
export function chatStreamText(prompt) {
  return lessonAnswer(prompt).split(/\s+/).filter(Boolean).map((word) => `${word} `).join('');
}

/** Waits until the playground's run is over (it must have started). */
export function waitForRun(page, timeout = 30000) {
  return page.waitForFunction(() => document.getElementById('playground').dataset.run === 'idle' && document.getElementById('gen-status').textContent !== '' && !document.getElementById('gen-start').disabled, null, { timeout });
}

/** Chooses the chat's lesson template at the lesson's pace (the default is a realistic answer). */
export async function chooseLessonChat(page) {
  await page.selectOption('#chat-kind', 'lesson');
  await page.selectOption('#chat-pace', 'lesson');
}

// A fresh browser context (zh-CN unless `options` say otherwise) on the served site, closed
// when the test ends, pass or fail; resolves once the page's app is ready.
export async function openSitePage(t, browser, site, options = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', ...options });
  t.after(() => context.close());
  const watch = watchContext(context, site.url);
  const page = await context.newPage();
  await page.goto(site.url);
  await waitForApp(page);
  return { context, page, watch };
}
