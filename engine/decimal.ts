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
