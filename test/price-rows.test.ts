// One validator for price rows (docs/input-limits.md): the same rows give the same message
// whether written inline or in a CSV file, only the place differs; and the quote bound, for
// rows and for generated series, before anything is generated.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../sim/input-error.js';
import { MAX_QUOTES } from '../sim/limits.js';
import { type PriceSourceInput, loadPriceSource } from '../sim/prices.js';
import { parseScenario } from '../sim/scenario.js';
import { scenarioPath } from './helpers.js';

const base = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'mamlab-rows-'));
const inst = parseScenario(JSON.stringify(base), join(dir, 'x.json')).instruments.get('EURUSD')!;

function refusal(src: unknown, i = 0): InputError {
  const s = structuredClone(base);
  s.prices.EURUSD = src;
  try {
    parseScenario(JSON.stringify(s), join(dir, `s${i}.json`));
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('accepted');
}

let n = 0;
/** The same rows inline and as a CSV file: both refusals. */
function both(kind: 'ticks' | 'bars', rows: string[][], extra: Record<string, unknown> = {}): { inline: InputError; csv: InputError; file: string } {
  const file = `rows${++n}.csv`;
  const header = kind === 'ticks' ? 'time,bid,ask' : rows.some((r) => r.length === 6) ? 'time,open,high,low,close,spread' : 'time,open,high,low,close';
  writeFileSync(join(dir, file), [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return { inline: refusal({ [kind]: rows, ...extra }, n), csv: refusal({ csv: file, ...extra }, n), file };
}

describe('inline and CSV rows: one validator, one message', () => {
  const cases: Array<[string, 'ticks' | 'bars', string[][], Record<string, unknown>, string, number]> = [
    ['unsorted ticks', 'ticks', [['2024-03-04T10:00:00', '1.1', '1.1001'], ['2024-03-04T09:00:00', '1.1', '1.1001']], {}, 'prices must be sorted by time: this row is earlier than the row before it', 1],
    ['a duplicate tick time', 'ticks', [['2024-03-04T10:00:00', '1.1', '1.1001'], ['2024-03-04T10:00:00', '1.1', '1.1001']], {}, 'this row has the same time as the row before it: one row per time (prices sorted strictly by time)', 1],
    ['ask below bid', 'ticks', [['2024-03-04T10:00:00', '1.1001', '1.1']], {}, 'ask 1.1 is below bid 1.1001', 0],
    ['overlapping M30 bars 20 minutes apart', 'bars', [['2024-03-04T10:00:00', '1.1', '1.2', '1.0', '1.1'], ['2024-03-04T10:20:00', '1.1', '1.2', '1.0', '1.1']], { timeframe: 'M30' }, 'this bar opens before the previous bar ends: check the timeframe', 1],
    ['a duplicate bar time', 'bars', [['2024-03-04T10:00:00', '1.1', '1.2', '1.0', '1.1'], ['2024-03-04T10:00:00', '1.1', '1.2', '1.0', '1.1']], { timeframe: 'M30' }, 'this row has the same time as the row before it: one row per time (prices sorted strictly by time)', 1],
    ['a bar whose high is below its close', 'bars', [['2024-03-04T10:00:00', '1.1', '1.1', '1.0', '1.15']], { timeframe: 'H1' }, 'bar high 1.1 / low 1 must enclose open 1.1 and close 1.15', 0],
    ['a spread above 10^7 points', 'bars', [['2024-03-04T10:00:00', '1.1', '1.2', '1.0', '1.1', '10000000.5']], { timeframe: 'H1' }, 'expected a number of points of at most 10^7 in absolute value with at most 12 decimal places, got "10000000.5"', 0],
  ];
  for (const [what, kind, rows, extra, message, row] of cases) {
    it(what, () => {
      const { inline, csv, file } = both(kind, rows, extra);
      expect(inline.expected).toBe(message);
      expect(csv.expected).toBe(message);
      expect(csv.file).toBe(file);
      expect(csv.line).toBe(row + 2); // the header is line 1
      expect(inline.path.startsWith(`/prices/EURUSD/${kind}/${row}`)).toBe(true);
    });
  }

  it('bars that touch (the next opens where the previous ends) are fine, inline and from CSV', () => {
    const rows = [['2024-03-04T10:00:00', '1.1', '1.2', '1.0', '1.1'], ['2024-03-04T10:30:00', '1.1', '1.2', '1.0', '1.1']];
    writeFileSync(join(dir, 'touch.csv'), `time,open,high,low,close\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    for (const src of [{ bars: rows, timeframe: 'M30' }, { csv: 'touch.csv', timeframe: 'M30' }]) {
      const s = structuredClone(base);
      s.prices.EURUSD = src;
      expect(parseScenario(JSON.stringify(s), join(dir, 'ok.json')).ticks.length).toBe(8);
    }
  });

  it('no rows at all: an empty list, a header-only CSV', () => {
    expect(refusal({ ticks: [] }).expected).toBe('expected at least one row of prices');
    writeFileSync(join(dir, 'header.csv'), 'time,bid,ask\r\n\r\n');
    const e = refusal({ csv: 'header.csv' });
    expect([e.file, e.line, e.expected]).toEqual(['header.csv', 2, 'expected at least one row of prices']);
  });
});

describe('the quote bound', () => {
  const ctx = (budget: number) => ({ file: 's.json', baseDir: dir, zone: 'ny+7' as const, seed: 1, lineOf: () => undefined, budget });
  // Monday 2024-03-04 H1 bars from 00:00 to 24:00: the 00:00 bar starts before the 00:05 open,
  // so 23 bars of four quotes each, 92 quotes.
  const day: PriceSourceInput = { generate: { from: '2024-03-04T00:00', to: '2024-03-05T00:00', timeframe: 'H1', start: '1.1', spread: '10', volatility: '5' } };

  it('a generated series that fits the budget exactly is generated; one quote less and it is refused up front', () => {
    expect(loadPriceSource(day, inst, ctx(92)).length).toBe(92);
    expect(() => loadPriceSource(day, inst, ctx(91))).toThrow(/^s\.json: \/prices\/EURUSD\/generate: this series of H1 bars from 2024-03-04T00:00 to 2024-03-05T00:00 takes the scenario past the limit of 8,000,000 quotes/);
  });

  it('CSV rows are counted as they are read, and refused at the first row past the budget', () => {
    writeFileSync(join(dir, 'four.csv'), 'time,bid,ask\n2024-03-04T09:00:00,1.1,1.2\n2024-03-04T10:00:00,1.1,1.2\n2024-03-04T11:00:00,1.1,1.2\n2024-03-04T12:00:00,1.1,1.2\n');
    expect(loadPriceSource({ csv: 'four.csv' }, inst, ctx(4)).length).toBe(4);
    const e = (() => { try { loadPriceSource({ csv: 'four.csv' }, inst, ctx(3)); } catch (x) { return x as InputError; } throw new Error('accepted'); })();
    expect([e.file, e.line, e.expected]).toEqual(['four.csv', 5, `this row takes the scenario past the limit of ${MAX_QUOTES.toLocaleString('en-US')} quotes for all symbols together (a bar is 4 quotes; see docs/input-limits.md)`]);
  });

  it('is shared by all symbols: two M1 series of 140 weeks each pass it alone, not together, and the second is refused', () => {
    // 140 weeks of M1 in market hours: 5 × 1440 − 5 − 10 = 7,185 bars a week, 1,005,900 bars, 4,023,600 quotes each: two pass 8,000,000.
    expect(MAX_QUOTES).toBe(8_000_000);
    const s = structuredClone(base);
    const gen = { from: '2024-03-04T00:00:00', to: '2026-11-09T00:00:00', timeframe: 'M1', start: '1.1', spread: '10', volatility: '5' };
    s.instruments = ['EURUSD', 'GBPUSD'];
    s.prices = { EURUSD: { generate: gen }, GBPUSD: { generate: gen } };
    const one = structuredClone(s);
    one.instruments = ['EURUSD'];
    one.prices = { EURUSD: { generate: gen } };
    expect(parseScenario(JSON.stringify(one), join(dir, 'one.json')).ticks.length).toBe(4_023_600);
    expect(() => parseScenario(JSON.stringify(s), join(dir, 'two.json'))).toThrow(/\/prices\/GBPUSD\/generate: this series of M1 bars/);
  });
});
