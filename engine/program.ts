// One managed program: master account, MAM sub-accounts, PAMM pool, executive, fee and house
// accounts. Applies an ordered stream of events (quotes, master orders, investor flows, period
// ends) and books every consequence in the journal. Pure: no I/O, no clock, no randomness.
import { Dec } from './decimal.js';
import { CostBook, type CostsConfig, type Fill, type RebateSource, noCosts } from './costs.js';
import { AllocationError, type AllocationNote, type AllocationTerms, type Follower, type Sizing, allocate, allocationFamily, proportionalPart, splitOnGrain } from './allocation.js';
import type { ClosedTrade, CloseCause, EngineEvent, EngineSink } from './events.js';
import { type ExternalOrder, netLegs } from './executive.js';
import { type Instrument, type Side, opposite, quoteProfit, sideSign } from './instrument.js';
import { Journal, type AccountKind, type AccountRef } from './journal.js';
import { type PendingType, type Watch, crossing, distance, isBeyond as isBeyondAt, pendingSide, pendingWatch, quoteAt, stopWatch, validLevel } from './orders.js';
import { UnitRegister } from './pamm.js';
import { type FeeState, type FeeTerms, NEW_FEE_STATE, afterDeposit, crystallizeExit, crystallizePeriod, crystallizeWithdrawal } from './performance-fee.js';
import type { AllocationMethod, Policies, Structure } from './policies.js';
import { type Quantum, ceilToQuantum, roundToQuantum } from './quantum.js';
import { splitAmount } from './split.js';
import { type Conversion, type Quote, QuoteBook, fillPrice, findConversion, markPrice, mid } from './quotes.js';
import { MANAGER } from './rebate.js';
import { legsBySymbol, leverageFor, marginLevel, marginPerLot, marginedLots } from './margin.js';
import { type AccountLimits, type LimitPeriod, PerformanceIndex, type RiskTerms } from './risk.js';
import { stopOut } from './stop-out.js';
import { RiskScreen, drawdownQuiet, levelRange, lossQuiet, surelyAbove } from './risk-screen.js';
import type { Weekday } from './swap.js';
import { type ServerTime, formatServerTime } from './time.js';
import { Money, Price, Units, Volume } from './values.js';

export const ACCOUNT_CURRENCY = 'USD';
/** Fixed ids of the program's own accounts. */
export const SYSTEM_ACCOUNTS = { master: 'master', executive: 'executive', fees: 'fees', house: 'house', external: 'external', market: 'market' } as const;

export interface ProgramConfig {
  readonly structure: Structure;
  readonly allocation: AllocationMethod;
  readonly quantum: Quantum;
  readonly policies: Policies;
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** Performance fee rate (0.2 = 20%) charged to every investor but the manager. */
  readonly performanceFeeRate: Dec;
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
}

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

/** Journal reasons that move money in or out of an account without trading (what loss limits look through). */
const FLOW_REASONS = new Set(['deposit', 'withdrawal', 'performance-fee', 'management-fee', 'entry-fee', 'subscription-fee']);
/** The index a block master's hard stop watches: all its parts together. */
const BLOCK_INDEX = 'block';
const HARD_STOP_REASON = 'the master hard stop has triggered: no new trades for the rest of the run';

/** Who brought an investor or client in, and its swap terms. */
export interface Referral {
  /** The IB (or `manager`) that referred it. */
  readonly referredBy?: string;
  readonly swapFree?: boolean;
}

export type InvestmentModel = 'mam' | 'pamm';

interface Investor {
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

interface StatementDraft {
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

const newDraft = (from: ServerTime, opening: Money): StatementDraft => ({ from, opening, deposits: Money.zero, withdrawals: Money.zero, entryFees: Money.zero, managementFees: Money.zero, performanceFees: Money.zero, otherFees: Money.zero });

/** Fees investors pay into the manager's fee account. */
export type InvestorFee = 'performance-fee' | 'management-fee' | 'subscription-fee' | 'volume-fee';

interface MasterTrade {
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
interface PendingOrder {
  readonly ticket: string;
  readonly symbol: string;
  readonly type: PendingType;
  price: Price;
  readonly volume: Volume | undefined;
  sl?: Price;
  tp?: Price;
  readonly overrides: ReadonlyMap<string, Volume>;
}

/** How a quote arrives: across a gap (new tick, bar open) or continuously (within a bar). */
export interface PriceMove {
  readonly continuous: boolean;
  /** False outside the trading week: the price is recorded, nothing triggers (the next open acts as a gap). */
  readonly marketOpen?: boolean;
  /** The bar this move belongs to, for the same-bar stop-loss rule. */
  readonly bar?: { readonly high: Price; readonly low: Price; readonly spread: Dec };
}

export interface OrderOptions {
  readonly overrides?: ReadonlyMap<string, Volume>;
  readonly sl?: Price;
  readonly tp?: Price;
}

interface Trigger {
  readonly kind: 'pending' | 'stop-loss' | 'take-profit';
  readonly ticket: string;
  readonly watch: Watch;
}

const TRIGGER_RANK = { 'stop-loss': 0, 'take-profit': 1, pending: 2 } as const;

interface TradingAccount {
  readonly id: string;
  readonly kind: 'master' | 'mam' | 'pamm' | 'house' | 'client';
  /** What the allocation method needs to know of this follower (percent, lots, …). */
  readonly terms: AllocationTerms;
  /** Open positions in the order they were opened. */
  positions: Position[];
  active: boolean;
}

type Leg =
  | { readonly kind: 'open'; readonly account: string; readonly masterTicket: string; readonly symbol: string; readonly side: Side; readonly volume: Volume; readonly exact: Dec }
  | { readonly kind: 'close'; readonly position: Position; readonly volume: Volume; readonly cause: CloseCause; readonly exact?: Dec };

/** A follower's exact share of a master trade that rounding left without a position. */
interface SkippedShare {
  readonly exact: Dec;
  /** Where the share would have opened: the master's open price unless it was skipped later (joining). */
  readonly openPrice?: Price;
}

/**
 * Exact volume closing without an actual leg (a skipped share, or the exact part of a
 * reduction that rounded down to nothing): priced at the instant's price, never executed.
 */
interface Shadow {
  readonly account: string;
  readonly ticket: string;
  readonly symbol: string;
  readonly side: Side;
  readonly exact: Dec;
  readonly openPrice: () => Price;
  /** The position whose exact volume this retires. */
  readonly position?: Position;
}

export interface AccountSnapshot {
  readonly id: string;
  readonly kind: AccountKind;
  readonly balance: Money;
  readonly equity: Money;
  readonly floating: Money;
  readonly openVolume: Volume;
}

export interface InvestorSnapshot {
  readonly id: string;
  readonly model: InvestmentModel;
  readonly manager: boolean;
  readonly active: boolean;
  readonly detached: boolean;
  readonly equity: Money;
  readonly mark: Money;
  /** Cumulative-profit basis: the high of the cumulative trading result, gross of fees. */
  readonly resultMark: Money;
  readonly units?: Units;
}

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

/** Whether a position's stop-loss lies within a bar's range (bid low for a long, ask high for a short). */
function slInBar(side: Side, sl: Price, bar: NonNullable<PriceMove['bar']>): boolean {
  return side === 'buy' ? bar.low.lte(sl) : bar.high.value.plus(bar.spread).gte(sl.value);
}

function legSide(l: Leg): Side {
  return l.kind === 'open' ? l.side : opposite(l.position.side);
}

export class Program {
  readonly journal: Journal;
  readonly quotes = new QuoteBook();
  private readonly q: Quantum;
  private readonly conversions = new Map<string, Conversion>();
  private readonly accounts = new Map<string, TradingAccount>();
  /** Every account with its kind, in opening order (the order of all outputs). */
  private readonly accountKinds = new Map<string, AccountKind>();
  private readonly investors = new Map<string, Investor>();
  private readonly masterTrades = new Map<string, MasterTrade>();
  private readonly pendingOrders = new Map<string, PendingOrder>();
  private readonly units?: UnitRegister;
  private pending: Leg[] = [];
  /** The program's current fee rates (they change with `changeTerms`). */
  private performanceRate: Dec;
  private managementRate: Dec;
  /** The most restrictive master trade so far (largest minimum lot / volume): what the floating minimum MAM investment follows. */
  private smallestTrade?: { readonly volume: Volume; readonly minLot: Volume };
  private shadows: Shadow[] = [];
  private pendingTime: ServerTime | undefined;
  private nextTicket = 1;
  private readonly costs: CostBook;
  /** Self-trading clients: who referred them. */
  private readonly clients = new Map<string, Referral>();
  private readonly swapFreeAccounts = new Set<string>();
  /** Set while the pool trades for some members only (their flows or fees): whose volume its fills are. */
  private poolActors?: ReadonlyArray<{ id: string; weight: Dec }>;
  /** Risk state: flow-neutral indices per account, paused accounts (until which boundary), margin-call episodes, the hard stop. */
  private readonly indices = new Map<string, PerformanceIndex>();
  private readonly paused = new Map<string, LimitPeriod>();
  private readonly inMarginCall = new Set<string>();
  private readonly carried = new Set<string>();
  private hardStopped = false;
  /** The lowest margin level each account reached at any price since the last `drainLowestLevels` (before forced closes). */
  private readonly lowest = new Map<string, MarginPair>();
  /** The last close fill of each position (what a stop-out event reports); kept only with risk rules. */
  private readonly lastClose = new WeakMap<Position, { price: Price; profit: Money }>();
  /** Forex-mode margin is stated in the base currency: how each symbol's base converts to USD (undefined: through its own quote). */
  private readonly baseConversions = new Map<string, Conversion | undefined>();
  /** Float bounds in front of the exact risk checks (risk-screen.ts). */
  private readonly screen: RiskScreen;

  constructor(readonly config: ProgramConfig, private readonly sink: EngineSink) {
    this.q = config.quantum;
    this.screen = new RiskScreen({
      halfQuantum: config.quantum.step.toNumber() * 0.51,
      conversionSide: config.policies.conversionSide,
      hedgedMargin: config.policies.hedgedMargin,
      instrument: (symbol) => this.instrument(symbol),
      quote: (symbol) => this.quotes.doublesOf(symbol),
      conversion: (symbol) => this.conversions.get(symbol)!,
      baseConversion: (symbol) => this.baseConversions.get(symbol),
      leverage: (inst) => leverageFor(this.config.risk!.leverage, inst),
      balance: (account) => this.journal.balance(account),
    });
    this.performanceRate = config.performanceFeeRate;
    this.managementRate = config.managementFee?.rate ?? new Dec(0);
    for (const inst of config.instruments.values()) {
      const conv = findConversion(inst.quote, ACCOUNT_CURRENCY, config.instruments);
      if (!conv) throw new Error(`no instrument converts ${inst.quote} (profit currency of ${inst.symbol}) to ${ACCOUNT_CURRENCY}`);
      this.conversions.set(inst.symbol, conv);
    }
    const refs: AccountRef[] = [
      { id: SYSTEM_ACCOUNTS.master, kind: 'master' },
      { id: SYSTEM_ACCOUNTS.executive, kind: 'executive' },
      { id: SYSTEM_ACCOUNTS.fees, kind: 'fees' },
      { id: SYSTEM_ACCOUNTS.house, kind: 'house' },
      { id: SYSTEM_ACCOUNTS.external, kind: 'external' },
      { id: SYSTEM_ACCOUNTS.market, kind: 'market' },
    ];
    this.journal = new Journal(refs);
    for (const r of refs) this.accountKinds.set(r.id, r.kind);
    this.accounts.set(SYSTEM_ACCOUNTS.master, { id: SYSTEM_ACCOUNTS.master, kind: 'master', terms: {}, positions: [], active: true });
    // The house holds the executive account's residual exposure (the part of a net below a lot step).
    this.accounts.set(SYSTEM_ACCOUNTS.house, { id: SYSTEM_ACCOUNTS.house, kind: 'house', terms: {}, positions: [], active: false });
    if (config.pool) {
      this.units = new UnitRegister(config.pool.initialNav, this.q);
      this.openAccount(config.pool.id, 'pamm', config.pool.terms ?? {});
    }
    if (config.swapFree) {
      this.swapFreeAccounts.add(SYSTEM_ACCOUNTS.master);
      if (config.pool) this.swapFreeAccounts.add(config.pool.id);
    }
    for (const id of config.costs?.rebates?.partners.keys() ?? []) {
      this.accountKinds.set(`ib:${id}`, 'ib');
      this.journal.open({ id: `ib:${id}`, kind: 'ib' });
    }
    if (config.risk) {
      for (const inst of config.instruments.values()) this.baseConversions.set(inst.symbol, findConversion(inst.base, ACCOUNT_CURRENCY, config.instruments));
      this.indices.set(config.structure === 'signal' ? SYSTEM_ACCOUNTS.master : BLOCK_INDEX, new PerformanceIndex());
      if (config.pool) this.indices.set(config.pool.id, new PerformanceIndex());
      this.journal.onEntry((e) => {
        if (!FLOW_REASONS.has(e.reason)) return;
        this.riskFlow(e.to, e.amount.value);
        this.riskFlow(e.from, e.amount.value.neg());
      });
    }
    this.costs = new CostBook(config.costs ?? noCosts(config.policies.residualRule), {
      journal: this.journal, q: this.q, sink, house: SYSTEM_ACCOUNTS.house,
      instrument: (symbol) => this.instrument(symbol),
      toUSD: (symbol, x) => (x.usd ? new Money(roundToQuantum(x.amount, this.q)) : this.quotes.toAccount(x.amount, this.conversions.get(symbol)!, this.q, 'mid')),
      mid: (symbol) => mid(this.quotes.require(symbol)),
      accountOf: (receiver) => (receiver === MANAGER ? SYSTEM_ACCOUNTS.fees : `ib:${receiver}`),
      emit: (e) => this.emit(e),
    });
  }

  private openAccount(id: string, kind: 'mam' | 'pamm' | 'client', terms: AllocationTerms): TradingAccount {
    const acc: TradingAccount = { id, kind, terms, positions: [], active: true };
    this.accounts.set(id, acc);
    this.accountKinds.set(id, kind);
    this.journal.open({ id, kind });
    if (this.config.risk && kind === 'mam') this.indices.set(id, new PerformanceIndex());
    return acc;
  }

  private emit(e: EngineEvent): void { this.sink.event(e); }

  // ---------------------------------------------------------------- valuation

  private instrument(symbol: string): Instrument {
    const inst = this.config.instruments.get(symbol);
    if (!inst) throw new Error(`unknown instrument ${symbol}`);
    return inst;
  }

  /** How follower parts of this instrument are put on a grain (policies + the instrument's lot terms). */
  private sizing(symbol: string): Sizing {
    const inst = this.instrument(symbol);
    const pol = this.config.policies;
    return { mode: pol.roundingMode, quantum: this.q, lotStep: inst.lotStep, minLot: inst.minLot, maxLot: inst.maxLot, belowMinLot: pol.belowMinLot, residualRule: pol.residualRule };
  }

  /** The volume grain of an instrument: its lot step in `lot-step` mode, else the quantum. */
  private grain(symbol: string): Dec {
    return this.config.policies.roundingMode === 'lot-step' ? this.instrument(symbol).lotStep.value : this.q.step;
  }

  private follower(acc: TradingAccount, override?: Volume): Follower {
    return { account: acc.id, equity: this.equity(acc.id), balance: this.journal.balance(acc.id), terms: acc.terms, override };
  }

  /** Every allocation note becomes an event with its reason. */
  private noteEvents(time: ServerTime, ticket: string, symbol: string, notes: readonly AllocationNote[]): void {
    for (const n of notes) this.emit({ time, kind: `allocation-${n.kind}`, account: n.account, ticket, symbol, volume: n.volume, reason: n.reason });
  }

  /** Profit of `volume` of a symbol moved from `open` to `close`, in account currency (policy `conversionSide`). */
  private profitUSD(symbol: string, side: Side, volume: Dec, open: Price, close: Price): Money {
    return this.quotes.toAccount(quoteProfit(this.instrument(symbol), side, new Volume(volume), open, close), this.conversions.get(symbol)!, this.q, this.config.policies.conversionSide);
  }

  /** Where a position of `side` would close now. */
  private markOf(symbol: string, side: Side): Price {
    return markPrice(this.quotes.require(symbol), side);
  }

  /** Open P&L of one position at the current quote, in account currency. */
  floating(p: Position): Money {
    return this.profitUSD(p.symbol, p.side, p.volume.value, p.openPrice, this.markOf(p.symbol, p.side));
  }

  private floatingOf(acc: TradingAccount): Money {
    return Money.sum(acc.positions.map((p) => this.floating(p)));
  }

  equity(accountId: string): Money {
    const acc = this.accounts.get(accountId);
    const bal = this.journal.balance(accountId);
    return acc ? bal.plus(this.floatingOf(acc)) : bal;
  }

  private memberValues(): Map<string, Money> {
    if (!this.units || !this.config.pool) return new Map();
    return this.units.values(this.equity(this.config.pool.id), this.config.policies.residualRule);
  }

  private feeTerms(rate: Dec): FeeTerms {
    const pf = this.config.policies.performanceFee;
    return { rate, hwmBasis: pf.hwmBasis, hwmReset: pf.hwmReset, partialWithdrawal: pf.partialWithdrawal, hurdle: pf.hurdle, hurdleRate: new Dec(pf.hurdleRate) };
  }

  /** The hurdle's share of a year: from the start of the investor's part of the period, act/365. */
  private yearFraction(inv: Investor, time: ServerTime): Dec {
    return new Dec(time - inv.periodStart).div(365 * 86_400_000);
  }

  /**
   * The equity a performance fee is assessed on, per `floatingPnl`: all open P&L, only open
   * losses, or none (realized results only). A PAMM member's open P&L is its units' share of the pool's.
   */
  private feeEquity(inv: Investor, values: ReadonlyMap<string, Money>): Money {
    const equity = this.equityOf(inv, values);
    const policy = this.config.policies.performanceFee.floatingPnl;
    if (policy === 'all') return equity;
    const acc = this.accounts.get(inv.account)!;
    let floating = this.floatingOf(acc);
    if (inv.model === 'pamm') floating = new Money(roundToQuantum(floating.value.times(this.units!.holding(inv.id).value).div(this.units!.total.value), this.q));
    const counted = policy === 'losses-only' ? floating.min(Money.zero) : Money.zero;
    return equity.minus(floating).plus(counted);
  }

  /** An investor's equity: its sub-account's (MAM) or its share of the pool (PAMM, from `values`). */
  private equityOf(inv: Investor, values: ReadonlyMap<string, Money>): Money {
    if (inv.detached) return this.equity(inv.account);
    if (!inv.active) return Money.zero;
    return inv.model === 'mam' ? this.equity(inv.account) : values.get(inv.id) ?? Money.zero;
  }

  investorEquity(id: string): Money {
    const inv = this.investors.get(id);
    if (!inv) return Money.zero;
    return this.equityOf(inv, inv.model === 'pamm' ? this.memberValues() : new Map());
  }

  /** Followers in account order: MAM sub-accounts in joining order, then the PAMM pool; a paused account copies nothing. */
  private followers(): TradingAccount[] {
    return this.linked().filter((a) => !this.paused.has(a.id));
  }

  /** Every account still in the program, paused or not: the parts of a block master. */
  private linked(): TradingAccount[] {
    const out: TradingAccount[] = [];
    for (const acc of this.accounts.values()) if (acc.kind === 'mam' && acc.active) out.push(acc);
    if (this.config.pool && this.units && this.units.total.isPositive()) out.push(this.accounts.get(this.config.pool.id)!);
    return out;
  }

  private masterEquity(): Money {
    if (this.config.structure === 'signal') return this.equity(SYSTEM_ACCOUNTS.master);
    return Money.sum(this.linked().map((a) => this.equity(a.id)));
  }

  private positionsOf(masterTicket: string, accountId?: string): Position[] {
    const out: Position[] = [];
    for (const acc of this.accounts.values()) {
      if (accountId !== undefined && acc.id !== accountId) continue;
      for (const p of acc.positions) if (p.masterTicket === masterTicket) out.push(p);
    }
    return out;
  }

  private heldVolume(masterTicket: string, accountId: string): Volume {
    return Volume.sum(this.positionsOf(masterTicket, accountId).map((p) => p.volume));
  }

  /** The master trade's open volume: the master's own position (signal) or the sum of its parts (block). */
  masterVolume(masterTicket: string): Volume {
    if (this.config.structure === 'signal') return this.heldVolume(masterTicket, SYSTEM_ACCOUNTS.master);
    return Volume.sum(this.positionsOf(masterTicket).map((p) => p.volume));
  }

  // ---------------------------------------------------------------- quotes and execution

  /**
   * A new price. Every pending order, stop-loss and take-profit the move crosses fills in the
   * order the price reaches them, each through the executive at the quote of its moment. A
   * position opened by a trigger is watched from its fill on, for the rest of the same move.
   */
  onQuote(symbol: string, quote: Quote, move: PriceMove = { continuous: false }): void {
    this.flush();
    const prev = this.quotes.get(symbol);
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
        this.quotes.set(symbol, at);
        const continuousFill = move.continuous && !isBeyondAt(hit.tr.watch, from.get(hit.tr.ticket) ?? prev);
        this.fire(quote.time, hit.tr, hit.fill, continuousFill);
        if (hit.tr.kind === 'pending') from.set(hit.tr.ticket, at);
        this.flush();
      }
    }
    this.quotes.set(symbol, quote);
    if (move.marketOpen !== false) this.checkRisk(quote.time);
  }

  /**
   * What watches this symbol now. With `stop-loss-first`, inside a bar (a continuous move) a
   * take-profit waits while its stop-loss also lies within the bar; a bar's opening gap is
   * unambiguous and fills whatever it crosses.
   */
  private triggers(symbol: string, move: PriceMove): Trigger[] {
    const out: Trigger[] = [];
    for (const o of this.pendingOrders.values()) if (o.symbol === symbol) out.push({ kind: 'pending', ticket: o.ticket, watch: pendingWatch(o.type, o.price) });
    for (const t of this.masterTrades.values()) {
      if (t.symbol !== symbol) continue;
      if (t.sl) out.push({ kind: 'stop-loss', ticket: t.ticket, watch: stopWatch(t.side, 'stop-loss', t.sl) });
      const held = this.config.policies.sameBarStops === 'stop-loss-first' && move.continuous && t.sl && move.bar && slInBar(t.side, t.sl, move.bar);
      if (t.tp && !held) out.push({ kind: 'take-profit', ticket: t.ticket, watch: stopWatch(t.side, 'take-profit', t.tp) });
    }
    return out;
  }

  private fire(time: ServerTime, tr: Trigger, fill: Dec, atLevel: boolean): void {
    const how = atLevel ? `at its level ${fill.toString()}` : `at ${fill.toString()}, the first price after a gap`;
    if (tr.kind === 'pending') {
      const o = this.pendingOrders.get(tr.ticket)!;
      this.pendingOrders.delete(tr.ticket);
      this.emit({ time, kind: 'order-triggered', ticket: o.ticket, symbol: o.symbol, volume: o.volume, price: new Price(fill), reason: `${o.type} ${o.price.toString()} filled ${how}` });
      this.masterOpen(time, o.ticket, o.symbol, pendingSide(o.type), o.volume, { overrides: o.overrides, sl: o.sl, tp: o.tp, checkLevels: false });
      return;
    }
    const t = this.masterTrades.get(tr.ticket)!;
    this.emit({ time, kind: tr.kind, ticket: t.ticket, symbol: t.symbol, volume: this.masterVolume(t.ticket), price: new Price(fill), reason: `${tr.kind} ${tr.watch.level.toString()} hit; closed ${how}` });
    this.masterClose(time, t.ticket, undefined, tr.kind);
  }

  /** Signed open volume of the master's trades in a symbol (long positive): what `worst-first` moves against. */
  masterExposure(symbol: string): Dec {
    let x = new Dec(0);
    for (const t of this.masterTrades.values()) if (t.symbol === symbol) x = x.plus(this.masterVolume(t.ticket).value.times(sideSign(t.side)));
    return x;
  }

  /** Legs and shadows gather per instant: a new instant first executes what the last one gathered. */
  private atInstant(time: ServerTime): void {
    if (this.pendingTime !== undefined && this.pendingTime !== time) this.flush();
    this.pendingTime = time;
  }

  private queue(time: ServerTime, leg: Leg): void {
    this.atInstant(time);
    this.pending.push(leg);
  }

  private queueShadow(time: ServerTime, sh: Shadow): void {
    this.atInstant(time);
    this.shadows.push(sh);
  }

  /** Nets the legs of the current instant per instrument and fills every leg at the net's price. */
  flush(): void {
    if (this.pending.length === 0 && this.shadows.length === 0) return;
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
      if (!symbols.includes(sh.symbol)) this.missed(time, sh, this.markOf(sh.symbol, sh.side));
    }
    for (const symbol of symbols) {
      const clients = legs.filter((l) => (l.kind === 'open' ? l.symbol : l.position.symbol) === symbol);
      const house = this.houseLegs(time, symbol, clients);
      const houseNet = house.reduce((x, l) => x.plus(l.volume.value.times(sideSign(legSide(l)))), new Dec(0));
      const order = this.slipped(time, netLegs(symbol, clients.map((l) => ({ side: legSide(l), volume: l.volume })), this.quotes.require(symbol), houseNet));
      const step = this.instrument(symbol).lotStep.value;
      if (!order.external.mod(step).isZero()) throw new Error(`executive: external order ${order.external.toString()} ${symbol} is not in whole lot steps`);
      this.sink.execution(time, order);
      for (const l of [...clients, ...house]) this.fill(time, l, order.price);
      for (const sh of shadows.filter((x) => x.symbol === symbol)) this.missed(time, sh, order.price);
    }
  }

  /** A stress window's slippage moves the net's price against its side (a cross at mid does not slip). */
  private slipped(time: ServerTime, order: ExternalOrder): ExternalOrder {
    const slip = this.config.slippage?.(order.symbol, time);
    if (!slip || slip.isZero() || order.side === 'cross') return order;
    return { ...order, price: new Price(order.price.value.plus(slip.times(sideSign(order.side)))) };
  }

  /** The ideal P&L an exact share without a position made, closed at `price`: rounding money the account missed. */
  private missed(time: ServerTime, sh: Shadow, price: Price): void {
    const ideal = this.profitUSD(sh.symbol, sh.side, sh.exact, sh.openPrice(), price);
    if (sh.position) sh.position.exactVolume = sh.position.exactVolume.minus(sh.exact);
    this.emit({ time, kind: 'rounding-missed', account: sh.account, ticket: sh.ticket, symbol: sh.symbol, volume: new Volume(sh.exact), amount: ideal, reason: 'P&L of the exact share that rounding left out of this account' });
  }

  /** A master trade's skipped share, as a shadow of `exact` of it. */
  private skippedShadow(account: string, t: MasterTrade, share: SkippedShare, exact: Dec): Shadow {
    return { account, ticket: t.ticket, symbol: t.symbol, side: t.side, exact, openPrice: () => share.openPrice ?? t.openPrice! };
  }

  /** Settles `fraction` of an account's skipped shares at the current mark (it leaves, withdraws, or gets a real position). */
  private settleSkipped(time: ServerTime, account: string, fraction: Dec, only?: MasterTrade): void {
    for (const t of this.masterTrades.values()) {
      if (only && t !== only) continue;
      const share = t.skipped.get(account);
      if (!share || share.exact.isZero() || !t.openPrice) continue;
      const closing = share.exact.times(Dec.min(fraction, 1));
      this.missed(time, this.skippedShadow(account, t, share, closing), this.markOf(t.symbol, t.side));
      const left = share.exact.minus(closing);
      if (left.isZero()) t.skipped.delete(account);
      else t.skipped.set(account, { ...share, exact: left });
    }
  }

  /** Signed open volume of a symbol: the house's own, or everyone else's. */
  private exposure(symbol: string, house: boolean): Dec {
    let x = new Dec(0);
    for (const acc of this.accounts.values()) {
      // Self-trading clients fill on their own, outside the executive account.
      if ((acc.kind === 'house') !== house || acc.kind === 'client') continue;
      for (const p of acc.positions) if (p.symbol === symbol) x = x.plus(p.volume.value.times(sideSign(p.side)));
    }
    return x;
  }

  /**
   * The executive account executes whole lot steps only (DOMAIN §2): the house takes the
   * opposite of the sub-step part of everyone's exposure in the symbol, so the external net is
   * whole steps. Returns the house's legs for this instant (closing its oldest first).
   */
  private houseLegs(time: ServerTime, symbol: string, legs: readonly Leg[]): Leg[] {
    const step = this.instrument(symbol).lotStep.value;
    const after = legs.reduce((x, l) => x.plus(l.volume.value.times(sideSign(legSide(l)))), this.exposure(symbol, false));
    const target = after.div(step).trunc().times(step).minus(after);
    const now = this.exposure(symbol, true);
    let change = target.minus(now);
    if (change.isZero()) return [];
    const out: Leg[] = [];
    const house = this.accounts.get(SYSTEM_ACCOUNTS.house)!;
    for (const p of house.positions) {
      if (p.symbol !== symbol || change.isZero() || sideSign(p.side) * change.s >= 0) continue;
      const v = Dec.min(p.volume.value, change.abs());
      out.push({ kind: 'close', position: p, volume: new Volume(v), cause: 'residual-exposure' });
      change = change.minus(v.times(-sideSign(p.side)));
    }
    if (!change.isZero()) out.push({ kind: 'open', account: SYSTEM_ACCOUNTS.house, masterTicket: `house:${symbol}`, symbol, side: change.isPositive() ? 'buy' : 'sell', volume: new Volume(change.abs()), exact: new Dec(0) });
    this.emit({ time, kind: 'residual-exposure', account: SYSTEM_ACCOUNTS.house, symbol, volume: new Volume(target.abs()), reason: `the house holds ${target.isNegative() ? 'short' : target.isZero() ? 'flat' : 'long'} ${target.abs().toString()} ${symbol}: the part of the net below the lot step ${step.toString()}` });
    return out;
  }

  private fill(time: ServerTime, leg: Leg, price: Price): void {
    if (leg.kind === 'open') {
      const acc = this.accounts.get(leg.account)!;
      const pos: Position = { ticket: this.nextTicket++, account: leg.account, masterTicket: leg.masterTicket, symbol: leg.symbol, side: leg.side, volume: leg.volume, exactVolume: leg.exact, openPrice: price, openTime: time, commission: Money.zero, swap: Money.zero, openRebate: new Dec(0) };
      acc.positions.push(pos);
      pos.commission = this.tradeCosts(time, acc, pos, 'open', leg.volume, price);
      this.chargeVolumeFee(time, acc, leg.symbol, leg.volume, price);
      const trade = this.masterTrades.get(leg.masterTicket);
      if (trade && !trade.openPrice) trade.openPrice = price;
      return;
    }
    const p = leg.position;
    const acc = this.accounts.get(p.account)!;
    const closeCommission = this.tradeCosts(time, acc, p, 'close', leg.volume, price);
    this.chargeVolumeFee(time, acc, p.symbol, leg.volume, price);
    // The closed part carries its share of the commission and swap booked on the position so far.
    const carried = (m: Money): Money => new Money(this.closedShare(m.value, p, leg.volume));
    const commission = carried(p.commission), swap = carried(p.swap);
    p.commission = p.commission.minus(commission);
    p.swap = p.swap.minus(swap);
    const profit = this.profitUSD(p.symbol, p.side, leg.volume.value, p.openPrice, price);
    // The exact volume retired: the intended fraction when given, everything when the position closes out.
    const exactClosed = leg.volume.eq(p.volume) ? p.exactVolume : Dec.min(leg.exact ?? p.exactVolume.times(leg.volume.value).div(p.volume.value), p.exactVolume);
    const idealProfit = this.profitUSD(p.symbol, p.side, exactClosed, p.openPrice, price);
    p.exactVolume = p.exactVolume.minus(exactClosed);
    p.volume = p.volume.minus(leg.volume);
    if (p.volume.isZero()) acc.positions = acc.positions.filter((x) => x !== p);
    // Nothing open: a margin-call episode is over, whatever the last price was.
    if (acc.positions.length === 0) this.inMarginCall.delete(acc.id);
    this.journal.post(time, SYSTEM_ACCOUNTS.market, p.account, profit, 'realized-pnl', String(p.ticket));
    if (this.config.risk) this.lastClose.set(p, { price, profit });
    const t: ClosedTrade = {
      account: p.account, ticket: p.ticket, masterTicket: p.masterTicket, symbol: p.symbol, side: p.side,
      volume: leg.volume, openTime: p.openTime, openPrice: p.openPrice, closeTime: time, closePrice: price,
      profit, idealProfit, commission: commission.plus(closeCommission), swap, cause: leg.cause,
    };
    this.sink.trade(t);
  }

  /** What closing `volume` of a position carries of an amount booked on it: pro rata, the last close the rest. */
  private closedShare(x: Dec, p: Position, volume: Volume): Dec {
    return volume.eq(p.volume) ? x : roundToQuantum(x.times(volume.value).div(p.volume.value), this.q);
  }

  /** Commission, spread and rebate of one side of a fill (the house's residual legs have none); returns the commission as money to the account. */
  private tradeCosts(time: ServerTime, acc: TradingAccount, p: Position, leg: 'open' | 'close', volume: Volume, price: Price): Money {
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
  private poolClosingCost(members: ReadonlyArray<{ id: string; weight: Dec }>, close: () => void): { amount: Money; equityBefore: Money } {
    const pool = this.config.pool!.id;
    const equityBefore = this.equity(pool);
    this.actingFor(members, close);
    const amount = equityBefore.minus(this.equity(pool));
    // Those members bear it through their units: for the pool's loss limits it is a flow, not a loss.
    if (this.config.risk && !amount.isZero()) this.riskFlow(pool, amount.value.neg());
    return { amount, equityBefore };
  }

  /** Pool fills made inside `fn` are these members' volume, for rebates (not every member's by units). */
  private actingFor(members: ReadonlyArray<{ id: string; weight: Dec }>, fn: () => void): void {
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
      return [{ weight: one, kind: 'client', id, referredBy: this.clients.get(id)?.referredBy }];
    }
    if (acc.kind === 'mam') {
      const inv = this.investors.get(acc.id.slice('mam:'.length))!;
      return [{ weight: one, kind: 'program', id: inv.id, referredBy: inv.referredBy }];
    }
    if (acc.kind === 'pamm') {
      const members = this.poolActors ?? this.units!.members().map((id) => ({ id, weight: this.units!.holding(id).value }));
      return members.filter((m) => m.weight.gt(0)).map((m) => ({ weight: m.weight, kind: 'program', id: m.id, referredBy: this.investors.get(m.id)?.referredBy }));
    }
    return [{ weight: one, kind: 'program' }];
  }

  /**
   * The volume fee on one side of a follower's fill: per lot, plus per million of notional
   * (volume × contract × price, in USD). A MAM investor pays it from its account; the pool's
   * is shared by its members through the NAV.
   */
  private chargeVolumeFee(time: ServerTime, acc: TradingAccount, symbol: string, volume: Volume, price: Price): void {
    const vf = this.config.volumeFee;
    if (!vf || (acc.kind !== 'mam' && acc.kind !== 'pamm')) return;
    const inst = this.instrument(symbol);
    const notional = this.quotes.toAccount(volume.value.times(inst.contractSize).times(price.value), this.conversions.get(symbol)!, this.q, 'mid');
    const fee = new Money(roundToQuantum(volume.value.times(vf.perLot).plus(notional.value.times(vf.perMillion).div(1_000_000)), this.q));
    if (!fee.isPositive()) return;
    const inv = acc.kind === 'mam' ? this.investors.get(acc.id.slice(4)) : undefined;
    if (inv?.manager) return;
    this.journal.post(time, acc.id, SYSTEM_ACCOUNTS.fees, fee, 'volume-fee', inv?.id ?? acc.id);
    if (inv) this.addFeeToStatement(inv, 'volume-fee', fee);
    this.emit({ time, kind: 'volume-fee', account: acc.id, investor: inv?.id, symbol, volume, amount: fee, reason: `${volume.toString()} lots on one side${vf.perLot.isZero() ? '' : `, ${vf.perLot.toString()} a lot`}${vf.perMillion.isZero() ? '' : `, ${vf.perMillion.toString()} a million of notional`}` });
  }

  /** Queues closes of `volume` from positions (oldest first). */
  /**
   * Queues closes of `volume` from positions, oldest first. `fraction` is the intended share of
   * each position's exact volume to retire (rounding money follows the exact share even where
   * the actual close rounds down, to nothing included).
   */
  private closeVolume(time: ServerTime, positions: readonly Position[], volume: Volume, cause: CloseCause, fraction?: Dec): void {
    let left = volume;
    for (const p of positions) {
      const v = left.isPositive() ? p.volume.min(left) : Volume.zero;
      left = left.minus(v);
      const exact = fraction && p.exactVolume.times(Dec.min(fraction, 1));
      if (v.isPositive()) this.queue(time, { kind: 'close', position: p, volume: v, cause, exact });
      else if (exact && exact.gt(0)) this.queueShadow(time, { account: p.account, ticket: p.masterTicket, symbol: p.symbol, side: p.side, exact, openPrice: () => p.openPrice, position: p });
    }
  }

  // ---------------------------------------------------------------- master orders

  /**
   * Opens a master market order and its allocated legs; every leg fills at the executive price.
   * `volume` may be omitted for the `lot` method (the block is the sum of the set lots);
   * `overrides` are the manager's manual volumes for single accounts.
   */
  masterOpen(time: ServerTime, ticket: string, symbol: string, side: Side, volume: Volume | undefined, opts: OrderOptions & { readonly checkLevels?: boolean } = {}): void {
    const overrides = opts.overrides ?? new Map<string, Volume>();
    if (this.hardStopped) return this.rejectOrder(time, ticket, symbol, HARD_STOP_REASON);
    if (this.masterTrades.has(ticket) || this.pendingOrders.has(ticket)) return this.rejectOrder(time, ticket, symbol, `ticket ${ticket} already used`);
    if (this.orderCount() >= this.maxOrders) return this.rejectOrder(time, ticket, symbol, `the account already has ${this.orderCount()} open and pending orders, the limit is ${this.maxOrders}`);
    if (!this.config.instruments.has(symbol)) return this.rejectOrder(time, ticket, symbol, `unknown instrument ${symbol}`);
    if (!this.quotes.get(symbol)) return this.rejectOrder(time, ticket, symbol, `no price for ${symbol} yet`);
    const unconverted = this.noConversionQuote(symbol);
    if (unconverted) return this.rejectOrder(time, ticket, symbol, unconverted);
    const lotMethod = this.config.allocation === 'lot';
    if (volume === undefined && !lotMethod) return this.rejectOrder(time, ticket, symbol, 'an open needs a volume');
    if (volume !== undefined) {
      const lotRule = masterLotRule(this.instrument(symbol), volume);
      if (lotRule) return this.rejectOrder(time, ticket, symbol, lotRule);
    }
    for (const acc of overrides.keys()) if (!this.linked().some((f) => f.id === acc)) return this.rejectOrder(time, ticket, symbol, `override for ${acc}, which is not a follower now`);
    if (opts.checkLevels !== false) {
      const bad = this.badStops(symbol, side, opts.sl, opts.tp);
      if (bad) return this.rejectOrder(time, ticket, symbol, bad);
    }
    this.flush();
    // A paused account keeps its place in the allocation and its part is dropped (below): a pause never enlarges the others' parts.
    const followers = this.linked().map((a) => this.follower(a, overrides.get(a.id)));
    let alloc;
    try {
      alloc = allocate(this.config.allocation, volume ?? Volume.zero, this.masterEquity(), followers, this.sizing(symbol));
    } catch (e) {
      if (e instanceof AllocationError) return this.rejectOrder(time, ticket, symbol, e.message);
      throw e;
    }
    // The lot method's order is the sum of the set lots; the block is what the lot limits let through.
    const setLots = new Volume([...alloc.exact.values()].reduce((x, y) => x.plus(y), new Dec(0)));
    if (lotMethod && volume !== undefined && !volume.eq(setLots)) return this.rejectOrder(time, ticket, symbol, `the lot method's order is the sum of the set lots, ${setLots.toString()}, not ${volume.toString()}`);
    const masterVolume = lotMethod ? Volume.sum(alloc.parts.map((p) => p.volume)) : volume!;
    if (lotMethod) {
      const lotRule = masterLotRule(this.instrument(symbol), masterVolume);
      if (lotRule) return this.rejectOrder(time, ticket, symbol, `the block (sum of the set lots): ${lotRule}`);
    }
    const capped = this.masterCaps(symbol, masterVolume) ?? (this.config.structure === 'signal' ? this.marginShortfall(this.accounts.get(SYSTEM_ACCOUNTS.master)!, symbol, side, masterVolume) : undefined);
    if (capped) return this.rejectOrder(time, ticket, symbol, capped);
    this.noteEvents(time, ticket, symbol, alloc.notes);
    // Risk gates (caps, the pool's leverage, free margin) cut or skip single copies; a skipped copy is not rounding.
    const exactShares = new Map(alloc.exact);
    const parts: Array<{ account: string; volume: Volume }> = [];
    const excluded = new Set<string>();
    for (const p of alloc.parts) {
      const v = this.gateCopy(time, p.account, ticket, symbol, side, p.volume);
      if (!v) {
        exactShares.delete(p.account);
        excluded.add(p.account);
        continue;
      }
      parts.push({ account: p.account, volume: v });
      if (!v.eq(p.volume)) exactShares.set(p.account, v.value);
    }
    if (this.config.structure === 'block' && parts.length === 0) return this.rejectOrder(time, ticket, symbol, `no follower can take a part of the block${parts.length < alloc.parts.length ? ' (see the copy-skipped events)' : ''}`);
    const placed = new Set(parts.map((p) => p.account));
    const skipped = new Map([...exactShares].filter(([acc, x]) => !placed.has(acc) && x.gt(0)).map(([acc, exact]) => [acc, { exact }]));
    this.masterTrades.set(ticket, { ticket, symbol, side, openTime: time, skipped, excluded, sl: opts.sl, tp: opts.tp });
    const minLot = this.instrument(symbol).minLot;
    if (!this.smallestTrade || minLot.value.div(masterVolume.value).gt(this.smallestTrade.minLot.value.div(this.smallestTrade.volume.value))) this.smallestTrade = { volume: masterVolume, minLot };
    if (this.config.structure === 'signal') this.queue(time, { kind: 'open', account: SYSTEM_ACCOUNTS.master, masterTicket: ticket, symbol, side, volume: masterVolume, exact: masterVolume.value });
    for (const p of parts) this.queue(time, { kind: 'open', account: p.account, masterTicket: ticket, symbol, side, volume: p.volume, exact: exactShares.get(p.account)! });
    // A block is what its parts hold: report that, and the ordered volume where the lot limits or risk gates changed it.
    const opened = this.config.structure === 'block' ? Volume.sum(parts.map((p) => p.volume)) : masterVolume;
    const changed = opened.eq(masterVolume) ? '' : `; ordered ${masterVolume.toString()}, the lot limits and risk gates made the block ${opened.toString()} (see the allocation and copy events)`;
    this.emit({ time, kind: 'master-open', ticket, symbol, volume: opened, reason: `${side} ${opened.toString()} allocated to ${parts.length} follower(s) by ${this.config.allocation} (${this.config.policies.roundingMode})${changed}` });
  }

  /**
   * Why a symbol cannot fill yet: no quote of the instrument that converts its profit to USD, or
   * (with risk rules, forex margin mode) its margin, which is stated in the base currency (undefined when it can).
   */
  private noConversionQuote(symbol: string): string | undefined {
    const conv = this.conversions.get(symbol)!;
    if (conv.kind !== 'identity' && !this.quotes.get(conv.symbol)) return `no price yet for ${conv.symbol}, which converts ${symbol}'s profit to ${ACCOUNT_CURRENCY}`;
    const inst = this.instrument(symbol);
    const base = inst.marginMode === 'forex' ? this.baseConversions.get(symbol) : undefined;
    if (base && base.kind !== 'identity' && !this.quotes.get(base.symbol)) return `no price yet for ${base.symbol}, which converts ${symbol}'s margin (in ${inst.base}) to ${ACCOUNT_CURRENCY}`;
    return undefined;
  }

  private get maxOrders(): number { return this.config.maxOrders ?? 1000; }
  private orderCount(): number { return this.masterTrades.size + this.pendingOrders.size; }

  /** A stop-loss or take-profit on the wrong side of the current price is refused (MT4's "invalid stops"). */
  private badStops(symbol: string, side: Side, sl: Price | undefined, tp: Price | undefined): string | undefined {
    const q = this.quotes.require(symbol);
    if (sl && !validLevel(stopWatch(side, 'stop-loss', sl), q)) return `stop-loss ${sl.toString()} is on the wrong side of the current price (bid ${q.bid.toString()}, ask ${q.ask.toString()})`;
    if (tp && !validLevel(stopWatch(side, 'take-profit', tp), q)) return `take-profit ${tp.toString()} is on the wrong side of the current price (bid ${q.bid.toString()}, ask ${q.ask.toString()})`;
    return undefined;
  }

  /** Places a master limit or stop order; it is allocated to the followers when it fills. */
  placePending(time: ServerTime, ticket: string, symbol: string, type: PendingType, price: Price, volume: Volume | undefined, opts: OrderOptions = {}): void {
    if (this.hardStopped) return this.rejectOrder(time, ticket, symbol, HARD_STOP_REASON);
    if (this.masterTrades.has(ticket) || this.pendingOrders.has(ticket)) return this.rejectOrder(time, ticket, symbol, `ticket ${ticket} already used`);
    if (this.orderCount() >= this.maxOrders) return this.rejectOrder(time, ticket, symbol, `the account already has ${this.orderCount()} open and pending orders, the limit is ${this.maxOrders}`);
    const q = this.quotes.get(symbol);
    if (!q) return this.rejectOrder(time, ticket, symbol, `no price for ${symbol} yet`);
    if (!validLevel(pendingWatch(type, price), q)) return this.rejectOrder(time, ticket, symbol, `${type} at ${price.toString()} is on the wrong side of the current price (bid ${q.bid.toString()}, ask ${q.ask.toString()})`);
    if (volume !== undefined) {
      const lotRule = masterLotRule(this.instrument(symbol), volume);
      if (lotRule) return this.rejectOrder(time, ticket, symbol, lotRule);
    }
    const bad = this.pendingStops(pendingSide(type), price, opts.sl, opts.tp);
    if (bad) return this.rejectOrder(time, ticket, symbol, bad);
    this.pendingOrders.set(ticket, { ticket, symbol, type, price, volume, sl: opts.sl, tp: opts.tp, overrides: opts.overrides ?? new Map() });
    this.emit({ time, kind: 'order-placed', ticket, symbol, volume, price, reason: `${type} at ${price.toString()}${opts.sl ? `, SL ${opts.sl.toString()}` : ''}${opts.tp ? `, TP ${opts.tp.toString()}` : ''}; mirrored to ${this.followers().length} follower(s), allocated when it fills` });
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
    this.flush();
    const pending = this.pendingOrders.get(ticket);
    const trade = this.masterTrades.get(ticket);
    if (!pending && !trade) return this.rejectOrder(time, ticket, undefined, `no open or pending order ${ticket}`);
    const pick = <T>(next: T | null | undefined, now: T | undefined): T | undefined => (next === null ? undefined : next ?? now);
    if (pending) {
      const price = change.price ?? pending.price;
      const sl = pick(change.sl, pending.sl), tp = pick(change.tp, pending.tp);
      const q = this.quotes.require(pending.symbol);
      if (!validLevel(pendingWatch(pending.type, price), q)) return this.rejectOrder(time, ticket, pending.symbol, `${pending.type} at ${price.toString()} is on the wrong side of the current price`);
      const bad = this.pendingStops(pendingSide(pending.type), price, sl, tp);
      if (bad) return this.rejectOrder(time, ticket, pending.symbol, bad);
      Object.assign(pending, { price, sl, tp });
      this.emit({ time, kind: 'order-modified', ticket, symbol: pending.symbol, price, reason: `${pending.type} now at ${price.toString()}, SL ${sl?.toString() ?? 'none'}, TP ${tp?.toString() ?? 'none'}; mirrored to the followers` });
      return;
    }
    if (change.price !== undefined) return this.rejectOrder(time, ticket, trade!.symbol, 'an open trade has no price to modify, only its SL and TP');
    const sl = pick(change.sl, trade!.sl), tp = pick(change.tp, trade!.tp);
    const bad = this.badStops(trade!.symbol, trade!.side, sl, tp);
    if (bad) return this.rejectOrder(time, ticket, trade!.symbol, bad);
    trade!.sl = sl;
    trade!.tp = tp;
    this.emit({ time, kind: 'order-modified', ticket, symbol: trade!.symbol, reason: `SL ${sl?.toString() ?? 'none'}, TP ${tp?.toString() ?? 'none'}; mirrored to the followers' positions` });
  }

  cancelOrder(time: ServerTime, ticket: string): void {
    const o = this.pendingOrders.get(ticket);
    if (!o) return this.rejectOrder(time, ticket, undefined, `no pending order ${ticket} to cancel`);
    this.pendingOrders.delete(ticket);
    this.emit({ time, kind: 'order-cancelled', ticket, symbol: o.symbol, price: o.price, reason: `${o.type} at ${o.price.toString()} cancelled, with its copies` });
  }

  /** Closes `volume` (default: all) of a master trade; each part closes in the ratio frozen at open. */
  masterClose(time: ServerTime, ticket: string, volume?: Volume, cause: CloseCause = 'master-close'): void {
    const trade = this.masterTrades.get(ticket);
    if (!trade) return this.rejectOrder(time, ticket, undefined, `no open master trade ${ticket}`);
    this.flush();
    const open = this.masterVolume(ticket);
    const v = volume ?? open;
    if (!v.isPositive() || v.gt(open)) return this.rejectOrder(time, ticket, trade.symbol, `close volume ${v.toString()} must be positive and at most the open ${open.toString()}`);
    const full = v.eq(open);
    const step = this.instrument(trade.symbol).lotStep;
    if (!full && !v.value.mod(step.value).isZero()) return this.rejectOrder(time, ticket, trade.symbol, `partial close volume ${v.toString()} is not a multiple of the lot step ${step.toString()}`);
    const minLot = this.instrument(trade.symbol).minLot;
    if (!full && (v.lt(minLot) || open.minus(v).lt(minLot))) return this.rejectOrder(time, ticket, trade.symbol, `a partial close of ${v.toString()} must close and leave at least the minimum lot ${minLot.toString()} (open ${open.toString()})`);
    const f = full ? new Dec(1) : v.value.div(open.value);
    for (const [acc, share] of [...trade.skipped]) {
      const closing = share.exact.times(f);
      this.queueShadow(time, this.skippedShadow(acc, trade, share, closing));
      if (full) trade.skipped.delete(acc);
      else trade.skipped.set(acc, { ...share, exact: share.exact.minus(closing) });
    }
    const holders = this.holdersOf(ticket);
    if (full) {
      for (const acc of holders) this.closeVolume(time, this.positionsOf(ticket, acc), this.heldVolume(ticket, acc), cause, f);
      this.masterTrades.delete(ticket);
    } else if (this.config.structure === 'signal') {
      // Each follower closes the share of what it holds that v is of the master's open volume.
      this.closeVolume(time, this.positionsOf(ticket, SYSTEM_ACCOUNTS.master), v, cause, f);
      for (const acc of holders.filter((a) => a !== SYSTEM_ACCOUNTS.master)) {
        const held = this.heldVolume(ticket, acc);
        this.closeVolume(time, this.positionsOf(ticket, acc), proportionalPart(held, v.value, open.value, this.grain(trade.symbol)), cause, f);
      }
    } else {
      // Block: the closed volume is split over what each part holds, so parts keep the frozen ratio.
      const held = holders.map((a) => this.heldVolume(ticket, a));
      const parts = splitOnGrain(v, held, this.grain(trade.symbol), this.config.policies.residualRule);
      holders.forEach((a, i) => this.closeVolume(time, this.positionsOf(ticket, a), parts[i]!, cause, f));
    }
    this.emit({ time, kind: 'master-close', ticket, symbol: trade.symbol, volume: v, reason: full ? 'full close' : `partial close of ${v.toString()} of ${open.toString()}` });
  }

  private holdersOf(ticket: string): string[] {
    const out: string[] = [];
    for (const acc of this.accounts.values()) if (acc.positions.some((p) => p.masterTicket === ticket)) out.push(acc.id);
    return out;
  }

  private rejectOrder(time: ServerTime, ticket: string, symbol: string | undefined, reason: string): void {
    this.emit({ time, kind: 'order-rejected', ticket, symbol, reason });
  }

  /** A master order refused before reaching the engine's rules (for example outside market hours). */
  rejectMasterOrder(time: ServerTime, ticket: string, symbol: string | undefined, reason: string): void {
    this.flush();
    this.rejectOrder(time, ticket, symbol, reason);
  }

  // ---------------------------------------------------------------- investor flows

  /** Funds the manager's own master account (signal structure). */
  fundMaster(time: ServerTime, amount: Money): void {
    this.flush();
    this.journal.post(time, SYSTEM_ACCOUNTS.external, SYSTEM_ACCOUNTS.master, amount, 'deposit', 'manager');
    this.emit({ time, kind: 'deposit', account: SYSTEM_ACCOUNTS.master, amount, reason: 'manager funds the master account' });
  }

  private rejectRequest(time: ServerTime, investor: string, reason: string): void {
    this.emit({ time, kind: 'request-rejected', investor, reason });
  }

  /** A request that waits for its execution time (calendar rules), recorded when placed. */
  requestPlaced(time: ServerTime, investor: string, what: string, executesAt: ServerTime, why: string): void {
    this.emit({ time, kind: 'request-queued', investor, reason: `${what}: executes at ${formatServerTime(executesAt)}; ${why}` });
  }

  /** Every investor request, when it executes: its request and execution times side by side. */
  requestExecuted(time: ServerTime, investor: string, what: string, requestedAt: ServerTime): void {
    this.flush();
    this.emit({ time, kind: 'request-executed', investor, reason: `${what}: requested ${formatServerTime(requestedAt)}, executed ${formatServerTime(time)}` });
  }

  /** A request whose execution time falls after the end of the run. */
  requestExpired(time: ServerTime, investor: string, what: string, executesAt: string): void {
    this.emit({ time, kind: 'request-rejected', investor, reason: `${what}: would execute at ${executesAt}, after the end of the run` });
  }

  /** A new investor joins with a first deposit (MAM: own sub-account; PAMM: units in the pool). */
  join(time: ServerTime, id: string, model: InvestmentModel, amount: Money, manager: boolean, terms: AllocationTerms = {}, referral: Referral = {}): void {
    this.flush();
    if (this.investors.has(id)) return this.rejectRequest(time, id, `investor ${id} already joined`);
    if (!amount.isPositive()) return this.rejectRequest(time, id, 'a join needs a positive deposit');
    if (model === 'pamm' && !this.config.pool) return this.rejectRequest(time, id, 'the program has no PAMM pool');
    if (model === 'pamm' && !this.poolHasNav()) return this.rejectRequest(time, id, `pool equity ${this.equity(this.config.pool!.id).toString()} is not positive: no NAV to buy units at`);
    const programTerms = this.config.terms;
    if (programTerms && !manager && amount.lt(programTerms.minimumInvestment)) return this.rejectRequest(time, id, `${amount.toString()} is below the program's minimum investment ${programTerms.minimumInvestment.toString()}`);
    const minMam = model === 'mam' && !manager ? this.minimumMamInvestment() : undefined;
    if (minMam && amount.lt(minMam)) return this.rejectRequest(time, id, `${amount.toString()} is below the minimum MAM investment ${minMam.toString()}${this.config.pool ? ': this investor can join the PAMM pool instead' : ''}`);
    const account = model === 'mam' ? `mam:${id}` : this.config.pool!.id;
    const rate = manager ? new Dec(0) : this.performanceRate;
    const inv: Investor = { id, model, account, manager, fee: NEW_FEE_STATE, feeTerms: this.feeTerms(rate), periodStart: time, managementAccrued: new Dec(0), statement: newDraft(time, Money.zero), managementRate: manager ? new Dec(0) : this.managementRate, active: true, detached: false, referredBy: referral.referredBy };
    this.investors.set(id, inv);
    if (model === 'mam') this.openAccount(account, 'mam', terms);
    if (model === 'mam' && (referral.swapFree || this.config.swapFree)) this.swapFreeAccounts.add(account);
    this.emit({ time, kind: 'join', investor: id, account, amount, reason: `${model.toUpperCase()} investor joins${manager ? ' (manager capital, no fee)' : ''}` });
    this.depositInto(time, inv, amount);
    if (model === 'mam') this.copyOpenTrades(time, inv.account);
  }

  deposit(time: ServerTime, id: string, amount: Money): void {
    this.flush();
    const inv = this.activeInvestor(time, id);
    if (!inv) return;
    if (!amount.isPositive()) return this.rejectRequest(time, id, 'a deposit must be positive');
    this.depositInto(time, inv, amount);
  }

  /**
   * The minimum MAM investment: fixed, or floating with the strategy: the least equity at
   * which the smallest master trade so far would still copy at its instrument's minimum lot
   * (copy family: min lot × master equity / volume; split family: min lot × the followers'
   * equity / volume), rounded up to the quantum. None before the first trade.
   */
  minimumMamInvestment(): Money | undefined {
    const terms = this.config.terms;
    if (!terms) return undefined;
    if (terms.minimumMamInvestment !== 'floating') return terms.minimumMamInvestment;
    const t = this.smallestTrade;
    if (!t) return undefined;
    const reference = this.masterEquity();
    return new Money(ceilToQuantum(t.minLot.value.times(reference.value).div(t.volume.value), this.q));
  }

  /** Units can be bought while the pool is empty (initial NAV) or its equity is positive. */
  private poolHasNav(): boolean {
    return !this.units!.total.isPositive() || this.equity(this.config.pool!.id).isPositive();
  }

  /** The entry fee on a deposit, from the money just deposited; the mark rises by what stays invested. */
  private chargeEntryFee(time: ServerTime, inv: Investor, amount: Money): Money {
    const rate = this.config.entryFee;
    if (!rate || inv.manager) return Money.zero;
    const fee = new Money(roundToQuantum(amount.value.times(rate), this.q));
    if (!fee.isPositive()) return Money.zero;
    this.journal.post(time, inv.account, SYSTEM_ACCOUNTS.fees, fee, 'entry-fee', inv.id);
    inv.statement.entryFees = inv.statement.entryFees.plus(fee);
    this.emit({ time, kind: 'entry-fee', investor: inv.id, account: inv.account, amount: fee, reason: `${rate.times(100).toString()}% of the deposit ${amount.toString()}` });
    return fee;
  }

  private depositInto(time: ServerTime, inv: Investor, amount: Money): void {
    if (inv.model === 'pamm') {
      const reg = this.units!;
      const before = this.equity(inv.account);
      if (!this.poolHasNav()) return this.rejectRequest(time, inv.id, `pool equity ${before.toString()} is not positive: no NAV to buy units at`);
      const nav = reg.nav(before);
      this.journal.post(time, SYSTEM_ACCOUNTS.external, inv.account, amount, 'deposit', inv.id);
      const entry = this.chargeEntryFee(time, inv, amount);
      // Resizing the pool's open positions for the new money costs the spread; the depositor
      // bears it (units are bought with what is left), so the NAV of everyone else is unchanged.
      if (allocationFamily(this.config.allocation) === 'copy' && this.config.policies.pammDeposit === 'reallocate') this.actingFor([{ id: inv.id, weight: new Dec(1) }], () => this.reallocatePool(time));
      const cost = before.plus(amount).minus(entry).minus(this.equity(inv.account));
      if (this.config.risk && !cost.isZero()) this.riskFlow(inv.account, cost.value.neg());
      // A resize that costs the whole deposit (a spread wider than the money) buys nothing, never negative units.
      const net = amount.minus(entry).minus(cost);
      const u = net.isPositive() && !net.isZero() ? reg.unitsFor(net, before) : Units.zero;
      reg.issue(inv.id, u);
      this.emit({ time, kind: 'units-issued', investor: inv.id, account: inv.account, amount, units: u, reason: `bought at NAV ${nav.toSignificantDigits(12).toString()}${cost.isZero() ? '' : ` after the reallocation cost ${cost.toString()}`}${u.isZero() ? ': the cost took the whole deposit' : ''}` });
      inv.fee = afterDeposit(inv.fee, amount.minus(entry));
    } else {
      this.journal.post(time, SYSTEM_ACCOUNTS.external, inv.account, amount, 'deposit', inv.id);
      inv.fee = afterDeposit(inv.fee, amount.minus(this.chargeEntryFee(time, inv, amount)));
    }
    inv.statement.deposits = inv.statement.deposits.plus(amount);
    this.emit({ time, kind: 'deposit', investor: inv.id, account: inv.account, amount, reason: 'deposit executed; high-water mark raised by the amount' });
  }

  /** Copy family: what one follower should hold of an open master trade now (notes go to events). */
  private copyTarget(time: ServerTime, accountId: string, t: MasterTrade): { volume: Volume; exact: Dec } {
    const acc = this.accounts.get(accountId)!;
    const alloc = allocate(this.config.allocation, this.masterVolume(t.ticket), this.masterEquity(), [this.follower(acc)], this.sizing(t.symbol));
    this.noteEvents(time, t.ticket, t.symbol, alloc.notes);
    return { volume: alloc.parts[0]?.volume ?? Volume.zero, exact: alloc.exact.get(accountId)! };
  }

  /** Copy family: a MAM account joining under open trades gets them copied at the current price. */
  private copyOpenTrades(time: ServerTime, accountId: string): void {
    if (allocationFamily(this.config.allocation) !== 'copy') return;
    for (const t of this.masterTrades.values()) {
      const { volume: v, exact } = this.copyTarget(time, accountId, t);
      if (!v.isPositive()) {
        // Left out by rounding: its exact share still counts, from the price it would have joined at.
        if (exact.gt(0)) t.skipped.set(accountId, { exact, openPrice: fillPrice(this.quotes.require(t.symbol), t.side) });
        continue;
      }
      const gated = this.gateCopy(time, accountId, t.ticket, t.symbol, t.side, v);
      if (!gated) continue;
      this.queue(time, { kind: 'open', account: accountId, masterTicket: t.ticket, symbol: t.symbol, side: t.side, volume: gated, exact: gated.eq(v) ? exact : gated.value });
      this.emit({ time, kind: 'positions-copied', account: accountId, ticket: t.ticket, symbol: t.symbol, volume: gated, reason: 'open master trade copied at the current price on joining' });
    }
    this.flush();
  }

  /** `pammDeposit: reallocate` (copy family): the pool's open positions are resized to the master's proportion at the current price. */
  private reallocatePool(time: ServerTime): void {
    const pool = this.config.pool!.id;
    if (this.paused.has(pool)) return;
    for (const t of this.masterTrades.values()) {
      if (t.excluded.has(pool)) continue;
      const { volume: target, exact } = this.copyTarget(time, pool, t);
      const held = this.heldVolume(t.ticket, pool);
      // A share skipped before is settled now; the resize decides the pool's share afresh.
      this.settleSkipped(time, pool, new Dec(1), t);
      if (target.isZero() && held.isZero() && exact.gt(0)) t.skipped.set(pool, { exact, openPrice: fillPrice(this.quotes.require(t.symbol), t.side) });
      if (target.eq(held)) continue;
      const heldExact = this.positionsOf(t.ticket, pool).reduce((x, p) => x.plus(p.exactVolume), new Dec(0));
      if (target.gt(held)) {
        const add = this.gateCopy(time, pool, t.ticket, t.symbol, t.side, target.minus(held));
        if (!add) {
          t.excluded.add(pool);
          continue;
        }
        this.queue(time, { kind: 'open', account: pool, masterTicket: t.ticket, symbol: t.symbol, side: t.side, volume: add, exact: add.eq(target.minus(held)) ? Dec.max(0, exact.minus(heldExact)) : add.value });
      } else this.closeVolume(time, this.positionsOf(t.ticket, pool), held.minus(target), 'reallocate');
      this.emit({ time, kind: 'pool-reallocated', account: pool, ticket: t.ticket, symbol: t.symbol, volume: target, reason: `pool resized from ${held.toString()} to ${target.toString()} lots` });
    }
    this.flush();
  }

  /** Rounding money still open: per account, floating P&L minus the ideal floating P&L of the exact volumes. */
  openRounding(): Map<string, Money> {
    this.flush();
    const out = new Map<string, Money>();
    const add = (acc: string, m: Money): void => { out.set(acc, (out.get(acc) ?? Money.zero).plus(m)); };
    const ideal = (symbol: string, side: Side, exact: Dec, open: Price): Money => this.profitUSD(symbol, side, exact, open, this.markOf(symbol, side));
    for (const p of this.openPositions()) add(p.account, this.floating(p).minus(ideal(p.symbol, p.side, p.exactVolume, p.openPrice)));
    for (const t of this.masterTrades.values()) {
      for (const [acc, share] of t.skipped) if (share.exact.gt(0) && t.openPrice) add(acc, ideal(t.symbol, t.side, share.exact, share.openPrice ?? t.openPrice).neg());
    }
    return out;
  }

  /** Block: a master trade whose every part was closed by leaves or withdrawals is over. */
  private retireEmptyBlockTrades(time: ServerTime): void {
    if (this.config.structure !== 'block') return;
    for (const t of [...this.masterTrades.values()]) {
      if (!this.masterVolume(t.ticket).isZero()) continue;
      for (const acc of [...t.skipped.keys()]) this.settleSkipped(time, acc, new Dec(1), t);
      this.masterTrades.delete(t.ticket);
      this.emit({ time, kind: 'master-close', ticket: t.ticket, symbol: t.symbol, volume: Volume.zero, reason: 'nothing left open: every part was closed by investors leaving or withdrawing' });
    }
  }

  /** Closes the fraction `amount / of` of every open position of an account, so its other holders' results stay as they were. */
  private reducePositions(time: ServerTime, accountId: string, amount: Dec, of: Dec, cause: CloseCause): void {
    const acc = this.accounts.get(accountId)!;
    const f = Dec.min(amount.div(of), 1);
    for (const p of [...acc.positions]) {
      const v = proportionalPart(p.volume, amount, of, this.grain(p.symbol));
      const intended = p.volume.value.times(f);
      if (this.config.policies.roundingMode === 'lot-step' && v.value.lt(intended)) {
        this.emit({ time, kind: 'reduction-rounded', account: accountId, ticket: p.masterTicket, symbol: p.symbol, volume: v, reason: `closes ${v.toString()} of the intended ${intended.toSignificantDigits(10).toString()} lots (lot step ${this.grain(p.symbol).toString()}); the account keeps the rest of the exposure` });
      }
      this.closeVolume(time, [p], v, cause, f);
    }
    this.flush();
    this.emit({ time, kind: 'positions-reduced', account: accountId, reason: `closed ${amount.div(of).toSignificantDigits(10).toString()} of each open position (${cause})` });
    this.retireEmptyBlockTrades(time);
  }

  withdraw(time: ServerTime, id: string, amount: Money): void {
    this.flush();
    const inv = this.activeInvestor(time, id);
    if (!inv) return;
    const equity = this.investorEquity(id);
    if (!amount.isPositive() || amount.gt(equity)) return this.rejectRequest(time, id, `withdrawal ${amount.toString()} must be positive and at most the equity ${equity.toString()}`);
    const convention = inv.feeTerms.partialWithdrawal;
    // Withdrawing everything is leaving: every fee crystallizes and nothing is left behind to owe one later.
    if (amount.eq(equity)) return this.leave(time, id);
    const outcome = crystallizeWithdrawal(inv.fee, inv.feeTerms, this.feeEquity(inv, this.memberValues()), amount, amount.value.div(equity.value), this.yearFraction(inv, time), this.q);
    // Pro-rata takes the fee out of the amount; crystallize-all charges it from the account on top.
    const gross = outcome.fromAmount ? amount : amount.plus(outcome.fee);
    if (gross.gt(equity)) return this.rejectRequest(time, id, `withdrawal ${amount.toString()} plus the fee ${outcome.fee.toString()} crystallized by it exceeds the equity ${equity.toString()}`);
    this.settleSkipped(time, inv.account, inv.model === 'mam' ? gross.value.div(equity.value) : gross.value.div(this.equity(inv.account).value));
    let payout = gross;
    if (inv.model === 'mam') {
      this.reducePositions(time, inv.account, gross.value, equity.value, 'withdrawal');
      payout = this.capToEquity(time, inv, gross, this.equity(inv.account));
    } else {
      const pool = inv.account;
      const before = this.memberValues().get(id) ?? Money.zero;
      const cost = this.poolClosingCost([{ id, weight: new Dec(1) }], () => this.reducePositions(time, pool, gross.value, this.equity(pool).value, 'withdrawal'));
      payout = this.capToEquity(time, inv, gross, before.minus(cost.amount));
      // Units for the payout and for what closing for it cost, at the NAV before: the members who stay keep theirs.
      const u = this.units!.unitsToRedeem(id, payout.plus(cost.amount), cost.equityBefore);
      this.units!.redeem(id, u);
      this.emit({ time, kind: 'units-redeemed', investor: id, account: pool, amount: payout, units: u, reason: 'withdrawal at NAV' });
    }
    this.payOut(time, inv, payout, [{ reason: 'performance-fee', amount: outcome.fee }], `partial withdrawal (${convention})`);
    inv.fee = outcome.next;
    // Capped to everything the member had (its closing costs took the rest): it has left.
    if (inv.model === 'pamm' && this.units!.holding(id).isZero()) this.exited(time, inv, Money.zero, 'the capped withdrawal redeemed every unit: the investor has left the program');
  }

  /** What closing positions for a withdrawal cost (volume fees, rounding) comes off the amount when the equity no longer covers it. */
  private capToEquity(time: ServerTime, inv: Investor, gross: Money, available: Money): Money {
    if (!gross.gt(available)) return gross;
    this.emit({ time, kind: 'withdrawal-capped', investor: inv.id, account: inv.account, amount: available, reason: `the withdrawal ${gross.toString()} exceeds the equity ${available.toString()} left after closing positions for it; paid what is there` });
    return available.max(Money.zero);
  }

  /** Pays `gross` out of the investor's account: the fees to the fee account, the rest to the investor. */
  private payOut(time: ServerTime, inv: Investor, gross: Money, fees: ReadonlyArray<{ reason: 'performance-fee' | 'management-fee'; amount: Money }>, what: string): void {
    if (gross.isNegative()) {
      // `protect` (and always in the pool): the broker absorbs the deficit; `carry`: it stays on the account, owed by the investor.
      if (this.absorbsDeficit(inv.account)) {
        this.journal.post(time, SYSTEM_ACCOUNTS.house, inv.account, gross.neg(), 'negative-balance', inv.id);
        this.emit({ time, kind: 'negative-balance-protected', investor: inv.id, account: inv.account, amount: gross.neg(), reason: `${what}: equity ${gross.toString()} is below zero; the broker absorbs it (negativeBalance: protect)` });
      } else {
        this.carried.add(inv.account);
        this.emit({ time, kind: 'negative-balance-carried', investor: inv.id, account: inv.account, amount: gross.neg(), reason: `${what}: equity ${gross.toString()} is below zero; it stays on the account, owed by the investor (negativeBalance: carry)` });
      }
      gross = Money.zero;
    }
    // Fees never take more than there is: each is capped at what is left of the amount.
    let left = gross;
    const charged = fees.map((f) => {
      const amount = f.amount.min(left).max(Money.zero);
      left = left.minus(amount);
      return { ...f, amount };
    });
    this.postFees(time, inv, charged, `crystallized on ${what}`);
    const fee = Money.sum(charged.map((f) => f.amount));
    const net = gross.minus(fee);
    this.journal.post(time, inv.account, SYSTEM_ACCOUNTS.external, net, 'withdrawal', inv.id);
    inv.statement.withdrawals = inv.statement.withdrawals.plus(net);
    this.emit({ time, kind: 'withdrawal', investor: inv.id, account: inv.account, amount: net, reason: `${what}: ${gross.toString()} less fees ${fee.toString()}` });
  }

  /**
   * The fees due on a full exit: the management fee accrued so far, then the performance fee
   * on the equity after it (the management fee comes first, as at a period end).
   */
  private exitFees(inv: Investor, time: ServerTime, values: ReadonlyMap<string, Money>, realized = false): { fees: Array<{ reason: 'performance-fee' | 'management-fee'; amount: Money }>; gain: Money } {
    const management = this.takeAccrued(inv);
    // `realized`: the investor's positions have all closed, so nothing of its own is open for `floatingPnl` to leave out.
    const assessed = realized ? this.equityOf(inv, values) : this.feeEquity(inv, values);
    const exit = crystallizeExit(inv.fee, inv.feeTerms, assessed.minus(management), this.yearFraction(inv, time), this.q);
    return { fees: [{ reason: 'management-fee', amount: management }, { reason: 'performance-fee', amount: exit.fee }], gain: exit.gain };
  }

  /** Posts fees from the investor's account to the fee account, each with its event. */
  private postFees(time: ServerTime, inv: Investor, fees: ReadonlyArray<{ reason: 'performance-fee' | 'management-fee'; amount: Money }>, why: string): void {
    for (const f of fees) {
      if (!f.amount.isPositive()) continue;
      this.journal.post(time, inv.account, SYSTEM_ACCOUNTS.fees, f.amount, f.reason, inv.id);
      this.addFeeToStatement(inv, f.reason, f.amount);
      this.emit({ time, kind: f.reason, investor: inv.id, account: inv.account, amount: f.amount, reason: why });
    }
  }

  /** Full exit (`onLeave: close`): the investor's part of every position closes, the fee crystallizes, the rest is paid out. */
  leave(time: ServerTime, id: string): void {
    this.flush();
    const inv = this.activeInvestor(time, id);
    if (!inv) return;
    this.settleSkipped(time, inv.account, inv.model === 'mam' ? new Dec(1) : this.units!.holding(id).value.div(this.units!.total.value));
    if (inv.model === 'mam' && this.config.policies.onLeave === 'detach' && this.accounts.get(inv.account)!.positions.length > 0) {
      this.detach(time, inv);
      return;
    }
    let exitGain = Money.zero;
    if (inv.model === 'mam') {
      const acc = this.accounts.get(inv.account)!;
      for (const p of [...acc.positions]) this.queue(time, { kind: 'close', position: p, volume: p.volume, cause: 'leave' });
      this.flush();
      this.retireEmptyBlockTrades(time);
      const equity = this.equity(inv.account);
      const exit = this.exitFees(inv, time, new Map());
      exitGain = exit.gain;
      this.payOut(time, inv, equity, exit.fees, 'exit');
      acc.active = false;
    } else {
      const pool = inv.account;
      const held = this.units!.holding(id);
      const before = this.memberValues().get(id) ?? Money.zero;
      const cost = this.poolClosingCost([{ id, weight: new Dec(1) }], () => this.reducePositions(time, pool, held.value, this.units!.total.value, 'leave'));
      // The leaver's value is its share before, less what closing its share cost (commissions, volume fees).
      const values = new Map(this.memberValues()).set(id, before.minus(cost.amount));
      const equity = values.get(id) ?? Money.zero;
      // Its share of every position has just closed: the pool's open P&L left is the other members', not its own.
      const exit = this.exitFees(inv, time, values, true);
      exitGain = exit.gain;
      this.units!.redeem(id, held);
      this.emit({ time, kind: 'units-redeemed', investor: id, account: pool, amount: equity, units: held, reason: 'exit: all units at NAV' });
      this.payOut(time, inv, equity, exit.fees, 'exit');
    }
    this.exited(time, inv, exitGain, 'investor left the program');
  }

  /** Closes a departing investor's books: its exit statement, then it is no longer a member. */
  private exited(time: ServerTime, inv: Investor, gain: Money, why: string): void {
    this.issueStatement(time, inv, 'exit', this.assessedMark(inv), gain, Money.zero);
    inv.active = false;
    inv.fee = NEW_FEE_STATE;
    this.emit({ time, kind: 'leave', investor: inv.id, account: inv.account, reason: why });
  }

  /**
   * `onLeave: detach`: the fee crystallizes on the exit equity (open P&L included) and the
   * investor keeps its positions, unlinked from the master's trades, in an independent account.
   */
  private detach(time: ServerTime, inv: Investor, why = 'left with onLeave: detach'): void {
    const acc = this.accounts.get(inv.account)!;
    const exit = this.exitFees(inv, time, new Map());
    this.postFees(time, inv, exit.fees, 'crystallized on exit (detach)');
    acc.positions = acc.positions.map((p) => ({ ...p, masterTicket: `detached:${p.masterTicket}` }));
    acc.active = false;
    inv.active = false;
    inv.detached = true;
    this.issueStatement(time, inv, 'exit (detach)', this.assessedMark(inv), exit.gain, this.equity(inv.account));
    inv.fee = NEW_FEE_STATE;
    this.emit({ time, kind: 'detach', investor: inv.id, account: inv.account, volume: Volume.sum(acc.positions.map((p) => p.volume)), amount: this.equity(inv.account), reason: `${why}; keeps ${acc.positions.length} position(s) in an independent account` });
    this.retireEmptyBlockTrades(time);
    // Its equity leaves the block master with it: an outflow, not a loss, for the block's hard stop.
    const block = this.indices.get(BLOCK_INDEX);
    if (block) {
      const rest = this.equity(inv.account).value;
      block.flow(rest.neg(), this.blockEquity().plus(rest));
    }
  }

  private activeInvestor(time: ServerTime, id: string): Investor | undefined {
    const inv = this.investors.get(id);
    if (!inv || !inv.active) {
      this.rejectRequest(time, id, inv ? `investor ${id} has left` : `investor ${id} has not joined`);
      return undefined;
    }
    return inv;
  }

  // ---------------------------------------------------------------- fee periods

  /** Period end: every investor above its mark pays the performance fee into the fee account. */
  periodEnd(time: ServerTime, label: string): void {
    this.flush();
    this.emit({ time, kind: 'period-end', reason: `fee period ${label} ends` });
    const values = this.memberValues();
    const due: Array<{ inv: Investor; fee: Money }> = [];
    const assessed: Array<{ inv: Investor; mark: Money; gain: Money }> = [];
    for (const inv of this.investors.values()) {
      if (!inv.active) continue;
      const outcome = crystallizePeriod(inv.fee, inv.feeTerms, this.feeEquity(inv, values), this.yearFraction(inv, time), this.q);
      assessed.push({ inv, mark: this.assessedMark(inv), gain: outcome.gain });
      inv.fee = outcome.next;
      inv.periodStart = time;
      if (outcome.fee.isPositive()) due.push({ inv, fee: outcome.fee });
    }
    // Values were all taken before any fee moved, so one member's fee never changes another's base.
    this.settleFees(time, due, 'performance-fee', label, (inv) => `period ${label}: ${inv.feeTerms.rate.times(100).toString()}% of the gain above the mark (${inv.feeTerms.hwmBasis} basis${inv.feeTerms.hurdle === 'none' ? '' : `, ${inv.feeTerms.hurdle} hurdle ${inv.feeTerms.hurdleRate.times(100).toString()}% a year`})`);
    const after = this.memberValues();
    for (const a of assessed) this.issueStatement(time, a.inv, label, a.mark, a.gain, this.equityOf(a.inv, after));
  }

  /**
   * Charges fees into the fee account: a MAM investor's from its balance; PAMM members' are a
   * redemption, so the pool first closes the fees' share of every position (the members who
   * stay keep their exposure per unit) and then redeems their units at NAV.
   */
  private settleFees(time: ServerTime, charges: ReadonlyArray<{ inv: Investor; fee: Money }>, reason: InvestorFee, label: string, why: (inv: Investor) => string): void {
    charges = [...charges];
    // No investor pays more than it has: a fee is capped at its equity (a member's value).
    const values = this.memberValues();
    charges = charges.map((c) => ({ ...c, fee: c.fee.min(this.equityOf(c.inv, values)).max(Money.zero) })).filter((c) => c.fee.isPositive());
    const extra = new Map<string, { cost: Money; nav: Dec }>();
    if (this.config.pool) {
      const pool = this.config.pool.id;
      const payers = charges.filter((d) => d.inv.model === 'pamm');
      const poolFees = Money.sum(payers.map((d) => d.fee));
      if (poolFees.isPositive()) {
        const cost = this.poolClosingCost(payers.map((d) => ({ id: d.inv.id, weight: d.fee.value })), () => this.reducePositions(time, pool, poolFees.value, this.equity(pool).value, reason));
        // The fee payers bear what closing for their fees cost, in proportion to their fees; units go at the NAV before.
        const shares = cost.amount.isZero() ? undefined : splitAmount(cost.amount.value, payers.map((d) => d.fee.value), this.q, this.config.policies.residualRule).parts;
        const nav = this.units!.nav(cost.equityBefore);
        payers.forEach((d, i) => extra.set(d.inv.id, { cost: new Money(shares?.[i] ?? new Dec(0)), nav }));
        // A fee and its closing cost together never take more than the member had.
        charges = charges.map((c) => {
          const x = extra.get(c.inv.id);
          return x ? { ...c, fee: c.fee.min(this.equityOf(c.inv, values).minus(x.cost)).max(Money.zero) } : c;
        }).filter((c) => c.fee.isPositive() || extra.has(c.inv.id));
      }
    }
    for (const { inv, fee } of charges) {
      if (inv.model === 'pamm') {
        const x = extra.get(inv.id);
        const u = x ? this.units!.unitsToRedeem(inv.id, fee.plus(x.cost), new Money(x.nav.times(this.units!.total.value))) : this.units!.unitsToRedeem(inv.id, fee, this.equity(inv.account));
        this.units!.redeem(inv.id, u);
        this.emit({ time, kind: 'units-redeemed', investor: inv.id, account: inv.account, amount: fee, units: u, reason: `${reason} ${label} at NAV` });
      }
      if (!fee.isPositive()) continue;
      this.journal.post(time, inv.account, SYSTEM_ACCOUNTS.fees, fee, reason, `${inv.id}@${label}`);
      this.addFeeToStatement(inv, reason, fee);
      this.emit({ time, kind: reason, investor: inv.id, account: inv.account, amount: fee, reason: why(inv) });
    }
  }

  private addFeeToStatement(inv: Investor, reason: InvestorFee, fee: Money): void {
    const d = inv.statement;
    if (reason === 'performance-fee') d.performanceFees = d.performanceFees.plus(fee);
    else if (reason === 'management-fee') d.managementFees = d.managementFees.plus(fee);
    else d.otherFees = d.otherFees.plus(fee);
  }

  /** The mark a performance fee is assessed against on the investor's basis (read before the fee state resets). */
  private assessedMark(inv: Investor): Money {
    return inv.feeTerms.hwmBasis === 'equity' ? inv.fee.mark : inv.fee.resultMark;
  }

  /** Closes an investor's statement at `time` (a period end or its exit) and starts the next one. */
  private issueStatement(time: ServerTime, inv: Investor, period: string, mark: Money, gain: Money, closing: Money): void {
    const d = inv.statement;
    const nav = inv.model === 'pamm' ? this.nav() : undefined;
    this.sink.statement?.({
      investor: inv.id, model: inv.model, period, from: d.from, to: time, opening: d.opening, deposits: d.deposits, withdrawals: d.withdrawals,
      mark, gain, entryFees: d.entryFees, managementFees: d.managementFees, performanceFees: d.performanceFees, otherFees: d.otherFees, closing,
      units: inv.model === 'pamm' ? this.units!.holding(inv.id) : undefined, nav,
    });
    inv.statement = newDraft(time, closing);
  }

  // ---------------------------------------------------------------- management fee

  /** The management fee's base for an investor: its equity, or its balance (a PAMM member's share of the pool's). */
  private managementBase(inv: Investor, values: ReadonlyMap<string, Money>): Money {
    if (this.config.managementFee!.basis === 'equity') return this.equityOf(inv, values);
    const balance = this.journal.balance(inv.account);
    if (inv.model === 'mam') return balance;
    return new Money(balance.value.times(this.units!.holding(inv.id).value).div(this.units!.total.value));
  }

  /** One day's accrual: `fraction` of the annual rate on each investor's base (the manager's own capital pays none). */
  accrueManagementFees(fraction: Dec): void {
    const mf = this.config.managementFee;
    if (!mf) return;
    this.flush();
    const values = this.memberValues();
    for (const inv of this.investors.values()) {
      if (!inv.active || inv.managementRate.isZero()) continue;
      const base = this.managementBase(inv, values);
      if (base.isPositive()) inv.managementAccrued = inv.managementAccrued.plus(base.value.times(inv.managementRate).times(fraction));
    }
  }

  /** Management-fee period end: what accrued is charged, rounded half-up to the quantum. */
  chargeManagementFees(time: ServerTime, label: string): void {
    this.flush();
    const mf = this.config.managementFee;
    const active = [...this.investors.values()].filter((inv) => inv.active);
    if (mf) {
      const charges = active.map((inv) => ({ inv, fee: this.takeAccrued(inv) })).filter((c) => c.fee.isPositive());
      this.settleFees(time, charges, 'management-fee', label, (inv) => `period ${label}: ${inv.managementRate.times(100).toString()}% a year on ${mf.basis}, accrued daily (${this.config.policies.managementFee.dayCount})`);
    }
    // The subscription is a fixed charge per period, never more than the investor has.
    const sub = this.config.subscriptionFee;
    if (sub) {
      const values = this.memberValues();
      const charges = active.filter((inv) => !inv.manager).map((inv) => ({ inv, fee: sub.min(this.equityOf(inv, values)).max(Money.zero) })).filter((c) => c.fee.isPositive());
      this.settleFees(time, charges, 'subscription-fee', label, () => `period ${label}: subscription ${sub.toString()}`);
    }
  }

  /**
   * A change of the program's fee rates at a stated time (`termChanges`): investors joining
   * from now on get the new rates; with `all-members` the investors already in get them too,
   * from their next charge.
   */
  changeTerms(time: ServerTime, change: { performanceFee?: Dec; managementFee?: Dec }): void {
    this.flush();
    if (change.performanceFee) this.performanceRate = change.performanceFee;
    if (change.managementFee) this.managementRate = change.managementFee;
    const all = this.config.policies.termChanges === 'all-members';
    if (all) {
      for (const inv of this.investors.values()) {
        if (!inv.active || inv.manager) continue;
        if (change.performanceFee) inv.feeTerms = { ...inv.feeTerms, rate: change.performanceFee };
        if (change.managementFee) inv.managementRate = change.managementFee;
      }
    }
    const what = [change.performanceFee && `performance fee ${change.performanceFee.times(100).toString()}%`, change.managementFee && `management fee ${change.managementFee.times(100).toString()}% a year`].filter(Boolean).join(', ');
    this.emit({ time, kind: 'terms-changed', reason: `${what}, for ${all ? 'every member' : 'members joining from now on'} (termChanges: ${this.config.policies.termChanges})` });
  }

  private takeAccrued(inv: Investor): Money {
    const fee = new Money(roundToQuantum(inv.managementAccrued, this.q));
    inv.managementAccrued = new Dec(0);
    return fee;
  }

  // ---------------------------------------------------------------- self-trading clients

  /**
   * A self-trading client (not in the program): its own account, funded with `deposit`, trading
   * on its own at the quote. Its volume earns rebates for whoever referred it.
   */
  openClient(time: ServerTime, id: string, deposit: Money, referral: Referral): void {
    this.flush();
    this.clients.set(id, referral);
    const account = `client:${id}`;
    this.openAccount(account, 'client', {});
    if (referral.swapFree) this.swapFreeAccounts.add(account);
    this.journal.post(time, SYSTEM_ACCOUNTS.external, account, deposit, 'deposit', id);
    this.emit({ time, kind: 'client-joined', account, amount: deposit, reason: `self-trading client${referral.referredBy ? ` referred by ${referral.referredBy}` : ''}` });
    this.emit({ time, kind: 'deposit', account, amount: deposit, reason: 'client deposit' });
  }

  /** A client's market order: fills at once at the quote (buy at ask, sell at bid), not through the executive account. */
  clientOpen(time: ServerTime, client: string, ticket: string, symbol: string, side: Side, volume: Volume): void {
    this.flush();
    const acc = this.accounts.get(`client:${client}`);
    if (!acc) return this.rejectOrder(time, ticket, symbol, `no client ${client}`);
    const q = this.quotes.get(symbol);
    if (!q) return this.rejectOrder(time, ticket, symbol, `no price for ${symbol} yet`);
    // As for a master order: its costs and profit are booked in USD, which needs the converting quote.
    const unconverted = this.noConversionQuote(symbol);
    if (unconverted) return this.rejectOrder(time, ticket, symbol, unconverted);
    const lotRule = masterLotRule(this.instrument(symbol), volume) ?? this.marginShortfall(acc, symbol, side, volume);
    if (lotRule) return this.rejectOrder(time, ticket, symbol, lotRule);
    this.fill(time, { kind: 'open', account: acc.id, masterTicket: ticket, symbol, side, volume, exact: volume.value }, fillPrice(q, side));
  }

  /** Closes a client's position in full at the quote. */
  clientClose(time: ServerTime, client: string, ticket: string): void {
    this.flush();
    const p = this.accounts.get(`client:${client}`)?.positions.find((x) => x.masterTicket === ticket);
    if (!p) return this.rejectOrder(time, ticket, undefined, `client ${client} has no open position ${ticket}`);
    this.fill(time, { kind: 'close', position: p, volume: p.volume, cause: 'client-close' }, markPrice(this.quotes.require(p.symbol), p.side));
  }

  // ---------------------------------------------------------------- rollover

  /**
   * The daily rollover at 00:00 server time, ending `day`: every open position of an account
   * that is not swap-free pays or earns its swap (tripled on the triple day), then the day's
   * accrued rebates are credited (DOMAIN §8: at the end of the trading day).
   */
  rollover(time: ServerTime, day: Weekday, label: string): void {
    this.flush();
    for (const acc of this.accounts.values()) {
      if (acc.kind === 'house' || this.swapFreeAccounts.has(acc.id)) continue;
      for (const p of acc.positions) p.swap = p.swap.plus(this.costs.chargeSwap(time, day, acc.id, p, p.volume, this.markOf(p.symbol, p.side)));
    }
    this.costs.credit(time, label);
    // Monday 00:00 (the rollover ending Sunday) starts a trading week as well as a day.
    if (this.config.risk) this.startRiskPeriod(time, day === 'sunday' ? 'week' : 'day');
  }

  /** The end of the run closes the trading day: rebates accrued since the last rollover are credited. */
  endOfRun(time: ServerTime, label: string): void {
    this.flush();
    this.costs.credit(time, label);
  }

  // ---------------------------------------------------------------- margin and risk (DOMAIN §9)

  /** Margin of `lots` of a symbol in USD at `leverage` (the account's by default), rounded half-up to the quantum. */
  private marginUSD(symbol: string, lots: Dec, leverage?: Dec): Dec {
    const inst = this.instrument(symbol);
    const price = mid(this.quotes.require(symbol));
    const m = marginPerLot(inst, price, leverage ?? leverageFor(this.config.risk!.leverage, inst));
    const amount = m.amount.times(lots);
    if (m.currency === 'quote') return this.quotes.toAccount(amount, this.conversions.get(symbol)!, this.q, 'mid').value;
    const base = this.baseConversions.get(symbol);
    // No pair converts the base currency: go through the instrument's own price into its quote currency.
    if (!base) return this.quotes.toAccount(amount.times(price), this.conversions.get(symbol)!, this.q, 'mid').value;
    return this.quotes.toAccount(amount, base, this.q, 'mid').value;
  }

  /** Used margin of an account (with one more position, to test an order), by the hedged-margin policy, per symbol. */
  private usedMargin(acc: TradingAccount, extra: ReadonlyArray<{ symbol: string; side: Side; volume: Volume }> = []): Money {
    const legs = legsBySymbol([...acc.positions, ...extra]);
    let total = new Dec(0);
    for (const [symbol, l] of legs) {
      const lots = marginedLots(l.long, l.short, this.config.policies.hedgedMargin);
      if (!lots.isZero()) total = total.plus(this.marginUSD(symbol, lots));
    }
    return new Money(total);
  }

  private marginLevelOf(acc: TradingAccount): Dec | undefined {
    return marginLevel(this.equity(acc.id).value, this.usedMargin(acc).value);
  }

  /** Why an open of `volume` would leave the account with negative free margin (none when risk rules are off or it fits). */
  private marginShortfall(acc: TradingAccount, symbol: string, side: Side, volume: Volume): string | undefined {
    if (!this.config.risk) return undefined;
    // Opens queued at this instant and not filled yet (a join copying several trades) count as held.
    const queued = this.queuedOpens(acc.id);
    const used = this.usedMargin(acc, queued);
    const after = this.usedMargin(acc, [...queued, { symbol, side, volume }]);
    const equity = this.equity(acc.id);
    if (!equity.minus(after).isNegative()) return undefined;
    return `not enough free margin: ${volume.toString()} ${symbol} needs ${after.minus(used).toString()} more margin, free margin is ${equity.minus(used).toString()}`;
  }

  /** Open legs of an account queued at this instant, not filled yet. */
  private queuedOpens(account: string): Array<{ symbol: string; side: Side; volume: Volume }> {
    return this.pending.flatMap((l) => (l.kind === 'open' && l.account === account ? [{ symbol: l.symbol, side: l.side, volume: l.volume }] : []));
  }

  /** The master's global caps: the largest order, and the most lots of master trades open at once. */
  private masterCaps(symbol: string, volume: Volume): string | undefined {
    const m = this.config.risk?.master;
    if (m?.maxOrderVolume && volume.gt(m.maxOrderVolume)) return `volume ${volume.toString()} is above the master's order cap ${m.maxOrderVolume.toString()}`;
    if (m?.maxOpenVolume) {
      const open = Volume.sum([...this.masterTrades.keys()].map((t) => this.masterVolume(t)));
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
  private gateCopy(time: ServerTime, account: string, ticket: string, symbol: string, side: Side, volume: Volume): Volume | undefined {
    const risk = this.config.risk;
    if (!risk) return volume;
    const acc = this.accounts.get(account)!;
    const skip = (reason: string): undefined => {
      this.emit({ time, kind: 'copy-skipped', account, ticket, symbol, volume, reason });
      return undefined;
    };
    const until = this.paused.get(account);
    if (until) return skip(`paused after a limit breach until the next ${until === 'day' ? 'day' : 'trading week'}`);
    let v = volume;
    const cap = risk.accounts?.get(account)?.maxOpenVolume;
    if (cap) {
      const open = Volume.sum([...acc.positions, ...this.queuedOpens(account)].map((p) => p.volume));
      const grain = this.grain(symbol);
      const room = new Volume(Dec.max(0, cap.value.minus(open.value)).div(grain).floor().times(grain));
      if (v.gt(room)) {
        const minLot = this.instrument(symbol).minLot;
        if (!room.isPositive() || (this.config.policies.roundingMode === 'lot-step' && room.lt(minLot))) return skip(`the account's open-volume cap ${cap.toString()} is reached (${open.toString()} lots open)`);
        this.emit({ time, kind: 'copy-clamped', account, ticket, symbol, volume: room, reason: `cut from ${v.toString()} to ${room.toString()} lots by the account's open-volume cap ${cap.toString()} (${open.toString()} lots open)` });
        v = room;
      }
    }
    const maxLeverage = acc.kind === 'pamm' ? risk.pool?.maxLeverage : undefined;
    if (maxLeverage) {
      const legs = [...acc.positions, ...this.queuedOpens(account), { symbol, volume: v }];
      const notional = legs.reduce((x, p) => x.plus(this.marginUSD(p.symbol, p.volume.value, new Dec(1))), new Dec(0));
      const equity = this.equity(account).value;
      if (!equity.isPositive() || notional.div(equity).gt(maxLeverage)) return skip(`the pool's leverage would be ${equity.isPositive() ? notional.div(equity).toDecimalPlaces(2).toString() : 'unbounded'}:1, above its maximum ${maxLeverage.toString()}:1`);
    }
    const short = this.marginShortfall(acc, symbol, side, v);
    return short ? skip(short) : v;
  }

  /** A flow in or out of an account moves its performance index's units, not its value (and a block part's flow the block's). */
  private riskFlow(account: string, amount: Dec): void {
    const idx = this.indices.get(account);
    if (!idx) return;
    const own = this.equity(account).value;
    idx.flow(amount, own.minus(amount));
    const block = this.indices.get(BLOCK_INDEX);
    const acc = this.accounts.get(account);
    if (!block || !acc || (acc.kind !== 'mam' && acc.kind !== 'pamm')) return;
    // The pool counts in the block only once it has units, which its first deposit buys after this entry.
    const others = this.blockEquity().minus(this.linked().includes(acc) ? own : 0);
    block.flow(amount, others.plus(own).minus(amount));
  }

  /** The block master's equity: every part still in the program, paused or not. */
  private blockEquity(): Dec {
    return this.linked().reduce((x, a) => x.plus(this.equity(a.id).value), new Dec(0));
  }

  /**
   * After every price update in market hours (DOMAIN §9): the master hard stop, then each
   * account's own limits (the manager's, tighter by design), then the broker's margin call and
   * stop-out, and a negative balance left once nothing is open. Accounts with nothing open
   * have nothing a price can move and are skipped.
   */
  private checkRisk(time: ServerTime): void {
    const risk = this.config.risk;
    if (!risk) return;
    this.checkHardStop(time);
    for (const acc of [...this.accounts.values()]) {
      if (acc.kind === 'house') continue;
      // Surely nothing to do at this price (the float screen): what the exact path would do then is only this.
      if (acc.positions.length > 0 && this.surelyQuiet(acc, risk)) {
        this.inMarginCall.delete(acc.id);
        continue;
      }
      // Nothing open, nothing a price can move: only a balance left negative by a forced close (the hard stop's) to settle.
      if (acc.positions.length > 0) {
        // One equity and one used margin per account and price; levels are compared by cross-multiplying (no division).
        const st: MarginPair = { equity: this.equity(acc.id).value, used: this.usedMargin(acc).value };
        const low = this.lowest.get(acc.id);
        if (st.used.isPositive() && !st.used.isZero() && (low === undefined || lowerLevel(st, low))) this.lowest.set(acc.id, st);
        this.checkLimits(time, acc, new Money(st.equity));
        // A limit that acted closed everything: nothing is left for the margin rules.
        if (acc.positions.length > 0) this.checkMargin(time, acc, risk, st);
        else this.inMarginCall.delete(acc.id);
      } else this.inMarginCall.delete(acc.id);
      this.settleNegative(time, acc);
    }
  }

  /**
   * Whether the exact checks below surely do nothing for this account at the current prices: its
   * margin level strictly above the stop-out and margin-call levels and above its lowest so far, no
   * new peak and no loss limit reached, each with room for the floats' error (risk-screen.ts).
   */
  private surelyQuiet(acc: TradingAccount, risk: RiskTerms): boolean {
    if (this.config.exactRisk) return false;
    const low = this.lowest.get(acc.id);
    if (!low) return false;
    const screen = this.screen;
    const equity = screen.equity(acc.id, acc.positions);
    const used = equity && screen.used(acc.positions);
    const level = equity && used && levelRange(equity, used);
    if (!equity || !level) return false;
    const t = (x: Dec): number => screen.term(x);
    if (!surelyAbove(level, t(risk.stopOut)) || !surelyAbove(level, t(risk.marginCall))) return false;
    if (!surelyAbove(level, screen.lowLevel(acc.id, low))) return false;
    // checkLimits acts only on an active MAM account or the pool with an index.
    const idx = this.indices.get(acc.id);
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

  private checkHardStop(time: ServerTime): void {
    const m = this.config.risk!.master;
    if (this.hardStopped || !m || (m.hardStopEquity === undefined && m.hardStopDrawdown === undefined) || this.masterTrades.size === 0) return;
    const signal = this.config.structure === 'signal';
    const equity = signal ? this.equity(SYSTEM_ACCOUNTS.master).value : this.blockEquity();
    // The drawdown (and its peak) only matters with a drawdown stop.
    const drawdown = m.hardStopDrawdown && this.indices.get(signal ? SYSTEM_ACCOUNTS.master : BLOCK_INDEX)!.drawdown(equity);
    let why: string | undefined;
    if (m.hardStopEquity && equity.lt(m.hardStopEquity.value)) why = `master equity ${roundToQuantum(equity, this.q).toString()} is below the hard stop ${m.hardStopEquity.toString()}`;
    else if (m.hardStopDrawdown && drawdown && drawdown.gte(m.hardStopDrawdown)) why = `master drawdown ${pct(drawdown)} reached the hard stop ${pct(m.hardStopDrawdown)}`;
    if (!why) return;
    this.hardStopped = true;
    this.emit({ time, kind: 'hard-stop', account: SYSTEM_ACCOUNTS.master, amount: new Money(roundToQuantum(equity, this.q)), reason: `${why}: every master trade closes, pending orders are cancelled and new trades are blocked` });
    for (const t of [...this.masterTrades.keys()]) this.masterClose(time, t, undefined, 'hard-stop');
    for (const o of [...this.pendingOrders.values()]) {
      this.pendingOrders.delete(o.ticket);
      this.emit({ time, kind: 'order-cancelled', ticket: o.ticket, symbol: o.symbol, price: o.price, reason: `${o.type} at ${o.price.toString()} cancelled by the hard stop` });
    }
    this.flush();
  }

  /** A MAM account's personal limits, or the pool's loss limits; on a breach its positions close, then it detaches or pauses. */
  private checkLimits(time: ServerTime, acc: TradingAccount, equity: Money): void {
    const risk = this.config.risk!;
    const idx = this.indices.get(acc.id);
    if (!idx || !acc.active || (acc.kind !== 'mam' && acc.kind !== 'pamm')) return;
    const breach: { why: string; until?: LimitPeriod } | undefined = acc.kind === 'pamm' ? poolBreach(risk.pool, idx, equity.value) : accountBreach(risk.accounts?.get(acc.id), idx, equity);
    if (!breach) return;
    this.emit({ time, kind: 'limit-breach', account: acc.id, amount: equity, reason: `${breach.why}: the account's positions close` });
    this.closeAll(time, acc, 'risk-limit');
    this.settleSkipped(time, acc.id, new Dec(1));
    if (breach.until) return this.pause(time, acc, breach.until, `the pool copies nothing until the next ${breach.until === 'day' ? 'day' : 'trading week'}`);
    const inv = this.investors.get(acc.id.slice('mam:'.length))!;
    if (this.config.policies.limitBreach === 'pause-until-next-period') return this.pause(time, acc, 'week', 'the account copies nothing until the next trading week (limitBreach: pause-until-next-period)');
    this.detach(time, inv, 'detached after breaching a personal limit (limitBreach: detach)');
  }

  private pause(time: ServerTime, acc: TradingAccount, until: LimitPeriod, why: string): void {
    this.paused.set(acc.id, until);
    this.emit({ time, kind: 'account-paused', account: acc.id, reason: why });
  }

  /** Closes every open position of one account at the current prices. */
  private closeAll(time: ServerTime, acc: TradingAccount, cause: CloseCause): void {
    for (const p of [...acc.positions]) {
      this.masterTrades.get(p.masterTicket)?.excluded.add(acc.id);
      this.queue(time, { kind: 'close', position: p, volume: p.volume, cause });
    }
    this.flush();
    this.retireEmptyBlockTrades(time);
  }

  /** Margin call once per episode below its level; below the stop-out level, the stop-out. */
  private checkMargin(time: ServerTime, acc: TradingAccount, risk: RiskTerms, st: MarginPair): void {
    let now = st;
    if (below(st, risk.stopOut)) {
      const closed = new Map<Position, { volume: Volume; price: Price; profit: Money }>();
      const closes = stopOut({
        level: () => this.marginLevelOf(acc),
        positions: () => acc.positions,
        floating: (p) => this.floating(p),
        close: (p) => {
          const volume = p.volume;
          this.masterTrades.get(p.masterTicket)?.excluded.add(acc.id);
          // A signal master's stop-out is a master close: its followers copy it.
          if (acc.kind === 'master') this.masterClose(time, p.masterTicket, undefined, 'stop-out');
          else this.queue(time, { kind: 'close', position: p, volume: p.volume, cause: 'stop-out' });
          this.flush();
          this.retireEmptyBlockTrades(time);
          // The event reports the fill itself (slippage and all), not the mark before it.
          closed.set(p, { volume, price: this.lastClose.get(p)!.price, profit: this.lastClose.get(p)!.profit });
        },
      }, risk.stopOut);
      for (const c of closes) {
        const at = closed.get(c.position)!;
        this.emit({ time, kind: 'stop-out', account: acc.id, ticket: c.position.masterTicket, symbol: c.position.symbol, volume: at.volume, amount: at.profit, price: at.price, reason: `margin level ${pct100(c.before)} is below the stop-out level ${risk.stopOut.toString()}%: closed the most unprofitable position #${c.position.ticket} (open P&L ${c.floating.toString()}, realized ${at.profit.toString()} at ${at.price.toString()}); level after ${c.after === undefined ? 'none (nothing open)' : pct100(c.after)}` });
      }
      now = { equity: this.equity(acc.id).value, used: this.usedMargin(acc).value };
    }
    if (below(now, risk.marginCall)) {
      if (!this.inMarginCall.has(acc.id)) this.emit({ time, kind: 'margin-call', account: acc.id, amount: new Money(now.equity), reason: `margin level ${pct100(marginLevel(now.equity, now.used)!)} is below the margin-call level ${risk.marginCall.toString()}%` });
      this.inMarginCall.add(acc.id);
    } else this.inMarginCall.delete(acc.id);
  }

  /** Nothing open and a negative balance: the broker absorbs it (`protect`) or the account keeps it (`carry`). */
  private settleNegative(time: ServerTime, acc: TradingAccount): void {
    if (acc.positions.length > 0) return;
    const balance = this.journal.balance(acc.id);
    if (!balance.isNegative()) {
      this.carried.delete(acc.id);
      return;
    }
    if (this.absorbsDeficit(acc.id)) {
      this.journal.post(time, SYSTEM_ACCOUNTS.house, acc.id, balance.neg(), 'negative-balance', acc.id);
      this.emit({ time, kind: 'negative-balance-protected', account: acc.id, amount: balance.neg(), reason: `balance ${balance.toString()} after the forced closes; the broker absorbs it and the balance resets to 0 (${acc.kind === 'pamm' ? 'a pool is always protected' : 'negativeBalance: protect'})` });
      if (acc.kind === 'pamm') this.cancelWorthlessUnits(time);
    } else if (!this.carried.has(acc.id)) {
      this.carried.add(acc.id);
      this.emit({ time, kind: 'negative-balance-carried', account: acc.id, amount: balance.neg(), reason: `balance ${balance.toString()} after the forced closes stays on the account (negativeBalance: carry)` });
    }
  }

  /** Whether the broker absorbs a deficit on this account: under `protect`, and always for the pool, which cannot carry (its deficit would pass to whoever buys units next). */
  private absorbsDeficit(account: string): boolean {
    return this.config.policies.negativeBalance === 'protect' || account === this.config.pool?.id;
  }

  /** A pool wiped out to 0 with nothing open: its units are worth nothing and are cancelled, so new money buys at the initial NAV. */
  private cancelWorthlessUnits(time: ServerTime): void {
    const reg = this.units!;
    if (!reg.total.isPositive()) return;
    for (const id of reg.members()) {
      const u = reg.holding(id);
      if (!u.isPositive()) continue;
      reg.redeem(id, u);
      this.emit({ time, kind: 'units-redeemed', investor: id, account: this.config.pool!.id, amount: Money.zero, units: u, reason: 'the pool was wiped out: its units are worth nothing and are cancelled' });
    }
  }

  /** A new day or trading week: loss limits measure from here; pauses until this boundary end. */
  private startRiskPeriod(time: ServerTime, period: LimitPeriod): void {
    for (const [id, idx] of this.indices) {
      const equity = id === BLOCK_INDEX ? this.blockEquity() : this.equity(id).value;
      idx.startPeriod(equity, 'day');
      if (period === 'week') idx.startPeriod(equity, 'week');
    }
    for (const [id, until] of [...this.paused]) {
      if (until === 'week' && period !== 'week') continue;
      this.paused.delete(id);
      const acc = this.accounts.get(id)!;
      if (!acc.active) continue;
      if (acc.kind === 'mam') this.indices.get(id)!.resetPeak(this.equity(id).value);
      this.emit({ time, kind: 'account-resumed', account: id, reason: `a new ${period === 'week' ? 'trading week' : 'day'}: the account copies the master's new trades again` });
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
    this.flush();
    const out: MarginSnapshot[] = [];
    if (!this.config.risk) return out;
    for (const acc of this.accounts.values()) {
      if (only && !only.has(acc.id)) continue;
      if (acc.kind === 'house' || (acc.kind === 'master' && this.config.structure === 'block')) continue;
      if (acc.kind !== 'master' && acc.kind !== 'client' && !acc.active && acc.positions.length === 0) continue;
      const equity = this.equity(acc.id);
      const used = this.usedMargin(acc);
      out.push({ id: acc.id, kind: acc.kind, equity, used, free: equity.minus(used), level: marginLevel(equity.value, used.value) });
    }
    return out;
  }

  // ---------------------------------------------------------------- views

  /** Every account's balance, equity and open volume (`only`: those accounts). */
  accountSnapshots(only?: ReadonlySet<string>): AccountSnapshot[] {
    this.flush();
    const out: AccountSnapshot[] = [];
    for (const [id, kind] of this.accountKinds) {
      if (only && !only.has(id)) continue;
      const acc = this.accounts.get(id);
      const balance = this.journal.balance(id);
      const floating = acc ? this.floatingOf(acc) : Money.zero;
      const openVolume = acc ? Volume.sum(acc.positions.map((p) => p.volume)) : Volume.zero;
      out.push({ id, kind, balance, equity: balance.plus(floating), floating, openVolume });
    }
    return out;
  }

  /** Every investor's equity, marks and units (`only`: those investors; the pool's split is computed only when one of them is a member). */
  investorSnapshots(only?: ReadonlySet<string>): InvestorSnapshot[] {
    this.flush();
    const chosen = only ? [...this.investors.values()].filter((inv) => only.has(inv.id)) : [...this.investors.values()];
    const values = chosen.some((inv) => inv.model === 'pamm') ? this.memberValues() : new Map<string, Money>();
    return chosen.map((inv) => ({
      id: inv.id, model: inv.model, manager: inv.manager, active: inv.active, detached: inv.detached,
      equity: this.equityOf(inv, values),
      mark: inv.fee.mark,
      resultMark: inv.fee.resultMark,
      units: inv.model === 'pamm' ? this.units!.holding(inv.id) : undefined,
    }));
  }

  openPositions(): Position[] {
    this.flush();
    return [...this.accounts.values()].flatMap((a) => a.positions);
  }

  /** PAMM NAV per unit now, if the program has a pool. */
  nav(): Dec | undefined {
    if (!this.units || !this.config.pool) return undefined;
    return this.units.nav(this.equity(this.config.pool.id));
  }

  poolUnits(): Units | undefined { return this.units?.total; }

  openMasterTickets(): string[] { return [...this.masterTrades.keys()]; }

  accountIds(): string[] { return [...this.accountKinds.keys()]; }
}

/** A fraction as a percent with two decimals, for reasons. */
function pct(x: Dec): string { return `${x.times(100).toDecimalPlaces(2).toString()}%`; }
/** A margin level (already in percent) with two decimals. */
function pct100(x: Dec): string { return `${x.toDecimalPlaces(2).toString()}%`; }

/** The pool's loss limits: the week's first (mandatory), then the day's; what breached and until when it pauses. */
function poolBreach(limits: RiskTerms['pool'], idx: PerformanceIndex, equity: Dec): { why: string; until: LimitPeriod } | undefined {
  if (!limits) return undefined;
  const week = idx.loss(equity, 'week');
  if (week.gte(limits.weeklyLoss)) return { why: `the pool lost ${pct(week)} this week, its weekly loss limit is ${pct(limits.weeklyLoss)}`, until: 'week' };
  if (!limits.dailyLoss) return undefined;
  const day = idx.loss(equity, 'day');
  if (day.gte(limits.dailyLoss)) return { why: `the pool lost ${pct(day)} today, its daily loss limit is ${pct(limits.dailyLoss)}`, until: 'day' };
  return undefined;
}

/** A MAM account's personal limits: drawdown from its peak, minimum balance (on equity), weekly loss. */
function accountBreach(limits: AccountLimits | undefined, idx: PerformanceIndex, equity: Money): { why: string } | undefined {
  if (!limits) return undefined;
  // Each measure is computed only for a limit that is set (the drawdown also moves its peak).
  const dd = limits.maxDrawdown && idx.drawdown(equity.value);
  if (limits.maxDrawdown && dd && dd.gte(limits.maxDrawdown)) return { why: `drawdown ${pct(dd)} reached the account's maximum drawdown ${pct(limits.maxDrawdown)}` };
  if (limits.minBalance && equity.lt(limits.minBalance)) return { why: `equity ${equity.toString()} is below the account's minimum balance ${limits.minBalance.toString()}` };
  if (!limits.weeklyLoss) return undefined;
  const week = idx.loss(equity.value, 'week');
  if (week.gte(limits.weeklyLoss)) return { why: `the account lost ${pct(week)} this week, its weekly loss limit is ${pct(limits.weeklyLoss)}` };
  return undefined;
}

/** An account's equity and used margin at one price: its margin level without the division. */
interface MarginPair {
  readonly equity: Dec;
  readonly used: Dec;
}

/** Margin level below `pct` percent (nothing used: never below): equity × 100 < pct × used. */
function below(st: MarginPair, pct: Dec): boolean {
  return st.used.isPositive() && !st.used.isZero() && st.equity.times(100).lt(pct.times(st.used));
}

/** Whether `a`'s level is lower than `b`'s (both with margin in use): a.e / a.u < b.e / b.u. */
function lowerLevel(a: MarginPair, b: MarginPair): boolean {
  return a.equity.times(b.used).lt(b.equity.times(a.used));
}
