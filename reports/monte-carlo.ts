// The Monte Carlo result's files: montecarlo.json (the distributions), seeds.csv (one row per
// seed) and report.html, the stress page (sim/monte-carlo.ts runs the seeds).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dec } from '../engine/decimal.js';
import { formatQ } from '../engine/quantum.js';
import type { Distribution, MonteCarloSummary } from '../sim/monte-carlo.js';
import type { Scenario } from '../sim/scenario.js';
import type { Kind, SeedOutcome } from '../sim/seed-outcome.js';
import { CsvWriter } from './csv.js';
import { plotLib, plotSvg } from './chart.js';
import { esc, humanAmount } from './html.js';

export const MONTE_CARLO_FILES = ['montecarlo.json', 'seeds.csv', 'report.html', 'worst-seed/'] as const;

/** The account kinds the summary counts, in its order (master, mam, pamm, client). */
const kinds = (s: MonteCarloSummary): Kind[] => Object.keys(s.stopOutProbability) as Kind[];

/** Writes montecarlo.json, seeds.csv and the stress page into `dir`. */
export function writeMonteCarloFiles(dir: string, base: Scenario, summary: MonteCarloSummary, outcomes: readonly SeedOutcome[], worstSeed: number, timeline: string[][]): void {
  writeFileSync(join(dir, 'montecarlo.json'), JSON.stringify(summary, null, 2) + '\n');
  const KINDS = kinds(summary);
  const investors = base.investors.map((i) => i.id);
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
  const KINDS = kinds(s);
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

/** The seeds' total investor loss as a histogram with labelled axes (Observable Plot, drawn on the server): 20 bins. */
function histogram(xs: number[]): string {
  const Plot = plotLib();
  return plotSvg({
    width: 960, height: 260, marginLeft: 50, marginBottom: 45,
    x: { label: 'total investor loss over a seed (USD; below 0: a gain) →', labelAnchor: 'right', grid: false },
    y: { label: '↑ seeds', grid: true, tickFormat: (d: number) => (Number.isInteger(d) ? String(d) : '') },
    marks: [Plot.rectY(xs.map((loss) => ({ loss })), { ...Plot.binX({ y: 'count' }, { x: 'loss', thresholds: 20 }), fill: '#4c78a8', inset: 1 }), Plot.ruleY([0])],
  });
}
