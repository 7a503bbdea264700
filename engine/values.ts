// Exact value types: money (USD), volume (lots), price and PAMM units. Each wraps a Decimal
// and is its own type, so a volume can never be passed where a price or an amount is meant.
import { Dec, type DecInput } from './decimal.js';

abstract class Quantity<T extends Quantity<T>> {
  constructor(readonly value: Dec) {}
  protected abstract make(v: Dec): T;
  plus(o: T): T { return this.make(this.value.plus(o.value)); }
  minus(o: T): T { return this.make(this.value.minus(o.value)); }
  neg(): T { return this.make(this.value.neg()); }
  abs(): T { return this.make(this.value.abs()); }
  isZero(): boolean { return this.value.isZero(); }
  isNegative(): boolean { return this.value.isNegative() && !this.value.isZero(); }
  isPositive(): boolean { return this.value.isPositive() && !this.value.isZero(); }
  cmp(o: T): number { return this.value.cmp(o.value); }
  eq(o: T): boolean { return this.value.eq(o.value); }
  gt(o: T): boolean { return this.value.gt(o.value); }
  lt(o: T): boolean { return this.value.lt(o.value); }
  gte(o: T): boolean { return this.value.gte(o.value); }
  lte(o: T): boolean { return this.value.lte(o.value); }
  min(o: T): T { return this.lte(o) ? (this as unknown as T) : o; }
  max(o: T): T { return this.gte(o) ? (this as unknown as T) : o; }
  toString(): string { return this.value.toString(); }
}

/** Σ of quantities of one kind, exact. */
function summer<T>(make: (d: Dec) => T): (xs: Iterable<{ readonly value: Dec }>) => T {
  return (xs) => {
    let s = new Dec(0);
    for (const x of xs) s = s.plus(x.value);
    return make(s);
  };
}

/** An amount of account currency (USD). */
export class Money extends Quantity<Money> {
  private declare readonly brand: 'money';
  protected make(v: Dec): Money { return new Money(v); }
  static of(v: DecInput): Money { return new Money(new Dec(v)); }
  static readonly zero = new Money(new Dec(0));
  static readonly sum: (xs: Iterable<Money>) => Money = summer((d) => new Money(d));
}

/** A trade volume in lots. */
export class Volume extends Quantity<Volume> {
  private declare readonly brand: 'volume';
  protected make(v: Dec): Volume { return new Volume(v); }
  static of(v: DecInput): Volume { return new Volume(new Dec(v)); }
  static readonly zero = new Volume(new Dec(0));
  static readonly sum: (xs: Iterable<Volume>) => Volume = summer((d) => new Volume(d));
}

/** A quoted price of an instrument, in its quote currency. */
export class Price extends Quantity<Price> {
  private declare readonly brand: 'price';
  /** The value as a double, made once: float screens read every quote's (risk-screen.ts); decisions use `value`. */
  private approx?: number;
  get number(): number { return (this.approx ??= this.value.toNumber()); }
  protected make(v: Dec): Price { return new Price(v); }
  static of(v: DecInput): Price { return new Price(new Dec(v)); }
}

/** PAMM pool units owned by an investor. */
export class Units extends Quantity<Units> {
  private declare readonly brand: 'units';
  protected make(v: Dec): Units { return new Units(v); }
  static of(v: DecInput): Units { return new Units(new Dec(v)); }
  static readonly zero = new Units(new Dec(0));
  static readonly sum: (xs: Iterable<Units>) => Units = summer((d) => new Units(d));
}
