import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mamlab } from './cli.js';
import { scenarioPath } from './helpers.js';

const base = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'mamlab-bad-'));
let n = 0;

/** Writes a broken copy of the seed 001 scenario (or raw text) and runs `mamlab validate` and `mamlab run` on it. */
function broken(edit: ((s: any) => void) | string, extra: Record<string, string> = {}) {
  const file = join(dir, `case-${++n}.json`);
  if (typeof edit === 'string') writeFileSync(file, edit);
  else {
    const s = structuredClone(base);
    edit(s);
    writeFileSync(file, JSON.stringify(s, null, 2));
  }
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  const v = mamlab(['validate', file]);
  const r = mamlab(['run', file, '--out', join(dir, `out-${n}`)]);
  return { v, r, file };
}

function expectBadInput(res: ReturnType<typeof broken>, path: string, text: RegExp, line?: number) {
  for (const x of [res.v, res.r]) {
    expect(x.status, x.stderr).toBe(2);
    expect(x.stderr).toContain(path);
    expect(x.stderr).toMatch(text);
    expect(x.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(x.stderr.split('\n').length).toBeLessThan(12); // one screen
    if (line !== undefined) expect(x.stderr).toContain(`:${line}:`);
  }
}

describe('bad input: exit 2, naming the file, the JSON path (and line) and what was expected', () => {
  it('wrong type', () => expectBadInput(broken((s) => { s.seed = 'seven'; }), '/seed', /expected integer/, 5));
  it('unknown field', () => expectBadInput(broken((s) => { s.program.feeRate = '0.2'; }), '/program/feeRate', /unknown field "feeRate"; expected one of: structure, allocation/));
  it('missing required field', () => expectBadInput(broken((s) => { delete s.end; }), '/end', /is required but missing/));
  it('negative volume', () => expectBadInput(broken((s) => { s.orders[0].volume = '-10'; }), '/orders/0/volume', /expected a positive amount, got -10/));
  it('volume finer than the precision', () => expectBadInput(broken((s) => { s.orders[0].volume = '0.00000001'; }), '/orders/0/volume', /finer than the precision 0.0000001/));
  it('unknown instrument in the list', () => expectBadInput(broken((s) => { s.instruments.push('FOOBAR'); }), '/instruments/1', /unknown instrument "FOOBAR"/));
  it('unknown instrument in an order', () => expectBadInput(broken((s) => { s.orders[0].symbol = 'GBPUSD'; }), '/orders/0/symbol', /unknown instrument "GBPUSD"; the scenario has: EURUSD/));
  it('unsorted inline prices', () => expectBadInput(broken((s) => { s.prices.EURUSD.ticks.reverse(); }), '/prices/EURUSD/ticks/1/0', /sorted by time/));
  it('unsorted prices in a CSV file, by file and line', () => {
    const res = broken((s) => { s.prices.EURUSD = { csv: 'unsorted.csv' }; }, { 'unsorted.csv': 'time,bid,ask\n2024-03-04T10:00:00,1.1,1.1001\n2024-03-04T09:00:00,1.1,1.1001\n' });
    expectBadInput(res, 'unsorted.csv:3', /sorted by time/);
  });
  it('a price with more digits than the instrument', () => expectBadInput(broken((s) => { s.prices.EURUSD.ticks[0][1] = '1.099901'; }), '/prices/EURUSD/ticks/0/1', /more than the 5 digits of EURUSD/));
  it('a signal master below the manager minimum', () => expectBadInput(broken((s) => { s.program = { structure: 'signal', masterDeposit: '500' }; s.orders = []; }), '/program/masterDeposit', /the manager needs at least 1000 of own funds/));
  it('an investor flow for nobody', () => expectBadInput(broken((s) => { s.flows = [{ at: '2024-03-05T10:00:00', investor: 'ghost', type: 'withdraw', amount: '1' }]; }), '/flows/0/investor', /unknown investor "ghost"/));
  it('an investor referred by an unknown IB', () => expectBadInput(broken((s) => { s.rebates = { plan: 'seed000', partners: [{ id: 'ib1' }] }; s.investors[1].referredBy = 'ib2'; }), '/investors/1/referredBy', /unknown referrer ib2: expected `manager` or a partner in rebates.partners \(ib1\)/));
  it('IBs whose parents form a loop', () => expectBadInput(broken((s) => { s.rebates = { plan: 'seed000', partners: [{ id: 'a', parent: 'b' }, { id: 'b', parent: 'a' }] }; }), '/rebates/partners/0/parent', /partners form a loop: a → b → a/));
  it('a cashback change without its rate', () => expectBadInput(broken((s) => {
    s.rebates = { plan: 'seed000', partners: [{ id: 'p', cashback: { rate: '0.2', changes: [{ at: '2024-03-10T00:00:00', action: 'change' }] } }] };
  }), '/rebates/partners/0/cashback/changes/0/rate', /a change needs the new rate/));
  it('a client trade closing before it opens, or reusing a master ticket', () => {
    const trade = { ticket: 'c-1', symbol: 'EURUSD', side: 'buy', volume: '1', open: '2024-03-05T10:00:00', close: '2024-03-05T09:00:00' };
    expectBadInput(broken((s) => { s.clients = [{ id: 'c', deposit: '1000', trades: [trade] }]; }), '/clients/0/trades/0/close', /expected the close after the open/);
    expectBadInput(broken((s) => { s.clients = [{ id: 'c', deposit: '1000', trades: [{ ...trade, ticket: 'M1', close: undefined }] }]; }), '/clients/0/trades/0/ticket', /ticket M1 is already used/);
  });
  it('a JSON syntax error, with its line', () => {
    const res = broken('{\n  "name": "x",\n  "start": "2024-03-01",,\n}\n');
    expectBadInput(res, 'case-', /cannot parse/, 3);
  });
  it('a number that a double cannot hold exactly', () => {
    const text = JSON.stringify(base, null, 2).replace('"deposit": "4500"', '"deposit": 4500.0000000000001');
    expectBadInput(broken(text), 'case-', /more than 15 significant digits.*write it as a string/);
  });
  it('a pool without its mandatory weekly loss limit', () => expectBadInput(broken((s) => { s.risk = { leverage: 100 }; }), '/risk', /needs risk.pool.weeklyLossPct: the weekly loss limit is mandatory/));
  it('personal limits on a PAMM member', () => expectBadInput(broken((s) => { s.risk = { leverage: 100, pool: { weeklyLossPct: 10 } }; s.investors[1].risk = { maxDrawdownPct: 20 }; }), '/investors/1/risk', /a PAMM investor cannot set personal limits/));
  it('a stop-out above the margin call', () => expectBadInput(broken((s) => { s.risk = { leverage: 100, marginCallPct: 50, stopOutPct: 80, pool: { weeklyLossPct: 10 } }; }), '/risk/stopOutPct', /must not be above the margin-call level 50%/));
  it('a stress effect on an unknown symbol', () => expectBadInput(broken((s) => { s.stress = [{ type: 'gap', symbol: 'GBPUSD', at: '2024-03-05T10:00:00', points: -50 }]; }), '/stress/0/symbol', /GBPUSD/));
  it('a Monte Carlo seed count that is not a whole number from 1', () => {
    const x = mamlab(['run', scenarioPath('seed001-profit-distribution.json'), '--out', join(dir, 'mc'), '--seeds', '0']);
    expect(x.status).toBe(2);
    expect(x.stderr).toMatch(/--seeds.*expected a whole number of seeds from 1 to 10000/);
  });
  it('a missing scenario file', () => {
    const x = mamlab(['validate', join(dir, 'nope.json')]);
    expect(x.status).toBe(2);
    expect(x.stderr).toMatch(/nope\.json: \(top level\): cannot read the scenario file/);
  });
  it('a bad command line', () => {
    const x = mamlab(['run', scenarioPath('seed001-profit-distribution.json')]);
    expect(x.status).toBe(2);
    expect(x.stderr).toMatch(/Missing required argument: out/);
  });
  it('validates a good scenario with exit 0', () => {
    const x = mamlab(['validate', scenarioPath('seed001-profit-distribution.json')]);
    expect([x.status, x.stdout.trim()]).toEqual([0, 'ok: Seed 001: profit distribution with a 20% performance fee (1 instruments, 3 quotes, 2 orders, 4 investors, 0 flows)']);
  });
});
