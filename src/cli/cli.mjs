#!/usr/bin/env node
// trickle's command line: the lesson's JS snippet (process.stdout.write in a for-await
// loop), with the chunks coming from the C++ coroutine in WebAssembly.
import { fstatSync } from 'node:fs';
import { parseArgs } from 'node:util';
import createTrickle from '../js/trickle.mjs';

const LESSON_SENTENCE = '你好 我 是 一个 模拟 的 LLM';

const HELP = `Usage: trickle [options] [text...]
       trickle serve [--port N] [--host H] [options]

Streams text to the terminal piece by piece, like an LLM answering: the lesson's
generator, written as a C++20 coroutine and run in WebAssembly.

trickle serve answers as the real LLM APIs do, over HTTP (OpenAI chat and
responses, Anthropic, Gemini, Ollama, the AI SDK's useChat stream, and the
lesson's GET /chat?prompt=): point any client at http://127.0.0.1:8080/.

  text                 what to stream (default: what is piped in, as in
                       "cat answer.md | trickle", else "${LESSON_SENTENCE}");
                       several arguments are joined with spaces; "-" reads
                       standard input

Options:
  -d, --delay <ms>     time between pieces in milliseconds (default: 500)
  -s, --split <mode>   whitespace  runs of any whitespace separate pieces (default,
                                   like Python's str.split())
                       space       every single " " separates pieces (JS split(" "))
                       char        one code point per piece (Chinese text)
                       grapheme    one character as a reader sees it per piece: a
                                   family emoji or a flag comes out whole
                       tokens      one GPT token per piece, as OpenAI's API streams
                                   (a token that ends inside a character waits for
                                   the rest of it)
      --encoding <e>   the tokenizer of --split tokens: o200k_base (default, GPT-4o
                       and later) or cl100k_base (GPT-4, GPT-3.5)
      --suffix <text>  written after each piece (default: " ", or "" with --split
                       char, grapheme or tokens)
  -c, --chat <prompt>  stream the FastAPI demo's answer to <prompt> instead:
                       "你提问的是: <prompt>, 我正在流式生成答案..."
      --preset <name>  time it like a measured model: gpt-4o, claude-sonnet,
                       gemini-flash, reasoning, fast-host, slow-network
      --seed <n>       the timing plan's seed (the same seed, the same timing)
      --fault <json>   what goes wrong, as the option of the same name, e.g.
                       '{"errorAfter":3}' or '{"http":{"status":429,"times":1}}'
                       (the format's errors with serve; failAfter when streaming)
  -p, --port <n>       serve: the port (default 8080; 0: any free one)
      --host <host>    serve: the address to listen on (default 127.0.0.1)
  -h, --help           show this help

Examples:
  trickle
  trickle --delay 100 "Hello from a C++ coroutine"
  trickle --split char --delay 200 你好世界
  trickle --split tokens --preset gpt-4o "Tokens at GPT-4o's pace"
  trickle --chat 你好
  trickle --preset gemini-flash "Fast and bursty, like Gemini Flash"
  trickle serve --preset gpt-4o --port 8080
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
      encoding: { type: 'string' },
      chat: { type: 'string', short: 'c' },
      preset: { type: 'string' },
      seed: { type: 'string' },
      fault: { type: 'string' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
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
options.suffix = values.suffix ?? (['char', 'grapheme', 'tokens'].includes(values.split) ? '' : ' ');
if (values.encoding !== undefined) {
  if (values.split !== 'tokens') fail('--encoding is the tokenizer of --split tokens');
  options.encoding = values.encoding;
}
if (values.preset !== undefined) options.preset = values.preset;
if (values.seed !== undefined) {
  if (!/^\d+$/.test(values.seed)) fail(`--seed wants a whole decimal number, got "${values.seed}"`);
  options.seed = Number(values.seed);
}
let fault;
if (values.fault !== undefined) {
  try {
    fault = JSON.parse(values.fault);
  } catch {
    fail(`--fault wants JSON, like '{"errorAfter":3}', got ${values.fault}`);
  }
}
const serving = positionals[0] === 'serve';
if (!serving && (values.port !== undefined || values.host !== undefined)) {
  fail('--port and --host are for trickle serve');
}
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

if (serving) {
  if (positionals.length > 1) fail(`trickle serve takes no text (got "${positionals.slice(1).join(' ')}")`);
  let port = 8080;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) fail(`--port wants a port number, 0 to 65535, got "${values.port}"`);
    port = Number(values.port);
  }
  const host = values.host ?? '127.0.0.1';
  let fetch;
  try {
    fetch = trickle.createFetch({ ...options, fault });
  } catch (error) {
    fail(error.message.replace(/^trickle\.\w+: /, ''));
  }
  const { serveFetch } = await import('./serve.mjs');
  let server;
  try {
    server = await serveFetch(fetch, { port, host, stats: () => trickle.stats() });
  } catch (error) {
    process.stderr.write(`trickle serve: cannot listen on ${host}:${port}: ${error.message}\n`);
    process.exit(1);
  }
  const { port: actual } = server.address();
  process.stdout.write(`trickle serve: listening on http://${host}:${actual}/ (Ctrl-C stops it)\n`);
} else {
  if (fault !== undefined) {
    // Plain streaming has one fault: failing after a number of chunks.
    const keys = Object.keys(fault ?? {});
    if (keys.some((key) => key !== 'errorAfter' && key !== 'errorMessage') || !Number.isInteger(fault.errorAfter)) {
      fail('when streaming to the terminal, --fault takes {"errorAfter": n} (and "errorMessage"); the others are for trickle serve');
    }
    options.failAfter = fault.errorAfter;
    if (fault.errorMessage !== undefined) options.failMessage = String(fault.errorMessage);
  }
  await streamToTerminal();
}

// Text piped in (cat answer.md | trickle) or redirected (trickle < answer.md) is read when
// no text is given, as Unix tools do; a terminal, /dev/null or the socket a parent process
// gave is not waited on. "-" reads standard input whatever it is.
function inputIsPiped() {
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isFile();
  } catch {
    return false;
  }
}

async function readInput() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  // The last line's newline ends the input, not the text: trickle ends its output with one.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function textToStream() {
  if (positionals.length === 1 && positionals[0] === '-') return readInput();
  if (positionals.length > 0) return positionals.join(' ');
  return inputIsPiped() ? readInput() : LESSON_SENTENCE;
}

async function streamToTerminal() {
let stream;
const text = values.chat === undefined ? await textToStream() : '';
try {
  stream = values.chat !== undefined
    ? trickle.chat(values.chat, options)
    : trickle.stream(text, options);
} catch (error) {
  fail(error.message.replace(/^trickle\.\w+: /, ''));
}

try {
  for await (const chunk of stream) {
    process.stdout.write(chunk);
  }
} catch (error) {
  process.stdout.write('\n');
  process.stderr.write(`trickle: the stream failed: ${error.message}\n`);
  process.exit(1);
}
process.stdout.write('\n');
}
