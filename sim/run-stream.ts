// What a library caller streams from a run while it goes: every engine event and, at the end of
// each server day, a snapshot of the accounts and investors. Both are plain objects whose amounts
// are exact decimal strings (never binary floats), so a caller can print, store or sum them without
// losing the last 0.0000001; a caller who wants arithmetic parses them with a decimal library.
import type { Dec } from '../engine/decimal.js';
import type { EngineEvent, EventKind } from '../engine/events.js';
import type { Instrument } from '../engine/instrument.js';
import { type Quantum, formatQ } from '../engine/quantum.js';
import { priceCell } from '../reports/csv.js';
import type { Program } from '../engine/program.js';
import { type ServerTime, formatServerTime } from '../engine/time.js';

/** One engine event: the same record events.csv holds, with its time in server time. */
export interface RunEvent {
  /** Server time, `YYYY-MM-DDTHH:MM:SS` (milliseconds when not whole). */
  readonly time: string;
  readonly kind: EventKind;
  readonly account?: string;
  readonly investor?: string;
  readonly ticket?: string;
  readonly symbol?: string;
  /** Lots, exact. */
  readonly volume?: string;
  /** In the account's currency, exact. */
  readonly amount?: string;
  /** PAMM units, exact. */
  readonly units?: string;
  readonly price?: string;
  /** Why, in words. */
  readonly reason: string;
}

/** The program at the end of one server day (its last instant in the run). */
export interface DaySnapshot {
  /** The server day, `YYYY-MM-DD`. */
  readonly date: string;
  /** The day's last instant of the run, server time. */
  readonly time: string;
  /** Every account: the master, MAM sub-accounts, the pool, the house, clients; equity = balance + floating. */
  readonly accounts: ReadonlyArray<{ readonly id: string; readonly kind: string; readonly balance: string; readonly equity: string; readonly floating: string; readonly openVolume: string }>;
  /** Every investor's equity (a PAMM member's: units × NAV), its high-water mark and units. */
  readonly investors: ReadonlyArray<{ readonly id: string; readonly model: 'mam' | 'pamm'; readonly active: boolean; readonly equity: string; readonly mark: string; readonly units?: string }>;
  /** The pool's NAV per unit to 10 decimals, when the program has a pool. */
  readonly nav?: string;
}

/** The engine's event as a plain record (omitting what it does not carry), its figures written as events.csv writes them. */
export function runEvent(e: EngineEvent, q: Quantum, instruments: ReadonlyMap<string, Instrument>): RunEvent {
  return {
    time: formatServerTime(e.time),
    kind: e.kind,
    ...(e.account !== undefined ? { account: e.account } : {}),
    ...(e.investor !== undefined ? { investor: e.investor } : {}),
    ...(e.ticket !== undefined ? { ticket: e.ticket } : {}),
    ...(e.symbol !== undefined ? { symbol: e.symbol } : {}),
    ...(e.volume !== undefined ? { volume: formatQ(e.volume.value, q) } : {}),
    ...(e.amount !== undefined ? { amount: formatQ(e.amount.value, q) } : {}),
    ...(e.units !== undefined ? { units: formatQ(e.units.value, q) } : {}),
    ...(e.price !== undefined ? { price: priceCell(instruments, e.symbol, e.price)! } : {}),
    reason: e.reason,
  };
}

/** The program now, as the day's snapshot (read-only; costs one pass over the accounts and investors). */
export function daySnapshot(time: ServerTime, p: Program, q: Quantum): DaySnapshot {
  const f = (x: { readonly value: Dec }): string => formatQ(x.value, q);
  const nav = p.nav();
  return {
    date: formatServerTime(time).slice(0, 10),
    time: formatServerTime(time),
    accounts: p.accountSnapshots().map((a) => ({ id: a.id, kind: a.kind, balance: f(a.balance), equity: f(a.equity), floating: f(a.floating), openVolume: f(a.openVolume) })),
    investors: p.investorSnapshots().map((i) => ({ id: i.id, model: i.model, active: i.active, equity: f(i.equity), mark: f(i.mark), ...(i.units ? { units: f(i.units) } : {}) })),
    // The NAV to 10 decimals, as equity.csv and summary.json give it (a quotient: not on the quantum).
    ...(nav !== undefined ? { nav: nav.toFixed(10) } : {}),
  };
}
