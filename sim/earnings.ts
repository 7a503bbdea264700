// Who earns what in a finished run: the manager (fees and rebates, net of the cashback it passes
// on), each IB, the clients (cashback) and the broker, as exact decimal strings from the run's
// summary. Compare's earnings.csv and a sweep job's rows and figures both read it.
import { Dec } from '../engine/decimal.js';

/** Who earns what in each variant: the manager (fees and rebates), each IB, the clients (cashback) and the broker. */
export const EARNINGS_COLUMNS = ['variant', 'party', 'fees', 'rebates', 'cashback', 'net'] as const;
export type Earning = Record<(typeof EARNINGS_COLUMNS)[number], string>;

export interface SummaryLike {
  program: { structure: string; allocation: string };
  policies: { roundingMode: string; belowMinLot: string };
  accounts: Array<Record<string, string>>;
  investors: Array<Record<string, string | number | boolean | null>>;
  manager: { feesByKind: Record<string, string> };
  rebates: { receivers: Array<{ account: string; rebates: string; cashbackPaid: string; net: string }>; cashbackToClients: string };
  broker: { net: string };
}

/** The parties' earnings of one variant: exact decimal strings. */
export function earningsOf(variant: string, s: SummaryLike): Earning[] {
  const x = (d: Dec | string | number): string => new Dec(d).toFixed(7);
  const receiver = new Map(s.rebates.receivers.map((r) => [r.account, r]));
  const fees = Object.entries(s.manager.feesByKind).filter(([k]) => k !== 'rebate').reduce((x, [, v]) => x.plus(v), new Dec(0));
  const mgr = receiver.get('fees');
  const out: Earning[] = [{
    variant, party: 'manager', fees: x(fees), rebates: x(mgr?.rebates ?? 0), cashback: x(new Dec(mgr?.cashbackPaid ?? 0).neg()),
    net: x(fees.plus(mgr?.net ?? 0)),
  }];
  for (const r of s.rebates.receivers) if (r.account !== 'fees') out.push({ variant, party: r.account, fees: '', rebates: x(r.rebates), cashback: x(new Dec(r.cashbackPaid).neg()), net: x(r.net) });
  out.push({ variant, party: 'clients', fees: '', rebates: '', cashback: x(s.rebates.cashbackToClients), net: x(s.rebates.cashbackToClients) });
  out.push({ variant, party: 'broker', fees: '', rebates: '', cashback: '', net: x(s.broker.net) });
  return out;
}

