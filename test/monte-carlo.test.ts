// Monte Carlo: the distribution arithmetic by hand, and byte-identical reruns of a seeded stress scenario.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { type SeedOutcome, equityBands, expectedShortfall, monteCarloToDirectory, quantile, summarize } from '../sim/monte-carlo.js';
import { type PathGroup, fromWire, runSeed, toWire } from '../sim/seed-outcome.js';
import { histogramBins } from '../reports/monte-carlo.js';
import { MARKER } from '../reports/output-dir.js';
import { equityChartSvg, healthChartSvg } from '../reports/chart.js';

import { clientsNet } from '../reports/overview.js';
import type { Summary } from '../reports/summary.js';
import { runToDirectory, writeNestedRun } from '../sim/run-output.js';
import { loadScenario } from '../sim/scenario.js';
import { mamlab } from './cli.js';
import { checkedRun, sampleOf, scenarioPath } from './helpers.js';

const ds = (xs: number[]) => xs.map((x) => new Dec(x));

describe('distribution conventions', () => {
  it('nearest-rank quantiles: the ⌈q·n⌉-th smallest', () => {
    const one20 = ds(Array.from({ length: 20 }, (_, i) => i + 1));
    // n = 20: 5% → rank 1, 50% → rank 10, 95% → rank 19.
    expect([0.05, 0.5, 0.95].map((q) => quantile(one20, q).toString())).toEqual(['1', '10', '19']);
    // n = 3: 5% → rank 1 (⌈0.15⌉), 50% → rank 2 (⌈1.5⌉), 95% → rank 3 (⌈2.85⌉).
    expect([0.05, 0.5, 0.95].map((q) => quantile(ds([-5, 7, 9]), q).toString())).toEqual(['-5', '7', '9']);
  });

  it('expected shortfall: the mean of the worst ⌈5%·n⌉ losses, at least one', () => {
    // n = 40: the worst 2 of 1..40 → (39 + 40) / 2 = 39.5; n = 20: the worst one, 20; n = 3: the worst one, 9.
    expect(expectedShortfall(ds(Array.from({ length: 40 }, (_, i) => i + 1))).toString()).toBe('39.5');
    expect(expectedShortfall(ds(Array.from({ length: 20 }, (_, i) => i + 1))).toString()).toBe('20');
    expect(expectedShortfall(ds([-5, 7, 9])).toString()).toBe('9');
  });

  it('stop-out probability per account kind, breaches and the worst seed from the outcomes', () => {
    const base = loadScenario(scenarioPath('stress-weekend-gap.json'));
    const o = (seed: number, mam: number, loss: number, negative: number, breaches: number): SeedOutcome => ({
      seed, stoppedOut: { master: 0, mam, pamm: 0, client: 0 }, breached: { master: 0, mam: 0, pamm: breaches > 0 ? 1 : 0, client: 0 }, stopOuts: mam, breaches, hardStop: false,
      negativeAbsorbed: new Dec(negative), negativeCarried: new Dec(0), losses: new Map(seed === 4 ? [] : [['big', new Dec(loss)]]), totalLoss: new Dec(loss), path: { times: [], equity: {} },
    });
    const { summary, worstSeed } = summarize(base, [o(1, 1, 100, 0, 2), o(2, 0, 300, 50, 0), o(3, 2, 300, 0, 1), o(4, 0, -40, 0, 0)]);
    const s = summary;
    // mam stopped out in seeds 1 and 3 of 4: 0.5. Losses sorted −40, 100, 300, 300: 50% → rank 2 = 100; mean 660/4 = 165; worst 300, first on a tie: seed 2.
    expect(s.stopOutProbability).toEqual({ master: 0, mam: 0.5, pamm: 0, client: 0 });
    // The pool breached in seeds 1 and 3: 0.5. Investor big is missing from seed 4 (its join refused there): 3 seeds, worst 300.
    expect(summary.breachProbability).toEqual({ master: 0, mam: 0, pamm: 0.5, client: 0 });
    const big = summary.investorLoss;
    expect([big.big!.seeds, big.big!.q05, big.big!.mean, big.medium]).toEqual([3, '100.0000000', '233.3333333', { seeds: 0 }]);
    expect(s.limitBreaches).toEqual({ total: 3, perSeedMean: 0.75, seedsWithBreach: 2, hardStops: 0 });
    expect([s.totalInvestorLoss.q05, s.totalInvestorLoss.q50, s.totalInvestorLoss.mean, s.totalInvestorLoss.worst]).toEqual(['-40.0000000', '100.0000000', '165.0000000', '300.0000000']);
    expect([s.negativeBalanceAbsorbed.mean, s.negativeBalanceAbsorbed.probability]).toEqual(['12.5000000', 0.25]);
    expect(worstSeed).toBe(2);
  });
});

describe('the fan charts\' percentiles and the histogram\'s bins', () => {
  /** A seed with a hand-written path: `equity[g][k]` at `times[k]`. */
  const seed = (n: number, times: number[], equity: Partial<Record<PathGroup, string[]>>): SeedOutcome => ({
    seed: n, stoppedOut: { master: 0, mam: 0, pamm: 0, client: 0 }, breached: { master: 0, mam: 0, pamm: 0, client: 0 }, stopOuts: 0, breaches: 0, hardStop: false,
    negativeAbsorbed: new Dec(0), negativeCarried: new Dec(0), losses: new Map(), totalLoss: new Dec(0),
    path: { times, equity: Object.fromEntries(Object.entries(equity).map(([g, xs]) => [g, xs.map((x) => new Dec(x))])) },
  });

  it('per instant and group, the nearest-rank 5/25/50/75/95% over the seeds, exact, seeds aligned by time', () => {
    // Five seeds at t = 100 and 200 (seed 5 lacks t = 200). At 100 the program is 50.5, 10.1, 30.3, 40.4, 20.2:
    // sorted 10.1 20.2 30.3 40.4 50.5, n = 5 → ranks ⌈0.25⌉=1, ⌈1.25⌉=2, ⌈2.5⌉=3, ⌈3.75⌉=4, ⌈4.75⌉=5.
    // At 200 four seeds: 7, 1, 3, 1000000.0000001 → sorted 1 3 7 1000000.0000001, n = 4 → ranks 1, 1, 2, 3, 4.
    // The mam group (written before program in seed 1's object) comes after the program, in PATH_GROUPS order.
    const outcomes = [
      seed(1, [100, 200], { mam: ['5', '6'], program: ['50.5', '7'] }),
      seed(2, [100, 200], { program: ['10.1', '1'], mam: ['1', '2'] }),
      seed(3, [100, 200], { program: ['30.3', '3'], mam: ['3', '4'] }),
      seed(4, [100, 200], { program: ['40.4', '1000000.0000001'], mam: ['4', '8'] }),
      seed(5, [100], { program: ['20.2'], mam: ['2'] }),
    ];
    const rows = equityBands(outcomes).map((b) => [b.time, b.group, b.seeds, ...[b.q05, b.q25, b.q50, b.q75, b.q95].map((x) => x.toString())]);
    expect(rows).toEqual([
      [100, 'program', 5, '10.1', '20.2', '30.3', '40.4', '50.5'],
      [100, 'mam', 5, '1', '2', '3', '4', '5'],
      [200, 'program', 4, '1', '1', '3', '7', '1000000.0000001'],
      // mam at 200: 6, 2, 4, 8 → sorted 2 4 6 8.
      [200, 'mam', 4, '2', '2', '4', '6', '8'],
    ]);
  });

  it('20 equal bins from the lowest value to the highest, the highest in the last; all values equal: one bin', () => {
    // 0, 1, …, 20 over [0, 20]: bins a unit wide; k falls in bin k (an edge opens its bin), 19 and 20 share the last.
    const bins = histogramBins(ds(Array.from({ length: 21 }, (_, i) => i)));
    expect(bins.length).toBe(20);
    expect(bins.map((b) => [b.x1, b.x2])).toEqual(Array.from({ length: 20 }, (_, k) => [k, k + 1]));
    expect(bins.map((b) => b.count)).toEqual([...Array<number>(19).fill(1), 2]);
    // −10 and 30 with one value in between: width (30 − −10) / 20 = 2; 9.9 is (9.9 + 10) / 2 = 9.95 widths in → bin 9.
    const spread = histogramBins(ds([-10, 9.9, 30]));
    expect([spread[0]!.x1, spread[19]!.x2, spread[9]!.count, spread.reduce((n, b) => n + b.count, 0)]).toEqual([-10, 30, 1, 3]);
    expect(histogramBins(ds([250, 250, 250]))).toEqual([{ x1: 249.5, x2: 250.5, count: 3 }]);
  });

  it('a seed records each group at the start and at every day end; who left counts for nothing; the path survives the wire', () => {
    // A signal master (10,000) bought 1 lot at 1.10000 on Monday 10:00, copied proportionally by MAM a (10,000: 1 lot),
    // MAM b (20,000: 2 lots) and the pool (p's 5,000: 0.5 lot); no spread or costs. b leaves on Tuesday 09:00 at 1.10000
    // with its 20,000. Tuesday closes at 1.10300 (+300 a lot), Wednesday at 1.10100 (+100 a lot); the run ends Thursday 00:00.
    const dir = mkdtempSync(join(tmpdir(), 'mc-fan-'));
    const file = join(dir, 'fan.json');
    writeFileSync(file, JSON.stringify({
      name: 'fan by hand', description: 'day-end equity by hand', seed: 7, start: '2024-03-04T00:00:00', end: '2024-03-07T00:00:00', instruments: ['EURUSD'],
      prices: { EURUSD: { ticks: [['2024-03-04T10:00:00', '1.10000', '1.10000'], ['2024-03-05T10:00:00', '1.10300', '1.10300'], ['2024-03-06T10:00:00', '1.10100', '1.10100']] } },
      program: { structure: 'signal', allocation: 'proportional', masterDeposit: '10000', performanceFee: '0', pamm: { id: 'pool', initialNav: '1' } },
      investors: [{ id: 'a', model: 'mam', deposit: '10000' }, { id: 'b', model: 'mam', deposit: '20000' }, { id: 'p', model: 'pamm', deposit: '5000' }],
      flows: [{ at: '2024-03-05T09:00:00', investor: 'b', type: 'leave' }],
      orders: [{ at: '2024-03-04T10:00:00', action: 'open', ticket: 'T1', symbol: 'EURUSD', side: 'buy', volume: '1' }],
    }));
    const o = runSeed(loadScenario(file));
    const t = (s: string): number => Date.parse(`${s}Z`);
    // The start (everyone joined), then the last instant of each day: Monday's tick, Tuesday's, Wednesday's, the end.
    expect(o.path.times).toEqual(['2024-03-04T00:00:00', '2024-03-04T10:00:00', '2024-03-05T10:00:00', '2024-03-06T10:00:00', '2024-03-07T00:00:00'].map(t));
    const hand = {
      // master: 10,000, +300, +100. mam: a + b, then a alone (10,000 + 300 or + 100). pamm: 5,000 + 0.5 × 300 or 0.5 × 100.
      master: [10000, 10000, 10300, 10100, 10100], mam: [30000, 30000, 10300, 10100, 10100], pamm: [5000, 5000, 5150, 5050, 5050],
    };
    const program = hand.master.map((m, k) => m + hand.mam[k]! + hand.pamm[k]!);
    expect(Object.keys(o.path.equity)).toEqual(['program', 'master', 'mam', 'pamm']);
    for (const [g, xs] of Object.entries({ ...hand, program })) expect(o.path.equity[g as PathGroup]!.map((x) => x.toNumber()), g).toEqual(xs);
    // Through a queue the outcome is JSON: the same exact amounts come back.
    const back = fromWire(JSON.parse(JSON.stringify(toWire(o))) as ReturnType<typeof toWire>);
    expect(back.path.times).toEqual(o.path.times);
    for (const g of ['program', 'master', 'mam', 'pamm'] as const) expect(back.path.equity[g]!.map(String)).toEqual(o.path.equity[g]!.map(String));
  });

  it('equity-bands.csv over 3 seeds of that program: every percentile the hand figure, at the quantum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-fan-csv-'));
    const file = join(dir, 'fan.json');
    writeFileSync(file, JSON.stringify({
      name: 'fan by hand', description: 'no seeded input: every seed runs the same', seed: 7, start: '2024-03-04T00:00:00', end: '2024-03-06T00:00:00', instruments: ['EURUSD'],
      prices: { EURUSD: { ticks: [['2024-03-04T10:00:00', '1.10000', '1.10000'], ['2024-03-05T10:00:00', '1.10300', '1.10300']] } },
      program: { structure: 'signal', allocation: 'proportional', masterDeposit: '10000', performanceFee: '0' },
      investors: [{ id: 'a', model: 'mam', deposit: '10000' }],
      orders: [{ at: '2024-03-04T10:00:00', action: 'open', ticket: 'T1', symbol: 'EURUSD', side: 'buy', volume: '1' }],
    }));
    await monteCarloToDirectory(file, join(dir, 'out'), { seeds: 3, workers: 1 });
    const csv = readFileSync(join(dir, 'out', 'equity-bands.csv'), 'utf8').trim().split('\n');
    const row = (time: string, group: string, x: string): string => `${time},${group},3,${Array(5).fill(x).join(',')}`;
    // master and a: 10,000 each until Tuesday's 1.10300 (+300 each); the program is both.
    expect(csv).toEqual([
      'time,group,seeds,q05,q25,q50,q75,q95',
      row('2024-03-04T00:00:00', 'program', '20000.0000000'), row('2024-03-04T00:00:00', 'master', '10000.0000000'), row('2024-03-04T00:00:00', 'mam', '10000.0000000'),
      row('2024-03-04T10:00:00', 'program', '20000.0000000'), row('2024-03-04T10:00:00', 'master', '10000.0000000'), row('2024-03-04T10:00:00', 'mam', '10000.0000000'),
      row('2024-03-05T10:00:00', 'program', '20600.0000000'), row('2024-03-05T10:00:00', 'master', '10300.0000000'), row('2024-03-05T10:00:00', 'mam', '10300.0000000'),
      row('2024-03-06T00:00:00', 'program', '20600.0000000'), row('2024-03-06T00:00:00', 'master', '10300.0000000'), row('2024-03-06T00:00:00', 'mam', '10300.0000000'),
    ]);
    // The page draws a fan for the program and for each group (the master, the MAM accounts), with a legend naming the bands.
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('Equity over time across the seeds');
    for (const s of ['5–95% of seeds', '25–75% of seeds', 'median', 'MAM sub-accounts, total', 'The master account']) expect(html, s).toContain(s);
  });
});

// The run report's charts beyond a dozen accounts, and its overview (issue 17, items 3 and 1).
describe('the report charts that scale, and the overview', () => {
  it('margin levels as nearest-rank 5/50/95% across the accounts with something open; an instant with none breaks the band', () => {
    // t = 1000: levels 20, 19, …, 1 and one NaN account (nothing open, left out): n = 20 → ranks 1, 10, 19.
    // t = 2000: every account NaN → no level, NaN bounds. t = 500 comes first: 300 alone → all three 300.
    const points = [
      ...Array.from({ length: 20 }, (_, k) => ({ time: 1000, level: 20 - k })), { time: 1000, level: NaN },
      { time: 2000, level: NaN }, { time: 2000, level: NaN }, { time: 500, level: 300 },
    ];
    const instants = sampleOf([], points.map((p, k) => ({ ...p, account: `a${k}` }))).instants;
    expect(instants.map((x) => [x.time, x.levels?.n, x.levels?.q05, x.levels?.q50, x.levels?.q95])).toEqual([[500, 1, 300, 300, 300], [1000, 20, 1, 10, 19], [2000, undefined, undefined, undefined, undefined]]);
  });

  it('the health view of 13 accounts: a band and its legend instead of 13 lines, the stop-out dots kept', () => {
    // 13 accounts at two instants; at the second, accounts 0 and 1 are at 20% and 25%, below the 30% stop-out: two dots.
    const pts = Array.from({ length: 13 }, (_, k) => [
      { time: Date.UTC(2024, 2, 4), account: `acc${k}`, level: 200 + 10 * k },
      { time: Date.UTC(2024, 2, 5), account: `acc${k}`, level: k < 2 ? 20 + 5 * k : 150 },
    ]).flat();
    const svg = healthChartSvg(sampleOf([], pts, new Map(), 30), 100, 30);
    for (const name of ['5–95% of the accounts with a position open', 'median', 'margin call (100%)', 'stop-out (30%)', 'an account below stop-out']) expect(svg, name).toContain(name);
    expect(svg).not.toContain('acc12');
    expect(svg.match(/<circle/g)?.length).toBe(2);
    // 12 accounts: one line each, named in the legend.
    expect(healthChartSvg(sampleOf([], pts.filter((p) => p.account !== 'acc12'), new Map(), 30), 100, 30)).toContain('acc11');
  });

  it("the equity chart's band mode names its band, its median and the master in a legend", () => {
    const pts = [...Array.from({ length: 13 }, (_, k) => ({ time: Date.UTC(2024, 2, 4), subject: `i${k}`, equity: 1000 + k })), { time: Date.UTC(2024, 2, 4), subject: 'master', equity: 5000 }];
    const svg = equityChartSvg(sampleOf(pts));
    for (const name of ['5–95% of the 13 investors at each instant', "the investors' median", 'the master account']) expect(svg, name).toContain(name);
  });

  it("the broker's clients' net: equity + withdrawals − deposits summed, another currency at the end's rate", () => {
    const summary = (rate: string | null): Summary => ({
      accounts: [
        { id: 'client:c1', kind: 'client', currency: 'USD', equity: '110', deposits: '100', withdrawals: '5' },
        { id: 'client:c2', kind: 'client', currency: 'EUR', equity: '90', deposits: '100', withdrawals: '0' },
        { id: 'mam:a', kind: 'mam', currency: 'USD', equity: '999', deposits: '1', withdrawals: '0' },
      ],
      totals: { rates: { EUR: rate } },
    }) as unknown as Summary;
    // c1: 110 + 5 − 100 = 15; c2: (90 − 100) × 1.1 = −11; the MAM account is no client: 4.
    expect(clientsNet(summary('1.1'))).toBe('4.0000000');
    expect(clientsNet(summary(null))).toBe('');
    expect(clientsNet({ accounts: [], totals: { rates: {} } } as unknown as Summary)).toBe('');
  });

  it("the overview lists the stacked groups bottom up, and the clients' bar beside the others", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-overview-'));
    runToDirectory(scenarioPath('joint-program.json'), join(dir, 'joint'));
    const overview = (d: string): string => { const h = readFileSync(join(dir, d, 'report.html'), 'utf8'); const from = h.indexOf('<h2>Program overview'); return h.slice(from, h.indexOf('<h3>', from)); }; // the stacked chart, before the flows
    const legend = [...overview('joint').matchAll(/<\/svg>([^<]+)<\/span>/g)].map((m) => m[1]);
    expect(legend).toEqual(['master account', 'MAM sub-accounts', 'PAMM members']);
    runToDirectory(scenarioPath('rebate-plans.json'), join(dir, 'rebates'));
    const s = JSON.parse(readFileSync(join(dir, 'rebates', 'summary.json'), 'utf8')) as { accounts: Array<Record<string, string>> };
    // Every client holds USD here: the sum of equity + withdrawals − deposits, in cents as the page shows it.
    const net = s.accounts.filter((a) => a.kind === 'client').reduce((x, a) => x.plus(a.equity!).plus(a.withdrawals!).minus(a.deposits!), new Dec(0));
    const cents = net.toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    expect(readFileSync(join(dir, 'rebates', 'report.html'), 'utf8')).toContain(`broker's clients  ${cents}`);
  });
});

describe('a seeded stress run', () => {
  const file = scenarioPath('stress-weekend-gap.json');
  const list = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name).slice(dir.length)).sort();

  it('is byte-identical on rerun, on one thread or two, and its worst seed is that seed\'s ordinary run', async () => {
    const a = mkdtempSync(join(tmpdir(), 'mc-a-'));
    const b = mkdtempSync(join(tmpdir(), 'mc-b-'));
    const ra = await monteCarloToDirectory(file, join(a, 'out'), { seeds: 3, workers: 1 });
    await monteCarloToDirectory(file, join(b, 'out'), { seeds: 3, workers: 2 });
    const files = list(join(a, 'out'));
    expect(files).toContain('/worst-seed/margin.csv');
    for (const f of files) expect(readFileSync(join(b, 'out', f)), f).toEqual(readFileSync(join(a, 'out', f)));
    const direct = mkdtempSync(join(tmpdir(), 'mc-d-'));
    writeNestedRun(loadScenario(file, { seed: ra.worstSeed }), join(direct, 'run'));
    for (const f of list(join(direct, 'run'))) expect(readFileSync(join(a, 'out', 'worst-seed', f)), f).toEqual(readFileSync(join(direct, 'run', f)));
  });

  it('different seeds draw different stress and prices; every seed keeps the books after every event, forced closes included', () => {
    const totals = new Set<string>();
    for (const seed of [600, 601, 602]) {
      const r = checkedRun(loadScenario(file, { seed }));
      expect(r.broken).toEqual([]);
      totals.add(r.program.equity('pamm').toString());
    }
    expect(totals.size).toBe(3);
  });
});

describe('the command line', () => {
  it('runs the scenario\'s Monte Carlo, or --seeds N, or --single one ordinary run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-cli-'));
    const mc = mamlab(['run', scenarioPath('stress-weekend-gap.json'), '--out', join(dir, 'mc'), '--seeds', '2', '--seed', '601']);
    expect(mc.status, mc.stderr).toBe(0);
    expect(mc.stdout.split('\n')[0]).toMatch(/^2 seeds \(601–602\); worst seed 60[12]$/);
    expect(readdirSync(join(dir, 'mc')).sort()).toEqual([MARKER, 'equity-bands.csv', 'montecarlo.json', 'report.html', 'seeds.csv', 'worst-seed'].sort());
    const one = mamlab(['run', scenarioPath('stress-weekend-gap.json'), '--out', join(dir, 'one'), '--single', '--quiet']);
    expect(one.status, one.stderr).toBe(0);
    expect(readdirSync(join(dir, 'one'))).toContain('margin.csv');
    const both = mamlab(['run', scenarioPath('stress-weekend-gap.json'), '--out', join(dir, 'x'), '--single', '--seeds', '3']);
    expect([both.status, both.stderr]).toEqual([2, expect.stringMatching(/either --single or --seeds N, not both/)]);
  });
});
