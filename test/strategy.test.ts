// Strategies (sim/strategy.ts, sim/strategies/): the master's orders from a function called at each
// quote or bar close. Every expected trade below is worked out by hand from the prices given.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySink } from '../engine/events.js';
import { formatServerTime } from '../engine/time.js';
import { InputError } from '../sim/input-error.js';
import { monteCarloToDirectory } from '../sim/monte-carlo.js';
import { runScenario } from '../sim/runner.js';
import { loadScenario, parseScenario } from '../sim/scenario.js';
import { mamlab } from './cli.js';
import { checkedRun, scenarioPath } from './helpers.js';

const base = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'mamlab-strategy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One $100,000 MAM account in a block: the master's volume is the account's. Ticks hourly from Monday 10:00, no spread. */
function scenario(strategy: unknown, mids: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const s = structuredClone(base);
  s.program = { structure: 'block', allocation: 'equity' };
  s.investors = [{ id: 'a', model: 'mam', deposit: '100000' }];
  s.prices.EURUSD = { ticks: mids.map((m, i) => [`2024-03-04T${String(10 + i).padStart(2, '0')}:00:00`, m, m]) };
  s.orders = [];
  s.strategy = strategy;
  return { ...s, ...extra };
}

function run(s: Record<string, unknown>, file = 'strategy.json') {
  const sink = new MemorySink();
  runScenario(parseScenario(JSON.stringify(s), join(dir, file)), sink);
  const ev = (kinds: string[]) => sink.events.filter((e) => kinds.includes(e.kind)).map((e) => [formatServerTime(e.time).slice(11, 16), e.kind, e.ticket, e.volume?.toString() ?? '', e.price?.toString() ?? '']);
  return { sink, ev, trades: sink.trades.map((t) => [t.masterTicket, t.side, t.volume.toString(), t.openPrice.toString(), t.closePrice.toString(), t.profit.toString()]) };
}

describe('built-in strategies', () => {
  it('ma-cross (fast 2, slow 3): sells at the first cross down, reverses at the cross up', () => {
    // closes 1.1000 1.1010 1.1020 1.1030 1.1000 1.0970 1.0990 1.1030 1.1060 (10:00 … 18:00)
    // 14:00: fast (1.1030+1.1000)/2 = 1.1015 < slow (1.1020+1.1030+1.1000)/3 = 1.10167, and before it
    //        fast 1.1025 >= slow 1.1020: a cross down, sell 1 lot at 1.1000.
    // 17:00: fast (1.0990+1.1030)/2 = 1.1010 > slow (1.0970+1.0990+1.1030)/3 = 1.09967, before it
    //        fast 1.0980 <= slow 1.09867: a cross up: close S1 at 1.1030 (−0.0030 × 100,000 = −300), buy S2 at 1.1030.
    const r = run(scenario({ builtin: 'ma-cross', symbol: 'EURUSD', params: { fast: 2, slow: 3, volume: 1 } }, ['1.1000', '1.1010', '1.1020', '1.1030', '1.1000', '1.0970', '1.0990', '1.1030', '1.1060']));
    expect(r.ev(['master-open', 'master-close'])).toEqual([
      ['14:00', 'master-open', 'S1', '1', ''],
      ['17:00', 'master-close', 'S1', '1', ''],
      ['17:00', 'master-open', 'S2', '1', ''],
    ]);
    expect(r.trades).toEqual([['S1', 'sell', '1', '1.1', '1.103', '-300']]);
  });

  it('martingale: adds twice the last volume 30 pips down, closes all 10 pips above the average entry, starts again', () => {
    // 10:00 buy 1 at 1.1000. 11:00 1.0980 is 20 pips down (< 25): nothing. 12:00 1.0970, 30 pips: buy 2.
    // average (1 × 1.1000 + 2 × 1.0970) / 3 = 1.0980; exit at 1.0980 + 0.0010 = 1.0990.
    // 13:00 1.0985: below it, nothing. 14:00 1.0995: close both: 1 × (1.0995 − 1.1000) × 100,000 = −50
    // and 2 × (1.0995 − 1.0970) × 100,000 = +500. 15:00: nothing open, buy 1 again at 1.0990.
    const r = run(scenario({ builtin: 'martingale', symbol: 'EURUSD', params: { volume: 1, multiplier: 2, step: 25, maxOrders: 3, takeProfit: 10 } }, ['1.1000', '1.0980', '1.0970', '1.0985', '1.0995', '1.0990']));
    expect(r.ev(['master-open', 'master-close'])).toEqual([
      ['10:00', 'master-open', 'S1', '1', ''],
      ['12:00', 'master-open', 'S2', '2', ''],
      ['14:00', 'master-close', 'S1', '1', ''],
      ['14:00', 'master-close', 'S2', '2', ''],
      ['15:00', 'master-open', 'S3', '1', ''],
    ]);
    expect(r.trades).toEqual([['S1', 'buy', '1', '1.1', '1.0995', '-50'], ['S2', 'buy', '2', '1.097', '1.0995', '500']]);
  });

  it('martingale stops adding at maxOrders, and its volumes stay on the lot step', () => {
    // volume 0.15 × 1.5 = 0.225 → 0.22 on the 0.01 step; maxOrders 2: the third fall adds nothing.
    const r = run(scenario({ builtin: 'martingale', symbol: 'EURUSD', params: { volume: 0.15, multiplier: 1.5, step: 10, maxOrders: 2, takeProfit: 50 } }, ['1.1000', '1.0980', '1.0960', '1.0940']));
    expect(r.ev(['master-open']).map((e) => [e[2], e[3]])).toEqual([['S1', '0.15'], ['S2', '0.22']]);
  });

  it('grid: buys a level below the anchor with a take-profit one step up, which closes it', () => {
    // anchor 1.1000 (the first mid), step 20 pips, 2 levels: buy level 1 at 1.0980, level 2 at 1.0960; sells at 1.1020, 1.1040.
    // 11:00 1.0975: level 1 buy at 1.0975, TP 1.0995. 12:00 1.0955: level 2 buy at 1.0955, TP 1.0975.
    // 13:00 1.0980: level 2's TP (1.0975) is hit: +0.0025 × 10,000 (0.1 lot) = 25 (at the quote, 1.0980).
    const r = run(scenario({ builtin: 'grid', symbol: 'EURUSD', params: { step: 20, levels: 2, volume: 0.1 } }, ['1.1000', '1.0975', '1.0955', '1.0980']));
    expect(r.ev(['master-open']).map((e) => [e[0], e[2]])).toEqual([['11:00', 'G1'], ['12:00', 'G2']]);
    expect(r.trades.map((t) => [t[0], t[4], t[5]])).toEqual([['G2', '1.098', '25']]);
  });

  it('random-entries: the same seed gives the same trades, another seed others', () => {
    const mids = Array.from({ length: 12 }, (_, i) => (1.1 + (i % 3) * 0.001).toFixed(4));
    const spec = { builtin: 'random-entries', symbol: 'EURUSD', params: { probability: 0.5, holdBars: 2, volume: 0.1 } };
    const opens = (seed: number) => run(scenario(spec, mids, { seed })).ev(['master-open', 'master-close']);
    expect(opens(1)).toEqual(opens(1));
    expect(opens(1).length).toBeGreaterThan(0);
    const seeds = [2, 3, 4, 5].map((s) => JSON.stringify(opens(s)));
    expect(new Set([JSON.stringify(opens(1)), ...seeds]).size).toBeGreaterThan(1);
  });

  it('a bad parameter names its JSON path', () => {
    const bad = (params: unknown) => () => parseScenario(JSON.stringify(scenario({ builtin: 'ma-cross', symbol: 'EURUSD', params }, ['1.1'])), join(dir, 'bad.json'));
    expect(bad({ fast: 2.5 })).toThrow(/\/strategy\/params\/fast: expected a whole number/);
    expect(bad({ speed: 2 })).toThrow(/\/strategy\/params\/speed: unknown parameter; this strategy takes fast, slow, volume, stopLoss, takeProfit/);
    expect(() => parseScenario(JSON.stringify(scenario({ builtin: 'grid', symbol: 'GBPUSD' }, ['1.1'])), join(dir, 'bad.json'))).toThrow(/\/strategy\/symbol/);
  });
});

describe('a strategy module of ones own', () => {
  const write = (name: string, code: string): string => {
    writeFileSync(join(dir, name), code);
    return name;
  };

  it('is called at each quote with the prices so far and its open trades, and its orders act at that quote', () => {
    const module = write('breakout.ts', `
      import type { StrategyContext, StrategyOrder } from '../../index.js';
      export default function (params: { lots: string }) {
        const seen: string[] = [];
        return (ctx: StrategyContext): StrategyOrder[] => {
          seen.push(ctx.time);
          if (ctx.index === 1) return [{ action: 'open', side: 'buy', volume: params.lots, tp: ctx.ask + 0.003 }];
          if (ctx.index === 3) {
            // Its own trade, seen with the price it filled at; the closes are the bids so far, bounded by lookback 3.
            if (ctx.positions.length !== 1 || ctx.positions[0].openPrice !== 1.101 || ctx.closes.join() !== '1.101,1.102,1.103') throw new Error('context: ' + JSON.stringify(ctx.positions) + ' ' + ctx.closes.join());
            return [{ action: 'close', ticket: ctx.positions[0].ticket, volume: 0.5 }];
          }
          return [];
        };
      }`);
    // 11:00 buy 1 at 1.1010 with its TP at 1.1040 (1.1010 + 0.003, to the instrument's 5 digits);
    // 13:00 close 0.5 at 1.1030: 0.5 × 0.0020 × 100,000 = 100; the other half stays open.
    const r = run(scenario({ module, symbol: 'EURUSD', lookback: 3, params: { lots: '1' } }, ['1.1000', '1.1010', '1.1020', '1.1030']));
    expect(r.trades.map((t) => [t[0], t[2], t[5]])).toEqual([['S1', '0.5', '100']]);
    expect(r.sink.events.find((e) => e.kind === 'master-open')!.reason).toMatch(/buy 1/);
  });

  it('keeps its state per run: two runs of one loaded scenario give the same events', () => {
    const module = write('counter.mjs', 'export default () => { let n = 0; return () => (++n === 2 ? [{ action: "open", side: "sell", volume: 0.1 }] : []); };');
    const s = parseScenario(JSON.stringify(scenario({ module, symbol: 'EURUSD' }, ['1.1000', '1.1010', '1.1020'])), join(dir, 'state.json'));
    const once = () => {
      const sink = new MemorySink();
      runScenario(s, sink);
      return sink.events.filter((e) => e.kind === 'master-open').map((e) => formatServerTime(e.time));
    };
    expect(once()).toEqual(['2024-03-04T11:00:00']);
    expect(once()).toEqual(['2024-03-04T11:00:00']);
  });

  it('is refused Math.random and the clock, and a malformed order is an input error naming the time', () => {
    const random = write('random.mjs', 'export default () => () => (Math.random() < 2 ? [] : []);');
    expect(() => run(scenario({ module: random, symbol: 'EURUSD' }, ['1.1']))).toThrow(/Math\.random is not available to a strategy \(use ctx\.random/);
    const clock = write('clock.mjs', 'export default () => () => { Date.now(); return []; };');
    expect(() => run(scenario({ module: clock, symbol: 'EURUSD' }, ['1.1']))).toThrow(/Date\.now is not available/);
    const date = write('date.mjs', 'export default () => () => { const d = new Date(Date.UTC(2024, 0, 1)); if (d.getUTCFullYear() !== 2024) throw new Error("no"); new Date(); return []; };');
    expect(() => run(scenario({ module: date, symbol: 'EURUSD' }, ['1.1']))).toThrow(/the clock \(new Date\(\)\) is not available/);
    const bad = write('bad.mjs', 'export default () => () => [{ action: "open", side: "up", volume: 1 }];');
    expect(() => run(scenario({ module: bad, symbol: 'EURUSD' }, ['1.1']))).toThrow(InputError);
    expect(() => run(scenario({ module: bad, symbol: 'EURUSD' }, ['1.1']))).toThrow(/\/strategy: the strategy "bad\.mjs" at 2024-03-04T10:00:00 its order 0 .*expected side buy or sell/);
    // Math.random and Date are the process's own again after the failure.
    expect(typeof Math.random()).toBe('number');
    expect(new Date().getTime()).toBeGreaterThan(0);
  });

  it('a module that throws is named, with the line and column in it, by the command (exit 2, nothing written)', () => {
    const folder = mkdtempSync(join(dir, 'throws-'));
    writeFileSync(join(folder, 'te.ts'), 'export default function () {\n  return (ctx: { positions: Array<{ ticket: string }> }) => {\n    // no position is open\n    return [{ action: "close", ticket: ctx.positions[0]!.ticket }];\n  };\n}\n');
    writeFileSync(join(folder, 's.json'), JSON.stringify(scenario({ module: 'te.ts', symbol: 'EURUSD' }, ['1.1000', '1.1010']), null, 1));
    const r = mamlab(['run', join(folder, 's.json'), '--out', join(folder, 'out')]);
    expect(r.status).toBe(2);
    // Line 4, at the `.ticket` read (column 58 of the source line, TypeScript compiled on the fly).
    expect(r.stderr).toMatch(/s\.json:\d+: \/strategy: the strategy "te\.ts" failed in its call at 2024-03-04T10:00:00: "Cannot read properties of undefined \(reading 'ticket'\)" \(at te\.ts:4:58\)/);
    expect(readdirSync(folder).sort()).toEqual(['s.json', 'te.ts']);
  });

  it('must export a factory, and is read by the price files\' rules', () => {
    const notFactory = write('object.mjs', 'export default { a: 1 };');
    expect(() => run(scenario({ module: notFactory, symbol: 'EURUSD' }, ['1.1']))).toThrow(/\/strategy\/module: the strategy module "object.mjs" must export a factory function/);
    expect(() => run(scenario({ module: '../../etc/passwd.js', symbol: 'EURUSD' }, ['1.1']))).toThrow(/\/strategy\/module/);
    expect(() => run(scenario({ module: 'missing.ts', symbol: 'EURUSD' }, ['1.1']))).toThrow(/\/strategy\/module.*no such file/);
  });

  it('is part of the scenario hash: a changed module is a changed scenario', () => {
    write('h.mjs', 'export default () => () => [];');
    const text = JSON.stringify(scenario({ module: 'h.mjs', symbol: 'EURUSD' }, ['1.1']));
    const before = parseScenario(text, join(dir, 'h.json'));
    write('h.mjs', 'export default () => () => [ ];');
    const after = parseScenario(text, join(dir, 'h.json'));
    expect(after.hash).not.toBe(before.hash);
    expect(after.sourceHash).not.toBe(before.sourceHash);
    expect(after.inputs.some((f) => f.endsWith('h.mjs'))).toBe(true);
  });
});


describe('when a strategy is called, and what it sees', () => {
  const write = (name: string, code: string): string => {
    writeFileSync(join(dir, name), code);
    return name;
  };
  /** A module that records every call (time, bar given, closes) in a global the test reads. */
  const recorder = (name: string, extra = 'return [];') => write(name, `export default () => (ctx) => { (globalThis.calls ??= []).push({ time: ctx.time, bar: ctx.bar ? ctx.bar.close : null, closes: ctx.closes.join() }); ${extra} };`);
  const calls = () => (globalThis as { calls?: Array<{ time: string; bar: number | null; closes: string }> }).calls ?? [];
  const reset = () => delete (globalThis as { calls?: unknown }).calls;
  /** H1 bars from Monday 10:00; each [open, high, low, close]. */
  const bars = (rows: string[][], from = 10) => ({ timeframe: 'H1', spread: 0, bars: rows.map((r, i) => [`2024-03-04T${String(from + i).padStart(2, '0')}:00`, ...r]) });

  it('every: bar calls at each bar\'s close only, with the bar; every: quote at each point, the bar only at its close', () => {
    const s = scenario({ module: recorder('rec-bar.mjs'), symbol: 'EURUSD' }, []);
    (s.prices as Record<string, unknown>).EURUSD = bars([['1.1000', '1.1010', '1.0990', '1.1005'], ['1.1005', '1.1020', '1.1000', '1.1015']]);
    reset();
    run(s);
    // A bar's points: open at :00, extremes at :20 and :40, close at the next :00.
    expect(calls().map((c) => [c.time.slice(11, 16), c.bar])).toEqual([['11:00', 1.1005], ['12:00', 1.1015]]);
    reset();
    run({ ...s, strategy: { module: 'rec-bar.mjs', symbol: 'EURUSD', every: 'quote' } });
    // Mid-bar, the bar's close is the future: no bar.
    expect(calls().map((c) => [c.time.slice(11, 16), c.bar])).toEqual([
      ['10:00', null], ['10:20', null], ['10:40', null], ['11:00', 1.1005], ['11:00', null], ['11:20', null], ['11:40', null], ['12:00', 1.1015],
    ]);
  });

  it('quotes up to the start instant only warm up closes: the first call is after the master is funded and the investors joined', () => {
    reset();
    // Ticks hourly from 10:00; the scenario starts at 12:00.
    run(scenario({ module: recorder('rec-start.mjs'), symbol: 'EURUSD' }, ['1.1000', '1.1010', '1.1020', '1.1030'], { start: '2024-03-04T12:00:00' }));
    expect(calls().map((c) => [c.time.slice(11, 16), c.closes])).toEqual([['13:00', '1.1,1.101,1.102,1.103']]);
  });

  it('a stress effect\'s extra tick in a bar is not a call, and closes hold bar closes only', () => {
    reset();
    const s = scenario({ module: recorder('rec-crash.mjs'), symbol: 'EURUSD' }, []);
    (s.prices as Record<string, unknown>).EURUSD = bars([['1.1000', '1.1010', '1.0990', '1.1005'], ['1.1005', '1.1020', '1.1000', '1.1015']]);
    s.stress = [{ type: 'flash-crash', symbol: 'EURUSD', at: '2024-03-04T10:30:00', depthPct: { min: 1, max: 1 }, recoveryMinutes: 10 }];
    run(s);
    expect(calls().map((c) => [c.time.slice(11, 16), c.closes])).toEqual([['11:00', '1.1005'], ['12:00', '1.1005,1.1015']]);
  });

  it('closes a strategy changes (sorting, say) are its own copy: the next call sees the true order', () => {
    reset();
    const module = write('sorter.mjs', 'export default () => (ctx) => { (globalThis.calls ??= []).push({ closes: ctx.closes.join() }); try { ctx.closes.sort(); } catch {} return []; };');
    run(scenario({ module, symbol: 'EURUSD' }, ['1.1030', '1.1010', '1.1020']));
    expect(calls().map((c) => c.closes)).toEqual(['1.103', '1.103,1.101', '1.103,1.101,1.102']);
  });

  it('a daily bar\'s Friday close (Saturday 00:00) acts at Monday\'s open: a decision outside the trading week waits for the next open, as a MAM request does', () => {
    const module = write('friday.mjs', 'export default () => (ctx) => (ctx.time.startsWith("2024-03-09") ? [{ action: "open", side: "buy", volume: 1 }] : []);');
    const s = scenario({ module, symbol: 'EURUSD' }, [], { end: '2024-03-13T00:00:00' });
    // D1 bars Monday 4 March to Tuesday 12 March, weekdays only; Friday's bar closes at Saturday 9 March 00:00.
    const days = ['04', '05', '06', '07', '08', '11', '12'];
    (s.prices as Record<string, unknown>).EURUSD = { timeframe: 'D1', spread: 0, bars: days.map((d) => [`2024-03-${d}T00:00`, '1.1000', '1.1010', '1.0990', '1.1000']) };
    const r = run(s);
    expect(r.ev(['master-open', 'order-rejected'])).toEqual([['00:05', 'master-open', 'S1', '1', '']]);
    expect(formatServerTime(r.sink.events.find((e) => e.kind === 'master-open')!.time)).toBe('2024-03-11T00:05:00');
  });

  it('a module edited since this process loaded it runs its new code', () => {
    write('edited.mjs', 'export default () => (ctx) => (ctx.index === 0 ? [{ action: "open", side: "buy", volume: 1 }] : []);');
    const text = JSON.stringify(scenario({ module: 'edited.mjs', symbol: 'EURUSD' }, ['1.1000', '1.1010']));
    const side = () => {
      const sink = new MemorySink();
      runScenario(parseScenario(text, join(dir, 'edited.json')), sink);
      return sink.events.find((e) => e.kind === 'master-open')!.reason.split(' ')[0];
    };
    expect(side()).toBe('buy');
    write('edited.mjs', 'export default () => (ctx) => (ctx.index === 0 ? [{ action: "open", side: "sell", volume: 1 }] : []);');
    expect(side()).toBe('sell');
  });

  it('martingale closes at exactly its take-profit (10 pips over the entry: 1.0910 − 1.0900, 0.000999… in binary floats)', () => {
    const r = run(scenario({ builtin: 'martingale', symbol: 'EURUSD', params: { volume: 1, step: 25, takeProfit: 10 } }, ['1.0900', '1.0910']));
    expect(r.trades).toEqual([['S1', 'buy', '1', '1.09', '1.091', '100']]);
  });

  it('a strategy that throws under Monte Carlo stops the run with exit-2 input error and leaves nothing beside --out', async () => {
    const folder = mkdtempSync(join(dir, 'mcfail-'));
    writeFileSync(join(folder, 'boom.mjs'), 'export default () => (ctx) => { if (ctx.index === 1) throw new Error("boom"); return []; };');
    writeFileSync(join(folder, 's.json'), JSON.stringify(scenario({ module: 'boom.mjs', symbol: 'EURUSD' }, ['1.1000', '1.1010', '1.1020'])));
    await expect(monteCarloToDirectory(join(folder, 's.json'), join(folder, 'out'), { seeds: 2, workers: 1 })).rejects.toThrow(/s\.json:\d+: \/strategy: the strategy "boom\.mjs" failed in its call at 2024-03-04T11:00:00: "boom" \(at boom\.mjs:\d+:\d+\)/);
    expect(readdirSync(folder).sort()).toEqual(['boom.mjs', 's.json']);
  });

  it('its own tickets skip the scenario\'s order and client tickets; a client\'s ticket in its order is refused', () => {
    const module = write('tickets.mjs', 'export default () => (ctx) => (ctx.index < 2 ? [{ action: "open", side: "buy", volume: 1 }] : []);');
    const s = scenario({ module, symbol: 'EURUSD' }, ['1.1000', '1.1010', '1.1020']);
    // A scripted order's ticket S1 (a close that finds nothing) and a self-trading client's S2.
    s.orders = [{ at: '2024-03-04T12:00:00', action: 'close', ticket: 'S1' }];
    s.rebates = { plan: 'seed000', partners: [{ id: 'ib' }] };
    s.clients = [{ id: 'c', deposit: '10000', referredBy: 'ib', trades: [{ ticket: 'S2', symbol: 'EURUSD', side: 'sell', volume: '1', open: '2024-03-04T10:00:00' }] }];
    const r = run(s);
    expect(r.ev(['master-open']).map((e) => e[2])).toEqual(['S3', 'S4']);
    const named = write('named.mjs', 'export default () => () => [{ action: "close", ticket: "S2" }];');
    expect(() => run({ ...s, strategy: { module: named, symbol: 'EURUSD' } })).toThrow(/ticket S2 is a self-trading client's trade, not the master's/);
  });

  it('an order waiting for the open acts after the period that ends there, as a scripted order at that time does', () => {
    const module = write('month-end.mjs', 'export default () => (ctx) => (ctx.time.startsWith("2024-03-30") ? [{ action: "open", side: "buy", volume: 1 }] : []);');
    const s = scenario({ module, symbol: 'EURUSD' }, [], { start: '2024-03-25T00:05:00', end: '2024-04-02T00:00:00', policies: { performanceFee: { period: 'monthly' } } });
    // D1 bars Monday 25 to Friday 29 March and Monday 1 April: Friday's closes at Saturday 30 March 00:00.
    (s.prices as Record<string, unknown>).EURUSD = { timeframe: 'D1', spread: 0, bars: ['2024-03-25', '2024-03-26', '2024-03-27', '2024-03-28', '2024-03-29', '2024-04-01'].map((d) => [`${d}T00:00`, '1.1000', '1.1010', '1.0990', '1.1000']) };
    const r = run(s);
    // March's period ends at 1 April 00:05, the open: the period closes first, then the order fills.
    expect(r.sink.events.filter((e) => e.kind === 'period-end' || e.kind === 'master-open').map((e) => [formatServerTime(e.time), e.kind])).toEqual([
      ['2024-04-01T00:05:00', 'period-end'], ['2024-04-01T00:05:00', 'master-open'],
    ]);
  });

  it('names the line in a module whose folder has spaces and a percent sign', () => {
    const folder = mkdtempSync(join(dir, 'sp ace%zz-'));
    writeFileSync(join(folder, 'te.mjs'), 'export default () => (ctx) => { if (ctx.index === 0) throw new Error("at the first call"); return []; };');
    writeFileSync(join(folder, 's.json'), JSON.stringify(scenario({ module: 'te.mjs', symbol: 'EURUSD' }, ['1.1000', '1.1010'])));
    expect(() => runScenario(loadScenario(join(folder, 's.json')), new MemorySink())).toThrow(/"at the first call" \(at te\.mjs:\d+:\d+\)/);
  });

  it('refuses parameters that cannot work, naming them', () => {
    const bad = (strategy: unknown) => () => parseScenario(JSON.stringify(scenario(strategy, ['1.1'])), join(dir, 'bad.json'));
    expect(bad({ builtin: 'ma-cross', symbol: 'EURUSD', params: { fast: 5, slow: 5 } })).toThrow(/\/strategy\/params\/slow: expected more closes than fast \(5\), got 5/);
    expect(bad({ builtin: 'ma-cross', symbol: 'EURUSD', lookback: 20, params: { fast: 5, slow: 20 } })).toThrow(/\/strategy\/params\/slow: expected at most lookback − 1 \(19\)/);
    expect(bad({ builtin: 'grid', symbol: 'EURUSD', params: { step: 0 } })).toThrow(/\/strategy\/params\/step: expected more than 0/);
    expect(bad({ builtin: 'martingale', symbol: 'EURUSD', params: { volume: 0 } })).toThrow(/\/strategy\/params\/volume: expected more than 0/);
  });
});

describe('the bundled averaging-down scenario', () => {
  const file = scenarioPath('averaging-down.yaml');

  it('keeps every invariant after every event', () => {
    const r = checkedRun(file);
    expect(r.broken).toEqual([]);
    expect(r.sink.events.filter((e) => e.kind === 'master-open').length).toBeGreaterThan(1);
  });

  it('trades each seed\'s own prices: two seeds, two different sets of trades', () => {
    const opens = (seed: number) => {
      const sink = new MemorySink();
      runScenario(loadScenario(file, { seed }), sink);
      return sink.events.filter((e) => e.kind === 'master-open').map((e) => `${formatServerTime(e.time)} ${e.volume!.toString()}`);
    };
    expect(opens(7)).toEqual(opens(7));
    expect(opens(8)).not.toEqual(opens(7));
  });

  it('runs under Monte Carlo, each seed a run of its own', async () => {
    const out = join(dir, 'mc');
    const mc = await monteCarloToDirectory(file, out, { seeds: 3, workers: 1 });
    expect(mc.outcomes.map((o) => o.seed)).toEqual([7, 8, 9]);
    const seeds = readFileSync(join(out, 'seeds.csv'), 'utf8').trim().split('\n').slice(1);
    expect(new Set(seeds.map((l) => l.split(',').slice(1).join())).size).toBeGreaterThan(1);
  }, 60_000);
});
