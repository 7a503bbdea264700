// The executive account (DOMAIN §2, seed 001): all legs of one instrument at one instant are
// netted into one external order and every leg is filled at that single price.
import { Dec } from './decimal.js';
import { type Side, sideSign } from './instrument.js';
import { type Quote, fillPrice, mid } from './quotes.js';
import { Price, Volume } from './values.js';

export interface ExternalOrder {
  readonly symbol: string;
  /** Side of the net; `cross` when the legs cancel and nothing goes outside. */
  readonly side: Side | 'cross';
  readonly volume: Volume;
  readonly price: Price;
  readonly legs: number;
  readonly grossBuy: Volume;
  readonly grossSell: Volume;
}

/**
 * Nets signed leg volumes of one symbol. A net buy executes at ask and a net sell at bid;
 * a zero net is crossed internally at mid. Every leg takes the returned price.
 */
export function netLegs(symbol: string, legs: ReadonlyArray<{ side: Side; volume: Volume }>, quote: Quote): ExternalOrder {
  let buy = new Dec(0), sell = new Dec(0);
  for (const l of legs) {
    if (sideSign(l.side) > 0) buy = buy.plus(l.volume.value);
    else sell = sell.plus(l.volume.value);
  }
  const net = buy.minus(sell);
  const side: ExternalOrder['side'] = net.isZero() ? 'cross' : net.isPositive() ? 'buy' : 'sell';
  const price = side === 'cross' ? new Price(mid(quote)) : fillPrice(quote, side);
  return { symbol, side, volume: new Volume(net.abs()), price, legs: legs.length, grossBuy: new Volume(buy), grossSell: new Volume(sell) };
}
