// A grid: from the first quote's mid as anchor, `levels` buy levels every `step` pips below it and
// `levels` sell levels above it. When the price reaches a level with no trade of that level open,
// it opens one there with a take-profit one step back towards the anchor; a level whose trade has
// closed may open again. No stop-loss: a trend through the grid piles up losing trades.
//   buy level k (1..levels) at anchor − k·step, opened when ask <= it, take-profit ask + step;
//   sell level k at anchor + k·step, opened when bid >= it, take-profit bid − step
//   (compared in whole half-points: the mid may fall between two points).
import type { Builtin } from './builtins.js';
import { onLotStep, pipPoints, points, price } from './lots.js';

export const gridStrategy: Builtin = {
  about: 'a grid of buy levels below the first price and sell levels above it, each with a take-profit one step back',
  params: {
    step: { kind: 'number', default: 20, min: 0, positive: true, about: 'pips between levels' },
    levels: { kind: 'integer', default: 5, min: 1, max: 100, about: 'levels on each side' },
    volume: { kind: 'number', default: 0.1, min: 0, positive: true, about: 'lots per level' },
  },
  create: (params) => {
    const step = Number(params.step), levels = Number(params.levels), volume = Number(params.volume);
    /** Twice the anchor in points (bid + ask), an integer. */
    let anchor2: number | undefined;
    /** The ticket open at each level (`b3`, `s1`), as the strategy names them. */
    const open = new Map<string, string>();
    let n = 0;
    return (ctx) => {
      const inst = ctx.instrument;
      const bid = points(ctx.bid, inst), ask = points(ctx.ask, inst), d = pipPoints(step, inst);
      anchor2 ??= bid + ask;
      const held = new Set(ctx.positions.map((p) => p.ticket));
      for (const [level, ticket] of [...open]) if (!held.has(ticket)) open.delete(level);
      const orders = [];
      for (let k = 1; k <= levels; k++) {
        if (2 * ask <= anchor2 - 2 * k * d && !open.has(`b${k}`)) {
          const ticket = `G${++n}`;
          open.set(`b${k}`, ticket);
          orders.push({ action: 'open' as const, ticket, side: 'buy' as const, volume: onLotStep(volume, inst), tp: price(ask + d, inst) });
        }
        if (2 * bid >= anchor2 + 2 * k * d && !open.has(`s${k}`)) {
          const ticket = `G${++n}`;
          open.set(`s${k}`, ticket);
          orders.push({ action: 'open' as const, ticket, side: 'sell' as const, volume: onLotStep(volume, inst), tp: price(bid - d, inst) });
        }
      }
      return orders;
    };
  },
};
