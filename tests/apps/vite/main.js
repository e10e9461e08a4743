// trickle in an application built by Vite, imported as users do: by the package's name.
// Vite sees the .wasm through the loader's `new URL(..., import.meta.url)` and ships it.
import createTrickle from 'trickle';
import { gather } from 'trickle/toolbox';

const LESSON = '你好 我 是 一个 模拟 的 LLM';
const output = document.getElementById('output');
const page = document.documentElement.dataset;

try {
  const trickle = await createTrickle();
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
