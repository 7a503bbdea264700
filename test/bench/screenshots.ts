// `npm run docs:screenshots`: writes a screenshot of each page type (the run report, the
// investors' index, a tear sheet, the comparison, the stress page, the sweep page) into docs/img/, from the bundled scenarios,
// with Debian's Chromium driven by playwright-core at 1,280 px. docs/reports.md shows them.
// Rerun it after changing a page, and look at the pictures before committing them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { compareToDirectory } from '../../sim/compare.js';
import { monteCarloToDirectory } from '../../sim/monte-carlo.js';
import { runToDirectory } from '../../sim/run-output.js';
import { parseGridOption, sweepToDirectory } from '../../sim/sweep.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const scenario = (f: string): string => join(ROOT, 'scenarios', f);
const dir = mkdtempSync(join(tmpdir(), 'mamlab-shots-'));
try {
  runToDirectory(scenario('joint-program.json'), join(dir, 'run'));
  await compareToDirectory(scenario('allocation-comparison.json'), join(dir, 'compare'), { workers: 1 });
  await monteCarloToDirectory(scenario('stress-weekend-gap.json'), join(dir, 'stress'), { seeds: 40, workers: 1 });
  await sweepToDirectory(scenario('fee-terms-sweep.json'), join(dir, 'sweep'), { seeds: 10, workers: 1, grid: [parseGridOption('program.allocation=proportional')] });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  for (const [page, file, height] of [['run/report.html', 'report', 1500], ['run/investors/index.html', 'investors-index', 1300], ['run/investors/alice.html', 'tear-sheet', 1500], ['compare/comparison.html', 'comparison', 1300], ['stress/report.html', 'stress', 1300], ['sweep/sweep.html', 'sweep', 1300]] as const) {
    const p = await browser.newPage({ viewport: { width: 1280, height } });
    await p.goto(`file://${join(dir, page)}`);
    await p.screenshot({ path: join(ROOT, 'docs', 'img', `${file}.png`) });
    await p.close();
    console.log(`docs/img/${file}.png`);
  }
  await browser.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
