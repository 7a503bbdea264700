// Hurdle day count (issue 15, item 4): the share of a year an annual hurdle is charged for.
// Fee periods open at 00:05 server time on the 1st; the arithmetic is written in each case.
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { hurdleYearFraction } from '../engine/hurdle-day-count.js';

const at = (y: number, m: number, d: number, h = 0, min = 5) => Date.UTC(y, m - 1, d, h, min);
const eight = (x: Dec) => x.times('0.08').times(100_000).toString();

describe('hurdleDayCount', () => {
  it('a whole leap fee year (2024-01-01 00:05 → 2025-01-01 00:05, 366 days), 8% on a 100,000 mark', () => {
    // act/365: 366 / 365 of 8% = 8.0219178…%: 100,000 × 0.08 × 366 / 365 = 8,021.917808219…
    expect(hurdleYearFraction('act/365', 'annual', at(2024, 1, 1), at(2025, 1, 1)).toString()).toBe(new Dec(366).div(365).toString());
    expect(eight(hurdleYearFraction('act/365', 'annual', at(2024, 1, 1), at(2025, 1, 1))).slice(0, 12)).toBe('8021.9178082');
    // act/act and per-period: exactly one year, 8,000.
    expect(eight(hurdleYearFraction('act/act', 'annual', at(2024, 1, 1), at(2025, 1, 1)))).toBe('8000');
    expect(eight(hurdleYearFraction('per-period', 'annual', at(2024, 1, 1), at(2025, 1, 1)))).toBe('8000');
  });

  it('a quarter: act/365 counts its 91 days (2024 Q1), per-period is exactly a quarter (2%)', () => {
    // Q1 2024: January 31 + February 29 + March 31 = 91 days; 91 / 365 × 8% = 1.9945205…%.
    expect(hurdleYearFraction('act/365', 'quarterly', at(2024, 1, 1), at(2024, 4, 1)).toString()).toBe(new Dec(91).div(365).toString());
    // act/act: 91 / 366 of a leap year.
    expect(hurdleYearFraction('act/act', 'quarterly', at(2024, 1, 1), at(2024, 4, 1)).toString()).toBe(new Dec(91).div(366).toString());
    expect(eight(hurdleYearFraction('per-period', 'quarterly', at(2024, 1, 1), at(2024, 4, 1)))).toBe('2000');
  });

  it('act/act across a year end: 2023-12-01 → 2024-01-01 is 31/365; → 2024-02-01 adds 31/366', () => {
    expect(hurdleYearFraction('act/act', 'monthly', at(2023, 12, 1), at(2024, 1, 1)).toString()).toBe(new Dec(31).div(365).toString());
    expect(hurdleYearFraction('act/act', 'monthly', at(2023, 12, 1), at(2024, 2, 1)).toString()).toBe(new Dec(31).div(365).plus(new Dec(31).div(366)).toString());
  });

  it('per-period pro-rates a part of a period by its share of that period: a join half way through April (30 days) gets 1/24', () => {
    // April 2024: 00:05 on the 1st to 00:05 on 1 May, 30 days; joined 16 April 00:05 (15 days before the end).
    expect(hurdleYearFraction('per-period', 'monthly', at(2024, 4, 16), at(2024, 5, 1)).toString()).toBe(new Dec(1).div(24).toString());
    // An exit inside the period at 11 April 00:05 after a full start: 10 of 30 days → 1/36.
    expect(hurdleYearFraction('per-period', 'monthly', at(2024, 4, 1), at(2024, 4, 11)).toString()).toBe(new Dec(1).div(36).toString());
    // A week (Saturday 00:00 to Saturday 00:00) is 1/52; a trading day 1/260: Monday's period runs from the
    // rollover after Friday (Saturday 00:00) to Tuesday 00:00, so a member in it from Monday 00:00 gets a third.
    expect(hurdleYearFraction('per-period', 'weekly', Date.UTC(2024, 2, 2), Date.UTC(2024, 2, 9)).toString()).toBe(new Dec(1).div(52).toString());
    expect(hurdleYearFraction('per-period', 'daily', Date.UTC(2024, 2, 2), Date.UTC(2024, 2, 5)).toString()).toBe(new Dec(1).div(260).toString());
    expect(hurdleYearFraction('per-period', 'daily', Date.UTC(2024, 2, 4), Date.UTC(2024, 2, 5)).toString()).toBe(new Dec(1).div(3).div(260).toString());
  });

  it('nothing assessed, nothing charged', () => {
    for (const dc of ['act/365', 'act/act', 'per-period'] as const) expect(hurdleYearFraction(dc, 'monthly', at(2024, 4, 1), at(2024, 4, 1)).toString()).toBe('0');
  });
});
