// The page's two languages. Chinese carries the lesson's own sentences; English follows the
// browser when it prefers English (or anything that is not Chinese). Every string is set
// with textContent, so nothing here is ever parsed as HTML.

const STRINGS = {
  zh: {
    'page.title': 'trickle · 浏览器里的流式输出',
    'page.skip': '跳到正文',
    'page.tagline': '一个 C++20 协程编译成 WebAssembly，在浏览器里像大模型一样一块一块地给出答案。全程没有服务器。',
    'lang.toggle': 'English',
    'lang.toggleLabel': 'Switch to English',
    'module.loading': '正在加载 C++ 模块…',
    'module.ready': 'C++ 协程已就绪 · {ms} 毫秒',
    'module.failed': 'WebAssembly 模块加载失败：{message}',

    'gen.title': '生成器',
    'gen.intro': 'C++ 协程每隔一段时间交出（co_yield）一块文本，页面用 for await 逐块读取。停止 = 跳出循环，C++ 那一侧的流会立刻释放。',
    'gen.text': '文本',
    'gen.delay': '间隔（毫秒）',
    'gen.split': '切分方式',
    'gen.split.whitespace': '按空白切分（Python 的 split()）',
    'gen.split.space': '按单个空格（JS 的 split(" ")）',
    'gen.split.char': '逐字',
    'gen.start': '开始',
    'gen.stop': '停止',
    'gen.output': '收到的块',
    'gen.defaultText': '你好 我 是 一个 模拟 的 LLM',
    'gen.idle': '点“开始”，看 C++ 协程一块一块地交出文本。',
    'gen.running': '正在接收…',
    'gen.done': '完成：{count} 块，共 {total}。C++ 流已结束并释放（仍存活的流：{live}）。',
    'gen.stopped': '已停止：收到 {count} 块后调用了 return()（break 做的就是这件事），C++ 流立即释放（仍存活的流：{live}）。',
    'gen.failed': '出错了：{message}',
    'gen.emptyChunk': '空块',

    'lesson.title': '课堂实况',
    'lesson.intro': '同一个生成器的三种写法。每来一块，三栏一起标出当前这一步：等待延迟，或交出一块。C++ 一栏是此刻真正在运行的源码。',
    'lesson.python': 'Python 生成器',
    'lesson.js': 'JS 异步生成器',
    'lesson.cpp': 'C++20 协程（实际运行）',
    'lesson.cppSource': 'src/core/stream/llm_stream.cpp',
    'lesson.cppMissing': '（没有找到 llm_stream.cpp：请用 scripts/build 构建站点）',
    'lesson.wait': '等待',
    'lesson.yield': '交出',
    'lesson.step.idle': '还没开始。',
    'lesson.step.wait': '第 {n} 块：等待延迟（C++ 第 {line} 行，co_await）',
    'lesson.step.yield': '第 {n} 块：交出（C++ 第 {line} 行，co_yield）',
    'lesson.step.done': '生成器结束了。',
    'lesson.step.stopped': '循环提前结束，协程帧已销毁。',
    'lesson.comment.wait': '假装在思考',
    'lesson.comment.yield': '交出一块',
    'lesson.comment.use': '边收边显示',

    'timeline.title': '到达时间线',
    'timeline.intro': '刻度是计划：第 i 块应在开始后 (i+1) × 间隔 到达。圆点是实际到达的时刻，斜线连接两者。',
    'timeline.schedule': '计划',
    'timeline.arrived': '到达',
    'timeline.empty': '开始一次生成，这里会画出每一块的到达时间。',
    'timeline.summary': '{count} 块，首块 {first}，共 {total}，最多晚了 {late}。',
    'metric.first': '首块耗时',
    'metric.rate': '每秒块数',
    'metric.total': '总耗时',
    'metric.late': '最多晚了',

    'chat.title': '聊天',
    'chat.intro': '课程里的 FastAPI 接口，这里由浏览器里的 Service Worker 来回答：它加载同一个 wasm 模块，把 C++ 生成器的输出作为流式响应返回。页面像课程的前端那样读取：fetch()、getReader()、TextDecoder。',
    'chat.prompt': '问题',
    'chat.defaultPrompt': '你好',
    'chat.ask': '提问',
    'chat.stop': '停止',
    'chat.openLink': '在新标签页里直接打开这个接口',
    'chat.answer': '回答',
    'chat.reads': '每一次 reader.read()',
    'chat.read': '{t} · {bytes} 字节',
    'chat.readDirect': '{t} · 一块',
    'chat.worker.connecting': 'Service Worker 正在启动…',
    'chat.worker.ready': '回答来自 Service Worker：GET chat?prompt=…',
    'chat.worker.fallback': '这里用不了 Service Worker（{reason}），所以页面直接读取 trickle.chat() 的流。',
    'chat.reason.unsupported': '浏览器不提供，比如 file:// 地址或隐私窗口',
    'chat.reason.singleFile': '这是单文件版页面，可以直接从磁盘打开，而 file:// 地址上运行不了 Service Worker',
    'chat.reason.timeout': '等了太久也没有接管页面',
    'chat.source.worker': '来源：Service Worker',
    'chat.source.page': '来源：页面内直接读取',
    'chat.idle': '按“提问”，答案会一个词一个词地出现。',
    'chat.running': '正在接收…',
    'chat.done': '完成：{reads} 次读取，{bytes} 字节，用时 {total}。',
    'chat.stopped': '已停止：reader.cancel() 让那一侧的 C++ 流立即释放。',
    'chat.failed': '出错了：{message}',

    'conc.title': '并发与取消',
    'conc.intro': '同时问四个问题，就像 asyncio 同时跑四个任务：每个回答是一个任务，有自己的窗格。信号量限制同时输出几个；超时或取消会立刻释放 C++ 那一侧的流；汇流窗格把所有块按到达的顺序排在一起。页面用的是 trickle/toolbox 的 Semaphore、gather、asCompleted 和 AsyncQueue，每个流一个 AbortController。每个控件旁边的代码是 Python asyncio 里对应的那一行。',
    'conc.limit': '同时最多输出几个',
    'conc.timeout': '超时（毫秒）',
    'conc.timeoutNone': '不限',
    'conc.start': '全部开始',
    'conc.cancelAll': '全部取消',
    'conc.metric.streaming': '正在输出',
    'conc.metric.waiting': '等待许可',
    'conc.metric.finished': '已结束',
    'conc.answers': '四个回答，同时进行',
    'conc.pane': '回答',
    'conc.prompt': '问题',
    'conc.delay': '间隔（毫秒）',
    'conc.cancel': '取消',
    'conc.defaultPrompt.1': '请详细讲讲事件循环是怎么工作的',
    'conc.defaultPrompt.2': '什么是协程',
    'conc.defaultPrompt.3': '你好',
    'conc.defaultPrompt.4': '写一首关于秋天的短诗',
    'conc.state.idle': '未开始',
    'conc.state.waiting': '等待许可',
    'conc.state.streaming': '正在输出',
    'conc.state.done': '完成',
    'conc.state.cancelled': '已取消',
    'conc.state.timeout': '超时',
    'conc.state.failed': '出错',
    'conc.count': '{count} 块',
    'conc.countAt': '{count} 块 · 结束于 {t}',
    'conc.gathered': 'gather 的结果：按提问的顺序',
    'conc.completed': '完成的顺序',
    'conc.item': '回答 {n} · {state} · {t}',
    'conc.fanin': '汇流：所有回答的块，按到达的顺序',
    'conc.idle': '按“全部开始”，四个问题同时提问。',
    'conc.running': '正在接收…',
    'conc.summary': '全部结束，用时 {total}：完成 {done} 个，取消 {cancelled} 个，超时 {timeout} 个。仍存活的 C++ 流：{live}。',
    'conc.failed': '出错了：{message}',

    'footer.text': '所有内容都在你的浏览器里运行：C++20 协程 → WebAssembly → JS 异步迭代器。没有服务器、没有外部请求，加载后离线也能用。',
    'footer.build': '版本 {build}',
    'footer.workerBuild': 'Service Worker 版本 {build}',

    'unit.ms': '{n} 毫秒',
    'unit.s': '{n} 秒',
    'unit.rate': '{n} 块/秒',
  },
  en: {
    'page.title': 'trickle · streaming in the browser',
    'page.skip': 'Skip to the demos',
    'page.tagline': 'A C++20 coroutine compiled to WebAssembly hands out an answer piece by piece, the way an LLM does, right in your browser. No server anywhere.',
    'lang.toggle': '中文',
    'lang.toggleLabel': '切换到中文',
    'module.loading': 'Loading the C++ module…',
    'module.ready': 'C++ coroutine ready · {ms} ms',
    'module.failed': 'The WebAssembly module failed to load: {message}',

    'gen.title': 'The generator',
    'gen.intro': 'The C++ coroutine yields (co_yield) one piece of text at a time; the page reads them with for await. Stop leaves the loop, and the C++ side of the stream is freed at once.',
    'gen.text': 'Text',
    'gen.delay': 'Delay (ms)',
    'gen.split': 'Split',
    'gen.split.whitespace': 'on whitespace (Python’s split())',
    'gen.split.space': 'on single spaces (JS split(" "))',
    'gen.split.char': 'one character at a time',
    'gen.start': 'Start',
    'gen.stop': 'Stop',
    'gen.output': 'Chunks received',
    'gen.defaultText': 'Hello I am a simulated LLM',
    'gen.idle': 'Press Start to watch the C++ coroutine hand out the text piece by piece.',
    'gen.running': 'Receiving…',
    'gen.done': 'Done: {count} chunks in {total}. The C++ stream ended and was freed (streams still alive: {live}).',
    'gen.stopped': 'Stopped after {count} chunks: return() (what break calls) freed the C++ stream at once (streams still alive: {live}).',
    'gen.failed': 'Something went wrong: {message}',
    'gen.emptyChunk': 'empty chunk',

    'lesson.title': 'The lesson, live',
    'lesson.intro': 'One generator, written three ways. As each chunk arrives, all three mark the step they are on: waiting out the delay, or yielding a piece. The C++ column is the source that is actually running.',
    'lesson.python': 'Python generator',
    'lesson.js': 'JS async generator',
    'lesson.cpp': 'C++20 coroutine (running)',
    'lesson.cppSource': 'src/core/stream/llm_stream.cpp',
    'lesson.cppMissing': '(llm_stream.cpp not found: build the site with scripts/build)',
    'lesson.wait': 'waiting',
    'lesson.yield': 'yielding',
    'lesson.step.idle': 'Not started yet.',
    'lesson.step.wait': 'Chunk {n}: waiting out the delay (C++ line {line}, co_await)',
    'lesson.step.yield': 'Chunk {n}: yielding it (C++ line {line}, co_yield)',
    'lesson.step.done': 'The generator has finished.',
    'lesson.step.stopped': 'The loop ended early; the coroutine frame is destroyed.',
    'lesson.comment.wait': 'pretend to think',
    'lesson.comment.yield': 'hand one over',
    'lesson.comment.use': 'show it at once',

    'timeline.title': 'Arrival timeline',
    'timeline.intro': 'Ticks are the plan: chunk i is due (i+1) × delay after Start. Dots are the moments the chunks really arrived; a line joins each pair.',
    'timeline.schedule': 'plan',
    'timeline.arrived': 'arrived',
    'timeline.empty': 'Start a run to see when each chunk arrives.',
    'timeline.summary': '{count} chunks, the first after {first}, all in {total}, at most {late} late.',
    'metric.first': 'Time to first chunk',
    'metric.rate': 'Chunks per second',
    'metric.total': 'Total time',
    'metric.late': 'Worst lateness',

    'chat.title': 'Chat',
    'chat.intro': 'The lesson’s FastAPI endpoint, answered by a Service Worker inside your browser: it loads the same wasm module and returns the C++ generator’s output as a streamed response. The page reads it the way the lesson’s front end does: fetch(), getReader(), TextDecoder. The answer keeps the lesson’s Chinese template: “你提问的是” means “you asked”.',
    'chat.prompt': 'Prompt',
    'chat.defaultPrompt': 'hello',
    'chat.ask': 'Ask',
    'chat.stop': 'Stop',
    'chat.openLink': 'Open the endpoint itself in a new tab',
    'chat.answer': 'Answer',
    'chat.reads': 'Each reader.read()',
    'chat.read': '{t} · {bytes} bytes',
    'chat.readDirect': '{t} · one chunk',
    'chat.worker.connecting': 'Starting the Service Worker…',
    'chat.worker.ready': 'Answered by the Service Worker: GET chat?prompt=…',
    'chat.worker.fallback': 'No Service Worker here ({reason}), so the page reads trickle.chat() directly.',
    'chat.reason.unsupported': 'the browser offers none, e.g. on a file:// URL or in a private window',
    'chat.reason.singleFile': 'this is the single-file page, made to open straight from disk, and no Service Worker runs on a file:// URL',
    'chat.reason.timeout': 'it did not take control of the page in time',
    'chat.source.worker': 'source: Service Worker',
    'chat.source.page': 'source: read in the page',
    'chat.idle': 'Press Ask and the answer appears word by word.',
    'chat.running': 'Receiving…',
    'chat.done': 'Done: {reads} reads, {bytes} bytes, {total}.',
    'chat.stopped': 'Stopped: reader.cancel() freed the C++ stream on the other side at once.',
    'chat.failed': 'Something went wrong: {message}',

    'conc.title': 'Concurrency and cancellation',
    'conc.intro': 'Four prompts at once, the way asyncio runs four tasks: each answer is one task with its own pane. A semaphore limits how many stream at a time; a time-out or a Cancel frees the C++ stream behind it at once; the fan-in pane lines up every chunk in the order it arrived. The page uses trickle/toolbox’s Semaphore, gather, asCompleted and AsyncQueue, and one AbortController per stream. The code next to each control is the matching line of Python’s asyncio.',
    'conc.limit': 'At most this many streaming',
    'conc.timeout': 'Time-out (ms)',
    'conc.timeoutNone': 'none',
    'conc.start': 'Start all',
    'conc.cancelAll': 'Cancel all',
    'conc.metric.streaming': 'Streaming',
    'conc.metric.waiting': 'Waiting for a permit',
    'conc.metric.finished': 'Finished',
    'conc.answers': 'Four answers at once',
    'conc.pane': 'Answer',
    'conc.prompt': 'Prompt',
    'conc.delay': 'Delay (ms)',
    'conc.cancel': 'Cancel',
    'conc.defaultPrompt.1': 'Explain in detail how an event loop decides what runs next',
    'conc.defaultPrompt.2': 'What is a coroutine?',
    'conc.defaultPrompt.3': 'Hi',
    'conc.defaultPrompt.4': 'Write a short poem about autumn',
    'conc.state.idle': 'not started',
    'conc.state.waiting': 'waiting for a permit',
    'conc.state.streaming': 'streaming',
    'conc.state.done': 'done',
    'conc.state.cancelled': 'cancelled',
    'conc.state.timeout': 'timed out',
    'conc.state.failed': 'failed',
    'conc.count': '{count} chunks',
    'conc.countAt': '{count} chunks · ended at {t}',
    'conc.gathered': 'What gather returned, in the order asked',
    'conc.completed': 'In the order they finished',
    'conc.item': 'Answer {n} · {state} · {t}',
    'conc.fanin': 'Fan-in: every answer’s chunks in the order they arrived',
    'conc.idle': 'Press Start all to ask the four prompts at once.',
    'conc.running': 'Receiving…',
    'conc.summary': 'All over in {total}: {done} done, {cancelled} cancelled, {timeout} timed out. C++ streams still alive: {live}.',
    'conc.failed': 'Something went wrong: {message}',

    'footer.text': 'Everything runs in your browser: C++20 coroutine → WebAssembly → JS async iterator. No server, no request leaves this site, and it keeps working offline once loaded.',
    'footer.build': 'build {build}',
    'footer.workerBuild': 'Service Worker build {build}',

    'unit.ms': '{n} ms',
    'unit.s': '{n} s',
    'unit.rate': '{n} chunks/s',
  },
};

export const LANGUAGES = Object.freeze(Object.keys(STRINGS));
const STORAGE_KEY = 'trickle.lang';

// An explicit choice (the toggle) wins; then the browser's first language we have.
export function preferredLanguage() {
  const stored = readStored();
  if (LANGUAGES.includes(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return 'en';
}

export function rememberLanguage(lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Storage may be forbidden (private modes, file://): the choice lasts for this visit.
  }
}

function readStored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** translate('en', 'gen.done', { count: 7, ... }): the text in that language; an unknown key shows itself. */
export function translate(lang, key, values = {}) {
  const template = STRINGS[lang]?.[key] ?? STRINGS.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Fills every [data-i18n] element's text, and the aria-label or placeholder named by data-i18n-label or data-i18n-placeholder. */
export function applyStaticText(root, lang) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = translate(lang, element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-label]')) {
    element.setAttribute('aria-label', translate(lang, element.dataset.i18nLabel));
  }
  for (const element of root.querySelectorAll('[data-i18n-placeholder]')) {
    element.placeholder = translate(lang, element.dataset.i18nPlaceholder);
  }
}

/** Formats a duration the way the page shows it: ms below 10 s, then seconds. */
export function formatDuration(lang, ms) {
  if (!Number.isFinite(ms)) return '—';
  if (Math.abs(ms) < 10000) return translate(lang, 'unit.ms', { n: Math.round(ms) });
  return translate(lang, 'unit.s', { n: (ms / 1000).toFixed(1) });
}

/** A duration to say in whatever language is showing, as a StatusLines value. */
export function duration(ms) {
  return (lang) => formatDuration(lang, ms);
}

/**
 * Status lines that remember their message, so a language switch can say them again.
 * say(element, key, values) shows translate(lang, key, values) in the element; a value
 * given as a function (duration(ms), a reason) is called with the language showing.
 * Until the first setLanguage(), say() only remembers.
 */
export class StatusLines {
  #lang;
  #messages = new Map(); // element -> { key, values }

  constructor(lang = null) {
    this.#lang = lang;
  }

  say(element, key, values = {}) {
    const message = { key, values };
    this.#messages.set(element, message);
    if (this.#lang) this.#render(element, message);
  }

  /** Says every remembered message again, in `lang`. */
  setLanguage(lang) {
    this.#lang = lang;
    for (const [element, message] of this.#messages) this.#render(element, message);
  }

  #render(element, { key, values }) {
    const shown = Object.fromEntries(
      Object.entries(values).map(([name, value]) => [name, typeof value === 'function' ? value(this.#lang) : value]),
    );
    element.textContent = translate(this.#lang, key, shown);
  }
}
