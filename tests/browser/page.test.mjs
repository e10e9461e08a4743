// The page itself: it loads under a sub-path cleanly, the generator demo streams and
// stops, the lesson follows the chunks, and the language switch works.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cppStepLines, useBrowser, waitForApp, waitForWorker } from './support.mjs';

const SEED_CHUNKS = ['你好', '我', '是', '一个', '模拟', '的', 'LLM'];

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
    // The page, its modules, the .wasm and the worker were all fetched from under /trickle/.
    for (const file of ['app.mjs', 'js/trickle.mjs', 'js/stream/trickle-wasm.wasm', 'sw.js', 'core/stream/llm_stream.cpp', 'style.css']) {
      assert.ok(watch.requests.includes(`${shared.site.url}${file}`), `${file} was requested from the sub-path`);
    }
    assert.deepEqual(watch.foreign, []);
    assert.deepEqual(watch.errors, []);
  });

  test('runs the generator demo: chunks in order, spread over time, and the lesson follows them', async (t) => {
    const { page, watch } = await openPage(t);
    const delayMs = 200;
    await page.fill('#gen-delay', String(delayMs));
    await recordLesson(page);
    await page.click('#gen-start');
    await page.waitForFunction(() => !document.getElementById('gen-start').disabled && document.querySelectorAll('#gen-chunks .chunk').length > 0);

    const chunks = await page.$$eval('#gen-chunks .chunk', (spans) =>
      spans.map((span) => ({ text: span.textContent, index: Number(span.dataset.index), t: Number(span.dataset.t) })),
    );
    assert.deepEqual(chunks.map((c) => c.text), SEED_CHUNKS);
    assert.deepEqual(chunks.map((c) => c.index), [0, 1, 2, 3, 4, 5, 6]);
    chunks.forEach(({ t }, i) => {
      assert.ok(t >= (i + 1) * delayMs, `chunk ${i} arrived at ${t} ms, before its time ${(i + 1) * delayMs} ms`);
      if (i > 0) assert.ok(t > chunks[i - 1].t, 'arrival times increase');
    });
    // Due every 200 ms from Start; even with a busy machine delaying some, they must not
    // arrive bunched together.
    assert.ok(chunks[6].t - chunks[0].t >= 4 * delayMs, `the chunks came over time, not at once: ${chunks.map((c) => c.t)}`);
    assert.ok(chunks[6].t < 7 * delayMs + 1500, `the last chunk came in time (${chunks[6].t} ms)`);
    assert.match(await page.textContent('#gen-status'), /完成：7 块.*仍存活的流：0/);

    // The timeline drew the plan and the arrivals, and measured them.
    assert.equal(await page.locator('#timeline .tl-plan line').count(), 7);
    assert.equal(await page.locator('#timeline .tl-arrived circle').count(), 7);
    const first = await page.textContent('#metric-first');
    assert.ok(Number.parseInt(first, 10) >= delayMs, `time to first chunk ${first}`);
    assert.match(await page.textContent('#metric-rate'), /块\/秒/);

    // The lesson: every chunk was first waited for, then yielded, in order; the lines lit
    // were the waiting and yielding lines in each language, the C++ ones being the real
    // co_await and co_yield lines of src/core/stream/llm_stream.cpp.
    const lines = await cppStepLines();
    const states = await page.evaluate(() => window.lessonStates);
    const steps = states.filter((s) => s.step === 'wait' || s.step === 'yield');
    const yields = steps.filter((s) => s.step === 'yield');
    assert.deepEqual(yields.map((s) => s.n), [1, 2, 3, 4, 5, 6, 7]);
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
    const firstYield = steps.findIndex((s) => s.step === 'yield');
    assert.equal(steps[0].step, 'wait', 'the run starts by waiting');
    assert.ok(firstYield > 0);
    assert.equal(states.at(-1).step, 'done');
    assert.deepEqual(watch.errors, []);
  });

  test('Stop ends the stream in the middle and frees it', async (t) => {
    const { page, watch } = await openPage(t);
    await page.fill('#gen-delay', '250');
    await page.focus('#gen-start');
    await page.keyboard.press('Enter'); // the form submits from the keyboard
    await page.waitForFunction(() => document.querySelectorAll('#gen-chunks .chunk').length === 2);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'gen-stop', 'focus follows to Stop');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.getElementById('gen-start').disabled);
    assert.match(await page.textContent('#gen-status'), /已停止：收到 2 块.*仍存活的流：0/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'gen-start', 'focus returns to Start');
    // Nothing more arrives: the C++ stream is gone, not merely ignored.
    await page.waitForTimeout(700);
    assert.equal(await page.locator('#gen-chunks .chunk').count(), 2);
    assert.equal(await page.getAttribute('#lesson', 'data-step'), 'stopped');
    assert.equal(await page.locator('#timeline .tl-arrived circle').count(), 2);
    assert.deepEqual(watch.errors, []);
  });

  test('bad input is reported, not thrown', async (t) => {
    const { page, watch } = await openPage(t);
    await page.fill('#gen-delay', '-5');
    await page.click('#gen-start');
    await page.waitForTimeout(200);
    assert.equal(await page.locator('#gen-chunks .chunk').count(), 0);
    assert.equal(await page.evaluate(() => document.getElementById('gen-delay').validity.valid), false);
    assert.deepEqual(watch.errors, []);
  });

  test('follows the browser language and switches with the toggle', async (t) => {
    const { page, watch } = await openPage(t, { locale: 'en-US' });
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('#gen-title [data-i18n]'), 'The generator');
    assert.equal(await page.inputValue('#gen-text'), 'Hello I am a simulated LLM');
    assert.equal(await page.inputValue('#chat-prompt'), 'hello');
    assert.match(await page.textContent('[data-lesson-caption]'), /Not started/);

    await page.focus('#lang-toggle');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.title(), 'trickle · 浏览器里的流式输出');
    assert.equal(await page.textContent('#gen-start'), '开始');
    assert.equal(await page.inputValue('#gen-text'), '你好 我 是 一个 模拟 的 LLM', 'the untouched default follows');
    assert.equal(await page.inputValue('#chat-prompt'), '你好');
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
    assert.deepEqual(watch.errors, []);
  });
});
