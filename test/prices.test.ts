import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatServerTime } from '../engine/time.js';
import { InputError } from '../sim/input-error.js';
import { parseScenario } from '../sim/scenario.js';
import { scenarioPath } from './helpers.js';

const base = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'mamlab-prices-'));
const withPrices = (src: unknown) => {
  const s = structuredClone(base);
  s.prices.EURUSD = src;
  return parseScenario(JSON.stringify(s), join(dir, 'x.json'));
};
const quotes = (sc: ReturnType<typeof withPrices>) => [...sc.ticks].map((t) => [formatServerTime(t.time), t.bid.value.toFixed(5), t.ask.value.toFixed(5)]);

describe('price sources', () => {
  it('a bar is a path: open at its time, two extremes at a third and two thirds, close at its end; ask = bid + spread × point', () => {
    // H1 bar at 10:00, spread 12 points = 0.00012; the second bar's own spread 20 = 0.00020.
    // The extremes are listed high then low here; the runner orders them by the intrabar policy.
    const sc = withPrices({ timeframe: 'H1', spread: 12, bars: [['2024-03-04T10:00', '1.08500', '1.08600', '1.08400', '1.08550'], ['2024-03-04T11:00', '1.08550', '1.08700', '1.08500', '1.08650', 20]] });
    expect(quotes(sc)).toEqual([
      ['2024-03-04T10:00:00', '1.08500', '1.08512'], ['2024-03-04T10:20:00', '1.08600', '1.08612'], ['2024-03-04T10:40:00', '1.08400', '1.08412'], ['2024-03-04T11:00:00', '1.08550', '1.08562'],
      ['2024-03-04T11:00:00', '1.08550', '1.08570'], ['2024-03-04T11:20:00', '1.08700', '1.08720'], ['2024-03-04T11:40:00', '1.08500', '1.08520'], ['2024-03-04T12:00:00', '1.08650', '1.08670'],
    ]);
    expect([...sc.ticks].map((t) => [t.continuous, t.extreme ?? 0])).toEqual([[false, 0], [true, 1], [true, 2], [true, 0], [false, 0], [true, 1], [true, 2], [true, 0]]);
  });

  it('reads bars from a CSV file with a header', () => {
    writeFileSync(join(dir, 'bars.csv'), 'time,open,high,low,close,spread\n2024-03-04T10:00:00,1.08500,1.08600,1.08400,1.08550,10\n');
    expect(quotes(withPrices({ csv: 'bars.csv', timeframe: 'H1' }))).toEqual([
      ['2024-03-04T10:00:00', '1.08500', '1.08510'], ['2024-03-04T10:20:00', '1.08600', '1.08610'], ['2024-03-04T10:40:00', '1.08400', '1.08410'], ['2024-03-04T11:00:00', '1.08550', '1.08560'],
    ]);
  });

  it('rejects bars that overlap their timeframe', () => {
    expect(() => withPrices({ timeframe: 'H4', bars: [['2024-03-04T10:00', '1.085', '1.086', '1.084', '1.0855'], ['2024-03-04T11:00', '1.0855', '1.086', '1.084', '1.0855']] })).toThrow(/opens before the previous bar ends/);
  });

  it('rejects a bar whose high and low do not enclose open and close', () => {
    expect(() => withPrices({ timeframe: 'H1', bars: [['2024-03-04T10:00', '1.08500', '1.08520', '1.08400', '1.08550']] })).toThrow(InputError);
    expect(() => withPrices({ ticks: [['2024-03-04T10:00', '1.08500', '1.08400']] })).toThrow(/ask 1.084 is below bid 1.085/);
  });

  it('generates the same seeded path twice and another one for another seed', () => {
    const gen = { generate: { from: '2024-03-04T00:00', to: '2024-03-06T00:00', timeframe: 'H1', start: '1.08500', volatility: '50', spread: '10' } };
    const a = quotes(withPrices(gen)), b = quotes(withPrices(gen));
    expect(a).toEqual(b);
    expect(a.length).toBe(4 * 47); // Monday 01:00 … Tuesday 23:00: 47 bars in market hours, four path points each
    const s = structuredClone(base);
    s.prices.EURUSD = gen;
    s.seed = 2;
    expect(quotes(parseScenario(JSON.stringify(s), join(dir, 'y.json')))).not.toEqual(a);
  });
});

describe('YAML scenarios', () => {
  it('reads the same scenario written as YAML, with line numbers in errors', () => {
    const y = parseScenario(stringify(base), join(dir, 's.yaml'));
    const j = parseScenario(JSON.stringify(base), join(dir, 's.json'));
    expect(y.hash).toBe(j.hash);
    const bad = stringify({ ...base, seed: -1 });
    try {
      parseScenario(bad, join(dir, 'bad.yaml'));
      expect.unreachable();
    } catch (e) {
      const err = e as InputError;
      expect(err.path).toBe('/seed');
      expect(bad.split('\n')[err.line! - 1]).toMatch(/^seed: -1/);
    }
  });
});
