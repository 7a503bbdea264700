// Margin (DOMAIN §5, §9): what open positions tie up at the account's leverage, the hedged-margin
// policy, free margin and margin level. Pure arithmetic; the program supplies prices and conversions.
import { Dec } from './decimal.js';
import type { Instrument, InstrumentClass, Side } from './instrument.js';

/**
 * How a long and a short of one symbol in one account are margined together (L long lots, S
 * short lots, H = min(L, S) hedged lots): `none` L + S; `larger-leg` max(L, S); `half-hedged` the
 * excess |L − S| in full and the hedged pair at half of one leg, |L − S| + H / 2; `per-leg`
 * (MT4's hedged margin) the excess in full and each hedged lot of each leg at `hedgedMarginPct`
 * percent of the normal margin, |L − S| + 2 × H × pct / 100. So per-leg at 50% is larger-leg,
 * at 25% half-hedged, at 100% none.
 */
export const HEDGED_MARGIN_POLICIES = ['none', 'half-hedged', 'larger-leg', 'per-leg'] as const;
export type HedgedMargin = (typeof HEDGED_MARGIN_POLICIES)[number];

/** Leverage of an account: one ratio (100 for 100:1), optionally another per instrument class. */
export interface Leverage {
  readonly default: Dec;
  readonly byClass: ReadonlyMap<InstrumentClass, Dec>;
}

/** The leverage of a position in `inst`: the account's own when it has one, else the class's, else the default. */
export function leverageFor(lev: Leverage, inst: Instrument, own?: Dec): Dec {
  return own ?? lev.byClass.get(inst.class) ?? lev.default;
}

/**
 * Margin of one lot, in the currency it is stated in: forex mode is contract / leverage in the
 * base currency (no price: 1 lot of EURUSD at 100:1 ties up 1,000 EUR); CFD mode is
 * contract × price / leverage in the quote (profit) currency.
 */
export function marginPerLot(inst: Instrument, price: Dec, leverage: Dec): { readonly amount: Dec; readonly currency: 'base' | 'quote' } {
  if (inst.marginMode === 'forex') return { amount: inst.contractSize.div(leverage), currency: 'base' };
  return { amount: inst.contractSize.times(price).div(leverage), currency: 'quote' };
}

/**
 * The lots of one symbol that carry margin, from its long and short lots in one account:
 * `none` margins both legs in full; `larger-leg` only the larger leg; `half-hedged` the
 * unhedged excess in full and the hedged pair (min of the legs) at half of one leg.
 */
export function marginedLots(long: Dec, short: Dec, policy: HedgedMargin, perLegPct: Dec = new Dec(50)): Dec {
  if (policy === 'none') return long.plus(short);
  if (policy === 'larger-leg') return Dec.max(long, short);
  const hedged = Dec.min(long, short);
  if (policy === 'per-leg') return long.minus(short).abs().plus(hedged.times(2).times(perLegPct).div(100));
  return long.minus(short).abs().plus(hedged.div(2));
}

/** Long and short lots per symbol, symbols in the order first met (deterministic output order). */
export function legsBySymbol(positions: Iterable<{ readonly symbol: string; readonly side: Side; readonly volume: { readonly value: Dec } }>): Map<string, { long: Dec; short: Dec }> {
  const out = new Map<string, { long: Dec; short: Dec }>();
  for (const p of positions) {
    const legs = out.get(p.symbol) ?? { long: new Dec(0), short: new Dec(0) };
    if (p.side === 'buy') legs.long = legs.long.plus(p.volume.value);
    else legs.short = legs.short.plus(p.volume.value);
    out.set(p.symbol, legs);
  }
  return out;
}

/** Margin level in percent: equity / used margin × 100; undefined with no margin in use. */
export function marginLevel(equity: Dec, used: Dec): Dec | undefined {
  if (!used.isPositive() || used.isZero()) return undefined;
  return equity.div(used).times(100);
}
