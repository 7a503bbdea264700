// An investor's tear sheet (investors/ID.html): how the account did with the flows taken out,
// against the master it copies, in the shape analysts know from quantstats and LEAN: the
// rebased cumulative return (the time-weighted index) beside the master's over the same window,
// the drawdown from the running peak (underwater), the monthly returns, the ratios, the fee
// statements, and the trades (a MAM sub-account's own; a PAMM member holds units of the pool's).
// Floats are for drawing; every amount shown is the exact booked figure in cents, exact on hover.
import type { FeePeriod } from '../engine/policies.js';
import { plotLib, plotSvg } from './chart.js';
import { BASE_CSS, MONTHS, cell, cents, esc, humanAmount, otherFees, pct, pctOrDash, ratioOrDash, table } from './html.js';
import { investorFees } from '../sim/sweep-figures.js';
import { periodReturns } from './periods.js';
import type { InvestorTally } from './run-writer.js';
import type { Summary } from './summary.js';

export type InvestorSummary = Summary['investors'][number];

/** What the run kept for one investor's page, read back from the run's files where it is history. */
export interface TearSheetInput {
  readonly summary: Summary;
  readonly investor: InvestorSummary;
  readonly tally: InvestorTally;
  /** The master's index at each observation of the run. */
  readonly masterPath: ReadonlyArray<{ readonly time: number; readonly index: number }>;
  /** The investor's rows of statements.csv, in order, each with the file of its printable page (if written). */
  readonly statements: ReadonlyArray<{ readonly row: readonly string[]; readonly page?: string }>;
  /** A MAM sub-account's trades: the last rows of trades.csv for its account, and how many there were. */
  readonly trades?: { readonly rows: ReadonlyArray<readonly string[]>; readonly closed: number; readonly open: number };
  /** A PAMM member's units-issued and units-redeemed events (rows of events.csv). */
  readonly units?: ReadonlyArray<readonly string[]>;
  readonly feePeriod: FeePeriod;
}

/** Points a line of the tear sheet draws at most: beyond, every k-th (the last always kept). */
const MAX_POINTS = 1500;
function thin<T>(xs: readonly T[]): T[] {
  if (xs.length <= MAX_POINTS) return [...xs];
  const k = Math.ceil(xs.length / MAX_POINTS);
  return xs.filter((_, i) => i % k === 0 || i === xs.length - 1);
}


/**
 * The monthly returns as years × months, each the month's time-weighted return, and the year's
 * as the months' chain-linked product (the TWR over the year's observed months).
 */
export function monthlyGrid(rows: ReadonlyArray<{ label: string; twr: number }>): Array<{ year: string; months: Array<number | undefined>; year_: number }> {
  const years = new Map<string, Array<number | undefined>>();
  for (const r of rows) {
    const [y, m] = r.label.split('-');
    const months = years.get(y!) ?? Array<number | undefined>(12).fill(undefined);
    months[Number(m) - 1] = r.twr;
    years.set(y!, months);
  }
  return [...years.entries()].map(([year, months]) => ({ year, months, year_: months.reduce((x: number, r) => (r === undefined ? x : x * (1 + r)), 1) - 1 }));
}

/** A return as a heat-map cell: green for gains, red for losses, the stronger the larger (capped at ±10%). */
function heat(r: number | undefined): string {
  if (r === undefined) return '<td></td>';
  const a = Math.min(1, Math.abs(r) / 0.1) * 0.55 + 0.08;
  const bg = r >= 0 ? `rgba(45,164,78,${a.toFixed(2)})` : `rgba(207,34,46,${a.toFixed(2)})`;
  return `<td class="n" style="background:${bg}" title="${esc((r * 100).toFixed(4))}%">${esc(pct(r))}</td>`;
}

function returnChart(input: TearSheetInput): string {
  const t = input.tally;
  if (t.observations.length < 2) return '<p>Too few observations to draw.</p>';
  const Plot = plotLib();
  const mine = thin(t.observations.map((o) => ({ time: new Date(o.time), series: 'investor, net of fees', r: o.index.toNumber() - 1 })));
  // The master over the investor's own window, rebased to 0 where the investor started, read at
  // the investor's own observations: the master is also observed at other investors' events, and
  // a step the investor's line cannot show between its observations would look like a gap.
  const start = t.masterAtStart ?? 1;
  const master = thin(masterAt(input.masterPath, t.observations.map((o) => o.time)).map((m) => ({ time: new Date(m.time), series: `master (${input.summary.master.basis}, gross)`, r: m.index / start - 1 })));
  return plotSvg({
    width: 960, height: 300, marginLeft: 60, x: { type: 'utc', label: 'server time' },
    y: { grid: true, label: 'cumulative return (flows removed)', tickFormat: '+.1%' }, color: { legend: true, domain: [mine[0]!.series, ...(master.length ? [master[0]!.series] : [])], range: ['#0969da', '#8c959f'] },
    marks: [Plot.ruleY([0]), Plot.lineY([...master, ...mine], { x: 'time', y: 'r', stroke: 'series', z: 'series', curve: 'step-after' })],
  });
}

/** The master's index as last observed at or before each of `times` (both in time order). */
export function masterAt(path: ReadonlyArray<{ readonly time: number; readonly index: number }>, times: readonly number[]): Array<{ time: number; index: number }> {
  const out: Array<{ time: number; index: number }> = [];
  let k = -1;
  for (const time of times) {
    while (k + 1 < path.length && path[k + 1]!.time <= time) k++;
    if (k >= 0) out.push({ time, index: path[k]!.index });
  }
  return out;
}

/** The drawdown of the net index from its running peak, at each observation (≤ 0). */
export function underwater(indices: readonly number[]): number[] {
  let peak = -Infinity;
  return indices.map((x) => {
    peak = Math.max(peak, x);
    return x / peak - 1;
  });
}

function underwaterChart(input: TearSheetInput): string {
  const obs = input.tally.observations;
  if (obs.length < 2) return '';
  const dd = underwater(obs.map((o) => o.index.toNumber()));
  const Plot = plotLib();
  const data = thin(obs.map((o, i) => ({ time: new Date(o.time), dd: dd[i]! })));
  return plotSvg({
    width: 960, height: 180, marginLeft: 60, x: { type: 'utc', label: 'server time' }, y: { grid: true, label: 'drawdown from the peak', tickFormat: '.1%' },
    marks: [Plot.areaY(data, { x: 'time', y: 'dd', fill: '#cf222e', fillOpacity: 0.3, curve: 'step-after' }), Plot.lineY(data, { x: 'time', y: 'dd', stroke: '#cf222e', curve: 'step-after' }), Plot.ruleY([0])],
  });
}

function monthlyTable(input: TearSheetInput): string {
  const rows = periodReturns('monthly', input.tally.observations, input.tally.moves);
  if (rows.length === 0) return '<p>No month observed.</p>';
  const grid = monthlyGrid(rows);
  const head = `<tr><th>year</th>${MONTHS.map((m) => `<th class="n">${m}</th>`).join('')}<th class="n">year</th></tr>`;
  const body = grid.map((g) => `<tr><th>${esc(g.year)}</th>${g.months.map(heat).join('')}${heat(g.year_)}</tr>`).join('\n');
  return `<div class="wide"><table class="heat"><thead>${head}</thead><tbody>\n${body}\n</tbody></table></div>
<p class="meta">Each month's time-weighted return (flows removed; months from 00:05 on the 1st, the fee calendar's), the year's chain-linked over the months observed; hover a cell for 4 decimals. periods.csv has each month's and each fee period's TWR, Modified Dietz and money-weighted return.</p>`;
}

function metricsTable(i: InvestorSummary, s: Summary): string {
  const m = (i.metrics ?? {}) as Record<string, number | null>;
  const p = pctOrDash;
  const r = ratioOrDash;
  const rows: Array<[string, string, string]> = [
    ['time-weighted return, net of fees', p(i.timeWeightedReturn), 'flows removed'],
    ['return gross of fees', p(i.grossReturn), 'every fee counted as money leaving'],
    ["master's return over the same window", p(Number(i.grossReturn) - Number(i.trackingError)), s.master.basis],
    ['tracking error', p(i.trackingError), 'gross return − the master\'s'],
    ['money-weighted return (its period)', p(m.periodMoneyWeightedReturn), 'IRR of its flows and final equity, not annualized'],
    ['money-weighted return, annualized', p(m.moneyWeightedReturn), 'where the policies allow it'],
    ['annualized return', p(m.annualizedReturn), 'runs of a year or more'],
    ['max drawdown', p(i.maxDrawdown), 'of the net index'],
    ['volatility', p(m.volatility), `${s.metricConventions.ratioFrequency ?? 'daily'} returns, annualized`],
    ['Sharpe', r(m.sharpe), ''], ['Sortino', r(m.sortino), ''], ['Calmar', r(m.calmar), 'annualized return ÷ max drawdown'],
    ['profit factor', r(m.profitFactor), 'gross profit ÷ gross loss of those deals'], ['deals', String(m.deals ?? '–'), i.model === 'pamm' ? "closed deals of the pool (a member's are the pool's)" : 'closed deals of its sub-account'],
  ];
  return table(['figure', 'value', 'convention'], rows, new Set([1]));
}

function statementsTable(input: TearSheetInput): string {
  if (input.statements.length === 0) return '<p>No fee period ended for this investor.</p>';
  const rows = input.statements.map(({ row: r, page }) => {
    const other = otherFees(r);
    const period = page ? `<a href="${esc(encodeURI(page))}">${esc(r[2])}</a>` : esc(r[2]);
    const when = (x: string | undefined): string => (x ?? '').slice(0, 16).replace('T', ' ');
    return `<tr><td>${period}</td><td>${esc(`${when(r[3])} → ${when(r[4])}`)}</td>${[r[5], r[6], r[7], r[8], r[9], r[12], other.toString(), r[14]].map((x) => `<td class="n">${cell(cents(x))}</td>`).join('')}</tr>`;
  }).join('\n');
  const head = ['period', 'from → to', 'opening equity', 'deposits', 'withdrawals', 'mark assessed', 'gain', 'performance fee', 'other fees', 'closing equity'].map((h) => `<th>${esc(h)}</th>`).join('');
  return `<div class="wide"><table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>
${input.statements.some((x) => x.page) ? '<p class="meta">A period links to its printable statement.</p>' : ''}`;
}

function tradesSection(input: TearSheetInput): string {
  const i = input.investor;
  if (i.model === 'pamm') {
    const rows = (input.units ?? []).map((e) => [(e[1] ?? '').replace('T', ' '), e[2] === 'units-issued' ? 'issued' : 'redeemed', cents(e[8]), e[9] ?? '', e[11] ?? '']);
    return `<h2>Units and NAV</h2>
<p class="meta">A PAMM member owns units of the pool; the pool trades (its trades are in trades.csv under the pool's account). Units held at the end: ${esc(String(i.units ?? '0'))}${input.summary.pool ? ` at NAV ${esc(String(input.summary.pool.nav))}` : ''}.</p>
${rows.length ? table(['time', 'event', 'amount', 'units', 'at'], rows, new Set([2, 3])) : '<p>No units issued or redeemed.</p>'}`;
  }
  const tr = input.trades;
  if (!tr || tr.closed + tr.open === 0) return '<h2>Trades</h2>\n<p>No trade in this account.</p>';
  const when = (x: string | undefined): string => (x ?? '').replace('T', ' ');
  const lots = (x: string | undefined): string => (x ? humanAmount(x) : '');
  const rows = tr.rows.map((r) => [r[1], r[2], r[3], r[4], lots(r[5]), when(r[6]), r[7], when(r[8]), r[9], cents(r[10]), r[14]]);
  return `<h2>Trades</h2>
<p class="meta">${tr.closed} closed and ${tr.open} open at the end in its account; ${tr.rows.length < tr.closed + tr.open ? `the last ${tr.rows.length} here, ` : ''}every one in trades.csv (account mam:${esc(i.id)}).</p>
${table(['ticket', 'master ticket', 'symbol', 'side', 'volume', 'opened', 'at', 'closed', 'at', 'profit', 'status'], rows, new Set([4, 6, 8, 9]))}`;
}

export function renderTearSheet(input: TearSheetInput): string {
  const { summary: s, investor: i, tally: t } = input;
  const fees = investorFees(i);
  const status = i.detached ? 'detached' : i.active ? 'active at the end' : 'left';
  const iso = (x: number | undefined): string => (x === undefined ? '–' : new Date(x).toISOString().slice(0, 16).replace('T', ' '));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(i.id)} · ${esc(s.scenario.name)} · mamlab</title>
<style>
${BASE_CSS}
table.heat td,table.heat th{text-align:right;padding:.25rem .4rem}
</style>
</head>
<body>
<p class="meta"><a href="../report.html">${esc(s.scenario.name)}</a> › <a href="index.html">investors</a> › ${esc(i.id)}</p>
<h1>${esc(i.id)}</h1>
<p class="meta">${esc(String(i.model).toUpperCase())}${i.manager ? ' (the manager\'s own capital)' : ''} · ${esc(i.currency)} · ${status} · observed ${esc(iso(t.firstSeen))} → ${esc(iso(t.lastSeen))} (server time)</p>
<div class="cards">
<div class="card">Equity at the end<b>${cell(cents(String(i.equity)))}</b>deposits ${cell(cents(String(i.deposits)))} · withdrawals ${cell(cents(String(i.withdrawals)))}</div>
<div class="card">Net result<b>${cell(cents(String(i.netResult)))}</b>after ${cell(cents(fees.toString()))} of fees</div>
<div class="card">Time-weighted return<b>${esc(pct(Number(i.timeWeightedReturn)))}</b>max drawdown ${esc(pct(Number(i.maxDrawdown)))}</div>
<div class="card">Tracking error<b>${esc(pct(Number(i.trackingError)))}</b>gross return − the master's</div>
</div>
<h2>Cumulative return against the master</h2>
<figure>${returnChart(input)}</figure>
<p class="meta">Both rebased to 0 when the investor was first observed in the program: the investor's time-weighted index (net of fees, deposits and withdrawals removed) and the master's (${esc(s.master.basis)}, gross of fees) over the same window. The gap at the end, gross of fees, is the tracking error.</p>
<h2>Drawdown</h2>
<figure>${underwaterChart(input)}</figure>
<p class="meta">How far the net index stood below its highest point so far, at each observation (the end of every server day and each of the investor's own events).</p>
<h2>Monthly returns</h2>
${monthlyTable(input)}
<h2>Returns and risk</h2>
${metricsTable(i, s)}
<h2>Fee statements</h2>
${statementsTable(input)}
${tradesSection(input)}
<p class="meta">mamlab ${esc(s.mamlab.version)} · scenario ${esc(s.scenario.file)} sha256 ${esc(String(s.scenario.hash).slice(0, 16))}… · amounts in ${esc(i.currency)}, in cents (hover for the exact value; the CSV files keep every digit).</p>
</body>
</html>
`;
}
