// The concurrency panel: four chat() answers at once under a Semaphore, their gather()
// result, their completion order, a time-out, Cancel per answer and Cancel all, and the
// fan-in pane, each checked against what the page really did (states, chunks, times) and
// against trickle.stats().liveStreams. Short delays keep the whole file to a few seconds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useBrowser } from './support.mjs';

const ZH_PROMPTS = ['请详细讲讲事件循环是怎么工作的', '什么是协程', '你好', '写一首关于秋天的短诗'];

const { open: openPanel } = useBrowser();

// The answer chat(prompt) streams on the Chinese page: one character per chunk, so the
// chunks joined are the FastAPI template itself.
const zhAnswer = (prompt) => `你提问的是: ${prompt}, 我正在流式生成答案...`;

async function configure(page, { delays, limit = 4, timeoutMs = '' }) {
  for (const [i, delay] of delays.entries()) await page.fill(`#conc-delay-${i + 1}`, String(delay));
  await page.selectOption('#conc-limit', String(limit));
  await page.fill('#conc-timeout', String(timeoutMs));
}

// Every change of a pane's state, in the order the page made them, with how many panes
// were streaming right after it. Replaying the mutation records one by one (rather than
// reading the DOM when the observer runs) sees every intermediate state, even two
// changes made in the same task.
function recordStates(page) {
  return page.evaluate(() => {
    const panes = [...document.querySelectorAll('.conc-pane')];
    const now = panes.map((pane) => pane.dataset.state);
    window.concStates = [];
    new MutationObserver((records) => {
      for (const record of records) {
        const index = Number(record.target.dataset.index);
        now[index] = record.target.getAttribute('data-state');
        window.concStates.push({
          index,
          state: now[index],
          streaming: now.filter((state) => state === 'streaming').length,
        });
      }
    }).observe(document.querySelector('.conc-panes'), { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

function waitForRunEnd(page) {
  return page.waitForFunction(() => document.getElementById('concurrency').dataset.run === 'finished', null, { timeout: 15000 });
}

function readPanes(page) {
  return page.$$eval('.conc-pane', (panes) =>
    panes.map((pane) => ({
      state: pane.dataset.state,
      count: Number(pane.dataset.count),
      endedMs: Number(pane.dataset.endedMs),
      chunks: [...pane.querySelectorAll('[data-conc-output] .conc-chunk')].map((chunk) => chunk.textContent),
    })),
  );
}

function readFanIn(page) {
  return page.$$eval('#conc-fanin .fan-chunk', (chunks) => chunks.map((chunk) => ({ stream: Number(chunk.dataset.index), text: chunk.textContent })));
}

const liveStreams = async (page) => Number(await page.textContent('#conc-live'));

describe('the concurrency panel', () => {
  test('gather: every pane fills, the result is each pane’s full text in the order asked, and the fan-in holds every chunk in order', async (t) => {
    const { page, watch } = await openPanel(t);
    await configure(page, { delays: [15, 25, 10, 20] });
    await page.click('#conc-start');
    await waitForRunEnd(page);

    const panes = await readPanes(page);
    panes.forEach((pane, i) => {
      assert.equal(pane.state, 'done');
      assert.equal(pane.chunks.join(''), zhAnswer(ZH_PROMPTS[i]), `pane ${i + 1} shows its whole answer`);
      assert.equal(pane.count, pane.chunks.length);
    });
    const gathered = await page.$$eval('#conc-gathered li', (items) =>
      items.map((item) => ({ index: Number(item.dataset.index), state: item.dataset.state, text: item.querySelector('.conc-text').textContent })),
    );
    assert.deepEqual(gathered.map((item) => item.index), [0, 1, 2, 3], 'gather keeps the order asked');
    gathered.forEach((item, i) => {
      assert.equal(item.state, 'done');
      assert.equal(item.text, panes[i].chunks.join(''));
    });

    // The fan-in pane: the same chunks as the four panes together, each answer's in its own order.
    const fanIn = await readFanIn(page);
    assert.equal(fanIn.length, panes.reduce((sum, pane) => sum + pane.count, 0));
    for (const [i, pane] of panes.entries()) {
      assert.deepEqual(fanIn.filter((chunk) => chunk.stream === i).map((chunk) => chunk.text), pane.chunks);
    }
    // Interleaved, not one answer after the other: they really ran at once.
    const switches = fanIn.filter((chunk, i) => i > 0 && chunk.stream !== fanIn[i - 1].stream).length;
    assert.ok(switches > 10, `the streams take turns in the fan-in (${switches} switches)`);

    assert.equal(await liveStreams(page), 0);
    assert.match(await page.textContent('#conc-status'), /完成 4 个.*仍存活的 C\+\+ 流：0/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'conc-start', 'Start all has the focus back');
    assert.deepEqual(watch.errors, []);
  });

  test('as_completed: the list follows the real completion order, shortest answer first', async (t) => {
    const { page, watch } = await openPanel(t);
    // One pace for all, so the lengths alone decide: 23, 26, 31 and 36 chunks.
    await configure(page, { delays: [40, 40, 40, 40] });
    await page.click('#conc-start');
    await waitForRunEnd(page);

    const panes = await readPanes(page);
    const byEndTime = panes.map((pane, index) => ({ index, ...pane })).sort((a, b) => a.endedMs - b.endedMs);
    const listed = await page.$$eval('#conc-completed li', (items) => items.map((item) => Number(item.dataset.index)));
    assert.deepEqual(listed, byEndTime.map((pane) => pane.index), 'listed in the order the answers ended');
    assert.deepEqual(listed, [2, 1, 3, 0], 'the shortest answer first');
    assert.deepEqual(
      byEndTime.map((pane) => pane.count),
      [...byEndTime.map((pane) => pane.count)].sort((a, b) => a - b),
    );
    assert.match(await page.textContent('#conc-completed li'), /回答 3 · 完成/);
    assert.deepEqual(watch.errors, []);
  });

  test('Semaphore: with a limit of 2, never more than 2 stream at once; the others wait for a permit, then run', async (t) => {
    const { page, watch } = await openPanel(t);
    await configure(page, { delays: [10, 15, 10, 10], limit: 2 });
    assert.match(await page.textContent('#conc-limit-code'), /^sem = asyncio\.Semaphore\(2\)\s+async with sem:$/);
    await recordStates(page);
    await page.click('#conc-start');
    await waitForRunEnd(page);

    const states = await page.evaluate(() => window.concStates);
    const peak = Math.max(...states.map((s) => s.streaming));
    assert.equal(peak, 2, 'two at a time, and really two');
    assert.equal(await page.getAttribute('#concurrency', 'data-peak-streaming'), '2');
    const path = (index) => states.filter((s) => s.index === index).map((s) => s.state);
    for (const index of [0, 1]) assert.deepEqual(path(index), ['waiting', 'streaming', 'done']);
    for (const index of [2, 3]) {
      assert.deepEqual(path(index), ['waiting', 'streaming', 'done']);
      // It began only once an earlier answer had ended and given its permit back.
      const began = states.findIndex((s) => s.index === index && s.state === 'streaming');
      assert.ok(states.slice(0, began).some((s) => s.index < 2 && s.state === 'done'), `answer ${index + 1} waited for a permit`);
    }
    assert.equal(await liveStreams(page), 0);
    assert.equal(await page.getAttribute('#concurrency', 'data-streaming'), '0');
    assert.equal(await page.getAttribute('#concurrency', 'data-waiting'), '0');
    assert.deepEqual(watch.errors, []);
  });

  test('time-out: a short time-out ends a long answer with a TimeoutError and frees it', async (t) => {
    const { page, watch } = await openPanel(t);
    // The first answer needs 36 × 100 ms; the others end long before the 400 ms deadline.
    await configure(page, { delays: [100, 5, 5, 5], timeoutMs: 400 });
    assert.equal(await page.textContent('#conc-timeout-code'), 'await asyncio.wait_for(answer(p), timeout=0.4)');
    await page.click('#conc-start');
    await waitForRunEnd(page);

    const panes = await readPanes(page);
    assert.equal(panes[0].state, 'timeout');
    assert.ok(panes[0].count >= 1 && panes[0].count <= 4, `cut off after ${panes[0].count} chunks`);
    assert.ok(panes[0].endedMs >= 390 && panes[0].endedMs < 1200, `timed out at ${panes[0].endedMs} ms`);
    for (const pane of panes.slice(1)) assert.equal(pane.state, 'done');
    assert.equal(await page.textContent('.conc-pane[data-index="0"] [data-conc-state]'), '超时');
    assert.equal(await liveStreams(page), 0, 'the timed-out stream is freed');
    assert.match(await page.textContent('#conc-status'), /完成 3 个，取消 0 个，超时 1 个/);
    // Nothing arrives after the deadline: the C++ stream is gone, not ignored.
    await page.waitForTimeout(300);
    assert.equal((await readPanes(page))[0].count, panes[0].count);
    assert.deepEqual(watch.errors, []);
  });

  test('Cancel one answer, then Cancel all: states become cancelled, no chunk arrives after, liveStreams back to 0', async (t) => {
    const { page, watch } = await openPanel(t);
    await configure(page, { delays: [120, 120, 120, 120], limit: 2 });
    await page.focus('#conc-start');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'conc-cancel-all', 'focus follows to Cancel all');
    await page.waitForFunction(() => Number(document.querySelector('.conc-pane[data-index="0"]').dataset.count) >= 2);
    assert.ok(await liveStreams(page) >= 2);

    // task.cancel() on the first answer: it ends, and its permit goes to the third.
    await page.focus('#conc-cancel-1');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.conc-pane[data-index="0"]').dataset.state === 'cancelled');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'conc-cancel-all', 'focus moves on from the disabled button');
    assert.equal(await page.getAttribute('#conc-cancel-1', 'disabled'), '');
    await page.waitForFunction(() => Number(document.querySelector('.conc-pane[data-index="2"]').dataset.count) >= 1);
    let panes = await readPanes(page);
    assert.deepEqual(panes.map((pane) => pane.state), ['cancelled', 'streaming', 'streaming', 'waiting']);

    await page.keyboard.press('Enter'); // Cancel all
    await waitForRunEnd(page);
    panes = await readPanes(page);
    assert.deepEqual(panes.map((pane) => pane.state), ['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    assert.equal(panes[3].count, 0, 'the answer still waiting for a permit never started');
    assert.equal(await liveStreams(page), 0);
    assert.match(await page.textContent('#conc-status'), /取消 4 个.*仍存活的 C\+\+ 流：0/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'conc-start');
    // Three delays later, not one more chunk anywhere.
    await page.waitForTimeout(400);
    assert.deepEqual((await readPanes(page)).map((pane) => pane.count), panes.map((pane) => pane.count));
    const fanIn = await readFanIn(page);
    assert.equal(fanIn.length, panes.reduce((sum, pane) => sum + pane.count, 0));
    // gather still returns all four, each with what it had when it was cancelled.
    const gathered = await page.$$eval('#conc-gathered li', (items) => items.map((item) => item.dataset.state));
    assert.deepEqual(gathered, ['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    assert.deepEqual(watch.errors, []);
  });

  test('each control shows its asyncio line, and the lines follow the values', async (t) => {
    const { page, watch } = await openPanel(t);
    const describedBy = (selector) =>
      page.$eval(selector, (element) => document.getElementById(element.getAttribute('aria-describedby')).textContent);
    assert.equal(await describedBy('#conc-limit'), 'sem = asyncio.Semaphore(2)\nasync with sem:');
    assert.equal(await describedBy('#conc-timeout'), 'await asyncio.wait_for(answer(p), timeout=5)');
    assert.equal(await describedBy('#conc-cancel-all'), 'for task in tasks: task.cancel()');
    for (const n of [1, 2, 3, 4]) assert.equal(await describedBy(`#conc-cancel-${n}`), 'task.cancel()');
    const headCode = (id) => page.$eval(`#${id}`, (heading) => heading.parentElement.querySelector('.asyncio').textContent);
    assert.equal(await headCode('conc-answers-title'), 'results = await asyncio.gather(*answers)');
    assert.equal(await headCode('conc-completed-title'), 'for done in asyncio.as_completed(answers):');
    assert.match(await headCode('conc-fanin-title'), /await queue\.put\(chunk\).*await queue\.get\(\)/);
    for (const code of await page.$$('#concurrency .asyncio')) assert.ok(await code.isVisible());

    await page.selectOption('#conc-limit', '3');
    assert.match(await describedBy('#conc-limit'), /Semaphore\(3\)/);
    await page.fill('#conc-timeout', '');
    assert.match(await describedBy('#conc-timeout'), /timeout=None\)$/);
    await page.fill('#conc-timeout', '1500');
    assert.match(await describedBy('#conc-timeout'), /timeout=1\.5\)$/);
    // Each pane's Cancel names its answer.
    assert.equal(await page.getByRole('button', { name: '取消 回答 2' }).count(), 1);
    assert.deepEqual(watch.errors, []);
  });

  test('the language switch changes the panel’s texts, defaults and results', async (t) => {
    const { page, watch } = await openPanel(t, { locale: 'en-US' });
    assert.equal(await page.textContent('#conc-title'), 'Concurrency and cancellation');
    assert.equal(await page.inputValue('#conc-prompt-3'), 'Hi');
    assert.equal(await page.inputValue('#conc-delay-1'), '250');
    assert.equal(await page.textContent('.conc-pane[data-index="0"] [data-conc-state]'), 'not started');
    assert.match(await page.textContent('#conc-status'), /Start all/);

    await page.fill('#conc-prompt-2', 'mine to keep');
    for (const n of [1, 2, 3, 4]) await page.fill(`#conc-delay-${n}`, '5');
    await page.click('#conc-start');
    await waitForRunEnd(page);
    assert.match(await page.textContent('#conc-completed li'), /^Answer \d · done · \d+ ms$/);
    assert.match(await page.textContent('#conc-status'), /All over in .*4 done/);
    const english = await page.textContent('.conc-pane[data-index="1"] .conc-output');
    assert.equal(english, '你提问的是: mine to keep, 我正在流式生成答案... ', 'word by word on the English page');

    await page.click('#lang-toggle');
    assert.equal(await page.textContent('#conc-title'), '并发与取消');
    assert.equal(await page.textContent('#conc-start'), '全部开始');
    assert.equal(await page.textContent('.conc-pane[data-index="0"] [data-conc-state]'), '完成');
    assert.match(await page.textContent('.conc-pane[data-index="0"] [data-conc-count]'), /^\d+ 块 · 结束于 \d+ 毫秒$/);
    assert.match(await page.textContent('#conc-completed li'), /^回答 \d · 完成 · \d+ 毫秒$/);
    assert.match(await page.textContent('#conc-status'), /全部结束，用时 \d+ 毫秒：完成 4 个/);
    assert.equal(await page.getAttribute('#conc-timeout', 'placeholder'), '不限');
    assert.equal(await page.inputValue('#conc-prompt-1'), ZH_PROMPTS[0], 'an untouched default follows');
    assert.equal(await page.inputValue('#conc-prompt-2'), 'mine to keep', 'typed text stays');
    assert.equal(await page.inputValue('#conc-delay-1'), '5', 'a changed delay stays');
    assert.deepEqual(watch.errors, []);
  });
});
