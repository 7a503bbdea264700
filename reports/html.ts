// report.html: one self-contained page (no scripts, no external assets) with the run's
// figures, the equity chart and the events worth reading. Every interpolated string is escaped.
import { Dec } from '../engine/decimal.js';
import type { EventKind } from '../engine/events.js';
import { TOP_AUTO, topAndBottom } from './investor-select.js';
import type { Summary } from './summary.js';

/** The look every run page shares (the report, the investors' index and tear sheets). */
export const BASE_CSS = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1f24}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
.meta{color:#57606a}table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{padding:.3rem .5rem;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:6px;padding:.6rem .9rem;min-width:12rem}
.card b{display:block;font-size:1.2rem;font-variant-numeric:tabular-nums}pre{background:#f6f8fa;padding:.6rem;overflow:auto}
svg{max-width:100%;height:auto}.wide{overflow-x:auto}table{font-size:13px}`;

export function esc(v: unknown): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Money for people: thousands separators, at least 2 decimals, every significant quantum digit kept. */
export function humanAmount(text: string): string {
  const neg = text.startsWith('-');
  const [int = '0', frac = ''] = text.replace('-', '').split('.');
  const trimmed = frac.replace(/0+$/, '').padEnd(2, '0');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}.${trimmed}`;
}

/** Units (not money): thousands separators, every significant digit, no padding to cents (7,000 units, 41.3129763 units). */
export function unitsText(text: string): string {
  const [int = '0', frac = ''] = text.split('.');
  const trimmed = frac.replace(/0+$/, '');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${trimmed ? `.${trimmed}` : ''}`;
}

/**
 * An amount for a table cell: cents with thousands separators (rounded half-up), the exact value
 * on hover. CSV and JSON keep every quantum digit; the page shows what a person reads.
 */
export interface Shown {
  readonly text: string;
  readonly exact: string;
}

export function cents(text: string | null | undefined): Shown | string {
  if (text === null || text === undefined || text === '') return '';
  return { text: humanAmount(new Dec(text).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2)), exact: humanAmount(text) };
}

/** Markup the page builds itself (a link): put into a cell as is, its parts escaped by whoever made it. */
export interface Raw {
  readonly html: string;
}

export function cell(c: unknown): string {
  if (c && typeof c === 'object' && 'html' in c) return (c as Raw).html;
  if (c && typeof c === 'object' && 'exact' in c) {
    const x = c as Shown;
    return x.exact === x.text ? esc(x.text) : `<span title="${esc(x.exact)}">${esc(x.text)}</span>`;
  }
  return esc(c);
}

/** A number's table cell for a sortable table: what shows (cents, exact on hover), and the exact value it sorts by (`data-v`). */
export function sortableCell(shown: Shown | string, key: string | number | null): string {
  return `<td class="n" data-v="${key === null ? '' : esc(String(key))}">${cell(shown)}</td>`;
}

export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>, numeric: ReadonlySet<number> = new Set()): string {
  const th = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="n"' : ''}>${cell(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="wide"><table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

export interface ReportEvent {
  readonly time: string;
  readonly kind: string;
  readonly subject: string;
  readonly reason: string;
}

/** A share as a percentage with two decimals, never "-0.00%". */
export const pct = (x: number): string => {
  const t = (x * 100).toFixed(2);
  return `${/^-0\.00$/.test(t) ? '0.00' : t}%`;
};

/** A summary figure that may be undefined (null, not finite) as a percentage, else a dash. */
export const pctOrDash = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? pct(x) : '–');

/** A ratio (Sharpe, profit factor) to two decimals, never "-0.00", or a dash where it is not defined. */
export const ratioOrDash = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(2).replace(/^-0\.00$/, '0.00') : '–');

/** Costs and rebates: per account, per receiver, and the broker's view per month (only when the run has any). */
function costsSection(s: Summary, brokerRows: ReadonlyArray<ReadonlyArray<string>>, rebateRows: ReadonlyArray<ReadonlyArray<string>>): string {
  const nonZero = (...xs: Array<string | undefined>): boolean => xs.some((x) => x !== undefined && x !== '' && !new Dec(x).isZero());
  const b = s.broker;
  if (!nonZero(b.spread, b.commissions, b.swaps, b.rebatesPaid, String(s.rebates.cashbackToClients))) return '';
  const accounts = s.accounts.filter((a) => nonZero(a.commissions, a.swaps, a.rebates, a.cashback))
    .map((a) => [a.id, a.kind, cents(a.commissions), cents(a.swaps), cents(a.rebates), cents(a.cashback)]);
  const receivers = rebateRows.map((r) => [r[0], r[1], r[2], cents(r[3]), cents(r[4]), cents(r[5])]);
  return `<h2>Costs and rebates</h2>
${accounts.length ? table(['account', 'kind', 'commissions paid', 'swaps (+ received)', 'rebates received', 'cashback (+ received, − paid)'], accounts, new Set([2, 3, 4, 5])) : '<p>No account paid a commission or a swap, or received a rebate or cashback (the broker earned the spread alone).</p>'}
<h3>Rebates by receiver</h3>
${receivers.length ? table(['receiver account', 'month credited', 'fill shares', 'rebates from the broker', 'cashback passed on', 'net'], receivers, new Set([2, 3, 4, 5])) : '<p>No rebate was paid.</p>'}
<h3>The broker's view</h3>
${table(['month', 'spread', 'commissions', 'swaps', 'rebates paid', 'negative balance absorbed', 'residual exposure realized', 'residual exposure open', 'net'], brokerRows.map((r) => r.map((c, i) => (i === 0 || c === '' ? c : cents(c)))), new Set([1, 2, 3, 4, 5, 6, 7, 8]))}
<p class="meta">Spread: what client fills paid against the mid (it is inside the fill price; no money moves for it). Swaps: net received by the broker. Every cost line is in costs.csv; every rebate and cashback amount, traced to its fill and the day it was credited, in rebates.csv; the broker's view per month in broker.csv.</p>`;
}

/** Risk events listed in the report (events.csv has them all). */
export const MAX_RISK_ROWS = 200;

/** The risk event kinds, in the order of the report's per-account table: what the report and the summary count. */
export const RISK_EVENT_KINDS = ['margin-call', 'stop-out', 'limit-breach', 'account-paused', 'account-resumed', 'detach', 'hard-stop', 'negative-balance-protected', 'negative-balance-carried', 'copy-skipped', 'copy-clamped'] as const satisfies readonly EventKind[];

/** Risk and health: the terms, what they did per account, the margin levels over time, and the risk events in order. */
export function riskSection(s: Summary, healthSvg: string, events: readonly ReportEvent[]): string {
  const r = s.risk;
  if (!r) return '';
  const kinds = RISK_EVENT_KINDS;
  // The accounts the rules acted on most first when there are many; summary.json has every one.
  const all = Object.entries(r.events);
  const total = (c: Record<string, number>): number => kinds.reduce((x, k) => x + (c[k] ?? 0), 0);
  const shown = all.length > REPORT_INVESTOR_ROWS ? all.map((e, k) => ({ e, k })).sort((a, b) => total(b.e[1]) - total(a.e[1]) || a.k - b.k).slice(0, REPORT_INVESTOR_ROWS).map((x) => x.e) : all;
  const rows = shown.map(([account, c]) => [account, ...kinds.map((k) => String(c[k] ?? 0))]);
  const lev = Object.entries(r.leverage).map(([k, v]) => `${k} ${v}:1`).join(', ');
  return `<h2>Risk and health</h2>
<p class="meta">Leverage ${esc(lev)} · margin call ${esc(r.marginCallPct)}% · stop-out ${esc(r.stopOutPct)}% · hedged margin ${esc(s.policies.hedgedMargin)} · negative balance ${esc(s.policies.negativeBalance)}. Checked at every price in market hours, for every account.</p>
${rows.length ? table(['account', ...kinds], rows, new Set(kinds.map((_, i) => i + 1))) : '<p>No risk rule acted during the run.</p>'}${shown.length < all.length ? `\n<p class="meta">The ${shown.length} accounts with the most risk events of ${all.length}; summary.json (<code>risk.events</code>) has every account's counts.</p>` : ''}
<h3>Health: margin levels across the group</h3>
<figure>${healthSvg}</figure>
<p class="meta">Each point is the account's margin level at a sampled instant, or the lowest it reached since its previous row of margin.csv where it has one (before any forced close); red dots mark points below the stop-out level; a gap in a line means nothing was open. Dashed lines: the margin-call level (amber) and the stop-out level (red). Each account's equity, used and free margin, level and lowest level since its previous row are in margin.csv, at each server day's end and at the account's own events.</p>
${events.length ? `<h3>Risk events</h3>
${table(['time', 'kind', 'subject', 'reason'], events.map((e) => [e.time, e.kind, e.subject, e.reason]))}${events.length >= MAX_RISK_ROWS ? `<p class="meta">The first ${MAX_RISK_ROWS} risk events; all are in events.csv.</p>` : ''}` : ''}`;
}

export interface CostRows {
  readonly broker: ReadonlyArray<ReadonlyArray<string>>;
  readonly rebates: ReadonlyArray<ReadonlyArray<string>>;
}

/** Fees owed but not charged at the end (accrued management fee; performance fee if the period ended then), when any is. */
function accruedLine(s: Summary): string {
  const owed = s.investors
    .map((i) => ({ id: String(i.id), a: i.accruedFees as Record<string, string> | undefined }))
    .filter((x) => x.a && (Number(x.a.managementFee) > 0 || Number(x.a.performanceFeeIfPeriodEndedNow) > 0));
  if (!owed.length) return '';
  const items = owed.map((x) => `${esc(x.id)}: management ${cell(cents(x.a!.managementFee))}, performance ${cell(cents(x.a!.performanceFeeIfPeriodEndedNow))}`);
  return `<p class="meta">Accrued at the end, not yet charged (the performance fee as if the period ended then): ${items.join('; ')}.</p>`;
}

/** The policies as rows of name and value: nested groups (performanceFee.period) by their dotted names. */
function conventionsTable(policies: Record<string, unknown>): string {
  const rows: string[][] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    else rows.push([prefix, Array.isArray(v) ? v.map(String).join(', ') : v === null ? '–' : String(v)]);
  };
  walk('', policies);
  // Two columns of name and value side by side keep the table short.
  const half = Math.ceil(rows.length / 2);
  const paired = rows.slice(0, half).map((r, k) => [...r, ...(rows[half + k] ?? ['', ''])]);
  return table(['policy', 'value', 'policy', 'value'], paired);
}

/** A total that could not be consolidated (no rate into USD) shows as a dash; any other in cents, exact on hover. */
const total = (x: string | null): string => (x === null ? '—' : cell(cents(x)));

/** Investors report.html lists one by one; beyond, the best and worst TOP_AUTO (investors/index.html has everyone). */
export const REPORT_INVESTOR_ROWS = 50;

export function renderReport(s: Summary, chartSvg: string, notable: readonly ReportEvent[], statements: ReadonlyArray<ReadonlyArray<string>> = [], costs: CostRows = { broker: [], rebates: [] }, risk = '', overview = '', pages: ReadonlyMap<string, string> = new Map()): string {
  const sc = s.scenario;
  const accounts = s.accounts.filter((a) => a.kind !== 'external' && a.kind !== 'market');
  // Accounts in other currencies (DOMAIN §1): each amount is in its row's currency; totals are in USD.
  const multi = s.accounts.some((a) => a.currency !== 'USD');
  const inCcy = (kind: string, ccy: unknown): string => (multi ? `${kind} · ${String(ccy)}` : kind);
  // A large program's MAM sub-accounts are its investors' (each in its investor's row and tear sheet): one summed row here.
  const subAccounts = accounts.filter((a) => a.kind === 'mam');
  const foldMam = subAccounts.length > REPORT_INVESTOR_ROWS;
  const accountRows: unknown[][] = (foldMam ? accounts.filter((a) => a.kind !== 'mam') : accounts).map((a) => [a.id, inCcy(a.kind!, a.currency), cents(a.balance), cents(a.equity), cents(a.floatingPnl), cents(a.deposits), cents(a.withdrawals), cents(a.realizedPnl), cents(a.performanceFeesPaid), cents(a.performanceFeesEarned), cents(a.roundingPnl)]);
  if (foldMam) {
    const ccys = new Set(subAccounts.map((a) => String(a.currency)));
    const sum = (k: 'balance' | 'equity' | 'floatingPnl' | 'deposits' | 'withdrawals' | 'realizedPnl' | 'performanceFeesPaid' | 'performanceFeesEarned' | 'roundingPnl'): Shown | string => (ccys.size === 1 ? cents(subAccounts.reduce((x, a) => x.plus(String(a[k])), new Dec(0)).toString()) : '');
    accountRows.push([`${subAccounts.length} MAM sub-accounts${ccys.size === 1 ? ', summed' : ' (several currencies: not summed)'}`, inCcy('mam', [...ccys].join(', ')), sum('balance'), sum('equity'), sum('floatingPnl'), sum('deposits'), sum('withdrawals'), sum('realizedPnl'), sum('performanceFeesPaid'), sum('performanceFeesEarned'), sum('roundingPnl')]);
  }
  // A fee statement on the page: the period, the flows, the mark, the gain, the fees and what is left (statements.csv has every column).
  const statementRows = statements.map((r) => {
    const other = otherFees(r);
    return [r[0], r[2], `${r[3] ?? ''} → ${r[4] ?? ''}`, cents(r[5]), cents(r[6]), cents(r[7]), cents(r[8]), cents(r[9]), cents(r[12]), cents(other.toString()), cents(r[14]), cents(r[15])];
  });
  const model = (i: Summary['investors'][number]): string => inCcy(`${String(i.model).toUpperCase()}${i.manager ? ' (manager)' : ''}${i.detached ? ' (detached)' : i.active ? '' : ' (left)'}`, i.currency);
  // A large program's page lists its best and worst investors by return; the index lists everyone.
  const listed = s.investors.length <= REPORT_INVESTOR_ROWS ? s.investors
    : ((ids) => s.investors.filter((i) => ids.has(String(i.id))))(new Set(topAndBottom(s.investors.map((i) => ({ id: String(i.id), twr: Number(i.timeWeightedReturn) })), TOP_AUTO).map((x) => x.id)));
  const who = (i: Summary['investors'][number]): Raw | string => (pages.has(String(i.id)) ? { html: `<a href="investors/${esc(encodeURI(pages.get(String(i.id))!))}">${esc(i.id)}</a>` } : String(i.id));
  const investorRows = listed.map((i) => [
    who(i), model(i),
    cents(String(i.deposits)), cents(String(i.withdrawals)), cents(String(i.performanceFees)), cents(new Dec(String(i.managementFees)).plus(String(i.entryFees)).plus(String(i.otherFees)).toString()), cents(String(i.equity)),
    cents(String(i.highWaterMark)), i.units === null ? '' : unitsText(String(i.units)), cents(String(i.netResult)), i.roundingPnl === null ? 'pool' : cents(String(i.roundingPnl)),
  ]);
  // Returns and risk per investor: the summary's metrics (floats), with their conventions in words under the table.
  const metricRows = listed.map((i) => {
    const m = (i.metrics ?? {}) as Record<string, number | null>;
    return [who(i), pct(Number(i.timeWeightedReturn)), pctOrDash(m.periodMoneyWeightedReturn), pct(Number(i.maxDrawdown)), pct(Number(i.trackingError)), pctOrDash(m.volatility), ratioOrDash(m.sharpe), ratioOrDash(m.sortino), ratioOrDash(m.calmar), ratioOrDash(m.profitFactor), String(m.deals ?? '')];
  });
  const eventRows = notable.map((e) => [e.time, e.kind, e.subject, e.reason]);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(sc.name)} · mamlab report</title>
<style>
${BASE_CSS}
</style>
</head>
<body>
<h1>${esc(sc.name)}</h1>
<p>${esc(s.scenario.description ?? '')}</p>
${s.strategy ? `<p class="meta">The master's orders come from the strategy <b>${esc(s.strategy.name)}</b> on ${esc(s.strategy.symbol)} (${esc(Object.entries(s.strategy.params).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') || 'its defaults')}; called at each ${s.strategy.every === 'bar' ? 'bar\'s close' : 'quote'}).</p>` : ''}
<p class="meta">Server time ${esc(sc.start)} → ${esc(sc.end)} (${esc(sc.serverTime)}) · seed ${esc(sc.seed)} · precision ${esc(sc.precision)} · scenario ${esc(sc.file)} sha256 ${esc(String(sc.hash).slice(0, 16))}… · mamlab ${esc(s.mamlab.version)}</p>
<div class="cards">
<div class="card">Manager total${multi ? ` (${esc(String(s.accounts.find((a) => a.kind === 'fees')?.currency ?? 'USD'))})` : ''}<b>${cell(cents(s.manager.total))}</b>fees ${cell(cents(s.manager.feeAccount))} + own capital ${cell(cents(s.manager.ownCapitalInProgram))}${s.program.structure === 'signal' ? ` + master ${cell(cents(s.manager.masterAccountEquity))}` : ''}</div>
<div class="card">Deposits<b>${total(s.totals.deposits)}</b>withdrawals ${total(s.totals.withdrawals)}</div>
<div class="card">Realized P&amp;L<b>${total(s.totals.realizedPnl)}</b>floating ${total(s.totals.floatingPnl)}</div>
${multi ? `<div class="card">Currencies<b>totals in USD</b>${esc(Object.entries(s.totals.rates).map(([c, r]) => (r === null ? `no ${c} rate` : `1 ${c} = ${r} USD`)).join(', '))} at the end; translation ${total(s.totals.translation ?? null)}</div>` : ''}
${s.pool ? `<div class="card">${/pool/i.test(String(s.pool.id)) ? esc(`PAMM ${String(s.pool.id)}`) : `PAMM pool ${esc(s.pool.id)}`}<b>NAV ${esc(Number(s.pool.nav).toFixed(6))}</b>${esc(unitsText(String(s.pool.units)))} units</div>` : ''}
</div>
${overview}
<h2>Investors</h2>
${investorRows.length === 0 ? '<p>No investors in this program.</p>' : `${listed.length < s.investors.length ? `<p>${s.investors.length} investors: here the ${TOP_AUTO} best and the ${TOP_AUTO} worst by time-weighted return. <a href="investors/index.html">All of them</a>, sortable and filterable, with the distributions of their returns, fees and tracking error.</p>` : `<p class="meta">Each investor's tear sheet (return against the master, drawdown, monthly returns, statements, trades) is linked from its id where written; <a href="investors/index.html">all investors</a> on one sortable page.</p>`}
${table(['investor', 'model', 'deposits', 'withdrawals', 'performance fees', 'other fees', 'equity', 'high-water mark', 'units', 'net result', 'rounding money'], investorRows, new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]))}
<p class="meta">Amounts in cents; hover one for its exact value (summary.json and the CSV files keep every digit). Rounding money: what the allocation's rounding moved into (+) or out of (−) the account against its exact share; a PAMM member's is the pool's (accounts table).</p>
<h3>Returns and risk</h3>
${table(['investor', 'TWR', 'MWR', 'max drawdown', 'tracking error', 'volatility', 'Sharpe', 'Sortino', 'Calmar', 'profit factor', 'deals'], metricRows, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))}
<p class="meta">TWR: time-weighted return, flows removed. MWR: money-weighted return (the IRR of the investor's flows and final equity) over the investor's period, not annualized (summary.json has the annualized one where the policies allow it). Tracking error: the investor's return gross of fees minus the master's over the same membership window (the master over the whole run, ${esc(s.master.basis)}: ${esc(pct(s.master.timeWeightedReturn))}). Volatility, Sharpe and Sortino from ${esc(String(s.metricConventions.ratioFrequency ?? 'daily'))} returns, annualized; Calmar: annualized return over max drawdown; profit factor: gross profit over gross loss of closed deals. Conventions: docs/metrics.md and <code>metricConventions</code> in summary.json; – where a figure is not defined (no loss, too few returns; Calmar and the annualized return only for a run of a year or more under the default <code>metrics.annualize</code>).</p>`}
<h2>Accounts</h2>
${foldMam ? `<p class="meta">The ${subAccounts.length} MAM sub-accounts in one row: each is in its investor's row of <a href="investors/index.html">the investors' page</a>, and every account in summary.json.</p>\n` : ''}${table(['account', 'kind', 'balance', 'equity', 'floating P&L', 'deposits', 'withdrawals', 'realized P&L', 'fees paid', 'fees earned', 'rounding money'], accountRows, new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]))}
<h2>Equity</h2>
<figure>${chartSvg}</figure>
${accruedLine(s)}
<h2>Fee statements</h2>
${statements.length ? `${table(['investor', 'period', 'from → to', 'opening equity', 'deposits', 'withdrawals', 'mark assessed', 'gain', 'performance fee', 'other fees', 'closing equity', 'mark after'], statementRows, new Set([3, 4, 5, 6, 7, 8, 9, 10, 11]))}
<p class="meta">Other fees: entry, management and any other fee of the period. Each statement's every column (the model, each kind of fee, the mark's basis, a PAMM member's units and NAV) is in statements.csv.</p>` : '<p>No fee period ended.</p>'}
<h2>The manager's fee account</h2>
${Object.keys(s.manager.feesByKind).length ? table(['kind of fee', 'received'], Object.entries(s.manager.feesByKind).map(([k, v]) => [k, cents(v)]), new Set([1])) : '<p>No fee received.</p>'}
<p class="meta">Every statement is in statements.csv; the fee account, entry by entry with its running balance, in fee-account.csv.</p>
${risk}
${costsSection(s, costs.broker, costs.rebates)}
<h2>Events worth reading</h2>
${eventRows.length ? table(['time', 'kind', 'subject', 'reason'], eventRows) : '<p>None.</p>'}
<p class="meta">Every event is in events.csv; every booking in journal.csv.</p>
<h2>Conventions in force</h2>
<p class="meta">Program: ${esc(s.program.structure)} structure, ${esc(s.program.allocation)} allocation, performance fee ${esc(s.program.performanceFee)}${s.program.preset ? `, preset ${esc(s.program.preset)}` : ''}. Each policy is a named convention of the rulebook (DOMAIN.md), set in the scenario's <code>policies</code> or left at its default.</p>
${conventionsTable(s.policies as unknown as Record<string, unknown>)}
</body>
</html>
`;
}

/** Month names for dates in pages (the pages are in English, whatever the machine's locale). */
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** A statements.csv row's fees other than the performance fee: entry (column 10), management (11) and other fees (13), exact. */
export function otherFees(row: ReadonlyArray<string | undefined>): Dec {
  return [10, 11, 13].reduce((x, k) => (row[k] ? x.plus(row[k]!) : x), new Dec(0));
}
