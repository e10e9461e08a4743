// The hand-written declarations against the code they describe, and the type tests against
// wrong declarations. `tsc -p tests/types` (scripts/test runs it) checks how the types
// read; this file checks that they are the runtime's, and that the type tests can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/.bin/tsc');

/** Runs tsc on a project folder; resolves with { ok, output } (tsc's exit status and messages). */
async function typeCheck(project) {
  try {
    const { stdout } = await run(TSC, ['--noEmit', '--pretty', 'false', '-p', project]);
    return { ok: true, output: stdout };
  } catch (error) {
    if (typeof error.code !== 'number') throw error; // tsc did not run at all
    return { ok: false, output: error.stdout + error.stderr };
  }
}

/**
 * A copy of src/js's declarations and of the type tests that read them (not the one that
 * reads dist/ through the package's name), in a temporary folder laid out like the tree.
 */
async function copyOfTypeTests(t) {
  const folder = await mkdtemp(join(tmpdir(), 'trickle-types-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  await mkdir(join(folder, 'src/js'), { recursive: true });
  for (const name of ['trickle.d.mts', 'toolbox.d.mts']) await cp(join(ROOT, 'src/js', name), join(folder, 'src/js', name));
  await cp(join(ROOT, 'tests/types'), join(folder, 'tests/types'), {
    recursive: true,
    filter: (path) => !path.endsWith('package.test-d.mts'),
  });
  return folder;
}

test('the declarations export as values exactly what trickle.mjs and toolbox.mjs export', async (t) => {
  const folder = await copyOfTypeTests(t);
  const lines = ["import { type Equal, exact } from './check.mjs';"];
  for (const name of ['trickle', 'toolbox']) {
    const runtime = Object.keys(await import(`../../src/js/${name}.mjs`)).sort();
    assert.ok(runtime.length > 0);
    lines.push(
      `import type * as ${name} from '../../src/js/${name}.mjs';`,
      `exact<Equal<keyof typeof ${name}, ${runtime.map((key) => `'${key}'`).join(' | ')}>>();`,
    );
  }
  await writeFile(join(folder, 'tests/types/runtime.test-d.mts'), `${lines.join('\n')}\n`);
  const { ok, output } = await typeCheck(join(folder, 'tests/types'));
  assert.ok(ok, `the declared value exports differ from the runtime's:\n${output}`);
});

// Wrong declarations, each of a kind the type tests exist to catch.
const BREAKAGES = [
  { file: 'trickle.d.mts', what: 'a split mode dropped', from: "  | 'char';", to: ';' },
  { file: 'trickle.d.mts', what: "next() typed as any", from: 'next(): Promise<IteratorResult<string, undefined>>;', to: 'next(): Promise<any>;' },
  { file: 'trickle.d.mts', what: 'a stats field dropped', from: '  timerArmed: boolean;\n', to: '' },
  { file: 'trickle.d.mts', what: 'any clock accepted', from: "clock?: 'manual' | ManualClock;", to: 'clock?: unknown;' },
  { file: 'toolbox.d.mts', what: "gather's outcome of a stream its last chunk", from: 'T extends AsyncIterable<infer C> ? C[]', to: 'T extends AsyncIterable<infer C> ? C' },
  { file: 'toolbox.d.mts', what: "gather's types inferred from a destructuring of its result", from: 'options?: LimitOptions): Promise<Outcomes<T>>;', to: 'options?: LimitOptions): Promise<{ -readonly [K in keyof T]: Outcome<T[K]> }>;' },
  { file: 'toolbox.d.mts', what: 'ManualClock re-exported as a type only', from: "export { ManualClock } from './trickle.mjs';", to: "import type { ManualClock } from './trickle.mjs';\nexport type { ManualClock };" },
];

test('the type tests pass on the declarations as they are, and fail on each of several wrong ones', async (t) => {
  const folder = await copyOfTypeTests(t);
  const project = join(folder, 'tests/types');
  const clean = await typeCheck(project);
  assert.ok(clean.ok, clean.output);
  for (const { file, what, from, to } of BREAKAGES) {
    const path = join(folder, 'src/js', file);
    const original = await readFile(path, 'utf8');
    assert.ok(original.includes(from), `${file} still has ${JSON.stringify(from)} (update this breakage)`);
    await writeFile(path, original.replace(from, to));
    const broken = await typeCheck(project);
    await writeFile(path, original);
    assert.ok(!broken.ok, `the type tests did not notice ${what}`);
    assert.match(broken.output, /tests\/types\/\w+\.test-d\.mts\(\d+,\d+\): error TS\d+/, `${what}: the error is in a type test`);
  }
});
