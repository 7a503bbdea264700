import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import { type Instrument } from '../engine/instrument.js';
import { DEFAULT_POLICIES } from '../engine/policies.js';
import { Program } from '../engine/program.js';
import { DEFAULT_QUANTUM } from '../engine/quantum.js';
import { serverTime } from '../engine/time.js';
import { Money, Price, Volume } from '../engine/values.js';

const EURUSD: Instrument = {
  symbol: 'EURUSD', class: 'fx-major', base: 'EUR', quote: 'USD', contractSize: new Dec(100000), digits: 5, pipSize: new Dec('0.0001'),
  minLot: Volume.of('0.01'), lotStep: Volume.of('0.01'), maxLot: Volume.of('100'), marginMode: 'forex',
};
const t = (h: number) => serverTime(Date.UTC(2024, 2, 4, h));

function program(structure: 'block' | 'signal' = 'block') {
  const sink = new MemorySink();
  const tally = new ConservationTally(sink);
  const p = new Program({
    structure, allocation: structure === 'block' ? 'equity' : 'proportional', quantum: DEFAULT_QUANTUM, policies: DEFAULT_POLICIES,
    instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec('0.2'), pool: { id: 'pamm', initialNav: new Dec(1) },
  }, tally);
  const quote = (h: number, bid: string, ask: string) => p.onQuote('EURUSD', { time: t(h), bid: Price.of(bid), ask: Price.of(ask) });
  const rejections = () => sink.events.filter((e) => e.kind.endsWith('-rejected')).map((e) => e.reason);
  return { p, sink, tally, quote, rejections };
}

describe('the program refuses what it cannot do, with a reason, and keeps the books', () => {
  it('rejects bad master orders and requests as events', () => {
    const { p, tally, quote, rejections } = program();
    p.join(t(1), 'a', 'mam', Money.of('1000'), false);
    p.masterOpen(t(2), 'T0', 'EURUSD', 'buy', Volume.of('1')); // no price yet
    quote(2, '1.10000', '1.10010');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('0.005')); // below min lot
    p.masterOpen(t(2), 'T2', 'EURUSD', 'buy', Volume.of('0.015')); // off the lot step
    p.masterOpen(t(2), 'T3', 'EURUSD', 'buy', Volume.of('1'));
    p.masterOpen(t(2), 'T3', 'EURUSD', 'buy', Volume.of('1')); // ticket reused
    p.masterClose(t(3), 'T9'); // unknown ticket
    p.masterClose(t(3), 'T3', Volume.of('2')); // more than open
    p.withdraw(t(3), 'a', Money.of('5000')); // more than equity
    p.withdraw(t(3), 'ghost', Money.of('1'));
    p.join(t(3), 'a', 'mam', Money.of('1'), false); // twice
    expect(rejections()).toEqual([
      'no price for EURUSD yet', 'volume 0.005 is below the minimum lot 0.01 of EURUSD', 'volume 0.015 is not a multiple of the lot step 0.01 of EURUSD',
      'ticket T3 already used', 'no open master trade T9', 'close volume 2 must be positive and at most the open 1',
      'withdrawal 5000 must be positive and at most the equity 990', 'investor ghost has not joined', 'investor a already joined',
    ]);
    expect(checkInvariants(p, tally)).toEqual([]);
  });

  it('refuses a PAMM join into a pool with no positive equity, without registering the investor', () => {
    const { p, tally, quote, rejections } = program();
    quote(1, '1.10000', '1.10010');
    p.join(t(1), 'a', 'pamm', Money.of('100'), false);
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(3, '1.09800', '1.09810'); // 1 lot × −0.0021 = −210 on a 100 pool: equity −110
    p.join(t(3), 'b', 'pamm', Money.of('500'), false);
    expect(rejections()).toEqual(['pool equity -110 is not positive: no NAV to buy units at']);
    expect(p.investorSnapshots().map((i) => i.id)).toEqual(['a']);
    expect(checkInvariants(p, tally)).toEqual([]);
  });

  it('leaves under open trades close the leaver\'s part only (block)', () => {
    const { p, sink, tally, quote } = program();
    p.join(t(1), 'a', 'mam', Money.of('3000'), false);
    p.join(t(1), 'b', 'mam', Money.of('1000'), false);
    quote(2, '1.10000', '1.10010');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('0.4')); // a 0.3, b 0.1
    quote(3, '1.10500', '1.10510'); // +490 per lot from 1.10010
    p.leave(t(3), 'b');
    // b closes 0.1 lot: 0.1 × 100,000 × 0.0049 = 49 profit; fee 20% of 49 = 9.8; b is paid 1,039.2
    expect(sink.trades.map((x) => [x.account, x.volume.toString(), x.profit.toString()])).toEqual([['mam:b', '0.1', '49']]);
    expect(sink.events.filter((e) => e.investor === 'b' && (e.kind === 'withdrawal' || e.kind === 'performance-fee')).map((e) => e.amount!.toString())).toEqual(['9.8', '1039.2']);
    expect(p.masterVolume('T1').toString()).toBe('0.3');
    expect(checkInvariants(p, tally)).toEqual([]);
  });
});

describe('fixes from review', () => {
  it('a PAMM period fee closes the fee\'s share of the pool\'s positions, so the manager\'s exposure per unit stays put', () => {
    // Manager and x put 5,000 each (NAV 1); 1 lot EURUSD bought at 1.00000 (no spread); price 1.02000: +2,000.
    // Each is worth 6,000; x pays 20% × 1,000 = 200. The pool closes 200 / 12,000 = 1/60 of its lot → 0.9833333 lots.
    // Back at 1.00000 the manager is worth exactly his 5,000 again (his 5,000 units at NAV 1).
    const { p, tally, quote } = program();
    quote(1, '1.00000', '1.00000');
    p.join(t(1), 'manager', 'pamm', Money.of('5000'), true);
    p.join(t(1), 'x', 'pamm', Money.of('5000'), false);
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(3, '1.02000', '1.02000');
    p.periodEnd(t(3), '2024-03');
    expect(p.openPositions().filter((x) => x.account === 'pamm').map((x) => x.volume.toString())).toEqual(['0.9833334']); // 1 − trunc(1/60, 1e-7) = 1 − 0.0166666
    quote(4, '1.00000', '1.00000');
    const eq = Object.fromEntries(p.investorSnapshots().map((i) => [i.id, i.equity.value]));
    // Exactly 5,000 would need 59/60 lot; volumes live on the 1e-7 grid, so the pool keeps at most
    // 1e-7 lot too much: worth at most 1e-7 × 100,000 × 0.02 = 0.0002 over the move back.
    // (Without closing anything the manager would end at 4,983.05.)
    expect(eq.manager!.minus(5000).abs().lte('0.0002')).toBe(true);
    // x redeemed 200 / NAV 1.2 = 166.6666667 units (rounded up) and holds 4,833.3333333.
    expect(p.investorSnapshots().find((i) => i.id === 'x')!.units!.toString()).toBe('4833.3333333');
    expect(checkInvariants(p, tally)).toEqual([]);
  });

  it('rejects an order whose conversion pair has no price yet instead of failing', () => {
    const USDJPY: Instrument = { ...EURUSD, symbol: 'USDJPY', base: 'USD', quote: 'JPY', digits: 3, pipSize: new Dec('0.01') };
    const GBPJPY: Instrument = { ...EURUSD, symbol: 'GBPJPY', base: 'GBP', quote: 'JPY', digits: 3, pipSize: new Dec('0.01') };
    const GBPUSD: Instrument = { ...EURUSD, symbol: 'GBPUSD', base: 'GBP', quote: 'USD' };
    const sink = new MemorySink();
    const p = new Program({ structure: 'block', allocation: 'equity', quantum: DEFAULT_QUANTUM, policies: DEFAULT_POLICIES, instruments: new Map([['GBPJPY', GBPJPY], ['USDJPY', USDJPY], ['GBPUSD', GBPUSD]]), performanceFeeRate: new Dec(0) }, sink);
    p.join(t(1), 'a', 'mam', Money.of('1000'), false);
    p.onQuote('GBPJPY', { time: t(1), bid: Price.of('190.000'), ask: Price.of('190.020') });
    p.masterOpen(t(2), 'T1', 'GBPJPY', 'buy', Volume.of('0.1'));
    expect(sink.events.at(-1)!.reason).toBe("no price yet for USDJPY, which converts GBPJPY's profit to USD");
  });

  it('retires a block trade whose every part left, with an event', () => {
    const { p, sink, quote } = program();
    p.join(t(1), 'a', 'mam', Money.of('1000'), false);
    quote(2, '1.10000', '1.10010');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('0.1'));
    p.leave(t(3), 'a');
    expect(p.openMasterTickets()).toEqual([]);
    expect(sink.events.find((e) => e.kind === 'master-close')!.reason).toMatch(/nothing left open/);
  });

  it('never charges a leaving investor for negative equity: the broker absorbs it', () => {
    // 1 lot on 1,000; bid falls 0.0200 below the 1.10010 entry: −2,000 → equity −1,000 at exit.
    const { p, sink, tally, quote } = program();
    p.join(t(1), 'a', 'mam', Money.of('1000'), false);
    quote(2, '1.10000', '1.10010');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(3, '1.08010', '1.08020');
    p.leave(t(3), 'a');
    const protectedEvent = sink.events.find((e) => e.kind === 'negative-balance-protected')!;
    expect(protectedEvent.amount!.toString()).toBe('1000');
    expect(sink.events.filter((e) => e.kind === 'withdrawal').map((e) => e.amount!.toString())).toEqual(['0']);
    expect(p.journal.balance('house').toString()).toBe('-1000');
    expect(checkInvariants(p, tally)).toEqual([]);
  });
});

describe('investors under open trades: leave conventions and PAMM deposits', () => {
  function signal(policies: Partial<typeof DEFAULT_POLICIES>) {
    const sink = new MemorySink();
    const tally = new ConservationTally(sink);
    const p = new Program({
      structure: 'signal', allocation: 'proportional', quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, ...policies },
      instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec('0.2'), pool: { id: 'pamm', initialNav: new Dec(1) },
    }, tally);
    const quote = (h: number, bid: string, ask: string) => p.onQuote('EURUSD', { time: t(h), bid: Price.of(bid), ask: Price.of(ask) });
    p.fundMaster(t(1), Money.of('10000'));
    return { p, sink, tally, quote };
  }

  it('onLeave: detach keeps the positions in an independent account after charging the exit fee', () => {
    // Master 10,000 buys 1 lot; a (20,000) copies 2 lots at 1.10000; bid 1.10500: +1,000 floating for a.
    // a leaves: fee 20% × 1,000 = 200 from its balance; it keeps its 2 lots, no longer tied to M1.
    const { p, sink, tally, quote } = signal({ onLeave: 'detach' });
    p.join(t(1), 'a', 'mam', Money.of('20000'), false);
    quote(2, '1.10000', '1.10000');
    p.masterOpen(t(2), 'M1', 'EURUSD', 'buy', Volume.of('1'));
    quote(3, '1.10500', '1.10500');
    p.leave(t(3), 'a');
    expect(sink.events.find((e) => e.kind === 'performance-fee')!.amount!.toString()).toBe('200');
    expect(sink.events.find((e) => e.kind === 'detach')!.volume!.toString()).toBe('2');
    p.masterClose(t(4), 'M1');
    const a = p.openPositions().filter((x) => x.account === 'mam:a');
    expect(a.map((x) => [x.volume.toString(), x.masterTicket])).toEqual([['2', 'detached:M1']]);
    const inv = p.investorSnapshots().find((i) => i.id === 'a')!;
    expect([inv.active, inv.detached, inv.equity.toString()]).toEqual([false, true, '20800']); // 20,000 + 1,000 − 200
    expect(checkInvariants(p, tally)).toEqual([]);
  });

  it('pammDeposit: no-action leaves the new money out of open trades; reallocate resizes the pool', () => {
    // Master 10,000 buys 1 lot; the pool (5,000) copies 0.5. 5,000 more arrives while M1 is open.
    for (const [policy, expected] of [['no-action', ['0.5']], ['reallocate', ['0.5', '0.5']]] as const) {
      const { p, tally, quote } = signal({ pammDeposit: policy });
      p.join(t(1), 'x', 'pamm', Money.of('5000'), false);
      quote(2, '1.10000', '1.10000');
      p.masterOpen(t(2), 'M1', 'EURUSD', 'buy', Volume.of('1'));
      p.deposit(t(3), 'x', Money.of('5000'));
      expect(p.openPositions().filter((x) => x.account === 'pamm').map((x) => x.volume.toString()), policy).toEqual(expected);
      expect(checkInvariants(p, tally)).toEqual([]);
    }
  });
});

describe('rounding money: actual against exact shares', () => {
  const lotStepBlock = (below: 'skip' | 'force-min' = 'skip') => {
    const sink = new MemorySink();
    const p = new Program({
      structure: 'block', allocation: 'equity', quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, roundingMode: 'lot-step', belowMinLot: below },
      instruments: new Map([['EURUSD', { ...EURUSD, minLot: Volume.of('0.1') }]]), performanceFeeRate: new Dec(0),
    }, sink);
    return { p, sink };
  };

  it('splits 3.33 lots by 12,500 / 6,300 / 1,200 and books what rounding moved on a $1,000-per-lot gain', () => {
    // Exact shares 2.08125 / 1.04895 / 0.1998; lot-step parts 2.08 / 1.05 / 0.20.
    // +0.01000 on EURUSD = $1,000 per lot: actual 2,080 / 1,050 / 200, ideal 2,081.25 / 1,048.95 / 199.80.
    const { p, sink } = lotStepBlock();
    p.join(t(1), 'a', 'mam', Money.of('12500'), false);
    p.join(t(1), 'b', 'mam', Money.of('6300'), false);
    p.join(t(1), 'c', 'mam', Money.of('1200'), false);
    p.onQuote('EURUSD', { time: t(2), bid: Price.of('1.10000'), ask: Price.of('1.10000') });
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('3.33'));
    p.onQuote('EURUSD', { time: t(3), bid: Price.of('1.11000'), ask: Price.of('1.11000') });
    p.masterClose(t(3), 'T1');
    p.flush();
    const rows = sink.trades.map((x) => [x.account, x.volume.toString(), x.profit.toString(), x.idealProfit.toString(), x.profit.minus(x.idealProfit).toString()]);
    expect(rows).toEqual([
      ['mam:a', '2.08', '2080', '2081.25', '-1.25'],
      ['mam:b', '1.05', '1050', '1048.95', '1.05'],
      ['mam:c', '0.2', '200', '199.8', '0.2'],
    ]);
  });

  it('books the P&L a skipped follower\'s exact share missed', () => {
    // 0.50 lot by 9,000 / 900 / 100 in lot-step with a 0.1 minimum: b (exact 0.045) and c (0.005) are skipped,
    // a takes 0.50. +$1,000 per lot: a earns 500 against an ideal 450 (+50); b misses 45, c misses 5.
    const { p, sink } = lotStepBlock();
    for (const [id, eq] of [['a', '9000'], ['b', '900'], ['c', '100']] as const) p.join(t(1), id, 'mam', Money.of(eq), false);
    p.onQuote('EURUSD', { time: t(2), bid: Price.of('1.10000'), ask: Price.of('1.10000') });
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('0.5'));
    p.onQuote('EURUSD', { time: t(3), bid: Price.of('1.11000'), ask: Price.of('1.11000') });
    expect([...p.openRounding()].map(([a, m]) => [a, m.toString()])).toEqual([['mam:a', '50'], ['mam:b', '-45'], ['mam:c', '-5']]);
    p.masterClose(t(3), 'T1');
    p.flush();
    expect(sink.trades.map((x) => [x.account, x.profit.minus(x.idealProfit).toString()])).toEqual([['mam:a', '50']]);
    expect(sink.events.filter((e) => e.kind === 'rounding-missed').map((e) => [e.account, e.amount!.toString()])).toEqual([['mam:b', '45'], ['mam:c', '5']]);
  });
});

describe('a partial withdrawal under open trades leaves the other investors\' results as they were', () => {
  /** Pool x 5,000 + y 5,000 buys 1 lot at 1.10000; the price goes to 1.10500, then 1.12000 where it closes. */
  function runPool(withdraw: boolean) {
    const sink = new MemorySink();
    const tally = new ConservationTally(sink);
    const p = new Program({ structure: 'block', allocation: 'equity', quantum: DEFAULT_QUANTUM, policies: DEFAULT_POLICIES, instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec(0), pool: { id: 'pamm', initialNav: new Dec(1) } }, tally);
    const q = (h: number, px: string) => p.onQuote('EURUSD', { time: t(h), bid: Price.of(px), ask: Price.of(px) });
    p.join(t(1), 'x', 'pamm', Money.of('5000'), false);
    p.join(t(1), 'y', 'pamm', Money.of('5000'), false);
    q(2, '1.10000');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    q(3, '1.10500');
    if (withdraw) p.withdraw(t(3), 'x', Money.of('2000'));
    q(4, '1.12000');
    p.masterClose(t(4), 'T1');
    expect(checkInvariants(p, tally)).toEqual([]);
    return Object.fromEntries(p.investorSnapshots().map((i) => [i.id, i.equity.value]));
  }

  it('y ends the same with or without x withdrawing, to what a 1e-7-lot grid allows', () => {
    // Without: y = 5,000 + ½ × 1 × 100,000 × 0.02 = 6,000. With x taking 2,000 of 10,500 at 1.10500, the pool
    // closes 2,000/10,500 of its lot (0.1904761 lots, floored), so y keeps its exposure; the floor leaves at most
    // 1e-7 lot extra, worth 1e-7 × 100,000 × 0.015 = 0.00015 over the rest of the move.
    const without = runPool(false), with_ = runPool(true);
    expect(without.y!.toString()).toBe('6000');
    expect(with_.y!.minus(without.y!).abs().lte('0.00015')).toBe(true);
    expect(with_.x!.lt(without.x!)).toBe(true);
  });
});

describe('rounding money follows the exact share through reductions and late allocations (lot step 0.1)', () => {
  const COARSE: Instrument = { ...EURUSD, minLot: Volume.of('0.1'), lotStep: Volume.of('0.1') };
  function program2(structure: 'block' | 'signal', allocation: 'equity' | 'proportional' | 'multiplier') {
    const sink = new MemorySink();
    const tally = new ConservationTally(sink);
    const p = new Program({
      structure, allocation, quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, roundingMode: 'lot-step' },
      instruments: new Map([['EURUSD', COARSE]]), performanceFeeRate: new Dec(0), pool: { id: 'pamm', initialNav: new Dec(1) },
    }, tally);
    const q = (h: number, px: string) => p.onQuote('EURUSD', { time: t(h), bid: Price.of(px), ask: Price.of(px) });
    const rounding = (acc: string) => sink.trades.filter((x) => x.account === acc).reduce((m, x) => m.plus(x.profit).minus(x.idealProfit), Money.zero)
      .minus(Money.sum(sink.events.filter((e) => e.kind === 'rounding-missed' && e.account === acc).map((e) => e.amount!)))
      .plus(p.openRounding().get(acc) ?? Money.zero);
    return { p, sink, tally, q, rounding };
  }

  it('a withdrawal whose proportional close rounds down to nothing is reported, and the kept exposure is rounding money', () => {
    // Pool of 3 × 10,000 holds 0.3 lot from 1.10000. p1 takes 5,000 (1/6): 0.05 lot rounds down to 0 → an event.
    // At 1.11000 the pool earns 0.3 × 1,000 = 300 against its exact 0.25 lot's 250: +50 of rounding money.
    const { p, sink, tally, q, rounding } = program2('block', 'equity');
    for (const id of ['p1', 'p2', 'p3']) p.join(t(1), id, 'pamm', Money.of('10000'), false);
    q(2, '1.10000');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('0.3'));
    p.withdraw(t(3), 'p1', Money.of('5000'));
    expect(sink.events.find((e) => e.kind === 'reduction-rounded')!.reason).toMatch(/^closes 0 of the intended 0.05 lots/);
    q(4, '1.11000');
    p.masterClose(t(4), 'T1');
    p.flush();
    expect(sink.trades.map((x) => [x.profit.toString(), x.idealProfit.toString()])).toEqual([['300', '250']]);
    expect(rounding('pamm').toString()).toBe('50');
    expect(checkInvariants(p, tally)).toEqual([]);
  });

  it('a partial close that rounds a copy down to nothing still retires its exact share', () => {
    // multiplier 0.14 on 1 lot: 0.1 lot against an exact 0.14. At +100 pips the master closes half: the copy
    // would close 0.05, rounds to 0; the exact 0.07 is retired at 1.11000 (ideal 70, missed). Back at 1.10000 all
    // closes flat. Rounding money: −70 (the exact share earned 70, the account nothing).
    const { p, q, rounding } = program2('signal', 'multiplier');
    p.fundMaster(t(1), Money.of('10000'));
    p.join(t(1), 'a', 'mam', Money.of('10000'), false, { multiplier: new Dec('0.14') });
    q(2, '1.10000');
    p.masterOpen(t(2), 'M1', 'EURUSD', 'buy', Volume.of('1'));
    q(3, '1.11000');
    p.masterClose(t(3), 'M1', Volume.of('0.5'));
    q(4, '1.10000');
    p.masterClose(t(4), 'M1');
    p.flush();
    expect(rounding('mam:a').toString()).toBe('-70');
  });

  it('a skipped share is settled when the account gets a real position, not counted again', () => {
    // Master 10,000 buys 1 lot at 1.10000; the pool (500) would copy 0.05 < 0.1: skipped, exact 0.05.
    // At 1.10500 a 1,000 deposit: the skipped share settles (missed 0.05 × 500 = 25), the pool is resized to
    // 1 × 1,500 / 10,500 = 0.142857… → 0.1 lot (exact 0.1428571…). At 1.11000 all closes: actual 0.1 × 500 = 50,
    // ideal 0.1428571… × 500 = 71.43. Rounding: −25 − 21.43 = −46.43.
    const { p, q, rounding } = program2('signal', 'proportional');
    p.fundMaster(t(1), Money.of('10000'));
    p.join(t(1), 'x', 'pamm', Money.of('500'), false);
    q(2, '1.10000');
    p.masterOpen(t(2), 'M1', 'EURUSD', 'buy', Volume.of('1'));
    q(3, '1.10500');
    p.deposit(t(3), 'x', Money.of('1000'));
    q(4, '1.11000');
    p.masterClose(t(4), 'M1');
    p.flush();
    // 0.1428571428… × 500 = 71.4285714… → 71.4285714 (half-up to 1e-7); 50 − 71.4285714 − 25 = −46.4285714
    expect(rounding('pamm').toString()).toBe('-46.4285714');
  });
});

describe('floatingPnl: what the performance fee is assessed on', () => {
  // a (10,000) made +1,000 realized on T1; T2 is open with floating −500 (case A) or +800 (case B) at the period end.
  function feeAt(floatingPnl: 'all' | 'losses-only' | 'none', close2: string) {
    const sink = new MemorySink();
    const p = new Program({ structure: 'block', allocation: 'equity', quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, performanceFee: { ...DEFAULT_POLICIES.performanceFee, floatingPnl } }, instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec('0.2') }, sink);
    const q = (h: number, px: string) => p.onQuote('EURUSD', { time: t(h), bid: Price.of(px), ask: Price.of(px) });
    p.join(t(1), 'a', 'mam', Money.of('10000'), false);
    q(2, '1.10000');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    q(3, '1.11000');
    p.masterClose(t(3), 'T1');
    p.masterOpen(t(3), 'T2', 'EURUSD', 'buy', Volume.of('1'));
    q(4, close2);
    p.periodEnd(t(4), 'P');
    return sink.events.filter((e) => e.kind === 'performance-fee').map((e) => e.amount!.toString())[0] ?? '0';
  }
  it('case A, open loss −500: all and losses-only charge on 500 (100), none on the realized 1,000 (200)', () => {
    expect(['all', 'losses-only', 'none'].map((x) => feeAt(x as 'all', '1.10500'))).toEqual(['100', '100', '200']);
  });
  it('case B, open gain +800: all charges on 1,800 (360); losses-only and none on 1,000 (200)', () => {
    expect(['all', 'losses-only', 'none'].map((x) => feeAt(x as 'all', '1.11800'))).toEqual(['360', '200', '200']);
  });
});

describe('program terms (DOMAIN §6)', () => {
  function signalWithTerms() {
    const sink = new MemorySink();
    const p = new Program({
      structure: 'signal', allocation: 'proportional', quantum: DEFAULT_QUANTUM, policies: DEFAULT_POLICIES,
      instruments: new Map([['EURUSD', { ...EURUSD, minLot: Volume.of('0.1') }]]), performanceFeeRate: new Dec('0.2'), pool: { id: 'pamm', initialNav: new Dec(1) },
      terms: { minimumInvestment: Money.of('10'), minimumMamInvestment: 'floating' },
    }, sink);
    p.fundMaster(t(1), Money.of('10000'));
    p.onQuote('EURUSD', { time: t(2), bid: Price.of('1.10000'), ask: Price.of('1.10000') });
    return { p, sink, rejected: () => sink.events.filter((e) => e.kind === 'request-rejected').map((e) => e.reason) };
  }

  it('refuses a first deposit below the minimum investment', () => {
    const { p, rejected } = signalWithTerms();
    p.join(t(2), 'tiny', 'pamm', Money.of('5'), false);
    p.join(t(2), 'ok', 'pamm', Money.of('10'), false);
    expect(rejected()).toEqual(['5 is below the program\'s minimum investment 10']);
    expect(p.investorSnapshots().map((i) => i.id)).toEqual(['ok']);
  });

  it('floats the minimum MAM investment with the smallest master trade: min lot × master equity / volume', () => {
    // No trade yet: no minimum. After a 1-lot trade (min lot 0.1, master equity 10,000): 0.1 × 10,000 / 1 = 1,000.
    const { p, rejected } = signalWithTerms();
    expect(p.minimumMamInvestment()).toBeUndefined();
    p.masterOpen(t(2), 'M1', 'EURUSD', 'buy', Volume.of('1'));
    p.flush();
    expect(p.minimumMamInvestment()!.toString()).toBe('1000');
    p.join(t(3), 'small', 'mam', Money.of('500'), false);
    p.join(t(3), 'big', 'mam', Money.of('2000'), false);
    expect(rejected()).toEqual(['500 is below the minimum MAM investment 1000: this investor can join the PAMM pool instead']);
    // a smaller trade (0.5 lot) doubles it: 0.1 × 10,000 / 0.5 = 2,000
    p.masterOpen(t(4), 'M2', 'EURUSD', 'buy', Volume.of('0.5'));
    p.flush();
    expect(p.minimumMamInvestment()!.toString()).toBe('2000');
  });
});

describe('a client trade waits for the quote that converts its profit', () => {
  const GBPUSD: Instrument = { ...EURUSD, symbol: 'GBPUSD', base: 'GBP' };
  const EURGBP: Instrument = { ...EURUSD, symbol: 'EURGBP', quote: 'GBP' };
  /** A signal program trading the cross EURGBP, whose profit converts through GBPUSD (and, with risk rules, its margin through EURUSD). */
  function crossProgram(instruments: Instrument[], risk?: ConstructorParameters<typeof Program>[0]['risk']) {
    const sink = new MemorySink();
    const tally = new ConservationTally(sink);
    const p = new Program({
      structure: 'signal', allocation: 'proportional', quantum: DEFAULT_QUANTUM, policies: DEFAULT_POLICIES,
      instruments: new Map(instruments.map((i) => [i.symbol, i])), performanceFeeRate: new Dec(0), ...(risk ? { risk } : {}),
    }, tally);
    return { sink, tally, p };
  }

  it('is rejected with a reason (it used to throw "no price yet" out of the run)', () => {
    const { sink, tally, p } = crossProgram([EURGBP, GBPUSD]);
    p.openClient(t(0), 'c', Money.of('1000'), {});
    p.onQuote('EURGBP', { time: t(1), bid: Price.of('0.85500'), ask: Price.of('0.85510') });
    p.clientOpen(t(1), 'c', 'c-1', 'EURGBP', 'buy', Volume.of('0.1'));
    expect(sink.events.filter((e) => e.kind === 'order-rejected').map((e) => e.reason)).toEqual(["no price yet for GBPUSD, which converts EURGBP's profit to USD"]);
    expect(checkInvariants(p, tally)).toEqual([]);
  });

  it('with risk rules, a client or master order also waits for the quote that converts its margin (stated in the base currency)', () => {
    const { sink, tally, p } = crossProgram([EURGBP, GBPUSD, EURUSD], { leverage: { default: new Dec(100), byClass: new Map() }, marginCall: new Dec(100), stopOut: new Dec(30) });
    p.fundMaster(t(0), Money.of('10000'));
    p.openClient(t(0), 'c', Money.of('1000'), {});
    p.onQuote('GBPUSD', { time: t(1), bid: Price.of('1.27000'), ask: Price.of('1.27010') });
    p.onQuote('EURGBP', { time: t(1), bid: Price.of('0.85500'), ask: Price.of('0.85510') });
    p.clientOpen(t(1), 'c', 'c-1', 'EURGBP', 'buy', Volume.of('0.1'));
    p.masterOpen(t(1), 'M1', 'EURGBP', 'buy', Volume.of('0.1'));
    const why = "no price yet for EURUSD, which converts EURGBP's margin (in EUR) to USD";
    expect(sink.events.filter((e) => e.kind === 'order-rejected').map((e) => e.reason)).toEqual([why, why]);
    // Once EURUSD has a price both fill: 0.1 lot × 100,000 EUR / 100 = 100 EUR of margin at 1.08 = 108 USD.
    p.onQuote('EURUSD', { time: t(2), bid: Price.of('1.08000'), ask: Price.of('1.08000') });
    p.clientOpen(t(2), 'c', 'c-2', 'EURGBP', 'buy', Volume.of('0.1'));
    p.masterOpen(t(2), 'M2', 'EURGBP', 'buy', Volume.of('0.1'));
    p.flush();
    expect(p.openPositions().map((x) => x.masterTicket)).toEqual(['M2', 'c-2']);
    expect(p.marginSnapshots().find((m) => m.id === 'client:c')!.used.toString()).toBe('108');
    expect(checkInvariants(p, tally)).toEqual([]);
  });
});

describe('positions-reduced is logged only when something was open (issue 14)', () => {
  it('a MAM withdrawal with nothing open reduces nothing; under an open trade it closes its share and says so', () => {
    const { p, sink, tally, quote } = program();
    p.join(t(1), 'a', 'mam', Money.of('10000'), false);
    p.join(t(1), 'x', 'pamm', Money.of('10000'), false);
    quote(2, '1.10000', '1.10000');
    p.withdraw(t(2), 'a', Money.of('1000'));
    p.withdraw(t(2), 'x', Money.of('1000'));
    expect(sink.events.filter((e) => e.kind === 'positions-reduced')).toEqual([]);
    // 9,000 + 9,000: 1 lot splits 0.5 / 0.5; a takes 900 of its 9,000 (a tenth): 0.05 lot closes.
    p.masterOpen(t(3), 'M1', 'EURUSD', 'buy', Volume.of('1'));
    p.withdraw(t(3), 'a', Money.of('900'));
    expect(sink.events.filter((e) => e.kind === 'positions-reduced').map((e) => e.account)).toEqual(['mam:a']);
    expect(p.openPositions().filter((x) => x.account === 'mam:a').map((x) => x.volume.toString())).toEqual(['0.45']);
    expect(checkInvariants(p, tally)).toEqual([]);
  });
});
