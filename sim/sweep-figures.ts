// What a sweep keeps of one job (one cell at one seed): a tidy row per subject (the program, the
// manager, each investor, each IB, the broker) for results.csv, and the job's headline figures
// (sweep-cells.ts distributes them over the seeds). Amounts are exact decimal strings; returns,
// drawdowns and tracking errors are the summary's floats.
import { Dec } from '../engine/decimal.js';
import { earningsOf } from './earnings.js';
import type { Summary } from '../reports/summary.js';

/** results.csv's columns after the job's own (cell, variant, seed, the grid's paths). */
export const SUBJECT_COLUMNS = ['subject', 'id', 'model', 'currency', 'equity', 'net_result', 'fees_paid', 'fees_earned', 'rebates', 'twr', 'max_drawdown', 'tracking_error', 'stop_outs', 'breaches'] as const;

export type Better = 'higher' | 'lower';

export interface Figure {
  readonly name: string;
  /** USD amounts are exact decimals; ratios are floats; counts whole numbers. */
  readonly unit: 'USD' | 'ratio' | 'count';
  /** Which way is good for the one who reads it (the worst seed is the other end). */
  readonly better: Better;
  readonly describe: string;
}

/** A job's headline figures, in cells.csv's order. */
export const FIGURES: readonly Figure[] = [
  { name: 'manager_net', unit: 'USD', better: 'higher', describe: "the manager's fees (performance, management, entry, volume) and rebates, net of the cashback it passes on" },
  { name: 'manager_fees', unit: 'USD', better: 'higher', describe: 'the fees the manager earned (without rebates)' },
  { name: 'investors_net', unit: 'USD', better: 'higher', describe: "the investors' net results summed (final equity + withdrawals − deposits), in USD at the end's rates" },
  { name: 'investors_fees', unit: 'USD', better: 'lower', describe: 'every fee the investors paid, summed, in USD' },
  { name: 'ib_net', unit: 'USD', better: 'higher', describe: "the IBs' rebates net of the cashback they pass on, summed" },
  { name: 'broker_net', unit: 'USD', better: 'higher', describe: "the broker's net: spread, commissions and swaps earned, less rebates paid and negative balances absorbed, with its residual exposure's P&L" },
  { name: 'program_equity', unit: 'USD', better: 'higher', describe: "the trading accounts' equity at the end (master, MAM sub-accounts, the pool, clients), in USD" },
  { name: 'investor_twr_mean', unit: 'ratio', better: 'higher', describe: "the investors' time-weighted returns, averaged (0.05 = 5%)" },
  { name: 'investor_twr_worst', unit: 'ratio', better: 'higher', describe: 'the lowest time-weighted return of an investor' },
  { name: 'investor_drawdown_worst', unit: 'ratio', better: 'lower', describe: 'the largest maximum drawdown of an investor (0.2 = 20%)' },
  { name: 'tracking_error_worst', unit: 'ratio', better: 'lower', describe: "the largest |tracking error| of an investor against the master's return" },
  { name: 'tracking_error_mam_worst', unit: 'ratio', better: 'lower', describe: 'the largest |tracking error| of a MAM investor (empty without MAM investors)' },
  { name: 'stop_outs', unit: 'count', better: 'lower', describe: 'stop-outs, all accounts' },
  { name: 'breaches', unit: 'count', better: 'lower', describe: 'limit breaches and hard stops, all accounts' },
];

export interface SweepJobResult {
  /** results.csv rows after the job's own columns, in SUBJECT_COLUMNS order. */
  readonly rows: string[][];
  /** One per FIGURES entry ('' when the job has none, as a tracking error without investors). */
  readonly figures: string[];
}

type Row = Record<(typeof SUBJECT_COLUMNS)[number], string>;
const EMPTY: Row = { subject: '', id: '', model: '', currency: '', equity: '', net_result: '', fees_paid: '', fees_earned: '', rebates: '', twr: '', max_drawdown: '', tracking_error: '', stop_outs: '', breaches: '' };

const x7 = (d: Dec): string => d.toFixed(7);
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** A float in plain digits, never in exponent form (1.7e-7 as 0.00000017), to 10 decimals as the summary rounds them. */
export function plainFloat(x: number): string {
  const t = x.toFixed(10).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return t === '-0' ? '0' : t;
}
/** A summary float (or nothing) as plainFloat shows it. */
const flo = (v: unknown): string => (typeof v === 'number' ? plainFloat(v) : '');

/**
 * Amounts in several currencies summed in USD at the end's rates, each part rounded half-up to
 * the quantum first; '' when a part's currency has no rate (the sum is left empty, not guessed).
 */
export function sumInUsd(rates: Readonly<Record<string, string | null>>, parts: ReadonlyArray<readonly [amount: string, currency: string]>): string {
  let total = new Dec(0);
  for (const [amount, currency] of parts) {
    if (currency === 'USD') {
      total = total.plus(amount);
      continue;
    }
    const rate = rates[currency];
    if (!rate) return '';
    total = total.plus(new Dec(amount).times(rate).toDecimalPlaces(7, Dec.ROUND_HALF_UP));
  }
  return x7(total);
}

/** Every fee an investor paid: performance, management, entry and other (subscription, volume). */
export function investorFees(i: Summary['investors'][number]): Dec {
  return ['performanceFees', 'managementFees', 'entryFees', 'otherFees'].reduce((x, k) => x.plus(str(i[k]) || '0'), new Dec(0));
}

export function sweepJobResult(s: Summary): SweepJobResult {
  const events = s.risk?.events ?? {};
  const count = (account: string, kinds: readonly string[]): number => kinds.reduce((n, k) => n + (events[account]?.[k] ?? 0), 0);
  const total = (kinds: readonly string[]): number => Object.keys(events).reduce((n, a) => n + count(a, kinds), 0);
  const STOP = ['stop-out'];
  const BREACH = ['limit-breach', 'hard-stop'];
  const usdSum = (parts: ReadonlyArray<readonly [amount: string, currency: string]>): string => sumInUsd(s.totals.rates, parts);

  const earnings = earningsOf('', s as unknown as Parameters<typeof earningsOf>[1]);
  const manager = earnings.find((e) => e.party === 'manager')!;
  const pool = s.accounts.find((a) => a.kind === 'pamm');
  const rows: Row[] = [];
  rows.push({
    ...EMPTY, subject: 'program', id: 'program', model: str(s.program.structure), currency: 'USD', equity: s.totals.tradingEquity ?? '',
    net_result: s.totals.realizedPnl === null || s.totals.floatingPnl === null ? '' : x7(new Dec(s.totals.realizedPnl).plus(s.totals.floatingPnl)), fees_paid: usdSum(s.investors.map((i) => [x7(investorFees(i)), str(i.currency)] as const)),
    rebates: str((s.rebates as { paidByBroker?: string }).paidByBroker), twr: flo(s.master.timeWeightedReturn), max_drawdown: flo(s.master.maxDrawdown),
    stop_outs: String(total(STOP)), breaches: String(total(BREACH)),
  });
  rows.push({ ...EMPTY, subject: 'manager', id: 'manager', currency: 'USD', equity: s.manager.total, net_result: manager.net, fees_earned: manager.fees, rebates: manager.rebates });
  for (const i of s.investors) {
    const account = i.model === 'mam' ? `mam:${str(i.id)}` : pool?.id ?? '';
    rows.push({
      ...EMPTY, subject: 'investor', id: str(i.id), model: str(i.model), currency: str(i.currency), equity: str(i.equity), net_result: str(i.netResult), fees_paid: x7(investorFees(i)),
      twr: flo(i.timeWeightedReturn), max_drawdown: flo(i.maxDrawdown), tracking_error: flo(i.trackingError), stop_outs: String(count(account, STOP)), breaches: String(count(account, BREACH)),
    });
  }
  for (const e of earnings) if (e.party !== 'manager' && e.party !== 'clients' && e.party !== 'broker') rows.push({ ...EMPTY, subject: 'ib', id: e.party, currency: 'USD', net_result: e.net, rebates: e.rebates });
  const broker = s.broker;
  rows.push({ ...EMPTY, subject: 'broker', id: 'broker', currency: 'USD', net_result: broker.net!, rebates: broker.rebatesPaid! });

  const investors = rows.filter((r) => r.subject === 'investor');
  const floats = (rs: Row[], k: keyof Row): number[] => rs.map((r) => Number(r[k])).filter((v) => Number.isFinite(v));
  const twr = floats(investors, 'twr');
  const te = (rs: Row[]): string => (rs.length ? plainFloat(Math.max(...rs.map((r) => Math.abs(Number(r.tracking_error))))) : '');
  const sum = (rs: Row[], k: keyof Row): string => usdSum(rs.map((r) => [r[k] || '0', r.currency] as const));
  const byName: Record<string, string> = {
    manager_net: manager.net, manager_fees: manager.fees,
    investors_net: sum(investors, 'net_result'), investors_fees: sum(investors, 'fees_paid'),
    ib_net: sum(rows.filter((r) => r.subject === 'ib'), 'net_result'), broker_net: broker.net!, program_equity: s.totals.tradingEquity ?? '',
    investor_twr_mean: twr.length ? plainFloat(twr.reduce((a, b) => a + b, 0) / twr.length) : '',
    investor_twr_worst: twr.length ? plainFloat(Math.min(...twr)) : '',
    investor_drawdown_worst: investors.length ? plainFloat(Math.max(...floats(investors, 'max_drawdown'))) : '',
    tracking_error_worst: te(investors), tracking_error_mam_worst: te(investors.filter((r) => r.model === 'mam')),
    stop_outs: String(total(STOP)), breaches: String(total(BREACH)),
  };
  return { rows: rows.map((r) => SUBJECT_COLUMNS.map((c) => r[c])), figures: FIGURES.map((f) => byName[f.name]!) };
}
