// Reading the files trickle loads (its .wasm modules, the tokenizer's vocabularies): from a
// URL (file: URLs read with fs in Node, anything else fetched) or from the bytes given.

const NODE_FS = 'node:fs/promises';
const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

/** `source` (a URL or string) resolved against the page, or this module outside a page. */
export function urlOf(source) {
  return new URL(source, globalThis.location?.href ?? import.meta.url);
}

// The response to a fetch of `url`, refused unless it is a success.
async function fetchOk(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}

/**
 * The bytes at a URL (string or URL), or the bytes given (ArrayBuffer or any view), as a
 * Uint8Array.
 */
export async function readBytes(source) {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  const url = urlOf(source);
  if (isNode && url.protocol === 'file:') {
    // Node's fetch() refuses file: URLs. The module name is not a literal, so that bundlers
    // building for the browser leave it alone.
    const { readFile } = await import(/* @vite-ignore */ NODE_FS);
    return new Uint8Array(await readFile(url));
  }
  return new Uint8Array(await (await fetchOk(url)).arrayBuffer());
}

/**
 * A .wasm at a URL, or given as bytes, compiled (a WebAssembly.Module). A fetched file served
 * as application/wasm compiles while it downloads; one served as anything else (a server
 * that does not know .wasm) is read whole first.
 */
export async function compileWasm(source) {
  if ((typeof source === 'string' || source instanceof URL) && typeof WebAssembly.compileStreaming === 'function') {
    const url = urlOf(source);
    if (!(isNode && url.protocol === 'file:')) {
      const response = await fetchOk(url);
      if (/^application\/wasm\b/i.test(response.headers.get('content-type') ?? '')) return WebAssembly.compileStreaming(response);
      return WebAssembly.compile(await response.arrayBuffer());
    }
  }
  return WebAssembly.compile(await readBytes(source));
}
