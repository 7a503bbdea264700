// Risk limits (DOMAIN §9): the master's hard stop and order caps, each MAM account's personal
// limits, the pool's loss limits and leverage, the pauses they cause, and the gates a single
// copy passes. Limits measure performance net of flows (risk.ts PerformanceIndex), so every flow
// is reported here.
import { Dec } from './decimal.js';
import type { CloseCause } from './events.js';
import type { Side } from './instrument.js';
import { BLOCK_INDEX, type Parts, type ProgramState, SYSTEM_ACCOUNTS, type TradingAccount } from './program-state.js';
import { roundToQuantum } from './quantum.js';
import { type AccountLimits, belowOrAt, fallsTo, type LimitPeriod, PerformanceIndex, type RiskTerms, type RiskTrigger } from './risk.js';
import type { ServerTime } from './time.js';
import { Money, Volume } from './values.js';

/** Journal reasons that move money in or out of an account without trading (what loss limits look through). */
export const FLOW_REASONS = new Set(['deposit', 'withdrawal', 'performance-fee', 'management-fee', 'entry-fee', 'subscription-fee']);

export class RiskLimits {
  constructor(private readonly s: ProgramState, private readonly p: Parts) {}

  /** A flow in or out of an account moves its performance index's units, not its value (and a block part's flow the block's). */
  riskFlow(account: string, amount: Dec): void {
    const idx = this.s.indices.get(account);
    if (!idx) return;
    const own = this.p.valuation.equity(account).value;
    idx.flow(amount, own.minus(amount));
    const block = this.s.indices.get(BLOCK_INDEX);
    const acc = this.s.accounts.get(account);
    if (!block || !acc || (acc.kind !== 'mam' && acc.kind !== 'pamm')) return;
    // The pool counts in the block only once it has units, which its first deposit buys after this entry.
    const others = this.p.valuation.blockEquity().minus(this.p.valuation.linked().includes(acc) ? own : 0);
    block.flow(amount, others.plus(own).minus(amount));
  }

  /** The master's global caps: the largest order, and the most lots of master trades open at once. */
  masterCaps(symbol: string, volume: Volume): string | undefined {
    const m = this.s.config.risk?.master;
    if (m?.maxOrderVolume && volume.gt(m.maxOrderVolume)) return `volume ${volume.toString()} is above the master's order cap ${m.maxOrderVolume.toString()}`;
    if (m?.maxOpenVolume) {
      const open = Volume.sum([...this.s.masterTrades.keys()].map((t) => this.p.valuation.masterVolume(t)));
      if (open.plus(volume).gt(m.maxOpenVolume)) return `${open.toString()} lots open plus ${volume.toString()} ${symbol} would exceed the master's open-volume cap ${m.maxOpenVolume.toString()}`;
    }
    return undefined;
  }

  /**
   * One follower's copy through the risk gates: a paused account skips it, its open-volume cap
   * cuts it to the room left (on the volume grain), the pool's maximum leverage and too little
   * free margin skip it. Returns the volume to open, or undefined when skipped; every cut and
   * skip is an event.
   */
  gateCopy(time: ServerTime, account: string, ticket: string, symbol: string, side: Side, volume: Volume): Volume | undefined {
    const risk = this.s.config.risk;
    if (!risk) return volume;
    const acc = this.s.accounts.get(account)!;
    const skip = (reason: string): undefined => {
      this.s.emit({ time, kind: 'copy-skipped', account, ticket, symbol, volume, reason });
      return undefined;
    };
    const until = this.s.paused.get(account);
    if (until) return skip(`paused after a limit breach until the next ${until === 'day' ? 'day' : 'trading week'}`);
    let v = volume;
    const cap = risk.accounts?.get(account)?.maxOpenVolume;
    if (cap) {
      const open = Volume.sum([...acc.positions, ...this.p.execution.queuedOpens(account)].map((p) => p.volume));
      const grain = this.p.valuation.grain(symbol);
      const room = new Volume(Dec.max(0, cap.value.minus(open.value)).div(grain).floor().times(grain));
      if (v.gt(room)) {
        const minLot = this.s.instrument(symbol).minLot;
        if (!room.isPositive() || (this.s.config.policies.roundingMode === 'lot-step' && room.lt(minLot))) return skip(`the account's open-volume cap ${cap.toString()} is reached (${open.toString()} lots open)`);
        this.s.emit({ time, kind: 'copy-clamped', account, ticket, symbol, volume: room, reason: `cut from ${v.toString()} to ${room.toString()} lots by the account's open-volume cap ${cap.toString()} (${open.toString()} lots open)` });
        v = room;
      }
    }
    const maxLeverage = acc.kind === 'pamm' ? risk.pool?.maxLeverage : undefined;
    if (maxLeverage) {
      const legs = [...acc.positions, ...this.p.execution.queuedOpens(account), { symbol, volume: v }];
      const notional = legs.reduce((x, p) => x.plus(this.p.margin.marginIn(this.s.currencyOf(account), p.symbol, p.volume.value, new Dec(1))), new Dec(0));
      const equity = this.p.valuation.equity(account).value;
      if (!equity.isPositive() || notional.div(equity).gt(maxLeverage)) return skip(`the pool's leverage would be ${equity.isPositive() ? notional.div(equity).toDecimalPlaces(2).toString() : 'unbounded'}:1, above its maximum ${maxLeverage.toString()}:1`);
    }
    const short = this.p.margin.marginShortfall(acc, symbol, side, v);
    return short ? skip(short) : v;
  }

  checkHardStop(time: ServerTime): void {
    const m = this.s.config.risk!.master;
    if (this.s.hardStopped || !m || (m.hardStopEquity === undefined && m.hardStopDrawdown === undefined) || this.s.masterTrades.size === 0) return;
    const signal = this.s.config.structure === 'signal';
    const equity = signal ? this.p.valuation.equity(SYSTEM_ACCOUNTS.master).value : this.p.valuation.blockEquity();
    const index = this.s.indices.get(signal ? SYSTEM_ACCOUNTS.master : BLOCK_INDEX)!;
    // The drawdown (and its peak) only matters with a drawdown stop; it is observed at every check, as the peak must be.
    const drawdownHit = m.hardStopDrawdown !== undefined && index.drawdownReaches(equity, m.hardStopDrawdown, this.s.config.policies.riskTrigger);
    const rule = this.s.config.policies.riskTrigger;
    let why: string | undefined;
    if (m.hardStopEquity && fallsTo(equity, m.hardStopEquity.value, rule)) why = `master equity ${roundToQuantum(equity, this.s.q).toString()} is ${belowOrAt(equity, m.hardStopEquity.value)} the hard stop ${m.hardStopEquity.toString()}`;
    else if (m.hardStopDrawdown && drawdownHit) why = `master drawdown ${pct(index.drawdown(equity))} reached the hard stop ${pct(m.hardStopDrawdown)}`;
    if (!why) return;
    this.s.hardStopped = true;
    this.s.emit({ time, kind: 'hard-stop', account: SYSTEM_ACCOUNTS.master, amount: new Money(roundToQuantum(equity, this.s.q)), reason: `${why}: every master trade closes, pending orders are cancelled and new trades are blocked` });
    for (const t of [...this.s.masterTrades.keys()]) this.p.orders.masterClose(time, t, undefined, 'hard-stop');
    for (const o of [...this.s.pendingOrders.values()]) {
      this.s.pendingOrders.delete(o.ticket);
      this.s.emit({ time, kind: 'order-cancelled', ticket: o.ticket, symbol: o.symbol, price: o.price, reason: `${o.type} at ${o.price.toString()} cancelled by the hard stop` });
    }
    this.p.execution.flush();
  }

  /** A MAM account's personal limits, or the pool's loss limits; on a breach its positions close, then it detaches or pauses. */
  checkLimits(time: ServerTime, acc: TradingAccount, equity: Money): void {
    const risk = this.s.config.risk!;
    const idx = this.s.indices.get(acc.id);
    if (!idx || !acc.active || (acc.kind !== 'mam' && acc.kind !== 'pamm')) return;
    const breach: { why: string; until?: LimitPeriod } | undefined = acc.kind === 'pamm' ? poolBreach(risk.pool, idx, equity.value, this.s.config.policies.riskTrigger) : accountBreach(risk.accounts?.get(acc.id), idx, equity, this.s.config.policies.riskTrigger);
    if (!breach) return;
    this.s.emit({ time, kind: 'limit-breach', account: acc.id, amount: equity, reason: `${breach.why}: the account's positions close` });
    this.closeAll(time, acc, 'risk-limit');
    this.p.execution.settleSkipped(time, acc.id, new Dec(1));
    if (breach.until) return this.pause(time, acc, breach.until, `the pool copies nothing until the next ${breach.until === 'day' ? 'day' : 'trading week'}`);
    const inv = this.s.investors.get(acc.id.slice('mam:'.length))!;
    if (this.s.config.policies.limitBreach === 'pause-until-next-period') return this.pause(time, acc, 'week', 'the account copies nothing until the next trading week (limitBreach: pause-until-next-period)');
    this.p.flows.detach(time, inv, 'detached after breaching a personal limit (limitBreach: detach)');
  }

  private pause(time: ServerTime, acc: TradingAccount, until: LimitPeriod, why: string): void {
    this.s.paused.set(acc.id, until);
    this.s.emit({ time, kind: 'account-paused', account: acc.id, reason: why });
  }

  /** Closes every open position of one account at the current prices. */
  private closeAll(time: ServerTime, acc: TradingAccount, cause: CloseCause): void {
    for (const p of [...acc.positions]) {
      this.s.masterTrades.get(p.masterTicket)?.excluded.add(acc.id);
      this.p.execution.queue(time, { kind: 'close', position: p, volume: p.volume, cause });
    }
    this.p.execution.flush();
    this.p.resizing.retireEmptyBlockTrades(time);
  }

  /** A new day or trading week: loss limits measure from here; pauses until this boundary end. */
  startRiskPeriod(time: ServerTime, period: LimitPeriod): void {
    for (const [id, idx] of this.s.indices) {
      const equity = id === BLOCK_INDEX ? this.p.valuation.blockEquity() : this.p.valuation.equity(id).value;
      idx.startPeriod(equity, 'day');
      if (period === 'week') idx.startPeriod(equity, 'week');
    }
    for (const [id, until] of [...this.s.paused]) {
      if (until === 'week' && period !== 'week') continue;
      this.s.paused.delete(id);
      const acc = this.s.accounts.get(id)!;
      if (!acc.active) continue;
      if (acc.kind === 'mam') this.s.indices.get(id)!.resetPeak(this.p.valuation.equity(id).value);
      this.s.emit({ time, kind: 'account-resumed', account: id, reason: `a new ${period === 'week' ? 'trading week' : 'day'}: the account copies the master's new trades again` });
    }
  }
}

/** A fraction as a percent with two decimals, for reasons. */
function pct(x: Dec): string { return `${x.times(100).toDecimalPlaces(2).toString()}%`; }

/** The pool's loss limits: the week's first (mandatory), then the day's; what breached and until when it pauses. */
function poolBreach(limits: RiskTerms['pool'], idx: PerformanceIndex, equity: Dec, rule: RiskTrigger): { why: string; until: LimitPeriod } | undefined {
  if (!limits) return undefined;
  if (idx.lossReaches(equity, 'week', limits.weeklyLoss, rule)) return { why: `the pool lost ${pct(idx.loss(equity, 'week'))} this week, its weekly loss limit is ${pct(limits.weeklyLoss)}`, until: 'week' };
  if (!limits.dailyLoss) return undefined;
  if (idx.lossReaches(equity, 'day', limits.dailyLoss, rule)) return { why: `the pool lost ${pct(idx.loss(equity, 'day'))} today, its daily loss limit is ${pct(limits.dailyLoss)}`, until: 'day' };
  return undefined;
}

/** A MAM account's personal limits: drawdown from its peak, minimum balance (on equity), weekly loss. */
function accountBreach(limits: AccountLimits | undefined, idx: PerformanceIndex, equity: Money, rule: RiskTrigger): { why: string } | undefined {
  if (!limits) return undefined;
  // Each measure is computed only for a limit that is set (the drawdown also moves its peak).
  if (limits.maxDrawdown && idx.drawdownReaches(equity.value, limits.maxDrawdown, rule)) return { why: `drawdown ${pct(idx.drawdown(equity.value))} reached the account's maximum drawdown ${pct(limits.maxDrawdown)}` };
  if (limits.minBalance && fallsTo(equity.value, limits.minBalance.value, rule)) return { why: `equity ${equity.toString()} is ${belowOrAt(equity.value, limits.minBalance.value)} the account's minimum balance ${limits.minBalance.toString()}` };
  if (!limits.weeklyLoss) return undefined;
  if (idx.lossReaches(equity.value, 'week', limits.weeklyLoss, rule)) return { why: `the account lost ${pct(idx.loss(equity.value, 'week'))} this week, its weekly loss limit is ${pct(limits.weeklyLoss)}` };
  return undefined;
}
