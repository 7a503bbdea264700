// Averaging down (martingale): a manager who adds to a losing position. It opens `volume` on
// `side`; each time the price moves `step` pips against the last entry it adds the last volume
// times `multiplier` (on the lot step), up to `maxOrders` trades; when the bid (long) or ask
// (short) reaches the volume-weighted average entry plus `takeProfit` pips it closes them all
// and starts again. With no stop, the risk is the stop-out: what risk analysts stress it for.
//   entry_k+1 when (side buy) ask <= entry_k - step·pip;  volume_k+1 = volume_k · multiplier;
//   exit when bid >= Σ(volume_i · entry_i) / Σ volume_i + takeProfit·pip.
import type { Builtin } from './builtins.js';
import { onLotStep, pips } from './lots.js';

export const martingale: Builtin = {
  about: 'averaging down: adds a larger trade each time the price moves a step against the last one, closes all at a profit over the average entry',
  params: {
    side: { kind: 'side', default: 'buy', about: 'buy or sell' },
    volume: { kind: 'number', default: 0.1, min: 0, about: 'lots of the first trade' },
    multiplier: { kind: 'number', default: 2, min: 1, about: 'each added trade is the last one times this' },
    step: { kind: 'number', default: 30, min: 0, about: 'pips against the last entry before adding' },
    maxOrders: { kind: 'integer', default: 6, min: 1, max: 100, about: 'trades open at most' },
    takeProfit: { kind: 'number', default: 20, min: 0, about: 'pips above the average entry (below, for sell) to close all' },
  },
  create: (params) => {
    const side = params.side as 'buy' | 'sell', dir = side === 'buy' ? 1 : -1;
    const volume = Number(params.volume), multiplier = Number(params.multiplier), step = Number(params.step), maxOrders = Number(params.maxOrders), takeProfit = Number(params.takeProfit);
    return (ctx) => {
      const mine = ctx.positions.filter((p) => p.symbol === ctx.symbol && p.side === side);
      const entryPrice = side === 'buy' ? ctx.ask : ctx.bid, exitPrice = side === 'buy' ? ctx.bid : ctx.ask;
      if (mine.length === 0) return [{ action: 'open', side, volume: onLotStep(volume, ctx.instrument) }];
      const lots = mine.reduce((s, p) => s + p.volume, 0);
      const average = mine.reduce((s, p) => s + p.volume * p.openPrice, 0) / lots;
      if (dir * (exitPrice - average) >= pips(takeProfit, ctx.instrument)) return mine.map((p) => ({ action: 'close' as const, ticket: p.ticket }));
      const last = mine[mine.length - 1]!;
      if (mine.length < maxOrders && dir * (last.openPrice - entryPrice) >= pips(step, ctx.instrument)) {
        return [{ action: 'open', side, volume: onLotStep(last.volume * multiplier, ctx.instrument) }];
      }
      return [];
    };
  },
};
