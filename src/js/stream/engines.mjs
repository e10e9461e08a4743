// The wasm modules of one trickle instance (stream/native.mjs): the core, loaded by
// createTrickle(), the full one, loaded the first time a stream or a fetch needs the timing
// model, a wire format or pieces given by the tokenizer, and the tokenizer with each of its
// vocabularies, loaded the first time something counts tokens (tokens/load.mjs, imported only
// then). The two stream modules each have their own memory, scheduler and bridge; both keep
// time on the instance's one clock. The wire formats' JS (wire/fetch.mjs and what it
// imports) is imported the first time a fetch, a response or a body needs it.
import { lazyModule } from '../internal/provided.mjs';
import { Bridge } from './bridge.mjs';
import { loadNative } from './native.mjs';

// A load made once and shared by every caller; one that failed is made again by the next
// caller. A manual clock given as `clock` waits for it (clock.waitFor) before it runs
// timers: the streams that need what it loads start once it is there, and keep their
// schedule from then.
function loadOnce(load, clock) {
  let loading = null;
  return () => {
    if (loading === null) {
      loading = load().catch((error) => {
        loading = null;
        throw error;
      });
      clock?.waitFor?.(loading);
    }
    return loading;
  };
}

// What only the full module cuts by (the core module leaves the Unicode tables out).
const FULL_SPLITS = new Set(['grapheme', 'tokens']);

export class Engines {
  #clock;
  #loadFull; // the full module's bridge, loaded once
  #loadWire; // wire/fetch.mjs, imported once
  #tokenFiles; // { tokenizerWasm, tokenAssets }: createTrickle's options
  #loadTokenizerModule; // { load, module }: tokens/load.mjs and the instantiated wasm
  #tokenizers = new Map(); // encoding -> Tokenizer, once loaded
  #tokenizerLoads = new Map(); // encoding -> its loadOnce()
  // The last text cut into pieces, which the next stream very often shares (a thousand
  // streams of one answer are cut once).
  #lastPieces = { tokenizer: null, text: '', tokensPerChunk: 0, pieces: null };
  /** The core module's bridge. */
  core;
  /** The full module's bridge, once loaded (null until then). */
  fullNow = null;

  constructor(core, clock, fullWasm, tokenFiles = {}) {
    this.core = core;
    this.#clock = clock;
    this.#tokenFiles = tokenFiles;
    this.#loadFull = loadOnce(async () => {
      const { native, protocol } = await loadNative('full', fullWasm);
      this.fullNow = new Bridge(native, protocol, clock);
      return this.fullNow;
    }, clock);
    this.#loadWire = loadOnce(() => lazyModule('wire', () => import('../wire/fetch.mjs')), clock);
    // Waited for through the tokenizer's own load (tokenizer()).
    this.#loadTokenizerModule = loadOnce(async () => {
      const load = await lazyModule('tokens', () => import('../tokens/load.mjs'));
      return { load, module: await load.loadTokenizerModule(tokenFiles.tokenizerWasm) };
    }, null);
  }

  /** The full module's bridge, loading it on first need. A failed load is tried again next time. */
  full() {
    return this.fullNow !== null ? Promise.resolve(this.fullNow) : this.#loadFull();
  }

  /**
   * The wire module (wire/fetch.mjs: makeFetch, requestFor, streamBody), imported on first
   * need. A failed import is tried again next time. Like the full module's load, it is
   * real-time work a manual clock waits for.
   */
  wire() {
    return this.#loadWire();
  }

  /** The bridge that cuts text by `split` (not 'tokens'): the core's, or the full one, loaded on first need. */
  cutter(split) {
    return FULL_SPLITS.has(split) ? this.full() : Promise.resolve(this.core);
  }

  /** The bridge a stream with `settings` runs on, or null when that is the full one, not loaded yet. */
  bridgeFor(settings) {
    return settings.timing === null && settings.pieces === null && !FULL_SPLITS.has(settings.split) ? this.core : this.fullNow;
  }

  /**
   * The tokenizer of `encoding` (src/js/tokens/tokenizer.mjs), loading the module and the
   * vocabulary on first need; each is loaded once per instance, and a failed load is tried
   * again next time. Like the full module's, the load is real-time work a manual clock waits for.
   */
  tokenizer(encoding) {
    const loaded = this.#tokenizers.get(encoding);
    if (loaded !== undefined) return Promise.resolve(loaded);
    let load = this.#tokenizerLoads.get(encoding);
    if (load === undefined) {
      load = loadOnce(async () => {
        const { load: loader, module } = await this.#loadTokenizerModule();
        const tokenizer = await loader.loadVocabulary(module, encoding, this.#tokenFiles.tokenAssets?.[encoding]);
        this.#tokenizers.set(encoding, tokenizer);
        return tokenizer;
      }, this.#clock);
      this.#tokenizerLoads.set(encoding, load);
    }
    return load();
  }

  /** The tokenizer of `encoding` if it is loaded already, else null. */
  tokenizerNow(encoding) {
    return this.#tokenizers.get(encoding) ?? null;
  }

  /**
   * The pieces of a stream cut into tokens: { ends, tokens }, each piece's end in UTF-16
   * units of `text` and the tokens it holds. The tokenizer's chunks (whole characters: a
   * token that ends inside one is merged with the next), merged until each holds at least
   * `tokensPerChunk` tokens (the last may hold fewer). Special tokens are plain text.
   */
  piecesOf(tokenizer, text, tokensPerChunk) {
    const last = this.#lastPieces;
    if (last.tokenizer === tokenizer && last.text === text && last.tokensPerChunk === tokensPerChunk) return last.pieces;
    const { ends, counts } = tokenizer.chunks(text);
    let kept = ends.length;
    if (tokensPerChunk > 1) {
      kept = 0;
      let held = 0;
      for (let i = 0; i < ends.length; i++) {
        held += counts[i];
        if (held >= tokensPerChunk || i === ends.length - 1) {
          ends[kept] = ends[i];
          counts[kept] = held;
          kept++;
          held = 0;
        }
      }
    }
    const pieces = Object.freeze({ ends: ends.subarray(0, kept), tokens: counts.subarray(0, kept), offsetsUs: null });
    this.#lastPieces = { tokenizer, text, tokensPerChunk, pieces };
    return pieces;
  }

  /**
   * Everything a stream with split 'tokens' and `settings` needs before it starts: its
   * bridge (the full module) and its pieces, set on the settings. Resolves with the bridge.
   */
  async prepareTokens(settings) {
    const [bridge, tokenizer] = await Promise.all([this.full(), this.tokenizer(settings.encoding)]);
    this.cutTokens(bridge, tokenizer, settings);
    return bridge;
  }

  /**
   * Sets a stream's pieces (split 'tokens'), once, cut by `tokenizer` into chunks of its
   * tokensPerChunk: a preset's, which `bridge` (the full module's) fills in first.
   */
  cutTokens(bridge, tokenizer, settings) {
    bridge.timingOf(settings);
    settings.pieces ??= this.piecesOf(tokenizer, settings.text, settings.tokensPerChunk);
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
