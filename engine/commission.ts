// Commissions (DOMAIN §5): the broker's charge on each account's own volume, per instrument
// class, under the `commissionSide` policy.
import { Dec } from './decimal.js';

/** `per-side`: the rate is charged on the open and again on the close; `round-turn`: the rate covers both and is charged in full at the open. */
export type CommissionSide = 'per-side' | 'round-turn';

/** The share of the rate one fill pays: per-side 1 on each side; round-turn 1 at the open, 0 at the close. */
export function commissionShare(side: CommissionSide, leg: 'open' | 'close'): Dec {
  return new Dec(side === 'per-side' || leg === 'open' ? 1 : 0);
}
