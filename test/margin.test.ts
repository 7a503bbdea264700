// Margin, margin call, stop-out and negative balance (DOMAIN §5, §9), every figure by hand.
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { marginPerLot, marginedLots } from '../engine/margin.js';
import type { Policies } from '../engine/policies.js';
import { Money, Volume } from '../engine/values.js';
import { EURUSD, JP225, US30, USDJPY, at, riskProgram, riskTerms } from './risk-fixtures.js';

describe('margin per position (DOMAIN §5)', () => {
  it('forex mode: lots × contract / leverage in the base currency, converted to USD at the mid', () => {
    const { p, quote, margin, invariants } = riskProgram(riskTerms());
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '1.10000', '1.10010');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    // 1 × 100,000 / 100 = 1,000 EUR × mid 1.10005 = 1,100.05 USD. Equity: bought at 1.10010, marked at 1.10000: −10 → 9,990.
    const m = margin('mam:a');
    expect([m.used.toString(), m.equity.toString(), m.free.toString()]).toEqual(['1100.05', '9990', '8889.95']);
    // Level 9,990 / 1,100.05 × 100 = 908.14…%
    expect(m.level!.toDecimalPlaces(4).toString()).toBe('908.1405');
    invariants();
  });

  it('forex mode with a USD base needs no price: 1 lot USDJPY at 100:1 is 1,000 USD', () => {
    const m = marginPerLot(USDJPY, new Dec('150.123'), new Dec(100));
    expect([m.amount.toString(), m.currency]).toEqual(['1000', 'base']);
  });

  it('CFD mode: lots × contract × price / leverage in the quote currency; an index class can have its own leverage', () => {
    const lev = { default: new Dec(100), byClass: new Map([['index', new Dec(20)]] as const) };
    const { p, quote, margin } = riskProgram(riskTerms({ leverage: lev }), { instruments: [EURUSD, US30] });
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '39000.0', '39001.0', 'US30');
    p.masterOpen(at(4, 2), 'T1', 'US30', 'buy', Volume.of('2'));
    // 2 × 1 × mid 39,000.5 / 20 = 3,900.05 USD.
    expect(margin('mam:a').used.toString()).toBe('3900.05');
  });

  it('CFD in a JPY quote converts at USDJPY: 1 lot JP225 at 38,000, 100:1 → 38,000 JPY ÷ 152 = 250 USD', () => {
    const { p, quote, margin } = riskProgram(riskTerms(), { instruments: [USDJPY, JP225] });
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '152.000', '152.000', 'USDJPY');
    quote(at(4, 2), '38000', '38000', 'JP225');
    p.masterOpen(at(4, 2), 'T1', 'JP225', 'buy', Volume.of('1'));
    // 1 × 100 × 38,000 / 100 = 38,000 JPY; ÷ 152 = 250 USD.
    expect(margin('mam:a').used.toString()).toBe('250');
  });
});

describe('hedged-margin policies on one long and one short (DOMAIN §9)', () => {
  // Long 1 lot and short 0.6 lot EURUSD at mid 1.1: 1,000 EUR a lot × 1.1 = 1,100 USD a lot.
  const run = (policy: Policies['hedgedMargin'], hedgedMarginPct = '50') => {
    const { p, quote, margin } = riskProgram(riskTerms(), { policies: { hedgedMargin: policy, hedgedMarginPct } });
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    p.masterOpen(at(4, 2), 'T2', 'EURUSD', 'sell', Volume.of('0.6'));
    return margin('mam:a').used.toString();
  };
  it('none: both legs in full, 1.6 × 1,100 = 1,760', () => expect(run('none')).toBe('1760'));
  it('larger-leg: the long leg only, 1 × 1,100 = 1,100', () => expect(run('larger-leg')).toBe('1100'));
  it('half-hedged: the 0.4 excess in full, the 0.6 pair at half of one leg: (0.4 + 0.3) × 1,100 = 770', () => expect(run('half-hedged')).toBe('770'));
  it('per-leg (MT4): the 0.4 excess in full, each of the 0.6 hedged lots on each leg at the percent: 50% → (0.4 + 0.6) × 1,100 = 1,100; 20% → (0.4 + 0.24) × 1,100 = 704', () => {
    expect(run('per-leg')).toBe('1100');
    expect(run('per-leg', '20')).toBe('704');
    expect(run('per-leg', '0')).toBe('440');
  });
  it('per-leg at 50% is larger-leg, at 25% half-hedged, at 100% none, for any legs', () => {
    for (const [l, s] of [['1', '0.6'], ['0.3', '2.7'], ['5', '5'], ['0', '1.25']] as const) {
      const lots = (policy: Policies['hedgedMargin'], pct?: string) => marginedLots(new Dec(l), new Dec(s), policy, pct === undefined ? undefined : new Dec(pct)).toString();
      expect([lots('per-leg', '50'), lots('per-leg', '25'), lots('per-leg', '100')], `${l} / ${s}`).toEqual([lots('larger-leg'), lots('half-hedged'), lots('none')]);
    }
  });
  it('the lots rule alone', () => {
    expect(['none', 'larger-leg', 'half-hedged'].map((x) => marginedLots(new Dec(1), new Dec('0.6'), x as Policies['hedgedMargin']).toString())).toEqual(['1.6', '1', '0.7']);
  });
});

describe('orders that would leave too little free margin', () => {
  it('a signal master order is rejected with its margin figures', () => {
    const { p, quote, events, invariants } = riskProgram(riskTerms(), { structure: 'signal' });
    p.fundMaster(at(4, 1), Money.of('1000'));
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    // 1 lot needs 1,100 USD; the master has 1,000 free.
    expect(events('order-rejected').map((e) => e.reason)).toEqual(['not enough free margin: 1 EURUSD needs 1100 more margin, free margin is 1000']);
    p.masterOpen(at(4, 2), 'T2', 'EURUSD', 'buy', Volume.of('0.9')); // 990 fits
    expect(events('master-open').length).toBe(1);
    invariants();
  });

  it('a follower whose copy does not fit is skipped, recorded, and its share is not rounding money', () => {
    // Lot method: each account gets its set lots. a (10,000) 1 lot: 1,100 margin fits; b (500) 1 lot: 1,100 > 500, skipped.
    const { p, quote, events, sink, invariants } = riskProgram(riskTerms(), { extra: { allocation: 'lot' } });
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false, { lots: Volume.of('1') });
    p.join(at(4, 1), 'b', 'mam', Money.of('500'), false, { lots: Volume.of('1') });
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', undefined);
    expect(events('copy-skipped').map((e) => [e.account, e.reason])).toEqual([['mam:b', 'not enough free margin: 1 EURUSD needs 1100 more margin, free margin is 500']]);
    expect(events('master-open').map((e) => e.volume!.toString())).toEqual(['1']);
    p.masterClose(at(4, 3), 'T1');
    p.flush();
    expect(sink.trades.map((x) => x.account)).toEqual(['mam:a']);
    expect(events('rounding-missed')).toEqual([]);
    invariants();
  });
});

describe('stop-out (DOMAIN §9, seed 000 levels 100% and 30%)', () => {
  it('three losing positions: the most unprofitable closes first, then the next, until the level is back above 30%', () => {
    // Leverage 500: 200 EUR a lot. Buys of 0.2 lot at 1.08 (T1), 1.09 (T2), 1.10 (T3), no spread; deposit 1,000.
    const { p, quote, events, sink, invariants } = riskProgram(riskTerms({ leverage: { default: new Dec(500), byClass: new Map() } }));
    p.join(at(4, 1), 'a', 'mam', Money.of('1000'), false);
    quote(at(4, 2), '1.08000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('0.2'));
    quote(at(4, 3), '1.09000');
    p.masterOpen(at(4, 3), 'T2', 'EURUSD', 'buy', Volume.of('0.2'));
    quote(at(4, 4), '1.10000');
    p.masterOpen(at(4, 4), 'T3', 'EURUSD', 'buy', Volume.of('0.2'));
    invariants();
    // A gap to 1.07367: floating 20,000 × (−0.00633, −0.01633, −0.02633) = −126.6, −326.6, −526.6; equity 1,000 − 979.8 = 20.2.
    // Margin 214.734 a lot (200 × 1.07367): 0.6 lot 128.8404 → level 15.68%: stop-out.
    quote(at(4, 5), '1.07367');
    const so = events('stop-out');
    // T3 (−526.6) first: level 20.2 / 85.8936 = 23.52%, still below 30; then T2 (−326.6): 20.2 / 42.9468 = 47.03%: restored.
    expect(so.map((e) => [e.ticket, e.amount!.toString(), e.price!.toString()])).toEqual([['T3', '-526.6', '1.07367'], ['T2', '-326.6', '1.07367']]);
    expect(so[0]!.reason).toContain('margin level 15.68% is below the stop-out level 30%');
    expect(so[0]!.reason).toContain('level after 23.52%');
    expect(so[1]!.reason).toContain('level after 47.03%');
    expect(sink.trades.map((x) => [x.masterTicket, x.cause])).toEqual([['T3', 'stop-out'], ['T2', 'stop-out']]);
    // 47.03% is still under the 100% margin call: one margin-call event.
    expect(events('margin-call').map((e) => e.account)).toEqual(['mam:a']);
    expect(p.openPositions().map((x) => x.masterTicket)).toEqual(['T1']);
    invariants();
  });

  it('the margin call is one event per episode: again only after the level has recovered and fallen again', () => {
    const { p, quote, events } = riskProgram(riskTerms({ leverage: { default: new Dec(500), byClass: new Map() } }));
    p.join(at(4, 1), 'a', 'mam', Money.of('1000'), false);
    quote(at(4, 2), '1.00000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1')); // margin 200 × 1 = 200
    // Equity below 200 (level under 100%): price below 0.99200 (loss 800 → equity 200).
    quote(at(4, 3), '0.99100'); // equity 100, margin 198.2: 50.45%
    quote(at(4, 4), '0.99150'); // equity 150, margin 198.3: 75.64%, still in the episode
    quote(at(4, 5), '1.00000'); // recovered
    quote(at(4, 6), '0.99100'); // a second episode
    expect(events('margin-call').length).toBe(2);
    expect(events('stop-out').length).toBe(0);
  });

  it('a gap past the stop-out fills at the gap price; protect: the broker absorbs the negative balance', () => {
    const { p, quote, events, sink, margin, invariants } = riskProgram(riskTerms({ leverage: { default: new Dec(500), byClass: new Map() } }));
    p.join(at(4, 1), 'a', 'mam', Money.of('1000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    // Weekend gap to 1.08500: 1 lot × 100,000 × −0.015 = −1,500; equity −500, level negative: closes at 1.08500.
    quote(at(11, 0, 5), '1.08500');
    expect(sink.trades.map((x) => [x.closePrice.toString(), x.profit.toString(), x.cause])).toEqual([['1.085', '-1500', 'stop-out']]);
    expect(events('negative-balance-protected').map((e) => [e.account, e.amount!.toString()])).toEqual([['mam:a', '500']]);
    expect(p.journal.balance('mam:a').toString()).toBe('0');
    expect(margin('mam:a').level).toBeUndefined();
    invariants();
  });

  it('carry: the negative balance stays on the account, one event', () => {
    const { p, quote, events, invariants } = riskProgram(riskTerms({ leverage: { default: new Dec(500), byClass: new Map() } }), { policies: { negativeBalance: 'carry' } });
    p.join(at(4, 1), 'a', 'mam', Money.of('1000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(11, 0, 5), '1.08500');
    quote(at(11, 0, 6), '1.08600');
    expect(events('negative-balance-carried').map((e) => e.amount!.toString())).toEqual(['500']);
    expect(events('negative-balance-protected')).toEqual([]);
    expect(p.journal.balance('mam:a').toString()).toBe('-500');
    invariants();
  });

  it('a signal master stopped out is a master close: its followers close with it', () => {
    const { p, quote, sink, invariants } = riskProgram(riskTerms({ leverage: { default: new Dec(500), byClass: new Map() } }), { structure: 'signal' });
    p.fundMaster(at(4, 1), Money.of('1000'));
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1')); // a copies 10 lots (2,200 margin)
    // To 1.09200: the master loses 800 → equity 200, margin 218.4: 91.6%; to 1.09100: equity 100, margin 218.2: 45.8%;
    // to 1.09050: equity 50, 218.1 → 22.9%: stop-out, and a closes its 10 lots at the same price.
    quote(at(4, 3), '1.09200');
    quote(at(4, 4), '1.09050');
    expect(sink.trades.map((x) => [x.account, x.volume.toString(), x.profit.toString(), x.cause])).toEqual([['master', '1', '-950', 'stop-out'], ['mam:a', '10', '-9500', 'stop-out']]);
    invariants();
  });
});

describe('review regressions', () => {
  const lev500 = () => riskTerms({ leverage: { default: new Dec(500), byClass: new Map() } });

  it('a margin-call episode ends when nothing is open: the next fall is a new margin call', () => {
    const { p, quote, events } = riskProgram(lev500());
    p.join(at(4, 1), 'a', 'mam', Money.of('1000'), false);
    quote(at(4, 2), '1.00000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(4, 3), '0.99100'); // 50.45%: margin call
    p.masterClose(at(4, 4), 'T1'); // closed by the manager: −900, balance 100
    p.deposit(at(4, 4), 'a', Money.of('900'));
    p.masterOpen(at(4, 5), 'T2', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(4, 6), '0.98200'); // 1,000 − 900 = 100 on 196.4: 50.92%: a second margin call
    expect(events('margin-call').length).toBe(2);
  });

  it('carry: a second negative balance after the account was topped up is reported again', () => {
    const { p, quote, events } = riskProgram(lev500(), { policies: { negativeBalance: 'carry' } });
    p.join(at(4, 1), 'a', 'mam', Money.of('1000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(11, 0, 5), '1.08500'); // −1,500: −500 carried
    p.deposit(at(11, 1), 'a', Money.of('1500')); // balance 1,000
    quote(at(11, 1), '1.08500');
    p.masterOpen(at(11, 2), 'T2', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(18, 0, 5), '1.07000'); // −1,500 again: −500
    expect(events('negative-balance-carried').map((e) => e.amount!.toString())).toEqual(['500', '500']);
  });

  it('a stop-out event reports the fill itself, slippage included', () => {
    const { p, quote, events, sink } = riskProgram(lev500(), { extra: { slippage: () => new Dec('0.001') } });
    p.join(at(4, 1), 'a', 'mam', Money.of('1000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1')); // bought at 1.10000 + 0.001 slippage = 1.10100
    // Gap to 1.08500: the close sells at 1.08500 − 0.001 = 1.08400: 1 lot × −0.017 = −1,700; −700 absorbed.
    quote(at(11, 0, 5), '1.08500');
    expect(sink.trades.map((x) => [x.openPrice.toString(), x.closePrice.toString(), x.profit.toString()])).toEqual([['1.101', '1.084', '-1700']]);
    expect(events('stop-out').map((e) => [e.price!.toString(), e.amount!.toString()])).toEqual([['1.084', '-1700']]);
    expect(events('negative-balance-protected').map((e) => e.amount!.toString())).toEqual(['700']);
  });
});
