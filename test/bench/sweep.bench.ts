// The sweep benchmark of issue 16 (`npm run bench:sweep`): the bundled stress scenario's five
// variants × 40 seeds = 200 jobs, swept by the built CLI (dist/) on 1 and on 2 workers (one
// warm-up, then N timed runs each: median wall time, jobs a second, peak RSS of the process from
// /usr/bin/time), the speed-up of 2 workers over 1 (target ≥ 1.8× on 2 cores), and the peak RSS at
// 200 and at 1,000 jobs (target: flat in the number of jobs). Prints a markdown table with the machine.
//
//   npm run bench:sweep                 3 timed runs per row
//   npm run bench:sweep -- --runs 5 --md out/sweep-bench.md
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist/bin/mamlab.js');
const SCENARIO = join(ROOT, 'scenarios/stress-weekend-gap.json');
const VARIANTS = 5;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const RUNS = Number(option('--runs', '3'));
const MD = process.argv.includes('--md') ? option('--md', '') : undefined;
if (!Number.isInteger(RUNS) || RUNS < 3) throw new Error('--runs: a whole number of at least 3');

interface Sample { wall: number; rss: number }

/** One sweep through the CLI under /usr/bin/time: wall seconds and peak RSS (MB). */
/** `workers` 0: the default (in the process, threads once the jobs left would take more than 8 s). */
function sweepTimed(seeds: number, workers: number, dir: string): Sample {
  const out = join(dir, `out-${seeds}-${workers}`);
  const rssFile = join(dir, 'rss.txt');
  rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  execFileSync('/usr/bin/time', ['-o', rssFile, '-f', '%M', process.execPath, CLI, 'sweep', SCENARIO, '--out', out, '--seeds', String(seeds), ...(workers ? ['--workers', String(workers)] : []), '--quiet'], { stdio: 'ignore' });
  const wall = (performance.now() - t0) / 1000;
  return { wall, rss: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The machine's own ceiling for two workers: two independent processes, each the 1-worker sweep,
 * at once; their throughput against one alone. No pool can beat it (two vCPUs that share a core
 * give well under 2×).
 */
function ceiling(dir: string): number {
  const alone = median(Array.from({ length: RUNS }, () => sweepTimed(40, 1, dir).wall));
  const pair = median(Array.from({ length: RUNS }, () => {
    const t0 = performance.now();
    execFileSync('sh', ['-c', `${[0, 1].map((k) => `${process.execPath} ${CLI} sweep ${SCENARIO} --out ${join(dir, `pair-${k}`)} --seeds 40 --workers 1 --quiet`).join(' & ')} & wait`], { stdio: 'ignore' });
    const wall = (performance.now() - t0) / 1000;
    for (const k of [0, 1]) rmSync(join(dir, `pair-${k}`), { recursive: true, force: true });
    return wall;
  }));
  return (2 * alone) / pair;
}

function row(seeds: number, workers: number, dir: string, runs = RUNS): { wall: number; rss: number; jobs: number } {
  sweepTimed(seeds, workers, dir); // warm-up
  const samples = Array.from({ length: runs }, () => sweepTimed(seeds, workers, dir));
  return { wall: median(samples.map((s) => s.wall)), rss: Math.max(...samples.map((s) => s.rss)), jobs: seeds * VARIANTS };
}

execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
const dir = mkdtempSync(join(tmpdir(), 'mamlab-sweep-bench-'));
try {
  const one = row(40, 1, dir);
  const two = row(40, 2, dir);
  const auto = row(40, 0, dir);
  const big = row(200, 2, dir, 1);
  const bigAuto = row(200, 0, dir, 1);
  const speedup = one.wall / two.wall;
  const most = ceiling(dir);
  // The result must not depend on the worker count (checked here too, on the bench's own outputs).
  const same = readFileSync(join(dir, 'out-40-1/results.csv'), 'utf8') === readFileSync(join(dir, 'out-40-2/results.csv'), 'utf8');
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}, load ${loadavg()[0]!.toFixed(2)} at the end`;
  const lines = [
    `Sweep benchmark (${new Date().toISOString().slice(0, 10)}; ${machine}; median of ${RUNS} runs after a warm-up; peak RSS of the whole process, worker threads included)`,
    '',
    '| sweep | jobs | workers | wall (median) | jobs/s | peak RSS | target | result |',
    '|---|---|---|---|---|---|---|---|',
    `| stress, 5 variants × 40 seeds | ${one.jobs} | 1 | ${one.wall.toFixed(2)} s | ${(one.jobs / one.wall).toFixed(1)} | ${one.rss.toFixed(0)} MB | — | — |`,
    `| stress, 5 variants × 40 seeds | ${two.jobs} | 2 | ${two.wall.toFixed(2)} s | ${(two.jobs / two.wall).toFixed(1)} | ${two.rss.toFixed(0)} MB | ≥ 1.8× of 1 worker | ${speedup.toFixed(2)}× ${speedup >= 1.8 ? 'met' : '**missed**'} |`,
    `| stress, 5 variants × 40 seeds | ${auto.jobs} | default | ${auto.wall.toFixed(2)} s | ${(auto.jobs / auto.wall).toFixed(1)} | ${auto.rss.toFixed(0)} MB | — | — |`,
    `| stress, 5 variants × 200 seeds | ${bigAuto.jobs} | default | ${bigAuto.wall.toFixed(2)} s (1 run) | ${(bigAuto.jobs / bigAuto.wall).toFixed(1)} | ${bigAuto.rss.toFixed(0)} MB | — | — |`,
    `| stress, 5 variants × 200 seeds | ${big.jobs} | 2 | ${big.wall.toFixed(2)} s (1 run) | ${(big.jobs / big.wall).toFixed(1)} | ${big.rss.toFixed(0)} MB | RSS flat in jobs | ${(big.rss / two.rss).toFixed(2)}× the 200-job RSS ${big.rss / two.rss <= 1.25 ? 'met' : '**missed**'} |`,
    '',
    `The machine's ceiling for two workers (two independent 1-worker sweeps at once, against one alone): ${most.toFixed(2)}×.`,
    `results.csv identical on 1 and 2 workers: ${same ? 'yes' : '**no**'}`,
  ];
  console.log(lines.join('\n'));
  if (MD) writeFileSync(MD, lines.join('\n') + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
