// trickle serve: the wire formats over a real HTTP server, for clients in any language. The
// official clients read its answers through the network; a client that goes away frees its
// stream; no request, however malformed, ends the process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { readers } from './clients.mjs';

const CLI = fileURLToPath(new URL('../../src/cli/cli.mjs', import.meta.url));
let server;
let origin;

before(async () => {
  server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--delay', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  origin = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (data) => {
      out += data;
      const found = out.match(/listening on (http:\/\/[\d.]+:\d+)\//);
      if (found) resolve(found[1]);
    });
    server.on('exit', (code) => reject(new Error(`trickle serve exited (${code}): ${out}`)));
  });
});

after(() => server?.kill());

// The clients talk to http://trickle.test: this fetch sends them to the server instead.
const viaServer = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input);
  const target = `${origin}${url.pathname}${url.search}`;
  return input instanceof Request ? fetch(new Request(target, input), init) : fetch(target, init);
};

const stats = async () => (await fetch(`${origin}/_trickle/stats`)).json();

for (const reader of readers) {
  test(`${reader.name} reads trickle serve's answer over HTTP`, async () => {
    const result = await reader.read(viaServer);
    assert.match(result.text, /你提问的是: Say something\., 我正在流式生成答案\.\.\./);
  });
}

test('a client that goes away mid-answer frees its stream on the server', async () => {
  const slow = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--delay', '60000'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const base = await new Promise((resolve) => {
      slow.stdout.on('data', (data) => {
        const found = String(data).match(/listening on (http:\/\/[\d.]+:\d+)\//);
        if (found) resolve(found[1]);
      });
    });
    const controller = new AbortController();
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST', signal: controller.signal,
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(response.status, 200); // the headers come at once; the first frames with the first word, in a minute
    let during;
    for (let i = 0; i < 50; i++) {
      during = await (await fetch(`${base}/_trickle/stats`)).json();
      if (during.liveStreams === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(during.liveStreams, 1);
    controller.abort();
    let after;
    for (let i = 0; i < 50; i++) {
      after = await (await fetch(`${base}/_trickle/stats`)).json();
      if (after.liveStreams === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(after.liveStreams, 0);
    assert.equal(after.timerArmed, false);
  } finally {
    slow.kill();
  }
});

test('no request ends the process: malformed request lines, bad JSON, unknown routes, wrong methods', async () => {
  const raw = (bytes) => new Promise((resolve) => {
    const { port, hostname } = new URL(origin);
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let answer = '';
    socket.on('data', (data) => { answer += data; });
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
  for (const line of ['GET http://a:b:c/ HTTP/1.1\r\n\r\n', 'BLAH\r\n\r\n', '\x00\x01\x02\r\n\r\n', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n']) {
    assert.match(await raw(line), /^HTTP\/1\.1 [45]\d\d/, JSON.stringify(line));
  }
  const notJson = await fetch(`${origin}/v1/messages`, { method: 'POST', body: '{' });
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).type, 'error');
  assert.equal((await fetch(`${origin}/nowhere`, { method: 'POST', body: '{}' })).status, 404);
  assert.equal((await fetch(`${origin}/v1/chat/completions`)).status, 405);
  const preflight = await fetch(`${origin}/v1/chat/completions`, { method: 'OPTIONS' });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  // Still serving, and holding nothing.
  assert.equal((await fetch(`${origin}/chat?prompt=still`)).status, 200);
  assert.equal((await stats()).liveStreams, 0);
});

test('the README\'s Playwright set-up starts a server that streams to a page on another origin', async () => {
  const { readmeBlock } = await import('./support.mjs');
  const config = await readmeBlock('<!-- playwright-config -->', '');
  const command = config.match(/command: '(npx trickle serve [^']*)'/)?.[1];
  assert.ok(command, 'the config names a trickle serve command');
  // The same arguments, on a port the system picks.
  const args = command.split(' ').slice(2).map((arg) => (arg === '8787' ? '0' : arg));
  const served = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const base = await new Promise((resolve) => {
      served.stdout.on('data', (data) => {
        const found = String(data).match(/listening on (http:\/\/[\d.]+:\d+)\//);
        if (found) resolve(found[1]);
      });
    });
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.equal(response.headers.get('x-trickle-seed'), '1');
    const body = await response.text();
    assert.match(body, /"role":"assistant"/);
    assert.match(body, /data: \[DONE\]\n\n$/);
  } finally {
    served.kill();
  }
});
