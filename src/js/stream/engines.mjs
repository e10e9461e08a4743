// The two wasm modules of one trickle instance (stream/native.mjs): the core, loaded by
// createTrickle(), and the full one, loaded the first time a stream or a fetch needs the
// timing model or a wire format. Each has its own memory, scheduler and bridge; both keep
// time on the instance's one clock.
import { Bridge } from './bridge.mjs';
import { loadNative } from './native.mjs';

export class Engines {
  #clock;
  #fullWasm;
  #loadingFull = null;
  /** The core module's bridge. */
  core;
  /** The full module's bridge, once loaded (null until then). */
  fullNow = null;

  constructor(core, clock, fullWasm) {
    this.core = core;
    this.#clock = clock;
    this.#fullWasm = fullWasm;
  }

  /** The full module's bridge, loading it on first need. A failed load is tried again next time. */
  full() {
    if (this.fullNow !== null) return Promise.resolve(this.fullNow);
    if (this.#loadingFull !== null) return this.#loadingFull;
    this.#loadingFull = loadNative('full', this.#fullWasm).then(
      ({ native, protocol }) => {
        this.fullNow = new Bridge(native, protocol, this.#clock);
        return this.fullNow;
      },
      (error) => {
        this.#loadingFull = null;
        throw error;
      },
    );
    // A manual clock waits for the load before it runs timers: the streams that need the
    // module start once it is there, and keep their schedule from then.
    this.#clock.waitFor?.(this.#loadingFull);
    return this.#loadingFull;
  }

  /** The bridge a stream with `settings` runs on, or null when that is the full one, not loaded yet. */
  bridgeFor(settings) {
    return settings.timing === null ? this.core : this.fullNow;
  }

  /** Both modules' figures, added up. */
  stats() {
    const core = this.core.stats();
    if (this.fullNow === null) return core;
    const full = this.fullNow.stats();
    return {
      liveStreams: core.liveStreams + full.liveStreams,
      scheduledTimers: core.scheduledTimers + full.scheduledTimers,
      heapBytesInUse: core.heapBytesInUse + full.heapBytesInUse,
      timerArmed: core.timerArmed || full.timerArmed,
    };
  }
}
