// Stress effects (sim/stress.ts) and the generated price models (sim/prices.ts): every expected
// value is worked out by hand in the comment beside it.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import type { Instrument } from '../engine/instrument.js';
import { type ServerTime, formatServerTime } from '../engine/time.js';
import { Price, Volume } from '../engine/values.js';
import { parseTime } from '../sim/calendar.js';
import { InputError } from '../sim/input-error.js';
import { type PriceSourceInput, type PriceTick, loadPriceSource } from '../sim/prices.js';
import { ArrayQuotes, type Quotes } from '../sim/quote-series.js';
import { stream } from '../sim/rng.js';
import { NO_STRESS, type Stress, type StressSpec, buildStress } from '../sim/stress.js';

const EURUSD: Instrument = {
  symbol: 'EURUSD', class: 'fx-major', base: 'EUR', quote: 'USD', contractSize: new Dec(100000), digits: 5, pipSize: new Dec('0.0001'),
  minLot: Volume.of('0.01'), lotStep: Volume.of('0.01'), maxLot: Volume.of('100'), marginMode: 'forex',
};
const instruments = new Map([['EURUSD', EURUSD]]);
const st = (text: string): ServerTime => parseTime(text, 'ny+7')!;
const q = (time: string, bid: string, ask: string): PriceTick => ({ time: st(time), symbol: 'EURUSD', bid: Price.of(bid), ask: Price.of(ask), continuous: false });
const ctx = (seed = 1, lines: Record<string, number> = {}) => ({ file: 's.json', zone: 'ny+7' as const, seed, lineOf: (p: ReadonlyArray<string | number>) => lines['/' + p.join('/')] });
/** Base quotes by symbol, as the scenario loader hands them to buildStress. */
const bySymbol = (ticks: readonly PriceTick[]): Map<string, Quotes> => new Map([...new Set(ticks.map((t) => t.symbol))].map((sym) => [sym, new ArrayQuotes(ticks.filter((t) => t.symbol === sym))]));
const build = (specs: unknown[], ticks: PriceTick[], seed = 1): Stress => buildStress(specs as StressSpec[], instruments, bySymbol(ticks), ctx(seed));
/** The stressed quote of a base tick, as fixed-digit strings. */
const at = (s: Stress, t: PriceTick): [string, string] => {
  const r = s.apply(t.symbol, t.time, t.bid, t.ask);
  return [r.bid.value.toFixed(5), r.ask.value.toFixed(5)];
};
/** The documented draw: min + (max − min) × u, rounded half away from zero to `dp` decimals. */
const drawn = (min: number, max: number, u: number, dp: number): string => new Dec(min).plus(new Dec(max - min).times(u)).toDecimalPlaces(dp, Dec.ROUND_HALF_UP).toString();
const errorOf = (f: () => unknown): InputError => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

const hourly = [q('2024-03-11T09:00', '1.08500', '1.08512'), q('2024-03-11T10:00', '1.08520', '1.08532'), q('2024-03-11T11:00', '1.08480', '1.08492')];

describe('stress: gaps', () => {
  it('a gap of −50 points at a stated time shifts that quote and every later one by −0.00050', () => {
    const s = build([{ type: 'gap', symbol: 'EURUSD', at: '2024-03-11T10:00:00', points: -50 }], hourly);
    const before = s.apply('EURUSD', hourly[0]!.time, hourly[0]!.bid, hourly[0]!.ask);
    expect(before.bid).toBe(hourly[0]!.bid); // 09:00 is before the gap: the very same objects
    expect(before.ask).toBe(hourly[0]!.ask);
    expect(at(s, hourly[1]!)).toEqual(['1.08470', '1.08482']); // 1.08520 − 0.00050, 1.08532 − 0.00050 (at T counts)
    expect(at(s, hourly[2]!)).toEqual(['1.08430', '1.08442']); // 1.08480 − 0.00050, 1.08492 − 0.00050
    expect(s.effects).toEqual([{ type: 'gap', symbol: 'EURUSD', from: st('2024-03-11T10:00'), detail: 'gap -50 points (-0.00050)' }]);
    expect(s.extraTicks).toEqual([]);
    expect(s.slippage('EURUSD', hourly[2]!.time).toString()).toBe('0');
  });

  it('a pct gap is a constant offset: pct % of the last base mid before T, rounded to a point', () => {
    // T = 10:30: the last quote before is 10:00, mid (1.08520 + 1.08532) / 2 = 1.08526;
    // −0.5 % of it = −0.0054263 → −0.00543 at five digits. At 11:00: 1.08480 − 0.00543 = 1.07937, ask 1.08492 − 0.00543 = 1.07949.
    const s = build([{ type: 'gap', symbol: 'EURUSD', at: '2024-03-11T10:30', pct: '-0.5' }], hourly);
    expect(at(s, hourly[1]!)).toEqual(['1.08520', '1.08532']);
    expect(at(s, hourly[2]!)).toEqual(['1.07937', '1.07949']);
    expect(s.effects[0]!.detail).toBe('gap -0.5% of mid 1.08526 = -0.00543');
    // With no quote before T (08:00) the first quote at or after it is the base: mid of 09:00 = 1.08506,
    // +1 % = 0.0108506 → 0.01085, so 09:00 becomes 1.09585 / 1.09597.
    const early = build([{ type: 'gap', symbol: 'EURUSD', at: '2024-03-11T08:00', pct: 1 }], hourly);
    expect(at(early, hourly[0]!)).toEqual(['1.09585', '1.09597']);
  });

  it('the mid of a pct gap skips a bar\'s extremes, whose order the runner decides', () => {
    // One H1 bar at 10:00 (open 1.08500, spread 12 → ask 1.08512; high at 10:20, low at 10:40, close at 11:00).
    // A gap at 10:30 takes the open's mid 1.08506, not the 10:20 extreme: +1 % = 0.0108506 → 0.01085;
    // the close 1.08550 / 1.08562 becomes 1.09635 / 1.09647.
    const bars = [...loadPriceSource({ bars: [['2024-03-11T10:00', '1.08500', '1.08600', '1.08400', '1.08550']], timeframe: 'H1', spread: 12 }, EURUSD, { file: 's.json', baseDir: '.', zone: 'ny+7', seed: 1, lineOf: () => undefined })];
    const s = build([{ type: 'gap', symbol: 'EURUSD', at: '2024-03-11T10:30', pct: 1 }], bars);
    expect(at(s, bars[3]!)).toEqual(['1.09635', '1.09647']);
  });

  it('weekend gaps: one drawn gap at the first quote of each new week, offsets accumulating', () => {
    // Fridays 8 and 15 March, Monday 11, Sunday 17 March 2024. Weeks are cut at Saturday 12:00: the
    // Saturday 00:00 quote (a bar's close) still belongs to the week of Friday 8th, and a Sunday 23:00
    // quote opens the next one. Two weekends are crossed: gaps at Mon 11th 01:00 and Sun 17th 23:00,
    // +30 points each: +0.00030 in the second week, +0.00060 in the third.
    const ticks = [
      q('2024-03-08T22:00', '1.08500', '1.08512'), q('2024-03-09T00:00', '1.08510', '1.08522'),
      q('2024-03-11T01:00', '1.08600', '1.08612'), q('2024-03-13T12:00', '1.08700', '1.08712'), q('2024-03-15T22:00', '1.08800', '1.08812'),
      q('2024-03-17T23:00', '1.08850', '1.08862'), q('2024-03-18T01:00', '1.08900', '1.08912'), q('2024-03-19T12:00', '1.09000', '1.09012'),
    ];
    const s = build([{ type: 'gap', symbol: 'EURUSD', at: 'weekends', points: 30 }], ticks);
    expect(s.effects.map((e) => [formatServerTime(e.from), e.detail])).toEqual([
      ['2024-03-11T01:00:00', 'weekend gap 30 points (0.00030)'],
      ['2024-03-17T23:00:00', 'weekend gap 30 points (0.00030)'],
    ]);
    expect(ticks.map((t) => at(s, t))).toEqual([
      ['1.08500', '1.08512'], ['1.08510', '1.08522'], // week 1: untouched
      ['1.08630', '1.08642'], ['1.08730', '1.08742'], ['1.08830', '1.08842'], // week 2: + 0.00030
      ['1.08910', '1.08922'], ['1.08960', '1.08972'], ['1.09060', '1.09072'], // week 3: + 0.00060
    ]);
    // Drawn per weekend: with points { min: 10, max: 20 } each weekend draws its own u from stream
    // stress:gap:EURUSD:weekends, in time order: gap = round(10 + 10 u).
    const rng = stream(1, 'stress:gap:EURUSD:weekends');
    const expected = [0, 1].map(() => drawn(10, 20, rng.next(), 0));
    const ranged = build([{ type: 'gap', symbol: 'EURUSD', at: 'weekends', points: { min: 10, max: 20 } }], ticks);
    expect(ranged.effects.map((e) => e.detail)).toEqual(expected.map((p) => `weekend gap ${p} points (0.000${p})`));
    // The last quote carries both: 1.09000 + (p1 + p2) points.
    expect(at(ranged, ticks[7]!)[0]).toBe(new Dec('1.09000').plus(new Dec(expected[0]!).plus(expected[1]!).times('0.00001')).toFixed(5));
  });
});

describe('stress: flash crashes', () => {
  // Base quotes at 09:00 and 11:00, none at the crash time 10:00. Last mid before 10:00 = (1.10000 + 1.10010) / 2 = 1.10005;
  // 2 % of it = 0.022001 → a drop of 0.02200.
  const ticks = [q('2024-03-11T09:00', '1.10000', '1.10010'), q('2024-03-11T11:00', '1.10100', '1.10110'), q('2024-03-11T12:00', '1.10200', '1.10210')];
  const crash = (extra: object = {}) => build([{ type: 'flash-crash', symbol: 'EURUSD', at: '2024-03-11T10:00', depthPct: 2, recoveryMinutes: 60, ...extra }], ticks);

  it('2 % with a full 60-minute recovery: the bottom at T from an extra tick, half back at T+30, nothing left after', () => {
    const s = crash();
    // The extra tick is a copy of the 09:00 quote at 10:00, plain.
    expect(s.extraTicks).toEqual([{ time: st('2024-03-11T10:00'), symbol: 'EURUSD', bid: ticks[0]!.bid, ask: ticks[0]!.ask, continuous: false }]);
    expect(at(s, s.extraTicks[0]!)).toEqual(['1.07800', '1.07810']); // 1.10000 − 0.02200, 1.10010 − 0.02200
    // At 10:30 half of the way: the drop left is 0.02200 × (1 − 30/60) = 0.01100.
    expect(at(s, q('2024-03-11T10:30', '1.10000', '1.10010'))).toEqual(['1.08900', '1.08910']);
    expect(at(s, ticks[0]!)).toEqual(['1.10000', '1.10010']); // before T: untouched
    expect(at(s, ticks[1]!)).toEqual(['1.10100', '1.10110']); // at T + 60: 0.02200 × (1 − 1) = 0
    expect(at(s, ticks[2]!)).toEqual(['1.10200', '1.10210']); // later: still nothing
    expect(s.effects).toEqual([{ type: 'flash-crash', symbol: 'EURUSD', from: st('2024-03-11T10:00'), to: st('2024-03-11T11:00'), detail: 'drop 2% of mid 1.10005 = 0.02200; 100% (0.02200) back after 60 minutes' }]);
  });

  it('recoverPct 50 leaves half the drop as a constant offset', () => {
    const s = crash({ recoverPct: 50 });
    // At 10:30: 0.02200 × (1 − 0.5 × 30/60) = 0.01650 → 1.10000 − 0.01650 = 1.08350.
    expect(at(s, q('2024-03-11T10:30', '1.10000', '1.10010'))).toEqual(['1.08350', '1.08360']);
    // From 11:00 on: 0.02200 × (1 − 0.5) = 0.01100 stays. 1.10100 − 0.01100 = 1.09000; 1.10200 − 0.01100 = 1.09100.
    expect(at(s, ticks[1]!)).toEqual(['1.09000', '1.09010']);
    expect(at(s, ticks[2]!)).toEqual(['1.09100', '1.09110']);
  });

  it('adds no extra tick when the data has a quote at T', () => {
    const s = build([{ type: 'flash-crash', symbol: 'EURUSD', at: '2024-03-11T11:00', depthPct: 2, recoveryMinutes: 60 }], ticks);
    expect(s.extraTicks).toEqual([]);
    // Last mid before 11:00 is still 09:00's 1.10005 → drop 0.02200: 1.10100 − 0.02200 = 1.07900.
    expect(at(s, ticks[1]!)).toEqual(['1.07900', '1.07910']);
  });
});

describe('stress: spreads and slippage', () => {
  it('spread × 3 in [from, to): a 0.00012 spread becomes 0.00036', () => {
    const s = build([{ type: 'spread', symbol: 'EURUSD', from: '2024-03-11T10:00', to: '2024-03-11T11:00', multiplier: 3 }], hourly);
    expect(at(s, hourly[1]!)).toEqual(['1.08520', '1.08556']); // ask = 1.08520 + 0.00012 × 3
    expect(at(s, hourly[0]!)).toEqual(['1.08500', '1.08512']); // before the window
    expect(at(s, hourly[2]!)).toEqual(['1.08480', '1.08492']); // `to` itself is outside
    // + 5 points instead: ask 1.08532 + 0.00005 = 1.08537.
    const p = build([{ type: 'spread', symbol: 'EURUSD', from: '2024-03-11T10:00', to: '2024-03-11T11:00', points: 5 }], hourly);
    expect(at(p, hourly[1]!)).toEqual(['1.08520', '1.08537']);
  });

  it('effects compose in list order: ×3 then +5 points differs from +5 points then ×3', () => {
    const w = { symbol: 'EURUSD', from: '2024-03-11T10:00', to: '2024-03-11T11:00' };
    const a = build([{ type: 'spread', ...w, multiplier: 3 }, { type: 'spread', ...w, points: 5 }], hourly);
    const b = build([{ type: 'spread', ...w, points: 5 }, { type: 'spread', ...w, multiplier: 3 }], hourly);
    expect(at(a, hourly[1]!)).toEqual(['1.08520', '1.08561']); // 0.00012 × 3 + 0.00005 = 0.00041
    expect(at(b, hourly[1]!)).toEqual(['1.08520', '1.08571']); // (0.00012 + 0.00005) × 3 = 0.00051
  });

  it('slippage windows add, and are zero outside every window', () => {
    const s = build([
      { type: 'slippage', symbol: 'EURUSD', from: '2024-03-11T10:00', to: '2024-03-11T12:00', points: 2 },
      { type: 'slippage', symbol: 'EURUSD', from: '2024-03-11T11:00', to: '2024-03-11T13:00', points: 3 },
    ], hourly);
    const slip = (t: string) => s.slippage('EURUSD', st(t)).toString();
    expect(slip('2024-03-11T09:59')).toBe('0');
    expect(slip('2024-03-11T10:30')).toBe('0.00002'); // first window only: 2 points
    expect(slip('2024-03-11T11:30')).toBe('0.00005'); // both: 2 + 3 points
    expect(slip('2024-03-11T12:30')).toBe('0.00003'); // second only
    expect(slip('2024-03-11T13:00')).toBe('0'); // `to` is outside
    // Slippage never moves a quote.
    const r = s.apply('EURUSD', hourly[1]!.time, hourly[1]!.bid, hourly[1]!.ask);
    expect(r.bid).toBe(hourly[1]!.bid);
  });

  it('a crash deeper than the price floors the bid at one point, keeping the spread', () => {
    // A −120000-point gap on 1.08500 / 1.08512 would give −0.11500; the bid is lifted to 0.00001 and the ask by the same 0.11501.
    const s = build([{ type: 'gap', symbol: 'EURUSD', at: '2024-03-11T09:00', points: -120000 }], hourly);
    expect(at(s, hourly[0]!)).toEqual(['0.00001', '0.00013']);
  });

  it('NO_STRESS and an empty list are the identity', () => {
    for (const s of [NO_STRESS, build([], hourly)]) {
      const r = s.apply('EURUSD', hourly[0]!.time, hourly[0]!.bid, hourly[0]!.ask);
      expect(r.bid).toBe(hourly[0]!.bid);
      expect(r.ask).toBe(hourly[0]!.ask);
      expect(s.slippage('EURUSD', hourly[0]!.time).isZero()).toBe(true);
      expect(s.effects).toEqual([]);
    }
  });
});

describe('stress: seeded draws', () => {
  const gap = { type: 'gap', symbol: 'EURUSD', at: '2024-03-11T10:00', points: { min: -80, max: -20 } };

  it('a Range draws min + (max − min) × u from the effect\'s own stream stress:<type>:<symbol>:<time>, per seed; a fixed value is not drawn', () => {
    const one = build([gap], hourly, 1), again = build([gap], hourly, 1), two = build([gap], hourly, 2);
    expect(again.effects).toEqual(one.effects);
    const points = (seed: number) => drawn(-80, -20, stream(seed, 'stress:gap:EURUSD:2024-03-11T10:00:00').next(), 0);
    expect(one.effects[0]!.detail).toMatch(new RegExp(`^gap ${points(1)} points `));
    expect(two.effects[0]!.detail).toMatch(new RegExp(`^gap ${points(2)} points `));
    expect(points(1)).not.toBe(points(2)); // these two seeds happen to draw different gaps
    expect(two.effects).not.toEqual(one.effects);
    // Adding an effect before or after it leaves its draw alone (the other draws from its own stream).
    const slip = { type: 'slippage', symbol: 'EURUSD', from: '2024-03-11T10:00', to: '2024-03-11T11:00', points: { min: 1, max: 9 } };
    expect(build([gap, slip], hourly, 1).effects[0]).toEqual(one.effects[0]);
    expect(build([slip, gap], hourly, 1).effects.find((e) => e.type === 'gap')).toEqual(one.effects[0]);
    // The same effect twice: the second draws from its own stream (…#2).
    const twice = build([gap, gap], hourly, 1);
    expect(twice.effects[0]!.detail).toMatch(new RegExp(`^gap ${points(1)} points `));
    expect(twice.effects[1]!.detail).toMatch(new RegExp(`^gap ${drawn(-80, -20, stream(1, 'stress:gap:EURUSD:2024-03-11T10:00:00#2').next(), 0)} points `));
    // pct draws round to 4 decimals: −1 + 2u.
    const pct = build([{ ...gap, points: undefined, pct: { min: -1, max: 1 } }], hourly, 1);
    expect(pct.effects[0]!.detail.startsWith(`gap ${drawn(-1, 1, stream(1, 'stress:gap:EURUSD:2024-03-11T10:00:00').next(), 4)}% of mid 1.08506 = `)).toBe(true);
  });
});

describe('stress: validation names the JSON path', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['unknown symbol', { type: 'gap', symbol: 'GBPUSD', at: '2024-03-11T10:00', points: 5 }, '/stress/0/symbol', /unknown instrument "GBPUSD"/],
    ['from ≥ to', { type: 'spread', symbol: 'EURUSD', from: '2024-03-11T10:00', to: '2024-03-11T10:00', multiplier: 2 }, '/stress/0/to', /must be after/],
    ['both pct and points', { type: 'gap', symbol: 'EURUSD', at: '2024-03-11T10:00', pct: 1, points: 5 }, '/stress/0/points', /not both/],
    ['neither pct nor points', { type: 'gap', symbol: 'EURUSD', at: '2024-03-11T10:00' }, '/stress/0', /`pct` or `points`/],
    ['min > max', { type: 'slippage', symbol: 'EURUSD', from: '2024-03-11T10:00', to: '2024-03-11T11:00', points: { min: 5, max: 3 } }, '/stress/0/points', /min 5 is above max 3/],
    ['recoveryMinutes ≤ 0', { type: 'flash-crash', symbol: 'EURUSD', at: '2024-03-11T10:00', depthPct: 2, recoveryMinutes: 0 }, '/stress/0/recoveryMinutes', /positive/],
    ['depthPct 100', { type: 'flash-crash', symbol: 'EURUSD', at: '2024-03-11T10:00', depthPct: 100, recoveryMinutes: 5 }, '/stress/0/depthPct', /between 0 and 100/],
    ['depthPct min 0', { type: 'flash-crash', symbol: 'EURUSD', at: '2024-03-11T10:00', depthPct: { min: 0, max: 5 }, recoveryMinutes: 5 }, '/stress/0/depthPct/min', /between 0 and 100/],
    ['unparsable time', { type: 'flash-crash', symbol: 'EURUSD', at: '11 March', depthPct: 2, recoveryMinutes: 5 }, '/stress/0/at', /expected a time/],
    ['unparsable from', { type: 'slippage', symbol: 'EURUSD', from: '2024-13-01', to: '2024-03-11T11:00', points: 1 }, '/stress/0/from', /expected a time/],
    ['fractional points', { type: 'gap', symbol: 'EURUSD', at: '2024-03-11T10:00', points: 2.5 }, '/stress/0/points', /whole number of points/],
    ['negative slippage', { type: 'slippage', symbol: 'EURUSD', from: '2024-03-11T10:00', to: '2024-03-11T11:00', points: -1 }, '/stress/0/points', /at least 0/],
    ['unknown type', { type: 'freeze', symbol: 'EURUSD' }, '/stress/0/type', /expected one of gap, flash-crash, spread, slippage/],
    ['unknown field', { type: 'gap', symbol: 'EURUSD', at: 'weekends', points: 1, size: 2 }, '/stress/0/size', /unknown field "size"/],
    ['crash with nothing before it', { type: 'flash-crash', symbol: 'EURUSD', at: '2024-03-11T08:00', depthPct: 2, recoveryMinutes: 5 }, '/stress/0/at', /no quote of EURUSD before/],
  ];
  it.each(cases)('%s', (_name, spec, path, message) => {
    const e = errorOf(() => build([spec], hourly));
    expect(e.path).toBe(path);
    expect(e.expected).toMatch(message);
  });

  it('the index is the effect\'s place in the list, and the line comes from lineOf', () => {
    const ok = { type: 'slippage', symbol: 'EURUSD', from: '2024-03-11T10:00', to: '2024-03-11T11:00', points: 1 };
    const e = errorOf(() => buildStress([ok, { ...ok, to: '2024-03-11T09:00' }] as StressSpec[], instruments, bySymbol(hourly), ctx(1, { '/stress/1/to': 42 })));
    expect([e.path, e.line, e.file]).toEqual(['/stress/1/to', 42, 's.json']);
  });
});

describe('generated price models', () => {
  const pctx = (seed: number) => ({ file: 's.json', baseDir: '.', zone: 'ny+7' as const, seed, lineOf: () => undefined });
  const gen = (g: object, seed = 7): PriceTick[] => [...loadPriceSource({ generate: { from: '2024-03-04T00:00', to: '2024-03-04T03:00', timeframe: 'H1', start: '1.08500', spread: '10', ...g } } as PriceSourceInput, EURUSD, pctx(seed))];
  const rows = (ts: readonly PriceTick[]) => ts.map((t) => [formatServerTime(t.time), t.bid.toString(), t.ask.toString(), t.continuous, t.extreme ?? 0]);
  const closes = (ts: readonly PriceTick[]) => ts.filter((_, i) => i % 4 === 3).map((t) => Math.round(t.bid.value.times(1e5).toNumber()));

  // Captured from the random walk before the models were added (seed 7): it must not change by a byte.
  const CAPTURED = [
    ['2024-03-04T01:00:00', '1.085', '1.0851', false, 0], ['2024-03-04T01:20:00', '1.08515', '1.08525', true, 1], ['2024-03-04T01:40:00', '1.08459', '1.08469', true, 2], ['2024-03-04T02:00:00', '1.08486', '1.08496', true, 0],
    ['2024-03-04T02:00:00', '1.08486', '1.08496', false, 0], ['2024-03-04T02:20:00', '1.08512', '1.08522', true, 1], ['2024-03-04T02:40:00', '1.0846', '1.0847', true, 2], ['2024-03-04T03:00:00', '1.08499', '1.08509', true, 0],
  ];
  const walk = { volatility: '50', drift: '2' };

  it('random-walk output is unchanged, with or without model: "random-walk"', () => {
    expect(rows(gen(walk))).toEqual(CAPTURED);
    expect(rows(gen({ ...walk, model: 'random-walk' }))).toEqual(CAPTURED);
    // A longer M15 run (1–20 March 2024, seed 7), hashed before the change: 4968 ticks.
    const long = loadPriceSource({ generate: { from: '2024-03-01T00:00', to: '2024-03-20T00:00', timeframe: 'M15', start: '1.08500', volatility: '30', spread: '12' } }, EURUSD, pctx(7));
    const text = [...long].map((t) => `${formatServerTime(t.time)},${t.bid.toString()},${t.ask.toString()}`).join('\n');
    expect([long.length, createHash('sha256').update(text).digest('hex')]).toEqual([4968, '9250664dda0cf3cf67d5fd4c769479f65163a1e8ece3ad230146ac866d7ba2c9']);
  });

  const week = (g: object, seed = 7) => gen({ to: '2024-03-09T00:00', ...g }, seed);

  it('jump-diffusion: seeded, the random walk when perDay is 0, and the walk plus whole jumps otherwise', () => {
    const jd = { ...walk, model: 'jump-diffusion', jumps: { perDay: 4, mean: 25, sd: 0 } };
    expect(rows(week(jd))).toEqual(rows(week(jd)));
    expect(rows(week(jd, 8))).not.toEqual(rows(week(jd)));
    // No jumps: the jump stream is separate, so the diffusion draws and thus the bars are the walk's.
    expect(rows(week({ ...jd, jumps: { perDay: 0, mean: 25, sd: 10 } }))).toEqual(rows(week(walk)));
    // With jumps of exactly +25 points the close differs from the walk's by the jumps so far: a
    // multiple of 25 that never falls; over a week of 118 H1 bars at 1/6 a bar, some jumps happen.
    const diff = closes(week(jd)).map((c, i) => c - closes(week(walk))[i]!);
    expect(diff.every((d, i) => d % 25 === 0 && d >= (diff[i - 1] ?? 0))).toBe(true);
    expect(diff.at(-1)).toBeGreaterThan(0);
  });

  it('jump-diffusion: Poisson counts average perDay × 60 / 1440 = 1/6 per H1 bar', () => {
    // No diffusion (volatility 0) and jumps of exactly 25 points: each bar's close − open is 25 × its count.
    const ts = gen({ from: '2024-01-01T00:00', to: '2025-01-01T00:00', volatility: '0', model: 'jump-diffusion', jumps: { perDay: 4, mean: 25, sd: 0 } }, 3);
    const counts: number[] = [];
    for (let i = 0; i < ts.length; i += 4) counts.push(Math.round(ts[i + 3]!.bid.minus(ts[i]!.bid).value.div('0.00025').toNumber()));
    expect(counts.length).toBeGreaterThan(6000); // 118 bars a week, a year
    expect(counts.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(Math.abs(mean - 1 / 6)).toBeLessThan(0.02); // σ of the mean ≈ √(1/6 / 6000) ≈ 0.0053
    const none = counts.filter((c) => c === 0).length / counts.length;
    expect(Math.abs(none - Math.exp(-1 / 6))).toBeLessThan(0.02); // P(0) = e^(−1/6) ≈ 0.8465
  });

  it('regime-switching with meanBars 1 moves to the next regime after every bar, cyclically', () => {
    // No volatility: bar k's close = open + the drift of regime k mod 3: +10, +20, −30, +10, +20, −30, +10 points
    // from 108500: 108510, 108530, 108500, 108510, 108530, 108500, 108510. Bars at 01:00 … 07:00.
    const regimes = [{ volatility: 0, drift: 10, meanBars: 1 }, { volatility: 0, drift: 20, meanBars: 1 }, { volatility: 0, drift: -30, meanBars: 1 }];
    for (const seed of [1, 2]) expect(closes(gen({ to: '2024-03-04T08:00', model: 'regime-switching', regimes }, seed))).toEqual([108510, 108530, 108500, 108510, 108530, 108500, 108510]);
  });

  it('regime-switching: seeded; a regime never left is the random walk with its volatility and drift', () => {
    const rs = { model: 'regime-switching', regimes: [{ volatility: 40, meanBars: 5 }, { volatility: 200, drift: -3, meanBars: 10 }] };
    expect(rows(week(rs))).toEqual(rows(week(rs)));
    expect(rows(week(rs, 8))).not.toEqual(rows(week(rs)));
    // Leaving with probability 1e−12 a bar does not happen in these two bars: the walk of volatility 50, drift 2.
    const stay = { model: 'regime-switching', regimes: [{ volatility: '50', drift: '2', meanBars: 1e12 }, { volatility: 500, meanBars: 1 }] };
    expect(rows(gen(stay))).toEqual(CAPTURED);
  });

  it('rejects bad model input with the JSON path', () => {
    const cases: Array<[object, string, RegExp]> = [
      [{ ...walk, model: 'garch' }, '/prices/EURUSD/generate/model', /expected one of random-walk, jump-diffusion, regime-switching/],
      [{ ...walk, model: 'jump-diffusion' }, '/prices/EURUSD/generate/jumps', /needs `jumps`/],
      [{ ...walk, jumps: { perDay: 1, mean: 0, sd: 1 } }, '/prices/EURUSD/generate/jumps', /only to model jump-diffusion/],
      [{ ...walk, model: 'jump-diffusion', jumps: { perDay: -1, mean: 0, sd: 1 } }, '/prices/EURUSD/generate/jumps/perDay', /non-negative/],
      [{ ...walk, model: 'jump-diffusion', jumps: { perDay: 1, mean: 'x', sd: 1 } }, '/prices/EURUSD/generate/jumps/mean', /decimal number/],
      [{ model: 'regime-switching', regimes: [{ volatility: 1, meanBars: 2 }] }, '/prices/EURUSD/generate/regimes', /at least two/],
      [{ model: 'regime-switching', regimes: [{ volatility: 1, meanBars: 2 }, { volatility: 1, meanBars: 0.5 }] }, '/prices/EURUSD/generate/regimes/1/meanBars', /meanBars ≥ 1/],
      [{ volatility: 5, model: 'regime-switching', regimes: [{ volatility: 1, meanBars: 2 }, { volatility: 1, meanBars: 2 }] }, '/prices/EURUSD/generate/volatility', /from each regime/],
      [{ drift: 'up', volatility: 5 }, '/prices/EURUSD/generate/drift', /decimal number/],
      [{}, '/prices/EURUSD/generate/volatility', /volatility/],
    ];
    for (const [g, path, message] of cases) {
      const e = errorOf(() => gen(g));
      expect([e.path, e.expected]).toEqual([path, expect.stringMatching(message)]);
    }
  });
});
