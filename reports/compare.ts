// `mamlab compare`: runs a scenario's variants on the same prices, orders and investors and
// tabulates, per variant and investor, volume, P&L, fees, tracking error and rounding money
// (danfojs tables), written as comparison.csv and comparison.html beside each variant's run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import { Dec } from '../engine/decimal.js';
import { InputError } from '../sim/input-error.js';
import { type LoadOptions, loadVariants } from '../sim/scenario.js';
import { stageDir } from './atomic.js';
import { CsvWriter } from './csv.js';
import { esc, humanAmount } from './html.js';
import { writeRun } from './run.js';

export const COMPARISON_COLUMNS = ['variant', 'structure', 'allocation', 'rounding', 'below_min_lot', 'investor', 'model', 'volume', 'pnl', 'fees', 'other_fees', 'equity', 'tracking_error', 'rounding_pnl'] as const;
type Row = Record<(typeof COMPARISON_COLUMNS)[number], string | number>;

export interface Comparison {
  readonly rows: Row[];
  /** Per variant: total volume, fees and rounding money, mean |tracking error| (danfojs). */
  readonly text: string;
}

interface SummaryLike {
  program: { structure: string; allocation: string };
  policies: { roundingMode: string; belowMinLot: string };
  accounts: Array<Record<string, string>>;
  investors: Array<Record<string, string | number | boolean | null>>;
}

/** One row per investor, plus one for the pool account (whose volume and rounding its members share). */
function rowsOf(variant: string, s: SummaryLike): Row[] {
  const account = new Map(s.accounts.map((a) => [a.id!, a]));
  const common = { variant, structure: s.program.structure, allocation: s.program.allocation, rounding: s.policies.roundingMode, below_min_lot: s.policies.belowMinLot };
  const volumeOf = (a: Record<string, string>): string => new Dec(a.closedVolume!).plus(a.openVolume!).toString();
  const rows: Row[] = s.investors.map((i) => {
    const acc = i.model === 'mam' ? account.get(`mam:${String(i.id)}`) : undefined;
    return {
      ...common, investor: String(i.id), model: String(i.model),
      volume: acc ? volumeOf(acc) : '', fees: String(i.performanceFees), other_fees: new Dec(String(i.managementFees)).plus(String(i.entryFees)).plus(String(i.otherFees)).toString(), equity: String(i.equity),
      pnl: new Dec(String(i.netResult)).plus(String(i.performanceFees)).plus(String(i.managementFees)).plus(String(i.entryFees)).plus(String(i.otherFees)).toString(),
      tracking_error: Number(i.trackingError).toFixed(10), rounding_pnl: i.roundingPnl === null ? '' : String(i.roundingPnl),
    };
  });
  const pool = s.accounts.find((a) => a.kind === 'pamm');
  if (pool) {
    rows.push({
      ...common, investor: pool.id!, model: 'pool account', volume: volumeOf(pool),
      pnl: new Dec(pool.realizedPnl!).plus(pool.floatingPnl!).toString(), fees: pool.performanceFeesPaid!, other_fees: '', equity: pool.equity!, tracking_error: '', rounding_pnl: pool.roundingPnl!,
    });
  }
  return rows;
}

/** Fixed decimals without a "-0.0000" for values that round to zero. */
function fixed(x: number, dp: number): string {
  const t = x.toFixed(dp);
  return /^-0\.?0*$/.test(t) ? t.slice(1) : t;
}

/** danfojs summary per variant, as text for the terminal. */
async function summarize(rows: readonly Row[]): Promise<{ text: string; table: Array<Record<string, string | number>> }> {
  const dfd = await import('danfojs-node');
  // Accounts carry volume and rounding (MAM investors and the pool); investors carry fees and tracking error.
  const accounts = new dfd.DataFrame(rows.filter((r) => r.volume !== '').map((r) => ({ variant: r.variant, volume: Number(r.volume), rounding: Number(r.rounding_pnl) })));
  const investors = new dfd.DataFrame(rows.filter((r) => r.model !== 'pool account').map((r) => ({ variant: r.variant, fees: Number(r.fees) + Number(r.other_fees), te: Math.abs(Number(r.tracking_error)) })));
  const byAccount = dfd.toJSON(accounts.groupby(['variant']).agg({ volume: 'sum', rounding: 'sum' })) as Array<Record<string, string | number>>;
  const byInvestor = dfd.toJSON(investors.groupby(['variant']).agg({ fees: 'sum', te: 'mean' })) as Array<Record<string, string | number>>;
  const order = [...new Set(rows.map((r) => String(r.variant)))];
  const table: Array<Record<string, string | number>> = order.map((v) => ({ ...byAccount.find((x) => x.variant === v), ...byInvestor.find((x) => x.variant === v), variant: v }));
  const w = Math.max(...order.map((v) => v.length));
  const lines = [`${'variant'.padEnd(w)}  volume (lots)  investor fees  rounding money  mean |tracking error|`];
  for (const t of table) {
    lines.push(`${String(t.variant).padEnd(w)}  ${fixed(Number(t.volume_sum), 7).padStart(13)}  ${fixed(Number(t.fees_sum), 2).padStart(13)}  ${fixed(Number(t.rounding_sum), 4).padStart(14)}  ${fixed(Number(t.te_mean) * 100, 4).padStart(20)}%`);
  }
  return { text: lines.join('\n'), table };
}

/** A dot per investor and variant: one chart for fees, one for rounding money. */
function dotChart(rows: readonly Row[], value: (r: Row) => number | undefined, label: string): string {
  const data = rows.flatMap((r) => { const x = value(r); return x === undefined ? [] : [{ variant: String(r.variant), investor: String(r.investor), x }]; });
  if (data.length === 0) return '';
  const { document } = new JSDOM('<!doctype html><html><body></body></html>').window;
  const variants = [...new Set(data.map((d) => d.variant))];
  return Plot.plot({
    document, width: 960, height: 60 + 26 * variants.length, marginLeft: 8 + 6.5 * Math.max(...variants.map((v) => v.length)),
    x: { label, grid: true }, y: { label: null, domain: variants }, color: { legend: true },
    marks: [Plot.ruleX([0]), Plot.dot(data, { x: 'x', y: 'variant', fill: 'investor', r: 5 })],
  }).outerHTML;
}

function charts(rows: readonly Row[]): { fees: string; rounding: string } {
  const investorRows = rows.filter((r) => r.model !== 'pool account');
  return {
    fees: dotChart(investorRows, (r) => Number(r.fees) + Number(r.other_fees), 'fees paid by the investor (USD: performance, management, entry)'),
    rounding: dotChart(rows, (r) => (r.rounding_pnl === '' ? undefined : Number(r.rounding_pnl)), 'rounding money (USD, + gained, − lost)'),
  };
}

function html(name: string, rows: readonly Row[], table: ReadonlyArray<Record<string, string | number>>, svg: { fees: string; rounding: string }): string {
  const th = (cols: readonly string[]) => `<tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const td = (cells: readonly unknown[]) => `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  const summary = table.map((t) => td([t.variant, fixed(Number(t.volume_sum), 7), fixed(Number(t.fees_sum), 2), fixed(Number(t.rounding_sum), 4), `${fixed(Number(t.te_mean) * 100, 4)}%`])).join('\n');
  const detail = rows.map((r) => td([r.variant, r.allocation, r.rounding, r.below_min_lot, r.investor, r.model, r.volume === '' ? 'in the pool' : r.volume, humanAmount(String(r.pnl)), humanAmount(String(r.fees)), r.other_fees === '' ? '' : humanAmount(String(r.other_fees)), r.model === 'pool account' ? '' : `${fixed(Number(r.tracking_error) * 100, 4)}%`, r.rounding_pnl === '' ? 'in the pool' : humanAmount(String(r.rounding_pnl))])).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(name)} · mamlab comparison</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1f24}table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{padding:.25rem .5rem;border-bottom:1px solid #eaeef2;text-align:left}th{background:#f6f8fa}svg{max-width:100%;height:auto}.meta{color:#57606a}</style>
</head><body>
<h1>${esc(name)}</h1>
<p class="meta">Every variant runs the same prices, master orders and investor flows; each has its own full run (report.html, summary.json, CSVs) in the directory of its name. Exact figures are in comparison.csv.</p>
<h2>Per variant</h2>
<table>${th(['variant', 'volume (lots, all accounts)', 'investor fees (all kinds)', 'rounding money (all accounts)', 'mean |tracking error| (investors)'])}
${summary}</table>
<h2>Fees per investor</h2>
<figure>${svg.fees}</figure>
<h2>Rounding money per investor</h2>
<figure>${svg.rounding || '<p>No rounding in these variants.</p>'}</figure>
<h2>Per variant and investor</h2>
<table>${th(['variant', 'allocation', 'rounding', 'below min lot', 'investor', 'model', 'volume', 'P&L before fees', 'performance fees', 'other fees', 'tracking error', 'rounding money'])}
${detail}</table>
</body></html>
`;
}

export async function compareToDirectory(file: string, outDir: string, opts: LoadOptions = {}): Promise<Comparison> {
  const { base, variants } = loadVariants(file, opts);
  if (variants.length === 0) throw new InputError(file, '/variants', 'expected at least one variant to compare');
  const staged = stageDir(outDir);
  try {
    const rows: Row[] = [];
    for (const v of variants) rows.push(...rowsOf(v.name, writeRun(v.scenario, join(staged.path, v.name)).summary as unknown as SummaryLike));
    const csv = new CsvWriter(join(staged.path, 'comparison.csv'), COMPARISON_COLUMNS);
    for (const r of rows) csv.row(COMPARISON_COLUMNS.map((c) => r[c]));
    csv.close();
    const { text, table } = await summarize(rows);
    writeFileSync(join(staged.path, 'comparison.html'), html(base.name, rows, table, charts(rows)));
    staged.commit();
    return { rows, text };
  } catch (e) {
    staged.abort();
    throw e;
  }
}
