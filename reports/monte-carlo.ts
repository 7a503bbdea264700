// Monte Carlo (issue 6): one scenario over N seeds. Each seed is a full, independent run; the
// distributions of stop-outs, investor losses, broker-absorbed negative balances and limit
// breaches are exact decimals over the seeds, and the worst seed is written in full.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Dec } from '../engine/decimal.js';
import type { EngineEvent, EngineSink } from '../engine/events.js';
import type { JournalEntry } from '../engine/journal.js';
import { SYSTEM_ACCOUNTS } from '../engine/program-state.js';
import { formatQ } from '../engine/quantum.js';
import { formatServerTime } from '../engine/time.js';
import { runScenario } from '../sim/runner.js';
import { type LoadOptions, type Scenario, loadScenario } from '../sim/scenario.js';
import { type OutputOptions, withOutput } from './output-dir.js';
import { CsvWriter } from './csv.js';
import { esc, humanAmount } from './html.js';
import { outputRequest, writeNestedRun } from './run.js';
import type { EquityRows } from './run-writer.js';

/** The account kinds a stop-out is counted for. */
const KINDS = ['master', 'mam', 'pamm', 'client'] as const;
const BREACHES = new Set(['limit-breach', 'hard-stop']);
const TIMELINE = new Set(['margin-call', 'stop-out', 'limit-breach', 'account-paused', 'account-resumed', 'hard-stop', 'negative-balance-protected', 'negative-balance-carried', 'detach']);

type Kind = (typeof KINDS)[number];
const perKind = (): Record<Kind, number> => ({ master: 0, mam: 0, pamm: 0, client: 0 });

export interface SeedOutcome {
  readonly seed: number;
  /** Accounts stopped out at least once, by kind. */
  readonly stoppedOut: Record<Kind, number>;
  /** Accounts that breached a limit at least once, by kind (the master: its hard stop). */
  readonly breached: Record<Kind, number>;
  readonly stopOuts: number;
  readonly breaches: number;
  readonly hardStop: boolean;
  /** What the house paid to reset negative balances. */
  readonly negativeAbsorbed: Dec;
  /** Negative balances still on trading accounts at the end (`carry`). */
  readonly negativeCarried: Dec;
  /** Per investor that joined in this seed: loss = deposits − withdrawals − final equity (negative is a gain). */
  readonly losses: ReadonlyMap<string, Dec>;
  readonly totalLoss: Dec;
  /** A signal master's own account: its funding − its final equity. */
  readonly masterLoss?: Dec;
}

/** Collects what one seed's distribution needs, and nothing else (the full output is only written for the worst seed). */
class OutcomeSink implements EngineSink {
  readonly risk: EngineEvent[] = [];
  readonly flows = new Map<string, Dec>();
  negative = new Dec(0);
  event(e: EngineEvent): void {
    if (TIMELINE.has(e.kind) || BREACHES.has(e.kind)) this.risk.push(e);
    if (!e.investor || !e.amount) return;
    const sign = e.kind === 'deposit' ? 1 : e.kind === 'withdrawal' ? -1 : 0;
    if (sign) this.flows.set(e.investor, (this.flows.get(e.investor) ?? new Dec(0)).plus(e.amount.value.times(sign)));
  }
  entry(e: JournalEntry): void {
    if (e.reason === 'negative-balance' && e.from === SYSTEM_ACCOUNTS.house) this.negative = this.negative.plus(e.amount.value);
  }
  trade(): void {}
  execution(): void {}
}

export function runSeed(s: Scenario): SeedOutcome {
  const sink = new OutcomeSink();
  const p = runScenario(s, sink, {}, (prog) => prog.journal.onEntry((e) => sink.entry(e)));
  const accounts = p.accountSnapshots();
  const kindOf = new Map(accounts.map((a) => [a.id, a.kind]));
  const byKind = (kinds: ReadonlySet<string>): Record<Kind, number> => {
    const out = perKind();
    const seen = new Set<string>();
    for (const e of sink.risk) if (kinds.has(e.kind) && e.account && !seen.has(e.account)) seen.add(e.account);
    for (const a of seen) {
      const k = kindOf.get(a);
      if (k === 'master' || k === 'mam' || k === 'pamm' || k === 'client') out[k]++;
    }
    return out;
  };
  const losses = new Map<string, Dec>();
  for (const i of p.investorSnapshots()) losses.set(i.id, (sink.flows.get(i.id) ?? new Dec(0)).minus(i.equity.value));
  const trading = new Set(['master', 'mam', 'pamm', 'client']);
  const negativeCarried = accounts.filter((a) => trading.has(a.kind) && a.equity.isNegative()).reduce((x, a) => x.minus(a.equity.value), new Dec(0));
  return {
    seed: s.seed, stoppedOut: byKind(new Set(['stop-out'])), breached: byKind(BREACHES), stopOuts: sink.risk.filter((e) => e.kind === 'stop-out').length,
    breaches: sink.risk.filter((e) => BREACHES.has(e.kind)).length, hardStop: sink.risk.some((e) => e.kind === 'hard-stop'),
    negativeAbsorbed: sink.negative, negativeCarried, losses, totalLoss: [...losses.values()].reduce((x, y) => x.plus(y), new Dec(0)),
    masterLoss: s.structure === 'signal' ? s.masterDeposit.value.minus(p.equity(SYSTEM_ACCOUNTS.master).value) : undefined,
  };
}

/** A seed's outcome as structured-clone data (a worker posts it; decimals travel as strings). */
export interface WireOutcome extends Omit<SeedOutcome, 'negativeAbsorbed' | 'negativeCarried' | 'losses' | 'totalLoss' | 'masterLoss'> {
  readonly negativeAbsorbed: string;
  readonly negativeCarried: string;
  readonly losses: Array<[string, string]>;
  readonly totalLoss: string;
  readonly masterLoss?: string;
}

export function toWire(o: SeedOutcome): WireOutcome {
  return { ...o, negativeAbsorbed: o.negativeAbsorbed.toString(), negativeCarried: o.negativeCarried.toString(), losses: [...o.losses].map(([k, v]) => [k, v.toString()]), totalLoss: o.totalLoss.toString(), masterLoss: o.masterLoss?.toString() };
}

function fromWire(w: WireOutcome): SeedOutcome {
  return {
    ...w, negativeAbsorbed: new Dec(w.negativeAbsorbed), negativeCarried: new Dec(w.negativeCarried), losses: new Map(w.losses.map(([k, v]) => [k, new Dec(v)])),
    totalLoss: new Dec(w.totalLoss), masterLoss: w.masterLoss === undefined ? undefined : new Dec(w.masterLoss),
  };
}

/** The worker is TypeScript like the rest: a one-line boot loads it through tsx's API (the --import flag does not reach worker threads). */
// From the TypeScript sources a worker loads its module through tsx; from the build (dist/), directly.
const workerBoot = (): string => import.meta.url.endsWith('.ts')
  ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(new URL('./monte-carlo-worker.ts', import.meta.url).href)}, ${JSON.stringify(import.meta.url)}))`
  : `import(${JSON.stringify(new URL('./monte-carlo-worker.js', import.meta.url).href)})`;

/**
 * Runs the seeds on `workers` threads (seed k on thread k mod workers) and returns the
 * outcomes in seed order: each seed is a separate, complete run, so the result is the same
 * as one thread's, whatever the number of threads or the order they finish in.
 */
/** The load options every seed shares (all but the seed): what a worker needs besides the file. */
type SeedLoad = Omit<LoadOptions, 'seed'>;

async function runSeeds(file: string, load: SeedLoad, seeds: readonly number[], workers: number, progress?: (done: number, total: number) => void): Promise<SeedOutcome[]> {
  const out = new Map<number, SeedOutcome>();
  const note = (o: SeedOutcome): void => {
    out.set(o.seed, o);
    progress?.(out.size, seeds.length);
  };
  if (workers <= 1 || seeds.length <= 1) {
    for (const seed of seeds) note(runSeed(loadScenario(file, { ...load, seed })));
  } else {
    const n = Math.min(workers, seeds.length);
    await Promise.all(Array.from({ length: n }, (_, w) => new Promise<void>((done, fail) => {
      const worker = new Worker(workerBoot(), { eval: true, workerData: { file, load, seeds: seeds.filter((_, k) => k % n === w) } });
      worker.on('message', (m: WireOutcome) => note(fromWire(m)));
      worker.on('error', (e) => fail(new Error(`Monte Carlo worker: ${e.message}`)));
      worker.on('exit', (code) => (code === 0 ? done() : fail(new Error(`Monte Carlo worker exited with code ${code}`))));
    })));
  }
  return seeds.map((s) => out.get(s)!);
}

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

export interface Distribution {
  readonly q05: string;
  readonly q50: string;
  readonly q95: string;
  readonly expectedShortfall95: string;
  readonly mean: string;
  readonly worst: string;
}

/** The investors the scenario names, in its order (a join refused in some seeds still has its row). */
const investorIds = (base: Scenario): string[] => base.investors.map((i) => i.id);

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

export const MONTE_CARLO_FILES = ['montecarlo.json', 'seeds.csv', 'report.html', 'worst-seed/'] as const;

/**
 * Runs seeds first, first+1, … on `workers` threads (default 1); writes montecarlo.json,
 * seeds.csv, report.html (the stress page) and worst-seed/ (the full run).
 */
export async function monteCarloToDirectory(source: string | Scenario, outDir: string, opts: LoadOptions & { seeds?: number; workers?: number; rows?: EquityRows } & OutputOptions, progress?: (done: number, total: number) => void): Promise<MonteCarloResult> {
  const load: SeedLoad = opts.dataDirs ? { dataDirs: opts.dataDirs } : {};
  const base = typeof source === 'string' ? loadScenario(source, { ...load, seed: opts.seed }) : source;
  const file = base.file;
  const n = opts.seeds ?? base.monteCarloSeeds ?? 1;
  const seeds = Array.from({ length: n }, (_, k) => base.seed + k);
  return withOutput(outputRequest('monte-carlo', base, outDir, opts), async (dir) => {
    const outcomes = await runSeeds(file, load, seeds, opts.workers ?? 1, progress);
    const { summary, worstSeed } = summarize(base, outcomes);
    // The worst seed's risk events, in order, as its run writes them: the stress page's timeline.
    const worstScenario = loadScenario(file, { ...load, seed: worstSeed });
    const timeline: string[][] = [];
    writeNestedRun(worstScenario, join(dir, 'worst-seed'), {
      rows: opts.rows,
      ...(worstScenario.risk ? { onEvent: (e: EngineEvent) => { if (TIMELINE.has(e.kind)) timeline.push([formatServerTime(e.time), e.kind, e.account ?? e.investor ?? '', e.reason]); } } : {}),
    });
    writeFileSync(join(dir, 'montecarlo.json'), JSON.stringify(summary, null, 2) + '\n');
    const investors = investorIds(base);
    const csv = new CsvWriter(join(dir, 'seeds.csv'), [
      'seed', 'stop_outs', ...KINDS.map((k) => `stopped_out_${k}`), 'limit_breaches', ...KINDS.map((k) => `breached_${k}`), 'hard_stop',
      'negative_absorbed', 'negative_carried', 'master_loss', 'total_investor_loss', ...investors.map((i) => `loss_${i}`),
    ]);
    const f = (x: Dec | undefined): string | undefined => (x === undefined ? undefined : formatQ(x, base.quantum));
    for (const o of outcomes) {
      csv.row([o.seed, o.stopOuts, ...KINDS.map((k) => o.stoppedOut[k]), o.breaches, ...KINDS.map((k) => o.breached[k]), o.hardStop ? 'yes' : 'no', f(o.negativeAbsorbed), f(o.negativeCarried), f(o.masterLoss), f(o.totalLoss), ...investors.map((i) => f(o.losses.get(i)))]);
    }
    csv.close();
    writeFileSync(join(dir, 'report.html'), stressPage(base, summary, outcomes, worstSeed, timeline));
    return { seeds, outcomes, summary, worstSeed };
  });
}

/** Rows of the worst seed's timeline shown on the page (the whole list is in worst-seed/events.csv). */
const MAX_TIMELINE = 300;

function stressPage(base: Scenario, s: MonteCarloSummary, outcomes: readonly SeedOutcome[], worstSeed: number, timeline: string[][]): string {
  const tr = (cells: unknown[], num = new Set<number>()): string => `<tr>${cells.map((c, i) => `<td${num.has(i) ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`;
  const th = (cells: string[]): string => `<tr>${cells.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  // The page shows cents; montecarlo.json and seeds.csv keep every quantum.
  const usd = (x: string | undefined): string => (x === undefined ? '' : humanAmount(new Dec(x).toFixed(2)));
  const d = (x: Partial<Distribution> | null): string[] => (x ? [x.q05, x.q50, x.q95, x.expectedShortfall95, x.mean, x.worst].map(usd) : ['', '', '', '', '', '']);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const num6 = new Set([2, 3, 4, 5, 6, 7]);
  const lossRows = [
    ...Object.entries(s.investorLoss).map(([id, x]) => [id, `${x.seeds} of ${s.seeds}`, ...d(x.seeds ? x : null)]),
    ['all investors', `${s.seeds}`, ...d(s.totalInvestorLoss)],
    ...(s.masterLoss ? [['master account (the manager\'s own)', `${s.seeds}`, ...d(s.masterLoss)]] : []),
  ];
  const sorted = [...outcomes].sort((a, b) => b.totalLoss.cmp(a.totalLoss) || a.seed - b.seed);
  const bars = histogram(outcomes.map((o) => Number(o.totalLoss.toString())));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(base.name)} · stress · mamlab</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1f24}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:.3rem .5rem;border-bottom:1px solid #eaeef2;text-align:left}th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#57606a}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:6px;padding:.6rem .9rem}.card b{display:block;font-size:1.2rem}</style></head>
<body>
<h1>${esc(base.name)}: stress over ${s.seeds} seeds</h1>
<p>${esc(base.description)}</p>
<p class="meta">Seeds ${outcomes[0]!.seed}–${outcomes[outcomes.length - 1]!.seed}; every seed is a full run of the engine. Loss = deposits − withdrawals − final equity (negative: a gain), over the seeds in which the investor joined. Quantiles by nearest rank; expected shortfall is the mean of the worst 5% of seeds (at least one). Amounts here in cents; montecarlo.json and seeds.csv have them exact.</p>
<h2>How often the rules acted</h2>
<table>${th(['account kind', 'P(stop-out)', 'P(limit breach or hard stop)'])}${KINDS.map((k) => tr([k, pct(s.stopOutProbability[k]), pct(s.breachProbability[k])], new Set([1, 2]))).join('')}</table>
<div class="cards">
<div class="card">Negative balance absorbed by the broker<b>${esc(usd(s.negativeBalanceAbsorbed.mean))}</b>mean a seed; in ${esc(pct(s.negativeBalanceAbsorbed.probability))} of seeds</div>
<div class="card">Negative balance carried at the end<b>${esc(usd(s.negativeBalanceCarried.mean))}</b>mean a seed; in ${esc(pct(s.negativeBalanceCarried.probability))} of seeds</div>
<div class="card">Limit breaches and hard stops<b>${esc(s.limitBreaches.total)}</b>in ${esc(s.limitBreaches.seedsWithBreach)} of ${s.seeds} seeds; ${esc(s.limitBreaches.hardStops)} hard stops</div>
</div>
<h2>Loss over the seeds (USD)</h2>
<table>${th(['who', 'seeds', '5%', '50%', '95%', 'expected shortfall 95%', 'mean', 'worst'])}${lossRows.map((r) => tr(r, num6)).join('')}</table>
<h2>Distribution of the total investor loss</h2>
${bars}
<h2>Negative balances (USD a seed)</h2>
<table>${th(['', '5%', '50%', '95%', 'expected shortfall 95%', 'mean', 'worst'])}${tr(['absorbed by the broker', ...d(s.negativeBalanceAbsorbed)], new Set([1, 2, 3, 4, 5, 6]))}${tr(['carried by the accounts', ...d(s.negativeBalanceCarried)], new Set([1, 2, 3, 4, 5, 6]))}</table>
<h2>Worst seeds</h2>
<table>${th(['seed', 'total investor loss', 'stop-outs', 'limit breaches', 'hard stop', 'negative absorbed'])}${sorted.slice(0, 10).map((o) => tr([o.seed, usd(o.totalLoss.toString()), o.stopOuts, o.breaches, o.hardStop ? 'yes' : 'no', usd(o.negativeAbsorbed.toString())], new Set([1, 2, 3, 5]))).join('')}</table>
<h2>Stop-out timeline of the worst seed (${worstSeed})</h2>
${timeline.length ? `<table>${th(['time', 'kind', 'account', 'reason'])}${timeline.slice(0, MAX_TIMELINE).map((r) => tr(r)).join('')}</table>${timeline.length > MAX_TIMELINE ? `<p class="meta">The first ${MAX_TIMELINE} of ${timeline.length} risk events; all are in worst-seed/events.csv.</p>` : ''}` : '<p>No risk event in the worst seed.</p>'}
<p class="meta">The worst seed's full run (every output file, with its own report and health view) is in worst-seed/; every seed's figures are in seeds.csv; the distributions in montecarlo.json.</p>
</body></html>
`;
}

/** A plain SVG histogram of floats (drawing only): 20 bins. */
function histogram(xs: number[]): string {
  const lo = Math.min(...xs), hi = Math.max(...xs);
  const bins = 20, w = 900, h = 200;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]!++;
  const top = Math.max(...counts);
  const bw = w / bins;
  const rects = counts.map((c, i) => `<rect x="${(40 + i * bw).toFixed(1)}" y="${(h - (c / top) * (h - 20)).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${((c / top) * (h - 20)).toFixed(1)}" fill="#4c78a8"><title>${esc(`${(lo + i * width).toFixed(2)} to ${(lo + (i + 1) * width).toFixed(2)}: ${c} seed(s)`)}</title></rect>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w + 60} ${h + 30}" width="${w + 60}" height="${h + 30}">${rects}<text x="40" y="${h + 20}" font-size="12">${esc(lo.toFixed(2))}</text><text x="${w}" y="${h + 20}" font-size="12" text-anchor="end">${esc(hi.toFixed(2))}</text></svg>`;
}
