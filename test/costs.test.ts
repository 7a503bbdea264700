// Commissions, spread and swaps (DOMAIN §5), each against a hand-computed value, with every
// invariant checked after every event.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../sim/scenario.js';
import { STOCK, close, open, weekScenario } from './cost-fixtures.js';
import { checkedRun } from './helpers.js';

const scenario = (edit: (s: any) => void): any => weekScenario({ name: 'costs', end: '2024-03-15T12:00:00' }, edit);

function run(edit: (s: any) => void) {
  const r = checkedRun(parseScenario(JSON.stringify(scenario(edit)), 'costs.json'));
  expect(r.broken).toEqual([]);
  const entries = (reason: string) => r.entries.filter((e) => e.reason === reason);
  const lines = (kind: string) => r.sink.costs.filter((c) => c.kind === kind);
  return { ...r, entries: entries, lines };
}

describe('commissions', () => {
  it('per-side $8 a lot: 2 lots pay 16 at the open and 16 at the close; the ticket shows −32', () => {
    const r = run((s) => {
      s.costs = { commission: { 'fx-major': { perLot: '8' } } };
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '2'), close('M1', '2024-03-07T10:00:00')];
    });
    expect(r.entries('commission').map((e) => [e.from, e.to, e.amount.toString()])).toEqual([['mam:a', 'house', '16'], ['mam:a', 'house', '16']]);
    expect(r.sink.trades.map((t) => t.commission.toString())).toEqual(['-32']);
  });

  it('round-turn $8 a lot: charged in full at the open (16), nothing at the close', () => {
    const r = run((s) => {
      s.costs = { commission: { 'fx-major': { perLot: '8' } } };
      s.policies = { commissionSide: 'round-turn' };
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '2'), close('M1', '2024-03-07T10:00:00')];
    });
    expect(r.entries('commission').map((e) => e.amount.toString())).toEqual(['16']);
    expect(r.sink.trades.map((t) => t.commission.toString())).toEqual(['-16']);
  });

  it('each sub-account pays on its own volume: a block of 1 lot split 0.75 / 0.25 pays 6 and 2', () => {
    const r = run((s) => {
      s.costs = { commission: 'seed000' };
      s.investors = [{ id: 'a', model: 'mam', deposit: '75000' }, { id: 'b', model: 'mam', deposit: '25000' }];
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '1')];
    });
    expect(r.entries('commission').map((e) => [e.from, e.amount.toString()])).toEqual([['mam:a', '6'], ['mam:b', '2']]);
  });

  it('1% of notional on a stock (seed 000 preset): 10 lots bought at 150.25 pay 15.025; sold at 155.10 pay 15.51', () => {
    const r = run((s) => {
      s.instruments = ['EURUSD', STOCK];
      s.prices.AAPL = { ticks: [['2024-03-04T09:00:00', '150.20', '150.25'], ['2024-03-07T10:00:00', '155.10', '155.15']] };
      s.program.preset = 'seed000';
      s.costs = { commission: 'seed000' };
      s.orders = [open('S1', '2024-03-04T10:00:00', 'buy', '10', 'AAPL'), close('S1', '2024-03-07T10:00:00')];
    });
    // 10 × 1 × 150.25 × 1% = 15.025; 10 × 1 × 155.10 × 1% = 15.51
    expect(r.entries('commission').map((e) => e.amount.toString())).toEqual(['15.025', '15.51']);
    expect(r.sink.trades[0]!.commission.toString()).toBe('-30.535');
  });

  it('a partial close carries its share of the open commission: 3 lots, close 1 then 2', () => {
    const r = run((s) => {
      s.costs = { commission: { default: { perLot: '8' } } };
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '3'), close('M1', '2024-03-05T10:00:00', '1'), close('M1', '2024-03-07T10:00:00')];
    });
    // open 24; first close: 8 + 24 × 1/3 = 16; second close: 16 + the 16 left = 32. Σ tickets = 48 = Σ entries (24 + 8 + 16).
    expect(r.sink.trades.map((t) => t.commission.toString())).toEqual(['-16', '-32']);
    expect(r.entries('commission').map((e) => e.amount.toString())).toEqual(['24', '8', '16']);
  });
});

describe('spread', () => {
  it('a buy at the ask pays half the spread against the mid: 2 lots × 100,000 × 0.00005 = 10', () => {
    const r = run((s) => { s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '2')]; });
    expect(r.lines('spread').map((c) => c.amount.toString())).toEqual(['-10']);
  });
});

describe('swaps, charged at the 00:00 rollover for the day that ended', () => {
  it('points, with Wednesday triple: 1 lot long at −6.5 points from Monday to Thursday pays 1 + 1 + 3 days = 32.5', () => {
    const r = run((s) => {
      s.costs = { swaps: { EURUSD: { mode: 'points', long: '-6.5', short: '1.2' } } };
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '1'), close('M1', '2024-03-07T10:00:00')];
    });
    // a day: 1 × 100,000 × −6.5 × 0.00001 = −6.5
    expect(r.lines('swap').map((c) => [c.time, c.amount.toString()]).map(([t, a]) => [new Date(t as number).toISOString().slice(0, 16), a])).toEqual([
      ['2024-03-05T00:00', '-6.5'], ['2024-03-06T00:00', '-6.5'], ['2024-03-07T00:00', '-19.5'],
    ]);
    expect(r.entries('swap').every((e) => e.from === 'mam:a' && e.to === 'house')).toBe(true);
    expect(r.sink.trades[0]!.swap.toString()).toBe('-32.5');
  });

  it('the rollover comes before the new day\'s first price: a limit filled by the 00:00 tick pays no swap for the night before', () => {
    const r = run((s) => {
      s.costs = { swaps: { EURUSD: { mode: 'money', long: '-10', short: '-10' } } };
      s.prices.EURUSD.ticks = [['2024-03-04T09:00:00', '1.10090', '1.10100'], ['2024-03-05T00:00:00', '1.09990', '1.10000'], ['2024-03-07T10:00:00', '1.10490', '1.10500']];
      s.orders = [{ at: '2024-03-04T10:00:00', action: 'place', ticket: 'P1', symbol: 'EURUSD', type: 'buy-limit', price: '1.10050', volume: '1' }, close('P1', '2024-03-06T10:00:00')];
    });
    // Filled at 00:00 Tuesday, after Monday's rollover: only Tuesday night (−10).
    expect(r.lines('swap').map((c) => c.amount.toString())).toEqual(['-10']);
  });

  it('a positive rate pays the account: 1 lot short at +1.2 points over Monday night earns 1.2 from the house', () => {
    const r = run((s) => {
      s.costs = { swaps: { EURUSD: { mode: 'points', long: '-6.5', short: '1.2' } } };
      s.orders = [open('M1', '2024-03-04T10:00:00', 'sell', '1'), close('M1', '2024-03-05T10:00:00')];
    });
    expect(r.entries('swap').map((e) => [e.from, e.to, e.amount.toString()])).toEqual([['house', 'mam:a', '1.2']]);
  });

  it('money mode on an index, Friday triple: 2 lots short at −1.5 USD a lot from Thursday to Monday pay (1 + 3) × 3 = 12', () => {
    const r = run((s) => {
      s.instruments = ['EURUSD', 'US30'];
      s.prices.US30 = { ticks: [['2024-03-07T09:00:00', '39000.0', '39001.0'], ['2024-03-11T10:00:00', '38900.0', '38901.0']] };
      s.costs = { swaps: { US30: { mode: 'money', long: '-2', short: '-1.5' } } };
      s.orders = [open('I1', '2024-03-07T10:00:00', 'sell', '2', 'US30'), close('I1', '2024-03-11T10:00:00')];
    });
    // Thursday night: 2 × −1.5 = −3; Friday night (triple): −9; Saturday and Sunday: nothing.
    expect(r.lines('swap').map((c) => c.amount.toString())).toEqual(['-3', '-9']);
  });

  it('annual interest on a 360-day year, in JPY converted to USD: 1 lot USDJPY long at 1.8% at 150.000 earns 5 a day, 15 on Wednesday', () => {
    const r = run((s) => {
      s.instruments = ['EURUSD', 'USDJPY'];
      s.prices.USDJPY = { ticks: [['2024-03-04T09:00:00', '150.000', '150.000']] };
      s.costs = { swaps: { USDJPY: { mode: 'annual-interest', long: '1.8', short: '-3' } } };
      s.orders = [open('J1', '2024-03-05T10:00:00', 'buy', '1', 'USDJPY'), close('J1', '2024-03-07T10:00:00')];
    });
    // 100,000 × 150 × 1.8% / 360 = 750 JPY a day; ÷ 150 = 5 USD. Tuesday night 5, Wednesday night (triple) 15.
    expect(r.lines('swap').map((c) => c.amount.toString())).toEqual(['5', '15']);
  });

  it('points on a cross: 2 lots EURGBP short at −2 points = −4 GBP a day, × GBPUSD 1.25 = −5 USD', () => {
    const r = run((s) => {
      s.instruments = ['EURUSD', 'EURGBP', 'GBPUSD'];
      s.prices.EURGBP = { ticks: [['2024-03-04T09:00:00', '0.85000', '0.85010']] };
      s.prices.GBPUSD = { ticks: [['2024-03-04T09:00:00', '1.24995', '1.25005']] };
      s.costs = { swaps: { EURGBP: { mode: 'points', long: '-3', short: '-2' } } };
      s.orders = [open('X1', '2024-03-04T10:00:00', 'sell', '2', 'EURGBP'), close('X1', '2024-03-05T10:00:00')];
    });
    expect(r.lines('swap').map((c) => c.amount.toString())).toEqual(['-5']);
  });

  it('swap-free accounts pay none: an investor flagged swapFree, and every program account with costs.swapFree', () => {
    const edit = (s: any) => {
      s.costs = { swaps: { EURUSD: { mode: 'points', long: '-6.5', short: '1.2' } } };
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '1'), close('M1', '2024-03-07T10:00:00')];
    };
    expect(run((s) => { edit(s); s.investors[0].swapFree = true; }).lines('swap')).toEqual([]);
    expect(run((s) => { edit(s); s.costs.swapFree = true; }).lines('swap')).toEqual([]);
  });
});
