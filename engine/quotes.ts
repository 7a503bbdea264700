// The current bid/ask of every instrument, the fill price of a side, and the conversion of
// quote-currency profit into the account currency (DOMAIN §1 `conversionSide`).
import { Dec } from './decimal.js';
import type { Instrument, Side } from './instrument.js';
import type { ServerTime } from './time.js';
import type { Price } from './values.js';
import { Money } from './values.js';
import { type Quantum, roundToQuantum } from './quantum.js';

export interface Quote {
  readonly time: ServerTime;
  readonly bid: Price;
  readonly ask: Price;
}

/** `mid` (default) or `bid-profit-ask-loss`: the side of the conversion pair that favours the broker. */
export type ConversionSide = 'mid' | 'bid-profit-ask-loss';

/**
 * How one currency turns into another: via which pair, multiplied or divided, or (no pair
 * quotes the two together) through USD in two steps, exact until the result is rounded.
 */
export type Conversion =
  | { readonly kind: 'identity' }
  | { readonly kind: 'multiply' | 'divide'; readonly symbol: string }
  | { readonly kind: 'chain'; readonly steps: readonly [DirectConversion, DirectConversion] };
export type DirectConversion = { readonly kind: 'multiply' | 'divide'; readonly symbol: string };
/** A conversion through at most one pair (what every USD account's amounts use). */
export type PairConversion = { readonly kind: 'identity' } | DirectConversion;

/** The pairs a conversion reads. */
export function conversionSymbols(c: Conversion): string[] {
  return c.kind === 'identity' ? [] : c.kind === 'chain' ? c.steps.map((x) => x.symbol) : [c.symbol];
}

export function mid(q: Quote): Dec {
  return q.bid.value.plus(q.ask.value).div(2);
}

/** Buy fills at ask, sell at bid. */
export function fillPrice(q: Quote, side: Side): Price {
  return side === 'buy' ? q.ask : q.bid;
}

/** A position is valued at the price that would close it: longs at bid, shorts at ask. */
export function markPrice(q: Quote, side: Side): Price {
  return side === 'buy' ? q.bid : q.ask;
}

/**
 * Finds the pair that converts `currency` into `accountCurrency`: CCY/USD (multiply by its
 * rate) or USD/CCY (divide by it). Returns undefined when no instrument offers either.
 */
export function findConversion(currency: string, accountCurrency: string, instruments: ReadonlyMap<string, Instrument>): PairConversion | undefined {
  if (currency === accountCurrency) return { kind: 'identity' };
  return directConversion(currency, accountCurrency, instruments);
}

function directConversion(currency: string, target: string, instruments: ReadonlyMap<string, Instrument>): DirectConversion | undefined {
  for (const inst of instruments.values()) {
    if (inst.base === currency && inst.quote === target) return { kind: 'multiply', symbol: inst.symbol };
  }
  for (const inst of instruments.values()) {
    if (inst.base === target && inst.quote === currency) return { kind: 'divide', symbol: inst.symbol };
  }
  return undefined;
}

/**
 * Like findConversion, and when no pair quotes the two currencies together, through USD: JPY
 * into EUR with USDJPY and EURUSD (DOMAIN §1, account currencies).
 */
export function findConversionVia(currency: string, target: string, instruments: ReadonlyMap<string, Instrument>, via = 'USD'): Conversion | undefined {
  const direct = findConversion(currency, target, instruments);
  if (direct || currency === via || target === via) return direct;
  const a = directConversion(currency, via, instruments), b = directConversion(via, target, instruments);
  return a && b ? { kind: 'chain', steps: [a, b] } : undefined;
}

export class QuoteBook {
  private readonly quotes = new Map<string, Quote>();
  private readonly doubles = new Map<string, { bid: number; ask: number }>();

  set(symbol: string, q: Quote): void {
    this.quotes.set(symbol, q);
    this.doubles.set(symbol, { bid: q.bid.number, ask: q.ask.number });
  }
  /** The latest bid and ask as doubles, for float screens only (risk-screen.ts); decisions use the exact quote. */
  doublesOf(symbol: string): { readonly bid: number; readonly ask: number } | undefined { return this.doubles.get(symbol); }
  get(symbol: string): Quote | undefined { return this.quotes.get(symbol); }

  /**
   * What `read` returns with these quotes in place of the current ones, which are then put back:
   * for reading only (risk-checks.ts computes a lowest margin level after the fact, at the quotes
   * it was seen at).
   */
  asOf<T>(quotes: ReadonlyArray<readonly [string, Quote]>, read: () => T): T {
    const saved = quotes.map(([symbol]) => [symbol, this.quotes.get(symbol), this.doubles.get(symbol)] as const);
    for (const [symbol, q] of quotes) this.set(symbol, q);
    try {
      return read();
    } finally {
      for (const [symbol, q, d] of saved) {
        if (q) this.quotes.set(symbol, q);
        else this.quotes.delete(symbol);
        if (d) this.doubles.set(symbol, d);
        else this.doubles.delete(symbol);
      }
    }
  }
  require(symbol: string): Quote {
    const q = this.quotes.get(symbol);
    if (!q) throw new Error(`no price yet for ${symbol}`);
    return q;
  }

  /**
   * Converts an exact quote-currency amount to account money, rounded half-up to the quantum.
   * `bid-profit-ask-loss`: a profit converts at the rate that gives less, a loss at the rate
   * that costs more (CCYUSD: profit × bid, loss × ask; USDCCY: profit ÷ ask, loss ÷ bid).
   */
  toAccount(amount: Dec, conv: Conversion, q: Quantum, side: ConversionSide = 'mid'): Money {
    return new Money(roundToQuantum(this.exact(amount, conv, side), q));
  }

  /** An amount converted, not rounded (a rate is the conversion of 1). */
  exact(amount: Dec, conv: Conversion, side: ConversionSide = 'mid'): Dec {
    if (conv.kind === 'identity') return amount;
    if (conv.kind === 'chain') return this.step(this.step(amount, conv.steps[0], side), conv.steps[1], side);
    return this.step(amount, conv, side);
  }

  /** One pair's conversion, exact (a chain rounds once, at its end). */
  private step(amount: Dec, conv: DirectConversion, side: ConversionSide): Dec {
    const quote = this.require(conv.symbol);
    const profit = amount.isPositive();
    const rate = side === 'mid' ? mid(quote)
      : conv.kind === 'multiply' ? (profit ? quote.bid.value : quote.ask.value)
      : (profit ? quote.ask.value : quote.bid.value);
    return conv.kind === 'multiply' ? amount.times(rate) : amount.div(rate);
  }
}
