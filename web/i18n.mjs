// The page's two languages, and how it writes numbers and durations in each. Chinese carries
// the lesson's own sentences; English follows the browser when it prefers English (or
// anything that is not Chinese). Every string is set with textContent, so nothing here is
// ever parsed as HTML.
//
// A string may depend on a number: { one, other } (and `plural`, the name of the value that
// decides, `count` by default), chosen with Intl.PluralRules, so English says "1 chunk" and
// "2 chunks". A number given as a value is written the language's way (10,000).

const STRINGS = {
  zh: {
    'page.title': 'trickle · 浏览器里的流式输出',
    'page.skip': '跳到演练场',
    'page.tagline': 'C++20 协程编译成 WebAssembly，在浏览器里像大模型一样一块一块地给出答案。没有服务器。',
    'nav.label': '页面各部分',
    'nav.playground': '演练场',
    'nav.chat': '聊天',
    'nav.concurrency': '并发',
    'lang.toggle': 'English',
    'lang.toggleLabel': 'Switch to English',
    'theme.label': '配色',
    'theme.auto': '自动',
    'theme.light': '浅色',
    'theme.dark': '深色',
    'module.loading': '正在加载 C++ 模块…',
    'module.ready': 'C++ 协程已就绪 · {ms} 毫秒',
    'module.failed': 'WebAssembly 模块加载失败：{message}',
    'copy': '复制',
    'copied': '已复制',
    'copyFailed': '复制失败',
    'view.raw': '显示原文',
    'markdown.failed': 'Markdown 渲染器没能加载（{message}），这里显示原文。',

    'gen.title': '演练场',
    'gen.intro': '选一段文本和节奏，按“开始”：C++ 协程一块一块地交出文本，输出、时间线和三种写法的代码一起动。',
    'gen.text': '文本',
    'gen.text.hint': '可以粘贴或拖入很长的文本（一个文本文件也行），最长 1.34 亿个字符。',
    'gen.textSize': '{count} 个字符',
    'gen.textLimit': '最长 134,217,728 个字符（2^27 个 UTF-16 单元）',
    'gen.sample.label': '示例',
    'gen.sample.custom': '你的文本',
    'gen.sample.lesson': '课程里的句子',
    'gen.sample.markdown': '一段 Markdown 回答',
    'gen.sample.rtl': '阿拉伯文（从右到左）',
    'gen.sample.graphemes': '表情与国旗（字素）',
    'gen.defaultText': '你好 我 是 一个 模拟 的 LLM',
    'gen.split': '切分方式',
    'gen.split.whitespace': '按空白（Python 的 split()）',
    'gen.split.space': '按单个空格（JS 的 split(" ")）',
    'gen.split.char': '逐个码点',
    'gen.split.grapheme': '逐个字素（表情、国旗完整）',
    'gen.split.tokens': '按 token（这个版本还没有）',
    'gen.split.tokensReady': '按 token（分词器）',
    'gen.encoding': '词表',
    'gen.pace': '节奏',
    'gen.pace.fixed': '固定间隔',
    'gen.delay': '间隔（毫秒）',
    'gen.format': '交付方式',
    'gen.format.iterator': 'for await（异步迭代器）',
    'gen.format.plain': '纯文本（课程的接口）',
    'gen.start': '开始',
    'gen.stop': '停止',
    'gen.share': '复制链接',
    'gen.share.label': '这个链接保存了文本、设置和语言',
    'gen.share.copied': '链接已复制（{count} 个字符）：打开它会恢复文本、设置和语言。',
    'gen.share.ready': '链接在下面，请手动复制（{count} 个字符）。',
    'gen.more': '计时、故障与回答',
    'gen.more.seed': '种子 {seed}',
    'gen.more.faults': '{count} 个故障',
    'gen.timing': '计时模型',
    'gen.ttft': '首块前（毫秒）',
    'gen.rate': '速率',
    'gen.rate.unit': '速率单位',
    'gen.rate.tokens': '块（token）/秒',
    'gen.rate.chars': '字符/秒',
    'gen.jitter': '抖动',
    'gen.fromPace': '随节奏',
    'gen.jitter.none': '无',
    'gen.jitter.uniform': '均匀',
    'gen.jitter.lognormal': '对数正态',
    'gen.burst': '每批几块',
    'gen.seed': '随机种子（计时用）',
    'gen.reseed': '换一个',
    'gen.stalls': '卡顿',
    'gen.stall.p': '每块卡顿的概率',
    'gen.stall.min': '最短（毫秒）',
    'gen.stall.max': '最长（毫秒）',
    'gen.stall.catchUp': '卡顿后一次补齐（网络积压）',
    'gen.faults': '故障',
    'gen.timeout': '超时（毫秒）',
    'gen.failAfter': '在第几块之后出错',
    'gen.http': 'HTTP 错误',
    'gen.http.none': '无',
    'gen.stallAt': '在第几块卡住（毫秒）',
    'gen.stallMs': '卡住多少毫秒',
    'gen.truncate': '在第几块后截断',
    'gen.disconnect': '在第几块后断开',
    'gen.malformed': '第几块写坏',
    'gen.reslice': '重新切包（最多字节）',
    'gen.answer': '回答里还有',
    'gen.reasoning': '思考过程',
    'gen.tool': '一次工具调用：get_weather({"city": "Paris"})',
    'gen.views': '输出',
    'gen.view.chunks': '块',
    'gen.view.rendered': '渲染',
    'gen.view.frames': '线上帧',
    'gen.view.code': '你的代码',
    'gen.code.caption': '在你的项目里做同样的事',
    'gen.frames.none': '在“交付方式”里选一种线上格式，这里会并排显示原始的帧和从中解析出的文本。',
    'gen.frames.raw': '收到的帧',
    'gen.frames.parsed': '解析出的文本',
    'gen.frames.errorBody': '错误响应体',
    'gen.frames.cut': '被截断的半帧',
    'gen.frames.unfinished': '响应体在回答结束之前就断了（截断）',
    'gen.frames.malformedAt': '第 {n} 帧不是合法的 JSON，客户端会在这里报解析错误',
    'gen.frames.kind.text': '文本',
    'gen.frames.kind.reasoning': '思考',
    'gen.frames.kind.tool': '工具调用',
    'gen.frames.kind.meta': '元信息',
    'gen.frames.kind.done': '结束',
    'gen.frames.kind.error': '错误',
    'gen.frames.kind.malformed': '坏帧',
    'gen.frames.kind.http': 'HTTP',
    'gen.earlier': '显示前面的 {block} 块（还有 {count} 块没显示）',
    'gen.idle': '点“开始”，看 C++ 协程一块一块地交出文本。',
    'gen.running': '正在接收…',
    'gen.done': '完成：{count} 块，共 {total}。C++ 流已结束并释放（仍存活的流：{live}）。',
    'gen.wire.done': '完成：{frames} 帧、{pieces}，共 {total}。C++ 流已释放（仍存活的流：{live}）。',
    'gen.wire.pieces': '{count} 段文本',
    'gen.stopped': '已停止：收到 {count} 块后调用了 return()（break 做的就是这件事），C++ 流立即释放（仍存活的流：{live}）。',
    'gen.timeout': '超时：收到 {count} 块后，{message}',
    'gen.failedAfter': '收到 {count} 块后出错：{message}',
    'gen.failed': '出错了：{message}',
    'gen.replayTimed': '录制的 {format} 流：{count} 个块，按录制时的时间重放',
    'gen.replayPaced': '录制的 {format} 流：{count} 个块，按所选节奏重放（录制里没有时间）',
    'gen.invalid': '这些设置不行：{message}',
    'gen.emptyChunk': '空块',

    'lesson.title': '课堂实况',
    'lesson.python': 'Python 生成器',
    'lesson.js': 'JS 异步生成器',
    'lesson.cpp': 'C++20 协程（实际运行）',
    'lesson.cpp.wire': 'C++20 协程的节奏（帧由 src/core/wire/ 的编码器写出）',
    'lesson.cppLines': '第 {first}–{last} 行',
    'lesson.cppMissing': '（没有找到 llm_stream.cpp：请用 scripts/build 构建站点）',
    'lesson.wait': '等待',
    'lesson.yield': '交出',
    'lesson.step.idle': '还没开始。',
    'lesson.step.wait': '第 {n} 块：等待（C++ 第 {line} 行，co_await）',
    'lesson.step.yield': '第 {n} 块：交出（C++ 第 {line} 行，co_yield）',
    'lesson.step.done': '生成器结束了。',
    'lesson.step.stopped': '循环提前结束，协程帧已销毁。',
    'lesson.step.failed': '流以错误结束，协程帧已销毁。',
    'lesson.comment.wait': '假装在思考',
    'lesson.comment.yield': '交出一块',
    'lesson.comment.use': '边收边显示',
    'lesson.comment.plan': 'plan：trickle 的 stream.plan() 给出的到达时刻（秒）',

    'timeline.title': '到达时间线：计划与实际',
    'timeline.schedule': '计划',
    'timeline.arrived': '到达',
    'timeline.lag': '晚到',
    'timeline.empty': '开始一次运行，这里会画出每一块的计划时刻和实际到达时刻。',
    'timeline.planned': '计划：{count} 块，最后一块在 {total}。',
    'timeline.summary': '到达 {count} 块（计划 {planned} 块），首块 {first}，共 {total}，比计划最多晚 {late}。',
    'metric.first': '首块耗时',
    'metric.rate': '每秒块数',
    'metric.total': '总耗时',
    'metric.late': '比计划最多晚',
    'metric.frame': '最长一帧',
    'metric.frame.detail': '运行期间页面每秒 {fps} 帧。“晚到”是 for await 收到块的时刻减去计划时刻，页面忙的时候也会算进去；这一项说明页面自己卡了多久。',

    'chat.title': '聊天',
    'chat.intro.worker': '课程里的 FastAPI 接口 GET chat?prompt=…，这里由浏览器里的 Service Worker 回答：它加载同一个 wasm 模块，把 trickle.createFetch() 的流式响应交回页面。页面像课程的前端那样读取：fetch()、getReader()、TextDecoder。回答按 Markdown 边收边渲染。',
    'chat.intro.page': '课程里的 FastAPI 接口 GET chat?prompt=…。这里没有 Service Worker，所以页面自己用 trickle.createFetch() 回答同一个请求，再像课程的前端那样读取：getReader()、TextDecoder。回答按 Markdown 边收边渲染。',
    'chat.prompt': '问题',
    'chat.defaultPrompt': '什么是协程',
    'chat.kind': '回答',
    'chat.kind.auto': '像真的模型那样（页面的语言）',
    'chat.kind.lesson': '课程里的模板',
    'chat.pace': '节奏',
    'chat.pace.lesson': '每 0.5 秒一个词（课程）',
    'chat.ask': '提问',
    'chat.stop': '停止',
    'chat.openLink': '在新标签页里直接打开这个接口',
    'chat.answer': '回答',
    'chat.reads': '每一次 reader.read()',
    'chat.read': '{t} · {bytes} 字节',
    'chat.worker.connecting': 'Service Worker 正在启动…',
    'chat.worker.ready': '回答来自 Service Worker：GET chat?prompt=…',
    'chat.worker.fallback': '这里用不了 Service Worker（{reason}），所以页面自己用 trickle.createFetch() 回答。',
    'chat.reason.unsupported': '浏览器不提供，比如 file:// 地址或隐私窗口',
    'chat.reason.singleFile': '这是单文件版页面，可以直接从磁盘打开，而 file:// 地址上运行不了 Service Worker',
    'chat.reason.timeout': '等了太久也没有接管页面',
    'chat.source.worker': '来源：Service Worker',
    'chat.source.page': '来源：页面自己',
    'chat.idle': '按“提问”，回答会一段一段地出现。',
    'chat.running': '正在接收…',
    'chat.done': '完成：{reads} 次读取，{bytes} 字节，用时 {total}。',
    'chat.stopped': '已停止：reader.cancel() 让那一侧的 C++ 流立即释放。',
    'chat.failed': '出错了：{message}',
    'chat.code.server': '课程的 FastAPI 服务器（Service Worker 照它回答）',
    'chat.code.client': '页面这一侧：fetch() 和 reader',
    'chat.code.markdown': 'Markdown，像模型写的那样',
    'chat.code.pace': '{pace} 的节奏',
    'chat.code.piece': '每个词带上它前面的空白',
    'chat.code.decoder': 'stream: true：被切开的字符不会变成乱码',

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

    'footer.text': '所有内容都在你的浏览器里运行：C++20 协程 → WebAssembly → JS 异步迭代器。没有服务器、没有外部请求；第一次加载后，断网也能重新打开。',
    'footer.credits': 'Markdown 由 marked（MIT 许可）渲染，经 DOMPurify（Apache-2.0 / MPL-2.0 许可）净化，两者都随站点一起发布。',
    'footer.build': '版本 {build}',
    'footer.workerBuild': 'Service Worker 版本 {build}',
    'share.failed': '这个链接打不开：{message}',

    'unit.ms': '{n} 毫秒',
    'unit.s': '{n} 秒',
  },
  en: {
    'page.title': 'trickle · streaming in the browser',
    'page.skip': 'Skip to the playground',
    'page.tagline': 'A C++20 coroutine compiled to WebAssembly hands out an answer piece by piece, the way an LLM does, in your browser. No server.',
    'nav.label': 'Parts of the page',
    'nav.playground': 'Playground',
    'nav.chat': 'Chat',
    'nav.concurrency': 'Concurrency',
    'lang.toggle': '中文',
    'lang.toggleLabel': '切换到中文',
    'theme.label': 'Colours',
    'theme.auto': 'Auto',
    'theme.light': 'Light',
    'theme.dark': 'Dark',
    'module.loading': 'Loading the C++ module…',
    'module.ready': 'C++ coroutine ready · {ms} ms',
    'module.failed': 'The WebAssembly module failed to load: {message}',
    'copy': 'Copy',
    'copied': 'Copied',
    'copyFailed': 'Could not copy',
    'view.raw': 'Raw text',
    'markdown.failed': 'The markdown renderer did not load ({message}); the raw text is shown.',

    'gen.title': 'Playground',
    'gen.intro': 'Pick a text and a pace, press Start: the C++ coroutine hands it out piece by piece, and the output, the timeline and the code move together.',
    'gen.text': 'Text',
    'gen.text.hint': 'Paste or drop text of any length here (a text file works too), up to 134 million characters.',
    'gen.textSize': { one: '{count} character', other: '{count} characters' },
    'gen.textLimit': 'At most 134,217,728 characters (2^27 UTF-16 units)',
    'gen.sample.label': 'Samples',
    'gen.sample.custom': 'Your text',
    'gen.sample.lesson': 'The lesson’s sentence',
    'gen.sample.markdown': 'A markdown answer',
    'gen.sample.rtl': 'Arabic (right to left)',
    'gen.sample.graphemes': 'Emoji and flags (graphemes)',
    'gen.defaultText': 'Hello I am a simulated LLM',
    'gen.split': 'Split',
    'gen.split.whitespace': 'on whitespace (Python’s split())',
    'gen.split.space': 'on single spaces (JS split(" "))',
    'gen.split.char': 'one code point at a time',
    'gen.split.grapheme': 'one grapheme at a time (emoji, flags whole)',
    'gen.split.tokens': 'by token (not in this build yet)',
    'gen.split.tokensReady': 'by token (the tokenizer)',
    'gen.encoding': 'Encoding',
    'gen.pace': 'Pace',
    'gen.pace.fixed': 'Fixed delay',
    'gen.delay': 'Delay (ms)',
    'gen.format': 'Delivered as',
    'gen.format.iterator': 'for await (async iterator)',
    'gen.format.plain': 'Plain text (the lesson’s endpoint)',
    'gen.start': 'Start',
    'gen.stop': 'Stop',
    'gen.share': 'Copy link',
    'gen.share.label': 'This link holds the text, the settings and the language',
    'gen.share.copied': 'Link copied ({count} characters): opening it restores the text, the settings and the language.',
    'gen.share.ready': 'The link is below: copy it by hand ({count} characters).',
    'gen.more': 'Timing, faults and answer',
    'gen.more.seed': 'seed {seed}',
    'gen.more.faults': { one: '{count} fault', other: '{count} faults' },
    'gen.timing': 'Timing model',
    'gen.ttft': 'First chunk after (ms)',
    'gen.rate': 'Rate',
    'gen.rate.unit': 'Rate unit',
    'gen.rate.tokens': 'chunks (tokens)/s',
    'gen.rate.chars': 'characters/s',
    'gen.jitter': 'Jitter',
    'gen.fromPace': 'from the pace',
    'gen.jitter.none': 'none',
    'gen.jitter.uniform': 'uniform',
    'gen.jitter.lognormal': 'lognormal',
    'gen.burst': 'Chunks per burst',
    'gen.seed': 'Random seed (timing)',
    'gen.reseed': 'New',
    'gen.stalls': 'Stalls',
    'gen.stall.p': 'Chance per chunk',
    'gen.stall.min': 'Shortest (ms)',
    'gen.stall.max': 'Longest (ms)',
    'gen.stall.catchUp': 'Catch up after a stall (network backlog)',
    'gen.faults': 'Faults',
    'gen.timeout': 'Time-out (ms)',
    'gen.failAfter': 'Fail after chunk',
    'gen.http': 'HTTP error',
    'gen.http.none': 'none',
    'gen.stallAt': 'Stall at chunk (ms)',
    'gen.stallMs': 'Stall for (ms)',
    'gen.truncate': 'Truncate after chunk',
    'gen.disconnect': 'Disconnect after chunk',
    'gen.malformed': 'Malformed chunk',
    'gen.reslice': 'Reslice (bytes at most)',
    'gen.answer': 'The answer also has',
    'gen.reasoning': 'Reasoning',
    'gen.tool': 'A tool call: get_weather({"city": "Paris"})',
    'gen.views': 'Output',
    'gen.view.chunks': 'Chunks',
    'gen.view.rendered': 'Rendered',
    'gen.view.frames': 'Wire frames',
    'gen.view.code': 'Your code',
    'gen.code.caption': 'The same in your project',
    'gen.frames.none': 'Choose a wire format under “Delivered as” to see the raw frames here, beside the text parsed from them.',
    'gen.frames.raw': 'Frames received',
    'gen.frames.parsed': 'Text parsed from them',
    'gen.frames.errorBody': 'error body',
    'gen.frames.cut': 'a frame cut in half',
    'gen.frames.unfinished': 'the body ended before the answer did (truncated)',
    'gen.frames.malformedAt': 'frame {n} is not valid JSON; a client stops there with a parse error',
    'gen.frames.kind.text': 'text',
    'gen.frames.kind.reasoning': 'reasoning',
    'gen.frames.kind.tool': 'tool call',
    'gen.frames.kind.meta': 'metadata',
    'gen.frames.kind.done': 'end',
    'gen.frames.kind.error': 'error',
    'gen.frames.kind.malformed': 'malformed',
    'gen.frames.kind.http': 'HTTP',
    'gen.earlier': { one: 'Show {block} earlier chunk ({count} not shown)', other: 'Show {block} earlier chunks ({count} not shown)' },
    'gen.idle': 'Press Start to watch the C++ coroutine hand out the text piece by piece.',
    'gen.running': 'Receiving…',
    'gen.done': { one: 'Done: {count} chunk in {total}. The C++ stream ended and was freed (streams still alive: {live}).', other: 'Done: {count} chunks in {total}. The C++ stream ended and was freed (streams still alive: {live}).' },
    'gen.wire.done': { plural: 'frames', one: 'Done: {frames} frame, {pieces}, in {total}. The C++ stream was freed (streams still alive: {live}).', other: 'Done: {frames} frames, {pieces}, in {total}. The C++ stream was freed (streams still alive: {live}).' },
    'gen.wire.pieces': { one: '{count} piece of text', other: '{count} pieces of text' },
    'gen.stopped': { one: 'Stopped after {count} chunk: return() (what break calls) freed the C++ stream at once (streams still alive: {live}).', other: 'Stopped after {count} chunks: return() (what break calls) freed the C++ stream at once (streams still alive: {live}).' },
    'gen.timeout': { one: 'Timed out after {count} chunk: {message}', other: 'Timed out after {count} chunks: {message}' },
    'gen.failedAfter': { one: 'Failed after {count} chunk: {message}', other: 'Failed after {count} chunks: {message}' },
    'gen.failed': 'Something went wrong: {message}',
    'gen.replayTimed': 'A recorded {format} stream: {count} chunks, replayed at their recorded times',
    'gen.replayPaced': 'A recorded {format} stream: {count} chunks, replayed on the chosen pace (the recording has no times)',
    'gen.invalid': 'These settings do not work: {message}',
    'gen.emptyChunk': 'empty chunk',

    'lesson.title': 'The lesson, live',
    'lesson.python': 'Python generator',
    'lesson.js': 'JS async generator',
    'lesson.cpp': 'C++20 coroutine (running)',
    'lesson.cpp.wire': 'C++20 coroutine’s schedule (the frames come from the encoders in src/core/wire/)',
    'lesson.cppLines': 'lines {first}–{last}',
    'lesson.cppMissing': '(llm_stream.cpp not found: build the site with scripts/build)',
    'lesson.wait': 'waiting',
    'lesson.yield': 'yielding',
    'lesson.step.idle': 'Not started yet.',
    'lesson.step.wait': 'Chunk {n}: waiting (C++ line {line}, co_await)',
    'lesson.step.yield': 'Chunk {n}: yielding it (C++ line {line}, co_yield)',
    'lesson.step.done': 'The generator has finished.',
    'lesson.step.stopped': 'The loop ended early; the coroutine frame is destroyed.',
    'lesson.step.failed': 'The stream ended with an error; the coroutine frame is destroyed.',
    'lesson.comment.wait': 'pretend to think',
    'lesson.comment.yield': 'hand one over',
    'lesson.comment.use': 'show it at once',
    'lesson.comment.plan': 'plan: the arrival times (s) trickle’s stream.plan() gives',

    'timeline.title': 'Arrivals against the plan',
    'timeline.schedule': 'plan',
    'timeline.arrived': 'arrived',
    'timeline.lag': 'late by',
    'timeline.empty': 'Start a run to see when each chunk was due and when it arrived.',
    'timeline.planned': { one: 'Planned: {count} chunk, due at {total}.', other: 'Planned: {count} chunks, the last due at {total}.' },
    'timeline.summary': { one: '{count} chunk arrived ({planned} planned), the first after {first}, all in {total}, at most {late} later than planned.', other: '{count} chunks arrived ({planned} planned), the first after {first}, all in {total}, at most {late} later than planned.' },
    'metric.first': 'First chunk',
    'metric.rate': 'Chunks/s',
    'metric.total': 'Total time',
    'metric.late': 'Latest vs plan',
    'metric.frame': 'Longest frame',
    'metric.frame.detail': 'The page ran at {fps} frames a second during the run. “Latest vs plan” is when for await received a chunk minus when it was due, which includes any time the page was busy; this figure says how long the page itself froze.',

    'chat.title': 'Chat',
    'chat.intro.worker': 'The lesson’s FastAPI endpoint, GET chat?prompt=…, answered by a Service Worker inside your browser: it loads the same wasm module and hands trickle.createFetch()’s streamed response back to the page, which reads it the way the lesson’s front end does: fetch(), getReader(), TextDecoder. The answer is rendered as markdown as it streams.',
    'chat.intro.page': 'The lesson’s FastAPI endpoint, GET chat?prompt=…. No Service Worker runs here, so the page answers the same request itself with trickle.createFetch(), and reads it the way the lesson’s front end does: getReader(), TextDecoder. The answer is rendered as markdown as it streams.',
    'chat.prompt': 'Prompt',
    'chat.defaultPrompt': 'What is a coroutine?',
    'chat.kind': 'Answer',
    'chat.kind.auto': 'As a real model would (the page’s language)',
    'chat.kind.lesson': 'The lesson’s template',
    'chat.pace': 'Pace',
    'chat.pace.lesson': 'a word every 0.5 s (the lesson)',
    'chat.ask': 'Ask',
    'chat.stop': 'Stop',
    'chat.openLink': 'Open the endpoint itself in a new tab',
    'chat.answer': 'Answer',
    'chat.reads': 'Each reader.read()',
    'chat.read': { one: '{t} · {bytes} byte', other: '{t} · {bytes} bytes' },
    'chat.worker.connecting': 'Starting the Service Worker…',
    'chat.worker.ready': 'Answered by the Service Worker: GET chat?prompt=…',
    'chat.worker.fallback': 'No Service Worker here ({reason}), so the page answers with trickle.createFetch() itself.',
    'chat.reason.unsupported': 'the browser offers none, e.g. on a file:// URL or in a private window',
    'chat.reason.singleFile': 'this is the single-file page, made to open straight from disk, and no Service Worker runs on a file:// URL',
    'chat.reason.timeout': 'it did not take control of the page in time',
    'chat.source.worker': 'source: Service Worker',
    'chat.source.page': 'source: the page itself',
    'chat.idle': 'Press Ask and the answer appears piece by piece.',
    'chat.running': 'Receiving…',
    'chat.done': { plural: 'reads', one: 'Done: {reads} read, {bytes} bytes, {total}.', other: 'Done: {reads} reads, {bytes} bytes, {total}.' },
    'chat.stopped': 'Stopped: reader.cancel() freed the C++ stream on the other side at once.',
    'chat.failed': 'Something went wrong: {message}',
    'chat.code.server': 'The lesson’s FastAPI server (what the worker mirrors)',
    'chat.code.client': 'The page’s side: fetch() and a reader',
    'chat.code.markdown': 'markdown, as a model writes',
    'chat.code.pace': '{pace}’s pace',
    'chat.code.piece': 'each word with the space before it',
    'chat.code.decoder': 'stream: true: a character cut in two stays whole',

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
    'conc.count': { one: '{count} chunk', other: '{count} chunks' },
    'conc.countAt': { one: '{count} chunk · ended at {t}', other: '{count} chunks · ended at {t}' },
    'conc.gathered': 'What gather returned, in the order asked',
    'conc.completed': 'In the order they finished',
    'conc.item': 'Answer {n} · {state} · {t}',
    'conc.fanin': 'Fan-in: every answer’s chunks in the order they arrived',
    'conc.idle': 'Press Start all to ask the four prompts at once.',
    'conc.running': 'Receiving…',
    'conc.summary': 'All over in {total}: {done} done, {cancelled} cancelled, {timeout} timed out. C++ streams still alive: {live}.',
    'conc.failed': 'Something went wrong: {message}',

    'footer.text': 'Everything runs in your browser: C++20 coroutine → WebAssembly → JS async iterator. No server, no request leaves this site, and once loaded the page opens again offline.',
    'footer.credits': 'Markdown is rendered by marked (MIT licence) and sanitized by DOMPurify (Apache-2.0 / MPL-2.0), both shipped with the site.',
    'footer.build': 'build {build}',
    'footer.workerBuild': 'Service Worker build {build}',
    'share.failed': 'This link could not be opened: {message}',

    'unit.ms': '{n} ms',
    'unit.s': '{n} s',
  },
};

export const LANGUAGES = Object.freeze(Object.keys(STRINGS));
const LOCALES = { zh: 'zh-CN', en: 'en' };
const STORAGE_KEY = 'trickle.lang';

/** The BCP 47 tag of a page language ('zh-CN', 'en'). */
export function localeOf(lang) {
  return LOCALES[lang] ?? 'en';
}

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

const pluralRules = new Map();
const numberFormats = new Map();

function numberFormat(lang, digits) {
  const key = `${lang}:${digits}`;
  if (!numberFormats.has(key)) {
    numberFormats.set(key, new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: digits, minimumFractionDigits: 0 }));
  }
  return numberFormats.get(key);
}

/** A number written the language's way, with at most `digits` decimals (10,000; 2.5). */
export function formatNumber(lang, n, digits = 0) {
  return Number.isFinite(n) ? numberFormat(lang, digits).format(n) : '—';
}

/**
 * translate('en', 'gen.done', { count: 7, ... }): the text in that language. An unknown key
 * shows itself; a number is written the language's way; a string that depends on a
 * number picks its form with Intl.PluralRules.
 */
export function translate(lang, key, values = {}) {
  let template = STRINGS[lang]?.[key] ?? STRINGS.en[key] ?? String(key);
  if (typeof template === 'object') {
    const decider = Number(values[template.plural ?? 'count']);
    if (!pluralRules.has(lang)) pluralRules.set(lang, new Intl.PluralRules(localeOf(lang)));
    template = template[pluralRules.get(lang).select(decider)] ?? template.other;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in values)) return whole;
    const value = values[name];
    return typeof value === 'number' ? formatNumber(lang, value, 2) : String(value);
  });
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

/**
 * A duration as the page shows it on its own: milliseconds below 10 s (one decimal below
 * 10 ms, where the tenths matter), then seconds.
 */
export function formatDuration(lang, ms) {
  if (!Number.isFinite(ms)) return '—';
  const size = Math.abs(ms);
  if (size < 10) return translate(lang, 'unit.ms', { n: formatNumber(lang, ms, 1) });
  if (size < 10000) return translate(lang, 'unit.ms', { n: String(Math.round(ms)) });
  return translate(lang, 'unit.s', { n: formatNumber(lang, ms / 1000, size < 100000 ? 1 : 0) });
}

/**
 * The labels of one axis, all in one unit: seconds when the axis spans 10 s or more, else
 * milliseconds, with as many decimals as the step between labels needs. Returns the
 * formatter, with .unit ('ms' | 's').
 */
export function axisFormat(lang, spanMs, stepMs) {
  const seconds = spanMs >= 10000;
  const step = seconds ? stepMs / 1000 : stepMs;
  const digits = Math.max(0, Math.min(3, -Math.floor(Math.log10(step) + 1e-9)));
  const format = (ms) => translate(lang, seconds ? 'unit.s' : 'unit.ms', {
    n: seconds ? formatNumber(lang, ms / 1000, digits) : String(Number(ms.toFixed(digits))),
  });
  format.unit = seconds ? 's' : 'ms';
  return format;
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
