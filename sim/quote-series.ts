// Quotes held compactly (issue 13). A symbol's validated prices are kept as whole numbers of the
// instrument's smallest digit (price × 10^digits) in typed arrays, and become PriceTick objects
// with decimal values only when the runner reaches them. A year of M1 bars is 375,000 bars of
// 44 bytes (16 MB) instead of 1.5 million quote objects holding decimal.js values (about 1.2 GB).
// Every price is exact: digits ≤ 8 and prices ≤ 10^7 (the schema's bounds) make each price a
// safe integer below 10^15, and the decimal made back from it equals the one that was read.
import { Dec } from '../engine/decimal.js';
import type { Instrument } from '../engine/instrument.js';
import { type ServerTime, serverTime } from '../engine/time.js';
import { Price } from '../engine/values.js';
import type { BarInfo, PriceTick } from './price-rows.js';

/** A time-ordered run of quotes, read by position. */
export interface Quotes extends Iterable<PriceTick> {
  readonly length: number;
  time(i: number): ServerTime;
  /** The i-th quote, made on demand (a new object each call, except a bar's shared `bar`). */
  at(i: number): PriceTick;
  /** Whether the i-th quote's bid/ask are final in the data (not one of a bar's two extremes, which the runner resolves). */
  firm(i: number): boolean;
}

function* iterate(q: Quotes): Generator<PriceTick> {
  for (let i = 0; i < q.length; i++) yield q.at(i);
}

/** A growable column of doubles (each a safe integer or a time in ms). */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number { return this.data[i]!; }
  /** Drops the spare capacity once the column is complete. */
  trim(): void { this.data = this.data.slice(0, this.length); }
}

/** Most prices a series keeps made (a year of EURUSD minute bars has a few thousand distinct ones). */
const PRICE_CACHE = 1 << 16;

/** Turns decimals of at most `digits` places into whole units of 10^-digits and back. */
export class PriceUnits {
  /**
   * Prices already made, by units: quotes revisit the same few thousand prices, and a Price is
   * immutable, so sharing one saves making its decimal (and its double) again. Emptied when full.
   */
  private readonly made = new Map<number, Price>();
  private readonly scale: Dec;
  private readonly point: Dec;
  /** 10^digits as a number (exact: digits ≤ 8). */
  readonly scaleNumber: number;
  constructor(readonly digits: number) {
    this.scale = new Dec(10).pow(digits);
    this.point = new Dec(10).pow(-digits);
    this.scaleNumber = 10 ** digits;
  }
  static of(inst: Instrument): PriceUnits { return new PriceUnits(inst.digits); }
  /** Exact for a decimal with at most `digits` places within the price bounds (checked by the reader). */
  units(d: Dec): number { return d.times(this.scale).toNumber(); }
  dec(units: number): Dec { return new Dec(units).times(this.point); }
  price(units: number): Price {
    let p = this.made.get(units);
    if (p === undefined) {
      if (this.made.size >= PRICE_CACHE) this.made.clear();
      this.made.set(units, (p = new Price(this.dec(units))));
    }
    return p;
  }
}

/** Tick rows: one quote per row, bid and ask as read. */
export class TickSeries implements Quotes {
  private readonly times = new Column();
  private readonly bids = new Column();
  private readonly asks = new Column();
  private readonly px: PriceUnits;

  constructor(readonly symbol: string, inst: Instrument) {
    this.px = PriceUnits.of(inst);
  }

  /** A tick in whole units of the instrument's last digit. */
  push(time: ServerTime, bid: number, ask: number): void {
    this.times.push(time);
    this.bids.push(bid);
    this.asks.push(ask);
  }

  finish(): this {
    this.times.trim(); this.bids.trim(); this.asks.trim();
    return this;
  }

  get length(): number { return this.times.length; }
  time(i: number): ServerTime { return this.times.get(i) as ServerTime; }
  firm(): boolean { return true; }
  at(i: number): PriceTick {
    return { time: this.time(i), symbol: this.symbol, bid: this.px.price(this.bids.get(i)), ask: this.px.price(this.asks.get(i)), continuous: false };
  }
  [Symbol.iterator](): Iterator<PriceTick> { return iterate(this); }
}

/**
 * Bar rows: each bar is four quotes of bid prices (ask = bid + spread): the open at the bar's
 * time (across the gap from the previous close), its two extremes at a third and two thirds of
 * the bar, and the close at its end, these three continuous. Which extreme comes first is
 * decided when the bar runs (policy `intrabar`), so the extremes carry the high and the low in
 * that order until the runner resolves them.
 */
export class BarSeries implements Quotes {
  private readonly times = new Column();
  private readonly prices = new Column(); // open, high, low, close per bar
  private readonly spreadOf = new Column(); // index into `spreads`
  private readonly spreads: Dec[] = [];
  /** Each spread in whole units when it is one (then an ask is a price of the cache too), else undefined. */
  private readonly spreadUnits: Array<number | undefined> = [];
  private readonly spreadIndex = new Map<string, number>();
  private readonly px: PriceUnits;
  private readonly ms: number;
  /** The last bar made into a BarInfo: its four quotes share it, and the runner reads bars in order. */
  private cached: { index: number; bar: BarInfo } | undefined;

  constructor(readonly symbol: string, inst: Instrument, minutes: number) {
    this.px = PriceUnits.of(inst);
    this.ms = minutes * 60_000;
  }

  /** A bar in whole units of the instrument's last digit; `spread` in price units (points × point size). */
  push(time: ServerTime, o: number, h: number, l: number, c: number, spread: Dec): void {
    this.times.push(time);
    this.prices.push(o); this.prices.push(h); this.prices.push(l); this.prices.push(c);
    const key = spread.toString();
    let k = this.spreadIndex.get(key);
    if (k === undefined) {
      k = this.spreads.length;
      this.spreads.push(spread);
      const u = spread.times(this.px.scaleNumber);
      this.spreadUnits.push(u.isInteger() ? u.toNumber() : undefined);
      this.spreadIndex.set(key, k);
    }
    this.spreadOf.push(k);
  }

  finish(): this {
    this.times.trim(); this.prices.trim(); this.spreadOf.trim();
    return this;
  }

  get length(): number { return this.times.length * 4; }
  /** When the bar opened at `time` ends: its close's time. */
  endOf(time: ServerTime): ServerTime { return serverTime(time + this.ms); }
  time(i: number): ServerTime {
    const k = i & 3;
    return serverTime(this.times.get(i >> 2) + Math.floor((this.ms * k) / 3));
  }
  firm(i: number): boolean { const k = i & 3; return k === 0 || k === 3; }

  private bar(b: number): BarInfo {
    if (this.cached?.index === b) return this.cached.bar;
    const p = (j: number): Price => this.px.price(this.prices.get(b * 4 + j));
    const bar: BarInfo = { open: p(0), high: p(1), low: p(2), close: p(3), spread: this.spreads[this.spreadOf.get(b)]!, highAsk: this.ask(b * 4 + 1), lowAsk: this.ask(b * 4 + 2) };
    this.cached = { index: b, bar };
    return bar;
  }

  /** The ask of the i-th quote's bid (bid + the bar's spread): a cached price when the spread is whole units. */
  private ask(i: number): Price {
    const k = this.spreadOf.get(i >> 2);
    const su = this.spreadUnits[k];
    return su === undefined ? new Price(this.px.dec(this.prices.get(i)).plus(this.spreads[k]!)) : this.px.price(this.prices.get(i) + su);
  }

  at(i: number): PriceTick {
    const k = i & 3;
    const b = i >> 2;
    const bar = this.bar(b);
    const bid = k === 0 ? bar.open : k === 1 ? bar.high : k === 2 ? bar.low : bar.close;
    const ask = k === 1 ? bar.highAsk : k === 2 ? bar.lowAsk : this.ask(i);
    return { time: this.time(i), symbol: this.symbol, bid, ask, continuous: k !== 0, bar, extreme: k === 1 ? 1 : k === 2 ? 2 : undefined };
  }
  [Symbol.iterator](): Iterator<PriceTick> { return iterate(this); }
}

/** Quotes already made (a stress effect's extra ticks, tests). */
export class ArrayQuotes implements Quotes {
  constructor(private readonly ticks: readonly PriceTick[]) {}
  get length(): number { return this.ticks.length; }
  time(i: number): ServerTime { return this.ticks[i]!.time; }
  at(i: number): PriceTick { return this.ticks[i]!; }
  firm(i: number): boolean { return this.ticks[i]!.extreme === undefined; }
  [Symbol.iterator](): Iterator<PriceTick> { return this.ticks[Symbol.iterator](); }
}

/**
 * Several time-ordered runs merged into one, ordered by time and, at one time, by the order of
 * `parts` (stable): the merge order is kept as two small integer columns, the quotes stay in
 * their parts.
 */
export class MergedQuotes implements Quotes {
  private readonly part: Uint8Array | Uint16Array;
  private readonly index: Int32Array;

  constructor(readonly parts: readonly Quotes[]) {
    const n = parts.reduce((s, p) => s + p.length, 0);
    this.part = parts.length <= 256 ? new Uint8Array(n) : new Uint16Array(n);
    this.index = new Int32Array(n);
    const next = parts.map(() => 0);
    const head = parts.map((p) => (p.length > 0 ? p.time(0) : Infinity));
    for (let o = 0; o < n; o++) {
      let best = 0;
      for (let s = 1; s < parts.length; s++) if (head[s]! < head[best]!) best = s;
      this.part[o] = best;
      this.index[o] = next[best]!;
      const j = ++next[best]!;
      head[best] = j < parts[best]!.length ? parts[best]!.time(j) : Infinity;
    }
  }

  get length(): number { return this.index.length; }
  time(i: number): ServerTime { return this.parts[this.part[i]!]!.time(this.index[i]!); }
  at(i: number): PriceTick { return this.parts[this.part[i]!]!.at(this.index[i]!); }
  firm(i: number): boolean { return this.parts[this.part[i]!]!.firm(this.index[i]!); }
  [Symbol.iterator](): Iterator<PriceTick> { return iterate(this); }
}

