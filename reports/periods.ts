// Period returns (issue 15, GIPS): for each investor, each month and each fee period of its
// membership, the time-weighted return of the net index, the Modified Dietz return (the fund
// administrators' approximation) and the period's money-weighted return (its own IRR, not
// annualized). Periods are the fee calendar's (engine/hurdle-day-count.ts): a month from 00:05 on
// the 1st to 00:05 on the next 1st, so a month-end fee falls in the month it closes; an
// observation exactly at a period end belongs to the period it ends. Read from the investor's
// observations (the end of every server day and each of its own events). Floats for the ratios,
// exact strings for the money.
//
//   Modified Dietz = (closing − opening − F) / (opening + Σ wᵢ·Fᵢ),  wᵢ = (end − tᵢ) / (end − start)
//   F: net external flows of the period (deposits +, withdrawals and exits −) at times tᵢ; start:
//   the last observation before the period (its opening value), or the join when the investor
//   had nothing before it; end: the period's last observation. Null when the denominator is not
//   positive. MWR: the rate r with opening·(1+r)^1 + Σ Fᵢ·(1+r)^((end − tᵢ)/(end − start)) = closing.
import { Dec } from '../engine/decimal.js';
import { feePeriodAround } from '../engine/hurdle-day-count.js';
import type { FeePeriod } from '../engine/policies.js';
import { periodIrr } from './metrics.js';

const DAY = 86_400_000;
const MONTH_OPEN = 5 * 60_000;

/** The label a period has in statements.csv: `2024-03`, `2024-Q1`, `2024`, `week of 2024-03-04`, `2024-03-04`. */
export function periodLabel(kind: FeePeriod, end: number): string {
  if (kind === 'daily') return new Date(end - DAY).toISOString().slice(0, 10);
  if (kind === 'weekly') return `week of ${new Date(end - 5 * DAY).toISOString().slice(0, 10)}`;
  const d = new Date(end - MONTH_OPEN - 1);
  if (kind === 'monthly') return d.toISOString().slice(0, 7);
  if (kind === 'quarterly') return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  return String(d.getUTCFullYear());
}

export interface Observation {
  readonly time: number;
  readonly equity: Dec;
  /** The net time-weighted index then, in decimals. */
  readonly index: Dec;
}

export interface PeriodRow {
  readonly label: string;
  readonly from: number;
  readonly to: number;
  readonly opening: Dec;
  readonly flows: Dec;
  readonly closing: Dec;
  readonly twr: number;
  readonly modifiedDietz: number | null;
  readonly mwr: number | null;
}

/** One row per period the investor was observed in, in time order. */
export function periodReturns(kind: FeePeriod, observations: readonly Observation[], moves: ReadonlyArray<{ readonly time: number; readonly amount: Dec }>): PeriodRow[] {
  const out: PeriodRow[] = [];
  let prev: Observation | undefined;
  let i = 0;
  while (i < observations.length) {
    // A membership that starts exactly at a period end (a join at 00:05 on the 1st) starts the next period.
    const t0 = observations[i]!.time;
    const end = feePeriodAround(kind, prev === undefined ? t0 + 1 : t0)[1];
    let j = i;
    while (j + 1 < observations.length && observations[j + 1]!.time <= end) j++;
    const last = observations[j]!;
    const inPeriod = (m: { time: number }): boolean => m.time > (prev?.time ?? -Infinity) && m.time <= last.time;
    const mine = moves.filter(inPeriod);
    const from = prev?.time ?? mine[0]?.time ?? observations[i]!.time;
    const opening = prev?.equity ?? new Dec(0);
    const flows = mine.reduce((x, m) => x.plus(m.amount), new Dec(0));
    const span = last.time - from;
    const weight = (t: number): number => (span > 0 ? (last.time - t) / span : 1);
    const denominator = opening.toNumber() + mine.reduce((x, m) => x + weight(m.time) * m.amount.toNumber(), 0);
    out.push({
      label: periodLabel(kind, end), from, to: last.time, opening, flows, closing: last.equity,
      // Rounded half-up to 10 places from the decimal index, as summary.json's returns are.
      twr: Number(last.index.div(prev?.index ?? 1).minus(1).toDecimalPlaces(10).toString()) || 0,
      modifiedDietz: denominator > 0 ? last.equity.minus(opening).minus(flows).toNumber() / denominator : null,
      mwr: periodIrr(opening.toNumber(), mine.map((m) => ({ weight: weight(m.time), amount: m.amount.toNumber() })), last.equity.toNumber()),
    });
    prev = last;
    i = j + 1;
  }
  return out;
}
