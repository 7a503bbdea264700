// The start-up benchmark of issue 18 (`npm run bench:cli`): how long the built command (dist/)
// takes to answer `--help`, `run --help` and `--version`, against `node -e 0` (Node's own start on
// this machine), each run N times in a row; median and worst. Target (issue 18): --help under 0.3 s.
//
//   npm run bench:cli                 15 runs each
//   npm run bench:cli -- --runs 31
import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist/bin/mamlab.js');
const i = process.argv.indexOf('--runs');
const RUNS = i >= 0 ? Number(process.argv[i + 1]) : 15;
const TARGET_S = 0.3;

function time(args: string[]): { median: number; worst: number } {
  const seconds: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    seconds.push((performance.now() - t) / 1000);
  }
  seconds.sort((a, b) => a - b);
  return { median: seconds[Math.floor(seconds.length / 2)]!, worst: seconds.at(-1)! };
}

const rows: Array<[string, { median: number; worst: number }]> = [
  ['node -e 0 (Node alone)', time(['-e', '0'])],
  ['mamlab --help', time([CLI, '--help'])],
  ['mamlab run --help', time([CLI, 'run', '--help'])],
  ['mamlab --version', time([CLI, '--version'])],
];
console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, Linux ${release()}, Node ${process.versions.node}; ${RUNS} runs each\n`);
console.log('| command | median | worst |');
console.log('|---|---|---|');
for (const [name, r] of rows) console.log(`| ${name} | ${r.median.toFixed(3)} s | ${r.worst.toFixed(3)} s |`);
const help = rows[1]![1].median;
console.log(`\n--help median ${help.toFixed(3)} s: target under ${TARGET_S} s ${help < TARGET_S ? 'met' : 'MISSED'}`);
