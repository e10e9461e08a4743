// trickle in an application bundled by esbuild (format esm, platform browser). esbuild does
// not ship assets named by `new URL(..., import.meta.url)`, so the app imports the .wasm
// through the package's "trickle/trickle-wasm.wasm" export with esbuild's file loader
// (--loader:.wasm=file), which copies it into the output folder and gives its path, and
// hands that to createTrickle. The path is relative to the bundle, hence the new URL.
import createTrickle from 'trickle';
import { gather } from 'trickle/toolbox';
import wasmFile from 'trickle/trickle-wasm.wasm';

const LESSON = '你好 我 是 一个 模拟 的 LLM';
const output = document.getElementById('output');
const page = document.documentElement.dataset;

try {
  const trickle = await createTrickle({ wasm: new URL(wasmFile, import.meta.url) });
  // When each chunk reached the page: the test checks that none came before its time.
  const started = performance.now();
  const arrivals = [];
  async function* shown(stream) {
    for await (const chunk of stream) {
      arrivals.push(performance.now());
      output.textContent += chunk;
      yield chunk;
    }
  }
  const [words, characters] = await gather([
    shown(trickle.stream(LESSON, { delayMs: 20, suffix: ' ' })),
    trickle.stream('你好', { split: 'char', delayMs: 0 }),
  ]);
  page.words = JSON.stringify(words);
  page.characters = JSON.stringify(characters);
  page.arrivals = JSON.stringify(arrivals.map((time) => time - started));
  page.state = 'done';
} catch (error) {
  page.error = String(error?.stack ?? error);
  page.state = 'failed';
}
