// The PAMM pool's unit register (DOMAIN §2): investors own units; deposits buy units and
// withdrawals redeem them at NAV per unit = pool equity / units outstanding, so flows under
// open positions never shift results between members.
import { Dec } from './decimal.js';
import { type Quantum, ceilToQuantum, fromQuanta, toQuanta, truncToQuantum } from './quantum.js';
import { type ResidualRule, splitAmount } from './split.js';
import { splitQuantaF64 } from './split-fast.js';
import { Money, Units } from './values.js';

export class UnitRegister {
  private readonly units = new Map<string, Units>();
  /**
   * Units outstanding, kept as members subscribe and redeem (summing the register at every join made
   * founding a pool of n members cost n²). Decimal sums at 80 digits are exact, so this is the sum.
   */
  private outstanding = Units.zero;
  /** Members in first-subscription order, each one's place in it, and its units in quanta there (see `values`). */
  private readonly order: string[] = [];
  private readonly position = new Map<string, number>();
  private weights = new Float64Array(16);
  private safe = true;
  /** Units held by each member group (see `groupOf`), kept as units are issued and redeemed. */
  private readonly groups = new Map<string, Units>();

  /**
   * `groupOf` names a member's group for `groupHoldings`: the program passes whoever referred the
   * member, so a pool fill's rebate is divided among referrers without visiting every member.
   */
  constructor(readonly initialNav: Dec, private readonly q: Quantum, private readonly groupOf: (investor: string) => string = () => '') {}

  get total(): Units { return this.outstanding; }
  holding(investor: string): Units { return this.units.get(investor) ?? Units.zero; }
  /** Members with units, in the order they first subscribed. */
  members(): string[] { return [...this.units.keys()].filter((k) => this.units.get(k)!.isPositive()); }

  /** NAV per unit at a pool equity; the initial NAV while no units are outstanding. */
  nav(poolEquity: Money): Dec {
    const u = this.total;
    return u.isZero() ? this.initialNav : poolEquity.value.div(u.value);
  }

  /** Units bought by `amount` at the current NAV, floored to the quantum (the sub-unit rest stays with the pool). */
  unitsFor(amount: Money, poolEquity: Money): Units {
    const u = this.total;
    const raw = u.isZero() ? amount.value.div(this.initialNav) : amount.value.times(u.value).div(poolEquity.value);
    return new Units(truncToQuantum(raw, this.q));
  }

  /** Units to redeem to pay `amount` at NAV, rounded up so the other members never pay for it; capped at the holding. */
  unitsToRedeem(investor: string, amount: Money, poolEquity: Money): Units {
    const raw = amount.value.times(this.total.value).div(poolEquity.value);
    const need = new Units(ceilToQuantum(raw, this.q));
    return need.min(this.holding(investor));
  }

  /** Each group's units, groups in the order their first member subscribed, those holding none left out. */
  groupHoldings(): Array<{ group: string; units: Units }> {
    const out: Array<{ group: string; units: Units }> = [];
    for (const [group, units] of this.groups) if (units.isPositive()) out.push({ group, units });
    return out;
  }

  private addToGroup(investor: string, u: Units): void {
    const g = this.groupOf(investor);
    this.groups.set(g, (this.groups.get(g) ?? Units.zero).plus(u));
  }

  issue(investor: string, u: Units): void {
    this.units.set(investor, this.holding(investor).plus(u));
    this.outstanding = this.outstanding.plus(u);
    this.addToGroup(investor, u);
    this.weigh(investor);
  }

  redeem(investor: string, u: Units): void {
    const left = this.holding(investor).minus(u);
    if (left.isNegative()) throw new Error(`pamm: ${investor} redeems more units than held`);
    this.units.set(investor, left);
    this.outstanding = this.outstanding.minus(u);
    this.addToGroup(investor, u.neg());
    this.weigh(investor);
  }

  /**
   * Each member's share of pool equity: a conserving split by units, summing to the equity exactly.
   * Holdings are on the quantum, so the split runs on each member's units in quanta, kept as units
   * change (the split compares only the weights' ratios, so every common scale gives the same parts); members
   * in first-subscription order, those holding nothing weighing 0 (they get nothing and take no
   * residual, as if left out). A member's Money is made when asked for: a flow or a row of one
   * member in a pool of 10,000 reads one value, not 10,000.
   */
  values(poolEquity: Money, rule: ResidualRule): ReadonlyMap<string, Money> {
    // No units out: nobody to value (a pool's leftover equity belongs to no member).
    if (this.outstanding.isZero()) return new Map();
    // A copy: the values stay those of this moment when units move afterwards, as a Map's would.
    const weights = this.weights.slice(0, this.order.length);
    const fast = this.safe ? splitQuantaF64(Number(toQuanta(poolEquity.value, this.q)), weights, rule) : undefined;
    if (fast) return new MemberValues(this.order, this.position, weights, fast.parts, this.q);
    const ids = this.members();
    const out = new Map<string, Money>();
    if (ids.length === 0) return out;
    const s = splitAmount(poolEquity.value, ids.map((id) => this.holding(id).value), this.q, rule);
    ids.forEach((id, i) => out.set(id, new Money(s.parts[i]!)));
    return out;
  }

  /** Keeps a member's weight (its units in quanta) for `values`; a weight past 2^53 sends `values` the exact way. */
  private weigh(investor: string): void {
    let i = this.position.get(investor);
    if (i === undefined) {
      i = this.order.length;
      this.order.push(investor);
      this.position.set(investor, i);
      if (i === this.weights.length) {
        const grown = new Float64Array(Math.max(16, this.weights.length * 2));
        grown.set(this.weights);
        this.weights = grown;
      }
    }
    const w = Number(toQuanta(this.holding(investor).value, this.q));
    if (!Number.isSafeInteger(w)) this.safe = false;
    this.weights[i] = w;
  }
}

/**
 * Pool members' values from one split, made into Money as they are read (see UnitRegister.values).
 * The members are the first `weights.length` of `order` (later ones joined after the split), those
 * with a weight above 0 holding units at that moment.
 */
class MemberValues implements ReadonlyMap<string, Money> {
  constructor(
    private readonly order: readonly string[], private readonly position: ReadonlyMap<string, number>,
    private readonly weights: Float64Array, private readonly parts: Float64Array, private readonly q: Quantum,
  ) {}
  private indexOf(id: string): number | undefined {
    const i = this.position.get(id);
    return i !== undefined && i < this.weights.length && this.weights[i]! > 0 ? i : undefined;
  }
  get(id: string): Money | undefined {
    const i = this.indexOf(id);
    return i === undefined ? undefined : new Money(fromQuanta(BigInt(this.parts[i]!), this.q));
  }
  has(id: string): boolean { return this.indexOf(id) !== undefined; }
  get size(): number { return this.weights.filter((w) => w > 0).length; }
  *entries(): MapIterator<[string, Money]> {
    for (let i = 0; i < this.weights.length; i++) if (this.weights[i]! > 0) yield [this.order[i]!, new Money(fromQuanta(BigInt(this.parts[i]!), this.q))];
  }
  *keys(): MapIterator<string> { for (const [id] of this.entries()) yield id; }
  *values(): MapIterator<Money> { for (const [, v] of this.entries()) yield v; }
  [Symbol.iterator](): MapIterator<[string, Money]> { return this.entries(); }
  forEach(fn: (value: Money, key: string, map: ReadonlyMap<string, Money>) => void): void { for (const [id, v] of this.entries()) fn(v, id, this); }
}
