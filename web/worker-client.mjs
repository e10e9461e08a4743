// The page's side of its Service Worker: get a worker to control the page and make sure it
// is the one deployed with this page. The chat and the playground's wire formats then
// fetch() from it; where there is none, they read trickle in the page instead.
// (The page's module only: the Service Worker, sw.js, does not import it.)
import { sleep, withTimeout } from '../src/js/toolbox.mjs';

const WORKER_URL = './sw.js';
const CONNECT_TIMEOUT_MS = 10000; // first visit: fetch the worker, load its wasm, activate
const UPGRADE_TIMEOUT_MS = 8000; // a new deployment: let the new worker take over (it loads trickle and the site first)
const HELLO_TIMEOUT_MS = 3000;
const UPDATE_AGAIN_MS = 1000; // a new deployment: how often to ask again while no new worker is installing

// Waits for the next controllerchange event: `changed` resolves when it comes. Call stop()
// when the wait ends, so a change that never came leaves no listener behind.
function watchControllerChange(container) {
  let stop;
  const changed = new Promise((resolve) => {
    container.addEventListener('controllerchange', resolve, { once: true });
    stop = () => container.removeEventListener('controllerchange', resolve);
  });
  return { changed, stop };
}

/** Asks the controlling worker for its build id and the stats of its trickle instance. */
export async function helloWorker() {
  const controller = navigator.serviceWorker?.controller;
  if (!controller) return null;
  const channel = new MessageChannel();
  const reply = new Promise((resolve) => {
    channel.port1.onmessage = (event) => resolve(event.data);
  });
  controller.postMessage({ type: 'hello' }, [channel.port2]);
  try {
    return await withTimeout(reply, HELLO_TIMEOUT_MS);
  } catch {
    return null;
  } finally {
    channel.port1.close();
  }
}

/**
 * Resolves to { ok: true, build } once a worker of this page's build (or, failing that,
 * any working one) controls the page, or { ok: false, reason } where none can: no Service
 * Worker support (file://, private windows, plain http), the single-file page, a failed
 * registration, a timeout.
 */
export async function connectWorker(pageBuild) {
  // The single-file page (scripts/bundle-page.mjs) is made to be opened from disk, where
  // no Service Worker can run, and may be copied anywhere, without sw.js beside it.
  if (document.querySelector('meta[name="bundled-from"]')) return { ok: false, reason: 'single-file' };
  const container = navigator.serviceWorker;
  if (!container) return { ok: false, reason: 'unsupported' };
  try {
    // Module worker: it imports trickle.mjs like the page does. updateViaCache 'none':
    // the browser always asks the server for sw.js and its imports, so a new deployment
    // is seen on the next visit, whatever the HTTP cache holds.
    let registration;
    try {
      registration = await withTimeout(
        container.register(WORKER_URL, { type: 'module', scope: './', updateViaCache: 'none' }),
        CONNECT_TIMEOUT_MS,
      );
    } catch (error) {
      // Offline, registering fails (it fetches sw.js again), but the worker installed on
      // an earlier visit still controls the page and answers from its copy of the site.
      registration = container.controller ? await container.getRegistration() : undefined;
      if (!registration) throw error;
    }
    await withTimeout(container.ready, CONNECT_TIMEOUT_MS);
    if (!container.controller) {
      const change = watchControllerChange(container);
      try {
        // First visit: the worker claims the page when it activates (maybe already done).
        // After a hard reload it never does on its own, so ask it to.
        registration.active?.postMessage({ type: 'claim' });
        if (!container.controller) await withTimeout(change.changed, CONNECT_TIMEOUT_MS);
      } finally {
        change.stop();
      }
    }
    let hello = await helloWorker();
    if (hello?.build !== pageBuild) {
      // The page and its worker come from different deployments: fetch the worker again
      // and wait a little for the new one, which takes over as soon as it is installed. An
      // update that ended with no new worker on the way (its install failed: a file of the
      // site it could not fetch) is asked for again, every second. The new worker is asked
      // who it is once it controls the page, and the old one never again: each message is
      // an event the old worker must finish, and while it has one the new worker waits.
      const deadline = performance.now() + UPGRADE_TIMEOUT_MS;
      let asked = -Infinity;
      while (hello?.build !== pageBuild && performance.now() < deadline) {
        if (!registration.installing && !registration.waiting && performance.now() - asked >= UPDATE_AGAIN_MS) {
          asked = performance.now();
          registration.update().catch(() => {});
        }
        const change = watchControllerChange(container);
        const changed = await Promise.race([change.changed.then(() => true), sleep(250).then(() => false)]); // neither rejects
        change.stop();
        if (changed) hello = await helloWorker();
      }
    }
    if (!hello) return { ok: false, reason: 'timeout' };
    return { ok: true, build: hello.build };
  } catch (error) {
    // withTimeout rejects with a DOMException named TimeoutError.
    return { ok: false, reason: error?.name === 'TimeoutError' ? 'timeout' : error.message || String(error) };
  }
}
