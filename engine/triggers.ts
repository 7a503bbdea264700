// Quotes and triggers (DOMAIN §4): a new price fills the pending orders, stop-losses and
// take-profits it crosses, in the order the price reaches them, each at the quote of its moment;
// then the risk rules look at the new price (DOMAIN §9). Kept apart from execution because
// ordering the triggers of one move is its own rule (gaps, same-bar stops, ties).
import { Dec } from './decimal.js';
import type { Side } from './instrument.js';
import { crossing, distance, isBeyond as isBeyondAt, pendingSide, pendingWatch, quoteAt, stopWatch, type Watch } from './orders.js';
import type { Parts, ProgramState } from './program-state.js';
import type { Quote } from './quotes.js';
import type { ServerTime } from './time.js';
import { Price } from './values.js';

/** How a quote arrives: across a gap (new tick, bar open) or continuously (within a bar). */
export interface PriceMove {
  readonly continuous: boolean;
  /** False outside the trading week: the price is recorded, nothing triggers (the next open acts as a gap). */
  readonly marketOpen?: boolean;
  /** The bar this move belongs to, for the same-bar stop-loss rule. */
  readonly bar?: { readonly high: Price; readonly low: Price; readonly spread: Dec };
}

interface Trigger {
  readonly kind: 'pending' | 'stop-loss' | 'take-profit';
  readonly ticket: string;
  readonly watch: Watch;
}

const TRIGGER_RANK = { 'stop-loss': 0, 'take-profit': 1, pending: 2 } as const;

/** Whether a position's stop-loss lies within a bar's range (bid low for a long, ask high for a short). */
function slInBar(side: Side, sl: Price, bar: NonNullable<PriceMove['bar']>): boolean {
  return side === 'buy' ? bar.low.lte(sl) : bar.high.value.plus(bar.spread).gte(sl.value);
}

export class Triggers {
  constructor(private readonly s: ProgramState, private readonly p: Parts) {}

  /**
   * A new price. Every pending order, stop-loss and take-profit the move crosses fills in the
   * order the price reaches them, each through the executive at the quote of its moment. A
   * position opened by a trigger is watched from its fill on, for the rest of the same move.
   */
  onQuote(symbol: string, quote: Quote, move: PriceMove = { continuous: false }): void {
    this.p.execution.flush();
    const prev = this.s.quotes.get(symbol);
    if (prev && move.marketOpen !== false) {
      /** Where each trade opened during this move starts watching from. */
      const from = new Map<string, Quote>();
      for (;;) {
        const hits = this.triggers(symbol, move)
          .map((tr) => ({ tr, fill: crossing(tr.watch, from.get(tr.ticket) ?? prev, quote, move.continuous) }))
          .filter((h): h is { tr: Trigger; fill: Dec } => h.fill !== undefined)
          .sort((a, b) => distance(a.tr.watch, prev).cmp(distance(b.tr.watch, prev)) || TRIGGER_RANK[a.tr.kind] - TRIGGER_RANK[b.tr.kind] || (a.tr.ticket < b.tr.ticket ? -1 : 1));
        const hit = hits[0];
        if (!hit) break;
        const at = quoteAt(hit.tr.watch, hit.fill, quote);
        this.s.quotes.set(symbol, at);
        const continuousFill = move.continuous && !isBeyondAt(hit.tr.watch, from.get(hit.tr.ticket) ?? prev);
        this.fire(quote.time, hit.tr, hit.fill, continuousFill);
        if (hit.tr.kind === 'pending') from.set(hit.tr.ticket, at);
        this.p.execution.flush();
      }
    }
    this.s.quotes.set(symbol, quote);
    this.p.risk.quote(symbol);
    if (move.marketOpen !== false) this.p.risk.checkRisk(quote.time);
  }

  /**
   * What watches this symbol now. With `stop-loss-first`, inside a bar (a continuous move) a
   * take-profit waits while its stop-loss also lies within the bar; a bar's opening gap is
   * unambiguous and fills whatever it crosses.
   */
  private triggers(symbol: string, move: PriceMove): Trigger[] {
    const out: Trigger[] = [];
    for (const o of this.s.pendingOrders.values()) if (o.symbol === symbol) out.push({ kind: 'pending', ticket: o.ticket, watch: pendingWatch(o.type, o.price) });
    for (const t of this.s.masterTrades.values()) {
      if (t.symbol !== symbol) continue;
      if (t.sl) out.push({ kind: 'stop-loss', ticket: t.ticket, watch: stopWatch(t.side, 'stop-loss', t.sl) });
      const held = this.s.config.policies.sameBarStops === 'stop-loss-first' && move.continuous && t.sl && move.bar && slInBar(t.side, t.sl, move.bar);
      if (t.tp && !held) out.push({ kind: 'take-profit', ticket: t.ticket, watch: stopWatch(t.side, 'take-profit', t.tp) });
    }
    return out;
  }

  private fire(time: ServerTime, tr: Trigger, fill: Dec, atLevel: boolean): void {
    const how = atLevel ? `at its level ${fill.toString()}` : `at ${fill.toString()}, the first price after a gap`;
    if (tr.kind === 'pending') {
      const o = this.s.pendingOrders.get(tr.ticket)!;
      this.s.pendingOrders.delete(tr.ticket);
      this.s.emit({ time, kind: 'order-triggered', ticket: o.ticket, symbol: o.symbol, volume: o.volume, price: new Price(fill), reason: `${o.type} ${o.price.toString()} filled ${how}` });
      this.p.orders.masterOpen(time, o.ticket, o.symbol, pendingSide(o.type), o.volume, { overrides: o.overrides, sl: o.sl, tp: o.tp, checkLevels: false });
      return;
    }
    const t = this.s.masterTrades.get(tr.ticket)!;
    this.s.emit({ time, kind: tr.kind, ticket: t.ticket, symbol: t.symbol, volume: this.p.valuation.masterVolume(t.ticket), price: new Price(fill), reason: `${tr.kind} ${tr.watch.level.toString()} hit; closed ${how}` });
    this.p.orders.masterClose(time, t.ticket, undefined, tr.kind);
  }
}
