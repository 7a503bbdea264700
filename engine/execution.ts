// Execution (DOMAIN §2 executive account, §4 fills): the legs of one instant gather, then are
// netted per instrument into one external order in whole lot steps (the house takes the rest)
// and every leg fills at the net's price. Also the exact shares rounding left without a position
// ("shadows"): their ideal P&L is the rounding money an account missed (DOMAIN §3).
import { Dec } from './decimal.js';
import type { CloseCause, ClosedTrade } from './events.js';
import { type ExternalOrder, netLegs } from './executive.js';
import { opposite, type Side, sideSign } from './instrument.js';
import { type MasterTrade, type Parts, type Position, type ProgramState, type SkippedShare, SYSTEM_ACCOUNTS } from './program-state.js';
import type { ServerTime } from './time.js';
import { Money, Price, Volume } from './values.js';

export type Leg =
  | { readonly kind: 'open'; readonly account: string; readonly masterTicket: string; readonly symbol: string; readonly side: Side; readonly volume: Volume; readonly exact: Dec }
  | { readonly kind: 'close'; readonly position: Position; readonly volume: Volume; readonly cause: CloseCause; readonly exact?: Dec };

/**
 * Exact volume closing without an actual leg (a skipped share, or the exact part of a
 * reduction that rounded down to nothing): priced at the instant's price, never executed.
 */
export interface Shadow {
  readonly account: string;
  readonly ticket: string;
  readonly symbol: string;
  readonly side: Side;
  readonly exact: Dec;
  readonly openPrice: () => Price;
  /** The position whose exact volume this retires. */
  readonly position?: Position;
}

function legSide(l: Leg): Side {
  return l.kind === 'open' ? l.side : opposite(l.position.side);
}

export class Execution {
  /** The legs and shadows gathered at the current instant (`pendingTime`), not executed yet. */
  private pending: Leg[] = [];
  private shadows: Shadow[] = [];
  private pendingTime: ServerTime | undefined;
  private nextTicket = 1;

  constructor(private readonly s: ProgramState, private readonly p: Parts) {}

  /** Legs and shadows gather per instant: a new instant first executes what the last one gathered. */
  private atInstant(time: ServerTime): void {
    if (this.pendingTime !== undefined && this.pendingTime !== time) this.flush();
    this.pendingTime = time;
  }

  queue(time: ServerTime, leg: Leg): void {
    this.atInstant(time);
    this.pending.push(leg);
  }

  queueShadow(time: ServerTime, sh: Shadow): void {
    this.atInstant(time);
    this.shadows.push(sh);
  }

  /** Open legs of an account queued at this instant, not filled yet. */
  queuedOpens(account: string): Array<{ symbol: string; side: Side; volume: Volume }> {
    return this.pending.flatMap((l) => (l.kind === 'open' && l.account === account ? [{ symbol: l.symbol, side: l.side, volume: l.volume }] : []));
  }

  /** Nets the legs of the current instant per instrument and fills every leg at the net's price; returns that instant (none when nothing was gathered). */
  flush(): ServerTime | undefined {
    if (this.pending.length === 0 && this.shadows.length === 0) return undefined;
    const time = this.pendingTime!;
    const legs = this.pending;
    const shadows = this.shadows;
    this.pending = [];
    this.shadows = [];
    this.pendingTime = undefined;
    const symbols: string[] = [];
    for (const l of legs) {
      const s = l.kind === 'open' ? l.symbol : l.position.symbol;
      if (!symbols.includes(s)) symbols.push(s);
    }
    // Shadows of a symbol with no leg this instant are priced where a close would fill now.
    for (const sh of shadows) {
      if (!symbols.includes(sh.symbol)) this.missed(time, sh, this.p.valuation.markOf(sh.symbol, sh.side));
    }
    for (const symbol of symbols) {
      const clients = legs.filter((l) => (l.kind === 'open' ? l.symbol : l.position.symbol) === symbol);
      // In a book netted broker-wide the book's desk takes the residual once, on every program's net (engine/book-desk.ts).
      const house = this.s.config.residual === 'book' ? [] : this.houseLegs(time, symbol, clients);
      const houseNet = house.reduce((x, l) => x.plus(l.volume.value.times(sideSign(legSide(l)))), new Dec(0));
      const order = this.slipped(time, netLegs(symbol, clients.map((l) => ({ side: legSide(l), volume: l.volume })), this.s.quotes.require(symbol), houseNet));
      const step = this.s.instrument(symbol).lotStep.value;
      if (this.s.config.residual !== 'book' && !order.external.mod(step).isZero()) throw new Error(`executive: external order ${order.external.toString()} ${symbol} is not in whole lot steps`);
      this.s.sink.execution(time, order);
      for (const l of [...clients, ...house]) this.fill(time, l, order.price);
      for (const sh of shadows.filter((x) => x.symbol === symbol)) this.missed(time, sh, order.price);
    }
    return time;
  }

  /** A stress window's slippage moves the net's price against its side (a cross at mid does not slip). */
  private slipped(time: ServerTime, order: ExternalOrder): ExternalOrder {
    const slip = this.s.config.slippage?.(order.symbol, time);
    if (!slip || slip.isZero() || order.side === 'cross') return order;
    return { ...order, price: new Price(order.price.value.plus(slip.times(sideSign(order.side)))) };
  }

  /** The ideal P&L an exact share without a position made, closed at `price`: rounding money the account missed. */
  private missed(time: ServerTime, sh: Shadow, price: Price): void {
    const ideal = this.p.valuation.profit(sh.account, sh.symbol, sh.side, sh.exact, sh.openPrice(), price);
    if (sh.position) sh.position.exactVolume = sh.position.exactVolume.minus(sh.exact);
    this.s.emit({ time, kind: 'rounding-missed', account: sh.account, ticket: sh.ticket, symbol: sh.symbol, volume: new Volume(sh.exact), amount: ideal, reason: 'P&L of the exact share that rounding left out of this account' });
  }

  /** A master trade's skipped share, as a shadow of `exact` of it. */
  skippedShadow(account: string, t: MasterTrade, share: SkippedShare, exact: Dec): Shadow {
    return { account, ticket: t.ticket, symbol: t.symbol, side: t.side, exact, openPrice: () => share.openPrice ?? t.openPrice! };
  }

  /** Settles `fraction` of an account's skipped shares at the current mark (it leaves, withdraws, or gets a real position). */
  settleSkipped(time: ServerTime, account: string, fraction: Dec, only?: MasterTrade): void {
    for (const t of this.s.masterTrades.values()) {
      if (only && t !== only) continue;
      const share = t.skipped.get(account);
      if (!share || share.exact.isZero() || !t.openPrice) continue;
      const closing = share.exact.times(Dec.min(fraction, 1));
      this.missed(time, this.skippedShadow(account, t, share, closing), this.p.valuation.markOf(t.symbol, t.side));
      const left = share.exact.minus(closing);
      if (left.isZero()) t.skipped.delete(account);
      else t.skipped.set(account, { ...share, exact: left });
    }
  }

  /**
   * Signed open volume of a symbol: the house's own (its few positions), or everyone else's but
   * self-trading clients', who fill on their own outside the executive account (kept as legs fill).
   */
  private exposure(symbol: string, house: boolean): Dec {
    return house ? this.houseExposure(symbol) : this.s.clientExposure.get(symbol) ?? new Dec(0);
  }

  /** Signed volume the house holds in a symbol as the executive's residual (buy positive). */
  houseExposure(symbol: string): Dec {
    let x = new Dec(0);
    for (const p of this.s.accounts.get(SYSTEM_ACCOUNTS.house)!.positions) if (p.symbol === symbol) x = x.plus(p.volume.value.times(sideSign(p.side)));
    return x;
  }

  /**
   * The executive account executes whole lot steps only (DOMAIN §2): the house takes the
   * opposite of the sub-step part of everyone's exposure in the symbol, so the external net is
   * whole steps. Returns the house's legs for this instant (closing its oldest first).
   */
  private houseLegs(time: ServerTime, symbol: string, legs: readonly Leg[]): Leg[] {
    const step = this.s.instrument(symbol).lotStep.value;
    const after = legs.reduce((x, l) => x.plus(l.volume.value.times(sideSign(legSide(l)))), this.exposure(symbol, false));
    const target = after.div(step).trunc().times(step).minus(after);
    const now = this.exposure(symbol, true);
    let change = target.minus(now);
    if (change.isZero()) return [];
    const out: Leg[] = [];
    const house = this.s.accounts.get(SYSTEM_ACCOUNTS.house)!;
    for (const p of house.positions) {
      if (p.symbol !== symbol || change.isZero() || sideSign(p.side) * change.s >= 0) continue;
      const v = Dec.min(p.volume.value, change.abs());
      out.push({ kind: 'close', position: p, volume: new Volume(v), cause: 'residual-exposure' });
      change = change.minus(v.times(-sideSign(p.side)));
    }
    if (!change.isZero()) out.push({ kind: 'open', account: SYSTEM_ACCOUNTS.house, masterTicket: `house:${symbol}`, symbol, side: change.isPositive() ? 'buy' : 'sell', volume: new Volume(change.abs()), exact: new Dec(0) });
    this.s.emit({ time, kind: 'residual-exposure', account: SYSTEM_ACCOUNTS.house, symbol, volume: new Volume(target.abs()), reason: `the house holds ${target.isNegative() ? 'short' : target.isZero() ? 'flat' : 'long'} ${target.abs().toString()} ${symbol}: the part of the net below the lot step ${step.toString()}` });
    return out;
  }

  fill(time: ServerTime, leg: Leg, price: Price): void {
    this.p.risk.touched();
    if (leg.kind === 'open') {
      const acc = this.s.accounts.get(leg.account)!;
      const pos: Position = { ticket: this.nextTicket++, account: leg.account, masterTicket: leg.masterTicket, symbol: leg.symbol, side: leg.side, volume: leg.volume, exactVolume: leg.exact, openPrice: price, openTime: time, commission: Money.zero, swap: Money.zero, openRebate: new Dec(0) };
      acc.positions.push(pos);
      this.s.addTicketVolume(pos.masterTicket, leg.volume.value);
      this.s.addExposure(acc.kind, pos.symbol, leg.volume.value.times(sideSign(pos.side)));
      pos.commission = this.p.costs.tradeCosts(time, acc, pos, 'open', leg.volume, price);
      this.p.costs.chargeVolumeFee(time, acc, leg.symbol, leg.volume, price);
      const trade = this.s.masterTrades.get(leg.masterTicket);
      if (trade && !trade.openPrice) trade.openPrice = price;
      return;
    }
    const p = leg.position;
    const acc = this.s.accounts.get(p.account)!;
    const closeCommission = this.p.costs.tradeCosts(time, acc, p, 'close', leg.volume, price);
    this.p.costs.chargeVolumeFee(time, acc, p.symbol, leg.volume, price);
    // The closed part carries its share of the commission and swap booked on the position so far.
    const carried = (m: Money): Money => new Money(this.p.costs.closedShare(m.value, p, leg.volume));
    const commission = carried(p.commission), swap = carried(p.swap);
    p.commission = p.commission.minus(commission);
    p.swap = p.swap.minus(swap);
    const profit = this.p.valuation.profit(p.account, p.symbol, p.side, leg.volume.value, p.openPrice, price);
    // The exact volume retired: the intended fraction when given, everything when the position closes out.
    const exactClosed = leg.volume.eq(p.volume) ? p.exactVolume : Dec.min(leg.exact ?? p.exactVolume.times(leg.volume.value).div(p.volume.value), p.exactVolume);
    const idealProfit = this.p.valuation.profit(p.account, p.symbol, p.side, exactClosed, p.openPrice, price);
    p.exactVolume = p.exactVolume.minus(exactClosed);
    p.volume = p.volume.minus(leg.volume);
    this.s.addTicketVolume(p.masterTicket, leg.volume.value.neg());
    this.s.addExposure(acc.kind, p.symbol, leg.volume.value.times(-sideSign(p.side)));
    if (p.volume.isZero()) acc.positions = acc.positions.filter((x) => x !== p);
    // Nothing open: a margin-call episode is over, whatever the last price was.
    if (acc.positions.length === 0) this.s.inMarginCall.delete(acc.id);
    this.s.post(time, SYSTEM_ACCOUNTS.market, p.account, profit, 'realized-pnl', String(p.ticket));
    if (this.s.config.risk) this.s.lastClose.set(p, { price, profit });
    const t: ClosedTrade = {
      account: p.account, ticket: p.ticket, masterTicket: p.masterTicket, symbol: p.symbol, side: p.side,
      volume: leg.volume, openTime: p.openTime, openPrice: p.openPrice, closeTime: time, closePrice: price,
      profit, idealProfit, commission: commission.plus(closeCommission), swap, cause: leg.cause,
    };
    this.s.sink.trade(t);
  }

  /** Queues closes of `volume` from positions (oldest first). */
  /**
   * Queues closes of `volume` from positions, oldest first. `fraction` is the intended share of
   * each position's exact volume to retire (rounding money follows the exact share even where
   * the actual close rounds down, to nothing included).
   */
  closeVolume(time: ServerTime, positions: readonly Position[], volume: Volume, cause: CloseCause, fraction?: Dec): void {
    if (fraction && positions.length > 1) return this.closeAcross(time, positions, volume, cause, fraction);
    let left = volume;
    for (const p of positions) {
      const v = left.isPositive() ? p.volume.min(left) : Volume.zero;
      left = left.minus(v);
      const exact = fraction && p.exactVolume.times(Dec.min(fraction, 1));
      if (v.isPositive()) this.queue(time, { kind: 'close', position: p, volume: v, cause, exact });
      else if (exact && exact.gt(0)) this.queueShadow(time, { account: p.account, ticket: p.masterTicket, symbol: p.symbol, side: p.side, exact, openPrice: () => p.openPrice, position: p });
    }
  }

  /**
   * `fraction` of an account's several positions of one trade (a pool part grown by a deposit, a
   * re-split block), `volume` closing oldest first: each closing position gives up its own exact
   * share pro rata to the volume it closes, and what the grain kept from closing (fraction of
   * their exact volumes together, less those shares) goes with the positions that still hold
   * exact volume, oldest first, closed with the leg or as a missed share. A position that does not
   * close keeps its exact volume, so rounding money stays with the exposure that is still open.
   */
  private closeAcross(time: ServerTime, positions: readonly Position[], volume: Volume, cause: CloseCause, fraction: Dec): void {
    let left = volume;
    const plan = positions.map((p) => {
      const v = left.isPositive() ? p.volume.min(left) : Volume.zero;
      left = left.minus(v);
      return { p, v, exact: p.exactVolume.times(v.value).div(p.volume.value) };
    });
    const ideal = positions.reduce((x, p) => x.plus(p.exactVolume), new Dec(0)).times(Dec.min(fraction, 1));
    let rest = ideal.minus(plan.reduce((x, s) => x.plus(s.exact), new Dec(0)));
    for (const s of plan) {
      if (!rest.isPositive() || rest.isZero()) break;
      const add = Dec.min(s.p.exactVolume.minus(s.exact), rest);
      if (!add.isPositive()) continue;
      s.exact = s.exact.plus(add);
      rest = rest.minus(add);
    }
    for (const s of plan) {
      if (s.v.isPositive()) this.queue(time, { kind: 'close', position: s.p, volume: s.v, cause, exact: s.exact });
      else if (s.exact.gt(0)) this.queueShadow(time, { account: s.p.account, ticket: s.p.masterTicket, symbol: s.p.symbol, side: s.p.side, exact: s.exact, openPrice: () => s.p.openPrice, position: s.p });
    }
  }
}
