// Where trickle's tokenizer and its vocabularies are, and loading them for one instance
// (stream/engines.mjs imports this module the first time something counts tokens, so that a
// page that never does loads none of it).
//
// The paths below are where scripts/build puts the files in the source tree (build/wasm/);
// the build rewrites them to './' when it copies this file into the package, where
// trickle-tokenizer.wasm, o200k_base.bpe and cl100k_base.bpe sit beside it. Written as
// literals (`new URL(..., import.meta.url)`) so that bundlers (Vite, webpack) see the files
// and ship them; each is fetched (read from disk in Node) only when first needed.
import { fileSource, readBytes, urlOf } from '../internal/checks.mjs';
import { instantiateTokenizer } from './tokenizer.mjs';

const FILES = {
  tokenizer: { file: 'trickle-tokenizer.wasm', url: () => new URL('../../../build/wasm/trickle-tokenizer.wasm', import.meta.url) },
  o200k_base: { file: 'o200k_base.bpe', url: () => new URL('../../../build/wasm/tokens/o200k_base.bpe', import.meta.url) },
  cl100k_base: { file: 'cl100k_base.bpe', url: () => new URL('../../../build/wasm/tokens/cl100k_base.bpe', import.meta.url) },
};

// The bytes of one of FILES: from `given` (createTrickle's option: a URL, a string, the
// bytes, or a function giving one of them) or from beside this module. A failure says which file, from where, and what to do.
async function bytesOf(which, given, option) {
  const { file, url } = FILES[which];
  const name = which === 'tokenizer' ? 'tokenizerWasm' : `tokenAssets.${which}`;
  const source = (await fileSource(name, file, given)) ?? url();
  try {
    return await readBytes(source);
  } catch (error) {
    const where = source instanceof URL || typeof source === 'string' ? ` from ${urlOf(source).href}` : '';
    throw new Error(`trickle: could not load ${file}${where} (${error?.message ?? error}). If a bundler moved trickle `
      + `without it, serve the file and pass its URL (or its bytes): createTrickle({ ${option} })`, { cause: error });
  }
}

/** trickle-tokenizer.wasm, instantiated: `wasm` is createTrickle's tokenizerWasm option. */
export async function loadTokenizerModule(wasm) {
  return instantiateTokenizer(await bytesOf('tokenizer', wasm, 'tokenizerWasm: url'));
}

/** The vocabulary of `encoding` in `module`: `asset` is createTrickle's tokenAssets[encoding]. */
export async function loadVocabulary(module, encoding, asset) {
  return module.load(await bytesOf(encoding, asset, `tokenAssets: { ${encoding}: url }`), encoding);
}
