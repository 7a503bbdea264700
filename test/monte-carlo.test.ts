// Monte Carlo: the distribution arithmetic by hand, and byte-identical reruns of a seeded stress scenario.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { type SeedOutcome, expectedShortfall, monteCarloToDirectory, quantile, summarize } from '../sim/monte-carlo.js';
import { MARKER } from '../reports/output-dir.js';
import { writeNestedRun } from '../sim/run-output.js';
import { loadScenario } from '../sim/scenario.js';
import { mamlab } from './cli.js';
import { checkedRun, scenarioPath } from './helpers.js';

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
      negativeAbsorbed: new Dec(negative), negativeCarried: new Dec(0), losses: new Map(seed === 4 ? [] : [['big', new Dec(loss)]]), totalLoss: new Dec(loss),
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
    expect(readdirSync(join(dir, 'mc')).sort()).toEqual([MARKER, 'montecarlo.json', 'report.html', 'seeds.csv', 'worst-seed'].sort());
    const one = mamlab(['run', scenarioPath('stress-weekend-gap.json'), '--out', join(dir, 'one'), '--single', '--quiet']);
    expect(one.status, one.stderr).toBe(0);
    expect(readdirSync(join(dir, 'one'))).toContain('margin.csv');
    const both = mamlab(['run', scenarioPath('stress-weekend-gap.json'), '--out', join(dir, 'x'), '--single', '--seeds', '3']);
    expect([both.status, both.stderr]).toEqual([2, expect.stringMatching(/either --single or --seeds N, not both/)]);
  });
});
