// An account's own leverage (issue 14, item 8): it replaces the program's for that account's
// margin, on the exact path and behind the float screen alike. EURUSD forex margin: 1 lot ties up
// 100,000 / leverage EUR, in USD at the mid.
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { Money, Volume } from '../engine/values.js';
import { parseScenario } from '../sim/scenario.js';
import { at, riskProgram, riskTerms } from './risk-fixtures.js';

describe('per-account leverage', () => {
  const two = (exactRisk: boolean) => {
    // a (1,000) at 500:1, b (2,000) at the program's 100:1; the block of 1.5 lots splits by equity: 0.5 / 1.
    const r = riskProgram(riskTerms({ accountLeverage: new Map([['mam:a', new Dec(500)]]) }), { extra: { exactRisk } });
    r.p.join(at(4, 1), 'a', 'mam', Money.of('1000'), false);
    r.p.join(at(4, 1), 'b', 'mam', Money.of('2000'), false);
    r.quote(at(4, 2), '1.10000');
    r.p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1.5'));
    r.p.flush();
    return r;
  };

  it('margin at mid 1.10000: a 0.5 × 100,000 / 500 × 1.1 = 110, b 1 × 100,000 / 100 × 1.1 = 1,100', () => {
    const r = two(false);
    expect([r.margin('mam:a').used.toString(), r.margin('mam:b').used.toString()]).toEqual(['110', '1100']);
  });

  it('stop-out at 30%: at 1.08300 b (300 over 1,083 = 27.7%) goes, a (150 over 108.3) stays; at 1.08064 a (32 over 108.064 = 29.6%) goes, with and without the screen', () => {
    const run = (exactRisk: boolean) => {
      const r = two(exactRisk);
      r.quote(at(4, 3), '1.08300');
      const first = r.events('stop-out').map((e) => e.account);
      r.quote(at(4, 4), '1.08065'); // a: 1,000 − 50,000 × 0.01935 = 32.5 over 108.065 = 30.07%: not yet
      const second = r.events('stop-out').map((e) => e.account);
      r.quote(at(4, 5), '1.08064');
      r.invariants();
      return { first, second, all: r.events('stop-out').map((e) => [e.account, e.time]), json: JSON.stringify(r.sink.events) };
    };
    const screened = run(false);
    expect(screened.first).toEqual(['mam:b']);
    expect(screened.second).toEqual(['mam:b']);
    expect(screened.all).toEqual([['mam:b', at(4, 3)], ['mam:a', at(4, 5)]]);
    expect(screened.json).toBe(run(true).json);
  });

  it('a leverage below the program\'s (50:1): 1 lot ties up 2,000 × mid; at 1.07600 equity 600 over 2,152 = 27.9% stops out, with and without the screen', () => {
    // At the program's 100:1 the level would be 600 / 1,076 = 55.8%: a screen reading the wrong leverage would call it quiet.
    const run = (exactRisk: boolean) => {
      // A 31% margin call keeps the screen's answer in play (below 100% a screen always defers to the exact path).
      const r = riskProgram(riskTerms({ marginCall: new Dec(31), accountLeverage: new Map([['mam:c', new Dec(50)]]) }), { extra: { exactRisk } });
      r.p.join(at(4, 1), 'c', 'mam', Money.of('3000'), false);
      r.quote(at(4, 2), '1.10000');
      r.p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
      r.p.flush();
      expect(r.margin('mam:c').used.toString()).toBe('2200');
      r.quote(at(4, 3), '1.07800'); // 800 over 2,156 = 37.1%: not yet
      r.quote(at(4, 4), '1.07600');
      r.invariants();
      return r.events('stop-out').map((e) => [e.account, e.time]);
    };
    expect(run(false)).toEqual([['mam:c', at(4, 4)]]);
    expect(run(true)).toEqual([['mam:c', at(4, 4)]]);
  });

  it('is read from investors[i].risk.leverage and clients[i].leverage, and refused without a risk section', () => {
    const text = (risk: string) => `
name: lev
start: "2024-03-01T00:05:00"
end: "2024-03-08T00:05:00"
instruments: [EURUSD]
prices: { EURUSD: { ticks: [["2024-03-04T09:00:00", "1.10000", "1.10000"]] } }
program: { structure: block }
investors:
  - { id: a, model: mam, deposit: "5000", ${risk ? 'risk: { leverage: 200 }' : ''} }
clients:
  - { id: c, deposit: "5000", leverage: 50 }
orders: []
${risk}
`;
    const s = parseScenario(text('risk: { leverage: 100 }'), 'lev.yaml');
    expect([...s.risk!.accountLeverage!].map(([k, v]) => [k, v.toString()])).toEqual([['mam:a', '200'], ['client:c', '50']]);
    expect(() => parseScenario(text(''), 'lev.yaml')).toThrow(/\/clients\/0\/leverage: an account's leverage needs the scenario's risk section/);
  });
});
