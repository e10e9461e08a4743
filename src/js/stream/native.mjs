// The wasm modules: loading them, and the protocol they speak (src/core/bridge/protocol.hpp),
// read from each module itself and checked, so that nothing about it is copied by hand into JS.
//
// Two modules, one source (src/wasm/bindings.cpp). trickle-wasm, loaded by createTrickle(),
// streams text at a fixed delay: small and quick to start. trickle-wasm-full also runs the
// timing model and writes the wire formats; it is imported the first time a stream or a
// fetch needs it.
//
// The paths below are where scripts/build puts the Emscripten output in the source tree
// (build/wasm/); the build rewrites them to './' when it copies this file into the package,
// where the glue and the .wasm sit beside it. Written as literals (`import()`, `new URL(...,
// import.meta.url)`) so that bundlers (Vite, webpack) see the modules and ship them.
import { fileSource } from '../internal/checks.mjs';
import { lazyModule } from '../internal/provided.mjs';
import createCoreModule from '../../../build/wasm/trickle-wasm.mjs';

const MODULES = {
  core: {
    file: 'trickle-wasm.wasm',
    url: () => new URL('../../../build/wasm/trickle-wasm.wasm', import.meta.url),
    factory: async () => createCoreModule,
  },
  full: {
    file: 'trickle-wasm-full.wasm',
    url: () => new URL('../../../build/wasm/trickle-wasm-full.wasm', import.meta.url),
    factory: async () => (await lazyModule('full-glue', () => import('../../../build/wasm/trickle-wasm-full.mjs'))).default,
  },
};

// Every name of the protocol this layer uses, and every function it calls.
const PROTOCOL_NAMES = ['startSlot', 'startTextAddress', 'startTextLength', 'startDelayUs', 'startSplit',
  'startTimeoutUs', 'startFailAfter', 'startMessageAddress', 'startMessageLength', 'startTiming', 'startSeed',
  'startPieceCount', 'startPieceEnds', 'startPieceTokens', 'startPieceOffsets',
  'startFieldCount', 'timingDelayUs', 'timingTtftUs', 'timingTtftJitter', 'timingTtftSigma', 'timingTokensPerSecond',
  'timingCharsPerSecond', 'timingJitter', 'timingSigma', 'timingStallProbability', 'timingStallMinUs',
  'timingStallMaxUs', 'timingStallCatchUp', 'timingBurst', 'timingTokensPerChunk', 'timingFieldCount', 'jitterNone',
  'jitterUniform', 'jitterLognormal', 'splitWhitespace', 'splitSpace', 'splitChar', 'splitGrapheme', 'splitGiven',
  'recordsWords',
  'recordsFrameBytes', 'recordsHeaderWords', 'recordSlot', 'recordStatus', 'recordCount', 'recordHeaderWords',
  'statusMore', 'statusPending', 'statusDone', 'statusFailed', 'statusTimedOut', 'statusDropped', 'statusBits',
  'maxBatch'];
const NATIVE_FUNCTIONS = ['protocol', 'startStreams', 'pullStream', 'streamErrorMessage', 'lastError', 'closeStream',
  'pullSpansAddress', 'pullFrameBytesAddress', 'releaseBurstMemory', 'runDueTimers', 'planStream', 'timingPresets',
  'chatTemplateParts', 'piecesBegin', 'piecesNext', 'heapBytesInUse', 'liveStreamCount', 'scheduledTimerCount', '_malloc', '_free'];
// What only the full module has.
const FULL_FUNCTIONS = ['startAnswer', 'formatInfo', 'errorBody'];

// Node's fetch() refuses file: URLs, so in Node the loader reads the bytes itself. The
// module name is not a literal, so that bundlers building for the browser leave it alone.
const NODE_FS = 'node:fs/promises';
const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

/**
 * Instantiates a wasm module: `which` is 'core' or 'full'. `wasm` (optional) is where to find
 * its .wasm: a URL or string (for bundlers that move assets), its bytes (ArrayBuffer or
 * typed array), or a function giving one of those. Resolves with { native, protocol }.
 */
export async function loadNative(which, wasm) {
  const { file: WASM_FILE, url: defaultUrl, factory } = MODULES[which];
  const settings = {};
  let source; // what an error names: the URL, or null for bytes
  let native;
  wasm = await fileSource(which === 'core' ? 'wasm' : 'fullWasm', WASM_FILE, wasm);
  try {
    if (wasm === undefined || typeof wasm === 'string' || wasm instanceof URL) {
      const url = wasm === undefined ? defaultUrl() : new URL(wasm, globalThis.location?.href ?? import.meta.url);
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
    native = await (await factory())(settings);
  } catch (error) {
    if (source === undefined) throw error; // the wasm option itself is no URL
    throw notLoaded(WASM_FILE, source, error);
  }
  return { native: checkFunctions(WASM_FILE, native, which), protocol: readProtocol(WASM_FILE, native, which) };
}

// The glue says only "Aborted(CompileError: ... expected magic word ...)": say what was
// loaded, and what usually went wrong. A bundler that moves trickle's modules without the
// .wasm is the common case: Vite's dev server pre-bundles dependencies into
// node_modules/.vite/deps/, where the server answers a missing file with the app's page.
function notLoaded(WASM_FILE, source, error) {
  const reason = String(error?.message ?? error)
    .replace(/\. Build with -s ASSERTIONS=1 for more info\.$/, '')
    .replace(/^Aborted\((.*)\)$/s, '$1');
  const message = source === null
    ? `trickle: the bytes given as the wasm option are not ${WASM_FILE} (${reason})`
    : `trickle: could not load ${WASM_FILE} from ${source} (${reason}). If a bundler moved trickle without `
      + `its .wasm, serve that file and pass its URL: createTrickle({ ${WASM_FILE === 'trickle-wasm.wasm' ? 'wasm' : 'fullWasm'}: url }). Vite's dev server does that `
      + "to the dependencies it pre-bundles: add optimizeDeps: { exclude: ['trickle'] } to Vite's config.";
  return new Error(message, { cause: error });
}

// trickle's JS, the Emscripten glue and the .wasm must come from one build: files mixed
// from two versions (a browser cache right after a site update, a hand-copied dist/) would
// otherwise fail later, obscurely, mid-stream.
function mismatch(WASM_FILE, what) {
  return new Error(`trickle: ${WASM_FILE} and its .mjs do not match this version of trickle (${what}): `
    + 'the files come from different versions. Reload the page, or reinstall the package.');
}

function checkFunctions(WASM_FILE, native, which) {
  const needed = which === 'full' ? [...NATIVE_FUNCTIONS, ...FULL_FUNCTIONS] : NATIVE_FUNCTIONS;
  const missing = needed.filter((name) => typeof native[name] !== 'function');
  if (missing.length > 0) throw mismatch(WASM_FILE, `missing ${missing.join(', ')}`);
  return native;
}

function readProtocol(WASM_FILE, native) {
  const protocol = native.protocol();
  const wrong = PROTOCOL_NAMES.filter((name) => !Number.isInteger(protocol?.[name]));
  if (wrong.length > 0) throw mismatch(WASM_FILE, `protocol without ${wrong.join(', ')}`);
  return Object.freeze(protocol);
}
