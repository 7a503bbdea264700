// Risk checks after each price (DOMAIN §9): in order, the hard stop, then each account's limits,
// margin call and stop-out, and a negative balance. A float screen (risk-screen.ts) skips the
// exact checks for an account it proves quiet at this price; `exactRisk` turns the screen off.
import { lowerLevel, type MarginPair } from './account-margin.js';
import { Dec } from './decimal.js';
import { leverageFor } from './margin.js';
import { ACCOUNT_CURRENCY, BLOCK_INDEX, type Parts, type ProgramState, SYSTEM_ACCOUNTS, type TradingAccount } from './program-state.js';
import { drawdownQuiet, levelRange, lossQuiet, type Range, REL, RiskScreen, surelyAbove, surelyBelow } from './risk-screen.js';
import type { Quote } from './quotes.js';
import type { RiskTerms } from './risk.js';
import type { ServerTime } from './time.js';
import { Money } from './values.js';

export class RiskChecks {
  /** Float bounds in front of the exact risk checks (risk-screen.ts). */
  private readonly screen: RiskScreen;
  /**
   * What moved since the last check. The rules read an account's positions, balance, indices and
   * pause, and the quotes of its positions' symbols and their conversions; an account none of
   * whose inputs moved would be checked on the inputs its last check saw and acted on, so it is
   * skipped (a quote of EURUSD does not visit accounts that hold only gold). `changes` counts
   * everything but quotes (fills, journal entries, actions, drained lows): after any of those,
   * every account is checked again, as before.
   */
  private readonly quoted = new Set<string>();
  private changes = 1;
  private seenChanges = 0;
  /**
   * New lowest margin levels the screen saw and the exact path has not computed yet, per account:
   * the level's float range and the quotes it was seen at (see resolvePendingLows).
   */
  private readonly pendingLows = new Map<string, { readonly level: Range; readonly quotes: ReadonlyArray<readonly [string, Quote]> }>();
  /** Per symbol, the symbols whose quotes a position in it is valued and margined with. */
  private readonly inputs = new Map<string, readonly string[]>();

  constructor(private readonly s: ProgramState, private readonly p: Parts) {
    const config = s.config;
    this.screen = new RiskScreen({
      halfQuantum: config.quantum.step.toNumber() * 0.51,
      conversionSide: config.policies.conversionSide,
      hedgedMargin: config.policies.hedgedMargin,
      hedgedMarginPct: Number(config.policies.hedgedMarginPct),
      instrument: (symbol) => s.instrument(symbol),
      quote: (symbol) => s.quotes.doublesOf(symbol),
      conversion: (symbol) => s.conversions.get(symbol)!,
      baseConversion: (symbol) => s.baseConversions.get(symbol),
      leverage: (inst) => leverageFor(config.risk!.leverage, inst),
      accountLeverage: (account) => config.risk!.accountLeverage?.get(account)?.toNumber(),
      balance: (account) => s.journal.balanceValue(account),
    });
  }

  /**
   * After every price update in market hours (DOMAIN §9): the master hard stop, then each
   * account's own limits (the manager's, tighter by design), then the broker's margin call and
   * stop-out, and a negative balance left once nothing is open. Accounts with nothing open
   * have nothing a price can move and are skipped.
   */
  checkRisk(time: ServerTime): void {
    const risk = this.s.config.risk;
    if (!risk) return;
    if (!this.hardStopQuiet(risk)) this.p.limits.checkHardStop(time);
    const before = this.changes;
    const exact = this.s.config.exactRisk;
    // Accounts open only in actions (joins, clients), never during a check: the map is read as it is.
    for (const acc of this.s.accounts.values()) {
      if (acc.kind === 'house') continue;
      // Nothing it reads moved since its last check (a change during this loop makes the rest look again).
      // An account in another currency than USD also moves with its conversion pairs: it is checked at every price, exactly.
      const foreign = this.s.multiCurrency && this.s.currencyOf(acc.id) !== ACCOUNT_CURRENCY;
      if (!exact && !foreign && this.changes === this.seenChanges && !this.moved(acc)) continue;
      // Surely nothing to do at this price (the float screen): what the exact path would do then is only this.
      const screened = acc.positions.length > 0 && !foreign ? this.screenAccount(acc, risk) : undefined;
      if (screened === 'quiet') {
        this.s.inMarginCall.delete(acc.id);
        continue;
      }
      // Surely nothing but a new lowest level: kept with the quotes it was seen at, and computed
      // exactly only if no lower one replaces it before the program next changes (most do).
      if (screened) {
        this.pendingLows.set(acc.id, { level: screened, quotes: this.quotesOf(acc) });
        this.s.inMarginCall.delete(acc.id);
        continue;
      }
      // Nothing open, nothing a price can move: only a balance left negative by a forced close (the hard stop's) to settle.
      if (acc.positions.length > 0) {
        // One equity and one used margin per account and price; levels are compared by cross-multiplying (no division).
        const st: MarginPair = { equity: this.p.valuation.equity(acc.id).value, used: this.p.margin.usedMargin(acc).value };
        const low = this.p.margin.lowest.get(acc.id);
        if (st.used.isPositive() && !st.used.isZero() && (low === undefined || lowerLevel(st, low))) this.p.margin.lowest.set(acc.id, st);
        this.p.limits.checkLimits(time, acc, new Money(st.equity));
        // A limit that acted closed everything: nothing is left for the margin rules.
        if (acc.positions.length > 0) this.p.margin.checkMargin(time, acc, risk, st);
        else this.s.inMarginCall.delete(acc.id);
      } else this.s.inMarginCall.delete(acc.id);
      this.p.margin.settleNegative(time, acc);
    }
    this.seenChanges = before;
    this.quoted.clear();
  }

  /** A quote of `symbol` was recorded (checked or not: outside market hours nothing is checked). */
  quote(symbol: string): void { this.quoted.add(symbol); }

  /** Something other than a quote changed what the rules read: the next check visits every account. */
  touched(): void {
    this.changes++;
    this.resolvePendingLows();
  }

  /** The current quotes of every symbol the account's positions are valued and margined with. */
  private quotesOf(acc: TradingAccount): Array<readonly [string, Quote]> {
    const out: Array<readonly [string, Quote]> = [];
    for (const p of acc.positions) {
      for (const sym of this.inputsOf(p.symbol)) {
        if (out.some(([x]) => x === sym)) continue;
        const q = this.s.quotes.get(sym);
        if (q) out.push([sym, q]);
      }
    }
    return out;
  }

  private moved(acc: TradingAccount): boolean {
    for (const p of acc.positions) for (const sym of this.inputsOf(p.symbol)) if (this.quoted.has(sym)) return true;
    return false;
  }

  private inputsOf(symbol: string): readonly string[] {
    let x = this.inputs.get(symbol);
    if (!x) {
      const conv = this.s.conversions.get(symbol);
      const base = this.s.baseConversions.get(symbol);
      x = [symbol, ...(conv && conv.kind !== 'identity' ? [conv.symbol] : []), ...(base && base.kind !== 'identity' ? [base.symbol] : [])];
      this.inputs.set(symbol, x);
    }
    return x;
  }

  /**
   * What the exact checks below would do for this account at the current prices, when the float
   * screen can tell: `quiet` when surely nothing (its margin level strictly above the stop-out
   * and margin-call levels and above its lowest so far, no new peak and no loss limit reached,
   * each with room for the floats' error, risk-screen.ts); the level's range when the only thing
   * that happens is surely a new lowest margin level; undefined when only the exact path can say.
   */
  private screenAccount(acc: TradingAccount, risk: RiskTerms): 'quiet' | Range | undefined {
    // Margin at the open price is not what the screen's forms compute: such programs take the exact path at every quote.
    if (this.s.config.exactRisk || this.s.config.policies.marginPrice === 'open') return undefined;
    const screen = this.screen;
    const at = screen.account(acc.id, acc.positions, this.changes);
    const equity = at?.equity;
    const used = at?.used;
    const level = equity && used && levelRange(equity, used);
    if (!equity || !level) return undefined;
    const t = (x: Dec): number => screen.term(x);
    if (!surelyAbove(level, t(risk.stopOut)) || !surelyAbove(level, t(risk.marginCall))) return undefined;
    if (!this.limitsQuiet(acc, risk, equity)) return undefined;
    // The lowest level so far: a candidate not yet computed, else the exact one, else none (drained).
    const pending = this.pendingLows.get(acc.id);
    const low = this.p.margin.lowest.get(acc.id);
    if (pending) {
      if (level.lo > pending.level.hi) return 'quiet';
      return level.hi < pending.level.lo ? level : undefined;
    }
    if (!low) return level;
    const lowLevel = screen.lowLevel(acc.id, low);
    if (surelyAbove(level, lowLevel)) return 'quiet';
    return surelyBelow(level, lowLevel) ? level : undefined;
  }

  /**
   * Whether the master's hard stop surely does not fire at this price: the master's equity (a
   * signal master's, or the sum of a block master's parts) strictly above the equity floor, and
   * its index neither at a new peak nor at the drawdown stop, with room for the floats' error.
   * False when only the exact check can tell, or when there is nothing to screen.
   */
  private hardStopQuiet(risk: RiskTerms): boolean {
    const m = risk.master;
    if (this.s.config.exactRisk || !m || this.s.hardStopped || this.s.masterTrades.size === 0 || this.s.programCurrency !== ACCOUNT_CURRENCY) return false;
    const screen = this.screen;
    const signal = this.s.config.structure === 'signal';
    const parts = signal ? [this.s.accounts.get(SYSTEM_ACCOUNTS.master)!] : this.p.valuation.linked();
    let lo = 0, hi = 0, scale = 0;
    for (const acc of parts) {
      const e = screen.equityOf(acc.id, acc.positions, this.changes);
      if (!e) return false;
      lo += e.lo;
      hi += e.hi;
      scale += Math.max(Math.abs(e.lo), Math.abs(e.hi));
    }
    // The sum's own float error is relative to its terms, not to the sum (each range already holds its part).
    const equity: Range = { lo: lo - REL * scale - Number.MIN_VALUE, hi: hi + REL * scale + Number.MIN_VALUE };
    if (m.hardStopEquity && !surelyAbove(equity, screen.term(m.hardStopEquity.value))) return false;
    if (m.hardStopDrawdown) {
      const key = signal ? SYSTEM_ACCOUNTS.master : BLOCK_INDEX;
      const idx = this.s.indices.get(key);
      if (!idx) return false;
      const st = idx.state();
      const slots = screen.slots(key);
      if (!drawdownQuiet(equity, slots.units.of(st.units), slots.peak.of(st.peak), screen.term(m.hardStopDrawdown))) return false;
    }
    return true;
  }

  /** Whether the account's own limits surely do nothing (checkLimits acts only on an active MAM account or the pool with an index). */
  private limitsQuiet(acc: TradingAccount, risk: RiskTerms, equity: Range): boolean {
    const screen = this.screen;
    const t = (x: Dec): number => screen.term(x);
    const idx = this.s.indices.get(acc.id);
    if (!idx || !acc.active || (acc.kind !== 'mam' && acc.kind !== 'pamm')) return true;
    const s = idx.state();
    const slots = screen.slots(acc.id);
    const units = slots.units.of(s.units);
    if (acc.kind === 'pamm') {
      const pool = risk.pool;
      if (!pool) return true;
      return lossQuiet(equity, units, slots.week.of(s.week), t(pool.weeklyLoss)) && (!pool.dailyLoss || lossQuiet(equity, units, slots.day.of(s.day), t(pool.dailyLoss)));
    }
    const limits = risk.accounts?.get(acc.id);
    if (!limits) return true;
    if (limits.maxDrawdown && !drawdownQuiet(equity, units, slots.peak.of(s.peak), t(limits.maxDrawdown))) return false;
    if (limits.minBalance && !surelyAbove(equity, t(limits.minBalance.value))) return false;
    return !limits.weeklyLoss || lossQuiet(equity, units, slots.week.of(s.week), t(limits.weeklyLoss));
  }

  /**
   * Computes every pending lowest level exactly, at the quotes it was seen at, before anything
   * but a quote changes the program (the account's positions and balance are still those of the
   * moment the candidate was seen; the quotes are the ones kept with it).
   */
  private resolvePendingLows(): void {
    if (this.pendingLows.size === 0) return;
    for (const [id, pending] of this.pendingLows) {
      const acc = this.s.accounts.get(id)!;
      const st: MarginPair = this.s.quotes.asOf(pending.quotes, () => ({ equity: this.p.valuation.equity(id).value, used: this.p.margin.usedMargin(acc).value }));
      const low = this.p.margin.lowest.get(id);
      if (st.used.isPositive() && !st.used.isZero() && (low === undefined || lowerLevel(st, low))) this.p.margin.lowest.set(id, st);
    }
    this.pendingLows.clear();
  }
}
