// The measurements that run the same in Node and in the Chromium bench page: zero-delay
// throughput and timing fidelity. Each takes a trickle instance (createTrickle() of
// dist/js/trickle.mjs, as users get it) and alternates trickle with its baselines in one
// process or page.
//
// Contract: a contestant that yields other chunks than the first contestant (count or total
// length) fails the whole measurement with an error naming it; nothing is reported for a
// contestant that did not do the same work.
import { charsOf, drain, graphemesOf, HandWords, lazyWords, lessonTimed, lessonWords, sharedTimerStreams } from './baselines.mjs';
import { alternate, percentile } from './stats.mjs';
import { paragraphsOf, textOf } from './texts.mjs';

/** The contestants of a throughput row, by split mode; the first is the reference for the chunks. */
export const THROUGHPUT_CONTESTANTS = {
  words: ['lesson', 'lazy', 'hand', 'trickle'],
  char: ['for-of', 'trickle'],
  grapheme: ['segmenter', 'trickle'],
};

function makers(trickle, mode, text) {
  if (mode === 'words') {
    return {
      lesson: () => lessonWords(text),
      lazy: () => lazyWords(text),
      hand: () => new HandWords(text),
      trickle: () => trickle.stream(text, { delayMs: 0 }),
    };
  }
  if (mode === 'char') {
    return { 'for-of': () => charsOf(text), trickle: () => trickle.stream(text, { delayMs: 0, split: 'char' }) };
  }
  if (mode === 'grapheme') {
    return { segmenter: () => graphemesOf(text), trickle: () => trickle.stream(text, { delayMs: 0, split: 'grapheme' }) };
  }
  throw new RangeError(`measure: unknown split mode ${mode}`);
}

/**
 * Zero-delay `for await` throughput of one text: chunks per second for each contestant, per
 * kept round. `reps`: how many times one run reads the whole text (so that a short text
 * still runs long enough to time). `gc`: a function to call before every run, or undefined.
 */
export async function throughput(trickle, { mode, shape, words, reps, rounds, warmup = 1, gc, only, onRound }) {
  const text = mode === 'words' ? textOf(shape, words) : paragraphsOf(shape, words);
  const make = makers(trickle, mode, text);
  const names = only ?? THROUGHPUT_CONTESTANTS[mode];
  const expected = await drain(make[THROUGHPUT_CONTESTANTS[mode][0]]());
  const contestants = names.map((name) => ({
    name,
    run: async () => {
      const started = performance.now();
      let chunks = 0;
      for (let r = 0; r < reps; r++) {
        const [count, units] = await drain(make[name]());
        if (count !== expected[0] || units !== expected[1]) {
          throw new Error(`measure: ${name} gave ${count} chunks (${units} UTF-16 units) of ${shape} × ${words} split by ${mode}; `
            + `${THROUGHPUT_CONTESTANTS[mode][0]} gave ${expected[0]} (${expected[1]})`);
        }
        chunks += count;
      }
      return chunks / ((performance.now() - started) / 1000);
    },
  }));
  const rates = await alternate(contestants, { rounds, warmup, between: gc, onRound });
  return { chunksPerText: expected[0], rates };
}

/**
 * The finest step performance.now() takes here, in ms: the smallest positive difference
 * between consecutive readings (Chromium coarsens it, to 0.1 ms on a page that is not
 * cross-origin isolated), so that a lateness can be read against what the clock can show.
 */
export function clockResolution(samples = 20_000) {
  let finest = Infinity;
  let last = performance.now();
  for (let i = 0; i < samples; i++) {
    const now = performance.now();
    if (now > last && now - last < finest) finest = now - last;
    last = now;
  }
  return finest;
}

/** The timing contestants: the lesson's sleep-then-yield, one shared JS timer, trickle. */
export const TIMING_CONTESTANTS = ['lesson', 'shared-timer', 'trickle'];

/**
 * `chunks` chunks at `delayMs`, read as they come: lateness of chunk i is its arrival minus
 * (start + (i + 1) * delayMs), start being just before the stream is made.
 * Resolves with { drift (the last chunk's lateness), p99, early (chunks with lateness < 0) }.
 */
export async function timingRun(trickle, name, { chunks, delayMs }) {
  const words = Array.from({ length: chunks }, (_, i) => `w${i}`);
  const started = performance.now();
  let stream;
  if (name === 'lesson') stream = lessonTimed(words, delayMs);
  else if (name === 'shared-timer') [stream] = sharedTimerStreams(1, words, delayMs);
  else if (name === 'trickle') stream = trickle.stream(words.join(' '), { delayMs });
  else throw new RangeError(`measure: unknown timing contestant ${name}`);
  const lateness = [];
  for await (const chunk of stream) {
    const now = performance.now();
    if (chunk !== words[lateness.length]) throw new Error(`measure: ${name} gave ${JSON.stringify(chunk)} as chunk ${lateness.length}`);
    lateness.push(now - started - (lateness.length + 1) * delayMs);
  }
  if (lateness.length !== chunks) throw new Error(`measure: ${name} gave ${lateness.length} chunks, not ${chunks}`);
  return { drift: lateness.at(-1), p99: percentile(lateness, 99), early: lateness.filter((ms) => ms < 0).length };
}

/** timingRun for every contestant, alternating: { name: [result per kept round] }. */
export function timing(trickle, { chunks, delayMs, rounds, warmup = 1, onRound }) {
  const contestants = TIMING_CONTESTANTS.map((name) => ({ name, run: () => timingRun(trickle, name, { chunks, delayMs }) }));
  return alternate(contestants, { rounds, warmup, onRound });
}
