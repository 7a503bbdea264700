import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { UnitRegister } from '../engine/pamm.js';
import { afterDeposit, crystallizeExit, crystallizePeriod, crystallizeWithdrawal, type HighWaterMark } from '../engine/performance-fee.js';
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
});

describe('performance fee with a high-water mark (defaults of DOMAIN §7, rate 20%)', () => {
  const start: HighWaterMark = { mark: Money.of('10000'), rate: new Dec('0.2') };

  it('four monthly periods: a gain, a loss, a partial recovery and a new high', () => {
    // P1: 11,000 vs mark 10,000 → gain 1,000, fee 200, mark 10,800 (after-fee)
    const p1 = crystallizePeriod(start, Money.of('11000'), q);
    expect([p1.fee.toString(), p1.next.mark.toString()]).toEqual(['200', '10800']);
    // P2: 9,800 < 10,800 → no fee, mark kept (the loss carries forward)
    const p2 = crystallizePeriod(p1.next, Money.of('9800'), q);
    expect([p2.fee.toString(), p2.next.mark.toString()]).toEqual(['0', '10800']);
    // P3: 10,500, still below 10,800 → no fee
    const p3 = crystallizePeriod(p2.next, Money.of('10500'), q);
    expect([p3.fee.toString(), p3.next.mark.toString()]).toEqual(['0', '10800']);
    // P4: 11,300 → gain 500, fee 100, mark 11,200
    const p4 = crystallizePeriod(p3.next, Money.of('11300'), q);
    expect([p4.fee.toString(), p4.next.mark.toString()]).toEqual(['100', '11200']);
  });

  it('a deposit raises the mark by its amount, so it is never charged as profit', () => {
    const h = afterDeposit(start, Money.of('5000'));
    expect(h.mark.toString()).toBe('15000');
    expect(crystallizePeriod(h, Money.of('15000'), q).fee.toString()).toBe('0');
  });

  it('partial withdrawal pro-rata: fee on the withdrawn fraction, mark scaled by what stays', () => {
    // equity 12,000, mark 10,000, withdraw 3,000 (f = 1/4): fee 0.2 × 2,000 × 1/4 = 100; mark 10,000 × 9,000 / 12,000 = 7,500
    const w = crystallizeWithdrawal(start, Money.of('12000'), Money.of('3000'), q);
    expect([w.fee.toString(), w.next.mark.toString()]).toEqual(['100', '7500']);
    // what stays (9,000 against 7,500) carries exactly (1 − f) of the gain: 1,500 = 0.75 × 2,000
    expect(crystallizePeriod(w.next, Money.of('9000'), q).fee.toString()).toBe('300');
  });

  it('exit crystallizes the whole gain, nothing below the mark; fees round half-up to 1e-7', () => {
    expect(crystallizeExit(start, Money.of('9500'), q).fee.toString()).toBe('0');
    // 0.2 × 2,345.6789 = 469.13578
    expect(crystallizeExit(start, Money.of('12345.6789'), q).fee.toString()).toBe('469.13578');
    // 0.2 × 0.00000025 = 0.00000005 → 0.0000001
    expect(crystallizeExit(start, Money.of('10000.00000025'), q).fee.toString()).toBe('0.0000001');
  });
});
