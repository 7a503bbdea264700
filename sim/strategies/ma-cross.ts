// Moving-average cross: always in the market once the averages have crossed, long while the fast
// simple average of the closes is above the slow one, short while below. At each cross it closes
// what it holds and opens the other way:
//   fast_t = mean(close_{t-fast+1..t}), slow_t = mean(close_{t-slow+1..t});
//   buy  when fast_{t-1} <= slow_{t-1} and fast_t > slow_t;  sell when fast_{t-1} >= slow_{t-1} and fast_t < slow_t,
// compared exactly as sums in whole points: fast_t > slow_t ⟺ Σfast·slow > Σslow·fast.
// Optional stop-loss and take-profit in pips from the quote it opens at (0: none).
import type { Builtin } from './builtins.js';
import { onLotStep, pipPoints, points, price } from './lots.js';

export const maCross: Builtin = {
  about: 'moving-average cross: long while the fast average of the closes is above the slow one, short while below',
  params: {
    fast: { kind: 'integer', default: 10, min: 1, about: 'closes in the fast average' },
    slow: { kind: 'integer', default: 30, min: 2, about: 'closes in the slow average (more than fast, at most lookback − 1)' },
    volume: { kind: 'number', default: 0.1, min: 0, positive: true, about: 'lots per trade' },
    stopLoss: { kind: 'number', default: 0, min: 0, about: 'pips from the entry, 0 for none' },
    takeProfit: { kind: 'number', default: 0, min: 0, about: 'pips from the entry, 0 for none' },
  },
  check: (params, lookback) => {
    if (Number(params.slow) <= Number(params.fast)) return ['slow', `expected more closes than fast (${String(params.fast)}), got ${String(params.slow)}`];
    if (Number(params.slow) + 1 > lookback) return ['slow', `expected at most lookback − 1 (${lookback - 1}): a cross needs slow + 1 closes, and the strategy keeps ${lookback}`];
    return undefined;
  },
  create: (params) => {
    const fast = Number(params.fast), slow = Number(params.slow), volume = Number(params.volume);
    const sl = Number(params.stopLoss), tp = Number(params.takeProfit);
    return (ctx) => {
      const inst = ctx.instrument;
      const c = ctx.closes;
      if (c.length < slow + 1) return [];
      const sum = (n: number, end: number): number => {
        let s = 0;
        for (let i = end - n; i < end; i++) s += points(c[i]!, inst);
        return s;
      };
      // fast_t − slow_t has the sign of Σfast·slow − Σslow·fast (integers).
      const now = sum(fast, c.length) * slow - sum(slow, c.length) * fast;
      const before = sum(fast, c.length - 1) * slow - sum(slow, c.length - 1) * fast;
      const side = before <= 0 && now > 0 ? 'buy' : before >= 0 && now < 0 ? 'sell' : undefined;
      if (!side) return [];
      const mine = ctx.positions.filter((p) => p.symbol === ctx.symbol);
      if (mine.some((p) => p.side === side)) return [];
      const entry = points(side === 'buy' ? ctx.ask : ctx.bid, inst), dir = side === 'buy' ? 1 : -1;
      return [
        ...mine.map((p) => ({ action: 'close' as const, ticket: p.ticket })),
        { action: 'open' as const, side, volume: onLotStep(volume, inst), ...(sl > 0 ? { sl: price(entry - dir * pipPoints(sl, inst), inst) } : {}), ...(tp > 0 ? { tp: price(entry + dir * pipPoints(tp, inst), inst) } : {}) },
      ];
    };
  },
};
