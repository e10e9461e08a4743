// The chat: the lesson's FastAPI endpoint, GET chat?prompt=…, answered by the Service
// Worker (or, where none runs, by the same endpoint code in the page), read the way the
// lesson's front end reads it: fetch(), getReader(), TextDecoder. The answer is rendered
// as markdown as it streams (with a switch to the raw text), each read is listed with its
// time and size, a screen reader hears the answer a few seconds at a time, and the code
// of both sides is shown with the current settings.
import { Announcer } from './announcer.mjs';
import { chatFetch } from './endpoints.mjs';
import { highlight } from './lesson.mjs';
import { MarkdownView } from './markdown.mjs';
import { formatDuration, formatNumber, translate } from './i18n.mjs';
import { keepFocus } from './following-box.mjs';

// Where the page's own answers are addressed when no worker runs: any URL will do, the
// endpoint reads only its path and query.
const PAGE_BASE = 'https://trickle.invalid/';

function chatQuery({ prompt, kind, lang, pace }) {
  const query = new URLSearchParams({ prompt });
  if (kind === 'auto') {
    query.set('answer', 'auto');
    query.set('lang', lang);
  }
  if (pace !== 'lesson') query.set('pace', pace);
  return `chat?${query}`;
}

function serverCode({ kind, lang, pace }, t) {
  const answer = kind === 'auto'
    ? `    answer = realistic_answer(prompt, lang=${JSON.stringify(lang)})  # ${t('chat.code.markdown')}`
    : '    answer = f"你提问的是: {prompt}, 我正在流式生成答案..."';
  const wait = pace === 'lesson' ? '        time.sleep(0.5)' : `        time.sleep(next(gaps))  # ${t('chat.code.pace', { pace })}`;
  return [
    'import re, time',
    'from fastapi import FastAPI',
    'from fastapi.responses import StreamingResponse',
    '',
    'app = FastAPI()',
    '',
    'def llm_stream_answer(prompt):',
    answer,
    `    for piece in re.findall(r"\\s*\\S+", answer):  # ${t('chat.code.piece')}`,
    wait,
    '        yield piece',
    '',
    '@app.get("/chat")',
    'def chat(prompt: str):',
    '    return StreamingResponse(llm_stream_answer(prompt),',
    '                             media_type="text/plain; charset=utf-8")',
  ].join('\n');
}

function clientCode(settings, t) {
  const url = chatQuery({ ...settings, prompt: '__PROMPT__' }).replace('__PROMPT__', '${encodeURIComponent(prompt)}');
  return [
    `const response = await fetch(\`${url}\`);`,
    'const reader = response.body.getReader();',
    `const decoder = new TextDecoder(); // ${t('chat.code.decoder')}`,
    'for (;;) {',
    '  const { done, value } = await reader.read();',
    '  if (done) break;',
    '  output.append(decoder.decode(value, { stream: true }));',
    '}',
  ].join('\n');
}

export class ChatPanel {
  #root;
  #lang = 'zh';
  #trickle = null;
  #worker = null; // the promise of connectWorker()'s result
  #say;
  #el;
  #markdown;
  #announcer;
  #run = null; // { cancel, cancelRequested }
  #text = '';
  #pendingReads = [];
  #frame = 0;
  #paceTouched = false;

  /** say(element, key, values): the page's status lines (they follow the language). */
  constructor(root, { say, copyLabel, onMarkdownError }) {
    this.#root = root;
    this.#say = say;
    const $ = (id) => root.querySelector(`#${id}`);
    this.#el = {
      intro: $('chat-intro'),
      worker: $('worker-status'),
      form: $('chat-form'),
      prompt: $('chat-prompt'),
      kind: $('chat-kind'),
      pace: $('chat-pace'),
      ask: $('chat-ask'),
      stop: $('chat-stop'),
      link: $('chat-link'),
      output: $('chat-output'),
      raw: $('chat-raw-output'),
      rawToggle: $('chat-raw'),
      source: $('chat-source'),
      status: $('chat-status'),
      readsTitle: $('chat-reads-title'),
      reads: $('chat-reads'),
      server: $('chat-server-code'),
      client: $('chat-client-code'),
    };
    this.#markdown = new MarkdownView(this.#el.output, { copyLabel: () => copyLabel('copy'), onError: onMarkdownError });
    this.#announcer = new Announcer($('chat-announce'));
    const el = this.#el;
    el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#ask();
    });
    el.stop.addEventListener('click', () => this.#stop());
    el.rawToggle.addEventListener('change', () => this.#showRaw());
    el.pace.addEventListener('change', () => {
      this.#paceTouched = true;
      this.#refresh();
    });
    el.kind.addEventListener('change', () => {
      // A realistic answer reads best at a model's pace; the lesson's template at its own.
      if (!this.#paceTouched) el.pace.value = el.kind.value === 'auto' ? 'gpt-4o' : 'lesson';
      this.#refresh();
    });
    el.prompt.addEventListener('input', () => this.#refresh());
  }

  /** The presets the pace select offers (once the module is loaded). */
  ready(trickle) {
    this.#trickle = trickle;
    const el = this.#el;
    for (const preset of trickle.presets) {
      const option = document.createElement('option');
      option.value = preset;
      option.textContent = preset;
      el.pace.append(option);
    }
    if (!this.#paceTouched && el.kind.value === 'auto') el.pace.value = 'gpt-4o';
    el.ask.disabled = this.#run !== null;
    this.#refresh();
  }

  /** The worker connection (connectWorker()'s promise): decides who answers. */
  useWorker(connection) {
    this.#worker = connection.then((result) => {
      const el = this.#el;
      el.worker.dataset.state = result.ok ? 'ready' : 'fallback';
      if (result.ok) {
        this.#say(el.worker, 'chat.worker.ready');
        el.link.parentElement.classList.add('is-ready');
      } else {
        this.#say(el.worker, 'chat.worker.fallback', { reason: describeFallback(result.reason) });
      }
      this.#refresh();
      return result;
    });
  }

  setLanguage(lang, previous) {
    this.#lang = lang;
    const el = this.#el;
    // An untouched default follows the language; anything the visitor typed stays.
    if (el.prompt.value === '' || el.prompt.value === translate(previous, 'chat.defaultPrompt')) {
      el.prompt.value = translate(lang, 'chat.defaultPrompt');
    }
    for (const item of el.reads.children) item.textContent = this.#readText(item);
    this.#markdown.relabel();
    this.#refresh();
  }

  // The texts and code that follow the settings and the worker's state.
  #refresh() {
    const el = this.#el;
    const lang = this.#lang;
    const t = (key, values) => translate(lang, key, values);
    const state = el.worker.dataset.state;
    el.intro.textContent = t(state === 'fallback' ? 'chat.intro.page' : 'chat.intro.worker');
    el.readsTitle.textContent = t('chat.reads');
    const settings = this.#settings();
    el.link.href = chatQuery(settings);
    el.server.replaceChildren(highlight(serverCode(settings, t), 'python'));
    el.client.replaceChildren(highlight(clientCode(settings, t), 'js'));
  }

  #settings() {
    const el = this.#el;
    return { prompt: el.prompt.value, kind: el.kind.value, lang: this.#lang, pace: el.pace.value };
  }

  #setRunning(running) {
    const el = this.#el;
    el.ask.disabled = running || !this.#trickle;
    el.stop.disabled = !running;
    el.output.setAttribute('aria-busy', String(running));
    if (running) keepFocus(el.ask, el.stop);
    else keepFocus(el.stop, el.ask);
  }

  #readText(item) {
    const lang = this.#lang;
    const t = `+${formatDuration(lang, Number(item.dataset.t))}`;
    return translate(lang, 'chat.read', { t, bytes: formatNumber(lang, Number(item.dataset.bytes), 0), count: Number(item.dataset.bytes) });
  }

  #showRaw() {
    const raw = this.#el.rawToggle.checked;
    this.#el.raw.hidden = !raw;
    this.#el.output.hidden = raw;
    if (!raw) this.#markdown.render(true);
  }

  // Everything that arrived since the last frame, drawn at once.
  #draw() {
    this.#frame = 0;
    const el = this.#el;
    const reads = this.#pendingReads;
    this.#pendingReads = [];
    if (reads.length > 0) {
      const fragment = document.createDocumentFragment();
      for (const { t, bytes } of reads) {
        const item = document.createElement('li');
        item.dataset.t = String(Math.round(t));
        item.dataset.bytes = String(bytes);
        item.textContent = this.#readText(item);
        fragment.append(item);
      }
      el.reads.append(fragment);
      el.reads.scrollTop = el.reads.scrollHeight;
    }
    if (el.raw.textContent.length !== this.#text.length) {
      el.raw.textContent = this.#text;
      el.raw.scrollTop = el.raw.scrollHeight;
    }
    this.#markdown.setText(this.#text);
    if (!el.rawToggle.checked) {
      this.#markdown.render();
      el.output.scrollTop = el.output.scrollHeight;
    }
  }

  #schedule() {
    this.#frame ||= requestAnimationFrame(() => this.#draw());
  }

  async #ask() {
    if (this.#run || !this.#trickle) return;
    const el = this.#el;
    const settings = this.#settings();
    const run = { cancel: null, cancelRequested: false };
    this.#run = run;
    let startedAt;
    let bytes;
    let reads;
    const clear = () => {
      this.#text = '';
      this.#pendingReads = [];
      el.reads.replaceChildren();
      el.raw.textContent = '';
      this.#markdown.reset();
      startedAt = performance.now();
      bytes = 0;
      reads = 0;
    };
    clear();
    this.#announcer.reset();
    el.source.textContent = '';
    el.source.dataset.source = '';
    this.#setRunning(true);
    this.#say(el.status, 'chat.running');
    this.#announcer.say(translate(this.#lang, 'chat.running'));

    const handlers = {
      onRead: (text, byteCount) => {
        this.#text += text;
        this.#announcer.add(text);
        if (byteCount > 0) {
          reads += 1;
          bytes += byteCount;
          this.#pendingReads.push({ t: performance.now() - startedAt, bytes: byteCount });
        }
        this.#schedule();
      },
      onCancelReady: (cancel) => {
        run.cancel = cancel;
        if (run.cancelRequested) cancel();
      },
    };
    const url = chatQuery(settings);
    let result;
    let failure = null;
    try {
      const connection = await this.#worker;
      if (connection?.ok) {
        try {
          result = await readAnswer(() => fetch(url, { cache: 'no-store' }), 'service-worker', handlers);
        } catch (error) {
          // The worker went away (unregistered, a broken update): answer in the page.
          if (run.cancelRequested) throw error;
          this.#say(el.worker, 'chat.worker.fallback', { reason: error.message });
          el.worker.dataset.state = 'fallback';
          this.#worker = Promise.resolve({ ok: false, reason: error.message });
          clear();
          result = await this.#readInPage(url, handlers);
        }
      } else {
        result = await this.#readInPage(url, handlers);
      }
    } catch (error) {
      failure = error;
    } finally {
      this.#run = null;
      this.#setRunning(false);
    }
    cancelAnimationFrame(this.#frame);
    this.#draw();
    this.#markdown.render(true);
    if (failure) {
      this.#say(el.status, 'chat.failed', { message: failure.message });
      return;
    }
    el.source.dataset.source = result.source;
    this.#say(el.source, result.source === 'service-worker' ? 'chat.source.worker' : 'chat.source.page');
    if (result.cancelled) {
      this.#say(el.status, 'chat.stopped');
    } else {
      this.#say(el.status, 'chat.done', { reads, bytes, total: (lang) => formatDuration(lang, performance.now() - startedAt) });
    }
    this.#announcer.say(el.status.textContent);
    this.#refresh();
  }

  #readInPage(url, handlers) {
    const request = new URL(url, PAGE_BASE);
    return readAnswer(() => chatFetch(this.#trickle, request)(request), 'page', handlers);
  }

  #stop() {
    const run = this.#run;
    if (!run) return;
    run.cancelRequested = true;
    run.cancel?.();
  }
}

function describeFallback(reason) {
  if (reason === 'unsupported') return (lang) => translate(lang, 'chat.reason.unsupported');
  if (reason === 'single-file') return (lang) => translate(lang, 'chat.reason.singleFile');
  if (reason === 'timeout') return (lang) => translate(lang, 'chat.reason.timeout');
  return reason;
}

/**
 * The lesson's front end: fetch the answer and hand it on as the bytes arrive.
 * onRead(text, byteCount) is called once per reader.read() that carried data.
 * Resolves to { source, cancelled } when the body ends or is cancelled through `cancel`.
 */
async function readAnswer(request, source, { onRead, onCancelReady }) {
  const response = await request();
  if (source === 'service-worker' && response.headers.get('x-trickle-source') !== 'service-worker') {
    await response.body?.cancel();
    throw new Error(`the worker did not answer (HTTP ${response.status})`);
  }
  if (!response.ok) {
    const message = await response.text();
    throw new Error(`HTTP ${response.status}: ${message.trim()}`);
  }
  const reader = response.body.getReader();
  let cancelled = false;
  onCancelReady(() => {
    cancelled = true;
    return reader.cancel();
  });
  // stream: true keeps a character split across two reads from turning into U+FFFD.
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onRead(decoder.decode(value, { stream: true }), value.byteLength);
  }
  const rest = decoder.decode();
  if (rest) onRead(rest, 0);
  return { source, cancelled };
}
