// Investor fees (DOMAIN §7): the performance fee with its high-water mark at period ends and on
// exits, the management fee accrued daily and charged per period, the subscription, and term
// changes. The fee arithmetic is in performance-fee.ts; this applies it to the investors and
// books it (a PAMM member pays by redeeming units).
import { hurdleYearFraction } from './hurdle-day-count.js';
import { Dec } from './decimal.js';
import { crystallizeExit, crystallizePeriod, type FeeTerms } from './performance-fee.js';
import { type Investor, type InvestorFee, type Parts, type ProgramState, SYSTEM_ACCOUNTS } from './program-state.js';
import { roundToQuantum } from './quantum.js';
import { splitAmount } from './split.js';
import type { ServerTime } from './time.js';
import { Money } from './values.js';

/** A fee's rate in words: `20%`, or its tiers (`tiered by invested amount: 30% from 0, 20% from 10000`). */
function describeRate(t: FeeTerms): string {
  if (!t.tiers) return `${t.rate.times(100).toString()}%`;
  return `tiered by ${t.tiers.basis === 'invested' ? 'invested amount' : 'profit band'}: ${t.tiers.tiers.map((x) => `${x.rate.times(100).toString()}% from ${x.from.toString()}`).join(', ')}`;
}

export class Fees {
  /** The program's current fee rates (they change with `changeTerms`): what a joining investor gets. */
  performanceRate: Dec;
  managementRate: Dec;

  constructor(private readonly s: ProgramState, private readonly p: Parts) {
    this.performanceRate = s.config.performanceFeeRate;
    this.managementRate = s.config.managementFee?.rate ?? new Dec(0);
  }

  feeTerms(rate: Dec): FeeTerms {
    const pf = this.s.config.policies.performanceFee;
    // Tiers replace the flat rate for every investor who pays a fee (the manager's own capital, rate 0, pays none).
    const tiers = rate.isZero() ? undefined : this.s.config.performanceFeeTiers;
    return { rate, hwmBasis: pf.hwmBasis, hwmReset: pf.hwmReset, partialWithdrawal: pf.partialWithdrawal, hurdle: pf.hurdle, hurdleRate: new Dec(pf.hurdleRate), ...(tiers ? { tiers } : {}) };
  }

  /**
   * The investor's fee terms as an assessment uses them: tier amounts are stated in the
   * program's currency, so for an account in another they convert at the mid of the moment
   * (the account's fee state is in its own currency).
   */
  assessTerms(inv: Investor): FeeTerms {
    const t = inv.feeTerms;
    const ccy = this.s.currencyOf(inv.account);
    if (!t.tiers || ccy === this.s.programCurrency) return t;
    const tiers = t.tiers.tiers.map((x) => ({ from: this.s.convert(x.from, this.s.programCurrency, ccy).value, rate: x.rate }));
    return { ...t, tiers: { basis: t.tiers.basis, tiers } };
  }

  /** The hurdle's share of a year: from the start of the investor's part of the period, by `hurdleDayCount` (hurdle-day-count.ts). */
  yearFraction(inv: Investor, time: ServerTime): Dec {
    const pf = this.s.config.policies.performanceFee;
    return hurdleYearFraction(pf.hurdleDayCount, pf.period, inv.periodStart, time);
  }

  /**
   * The equity a performance fee is assessed on, per `floatingPnl`: all open P&L, only open
   * losses, or none (realized results only). A PAMM member's open P&L is its units' share of the pool's.
   */
  feeEquity(inv: Investor, values: ReadonlyMap<string, Money>): Money {
    const equity = this.p.valuation.equityOf(inv, values);
    const policy = this.s.config.policies.performanceFee.floatingPnl;
    if (policy === 'all') return equity;
    const acc = this.s.accounts.get(inv.account)!;
    let floating = this.p.valuation.floatingOf(acc);
    if (inv.model === 'pamm') floating = new Money(roundToQuantum(floating.value.times(this.s.units!.holding(inv.id).value).div(this.s.units!.total.value), this.s.q));
    const counted = policy === 'losses-only' ? floating.min(Money.zero) : Money.zero;
    return equity.minus(floating).plus(counted);
  }

  /**
   * What an active investor owes but has not been charged (read-only): the management fee accrued
   * since it was last charged (rounded half-up), and the performance fee it would pay if its fee
   * period ended at `time`, on the equity after that management fee (the order of an exit).
   */
  pendingFees(inv: Investor, time: ServerTime, values: ReadonlyMap<string, Money>): { management: Money; performance: Money } {
    const management = new Money(roundToQuantum(inv.managementAccrued, this.s.q));
    if (!inv.active) return { management: Money.zero, performance: Money.zero };
    const outcome = crystallizePeriod(inv.fee, this.assessTerms(inv), this.feeEquity(inv, values).minus(management), this.yearFraction(inv, time), this.s.q);
    return { management, performance: outcome.fee };
  }

  /** Period end: every investor above its mark pays the performance fee into the fee account. */
  periodEnd(time: ServerTime, label: string): void {
    this.p.execution.flush();
    this.s.emit({ time, kind: 'period-end', reason: `fee period ${label} ends` });
    const values = this.p.valuation.memberValues();
    const due: Array<{ inv: Investor; fee: Money }> = [];
    const assessed: Array<{ inv: Investor; mark: Money; gain: Money }> = [];
    for (const inv of this.s.investors.values()) {
      if (!inv.active) continue;
      const outcome = crystallizePeriod(inv.fee, this.assessTerms(inv), this.feeEquity(inv, values), this.yearFraction(inv, time), this.s.q);
      assessed.push({ inv, mark: this.p.statements.assessedMark(inv), gain: outcome.gain });
      inv.fee = outcome.next;
      inv.periodStart = time;
      if (outcome.fee.isPositive()) due.push({ inv, fee: outcome.fee });
    }
    // Values were all taken before any fee moved, so one member's fee never changes another's base.
    this.settleFees(time, due, 'performance-fee', label, (inv) => `period ${label}: ${describeRate(inv.feeTerms)} of the gain above the mark (${inv.feeTerms.hwmBasis} basis${inv.feeTerms.hurdle === 'none' ? '' : `, ${inv.feeTerms.hurdle} hurdle ${inv.feeTerms.hurdleRate.times(100).toString()}% a year`})`);
    const after = this.p.valuation.memberValues();
    for (const a of assessed) this.p.statements.issueStatement(time, a.inv, label, a.mark, a.gain, this.p.valuation.equityOf(a.inv, after));
  }

  /**
   * Charges fees into the fee account: a MAM investor's from its balance; PAMM members' are a
   * redemption, so the pool first closes the fees' share of every position (the members who
   * stay keep their exposure per unit) and then redeems their units at NAV.
   */
  private settleFees(time: ServerTime, charges: ReadonlyArray<{ inv: Investor; fee: Money }>, reason: InvestorFee, label: string, why: (inv: Investor) => string): void {
    charges = [...charges];
    // No investor pays more than it has: a fee is capped at its equity (a member's value).
    const values = this.p.valuation.memberValues();
    charges = charges.map((c) => ({ ...c, fee: c.fee.min(this.p.valuation.equityOf(c.inv, values)).max(Money.zero) })).filter((c) => c.fee.isPositive());
    const extra = new Map<string, { cost: Money; nav: Dec }>();
    if (this.s.config.pool) {
      const pool = this.s.config.pool.id;
      const payers = charges.filter((d) => d.inv.model === 'pamm');
      const poolFees = Money.sum(payers.map((d) => d.fee));
      if (poolFees.isPositive()) {
        const cost = this.p.costs.poolClosingCost(payers.map((d) => ({ id: d.inv.id, weight: d.fee.value })), () => this.p.resizing.reducePositions(time, pool, poolFees.value, this.p.valuation.equity(pool).value, reason));
        // The fee payers bear what closing for their fees cost, in proportion to their fees; units go at the NAV before.
        const shares = cost.amount.isZero() ? undefined : splitAmount(cost.amount.value, payers.map((d) => d.fee.value), this.s.q, this.s.config.policies.residualRule).parts;
        const nav = this.s.units!.nav(cost.equityBefore);
        payers.forEach((d, i) => extra.set(d.inv.id, { cost: new Money(shares?.[i] ?? new Dec(0)), nav }));
        // A fee and its closing cost together never take more than the member had.
        charges = charges.map((c) => {
          const x = extra.get(c.inv.id);
          return x ? { ...c, fee: c.fee.min(this.p.valuation.equityOf(c.inv, values).minus(x.cost)).max(Money.zero) } : c;
        }).filter((c) => c.fee.isPositive() || extra.has(c.inv.id));
      }
    }
    for (const { inv, fee } of charges) {
      if (inv.model === 'pamm') {
        const x = extra.get(inv.id);
        const u = x ? this.s.units!.unitsToRedeem(inv.id, fee.plus(x.cost), new Money(x.nav.times(this.s.units!.total.value))) : this.s.units!.unitsToRedeem(inv.id, fee, this.p.valuation.equity(inv.account));
        this.s.units!.redeem(inv.id, u);
        this.s.emit({ time, kind: 'units-redeemed', investor: inv.id, account: inv.account, amount: fee, units: u, reason: `${reason} ${label} at NAV` });
      }
      if (!fee.isPositive()) continue;
      this.s.post(time, inv.account, SYSTEM_ACCOUNTS.fees, fee, reason, `${inv.id}@${label}`);
      this.p.statements.addFeeToStatement(inv, reason, fee);
      this.s.emit({ time, kind: reason, investor: inv.id, account: inv.account, amount: fee, reason: why(inv) });
      this.shareFee(time, inv, reason, fee, `${inv.id}@${label}`);
    }
  }

  /**
   * Partner fee share: the IB that referred the investor gets its `feeShare` of a performance or
   * management fee the investor paid, from the manager's fee account, rounded half-up; the
   * manager keeps the rest (fee = share + kept, exactly). In the program's currency, converted
   * to the IB's when it holds another.
   */
  private shareFee(time: ServerTime, inv: Investor, reason: InvestorFee, fee: Money, ref: string): void {
    if (reason !== 'performance-fee' && reason !== 'management-fee') return;
    const partner = inv.referredBy === undefined ? undefined : this.s.config.costs?.rebates?.partners.get(inv.referredBy);
    if (!partner?.feeShare || partner.feeShare.isZero()) return;
    // The fee arrived in the program's currency: its share is reckoned on that amount.
    const ccy = this.s.currencyOf(inv.account);
    const received = ccy === this.s.programCurrency ? fee : this.s.convert(fee.value, ccy, this.s.programCurrency);
    const share = new Money(roundToQuantum(received.value.times(partner.feeShare), this.s.q));
    if (!share.isPositive()) return;
    this.s.post(time, SYSTEM_ACCOUNTS.fees, `ib:${partner.id}`, share, 'fee-share', ref);
    this.s.emit({ time, kind: 'fee-share', investor: inv.id, account: `ib:${partner.id}`, amount: share, reason: `${partner.feeShare.times(100).toString()}% of ${inv.id}'s ${reason} ${received.toString()} to its referrer ${partner.id} (feeShare); the manager keeps ${received.minus(share).toString()}` });
  }

  /**
   * The fees due on a full exit: the management fee accrued so far, then the performance fee
   * on the equity after it (the management fee comes first, as at a period end).
   */
  exitFees(inv: Investor, time: ServerTime, values: ReadonlyMap<string, Money>, realized = false): { fees: Array<{ reason: 'performance-fee' | 'management-fee'; amount: Money }>; gain: Money } {
    const management = this.takeAccrued(inv);
    // `realized`: the investor's positions have all closed, so nothing of its own is open for `floatingPnl` to leave out.
    const assessed = realized ? this.p.valuation.equityOf(inv, values) : this.feeEquity(inv, values);
    const exit = crystallizeExit(inv.fee, this.assessTerms(inv), assessed.minus(management), this.yearFraction(inv, time), this.s.q);
    return { fees: [{ reason: 'management-fee', amount: management }, { reason: 'performance-fee', amount: exit.fee }], gain: exit.gain };
  }

  /** Posts fees from the investor's account to the fee account, each with its event. */
  postFees(time: ServerTime, inv: Investor, fees: ReadonlyArray<{ reason: 'performance-fee' | 'management-fee'; amount: Money }>, why: string): void {
    for (const f of fees) {
      if (!f.amount.isPositive()) continue;
      this.s.post(time, inv.account, SYSTEM_ACCOUNTS.fees, f.amount, f.reason, inv.id);
      this.p.statements.addFeeToStatement(inv, f.reason, f.amount);
      this.s.emit({ time, kind: f.reason, investor: inv.id, account: inv.account, amount: f.amount, reason: why });
      this.shareFee(time, inv, f.reason, f.amount, inv.id);
    }
  }

  /** The management fee's base for an investor: its equity, or its balance (a PAMM member's share of the pool's). */
  private managementBase(inv: Investor, values: ReadonlyMap<string, Money>): Money {
    if (this.s.config.managementFee!.basis === 'equity') return this.p.valuation.equityOf(inv, values);
    const balance = this.s.journal.balance(inv.account);
    if (inv.model === 'mam') return balance;
    return new Money(balance.value.times(this.s.units!.holding(inv.id).value).div(this.s.units!.total.value));
  }

  /** One day's accrual: `fraction` of the annual rate on each investor's base (the manager's own capital pays none). */
  accrueManagementFees(fraction: Dec): void {
    const mf = this.s.config.managementFee;
    if (!mf) return;
    this.p.execution.flush();
    const values = this.p.valuation.memberValues();
    for (const inv of this.s.investors.values()) {
      if (!inv.active || inv.managementRate.isZero()) continue;
      const base = this.managementBase(inv, values);
      if (base.isPositive()) inv.managementAccrued = inv.managementAccrued.plus(base.value.times(inv.managementRate).times(fraction));
    }
  }

  /** Management-fee period end: what accrued is charged, rounded half-up to the quantum. */
  chargeManagementFees(time: ServerTime, label: string): void {
    this.p.execution.flush();
    const mf = this.s.config.managementFee;
    const active = [...this.s.investors.values()].filter((inv) => inv.active);
    if (mf) {
      const charges = active.map((inv) => ({ inv, fee: this.takeAccrued(inv) })).filter((c) => c.fee.isPositive());
      this.settleFees(time, charges, 'management-fee', label, (inv) => `period ${label}: ${inv.managementRate.times(100).toString()}% a year on ${mf.basis}, accrued daily (${this.s.config.policies.managementFee.dayCount})`);
    }
    // The subscription is a fixed charge per period, never more than the investor has.
    const sub = this.s.config.subscriptionFee;
    if (sub) {
      const values = this.p.valuation.memberValues();
      // Stated in the program's currency; an investor in another pays its worth at the mid of the charge.
      const due = (inv: Investor): Money => {
        const ccy = this.s.currencyOf(inv.account);
        return ccy === this.s.programCurrency ? sub : this.s.convert(sub.value, this.s.programCurrency, ccy);
      };
      const charges = active.filter((inv) => !inv.manager).map((inv) => ({ inv, fee: due(inv).min(this.p.valuation.equityOf(inv, values)).max(Money.zero) })).filter((c) => c.fee.isPositive());
      this.settleFees(time, charges, 'subscription-fee', label, () => `period ${label}: subscription ${sub.toString()}`);
    }
  }

  /**
   * A change of the program's fee rates at a stated time (`termChanges`): investors joining
   * from now on get the new rates; with `all-members` the investors already in get them too,
   * from their next charge.
   */
  changeTerms(time: ServerTime, change: { performanceFee?: Dec; managementFee?: Dec }): void {
    this.p.execution.flush();
    if (change.performanceFee) this.performanceRate = change.performanceFee;
    if (change.managementFee) this.managementRate = change.managementFee;
    const all = this.s.config.policies.termChanges === 'all-members';
    if (all) {
      for (const inv of this.s.investors.values()) {
        if (!inv.active || inv.manager) continue;
        if (change.performanceFee) inv.feeTerms = { ...inv.feeTerms, rate: change.performanceFee };
        if (change.managementFee) inv.managementRate = change.managementFee;
      }
    }
    const what = [change.performanceFee && `performance fee ${change.performanceFee.times(100).toString()}%`, change.managementFee && `management fee ${change.managementFee.times(100).toString()}% a year`].filter(Boolean).join(', ');
    this.s.emit({ time, kind: 'terms-changed', reason: `${what}, for ${all ? 'every member' : 'members joining from now on'} (termChanges: ${this.s.config.policies.termChanges})` });
  }

  private takeAccrued(inv: Investor): Money {
    const fee = new Money(roundToQuantum(inv.managementAccrued, this.s.q));
    inv.managementAccrued = new Dec(0);
    return fee;
  }
}
