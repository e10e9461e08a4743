// The plain JS a sceptic would write instead of trickle, shared by Node and the Chromium
// bench page. Each is the fastest fair JS for its row (see scripts/benchmarks/README.md).
//
// Contract: over a text of words separated by single spaces, every word iterator here yields
// exactly the words trickle's 'whitespace' split yields, in order; charsOf yields what 'char'
// yields (code points); graphemesOf what 'grapheme' yields, on texts whose lines end in '\n'.

/** The lesson's generator with its sleep removed: split the whole text, then yield. */
export async function* lessonWords(text) {
  for (const word of text.split(' ')) yield word;
}

/** A lazy async generator: finds each space with indexOf, slices one word per step. */
export async function* lazyWords(text) {
  let start = 0;
  for (;;) {
    const end = text.indexOf(' ', start);
    if (end === -1) {
      yield text.slice(start);
      return;
    }
    yield text.slice(start, end);
    start = end + 1;
  }
}

/**
 * An async iterator written by hand, no generator machinery: next() scans to the next space
 * and returns an already-resolved promise. About the fastest a `for await` loop can be fed
 * in JS, so it is the practical limit trickle is compared with.
 */
export class HandWords {
  constructor(text) {
    this.text = text;
    this.at = 0;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    const text = this.text;
    const at = this.at;
    if (at > text.length) return Promise.resolve({ value: undefined, done: true });
    let end = text.indexOf(' ', at);
    if (end === -1) end = text.length;
    this.at = end + 1;
    return Promise.resolve({ value: text.slice(at, end), done: false });
  }

  return(value) {
    this.at = this.text.length + 1;
    return Promise.resolve({ value, done: true });
  }
}

/** One code point per chunk: the string's own iterator (for...of) in an async generator. */
export async function* charsOf(text) {
  for (const char of text) yield char;
}

let segmenter = null;

/**
 * One grapheme cluster per chunk from Intl.Segmenter, run line by line: a break after '\n'
 * is always a grapheme boundary (UAX #29 GB4), and Node 20's segmenter gets much slower on
 * long strings, so this is the fast way to use it on a long text.
 */
export async function* graphemesOf(text) {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    for (const { segment } of segmenter.segment(text.slice(start, end))) yield segment;
    start = end;
  }
}

/** Reads an async iterable to its end: [chunks, UTF-16 units], so that every value is used. */
export async function drain(iterable) {
  let chunks = 0;
  let units = 0;
  for await (const chunk of iterable) {
    chunks++;
    units += chunk.length;
  }
  return [chunks, units];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The lesson's pattern as written: sleep, then yield (each sleep starts after the last chunk). */
export async function* lessonTimed(words, delayMs) {
  for (const word of words) {
    await sleep(delayMs);
    yield word;
  }
}

/**
 * `count` streams of `words`, all fed by one JS timer set to absolute deadlines
 * (start + (i + 1) * delayMs, start being this call): no drift, one timer whatever the count,
 * and never early: a timer that fires before its deadline by performance.now() (Node counts
 * whole milliseconds of a cached clock) is set again for the rest. A reference for what a
 * for-await loop costs when nothing else does any work.
 */
export function sharedTimerStreams(count, words, delayMs) {
  const started = performance.now();
  const due = (tick) => started + tick * delayMs;
  let waiting = [];
  let tick = 0;
  const arm = () => setTimeout(onTick, Math.max(0, Math.ceil(due(tick + 1) - performance.now())));
  function onTick() {
    if (performance.now() < due(tick + 1)) {
      arm();
      return;
    }
    tick++;
    const ready = waiting;
    waiting = [];
    for (const stream of ready) stream.deliver();
    if (tick < words.length) arm();
  }
  arm();
  const streams = new Array(count);
  // A stream that asks after its word fell due (its reader was late) gets it at once, so
  // that a late reader is never left waiting for a tick that will not come.
  const wait = (stream) => {
    if (stream.index < tick) stream.deliver();
    else waiting.push(stream);
  };
  for (let i = 0; i < count; i++) streams[i] = new SharedTimerStream(words, wait);
  return streams;
}

class SharedTimerStream {
  constructor(words, wait) {
    this.words = words;
    this.index = 0;
    this.resolve = null;
    this.wait = wait;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    if (this.index === this.words.length) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.wait(this);
    });
  }

  deliver() {
    this.resolve({ value: this.words[this.index++], done: false });
  }
}
