// The site's Service Worker: it answers the site's endpoints with trickle (the lesson's
// GET chat?prompt=…, and the LLM APIs' routes: endpoints.mjs) and keeps a copy of the site,
// so the page opens and works offline, reloads included.
//
// Endpoints: the request goes to a trickle.createFetch() (one implementation for the
// worker, the page and `trickle serve`), and its Response comes back with two headers that
// say who answered. Files: from the network first, so a new deployment is seen at once;
// from this build's cache when the network fails. The cache is filled when the worker
// installs (precache.json, written by scripts/build, lists the site's files) and keeps
// whatever else the site fetches later; it is named after the build, and a new worker
// deletes the caches of older builds when it takes over.
//
// scripts/build stamps BUILD with a hash of the site, so any change to the site changes
// this file's bytes, which is what makes the browser install the new worker.
// Before trickle: a Service Worker may not import() trickle's full module on first use.
import '../src/js/service-worker.mjs';
import createTrickle from '../src/js/trickle.mjs';
import { endpointFetch, isEndpoint } from './endpoints.mjs';

const BUILD = '__TRICKLE_BUILD__';
const CACHE_PREFIX = 'trickle-site-';
const CACHE = `${CACHE_PREFIX}${BUILD}`;
const SCOPE = new URL(self.registration.scope);

let instance = null; // the loaded trickle, once ready
let loading = null;

// trickle's files, where scripts/build puts them in the site. The worker reads them as it
// reads the site's other files (network first, then this build's cache): its own fetches
// never pass through its fetch handler, so a worker restarted offline could not load
// trickle if it let the module fetch them. All but the core module are read on first use,
// as the page reads them: the tokenizer and its vocabularies (2.4 MB, not in the precache)
// are in the cache once anything has counted tokens online, and stay usable offline.
const FILES = {
  wasm: 'js/stream/trickle-wasm.wasm',
  fullWasm: 'js/stream/trickle-wasm-full.wasm',
  tokenizerWasm: 'js/tokens/trickle-tokenizer.wasm',
  o200k_base: 'js/tokens/o200k_base.bpe',
  cl100k_base: 'js/tokens/cl100k_base.bpe',
};

async function siteBytes(file) {
  // The copy is kept before the bytes are used: a worker stopped right after answering
  // must find the file in the cache when it starts again offline.
  const response = await networkThenCache(new Request(new URL(file, SCOPE)), { awaitCopy: true });
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

const fromSite = (name) => () => siteBytes(FILES[name]);

// Top-level await is not allowed in a Service Worker, so the module loads on first need
// (install warms it up; a worker restarted after going idle loads it again here).
function loadTrickle() {
  loading ??= createTrickle({
    wasm: fromSite('wasm'),
    fullWasm: fromSite('fullWasm'),
    tokenizerWasm: fromSite('tokenizerWasm'),
    tokenAssets: { o200k_base: fromSite('o200k_base'), cl100k_base: fromSite('cl100k_base') },
  }).then(
    (trickle) => (instance = trickle),
    (error) => {
      loading = null; // let the next request try again
      throw error;
    },
  );
  return loading;
}

// Every file of the site, fetched past the HTTP cache: a worker must not keep a copy of
// a file older than itself.
async function precache() {
  const listed = await fetch(new URL('precache.json', SCOPE), { cache: 'no-cache' });
  if (!listed.ok) throw new Error(`precache.json: HTTP ${listed.status}`);
  const files = await listed.json();
  const cache = await caches.open(CACHE);
  await cache.addAll(files.map((file) => new Request(new URL(file, SCOPE), { cache: 'no-cache' })));
}

self.addEventListener('install', (event) => {
  // A worker that cannot load the module or keep the site must not take over from one that can.
  event.waitUntil(Promise.all([loadTrickle(), precache()]).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
    }
    // Take the open pages now, so a first visit can use the chat without a reload.
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const { type } = event.data ?? {};
  if (type === 'claim') {
    // A hard reload (Shift+Reload) leaves the page uncontrolled even when this worker is
    // active; the page asks to be claimed.
    event.waitUntil(self.clients.claim());
  } else if (type === 'hello') {
    event.ports[0]?.postMessage({ build: BUILD, stats: instance?.stats() ?? null });
  }
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return; // not ours
  const path = url.pathname.slice(SCOPE.pathname.length);
  if (isEndpoint(path)) {
    // Keep the worker alive until the answer has been streamed out or cancelled.
    let finished;
    event.waitUntil(new Promise((resolve) => (finished = resolve)));
    event.respondWith(answer(request, path, finished));
  } else if (request.method === 'GET') {
    event.respondWith(networkThenCache(request));
  }
});

async function networkThenCache(request, { awaitCopy = false } = {}) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cached = await caches.match(request, { cacheName: CACHE, ignoreSearch: request.mode === 'navigate' });
    if (cached) return cached;
    throw error;
  }
  if (response.ok && response.type === 'basic') {
    const copy = response.clone();
    const kept = caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => {});
    if (awaitCopy) await kept;
  }
  return response;
}

const SOURCE_HEADERS = { 'x-trickle-source': 'service-worker', 'x-trickle-build': BUILD };

async function answer(request, path, finished) {
  let response;
  try {
    const trickle = await loadTrickle();
    response = await endpointFetch(trickle, request, path)(request);
  } catch (error) {
    finished();
    const status = error instanceof TypeError || error instanceof RangeError ? 400 : 503;
    return new Response(`trickle: ${error.message}\n`, {
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...SOURCE_HEADERS },
    });
  }
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(SOURCE_HEADERS)) headers.set(name, value);
  if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
  if (!response.body) {
    finished();
    return new Response(null, { status: response.status, headers });
  }
  // The same bytes, read through so the worker knows when the answer ends or the page
  // cancels it (which frees the C++ stream at once).
  const reader = response.body.getReader();
  const body = new ReadableStream(
    {
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) {
            controller.close();
            finished();
          } else {
            controller.enqueue(value);
          }
        } catch (error) {
          controller.error(error);
          finished();
        }
      },
      async cancel(reason) {
        await reader.cancel(reason);
        finished();
      },
    },
    { highWaterMark: 0 }, // do not run ahead of the reader
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}
