// Lot arithmetic for the built-in strategies: a volume a strategy computes (a multiple, a
// product) put on the instrument's lot step, exactly, before it becomes an order.
import { Dec } from '../../engine/decimal.js';
import type { StrategyContext } from '../strategy.js';

/** `lots` rounded down to the lot step and kept within the minimum and maximum lot, as a decimal string. */
export function onLotStep(lots: number, inst: StrategyContext['instrument']): string {
  const step = new Dec(String(inst.lotStep));
  const v = new Dec(lots.toPrecision(15)).div(step).floor().times(step);
  const min = new Dec(String(inst.minLot)), max = new Dec(String(inst.maxLot));
  return Dec.max(min, Dec.min(max, v)).toString();
}

/** `pips` as a price distance. */
export const pips = (n: number, inst: StrategyContext['instrument']): number => n * inst.pip;
