// investors/index.html: every investor of the run on one page, for 10 investors or 10,000. The
// distributions first (returns, fees, tracking error, by model), the best and worst ten, then
// one sortable, filterable table of everyone (a few lines of inline script; without script the
// table is simply all there). Investors with a tear sheet link to it.
import { Dec } from '../engine/decimal.js';
import { plotLib, plotSvg } from './chart.js';
import { BASE_CSS, cents, esc, pct, pctOrDash, ratioOrDash, sortableCell } from './html.js';
import { investorFees } from '../sim/sweep-figures.js';
import { rankByReturn } from './investor-select.js';
import { TABLE_CSS, TABLE_SCRIPT } from './table-script.js';
import type { InvestorSummary } from './tear-sheet.js';
import type { Summary } from './summary.js';

/** How many best and worst the index lists. */
const TOP = 10;
const BINS = 20;

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
/** Fees paid as a share of the money put in (deposits): comparable across account sizes. */
const feeShare = (i: InvestorSummary): number | null => (new Dec(String(i.deposits)).isZero() ? null : investorFees(i).div(String(i.deposits)).toNumber());

/** Equal-width bins over [min, max] of the values: exactly BINS of them (one when all are equal). */
export function bins(xs: readonly number[], n = BINS): Array<{ x1: number; x2: number }> {
  if (xs.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  if (lo === hi) return [{ x1: lo, x2: hi }];
  const w = (hi - lo) / n;
  return Array.from({ length: n }, (_, k) => ({ x1: lo + k * w, x2: k === n - 1 ? hi : lo + (k + 1) * w }));
}

/** A histogram of one figure across the investors, stacked by model. */
function distribution(investors: readonly InvestorSummary[], value: (i: InvestorSummary) => number | null, label: string): string {
  const data = investors.map((i) => ({ v: value(i), model: String(i.model).toUpperCase() })).filter((d): d is { v: number; model: string } => d.v !== null);
  if (data.length === 0) return '';
  // One value for everyone is a sentence, not a chart.
  if (data.every((d) => d.v === data[0]!.v)) return `<p>${esc(label)}: ${esc(pct(data[0]!.v))} for every investor.</p>`;
  const edges = bins(data.map((d) => d.v));
  const counts = edges.flatMap((e, k) => ['MAM', 'PAMM'].map((model) => ({ ...e, model, n: data.filter((d) => d.model === model && d.v >= e.x1 && (k === edges.length - 1 ? d.v <= e.x2 : d.v < e.x2)).length })));
  const Plot = plotLib();
  return `<figure>${plotSvg({
    width: 960, height: 170, marginLeft: 50, marginBottom: 40,
    x: { label: `${label} (%) →`, percent: true, labelAnchor: 'right' }, y: { label: '↑ investors', grid: true }, color: { legend: true, domain: ['MAM', 'PAMM'], range: ['#0969da', '#bf8700'] },
    marks: [Plot.rectY(counts.filter((c) => c.n > 0), Plot.stackY({ x1: 'x1', x2: 'x2', y: 'n', fill: 'model', inset: 0.5 })), Plot.ruleY([0])],
  })}</figure>`;
}

const td = sortableCell;

function row(i: InvestorSummary, page: string | undefined): string {
  const m = (i.metrics ?? {}) as Record<string, number | null>;
  const p = pctOrDash;
  const id = page ? `<a href="${esc(encodeURI(page))}">${esc(i.id)}</a>` : esc(i.id);
  const f = investorFees(i).toString();
  return `<tr><td>${id}</td><td>${esc(String(i.model).toUpperCase())}</td><td>${esc(i.currency)}</td>${[
    td(cents(String(i.deposits)), String(i.deposits)), td(cents(String(i.withdrawals)), String(i.withdrawals)), td(cents(f), f), td(cents(String(i.equity)), String(i.equity)), td(cents(String(i.netResult)), String(i.netResult)),
    td(p(num(i.timeWeightedReturn)), num(i.timeWeightedReturn)), td(p(num(m.periodMoneyWeightedReturn)), num(m.periodMoneyWeightedReturn)), td(p(num(i.maxDrawdown)), num(i.maxDrawdown)), td(p(num(i.trackingError)), num(i.trackingError)),
    td(ratioOrDash(m.sharpe), num(m.sharpe)),
  ].join('')}</tr>`;
}

const HEADERS = ['investor', 'model', 'currency', 'deposits', 'withdrawals', 'fees', 'equity', 'net result', 'TWR', 'MWR', 'max drawdown', 'tracking error', 'Sharpe'];

function investorTable(id: string, rows: string[]): string {
  return `<div class="wide"><table class="sortable" id="${id}"><thead><tr>${HEADERS.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

/** `pages`: the file of each investor's tear sheet, for those who have one. */
export function renderInvestorIndex(s: Summary, pages: ReadonlyMap<string, string>): string {
  const investors = s.investors;
  const ranked = rankByReturn(investors.map((i) => ({ id: String(i.id), twr: Number(i.timeWeightedReturn) })));
  const byId = new Map(investors.map((i) => [String(i.id), i]));
  // Best and worst lists only where they say more than the full table right below them.
  const best = ranked.length > 2 * TOP ? ranked.slice(0, TOP) : [];
  const worst = ranked.length > 2 * TOP ? ranked.slice(ranked.length - TOP).reverse() : [];
  const list = (xs: ReadonlyArray<{ id: string }>): string[] => xs.map((x) => row(byId.get(x.id)!, pages.get(x.id)));
  const models = [...new Set(investors.map((i) => String(i.model).toUpperCase()))].sort();
  const positive = investors.filter((i) => Number(i.timeWeightedReturn) > 0).length;
  const median = ranked.length ? ranked[Math.ceil(ranked.length / 2) - 1]!.twr : 0;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Investors · ${esc(s.scenario.name)} · mamlab</title>
<style>
${BASE_CSS}
${TABLE_CSS}
</style>
</head>
<body>
<p class="meta"><a href="../report.html">${esc(s.scenario.name)}</a> › investors</p>
<h1>Investors</h1>
<div class="cards">
<div class="card">Investors<b>${investors.length}</b>${models.map((m) => `${investors.filter((i) => String(i.model).toUpperCase() === m).length} ${esc(m)}`).join(' · ')}</div>
<div class="card">Median return (TWR)<b>${esc(pct(median))}</b>${positive} of ${investors.length} above 0</div>
<div class="card">Tear sheets<b>${pages.size}</b>${pages.size < investors.length ? 'linked below; <code>--investor-pages</code> writes others' : 'one per investor'}</div>
</div>
${investors.length === 0 ? '<p>No investors in this program.</p>' : `<h2>Distributions</h2>
${distribution(investors, (i) => num(i.timeWeightedReturn), 'time-weighted return, net of fees')}
${distribution(investors, feeShare, 'fees paid ÷ deposits')}
${distribution(investors, (i) => num(i.trackingError), 'tracking error (gross return − the master\'s)')}
<p class="meta">${BINS} equal bins from the lowest to the highest value, stacked by model.</p>
${best.length ? `<h2>Best ${best.length} by return</h2>\n${investorTable('best', list(best))}\n<h2>Worst ${worst.length} by return</h2>\n${investorTable('worst', list(worst))}` : ''}
<h2>Everyone</h2>
<div class="filters"><input type="search" placeholder="filter: id, model, currency…" data-filter="all" aria-label="filter the investors"><select data-filter="all" data-filter-column="1" aria-label="model"><option value="">every model</option>${models.map((m) => `<option>${esc(m)}</option>`).join('')}</select><span class="meta" data-count="all">${investors.length} of ${investors.length}</span></div>
${investorTable('all', investors.map((i) => row(i, pages.get(String(i.id)))))}
<p class="meta">Click a header to sort (again to reverse). Amounts in each investor's currency, in cents (hover for the exact value; summary.json and the CSV files keep every digit). TWR: time-weighted return net of fees; MWR: money-weighted return over the investor's period; fees: performance, management, entry and other fees together.</p>`}
${TABLE_SCRIPT}
</body>
</html>
`;
}
