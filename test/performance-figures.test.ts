// Performance figures as fund administrators report them (issue 15, items 1–3): returns linked
// exactly at flows, GIPS periods (no annualizing under a year), ratio frequencies, volatility and
// downside deviation, period returns (periods.csv). Each expected value is worked out here from
// the scenario's prices and flows, not read from mamlab's output.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { downsideDeviation, sharpe, sortino, volatility } from '../reports/metrics.js';
import { writeRunFiles } from '../sim/run-output.js';
import { loadScenario, parseScenario } from '../sim/scenario.js';
import { csvRecords, scenarioPath } from './helpers.js';

const run = (yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'mamlab-figures-'));
  const summary = writeRunFiles(parseScenario(yaml, 'figures.yaml'), dir);
  return { summary, dir, periods: csvRecords(readFileSync(join(dir, 'periods.csv'), 'utf8')) };
};
type Metrics = Record<string, number | null>;
const metricsOf = (summary: ReturnType<typeof run>['summary'], id: string): Metrics => summary.investors.find((i) => i.id === id)!.metrics as Metrics;

describe('returns linked exactly at flows', () => {
  it('a deposit of 585.60 and a withdrawal of 15.05 with no trade: no return, no drawdown, and every ratio null (not noise)', () => {
    const { summary } = run(`
name: flows-only
start: "2024-03-01T00:05:00"
end: "2024-03-29T00:05:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T10:00:00", "1.10000", "1.10010"], ["2024-03-20T10:00:00", "1.10500", "1.10510"]] } }
program: { structure: signal, masterDeposit: "10000", performanceFee: "0.2" }
investors: [{ id: x, model: mam, deposit: "585.60" }]
flows: [{ at: "2024-03-12T10:00:00", investor: x, type: withdraw, amount: "15.05" }]
orders: []
`);
    const m = metricsOf(summary, 'x');
    // 585.60 − 15.05 = 570.55 held all along: every link is (570.55 − (−15.05)) / 585.60 = 1 exactly.
    expect([m.timeWeightedReturn, m.maxDrawdown, m.volatility, m.downsideDeviation]).toEqual([0, 0, 0, 0]);
    expect([m.sharpe, m.sortino, m.calmar, m.annualizedReturn, m.moneyWeightedReturn]).toEqual([null, null, null, null, null]);
    // Its own money-weighted return: 585.60 in, 15.05 and 570.55 out: nothing gained, 0.
    expect(m.periodMoneyWeightedReturn).toBe(0);
  });
});

describe('GIPS: no annualized figure under a year', () => {
  it("seed 001's one month: annualized return, annual IRR and Calmar null by default; its own returns are the month's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-figures-'));
    const summary = writeRunFiles(loadScenario(scenarioPath('seed001-profit-distribution.json')), dir);
    const m = metricsOf(summary, 'investor-1');
    // 4,500 in, 11,700 at the end (13,500 less the 1,800 fee): 11,700 / 4,500 − 1 = 1.6, both time- and money-weighted.
    expect([m.timeWeightedReturn, m.periodMoneyWeightedReturn]).toEqual([1.6, 1.6]);
    expect([m.annualizedReturn, m.moneyWeightedReturn, m.calmar]).toEqual([null, null, null]);
    expect(String(summary.metricConventions.annualize)).toContain('year-or-longer (GIPS)');
    const rows = csvRecords(readFileSync(join(dir, 'periods.csv'), 'utf8')).filter((r) => r.investor === 'investor-1');
    // One month (the trading month March, to 00:05 on 1 April, where the fee is charged) and one fee period (monthly): 1.6 each way.
    expect(rows.map((r) => [r.kind, r.period, r.opening_equity, r.net_flows, r.closing_equity, r.twr, r.modified_dietz, r.mwr])).toEqual([
      ['month', '2024-03', '0.0000000', '4500.0000000', '11700.0000000', '1.6', '1.6', '1.6'],
      ['fee-period', '2024-03', '0.0000000', '4500.0000000', '11700.0000000', '1.6', '1.6', '1.6'],
    ]);
  });

  it('annualize: always shows them: 2.6 over 31 days compounds to 2.6^(365/31) − 1', () => {
    const text = readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8');
    const doc = JSON.parse(text) as Record<string, unknown>;
    doc.policies = { ...(doc.policies as object), metrics: { annualize: 'always' } };
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-figures-'));
    const s = parseScenario(JSON.stringify(doc), scenarioPath('seed001-profit-distribution.json'));
    const m = metricsOf(writeRunFiles(s, dir), 'investor-1');
    expect(m.annualizedReturn).toBeCloseTo(Math.pow(2.6, 365 / 31) - 1, 0);
    expect(m.annualizedReturn! / (Math.pow(2.6, 365 / 31) - 1)).toBeCloseTo(1, 9);
  });
});

describe('ratio frequencies', () => {
  it('six monthly returns 2%, −1%, 3%, 0%, −2%, 4% (a published-style fixture, worked by hand)', () => {
    const r = [0.02, -0.01, 0.03, 0, -0.02, 0.04];
    // Mean 0.06 / 6 = 0.01; squared deviations 1, 4, 4, 1, 9, 9 (×1e-4) = 28e-4; sample variance 28e-4 / 5 = 5.6e-4.
    // Volatility √(5.6e-4 × 12) = √0.00672; Sharpe 0.01 / √5.6e-4 × √12 = √(12e-4 / 5.6e-4) = √(15/7).
    expect(volatility(r, 12)).toBeCloseTo(Math.sqrt(0.00672), 12);
    expect(sharpe(r, 12)).toBeCloseTo(Math.sqrt(15 / 7), 12);
    // Downside below 0: (1 + 4) e-4 / 6 = 8.333e-5; × 12 = 0.001, √ = 0.0316227766; Sortino √(12e-4 / 8.333e-5) = √14.4.
    expect(downsideDeviation(r, 12)).toBeCloseTo(Math.sqrt(0.001), 12);
    expect(sortino(r, 12)).toBeCloseTo(Math.sqrt(14.4), 12);
    // A 1%-a-month target: r − 0.01 = 1, −2, 2, −1, −3, 3 (%); below it −2, −1, −3 → (4 + 1 + 9) e-4 / 6, × 12 = 0.0028.
    expect(downsideDeviation(r, 12, 0.01)).toBeCloseTo(Math.sqrt(0.0028), 12);
    expect(sortino(r, 12, 0.01)).toBe(0);
    expect(sortino([0.01, 0.02], 12)).toBeNull();
  });

  it('monthly returns of a real run: a 10-lot holding whose month-end equities are worked out from the prices', () => {
    // 10 lots of EURUSD bought at 1.10000 (no spread): $10 a point. Month ends (last prices of each month):
    // Mar 1.10200 → 100,000 + 2,000 = 102,000; Apr 1.10000 → 100,000; May 1.10600 → 106,000; June 1.10300 → 103,000.
    const { summary } = run(`
name: monthly
start: "2024-03-01T00:05:00"
end: "2024-06-28T23:00:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T10:00:00", "1.10000", "1.10000"], ["2024-03-29T10:00:00", "1.10200", "1.10200"], ["2024-04-30T10:00:00", "1.10000", "1.10000"], ["2024-05-31T10:00:00", "1.10600", "1.10600"], ["2024-06-28T10:00:00", "1.10300", "1.10300"]] } }
program: { structure: signal, allocation: multiplier, masterDeposit: "100000", performanceFee: "0" }
investors: [{ id: h, model: mam, deposit: "100000", at: "2024-03-04T10:00:00", allocation: { multiplier: "1" } }]
flows: []
orders: [{ at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "10" }]
policies: { metrics: { ratioFrequency: monthly } }
`);
    const equities = [100_000, 102_000, 100_000, 106_000, 103_000];
    const r = equities.slice(1).map((e, i) => e / equities[i]! - 1);
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / (r.length - 1));
    const m = metricsOf(summary, 'h');
    expect(m.returns).toBe(4);
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(12), 9);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(12), 9);
    expect(m.timeWeightedReturn).toBeCloseTo(0.03, 10);
    expect(summary.metricConventions.periodsPerYear).toBe(12);
  });
});

describe('periods.csv: Modified Dietz against the time-weighted return', () => {
  it('a deposit in the middle of a month: the two differ as the formulas say', () => {
    // 10 lots bought at 1.10000 with 100,000 ($100 a pip... $10 a point); 20 March 09:00 at 1.10500 (+5,000: 105,000),
    // a further 50,000 deposited at 10:00 (multiplier 1: the copy stays 10 lots); March closes at 1.10200 (−3,000: 152,000).
    const { periods } = run(`
name: dietz
start: "2024-03-01T00:05:00"
end: "2024-03-31T23:00:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T10:00:00", "1.10000", "1.10000"], ["2024-03-20T09:00:00", "1.10500", "1.10500"], ["2024-03-29T10:00:00", "1.10200", "1.10200"]] } }
program: { structure: signal, allocation: multiplier, masterDeposit: "100000", performanceFee: "0" }
investors: [{ id: h, model: mam, deposit: "100000", at: "2024-03-04T10:00:00", allocation: { multiplier: "1" } }]
flows: [{ at: "2024-03-20T10:00:00", investor: h, type: deposit, amount: "50000" }]
orders: [{ at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "10" }]
`);
    const row = periods.find((r) => r.investor === 'h' && r.kind === 'month')!;
    // TWR: 105,000 / 100,000 × 152,000 / 155,000 − 1 = 2.9677…%.
    expect(Number(row.twr)).toBeCloseTo((105_000 / 100_000) * (152_000 / 155_000) - 1, 9);
    // Modified Dietz: joined 4 March 10:00 with 100,000 (weight 1), 50,000 on 20 March 10:00, the period's last
    // observation 31 March 23:00 (the end of the run): 2,000 gained over 100,000 + w × 50,000.
    const start = Date.UTC(2024, 2, 4, 10), end = Date.UTC(2024, 2, 31, 23), t = Date.UTC(2024, 2, 20, 10);
    const w = (end - t) / (end - start);
    expect(Number(row.modified_dietz)).toBeCloseTo(2_000 / (100_000 + w * 50_000), 9);
    expect(Number(row.modified_dietz)).not.toBeCloseTo(Number(row.twr), 3);
    // MWR: the r with 100,000 (1 + r) + 50,000 (1 + r)^w = 152,000.
    const r = Number(row.mwr);
    expect(100_000 * (1 + r) + 50_000 * Math.pow(1 + r, w)).toBeCloseTo(152_000, 4);
    expect([row.opening_equity, row.net_flows, row.closing_equity]).toEqual(['0.0000000', '150000.0000000', '152000.0000000']);
  });

  it('a detach ends the money in the period: 100,000 in, +5,000, a 1,000 fee, 104,000 out: 4% each way, closing 0', () => {
    const { periods, summary } = run(`
name: detach
start: "2024-03-01T00:05:00"
end: "2024-03-29T23:00:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T10:00:00", "1.10000", "1.10000"], ["2024-03-12T09:00:00", "1.10500", "1.10500"], ["2024-03-20T10:00:00", "1.10300", "1.10300"]] } }
program: { structure: signal, allocation: multiplier, masterDeposit: "100000", performanceFee: "0.2" }
investors: [{ id: h, model: mam, deposit: "100000", at: "2024-03-04T10:00:00", allocation: { multiplier: "1" } }]
flows: [{ at: "2024-03-12T10:00:00", investor: h, type: leave }]
orders: [{ at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "10" }]
policies: { onLeave: detach }
`);
    // 10 lots × 0.005 = +5,000; the exit crystallizes 20% = 1,000, a cost (net of fees): the 104,000 the account keeps outside
    // is what leaves, so net flows −4,000 and 104,000 / 100,000 − 1 = 4% by TWR, Modified Dietz (all at w = 1) and MWR alike.
    const row = periods.find((r) => r.investor === 'h' && r.kind === 'month')!;
    expect([row.net_flows, row.closing_equity, row.twr, row.modified_dietz, row.mwr]).toEqual(['-4000.0000000', '0.0000000', '0.04', '0.04', '0.04']);
    expect(metricsOf(summary, 'h').periodMoneyWeightedReturn).toBeCloseTo(0.04, 9);
  });
});

describe('PAMM members: units × NAV rounding is not a return', () => {
  it('odd deposits and withdrawals after a trade leave no loss, no drawdown and no Sortino', () => {
    const { summary } = run(`
name: pammnoise
start: "2024-03-01T00:05:00"
end: "2024-03-29T23:00:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T09:00:00", "1.10000", "1.10000"], ["2024-03-06T10:00:00", "1.10700", "1.10700"], ["2024-03-20T10:00:00", "1.10700", "1.10700"]] } }
program: { structure: signal, allocation: proportional, masterDeposit: "20000", performanceFee: "0", pamm: { id: pool } }
investors:
  - { id: p1, model: pamm, deposit: "585.60", at: "2024-03-04T09:00:00" }
  - { id: p2, model: pamm, deposit: "1000.03", at: "2024-03-04T09:00:00" }
flows:
  - { at: "2024-03-07T12:00:00", investor: p1, type: deposit, amount: "333.33" }
  - { at: "2024-03-11T12:00:00", investor: p1, type: withdraw, amount: "15.05" }
  - { at: "2024-03-13T12:00:00", investor: p2, type: withdraw, amount: "77.77" }
  - { at: "2024-03-14T12:00:00", investor: p1, type: deposit, amount: "12.34" }
orders:
  - { at: "2024-03-05T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1" }
  - { at: "2024-03-06T11:00:00", action: close, ticket: T1 }
policies: { pammFlows: instant }
`);
    // One winning trade and flows only (no fee: a fee crystallized on a withdrawal is a real cost, a negative return net of
    // fees): every return is ≥ 0, so nothing is below the target and there is no drawdown.
    for (const id of ['p1', 'p2']) {
      const m = metricsOf(summary, id);
      expect([m.maxDrawdown, m.downsideDeviation, m.sortino], id).toEqual([0, 0, null]);
    }
  });
});
