// The library entry (index.ts): what `import … from 'mamlab'` gives, checked on seed 001, whose
// figures the rulebook works out by hand: a PAMM pool of 15,000 (manager 3,000, investors
// 4,500, 4,500 and 3,000) that triples, a 20% performance fee on the investors' profit.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { type DaySnapshot, InputError, type RunEvent, checkScenario, loadScenario, monteCarlo, parseScenario, runScenario } from '../index.js';

const SEED001 = 'scenarios/seed001-profit-distribution.json';

describe('runScenario from the library', () => {
  it('returns the summary with exact decimal strings and streams every event and every day', () => {
    const events: RunEvent[] = [];
    const days: DaySnapshot[] = [];
    const r = runScenario(SEED001, { onEvent: (e) => events.push(e), onDay: (d) => days.push(d) });
    // Investors' profit: (9,000 + 9,000 + 6,000) = 24,000; 20% = 4,800 of fees; the manager's 3,000 tripled is 9,000.
    expect(r.summary.manager.feeAccount).toBe('4800.0000000');
    expect(r.summary.manager.total).toBe('13800.0000000');
    expect(r.outDir).toBeUndefined();
    // One event per row of events.csv, in time order, amounts as decimal strings.
    expect(events.length).toBe(r.summary.counts.events);
    expect(events.map((e) => e.time)).toEqual([...events.map((e) => e.time)].sort());
    const fees = events.filter((e) => e.kind === 'performance-fee');
    expect(fees.map((e) => e.amount).every((a) => typeof a === 'string')).toBe(true);
    // 20% of each investor's profit: 1,800, 1,800 and 1,200.
    expect(fees.map((e) => [e.investor, e.amount])).toEqual([['investor-1', '1800.0000000'], ['investor-2', '1800.0000000'], ['investor-3', '1200.0000000']]);
    expect(fees.reduce((s, e) => s.plus(e.amount!), new Dec(0)).toString()).toBe('4800');
    // Days: one snapshot per server day the run has an instant on, in order, the last on the end's day (2024-04-01).
    expect(days.map((d) => d.date)).toEqual([...new Set(days.map((d) => d.date))].sort());
    expect(days.at(-1)!.date).toBe('2024-04-01');
    expect(days[0]!.date).toBe('2024-03-01');
    // The first day: nothing traded yet, every member's equity is its deposit (units × NAV 1).
    const first = days[0]!;
    expect(first.nav).toBe('1.0000000000');
    // Amounts are written as the CSV files write them: on the 0.0000001 quantum.
    expect(Object.fromEntries(first.investors.map((i) => [i.id, i.equity]))).toEqual({ manager: '3000.0000000', 'investor-1': '4500.0000000', 'investor-2': '4500.0000000', 'investor-3': '3000.0000000' });
    // The last day agrees with the summary, and units × NAV is each member's equity.
    const last = days.at(-1)!;
    for (const inv of last.investors) {
      const summarized = r.summary.investors.find((i) => i.id === inv.id)!;
      expect(new Dec(inv.equity).eq(String(summarized.equity))).toBe(true);
      expect(new Dec(inv.units!).times(last.nav!).minus(inv.equity).abs().lte('0.0000001')).toBe(true);
    }
  });

  it('writes the output contract only when asked, the same summary as in memory', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mamlab-lib-')), 'run');
    try {
      const streamed: RunEvent[] = [];
      const written = runScenario(loadScenario(SEED001), { out, investorPages: 'none', onEvent: (e) => streamed.push(e) });
      // Each streamed event is its row of events.csv, field for field.
      const rows = parse(readFileSync(join(out, 'events.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
      expect(streamed.map((e) => [e.time, e.kind, e.account ?? '', e.investor ?? '', e.ticket ?? '', e.volume ?? '', e.amount ?? '', e.units ?? '', e.price ?? '', e.reason]))
        .toEqual(rows.map((r) => [r.time, r.kind, r.account, r.investor, r.ticket, r.volume, r.amount, r.units, r.price, r.reason]));
      expect(written.outDir).toBe(out);
      const onDisk = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as unknown;
      expect(onDisk).toEqual(JSON.parse(JSON.stringify(runScenario(SEED001).summary)));
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });

  it('throws InputError on bad input, and a TypeError for an option that would do nothing', () => {
    expect(() => runScenario('scenarios/no-such-file.json')).toThrow(InputError);
    expect(() => runScenario(loadScenario(SEED001), { seed: 3 })).toThrow(/seed and dataDirs apply when the scenario is a path/);
    expect(() => runScenario(SEED001, { investorPages: 'all' })).toThrow(/they need out/);
    // From JavaScript, where the types do not stop it: a job command without out.
    const untyped = monteCarlo as (file: string, opts: object) => Promise<unknown>;
    expect(() => untyped(SEED001, { seeds: 2 })).toThrow(/monteCarlo: give \{ out: FOLDER \}/);
  });

  it('reports static warnings as values: an order outside the trading week', () => {
    const doc = JSON.parse(readFileSync(SEED001, 'utf8'));
    doc.orders = [...doc.orders, { at: '2024-03-09T12:00:00', action: 'open', ticket: 'W1', symbol: 'EURUSD', side: 'buy', volume: '1' }];
    const warnings = checkScenario(parseScenario(JSON.stringify(doc), SEED001));
    // Saturday 9 March 12:00 is outside the trading week (Monday 00:05 to Friday 23:50): the warning names the time.
    expect(warnings.map((w) => w.path)).toEqual([`/orders/${doc.orders.length - 1}/at`]);
  });

  it('refuses a Monte Carlo run of a scenario parsed from text, before anything is written: its jobs load the file', async () => {
    const doc = JSON.parse(readFileSync(SEED001, 'utf8'));
    const out = join(mkdtempSync(join(tmpdir(), 'mamlab-lib-')), 'mc');
    try {
      await expect(monteCarlo(parseScenario(JSON.stringify({ ...doc, seed: 4 }), SEED001), { out, seeds: 2, workers: 1 })).rejects.toThrow(/parsed from text \(parseScenario\) rather than read from it/);
      expect(readdirSync(join(out, '..'))).toEqual([]);
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });
});
