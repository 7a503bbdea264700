// Random entries: at each call, with probability `probability`, a trade on a random side (the
// seeded stream decides both, so a seed is a path); each trade is closed after `holdBars` calls.
// A baseline with no edge: what costs, fees and rounding alone do to investors.
//   draw u1: enter when u1 < probability (and fewer than maxOpen are open); draw u2: buy when u2 < 0.5.
import type { Builtin } from './builtins.js';
import { onLotStep } from './lots.js';

export const randomEntries: Builtin = {
  about: 'random entries: a trade on a random side with a set probability per bar, held a set number of bars',
  params: {
    probability: { kind: 'number', default: 0.05, min: 0, max: 1, about: 'chance of an entry at each call' },
    holdBars: { kind: 'integer', default: 10, min: 1, about: 'calls a trade is held before it is closed' },
    maxOpen: { kind: 'integer', default: 1, min: 1, max: 100, about: 'trades open at most' },
    volume: { kind: 'number', default: 0.1, min: 0, about: 'lots per trade' },
  },
  create: (params) => {
    const probability = Number(params.probability), holdBars = Number(params.holdBars), maxOpen = Number(params.maxOpen), volume = Number(params.volume);
    /** The call at which each ticket the strategy opened was opened. */
    const openedAt = new Map<string, number>();
    let n = 0;
    return (ctx) => {
      const held = new Set(ctx.positions.map((p) => p.ticket));
      const orders = [];
      for (const [ticket, at] of [...openedAt]) {
        if (!held.has(ticket)) openedAt.delete(ticket);
        else if (ctx.index - at >= holdBars) {
          orders.push({ action: 'close' as const, ticket });
          openedAt.delete(ticket);
        }
      }
      // Both draws every call, entry or not, so one call's choice never shifts the next call's draws.
      const u1 = ctx.random(), u2 = ctx.random();
      if (u1 < probability && openedAt.size < maxOpen) {
        const ticket = `R${++n}`;
        openedAt.set(ticket, ctx.index);
        orders.push({ action: 'open' as const, ticket, side: u2 < 0.5 ? ('buy' as const) : ('sell' as const), volume: onLotStep(volume, ctx.instrument) });
      }
      return orders;
    };
  },
};
