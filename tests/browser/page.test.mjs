// The page itself: it loads under a sub-path cleanly, the playground streams and stops, the
// lesson follows the chunks, the language switch works (during a run too), English counts
// its chunks, right-to-left text keeps its order, and long text is taken whole.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cppStepLines, useBrowser, waitForApp, waitForRun, waitForWorker } from './support.mjs';

const LESSON_CHUNKS = ['你好', '我', '是', '一个', '模拟', '的', 'LLM'];

const shared = useBrowser();
const openPage = shared.open;

// Records the lesson's state each time it changes: the step, the chunk it names, how many
// chunks the output shows, and the text and line numbers of the highlighted code lines.
function recordLesson(page) {
  return page.evaluate(() => {
    window.lessonStates = [];
    const lesson = document.getElementById('lesson');
    const active = (lang) =>
      [...lesson.querySelectorAll(`code[data-lang="${lang}"] .line.is-active`)].map((line) => ({
        n: Number(line.dataset.line),
        text: line.textContent,
      }));
    new MutationObserver(() => {
      const caption = lesson.querySelector('[data-lesson-caption]').textContent;
      window.lessonStates.push({
        step: lesson.dataset.step,
        n: Number(caption.match(/\d+/)?.[0] ?? 0),
        chunks: document.querySelectorAll('#gen-chunks .chunk').length,
        python: active('python'),
        js: active('js'),
        cpp: active('cpp'),
      });
    }).observe(lesson, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-step'] });
  });
}

function readChunks(page) {
  return page.$$eval('#gen-chunks .chunk', (spans) =>
    spans.map((span) => ({ text: span.textContent, index: Number(span.dataset.index), t: Number(span.dataset.t) })),
  );
}

describe('the page under a sub-path', () => {
  test('loads with no console error and no request leaving the site', async (t) => {
    const { page, watch } = await openPage(t);
    assert.equal(await waitForWorker(page), 'ready');
    assert.equal(await page.getAttribute('#module-status', 'data-state'), 'ready');
    assert.match(await page.textContent('#module-status'), /C\+\+ 协程已就绪 · \d+ 毫秒/);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    // The markdown renderer loads once the page is idle, from the site like the rest.
    await page.waitForFunction((url) => performance.getEntriesByType('resource').some((entry) => entry.name === `${url}vendor/markdown.mjs`), shared.site.url);
    // The page, its modules, the .wasm and the worker were all fetched from under /trickle/.
    for (const file of ['app.mjs', 'js/trickle.mjs', 'js/stream/trickle-wasm.wasm', 'sw.js', 'core/stream/llm_stream.cpp', 'tokens.css', 'playground.css', 'vendor/markdown.mjs']) {
      assert.ok(watch.requests.includes(`${shared.site.url}${file}`), `${file} was requested from the sub-path`);
    }
    // The core .wasm came once, from the page's preload: createTrickle()'s fetch took that
    // response rather than asking again.
    const wasmFetches = await page.evaluate((url) => performance.getEntriesByType('resource')
      .filter((entry) => entry.name === `${url}js/stream/trickle-wasm.wasm`).map((entry) => entry.initiatorType), shared.site.url);
    assert.deepEqual(wasmFetches, ['link']);
    assert.deepEqual(watch.foreign, []);
    assert.deepEqual(watch.errors, []);
  });

  test('runs the generator: chunks in order, spread over time, the plan drawn, and the lesson follows them', async (t) => {
    const { page, watch } = await openPage(t);
    const delayMs = 200;
    await page.fill('#gen-delay', String(delayMs));
    // The plan is drawn before the run: one tick per chunk Start would bring.
    await page.waitForFunction(() => document.getElementById('timeline').dataset.planned === '7');
    await recordLesson(page);
    await page.click('#gen-start');
    await waitForRun(page);

    const chunks = await readChunks(page);
    assert.deepEqual(chunks.map((c) => c.text), LESSON_CHUNKS);
    assert.deepEqual(chunks.map((c) => c.index), [0, 1, 2, 3, 4, 5, 6]);
    // In order and never early; a page held up past a deadline gets every chunk due by then
    // at its next turn, so two may share a time.
    chunks.forEach(({ t }, i) => {
      assert.ok(t >= (i + 1) * delayMs, `chunk ${i} arrived at ${t} ms, before its time ${(i + 1) * delayMs} ms`);
      if (i > 0) assert.ok(t >= chunks[i - 1].t, `arrival times never go back: ${chunks.map((c) => c.t)}`);
    });
    // Due every 200 ms from Start; even with a busy machine delaying some, they must not
    // arrive bunched together.
    assert.ok(chunks[6].t - chunks[0].t >= 4 * delayMs, `the chunks came over time, not at once: ${chunks.map((c) => c.t)}`);
    assert.ok(chunks[6].t < 7 * delayMs + 1500, `the last chunk came in time (${chunks[6].t} ms)`);
    assert.match(await page.textContent('#gen-status'), /完成：7 块.*仍存活的流：0/);

    // The timeline drew the plan and the arrivals, and measured them (one unit on the axis).
    const canvas = await page.$eval('#timeline', (c) => ({ ...c.dataset }));
    assert.equal(canvas.planned, '7');
    assert.equal(canvas.arrived, '7');
    assert.equal(canvas.unit, 'ms');
    assert.ok(canvas.labels.split('|').length >= 3, `axis labels: ${canvas.labels}`);
    assert.ok(canvas.labels.split('|').every((label) => label.endsWith('毫秒')), `one unit: ${canvas.labels}`);
    const first = await page.textContent('#metric-first');
    assert.ok(Number.parseInt(first, 10) >= delayMs, `time to first chunk ${first}`);
    assert.match(await page.textContent('#metric-rate'), /^\d+(\.\d+)?$/);
    assert.equal(await page.textContent('dt:has(+ #metric-rate)'), '每秒块数', 'the unit is in the label');
    assert.match(await page.textContent('#metric-late'), /^\d+(\.\d)? 毫秒$/);
    assert.match(await page.textContent('#metric-frame'), /毫秒$/);

    // The lesson: every chunk was first waited for, then yielded, in order; the lines lit
    // were the waiting and yielding lines in each language, the C++ ones being the real
    // co_await and co_yield lines of src/core/stream/llm_stream.cpp.
    const lines = await cppStepLines();
    const states = await page.evaluate(() => window.lessonStates);
    const steps = states.filter((s) => s.step === 'wait' || s.step === 'yield');
    const yields = steps.filter((s) => s.step === 'yield');
    assert.deepEqual(yields.map((s) => s.n), [1, 2, 3, 4, 5, 6, 7], JSON.stringify(states.map((s) => [s.step, s.n, s.chunks])));
    for (const s of steps) {
      if (s.step === 'yield') {
        assert.equal(s.chunks, s.n, 'a chunk is yielded as it appears');
        assert.deepEqual(s.cpp.map((l) => l.n), [lines.yield]);
        assert.match(s.cpp[0].text, /co_yield/);
        assert.ok(s.python.some((l) => /yield piece/.test(l.text)) && s.python.some((l) => /print\(/.test(l.text)));
        assert.ok(s.js.some((l) => /yield piece;/.test(l.text)) && s.js.some((l) => /output\.append/.test(l.text)));
      } else {
        assert.equal(s.chunks, s.n - 1, 'waiting for the next chunk');
        assert.deepEqual(s.cpp.map((l) => l.n), [lines.wait]);
        assert.match(s.cpp[0].text, /co_await/);
        assert.ok(s.python.some((l) => /time\.sleep\(delay\)/.test(l.text)));
        assert.ok(s.js.some((l) => /await sleep\(delayMs\)/.test(l.text)));
      }
    }
    assert.equal(steps[0].step, 'wait', 'the run starts by waiting');
    assert.equal(states.at(-1).step, 'done');
    // Line numbers are drawn, not text: copying the code leaves them out.
    assert.match(await page.textContent('code[data-lang="python"]'), /^import time\n\ndef llm_stream_answer/);
    assert.deepEqual(watch.errors, []);
  });

  test('Stop ends the stream in the middle and frees it', async (t) => {
    const { page, watch } = await openPage(t);
    await page.fill('#gen-delay', '250');
    await page.focus('#gen-start');
    await page.keyboard.press('Enter'); // the form submits from the keyboard
    await page.waitForFunction(() => document.querySelectorAll('#gen-chunks .chunk').length >= 2);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'gen-stop', 'focus follows to Stop');
    await page.keyboard.press('Enter');
    await waitForRun(page);
    // However many came before Stop landed (a busy machine may let one more in), the
    // status counts them, and none comes after.
    const stoppedAt = await page.locator('#gen-chunks .chunk').count();
    assert.ok(stoppedAt >= 2 && stoppedAt < 7, `stopped after ${stoppedAt} of 7 chunks`);
    assert.match(await page.textContent('#gen-status'), new RegExp(`已停止：收到 ${stoppedAt} 块.*仍存活的流：0`));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'gen-start', 'focus returns to Start');
    // Nothing more arrives: the C++ stream is gone, not merely ignored.
    await page.waitForTimeout(700);
    assert.equal(await page.locator('#gen-chunks .chunk').count(), stoppedAt);
    assert.equal(await page.getAttribute('#lesson', 'data-step'), 'stopped');
    assert.equal(await page.getAttribute('#timeline', 'data-arrived'), String(stoppedAt));
    assert.equal(await page.getAttribute('#timeline', 'data-planned'), '7', 'the planned ticks never reached stay');
    assert.deepEqual(watch.errors, []);
  });

  test('bad input is reported, not thrown', async (t) => {
    const { page, watch } = await openPage(t);
    await page.fill('#gen-delay', '-5');
    await page.click('#gen-start');
    await page.waitForTimeout(200);
    assert.equal(await page.locator('#gen-chunks .chunk').count(), 0);
    assert.equal(await page.evaluate(() => document.getElementById('gen-delay').validity.valid), false);
    // What only the library refuses is reported in words: a rate of zero.
    await page.fill('#gen-delay', '100');
    await page.click('#gen-more summary');
    await page.fill('#gen-rate', '0');
    await page.click('#gen-start');
    await page.waitForFunction(() => /tokensPerSecond/.test(document.getElementById('gen-status').textContent));
    assert.equal(await page.getAttribute('#playground', 'data-run'), 'idle');
    assert.deepEqual(watch.errors, []);
  });

  test('follows the browser language and switches with the toggle', async (t) => {
    const { page, watch } = await openPage(t, { locale: 'en-US' });
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('#gen-title'), 'Playground');
    assert.equal(await page.inputValue('#gen-text'), 'Hello I am a simulated LLM');
    assert.equal(await page.inputValue('#chat-prompt'), 'What is a coroutine?');
    assert.match(await page.textContent('[data-lesson-caption]'), /Not started/);

    await page.focus('#lang-toggle');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.title(), 'trickle · 浏览器里的流式输出');
    assert.equal(await page.textContent('#gen-start'), '开始');
    assert.equal(await page.inputValue('#gen-text'), '你好 我 是 一个 模拟 的 LLM', 'the untouched default follows');
    assert.equal(await page.inputValue('#chat-prompt'), '什么是协程');
    assert.match(await page.textContent('[data-lesson-caption]'), /还没开始/);
    assert.match(await page.textContent('code[data-lang="python"]'), /假装在思考/);

    // Text the visitor typed stays; the choice is remembered across a reload.
    await page.fill('#gen-text', 'mine to keep');
    await page.click('#lang-toggle');
    assert.equal(await page.inputValue('#gen-text'), 'mine to keep');
    await page.click('#lang-toggle');
    await page.reload();
    await waitForApp(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    // No key left untranslated in either language (a key showing means a string is missing).
    for (const lang of ['zh-CN', 'en']) {
      if ((await page.getAttribute('html', 'lang')) !== lang) await page.click('#lang-toggle');
      const keys = await page.$$eval('[data-i18n]', (elements) => elements.filter((e) => e.textContent === e.dataset.i18n).map((e) => e.dataset.i18n));
      assert.deepEqual(keys, []);
    }
    assert.deepEqual(watch.errors, []);
  });

  test('a language switch during a run keeps the text being streamed; after it, the default follows and the code shows it', async (t) => {
    const { page, watch } = await openPage(t, { locale: 'en-US' });
    // The worker's install (it fetches the whole site) would slow the click below.
    await waitForWorker(page);
    // Slow enough that the click lands in the middle of the run even on a busy machine.
    await page.fill('#gen-delay', '300');
    await page.click('#gen-start');
    await page.waitForFunction(() => document.querySelectorAll('#gen-chunks .chunk').length === 2);
    await page.click('#lang-toggle');
    assert.equal(await page.getAttribute('#playground', 'data-run'), 'running', 'the switch came during the run');
    assert.equal(await page.inputValue('#gen-text'), 'Hello I am a simulated LLM', 'the text of the run stays while it runs');
    assert.match(await page.textContent('code[data-lang="python"]'), /"Hello I am a sim/);
    await waitForRun(page);
    assert.deepEqual((await readChunks(page)).map((c) => c.text), ['Hello', 'I', 'am', 'a', 'simulated', 'LLM']);
    assert.match(await page.textContent('#gen-status'), /^完成：6 块/);
    // Over: the untouched default follows the language, and the code shows the new text.
    assert.equal(await page.inputValue('#gen-text'), '你好 我 是 一个 模拟 的 LLM');
    assert.match(await page.textContent('code[data-lang="python"]'), /"你好 我 是 一个 模拟/);
    assert.deepEqual(watch.errors, []);
  });

  test('English counts one chunk as one chunk (Intl.PluralRules), and numbers are grouped', async (t) => {
    const { page, watch } = await openPage(t, { locale: 'en-US' });
    await page.fill('#gen-text', 'one');
    await page.fill('#gen-delay', '0');
    await page.click('#gen-start');
    await waitForRun(page);
    assert.match(await page.textContent('#gen-status'), /^Done: 1 chunk in /);
    assert.equal(await page.textContent('#gen-text-size'), '3 characters');
    await page.fill('#gen-text', 'one two three');
    // Slow enough that Stop lands before the second chunk even on a loaded machine.
    await page.fill('#gen-delay', '2000');
    await page.click('#gen-start');
    await page.waitForFunction(() => document.querySelectorAll('#gen-chunks .chunk').length === 1);
    await page.click('#gen-stop');
    await waitForRun(page);
    assert.match(await page.textContent('#gen-status'), /^Stopped after 1 chunk: /);
    await page.fill('#gen-text', 'x'.repeat(12345));
    assert.equal(await page.textContent('#gen-text-size'), '12,345 characters');
    assert.deepEqual(watch.errors, []);
  });

  test('right-to-left text streams in reading order, and the code keeps its literal whole', async (t) => {
    const { page, watch } = await openPage(t, { locale: 'en-US' });
    await page.selectOption('#gen-sample', 'rtl');
    await page.fill('#gen-delay', '0');
    await page.click('#gen-start');
    await waitForRun(page);
    const chips = await page.$$eval('#gen-chunks .chunk', (spans) => spans.map((span) => ({
      text: span.textContent,
      right: span.getBoundingClientRect().right,
      top: Math.round(span.getBoundingClientRect().top),
    })));
    assert.ok(chips.length >= 10);
    assert.equal(await page.$eval('#gen-chunks', (box) => getComputedStyle(box).direction), 'rtl', 'the box takes its direction from the text');
    // On one line, each chunk sits to the left of the one before: the sentence reads right to left.
    const firstLine = chips.filter((chip) => chip.top === chips[0].top);
    assert.ok(firstLine.length >= 3);
    for (let i = 1; i < firstLine.length; i += 1) assert.ok(firstLine[i].right < firstLine[i - 1].right, `chunk ${i} is left of chunk ${i - 1}`);
    // In the code, the Arabic literal sits in a <bdi>: the quotes and the code stay in order.
    const literal = await page.$eval('code[data-lang="python"] .tok-string bdi', (bdi) => bdi.textContent);
    assert.match(literal, /^مرحبًا/);
    assert.equal(await page.$eval('#gen-text', (area) => area.dir), 'auto');
    assert.deepEqual(watch.errors, []);
  });

  test('takes 200,000 characters whole, streams them, and keeps only a window of chips in the document', async (t) => {
    const { page, watch } = await openPage(t, { locale: 'en-US' });
    // No box on the page cuts what is pasted.
    assert.equal(await page.locator('textarea[maxlength], input[maxlength]').count(), 0);
    const text = Array.from({ length: 20000 }, (_, i) => `word${String(i).padStart(5, '0')}`).join(' ');
    assert.equal(text.length, 199999);
    await page.fill('#gen-text', text);
    assert.equal((await page.inputValue('#gen-text')).length, text.length);
    await page.fill('#gen-delay', '0');
    await page.click('#gen-start');
    await waitForRun(page, 60000);
    assert.match(await page.textContent('#gen-status'), /^Done: 20,000 chunks/);
    assert.equal(await page.textContent('#gen-count'), '20,000');
    const shown = await page.locator('#gen-chunks .chunk').count();
    assert.ok(shown <= 1000, `${shown} chips in the document, not 20,000`);
    assert.equal(await page.$$eval('#gen-chunks .chunk', (chips) => chips.at(-1).textContent), 'word19999');
    // Looking back brings the earlier chips, a block at a time.
    const earlier = page.locator('.chunks-earlier');
    assert.match(await earlier.textContent(), /^Show 120 earlier chunks \([\d,]+ not shown\)$/);
    await earlier.click();
    assert.equal(await page.locator('#gen-chunks .chunk').count(), shown + 120);
    assert.deepEqual(watch.errors, []);
  });
});
