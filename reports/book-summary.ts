// summary.json of a broker's book (DOMAIN §12, docs/book.md): each program's summary as a
// one-program run has it, the broker's book across them, and the leaderboard. Every money
// figure is a decimal string on the quantum, summed exactly from the programs' own figures.
import { Dec } from '../engine/decimal.js';
import type { DeskTally } from '../engine/book-desk.js';
import { type Quantum, formatQ } from '../engine/quantum.js';
import { type LeaderboardRow, leaderboard } from './leaderboard.js';
import type { Summary } from './summary.js';

/** The broker figures of a program's summary (summary.json `broker`), in the order broker.csv has them. */
export const BROKER_KINDS = ['spread', 'commissions', 'swaps', 'rebatesPaid', 'negativeBalance', 'residualRealized', 'residualFloating', 'net'] as const;

/** A program's summary in the book's: as its own summary.json has it, the version said once at the top. */
export interface BookProgramSummary extends Omit<Summary, 'mamlab'> {
  readonly id: string;
  readonly name: string;
}

/** Per symbol at a moment: every program's exposure through its executive, the house's residual, and what that leaves in the market (lots, buy positive). */
export interface ExposurePoint {
  readonly clients: string;
  readonly house: string;
  readonly market: string;
}

export interface BookFigures {
  readonly currency: 'USD';
  readonly netting: string;
  /**
   * The broker's revenue by kind (each the sum of the programs' `broker` figures, plus, netting
   * broker-wide, the book house's residual), by program, and the spread the external orders
   * paid against the mid, beside it and never inside `net`.
   */
  readonly revenue: {
    readonly byKind: Readonly<Record<string, string>>;
    readonly byProgram: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** The book house's own residual (netting broker-wide; zero per program, where each program's house holds it). */
    readonly bookResidual: { readonly realized: string; readonly floating: string };
    readonly net: string;
    readonly externalSpread: string;
    /** What the houses' residual legs got against the mid at their fills: in `spread` (the clients paid it) and in the residual's P&L both, so taken off once. */
    readonly houseSpread: string;
    /** net − externalSpread − houseSpread: what the broker keeps once the book is hedged. */
    readonly netAfterExternalSpread: string;
  };
  /** Negative balances the broker absorbed, by program and in total. */
  readonly negativeBalanceAbsorbed: { readonly total: string; readonly byProgram: Readonly<Record<string, string>> };
  /** What reached the market: the programs' own orders, the book's external orders, and what netting kept off the market. */
  readonly market: {
    readonly programOrders: number;
    readonly programVolume: string;
    readonly externalOrders: number;
    readonly externalVolume: string;
    readonly internalizedVolume: string;
    readonly externalSpread: string;
  };
  /** The residual below the lot step, per program (their own houses) and the book's (netting broker-wide). */
  readonly residual: {
    readonly byProgram: Readonly<Record<string, { readonly realized: string; readonly floating: string }>>;
    readonly book: { readonly realized: string; readonly floating: string };
    readonly total: { readonly realized: string; readonly floating: string };
  };
  /** Net exposure over time (book-exposure.csv has every server day): the largest by symbol and at the end. */
  readonly exposure: {
    readonly peak: Readonly<Record<string, { readonly date: string; readonly clients: string }>>;
    readonly end: Readonly<Record<string, ExposurePoint>>;
  };
  /** Investors' equity at the end (aum.csv has every server day), in total and by program; investors active at the end. */
  readonly aum: { readonly total: string; readonly byProgram: Readonly<Record<string, string>>; readonly investors: number };
  /** The managers' fees (charged to investors, rebates not counted; USD at the end's mid), by program and in total. */
  readonly managerFees: { readonly total: string; readonly byProgram: Readonly<Record<string, string>> };
  /** The rebates each manager earned on its programs' volume (USD at the end's mid): beside the fees, not in them. */
  readonly managerRebates: { readonly total: string; readonly byProgram: Readonly<Record<string, string>> };
  /** Per program, the risk events of its accounts by kind (margin-call, stop-out, limit-breach, hard-stop, …), counted over its accounts; programs with none are left out. */
  readonly riskEvents: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * Each IB's earnings across the book: rebates (net of cashback it passed on) and the shares of
   * managers' fees it was paid, in total and by program (USD at the end's mid).
   */
  readonly ibs: Readonly<Record<string, { readonly rebates: string; readonly feeShares: string; readonly total: string; readonly byProgram: Readonly<Record<string, string>> }>>;
  /** The client accounts outside the programs (`accounts`): their first cash, the cash they hold at the end, and the program each is in then (null: none). */
  readonly accounts: ReadonlyArray<{ readonly id: string; readonly deposit: string; readonly cash: string; readonly program: string | null }>;
}

export interface BookSummary {
  readonly mamlab: { readonly version: string };
  /** The book: its name, description, file (the name, as a run's summary gives it), hash (sim/book.ts Book.hash), netting, programs, seed and period. */
  readonly scenario: { readonly name: string; readonly description: string; readonly file: string; readonly hash: string; readonly netting: string; readonly programs: number; readonly seed: number; readonly start: string; readonly end: string };
  readonly programs: readonly BookProgramSummary[];
  readonly book: BookFigures;
  readonly leaderboard: readonly LeaderboardRow[];
}

/** What the book run gathered beside the programs' summaries. */
export interface BookTallies {
  readonly desk: DeskTally;
  readonly deskFloating: Dec;
  readonly programOrders: number;
  readonly programVolume: Dec;
  readonly aum: ReadonlyMap<string, { aum: Dec; investors: number }>;
  readonly peak: ReadonlyMap<string, { date: string; clients: Dec }>;
  readonly end: ReadonlyMap<string, { clients: Dec; house: Dec }>;
  readonly accounts: ReadonlyArray<{ id: string; deposit: Dec; cash: Dec; program: string | null }>;
  /** An amount a program's account holds (its fee account `fees`, an IB's `ib:ID`) in USD at the end's mid, on the quantum. */
  readonly usd: (program: string, account: string, amount: string) => Dec;
}

const sumOf = (xs: readonly string[]): Dec => xs.reduce((x, s) => x.plus(s), new Dec(0));

export function buildBookSummary(meta: BookSummary['scenario'], version: string, q: Quantum, programs: readonly BookProgramSummary[], t: BookTallies): BookSummary {
  const m = (x: Dec): string => formatQ(x, q);
  const byProgram = Object.fromEntries(programs.map((p) => [p.id, Object.fromEntries(BROKER_KINDS.map((k) => [k, p.broker[k] ?? m(new Dec(0))]))]));
  const bookRealized = t.desk.residualRealized.value, bookFloating = t.deskFloating;
  const byKind: Record<string, string> = {};
  for (const k of BROKER_KINDS) {
    let total = sumOf(programs.map((p) => p.broker[k] ?? '0'));
    if (k === 'residualRealized' || k === 'net') total = total.plus(bookRealized);
    if (k === 'residualFloating' || k === 'net') total = total.plus(bookFloating);
    byKind[k] = m(total);
  }
  const net = new Dec(byKind.net!);
  // What the manager charged its investors (before fee shares to IBs); its rebates are the broker's, not a fee.
  const feesOf = (p: BookProgramSummary): Dec => t.usd(p.id, 'fees', sumOf(Object.entries(p.manager.feesByKind).filter(([k]) => k !== 'rebate').map(([, v]) => v)).toString());
  const entries = programs.map((p) => ({
    id: p.id, name: p.name, return: p.master.timeWeightedReturn, maxDrawdown: p.master.maxDrawdown,
    aum: m(t.aum.get(p.id)?.aum ?? new Dec(0)), investors: t.aum.get(p.id)?.investors ?? 0, fees: m(feesOf(p)),
  }));
  const rebates = programs.map((p) => [p.id, m(t.usd(p.id, 'fees', p.manager.feesByKind.rebate ?? '0'))] as [string, string]);
  const residualOf = (p: BookProgramSummary): { realized: string; floating: string } => ({ realized: p.broker.residualRealized ?? m(new Dec(0)), floating: p.broker.residualFloating ?? m(new Dec(0)) });
  return {
    mamlab: { version },
    scenario: meta,
    programs,
    book: {
      currency: 'USD',
      netting: meta.netting,
      revenue: {
        byKind, byProgram,
        bookResidual: { realized: m(bookRealized), floating: m(bookFloating) },
        net: m(net),
        externalSpread: m(t.desk.externalSpread.value),
        houseSpread: m(t.desk.houseSpread.value),
        netAfterExternalSpread: m(net.minus(t.desk.externalSpread.value).minus(t.desk.houseSpread.value)),
      },
      negativeBalanceAbsorbed: { total: byKind.negativeBalance!, byProgram: Object.fromEntries(programs.map((p) => [p.id, p.broker.negativeBalance ?? m(new Dec(0))])) },
      market: {
        programOrders: t.programOrders, programVolume: m(t.programVolume),
        externalOrders: t.desk.orders, externalVolume: m(t.desk.externalVolume),
        internalizedVolume: m(t.desk.internalizedVolume), externalSpread: m(t.desk.externalSpread.value),
      },
      residual: {
        byProgram: Object.fromEntries(programs.map((p) => [p.id, residualOf(p)])),
        book: { realized: m(bookRealized), floating: m(bookFloating) },
        total: { realized: byKind.residualRealized!, floating: byKind.residualFloating! },
      },
      exposure: {
        peak: Object.fromEntries([...t.peak].map(([s, x]) => [s, { date: x.date, clients: m(x.clients) }])),
        end: Object.fromEntries([...t.end].map(([s, x]) => [s, { clients: m(x.clients), house: m(x.house), market: m(x.clients.plus(x.house)) }])),
      },
      aum: { total: m(sumOf(entries.map((e) => e.aum))), byProgram: Object.fromEntries(entries.map((e) => [e.id, e.aum])), investors: entries.reduce((n, e) => n + e.investors, 0) },
      managerFees: { total: m(sumOf(entries.map((e) => e.fees))), byProgram: Object.fromEntries(entries.map((e) => [e.id, e.fees])) },
      managerRebates: { total: m(sumOf(rebates.map(([, v]) => v))), byProgram: Object.fromEntries(rebates) },
      riskEvents: riskEventsOf(programs),
      ibs: ibEarnings(programs, m, t.usd),
      accounts: t.accounts.map((a) => ({ id: a.id, deposit: m(a.deposit), cash: m(a.cash), program: a.program })),
    },
    leaderboard: leaderboard(entries),
  };
}

/** Each IB's rebates and fee shares across the programs (summary.json `rebates.receivers`, `manager.feeSharesPaid`), ids in code-unit order. */
function ibEarnings(programs: readonly BookProgramSummary[], m: (x: Dec) => string, usd: BookTallies['usd']): BookFigures['ibs'] {
  const ibs = new Map<string, { rebates: Dec; feeShares: Dec; byProgram: Map<string, Dec> }>();
  const add = (account: string, program: string, kind: 'rebates' | 'feeShares', amount: string): void => {
    if (!account.startsWith('ib:')) return;
    const id = account.slice(3);
    amount = usd(program, account, amount).toString();
    const t = ibs.get(id) ?? { rebates: new Dec(0), feeShares: new Dec(0), byProgram: new Map<string, Dec>() };
    t[kind] = t[kind].plus(amount);
    t.byProgram.set(program, (t.byProgram.get(program) ?? new Dec(0)).plus(amount));
    ibs.set(id, t);
  };
  for (const p of programs) {
    const receivers = ((p.rebates as { receivers?: Array<{ account: string; net: string }> }).receivers ?? []);
    for (const r of receivers) add(r.account, p.id, 'rebates', r.net);
    for (const [account, amount] of Object.entries(p.manager.feeSharesPaid)) add(account, p.id, 'feeShares', amount);
  }
  return Object.fromEntries([...ibs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, t]) => [id, {
    rebates: m(t.rebates), feeShares: m(t.feeShares), total: m(t.rebates.plus(t.feeShares)),
    byProgram: Object.fromEntries(programs.filter((p) => t.byProgram.has(p.id)).map((p) => [p.id, m(t.byProgram.get(p.id)!)])),
  }]));
}

/** Each program's risk events by kind, summed over its accounts (summary.json `risk.events`), kinds in code-unit order. */
function riskEventsOf(programs: readonly BookProgramSummary[]): BookFigures['riskEvents'] {
  const out: Record<string, Record<string, number>> = {};
  for (const p of programs) {
    const kinds = new Map<string, number>();
    for (const byKind of Object.values(p.risk?.events ?? {})) for (const [k, n] of Object.entries(byKind)) kinds.set(k, (kinds.get(k) ?? 0) + n);
    if (kinds.size) out[p.id] = Object.fromEntries([...kinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return out;
}
