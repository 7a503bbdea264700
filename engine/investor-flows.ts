// Investor flows (DOMAIN §6): joining, deposits, withdrawals and leaving, for MAM sub-accounts
// and PAMM members (units at NAV), the entry fee and what a flow pays out after its fees. A flow
// under open trades resizes positions through resizing.ts, so no other investor's result moves.
import { allocationFamily, type AllocationTerms } from './allocation.js';
import { Dec } from './decimal.js';
import { afterDeposit, crystallizeWithdrawal, NEW_FEE_STATE } from './performance-fee.js';
import { ACCOUNT_CURRENCY, BLOCK_INDEX, type InvestmentModel, type Investor, type Parts, type ProgramState, type Referral, SYSTEM_ACCOUNTS } from './program-state.js';
import { ceilToQuantum, roundToQuantum } from './quantum.js';
import { newDraft } from './statements.js';
import { formatServerTime, type ServerTime } from './time.js';
import { Money, Units, Volume } from './values.js';

export class InvestorFlows {
  constructor(private readonly s: ProgramState, private readonly p: Parts) {}

  /** Funds the manager's own master account (signal structure). */
  fundMaster(time: ServerTime, amount: Money): void {
    this.p.execution.flush();
    this.s.post(time, SYSTEM_ACCOUNTS.external, SYSTEM_ACCOUNTS.master, amount, 'deposit', 'manager');
    this.s.emit({ time, kind: 'deposit', account: SYSTEM_ACCOUNTS.master, amount, reason: 'manager funds the master account' });
  }

  private rejectRequest(time: ServerTime, investor: string, reason: string): void {
    this.s.emit({ time, kind: 'request-rejected', investor, reason });
  }

  /** A request that waits for its execution time (calendar rules), recorded when placed. */
  requestPlaced(time: ServerTime, investor: string, what: string, executesAt: ServerTime, why: string): void {
    this.s.emit({ time, kind: 'request-queued', investor, reason: `${what}: executes at ${formatServerTime(executesAt)}; ${why}` });
  }

  /** Every investor request, when it executes: its request and execution times side by side. */
  requestExecuted(time: ServerTime, investor: string, what: string, requestedAt: ServerTime): void {
    this.p.execution.flush();
    this.s.emit({ time, kind: 'request-executed', investor, reason: `${what}: requested ${formatServerTime(requestedAt)}, executed ${formatServerTime(time)}` });
  }

  /** A request whose execution time falls after the end of the run. */
  requestExpired(time: ServerTime, investor: string, what: string, executesAt: string): void {
    this.s.emit({ time, kind: 'request-rejected', investor, reason: `${what}: would execute at ${executesAt}, after the end of the run` });
  }

  /** A new investor joins with a first deposit (MAM: own sub-account; PAMM: units in the pool). */
  join(time: ServerTime, id: string, model: InvestmentModel, amount: Money, manager: boolean, terms: AllocationTerms = {}, referral: Referral = {}): void {
    this.p.execution.flush();
    if (this.s.investors.has(id)) return this.rejectRequest(time, id, `investor ${id} already joined`);
    if (!amount.isPositive()) return this.rejectRequest(time, id, 'a join needs a positive deposit');
    if (model === 'pamm' && !this.s.config.pool) return this.rejectRequest(time, id, 'the program has no PAMM pool');
    if (model === 'pamm' && !this.poolHasNav()) return this.rejectRequest(time, id, `pool equity ${this.p.valuation.equity(this.s.config.pool!.id).toString()} is not positive: no NAV to buy units at`);
    const account = model === 'mam' ? `mam:${id}` : this.s.config.pool!.id;
    // The program's minimums are in its currency: a deposit in another compares at the mid of the moment.
    const ccy = this.s.config.currencies?.get(account) ?? ACCOUNT_CURRENCY;
    const unpriced = this.s.unpriced(ccy, this.s.programCurrency);
    if (unpriced) return this.rejectRequest(time, id, `no price yet for ${unpriced}, which converts the deposit in ${ccy} to the program's ${this.s.programCurrency} for its minimums`);
    // A MAM account joining under open trades copies them: their profit, costs and margin must convert into its currency.
    if (model === 'mam' && ccy !== ACCOUNT_CURRENCY) {
      for (const t of this.s.masterTrades.values()) {
        const missing = this.p.orders.unpricedInto(t.symbol, ccy);
        if (missing) return this.rejectRequest(time, id, `joining would copy ${t.ticket}: ${missing}`);
      }
    }
    const worth = ccy === this.s.programCurrency ? amount : this.s.convert(amount.value, ccy, this.s.programCurrency);
    const said = worth === amount ? amount.toString() : `${amount.toString()} ${ccy} (${worth.toString()} ${this.s.programCurrency})`;
    const programTerms = this.s.config.terms;
    if (programTerms && !manager && worth.lt(programTerms.minimumInvestment)) return this.rejectRequest(time, id, `${said} is below the program's minimum investment ${programTerms.minimumInvestment.toString()}`);
    const minMam = model === 'mam' && !manager ? this.minimumMamInvestment() : undefined;
    if (minMam && worth.lt(minMam)) return this.rejectRequest(time, id, `${said} is below the minimum MAM investment ${minMam.toString()}${this.s.config.pool ? ': this investor can join the PAMM pool instead' : ''}`);
    const rate = manager ? new Dec(0) : this.p.fees.performanceRate;
    const inv: Investor = { id, model, account, manager, fee: NEW_FEE_STATE, feeTerms: this.p.fees.feeTerms(rate), periodStart: time, managementAccrued: new Dec(0), statement: newDraft(time, Money.zero), managementRate: manager ? new Dec(0) : this.p.fees.managementRate, active: true, detached: false, referredBy: referral.referredBy };
    this.s.investors.set(id, inv);
    if (model === 'mam') this.s.openAccount(account, 'mam', terms);
    if (model === 'mam' && (referral.swapFree || this.s.config.swapFree)) this.s.swapFreeAccounts.add(account);
    this.s.emit({ time, kind: 'join', investor: id, account, amount, reason: `${model.toUpperCase()} investor joins${manager ? ' (manager capital, no fee)' : ''}` });
    this.depositInto(time, inv, amount);
    if (model === 'mam') this.p.resizing.copyOpenTrades(time, inv.account);
  }

  deposit(time: ServerTime, id: string, amount: Money): void {
    this.p.execution.flush();
    const inv = this.activeInvestor(time, id);
    if (!inv) return;
    if (!amount.isPositive()) return this.rejectRequest(time, id, 'a deposit must be positive');
    this.depositInto(time, inv, amount);
  }

  /**
   * The minimum MAM investment: fixed, or floating with the strategy: the least equity at
   * which the smallest master trade so far would still copy at its instrument's minimum lot
   * (copy family: min lot × master equity / volume, or balance under `copyBasis: balance`; split family: min lot × the followers'
   * equity / volume), rounded up to the quantum. None before the first trade.
   */
  minimumMamInvestment(): Money | undefined {
    const terms = this.s.config.terms;
    if (!terms) return undefined;
    if (terms.minimumMamInvestment !== 'floating') return terms.minimumMamInvestment;
    const t = this.p.orders.smallestTrade;
    if (!t) return undefined;
    // The copy family sized on balances (`copyBasis: balance`) compares balances.
    const size = this.p.valuation.masterSize();
    const reference = this.s.config.policies.copyBasis === 'balance' && allocationFamily(this.s.allocation) === 'copy' ? size.balance : size.equity;
    return new Money(ceilToQuantum(t.minLot.value.times(reference.value).div(t.volume.value), this.s.q));
  }

  /** Units can be bought while the pool is empty (initial NAV) or its equity is positive. */
  private poolHasNav(): boolean {
    return !this.s.units!.total.isPositive() || this.p.valuation.equity(this.s.config.pool!.id).isPositive();
  }

  /** The entry fee on a deposit, from the money just deposited; the mark rises by what stays invested. */
  private chargeEntryFee(time: ServerTime, inv: Investor, amount: Money): Money {
    const rate = this.s.config.entryFee;
    if (!rate || inv.manager) return Money.zero;
    const fee = new Money(roundToQuantum(amount.value.times(rate), this.s.q));
    if (!fee.isPositive()) return Money.zero;
    this.s.post(time, inv.account, SYSTEM_ACCOUNTS.fees, fee, 'entry-fee', inv.id);
    inv.statement.entryFees = inv.statement.entryFees.plus(fee);
    this.s.emit({ time, kind: 'entry-fee', investor: inv.id, account: inv.account, amount: fee, reason: `${rate.times(100).toString()}% of the deposit ${amount.toString()}` });
    return fee;
  }

  /** Whether the pool holds a position (or has one queued at this instant). */
  private poolIsOpen(): boolean {
    const pool = this.s.config.pool!.id;
    return this.s.accounts.get(pool)!.positions.length > 0 || this.p.execution.queuedOpens(pool).length > 0;
  }

  /**
   * `pammDeposit: no-action` (DOMAIN §6): a deposit (or a join's first deposit) while the pool
   * holds positions is held: the money stays with the investor, outside the pool, so the P&L of
   * every position open at the deposit belongs wholly to the members who held them, and it buys
   * units at NAV once the pool has nothing open (`admitHeld`), before the pool's next trade.
   * Nothing else changes meanwhile: units × NAV = pool equity and the books stay whole.
   */
  private holdDeposit(time: ServerTime, inv: Investor, amount: Money): boolean {
    if (inv.model !== 'pamm' || this.s.config.policies.pammDeposit !== 'no-action' || !this.poolIsOpen()) return false;
    this.s.heldDeposits.push({ investor: inv.id, amount, requested: time });
    const open = this.s.accounts.get(this.s.config.pool!.id)!.positions.length;
    this.s.emit({ time, kind: 'request-queued', investor: inv.id, amount, reason: `deposit ${amount.toString()}: held outside the pool while it has ${open} open position(s), whose P&L belongs to the members holding them; it buys units at NAV when the pool has nothing open (pammDeposit: no-action)` });
    return true;
  }

  /** Held deposits buy their units once the pool has nothing open, in request order; a no-op otherwise. */
  admitHeld(time: ServerTime): void {
    if (this.s.heldDeposits.length === 0) return;
    this.p.execution.flush();
    if (this.poolIsOpen()) return;
    for (const h of this.s.heldDeposits.splice(0)) {
      const inv = this.s.investors.get(h.investor)!;
      // Departures cancel their held deposits (exited): one found here is a bug, refused rather than booked.
      if (!inv.active) {
        this.rejectRequest(time, h.investor, `held deposit ${h.amount.toString()} not executed: the investor has left`);
        continue;
      }
      this.s.emit({ time, kind: 'request-executed', investor: h.investor, amount: h.amount, reason: `held deposit ${h.amount.toString()}: requested ${formatServerTime(h.requested)}, executed ${formatServerTime(time)}, the pool having nothing open (pammDeposit: no-action)` });
      this.depositInto(time, inv, h.amount);
    }
  }

  /** What an investor has held (not yet in the pool). */
  heldFor(id: string): Money {
    return Money.sum(this.s.heldDeposits.filter((h) => h.investor === id).map((h) => h.amount));
  }

  /** A departing investor's held deposits never enter: they are cancelled, the money never left it. */
  private cancelHeld(time: ServerTime, id: string, why: string): void {
    const mine = this.s.heldDeposits.filter((h) => h.investor === id);
    if (mine.length === 0) return;
    this.s.heldDeposits.splice(0, this.s.heldDeposits.length, ...this.s.heldDeposits.filter((h) => h.investor !== id));
    for (const h of mine) this.s.emit({ time, kind: 'request-rejected', investor: id, amount: h.amount, reason: `held deposit ${h.amount.toString()} (requested ${formatServerTime(h.requested)}) cancelled: ${why}` });
  }

  /**
   * No units outstanding but positions open (the only depositor's resize cost its whole deposit):
   * nobody owns them, so they close at once and a deficit left is the broker's (a pool never
   * carries one), as when a pool is wiped out.
   */
  private closeOwnerlessPool(time: ServerTime): void {
    const acc = this.s.accounts.get(this.s.config.pool!.id)!;
    if (acc.positions.length === 0) return;
    this.s.emit({ time, kind: 'pool-reallocated', account: acc.id, reason: 'no units outstanding after the deposit: nobody owns the pool\'s positions, which close' });
    for (const p of [...acc.positions]) this.p.execution.queue(time, { kind: 'close', position: p, volume: p.volume, cause: 'reallocate' });
    this.p.execution.flush();
    this.p.margin.settleNegative(time, acc);
  }

  /** At the end of the run: deposits still held never entered the pool. */
  expireHeld(time: ServerTime): void {
    for (const h of this.s.heldDeposits.splice(0)) this.s.emit({ time, kind: 'request-rejected', investor: h.investor, amount: h.amount, reason: `held deposit ${h.amount.toString()} (requested ${formatServerTime(h.requested)}) never executed: the pool still had positions open at the end of the run (pammDeposit: no-action)` });
  }

  private depositInto(time: ServerTime, inv: Investor, amount: Money): void {
    if (this.holdDeposit(time, inv, amount)) return;
    if (inv.model === 'pamm') {
      const reg = this.s.units!;
      const before = this.p.valuation.equity(inv.account);
      if (!this.poolHasNav()) return this.rejectRequest(time, inv.id, `pool equity ${before.toString()} is not positive: no NAV to buy units at`);
      const nav = reg.nav(before);
      this.s.post(time, SYSTEM_ACCOUNTS.external, inv.account, amount, 'deposit', inv.id);
      const entry = this.chargeEntryFee(time, inv, amount);
      // Resizing the pool's open positions for the new money costs the spread; the depositor
      // bears it (units are bought with what is left), so the NAV of everyone else is unchanged.
      if (this.s.config.policies.pammDeposit === 'reallocate') {
        const resize = allocationFamily(this.s.allocation) === 'copy' ? () => this.p.resizing.reallocatePool(time)
          : this.p.resizing.resplits() ? () => this.p.resizing.resplitBlocks(time, inv.account, `${inv.id}'s deposit into the pool`)
          : () => this.p.resizing.growPool(time, amount.minus(entry).value, before.value);
        this.p.costs.actingFor([{ id: inv.id, weight: new Dec(1) }], resize);
      }
      const cost = before.plus(amount).minus(entry).minus(this.p.valuation.equity(inv.account));
      if (this.s.config.risk && !cost.isZero()) this.p.limits.riskFlow(inv.account, cost.value.neg());
      // A resize that costs the whole deposit (a spread wider than the money) buys nothing, never negative units.
      const net = amount.minus(entry).minus(cost);
      const u = net.isPositive() && !net.isZero() ? reg.unitsFor(net, before) : Units.zero;
      reg.issue(inv.id, u);
      this.s.emit({ time, kind: 'units-issued', investor: inv.id, account: inv.account, amount, units: u, reason: `bought at NAV ${nav.toSignificantDigits(12).toString()}${cost.isZero() ? '' : ` after the reallocation cost ${cost.toString()}`}${u.isZero() ? ': the cost took the whole deposit' : ''}` });
      if (!reg.total.isPositive()) this.closeOwnerlessPool(time);
      inv.fee = afterDeposit(inv.fee, amount.minus(entry));
    } else {
      this.s.post(time, SYSTEM_ACCOUNTS.external, inv.account, amount, 'deposit', inv.id);
      inv.fee = afterDeposit(inv.fee, amount.minus(this.chargeEntryFee(time, inv, amount)));
      this.p.resizing.resplitBlocks(time, inv.account, `${inv.id}'s deposit`);
    }
    inv.statement.deposits = inv.statement.deposits.plus(amount);
    this.s.emit({ time, kind: 'deposit', investor: inv.id, account: inv.account, amount, reason: 'deposit executed; high-water mark raised by the amount' });
  }

  withdraw(time: ServerTime, id: string, amount: Money): void {
    this.p.execution.flush();
    const inv = this.activeInvestor(time, id);
    if (!inv) return;
    const equity = this.p.valuation.investorEquity(id);
    if (!amount.isPositive() || amount.gt(equity)) {
      const held = this.heldFor(id);
      return this.rejectRequest(time, id, `withdrawal ${amount.toString()} must be positive and at most the equity ${equity.toString()}${held.isPositive() ? ` (a deposit of ${held.toString()} is held outside the pool until it has nothing open: pammDeposit: no-action)` : ''}`);
    }
    const convention = inv.feeTerms.partialWithdrawal;
    // Withdrawing everything is leaving: every fee crystallizes and nothing is left behind to owe one later.
    // Not while a deposit is held for the member: it stays, redeeming every unit, and the held money enters later.
    const keepsHeld = this.heldFor(id).isPositive();
    if (amount.eq(equity) && !keepsHeld) return this.leave(time, id);
    const outcome = crystallizeWithdrawal(inv.fee, this.p.fees.assessTerms(inv), this.p.fees.feeEquity(inv, this.p.valuation.memberValues()), amount, amount.value.div(equity.value), this.p.fees.yearFraction(inv, time), this.s.q);
    // Pro-rata takes the fee out of the amount; crystallize-all charges it from the account on top.
    const gross = outcome.fromAmount ? amount : amount.plus(outcome.fee);
    if (gross.gt(equity)) return this.rejectRequest(time, id, `withdrawal ${amount.toString()} plus the fee ${outcome.fee.toString()} crystallized by it exceeds the equity ${equity.toString()}`);
    this.p.execution.settleSkipped(time, inv.account, inv.model === 'mam' ? gross.value.div(equity.value) : gross.value.div(this.p.valuation.equity(inv.account).value));
    let payout = gross;
    if (inv.model === 'mam') {
      // Re-split blocks (openBlocks: re-split) take the withdrawal into the weights before it is paid; the account's share of every other position closes.
      const untouched = this.p.resizing.resplits() ? this.p.resizing.resplitBlocks(time, inv.account, `${inv.id}'s withdrawal`, { amount: gross.value.neg() }) : undefined;
      this.p.resizing.reducePositions(time, inv.account, gross.value, equity.value, 'withdrawal', untouched);
      payout = this.capToEquity(time, inv, gross, this.p.valuation.equity(inv.account));
    } else {
      const pool = inv.account;
      const before = this.p.valuation.memberValues().get(id) ?? Money.zero;
      const poolEquity = this.p.valuation.equity(pool).value;
      const cost = this.p.costs.poolClosingCost([{ id, weight: new Dec(1) }], () => {
        const untouched = this.p.resizing.resplits() ? this.p.resizing.resplitBlocks(time, pool, `${id}'s withdrawal from the pool`, { amount: gross.value.neg() }) : undefined;
        this.p.resizing.reducePositions(time, pool, gross.value, poolEquity, 'withdrawal', untouched);
      });
      payout = this.capToEquity(time, inv, gross, before.minus(cost.amount));
      // Units for the payout and for what closing for it cost, at the NAV before: the members who stay keep theirs.
      const u = this.s.units!.unitsToRedeem(id, payout.plus(cost.amount), cost.equityBefore);
      this.s.units!.redeem(id, u);
      this.s.emit({ time, kind: 'units-redeemed', investor: id, account: pool, amount: payout, units: u, reason: 'withdrawal at NAV' });
    }
    // The mark the member stays on (its basis's), stated with the withdrawal.
    const markAfter = inv.feeTerms.hwmBasis === 'equity' ? outcome.next.mark : outcome.next.resultMark;
    this.payOut(time, inv, payout, [{ reason: 'performance-fee', amount: outcome.fee }], `partial withdrawal (${convention})`, markAfter);
    inv.fee = outcome.next;
    // Capped to everything the member had (its closing costs took the rest): it has left.
    if (inv.model === 'pamm' && this.s.units!.holding(id).isZero() && !keepsHeld) this.exited(time, inv, Money.zero, 'the capped withdrawal redeemed every unit: the investor has left the program');
  }

  /** What closing positions for a withdrawal cost (volume fees, rounding) comes off the amount when the equity no longer covers it. */
  private capToEquity(time: ServerTime, inv: Investor, gross: Money, available: Money): Money {
    if (!gross.gt(available)) return gross;
    this.s.emit({ time, kind: 'withdrawal-capped', investor: inv.id, account: inv.account, amount: available, reason: `the withdrawal ${gross.toString()} exceeds the equity ${available.toString()} left after closing positions for it; paid what is there` });
    return available.max(Money.zero);
  }

  /** Pays `gross` out of the investor's account: the fees to the fee account, the rest to the investor. */
  private payOut(time: ServerTime, inv: Investor, gross: Money, fees: ReadonlyArray<{ reason: 'performance-fee' | 'management-fee'; amount: Money }>, what: string, markAfter?: Money): void {
    if (gross.isNegative()) {
      // `protect` (and always in the pool): the broker absorbs the deficit; `carry`: it stays on the account, owed by the investor.
      if (this.p.margin.absorbsDeficit(inv.account)) {
        this.s.post(time, SYSTEM_ACCOUNTS.house, inv.account, gross.neg(), 'negative-balance', inv.id);
        this.s.emit({ time, kind: 'negative-balance-protected', investor: inv.id, account: inv.account, amount: gross.neg(), reason: `${what}: equity ${gross.toString()} is below zero; the broker absorbs it (negativeBalance: protect)` });
      } else {
        this.s.carried.add(inv.account);
        this.s.emit({ time, kind: 'negative-balance-carried', investor: inv.id, account: inv.account, amount: gross.neg(), reason: `${what}: equity ${gross.toString()} is below zero; it stays on the account, owed by the investor (negativeBalance: carry)` });
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
    this.p.fees.postFees(time, inv, charged, `crystallized on ${what}`);
    const fee = Money.sum(charged.map((f) => f.amount));
    const net = gross.minus(fee);
    this.s.post(time, inv.account, SYSTEM_ACCOUNTS.external, net, 'withdrawal', inv.id);
    inv.statement.withdrawals = inv.statement.withdrawals.plus(net);
    this.s.emit({ time, kind: 'withdrawal', investor: inv.id, account: inv.account, amount: net, reason: `${what}: ${gross.toString()} less fees ${fee.toString()}${markAfter ? `; ${inv.feeTerms.hwmBasis === 'equity' ? 'high-water mark' : 'cumulative-result mark'} after it ${markAfter.toString()}` : ''}` });
  }

  /** Full exit (`onLeave: close`): the investor's part of every position closes, the fee crystallizes, the rest is paid out. */
  leave(time: ServerTime, id: string): void {
    this.p.execution.flush();
    const inv = this.activeInvestor(time, id);
    if (!inv) return;
    this.cancelHeld(time, id, 'the investor left before the pool had nothing open');
    // A member whose only money was held owns nothing in the pool: it leaves with nothing to close or pay.
    if (inv.model === 'pamm' && this.s.units!.holding(id).isZero()) return this.exited(time, inv, Money.zero, 'investor left the program (it held no units)');
    this.p.execution.settleSkipped(time, inv.account, inv.model === 'mam' ? new Dec(1) : this.s.units!.holding(id).value.div(this.s.units!.total.value));
    if (inv.model === 'mam' && this.s.config.policies.onLeave === 'detach' && this.s.accounts.get(inv.account)!.positions.length > 0) {
      this.detach(time, inv);
      return;
    }
    let exitGain = Money.zero;
    if (inv.model === 'mam') {
      const acc = this.s.accounts.get(inv.account)!;
      for (const p of [...acc.positions]) this.p.execution.queue(time, { kind: 'close', position: p, volume: p.volume, cause: 'leave' });
      this.p.execution.flush();
      this.p.resizing.retireEmptyBlockTrades(time);
      const equity = this.p.valuation.equity(inv.account);
      const exit = this.p.fees.exitFees(inv, time, new Map());
      exitGain = exit.gain;
      this.payOut(time, inv, equity, exit.fees, 'exit');
      acc.active = false;
    } else {
      const pool = inv.account;
      const held = this.s.units!.holding(id);
      const before = this.p.valuation.memberValues().get(id) ?? Money.zero;
      const cost = this.p.costs.poolClosingCost([{ id, weight: new Dec(1) }], () => this.p.resizing.reducePositions(time, pool, held.value, this.s.units!.total.value, 'leave'));
      // The leaver's value is its share before, less what closing its share cost (commissions, volume fees).
      const values = new Map(this.p.valuation.memberValues()).set(id, before.minus(cost.amount));
      const equity = values.get(id) ?? Money.zero;
      // Its share of every position has just closed: the pool's open P&L left is the other members', not its own.
      const exit = this.p.fees.exitFees(inv, time, values, true);
      exitGain = exit.gain;
      this.s.units!.redeem(id, held);
      this.s.emit({ time, kind: 'units-redeemed', investor: id, account: pool, amount: equity, units: held, reason: 'exit: all units at NAV' });
      this.payOut(time, inv, equity, exit.fees, 'exit');
    }
    this.exited(time, inv, exitGain, 'investor left the program');
  }

  /** Closes a departing investor's books: its exit statement, then it is no longer a member. */
  private exited(time: ServerTime, inv: Investor, gain: Money, why: string): void {
    this.cancelHeld(time, inv.id, 'the investor left before the pool had nothing open');
    this.p.statements.issueStatement(time, inv, 'exit', this.p.statements.assessedMark(inv), gain, Money.zero);
    inv.active = false;
    inv.fee = NEW_FEE_STATE;
    this.s.emit({ time, kind: 'leave', investor: inv.id, account: inv.account, reason: why });
  }

  /**
   * `onLeave: detach`: the fee crystallizes on the exit equity (open P&L included) and the
   * investor keeps its positions, unlinked from the master's trades, in an independent account.
   */
  detach(time: ServerTime, inv: Investor, why = 'left with onLeave: detach'): void {
    const acc = this.s.accounts.get(inv.account)!;
    const exit = this.p.fees.exitFees(inv, time, new Map());
    this.p.fees.postFees(time, inv, exit.fees, 'crystallized on exit (detach)');
    acc.positions = acc.positions.map((p) => ({ ...p, masterTicket: `detached:${p.masterTicket}` }));
    for (const p of acc.positions) {
      this.s.addTicketVolume(p.masterTicket.slice('detached:'.length), p.volume.value.neg());
      this.s.addTicketVolume(p.masterTicket, p.volume.value);
    }
    acc.active = false;
    inv.active = false;
    inv.detached = true;
    this.p.statements.issueStatement(time, inv, 'exit (detach)', this.p.statements.assessedMark(inv), exit.gain, this.p.valuation.equity(inv.account));
    inv.fee = NEW_FEE_STATE;
    this.s.emit({ time, kind: 'detach', investor: inv.id, account: inv.account, volume: Volume.sum(acc.positions.map((p) => p.volume)), amount: this.p.valuation.equity(inv.account), reason: `${why}; keeps ${acc.positions.length} position(s) in an independent account` });
    this.p.resizing.retireEmptyBlockTrades(time);
    // Its equity leaves the block master with it: an outflow, not a loss, for the block's hard stop.
    const block = this.s.indices.get(BLOCK_INDEX);
    if (block) {
      const rest = this.p.valuation.equity(inv.account).value;
      block.flow(rest.neg(), this.p.valuation.blockEquity().plus(rest));
    }
  }

  private activeInvestor(time: ServerTime, id: string): Investor | undefined {
    const inv = this.s.investors.get(id);
    if (!inv || !inv.active) {
      this.rejectRequest(time, id, inv ? `investor ${id} has left` : `investor ${id} has not joined`);
      return undefined;
    }
    return inv;
  }
}
