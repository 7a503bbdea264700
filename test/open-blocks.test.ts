// openBlocks (issue 14, item 2): a block program's open parts stay frozen (seed 000) or are re-split
// by the new equities when a part's money moves. Lot step 0.01, no spread, 1 lot = 100,000 EUR.
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import { DEFAULT_POLICIES, type Policies } from '../engine/policies.js';
import { Program } from '../engine/program.js';
import { DEFAULT_QUANTUM } from '../engine/quantum.js';
import { serverTime } from '../engine/time.js';
import { Money, Price, Volume } from '../engine/values.js';
import { EURUSD } from './risk-fixtures.js';

const t = (h: number) => serverTime(Date.UTC(2024, 2, 4, h));

function block(openBlocks: Policies['openBlocks'], pool = false) {
  const sink = new MemorySink();
  const tally = new ConservationTally(sink);
  const p = new Program({
    structure: 'block', allocation: 'equity', quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, roundingMode: 'lot-step', openBlocks },
    instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec(0), pool: pool ? { id: 'pamm', initialNav: new Dec(1) } : undefined,
  }, tally);
  const ok = () => expect(checkInvariants(p, tally), openBlocks).toEqual([]);
  const quote = (h: number, px: string) => { p.onQuote('EURUSD', { time: t(h), bid: Price.of(px), ask: Price.of(px) }); p.flush(); ok(); };
  const lots = (account: string) => p.openPositions().filter((x) => x.account === account).reduce((v, x) => v.plus(x.volume.value), new Dec(0)).toString();
  return { p, sink, ok, quote, lots };
}

/** a and b with 10,000 each, holding 1 / 1 of a 2-lot block opened at 1.10000. */
function twoHolders(policy: Policies['openBlocks']) {
  const r = block(policy);
  r.p.join(t(1), 'a', 'mam', Money.of('10000'), false);
  r.p.join(t(1), 'b', 'mam', Money.of('10000'), false);
  r.quote(2, '1.10000');
  r.p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('2'));
  r.p.flush();
  return r;
}

/** The block closes at `px`, invariants checked. */
function closeAt(r: ReturnType<typeof block>, px: string): void {
  r.quote(4, px);
  r.p.masterClose(t(4), 'T1');
  r.p.flush();
  r.ok();
}

describe('openBlocks', () => {
  it('a deposit: a and b (10,000 each) hold 1 / 1 of 2 lots; a deposits 10,000; closed +300 pips later', () => {
    // re-split: 2 lots by 20,000 : 10,000 = 133.33 / 66.67 steps → floors 133 / 66, the leftover step to the larger
    // remainder (b's .67): 1.33 / 0.67; at 1.10300 a gains 1.33 × 300 = 399, b 0.67 × 300 = 201. frozen: 300 each.
    for (const [policy, aLots, a, b] of [['re-split', '1.33', '20399', '10201'], ['frozen', '1', '20300', '10300']] as const) {
      const r = twoHolders(policy);
      r.p.deposit(t(3), 'a', Money.of('10000'));
      r.p.flush();
      r.ok();
      expect([r.lots('mam:a'), r.lots('mam:b'), r.p.masterVolume('T1').toString()], policy).toEqual([aLots, policy === 're-split' ? '0.67' : '1', '2']);
      closeAt(r, '1.10300');
      expect([r.p.investorEquity('a').toString(), r.p.investorEquity('b').toString()], policy).toEqual([a, b]);
      if (policy === 're-split') expect(r.sink.events.filter((e) => e.kind === 'block-resplit').map((e) => e.reason)).toEqual(["block re-split by equity after a's deposit (openBlocks: re-split): mam:a 1 → 1.33, mam:b 1 → 0.67"]);
    }
  });

  it('a withdrawal: a withdraws 5,000 of its 10,000: re-split 2 lots by 5,000 : 10,000 = 0.67 / 1.33 (a: 5,201, b: 10,399); frozen closes half of a\'s lot (a: 5,150, b: 10,300)', () => {
    // re-split: 66.67 / 133.33 steps → floors 66 / 133, the leftover step to a (.67 > .33); the block stays 2 lots.
    for (const [policy, lots, a, b] of [['re-split', ['0.67', '1.33', '2'], '5201', '10399'], ['frozen', ['0.5', '1', '1.5'], '5150', '10300']] as const) {
      const r = twoHolders(policy);
      r.p.withdraw(t(3), 'a', Money.of('5000'));
      r.p.flush();
      r.ok();
      expect([r.lots('mam:a'), r.lots('mam:b'), r.p.masterVolume('T1').toString()], policy).toEqual([...lots]);
      closeAt(r, '1.10300');
      expect([r.p.investorEquity('a').toString(), r.p.investorEquity('b').toString()], policy).toEqual([a, b]);
    }
  });

  it('a pool member\'s deposit re-splits the block among a and the pool; a join (holding nothing) re-splits nothing', () => {
    // a 10,000 and pool (A 10,000) split 2 lots 1 / 1; B deposits 10,000 into the pool: 20,000 : 10,000 → pool 1.33, a 0.67.
    const r = block('re-split', true);
    r.p.join(t(1), 'a', 'mam', Money.of('10000'), false);
    r.p.join(t(1), 'A', 'pamm', Money.of('10000'), false);
    r.quote(2, '1.10000');
    r.p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('2'));
    r.p.flush();
    r.p.join(t(3), 'c', 'mam', Money.of('10000'), false); // holds nothing of T1
    r.p.flush();
    expect([r.lots('mam:a'), r.lots('pamm'), r.lots('mam:c')]).toEqual(['1', '1', '0']);
    r.p.join(t(3), 'B', 'pamm', Money.of('10000'), false);
    r.p.flush();
    r.ok();
    expect([r.lots('mam:a'), r.lots('pamm')]).toEqual(['0.67', '1.33']);
    r.quote(4, '1.10300');
    r.p.masterClose(t(4), 'T1');
    r.p.flush();
    r.ok();
    // The pool gains 1.33 × 300 = 399 on 20,000: A and B 10,199.5 each; a 0.67 × 300 = 201.
    expect([r.p.investorEquity('A').toString(), r.p.investorEquity('B').toString(), r.p.investorEquity('a').toString()]).toEqual(['10199.5', '10199.5', '10201']);
  });
});
