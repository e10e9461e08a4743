// The characters of the built-in answers that an editor would hide or mangle, spelled as
// code points so that the source shows exactly what the answers hold: emoji sequences
// (ZWJ, skin tones, flags, tags, variation selectors, keycaps), bidi isolates, and the
// invisible or combining characters that chat UIs must keep. Shared by both languages.

const ZWJ = '\u200D';
const VS15 = '\uFE0E'; // text presentation
const VS16 = '\uFE0F'; // emoji presentation
const TONES = ['\u{1F3FB}', '\u{1F3FC}', '\u{1F3FD}', '\u{1F3FE}', '\u{1F3FF}']; // light to dark

/** A country flag: two regional indicator symbols, from the ISO 3166 code ('CN'). */
function flag(code) {
  return String.fromCodePoint(...[...code].map((letter) => 0x1F1E6 + letter.charCodeAt(0) - 65));
}

/** A subdivision flag: black flag, the tag letters of its code ('gbsct'), cancel tag. */
function tagFlag(code) {
  return `\u{1F3F4}${String.fromCodePoint(...[...code].map((letter) => 0xE0000 + letter.charCodeAt(0)))}\u{E007F}`;
}

const withTones = (base) => TONES.map((tone) => base + tone).join(' ');

export const EMOJI = Object.freeze({
  wave: '\u{1F44B}',
  family: ['\u{1F468}', '\u{1F469}', '\u{1F467}', '\u{1F466}'].join(ZWJ),
  womanTechMedium: `\u{1F469}${TONES[2]}${ZWJ}\u{1F4BB}`,
  holdingHandsMixed: `\u{1F9D1}${TONES[4]}${ZWJ}\u{1F91D}${ZWJ}\u{1F9D1}${TONES[0]}`,
  coupleHeart: `\u{1F469}${ZWJ}\u2764${VS16}${ZWJ}\u{1F468}`,
  healthWorker: `\u{1F9D1}${ZWJ}\u2695${VS16}`,
  waveTones: withTones('\u{1F44B}'),
  thumbsTones: withTones('\u{1F44D}'),
  flags: ['CN', 'US', 'JP', 'DE', 'BR', 'IN', 'EG', 'IL'].map(flag).join(' '),
  scotland: tagFlag('gbsct'),
  wales: tagFlag('gbwls'),
  rainbowFlag: `\u{1F3F3}${VS16}${ZWJ}\u{1F308}`,
  pirateFlag: `\u{1F3F4}${ZWJ}\u2620${VS16}`,
  transFlag: `\u{1F3F3}${VS16}${ZWJ}\u26A7${VS16}`,
  loneIndicator: '\u{1F1FA}',
  heartText: `\u2764${VS15}`,
  heartEmoji: `\u2764${VS16}`,
  checkText: `\u2714${VS15}`,
  checkEmoji: `\u2714${VS16}`,
  keycaps: ['1', '2', '#', '*'].map((key) => `${key}${VS16}\u20E3`).join(' '),
  // Emoji 15 and 15.1: shaking face, pink heart, phoenix (bird + fire), head shaking sideways.
  newer: ['\u{1FAE8}', '\u{1FA77}', `\u{1F426}${ZWJ}\u{1F525}`, `\u{1F642}${ZWJ}\u2194${VS16}`].join(' '),
  rocket: '\u{1F680}',
  sleeping: '\u{1F634}',
  clapTone: `\u{1F44F}${TONES[1]}`,
  eyes: '\u{1F440}',
  check: '\u2705',
  thumbsUp: '\u{1F44D}',
  party: '\u{1F389}',
  sparkles: '\u2728',
  tea: '\u{1F375}',
  dumpling: '\u{1F95F}',
  lantern: '\u{1F3EE}',
});

export const RTL_MARKS = Object.freeze({
  /** Text wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, as apps wrap user names. */
  isolate: (text) => `\u2068${text}\u2069`,
});

export const INVISIBLES = Object.freeze({
  zwsp: '\u200B',
  zwj: ZWJ,
  zwnj: '\u200C',
  shy: '\u00AD',
  nbsp: '\u00A0',
  // Several combining marks on each letter: must stay on their letter, not spill over lines.
  zalgo: 'Z\u0337\u0322a\u0338\u0353l\u0334\u0359g\u0335\u0316o\u0336\u0321',
  decomposed: 'cafe\u0301',
  precomposed: 'caf\u00E9',
  lineSeparator: '\u2028',
  paragraphSeparator: '\u2029',
  bom: '\uFEFF',
});
