import { describe, expect, it } from 'vitest';
import { formatServerTime, serverTime } from '../engine/time.js';
import { athensOffset, isMarketOpen, monthEnds, newYorkOffset, nextMarketOpen, nextPammWindow, parseTime, periodEnds } from '../sim/calendar.js';
import { stream } from '../sim/rng.js';

const st = (text: string) => parseTime(text, 'ny+7')!;
const fmt = (t: number | undefined) => (t === undefined ? undefined : formatServerTime(serverTime(t)));

describe('server time zones (DOMAIN §10)', () => {
  it('follows the US rule: EDT from the 2nd Sunday of March 02:00 to the 1st Sunday of November 02:00', () => {
    // 2024: 10 March 07:00 UTC and 3 November 06:00 UTC
    expect(newYorkOffset(Date.UTC(2024, 2, 10, 6, 59, 59))).toBe(-5);
    expect(newYorkOffset(Date.UTC(2024, 2, 10, 7))).toBe(-4);
    expect(newYorkOffset(Date.UTC(2024, 10, 3, 5, 59, 59))).toBe(-4);
    expect(newYorkOffset(Date.UTC(2024, 10, 3, 6))).toBe(-5);
    // 2025: 9 March / 2 November; 2026: 8 March / 1 November; 2027: 14 March / 7 November
    for (const [y, m, d] of [[2025, 2, 9], [2026, 2, 8], [2027, 2, 14]] as const) {
      expect(newYorkOffset(Date.UTC(y, m, d, 6, 59))).toBe(-5);
      expect(newYorkOffset(Date.UTC(y, m, d, 7))).toBe(-4);
    }
    for (const [y, m, d] of [[2025, 10, 2], [2026, 10, 1], [2027, 10, 7]] as const) {
      expect(newYorkOffset(Date.UTC(y, m, d, 5, 59))).toBe(-4);
      expect(newYorkOffset(Date.UTC(y, m, d, 6))).toBe(-5);
    }
  });

  it('follows the EU rule: EEST from the last Sunday of March to the last Sunday of October, 01:00 UTC', () => {
    for (const [y, mar, oct] of [[2024, 31, 27], [2025, 30, 26], [2026, 29, 25], [2027, 28, 31]] as const) {
      expect(athensOffset(Date.UTC(y, 2, mar, 0, 59))).toBe(2);
      expect(athensOffset(Date.UTC(y, 2, mar, 1))).toBe(3);
      expect(athensOffset(Date.UTC(y, 9, oct, 0, 59))).toBe(3);
      expect(athensOffset(Date.UTC(y, 9, oct, 1))).toBe(2);
    }
  });

  it('puts the New York 17:00 rollover at 00:00 server time all year under ny+7', () => {
    expect(fmt(st('2024-07-01T17:00:00-04:00'))).toBe('2024-07-02T00:00:00');
    expect(fmt(st('2024-01-15T17:00:00-05:00'))).toBe('2024-01-16T00:00:00');
  });

  it('differs from Athens only in the weeks between the US and EU switches', () => {
    const both = (utc: string) => [fmt(parseTime(utc, 'ny+7')), fmt(parseTime(utc, 'Europe/Athens'))];
    expect(both('2024-01-15T12:00:00Z')).toEqual(['2024-01-15T14:00:00', '2024-01-15T14:00:00']);
    expect(both('2024-03-15T12:00:00Z')).toEqual(['2024-03-15T15:00:00', '2024-03-15T14:00:00']); // EDT, still EET
    expect(both('2024-07-01T12:00:00Z')).toEqual(['2024-07-01T15:00:00', '2024-07-01T15:00:00']);
    expect(both('2024-10-30T12:00:00Z')).toEqual(['2024-10-30T15:00:00', '2024-10-30T14:00:00']); // EDT, already EET
    expect(both('2024-11-05T12:00:00Z')).toEqual(['2024-11-05T14:00:00', '2024-11-05T14:00:00']);
  });

  it('reads zone-less times as server wall time and rejects impossible ones', () => {
    expect(fmt(st('2024-03-04T10:00'))).toBe('2024-03-04T10:00:00');
    expect(fmt(st('2024-03-04 10:00:00.250'))).toBe('2024-03-04T10:00:00.250');
    expect(parseTime('2024-02-30T10:00:00', 'ny+7')).toBeUndefined();
    expect(parseTime('2024-03-04T24:00:00', 'ny+7')).toBeUndefined();
    expect(parseTime('yesterday', 'ny+7')).toBeUndefined();
  });

  it('takes real calendar dates only: 29 February in leap years, no 31 April', () => {
    expect(fmt(st('2024-02-29T10:00:00'))).toBe('2024-02-29T10:00:00');
    expect(fmt(st('2000-02-29'))).toBe('2000-02-29T00:00:00'); // 2000 is a leap year (divisible by 400)
    for (const bad of ['2023-02-29', '1900-02-29', '2024-04-31', '2024-06-31', '2024-13-01', '2024-00-10', '2024-01-00', '2024-03-04T10:60', '2024-03-04T10:00:60']) {
      expect(parseTime(bad, 'ny+7'), bad).toBeUndefined();
    }
  });

  it('takes UTC offsets within ±14:00 (the range of real zones) with minutes below 60', () => {
    // 2024-07-01 12:00 at +14:00 is 2024-06-30 22:00 UTC; New York is on EDT (−4), so server time (+7) is 2024-07-01 01:00.
    expect(fmt(parseTime('2024-07-01T12:00:00+14:00', 'ny+7'))).toBe('2024-07-01T01:00:00');
    // At −14:00 it is 2024-07-02 02:00 UTC: server time 2024-07-02 05:00.
    expect(fmt(parseTime('2024-07-01T12:00:00-14:00', 'ny+7'))).toBe('2024-07-02T05:00:00');
    // +05:45 (Nepal): 06:15 UTC, server 09:15.
    expect(fmt(parseTime('2024-07-01T12:00:00+05:45', 'ny+7'))).toBe('2024-07-01T09:15:00');
    for (const bad of ['+14:01', '-14:01', '+15:00', '+25:99', '+05:60', '-00:99']) {
      expect(parseTime(`2024-07-01T12:00:00${bad}`, 'ny+7'), bad).toBeUndefined();
    }
  });
});

describe('trading week, rollover window and trading month', () => {
  it('opens Monday 00:05 and closes Friday 23:50 server time', () => {
    expect(isMarketOpen(st('2024-03-04T00:04:59'))).toBe(false); // Monday
    expect(isMarketOpen(st('2024-03-04T00:05:00'))).toBe(true);
    expect(isMarketOpen(st('2024-03-08T23:49:59'))).toBe(true); // Friday
    expect(isMarketOpen(st('2024-03-08T23:50:00'))).toBe(false);
    expect(isMarketOpen(st('2024-03-09T12:00:00'))).toBe(false); // Saturday
    expect(fmt(nextMarketOpen(st('2024-03-09T12:00:00')))).toBe('2024-03-11T00:05:00');
    expect(fmt(nextMarketOpen(st('2024-03-11T00:01:00')))).toBe('2024-03-11T00:05:00');
    expect(fmt(nextMarketOpen(st('2024-03-12T10:00:00')))).toBe('2024-03-12T10:00:00');
  });

  it('executes PAMM requests in the Monday–Saturday 00:00–00:15 window', () => {
    expect(fmt(nextPammWindow(st('2024-03-14T16:20:00')))).toBe('2024-03-15T00:00:00');
    expect(fmt(nextPammWindow(st('2024-03-15T00:10:00')))).toBe('2024-03-15T00:10:00'); // inside a window
    expect(fmt(nextPammWindow(st('2024-03-09T00:07:00')))).toBe('2024-03-09T00:07:00'); // Saturday window
    expect(fmt(nextPammWindow(st('2024-03-09T10:00:00')))).toBe('2024-03-11T00:00:00'); // no Sunday window
    expect(fmt(nextPammWindow(st('2024-03-10T00:05:00')))).toBe('2024-03-11T00:00:00');
  });

  it('ends trading months at 00:05 on the 1st', () => {
    expect(monthEnds(st('2024-03-01T00:05'), st('2024-04-01T00:05'))).toEqual([{ time: st('2024-04-01T00:05'), label: '2024-03' }]);
    expect(monthEnds(st('2024-01-15'), st('2024-03-10')).map((m) => [fmt(m.time), m.label])).toEqual([
      ['2024-02-01T00:05:00', '2024-01'], ['2024-03-01T00:05:00', '2024-02'],
    ]);
    expect(monthEnds(st('2024-12-10'), st('2025-01-02')).map((m) => m.label)).toEqual(['2024-12']);
    expect(monthEnds(st('2024-03-01T00:05'), st('2024-04-01T00:04'))).toEqual([]);
  });
});

describe('fee periods', () => {
  const ends = (period: Parameters<typeof periodEnds>[0], a: string, b: string) => periodEnds(period, st(a), st(b)).map((e) => [fmt(e.time), e.label]);
  it('daily ends at each rollover after a trading day, weekly at the one after Friday', () => {
    // Friday 2024-03-08 to Wednesday 2024-03-13: rollovers Sat 9th (Friday's), Tue 12th (Monday's), Wed 13th (Tuesday's)
    expect(ends('daily', '2024-03-08T01:00', '2024-03-13T00:00')).toEqual([
      ['2024-03-09T00:00:00', '2024-03-08'], ['2024-03-12T00:00:00', '2024-03-11'], ['2024-03-13T00:00:00', '2024-03-12'],
    ]);
    expect(ends('weekly', '2024-03-01T00:05', '2024-03-20T00:00')).toEqual([['2024-03-02T00:00:00', 'week of 2024-02-26'], ['2024-03-09T00:00:00', 'week of 2024-03-04'], ['2024-03-16T00:00:00', 'week of 2024-03-11']]);
  });
  it('quarterly and annual end at 00:05 on the first of a quarter or year', () => {
    expect(ends('quarterly', '2024-02-10', '2024-10-01T00:05')).toEqual([['2024-04-01T00:05:00', '2024-Q1'], ['2024-07-01T00:05:00', '2024-Q2'], ['2024-10-01T00:05:00', '2024-Q3']]);
    expect(ends('annual', '2024-02-10', '2026-01-01T00:05')).toEqual([['2025-01-01T00:05:00', '2024'], ['2026-01-01T00:05:00', '2025']]);
    expect(ends('monthly', '2024-03-01T00:05', '2024-04-01T00:05')).toEqual([['2024-04-01T00:05:00', '2024-03']]);
    // a run starting at 00:00 on the 1st has no five-minute 'previous month'
    expect(ends('monthly', '2024-01-01T00:00', '2024-02-01T00:05')).toEqual([['2024-02-01T00:05:00', '2024-01']]);
  });
});

describe('seeded random streams', () => {
  const draws = (seed: number, name: string, n: number) => Array.from({ length: n }, ((s) => () => s.next())(stream(seed, name)));
  it('repeats for the same seed and name, and differs for another seed or name', () => {
    expect(draws(7, 'prices:EURUSD', 5)).toEqual(draws(7, 'prices:EURUSD', 5));
    expect(draws(7, 'prices:EURUSD', 5)).not.toEqual(draws(8, 'prices:EURUSD', 5));
    expect(draws(7, 'prices:EURUSD', 5)).not.toEqual(draws(7, 'prices:USDJPY', 5));
  });
  it('keeps each consumer independent: drawing from one stream never shifts another', () => {
    const a1 = stream(1, 'a');
    const alone = [a1.next(), a1.next(), a1.next()];
    const a2 = stream(1, 'a');
    const b = stream(1, 'b');
    const interleaved = [a2.next(), (b.next(), b.next(), a2.next()), a2.next()];
    expect(interleaved).toEqual(alone);
  });
});

describe('the per-row fast paths agree with the calendar arithmetic', () => {
  it('reads zoneless timestamps of both shapes like Date.UTC, and refuses impossible ones', () => {
    // Independent oracle: Date.UTC with a round trip for validity (the JavaScript calendar, proleptic Gregorian).
    const oracle = (y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined => {
      const t = Date.UTC(y, mo - 1, d, h, mi, s);
      const b = new Date(t);
      return b.getUTCFullYear() === y && b.getUTCMonth() === mo - 1 && b.getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? t : undefined;
    };
    const r = stream(7, 'times');
    const pad = (n: number) => String(n).padStart(2, '0');
    for (let k = 0; k < 5000; k++) {
      const y = 1990 + Math.floor(r.next() * 60);
      const [mo, d, h, mi, s] = [1 + Math.floor(r.next() * 13), 1 + Math.floor(r.next() * 31), Math.floor(r.next() * 25), Math.floor(r.next() * 61), Math.floor(r.next() * 61)];
      const date = `${y}-${pad(mo)}-${pad(d)}`;
      const long = `${date}${r.next() < 0.5 ? 'T' : ' '}${pad(h)}:${pad(mi)}:${pad(s)}`;
      const short = `${date} ${pad(h)}:${pad(mi)}`;
      expect(parseTime(long, 'ny+7'), long).toBe(oracle(y, mo, d, h, mi, s));
      expect(parseTime(short, 'ny+7'), short).toBe(oracle(y, mo, d, h, mi, 0));
    }
    // The day memo never carries a valid day over to a malformed row of the same date.
    expect(fmt(parseTime('2024-03-04 10:00', 'ny+7'))).toBe('2024-03-04T10:00:00');
    expect(parseTime('2024-03-04 1a:00', 'ny+7')).toBeUndefined();
    expect(parseTime('2024-03-04 10:60', 'ny+7')).toBeUndefined();
    expect(parseTime('2024-03-04x10:00', 'ny+7')).toBeUndefined();
  });

  it('finds the weekday without Date, before 1970 as well (1969-12-29 was a Monday)', () => {
    expect(isMarketOpen(st('1969-12-29T00:05:00'))).toBe(true);
    expect(isMarketOpen(st('1969-12-29T00:04:00'))).toBe(false);
    expect(isMarketOpen(st('1970-01-02T23:49:00'))).toBe(true); // Friday
    expect(isMarketOpen(st('1970-01-03T10:00:00'))).toBe(false); // Saturday
    expect(fmt(nextMarketOpen(st('1969-12-27T10:00:00')))).toBe('1969-12-29T00:05:00');
    // Every minute of one week against the weekday Date reports.
    const monday = st('2024-03-04T00:00:00');
    for (let m = 0; m < 7 * 1440; m += 7) {
      const t = serverTime(monday + m * 60_000);
      const dow = (new Date(t).getUTCDay() + 6) % 7;
      const minute = dow * 1440 + new Date(t).getUTCHours() * 60 + new Date(t).getUTCMinutes();
      expect(isMarketOpen(t), fmt(t)).toBe(minute >= 5 && minute < 4 * 1440 + 23 * 60 + 50);
    }
  });
});
