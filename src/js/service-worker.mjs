// trickle in a Service Worker. The HTML specification refuses import() in a Service Worker,
// and trickle imports some of its modules with import() on first use: the full module's
// glue (the timing model and the wire formats: presets, createFetch, fetch, response), the
// tokenizer's loader (split: 'tokens', tokenize, usage in tokens), the built-in answers
// (reply: 'markdown'...) and the wire formats' JS (createFetch's fetch, response(),
// toReadableStream()). Import this module statically in the worker, before
// createTrickle(), and those come with the worker's own imports instead; the .wasm files and
// vocabularies are still fetched only when first needed.
//
//   import 'trickle/service-worker';
//   import createTrickle from 'trickle';
//
// Nothing to call: importing it is all. Elsewhere it is harmless (those modules are then
// loaded with the page rather than on first use).
import createFullModule from '../../build/wasm/trickle-wasm-full.mjs';
import * as builtinAnswers from './answers/builtin.mjs';
import { provide } from './internal/provided.mjs';
import * as tokenLoader from './tokens/load.mjs';
import * as wire from './wire/fetch.mjs';

provide('full-glue', { default: createFullModule });
provide('tokens', tokenLoader);
provide('answers', builtinAnswers);
provide('wire', wire);
