// Fixtures for the risk tests: instruments, risk terms and a program with risk rules and invariant checks.
import { expect } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import type { Instrument } from '../engine/instrument.js';
import { DEFAULT_POLICIES, type Policies } from '../engine/policies.js';
import { Program } from '../engine/program.js';
import type { ProgramConfig } from '../engine/program-state.js';
import { DEFAULT_QUANTUM } from '../engine/quantum.js';
import type { RiskTerms } from '../engine/risk.js';
import { serverTime } from '../engine/time.js';
import { Price, Volume } from '../engine/values.js';

const lots = { minLot: Volume.of('0.01'), lotStep: Volume.of('0.01'), maxLot: Volume.of('100') };
export const EURUSD: Instrument = { symbol: 'EURUSD', class: 'fx-major', base: 'EUR', quote: 'USD', contractSize: new Dec(100000), digits: 5, pipSize: new Dec('0.0001'), ...lots, marginMode: 'forex' };
export const USDJPY: Instrument = { symbol: 'USDJPY', class: 'fx-major', base: 'USD', quote: 'JPY', contractSize: new Dec(100000), digits: 3, pipSize: new Dec('0.01'), ...lots, marginMode: 'forex' };
export const US30: Instrument = { symbol: 'US30', class: 'index', base: 'US30', quote: 'USD', contractSize: new Dec(1), digits: 1, pipSize: new Dec(1), ...lots, marginMode: 'cfd' };
export const JP225: Instrument = { symbol: 'JP225', class: 'index', base: 'JP225', quote: 'JPY', contractSize: new Dec(100), digits: 0, pipSize: new Dec(1), ...lots, marginMode: 'cfd' };

export const at = (day: number, h: number, m = 0) => serverTime(Date.UTC(2024, 2, day, h, m));

export function riskTerms(over: Partial<RiskTerms> = {}): RiskTerms {
  return { leverage: { default: new Dec(100), byClass: new Map() }, marginCall: new Dec(100), stopOut: new Dec(30), ...over };
}

/** A program with risk rules; `quote` sets bid and ask (equal when ask is omitted: no spread). */
export function riskProgram(risk: RiskTerms, opts: { structure?: 'block' | 'signal'; policies?: Partial<Policies>; pool?: boolean; instruments?: Instrument[]; extra?: Partial<ProgramConfig> } = {}) {
  const sink = new MemorySink();
  const tally = new ConservationTally(sink);
  const structure = opts.structure ?? 'block';
  const instruments = opts.instruments ?? [EURUSD];
  const p = new Program({
    structure, allocation: structure === 'block' ? 'equity' : 'proportional', quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, ...opts.policies },
    instruments: new Map(instruments.map((i) => [i.symbol, i])), performanceFeeRate: new Dec('0.2'),
    pool: opts.pool ? { id: 'pamm', initialNav: new Dec(1) } : undefined, risk, ...opts.extra,
  }, tally);
  const quote = (time: number, bid: string, ask = bid, symbol = 'EURUSD') => p.onQuote(symbol, { time: serverTime(time), bid: Price.of(bid), ask: Price.of(ask) }, { continuous: false, marketOpen: true });
  const events = (kind: string) => sink.events.filter((e) => e.kind === kind);
  const margin = (id: string) => p.marginSnapshots().find((m) => m.id === id)!;
  const invariants = () => expect(checkInvariants(p, tally)).toEqual([]);
  return { p, sink, quote, events, margin, invariants };
}

