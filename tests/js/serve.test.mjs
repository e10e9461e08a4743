// scripts/serve.mjs, the static server of scripts/demo, as a client on the network sees it:
// its own process, raw bytes over TCP, and whatever they hold it keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVE = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));

// Starts the server on a free port over a one-page site; resolves once it says where it is.
async function startServing(t) {
  const root = await mkdtemp(join(tmpdir(), 'trickle-serve-'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>here</title>\n');
  const child = spawn(process.execPath, [SERVE, '--root', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (data) => { stderr += data; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
      await exited;
    }
    await rm(root, { recursive: true, force: true });
  });
  const port = await new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (data) => {
      stdout += data;
      const found = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
      if (found) resolve(Number(found[1]));
    });
    exited.then(({ code }) => reject(new Error(`serve.mjs exited (${code}) before listening: ${stderr}`)));
  });
  return { port, child, stderr: () => stderr };
}

// Sends `bytes` as they are and returns whatever comes back before the server closes the
// connection (or 2 s pass: a server that waits for more is fine too).
function sendRaw(port, bytes) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received = [];
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (data) => received.push(data));
    socket.on('error', (error) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.write(bytes);
  });
}

const statusOf = (reply) => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1]);

test('no request line, however malformed, stops the server', async (t) => {
  const server = await startServing(t);
  const hostile = [
    'GET http://a:b:c/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', // new URL() throws on it
    'GET http://[::1/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET //a:b:c/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET /%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET /\0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GARBAGE\r\n\r\n',
    '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03', // the start of a TLS hello
  ];
  for (const request of hostile) {
    const reply = await sendRaw(server.port, Buffer.from(request, 'latin1'));
    const status = statusOf(reply);
    if (!Number.isNaN(status)) {
      assert.ok(status >= 400 && status < 500, `${JSON.stringify(request)} answered ${status}, want a 4xx`);
    }
    assert.equal(server.child.exitCode, null, `the server exited after ${JSON.stringify(request)}: ${server.stderr()}`);
  }
  const reply = await sendRaw(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(reply), 200, reply);
  assert.match(reply, /<title>here<\/title>/);
  assert.equal(server.stderr(), '');
});

test('the absolute form of a request (a proxy\'s) serves the same file as its path', async (t) => {
  const server = await startServing(t);
  const reply = await sendRaw(server.port, 'GET http://127.0.0.1/index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(reply), 200, reply);
});
