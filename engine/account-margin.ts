// Account margin (DOMAIN §9): used margin, margin level and free margin, the margin call and
// stop-out, and a negative balance left after forced closes (protected or carried). The per-lot
// formulas are in margin.ts and the stop-out order in stop-out.ts; this applies them to accounts.
import { Dec } from './decimal.js';
import type { Side } from './instrument.js';
import type { AccountKind } from './journal.js';
import { legsBySymbol, leverageFor, marginedLots, marginLevel, marginPerLot } from './margin.js';
import { ACCOUNT_CURRENCY, type Parts, type Position, type ProgramState, SYSTEM_ACCOUNTS, type TradingAccount } from './program-state.js';
import { fillPrice, mid } from './quotes.js';
import { roundToQuantum } from './quantum.js';
import { belowOrAt, fallsTo, type RiskTerms, type RiskTrigger } from './risk.js';
import { stopOut } from './stop-out.js';
import type { ServerTime } from './time.js';
import { Money, Price, Volume } from './values.js';

/** One trading account's margin state now (DOMAIN §9). */
export interface MarginSnapshot {
  readonly id: string;
  readonly kind: AccountKind;
  readonly equity: Money;
  readonly used: Money;
  readonly free: Money;
  /** Percent; undefined with no margin in use. */
  readonly level: Dec | undefined;
}

export class AccountMargin {
  /** The lowest margin level each account reached at any price since the last `drainLowestLevels` (before forced closes). */
  readonly lowest = new Map<string, MarginPair>();

  constructor(private readonly s: ProgramState, private readonly p: Parts) {}

  /**
   * Margin of `lots` of a symbol in USD at `leverage` (the program's for the class by default),
   * rounded half-up to the quantum. `ownPrice` (`marginPrice: open`) stands for the instrument's
   * own price wherever the margin reads it (a CFD's price, a base currency converted through the
   * symbol itself); conversions through other symbols stay at their current mids.
   */
  marginIn(currency: string, symbol: string, lots: Dec, leverage?: Dec, ownPrice?: Dec): Dec {
    const inst = this.s.instrument(symbol);
    const price = ownPrice ?? mid(this.s.quotes.require(symbol));
    const m = marginPerLot(inst, price, leverage ?? leverageFor(this.s.config.risk!.leverage, inst));
    const amount = m.amount.times(lots);
    if (currency !== ACCOUNT_CURRENCY) {
      // An account in another currency (DOMAIN §1): the margin's currency converted straight into it; with
      // `ownPrice`, a base currency goes through that price when the account holds the quote currency.
      if (m.currency === 'quote' || (ownPrice && currency === inst.quote) || !this.s.canConvert(inst.base, currency)) return this.s.convert(m.currency === 'quote' ? amount : amount.times(price), inst.quote, currency).value;
      return this.s.convert(amount, inst.base, currency).value;
    }
    if (m.currency === 'quote') return this.s.quotes.toAccount(amount, this.s.conversions.get(symbol)!, this.s.q, 'mid').value;
    const base = this.s.baseConversions.get(symbol);
    // No pair converts the base currency: go through the instrument's own price into its quote currency.
    if (!base) return this.s.quotes.toAccount(amount.times(price), this.s.conversions.get(symbol)!, this.s.q, 'mid').value;
    // The base converts through the symbol itself (EURUSD's EUR): at the open price when margin is taken there.
    if (ownPrice && base.kind === 'multiply' && base.symbol === symbol) return roundToQuantum(amount.times(ownPrice), this.s.q);
    return this.s.quotes.toAccount(amount, base, this.s.q, 'mid').value;
  }

  /**
   * `marginPrice: open`: the volume-weighted open price of the account's positions on one side of a
   * symbol (a queued or tested open at the price it would fill at).
   */
  private openPriceOf(symbol: string, side: Side, positions: ReadonlyArray<{ symbol: string; side: Side; volume: Volume; openPrice?: Price }>): Dec {
    let lots = new Dec(0);
    let sum = new Dec(0);
    for (const p of positions) {
      if (p.symbol !== symbol || p.side !== side) continue;
      const price = p.openPrice?.value ?? fillPrice(this.s.quotes.require(symbol), p.side).value;
      lots = lots.plus(p.volume.value);
      sum = sum.plus(p.volume.value.times(price));
    }
    return lots.isZero() ? mid(this.s.quotes.require(symbol)) : sum.div(lots);
  }

  /** The leverage margin is charged at for an account's positions in a symbol (its own, else the program's for the class). */
  private leverageOf(account: string, symbol: string): Dec {
    const risk = this.s.config.risk!;
    return leverageFor(risk.leverage, this.s.instrument(symbol), risk.accountLeverage?.get(account));
  }

  /** Used margin of an account (with one more position, to test an order), by the hedged-margin policy, per symbol. */
  usedMargin(acc: TradingAccount, extra: ReadonlyArray<{ symbol: string; side: Side; volume: Volume }> = []): Money {
    const all = [...acc.positions, ...extra];
    const legs = legsBySymbol(all);
    const atOpen = this.s.config.policies.marginPrice === 'open';
    let total = new Dec(0);
    for (const [symbol, l] of legs) {
      if (atOpen) {
        total = total.plus(this.openPriceMargin(acc.id, symbol, l.long, l.short, all));
        continue;
      }
      const lots = marginedLots(l.long, l.short, this.s.config.policies.hedgedMargin, new Dec(this.s.config.policies.hedgedMarginPct));
      if (!lots.isZero()) total = total.plus(this.marginIn(this.s.currencyOf(acc.id), symbol, lots, this.leverageOf(acc.id, symbol)));
    }
    return new Money(total);
  }

  /**
   * `marginPrice: open`: each leg's margined lots at that leg's own open price (long lots L at P_L,
   * short S at P_S, H = min(L, S) hedged): `none` L at P_L + S at P_S; `larger-leg` the larger leg
   * at its price; `per-leg` the excess at the larger leg's price and H × pct / 100 on each leg at its
   * own; `half-hedged` the excess at the larger leg's price and H / 2 at the legs' mean price.
   */
  private openPriceMargin(account: string, symbol: string, long: Dec, short: Dec, all: ReadonlyArray<{ symbol: string; side: Side; volume: Volume; openPrice?: Price }>): Dec {
    const lev = this.leverageOf(account, symbol);
    const ccy = this.s.currencyOf(account);
    const pl = this.openPriceOf(symbol, 'buy', all);
    const ps = this.openPriceOf(symbol, 'sell', all);
    const m = (lots: Dec, price: Dec): Dec => (lots.isZero() ? new Dec(0) : this.marginIn(ccy, symbol, lots, lev, price));
    const pol = this.s.config.policies;
    if (pol.hedgedMargin === 'none') return m(long, pl).plus(m(short, ps));
    const largerPrice = long.gte(short) ? pl : ps;
    if (pol.hedgedMargin === 'larger-leg') return m(Dec.max(long, short), largerPrice);
    const hedged = Dec.min(long, short);
    const excess = m(long.minus(short).abs(), largerPrice);
    if (pol.hedgedMargin === 'per-leg') {
      const each = hedged.times(pol.hedgedMarginPct).div(100);
      return excess.plus(m(each, pl)).plus(m(each, ps));
    }
    return excess.plus(m(hedged.div(2), pl.plus(ps).div(2)));
  }

  private marginLevelOf(acc: TradingAccount): Dec | undefined {
    return marginLevel(this.p.valuation.equity(acc.id).value, this.usedMargin(acc).value);
  }

  /** Why an open of `volume` would leave the account with negative free margin (none when risk rules are off or it fits). */
  marginShortfall(acc: TradingAccount, symbol: string, side: Side, volume: Volume): string | undefined {
    if (!this.s.config.risk) return undefined;
    // Opens queued at this instant and not filled yet (a join copying several trades) count as held.
    const queued = this.p.execution.queuedOpens(acc.id);
    const used = this.usedMargin(acc, queued);
    const after = this.usedMargin(acc, [...queued, { symbol, side, volume }]);
    const equity = this.p.valuation.equity(acc.id);
    if (!equity.minus(after).isNegative()) return undefined;
    return `not enough free margin: ${volume.toString()} ${symbol} needs ${after.minus(used).toString()} more margin, free margin is ${equity.minus(used).toString()}`;
  }

  /** Margin call once per episode below its level; below the stop-out level, the stop-out. */
  checkMargin(time: ServerTime, acc: TradingAccount, risk: RiskTerms, st: MarginPair): void {
    const rule = this.s.config.policies.riskTrigger;
    let now = st;
    if (reaches(st, risk.stopOut, rule)) {
      const closed = new Map<Position, { volume: Volume; price: Price; profit: Money }>();
      const closes = stopOut({
        level: () => this.marginLevelOf(acc),
        positions: () => acc.positions,
        floating: (p) => this.p.valuation.floating(p),
        close: (p) => {
          const volume = p.volume;
          this.s.masterTrades.get(p.masterTicket)?.excluded.add(acc.id);
          // A signal master's stop-out is a master close: its followers copy it.
          if (acc.kind === 'master') this.p.orders.masterClose(time, p.masterTicket, undefined, 'stop-out');
          else this.p.execution.queue(time, { kind: 'close', position: p, volume: p.volume, cause: 'stop-out' });
          this.p.execution.flush();
          this.p.resizing.retireEmptyBlockTrades(time);
          // The event reports the fill itself (slippage and all), not the mark before it.
          closed.set(p, { volume, price: this.s.lastClose.get(p)!.price, profit: this.s.lastClose.get(p)!.profit });
        },
      }, (level) => fallsTo(level, risk.stopOut, rule));
      for (const c of closes) {
        const at = closed.get(c.position)!;
        this.s.emit({ time, kind: 'stop-out', account: acc.id, ticket: c.position.masterTicket, symbol: c.position.symbol, volume: at.volume, amount: at.profit, price: at.price, reason: `margin level ${pct100(c.before)} is ${belowOrAt(c.before, risk.stopOut)} the stop-out level ${risk.stopOut.toString()}%: closed the most unprofitable position #${c.position.ticket} (open P&L ${c.floating.toString()}, realized ${at.profit.toString()} at ${at.price.toString()}); level after ${c.after === undefined ? 'none (nothing open)' : pct100(c.after)}` });
      }
      now = { equity: this.p.valuation.equity(acc.id).value, used: this.usedMargin(acc).value };
    }
    if (reaches(now, risk.marginCall, rule)) {
      const level = marginLevel(now.equity, now.used)!;
      if (!this.s.inMarginCall.has(acc.id)) this.s.emit({ time, kind: 'margin-call', account: acc.id, amount: new Money(now.equity), reason: `margin level ${pct100(level)} is ${belowOrAt(level, risk.marginCall)} the margin-call level ${risk.marginCall.toString()}%` });
      this.s.inMarginCall.add(acc.id);
    } else this.s.inMarginCall.delete(acc.id);
  }

  /** Nothing open and a negative balance: the broker absorbs it (`protect`) or the account keeps it (`carry`). */
  settleNegative(time: ServerTime, acc: TradingAccount): void {
    if (acc.positions.length > 0) return;
    const balance = this.s.journal.balance(acc.id);
    if (!balance.isNegative()) {
      this.s.carried.delete(acc.id);
      return;
    }
    if (this.absorbsDeficit(acc.id)) {
      this.s.post(time, SYSTEM_ACCOUNTS.house, acc.id, balance.neg(), 'negative-balance', acc.id);
      this.s.emit({ time, kind: 'negative-balance-protected', account: acc.id, amount: balance.neg(), reason: `balance ${balance.toString()} after the forced closes; the broker absorbs it and the balance resets to 0 (${acc.kind === 'pamm' ? 'a pool is always protected' : 'negativeBalance: protect'})` });
      if (acc.kind === 'pamm') this.cancelWorthlessUnits(time);
    } else if (!this.s.carried.has(acc.id)) {
      this.s.carried.add(acc.id);
      this.s.emit({ time, kind: 'negative-balance-carried', account: acc.id, amount: balance.neg(), reason: `balance ${balance.toString()} after the forced closes stays on the account (negativeBalance: carry)` });
    }
  }

  /** Whether the broker absorbs a deficit on this account: under `protect`, and always for the pool, which cannot carry (its deficit would pass to whoever buys units next). */
  absorbsDeficit(account: string): boolean {
    return this.s.config.policies.negativeBalance === 'protect' || account === this.s.config.pool?.id;
  }

  /** A pool wiped out to 0 with nothing open: its units are worth nothing and are cancelled, so new money buys at the initial NAV. */
  private cancelWorthlessUnits(time: ServerTime): void {
    const reg = this.s.units!;
    if (!reg.total.isPositive()) return;
    for (const id of reg.members()) {
      const u = reg.holding(id);
      if (!u.isPositive()) continue;
      reg.redeem(id, u);
      this.s.emit({ time, kind: 'units-redeemed', investor: id, account: this.s.config.pool!.id, amount: Money.zero, units: u, reason: 'the pool was wiped out: its units are worth nothing and are cancelled' });
    }
  }

  /** The lowest margin level per account since the last call (what a snapshot after forced closes would miss), and starts afresh. */
  drainLowestLevels(only?: ReadonlySet<string>): Map<string, Dec> {
    // Only the accounts asked for: the others keep their lowest until their next row (no level is computed meanwhile).
    const ids = only ? [...only].filter((id) => this.lowest.has(id)) : [...this.lowest.keys()];
    const out = new Map(ids.map((id) => [id, marginLevel(this.lowest.get(id)!.equity, this.lowest.get(id)!.used)!]));
    for (const id of ids) this.lowest.delete(id);
    return out;
  }

  /** Margin state of every trading account (the master of a signal program, MAM sub-accounts, the pool, clients) that is open; `only` those accounts. */
  marginSnapshots(only?: ReadonlySet<string>): MarginSnapshot[] {
    this.p.execution.flush();
    const out: MarginSnapshot[] = [];
    if (!this.s.config.risk) return out;
    for (const acc of this.s.accounts.values()) {
      if (only && !only.has(acc.id)) continue;
      if (acc.kind === 'house' || (acc.kind === 'master' && this.s.config.structure === 'block')) continue;
      if (acc.kind !== 'master' && acc.kind !== 'client' && !acc.active && acc.positions.length === 0) continue;
      const equity = this.p.valuation.equity(acc.id);
      const used = this.usedMargin(acc);
      out.push({ id: acc.id, kind: acc.kind, equity, used, free: equity.minus(used), level: marginLevel(equity.value, used.value) });
    }
    return out;
  }
}

/** A margin level (already in percent) with two decimals. */
function pct100(x: Dec): string { return `${x.toDecimalPlaces(2).toString()}%`; }

/** An account's equity and used margin at one price: its margin level without the division. */
export interface MarginPair {
  readonly equity: Dec;
  readonly used: Dec;
}

/**
 * Margin level down to `pct` percent under the rule (nothing used: never): equity × 100 ≤ pct ×
 * used (`at-or-below`) or < (`below`), the level's division left out so the test is exact.
 */
function reaches(st: MarginPair, pct: Dec, rule: RiskTrigger): boolean {
  return st.used.isPositive() && !st.used.isZero() && fallsTo(st.equity.times(100), pct.times(st.used), rule);
}

/** Whether `a`'s level is lower than `b`'s (both with margin in use): a.e / a.u < b.e / b.u. */
export function lowerLevel(a: MarginPair, b: MarginPair): boolean {
  return a.equity.times(b.used).lt(b.equity.times(a.used));
}
