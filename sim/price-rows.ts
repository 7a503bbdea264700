// One validator for rows of prices, whether written inline in the scenario (`ticks`, `bars`)
// or read from a CSV file, so both are held to the same rules with the same messages; only
// where a row is named differs (a JSON path, or a file and line).
import { Dec } from '../engine/decimal.js';
import { type Instrument, pointSize } from '../engine/instrument.js';
import { type ServerTime, serverTime } from '../engine/time.js';
import { Price } from '../engine/values.js';
import { type ServerTimeZone, parseTime } from './calendar.js';
import { InputError, shown } from './input-error.js';
import { MAX_QUOTES, magnitudeProblem } from './limits.js';

export interface BarInfo {
  readonly open: Price;
  readonly high: Price;
  readonly low: Price;
  readonly close: Price;
  /** Spread in price units (ask = bid + spread). */
  readonly spread: Dec;
}

export interface PriceTick {
  readonly time: ServerTime;
  readonly symbol: string;
  /** For a bar's two middle points these are resolved by the runner (see `extreme`). */
  readonly bid: Price;
  readonly ask: Price;
  /** False across a gap (every tick, a bar's open); true within a bar. */
  readonly continuous: boolean;
  /** The bar this quote belongs to. */
  readonly bar?: BarInfo;
  /** A bar's first or second extreme: which of high and low comes first is decided at run time. */
  readonly extreme?: 1 | 2;
}

export const TIMEFRAMES = { M1: 1, M5: 5, M15: 15, M30: 30, H1: 60, H4: 240, D1: 1440 } as const;
export type Timeframe = keyof typeof TIMEFRAMES;

export type Cell = string | number;

/** A place in the input: a scenario JSON path, or a CSV file and line. */
export interface Where { readonly file: string; readonly path: string; readonly line?: number }

export function fail(w: Where, expected: string): never {
  throw new InputError(w.file, w.path, expected, w.line);
}

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
const UNSIGNED_RE = /^\d+(\.\d+)?$/;

const cellText = (cell: Cell | undefined): string | undefined => (typeof cell === 'number' ? String(cell) : cell?.trim());

export function readPrice(cell: Cell | undefined, inst: Instrument, w: Where): Dec {
  const text = cellText(cell);
  if (text === undefined || !DECIMAL_RE.test(text)) fail(w, `expected a price (a decimal number), got ${shown(cell)}`);
  const d = new Dec(text);
  if (!d.isPositive() || d.isZero()) fail(w, `expected a positive price, got ${shown(text)}`);
  const big = magnitudeProblem(d, 'price');
  if (big) fail(w, `${big}, got ${shown(text)}`);
  if (d.decimalPlaces() > inst.digits) fail(w, `price ${shown(text)} has more than the ${inst.digits} digits of ${inst.symbol}`);
  return d;
}

export function readTime(cell: Cell | undefined, zone: ServerTimeZone, w: Where): ServerTime {
  const t = typeof cell === 'string' ? parseTime(cell.trim(), zone) : undefined;
  if (t === undefined) fail(w, `expected a time like 2024-03-04T10:00:00 (a real date; offsets within ±14:00), got ${shown(cell)}`);
  return t;
}

export function readSpread(cell: Cell | undefined, w: Where): Dec {
  const text = cellText(cell);
  if (text === undefined || !UNSIGNED_RE.test(text)) fail(w, `expected a spread in points (a non-negative number), got ${shown(cell)}`);
  const d = new Dec(text);
  const big = magnitudeProblem(d, 'points');
  if (big) fail(w, `${big}, got ${shown(text)}`);
  return d;
}

export function tick(time: ServerTime, symbol: string, bid: Dec, ask: Dec, w: Where): PriceTick {
  if (ask.lt(bid)) fail(w, `ask ${ask.toString()} is below bid ${bid.toString()}`);
  return { time, symbol, bid: new Price(bid), ask: new Price(ask), continuous: false };
}

/**
 * One bar as a price path of bid quotes (ask = bid + spread): the open at the bar's time
 * (across the gap from the previous close), its two extremes at a third and two thirds of
 * the bar, and the close at its end, these three continuous. Which extreme comes first is
 * decided when the bar runs (policy `intrabar`).
 */
export function barTicks(time: ServerTime, tf: Timeframe, symbol: string, o: Dec, h: Dec, l: Dec, c: Dec, spread: Dec, inst: Instrument, w: Where): PriceTick[] {
  if (h.lt(o) || h.lt(c) || l.gt(o) || l.gt(c) || h.lt(l)) fail(w, `bar high ${h.toString()} / low ${l.toString()} must enclose open ${o.toString()} and close ${c.toString()}`);
  const s = spread.times(pointSize(inst));
  const ms = TIMEFRAMES[tf] * 60_000;
  const bar: BarInfo = { open: new Price(o), high: new Price(h), low: new Price(l), close: new Price(c), spread: s };
  const at = (k: number): ServerTime => serverTime(time + Math.floor((ms * k) / 3));
  const q = (t: ServerTime, bid: Dec, continuous: boolean, extreme?: 1 | 2): PriceTick => ({ time: t, symbol, bid: new Price(bid), ask: new Price(bid.plus(s)), continuous, bar, extreme });
  return [q(time, o, false), q(at(1), h, true, 1), q(at(2), l, true, 2), q(at(3), c, true)];
}

/** One row as read: its cells, and where each cell (or the row, col undefined) is. */
export interface PriceRow {
  readonly cells: readonly Cell[];
  readonly where: (col?: number) => Where;
}

export interface RowRules {
  readonly inst: Instrument;
  readonly zone: ServerTimeZone;
  /** Bars of this timeframe, or ticks when undefined. */
  readonly timeframe?: Timeframe;
  /** Spread in points of a bar row without its own. */
  readonly defaultSpread: Dec;
  /** Quotes the scenario may still hold (MAX_QUOTES less those of earlier symbols). */
  readonly budget: number;
  /** Where the rows are, to report that there are none. */
  readonly source: Where;
}

/** Quotes a row becomes: one a tick, four a bar (its path). */
export const quotesPerRow = (timeframe: Timeframe | undefined): number => (timeframe ? 4 : 1);

/** The refusal of a series that would take the scenario past MAX_QUOTES (`what`: this row, this series of N bars). */
export function tooManyQuotes(what: string): string {
  return `${what} takes the scenario past the limit of ${MAX_QUOTES.toLocaleString('en-US')} quotes for all symbols together (a bar is 4 quotes; see docs/input-limits.md)`;
}

/**
 * A row's time against the row before it: strictly later for ticks (one quote per time);
 * for bars, at or after the previous bar's end (its close), so no two bars overlap.
 */
function checkSequence(time: ServerTime, prev: { open: ServerTime; end: ServerTime } | undefined, bars: boolean, w: Where): void {
  if (!prev) return;
  if (time < prev.open) fail(w, 'prices must be sorted by time: this row is earlier than the row before it');
  if (time === prev.open) fail(w, 'this row has the same time as the row before it: one row per time (prices sorted strictly by time)');
  if (bars && time < prev.end) fail(w, 'this bar opens before the previous bar ends: check the timeframe');
}

/**
 * Validates rows of prices one at a time, in order, and turns them into quotes: rows are
 * pushed (a CSV's as the parser reads them, so no list of records is ever held), then
 * `finish` hands over the quotes.
 */
export class RowValidator {
  private readonly out: PriceTick[] = [];
  private prev: { open: ServerTime; end: ServerTime } | undefined;

  constructor(private readonly rules: RowRules) {}

  add(row: PriceRow): void {
    const { inst, timeframe: tf, zone, budget } = this.rules;
    const c = row.cells;
    const time = readTime(c[0], zone, row.where(0));
    checkSequence(time, this.prev, tf !== undefined, row.where(0));
    if (this.out.length + quotesPerRow(tf) > budget) fail(row.where(), tooManyQuotes('this row'));
    if (tf === undefined) {
      this.out.push(tick(time, inst.symbol, readPrice(c[1], inst, row.where(1)), readPrice(c[2], inst, row.where(2)), row.where()));
      this.prev = { open: time, end: time };
      return;
    }
    const spread = c[5] === undefined ? this.rules.defaultSpread : readSpread(c[5], row.where(5));
    const path = barTicks(time, tf, inst.symbol, readPrice(c[1], inst, row.where(1)), readPrice(c[2], inst, row.where(2)), readPrice(c[3], inst, row.where(3)), readPrice(c[4], inst, row.where(4)), spread, inst, row.where());
    this.out.push(...path);
    this.prev = { open: time, end: path[3]!.time };
  }

  finish(): PriceTick[] {
    if (this.out.length === 0) fail(this.rules.source, 'expected at least one row of prices');
    return this.out;
  }
}

/** Validates a list of rows (see RowValidator). */
export function rowsToTicks(rows: Iterable<PriceRow>, rules: RowRules): PriceTick[] {
  const v = new RowValidator(rules);
  for (const row of rows) v.add(row);
  return v.finish();
}
