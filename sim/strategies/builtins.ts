// The built-in strategies, by name, each with its parameters' rules (checked when the scenario
// loads, so a bad value names /strategy/params/NAME) and its factory.
import type { Json } from '../reader.js';
import type { StrategyFactory } from '../strategy.js';
import { gridStrategy } from './grid.js';
import { maCross } from './ma-cross.js';
import { martingale } from './martingale.js';
import { randomEntries } from './random-entries.js';

export interface ParamSpec {
  readonly kind: 'number' | 'integer' | 'side';
  readonly default: number | string;
  readonly min?: number;
  readonly max?: number;
  /** Above zero (a volume or a step of 0 would open the minimum lot or stack every level at one price). */
  readonly positive?: boolean;
  /** What it is, for the docs. */
  readonly about: string;
}

export interface Builtin {
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly create: StrategyFactory;
  /** A rule across parameters (and the section's lookback): the parameter to blame and why, or undefined. */
  readonly check?: (params: Readonly<Record<string, Json>>, lookback: number) => [param: string, why: string] | undefined;
  /** One line, for the docs and messages. */
  readonly about: string;
}

export const BUILTIN_STRATEGIES: Readonly<Record<string, Builtin>> = {
  'ma-cross': maCross,
  grid: gridStrategy,
  martingale,
  'random-entries': randomEntries,
};
