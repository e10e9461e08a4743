// trickle's benchmark suite: trickle beside the JS a sceptic would write instead (and the
// best peers), every figure a ratio to a baseline measured in the same run, alternating.
// Markdown tables on stdout (headed with the machine, ended with a summary of the goals),
// progress on stderr.
//
//   node --expose-gc scripts/bench.mjs [--quick] [--only <group>...] [--rounds n]
//                                      [--no-chromium] [--soak] [--list]
//
// scripts/bench builds first and runs this. The groups live in scripts/benchmarks/, one
// module each ({ title, requires?(ctx), run(ctx) }); scripts/benchmarks/README.md says what
// each measures and why its baseline is the fair one.
//
// Each group runs in a Node process of its own (this script, with --group-child): what one
// group leaves in its process (the throughput group's million-word texts, the memory group's
// grown heap) would otherwise tax every collection of the groups after it. In one process,
// the shared-timer reference of the scale group took 4.0x its ideal wall after the
// throughput group, 1.04x alone; a user's page holds none of the bench's own texts.
//
// Exit status: 0 when every group ran or was skipped for a missing dependency (goals missed
// are figures, not failures), 1 when a group failed, 2 for a usage error.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Missing, makeContext, machineHeader } from './benchmarks/context.mjs';
import { summaryTable } from './benchmarks/summary.mjs';

const GROUPS = ['throughput', 'timing', 'scale', 'memory', 'size', 'wire', 'tokens'];
const SOAK = fileURLToPath(new URL('./soak.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/js/trickle.mjs', import.meta.url));

function usage() {
  return `usage: scripts/bench [--quick] [--only <group>...] [--rounds n] [--no-chromium] [--soak]
  --quick        every benchmark at a small size (a few minutes, not the full run's half
                 hour): shows that the suite works, its figures mean little
  --only g...    only these groups (${GROUPS.join(', ')}); "a,b" works too
  --rounds n     kept rounds per figure (default 5, at least 5: every figure is a median)
  --no-chromium  leave out the figures measured in Chromium
  --soak         run scripts/soak.mjs (the long soak) instead of the groups, or after the
                 groups given with --only
  --list         the groups, one a line
scripts/bench also takes --no-build (run on the build already there).`;
}

class UsageError extends Error {}

function readArgs(argv) {
  const options = { quick: false, only: null, soak: false, rounds: 5, chromium: true, groupChild: null, goalsFile: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--soak') options.soak = true;
    else if (arg === '--no-chromium') options.chromium = false;
    else if (arg === '--list') {
      console.log(GROUPS.join('\n'));
      process.exit(0);
    } else if (arg === '--help' || arg === '-h') {
      console.log(usage());
      process.exit(0);
    } else if (arg === '--rounds') {
      const value = argv[++i];
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < 5) {
        throw new UsageError(`--rounds needs a whole number of at least 5, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
      }
      options.rounds = Number(value);
    } else if (arg === '--group-child' || arg === '--goals-file') {
      // Internal: one group in this process (see the header), its goals written to the file.
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      if (arg === '--group-child') options.groupChild = value; else options.goalsFile = value;
    } else if (arg === '--only') {
      options.only ??= [];
      // Names follow until the next option; "a,b" works too.
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options.only.push(...argv[++i].split(',').filter(Boolean));
      if (options.only.length === 0) throw new UsageError('--only needs at least one group');
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if ((options.groupChild === null) !== (options.goalsFile === null)) throw new UsageError('--group-child and --goals-file go together');
  for (const name of [...(options.only ?? []), ...(options.groupChild === null ? [] : [options.groupChild])]) {
    if (!GROUPS.includes(name)) throw new UsageError(`unknown group ${JSON.stringify(name)} (the groups: ${GROUPS.join(', ')})`);
  }
  return options;
}

function runSoak(quick) {
  if (!existsSync(SOAK)) {
    console.error('bench: scripts/soak.mjs is missing, so there is no soak to run (it is written separately; once it is in the tree, --soak runs it)');
    return Promise.resolve(1);
  }
  const args = ['--expose-gc', SOAK, ...(quick ? ['--quick'] : [])];
  console.error(`bench: running node ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

// Runs one group: its requirements first (a missing one skips the group, saying why), then
// the group, whose parts may skip themselves the same way.
async function runGroup(ctx, name) {
  const { default: group } = await import(`./benchmarks/${name}.mjs`);
  ctx.group = name;
  ctx.log(`${name}: start (process ${process.pid})`);
  const started = performance.now();
  console.log(`\n## ${group.title}\n`);
  try {
    const missing = (await group.requires?.(ctx)) ?? null;
    if (missing !== null) {
      ctx.skip(`the ${name} group`, missing);
      return 0;
    }
    await group.run(ctx);
    ctx.log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (error instanceof Missing) {
      // A dependency found missing only once the group was under way: what it measured
      // before stands, the rest is skipped.
      ctx.skip(`the rest of the ${name} group`, error.message);
      return 0;
    }
    // One group failing (a baseline gave other chunks, Chromium did not start) should not
    // hide the others' tables; the exit status says it.
    ctx.out(`\n**The ${name} group failed:** ${error.message}`);
    ctx.goals.push({ group: name, goal: `the ${name} group`, failed: error.message });
    ctx.log(`${name}: FAILED\n${error.stack}`);
    return 1;
  }
}

let options;
try {
  options = readArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`bench: ${error.message}\n${usage()}`);
  process.exit(2);
}
if (typeof globalThis.gc !== 'function') {
  console.error('bench: run with node --expose-gc (scripts/bench does): the memory and throughput groups force collections');
  process.exit(2);
}

const groups = options.groupChild !== null ? [options.groupChild] : options.only ?? (options.soak ? [] : GROUPS);
if (groups.length > 0 && !existsSync(DIST)) {
  console.error('bench: dist/js/trickle.mjs is missing: run scripts/build first (scripts/bench does, unless given --no-build)');
  process.exit(2);
}
// Runs one group in a fresh process (see the header): its Markdown goes straight to stdout,
// its progress to stderr, its goals come back through a file. Resolves with its exit status.
function runGroupInChild(ctx, name, dir) {
  const goalsFile = join(dir, `${name}.json`);
  const args = ['--expose-gc', fileURLToPath(import.meta.url), '--group-child', name, '--goals-file', goalsFile,
    '--rounds', String(options.rounds), ...(options.quick ? ['--quick'] : []), ...(options.chromium ? [] : ['--no-chromium'])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      let status = code ?? (signal ? 1 : 0);
      try {
        ctx.goals.push(...JSON.parse(readFileSync(goalsFile, 'utf8')));
      } catch (error) {
        console.log(`\n**The ${name} group failed:** its process ended (${signal ?? `exit ${code}`}) without its goals (${error.message})`);
        ctx.goals.push({ group: name, goal: `the ${name} group`, failed: `its process ended (${signal ?? `exit ${code}`})` });
        status = 1;
      }
      resolve(status);
    });
  });
}

const ctx = makeContext({ quick: options.quick, rounds: options.rounds, chromium: options.chromium });
let status = 0;
try {
  if (options.groupChild !== null) {
    status = await runGroup(ctx, options.groupChild);
    writeFileSync(options.goalsFile, JSON.stringify(ctx.goals));
  } else if (groups.length > 0) {
    console.log(await machineHeader(ctx, groups));
    const dir = mkdtempSync(join(tmpdir(), 'trickle-bench-'));
    try {
      for (const name of groups) status = Math.max(status, await runGroupInChild(ctx, name, dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`\n${summaryTable(ctx)}`);
    console.log(`\n_Load average at the end: ${ctx.loadAverage()}._`);
  }
} finally {
  await ctx.close();
}
if (options.soak) status = Math.max(status, await runSoak(options.quick));
process.exit(status);
