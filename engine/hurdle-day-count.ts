// Hurdle day count (DOMAIN §7, policy `performanceFee.hurdleDayCount`): the share of a year an
// annual hurdle rate is charged for over the part of a fee period assessed, from `start` (the
// investor's part of the period began: the last period end, or its join) to `end` (the period
// end, or a withdrawal or exit inside it). Server time, in milliseconds.
//
//   act/365     (end − start) / 365 days. A leap year's 366 days come to 366/365 of the rate
//               (8% a year → 8.0219178%).
//   act/act     each year's part over that year's length (ISDA; years from 00:05 on 1 January,
//               as fee years run): a whole 2024 is 366/366 = 1, a whole 2023 is 365/365 = 1.
//   per-period  the annual rate divided evenly by the fee periods of a year: 1/12 a month, 1/4
//               a quarter, 1/1 a year, 1/52 a week, 1/260 a trading day; a part of a period
//               counts by its share of that period's time (a member joining half way through
//               a 30-day month gets 1/12 × 1/2). Periods run as the fee calendar runs them: a
//               month, quarter or year from 00:05 on the 1st, a week to Saturday 00:00, a trading
//               day to the next rollover (00:00, Tuesday–Saturday).
import { Dec } from './decimal.js';
import type { HurdleDayCount, PerformanceFeePolicies } from './policies.js';

const DAY = 86_400_000;
const MONTH_OPEN = 5 * 60_000;

export function hurdleYearFraction(dayCount: HurdleDayCount, period: PerformanceFeePolicies['period'], start: number, end: number): Dec {
  if (end <= start) return new Dec(0);
  if (dayCount === 'act/365') return new Dec(end - start).div(365 * DAY);
  if (dayCount === 'act/act') return actAct(start, end);
  const [from, to] = feePeriodAround(period, end);
  return new Dec(end - Math.max(start, from)).div(to - from).div(PERIODS_A_YEAR[period]);
}

const PERIODS_A_YEAR: Readonly<Record<PerformanceFeePolicies['period'], number>> = { daily: 260, weekly: 52, monthly: 12, quarterly: 4, annual: 1 };

/**
 * Σ over the years the span touches: its time in that year / the year's length. Years run as fee
 * years do, from 00:05 on 1 January, so a whole fee year is exactly 1.
 */
function actAct(start: number, end: number): Dec {
  const yearStart = (y: number): number => Date.UTC(y, 0, 1) + MONTH_OPEN;
  let x = new Dec(0);
  for (let y = new Date(start - MONTH_OPEN).getUTCFullYear(); yearStart(y) < end; y++) {
    const from = Math.max(start, yearStart(y)), to = Math.min(end, yearStart(y + 1));
    if (to > from) x = x.plus(new Dec(to - from).div(yearStart(y + 1) - yearStart(y)));
  }
  return x;
}

/** The fee period (from, to] that `t` falls in: `to` is the first period end at or after `t` (the fee calendar's). */
export function feePeriodAround(period: PerformanceFeePolicies['period'], t: number): [number, number] {
  if (period === 'monthly' || period === 'quarterly' || period === 'annual') {
    const step = period === 'monthly' ? 1 : period === 'quarterly' ? 3 : 12;
    const d = new Date(t - MONTH_OPEN - 1);
    const first = Math.floor(d.getUTCMonth() / step) * step;
    return [Date.UTC(d.getUTCFullYear(), first, 1) + MONTH_OPEN, Date.UTC(d.getUTCFullYear(), first + step, 1) + MONTH_OPEN];
  }
  // Weekly: the week ends at Saturday 00:00. Daily: a trading day ends at the next 00:00 from Tuesday to Saturday.
  let to = Math.ceil(t / DAY) * DAY;
  const ends = (x: number): boolean => {
    const dow = new Date(x).getUTCDay();
    return period === 'weekly' ? dow === 6 : dow >= 2 && dow <= 6;
  };
  while (!ends(to)) to += DAY;
  let from = to - DAY;
  while (!ends(from)) from -= DAY;
  return [from, to];
}
