// What a screen reader hears of a streamed answer: a polite live region that is given the
// text in pieces of a few seconds each, not a chunk at a time (a reader announcing every
// chunk of a fast stream would never catch up, and would drown everything else). The
// state changes (started, done, stopped) are said at once, through say().

export class Announcer {
  #region;
  #intervalMs;
  #maxChars;
  #pending = '';
  #timer = 0;

  /** region: an element with aria-live="polite" (visually hidden); it holds one message at a time. */
  constructor(region, { intervalMs = 2500, maxChars = 360 } = {}) {
    this.#region = region;
    this.#intervalMs = intervalMs;
    this.#maxChars = maxChars;
  }

  /** Forgets what was not said yet (a new run). */
  reset() {
    clearTimeout(this.#timer);
    this.#timer = 0;
    this.#pending = '';
  }

  /** More of the answer: said with the rest of what arrives in the next few seconds. */
  add(text) {
    this.#pending += text;
    this.#timer ||= setTimeout(() => this.flush(), this.#intervalMs);
  }

  /** Says what is pending now (the answer ended). */
  flush() {
    clearTimeout(this.#timer);
    this.#timer = 0;
    const text = this.#pending.replace(/\s+/g, ' ').trim();
    this.#pending = '';
    if (text === '') return;
    // A fast stream gives more per interval than anyone can listen to: say its start, and
    // that more followed, rather than queueing minutes of speech.
    this.#show(text.length > this.#maxChars ? `${text.slice(0, this.#maxChars)}…` : text);
  }

  /** A state change, said now (what was pending is said first). */
  say(message) {
    this.flush();
    this.#show(message);
  }

  #show(message) {
    // The same text twice in a row is not announced again: make each message new.
    this.#region.textContent = this.#region.textContent === message ? `${message}\u00a0` : message;
  }
}
