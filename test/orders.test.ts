import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import type { Instrument } from '../engine/instrument.js';
import { DEFAULT_POLICIES, type Policies } from '../engine/policies.js';
import { Program } from '../engine/program.js';
import { DEFAULT_QUANTUM } from '../engine/quantum.js';
import { formatServerTime, serverTime } from '../engine/time.js';
import { Money, Price, Volume } from '../engine/values.js';
import { runScenario } from '../sim/runner.js';
import { parseScenario } from '../sim/scenario.js';
import { scenarioPath } from './helpers.js';

const EURUSD: Instrument = {
  symbol: 'EURUSD', class: 'fx-major', base: 'EUR', quote: 'USD', contractSize: new Dec(100000), digits: 5, pipSize: new Dec('0.0001'),
  minLot: Volume.of('0.01'), lotStep: Volume.of('0.01'), maxLot: Volume.of('100'), marginMode: 'forex',
};
const t = (h: number) => serverTime(Date.UTC(2024, 2, 4, h));

function block(policies: Partial<Policies> = {}, maxOrders?: number) {
  const sink = new MemorySink();
  const tally = new ConservationTally(sink);
  const p = new Program({ structure: 'block', allocation: 'equity', quantum: DEFAULT_QUANTUM, policies: { ...DEFAULT_POLICIES, ...policies }, instruments: new Map([['EURUSD', EURUSD]]), performanceFeeRate: new Dec(0), maxOrders }, tally);
  p.join(t(1), 'a', 'mam', Money.of('30000'), false);
  p.join(t(1), 'b', 'mam', Money.of('10000'), false);
  const tick = (h: number, bid: string, ask: string) => p.onQuote('EURUSD', { time: t(h), bid: Price.of(bid), ask: Price.of(ask) });
  return { p, sink, tally, tick };
}

describe('pending orders on tick data: gaps', () => {
  it('a buy stop jumped over by the price fills at the first price after the gap', () => {
    const { p, sink, tally, tick } = block();
    tick(2, '1.10000', '1.10010');
    p.placePending(t(2), 'P1', 'EURUSD', 'buy-stop', Price.of('1.10100'), Volume.of('0.4'));
    tick(3, '1.10150', '1.10160');
    // filled at ask 1.10160, not at 1.10100; a (3/4) takes 0.3 and b 0.1, every leg at 1.10160
    expect(p.openPositions().map((x) => [x.account, x.volume.toString(), x.openPrice.toString()])).toEqual([['mam:a', '0.3', '1.1016'], ['mam:b', '0.1', '1.1016']]);
    expect(sink.events.find((e) => e.kind === 'order-triggered')!.reason).toBe('buy-stop 1.101 filled at 1.1016, the first price after a gap');
    expect(checkInvariants(p, tally)).toEqual([]);
  });

  it('a buy limit jumped over fills at the better price after the gap', () => {
    const { p, tick } = block();
    tick(2, '1.10000', '1.10010');
    p.placePending(t(2), 'P1', 'EURUSD', 'buy-limit', Price.of('1.09900'), Volume.of('0.4'));
    tick(3, '1.09950', '1.09960'); // ask 1.09960 > 1.09900: not yet
    expect(p.openPositions()).toEqual([]);
    tick(4, '1.09800', '1.09810');
    expect(p.openPositions().map((x) => x.openPrice.toString())).toEqual(['1.0981', '1.0981']);
  });

  it('a stop-loss crossed by a gap closes at the first price after it', () => {
    // long 0.4 at ask 1.10010 with SL 1.09700; next tick bid 1.09500: closed at 1.09500.
    // a: 0.3 × 100,000 × (1.09500 − 1.10010) = −153; b: 0.1 → −51
    const { p, sink, tally, tick } = block();
    tick(2, '1.10000', '1.10010');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('0.4'), { sl: Price.of('1.09700') });
    tick(3, '1.09500', '1.09510');
    expect(sink.trades.map((x) => [x.account, x.closePrice.toString(), x.profit.toString()])).toEqual([['mam:a', '1.095', '-153'], ['mam:b', '1.095', '-51']]);
    expect(sink.events.find((e) => e.kind === 'stop-loss')!.reason).toBe('stop-loss 1.097 hit; closed at 1.095, the first price after a gap');
    expect(p.openMasterTickets()).toEqual([]);
    expect(checkInvariants(p, tally)).toEqual([]);
  });
});

describe('order management', () => {
  it('refuses levels on the wrong side of the price, modifies and cancels', () => {
    const { p, sink, tick } = block();
    tick(2, '1.10000', '1.10010');
    p.placePending(t(2), 'X', 'EURUSD', 'buy-limit', Price.of('1.10100'), Volume.of('0.1')); // a buy limit above the ask
    p.masterOpen(t(2), 'Y', 'EURUSD', 'buy', Volume.of('0.1'), { sl: Price.of('1.10050') }); // SL above the bid of a long
    p.placePending(t(2), 'P1', 'EURUSD', 'sell-limit', Price.of('1.10200'), Volume.of('0.4'), { sl: Price.of('1.10100') }); // SL below a short's entry
    p.placePending(t(2), 'P2', 'EURUSD', 'sell-limit', Price.of('1.10200'), Volume.of('0.4'));
    p.modifyOrder(t(2), 'P2', { price: Price.of('1.10300'), sl: Price.of('1.10500') });
    p.cancelOrder(t(2), 'P2');
    p.cancelOrder(t(2), 'P2'); // gone
    tick(3, '1.10400', '1.10410'); // would have filled the cancelled order
    expect(p.openPositions()).toEqual([]);
    expect(sink.events.filter((e) => e.kind.startsWith('order-')).map((e) => [e.kind, e.ticket])).toEqual([
      ['order-rejected', 'X'], ['order-rejected', 'Y'], ['order-rejected', 'P1'], ['order-placed', 'P2'], ['order-modified', 'P2'], ['order-cancelled', 'P2'], ['order-rejected', 'P2'],
    ]);
  });

  it('moves a stop-loss with modify, and the new one closes the trade', () => {
    const { p, sink, tick } = block();
    tick(2, '1.10000', '1.10010');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('0.4'), { sl: Price.of('1.09000') });
    p.modifyOrder(t(2), 'T1', { sl: Price.of('1.09900') });
    tick(3, '1.09850', '1.09860');
    expect(sink.trades.map((x) => x.closePrice.toString())).toEqual(['1.0985', '1.0985']);
  });

  it('rejects the order over the open + pending cap, with a reason', () => {
    const { p, sink, tick } = block({}, 2);
    tick(2, '1.10000', '1.10010');
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('0.4'));
    p.placePending(t(2), 'P1', 'EURUSD', 'buy-limit', Price.of('1.09000'), Volume.of('0.4'));
    p.masterOpen(t(2), 'T2', 'EURUSD', 'buy', Volume.of('0.4'));
    expect(sink.events.filter((e) => e.kind === 'order-rejected').map((e) => e.reason)).toEqual(['the account already has 2 open and pending orders, the limit is 2']);
  });
});

describe('bars: SL and TP in one bar, intrabar order and gaps', () => {
  const base = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8'));
  /** One 1-lot long at 1.10000 (SL 1.09700, TP 1.10300) in a block of one $100,000 MAM account; bars without spread. */
  const LONG = [{ at: '2024-03-04T10:00:00', action: 'open', ticket: 'T1', symbol: 'EURUSD', side: 'buy', volume: '1', sl: '1.09700', tp: '1.10300' }];
  function run(bars: unknown[][], policies: Record<string, string>, orders: unknown[] = LONG) {
    const s = structuredClone(base);
    s.program = { structure: 'block', allocation: 'equity' };
    s.investors = [{ id: 'a', model: 'mam', deposit: '100000' }];
    s.prices.EURUSD = { timeframe: 'H1', spread: 0, bars };
    s.orders = orders;
    s.policies = policies;
    const sink = new MemorySink();
    runScenario(parseScenario(JSON.stringify(s), 'bars.json'), sink);
    return sink.trades.map((x) => [formatServerTime(x.closeTime), x.closePrice.toString(), x.profit.toString()]);
  }
  // The 10:00 bar reaches both: high 1.10400 above the TP, low 1.09600 below the SL.
  const both = [['2024-03-04T09:00', '1.10000', '1.10000', '1.10000', '1.10000'], ['2024-03-04T10:00', '1.10000', '1.10400', '1.09600', '1.10100']];

  it('worst-first: a long visits the low first, so the stop-loss closes it at its level', () => {
    // 1 × 100,000 × (1.09700 − 1.10000) = −300, at 10:20 (the bar's first extreme)
    expect(run(both, {})).toEqual([['2024-03-04T10:20:00', '1.097', '-300']]);
  });

  it('open-high-low-close: the high comes first, but the stop-loss still wins the bar by default', () => {
    expect(run(both, { intrabar: 'open-high-low-close' })).toEqual([['2024-03-04T10:40:00', '1.097', '-300']]);
  });

  it('open-high-low-close with path-order: the take-profit reached first wins', () => {
    // 1 × 100,000 × (1.10300 − 1.10000) = +300
    expect(run(both, { intrabar: 'open-high-low-close', sameBarStops: 'path-order' })).toEqual([['2024-03-04T10:20:00', '1.103', '300']]);
  });

  it('a trade opened by a pending order inside a bar is watched for the rest of that move', () => {
    // buy limit 1.08400 (SL 1.08200, TP 1.08800); the 10:00 bar closes up from 1.08500, so the low comes first:
    // the limit fills at 1.08400 on the way down and the same move reaches 1.08000 through the SL: −200 at 1.08200.
    const bars = [['2024-03-04T09:00', '1.08500', '1.08500', '1.08500', '1.08500'], ['2024-03-04T10:00', '1.08500', '1.09000', '1.08000', '1.08800'], ['2024-03-04T11:00', '1.08850', '1.08900', '1.08800', '1.08850']];
    const orders = [{ at: '2024-03-04T09:00:00', action: 'place', ticket: 'P1', symbol: 'EURUSD', type: 'buy-limit', price: '1.08400', volume: '1', sl: '1.08200', tp: '1.08800' }];
    expect(run(bars, {}, orders)).toEqual([['2024-03-04T10:20:00', '1.082', '-200']]);
  });

  it('a take-profit crossed by a bar\'s opening gap fills at the open, even if the bar also reaches the stop-loss', () => {
    // long at 1.08500 (SL 1.08000, TP 1.09000); the 10:00 bar opens at 1.09500 (low 1.07900): +1,000 at 1.09500.
    const bars = [['2024-03-04T09:00', '1.08500', '1.08500', '1.08500', '1.08500'], ['2024-03-04T10:00', '1.09500', '1.09600', '1.07900', '1.08000']];
    const orders = [{ at: '2024-03-04T09:00:00', action: 'open', ticket: 'T1', symbol: 'EURUSD', side: 'buy', volume: '1', sl: '1.08000', tp: '1.09000' }];
    expect(run(bars, {}, orders)).toEqual([['2024-03-04T10:00:00', '1.095', '1000']]);
  });

  it('nothing triggers while the market is closed; the next open acts as a gap', () => {
    // Saturday bar dips through the SL 1.09700; Monday opens at 1.09600: closed there, not at 1.09700 on Saturday.
    const bars = [['2024-03-08T09:00', '1.10000', '1.10000', '1.10000', '1.10000'], ['2024-03-09T10:00', '1.10000', '1.10000', '1.09500', '1.09800'], ['2024-03-11T01:00', '1.09600', '1.09700', '1.09500', '1.09600']];
    const orders = [{ at: '2024-03-08T10:00:00', action: 'open', ticket: 'T1', symbol: 'EURUSD', side: 'buy', volume: '1', sl: '1.09700' }];
    expect(run(bars, {}, orders)).toEqual([['2024-03-11T01:00:00', '1.096', '-400']]);
  });

  it('a bar opening beyond the stop-loss fills it at the open: the first price after the gap', () => {
    // 10:00 bar stays inside (low 1.09800); the 11:00 bar opens at 1.09500: −500, not −300
    const gap = [['2024-03-04T09:00', '1.10000', '1.10000', '1.10000', '1.10000'], ['2024-03-04T10:00', '1.10000', '1.10100', '1.09800', '1.09900'], ['2024-03-04T11:00', '1.09500', '1.09600', '1.09400', '1.09500']];
    expect(run(gap, {})).toEqual([['2024-03-04T11:00:00', '1.095', '-500']]);
  });
});

describe('partial closes respect the minimum lot', () => {
  it('refuses to close, or to leave, less than the minimum lot', () => {
    const sink = new MemorySink();
    const p = new Program({ structure: 'block', allocation: 'equity', quantum: DEFAULT_QUANTUM, policies: DEFAULT_POLICIES, instruments: new Map([['EURUSD', { ...EURUSD, minLot: Volume.of('0.1') }]]), performanceFeeRate: new Dec(0) }, sink);
    p.join(t(1), 'a', 'mam', Money.of('10000'), false);
    p.onQuote('EURUSD', { time: t(2), bid: Price.of('1.10000'), ask: Price.of('1.10000') });
    p.masterOpen(t(2), 'T1', 'EURUSD', 'buy', Volume.of('0.4'));
    p.masterClose(t(3), 'T1', Volume.of('0.05'));
    p.masterClose(t(3), 'T1', Volume.of('0.35'));
    p.masterClose(t(3), 'T1', Volume.of('0.3'));
    expect(sink.events.filter((e) => e.kind === 'order-rejected').map((e) => e.reason)).toEqual([
      'a partial close of 0.05 must close and leave at least the minimum lot 0.1 (open 0.4)',
      'a partial close of 0.35 must close and leave at least the minimum lot 0.1 (open 0.4)',
    ]);
    p.flush();
    expect(p.masterVolume('T1').toString()).toBe('0.1');
  });
});
