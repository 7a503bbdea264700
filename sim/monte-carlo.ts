// Monte Carlo (issue 6): one scenario over N seeds. Each seed is a job (sim/jobs.ts): a full,
// independent run whose outcome (sim/seed-outcome.ts) comes back in seed order whatever ran it;
// the distributions of stop-outs, investor losses, broker-absorbed negative balances and limit
// breaches are exact decimals over the seeds, and the worst seed is run again and written in full.
import { join } from 'node:path';
import { Dec } from '../engine/decimal.js';
import type { EngineEvent } from '../engine/events.js';
import { formatQ } from '../engine/quantum.js';
import { formatServerTime } from '../engine/time.js';
import { type OutputOptions, withOutput } from '../reports/output-dir.js';
import { writeMonteCarloFiles } from '../reports/monte-carlo.js';
import type { EquityRows } from '../reports/run-writer.js';
import { WorkArea, workAreaFor } from './job-cache.js';
import { type RunnerOptions, job, runJobs } from './jobs.js';
import { outputRequest, writeNestedRun } from './run-output.js';
import { type LoadOptions, type Scenario, loadScenario, requireFromFile } from './scenario.js';
import { KINDS, type Kind, PATH_GROUPS, type PathGroup, type SeedOutcome, TIMELINE, type WireOutcome, fromWire, perKind } from './seed-outcome.js';

export { MONTE_CARLO_FILES } from '../reports/monte-carlo.js';
export type { SeedOutcome } from './seed-outcome.js';
export { kindsIn } from '../reports/monte-carlo.js';

/** Nearest-rank quantile (exact: always one of the values): the ⌈q·n⌉-th smallest. */
export function quantile(sorted: readonly Dec[], q: number): Dec {
  const rank = Math.max(1, Math.ceil(q * sorted.length - 1e-9));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Expected shortfall at 95%: the mean of the worst ⌈5%·n⌉ losses (at least one). */
export function expectedShortfall(sorted: readonly Dec[]): Dec {
  const k = Math.max(1, Math.ceil(sorted.length * 0.05 - 1e-9));
  const worst = sorted.slice(sorted.length - k);
  return worst.reduce((x, y) => x.plus(y), new Dec(0)).div(k);
}

/** The fan charts' percentiles of one group's equity at one instant, over the seeds that recorded it. */
export interface EquityBand {
  readonly time: number;
  readonly group: PathGroup;
  /** How many seeds have this instant (all of them: the seeds share the scenario's calendar). */
  readonly seeds: number;
  readonly q05: Dec;
  readonly q25: Dec;
  readonly q50: Dec;
  readonly q75: Dec;
  readonly q95: Dec;
}

/**
 * Per instant (in time order) and group (in PATH_GROUPS order): the nearest-rank 5%, 25%, 50%,
 * 75% and 95% of the seeds' equity there, exact. Seeds are aligned by time, not by position, so
 * a day end one seed lacks (a currency not priced yet) leaves only that seed out of that instant.
 */
export function equityBands(outcomes: readonly SeedOutcome[]): EquityBand[] {
  const at = new Map<number, Map<PathGroup, Dec[]>>();
  for (const o of outcomes) {
    o.path.times.forEach((t, k) => {
      let groups = at.get(t);
      if (!groups) at.set(t, (groups = new Map()));
      for (const g of PATH_GROUPS) {
        const x = o.path.equity[g]?.[k];
        if (x === undefined) continue;
        const xs = groups.get(g);
        if (xs) xs.push(x);
        else groups.set(g, [x]);
      }
    });
  }
  const out: EquityBand[] = [];
  for (const time of [...at.keys()].sort((a, b) => a - b)) {
    const groups = at.get(time)!;
    for (const group of PATH_GROUPS) {
      const xs = groups.get(group);
      if (!xs) continue;
      const s = [...xs].sort((a, b) => a.cmp(b));
      out.push({ time, group, seeds: s.length, q05: quantile(s, 0.05), q25: quantile(s, 0.25), q50: quantile(s, 0.5), q75: quantile(s, 0.75), q95: quantile(s, 0.95) });
    }
  }
  return out;
}

export interface Distribution {
  readonly q05: string;
  readonly q50: string;
  readonly q95: string;
  readonly expectedShortfall95: string;
  readonly mean: string;
  readonly worst: string;
}

/** The investors the scenario names, in its order (a join refused in some seeds still has its row). */
export const investorIds = (base: Scenario): string[] => base.investors.map((i) => i.id);

/** montecarlo.json: the distributions over the seeds (amounts as exact decimal strings). */
export interface MonteCarloSummary {
  readonly scenario: string;
  readonly seeds: number;
  readonly firstSeed: number;
  readonly conventions: Readonly<Record<string, string>>;
  readonly stopOutProbability: Readonly<Record<Kind, number>>;
  readonly breachProbability: Readonly<Record<Kind, number>>;
  readonly stopOutsPerSeed: { readonly mean: number; readonly max: number };
  /** Per investor: the seeds it joined in, and its distribution over them (none when it never joined). */
  readonly investorLoss: Readonly<Record<string, { readonly seeds: number } & Partial<Distribution>>>;
  readonly totalInvestorLoss: Distribution;
  /** A signal master's own account; null in a block program. */
  readonly masterLoss: Distribution | null;
  readonly negativeBalanceAbsorbed: Distribution & { readonly probability: number };
  readonly negativeBalanceCarried: Distribution & { readonly probability: number };
  readonly limitBreaches: { readonly total: number; readonly perSeedMean: number; readonly seedsWithBreach: number; readonly hardStops: number };
  readonly worstSeed: number;
}

export interface MonteCarloResult {
  /** Seeds found finished in the work area (a resumed run). */
  readonly resumed: number;
  readonly seeds: number[];
  readonly outcomes: SeedOutcome[];
  readonly summary: MonteCarloSummary;
  readonly worstSeed: number;
}

export function summarize(base: Scenario, outcomes: readonly SeedOutcome[]): { summary: MonteCarloSummary; worstSeed: number } {
  const q = base.quantum;
  const f = (x: Dec): string => formatQ(x.toDecimalPlaces(q.dp, Dec.ROUND_HALF_UP), q);
  const n = outcomes.length;
  /** Over a non-empty list of values. */
  const dist = (xs: Dec[]): Distribution => {
    const s = [...xs].sort((a, b) => a.cmp(b));
    return { q05: f(quantile(s, 0.05)), q50: f(quantile(s, 0.5)), q95: f(quantile(s, 0.95)), expectedShortfall95: f(expectedShortfall(s)), mean: f(s.reduce((x, y) => x.plus(y), new Dec(0)).div(s.length)), worst: f(s[s.length - 1]!) };
  };
  const present = <T>(xs: ReadonlyArray<T | undefined>): T[] => xs.filter((x): x is T => x !== undefined);
  const prob = (k: number): number => Number((k / n).toFixed(10));
  /** Per account kind: the share of seeds in which `of` counted at least one account of it. */
  const share = (of: (o: SeedOutcome) => Record<Kind, number>): Record<Kind, number> => {
    const out = perKind();
    for (const k of KINDS) out[k] = prob(outcomes.filter((o) => of(o)[k] > 0).length);
    return out;
  };
  // Only a signal master has its own loss (a block program's seeds carry none).
  const master = present(outcomes.map((o) => o.masterLoss));
  let worst = outcomes[0]!;
  for (const o of outcomes) if (o.totalLoss.gt(worst.totalLoss)) worst = o;
  return {
    worstSeed: worst.seed,
    summary: {
      scenario: base.name, seeds: n, firstSeed: outcomes[0]!.seed,
      conventions: {
        quantiles: 'nearest rank: the ⌈q·n⌉-th smallest loss over the seeds', expectedShortfall: 'mean of the worst ⌈5%·n⌉ losses (at least one)',
        loss: 'deposits − withdrawals − final equity, in USD (negative: a gain)', worstSeed: 'the seed with the largest total investor loss (the first such seed on a tie)',
        stopOutProbability: 'share of seeds in which at least one account of the kind was stopped out',
        breachProbability: 'share of seeds in which at least one account of the kind breached a limit (the master: its hard stop)',
        investorLoss: 'over the seeds in which the investor joined (`seeds`); a join refused in a seed has no loss there',
        probabilities: 'floats rounded to 10 decimals; every amount is an exact decimal at the quantum',
      },
      stopOutProbability: share((o) => o.stoppedOut),
      breachProbability: share((o) => o.breached),
      stopOutsPerSeed: { mean: Number((outcomes.reduce((x, o) => x + o.stopOuts, 0) / n).toFixed(10)), max: Math.max(...outcomes.map((o) => o.stopOuts)) },
      investorLoss: Object.fromEntries(investorIds(base).map((id) => {
        const xs = present(outcomes.map((o) => o.losses.get(id)));
        return [id, xs.length ? { seeds: xs.length, ...dist(xs) } : { seeds: 0 }];
      })),
      totalInvestorLoss: dist(outcomes.map((o) => o.totalLoss)),
      masterLoss: master.length ? dist(master) : null,
      negativeBalanceAbsorbed: { ...dist(outcomes.map((o) => o.negativeAbsorbed)), probability: prob(outcomes.filter((o) => o.negativeAbsorbed.gt(0)).length) },
      negativeBalanceCarried: { ...dist(outcomes.map((o) => o.negativeCarried)), probability: prob(outcomes.filter((o) => o.negativeCarried.gt(0)).length) },
      limitBreaches: { total: outcomes.reduce((x, o) => x + o.breaches, 0), perSeedMean: Number((outcomes.reduce((x, o) => x + o.breaches, 0) / n).toFixed(10)), seedsWithBreach: outcomes.filter((o) => o.breaches > 0).length, hardStops: outcomes.filter((o) => o.hardStop).length },
      worstSeed: worst.seed,
    },
  };
}

/** Options of a Monte Carlo run besides the scenario's. */
export interface MonteCarloOptions extends LoadOptions, OutputOptions, RunnerOptions {
  readonly seeds?: number;
  readonly rows?: EquityRows;
}

/**
 * Runs seeds first, first+1, … as jobs; writes montecarlo.json, seeds.csv, equity-bands.csv,
 * report.html (the stress page) and worst-seed/ (the full run). Finished seeds wait in the work area beside
 * `outDir` until the result is in place, so a rerun after an interruption resumes.
 */
export async function monteCarloToDirectory(source: string | Scenario, outDir: string, opts: MonteCarloOptions = {}): Promise<MonteCarloResult> {
  const dataDirs = opts.dataDirs ?? [];
  const base = typeof source === 'string' ? loadScenario(source, { dataDirs, seed: opts.seed }) : source;
  requireFromFile(base, 'a Monte Carlo run');
  const file = base.file;
  const n = opts.seeds ?? base.monteCarloSeeds ?? 1;
  const seeds = Array.from({ length: n }, (_, k) => base.seed + k);
  const result = await withOutput(outputRequest('monte-carlo', base, outDir, opts), async (dir) => {
    const work = new WorkArea(workAreaFor(dir), outDir);
    const jobs = seeds.map((seed) => job({ kind: 'seed', scenarioHash: base.sourceHash, scenario: { file, dataDirs, seed } }));
    const resumed = jobs.filter((j) => work.has(j.key)).length;
    const outcomes: SeedOutcome[] = [];
    try {
      await runJobs(jobs, { workers: opts.workers, executor: opts.executor, cache: work, onProgress: opts.onProgress, clock: opts.clock }, (_, r) => outcomes.push(fromWire(r as WireOutcome)));
    } catch (e) {
      work.dropOnBadInput(e);
      throw e;
    }
    const { summary, worstSeed } = summarize(base, outcomes);
    // The worst seed's risk events, in order, as its run writes them: the stress page's timeline.
    const worstScenario = loadScenario(file, { dataDirs, seed: worstSeed });
    const timeline: string[][] = [];
    writeNestedRun(worstScenario, join(dir, 'worst-seed'), {
      rows: opts.rows,
      ...(worstScenario.risk ? { onEvent: (e: EngineEvent) => { if (TIMELINE.has(e.kind)) timeline.push([formatServerTime(e.time), e.kind, e.account ?? e.investor ?? '', e.reason]); } } : {}),
    });
    writeMonteCarloFiles(dir, base, summary, outcomes, worstSeed, timeline, equityBands(outcomes));
    // Under the output's lock: no other run on this --out is using the work area now.
    work.remove();
    return { seeds, outcomes, summary, worstSeed, resumed };
  });
  return result;
}
