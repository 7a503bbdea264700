// Performance metrics (DOMAIN §11), float analytics for reading, never fed back into
// bookings: money-weighted return (IRR), Sharpe and Sortino on daily returns of the
// time-weighted index, Calmar, profit factor and expected payoff. Conventions are stated
// here and in docs/metrics.md and docs/conventions.md: 260 trading days a year, no risk-free rate, act/365 for IRR.

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
  return bisectRoot((r) => npv(flows, r), -0.9999, 100);
}

/** The root of `f` in [lo, hi] by 200 bisections (deterministic: fixed bounds and steps); null when f has one sign at both ends. */
function bisectRoot(f: (r: number) => number, lo: number, hi: number): number | null {
  let flo = f(lo);
  if (flo * f(hi) > 0) return null;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    const fm = f(mid);
    if (fm === 0) return mid;
    if ((fm > 0) === (flo > 0)) { lo = mid; flo = fm; } else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A period's own money-weighted return, not annualized: the r with opening·(1+r) + Σ aᵢ·(1+r)^wᵢ =
 * closing, wᵢ the share of the period each flow aᵢ (in +, out −) was invested. Bisection on
 * (−99.99%, +100,000%), deterministic; null with no money in, or no root there.
 */
export function periodIrr(opening: number, flows: ReadonlyArray<{ readonly weight: number; readonly amount: number }>, closing: number): number | null {
  const value = (r: number): number => opening * (1 + r) + flows.reduce((x, f) => x + f.amount * Math.pow(1 + r, f.weight), 0) - closing;
  if (opening <= 0 && !flows.some((f) => f.amount > 0)) return null;
  return bisectRoot(value, -0.9999, 1000);
}

/** Simple returns between consecutive index values. */
export function returnsOf(index: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < index.length; i++) out.push(index[i]! / index[i - 1]! - 1);
  return out;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation; null under two observations. */
function sampleSd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, r) => a + (r - m) ** 2, 0) / (xs.length - 1));
}

/** Annualized volatility: the sample standard deviation of the returns × √(periods a year); null under two returns. */
export function volatility(returns: readonly number[], perYear = TRADING_DAYS_PER_YEAR): number | null {
  const sd = sampleSd(returns);
  return sd === null ? null : sd * Math.sqrt(perYear);
}

/**
 * Annualized downside deviation below a target per period τ: √(Σ min(0, r − τ)² / n) × √(periods a
 * year), over all n observations; null under two returns (0 when no return is below τ).
 */
export function downsideDeviation(returns: readonly number[], perYear = TRADING_DAYS_PER_YEAR, target = 0): number | null {
  if (returns.length < 2) return null;
  return Math.sqrt(returns.reduce((a, r) => a + Math.min(0, r - target) ** 2, 0) / returns.length) * Math.sqrt(perYear);
}

/** Annualized Sharpe ratio: mean / sample standard deviation × √(periods a year; 260 for weekdays); null under two returns or no variation. */
export function sharpe(returns: readonly number[], perYear = TRADING_DAYS_PER_YEAR): number | null {
  const sd = sampleSd(returns);
  return sd === null || sd === 0 ? null : (mean(returns) / sd) * Math.sqrt(perYear);
}

/** Annualized Sortino ratio: (mean − τ) / downside deviation below τ, × √(periods a year); null under two returns or with no return below τ. */
export function sortino(returns: readonly number[], perYear = TRADING_DAYS_PER_YEAR, target = 0): number | null {
  const dd = downsideDeviation(returns, 1, target);
  return dd === null || dd === 0 ? null : ((mean(returns) - target) / dd) * Math.sqrt(perYear);
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
