// Trade costs (DOMAIN §5 costs, §7 volume fee, §8 rebates): what one side of a fill costs the
// account (commission, spread, rebate accrual, volume fee), whose volume a pool fill is for
// rebates, and the daily rollover (swaps, then the day's rebates credited). The rates and
// bookings themselves live in costs.ts (CostBook); this decides who pays and for whom.
import { CostBook, type Fill, noCosts, type RebateSource } from './costs.js';
import { Dec } from './decimal.js';
import { ACCOUNT_CURRENCY, type Parts, type Position, type ProgramState, SYSTEM_ACCOUNTS, type TradingAccount } from './program-state.js';
import { roundToQuantum } from './quantum.js';
import { mid } from './quotes.js';
import { MANAGER } from './rebate.js';
import type { Weekday } from './swap.js';
import type { ServerTime } from './time.js';
import { Money, Price, Volume } from './values.js';

export class TradeCosts {
  private readonly costs: CostBook;
  /** Set while the pool trades for some members only (their flows or fees): whose volume its fills are. */
  private poolActors?: ReadonlyArray<{ id: string; weight: Dec }>;

  constructor(private readonly s: ProgramState, private readonly p: Parts) {
    this.costs = new CostBook(s.config.costs ?? noCosts(s.config.policies.residualRule), {
      q: s.q, sink: s.sink, house: SYSTEM_ACCOUNTS.house,
      instrument: (symbol) => s.instrument(symbol),
      toAccount: (symbol, x, account) => {
        const ccy = account === undefined ? ACCOUNT_CURRENCY : s.currencyOf(account);
        if (ccy !== ACCOUNT_CURRENCY) return s.convert(x.amount, x.usd ? ACCOUNT_CURRENCY : s.instrument(symbol).quote, ccy);
        return x.usd ? new Money(roundToQuantum(x.amount, s.q)) : s.quotes.toAccount(x.amount, s.conversions.get(symbol)!, s.q, 'mid');
      },
      post: (time, from, to, amount, reason, ref, currency) => s.post(time, from, to, amount, reason, ref, currency),
      mid: (symbol) => mid(s.quotes.require(symbol)),
      accountOf: (receiver) => (receiver === MANAGER ? SYSTEM_ACCOUNTS.fees : `ib:${receiver}`),
      emit: (e) => s.emit(e),
    });
  }

  /** What closing `volume` of a position carries of an amount booked on it: pro rata, the last close the rest. */
  closedShare(x: Dec, p: Position, volume: Volume): Dec {
    return volume.eq(p.volume) ? x : roundToQuantum(x.times(volume.value).div(p.volume.value), this.s.q);
  }

  /** Commission, spread and rebate of one side of a fill (the house's residual legs have none); returns the commission as money to the account. */
  tradeCosts(time: ServerTime, acc: TradingAccount, p: Position, leg: 'open' | 'close', volume: Volume, price: Price): Money {
    if (acc.kind === 'house') return Money.zero;
    const f: Fill = { time, account: acc.id, position: p, leg, volume, price };
    const commission = this.costs.chargeCommission(f);
    this.costs.recordSpread(f);
    const carried = leg === 'close' ? this.closedShare(p.openRebate, p, volume) : new Dec(0);
    const level1 = this.costs.accrueRebate(f, this.rebateSources(acc), carried);
    p.openRebate = leg === 'open' ? level1 : p.openRebate.minus(carried);
    return commission;
  }

  /**
   * Runs `close` (a reduction of the pool for some members: leaving, withdrawing, paying fees)
   * with its fills' rebates attributed to those members, and returns what it cost the pool's
   * equity (commissions and volume fees of the closes), with the equity before.
   */
  poolClosingCost(members: ReadonlyArray<{ id: string; weight: Dec }>, close: () => void): { amount: Money; equityBefore: Money } {
    const pool = this.s.config.pool!.id;
    const equityBefore = this.p.valuation.equity(pool);
    this.actingFor(members, close);
    const amount = equityBefore.minus(this.p.valuation.equity(pool));
    // Those members bear it through their units: for the pool's loss limits it is a flow, not a loss.
    if (this.s.config.risk && !amount.isZero()) this.p.limits.riskFlow(pool, amount.value.neg());
    return { amount, equityBefore };
  }

  /** Pool fills made inside `fn` are these members' volume, for rebates (not every member's by units). */
  actingFor(members: ReadonlyArray<{ id: string; weight: Dec }>, fn: () => void): void {
    const outer = this.poolActors;
    this.poolActors = members;
    try {
      fn();
    } finally {
      this.poolActors = outer;
    }
  }

  /**
   * Whose volume an account's fill is, for its rebate: the master's and a MAM investor's are
   * program volume (shared with the IB that referred the investor); the pool's is its members',
   * by units; a self-trading client's goes up its IB chain.
   */
  private rebateSources(acc: TradingAccount): RebateSource[] {
    const one = new Dec(1);
    if (acc.kind === 'client') {
      const id = acc.id.slice('client:'.length);
      return [{ weight: one, kind: 'client', id, referredBy: this.s.clients.get(id)?.referredBy }];
    }
    if (acc.kind === 'mam') {
      const inv = this.s.investors.get(acc.id.slice('mam:'.length))!;
      return [{ weight: one, kind: 'program', id: inv.id, referredBy: inv.referredBy }];
    }
    if (acc.kind === 'pamm') {
      // The pool's trades for some members (their flows or fees) are those members' volume.
      if (this.poolActors) return this.poolActors.filter((m) => m.weight.gt(0)).map((m) => ({ weight: m.weight, kind: 'program', id: m.id, referredBy: this.s.investors.get(m.id)?.referredBy }));
      // Its trades for all members are theirs by units, and a rebate goes only to whoever referred
      // a member: the fill is divided among the referrers, by their members' units together, so a
      // fill costs the number of referrers, not of members (a pool of 10,000 trading 10,000 times).
      return this.s.units!.groupHoldings().map((g) => ({
        weight: g.units.value, kind: 'program', id: `members:${g.group}`, referredBy: g.group,
        share: g.group === MANAGER ? 'share by units of the members no IB referred' : `share by units of the members ${g.group} referred`,
      }));
    }
    return [{ weight: one, kind: 'program' }];
  }

  /**
   * The volume fee on one side of a follower's fill: per lot, plus per million of notional
   * (volume × contract × price, in USD). A MAM investor pays it from its account; the pool's
   * is shared by its members through the NAV.
   */
  chargeVolumeFee(time: ServerTime, acc: TradingAccount, symbol: string, volume: Volume, price: Price): void {
    const vf = this.s.config.volumeFee;
    if (!vf || (acc.kind !== 'mam' && acc.kind !== 'pamm')) return;
    const inst = this.s.instrument(symbol);
    const notional = this.s.quotes.toAccount(volume.value.times(inst.contractSize).times(price.value), this.s.conversions.get(symbol)!, this.s.q, 'mid');
    const usd = volume.value.times(vf.perLot).plus(notional.value.times(vf.perMillion).div(1_000_000));
    // The fee is reckoned in USD and paid in the account's currency (DOMAIN §1).
    const ccy = this.s.currencyOf(acc.id);
    const fee = ccy === ACCOUNT_CURRENCY ? new Money(roundToQuantum(usd, this.s.q)) : this.s.convert(usd, ACCOUNT_CURRENCY, ccy);
    if (!fee.isPositive()) return;
    const inv = acc.kind === 'mam' ? this.s.investors.get(acc.id.slice(4)) : undefined;
    if (inv?.manager) return;
    this.s.post(time, acc.id, SYSTEM_ACCOUNTS.fees, fee, 'volume-fee', inv?.id ?? acc.id);
    if (inv) this.p.statements.addFeeToStatement(inv, 'volume-fee', fee);
    this.s.emit({ time, kind: 'volume-fee', account: acc.id, investor: inv?.id, symbol, volume, amount: fee, reason: `${volume.toString()} lots on one side${vf.perLot.isZero() ? '' : `, ${vf.perLot.toString()} a lot`}${vf.perMillion.isZero() ? '' : `, ${vf.perMillion.toString()} a million of notional`}` });
  }

  /**
   * The daily rollover at 00:00 server time, ending `day`: every open position of an account
   * that is not swap-free pays or earns its swap (tripled on the triple day), then the day's
   * accrued rebates are credited (DOMAIN §8: at the end of the trading day).
   */
  rollover(time: ServerTime, day: Weekday, label: string): void {
    this.p.execution.flush();
    for (const acc of this.s.accounts.values()) {
      if (acc.kind === 'house' || this.s.swapFreeAccounts.has(acc.id)) continue;
      for (const p of acc.positions) p.swap = p.swap.plus(this.costs.chargeSwap(time, day, acc.id, p, p.volume, this.p.valuation.markOf(p.symbol, p.side)));
    }
    this.costs.credit(time, label);
    // Monday 00:00 (the rollover ending Sunday) starts a trading week as well as a day.
    if (this.s.config.risk) this.p.limits.startRiskPeriod(time, day === 'sunday' ? 'week' : 'day');
  }

  /** The end of the run closes the trading day: rebates accrued since the last rollover are credited. */
  endOfRun(time: ServerTime, label: string): void {
    this.p.execution.flush();
    this.costs.credit(time, label);
  }
}
