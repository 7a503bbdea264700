// The documented bounds on what mamlab reads (docs/input-limits.md). Each exists so that a
// bad or hostile file is refused with a message instead of exhausting memory or breaking the
// engine's exact arithmetic; the numbers behind them are measured in that document.
import { Dec } from '../engine/decimal.js';

/**
 * Largest YAML scenario file (any scenario text that is not JSON). The YAML parser keeps every
 * node with its source position (for line numbers in errors) and allocates far more while it
 * works: a file of 1 MiB peaked at 0.7 GB when it was nothing but tiny numbers (the worst
 * case), 0.33 GB to validate and 0.49 GB to run as 23,000 inline ticks; 4 MiB of tiny numbers
 * peaked at 2.2 GB. Each Monte Carlo worker loads the scenario again, so the bound stays small.
 */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/**
 * Largest JSON scenario file. JSON goes through JSON.parse and a scan of the text
 * (sim/json-text.ts) instead of the YAML document, at a fraction of the memory (measured peaks
 * in docs/input-limits.md). 32 MiB holds a program of 11,000 investors, their flows and 10,000 orders
 * (1.6 MB) twenty times over; long price series still belong in CSV files.
 */
export const MAX_JSON_SCENARIO_BYTES = 32 * 1024 * 1024;

/**
 * Most quotes in one scenario, all symbols together (a bar is four quotes). Quotes are held as
 * integer columns (sim/quote-series.ts: 11 bytes a quote of bars, 24 of ticks, plus 5 for the
 * merge order) and made into objects only as the run reaches them. Before that, every quote was
 * an object of decimals (1.24 GB for a year of M1 bars on one symbol) and the limit was 2
 * million; now a year of M1 bars on one symbol (1.5 million quotes) runs in 284 MB in all, and
 * eight million is a year of minute bars on five symbols, about 130 MB of bars or 230 MB of ticks.
 */
export const MAX_QUOTES = 8_000_000;

/** A byte count as messages give limits: 1048576 → "1 MiB". */
export const mib = (n: number): string => `${n / (1024 * 1024)} MiB`;

/** Largest price CSV: room for MAX_QUOTES tick rows of about 60 characters. */
export const MAX_PRICE_FILE_BYTES = 128 * 1024 * 1024;

/** Longest CSV record (characters): a price row is well under 100; longer means a wrong delimiter or junk. */
export const MAX_CSV_RECORD_CHARS = 1000;

/** YAML aliases (yaml's `maxAliasCount`): an anchor may be used this many times, fewer when it holds aliases itself (uses × nested weight), so an alias bomb is refused. */
export const MAX_ALIAS_COUNT = 100;

/** Largest absolute value of any number written as a JSON/YAML number (not a string). */
export const MAX_JSON_NUMBER = 1e15;

/** Most decimal places of any decimal value (the finest precision is 10^-12). */
export const MAX_DECIMAL_PLACES = 12;

/** Longest user value quoted back in a message. */
export const MAX_ECHO_CHARS = 60;

/**
 * The kinds of decimal value a scenario holds and the largest absolute value of each (the
 * schema names a field's kind with the `magnitude` keyword; price rows use `price` and
 * `points`). decimal.js keeps 80 significant digits (engine/decimal.ts): a sum or product is
 * exact only while it fits. The largest exact product the engine forms is a profit, volume ×
 * allocation factor × contract size × price (moved by a stress factor) × conversion rate
 * (a price or its inverse, at most 10^8 for a price of one point at 8 digits):
 * 10^6 × 10^6 × 10^7 × 10^11 × 10^8 = 10^38, with 12 decimal places 50 significant digits,
 * leaving 30 for sums of many entries. Money (10^12) is far above any real account and
 * far below that; money of 10^73 with a 10^-7 quantum needed all 80 digits and conservation
 * broke by 10^-7.
 */
export const MAGNITUDES = {
  money: { max: '1e12', what: 'an amount of money' },
  volume: { max: '1e6', what: 'a volume in lots' },
  price: { max: '1e7', what: 'a price' },
  contract: { max: '1e7', what: 'a contract size' },
  points: { max: '1e7', what: 'a number of points' },
  factor: { max: '1e6', what: 'a factor or percentage' },
  decimal: { max: '1e12', what: 'a number' },
} as const;
export type MagnitudeKind = keyof typeof MAGNITUDES;

export function isMagnitudeKind(k: unknown): k is MagnitudeKind {
  return typeof k === 'string' && Object.hasOwn(MAGNITUDES, k);
}

const power = (max: string): string => `10^${max.slice(2)}`;

/** What a value of this kind must be, for messages and the docs. */
export function magnitudeRule(kind: MagnitudeKind): string {
  const m = MAGNITUDES[kind];
  return `${m.what} of at most ${power(m.max)} in absolute value with at most ${MAX_DECIMAL_PLACES} decimal places`;
}

/** Why a decimal is out of its kind's range, or undefined when it is within. */
export function magnitudeProblem(d: Dec, kind: MagnitudeKind): string | undefined {
  if (d.abs().gt(MAGNITUDES[kind].max)) return `expected ${magnitudeRule(kind)}`;
  if (d.decimalPlaces() > MAX_DECIMAL_PLACES) return `expected ${magnitudeRule(kind)}`;
  return undefined;
}

/**
 * Most investors in one scenario, explicit and generated together (a generated group's `count`
 * is bounded by it in the schema too). A run's work per instant and its outputs grow with the
 * investors; the scale benchmark runs 11,000, and a group of 100,000 expands in about 0.6 s
 * (sim/population.ts; docs/input-limits.md).
 */
export const MAX_INVESTORS = 100_000;

/** Largest seed: seeded streams take 32-bit seeds (the schema's `seed` maximum and `--seed`). */
export const MAX_SEED = 2 ** 32 - 1;
