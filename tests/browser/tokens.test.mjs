// Tokens in Chromium, from the built site: the page's first load fetches none of the
// tokenizer's files; the first tokenize() fetches trickle-tokenizer.wasm and o200k_base.bpe
// from beside the library (and only those), and the ids, a stream cut into tokens and a
// replayed stream come out as in Node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBrowser } from './support.mjs';

const shared = useBrowser();

const isTokenFile = (url) => /\/js\/tokens\/(trickle-tokenizer\.wasm|o200k_base\.bpe|cl100k_base\.bpe)$/.test(url);

test('the page loads no tokenizer file; the first tokenize() loads the tokenizer and one vocabulary, from beside the library', async (t) => {
  const { page, watch } = await shared.open(t);
  assert.deepEqual(watch.requests.filter(isTokenFile), []);
  const result = await page.evaluate(async (library) => {
    const { default: createTrickle } = await import(library);
    const trickle = await createTrickle();
    const ids = await trickle.tokenize('hello world');
    const chunks = [];
    for await (const chunk of trickle.stream('Melting 🫠 faces', { split: 'tokens', delayMs: 0 })) chunks.push(chunk);
    const replayed = [];
    const started = performance.now();
    for await (const chunk of trickle.stream(['re', 'played'], { offsetsMs: [0, 120] })) replayed.push([chunk, performance.now() - started]);
    return { ids, chunks, replayed };
  }, `${shared.site.url}js/trickle.mjs`);
  assert.deepEqual(result.ids, [24912, 2375]);
  assert.deepEqual(result.chunks, ['Mel', 'ting', ' 🫠', ' faces']);
  assert.deepEqual(result.replayed.map(([chunk]) => chunk), ['re', 'played']);
  assert.ok(result.replayed[1][1] >= 119, `the second piece came ${result.replayed[1][1]} ms after the first next()`);
  const loaded = watch.requests.filter(isTokenFile).map((url) => url.slice(url.lastIndexOf('/') + 1)).sort();
  assert.deepEqual(loaded, ['o200k_base.bpe', 'trickle-tokenizer.wasm']);
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(watch.foreign, []);
});
