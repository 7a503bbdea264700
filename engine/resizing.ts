// Followers' positions following the money (DOMAIN §3 fixed-at-open, §6 flows under open
// trades): copying open trades to a MAM account that joins, resizing the pool after a deposit
// (`pammDeposit: reallocate`), closing the proportional part for a withdrawal, leave or fee,
// and retiring a block trade whose parts have all gone.
import { allocate, allocationFamily, proportionalPart, splitByWeights } from './allocation.js';
import { Dec } from './decimal.js';
import type { CloseCause } from './events.js';
import type { MasterTrade, Parts, ProgramState } from './program-state.js';
import { fillPrice } from './quotes.js';
import type { ServerTime } from './time.js';
import { Price, Volume } from './values.js';

export class Resizing {
  constructor(private readonly s: ProgramState, private readonly p: Parts) {}

  /** Copy family: what one follower should hold of an open master trade now (notes go to events). */
  private copyTarget(time: ServerTime, accountId: string, t: MasterTrade): { volume: Volume; exact: Dec } {
    const acc = this.s.accounts.get(accountId)!;
    const alloc = allocate(this.s.allocation, this.p.valuation.masterVolume(t.ticket), this.p.valuation.masterSize(), [this.p.valuation.follower(acc)], this.p.valuation.sizing(t.symbol));
    this.p.orders.noteEvents(time, t.ticket, t.symbol, alloc.notes);
    return { volume: alloc.parts[0]?.volume ?? Volume.zero, exact: alloc.exact.get(accountId)! };
  }

  /** Copy family: a MAM account joining under open trades gets them copied at the current price. */
  copyOpenTrades(time: ServerTime, accountId: string): void {
    if (allocationFamily(this.s.allocation) !== 'copy') return;
    for (const t of this.s.masterTrades.values()) {
      const { volume: v, exact } = this.copyTarget(time, accountId, t);
      if (!v.isPositive()) {
        // Left out by rounding: its exact share still counts, from the price it would have joined at.
        if (exact.gt(0)) t.skipped.set(accountId, { exact, openPrice: fillPrice(this.s.quotes.require(t.symbol), t.side) });
        continue;
      }
      const gated = this.p.limits.gateCopy(time, accountId, t.ticket, t.symbol, t.side, v);
      if (!gated) continue;
      this.p.execution.queue(time, { kind: 'open', account: accountId, masterTicket: t.ticket, symbol: t.symbol, side: t.side, volume: gated, exact: gated.eq(v) ? exact : gated.value });
      this.s.emit({ time, kind: 'positions-copied', account: accountId, ticket: t.ticket, symbol: t.symbol, volume: gated, reason: 'open master trade copied at the current price on joining' });
    }
    this.p.execution.flush();
  }

  /** `pammDeposit: reallocate` (copy family): the pool's open positions are resized to the master's proportion at the current price. */
  reallocatePool(time: ServerTime): void {
    const pool = this.s.config.pool!.id;
    if (this.s.paused.has(pool)) return;
    for (const t of this.s.masterTrades.values()) {
      if (t.excluded.has(pool)) continue;
      const { volume: target, exact } = this.copyTarget(time, pool, t);
      const held = this.p.valuation.heldVolume(t.ticket, pool);
      // A share skipped before is settled now; the resize decides the pool's share afresh.
      this.p.execution.settleSkipped(time, pool, new Dec(1), t);
      if (target.isZero() && held.isZero() && exact.gt(0)) t.skipped.set(pool, { exact, openPrice: fillPrice(this.s.quotes.require(t.symbol), t.side) });
      if (target.eq(held)) continue;
      const heldExact = this.p.valuation.positionsOf(t.ticket, pool).reduce((x, p) => x.plus(p.exactVolume), new Dec(0));
      if (target.gt(held)) {
        const add = this.p.limits.gateCopy(time, pool, t.ticket, t.symbol, t.side, target.minus(held));
        if (!add) {
          t.excluded.add(pool);
          continue;
        }
        this.p.execution.queue(time, { kind: 'open', account: pool, masterTicket: t.ticket, symbol: t.symbol, side: t.side, volume: add, exact: add.eq(target.minus(held)) ? Dec.max(0, exact.minus(heldExact)) : add.value });
      } else this.p.execution.closeVolume(time, this.p.valuation.positionsOf(t.ticket, pool), held.minus(target), 'reallocate');
      this.s.emit({ time, kind: 'pool-reallocated', account: pool, ticket: t.ticket, symbol: t.symbol, volume: target, reason: `pool resized from ${held.toString()} to ${target.toString()} lots` });
    }
    this.p.execution.flush();
  }

  /**
   * `pammDeposit: reallocate` in a block program (split family): a block's parts are fixed at the
   * open, so the pool's part of every open block grows by the deposit's share of the pool's
   * equity, `net / equityBefore`, at the current price, on the grain (floored; the rest is rounding
   * money): the pool's exposure per unit stays what it was, so the members who were there keep
   * their results and the depositor shares what follows. The block itself grows by the addition.
   * The reverse of a withdrawal's proportional close.
   */
  growPool(time: ServerTime, net: Dec, equityBefore: Dec): void {
    const pool = this.s.config.pool!.id;
    if (this.s.paused.has(pool) || !equityBefore.isPositive() || equityBefore.isZero() || !net.isPositive()) return;
    const factor = net.div(equityBefore);
    for (const t of [...this.s.masterTrades.values()]) {
      if (t.excluded.has(pool)) continue;
      const positions = this.p.valuation.positionsOf(t.ticket, pool);
      if (positions.length === 0) continue;
      const held = Volume.sum(positions.map((p) => p.volume));
      const heldExact = positions.reduce((x, p) => x.plus(p.exactVolume), new Dec(0));
      const grain = this.p.valuation.grain(t.symbol);
      const ideal = held.value.times(factor);
      const want = new Volume(ideal.div(grain).floor().times(grain));
      const exact = heldExact.times(factor);
      if (!want.isPositive()) {
        // Less than a grain: the exact share still counts for rounding money, from this price, added to any share
        // already pending (P&L is linear in volume: the merged share opens at the volume-weighted price).
        if (exact.gt(0)) {
          const here = fillPrice(this.s.quotes.require(t.symbol), t.side);
          const was = t.skipped.get(pool);
          const total = (was?.exact ?? new Dec(0)).plus(exact);
          const wasPrice = was && (was.openPrice ?? t.openPrice);
          const price = was && wasPrice ? new Price(wasPrice.value.times(was.exact).plus(here.value.times(exact)).div(total)) : here;
          t.skipped.set(pool, { exact: total, openPrice: price });
        }
        continue;
      }
      const add = this.p.limits.gateCopy(time, pool, t.ticket, t.symbol, t.side, want);
      if (!add) continue;
      this.p.execution.queue(time, { kind: 'open', account: pool, masterTicket: t.ticket, symbol: t.symbol, side: t.side, volume: add, exact: add.eq(want) ? exact : add.value });
      this.s.emit({ time, kind: 'pool-reallocated', account: pool, ticket: t.ticket, symbol: t.symbol, volume: held.plus(add), reason: `pool part grown from ${held.toString()} to ${held.plus(add).toString()} lots with the deposit (${factor.toSignificantDigits(10).toString()} of the pool's equity)` });
    }
    this.p.execution.flush();
  }

  /** Whether flows re-split open blocks: `openBlocks: re-split` in a block program whose split weighs equity or balance. */
  resplits(): boolean {
    const c = this.s.config;
    return c.structure === 'block' && c.policies.openBlocks === 're-split' && (this.s.allocation === 'equity' || this.s.allocation === 'balance');
  }

  /**
   * `openBlocks: re-split` (other vendors' convention; seed 000 keeps splits frozen): when a part's
   * money moves (`mover`, holding a part), every open block's volume is split again among the
   * accounts holding it, by their equities (or balances) with `adjust` (a flow of the mover's about
   * to be paid out) counted, on the grain with
   * the residual rule, so the parts still sum to the block; each account's difference opens or
   * closes at the current price through the executive. Accounts outside a block (excluded, paused,
   * skipped) stay outside; a weight at or below zero leaves that block as it is. The minimum lot is
   * not re-applied to the new parts.
   */
  resplitBlocks(time: ServerTime, mover: string, why: string, adjust?: { readonly amount: Dec }): Set<string> {
    const untouched = new Set<string>();
    // Only a part's own money moving re-splits: a deposit into an account that holds nothing (a join) leaves the blocks alone.
    if (!this.resplits() || !this.s.accounts.get(mover)?.positions.length) return untouched;
    const byBalance = this.s.allocation === 'balance';
    for (const t of [...this.s.masterTrades.values()]) {
      const holders = [...this.s.accounts.values()].filter((a) => a.positions.some((p) => p.masterTicket === t.ticket));
      if (!holders.some((a) => a.id === mover)) continue;
      const held = holders.map((a) => this.p.valuation.heldVolume(t.ticket, a.id));
      const weights = holders.map((a) => (byBalance ? this.s.journal.balance(a.id) : this.p.valuation.equity(a.id)).value.plus(a.id === mover && adjust ? adjust.amount : 0));
      // The mover alone, or a weight at or below zero: this block cannot be re-split (a withdrawal closes the mover's share instead).
      if (holders.length < 2 || weights.some((w) => !w.isPositive() || w.isZero())) {
        untouched.add(t.ticket);
        continue;
      }
      const targets = splitByWeights(Volume.sum(held), weights, this.p.valuation.grain(t.symbol), this.s.config.policies.residualRule);
      const moves: string[] = [];
      holders.forEach((a, i) => {
        const diff = targets[i]!.minus(held[i]!);
        if (diff.isZero()) return;
        moves.push(`${a.id} ${held[i]!.toString()} → ${targets[i]!.toString()}`);
        if (diff.isPositive()) {
          // The risk gates of a copy (free margin, caps, the pool's leverage): what a part cannot take, the block loses.
          const add = this.p.limits.gateCopy(time, a.id, t.ticket, t.symbol, t.side, diff);
          if (add) this.p.execution.queue(time, { kind: 'open', account: a.id, masterTicket: t.ticket, symbol: t.symbol, side: t.side, volume: add, exact: add.value });
        } else this.p.execution.closeVolume(time, this.p.valuation.positionsOf(t.ticket, a.id), diff.neg(), 'reallocate', diff.neg().value.div(held[i]!.value));
      });
      if (moves.length > 0) this.s.emit({ time, kind: 'block-resplit', ticket: t.ticket, symbol: t.symbol, volume: Volume.sum(held), reason: `block re-split by ${byBalance ? 'balance' : 'equity'} after ${why} (openBlocks: re-split): ${moves.join(', ')}` });
    }
    this.p.execution.flush();
    return untouched;
  }

  /** Block: a master trade whose every part was closed by leaves or withdrawals is over. */
  retireEmptyBlockTrades(time: ServerTime): void {
    if (this.s.config.structure !== 'block') return;
    for (const t of [...this.s.masterTrades.values()]) {
      if (!this.p.valuation.masterVolume(t.ticket).isZero()) continue;
      for (const acc of [...t.skipped.keys()]) this.p.execution.settleSkipped(time, acc, new Dec(1), t);
      this.s.masterTrades.delete(t.ticket);
      this.s.emit({ time, kind: 'master-close', ticket: t.ticket, symbol: t.symbol, volume: Volume.zero, reason: 'nothing left open: every part was closed by investors leaving or withdrawing' });
    }
  }

  /** Closes the fraction `amount / of` of every open position of an account, so its other holders' results stay as they were. */
  reducePositions(time: ServerTime, accountId: string, amount: Dec, of: Dec, cause: CloseCause, only?: ReadonlySet<string>): void {
    const acc = this.s.accounts.get(accountId)!;
    const positions = acc.positions.filter((p) => !only || only.has(p.masterTicket));
    // Nothing open, nothing reduced: the event is only for accounts that had positions (issue 14).
    if (positions.length === 0) return;
    const f = Dec.min(amount.div(of), 1);
    for (const p of positions) {
      const v = proportionalPart(p.volume, amount, of, this.p.valuation.grain(p.symbol));
      const intended = p.volume.value.times(f);
      if (this.s.config.policies.roundingMode === 'lot-step' && v.value.lt(intended)) {
        this.s.emit({ time, kind: 'reduction-rounded', account: accountId, ticket: p.masterTicket, symbol: p.symbol, volume: v, reason: `closes ${v.toString()} of the intended ${intended.toSignificantDigits(10).toString()} lots (lot step ${this.p.valuation.grain(p.symbol).toString()}); the account keeps the rest of the exposure` });
      }
      this.p.execution.closeVolume(time, [p], v, cause, f);
    }
    this.p.execution.flush();
    this.s.emit({ time, kind: 'positions-reduced', account: accountId, reason: `closed ${amount.div(of).toSignificantDigits(10).toString()} of each open position (${cause})` });
    this.retireEmptyBlockTrades(time);
  }
}
