// The static checks predict the run: every warning that says "will be rejected at run time" has its
// rejection event when the scenario runs, and what the run accepts draws no such warning.
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../engine/events.js';
import { runScenario } from '../sim/runner.js';
import { parseScenario } from '../sim/scenario.js';
import { staticChecks } from '../sim/static-checks.js';

/** A signal program on EURUSD (min lot 0.01, step 0.01, max 100) with two MAM investors, b joining on Sunday 10 March. */
function scenario(orders: string, flows = '[]', clients = '[]'): string {
  return `
name: checks
start: "2024-03-01T00:05:00"
end: "2024-04-01T00:05:00"
instruments: [EURUSD]
prices:
  EURUSD:
    ticks:
      - ["2024-03-04T09:00:00", "1.09990", "1.10000"]
      - ["2024-03-12T12:00:00", "1.11500", "1.11510"]
program: { structure: signal, masterDeposit: "10000" }
investors:
  - { id: a, model: mam, deposit: "5000" }
  - { id: b, model: mam, deposit: "5000", at: "2024-03-10T10:00:00" }
orders: ${orders}
flows: ${flows}
clients: ${clients}
`;
}

function check(text: string): { warnings: Array<{ path: string; line?: number; message: string }>; rejected: Array<{ ticket?: string; investor?: string; reason: string }> } {
  const s = parseScenario(text, 'checks.yaml');
  const sink = new MemorySink();
  runScenario(s, sink);
  const rejected = sink.events.filter((e) => e.kind === 'order-rejected' || e.kind === 'request-rejected').map((e) => ({ ticket: e.ticket, investor: e.investor, reason: e.reason }));
  return { warnings: staticChecks(s), rejected };
}

describe('static checks of orders, client trades and flows', () => {
  it('warn, with path and line, of exactly the orders the run rejects', () => {
    const orders = `
  - { at: "2024-03-04T10:00:00", action: open, ticket: BIG, symbol: EURUSD, side: buy, volume: "100.01" }
  - { at: "2024-03-04T10:00:00", action: open, ticket: TINY, symbol: EURUSD, side: buy, volume: "0.009" }
  - { at: "2024-03-04T10:00:00", action: place, ticket: ODD, symbol: EURUSD, type: buy-limit, price: "1.05000", volume: "0.105" }
  - { at: "2024-03-04T11:00:00", action: close, ticket: GHOST }
  - { at: "2024-03-04T11:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1" }
  - { at: "2024-03-04T12:00:00", action: open, ticket: T1, symbol: EURUSD, side: sell, volume: "1" }
  - { at: "2024-03-04T13:00:00", action: cancel, ticket: T1 }
  - { at: "2024-03-04T13:00:00", action: modify, ticket: T1, price: "1.2" }
  - { at: "2024-03-05T10:00:00", action: modify, ticket: LATE, tp: "1.2" }
  - { at: "2024-03-06T10:00:00", action: open, ticket: LATE, symbol: EURUSD, side: buy, volume: "1" }
  - { at: "2024-03-09T10:00:00", action: open, ticket: SAT, symbol: EURUSD, side: buy, volume: "1" }`;
    const { warnings, rejected } = check(scenario(orders));
    // Lines: the orders list starts on line 15 of the text (the leading newline is line 1).
    expect(warnings.map((w) => [w.path, w.line])).toEqual([
      ['/orders/0/volume', 16], ['/orders/1/volume', 17], ['/orders/2/volume', 18], ['/orders/3/ticket', 19],
      ['/orders/5/ticket', 21], ['/orders/6/action', 22], ['/orders/7/price', 23], ['/orders/8/ticket', 24], ['/orders/10/at', 26],
    ]);
    expect(rejected.map((r) => r.ticket)).toEqual(['BIG', 'TINY', 'ODD', 'GHOST', 'T1', 'T1', 'T1', 'LATE', 'SAT']);
    expect(rejected.map((r) => r.reason)).toEqual([
      'volume 100.01 is above the maximum lot 100 of EURUSD',
      'volume 0.009 is below the minimum lot 0.01 of EURUSD',
      'volume 0.105 is not a multiple of the lot step 0.01 of EURUSD',
      'no open master trade GHOST',
      'ticket T1 already used',
      'no pending order T1 to cancel',
      'an open trade has no price to modify, only its SL and TP',
      'no open or pending order LATE',
      'market closed (trading week Monday 00:05 – Friday 23:50 server time)',
    ]);
    // The lot warnings quote the engine's own reason.
    expect(warnings[0]!.message).toBe('will be rejected at run time: volume 100.01 is above the maximum lot 100 of EURUSD');
  });

  it('warn of flows before the join executes or after the leave, by execution time and list order', () => {
    const flows = `
  - { at: "2024-03-05T10:00:00", investor: b, type: deposit, amount: "100" }
  - { at: "2024-03-09T11:00:00", investor: b, type: deposit, amount: "100" }
  - { at: "2024-03-12T10:00:00", investor: a, type: withdraw, amount: "10" }
  - { at: "2024-03-06T10:00:00", investor: a, type: leave }
  - { at: "2024-03-07T10:00:00", investor: a, type: deposit, amount: "10" }`;
    const { warnings, rejected } = check(scenario('[]', flows));
    // flows/1 is requested on Saturday before b's Sunday join, but both wait for Monday's open, where the join goes first.
    expect(warnings.map((w) => w.path)).toEqual(['/flows/0/at', '/flows/2/at', '/flows/4/at']);
    expect(warnings[0]!.message).toContain('investor b has not joined by then');
    expect(warnings[1]!.message).toContain('investor a has left by then (/flows/3)');
    expect(rejected).toEqual([
      { investor: 'b', ticket: undefined, reason: 'investor b has not joined' },
      { investor: 'a', ticket: undefined, reason: 'investor a has left' },
      { investor: 'a', ticket: undefined, reason: 'investor a has left' },
    ]);
  });

  it("warn of a client trade off the lot rule, whose close the run rejects too", () => {
    const clients = '[{ id: c, deposit: "1000", trades: [{ ticket: C1, symbol: EURUSD, side: buy, volume: "0.001", open: "2024-03-05T10:00:00", close: "2024-03-06T10:00:00" }] }]';
    const { warnings, rejected } = check(scenario('[]', '[]', clients));
    expect(warnings.map((w) => w.path)).toEqual(['/clients/0/trades/0/volume']);
    expect(warnings[0]!.message).toContain('and so will its close');
    expect(rejected.map((r) => r.reason)).toEqual(['volume 0.001 is below the minimum lot 0.01 of EURUSD', 'client c has no open position C1']);
  });

  it('warn of a ticket reused after its trade closed, which the run accepts as a second trade', () => {
    const orders = `
  - { at: "2024-03-04T10:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1" }
  - { at: "2024-03-04T11:00:00", action: close, ticket: T1 }
  - { at: "2024-03-04T12:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1" }`;
    const { warnings, rejected } = check(scenario(orders));
    expect(warnings.map((w) => w.path)).toEqual(['/orders/2/ticket']);
    expect(warnings[0]!.message).toContain('else two trades share the ticket');
    expect(rejected).toEqual([]);
  });

  it('find nothing in a scenario the run carries out without a rejection', () => {
    const orders = `
  - { at: "2024-03-04T10:00:00", action: place, ticket: P1, symbol: EURUSD, type: buy-limit, price: "1.05000", volume: "1" }
  - { at: "2024-03-04T11:00:00", action: modify, ticket: P1, price: "1.06000" }
  - { at: "2024-03-04T12:00:00", action: cancel, ticket: P1 }
  - { at: "2024-03-04T12:00:00", action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1" }
  - { at: "2024-03-13T10:00:00", action: close, ticket: T1 }`;
    const flows = '[{ at: "2024-03-10T10:00:00", investor: b, type: deposit, amount: "100" }, { at: "2024-03-11T10:00:00", investor: a, type: leave }]';
    const { warnings, rejected } = check(scenario(orders, flows));
    expect(warnings).toEqual([]);
    expect(rejected).toEqual([]);
  });
});

describe('policies the file sets that have no effect in its structure (DOMAIN §6)', () => {
  const withPolicies = (program: string, policies: string, extra = '', investor = '{ id: a, model: mam, deposit: "5000" }') => `
name: policies
start: "2024-03-01T00:05:00"
end: "2024-04-01T00:05:00"
instruments: [EURUSD]
prices:
  EURUSD:
    ticks:
      - ["2024-03-04T09:00:00", "1.09990", "1.10000"]
program: ${program}
investors:
  - ${investor}
orders: []
policies: ${policies}
${extra}`;
  const warnings = (text: string) => staticChecks(parseScenario(text, 'p.yaml')).map((w) => [w.path, w.line, w.message]);

  it('pammDeposit applies in block programs too (reallocate grows the pool\'s part, no-action holds the money); without a pool it is named with its line', () => {
    const block = '{ structure: block, allocation: equity, pamm: {} }';
    expect(warnings(withPolicies(block, '{ pammDeposit: reallocate }'))).toEqual([]);
    expect(warnings(withPolicies(block, '{ pammDeposit: no-action }'))).toEqual([]);
    expect(warnings(withPolicies('{ structure: block, allocation: equity }', '{ pammDeposit: reallocate }'))).toEqual([
      ['/policies/pammDeposit', 14, 'policy pammDeposit has no effect in this scenario: the program has no PAMM pool'],
    ]);
    // In a copy program with a pool it applies.
    expect(warnings(withPolicies('{ structure: signal, masterDeposit: "10000", pamm: {} }', '{ pammDeposit: no-action }'))).toEqual([]);
    expect(warnings(withPolicies('{ structure: signal, masterDeposit: "10000" }', '{ pammDeposit: no-action, pammFlows: instant }')).map((w) => w[2])).toEqual([
      'policy pammDeposit has no effect in this scenario: the program has no PAMM pool', 'policy pammFlows has no effect in this scenario: the program has no PAMM pool',
    ]);
  });

  it('lotRounding and belowMinLot without lot-step, copyBasis on a split or a multiplier, risk policies without risk', () => {
    const signal = '{ structure: signal, masterDeposit: "10000" }';
    expect(warnings(withPolicies(signal, '{ lotRounding: half-up, belowMinLot: force-min, hedgedMargin: larger-leg, riskTrigger: below, limitBreach: detach, marginPrice: open }')).map((w) => w[0])).toEqual([
      '/policies/belowMinLot', '/policies/hedgedMargin', '/policies/limitBreach', '/policies/lotRounding', '/policies/marginPrice', '/policies/riskTrigger',
    ].sort((a, b) => a.localeCompare(b)));
    expect(warnings(withPolicies(signal, '{ roundingMode: lot-step, lotRounding: half-even, belowMinLot: force-min, copyBasis: balance }'))).toEqual([]);
    expect(warnings(withPolicies('{ structure: block, allocation: equity }', '{ roundingMode: lot-step, lotRounding: half-up, copyBasis: balance }')).map((w) => w[0])).toEqual(['/policies/copyBasis', '/policies/lotRounding']);
    expect(warnings(withPolicies('{ structure: signal, masterDeposit: "10000", allocation: multiplier }', '{ copyBasis: equity }', '', '{ id: a, model: mam, deposit: "5000", allocation: { multiplier: "1" } }')).map((w) => w[2])).toEqual(['policy copyBasis has no effect in this scenario: a multiplier copy is the master volume × the multiplier, on no basis']);
    expect(warnings(withPolicies(signal, '{ riskTrigger: below, hedgedMargin: larger-leg }', 'risk: { leverage: 100 }'))).toEqual([]);
    expect(warnings(withPolicies(signal, '{ hedgedMargin: larger-leg, hedgedMarginPct: "20" }', 'risk: { leverage: 100 }')).map((w) => w[2])).toEqual(['policy hedgedMarginPct has no effect in this scenario: it applies only to hedgedMargin: per-leg (this scenario has larger-leg)']);
    expect(warnings(withPolicies(signal, '{ hedgedMargin: per-leg, hedgedMarginPct: "20" }', 'risk: { leverage: 100 }'))).toEqual([]);
    expect(warnings(withPolicies(signal, '{ copyRatio: signal-marketplace }'))).toEqual([]);
    expect(warnings(withPolicies('{ structure: block, allocation: equity }', '{ copyRatio: signal-marketplace }')).map((w) => w[2])).toEqual(['policy copyRatio has no effect in this scenario: it applies to proportional copies only (this program uses equity)']);
  });
});

describe('openBlocks needs a block program with equity or balance weights', () => {
  it('warns on a signal program and on a percent split, not on an equity split', () => {
    const text = (program: string, investor: string) => `
name: blocks
start: "2024-03-01T00:05:00"
end: "2024-03-08T00:05:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T09:00:00", "1.10000", "1.10000"]] } }
program: ${program}
investors: [${investor}]
orders: []
policies: { openBlocks: re-split }
`;
    const w = (program: string, investor = '{ id: a, model: mam, deposit: "5000" }') => staticChecks(parseScenario(text(program, investor), 'b.yaml')).map((x) => x.message);
    expect(w('{ structure: block, allocation: equity }')).toEqual([]);
    expect(w('{ structure: signal, masterDeposit: "10000" }')).toEqual(['policy openBlocks has no effect in this scenario: a signal program has no blocks: each follower copies the master on its own']);
    expect(w('{ structure: block, allocation: percent }', '{ id: a, model: mam, deposit: "5000", allocation: { percent: "100" } }')).toEqual(['policy openBlocks has no effect in this scenario: the percent split does not move with money (re-splitting needs equity or balance weights)']);
  });
});
