// The booking quantum (DOMAIN §1): the smallest unit of money, volume and units, and the
// two ways a computed value comes back onto it: floor (splits) and half-up (rates, conversions).
import { Decimal } from 'decimal.js';
import { Dec } from './decimal.js';

export interface Quantum {
  /** The quantum as a decimal, e.g. 0.0000001. */
  readonly step: Dec;
  /** Decimal places of the quantum, e.g. 7. */
  readonly dp: number;
  /** 10^dp as a bigint, to scale values to whole quanta. */
  readonly scale: bigint;
}

export function makeQuantum(step: Dec): Quantum {
  const dp = step.decimalPlaces();
  if (!step.eq(new Dec(10).pow(-dp))) {
    throw new RangeError(`precision must be a power of ten such as 0.0000001, got ${step.toString()}`);
  }
  return { step, dp, scale: 10n ** BigInt(dp) };
}

export const DEFAULT_QUANTUM = makeQuantum(new Dec('0.0000001'));

/** Rounds half away from zero to the quantum: the rule for rate products and conversions. */
export function roundToQuantum(v: Dec, q: Quantum): Dec {
  return v.toDecimalPlaces(q.dp, Decimal.ROUND_HALF_UP);
}

/** Floors toward zero to the quantum: the rule for split parts and closed fractions. */
export function truncToQuantum(v: Dec, q: Quantum): Dec {
  return v.toDecimalPlaces(q.dp, Decimal.ROUND_DOWN);
}

/** Rounds up (away from zero) to the quantum: the rule for units redeemed to pay an amount. */
export function ceilToQuantum(v: Dec, q: Quantum): Dec {
  return v.toDecimalPlaces(q.dp, Decimal.ROUND_UP);
}

export function isOnQuantum(v: Dec, q: Quantum): boolean {
  return v.decimalPlaces() <= q.dp;
}

export function toQuanta(v: Dec, q: Quantum): bigint {
  if (!isOnQuantum(v, q)) throw new RangeError(`${v.toString()} is finer than the quantum ${q.step.toString()}`);
  return BigInt(v.times(q.step.pow(-1)).toFixed(0));
}

export function fromQuanta(n: bigint, q: Quantum): Dec {
  return new Dec(n.toString()).div(new Dec(q.scale.toString()));
}

/** Fixed-point text at the quantum: the form of every booked value in outputs. */
export function formatQ(v: Dec, q: Quantum): string {
  return v.toFixed(q.dp);
}
