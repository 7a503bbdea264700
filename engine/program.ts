// One managed program: master account, MAM sub-accounts, PAMM pool, executive, fee and house
// accounts. Applies an ordered stream of events (quotes, master orders, investor flows, period
// ends) and books every consequence in the journal. Pure: no I/O, no clock, no randomness.
//
// The program is a thin coordinator: each concern lives in a part named after it (see `Parts` in
// program-state.ts), all parts share one ProgramState, and the methods below are the program's
// public face for the runner, the reports and the tests, each handed to the part that owns it.
import { AccountMargin, type MarginSnapshot } from './account-margin.js';
import type { AllocationTerms } from './allocation.js';
import type { AllocationMethod } from './policies.js';
import { Clients } from './clients.js';
import { Dec } from './decimal.js';
import type { CloseCause, EngineSink } from './events.js';
import { Execution } from './execution.js';
import { Fees } from './fees.js';
import type { Side } from './instrument.js';
import { InvestorFlows } from './investor-flows.js';
import type { Journal } from './journal.js';
import { MasterOrders, type OrderOptions } from './master-orders.js';
import type { PendingType } from './orders.js';
import { ACCOUNT_CURRENCY, type InvestmentModel, type Parts, type Position, type ProgramConfig, ProgramState, type Referral } from './program-state.js';
import type { Quote, QuoteBook } from './quotes.js';
import { Resizing } from './resizing.js';
import { RiskChecks } from './risk-checks.js';
import { FLOW_REASONS, RiskLimits } from './risk-limits.js';
import { Statements } from './statements.js';
import type { Weekday } from './swap.js';
import type { ServerTime } from './time.js';
import { TradeCosts } from './trade-costs.js';
import { type PriceMove, Triggers } from './triggers.js';
import { Valuation } from './valuation.js';
import type { Money, Price, Units, Volume } from './values.js';
import { type AccountSnapshot, type InvestorSnapshot, type MasterTradeView, Views } from './views.js';

export class Program {
  readonly journal: Journal;
  readonly quotes: QuoteBook;
  private readonly p: Parts;
  private readonly s: ProgramState;

  constructor(readonly config: ProgramConfig, sink: EngineSink) {
    const s = new ProgramState(config, sink);
    this.s = s;
    this.journal = s.journal;
    this.quotes = s.quotes;
    // Every part gets this record and reaches the others through it; none calls another while being built.
    const p = {} as { -readonly [K in keyof Parts]: Parts[K] };
    p.valuation = new Valuation(s);
    p.triggers = new Triggers(s, p);
    p.execution = new Execution(s, p);
    p.costs = new TradeCosts(s, p);
    p.orders = new MasterOrders(s, p);
    p.flows = new InvestorFlows(s, p);
    p.resizing = new Resizing(s, p);
    p.fees = new Fees(s, p);
    p.statements = new Statements(s, p);
    p.clients = new Clients(s, p);
    p.margin = new AccountMargin(s, p);
    p.limits = new RiskLimits(s, p);
    p.risk = new RiskChecks(s, p);
    p.views = new Views(s, p);
    this.p = p;
    // Limits measure performance net of flows: every deposit, withdrawal and fee moves an index's units, not its value.
    if (config.risk) {
      // Any entry moves a balance the risk rules read (risk-checks.ts): they hear of it before it does.
      s.journal.beforeEntry(() => p.risk.touched());
      s.journal.onEntry((e) => {
        if (!FLOW_REASONS.has(e.reason)) return;
        p.limits.riskFlow(e.to, e.amount.value);
        p.limits.riskFlow(e.from, e.amount.value.neg());
      });
    }
  }

  // Quotes and triggers (triggers.ts); the current instant executes (execution.ts). Every other
  // method that changes the program tells the risk checks (risk-checks.ts `touched`), so the next
  // price checks every account, not only those holding what it moved.

  onQuote(symbol: string, quote: Quote, move: PriceMove = { continuous: false }): void { this.p.triggers.onQuote(symbol, quote, move); this.settled(quote.time); }
  flush(): void {
    const time = this.p.execution.flush();
    if (time !== undefined) this.settled(time);
  }

  /**
   * After anything that can leave the pool with nothing open (a close, a trigger, a stop-out, a
   * flow, a fee): deposits held out of its trades (`pammDeposit: no-action`) buy their units now.
   */
  private settled(time: ServerTime): void { this.p.flows.admitHeld(time); }

  // Master orders (master-orders.ts)

  masterOpen(time: ServerTime, ticket: string, symbol: string, side: Side, volume: Volume | undefined, opts: OrderOptions & { readonly checkLevels?: boolean } = {}): void { this.p.risk.touched(); this.p.orders.masterOpen(time, ticket, symbol, side, volume, opts); }
  placePending(time: ServerTime, ticket: string, symbol: string, type: PendingType, price: Price, volume: Volume | undefined, opts: OrderOptions = {}): void { this.p.risk.touched(); this.p.orders.placePending(time, ticket, symbol, type, price, volume, opts); }
  modifyOrder(time: ServerTime, ticket: string, change: { price?: Price; sl?: Price | null; tp?: Price | null }): void { this.p.risk.touched(); this.p.orders.modifyOrder(time, ticket, change); }
  cancelOrder(time: ServerTime, ticket: string): void { this.p.risk.touched(); this.p.orders.cancelOrder(time, ticket); }
  masterClose(time: ServerTime, ticket: string, volume?: Volume, cause: CloseCause = 'master-close'): void { this.p.risk.touched(); this.p.orders.masterClose(time, ticket, volume, cause); this.settled(time); }
  rejectMasterOrder(time: ServerTime, ticket: string, symbol: string | undefined, reason: string): void { this.p.risk.touched(); this.p.orders.rejectMasterOrder(time, ticket, symbol, reason); }
  changeAllocation(time: ServerTime, method: AllocationMethod): void { this.p.risk.touched(); this.p.orders.changeAllocation(time, method); }
  /** The allocation method in force. */
  get allocation(): AllocationMethod { return this.s.allocation; }

  // Investor flows (investor-flows.ts)

  fundMaster(time: ServerTime, amount: Money): void { this.p.risk.touched(); this.p.flows.fundMaster(time, amount); }
  requestPlaced(time: ServerTime, investor: string, what: string, executesAt: ServerTime, why: string): void { this.p.flows.requestPlaced(time, investor, what, executesAt, why); }
  requestExecuted(time: ServerTime, investor: string, what: string, requestedAt: ServerTime): void { this.p.flows.requestExecuted(time, investor, what, requestedAt); }
  requestExpired(time: ServerTime, investor: string, what: string, executesAt: string): void { this.p.flows.requestExpired(time, investor, what, executesAt); }
  join(time: ServerTime, id: string, model: InvestmentModel, amount: Money, manager: boolean, terms: AllocationTerms = {}, referral: Referral = {}): void { this.p.risk.touched(); this.p.flows.join(time, id, model, amount, manager, terms, referral); }
  deposit(time: ServerTime, id: string, amount: Money): void { this.p.risk.touched(); this.p.flows.deposit(time, id, amount); }
  withdraw(time: ServerTime, id: string, amount: Money): void { this.p.risk.touched(); this.p.flows.withdraw(time, id, amount); this.settled(time); }
  leave(time: ServerTime, id: string): void { this.p.risk.touched(); this.p.flows.leave(time, id); this.settled(time); }
  minimumMamInvestment(): Money | undefined { return this.p.flows.minimumMamInvestment(); }

  // Fee periods and terms (fees.ts)

  periodEnd(time: ServerTime, label: string): void { this.p.risk.touched(); this.p.fees.periodEnd(time, label); this.settled(time); }
  accrueManagementFees(fraction: Dec): void { this.p.risk.touched(); this.p.fees.accrueManagementFees(fraction); }
  chargeManagementFees(time: ServerTime, label: string): void { this.p.risk.touched(); this.p.fees.chargeManagementFees(time, label); this.settled(time); }
  changeTerms(time: ServerTime, change: { performanceFee?: Dec; managementFee?: Dec }): void { this.p.risk.touched(); this.p.fees.changeTerms(time, change); }

  // Self-trading clients (clients.ts)

  openClient(time: ServerTime, id: string, deposit: Money, referral: Referral): void { this.p.risk.touched(); this.p.clients.openClient(time, id, deposit, referral); }
  clientOpen(time: ServerTime, client: string, ticket: string, symbol: string, side: Side, volume: Volume): void { this.p.risk.touched(); this.p.clients.clientOpen(time, client, ticket, symbol, side, volume); }
  clientClose(time: ServerTime, client: string, ticket: string): void { this.p.risk.touched(); this.p.clients.clientClose(time, client, ticket); }

  // Rollover and the end of the run (trade-costs.ts)

  rollover(time: ServerTime, day: Weekday, label: string): void { this.p.risk.touched(); this.p.costs.rollover(time, day, label); this.settled(time); }
  endOfRun(time: ServerTime, label: string): void {
    this.p.risk.touched();
    this.p.costs.endOfRun(time, label);
    this.settled(time);
    this.p.flows.expireHeld(time);
  }

  // Valuation (valuation.ts)

  floating(p: Position): Money { return this.p.valuation.floating(p); }
  equity(accountId: string): Money { return this.p.valuation.equity(accountId); }
  /** The currency an account holds (DOMAIN §1; USD for the clearing accounts, whose other currencies `journal.balanceIn` reads). */
  currencyOf(accountId: string): string { return this.s.currencyOf(accountId); }
  /** Whether some account holds another currency than USD. */
  get multiCurrency(): boolean { return this.s.multiCurrency; }
  /** The mid rate of the moment from one currency to another, exact (1 EUR in USD at EURUSD's mid). */
  rate(from: string, to: string): Dec { return from === to ? new Dec(1) : this.quotes.exact(new Dec(1), this.s.conversion(from, to)); }
  /** Per investor, fees owed but not charged at `time`: the management fee accrued and the performance fee if its period ended then (read-only). */
  pendingFees(time: ServerTime): Map<string, { management: Money; performance: Money }> {
    this.p.execution.flush();
    const values = this.p.valuation.memberValues();
    const out = new Map<string, { management: Money; performance: Money }>();
    for (const inv of this.s.investors.values()) out.set(inv.id, this.p.fees.pendingFees(inv, time, values));
    return out;
  }
  /** Whether every pair converting `from` into `to` has a price yet. */
  priced(from: string, to: string): boolean { return this.s.priced(from, to); }
  /** Money in `from` as money in `to` at the mid of the moment, rounded half-up to the quantum. */
  convert(amount: Money, from: string, to: string): Money { return this.s.convert(amount.value, from, to); }
  /** Money in `from` as USD at the mid of the moment, rounded half-up to the quantum. */
  toUsd(amount: Money, from: string): Money { return this.s.convert(amount.value, from, ACCOUNT_CURRENCY); }
  investorEquity(id: string): Money { return this.p.valuation.investorEquity(id); }
  masterVolume(masterTicket: string): Volume { return this.p.valuation.masterVolume(masterTicket); }
  masterExposure(symbol: string): Dec { return this.p.valuation.masterExposure(symbol); }
  /** Signed volume the house holds in a symbol as the executive's residual (buy positive). */
  houseExposure(symbol: string): Dec { this.p.execution.flush(); return this.p.execution.houseExposure(symbol); }

  // Margin (account-margin.ts)

  drainLowestLevels(only?: ReadonlySet<string>): Map<string, Dec> { this.p.risk.touched(); return this.p.margin.drainLowestLevels(only); }
  marginSnapshots(only?: ReadonlySet<string>): MarginSnapshot[] { return this.p.margin.marginSnapshots(only); }

  // Views (views.ts)

  accountSnapshots(only?: ReadonlySet<string>): AccountSnapshot[] { return this.p.views.accountSnapshots(only); }
  investorSnapshots(only?: ReadonlySet<string>): InvestorSnapshot[] { return this.p.views.investorSnapshots(only); }
  openPositions(): Position[] { return this.p.views.openPositions(); }
  openRounding(): Map<string, Money> { return this.p.views.openRounding(); }
  nav(): Dec | undefined { return this.p.views.nav(); }
  poolUnits(): Units | undefined { return this.p.views.poolUnits(); }
  openMasterTickets(): string[] { return this.p.views.openMasterTickets(); }
  masterTrades(): MasterTradeView[] { return this.p.views.masterTrades(); }
  /** The open volume per master ticket as the engine keeps it (program-state.ts); invariants.ts recomputes it from the positions. */
  ticketVolumes(): ReadonlyMap<string, Dec> { this.p.execution.flush(); return this.s.openVolumeByTicket; }
  /** Signed open volume per symbol through the executive account as the engine keeps it (program-state.ts); invariants.ts recomputes it. */
  executiveExposure(): ReadonlyMap<string, Dec> { this.p.execution.flush(); return this.s.clientExposure; }
  accountIds(): string[] { return this.p.views.accountIds(); }
}
