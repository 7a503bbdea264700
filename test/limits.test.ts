// Program limits (DOMAIN §9, seeds 001 and 002): PAMM loss limits and leverage, MAM personal
// limits with detach or pause, the master hard stop and volume caps; every figure by hand.
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { PerformanceIndex } from '../engine/risk.js';
import { Money, Price, Volume } from '../engine/values.js';
import { at, riskProgram, riskTerms } from './risk-fixtures.js';

const pct = (x: string) => new Dec(x).div(100);

describe('the flow-neutral performance index that loss limits and drawdowns are measured on', () => {
  it('a deposit or a fee is neither a gain nor a loss', () => {
    const idx = new PerformanceIndex();
    idx.flow(new Dec(10000), new Dec(0)); // 10,000 units at 1
    expect(idx.value(new Dec(9000)).toString()).toBe('0.9'); // −10% trading
    idx.flow(new Dec(1000), new Dec(9000)); // 1,000 / 0.9 = 1,111.1… units
    const r = (x: Dec) => x.toDecimalPlaces(12).toString();
    expect(r(idx.value(new Dec(10000)))).toBe('0.9'); // 10,000 / 11,111.1… = 0.9
    idx.flow(new Dec(-500), new Dec(10000)); // a fee of 500 redeems 555.5… units
    expect(r(idx.value(new Dec(9500)))).toBe('0.9');
    expect(r(idx.loss(new Dec(9500), 'week'))).toBe('0.1');
  });
});

describe('PAMM pool limits set by the manager (seed 001)', () => {
  const weekly = (over: { dailyLoss?: Dec; maxLeverage?: Dec } = {}) => riskProgram(riskTerms({ pool: { weeklyLoss: pct('10'), ...over } }), { pool: true });

  it('a weekly loss of 10% closes the pool\'s positions; it copies nothing until Monday', () => {
    const { p, quote, events, sink, invariants } = weekly();
    p.join(at(4, 1), 'x', 'pamm', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(5, 2), '1.09010'); // −990: 9.9%, not yet
    expect(events('limit-breach')).toEqual([]);
    quote(at(5, 3), '1.09000'); // −1,000: 10% of 10,000 reached
    expect(events('limit-breach').map((e) => [e.account, e.reason])).toEqual([['pamm', 'the pool lost 10% this week, its weekly loss limit is 10%: the account\'s positions close']]);
    expect(sink.trades.map((x) => [x.account, x.profit.toString(), x.cause])).toEqual([['pamm', '-1000', 'risk-limit']]);
    expect(events('account-paused').map((e) => e.account)).toEqual(['pamm']);
    p.masterOpen(at(6, 2), 'T2', 'EURUSD', 'buy', Volume.of('1'));
    expect(events('copy-skipped').map((e) => [e.account, e.reason])).toEqual([['pamm', 'paused after a limit breach until the next trading week']]);
    expect(events('order-rejected').map((e) => e.reason)).toEqual(['no follower can take a part of the block (see the copy-skipped events)']);
    p.rollover(at(7, 0), 'wednesday', '2024-03-06'); // a new day is not a new week
    expect(events('account-resumed')).toEqual([]);
    p.rollover(at(11, 0), 'sunday', '2024-03-10');
    expect(events('account-resumed').map((e) => e.account)).toEqual(['pamm']);
    p.masterOpen(at(11, 2), 'T3', 'EURUSD', 'buy', Volume.of('1'));
    expect(events('master-open').map((e) => e.ticket)).toEqual(['T1', 'T3']);
    invariants();
  });

  it('a daily loss limit pauses until the next day', () => {
    const { p, quote, events } = weekly({ dailyLoss: pct('5') });
    p.join(at(4, 1), 'x', 'pamm', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(4, 3), '1.09500'); // −500: 5% today
    expect(events('limit-breach')[0]!.reason).toBe('the pool lost 5% today, its daily loss limit is 5%: the account\'s positions close');
    p.rollover(at(5, 0), 'monday', '2024-03-04');
    expect(events('account-resumed').map((e) => e.reason)).toEqual(['a new day: the account copies the master\'s new trades again']);
  });

  it('deposits during the week are not gains: the loss is measured on the flow-neutral index', () => {
    const { p, quote, events } = weekly();
    p.join(at(4, 1), 'x', 'pamm', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(4, 3), '1.09100'); // −900: index 0.91
    // y's 10,000 buys 10,000 / 0.91 = 10,989.01… index units; the pool's part of the block grows by 10,000 / 9,100 of its
    // 1 lot, floored to the quantum: 1.0989010 lots at 1.09100 (pammDeposit: reallocate), so its exposure per unit is kept.
    p.join(at(4, 3), 'y', 'pamm', Money.of('10000'), false);
    expect(p.openPositions().filter((x) => x.account === 'pamm').map((x) => x.volume.toString())).toEqual(['1', '1.098901']);
    // At 1.09000 the pool has 19,100 − 0.001 × 100,000 × 2.0989010 = 18,890.1099 on 20,989.01… units: index 0.9000000005,
    // a loss a hair under 10% (the floored lot lost a little less): no breach.
    quote(at(4, 4), '1.09000');
    expect(events('limit-breach')).toEqual([]);
    // At 1.08990: 18,869.12089 → index 0.8990000005, a 10.0999999% loss: breach.
    quote(at(4, 5), '1.08990');
    expect(events('limit-breach').map((e) => e.reason)).toEqual(['the pool lost 10.1% this week, its weekly loss limit is 10%: the account\'s positions close']);
  });

  it('maximum leverage: a copy that would take the pool above it is skipped', () => {
    const { p, quote, events } = weekly({ maxLeverage: new Dec(5) });
    p.join(at(4, 1), 'x', 'pamm', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    // 1 lot: 100,000 EUR × 1.1 = 110,000 USD of exposure on 10,000: 11:1 > 5:1.
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    expect(events('copy-skipped').map((e) => e.reason)).toEqual(['the pool\'s leverage would be 11:1, above its maximum 5:1']);
    // 0.4 lot: 44,000 on 10,000: 4.4:1, within.
    p.masterOpen(at(4, 3), 'T2', 'EURUSD', 'buy', Volume.of('0.4'));
    expect(events('master-open').map((e) => e.ticket)).toEqual(['T2']);
  });
});

describe('MAM personal limits (seed 001)', () => {
  const mam = (limits: object, policy: 'detach' | 'pause-until-next-period' = 'detach') =>
    riskProgram(riskTerms({ accounts: new Map([['mam:a', limits]]) }), { policies: { limitBreach: policy } });

  it('maximum drawdown 20% from the peak: positions close and the account detaches', () => {
    const { p, quote, events, sink, invariants } = mam({ maxDrawdown: pct('20') });
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(4, 3), '1.11000'); // +1,000: peak index 1.1
    quote(at(4, 4), '1.08810'); // 8,810: 1 − 0.881 / 1.1 = 19.9%
    expect(events('limit-breach')).toEqual([]);
    quote(at(4, 5), '1.08800'); // 8,800: 1 − 0.88 / 1.1 = 20%
    expect(events('limit-breach').map((e) => e.reason)).toEqual(['drawdown 20% reached the account\'s maximum drawdown 20%: the account\'s positions close']);
    expect(sink.trades.map((x) => [x.profit.toString(), x.cause])).toEqual([['-1200', 'risk-limit']]);
    expect(events('detach').map((e) => e.reason)).toEqual(['detached after breaching a personal limit (limitBreach: detach); keeps 0 position(s) in an independent account']);
    expect(p.investorSnapshots().map((i) => [i.active, i.detached, i.equity.toString()])).toEqual([[false, true, '8800']]);
    invariants();
  });

  it('minimum balance with pause-until-next-period: paused, then copying again on Monday', () => {
    const { p, quote, events } = mam({ minBalance: Money.of('9500') }, 'pause-until-next-period');
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    p.join(at(4, 1), 'b', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('2')); // 1 lot each
    quote(at(4, 3), '1.09400'); // a: 10,000 − 600 = 9,400 < 9,500
    expect(events('limit-breach').map((e) => [e.account, e.reason])).toEqual([['mam:a', 'equity 9400 is below the account\'s minimum balance 9500: the account\'s positions close']]);
    expect(events('account-paused').map((e) => e.reason)).toEqual(['the account copies nothing until the next trading week (limitBreach: pause-until-next-period)']);
    // a keeps its place in the equity split (9,400 : 9,400 of b's 10,000 − 600 → 0.5 / 0.5) and its part is dropped: b's stays 0.5.
    p.masterOpen(at(5, 2), 'T2', 'EURUSD', 'buy', Volume.of('1'));
    expect(p.openPositions().filter((x) => x.masterTicket === 'T2').map((x) => [x.account, x.volume.toString()])).toEqual([['mam:b', '0.5']]);
    p.rollover(at(11, 0), 'sunday', '2024-03-10');
    expect(events('account-resumed').map((e) => e.account)).toEqual(['mam:a']);
  });

  it('its own weekly loss limit', () => {
    const { p, quote, events } = mam({ weeklyLoss: pct('5') });
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(6, 3), '1.09500'); // −500: 5%
    expect(events('limit-breach').map((e) => e.reason)).toEqual(['the account lost 5% this week, its weekly loss limit is 5%: the account\'s positions close']);
  });

  it('a per-account open-volume cap cuts a copy to the room left, then skips it', () => {
    const { p, quote, events } = mam({ maxOpenVolume: Volume.of('0.5') });
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    p.join(at(4, 1), 'b', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('2')); // a's part 1 → 0.5
    expect(events('copy-clamped').map((e) => e.reason)).toEqual(['cut from 1 to 0.5 lots by the account\'s open-volume cap 0.5 (0 lots open)']);
    p.masterOpen(at(4, 3), 'T2', 'EURUSD', 'buy', Volume.of('2'));
    expect(events('copy-skipped').map((e) => e.reason)).toEqual(['the account\'s open-volume cap 0.5 is reached (0.5 lots open)']);
    expect(p.masterVolume('T1').toString()).toBe('1.5');
  });
});

describe('master protection (seed 002)', () => {
  it('a hard stop on master equity closes everything, cancels pending orders and blocks new trades', () => {
    const { p, quote, events, sink, invariants } = riskProgram(riskTerms({ master: { hardStopEquity: Money.of('9000') } }), { structure: 'signal' });
    p.fundMaster(at(4, 1), Money.of('10000'));
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    p.placePending(at(4, 2), 'P1', 'EURUSD', 'buy-limit', Price.of('1.05000'), Volume.of('1'));
    quote(at(4, 3), '1.08900'); // master −1,100: 8,900 < 9,000
    expect(events('hard-stop').map((e) => e.reason)).toEqual(['master equity 8900 is below the hard stop 9000: every master trade closes, pending orders are cancelled and new trades are blocked']);
    expect(sink.trades.map((x) => [x.account, x.cause])).toEqual([['master', 'hard-stop'], ['mam:a', 'hard-stop']]);
    expect(events('order-cancelled').map((e) => e.ticket)).toEqual(['P1']);
    p.masterOpen(at(4, 4), 'T2', 'EURUSD', 'buy', Volume.of('1'));
    expect(events('order-rejected').map((e) => e.reason)).toEqual(['the master hard stop has triggered: no new trades for the rest of the run']);
    invariants();
  });

  it('a hard stop on the block master\'s drawdown watches its parts together', () => {
    const { p, quote, events } = riskProgram(riskTerms({ master: { hardStopDrawdown: pct('10') } }));
    p.join(at(4, 1), 'a', 'mam', Money.of('5000'), false);
    p.join(at(4, 1), 'b', 'mam', Money.of('5000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(4, 3), '1.11000'); // +1,000: 11,000, peak 1.1
    quote(at(4, 4), '1.09910'); // 9,910: 1 − 0.991/1.1 = 9.9%
    expect(events('hard-stop')).toEqual([]);
    quote(at(4, 5), '1.09900'); // 9,900: 10%
    expect(events('hard-stop').map((e) => e.reason)).toEqual(['master drawdown 10% reached the hard stop 10%: every master trade closes, pending orders are cancelled and new trades are blocked']);
  });

  it('global caps: the largest order, and the most lots open at once', () => {
    const { p, quote, events } = riskProgram(riskTerms({ master: { maxOrderVolume: Volume.of('1'), maxOpenVolume: Volume.of('1.5') } }));
    p.join(at(4, 1), 'a', 'mam', Money.of('100000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('2'));
    p.masterOpen(at(4, 2), 'T2', 'EURUSD', 'buy', Volume.of('1'));
    p.masterOpen(at(4, 2), 'T3', 'EURUSD', 'buy', Volume.of('1'));
    expect(events('order-rejected').map((e) => e.reason)).toEqual([
      'volume 2 is above the master\'s order cap 1',
      '1 lots open plus 1 EURUSD would exceed the master\'s open-volume cap 1.5',
    ]);
  });
});

describe('review regressions', () => {
  it('a pool\'s first deposit into a block is a flow, not a drawdown of the block', () => {
    const { p, quote, events } = riskProgram(riskTerms({ pool: { weeklyLoss: pct('50') }, master: { hardStopDrawdown: pct('20') } }), { pool: true });
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('0.1'));
    p.join(at(4, 3), 'x', 'pamm', Money.of('5000'), false); // the block goes from 10,000 to 15,000 by a deposit
    quote(at(4, 4), '1.10000');
    expect(events('hard-stop')).toEqual([]);
  });

  it('a join under several open trades counts the copies already queued against its cap', () => {
    const { p, quote, events } = riskProgram(riskTerms({ accounts: new Map([['mam:a', { maxOpenVolume: Volume.of('1') }]]) }), { structure: 'signal' });
    p.fundMaster(at(4, 1), Money.of('10000'));
    quote(at(4, 2), '1.10000');
    for (const t of ['T1', 'T2', 'T3']) p.masterOpen(at(4, 2), t, 'EURUSD', 'buy', Volume.of('1'));
    p.join(at(4, 3), 'a', 'mam', Money.of('10000'), false); // proportional: 1 lot of each; the cap lets 1 lot in
    expect(p.openPositions().filter((x) => x.account === 'mam:a').map((x) => x.volume.toString())).toEqual(['1']);
    expect(events('copy-skipped').map((e) => e.ticket)).toEqual(['T2', 'T3']);
  });

  it('what closing for one member costs the pool is that member\'s, not a pool loss', () => {
    // Commission 500 a lot a side. The pool (x 10,000, y 10,000) holds 1 lot: its open cost 500 → 19,500 (a 2.5% loss).
    const commission = new Map([['default', { kind: 'per-lot', value: new Dec(500) }]] as const);
    const costs = { commission, commissionSide: 'per-side' as const, swaps: new Map(), rebateTiming: 'half-open-half-close' as const, residualRule: 'largest-remainder' as const };
    const { p, quote, events } = riskProgram(riskTerms({ pool: { weeklyLoss: pct('3') } }), { pool: true, extra: { costs } });
    p.join(at(4, 1), 'x', 'pamm', Money.of('10000'), false);
    p.join(at(4, 1), 'y', 'pamm', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    // y leaves: the pool closes 0.5 lot for it at 250 commission, borne by y; the pool's index stays at 0.975.
    p.leave(at(4, 3), 'y');
    quote(at(4, 4), '1.10000');
    expect(events('limit-breach')).toEqual([]);
    // A further −0.5% (0.5 lot × −0.001 = −50 on 9,750) breaches 3%: 1 − 0.975 × 0.99487… = 3.0%.
    quote(at(4, 5), '1.09900');
    expect(events('limit-breach').map((e) => e.reason)).toEqual(['the pool lost 3% this week, its weekly loss limit is 3%: the account\'s positions close']);
  });

  it('a deposit after a carried negative balance starts the index afresh: no loss', () => {
    const idx = new PerformanceIndex();
    idx.flow(new Dec(1000), new Dec(0));
    idx.startPeriod(new Dec(-500), 'week'); // −500 carried
    idx.flow(new Dec(10000), new Dec(-500)); // 9,500 after the flow: index 1
    idx.startPeriod(new Dec(9500), 'week');
    expect(idx.loss(new Dec(9500), 'week').toString()).toBe('0');
  });

  it('a block emptied by an exit restarts its index: the next investor does not inherit the old peak', () => {
    const { p, quote, events } = riskProgram(riskTerms({ master: { hardStopDrawdown: pct('15') } }));
    p.join(at(4, 1), 'a', 'mam', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(4, 3), '1.12500'); // +2,500: the block's index peaks at 1.25
    p.masterClose(at(4, 3), 'T1');
    p.leave(at(4, 4), 'a'); // 12,500 (less the fee) paid out: nothing left in the block
    p.join(at(4, 5), 'b', 'mam', Money.of('10000'), false);
    p.masterOpen(at(4, 5), 'T2', 'EURUSD', 'buy', Volume.of('0.1'));
    quote(at(4, 6), '1.12500'); // no move: index 1, no drawdown
    expect(events('hard-stop')).toEqual([]);
  });

  it('a pool forced out of a trade is not put back into it by a later deposit\'s resize', () => {
    const { p, quote, events, invariants } = riskProgram(riskTerms({ pool: { weeklyLoss: pct('10') } }), { structure: 'signal', pool: true });
    p.fundMaster(at(4, 1), Money.of('10000'));
    p.join(at(4, 1), 'x', 'pamm', Money.of('10000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1')); // the pool copies 1 lot
    quote(at(5, 2), '1.09000'); // the pool −1,000: 10%, closed and paused
    expect(events('limit-breach').map((e) => e.account)).toEqual(['pamm']);
    p.rollover(at(11, 0), 'sunday', '2024-03-10');
    p.join(at(11, 1), 'y', 'pamm', Money.of('1000'), false); // a deposit under the open T1 (pammDeposit: reallocate)
    expect(p.openPositions().filter((x) => x.account === 'pamm')).toEqual([]);
    expect(events('pool-reallocated')).toEqual([]);
    invariants();
  });

  it('a pool is always protected, even under carry: its deficit never passes to the next investor', () => {
    const { p, quote, events, invariants } = riskProgram(riskTerms({ leverage: { default: new Dec(500), byClass: new Map() }, pool: { weeklyLoss: pct('100') } }), { pool: true, policies: { negativeBalance: 'carry' } });
    p.join(at(4, 1), 'x', 'pamm', Money.of('1000'), false);
    quote(at(4, 2), '1.10000');
    p.masterOpen(at(4, 2), 'T1', 'EURUSD', 'buy', Volume.of('1'));
    quote(at(11, 0, 5), '1.08500'); // −1,500 on 1,000: stopped out at −500
    expect(events('negative-balance-protected').map((e) => [e.account, e.amount!.toString()])).toEqual([['pamm', '500']]);
    expect(events('units-redeemed').map((e) => [e.investor, e.units!.toString(), e.amount!.toString()])).toEqual([['x', '1000', '0']]);
    p.join(at(11, 1), 'y', 'pamm', Money.of('10000'), false); // buys at the initial NAV 1, worth 10,000
    expect(p.investorEquity('y').toString()).toBe('10000');
    invariants();
  });
});

