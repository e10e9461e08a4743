// The lesson's FastAPI endpoint, with no server: this Service Worker answers
// GET chat?prompt=… (relative to the site) with a streamed text/plain body that the C++
// generator produces, word by word, through the same wasm module the page uses.
//
// It caches nothing and answers nothing else: every other request goes to the network
// untouched, so a new deployment can never be shadowed by files an old worker kept.
// scripts/build stamps BUILD with a hash of the site, so any change to the site changes
// this file's bytes, which is what makes the browser install the new worker.
import createTrickle from '../src/js/trickle.mjs';

const BUILD = '__TRICKLE_BUILD__';
const CHAT_URL = new URL('chat', self.registration.scope);

let instance = null; // the loaded trickle, once ready
let loading = null;

// Top-level await is not allowed in a Service Worker, so the module loads on first need
// (install warms it up; a worker restarted after going idle loads it again here).
function loadTrickle() {
  loading ??= createTrickle().then(
    (trickle) => (instance = trickle),
    (error) => {
      loading = null; // let the next request try again
      throw error;
    },
  );
  return loading;
}

self.addEventListener('install', (event) => {
  // A worker that cannot load the module must not take over from one that can.
  event.waitUntil(loadTrickle().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  // Take the open pages now, so a first visit can use the chat without a reload.
  event.waitUntil(self.clients.claim());
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
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== CHAT_URL.origin || url.pathname !== CHAT_URL.pathname) {
    return; // not ours: the browser fetches it as if this worker did not exist
  }
  // Keep the worker alive until the answer has been streamed out or cancelled.
  let finished;
  event.waitUntil(new Promise((resolve) => (finished = resolve)));
  event.respondWith(answer(url.searchParams.get('prompt'), finished));
});

const HEADERS = {
  'content-type': 'text/plain; charset=utf-8',
  'cache-control': 'no-store',
  'x-trickle-source': 'service-worker',
  'x-trickle-build': BUILD,
};

async function answer(prompt, finished) {
  if (prompt === null) {
    finished();
    return new Response('chat: the prompt parameter is missing (chat?prompt=…)\n', { status: 400, headers: HEADERS });
  }
  let trickle;
  try {
    trickle = await loadTrickle();
  } catch (error) {
    finished();
    return new Response(`chat: the WebAssembly module failed to load: ${error.message}\n`, { status: 503, headers: HEADERS });
  }
  const words = trickle.chat(prompt);
  const encoder = new TextEncoder();
  const body = new ReadableStream(
    {
      // One word per pull: the body carries exactly what the generator yields, when it
      // yields it, like the FastAPI StreamingResponse over its generator.
      async pull(controller) {
        try {
          const { value, done } = await words.next();
          if (done) {
            controller.close();
            finished();
          } else {
            controller.enqueue(encoder.encode(value));
          }
        } catch (error) {
          controller.error(error);
          finished();
        }
      },
      // The reader cancelled or the page went away: free the C++ stream now.
      async cancel() {
        await words.return();
        finished();
      },
    },
    { highWaterMark: 0 }, // do not run ahead of the reader
  );
  return new Response(body, { headers: HEADERS });
}
