// Answers rendered as markdown while they stream, the way a chat UI shows them: a code
// fence still open renders as code, a table grows row by row.
//
// marked parses, DOMPurify sanitizes (both bundled into the site at build time, see
// scripts/vendor-page.mjs, loaded on first use). Model output is text, not the page's
// HTML: raw HTML in an answer is shown as text, never parsed, and DOMPurify still checks
// what marked makes. Images are dropped (the page loads nothing from elsewhere) and links
// open in a new tab without a referrer.
//
// Re-parsing the whole answer at every frame would make a long answer quadratic. The text
// is cut at blank lines outside code fences: everything before the last such cut is
// parsed once and kept ("committed"); only the tail after it is parsed again as it grows.
// Rendering happens at most once a frame, and less often when a tail takes long to parse.
import { makeCopyButton } from './copy.mjs';

const VENDOR = './vendor/markdown.mjs';
let library = null; // the promise of { marked, DOMPurify, parse }

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Loads the renderer (once). Resolves to { parse(markdown): sanitized HTML string }. */
export function loadMarkdown() {
  library ??= import(VENDOR).then(({ marked, DOMPurify }) => {
    const parser = new marked.Marked({ gfm: true, breaks: false });
    parser.use({ renderer: { html: ({ text }) => escapeHtml(text) } });
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    const options = {
      FORBID_TAGS: ['img', 'picture', 'source', 'video', 'audio', 'iframe', 'object', 'embed', 'style', 'form', 'svg', 'math'],
      FORBID_ATTR: ['style', 'srcset'],
    };
    return {
      parse: (markdown) => DOMPurify.sanitize(parser.parse(markdown), options),
    };
  }).catch((error) => {
    library = null; // a later render may try again
    throw error;
  });
  return library;
}

// Where `text` may be cut: after each blank line that is not inside a code fence. Scans
// only what it has not scanned, one complete line at a time.
class Cuts {
  #scanned = 0;
  #fence = null; // the fence that opened the current code block ('```', '~~~~'...)
  #previousBlank = false;
  last = 0; // the last cut found

  reset() {
    this.#scanned = 0;
    this.#fence = null;
    this.#previousBlank = false;
    this.last = 0;
  }

  scan(text) {
    for (;;) {
      const end = text.indexOf('\n', this.#scanned);
      if (end < 0) return;
      const line = text.slice(this.#scanned, end);
      const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence) {
        if (this.#fence === null) this.#fence = fence[1];
        else if (fence[1][0] === this.#fence[0] && fence[1].length >= this.#fence.length && line.trim() === fence[1]) this.#fence = null;
      }
      const blank = line.trim() === '';
      // A blank line, then a line that does not continue a list item (indented) or a
      // block: the text before the blank line is finished.
      if (this.#fence === null && this.#previousBlank && !blank && !/^\s/.test(line)) this.last = this.#scanned;
      this.#previousBlank = blank && this.#fence === null;
      this.#scanned = end + 1;
    }
  }
}

export class MarkdownView {
  #root;
  #committed; // the finished blocks' HTML, appended once each
  #tail; // the rest, rendered again as it grows
  #committedTo = 0;
  #cuts = new Cuts();
  #text = '';
  #renderedText = null;
  #copyLabel;
  #skipUntil = 0;
  #onError;

  /** copyLabel(): the copy buttons' text in the language showing. onError(error): the renderer failed to load. */
  constructor(root, { copyLabel, onError }) {
    this.#root = root;
    this.#copyLabel = copyLabel;
    this.#onError = onError;
    this.#committed = document.createElement('div');
    this.#tail = document.createElement('div');
    root.replaceChildren(this.#committed, this.#tail);
  }

  /** Starts again with no text. */
  reset() {
    this.#text = '';
    this.#renderedText = null;
    this.#committedTo = 0;
    this.#cuts.reset();
    this.#skipUntil = 0;
    this.#committed.replaceChildren();
    this.#tail.replaceChildren();
  }

  /** The whole answer so far (it only ever grows during a run; anything else starts over). */
  setText(text) {
    if (!text.startsWith(this.#text.slice(0, this.#committedTo))) this.reset();
    this.#text = text;
  }

  /**
   * Renders what changed since the last call, if the renderer is loaded (else loads it and
   * renders then). `force`: now, even if the last render was slow. Returns false when the
   * render was put off (call again at a later frame).
   */
  render(force = false) {
    if (this.#renderedText === this.#text) return true;
    const now = performance.now();
    if (!force && now < this.#skipUntil) return false;
    loadMarkdown().then(
      (md) => this.#renderWith(md),
      (error) => this.#onError?.(error),
    );
    return true;
  }

  #renderWith(md) {
    const text = this.#text;
    if (this.#renderedText === text) return;
    const started = performance.now();
    this.#cuts.scan(text);
    const cut = this.#cuts.last;
    if (cut > this.#committedTo) {
      const block = document.createElement('div');
      block.innerHTML = md.parse(text.slice(this.#committedTo, cut));
      this.#addCopyButtons(block);
      this.#committed.append(block);
      this.#committedTo = cut;
    }
    this.#tail.innerHTML = md.parse(text.slice(this.#committedTo));
    this.#addCopyButtons(this.#tail);
    this.#renderedText = text;
    // A tail that takes long to parse is parsed less often: at most a quarter of the time.
    const spent = performance.now() - started;
    this.#skipUntil = spent > 4 ? performance.now() + spent * 3 : 0;
  }

  #addCopyButtons(root) {
    for (const pre of root.querySelectorAll('pre')) {
      const wrap = document.createElement('div');
      wrap.className = 'code-wrap copyable';
      pre.before(wrap);
      wrap.append(makeCopyButton(this.#copyLabel()), pre);
      // A long line scrolls sideways: the keyboard must be able to reach it too.
      pre.tabIndex = 0;
    }
  }

  /** The copy buttons' text follows the language. */
  relabel() {
    for (const button of this.#root.querySelectorAll('.code-wrap > .copy:not([data-copied])')) button.textContent = this.#copyLabel();
  }
}
