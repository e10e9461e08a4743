#!/usr/bin/env node
// A small static file server for the built site, with the MIME types browsers insist on
// (.mjs/.js as text/javascript for module scripts, .wasm as application/wasm for streaming
// compilation). Loopback only.
//
//   node scripts/serve.mjs [--root build/site] [--port 8000] [--base /]
//
// --base serves the site under a sub-path (e.g. /trickle/), the way GitHub Pages serves a
// project site, so tests can prove every URL in it is relative.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.cpp': 'text/plain; charset=utf-8',
  '.hpp': 'text/plain; charset=utf-8',
};

export function startServer({ root = 'build/site', port = 8000, base = '/', host = '127.0.0.1' } = {}) {
  const siteRoot = resolve(root);
  const prefix = base.endsWith('/') ? base : `${base}/`;
  // Whatever a request holds ends in an answer, never in an exception: an async handler's
  // rejection would be unhandled, and Node ends the process on those.
  const server = createServer((request, response) => {
    answer(request, response).catch(() => {
      if (!response.headersSent) {
        response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad request\n');
      } else {
        response.destroy();
      }
    });
  });
  async function answer(request, response) {
    let url;
    try {
      // An absolute-form target (a proxy's "GET http://host/path") is read for its path.
      url = new URL(request.url, 'http://localhost');
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad request\n');
      return;
    }
    if (!url.pathname.startsWith(prefix)) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    let relative;
    try {
      relative = decodeURIComponent(url.pathname.slice(prefix.length));
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad request\n');
      return;
    }
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const file = normalize(join(siteRoot, relative));
    if (file !== siteRoot && !file.startsWith(siteRoot + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
        // Always revalidate, as a freshly deployed GitHub Pages site should be.
        'cache-control': 'no-cache',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  }
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { root: { type: 'string' }, port: { type: 'string' }, base: { type: 'string' } },
  });
  const port = Number(values.port ?? 8000);
  const base = values.base ?? '/';
  let server;
  try {
    server = await startServer({ root: values.root, port, base });
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    console.error(`serve: port ${port} is already in use; try PORT=8080 scripts/demo, or --port`);
    process.exit(1);
  }
  // The port it got, which --port 0 leaves to the system.
  console.log(`serving ${values.root ?? 'build/site'} on http://127.0.0.1:${server.address().port}${base}`);
}
