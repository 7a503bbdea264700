// The PAMM pool's unit register (DOMAIN §2): investors own units; deposits buy units and
// withdrawals redeem them at NAV per unit = pool equity / units outstanding, so flows under
// open positions never shift results between members.
import { Dec } from './decimal.js';
import { type Quantum, ceilToQuantum, truncToQuantum } from './quantum.js';
import { type ResidualRule, splitAmount } from './split.js';
import { Money, Units } from './values.js';

export class UnitRegister {
  private readonly units = new Map<string, Units>();
  /**
   * Units outstanding, kept as members subscribe and redeem (summing the register at every join made
   * founding a pool of n members cost n²). Decimal sums at 80 digits are exact, so this is the sum.
   */
  private outstanding = Units.zero;
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
  }

  redeem(investor: string, u: Units): void {
    const left = this.holding(investor).minus(u);
    if (left.isNegative()) throw new Error(`pamm: ${investor} redeems more units than held`);
    this.units.set(investor, left);
    this.outstanding = this.outstanding.minus(u);
    this.addToGroup(investor, u.neg());
  }

  /** Each member's share of pool equity: a conserving split by units, summing to the equity exactly. */
  values(poolEquity: Money, rule: ResidualRule): Map<string, Money> {
    const ids = this.members();
    const out = new Map<string, Money>();
    if (ids.length === 0) return out;
    const s = splitAmount(poolEquity.value, ids.map((id) => this.holding(id).value), this.q, rule);
    ids.forEach((id, i) => out.set(id, new Money(s.parts[i]!)));
    return out;
  }
}
