// The bundled cost and rebate scenarios: seed 004's worked example in summary.json, and every
// variant of both rebate comparisons keeping the books and reconciling its rebate statements.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { compareToDirectory } from '../sim/compare.js';
import { runToDirectory } from '../sim/run-output.js';
import { loadVariants } from '../sim/scenario.js';
import { checkedRun, reconcileRebates, scenarioPath } from './helpers.js';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'mamlab-')), 'out');

describe('seed 004: a partner returns 20% of its $15 a lot to its 20 clients', () => {
  it('100 lots: the partner earns $1,500, keeps $1,200, the clients get $300 (summary.json)', () => {
    const out = tmp();
    runToDirectory(scenarioPath('seed004-cashback.json'), out);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    // 20 clients × 5 lots × $15 = 1,500; 20% of it = 300; 1,500 − 300 = 1,200.
    expect(s.rebates.receivers).toEqual([{ account: 'ib:partner', rebates: '1500.0000000', cashbackPaid: '300.0000000', net: '1200.0000000' }]);
    expect(s.rebates.cashbackToClients).toBe('300.0000000');
    const clientVolume = s.accounts.filter((a: { kind: string }) => a.kind === 'client').reduce((x: number, a: { closedVolume: string }) => x + Number(a.closedVolume), 0);
    expect(clientVolume).toBe(100);
    // Each client gets 20% of 5 × 15 = 15.
    expect(s.accounts.filter((a: { kind: string }) => a.kind === 'client').map((a: { cashback: string }) => a.cashback)).toEqual(Array(20).fill('15.0000000'));
  });

  it('compare: without cashback the partner keeps $1,500; at 150 lots it keeps $1,800 and the clients get $450', async () => {
    const c = await compareToDirectory(scenarioPath('seed004-cashback.json'), tmp());
    const net = (variant: string, party: string) => c.earnings.find((e) => e.variant === variant && e.party === party)?.net;
    expect([net('cashback-20pct', 'ib:partner'), net('cashback-20pct', 'clients')]).toEqual(['1200.0000000', '300.0000000']);
    expect([net('no-cashback', 'ib:partner'), net('no-cashback', 'clients')]).toEqual(['1500.0000000', '0.0000000']);
    // 150 × 15 = 2,250; 20% = 450; 2,250 − 450 = 1,800.
    expect([net('turnover-150-lots', 'ib:partner'), net('turnover-150-lots', 'clients')]).toEqual(['1800.0000000', '450.0000000']);
  });
});

describe('every variant of the rebate comparisons keeps the books and reconciles its rebates', () => {
  const variants = ['seed004-cashback.json', 'rebate-plans.json'].flatMap((f) => loadVariants(scenarioPath(f)).variants);
  it('covers all 10 variants', () => expect(variants.length).toBe(10));
  for (const v of variants) {
    it(v.name, () => {
      const r = checkedRun(v.scenario);
      expect(r.broken).toEqual([]);
      expect(r.sink.events.filter((e) => e.kind.endsWith('-rejected'))).toEqual([]);
      reconcileRebates(r);
      // Every commission line is a journal entry to the house, and the lines sum to the entries.
      const lines = r.sink.costs.filter((x) => x.kind === 'commission').reduce((s, x) => s.minus(x.amount.value), new Dec(0));
      const entries = r.entries.filter((e) => e.reason === 'commission').reduce((s, e) => s.plus(e.amount.value), new Dec(0));
      expect(lines.toString()).toBe(entries.toString());
    });
  }
});

describe('rebate plans on one book: the IB network from the clients\' lots', () => {
  // Lots the clients close in March (scenario file): c1 4 × 2 EURUSD + 2 × 0.5 XAUUSD = 9; c2 4 × 1.5 + 2 × 0.5 = 7
  // (both sub-ib's: 16); c3 4 × 3 + 2 × 0.5 = 13 (ib-north's); c4 4 × 1 + 2 × 0.5 = 5 (ib-south's); c5 4 × 2.5 + 2 × 0.5 = 11 (the manager's).
  it('pays each level what its plan says, from the $6 a lot pool', async () => {
    const c = await compareToDirectory(scenarioPath('rebate-plans.json'), tmp());
    const net = (variant: string, party: string) => c.earnings.find((e) => e.variant === variant && e.party === party)?.net ?? '0';
    // Direct IB only: 16 × 6 = 96; 5 × 6 = 30; master-ib none.
    expect([net('seed000-6-per-lot', 'ib:sub-ib'), net('seed000-6-per-lot', 'ib:ib-south'), net('seed000-6-per-lot', 'ib:master-ib')]).toEqual(['96.0000000', '30.0000000', '0']);
    // Additive 4 / 1.5 / 1: sub-ib 16 × 4 = 64; ib-south 5 × 4 = 20; master-ib: 16 × 0.5 (capped: 6 − 4 − 1.5) + 13 × 1.5 + 5 × 1.5 = 35.
    expect([net('additive-4-1.5-1', 'ib:sub-ib'), net('additive-4-1.5-1', 'ib:ib-south'), net('additive-4-1.5-1', 'ib:master-ib')]).toEqual(['64.0000000', '20.0000000', '35.0000000']);
    // Split 60 / 25 / 15: sub-ib 96 × 0.6 = 57.6; ib-south 30 × 0.6 = 18; master-ib 96 × 0.15 + (13 + 5) × 6 × 0.25 = 14.4 + 27 = 41.4.
    expect([net('split-60-25-15', 'ib:sub-ib'), net('split-60-25-15', 'ib:ib-south'), net('split-60-25-15', 'ib:master-ib')]).toEqual(['57.6000000', '18.0000000', '41.4000000']);
    // ib-north's 25% cashback goes to its own client c3 only: 25% of 13 × 6 = 19.5.
    expect(net('north-cashback-25', 'clients')).toBe('19.5000000');
  });
});
