// Rebates, IB tiers, shared programs and cashback (DOMAIN §8), each against a hand-computed
// value, with every invariant checked after every event and the statements reconciled to the journal.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../sim/scenario.js';
import { STOCK, close, open, trade, weekScenario } from './cost-fixtures.js';
import { checkedRun, reconcileRebates } from './helpers.js';
import { formatServerTime } from '../engine/time.js';
import { Dec } from '../engine/decimal.js';

/** The base scenario over March with a $6 a lot rebate plan. */
const scenario = (edit: (s: any) => void): any => weekScenario({ name: 'rebates', end: '2024-03-29T12:00:00', rebates: { plan: { default: { perLot: '6' } } } }, edit);

function run(edit: (s: any) => void) {
  const r = checkedRun(parseScenario(JSON.stringify(scenario(edit)), 'rebates.json'));
  expect(r.broken).toEqual([]);
  reconcileRebates(r);
  const paid = (reason: string) => r.entries.filter((e) => e.reason === reason).map((e) => [formatServerTime(e.time).slice(0, 16), e.from, e.to, e.amount.toString()]);
  const to = (account: string) => r.entries.filter((e) => (e.reason === 'rebate' || e.reason === 'cashback') && (e.to === account || e.from === account))
    .reduce((s, e) => (e.to === account ? s.plus(e.amount.value) : s.minus(e.amount.value)), new Dec(0)).toNumber();
  return { ...r, paid, to };
}

describe('rebate timing', () => {
  it('half-open-half-close: 2 lots at $6 opened Monday and closed Tuesday pay 6 at the end of each day to the manager', () => {
    const r = run((s) => { s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '2'), close('M1', '2024-03-05T10:00:00')]; });
    expect(r.paid('rebate')).toEqual([['2024-03-05T00:00', 'house', 'fees', '6'], ['2024-03-06T00:00', 'house', 'fees', '6']]);
  });

  it('on-close: all 12 at the end of the closing day', () => {
    const r = run((s) => {
      s.policies = { rebateTiming: 'on-close' };
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '2'), close('M1', '2024-03-05T10:00:00')];
    });
    expect(r.paid('rebate')).toEqual([['2024-03-06T00:00', 'house', 'fees', '12']]);
  });

  it('what accrues after the last rollover is credited at the end of the run', () => {
    const r = run((s) => { s.end = '2024-03-04T12:00:00'; s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '2')]; });
    expect(r.paid('rebate')).toEqual([['2024-03-04T12:00', 'house', 'fees', '6']]);
  });
});

describe('rebate types', () => {
  it('pips: 0.5 pips of USDJPY on 1 lot = 0.5 × 0.01 × 100,000 = 500 JPY a round trip; half at the open ÷ 125 = 2 USD', () => {
    const r = run((s) => {
      s.instruments = ['EURUSD', 'USDJPY'];
      s.prices.USDJPY = { ticks: [['2024-03-04T09:00:00', '125.000', '125.000']] };
      s.rebates.plan = { default: { pips: '0.5' } };
      s.orders = [open('J1', '2024-03-04T10:00:00', 'buy', '1', 'USDJPY')];
    });
    expect(r.paid('rebate')).toEqual([['2024-03-05T00:00', 'house', 'fees', '2']]);
  });

  it('notional-pct (seed 000 preset, 0.05% on stocks): half of 10 × 150.25 × 0.05% = 0.375625 at the open, half of 10 × 155.10 × 0.05% = 0.38775 at the close', () => {
    const r = run((s) => {
      s.instruments = ['EURUSD', STOCK];
      s.prices.AAPL = { ticks: [['2024-03-04T09:00:00', '150.20', '150.25'], ['2024-03-07T10:00:00', '155.10', '155.15']] };
      s.rebates.plan = 'seed000';
      s.orders = [open('S1', '2024-03-04T10:00:00', 'buy', '10', 'AAPL'), close('S1', '2024-03-07T10:00:00')];
    });
    expect(r.paid('rebate').map((x) => x[3])).toEqual(['0.375625', '0.38775']);
  });
});

describe('receivers', () => {
  it('shared managed program: b, brought by ib1 at a 50% share, holds 0.25 of a 1-lot block; ib1 earns 0.75 of $6, the manager 5.25', () => {
    const r = run((s) => {
      s.policies = { rebateTiming: 'on-close' };
      s.rebates.partners = [{ id: 'ib1', programShare: '0.5' }];
      s.investors = [{ id: 'a', model: 'mam', deposit: '75000' }, { id: 'b', model: 'mam', deposit: '25000', referredBy: 'ib1' }];
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '1'), close('M1', '2024-03-05T10:00:00')];
    });
    // a: 0.75 × 6 = 4.5 to the manager; b: 0.25 × 6 = 1.5, half to ib1 (0.75), half to the manager (0.75).
    expect([r.to('fees'), r.to('ib:ib1')]).toEqual([5.25, 0.75]);
  });

  it('an IB that brought an investor without an agreed share gets all of the rebate on its volume (seed 000)', () => {
    const r = run((s) => {
      s.policies = { rebateTiming: 'on-close' };
      s.rebates.partners = [{ id: 'ib1' }];
      s.investors = [{ id: 'a', model: 'mam', deposit: '75000' }, { id: 'b', model: 'mam', deposit: '25000', referredBy: 'ib1' }];
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '1'), close('M1', '2024-03-05T10:00:00')];
    });
    // a: 0.75 × 6 = 4.5 to the manager; b: 0.25 × 6 = 1.5 to ib1.
    expect([r.to('fees'), r.to('ib:ib1')]).toEqual([4.5, 1.5]);
  });

  it("a PAMM pool's rebate is its members' by units: 1 lot, members 3,000 and 1,000 (the second from ib1 at 50%): ib1 gets 0.75", () => {
    const r = run((s) => {
      s.policies = { rebateTiming: 'on-close' };
      s.program.pamm = { id: 'pool', initialNav: '1' };
      s.rebates.partners = [{ id: 'ib1', programShare: '0.5' }];
      s.investors = [{ id: 'm1', model: 'pamm', deposit: '3000' }, { id: 'm2', model: 'pamm', deposit: '1000', referredBy: 'ib1' }];
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '1'), close('M1', '2024-03-05T10:00:00')];
    });
    // 6 split 3:1 by units = 4.5 / 1.5; m2's 1.5 half to ib1.
    expect([r.to('fees'), r.to('ib:ib1')]).toEqual([5.25, 0.75]);
  });

  it("a pool fill is divided among referrers by their members' units together: one line per referrer and receiver, however many members", () => {
    const r = run((s) => {
      s.policies = { rebateTiming: 'on-close' };
      s.program.pamm = { id: 'pool', initialNav: '1' };
      s.rebates.partners = [{ id: 'ib1', programShare: '0.5' }, { id: 'ib2' }];
      s.investors = [
        { id: 'm1', model: 'pamm', deposit: '2000' },
        { id: 'm2', model: 'pamm', deposit: '1000', referredBy: 'ib1' },
        { id: 'm3', model: 'pamm', deposit: '3000', referredBy: 'ib1' },
        { id: 'm4', model: 'pamm', deposit: '1500', referredBy: 'manager' },
        { id: 'm5', model: 'pamm', deposit: '500', referredBy: 'ib2' },
      ];
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '1'), close('M1', '2024-03-05T10:00:00')];
    });
    // 6 by units 8,000: the manager's members (m1, m4) 3,500 → 2.625; ib1's (m2, m3) 4,000 → 3, half
    // to ib1 (1.5) and half to the manager; ib2's (m5) 500 → 0.375, all to ib2 (no programShare).
    expect([r.to('fees'), r.to('ib:ib1'), r.to('ib:ib2')]).toEqual([4.125, 1.5, 0.375]);
    expect(r.sink.rebates.map((l) => [l.source, l.receiver, l.amount.toString()])).toEqual([
      ['members:manager', 'manager', '2.625'], ['members:ib1', 'ib1', '1.5'], ['members:ib1', 'manager', '1.5'], ['members:ib2', 'ib2', '0.375'],
    ]);
  });

  it('self-trading clients: the manager earns on its own referred client, an IB on its', () => {
    const r = run((s) => {
      s.policies = { rebateTiming: 'on-close' };
      s.rebates.partners = [{ id: 'ib1' }];
      s.clients = [
        { id: 'c1', deposit: '10000', referredBy: 'manager', trades: [trade('C1', '1', '2024-03-04T10:00:00', '2024-03-05T10:00:00')] },
        { id: 'c2', deposit: '10000', referredBy: 'ib1', trades: [trade('C2', '2', '2024-03-04T10:00:00', '2024-03-05T10:00:00')] },
        { id: 'c3', deposit: '10000', trades: [trade('C3', '2', '2024-03-04T10:00:00', '2024-03-05T10:00:00')] },
      ];
    });
    expect([r.to('fees'), r.to('ib:ib1')]).toEqual([6, 12]);
  });
});

describe('multi-tier IB', () => {
  const tiers = (s: any, t: any) => {
    s.policies = { rebateTiming: 'on-close' };
    s.rebates.tiers = t;
    s.rebates.partners = [{ id: 'top' }, { id: 'mid', parent: 'top' }, { id: 'ib', parent: 'mid' }];
    s.clients = [
      { id: 'c1', deposit: '10000', referredBy: 'ib', trades: [trade('C1', '1', '2024-03-04T10:00:00', '2024-03-05T10:00:00')] },
      { id: 'c2', deposit: '10000', referredBy: 'mid', trades: [trade('C2', '1', '2024-03-04T10:00:00', '2024-03-05T10:00:00')] },
    ];
  };

  it('additive levels $4, $1.5, $1 on a $6 pool: 4 + 1.5 and the top level capped at the 0.5 left, never more than the pool', () => {
    const r = run((s) => tiers(s, { style: 'additive', levels: [{ default: { perLot: '4' } }, { default: { perLot: '1.5' } }, { default: { perLot: '1' } }] }));
    // c1 (chain ib → mid → top): ib 4, mid 1.5, top min(1, 0.5) = 0.5. c2 (chain mid → top): mid 4, top 1.5.
    expect([r.to('ib:ib'), r.to('ib:mid'), r.to('ib:top')]).toEqual([4, 5.5, 2]);
    expect(r.sink.events.filter((e) => e.kind === 'rebate-capped').map((e) => e.amount!.toString())).toEqual(['0.5']);
    // Each level's line names its own rate (the plan's is $6 per lot), the capped one too.
    expect(r.sink.rebates.filter((l) => l.source === 'c1').map((l) => [l.level, l.amount.toString(), l.detail])).toEqual([
      [1, '4', '4 USD a lot'], [2, '1.5', '1.5 USD a lot'], [3, '0.5', '1 USD a lot'],
    ]);
  });

  it('split 70/20/10 of a $6 pool: 4.2, 1.2, 0.6; a chain two levels deep leaves the third share with the broker', () => {
    const r = run((s) => tiers(s, { style: 'split', shares: ['0.7', '0.2', '0.1'] }));
    // c1: ib 4.2, mid 1.2, top 0.6. c2: mid 4.2, top 1.2 (0.6 stays with the house).
    expect([r.to('ib:ib'), r.to('ib:mid'), r.to('ib:top')]).toEqual([4.2, 5.4, 1.8]);
    expect(r.to('house')).toBeCloseTo(-11.4, 10);
  });

  it('tiers are the IB network\'s: the manager keeps the whole $6 on a client it referred', () => {
    const r = run((s) => {
      tiers(s, { style: 'split', shares: ['0.7', '0.2', '0.1'] });
      s.clients.push({ id: 'c3', deposit: '10000', referredBy: 'manager', trades: [trade('C3', '1', '2024-03-04T10:00:00', '2024-03-05T10:00:00')] });
    });
    expect(r.to('fees')).toBe(6);
  });

  it('a split that would pay out more than the pool is refused when the scenario loads', () => {
    expect(() => parseScenario(JSON.stringify(scenario((s) => tiers(s, { style: 'split', shares: ['0.7', '0.2', '0.2'] }))), 'x.json')).toThrow(/sum to 1.1/);
  });
});

describe('cashback plans (seed 004)', () => {
  const book = (s: any, cashback: any) => {
    s.policies = { rebateTiming: 'on-close' };
    s.rebates = { plan: { default: { perLot: '15' } }, partners: [{ id: 'partner', cashback }] };
    s.clients = [
      { id: 'c1', deposit: '10000', referredBy: 'partner', trades: [trade('C1', '1', '2024-03-04T10:00:00', '2024-03-05T10:00:00'), trade('C3', '1', '2024-03-18T10:00:00', '2024-03-19T10:00:00')] },
      { id: 'c2', deposit: '10000', referredBy: 'partner', trades: [trade('C2', '1', '2024-03-04T10:00:00', '2024-03-05T10:00:00'), trade('C4', '1', '2024-03-18T10:00:00', '2024-03-19T10:00:00')] },
    ];
  };

  it('a rate changed mid-month applies to trades closed after it: 20% then 50% of $15', () => {
    const r = run((s) => book(s, { rate: '0.2', changes: [{ at: '2024-03-15T00:00:00', action: 'change', rate: '0.5' }] }));
    // Partner: 4 × 15 = 60. Cashback: before: 2 × 3 = 6; after: 2 × 7.5 = 15. Partner keeps 39.
    expect([r.to('client:c1'), r.to('client:c2'), r.to('ib:partner')]).toEqual([10.5, 10.5, 39]);
  });

  it('per-client rates, a suspension and a cancellation', () => {
    const r = run((s) => book(s, {
      rate: '0.2', perClient: { c2: '0.4' },
      changes: [{ at: '2024-03-15T00:00:00', action: 'suspend', client: 'c1' }, { at: '2024-03-16T00:00:00', action: 'cancel', client: 'c2' }],
    }));
    // c1: 3 then suspended 0; c2: 6 then cancelled 0. Partner keeps 60 − 9 = 51.
    expect([r.to('client:c1'), r.to('client:c2'), r.to('ib:partner')]).toEqual([3, 6, 51]);
  });

  it('with half-open-half-close timing, cashback is paid when the trade closes, on both halves, at the rate in force then', () => {
    const r = run((s) => {
      s.rebates = {
        plan: { default: { perLot: '15' } },
        partners: [{ id: 'partner', cashback: { rate: '0.2', changes: [{ at: '2024-03-06T00:00:00', action: 'suspend', client: 'c1' }, { at: '2024-03-06T00:00:00', action: 'change', client: 'c2', rate: '0.5' }] } }],
      };
      const t = (id: string, closeAt?: string) => ({ id, deposit: '10000', referredBy: 'partner', trades: [trade(`${id}-1`, '1', '2024-03-04T10:00:00', closeAt)] });
      s.clients = [t('c1', '2024-03-07T10:00:00'), t('c2', '2024-03-07T10:00:00'), t('c3')];
    });
    // The partner's rebate: 7.5 at each open (3 × 7.5) and 7.5 at each of the two closes = 37.5.
    // Cashback at the close on the whole trade (15): c1 suspended 0, c2 50% = 7.5; c3 never closed: 0.
    expect([r.to('client:c1'), r.to('client:c2'), r.to('client:c3'), r.to('ib:partner')]).toEqual([0, 7.5, 0, 30]);
    expect(r.paid('cashback')).toEqual([['2024-03-08T00:00', 'ib:partner', 'client:c2', '7.5']]);
  });

  it('a partner-wide resume does not lift one client\'s own suspension', () => {
    const r = run((s) => book(s, {
      rate: '0.2',
      changes: [{ at: '2024-03-10T00:00:00', action: 'suspend' }, { at: '2024-03-11T00:00:00', action: 'suspend', client: 'c1' }, { at: '2024-03-12T00:00:00', action: 'resume' }],
    }));
    // Before: 3 each. After the 18th: c1 still suspended (0); c2 resumed: 3.
    expect([r.to('client:c1'), r.to('client:c2')]).toEqual([3, 6]);
  });

  it('a partner-wide change leaves an individual rate alone; a resume restores the rate in force', () => {
    const r = run((s) => book(s, {
      rate: '0.2', perClient: { c2: '0.4' },
      changes: [{ at: '2024-03-10T00:00:00', action: 'suspend' }, { at: '2024-03-12T00:00:00', action: 'change', rate: '0.1' }, { at: '2024-03-14T00:00:00', action: 'resume' }],
    }));
    // c1: 3, then 10% = 1.5; c2: 6 and 6.
    expect([r.to('client:c1'), r.to('client:c2')]).toEqual([4.5, 12]);
  });
});

describe('a PAMM member leaving or withdrawing bears its own closing costs and earns its own rebates', () => {
  // Flat, spread-free prices: the only money moving is commission ($8 a lot a side) and rebates ($6 a lot on close).
  const pool = (s: any, flow: any) => {
    s.prices.EURUSD.ticks = [['2024-03-04T09:00:00', '1.10000', '1.10000']];
    s.policies = { rebateTiming: 'on-close' };
    s.program.pamm = { id: 'pool', initialNav: '1' };
    s.costs = { commission: { default: { perLot: '8' } } };
    s.rebates.partners = [{ id: 'ib1' }];
    s.investors = [{ id: 'm1', model: 'pamm', deposit: '3000' }, { id: 'm2', model: 'pamm', deposit: '1000', referredBy: 'ib1' }];
    s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '1')];
    s.flows = [flow];
  };
  const equity = (r: ReturnType<typeof run>, id: string) => r.program.investorSnapshots().find((i) => i.id === id)!.equity.toString();

  it('leaving: m2 closes 0.25 lot and pays its 2 of commission alone; m1 keeps 3,000 − 6 = 2,994; ib1 earns the close rebate 1.5', () => {
    const r = run((s) => pool(s, { at: '2024-03-04T12:00:00', investor: 'm2', type: 'leave' }));
    // The open's 8 is shared by units (m1 6, m2 2); m2's close of 0.25 lot costs 2 more: 1,000 − 2 − 2 = 996.
    expect(r.sink.events.filter((e) => e.kind === 'withdrawal').map((e) => e.amount!.toString())).toEqual(['996']);
    expect(equity(r, 'm1')).toBe('2994');
    expect([r.to('ib:ib1'), r.to('fees')]).toEqual([1.5, 0]);
  });

  it('a fee larger than a member\'s value takes its value less what closing for it costs; the others keep theirs', () => {
    const r = run((s) => {
      pool(s, { at: '2024-03-29T12:00:00', investor: 'm1', type: 'deposit', amount: '1' });
      s.flows = [];
      s.investors[0].manager = true;
      s.program.subscriptionFee = '2000';
      s.end = '2024-04-01T12:00:00';
    });
    // m2's value is 1,000 − 2 (its share of the open's 8) = 998; closing its 0.25 lot costs 2, so the fee is 996.
    expect(r.sink.events.filter((e) => e.kind === 'subscription-fee').map((e) => e.amount!.toString())).toEqual(['996']);
    expect(equity(r, 'm1')).toBe('2994');
  });

  it('withdrawing 500: m2 pays for the part closed for it; m1 stays at 2,994', () => {
    const r = run((s) => pool(s, { at: '2024-03-04T12:00:00', investor: 'm2', type: 'withdraw', amount: '500' }));
    expect(r.sink.events.filter((e) => e.kind === 'withdrawal').map((e) => e.amount!.toString())).toEqual(['500']);
    // m1's value is its units at the NAV: within a unit quantum's worth of 2,994 (units are rounded in the pool's favour).
    expect(Math.abs(Number(equity(r, 'm1')) - 2994)).toBeLessThan(1e-6);
    expect(Number(equity(r, 'm1'))).toBeGreaterThanOrEqual(2994);
  });
});

describe('a PAMM withdrawal capped at everything the member has left', () => {
  it('redeems every unit and is an exit; the others keep 3,000 units × NAV 1.1972 = 3,591.6', () => {
    const r = run((s) => {
      s.program = { structure: 'signal', allocation: 'proportional', performanceFee: '0.2', masterDeposit: '10000', pamm: { id: 'pool', initialNav: '1' } };
      s.prices.EURUSD.ticks = [['2024-03-04T09:00:00', '1.10000', '1.10020'], ['2024-03-20T09:00:00', '1.12000', '1.12020']];
      s.costs = { commission: { default: { perLot: '8' } } };
      s.investors = [{ id: 'm0', model: 'pamm', deposit: '3000', manager: true }, { id: 'm1', model: 'pamm', deposit: '3000' }, { id: 'm2', model: 'pamm', deposit: '4000' }];
      s.orders = [open('M1', '2024-03-04T10:00:00', 'buy', '1')];
      s.flows = [{ at: '2024-03-25T10:00:00', investor: 'm2', type: 'withdraw', amount: '4788' }];
      s.end = '2024-03-28T12:00:00';
    });
    // The pool (10,000) copies 1 lot: + 100,000 × (1.12000 − 1.10020) = 1,980, less the 8 commission: 11,972, NAV 1.1972.
    // m2's 4,000 units are worth 4,788.8; closing its 0.4 lot costs 3.2, so 4,788 is capped at what is left.
    const inv = r.program.investorSnapshots();
    expect(inv.map((i) => [i.id, i.active, i.equity.toString()])).toEqual([['m0', true, '3591.6'], ['m1', true, '3591.6'], ['m2', false, '0']]);
    expect(r.sink.events.filter((e) => e.kind === 'leave').map((e) => e.investor)).toEqual(['m2']);
  });
});
