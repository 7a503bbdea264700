// The invariants checked after every event in tests (DESIGN "the journal is the truth"):
// double entry, conservation of money against independent tallies, equity = balance +
// open P&L, PAMM members' values summing to pool equity, and units × NAV = pool equity.
// When the caller checks after every event (ConservationTally's `everyEvent`), each event is
// also compared with the state just before it: no performance fee beyond the gain above the
// mark, deposits raise the mark by what stays invested, and a master trade's parts sum to it.
import { Dec } from './decimal.js';
import type { ClosedTrade, CostLine, EngineEvent, EngineSink, FeeStatement, RebateLine } from './events.js';
import type { ExternalOrder } from './executive.js';
import { sideSign } from './instrument.js';
import type { JournalEntry } from './journal.js';
import type { Program } from './program.js';
import { SYSTEM_ACCOUNTS } from './program-state.js';
import type { AccountSnapshot, InvestorSnapshot } from './views.js';
import type { ServerTime } from './time.js';
import { Money } from './values.js';

/** Tallies money entering and leaving from the sink's view (events and closed trades), not the journal's. */
export class ConservationTally implements EngineSink {
  deposits = Money.zero;
  withdrawals = Money.zero;
  realized = Money.zero;
  /** Deposits − withdrawals + realized P&L per account, each in that account's currency (summed per currency by the check). */
  readonly net = new Map<string, Dec>();
  /** The checks of one event against the state before it; only when the caller checks after every event. */
  readonly perEvent?: EventChecks;
  constructor(private readonly inner?: EngineSink, everyEvent?: EveryEventTerms) {
    if (everyEvent) this.perEvent = new EventChecks(everyEvent);
  }
  event(e: EngineEvent): void {
    if (e.kind === 'deposit' && e.amount) { this.deposits = this.deposits.plus(e.amount); this.add(e.account, e.amount.value); }
    if (e.kind === 'withdrawal' && e.amount) { this.withdrawals = this.withdrawals.plus(e.amount); this.add(e.account, e.amount.value.neg()); }
    this.perEvent?.events.push(e);
    this.inner?.event(e);
  }
  trade(t: ClosedTrade): void {
    this.realized = this.realized.plus(t.profit);
    this.add(t.account, t.profit.value);
    this.perEvent?.trades.push(t);
    this.inner?.trade(t);
  }
  private add(account: string | undefined, x: Dec): void {
    const id = account ?? '';
    this.net.set(id, (this.net.get(id) ?? new Dec(0)).plus(x));
  }
  execution(time: ServerTime, x: ExternalOrder): void { this.inner?.execution(time, x); }
  statement(s: FeeStatement): void { this.inner?.statement?.(s); }
  cost(c: CostLine): void { this.inner?.cost?.(c); }
  rebate(r: RebateLine): void { this.inner?.rebate?.(r); }
}

/** Returns the broken invariants (empty when all hold). */
export function checkInvariants(p: Program, tally: ConservationTally, entries?: readonly JournalEntry[]): string[] {
  const broken: string[] = [];
  for (const [ccy, sum] of p.journal.totals()) if (!sum.isZero()) broken.push(`double entry: journal sums to ${sum.toString()} ${ccy}`);
  // Taken first: the snapshot flushes queued fills, whose closed trades the event checks read.
  const accounts = p.accountSnapshots();
  const investors = p.investorSnapshots();
  // Per currency (DOMAIN §1): what every account inside holds is what came in from outside and from the market in it.
  const expectedIn = new Map<string, Dec>();
  for (const [account, x] of tally.net) {
    const ccy = p.journal.currencyOf(account || SYSTEM_ACCOUNTS.master);
    expectedIn.set(ccy, (expectedIn.get(ccy) ?? new Dec(0)).plus(x));
  }
  for (const ccy of new Set([...p.journal.currenciesUsed(), ...expectedIn.keys()])) {
    const held = p.journal.balanceIn(SYSTEM_ACCOUNTS.external, ccy).plus(p.journal.balanceIn(SYSTEM_ACCOUNTS.market, ccy)).neg();
    const expected = new Money(expectedIn.get(ccy) ?? new Dec(0));
    if (!held.eq(expected)) broken.push(`conservation: balances ${held.toString()} ${ccy} ≠ deposits − withdrawals + realized P&L ${expected.toString()} ${ccy}`);
  }
  const byTicket = new Map<string, Dec>();
  const kindOf = new Map(accounts.map((a) => [a.id, a.kind]));
  const exposure = new Map<string, Dec>();
  for (const pos of p.openPositions()) {
    if (!pos.volume.isPositive()) broken.push(`position ${pos.ticket} has volume ${pos.volume.toString()}`);
    byTicket.set(pos.masterTicket, (byTicket.get(pos.masterTicket) ?? new Dec(0)).plus(pos.volume.value));
    const kind = kindOf.get(pos.account);
    if (kind !== 'house' && kind !== 'client') exposure.set(pos.symbol, (exposure.get(pos.symbol) ?? new Dec(0)).plus(pos.volume.value.times(sideSign(pos.side))));
  }
  // The kept exposure through the executive account is the positions' signed sum, symbol by symbol.
  const keptExposure = p.executiveExposure();
  for (const symbol of new Set([...exposure.keys(), ...keptExposure.keys()])) {
    const sum = exposure.get(symbol) ?? new Dec(0), kept = keptExposure.get(symbol) ?? new Dec(0);
    if (!sum.eq(kept)) broken.push(`executive exposure in ${symbol}: kept ${kept.toString()}, the positions sum to ${sum.toString()}`);
  }
  // The kept index of open volume per master ticket is the sum over the positions, ticket for ticket.
  const kept = p.ticketVolumes();
  for (const ticket of new Set([...byTicket.keys(), ...kept.keys()])) {
    const sum = byTicket.get(ticket) ?? new Dec(0), index = kept.get(ticket) ?? new Dec(0);
    if (!sum.eq(index)) broken.push(`open volume of ${ticket}: the index holds ${index.toString()}, the positions sum to ${sum.toString()}`);
  }
  if (entries) {
    const recomputed = new Map<string, Dec>();
    const key = (id: string, ccy: string): string => `${id}\u0000${ccy}`;
    for (const e of entries) {
      recomputed.set(key(e.from, e.currency), (recomputed.get(key(e.from, e.currency)) ?? new Dec(0)).minus(e.amount.value));
      recomputed.set(key(e.to, e.currency), (recomputed.get(key(e.to, e.currency)) ?? new Dec(0)).plus(e.amount.value));
    }
    for (const a of accounts) {
      for (const ccy of p.journal.isClearing(a.id) ? p.journal.currenciesUsed() : [p.journal.currencyOf(a.id)]) {
        const r = recomputed.get(key(a.id, ccy)) ?? new Dec(0);
        const b = p.journal.balanceIn(a.id, ccy);
        if (!r.eq(b.value)) broken.push(`balance of ${a.id} ${b.toString()} ${ccy} ≠ sum of its entries ${r.toString()}`);
      }
    }
  }
  const pool = p.config.pool;
  if (pool) {
    const poolEquity = p.equity(pool.id);
    const members = investors.filter((i) => i.model === 'pamm' && i.active);
    const sumValues = Money.sum(members.map((m) => m.equity));
    const units = p.poolUnits()!;
    if (units.isPositive() && !sumValues.eq(poolEquity)) broken.push(`pamm: members' values ${sumValues.toString()} ≠ pool equity ${poolEquity.toString()}`);
    const sumUnits = members.reduce((s, m) => s.plus(m.units!.value), new Dec(0));
    if (!sumUnits.eq(units.value)) broken.push(`pamm: members' units ${sumUnits.toString()} ≠ units outstanding ${units.toString()}`);
    if (units.isPositive()) {
      const nav = p.nav()!;
      const diff = nav.times(units.value).minus(poolEquity.value).abs();
      if (diff.gt(new Dec('1e-60'))) broken.push(`pamm: units × NAV differs from pool equity by ${diff.toString()}`);
    } else if (!poolEquity.isZero() && members.length === 0 && p.openPositions().some((x) => x.account === pool.id)) {
      broken.push('pamm: the pool holds positions with no units outstanding');
    }
  }
  if (tally.perEvent) broken.push(...tally.perEvent.check(p, accounts, investors));
  return broken;
}

/** What the checks of one event against the state before it need from the scenario. */
export interface EveryEventTerms {
  /**
   * The highest performance-fee rate the program ever has (its own and every term change's):
   * a fee is bounded by it whichever rate an investor is on (the manager's own capital pays none).
   */
  readonly maxPerformanceRate: Dec;
}

/** An investor's money flows as the events tell them, apart from the engine's fee state. */
interface Ledger {
  /** Deposits less entry fees: what went into the program. */
  invested: Dec;
  /** What was paid out to the investor (withdrawals net of fees taken from them). */
  paid: Dec;
  /** Performance fees charged. */
  performance: Dec;
  /** The highest cumulative result (assessed equity + paid + performance fees − invested) seen at any check or fee. */
  high: Dec;
}

/** One investor just before an event, as the last check saw it. */
interface Before {
  readonly assessed: Dec;
  readonly mark: Dec;
  readonly resultMark: Dec;
}

const MASTER_CLOSE_CAUSES = new Set(['master-close', 'stop-loss', 'take-profit', 'hard-stop']);

/**
 * The checks that compare what one event did with the state just before it. They hold only
 * when checked after every event (a check after several events would see, say, a deposit and
 * a fee together), so a caller opts in with `ConservationTally`'s `everyEvent`.
 *
 * - **No fee below the mark** (DOMAIN §7): a performance fee needs a gain above the investor's
 *   mark and is at most the highest rate × that gain. The gain is measured by this check, not
 *   taken from the engine's fee state: the equity assessed per `floatingPnl` from the account
 *   snapshots (a pool member's open P&L is its units' share of the pool's), against the mark
 *   before the event (equity basis), or the cumulative result gross of performance fees
 *   recomputed from the deposit, entry-fee, withdrawal and fee events against the result mark
 *   (cumulative-profit basis). On a full exit everything the leaver had is realized, so the
 *   equity at the fee is what it was paid plus the fee; otherwise an event may close positions
 *   before the fee (a stop-out then a detach), so the equity at the fee is bounded by the larger
 *   of the state before and the state after with the fee and the payout added back.
 * - On the cumulative-profit basis the fees of a whole life never exceed the highest rate × the
 *   highest cumulative result: flows cannot move the result, so they cannot make a fee.
 * - A deposit raises the equity mark by what stays invested (less the entry fee) and leaves the
 *   result mark alone: new money is never charged as profit.
 * - Parts sum to the whole: a master trade's opened parts are its volume (a block's parts, or a
 *   signal master's own position), and a master close retires exactly the volume closed.
 */
export class EventChecks {
  readonly events: EngineEvent[] = [];
  readonly trades: ClosedTrade[] = [];
  private readonly ledgers = new Map<string, Ledger>();
  private before = new Map<string, Before>();

  constructor(readonly terms: EveryEventTerms) {}

  private ledger(id: string): Ledger {
    let l = this.ledgers.get(id);
    if (!l) this.ledgers.set(id, (l = { invested: new Dec(0), paid: new Dec(0), performance: new Dec(0), high: new Dec(0) }));
    return l;
  }

  check(p: Program, accounts: readonly AccountSnapshot[], investors: readonly InvestorSnapshot[]): string[] {
    const broken: string[] = [];
    const q = p.config.quantum.step;
    // Fees round half-up to the quantum, a pro-rata fee twice, and a pool member's value and open P&L are split to it.
    const slack = q.times(4);
    const policy = p.config.policies.performanceFee;
    const floatingOf = this.floatingByInvestor(p, accounts, investors);
    const assess = (equity: Dec, floating: Dec): Dec =>
      policy.floatingPnl === 'all' ? equity : policy.floatingPnl === 'none' ? equity.minus(floating) : equity.minus(Dec.max(floating, 0));

    // What this event did, per investor.
    const did = new Map<string, { deposits: Dec; entry: Dec; paid: Dec; performance: Dec; other: boolean; left: boolean; capped: boolean }>();
    const of = (id: string) => {
      let d = did.get(id);
      if (!d) did.set(id, (d = { deposits: new Dec(0), entry: new Dec(0), paid: new Dec(0), performance: new Dec(0), other: false, left: false, capped: false }));
      return d;
    };
    for (const e of this.events) {
      if (!e.investor) continue;
      const amount = e.amount?.value ?? new Dec(0);
      if (e.kind === 'deposit') of(e.investor).deposits = of(e.investor).deposits.plus(amount);
      else if (e.kind === 'entry-fee') of(e.investor).entry = of(e.investor).entry.plus(amount);
      else if (e.kind === 'withdrawal') {
        of(e.investor).paid = of(e.investor).paid.plus(amount);
        of(e.investor).other = true;
      } else if (e.kind === 'performance-fee') {
        of(e.investor).performance = of(e.investor).performance.plus(amount);
        of(e.investor).other = true;
      } else if (e.kind === 'leave' || e.kind === 'detach') {
        of(e.investor).other = true;
        if (e.kind === 'leave') of(e.investor).left = true;
      } else if (e.kind === 'withdrawal-capped') of(e.investor).capped = true;
    }

    const next = new Map<string, Before>();
    for (const inv of investors) {
      const l = this.ledger(inv.id);
      const prior = { paid: l.paid, performance: l.performance, invested: l.invested };
      const d = did.get(inv.id);
      if (d) {
        l.invested = l.invested.plus(d.deposits).minus(d.entry);
        l.paid = l.paid.plus(d.paid);
        l.performance = l.performance.plus(d.performance);
      }
      const floating = floatingOf.get(inv.id) ?? new Dec(0);
      const assessed = assess(inv.equity.value, floating);
      const b = this.before.get(inv.id);
      const mark = b?.mark ?? new Dec(0);
      const resultMark = b?.resultMark ?? new Dec(0);
      // Gross of performance fees: equity + paid out + performance fees − invested, on ledgers before or after this event.
      const resultBefore = (equity: Dec) => equity.plus(prior.paid).plus(prior.performance).minus(prior.invested);
      const result = assessed.plus(l.paid).plus(l.performance).minus(l.invested);
      if (b) l.high = Dec.max(l.high, resultBefore(b.assessed));
      l.high = Dec.max(l.high, result);

      if (d && d.performance.isPositive() && !d.performance.isZero()) {
        // The assessed equity when the fee was taken: the state after with the fee and payout added back, exactly so on
        // a full exit (the leaver's share of every position has closed: all it had is realized, paid out or charged);
        // else it may be the state before (a fee taken before positions close for it), whichever is larger.
        const after = Dec.max(inv.equity.value, assessed).plus(d.performance).plus(d.paid);
        const exit = d.left && !d.capped;
        const atFee = b && !exit ? Dec.max(b.assessed, after) : after;
        const rate = inv.manager ? new Dec(0) : this.terms.maxPerformanceRate;
        const gain = policy.hwmBasis === 'equity' ? atFee.minus(mark) : resultBefore(atFee).minus(resultMark);
        l.high = Dec.max(l.high, resultBefore(atFee));
        const basis = policy.hwmBasis === 'equity' ? `equity ${atFee.toString()} over the mark ${mark.toString()}` : `cumulative result ${resultBefore(atFee).toString()} over the result mark ${resultMark.toString()}`;
        // This check's own measure may be a few quanta off the engine's (split member values): the gain is at most `gain + slack`.
        const most = gain.plus(slack);
        if (!most.isPositive() || most.isZero()) broken.push(`no fee below the mark: ${inv.id} paid a performance fee of ${d.performance.toString()} with no gain above its mark (at most ${basis})`);
        else if (d.performance.gt(rate.times(most).plus(q))) broken.push(`no fee below the mark: ${inv.id} paid a performance fee of ${d.performance.toString()}, more than ${rate.toString()} × the gain of at most ${most.toString()} (${basis})`);
      }
      // The whole life's fees change only with a fee, so it is judged at fees (once per breach, not after every later event).
      if (policy.hwmBasis === 'cumulative-profit' && !inv.manager && d && d.performance.isPositive()) {
        const cap = this.terms.maxPerformanceRate.times(Dec.max(l.high, 0));
        if (l.performance.gt(cap.plus(slack))) broken.push(`no fee below the mark: ${inv.id} has paid performance fees of ${l.performance.toString()} in all, more than ${this.terms.maxPerformanceRate.toString()} × its highest cumulative result ${l.high.toString()}`);
      }
      if (d && !d.other && d.deposits.isPositive() && !d.deposits.isZero()) {
        const raised = inv.mark.value.minus(mark);
        const kept = d.deposits.minus(d.entry);
        if (!raised.eq(kept)) broken.push(`deposit mark: ${inv.id} deposited ${kept.toString()} net of entry fees but its mark moved by ${raised.toString()}`);
        if (!inv.resultMark.value.eq(resultMark)) broken.push(`deposit mark: a deposit of ${inv.id} moved its result mark from ${resultMark.toString()} to ${inv.resultMark.toString()}`);
      }
      next.set(inv.id, { assessed, mark: inv.mark.value, resultMark: inv.resultMark.value });
    }
    this.before = next;

    broken.push(...this.partsSum(p));
    this.events.length = 0;
    this.trades.length = 0;
    return broken;
  }

  /** Each investor's open P&L: its sub-account's, or its units' share of the pool's. */
  private floatingByInvestor(p: Program, accounts: readonly AccountSnapshot[], investors: readonly InvestorSnapshot[]): Map<string, Dec> {
    const byAccount = new Map(accounts.map((a) => [a.id, a.floating.value]));
    const pool = p.config.pool;
    const units = p.poolUnits();
    const out = new Map<string, Dec>();
    for (const inv of investors) {
      if (inv.model === 'mam') out.set(inv.id, byAccount.get(`mam:${inv.id}`) ?? new Dec(0));
      else if (pool && units && units.isPositive() && inv.units) out.set(inv.id, (byAccount.get(pool.id) ?? new Dec(0)).times(inv.units.value).div(units.value));
    }
    return out;
  }

  /** A master trade's opened parts are its volume; a master close retires exactly the volume closed. */
  private partsSum(p: Program): string[] {
    const broken: string[] = [];
    const block = p.config.structure === 'block';
    const mine = (account: string): boolean => (block ? account !== SYSTEM_ACCOUNTS.house : account === SYSTEM_ACCOUNTS.master);
    // A stop-out closes single parts with the master's own cause; the sums are then not one close's.
    if (this.events.some((e) => e.kind === 'stop-out')) return broken;
    const closedNow = new Set(this.trades.map((t) => t.masterTicket));
    const opened = new Map<string, Dec>();
    const closed = new Map<string, Dec>();
    for (const e of this.events) {
      if (!e.ticket || !e.volume) continue;
      if (e.kind === 'master-open') opened.set(e.ticket, (opened.get(e.ticket) ?? new Dec(0)).plus(e.volume.value));
      if (e.kind === 'master-close') closed.set(e.ticket, (closed.get(e.ticket) ?? new Dec(0)).plus(e.volume.value));
    }
    if (opened.size > 0) {
      const held = new Map<string, Dec>();
      for (const pos of p.openPositions()) if (opened.has(pos.masterTicket) && mine(pos.account)) held.set(pos.masterTicket, (held.get(pos.masterTicket) ?? new Dec(0)).plus(pos.volume.value));
      for (const [ticket, v] of opened) {
        if (closedNow.has(ticket)) continue;
        const h = held.get(ticket) ?? new Dec(0);
        if (!h.eq(v)) broken.push(`parts sum to the whole: master trade ${ticket} opened ${v.toString()} lots but its ${block ? 'parts hold' : 'master position holds'} ${h.toString()}`);
      }
    }
    for (const [ticket, v] of closed) {
      const retired = this.trades.filter((t) => t.masterTicket === ticket && mine(t.account) && MASTER_CLOSE_CAUSES.has(t.cause)).reduce((s, t) => s.plus(t.volume.value), new Dec(0));
      if (!retired.eq(v)) broken.push(`parts sum to the whole: master trade ${ticket} closed ${v.toString()} lots but its ${block ? 'parts' : 'master position'} closed ${retired.toString()}`);
    }
    return broken;
  }
}
