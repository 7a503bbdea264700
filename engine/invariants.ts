// The invariants checked after every event in tests (DESIGN "the journal is the truth"):
// double entry, conservation of money against independent tallies, equity = balance +
// open P&L, PAMM members' values summing to pool equity, and units × NAV = pool equity.
import { Dec } from './decimal.js';
import type { ClosedTrade, CostLine, EngineEvent, EngineSink, FeeStatement, RebateLine } from './events.js';
import type { ExternalOrder } from './executive.js';
import type { JournalEntry } from './journal.js';
import { type Program, SYSTEM_ACCOUNTS } from './program.js';
import type { ServerTime } from './time.js';
import { Money } from './values.js';

/** Tallies money entering and leaving from the sink's view (events and closed trades), not the journal's. */
export class ConservationTally implements EngineSink {
  deposits = Money.zero;
  withdrawals = Money.zero;
  realized = Money.zero;
  constructor(private readonly inner?: EngineSink) {}
  event(e: EngineEvent): void {
    if (e.kind === 'deposit' && e.amount) this.deposits = this.deposits.plus(e.amount);
    if (e.kind === 'withdrawal' && e.amount) this.withdrawals = this.withdrawals.plus(e.amount);
    this.inner?.event(e);
  }
  trade(t: ClosedTrade): void {
    this.realized = this.realized.plus(t.profit);
    this.inner?.trade(t);
  }
  execution(time: ServerTime, x: ExternalOrder): void { this.inner?.execution(time, x); }
  statement(s: FeeStatement): void { this.inner?.statement?.(s); }
  cost(c: CostLine): void { this.inner?.cost?.(c); }
  rebate(r: RebateLine): void { this.inner?.rebate?.(r); }
}

/** Returns the broken invariants (empty when all hold). */
export function checkInvariants(p: Program, tally: ConservationTally, entries?: readonly JournalEntry[]): string[] {
  const broken: string[] = [];
  if (!p.journal.total().isZero()) broken.push(`double entry: journal sums to ${p.journal.total().toString()}`);
  const inside = p.accountSnapshots().filter((a) => a.id !== SYSTEM_ACCOUNTS.external && a.id !== SYSTEM_ACCOUNTS.market);
  const held = Money.sum(inside.map((a) => a.balance));
  const expected = tally.deposits.minus(tally.withdrawals).plus(tally.realized);
  if (!held.eq(expected)) broken.push(`conservation: balances ${held.toString()} ≠ deposits − withdrawals + realized P&L ${expected.toString()}`);
  for (const pos of p.openPositions()) {
    if (!pos.volume.isPositive()) broken.push(`position ${pos.ticket} has volume ${pos.volume.toString()}`);
  }
  if (entries) {
    const recomputed = new Map<string, Dec>();
    for (const e of entries) {
      recomputed.set(e.from, (recomputed.get(e.from) ?? new Dec(0)).minus(e.amount.value));
      recomputed.set(e.to, (recomputed.get(e.to) ?? new Dec(0)).plus(e.amount.value));
    }
    for (const a of p.accountSnapshots()) {
      const r = recomputed.get(a.id) ?? new Dec(0);
      if (!r.eq(a.balance.value)) broken.push(`balance of ${a.id} ${a.balance.toString()} ≠ sum of its entries ${r.toString()}`);
    }
  }
  const pool = p.config.pool;
  if (pool) {
    const poolEquity = p.equity(pool.id);
    const members = p.investorSnapshots().filter((i) => i.model === 'pamm' && i.active);
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
  return broken;
}
