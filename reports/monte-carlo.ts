// The Monte Carlo result's files: montecarlo.json (the distributions), seeds.csv (one row per
// seed), equity-bands.csv (the fan charts' percentiles) and report.html, the stress page
// (sim/monte-carlo.ts runs the seeds).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dec } from '../engine/decimal.js';
import { formatQ } from '../engine/quantum.js';
import { type ServerTime, formatServerTime } from '../engine/time.js';
import type { Distribution, EquityBand, MonteCarloSummary } from '../sim/monte-carlo.js';
import type { Scenario } from '../sim/scenario.js';
import type { Kind, PathGroup, SeedOutcome } from '../sim/seed-outcome.js';
import { CsvWriter } from './csv.js';
import { plotLib, plotSvg } from './chart.js';
import { esc, humanAmount } from './html.js';

export const MONTE_CARLO_FILES = ['montecarlo.json', 'seeds.csv', 'equity-bands.csv', 'report.html', 'worst-seed/'] as const;

/**
 * The kinds of trading account a scenario has, for what the page and the terminal show (the
 * summary and seeds.csv keep every kind, so their columns never depend on the scenario): the
 * master's own account in a signal program, MAM sub-accounts, the pool, self-trading clients.
 */
export function kindsIn(s: Pick<Scenario, 'structure' | 'investors' | 'pool' | 'clients'>): Kind[] {
  const has: Record<Kind, boolean> = { master: s.structure === 'signal', mam: s.investors.some((i) => i.model === 'mam'), pamm: s.pool !== undefined, client: s.clients.length > 0 };
  return (['master', 'mam', 'pamm', 'client'] as const).filter((k) => has[k]);
}

/** The account kinds the summary counts, in its order (master, mam, pamm, client). */
const kinds = (s: MonteCarloSummary): Kind[] => Object.keys(s.stopOutProbability) as Kind[];

/** Writes montecarlo.json, seeds.csv, equity-bands.csv and the stress page into `dir`. */
export function writeMonteCarloFiles(dir: string, base: Scenario, summary: MonteCarloSummary, outcomes: readonly SeedOutcome[], worstSeed: number, timeline: string[][], bands: readonly EquityBand[]): void {
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
  // The fan charts' figures, exact: a band is a percentile at each instant, not any seed's path.
  const fan = new CsvWriter(join(dir, 'equity-bands.csv'), ['time', 'group', 'seeds', 'q05', 'q25', 'q50', 'q75', 'q95']);
  for (const b of bands) fan.row([formatServerTime(b.time as ServerTime), b.group, b.seeds, f(b.q05), f(b.q25), f(b.q50), f(b.q75), f(b.q95)]);
  fan.close();
  writeFileSync(join(dir, 'report.html'), stressPage(base, summary, outcomes, worstSeed, timeline, bands));
}

/** Rows of the worst seed's timeline shown on the page (the whole list is in worst-seed/events.csv). */
const MAX_TIMELINE = 300;

function stressPage(base: Scenario, s: MonteCarloSummary, outcomes: readonly SeedOutcome[], worstSeed: number, timeline: string[][], bands: readonly EquityBand[]): string {
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
  const bars = histogram(outcomes.map((o) => o.totalLoss));
  const fans = fanSection(bands, outcomes.find((o) => o.seed === worstSeed));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(base.name)} · stress · mamlab</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1f24}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:.3rem .5rem;border-bottom:1px solid #eaeef2;text-align:left}th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#57606a}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:6px;padding:.6rem .9rem}.card b{display:block;font-size:1.2rem}
figure{margin:1rem 0}figcaption{color:#57606a;font-size:13px;margin-top:.3rem}h3{font-size:1rem;margin:1rem 0 .3rem}.fans{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:0 1.5rem}.fans svg{max-width:100%;height:auto}</style></head>
<body>
<h1>${esc(base.name)}: stress over ${s.seeds} seeds</h1>
<p>${esc(base.description)}</p>
<p class="meta">Seeds ${outcomes[0]!.seed}–${outcomes[outcomes.length - 1]!.seed}; every seed is a full run of the engine. Loss = deposits − withdrawals − final equity (negative: a gain), over the seeds in which the investor joined. Quantiles by nearest rank; expected shortfall is the mean of the worst 5% of seeds (at least one). Amounts here in cents; montecarlo.json and seeds.csv have them exact.</p>
<h2>How often the rules acted</h2>
<table>${th(['account kind', 'P(stop-out)', 'P(limit breach or hard stop)'])}${kindsIn(base).map((k) => tr([k, pct(s.stopOutProbability[k]), pct(s.breachProbability[k])], new Set([1, 2]))).join('')}</table>
<div class="cards">
<div class="card">Negative balance absorbed by the broker<b>${esc(usd(s.negativeBalanceAbsorbed.mean))}</b>mean a seed; in ${esc(pct(s.negativeBalanceAbsorbed.probability))} of seeds</div>
<div class="card">Negative balance carried at the end<b>${esc(usd(s.negativeBalanceCarried.mean))}</b>mean a seed; in ${esc(pct(s.negativeBalanceCarried.probability))} of seeds</div>
<div class="card">Limit breaches and hard stops<b>${esc(s.limitBreaches.total)}</b>in ${esc(s.limitBreaches.seedsWithBreach)} of ${s.seeds} seeds; ${esc(s.limitBreaches.hardStops)} hard stops</div>
</div>
${fans}
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
<p class="meta">The worst seed's full run (every output file, with its own report and health view) is in worst-seed/; every seed's figures are in seeds.csv; the distributions in montecarlo.json; the fan charts' percentiles in equity-bands.csv.</p>
</body></html>
`;
}

/** Bins of a histogram: [x1, x2) each (the last one closed), with the count of values in it. */
export interface Bin {
  readonly x1: number;
  readonly x2: number;
  readonly count: number;
}

/**
 * `count` equal-width bins over [min, max] of the values, each value placed exactly (in decimals,
 * so a value on an edge goes to the bin it starts, the maximum to the last). Plot's own
 * `thresholds: 20` picks "nice" edges and a count near 20, not 20. All values equal: one bin, a
 * unit wide around them.
 */
export function histogramBins(xs: readonly Dec[], count = 20): Bin[] {
  if (xs.length === 0) return [];
  const min = xs.reduce((a, b) => Dec.min(a, b));
  const max = xs.reduce((a, b) => Dec.max(a, b));
  const span = max.minus(min);
  if (span.isZero()) return [{ x1: min.minus(0.5).toNumber(), x2: min.plus(0.5).toNumber(), count: xs.length }];
  const counts = new Array<number>(count).fill(0);
  for (const x of xs) counts[Math.min(count - 1, x.minus(min).times(count).div(span).floor().toNumber())]!++;
  const edge = (k: number): number => min.plus(span.times(k).div(count)).toNumber();
  return counts.map((n, k) => ({ x1: edge(k), x2: edge(k + 1), count: n }));
}

/** The seeds' total investor loss as a histogram with labelled axes (Observable Plot, drawn on the server): 20 equal bins from the lowest to the highest. */
function histogram(xs: readonly Dec[]): string {
  const Plot = plotLib();
  const bins = histogramBins(xs);
  const usd = (x: number): string => humanAmount(x.toFixed(2));
  return plotSvg({
    width: 960, height: 260, marginLeft: 50, marginBottom: 45,
    x: { label: 'total investor loss over a seed (USD; below 0: a gain) →', labelAnchor: 'right', grid: false },
    y: { label: '↑ seeds', grid: true, tickFormat: (d: number) => (Number.isInteger(d) ? String(d) : '') },
    marks: [
      Plot.rectY(bins, { x1: 'x1', x2: 'x2', y: 'count', fill: '#4c78a8', inset: 1, title: (b: Bin) => `${usd(b.x1)} to ${usd(b.x2)}: ${b.count} seed${b.count === 1 ? '' : 's'}` }),
      Plot.ruleY([0]),
    ],
  });
}

const GROUP_TITLES: Record<Exclude<PathGroup, 'program'>, string> = {
  master: "The master account (the manager's own)",
  mam: 'MAM sub-accounts, total',
  pamm: 'PAMM members, total',
};

/** The bands' colours, from the widest to the median, and the worst seed's line. */
const FAN = { outer: '#c6d5ea', inner: '#8fadd3', median: '#1f4e8c', worst: '#cf222e' } as const;

/** One group's fan: its 5–95% and 25–75% bands over the seeds, the median, and the worst seed's own path. */
export function fanChartSvg(bands: readonly EquityBand[], group: PathGroup, worst: SeedOutcome | undefined, width: number, height: number): string {
  const Plot = plotLib();
  const n = (x: Dec): number => x.toNumber();
  const data = bands.filter((b) => b.group === group).map((b) => ({ time: new Date(b.time), q05: n(b.q05), q25: n(b.q25), q50: n(b.q50), q75: n(b.q75), q95: n(b.q95) }));
  const path = worst?.path.equity[group];
  const line = worst && path ? worst.path.times.map((t, k) => ({ time: new Date(t), equity: n(path[k]!) })) : [];
  const names = ['5–95% of seeds', '25–75% of seeds', 'median', ...(line.length ? [`worst seed (${worst!.seed})`] : [])];
  return plotSvg({
    // The axis label below the two-line date ticks, not over a month's name.
    width, height, marginLeft: 70, marginRight: 20, marginBottom: 45,
    x: { type: 'utc', label: 'server time (day ends) →', labelAnchor: 'right', labelOffset: 42 },
    y: { grid: true, label: '↑ equity (USD)' },
    color: { legend: true, domain: names, range: [FAN.outer, FAN.inner, FAN.median, FAN.worst] },
    marks: [
      Plot.areaY(data, { x: 'time', y1: 'q05', y2: 'q95', fill: FAN.outer }),
      Plot.areaY(data, { x: 'time', y1: 'q25', y2: 'q75', fill: FAN.inner }),
      Plot.lineY(data, { x: 'time', y: 'q50', stroke: FAN.median, strokeWidth: 2 }),
      ...(line.length ? [Plot.lineY(line, { x: 'time', y: 'equity', stroke: FAN.worst, strokeWidth: 1.5, strokeDasharray: '5,3' })] : []),
    ],
  });
}

/** The stress page's fan charts: the program first and wide, then each group beside the others. */
function fanSection(bands: readonly EquityBand[], worst: SeedOutcome | undefined): string {
  if (bands.length === 0) return '';
  const groups = [...new Set(bands.map((b) => b.group))].filter((g): g is Exclude<PathGroup, 'program'> => g !== 'program');
  const fig = (g: PathGroup, title: string, width: number, height: number): string => `<figure class="fan"><h3>${esc(title)}</h3>${fanChartSvg(bands, g, worst, width, height)}</figure>`;
  const short = { master: 'the master account', mam: 'the MAM sub-accounts', pamm: 'the PAMM members' };
  const names = groups.map((g) => short[g]);
  const program = groups.length > 1 ? `The program: ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!} together` : groups.length ? GROUP_TITLES[groups[0]!] : 'The program';
  const seeds = bands[0]!.seeds;
  // With one group the program is that group: its chart alone.
  return `<h2>Equity over time across the seeds (USD)</h2>
${fig('program', program, 960, 300)}
${groups.length > 1 ? `<div class="fans">${groups.map((g) => fig(g, GROUP_TITLES[g], 520, 240)).join('')}</div>` : ''}
<p class="meta">Each seed's equity total at the start and at the last instant of every server day, in USD (another currency at the mid of that moment); the investors who left or detached count for nothing. At each day end, the seeds' nearest-rank percentiles: the light band holds 90% of the seeds (5% to 95%), the dark band half of them (25% to 75%), the line is the median (over ${seeds} seeds). A band is not any one seed's path: the dashed red line is the worst seed's own (the largest total investor loss). Deposits and withdrawals move these totals as much as gains and losses. Exact figures in equity-bands.csv.</p>`;
}
