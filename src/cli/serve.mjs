// `trickle serve`: a real local HTTP server (Node's http, no framework) over trickle.fetch,
// so that curl -N and clients in any language can use the mock: every route of the wire
// formats, the same answers, the same faults.
//
// Each request becomes a Request for the fetch, and its Response is written back as it
// streams (flushed chunk by chunk: the timing is the stream's). When the client goes away
// mid-answer, its stream is aborted and freed at once. No request, however malformed, ends
// the process: what cannot be read is a 400, what breaks in between a 500 or a closed
// socket. Browsers may call it from any origin (CORS, for a page on another port).
// GET /_trickle/stats answers with the instance's stats() as JSON: what is still held.
import { createServer } from 'node:http';
import { once } from 'node:events';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, POST, OPTIONS',
  'access-control-allow-headers': '*',
  'access-control-expose-headers': '*',
};

function plain(response, status, message) {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...CORS });
  response.end(`${message}\n`);
}

async function readBody(request) {
  const parts = [];
  let size = 0;
  for await (const part of request) {
    size += part.length;
    if (size > MAX_BODY_BYTES) return null;
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/**
 * Serves `fetch` on host:port. Resolves with the http.Server once it listens (its address()
 * tells the port, which 0 lets the system choose).
 */
export function serveFetch(fetch, { port = 8080, host = '127.0.0.1', stats } = {}) {
  const server = createServer(async (request, response) => {
    const gone = new AbortController();
    // The client went away before the answer was written out: stop its stream now.
    response.on('close', () => {
      if (!response.writableFinished) gone.abort(new DOMException('the client closed the connection', 'AbortError'));
    });
    try {
      if (request.method === 'OPTIONS') {
        response.writeHead(204, CORS);
        response.end();
        return;
      }
      let url;
      try {
        url = new URL(request.url, `http://${request.headers.host ?? `${host}:${port}`}`);
      } catch {
        plain(response, 400, 'trickle serve: the request line has no URL that can be read');
        return;
      }
      if (stats !== undefined && url.pathname === '/_trickle/stats') {
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', ...CORS });
        response.end(JSON.stringify(stats()));
        return;
      }
      const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
      const body = hasBody ? await readBody(request) : undefined;
      if (body === null) {
        plain(response, 413, `trickle serve: the request body is larger than ${MAX_BODY_BYTES} bytes`);
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      let answer;
      try {
        answer = await fetch(new Request(url, { method: request.method, headers, body, signal: gone.signal }));
      } catch (error) {
        plain(response, 400, `trickle serve: ${error.message}`);
        return;
      }
      response.writeHead(answer.status, { ...Object.fromEntries(answer.headers), ...CORS });
      // The status and headers now, as an API's server sends them before its first token.
      response.flushHeaders();
      if (answer.body === null) {
        response.end();
        return;
      }
      try {
        for await (const bytes of answer.body) {
          if (!response.write(bytes)) await once(response, 'drain');
        }
        response.end();
      } catch {
        // The answer broke off (a disconnect fault, an abort): so does the connection, as a
        // server's would.
        response.destroy();
      }
    } catch (error) {
      plain(response, 500, `trickle serve: ${error?.message ?? error}`);
    }
  });
  // A malformed request line never reaches the handler: answer it, and keep serving.
  server.on('clientError', (error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
