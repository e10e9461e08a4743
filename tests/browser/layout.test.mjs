// How the page looks and holds still: laptop and phone screenshots (saved under
// build/screenshots/ for a person to look at), nothing wider than a phone, no section
// that moves while chunks stream in (the concurrency panel's four at once included), and
// no animation for those who ask for less motion.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { repoRoot, useBrowser, waitForApp, waitForWorker, watchContext } from './support.mjs';

const SHOTS = join(repoRoot, 'build/screenshots');

const SIZES = {
  laptop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

const shared = useBrowser();
before(() => mkdir(SHOTS, { recursive: true }));

// Where every section's top edge is, for comparing before and during a run.
function sectionTops(page) {
  return page.$$eval('main > section, footer', (parts) => parts.map((part) => Math.round(part.getBoundingClientRect().top + scrollY)));
}

async function runAllDemos(page, { delayMs }) {
  const before = await sectionTops(page);
  await page.fill('#gen-delay', String(delayMs));
  await page.click('#gen-start');
  const during = [];
  for (const count of [1, 3, 5]) {
    await page.waitForFunction((n) => document.querySelectorAll('#gen-chunks .chunk').length >= n, count);
    during.push(await sectionTops(page));
  }
  await page.waitForFunction(() => !document.getElementById('gen-start').disabled);
  const afterRun = await sectionTops(page);
  // The default answer (markdown: a heading, a table, code) at the fastest preset's pace: the
  // layout is the same at any pace, and the run takes a second, not several.
  await page.waitForSelector('#chat-pace option[value="fast-host"]', { state: 'attached' });
  await page.selectOption('#chat-pace', 'fast-host');
  await page.click('#chat-ask');
  await page.waitForFunction(() => document.querySelectorAll('#chat-reads li').length >= 1);
  during.push(await sectionTops(page));
  await page.waitForFunction(() => !document.getElementById('chat-ask').disabled);
  const afterChat = await sectionTops(page);
  // The concurrency panel: two answers streaming, two waiting, then all four done.
  for (const n of [1, 2, 3, 4]) await page.fill(`#conc-delay-${n}`, String(Math.round(delayMs / 4)));
  await page.click('#conc-start');
  await page.waitForFunction(() => document.querySelectorAll('#conc-fanin .fan-chunk').length >= 10);
  during.push(await sectionTops(page));
  await page.waitForFunction(() => document.getElementById('concurrency').dataset.run === 'finished');
  return { before, during, afterRun, afterChat, afterPanel: await sectionTops(page) };
}

describe('layout', () => {
  for (const [name, size] of Object.entries(SIZES)) {
    for (const locale of ['zh-CN', 'en-US']) {
      test(`${name}, ${locale}: fits, holds still while streaming, screenshot saved`, async (t) => {
        const context = await shared.browser.newContext({ ...size, locale });
        t.after(() => context.close());
        const watch = watchContext(context, shared.site.url);
        const page = await context.newPage();
        await page.goto(shared.site.url);
        await waitForApp(page);
        assert.equal(await waitForWorker(page), 'ready');

        const tops = await runAllDemos(page, { delayMs: 120 });
        for (const moment of [...tops.during, tops.afterRun, tops.afterChat, tops.afterPanel]) {
          assert.deepEqual(moment, tops.before, 'no section moved while text streamed in');
        }
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= size.viewport.width, `the page is ${width}px wide in a ${size.viewport.width}px window`);
        // Buttons stay big enough to hit with a finger.
        for (const id of ['gen-start', 'gen-stop', 'chat-ask', 'chat-stop', 'conc-start', 'conc-cancel-all', 'conc-cancel-1', 'lang-toggle']) {
          const box = await page.locator(`#${id}`).boundingBox();
          assert.ok(box.height >= 40, `#${id} is ${box.height}px tall`);
        }
        const lang = locale.slice(0, 2);
        await page.screenshot({ path: join(SHOTS, `${name}-${lang}.png`), fullPage: true });
        assert.deepEqual(watch.errors, []);
      });
    }
  }

  test('prefers-reduced-motion: chunks appear without animation', async (t) => {
    const context = await shared.browser.newContext({ reducedMotion: 'reduce' });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(shared.site.url);
    await waitForApp(page);
    // Slow enough that chunks come one at a time: only those animate (a fast run's do not).
    // 60 ms apart, so that a loaded machine's late frame still finds fewer than four waiting.
    await page.fill('#gen-delay', '60');
    await page.click('#gen-start');
    await page.waitForFunction(() => !document.getElementById('gen-start').disabled);
    for (const n of [1, 2, 3, 4]) await page.fill(`#conc-delay-${n}`, '60');
    await page.click('#conc-start');
    await page.waitForFunction(() => document.getElementById('concurrency').dataset.run === 'finished');
    const animations = await page.$$eval('#gen-chunks .chunk, .line, .conc-chunk', (elements) =>
      elements.map((element) => [getComputedStyle(element).animationName, getComputedStyle(element).transitionDuration]),
    );
    assert.ok(animations.length > 7);
    for (const [name, transition] of animations) {
      assert.equal(name, 'none');
      assert.match(transition, /^0s(, 0s)*$/);
    }
    // With motion allowed, the same chunks do animate: the check above can fail.
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    assert.equal(await page.$eval('#gen-chunks .chunk.is-fresh', (chunk) => getComputedStyle(chunk).animationName), 'arrive');
    assert.equal(await page.$eval('.conc-chunk.is-fresh', (chunk) => getComputedStyle(chunk).animationName), 'fade-in');
  });
});
