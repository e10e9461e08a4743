// Two small pieces the page's panels share: an output box that follows its newest text, and
// moving focus along when the button that has it is about to be disabled.

/** Moves focus from `from` to `to`, if `from` has it. */
export function keepFocus(from, to) {
  if (document.activeElement === from) to.focus();
}

// A fixed-height box that keeps its newest text in view unless the reader has scrolled up
// to look back. Scrolling waits for the next frame: measuring after every chunk would
// force a layout per chunk, which turns a fast run of thousands of chunks quadratic.
export class FollowingBox {
  #box;
  #follow = true;
  #ownTop = 0; // where we last scrolled to: our own scroll event arrives a frame later
  #frame = 0;

  constructor(box) {
    this.#box = box;
    box.addEventListener(
      'scroll',
      () => {
        // Our own scroll lands here a frame later, when more chunks may have made the box
        // taller: only a move above our own position means the reader scrolled up.
        const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
        this.#follow = atBottom || box.scrollTop >= this.#ownTop - 1;
      },
      { passive: true },
    );
  }

  /** Appends nodes (or strings, as text) and brings the newest into view at the next frame. */
  append(...nodes) {
    this.#box.append(...nodes);
    this.#frame ||= requestAnimationFrame(() => {
      this.#frame = 0;
      if (!this.#follow) return;
      this.#box.scrollTop = this.#box.scrollHeight;
      this.#ownTop = this.#box.scrollTop;
    });
  }

  /** Empties the box and follows again from the top. */
  clear() {
    this.#box.replaceChildren();
    this.#box.scrollTop = 0;
    this.#follow = true;
    this.#ownTop = 0;
  }
}
