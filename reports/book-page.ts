// A broker's book's pages (DOMAIN §12): report.html, the book on one self-contained page in the
// run report's look (header, leaderboard, the broker's revenue by program, what reached the
// market, residual and net exposure, AUM and managers' fees, the IBs' earnings across the book and
// the client accounts outside the programs), and leaderboard.html, a snippet a
// broker pastes into a marketing page (one root div, its style scoped under it, no script, no
// network). Pure and deterministic: the same summary gives the same bytes; every string of the
// scenario (names, descriptions, ids) is escaped.
import { Dec } from '../engine/decimal.js';
import type { BookSummary } from './book-summary.js';
import { BASE_CSS, type Raw, cell, cents, esc, pctOrDash, unitsText } from './html.js';
import { LEADERBOARD_ORDER_TEXT, type LeaderboardRow } from './leaderboard.js';

/** What each netting policy means, in one sentence. */
export const NETTING_TEXT: Readonly<Record<string, string>> = {
  'broker-wide': "The programs' orders in one instrument at one instant are netted into one external order, and the part below the lot step is held once by the book's house: when two managers trade against each other, nothing reaches the market.",
  'per-program': 'Each program nets its own orders and keeps its own house, exactly as it would run alone: the book only adds the programs up, so two managers trading against each other both reach the market and pay the spread twice.',
};

/** What a program's fees are, on the board and beside its AUM (reports/leaderboard.ts `fees`). */
const FEES_TEXT = 'Fees: what each manager charged its investors over the run (performance, management, entry, subscription and volume fees, before the shares of them paid to IBs); the rebates a manager earns on its volume are not fees and are not counted.';

/** The book page's own rules beside the run report's look. */
const BOOK_CSS = `.neg{color:#a40e26}th.n{text-align:right}tr.total td{font-weight:600;border-top:1px solid #8c959f}table.fit{width:auto;min-width:60%}table.revenue td:first-child{white-space:nowrap}
.cards .card{flex:1 1 0}.card small{display:block;color:#57606a}h1 + p.lede{font-size:1.02rem;margin-top:.2rem}.netting{border-left:3px solid #d0d7de;padding:.2rem .8rem;margin:.8rem 0}`;

/** Text of an amount in cents as the reports show it ('' when none). */
const centsText = (x: string | undefined): string => {
  const c = cents(x);
  return typeof c === 'string' ? c : c.text;
};

/** An amount's cell: cents with thousands separators, the exact value on hover, red when negative. */
function money(x: string | undefined): Raw | string {
  if (x === undefined || x === '') return '';
  const shown = cell(cents(x));
  return { html: centsText(x).startsWith('-') ? `<span class="neg">${shown}</span>` : shown };
}

/** A fraction as a percentage (0.0237 → 2.37%), red when negative. */
function percent(x: number): Raw {
  const t = pctOrDash(x);
  return { html: t.startsWith('-') ? `<span class="neg">${esc(t)}</span>` : esc(t) };
}

/** Lots (signed: buy positive), every significant digit, red when negative. */
function lots(x: string | undefined): Raw | string {
  if (x === undefined || x === '') return '';
  const t = unitsText(x);
  return { html: t.startsWith('-') && t !== '-0' ? `<span class="neg">${esc(t)}</span>` : esc(t === '-0' ? '0' : t) };
}

/** A table's total row: its cells in bold, a rule above. */
interface Total {
  readonly total: readonly unknown[];
}
const bold = (cells: readonly unknown[]): Total => ({ total: cells });

/**
 * The run report's table (reports/html.ts `table`: its markup and cells) with the numeric
 * columns' headers right-aligned over their figures, total rows set apart, `fit` for a table as wide
 * as its figures rather than the page, `revenue` for one whose row labels never wrap.
 */
function grid(headers: readonly string[], rows: ReadonlyArray<readonly unknown[] | Total>, numeric: ReadonlySet<number>, cls: '' | 'fit' | 'revenue' = ''): string {
  const n = (i: number): string => (numeric.has(i) ? ' class="n"' : '');
  const th = headers.map((h, i) => `<th${n(i)}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => {
    const total = 'total' in r;
    const cells = total ? r.total : r;
    return `<tr${total ? ' class="total"' : ''}>${cells.map((c, i) => `<td${n(i)}>${cell(c)}</td>`).join('')}</tr>`;
  }).join('\n');
  return `<div class="wide"><table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A program's page, relative to the book's folder. */
const programHref = (id: string): string => `programs/${encodeURIComponent(id)}/report.html`;
const programLink = (id: string, name: string): Raw => ({ html: `<a href="${esc(programHref(id))}">${esc(name)}</a>` });

/** A server time without its seconds' noise: 2024-03-04T00:05:00 → 2024-03-04 00:05. */
const when = (t: string): string => t.replace('T', ' ').replace(/:00$/, '');
/** The day of a server time. */
const day = (t: string): string => t.slice(0, 10);

const sum = (xs: ReadonlyArray<string | undefined>): string => xs.reduce((a: Dec, x) => (x ? a.plus(x) : a), new Dec(0)).toString();

/** The broker's revenue kinds, in broker.csv's order, as the page names them. */
const REVENUE_ROWS: ReadonlyArray<readonly [string, string]> = [
  ['spread', 'spread (inside client fills)'],
  ['commissions', 'commissions'],
  ['swaps', 'swaps'],
  ['rebatesPaid', 'rebates paid (−)'],
  ['negativeBalance', 'negative balance absorbed (−)'],
  ['residualRealized', 'residual exposure, realized'],
  ['residualFloating', 'residual exposure, floating'],
];

/** The programs in book order with their names (the leaderboard's names where the summaries are missing). */
function programsOf(s: BookSummary): Array<{ id: string; name: string; row: LeaderboardRow | undefined }> {
  const rows = new Map(s.leaderboard.map((r) => [r.id, r]));
  const ids = s.programs.length ? s.programs.map((p) => ({ id: p.id, name: p.name })) : s.leaderboard.map((r) => ({ id: r.id, name: r.name }));
  return ids.map((p) => ({ ...p, name: p.name || p.id, row: rows.get(p.id) }));
}

function revenueSection(s: BookSummary, programs: ReturnType<typeof programsOf>): string {
  const r = s.book.revenue;
  const book = r.bookResidual;
  const bookOf = (k: string): string => (k === 'residualRealized' ? book.realized : k === 'residualFloating' ? book.floating : '');
  const rows: Array<unknown[] | Total> = REVENUE_ROWS.map(([k, label]) => [label, ...programs.map((p) => money(r.byProgram[p.id]?.[k])), money(bookOf(k)), money(r.byKind[k])]);
  rows.push(bold(['net revenue', ...programs.map((p) => money(r.byProgram[p.id]?.net)), money(sum([book.realized, book.floating])), money(r.net)]));
  const numeric = new Set(programs.map((_, i) => i + 1).concat([programs.length + 1, programs.length + 2]));
  const after: Array<unknown[] | Total> = [
    ['net revenue (above)', money(r.net)],
    ['external spread: what the external orders paid the liquidity provider against the mid (−)', money(r.externalSpread)],
    ["the houses' residual legs' spread: counted in the clients' spread and in the residual's P&L both, taken off once (−)", money(r.houseSpread)],
    bold(['net after hedging', money(r.netAfterExternalSpread)]),
  ];
  const perProgram = s.book.netting === 'per-program';
  return `<h2>The broker's book</h2>
<h3>Revenue by kind</h3>
${grid(['USD', ...programs.map((p) => p.name), "book's residual", 'total'], rows, numeric, 'revenue')}
<p class="meta">Each program's column is its own broker figures (its report's broker view); the book's residual is the P&amp;L of the lots below the lot step that the book's house held ${perProgram ? '(zero here: netting per program, each program\'s house holds its own, in its column)' : 'once for every program (netting broker-wide)'}. Net = spread + commissions + swaps − rebates paid − negative balances absorbed + residual realized + residual floating.</p>
${grid(['after hedging', 'USD'], after, new Set([1]), 'fit')}
<p class="meta">The external spread is what sending the book's net to the market cost; it is reported beside the revenue, never inside it. The residual's P&amp;L is taken at its fill prices, which hold the half-spread the clients paid on those lots: it is taken off once here.</p>`;
}

function marketSection(s: BookSummary): string {
  const m = s.book.market;
  const share = (x: string): string => (new Dec(m.programVolume).isZero() ? '–' : pctOrDash(new Dec(x).div(m.programVolume).toNumber()));
  const rows: unknown[][] = [
    ["the programs' orders (each program's executive, after netting its own investors)", String(m.programOrders), lots(m.programVolume), share(m.programVolume)],
    ['external orders: what reached the market', String(m.externalOrders), lots(m.externalVolume), share(m.externalVolume)],
    ['internalized: kept off the market by netting the programs against each other', '', lots(m.internalizedVolume), share(m.internalizedVolume)],
  ];
  // What the house kept (or gave back) is the rest: external = programs − internalized + house.
  const house = new Dec(m.externalVolume).minus(new Dec(m.programVolume).minus(m.internalizedVolume)).toString();
  rows.splice(2, 0, ["the house's residual: lots it added to (+) or kept out of (−) the external orders", '', lots(house), share(house)]);
  const perProgram = s.book.netting === 'per-program';
  return `<h2>What reached the market</h2>
${grid(['', 'orders', 'volume (lots)', "share of the programs' volume"], rows, new Set([1, 2, 3]), 'fit')}
<p class="meta">External spread paid on the external orders: ${cell(money(m.externalSpread))} USD. ${perProgram ? "Netting per program, each program's executive sent its own orders: they are in programs/&lt;id&gt;/executions.csv (its external column), and book-orders.csv has none." : 'Every external order, with the programs it nets and the house\'s part, is in book-orders.csv.'}</p>`;
}

function exposureSection(s: BookSummary, programs: ReturnType<typeof programsOf>): string {
  const res = s.book.residual;
  const total = (x: { realized: string; floating: string } | undefined): string => (x ? sum([x.realized, x.floating]) : '');
  const residualRows: Array<unknown[] | Total> = [
    ...programs.map((p) => [programLink(p.id, p.name), money(res.byProgram[p.id]?.realized), money(res.byProgram[p.id]?.floating), money(total(res.byProgram[p.id]))]),
    ["book's house", money(res.book.realized), money(res.book.floating), money(total(res.book))],
    bold(['total', money(res.total.realized), money(res.total.floating), money(total(res.total))]),
  ];
  const ex = s.book.exposure;
  const symbols = [...new Set([...Object.keys(ex.end), ...Object.keys(ex.peak)])].sort();
  const exposureRows = symbols.map((sym) => {
    const e = ex.end[sym], p = ex.peak[sym];
    return [sym, lots(e?.clients), lots(e?.house), lots(e?.market), lots(p?.clients), p ? p.date : '–'];
  });
  return `<h2>Exposure</h2>
<h3>Residual exposure</h3>
${grid(['house', 'realized (USD)', 'floating (USD)', 'total (USD)'], residualRows, new Set([1, 2, 3]), 'fit')}
<p class="meta">The residual: the part of an order below the lot step, which the broker's house holds instead of the market. Netting ${esc(s.book.netting)}: ${s.book.netting === 'per-program' ? "each program's own house holds it" : "the book's house holds it once for every program"}.</p>
<h3>Net exposure by symbol</h3>
${exposureRows.length ? grid(['symbol', 'clients at the end', 'house at the end', 'market at the end', 'peak clients', 'peak on'], exposureRows, new Set([1, 2, 3, 4]), 'fit') : '<p>No program held a position.</p>'}
<p class="meta">Lots, buy positive. Clients: every program's net position through its executive; house: the broker's residual; market: what that leaves with the liquidity provider. The peak is the largest clients' position (either way) at a server day's end; every day is in book-exposure.csv.</p>`;
}

/** A program's risk events as a short text (stop-out 1, margin-call 2), or a dash. */
function riskText(events: Readonly<Record<string, number>> | undefined): string {
  return events ? Object.entries(events).map(([k, n]) => `${k} ${n}`).join(', ') : '–';
}

function aumSection(s: BookSummary, programs: ReturnType<typeof programsOf>): string {
  const rows: Array<unknown[] | Total> = [
    ...programs.map((p) => [programLink(p.id, p.name), String(p.row?.investors ?? ''), money(s.book.aum.byProgram[p.id]), money(s.book.managerFees.byProgram[p.id]), money(s.book.managerRebates.byProgram[p.id]), riskText(s.book.riskEvents[p.id])]),
    bold(['all programs', String(s.book.aum.investors), money(s.book.aum.total), money(s.book.managerFees.total), money(s.book.managerRebates.total), '']),
  ];
  return `<h2>Investors' money and managers' fees</h2>
${grid(['program', 'investors at the end', 'AUM at the end (USD)', 'fees charged to investors (USD)', 'rebates earned (USD)', 'risk events'], rows, new Set([1, 2, 3, 4]), 'fit')}
<p class="meta">AUM: the active investors' equity at the end, in USD; each program's every day (investors, deposits, withdrawals, net result, the master's equity and return) is in aum.csv. ${esc(FEES_TEXT)}</p>`;
}

function ibsSection(s: BookSummary, programs: ReturnType<typeof programsOf>): string {
  const ibs = Object.entries(s.book.ibs);
  if (!ibs.length) return '';
  const rows: Array<unknown[] | Total> = ibs.map(([id, ib]) => [id, ...programs.map((p) => money(ib.byProgram[p.id])), money(ib.rebates), money(ib.feeShares), money(ib.total)]);
  if (ibs.length > 1) {
    const all = ibs.map(([, ib]) => ib);
    const inProgram = (id: string): string => (all.some((ib) => ib.byProgram[id] !== undefined) ? sum(all.map((ib) => ib.byProgram[id])) : '');
    rows.push(bold(['all IBs', ...programs.map((p) => money(inProgram(p.id))), money(sum(all.map((ib) => ib.rebates))), money(sum(all.map((ib) => ib.feeShares))), money(sum(all.map((ib) => ib.total)))]));
  }
  const numeric = new Set(programs.map((_, i) => i + 1).concat([programs.length + 1, programs.length + 2, programs.length + 3]));
  return `<h2>IBs across the book</h2>
${grid(['IB', ...programs.map((p) => p.name), 'rebates', 'fee shares', 'total'], rows, numeric, 'revenue')}
<p class="meta">USD each IB earned over the run: rebates on the volume of the investors it referred, net of any cashback it passed on (part of the broker's rebates paid above), and its shares of the fees those investors paid the managers (part of the managers' fees above); a program's column is both together, blank where the IB earned nothing. Every rebate is in rebates.csv, every fee share in events.csv.</p>\n`;
}

function accountsSection(s: BookSummary, programs: ReturnType<typeof programsOf>): string {
  const accounts = s.book.accounts;
  if (!accounts.length) return '';
  const names = new Map(programs.map((p) => [p.id, p.name]));
  const rows = accounts.map((a) => [a.id, money(a.deposit), a.program === null ? 'outside' : programLink(a.program, names.get(a.program) ?? a.program), money(a.cash)]);
  return `<h2>Accounts outside the programs</h2>
${grid(['account', 'first deposit (USD)', 'at the end', 'cash at the end (USD)'], rows, new Set([1, 3]), 'fit')}
<p class="meta">Client accounts of the broker that admin operations link to a program and unlink from it. At the end: the program the account is in then, or outside every program; cash: what it holds outside the programs then. Each link and unlink, with what was paid in and out, is in that program's events.csv.</p>\n`;
}

function leaderboardSection(s: BookSummary): string {
  const rows = s.leaderboard.map((r) => [String(r.rank), programLink(r.id, r.name || r.id), percent(r.return), percent(r.maxDrawdown), money(r.aum), String(r.investors), money(r.fees)]);
  return `<h2>Leaderboard</h2>
${rows.length ? grid(['rank', 'program', 'return', 'max drawdown', 'AUM (USD)', 'investors', 'fees charged (USD)'], rows, new Set([2, 3, 4, 5, 6])) : '<p>No programs.</p>'}
<p class="meta">${esc(LEADERBOARD_ORDER_TEXT)} Return: the master's time-weighted return over the run; max drawdown: the master's. ${esc(FEES_TEXT)} Each program's name opens its own report. leaderboard.html has this board as a snippet to embed.</p>`;
}

/** The book's report.html. */
export function renderBookPage(s: BookSummary): string {
  const sc = s.scenario;
  const programs = programsOf(s);
  const r = s.book.revenue, m = s.book.market;
  const netting = NETTING_TEXT[sc.netting];
  const n = sc.programs;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(sc.name)} · mamlab book</title>
<style>
${BASE_CSS}
${BOOK_CSS}
</style>
</head>
<body>
<h1>${esc(sc.name)}</h1>
${sc.description ? `<p class="lede">${esc(sc.description)}</p>\n` : ''}<p class="meta">A broker's book of ${n} program${n === 1 ? '' : 's'} · server time ${esc(when(sc.start))} → ${esc(when(sc.end))} · seed ${esc(sc.seed)} · mamlab ${esc(s.mamlab.version)}</p>
<p class="netting"><b>Netting ${esc(sc.netting)}.</b> ${netting ? esc(netting) : ''}</p>
<div class="cards">
<div class="card">Investors' money at the end<b>${cell(money(s.book.aum.total))}</b><small>USD · ${esc(s.book.aum.investors)} investor${s.book.aum.investors === 1 ? '' : 's'} in ${n} program${n === 1 ? '' : 's'}</small></div>
<div class="card">Broker's net revenue<b>${cell(money(r.net))}</b><small>USD · ${cell(money(r.netAfterExternalSpread))} after hedging</small></div>
<div class="card">Reached the market<b>${esc(unitsText(m.externalVolume))} lots</b><small>of ${esc(unitsText(m.programVolume))} the programs traded · ${esc(unitsText(m.internalizedVolume))} internalized</small></div>
<div class="card">Managers' fees<b>${cell(money(s.book.managerFees.total))}</b><small>USD charged to investors, all programs</small></div>
</div>
${leaderboardSection(s)}
${revenueSection(s, programs)}
${marketSection(s)}
${exposureSection(s, programs)}
${aumSection(s, programs)}
${ibsSection(s, programs)}${accountsSection(s, programs)}<h2>Files</h2>
<p class="meta">summary.json has every figure exact (amounts here are in cents: hover one for its exact value). book-orders.csv: the book's external orders; book-exposure.csv: the exposure per symbol at each server day's end; aum.csv: each program's investors and AUM a day; the programs' CSV files together, each row led by its program's id, beside them; each program's full output under programs/&lt;id&gt;/.</p>
</body>
</html>
`;
}

/** The snippet's style: every selector under its root, so it changes nothing else on the page it is pasted into. */
const SNIPPET_CSS = `.mamlab-leaderboard{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1b1f24;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem 1.2rem;max-width:760px;box-sizing:border-box;text-align:left}
.mamlab-leaderboard *{box-sizing:border-box}
.mamlab-leaderboard .mamlab-lb-title{font-size:1.2rem;font-weight:600;margin:0 0 .6rem;line-height:1.3}
.mamlab-leaderboard .mamlab-lb-wrap{overflow-x:auto}
.mamlab-leaderboard table{border-collapse:collapse;width:100%;margin:0;font-size:13px;background:transparent}
.mamlab-leaderboard th,.mamlab-leaderboard td{padding:.35rem .5rem;border:0;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:middle}
.mamlab-leaderboard th{background:#f6f8fa;font-weight:600;color:#1b1f24}
.mamlab-leaderboard td.mamlab-lb-n,.mamlab-leaderboard th.mamlab-lb-n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.mamlab-leaderboard td.mamlab-lb-rank{font-weight:600;color:#57606a;width:2.5rem}
.mamlab-leaderboard .mamlab-lb-neg{color:#a40e26}
.mamlab-leaderboard .mamlab-lb-note{margin:.6rem 0 0;font-size:12px;color:#57606a}`;

/** The book's leaderboard.html: an embeddable snippet, one root div with its style inside. */
export function renderLeaderboardSnippet(s: BookSummary): string {
  const sc = s.scenario;
  const neg = (t: string): string => (t.startsWith('-') ? `<span class="mamlab-lb-neg">${esc(t)}</span>` : esc(t));
  const num = (html: string): string => `<td class="mamlab-lb-n">${html}</td>`;
  const rows = s.leaderboard.map((r) => `<tr><td class="mamlab-lb-rank">${esc(r.rank)}</td><td>${esc(r.name || r.id)}</td>${num(neg(pctOrDash(r.return)))}${num(neg(pctOrDash(r.maxDrawdown)))}${num(neg(centsText(r.aum)))}${num(esc(r.investors))}</tr>`);
  const head = ['#', 'program', 'return', 'max drawdown', 'AUM (USD)', 'investors'].map((h, i) => `<th${i >= 2 ? ' class="mamlab-lb-n"' : ''}>${esc(h)}</th>`).join('');
  return `<div class="mamlab-leaderboard">
<style>
${SNIPPET_CSS}
</style>
<div class="mamlab-lb-title">${esc(sc.name)}</div>
<div class="mamlab-lb-wrap"><table>
<thead><tr>${head}</tr></thead>
<tbody>
${rows.length ? rows.join('\n') : '<tr><td colspan="6">No programs.</td></tr>'}
</tbody>
</table></div>
<p class="mamlab-lb-note">${esc(`${day(sc.start)} to ${day(sc.end)} (server time). ${LEADERBOARD_ORDER_TEXT}`)}</p>
</div>
`;
}
