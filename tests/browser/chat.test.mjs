// The chat demo: the Service Worker answers GET chat?prompt=… with trickle.createFetch()'s
// stream, on a first visit, after a reload and after a new deployment; the lesson's
// template and a realistic answer in the page's language, rendered as markdown; Stop
// cancels it; without Service Workers the page answers the same request itself.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  chooseLessonChat,
  copySite,
  helloWorker,
  lessonAnswer,
  lessonPieces,
  openSitePage,
  serveSite,
  useBrowser,
  waitForApp,
  waitForWorker,
  watchContext,
} from './support.mjs';

const WORD_MS = 500;

const shared = useBrowser({ serve: false }); // each test serves its own copy of the site

// Everything a test opens is closed after it, whether it passed or not.
async function openSite(t, root) {
  const site = await serveSite(root);
  t.after(() => site.close());
  return site;
}

function openPage(t, site, options) {
  return openSitePage(t, shared.browser, site, options);
}

// Asks through the page's own form (the lesson's template unless `lesson` is false) and
// returns what the page and the network saw.
async function askAndRead(page, prompt, { lesson = true } = {}) {
  if (lesson) await chooseLessonChat(page);
  await page.fill('#chat-prompt', prompt);
  const response = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/chat'));
  await page.click('#chat-ask');
  await page.waitForFunction(() => !document.getElementById('chat-ask').disabled && document.getElementById('chat-source').dataset.source !== '');
  return {
    response: await response,
    output: await page.textContent('#chat-raw-output'),
    source: await page.getAttribute('#chat-source', 'data-source'),
    reads: await page.$$eval('#chat-reads li', (items) => items.map((li) => ({ t: Number(li.dataset.t), bytes: Number(li.dataset.bytes) }))),
  };
}

function assertStreamedAnswer({ response, output, source, reads }, prompt) {
  assert.ok(response.fromServiceWorker(), 'the response came from the Service Worker');
  assert.equal(response.headers()['x-trickle-source'], 'service-worker');
  assert.equal(response.headers()['content-type'], 'text/plain; charset=utf-8');
  assert.equal(source, 'service-worker');
  const expected = lessonAnswer(prompt);
  assert.equal(output, expected);
  // One read per word, the k-th never before k * WORD_MS: a stream, not one body. (Checked
  // against the schedule rather than the gap to the read before, which a late read shrinks.)
  assert.equal(reads.length, lessonPieces(prompt).length);
  assert.equal(reads.reduce((sum, r) => sum + r.bytes, 0), new TextEncoder().encode(expected).length);
  for (let i = 0; i < reads.length; i += 1) {
    assert.ok(reads[i].t >= (i + 1) * WORD_MS - 50, `read ${i} came at ${reads[i].t} ms, before its time`);
  }
}

describe('the chat demo', () => {
  test('the Service Worker streams the answer on the first visit and again after a reload', async (t) => {
    const site = await openSite(t);
    const { page, watch } = await openPage(t, site);
    // Ask at once: the page itself waits until the new worker controls it.
    const first = await askAndRead(page, '你好');
    assertStreamedAnswer(first, '你好');
    assert.match(await page.textContent('#chat-status'), /完成：3 次读取/);
    assert.equal(await page.textContent('#chat-output p'), lessonAnswer('你好'), 'the answer is rendered as markdown: one paragraph');

    await page.reload();
    await waitForApp(page);
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'controlled from the start');
    const second = await askAndRead(page, 'trickle 流式');
    assertStreamedAnswer(second, 'trickle 流式');

    assert.deepEqual(watch.foreign, []);
    assert.deepEqual(watch.errors, []);

    // The endpoint is a real URL: opened in a tab of its own, the worker answers it too.
    // (That tab, a plain-text document, makes the browser itself ask for /favicon.ico.)
    assert.ok(await page.isVisible('#chat-link'));
    const href = await page.$eval('#chat-link', (link) => link.href);
    assert.equal(href, `${site.url}chat?prompt=${encodeURIComponent('trickle 流式').replace(/%20/g, '+')}`);
    const tab = await page.context().newPage();
    const opened = await tab.goto(href);
    assert.equal(opened.headers()['x-trickle-source'], 'service-worker');
    assert.equal(await tab.textContent('body'), lessonAnswer('trickle 流式'));
  });

  test('after a hard reload, which leaves the page uncontrolled, the worker claims it and answers', async (t) => {
    const site = await openSite(t);
    const { page, watch } = await openPage(t, site);
    assert.equal(await waitForWorker(page), 'ready');
    await page.context().addInitScript(() => {
      window.controlledAtStart = navigator.serviceWorker.controller !== null;
    });
    // Shift+Reload: the browser bypasses the Service Worker for this page load.
    const cdp = await page.context().newCDPSession(page);
    const loaded = page.waitForEvent('load');
    await cdp.send('Page.reload', { ignoreCache: true });
    await loaded;
    await waitForApp(page);
    assert.equal(await page.evaluate(() => window.controlledAtStart), false);
    assert.equal(await waitForWorker(page), 'ready');
    assertStreamedAnswer(await askAndRead(page, '你好'), '你好');
    assert.deepEqual(watch.errors, []);
  });

  test('offline: with the server gone, a reload comes from the worker\'s copy of the site, and the page and the chat still work', async (t) => {
    const site = await openSite(t);
    const { page, watch } = await openPage(t, site, { locale: 'en-US' });
    assert.equal(await waitForWorker(page), 'ready');
    await site.close(); // nothing answers at this address any more
    await page.reload();
    await waitForApp(page);
    assert.equal(await page.getAttribute('#module-status', 'data-state'), 'ready');
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true);
    // The generator (the wasm came from the cache too) and the chat, answered by the worker.
    await page.fill('#gen-delay', '0');
    await page.click('#gen-start');
    await page.waitForFunction(() => document.getElementById('playground').dataset.run === 'idle' && /^Done: 6 chunks/.test(document.getElementById('gen-status').textContent));
    assertStreamedAnswer(await askAndRead(page, 'offline?'), 'offline?');
    // Every file the page asked for came, from the worker's cache.
    assert.deepEqual(watch.errors, []);
  });

  test('offline: a worker stopped and started again counts tokens with the tokenizer it used online; one it never loaded fails in the format\'s shape', async (t) => {
    const site = await openSite(t);
    const { context, page, watch } = await openPage(t, site, { locale: 'en-US' });
    assert.equal(await waitForWorker(page), 'ready');
    // A Chat Completions request from the playground, cut into GPT tokens by the worker.
    const ask = (options) => page.evaluate(async ({ options, header }) => {
      const response = await fetch('v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', [header]: encodeURIComponent(JSON.stringify({ options })) },
        body: JSON.stringify({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Streaming tokens offline' }] }),
      });
      return { status: response.status, source: response.headers.get('x-trickle-source'), body: await response.text() };
    }, { options, header: 'x-trickle-playground' });
    const contentOf = (body) => body.split('\n').filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice(6))).flatMap((chunk) => chunk.choices?.[0]?.delta?.content || []);
    const usageOf = (body) => body.split('\n').filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice(6))).find((chunk) => chunk.usage)?.usage;

    const online = await ask({ split: 'tokens', delayMs: 0 });
    assert.equal(online.status, 200, online.body);
    assert.equal(online.source, 'service-worker');
    assert.deepEqual(contentOf(online.body), ['Streaming', ' tokens', ' offline']);
    assert.equal(usageOf(online.body).completion_tokens, 3);

    await site.close(); // nothing answers at this address any more
    const cdp = await context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers'); // as the browser does with an idle worker

    const offline = await ask({ split: 'tokens', delayMs: 0 });
    assert.equal(offline.status, 200, offline.body);
    assert.equal(offline.source, 'service-worker');
    assert.deepEqual(contentOf(offline.body), ['Streaming', ' tokens', ' offline']);
    assert.equal(usageOf(offline.body).completion_tokens, 3);
    // cl100k_base was never used online, so its vocabulary is nowhere: a clear error in
    // the format's own shape, and the worker goes on answering.
    const missing = await ask({ split: 'tokens', encoding: 'cl100k_base', delayMs: 0 });
    assert.equal(missing.status, 500);
    assert.match(JSON.parse(missing.body).error.message, /could not load cl100k_base\.bpe: the function given as createTrickle's tokenAssets\.cl100k_base failed \(.*fetch.*\)/);
    assert.deepEqual(contentOf((await ask({ split: 'tokens', delayMs: 0 })).body), ['Streaming', ' tokens', ' offline']);
    assert.deepEqual(watch.foreign, []);
  });

  test('a prompt is shown as text, never parsed as HTML, in the rendered answer too', async (t) => {
    const site = await openSite(t);
    const { page, watch } = await openPage(t, site);
    const prompt = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    const answer = await askAndRead(page, prompt);
    assertStreamedAnswer(answer, prompt);
    // Markdown makes paragraphs; the HTML in the answer stays text inside them.
    assert.equal(await page.locator('#chat-output img, #chat-output script').count(), 0);
    assert.match(await page.textContent('#chat-output'), /<img src=x onerror="window\.pwned=1"><script>/);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.ok(!watch.requests.some((url) => url.endsWith('/x')), 'no image was requested');
    assert.deepEqual(watch.errors, []);
  });

  test('by default the answer is a realistic one in the page’s language, rendered as markdown as it streams', async (t) => {
    const site = await openSite(t);
    for (const [locale, heading] of [['en-US', 'Coroutines and threads'], ['zh-CN', '协程与线程']]) {
      const { page, watch } = await openPage(t, site, { locale });
      assert.equal(await waitForWorker(page), 'ready');
      assert.equal(await page.inputValue('#chat-kind'), 'auto');
      assert.equal(await page.inputValue('#chat-pace'), 'gpt-4o');
      const response = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/chat'));
      await page.click('#chat-ask');
      // While it streams, the markdown is already rendered: the heading before the table.
      await page.waitForFunction(() => document.querySelector('#chat-output h2') !== null, null, { timeout: 15000 });
      await page.waitForFunction(() => !document.getElementById('chat-ask').disabled && document.getElementById('chat-source').dataset.source !== '', null, { timeout: 30000 });
      assert.ok((await response).fromServiceWorker());
      assert.equal(await page.textContent('#chat-output h2'), heading);
      assert.equal(await page.locator('#chat-output table tr').count(), 5, 'the table, whole');
      assert.equal(await page.locator('#chat-output pre code').count(), 1);
      const raw = await page.textContent('#chat-raw-output');
      assert.ok(!raw.includes('你提问的是'), 'not the template');
      assert.ok(!/\?,/.test(raw), 'no doubled punctuation');
      // The raw text, at the flip of a switch.
      await page.check('#chat-raw');
      assert.equal(await page.isVisible('#chat-raw-output'), true);
      assert.equal(await page.isVisible('#chat-output'), false);
      assert.match(raw, /\| .* \|/);
      // The code block has its copy button; the code of both sides is shown too.
      assert.equal(await page.locator('#chat-output .code-wrap > button.copy').count(), 1);
      assert.match(await page.textContent('#chat-server-code'), /StreamingResponse/);
      assert.match(await page.textContent('#chat-client-code'), /getReader\(\)/);
      assert.deepEqual(watch.errors, []);
    }
  });

  test('Stop cancels the response body, which frees the C++ stream in the worker', async (t) => {
    const site = await openSite(t);
    const { page, watch } = await openPage(t, site);
    assert.equal(await waitForWorker(page), 'ready');
    await chooseLessonChat(page);
    await page.fill('#chat-prompt', 'one two three four five six');
    await page.click('#chat-ask');
    await page.waitForFunction(() => document.querySelectorAll('#chat-reads li').length === 2);
    assert.equal((await helloWorker(page)).stats.liveStreams, 1, 'the worker streams from one C++ generator');
    await page.click('#chat-stop');
    await page.waitForFunction(() => !document.getElementById('chat-ask').disabled);
    assert.match(await page.textContent('#chat-status'), /已停止/);
    // The cancel travels to the worker, whose cancel() calls the iterator's return().
    let stats;
    for (let tries = 0; tries < 20; tries += 1) {
      stats = (await helloWorker(page)).stats;
      if (stats.liveStreams === 0) break;
      await page.waitForTimeout(100);
    }
    assert.equal(stats.liveStreams, 0);
    assert.equal(stats.scheduledTimers, 0);
    assert.equal(await page.locator('#chat-reads li').count(), 2, 'nothing more was read');
    assert.deepEqual(watch.errors, []);
  });

  test('without Service Workers the page answers the same request itself and says so', async (t) => {
    const site = await openSite(t);
    const context = await shared.browser.newContext({ locale: 'en-US' });
    t.after(() => context.close());
    // What a private window or a file:// page offers: no navigator.serviceWorker at all.
    await context.addInitScript(() => {
      delete Navigator.prototype.serviceWorker;
    });
    const watch = watchContext(context, site.url);
    const page = await context.newPage();
    await page.goto(site.url);
    await waitForApp(page);
    assert.equal(await waitForWorker(page), 'fallback');
    assert.match(await page.textContent('#worker-status'), /No Service Worker here .*the page answers with trickle\.createFetch\(\) itself/);
    assert.match(await page.textContent('#chat-intro'), /No Service Worker runs here/);
    await chooseLessonChat(page);
    await page.fill('#chat-prompt', 'hi');
    await page.click('#chat-ask');
    await page.waitForFunction(() => document.getElementById('chat-source').dataset.source !== '');
    assert.equal(await page.getAttribute('#chat-source', 'data-source'), 'page');
    assert.equal(await page.textContent('#chat-raw-output'), lessonAnswer('hi'));
    assert.equal(await page.locator('#chat-reads li').count(), 3);
    assert.ok(!watch.requests.some((url) => /\/chat\?/.test(url)), 'no chat request was made');
    assert.ok(!watch.requests.some((url) => url.endsWith('/sw.js')), 'no worker was fetched');
    assert.deepEqual(watch.errors, []);
  });

  test('a new deployment replaces the worker: no old worker answers for the new site', async (t) => {
    const copy = await copySite();
    t.after(() => copy.remove());
    const site = await openSite(t, copy.root);
    const { page, watch } = await openPage(t, site);
    assert.equal(await waitForWorker(page), 'ready');
    const oldBuild = (await page.getAttribute('meta[name="trickle-build"]', 'content'));
    assert.equal((await helloWorker(page)).build, oldBuild);

    // Deploy: the build stamps a new id into the page and the worker (any change does).
    const newBuild = 'deploy000002';
    for (const file of ['index.html', 'sw.js']) {
      const path = join(copy.root, file);
      await writeFile(path, (await readFile(path, 'utf8')).replaceAll(oldBuild, newBuild));
    }
    await page.reload();
    await waitForApp(page);
    assert.equal(await page.getAttribute('meta[name="trickle-build"]', 'content'), newBuild, 'the new page, not a cached one');
    assert.equal(await waitForWorker(page), 'ready');
    // The new worker takes over once it has installed (trickle and the whole site): on a
    // loaded machine that can outlast the page's own wait, after which the page follows
    // the change of controller. Either way it must come.
    // Watched in the page's footer, which the page updates when the controller changes:
    // asking the old worker again and again would keep it busy, and a worker with an event
    // to finish holds back the new one's activation. (page.waitForFunction() takes a
    // promise for a truthy answer: an async predicate that asked would end the wait at once.)
    const tookOver = await page.waitForFunction((build) => document.getElementById('worker-build').textContent.includes(build),
      newBuild, { timeout: 30000, polling: 250 }).then(() => true, () => false);
    const hello = await helloWorker(page);
    // What the registration holds, for the message should it fail: whether a new worker is
    // installing or waiting, or none came.
    const workers = tookOver && hello?.build === newBuild ? null : await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      const describe = (worker) => worker && `${worker.state} ${worker.scriptURL}`;
      return { installing: describe(registration?.installing), waiting: describe(registration?.waiting),
        active: describe(registration?.active), controller: describe(navigator.serviceWorker.controller) };
    });
    assert.equal(hello?.build, newBuild, `the new worker took over within 30 s (registration: ${JSON.stringify(workers)}, page errors: ${JSON.stringify(watch.errors)})`);
    assert.ok(tookOver, 'the footer names the new worker');
    assert.match(await page.textContent('#worker-build'), new RegExp(newBuild));
    const answer = await askAndRead(page, '新版本');
    assertStreamedAnswer(answer, '新版本');
    assert.equal(answer.response.headers()['x-trickle-build'], newBuild);
    assert.deepEqual(watch.errors, []);
  });
});
