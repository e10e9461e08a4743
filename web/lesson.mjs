// "The lesson, live": one generator in Python, in JS and in C++, side by side. Each line
// that belongs to a step carries data-step ("wait" or "yield"); following a run means
// marking the lines of the current step. The C++ panel shows the file that was compiled
// into the running wasm module, read from the site (scripts/build copies it there).
import { translate } from './i18n.mjs';
import { readSiteFile } from './site-file.mjs';

// Where the page finds the C++ generator: the source tree's file (the site build puts it at
// ./core/stream/, the single-file page carries it inside).
const CPP_FILE = '../src/core/stream/llm_stream.cpp';
const CPP_FUNCTION_START = /^async_generator<chunk>\s+llm_stream_answer\(/;

// How each split mode reads in each language (see the split select in index.html).
const SPLIT_CODE = {
  whitespace: { python: 'text.split()', js: 'text.split(/\\s+/).filter(Boolean)', joiner: ' ' },
  space: { python: 'text.split(" ")', js: 'text.split(" ")', joiner: ' ' },
  char: { python: 'text', js: 'text', joiner: '' },
};

const KEYWORDS = {
  python: ['import', 'def', 'for', 'in', 'yield', 'return', 'True', 'False', 'None'],
  js: ['const', 'async', 'function', 'for', 'of', 'await', 'yield', 'new', 'return'],
  cpp: ['for', 'const', 'co_await', 'co_yield', 'co_return', 'if', 'throw', 'auto', 'return', 'namespace'],
};

function tokenPattern(lang) {
  const comment = lang === 'python' ? '#.*$' : '\\/\\/.*$';
  const words = KEYWORDS[lang].join('|');
  return new RegExp(
    `(?<comment>${comment})|(?<string>"(?:[^"\\\\]|\\\\.)*")|(?<keyword>\\b(?:${words})\\b)|(?<number>\\b\\d+(?:\\.\\d+)?\\b)`,
    'gu',
  );
}
const PATTERNS = { python: tokenPattern('python'), js: tokenPattern('js'), cpp: tokenPattern('cpp') };

// A few colours for comments, strings and keywords: enough to read, no library needed.
function highlight(code, lang) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const match of code.matchAll(PATTERNS[lang])) {
    if (match.index > at) fragment.append(code.slice(at, match.index));
    const kind = Object.keys(match.groups).find((name) => match.groups[name] !== undefined);
    const token = document.createElement('span');
    token.className = `tok-${kind}`;
    token.textContent = match[0];
    fragment.append(token);
    at = match.index + match[0].length;
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

function pythonLines({ text, delayMs, split }, t) {
  const forms = SPLIT_CODE[split];
  const note = (key) => `# ${t(`lesson.comment.${key}`)}`;
  return [
    { code: 'import time' },
    { code: '' },
    { code: 'def llm_stream_answer(text, delay):' },
    { code: `    for piece in ${forms.python}:` },
    { code: withComment('        time.sleep(delay)', note('wait'), 28), step: 'wait' },
    { code: withComment('        yield piece', note('yield'), 28), step: 'yield' },
    { code: '' },
    { code: `answer = llm_stream_answer(${literal(text)}, ${delayMs / 1000})` },
    { code: 'for piece in answer:' },
    { code: withComment(`    print(piece, end=${JSON.stringify(forms.joiner)})`, note('use'), 28), step: 'yield' },
  ];
}

function jsLines({ text, delayMs, split }, t) {
  const forms = SPLIT_CODE[split];
  const note = (key) => `// ${t(`lesson.comment.${key}`)}`;
  const shown = forms.joiner ? `piece + ${JSON.stringify(forms.joiner)}` : 'piece';
  return [
    { code: 'const sleep = (ms) =>' },
    { code: '  new Promise((wake) => setTimeout(wake, ms));' },
    { code: '' },
    { code: 'async function* llmStreamAnswer(text, delayMs) {' },
    { code: `  for (const piece of ${forms.js}) {` },
    { code: withComment('    await sleep(delayMs);', note('wait'), 28), step: 'wait' },
    { code: withComment('    yield piece;', note('yield'), 28), step: 'yield' },
    { code: '  }' },
    { code: '}' },
    { code: '' },
    { code: `const answer = llmStreamAnswer(${literal(text)}, ${delayMs});` },
    { code: 'for await (const piece of answer) {' },
    { code: withComment(`  output.append(${shown});`, note('use'), 28), step: 'yield' },
    { code: '}' },
  ];
}

/**
 * Finds the generator in llm_stream.cpp: its first line number and its lines, each
 * tagged with the step it performs (co_await: wait, co_yield: yield).
 */
function extractCppGenerator(source) {
  const all = source.split('\n');
  const start = all.findIndex((line) => CPP_FUNCTION_START.test(line));
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
  #panels; // lang -> <code> element
  #cpp = null; // { firstLine, lines } once loaded
  #lang = 'zh';
  #options = { text: '', delayMs: 500, split: 'whitespace' };
  #step = { name: 'idle', n: 0 };

  constructor(root) {
    this.#root = root;
    this.#caption = root.querySelector('[data-lesson-caption]');
    this.#panels = {
      python: root.querySelector('code[data-lang="python"]'),
      js: root.querySelector('code[data-lang="js"]'),
      cpp: root.querySelector('code[data-lang="cpp"]'),
    };
  }

  /** Reads the C++ source next to the page. Resolves even when it is missing. */
  async loadCppSource() {
    try {
      this.#cpp = extractCppGenerator(await readSiteFile(CPP_FILE, { cache: 'no-cache' }));
    } catch {
      this.#cpp = null;
    }
    this.#renderCpp();
    this.#mark();
  }

  /** Shows the snippets for these options (the text, delay and split of the next run). */
  configure(options, lang) {
    this.#options = { ...options };
    this.#lang = lang;
    const t = (key) => translate(lang, key);
    this.#render(this.#panels.python, pythonLines(this.#options, t), 'python', 1);
    this.#render(this.#panels.js, jsLines(this.#options, t), 'js', 1);
    this.#renderCpp();
    this.#mark();
  }

  /** name: idle | wait | yield | done | stopped; n: the chunk it concerns, from 1. */
  setStep(name, n = 0) {
    this.#step = { name, n };
    this.#mark();
  }

  #renderCpp() {
    const panel = this.#panels.cpp;
    if (this.#cpp) {
      this.#render(panel, this.#cpp.lines, 'cpp', this.#cpp.firstLine);
    } else {
      panel.textContent = translate(this.#lang, 'lesson.cppMissing');
    }
    const range = this.#root.querySelector('[data-cpp-range]');
    if (range && this.#cpp) {
      const last = this.#cpp.firstLine + this.#cpp.lines.length - 1;
      range.textContent = `${translate(this.#lang, 'lesson.cppSource')}:${this.#cpp.firstLine}–${last}`;
    }
  }

  #render(panel, lines, lang, firstLine) {
    const fragment = document.createDocumentFragment();
    lines.forEach(({ code, step }, i) => {
      const line = document.createElement('span');
      line.className = 'line';
      line.dataset.line = String(firstLine + i);
      if (step) line.dataset.step = step;
      const number = document.createElement('span');
      number.className = 'line-number';
      number.setAttribute('aria-hidden', 'true');
      number.textContent = String(firstLine + i);
      line.append(number, highlight(code, lang), '\n');
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
    const key = `lesson.step.${name}`;
    this.#caption.textContent = translate(this.#lang, key, { n, line: this.#cppLine(name) });
  }
}
