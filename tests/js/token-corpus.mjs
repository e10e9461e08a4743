// A corpus of a little over 1 MB for the tokenizer tests, made the same way on every run from
// a PRNG seed: prose in several scripts, code, numbers, runs of white space, emoji sequences,
// contractions and special-token look-alikes, and random Unicode (lone surrogates included,
// as JS strings can hold them). Each entry is one text: the patterns' `$` and look-aheads
// see each text's end, so many texts of many sizes test those too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// mulberry32, as elsewhere in the tests.
export function random(seed) {
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

// Sentences written for these tests, one language a line-group. Words are reshuffled below,
// so only their shapes matter: scripts, accents, punctuation, case, apostrophes.
const PROSE = {
  english: `The quick test of a tokenizer is never the whole story. Words like "don't", "I'm", "we'll", "they've", "she'd" and "it's" are split by rules that treat apostrophes specially; so are CAPITALS, MixedCase identifiers, and acronyms such as NASA, HTTP/2 and UTF-8. A sentence may end with a question? Or an exclamation! Or an ellipsis... Numbers like 3.14159, 1,000,000 and 2024-06-11 appear in prose as often as in tables. Parentheses (like these), brackets [like these] and braces {like these} wrap words; quotes 'single' and "double" too. Hyphenated words, e-mail addresses like someone@example.com and URLs like https://example.org/path?query=1#frag are common in answers.`,
  french: `L'été dernier, nous sommes allés à la mer où l'eau était très froide. Ça n'a pas empêché les enfants de nager jusqu'au soir ! Qu'est-ce que vous en pensez ? « Bien sûr », répondit-il, « c'était magnifique ».`,
  german: `Die Größe des Übergangs hängt von der Straßenführung ab. Müßiggang ist aller Laster Anfang, sagt man; aber Äpfel und Birnen lassen sich schlecht vergleichen.`,
  spanish: `¿Dónde está la biblioteca? ¡Qué día tan bonito! El niño comió piñones y la señora bebió café con leche en la mañana.`,
  vietnamese: `Tiếng Việt có nhiều dấu thanh: sắc, huyền, hỏi, ngã, nặng. Người ta nói rằng học một ngôn ngữ mới mở ra một thế giới mới.`,
  russian: `Съешь же ещё этих мягких французских булок, да выпей чаю. Москва — столица России; в ней живёт более двенадцати миллионов человек.`,
  greek: `Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο. Καλημέρα σας, τι κάνετε σήμερα;`,
  chinese: `我们今天学习如何把文字切分成词元。这个模型的回答是一段一段地出现的，就像有人在打字一样。人工智能正在改变世界，但是它也带来了新的问题。请问你想了解什么？北京的天气今天很好，适合出去散步。`,
  japanese: `今日はとても良い天気ですね。私は東京に住んでいます。カタカナとひらがなと漢字が混ざった文章は、トークナイザーにとって面白いテストになります。ありがとうございました！`,
  korean: `안녕하세요, 만나서 반갑습니다. 오늘은 날씨가 정말 좋네요! 한국어 문장은 띄어쓰기가 있어서 단어 경계가 비교적 분명합니다. 서울에서 부산까지 기차로 두 시간 반 걸립니다.`,
  arabic: `مرحبا بكم في هذا الاختبار. اللغة العربية تكتب من اليمين إلى اليسار، وفيها حركات مثل الفَتحة والضَمّة والكَسرة. كم عمرك؟ عمري ٣٢ سنة.`,
  hebrew: `שלום עולם! זהו משפט בעברית, עם ניקוד לפעמים: שָׁלוֹם.`,
  hindi: `नमस्ते, आप कैसे हैं? हिंदी देवनागरी लिपि में लिखी जाती है, जिसमें मात्राएँ और संयुक्ताक्षर होते हैं।`,
  thai: `สวัสดีครับ วันนี้อากาศดีมาก ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ`,
  tamil: `நடிகர் சூர்யா ஒரு திரைப்படத்தில் நடித்தார். தமிழ் ஒரு பழமையான மொழி.`,
};

// Written for these tests too: code in several languages (the repo's own sources are added
// as they are).
const CODE = [
  `def fibonacci(n: int) -> list[int]:\n    """Return the first n numbers."""\n    a, b = 0, 1\n    out = []\n    for _ in range(n):\n        out.append(a)\n        a, b = b, a + b\n    return out\n\nif __name__ == "__main__":\n    print(fibonacci(10))  # [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]\n`,
  `fn main() {\n    let words: Vec<&str> = "a b c".split_whitespace().collect();\n    for (i, w) in words.iter().enumerate() {\n        println!("{i}: {w}");\n    }\n    let x: u64 = 0xFFFF_FFFF;\n    assert_eq!(x >> 16, 65535);\n}\n`,
  `package main\n\nimport (\n\t"fmt"\n\t"strings"\n)\n\nfunc main() {\n\tparts := strings.Split("x,y,z", ",")\n\tfor _, p := range parts {\n\t\tfmt.Printf("%q\\n", p)\n\t}\n}\n`,
  `SELECT u.id, u.name, COUNT(o.id) AS orders\nFROM users u\nLEFT JOIN orders o ON o.user_id = u.id\nWHERE u.created_at >= '2024-01-01'\nGROUP BY u.id, u.name\nHAVING COUNT(o.id) > 3\nORDER BY orders DESC;\n`,
  `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Test &amp; more</title></head>\n<body>\n  <div class="box" data-x='1'>Hello&nbsp;world</div>\n  <script>document.querySelector('.box').textContent += '!';</script>\n</body>\n</html>\n`,
  `{\n  "name": "example",\n  "version": "1.2.3",\n  "items": [1, 2.5, -3e10, true, null],\n  "nested": { "key": "value with \\"quotes\\" and \\\\ backslash" }\n}\n`,
  `#!/usr/bin/env bash\nset -euo pipefail\nfor f in *.txt; do\n  [[ -s "$f" ]] && wc -l "$f" | awk '{print $1}'\ndone 2>/dev/null || echo "none" >&2\n`,
  `public class Main {\n    public static void main(String[] args) {\n        var map = new java.util.HashMap<String, Integer>();\n        map.put("answer", 42);\n        System.out.println(map.getOrDefault("answer", -1));\n    }\n}\n`,
];

const EMOJI = [
  '😀', '🙂', '🎉', '🚀', '👍🏽', '👋🏿', '🧑‍💻', '👩‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇷', '🇯🇵', '🇺🇸', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '❤️', '1️⃣', '#️⃣',
  '🤷‍♀️', '🙋🏻‍♂️', '🫶🏾', '☕', '✔︎', '©', '™', '🈶', '🀄', '🂡',
];

const SPECIAL_LOOKALIKES = ['<|endoftext|>', '<|endofprompt|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>',
  '<|im_start|>', '<|im_end|>', '<|endoftext|', '<|', '|>'];

const WHITE = [' ', ' ', ' ', '\t', '\n', '\n', '\r\n', '\r', '\u00a0', '\u3000', '\u2003', '\u2028', '\u2029',
  '\u000b', '\u000c', '\ufeff', '\u0085', '\u200b', '\u180e'];

function words(text) {
  return text.split(/\s+/).filter(Boolean);
}

function proseParagraph(next) {
  const language = next.pick(Object.keys(PROSE));
  const text = PROSE[language];
  if (['chinese', 'japanese', 'thai'].includes(language)) {
    // No spaces between words: recombine clauses.
    const clauses = text.split(/(?<=[。，！？、])/u);
    let out = '';
    const count = 3 + next.below(12);
    for (let i = 0; i < count; i++) out += next.pick(clauses);
    return out;
  }
  const list = words(text);
  const count = 8 + next.below(60);
  const out = [];
  for (let i = 0; i < count; i++) {
    let word = next.pick(list);
    const r = next();
    if (r < 0.05) word = word.toUpperCase();
    else if (r < 0.1) word = word[0].toUpperCase() + word.slice(1);
    else if (r < 0.12) word = word + "'" + next.pick(['s', 'S', 't', 're', 'RE', 've', 'm', 'll', 'LL', 'd', 'D', 'x', '']);
    out.push(word);
  }
  return out.join(' ') + next.pick(['.', '!', '?', '', '\n', '\n\n', ' ', '  ']);
}

function numbers(next) {
  const out = [];
  const count = 5 + next.below(40);
  for (let i = 0; i < count; i++) {
    const kind = next.below(7);
    if (kind === 0) out.push(String(next.below(10 ** (1 + next.below(12)))));
    else if (kind === 1) out.push((next() * 10 ** next.below(8)).toFixed(next.below(6)));
    else if (kind === 2) out.push(`${2000 + next.below(30)}-${String(1 + next.below(12)).padStart(2, '0')}-${String(1 + next.below(28)).padStart(2, '0')}`);
    else if (kind === 3) out.push(`+${next.below(100)} ${next.below(1000)} ${next.below(10000)}`);
    else if (kind === 4) out.push(next.below(1e9).toLocaleString('en-US'));
    else if (kind === 5) out.push(['١٢٣٤٥', '०१२३', '½', '²³', 'Ⅻ', '①②', '𝟘𝟙', '፲'][next.below(8)]);
    else out.push(`${next.below(1000)}${next.pick(['%', 'px', 'ms', 'x', 'e-3', 'k', '$', '€'])}`);
  }
  return out.join(next.pick([' ', ', ', '\n', '\t', '']));
}

function whitespace(next) {
  let out = '';
  const count = 5 + next.below(40);
  for (let i = 0; i < count; i++) {
    const run = 1 + next.below(next() < 0.1 ? 40 : 5);
    for (let j = 0; j < run; j++) out += next.pick(WHITE);
    out += next.pick(['word', 'x', '1', '.', 'Ünïcödé', '字', '', '', "'s", '👍']);
  }
  return out;
}

function emoji(next) {
  let out = '';
  const count = 5 + next.below(30);
  for (let i = 0; i < count; i++) {
    out += next.pick(EMOJI);
    if (next() < 0.4) out += next.pick([' ', '', 'text', '\n', '!', '字']);
  }
  return out;
}

function specials(next) {
  let out = '';
  const count = 2 + next.below(10);
  for (let i = 0; i < count; i++) {
    out += next.pick(SPECIAL_LOOKALIKES);
    if (next() < 0.6) out += next.pick([' hello', 'world', '\n', ' ', "I'm", '123']);
  }
  return out;
}

// Any code point: mostly assigned ones, some unassigned, private use, noncharacters and
// lone surrogates (which a JS string may hold and the JS layer replaces before encoding).
export function randomUnicode(next, length) {
  let out = '';
  for (let i = 0; i < length; i++) {
    const r = next();
    let c;
    if (r < 0.3) c = 0x20 + next.below(0x60);
    else if (r < 0.7) c = next.below(0x10000);
    else if (r < 0.95) c = 0x10000 + next.below(0x20000);
    else c = next.below(0x110000);
    out += String.fromCodePoint(c);
  }
  return out;
}

// The repo's own sources, sorted by path so that the corpus is the same from run to run of
// one checkout.
function sources() {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(join(ROOT, dir)).sort()) {
      const path = join(dir, name);
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (/\.(cpp|hpp|mjs|mts|js|html|css|md)$/.test(name)) found.push(path);
    }
  };
  for (const dir of ['src', 'scripts', 'web']) walk(dir);
  return found.map((path) => readFileSync(join(ROOT, path), 'utf8'));
}

/** The corpus: [{ kind, text }], a little over `size` UTF-8 bytes in all. */
export function tokenCorpus(size = 1_100_000, seed = 20240611) {
  const next = random(seed);
  const texts = [];
  let bytes = 0;
  const add = (kind, text) => {
    texts.push({ kind, text });
    bytes += Buffer.byteLength(text);
  };
  // The fixed code samples, then the repo's sources up to about a quarter of the corpus.
  for (const sample of CODE) add('code', sample);
  for (const source of sources()) {
    if (bytes > size / 4) break;
    add('code', source);
  }
  const makers = [
    ['prose', proseParagraph, 40], ['numbers', numbers, 8], ['whitespace', whitespace, 8], ['emoji', emoji, 8],
    ['specials', specials, 4], ['unicode', (n) => randomUnicode(n, 1 + n.below(300)), 12],
  ];
  const total = makers.reduce((sum, [, , weight]) => sum + weight, 0);
  while (bytes < size) {
    let pick = next.below(total);
    const [kind, make] = makers.find(([, , weight]) => (pick -= weight) < 0);
    // Several pieces of a kind in one text, sometimes mixed with another kind.
    let text = '';
    const parts = 1 + next.below(8);
    for (let i = 0; i < parts; i++) {
      text += make(next);
      if (next() < 0.2) text += next.pick(makers)[1](next);
    }
    add(kind, text);
  }
  return texts;
}
