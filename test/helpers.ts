// Test helpers: run a scenario in memory with the invariants checked after every event.
import { readCsv } from '../reports/golden-canon.js';
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { resolve } from 'node:path';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import type { JournalEntry } from '../engine/journal.js';
import type { Program } from '../engine/program.js';
import { formatServerTime } from '../engine/time.js';
import { runScenario } from '../sim/runner.js';
import type { BookOrder } from '../engine/book-desk.js';
import type { Book } from '../sim/book.js';
import { runBook } from '../sim/book-run.js';
import { loadScenario, type Scenario } from '../sim/scenario.js';
import { type ChartPoint, ChartSampler, type HealthPoint } from '../reports/chart-data.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const scenarioPath = (name: string) => resolve(ROOT, 'scenarios', name);
export const bundledScenarios = () => readdirSync(resolve(ROOT, 'scenarios')).filter((f) => /\.(json|ya?ml)$/.test(f)).sort();

export interface CheckedRun {
  scenario: Scenario;
  program: Program;
  sink: MemorySink;
  entries: JournalEntry[];
  checks: number;
  broken: string[];
  /** Values seen by `probe` around each action, keyed by action label. */
  around: Map<string, { before: unknown; after: unknown }>;
}

/** Runs with every invariant checked after every quote and action; `probe` snapshots whatever a test wants around actions. */
export function checkedRun(source: string | Scenario, probe?: (p: Program) => unknown): CheckedRun {
  const scenario = typeof source === 'string' ? loadScenario(source) : source;
  const sink = new MemorySink();
  // Checked after every event, so the checks of each event against the state before it apply too.
  const tally = new ConservationTally(sink, { maxPerformanceRate: maxPerformanceRate(scenario) });
  const entries: JournalEntry[] = [];
  const broken: string[] = [];
  const around = new Map<string, { before: unknown; after: unknown }>();
  let checks = 0;
  let last: unknown;
  const program = runScenario(scenario, tally, {
    afterEach(label, time, p) {
      checks++;
      for (const b of checkInvariants(p, tally, entries)) broken.push(`${formatServerTime(time)} after ${label}: ${b}`);
      if (probe) {
        const now = probe(p);
        around.set(label, { before: last, after: now });
        last = now;
      }
    },
  }, (p) => p.journal.onEntry((e) => entries.push(e)));
  return { scenario, program, sink, entries, checks, broken, around };
}

/** The highest performance-fee rate a scenario sets: the program's own, or a term change's. */
export function maxPerformanceRate(s: Scenario): Dec {
  const flat = s.termChanges.reduce((m, c) => (c.performanceFee ? Dec.max(m, c.performanceFee) : m), s.performanceFee);
  // Tiered fees never charge more than their highest rate on the gain.
  return (s.performanceFeeTiers?.tiers ?? []).reduce((m, t) => Dec.max(m, t.rate), flat);
}

/**
 * Rebate statements against the journal: the lines paid between two accounts sum to the
 * journal's entries between them; every rebate comes from the house; and the shares of one
 * fill's pool never add up to more than the pool.
 */
export function reconcileRebates(r: CheckedRun): void {
  for (const reason of ['rebate', 'cashback'] as const) {
    const journal = new Map<string, string>();
    const lines = new Map<string, string>();
    const add = (m: Map<string, string>, k: string, v: string) => m.set(k, new Dec(m.get(k) ?? 0).plus(v).toString());
    // Rebates are reckoned in USD: an entry in another currency states that USD amount (`usd`); a payment between two
    // currencies is two legs through the conversion account (payer → conversion, then conversion → payee), one payment here.
    const entries = r.entries.filter((x) => x.reason === reason);
    entries.forEach((e, i) => {
      if (e.from === 'conversion') return;
      const to = e.to === 'conversion' ? entries[i + 1]!.to : e.to;
      add(journal, `${e.from}→${to}`, (e.usd ?? e.amount).toString());
    });
    for (const l of r.sink.rebates.filter((x) => x.kind === reason)) add(lines, `${l.from}→${l.to}`, l.amount.toString());
    expect(lines).toEqual(journal);
  }
  expect(r.entries.filter((e) => e.reason === 'rebate' && e.from !== 'house')).toEqual([]);
  // One fill's lines share its instant, account, ticket, leg, source, volume and pool, and name each receiver level once;
  // a position that closes twice at one instant with the same volume gives two fills under one key, so a
  // receiver level seen n times there means n pools.
  const pools = new Map<string, { pool: Dec; paid: Dec; levels: Map<string, number> }>();
  for (const l of r.sink.rebates.filter((x) => x.kind === 'rebate')) {
    const key = `${l.accrued}|${l.account}|${l.ticket}|${l.leg}|${l.source ?? ''}|${l.volume.toString()}|${l.pool.toString()}`;
    const g = pools.get(key) ?? { pool: l.pool.value, paid: new Dec(0), levels: new Map<string, number>() };
    const level = `${l.receiver}@${l.level}`;
    g.levels.set(level, (g.levels.get(level) ?? 0) + 1);
    pools.set(key, { ...g, paid: g.paid.plus(l.amount.value) });
  }
  for (const [key, g] of pools) {
    const fills = Math.max(...g.levels.values());
    expect(g.paid.lte(g.pool.times(fills)), `${key}: paid ${g.paid.toString()} of ${fills} pool(s) of ${g.pool.toString()}`).toBe(true);
  }
}

/** A CSV output file's rows as records by column name. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const { header, rows } = readCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** The charts' sampler fed from raw points, one sample per instant (every investor in the program, the MAM model unless `models` says otherwise). */
export function sampleOf(points: readonly ChartPoint[], health: readonly HealthPoint[] = [], models: ReadonlyMap<string, 'mam' | 'pamm'> = new Map(), stopOut?: number): ChartSampler {
  const s = new ChartSampler(stopOut);
  const times = [...new Set([...points.map((p) => p.time), ...health.map((h) => h.time)])].sort((a, b) => a - b);
  for (const t of times) {
    const at = points.filter((p) => p.time === t);
    const master = at.find((p) => p.subject === 'master');
    s.add(t, at.filter((p) => p.subject !== 'master').map((p) => ({ id: p.subject, model: models.get(p.subject) ?? 'mam', equity: p.equity, inProgram: true })), master?.equity, health.filter((h) => h.time === t));
  }
  return s;
}

/** Runs a book with the invariants of every program checked after every event; returns the desk's orders. */
export function checkedBook(book: Book): { orders: BookOrder[]; broken: string[]; checks: number; run: ReturnType<typeof runBook>; fills: Map<string, string[]> } {
  let checks = 0;
  const orders: BookOrder[] = [];
  const broken: string[] = [];
  const fills = new Map<string, string[]>();
  const tallies = new Map<string, { tally: ConservationTally; entries: JournalEntry[] }>();
  // What reached the market so far per symbol: Σ external of the book's orders (broker-wide) or of the programs' (per program).
  const sent = new Map<string, Dec>();
  const run = runBook(book, (bp) => {
    const entries: JournalEntry[] = [];
    const tally = new ConservationTally({
      event: () => {}, trade: (t) => fills.set(`${bp.id} ${t.account}`, [...(fills.get(`${bp.id} ${t.account}`) ?? []), `${t.openPrice.toString()}→${t.closePrice.toString()}`]),
      execution: (_time, o) => {
        if (book.netting === 'per-program') sent.set(o.symbol, (sent.get(o.symbol) ?? new Dec(0)).plus(o.external));
      },
    }, { maxPerformanceRate: maxPerformanceRate(bp.scenario) });
    tallies.set(bp.id, { tally, entries });
    return { sink: tally, attach: (p) => p.journal.onEntry((e) => entries.push(e)) };
  }, {
    afterEach: (id, label, time, p) => {
      checks++;
      const t = tallies.get(id)!;
      for (const b of checkInvariants(p, t.tally, t.entries)) broken.push(`${id} ${formatServerTime(time)} after ${label}: ${b}`);
    },
    afterInstant: (time, os, _end, r) => {
      orders.push(...os);
      for (const o of os) sent.set(o.symbol, (sent.get(o.symbol) ?? new Dec(0)).plus(o.external));
      // The market holds what was sent: the programs' exposure through their executives plus the house's residual.
      for (const [symbol, x] of sent) {
        const held = r.exposure(symbol).plus(r.house(symbol));
        if (!x.eq(held)) broken.push(`${formatServerTime(time)} ${symbol}: sent ${x.toString()}, held ${held.toString()}`);
        if (!x.mod('0.01').isZero()) broken.push(`${formatServerTime(time)} ${symbol}: the market holds ${x.toString()}, not whole lot steps`);
      }
    },
  });
  return { orders, broken, checks, run, fills };
}

