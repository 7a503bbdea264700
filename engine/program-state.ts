// The program's shared state (DOMAIN §2): its accounts and positions, investors, master trades
// and pending orders, the PAMM unit register, the quote book, the journal and the risk state
// several rules read (pauses, indices, margin-call episodes). Each part of the program
// (valuation.ts, execution.ts, master-orders.ts, …) owns one concern and keeps its own working
// state; what more than one of them reads or changes lives here, in one place, so no part
// reaches into another's fields. `Parts` is how the parts call each other.
import type { AccountMargin } from './account-margin.js';
import type { Clients } from './clients.js';
import type { AllocationTerms } from './allocation.js';
import type { CostsConfig } from './costs.js';
import { Dec } from './decimal.js';
import type { EngineEvent, EngineSink } from './events.js';
import type { Execution } from './execution.js';
import type { Fees } from './fees.js';
import type { Instrument, Side } from './instrument.js';
import type { InvestorFlows } from './investor-flows.js';
import { BASE_CURRENCY, Journal, type AccountKind, type AccountRef, type EntryReason, type JournalEntry } from './journal.js';
import type { MasterOrders } from './master-orders.js';
import type { PendingType } from './orders.js';
import { UnitRegister } from './pamm.js';
import { MANAGER } from './rebate.js';
import type { FeeState, FeeTerms, FeeTiers } from './performance-fee.js';
import type { AllocationMethod, Policies, Structure } from './policies.js';
import type { Quantum } from './quantum.js';
import { type Conversion, type ConversionSide, type PairConversion, QuoteBook, conversionSymbols, findConversion, findConversionVia } from './quotes.js';
import type { Resizing } from './resizing.js';
import { type LimitPeriod, PerformanceIndex, type RiskTerms } from './risk.js';
import type { RiskChecks } from './risk-checks.js';
import type { RiskLimits } from './risk-limits.js';
import type { Statements } from './statements.js';
import type { ServerTime } from './time.js';
import type { TradeCosts } from './trade-costs.js';
import type { Triggers } from './triggers.js';
import type { Valuation } from './valuation.js';
import type { Views } from './views.js';
import type { Money, Price, Volume } from './values.js';

export const ACCOUNT_CURRENCY = BASE_CURRENCY;

/** Fixed ids of the program's own accounts (`conversion` only when some account holds another currency than USD). */
export const SYSTEM_ACCOUNTS = { master: 'master', executive: 'executive', fees: 'fees', house: 'house', external: 'external', market: 'market', conversion: 'conversion' } as const;

export interface ProgramConfig {
  readonly structure: Structure;
  readonly allocation: AllocationMethod;
  readonly quantum: Quantum;
  readonly policies: Policies;
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** Performance fee rate (0.2 = 20%) charged to every investor but the manager; with tiers, their highest rate (the bound a fee keeps under). */
  readonly performanceFeeRate: Dec;
  /** Tiered performance fee in place of the flat rate (performance-fee.ts FeeTiers). */
  readonly performanceFeeTiers?: FeeTiers;
  /** Management fee: an annual rate on equity or balance, accrued daily (none when absent). */
  readonly managementFee?: { readonly rate: Dec; readonly basis: 'equity' | 'balance' };
  /** Entry fee as a fraction of every deposit (none when absent). */
  readonly entryFee?: Dec;
  /** Subscription: a fixed amount per investor at each management-fee period end (none when absent). */
  readonly subscriptionFee?: Money;
  /** Volume fee per side on each follower's own fills: per lot and per million of notional (USD). */
  readonly volumeFee?: { readonly perLot: Dec; readonly perMillion: Dec };
  /** Program terms (DOMAIN §6): the PAMM minimum investment and the minimum MAM investment. */
  readonly terms?: { readonly minimumInvestment: Money; readonly minimumMamInvestment: Money | 'floating' };
  /** Open + pending master orders allowed at once (seed 000: 1000); the copies mirror the count. */
  readonly maxOrders?: number;
  /** The PAMM pool, if the program has one. */
  readonly pool?: { readonly id: string; readonly initialNav: Dec; readonly terms?: AllocationTerms };
  /** Commissions, swaps and rebates (none when absent). */
  readonly costs?: CostsConfig;
  /** The program's accounts (master, MAM sub-accounts, pool) are swap-free. */
  readonly swapFree?: boolean;
  /** Margin, stop-out and limits (DOMAIN §9); none of them apply when absent. */
  readonly risk?: RiskTerms;
  /** Adverse slippage in price units for a fill of a symbol at a time (stress windows); none when absent. */
  readonly slippage?: (symbol: string, time: ServerTime) => Dec;
  /** Every risk check exact at every price, without the float screen (tests compare the two: the outputs are the same). */
  readonly exactRisk?: boolean;
  /**
   * Accounts that hold another currency than USD (DOMAIN §1), by journal account id: `master`
   * (the program's currency: the master and the manager's fee account), `mam:<id>`, the pool,
   * `client:<id>`, `ib:<id>`. Absent: every account holds USD.
   */
  readonly currencies?: ReadonlyMap<string, string>;
  /**
   * Where the part of the executive's net below the lot step goes (DOMAIN §2, §12): this
   * program's `house` (the default), or the broker's `book`, whose desk nets every program's
   * orders and takes the residual once (engine/book-desk.ts); the program then sends its net as is.
   */
  readonly residual?: 'house' | 'book';
}

/** The index a block master's hard stop watches: all its parts together. */
export const BLOCK_INDEX = 'block';

/** Who brought an investor or client in, and its swap terms. */
export interface Referral {
  /** The IB (or `manager`) that referred it. */
  readonly referredBy?: string;
  readonly swapFree?: boolean;
}

export type InvestmentModel = 'mam' | 'pamm';

export interface Investor {
  readonly id: string;
  readonly model: InvestmentModel;
  readonly account: string;
  readonly manager: boolean;
  fee: FeeState;
  /** The investor's fee terms (the rate changes with an all-members `termChanges`). */
  feeTerms: FeeTerms;
  /** Start of the investor's part of the current fee period (the hurdle is pro-rated to it). */
  periodStart: ServerTime;
  /** Management fee accrued since it was last charged, exact (rounded when charged). */
  managementAccrued: Dec;
  /** This investor's management-fee rate (a year): the program's when it joined, or after an all-members change. */
  managementRate: Dec;
  /** What the current statement has gathered since its period began. */
  statement: StatementDraft;
  active: boolean;
  /** Left with `onLeave: detach`: keeps its positions in an account outside the program. */
  detached: boolean;
  readonly referredBy?: string;
}

export interface Position {
  readonly ticket: number;
  readonly account: string;
  readonly masterTicket: string;
  readonly symbol: string;
  readonly side: Side;
  volume: Volume;
  /** The exact, unrounded volume this position stands for (rounding money = actual − ideal P&L). */
  exactVolume: Dec;
  readonly openPrice: Price;
  readonly openTime: ServerTime;
  /** Commission and swap booked on the position and not yet reported on a closed ticket (money to the account). */
  commission: Money;
  swap: Money;
  /** A client's position: its IB's level-1 rebate accrued at the open and not yet closed (cashback is paid on the whole trade at its close). */
  openRebate: Dec;
  /** The risk screen's memo of this position's doubles (risk-screen.ts); never read by the exact path. */
  screen?: { readonly volume: unknown; readonly lots: number; readonly open: number };
}

export interface StatementDraft {
  from: ServerTime;
  opening: Money;
  deposits: Money;
  withdrawals: Money;
  entryFees: Money;
  managementFees: Money;
  performanceFees: Money;
  /** Subscription and volume fees. */
  otherFees: Money;
}

/** Fees investors pay into the manager's fee account. */
export type InvestorFee = 'performance-fee' | 'management-fee' | 'subscription-fee' | 'volume-fee';

export interface MasterTrade {
  readonly ticket: string;
  readonly symbol: string;
  readonly side: Side;
  readonly openTime: ServerTime;
  /** The executive price of the open instant, once filled. */
  openPrice?: Price;
  /** Exact shares of followers that got no position (skipped by rounding), still open. */
  readonly skipped: Map<string, SkippedShare>;
  /** Followers a risk rule kept out of this trade or forced out of it (skipped copy, pause, stop-out, limit): a later resize never reopens it for them. */
  readonly excluded: Set<string>;
  sl?: Price;
  tp?: Price;
}

/** A master pending order: allocated to the followers when it fills, at that moment's equities. */
export interface PendingOrder {
  readonly ticket: string;
  readonly symbol: string;
  readonly type: PendingType;
  price: Price;
  readonly volume: Volume | undefined;
  sl?: Price;
  tp?: Price;
  readonly overrides: ReadonlyMap<string, Volume>;
}

export interface TradingAccount {
  readonly id: string;
  readonly kind: 'master' | 'mam' | 'pamm' | 'house' | 'client';
  /** What the allocation method needs to know of this follower (percent, lots, …). */
  readonly terms: AllocationTerms;
  /** Open positions in the order they were opened. */
  positions: Position[];
  active: boolean;
}

/** A follower's exact share of a master trade that rounding left without a position. */
export interface SkippedShare {
  readonly exact: Dec;
  /** Where the share would have opened: the master's open price unless it was skipped later (joining). */
  readonly openPrice?: Price;
}

/** The parts of a program, one per concern; each receives the shared state and this record to call the others. */
export interface Parts {
  readonly valuation: Valuation;
  readonly triggers: Triggers;
  readonly execution: Execution;
  readonly costs: TradeCosts;
  readonly orders: MasterOrders;
  readonly flows: InvestorFlows;
  readonly resizing: Resizing;
  readonly fees: Fees;
  readonly statements: Statements;
  readonly clients: Clients;
  readonly margin: AccountMargin;
  readonly limits: RiskLimits;
  readonly risk: RiskChecks;
  readonly views: Views;
}

/** What more than one part of the program reads or changes. */
export class ProgramState {
  readonly journal: Journal;
  readonly quotes = new QuoteBook();
  readonly q: Quantum;
  /** How each symbol's profit converts to USD. */
  readonly conversions = new Map<string, PairConversion>();
  readonly accounts = new Map<string, TradingAccount>();
  /** Every account with its kind, in opening order (the order of all outputs). */
  readonly accountKinds = new Map<string, AccountKind>();
  readonly investors = new Map<string, Investor>();
  readonly masterTrades = new Map<string, MasterTrade>();
  /**
   * The open volume of every position per master ticket, summed over all accounts: kept as legs
   * fill (execution.ts) and as a detach renames positions (investor-flows.ts), so the master's
   * volume is read in O(1), not by a scan of every account (invariants.ts checks it against that scan).
   */
  readonly openVolumeByTicket = new Map<string, Dec>();
  /**
   * Signed open volume per symbol (buy positive) of every account that trades through the
   * executive account: all but the house and self-trading clients. Kept as legs fill, so the
   * executive's residual never scans every account's positions (invariants.ts checks it).
   */
  readonly clientExposure = new Map<string, Dec>();
  readonly pendingOrders = new Map<string, PendingOrder>();
  readonly units?: UnitRegister;
  /**
   * PAMM deposits kept out of the pool's open trades (`pammDeposit: no-action`), in request
   * order: the money stays with the investor until the pool has nothing open (investor-flows.ts).
   */
  readonly heldDeposits: Array<{ readonly investor: string; readonly amount: Money; readonly requested: ServerTime }> = [];
  /** Self-trading clients: who referred them. */
  readonly clients = new Map<string, Referral>();
  readonly swapFreeAccounts = new Set<string>();
  /** Risk state: flow-neutral indices per account, paused accounts (until which boundary), margin-call episodes, the hard stop. */
  readonly indices = new Map<string, PerformanceIndex>();
  readonly paused = new Map<string, LimitPeriod>();
  readonly inMarginCall = new Set<string>();
  readonly carried = new Set<string>();
  hardStopped = false;
  /** The last close fill of each position (what a stop-out event reports); kept only with risk rules. */
  readonly lastClose = new WeakMap<Position, { price: Price; profit: Money }>();
  /** Forex-mode margin is stated in the base currency: how each symbol's base converts to USD (undefined: through its own quote). */
  readonly baseConversions = new Map<string, PairConversion | undefined>();

  /** Opens the program's own accounts, the pool and the IB accounts, in the order every output lists them. */
  /** Some account holds another currency than USD: amounts convert between accounts (the `conversion` account is open). */
  readonly multiCurrency: boolean;
  /** The master's and the manager's fee account's currency. */
  readonly programCurrency: string;
  /** The allocation method in force: the program's, until an admin event changes it (MasterOrders.changeAllocation). */
  allocation: AllocationMethod;
  /** Conversions between two currencies, found once (key `FROM>TO`). */
  private readonly between = new Map<string, Conversion>();

  constructor(readonly config: ProgramConfig, readonly sink: EngineSink) {
    this.q = config.quantum;
    this.allocation = config.allocation;
    this.multiCurrency = [...(config.currencies?.values() ?? [])].some((c) => c !== BASE_CURRENCY);
    this.programCurrency = config.currencies?.get(SYSTEM_ACCOUNTS.master) ?? BASE_CURRENCY;
    for (const inst of config.instruments.values()) {
      const conv = findConversion(inst.quote, ACCOUNT_CURRENCY, config.instruments);
      if (!conv) throw new Error(`no instrument converts ${inst.quote} (profit currency of ${inst.symbol}) to ${ACCOUNT_CURRENCY}`);
      this.conversions.set(inst.symbol, conv);
    }
    const refs: AccountRef[] = [
      { id: SYSTEM_ACCOUNTS.master, kind: 'master', currency: this.programCurrency },
      { id: SYSTEM_ACCOUNTS.executive, kind: 'executive' },
      { id: SYSTEM_ACCOUNTS.fees, kind: 'fees', currency: this.programCurrency },
      { id: SYSTEM_ACCOUNTS.house, kind: 'house' },
      { id: SYSTEM_ACCOUNTS.external, kind: 'external' },
      { id: SYSTEM_ACCOUNTS.market, kind: 'market' },
      ...(this.multiCurrency ? [{ id: SYSTEM_ACCOUNTS.conversion, kind: 'conversion' as const }] : []),
    ];
    this.journal = new Journal(refs);
    for (const r of refs) this.accountKinds.set(r.id, r.kind);
    this.accounts.set(SYSTEM_ACCOUNTS.master, { id: SYSTEM_ACCOUNTS.master, kind: 'master', terms: {}, positions: [], active: true });
    // The house holds the executive account's residual exposure (the part of a net below a lot step).
    this.accounts.set(SYSTEM_ACCOUNTS.house, { id: SYSTEM_ACCOUNTS.house, kind: 'house', terms: {}, positions: [], active: false });
    if (config.pool) {
      // Members are grouped by who referred them: a pool fill's rebate goes to referrers (trade-costs.ts).
      this.units = new UnitRegister(config.pool.initialNav, this.q, (id) => this.investors.get(id)?.referredBy ?? MANAGER);
      this.openAccount(config.pool.id, 'pamm', config.pool.terms ?? {});
    }
    if (config.swapFree) {
      this.swapFreeAccounts.add(SYSTEM_ACCOUNTS.master);
      if (config.pool) this.swapFreeAccounts.add(config.pool.id);
    }
    for (const id of config.costs?.rebates?.partners.keys() ?? []) {
      this.accountKinds.set(`ib:${id}`, 'ib');
      this.journal.open({ id: `ib:${id}`, kind: 'ib', currency: config.currencies?.get(`ib:${id}`) });
    }
    if (config.risk) {
      for (const inst of config.instruments.values()) this.baseConversions.set(inst.symbol, findConversion(inst.base, ACCOUNT_CURRENCY, config.instruments));
      this.indices.set(config.structure === 'signal' ? SYSTEM_ACCOUNTS.master : BLOCK_INDEX, new PerformanceIndex());
      if (config.pool) this.indices.set(config.pool.id, new PerformanceIndex());
    }
  }

  /** A trading account of the program (a MAM sub-account, the pool, a client), with its journal account. */
  openAccount(id: string, kind: 'mam' | 'pamm' | 'client', terms: AllocationTerms): TradingAccount {
    const acc: TradingAccount = { id, kind, terms, positions: [], active: true };
    this.accounts.set(id, acc);
    this.accountKinds.set(id, kind);
    this.journal.open({ id, kind, currency: this.config.currencies?.get(id) });
    if (this.config.risk && kind === 'mam') this.indices.set(id, new PerformanceIndex());
    return acc;
  }

  emit(e: EngineEvent): void { this.sink.event(e); }

  /** The currency an account holds (USD for a clearing account). */
  currencyOf(account: string): string {
    return this.multiCurrency ? this.journal.currencyOf(account) : BASE_CURRENCY;
  }

  /** How `from` turns into `to`: a pair that quotes both, else through USD (the scenario checked one exists). */
  conversion(from: string, to: string): Conversion {
    const key = `${from}>${to}`;
    let c = this.between.get(key);
    if (!c) {
      c = findConversionVia(from, to, this.config.instruments);
      if (!c) throw new Error(`no instrument converts ${from} to ${to}`);
      this.between.set(key, c);
    }
    return c;
  }

  /** The first pair converting `from` into `to` that has no price yet (undefined when all have one). */
  unpriced(from: string, to: string): string | undefined {
    return from === to ? undefined : conversionSymbols(this.conversion(from, to)).find((x) => this.quotes.get(x) === undefined);
  }

  /** Whether every pair converting `from` into `to` has a price yet. */
  priced(from: string, to: string): boolean {
    return this.unpriced(from, to) === undefined;
  }

  /** Whether the instruments offer a conversion from one currency to the other (directly or through USD). */
  canConvert(from: string, to: string): boolean {
    return this.between.has(`${from}>${to}`) || findConversionVia(from, to, this.config.instruments) !== undefined;
  }

  /** An exact amount in `from` as money in `to`, at the rate of the moment (`side`), rounded half-up to the quantum. */
  convert(amount: Dec, from: string, to: string, side: ConversionSide = 'mid'): Money {
    return this.quotes.toAccount(amount, from === to ? { kind: 'identity' } : this.conversion(from, to), this.q, side);
  }

  /**
   * Posts `amount` (in `currency`; the payer's own when not named) from one account to another.
   * A clearing account takes the other side's currency. Two accounts of different currencies
   * trade through the `conversion` account at the mid of the moment: the payer's leg in its
   * currency, the payee's in its own, each converted from `amount` once (DOMAIN §1). Returns the
   * payee's leg (the entry to `to`).
   */
  /** Adds signed `delta` lots to a symbol's exposure through the executive account (not the house's, not a self-trading client's). */
  addExposure(kind: string, symbol: string, delta: Dec): void {
    if (kind === 'house' || kind === 'client') return;
    this.clientExposure.set(symbol, (this.clientExposure.get(symbol) ?? new Dec(0)).plus(delta));
  }

  /** Adds `delta` lots to a master ticket's open volume (engine invariant: the sum of its positions' volumes). */
  addTicketVolume(ticket: string, delta: Dec): void {
    const v = (this.openVolumeByTicket.get(ticket) ?? new Dec(0)).plus(delta);
    if (v.isZero()) this.openVolumeByTicket.delete(ticket);
    else this.openVolumeByTicket.set(ticket, v);
  }

  post(time: ServerTime, from: string, to: string, amount: Money, reason: EntryReason, ref: string, currency?: string): JournalEntry | undefined {
    if (!this.multiCurrency) return this.journal.post(time, from, to, amount, reason, ref);
    const j = this.journal;
    const own = (id: string): string | undefined => (j.isClearing(id) ? undefined : j.currencyOf(id));
    const cf = own(from), ct = own(to);
    const given = currency ?? cf ?? ct ?? BASE_CURRENCY;
    const c1 = cf ?? ct ?? given, c2 = ct ?? cf ?? given;
    const inC = (c: string): Money => (c === given ? amount : this.convert(amount.value, given, c));
    // Its worth in USD when a price of the pair is known (a deposit before the first price has none: totals value it at the end).
    // An amount reckoned in USD (a rebate) is worth exactly that; others convert back at the mid.
    const usd = (c: string, x: Money): Money | undefined => (c === BASE_CURRENCY ? undefined : given === BASE_CURRENCY ? amount : !this.priced(c, BASE_CURRENCY) ? undefined : this.convert(x.value, c, BASE_CURRENCY));
    const a1 = inC(c1);
    if (c1 === c2) return j.post(time, from, to, a1, reason, ref, c1, usd(c1, a1));
    const a2 = inC(c2);
    j.post(time, from, SYSTEM_ACCOUNTS.conversion, a1, reason, ref, c1, usd(c1, a1));
    return j.post(time, SYSTEM_ACCOUNTS.conversion, to, a2, reason, ref, c2, usd(c2, a2));
  }

  instrument(symbol: string): Instrument {
    const inst = this.config.instruments.get(symbol);
    if (!inst) throw new Error(`unknown instrument ${symbol}`);
    return inst;
  }
}
