// The playground: one run of one stream, and everything it does on one screen: the chunks,
// the answer rendered as it grows, the raw frames of a wire format, the arrivals against
// the plan, and the lesson's three generators following along.
//
// A run is trickle used as an app uses it: trickle.stream(text, options) read with for
// await, or, with a wire format, a fetch() to the site's endpoint (the Service Worker hands
// it to trickle.createFetch(); without a worker the page does the same itself) whose body
// is read with a reader and cut into frames. Chunks are recorded as they come (a few array
// writes each) and the page draws once a frame, whatever the rate: that is what keeps it
// smooth at 10,000 chunks a second. The plan (stream.plan()) is drawn before the run, from
// the same settings and random seed, and compared with the arrivals after.
import { Announcer } from './announcer.mjs';
import { SAMPLE_IDS, builtInAnswers, loadBuiltInAnswers, sampleText } from './answers.mjs';
import { ChunkList } from './chunks.mjs';
import { PLAYGROUND_HEADER, apiFetch, playgroundHeader } from './endpoints.mjs';
import { keepFocus } from './following-box.mjs';
import { FrameMeter } from './frame-meter.mjs';
import { formatDuration, formatNumber, translate } from './i18n.mjs';
import { Lesson, highlight } from './lesson.mjs';
import { MarkdownView } from './markdown.mjs';
import { encodeShare } from './share.mjs';
import { runSnippet } from './snippet.mjs';
import { Timeline } from './timeline.mjs';
import { FrameSplitter, readFrame, wireRequest } from './wire.mjs';

// Requests the page answers itself (no worker) are addressed here: the endpoint reads only
// the path and the body.
const PAGE_BASE = 'https://trickle.invalid/';
const VIEWS = ['chunks', 'rendered', 'frames', 'code'];
const FRAMES_KEPT = 400; // raw frames in the document; older ones are counted, not shown
const PREVIEW_DELAY_MS = 120;
const FRAME_FIGURES_EVERY_MS = 500;

// The settings a share link carries: its name in the link, the control's id.
const SHARED_CONTROLS = [
  ['split', 'gen-split'], ['enc', 'gen-encoding'], ['pace', 'gen-pace'], ['delay', 'gen-delay'],
  ['format', 'gen-format'], ['ttft', 'gen-ttft'], ['rate', 'gen-rate'], ['rateUnit', 'gen-rate-unit'],
  ['jitter', 'gen-jitter'], ['sigma', 'gen-sigma'], ['burst', 'gen-burst'], ['seed', 'gen-seed'],
  ['stallP', 'gen-stall-p'], ['stallMin', 'gen-stall-min'], ['stallMax', 'gen-stall-max'],
  ['catchUp', 'gen-stall-catchup'], ['timeout', 'gen-timeout'], ['failAfter', 'gen-fail-after'],
  ['http', 'gen-http'], ['stallAt', 'gen-stall-at'], ['stallMs', 'gen-stall-ms'], ['truncate', 'gen-truncate'],
  ['disconnect', 'gen-disconnect'], ['malformed', 'gen-malformed'], ['reslice', 'gen-reslice'],
  ['reasoning', 'gen-reasoning'], ['tool', 'gen-tool'],
];

const TOOL_CALL = { name: 'get_weather', arguments: { city: 'Paris' } };

// The direction of a text, by its first letter that has one (what dir="auto" does).
function textDirection(text) {
  const strong = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}]|\p{L}/u.exec(text);
  return strong && /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}]/u.test(strong[0]) ? 'rtl' : 'ltr';
}

function randomSeed() {
  return Math.floor(Math.random() * 2 ** 31);
}

// A control's value as a share link writes it, and whether that is its default.
function controlValue(control) {
  if (control.type === 'checkbox') return { value: control.checked ? '1' : '0', isDefault: control.checked === control.defaultChecked };
  if (control.tagName === 'SELECT') {
    const initial = [...control.options].find((option) => option.defaultSelected) ?? control.options[0];
    return { value: control.value, isDefault: control.value === initial?.value };
  }
  return { value: control.value, isDefault: control.value === control.defaultValue };
}

function setControlValue(control, value) {
  if (control.type === 'checkbox') {
    control.checked = value === '1';
  } else if (control.tagName === 'SELECT') {
    if ([...control.options].some((option) => option.value === value && !option.disabled)) control.value = value;
  } else {
    control.value = value;
  }
}

export class Playground {
  #root;
  #el;
  #lang = 'zh';
  #trickle = null;
  #worker = Promise.resolve({ ok: false, reason: 'unsupported' });
  #say;
  #copyLabel;
  #lesson;
  #timeline;
  #chunks;
  #markdown;
  #announcer;
  #meter = new FrameMeter();
  #run = null;
  #replay = null; // a dropped recording: { text, pieces, offsetsMs, format }
  #view = 'chunks';
  #previewTimer = 0;
  #previewToken = 0;
  #followLanguage = false; // the text is a default that follows the language, once the run ends
  #pendingShare = null; // settings to apply once the presets exist
  #lastPlan = null;
  #rawNode = document.createTextNode('');
  #parsedNode = document.createTextNode('');

  /** say(element, key, values): the page's status lines. copyLabel(key): copy buttons' texts. */
  constructor(root, { say, copyLabel, onMarkdownError }) {
    this.#root = root;
    this.#say = say;
    this.#copyLabel = copyLabel;
    const $ = (id) => root.querySelector(`#${id}`);
    this.#el = {
      form: $('gen-form'),
      text: $('gen-text'),
      textField: root.querySelector('.run-text'),
      textSize: $('gen-text-size'),
      sample: $('gen-sample'),
      split: $('gen-split'),
      encodingField: $('gen-encoding-field'),
      encoding: $('gen-encoding'),
      pace: $('gen-pace'),
      delay: $('gen-delay'),
      format: $('gen-format'),
      start: $('gen-start'),
      stop: $('gen-stop'),
      share: $('gen-share'),
      shareBox: $('gen-share-box'),
      shareUrl: $('gen-share-url'),
      more: $('gen-more'),
      moreSummary: $('gen-more-summary'),
      seed: $('gen-seed'),
      reseed: $('gen-reseed'),
      count: $('gen-count'),
      chunkBox: $('gen-chunks'),
      rendered: $('gen-rendered'),
      raw: $('gen-raw-text'),
      rawToggle: $('gen-raw'),
      frames: $('gen-frames'),
      parsed: $('gen-parsed'),
      snippet: $('gen-snippet'),
      status: $('gen-status'),
      tabs: VIEWS.map((view) => $(`tab-${view}`)),
      views: VIEWS.map((view) => $(`view-${view}`)),
    };
    const el = this.#el;
    this.#lesson = new Lesson($('lesson'));
    this.#timeline = new Timeline(
      $('timeline'),
      { first: $('metric-first'), rate: $('metric-rate'), total: $('metric-total'), late: $('metric-late'), frame: $('metric-frame') },
      $('timeline-desc'),
    );
    this.#chunks = new ChunkList(el.chunkBox, {
      describeEarlier: (hidden, block) => translate(this.#lang, 'gen.earlier', { count: hidden, block }),
    });
    this.#markdown = new MarkdownView(el.rendered, { copyLabel: () => copyLabel('copy'), onError: onMarkdownError });
    this.#announcer = new Announcer($('gen-announce'));
    el.raw.append(this.#rawNode);
    el.parsed.append(this.#parsedNode);
    el.seed.value = String(randomSeed());

    el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#start();
    });
    el.stop.addEventListener('click', () => this.#stop());
    el.share.addEventListener('click', () => this.#share());
    el.reseed.addEventListener('click', () => {
      el.seed.value = String(randomSeed());
      this.#schedulePreview();
    });
    el.form.addEventListener('input', (event) => {
      if (event.target === el.text) {
        this.#followLanguage = false;
        el.sample.value = 'custom';
      }
      if (event.target !== el.sample) this.#schedulePreview();
      this.#showTextSize();
    });
    el.form.addEventListener('change', (event) => {
      if (event.target === el.sample) this.#pickSample();
      this.#showTextSize();
      if (event.target === el.format) this.#root.dataset.format = el.format.value;
      if (event.target === el.split) el.encodingField.hidden = el.split.value !== 'tokens' || !this.#encodingWorks();
      if (event.target === el.rawToggle) this.#showRaw();
      this.#schedulePreview();
    });
    this.#root.dataset.format = el.format.value;
    this.#setupTabs();
    this.#setupDrop();
  }

  // ---- Set-up ---------------------------------------------------------------------------

  /** The module is loaded: the presets join the pace select, and Start works. */
  ready(trickle) {
    this.#trickle = trickle;
    const el = this.#el;
    for (const preset of trickle.presets) {
      const option = document.createElement('option');
      option.value = preset;
      option.textContent = preset;
      el.pace.append(option);
    }
    // Asked of the library rather than assumed (the page runs on whatever build it is served
    // with): 'tokens' is offered when the library takes it, and the encoding select when it
    // takes an `encoding` option with it.
    const tokens = el.split.querySelector('option[value="tokens"]');
    tokens.disabled = !this.#accepts({ split: 'tokens' });
    tokens.dataset.i18n = tokens.disabled ? 'gen.split.tokens' : 'gen.split.tokensReady';
    tokens.textContent = translate(this.#lang, tokens.dataset.i18n);
    if (this.#pendingShare) this.#applySettings(this.#pendingShare);
    this.#pendingShare = null;
    this.#fillSamples();
    el.start.disabled = this.#run !== null;
    this.#schedulePreview(0);
    // The library's built-in answers join the picker once loaded (after the first paint).
    loadBuiltInAnswers().then(() => this.#fillSamples(), () => {});
  }

  #accepts(options) {
    try {
      this.#trickle.stream('', options); // never read: holds nothing in wasm
      return true;
    } catch {
      return false;
    }
  }

  #encodingWorks() {
    return this.#trickle !== null && this.#accepts({ split: 'tokens', encoding: this.#el.encoding.value });
  }

  /** The worker connection (connectWorker()'s promise): wire formats go through it when it works. */
  useWorker(connection) {
    this.#worker = connection;
  }

  /** Reads the lesson's C++ source. */
  loadCppSource() {
    return this.#lesson.loadCppSource();
  }

  refreshColors() {
    this.#timeline.refreshColors();
  }

  /** What a share link held: its text and settings (before or after the module loads). */
  restore({ text, settings }) {
    if (text !== undefined) {
      this.#el.text.value = text;
      this.#followLanguage = false;
      this.#el.sample.value = 'custom';
    }
    if (settings) {
      if (this.#trickle) this.#applySettings(settings);
      else {
        this.#applySettings(settings); // what it can now; the presets need the module
        this.#pendingShare = settings;
      }
    }
    this.#schedulePreview(0);
  }

  #applySettings(settings) {
    for (const [name, id] of SHARED_CONTROLS) {
      if (settings[name] !== undefined) setControlValue(this.#el.form.querySelector(`#${id}`), settings[name]);
    }
    if (settings.view && VIEWS.includes(settings.view)) this.#selectView(settings.view, false);
    const el = this.#el;
    this.#root.dataset.format = el.format.value;
    el.encodingField.hidden = el.split.value !== 'tokens';
    const opened = ['ttft', 'rate', 'jitter', 'burst', 'stallP', 'timeout', 'failAfter', 'http', 'stallAt', 'truncate',
      'disconnect', 'malformed', 'reslice', 'reasoning', 'tool'];
    if (opened.some((name) => settings[name] !== undefined)) el.more.open = true;
  }

  setLanguage(lang, previous) {
    this.#lang = lang;
    const el = this.#el;
    const defaultText = (l) => translate(l, 'gen.defaultText');
    // An untouched default follows the language; never the text of a run under way.
    if (el.text.value === '' || el.text.value === defaultText(previous) || this.#followLanguage) {
      if (this.#run) this.#followLanguage = true;
      else {
        el.text.value = defaultText(lang);
        this.#followLanguage = false;
        el.sample.value = 'lesson';
      }
    }
    this.#fillSamples();
    this.#chunks.setEmptyTitle(translate(lang, 'gen.emptyChunk'));
    this.#timeline.setLanguage(lang);
    this.#markdown.relabel();
    this.#schedulePreview(0);
  }

  #fillSamples() {
    const el = this.#el;
    const lang = this.#lang;
    const chosen = el.sample.value || 'lesson';
    const options = [['custom', translate(lang, 'gen.sample.custom')]];
    for (const id of SAMPLE_IDS) options.push([id, translate(lang, `gen.sample.${id}`)]);
    const builtins = this.#trickle ? builtInAnswers(this.#trickle, lang) : [];
    for (const answer of builtins) options.push([`builtin:${answer.id}`, answer.title, answer.description]);
    el.sample.replaceChildren(...options.map(([value, label, title]) => Object.assign(document.createElement('option'), { value, textContent: label, ...(title ? { title } : {}) })));
    el.sample.value = options.some(([value]) => value === chosen) ? chosen : 'custom';
  }

  #pickSample() {
    const el = this.#el;
    const id = el.sample.value;
    if (id === 'custom') return;
    let text;
    if (id === 'lesson') text = translate(this.#lang, 'gen.defaultText');
    else if (id.startsWith('builtin:')) text = builtInAnswers(this.#trickle, this.#lang).find((a) => `builtin:${a.id}` === id)?.text;
    else text = sampleText(id, this.#lang);
    if (text === undefined) return;
    el.text.value = text;
    this.#followLanguage = false;
    // Samples that show off something choose the view that shows it.
    if (id === 'markdown' || id.startsWith('builtin:')) this.#selectView('rendered', false);
    if (id === 'graphemes') el.split.value = 'grapheme';
    if (id === 'lesson') this.#selectView('chunks', false);
  }

  // Dropping a file on the text box reads it in (text of any length).
  #setupDrop() {
    const { textField, text } = this.#el;
    const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
    textField.addEventListener('dragover', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      textField.classList.add('is-dropping');
    });
    textField.addEventListener('dragleave', () => textField.classList.remove('is-dropping'));
    textField.addEventListener('drop', async (event) => {
      textField.classList.remove('is-dropping');
      const file = event.dataTransfer?.files?.[0];
      if (!file) return;
      event.preventDefault();
      // A recorded stream (a body copied from DevTools, a timed transcript, a HAR) replays
      // in its own chunks, at its own times when it has them; any other file is text.
      let content;
      try {
        content = await file.text();
      } catch (error) {
        this.#say(this.#el.status, 'gen.failed', { message: error.message });
        return;
      }
      this.#replay = await recordingIn(content);
      text.value = this.#replay?.text ?? content;
      if (this.#replay) {
        const { format, pieces, offsetsMs } = this.#replay;
        this.#say(this.#el.status, offsetsMs ? 'gen.replayTimed' : 'gen.replayPaced', { format, count: pieces.length });
      }
      this.#followLanguage = false;
      this.#el.sample.value = 'custom';
      this.#schedulePreview(0);
    });
  }

  // ---- Tabs: arrow keys move between them, as the ARIA tabs pattern has it ----------------

  #setupTabs() {
    const { tabs } = this.#el;
    tabs.forEach((tab, i) => {
      tab.addEventListener('click', () => this.#selectView(VIEWS[i], true));
      tab.addEventListener('keydown', (event) => {
        const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -i, End: tabs.length - 1 - i };
        if (!(event.key in moves)) return;
        event.preventDefault();
        const next = (i + moves[event.key] + tabs.length) % tabs.length;
        this.#selectView(VIEWS[next], true);
      });
    });
  }

  #selectView(view, focus) {
    this.#view = view;
    const { tabs, views } = this.#el;
    VIEWS.forEach((name, i) => {
      const selected = name === view;
      tabs[i].setAttribute('aria-selected', String(selected));
      tabs[i].tabIndex = selected ? 0 : -1;
      views[i].hidden = !selected;
      if (selected && focus) tabs[i].focus();
    });
    this.#draw(true);
  }

  #showRaw() {
    const raw = this.#el.rawToggle.checked;
    this.#el.raw.hidden = !raw;
    this.#el.rendered.hidden = raw;
    this.#draw(true);
  }

  // ---- Settings -------------------------------------------------------------------------

  /**
   * What Start would run: { text, format, options (stream options), fault, extras, timing }
   * or null when a control is invalid (reported when `report`).
   */
  #readSettings(report) {
    const form = this.#el.form;
    const control = (id) => form.querySelector(`#${id}`);
    const number = (id) => {
      const input = control(id);
      return input.value === '' ? undefined : input.valueAsNumber;
    };
    for (const input of form.querySelectorAll('input[type="number"]')) {
      if (input.closest('[data-wire-only]') && this.#el.format.value === 'iterator') continue;
      if (!input.checkValidity() || (input.value !== '' && !Number.isFinite(input.valueAsNumber))) {
        if (report) {
          input.closest('details')?.setAttribute('open', '');
          input.reportValidity();
        }
        return null;
      }
    }
    const el = this.#el;
    const format = el.format.value;
    const options = { split: el.split.value };
    if (options.split === 'tokens' && !el.encodingField.hidden) options.encoding = el.encoding.value;
    if (el.pace.value === 'fixed') options.delayMs = number('gen-delay') ?? 0;
    else options.preset = el.pace.value;
    const ttft = number('gen-ttft');
    if (ttft !== undefined) options.ttftMs = ttft;
    const rate = number('gen-rate');
    if (rate !== undefined) options[control('gen-rate-unit').value === 'chars' ? 'charsPerSecond' : 'tokensPerSecond'] = rate;
    const jitter = control('gen-jitter').value;
    if (jitter === 'none') options.jitter = 'none';
    else if (jitter !== '') options.jitter = { kind: jitter, sigma: number('gen-sigma') ?? 0 };
    const burst = number('gen-burst');
    if (burst !== undefined) options.burst = burst;
    const stallP = number('gen-stall-p');
    if (stallP !== undefined) {
      options.stalls = {
        probability: stallP,
        minMs: number('gen-stall-min') ?? 0,
        maxMs: number('gen-stall-max') ?? number('gen-stall-min') ?? 0,
        catchUp: control('gen-stall-catchup').checked,
      };
    }
    const timingModel = options.preset !== undefined || ['ttftMs', 'tokensPerSecond', 'charsPerSecond', 'jitter', 'burst', 'stalls'].some((name) => name in options);
    if (timingModel) options.seed = number('gen-seed') ?? 0;
    const timeout = number('gen-timeout');
    if (timeout !== undefined) options.timeoutMs = timeout;
    const failAfter = number('gen-fail-after');
    if (failAfter !== undefined) options.failAfter = failAfter;

    const fault = {};
    const extras = {};
    if (format !== 'iterator') {
      const http = control('gen-http').value;
      if (http !== '') fault.http = { status: Number(http), times: 1, ...(http === '500' ? {} : { retryAfterS: 1 }) };
      const stallAt = number('gen-stall-at');
      if (stallAt !== undefined) Object.assign(fault, { stallAt, stallMs: number('gen-stall-ms') ?? 0 });
      for (const [name, id] of [['truncateAfter', 'gen-truncate'], ['disconnectAfter', 'gen-disconnect'], ['malformedAt', 'gen-malformed']]) {
        const value = number(id);
        if (value !== undefined) fault[name] = value;
      }
      const reslice = number('gen-reslice');
      if (reslice !== undefined) fault.reslice = { maxBytes: reslice };
      const reasoning = control('gen-reasoning').value;
      if (reasoning !== '') extras.reasoning = reasoning;
      if (control('gen-tool').checked) extras.toolCalls = [TOOL_CALL];
    }
    const kind = !timingModel ? 'fixed' : (options.burst ?? 1) > 1 ? 'bursts' : 'plan';
    // A dropped recording replays while the box still holds its text (the generator only).
    const replay = format === 'iterator' && this.#replay?.text === el.text.value ? this.#replay : null;
    return { text: el.text.value, format, options, fault, extras, timing: kind, replay };
  }

  #schedulePreview(delay = PREVIEW_DELAY_MS) {
    clearTimeout(this.#previewTimer);
    this.#previewTimer = setTimeout(() => this.#preview(), delay);
  }

  // Before a run: the code with the current values, the snippet, the size of the text, and
  // the plan of the run Start would make (same settings, same seed).
  #showTextSize() {
    const el = this.#el;
    el.textSize.textContent = translate(this.#lang, 'gen.textSize', { count: el.text.value.length });
    el.textSize.title = translate(this.#lang, 'gen.textLimit');
  }

  async #preview() {
    const el = this.#el;
    const lang = this.#lang;
    this.#showTextSize();
    if (this.#run) return;
    const settings = this.#readSettings(false);
    if (!settings) return;
    this.#lesson.configure(this.#lessonOptions(settings), lang);
    el.snippet.replaceChildren(highlight(runSnippet(settings), 'js'));
    el.moreSummary.textContent = this.#describeMore(settings);
    if (!this.#trickle) return;
    const token = ++this.#previewToken;
    let plan;
    try {
      plan = await this.#planFor(settings);
    } catch (error) {
      if (token === this.#previewToken && !this.#run) this.#say(el.status, 'gen.invalid', { message: error.message });
      return;
    }
    if (token !== this.#previewToken || this.#run) return;
    this.#lastPlan = plan;
    this.#timeline.showPlan(plan ?? []);
    this.#lesson.configure(this.#lessonOptions(settings, plan), lang);
  }

  // The schedule of the text's chunks, or null when a wire answer carries more than the text
  // (its reasoning and tool calls take places in the plan too).
  async #planFor(settings) {
    const { options, format, extras } = settings;
    if (format !== 'iterator' && Object.keys(extras).length > 0) return null;
    const planned = { ...options };
    delete planned.failAfter; // the plan is the schedule, whatever ends the stream early
    delete planned.timeoutMs;
    return this.#streamOf(settings, planned).plan();
  }

  // The stream a run (or its plan) reads: the text cut as the settings say, or a dropped
  // recording's own chunks, at their recorded times or, without times, on the chosen pace.
  #streamOf({ text, replay }, options) {
    if (!replay) return this.#trickle.stream(text, options);
    if (replay.offsetsMs) {
      const kept = { offsetsMs: replay.offsetsMs };
      for (const name of ['timeoutMs', 'failAfter']) if (name in options) kept[name] = options[name];
      return this.#trickle.stream(replay.pieces, kept);
    }
    const paced = { ...options };
    for (const name of ['split', 'encoding', 'tokensPerChunk']) delete paced[name];
    return this.#trickle.stream(replay.pieces, paced);
  }

  // The generator the lesson shows: a preset's bursts show in its plan as chunks due at
  // the same moment (its burst size is not an option the page set).
  #lessonOptions({ text, options, timing, format }, plan = null) {
    const bursts = timing === 'plan' && plan !== null && plan.some((due, i) => i > 0 && due === plan[i - 1]);
    return { text, delayMs: options.delayMs ?? 0, split: options.split, timing: bursts ? 'bursts' : timing, wire: format !== 'iterator' };
  }

  #describeMore({ options, fault, extras, format }) {
    const lang = this.#lang;
    const parts = [];
    if ('seed' in options) parts.push(translate(lang, 'gen.more.seed', { seed: String(options.seed) }));
    const overrides = ['ttftMs', 'tokensPerSecond', 'charsPerSecond', 'jitter', 'burst', 'stalls'].filter((name) => name in options);
    if (overrides.length > 0) parts.push(overrides.join(', '));
    const faults = Object.keys(fault).length + ('failAfter' in options ? 1 : 0) + ('timeoutMs' in options ? 1 : 0);
    if (faults > 0) parts.push(translate(lang, 'gen.more.faults', { count: faults }));
    if (format !== 'iterator' && Object.keys(extras).length > 0) parts.push(Object.keys(extras).join(', '));
    return parts.join(' · ');
  }

  // ---- A run ----------------------------------------------------------------------------

  #setRunning(running) {
    const el = this.#el;
    el.start.disabled = running || !this.#trickle;
    el.stop.disabled = !running;
    this.#root.dataset.run = running ? 'running' : 'idle';
    el.chunkBox.setAttribute('aria-busy', String(running));
    if (running) keepFocus(el.start, el.stop);
    else keepFocus(el.stop, el.start);
  }

  async #start() {
    if (this.#run || !this.#trickle) return;
    const settings = this.#readSettings(true);
    if (!settings) return;
    const el = this.#el;
    const run = {
      settings,
      kind: settings.format === 'iterator' ? 'iterator' : 'wire',
      stopped: false,
      count: 0,
      startedAt: performance.now(),
      yieldUntil: 0,
      holdMs: 100,
      yieldsShown: 0, // the chunks whose yield the lesson has shown, for at least a frame
      // The answer so far: a prefix of the text (a split drops separators, the text keeps
      // them, so markdown keeps its line breaks), or the text deltas of a wire format.
      position: 0,
      assembled: null,
      drawnTextLength: 0,
      plan: null,
      frames: [],
      framesDrawn: 0,
      framesDropped: 0,
      parsed: '',
      parsedDrawn: 0,
      dirty: true,
      loop: 0,
      figuresAt: 0,
      wordsAt: 0,
      stop: () => {},
    };
    // Checked by the library before anything starts: a refused option is reported, not run.
    try {
      if (run.kind === 'iterator') run.stream = this.#streamOf(settings, settings.options);
      else this.#trickle.createFetch({ ...settings.options, fault: settings.fault, reply: () => '' });
    } catch (error) {
      this.#say(el.status, 'gen.failed', { message: error.message });
      return;
    }
    clearTimeout(this.#previewTimer);
    this.#previewToken += 1;
    this.#run = run;
    this.#chunks.reset({ joined: ['char', 'grapheme', 'tokens'].includes(settings.options.split) || run.kind === 'wire' });
    // dir="auto" cannot see into the chips (each one is isolated), so the box takes the
    // direction of the text itself: an Arabic sentence's chips line up right to left.
    el.chunkBox.dir = textDirection(settings.text);
    this.#markdown.reset();
    this.#rawNode.data = '';
    this.#parsedNode.data = '';
    el.frames.replaceChildren();
    el.count.textContent = '0';
    this.#lesson.configure(this.#lessonOptions(settings), this.#lang);
    this.#lesson.setStep('wait', 1);
    this.#announcer.reset();
    this.#setRunning(true);
    this.#say(el.status, 'gen.running');
    this.#announcer.say(translate(this.#lang, 'gen.running'));
    this.#meter.start();
    const tick = () => {
      run.loop = requestAnimationFrame(tick);
      this.#draw(false);
    };
    run.loop = requestAnimationFrame(tick);

    let outcome;
    try {
      outcome = run.kind === 'iterator' ? await this.#readIterator(run) : await this.#readWire(run);
    } catch (error) {
      outcome = { ending: error?.name === 'TimeoutError' ? 'timeout' : 'failed', message: error?.message ?? String(error) };
    }
    cancelAnimationFrame(run.loop);
    run.dirty = true;
    this.#draw(true);
    this.#markdown.render(true);
    const frames = this.#meter.stop();
    this.#timeline.setFrameStats(frames);
    Object.assign(this.#root.dataset, {
      longestFrame: frames.longestMs.toFixed(1),
      fps: frames.fps === null ? '' : frames.fps.toFixed(1),
      frames: String(frames.frames),
    });
    this.#timeline.finish({ complete: outcome.ending === 'done' });
    // The last chunk's yield is shown for a frame before the generator is said to be done
    // (a stream ends at once after its last chunk, before any frame could show it).
    if (run.count > 0 && outcome.ending === 'done') {
      this.#lesson.setStep('yield', run.count);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    this.#run = null;
    this.#setRunning(false);
    const ending = outcome.ending;
    this.#lesson.setStep(ending === 'done' ? 'done' : ending === 'stopped' ? 'stopped' : 'failed');
    const live = this.#trickle.stats().liveStreams;
    const total = (lang) => formatDuration(lang, performance.now() - run.startedAt);
    // Two counts in one sentence: the pieces agree with their own number (a nested string).
    const pieces = (lang) => translate(lang, 'gen.wire.pieces', { count: run.count });
    if (ending === 'done') this.#say(el.status, run.kind === 'wire' ? 'gen.wire.done' : 'gen.done', { count: run.count, frames: run.frames.length, pieces, total, live, source: outcome.source });
    else if (ending === 'stopped') this.#say(el.status, 'gen.stopped', { count: run.count, live });
    else if (ending === 'timeout') this.#say(el.status, 'gen.timeout', { count: run.count, message: outcome.message });
    else this.#say(el.status, 'gen.failedAfter', { count: run.count, message: outcome.message });
    el.status.dataset.tone = ending === 'done' || ending === 'stopped' ? '' : 'error';
    this.#announcer.say(el.status.textContent);
    // The language may have changed during the run: its default text follows now, and the
    // code shows what Start would run next.
    if (this.#followLanguage) this.setLanguage(this.#lang, this.#lang);
    const next = this.#readSettings(false);
    if (next) this.#lesson.configure(this.#lessonOptions(next, run.plan), this.#lang);
    el.snippet.replaceChildren(highlight(runSnippet(next ?? settings), 'js'));
  }

  #stop() {
    const run = this.#run;
    if (!run || run.stopped) return;
    run.stopped = true;
    run.stop();
  }

  // How long a yield stays marked: long enough to see, never past the next chunk.
  #holdFor(plan, settings) {
    const gap = plan && plan.length > 0 ? plan.at(-1) / plan.length : settings.options.delayMs ?? 100;
    return Math.min(180, Math.max(0, gap * 0.35));
  }

  async #readIterator(run) {
    const { stream, settings } = run;
    run.stop = () => stream.return(); // what `break` does: the C++ frame is freed at once
    let plan = null;
    try {
      plan = await stream.plan();
    } catch {
      plan = null; // refused options surface at the first next()
    }
    run.holdMs = this.#holdFor(plan, settings);
    run.plan = plan;
    this.#timeline.start(plan);
    this.#lesson.configure(this.#lessonOptions(settings, plan), this.#lang);
    const text = settings.text;
    const joiner = ['char', 'grapheme', 'tokens'].includes(settings.options.split) ? '' : ' ';
    run.startedAt = performance.now();
    if (run.stopped) await stream.return();
    // The lesson's consumer loop. The C++ coroutine runs each time this asks for more.
    for await (const chunk of stream) {
      const elapsed = performance.now() - run.startedAt;
      // Where the chunk sits in the text: the answer so far is the text up to its end.
      if (run.assembled === null) {
        const at = text.indexOf(chunk, run.position);
        if (at >= 0) run.position = at + chunk.length;
        else run.assembled = text.slice(0, run.position); // a lone surrogate came back as U+FFFD
      }
      if (run.assembled !== null) run.assembled += (run.count > 0 ? joiner : '') + chunk;
      this.#accept(run, chunk, elapsed, joiner);
    }
    return { ending: run.stopped ? 'stopped' : 'done' };
  }

  #accept(run, chunk, elapsed, joiner) {
    run.count += 1;
    this.#chunks.push(chunk, elapsed);
    this.#timeline.arrive(elapsed);
    this.#announcer.add(chunk + joiner);
    run.yieldUntil = performance.now() + run.holdMs;
    run.dirty = true;
  }

  #answerSoFar(run) {
    if (run.kind === 'wire') return run.parsed;
    return run.assembled ?? run.settings.text.slice(0, run.position);
  }

  async #readWire(run) {
    const { settings } = run;
    const { path, init } = wireRequest(settings.format, settings.text);
    const controller = new AbortController();
    const headers = { ...init.headers, [PLAYGROUND_HEADER]: playgroundHeader({ options: settings.options, fault: settings.fault, answer: settings.extras }) };
    const request = { ...init, headers, signal: controller.signal, cache: 'no-store' };
    let reader = null;
    run.stop = () => {
      reader?.cancel().catch(() => {});
      controller.abort();
    };
    this.#timeline.start(null);
    const connection = await this.#worker;
    let response;
    let source;
    try {
      if (connection?.ok) {
        response = await fetch(path, request);
        source = 'service-worker';
        if (response.headers.get('x-trickle-source') !== 'service-worker') throw new Error(`the worker did not answer ${path} (HTTP ${response.status})`);
      } else {
        const local = new Request(new URL(path, PAGE_BASE), request);
        response = await apiFetch(this.#trickle, local)(local);
        source = 'page';
      }
    } catch (error) {
      if (run.stopped) return { ending: 'stopped' };
      throw error;
    }
    run.source = source;
    const type = response.headers.get('content-type') ?? '';
    this.#addFrame(run, { kind: response.ok ? 'meta' : 'http', label: `HTTP ${response.status} · ${type} · ${translate(this.#lang, `chat.source.${source === 'page' ? 'page' : 'worker'}`)}`, raw: '' });
    if (!response.ok) {
      const body = await response.text();
      this.#addFrame(run, { kind: 'http', label: translate(this.#lang, 'gen.frames.errorBody'), raw: body });
      const retry = response.headers.get('retry-after');
      return { ending: 'failed', message: `HTTP ${response.status}${retry ? ` (Retry-After: ${retry})` : ''}` };
    }
    // The plan of the text's chunks: the same settings and seed as the answer's.
    if (Object.keys(settings.extras).length === 0) {
      this.#planFor(settings).then((plan) => {
        if (plan && this.#run === run) {
          run.holdMs = this.#holdFor(plan, settings);
          run.plan = plan;
          this.#timeline.setPlan(plan);
        }
      }, () => {});
    }
    const splitter = new FrameSplitter(settings.format);
    const decoder = new TextDecoder();
    reader = response.body.getReader();
    if (run.stopped) await reader.cancel();
    run.startedAt = performance.now();
    let complete = settings.format === 'plain-text';
    let failure = null;
    try {
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        const elapsed = performance.now() - run.startedAt;
        for (const frame of splitter.push(decoder.decode(value, { stream: true }))) {
          const read = this.#takeFrame(run, frame, elapsed);
          if (read.final) complete = true;
          if (read.kind === 'error') failure ??= read.detail;
          // What a client does with a frame that is not JSON: it stops, with a parse error.
          if (read.kind === 'malformed') failure ??= translate(this.#lang, 'gen.frames.malformedAt', { n: run.frames.length - 1 });
        }
      }
    } catch (error) {
      if (run.stopped) return { ending: 'stopped', source };
      // A disconnect fault: the network error fetch gives when a connection drops.
      return { ending: 'failed', message: error.message, source };
    }
    if (run.stopped) return { ending: 'stopped', source };
    const elapsed = performance.now() - run.startedAt;
    for (const frame of splitter.end()) {
      this.#addFrame(run, { kind: 'malformed', label: `+${formatDuration(this.#lang, elapsed)} · ${translate(this.#lang, 'gen.frames.cut')}`, raw: frame });
      failure ??= translate(this.#lang, 'gen.frames.cut');
    }
    if (failure) return { ending: 'failed', message: failure, source };
    // Every format but plain text says when its answer is complete; a body that ends
    // before that was cut short (a truncate fault).
    if (!complete) return { ending: 'failed', message: translate(this.#lang, 'gen.frames.unfinished'), source };
    return { ending: 'done', source };
  }

  #takeFrame(run, frame, elapsed) {
    const read = readFrame(run.settings.format, frame);
    const lang = this.#lang;
    const label = [`+${formatDuration(lang, elapsed)}`, read.event && read.event !== 'message' ? read.event : null, translate(lang, `gen.frames.kind.${read.kind}`)]
      .filter(Boolean).join(' · ');
    this.#addFrame(run, { kind: read.kind, label, raw: frame });
    if (read.kind === 'text') {
      run.parsed += read.text;
      this.#accept(run, read.text, elapsed, '');
    }
    return read;
  }

  #addFrame(run, frame) {
    run.frames.push(frame);
    run.dirty = true;
  }

  // ---- Drawing: once a frame ----------------------------------------------------------------

  // One pass a frame, writes first and the one layout read last: the timeline's canvas and
  // figures, the lesson's step, the counter, then the visible view (the chunk list scrolls
  // to its newest chip, which lays the page out once, for this frame's paint too).
  #draw(force) {
    const run = this.#run;
    if (run) {
      const now = performance.now();
      if (now - run.figuresAt > FRAME_FIGURES_EVERY_MS) {
        run.figuresAt = now;
        this.#timeline.setFrameStats(this.#meter.stats);
      }
      this.#timeline.draw();
      // Faster than a chunk a frame, the words (the lesson's caption, the counter) change
      // ten times a second: often enough to see them move, rarely enough to cost nothing.
      const fast = run.count > 0 && run.count / Math.max(now - run.startedAt, 1) > 0.06;
      if (!fast || now - run.wordsAt >= 100 || force) {
        run.wordsAt = now;
        // A chunk is shown being yielded for holdMs, and for one frame at least: a busy
        // machine may bring no frame at all within holdMs of its arrival.
        const yielding = now < run.yieldUntil || run.yieldsShown < run.count;
        if (yielding) run.yieldsShown = run.count;
        this.#lesson.setStep(yielding ? 'yield' : 'wait', yielding ? run.count : run.count + 1);
        this.#el.count.textContent = formatNumber(this.#lang, run.count, 0);
      }
      if (!run.dirty && !force) return;
      run.dirty = false;
    }
    const last = run ?? this.#lastRun;
    if (run) this.#lastRun = run;
    if (!last) return;
    const view = this.#view;
    if (view === 'chunks') {
      this.#chunks.render(performance.now(), force || !run);
      if (run && this.#chunks.pending) run.dirty = true; // drawn at a later frame
    }
    if (view === 'rendered') {
      const text = this.#answerSoFar(last);
      if (this.#el.rawToggle.checked) this.#drawRaw(last, text);
      else {
        this.#markdown.setText(text);
        // A render put off (a long answer parses less often) comes at a later frame.
        if (!this.#markdown.render(force) && run) run.dirty = true;
        this.#el.rendered.scrollTop = this.#el.rendered.scrollHeight;
      }
    }
    if (view === 'frames') this.#drawFrames(last);
  }

  #lastRun = null;

  #drawRaw(run, text) {
    if (this.#rawNode.data.length > text.length || !text.startsWith(this.#rawNode.data.slice(0, 64))) this.#rawNode.data = '';
    if (text.length > this.#rawNode.data.length) this.#rawNode.appendData(text.slice(this.#rawNode.data.length));
    this.#el.raw.scrollTop = this.#el.raw.scrollHeight;
  }

  #drawFrames(run) {
    const list = this.#el.frames;
    if (run.framesDrawn > run.frames.length) run.framesDrawn = 0;
    if (run.framesDrawn === 0) list.replaceChildren();
    const fragment = document.createDocumentFragment();
    for (let i = Math.max(run.framesDrawn, run.frames.length - FRAMES_KEPT); i < run.frames.length; i += 1) {
      const { kind, label, raw } = run.frames[i];
      const item = document.createElement('li');
      item.dataset.kind = kind;
      item.dataset.label = label;
      item.dataset.index = String(i);
      item.textContent = raw;
      fragment.append(item);
    }
    run.framesDrawn = run.frames.length;
    list.append(fragment);
    while (list.children.length > FRAMES_KEPT) list.firstElementChild.remove();
    list.dataset.dropped = String(Math.max(0, run.frames.length - FRAMES_KEPT));
    list.scrollTop = list.scrollHeight;
    const parsed = run.parsed;
    if (this.#parsedNode.data.length > parsed.length) this.#parsedNode.data = '';
    if (parsed.length > this.#parsedNode.data.length) this.#parsedNode.appendData(parsed.slice(this.#parsedNode.data.length));
    this.#el.parsed.scrollTop = this.#el.parsed.scrollHeight;
  }

  // ---- Share ------------------------------------------------------------------------------

  async #share() {
    const el = this.#el;
    const settings = {};
    for (const [name, id] of SHARED_CONTROLS) {
      const { value, isDefault } = controlValue(el.form.querySelector(`#${id}`));
      if (!isDefault || name === 'seed') settings[name] = value;
    }
    if (this.#view !== 'chunks') settings.view = this.#view;
    const hash = await encodeShare({ lang: this.#lang, text: el.text.value, settings });
    const url = new URL(location.href);
    url.hash = hash;
    el.shareUrl.value = url.href;
    el.shareBox.hidden = false;
    let copied = false;
    try {
      await navigator.clipboard.writeText(url.href);
      copied = true;
    } catch {
      el.shareUrl.select(); // the visitor copies it by hand
    }
    this.#say(el.status, copied ? 'gen.share.copied' : 'gen.share.ready', { count: url.href.length });
  }
}

// A recorded stream in `content`, as the generator replays it ({ text, pieces, offsetsMs
// (null without times), format }), or null when it is not one (then it is text to stream).
async function recordingIn(content) {
  let parsed;
  try {
    const { parseTranscript } = await import('../src/js/answers/transcript.mjs');
    parsed = parseTranscript(content);
  } catch {
    return null;
  }
  const chunks = parsed.chunks.filter((chunk) => chunk.text.length > 0);
  if (chunks.length === 0) return null;
  const pieces = chunks.map((chunk) => chunk.text);
  const timed = chunks.every((chunk) => chunk.atMs !== undefined);
  const offsetsMs = timed ? chunks.map((chunk) => (parsed.ttftMs ?? 0) + chunk.atMs) : null;
  return { text: pieces.join(''), pieces, offsetsMs, format: parsed.format };
}
