// How smoothly the page itself runs during a run: every animation frame's time is noted,
// and the longest gap between two frames and the frames per second are what the "longest
// frame" figure shows. It measures the page, not trickle: a late chunk and a long frame at
// the same moment point at the page; a late chunk in smooth frames points at the stream.

export class FrameMeter {
  #frame = 0;
  #first = 0;
  #last = 0;
  #frames = 0;
  #longest = 0;

  start() {
    this.stop();
    this.#first = 0;
    this.#last = 0;
    this.#frames = 0;
    this.#longest = 0;
    const tick = (now) => {
      if (this.#frames === 0) this.#first = now;
      else this.#longest = Math.max(this.#longest, now - this.#last);
      this.#last = now;
      this.#frames += 1;
      this.#frame = requestAnimationFrame(tick);
    };
    this.#frame = requestAnimationFrame(tick);
  }

  stop() {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    return this.stats;
  }

  /** { frames, longestMs, fps }; fps is null until two frames have been seen. */
  get stats() {
    const spanMs = this.#last - this.#first;
    return {
      frames: this.#frames,
      longestMs: this.#longest,
      fps: this.#frames > 1 && spanMs > 0 ? ((this.#frames - 1) * 1000) / spanMs : null,
    };
  }
}
