// The wasm module: loading it, and the protocol it speaks (src/wasm/protocol.hpp), read from
// the module itself and checked, so that nothing about it is copied by hand into JS.
//
// The two paths below are where scripts/build puts the Emscripten output in the source tree
// (build/wasm/); the build rewrites them to './' when it copies this file into the package,
// where the glue and the .wasm sit beside it. Written as a literal `new URL(..., import.meta.url)`
// so that bundlers (Vite, webpack) see the .wasm and ship it.
import createNativeModule from '../../../build/wasm/trickle-wasm.mjs';

const WASM_URL = new URL('../../../build/wasm/trickle-wasm.wasm', import.meta.url);
const WASM_FILE = 'trickle-wasm.wasm';

// Every name of the protocol this layer uses, and every function it calls.
const PROTOCOL_NAMES = ['startSlot', 'startTextAddress', 'startTextLength', 'startDelayUs', 'startSplit',
  'startTimeoutUs', 'startFailAfter', 'startMessageAddress', 'startMessageLength', 'startFieldCount',
  'splitWhitespace', 'splitSpace', 'splitChar', 'splitGrapheme', 'recordSlot', 'recordStatus', 'recordCount', 'recordHeaderWords',
  'statusMore', 'statusPending', 'statusDone', 'statusFailed', 'statusTimedOut', 'statusBits', 'maxBatch'];
const NATIVE_FUNCTIONS = ['protocol', 'startStreams', 'pullStream', 'streamErrorMessage', 'lastError', 'closeStream',
  'pullSpansAddress', 'releaseBurstMemory', 'runDueTimers', 'chatTemplateParts', 'heapBytesInUse',
  'liveStreamCount', 'scheduledTimerCount', '_malloc', '_free'];

// Node's fetch() refuses file: URLs, so in Node the loader reads the bytes itself. The
// module name is not a literal, so that bundlers building for the browser leave it alone.
const NODE_FS = 'node:fs/promises';
const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

/**
 * Instantiates the wasm module. `wasm` (optional) is where to find the .wasm: a URL or string
 * (for bundlers that move assets), or its bytes (ArrayBuffer or typed array).
 * Resolves with { native, protocol }.
 */
export async function loadNative(wasm) {
  const settings = {};
  let source; // what an error names: the URL, or null for bytes
  let native;
  try {
    if (wasm === undefined || typeof wasm === 'string' || wasm instanceof URL) {
      const url = wasm === undefined ? WASM_URL : new URL(wasm, globalThis.location?.href ?? import.meta.url);
      source = url.href;
      settings.locateFile = () => url.href;
      if (isNode && url.protocol === 'file:') {
        const { readFile } = await import(/* @vite-ignore */ NODE_FS);
        settings.wasmBinary = await readFile(url);
      }
    } else {
      source = null;
      // The glue copies wasmBinary element by element into a Uint8Array: a DataView would
      // come out empty and a Uint16Array truncated, so any view is handed over as its bytes.
      settings.wasmBinary = ArrayBuffer.isView(wasm) ? new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength) : wasm;
    }
    native = await createNativeModule(settings);
  } catch (error) {
    if (source === undefined) throw error; // the wasm option itself is no URL
    throw notLoaded(source, error);
  }
  return { native: checkFunctions(native), protocol: readProtocol(native) };
}

// The glue says only "Aborted(CompileError: ... expected magic word ...)": say what was
// loaded, and what usually went wrong. A bundler that moves trickle's modules without the
// .wasm is the common case: Vite's dev server pre-bundles dependencies into
// node_modules/.vite/deps/, where the server answers a missing file with the app's page.
function notLoaded(source, error) {
  const reason = String(error?.message ?? error)
    .replace(/\. Build with -s ASSERTIONS=1 for more info\.$/, '')
    .replace(/^Aborted\((.*)\)$/s, '$1');
  const message = source === null
    ? `trickle: the bytes given as the wasm option are not ${WASM_FILE} (${reason})`
    : `trickle: could not load ${WASM_FILE} from ${source} (${reason}). If a bundler moved trickle without `
      + `its .wasm, serve that file and pass its URL: createTrickle({ wasm: url }). Vite's dev server does that `
      + "to the dependencies it pre-bundles: add optimizeDeps: { exclude: ['trickle'] } to Vite's config.";
  return new Error(message, { cause: error });
}

// trickle's JS, the Emscripten glue and the .wasm must come from one build: files mixed
// from two versions (a browser cache right after a site update, a hand-copied dist/) would
// otherwise fail later, obscurely, mid-stream.
function mismatch(what) {
  return new Error(`trickle: ${WASM_FILE} and trickle-wasm.mjs do not match this version of trickle (${what}): `
    + 'the files come from different versions. Reload the page, or reinstall the package.');
}

function checkFunctions(native) {
  const missing = NATIVE_FUNCTIONS.filter((name) => typeof native[name] !== 'function');
  if (missing.length > 0) throw mismatch(`missing ${missing.join(', ')}`);
  return native;
}

function readProtocol(native) {
  const protocol = native.protocol();
  const wrong = PROTOCOL_NAMES.filter((name) => !Number.isInteger(protocol?.[name]));
  if (wrong.length > 0) throw mismatch(`protocol without ${wrong.join(', ')}`);
  return Object.freeze(protocol);
}
