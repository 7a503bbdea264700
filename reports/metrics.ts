// Performance metrics (DOMAIN §11), float analytics for reading, never fed back into
// bookings: money-weighted return (IRR), Sharpe and Sortino on daily returns of the
// time-weighted index, Calmar, profit factor and expected payoff. Conventions are stated
// here and in the README: 260 trading days a year, no risk-free rate, act/365 for IRR.

/** Trading days a year used to annualize daily ratios (the trading week, Monday–Friday, × 52). */
export const TRADING_DAYS_PER_YEAR = 260;
const YEAR_MS = 365 * 86_400_000;

export interface CashFlow {
  /** Milliseconds (server time). */
  readonly time: number;
  /** From the investor's side: money in is negative, money out (and the final equity) positive. */
  readonly amount: number;
}

/** Net present value of flows at an annual rate, act/365. */
function npv(flows: readonly CashFlow[], rate: number): number {
  const t0 = flows[0]!.time;
  let v = 0;
  for (const f of flows) v += f.amount / Math.pow(1 + rate, (f.time - t0) / YEAR_MS);
  return v;
}

/**
 * Money-weighted return: the annual rate at which the flows' value is zero (act/365), found
 * by bisection (deterministic: fixed bounds and steps). Null when the flows have no sign
 * change or no root in (−99.99%, +10,000%).
 */
export function irr(flows: readonly CashFlow[]): number | null {
  if (flows.length < 2 || !flows.some((f) => f.amount < 0) || !flows.some((f) => f.amount > 0)) return null;
  let lo = -0.9999, hi = 100;
  let flo = npv(flows, lo), fhi = npv(flows, hi);
  if (flo * fhi > 0) return null;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    const fm = npv(flows, mid);
    if (fm === 0) return mid;
    if ((fm > 0) === (flo > 0)) { lo = mid; flo = fm; } else { hi = mid; fhi = fm; }
  }
  return (lo + hi) / 2;
}

/** Simple returns between consecutive index values. */
export function returnsOf(index: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < index.length; i++) out.push(index[i]! / index[i - 1]! - 1);
  return out;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Annualized Sharpe ratio of daily returns: mean / sample standard deviation × √260; null under two returns or no variation. */
export function sharpe(daily: readonly number[]): number | null {
  if (daily.length < 2) return null;
  const m = mean(daily);
  const sd = Math.sqrt(daily.reduce((a, r) => a + (r - m) ** 2, 0) / (daily.length - 1));
  return sd === 0 ? null : (m / sd) * Math.sqrt(TRADING_DAYS_PER_YEAR);
}

/** Annualized Sortino ratio: mean / downside deviation × √260, the downside deviation over all observations √(Σ min(0, r)² / n). */
export function sortino(daily: readonly number[]): number | null {
  if (daily.length < 2) return null;
  const dd = Math.sqrt(daily.reduce((a, r) => a + Math.min(0, r) ** 2, 0) / daily.length);
  return dd === 0 ? null : (mean(daily) / dd) * Math.sqrt(TRADING_DAYS_PER_YEAR);
}

/** Annualized return of a growth factor over calendar days (act/365). */
export function annualized(growth: number, days: number): number | null {
  return days > 0 && growth > 0 ? Math.pow(growth, 365 / days) - 1 : null;
}

/** Calmar ratio: annualized return / maximum drawdown; null without a drawdown. */
export function calmar(annualReturn: number | null, maxDrawdown: number): number | null {
  return annualReturn === null || maxDrawdown <= 0 ? null : annualReturn / maxDrawdown;
}

/** Gross profit / gross loss of closed deals; null without a loss. */
export function profitFactor(profits: readonly number[]): number | null {
  const won = profits.filter((p) => p > 0).reduce((a, b) => a + b, 0);
  const lost = -profits.filter((p) => p < 0).reduce((a, b) => a + b, 0);
  return lost === 0 ? null : won / lost;
}

/** Average net profit per closed deal; null without deals. */
export function expectedPayoff(profits: readonly number[]): number | null {
  return profits.length === 0 ? null : mean(profits);
}
