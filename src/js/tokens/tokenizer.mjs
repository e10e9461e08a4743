// The tokenizer's wasm module (trickle-tokenizer.wasm, src/wasm/tokenizer.cpp says what it
// exports) and its vocabularies (cl100k_base.bpe, o200k_base.bpe): loading them, and the
// calls across. No Emscripten glue, only WebAssembly.instantiate. Nothing is
// loaded until asked for; the caller decides where the files are and caches what it loaded.
//
//   const module = await instantiateTokenizer(await readBytes(wasmUrl));
//   const o200k = module.load(await readBytes(assetUrl));
//   o200k.encode('hello world')          // Uint32Array [24912, 2375]
//   o200k.count(text), o200k.decode(ids), o200k.chunks(text)
//
// Text crosses as UTF-8 written by TextEncoder straight into wasm memory, so a lone surrogate
// becomes U+FFFD (one UTF-16 unit, like the surrogate it replaces: chunk positions still
// index the original string).

import { readBytes } from '../internal/checks.mjs';

export { readBytes };

const EXPORTS = ['memory', '_initialize', 'tk_alloc', 'tk_free', 'tk_error', 'tk_result', 'tk_result_words', 'tk_load',
  'tk_unload', 'tk_name', 'tk_pattern', 'tk_token_count', 'tk_encode', 'tk_count', 'tk_chunks', 'tk_decode'];

class Stopped extends Error {}

/** Instantiates trickle-tokenizer.wasm from its bytes. */
export async function instantiateTokenizer(wasmBytes) {
  const imports = {
    // Memory growth needs no notice: every call below takes a fresh view of the memory.
    env: { emscripten_notify_memory_growth() {} },
    // Only an abort (out of memory) exits; the instance is unusable after it.
    wasi_snapshot_preview1: { proc_exit(code) { throw new Stopped(`exit ${code}`); } },
  };
  let instance;
  try {
    ({ instance } = await WebAssembly.instantiate(await readBytes(wasmBytes), imports));
  } catch (error) {
    throw new Error(`trickle: the bytes given are not trickle-tokenizer.wasm (${error.message})`, { cause: error });
  }
  const missing = EXPORTS.filter((name) => !(name in instance.exports));
  if (missing.length > 0) {
    throw new Error(`trickle: trickle-tokenizer.wasm lacks ${missing.join(', ')}: it comes from another version of trickle`);
  }
  instance.exports._initialize();
  return new TokenizerModule(instance.exports);
}

export class TokenizerModule {
  #wasm;
  #broken = null;
  #input = 0; // a buffer in wasm memory for the texts and ids handed over, grown as needed
  #inputSize = 0;
  #encoder = new TextEncoder();

  constructor(wasm) {
    this.#wasm = wasm;
  }

  /** Loads a vocabulary (the bytes of cl100k_base.bpe or o200k_base.bpe). */
  load(assetBytes, expectedName) {
    const bytes = ArrayBuffer.isView(assetBytes)
      ? new Uint8Array(assetBytes.buffer, assetBytes.byteOffset, assetBytes.byteLength)
      : new Uint8Array(assetBytes);
    const handle = this.call(() => {
      const at = this.#wasm.tk_alloc(bytes.length);
      if (at === 0) throw new RangeError(`trickle: no memory for a ${bytes.length}-byte vocabulary`);
      new Uint8Array(this.#wasm.memory.buffer, at, bytes.length).set(bytes);
      return this.#wasm.tk_load(at, bytes.length); // takes the buffer, loaded or not
    });
    if (handle < 0) throw new Error(`trickle: ${this.#string(this.#wasm.tk_error())}`);
    const tokenizer = new Tokenizer(this, handle, this.#string(this.#wasm.tk_name(handle)), this.#wasm.tk_token_count(handle));
    if (expectedName !== undefined && tokenizer.name !== expectedName) {
      tokenizer.free();
      throw new Error(`trickle: the vocabulary given is ${tokenizer.name}, not ${expectedName}`);
    }
    return tokenizer;
  }

  /** Runs a call into wasm; a trap (out of memory) makes the module unusable, and says so. */
  call(work) {
    if (this.#broken) throw this.#broken;
    try {
      return work(this.#wasm);
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError || error instanceof Stopped) {
        this.#broken = new Error(`trickle: the tokenizer stopped (${error.message}); load it again`, { cause: error });
        throw this.#broken;
      }
      throw error;
    }
  }

  /** Writes text as UTF-8 into the input buffer: its address and byte length. */
  writeText(text) {
    const room = text.length * 3; // UTF-8 of a UTF-16 unit is at most 3 bytes
    this.#reserve(room);
    const { written } = this.#encoder.encodeInto(text, new Uint8Array(this.#wasm.memory.buffer, this.#input, room));
    return [this.#input, written];
  }

  /** Copies ids into the input buffer: its address. */
  writeIds(ids) {
    this.#reserve(ids.length * 4);
    new Uint32Array(this.#wasm.memory.buffer, this.#input, ids.length).set(ids);
    return this.#input;
  }

  /** The last result, `words` u32 from word `from`, copied out of wasm memory. */
  resultWords(from, words) {
    return new Uint32Array(this.#wasm.memory.buffer, this.#wasm.tk_result() + 4 * from, words).slice();
  }

  resultBytes(size) {
    return new Uint8Array(this.#wasm.memory.buffer, this.#wasm.tk_result(), size).slice();
  }

  error() {
    return this.#string(this.#wasm.tk_error());
  }

  #reserve(size) {
    if (size <= this.#inputSize && this.#input !== 0) return;
    if (this.#input !== 0) this.#wasm.tk_free(this.#input);
    this.#inputSize = Math.max(size, 4096, this.#inputSize * 2);
    this.#input = this.#wasm.tk_alloc(this.#inputSize);
    if (this.#input === 0) {
      this.#inputSize = 0;
      throw new RangeError(`trickle: no memory for ${size} bytes of input in the tokenizer`);
    }
  }

  #string(address) {
    const memory = new Uint8Array(this.#wasm.memory.buffer);
    let end = address;
    while (memory[end] !== 0) end++;
    return new TextDecoder().decode(memory.subarray(address, end));
  }
}

export class Tokenizer {
  #module;
  #handle;

  constructor(module, handle, name, tokenCount) {
    this.#module = module;
    this.#handle = handle;
    /** 'cl100k_base' or 'o200k_base'. */
    this.name = name;
    /** The number of mergeable tokens (ids 0 .. tokenCount-1). */
    this.tokenCount = tokenCount;
  }

  /** The ids of `text`. allowSpecial: '<|endoftext|>' and the others become their ids. */
  encode(text, { allowSpecial = false } = {}) {
    return this.#module.call((wasm) => {
      const [at, size] = this.#module.writeText(text);
      const count = wasm.tk_encode(this.#checked(), at, size, allowSpecial ? 1 : 0);
      return this.#module.resultWords(0, this.#ok(count));
    });
  }

  count(text, { allowSpecial = false } = {}) {
    return this.#module.call((wasm) => {
      const [at, size] = this.#module.writeText(text);
      return this.#ok(wasm.tk_count(this.#checked(), at, size, allowSpecial ? 1 : 0));
    });
  }

  /** The UTF-8 bytes of some ids. A RangeError names an id that is no token. */
  decodeBytes(ids) {
    return this.#module.call((wasm) => {
      const at = this.#module.writeIds(ids);
      const size = wasm.tk_decode(this.#checked(), at, ids.length);
      if (size < 0) throw new RangeError(`trickle: ${this.#module.error()}`);
      return this.#module.resultBytes(size);
    });
  }

  /** The text of some ids (a token cut inside a character shows U+FFFD, as TextDecoder does). */
  decode(ids) {
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(this.decodeBytes(ids));
  }

  /**
   * The ids of `text` grouped into chunks of whole characters: chunk i is
   * text.slice(ends[i-1] ?? 0, ends[i]) and holds counts[i] tokens, in order in `ids`.
   */
  chunks(text, { allowSpecial = false } = {}) {
    return this.#module.call((wasm) => {
      const [at, size] = this.#module.writeText(text);
      const chunks = this.#ok(wasm.tk_chunks(this.#checked(), at, size, allowSpecial ? 1 : 0));
      const pairs = this.#module.resultWords(0, 2 * chunks);
      const ends = new Uint32Array(chunks);
      const counts = new Uint32Array(chunks);
      let tokens = 0;
      for (let i = 0; i < chunks; i++) {
        ends[i] = pairs[2 * i];
        counts[i] = pairs[2 * i + 1];
        tokens += counts[i];
      }
      return { ends, counts, ids: this.#module.resultWords(2 * chunks, tokens) };
    });
  }

  /** Frees the vocabulary's memory in the module; the tokenizer is unusable after. */
  free() {
    if (this.#handle < 0) return;
    const handle = this.#handle;
    this.#handle = -1;
    this.#module.call((wasm) => wasm.tk_unload(handle));
  }

  #checked() {
    if (this.#handle < 0) throw new Error('trickle: this tokenizer was freed');
    return this.#handle;
  }

  #ok(value) {
    if (value < 0) throw new Error(`trickle: ${this.#module.error()}`);
    return value;
  }
}
