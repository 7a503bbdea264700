// Pending orders and protective stops (DOMAIN §4): which price side and direction each one
// watches, whether a price move crossed it, and at what price it fills: at its level inside
// a continuous move (within a bar), at the first price after a gap (stops worse, limits better).
import { Dec } from './decimal.js';
import type { Side } from './instrument.js';
import type { Quote } from './quotes.js';
import { Price } from './values.js';

export const PENDING_TYPES = ['buy-limit', 'sell-limit', 'buy-stop', 'sell-stop'] as const;
export type PendingType = (typeof PENDING_TYPES)[number];

export function pendingSide(t: PendingType): Side {
  return t.startsWith('buy') ? 'buy' : 'sell';
}

/** What a trigger watches: buys trigger on ask, sells on bid; `down` fires at or below the level. */
export interface Watch {
  readonly on: 'bid' | 'ask';
  readonly direction: 'down' | 'up';
  readonly level: Price;
}

export function pendingWatch(t: PendingType, level: Price): Watch {
  switch (t) {
    case 'buy-limit': return { on: 'ask', direction: 'down', level };
    case 'buy-stop': return { on: 'ask', direction: 'up', level };
    case 'sell-limit': return { on: 'bid', direction: 'up', level };
    case 'sell-stop': return { on: 'bid', direction: 'down', level };
  }
}

/** A position closes on the opposite side: a long's SL and TP watch bid, a short's watch ask. */
export function stopWatch(positionSide: Side, kind: 'stop-loss' | 'take-profit', level: Price): Watch {
  const long = positionSide === 'buy';
  const down = kind === 'stop-loss' ? long : !long;
  return { on: long ? 'bid' : 'ask', direction: down ? 'down' : 'up', level };
}

const sidePrice = (q: Quote, on: 'bid' | 'ask'): Dec => (on === 'bid' ? q.bid.value : q.ask.value);

/** True while the price is on the trigger's far side (the order would fire now). */
export function isBeyond(w: Watch, q: Quote): boolean {
  const p = sidePrice(q, w.on);
  return w.direction === 'down' ? p.lte(w.level.value) : p.gte(w.level.value);
}

/**
 * The fill price if the move from `prev` to `next` crosses the watch: the level itself when
 * the move is continuous and started on the near side, otherwise the price after the move.
 */
export function crossing(w: Watch, prev: Quote, next: Quote, continuous: boolean): Dec | undefined {
  if (!isBeyond(w, next)) return undefined;
  return continuous && !isBeyond(w, prev) ? w.level.value : sidePrice(next, w.on);
}

/** How far along the move from `prev` a level lies (smaller = reached first). */
export function distance(w: Watch, prev: Quote): Dec {
  const p = sidePrice(prev, w.on);
  return w.direction === 'down' ? p.minus(w.level.value) : w.level.value.minus(p);
}

/** The quote at the moment a trigger fills: its side at the fill price, the other at the current spread. */
export function quoteAt(w: Watch, fill: Dec, current: Quote): Quote {
  const spread = current.ask.value.minus(current.bid.value);
  return w.on === 'bid'
    ? { time: current.time, bid: new Price(fill), ask: new Price(fill.plus(spread)) }
    : { time: current.time, bid: new Price(fill.minus(spread)), ask: new Price(fill) };
}

/**
 * Whether an order's level may stand now (MT4's "invalid stops"): a limit or stop must lie on
 * its proper side of the current price, and so must a position's SL and TP.
 */
export function validLevel(w: Watch, q: Quote): boolean {
  return !isBeyond(w, q);
}
