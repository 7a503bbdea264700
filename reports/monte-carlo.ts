// Monte Carlo (issue 6): one scenario over N seeds. Each seed is a full, independent run; the
// distributions of stop-outs, investor losses, broker-absorbed negative balances and limit
// breaches are exact decimals over the seeds, and the worst seed is written in full.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Dec } from '../engine/decimal.js';
import type { EngineEvent, EngineSink } from '../engine/events.js';
import type { JournalEntry } from '../engine/journal.js';
import { SYSTEM_ACCOUNTS } from '../engine/program.js';
import { formatQ } from '../engine/quantum.js';
import { runScenario } from '../sim/runner.js';
import { type Scenario, loadScenario } from '../sim/scenario.js';
import { stageDir } from './atomic.js';
import { CsvWriter } from './csv.js';
import { esc, humanAmount } from './html.js';
import { writeRun } from './run.js';

/** The account kinds a stop-out is counted for. */
const KINDS = ['master', 'mam', 'pamm', 'client'] as const;
const BREACHES = new Set(['limit-breach', 'hard-stop']);
const TIMELINE = new Set(['margin-call', 'stop-out', 'limit-breach', 'account-paused', 'account-resumed', 'hard-stop', 'negative-balance-protected', 'negative-balance-carried', 'detach']);

export interface SeedOutcome {
  readonly seed: number;
  /** Accounts stopped out at least once, by kind. */
  readonly stoppedOut: Record<(typeof KINDS)[number], number>;
  readonly stopOuts: number;
  readonly breaches: number;
  readonly hardStop: boolean;
  /** What the house paid to reset negative balances. */
  readonly negativeAbsorbed: Dec;
  /** Per investor: loss = deposits − withdrawals − final equity (negative is a gain). */
  readonly losses: ReadonlyMap<string, Dec>;
  readonly totalLoss: Dec;
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
  const kindOf = new Map(p.accountSnapshots().map((a) => [a.id, a.kind]));
  const stoppedOut = { master: 0, mam: 0, pamm: 0, client: 0 };
  const stopped = new Set<string>();
  for (const e of sink.risk) if (e.kind === 'stop-out' && e.account) stopped.add(e.account);
  for (const a of stopped) {
    const k = kindOf.get(a);
    if (k === 'master' || k === 'mam' || k === 'pamm' || k === 'client') stoppedOut[k]++;
  }
  const losses = new Map<string, Dec>();
  for (const i of p.investorSnapshots()) losses.set(i.id, (sink.flows.get(i.id) ?? new Dec(0)).minus(i.equity.value));
  return {
    seed: s.seed, stoppedOut, stopOuts: sink.risk.filter((e) => e.kind === 'stop-out').length,
    breaches: sink.risk.filter((e) => BREACHES.has(e.kind)).length, hardStop: sink.risk.some((e) => e.kind === 'hard-stop'),
    negativeAbsorbed: sink.negative, losses, totalLoss: [...losses.values()].reduce((x, y) => x.plus(y), new Dec(0)),
  };
}

/** A seed's outcome as structured-clone data (a worker posts it; decimals travel as strings). */
export interface WireOutcome {
  readonly seed: number;
  readonly stoppedOut: SeedOutcome['stoppedOut'];
  readonly stopOuts: number;
  readonly breaches: number;
  readonly hardStop: boolean;
  readonly negativeAbsorbed: string;
  readonly losses: Array<[string, string]>;
  readonly totalLoss: string;
}

export function toWire(o: SeedOutcome): WireOutcome {
  return { ...o, negativeAbsorbed: o.negativeAbsorbed.toString(), losses: [...o.losses].map(([k, v]) => [k, v.toString()]), totalLoss: o.totalLoss.toString() };
}

function fromWire(w: WireOutcome): SeedOutcome {
  return { ...w, negativeAbsorbed: new Dec(w.negativeAbsorbed), losses: new Map(w.losses.map(([k, v]) => [k, new Dec(v)])), totalLoss: new Dec(w.totalLoss) };
}

/** The worker is TypeScript like the rest: a one-line boot loads it through tsx's API (the --import flag does not reach worker threads). */
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(new URL('./monte-carlo-worker.ts', import.meta.url).href)}, ${JSON.stringify(import.meta.url)}))`;

/**
 * Runs the seeds on `workers` threads (seed k on thread k mod workers) and returns the
 * outcomes in seed order: each seed is a separate, complete run, so the result is the same
 * as one thread's, whatever the number of threads or the order they finish in.
 */
async function runSeeds(file: string, seeds: readonly number[], workers: number, progress?: (done: number, total: number) => void): Promise<SeedOutcome[]> {
  const out = new Map<number, SeedOutcome>();
  const note = (o: SeedOutcome): void => {
    out.set(o.seed, o);
    progress?.(out.size, seeds.length);
  };
  if (workers <= 1 || seeds.length <= 1) {
    for (const seed of seeds) note(runSeed(loadScenario(file, { seed })));
  } else {
    const n = Math.min(workers, seeds.length);
    await Promise.all(Array.from({ length: n }, (_, w) => new Promise<void>((done, fail) => {
      const worker = new Worker(WORKER_BOOT, { eval: true, workerData: { file, seeds: seeds.filter((_, k) => k % n === w) } });
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

export interface MonteCarloResult {
  readonly seeds: number[];
  readonly outcomes: SeedOutcome[];
  readonly summary: Record<string, unknown>;
  readonly worstSeed: number;
}

export function summarize(base: Scenario, outcomes: readonly SeedOutcome[]): { summary: Record<string, unknown>; worstSeed: number } {
  const q = base.quantum;
  const f = (x: Dec): string => formatQ(x.toDecimalPlaces(q.dp, Dec.ROUND_HALF_UP), q);
  const n = outcomes.length;
  const dist = (xs: Dec[]): Distribution => {
    const s = [...xs].sort((a, b) => a.cmp(b));
    return { q05: f(quantile(s, 0.05)), q50: f(quantile(s, 0.5)), q95: f(quantile(s, 0.95)), expectedShortfall95: f(expectedShortfall(s)), mean: f(s.reduce((x, y) => x.plus(y), new Dec(0)).div(n)), worst: f(s[s.length - 1]!) };
  };
  const investors = [...outcomes[0]!.losses.keys()];
  const prob = (k: number): number => Number((k / n).toFixed(10));
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
      },
      stopOutProbability: Object.fromEntries(KINDS.map((k) => [k, prob(outcomes.filter((o) => o.stoppedOut[k] > 0).length)])),
      stopOutsPerSeed: { mean: Number((outcomes.reduce((x, o) => x + o.stopOuts, 0) / n).toFixed(10)), max: Math.max(...outcomes.map((o) => o.stopOuts)) },
      investorLoss: Object.fromEntries(investors.map((id) => [id, dist(outcomes.map((o) => o.losses.get(id)!))])),
      totalInvestorLoss: dist(outcomes.map((o) => o.totalLoss)),
      negativeBalanceAbsorbed: { ...dist(outcomes.map((o) => o.negativeAbsorbed)), probability: prob(outcomes.filter((o) => o.negativeAbsorbed.gt(0)).length) },
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
export async function monteCarloToDirectory(file: string, outDir: string, opts: { seed?: number; seeds?: number; workers?: number }, progress?: (done: number, total: number) => void): Promise<MonteCarloResult> {
  const base = loadScenario(file, { seed: opts.seed });
  const n = opts.seeds ?? base.monteCarloSeeds ?? 1;
  const seeds = Array.from({ length: n }, (_, k) => base.seed + k);
  const outcomes = await runSeeds(file, seeds, opts.workers ?? 1, progress);
  const { summary, worstSeed } = summarize(base, outcomes);
  const staged = stageDir(outDir);
  try {
    const worst = writeRun(loadScenario(file, { seed: worstSeed }), join(staged.path, 'worst-seed'));
    writeFileSync(join(staged.path, 'montecarlo.json'), JSON.stringify(summary, null, 2) + '\n');
    const investors = [...outcomes[0]!.losses.keys()];
    const csv = new CsvWriter(join(staged.path, 'seeds.csv'), ['seed', 'stop_outs', 'stopped_out_master', 'stopped_out_mam', 'stopped_out_pamm', 'stopped_out_client', 'limit_breaches', 'hard_stop', 'negative_absorbed', 'total_investor_loss', ...investors.map((i) => `loss_${i}`)]);
    const f = (x: Dec): string => formatQ(x, base.quantum);
    for (const o of outcomes) csv.row([o.seed, o.stopOuts, o.stoppedOut.master, o.stoppedOut.mam, o.stoppedOut.pamm, o.stoppedOut.client, o.breaches, o.hardStop ? 'yes' : 'no', f(o.negativeAbsorbed), f(o.totalLoss), ...investors.map((i) => f(o.losses.get(i)!))]);
    csv.close();
    const timeline = worst.summary.risk ? readTimeline(join(staged.path, 'worst-seed', 'events.csv')) : [];
    writeFileSync(join(staged.path, 'report.html'), stressPage(base, summary, outcomes, worstSeed, timeline));
    staged.commit();
  } catch (e) {
    staged.abort();
    throw e;
  }
  return { seeds, outcomes, summary, worstSeed };
}

/** The worst seed's risk events, read back from its events.csv (time, kind, account, reason). */
function readTimeline(path: string): string[][] {
  // The CSV was written by this program a moment ago: its quoting is the CsvWriter's.
  const rows = parseCsv(readFileSync(path, 'utf8'));
  const head = rows[0]!;
  const col = (name: string): number => head.indexOf(name);
  return rows.slice(1).filter((r) => TIMELINE.has(r[col('kind')]!)).map((r) => [r[col('time')]!, r[col('kind')]!, r[col('account')] || r[col('investor')]!, r[col('reason')]!]);
}

/** RFC 4180 rows (quoted fields with doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (c !== '\r') cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

function stressPage(base: Scenario, summary: Record<string, unknown>, outcomes: readonly SeedOutcome[], worstSeed: number, timeline: string[][]): string {
  const s = summary as { seeds: number; stopOutProbability: Record<string, number>; investorLoss: Record<string, Distribution>; totalInvestorLoss: Distribution; negativeBalanceAbsorbed: Distribution & { probability: number }; limitBreaches: { total: number; perSeedMean: number; seedsWithBreach: number; hardStops: number } };
  const tr = (cells: unknown[], num = new Set<number>()): string => `<tr>${cells.map((c, i) => `<td${num.has(i) ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`;
  const th = (cells: string[]): string => `<tr>${cells.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const d = (x: Distribution): string[] => [x.q05, x.q50, x.q95, x.expectedShortfall95, x.mean, x.worst].map(humanAmount);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const lossRows = [...Object.entries(s.investorLoss).map(([id, x]) => [id, ...d(x)]), ['all investors', ...d(s.totalInvestorLoss)]];
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
<p class="meta">Seeds ${outcomes[0]!.seed}–${outcomes[outcomes.length - 1]!.seed}; every seed is a full run of the engine. Loss = deposits − withdrawals − final equity (negative: a gain). Quantiles by nearest rank; expected shortfall is the mean of the worst 5% of seeds (at least one).</p>
<div class="cards">
${Object.entries(s.stopOutProbability).map(([k, p]) => `<div class="card">P(stop-out) ${esc(k)}<b>${esc(pct(p))}</b></div>`).join('\n')}
<div class="card">Negative balance absorbed<b>${esc(humanAmount(s.negativeBalanceAbsorbed.mean))}</b>mean a seed; P(&gt;0) ${esc(pct(s.negativeBalanceAbsorbed.probability))}</div>
<div class="card">Limit breaches<b>${esc(s.limitBreaches.total)}</b>${esc(s.limitBreaches.seedsWithBreach)} seeds; ${esc(s.limitBreaches.hardStops)} hard stops</div>
</div>
<h2>Investor loss over the seeds (USD)</h2>
<table>${th(['investor', '5%', '50%', '95%', 'expected shortfall 95%', 'mean', 'worst'])}${lossRows.map((r) => tr(r, new Set([1, 2, 3, 4, 5, 6]))).join('')}</table>
<h2>Distribution of the total investor loss</h2>
${bars}
<h2>Negative balance absorbed by the broker (USD a seed)</h2>
<table>${th(['5%', '50%', '95%', 'expected shortfall 95%', 'mean', 'worst'])}${tr(d(s.negativeBalanceAbsorbed), new Set([0, 1, 2, 3, 4, 5]))}</table>
<h2>Worst seeds</h2>
<table>${th(['seed', 'total investor loss', 'stop-outs', 'limit breaches', 'hard stop', 'negative absorbed'])}${sorted.slice(0, 10).map((o) => tr([o.seed, humanAmount(formatQ(o.totalLoss, base.quantum)), o.stopOuts, o.breaches, o.hardStop ? 'yes' : 'no', humanAmount(formatQ(o.negativeAbsorbed, base.quantum))], new Set([1, 2, 3, 5]))).join('')}</table>
<h2>Stop-out timeline of the worst seed (${worstSeed})</h2>
${timeline.length ? `<table>${th(['time', 'kind', 'account', 'reason'])}${timeline.map((r) => tr(r)).join('')}</table>` : '<p>No risk event in the worst seed.</p>'}
<p class="meta">The worst seed's full run (every output file, with its own report) is in worst-seed/; every seed's figures are in seeds.csv; the distributions in montecarlo.json.</p>
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
