import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../reports/csv.js';
import { Dec } from '../engine/decimal.js';
import { esc, humanAmount } from '../reports/html.js';
import { equityChartSvg } from '../reports/chart.js';
import { ChartSampler } from '../reports/chart-data.js';
import type { ChartPoint } from '../reports/run-writer.js';
import { runToDirectory } from '../sim/run-output.js';
import { OUTPUT_COLUMNS, RunWriter } from '../reports/run-writer.js';
import { accrued } from '../reports/compare-table.js';
import type { Summary } from '../reports/summary.js';
import { makeQuantum } from '../engine/quantum.js';
import { Money } from '../engine/values.js';
import { serverTime } from '../engine/time.js';
import type { JournalEntry } from '../engine/journal.js';
import { sampleOf, scenarioPath } from './helpers.js';

describe('CSV cells', () => {
  it('neutralizes spreadsheet formulas but leaves numbers alone', () => {
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('+cmd')).toBe("'+cmd");
    expect(csvCell('@x')).toBe("'@x");
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('-12.5000000')).toBe('-12.5000000');
    expect(csvCell('\tx')).toBe("'\tx");
  });
  it('quotes separators, quotes and line breaks', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', undefined, 3])).toBe('"a,b","say ""hi""","two\nlines",,3\n');
  });
});

describe('report.html', () => {
  it('escapes every user-supplied string and stays self-contained', () => {
    const s = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8'));
    s.name = '<script>alert("x")</script> & <b>bold</b>';
    s.description = '<img src=x onerror=alert(1)> =HYPERLINK("http://evil")';
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-html-'));
    const file = join(dir, 'evil.json');
    writeFileSync(file, JSON.stringify(s));
    runToDirectory(file, join(dir, 'out'));
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toMatch(/<link|src="http/);
    expect(html).toMatch(/<svg[^>]*>/); // the chart is inline SVG
    expect(html).toContain('13,800.00');
  });
  it('formats amounts for people without losing quantum digits', () => {
    expect(humanAmount('13800.0000000')).toBe('13,800.00');
    expect(humanAmount('-1234567.0012345')).toBe('-1,234,567.0012345');
    expect(humanAmount('0.5000000')).toBe('0.50');
    expect(esc(`'"<>&`)).toBe('&#39;&quot;&lt;&gt;&amp;');
  });
});

describe("the report's program overview", () => {
  it("names each party's net result as the summary has it: the investors' is the sum of their net results", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-overview-'));
    runToDirectory(scenarioPath('stress-weekend-gap.json'), join(dir, 'out'), { seed: 600 });
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as { investors: Array<{ netResult: string }>; broker: { net: string } };
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    const investors = summary.investors.reduce((x, i) => x.plus(i.netResult), new Dec(0));
    expect(html).toContain(`investors  ${humanAmount(investors.toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2))}`);
    expect(html).toContain(`broker  ${humanAmount(new Dec(summary.broker.net).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2))}`);
    expect(html).toContain('equity under management (USD)');
  });
});

describe("the comparison's accrued fees", () => {
  it("sum the investors' accrued management and as-if performance fees in USD at the end's rates", () => {
    const summary = (rate: string | null): Summary => ({
      investors: [
        { id: 'a', currency: 'USD', accruedFees: { managementFee: '10', performanceFeeIfPeriodEndedNow: '5' } },
        { id: 'b', currency: 'EUR', accruedFees: { managementFee: '0', performanceFeeIfPeriodEndedNow: '20' } },
        { id: 'c', currency: 'USD', accruedFees: { managementFee: '0', performanceFeeIfPeriodEndedNow: '0' } },
      ],
      totals: { rates: { EUR: rate } },
    }) as unknown as Summary;
    // 10 + 5 + 20 × 1.1 = 37.
    expect(accrued(summary('1.1'))).toBe('37');
    expect(accrued(summary(null))).toBe('');
  });
});

describe("the overview's flows", () => {
  it('sums deposits and withdrawals per server day in USD, another currency at its moment\'s rate, an unpriced one left out', () => {
    const w = new RunWriter(mkdtempSync(join(tmpdir(), 'mamlab-flows-')), makeQuantum(new Dec('0.0000001')), new Map(), 'signal');
    const day = (d: number, h: number): ReturnType<typeof serverTime> => serverTime(Date.UTC(2024, 2, d, h));
    let seq = 0;
    const entry = (time: ReturnType<typeof serverTime>, reason: 'deposit' | 'withdrawal', amount: string, currency = 'USD', usd?: string): JournalEntry => ({ seq: ++seq, time, from: reason === 'deposit' ? 'external' : 'mam:a', to: reason === 'deposit' ? 'mam:a' : 'external', amount: Money.of(amount), currency, ...(usd ? { usd: Money.of(usd) } : {}), reason, ref: 'a' });
    w.entry(entry(day(4, 1), 'deposit', '100'));
    w.entry(entry(day(4, 20), 'deposit', '50.5'));
    w.entry(entry(day(5, 2), 'withdrawal', '40'));
    w.entry(entry(day(5, 3), 'deposit', '50', 'EUR', '54.25'));
    w.entry(entry(day(5, 4), 'deposit', '10', 'EUR'));
    w.close();
    const d = (n: number): number => Date.UTC(2024, 2, n) / 86_400_000;
    expect([...w.flowsByDay.entries()]).toEqual([[d(4), { in: 150.5, out: 0 }], [d(5), { in: 54.25, out: -40 }]]);
  });
});

describe('charts that scale', () => {
  it('samples a program of 5,000 investors over 10,000 instants a bounded number of times (each sample values everyone)', () => {
    const s = new ChartSampler();
    const investors = Array.from({ length: 5000 }, (_, j) => ({ id: `i${j}`, model: 'mam' as const, equity: j, inProgram: true }));
    let every = 1;
    let samples = 0;
    for (let t = 0; t < 10_000; t++) {
      if (t % every !== 0) continue;
      samples++;
      s.add(t, investors, undefined, []);
      if (s.full) { s.thin(); every *= 2; }
    }
    // 100,000 values ÷ 5,000 investors = 20, below the floor of 48 instants: at most 48 kept. The
    // sampling rate halves each time they overflow (49 → 25 kept, 24 more to overflow again), so the
    // samples taken are 49 + 25 × ⌈log2(10,000 / 49)⌉ = 49 + 25 × 8 = 249 at most: bounded by the
    // budget and the log of the run's length, not by instants.
    expect(s.instants.length).toBeLessThanOrEqual(48);
    expect(samples).toBeLessThanOrEqual(249);
  });

  it('keeps a record per sampled instant for 100 investors and 3,000 instants: bounded, no per-investor points, sums and quantiles by hand', () => {
    const s = new ChartSampler(50);
    let every = 1;
    for (let t = 0; t < 3000; t++) {
      if (t % every !== 0) continue;
      // Investor k (1…100) holds k + t; the MAM half are the odd k; k = 100 has left the program.
      s.add(t, Array.from({ length: 100 }, (_, j) => ({ id: `i${j + 1}`, model: (j + 1) % 2 ? 'mam' as const : 'pamm' as const, equity: j + 1 + t, inProgram: j + 1 !== 100 })), 1000, [{ time: t, account: 'a', level: t === 0 ? 40 : 200 }]);
      if (s.full) { s.thin(); every *= 2; }
    }
    expect(s.instants.length).toBeLessThanOrEqual(1000);
    expect(s.points).toBeNull();
    const x = s.instants.find((i) => i.time === 0)!;
    // MAM: odd k, 1 + 3 + … + 99 = 2,500; PAMM: even k but 100, 2 + 4 + … + 98 = 2,450.
    expect(x.aum).toEqual({ 'MAM sub-accounts': 2500, 'PAMM members': 2450, 'master account': 1000 });
    // Nearest rank of 1…100: the 5th, the 50th and the 95th.
    expect(x.investors).toEqual({ n: 100, q05: 5, q50: 50, q95: 95 });
    const later = s.instants[s.instants.length - 1]!;
    expect(later.investors).toEqual({ n: 100, q05: 5 + later.time, q50: 50 + later.time, q95: 95 + later.time });
    // The one level below the stop-out level (40 < 50 at t = 0) is kept as a mark.
    expect(s.below).toEqual([{ time: 0, account: 'a', level: 40 }]);
  });

  it('draws a dozen lines (eleven investors and the master) with a legend, and thirteen investors as a 5–95% band and a median beside the master', () => {
    const points = (n: number): ChartPoint[] => [0, 3_600_000, 7_200_000].flatMap((time) => [
      { time, subject: 'master', equity: 10_000 + time / 3_600_000 },
      ...Array.from({ length: n }, (_, k) => ({ time, subject: `investor-${k + 1}`, equity: 1_000 * (k + 1) })),
    ]);
    const twelve = equityChartSvg(sampleOf(points(11)));
    expect(twelve).toContain('investor-11');
    expect(twelve).not.toContain('5–95% and median');
    const thirteen = equityChartSvg(sampleOf(points(13)));
    expect(thirteen).toContain('13 investors as 5–95% and median; the master');
    // No legend entry per investor.
    expect(thirteen).not.toContain('investor-13');
  });
});

describe('output contract', () => {
  it('writes the documented columns and nothing half-done', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-out-'));
    runToDirectory(scenarioPath('seed000-equity-split.json'), join(dir, 'out'));
    for (const [name, cols] of Object.entries(OUTPUT_COLUMNS)) {
      const header = readFileSync(join(dir, 'out', `${name}.csv`), 'utf8').split('\n')[0];
      expect(header).toBe(cols.join(','));
    }
    // No staging directories left behind.
    expect(readdirSync(dir)).toEqual(['out']);
  });
  it('leaves no output at all when the input is bad', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-out-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"name": "x"}');
    expect(() => runToDirectory(file, join(dir, 'out'))).toThrow();
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });
});
