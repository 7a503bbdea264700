// marginPrice (issue 14, item 9): margin at the current mid (default) or at the positions' open
// price, a vendor setting. EURUSD forex margin: 1 lot = 100,000 / 100 EUR, in USD through EURUSD
// itself; US30 CFD margin: lots × 1 × price / 100 in USD.
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { Money, Volume } from '../engine/values.js';
import { US30, at, riskProgram, riskTerms } from './risk-fixtures.js';

describe('marginPrice', () => {
  const eurusd = (marginPrice: 'current' | 'open') => {
    const r = riskProgram(riskTerms(), { policies: { marginPrice } });
    r.p.join(at(4, 1), 'a', 'mam', Money.of('20000'), false);
    r.quote(at(4, 2), '1.10000');
    r.p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    r.p.flush();
    r.quote(at(4, 3), '1.05000');
    return r;
  };

  it('EURUSD bought at 1.10000, now 1.05000: 1,000 EUR × 1.05 = 1,050 at the current price, × 1.10 = 1,100 at the open', () => {
    expect(eurusd('current').margin('mam:a').used.toString()).toBe('1050');
    expect(eurusd('open').margin('mam:a').used.toString()).toBe('1100');
  });

  it('two opens average by volume: 1 lot at 1.10000 and 3 lots at 1.09000 → 4 lots at 1.0925: 4,370 at the open, 4,200 at 1.05000', () => {
    for (const [policy, used] of [['open', '4370'], ['current', '4200']] as const) {
      const r = eurusd(policy);
      r.quote(at(4, 4), '1.09000');
      r.p.masterOpen(at(4, 4), 'T2', 'EURUSD', 'buy', Volume.of('3'));
      r.p.flush();
      r.quote(at(4, 5), '1.05000');
      expect(r.margin('mam:a').used.toString(), policy).toBe(used);
      r.invariants();
    }
  });

  it('a CFD: 2 lots of US30 bought at 39,000.0 now at 40,000.0: 2 × 40,000 / 100 = 800 at the current price, 780 at the open', () => {
    for (const [policy, used] of [['current', '800'], ['open', '780']] as const) {
      const r = riskProgram(riskTerms(), { policies: { marginPrice: policy }, instruments: [US30] });
      r.p.join(at(4, 1), 'a', 'mam', Money.of('20000'), false);
      r.quote(at(4, 2), '39000.0', '39000.0', 'US30');
      r.p.masterOpen(at(4, 2), 'T1', 'US30', 'buy', Volume.of('2'));
      r.p.flush();
      r.quote(at(4, 3), '40000.0', '40000.0', 'US30');
      expect(r.margin('mam:a').used.toString(), policy).toBe(used);
    }
  });

  it('the open price can decide a stop-out: 1 lot bought at 1.00000 with 1,297; at 0.99002 equity 299 is 29.9% of the open-price margin 1,000 (stop-out) but 30.2% of the current 990.02 (none)', () => {
    const run = (marginPrice: 'current' | 'open', exactRisk: boolean) => {
      // Margin call at 30% too, so a float screen reading current-price margin (30.2%) would call the account quiet.
      const r = riskProgram(riskTerms({ marginCall: new Dec(30) }), { policies: { marginPrice }, extra: { exactRisk } });
      r.p.join(at(4, 1), 'a', 'mam', Money.of('1297'), false);
      r.quote(at(4, 2), '1.00000');
      r.p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
      r.p.flush();
      r.quote(at(4, 3), '0.99002');
      r.invariants();
      return r.events('stop-out').map((e) => e.reason.split(':')[0]);
    };
    expect(run('open', false)).toEqual(['margin level 29.9% is below the stop-out level 30%']);
    expect(run('open', true)).toEqual(run('open', false));
    expect(run('current', false)).toEqual([]);
  });
});
