// What every benchmark group gets: the mode (quick or full), progress on stderr, the Markdown
// output, the library as users get it (dist/js/trickle.mjs), child Node processes for the
// figures that need a fresh process, the Chromium bench page (started on first need), probes
// for what a group depends on, and the list of goals the summary table prints at the end.
//
// Contract: stdout carries only Markdown (ctx.out); everything else goes to stderr. The
// Chromium page and its server are closed by close(), whatever the groups did. Nothing here
// imports playwright-core or any other optional package until a group asks for it, so a
// missing one costs only the groups that need it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

/**
 * A dependency a group cannot run without is absent: the group (or the part of it) is
 * skipped, saying why, and the run does not fail.
 */
export class Missing extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'Missing';
  }
}

export function makeContext({ quick, rounds = 5, chromium = true }) {
  const started = performance.now();
  let browser = null;
  let trickleFeatures = null;
  const packages = new Map();
  const ctx = {
    quick,
    /** Picks the quick or the full value. */
    size: (quickValue, fullValue) => (quick ? quickValue : fullValue),
    /** Kept rounds: at least 5 in every mode (every figure is a median of 5 or more). */
    rounds,
    /** The group running now (set by scripts/bench.mjs), for the goals it records. */
    group: null,
    /**
     * The goals measured, for the summary table: { group, goal, measured, spread, target,
     * met (true, false, or null when there is no goal to meet), skipped (a reason) }.
     */
    goals: [],
    /** Records one line of the summary table (see `goals`). */
    goal({ goal, measured, spread = '', target = '', met = null }) {
      ctx.goals.push({ group: ctx.group, goal, measured, spread, target, met, skipped: null });
    },
    /** Records in the summary that a part was not measured, and says so in the tables. */
    skip(what, reason, { table = true } = {}) {
      ctx.goals.push({ group: ctx.group, goal: what, skipped: reason });
      ctx.log(`${ctx.group}: skipped ${what}: ${reason}`);
      if (table) ctx.out(`\n_Not measured: ${what}: ${reason}._\n`);
    },
    log(message) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
      process.stderr.write(`[bench ${seconds}s] ${message}\n`);
    },
    out(markdown) {
      process.stdout.write(`${markdown}\n`);
    },
    path: (relative) => fileURLToPath(new URL(relative, new URL('../../', import.meta.url))),
    async createTrickle(options) {
      const { default: createTrickle } = await import('../../dist/js/trickle.mjs');
      return createTrickle(options);
    },
    /** Collects garbage until the heap stops shrinking (finalizers get turns in between). */
    async fullGc() {
      for (let i = 0; i < 4; i++) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },
    /**
     * Runs `node --expose-gc scripts/benchmarks/child.mjs <task> <json>` and resolves with the
     * JSON it prints; its stderr passes through. A failing child rejects, with its output.
     */
    child(task, args = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--expose-gc', ctx.path('scripts/benchmarks/child.mjs'), task, JSON.stringify(args)],
          { stdio: ['ignore', 'pipe', 'inherit'] });
        let output = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (data) => { output += data; });
        child.on('error', reject);
        child.on('exit', (code) => {
          if (code !== 0) reject(new Error(`bench: child ${task} exited with ${code}: ${output.slice(0, 500)}`));
          else {
            try {
              resolve(JSON.parse(output));
            } catch {
              reject(new Error(`bench: child ${task} printed no JSON: ${output.slice(0, 500)}`));
            }
          }
        });
      });
    },
    /** The files (paths from the repository's root) that are not there. */
    missingFiles: (paths) => paths.filter((path) => !existsSync(ctx.path(path))),
    /**
     * Imports an npm package (a dev dependency of the repository), or throws Missing when it
     * is not installed; any other error loading it is a real error and is thrown as it is.
     */
    async importPackage(name) {
      if (!packages.has(name)) {
        packages.set(name, import(name).catch((error) => {
          if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(name.split('/')[0])) {
            throw new Missing(`the npm package ${name} is not installed (npm install)`);
          }
          throw error;
        }));
      }
      return packages.get(name);
    },
    /** Why the Chromium figures cannot be measured, or null when they can. */
    async chromiumMissing() {
      if (!chromium) return 'left out with --no-chromium';
      if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (scripts/setup --browser installs it)`;
      try {
        await ctx.importPackage('playwright-core');
      } catch (error) {
        if (error instanceof Missing) return error.message;
        throw error;
      }
      return null;
    },
    /** The bench page in Chromium (one for the whole run): { page, version, evaluate(name, arg) }. */
    async browser() {
      const missing = await ctx.chromiumMissing();
      if (missing !== null) throw new Missing(`Chromium: ${missing}`);
      browser ??= import('./browser.mjs').then(({ openBenchPage }) => openBenchPage(ctx));
      return browser;
    },
    /** Why `trickle` cannot stream with `split: mode` (an older build), or null when it can. */
    async splitMissing(trickle, mode) {
      try {
        for await (const chunk of trickle.stream('a b', { delayMs: 0, split: mode })) void chunk;
        return null;
      } catch (error) {
        return `this build of trickle has no split: '${mode}' (${error.message})`;
      }
    },
    /**
     * What the library in dist/ offers beyond plain streams, found by trying it (the suite
     * also runs against an older build): { fetch, stats, preset }, each true or a reason.
     */
    async features() {
      trickleFeatures ??= (async () => {
        const trickle = await ctx.createTrickle();
        const features = {
          fetch: typeof trickle.createFetch === 'function' || 'this build of trickle has no createFetch()',
          stats: typeof trickle.stats === 'function' || 'this build of trickle has no stats()',
          preset: true,
        };
        try {
          const plan = await trickle.stream('a b', { preset: 'gpt-4o', seed: 1 }).plan();
          if (!Array.isArray(plan) || plan.length !== 2) features.preset = 'stream(...).plan() does not give one time per chunk';
        } catch (error) {
          features.preset = `this build of trickle has no timing presets (${error.message})`;
        }
        return features;
      })();
      return trickleFeatures;
    },
    loadAverage: () => loadavg().map((load) => load.toFixed(2)).join(', '),
    async close() {
      if (browser !== null) await (await browser.catch(() => null))?.close();
      browser = null;
    },
  };
  return ctx;
}

function chromiumVersion() {
  if (!existsSync(CHROMIUM)) return 'not installed';
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 20000 }).trim();
  } catch {
    return 'unknown';
  }
}

function commit() {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'CMakeLists.txt'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty === '' ? hash : `${hash} + uncommitted changes in src/`;
  } catch {
    return 'unknown';
  }
}

/** The Markdown header: the machine, the runtimes, the commit, the mode. */
export async function machineHeader(ctx, groups) {
  const cpu = cpus();
  const lines = [
    '# trickle benchmarks',
    '',
    `- Machine: ${cpu[0]?.model?.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version} (V8 ${process.versions.v8}); ${(await ctx.chromiumMissing()) === null ? chromiumVersion() : 'Chromium not used'}`,
    `- trickle at ${commit()}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- Mode: ${ctx.quick ? '**--quick** (small sizes: the figures show the suite works, not how fast anything is)' : 'full'}; `
      + `${ctx.rounds} kept rounds per figure; groups: ${groups.join(', ')}`,
    `- Load average at the start: ${ctx.loadAverage()} (a busy machine makes every figure noisy)`,
    '',
    'Each ratio is trickle ÷ the baseline named, measured side by side in the same process (or the same Chromium page), '
      + 'alternating, as the median of the per-round ratios with their min–max. Higher is better for rates, lower for times. '
      + 'Each group runs in a fresh Node process of its own, so that no group is measured in a heap another one left behind.',
  ];
  return lines.join('\n');
}
