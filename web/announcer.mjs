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

  /** Says what is pending now. */
  flush() {
    const text = this.#takePending();
    if (text !== '') this.#show(text);
  }

  /**
   * A state change, said now, after what was pending, in the same message: two changes of
   * the region in one task reach a screen reader as the last one only, which would lose
   * the end of the answer to the "done" that follows it.
   */
  say(message) {
    const text = this.#takePending();
    this.#show(text === '' ? message : `${text} ${message}`);
  }

  #takePending() {
    clearTimeout(this.#timer);
    this.#timer = 0;
    const text = this.#pending.replace(/\s+/g, ' ').trim();
    this.#pending = '';
    // A fast stream gives more per interval than anyone can listen to: say its start, and
    // that more followed, rather than queueing minutes of speech.
    return text.length > this.#maxChars ? `${text.slice(0, this.#maxChars)}…` : text;
  }

  #show(message) {
    // The same text twice in a row is not announced again: make each message new.
    this.#region.textContent = this.#region.textContent === message ? `${message}\u00a0` : message;
  }
}
