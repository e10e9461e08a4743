// The single-file page, trickle.html, opened from a file:// URL the way a visitor opens a
// downloaded file: alone in an empty folder, it starts with no console error and asks for
// nothing but itself and data: URLs; the generator streams, the lesson shows the real C++,
// the chat is answered by the page itself (the same createFetch the Service Worker uses
// elsewhere) and says why, the language switches. index.html opened
// from disk sends the visitor there.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  chooseLessonChat,
  cppStepLines,
  lessonAnswer,
  lessonPieces,
  repoRoot,
  siteRoot,
  useBrowser,
  waitForApp,
  waitForWorker,
  watchContext,
} from './support.mjs';

const SHOTS = join(repoRoot, 'build/screenshots');
const SEED_CHUNKS = ['你好', '我', '是', '一个', '模拟', '的', 'LLM'];

const shared = useBrowser({ serve: false }); // the page is opened from file://
let folder;
let pageUrl;
before(async () => {
  await mkdir(SHOTS, { recursive: true });
  folder = await mkdtemp(join(tmpdir(), 'trickle-offline-'));
  await copyFile(join(siteRoot, 'trickle.html'), join(folder, 'trickle.html'));
  pageUrl = pathToFileURL(join(folder, 'trickle.html')).href;
});
after(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function openPage(t, { url = pageUrl, locale = 'zh-CN', ...options } = {}) {
  const context = await shared.browser.newContext({ locale, ...options });
  t.after(() => context.close());
  const watch = watchContext(context, url);
  const page = await context.newPage();
  await page.goto(url);
  await waitForApp(page);
  return { page, watch };
}

// Everything the page asked for: itself, and the data: URLs it carries (the wasm, the icon).
function assertNothingElseRequested(watch) {
  assert.deepEqual(watch.requests.filter((url) => url !== pageUrl && !url.startsWith('data:')), []);
  assert.deepEqual(watch.foreign, []);
}

describe('trickle.html from a file:// URL', () => {
  test('starts alone in an empty folder, with no console error and no request but itself', async (t) => {
    const { page, watch } = await openPage(t);
    assert.equal(await page.getAttribute('#module-status', 'data-state'), 'ready');
    assert.match(await page.textContent('#module-status'), /C\+\+ 协程已就绪 · \d+ 毫秒/);
    // Inline code is allowed by its hash alone; nothing may come from anywhere.
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp, /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*' 'wasm-unsafe-eval'; style-src( 'sha256-[A-Za-z0-9+/]+=*')+;/);
    assert.doesNotMatch(csp, /'self'|'unsafe-inline'|'unsafe-eval'|https?:/);
    // The lesson's C++ panel shows the generator's real source, carried inside the file.
    const lines = await cppStepLines();
    assert.match(await page.textContent(`code[data-lang="cpp"] .line[data-line="${lines.wait}"]`), /co_await/);
    assert.match(await page.textContent(`code[data-lang="cpp"] .line[data-line="${lines.yield}"]`), /co_yield/);
    // No text left untranslated (a key showing means a string is missing).
    const keys = await page.$$eval('[data-i18n]', (elements) => elements.filter((e) => e.textContent === e.dataset.i18n).map((e) => e.dataset.i18n));
    assert.deepEqual(keys, []);
    assertNothingElseRequested(watch);
    assert.deepEqual(watch.errors, []);
  });

  test('the generator streams the chunks in order, each at its time', async (t) => {
    const { page, watch } = await openPage(t);
    const delayMs = 150;
    await page.fill('#gen-delay', String(delayMs));
    await page.click('#gen-start');
    await page.waitForFunction(() => !document.getElementById('gen-start').disabled && document.querySelectorAll('#gen-chunks .chunk').length > 0);
    const chunks = await page.$$eval('#gen-chunks .chunk', (spans) => spans.map((span) => ({ text: span.textContent, t: Number(span.dataset.t) })));
    assert.deepEqual(chunks.map((c) => c.text), SEED_CHUNKS);
    // In order and never early. Two chunks may share a time: a page held up past a deadline
    // (a loaded machine) gets every chunk due by then at its next turn, with no drift.
    const times = chunks.map((c) => c.t).join(', ');
    chunks.forEach(({ t }, i) => {
      assert.ok(t >= (i + 1) * delayMs, `chunk ${i} arrived at ${t} ms, before its time ${(i + 1) * delayMs} ms`);
      if (i > 0) assert.ok(t >= chunks[i - 1].t, `arrival times never go back: ${times}`);
    });
    assert.ok(chunks[6].t - chunks[0].t >= 4 * delayMs, `the chunks came over time, not at once: ${times}`);
    assert.match(await page.textContent('#gen-status'), /完成：7 块.*仍存活的流：0/);
    assert.equal(await page.getAttribute('#timeline', 'data-arrived'), '7');
    assert.equal(await page.getAttribute('#lesson', 'data-step'), 'done');
    assertNothingElseRequested(watch);
    assert.deepEqual(watch.errors, []);
  });

  test('the chat is answered by the page itself, says so, and streams the template at the lesson\'s pace', async (t) => {
    const { page, watch } = await openPage(t);
    assert.equal(await waitForWorker(page), 'fallback');
    assert.match(await page.textContent('#worker-status'), /^这里用不了 Service Worker（这是单文件版页面.*file:\/\/.*），所以页面自己用 trickle\.createFetch\(\) 回答。$/);
    assert.equal(await page.isVisible('#chat-link'), false, 'no link to an endpoint that no worker answers');

    const prompt = '离线 offline';
    await chooseLessonChat(page);
    await page.fill('#chat-prompt', prompt);
    await page.click('#chat-ask');
    await page.waitForFunction(() => !document.getElementById('chat-ask').disabled && document.getElementById('chat-source').dataset.source !== '');
    assert.equal(await page.textContent('#chat-raw-output'), lessonAnswer(prompt));
    assert.equal(await page.getAttribute('#chat-source', 'data-source'), 'page');
    assert.equal(await page.textContent('#chat-source'), '来源：页面自己');
    const reads = await page.$$eval('#chat-reads li', (items) => items.map((li) => Number(li.dataset.t)));
    assert.equal(reads.length, lessonPieces(prompt).length, 'one read per word');
    assert.ok(reads.every((t, i) => i === 0 || t >= reads[i - 1]), `in order, over time: ${reads}`);
    assert.ok(reads.at(-1) - reads[0] >= 500 * (reads.length - 2), `a word every 500 ms: ${reads}`);
    await page.screenshot({ path: join(SHOTS, 'offline-file-zh.png'), fullPage: true });
    assertNothingElseRequested(watch);
    assert.deepEqual(watch.errors, []);
  });

  test('follows the browser language and switches with the toggle', async (t) => {
    const { page, watch } = await openPage(t, { locale: 'en-US', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
    assert.equal(await waitForWorker(page), 'fallback');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('#gen-title'), 'Playground');
    assert.match(await page.textContent('#worker-status'), /^No Service Worker here \(this is the single-file page, .*file:\/\/ URL\), so the page answers with trickle\.createFetch\(\) itself\.$/);
    await page.screenshot({ path: join(SHOTS, 'offline-file-en-phone.png'), fullPage: true });

    await page.click('#lang-toggle');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.title(), 'trickle · 浏览器里的流式输出');
    assert.equal(await page.textContent('#gen-start'), '开始');
    assert.equal(await page.inputValue('#gen-text'), '你好 我 是 一个 模拟 的 LLM');
    assert.match(await page.textContent('#worker-status'), /单文件版页面/);
    assertNothingElseRequested(watch);
    assert.deepEqual(watch.errors, []);
  });
});

describe('index.html from a file:// URL', () => {
  test('sends the visitor to trickle.html next to it, which works', async (t) => {
    const context = await shared.browser.newContext({ locale: 'en-US' });
    t.after(() => context.close());
    const page = await context.newPage();
    // Its own modules are refused before it moves on (a console error there is the reason
    // it moves on); what counts is where the visitor ends up.
    await page.goto(`${pathToFileURL(join(siteRoot, 'index.html')).href}#lesson`);
    await page.waitForURL(/\/trickle\.html#lesson$/);
    await waitForApp(page);
    assert.equal(await page.getAttribute('#module-status', 'data-state'), 'ready');
    assert.equal(await waitForWorker(page), 'fallback');
    // replace(): Back leads to where the visitor came from (the tab's blank page), not into
    // the page that would send them on again.
    await page.goBack();
    assert.equal(page.url(), 'about:blank');
  });

  test('unbuilt, in web/, explains instead of sending the visitor to a file that is not there', async (t) => {
    const context = await shared.browser.newContext({ locale: 'en-US' });
    t.after(() => context.close());
    const page = await context.newPage();
    const url = pathToFileURL(join(repoRoot, 'web/index.html')).href;
    await page.goto(url);
    await page.waitForSelector('#boot-failed', { state: 'visible' });
    assert.equal(page.url(), url);
    assert.match(await page.textContent('#boot-failed [lang="en"]'), /use its single-file build, trickle\.html \(scripts\/build puts it in build\/site\/\)/);
  });
});
