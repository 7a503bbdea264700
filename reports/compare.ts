// The comparison's files: per variant and investor, volume, P&L, fees, tracking error and
// rounding money, and who earns what, written as comparison.csv, earnings.csv
// and comparison.html beside each variant's run (sim/compare.ts runs the variants).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Plot from '@observablehq/plot';
import { Dec } from '../engine/decimal.js';
import { plotSvg } from './chart.js';
import { EARNINGS_COLUMNS, type Earning, type SummaryLike, earningsOf } from '../sim/earnings.js';
import { earnersChart, variantTable } from './compare-table.js';
import { CsvWriter } from './csv.js';
import { cents, esc, sortableCell } from './html.js';
import { TABLE_CSS, TABLE_SCRIPT } from './table-script.js';

/** The files a comparison writes beside its variants' folders. */
export const COMPARISON_FILES = ['comparison.csv', 'earnings.csv', 'comparison.html'] as const;

export { EARNINGS_COLUMNS, type SummaryLike } from '../sim/earnings.js';

export const COMPARISON_COLUMNS = ['variant', 'structure', 'allocation', 'rounding', 'below_min_lot', 'investor', 'model', 'currency', 'volume', 'pnl', 'fees', 'other_fees', 'equity', 'tracking_error', 'rounding_pnl'] as const;
type Row = Record<(typeof COMPARISON_COLUMNS)[number], string | number>;

export interface Comparison {
  readonly variants: number;
  readonly rows: Row[];
  readonly earnings: Earning[];
  /** Per variant: total volume, fees and rounding money, mean |tracking error|. */
  readonly text: string;
}


/** One row per investor, plus one for the pool account (whose volume and rounding its members share). */
function rowsOf(variant: string, s: SummaryLike): Row[] {
  const account = new Map(s.accounts.map((a) => [a.id!, a]));
  const common = { variant, structure: s.program.structure, allocation: s.program.allocation, rounding: s.policies.roundingMode, below_min_lot: s.policies.belowMinLot };
  const volumeOf = (a: Record<string, string>): string => new Dec(a.closedVolume!).plus(a.openVolume!).toString();
  const rows: Row[] = s.investors.map((i) => {
    const acc = i.model === 'mam' ? account.get(`mam:${String(i.id)}`) : undefined;
    return {
      ...common, investor: String(i.id), model: String(i.model), currency: String(i.currency ?? 'USD'),
      volume: acc ? volumeOf(acc) : '', fees: String(i.performanceFees), other_fees: new Dec(String(i.managementFees)).plus(String(i.entryFees)).plus(String(i.otherFees)).toString(), equity: String(i.equity),
      pnl: new Dec(String(i.netResult)).plus(String(i.performanceFees)).plus(String(i.managementFees)).plus(String(i.entryFees)).plus(String(i.otherFees)).toString(),
      tracking_error: Number(i.trackingError).toFixed(10), rounding_pnl: i.roundingPnl === null ? '' : String(i.roundingPnl),
    };
  });
  const pool = s.accounts.find((a) => a.kind === 'pamm');
  if (pool) {
    rows.push({
      ...common, investor: pool.id!, model: 'pool account', currency: pool.currency ?? 'USD', volume: volumeOf(pool),
      pnl: new Dec(pool.realizedPnl!).plus(pool.floatingPnl!).toString(), fees: pool.performanceFeesPaid!, other_fees: '', equity: pool.equity!, tracking_error: '', rounding_pnl: pool.roundingPnl!,
    });
  }
  return rows;
}

/** Fixed decimals without a "-0.0000" for values that round to zero (a Dec rounds by its configured mode, half-up). */
function fixed(x: Dec | number, dp: number): string {
  const t = x.toFixed(dp);
  return /^-0\.?0*$/.test(t) ? t.slice(1) : t;
}

/**
 * Per variant, for the terminal: the total volume and rounding money of the accounts (MAM
 * investors and the pool), the investors' fees, and the mean |tracking error|. Exact sums over
 * the rows' decimal strings; the mean is the exact sum over the count, rounded for display.
 */
function summarize(rows: readonly Row[], variants: readonly string[]): { text: string } {
  const zero = (): { volume: Dec; rounding: Dec; fees: Dec; te: Dec; investors: number } => ({ volume: new Dec(0), rounding: new Dec(0), fees: new Dec(0), te: new Dec(0), investors: 0 });
  const by = new Map(variants.map((v) => [v, zero()]));
  for (const r of rows) {
    const t = by.get(String(r.variant));
    if (!t) continue;
    // Accounts carry volume and rounding (MAM investors and the pool); investors carry fees and tracking error.
    if (r.volume !== '') {
      t.volume = t.volume.plus(r.volume || 0);
      t.rounding = t.rounding.plus(r.rounding_pnl || 0);
    }
    if (r.model !== 'pool account') {
      t.fees = t.fees.plus(r.fees || 0).plus(r.other_fees || 0);
      t.te = t.te.plus(new Dec(r.tracking_error || 0).abs());
      t.investors++;
    }
  }
  const w = Math.max(...variants.map((v) => v.length));
  const lines = [`${'variant'.padEnd(w)}  volume (lots)  investor fees  rounding money  mean |tracking error|`];
  for (const v of variants) {
    // A client book without program investors has no rows here: its variants show zeros.
    const t = by.get(v)!;
    const te = t.investors ? t.te.div(t.investors).times(100) : new Dec(0);
    lines.push(`${v.padEnd(w)}  ${fixed(t.volume, 7).padStart(13)}  ${fixed(t.fees, 2).padStart(13)}  ${fixed(t.rounding, 4).padStart(14)}  ${fixed(te, 4).padStart(20)}%`);
  }
  return { text: lines.join('\n') };
}

/** A dot per series (investor, party) and variant: for fees, rounding money and earnings. */
function dotChart(data: ReadonlyArray<{ variant: string; series: string; x: number }>, label: string): string {
  if (data.length === 0) return '';
  // Beyond a dozen series a colour legend is noise: one colour, a dot per series.
  const many = new Set(data.map((d) => d.series)).size > 12;
  return variantPlot([...new Set(data.map((d) => d.variant))], many ? `${label}; a dot per investor` : label, 26, [Plot.ruleX([0]), Plot.dot(data, { x: 'x', y: 'variant', ...(many ? { fill: '#4c78a8', fillOpacity: 0.5 } : { fill: 'series' }), r: many ? 3 : 5 })]);
}

/** A horizontal chart with a row per variant, drawn to SVG on the server. */
function variantPlot(variants: readonly string[], label: string, rowHeight: number, marks: Plot.Markish[]): string {
  return plotSvg({
    width: 960, height: 60 + rowHeight * variants.length, marginLeft: 8 + 6.5 * Math.max(...variants.map((v) => v.length)),
    x: { label, grid: true }, y: { label: null, domain: [...variants] }, color: { legend: true }, marks,
  });
}

interface Charts { fees: string; rounding: string; earnings: string; earners?: string }

/** Each variant's rebates as one stacked bar: the manager's and each IB's share (net of the cashback they pass on) and the clients' cashback. */
function rebateChart(earnings: readonly Earning[]): string {
  const data = earnings.filter((e) => e.party !== 'broker').map((e) => ({
    variant: e.variant, party: e.party,
    x: e.party === 'manager' ? Number(e.rebates) + Number(e.cashback) : Number(e.net),
  })).filter((d) => d.x !== 0);
  if (data.length === 0) return '';
  const variants = [...new Set(earnings.map((d) => d.variant))];
  return variantPlot(variants, 'rebates paid by the broker (USD), by who keeps them', 28, [Plot.barX(data, { x: 'x', y: 'variant', fill: 'party' }), Plot.ruleX([0])]);
}

function charts(rows: readonly Row[], earnings: readonly Earning[]): Charts {
  const investorRows = rows.filter((r) => r.model !== 'pool account');
  return {
    fees: dotChart(investorRows.map((r) => ({ variant: String(r.variant), series: String(r.investor), x: Number(r.fees) + Number(r.other_fees) })), 'fees paid by the investor (USD: performance, management, entry)'),
    rounding: dotChart(rows.filter((r) => r.rounding_pnl !== '').map((r) => ({ variant: String(r.variant), series: String(r.investor), x: Number(r.rounding_pnl) })), 'rounding money (USD, + gained, − lost)'),
    earnings: rebateChart(earnings),
  };
}

/** Whether any variant has rebates, cashback or broker income to show. */
function hasEarnings(earnings: readonly Earning[]): boolean {
  return earnings.some((e) => e.party !== 'manager' && !new Dec(e.net).isZero());
}

function earningsText(earnings: readonly Earning[]): string {
  const parties = [...new Set(earnings.map((e) => e.party))];
  const variants = [...new Set(earnings.map((e) => e.variant))];
  const w = Math.max(7, ...variants.map((v) => v.length));
  const cols = parties.map((p) => Math.max(p.length, 12));
  const lines = [`${'variant'.padEnd(w)}  ${parties.map((p, i) => p.padStart(cols[i]!)).join('  ')}`];
  for (const v of variants) {
    lines.push(`${v.padEnd(w)}  ${parties.map((p, i) => { const e = earnings.find((x) => x.variant === v && x.party === p); return (e ? fixed(Number(e.net), 2) : '').padStart(cols[i]!); }).join('  ')}`);
  }
  return lines.join('\n');
}

/** Rows of the per-variant-and-investor table on the page (comparison.csv has them all). */
const DETAIL_ROWS = 500;

function html(name: string, rows: readonly Row[], variants: string, svg: Charts, earnings: readonly Earning[], extra: string): string {
  const th = (cols: readonly string[]) => `<tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  // Text cells as they are; amounts in cents with the exact value on hover, right-aligned, sorting by the exact value.
  const td = (cells: readonly unknown[]) => `<tr>${cells.map((c) => (c && typeof c === 'object' && 'td' in c ? (c as { td: string }).td : `<td>${esc(c)}</td>`)).join('')}</tr>`;
  const money = (x: unknown): unknown => (x === '' || x === undefined ? '' : { td: sortableCell(cents(String(x)), String(x)) });
  const detail = rows.slice(0, DETAIL_ROWS).map((r) => td([r.variant, r.investor, r.currency === 'USD' ? r.model : `${r.model} · ${r.currency}`, r.volume === '' ? 'in the pool' : r.volume, money(r.pnl), money(r.fees), money(r.other_fees), r.model === 'pool account' ? '' : `${fixed(Number(r.tracking_error) * 100, 4)}%`, r.rounding_pnl === '' ? 'in the pool' : money(r.rounding_pnl)])).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(name)} · mamlab comparison</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1b1f24}table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:13px}th,td{padding:.25rem .5rem;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}th{background:#f6f8fa}svg{max-width:100%;height:auto}.meta{color:#57606a}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.n small{display:block;color:#57606a}td.best{color:#116329;font-weight:600}td.worst{color:#a40e26;font-weight:600}.wrap{overflow-x:auto}details summary{cursor:pointer;color:#0969da}
${TABLE_CSS}</style>
</head><body>
<h1>${esc(name)}</h1>
<p class="meta">Every variant runs the same prices, master orders and investor flows; each has its own full run (report.html, summary.json, CSVs) in the directory of its name. Exact figures are in comparison.csv.</p>
<h2>Per variant</h2>
${variants}
${svg.earners ? `<h2>Who ends with what</h2>\n<figure>${svg.earners}</figure>\n<p class="meta">Net over the run, in USD, per variant: the investors' results summed (after fees), the manager's fees and rebates net of cashback passed on, the IBs' rebates net of cashback, and the broker's net; the same figures as the table above.</p>` : ''}
<h2>Fees per investor</h2>
<figure>${svg.fees}</figure>
<h2>Rounding money per investor</h2>
<figure>${svg.rounding || '<p>No rounding in these variants.</p>'}</figure>
${hasEarnings(earnings) ? `<h2>Who earns what</h2>
<p class="meta">The bars: each plan's rebates, by who keeps them (the manager and each IB net of the cashback they pass on, and the clients' cashback). The table: net over the run, the manager's fees and rebates, each IB's rebates less the cashback it returns, the clients' cashback, and the broker's net (spread, commissions and swaps earned, less rebates paid, negative balances absorbed, and its residual exposure's P&amp;L). Exact figures are in earnings.csv; each variant's rebates.csv traces every amount to its fill.</p>
<figure>${svg.earnings}</figure>
<table>${th(['variant', 'party', 'fees', 'rebates', 'cashback', 'net'])}
${earnings.map((e) => td([e.variant, e.party, money(e.fees), money(e.rebates), money(e.cashback), money(e.net)])).join('\n')}</table>` : ''}
${extra}<h2>Per variant and investor</h2>
<details${rows.length <= 40 ? ' open' : ''}><summary>${rows.length} rows: each investor (and the pool account) in each variant, exact, in the account's currency${rows.length > DETAIL_ROWS ? `, the first ${DETAIL_ROWS} here` : ''}; all in comparison.csv</summary>
<div class="wrap"><table class="sortable"><thead>${th(['variant', 'investor', 'model', 'volume', 'P&L before fees', 'performance fees', 'other fees', 'tracking error', 'rounding money'])}</thead><tbody>
${detail}</tbody></table></div></details>
${TABLE_SCRIPT}
</body></html>
`;
}

/** Writes comparison.csv, earnings.csv and comparison.html into `dir` from each variant's summary, in variant order. */
export async function writeComparison(dir: string, name: string, variants: ReadonlyArray<{ readonly name: string; readonly summary: SummaryLike }>, extraHtml = ''): Promise<Comparison> {
  const rows: Row[] = [];
  const earnings: Earning[] = [];
  for (const v of variants) {
    rows.push(...rowsOf(v.name, v.summary));
    earnings.push(...earningsOf(v.name, v.summary));
  }
  const csv = new CsvWriter(join(dir, 'comparison.csv'), COMPARISON_COLUMNS);
  for (const r of rows) csv.row(COMPARISON_COLUMNS.map((c) => r[c]));
  csv.close();
  const earningsCsv = new CsvWriter(join(dir, 'earnings.csv'), EARNINGS_COLUMNS);
  for (const e of earnings) earningsCsv.row(EARNINGS_COLUMNS.map((c) => e[c]));
  earningsCsv.close();
  const { text } = summarize(rows, variants.map((v) => v.name));
  const lots = (v: string): string => rows.filter((r) => r.variant === v && r.volume !== '').reduce((x, r) => x.plus(String(r.volume)), new Dec(0)).toString();
  /** Rounding money over the variant's accounts in USD at its end rates ('' when a currency has no rate). */
  const rounding = (v: { name: string; summary: SummaryLike }): string => {
    const rates = (v.summary as unknown as { totals: { rates: Record<string, string | null> } }).totals.rates;
    let total = new Dec(0);
    for (const r of rows.filter((x) => x.variant === v.name && x.rounding_pnl !== '')) {
      const ccy = String(r.currency);
      const rate = ccy === 'USD' ? '1' : rates[ccy];
      if (!rate) return '';
      total = total.plus(new Dec(String(r.rounding_pnl)).times(rate));
    }
    return total.toDecimalPlaces(7, Dec.ROUND_HALF_UP).toString();
  };
  const table = variantTable(variants.map((v) => ({ name: v.name, summary: v.summary, volume: lots(v.name), rounding: rounding(v) })));
  writeFileSync(join(dir, 'comparison.html'), html(name, rows, table, { ...charts(rows, earnings), earners: earnersChart(variants) }, earnings, extraHtml));
  return { variants: variants.length, rows, earnings, text: hasEarnings(earnings) ? `${text}\n\nNet earnings (USD):\n${earningsText(earnings)}` : text };
}
