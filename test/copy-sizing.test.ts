// Copy sizing conventions (issue 14): lotRounding onto the lot step and copyBasis (equity or
// balance). Every expected volume is worked out in the comment beside it.
import { describe, expect, it } from 'vitest';
import { type Follower, type LotRounding, type Sizing, allocate, marketplaceBand } from '../engine/allocation.js';
import { Dec } from '../engine/decimal.js';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import { DEFAULT_POLICIES, type Policies } from '../engine/policies.js';
import { Program } from '../engine/program.js';
import { DEFAULT_QUANTUM as q } from '../engine/quantum.js';
import { serverTime } from '../engine/time.js';
import { Money, Price, Volume } from '../engine/values.js';
import { EURUSD } from './risk-fixtures.js';

const lotStep: Sizing = { mode: 'lot-step', quantum: q, lotStep: Volume.of('0.01'), minLot: Volume.of('0.01'), maxLot: Volume.of('100'), belowMinLot: 'skip', residualRule: 'largest-remainder' };
const follower = (account: string, equity: string, balance = equity): Follower => ({ account, equity: Money.of(equity), balance: Money.of(balance), terms: {} });
const size = (equity: string, balance = equity) => ({ equity: Money.of(equity), balance: Money.of(balance) });
const volumes = (a: ReturnType<typeof allocate>) => a.parts.map((p) => [p.account, p.volume.toString()]);

describe('lotRounding (lot-step copies)', () => {
  // Proportional copy of 1 lot, master equity 10,000: the copy is equity / 10,000 lots.
  // 31,250 → 3.125 lots (312.5 steps); 31,350 → 3.135 (313.5 steps); 31,150 → 3.115 (311.5 steps); 31,260 → 3.126.
  const copy = (rounding: LotRounding) => volumes(allocate('proportional', Volume.of('1'), size('10000'), [
    follower('a', '31250'), follower('b', '31350'), follower('c', '31150'), follower('d', '31260'),
  ], { ...lotStep, lotRounding: rounding }));

  it('floor (default): 3.12, 3.13, 3.11, 3.12: never above the computed volume', () => {
    expect(copy('floor')).toEqual([['a', '3.12'], ['b', '3.13'], ['c', '3.11'], ['d', '3.12']]);
    expect(volumes(allocate('proportional', Volume.of('1'), size('10000'), [follower('a', '31250')], lotStep))).toEqual([['a', '3.12']]);
  });
  it('half-up: halves go up: 3.13, 3.14, 3.12; 3.126 → 3.13', () => {
    expect(copy('half-up')).toEqual([['a', '3.13'], ['b', '3.14'], ['c', '3.12'], ['d', '3.13']]);
  });
  it('half-even: halves go to the even step: 312.5 → 312, 313.5 → 314, 311.5 → 312; 3.126 → 3.13', () => {
    expect(copy('half-even')).toEqual([['a', '3.12'], ['b', '3.14'], ['c', '3.12'], ['d', '3.13']]);
  });
  it('a copy of 0.005 lots is skipped by floor and rounded up to the 0.01 minimum by half-up', () => {
    // 50 / 10,000 = 0.005 lots = half a step.
    const one = (rounding: LotRounding) => allocate('proportional', Volume.of('1'), size('10000'), [follower('a', '50')], { ...lotStep, lotRounding: rounding });
    expect(volumes(one('floor'))).toEqual([]);
    expect(one('floor').notes.map((n) => n.kind)).toEqual(['skip']);
    expect(volumes(one('half-up'))).toEqual([['a', '0.01']]);
    expect(volumes(one('half-even'))).toEqual([]);
  });
  it('a block split ignores it: floors plus leftover steps by the residual rule, summing to the block', () => {
    // 1 lot split by equity 31,250 : 68,750 → 31.25 / 68.75 steps → floors 0.31 / 0.68; the one leftover step goes to the larger remainder (0.75 step: b).
    const a = allocate('equity', Volume.of('1'), size('0'), [follower('a', '31250'), follower('b', '68750')], { ...lotStep, lotRounding: 'half-up' });
    expect(volumes(a)).toEqual([['a', '0.31'], ['b', '0.69']]);
  });
});

describe('copyBasis', () => {
  // Follower equity 12,000 over balance 10,000 (2,000 floating); master equity 20,000, balance 25,000 (5,000 floating loss).
  it('equity (default): 1 lot × 12,000 / 20,000 = 0.6; balance: 1 × 10,000 / 25,000 = 0.4', () => {
    const run = (basis?: 'equity' | 'balance') => volumes(allocate('proportional', Volume.of('1'), size('20000', '25000'), [follower('a', '12000', '10000')], { ...lotStep, copyBasis: basis }));
    expect(run()).toEqual([['a', '0.6']]);
    expect(run('equity')).toEqual([['a', '0.6']]);
    expect(run('balance')).toEqual([['a', '0.4']]);
  });
  it('equity-percent takes its percent of the balance ratio: 50% × 0.4 = 0.2', () => {
    const a = allocate('equity-percent', Volume.of('1'), size('20000', '25000'), [{ ...follower('a', '12000', '10000'), terms: { equityPercent: new Dec(50) } }], { ...lotStep, copyBasis: 'balance' });
    expect(volumes(a)).toEqual([['a', '0.2']]);
  });
  it('a master balance of 0 is a skip with its reason', () => {
    const a = allocate('proportional', Volume.of('1'), size('100', '0'), [follower('a', '1000')], { ...lotStep, copyBasis: 'balance' });
    expect(a.notes.map((n) => n.reason)).toEqual(['master balance 0 is not positive']);
  });

  it('in a signal program: the second trade is sized on balances while the first is open, invariants after every step', () => {
    // Master 10,000, follower a 20,000, 1 lot = 100,000 EUR, no spread. M1: master buys 1 lot at 1.10000, a copies 2.
    // At 1.09000 the master's equity is 9,000 (balance 10,000), a's 18,000 (balance 20,000).
    // M2 of 1 lot: equity basis 18,000 / 9,000 = 2 lots; balance basis 20,000 / 10,000 = 2 lots: the same, as the losses are proportional.
    // a then deposits 3,000 (balance 23,000, equity 21,000). M3 of 1 lot: equity 21,000 / 9,000 = 2.33 (lot step 0.01, floor); balance 23,000 / 10,000 = 2.3.
    for (const [basis, m3] of [['equity', '2.33'], ['balance', '2.3']] as const) {
      const sink = new MemorySink();
      const tally = new ConservationTally(sink);
      const policies: Policies = { ...DEFAULT_POLICIES, roundingMode: 'lot-step', copyBasis: basis };
      const p = new Program({ structure: 'signal', allocation: 'proportional', quantum: q, policies, instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec('0.2') }, tally);
      const t = (h: number) => serverTime(Date.UTC(2024, 2, 4, h));
      const quote = (h: number, px: string) => p.onQuote('EURUSD', { time: t(h), bid: Price.of(px), ask: Price.of(px) });
      const ok = () => expect(checkInvariants(p, tally), basis).toEqual([]);
      p.fundMaster(t(1), Money.of('10000'));
      p.join(t(1), 'a', 'mam', Money.of('20000'), false);
      quote(2, '1.10000');
      p.masterOpen(t(2), 'M1', 'EURUSD', 'buy', Volume.of('1'));
      ok();
      quote(3, '1.09000');
      p.masterOpen(t(3), 'M2', 'EURUSD', 'buy', Volume.of('1'));
      ok();
      p.deposit(t(4), 'a', Money.of('3000'));
      p.masterOpen(t(4), 'M3', 'EURUSD', 'buy', Volume.of('1'));
      ok();
      const held = (ticket: string) => p.openPositions().filter((x) => x.account === 'mam:a' && x.masterTicket === ticket).map((x) => x.volume.toString());
      expect([held('M1'), held('M2'), held('M3')], basis).toEqual([['2'], ['2'], [m3]]);
    }
  });
});

describe('copyRatio: signal-marketplace', () => {
  it('bands, on the ratio in percent: below 1% → 1%, 1–10% whole percents, 10–100% steps of 5%, then steps of 10%', () => {
    const band = (r: string) => marketplaceBand(new Dec(r)).times(100).toString();
    expect(['0.001', '0.0099', '0.01', '0.0999', '0.1', '0.149', '0.3515', '0.9999', '1', '1.2345', '9.999', '12.34'].map(band))
      .toEqual(['1', '1', '1', '9', '10', '10', '35', '95', '100', '120', '990', '1230']);
  });

  it('7,400 against 10,000 at 95% load and half the master\'s leverage: 0.74 × 0.95 × 0.5 = 35.15% → 35%: a 1-lot trade copies 0.35', () => {
    const f: Follower = { ...follower('a', '7400'), terms: { depositLoad: new Dec(95) }, leverageRatio: new Dec('0.5') };
    const a = allocate('proportional', Volume.of('1'), size('10000'), [f], { ...lotStep, copyRatio: 'signal-marketplace' });
    expect(volumes(a)).toEqual([['a', '0.35']]);
    // exact: 0.74 lots; and the ratio without load or leverage: 74% → 70% (a step of 5).
    expect(volumes(allocate('proportional', Volume.of('1'), size('10000'), [f], lotStep))).toEqual([['a', '0.74']]);
    expect(volumes(allocate('proportional', Volume.of('1'), size('10000'), [follower('a', '7400')], { ...lotStep, copyRatio: 'signal-marketplace' }))).toEqual([['a', '0.7']]);
  });

  it('in a program: a sub-account at 50:1 under the program\'s 100:1 copies half as much, invariants after each step', () => {
    // Master 10,000; a 7,400 with depositLoad 95 at its own 50:1: 35%; b 7,400 at the program's 100:1: 74% × 95% = 70.3% → 70%.
    const sink = new MemorySink();
    const tally = new ConservationTally(sink);
    const policies: Policies = { ...DEFAULT_POLICIES, roundingMode: 'lot-step', copyRatio: 'signal-marketplace' };
    const risk = { leverage: { default: new Dec(100), byClass: new Map() }, marginCall: new Dec(100), stopOut: new Dec(30), accountLeverage: new Map([['mam:a', new Dec(50)]]) };
    const p = new Program({ structure: 'signal', allocation: 'proportional', quantum: q, policies, instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec(0), risk }, tally);
    const t = (h: number) => serverTime(Date.UTC(2024, 2, 4, h));
    p.fundMaster(t(1), Money.of('10000'));
    p.join(t(1), 'a', 'mam', Money.of('7400'), false, { depositLoad: new Dec(95) });
    p.join(t(1), 'b', 'mam', Money.of('7400'), false, { depositLoad: new Dec(95) });
    p.onQuote('EURUSD', { time: t(2), bid: Price.of('1.10000'), ask: Price.of('1.10000') });
    p.masterOpen(t(2), 'M1', 'EURUSD', 'buy', Volume.of('1'));
    expect(p.openPositions().filter((x) => x.account !== 'master').map((x) => [x.account, x.volume.toString()])).toEqual([['mam:a', '0.35'], ['mam:b', '0.7']]);
    expect(checkInvariants(p, tally)).toEqual([]);
  });
});
