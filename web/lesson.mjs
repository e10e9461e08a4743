// "The lesson, live": one generator in Python, in JS and in C++, side by side. Each line
// that belongs to a step carries data-step ("wait" or "yield"); following a run means
// marking the lines of the current step. The C++ panel shows the coroutine that really runs
// for these settings, read from the source file that was compiled into the wasm module
// (scripts/build copies it into the site): the lesson's fixed-delay generator, or the one
// that follows a timing plan (in bursts, when the plan has them).
import { translate } from './i18n.mjs';
import { readSiteFile } from './site-file.mjs';

// Where the page finds the C++ generators: the source tree's file (the site build puts it at
// ./core/stream/, the single-file page carries it inside).
const CPP_FILE = '../src/core/stream/llm_stream.cpp';
const CPP_FUNCTIONS = { fixed: 'llm_stream_answer', plan: 'stream_on_plan', bursts: 'stream_on_plan_in_bursts' };

// How each split mode reads in each language (the split select in index.html). 'tokens'
// is the tokenizer's (tiktoken in Python, gpt-tokenizer in JS), for when the page offers it.
const SPLIT_CODE = {
  whitespace: { python: 'text.split()', js: 'text.split(/\\s+/).filter(Boolean)', joiner: ' ' },
  space: { python: 'text.split(" ")', js: 'text.split(" ")', joiner: ' ' },
  char: { python: 'text', js: 'text', joiner: '' },
  grapheme: { python: 'regex.findall(r"\\X", text)', js: '[...segmenter.segment(text)].map((s) => s.segment)', joiner: '' },
  tokens: { python: '[enc.decode([t]) for t in enc.encode(text)]', js: 'encode(text).map((t) => decode([t]))', joiner: '' },
};

const KEYWORDS = {
  python: ['import', 'def', 'for', 'in', 'yield', 'return', 'True', 'False', 'None', 'from', 'async', 'await', 'with'],
  js: ['const', 'let', 'async', 'function', 'for', 'of', 'await', 'yield', 'new', 'return', 'import', 'from'],
  cpp: ['for', 'const', 'co_await', 'co_yield', 'co_return', 'if', 'throw', 'auto', 'return', 'namespace', 'while'],
};

function tokenPattern(lang) {
  const comment = lang === 'python' ? '#.*$' : '\\/\\/.*$';
  const words = KEYWORDS[lang].join('|');
  return new RegExp(
    `(?<comment>${comment})|(?<string>"(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*')|(?<keyword>\\b(?:${words})\\b)|(?<number>\\b\\d+(?:\\.\\d+)?\\b)`,
    'gmu',
  );
}
const PATTERNS = { python: tokenPattern('python'), js: tokenPattern('js'), cpp: tokenPattern('cpp') };

/**
 * A few colours for comments, strings and keywords: enough to read, no library needed. A
 * string literal's contents sit in a <bdi>, so right-to-left text inside it keeps the code
 * around it in order.
 */
export function highlight(code, lang) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const match of code.matchAll(PATTERNS[lang])) {
    if (match.index > at) fragment.append(code.slice(at, match.index));
    const kind = Object.keys(match.groups).find((name) => match.groups[name] !== undefined);
    const token = document.createElement('span');
    token.className = `tok-${kind}`;
    const text = match[0];
    if (kind === 'string' && text.length >= 2) {
      const inner = document.createElement('bdi');
      inner.textContent = text.slice(1, -1);
      token.append(text[0], inner, text.at(-1));
    } else {
      token.textContent = text;
    }
    fragment.append(token);
    at = match.index + text.length;
  }
  if (at < code.length) fragment.append(code.slice(at));
  return fragment;
}

function literal(text) {
  const points = [...text];
  const shown = points.length > 16 ? `${points.slice(0, 16).join('')}…` : text;
  return JSON.stringify(shown);
}

function withComment(code, comment, column) {
  return `${code.padEnd(column - 2)}  ${comment}`;
}

function seconds(ms) {
  return String(Number((ms / 1000).toFixed(3)));
}

function pythonLines({ text, delayMs, split, timing }, t) {
  const forms = SPLIT_CODE[split] ?? SPLIT_CODE.whitespace;
  const note = (key) => `# ${t(`lesson.comment.${key}`)}`;
  const imports = split === 'grapheme' ? [{ code: 'import regex, time' }] : [{ code: 'import time' }];
  if (timing !== 'fixed') {
    return [
      ...imports,
      { code: '' },
      { code: 'def llm_stream_answer(text, plan):' },
      { code: '    t0 = time.monotonic()' },
      { code: `    for piece, due in zip(${forms.python}, plan):` },
      { code: '        time.sleep(max(0, t0 + due - time.monotonic()))', step: 'wait' },
      { code: withComment('        yield piece', note('yield'), 28), step: 'yield' },
      { code: '' },
      { code: `# ${t('lesson.comment.plan')}` },
      { code: `answer = llm_stream_answer(${literal(text)}, plan)` },
      { code: 'for piece in answer:' },
      { code: withComment(`    print(piece, end=${JSON.stringify(forms.joiner)})`, note('use'), 28), step: 'yield' },
    ];
  }
  return [
    ...imports,
    { code: '' },
    { code: 'def llm_stream_answer(text, delay):' },
    { code: `    for piece in ${forms.python}:` },
    { code: withComment('        time.sleep(delay)', note('wait'), 28), step: 'wait' },
    { code: withComment('        yield piece', note('yield'), 28), step: 'yield' },
    { code: '' },
    { code: `answer = llm_stream_answer(${literal(text)}, ${seconds(delayMs)})` },
    { code: 'for piece in answer:' },
    { code: withComment(`    print(piece, end=${JSON.stringify(forms.joiner)})`, note('use'), 28), step: 'yield' },
  ];
}

function jsLines({ text, delayMs, split, timing }, t) {
  const forms = SPLIT_CODE[split] ?? SPLIT_CODE.whitespace;
  const note = (key) => `// ${t(`lesson.comment.${key}`)}`;
  const shown = forms.joiner ? `piece + ${JSON.stringify(forms.joiner)}` : 'piece';
  const head = [
    { code: 'const sleep = (ms) =>' },
    { code: '  new Promise((wake) => setTimeout(wake, ms));' },
    { code: '' },
  ];
  const tail = (call) => [
    { code: '' },
    { code: `const answer = ${call};` },
    { code: 'for await (const piece of answer) {' },
    { code: withComment(`  output.append(${shown});`, note('use'), 28), step: 'yield' },
    { code: '}' },
  ];
  if (timing !== 'fixed') {
    return [
      ...head,
      { code: 'async function* llmStreamAnswer(text, plan) {' },
      { code: '  const t0 = performance.now();' },
      { code: '  let i = 0;' },
      { code: `  for (const piece of ${forms.js}) {` },
      { code: '    await sleep(t0 + plan[i++] - performance.now());', step: 'wait' },
      { code: withComment('    yield piece;', note('yield'), 28), step: 'yield' },
      { code: '  }' },
      { code: '}' },
      ...tail(`llmStreamAnswer(${literal(text)}, plan)`),
    ];
  }
  return [
    ...head,
    { code: 'async function* llmStreamAnswer(text, delayMs) {' },
    { code: `  for (const piece of ${forms.js}) {` },
    { code: withComment('    await sleep(delayMs);', note('wait'), 28), step: 'wait' },
    { code: withComment('    yield piece;', note('yield'), 28), step: 'yield' },
    { code: '  }' },
    { code: '}' },
    ...tail(`llmStreamAnswer(${literal(text)}, ${delayMs})`),
  ];
}

/**
 * Finds a generator in llm_stream.cpp: its first line number and its lines, each tagged
 * with the step it performs (co_await: wait, co_yield: yield).
 */
function extractCppGenerator(source, name) {
  const all = source.split('\n');
  const start = all.findIndex((line) => line.startsWith(`async_generator<chunk> ${name}(`));
  if (start < 0) return null;
  const end = all.findIndex((line, i) => i > start && line === '}');
  if (end < 0) return null;
  const lines = all.slice(start, end + 1).map((code) => ({
    code,
    step: /\bco_await\b/.test(code) ? 'wait' : /\bco_yield\b/.test(code) ? 'yield' : undefined,
  }));
  return { firstLine: start + 1, lines };
}

export class Lesson {
  #root;
  #caption;
  #cppTitle;
  #panels; // lang -> <code> element
  #source = null; // llm_stream.cpp, once read
  #cpp = null; // { firstLine, lines } of the generator shown
  #lang = 'zh';
  #options = { text: '', delayMs: 500, split: 'whitespace', timing: 'fixed', wire: false };
  #step = { name: 'idle', n: 0 };
  #shown = ''; // what the panels were last drawn for

  constructor(root) {
    this.#root = root;
    this.#caption = root.querySelector('[data-lesson-caption]');
    this.#cppTitle = root.querySelector('[data-lesson-cpp-title]');
    this.#panels = {
      python: root.querySelector('code[data-lang="python"]'),
      js: root.querySelector('code[data-lang="js"]'),
      cpp: root.querySelector('code[data-lang="cpp"]'),
    };
  }

  /** Reads the C++ source next to the page. Resolves even when it is missing. */
  async loadCppSource() {
    try {
      this.#source = await readSiteFile(CPP_FILE, { cache: 'no-cache' });
    } catch {
      this.#source = null;
    }
    this.#shown = '';
    this.configure(this.#options, this.#lang);
  }

  /**
   * Shows the generators for these options: { text, delayMs, split, timing: 'fixed' |
   * 'plan' | 'bursts', wire: whether a wire format carries the chunks }.
   */
  configure(options, lang) {
    this.#options = { ...options };
    this.#lang = lang;
    const key = JSON.stringify([this.#options, lang, this.#source !== null]);
    if (key === this.#shown) return; // typing in the text box redraws only what changed
    this.#shown = key;
    const t = (name) => translate(lang, name);
    const timing = this.#options.timing;
    this.#cpp = this.#source === null ? null : extractCppGenerator(this.#source, CPP_FUNCTIONS[timing] ?? CPP_FUNCTIONS.fixed);
    this.#render(this.#panels.python, pythonLines(this.#options, t), 'python', 1);
    this.#render(this.#panels.js, jsLines(this.#options, t), 'js', 1);
    this.#renderCpp();
    this.#mark();
  }

  /** name: idle | wait | yield | done | stopped | failed; n: the chunk it concerns, from 1. */
  setStep(name, n = 0) {
    if (this.#step.name === name && this.#step.n === n) return;
    this.#step = { name, n };
    this.#mark();
  }

  #renderCpp() {
    const panel = this.#panels.cpp;
    const lang = this.#lang;
    this.#cppTitle.textContent = translate(lang, this.#options.wire ? 'lesson.cpp.wire' : 'lesson.cpp');
    if (this.#cpp) {
      this.#render(panel, this.#cpp.lines, 'cpp', this.#cpp.firstLine);
    } else {
      panel.textContent = translate(lang, 'lesson.cppMissing');
    }
    const range = this.#root.querySelector('[data-cpp-range]');
    if (range) {
      const last = this.#cpp ? this.#cpp.firstLine + this.#cpp.lines.length - 1 : 0;
      range.textContent = this.#cpp ? translate(lang, 'lesson.cppLines', { first: String(this.#cpp.firstLine), last: String(last) }) : '';
      range.title = 'src/core/stream/llm_stream.cpp';
    }
  }

  #render(panel, lines, lang, firstLine) {
    const fragment = document.createDocumentFragment();
    lines.forEach(({ code, step }, i) => {
      const line = document.createElement('span');
      line.className = 'line';
      line.dataset.line = String(firstLine + i); // drawn by CSS: copying leaves it out
      if (step) line.dataset.step = step;
      line.append(highlight(code, lang), '\n');
      fragment.append(line);
    });
    panel.replaceChildren(fragment);
  }

  #cppLine(step) {
    if (!this.#cpp) return '?';
    const i = this.#cpp.lines.findIndex((line) => line.step === step);
    return i < 0 ? '?' : this.#cpp.firstLine + i;
  }

  #mark() {
    const { name, n } = this.#step;
    this.#root.dataset.step = name;
    for (const line of this.#root.querySelectorAll('.line[data-step]')) {
      line.classList.toggle('is-active', line.dataset.step === name);
    }
    this.#caption.textContent = translate(this.#lang, `lesson.step.${name}`, { n, line: this.#cppLine(name) });
  }
}
