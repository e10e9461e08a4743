// What every benchmark group gets: the mode (quick or full), progress on stderr, the Markdown
// output, the library as users get it (dist/js/trickle.mjs), child Node processes for the
// figures that need a fresh process, and the Chromium bench page (started on first need).
//
// Contract: stdout carries only Markdown (ctx.out); everything else goes to stderr. The
// Chromium page and its server are closed by close(), whatever the groups did.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { openBenchPage } from './browser.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

export function makeContext({ quick }) {
  const started = performance.now();
  let browser = null;
  const ctx = {
    quick,
    /** Picks the quick or the full value. */
    size: (quickValue, fullValue) => (quick ? quickValue : fullValue),
    /** Kept rounds: at least 5 in every mode (every figure is a median of 5 or more). */
    rounds: 5,
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
    hasChromium: () => existsSync(CHROMIUM),
    /** The bench page in Chromium (one for the whole run): { page, version, evaluate(name, arg) }. */
    async browser() {
      browser ??= openBenchPage(ctx);
      return browser;
    },
    loadAverage: () => loadavg().map((load) => load.toFixed(2)).join(', '),
    async close() {
      if (browser !== null) await (await browser.catch(() => null))?.close();
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
    `- Node ${process.version} (V8 ${process.versions.v8}); ${chromiumVersion()}`,
    `- trickle at ${commit()}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- Mode: ${ctx.quick ? '**--quick** (small sizes: the figures show the suite works, not how fast anything is)' : 'full'}; groups: ${groups.join(', ')}`,
    `- Load average at the start: ${ctx.loadAverage()} (a busy machine makes every figure noisy)`,
    '',
    'Each ratio is trickle ÷ the baseline named, measured side by side in the same process (or the same Chromium page), '
      + 'alternating, as the median of the per-round ratios with their min–max. Higher is better for rates, lower for times.',
  ];
  return lines.join('\n');
}
