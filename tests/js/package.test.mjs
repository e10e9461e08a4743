// The npm package as another project sees it: `npm pack`, install the tarball into a fresh
// project, import 'trickle', run the README's example and the `trickle` bin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readmeBlock } from './support.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));


test('npm pack makes a package that another project installs, imports and runs', { timeout: 120_000 }, async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'trickle-package-'));
  t.after(() => rm(work, { recursive: true, force: true }));

  // dist/ is already built by scripts/build; --ignore-scripts skips the prepack rebuild.
  const { stdout: packed } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
  const [{ filename, files }] = JSON.parse(packed);
  const names = files.map((f) => f.path).sort();
  for (const expected of ['dist/js/trickle.mjs', 'dist/js/stream/trickle-wasm.mjs', 'dist/js/stream/trickle-wasm.wasm',
    'dist/js/trickle.d.mts', 'dist/js/toolbox.mjs', 'dist/js/toolbox.d.mts', 'dist/cli/cli.mjs', 'package.json', 'README.md',
    'dist/js/tokens/load.mjs', 'dist/js/tokens/trickle-tokenizer.wasm', 'dist/js/tokens/o200k_base.bpe',
    'dist/js/tokens/cl100k_base.bpe', 'docs/answers.md']) {
    assert.ok(names.includes(expected), `package contains ${expected}`);
  }
  assert.ok(!names.some((n) => n.startsWith('src/') || n.startsWith('tests/')), 'package holds only what users need');

  const project = join(work, 'app');
  await run('mkdir', ['-p', project]);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, filename)], { cwd: project });

  await writeFile(join(project, 'example.mjs'), await readmeBlock('<!-- readme-example -->'));
  const started = performance.now();
  const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: project });
  const elapsed = performance.now() - started;
  assert.equal(stdout, '你好 我 是 一个 模拟 的 LLM ');
  assert.ok(elapsed >= 3500, `seven words at 500 ms take at least 3.5 s, took ${elapsed} ms`);

  const { stdout: fromBin } = await run(join(project, 'node_modules/.bin/trickle'), ['-d', '0', '--chat', 'hi'], { cwd: project });
  assert.equal(fromBin, '你提问的是: hi, 我正在流式生成答案... \n');

  // The types resolve through the exports map.
  const types = await readFile(join(project, 'node_modules/trickle/dist/js/trickle.d.mts'), 'utf8');
  assert.match(types, /export default function createTrickle\(options\?: CreateOptions\): Promise<Trickle>/);

  // So does the toolbox subpath.
  await writeFile(join(project, 'toolbox.mjs'), [
    "import createTrickle from 'trickle';",
    "import { gather } from 'trickle/toolbox';",
    'const trickle = await createTrickle();',
    "const answers = await gather([trickle.stream('a b', { delayMs: 0 }), trickle.stream('c', { delayMs: 0 })]);",
    'console.log(JSON.stringify(answers));',
  ].join('\n'));
  const { stdout: fromToolbox } = await run(process.execPath, ['toolbox.mjs'], { cwd: project });
  assert.equal(fromToolbox, '[["a","b"],["c"]]\n');

  // And the answers' modules: built-in answers, fixtures, transcripts.
  await writeFile(join(project, 'answers.mjs'), [
    "import { builtinAnswer } from 'trickle/answers/builtin.mjs';",
    "import { builtinReply } from 'trickle/answers/reply.mjs';",
    "import { fixturesReply } from 'trickle/answers/fixtures.mjs';",
    "import { parseTranscript } from 'trickle/answers/transcript.mjs';",
    "const reply = fixturesReply([{ match: { lastUserText: 'hi' }, answer: 'hello' }]);",
    "const parsed = parseTranscript('data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\\n\\ndata: [DONE]\\n\\n');",
    "console.log(builtinAnswer('table').text.includes('|'), typeof builtinReply('code'), await reply({ lastUserText: 'hi' }), parsed.format, parsed.answer.text);",
  ].join('\n'));
  const { stdout: fromAnswers } = await run(process.execPath, ['answers.mjs'], { cwd: project });
  assert.equal(fromAnswers, 'true function hello openai-chat x\n');

  // The tokenizer and both vocabularies load from beside the package's loader; pieces replay.
  await writeFile(join(project, 'tokens.mjs'), [
    "import createTrickle from 'trickle';",
    'const trickle = await createTrickle();',
    "const ids = await trickle.tokenize('hello world');",
    "const cl100k = await trickle.countTokens('hello world', { encoding: 'cl100k_base' });",
    "const chunks = [];",
    "for await (const chunk of trickle.stream('Melting 🫠', { split: 'tokens', delayMs: 0 })) chunks.push(chunk);",
    "for await (const chunk of trickle.stream(['re', 'played'], { offsetsMs: [0, 1] })) chunks.push(chunk);",
    'console.log(JSON.stringify([ids, cl100k, chunks]));',
  ].join('\n'));
  const { stdout: fromTokens } = await run(process.execPath, ['tokens.mjs'], { cwd: project });
  assert.equal(fromTokens, '[[24912,2375],2,["Mel","ting"," 🫠","re","played"]]\n');
  const { stdout: tokensBin } = await run(join(project, 'node_modules/.bin/trickle'), ['-d', '0', '--split', 'tokens', 'hello world'], { cwd: project });
  assert.equal(tokensBin, 'hello world\n');
});
