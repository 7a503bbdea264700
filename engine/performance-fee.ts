// Performance fee with a high-water mark per investor (DOMAIN §7), under every policy:
// `hwmBasis` (equity | cumulative-profit), `hwmReset` (after-fee | before-fee),
// `partialWithdrawal` (pro-rata | crystallize-all | reduce-mark) and `hurdle` (none | hard |
// soft). Pure functions over one investor's fee state; the caller supplies the equity the
// fee is assessed on (after its `floatingPnl` policy) and the hurdle's share of a year.
import { Dec } from './decimal.js';
import { type Quantum, roundToQuantum } from './quantum.js';
import { Money } from './values.js';

export type HwmBasis = 'equity' | 'cumulative-profit';
export type HwmReset = 'after-fee' | 'before-fee';
export type PartialWithdrawal = 'pro-rata' | 'crystallize-all' | 'reduce-mark';
export type Hurdle = 'none' | 'hard' | 'soft';

export interface FeeTerms {
  /** Fee rate as a fraction (0.2 = 20%); zero for the manager's own capital. */
  readonly rate: Dec;
  readonly hwmBasis: HwmBasis;
  readonly hwmReset: HwmReset;
  readonly partialWithdrawal: PartialWithdrawal;
  readonly hurdle: Hurdle;
  /** Annual hurdle rate (0.05 = 5% a year), pro-rated to the part of the period assessed. */
  readonly hurdleRate: Dec;
  /** Tiered rates in place of `rate` (see FeeTiers); none for a flat rate or the manager's own capital. */
  readonly tiers?: FeeTiers;
}

/**
 * Tiered performance fees (vendors' fee terms): `invested` charges the whole gain at the rate of
 * the tier the investor's net invested amount (deposits − withdrawals) reaches; `profit` charges
 * each band of the gain at its own rate, like tax brackets (the first 10,000 at 30%, the rest at
 * 20%). Tiers are in ascending `from`, the first from 0.
 */
export interface FeeTiers {
  readonly basis: 'invested' | 'profit';
  readonly tiers: ReadonlyArray<{ readonly from: Dec; readonly rate: Dec }>;
}

/** The fee on `amount` of chargeable gain before rounding: the flat rate, or the tiers. */
function charge(amount: Dec, s: FeeState, t: FeeTerms): Dec {
  const tiers = t.tiers;
  if (!tiers) return amount.times(t.rate);
  if (tiers.basis === 'invested') {
    const invested = Dec.max(0, s.deposits.value.minus(s.withdrawals.value));
    let rate = tiers.tiers[0]!.rate;
    for (const tier of tiers.tiers) if (invested.gte(tier.from)) rate = tier.rate;
    return amount.times(rate);
  }
  let fee = new Dec(0);
  tiers.tiers.forEach((tier, i) => {
    const next = tiers.tiers[i + 1]?.from;
    const inBand = Dec.max(0, (next ? Dec.min(amount, next) : amount).minus(tier.from));
    fee = fee.plus(inBand.times(tier.rate));
  });
  return fee;
}

export interface FeeState {
  /** Equity basis: the equity the investor must exceed before a fee is due. */
  readonly mark: Money;
  /** Cumulative-profit basis: the high of the cumulative trading result, gross of fees. */
  readonly resultMark: Money;
  readonly deposits: Money;
  /** What the investor was paid out (a fee taken out of a withdrawal is in feesPaid, not here). */
  readonly withdrawals: Money;
  readonly feesPaid: Money;
}

export const NEW_FEE_STATE: FeeState = { mark: Money.zero, resultMark: Money.zero, deposits: Money.zero, withdrawals: Money.zero, feesPaid: Money.zero };

export interface FeeOutcome {
  readonly fee: Money;
  /** The gain above the mark the fee was assessed on (negative: below the mark). */
  readonly gain: Money;
  readonly next: FeeState;
  /** Withdrawals: true when the fee is paid out of the amount withdrawn, false when from the account. */
  readonly fromAmount?: boolean;
}

const round = (d: Dec, q: Quantum): Money => new Money(roundToQuantum(d, q));

/** The cumulative trading result, gross of fees: what flows cannot move. */
export function cumulativeResult(s: FeeState, equity: Money): Money {
  return equity.plus(s.withdrawals).plus(s.feesPaid).minus(s.deposits);
}

/** The gain above the mark on the configured basis. */
function gainOf(s: FeeState, t: FeeTerms, equity: Money): Money {
  return t.hwmBasis === 'equity' ? equity.minus(s.mark) : cumulativeResult(s, equity).minus(s.resultMark);
}

/** The hurdle in money for the assessed part of a year: on the mark, or on net capital for the cumulative basis. */
function hurdleAmount(s: FeeState, t: FeeTerms, yearFraction: Dec): Dec {
  if (t.hurdle === 'none') return new Dec(0);
  const base = t.hwmBasis === 'equity' ? s.mark.value : Dec.max(0, s.deposits.value.minus(s.withdrawals.value));
  return base.times(t.hurdleRate).times(yearFraction);
}

/** The fee on a gain: `hard` charges only above the hurdle, `soft` the whole gain once above it but never below it. */
function feeOn(gain: Money, hurdle: Dec, s: FeeState, t: FeeTerms, q: Quantum): Money {
  if (!gain.isPositive()) return Money.zero;
  if (t.hurdle === 'hard') return gain.value.gt(hurdle) ? round(charge(gain.value.minus(hurdle), s, t), q) : Money.zero;
  if (t.hurdle === 'soft') {
    if (!gain.value.gt(hurdle)) return Money.zero;
    return round(Dec.min(charge(gain.value, s, t), gain.value.minus(hurdle)), q);
  }
  return round(charge(gain.value, s, t), q);
}

/** The state after charging `fee` on everything above the mark: the mark resets per `hwmReset`. */
function reset(s: FeeState, t: FeeTerms, equity: Money, fee: Money): FeeState {
  const beforeFee = t.hwmReset === 'before-fee';
  if (t.hwmBasis === 'equity') return { ...s, mark: beforeFee ? equity : equity.minus(fee), feesPaid: s.feesPaid.plus(fee) };
  const result = cumulativeResult(s, equity);
  return { ...s, resultMark: beforeFee ? result.plus(fee) : result, feesPaid: s.feesPaid.plus(fee) };
}

/** A deposit raises the equity mark by its amount, so new money is never charged as profit. */
export function afterDeposit(s: FeeState, amount: Money): FeeState {
  return { ...s, mark: s.mark.plus(amount), deposits: s.deposits.plus(amount) };
}

/**
 * Period end (or exit): a fee on the gain above the mark, net of the hurdle for `yearFraction`
 * of a year. With a fee the mark resets; without one it stays (losses carry forward).
 */
export function crystallizePeriod(s: FeeState, t: FeeTerms, equity: Money, yearFraction: Dec, q: Quantum): FeeOutcome {
  const gain = gainOf(s, t, equity);
  const fee = feeOn(gain, hurdleAmount(s, t, yearFraction), s, t, q);
  return { fee, gain, next: fee.isPositive() ? reset(s, t, equity, fee) : s };
}

/**
 * Partial withdrawal of `amount`, the fraction `f` of the investor's equity:
 * The hurdle applies as at a period end, pro-rated to `yearFraction` of a year so far.
 * - `pro-rata`: the fee on the withdrawn fraction f of the gain is paid out
 *   of the amount, and the mark scales by (1 − f): what stays is an exact scaled copy;
 * - `crystallize-all`: the fee on the whole gain is charged now from the account, the mark
 *   resets, and the withdrawal then lowers it by the amount;
 * - `reduce-mark`: no fee; the equity mark drops by the amount withdrawn.
 * On the cumulative-profit basis flows never move the result; only the fee timing differs.
 */
export function crystallizeWithdrawal(s: FeeState, t: FeeTerms, equity: Money, amount: Money, f: Dec, yearFraction: Dec, q: Quantum): FeeOutcome {
  const gain = gainOf(s, t, equity);
  const hurdle = hurdleAmount(s, t, yearFraction);
  const withdrawn = { ...s, withdrawals: s.withdrawals.plus(amount) };
  if (t.partialWithdrawal === 'reduce-mark') {
    return { fee: Money.zero, gain, fromAmount: true, next: t.hwmBasis === 'equity' ? { ...withdrawn, mark: s.mark.minus(amount).max(Money.zero) } : withdrawn };
  }
  if (t.partialWithdrawal === 'crystallize-all') {
    const fee = feeOn(gain, hurdle, s, t, q);
    const after = fee.isPositive() ? reset(s, t, equity, fee) : s;
    const mark = t.hwmBasis !== 'equity' ? after.mark
      : fee.isPositive() ? after.mark.minus(amount) : round(s.mark.value.times(new Dec(1).minus(f)), q);
    return { fee, gain, fromAmount: false, next: { ...after, mark, withdrawals: s.withdrawals.plus(amount) } };
  }
  // pro-rata: the withdrawn fraction of the fee that would be due now (hurdle included). The fee
  // comes out of the amount, so the investor is paid amount − fee: only that counts as withdrawn,
  // or the cumulative result would count the fee twice (once withdrawn, once paid).
  const fee = round(feeOn(gain, hurdle, s, t, q).value.times(f), q);
  const paid = { ...s, withdrawals: s.withdrawals.plus(amount).minus(fee), feesPaid: s.feesPaid.plus(fee) };
  if (t.hwmBasis === 'equity') {
    const mark = round(s.mark.value.times(new Dec(1).minus(f)), q);
    return { fee, gain, fromAmount: true, next: { ...paid, mark } };
  }
  // Cumulative basis: the charged share of the gain moves into the mark.
  const charged = gain.isPositive() ? round(gain.value.times(f), q) : Money.zero;
  const resultMark = s.resultMark.plus(charged).plus(t.hwmReset === 'before-fee' ? fee : Money.zero);
  return { fee, gain, fromAmount: true, next: { ...paid, resultMark } };
}

/** Full exit: always crystallized, on the whole gain, the hurdle pro-rated to the part of the period. */
export function crystallizeExit(s: FeeState, t: FeeTerms, equity: Money, yearFraction: Dec, q: Quantum): FeeOutcome {
  const gain = gainOf(s, t, equity);
  return { fee: feeOn(gain, hurdleAmount(s, t, yearFraction), s, t, q), gain, next: NEW_FEE_STATE };
}
