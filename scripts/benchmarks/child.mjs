// One measurement in a fresh Node process, for figures that a warm process would hide:
//
//   node --expose-gc scripts/benchmarks/child.mjs <task> '<json arguments>'
//
//   throughput { shape, words, reps, rounds }
//                                        zero-delay rates of trickle, the hand-written
//                                        iterator and the lesson's generator, alternating
//   start                                import of dist/js/trickle.mjs and createTrickle()
//   full                                 createTrickle(), then the first use of the full
//                                        module (a stream with a preset: its plan)
//   token-load { lib, name }             a tokenizer (trickle, tiktoken, gpt-tokenizer) for
//                                        the encoding `name`, from its import to a first encode
//
// Contract: prints one JSON object on stdout and exits 0, or exits 1 with the error on stderr.
import { throughput } from './shared/measure.mjs';

const [task, json = '{}'] = process.argv.slice(2);
const args = JSON.parse(json);
const DIST = '../../dist/js/trickle.mjs';

const SHORT = 'Hello, world: a first encode.';

async function tokenLoad({ lib, name }) {
  const started = performance.now();
  let ids;
  if (lib === 'trickle') {
    const { instantiateTokenizer, readBytes } = await import('../../src/js/tokens/tokenizer.mjs');
    const module = await instantiateTokenizer(await readBytes(new URL('../../build/wasm/trickle-tokenizer.wasm', import.meta.url)));
    ids = module.load(await readBytes(new URL(`../../build/wasm/tokens/${name}.bpe`, import.meta.url)), name).encode(SHORT);
  } else if (lib === 'tiktoken') {
    const { get_encoding } = await import('tiktoken');
    ids = get_encoding(name).encode(SHORT);
  } else if (lib === 'gpt-tokenizer') {
    const { encode } = await import(`gpt-tokenizer/encoding/${name}`);
    ids = encode(SHORT);
  } else {
    throw new Error(`child: unknown tokenizer ${lib}`);
  }
  if (ids.length === 0) throw new Error(`child: ${lib} gave no tokens`);
  return performance.now() - started;
}

async function main() {
  if (task === 'throughput') {
    const { default: createTrickle } = await import(DIST);
    const trickle = await createTrickle();
    const words = args.words;
    return throughput(trickle, {
      mode: 'words', shape: args.shape, words, reps: args.reps, rounds: args.rounds,
      only: ['trickle', 'hand', 'lesson'],
    });
  }
  if (task === 'start') {
    const started = performance.now();
    const { default: createTrickle } = await import(DIST);
    const imported = performance.now();
    await createTrickle();
    return { importMs: imported - started, createMs: performance.now() - imported };
  }
  if (task === 'full') {
    const { default: createTrickle } = await import(DIST);
    const trickle = await createTrickle();
    const started = performance.now();
    await trickle.stream('a b', { preset: 'gpt-4o', seed: 1 }).plan();
    return { fullMs: performance.now() - started };
  }
  if (task === 'token-load') return { readyMs: await tokenLoad(args) };
  throw new Error(`child: unknown task ${task}`);
}

try {
  process.stdout.write(JSON.stringify(await main()));
} catch (error) {
  console.error(error);
  process.exit(1);
}
