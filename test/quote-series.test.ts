// Compact quotes (issue 13): prices kept as whole units of the last digit and made into quotes on
// demand must be the quotes the rows say, in the order the rulebook gives; the fast readers
// (plain CSV rows, plain prices) must read exactly what the general ones read.
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import type { Instrument } from '../engine/instrument.js';
import { formatServerTime, serverTime } from '../engine/time.js';
import { Volume } from '../engine/values.js';
import { InputError } from '../sim/input-error.js';
import { MAX_CSV_RECORD_CHARS } from '../sim/limits.js';
import { readPrice, readPriceUnits } from '../sim/price-rows.js';
import { readPlainCsv } from '../sim/prices.js';
import { ArrayQuotes, BarSeries, MergedQuotes, PriceUnits, TickSeries } from '../sim/quote-series.js';

const inst = (symbol: string, digits: number): Instrument => ({
  symbol, class: 'fx-major', base: symbol.slice(0, 3), quote: symbol.slice(3), contractSize: new Dec(100000), digits, pipSize: new Dec(10).pow(1 - digits),
  minLot: Volume.of('0.01'), lotStep: Volume.of('0.01'), maxLot: Volume.of('100'), marginMode: 'forex',
});
const EURUSD = inst('EURUSD', 5);
const USDJPY = inst('USDJPY', 3);
const T0 = serverTime(Date.UTC(2024, 2, 4, 10, 0));
const shown = (q: { time: number; symbol: string; bid: { toString(): string }; ask: { toString(): string }; continuous: boolean; extreme?: number }) =>
  `${formatServerTime(q.time as never)} ${q.symbol} ${q.bid.toString()}/${q.ask.toString()} ${q.continuous ? 'c' : 'g'}${q.extreme ?? ''}`;

describe('compact quote series', () => {
  it('a bar is four quotes: open at its time (a gap), high and low at a third and two thirds, close at its end; ask = bid + spread', () => {
    const bars = new BarSeries('EURUSD', EURUSD, 60);
    // Open 1.08500, high 1.08600, low 1.08400, close 1.08550 in units of 0.00001; spread 1.2 points = 0.000012.
    bars.push(T0, 108500, 108600, 108400, 108550, new Dec('0.000012'));
    bars.finish();
    expect(bars.length).toBe(4);
    expect([...bars].map(shown)).toEqual([
      '2024-03-04T10:00:00 EURUSD 1.085/1.085012 g',
      '2024-03-04T10:20:00 EURUSD 1.086/1.086012 c1',
      '2024-03-04T10:40:00 EURUSD 1.084/1.084012 c2',
      '2024-03-04T11:00:00 EURUSD 1.0855/1.085512 c',
    ]);
    expect([0, 1, 2, 3].map((i) => bars.firm(i))).toEqual([true, false, false, true]);
    // The bar's four quotes share one BarInfo with the prices as read.
    expect(bars.at(1).bar).toBe(bars.at(2).bar);
    expect(bars.at(0).bar!.close.toString()).toBe('1.0855');
  });

  it('ticks keep bid and ask as read, exactly, at every digit count', () => {
    const ticks = new TickSeries('USDJPY', USDJPY);
    ticks.push(T0, 151234, 151250); // 151.234 / 151.250
    ticks.push(serverTime(T0 + 1000), 10_000_000_000, 10_000_000_000); // 10^7, the largest price
    expect([...ticks.finish()].map(shown)).toEqual(['2024-03-04T10:00:00 USDJPY 151.234/151.25 g', '2024-03-04T10:00:01 USDJPY 10000000/10000000 g']);
  });

  it('merges by time and, at one time, in the order of the parts (earlier symbols, then a stress effect\'s extra ticks)', () => {
    const a = new TickSeries('EURUSD', EURUSD);
    const b = new TickSeries('USDJPY', USDJPY);
    a.push(T0, 110000, 110010); a.push(serverTime(T0 + 2000), 110020, 110030);
    b.push(T0, 150000, 150010); b.push(serverTime(T0 + 1000), 150020, 150030); b.push(serverTime(T0 + 2000), 150040, 150050);
    const extra = new ArrayQuotes([{ time: serverTime(T0 + 2000), symbol: 'EURUSD', bid: new PriceUnits(5).price(110000), ask: new PriceUnits(5).price(110000), continuous: false }]);
    const m = new MergedQuotes([a.finish(), b.finish(), extra]);
    expect([...m].map((q) => `${(q.time - T0) / 1000} ${q.symbol} ${q.bid.toString()}`)).toEqual([
      '0 EURUSD 1.1', '0 USDJPY 150', '1 USDJPY 150.02', '2 EURUSD 1.1002', '2 USDJPY 150.04', '2 EURUSD 1.1',
    ]);
    expect(m.length).toBe(6);
    expect(m.time(3)).toBe(T0 + 2000);
  });
});

describe('plain prices read with integer arithmetic', () => {
  const w = { file: 'p.csv', path: 'line 2', line: 2 };
  const general = (text: string, i: Instrument): string => {
    try {
      return new PriceUnits(i.digits).units(readPrice(text, i, w)).toString();
    } catch (e) {
      return (e as InputError).message;
    }
  };
  const fast = (text: string, i: Instrument): string => {
    try {
      return readPriceUnits(text, i, new PriceUnits(i.digits), w).toString();
    } catch (e) {
      return (e as InputError).message;
    }
  };

  it('examples: 1.10000 is 110000 units of EURUSD; 151.2 is 151200 of USDJPY; refusals keep their message', () => {
    expect(fast('1.10000', EURUSD)).toBe('110000');
    expect(fast('151.2', USDJPY)).toBe('151200');
    expect(fast('10000000', USDJPY)).toBe('10000000000');
    expect(fast('1.100001', EURUSD)).toBe(general('1.100001', EURUSD));
    expect(fast('1.100001', EURUSD)).toMatch(/more than the 5 digits/);
    expect(fast('0.00000', EURUSD)).toMatch(/positive price/);
    expect(fast('10000000.001', USDJPY)).toMatch(/at most 10\^7/);
  });

  it('agrees with readPrice on every price string of digits and a point', () => {
    const text = fc.tuple(fc.stringMatching(/^\d{1,9}$/), fc.option(fc.stringMatching(/^\d{0,10}$/)), fc.boolean())
      .map(([w0, f, minus]) => `${minus ? '-' : ''}${w0}${f === null ? '' : `.${f}`}`);
    fc.assert(fc.property(text, fc.constantFrom(EURUSD, USDJPY, inst('XAUUSD', 2), inst('BTCUSD', 8), inst('US30', 0)), (t, i) => {
      expect(fast(t, i)).toBe(general(t, i));
    }), { numRuns: 3000 });
  });
});

describe('plain CSV rows split by hand', () => {
  const viaParser = (text: string, to: number): Array<[string[], number]> => {
    const out: Array<[string[], number]> = [];
    parseCsv(text, {
      record_delimiter: ['\r\n', '\n'], skip_empty_lines: true, trim: true, relax_column_count: true,
      max_record_size: MAX_CSV_RECORD_CHARS, to,
      on_record: (cells, c) => {
        out.push([cells, c.lines]);
        return null;
      },
    });
    return out;
  };
  const viaSplit = (text: string, to: number): Array<[string[], number]> | false => {
    const out: Array<[string[], number]> = [];
    return readPlainCsv(text, to, (cells, line) => out.push([cells, line])) && out;
  };

  it('gives the parser\'s records and line numbers for any plain file (CRLF or LF, empty lines, ragged rows)', () => {
    const cell = fc.stringMatching(/^[0-9A-Za-z.:+\-]{0,6}$/);
    const row = fc.array(cell, { minLength: 1, maxLength: 6 }).map((cs) => cs.join(','));
    const file = fc.tuple(fc.array(row, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.integer({ min: 1, max: 15 }));
    fc.assert(fc.property(file, ([rows, eol, trailing, to]) => {
      const text = rows.join(eol) + (trailing ? eol : '');
      expect(viaSplit(text, to)).toEqual(viaParser(text, to));
    }), { numRuns: 2000 });
  });

  it('leaves anything beyond plain rows to the parser: quotes, spaces, tabs, a lone CR, a byte-order mark, a row at the length limit', () => {
    for (const text of ['time,bid\n"2024",1', 'time, bid\n', 'a\tb\n', 'a\rb\n', '\ufefftime,bid\n', `${'1,'.repeat(MAX_CSV_RECORD_CHARS / 2)}\n`]) {
      expect(viaSplit(text, 10), JSON.stringify(text)).toBe(false);
    }
  });
});
