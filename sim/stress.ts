// Seeded stress effects on a scenario's market (gaps, flash crashes, wide spreads, slippage):
// validated and drawn once per seed, then applied to each quote and fill as the run goes.
import { Dec } from '../engine/decimal.js';
import { type Instrument, pointSize } from '../engine/instrument.js';
import { type ServerTime, formatServerTime, serverTime } from '../engine/time.js';
import { Price } from '../engine/values.js';
import { type ServerTimeZone, parseTime } from './calendar.js';
import { InputError, pointer, shown } from './input-error.js';
import type { PriceTick } from './prices.js';
import { ArrayQuotes, type Quotes } from './quote-series.js';
import { type RandomStream, stream } from './rng.js';

/** A fixed value, or a uniform draw per seed in [min, max]. Numbers or decimal strings. */
export type Range = number | string | { min: number | string; max: number | string };

/**
 * One stress effect of the scenario's `stress` list (JSON path `/stress/i`). Effects compose
 * in list order; each effect draws its ranges from its own stream named after what it is,
 * `stress:<type>:<symbol>:<at or from>` (`#2`, `#3`… for a repeat of the same), so adding,
 * removing or reordering effects never changes another's draws. The rules, per type:
 *
 * - `gap` at a time T: every quote of the symbol at or after T moves by one constant offset,
 *   `points` × the point size, or `pct` % of the base mid before T (see `baseMid`), rounded
 *   to a point. Exactly one of `pct` and `points`; negative is down. `at: "weekends"` puts
 *   an independently drawn gap at the first quote of each trading week after the first one
 *   in the data (a quote whose previous quote of the symbol lies in an earlier week); these
 *   offsets add up. Weeks are cut at Saturday 12:00 server time, in the middle of the
 *   weekend: a bar's close stamped Saturday 00:00 still belongs to the week that ends, and
 *   a Sunday-evening quote (data from a broker whose week opens then) to the one that starts.
 * - `flash-crash` at T: at T bid and ask drop by `depthPct` % (0 < depthPct < 100) of the
 *   last base mid before T, rounded to a point; the drop then shrinks linearly until, at
 *   T + `recoveryMinutes`, `recoverPct` % of it (default 100) has come back; what remains
 *   stays as a constant offset. Each quote's remaining drop is rounded to a point. A quote
 *   at T is added (`extraTicks`, a copy of that last base quote) unless the data has one,
 *   so the bottom is always seen.
 * - `spread` in [from, to): ask = bid + (ask − bid) × `multiplier`, or ask + `points` × the
 *   point size; exactly one of the two.
 * - `slippage` in [from, to): every fill of the symbol slips against the trader by `points`
 *   × the point size; windows that overlap add.
 *
 * Drawn values: min + (max − min) × u with u uniform in [0, 1), rounded half away from zero
 * to whole points for point quantities and to 4 decimals for `pct`, `depthPct`, `recoverPct`
 * and `multiplier`. A fixed value takes no draw. An effect draws in the order of its fields
 * as listed above (depthPct before recoverPct); a `weekends` gap draws once per weekend in
 * time order. Point quantities are whole numbers of points.
 */
export type StressSpec =
  | { type: 'gap'; symbol: string; at: 'weekends' | string; pct?: Range; points?: Range }
  | { type: 'flash-crash'; symbol: string; at: string; depthPct: Range; recoveryMinutes: number; recoverPct?: Range }
  | { type: 'spread'; symbol: string; from: string; to: string; multiplier?: Range; points?: Range }
  | { type: 'slippage'; symbol: string; from: string; to: string; points: Range };

/** One concrete effect of a run, with the numbers this seed drew. */
export interface StressEffect {
  readonly type: StressSpec['type'];
  readonly symbol: string;
  readonly from: ServerTime;
  /** Where the effect ends: a window's end, a crash's recovery time; none for a gap. */
  readonly to?: ServerTime;
  /** The concrete drawn numbers, human readable. */
  readonly detail: string;
}

export interface Stress {
  /** Ticks to merge into the price stream (e.g. a flash crash's bottom at its time): plain ticks, continuous false, no bar. They carry base prices: pass them through `apply` like every quote. */
  readonly extraTicks: readonly PriceTick[];
  /**
   * The stressed bid/ask of a quote of `symbol` at `time` (bid/ask as resolved by the
   * runner): every effect in list order on exact values, then each rounded half away from
   * zero to the instrument's digits; a bid below one point is lifted to one point with the
   * ask lifted alike (the spread kept), and the ask is at least the bid. The same objects
   * when no effect touches the quote.
   */
  apply(symbol: string, time: ServerTime, bid: Price, ask: Price): { bid: Price; ask: Price };
  /** Adverse slippage, in price units (≥ 0), for a fill of `symbol` at `time`; 0 outside every slippage window. */
  slippage(symbol: string, time: ServerTime): Dec;
  /** One line per concrete effect (a `weekends` gap gives one per weekend crossed), in time order. */
  readonly effects: readonly StressEffect[];
}

export interface StressContext {
  readonly file: string;
  readonly zone: ServerTimeZone;
  readonly seed: number;
  /** Line in the scenario file of a JSON path, where known. */
  readonly lineOf: (path: ReadonlyArray<string | number>) => number | undefined;
}

/** No stress: every quote as it is, no slippage. */
export const NO_STRESS: Stress = {
  extraTicks: [],
  apply: (_symbol, _time, bid, ask) => ({ bid, ask }),
  slippage: () => new Dec(0),
  effects: [],
};

type Path = ReadonlyArray<string | number>;
type Kind = 'points' | 'pct' | 'multiplier';
/** A quantity of an effect as read: fixed, or the bounds of a draw. */
type Quantity = { readonly fixed: Dec } | { readonly min: Dec; readonly max: Dec };
/** A check of a quantity's value: the expectation it breaks, or undefined. */
type Bound = (d: Dec) => string | undefined;

/** A price change of one effect: the new exact bid and ask at `t`, or undefined where it does not reach. */
interface QuoteEffect {
  readonly symbol: string;
  readonly change: (t: ServerTime, bid: Dec, ask: Dec) => readonly [Dec, Dec] | undefined;
}
interface SlipWindow { readonly symbol: string; readonly from: ServerTime; readonly to: ServerTime; readonly amount: Dec }

const FIELDS: Record<StressSpec['type'], readonly string[]> = {
  gap: ['type', 'symbol', 'at', 'pct', 'points'],
  'flash-crash': ['type', 'symbol', 'at', 'depthPct', 'recoveryMinutes', 'recoverPct'],
  spread: ['type', 'symbol', 'from', 'to', 'multiplier', 'points'],
  slippage: ['type', 'symbol', 'from', 'to', 'points'],
};
const NUMBER_RE = /^-?\d+(\.\d+)?$/;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

const wholePoints: Bound = (d) => (d.isInteger() ? undefined : `a whole number of points, got ${d.toString()}`);
const atLeast = (min: number, then: Bound = () => undefined): Bound => (d) => (d.lt(min) ? `at least ${min}, got ${d.toString()}` : then(d));

/**
 * The trading week of t, as a day number: weeks are cut at Saturday 12:00 server time (see
 * StressSpec), so t is moved 36 hours on, making that cut Monday 00:00; 1970-01-01 was a Thursday.
 */
function weekOf(t: number): number {
  const day = Math.floor((t + 36 * HOUR) / DAY);
  return day - ((((day + 3) % 7) + 7) % 7);
}

/** Rounds to `digits` decimals, halves away from zero (decimal.js ROUND_HALF_UP), so ±0.5 points round alike. */
function roundTo(d: Dec, digits: number): Dec {
  return d.toDecimalPlaces(digits, Dec.ROUND_HALF_UP);
}

/** Reads one spec's fields, failing with its JSON path under `/stress/i`. */
class SpecReader {
  constructor(private readonly ctx: StressContext, private readonly i: number, private readonly spec: Record<string, unknown>) {}

  fail(k: Path, expected: string): never {
    const p = ['stress', this.i, ...k];
    throw new InputError(this.ctx.file, pointer(p), expected, this.ctx.lineOf(p));
  }

  has(k: string): boolean {
    return this.spec[k] !== undefined;
  }

  number(v: unknown, k: Path, what: string): Dec {
    const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : undefined;
    if (text === undefined || !NUMBER_RE.test(text)) this.fail(k, `expected ${what} (a decimal number), got ${shown(v)}`);
    return new Dec(text);
  }

  time(k: string, alternative = ''): ServerTime {
    const v = this.spec[k];
    const t = typeof v === 'string' ? parseTime(v, this.ctx.zone) : undefined;
    if (t === undefined) this.fail([k], `expected ${alternative}a time like 2024-03-11T10:00:00, got ${shown(v)}`);
    return t;
  }

  /** A Range field: a fixed value, or { min, max } with min ≤ max; `bound` checks every value given. */
  range(k: string, what: string, bound: Bound): Quantity {
    const v = this.spec[k];
    const checked = (d: Dec, at: Path): Dec => {
      const broken = bound(d);
      if (broken !== undefined) this.fail(at, `expected ${what}: ${broken}`);
      return d;
    };
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const extra = Object.keys(o).find((x) => x !== 'min' && x !== 'max');
      if (extra !== undefined) this.fail([k, extra], `unknown field ${shown(extra)}; expected one of: min, max`);
      const min = checked(this.number(o.min, [k, 'min'], what), [k, 'min']);
      const max = checked(this.number(o.max, [k, 'max'], what), [k, 'max']);
      if (min.gt(max)) this.fail([k], `min ${min.toString()} is above max ${max.toString()}`);
      return { min, max };
    }
    return { fixed: checked(this.number(v, [k], what), [k]) };
  }
}

/** A value for this seed: a fixed one as given, else min + (max − min) × u rounded by its kind. */
function draw(q: Quantity, kind: Kind, rng: RandomStream): Dec {
  if ('fixed' in q) return q.fixed;
  const u = new Dec(rng.next());
  return roundTo(q.min.plus(q.max.minus(q.min).times(u)), kind === 'points' ? 0 : 4);
}

/** One symbol's base quotes, in time order, for the prices effects are measured from. */
class BaseQuotes {
  constructor(readonly all: Quotes) {}

  /** The first quote (firm or not) at or after t; all.length when none. */
  private firstIndexFrom(t: ServerTime): number {
    let lo = 0, hi = this.all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.all.time(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The last firm quote strictly before t. Firm quotes have final bid/ask in the data: a bar's
   * two extremes are left out, since the runner decides which of high and low they carry.
   */
  lastBefore(t: ServerTime): PriceTick | undefined {
    for (let i = this.firstIndexFrom(t) - 1; i >= 0; i--) if (this.all.firm(i)) return this.all.at(i);
    return undefined;
  }

  /** The first firm quote at or after t. */
  firstFrom(t: ServerTime): PriceTick | undefined {
    for (let i = this.firstIndexFrom(t); i < this.all.length; i++) if (this.all.firm(i)) return this.all.at(i);
    return undefined;
  }

  has(t: ServerTime): boolean {
    const i = this.firstIndexFrom(t);
    return i < this.all.length && this.all.time(i) === t;
  }
}

const mid = (q: PriceTick): Dec => q.bid.value.plus(q.ask.value).div(2);

/**
 * Validates the scenario's `stress` list and draws it for `ctx.seed`. `quotes` are the base
 * quotes of each symbol, in time order, the effects are measured from. The rules are those
 * of `StressSpec`.
 */
export function buildStress(specs: readonly StressSpec[], instruments: ReadonlyMap<string, Instrument>, quotes: ReadonlyMap<string, Quotes>, ctx: StressContext): Stress {
  if (specs.length === 0) return NO_STRESS;
  const bases = new Map<string, BaseQuotes>();
  const baseOf = (symbol: string): BaseQuotes => {
    let b = bases.get(symbol);
    if (!b) bases.set(symbol, (b = new BaseQuotes(quotes.get(symbol) ?? new ArrayQuotes([]))));
    return b;
  };
  const quoteEffects: QuoteEffect[] = [];
  const slips: SlipWindow[] = [];
  const extraTicks: PriceTick[] = [];
  const effects: StressEffect[] = [];
  const names = new Map<string, number>();

  specs.forEach((raw: unknown, i) => {
    // Annotated so that TypeScript narrows after a call that never returns.
    const fail0: (k: Path, expected: string) => never = (k, expected) => {
      const p = ['stress', i, ...k];
      throw new InputError(ctx.file, pointer(p), expected, ctx.lineOf(p));
    };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail0([], 'expected a stress effect: an object with a `type`');
    const spec = raw as Record<string, unknown>;
    const type = spec.type as StressSpec['type'];
    if (!Object.hasOwn(FIELDS, type)) fail0(['type'], `expected one of ${Object.keys(FIELDS).join(', ')}, got ${shown(spec.type)}`);
    const r: SpecReader = new SpecReader(ctx, i, spec);
    for (const k of Object.keys(spec)) if (!FIELDS[type].includes(k)) r.fail([k], `unknown field ${shown(k)}; expected one of: ${FIELDS[type].join(', ')}`);
    const symbol = spec.symbol;
    const inst = typeof symbol === 'string' ? instruments.get(symbol) : undefined;
    if (!inst || typeof symbol !== 'string') r.fail(['symbol'], `unknown instrument ${shown(symbol)}; the scenario has: ${[...instruments.keys()].join(', ')}`);
    const point = pointSize(inst);
    const digits = inst.digits;
    const px = (d: Dec): string => d.toFixed(digits);
    const anchor = spec.at === 'weekends' ? 'weekends' : formatServerTime(r.time(spec.at !== undefined ? 'at' : 'from'));
    const key = `stress:${type}:${symbol}:${anchor}`;
    const repeat = (names.get(key) ?? 0) + 1;
    names.set(key, repeat);
    const rng = stream(ctx.seed, repeat === 1 ? key : `${key}#${repeat}`);
    const base = baseOf(symbol);
    const window = (): { from: ServerTime; to: ServerTime } => {
      const from = r.time('from');
      const to = r.time('to');
      if (to <= from) r.fail(['to'], `\`to\` must be after \`from\` (${spec.from as string})`);
      return { from, to };
    };
    /** Exactly one of two alternative fields, named in the error. */
    const oneOf = (a: string, b: string): string => {
      if (r.has(a) && r.has(b)) r.fail([b], `give either \`${a}\` or \`${b}\`, not both`);
      if (!r.has(a) && !r.has(b)) r.fail([], `expected \`${a}\` or \`${b}\``);
      return r.has(a) ? a : b;
    };

    if (type === 'gap') {
      const by = oneOf('pct', 'points');
      const q = by === 'points' ? r.range('points', 'a gap in points', wholePoints) : r.range('pct', 'a gap in percent', (d) => (d.gt(-100) ? undefined : `above -100, got ${d.toString()}`));
      /** The constant offset of a gap at t, drawn now, and its description. */
      const gapAt = (t: ServerTime): { offset: Dec; detail: string } => {
        const v = draw(q, by === 'points' ? 'points' : 'pct', rng);
        if (by === 'points') return { offset: v.times(point), detail: `gap ${v.toString()} points (${px(v.times(point))})` };
        const ref = base.lastBefore(t) ?? base.firstFrom(t);
        if (!ref) r.fail(['at'], `no quote of ${symbol} to take ${v.toString()}% of`);
        const offset = roundTo(mid(ref).times(v).div(100), digits);
        return { offset, detail: `gap ${v.toString()}% of mid ${mid(ref).toString()} = ${px(offset)}` };
      };
      if (spec.at === 'weekends') {
        const times: ServerTime[] = [];
        const cumulative: Dec[] = [];
        let sum = new Dec(0);
        const all = base.all;
        for (let k = 1; k < all.length; k++) {
          const time = all.time(k);
          if (weekOf(time) <= weekOf(all.time(k - 1))) continue;
          const g = gapAt(time);
          sum = sum.plus(g.offset);
          times.push(time);
          cumulative.push(sum);
          effects.push({ type, symbol, from: time, detail: `weekend ${g.detail}` });
        }
        quoteEffects.push({
          symbol,
          change(t, bid, ask) {
            // The last weekend gap at or before t carries the sum of all gaps so far.
            let lo = 0, hi = times.length;
            while (lo < hi) {
              const m = (lo + hi) >> 1;
              if (times[m]! <= t) lo = m + 1;
              else hi = m;
            }
            if (lo === 0) return undefined;
            const off = cumulative[lo - 1]!;
            return [bid.plus(off), ask.plus(off)];
          },
        });
      } else {
        const at = r.time('at', '"weekends" or ');
        const g = gapAt(at);
        effects.push({ type, symbol, from: at, detail: g.detail });
        quoteEffects.push({ symbol, change: (t, bid, ask) => (t >= at ? [bid.plus(g.offset), ask.plus(g.offset)] : undefined) });
      }
    } else if (type === 'flash-crash') {
      const at = r.time('at');
      const depthQ = r.range('depthPct', 'a drop in percent', (d) => (d.gt(0) && d.lt(100) ? undefined : `between 0 and 100 (both excluded), got ${d.toString()}`));
      const minutes = r.number(spec.recoveryMinutes, ['recoveryMinutes'], 'a recovery time in minutes');
      if (!minutes.isPositive() || minutes.isZero()) r.fail(['recoveryMinutes'], `expected a positive recovery time in minutes, got ${minutes.toString()}`);
      const recoverQ: Quantity = r.has('recoverPct') ? r.range('recoverPct', 'a recovered share in percent', (d) => (d.gte(0) && d.lte(100) ? undefined : `between 0 and 100, got ${d.toString()}`)) : { fixed: new Dec(100) };
      const depth = draw(depthQ, 'pct', rng);
      const recover = draw(recoverQ, 'pct', rng);
      const before = base.lastBefore(at);
      if (!before) r.fail(['at'], `no quote of ${symbol} before ${spec.at as string} to crash from`);
      const drop = roundTo(mid(before).times(depth).div(100), digits);
      const span = minutes.times(MINUTE);
      const end = serverTime(at + Number(roundTo(span, 0).toString()));
      const recovered = recover.div(100);
      if (!base.has(at)) extraTicks.push({ time: at, symbol, bid: before.bid, ask: before.ask, continuous: false });
      effects.push({
        type, symbol, from: at, to: end,
        detail: `drop ${depth.toString()}% of mid ${mid(before).toString()} = ${px(drop)}; ${recover.toString()}% (${px(roundTo(drop.times(recovered), digits))}) back after ${minutes.toString()} minutes`,
      });
      quoteEffects.push({
        symbol,
        change(t, bid, ask) {
          if (t < at) return undefined;
          const progress = Dec.min(1, new Dec(t - at).div(span));
          const off = roundTo(drop.times(new Dec(1).minus(recovered.times(progress))), digits);
          return [bid.minus(off), ask.minus(off)];
        },
      });
    } else if (type === 'spread') {
      const { from, to } = window();
      const by = oneOf('multiplier', 'points');
      if (by === 'multiplier') {
        const m = draw(r.range('multiplier', 'a spread multiplier', atLeast(0)), 'multiplier', rng);
        effects.push({ type, symbol, from, to, detail: `spread × ${m.toString()}` });
        quoteEffects.push({ symbol, change: (t, bid, ask) => (t >= from && t < to ? [bid, bid.plus(ask.minus(bid).times(m))] : undefined) });
      } else {
        const p = draw(r.range('points', 'a spread change in points', wholePoints), 'points', rng);
        const add = p.times(point);
        effects.push({ type, symbol, from, to, detail: `spread ${p.isNegative() ? '' : '+'}${p.toString()} points (${px(add)})` });
        quoteEffects.push({ symbol, change: (t, bid, ask) => (t >= from && t < to ? [bid, ask.plus(add)] : undefined) });
      }
    } else {
      const { from, to } = window();
      if (!r.has('points')) r.fail([], 'expected `points`');
      const p = draw(r.range('points', 'a slippage in points', atLeast(0, wholePoints)), 'points', rng);
      const amount = p.times(point);
      effects.push({ type, symbol, from, to, detail: `fills slip ${p.toString()} points (${px(amount)}) against the trader` });
      slips.push({ symbol, from, to, amount });
    }
  });

  // Stable sorts keep list order among effects and ticks at one time.
  effects.sort((a, b) => a.from - b.from);
  extraTicks.sort((a, b) => a.time - b.time);
  const bySymbol = new Map<string, QuoteEffect[]>();
  for (const e of quoteEffects) bySymbol.set(e.symbol, [...(bySymbol.get(e.symbol) ?? []), e]);
  const points = new Map([...instruments.values()].map((x) => [x.symbol, pointSize(x)] as const));

  return {
    extraTicks,
    effects,
    apply(symbol, time, bid, ask) {
      const list = bySymbol.get(symbol);
      if (!list) return { bid, ask };
      let b = bid.value, a = ask.value, touched = false;
      for (const e of list) {
        const next = e.change(time, b, a);
        if (next) {
          [b, a] = next;
          touched = true;
        }
      }
      if (!touched) return { bid, ask };
      const digits = instruments.get(symbol)!.digits;
      const point = points.get(symbol)!;
      b = roundTo(b, digits);
      a = roundTo(a, digits);
      // A price never reaches zero: a crash deeper than the price floors the bid at one point, the spread kept.
      if (b.lt(point)) {
        a = a.plus(point.minus(b));
        b = point;
      }
      if (a.lt(b)) a = b;
      return { bid: new Price(b), ask: new Price(a) };
    },
    slippage(symbol, time) {
      let s = new Dec(0);
      for (const w of slips) if (w.symbol === symbol && time >= w.from && time < w.to) s = s.plus(w.amount);
      return s;
    },
  };
}
