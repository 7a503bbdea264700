// Valuation (DOMAIN §1, §2): what every account, position, investor and master trade is worth
// at the current quotes: floating P&L in USD, equity, a PAMM member's value by units, the
// followers of the master and the volumes they hold. Read-only: nothing here books or emits,
// so every other part can ask it without changing the run.
import type { Follower, MasterSize, Sizing } from './allocation.js';
import { Dec } from './decimal.js';
import { quoteProfit, type Side, sideSign } from './instrument.js';
import { ACCOUNT_CURRENCY, type Investor, type Position, type ProgramState, SYSTEM_ACCOUNTS, type TradingAccount } from './program-state.js';
import { markPrice } from './quotes.js';
import { Money, Price, Volume } from './values.js';

export class Valuation {
  constructor(private readonly s: ProgramState) {}

  /** How follower parts of this instrument are put on a grain (policies + the instrument's lot terms). */
  sizing(symbol: string): Sizing {
    const inst = this.s.instrument(symbol);
    const pol = this.s.config.policies;
    return { mode: pol.roundingMode, quantum: this.s.q, lotStep: inst.lotStep, minLot: inst.minLot, maxLot: inst.maxLot, belowMinLot: pol.belowMinLot, residualRule: pol.residualRule, lotRounding: pol.lotRounding, copyBasis: pol.copyBasis, copyRatio: pol.copyRatio };
  }

  /** The volume grain of an instrument: its lot step in `lot-step` mode, else the quantum. */
  grain(symbol: string): Dec {
    return this.s.config.policies.roundingMode === 'lot-step' ? this.s.instrument(symbol).lotStep.value : this.s.q.step;
  }

  /**
   * What the allocation reads of a follower: its equity and balance in the master's currency (an
   * account in another currency converted at the mid of the moment: the marketplace's "subscriber
   * equity in the provider's currency", DOMAIN §3), its terms, override and leverage factor.
   */
  follower(acc: TradingAccount, override?: Volume): Follower {
    const ccy = this.s.currencyOf(acc.id);
    const inMaster = (m: Money): Money => (ccy === this.s.programCurrency ? m : this.s.convert(m.value, ccy, this.s.programCurrency));
    return { account: acc.id, equity: inMaster(this.equity(acc.id)), balance: inMaster(this.s.journal.balance(acc.id)), terms: acc.terms, override, leverageRatio: this.leverageRatio(acc.id) };
  }

  /** An account's own leverage over the program's default when lower (the marketplace's leverage factor), else 1. */
  private leverageRatio(account: string): Dec | undefined {
    const risk = this.s.config.risk;
    const own = risk?.accountLeverage?.get(account);
    if (!risk || !own || !own.lt(risk.leverage.default)) return undefined;
    return own.div(risk.leverage.default);
  }

  /** Profit of `volume` of a symbol moved from `open` to `close`, in the currency of `account` (policy `conversionSide`). */
  profit(account: string, symbol: string, side: Side, volume: Dec, open: Price, close: Price): Money {
    const inst = this.s.instrument(symbol);
    const raw = quoteProfit(inst, side, new Volume(volume), open, close);
    const ccy = this.s.currencyOf(account);
    if (ccy !== ACCOUNT_CURRENCY) return this.s.convert(raw, inst.quote, ccy, this.s.config.policies.conversionSide);
    return this.s.quotes.toAccount(raw, this.s.conversions.get(symbol)!, this.s.q, this.s.config.policies.conversionSide);
  }

  /** Where a position of `side` would close now. */
  markOf(symbol: string, side: Side): Price {
    return markPrice(this.s.quotes.require(symbol), side);
  }

  /** Open P&L of one position at the current quote, in account currency. */
  floating(p: Position): Money {
    return this.profit(p.account, p.symbol, p.side, p.volume.value, p.openPrice, this.markOf(p.symbol, p.side));
  }

  floatingOf(acc: TradingAccount): Money {
    return Money.sum(acc.positions.map((p) => this.floating(p)));
  }

  equity(accountId: string): Money {
    const acc = this.s.accounts.get(accountId);
    const bal = this.s.journal.balance(accountId);
    return acc ? bal.plus(this.floatingOf(acc)) : bal;
  }

  memberValues(): ReadonlyMap<string, Money> {
    if (!this.s.units || !this.s.config.pool) return new Map();
    return this.s.units.values(this.equity(this.s.config.pool.id), this.s.config.policies.residualRule);
  }

  /** An investor's equity: its sub-account's (MAM) or its share of the pool (PAMM, from `values`). */
  equityOf(inv: Investor, values: ReadonlyMap<string, Money>): Money {
    if (inv.detached) return this.equity(inv.account);
    if (!inv.active) return Money.zero;
    return inv.model === 'mam' ? this.equity(inv.account) : values.get(inv.id) ?? Money.zero;
  }

  investorEquity(id: string): Money {
    const inv = this.s.investors.get(id);
    if (!inv) return Money.zero;
    return this.equityOf(inv, inv.model === 'pamm' ? this.memberValues() : new Map());
  }

  /** Followers in account order: MAM sub-accounts in joining order, then the PAMM pool; a paused account copies nothing. */
  followers(): TradingAccount[] {
    return this.linked().filter((a) => !this.s.paused.has(a.id));
  }

  /** Every account still in the program, paused or not: the parts of a block master. */
  linked(): TradingAccount[] {
    const out: TradingAccount[] = [];
    for (const acc of this.s.accounts.values()) if (acc.kind === 'mam' && acc.active) out.push(acc);
    if (this.s.config.pool && this.s.units && this.s.units.total.isPositive()) out.push(this.s.accounts.get(this.s.config.pool.id)!);
    return out;
  }

  /** The master's equity and balance, the copy family's reference (`copyBasis`): a signal master's own; a block master's, its followers' together. */
  masterSize(): MasterSize {
    // Each side is summed when read: a copy sized on equity never sums the balances.
    const accounts = (): string[] => (this.s.config.structure === 'signal' ? [SYSTEM_ACCOUNTS.master] : this.linked().map((a) => a.id));
    const v = this;
    return {
      get equity() { return Money.sum(accounts().map((id) => v.equity(id))); },
      get balance() { return Money.sum(accounts().map((id) => v.s.journal.balance(id))); },
    };
  }

  /** The block master's equity: every part still in the program, paused or not. */
  blockEquity(): Dec {
    return this.linked().reduce((x, a) => x.plus(this.equity(a.id).value), new Dec(0));
  }

  positionsOf(masterTicket: string, accountId?: string): Position[] {
    const out: Position[] = [];
    const accounts = accountId === undefined ? this.s.accounts.values() : [this.s.accounts.get(accountId)].filter((a) => a !== undefined);
    for (const acc of accounts) for (const p of acc.positions) if (p.masterTicket === masterTicket) out.push(p);
    return out;
  }

  heldVolume(masterTicket: string, accountId: string): Volume {
    return Volume.sum(this.positionsOf(masterTicket, accountId).map((p) => p.volume));
  }

  holdersOf(ticket: string): string[] {
    const out: string[] = [];
    for (const acc of this.s.accounts.values()) if (acc.positions.some((p) => p.masterTicket === ticket)) out.push(acc.id);
    return out;
  }

  /** The master trade's open volume: the master's own position (signal) or the sum of its parts (block). */
  masterVolume(masterTicket: string): Volume {
    if (this.s.config.structure === 'signal') return this.heldVolume(masterTicket, SYSTEM_ACCOUNTS.master);
    return new Volume(this.s.openVolumeByTicket.get(masterTicket) ?? new Dec(0));
  }

  /** Signed open volume of the master's trades in a symbol (long positive): what `worst-first` moves against. */
  masterExposure(symbol: string): Dec {
    let x = new Dec(0);
    if (this.s.masterTrades.size === 0) return x; // asked at every bar's first extreme: the master is mostly flat
    for (const t of this.s.masterTrades.values()) if (t.symbol === symbol) x = x.plus(this.masterVolume(t.ticket).value.times(sideSign(t.side)));
    return x;
  }
}
