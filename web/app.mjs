// The page: the lesson's demos, run by the C++ generator in WebAssembly. It uses trickle
// exactly as any other project would: createTrickle(), stream(), chat(), for await.
import createTrickle from '../src/js/trickle.mjs';
import { StatusLines, applyStaticText, duration, formatDuration, preferredLanguage, rememberLanguage, translate } from './i18n.mjs';
import { Lesson } from './lesson.mjs';
import { Timeline } from './timeline.mjs';
import { connectWorker, helloWorker, readDirectAnswer, readWorkerAnswer } from './chat.mjs';
import { ConcurrencyPanel } from './concurrency.mjs';
import { FollowingBox, keepFocus } from './following-box.mjs';

const $ = (id) => document.getElementById(id);
const PAGE_BUILD = document.querySelector('meta[name="trickle-build"]').content;

let lang = preferredLanguage();
let trickle = null;

// Status lines remember their message, so a language switch can say them again.
const statusLines = new StatusLines(lang);
const say = (element, key, values) => statusLines.say(element, key, values);

// The page's parts.
const form = {
  text: $('gen-text'),
  delay: $('gen-delay'),
  split: $('gen-split'),
  start: $('gen-start'),
  stop: $('gen-stop'),
};
const chat = {
  prompt: $('chat-prompt'),
  ask: $('chat-ask'),
  stop: $('chat-stop'),
  output: $('chat-output'),
  reads: $('chat-reads'),
  source: $('chat-source'),
  status: $('chat-status'),
  worker: $('worker-status'),
  link: $('chat-link'),
};

const lesson = new Lesson($('lesson'));
const timeline = new Timeline(
  $('timeline'),
  { first: $('metric-first'), rate: $('metric-rate'), total: $('metric-total'), late: $('metric-late') },
  $('timeline-desc'),
);
const concurrency = new ConcurrencyPanel($('concurrency'));

// ---------------------------------------------------------------------------------------
// Language

function setLanguage(next) {
  const previous = lang;
  lang = next;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = translate(lang, 'page.title');
  applyStaticText(document, lang);
  $('lang-toggle').lang = lang === 'zh' ? 'en' : 'zh-CN';
  // Untouched defaults follow the language; anything the visitor typed stays.
  for (const [input, key] of [[form.text, 'gen.defaultText'], [chat.prompt, 'chat.defaultPrompt']]) {
    if (input.value === '' || input.value === translate(previous, key)) input.value = translate(lang, key);
  }
  timeline.setLanguage(lang);
  if (!generatorRun) showPlan();
  else lesson.configure(generatorRun.options, lang);
  statusLines.setLanguage(lang);
  for (const item of chat.reads.children) item.textContent = readText(item);
  updateChatLink();
  concurrency.setLanguage(lang);
}

$('lang-toggle').addEventListener('click', () => {
  setLanguage(lang === 'zh' ? 'en' : 'zh');
  rememberLanguage(lang);
});

// ---------------------------------------------------------------------------------------
// 1–3. The generator, the lesson and the timeline: one run drives all three.

let generatorRun = null; // { stream, options, stopped, count, holdTimer }

function readGeneratorOptions() {
  return {
    text: form.text.value,
    delayMs: form.delay.valueAsNumber,
    split: form.split.value,
  };
}

// How many pieces the JS twin of the splitter finds: only to draw the plan ahead of time.
function expectedPieces(text, split) {
  if (split === 'char') return [...text].length;
  if (split === 'space') return text.split(' ').length;
  return text.split(/\s+/).filter(Boolean).length;
}

// A yield takes no time at all; light its lines for a moment so the eye can catch it,
// then show what the coroutine really does next: sleep until the following deadline.
function yieldHoldMs(delayMs) {
  return Math.min(180, delayMs * 0.35);
}

function setGeneratorRunning(running) {
  form.start.disabled = running;
  form.stop.disabled = !running;
  chunkBox.setAttribute('aria-busy', String(running));
  if (running) keepFocus(form.start, form.stop);
  else keepFocus(form.stop, form.start);
}

// The chunk box follows the newest chunk unless the reader has scrolled up to look back.
const chunkBox = $('gen-chunks');
const chunkOutput = new FollowingBox(chunkBox);

function appendChunk(chunk, index, elapsedMs, joiner) {
  if (index > 0 && joiner) chunkOutput.append(joiner);
  const piece = document.createElement('span');
  piece.className = 'chunk';
  piece.dataset.index = String(index);
  piece.dataset.t = elapsedMs.toFixed(1);
  piece.textContent = chunk; // text, never HTML
  if (chunk === '') {
    piece.classList.add('is-empty');
    piece.title = translate(lang, 'gen.emptyChunk');
  }
  chunkOutput.append(piece);
}

async function startGenerator() {
  if (generatorRun || !trickle) return;
  if (!form.delay.checkValidity() || !Number.isFinite(form.delay.valueAsNumber)) {
    form.delay.reportValidity();
    return;
  }
  const options = readGeneratorOptions();
  const status = $('gen-status');
  let stream;
  try {
    stream = trickle.stream(options.text, { delayMs: options.delayMs, split: options.split });
  } catch (error) {
    say(status, 'gen.failed', { message: error.message });
    return;
  }
  const run = { stream, options, stopped: false, count: 0, holdTimer: 0 };
  generatorRun = run;

  chunkOutput.clear();
  $('gen-count').textContent = '0';
  setGeneratorRunning(true);
  say(status, 'gen.running');
  lesson.configure(options, lang);
  lesson.setStep('wait', 1);
  timeline.start({ delayMs: options.delayMs, expectedCount: expectedPieces(options.text, options.split) });

  const joiner = options.split === 'char' ? '' : ' ';
  const startedAt = performance.now();
  let ending = 'done';
  try {
    // The lesson's consumer loop. The C++ coroutine runs each time this asks for more.
    for await (const chunk of stream) {
      const elapsed = performance.now() - startedAt;
      run.count += 1;
      appendChunk(chunk, run.count - 1, elapsed, joiner);
      $('gen-count').textContent = String(run.count);
      timeline.arrive(elapsed);
      lesson.setStep('yield', run.count);
      clearTimeout(run.holdTimer);
      const next = run.count + 1;
      run.holdTimer = setTimeout(() => {
        if (generatorRun === run) lesson.setStep('wait', next);
      }, yieldHoldMs(options.delayMs));
    }
    if (run.stopped) ending = 'stopped';
  } catch (error) {
    ending = 'failed';
    say(status, 'gen.failed', { message: error.message });
  } finally {
    clearTimeout(run.holdTimer);
    generatorRun = null;
  }
  const total = performance.now() - startedAt;
  timeline.finish();
  setGeneratorRunning(false);
  if (ending === 'failed') {
    lesson.setStep('stopped');
    return;
  }
  lesson.setStep(ending);
  const live = trickle.stats().liveStreams;
  say(status, ending === 'stopped' ? 'gen.stopped' : 'gen.done', {
    count: run.count,
    total: duration(total),
    live,
  });
}

function stopGenerator() {
  const run = generatorRun;
  if (!run) return;
  run.stopped = true;
  // What `break` in the loop would do, without waiting for the next chunk to arrive:
  // return() ends the iteration now, the waiting for-await sees done, and the C++
  // coroutine frame is destroyed at once.
  run.stream.return();
}

$('gen-form').addEventListener('submit', (event) => {
  event.preventDefault();
  startGenerator();
});
form.stop.addEventListener('click', stopGenerator);
// Before a run, the lesson and the timeline show what Start would do: the code with the
// current values, and the planned ticks on an axis that fits them.
function showPlan() {
  if (generatorRun) return;
  const options = readGeneratorOptions();
  lesson.configure(options, lang);
  if (!form.delay.validity.valid) return;
  timeline.start({ delayMs: options.delayMs, expectedCount: expectedPieces(options.text, options.split) });
}
// setLanguage() shows the first plan at start-up, once it has filled in the default text.
for (const input of [form.text, form.delay, form.split]) input.addEventListener('input', showPlan);

// ---------------------------------------------------------------------------------------
// 4. Chat: the lesson's FastAPI endpoint, answered by the Service Worker.

let worker = null; // the promise from connectWorker()
let chatRun = null; // { cancel }
const encoder = new TextEncoder(); // counts the bytes of an answer read in the page

function showWorkerBuild(build) {
  const element = $('worker-build');
  if (build) say(element, 'footer.workerBuild', { build });
}

function describeFallback(reason) {
  if (reason === 'unsupported') return (shown) => translate(shown, 'chat.reason.unsupported');
  if (reason === 'single-file') return (shown) => translate(shown, 'chat.reason.singleFile');
  if (reason === 'timeout') return (shown) => translate(shown, 'chat.reason.timeout');
  return reason;
}

function startWorker() {
  worker = connectWorker(PAGE_BUILD).then((result) => {
    chat.worker.dataset.state = result.ok ? 'ready' : 'fallback';
    if (result.ok) {
      say(chat.worker, 'chat.worker.ready');
      showWorkerBuild(result.build);
      chat.link.parentElement.classList.add('is-ready');
    } else {
      say(chat.worker, 'chat.worker.fallback', { reason: describeFallback(result.reason) });
    }
    return result;
  });
  // A deployment while the page is open: the new worker takes over; show which one.
  navigator.serviceWorker?.addEventListener('controllerchange', async () => {
    showWorkerBuild((await helloWorker())?.build);
  });
}

function setChatRunning(running) {
  chat.ask.disabled = running || !trickle;
  chat.stop.disabled = !running;
  chat.output.setAttribute('aria-busy', String(running));
  if (running) keepFocus(chat.ask, chat.stop);
  else keepFocus(chat.stop, chat.ask);
}

function readText(item) {
  const t = `+${formatDuration(lang, Number(item.dataset.t))}`;
  const { bytes } = item.dataset;
  return bytes === '' ? translate(lang, 'chat.readDirect', { t }) : translate(lang, 'chat.read', { t, bytes });
}

function logRead(startedAt, bytes) {
  const item = document.createElement('li');
  item.dataset.t = String(Math.round(performance.now() - startedAt));
  item.dataset.bytes = bytes === null ? '' : String(bytes);
  item.textContent = readText(item);
  chat.reads.append(item);
  chat.reads.scrollTop = chat.reads.scrollHeight;
}

async function ask() {
  if (chatRun || !trickle) return;
  const prompt = chat.prompt.value;
  const run = { cancel: null, cancelRequested: false };
  chatRun = run;
  let startedAt;
  let bytes;
  let reads;
  const clear = () => {
    chat.output.textContent = '';
    chat.reads.replaceChildren();
    startedAt = performance.now();
    bytes = 0;
    reads = 0;
  };
  clear();
  chat.source.textContent = '';
  chat.source.dataset.source = '';
  setChatRunning(true);
  say(chat.status, 'chat.running');

  const handlers = {
    onRead(text, byteCount) {
      chat.output.textContent += text; // the prompt comes back inside the answer: text only
      if (byteCount !== 0) {
        reads += 1;
        bytes += byteCount ?? encoder.encode(text).byteLength;
        logRead(startedAt, byteCount);
      }
    },
    onCancelReady(cancel) {
      run.cancel = cancel;
      if (run.cancelRequested) cancel();
    },
  };
  let result;
  try {
    const connection = await worker;
    if (connection.ok) {
      try {
        result = await readWorkerAnswer(prompt, handlers);
      } catch (error) {
        // The worker went away (unregistered, a broken update): answer in the page.
        if (run.cancelRequested) throw error;
        say(chat.worker, 'chat.worker.fallback', { reason: error.message });
        chat.worker.dataset.state = 'fallback';
        worker = Promise.resolve({ ok: false, reason: error.message });
        clear();
        result = await readDirectAnswer(trickle, prompt, handlers);
      }
    } else {
      result = await readDirectAnswer(trickle, prompt, handlers);
    }
  } catch (error) {
    say(chat.status, 'chat.failed', { message: error.message });
  } finally {
    chatRun = null;
    setChatRunning(false);
  }
  if (!result) return;
  chat.source.dataset.source = result.source;
  say(chat.source, result.source === 'service-worker' ? 'chat.source.worker' : 'chat.source.page');
  if (result.cancelled) {
    say(chat.status, 'chat.stopped');
  } else {
    say(chat.status, 'chat.done', { reads, bytes, total: duration(performance.now() - startedAt) });
  }
}

function stopChat() {
  const run = chatRun;
  if (!run) return;
  run.cancelRequested = true;
  run.cancel?.();
}

// The endpoint is real: opened in a tab, the worker streams the answer there too.
function updateChatLink() {
  chat.link.href = `chat?prompt=${encodeURIComponent(chat.prompt.value)}`;
}
chat.prompt.addEventListener('input', updateChatLink);

$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  ask();
});
chat.stop.addEventListener('click', stopChat);

// ---------------------------------------------------------------------------------------
// Start-up

setLanguage(lang);
if (PAGE_BUILD && !PAGE_BUILD.startsWith('__')) say($('page-build'), 'footer.build', { build: PAGE_BUILD });
say($('gen-status'), 'gen.idle');
say(chat.status, 'chat.idle');
startWorker();
const cppLoaded = lesson.loadCppSource();

const moduleStatus = $('module-status');
const loadStartedAt = performance.now();
try {
  trickle = await createTrickle();
  moduleStatus.dataset.state = 'ready';
  say(moduleStatus, 'module.ready', { ms: Math.round(performance.now() - loadStartedAt) });
  form.start.disabled = false;
  chat.ask.disabled = false;
  concurrency.ready(trickle);
} catch (error) {
  moduleStatus.dataset.state = 'failed';
  say(moduleStatus, 'module.failed', { message: error.message });
}
await cppLoaded;
document.documentElement.dataset.app = trickle ? 'ready' : 'failed';
