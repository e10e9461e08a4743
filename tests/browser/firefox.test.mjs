// The page in Firefox (Debian's firefox-esr, driven by puppeteer-core through WebDriver
// BiDi): under a sub-path, the generator streams, the Service Worker answers the chat and
// every wire format, and with the server gone a reload comes from the worker's cache and
// still works; the single-file page runs from a file:// URL. One browser for the whole file:
// Firefox takes seconds to start.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { lessonAnswer, lessonPieces, serveSite, siteRoot } from './support.mjs';

const FIREFOX = '/usr/bin/firefox-esr';
if (!existsSync(FIREFOX)) throw new Error(`no Firefox at ${FIREFOX}: run scripts/setup --browser`);

let browser;
before(async () => {
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // The page follows the browser's language: English here, as the expectations are.
    extraPrefsFirefox: { 'intl.accept_languages': 'en-US,en' },
  });
});
after(() => browser?.close());

// A page in a fresh browser context (its own Service Workers and caches), closed after the
// test; `errors` collects console errors and uncaught exceptions.
async function openPage(t, url) {
  const context = await browser.createBrowserContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(url);
  await waitForApp(page);
  return { page, errors };
}

async function waitForApp(page) {
  await page.waitForFunction(() => document.documentElement.dataset.app !== undefined, { timeout: 20000 });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.app), 'ready', await text(page, '#module-status'));
}

function waitForWorker(page) {
  return page
    .waitForFunction(() => document.getElementById('worker-status').dataset.state !== 'connecting', { timeout: 20000 })
    .then(() => page.evaluate(() => document.getElementById('worker-status').dataset.state));
}

const text = (page, selector) => page.$eval(selector, (element) => element.textContent);
const attribute = (page, selector, name) => page.$eval(selector, (element, n) => element.getAttribute(n), name);

async function runPlayground(page) {
  await page.click('#gen-start');
  await page.waitForFunction(() => document.getElementById('playground').dataset.run === 'idle' && document.getElementById('gen-status').textContent !== '' && !document.getElementById('gen-start').disabled, { timeout: 20000 });
  return text(page, '#gen-status');
}

// Asks the chat for the lesson's template, at the pace given in ms a word.
async function askLesson(page, prompt) {
  await page.select('#chat-kind', 'lesson');
  await page.select('#chat-pace', 'lesson');
  await page.locator('#chat-prompt').fill(prompt);
  await page.click('#chat-ask');
  await page.waitForFunction(() => !document.getElementById('chat-ask').disabled && document.getElementById('chat-source').dataset.source !== '', { timeout: 20000 });
  return {
    output: await text(page, '#chat-raw-output'),
    source: await attribute(page, '#chat-source', 'data-source'),
    reads: await page.$$eval('#chat-reads li', (items) => items.map((item) => Number(item.dataset.t))),
  };
}

function assertLessonAnswer({ output, reads }, prompt) {
  assert.equal(output, lessonAnswer(prompt));
  assert.equal(reads.length, lessonPieces(prompt).length, 'one read a word');
  // Word i is due (i + 1) × 500 ms after the stream starts, which is after the ask: none may
  // come before its time. (Deadlines are absolute: a read delayed by a busy machine is
  // followed by one on time, so the gap between two reads may be short.)
  for (let i = 0; i < reads.length; i += 1) assert.ok(reads[i] >= (i + 1) * 500 - 100, `a word every 500 ms: ${reads}`);
}

describe('the page in Firefox', () => {
  test('under a sub-path: the generator streams, the Service Worker answers the chat and every wire format, and offline a reload still works', async (t) => {
    const site = await serveSite();
    let closed = false;
    t.after(() => (closed ? undefined : site.close()));
    const { page, errors } = await openPage(t, site.url);
    assert.equal(await attribute(page, 'html', 'lang'), 'en');
    await page.locator('#gen-delay').fill('40');
    assert.match(await runPlayground(page), /^Done: 6 chunks in /);
    assert.deepEqual(await page.$$eval('#gen-chunks .chunk', (chips) => chips.map((chip) => chip.textContent)), ['Hello', 'I', 'am', 'a', 'simulated', 'LLM']);
    const times = await page.$$eval('#gen-chunks .chunk', (chips) => chips.map((chip) => Number(chip.dataset.t)));
    times.forEach((time, i) => assert.ok(time >= (i + 1) * 40 - 1, `chunk ${i} at ${time} ms`));
    assert.equal(await attribute(page, '#timeline', 'data-arrived'), '6');

    assert.equal(await waitForWorker(page), 'ready');
    const asked = await askLesson(page, 'Firefox?');
    assert.equal(asked.source, 'service-worker');
    assertLessonAnswer(asked, 'Firefox?');

    const sample = 'Hello **world**, from Firefox. 你好！';
    await page.locator('#gen-text').fill(sample);
    await page.locator('#gen-delay').fill('5');
    await page.click('#tab-frames');
    for (const format of ['openai-chat', 'openai-responses', 'anthropic', 'gemini', 'ui-message', 'ollama', 'plain-text']) {
      await page.select('#gen-format', format);
      assert.match(await runPlayground(page), /^Done: \d+ frames?, \d+ pieces? of text/, format);
      assert.equal(await text(page, '#gen-parsed'), sample, `${format}: the text parsed from its frames`);
      assert.match(await page.$eval('#gen-frames li', (item) => item.dataset.label), /· source: Service Worker$/, format);
    }
    await page.click('#tab-rendered');
    assert.equal(await text(page, '#gen-rendered strong'), 'world');

    // Offline: with the server gone, the reload comes from the worker's copy of the site.
    await site.close();
    closed = true;
    await page.reload();
    await waitForApp(page);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true);
    assert.equal(await waitForWorker(page), 'ready');
    // Firefox keeps the form's values over a reload: the last run was plain text, through
    // the worker, and runs again.
    await page.click('#tab-frames');
    assert.match(await runPlayground(page), /^Done: \d+ frames?, \d+ pieces? of text, in /);
    assert.equal(await text(page, '#gen-parsed'), sample);
    const offline = await askLesson(page, 'offline');
    assert.equal(offline.source, 'service-worker');
    assertLessonAnswer(offline, 'offline');
    assert.deepEqual(errors, []);
  });

  test('the single-file page runs from a file:// URL: the generator, and the chat answered by the page itself', async (t) => {
    const folder = await mkdtemp(join(tmpdir(), 'trickle-firefox-'));
    t.after(() => rm(folder, { recursive: true, force: true }));
    await copyFile(join(siteRoot, 'trickle.html'), join(folder, 'trickle.html'));
    const { page, errors } = await openPage(t, pathToFileURL(join(folder, 'trickle.html')).href);
    await page.locator('#gen-delay').fill('20');
    assert.match(await runPlayground(page), /^Done: 6 chunks/);
    assert.equal(await waitForWorker(page), 'fallback');
    assert.match(await text(page, '#worker-status'), /single-file page/);
    const asked = await askLesson(page, 'from disk');
    assert.equal(asked.source, 'page');
    assertLessonAnswer(asked, 'from disk');
    assert.deepEqual(errors, []);
  });
});
