// Master orders (DOMAIN §3 allocation, §4 orders): the master's market, pending, modify, cancel
// and close orders, their validation (lot rules, stops, order count) and the allocation of an
// open over the followers. Every refusal is an `order-rejected` event with its reason.
import { allocate, AllocationError, type AllocationNote, allocationFamily, proportionalPart, splitOnGrain } from './allocation.js';
import type { AllocationMethod } from './policies.js';
import { Dec } from './decimal.js';
import type { CloseCause } from './events.js';
import type { Instrument, Side } from './instrument.js';
import { pendingSide, type PendingType, pendingWatch, stopWatch, validLevel } from './orders.js';
import { ACCOUNT_CURRENCY, type Parts, type ProgramState, SYSTEM_ACCOUNTS } from './program-state.js';
import type { ServerTime } from './time.js';
import { Price, Volume } from './values.js';

export interface OrderOptions {
  readonly overrides?: ReadonlyMap<string, Volume>;
  readonly sl?: Price;
  readonly tp?: Price;
}

const HARD_STOP_REASON = 'the master hard stop has triggered: no new trades for the rest of the run';

/**
 * The master's own order is a real platform order: within the instrument's lot limits and on its lot step.
 * Exported so the static checks of a scenario (sim/static-checks.ts) warn by the very rule the run applies.
 */
export function masterLotRule(inst: Instrument, volume: Volume): string | undefined {
  if (!volume.isPositive()) return 'volume must be positive';
  if (volume.lt(inst.minLot)) return `volume ${volume.toString()} is below the minimum lot ${inst.minLot.toString()} of ${inst.symbol}`;
  if (volume.gt(inst.maxLot)) return `volume ${volume.toString()} is above the maximum lot ${inst.maxLot.toString()} of ${inst.symbol}`;
  if (!volume.value.mod(inst.lotStep.value).isZero()) return `volume ${volume.toString()} is not a multiple of the lot step ${inst.lotStep.toString()} of ${inst.symbol}`;
  return undefined;
}

export class MasterOrders {
  /** The most restrictive master trade so far (largest minimum lot / volume): what the floating minimum MAM investment follows. */
  smallestTrade?: { readonly volume: Volume; readonly minLot: Volume };

  constructor(private readonly s: ProgramState, private readonly p: Parts) {}

  /**
   * Opens a master market order and its allocated legs; every leg fills at the executive price.
   * `volume` may be omitted for the `lot` method (the block is the sum of the set lots);
   * `overrides` are the manager's manual volumes for single accounts.
   */
  masterOpen(time: ServerTime, ticket: string, symbol: string, side: Side, volume: Volume | undefined, opts: OrderOptions & { readonly checkLevels?: boolean } = {}): void {
    const overrides = opts.overrides ?? new Map<string, Volume>();
    if (this.s.hardStopped) return this.rejectOrder(time, ticket, symbol, HARD_STOP_REASON);
    if (this.s.masterTrades.has(ticket) || this.s.pendingOrders.has(ticket)) return this.rejectOrder(time, ticket, symbol, `ticket ${ticket} already used`);
    if (this.orderCount() >= this.maxOrders) return this.rejectOrder(time, ticket, symbol, `the account already has ${this.orderCount()} open and pending orders, the limit is ${this.maxOrders}`);
    if (!this.s.config.instruments.has(symbol)) return this.rejectOrder(time, ticket, symbol, `unknown instrument ${symbol}`);
    if (!this.s.quotes.get(symbol)) return this.rejectOrder(time, ticket, symbol, `no price for ${symbol} yet`);
    const unconverted = this.noConversionQuote(symbol);
    if (unconverted) return this.rejectOrder(time, ticket, symbol, unconverted);
    const lotMethod = this.s.allocation === 'lot';
    if (volume === undefined && !lotMethod) return this.rejectOrder(time, ticket, symbol, 'an open needs a volume');
    if (volume !== undefined) {
      const lotRule = masterLotRule(this.s.instrument(symbol), volume);
      if (lotRule) return this.rejectOrder(time, ticket, symbol, lotRule);
    }
    for (const acc of overrides.keys()) if (!this.p.valuation.linked().some((f) => f.id === acc)) return this.rejectOrder(time, ticket, symbol, `override for ${acc}, which is not a follower now`);
    if (opts.checkLevels !== false) {
      const bad = this.badStops(symbol, side, opts.sl, opts.tp);
      if (bad) return this.rejectOrder(time, ticket, symbol, bad);
    }
    this.p.execution.flush();
    // A paused account keeps its place in the allocation and its part is dropped (below): a pause never enlarges the others' parts.
    const followers = this.p.valuation.linked().map((a) => this.p.valuation.follower(a, overrides.get(a.id)));
    let alloc;
    try {
      alloc = allocate(this.s.allocation, volume ?? Volume.zero, this.p.valuation.masterSize(), followers, this.p.valuation.sizing(symbol));
    } catch (e) {
      if (e instanceof AllocationError) return this.rejectOrder(time, ticket, symbol, e.message);
      throw e;
    }
    // The lot method's order is the sum of the set lots; the block is what the lot limits let through.
    const setLots = new Volume([...alloc.exact.values()].reduce((x, y) => x.plus(y), new Dec(0)));
    if (lotMethod && volume !== undefined && !volume.eq(setLots)) return this.rejectOrder(time, ticket, symbol, `the lot method's order is the sum of the set lots, ${setLots.toString()}, not ${volume.toString()}`);
    const masterVolume = lotMethod ? Volume.sum(alloc.parts.map((p) => p.volume)) : volume!;
    if (lotMethod) {
      const lotRule = masterLotRule(this.s.instrument(symbol), masterVolume);
      if (lotRule) return this.rejectOrder(time, ticket, symbol, `the block (sum of the set lots): ${lotRule}`);
    }
    const capped = this.p.limits.masterCaps(symbol, masterVolume) ?? (this.s.config.structure === 'signal' ? this.p.margin.marginShortfall(this.s.accounts.get(SYSTEM_ACCOUNTS.master)!, symbol, side, masterVolume) : undefined);
    if (capped) return this.rejectOrder(time, ticket, symbol, capped);
    this.noteEvents(time, ticket, symbol, alloc.notes);
    // Risk gates (caps, the pool's leverage, free margin) cut or skip single copies; a skipped copy is not rounding.
    const exactShares = new Map(alloc.exact);
    const parts: Array<{ account: string; volume: Volume }> = [];
    const excluded = new Set<string>();
    for (const p of alloc.parts) {
      const v = this.p.limits.gateCopy(time, p.account, ticket, symbol, side, p.volume);
      if (!v) {
        exactShares.delete(p.account);
        excluded.add(p.account);
        continue;
      }
      parts.push({ account: p.account, volume: v });
      if (!v.eq(p.volume)) exactShares.set(p.account, v.value);
    }
    if (this.s.config.structure === 'block' && parts.length === 0) return this.rejectOrder(time, ticket, symbol, `no follower can take a part of the block${parts.length < alloc.parts.length ? ' (see the copy-skipped events)' : ''}`);
    const placed = new Set(parts.map((p) => p.account));
    const skipped = new Map([...exactShares].filter(([acc, x]) => !placed.has(acc) && x.gt(0)).map(([acc, exact]) => [acc, { exact }]));
    this.s.masterTrades.set(ticket, { ticket, symbol, side, openTime: time, skipped, excluded, sl: opts.sl, tp: opts.tp });
    const minLot = this.s.instrument(symbol).minLot;
    if (!this.smallestTrade || minLot.value.div(masterVolume.value).gt(this.smallestTrade.minLot.value.div(this.smallestTrade.volume.value))) this.smallestTrade = { volume: masterVolume, minLot };
    if (this.s.config.structure === 'signal') this.p.execution.queue(time, { kind: 'open', account: SYSTEM_ACCOUNTS.master, masterTicket: ticket, symbol, side, volume: masterVolume, exact: masterVolume.value });
    for (const p of parts) this.p.execution.queue(time, { kind: 'open', account: p.account, masterTicket: ticket, symbol, side, volume: p.volume, exact: exactShares.get(p.account)! });
    // A block is what its parts hold: report that, and the ordered volume where the lot limits or risk gates changed it.
    const opened = this.s.config.structure === 'block' ? Volume.sum(parts.map((p) => p.volume)) : masterVolume;
    const changed = opened.eq(masterVolume) ? '' : `; ordered ${masterVolume.toString()}, the lot limits and risk gates made the block ${opened.toString()} (see the allocation and copy events)`;
    this.s.emit({ time, kind: 'master-open', ticket, symbol, volume: opened, reason: `${side} ${opened.toString()} allocated to ${parts.length} follower(s) by ${this.s.allocation} (${this.s.config.policies.roundingMode})${changed}` });
  }

  /**
   * Why a symbol cannot fill yet: no quote of the instrument that converts its profit to USD, or
   * (with risk rules, forex margin mode) its margin, which is stated in the base currency (undefined when it can).
   */
  noConversionQuote(symbol: string): string | undefined {
    const conv = this.s.conversions.get(symbol)!;
    if (conv.kind !== 'identity' && !this.s.quotes.get(conv.symbol)) return `no price yet for ${conv.symbol}, which converts ${symbol}'s profit to ${ACCOUNT_CURRENCY}`;
    const inst = this.s.instrument(symbol);
    const base = inst.marginMode === 'forex' ? this.s.baseConversions.get(symbol) : undefined;
    if (base && base.kind !== 'identity' && !this.s.quotes.get(base.symbol)) return `no price yet for ${base.symbol}, which converts ${symbol}'s margin (in ${inst.base}) to ${ACCOUNT_CURRENCY}`;
    // Accounts in other currencies (DOMAIN §1): the pairs that turn the profit, and USD costs, into each of them.
    if (this.s.multiCurrency) {
      for (const ccy of this.s.journal.accountCurrencies()) {
        const missing = this.unpricedInto(symbol, ccy);
        if (missing) return missing;
      }
    }
    return undefined;
  }

  /** Why a position in `symbol` cannot be booked in an account of `ccy` yet: a pair of its profit, USD costs or margin with no price (undefined when it can). */
  unpricedInto(symbol: string, ccy: string): string | undefined {
    const inst = this.s.instrument(symbol);
    const margined = this.s.config.risk && inst.marginMode === 'forex' && this.s.canConvert(inst.base, ccy) ? [inst.base] : [];
    for (const from of [inst.quote, ACCOUNT_CURRENCY, ...margined]) {
      const missing = this.s.unpriced(from, ccy);
      if (missing) return `no price yet for ${missing}, which converts ${from === inst.quote ? `${symbol}'s profit` : from === ACCOUNT_CURRENCY ? 'costs in USD' : `${symbol}'s margin (in ${from})`} to ${ccy}`;
    }
    return undefined;
  }

  private get maxOrders(): number { return this.s.config.maxOrders ?? 1000; }

  private orderCount(): number { return this.s.masterTrades.size + this.s.pendingOrders.size; }

  /** A stop-loss or take-profit on the wrong side of the current price is refused (MT4's "invalid stops"). */
  private badStops(symbol: string, side: Side, sl: Price | undefined, tp: Price | undefined): string | undefined {
    const q = this.s.quotes.require(symbol);
    if (sl && !validLevel(stopWatch(side, 'stop-loss', sl), q)) return `stop-loss ${sl.toString()} is on the wrong side of the current price (bid ${q.bid.toString()}, ask ${q.ask.toString()})`;
    if (tp && !validLevel(stopWatch(side, 'take-profit', tp), q)) return `take-profit ${tp.toString()} is on the wrong side of the current price (bid ${q.bid.toString()}, ask ${q.ask.toString()})`;
    return undefined;
  }

  /** Places a master limit or stop order; it is allocated to the followers when it fills. */
  placePending(time: ServerTime, ticket: string, symbol: string, type: PendingType, price: Price, volume: Volume | undefined, opts: OrderOptions = {}): void {
    if (this.s.hardStopped) return this.rejectOrder(time, ticket, symbol, HARD_STOP_REASON);
    if (this.s.masterTrades.has(ticket) || this.s.pendingOrders.has(ticket)) return this.rejectOrder(time, ticket, symbol, `ticket ${ticket} already used`);
    if (this.orderCount() >= this.maxOrders) return this.rejectOrder(time, ticket, symbol, `the account already has ${this.orderCount()} open and pending orders, the limit is ${this.maxOrders}`);
    const q = this.s.quotes.get(symbol);
    if (!q) return this.rejectOrder(time, ticket, symbol, `no price for ${symbol} yet`);
    if (!validLevel(pendingWatch(type, price), q)) return this.rejectOrder(time, ticket, symbol, `${type} at ${price.toString()} is on the wrong side of the current price (bid ${q.bid.toString()}, ask ${q.ask.toString()})`);
    if (volume !== undefined) {
      const lotRule = masterLotRule(this.s.instrument(symbol), volume);
      if (lotRule) return this.rejectOrder(time, ticket, symbol, lotRule);
    }
    const bad = this.pendingStops(pendingSide(type), price, opts.sl, opts.tp);
    if (bad) return this.rejectOrder(time, ticket, symbol, bad);
    this.s.pendingOrders.set(ticket, { ticket, symbol, type, price, volume, sl: opts.sl, tp: opts.tp, overrides: opts.overrides ?? new Map() });
    this.s.emit({ time, kind: 'order-placed', ticket, symbol, volume, price, reason: `${type} at ${price.toString()}${opts.sl ? `, SL ${opts.sl.toString()}` : ''}${opts.tp ? `, TP ${opts.tp.toString()}` : ''}; mirrored to ${this.p.valuation.followers().length} follower(s), allocated when it fills` });
  }

  /** A pending order's SL must lie beyond its entry on the losing side and its TP on the winning side. */
  private pendingStops(side: Side, entry: Price, sl: Price | undefined, tp: Price | undefined): string | undefined {
    const long = side === 'buy';
    if (sl && (long ? sl.gte(entry) : sl.lte(entry))) return `stop-loss ${sl.toString()} must be ${long ? 'below' : 'above'} the entry ${entry.toString()}`;
    if (tp && (long ? tp.lte(entry) : tp.gte(entry))) return `take-profit ${tp.toString()} must be ${long ? 'above' : 'below'} the entry ${entry.toString()}`;
    return undefined;
  }

  /** Changes a pending order's price, SL or TP, or an open trade's SL or TP (`null` removes a stop). */
  modifyOrder(time: ServerTime, ticket: string, change: { price?: Price; sl?: Price | null; tp?: Price | null }): void {
    this.p.execution.flush();
    const pending = this.s.pendingOrders.get(ticket);
    const trade = this.s.masterTrades.get(ticket);
    if (!pending && !trade) return this.rejectOrder(time, ticket, undefined, `no open or pending order ${ticket}`);
    const pick = <T>(next: T | null | undefined, now: T | undefined): T | undefined => (next === null ? undefined : next ?? now);
    if (pending) {
      const price = change.price ?? pending.price;
      const sl = pick(change.sl, pending.sl), tp = pick(change.tp, pending.tp);
      const q = this.s.quotes.require(pending.symbol);
      if (!validLevel(pendingWatch(pending.type, price), q)) return this.rejectOrder(time, ticket, pending.symbol, `${pending.type} at ${price.toString()} is on the wrong side of the current price`);
      const bad = this.pendingStops(pendingSide(pending.type), price, sl, tp);
      if (bad) return this.rejectOrder(time, ticket, pending.symbol, bad);
      Object.assign(pending, { price, sl, tp });
      this.s.emit({ time, kind: 'order-modified', ticket, symbol: pending.symbol, price, reason: `${pending.type} now at ${price.toString()}, SL ${sl?.toString() ?? 'none'}, TP ${tp?.toString() ?? 'none'}; mirrored to the followers` });
      return;
    }
    if (change.price !== undefined) return this.rejectOrder(time, ticket, trade!.symbol, 'an open trade has no price to modify, only its SL and TP');
    const sl = pick(change.sl, trade!.sl), tp = pick(change.tp, trade!.tp);
    const bad = this.badStops(trade!.symbol, trade!.side, sl, tp);
    if (bad) return this.rejectOrder(time, ticket, trade!.symbol, bad);
    trade!.sl = sl;
    trade!.tp = tp;
    this.s.emit({ time, kind: 'order-modified', ticket, symbol: trade!.symbol, reason: `SL ${sl?.toString() ?? 'none'}, TP ${tp?.toString() ?? 'none'}; mirrored to the followers' positions` });
  }

  cancelOrder(time: ServerTime, ticket: string): void {
    const o = this.s.pendingOrders.get(ticket);
    if (!o) return this.rejectOrder(time, ticket, undefined, `no pending order ${ticket} to cancel`);
    this.s.pendingOrders.delete(ticket);
    this.s.emit({ time, kind: 'order-cancelled', ticket, symbol: o.symbol, price: o.price, reason: `${o.type} at ${o.price.toString()} cancelled, with its copies` });
  }

  /** Closes `volume` (default: all) of a master trade; each part closes in the ratio frozen at open. */
  masterClose(time: ServerTime, ticket: string, volume?: Volume, cause: CloseCause = 'master-close'): void {
    const trade = this.s.masterTrades.get(ticket);
    if (!trade) return this.rejectOrder(time, ticket, undefined, `no open master trade ${ticket}`);
    this.p.execution.flush();
    const open = this.p.valuation.masterVolume(ticket);
    const v = volume ?? open;
    if (!v.isPositive() || v.gt(open)) return this.rejectOrder(time, ticket, trade.symbol, `close volume ${v.toString()} must be positive and at most the open ${open.toString()}`);
    const full = v.eq(open);
    const step = this.s.instrument(trade.symbol).lotStep;
    if (!full && !v.value.mod(step.value).isZero()) return this.rejectOrder(time, ticket, trade.symbol, `partial close volume ${v.toString()} is not a multiple of the lot step ${step.toString()}`);
    const minLot = this.s.instrument(trade.symbol).minLot;
    if (!full && (v.lt(minLot) || open.minus(v).lt(minLot))) return this.rejectOrder(time, ticket, trade.symbol, `a partial close of ${v.toString()} must close and leave at least the minimum lot ${minLot.toString()} (open ${open.toString()})`);
    const f = full ? new Dec(1) : v.value.div(open.value);
    for (const [acc, share] of [...trade.skipped]) {
      const closing = share.exact.times(f);
      this.p.execution.queueShadow(time, this.p.execution.skippedShadow(acc, trade, share, closing));
      if (full) trade.skipped.delete(acc);
      else trade.skipped.set(acc, { ...share, exact: share.exact.minus(closing) });
    }
    const holders = this.p.valuation.holdersOf(ticket);
    if (full) {
      for (const acc of holders) this.p.execution.closeVolume(time, this.p.valuation.positionsOf(ticket, acc), this.p.valuation.heldVolume(ticket, acc), cause, f);
      this.s.masterTrades.delete(ticket);
    } else if (this.s.config.structure === 'signal') {
      // Each follower closes the share of what it holds that v is of the master's open volume.
      this.p.execution.closeVolume(time, this.p.valuation.positionsOf(ticket, SYSTEM_ACCOUNTS.master), v, cause, f);
      for (const acc of holders.filter((a) => a !== SYSTEM_ACCOUNTS.master)) {
        const held = this.p.valuation.heldVolume(ticket, acc);
        this.p.execution.closeVolume(time, this.p.valuation.positionsOf(ticket, acc), proportionalPart(held, v.value, open.value, this.p.valuation.grain(trade.symbol)), cause, f);
      }
    } else {
      // Block: the closed volume is split over what each part holds, so parts keep the frozen ratio.
      const held = holders.map((a) => this.p.valuation.heldVolume(ticket, a));
      const parts = splitOnGrain(v, held, this.p.valuation.grain(trade.symbol), this.s.config.policies.residualRule);
      holders.forEach((a, i) => this.p.execution.closeVolume(time, this.p.valuation.positionsOf(ticket, a), parts[i]!, cause, f));
    }
    this.s.emit({ time, kind: 'master-close', ticket, symbol: trade.symbol, volume: v, reason: full ? 'full close' : `partial close of ${v.toString()} of ${open.toString()}` });
  }

  rejectOrder(time: ServerTime, ticket: string, symbol: string | undefined, reason: string): void {
    this.s.emit({ time, kind: 'order-rejected', ticket, symbol, reason });
  }

  /** A master order refused before reaching the engine's rules (for example outside market hours). */
  rejectMasterOrder(time: ServerTime, ticket: string, symbol: string | undefined, reason: string): void {
    this.p.execution.flush();
    this.rejectOrder(time, ticket, symbol, reason);
  }

  /**
   * An admin change of the allocation method (DOMAIN §12, seed 002's API), within the method's
   * family: master orders, joins and resizes from now on allocate by it; what is open keeps the
   * volumes it was given.
   */
  changeAllocation(time: ServerTime, method: AllocationMethod): void {
    this.p.execution.flush();
    const before = this.s.allocation;
    if (allocationFamily(method) !== allocationFamily(before)) throw new Error(`allocation change from ${before} to ${method}: another family`);
    this.s.allocation = method;
    this.s.emit({ time, kind: 'terms-changed', reason: `allocation method ${before} → ${method}, for master orders, joins and resizes from now on` });
  }

  /** Every allocation note becomes an event with its reason. */
  noteEvents(time: ServerTime, ticket: string, symbol: string, notes: readonly AllocationNote[]): void {
    for (const n of notes) this.s.emit({ time, kind: `allocation-${n.kind}`, account: n.account, ticket, symbol, volume: n.volume, reason: n.reason });
  }
}
