// Magnitudes (docs/input-limits.md): a scenario with every kind of value at its documented
// maximum runs with every invariant, conservation included, checked after every event; one
// step beyond a bound is refused. The schema itself is checked to bound every number it holds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { InputError } from '../sim/input-error.js';
import { parseScenario } from '../sim/scenario.js';
import { ROOT, checkedRun } from './helpers.js';

const L = '0.000000000001'; // 10^-12: the finest lot step and quantum (12 decimal places)

/**
 * Every kind at its bound: money 10^12 (deposits, flows, commission a lot), volume 10^6 lots,
 * prices up to 10^7 at 5 digits, contract size 10^7, a conversion rate from 10^-8 (× 10^8 to
 * USD) to 10^7, points 10^7 (swaps, slippage), factors 10^6 (a gap of 10^6 %, a spread × 10^6,
 * commission 10^6 % of notional), a NAV of 10^-12 (10^24 units), seed 2^32 − 1.
 */
function maxima(): Record<string, unknown> {
  const inst = (symbol: string, base: string, digits: number) => ({ symbol, class: 'index', base, quote: 'JPY', contractSize: '10000000', digits, pipSize: '1', minLot: L, lotStep: L, maxLot: '1000000', marginMode: 'cfd' });
  return {
    name: 'Every value at its documented maximum',
    seed: 4294967295,
    precision: L,
    start: '2024-03-01T00:05:00',
    end: '2024-04-01T00:05:00',
    instruments: [inst('BIGJPY', 'BIG', 5), { ...inst('USDJPY', 'USD', 8), class: 'fx-major', marginMode: 'forex' }],
    prices: {
      BIGJPY: { ticks: [
        ['2024-03-04T09:00:00', '5000000.00000', '5000000.00001'],
        ['2024-03-05T09:00:00', '9999999.99998', '9999999.99999'],
        ['2024-03-06T09:00:00', '0.00001', '0.00002'],
        ['2024-03-07T09:00:00', '9999999.99999', '10000000.00000'],
        ['2024-03-08T09:00:00', '1234567.89012', '1234567.89013'],
      ] },
      USDJPY: { ticks: [['2024-03-04T08:00:00', '0.00000001', '0.00000002'], ['2024-03-06T08:00:00', '9999999.99999999', '10000000.00000000'], ['2024-03-07T08:00:00', '0.00000001', '0.00000001']] },
    },
    program: { structure: 'block', allocation: 'equity', performanceFee: '0.99', masterDeposit: '0', pamm: { id: 'pool', initialNav: L }, subscriptionFee: '1000000000000', managementFee: { rate: '0.99' } },
    investors: [
      { id: 'a', model: 'mam', deposit: '1000000000000' },
      { id: 'b', model: 'mam', deposit: '999999999999.999999999999' },
      { id: 'p', model: 'pamm', deposit: '1000000000000' },
    ],
    flows: [
      { at: '2024-03-04T12:00:00', investor: 'a', type: 'deposit', amount: '1000000000000' },
      { at: '2024-03-05T12:00:00', investor: 'p', type: 'withdraw', amount: '1000000000000' },
    ],
    orders: [
      { at: '2024-03-04T10:00:00', action: 'open', ticket: 'T1', symbol: 'BIGJPY', side: 'buy', volume: '1000000' },
      { at: '2024-03-05T10:00:00', action: 'open', ticket: 'T2', symbol: 'USDJPY', side: 'sell', volume: '1000000' },
      { at: '2024-03-05T11:00:00', action: 'close', ticket: 'T1', volume: '999999.999999999999' },
      { at: '2024-03-06T10:00:00', action: 'open', ticket: 'T3', symbol: 'BIGJPY', side: 'sell', volume: '1000000' },
      { at: '2024-03-07T10:00:00', action: 'close', ticket: 'T3' },
      { at: '2024-03-08T10:00:00', action: 'close', ticket: 'T1' },
      { at: '2024-03-08T10:00:00', action: 'close', ticket: 'T2' },
    ],
    costs: {
      commission: { index: { perLot: '1000000000000' }, 'fx-major': { notionalPct: '1000000' } },
      swaps: { BIGJPY: { mode: 'points', long: '10000000', short: '-10000000' } },
    },
    stress: [
      { type: 'gap', symbol: 'BIGJPY', at: '2024-03-07T09:00:00', pct: '1000000' },
      { type: 'spread', symbol: 'BIGJPY', from: '2024-03-05T00:00:00', to: '2024-03-06T00:00:00', multiplier: '1000000' },
      { type: 'slippage', symbol: 'BIGJPY', from: '2024-03-07T00:00:00', to: '2024-03-08T00:00:00', points: '10000000' },
    ],
  };
}

const load = (doc: Record<string, unknown>) => parseScenario(JSON.stringify(doc), 'maxima.json');

function refusal(doc: Record<string, unknown>): InputError {
  try {
    load(doc);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('values at the documented maxima', () => {
  it('run with every invariant, conservation included, holding after every event', () => {
    const r = checkedRun(load(maxima()));
    expect(r.broken).toEqual([]);
    expect(r.checks).toBeGreaterThan(10);
    // The profit of T1's first close alone, by hand: 999,999.999999999999 lots × 10^7 × (9,999,999.99998
    // − 5,000,000.00001) JPY. It must be booked to the last digit, converted or not.
    // b's part of T1, by hand: a third of 10^6 lots floored to 10^-12, 333,333.333333333333 lots
    // × 10^7 × (9,999,999.99998 − 5,000,000.00001) = 16,666,666,666,566,666,650.0000000001 JPY,
    // ÷ the USDJPY mid 1.5 × 10^-8 = 1,111,111,111,104,444,443,333,333,333.34 USD, exactly.
    const pnl = r.entries.filter((e) => e.reason === 'realized-pnl' && e.to === 'mam:b').map((e) => e.amount.toString());
    expect(pnl).toEqual(['1111111111104444443333333333.34']);
  });

  it('the largest money amounts sum exactly: 2 × 10^12 + 10^12 − 10^-12 deposited is the total equity before trading', () => {
    const r = checkedRun(load({ ...maxima(), orders: [], flows: [], stress: [] }));
    expect(r.broken).toEqual([]);
    const deposits = r.entries.filter((e) => e.reason === 'deposit').reduce((s, e) => s.plus(e.amount.value), new Dec(0));
    expect(deposits.toFixed()).toBe('2999999999999.999999999999');
  });
});

describe('one step beyond a bound is refused, naming the field and the bound', () => {
  const cases: Array<[string, (d: Record<string, any>) => void, string, string]> = [
    ['money', (d) => { d.investors[0].deposit = '1000000000000.000000000001'; }, '/investors/0/deposit', 'an amount of money of at most 10^12'],
    ['volume', (d) => { d.orders[0].volume = '1000000.000000000001'; }, '/orders/0/volume', 'a volume in lots of at most 10^6'],
    ['price (order)', (d) => { d.orders[0] = { ...d.orders[0], action: 'place', type: 'buy-limit', price: '10000000.00001' }; delete d.orders[0].side; }, '/orders/0/price', 'a price of at most 10^7'],
    ['price (tick)', (d) => { d.prices.BIGJPY.ticks[0][2] = '10000000.00001'; }, '/prices/BIGJPY/ticks/0/2', 'a price of at most 10^7'],
    ['contract size', (d) => { d.instruments[0].contractSize = '10000000.000000000001'; }, '/instruments/0/contractSize', 'a contract size of at most 10^7'],
    ['points (swap)', (d) => { d.costs.swaps.BIGJPY.long = '10000000.000000000001'; }, '/costs/swaps/BIGJPY/long', 'a number of points of at most 10^7'],
    ['points (stress)', (d) => { d.stress[2].points = '-10000001'; }, '/stress/2/points', 'a number of points of at most 10^7'],
    ['factor', (d) => { d.stress[0].pct = '1000000.000000000001'; }, '/stress/0/pct', 'a factor or percentage of at most 10^6'],
    ['decimal places', (d) => { d.investors[0].deposit = '1.0000000000001'; }, '/investors/0/deposit', 'at most 12 decimal places'],
    ['other decimal', (d) => { d.program.pamm.initialNav = '1000000000000.1'; }, '/program/pamm/initialNav', 'a number of at most 10^12'],
    ['a JSON number', (d) => { d.investors[0].deposit = 1e16; }, '', 'within ±10^15'],
    ['seed', (d) => { d.seed = 4294967296; }, '/seed', 'must be <= 4294967295'],
  ];
  for (const [kind, edit, path, text] of cases) {
    it(`${kind}: ${path || 'anywhere'}`, () => {
      const doc = maxima() as Record<string, any>;
      edit(doc);
      const e = refusal(doc);
      expect(e.path).toBe(path);
      expect(e.expected).toContain(text);
    });
  }
});

type Node = { [k: string]: unknown };

describe('the schema bounds every number it holds', () => {
  const schema = JSON.parse(readFileSync(`${ROOT}/schemas/scenario.schema.json`, 'utf8')) as Node;
  const walk = (n: unknown, path: string, visit: (n: Node, path: string) => void): void => {
    if (Array.isArray(n)) n.forEach((x, i) => walk(x, `${path}/${i}`, visit));
    else if (n && typeof n === 'object') {
      visit(n as Node, path);
      for (const [k, v] of Object.entries(n)) walk(v, `${path}/${k}`, visit);
    }
  };

  it('each integer or number has a maximum', () => {
    const unbounded: string[] = [];
    walk(schema, '', (n, path) => {
      if ((n.type === 'integer' || n.type === 'number') && n.maximum === undefined && n.exclusiveMaximum === undefined) unbounded.push(path);
    });
    expect(unbounded).toEqual([]);
  });

  it('each decimal (a string or a number) names its magnitude kind, except price cells the row validator bounds', () => {
    const unbounded: string[] = [];
    walk(schema, '', (n, path) => {
      if (Array.isArray(n.type) && n.type.includes('number') && n.magnitude === undefined) unbounded.push(path);
    });
    expect(unbounded).toEqual(['/definitions/cell']);
  });
});
