// Investor statements (DOMAIN §7, §11): what each investor's current statement has gathered
// (deposits, withdrawals, each kind of fee) and its issue at a period end or an exit.
import type { Investor, InvestorFee, Parts, ProgramState, StatementDraft } from './program-state.js';
import type { ServerTime } from './time.js';
import { Money } from './values.js';

export const newDraft = (from: ServerTime, opening: Money): StatementDraft => ({ from, opening, deposits: Money.zero, withdrawals: Money.zero, entryFees: Money.zero, managementFees: Money.zero, performanceFees: Money.zero, otherFees: Money.zero });

export class Statements {
  constructor(private readonly s: ProgramState, private readonly p: Parts) {}

  /** A fee on the statement line of its kind (subscription and volume fees are `otherFees`). */
  addFeeToStatement(inv: Investor, reason: InvestorFee, fee: Money): void {
    const d = inv.statement;
    if (reason === 'performance-fee') d.performanceFees = d.performanceFees.plus(fee);
    else if (reason === 'management-fee') d.managementFees = d.managementFees.plus(fee);
    else d.otherFees = d.otherFees.plus(fee);
  }

  /** The mark a performance fee is assessed against on the investor's basis (read before the fee state resets). */
  assessedMark(inv: Investor): Money {
    return inv.feeTerms.hwmBasis === 'equity' ? inv.fee.mark : inv.fee.resultMark;
  }

  /** Closes an investor's statement at `time` (a period end or its exit) and starts the next one. */
  issueStatement(time: ServerTime, inv: Investor, period: string, mark: Money, gain: Money, closing: Money): void {
    const d = inv.statement;
    const nav = inv.model === 'pamm' ? this.p.views.nav() : undefined;
    this.s.sink.statement?.({
      investor: inv.id, model: inv.model, period, from: d.from, to: time, opening: d.opening, deposits: d.deposits, withdrawals: d.withdrawals,
      mark, gain, markBasis: inv.feeTerms.hwmBasis === 'equity' ? 'equity' : 'cumulative-result',
      markAfter: period.startsWith('exit') ? undefined : this.assessedMark(inv), entryFees: d.entryFees, managementFees: d.managementFees, performanceFees: d.performanceFees, otherFees: d.otherFees, closing,
      units: inv.model === 'pamm' ? this.s.units!.holding(inv.id) : undefined, nav,
    });
    inv.statement = newDraft(time, closing);
  }
}
