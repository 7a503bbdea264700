// Moving-average cross: always in the market once the averages have crossed, long while the fast
// simple average of the closes is above the slow one, short while below. At each cross it closes
// what it holds and opens the other way:
//   fast_t = mean(close_{t-fast+1..t}), slow_t = mean(close_{t-slow+1..t});
//   buy  when fast_{t-1} <= slow_{t-1} and fast_t > slow_t;  sell when fast_{t-1} >= slow_{t-1} and fast_t < slow_t.
// Optional stop-loss and take-profit in pips from the quote it opens at (0: none).
import type { Builtin } from './builtins.js';
import { onLotStep, pips } from './lots.js';

const mean = (xs: readonly number[], n: number, end: number): number => {
  let s = 0;
  for (let i = end - n; i < end; i++) s += xs[i]!;
  return s / n;
};

export const maCross: Builtin = {
  about: 'moving-average cross: long while the fast average of the closes is above the slow one, short while below',
  params: {
    fast: { kind: 'integer', default: 10, min: 1, about: 'closes in the fast average' },
    slow: { kind: 'integer', default: 30, min: 2, about: 'closes in the slow average (more than fast)' },
    volume: { kind: 'number', default: 0.1, min: 0, about: 'lots per trade' },
    stopLoss: { kind: 'number', default: 0, min: 0, about: 'pips from the entry, 0 for none' },
    takeProfit: { kind: 'number', default: 0, min: 0, about: 'pips from the entry, 0 for none' },
  },
  create: (params) => {
    const fast = Number(params.fast), slow = Number(params.slow), volume = Number(params.volume);
    const sl = Number(params.stopLoss), tp = Number(params.takeProfit);
    return (ctx) => {
      const c = ctx.closes;
      if (c.length < Math.max(fast, slow) + 1) return [];
      const f1 = mean(c, fast, c.length), s1 = mean(c, slow, c.length);
      const f0 = mean(c, fast, c.length - 1), s0 = mean(c, slow, c.length - 1);
      const side = f0 <= s0 && f1 > s1 ? 'buy' : f0 >= s0 && f1 < s1 ? 'sell' : undefined;
      if (!side) return [];
      const mine = ctx.positions.filter((p) => p.symbol === ctx.symbol);
      if (mine.some((p) => p.side === side)) return [];
      const entry = side === 'buy' ? ctx.ask : ctx.bid, dir = side === 'buy' ? 1 : -1;
      return [
        ...mine.map((p) => ({ action: 'close' as const, ticket: p.ticket })),
        { action: 'open' as const, side, volume: onLotStep(volume, ctx.instrument), ...(sl > 0 ? { sl: entry - dir * pips(sl, ctx.instrument) } : {}), ...(tp > 0 ? { tp: entry + dir * pips(tp, ctx.instrument) } : {}) },
      ];
    };
  },
};
