// Risk rules (DOMAIN §9) as data, and the flow-neutral performance index each loss limit and
// drawdown is measured on, so deposits, withdrawals and fees never count as gains or losses.
import { Dec } from './decimal.js';
import type { Leverage } from './margin.js';
import type { Money, Volume } from './values.js';

/** PAMM pool limits set by the manager (seed 001): fractions of the pool's value (0.1 = 10%). */
export interface PoolLimits {
  /** Mandatory: the most the pool may lose in one trading week. */
  readonly weeklyLoss: Dec;
  readonly dailyLoss?: Dec;
  /** The most notional exposure per unit of equity after an open (10 = 10:1). */
  readonly maxLeverage?: Dec;
}

/** A MAM sub-account's personal limits (seed 001). */
export interface AccountLimits {
  /** The sub-account's own leverage (read into RiskTerms.accountLeverage, where margin looks it up). */
  readonly leverage?: Dec;
  /** Largest fall of the account's performance index from its peak (0.2 = 20%). */
  readonly maxDrawdown?: Dec;
  /** Equity below this breaches. */
  readonly minBalance?: Money;
  readonly weeklyLoss?: Dec;
  /** The most lots the account may hold open at once: a copy above it is cut to what is left. */
  readonly maxOpenVolume?: Volume;
}

/** Master protection (seed 002): a hard stop on the master's equity or its drawdown, and global caps. */
export interface MasterLimits {
  readonly hardStopEquity?: Money;
  readonly hardStopDrawdown?: Dec;
  /** The largest master order. */
  readonly maxOrderVolume?: Volume;
  /** The most lots of master trades open at once. */
  readonly maxOpenVolume?: Volume;
}

export interface RiskTerms {
  readonly leverage: Leverage;
  /** Margin call and stop-out levels in percent of margin level (seed 000: 100 and 30). */
  readonly marginCall: Dec;
  readonly stopOut: Dec;
  readonly pool?: PoolLimits;
  readonly master?: MasterLimits;
  /** Personal limits per MAM account id (`mam:<investor>`). */
  readonly accounts?: ReadonlyMap<string, AccountLimits>;
  /** An account's own leverage (a MAM sub-account's or a client's), replacing `leverage` for every class of that account. */
  readonly accountLeverage?: ReadonlyMap<string, Dec>;
}

export type LimitPeriod = 'day' | 'week';

/**
 * When a level or limit triggers (DOMAIN §9, policy `riskTrigger`, one rule for margin call,
 * stop-out, hard stop, loss limits, drawdowns and minimum balance): `at-or-below` (default) when
 * it is reached, as brokers word it ("when the margin level reaches 30%"); `below` only when passed.
 */
export type RiskTrigger = 'at-or-below' | 'below';

/** Whether `value` has come down to `floor` under the rule: value ≤ floor (`at-or-below`) or value < floor (`below`). */
export function fallsTo(value: Dec, floor: Dec, rule: RiskTrigger): boolean {
  return rule === 'at-or-below' ? value.lte(floor) : value.lt(floor);
}

/** Whether a loss or drawdown `value` has come up to `limit` under the rule: value ≥ limit (`at-or-below`) or value > limit (`below`). */
export function risesTo(value: Dec, limit: Dec, rule: RiskTrigger): boolean {
  return rule === 'at-or-below' ? value.gte(limit) : value.gt(limit);
}

/** "below" or "at" for a reason text, from the values themselves. */
export function belowOrAt(value: Dec, floor: Dec): string { return value.lt(floor) ? 'below' : 'at'; }

/**
 * A flow-neutral index of one account: deposits buy index units and outflows (withdrawals,
 * fees) redeem them at the current value, so the index moves only with trading. Loss limits
 * compare it with its value at the start of the day or week; drawdown with its peak.
 */
export class PerformanceIndex {
  private units = new Dec(0);
  private peak = new Dec(1);
  private readonly start: Record<LimitPeriod, Dec> = { day: new Dec(1), week: new Dec(1) };
  /**
   * The equity and units where the period starts and the peak were taken. While no flow has
   * moved the units since, a loss or drawdown compares the equities themselves, without the
   * index's division (units bought at an index value are a non-terminating quotient, so the
   * divided form can miss a limit reached exactly by one digit in the 80th place).
   */
  private readonly startAt: Record<LimitPeriod, { readonly equity: Dec; readonly units: Dec } | undefined> = { day: undefined, week: undefined };
  private peakAt: { readonly equity: Dec; readonly units: Dec } | undefined;
  /** `state()`'s object, made again only after a field changes (the screen reads it at every quote). */
  private snapshot?: { readonly units: Dec; readonly peak: Dec; readonly day: Dec; readonly week: Dec };

  /** The index at `equity` (1 before any money came in). */
  value(equity: Dec): Dec {
    return this.units.isZero() ? new Dec(1) : equity.div(this.units);
  }

  /** Money in (+) or out (−) of the account; `equityBefore` is the equity just before it. */
  flow(amount: Dec, equityBefore: Dec): void {
    const v = this.value(equityBefore);
    // An empty or wiped-out account restarts its index: nothing is left to measure a loss on.
    if (this.units.isZero() || !equityBefore.isPositive() || equityBefore.isZero()) {
      // A carried negative balance is not a loss of the new money: the index is 1 right after the flow.
      const after = equityBefore.plus(amount);
      this.units = after.isPositive() ? after : new Dec(0);
      this.peak = new Dec(1);
      this.start.day = this.start.week = new Dec(1);
      const at = this.units.isZero() ? undefined : { equity: after, units: this.units };
      this.startAt.day = this.startAt.week = this.peakAt = at;
      this.snapshot = undefined;
      return;
    }
    this.units = Dec.max(0, this.units.plus(amount.div(v)));
    this.snapshot = undefined;
  }

  /** Records the index at `equity` for the drawdown peak, and returns it. */
  observe(equity: Dec): Dec {
    const v = this.value(equity);
    if (v.gt(this.peak)) {
      this.peak = v;
      this.peakAt = { equity, units: this.units };
      this.snapshot = undefined;
    }
    return v;
  }

  /** `from` while no flow has moved the units since it was taken (and its equity is positive): its equities compare exactly. */
  private unmoved(from: { readonly equity: Dec; readonly units: Dec } | undefined): { readonly equity: Dec; readonly units: Dec } | undefined {
    return from && from.units.eq(this.units) && from.equity.isPositive() ? from : undefined;
  }

  /** The fraction `from` → `equity` fell, exactly, while `from` is unmoved (else undefined: use the index). */
  private fallSince(from: { readonly equity: Dec; readonly units: Dec } | undefined, equity: Dec): Dec | undefined {
    const at = this.unmoved(from);
    return at && Dec.max(0, at.equity.minus(equity).div(at.equity));
  }

  /** Whether the drawdown has reached `max` under the rule (moves the peak like `drawdown`): equity ≤ (1 − max) × peak equity, exactly, while no flow has moved the units. */
  drawdownReaches(equity: Dec, max: Dec, rule: RiskTrigger): boolean {
    const v = this.observe(equity);
    const at = this.unmoved(this.peakAt);
    if (!at) return risesTo(Dec.max(0, new Dec(1).minus(v.div(this.peak))), max, rule);
    return risesTo(Dec.max(0, at.equity.minus(equity)), max.times(at.equity), rule);
  }

  /** Whether the loss since the period's start has reached `limit` under the rule: equity ≤ (1 − limit) × start equity, exactly, while no flow has moved the units. */
  lossReaches(equity: Dec, period: LimitPeriod, limit: Dec, rule: RiskTrigger): boolean {
    const at = this.unmoved(this.startAt[period]);
    if (!at) return risesTo(this.loss(equity, period), limit, rule);
    return risesTo(Dec.max(0, at.equity.minus(equity)), limit.times(at.equity), rule);
  }

  /** Fall from the peak, as a fraction. */
  drawdown(equity: Dec): Dec {
    const v = this.observe(equity);
    return this.fallSince(this.peakAt, equity) ?? Dec.max(0, new Dec(1).minus(v.div(this.peak)));
  }

  /** Loss since the start of the day or week, as a fraction. */
  loss(equity: Dec, period: LimitPeriod): Dec {
    return this.fallSince(this.startAt[period], equity) ?? Dec.max(0, new Dec(1).minus(this.value(equity).div(this.start[period])));
  }

  /** A new day (and, on Monday, week) starts at the current index. */
  startPeriod(equity: Dec, period: LimitPeriod): void {
    this.start[period] = this.value(equity);
    this.startAt[period] = this.units.isZero() ? undefined : { equity, units: this.units };
    this.snapshot = undefined;
  }

  /** The index's state, for the float screen of the risk checks (risk-screen.ts): each field is replaced, never changed in place. */
  state(): { readonly units: Dec; readonly peak: Dec; readonly day: Dec; readonly week: Dec } {
    return (this.snapshot ??= { units: this.units, peak: this.peak, day: this.start.day, week: this.start.week });
  }

  /** After a pause the drawdown is measured from here again. */
  resetPeak(equity: Dec): void {
    this.peak = this.value(equity);
    this.peakAt = this.units.isZero() ? undefined : { equity, units: this.units };
    this.snapshot = undefined;
  }
}
