// The page: a playground for trickle, the lesson's chat endpoint and its asyncio demo, all
// run by the C++ generator in WebAssembly. It uses trickle exactly as any other project
// would: createTrickle(), stream(), createFetch(), for await. Each section is a module of
// its own (playground.mjs, chat.mjs, concurrency.mjs); this one starts them, and owns what
// they share: the language, the colour scheme, share links and copy buttons.
import createTrickle from '../src/js/trickle.mjs';
import { ChatPanel } from './chat.mjs';
import { ConcurrencyPanel } from './concurrency.mjs';
import { enableCopyButtons } from './copy.mjs';
import { loadMarkdown } from './markdown.mjs';
import { StatusLines, applyStaticText, preferredLanguage, rememberLanguage, translate, LANGUAGES } from './i18n.mjs';
import { Playground } from './playground.mjs';
import { decodeShare } from './share.mjs';
import { setupTheme } from './theme.mjs';
import { connectWorker, helloWorker } from './worker-client.mjs';

const $ = (id) => document.getElementById(id);
const PAGE_BUILD = document.querySelector('meta[name="trickle-build"]').content;

let lang = preferredLanguage();
let trickle = null;

// Status lines remember their message, so a language switch can say them again.
const statusLines = new StatusLines(lang);
const say = (element, key, values) => statusLines.say(element, key, values);
const copyLabel = (key) => translate(lang, key);
const onMarkdownError = (error) => say($('gen-status'), 'markdown.failed', { message: error.message });

const playground = new Playground($('playground'), { say, copyLabel, onMarkdownError });
const chat = new ChatPanel($('chat'), { say, copyLabel, onMarkdownError });
const concurrency = new ConcurrencyPanel($('concurrency'));
enableCopyButtons(document.body, copyLabel);
setupTheme(document.querySelector('.masthead'), () => playground.refreshColors());

// ---------------------------------------------------------------------------------------
// Language

function setLanguage(next) {
  const previous = lang;
  lang = next;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = translate(lang, 'page.title');
  applyStaticText(document, lang);
  $('lang-toggle').lang = lang === 'zh' ? 'en' : 'zh-CN';
  statusLines.setLanguage(lang);
  playground.setLanguage(lang, previous);
  chat.setLanguage(lang, previous);
  concurrency.setLanguage(lang);
}

$('lang-toggle').addEventListener('click', () => {
  setLanguage(lang === 'zh' ? 'en' : 'zh');
  rememberLanguage(lang);
});

// ---------------------------------------------------------------------------------------
// Start-up: a share link first (it may choose the language), then the module and the worker.

const shared = await decodeShare(location.hash).catch((error) => ({ error: error.message }));
if (shared?.lang && LANGUAGES.includes(shared.lang)) lang = shared.lang;
setLanguage(lang);
if (shared?.error) say($('gen-status'), 'share.failed', { message: shared.error });
else if (shared) playground.restore(shared);
if (!shared?.error && shared === null) say($('gen-status'), 'gen.idle');
say($('chat-status'), 'chat.idle');
if (PAGE_BUILD && !PAGE_BUILD.startsWith('__')) say($('page-build'), 'footer.build', { build: PAGE_BUILD });

const worker = connectWorker(PAGE_BUILD).then((result) => {
  if (result.ok) say($('worker-build'), 'footer.workerBuild', { build: result.build });
  return result;
});
playground.useWorker(worker);
chat.useWorker(worker);
// A deployment while the page is open: the new worker takes over; show which one.
navigator.serviceWorker?.addEventListener('controllerchange', async () => {
  const build = (await helloWorker())?.build;
  if (build) say($('worker-build'), 'footer.workerBuild', { build });
});
const cppLoaded = playground.loadCppSource();

const moduleStatus = $('module-status');
const loadStartedAt = performance.now();
try {
  trickle = await createTrickle();
  moduleStatus.dataset.state = 'ready';
  say(moduleStatus, 'module.ready', { ms: String(Math.round(performance.now() - loadStartedAt)) });
  playground.ready(trickle);
  chat.ready(trickle);
  concurrency.ready(trickle);
} catch (error) {
  moduleStatus.dataset.state = 'failed';
  say(moduleStatus, 'module.failed', { message: error.message });
}
await cppLoaded;
document.documentElement.dataset.app = trickle ? 'ready' : 'failed';
// The markdown renderer is loaded when the page has nothing else to do, so that the first
// answer rendered does not spend a frame compiling it.
const idle = window.requestIdleCallback ?? ((callback) => setTimeout(callback, 500));
idle(() => loadMarkdown().catch(() => {}));
