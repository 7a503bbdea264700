// Regressions found by a review of growPool (pammDeposit: reallocate in block programs), marginPrice: open
// and openBlocks: re-split (issue 14); each failed before its fix. Expected values are worked out in the comments.
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import { DEFAULT_POLICIES, type Policies } from '../engine/policies.js';
import { Program } from '../engine/program.js';
import type { ProgramConfig } from '../engine/program-state.js';
import { DEFAULT_QUANTUM } from '../engine/quantum.js';
import { serverTime } from '../engine/time.js';
import { Money, Price, Volume } from '../engine/values.js';
import { EURUSD, US30, at, riskProgram, riskTerms } from './risk-fixtures.js';

const t = (h: number) => serverTime(Date.UTC(2024, 2, 4, h));

function block(policies: Partial<Policies>, extra: Partial<ProgramConfig> = {}, pool = false) {
  const sink = new MemorySink();
  const tally = new ConservationTally(sink);
  const p = new Program({
    structure: 'block', allocation: 'equity', quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, ...policies },
    instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec(0), pool: pool ? { id: 'pamm', initialNav: new Dec(1) } : undefined, ...extra,
  }, tally);
  const ok = () => expect(checkInvariants(p, tally)).toEqual([]);
  const quote = (h: number, px: string) => { p.onQuote('EURUSD', { time: t(h), bid: Price.of(px), ask: Price.of(px) }); p.flush(); ok(); };
  const lots = (account: string) => p.openPositions().filter((x) => x.account === account).reduce((v, x) => v.plus(x.volume.value), new Dec(0)).toString();
  /** Realized rounding money per account as run-writer.ts books it: Σ(profit − ideal) − Σ missed. */
  const rounding = (account: string) => sink.trades.filter((x) => x.account === account).reduce((m, x) => m.plus(x.profit).minus(x.idealProfit), Money.zero)
    .minus(Money.sum(sink.events.filter((e) => e.kind === 'rounding-missed' && e.account === account).map((e) => e.amount!)));
  return { p, sink, ok, quote, lots, rounding };
}

describe('an account holding several positions of one block keeps each one\'s exact share', () => {
  it('fractional split, no rounding anywhere: a partial master close after a pool deposit books no rounding money', () => {
    const r = block({ pammDeposit: 'reallocate' }, {}, true);
    r.p.join(t(1), 'a', 'mam', Money.of('10000'), false);
    r.p.join(t(1), 'A', 'pamm', Money.of('10000'), false);
    r.quote(2, '1.10000');
    r.p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('2'));
    r.p.flush();
    r.quote(3, '1.10200');
    r.p.join(t(3), 'B', 'pamm', Money.of('10200'), false); // pool part grows by a 2nd position: 1 @1.10000 + 1 @1.10200
    r.p.flush();
    expect(r.p.openPositions().filter((x) => x.account === 'pamm').map((x) => x.volume.toString())).toEqual(['1', '1']);
    r.quote(4, '1.10500');
    r.p.masterClose(t(4), 'T1', Volume.of('1.5')); // pool closes 1 of its 2 lots (oldest first)
    r.p.flush();
    r.ok();
    // The pool's second position is still fully open: nothing of it is missed, and it keeps its exact volume.
    expect.soft(r.sink.events.filter((e) => e.kind === 'rounding-missed').map((e) => [e.account, e.volume!.toString(), e.amount!.toString()])).toEqual([]);
    for (const x of r.p.openPositions()) expect.soft(x.exactVolume.toString(), `#${x.ticket}`).toBe(x.volume.toString());
    r.quote(5, '1.11000');
    r.p.masterClose(t(5), 'T1');
    r.p.flush();
    expect.soft(r.rounding('pamm').toString()).toBe('0');
  });
});

describe('sub-grain shares add up, and a re-split across positions books no phantom rounding money', () => {
  it('two pool deposits of 50 on a 10,000 pool (lot step 0.01): 50 / 10,000 = 0.005 and 50 / 10,050 = 0.0049751 lot, each below a step: both are rounding money (0.009975)', () => {
    const r = block({ pammDeposit: 'reallocate', roundingMode: 'lot-step' }, {}, true);
    r.p.join(t(1), 'A', 'pamm', Money.of('10000'), false);
    r.quote(2, '1.10000');
    r.p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    r.p.flush();
    r.p.join(t(3), 'B', 'pamm', Money.of('50'), false); // exact 0.005 kept as t.skipped
    r.p.join(t(3), 'C', 'pamm', Money.of('50'), false); // exact 0.004975…, added to the pending share
    r.p.flush();
    r.quote(4, '1.11000');
    r.p.masterClose(t(4), 'T1');
    r.p.flush();
    const missed = r.sink.events.filter((e) => e.kind === 'rounding-missed' && e.account === 'pamm').reduce((v, e) => v.plus(e.volume!.value), new Dec(0));
    expect(missed.toDecimalPlaces(6).toString()).toBe('0.009975');
  });
});

describe('openBlocks: re-split falls back and gates', () => {
  it('a re-split that closes across two positions of one account books no rounding money (fractional split)', () => {
    const r = block({ openBlocks: 're-split' });
    r.p.join(t(1), 'a', 'mam', Money.of('10000'), false);
    r.p.join(t(1), 'b', 'mam', Money.of('10000'), false);
    r.quote(2, '1.10000');
    r.p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('2'));
    r.p.flush();
    r.quote(3, '1.10200');
    r.p.deposit(t(3), 'a', Money.of('10000')); // a: 1 @1.10000 + a 2nd position @1.10200
    r.p.flush();
    r.quote(4, '1.10500');
    r.p.withdraw(t(4), 'a', Money.of('19000')); // a's part shrinks below its 2nd position: the 1st closes whole, the 2nd in part
    r.p.flush();
    r.ok();
    expect.soft(r.sink.events.filter((e) => e.kind === 'rounding-missed').map((e) => [e.account, e.volume!.toString(), e.amount!.toString()])).toEqual([]);
    r.quote(5, '1.11000');
    r.p.masterClose(t(5), 'T1');
    r.p.flush();
    expect.soft(r.rounding('mam:a').toString()).toBe('0');
  });

  it('a withdrawal from the only holder of a block closes its share as under frozen (9,000 of 10,000: 0.1 lot left)', () => {
    // b joins after T1 opened (a split-family join copies nothing), so a is T1's only holder.
    const lotsAfter = (openBlocks: Policies['openBlocks']) => {
      const r = block({ openBlocks, roundingMode: 'lot-step' });
      r.p.join(t(1), 'a', 'mam', Money.of('10000'), false);
      r.quote(2, '1.10000');
      r.p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
      r.p.flush();
      r.p.join(t(3), 'b', 'mam', Money.of('10000'), false);
      r.p.withdraw(t(3), 'a', Money.of('9000'));
      r.p.flush();
      r.ok();
      return r.lots('mam:a');
    };
    expect(lotsAfter('frozen')).toBe('0.1');
    expect(lotsAfter('re-split')).toBe('0.1');
  });

  it('balance split: a withdrawal above the balance (a has open profit) gives a negative weight: the share closes as under frozen (0.16 left)', () => {
    const after = (openBlocks: Policies['openBlocks']) => {
      const r = block({ openBlocks, roundingMode: 'lot-step' }, { allocation: 'balance' });
      r.p.join(t(1), 'a', 'mam', Money.of('10000'), false);
      r.p.join(t(1), 'b', 'mam', Money.of('10000'), false);
      r.quote(2, '1.10000');
      r.p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('2'));
      r.p.flush();
      r.quote(3, '1.13000'); // a: balance 10,000, equity 13,000
      r.p.withdraw(t(3), 'a', Money.of('11000'));
      r.p.flush();
      r.ok();
      return r.lots('mam:a');
    };
    expect(after('frozen')).toBe('0.16');
    expect(after('re-split')).not.toBe('1');
  });

  it('...so with margin rules the withdrawal does not stop the account out (as under frozen)', () => {
    const stopOuts = (openBlocks: Policies['openBlocks']) => {
      const r = riskProgram(riskTerms(), { policies: { openBlocks, roundingMode: 'lot-step' } });
      r.p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
      r.quote(at(4, 2), '1.10000');
      r.p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
      r.p.flush();
      r.p.withdraw(at(4, 3), 'a', Money.of('9700')); // equity 300 against 1,100 of margin: 27%
      r.p.flush();
      r.quote(at(4, 4), '1.10000');
      r.invariants();
      return r.events('stop-out').length;
    };
    expect(stopOuts('frozen')).toBe(0);
    expect(stopOuts('re-split')).toBe(0);
  });

  it('another holder\'s withdrawal cannot pile the block onto b past its free margin: the risk gate cuts b\'s increase, no stop-out', () => {
    const r = riskProgram(riskTerms(), { policies: { openBlocks: 're-split', roundingMode: 'lot-step' } });
    r.p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    r.p.join(at(4, 1), 'b', 'mam', Money.of('600'), false);
    r.quote(at(4, 2), '1.10000');
    r.p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('2')); // a 1.89, b 0.11
    r.p.flush();
    r.p.withdraw(at(4, 3), 'a', Money.of('9990')); // weights 10 : 600 → b 1.97 lots = 2,167 of margin on 600
    r.p.flush();
    const b = r.margin('mam:b');
    expect(b.free.isNegative(), `b used ${b.used.toString()} of equity ${b.equity.toString()}`).toBe(false);
    r.quote(at(4, 4), '1.10000');
    expect(r.events('stop-out').filter((e) => e.account === 'mam:b')).toEqual([]);
  });

  it('the personal open-volume cap applies to re-split opens', () => {
    const r = riskProgram(riskTerms({ accounts: new Map([['mam:b', { maxOpenVolume: Volume.of('1') }]]) }), { policies: { openBlocks: 're-split', roundingMode: 'lot-step' } });
    r.p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    r.p.join(at(4, 1), 'b', 'mam', Money.of('10000'), false);
    r.quote(at(4, 2), '1.10000');
    r.p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('2'));
    r.p.flush();
    r.p.withdraw(at(4, 3), 'a', Money.of('5000'));
    r.p.flush();
    const bLots = r.p.openPositions().filter((x) => x.account === 'mam:b').reduce((v, x) => v.plus(x.volume.value), new Dec(0));
    expect(bLots.lte(1), `b holds ${bLots.toString()}`).toBe(true);
  });
});

describe('marginPrice: open prices each leg at its own open price', () => {
  it('larger-leg margins the larger (short) leg at its own open price: 2 × 30,000 / 100 = 600', () => {
    // Signal master: long 1 US30 at 40,000, short 2 at 30,000. Larger leg = the short 2 lots, opened at 30,000:
    // 2 × 30,000 / 100 = 600 (not at the mean open price of both legs, 33,333.33: 666.67).
    const r = riskProgram(riskTerms(), { structure: 'signal', instruments: [US30], policies: { marginPrice: 'open', hedgedMargin: 'larger-leg' } });
    r.p.fundMaster(at(4, 1), Money.of('100000'));
    r.quote(at(4, 2), '40000.0', '40000.0', 'US30');
    r.p.masterOpen(at(4, 2), 'L', 'US30', 'buy', Volume.of('1'));
    r.p.flush();
    r.quote(at(4, 3), '30000.0', '30000.0', 'US30');
    r.p.masterOpen(at(4, 3), 'S', 'US30', 'sell', Volume.of('2'));
    r.p.flush();
    expect(r.margin('master').used.toString()).toBe('600');
  });
});
