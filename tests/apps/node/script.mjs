// trickle in Node, imported by the package's name, run as `node script.mjs` with no flags:
// the loader reads the .wasm from beside its module itself (Node's fetch refuses file: URLs).
import createTrickle from 'trickle';
import { gather, withTimeout } from 'trickle/toolbox';

const LESSON = '你好 我 是 一个 模拟 的 LLM';
const trickle = await createTrickle();

const started = performance.now();
for await (const chunk of trickle.stream(LESSON, { delayMs: 20, suffix: ' ' })) process.stdout.write(chunk);
process.stdout.write('\n');
const elapsed = performance.now() - started;

const [words, characters] = await withTimeout(gather([
  trickle.stream(LESSON, { delayMs: 0 }),
  trickle.stream('你好', { split: 'char', delayMs: 0 }),
]), 5_000);
console.log(JSON.stringify({ words, characters, elapsed }));
