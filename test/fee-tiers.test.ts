// Fee terms vendors offer (issue 15, item 5): tiered performance fees, by invested amount or by
// profit band, and a partner fee share to the referring IB. Worked by hand in each case.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { type FeeTerms, NEW_FEE_STATE, afterDeposit, crystallizePeriod } from '../engine/performance-fee.js';
import { DEFAULT_QUANTUM } from '../engine/quantum.js';
import { Money } from '../engine/values.js';
import { readCsv } from '../reports/golden-canon.js';
import { writeRunFiles } from '../sim/run-output.js';
import { parseScenario } from '../sim/scenario.js';
import { checkedRun } from './helpers.js';

const terms = (tiers: FeeTerms['tiers']): FeeTerms => ({ rate: new Dec('0.3'), hwmBasis: 'equity', hwmReset: 'after-fee', partialWithdrawal: 'pro-rata', hurdle: 'none', hurdleRate: new Dec(0), tiers });
const fee = (t: FeeTerms, invested: string, equity: string) => crystallizePeriod(afterDeposit(NEW_FEE_STATE, Money.of(invested)), t, Money.of(equity), new Dec(0), DEFAULT_QUANTUM).fee.toString();

describe('tiered performance fees', () => {
  it('by profit band: the first 10,000 of gain at 30%, the rest at 20% (tax brackets)', () => {
    const bands = terms({ basis: 'profit', tiers: [{ from: new Dec(0), rate: new Dec('0.3') }, { from: new Dec(10_000), rate: new Dec('0.2') }] });
    // 15,000 of gain: 10,000 × 0.3 + 5,000 × 0.2 = 4,000; exactly 10,000: 3,000 (the second band starts after it).
    expect(fee(bands, '100000', '115000')).toBe('4000');
    expect(fee(bands, '100000', '110000')).toBe('3000');
    // Across the boundary by a quantum: 3,000 + 0.0000001 × 0.2 = 3,000.00000002 → 3,000; 10,000.0001: 3,000 + 0.00002.
    expect(fee(bands, '100000', '110000.0000001')).toBe('3000');
    expect(fee(bands, '100000', '110000.0001')).toBe('3000.00002');
    // Below it: 9,999.9999 × 0.3 = 2,999.99997.
    expect(fee(bands, '100000', '109999.9999')).toBe('2999.99997');
  });

  it('by invested amount: 30% under 50,000, 25% from 50,000, 20% from 100,000 (a tier applies from its amount on)', () => {
    const byInvested = terms({ basis: 'invested', tiers: [{ from: new Dec(0), rate: new Dec('0.3') }, { from: new Dec(50_000), rate: new Dec('0.25') }, { from: new Dec(100_000), rate: new Dec('0.2') }] });
    // A 10% gain at each size: 49,999.99 → 30% of 4,999.999 = 1,499.9997; 50,000 → 25% of 5,000 = 1,250; 100,000 → 20% of 10,000 = 2,000.
    expect(fee(byInvested, '49999.99', '54999.989')).toBe('1499.9997');
    expect(fee(byInvested, '50000', '55000')).toBe('1250');
    expect(fee(byInvested, '100000', '110000')).toBe('2000');
  });
});

const YAML = (programExtra: string, partner: string) => `
name: tiers
start: "2024-03-01T00:05:00"
end: "2024-04-02T00:05:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T10:00:00", "1.10000", "1.10000"], ["2024-03-20T10:00:00", "1.25000", "1.25000"]] } }
program: { structure: signal, allocation: multiplier, masterDeposit: "100000"${programExtra} }
investors: [{ id: h, model: mam, deposit: "100000", at: "2024-03-04T10:00:00", allocation: { multiplier: "1" }, referredBy: north }]
orders: [{ at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1" }, { at: "2024-03-20T10:00:00", action: close, ticket: T1 }]
rebates: { plan: { default: { perLot: "0" } }, partners: [{ id: north${partner} }] }
`;

describe('tiers and the partner fee share in a run', () => {
  it('1 lot from 1.10000 to 1.25000 gains 15,000 on 100,000: banded fee 4,000, of which the referring IB gets 25% (1,000)', () => {
    const yaml = YAML(', performanceFeeTiers: { basis: profit, tiers: [{ from: "0", rate: "0.3" }, { from: "10000", rate: "0.2" }] }', ', feeShare: "0.25"');
    const run = checkedRun(parseScenario(yaml, 'tiers.yaml'));
    expect(run.broken).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'mamlab-tiers-'));
    const summary = writeRunFiles(parseScenario(yaml, 'tiers.yaml'), dir);
    const h = summary.investors.find((i) => i.id === 'h')!;
    expect(h.performanceFees).toBe('4000.0000000');
    // The manager keeps 4,000 − 1,000 = 3,000; the IB's account holds the 1,000.
    expect([summary.manager.feeAccount, summary.manager.feeSharesPaid]).toEqual(['3000.0000000', { 'ib:north': '1000.0000000' }]);
    expect(summary.accounts.find((a) => a.id === 'ib:north')!.balance).toBe('1000.0000000');
    const { header, rows } = readCsv(readFileSync(join(dir, 'fee-account.csv'), 'utf8'));
    expect(rows.map((r) => [r[header.indexOf('reason')], r[header.indexOf('amount')], r[header.indexOf('balance')]])).toEqual([['performance-fee', '4000.0000000', '4000.0000000'], ['fee-share', '-1000.0000000', '3000.0000000']]);
  });

  it('a share that does not divide evenly is rounded half-up and the two parts still sum to the fee', () => {
    // Flat 20% of 15,000 = 3,000; 0.12345678912 of it is 370.37036736 → 370.3703674 (half-up); the manager keeps 2,629.6296326.
    const summary = writeRunFiles(parseScenario(YAML(', performanceFee: "0.2"', ', feeShare: "0.12345678912"'), 't.yaml'), mkdtempSync(join(tmpdir(), 'mamlab-tiers-')));
    expect([summary.manager.feeAccount, summary.manager.feeSharesPaid['ib:north']]).toEqual(['2629.6296326', '370.3703674']);
    expect(new Dec(summary.manager.feeAccount).plus(summary.manager.feeSharesPaid['ib:north']!).toString()).toBe('3000');
  });

  it("tier amounts are in the program's currency: a JPY investor's ¥3,000,000 (20,000 USD) is in the 30% tier, not the 10% one", () => {
    // Tiers 30% from 0, 10% from 100,000 (USD). 3,000,000 JPY at USDJPY 150 is 20,000 USD: 30% of a ¥300,000 gain = ¥90,000.
    const yaml = `
name: jpy-tiers
start: "2024-03-01T00:05:00"
end: "2024-04-02T00:05:00"
instruments: [USDJPY]
prices: { USDJPY: { ticks: [["2024-03-04T10:00:00", "150.000", "150.000"], ["2024-03-20T10:00:00", "165.000", "165.000"]] } }
program: { structure: signal, allocation: multiplier, masterDeposit: "100000", performanceFeeTiers: { basis: invested, tiers: [{ from: "0", rate: "0.3" }, { from: "100000", rate: "0.1" }] } }
investors: [{ id: j, model: mam, deposit: "3000000", currency: JPY, at: "2024-03-04T10:00:00", allocation: { multiplier: "0.2" } }]
orders: [{ at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: USDJPY, side: buy, volume: "1" }, { at: "2024-03-20T10:00:00", action: close, ticket: T1 }]
`;
    const summary = writeRunFiles(parseScenario(yaml, 'j.yaml'), mkdtempSync(join(tmpdir(), 'mamlab-tiers-')));
    // 0.2 lot × 100,000 × 15 = ¥300,000 gained; 30% = ¥90,000.
    expect(summary.investors.find((i) => i.id === 'j')!.performanceFees).toBe('90000.0000000');
  });

  it('tiers and a flat rate together, or a flat term change of a tiered fee, are refused', () => {
    expect(() => parseScenario(YAML(', performanceFee: "0.2", performanceFeeTiers: { basis: profit, tiers: [{ from: "0", rate: "0.3" }] }', ''), 't.yaml')).toThrow(/give either tiers or a flat performanceFee, not both/);
    expect(() => parseScenario(YAML(', performanceFeeTiers: { basis: profit, tiers: [{ from: "100", rate: "0.3" }] }', ''), 't.yaml')).toThrow(/\/program\/performanceFeeTiers\/tiers\/0\/from: the first tier starts at 0/);
    expect(() => parseScenario(YAML(', performanceFeeTiers: { basis: invested, tiers: [{ from: "0", rate: "0.3" }, { from: "0", rate: "0.2" }] }', ''), 't.yaml')).toThrow(/tiers ascend/);
  });
});
