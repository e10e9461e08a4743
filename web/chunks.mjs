// The chunk list: one chip per chunk, for any number of chunks, at any rate.
//
// Chunks are recorded as they come (push: two array writes) and drawn once a frame
// (render), so 10,000 chunks at 1 ms cost 16 chips a frame, not a layout each. Chips live in
// blocks of BLOCK chips, each laid out on its own (CSS contain), so a new chip lays out one
// block, not the whole list. While the list follows its newest chunks, only the last KEEP
// blocks stay in the document; a button above them brings back earlier blocks, one at a
// time, for a reader who wants to look back (who then stops following, so nothing is
// dropped under their eyes). Only small batches animate: a fast run shows no animation
// at all, which is also what keeps it cheap.

const BLOCK = 120;
const KEEP = 6;
const ANIMATE_AT_MOST = 3; // chips per frame
// Above a chip a frame, the list is drawn ten times a second: nobody reads a thousand
// chips a second, and drawing them at every frame would cost the page its smoothness.
const FAST_EVERY_MS = 100;

export class ChunkList {
  #box;
  #earlier; // the "show earlier chunks" button
  #texts = [];
  #times = [];
  #drawn = 0; // chunks that have chips (in the document or dropped from it)
  #blocks = []; // [block index, element] in the document, oldest first
  #follow = true;
  #ownTop = 0;
  #describeEarlier;
  #emptyTitle = '';
  #drawnAt = 0;

  /**
   * box: the scrolling element. describeEarlier(hidden): the earlier button's text for that
   * many chunks not shown.
   */
  constructor(box, { describeEarlier }) {
    this.#box = box;
    this.#describeEarlier = describeEarlier;
    this.#earlier = document.createElement('button');
    this.#earlier.type = 'button';
    this.#earlier.className = 'chunks-earlier';
    this.#earlier.hidden = true;
    this.#earlier.addEventListener('click', () => this.#showEarlierBlock());
    box.addEventListener(
      'scroll',
      () => {
        // Our own scroll arrives a frame later, when the box may have grown: only a move
        // above where we put it means the reader scrolled up.
        const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
        this.#follow = atBottom || box.scrollTop >= this.#ownTop - 1;
      },
      { passive: true },
    );
    this.reset({ joined: false });
  }

  /** Empties the list for a new run. joined: chips touch (char and grapheme splits). */
  reset({ joined }) {
    this.#texts = [];
    this.#times = [];
    this.#drawn = 0;
    this.#blocks = [];
    this.#follow = true;
    this.#ownTop = 0;
    this.#box.dataset.joined = String(joined);
    this.#earlier.hidden = true;
    this.#box.replaceChildren(this.#earlier);
    this.#box.scrollTop = 0;
  }

  /** The title of an empty chunk's chip (in the language showing). */
  setEmptyTitle(title) {
    this.#emptyTitle = title;
    for (const chip of this.#box.querySelectorAll('.chunk.is-empty')) chip.title = title;
    this.#updateEarlier();
  }

  get count() {
    return this.#texts.length;
  }

  /** Whether chunks wait to be drawn. */
  get pending() {
    return this.#drawn < this.#texts.length;
  }

  /** Records a chunk that arrived `elapsedMs` after the run started. Drawn at the next render(). */
  push(text, elapsedMs) {
    this.#texts.push(text);
    this.#times.push(elapsedMs);
  }

  /**
   * Draws the chunks recorded since the last call. Call once a frame; `now` (the frame's
   * time) lets a fast run be drawn less often, `final` draws whatever is left.
   */
  render(now = performance.now(), final = false) {
    const total = this.#texts.length;
    if (this.#drawn === total) return;
    const waiting = total - this.#drawn;
    if (!final && waiting > 1 && now - this.#drawnAt < FAST_EVERY_MS) return;
    this.#drawnAt = now;
    const animate = waiting <= ANIMATE_AT_MOST;
    while (this.#drawn < total) {
      const blockIndex = Math.floor(this.#drawn / BLOCK);
      const block = this.#blockElement(blockIndex);
      const end = Math.min(total, (blockIndex + 1) * BLOCK);
      const fragment = document.createDocumentFragment();
      for (let i = this.#drawn; i < end; i += 1) fragment.append(this.#chip(i, animate));
      block.append(fragment);
      this.#drawn = end;
    }
    if (this.#follow) {
      while (this.#blocks.length > KEEP) this.#blocks.shift()[1].remove();
      this.#updateEarlier();
      this.#box.scrollTop = this.#box.scrollHeight;
      this.#ownTop = this.#box.scrollTop;
    }
  }

  #chip(i, animate) {
    const chip = document.createElement('span');
    // An inline-block: the line treats it as one object, so a chip's text keeps its own
    // order whatever the direction of the line it sits in.
    chip.className = animate ? 'chunk is-fresh' : 'chunk';
    chip.dataset.index = String(i);
    chip.dataset.t = this.#times[i].toFixed(1);
    const text = this.#texts[i];
    chip.textContent = text; // text, never HTML
    if (text === '') {
      chip.classList.add('is-empty');
      chip.title = this.#emptyTitle;
    }
    return chip;
  }

  #blockElement(index) {
    const last = this.#blocks.at(-1);
    if (last && last[0] === index) return last[1];
    const block = document.createElement('div');
    block.className = 'chunk-block';
    this.#box.append(block);
    this.#blocks.push([index, block]);
    return block;
  }

  #hiddenBefore() {
    return this.#blocks.length === 0 ? 0 : this.#blocks[0][0] * BLOCK;
  }

  #updateEarlier() {
    const hidden = this.#hiddenBefore();
    this.#earlier.hidden = hidden === 0;
    if (hidden > 0) this.#earlier.textContent = this.#describeEarlier(hidden, Math.min(BLOCK, hidden));
  }

  // Puts the block before the first one shown back, keeping what the reader sees in place.
  #showEarlierBlock() {
    const first = this.#blocks[0];
    if (!first || first[0] === 0) return;
    // Not following from here on, whatever the scroll event of the move below concludes,
    // until the reader scrolls back down to the newest chunk.
    this.#follow = false;
    this.#ownTop = Infinity;
    const index = first[0] - 1;
    const block = document.createElement('div');
    block.className = 'chunk-block';
    const fragment = document.createDocumentFragment();
    for (let i = index * BLOCK; i < (index + 1) * BLOCK; i += 1) fragment.append(this.#chip(i, false));
    block.append(fragment);
    const heightBefore = this.#box.scrollHeight;
    first[1].before(block);
    this.#blocks.unshift([index, block]);
    this.#box.scrollTop += this.#box.scrollHeight - heightBefore;
    this.#updateEarlier();
  }
}
