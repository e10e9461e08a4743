// Loading: createTrickle finds the .wasm beside its module, or where the `wasm` option says
// (a bundler moved it), or takes its bytes in any of the forms the types promise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import createTrickle from '../../src/js/trickle.mjs';
import { collect } from './support.mjs';

const WASM_URL = new URL('../../build/wasm/trickle-wasm.wasm', import.meta.url);

async function streamsWith(wasm) {
  const trickle = await createTrickle(wasm === undefined ? undefined : { wasm });
  return collect(trickle.stream('你好 我', { delayMs: 0 }));
}

test('the .wasm is found beside the module, or at a URL or path given as the wasm option', async () => {
  assert.deepEqual(await streamsWith(undefined), ['你好', '我']);
  assert.deepEqual(await streamsWith(WASM_URL), ['你好', '我']);
  assert.deepEqual(await streamsWith(WASM_URL.href), ['你好', '我']);
  assert.deepEqual(await streamsWith(fileURLToPath(WASM_URL)), ['你好', '我']);
});

test('the wasm option takes the bytes as an ArrayBuffer or as any view of them: a DataView, a Uint16Array, a slice of a larger buffer', async () => {
  const file = await readFile(WASM_URL);
  const bytes = new Uint8Array(file.byteLength + 8);
  bytes.set(file, 8);
  const exact = bytes.buffer.slice(8);
  const forms = {
    'an ArrayBuffer': exact,
    'a Node Buffer': file,
    'a Uint8Array with an offset': bytes.subarray(8),
    'a DataView': new DataView(exact),
    'a DataView with an offset': new DataView(bytes.buffer, 8),
    'an Int8Array': new Int8Array(exact),
  };
  // A view of wider elements covers a whole number of them (this build's module does).
  if (exact.byteLength % 2 === 0) forms['a Uint16Array'] = new Uint16Array(exact);
  for (const [name, wasm] of Object.entries(forms)) {
    assert.deepEqual(await streamsWith(wasm), ['你好', '我'], name);
  }
});

test('a .wasm that is not there, or bytes that are not the module, reject with an error that says what was loaded and what to do', async () => {
  const missing = new URL('./no-such-folder/trickle-wasm.wasm', WASM_URL);
  await assert.rejects(createTrickle({ wasm: missing }), (error) => {
    assert.equal(error.name, 'Error');
    assert.ok(error.message.startsWith(`trickle: could not load trickle-wasm.wasm from ${missing.href} (ENOENT`), error.message);
    assert.match(error.message, /pass its URL: createTrickle\(\{ wasm: url \}\)/);
    assert.match(error.message, /optimizeDeps: \{ exclude: \['trickle'\] \}/);
    assert.equal(error.cause.code, 'ENOENT');
    return true;
  });
  // An HTML page where the module should be: what a server sends for a file it lacks.
  const page = new TextEncoder().encode('<!doctype html><title>app</title>');
  await assert.rejects(createTrickle({ wasm: page }), {
    name: 'Error',
    message: /^trickle: the bytes given as the wasm option are not trickle-wasm.wasm \(CompileError: .*expected magic word 00 61 73 6d, found 3c 21 64 6f/,
  });
  await assert.rejects(createTrickle({ wasm: 'http://[' }), TypeError);
  assert.deepEqual(await streamsWith(undefined), ['你好', '我'], 'a failed load leaves later ones working');
});

test('a .wasm fetched over HTTP loads whether or not the server says application/wasm; a missing one says HTTP 404', async () => {
  const { createServer } = await import('node:http');
  const file = await readFile(WASM_URL);
  const requests = [];
  const server = createServer((request, response) => {
    requests.push(request.url);
    const type = { '/wasm/trickle-wasm.wasm': 'application/wasm', '/octet/trickle-wasm.wasm': 'application/octet-stream' }[request.url];
    if (type === undefined) {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html><title>not here</title>');
    } else {
      response.writeHead(200, { 'content-type': type }).end(file);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  try {
    // Compiled while it downloads (application/wasm), or read whole first (anything else).
    assert.deepEqual(await streamsWith(`${origin}/wasm/trickle-wasm.wasm`), ['你好', '我']);
    assert.deepEqual(await streamsWith(new URL(`${origin}/octet/trickle-wasm.wasm`)), ['你好', '我']);
    await assert.rejects(createTrickle({ wasm: `${origin}/gone/trickle-wasm.wasm` }), {
      name: 'Error',
      message: new RegExp(`^trickle: could not load trickle-wasm\\.wasm from ${origin}/gone/trickle-wasm\\.wasm \\(HTTP 404\\)\\. If a bundler moved trickle`),
    });
    assert.deepEqual(requests, ['/wasm/trickle-wasm.wasm', '/octet/trickle-wasm.wasm', '/gone/trickle-wasm.wasm'], 'each fetched once');
  } finally {
    server.close();
    server.closeAllConnections();
  }
});
