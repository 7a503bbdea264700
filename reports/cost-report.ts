// Costs and rebates in the output contract: costs.csv (every commission, swap and spread
// line), rebates.csv (every rebate and cashback amount traced to its fill), broker.csv (the
// broker's view per calendar month) and their summary sections.
import type { ClosedTrade, CostLine, RebateLine } from '../engine/events.js';
import type { Instrument } from '../engine/instrument.js';
import type { JournalEntry } from '../engine/journal.js';
import type { Program } from '../engine/program.js';
import { SYSTEM_ACCOUNTS } from '../engine/program-state.js';
import { type Quantum, formatQ } from '../engine/quantum.js';
import { type ServerTime, formatServerTime } from '../engine/time.js';
import { Money } from '../engine/values.js';
import { type CsvDir, CsvWriter, csvPath, priceCell } from './csv.js';

export const COST_COLUMNS = {
  costs: ['time', 'kind', 'account', 'ticket', 'master_ticket', 'symbol', 'side', 'leg', 'volume', 'price', 'amount', 'detail'],
  rebates: ['kind', 'accrued', 'credited', 'receiver', 'level', 'from', 'to', 'account', 'source', 'ticket', 'master_ticket', 'symbol', 'leg', 'volume', 'pool', 'amount', 'detail'],
  broker: ['period', 'spread', 'commissions', 'swaps', 'rebates_paid', 'negative_balance', 'residual_realized', 'residual_floating', 'net'],
} as const;

/** The broker's income and outgoings over one period (money the house earns is positive). */
interface BrokerPeriod {
  spread: Money;
  commissions: Money;
  swaps: Money;
  rebatesPaid: Money;
  negativeBalance: Money;
  residualRealized: Money;
}

const newPeriod = (): BrokerPeriod => ({ spread: Money.zero, commissions: Money.zero, swaps: Money.zero, rebatesPaid: Money.zero, negativeBalance: Money.zero, residualRealized: Money.zero });

/** Per account: commissions paid, swaps (net, to the account), rebates received, cashback received (−: paid). */
export interface AccountCosts {
  commissions: Money;
  swaps: Money;
  rebates: Money;
  cashback: Money;
}

export class CostReport {
  private readonly files: { [K in keyof typeof COST_COLUMNS]: CsvWriter };
  private readonly periods = new Map<string, BrokerPeriod>();
  private readonly perAccount = new Map<string, AccountCosts>();
  /** Receivers in the order they were first paid: their rebates and the cashback they passed on. */
  private readonly receivers = new Map<string, { account: string; rebates: Money; cashbackPaid: Money }>();
  private clientsCashback = Money.zero;
  private residualFloating = Money.zero;
  /** broker.csv's rows, for the report. */
  readonly brokerRows: string[][] = [];
  /** Per receiver account and month credited: its rebate statement (rebates, cashback passed on, fill shares). */
  private readonly statements = new Map<string, { account: string; month: string; rebates: Money; cashback: Money; lines: number }>();

  constructor(dir: CsvDir, private readonly q: Quantum, private readonly instruments: ReadonlyMap<string, Instrument>) {
    this.files = {
      costs: new CsvWriter(csvPath(dir, 'costs.csv'), COST_COLUMNS.costs),
      rebates: new CsvWriter(csvPath(dir, 'rebates.csv'), COST_COLUMNS.rebates),
      broker: new CsvWriter(csvPath(dir, 'broker.csv'), COST_COLUMNS.broker),
    };
  }

  private m(x: Money): string { return formatQ(x.value, this.q); }
  private period(time: ServerTime): BrokerPeriod {
    const key = formatServerTime(time).slice(0, 7);
    let p = this.periods.get(key);
    if (!p) this.periods.set(key, (p = newPeriod()));
    return p;
  }

  account(id: string): AccountCosts {
    let a = this.perAccount.get(id);
    if (!a) this.perAccount.set(id, (a = { commissions: Money.zero, swaps: Money.zero, rebates: Money.zero, cashback: Money.zero }));
    return a;
  }

  cost(c: CostLine): void {
    this.files.costs.row([formatServerTime(c.time), c.kind, c.account, c.ticket, c.masterTicket, c.symbol, c.side, c.leg, formatQ(c.volume.value, this.q), priceCell(this.instruments, c.symbol, c.price), this.m(c.amount), c.detail]);
    if (c.kind === 'spread') this.period(c.time).spread = this.period(c.time).spread.minus(c.amount);
  }

  rebate(r: RebateLine): void {
    this.files.rebates.row([
      r.kind, formatServerTime(r.accrued), formatServerTime(r.credited), r.receiver, r.level, r.from, r.to, r.account, r.source, r.ticket, r.masterTicket, r.symbol, r.leg,
      formatQ(r.volume.value, this.q), this.m(r.pool), this.m(r.amount), r.detail,
    ]);
    const account = r.kind === 'rebate' ? r.to : r.from;
    const month = formatServerTime(r.credited).slice(0, 7);
    const key = `${account}\u0000${month}`;
    const st = this.statements.get(key) ?? { account, month, rebates: Money.zero, cashback: Money.zero, lines: 0 };
    this.statements.set(key, r.kind === 'rebate' ? { ...st, rebates: st.rebates.plus(r.amount), lines: st.lines + 1 } : { ...st, cashback: st.cashback.plus(r.amount) });
  }

  /** Each receiver's rebate statement per month credited, receivers in the order first paid: account, month, fill shares, rebates, cashback passed on, net. */
  statementRows(): string[][] {
    const all = [...this.statements.values()];
    const accounts = [...new Set(all.map((st) => st.account))];
    return accounts.flatMap((acc) => all.filter((st) => st.account === acc).sort((x, y) => x.month.localeCompare(y.month)))
      .map((st) => [st.account, st.month, String(st.lines), this.m(st.rebates), this.m(st.cashback), this.m(st.rebates.minus(st.cashback))]);
  }

  /** Journal listener: the money side of commissions, swaps, rebates, cashback and negative balances. */
  entry(e: JournalEntry): void {
    const p = (): BrokerPeriod => this.period(e.time);
    // The broker's periods add up accounts of every currency: in USD at the entry's moment (DOMAIN §1).
    const usd = e.usd ?? e.amount;
    switch (e.reason) {
      case 'commission':
        p().commissions = p().commissions.plus(usd);
        this.account(e.from).commissions = this.account(e.from).commissions.plus(e.amount);
        break;
      case 'swap': {
        const toHouse = e.to === SYSTEM_ACCOUNTS.house;
        p().swaps = toHouse ? p().swaps.plus(usd) : p().swaps.minus(usd);
        const acc = toHouse ? e.from : e.to;
        this.account(acc).swaps = toHouse ? this.account(acc).swaps.minus(e.amount) : this.account(acc).swaps.plus(e.amount);
        break;
      }
      case 'rebate': {
        p().rebatesPaid = p().rebatesPaid.plus(usd);
        this.account(e.to).rebates = this.account(e.to).rebates.plus(e.amount);
        const r = this.receivers.get(e.to) ?? { account: e.to, rebates: Money.zero, cashbackPaid: Money.zero };
        this.receivers.set(e.to, { ...r, rebates: r.rebates.plus(e.amount) });
        break;
      }
      case 'cashback': {
        // An IB and a client in different currencies pay through the conversion account: each leg tallies its own side.
        if (e.to !== SYSTEM_ACCOUNTS.conversion) {
          this.account(e.to).cashback = this.account(e.to).cashback.plus(e.amount);
          this.clientsCashback = this.clientsCashback.plus(usd);
        }
        if (e.from !== SYSTEM_ACCOUNTS.conversion) {
          this.account(e.from).cashback = this.account(e.from).cashback.minus(e.amount);
          const r = this.receivers.get(e.from) ?? { account: e.from, rebates: Money.zero, cashbackPaid: Money.zero };
          this.receivers.set(e.from, { ...r, cashbackPaid: r.cashbackPaid.plus(e.amount) });
        }
        break;
      }
      case 'negative-balance':
        p().negativeBalance = p().negativeBalance.plus(usd);
        break;
      default:
    }
  }

  /** The house's residual exposure: realized P&L of its closed residual legs. */
  trade(t: ClosedTrade): void {
    if (t.account === SYSTEM_ACCOUNTS.house) this.period(t.closeTime).residualRealized = this.period(t.closeTime).residualRealized.plus(t.profit);
  }

  private net(b: BrokerPeriod, floating: Money): Money {
    return b.spread.plus(b.commissions).plus(b.swaps).minus(b.rebatesPaid).minus(b.negativeBalance).plus(b.residualRealized).plus(floating);
  }

  private total(): BrokerPeriod {
    const t = newPeriod();
    for (const b of this.periods.values()) for (const k of Object.keys(t) as Array<keyof BrokerPeriod>) t[k] = t[k].plus(b[k]);
    return t;
  }

  /** Writes broker.csv: a row per month in order, then the total with the house's open residual exposure valued at the end. */
  close(p: Program): void {
    this.residualFloating = Money.sum(p.openPositions().filter((x) => x.account === SYSTEM_ACCOUNTS.house).map((x) => p.floating(x)));
    const row = (label: string, b: BrokerPeriod, floating?: Money): void => {
      const cells = [label, this.m(b.spread), this.m(b.commissions), this.m(b.swaps), this.m(b.rebatesPaid), this.m(b.negativeBalance), this.m(b.residualRealized), floating ? this.m(floating) : '', this.m(this.net(b, floating ?? Money.zero))];
      this.files.broker.row(cells);
      this.brokerRows.push(cells);
    };
    for (const key of [...this.periods.keys()].sort()) row(key, this.periods.get(key)!);
    row('total', this.total(), this.residualFloating);
    for (const f of Object.values(this.files)) f.close();
  }

  /** Closes every file after a failed run. */
  abandon(): void {
    for (const f of Object.values(this.files)) f.abandon();
  }

  counts(): Record<keyof typeof COST_COLUMNS, number> {
    return { costs: this.files.costs.rows, rebates: this.files.rebates.rows, broker: this.files.broker.rows };
  }

  /** summary.json's `rebates` and `broker` sections. */
  summary(): { rebates: Record<string, unknown>; broker: Record<string, string> } {
    const t = this.total();
    return {
      rebates: {
        receivers: [...this.receivers.values()].map((r) => ({
          account: r.account, rebates: this.m(r.rebates), cashbackPaid: this.m(r.cashbackPaid), net: this.m(r.rebates.minus(r.cashbackPaid)),
        })),
        paidByBroker: this.m(t.rebatesPaid),
        cashbackToClients: this.m(this.clientsCashback),
      },
      broker: {
        spread: this.m(t.spread), commissions: this.m(t.commissions), swaps: this.m(t.swaps), rebatesPaid: this.m(t.rebatesPaid),
        negativeBalance: this.m(t.negativeBalance), residualRealized: this.m(t.residualRealized), residualFloating: this.m(this.residualFloating),
        net: this.m(this.net(t, this.residualFloating)),
      },
    };
  }
}
