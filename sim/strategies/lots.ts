// Lot and price arithmetic for the built-in strategies. Volumes a strategy computes (a multiple, a
// product) go on the instrument's lot step exactly before they become orders. Prices are compared
// in whole points (10^-digits) and volumes in whole lot steps, integers a double holds exactly,
// so a rule written as "10 pips above" triggers at exactly 10 pips, not at 10 pips plus a float's
// last bit (1.0910 − 1.0900 is 0.000999… in binary).
import { Dec } from '../../engine/decimal.js';
import type { StrategyContext } from '../strategy.js';

type Inst = StrategyContext['instrument'];

/** `lots` rounded down to the lot step and kept within the minimum and maximum lot, as a decimal string. */
export function onLotStep(lots: number, inst: Inst): string {
  const step = new Dec(String(inst.lotStep));
  const v = new Dec(lots.toPrecision(15)).div(step).floor().times(step);
  const min = new Dec(String(inst.minLot)), max = new Dec(String(inst.maxLot));
  return Dec.max(min, Dec.min(max, v)).toString();
}

/** A price in whole points (a quote has the instrument's digits, so this is exact). */
export const points = (price: number, inst: Inst): number => Math.round(price * 10 ** inst.digits);

/** `pips` as whole points (a fraction of a point rounds to the nearest). */
export const pipPoints = (pips: number, inst: Inst): number => Math.round(pips * inst.pip * 10 ** inst.digits);

/** Whole points back to a price, as a decimal string at the instrument's digits. */
export const price = (pts: number, inst: Inst): string => new Dec(pts).div(new Dec(10).pow(inst.digits)).toFixed(inst.digits);

/** A volume in whole lot steps. */
export const steps = (lots: number, inst: Inst): number => Math.round(lots / inst.lotStep);
