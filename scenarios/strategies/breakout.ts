// A strategy of one's own, for scenarios/breakout.yaml: a channel breakout. It buys when the bid
// closes above the highest close of the last `channel` bars and sells when it closes below the
// lowest, with a stop-loss on the other side of the channel; one trade at a time, reversed on the
// opposite breakout. A module's default export is a factory: called once per run with the
// scenario's `strategy.params`, it returns the function mamlab calls at each bar's close.
import type { StrategyContext, StrategyOrder } from 'mamlab';

export default function breakout(params: { channel?: number; volume?: string }) {
  const channel = params.channel ?? 24;
  const volume = params.volume ?? '0.5';
  return (ctx: StrategyContext): StrategyOrder[] => {
    const closes = ctx.closes;
    if (closes.length <= channel) return [];
    const past = closes.slice(closes.length - 1 - channel, closes.length - 1);
    const high = Math.max(...past), low = Math.min(...past);
    const side = ctx.bid > high ? 'buy' : ctx.bid < low ? 'sell' : undefined;
    const open = ctx.positions.filter((p) => p.symbol === ctx.symbol);
    if (!side || open.some((p) => p.side === side)) return [];
    return [
      ...open.map((p): StrategyOrder => ({ action: 'close', ticket: p.ticket })),
      { action: 'open', side, volume, sl: side === 'buy' ? low : high },
    ];
  };
}
