// Rebates and introducing brokers (DOMAIN §8): plan timing, who receives the rebate of a fill
// (the manager, IBs up a multi-tier chain, a shared program's IB) and client cashback plans.
// Pure rules; engine/costs.ts applies them to fills and books them.
import { Dec } from './decimal.js';
import type { Quantum } from './quantum.js';
import type { RateSchedule } from './rate-schedule.js';
import { type ResidualRule, splitAmount } from './split.js';
import type { ServerTime } from './time.js';

/** `half-open-half-close` (seed 000): half the rate accrues when a trade opens, half when it closes; `on-close` (seed 004): all of it at the close. */
export type RebateTiming = 'half-open-half-close' | 'on-close';

/** The share of a plan's rate one fill accrues under the timing. */
export function timingShare(timing: RebateTiming, leg: 'open' | 'close'): Dec {
  if (timing === 'on-close') return new Dec(leg === 'close' ? 1 : 0);
  return new Dec('0.5');
}

/** Multi-tier IB: each level's own rates paid in turn from one pool, or percentages of the pool. Level 1 is the client's own IB. */
export type Tiers =
  | { readonly style: 'additive'; readonly levels: readonly RateSchedule[] }
  | { readonly style: 'split'; readonly shares: readonly Dec[] };

export const CASHBACK_ACTIONS = ['change', 'suspend', 'resume', 'cancel'] as const;
export type CashbackAction = (typeof CASHBACK_ACTIONS)[number];

export interface CashbackChange {
  readonly at: ServerTime;
  readonly action: CashbackAction;
  /** One client, or (absent) every client of the partner. */
  readonly client?: string;
  /** The new fraction for `change`. */
  readonly rate?: Dec;
}

/** A partner's cashback plan (seed 004): the fraction of its rebate it returns to its clients. */
export interface CashbackPlan {
  readonly rate: Dec;
  readonly perClient: ReadonlyMap<string, Dec>;
  readonly changes: readonly CashbackChange[];
}

export interface Partner {
  readonly id: string;
  /** The next level up in a multi-tier structure. */
  readonly parent?: string;
  /** Shared managed program: the fraction of the rebate on its referred investors' share of master volume this IB keeps (all of it when absent, as seed 000 pays it); the manager gets the rest. */
  readonly programShare?: Dec;
  readonly cashback?: CashbackPlan;
  /** Partner fee share: the fraction of the performance and management fees its referred investors pay that it receives from the manager (none when absent). */
  readonly feeShare?: Dec;
}

export interface RebateTerms {
  /** What the broker pays per fill: the pool every split shares. */
  readonly plan: RateSchedule;
  readonly tiers?: Tiers;
  readonly partners: ReadonlyMap<string, Partner>;
}

/** The manager as a referrer: its rebates go to the fee/rebate account. */
export const MANAGER = 'manager';

/**
 * The cashback fraction in force for `client` at `time`: its own rate if it has one, else the
 * partner's; changes apply from their time on (a partner-wide change leaves individual rates
 * alone); suspended or cancelled pays nothing (a cancel is never resumed; a resume lifts the
 * suspension of its own scope).
 */
export function cashbackRate(plan: CashbackPlan, client: string, time: ServerTime): Dec {
  let rate = plan.perClient.get(client) ?? plan.rate;
  let individual = plan.perClient.has(client);
  // A suspension is lifted by a resume of the same scope: partner-wide by partner-wide, one client's by that client's.
  let suspendedAll = false, suspendedOne = false, cancelled = false;
  for (const c of plan.changes) {
    if (c.at > time || (c.client !== undefined && c.client !== client)) continue;
    const one = c.client !== undefined;
    if (c.action === 'change' && (one || !individual)) {
      rate = c.rate!;
      if (one) individual = true;
    }
    if (c.action === 'suspend' || c.action === 'resume') {
      if (one) suspendedOne = c.action === 'suspend';
      else suspendedAll = c.action === 'suspend';
    }
    if (c.action === 'cancel') cancelled = true;
  }
  return suspendedAll || suspendedOne || cancelled ? new Dec(0) : rate;
}

/** The chain of receivers above a client: its IB, that IB's parent, and so on (the manager has none). */
export function referralChain(terms: RebateTerms, referrer: string): string[] {
  const chain: string[] = [];
  for (let id: string | undefined = referrer; id !== undefined && !chain.includes(id); id = terms.partners.get(id)?.parent) chain.push(id);
  return chain;
}

export interface LevelShare {
  readonly receiver: string;
  readonly level: number;
  readonly amount: Dec;
  /** Additive tiers: what the level's own rate asked for, when the pool could not pay it all. */
  readonly wanted?: Dec;
  /** Additive tiers: the level's own rate, as the rebate line's detail names it (else the plan's rate). */
  readonly basis?: string;
}

/**
 * Additive tiers: each level is paid its own rate's amount in turn from level 1 up, never more
 * than the pool has left; what no level takes stays with the broker.
 */
export function additiveShares(pool: Dec, chain: readonly string[], wanted: readonly Dec[]): LevelShare[] {
  let left = pool;
  const out: LevelShare[] = [];
  chain.forEach((receiver, i) => {
    const want = wanted[i];
    if (want === undefined) return;
    const paid = Dec.max(0, Dec.min(want, left));
    left = left.minus(paid);
    out.push({ receiver, level: i + 1, amount: paid, wanted: paid.lt(want) ? want : undefined });
  });
  return out;
}

/**
 * Split tiers: the pool is divided by the levels' percentages with a conserving split (the
 * residual rule); the shares of levels the chain does not reach, and 1 − Σ shares, stay with
 * the broker.
 */
export function splitShares(pool: Dec, chain: readonly string[], shares: readonly Dec[], q: Quantum, rule: ResidualRule): LevelShare[] {
  const present = chain.slice(0, shares.length);
  const weights = present.map((_, i) => shares[i]!);
  const kept = new Dec(1).minus(weights.reduce((s, w) => s.plus(w), new Dec(0)));
  const { parts } = splitAmount(pool, [...weights, kept], q, rule);
  return present.map((receiver, i) => ({ receiver, level: i + 1, amount: parts[i]! }));
}

/** A shared managed program: the referring IB's share of a part of the rebate, the manager the rest (conserving). */
export function programSplit(amount: Dec, ib: string, share: Dec, q: Quantum, rule: ResidualRule): LevelShare[] {
  const { parts } = splitAmount(amount, [share, new Dec(1).minus(share)], q, rule);
  return [{ receiver: ib, level: 1, amount: parts[0]! }, { receiver: MANAGER, level: 1, amount: parts[1]! }];
}
