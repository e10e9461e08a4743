// The page as everyone gets it: an accessibility check (axe-core, a dev package, run in
// the page after a run, light and dark, laptop and phone, both languages) with no serious
// or critical violation, what a screen reader is given to say during a run, and the page's
// own frame rate while 10,000 chunks arrive a
// millisecond apart (Chromium), written to build/frame-rate.json for the README's figure.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot, useBrowser, waitForRun, waitForWorker } from './support.mjs';

const shared = useBrowser();

// The bounds the test enforces are loose on purpose: the machines that run it are shared
// and busy. They still catch what the issue saw (32 frames in 14 s, a 2.35 s frame); the
// goal the README states (a frame at most every 50 ms, 50 frames a second) is what the
// figures written out are compared with.
const LONGEST_FRAME_BOUND_MS = 250;
const FPS_BOUND = 30;

describe('quality', () => {
  test('axe finds no serious or critical violation: laptop, English, light; phone, Chinese, dark', async (t) => {
    const { page, watch } = await shared.open(t, { locale: 'en-US', colorScheme: 'light', viewport: { width: 1280, height: 900 } });
    assert.equal(await waitForWorker(page), 'ready');
    // After a run, with a chat answer on its way: the states a visitor sees.
    await page.fill('#gen-delay', '0');
    await page.click('#gen-start');
    await waitForRun(page);
    await page.click('#chat-ask');
    await page.waitForFunction(() => document.getElementById('chat-source').dataset.source !== '', null, { timeout: 30000 });
    assert.ok(await page.locator('#gen-chunks .chunk').count() > 0);
    // evaluate() runs as the browser's own tooling, which the page's CSP does not limit.
    await page.evaluate(await readFile(join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8'));
    const serious = async () => {
      const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      return violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    };
    assert.deepEqual(await serious(), [], 'laptop, English, light');
    // The same page on a phone, in Chinese, dark: other colours, other wrapping.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('#lang-toggle');
    await page.click('.theme-switch label:has(input[value="dark"])');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.deepEqual(await serious(), [], 'phone, Chinese, dark');
    assert.deepEqual(watch.errors, []);
  });

  test('a screen reader hears the run: its start, the answer in a few polite messages (not a chunk at a time), its end', async (t) => {
    const { page, watch } = await shared.open(t, { locale: 'en-US' });
    assert.equal(await page.getAttribute('#gen-announce', 'aria-live'), 'polite');
    assert.equal(await page.getAttribute('#gen-chunks', 'aria-live'), 'off', 'the chips themselves are not read out one by one');
    const words = Array.from({ length: 12 }, (_, i) => `word${i}`);
    await page.fill('#gen-text', words.join(' '));
    await page.fill('#gen-delay', '40');
    // Every message the live region is given, in order.
    await page.evaluate(() => {
      window.heard = [];
      const region = document.getElementById('gen-announce');
      new MutationObserver(() => window.heard.push(region.textContent.trim())).observe(region, { childList: true, characterData: true, subtree: true });
    });
    await page.click('#gen-start');
    await waitForRun(page);
    const heard = await page.evaluate(() => window.heard);
    assert.equal(heard[0], 'Receiving…');
    // The end of the answer and the end of the run are one message (see announcer.mjs).
    const last = heard.at(-1).match(/^(.*?) ?(Done: 12 chunks in .*)$/);
    assert.ok(last, `the last message says the run is done: ${heard.at(-1)}`);
    const answer = [...heard.slice(1, -1), last[1]].filter((message) => message !== '');
    assert.ok(answer.length >= 1 && answer.length < words.length, `the answer in ${answer.length} messages: ${JSON.stringify(heard)}`);
    assert.equal(answer.join(' '), words.join(' '), 'every word is heard, once, in order');
    assert.deepEqual(watch.errors, []);
  });

  test('10,000 chunks a millisecond apart: the page keeps drawing frames (Chromium), figures written out', async (t) => {
    const { page, watch } = await shared.open(t, { locale: 'en-US', viewport: { width: 1280, height: 900 } });
    await page.fill('#gen-text', Array.from({ length: 10000 }, (_, i) => `w${i}`).join(' '));
    await page.fill('#gen-delay', '1');
    const started = Date.now();
    await page.click('#gen-start');
    await waitForRun(page, 60000);
    const wallMs = Date.now() - started;
    assert.match(await page.textContent('#gen-status'), /^Done: 10,000 chunks/);
    // The page's own frame meter (web/frame-meter.mjs), which the "longest frame" card shows.
    const { longestFrame, fps, frames } = await page.$eval('#playground', (root) => ({ ...root.dataset }));
    const figures = { chunks: 10000, delayMs: 1, wallMs, frames: Number(frames), longestFrameMs: Number(longestFrame), fps: Number(fps), when: new Date().toISOString() };
    await mkdir(join(repoRoot, 'build'), { recursive: true });
    await writeFile(join(repoRoot, 'build/frame-rate.json'), `${JSON.stringify(figures, null, 1)}\n`);
    t.diagnostic(`frames ${figures.frames}, ${figures.fps.toFixed(1)} fps, longest frame ${figures.longestFrameMs.toFixed(1)} ms, run ${wallMs} ms`);
    assert.ok(figures.frames > wallMs / 1000 * FPS_BOUND * 0.9, `${figures.frames} frames in ${wallMs} ms`);
    assert.ok(figures.fps >= FPS_BOUND, `${figures.fps} fps`);
    assert.ok(figures.longestFrameMs <= LONGEST_FRAME_BOUND_MS, `longest frame ${figures.longestFrameMs} ms`);
    // The chunk list holds a window of chips, not 10,000 of them.
    assert.ok(await page.locator('#gen-chunks .chunk').count() < 2000);
    assert.deepEqual(watch.errors, []);
  });
});
