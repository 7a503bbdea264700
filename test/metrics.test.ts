import { describe, expect, it } from 'vitest';
import { annualized, calmar, expectedPayoff, irr, profitFactor, returnsOf, sharpe, sortino } from '../reports/metrics.js';

const DAY = 86_400_000;

describe('metrics (float analytics, conventions of docs/metrics.md)', () => {
  it('IRR: 1,000 in, 1,100 out a year (365 days) later is 10%', () => {
    expect(irr([{ time: 0, amount: -1000 }, { time: 365 * DAY, amount: 1100 }])).toBeCloseTo(0.1, 9);
  });
  it('IRR weighs money by time: 1,000 in at 0, 1,000 more at ½ year, 2,150 out at 1 year', () => {
    // −1000 − 1000/(1+r)^0.5 + 2150/(1+r) = 0 → with x = (1+r)^0.5: 1000x² + 1000x − 2150 = 0 → x = 1.0500… → r ≈ 10.26%
    const x = (-1000 + Math.sqrt(1000 ** 2 + 4 * 1000 * 2150)) / 2000;
    expect(irr([{ time: 0, amount: -1000 }, { time: 182.5 * DAY, amount: -1000 }, { time: 365 * DAY, amount: 2150 }])).toBeCloseTo(x * x - 1, 9);
    expect(irr([{ time: 0, amount: -1000 }])).toBeNull();
  });
  it('Sharpe and Sortino on daily returns, annualized with √260', () => {
    // returns +1%, −1%, +2%: mean 0.6667%, sample sd = √(((1/3)² + (−5/3)² + (4/3)²) / 2) % = √(42/18) % = 1.5275%
    const r = [0.01, -0.01, 0.02];
    const m = 0.02 / 3, sd = Math.sqrt((((0.01 - m) ** 2) + ((-0.01 - m) ** 2) + ((0.02 - m) ** 2)) / 2);
    expect(sharpe(r)).toBeCloseTo((m / sd) * Math.sqrt(260), 9);
    // downside deviation over all three: √(0.01² / 3)
    expect(sortino(r)).toBeCloseTo((m / Math.sqrt(0.0001 / 3)) * Math.sqrt(260), 9);
    expect(sharpe([0.01])).toBeNull();
    expect(sortino([0.01, 0.02])).toBeNull(); // no downside
  });
  it('returns from an index; annualized growth; Calmar', () => {
    const rs = returnsOf([1, 1.1, 0.99]); // +10%, then −10%
    expect(rs.length).toBe(2);
    expect(rs[0]).toBeCloseTo(0.1, 12);
    expect(rs[1]).toBeCloseTo(-0.1, 12);
    expect(annualized(1.21, 730)).toBeCloseTo(0.1, 12); // 21% over two years = 10% a year
    expect(calmar(0.1, 0.05)).toBeCloseTo(2, 12);
    expect(calmar(0.1, 0)).toBeNull();
  });
  it('profit factor and expected payoff of closed deals', () => {
    // wins 300 + 100, losses 50 + 150: factor 400 / 200 = 2; payoff (300 + 100 − 50 − 150) / 4 = 50
    expect(profitFactor([300, -50, 100, -150])).toBe(2);
    expect(expectedPayoff([300, -50, 100, -150])).toBe(50);
    expect(profitFactor([10, 20])).toBeNull();
    expect(expectedPayoff([])).toBeNull();
  });
});
