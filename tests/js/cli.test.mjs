// The command-line program, run as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/cli.mjs', import.meta.url));

// Runs the CLI; records each stdout write with the time it arrived.
function run(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args]);
    const writes = [];
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (data) => writes.push([data, performance.now() - started]));
    child.stderr.on('data', (data) => { stderr += data; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: writes.map(([d]) => d).join(''), writes, stderr }));
  });
}

test("with no text it streams the lesson's sentence", async () => {
  const { code, stdout } = await run(['--delay', '1']);
  assert.equal(code, 0);
  assert.equal(stdout, '你好 我 是 一个 模拟 的 LLM \n');
});

test('it writes each piece as it arrives, over time', async () => {
  const { code, writes } = await run(['-d', '150', 'one two three']);
  assert.equal(code, 0);
  const chunkWrites = writes.filter(([data]) => data.trim() !== '');
  assert.ok(chunkWrites.length >= 2, `expected separate writes, got ${JSON.stringify(writes)}`);
  const spread = chunkWrites.at(-1)[1] - chunkWrites[0][1];
  assert.ok(spread >= 250, `pieces should be ~150 ms apart, spread was ${spread} ms`);
});

test('flags choose the split mode, suffix and the chat template', async () => {
  assert.equal((await run(['-d', '0', '-s', 'char', '你好'])).stdout, '你好\n');
  assert.equal((await run(['-d', '0', '--split', 'char', '--suffix', '/', '你好'])).stdout, '你/好/\n');
  assert.equal((await run(['-d', '0', '--split', 'space', 'a  b'])).stdout, 'a  b \n');
  assert.equal((await run(['-d', '0', '--chat', '你好'])).stdout, '你提问的是: 你好, 我正在流式生成答案... \n');
  assert.equal((await run(['-d', '0', 'several', 'words'])).stdout, 'several words \n');
});

test('--split tokens streams GPT tokens, whole characters each, in the encoding --encoding names', async () => {
  assert.equal((await run(['-d', '0', '--split', 'tokens', '--suffix', '|', 'Hi 🫠 there'])).stdout, 'Hi| 🫠| there|\n');
  assert.equal((await run(['-d', '0', '--split', 'tokens', '--encoding', 'cl100k_base', '--suffix', '|', 'Hi 🫠 there'])).stdout,
    'Hi| 🫠| there|\n');
  // o200k_base and cl100k_base cut Chinese differently (o200k has the words as tokens).
  assert.equal((await run(['-d', '0', '--split', 'tokens', '--suffix', '|', '你好世界'])).stdout, '你好|世界|\n');
  assert.equal((await run(['-d', '0', '--split', 'tokens', '--encoding', 'cl100k_base', '--suffix', '|', '你好世界'])).stdout,
    '你|好|世|界|\n');
  for (const [args, message] of [
    [['--split', 'tokens', '--encoding', 'gpt2', 'x'], /encoding must be 'o200k_base' or 'cl100k_base', got "gpt2"/],
    [['--encoding', 'cl100k_base', 'x'], /--encoding is the tokenizer of --split tokens/],
  ]) {
    const { code, stdout, stderr } = await run(args);
    assert.equal(code, 2, `trickle ${args.join(' ')}`);
    assert.equal(stdout, '');
    assert.match(stderr, message);
  }
});

test('--help says how to use it', async () => {
  const { code, stdout } = await run(['--help']);
  assert.equal(code, 0);
  for (const flag of ['--delay', '--split', '--suffix', '--chat', 'whitespace', 'space', 'char', 'tokens', '--encoding']) {
    assert.ok(stdout.includes(flag), `help mentions ${flag}`);
  }
});

test('bad flags exit with status 2 and a message on stderr', async () => {
  for (const args of [['--delay', 'soon'], ['--split', 'words'], ['--nope'], ['--chat', 'x', 'text']]) {
    const { code, stdout, stderr } = await run(args);
    assert.equal(code, 2, `trickle ${args.join(' ')}`);
    assert.equal(stdout, '');
    assert.match(stderr, /^trickle: .+\nTry 'trickle --help'\.\n$/);
  }
});

test('--delay takes decimal numbers only, and says so', async () => {
  // Number() would read these as 16, 1000, 8 and 2: a delay is written as a person writes it.
  for (const delay of ['0x10', '1e3', '0o10', '0b10', ' 5', '-1', '', 'Infinity']) {
    const { code, stdout, stderr } = await run([`--delay=${delay}`, 'x']);
    assert.equal(code, 2, `trickle --delay ${JSON.stringify(delay)}`);
    assert.equal(stdout, '');
    assert.match(stderr, /^trickle: --delay wants a decimal number/, `trickle --delay ${JSON.stringify(delay)}`);
  }
  for (const delay of ['0', '5', '2.5']) {
    const { code, stdout } = await run(['--delay', delay, 'a b']);
    assert.equal(code, 0, `trickle --delay ${delay}`);
    assert.equal(stdout, 'a b \n');
  }
});

test('a failed write (a full disk) ends with one line on stderr and status 1, not a stack trace', async (t) => {
  const { open } = await import('node:fs/promises');
  let full;
  try {
    full = await open('/dev/full', 'w');
  } catch {
    t.skip('this system has no /dev/full');
    return;
  }
  try {
    const { code, stderr } = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, '--delay', '0', 'a b c'], { stdio: ['ignore', full.fd, 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (data) => { stderr += data; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(code, 1);
    assert.match(stderr, /^trickle: cannot write the output: .*ENOSPC.*\n$/);
  } finally {
    await full.close();
  }
});

test('--preset times the stream like a measured model; --seed makes it the same each time', async () => {
  const { code, stdout } = await run(['--preset', 'fast-host', '--seed', '7', 'a b c']);
  assert.equal(code, 0);
  assert.equal(stdout, 'a b c \n');
  const unknown = await run(['--preset', 'gpt-5', 'a']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no preset is called "gpt-5"/);
  assert.match((await run(['--seed=-1', 'a'])).stderr, /--seed wants a whole decimal number/);
  assert.match((await run(['--seed', '0x10', 'a'])).stderr, /--seed wants a whole decimal number/);
});

test('--fault errorAfter fails the stream after that many chunks, with status 1 and the message', async () => {
  const { code, stdout, stderr } = await run(['--delay', '0', '--fault', '{"errorAfter":2,"errorMessage":"the model fell over"}', 'a b c d']);
  assert.equal(code, 1);
  assert.equal(stdout, 'a b \n');
  assert.match(stderr, /the stream failed: the model fell over/);
  assert.match((await run(['--fault', 'nope', 'a'])).stderr, /--fault wants JSON/);
  assert.match((await run(['--fault', '{"truncateAfter":1}', 'a'])).stderr, /the others are for trickle serve/);
  assert.match((await run(['--port', '8080', 'a'])).stderr, /--port and --host are for trickle serve/);
});

test('text piped in or redirected is streamed when no text is given; "-" reads it explicitly', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const exec = promisify(execFile);
  const node = JSON.stringify(process.execPath);
  const cli = JSON.stringify(CLI);
  // A pipe, as in `cat answer.md | trickle`: its last newline ends the input, not the text.
  const piped = await exec('/bin/sh', ['-c', `printf 'piped 中文\\nin\\n' | ${node} ${cli} -d 0 -s char --suffix ''`]);
  assert.equal(piped.stdout, 'piped 中文\nin\n');
  // A file given as standard input (trickle < answer.md).
  const dir = await mkdtemp(join(tmpdir(), 'trickle-cli-'));
  try {
    const file = join(dir, 'answer.md');
    await writeFile(file, '# Title\n\nSome words.\n');
    const redirected = await exec('/bin/sh', ['-c', `${node} ${cli} -d 0 < ${JSON.stringify(file)}`]);
    assert.equal(redirected.stdout, '# Title Some words. \n');
    // Text given as arguments wins over what is piped; "-" asks for the input by name.
    const both = await exec('/bin/sh', ['-c', `printf 'ignored' | ${node} ${cli} -d 0 given`]);
    assert.equal(both.stdout, 'given \n');
    const dash = await exec('/bin/sh', ['-c', `printf 'a b' | ${node} ${cli} -d 0 -`]);
    assert.equal(dash.stdout, 'a b \n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // Started by a program with nothing piped (a socket it never writes to), it does not wait.
  const { code, stdout } = await run(['-d', '0']);
  assert.equal(code, 0);
  assert.equal(stdout, '你好 我 是 一个 模拟 的 LLM \n');
});
