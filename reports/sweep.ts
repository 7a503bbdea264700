// sweep.html: a sweep's cells ranked on the user's objectives, with the distribution over the
// seeds of what each party gets (mean and 5–95% range), from cells.csv's rows (sim/sweep.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Plot from '@observablehq/plot';
import type { CellRow } from '../sim/sweep-cells.js';
import { FIGURES } from '../sim/sweep-figures.js';
import type { SweepPlan } from '../sim/sweep-plan.js';
import { plotSvg } from './chart.js';
import { esc, humanAmount } from './html.js';

/** Cells shown in the table and charts (all are in cells.csv). */
const SHOWN = 40;

/** The columns the table shows besides the objectives' own: what a product team asks first. */
const HEADLINE = ['manager_net_mean', 'investors_net_mean', 'investors_net_q05', 'broker_net_mean', 'tracking_error_worst_q95', 'stop_out_probability'];

function unitOf(column: string): 'USD' | 'ratio' | 'count' | 'probability' {
  if (column.endsWith('_probability')) return 'probability';
  return FIGURES.find((f) => column.startsWith(`${f.name}_`))?.unit ?? 'ratio';
}

/** A cell's value for people: cents with separators, percentages, counts; the exact value on hover. */
function cellValue(column: string, v: string | undefined): string {
  if (v === undefined || v === '') return '<td class="n">–</td>';
  const u = unitOf(column);
  // Tracking errors are small (a MAM account's is often a few thousandths of a percent): four decimals of a percent.
  const pct = column.startsWith('tracking_error') ? 4 : 2;
  const shown = u === 'USD' ? humanAmount(Number(v).toFixed(2)) : u === 'count' ? String(Number(Number(v).toFixed(2))) : `${(Number(v) * 100).toFixed(pct)}%`;
  return `<td class="n" title="${esc(v)}">${esc(shown)}</td>`;
}

/** A cell in words: its grid values (and variant), each cut to a readable length; the table names the paths. */
function label(c: CellRow): string {
  const cut = (v: string): string => (v.length > 24 ? `${v.slice(0, 23)}…` : v);
  const parts = c.params.map(cut);
  if (c.variant) parts.push(cut(c.variant));
  return parts.length ? parts.join(' · ') : `cell ${c.cell}`;
}

/** Mean and 5–95% range of a USD figure per cell, in rank order. */
function rangeChart(cells: readonly CellRow[], figure: string, title: string): string {
  const data = cells.filter((c) => c.values[`${figure}_mean`] !== '').map((c) => ({
    cell: `${c.rank}. ${label(c)}`, lo: Number(c.values[`${figure}_q05`]), hi: Number(c.values[`${figure}_q95`]), mean: Number(c.values[`${figure}_mean`]),
  }));
  if (data.length === 0) return '';
  const longest = Math.max(...data.map((d) => d.cell.length));
  return `<h3>${esc(title)}</h3><figure>${plotSvg({
    width: 1100, height: 50 + 22 * data.length, marginLeft: Math.min(520, 16 + 6.2 * longest),
    x: { label: `${title} (USD): 5–95% of seeds, dot at the mean`, grid: true }, y: { label: null, domain: data.map((d) => d.cell) },
    marks: [Plot.ruleX([0]), Plot.ruleY(data, { y: 'cell', x1: 'lo', x2: 'hi', stroke: '#4c78a8', strokeWidth: 3 }), Plot.dot(data, { y: 'cell', x: 'mean', fill: '#1b1f24', r: 3.5 })],
  })}</figure>`;
}

export function writeSweepPage(dir: string, plan: SweepPlan, cells: readonly CellRow[]): void {
  const ranked = [...cells].sort((a, b) => a.rank! - b.rank!);
  const shown = ranked.slice(0, SHOWN);
  const objectiveColumns = plan.objectives.map((o) => o.column).filter((c, i, all) => all.indexOf(c) === i);
  const columns = [...objectiveColumns, ...HEADLINE.filter((c) => !objectiveColumns.includes(c))];
  const feasible = cells.filter((c) => c.feasible).length;
  const constraints = plan.objectives.filter((o) => o.kind === 'constraint');
  const head = ['rank', ...plan.axes.map((a) => a.path.split('.').slice(-2).join('.')), ...(plan.variants[0] !== null ? ['variant'] : []), ...columns];
  const rows = shown.map((c) => `<tr${c.feasible ? '' : ' class="out"'}><td class="n"${c.feasible ? '' : ' title="misses a constraint"'}>${c.rank}${c.feasible ? '' : ' ✗'}</td>${c.params.map((p) => `<td class="p" title="${esc(p)}">${esc(p.length > 18 ? `${p.slice(0, 17)}…` : p)}</td>`).join('')}${plan.variants[0] !== null ? `<td class="p">${esc(c.variant)}</td>` : ''}${columns.map((k) => cellValue(k, c.values[k])).join('')}</tr>`).join('\n');
  const grid = plan.axes.length ? `<table><tr><th>path</th><th>values</th></tr>${plan.axes.map((a) => `<tr><td><code>${esc(a.path)}</code></td><td>${esc(a.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', '))}</td></tr>`).join('')}</table>` : '<p>No grid: the scenario (and its variants) over the seeds.</p>';
  const best = ranked[0];
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(plan.base.name)} · sweep · mamlab</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1b1f24}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}h3{font-size:1rem}
table{border-collapse:collapse;width:100%;font-size:12.5px}td.p{white-space:nowrap}th,td{padding:.25rem .45rem;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}th{background:#f6f8fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr.out td{color:#8c959f}
.meta{color:#57606a}svg{max-width:100%;height:auto}.best{border:1px solid #2da44e;border-radius:6px;padding:.6rem .9rem;background:#f6fff8}code{font-size:12px}.wrap{overflow-x:auto}</style></head>
<body>
<h1>${esc(plan.base.name)}: sweep</h1>
${plan.description ? `<p>${esc(plan.description)}</p>` : ''}
<p class="meta">${cells.length} cell${cells.length === 1 ? '' : 's'} (grid points${plan.variants[0] !== null ? ` × ${plan.variants.length} variants` : ''}) × ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'} (${plan.seeds[0]}–${plan.seeds[plan.seeds.length - 1]}) = ${cells.length * plan.seeds.length} runs of the engine. Each figure's distribution is over the seeds: mean, 5/50/95% by nearest rank, and the worst seed for whom the figure concerns. Amounts in USD, here in cents; cells.csv has every figure exact and results.csv every run's rows per subject.</p>
<h2>Grid</h2>
${grid}
<h2>Objectives</h2>
${plan.objectives.length ? `<ul>${plan.objectives.map((o) => `<li><code>${esc(o.text)}</code>${o.kind === 'constraint' ? ' (a constraint: cells that miss it rank after those that meet it)' : ''}</li>`).join('')}</ul><p class="meta">${feasible} of ${cells.length} cells meet every constraint${constraints.length && feasible < cells.length ? '; the others are grey and marked ✗' : ''}.</p>` : '<p class="meta">None given: cells are listed in grid order. Name them with <code>--objective "max manager_net"</code> or the sweep section\'s <code>objectives</code>.</p>'}
${best && plan.objectives.length ? `<div class="best"><b>Best cell:</b> ${esc([...plan.axes.map((a, i) => `${a.path} = ${best.params[i]}`), ...(best.variant ? [`variant ${best.variant}`] : [])].join(', ') || `cell ${best.cell}`)}${best.feasible ? '' : ' (no cell meets every constraint)'}</div>` : ''}
<h2>Cells${ranked.length > SHOWN ? ` (the first ${SHOWN} of ${ranked.length})` : ''}</h2>
<div class="wrap"><table><tr>${head.map((h) => `<th>${esc(h.replaceAll('_', ' '))}</th>`).join('')}</tr>
${rows}</table></div>
<h2>Who gets what, over the seeds</h2>
${rangeChart(shown, 'manager_net', "manager's net")}
${rangeChart(shown, 'investors_net', "investors' net result")}
${rangeChart(shown, 'broker_net', "broker's net")}
<h2>Figures</h2>
<table><tr><th>figure</th><th>unit</th><th>better</th><th>what it is</th></tr>${FIGURES.map((f) => `<tr><td><code>${esc(f.name)}</code></td><td>${esc(f.unit)}</td><td>${esc(f.better)}</td><td>${esc(f.describe)}</td></tr>`).join('')}
<tr><td><code>stop_out_probability</code></td><td>share</td><td>lower</td><td>share of seeds with at least one stop-out</td></tr><tr><td><code>breach_probability</code></td><td>share</td><td>lower</td><td>share of seeds with at least one limit breach or hard stop</td></tr></table>
</body></html>
`;
  writeFileSync(join(dir, 'sweep.html'), html);
}

/** comparison.html's section for `compare --seeds N`: each variant's distribution over the seeds. */
export function seedsSection(cells: readonly CellRow[], seeds: readonly number[]): string {
  const columns = ['manager_net_mean', 'manager_net_q05', 'manager_net_q95', 'investors_net_mean', 'investors_net_worst', 'broker_net_mean', 'tracking_error_worst_q95', 'investor_drawdown_worst_q95', 'stop_out_probability'];
  return `<h2>Across ${seeds.length} seeds (${seeds[0]}–${seeds[seeds.length - 1]})</h2>
<p class="meta">Each variant over the seeds: mean, 5% and 95% by nearest rank, the worst seed for whom the figure concerns; USD in cents here, exact in cells.csv, each seed's rows per subject in results.csv. The sections above are the first seed's.</p>
<div style="overflow-x:auto"><table><tr><th>variant</th>${columns.map((c) => `<th>${esc(c.replaceAll('_', ' '))}</th>`).join('')}</tr>
${cells.map((c) => `<tr><td>${esc(c.variant)}</td>${columns.map((k) => cellValue(k, c.values[k])).join('')}</tr>`).join('\n')}</table></div>
`;
}
