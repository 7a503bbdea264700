// The executive account (DOMAIN §2, seed 001): all legs of one instrument at one instant are
// netted; the clients' net decides the one price every leg gets, and the order sent out is
// that net plus the house's residual leg, in whole lot steps.
import { Dec } from './decimal.js';
import { type Side, sideSign } from './instrument.js';
import { type Quote, fillPrice, mid } from './quotes.js';
import { Price, Volume } from './values.js';

export interface ExternalOrder {
  readonly symbol: string;
  /** Side of the clients' net, which sets the price; `cross` when their legs cancel (filled at mid). */
  readonly side: Side | 'cross';
  /** The clients' net volume. */
  readonly volume: Volume;
  readonly price: Price;
  readonly legs: number;
  readonly grossBuy: Volume;
  readonly grossSell: Volume;
  /** Signed change of the house's residual exposure at this instant (buy positive). */
  readonly house: Dec;
  /** Signed volume sent to the market: clients' net + house, whole lot steps (buy positive). */
  readonly external: Dec;
}

/**
 * Nets the clients' legs of one symbol: a net buy executes at ask and a net sell at bid; a zero
 * net crosses internally at mid. Every leg, the house's included, takes that price.
 */
export function netLegs(symbol: string, legs: ReadonlyArray<{ side: Side; volume: Volume }>, quote: Quote, house: Dec = new Dec(0)): ExternalOrder {
  let buy = new Dec(0), sell = new Dec(0);
  for (const l of legs) {
    if (sideSign(l.side) > 0) buy = buy.plus(l.volume.value);
    else sell = sell.plus(l.volume.value);
  }
  const net = buy.minus(sell);
  const side: ExternalOrder['side'] = net.isZero() ? 'cross' : net.isPositive() ? 'buy' : 'sell';
  const price = side === 'cross' ? new Price(mid(quote)) : fillPrice(quote, side);
  return { symbol, side, volume: new Volume(net.abs()), price, legs: legs.length, grossBuy: new Volume(buy), grossSell: new Volume(sell), house, external: net.plus(house) };
}
