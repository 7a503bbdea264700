// The double-entry journal (DESIGN "the journal is the truth"): every movement of money is
// one entry from one account to another; balances are derived from it and nothing else.
import { Dec } from './decimal.js';
import type { ServerTime } from './time.js';
import { Money } from './values.js';

export const ACCOUNT_KINDS = ['master', 'mam', 'pamm', 'executive', 'fees', 'house', 'external', 'market', 'ib', 'client', 'conversion'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** An account of the program. `external` (investors' outside money) and `market` (the liquidity the executive account trades with) close the books. */
export interface AccountRef {
  readonly id: string;
  readonly kind: AccountKind;
  /**
   * The one currency the account holds (DOMAIN §1; USD when absent). The clearing accounts
   * (`external`, `market`, `house`, `conversion`) hold any: a balance per currency.
   */
  readonly currency?: string;
}

/** Accounts that hold a balance in every currency they are paid in. */
export const CLEARING_KINDS: ReadonlySet<AccountKind> = new Set(['external', 'market', 'house', 'conversion']);
/** The currency a journal keeps when none is named, and the one program totals consolidate in. */
export const BASE_CURRENCY = 'USD';

export const ENTRY_REASONS = ['deposit', 'withdrawal', 'realized-pnl', 'performance-fee', 'management-fee', 'entry-fee', 'subscription-fee', 'volume-fee', 'negative-balance', 'commission', 'swap', 'rebate', 'cashback', 'fee-share'] as const;
export type EntryReason = (typeof ENTRY_REASONS)[number];

export interface JournalEntry {
  readonly seq: number;
  readonly time: ServerTime;
  readonly from: string;
  readonly to: string;
  readonly amount: Money;
  /** The currency of `amount`: the accounts' own (a clearing account takes the other side's). */
  readonly currency: string;
  /** In another currency than USD: the amount's worth in USD at the mid of the moment (what program totals add up). */
  readonly usd?: Money;
  readonly reason: EntryReason;
  /** What the entry belongs to: a ticket, an investor, a fee period. */
  readonly ref: string;
}

export class Journal {
  private seq = 0;
  /** Per account its balance in its own currency; a clearing account's USD here, other currencies under the id, a NUL and the currency. */
  private readonly balances = new Map<string, Dec>();
  /** Each account's one currency, or null for a clearing account (any currency). */
  private readonly currencies = new Map<string, string | null>();
  /** Every currency an entry was posted in (USD first), in first-use order. */
  private readonly used: string[] = [BASE_CURRENCY];
  private readonly listeners: Array<(e: JournalEntry) => void> = [];
  private readonly before: Array<() => void> = [];

  constructor(accounts: Iterable<AccountRef>) {
    for (const a of accounts) this.open(a);
  }

  open(a: AccountRef): void {
    if (this.balances.has(a.id)) return;
    this.balances.set(a.id, new Dec(0));
    this.currencies.set(a.id, CLEARING_KINDS.has(a.kind) ? null : a.currency ?? BASE_CURRENCY);
  }

  /** An account's own currency (USD for a clearing account, whose other currencies `balanceIn` reads). */
  currencyOf(id: string): string {
    return this.currencies.get(id) ?? BASE_CURRENCY;
  }

  /** Whether the account holds any currency (a clearing account). */
  isClearing(id: string): boolean { return this.currencies.get(id) === null; }

  /** Where an account's balance in `currency` is kept; refuses a currency a one-currency account does not hold. */
  private key(id: string, currency: string): string {
    const own = this.currencies.get(id);
    if (own === undefined) throw new Error(`journal: unknown account ${id}`);
    if (own === null) return currency === BASE_CURRENCY ? id : `${id}\u0000${currency}`;
    if (own !== currency) throw new Error(`journal: ${id} holds ${own}, not ${currency}`);
    return id;
  }

  onEntry(fn: (e: JournalEntry) => void): void { this.listeners.push(fn); }
  /** Called before any balance changes (the risk checks compute what they deferred while balances are as they were). */
  beforeEntry(fn: () => void): void { this.before.push(fn); }

  /** Posts `amount` from one account to another; a negative amount posts the other way. */
  post(time: ServerTime, from: string, to: string, amount: Money, reason: EntryReason, ref: string, currency: string = BASE_CURRENCY, usd?: Money): JournalEntry | undefined {
    if (amount.isZero()) return undefined;
    if (amount.isNegative()) return this.post(time, to, from, amount.neg(), reason, ref, currency, usd?.neg());
    const fk = this.key(from, currency), tk = this.key(to, currency);
    const fb = this.balances.get(fk) ?? new Dec(0), tb = this.balances.get(tk) ?? new Dec(0);
    if (currency !== BASE_CURRENCY && !this.used.includes(currency)) this.used.push(currency);
    for (const fn of this.before) fn();
    this.balances.set(fk, fb.minus(amount.value));
    this.balances.set(tk, tb.plus(amount.value));
    const e: JournalEntry = usd ? { seq: ++this.seq, time, from, to, amount, currency, usd, reason, ref } : { seq: ++this.seq, time, from, to, amount, currency, reason, ref };
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

  /** A clearing account's balance in one currency. */
  balanceIn(id: string, currency: string): Money {
    return new Money(this.balances.get(this.key(id, currency)) ?? new Dec(0));
  }

  /** The currencies one-currency accounts hold, in first-opened order. */
  accountCurrencies(): string[] {
    const out: string[] = [];
    for (const c of this.currencies.values()) if (c !== null && !out.includes(c)) out.push(c);
    return out;
  }

  /** Every currency posted in so far, USD first. */
  currenciesUsed(): readonly string[] { return this.used; }

  /** Per currency, the sum over every account; each zero by construction of double entry. */
  totals(): Map<string, Money> {
    const out = new Map<string, Money>(this.used.map((c) => [c, Money.zero]));
    for (const [k, d] of this.balances) {
      const cut = k.indexOf('\u0000');
      const c = cut < 0 ? this.currencyOf(k) : k.slice(cut + 1);
      out.set(c, (out.get(c) ?? Money.zero).plus(new Money(d)));
    }
    return out;
  }

  get entryCount(): number { return this.seq; }
}
