// The checks of one event against the state before it (engine/invariants.ts, EventChecks): they
// hold on honest runs and fire when an event breaks them. A misbehaving engine is simulated by
// handing the tally an event the engine did not emit (a fee, a deposit, a master open), which is
// what the check would see if the engine booked one wrongly.
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import type { EngineEvent } from '../engine/events.js';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import type { Instrument } from '../engine/instrument.js';
import { DEFAULT_POLICIES, type Policies } from '../engine/policies.js';
import { Program } from '../engine/program.js';
import { DEFAULT_QUANTUM } from '../engine/quantum.js';
import { serverTime } from '../engine/time.js';
import { Money, Price, Volume } from '../engine/values.js';

const EURUSD: Instrument = {
  symbol: 'EURUSD', class: 'fx-major', base: 'EUR', quote: 'USD', contractSize: new Dec(100000), digits: 5, pipSize: new Dec('0.0001'),
  minLot: Volume.of('0.01'), lotStep: Volume.of('0.01'), maxLot: Volume.of('100'), marginMode: 'forex',
};
const t = (h: number) => serverTime(Date.UTC(2024, 2, 4, h));

/** A program checked after every step, as checkedRun does; `step` runs one event and returns what broke. */
function program(opts: { structure?: 'block' | 'signal'; fee?: Partial<Policies['performanceFee']>; pool?: boolean } = {}) {
  const structure = opts.structure ?? 'signal';
  const sink = new MemorySink();
  const tally = new ConservationTally(sink, { maxPerformanceRate: new Dec('0.2') });
  const policies: Policies = { ...DEFAULT_POLICIES, performanceFee: { ...DEFAULT_POLICIES.performanceFee, ...opts.fee } };
  const p = new Program({
    structure, allocation: structure === 'block' ? 'equity' : 'proportional', quantum: DEFAULT_QUANTUM, policies,
    instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec('0.2'), pool: opts.pool ? { id: 'pamm', initialNav: new Dec(1) } : undefined,
  }, tally);
  const step = (fn: () => void): string[] => {
    fn();
    p.flush();
    return checkInvariants(p, tally);
  };
  const quote = (h: number, bid: string) => step(() => p.onQuote('EURUSD', { time: t(h), bid: Price.of(bid), ask: Price.of(bid) }));
  /** An event the engine did not emit, as a wrong booking would look to the check. */
  const inject = (e: Partial<EngineEvent> & Pick<EngineEvent, 'kind'>) => step(() => tally.event({ time: t(20), reason: 'injected', ...e }));
  return { p, sink, tally, step, quote, inject };
}

/** Investor `a` (MAM, 10,000) copies a 10,000 signal master's 1 lot EURUSD buy at 1.10000. */
function invested(opts: Parameters<typeof program>[0] = {}) {
  const x = program(opts);
  expect(x.step(() => x.p.fundMaster(t(0), Money.of('10000')))).toEqual([]);
  expect(x.step(() => x.p.join(t(0), 'a', 'mam', Money.of('10000'), false))).toEqual([]);
  expect(x.quote(1, '1.10000')).toEqual([]);
  expect(x.step(() => x.p.masterOpen(t(1), 'M1', 'EURUSD', 'buy', Volume.of('1')))).toEqual([]);
  return x;
}

describe('no fee below the mark', () => {
  it('an honest period end above the mark passes: 20% of the 200 gained', () => {
    const x = invested();
    expect(x.quote(2, '1.10200')).toEqual([]); // a's 1 lot: +200
    expect(x.step(() => x.p.periodEnd(t(3), 'P1'))).toEqual([]);
    expect(x.sink.events.filter((e) => e.kind === 'performance-fee').map((e) => e.amount!.toString())).toEqual(['40']);
  });

  it('fires on a fee charged while the investor is below its mark', () => {
    const x = invested();
    expect(x.quote(2, '1.09900')).toEqual([]); // −100: equity 9,900 under the mark 10,000
    const broken = x.inject({ kind: 'performance-fee', investor: 'a', amount: Money.of('5') });
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatch(/^no fee below the mark: a paid a performance fee of 5 with no gain above its mark/);
  });

  it('fires on a fee above the rate times the gain, and not on one within it', () => {
    // Gain 200 above the mark: at 20% at most 40 (the check adds back a fee it cannot see taken from the equity, so it allows 20% of 200 + fee).
    const within = invested();
    within.quote(2, '1.10200');
    expect(within.inject({ kind: 'performance-fee', investor: 'a', amount: Money.of('45') })).toEqual([]);
    const over = invested();
    over.quote(2, '1.10200');
    expect(over.inject({ kind: 'performance-fee', investor: 'a', amount: Money.of('60') })[0]).toMatch(/more than 0\.2 × the gain of at most 260\.0000004/);
  });

  it('fires on a fee to the manager, whose own capital pays none', () => {
    const x = program();
    x.step(() => x.p.fundMaster(t(0), Money.of('10000')));
    x.step(() => x.p.join(t(0), 'm', 'mam', Money.of('10000'), true));
    x.quote(1, '1.10000');
    x.step(() => x.p.masterOpen(t(1), 'M1', 'EURUSD', 'buy', Volume.of('1')));
    x.quote(2, '1.10500');
    expect(x.inject({ kind: 'performance-fee', investor: 'm', amount: Money.of('1') })[0]).toMatch(/more than 0 × the gain/);
  });

  it('cumulative-profit basis: the fees of a whole life never exceed the rate times the highest cumulative result', () => {
    const x = invested({ fee: { hwmBasis: 'cumulative-profit' } });
    x.quote(2, '1.10200');
    expect(x.step(() => x.p.periodEnd(t(3), 'P1'))).toEqual([]); // 40 on the 200
    // The same price again: no new high, so a second fee is past both the gain over the result mark (200; at most the
    // 10 the check adds back for a fee it cannot see taken) and the lifetime cap.
    const broken = x.inject({ kind: 'performance-fee', investor: 'a', amount: Money.of('10') });
    expect(broken.some((b) => /a paid a performance fee of 10, more than 0\.2 × the gain of at most 10\.0000004 \(cumulative result 210 over the result mark 200\)/.test(b))).toBe(true);
    expect(broken.some((b) => /a has paid performance fees of 50 in all, more than 0\.2 × its highest cumulative result 2\d\d/.test(b))).toBe(true);
  });

  it('a pro-rata withdrawal on the cumulative basis charges 20% of the gain in all, once (the fee paid out of the amount is not also a withdrawal)', () => {
    // Gain 200; withdraw 5,100 of 10,200 (half): 20% of half the gain = 20 out of the amount; the half that stays
    // carries the other 100 of gain: 20 at the period end. 40 in all = 20% of 200.
    const x = invested({ fee: { hwmBasis: 'cumulative-profit', partialWithdrawal: 'pro-rata' } });
    x.quote(2, '1.10200');
    expect(x.step(() => x.p.masterClose(t(2), 'M1'))).toEqual([]);
    expect(x.step(() => x.p.withdraw(t(3), 'a', Money.of('5100')))).toEqual([]);
    expect(x.step(() => x.p.periodEnd(t(4), 'P1'))).toEqual([]);
    expect(x.sink.events.filter((e) => e.kind === 'performance-fee').map((e) => e.amount!.toString())).toEqual(['20', '20']);
  });
});

describe('no fee below the mark on a full exit: everything the leaver had is realized', () => {
  /** Members a and b (5,000 each) of a pool copying a 10,000 master 1:1: +400 realized, then a 1 lot buy 200 under water, and a leaves. */
  function exit(model: 'mam' | 'pamm', floatingPnl: Policies['performanceFee']['floatingPnl']) {
    const x = program({ pool: true, fee: { floatingPnl } });
    const ok = (broken: string[]) => expect(broken).toEqual([]);
    ok(x.step(() => x.p.fundMaster(t(0), Money.of('10000'))));
    ok(x.step(() => x.p.join(t(0), 'a', model, Money.of('5000'), false)));
    ok(x.step(() => x.p.join(t(0), 'b', model, Money.of('5000'), false)));
    ok(x.quote(1, '1.10000'));
    ok(x.step(() => x.p.masterOpen(t(1), 'M1', 'EURUSD', 'buy', Volume.of('1'))));
    ok(x.quote(2, '1.10400'));
    ok(x.step(() => x.p.masterClose(t(2), 'M1')));
    ok(x.step(() => x.p.masterOpen(t(2), 'M2', 'EURUSD', 'buy', Volume.of('1'))));
    ok(x.quote(3, '1.10200'));
    return { ...x, broken: x.step(() => x.p.leave(t(4), 'a')) };
  }

  it('a MAM investor who leaves pays 20% of its realized 100 above the mark: 20', () => {
    // a: 5,000 + 200 realized − 100 closing its half lot at 1.10200 = 5,100; mark 5,000.
    const x = exit('mam', 'none');
    expect(x.broken).toEqual([]);
    expect(x.sink.events.filter((e) => e.kind === 'performance-fee').map((e) => e.amount!.toString())).toEqual(['20']);
  });

  it('a pool member who leaves pays the same 20, under every floatingPnl policy', () => {
    // a's units' share: 5,000 + 200 realized − 100 for closing its half of the open lot = 5,100. The engine once took
    // a's units' share of b's remaining −100 open off the assessed equity under `none` (5,150: a fee of 30); this check caught it.
    for (const policy of ['all', 'losses-only', 'none'] as const) {
      const x = exit('pamm', policy);
      expect(x.broken).toEqual([]);
      expect(x.sink.events.filter((e) => e.kind === 'performance-fee').map((e) => e.amount!.toString())).toEqual(['20']);
    }
  });

  it('fires on a fee charged after the investor has left (nothing is left to gain on but the fee the check adds back)', () => {
    const x = exit('mam', 'none');
    expect(x.inject({ kind: 'performance-fee', investor: 'a', amount: Money.of('1') })).toEqual(['no fee below the mark: a paid a performance fee of 1, more than 0.2 × the gain of at most 1.0000004 (equity 1 over the mark 0)']);
  });
});

describe('a deposit raises the mark by what stays invested', () => {
  it('passes an honest deposit and fires on one the mark did not follow', () => {
    const x = invested();
    expect(x.step(() => x.p.deposit(t(2), 'a', Money.of('500')))).toEqual([]);
    const broken = x.inject({ kind: 'deposit', investor: 'a', amount: Money.of('300') });
    expect(broken).toContain('deposit mark: a deposited 300 net of entry fees but its mark moved by 0');
  });
});

describe('parts sum to the whole', () => {
  it('fires when a master open reports more than its parts hold', () => {
    const x = program({ structure: 'block' });
    x.step(() => x.p.join(t(0), 'a', 'mam', Money.of('6000'), false));
    x.step(() => x.p.join(t(0), 'b', 'mam', Money.of('4000'), false));
    x.quote(1, '1.10000');
    expect(x.step(() => x.p.masterOpen(t(1), 'B1', 'EURUSD', 'buy', Volume.of('1')))).toEqual([]);
    expect(x.inject({ kind: 'master-open', ticket: 'B1', volume: Volume.of('1.5') })).toEqual(['parts sum to the whole: master trade B1 opened 1.5 lots but its parts hold 1']);
  });

  it('passes a partial close split over the parts, and fires when a close retires less than it says', () => {
    const x = program({ structure: 'block' });
    x.step(() => x.p.join(t(0), 'a', 'mam', Money.of('6000'), false));
    x.step(() => x.p.join(t(0), 'b', 'mam', Money.of('4000'), false));
    x.quote(1, '1.10000');
    x.step(() => x.p.masterOpen(t(1), 'B1', 'EURUSD', 'buy', Volume.of('1')));
    expect(x.step(() => x.p.masterClose(t(2), 'B1', Volume.of('0.37')))).toEqual([]);
    expect(x.inject({ kind: 'master-close', ticket: 'B1', volume: Volume.of('0.2') })).toEqual(['parts sum to the whole: master trade B1 closed 0.2 lots but its parts closed 0']);
  });

  it("checks a signal master's own position, not its followers' copies", () => {
    const x = invested();
    expect(x.step(() => x.p.masterClose(t(2), 'M1', Volume.of('0.4')))).toEqual([]);
    expect(x.inject({ kind: 'master-open', ticket: 'M1', volume: Volume.of('1') })).toEqual(['parts sum to the whole: master trade M1 opened 1 lots but its master position holds 0.6']);
  });
});
