// trickle's benchmark suite: trickle beside the JS a sceptic would write instead (and the
// best peers), every figure a ratio to a baseline measured in the same run, alternating.
// Markdown tables on stdout (headed with the machine), progress on stderr.
//
//   node --expose-gc scripts/bench.mjs [--quick] [--only <group>...] [--soak] [--list]
//
// scripts/bench builds first and runs this. The groups live in scripts/benchmarks/, one
// module each; scripts/benchmarks/README.md says what each measures and why its baseline is
// the fair one.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeContext, machineHeader } from './benchmarks/context.mjs';

const GROUPS = ['throughput', 'timing', 'scale', 'memory', 'size', 'wire', 'tokens'];
const SOAK = fileURLToPath(new URL('./soak.mjs', import.meta.url));

function usage() {
  return `usage: scripts/bench [--quick] [--only <group>...] [--soak]
  --quick        every benchmark at a small size (minutes, not the full run's half hour)
  --only g...    only these groups (${GROUPS.join(', ')})
  --soak         run scripts/soak.mjs (the long soak) instead of the groups, or after the
                 groups given with --only
  --list         the groups, one a line`;
}

function readArgs(argv) {
  const options = { quick: false, only: null, soak: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--soak') options.soak = true;
    else if (arg === '--list') {
      console.log(GROUPS.join('\n'));
      process.exit(0);
    } else if (arg === '--help' || arg === '-h') {
      console.log(usage());
      process.exit(0);
    } else if (arg === '--only') {
      options.only ??= [];
      // Names follow until the next option; "a,b" works too.
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options.only.push(...argv[++i].split(',').filter(Boolean));
      if (options.only.length === 0) throw new UsageError('--only needs at least one group');
    } else {
      throw new UsageError(`unknown argument ${arg}`);
    }
  }
  for (const name of options.only ?? []) {
    if (!GROUPS.includes(name)) throw new UsageError(`unknown group ${name} (the groups: ${GROUPS.join(', ')})`);
  }
  return options;
}

class UsageError extends Error {}

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

const groups = options.only ?? (options.soak ? [] : GROUPS);
const ctx = makeContext({ quick: options.quick });
let status = 0;
try {
  if (groups.length > 0) {
    console.log(await machineHeader(ctx, groups));
    for (const name of groups) {
      const { default: group } = await import(`./benchmarks/${name}.mjs`);
      ctx.log(`${name}: start`);
      const started = performance.now();
      console.log(`\n## ${group.title}\n`);
      try {
        await group.run(ctx);
        ctx.log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } catch (error) {
        // One group failing (a goal-less error: a baseline gave other chunks, Chromium did
        // not start) should not hide the others' tables; the exit status says it.
        ctx.out(`\n**The ${name} group failed:** ${error.message}`);
        ctx.log(`${name}: FAILED\n${error.stack}`);
        status = 1;
      }
    }
    console.log(`\n_Load average at the end: ${ctx.loadAverage()}._`);
  }
} finally {
  await ctx.close();
}
if (options.soak) status = await runSoak(options.quick);
process.exit(status);
