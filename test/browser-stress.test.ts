// The stress page in a real browser (issue 17): Debian's Chromium driven by playwright-core,
// headless. The page loads with no console error, fits 1,280 px without sideways scrolling, and
// draws its fan charts (bands, median, legend) and its 20-bin histogram. A screenshot goes to a
// temporary folder for a person to read. Skipped, with the reason, where /usr/bin/chromium is
// missing (.ci/run installs it).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monteCarloToDirectory } from '../sim/monte-carlo.js';
import { scenarioPath } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const WIDTH = 1280;

describe.skipIf(!existsSync(CHROMIUM))(`the stress page in headless Chromium (${CHROMIUM})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamlab-browser-stress-'));
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    await monteCarloToDirectory(scenarioPath('stress-weekend-gap.json'), join(dir, 'stress'), { seeds: 6, workers: 1 });
  }, 180_000);
  afterAll(async () => browser?.close());

  it('loads with no console error, no sideways scrolling at 1,280 px, and draws a fan per group and the histogram', async () => {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${join(dir, 'stress', 'report.html')}`);
    const seen = await page.evaluate(() => {
      const h2 = [...document.querySelectorAll('h2')];
      const section = (title: string): Element[] => {
        const start = h2.find((h) => h.textContent!.startsWith(title));
        const out: Element[] = [];
        for (let e = start?.nextElementSibling; e && e.tagName !== 'H2'; e = e.nextElementSibling) out.push(e);
        return out;
      };
      const fans = section('Equity over time across the seeds');
      const figures = fans.flatMap((e) => [...(e.matches('figure.fan') ? [e] : []), ...e.querySelectorAll('figure.fan')]);
      const histogram = section('Distribution of the total investor loss');
      return {
        scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
        fans: figures.map((f) => ({
          title: f.querySelector('h3')?.textContent ?? '',
          // Plot draws an area as one path per band and a line as one path: two bands, the median, the worst seed.
          areas: f.querySelectorAll('g[aria-label="area"] path').length,
          lines: f.querySelectorAll('g[aria-label="line"] path').length,
          legend: [...f.querySelectorAll('[class$="-swatch"]')].map((s) => s.textContent),
          width: f.querySelector('svg:not([width="15"])')?.getBoundingClientRect().width ?? 0,
        })),
        bars: histogram.reduce((n, e) => n + e.querySelectorAll('g[aria-label="rect"] rect').length, 0),
        axes: histogram.reduce((n, e) => n + e.querySelectorAll('[aria-label="x-axis label"], [aria-label="y-axis label"]').length, 0),
      };
    });
    await page.screenshot({ path: join(dir, 'stress.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
    expect(seen.scrollWidth).toBeLessThanOrEqual(seen.clientWidth);
    // A signal program with MAM accounts and a pool: the program, then the master, the MAM accounts and the PAMM members.
    expect(seen.fans.map((f) => f.title)).toEqual([
      'The program: the master account, the MAM sub-accounts and the PAMM members together', "The master account (the manager's own)", 'MAM sub-accounts, total', 'PAMM members, total',
    ]);
    for (const f of seen.fans) {
      expect([f.title, f.areas, f.lines]).toEqual([f.title, 2, 2]);
      expect(f.legend.slice(0, 3)).toEqual(['5–95% of seeds', '25–75% of seeds', 'median']);
      expect(f.legend[3]).toMatch(/^worst seed \(\d+\)$/);
      expect(f.width).toBeGreaterThan(300);
    }
    // 20 equal bins (some may be empty: Plot still draws a zero-height rect) and both axes labelled.
    expect(seen.bars).toBe(20);
    expect(seen.axes).toBe(2);
  });
});
