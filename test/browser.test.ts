// The pages in a real browser (issue 17): Debian's Chromium driven by playwright-core, headless.
// Each page type loads with no console error and draws its charts; the run report and the sweep
// page fit 1,280 px without sideways scrolling. Screenshots go to a temporary folder for a person
// to read. Skipped, with the reason, where /usr/bin/chromium is missing (.ci/run installs it).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareToDirectory } from '../sim/compare.js';
import { monteCarloToDirectory } from '../sim/monte-carlo.js';
import { runToDirectory } from '../sim/run-output.js';
import { parseGridOption, sweepToDirectory } from '../sim/sweep.js';
import { scenarioPath } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const WIDTH = 1280;

describe.skipIf(!existsSync(CHROMIUM))(`the pages in headless Chromium (${CHROMIUM})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamlab-browser-'));
  const shots = join(dir, 'screenshots');
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    runToDirectory(scenarioPath('joint-program.json'), join(dir, 'run'));
    await compareToDirectory(scenarioPath('open-blocks.json'), join(dir, 'compare'), { workers: 1 });
    await monteCarloToDirectory(scenarioPath('stress-weekend-gap.json'), join(dir, 'stress'), { seeds: 4, workers: 1 });
    await sweepToDirectory(scenarioPath('fee-terms-sweep.json'), join(dir, 'sweep'), { seeds: 3, workers: 1, grid: [parseGridOption('program.performanceFee=0.2,0.3')] });
  }, 180_000);
  afterAll(async () => browser?.close());

  /** Loads a page at 1,280 px and says what a reader would meet: errors, its width, its charts' marks. */
  async function open(path: string, shot: string): Promise<{ errors: string[]; scrollWidth: number; clientWidth: number; marks: number; svgs: number }> {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${path}`);
    const seen = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
      marks: document.querySelectorAll('svg path, svg circle, svg rect, svg line').length, svgs: document.querySelectorAll('svg').length,
    }));
    await page.screenshot({ path: join(shots, `${shot}.png`), fullPage: true });
    await page.close();
    return { errors, ...seen };
  }

  it('the run report: no console error, its charts drawn, no sideways scrolling at 1,280 px', async () => {
    const p = await open(join(dir, 'run/report.html'), 'run-report');
    expect(p.errors).toEqual([]);
    expect(p.svgs).toBeGreaterThan(0);
    expect(p.marks).toBeGreaterThan(10);
    expect(p.scrollWidth).toBeLessThanOrEqual(p.clientWidth);
  });

  it("the investors' index and a tear sheet: no console error, charts drawn, no sideways scrolling at 1,280 px", async () => {
    for (const [path, shot] of [[join(dir, 'run/investors/index.html'), 'investors-index'], [join(dir, 'run/investors/alice.html'), 'tear-sheet-mam'], [join(dir, 'run/investors/p2.html'), 'tear-sheet-pamm']] as const) {
      const p = await open(path, shot);
      expect(p.errors, shot).toEqual([]);
      expect(p.svgs, shot).toBeGreaterThanOrEqual(2);
      expect(p.marks, shot).toBeGreaterThan(10);
      expect(p.scrollWidth, shot).toBeLessThanOrEqual(p.clientWidth);
    }
  });

  it('a printable statement: no console error, no sideways scrolling at 1,280 px, its logo drawn', async () => {
    const p = await open(join(dir, 'run/investors/statement-bob_2024-03.html'), 'statement');
    expect(p.errors).toEqual([]);
    expect(p.scrollWidth).toBeLessThanOrEqual(p.clientWidth);
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    await page.goto(`file://${join(dir, 'run/investors/statement-bob_2024-03.html')}`);
    // The embedded logo decodes (a broken data: URI gives an image of no natural width).
    expect(await page.$eval('img', (img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await page.close();
  });

  it("the investors' table sorts on a header click (both ways) and filters by text and by model", async () => {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    await page.goto(`file://${join(dir, 'run/investors/index.html')}`);
    const column = async (k: number): Promise<string[]> => page.$$eval(`#all tbody tr:not([hidden]) td:nth-child(${k + 1})`, (tds) => tds.map((td) => td.getAttribute('data-v') ?? td.textContent ?? ''));
    // Deposits (column 3): exact decimals in data-v.
    await page.click('#all thead th:nth-child(4)');
    const up = (await column(3)).map(Number);
    expect(up).toEqual([...up].sort((a, b) => a - b));
    await page.click('#all thead th:nth-child(4)');
    const down = (await column(3)).map(Number);
    expect(down).toEqual([...up].reverse());
    await page.fill('input[data-filter="all"]', 'p');
    expect((await column(0)).every((id) => id.includes('p'))).toBe(true);
    await page.fill('input[data-filter="all"]', '');
    await page.selectOption('select[data-filter="all"]', 'MAM');
    const models = await column(1);
    expect(models.length).toBeGreaterThan(0);
    expect(new Set(models)).toEqual(new Set(['MAM']));
    expect(await page.textContent('[data-count="all"]')).toBe(`${models.length} of 9`);
    await page.close();
  });

  it("the comparison's variants sort on a header click", async () => {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    await page.goto(`file://${join(dir, 'compare/comparison.html')}`);
    await page.click('table.variants thead th:nth-child(2)');
    const xs = (await page.$$eval('table.variants tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.getAttribute('data-v') ?? ''))).map(Number);
    expect(xs.length).toBeGreaterThan(1);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    await page.close();
  });

  it('the sweep page: no console error, its range charts drawn, no sideways scrolling at 1,280 px', async () => {
    const p = await open(join(dir, 'sweep/sweep.html'), 'sweep');
    expect(p.errors).toEqual([]);
    // Three range charts (manager, investors, broker), a rule and a dot per cell each.
    expect(p.svgs).toBeGreaterThanOrEqual(3);
    expect(p.marks).toBeGreaterThan(3 * 2);
    expect(p.scrollWidth).toBeLessThanOrEqual(p.clientWidth);
  });

  it('the comparison page is no wider than 1,280 px either', async () => {
    const p = await open(join(dir, 'compare/comparison.html'), 'comparison-width');
    expect(p.scrollWidth).toBeLessThanOrEqual(p.clientWidth);
  });

  it('the comparison and the stress page load with no console error and draw their charts', async () => {
    for (const [path, shot] of [[join(dir, 'compare/comparison.html'), 'comparison'], [join(dir, 'stress/report.html'), 'stress']] as const) {
      const p = await open(path, shot);
      expect(p.errors, shot).toEqual([]);
      expect(p.svgs, shot).toBeGreaterThan(0);
      expect(p.marks, shot).toBeGreaterThan(0);
    }
  });
});
