// trickle in a Service Worker. The HTML specification refuses import() in a Service Worker,
// and trickle loads its full module (the timing model and the wire formats: presets,
// createFetch, fetch, response) with import() on first use. Import this module statically
// in the worker, before createTrickle(), and the full module's glue comes with the worker's
// own imports instead; its .wasm is still fetched only when first needed.
//
//   import 'trickle/service-worker';
//   import createTrickle from 'trickle';
//
// Nothing to call: importing it is all. Elsewhere it is harmless (the glue is then loaded
// with the page rather than on first use).
import createFullModule from '../../build/wasm/trickle-wasm-full.mjs';
import { provideFullFactory } from './stream/native.mjs';

provideFullFactory(createFullModule);
