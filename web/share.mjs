// A link that holds a playground: the text, every setting that differs from its default,
// and the language, in the URL's fragment (#…), which never leaves the browser and which
// the file:// page keeps (boot.js passes it on to trickle.html). A long text is deflated
// (CompressionStream, in every browser the page supports) so the link stays usable.
//
//   #lang=en&split=char&delay=120&text=Hello%20there
//   #lang=zh&pace=gpt-4o&z=<deflate-raw, base64url>

// Past this many characters of percent-encoded text the link carries it deflated.
const PLAIN_TEXT_LIMIT = 1500;
// The most text a link restores, in UTF-16 units: a link is not a file transfer.
const MAX_LINK_TEXT = 1_000_000;

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function pipeBytes(bytes, transform) {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The fragment for `settings` (name -> string value, only what differs from the defaults),
 * `text` and `lang`: '#' followed by URL parameters.
 */
export async function encodeShare({ lang, text, settings }) {
  const params = new URLSearchParams();
  params.set('lang', lang);
  for (const [name, value] of Object.entries(settings)) params.set(name, value);
  if (encodeURIComponent(text).length <= PLAIN_TEXT_LIMIT || typeof CompressionStream !== 'function') {
    params.set('text', text);
  } else {
    const packed = await pipeBytes(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
    params.set('z', toBase64Url(packed));
  }
  return `#${params.toString()}`;
}

/**
 * What a fragment holds: { lang, text, settings } (each possibly undefined), or null when it
 * is no share link (a plain #section link). A damaged link resolves to { error }.
 */
export async function decodeShare(hash) {
  if (!hash || hash.length < 2 || !hash.includes('=')) return null;
  const params = new URLSearchParams(hash.slice(1));
  const result = { lang: undefined, text: undefined, settings: {} };
  for (const [name, value] of params) {
    if (name === 'lang') result.lang = value;
    else if (name === 'text') result.text = value;
    else if (name !== 'z') result.settings[name] = value;
  }
  if (params.has('z')) {
    try {
      if (typeof DecompressionStream !== 'function') throw new Error('DecompressionStream is missing');
      const bytes = await pipeBytes(fromBase64Url(params.get('z')), new DecompressionStream('deflate-raw'));
      result.text = new TextDecoder().decode(bytes);
    } catch (error) {
      return { error: error.message };
    }
  }
  if (result.text !== undefined && result.text.length > MAX_LINK_TEXT) result.text = result.text.slice(0, MAX_LINK_TEXT);
  return result;
}
