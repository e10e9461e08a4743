// The Chromium bench page's module (build/bench/index.html loads it): one trickle instance
// from dist/js/trickle.mjs, as a page gets it, and the shared measurements as window.bench,
// which scripts/benchmarks/browser.mjs calls through playwright. Runs only in a browser.
import createTrickle from '../../../dist/js/trickle.mjs';
import { forgetTexts } from './texts.mjs';
import { clockResolution, throughput, timing } from './measure.mjs';

try {
  const trickle = await createTrickle();
  // Chromium started with --js-flags=--expose-gc gives gc(); without it, say so at once.
  const collect = typeof globalThis.gc === 'function' ? () => globalThis.gc() : null;
  window.bench = {
    throughput: (options) => {
      if (options.gc && collect === null) throw new Error('bench page: gc() is not exposed');
      return throughput(trickle, { ...options, gc: options.gc ? collect : undefined });
    },
    timing: (options) => timing(trickle, options),
    clockResolution: () => clockResolution(),
    forgetTexts,
  };
  document.documentElement.dataset.ready = 'yes';
} catch (error) {
  document.documentElement.dataset.ready = `failed: ${error.message}`;
}
