// One validator for rows of prices, whether written inline in the scenario (`ticks`, `bars`)
// or read from a CSV file, so both are held to the same rules with the same messages; only
// where a row is named differs (a JSON path, or a file and line).
import { Dec } from '../engine/decimal.js';
import { type Instrument, pointSize } from '../engine/instrument.js';
import type { ServerTime } from '../engine/time.js';
import type { Price } from '../engine/values.js';
import { type ServerTimeZone, parseTime } from './calendar.js';
import { InputError, shown } from './input-error.js';
import { MAX_QUOTES, magnitudeProblem } from './limits.js';
import { BarSeries, PriceUnits, type Quotes, TickSeries } from './quote-series.js';

export interface BarInfo {
  readonly open: Price;
  readonly high: Price;
  readonly low: Price;
  readonly close: Price;
  /** Spread in price units (ask = bid + spread). */
  readonly spread: Dec;
  /** high + spread and low + spread: the asks of the two extremes, whichever order the runner gives them. */
  readonly highAsk: Price;
  readonly lowAsk: Price;
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

/** A plain price as written in data: digits, an optional fraction, no sign. */
const PLAIN_PRICE_RE = /^(\d{1,8})(?:\.(\d{1,8}))?$/;
const PRICE_MAX = 1e7;

/**
 * `readPrice` in whole units of the instrument's last digit (price × 10^digits), the fast path
 * for rows of data: a plain price within the bounds is read with integer arithmetic; anything
 * else goes through `readPrice`, which accepts it the same way or refuses it with its message.
 */
export function readPriceUnits(cell: Cell | undefined, inst: Instrument, px: PriceUnits, w: Where): number {
  const m = typeof cell === 'string' ? PLAIN_PRICE_RE.exec(cell) : null;
  if (m) {
    const frac = m[2] ?? '';
    const whole = Number(m[1]);
    if (frac.length <= inst.digits && whole < PRICE_MAX) {
      const units = whole * px.scaleNumber + (frac.length ? Number(frac) * 10 ** (inst.digits - frac.length) : 0);
      if (units > 0) return units;
    }
  }
  return px.units(readPrice(cell, inst, w));
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

/** A tick's prices against each other (in units): the ask is never below the bid. */
function checkTick(bid: number, ask: number, px: PriceUnits, w: Where): void {
  if (ask < bid) fail(w, `ask ${px.dec(ask).toString()} is below bid ${px.dec(bid).toString()}`);
}

/** A bar's prices against each other (in units): high and low enclose open and close (the bar's quotes are laid out by BarSeries). */
function checkBar(o: number, h: number, l: number, c: number, px: PriceUnits, w: Where): void {
  const t = (u: number): string => px.dec(u).toString();
  if (h < o || h < c || l > o || l > c || h < l) fail(w, `bar high ${t(h)} / low ${t(l)} must enclose open ${t(o)} and close ${t(c)}`);
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
 * Validates rows of prices one at a time, in order, and keeps them compactly (sim/quote-series.ts):
 * rows are pushed (a CSV's as the parser reads them, so no list of records is ever held), then
 * `finish` hands over the quotes.
 */
export class RowValidator {
  private readonly out: TickSeries | BarSeries;
  private prev: { open: ServerTime; end: ServerTime } | undefined;
  private readonly px: PriceUnits;
  /** Spreads in price units by the cell that states them in points (rows repeat a few spreads). */
  private readonly spreads = new Map<Cell, Dec>();
  private readonly defaultSpread: Dec;

  constructor(private readonly rules: RowRules) {
    const { inst, timeframe: tf } = rules;
    this.px = PriceUnits.of(inst);
    this.defaultSpread = rules.defaultSpread.times(pointSize(inst));
    this.out = tf === undefined ? new TickSeries(inst.symbol, inst) : new BarSeries(inst.symbol, inst, TIMEFRAMES[tf]);
  }

  private spread(cell: Cell | undefined, w: Where): Dec {
    if (cell === undefined) return this.defaultSpread;
    let d = this.spreads.get(cell);
    if (d === undefined) this.spreads.set(cell, (d = readSpread(cell, w).times(pointSize(this.rules.inst))));
    return d;
  }

  add(row: PriceRow): void {
    const { inst, timeframe: tf, zone, budget } = this.rules;
    const c = row.cells;
    const time = readTime(c[0], zone, row.where(0));
    checkSequence(time, this.prev, tf !== undefined, row.where(0));
    if (this.out.length + quotesPerRow(tf) > budget) fail(row.where(), tooManyQuotes('this row'));
    const out = this.out;
    const px = this.px;
    if (out instanceof TickSeries) {
      const bid = readPriceUnits(c[1], inst, px, row.where(1));
      const ask = readPriceUnits(c[2], inst, px, row.where(2));
      checkTick(bid, ask, px, row.where());
      out.push(time, bid, ask);
      this.prev = { open: time, end: time };
      return;
    }
    const spread = this.spread(c[5], row.where(5));
    const o = readPriceUnits(c[1], inst, px, row.where(1));
    const h = readPriceUnits(c[2], inst, px, row.where(2));
    const l = readPriceUnits(c[3], inst, px, row.where(3));
    const cl = readPriceUnits(c[4], inst, px, row.where(4));
    checkBar(o, h, l, cl, px, row.where());
    out.push(time, o, h, l, cl, spread);
    this.prev = { open: time, end: out.endOf(time) };
  }

  finish(): Quotes {
    if (this.out.length === 0) fail(this.rules.source, 'expected at least one row of prices');
    return this.out.finish();
  }
}

/** Validates a list of rows (see RowValidator). */
export function rowsToQuotes(rows: Iterable<PriceRow>, rules: RowRules): Quotes {
  const v = new RowValidator(rules);
  for (const row of rows) v.add(row);
  return v.finish();
}
