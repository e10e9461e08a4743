// "Concurrency and cancellation": four chat() answers at once, the way asyncio runs four
// tasks. One answer is one task (#answer below): it waits for a permit from a Semaphore,
// streams with its own AbortController's signal and trickle's timeoutMs, and hands every
// chunk to its pane and to one AsyncQueue. gather() and asCompleted() wait on those same
// task promises, and the queue's one consumer is the fan-in pane. It is trickle and
// trickle/toolbox used the way any project would use them. The four panes are made from
// one <template>; an answer's number is data-index everywhere (its pane, its chunks in the
// fan-in, its line in the results). The data-* attributes (the section's streaming,
// waiting and peak-streaming counts, a pane's state, count and end time) let the tests read
// what the eye sees.
import { AsyncQueue, Semaphore, asCompleted, gather } from '../src/js/toolbox.mjs';
import { FollowingBox, keepFocus } from './following-box.mjs';
import { lessonPrompt } from './answers.mjs';
import { LANGUAGES, StatusLines, duration, formatDuration, translate } from './i18n.mjs';

// Matched to the default prompts (i18n.mjs): with 2 at a time and with all 4 at once, the
// answers finish in another order than the one they started in.
const DEFAULT_DELAYS = { zh: [90, 75, 40, 45], en: [250, 325, 300, 175] };

// Chinese answers arrive a character at a time, as Chinese LLM output does; English ones
// word by word, chat()'s own default (a space after each word).
const SPLIT = { zh: { split: 'char', suffix: '' }, en: {} };

const ENDINGS = ['done', 'cancelled', 'timeout', 'failed'];

function endingOf(error) {
  if (error?.name === 'TimeoutError') return 'timeout';
  if (error?.name === 'AbortError') return 'cancelled';
  return 'failed';
}

// Python's way of writing a number of seconds: 5, 0.25, 1.5.
function seconds(ms) {
  return String(Number((ms / 1000).toFixed(3)));
}

// A pane from the template, its ids numbered (conc-prompt-1, conc-cancel-1, ...).
function makePane(template, index) {
  const element = template.content.firstElementChild.cloneNode(true);
  const n = index + 1;
  element.dataset.index = String(index);
  const title = element.querySelector('[data-conc-title]');
  title.id = `conc-pane-${n}-title`;
  element.setAttribute('aria-labelledby', title.id);
  element.querySelector('[data-conc-number]').textContent = String(n);
  for (const [name, input] of [['prompt', element.querySelector('[data-conc-prompt]')], ['delay', element.querySelector('[data-conc-delay]')]]) {
    input.id = `conc-${name}-${n}`;
    element.querySelector(`[data-conc-label="${name}"]`).htmlFor = input.id;
  }
  element.querySelector('[data-conc-output]').setAttribute('aria-labelledby', title.id);
  const code = element.querySelector('[data-conc-cancel-code]');
  code.id = `conc-cancel-${n}-code`;
  const cancel = element.querySelector('[data-conc-cancel]');
  cancel.id = `conc-cancel-${n}`;
  cancel.setAttribute('aria-labelledby', `${cancel.id} ${title.id}`);
  cancel.setAttribute('aria-describedby', code.id);
  return element;
}

class Pane {
  constructor(element) {
    this.element = element;
    this.index = Number(element.dataset.index);
    this.prompt = element.querySelector('[data-conc-prompt]');
    this.delay = element.querySelector('[data-conc-delay]');
    this.output = new FollowingBox(element.querySelector('[data-conc-output]'));
    this.count = element.querySelector('[data-conc-count]');
    this.stateLabel = element.querySelector('[data-conc-state]');
    this.cancel = element.querySelector('[data-conc-cancel]');
    this.reset();
  }

  reset() {
    this.state = 'idle';
    this.chunks = [];
    this.endedAt = null; // ms after Start all
    this.controller = null; // while the answer runs
    delete this.element.dataset.endedMs;
    this.output.clear();
  }

  get busy() {
    return this.state === 'waiting' || this.state === 'streaming';
  }

  outcome() {
    return { index: this.index, state: this.state, text: this.chunks.join(''), count: this.chunks.length, endedAt: this.endedAt };
  }
}

export class ConcurrencyPanel {
  #root;
  #lang = null;
  #trickle = null;
  #panes;
  #form;
  #limit;
  #timeout;
  #start;
  #cancelAll;
  #fanIn;
  #gathered;
  #completed;
  #status;
  #statusLines = new StatusLines(); // says #status's message again on a language switch
  #run = null; // { controller, startedAt } while a run is on
  #outcomes = { completed: [], gathered: null };
  #peak = 0;
  #metricsFrame = 0;

  constructor(root) {
    this.#root = root;
    const $ = (id) => root.querySelector(`#${id}`);
    const holder = root.querySelector('[data-conc-panes]');
    const template = root.querySelector('#conc-pane-template');
    const count = Number(holder.dataset.count);
    holder.replaceChildren(...Array.from({ length: count }, (_, i) => makePane(template, i)));
    this.#panes = [...holder.children].map((element) => new Pane(element));
    this.#form = $('conc-form');
    this.#limit = $('conc-limit');
    this.#timeout = $('conc-timeout');
    this.#start = $('conc-start');
    this.#cancelAll = $('conc-cancel-all');
    this.#fanIn = new FollowingBox($('conc-fanin'));
    this.#gathered = $('conc-gathered');
    this.#completed = $('conc-completed');
    this.#status = $('conc-status');
    this.#say('conc.idle');

    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#startAll();
    });
    this.#cancelAll.addEventListener('click', () => {
      // One controller for the run; each answer's own controller follows it.
      this.#run?.controller.abort();
    });
    for (const pane of this.#panes) {
      pane.cancel.addEventListener('click', () => {
        keepFocus(pane.cancel, this.#cancelAll); // the button is about to be disabled
        pane.controller?.abort(); // task.cancel()
      });
    }
    this.#limit.addEventListener('input', () => this.#showCode());
    this.#timeout.addEventListener('input', () => this.#showCode());
    this.#showCode();
  }

  /** The module is loaded: Start all can be used. */
  ready(trickle) {
    this.#trickle = trickle;
    this.#start.disabled = false;
    this.#updateMetrics();
  }

  setLanguage(lang) {
    this.#lang = lang;
    if (!this.#run) this.#followDefaults();
    for (const pane of this.#panes) this.#renderPane(pane);
    this.#renderCompleted();
    this.#renderGathered();
    this.#statusLines.setLanguage(lang);
  }

  // Untouched defaults (a value that is some language's default) follow the language;
  // anything the visitor typed stays. Not during a run, whose panes show what they asked.
  #followDefaults() {
    for (const pane of this.#panes) {
      const key = `conc.defaultPrompt.${pane.index + 1}`;
      if (pane.prompt.value === '' || LANGUAGES.some((lang) => pane.prompt.value === translate(lang, key))) {
        pane.prompt.value = translate(this.#lang, key);
      }
      const delays = LANGUAGES.map((lang) => DEFAULT_DELAYS[lang][pane.index]);
      if (pane.delay.value === '' || delays.includes(pane.delay.valueAsNumber)) {
        pane.delay.value = String(DEFAULT_DELAYS[this.#lang][pane.index]);
      }
    }
  }

  // ---- A run

  #readInputs() {
    const inputs = [...this.#panes.map((pane) => pane.delay), this.#timeout];
    const invalid = inputs.find((input) => !input.checkValidity() || (input.value !== '' && !Number.isFinite(input.valueAsNumber)));
    if (invalid) {
      invalid.reportValidity();
      return null;
    }
    return {
      limit: Number(this.#limit.value),
      timeoutMs: this.#timeout.value === '' ? undefined : this.#timeout.valueAsNumber,
      split: SPLIT[this.#lang] ?? {},
    };
  }

  async #startAll() {
    if (this.#run || !this.#trickle) return;
    const settings = this.#readInputs();
    if (!settings) return;
    const run = { controller: new AbortController(), startedAt: performance.now() };
    this.#run = run;
    this.#peak = 0;
    this.#outcomes = { completed: [], gathered: null };
    this.#fanIn.clear();
    this.#renderCompleted();
    this.#renderGathered();
    for (const pane of this.#panes) pane.reset();
    this.#setRunning(true);
    this.#say('conc.running');

    const permits = new Semaphore(settings.limit); // sem = asyncio.Semaphore(n)
    const chunks = new AsyncQueue(); // queue = asyncio.Queue()
    // Each call starts its answer at once, as asyncio.create_task does: these promises are
    // the tasks, and gather, asCompleted and the fan-in all watch the same ones.
    const answers = this.#panes.map((pane) => this.#answer(pane, run, permits, chunks, settings));
    const fanIn = this.#readFanIn(chunks);
    const completed = this.#listCompleted(answers);
    let failure = null;
    try {
      this.#outcomes.gathered = await gather(answers);
    } catch (error) {
      failure = error; // an answer catches its own errors: this would be a bug in this file
    }
    chunks.close(); // every answer has ended, so nothing puts any more
    await Promise.all([fanIn, completed]).catch((error) => {
      failure ??= error;
    });
    this.#run = null;
    this.#renderGathered();
    this.#setRunning(false);
    this.#followDefaults(); // the language may have changed during the run
    this.#updateMetrics();
    if (failure) {
      this.#say('conc.failed', { message: failure.message });
      return;
    }
    const count = (state) => this.#panes.filter((pane) => pane.state === state).length;
    this.#say('conc.summary', {
      total: duration(performance.now() - run.startedAt),
      done: count('done'),
      cancelled: count('cancelled'),
      timeout: count('timeout'),
      live: this.#trickle.stats().liveStreams,
    });
  }

  // One task: `async with sem:` then `await asyncio.wait_for(answer(p), timeout)`, with
  // task.cancel() as this answer's own AbortController. It never rejects: it ends in a
  // state (done, cancelled, timeout, failed) and returns the pane's outcome, so that one
  // cancelled answer does not fail the gather, as catching inside answer() would in Python.
  async #answer(pane, run, permits, chunks, { timeoutMs, split }) {
    const controller = new AbortController();
    const { signal } = controller;
    // Cancel all reaches every answer through its own controller. AbortSignal.any() would
    // join the two signals in one call, but not every browser the page serves has it.
    const all = run.controller.signal;
    const forward = () => controller.abort(all.reason);
    all.addEventListener('abort', forward, { once: true });
    pane.controller = controller;
    const prompt = pane.prompt.value;
    const options = { ...split, delayMs: pane.delay.valueAsNumber, signal };
    pane.fast = options.delayMs < 30;
    if (timeoutMs !== undefined) options.timeoutMs = timeoutMs; // from the first next(): after the permit
    let holding = false;
    try {
      this.#setState(pane, 'waiting');
      await permits.acquire({ signal });
      holding = true;
      // The lesson's template fills the prompt in as it is: without its final punctuation,
      // which the template's own comma would double ("coroutine?, …").
      const answer = this.#trickle.chat(lessonPrompt(prompt), options);
      this.#setState(pane, 'streaming');
      for await (const chunk of answer) {
        this.#append(pane, chunk);
        await chunks.put({ index: pane.index, chunk }); // unbounded: never waits
      }
      this.#end(pane, 'done', run);
    } catch (error) {
      this.#end(pane, endingOf(error), run, error);
    } finally {
      if (holding) permits.release();
      all.removeEventListener('abort', forward);
      pane.controller = null;
    }
    return pane.outcome();
  }

  // The fan-in pane is the queue's one consumer: `await queue.get()` until it is closed.
  async #readFanIn(chunks) {
    for await (const { index, chunk } of chunks) {
      const piece = document.createElement('span');
      piece.className = 'fan-chunk';
      piece.dataset.index = String(index);
      piece.dir = 'auto'; // isolated: a right-to-left prompt keeps its own order
      piece.textContent = chunk; // text, never HTML: the prompt comes back inside the answer
      this.#fanIn.append(piece);
    }
  }

  async #listCompleted(answers) {
    for await (const { value } of asCompleted(answers)) {
      this.#outcomes.completed.push(value);
      this.#completed.append(this.#outcomeItem(value, false));
    }
  }

  // ---- What the panel shows

  #append(pane, chunk) {
    pane.chunks.push(chunk);
    const piece = document.createElement('span');
    // Animated only at a pace the eye can follow: at 0 ms thousands of animations would
    // cost more than the chunks.
    piece.className = pane.fast ? 'conc-chunk' : 'conc-chunk is-fresh';
    piece.textContent = chunk;
    pane.output.append(piece);
    this.#renderCount(pane);
    this.#metricsFrame ||= requestAnimationFrame(() => {
      this.#metricsFrame = 0;
      this.#updateMetrics();
    });
  }

  #setState(pane, state) {
    pane.state = state;
    this.#renderPane(pane);
    this.#updateMetrics();
  }

  #end(pane, state, run, error) {
    pane.endedAt = performance.now() - run.startedAt;
    pane.element.dataset.endedMs = pane.endedAt.toFixed(1);
    pane.element.title = state === 'failed' ? String(error?.message ?? error) : '';
    keepFocus(pane.cancel, this.#run ? this.#cancelAll : this.#start);
    this.#setState(pane, state);
  }

  #renderPane(pane) {
    pane.element.dataset.state = pane.state;
    pane.stateLabel.textContent = translate(this.#lang, `conc.state.${pane.state}`);
    pane.cancel.disabled = !pane.busy;
    this.#renderCount(pane);
  }

  #renderCount(pane) {
    const count = pane.chunks.length;
    pane.element.dataset.count = String(count);
    pane.count.textContent = ENDINGS.includes(pane.state)
      ? translate(this.#lang, 'conc.countAt', { count, t: formatDuration(this.#lang, pane.endedAt) })
      : translate(this.#lang, 'conc.count', { count });
  }

  #outcomeItem(outcome, withText) {
    const item = document.createElement('li');
    item.dataset.index = String(outcome.index);
    item.dataset.state = outcome.state;
    const swatch = document.createElement('span');
    swatch.className = 'stream-swatch';
    swatch.setAttribute('aria-hidden', 'true');
    const meta = document.createElement('span');
    meta.className = 'conc-meta';
    meta.textContent = translate(this.#lang, 'conc.item', {
      n: outcome.index + 1,
      state: translate(this.#lang, `conc.state.${outcome.state}`),
      t: formatDuration(this.#lang, outcome.endedAt),
    });
    item.append(swatch, meta);
    if (withText) {
      const text = document.createElement('span');
      text.className = 'conc-text';
      text.textContent = outcome.text;
      item.append(' ', text);
    }
    return item;
  }

  // The completion list is a live region that grows an item at a time; it is rebuilt only
  // for a new run or a new language, so a screen reader hears each ending once.
  #renderCompleted() {
    this.#completed.replaceChildren(...this.#outcomes.completed.map((outcome) => this.#outcomeItem(outcome, false)));
  }

  #renderGathered() {
    this.#gathered.replaceChildren(...(this.#outcomes.gathered ?? []).map((outcome) => this.#outcomeItem(outcome, true)));
  }

  #updateMetrics() {
    const streaming = this.#panes.filter((pane) => pane.state === 'streaming').length;
    const waiting = this.#panes.filter((pane) => pane.state === 'waiting').length;
    const finished = this.#panes.filter((pane) => ENDINGS.includes(pane.state)).length;
    this.#peak = Math.max(this.#peak, streaming);
    Object.assign(this.#root.dataset, { streaming, waiting, peakStreaming: this.#peak });
    this.#root.querySelector('#conc-streaming').textContent = String(streaming);
    this.#root.querySelector('#conc-waiting').textContent = String(waiting);
    this.#root.querySelector('#conc-finished').textContent = `${finished} / ${this.#panes.length}`;
    if (this.#trickle) this.#root.querySelector('#conc-live').textContent = String(this.#trickle.stats().liveStreams);
  }

  #setRunning(running) {
    this.#root.dataset.run = running ? 'running' : 'finished';
    // Enable first: focus cannot move to a disabled button.
    const [from, to] = running ? [this.#start, this.#cancelAll] : [this.#cancelAll, this.#start];
    to.disabled = false;
    keepFocus(from, to);
    from.disabled = true;
    for (const input of [this.#limit, this.#timeout, ...this.#panes.flatMap((pane) => [pane.prompt, pane.delay])]) {
      input.disabled = running;
    }
    for (const box of this.#root.querySelectorAll('[data-conc-output], #conc-fanin')) {
      box.setAttribute('aria-busy', String(running));
    }
  }

  // The asyncio lines follow the controls' values.
  #showCode() {
    this.#root.querySelector('#conc-limit-code code').textContent = `sem = asyncio.Semaphore(${this.#limit.value})\nasync with sem:`;
    const input = this.#timeout;
    if (input.value !== '' && !(input.checkValidity() && Number.isFinite(input.valueAsNumber))) return;
    const timeout = input.value === '' ? 'None' : seconds(input.valueAsNumber);
    this.#root.querySelector('#conc-timeout-code code').textContent = `await asyncio.wait_for(answer(p), timeout=${timeout})`;
  }

  #say(key, values) {
    this.#statusLines.say(this.#status, key, values);
  }
}
