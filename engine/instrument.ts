// Instruments (DOMAIN §5): contract terms, and how a price move becomes profit in the
// quote currency and then in the account currency.
import { Dec } from './decimal.js';
import type { Price, Volume } from './values.js';

export const INSTRUMENT_CLASSES = ['fx-major', 'fx-cross', 'fx-exotic', 'metal', 'index', 'energy', 'stock', 'crypto'] as const;
export type InstrumentClass = (typeof INSTRUMENT_CLASSES)[number];
export type MarginMode = 'forex' | 'cfd';
export type Side = 'buy' | 'sell';

export interface Instrument {
  readonly symbol: string;
  readonly class: InstrumentClass;
  /** Base currency (or the asset for CFDs), e.g. EUR in EURUSD. */
  readonly base: string;
  /** Quote currency: the currency profit is made in before conversion. */
  readonly quote: string;
  readonly contractSize: Dec;
  readonly digits: number;
  readonly pipSize: Dec;
  readonly minLot: Volume;
  readonly lotStep: Volume;
  readonly maxLot: Volume;
  readonly marginMode: MarginMode;
}

export function sideSign(side: Side): 1 | -1 {
  return side === 'buy' ? 1 : -1;
}

export function opposite(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}

/** Exact profit in the quote currency of moving `volume` from `open` to `close`. */
export function quoteProfit(inst: Instrument, side: Side, volume: Volume, open: Price, close: Price): Dec {
  return volume.value.times(inst.contractSize).times(close.value.minus(open.value)).times(sideSign(side));
}

/** The smallest price increment of the instrument, 10^-digits. */
export function pointSize(inst: Instrument): Dec {
  return new Dec(10).pow(-inst.digits);
}
