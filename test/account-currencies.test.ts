// Account currencies (issue 14, item 7; DOMAIN §1): accounts hold EUR, JPY, GBP… and everything
// booked to them is in that currency, converted at the mid of the moment; fees across currencies
// go through the conversion account; program totals consolidate in USD. 1 lot = 100,000 units,
// no spread unless stated; the arithmetic is written out in each test.
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import type { JournalEntry } from '../engine/journal.js';
import { DEFAULT_POLICIES } from '../engine/policies.js';
import { Program } from '../engine/program.js';
import { DEFAULT_QUANTUM } from '../engine/quantum.js';
import { Money, Price, Volume } from '../engine/values.js';
import { parseScenario } from '../sim/scenario.js';
import { staticChecks } from '../sim/static-checks.js';
import { checkedRun } from './helpers.js';
import { EURUSD, USDJPY, at } from './risk-fixtures.js';

function program(currencies: Record<string, string>) {
  const sink = new MemorySink();
  const tally = new ConservationTally(sink);
  const entries: JournalEntry[] = [];
  const p = new Program({
    structure: 'signal', allocation: 'proportional', quantum: DEFAULT_QUANTUM, policies: DEFAULT_POLICIES,
    instruments: new Map([['EURUSD', EURUSD], ['USDJPY', USDJPY]]), performanceFeeRate: new Dec('0.2'),
    currencies: new Map(Object.entries(currencies)),
  }, tally);
  p.journal.onEntry((e) => entries.push(e));
  const ok = () => expect(checkInvariants(p, tally, entries)).toEqual([]);
  const quote = (day: number, h: number, symbol: string, px: string) => { p.onQuote(symbol, { time: at(day, h), bid: Price.of(px), ask: Price.of(px) }); p.flush(); ok(); };
  const lots = (account: string) => p.openPositions().filter((x) => x.account === account).reduce((v, x) => v.plus(x.volume.value), new Dec(0)).toString();
  return { p, sink, entries, ok, quote, lots };
}

describe('account currencies', () => {
  it('a EUR sub-account copies a USD master by its equity in USD, books its profit in EUR and pays its fee across currencies', () => {
    const r = program({ 'mam:E': 'EUR' });
    r.quote(4, 10, 'EURUSD', '1.10000');
    r.p.fundMaster(at(4, 10), Money.of('10000'));
    r.p.join(at(4, 10), 'E', 'mam', Money.of('10000'), false);
    r.ok();
    // Sized by equity in the master's currency: 10,000 EUR × 1.10 = 11,000 USD over the master's 10,000 → 1.1 lots.
    r.p.masterOpen(at(4, 10), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    r.p.flush();
    r.ok();
    expect(r.lots('mam:E')).toBe('1.1');
    r.quote(5, 10, 'EURUSD', '1.12000');
    r.p.masterClose(at(5, 10), 'T1');
    r.p.flush();
    r.ok();
    // 1.1 lots × 100,000 × 0.02 = 2,200 USD; in EUR at the close's mid 1.12: 1,964.285714285… → 1,964.2857143.
    expect(r.p.equity('mam:E').toString()).toBe('11964.2857143');
    expect(r.p.equity('master').toString()).toBe('12000');
    r.p.periodEnd(at(29, 10), '2024-03');
    r.p.flush();
    r.ok();
    // Fee 20% of the 1,964.2857143 gain = 392.85714286 → 392.8571429 EUR, paid to the USD fee account
    // at 1.12: 440.000000048 → 440.0000000 USD, through the conversion account.
    const fee = r.entries.filter((e) => e.reason === 'performance-fee').map((e) => [e.from, e.to, e.amount.toString(), e.currency]);
    expect(fee).toEqual([['mam:E', 'conversion', '392.8571429', 'EUR'], ['conversion', 'fees', '440', 'USD']]);
    expect(r.p.equity('mam:E').toString()).toBe('11571.4285714');
    expect(r.p.equity('fees').toString()).toBe('440');
    // The conversion account holds the broker's side of the exchange: +392.8571429 EUR, −440 USD.
    expect([r.p.journal.balanceIn('conversion', 'EUR').toString(), r.p.journal.balanceIn('conversion', 'USD').toString()]).toEqual(['392.8571429', '-440']);
    // The EUR entry also states its worth in USD at that moment: 392.8571429 × 1.12 = 440.000000048 → 440.
    expect(r.entries.find((e) => e.currency === 'EUR' && e.reason === 'performance-fee')!.usd!.toString()).toBe('440');
  });

  it('a EUR account trading USDJPY converts its yen profit through USD (no EURJPY pair)', () => {
    const r = program({ 'mam:E': 'EUR' });
    r.quote(4, 9, 'EURUSD', '1.10000');
    r.quote(4, 9, 'USDJPY', '150.000');
    r.p.fundMaster(at(4, 10), Money.of('11000'));
    r.p.join(at(4, 10), 'E', 'mam', Money.of('10000'), false);
    // 10,000 EUR = 11,000 USD against the master's 11,000: the same 1 lot.
    r.p.masterOpen(at(4, 10), 'T1', 'USDJPY', 'buy', Volume.of('1'));
    r.p.flush();
    expect(r.lots('mam:E')).toBe('1');
    r.quote(5, 10, 'USDJPY', '151.500');
    r.p.masterClose(at(5, 10), 'T1');
    r.p.flush();
    r.ok();
    // 100,000 × 1.5 = 150,000 JPY; ÷ 151.5 = 990.0990099… USD (the master's, rounded: 990.0990099);
    // the EUR account: ÷ 151.5 ÷ 1.10 = 900.0900090… → 900.0900090 EUR, rounded once at the end.
    expect(r.p.equity('master').minus(Money.of('11000')).toString()).toBe('990.0990099');
    expect(r.p.equity('mam:E').minus(Money.of('10000')).toString()).toBe('900.090009');
  });

  it('the program\'s minimum investment compares a deposit in another currency at the mid, and waits for a price', () => {
    const sink = new MemorySink();
    const p = new Program({
      structure: 'signal', allocation: 'proportional', quantum: DEFAULT_QUANTUM, policies: DEFAULT_POLICIES,
      instruments: new Map([['EURUSD', EURUSD], ['USDJPY', USDJPY]]), performanceFeeRate: new Dec(0),
      terms: { minimumInvestment: Money.of('100'), minimumMamInvestment: Money.of('0') },
      currencies: new Map([['mam:J', 'JPY'], ['mam:K', 'JPY']]),
    }, sink);
    p.join(at(4, 9), 'J', 'mam', Money.of('20000'), false);
    expect(sink.events.at(-1)!.reason).toBe("no price yet for USDJPY, which converts the deposit in JPY to the program's USD for its minimums");
    p.onQuote('USDJPY', { time: at(4, 10), bid: Price.of('150.000'), ask: Price.of('150.000') });
    // 14,000 JPY ÷ 150 = 93.3333333 USD < 100: refused; 15,000 JPY = 100 USD: accepted.
    p.join(at(4, 10), 'J', 'mam', Money.of('14000'), false);
    expect(sink.events.at(-1)!.reason).toBe('14000 JPY (93.3333333 USD) is below the program\'s minimum investment 100');
    p.join(at(4, 10), 'K', 'mam', Money.of('15000'), false);
    expect(sink.events.filter((e) => e.investor === 'K').map((e) => e.kind)).toContain('join');
  });
});

describe('account currencies: a join before the first price of its pair', () => {
  it('is predicted by validate (a warning naming the pair and its first price) and rejected by the run', () => {
    const early = `
name: early
start: "2024-03-01T00:05:00"
end: "2024-03-09T00:05:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T10:00:00", "1.10000", "1.10000"]] } }
program: { structure: signal, masterDeposit: "10000", performanceFee: "0.2" }
investors:
  - { id: E, model: mam, deposit: "10000", currency: EUR }
  - { id: F, model: mam, deposit: "10000", currency: EUR, at: "2024-03-04T10:00:00" }
`;
    const s = parseScenario(early, 'early.yaml');
    expect(staticChecks(s).map((w) => [w.path, w.message])).toEqual([['/investors/0/id', "will be rejected at run time: E deposits in EUR at 2024-03-01T00:05:00, before the first price of EURUSD (2024-03-04T10:00:00), which converts it to the program's USD for its minimums; give it an `at` at or after that price"]]);
    const run = checkedRun(s);
    expect(run.sink.events.filter((e) => e.kind === 'request-rejected').map((e) => e.investor)).toEqual(['E']);
    expect(run.program.equity('mam:F').toString()).toBe('10000');
  });
});

describe('account currencies: a join under open trades', () => {
  it('refuses a follower whose currency the open trade cannot convert into yet, instead of failing the run', () => {
    const gbp = `
name: gbp-join
start: "2024-03-01T00:05:00"
end: "2024-03-09T00:05:00"
instruments: [EURUSD, EURGBP, GBPUSD]
prices:
  EURUSD: { ticks: [["2024-03-04T09:00:00", "1.10000", "1.10010"], ["2024-03-08T10:00:00", "1.11000", "1.11010"]] }
  EURGBP: { ticks: [["2024-03-04T09:00:00", "0.86000", "0.86010"]] }
  GBPUSD: { ticks: [["2024-03-07T09:00:00", "1.27000", "1.27010"]] }
program: { structure: signal, allocation: proportional, masterDeposit: "20000", currency: EUR }
investors:
  - { id: e1, model: mam, deposit: "10000", at: "2024-03-04T09:00:00" }
  - { id: g1, model: mam, deposit: "10000", currency: GBP, at: "2024-03-05T09:00:00" }
  - { id: g2, model: mam, deposit: "10000", currency: GBP, at: "2024-03-07T09:00:00" }
orders:
  - { at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1" }
`;
    const run = checkedRun(parseScenario(gbp, 'gbp.yaml'));
    expect(run.broken).toEqual([]);
    // T1's profit is in USD; into GBP it needs GBPUSD, first priced on the 7th: g1 (the 5th) is refused, g2 (the 7th) copies T1.
    expect(run.sink.events.find((e) => e.investor === 'g1' && e.kind === 'request-rejected')?.reason).toBe('joining would copy T1: no price yet for GBPUSD, which converts EURUSD\'s profit to GBP');
    expect(run.program.openPositions().some((x) => x.account === 'mam:g2')).toBe(true);
  });
});

const SCENARIO = (extra: string) => `
name: currencies
start: "2024-03-01T00:05:00"
end: "2024-04-02T00:05:00"
instruments: [EURUSD, USDJPY, GBPUSD]
prices:
  EURUSD: { ticks: [["2024-03-04T09:00:00", "1.10000", "1.10010"], ["2024-03-06T10:00:00", "1.09000", "1.09010"], ["2024-03-08T10:00:00", "1.11000", "1.11010"], ["2024-03-20T10:00:00", "1.12000", "1.12010"]] }
  USDJPY: { ticks: [["2024-03-04T09:00:00", "150.000", "150.010"], ["2024-03-07T10:00:00", "148.000", "148.010"], ["2024-03-20T10:00:00", "151.000", "151.010"]] }
  GBPUSD: { ticks: [["2024-03-04T09:00:00", "1.27000", "1.27010"], ["2024-03-20T10:00:00", "1.26000", "1.26010"]] }
program: { structure: signal, allocation: proportional, masterDeposit: "20000", performanceFee: "0.2", managementFee: { rate: "0.02" }, pamm: { id: pool, currency: EUR } }
costs: { commission: seed000, swaps: { EURUSD: { mode: points, long: "-6.5", short: "1.2" } } }
rebates: { plan: seed000, partners: [{ id: uk-ib, currency: GBP, cashback: { rate: "0.5" } }, { id: jp-ib, parent: uk-ib, currency: JPY }] }
investors:
  - { id: e1, model: mam, deposit: "10000", currency: EUR, referredBy: uk-ib, at: "2024-03-04T09:00:00" }
  - { id: j1, model: mam, deposit: "2000000", currency: JPY, referredBy: jp-ib, at: "2024-03-04T09:00:00" }
  - { id: p1, model: pamm, deposit: "8000", referredBy: uk-ib, at: "2024-03-04T09:00:00" }
  - { id: p2, model: pamm, deposit: "5000", currency: EUR, at: "2024-03-04T09:00:00" }
clients:
  - { id: c1, deposit: "3000", currency: GBP, referredBy: uk-ib, trades: [{ ticket: c1-1, symbol: EURUSD, side: buy, volume: "1", open: "2024-03-05T10:00:00", close: "2024-03-08T10:00:00" }] }
flows:
  - { at: "2024-03-07T12:00:00", investor: e1, type: withdraw, amount: "1500" }
  - { at: "2024-03-07T12:00:00", investor: p1, type: deposit, amount: "2000" }
  - { at: "2024-03-12T12:00:00", investor: j1, type: leave }
orders:
  - { at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1" }
  - { at: "2024-03-05T10:00:00", action: open, ticket: T2, symbol: USDJPY, side: sell, volume: "0.5" }
  - { at: "2024-03-08T10:00:00", action: close, ticket: T2 }
  - { at: "2024-03-20T10:00:00", action: close, ticket: T1 }
${extra}`;

describe('account currencies in a whole scenario', () => {
  it('every invariant holds after every event, per currency, with costs, rebates, cashback, a EUR pool, flows and fees', () => {
    for (const extra of ['', 'policies: { conversionSide: bid-profit-ask-loss, pammFlows: instant }', 'risk: { leverage: { default: "30" }, pool: { weeklyLossPct: "50" } }']) {
      const run = checkedRun(parseScenario(SCENARIO(extra), 'currencies.yaml'));
      expect(run.broken, extra).toEqual([]);
      expect(run.checks).toBeGreaterThan(20);
      const currencies = new Set(run.entries.map((e) => e.currency));
      expect([...currencies].sort(), extra).toEqual(['EUR', 'GBP', 'JPY', 'USD']);
      // Each one-currency account is only ever booked in its own currency.
      const own: Record<string, string> = { 'mam:e1': 'EUR', 'mam:j1': 'JPY', pool: 'EUR', 'client:c1': 'GBP', 'ib:uk-ib': 'GBP', 'ib:jp-ib': 'JPY', master: 'USD', fees: 'USD' };
      for (const e of run.entries) for (const side of [e.from, e.to]) if (own[side]) expect(e.currency, `${side} in entry ${e.seq}`).toBe(own[side]);
      // A commission charged to the EUR account: 8 USD a lot per side at the fill's EURUSD mid.
      const c = run.entries.find((e) => e.reason === 'commission' && e.from === 'mam:e1')!;
      expect(c.currency).toBe('EUR');
    }
  });

  it('the commission of a EUR sub-account is 8 USD a lot a side in EUR at the mid of the fill', () => {
    const run = checkedRun(parseScenario(SCENARIO(''), 'currencies.yaml'));
    const opened = run.entries.find((e) => e.reason === 'commission' && e.from === 'mam:e1')!;
    // Opened 2024-03-04 10:00 at mid (1.10000 + 1.10010) / 2 = 1.10005: 10,000 EUR is 11,000.5 USD, over the
    // master's 20,000 → 0.550025 lots; 8 USD × 0.550025 = 4.4002 USD = 4.4002 ÷ 1.10005 = 4 EUR.
    const lots = run.sink.trades.filter((t) => t.account === 'mam:e1' && t.masterTicket === 'T1').reduce((v, t) => v.plus(t.volume.value), new Dec(0));
    expect(lots.toString()).toBe('0.550025');
    expect([opened.amount.toString(), opened.currency]).toEqual(['4', 'EUR']);
  });

  it('is refused where it cannot work: a PAMM member in another currency than the pool, a block part, no conversion pair', () => {
    expect(() => parseScenario(SCENARIO('').replace('{ id: p2, model: pamm, deposit: "5000", currency: EUR, at: "2024-03-04T09:00:00" }', '{ id: p2, model: pamm, deposit: "5000", currency: USD }'), 'c.yaml'))
      .toThrow(/\/investors\/3\/currency: a PAMM member holds the pool's currency EUR: give none or EUR, not USD/);
    expect(() => parseScenario(SCENARIO('').replace('currency: GBP, referredBy', 'currency: CHF, referredBy'), 'c.yaml'))
      .toThrow(/\/clients\/0\/currency: an account in CHF needs an instrument that converts USD to it/);
    expect(() => parseScenario(SCENARIO('').replace('structure: signal, allocation: proportional, masterDeposit: "20000"', 'structure: block, allocation: equity, masterDeposit: "0"').replace(', currency: EUR }', ' }').replace(' pamm: { id: pool, currency: EUR }', ' pamm: { id: pool }'), 'c.yaml'))
      .toThrow(/\/investors\/0\/currency: a block program's parts hold the block's currency: this sub-account must hold USD/);
    expect(() => parseScenario(SCENARIO('').replace('currency: GBP, referredBy', 'currency: gbp, referredBy'), 'c.yaml')).toThrow(/\/clients\/0\/currency/);
  });
});
