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
import { compileWasm, fileSource, urlOf } from '../internal/checks.mjs';
import { lazyModule } from '../internal/provided.mjs';
import createCoreModule from '../../../build/wasm/trickle-wasm.mjs';

// Both glues are linked alike: the single-file page substitutes the pair that carry their .wasm
// (src/wasm/wasm-inside.js marks them).
const GLUE_CARRIES_WASM = createCoreModule.wasmInside === true;

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
  'pullSpansAddress', 'pullFrameBytesAddress', 'releaseBurstMemory', 'runDueTimers', 'piecesBegin', 'piecesNext', 'heapBytesInUse', 'liveStreamCount', 'scheduledTimerCount', '_malloc', '_free'];
// What only the full module has.
const FULL_FUNCTIONS = ['planStream', 'startAnswer', 'formatInfo', 'errorBody'];

/**
 * Instantiates a wasm module: `which` is 'core' or 'full'. `wasm` (optional) is where to find
 * its .wasm: a URL or string (for bundlers that move assets), its bytes (ArrayBuffer or
 * typed array), or a function giving one of those. Resolves with { native, protocol }.
 */
export async function loadNative(which, wasm) {
  const { file: WASM_FILE, url: defaultUrl, factory } = MODULES[which];
  wasm = await fileSource(which === 'core' ? 'wasm' : 'fullWasm', WASM_FILE, wasm);
  const source = wasm ?? defaultUrl();
  const from = typeof source === 'string' || source instanceof URL ? urlOf(source).href : null; // what an error names
  let native;
  try {
    // The .wasm is fetched (or read) and compiled while the glue is imported and sets itself
    // up, rather than after: the glue would start its own fetch only then. The single-file
    // page's glue carries its .wasm inside and instantiates that itself.
    const compiling = GLUE_CARRIES_WASM ? null : compileWasm(source);
    compiling?.catch(() => {}); // awaited below, once the glue is there
    let instantiating = null;
    const settings = compiling === null ? {} : {
      instantiateWasm(imports, receive) {
        instantiating = compiling.then(async (module) => receive(await WebAssembly.instantiate(module, imports), module));
        return {}; // the exports come later, through receive
      },
    };
    const create = await factory();
    // The glue's promise settles only once the instance has started: a .wasm that fails to
    // compile or link would leave it waiting, so both are awaited.
    [native] = await Promise.all([create(settings), instantiating ?? compiling]);
  } catch (error) {
    throw notLoaded(WASM_FILE, from, error);
  }
  return { native: checkFunctions(WASM_FILE, native, which), protocol: readProtocol(WASM_FILE, native, which) };
}

// Say what was loaded and what usually went wrong, not only the engine's "expected magic word
// ..." or the glue's "Aborted(...)". A bundler that moves trickle's modules without the .wasm
// is the common case: Vite's dev server pre-bundles dependencies into node_modules/.vite/deps/,
// where the server answers a missing file with the app's page.
function notLoaded(WASM_FILE, source, error) {
  const wasmError = error instanceof WebAssembly.CompileError || error instanceof WebAssembly.LinkError
    || error instanceof WebAssembly.RuntimeError;
  const reason = (wasmError ? `${error.name}: ${error.message}` : String(error?.message ?? error))
    .replace(/\. Build with -s ASSERTIONS=1 for more info\.$/, '')
    .replace(/^Aborted\((.*)\)$/s, '$1');
  const option = WASM_FILE === 'trickle-wasm.wasm' ? 'wasm' : 'fullWasm';
  const message = source === null
    ? `trickle: the bytes given as the ${option} option are not ${WASM_FILE} (${reason})`
    : `trickle: could not load ${WASM_FILE} from ${source} (${reason}). If a bundler moved trickle without `
      + `its .wasm, serve that file and pass its URL: createTrickle({ ${option}: url }). Vite's dev server does that `
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

const utf8Decoder = new TextDecoder();

/**
 * The UTF-8 text a module points at: `spanAddress` holds [address, byte length], as the
 * protocol's text and the error messages are given (read in place: nothing is allocated).
 */
export function textAt(native, spanAddress) {
  const at = spanAddress >>> 2;
  const address = native.HEAPU32[at];
  return utf8Decoder.decode(native.HEAPU8.subarray(address, address + native.HEAPU32[at + 1]));
}

// protocol() gives where its JSON text is (UTF-8: the chat template is Chinese): one call
// across, however many names there are.
function readProtocol(WASM_FILE, native, which) {
  let protocol;
  try {
    const span = native.protocol();
    if (typeof span !== 'number') throw new TypeError('not an address');
    protocol = JSON.parse(textAt(native, span));
  } catch {
    throw mismatch(WASM_FILE, 'protocol() gave no JSON');
  }
  // The presets' figures are the full module's; both modules name them.
  const wrong = [...PROTOCOL_NAMES, ...(which === 'full' ? ['presetBlocks'] : [])].filter((name) => !Number.isInteger(protocol?.[name]));
  const strings = (value, length = value?.length) => Array.isArray(value) && value.length === length
    && value.every((item) => typeof item === 'string');
  if (!strings(protocol?.presetNames)) wrong.push('presetNames');
  if (!strings(protocol?.chatTemplate, 2)) wrong.push('chatTemplate');
  if (wrong.length > 0) throw mismatch(WASM_FILE, `protocol without ${wrong.join(', ')}`);
  return Object.freeze(protocol);
}
