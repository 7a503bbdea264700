import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import type { Instrument } from '../engine/instrument.js';
import { type FeeState, type FeeTerms, NEW_FEE_STATE, afterDeposit, crystallizePeriod } from '../engine/performance-fee.js';
import { DEFAULT_POLICIES } from '../engine/policies.js';
import { Program } from '../engine/program.js';
import { DEFAULT_QUANTUM as q } from '../engine/quantum.js';
import { serverTime } from '../engine/time.js';
import { Money, Price, Volume } from '../engine/values.js';

const money = fc.integer({ min: 1, max: 10_000_000 }).map((c) => Money.of(new Dec(c).div(100)));
const terms = fc.record({
  rate: fc.constantFrom(new Dec('0.1'), new Dec('0.2'), new Dec('0.35')),
  hwmBasis: fc.constantFrom<FeeTerms['hwmBasis']>('equity', 'cumulative-profit'),
  hwmReset: fc.constantFrom<FeeTerms['hwmReset']>('after-fee', 'before-fee'),
  partialWithdrawal: fc.constant<FeeTerms['partialWithdrawal']>('pro-rata'),
  hurdle: fc.constantFrom<FeeTerms['hurdle']>('none', 'hard', 'soft'),
  hurdleRate: fc.constantFrom(new Dec(0), new Dec('0.05'), new Dec('0.2')),
});
const yearFraction = fc.constantFrom(new Dec(0), new Dec('0.0833'), new Dec('0.25'));

describe('performance-fee properties (fast-check)', () => {
  it('no fee while the investor is at or below its mark, under every basis, reset and hurdle', () => {
    fc.assert(fc.property(terms, money, money, yearFraction, (t, deposit, below, yf) => {
      const s: FeeState = afterDeposit(NEW_FEE_STATE, deposit);
      const equity = below.gt(deposit) ? deposit : below; // at or below the deposit, which is the mark
      expect(crystallizePeriod(s, t, equity, yf, q).fee.isZero()).toBe(true);
    }), { numRuns: 500, seed: 41 });
  });

  it('a deposit never raises a fee: the same equity plus the deposit is charged no more', () => {
    fc.assert(fc.property(terms, money, money, money, yearFraction, (t, first, equity, extra, yf) => {
      const s = afterDeposit(NEW_FEE_STATE, first);
      const without = crystallizePeriod(s, t, equity, yf, q).fee;
      const withDeposit = crystallizePeriod(afterDeposit(s, extra), t, equity.plus(extra), yf, q).fee;
      expect(withDeposit.lte(without)).toBe(true);
    }), { numRuns: 500, seed: 42 });
  });
});

describe('joining and leaving never move another investor (default policies)', () => {
  const EURUSD: Instrument = {
    symbol: 'EURUSD', class: 'fx-major', base: 'EUR', quote: 'USD', contractSize: new Dec(100000), digits: 5, pipSize: new Dec('0.0001'),
    minLot: Volume.of('0.01'), lotStep: Volume.of('0.01'), maxLot: Volume.of('100'), marginMode: 'forex',
  };
  const t = (h: number) => serverTime(Date.UTC(2024, 2, 4, h));
  /** A signal master with investor `a` (MAM) and `p` (PAMM) over a random path; `b` and `z` may join and leave. */
  function run(path: number[], other: { model: 'mam' | 'pamm'; amount: number; joinAt: number; leaveAt: number } | undefined) {
    const sink = new MemorySink();
    const tally = new ConservationTally(sink);
    const p = new Program({ structure: 'signal', allocation: 'proportional', quantum: q, policies: DEFAULT_POLICIES, instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec('0.2'), pool: { id: 'pamm', initialNav: new Dec(1) } }, tally);
    p.fundMaster(t(0), Money.of('10000'));
    p.join(t(0), 'a', 'mam', Money.of('20000'), false);
    p.join(t(0), 'p', 'pamm', Money.of('5000'), false);
    path.forEach((pts, h) => {
      const px = new Dec('1.10000').plus(new Dec(pts).times('0.00001')).toFixed(5);
      p.onQuote('EURUSD', { time: t(h + 1), bid: Price.of(px), ask: Price.of(px) });
      if (h === 0) p.masterOpen(t(1), 'M1', 'EURUSD', 'buy', Volume.of('1'));
      if (other && h === other.joinAt) p.join(t(h + 1), 'z', other.model, Money.of(String(other.amount)), false);
      if (other && h === other.leaveAt) p.leave(t(h + 1), 'z');
      p.flush();
      expect(checkInvariants(p, tally)).toEqual([]);
    });
    p.masterClose(t(path.length), 'M1');
    p.periodEnd(t(path.length + 1), 'P');
    return Object.fromEntries(p.investorSnapshots().map((i) => [i.id, i.equity]));
  }

  it("a MAM investor's result is exactly the same; a PAMM member's within the rounding grid", () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: -300, max: 300 }), { minLength: 4, maxLength: 10 }),
      fc.constantFrom<'mam' | 'pamm'>('mam', 'pamm'), fc.integer({ min: 100, max: 50_000 }), fc.nat(), fc.nat(),
      (steps, model, amount, j, l) => {
        const path = steps.reduce<number[]>((acc, d) => [...acc, (acc.at(-1) ?? 0) + d], []);
        const joinAt = 1 + (j % (path.length - 2));
        const leaveAt = joinAt + 1 + (l % (path.length - joinAt - 1));
        const alone = run(path, undefined);
        const shared = run(path, { model, amount, joinAt, leaveAt });
        expect(shared.a!.eq(alone.a!)).toBe(true);
        // A PAMM member sees the sub-quantum rounding of units and of the pool's volume: far below a cent.
        expect(shared.p!.minus(alone.p!).abs().value.lte('0.001')).toBe(true);
      },
    ), { numRuns: 60, seed: 43 });
  });
});
