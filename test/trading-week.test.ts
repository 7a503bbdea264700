// The trading week is configurable, and daily bars stamped 00:00 are the day's session (DOMAIN §10,
// issue 14 item 11). 2024-03-04 is a Monday; 2024-03-09 a Saturday.
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../engine/events.js';
import { formatServerTime } from '../engine/time.js';
import { runScenario } from '../sim/runner.js';
import { parseScenario } from '../sim/scenario.js';
import { staticChecks } from '../sim/static-checks.js';

function run(text: string) {
  const s = parseScenario(text, 'week.yaml');
  const sink = new MemorySink();
  runScenario(s, sink);
  const ev = (kind: string) => sink.events.filter((e) => e.kind === kind).map((e) => [formatServerTime(e.time), e.ticket, e.reason]);
  return { s, sink, ev, warnings: staticChecks(s).map((w) => [w.path, w.message]) };
}

const ticks = (orders: string, week = '') => `
name: week
start: "2024-03-01T00:05:00"
end: "2024-03-15T00:05:00"
${week}
instruments: [EURUSD]
prices:
  EURUSD:
    ticks:
      - ["2024-03-01T09:00:00", "1.10000", "1.10000"]
      - ["2024-03-05T09:00:00", "1.10100", "1.10100"]
program: { structure: signal, masterDeposit: "10000" }
investors: []
orders: ${orders}
`;

/** A signal master on EURUSD priced by D1 bars stamped 00:00: [day, open, high, low, close] per bar. */
const dailyScenario = (orders: string, bars: ReadonlyArray<readonly [string, string, string, string, string]>) => `
name: daily
start: "2024-03-01T00:05:00"
end: "2024-03-15T00:05:00"
instruments: [EURUSD]
prices:
  EURUSD:
    timeframe: D1
    bars:
${bars.map(([day, ...ohlc]) => `      - ["${day}T00:00:00", ${ohlc.map((x) => `"${x}"`).join(', ')}]`).join('\n')}
program: { structure: signal, masterDeposit: "10000" }
investors: []
orders: ${orders}
`;

describe('tradingWeek', () => {
  const order = '[{ action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1", at: "2024-03-04T00:02:00" }]';

  it('default Mon 00:05 – Fri 23:50: an order at Monday 00:02 is rejected, and the static check says so first', () => {
    const r = run(ticks(order));
    expect(r.ev('order-rejected').map((e) => e[2])).toEqual(['market closed (trading week Monday 00:05 – Friday 23:50 server time)']);
    expect(r.warnings).toEqual([['/orders/0/at', 'will be rejected at run time: market closed (trading week Monday 00:05 – Friday 23:50 server time)']]);
  });

  it('opening at Mon 00:00 accepts it, at the latest quote before it', () => {
    const r = run(ticks(order, 'tradingWeek: { open: "Mon 00:00", close: "Fri 22:00" }'));
    expect(r.ev('order-rejected')).toEqual([]);
    expect(r.ev('master-open').map((e) => e[0])).toEqual(['2024-03-04T00:02:00']);
    expect(r.warnings).toEqual([]);
    expect(r.s.tradingWeek).toEqual({ openMinute: 0, closeMinute: 4 * 1440 + 22 * 60 });
  });

  it('a close before the open, or a malformed time, is refused with its path', () => {
    expect(() => parseScenario(ticks(order, 'tradingWeek: { open: "Fri 10:00", close: "Mon 09:00" }'), 'week.yaml')).toThrow(/\/tradingWeek\/close: expected the close after the open/);
    expect(() => parseScenario(ticks(order, 'tradingWeek: { open: "Monday 00:05" }'), 'week.yaml')).toThrow(/\/tradingWeek\/open/);
  });
});

describe('daily bars stamped 00:00 are the day\'s session', () => {
  // Friday, Monday and Tuesday bars (open, high, low, close).
  const daily = (orders: string) => dailyScenario(orders, [['2024-03-01', '1.09000', '1.09500', '1.08500', '1.09200'], ['2024-03-04', '1.10000', '1.10500', '1.09500', '1.10200'], ['2024-03-05', '1.10200', '1.10800', '1.10000', '1.10600']]);

  it('an order at Monday\'s bar stamp (00:00) acts at the week\'s open, 00:05, at the bar\'s open 1.10000; Tuesday 00:00 is in the week already', () => {
    const r = run(daily(`[
      { action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1", at: "2024-03-04T00:00:00" },
      { action: close, ticket: T1, at: "2024-03-05T00:00:00" }]`));
    expect(r.ev('order-rejected')).toEqual([]);
    expect(r.warnings).toEqual([]);
    const trade = r.sink.trades[0]!;
    // Bought at Monday's open 1.10000 (bars are bids, no spread); sold at Tuesday's open 1.10200 (Monday's bar closed at 1.10200): +200.
    expect([formatServerTime(trade.openTime), trade.openPrice.toString(), formatServerTime(trade.closeTime), trade.closePrice.toString(), trade.profit.toString()])
      .toEqual(['2024-03-04T00:05:00', '1.1', '2024-03-05T00:00:00', '1.102', '200']);
  });

  it('a Saturday 00:00 order is still rejected (the next open is two days later), and so is a tick-priced symbol\'s Monday 00:00', () => {
    const r = run(daily('[{ action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1", at: "2024-03-09T00:00:00" }]'));
    expect(r.ev('order-rejected').length).toBe(1);
    expect(r.warnings.length).toBe(1);
    const t = run(ticks('[{ action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1", at: "2024-03-04T00:00:00" }]'));
    expect(t.ev('order-rejected').length).toBe(1);
  });
});

describe('daily bars: the session open acts for stops and static checks too (review regressions)', () => {
  // A flat Friday at 1.09, then a Monday that gaps down to open at 1.07 (low 1.06).
  const daily = (orders: string) => dailyScenario(orders, [['2024-03-01', '1.09000', '1.09000', '1.09000', '1.09000'], ['2024-03-04', '1.07000', '1.07500', '1.06000', '1.07200'], ['2024-03-05', '1.07200', '1.07800', '1.07000', '1.07600']]);

  it('a long with its stop-loss at 1.08 over the weekend fills at Monday\'s open 1.07 (the first price after the gap), not at the low 1.06', () => {
    const r = run(daily('[{ action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1", sl: "1.08000", at: "2024-03-01T12:00:00" }]'));
    const trade = r.sink.trades[0]!;
    expect([trade.cause, formatServerTime(trade.closeTime), trade.closePrice.toString()]).toEqual(['stop-loss', '2024-03-04T00:00:00', '1.07']);
  });

  it('the static checks order scripted orders by when they act: a close listed first at 00:05 follows the open stamped 00:00 that acts at 00:05', () => {
    const r = run(daily(`[
      { action: close, ticket: T1, at: "2024-03-04T00:05:00" },
      { action: open, ticket: T1, symbol: EURUSD, side: buy, volume: "1", at: "2024-03-04T00:00:00" }]`));
    // At 00:05 the close comes first in the file, so the run rejects it (no open trade yet), and the check says so first.
    expect(r.ev('order-rejected').length).toBe(1);
    expect(r.warnings.map((w) => w[0])).toEqual(['/orders/0/ticket']);
  });
});
