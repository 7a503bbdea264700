// The report benchmark of issue 17 (`npm run bench:report`): a program of 2,000 investors (1,000
// MAM + 1,000 PAMM on the scale benchmark's S1 terms: fees, costs, rebates, a pool with a loss
// limit; two days of EURUSD M1 bars, 15 round trips), run once by the built CLI (dist/) with the
// default --investor-pages (the 10 best and 10 worst get tear sheets). Then, per page type, its
// size and its render time in headless Chromium (/usr/bin/chromium): from navigation start to
// the end of the load event, and to the first frame painted after it; N loads each, median.
// Targets (issue 17): report.html under 5 MB, rendered in under 2 s.
//
//   npm run bench:report                5 loads per page
//   npm run bench:report -- --runs 9 --md out/report-bench.md
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { generateScenario, scaleJob } from './scale-scenarios.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist/bin/mamlab.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MB = 1024 * 1024;
const SIZE_TARGET = 5 * MB;
const RENDER_TARGET_MS = 2000;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const RUNS = Number(option('--runs', '5'));
const MD = process.argv.includes('--md') ? option('--md', '') : undefined;
if (!Number.isInteger(RUNS) || RUNS < 3) throw new Error('--runs: a whole number of at least 3');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'mamlab-report-bench-'));
const base = scaleJob('S1', 0.3);
const job = { ...base, mam: 1000, pamm: 1000, title: `1,000 MAM + 1,000 PAMM, ${base.roundTrips} round trips, ${base.days} days (EURUSD M1 bars)` };
const g = generateScenario(job, join(dir, 'scenario'));
const out = join(dir, 'out');
const t0 = performance.now();
execFileSync(process.execPath, [CLI, 'run', g.file, '--out', out, '--quiet'], { stdio: 'inherit' });
const runSeconds = (performance.now() - t0) / 1000;

const sheets = readdirSync(join(out, 'investors')).filter((f) => f !== 'index.html' && f.endsWith('.html'));
const pages: Array<[string, string]> = [['report.html', join(out, 'report.html')], ['investors/index.html', join(out, 'investors/index.html')], [`investors/${sheets[0]} (a tear sheet)`, join(out, 'investors', sheets[0]!)]];

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
const rows: string[] = [];
let met = true;
for (const [name, path] of pages) {
  const loads: number[] = [];
  const painted: number[] = [];
  for (let k = 0; k <= RUNS; k++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${path}`, { waitUntil: 'load' });
    const t = await page.evaluate(() => new Promise<{ load: number; paint: number }>((done) => {
      const nav = performance.getEntriesByType('navigation' as never)[0] as unknown as { loadEventEnd: number };
      requestAnimationFrame(() => requestAnimationFrame(() => done({ load: nav.loadEventEnd, paint: performance.now() })));
    }));
    await page.close();
    if (k === 0) continue; // the first load warms the browser up
    loads.push(t.load);
    painted.push(t.paint);
  }
  const bytes = statSync(path).size;
  const ok = bytes < SIZE_TARGET && median(painted) < RENDER_TARGET_MS;
  met &&= ok;
  rows.push(`| ${name} | ${(bytes / MB).toFixed(2)} MB | ${median(loads).toFixed(0)} ms | ${median(painted).toFixed(0)} ms | ${ok ? 'yes' : 'no'} |`);
}
await browser.close();

const table = [
  `Report benchmark (issue 17): ${job.mam.toLocaleString('en-US')} MAM + ${job.pamm.toLocaleString('en-US')} PAMM investors, ${job.roundTrips} round trips, ${job.days} days of EURUSD M1 bars; the run took ${runSeconds.toFixed(1)} s (built CLI, ${sheets.length} tear sheets).`,
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GB, Linux ${release()}, Node ${process.version}; Chromium ${browser.version()}; ${RUNS} loads per page after one warm-up, median.`,
  '',
  '| page | size | load event ends | first frame after load | under 5 MB and 2 s |',
  '|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(table);
if (MD) writeFileSync(MD, `${table}\n`);
console.log(met ? '\nEvery page meets the targets.' : '\nA target is missed: see the rows marked no.');
