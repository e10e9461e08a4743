// The texts the benchmarks stream: the same bytes on every run and in every runtime (Node and
// the Chromium bench page import this file), drawn from a PRNG with a fixed seed.
//
// Contract: textOf(shape, words) returns `words` words joined by single ASCII spaces (no
// other white space, never an empty word), so that every word splitter measured (the
// lesson's split(' '), indexOf scanning, trickle's 'whitespace' and 'space') gives the same
// chunks. paragraphsOf(shape, words) is the same words with a '\n' in place of every 60th
// space: a line break is always a grapheme boundary, which lets the Intl.Segmenter baseline
// segment line by line (Node 20's segmenter slows down on long strings).

/** The text shapes, in the order the tables list them. */
export const SHAPES = ['ascii-short', 'english', 'long-words', 'cjk', 'mixed'];

export const SHAPE_LABELS = {
  'ascii-short': 'short ASCII words',
  english: 'English prose',
  'long-words': 'long words',
  cjk: 'CJK-heavy',
  mixed: 'mixed scripts and emoji',
};

// mulberry32: small, fast, and the same in every engine.
function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.below = (n) => Math.floor(next() * n);
  next.pick = (list) => list[Math.floor(next() * list.length)];
  return next;
}

// Common English words, for prose whose word lengths follow real text (about 4.7 letters).
const ENGLISH = ('the of and to in a is that for it as was with be by on not he this are or his from at which but '
  + 'have an they you were her she there been one all we their has would when if so no will can more about said '
  + 'what up its into than them only some could time these two may first then do any like my now over such our '
  + 'man me even most made after also did many before must through back years where much your way well down '
  + 'should because each just those people how too little state good very make world still own see men work '
  + 'long get here between both life being under never day same another know while last might us great old '
  + 'year off come since against go came right used take three place without again found himself every '
  + 'number part small house think general high system government important different following stream '
  + 'answer model token browser language question example between generator iterator character paragraph').split(' ');

const LATIN = 'abcdefghijklmnopqrstuvwxyz';
// Frequent Chinese characters and some kana; a few from outside the BMP (surrogate pairs in JS).
const CJK = ('的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里'
  + '用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者'
  + '意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什'
  + 'ひらがなカタカナテスト').split('');
const CJK_ASTRAL = ['𠀀', '𠮷', '𡈽', '𤭢', '𩸽'];
const ACCENTED = ['café', 'naïve', 'Größe', 'über', 'façade', 'señora', 'Tiếng', 'Việt', 'Ωmega', 'Москва', 'शब्द', 'مرحبا'];
const EMOJI = ['😀', '🎉', '🚀', '👍🏽', '🧑‍💻', '👩‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇷', '❤️', '1️⃣', '🤷‍♀️'];
const PUNCTUATION = [',', ',', '.', '.', ';', ':', '?', '!'];

const MAKERS = {
  'ascii-short': (next) => {
    let word = '';
    for (let i = 2 + next.below(4); i > 0; i--) word += LATIN[next.below(26)];
    return word;
  },
  english: (next, index) => {
    let word = next.pick(ENGLISH);
    // A sentence every 12 or so words: a capital after the full stop, commas between.
    if (index % 12 === 0) word = word[0].toUpperCase() + word.slice(1);
    if (next() < 0.1) word += next.pick(PUNCTUATION);
    return word;
  },
  'long-words': (next) => {
    let word = '';
    for (let i = 14 + next.below(24); i > 0; i--) word += LATIN[next.below(26)];
    return next() < 0.2 ? `https://example.org/${word}` : word;
  },
  cjk: (next) => {
    let word = '';
    for (let i = 1 + next.below(4); i > 0; i--) word += next() < 0.03 ? next.pick(CJK_ASTRAL) : next.pick(CJK);
    return next() < 0.05 ? `${word}。` : word;
  },
  mixed: (next, index) => {
    const r = next();
    if (r < 0.45) return MAKERS.english(next, index);
    if (r < 0.7) return MAKERS.cjk(next);
    if (r < 0.82) return next.pick(ACCENTED);
    if (r < 0.92) return next.pick(EMOJI) + (next() < 0.3 ? next.pick(EMOJI) : '');
    return String(next.below(100000));
  },
};

const SEEDS = { 'ascii-short': 11, english: 22, 'long-words': 33, cjk: 44, mixed: 55 };
const cache = new Map();

function wordsOf(shape, count) {
  const make = MAKERS[shape];
  if (make === undefined) throw new RangeError(`texts: unknown shape ${shape} (known: ${SHAPES.join(', ')})`);
  const next = random(SEEDS[shape]);
  const words = new Array(count);
  for (let i = 0; i < count; i++) words[i] = make(next, i);
  return words;
}

/** `words` words of `shape`, separated by single spaces. */
export function textOf(shape, words) {
  const key = `${shape}/${words}`;
  if (!cache.has(key)) cache.set(key, wordsOf(shape, words).join(' '));
  return cache.get(key);
}

/** The same words as textOf, with a line break instead of every 60th space. */
export function paragraphsOf(shape, words) {
  const key = `${shape}/${words}/lines`;
  if (!cache.has(key)) {
    const list = wordsOf(shape, words);
    let text = '';
    for (let i = 0; i < list.length; i++) text += (i === 0 ? '' : i % 60 === 0 ? '\n' : ' ') + list[i];
    cache.set(key, text);
  }
  return cache.get(key);
}

/** Frees the cached texts (a 1M-word text is several MB per shape). */
export function forgetTexts() {
  cache.clear();
}
