// pammDeposit (DOMAIN §6) under open trades: `reallocate` resizes the pool at the deposit price;
// `no-action` keeps the new money out of the trades open at the deposit: the money is held and
// buys units when the pool has nothing open, before its next trade. The issue's example, worked
// by hand, under both values; a property test; invariants after every step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import { DEFAULT_POLICIES } from '../engine/policies.js';
import { Program } from '../engine/program.js';
import { DEFAULT_QUANTUM } from '../engine/quantum.js';
import { formatServerTime, serverTime } from '../engine/time.js';
import { Money, Price, Volume } from '../engine/values.js';
import { runScenario } from '../sim/runner.js';
import { parseScenario } from '../sim/scenario.js';
import { checkedRun } from './helpers.js';
import { EURUSD } from './risk-fixtures.js';

const t = (h: number, m = 0) => serverTime(Date.UTC(2024, 2, 4, h, m));

/** A signal program (proportional copies, no costs, no spread) whose master has `master` and whose pool starts with A. */
function program(pammDeposit: 'reallocate' | 'no-action', master = '10000', a = '10000') {
  const sink = new MemorySink();
  const tally = new ConservationTally(sink);
  const p = new Program({
    structure: 'signal', allocation: 'proportional', quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, pammDeposit },
    instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec(0), pool: { id: 'pamm', initialNav: new Dec(1) },
  }, tally);
  const ok = () => expect(checkInvariants(p, tally)).toEqual([]);
  const quote = (time: number, px: string) => { p.onQuote('EURUSD', { time: serverTime(time), bid: Price.of(px), ask: Price.of(px) }); p.flush(); ok(); };
  p.fundMaster(t(1), Money.of(master));
  p.join(t(1), 'A', 'pamm', Money.of(a), false);
  const equity = (id: string) => p.investorEquity(id).toString();
  const poolLots = () => p.openPositions().filter((x) => x.account === 'pamm').map((x) => x.volume.toString());
  return { p, sink, ok, quote, equity, poolLots };
}

describe('the issue example: A 10,000 in the pool, 1 lot bought at 1.10000, B deposits 10,200 at 1.10200, closed at 1.10500', () => {
  const run = (policy: 'reallocate' | 'no-action') => {
    const r = program(policy);
    r.quote(t(2), '1.10000');
    r.p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1')); // pool: 1 × 10,000 / 10,000 = 1 lot
    r.p.flush();
    r.ok();
    r.quote(t(3), '1.10200');
    r.p.join(t(3), 'B', 'pamm', Money.of('10200'), false);
    r.p.flush();
    r.ok();
    const lotsAfterDeposit = r.poolLots();
    r.quote(t(4), '1.10500');
    r.p.masterClose(t(4), 'T1');
    r.p.flush();
    r.ok();
    return { ...r, lotsAfterDeposit };
  };

  it('no-action: the whole +500 of the lot is A\'s: A 10,500, B 10,200; B\'s money waits and buys units at NAV 1.05 after the close', () => {
    const r = run('no-action');
    expect(r.lotsAfterDeposit).toEqual(['1']);
    expect([r.equity('A'), r.equity('B')]).toEqual(['10500', '10200']);
    // Held at 10:00... (request-queued), executed when the close left the pool with nothing open.
    const b = r.sink.events.filter((e) => e.investor === 'B').map((e) => [e.kind, e.time]);
    expect(b).toContainEqual(['request-queued', t(3)]);
    expect(b).toContainEqual(['request-executed', t(4)]);
    // 10,200 at NAV 10,500 / 10,000 = 1.05: 9,714.2857142 units (floored to the quantum).
    expect(r.p.poolUnits()!.toString()).toBe('19714.2857142');
  });

  it('reallocate: the pool is resized to 20,400 / 10,200 = 2 lots at 1.10200 and B shares what follows: A 10,500, B 10,500', () => {
    // B buys 10,200 / 1.02 = 10,000 units; the pool's 2 lots gain 2 × 300 = 600 after the deposit: 21,000 over 20,000 units.
    const r = run('reallocate');
    expect(r.lotsAfterDeposit).toEqual(['1', '1']);
    expect([r.equity('A'), r.equity('B')]).toEqual(['10500', '10500']);
  });

  it('no-action: B takes part in the next trade: the pool copies 1 × 21,000 / 10,500 = 2 lots and each member gains half of +200', () => {
    // B deposits 10,500 instead: at NAV 1.05 it buys exactly 10,000 units after T1 closes (pool 21,000 over 20,000 units).
    const r = program('no-action');
    r.quote(t(2), '1.10000');
    r.p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    r.quote(t(3), '1.10200');
    r.p.join(t(3), 'B', 'pamm', Money.of('10500'), false);
    r.p.flush();
    expect(r.equity('B')).toBe('0'); // held: nothing of B's is in the pool yet
    r.quote(t(4), '1.10500');
    r.p.masterClose(t(4), 'T1');
    r.p.flush();
    expect([r.equity('A'), r.equity('B')]).toEqual(['10500', '10500']);
    r.p.masterOpen(t(5), 'T2', 'EURUSD', 'buy', Volume.of('1')); // the master has 10,500 now
    r.p.flush();
    expect(r.poolLots()).toEqual(['2']);
    r.quote(t(6), '1.10600');
    r.p.masterClose(t(6), 'T2');
    r.p.flush();
    expect([r.equity('A'), r.equity('B')]).toEqual(['10600', '10600']);
  });

  it('a held deposit is cancelled when its investor leaves, and one still held at the end of the run never enters', () => {
    const r = program('no-action');
    r.quote(t(2), '1.10000');
    r.p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    r.quote(t(3), '1.10200');
    r.p.join(t(3), 'B', 'pamm', Money.of('5000'), false);
    r.p.join(t(3), 'C', 'pamm', Money.of('7000'), false);
    r.p.flush();
    r.p.withdraw(t(3, 30), 'B', Money.of('100'));
    expect(r.sink.events.filter((e) => e.kind === 'request-rejected').map((e) => e.reason).at(-1)).toContain('a deposit of 5000 is held outside the pool');
    r.p.leave(t(4), 'B');
    r.ok();
    r.p.endOfRun(t(5), 'end');
    r.ok();
    const rejected = r.sink.events.filter((e) => e.kind === 'request-rejected' && e.amount).map((e) => [e.investor, e.amount!.toString(), e.reason.split(':')[0]]);
    expect(rejected).toEqual([['B', '5000', 'held deposit 5000 (requested 2024-03-04T03'], ['C', '7000', 'held deposit 7000 (requested 2024-03-04T03']]);
    // Nothing of B's or C's ever entered: the pool is still A's 10,000 and its open lot.
    expect(r.p.poolUnits()!.toString()).toBe('10000');
    expect(r.p.equity('pamm').toString()).toBe('10200');
  });
});

describe('reallocate in a block program: the pool\'s part of each open block grows with the deposit', () => {
  it('MAM a 10,000 and pool member A 10,000 split a 2-lot block 1 / 1 at 1.10000; at 1.10200 B deposits 10,200; closed at 1.10500: A 10,500, B 10,500, a 10,500', () => {
    // The pool's equity before the deposit is 10,200 (A's 10,000 + 200 open): its 1 lot grows by 10,200 / 10,200 = 1 lot at 1.10200.
    // B buys 10,200 / 1.02 = 10,000 units. At 1.10500 the pool has 10,000 + 500 + 10,200 + 300 = 21,000 over 20,000 units.
    for (const [policy, a, b, lots] of [['reallocate', '10500', '10500', ['1', '1']], ['no-action', '10500', '10200', ['1']]] as const) {
      const sink = new MemorySink();
      const tally = new ConservationTally(sink);
      const p = new Program({
        structure: 'block', allocation: 'equity', quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, pammDeposit: policy },
        instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec(0), pool: { id: 'pamm', initialNav: new Dec(1) },
      }, tally);
      const ok = () => expect(checkInvariants(p, tally), policy).toEqual([]);
      const quote = (time: number, px: string) => { p.onQuote('EURUSD', { time: serverTime(time), bid: Price.of(px), ask: Price.of(px) }); p.flush(); ok(); };
      p.join(t(1), 'a', 'mam', Money.of('10000'), false);
      p.join(t(1), 'A', 'pamm', Money.of('10000'), false);
      quote(t(2), '1.10000');
      p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('2'));
      p.flush();
      ok();
      quote(t(3), '1.10200');
      p.join(t(3), 'B', 'pamm', Money.of('10200'), false);
      p.flush();
      ok();
      expect(p.openPositions().filter((x) => x.account === 'pamm').map((x) => x.volume.toString()), policy).toEqual([...lots]);
      quote(t(4), '1.10500');
      p.masterClose(t(4), 'T1');
      p.flush();
      ok();
      expect([p.investorEquity('A').toString(), p.investorEquity('B').toString(), p.investorEquity('a').toString()], policy).toEqual([a, b, '10500']);
    }
  });
});

describe('held deposits when their investor withdraws everything (review regressions)', () => {
  /** A signal program under no-action with a volume fee of 10 a lot on every fill (what makes a withdrawal's closes cost). */
  function withFee() {
    const sink = new MemorySink();
    const tally = new ConservationTally(sink);
    const p = new Program({
      structure: 'signal', allocation: 'proportional', quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, pammDeposit: 'no-action' },
      instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec(0), pool: { id: 'pamm', initialNav: new Dec(1) },
      volumeFee: { perLot: new Dec(10), perMillion: new Dec(0) },
    }, tally);
    const ok = () => expect(checkInvariants(p, tally)).toEqual([]);
    const quote = (time: number, px: string) => { p.onQuote('EURUSD', { time: serverTime(time), bid: Price.of(px), ask: Price.of(px) }); p.flush(); ok(); };
    p.fundMaster(t(1), Money.of('10000'));
    p.join(t(1), 'A', 'pamm', Money.of('10000'), false);
    p.join(t(1), 'Z', 'pamm', Money.of('10000'), false);
    quote(t(2), '1.10000');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    p.flush();
    p.deposit(t(3), 'A', Money.of('5000')); // held: the pool holds 2 lots
    p.flush();
    return { p, sink, ok, quote };
  }

  it('a capped withdrawal that redeems every unit keeps a member whose deposit is held: the held 5,000 enters after the close, never for a member who left', () => {
    const r = withFee();
    // Just under A's value: closing A's share costs the volume fee, so the withdrawal is capped and redeems every unit.
    r.p.withdraw(t(3, 10), 'A', r.p.investorEquity('A').minus(Money.of('0.01')));
    r.p.flush();
    r.ok();
    expect(r.p.poolUnits()!.toString()).toBe('10000'); // Z's alone
    expect(r.sink.events.filter((e) => e.investor === 'A').map((e) => e.kind)).not.toContain('leave');
    r.quote(t(4), '1.10000');
    r.p.masterClose(t(4), 'T1');
    r.p.flush();
    r.ok();
    const a = r.sink.events.filter((e) => e.investor === 'A');
    expect(a.filter((e) => e.kind === 'units-issued').length).toBe(2); // the join's, then the held deposit's
    expect(new Dec(5000).minus(r.p.investorEquity('A').toString()).abs().lte('0.000001')).toBe(true);
    // Leaving now, then a held deposit of someone who left is never admitted: Z deposits under a new trade and leaves.
    r.p.masterOpen(t(5), 'T2', 'EURUSD', 'buy', Volume.of('1'));
    r.p.flush();
    r.p.deposit(t(5, 10), 'Z', Money.of('1000'));
    r.p.leave(t(5, 20), 'Z');
    r.p.masterClose(t(6), 'T2');
    r.p.flush();
    r.ok();
    expect(r.sink.events.filter((e) => e.investor === 'Z' && e.kind === 'request-rejected').map((e) => e.reason)).toEqual(['held deposit 1000 (requested 2024-03-04T05:10:00) cancelled: the investor left before the pool had nothing open']);
    expect(r.sink.events.filter((e) => e.investor === 'Z' && e.kind === 'units-issued').length).toBe(1);
  });

  it('withdrawing the whole value while a deposit is held keeps the member: every unit is redeemed and the held 5,000 enters after the close', () => {
    const r = withFee();
    const value = r.p.investorEquity('A');
    r.p.withdraw(t(3, 10), 'A', value);
    r.p.flush();
    r.ok();
    expect(r.sink.events.filter((e) => e.investor === 'A').map((e) => e.kind)).not.toContain('leave');
    r.quote(t(4), '1.10000');
    r.p.masterClose(t(4), 'T1');
    r.p.flush();
    r.ok();
    // Flat at 1.10000 with no move: the held 5,000 buys units at the pool's NAV and is worth 5,000 (less at most the unit rounding).
    expect(new Dec(5000).minus(r.p.investorEquity('A').toString()).abs().lte('0.000001')).toBe(true);
  });
});

describe('property: under no-action a depositor\'s result does not depend on the positions open at its deposit', () => {
  it('whatever the trades open at the deposit and however they end, B ends with its deposit (less the unit rounding) and A with the whole P&L', () => {
    const price = fc.integer({ min: 90_000, max: 130_000 }).map((n) => new Dec(n).div(100_000).toFixed(5));
    const trade = fc.record({ side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'), lots: fc.integer({ min: 1, max: 300 }).map((n) => new Dec(n).div(100).toString()), open: price, close: price });
    fc.assert(fc.property(
      fc.array(trade, { minLength: 1, maxLength: 4 }), price, fc.integer({ min: 100, max: 50_000 }), fc.integer({ min: 5_000, max: 50_000 }), fc.integer({ min: 0, max: 3 }),
      (trades, depositPrice, bAmount, aAmount, closeOrderSeed) => {
        // A master of 1,000,000 keeps the pool's copies small (≤ 3 × A / 1,000,000 lots each): A's money outlives any path here.
        const r = program('no-action', '1000000', String(aAmount));
        trades.forEach((x, i) => {
          r.quote(t(2, i), x.open);
          r.p.masterOpen(t(2, i), `T${i}`, 'EURUSD', x.side, Volume.of(x.lots));
          r.p.flush();
          r.ok();
        });
        r.quote(t(3), depositPrice);
        r.p.join(t(3), 'B', 'pamm', Money.of(String(bAmount)), false);
        r.p.flush();
        r.ok();
        // Close in a rotated order, each at its own price.
        const order = trades.map((_, i) => (i + closeOrderSeed) % trades.length);
        order.forEach((i, k) => {
          r.quote(t(4, k), trades[i]!.close);
          r.p.masterClose(t(4, k), `T${i}`);
          r.p.flush();
          r.ok();
        });
        // B's deposit buys units at the NAV after the last close, floored to the unit quantum (1e-7), and
        // members' values are a conserving split of pool equity by units (±1e-7): B ends with its deposit
        // less at most that rounding, whatever the trades did (under reallocate it would carry their P&L).
        const nav = r.p.nav()!;
        const shortfall = new Dec(bAmount).minus(r.equity('B'));
        expect(shortfall.gte('-1e-7') && shortfall.lte(nav.times('1e-7').plus('1e-7')), `B ${r.equity('B')} of ${bAmount}, NAV ${nav.toString()}`).toBe(true);
        // A holds everything else in the pool: its deposit plus every P&L of the trades it held.
        expect(new Dec(r.equity('A')).plus(r.equity('B')).toString()).toBe(r.p.equity('pamm').toString());
      },
    ), { numRuns: 150, seed: 14 });
  });
});

describe('pammFlows: rollover (seed 001) or instant', () => {
  const scenario = (pammFlows?: string) => `
name: flows
start: "2024-03-01T00:05:00"
end: "2024-03-20T00:05:00"
instruments: [EURUSD]
prices:
  EURUSD:
    ticks:
      - ["2024-03-04T09:00:00", "1.10000", "1.10000"]
program: { structure: signal, masterDeposit: "10000", pamm: {} }
investors:
  - { id: a, model: pamm, deposit: "5000" }
orders: []
flows:
  - { investor: a, type: deposit, amount: "1000", at: "2024-03-05T14:00:00" }
  - { investor: a, type: deposit, amount: "2000", at: "2024-03-09T12:00:00" }
${pammFlows ? `policies: { pammFlows: ${pammFlows} }` : ''}
`;
  const executed = (text: string) => {
    const s = parseScenario(text, 'flows.yaml');
    const sink = new MemorySink();
    runScenario(s, sink);
    return sink.events.filter((e) => e.kind === 'deposit' && e.investor === 'a').map((e) => [formatServerTime(e.time), e.amount!.toString()]);
  };

  it('rollover: Tuesday 14:00 executes in Wednesday\'s 00:00 window, Saturday 12:00 in Monday\'s', () => {
    expect(executed(scenario())).toEqual([['2024-03-01T00:05:00', '5000'], ['2024-03-06T00:00:00', '1000'], ['2024-03-11T00:00:00', '2000']]);
  });
  it('instant: Tuesday 14:00 at once; Saturday 12:00 at the next open, Monday 00:05', () => {
    expect(executed(scenario('instant'))).toEqual([['2024-03-01T00:05:00', '5000'], ['2024-03-05T14:00:00', '1000'], ['2024-03-11T00:05:00', '2000']]);
  });
});

describe('a first PAMM deposit whose resize costs more than the deposit', () => {
  it('buys no units; the pool, owned by nobody, closes what it opened and the broker absorbs the deficit', () => {
    // Multiplier 2 copies a 1-lot master trade with 2 lots whatever the pool holds; a $12 deposit cannot pay
    // seed 000's $8 a lot a side on 2 lots ($16 to open): no units, so nobody owns the 2 lots: they close
    // (another $16), leaving 12 − 32 = −20, which the broker absorbs (a pool never carries a deficit).
    const run = checkedRun(parseScenario(`
name: ownerless
start: "2024-03-01T00:05:00"
end: "2024-03-09T00:05:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T10:00:00", "1.10000", "1.10000"], ["2024-03-06T10:00:00", "1.10000", "1.10000"]] } }
program: { structure: signal, allocation: multiplier, masterDeposit: "100000", performanceFee: "0.2", pamm: { id: pool, allocation: { multiplier: "2" } } }
investors: [{ id: p, model: pamm, deposit: "12", at: "2024-03-05T10:00:00" }]
orders: [{ at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1" }]
costs: { commission: seed000 }
policies: { pammFlows: instant }
`, 'ownerless.yaml'));
    expect(run.broken).toEqual([]);
    expect(run.program.openPositions().filter((x) => x.account === 'pool')).toEqual([]);
    expect(run.program.equity('pool').toString()).toBe('0');
    const absorbed = run.sink.events.find((e) => e.kind === 'negative-balance-protected' && e.account === 'pool');
    expect(absorbed?.amount?.toString()).toBe('20');
  });
});
