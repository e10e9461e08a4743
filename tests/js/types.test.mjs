// The hand-written declarations against the code they describe, and the type tests against
// wrong declarations. `tsc -p tests/types` (scripts/test runs it) checks how the types
// read; this file checks that they are the runtime's, and that the type tests can fail.
//
// Both in one run of tsc: a temporary folder holds copies of src/js's declarations and of
// the type tests that read them (not the one that reads dist/ through the package's name),
// one copy as it is and one per wrong declaration, and tsc checks them all at once.
import { before, after, test } from 'node:test';
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

// Wrong declarations, each of a kind the type tests exist to catch.
const BREAKAGES = [
  { file: 'trickle.d.mts', what: 'a split mode dropped', from: "  | 'tokens';", to: ';' },
  { file: 'trickle.d.mts', what: 'token ids typed as strings', from: 'tokenize(text: string, options?: TokenizeOptions): Promise<number[]>;', to: 'tokenize(text: string, options?: TokenizeOptions): Promise<string[]>;' },
  { file: 'trickle.d.mts', what: 'replay offsets left untyped', from: '  offsetsMs: readonly number[];', to: '  offsetsMs: readonly unknown[];' },
  { file: 'trickle.d.mts', what: 'next() typed as any', from: 'next(): Promise<IteratorResult<string, undefined>>;', to: 'next(): Promise<any>;' },
  { file: 'trickle.d.mts', what: 'a stats field dropped', from: '  timerArmed: boolean;\n', to: '' },
  { file: 'trickle.d.mts', what: 'any clock accepted', from: "clock?: 'manual' | ManualClock;", to: 'clock?: unknown;' },
  { file: 'toolbox.d.mts', what: "gather's outcome of a stream its last chunk", from: 'T extends AsyncIterable<infer C> ? C[]', to: 'T extends AsyncIterable<infer C> ? C' },
  { file: 'toolbox.d.mts', what: "gather's types inferred from a destructuring of its result", from: 'options?: LimitOptions): Promise<Outcomes<T>>;', to: 'options?: LimitOptions): Promise<{ -readonly [K in keyof T]: Outcome<T[K]> }>;' },
  { file: 'toolbox.d.mts', what: 'ManualClock re-exported as a type only', from: "export { ManualClock } from './trickle.mjs';", to: "import type { ManualClock } from './trickle.mjs';\nexport type { ManualClock };" },
];

// The answers' modules' declarations, which answers.test-d.mts checks.
const ANSWERS_DECLARATIONS = ['builtin', 'fixtures', 'reply', 'transcript'].map((name) => `answers/${name}.d.mts`);

let folder;
let checked; // { errors: Map<copy name, tsc error lines> }

// A copy of the declarations (changed by `breakage`, if given) and the type tests, in folder/<name>/.
async function makeCopy(name, breakage) {
  const copy = join(folder, name);
  await mkdir(join(copy, 'src/js/answers'), { recursive: true });
  for (const file of ['trickle.d.mts', 'toolbox.d.mts', ...ANSWERS_DECLARATIONS]) {
    let text = await readFile(join(ROOT, 'src/js', file), 'utf8');
    if (breakage?.file === file) {
      assert.ok(text.includes(breakage.from), `${file} still has ${JSON.stringify(breakage.from)} (update this breakage)`);
      text = text.replace(breakage.from, breakage.to);
    }
    await writeFile(join(copy, 'src/js', file), text);
  }
  await cp(join(ROOT, 'tests/types'), join(copy, 'tests/types'), {
    recursive: true,
    filter: (path) => !path.endsWith('package.test-d.mts') && !path.endsWith('tsconfig.json'),
  });
}

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'trickle-types-'));
  await makeCopy('as-is');
  // The declared value exports, against what the modules export when run.
  const lines = ["import { type Equal, exact } from './check.mjs';"];
  for (const name of ['trickle', 'toolbox']) {
    const runtime = Object.keys(await import(`../../src/js/${name}.mjs`)).sort();
    assert.ok(runtime.length > 0);
    lines.push(
      `import type * as ${name} from '../../src/js/${name}.mjs';`,
      `exact<Equal<keyof typeof ${name}, ${runtime.map((key) => `'${key}'`).join(' | ')}>>();`,
    );
  }
  await writeFile(join(folder, 'as-is/tests/types/runtime.test-d.mts'), `${lines.join('\n')}\n`);
  await Promise.all(BREAKAGES.map((breakage, i) => makeCopy(`broken-${i}`, breakage)));
  // The type tests' own options, for every copy.
  await writeFile(join(folder, 'tsconfig.json'), JSON.stringify({
    extends: join(ROOT, 'tests/types/tsconfig.json'),
    include: ['*/tests/types/*.mts'],
  }));

  const errors = new Map();
  let output = '';
  try {
    await run(TSC, ['--noEmit', '--pretty', 'false', '-p', folder], { cwd: folder });
  } catch (error) {
    if (typeof error.code !== 'number') throw error; // tsc did not run at all
    output = error.stdout + error.stderr;
  }
  for (const line of output.split('\n')) {
    const copy = /^([\w-]+)\//.exec(line)?.[1];
    if (copy) errors.set(copy, [...(errors.get(copy) ?? []), line]);
  }
  checked = { errors, output };
});

after(() => (folder ? rm(folder, { recursive: true, force: true }) : undefined));

test('the declarations export as values exactly what trickle.mjs and toolbox.mjs export, and pass the type tests', () => {
  assert.deepEqual(checked.errors.get('as-is') ?? [], [], 'the type tests fail on the declarations as they are');
  assert.ok(checked.errors.size > 0, `tsc found nothing wrong anywhere:\n${checked.output}`);
});

test('the type tests fail on each of several wrong declarations, in the tests themselves', () => {
  BREAKAGES.forEach(({ what }, i) => {
    const errors = checked.errors.get(`broken-${i}`) ?? [];
    assert.ok(errors.some((line) => /^[\w-]+\/tests\/types\/\w+\.test-d\.mts\(\d+,\d+\): error TS\d+/.test(line)),
      `the type tests did not notice ${what}${errors.length > 0 ? `:\n${errors.join('\n')}` : ''}`);
  });
});
