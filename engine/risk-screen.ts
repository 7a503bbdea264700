// A float screen in front of the exact risk checks (issue 13). After every quote each account
// with open positions is checked for a stop-out, a margin call, a new lowest margin level, a
// new equity peak and its loss limits; in exact decimals that is most of a run's time, and at
// almost every quote every answer is "nothing happens". The screen bounds the account's equity
// and used margin with floats in intervals that surely hold the exact values, and lets an
// account through without the exact checks only when every answer is surely "nothing": strictly
// away from every threshold by more than the intervals' width. Anything near a boundary, any
// new record and anything the screen does not model goes to the exact path, which alone
// decides (the same idea as split-fast.ts: a float screen, an exact decision).
//
// Error budget. Inputs are exact decimals read as doubles (relative error ≤ 2^-53 each); a sum
// or product of a few of them stays within a few ulps of its scale. The intervals are widened by
// REL = 1e-12 of the scale of every term (a thousand times the worst float error of these short
// formulas) plus half a quantum for every amount the exact path rounds to the quantum.
import type { Dec } from './decimal.js';
import type { Instrument, Side } from './instrument.js';
import type { HedgedMargin } from './margin.js';
import type { PairConversion as Conversion, ConversionSide } from './quotes.js';

/** A closed interval that surely holds an exact value. */
export interface Range {
  readonly lo: number;
  readonly hi: number;
}

/** Relative slack, far above the float error of the formulas screened. */
export const REL = 1e-12;
/** Absolute slack for values near zero. */
const TINY = 1e-300;

/** A float `x` computed from terms of total magnitude `scale`, with `abs` of rounding the exact path adds. */
export function around(x: number, scale: number, abs = 0): Range {
  const slack = REL * Math.abs(scale) + abs + TINY;
  return { lo: x - slack, hi: x + slack };
}

/**
 * Whether every value of `r` is strictly above the exact threshold whose double is `t`; `scale`
 * is the magnitude of the terms `t` was computed from, when larger than `t` itself (a product
 * with 1 − limit, where the subtraction's error is relative to 1, not to 1 − limit).
 */
export function surelyAbove(r: Range, t: number, scale = 0): boolean {
  return r.lo > t + REL * Math.max(Math.abs(t), Math.abs(scale)) + TINY;
}

/** Whether every value of `r` is strictly below the exact threshold whose double is `t`. */
export function surelyBelow(r: Range, t: number): boolean {
  return r.hi < t - REL * Math.abs(t) - TINY;
}

/**
 * The margin level in percent (equity / used × 100) over the intervals; undefined when the used
 * margin might be zero or less (the exact path then says what a level without margin means).
 */
export function levelRange(e: Range, u: Range): Range | undefined {
  if (!(u.lo > 0) || !Number.isFinite(e.lo) || !Number.isFinite(e.hi) || !Number.isFinite(u.hi)) return undefined;
  const lo = (e.lo >= 0 ? e.lo / u.hi : e.lo / u.lo) * 100;
  const hi = (e.hi >= 0 ? e.hi / u.lo : e.hi / u.hi) * 100;
  return around2(lo, hi);
}

/** The lots a symbol's long and short legs are margined on under the hedging policy (margin.ts says the same in decimals). */
function marginedLots(policy: HedgedMargin, long: number, short: number, perLegPct: number): number {
  if (policy === 'none') return long + short;
  if (policy === 'larger-leg') return Math.max(long, short);
  if (policy === 'per-leg') return Math.abs(long - short) + (2 * Math.min(long, short) * perLegPct) / 100;
  return Math.abs(long - short) + Math.min(long, short) / 2;
}

/** An interval from float bounds, widened for the division and scaling that produced them. */
function around2(lo: number, hi: number): Range {
  return { lo: lo - REL * Math.abs(lo) - TINY, hi: hi + REL * Math.abs(hi) + TINY };
}

/**
 * One double of an exact value that is replaced, never changed in place (decimal.js values and the
 * value types wrapping them are immutable): read again only when the object is another one. A
 * slot per place it is read from, so the lookup is one comparison, not a map.
 */
export class DoubleSlot {
  private ref: unknown = undefined;
  private v = 0;
  of(x: Dec): number {
    if (x !== this.ref) {
      this.ref = x;
      this.v = x.toNumber();
    }
    return this.v;
  }
}

// ------------------------------------------------------------------ an account's equity and margin

/** What the screen reads of the program: the same inputs the exact path reads. */
export interface ScreenContext {
  /** Half a quantum: the most one rounding to the quantum moves an amount. */
  readonly halfQuantum: number;
  readonly conversionSide: ConversionSide;
  readonly hedgedMargin: HedgedMargin;
  /** `per-leg`: the percent of the normal margin each hedged lot of each leg is charged (default 50). */
  readonly hedgedMarginPct?: number;
  instrument(symbol: string): Instrument;
  /** The symbol's bid and ask as doubles (kept by the quote book as each quote arrives). */
  quote(symbol: string): { readonly bid: number; readonly ask: number } | undefined;
  conversion(symbol: string): Conversion;
  /** How a forex-margined symbol's base currency converts (undefined: through its own quote). */
  baseConversion(symbol: string): Conversion | undefined;
  leverage(inst: Instrument): Dec;
  /** An account's own leverage, replacing `leverage` for all its positions (none: the program's). */
  accountLeverage?(account: string): number | undefined;
  balance(account: string): Dec;
}

/** A position as the screen needs it; `screen` is the screen's own memo of its doubles. */
export interface Held {
  readonly symbol: string;
  readonly side: Side;
  readonly volume: { readonly value: Dec };
  readonly openPrice: { readonly value: Dec };
  screen?: { readonly volume: unknown; readonly lots: number; readonly open: number };
}

/**
 * An account's equity and used margin as linear functions of its symbols' quotes, built once
 * after its positions change and then evaluated at each quote with a few multiplications (most
 * accounts hold one or two symbols quoted in USD). Each leg: `long` and `short` are contract
 * units (lots × contract size) valued at bid and ask; the used margin is `fixed` plus `perMid`
 * times the mid of `marginSymbol`.
 */
interface LinearForm {
  readonly version: number;
  /** Σ over shorts of size × open − Σ over longs of size × open (the P&L's constant part). */
  readonly k: number;
  /** Σ |size × open|: the scale of that part, for the slack. */
  readonly o: number;
  readonly abs: number;
  readonly usedAbs: number;
  readonly legs: ReadonlyArray<{ readonly symbol: string; readonly long: number; readonly short: number; readonly fixed: number; readonly perMid: number; readonly marginSymbol: string }>;
}

/** An account's doubles, read again only when the exact value behind one changes. */
interface AccountSlots {
  readonly balance: DoubleSlot;
  readonly units: DoubleSlot;
  readonly peak: DoubleSlot;
  readonly day: DoubleSlot;
  readonly week: DoubleSlot;
  lowRef: unknown;
  lowLevel: number;
  /** Its linear form (null: its conversions make it non-linear, so `equity` and `used` are used). */
  form?: LinearForm | null;
  formVersion?: number;
}

export class RiskScreen {
  private readonly symbols = new Map<string, { readonly size: number; readonly leverage: number; readonly marginMode: Instrument['marginMode'] }>();
  private readonly accounts = new Map<string, AccountSlots>();
  /** Terms that never change during a run (levels, limits): one double each. */
  private readonly terms = new Map<Dec, number>();

  constructor(private readonly ctx: ScreenContext) {}

  /** The double of a term of the program (a level, a limit, a leverage). */
  term(x: Dec): number {
    let v = this.terms.get(x);
    if (v === undefined) {
      v = x.toNumber();
      this.terms.set(x, v);
    }
    return v;
  }

  slots(account: string): AccountSlots {
    let s = this.accounts.get(account);
    if (!s) {
      s = { balance: new DoubleSlot(), units: new DoubleSlot(), peak: new DoubleSlot(), day: new DoubleSlot(), week: new DoubleSlot(), lowRef: undefined, lowLevel: 0 };
      this.accounts.set(account, s);
    }
    return s;
  }

  /** The lowest margin level recorded for the account, as a double (percent). */
  lowLevel(account: string, low: { readonly equity: Dec; readonly used: Dec }): number {
    const s = this.slots(account);
    if (s.lowRef !== low) {
      s.lowRef = low;
      s.lowLevel = (low.equity.toNumber() / low.used.toNumber()) * 100;
    }
    return s.lowLevel;
  }

  private symbol(symbol: string): { readonly size: number; readonly leverage: number; readonly marginMode: Instrument['marginMode'] } {
    let s = this.symbols.get(symbol);
    if (!s) {
      const inst = this.ctx.instrument(symbol);
      s = { size: inst.contractSize.toNumber(), leverage: this.ctx.leverage(inst).toNumber(), marginMode: inst.marginMode };
      this.symbols.set(symbol, s);
    }
    return s;
  }

  /** The leverage of an account's positions in a symbol, as a double: the account's own, else the symbol's. */
  private leverageOf(symbol: string, account: string): number {
    return this.ctx.accountLeverage?.(account) ?? this.symbol(symbol).leverage;
  }

  private static held(p: Held): { readonly lots: number; readonly open: number } {
    let m = p.screen;
    if (!m || m.volume !== p.volume) {
      m = { volume: p.volume, lots: p.volume.value.toNumber(), open: p.openPrice.value.toNumber() };
      p.screen = m;
    }
    return m;
  }

  /**
   * The account's equity and used margin at the current quotes from its linear form, which is
   * rebuilt when `version` (the risk checks' count of changes other than quotes) has moved since it
   * was built. The same values and slack as `equity` and `used` (sums in another order, far inside
   * REL); undefined when a quote is missing, null when a conversion makes the form non-linear.
   */
  linear(account: string, positions: readonly Held[], version: number): { equity: Range; used: Range | undefined } | undefined | null {
    const slots = this.slots(account);
    let form = slots.form;
    if (form === undefined || (form !== null && form.version !== version) || (form === null && slots.formVersion !== version)) {
      form = this.buildForm(account, positions, version);
      slots.form = form;
      slots.formVersion = version;
    }
    if (form === null) return null;
    const bal = slots.balance.of(this.ctx.balance(account));
    let x = bal + form.k;
    let scale = Math.abs(bal) + form.o;
    let total = 0;
    for (const leg of form.legs) {
      const q = this.ctx.quote(leg.symbol);
      if (!q) return undefined;
      x += leg.long * q.bid - leg.short * q.ask;
      scale += leg.long * q.bid + leg.short * q.ask;
      const m = leg.marginSymbol === leg.symbol ? q : this.ctx.quote(leg.marginSymbol);
      if (!m) return undefined;
      total += leg.fixed + leg.perMid * ((m.bid + m.ask) / 2);
    }
    return { equity: around(x, scale, form.abs), used: form.legs.length === 0 ? undefined : around(total, total, form.usedAbs) };
  }

  /**
   * The account's equity range and its used margin's, from its linear form where it has one, else
   * position by position; undefined where a quote is missing (used: where nothing is margined).
   */
  /** The account's equity range alone (the master's hard stop needs no margin), by the same choice as `account`. */
  equityOf(account: string, positions: readonly Held[], version: number): Range | undefined {
    const lin = this.linear(account, positions, version);
    return lin === null ? this.equity(account, positions) : lin?.equity;
  }

  account(account: string, positions: readonly Held[], version: number): { equity: Range; used: Range | undefined } | undefined {
    const lin = this.linear(account, positions, version);
    if (lin !== null) return lin;
    const equity = this.equity(account, positions);
    return equity && { equity, used: this.used(account, positions) };
  }

  private buildForm(account: string, positions: readonly Held[], version: number): LinearForm | null {
    let k = 0, o = 0;
    const legs = new Map<string, { long: number; short: number; lotsLong: number; lotsShort: number }>();
    for (const p of positions) {
      if (this.ctx.conversion(p.symbol).kind !== 'identity') return null;
      const h = RiskScreen.held(p);
      const size = h.lots * this.symbol(p.symbol).size;
      const l = legs.get(p.symbol) ?? { long: 0, short: 0, lotsLong: 0, lotsShort: 0 };
      if (p.side === 'buy') {
        l.long += size;
        l.lotsLong += h.lots;
        k -= size * h.open;
      } else {
        l.short += size;
        l.lotsShort += h.lots;
        k += size * h.open;
      }
      o += Math.abs(size * h.open);
      legs.set(p.symbol, l);
    }
    const out: Array<LinearForm['legs'][number]> = [];
    for (const [symbol, l] of legs) {
      const lots = marginedLots(this.ctx.hedgedMargin, l.lotsLong, l.lotsShort, this.ctx.hedgedMarginPct ?? 50);
      const s = this.symbol(symbol);
      const amount = (s.size / this.leverageOf(symbol, account)) * lots;
      let fixed = 0, perMid = 0, marginSymbol = symbol;
      if (s.marginMode === 'forex') {
        const base = this.ctx.baseConversion(symbol);
        if (!base) perMid = amount;
        else if (base.kind === 'identity') fixed = amount;
        else if (base.kind === 'multiply') {
          perMid = amount;
          marginSymbol = base.symbol;
        } else return null;
      } else perMid = amount;
      out.push({ symbol, long: l.long, short: l.short, fixed, perMid, marginSymbol });
    }
    return { version, k, o, abs: this.ctx.halfQuantum * positions.length, usedAbs: this.ctx.halfQuantum * out.length, legs: out };
  }

  /** A quote-currency amount in USD, as QuoteBook.toAccount converts it; with the scale of its error. */
  private toUsd(amount: number, scale: number, conv: Conversion, side: ConversionSide): { value: number; scale: number } | undefined {
    if (conv.kind === 'identity') return { value: amount, scale };
    const q = this.ctx.quote(conv.symbol);
    if (!q) return undefined;
    const bid = q.bid, ask = q.ask;
    // Which side a non-mid conversion takes follows the amount's sign; near zero either gives almost nothing, inside the scale.
    const profit = amount > 0;
    const rate = side === 'mid' ? (bid + ask) / 2 : conv.kind === 'multiply' ? (profit ? bid : ask) : (profit ? ask : bid);
    if (!(rate > 0)) return undefined;
    return conv.kind === 'multiply' ? { value: amount * rate, scale: scale * Math.max(bid, ask) } : { value: amount / rate, scale: scale / Math.min(bid, ask) };
  }

  /** The account's equity: its balance plus each position's open P&L in USD (each rounded to the quantum by the exact path). */
  equity(account: string, positions: readonly Held[]): Range | undefined {
    let x = this.slots(account).balance.of(this.ctx.balance(account));
    let scale = Math.abs(x);
    let abs = 0;
    for (const p of positions) {
      const q = this.ctx.quote(p.symbol);
      if (!q) return undefined;
      const h = RiskScreen.held(p);
      const size = h.lots * this.symbol(p.symbol).size;
      const mark = p.side === 'buy' ? q.bid : q.ask;
      const amount = size * (mark - h.open) * (p.side === 'buy' ? 1 : -1);
      const usd = this.toUsd(amount, Math.abs(size * mark) + Math.abs(size * h.open), this.ctx.conversion(p.symbol), this.ctx.conversionSide);
      if (!usd) return undefined;
      x += usd.value;
      scale += usd.scale;
      abs += this.ctx.halfQuantum;
    }
    return around(x, scale, abs);
  }

  /** Used margin: per symbol, the margined lots (hedging policy) × the margin of a lot in USD (rounded to the quantum by the exact path). */
  used(account: string, positions: readonly Held[]): Range | undefined {
    let total = 0;
    let abs = 0;
    const legs = new Map<string, { long: number; short: number }>();
    for (const p of positions) {
      const l = legs.get(p.symbol) ?? { long: 0, short: 0 };
      if (p.side === 'buy') l.long += RiskScreen.held(p).lots;
      else l.short += RiskScreen.held(p).lots;
      legs.set(p.symbol, l);
    }
    for (const [symbol, l] of legs) {
      const lots = marginedLots(this.ctx.hedgedMargin, l.long, l.short, this.ctx.hedgedMarginPct ?? 50);
      const q = this.ctx.quote(symbol);
      if (!q) return undefined;
      const price = (q.bid + q.ask) / 2;
      const s = this.symbol(symbol);
      let usd: { value: number } | undefined;
      const leverage = this.leverageOf(symbol, account);
      if (s.marginMode === 'forex') {
        const amount = (s.size / leverage) * lots;
        const base = this.ctx.baseConversion(symbol);
        usd = base ? this.toUsd(amount, amount, base, 'mid') : this.toUsd(amount * price, amount * price, this.ctx.conversion(symbol), 'mid');
      } else {
        const amount = ((s.size * price) / leverage) * lots;
        usd = this.toUsd(amount, amount, this.ctx.conversion(symbol), 'mid');
      }
      if (!usd) return undefined;
      total += usd.value;
      abs += this.ctx.halfQuantum;
    }
    return around(total, total, abs);
  }
}

// ------------------------------------------------------------------ the questions the exact path asks

/** Whether an index loss limit surely does not breach: equity strictly above start × (1 − limit) × units. */
export function lossQuiet(equity: Range, units: number, start: number, limit: number): boolean {
  // A limit of 0 breaches at any equity (a loss of 0 reaches it): only the exact path says so.
  if (!(units > 0) || !(start > 0) || !(limit > 0)) return false;
  return surelyAbove(equity, start * (1 - limit) * units, start * units);
}

/** Whether the drawdown check surely does nothing: no new peak (equity below peak × units) and no breach (above peak × (1 − max) × units). */
export function drawdownQuiet(equity: Range, units: number, peak: number, max: number): boolean {
  if (!(units > 0) || !(peak > 0) || !(max > 0)) return false;
  return surelyBelow(equity, peak * units) && surelyAbove(equity, peak * (1 - max) * units, peak * units);
}
