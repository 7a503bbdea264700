// Allocation of a master trade to followers (DOMAIN §3): the `equity` split divides the
// master volume exactly by follower equity; the `proportional` copy mirrors the master
// volume scaled by follower equity / master equity. Ratios are frozen by the caller at open.
import { Dec } from './decimal.js';
import { type Quantum, truncToQuantum } from './quantum.js';
import { type ResidualRule, splitAmount } from './split.js';
import { Money, Volume } from './values.js';
import type { AllocationMethod } from './policies.js';

export interface Follower {
  readonly account: string;
  readonly equity: Money;
}

export interface AllocatedPart {
  readonly account: string;
  readonly volume: Volume;
}

export interface Allocation {
  readonly parts: AllocatedPart[];
  /** Accounts that got one leftover quantum from the residual rule (split family). */
  readonly residualTo: string[];
  /** Followers left out, with the reason (never silently dropped). */
  readonly skipped: Array<{ account: string; reason: string }>;
}

/** Followers with no positive equity take no part; they are reported as skipped. */
function eligible(followers: readonly Follower[]): { ok: Follower[]; skipped: Allocation['skipped'] } {
  const ok: Follower[] = [];
  const skipped: Allocation['skipped'] = [];
  for (const f of followers) {
    if (f.equity.isPositive()) ok.push(f);
    else skipped.push({ account: f.account, reason: `equity ${f.equity.toString()} is not positive` });
  }
  return { ok, skipped };
}

/** `equity` split: share_i = equity_i / Σ equity; parts sum to the master volume exactly. */
export function splitByEquity(volume: Volume, followers: readonly Follower[], q: Quantum, rule: ResidualRule): Allocation {
  const { ok, skipped } = eligible(followers);
  if (ok.length === 0) return { parts: [], residualTo: [], skipped };
  const s = splitAmount(volume.value, ok.map((f) => f.equity.value), q, rule);
  return {
    parts: ok.map((f, i) => ({ account: f.account, volume: new Volume(s.parts[i]!) })),
    residualTo: s.residualTo.map((i) => ok[i]!.account),
    skipped,
  };
}

/** `proportional` copy: volume_i = master volume × equity_i / master equity, floored to the quantum. */
export function copyProportional(volume: Volume, masterEquity: Money, followers: readonly Follower[], q: Quantum): Allocation {
  const { ok, skipped } = eligible(followers);
  if (!masterEquity.isPositive()) {
    return { parts: [], residualTo: [], skipped: followers.map((f) => ({ account: f.account, reason: `master equity ${masterEquity.toString()} is not positive` })) };
  }
  const parts = ok.map((f) => ({
    account: f.account,
    volume: new Volume(truncToQuantum(volume.value.times(f.equity.value).div(masterEquity.value), q)),
  }));
  return { parts, residualTo: [], skipped };
}

export function allocate(method: AllocationMethod, volume: Volume, masterEquity: Money, followers: readonly Follower[], q: Quantum, rule: ResidualRule): Allocation {
  return method === 'equity' ? splitByEquity(volume, followers, q, rule) : copyProportional(volume, masterEquity, followers, q);
}

/**
 * The part of `held` to close when `closing` of `of` is closed, floored to the quantum: used
 * for copy-family partial closes (ratio of what remains) and proportional withdrawals.
 */
export function proportionalPart(held: Volume, closing: Dec, of: Dec, q: Quantum): Volume {
  if (closing.gte(of)) return held;
  return new Volume(truncToQuantum(held.value.times(closing).div(of), q));
}
