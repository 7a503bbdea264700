import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { UnitRegister } from '../engine/pamm.js';
import { type ResidualRule, splitAmount } from '../engine/split.js';
import { type FeeState, type FeeTerms, NEW_FEE_STATE, afterDeposit, crystallizeExit, crystallizePeriod, crystallizeWithdrawal, cumulativeResult } from '../engine/performance-fee.js';
import { DEFAULT_QUANTUM as q } from '../engine/quantum.js';
import { Money, Units } from '../engine/values.js';

describe('PAMM units at NAV', () => {
  it('buys units at the initial NAV, then at equity / units', () => {
    const reg = new UnitRegister(new Dec(100), q);
    // 500 at NAV 100 → 5 units
    const u1 = reg.unitsFor(Money.of('500'), Money.zero);
    expect(u1.toString()).toBe('5');
    reg.issue('a', u1);
    // pool equity grows to 600 → NAV 120; 300 buys 300 × 5 / 600 = 2.5 units
    expect(reg.nav(Money.of('600')).toString()).toBe('120');
    const u2 = reg.unitsFor(Money.of('300'), Money.of('600'));
    expect(u2.toString()).toBe('2.5');
    reg.issue('b', u2);
    // values of 900 split by 5 : 2.5 → 600 : 300
    expect([...reg.values(Money.of('900'), 'largest-remainder').values()].map((m) => m.toString())).toEqual(['600', '300']);
  });

  it('floors units bought and rounds up units redeemed, so other members never pay for rounding', () => {
    const reg = new UnitRegister(new Dec(1), q);
    reg.issue('a', Units.of('7'));
    // 1,000 into equity 3,000 over 7 units: 1,000 × 7 / 3,000 = 2.333333333… → 2.3333333
    expect(reg.unitsFor(Money.of('1000'), Money.of('3000')).toString()).toBe('2.3333333');
    // paying 100 out of equity 900 over 7 units: 100 × 7 / 900 = 0.7777777… → 0.7777778
    expect(reg.unitsToRedeem('a', Money.of('100'), Money.of('900')).toString()).toBe('0.7777778');
    expect(reg.unitsToRedeem('a', Money.of('5000'), Money.of('900')).toString()).toBe('7');
  });

  it('values members by the conserving split of the pool over the holders, in subscription order, leaving out members who hold nothing', () => {
    const step = fc.record({ who: fc.constantFrom('a', 'b', 'c', 'd', 'e'), units: fc.integer({ min: 0, max: 100_000_000 }), redeem: fc.boolean() });
    const rule = fc.constantFrom<ResidualRule>('largest-remainder', 'largest-account-first', 'list-order');
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.integer({ min: -1e12, max: 1e12 }), rule, (steps, equity, r) => {
      const reg = new UnitRegister(new Dec(1), q);
      const order: string[] = [];
      for (const s of steps) {
        const u = new Units(new Dec(s.units).div(1e7));
        if (s.redeem) reg.redeem(s.who, u.min(reg.holding(s.who)));
        else reg.issue(s.who, u);
        if (!order.includes(s.who)) order.push(s.who);
      }
      const holders = order.filter((id) => reg.holding(id).isPositive());
      const pool = Money.of(new Dec(equity).div(1e7));
      const values = reg.values(pool, r);
      // The reference: the conserving split (split.ts) over the holders' units, in subscription order.
      const expected = holders.length ? splitAmount(pool.value, holders.map((id) => reg.holding(id).value), q, r).parts.map((d) => d.toString()) : [];
      expect([...values].map(([id, m]) => [id, m.toString()])).toEqual(holders.map((id, i) => [id, expected[i]]));
      for (const id of order) expect(values.get(id)?.toString()).toBe(holders.includes(id) ? expected[holders.indexOf(id)] : undefined);
    }), { numRuns: 1000 });
  });

  it('values are those of the moment they were taken: later redemptions and new members do not change them', () => {
    const reg = new UnitRegister(new Dec(1), q);
    reg.issue('a', Units.of('600'));
    reg.issue('b', Units.of('300'));
    // 900 split 600 : 300, taken before b redeems everything and c joins.
    const values = reg.values(Money.of('900'), 'largest-remainder');
    reg.redeem('b', Units.of('300'));
    reg.issue('c', Units.of('50'));
    expect([...values].map(([id, m]) => [id, m.toString()])).toEqual([['a', '600'], ['b', '300']]);
    expect([values.get('b')?.toString(), values.get('c'), values.has('c'), values.size]).toEqual(['300', undefined, false, 2]);
  });

  it('keeps each group\'s units (members by referrer) as the sum of its members\' holdings through any issues and redemptions', () => {
    const referrer: Record<string, string> = { a: 'manager', b: 'ib1', c: 'ib1', d: 'ib2' };
    const step = fc.record({ who: fc.constantFrom('a', 'b', 'c', 'd'), units: fc.integer({ min: 0, max: 10_000_000 }), redeem: fc.boolean() });
    fc.assert(fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
      const reg = new UnitRegister(new Dec(1), q, (id) => referrer[id]!);
      const firstSeen: string[] = [];
      for (const s of steps) {
        const u = new Units(new Dec(s.units).div(1e7));
        if (s.redeem) reg.redeem(s.who, u.min(reg.holding(s.who)));
        else reg.issue(s.who, u);
        if (!firstSeen.includes(referrer[s.who]!)) firstSeen.push(referrer[s.who]!);
      }
      // By hand: each referrer's members' holdings summed, groups in the order their first member subscribed.
      const expected = firstSeen
        .map((g) => ({ group: g, units: Object.keys(referrer).filter((m) => referrer[m] === g).reduce((x, m) => x.plus(reg.holding(m).value), new Dec(0)).toString() }))
        .filter((g) => new Dec(g.units).gt(0));
      expect(reg.groupHoldings().map((g) => ({ group: g.group, units: g.units.toString() }))).toEqual(expected);
    }), { numRuns: 300 });
  });
});

describe('performance fee with a high-water mark (DOMAIN §7), rate 20%', () => {
  const T = (over: Partial<FeeTerms> = {}): FeeTerms => ({ rate: new Dec('0.2'), hwmBasis: 'equity', hwmReset: 'after-fee', partialWithdrawal: 'pro-rata', hurdle: 'none', hurdleRate: new Dec(0), ...over });
  const start = afterDeposit(NEW_FEE_STATE, Money.of('10000'));
  const Y = new Dec(0); // no hurdle fraction needed
  const period = (s: FeeState, t: FeeTerms, e: string, frac: Dec = Y) => crystallizePeriod(s, t, Money.of(e), frac, q);
  const fm = (o: { fee: Money; next: FeeState }) => [o.fee.toString(), o.next.mark.toString()];

  it('four monthly periods, after-fee reset: a gain, a loss, a partial recovery and a new high', () => {
    // P1 11,000: gain 1,000 → fee 200, mark 10,800. P2 9,800: below, nothing, mark kept.
    // P3 10,500: still below 10,800. P4 11,300: gain 500 → fee 100, mark 11,200.
    const t = T();
    const p1 = period(start, t, '11000');
    const p2 = period(p1.next, t, '9800');
    const p3 = period(p2.next, t, '10500');
    const p4 = period(p3.next, t, '11300');
    expect([fm(p1), fm(p2), fm(p3), fm(p4)]).toEqual([['200', '10800'], ['0', '10800'], ['0', '10800'], ['100', '11200']]);
  });

  it('the same four periods with before-fee reset: the investor must also re-earn the fee', () => {
    // P1: fee 200, mark 11,000 (pre-fee equity; the equity is 10,800 after the fee).
    // P2 9,800 and P3 10,500: below. P4 11,300: gain 300 → fee 60, mark 11,300.
    const t = T({ hwmReset: 'before-fee' });
    const p1 = period(start, t, '11000');
    const p4 = period(period(period(p1.next, t, '9800').next, t, '10500').next, t, '11300');
    expect([fm(p1), fm(p4)]).toEqual([['200', '11000'], ['60', '11300']]);
  });

  it('cumulative-profit basis: the gross cumulative result, which flows cannot move', () => {
    // Deposit 10,000; P1 at 11,000: result 1,000 → fee 200 (equity 10,800 after). A 5,000 deposit and a 3,000
    // withdrawal later, P2 at 13,300: result = 13,300 + 3,000 + 200 − 15,000 = 1,500 → gain 500 over the mark 1,000 → fee 100.
    const t = T({ hwmBasis: 'cumulative-profit' });
    const p1 = period(start, t, '11000');
    expect([p1.fee.toString(), p1.next.resultMark.toString()]).toEqual(['200', '1000']);
    let s = afterDeposit(p1.next, Money.of('5000'));
    s = { ...s, withdrawals: s.withdrawals.plus(Money.of('3000')) };
    expect(cumulativeResult(s, Money.of('13300')).toString()).toBe('1500');
    const p2 = period(s, t, '13300');
    expect([p2.fee.toString(), p2.next.resultMark.toString()]).toEqual(['100', '1500']);
  });

  it('cumulative-profit basis: a pro-rata fee taken out of a withdrawal is counted once, so the fees total 20% of the result', () => {
    // Deposit 10,000; P1 at 11,000: result 1,000 → fee 200, equity 10,800. Trading brings it to 12,800
    // (result 12,800 + 200 − 10,000 = 3,000). Half is withdrawn (6,400, f = 0.5): gain 3,000 − 1,000 = 2,000,
    // fee 0.2 × 2,000 × 0.5 = 200 out of the amount (the investor gets 6,200), mark 1,000 + 1,000 = 2,000.
    // The period ends at 6,400 with no more trading: result 6,400 + 6,200 + 400 − 10,000 = 3,000, gain 1,000,
    // fee 200. Fees 200 + 200 + 200 = 600 = 20% of 3,000 (counting the 200 twice gave 240).
    const t = T({ hwmBasis: 'cumulative-profit' });
    const p1 = period(start, t, '11000');
    const w = crystallizeWithdrawal(p1.next, t, Money.of('12800'), Money.of('6400'), new Dec('0.5'), Y, q);
    expect([w.fee.toString(), w.next.resultMark.toString(), w.fromAmount]).toEqual(['200', '2000', true]);
    expect(cumulativeResult(w.next, Money.of('6400')).toString()).toBe('3000');
    const p2 = period(w.next, t, '6400');
    expect([p2.gain.toString(), p2.fee.toString()]).toEqual(['1000', '200']);
  });

  it('a deposit raises the equity mark by its amount, so it is never charged as profit', () => {
    const s = afterDeposit(start, Money.of('5000'));
    expect(s.mark.toString()).toBe('15000');
    expect(period(s, T(), '15000').fee.toString()).toBe('0');
  });

  it('partial withdrawal under each convention: equity 12,000, mark 10,000, withdraw 3,000 (f = 1/4)', () => {
    const f = new Dec('0.25');
    // pro-rata: fee 0.2 × 2,000 × 1/4 = 100 out of the amount; mark 10,000 × 3/4 = 7,500; what stays (9,000) carries 1,500 of gain
    const pr = crystallizeWithdrawal(start, T(), Money.of('12000'), Money.of('3000'), f, Y, q);
    expect([pr.fee.toString(), pr.next.mark.toString(), pr.fromAmount]).toEqual(['100', '7500', true]);
    expect(period(pr.next, T(), '9000').fee.toString()).toBe('300');
    // crystallize-all: fee 0.2 × 2,000 = 400 from the account; mark 12,000 − 400 − 3,000 = 8,600 (= the equity that stays)
    const ca = crystallizeWithdrawal(start, T({ partialWithdrawal: 'crystallize-all' }), Money.of('12000'), Money.of('3000'), f, Y, q);
    expect([ca.fee.toString(), ca.next.mark.toString(), ca.fromAmount]).toEqual(['400', '8600', false]);
    // reduce-mark: no fee; mark 10,000 − 3,000 = 7,000; later at 9,000 the whole 2,000 is still charged: 400
    const rm = crystallizeWithdrawal(start, T({ partialWithdrawal: 'reduce-mark' }), Money.of('12000'), Money.of('3000'), f, Y, q);
    expect([rm.fee.toString(), rm.next.mark.toString()]).toEqual(['0', '7000']);
    expect(period(rm.next, T(), '9000').fee.toString()).toBe('400');
  });

  it('hurdles: 12% a year over a quarter (¼ year) is 3% of the 10,000 mark = 300', () => {
    const quarter = new Dec('0.25');
    // gain 1,000: hard → 20% of (1,000 − 300) = 140; soft → 20% of 1,000 = 200 (stays 10,800 ≥ 10,300)
    expect(period(start, T({ hurdle: 'hard', hurdleRate: new Dec('0.12') }), '11000', quarter).fee.toString()).toBe('140');
    expect(period(start, T({ hurdle: 'soft', hurdleRate: new Dec('0.12') }), '11000', quarter).fee.toString()).toBe('200');
    // gain 350 (just above 300): soft would be 70 but may not leave the investor below 10,300 → 50; hard: 20% of 50 = 10
    expect(period(start, T({ hurdle: 'soft', hurdleRate: new Dec('0.12') }), '10350', quarter).fee.toString()).toBe('50');
    expect(period(start, T({ hurdle: 'hard', hurdleRate: new Dec('0.12') }), '10350', quarter).fee.toString()).toBe('10');
    // below the hurdle: nothing, and the mark stays
    const below = period(start, T({ hurdle: 'soft', hurdleRate: new Dec('0.12') }), '10200', quarter);
    expect(fm(below)).toEqual(['0', '10000']);
  });

  it('cumulative basis, pro-rata: the fee paid out of a withdrawal counts once, so the gain is charged once in all', () => {
    // Deposit 10,000, equity 12,000: result 2,000. Withdraw 3,000 (f = 1/4): fee 20% × 2,000 × 1/4 = 100 out of the amount,
    // 2,900 paid. Equity 9,000: result = 9,000 + 2,900 paid + 100 fees − 10,000 = 2,000 (the withdrawal moved nothing);
    // the mark holds the charged 500, so 1,500 is left to charge: 300 at the period end. 400 in all = 20% of 2,000.
    const t = T({ hwmBasis: 'cumulative-profit' });
    const w = crystallizeWithdrawal(start, t, Money.of('12000'), Money.of('3000'), new Dec('0.25'), Y, q);
    expect([w.fee.toString(), cumulativeResult(w.next, Money.of('9000')).toString(), w.next.resultMark.toString()]).toEqual(['100', '2000', '500']);
    expect(period(w.next, t, '9000').fee.toString()).toBe('300');
  });

  it('a withdrawal respects the hurdle: nothing while the gain is below it', () => {
    // mark 10,000, gain 1,000; a 50% a year hurdle over a quarter is 1,250 > 1,000: no fee on a withdrawal of half
    const soft = T({ hurdle: 'soft', hurdleRate: new Dec('0.5') });
    expect(crystallizeWithdrawal(start, soft, Money.of('11000'), Money.of('5500'), new Dec('0.5'), new Dec('0.25'), q).fee.toString()).toBe('0');
    const hardAll = T({ hurdle: 'hard', hurdleRate: new Dec('0.5'), partialWithdrawal: 'crystallize-all' });
    expect(crystallizeWithdrawal(start, hardAll, Money.of('11000'), Money.of('5500'), new Dec('0.5'), new Dec('0.25'), q).fee.toString()).toBe('0');
    // 12% a year over a quarter = 300: pro-rata hard → ½ × 20% × (1,000 − 300) = 70
    const hard = T({ hurdle: 'hard', hurdleRate: new Dec('0.12') });
    expect(crystallizeWithdrawal(start, hard, Money.of('11000'), Money.of('5500'), new Dec('0.5'), new Dec('0.25'), q).fee.toString()).toBe('70');
  });

  it('exit crystallizes the whole gain, nothing below the mark; fees round half-up to 1e-7', () => {
    expect(crystallizeExit(start, T(), Money.of('9500'), Y, q).fee.toString()).toBe('0');
    // 0.2 × 2,345.6789 = 469.13578
    expect(crystallizeExit(start, T(), Money.of('12345.6789'), Y, q).fee.toString()).toBe('469.13578');
    // 0.2 × 0.00000025 = 0.00000005 → 0.0000001
    expect(crystallizeExit(start, T(), Money.of('10000.00000025'), Y, q).fee.toString()).toBe('0.0000001');
  });
});
