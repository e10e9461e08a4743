// What the page streams when the visitor has not typed their own text: the samples of the
// playground's picker, and the chat's answers. The chat answers in the page's language by
// default, as a model would (markdown with a table, a list and a code block, so the
// rendering has something to do); the lesson's template stays one choice.
//
// The picker also lists the library's built-in answers (builtInAnswers, below), loaded
// after the page starts. The chat's answers below are this page's own, written for it; the
// Service Worker imports this module too, so the chat endpoint and the page always agree
// on the answer.

const CODE = '```';

const ANSWERS = {
  en: {
    coroutine: `A **coroutine** is a function that can pause in the middle and carry on later, keeping its local state in between. Where a thread is paused by the operating system at any moment, a coroutine pauses only where its code says so: at \`await\` or \`yield\`.

## Coroutines and threads

| | Coroutine | Thread |
|---|---|---|
| Who switches | the code, at \`await\` | the OS, at any time |
| Cost of a switch | about a function call | a context switch |
| Runs in parallel | no, one at a time | yes |
| Memory each | a frame, often under 1 KB | a stack, often 1 MB |

## A small example

${CODE}python
import asyncio

async def answer(text):
    for word in text.split():
        await asyncio.sleep(0.5)  # hand control back to the loop
        yield word

async def main():
    async for word in answer("one two three"):
        print(word, end=" ", flush=True)

asyncio.run(main())
${CODE}

What happens, step by step:

1. The event loop starts \`main()\`, which asks \`answer()\` for its first word.
2. \`answer()\` runs up to its first \`await\` and gives control back.
3. Half a second later the loop resumes it; it yields a word, and \`main()\` prints it.

That is why one thread can serve thousands of streams at once: while a coroutine waits, it costs nothing but its frame.
`,
    loop: `An **event loop** is a queue of ready work and a clock. It runs one callback at a time, and between them it asks the operating system which timers have come due and which sockets have data.

## One turn of the loop

1. Run every callback that is ready, in order.
2. Work out how long until the earliest timer.
3. Sleep in \`epoll\`/\`kqueue\` (or the browser's equivalent) until a timer is due or I/O arrives.
4. Move whatever woke up onto the ready queue, and start again.

| Event | Becomes ready when |
|---|---|
| \`setTimeout(f, 500)\` | 500 ms have passed |
| \`await fetch(url)\` | the response headers arrive |
| \`reader.read()\` | the next bytes of the body arrive |

A coroutine plugs into this by registering a wake-up and returning:

${CODE}js
const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

for await (const chunk of stream) {
  output.append(chunk); // the loop is free between chunks
}
${CODE}

> Nothing runs in parallel: the loop is fast because nobody waits while holding it.
`,
    general: (prompt) => `You asked: *${prompt}*

I am a simulated model: this answer comes from trickle, a C++20 coroutine compiled to WebAssembly, not from a language model. It streams the way a real one would, so you can build and test a chat interface without a server.

## What you can try here

- Switch **Pace** to a preset such as \`gpt-4o\` or \`reasoning\` and watch the first chunk arrive later, then faster.
- Open the playground's **Timing, faults and answer** to add stalls, bursts or a dropped connection.
- Pick a **wire format** to see the raw frames an official client would parse.

| Setting | What it changes |
|---|---|
| \`ttftMs\` | the wait before the first chunk |
| \`tokensPerSecond\` | the rate after it |
| \`stalls\` | pauses in the middle |

${CODE}js
for await (const chunk of trickle.stream(text, { preset: 'gpt-4o' })) {
  output.append(chunk);
}
${CODE}
`,
  },
  zh: {
    coroutine: `**协程**是可以在中途暂停、稍后再接着运行的函数，暂停期间它的局部变量都还在。线程随时可能被操作系统打断；协程只在代码写明的地方暂停：\`await\` 或 \`yield\`。

## 协程与线程

| | 协程 | 线程 |
|---|---|---|
| 谁来切换 | 代码自己，在 \`await\` 处 | 操作系统，任何时刻 |
| 切换的代价 | 大约一次函数调用 | 一次上下文切换 |
| 能否并行 | 不能，一次一个 | 能 |
| 每个占多少内存 | 一个帧，常常不到 1 KB | 一个栈，常常 1 MB |

## 一个小例子

${CODE}python
import asyncio

async def answer(text):
    for word in text.split():
        await asyncio.sleep(0.5)  # 把控制权交还给事件循环
        yield word

async def main():
    async for word in answer("一 二 三"):
        print(word, end=" ", flush=True)

asyncio.run(main())
${CODE}

一步一步地看：

1. 事件循环启动 \`main()\`，它向 \`answer()\` 要第一个词。
2. \`answer()\` 运行到第一个 \`await\`，把控制权交回去。
3. 半秒之后，事件循环让它接着运行；它交出一个词，\`main()\` 把它打印出来。

所以一个线程可以同时服务成千上万个流：协程在等待的时候，除了它的帧，什么也不占。
`,
    loop: `**事件循环**就是一个“就绪任务”队列加一个时钟。它一次只运行一个回调；两个回调之间，它问操作系统：哪些定时器到期了，哪些套接字有数据了。

## 事件循环的一圈

1. 按顺序运行所有已就绪的回调。
2. 算出离最早的定时器还有多久。
3. 在 \`epoll\`/\`kqueue\`（或浏览器里的对应机制）里睡到定时器到期或有 I/O 到来。
4. 把被唤醒的任务放进就绪队列，再来一圈。

| 事件 | 什么时候就绪 |
|---|---|
| \`setTimeout(f, 500)\` | 过了 500 毫秒 |
| \`await fetch(url)\` | 响应头到达 |
| \`reader.read()\` | 响应体的下一段字节到达 |

协程接入事件循环的方式：登记一次唤醒，然后返回。

${CODE}js
const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

for await (const chunk of stream) {
  output.append(chunk); // 两块之间，事件循环可以去做别的事
}
${CODE}

> 没有任何东西在并行：事件循环之所以快，是因为没有谁占着它等待。
`,
    general: (prompt) => `你问的是：*${prompt}*

我是一个模拟的模型：这个回答来自 trickle——一个编译成 WebAssembly 的 C++20 协程，而不是语言模型。它像真的模型那样流式输出，所以不用服务器也能搭建和测试聊天界面。

## 在这里可以试试

- 把**节奏**换成 \`gpt-4o\` 或 \`reasoning\` 这样的预设，看首块来得更晚、随后更快。
- 打开演练场的**计时、故障与回答**，加上卡顿、成批到达或断开连接。
- 选一种**线上格式**，看官方客户端要解析的原始帧。

| 设置 | 改变什么 |
|---|---|
| \`ttftMs\` | 第一块之前的等待 |
| \`tokensPerSecond\` | 之后的速率 |
| \`stalls\` | 中途的停顿 |

${CODE}js
for await (const chunk of trickle.stream(text, { preset: 'gpt-4o' })) {
  output.append(chunk);
}
${CODE}
`,
  },
};

const TOPICS = [
  ['coroutine', /coroutine|协程|async|await|yield|generator|生成器/i],
  ['loop', /event.?loop|事件循环|loop|循环|asyncio|promise/i],
];

// Characters that mean something in markdown, escaped so a prompt shows as typed.
function escapeMarkdown(text) {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&').replace(/\s+/g, ' ').trim();
}

/**
 * The chat's answer to `prompt` in `lang` ('en' | 'zh'): markdown, as a model might write
 * it. The same prompt gives the same answer.
 */
export function chatAnswer(prompt, lang) {
  const answers = ANSWERS[lang] ?? ANSWERS.en;
  const topic = TOPICS.find(([, pattern]) => pattern.test(prompt));
  return topic ? answers[topic[0]] : answers.general(escapeMarkdown(prompt) || '…');
}

/** The lesson's template fills in the prompt as it is; trailing punctuation would double ("?,"). */
export function lessonPrompt(prompt) {
  return prompt.replace(/[\s.,;:!?。，、；：！？…]+$/u, '');
}

// The playground's samples beyond the visitor's own text and the lesson's sentence.
const SAMPLES = {
  markdown: (lang) => (ANSWERS[lang] ?? ANSWERS.en).coroutine,
  rtl: () => 'مرحبًا، أنا نموذج لغوي مُحاكى. أكتب الإجابة كلمة بعد كلمة، من اليمين إلى اليسار.',
  graphemes: () => 'Family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵 e\u0301 (e + ◌́) 한국어 👍🏽 — split by grapheme: each stays whole.',
};

/** The samples' ids, in the picker's order (their labels are in i18n.mjs: gen.sample.<id>). */
export const SAMPLE_IDS = Object.freeze(['lesson', ...Object.keys(SAMPLES)]);

/** A sample's text in `lang` ('lesson' is i18n's gen.defaultText, which the caller has). */
export function sampleText(id, lang) {
  return SAMPLES[id]?.(lang);
}

// The library's built-in answers (trickle/answers/builtin.mjs: about 30 KB gzipped, and the
// 20,000-word one is generated when first asked for), loaded once the page has started so
// that its first paint never waits for them. The Service Worker never loads them.
let library = null;
let loadingLibrary = null;

/** Loads the built-in answers; resolves once builtInAnswers() lists them. */
export function loadBuiltInAnswers() {
  loadingLibrary ??= import('../src/js/answers/builtin.mjs').then((module) => {
    library = module;
  });
  return loadingLibrary;
}

// The picker's short names for them; what each stresses is the library's ANSWER_DESCRIPTIONS.
const BUILTIN_TITLES = {
  markdown: ['Built-in: markdown guide', '内置：Markdown 指南'],
  code: ['Built-in: code in eight languages', '内置：八种语言的代码'],
  table: ['Built-in: tables', '内置：表格'],
  math: ['Built-in: LaTeX math', '内置：LaTeX 公式'],
  emoji: ['Built-in: emoji sequences', '内置：表情序列'],
  rtl: ['Built-in: right-to-left mixed', '内置：从右到左混排'],
  'long-line': ['Built-in: one very long line', '内置：超长单行'],
  long: ['Built-in: 20,000 words', '内置：两万词长文'],
  reasoning: ['Built-in: reasoning, then an answer', '内置：先推理后回答'],
  'tool-call': ['Built-in: a sentence before tool calls', '内置：工具调用前的一句话'],
  truncated: ['Built-in: cut off in a code fence', '内置：在代码块中截断'],
  escape: ['Built-in: text that must stay text', '内置：必须保持为文本的内容'],
};

/**
 * The library's built-in answers, [{ id, title, description, text }] for `lang` ('en' or
 * 'zh'), shown in the picker after the samples above: none until loadBuiltInAnswers() has
 * loaded them. `text` is made when read (the long one is 20,000 words).
 */
export function builtInAnswers(trickle, lang) { // eslint-disable-line no-unused-vars
  if (library === null) return [];
  const which = lang === 'zh' ? 'zh' : 'en';
  return library.ANSWER_NAMES.map((id) => ({
    id,
    title: BUILTIN_TITLES[id]?.[which === 'zh' ? 1 : 0] ?? id,
    description: library.ANSWER_DESCRIPTIONS[id],
    get text() {
      return library.builtinAnswer(id, which).text;
    },
  }));
}
