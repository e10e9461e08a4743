#!/usr/bin/env node
// trickle's command line: the lesson's JS snippet (process.stdout.write in a for-await
// loop), with the chunks coming from the C++ coroutine in WebAssembly.
import { parseArgs } from 'node:util';
import createTrickle from '../js/trickle.mjs';

const LESSON_SENTENCE = '你好 我 是 一个 模拟 的 LLM';

const HELP = `Usage: trickle [options] [text...]

Streams text to the terminal piece by piece, like an LLM answering: the lesson's
generator, written as a C++20 coroutine and run in WebAssembly.

  text                 what to stream (default: "${LESSON_SENTENCE}");
                       several arguments are joined with spaces

Options:
  -d, --delay <ms>     time between pieces in milliseconds (default: 500)
  -s, --split <mode>   whitespace  runs of any whitespace separate pieces (default,
                                   like Python's str.split())
                       space       every single " " separates pieces (JS split(" "))
                       char        one code point per piece (Chinese text)
                       grapheme    one character as a reader sees it per piece: a
                                   family emoji or a flag comes out whole
      --suffix <text>  written after each piece (default: " ", or "" with --split
                       char or grapheme)
  -c, --chat <prompt>  stream the FastAPI demo's answer to <prompt> instead:
                       "你提问的是: <prompt>, 我正在流式生成答案..."
  -h, --help           show this help

Examples:
  trickle
  trickle --delay 100 "Hello from a C++ coroutine"
  trickle --split char --delay 200 你好世界
  trickle --chat 你好
`;

function fail(message) {
  process.stderr.write(`trickle: ${message}\nTry 'trickle --help'.\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      delay: { type: 'string', short: 'd' },
      split: { type: 'string', short: 's' },
      suffix: { type: 'string' },
      chat: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  fail(error.message);
}
const { values, positionals } = parsed;

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const options = {};
if (values.delay !== undefined) {
  // Decimal digits only: Number() alone would take "0x10" as 16 and "1e3" as 1000.
  const delayMs = Number(values.delay);
  if (!/^\d+(\.\d+)?$/.test(values.delay) || !Number.isFinite(delayMs)) {
    fail(`--delay wants a decimal number of milliseconds from 0 (like 250 or 12.5), got "${values.delay}"`);
  }
  options.delayMs = delayMs;
}
if (values.split !== undefined) options.split = values.split;
options.suffix = values.suffix ?? (values.split === 'char' || values.split === 'grapheme' ? '' : ' ');
if (values.chat !== undefined && positionals.length > 0) {
  fail('give either --chat <prompt> or text to stream, not both');
}

// A closed pipe (trickle | head -c 10) is a normal way to stop reading; any other failure
// to write (a full disk) is the user's to know about, in one line.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  process.stderr.write(`trickle: cannot write the output: ${error.message}\n`);
  process.exit(1);
});

const trickle = await createTrickle();
let stream;
try {
  stream = values.chat !== undefined
    ? trickle.chat(values.chat, options)
    : trickle.stream(positionals.length > 0 ? positionals.join(' ') : LESSON_SENTENCE, options);
} catch (error) {
  fail(error.message.replace(/^trickle\.\w+: /, ''));
}

for await (const chunk of stream) {
  process.stdout.write(chunk);
}
process.stdout.write('\n');
