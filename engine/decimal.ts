// The one Decimal configuration every booked value uses: enough significant digits that
// sums and products of booked values are exact, so rounding happens only where a rule says.
import { Decimal } from 'decimal.js';

export const Dec = Decimal.clone({
  precision: 80,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -60,
  toExpPos: 80,
});
export type Dec = Decimal;
export type DecInput = string | number | Decimal;

export const ZERO = new Dec(0);
export const ONE = new Dec(1);

/** Parses a decimal literal; numbers go through their shortest round-trip form. */
export function dec(v: DecInput): Dec {
  return new Dec(v);
}

/** Number of digits after the point in a decimal's exact representation. */
export function decimalPlaces(v: Dec): number {
  return v.decimalPlaces();
}
