// Averaging down (martingale): a manager who adds to a losing position. It opens `volume` on
// `side`; each time the price moves `step` pips against the last entry it adds the last volume
// times `multiplier` (on the lot step), up to `maxOrders` trades; when the bid (long) or ask
// (short) reaches the volume-weighted average entry plus `takeProfit` pips it closes them all
// and starts again. With no stop, the risk is the stop-out: what risk analysts stress it for.
//   entry_k+1 when (side buy) ask <= entry_k − step;  volume_k+1 = volume_k · multiplier;
//   exit when (bid − Σ v_i·entry_i / Σ v_i) >= takeProfit, i.e. bid·Σ n_i − Σ n_i·E_i >= tp·Σ n_i
//   in whole points E and whole lot steps n (exact integers, so the boundary itself triggers).
import type { Builtin } from './builtins.js';
import { onLotStep, pipPoints, points, steps } from './lots.js';

export const martingale: Builtin = {
  about: 'averaging down: adds a larger trade each time the price moves a step against the last one, closes all at a profit over the average entry',
  params: {
    side: { kind: 'side', default: 'buy', about: 'buy or sell' },
    volume: { kind: 'number', default: 0.1, min: 0, positive: true, about: 'lots of the first trade' },
    multiplier: { kind: 'number', default: 2, min: 1, about: 'each added trade is the last one times this' },
    step: { kind: 'number', default: 30, min: 0, positive: true, about: 'pips against the last entry before adding' },
    maxOrders: { kind: 'integer', default: 6, min: 1, max: 100, about: 'trades open at most' },
    takeProfit: { kind: 'number', default: 20, min: 0, about: 'pips above the average entry (below, for sell) to close all' },
  },
  create: (params) => {
    const side = params.side as 'buy' | 'sell', dir = side === 'buy' ? 1 : -1;
    const volume = Number(params.volume), multiplier = Number(params.multiplier), step = Number(params.step), maxOrders = Number(params.maxOrders), takeProfit = Number(params.takeProfit);
    return (ctx) => {
      const inst = ctx.instrument;
      const mine = ctx.positions.filter((p) => p.symbol === ctx.symbol && p.side === side);
      const entry = points(side === 'buy' ? ctx.ask : ctx.bid, inst), exit = points(side === 'buy' ? ctx.bid : ctx.ask, inst);
      if (mine.length === 0) return [{ action: 'open', side, volume: onLotStep(volume, inst) }];
      let n = 0, sum = 0;
      for (const p of mine) {
        const k = steps(p.volume, inst);
        n += k;
        sum += k * points(p.openPrice, inst);
      }
      if (dir * (exit * n - sum) >= pipPoints(takeProfit, inst) * n) return mine.map((p) => ({ action: 'close' as const, ticket: p.ticket }));
      const last = mine[mine.length - 1]!;
      if (mine.length < maxOrders && dir * (points(last.openPrice, inst) - entry) >= pipPoints(step, inst)) {
        return [{ action: 'open', side, volume: onLotStep(last.volume * multiplier, inst) }];
      }
      return [];
    };
  },
};
