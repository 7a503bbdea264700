// Per-instrument-class rates (DOMAIN §5, §8): the shape commissions and rebate plans share,
// and what one rate comes to on a volume at a price, in USD or in the quote currency.
import { Dec } from './decimal.js';
import type { Instrument, InstrumentClass } from './instrument.js';
import type { Price, Volume } from './values.js';

/** One rate: USD per lot, percent of notional, or (rebates) pips of the spread valued with the pip value. */
export type Rate =
  | { readonly kind: 'per-lot'; readonly value: Dec }
  | { readonly kind: 'notional-pct'; readonly value: Dec }
  | { readonly kind: 'pips'; readonly value: Dec };

/** Rates by instrument class; `default` covers the classes not listed. */
export type RateSchedule = ReadonlyMap<InstrumentClass | 'default', Rate>;

export function rateFor(schedule: RateSchedule, cls: InstrumentClass): Rate | undefined {
  return schedule.get(cls) ?? schedule.get('default');
}

/**
 * What `rate` × `share` comes to on `volume` at `price`, exact: per-lot is already USD;
 * notional-pct (volume × contract × price × pct / 100) and pips (pips × pip size × contract ×
 * volume) are in the instrument's quote currency and still need converting.
 */
export function rateAmount(rate: Rate, inst: Instrument, volume: Volume, price: Price, share: Dec): { readonly usd: boolean; readonly amount: Dec } {
  const v = volume.value.times(share);
  switch (rate.kind) {
    case 'per-lot': return { usd: true, amount: v.times(rate.value) };
    case 'notional-pct': return { usd: false, amount: v.times(inst.contractSize).times(price.value).times(rate.value).div(100) };
    case 'pips': return { usd: false, amount: v.times(inst.contractSize).times(inst.pipSize).times(rate.value) };
  }
}

export function describeRate(rate: Rate): string {
  switch (rate.kind) {
    case 'per-lot': return `${rate.value.toString()} USD a lot`;
    case 'notional-pct': return `${rate.value.toString()}% of notional`;
    case 'pips': return `${rate.value.toString()} pips`;
  }
}
