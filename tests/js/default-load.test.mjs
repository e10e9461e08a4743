// What a page loads for `import createTrickle from 'trickle'; await createTrickle()`: the
// stream core only. The wire formats' JS (wire/) and the answers (answers/) are imported on
// first use: read from the package's static imports (scripts/benchmarks/modules.mjs), and
// watched in a fresh Node process whose module loads are logged, before and after a fetch.
// The package's modules are bundled into chunks (scripts/package-js.mjs): the build's list
// of the sources each file holds (build/package-js.json) says which code a file is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { moduleGraph } from '../../scripts/benchmarks/modules.mjs';

const run = promisify(execFile);
const DIST = fileURLToPath(new URL('../../dist/js/', import.meta.url));
const SOURCES = JSON.parse(readFileSync(new URL('../../build/package-js.json', import.meta.url), 'utf8'));
const inFolder = (folder) => (name) => name.startsWith(`${folder}/`);
// The sources (paths under src/js/) that the package's files hold; a file the bundle left
// alone (the glue, the .wasm) is itself.
const sourcesOf = (paths) => [...new Set(paths.flatMap((path) => SOURCES[relative(DIST, path)] ?? [relative(DIST, path)]))].sort();

test('the package\'s static imports leave out every wire/ and answers/ module, which stay reachable through import()', () => {
  const { eager, lazy } = moduleGraph(join(DIST, 'trickle.mjs'));
  const eagerSources = sourcesOf(eager);
  const lazySources = sourcesOf(lazy);
  assert.ok(eagerSources.includes('stream/stream.mjs'), `the stream core is loaded up front: ${eagerSources}`);
  assert.deepEqual(eagerSources.filter(inFolder('wire')), [], 'no wire format module in the default load');
  assert.deepEqual(eagerSources.filter(inFolder('answers')), [], 'no answers module in the default load');
  for (const expected of ['wire/fetch.mjs', 'wire/body.mjs', 'wire/requests.mjs', 'answers/builtin.mjs']) {
    assert.ok(lazySources.includes(expected), `${expected} is imported on first use: ${lazySources}`);
  }
});

// A script that logs every module Node loads (through a loader hook, on stderr) and marks
// the points between its steps, so that the log says what each step loaded.
const HOOKS = `
import { writeSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) writeSync(2, 'loaded ' + url + '\\n');
  return next(url, context);
}`;
const REGISTER = `import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);`;
const DELAY_MS = 10;
const script = (trickleUrl) => `
import { writeSync } from 'node:fs';
import createTrickle from ${JSON.stringify(trickleUrl)};
const mark = (name) => writeSync(2, 'mark ' + name + '\\n');
const trickle = await createTrickle({ clock: 'manual' });
const chunks = [];
const reading = (async () => { for await (const chunk of trickle.stream('a b c', { delayMs: ${DELAY_MS} })) chunks.push(chunk); })();
await trickle.clock.runAll();
await reading;
mark('streamed');
const fetch = trickle.createFetch({ reply: () => 'x y', delayMs: ${DELAY_MS} });
const streamedAt = trickle.clock.now();
const frames = [];
const responding = (async () => {
  const response = await fetch('https://api.test/v1/chat/completions', {
    method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const decoder = new TextDecoder();
  for await (const bytes of response.body) frames.push([trickle.clock.now() - streamedAt, decoder.decode(bytes)]);
})();
await trickle.clock.runAll();
await responding;
mark('fetched');
console.log(JSON.stringify({ chunks, streamedAt, frames }));
`;

test('after createTrickle() and a plain stream no wire/ or answers/ module is loaded, and createFetch then works on a manual clock', { timeout: 60_000 }, async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'trickle-default-load-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  await writeFile(join(work, 'hooks.mjs'), HOOKS);
  await writeFile(join(work, 'register.mjs'), REGISTER);
  await writeFile(join(work, 'main.mjs'), script(pathToFileURL(join(DIST, 'trickle.mjs')).href));
  const { stdout, stderr } = await run(process.execPath, ['--import', './register.mjs', 'main.mjs'], { cwd: work });

  // Each step's loads: the lines before its mark, after the previous one's.
  const steps = { streamed: [], fetched: [] };
  let step = 'streamed';
  for (const line of stderr.split('\n')) {
    if (line.startsWith('mark ')) step = line.slice(5) === 'streamed' ? 'fetched' : null;
    else if (line.startsWith('loaded ') && step !== null) steps[step].push(fileURLToPath(line.slice(7)));
  }
  assert.ok(sourcesOf(steps.streamed).includes('stream/stream.mjs'), `the hook saw the stream core load:\n${stderr}`);
  const moved = (paths) => sourcesOf(paths).filter((name) => inFolder('wire')(name) || inFolder('answers')(name));
  assert.deepEqual(moved(steps.streamed), [], 'createTrickle() and a plain stream load no wire/ or answers/ module');
  assert.ok(moved(steps.fetched).includes('wire/fetch.mjs'), `the first fetch imports the wire module: ${moved(steps.fetched)}`);
  assert.deepEqual(moved(steps.fetched).filter(inFolder('answers')), [], 'a reply function of its own needs no built-in answers');

  const result = JSON.parse(stdout);
  assert.deepEqual(result.chunks, ['a', 'b', 'c']);
  assert.equal(result.streamedAt, 3 * DELAY_MS, 'a chunk every delayMs on the manual clock');
  // The answer's words come on the same pace from the fetch's start: the manual clock waited
  // for the wire module's import before it ran timers (else runAll() would have found none,
  // and the response would never have come), and skipped none.
  const contentAt = result.frames.flatMap(([at, text]) => [...text.matchAll(/"delta":\{"content":"([^"]+)"/g)].map((m) => [at, m[1]]));
  assert.deepEqual(contentAt, [[DELAY_MS, 'x'], [2 * DELAY_MS, ' y']]);
  assert.match(result.frames.at(-1)[1], /data: \[DONE\]\n\n$/);
});
