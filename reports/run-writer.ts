// Streams a run into the output contract's CSV files (journal, trades, equity, events,
// executions) and keeps the per-account and per-investor tallies the summary needs.
import type { FeePeriod } from '../engine/policies.js';
import { type Observation, periodReturns } from './periods.js';
import type { ClosedTrade, CostLine, EngineEvent, EngineSink, FeeStatement, RebateLine } from '../engine/events.js';
import type { ExternalOrder } from '../engine/executive.js';
import type { JournalEntry } from '../engine/journal.js';
import type { Program } from '../engine/program.js';
import { SYSTEM_ACCOUNTS } from '../engine/program-state.js';
import { type Quantum, formatQ } from '../engine/quantum.js';
import { type ServerTime, dayOf, endsDay, formatServerTime, serverTime } from '../engine/time.js';
import type { Instrument } from '../engine/instrument.js';
import { Money, type Price, Volume } from '../engine/values.js';
import { Dec } from '../engine/decimal.js';
import { CostReport } from './cost-report.js';
import { type CsvDir, CsvWriter, csvPath, priceCell } from './csv.js';
import type { CashFlow } from './metrics.js';
import { ChartSampler, type HealthPoint, type SampledInvestor, minLevel } from './chart-data.js';
import { MAX_RISK_ROWS, RISK_EVENT_KINDS, type ReportEvent } from './html.js';

export const OUTPUT_COLUMNS = {
  journal: ['seq', 'time', 'from', 'to', 'amount', 'currency', 'reason', 'ref'],
  trades: ['account', 'ticket', 'master_ticket', 'symbol', 'side', 'volume', 'open_time', 'open_price', 'close_time', 'close_price', 'profit', 'ideal_profit', 'commission', 'swap', 'status', 'cause'],
  equity: ['time', 'subject', 'kind', 'balance', 'equity', 'floating', 'open_volume', 'units', 'nav'],
  events: ['seq', 'time', 'kind', 'account', 'investor', 'ticket', 'symbol', 'volume', 'amount', 'units', 'price', 'reason'],
  executions: ['time', 'symbol', 'side', 'volume', 'price', 'legs', 'gross_buy', 'gross_sell', 'house', 'external'],
  statements: ['investor', 'model', 'period', 'from', 'to', 'opening_equity', 'deposits', 'withdrawals', 'high_water_mark', 'gain', 'entry_fees', 'management_fees', 'performance_fees', 'other_fees', 'closing_equity', 'mark_after', 'mark_basis', 'units', 'nav'],
  'fee-account': ['seq', 'time', 'investor', 'reason', 'amount', 'balance'],
  margin: ['time', 'account', 'kind', 'equity', 'used_margin', 'free_margin', 'margin_level', 'lowest_level'],
  periods: ['investor', 'kind', 'period', 'from', 'to', 'opening_equity', 'net_flows', 'closing_equity', 'twr', 'modified_dietz', 'mwr'],
} as const;

export interface AccountTally {
  deposits: Money;
  withdrawals: Money;
  realized: Money;
  feesPaid: Money;
  feesEarned: Money;
  closedVolume: Volume;
  /** Realized rounding money: actual − ideal P&L of closed parts, less the P&L skipped shares missed. */
  rounding: Money;
  /** Profit of every closed deal (analytics). */
  readonly deals: number[];
}

/** How often equity.csv and margin.csv get rows: see RunWriter.snapshot. */
export type EquityRows = 'daily' | 'instant';

/** The server day of a server time (server time is kept as UTC wall time). */

/** A time-weighted return index chain-linked at every flow (float analytics). */
/**
 * A time-weighted return index: each observation links (equity − flows since the last) / the last
 * equity. The link is computed in decimals from the booked amounts, then taken as a double: a
 * stretch where only flows moved the money links exactly 1, so a figure without variation stays
 * exactly without it (no ~1e-16 noise for ratios to divide by; DOMAIN §11).
 */
/**
 * The return index's decimals: 34 significant digits (IEEE decimal128's) leave the 10 reported
 * places exact over any run, at a fraction of the cost of the booking precision (80).
 */
const IndexDec = Dec.clone({ precision: 34 });

export class ReturnIndex {
  /** The index in decimals: what the reported returns are rounded from. */
  exact: Dec = new IndexDec(1);
  /** The same as a double, for the float analytics (drawdown, ratios, charts). */
  index = 1;
  peak = 1;
  maxDrawdown = 0;
  private last = new Dec(0);
  private flow = new Dec(0);
  /**
   * `tolerance`: a change within it is no change. A PAMM member's value is its units × NAV rounded
   * to the quantum, so a flow can move it by a quantum or two with nothing earned or lost: such an
   * index takes 2 quanta (a return within the rounding of its values is exactly 0).
   */
  tolerance = new Dec(0);
  /** Money entering (+) or leaving (−) since the last observation. */
  addFlow(x: Dec): void { this.flow = this.flow.plus(x); }
  /** The return so far, rounded half-up to 10 decimals from the decimal index. */
  get return(): number { return Number(this.exact.minus(1).toDecimalPlaces(10).toString()) || 0; }
  observe(equity: Dec): void {
    if (this.last.isPositive() && !this.last.isZero()) {
      const moved = equity.minus(this.flow);
      if (!moved.minus(this.last).abs().lte(this.tolerance)) {
        this.exact = this.exact.times(moved).div(this.last);
        this.index = this.exact.toNumber();
      }
      this.peak = Math.max(this.peak, this.index);
      this.maxDrawdown = Math.max(this.maxDrawdown, 1 - this.index / this.peak);
    }
    this.last = equity;
    this.flow = new Dec(0);
  }
}

export interface InvestorTally {
  deposits: Money;
  withdrawals: Money;
  /** Performance fees. */
  fees: Money;
  managementFees: Money;
  entryFees: Money;
  /** Subscription and volume fees. */
  otherFees: Money;
  /** Net of fees: every fee, a crystallized one too, lowers it; only deposits, payouts and exits are flows. */
  net: ReturnIndex;
  /** Gross of fees (every fee counts as money leaving): compared with the master for tracking error. */
  gross: ReturnIndex;
  /** The master's return index when this investor was first and last seen in the program. */
  masterAtStart?: number;
  masterAtEnd?: number;
  ended?: boolean;
  /** The net index at the end of each server day of membership (for daily returns). */
  readonly dayEnd: Map<number, number>;
  /** Every observation of the membership: time, equity, net index (period returns, periods.csv). */
  readonly observations: Observation[];
  /** External flows for period returns: deposits +, withdrawals and exits −, exact. */
  readonly moves: Array<{ readonly time: number; readonly amount: Dec }>;
  /** Investor cash flows for the money-weighted return: deposits negative, payouts positive. */
  readonly flows: CashFlow[];
  firstSeen?: number;
  lastSeen?: number;
}

export type { ChartPoint, HealthPoint } from './chart-data.js';

const MAX_NOTABLE = 200;
const NOTABLE = new Set<EngineEvent['kind']>(['order-rejected', 'request-rejected', 'request-queued', 'allocation-skip', 'join', 'deposit', 'withdrawal', 'leave', 'performance-fee', 'management-fee', 'entry-fee', 'positions-copied', 'pool-reallocated']);
/** Risk events: counted per account for the summary and listed in the report's risk section. */
const RISK_EVENTS = new Set<EngineEvent['kind']>(RISK_EVENT_KINDS);

export class RunWriter implements EngineSink {
  readonly accounts = new Map<string, AccountTally>();
  readonly investors = new Map<string, InvestorTally>();
  /** What the report's charts draw, sampled at a regular cadence (halved as it fills up). */
  readonly charts: ChartSampler;
  /** Per account: the lowest level of the instants since the last health point kept. */
  private readonly healthLow = new Map<string, number>();
  /** Risk events in order (bounded), for the report's risk section. */
  readonly riskEvents: ReportEvent[] = [];
  /** Count of risk events by kind and account kind (for the summary). */
  readonly riskCounts = new Map<string, number>();
  private chartEvery = 1;
  private snapshots = 0;
  /** Per account: the lowest margin level drained since its last margin.csv row. */
  private readonly rowLows = new Map<string, Dec>();
  /** Accounts and investors with an event of their own since the last snapshot: they get rows at this instant. */
  private touchedAccounts = new Set<string>();
  private touchedInvestors = new Set<string>();
  private readonly files: { [K in keyof typeof OUTPUT_COLUMNS]: CsvWriter };
  private eventSeq = 0;
  rejections = 0;
  private feeBalance = Money.zero;
  /** What the fee account received, by kind of fee. */
  readonly feesByKind = new Map<string, Money>();
  /** Partner fee shares paid out of the fee account, by receiving IB account. */
  readonly feeShares = new Map<string, Money>();
  private shareInTransit = Money.zero;
  /** Deposits, withdrawals and realized P&L of every account inside, in USD at each entry's moment (summary `totals`). */
  readonly usdTotals = { deposits: Money.zero, withdrawals: Money.zero, realized: Money.zero, unpriced: [] as Array<{ kind: 'deposits' | 'withdrawals' | 'realized'; currency: string; amount: Money }> };
  /** Fee statements for the report (bounded). */
  readonly statementRows: string[][] = [];
  /** The master's return: the master account (signal) or the whole block (block), gross of fees. */
  readonly master = new ReturnIndex();
  /** The master's index at each of its observations (a written run only): the tear sheets draw each investor against it. */
  readonly masterPath: Array<{ readonly time: number; readonly index: number }> = [];
  /** Events a reader of the report wants first (bounded): rejections, skips, flows and fees. */
  readonly notable: ReportEvent[] = [];
  /** costs.csv, rebates.csv and broker.csv. */
  readonly costs: CostReport;

  /** Whether the run writes its files and report (not a sweep job that needs only the summary: no chart, health view or margin rows). */
  private readonly writes: boolean;

  /** `stopOut`: the run's stop-out level in percent (the health chart marks levels below it). */
  constructor(dir: CsvDir, private readonly q: Quantum, private readonly instruments: ReadonlyMap<string, Instrument>, private readonly structure: 'signal' | 'block', private readonly onEvent?: (e: EngineEvent) => void, private readonly rows: EquityRows = 'daily', stopOut?: number) {
    this.writes = dir !== null;
    this.charts = new ChartSampler(stopOut);
    this.costs = new CostReport(dir, q, instruments);
    this.files = {
      journal: new CsvWriter(csvPath(dir, 'journal.csv'), OUTPUT_COLUMNS.journal),
      trades: new CsvWriter(csvPath(dir, 'trades.csv'), OUTPUT_COLUMNS.trades),
      equity: new CsvWriter(csvPath(dir, 'equity.csv'), OUTPUT_COLUMNS.equity),
      events: new CsvWriter(csvPath(dir, 'events.csv'), OUTPUT_COLUMNS.events),
      executions: new CsvWriter(csvPath(dir, 'executions.csv'), OUTPUT_COLUMNS.executions),
      statements: new CsvWriter(csvPath(dir, 'statements.csv'), OUTPUT_COLUMNS.statements),
      'fee-account': new CsvWriter(csvPath(dir, 'fee-account.csv'), OUTPUT_COLUMNS['fee-account']),
      periods: new CsvWriter(csvPath(dir, 'periods.csv'), OUTPUT_COLUMNS.periods),
      margin: new CsvWriter(csvPath(dir, 'margin.csv'), OUTPUT_COLUMNS.margin),
    };
  }

  counts(): Record<string, number> {
    return {
      ...this.costs.counts(),
      journal: this.files.journal.rows, trades: this.files.trades.rows, equity: this.files.equity.rows,
      events: this.files.events.rows, executions: this.files.executions.rows,
      statements: this.files.statements.rows, 'fee-account': this.files['fee-account'].rows,
    };
  }

  private m(x: Money | undefined): string | undefined { return x === undefined ? undefined : formatQ(x.value, this.q); }
  private v(x: Volume | undefined): string | undefined { return x === undefined ? undefined : formatQ(x.value, this.q); }
  /** Prices at the instrument's digits (a mid between two quotes may carry one more). */
  private px(symbol: string | undefined, x: Price | undefined): string | undefined {
    return priceCell(this.instruments, symbol, x);
  }

  account(id: string): AccountTally {
    let t = this.accounts.get(id);
    if (!t) {
      t = { deposits: Money.zero, withdrawals: Money.zero, realized: Money.zero, feesPaid: Money.zero, feesEarned: Money.zero, closedVolume: Volume.zero, rounding: Money.zero, deals: [] };
      this.accounts.set(id, t);
    }
    return t;
  }

  investor(id: string): InvestorTally {
    let t = this.investors.get(id);
    if (!t) {
      t = { deposits: Money.zero, withdrawals: Money.zero, fees: Money.zero, managementFees: Money.zero, entryFees: Money.zero, otherFees: Money.zero, net: new ReturnIndex(), gross: new ReturnIndex(), dayEnd: new Map(), observations: [], moves: [], flows: [] };
      this.investors.set(id, t);
    }
    return t;
  }

  /** Journal listener: every entry is a row, and feeds the per-account tallies. */
  entry(e: JournalEntry): void {
    this.costs.entry(e);
    this.touchedAccounts.add(e.from);
    this.touchedAccounts.add(e.to);
    this.files.journal.row([e.seq, formatServerTime(e.time), e.from, e.to, this.m(e.amount), e.currency, e.reason, e.ref]);
    // Program totals add accounts of every currency: in USD at each entry's moment (DOMAIN §1).
    // An entry in another currency made before any price of its pair is kept by currency and valued at the end's rate.
    const add = (kind: 'deposits' | 'withdrawals' | 'realized', x: Money): void => {
      if (e.currency === 'USD' || e.usd) this.usdTotals[kind] = this.usdTotals[kind].plus(e.usd ?? x);
      else this.usdTotals.unpriced.push({ kind, currency: e.currency, amount: x });
    };
    if (e.reason === 'deposit') { this.account(e.to).deposits = this.account(e.to).deposits.plus(e.amount); add('deposits', e.amount); this.flowOfDay(e, 1); }
    if (e.reason === 'withdrawal') { this.account(e.from).withdrawals = this.account(e.from).withdrawals.plus(e.amount); add('withdrawals', e.amount); this.flowOfDay(e, -1); }
    if (e.reason === 'realized-pnl') add('realized', e.from === SYSTEM_ACCOUNTS.market ? e.amount : e.amount.neg());
    if (e.reason === 'performance-fee' || e.reason === 'management-fee' || e.reason === 'entry-fee' || e.reason === 'subscription-fee' || e.reason === 'volume-fee') {
      // A fee paid across currencies goes through the conversion account: each leg tallies its own side.
      if (e.from !== SYSTEM_ACCOUNTS.conversion) this.account(e.from).feesPaid = this.account(e.from).feesPaid.plus(e.amount);
      if (e.to !== SYSTEM_ACCOUNTS.conversion) this.account(e.to).feesEarned = this.account(e.to).feesEarned.plus(e.amount);
    }
    if (e.to === SYSTEM_ACCOUNTS.fees) this.feesByKind.set(e.reason, (this.feesByKind.get(e.reason) ?? Money.zero).plus(e.amount));
    // Partner fee shares leave the fee account, in the program's currency; one to an IB in another currency
    // is two legs through the conversion account: the first says how much, the second to whom.
    if (e.reason === 'fee-share') {
      if (e.from === SYSTEM_ACCOUNTS.fees && e.to === SYSTEM_ACCOUNTS.conversion) this.shareInTransit = e.amount;
      else {
        const amount = e.from === SYSTEM_ACCOUNTS.conversion ? this.shareInTransit : e.amount;
        this.feeShares.set(e.to, (this.feeShares.get(e.to) ?? Money.zero).plus(amount));
      }
    }
    if (e.to === SYSTEM_ACCOUNTS.fees || e.from === SYSTEM_ACCOUNTS.fees) {
      this.feeBalance = e.to === SYSTEM_ACCOUNTS.fees ? this.feeBalance.plus(e.amount) : this.feeBalance.minus(e.amount);
      const signed = e.to === SYSTEM_ACCOUNTS.fees ? e.amount : e.amount.neg();
      // Rebates and cashback are no investor's: their ref names the trading day.
      const investor = e.reason === 'rebate' || e.reason === 'cashback' ? undefined : e.ref.split('@')[0];
      this.files['fee-account'].row([e.seq, formatServerTime(e.time), investor, e.reason, this.m(signed), this.m(this.feeBalance)]);
    }
  }

  /** Money in (+) and out (−) per server day, in USD, for the overview's flows chart (floats; an amount with no USD rate yet is left out). */
  readonly flowsByDay = new Map<number, { in: number; out: number }>();
  private flowOfDay(e: JournalEntry, sign: 1 | -1): void {
    if (!this.writes) return;
    const usd = e.currency === 'USD' ? e.amount : e.usd;
    if (!usd) return;
    const day = dayOf(e.time);
    const f = this.flowsByDay.get(day) ?? { in: 0, out: 0 };
    if (sign > 0) f.in += Number(usd.value);
    else f.out -= Number(usd.value);
    this.flowsByDay.set(day, f);
  }

  event(e: EngineEvent): void {
    this.onEvent?.(e);
    if (e.account) this.touchedAccounts.add(e.account);
    if (e.investor) this.touchedInvestors.add(e.investor);
    this.files.events.row([
      ++this.eventSeq, formatServerTime(e.time), e.kind, e.account, e.investor, e.ticket, e.symbol,
      this.v(e.volume), this.m(e.amount), e.units ? formatQ(e.units.value, this.q) : undefined, this.px(e.symbol, e.price), e.reason,
    ]);
    if (e.kind.endsWith('-rejected')) this.rejections++;
    if (NOTABLE.has(e.kind) && this.notable.length < MAX_NOTABLE) {
      const subject = [e.investor, e.account, e.ticket].filter(Boolean).join(' · ');
      const amount = e.amount ? ` (${formatQ(e.amount.value, this.q)})` : '';
      this.notable.push({ time: formatServerTime(e.time), kind: e.kind, subject, reason: `${e.reason}${amount}` });
    }
    if (RISK_EVENTS.has(e.kind)) {
      const key = `${e.kind}:${e.account ?? ''}`;
      this.riskCounts.set(key, (this.riskCounts.get(key) ?? 0) + 1);
      if (this.riskEvents.length < MAX_RISK_ROWS) this.riskEvents.push({ time: formatServerTime(e.time), kind: e.kind, subject: [e.investor, e.account, e.ticket].filter(Boolean).join(' · '), reason: e.reason });
    }
    if (e.kind === 'rounding-missed' && e.account && e.amount) this.account(e.account).rounding = this.account(e.account).rounding.minus(e.amount);
    if (e.kind === 'deposit' && e.account === SYSTEM_ACCOUNTS.master && e.amount) this.master.addFlow(e.amount.value);
    if (!e.investor || !e.amount) return;
    const t = this.investor(e.investor);
    const x = Number(e.amount.value);
    const block = this.structure === 'block';
    const d = e.amount.value;
    if (e.kind === 'deposit') { t.deposits = t.deposits.plus(e.amount); t.net.addFlow(d); t.gross.addFlow(d); t.flows.push({ time: e.time, amount: -x }); t.moves.push({ time: e.time, amount: d }); if (block) this.master.addFlow(d); }
    if (e.kind === 'withdrawal') { t.withdrawals = t.withdrawals.plus(e.amount); t.net.addFlow(d.neg()); t.gross.addFlow(d.neg()); t.flows.push({ time: e.time, amount: x }); t.moves.push({ time: e.time, amount: d.neg() }); if (block) this.master.addFlow(d.neg()); }
    // Detaching ends the membership: its equity counts as paid out then (the returns stop there too).
    if (e.kind === 'detach') { t.flows.push({ time: e.time, amount: x }); t.moves.push({ time: e.time, amount: d.neg() }); if (block) this.master.addFlow(d.neg()); }
    if (e.kind === 'performance-fee' || e.kind === 'management-fee' || e.kind === 'entry-fee' || e.kind === 'subscription-fee' || e.kind === 'volume-fee') {
      if (e.kind === 'performance-fee') t.fees = t.fees.plus(e.amount);
      if (e.kind === 'management-fee') t.managementFees = t.managementFees.plus(e.amount);
      if (e.kind === 'entry-fee') t.entryFees = t.entryFees.plus(e.amount);
      if (e.kind === 'subscription-fee' || e.kind === 'volume-fee') t.otherFees = t.otherFees.plus(e.amount);
      t.gross.addFlow(d.neg());
      if (block) this.master.addFlow(d.neg());
      // A fee crystallized on a withdrawal or an exit is a cost like any other fee: net of fees it
      // lowers the return (only the payout leaves the investor), gross of fees it is money leaving.
    }
  }

  trade(t: ClosedTrade): void {
    this.files.trades.row([
      t.account, t.ticket, t.masterTicket, t.symbol, t.side, this.v(t.volume), formatServerTime(t.openTime), this.px(t.symbol, t.openPrice),
      formatServerTime(t.closeTime), this.px(t.symbol, t.closePrice), this.m(t.profit), this.m(t.idealProfit), this.m(t.commission), this.m(t.swap), 'closed', t.cause,
    ]);
    this.costs.trade(t);
    const a = this.account(t.account);
    a.realized = a.realized.plus(t.profit);
    a.deals.push(Number(t.profit.value));
    a.rounding = a.rounding.plus(t.profit).minus(t.idealProfit);
    a.closedVolume = a.closedVolume.plus(t.volume);
  }

  statement(st: FeeStatement): void {
    const cells = [
      st.investor, st.model, st.period, formatServerTime(st.from), formatServerTime(st.to), this.m(st.opening)!, this.m(st.deposits)!, this.m(st.withdrawals)!,
      this.m(st.mark)!, this.m(st.gain)!, this.m(st.entryFees)!, this.m(st.managementFees)!, this.m(st.performanceFees)!, this.m(st.otherFees)!, this.m(st.closing)!,
      st.markAfter ? this.m(st.markAfter)! : '', st.markBasis,
      st.units ? formatQ(st.units.value, this.q) : '', st.nav ? st.nav.toFixed(10) : '',
    ];
    this.files.statements.row(cells);
    if (this.statementRows.length < MAX_NOTABLE) this.statementRows.push(cells);
  }

  cost(c: CostLine): void { this.costs.cost(c); }
  rebate(r: RebateLine): void { this.costs.rebate(r); }

  execution(time: ServerTime, x: ExternalOrder): void {
    this.files.executions.row([formatServerTime(time), x.symbol, x.side, this.v(x.volume), this.px(x.symbol, x.price), x.legs, this.v(x.grossBuy), this.v(x.grossSell), formatQ(x.house, this.q), formatQ(x.external, this.q)]);
  }

  /**
   * After one instant: equity and margin rows and the return indices. Rows and observations are
   * at the first instant, at the last instant of every server day (every account and investor)
   * and at each instant where an account or investor had an event of its own (a fill, a flow, a
   * fee, a join, a leave, a forced close): cost grows with events and investor-days, not with
   * instants × investors. `rows: 'instant'` writes every account and investor after every instant
   * (the observations, and so every figure in summary.json, stay the same).
   */
  snapshot(time: ServerTime, p: Program, next?: ServerTime): void {
    const first = this.snapshots === 0;
    // The report's charts sample instants at their own regular cadence (thinned as they fill up), rows or not.
    const keepForChart = this.snapshots++ % this.chartEvery === 0 && this.writes;
    const dayEnd = first || endsDay(time, next);
    const accountsTouched = this.touchedAccounts;
    const investorsTouched = this.touchedInvestors;
    this.touchedAccounts = new Set();
    this.touchedInvestors = new Set();
    const everyRow = dayEnd || this.rows === 'instant';
    if (!everyRow && !keepForChart && accountsTouched.size === 0 && investorsTouched.size === 0) return;
    const ts = formatServerTime(time);
    const nav = p.nav();
    for (const a of p.accountSnapshots(everyRow ? undefined : accountsTouched)) {
      if (a.kind === 'external' || a.kind === 'market' || a.kind === 'executive') continue;
      if (a.kind === 'master' && p.config.structure === 'block') continue;
      if (a.kind === 'mam' && a.balance.isZero() && a.openVolume.isZero()) continue;
      this.files.equity.row([ts, a.id, a.kind, this.m(a.balance), this.m(a.equity), this.m(a.floating), this.v(a.openVolume), undefined, a.kind === 'pamm' && nav ? nav.toFixed(10) : undefined]);
    }
    // The master's index at day ends and whenever an investor's own event moves money (its window starts and ends there).
    const observeMaster = dayEnd || investorsTouched.size > 0;
    const investors = p.investorSnapshots(everyRow || keepForChart || observeMaster && this.structure === 'block' ? undefined : investorsTouched);
    if (observeMaster) {
      const masterEquity = this.structure === 'signal' ? p.equity(SYSTEM_ACCOUNTS.master).value
        : investors.filter((i) => i.active).reduce((x, i) => x.plus(i.equity.value), new Dec(0));
      this.master.observe(masterEquity);
      if (this.writes) this.masterPath.push({ time, index: this.master.index });
    }
    const sampled: SampledInvestor[] = [];
    for (const i of investors) {
      const observed = dayEnd || investorsTouched.has(i.id);
      const t = this.investor(i.id);
      const e = Number(i.equity.value);
      // Returns stop at the exit: a detached investor's account goes on outside the program.
      // The membership window runs to the first observation after leaving, which holds the exit itself.
      const exitSeen = t.ended === true;
      if (observed) {
        t.masterAtStart ??= this.master.index;
        if (!exitSeen) {
          if (i.model === 'pamm') t.net.tolerance = t.gross.tolerance = this.q.step.times(2);
          t.net.observe(i.equity.value);
          t.gross.observe(i.equity.value);
          t.dayEnd.set(dayOf(time), t.net.index);
          // After a detach the account goes on outside the program: for period returns its money left at the exit.
          t.observations.push({ time, equity: i.detached ? new Dec(0) : i.equity.value, index: t.net.exact });
          t.firstSeen ??= time;
          t.lastSeen = time;
          t.masterAtEnd = this.master.index;
        }
        if (!i.active) t.ended = true;
      }
      // An investor who left gets one last zero row, then none.
      if (!i.active && e === 0 && exitSeen) continue;
      if (everyRow || investorsTouched.has(i.id)) this.files.equity.row([ts, i.id, `investor-${i.model}`, undefined, this.m(i.equity), undefined, undefined, i.units ? formatQ(i.units.value, this.q) : undefined, i.model === 'pamm' && nav ? nav.toFixed(10) : undefined]);
      if (keepForChart) sampled.push({ id: i.id, model: i.model, equity: e, inProgram: i.active && !i.detached });
    }
    const masterEquity = keepForChart && p.config.structure === 'signal' ? Number(p.equity(SYSTEM_ACCOUNTS.master).value) : undefined;
    if (!this.writes) return;
    const lvl = (x: Dec | undefined): string | undefined => (x === undefined ? undefined : x.toFixed(4));
    // The engine keeps each account's lowest level until it is drained: at its rows and at the
    // chart's points. A row shows the lowest since the account's previous row (the drains between
    // folded here), a chart point the lowest since the previous drain.
    const drained = p.drainLowestLevels(everyRow || keepForChart ? undefined : accountsTouched);
    for (const [id, level] of drained) this.rowLows.set(id, this.rowLows.has(id) ? Dec.min(this.rowLows.get(id)!, level) : level);
    const levels: HealthPoint[] = [];
    for (const m of p.marginSnapshots(everyRow || keepForChart ? undefined : accountsTouched)) {
      const low = drained.get(m.id);
      if (everyRow || accountsTouched.has(m.id)) {
        // The row's own instant belongs to the interval: an order opened now shows its level as the lowest.
        const since = this.rowLows.get(m.id);
        const lowest = since === undefined ? m.level : m.level === undefined ? since : Dec.min(since, m.level);
        this.files.margin.row([ts, m.id, m.kind, this.m(m.equity), this.m(m.used), this.m(m.free), lvl(m.level), lvl(lowest)]);
        this.rowLows.delete(m.id);
      }
      // The chart shows the lowest level since the last point (a stop-out's level before its closes); nothing open breaks the line.
      const shown = low ?? m.level;
      const level = minLevel(this.healthLow.get(m.id), shown === undefined ? NaN : Number(shown.toString()));
      if (keepForChart) {
        levels.push({ time, account: m.id, level });
        this.healthLow.delete(m.id);
      } else this.healthLow.set(m.id, level);
    }
    if (!keepForChart) return;
    this.charts.add(time, sampled, masterEquity, levels);
    if (this.charts.full) {
      this.charts.thin();
      this.chartEvery *= 2;
    }
  }

  close(): void {
    for (const f of Object.values(this.files)) f.close();
  }

  /** periods.csv: each investor's calendar months, then its fee periods (`feePeriod`), as reports/periods.ts computes them. */
  writePeriods(feePeriod: FeePeriod): void {
    const ratio = (x: number | null): string => (x === null || !Number.isFinite(x) ? '' : String(Number(x.toFixed(10))));
    for (const [id, t] of this.investors) {
      for (const [kind, period] of [['month', 'monthly'], ['fee-period', feePeriod]] as const) {
        for (const r of periodReturns(period, t.observations, t.moves)) {
          this.files.periods.row([id, kind, r.label, formatServerTime(serverTime(r.from)), formatServerTime(serverTime(r.to)), formatQ(r.opening, this.q), formatQ(r.flows, this.q), formatQ(r.closing, this.q), ratio(r.twr), ratio(r.modifiedDietz), ratio(r.mwr)]);
        }
      }
    }
  }

  /** Closes every file, its own and the cost report's, after a failed run. */
  abandon(): void {
    for (const f of Object.values(this.files)) f.abandon();
    this.costs.abandon();
  }

  /** Open positions at the end of the run, as open rows of trades.csv with their floating profit. */
  writeOpenPositions(p: Program): void {
    for (const pos of p.openPositions()) {
      this.files.trades.row([
        pos.account, pos.ticket, pos.masterTicket, pos.symbol, pos.side, this.v(pos.volume), formatServerTime(pos.openTime), this.px(pos.symbol, pos.openPrice),
        undefined, undefined, this.m(p.floating(pos)), undefined, this.m(pos.commission), this.m(pos.swap), 'open', undefined,
      ]);
    }
  }
}
