// Statements that answer a dispute and fees owed but not yet charged (issue 15, items 6–7).
// Every expected figure is worked out here from the scenario.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRunFiles } from '../sim/run-output.js';
import { loadScenario, parseScenario } from '../sim/scenario.js';
import { csvRecords, scenarioPath } from './helpers.js';


/** A MAM investor h with 100,000 holding 1 lot of EURUSD (multiplier 1) from 1.10000; `extra` YAML appended. */
const holding = (prices: string, extra: string, programExtra = '') => `
name: holding
start: "2024-03-01T00:05:00"
end: "2024-03-29T23:00:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T10:00:00", "1.10000", "1.10000"]${prices}] } }
program: { structure: signal, allocation: multiplier, masterDeposit: "100000", performanceFee: "0.2"${programExtra} }
investors: [{ id: h, model: mam, deposit: "100000", at: "2024-03-04T10:00:00", allocation: { multiplier: "1" } }]
orders: [{ at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1" }]
${extra}`;

const runIn = (yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'mamlab-stmt-'));
  const summary = writeRunFiles(parseScenario(yaml, 'h.yaml'), dir);
  const read = (f: string) => csvRecords(readFileSync(join(dir, f), 'utf8'));
  return { summary, statements: read('statements.csv'), events: read('events.csv') };
};

describe('statements show the mark assessed and the mark after', () => {
  it("seed 001's month: assessed against 4,500, a 9,000 gain, a fee of 1,800; the mark after is the post-fee equity 11,700", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-stmt-'));
    writeRunFiles(loadScenario(scenarioPath('seed001-profit-distribution.json')), dir);
    const row = csvRecords(readFileSync(join(dir, 'statements.csv'), 'utf8')).find((r) => r.investor === 'investor-1')!;
    expect([row.high_water_mark, row.gain, row.performance_fees, row.closing_equity, row.mark_after, row.mark_basis])
      .toEqual(['4500.0000000', '9000.0000000', '1800.0000000', '11700.0000000', '11700.0000000', 'equity']);
  });

  it('a pro-rata withdrawal states the mark it leaves: 10,000 of 100,000 → 90,000 after a 1,000 gain...', () => {
    // 1 lot from 1.10000 to 1.11000: equity 101,000 over the mark 100,000. Withdrawing 10,100 is f = 0.1:
    // fee 0.2 × 1,000 × 0.1 = 20 out of the amount (10,080 paid), the mark scaled to 100,000 × 0.9 = 90,000.
    const { events } = runIn(holding(', ["2024-03-06T10:00:00", "1.11000", "1.11000"]', 'flows: [{ at: "2024-03-07T10:00:00", investor: h, type: withdraw, amount: "10100" }]'));
    const w = events.find((e) => e.kind === 'withdrawal')!;
    expect([w.amount, w.reason]).toEqual(['10080.0000000', 'partial withdrawal (pro-rata): 10100 less fees 20; high-water mark after it 90000']);
  });
});

describe('accrued, not yet charged', () => {
  it('a quarterly program after most of a month: the management fee accrued and the performance fee it would owe now', () => {
    // 2% a year act/365 on equity 100,000 for the rollovers of 5–29 March (25 calendar days, the price unchanged until
    // 29 March 22:00): 100,000 × 0.02 × 25 / 365 = 136.9863014. Then 1.11000: equity 101,000; the performance fee if
    // the quarter ended now: 20% of (101,000 − 136.9863014 − 100,000) = 172.6027397.
    const { summary } = runIn(holding(', ["2024-03-29T22:00:00", "1.11000", "1.11000"]', 'policies: { performanceFee: { period: quarterly }, managementFee: { period: quarterly } }', ', managementFee: { rate: "0.02" }'));
    const h = summary.investors.find((i) => i.id === 'h')!;
    expect(h.accruedFees).toEqual({ managementFee: '136.9863014', performanceFeeIfPeriodEndedNow: '172.6027397' });
  });
});

describe('fee settings refused or pointed to where they belong', () => {
  const base = holding('', '');
  it('a hard or soft hurdle without its rate is refused', () => {
    expect(() => parseScenario(`${base}policies: { performanceFee: { hurdle: hard } }`, 'h.yaml')).toThrow(/\/policies\/performanceFee\/hurdle: a hard hurdle needs its rate: give policies.performanceFee.hurdleRate/);
    expect(() => parseScenario(`${base}policies: { performanceFee: { hurdle: soft, hurdleRate: "0.05" } }`, 'h.yaml')).not.toThrow();
  });
  it('dayCount under program, fee policies as program.performanceFee: a hint names where they go', () => {
    expect(() => parseScenario(base.replace('performanceFee: "0.2"', 'performanceFee: "0.2", dayCount: act/365'), 'h.yaml')).toThrow(/\/program\/dayCount: unknown field "dayCount".*\(it belongs in policies.managementFee.dayCount\)/);
    expect(() => parseScenario(base.replace('performanceFee: "0.2"', 'performanceFee: { period: quarterly }'), 'h.yaml')).toThrow(/program.performanceFee is the rate \(0.2 = 20%\): the fee's conventions \(period, hwmBasis, hurdle, …\) go in policies.performanceFee/);
    expect(() => parseScenario(`${base}policies: { hurdleRate: "0.05" }`, 'h.yaml')).toThrow(/\/policies\/hurdleRate: unknown field.*\(it belongs in policies.performanceFee.hurdleRate\)/);
  });
});
