// Performance fee with a high-water mark per investor (DOMAIN §7), under the default
// policies: equity basis, mark reset after the fee, floating P&L included, pro-rata
// crystallization on partial withdrawal, no hurdle. Pure functions over one investor's mark.
import { Dec } from './decimal.js';
import { type Quantum, roundToQuantum } from './quantum.js';
import { Money } from './values.js';

export interface HighWaterMark {
  /** Equity the investor must exceed before a fee is due. */
  readonly mark: Money;
  /** Fee rate as a fraction (0.2 = 20%); zero for the manager's own capital. */
  readonly rate: Dec;
}

export interface FeeOutcome {
  readonly fee: Money;
  readonly gain: Money;
  readonly next: HighWaterMark;
}

function feeOn(gain: Money, rate: Dec, q: Quantum): Money {
  return gain.isPositive() ? new Money(roundToQuantum(gain.value.times(rate), q)) : Money.zero;
}

/** A deposit raises the mark by its amount, so new money is never charged as profit. */
export function afterDeposit(h: HighWaterMark, amount: Money): HighWaterMark {
  return { ...h, mark: h.mark.plus(amount) };
}

/** Period end: fee on equity above the mark; the mark becomes the post-fee equity. Below the mark nothing changes. */
export function crystallizePeriod(h: HighWaterMark, equity: Money, q: Quantum): FeeOutcome {
  const gain = equity.minus(h.mark);
  const fee = feeOn(gain, h.rate, q);
  if (!gain.isPositive()) return { fee: Money.zero, gain, next: h };
  return { fee, gain, next: { ...h, mark: equity.minus(fee) } };
}

/**
 * Partial withdrawal (`pro-rata`): the fee attributable to the withdrawn fraction f = amount /
 * equity is crystallized and paid out of the amount, and the mark scales by (1 − f), so what
 * stays behind is an exact scaled copy of the investor's position against its mark.
 */
export function crystallizeWithdrawal(h: HighWaterMark, equity: Money, amount: Money, q: Quantum): FeeOutcome {
  const gain = equity.minus(h.mark);
  const fee = gain.isPositive() ? new Money(roundToQuantum(gain.value.times(h.rate).times(amount.value).div(equity.value), q)) : Money.zero;
  const mark = new Money(roundToQuantum(h.mark.value.times(equity.value.minus(amount.value)).div(equity.value), q));
  return { fee, gain, next: { ...h, mark } };
}

/** Full exit: always crystallized on the whole gain above the mark. */
export function crystallizeExit(h: HighWaterMark, equity: Money, q: Quantum): FeeOutcome {
  const gain = equity.minus(h.mark);
  return { fee: feeOn(gain, h.rate, q), gain, next: { ...h, mark: Money.zero } };
}
