// riskTrigger (DOMAIN §9): levels and limits trigger when reached (`at-or-below`, default) or
// only when passed (`below`); one rule for margin call, stop-out and the limits. Each case puts
// a value exactly on its threshold, computed by hand, and checks both rules.
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { PerformanceIndex } from '../engine/risk.js';
import { Money, Volume } from '../engine/values.js';
import { at, riskProgram, riskTerms } from './risk-fixtures.js';

type Rule = 'at-or-below' | 'below';

describe('margin levels exactly at the stop-out and margin-call levels (seed 000: 30% and 100%)', () => {
  // Leverage 100, forex margin: 1 lot EURUSD = 100,000 / 100 = 1,000 EUR, × the mid in USD.
  // Bought 1 lot at 1.00000, no spread; at 0.99000 the position has lost 100,000 × 0.01 = 1,000 and uses 990.
  const atLevel = (deposit: string, rule: Rule | undefined) => {
    const r = riskProgram(riskTerms(), { policies: rule ? { riskTrigger: rule } : {} });
    r.p.join(at(4, 1), 'a', 'mam', Money.of(deposit), false);
    r.quote(at(4, 2), '1.00000');
    r.p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    r.quote(at(4, 3), '0.99000');
    r.invariants();
    return r;
  };

  it('deposit 1,297: equity 297 over margin 990 is 30.00%: at-or-below (the default) stops out, below does not', () => {
    const dflt = atLevel('1297', undefined);
    expect(dflt.events('stop-out').map((e) => [e.ticket, e.amount!.toString()])).toEqual([['T1', '-1000']]);
    expect(dflt.events('stop-out')[0]!.reason).toContain('margin level 30% is at the stop-out level 30%');
    const below = atLevel('1297', 'below');
    expect(below.events('stop-out')).toEqual([]);
    expect(below.p.openPositions().map((x) => x.masterTicket)).toEqual(['T1']);
    // 30% is under the 100% margin call either way.
    expect(below.events('margin-call').map((e) => e.account)).toEqual(['mam:a']);
    // One point more (0.99001): equity 298 over 990.01 is 30.1%: no stop-out under either rule.
    for (const rule of ['at-or-below', 'below'] as const) {
      const r = riskProgram(riskTerms(), { policies: { riskTrigger: rule } });
      r.p.join(at(4, 1), 'a', 'mam', Money.of('1297'), false);
      r.quote(at(4, 2), '1.00000');
      r.p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
      r.quote(at(4, 3), '0.99001');
      expect(r.events('stop-out'), rule).toEqual([]);
    }
  });

  it('deposit 1,990: equity 990 over margin 990 is 100%: a margin call at-or-below, none below', () => {
    const dflt = atLevel('1990', 'at-or-below');
    expect(dflt.events('margin-call').map((e) => e.reason)).toEqual(['margin level 100% is at the margin-call level 100%']);
    expect(dflt.events('stop-out')).toEqual([]);
    expect(atLevel('1990', 'below').events('margin-call')).toEqual([]);
  });
});

describe('limits exactly at their thresholds (seed 001 personal limits)', () => {
  const mam = (limits: object, rule: Rule) => riskProgram(riskTerms({ accounts: new Map([['mam:a', limits]]) }), { policies: { riskTrigger: rule } });

  it('minimum balance 9,500 and equity exactly 9,500 (10,000 − 1 lot × 0.005): breach at-or-below, none below', () => {
    for (const rule of ['at-or-below', 'below'] as const) {
      const { p, quote, events, invariants } = mam({ minBalance: Money.of('9500') }, rule);
      p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
      quote(at(4, 2), '1.10000');
      p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
      quote(at(4, 3), '1.09500');
      expect(events('limit-breach').map((e) => e.reason), rule).toEqual(rule === 'below' ? [] : ["equity 9500 is at the account's minimum balance 9500: the account's positions close"]);
      quote(at(4, 4), '1.09499'); // 9,499: below it, both rules breach (at-or-below already has)
      expect(events('limit-breach').length, rule).toBe(1);
      invariants();
    }
  });

  it('maximum drawdown 20%: peak index 1.1 (11,000), equity 8,800 is exactly 1 − 0.88 / 1.1 = 20%', () => {
    for (const rule of ['at-or-below', 'below'] as const) {
      const { p, quote, events } = mam({ maxDrawdown: new Dec('0.2') }, rule);
      p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
      quote(at(4, 2), '1.10000');
      p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
      quote(at(4, 3), '1.11000');
      quote(at(4, 4), '1.08800');
      expect(events('limit-breach').length, rule).toBe(rule === 'below' ? 0 : 1);
      quote(at(4, 5), '1.08790'); // 8,790: 1 − 0.879 / 1.1 = 20.09%
      expect(events('limit-breach').length, rule).toBe(1);
    }
  });

  it('a weekly loss of exactly 6%: 10,000 − 1 lot × 0.006 = 9,400', () => {
    for (const rule of ['at-or-below', 'below'] as const) {
      const { p, quote, events } = mam({ weeklyLoss: new Dec('0.06') }, rule);
      p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
      quote(at(4, 2), '1.10000');
      p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
      quote(at(4, 3), '1.09400');
      expect(events('limit-breach').map((e) => e.reason), rule).toEqual(rule === 'below' ? [] : ["the account lost 6% this week, its weekly loss limit is 6%: the account's positions close"]);
    }
  });
});

describe('a limit reached exactly after flows (review regression)', () => {
  it('10,000, a gain of g, a 1,000 deposit at index (10,000 + g) / 10,000, the week starts, equity falls exactly 10%: a 10% limit is reached for every g', () => {
    // The deposit buys 1,000 × 10,000 / (10,000 + g) index units: a non-terminating quotient for most g. The loss since the
    // week's start, with no flow since, is (E0 − 0.9 E0) / E0 = 10% exactly, so at-or-below must fire and below must not.
    for (let g = 1; g < 200; g++) {
      const idx = new PerformanceIndex();
      idx.flow(new Dec(10000), new Dec(0));
      const e1 = new Dec(10000 + g);
      idx.flow(new Dec(1000), e1);
      const start = e1.plus(1000);
      idx.startPeriod(start, 'week');
      const now = start.times('0.9');
      expect(idx.lossReaches(now, 'week', new Dec('0.1'), 'at-or-below'), `g = ${g}`).toBe(true);
      expect(idx.lossReaches(now, 'week', new Dec('0.1'), 'below'), `g = ${g}`).toBe(false);
      expect(idx.loss(now, 'week').toString(), `g = ${g}`).toBe('0.1');
      // The same for a drawdown of exactly 20% from a peak taken after the flow.
      idx.observe(start);
      expect(idx.drawdownReaches(start.times('0.8'), new Dec('0.2'), 'at-or-below'), `g = ${g}`).toBe(true);
      expect(idx.drawdownReaches(start.times('0.8'), new Dec('0.2'), 'below'), `g = ${g}`).toBe(false);
    }
  });
});
