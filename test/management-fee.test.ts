import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import { runScenario } from '../sim/runner.js';
import { parseScenario } from '../sim/scenario.js';
import { scenarioPath } from './helpers.js';

const base = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8'));

/** March 2024 for one MAM investor of 100,000 (and optionally a trade), with fees configured by `edit`. */
function run(edit: (s: any) => void) {
  const s = structuredClone(base);
  s.program = { structure: 'block', allocation: 'equity', performanceFee: '0.2', managementFee: { rate: '0.02' } };
  s.investors = [{ id: 'a', model: 'mam', deposit: '100000' }];
  s.orders = [];
  edit(s);
  const sink = new MemorySink();
  const tally = new ConservationTally(sink);
  const p = runScenario(parseScenario(JSON.stringify(s), 'mf.json'), tally);
  expect(checkInvariants(p, tally)).toEqual([]);
  const fees = (kind: string) => sink.events.filter((e) => e.kind === kind).map((e) => e.amount!.toString());
  return { p, sink, fees };
}

describe('management fee: accrued daily, charged at the period end, before the performance fee', () => {
  it('act/365: 2% a year on 100,000 over March 2024 = 31/365 × 2,000 = 169.8630137', () => {
    expect(run(() => {}).fees('management-fee')).toEqual(['169.8630137']);
  });

  it('1/12-per-month: a twelfth of 2,000 = 166.6666667', () => {
    expect(run((s) => { s.policies = { managementFee: { dayCount: '1/12-per-month' } }; }).fees('management-fee')).toEqual(['166.6666667']);
  });

  it('1/260-per-trading-day: March 2024 has 21 weekdays: 21/260 × 2,000 = 161.5384615', () => {
    expect(run((s) => { s.policies = { managementFee: { dayCount: '1/260-per-trading-day' } }; }).fees('management-fee')).toEqual(['161.5384615']);
  });

  it('quarterly: nothing is charged at the end of March; the accrual waits for the quarter', () => {
    const r = run((s) => { s.end = '2024-03-31T12:00:00'; s.policies = { managementFee: { period: 'quarterly' } }; });
    expect(r.fees('management-fee')).toEqual([]);
  });

  it('comes before the performance fee of the same period', () => {
    // 10 lots bought at 1.10000 and sold at 1.11000 on the 20th: +10,000 → equity 110,000 at the month end.
    const r = run((s) => {
      s.prices.EURUSD.ticks = [['2024-03-04T09:00:00', '1.10000', '1.10000'], ['2024-03-20T15:00:00', '1.11000', '1.11000']];
      s.orders = [{ at: '2024-03-04T10:00:00', action: 'open', ticket: 'M1', symbol: 'EURUSD', side: 'buy', volume: '10' }, { at: '2024-03-20T15:00:00', action: 'close', ticket: 'M1' }];
    });
    // Equity is 100,000 at the accruals for March 1–19 (19 days) and 110,000 from the one for March 20 on (12 days):
    // (19 × 100,000 + 12 × 110,000) × 0.02 / 365 = 3,220,000 × 0.02 / 365 = 176.4383562
    // Performance: 20% of (110,000 − 176.4383562 − 100,000) = 1,964.7123288
    expect([r.fees('management-fee'), r.fees('performance-fee')]).toEqual([['176.4383562'], ['1964.7123288']]);
  });

  it('is charged on exit with the accrued days, then the performance fee', () => {
    // a leaves on Tuesday 5 March at 10:00: accruals for 1–4 March (4 days): 4/365 × 2,000 = 21.9178082
    const r = run((s) => { s.flows = [{ at: '2024-03-05T10:00:00', investor: 'a', type: 'leave' }]; });
    expect([r.fees('management-fee'), r.fees('performance-fee')]).toEqual([['21.9178082'], []]);
  });
});

describe('entry fee', () => {
  it('takes a fraction of each deposit; the mark rises by what stays invested', () => {
    // 1% of 100,000 = 1,000: a holds 99,000 with a mark of 99,000; in a PAMM pool the units are bought with 4,950 of 5,000.
    const r = run((s) => {
      s.program.entryFee = '0.01';
      s.program.managementFee = undefined;
      s.program.pamm = {};
      s.investors.push({ id: 'p', model: 'pamm', deposit: '5000' });
    });
    expect(r.fees('entry-fee')).toEqual(['1000', '50']);
    const inv = Object.fromEntries(r.p.investorSnapshots().map((i) => [i.id, [i.equity.toString(), i.mark.toString(), i.units?.toString()]]));
    expect(inv).toEqual({ a: ['99000', '99000', undefined], p: ['4950', '4950', '4950'] });
  });
});

describe('subscription, volume fee and term changes', () => {
  const trade = (s: any) => {
    s.prices.EURUSD.ticks = [['2024-03-04T09:00:00', '1.10000', '1.10000'], ['2024-03-20T15:00:00', '1.11000', '1.11000']];
    s.orders = [{ at: '2024-03-04T10:00:00', action: 'open', ticket: 'M1', symbol: 'EURUSD', side: 'buy', volume: '10' }, { at: '2024-03-20T15:00:00', action: 'close', ticket: 'M1' }];
  };

  it('a subscription of 50 is charged once at the March period end', () => {
    const r = run((s) => { s.program.managementFee = undefined; s.program.subscriptionFee = '50'; });
    expect(r.fees('subscription-fee')).toEqual(['50']);
  });

  it("a volume fee is charged on each side of the investor's own fills", () => {
    // 10 lots: 2 a lot per side → 20 + 20; plus 30 a million of notional: 10 × 100,000 × 1.10000 = 1.1M → 33, and 1.11M → 33.3
    const r = run((s) => { s.program.managementFee = undefined; s.program.volumeFee = { perLot: '2', perMillion: '30' }; trade(s); });
    expect(r.fees('volume-fee')).toEqual(['53', '53.3']);
  });

  it('a rate change applies to new members only by default, or to every member', () => {
    // a (100,000) from the start; b (100,000) joins on the 18th, after the change from 20% to 30% on the 15th.
    // +10,000 on a's 10 lots (b copies nothing: the trade opened before it joined, split family).
    const edit = (policy: string) => (s: any) => {
      s.program.managementFee = undefined;
      s.program.termChanges = [{ at: '2024-03-15T00:00:00', performanceFee: '0.3' }];
      s.policies = { termChanges: policy };
      s.investors.push({ id: 'b', model: 'mam', deposit: '100000', at: '2024-03-18T10:00:00' });
      trade(s);
    };
    // new-members-only: a still pays 20% of 10,000 = 2,000
    expect(run(edit('new-members-only')).fees('performance-fee')).toEqual(['2000']);
    // all-members: a pays 30% = 3,000
    expect(run(edit('all-members')).fees('performance-fee')).toEqual(['3000']);
  });
});

describe('review fixes: withdrawals, hurdles, term-change timing', () => {
  it('withdrawing the whole equity is an exit: the management fee is charged then, nothing is owed later', () => {
    // a (100,000, no trades) withdraws everything on Tuesday 5 March: 4 days accrued = 4/365 × 2,000 = 21.9178082,
    // taken at the exit; the payout is 99,978.0821918 and the account ends at zero.
    const r = run((s) => { s.flows = [{ at: '2024-03-05T10:00:00', investor: 'a', type: 'withdraw', amount: '100000' }]; });
    expect(r.fees('management-fee')).toEqual(['21.9178082']);
    expect(r.sink.events.filter((e) => e.kind === 'leave').map((e) => e.investor)).toEqual(['a']);
    expect(r.p.journal.balance('mam:a').toString()).toBe('0');
  });

  it('a withdrawal whose closing costs leave too little is capped at what is there, with an event', () => {
    // 10 lots open, volume fee 1 a lot per side; a withdraws equity − 5: closing 9.9999 lots costs about 10 more.
    const r = run((s) => {
      s.program.managementFee = undefined;
      s.program.volumeFee = { perLot: '1' };
      s.prices.EURUSD.ticks = [['2024-03-04T09:00:00', '1.10000', '1.10000']];
      s.orders = [{ at: '2024-03-04T10:00:00', action: 'open', ticket: 'M1', symbol: 'EURUSD', side: 'buy', volume: '10' }];
      s.flows = [{ at: '2024-03-05T10:00:00', investor: 'a', type: 'withdraw', amount: '99985' }];
    });
    // equity after the open fee: 100,000 − 10 = 99,990; withdrawing 99,985 closes 99,985/99,990 of 10 lots = 9.9994999 lots
    expect(r.sink.events.filter((e) => e.kind === 'withdrawal-capped').length).toBe(1);
    expect(r.p.journal.balance('mam:a').isNegative()).toBe(false);
  });

  it('a term change at a period boundary applies after the period it ends', () => {
    // 20% → 50% for all members at 2024-04-01T00:05, the March period end: March's +10,000 still pays 2,000.
    const r = run((s) => {
      s.program.managementFee = undefined;
      s.program.termChanges = [{ at: '2024-04-01T00:05:00', performanceFee: '0.5' }];
      s.policies = { termChanges: 'all-members' };
      s.prices.EURUSD.ticks = [['2024-03-04T09:00:00', '1.10000', '1.10000'], ['2024-03-20T15:00:00', '1.11000', '1.11000']];
      s.orders = [{ at: '2024-03-04T10:00:00', action: 'open', ticket: 'M1', symbol: 'EURUSD', side: 'buy', volume: '10' }, { at: '2024-03-20T15:00:00', action: 'close', ticket: 'M1' }];
    });
    expect(r.fees('performance-fee')).toEqual(['2000']);
  });
});
