// The double-entry journal (DESIGN "the journal is the truth"): every movement of money is
// one entry from one account to another; balances are derived from it and nothing else.
import { Dec } from './decimal.js';
import type { ServerTime } from './time.js';
import { Money } from './values.js';

export const ACCOUNT_KINDS = ['master', 'mam', 'pamm', 'executive', 'fees', 'house', 'external', 'market', 'ib', 'client'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** An account of the program. `external` (investors' outside money) and `market` (the liquidity the executive account trades with) close the books. */
export interface AccountRef {
  readonly id: string;
  readonly kind: AccountKind;
}

export const ENTRY_REASONS = ['deposit', 'withdrawal', 'realized-pnl', 'performance-fee', 'management-fee', 'entry-fee', 'subscription-fee', 'volume-fee', 'negative-balance', 'commission', 'swap', 'rebate', 'cashback'] as const;
export type EntryReason = (typeof ENTRY_REASONS)[number];

export interface JournalEntry {
  readonly seq: number;
  readonly time: ServerTime;
  readonly from: string;
  readonly to: string;
  readonly amount: Money;
  readonly reason: EntryReason;
  /** What the entry belongs to: a ticket, an investor, a fee period. */
  readonly ref: string;
}

export class Journal {
  private seq = 0;
  private readonly balances = new Map<string, Dec>();
  private readonly listeners: Array<(e: JournalEntry) => void> = [];
  private readonly before: Array<() => void> = [];

  constructor(accounts: Iterable<AccountRef>) {
    for (const a of accounts) this.open(a);
  }

  open(a: AccountRef): void {
    if (!this.balances.has(a.id)) this.balances.set(a.id, new Dec(0));
  }

  onEntry(fn: (e: JournalEntry) => void): void { this.listeners.push(fn); }
  /** Called before any balance changes (the risk checks compute what they deferred while balances are as they were). */
  beforeEntry(fn: () => void): void { this.before.push(fn); }

  /** Posts `amount` from one account to another; a negative amount posts the other way. */
  post(time: ServerTime, from: string, to: string, amount: Money, reason: EntryReason, ref: string): JournalEntry | undefined {
    if (amount.isZero()) return undefined;
    if (amount.isNegative()) return this.post(time, to, from, amount.neg(), reason, ref);
    const fb = this.balances.get(from), tb = this.balances.get(to);
    if (fb === undefined || tb === undefined) throw new Error(`journal: unknown account ${fb === undefined ? from : to}`);
    for (const fn of this.before) fn();
    this.balances.set(from, fb.minus(amount.value));
    this.balances.set(to, tb.plus(amount.value));
    const e: JournalEntry = { seq: ++this.seq, time, from, to, amount, reason, ref };
    for (const fn of this.listeners) fn(e);
    return e;
  }

  /** The balance as the journal holds it (no Money made: the risk screen reads every account's at every quote). */
  balanceValue(id: string): Dec {
    const b = this.balances.get(id);
    if (b === undefined) throw new Error(`journal: unknown account ${id}`);
    return b;
  }

  balance(id: string): Money {
    const b = this.balances.get(id);
    if (b === undefined) throw new Error(`journal: unknown account ${id}`);
    return new Money(b);
  }

  /** Sum over every account; zero by construction of double entry. */
  total(): Money {
    return Money.sum([...this.balances.values()].map((d) => new Money(d)));
  }

  get entryCount(): number { return this.seq; }
}
