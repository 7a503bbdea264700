import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { COMPARISON_COLUMNS, COMPARISON_FILES, compareToDirectory } from '../sim/compare.js';
import { MARKER } from '../reports/output-dir.js';
import { mamlab } from './cli.js';
import { csvRecords, scenarioPath } from './helpers.js';

describe('mamlab compare on the bundled allocation comparison', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mamlab-cmp-')), 'cmp');
  const { rows } = await compareToDirectory(scenarioPath('allocation-comparison.json'), out);
  const csv = readFileSync(join(out, 'comparison.csv'), 'utf8').trim().split('\n');
  const row = (variant: string, investor: string) => rows.find((r) => r.variant === variant && r.investor === investor)!;
  const volume = (variant: string) => rows.filter((r) => r.variant === variant && r.volume !== '').reduce((x, r) => x.plus(String(r.volume)), new Dec(0)).toString();
  const variants = [...new Set(rows.map((r) => String(r.variant)))];

  it('writes a full run per variant, the CSV and the page', () => {
    expect(variants.length).toBe(16);
    expect(readdirSync(out).sort()).toEqual([...variants, ...COMPARISON_FILES, MARKER].sort());
    expect(csv[0]).toBe(COMPARISON_COLUMNS.join(','));
    expect(csv.length - 1).toBe(16 * 8); // 7 investors and the pool account per variant
  });

  it('places the whole block in every split variant: three 1-lot trades = 3 lots', () => {
    for (const v of variants.filter((x) => x.startsWith('block-') && x !== 'block-lot-lot-step')) expect(volume(v), v).toBe('3');
    // lot method in lot steps: c (0.07) and d (0.01) are below the 0.1 minimum and skipped;
    // a 0.5 + b 0.25 + pool 0.17 = 0.92 per trade, 2.76 over three trades.
    expect(volume('block-lot-lot-step')).toBe('2.76');
    expect([row('block-lot-lot-step', 'c').volume, row('block-lot-lot-step', 'd').volume]).toEqual(['0', '0']);
  });

  it('copies with multipliers exactly: 2.5 / 1.2 / 0.3 / 0.07 / 0.85 × 3 lots', () => {
    expect(['a', 'b', 'c', 'd', 'pamm'].map((i) => row('signal-multiplier-fractional', i).volume)).toEqual(['7.5', '3.6', '0.9', '0.21', '2.55']);
    // lot-step: d's 0.07 is below the minimum and skipped; the others are already on the 0.01 step.
    expect(['a', 'b', 'c', 'd', 'pamm'].map((i) => row('signal-multiplier-lot-step', i).volume)).toEqual(['7.5', '3.6', '0.9', '0', '2.55']);
  });

  it('shows no tracking error where the split is by equity, and rounding money only where rounding is coarse', () => {
    for (const i of ['a', 'b', 'c', 'd', 'p1']) expect(Math.abs(Number(row('block-equity-fractional', i).tracking_error)), i).toBeLessThan(1e-6);
    for (const i of ['a', 'b', 'c', 'd']) expect(Math.abs(Number(row('block-equity-fractional', i).rounding_pnl)), i).toBeLessThan(0.001);
    // In lot steps the small account c (6.45% of 1 lot = 0.0645 < 0.1) is skipped and misses its share.
    expect(row('block-equity-lot-step', 'c').volume).toBe('0');
    expect(Number(row('block-equity-lot-step', 'c').rounding_pnl)).toBeLessThan(-10);
  });

  it("marks each figure's best and worst variant on the page, with its difference from the baseline, and links every variant's report", () => {
    const html = readFileSync(join(out, 'comparison.html'), 'utf8');
    const earnings = csvRecords(readFileSync(join(out, 'earnings.csv'), 'utf8'));
    const manager = (v: string): Dec => new Dec(earnings.find((e) => e.variant === v && e.party === 'manager')!.net!);
    const nets = variants.map((v) => ({ v, net: manager(v) }));
    const lowest = nets.reduce((a, b) => (b.net.lt(a.net) ? b : a));
    const highest = nets.reduce((a, b) => (b.net.gt(a.net) ? b : a));
    // The manager's net is better higher: the lowest is marked worst, the highest best; the cell shows cents, its exact value on hover, and the difference from the baseline under it.
    const cellOf = (v: string): string => html.split(`href="${v}/report.html"`)[1]!.split('</tr>')[0]!.split('<td class="n')[1]!;
    // The difference is between the cents shown (198.01 − 217.27 = −19.26), so it agrees with what a reader sees.
    const cents = (x: Dec): Dec => x.toDecimalPlaces(2, Dec.ROUND_HALF_UP);
    const d = cents(lowest.net).minus(cents(manager(variants[0]!)));
    // data-v: the exact value a click on the header sorts by.
    expect(cellOf(lowest.v)).toMatch(new RegExp(`^ worst" data-v="${lowest.net.toFixed(7)}" title="${lowest.net.toFixed(7)}">${cents(lowest.net).toFixed(2)}<small>−${d.abs().toFixed(2)}</small>`));
    expect(cellOf(highest.v)).toMatch(/^ best"/);
    for (const v of variants) expect(html).toContain(`<a href="${v}/report.html">${v}</a>`);
  });

  it('refuses a scenario without variants with exit 2', () => {
    const x = mamlab(['compare', scenarioPath('seed001-profit-distribution.json'), '--out', join(out, '..', 'none')]);
    expect(x.status).toBe(2);
    expect(x.stderr).toMatch(/\/variants: expected at least one variant to compare/);
  });
});
