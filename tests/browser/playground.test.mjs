// The playground's features, each checked against the library itself (run in this test's
// Node): a preset's plan drawn before the run and kept by it, the same seed giving the same
// schedule; every wire format answered by the Service Worker, its raw frames beside the
// text parsed from them; faults shown as what they are; markdown rendered while it streams;
// graphemes; share links; copy buttons; the tabs from the keyboard; the colour scheme.
import assert from 'node:assert/strict';
import { describe, test, before } from 'node:test';
import createTrickle from '../../src/js/trickle.mjs';
import { ANSWER_NAMES, builtinAnswer } from '../../src/js/answers/builtin.mjs';
import { cppStepLines, useBrowser, waitForRun, waitForWorker } from './support.mjs';

const shared = useBrowser();
let trickle;
before(async () => {
  trickle = await createTrickle();
});

// A page in English; `worker`: wait until the Service Worker answers (the wire formats
// need it; the other tests need not wait for its install).
async function openReady(t, { worker = false, ...options } = {}) {
  const opened = await shared.open(t, { locale: 'en-US', ...options });
  if (worker) assert.equal(await waitForWorker(opened.page), 'ready');
  return opened;
}

async function run(page, timeout) {
  await page.click('#gen-start');
  await waitForRun(page, timeout);
  return page.textContent('#gen-status');
}

const chunkTimes = (page) => page.$$eval('#gen-chunks .chunk', (chips) => chips.map((chip) => Number(chip.dataset.t)));

describe('the playground', () => {
  test('a preset draws the plan trickle computes before the run, the run keeps to it, and a seed replays it', async (t) => {
    const { page, watch } = await openReady(t);
    await page.selectOption('#gen-pace', 'gpt-4o');
    const seed = Number(await page.inputValue('#gen-seed'));
    const text = 'Hello I am a simulated LLM';
    const expected = await trickle.stream(text, { preset: 'gpt-4o', seed }).plan();
    await page.waitForFunction((end) => document.getElementById('timeline').dataset.planEnd === end, expected.at(-1).toFixed(3));
    assert.equal(await page.getAttribute('#timeline', 'data-planned'), String(expected.length));
    // Another seed, another plan; the first seed again, the first plan again.
    await page.click('#gen-more summary');
    await page.click('#gen-reseed');
    await page.waitForFunction((end) => document.getElementById('timeline').dataset.planEnd !== end, expected.at(-1).toFixed(3));
    await page.fill('#gen-seed', String(seed));
    await page.waitForFunction((end) => document.getElementById('timeline').dataset.planEnd === end, expected.at(-1).toFixed(3));

    // The code shows the generator that follows a plan, in all three languages.
    assert.match(await page.textContent('#lesson code[data-lang="cpp"]'), /stream_on_plan\(/);
    assert.match(await page.textContent('#lesson code[data-lang="python"]'), /def llm_stream_answer\(text, plan\)/);
    assert.match(await page.textContent('#lesson code[data-lang="js"]'), /plan\[i\+\+\]/);

    assert.match(await run(page), /^Done: 6 chunks/);
    const times = await chunkTimes(page);
    times.forEach((time, i) => assert.ok(time >= expected[i] - 1, `chunk ${i} came at ${time} ms, planned for ${expected[i]} ms`));
    // The preset's time to first token (drawn from the seed) is in the plan, and was waited.
    assert.ok(expected[0] > 0 && times[0] >= expected[0] - 1, `first chunk at ${times[0]} ms, planned for ${expected[0]} ms`);
    assert.equal(await page.getAttribute('#timeline', 'data-arrived'), '6');
    assert.match(await page.textContent('#gen-snippet'), /trickle\.stream\(text, \{ split: 'whitespace', preset: 'gpt-4o', seed: \d+ \}\)/);
    assert.match(await page.textContent('#gen-more-summary'), new RegExp(`seed ${seed}`));
    // The lesson followed the plan's coroutine: its co_await and co_yield lines.
    const source = await cppStepLines();
    assert.ok(Number(await page.$eval('code[data-lang="cpp"] .line[data-step="wait"]', (line) => line.dataset.line)) < source.wait, 'stream_on_plan comes before llm_stream_answer in the file');
    assert.deepEqual(watch.errors, []);
  });

  test('every wire format is answered by the Service Worker, its raw frames shown beside the text parsed from them', async (t) => {
    const { page, watch } = await openReady(t, { worker: true });
    const text = 'Hello **world**, from a *wire* format. 你好！';
    await page.fill('#gen-text', text);
    await page.fill('#gen-delay', '5');
    await page.click('#tab-frames');
    const paths = {
      'openai-chat': /\/v1\/chat\/completions$/,
      'openai-responses': /\/v1\/responses$/,
      anthropic: /\/v1\/messages$/,
      gemini: /\/v1beta\/models\/[^/]+:streamGenerateContent$/,
      'ui-message': /\/api\/chat$/,
      ollama: /\/api\/chat$/,
      'plain-text': /\/chat$/,
    };
    for (const [format, path] of Object.entries(paths)) {
      await page.selectOption('#gen-format', format);
      const response = page.waitForResponse((r) => path.test(new URL(r.url()).pathname));
      const status = await run(page);
      assert.match(status, /^Done: \d+ frames?, \d+ pieces? of text/, `${format}: ${status}`);
      const answered = await response;
      assert.ok(answered.fromServiceWorker(), `${format} came from the worker`);
      assert.equal(answered.headers()['x-trickle-source'], 'service-worker');
      assert.equal(await page.textContent('#gen-parsed'), text, `${format}: the text parsed from the frames is the text`);
      const kinds = await page.$$eval('#gen-frames li', (items) => items.map((item) => item.dataset.kind));
      // Plain text has no frames: each read is one, and reads that come close together
      // through the worker reach the page as one (the browser's pipe merges them).
      const texts = kinds.filter((kind) => kind === 'text').length;
      assert.ok(format === 'plain-text' ? texts >= 1 : texts >= 6, `${format}: ${kinds}`);
      assert.equal(kinds[0], 'meta', 'the status line comes first');
      assert.match(await page.$eval('#gen-frames li', (item) => item.dataset.label), /^HTTP 200 · .* · source: Service Worker$/);
      // The rendered view shows the same answer as markdown.
      assert.match(await page.textContent('#gen-snippet'), /trickle\.createFetch\(/);
    }
    await page.click('#tab-rendered');
    assert.equal(await page.textContent('#gen-rendered strong'), 'world');
    assert.deepEqual(watch.errors, []);
  });

  test('faults show as what they are: an HTTP error, a mid-stream error, a dropped connection, a malformed frame, a cut-off body, a time-out', async (t) => {
    const { page, watch } = await openReady(t, { worker: true });
    await page.fill('#gen-text', 'one two three four five six');
    await page.fill('#gen-delay', '10');
    await page.click('#gen-more summary');
    // The iterator's own faults first.
    await page.fill('#gen-fail-after', '2');
    assert.match(await run(page), /^Failed after 2 chunks: /);
    assert.equal(await page.getAttribute('#gen-status', 'data-tone'), 'error');
    await page.fill('#gen-fail-after', '');
    await page.fill('#gen-delay', '100');
    await page.fill('#gen-timeout', '250');
    assert.match(await run(page), /^Timed out after 2 chunks: /);
    await page.fill('#gen-timeout', '');
    await page.fill('#gen-delay', '10');

    await page.selectOption('#gen-format', 'openai-chat');
    await page.click('#tab-frames');
    const faults = [
      ['#gen-http', '429', /^Failed after 0 chunks: HTTP 429 \(Retry-After: 1\)$/, 'http'],
      ['#gen-fail-after', '2', /^Failed after 2 chunks: /, 'error'],
      ['#gen-disconnect', '2', /^Failed after \d chunks: /, null],
      ['#gen-malformed', '1', /^Failed after \d chunks: /, 'malformed'],
      ['#gen-truncate', '2', /^Failed after \d chunks: the body ended before the answer did \(truncated\)$/, null],
    ];
    for (const [control, value, status, kind] of faults) {
      if (control === '#gen-http') await page.selectOption(control, value);
      else await page.fill(control, value);
      assert.match(await run(page), status, `${control} = ${value}`);
      if (kind) assert.ok(await page.locator(`#gen-frames li[data-kind="${kind}"]`).count() >= 1, `a ${kind} frame for ${control}`);
      if (control === '#gen-http') await page.selectOption(control, '');
      else await page.fill(control, '');
    }
    // Resliced bytes still parse to the whole text, however the reads cut the frames.
    await page.fill('#gen-reslice', '7');
    assert.match(await run(page), /^Done: /);
    assert.equal(await page.textContent('#gen-parsed'), 'one two three four five six');
    // Nothing is left running in the worker.
    const stats = await page.evaluate(async () => {
      const channel = new MessageChannel();
      const reply = new Promise((resolve) => { channel.port1.onmessage = (event) => resolve(event.data); });
      navigator.serviceWorker.controller.postMessage({ type: 'hello' }, [channel.port2]);
      return (await reply).stats;
    });
    assert.equal(stats.liveStreams, 0);
    assert.deepEqual(watch.errors.filter((error) => !/status of (429|500)/.test(error)), []);
  });

  test('markdown renders while it streams: an open code fence is already code, a table grows row by row', async (t) => {
    const { page, watch } = await openReady(t);
    const text = ['Intro line.', '', '| a | b |', '|---|---|', '| 1 | 2 |', '| 3 | 4 |', '| 5 | 6 |', '', '```js', 'let x = 1;', 'let y = 2;', '```', '', 'End <img src=x onerror="window.pwned=1"> [link](javascript:alert(1)) [site](https://example.org).'].join('\n');
    await page.fill('#gen-text', text);
    await page.fill('#gen-delay', '60');
    await page.click('#tab-rendered');
    // Note, every frame, how many chunks are in and what the rendered answer holds.
    await page.evaluate(() => {
      window.seen = [];
      const look = () => {
        const view = document.getElementById('gen-rendered');
        window.seen.push({
          count: Number(document.getElementById('gen-count').textContent.replace(/,/g, '')),
          rows: view.querySelectorAll('tbody tr').length,
          code: view.querySelector('pre code')?.textContent ?? null,
        });
        if (!window.lookedEnough) requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
    assert.match(await run(page), /^Done: /);
    const seen = await page.evaluate(() => {
      window.lookedEnough = true;
      return window.seen;
    });
    const rows = [...new Set(seen.map((s) => s.rows))];
    assert.deepEqual(rows.filter((n) => n > 0), [1, 2, 3], `the table grew a row at a time: ${rows}`);
    const pieces = text.split(/\s+/);
    const closing = pieces.lastIndexOf('```') + 1; // chunks in when the fence closes
    assert.ok(seen.some((s) => s.code !== null && s.count < closing && /let x/.test(s.code)), 'code showed as code before its fence closed');
    // Sanitized: no image, no script URL; links open apart, without a referrer.
    assert.equal(await page.locator('#gen-rendered img').count(), 0);
    assert.match(await page.textContent('#gen-rendered'), /<img src=x onerror/);
    assert.equal(await page.locator('#gen-rendered a[href^="javascript"]').count(), 0);
    assert.equal(await page.getAttribute('#gen-rendered a[href="https://example.org"]', 'rel'), 'noopener noreferrer');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    // The raw text is the text, to the character.
    await page.check('#gen-raw');
    assert.equal(await page.textContent('#gen-raw-text'), text);
    assert.equal(await page.locator('#gen-rendered .code-wrap > button.copy').count(), 1, 'the code block has its copy button');
    assert.deepEqual(watch.errors, []);
  });

  test('graphemes: a family emoji, a flag and a combining accent come out whole; GPT tokens are cut as the tokenizer cuts them', async (t) => {
    const { page, watch } = await openReady(t);
    await page.selectOption('#gen-sample', 'graphemes');
    assert.equal(await page.inputValue('#gen-split'), 'grapheme');
    await page.fill('#gen-delay', '0');
    assert.match(await run(page), /^Done: /);
    const chips = await page.$$eval('#gen-chunks .chunk', (spans) => spans.map((span) => span.textContent));
    for (const whole of ['👨‍👩‍👧‍👦', '🇫🇷', '🇯🇵', 'e\u0301', '👍🏽']) assert.ok(chips.includes(whole), `${whole} is one chunk`);
    // Tokens: the page loads the tokenizer on first use; an emoji spread over three tokens
    // still comes out whole, in the chunk of its last token.
    assert.equal(await page.$eval('#gen-split option[value="tokens"]', (option) => option.disabled), false);
    await page.fill('#gen-text', 'Melting 🫠 faces');
    await page.selectOption('#gen-split', 'tokens');
    assert.match(await run(page), /^Done: 4 chunks/);
    assert.deepEqual(await page.$$eval('#gen-chunks .chunk', (spans) => spans.map((span) => span.textContent)), ['Mel', 'ting', ' 🫠', ' faces']);
    assert.deepEqual(watch.errors, []);
  });

  test('the library\'s built-in answers join the picker once loaded, and picking one streams the library\'s own text', async (t) => {
    const { page, watch } = await openReady(t);
    await page.waitForFunction((count) => document.querySelectorAll('#gen-sample option[value^="builtin:"]').length === count, ANSWER_NAMES.length);
    const listed = await page.$$eval('#gen-sample option[value^="builtin:"]', (options) => options.map((option) => option.value.slice(8)));
    assert.deepEqual(listed, [...ANSWER_NAMES]);
    await page.selectOption('#gen-sample', 'builtin:table');
    assert.equal(await page.inputValue('#gen-text'), builtinAnswer('table', 'en').text);
    await page.fill('#gen-delay', '0');
    assert.match(await run(page), /^Done: /);
    assert.deepEqual(watch.errors, []);
  });

  test('a recording dropped on the text box replays in its own chunks, at its recorded times', async (t) => {
    const { page, watch } = await openReady(t);
    // A timed transcript of an OpenAI stream, as recordTranscript makes one.
    const frame = (delta) => `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
    const recording = JSON.stringify({ events: [
      { t: 200, data: frame({ role: 'assistant', content: 'Rec' }) },
      { t: 260, data: frame({ content: 'orded, ' }) },
      { t: 600, data: frame({ content: 'replayed.' }) },
      { t: 610, data: 'data: [DONE]\n\n' },
    ] });
    await page.evaluate((content) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], 'recording.json', { type: 'application/json' }));
      document.querySelector('.run-text').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, recording);
    await page.waitForFunction(() => document.getElementById('gen-text').value === 'Recorded, replayed.');
    assert.match(await page.textContent('#gen-status'), /recorded openai-chat stream: 3 chunks, replayed at their recorded times/);
    assert.match(await run(page), /^Done: /);
    const chips = await page.$$eval('#gen-chunks .chunk', (spans) => spans.map((span) => span.textContent));
    assert.deepEqual(chips, ['Rec', 'orded, ', 'replayed.']);
    // Never before its recorded time, and on the recorded schedule: each chunk within 150 ms
    // after its time counted from when the schedule began, which is at most the earliest
    // (arrival - recorded time) of the three. (The first run of a page loads the module that
    // replays frames, and on a loaded machine that load can start the schedule late.)
    const times = await chunkTimes(page);
    const recorded = [200, 260, 600];
    const began = Math.min(...recorded.map((due, i) => times[i] - due));
    recorded.forEach((due, i) => {
      assert.ok(times[i] >= due - 1, `chunk ${i} at ${times[i]} ms, before its recorded ${due}`);
      assert.ok(times[i] - began - due < 150, `chunk ${i} at ${times[i]} ms, recorded at ${due} after a schedule that began at ${began} ms`);
    });
    assert.ok(began < 1000, `the replay began ${began} ms after the run`);
    // Edited, the text is text again: streamed as the settings cut it.
    await page.fill('#gen-text', 'Recorded, replayed. Edited');
    await page.fill('#gen-delay', '0');
    assert.match(await run(page), /^Done: /);
    assert.deepEqual(await page.$$eval('#gen-chunks .chunk', (spans) => spans.map((span) => span.textContent)), ['Recorded,', 'replayed.', 'Edited']);
    assert.deepEqual(watch.errors, []);
  });

  test('a share link restores the text, the settings, the language and the view, long texts too', async (t) => {
    const { page, context, watch } = await openReady(t);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    // Opened in a Chinese browser, the links still speak English: the language is in them.
    const other = await shared.browser.newContext({ locale: 'zh-CN' });
    t.after(() => other.close());
    const opened = await other.newPage();
    for (const text of ['Share me: 你好, world', 'long '.repeat(3000)]) {
      await page.fill('#gen-text', text);
      await page.selectOption('#gen-split', 'char');
      await page.selectOption('#gen-pace', 'claude-sonnet');
      await page.selectOption('#gen-format', 'ollama');
      await page.click('#tab-frames');
      if (!(await page.$eval('#gen-more', (details) => details.open))) await page.click('#gen-more summary');
      await page.fill('#gen-stall-p', '0.2');
      const seed = await page.inputValue('#gen-seed');
      const previous = await page.inputValue('#gen-share-url');
      await page.click('#gen-share');
      // The status says "Link copied" once the clipboard holds this link, with its length
      // (the previous link's message is still there when the new one is being made).
      await page.waitForFunction((prev) => document.getElementById('gen-share-url').value !== prev, previous);
      const link = await page.inputValue('#gen-share-url');
      await page.waitForFunction((length) => document.getElementById('gen-status').textContent.includes(`Link copied (${length.toLocaleString('en')} characters)`), link.length);
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
      assert.ok(link.length < 3000, `${link.length} characters`);
      assert.match(new URL(link).hash, text.length > 1000 ? /[#&]z=/ : /[#&]text=/);

      await opened.goto('about:blank'); // the second link differs only in its hash: load it anew
      await opened.goto(link);
      await opened.waitForFunction(() => document.documentElement.dataset.app === 'ready');
      await opened.waitForFunction(() => document.getElementById('gen-pace').value === 'claude-sonnet');
      assert.equal(await opened.getAttribute('html', 'lang'), 'en');
      assert.equal(await opened.inputValue('#gen-text'), text);
      assert.equal(await opened.inputValue('#gen-split'), 'char');
      assert.equal(await opened.inputValue('#gen-format'), 'ollama');
      assert.equal(await opened.inputValue('#gen-seed'), seed);
      assert.equal(await opened.inputValue('#gen-stall-p'), '0.2');
      assert.equal(await opened.getAttribute('#tab-frames', 'aria-selected'), 'true');
      assert.equal(await opened.$eval('#gen-more', (details) => details.open), true);
    }
    assert.deepEqual(watch.errors, []);
  });

  test('copy buttons copy the code without its line numbers; the tabs work from the keyboard', async (t) => {
    const { page, context, watch } = await openReady(t);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const python = page.locator('.code-panel', { has: page.locator('code[data-lang="python"]') });
    await python.locator('button.copy').click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await page.textContent('#lesson code[data-lang="python"]'));
    assert.match(copied, /^import time\n\ndef llm_stream_answer\(text, delay\):\n/);
    assert.equal(await python.locator('button.copy').textContent(), 'Copied');

    await page.focus('#tab-chunks');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-rendered');
    assert.equal(await page.isVisible('#view-rendered'), true);
    assert.equal(await page.isVisible('#view-chunks'), false);
    await page.keyboard.press('End');
    assert.equal(await page.getAttribute('#tab-code', 'aria-selected'), 'true');
    await page.selectOption('#gen-format', 'anthropic');
    await page.waitForFunction(() => /new Anthropic/.test(document.getElementById('gen-snippet').textContent));
    await page.click('#view-code button.copy');
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /^import createTrickle from 'trickle';\nimport Anthropic from '@anthropic-ai\/sdk';/);
    assert.deepEqual(watch.errors, []);
  });

  test('the colour scheme follows the system until the visitor chooses, and the choice stays', async (t) => {
    const { page, watch } = await openReady(t, { colorScheme: 'dark' });
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(await background(), 'rgb(21, 25, 27)');
    await page.click('.theme-switch label:has(input[value="light"])');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
    assert.equal(await background(), 'rgb(246, 243, 236)');
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.app === 'ready');
    assert.equal(await background(), 'rgb(246, 243, 236)', 'the choice is remembered');
    assert.equal(await page.isChecked('input[name="theme"][value="light"]'), true);
    await page.click('.theme-switch label:has(input[value="auto"])');
    assert.equal(await page.getAttribute('html', 'data-theme'), null);
    assert.equal(await background(), 'rgb(21, 25, 27)');
    assert.deepEqual(watch.errors, []);
  });
});
