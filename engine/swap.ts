// Swaps (DOMAIN §5): the overnight financing of an open position, charged at the daily
// rollover, tripled on the instrument's triple day, skipped for swap-free accounts.
import { Dec } from './decimal.js';
import { type Instrument, type InstrumentClass, type Side, pointSize } from './instrument.js';
import type { Price, Volume } from './values.js';

/** points: the rate in points (10^-digits) of the price; money: USD a lot a day; annual-interest: percent a year of the notional at the current price, on a 360-day year. */
export const SWAP_MODES = ['points', 'money', 'annual-interest'] as const;
export type SwapMode = (typeof SWAP_MODES)[number];

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface SwapTerms {
  readonly mode: SwapMode;
  /** Signed rates: positive is paid to the account, negative charged to it. */
  readonly long: Dec;
  readonly short: Dec;
  readonly tripleDay: Weekday;
}

/**
 * The default triple day (DOMAIN §5): Wednesday for FX (spot value dates, T+2, roll the
 * weekend on Wednesday), Friday for indices and commodities (metals and energies), stocks and
 * crypto. A broker that rolls spot metals on Wednesday sets `tripleDay` on the symbol.
 */
export function defaultTripleDay(cls: InstrumentClass): Weekday {
  return cls.startsWith('fx-') ? 'wednesday' : 'friday';
}

/** How many days of swap the rollover ending `day` charges: 3 on the triple day, 1 on other weekdays, none at weekends. */
export function swapDays(terms: SwapTerms, day: Weekday): 0 | 1 | 3 {
  if (day === 'saturday' || day === 'sunday') return 0;
  return day === terms.tripleDay ? 3 : 1;
}

/** One day's swap of a position, exact: USD for `money`, else in the quote currency (still to convert). */
export function swapAmount(terms: SwapTerms, inst: Instrument, side: Side, volume: Volume, current: Price): { readonly usd: boolean; readonly amount: Dec } {
  const rate = side === 'buy' ? terms.long : terms.short;
  switch (terms.mode) {
    case 'money': return { usd: true, amount: volume.value.times(rate) };
    case 'points': return { usd: false, amount: volume.value.times(inst.contractSize).times(rate).times(pointSize(inst)) };
    case 'annual-interest': return { usd: false, amount: volume.value.times(inst.contractSize).times(current.value).times(rate).div(100).div(360) };
  }
}
