// comparison.html's first table: one row per variant, each figure with its difference from the
// first variant (the baseline), the best and worst variant per figure marked, the figures that
// are the same in every variant left out (and named), MAM and PAMM tracking errors apart (mean
// and worst), and each variant's name a link to its own report.
import { Dec } from '../engine/decimal.js';
import type { SummaryLike } from '../sim/earnings.js';
import { FIGURES, sweepJobResult } from '../sim/sweep-figures.js';
import { plotLib, plotSvg } from './chart.js';
import { esc, humanAmount } from './html.js';
import type { Summary } from './summary.js';

interface Column {
  readonly label: string;
  readonly unit: 'USD' | 'lots' | 'pct';
  /** Which way is good; none for a figure that is neither (volume, rounding money). */
  readonly better?: 'higher' | 'lower';
  /** Per variant, as an exact decimal string ('' when the variant has none). */
  readonly values: readonly string[];
}

export interface VariantFigures {
  readonly name: string;
  readonly summary: SummaryLike;
  /** Lots traded and rounding money over all accounts (comparison.csv's sums). */
  readonly volume: string;
  readonly rounding: string;
}

/** A value as the page shows it, as a decimal: cents, a percentage to four decimals (a share to six), lots exactly. Marks and differences are taken on these, so they agree with what a reader sees. */
function shownValue(unit: Column['unit'], v: string): Dec {
  const x = new Dec(v);
  return unit === 'USD' ? x.toDecimalPlaces(2, Dec.ROUND_HALF_UP) : unit === 'pct' ? x.toDecimalPlaces(6, Dec.ROUND_HALF_UP) : x;
}

function show(unit: Column['unit'], v: string): string {
  if (v === '') return '–';
  const x = shownValue(unit, v);
  if (unit === 'USD') return humanAmount(x.toFixed(2));
  if (unit === 'pct') return `${x.times(100).toFixed(4)}%`;
  return x.toString();
}

/** The shown value's difference from the shown baseline. */
function delta(unit: Column['unit'], v: string, base: string): string {
  if (v === '' || base === '') return '';
  const d = shownValue(unit, v).minus(shownValue(unit, base));
  if (d.isZero()) return '±0';
  return `${d.isNegative() ? '−' : '+'}${show(unit, d.abs().toString())}`;
}

/** |tracking error| of the investors of a model: mean and worst, as decimal strings ('' without such investors). */
function trackingErrors(s: SummaryLike, model: 'mam' | 'pamm'): { mean: string; worst: string } {
  const xs = s.investors.filter((i) => i.model === model).map((i) => Math.abs(Number(i.trackingError))).filter((x) => Number.isFinite(x));
  if (xs.length === 0) return { mean: '', worst: '' };
  return { mean: (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(10), worst: Math.max(...xs).toFixed(10) };
}

/**
 * The investors' fees owed at the end and not charged (the management fee accrued, the
 * performance fee as if the period ended then), in USD at the end's rates; '' without a rate.
 */
export function accrued(s: Summary): string {
  let total = new Dec(0);
  for (const i of s.investors) {
    const a = i.accruedFees as Record<string, string> | undefined;
    if (!a) continue;
    const owed = new Dec(a.managementFee ?? 0).plus(a.performanceFeeIfPeriodEndedNow ?? 0);
    if (owed.isZero()) continue;
    const rate = i.currency === 'USD' ? '1' : s.totals.rates[String(i.currency)];
    if (!rate) return '';
    total = total.plus(owed.times(rate));
  }
  return total.toDecimalPlaces(7, Dec.ROUND_HALF_UP).toString();
}

export function variantTable(variants: readonly VariantFigures[]): string {
  const figures = variants.map((v) => sweepJobResult(v.summary as unknown as Summary).figures);
  const figure = (name: string): string[] => figures.map((f) => f[FIGURES.findIndex((x) => x.name === name)]!);
  const te = variants.map((v) => ({ mam: trackingErrors(v.summary, 'mam'), pamm: trackingErrors(v.summary, 'pamm') }));
  const columns: Column[] = [
    { label: "manager's net", unit: 'USD', better: 'higher', values: figure('manager_net') },
    { label: "investors' net result", unit: 'USD', better: 'higher', values: figure('investors_net') },
    { label: "investors' fees", unit: 'USD', better: 'lower', values: figure('investors_fees') },
    // Owed at the end, not yet charged: a variant whose fee period has not ended looks cheaper without it.
    { label: 'fees accrued, not charged', unit: 'USD', values: variants.map((v) => accrued(v.summary as unknown as Summary)) },
    { label: "IBs' net", unit: 'USD', better: 'higher', values: figure('ib_net') },
    { label: "broker's net", unit: 'USD', better: 'higher', values: figure('broker_net') },
    { label: 'lots traded', unit: 'lots', values: variants.map((v) => v.volume) },
    { label: 'rounding money', unit: 'USD', values: variants.map((v) => v.rounding) },
    { label: 'MAM |tracking error| mean', unit: 'pct', better: 'lower', values: te.map((t) => t.mam.mean) },
    { label: 'MAM |tracking error| worst', unit: 'pct', better: 'lower', values: te.map((t) => t.mam.worst) },
    { label: 'PAMM |tracking error| mean', unit: 'pct', better: 'lower', values: te.map((t) => t.pamm.mean) },
    { label: 'PAMM |tracking error| worst', unit: 'pct', better: 'lower', values: te.map((t) => t.pamm.worst) },
  ];
  // A figure that is the same in every variant tells nothing apart: named under the table instead.
  const shownKey = (c: Column, v: string): string => (v === '' ? '' : shownValue(c.unit, v).toString());
  const same = (c: Column): boolean => c.values.every((v) => shownKey(c, v) === shownKey(c, c.values[0]!));
  const shown = columns.filter((c) => !same(c));
  const hidden = columns.filter((c) => same(c) && c.values[0] !== '');
  const mark = (c: Column, i: number): string => {
    if (!c.better || variants.length < 2 || c.values[i] === '') return '';
    const xs = c.values.filter((v) => v !== '').map((v) => shownValue(c.unit, v));
    const best = xs.reduce((a, b) => (c.better === 'higher' ? Dec.max(a, b) : Dec.min(a, b)));
    const worst = xs.reduce((a, b) => (c.better === 'higher' ? Dec.min(a, b) : Dec.max(a, b)));
    const x = shownValue(c.unit, c.values[i]!);
    return x.eq(best) ? ' best' : x.eq(worst) ? ' worst' : '';
  };
  const head = `<thead><tr><th>variant</th>${shown.map((c) => `<th>${esc(c.label)}</th>`).join('')}</tr></thead>`;
  // data-v: the exact value a click on the header sorts by.
  const body = variants.map((v, i) => `<tr><td><a href="${esc(encodeURIComponent(v.name))}/report.html">${esc(v.name)}</a>${i === 0 ? ' <span class="meta">(baseline)</span>' : ''}</td>${shown.map((c) => `<td class="n${mark(c, i)}" data-v="${esc(c.values[i] ?? '')}" title="${esc(c.values[i] ?? '')}">${esc(show(c.unit, c.values[i] ?? ''))}${i > 0 ? `<small>${esc(delta(c.unit, c.values[i] ?? '', c.values[0] ?? ''))}</small>` : ''}</td>`).join('')}</tr>`).join('\n');
  const note = hidden.length ? `<p class="meta">The same in every variant: ${hidden.map((c) => `${esc(c.label)} ${esc(show(c.unit, c.values[0]!))}`).join('; ')}.</p>` : '';
  return `<div class="wrap"><table class="variants sortable">${head}\n<tbody>${body}</tbody></table></div>
<p class="meta">Each figure with its difference from the first variant (the baseline) under it; green the best variant for the figure, red the worst (lots, rounding money and accrued fees are neither). Fees accrued, not charged: what the investors owe at the end without having paid it (the management fee accrued and the performance fee as if the period ended then): a variant whose fee period has not yet ended shows lower fees and a higher net result than it will. Amounts in USD (an account in another currency at its variant's end rates), in cents here; best, worst and differences are taken on what is shown (hover a cell for the exact value; comparison.csv and earnings.csv have them all). Tracking errors: |investor's return gross of fees − the master's| over the membership window; a MAM account's is usually far smaller than a pool member's, so they are shown apart. Each variant's name opens its own report; a click on a header sorts the variants by that figure.</p>
${note}`;
}

/** Who earns what, per variant: the net over the run of the investors, the manager, the IBs, the clients and the broker (USD), as one chart. */
export function earnersChart(variants: ReadonlyArray<{ readonly name: string; readonly summary: SummaryLike }>): string {
  const parties = [['investors', 'investors_net'], ['manager', 'manager_net'], ['IBs', 'ib_net'], ['broker', 'broker_net']] as const;
  const data = variants.flatMap((v) => {
    const f = sweepJobResult(v.summary as unknown as Summary).figures;
    return parties.map(([party, name]) => ({ variant: v.name, party, net: f[FIGURES.findIndex((x) => x.name === name)]! }))
      .filter((d) => d.net !== '').map((d) => ({ ...d, net: Number(d.net) }));
  });
  if (data.length === 0) return '';
  const Plot = plotLib();
  const names = variants.map((v) => v.name);
  // A party with nothing in any variant (no IBs, say) is left out rather than drawn as a row of zero bars.
  const shownParties = parties.map(([p]) => p).filter((p) => data.some((d) => d.party === p && d.net !== 0));
  const drawn = data.filter((d) => shownParties.includes(d.party));
  if (drawn.length === 0) return '';
  return plotSvg({
    width: 960, height: 40 + shownParties.length * (names.length * 16 + 14), marginLeft: 180, marginRight: 90,
    x: { grid: true, label: 'net over the run (USD) →' }, y: { label: null, domain: names }, fy: { label: null, domain: shownParties, axis: 'right' },
    marks: [Plot.barX(drawn, { x: 'net', y: 'variant', fy: 'party', fill: (d: { net: number }) => (d.net < 0 ? '#cf222e' : '#2da44e') }), Plot.ruleX([0])],
  });
}
