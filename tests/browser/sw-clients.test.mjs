// The official LLM clients in a real page, with no fetch of their own, against the site's
// Service Worker: openai (chat completions and responses), @anthropic-ai/sdk, @google/genai,
// ollama, and the AI SDK (what useChat reads through DefaultChatTransport, and streamText over
// @ai-sdk/openai and @ai-sdk/anthropic), bundled by esbuild into one browser ES module
// (sw-clients.page.mjs) served beside the built site, inside the worker's scope. Each client
// streams the answer to its end, its reasoning and its tool calls; an HTTP fault becomes the
// client's own error; an abort stops the stream and the worker frees it. Nothing reaches the
// server but the site's files.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import createTrickle from '../../src/js/trickle.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { PLAYGROUND_HEADER, playgroundHeader } from '../../web/endpoints.mjs';
import { copySite, launchBrowser, repoRoot, watchContext } from './support.mjs';

const BASE = '/trickle/';
const PAGE = 'sw-clients.html';
const BUNDLE = 'sw-clients.bundle.mjs';

// The answer the worker gives when the request carries the playground's settings: the
// user's text, and the reasoning and tool calls the settings ask for (web/endpoints.mjs).
const prompt = 'Hello, "wörld"! 你好 😀\nA line\u2028and a tab\there, and a few more words to stream.';
const reasoning = 'The user greets me.\nI greet back.';
const toolCalls = [
  { id: 'call_weather', name: 'get_weather', arguments: { city: 'Paris', units: ['°C'] } },
  { id: 'call_time', name: 'get_time', arguments: '{}' },
];
const expectedCalls = [['get_weather', { city: 'Paris', units: ['°C'] }], ['get_time', {}]];

// What each client reads and how it says things. reasoning: it reads reasoning; toolIds: it
// gives the calls' ids; usage: it reports usage; finish: its finish reason for an answer
// that ends in tool calls; httpError(status): what it makes of an HTTP error (the names of
// its own classes, from sw-clients.page.mjs); abortError: the class of its abort, if any.
const openaiErrors = { 429: 'OpenAI.RateLimitError', 500: 'OpenAI.InternalServerError', 529: 'OpenAI.InternalServerError' };
const anthropicErrors = { 429: 'Anthropic.RateLimitError', 500: 'Anthropic.InternalServerError', 529: 'Anthropic.OverloadedError' };
const clients = [
  { name: 'openai-chat', label: 'openai (chat.completions)', reasoning: true, toolIds: true, usage: true, finish: 'tool_calls',
    httpError: (s) => ({ classes: ['OpenAI.APIError', openaiErrors[s]], status: s }), abortError: 'OpenAI.APIUserAbortError' },
  { name: 'openai-responses', label: 'openai (responses)', reasoning: true, toolIds: true, usage: true, finish: 'completed',
    httpError: (s) => ({ classes: ['OpenAI.APIError', openaiErrors[s]], status: s }), abortError: 'OpenAI.APIUserAbortError' },
  { name: 'anthropic', label: '@anthropic-ai/sdk', reasoning: true, toolIds: true, usage: true, finish: 'tool_use',
    httpError: (s) => ({ classes: ['Anthropic.APIError', anthropicErrors[s]], status: s }), abortError: 'Anthropic.APIUserAbortError' },
  { name: 'gemini', label: '@google/genai', reasoning: true, toolIds: false, usage: true, finish: 'STOP',
    httpError: (s) => ({ classes: ['genai.ApiError'], status: s }) },
  { name: 'ollama', label: 'ollama', reasoning: true, toolIds: true, usage: true, finish: 'stop',
    httpError: (s) => ({ name: 'ResponseError', classes: [], status: s }) },
  { name: 'ai-ui-message', label: 'ai (DefaultChatTransport + readUIMessageStream)', reasoning: true, toolIds: true, usage: false,
    // useChat's transport makes an Error of the response's body: compared with trickle.fetch's below.
    httpError: (s) => ({ name: 'Error', classes: [], bodyOf: s }) },
  { name: 'ai-openai-chat', label: 'ai streamText over @ai-sdk/openai (chat)', reasoning: false, toolIds: true, usage: true, finish: 'tool-calls',
    httpError: (s) => ({ classes: ['ai.APICallError'], status: s }) },
  { name: 'ai-anthropic', label: 'ai streamText over @ai-sdk/anthropic', reasoning: true, toolIds: true, usage: true, finish: 'tool-calls',
    httpError: (s) => ({ classes: ['ai.APICallError'], status: s }) },
];

const trickle = await createTrickle();

// esbuild comes with the esbuild app's dev packages (scripts/setup --browser installs them).
function loadEsbuild() {
  const manifest = join(repoRoot, 'tests/apps/esbuild/package.json');
  if (!existsSync(join(repoRoot, 'tests/apps/esbuild/node_modules/esbuild'))) {
    throw new Error('esbuild is not installed in tests/apps/esbuild: run scripts/setup --browser');
  }
  return createRequire(manifest)('esbuild');
}

const state = { browser: null, server: null, siteUrl: '', copy: null, page: null, watch: null, serverSaw: [], apiResponses: [] };

before(async () => {
  const esbuild = loadEsbuild();
  const [site] = await Promise.all([copySite(), launchBrowser().then((browser) => (state.browser = browser))]);
  state.copy = site;
  // The clients and sw-clients.page.mjs as one browser ES module, inside the worker's scope.
  const built = await esbuild.build({
    entryPoints: [join(repoRoot, 'tests/browser/sw-clients.page.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outfile: join(site.root, BUNDLE),
    logLevel: 'silent',
  });
  assert.deepEqual(built.warnings.map((w) => w.text), [], 'esbuild bundles the clients without a warning');
  await writeFile(join(site.root, PAGE), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trickle: the official clients through the Service Worker</title>
<link rel="icon" href="icon.svg"><script type="module" src="${BUNDLE}"></script></head><body></body></html>
`);
  state.server = await startServer({ root: site.root, port: 0, base: BASE });
  // What reaches the server: only files, never an API's route (the worker answers those).
  state.server.on('request', (request) => state.serverSaw.push(request.url));
  state.siteUrl = `http://127.0.0.1:${state.server.address().port}${BASE}`;

  const context = await state.browser.newContext();
  state.watch = watchContext(context, state.siteUrl);
  context.on('response', (response) => {
    if (/\/(?:v1|v1beta|api)\//.test(new URL(response.url()).pathname)) state.apiResponses.push(response);
  });
  state.page = await context.newPage();
  await state.page.goto(`${state.siteUrl}${PAGE}`);
  await state.page.waitForFunction(() => window.swClients !== undefined, null, { timeout: 15000 });
  await state.page.evaluate(() => window.swClients.ready);
});

after(async () => {
  await state.browser?.close();
  if (state.server) {
    await new Promise((done) => {
      state.server.close(done);
      state.server.closeAllConnections();
    });
  }
  await state.copy?.remove();
});

// Every stream the worker made is freed once a test is over (none is left streaming). The
// worker says so only when asked: asked every 20 ms, for at most 5 s (the stalled answers of
// the abort tests would hold their streams for a minute).
afterEach(async () => {
  const deadline = Date.now() + 5000;
  let stats;
  for (;;) {
    ({ stats } = await state.page.evaluate(() => window.swClients.helloWorker()));
    if (stats !== null && stats.liveStreams === 0 && stats.scheduledTimers === 0) return;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`the worker still holds streams: ${JSON.stringify(stats)}`);
});

/** One client's reading of the worker's answer, in the page, with the playground's settings. */
function read(client, { settings, ...options } = {}) {
  const headers = settings === undefined ? {} : { [PLAYGROUND_HEADER]: playgroundHeader(settings) };
  return state.page.evaluate(([name, options]) => window.swClients.read(name, options), [client.name, { prompt, headers, ...options }]);
}

function assertAnswer(client, result) {
  assert.equal(result.error, undefined, `${client.label} failed: ${JSON.stringify(result.error)}`);
  assert.equal(result.text, prompt, 'the text, whole');
  assert.equal(result.streamed, prompt, 'the text as it streamed, piece by piece');
  assert.ok(result.deltas > 1, `streamed in ${result.deltas} pieces, not one`);
  if (client.reasoning) assert.equal(result.reasoning, reasoning, 'the reasoning, as reasoning');
  assert.deepEqual(result.toolCalls.map((call) => [call.name, call.input]), expectedCalls, 'the tool calls with their full arguments');
  if (client.toolIds) assert.deepEqual(result.toolCalls.map((call) => call.id), ['call_weather', 'call_time']);
  if (client.usage) assert.ok(result.usage?.outputTokens > 0, `usage: ${JSON.stringify(result.usage)}`);
  if (client.finish) assert.equal(result.finishReason, client.finish);
}

// The body trickle.fetch gives in Node for the same AI SDK request with this HTTP fault.
async function uiMessageErrorBody(status) {
  const fetch = trickle.createFetch({ delayMs: 0, fault: { http: { status } } });
  const response = await fetch('https://trickle.test/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'chat-1', messages: [{ id: 'user-1', role: 'user', parts: [{ type: 'text', text: prompt }] }], trigger: 'submit-message' }),
  });
  assert.equal(response.status, status);
  return response.text();
}

describe('the official clients, in Chromium, through the page\'s Service Worker with no fetch of their own', () => {
  for (const client of clients) {
    test(`${client.label} streams the text to its end, the reasoning and the tool calls, also from a body cut into 1-9-byte pieces`, async () => {
      const answer = { reasoning, toolCalls };
      assertAnswer(client, await read(client, { settings: { options: { delayMs: 1 }, answer } }));
      assertAnswer(client, await read(client, { settings: { options: { delayMs: 0, seed: 9 }, fault: { reslice: { maxBytes: 9 } }, answer } }));
    });

    test(`${client.label} turns a 429, a 500 and a 529 from the worker into its own errors`, async () => {
      for (const status of [429, 500, 529]) {
        const result = await read(client, { settings: { options: { delayMs: 0 }, fault: { http: { status } } } });
        assert.ok(result.error, `${status}: the client threw`);
        const expected = client.httpError(status);
        for (const name of expected.classes) assert.ok(result.error.classes.includes(name), `${status}: ${name} expected, got ${JSON.stringify(result.error)}`);
        if (expected.status !== undefined) assert.equal(result.error.status, status);
        if (expected.name !== undefined) assert.equal(result.error.name, expected.name);
        if (expected.bodyOf !== undefined) assert.equal(result.error.message, await uiMessageErrorBody(expected.bodyOf));
        assert.equal(result.deltas, 0, 'no text before the error');
      }
    });

    test(`${client.label}: an abort after the first text stops the stream, and the worker frees it`, async () => {
      // The answer stalls for a minute after a few pieces: only the abort can end it in time
      // (afterEach waits five seconds for the worker's streams to be freed).
      const result = await read(client, { abortOnText: true, settings: { options: { delayMs: 0 }, fault: { stallAt: 3, stallMs: 60_000 } } });
      assert.equal(result.aborted, true);
      assert.ok(result.streamed.length > 0 && prompt.startsWith(result.streamed) && result.streamed.length < prompt.length,
        `a part of the text, then nothing: ${JSON.stringify(result.streamed)}`);
      if (result.error === undefined) {
        assert.notEqual(result.text, prompt, 'the stream ended early, not with the whole answer');
      } else if (client.abortError) {
        assert.ok(result.error.classes.includes(client.abortError), `${client.abortError} expected, got ${JSON.stringify(result.error)}`);
      } else {
        assert.equal(result.error.name, 'AbortError', JSON.stringify(result.error));
      }
    });
  }

  test('with no settings the worker answers as trickle.fetch does in Node: the lesson\'s chat answer to the prompt', async () => {
    const question = 'What is a coroutine?';
    const inNode = async () => {
      const client = new OpenAI({ apiKey: 'test-key', baseURL: 'https://trickle.test/v1', fetch: trickle.fetch, maxRetries: 0 });
      let text = '';
      for await (const chunk of client.chat.completions.stream({ model: 'trickle-model', messages: [{ role: 'user', content: question }] })) {
        text += chunk.choices[0]?.delta?.content ?? '';
      }
      return text;
    };
    const openaiChat = clients.find((client) => client.name === 'openai-chat');
    const inPage = state.page.evaluate(([name, options]) => window.swClients.read(name, options), [openaiChat.name, { prompt: question }]);
    const [node, page] = await Promise.all([inNode(), inPage]);
    assert.equal(page.error, undefined, JSON.stringify(page.error));
    assert.equal(node, trickle.chatText(question));
    assert.equal(page.text, node);
    assert.equal(page.streamed, node);
  });

  test('every answer came from the worker, nothing reached the server but files, and nothing failed', () => {
    assert.ok(state.apiResponses.length >= clients.length * 6, `${state.apiResponses.length} API responses seen`);
    for (const response of state.apiResponses) {
      assert.ok(response.fromServiceWorker(), `${response.url()} came from the Service Worker`);
      assert.equal(response.headers()['x-trickle-source'], 'service-worker');
    }
    const apiRequests = state.serverSaw.filter((url) => /\/(?:v1|v1beta|api|chat)(?:[/?]|$)/.test(url.split('?')[0]) || /:(?:stream)?[gG]enerateContent/.test(url));
    assert.ok(state.serverSaw.includes(`${BASE}${BUNDLE}`), 'the server was watched: it served the clients\' bundle');
    assert.deepEqual(apiRequests, [], 'no API request reached the server');
    assert.deepEqual(state.watch.foreign, [], 'no request left the site');
    // Chromium logs each error status it receives: the faults asked for, once each (no retry), and nothing else.
    const faults = state.watch.errors.filter((line) => /^console: Failed to load resource: .* status of (?:429|500|529) /.test(line));
    assert.equal(faults.length, clients.length * 3);
    assert.deepEqual(state.watch.errors.filter((line) => !faults.includes(line)), []);
  });
});
