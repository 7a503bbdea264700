// Allocation of a master trade to followers (DOMAIN §3). Split family (`equity`, `balance`,
// `percent`, `lot`) divides the master block so the parts sum to it; copy family
// (`proportional`, `equity-percent`, `multiplier`) sizes each follower on its own. Parts are
// on a grain: the quantum (`fractional`) or the lot step (`lot-step`, with minimum-lot,
// maximum-lot and residual rules). Every skip, clamp, override and hand-out is a note.
import { Dec } from './decimal.js';
import type { AllocationMethod } from './policies.js';
import { type Quantum, truncToQuantum } from './quantum.js';
import { type ResidualRule, splitQuanta } from './split.js';
import { Money, Volume } from './values.js';

/** Per-follower terms some methods need. */
export interface AllocationTerms {
  /** `percent`: share of the master volume, in percent. */
  readonly percent?: Dec;
  /** `lot`: volume per master trade. */
  readonly lots?: Volume;
  /** `multiplier`: factor on the master volume. */
  readonly multiplier?: Dec;
  /** `equity-percent`: percent of the proportional copy. */
  readonly equityPercent?: Dec;
  /** `copyRatio: signal-marketplace`: the subscriber's deposit load in percent (default 100). */
  readonly depositLoad?: Dec;
}

export interface Follower {
  readonly account: string;
  readonly equity: Money;
  readonly balance: Money;
  readonly terms: AllocationTerms;
  /** The manager's manual volume for this order, replacing the computed part. */
  readonly override?: Volume;
  /** The follower's leverage over the master's when lower (else 1): `copyRatio: signal-marketplace` scales by it. */
  readonly leverageRatio?: Dec;
}

export type RoundingMode = 'fractional' | 'lot-step';
export type BelowMinLot = 'skip' | 'force-min';
/**
 * How a copy's volume goes onto the lot step (`lot-step` mode, copy family, where each follower's
 * volume is computed on its own): `floor` (default: never more than the computed volume),
 * `half-up` (3.125 lots → 3.13 at a 0.01 step), `half-even` (3.125 → 3.12, 3.135 → 3.14).
 * A block split floors and hands out the leftover steps by the residual rule instead, so its
 * parts sum to the block.
 */
export type LotRounding = 'floor' | 'half-up' | 'half-even';
/** What a copy is sized on (copy family, except `multiplier`): the follower's equity over the master's (default) or balance over balance. */
export type CopyBasis = 'equity' | 'balance';
/**
 * A proportional copy's ratio: `exact` (default: follower ÷ master on the basis) or
 * `signal-marketplace`, as the largest signal marketplace computes it: (follower ÷ master) ×
 * the follower's deposit load %, × follower leverage ÷ master leverage when the follower's is
 * lower, then rounded down by bands (`marketplaceBand`); the volume then goes onto the grain.
 */
export type CopyRatio = 'exact' | 'signal-marketplace';

/**
 * The marketplace's bands, on the ratio in percent: below 1% → 1%; 1–10% down to a whole
 * percent; 10–100% down to a multiple of 5%; 100% and above down to a multiple of 10% (the
 * marketplace states bands up to 1000%; mamlab keeps steps of 10% above it).
 */
export function marketplaceBand(ratio: Dec): Dec {
  const pct = ratio.times(100);
  const step = pct.lt(1) ? undefined : pct.lt(10) ? 1 : pct.lt(100) ? 5 : 10;
  if (step === undefined) return new Dec('0.01');
  return pct.div(step).floor().times(step).div(100);
}

/** How parts are put on a grain. */
export interface Sizing {
  readonly mode: RoundingMode;
  readonly quantum: Quantum;
  readonly lotStep: Volume;
  readonly minLot: Volume;
  readonly maxLot: Volume;
  readonly belowMinLot: BelowMinLot;
  readonly residualRule: ResidualRule;
  /** Default `floor`. */
  readonly lotRounding?: LotRounding;
  /** Default `equity`. */
  readonly copyBasis?: CopyBasis;
  /** Default `exact`. */
  readonly copyRatio?: CopyRatio;
}

/** The master's side of a copy's ratio: its equity and its balance (`copyBasis` picks one). */
export interface MasterSize {
  readonly equity: Money;
  readonly balance: Money;
}

export interface AllocatedPart {
  readonly account: string;
  readonly volume: Volume;
}

export type NoteKind = 'residual' | 'skip' | 'clamp' | 'force-min' | 'override' | 'unplaced';

export interface AllocationNote {
  readonly kind: NoteKind;
  readonly account?: string;
  readonly volume: Volume;
  readonly reason: string;
}

export interface Allocation {
  /** Parts with a positive volume, in follower order. */
  readonly parts: AllocatedPart[];
  readonly notes: AllocationNote[];
  /** Each follower's exact, unrounded share (zero where it has none): the baseline for rounding money. */
  readonly exact: Map<string, Dec>;
}

export class AllocationError extends Error {}

const SPLIT: ReadonlySet<AllocationMethod> = new Set(['equity', 'balance', 'percent', 'lot']);

export function allocationFamily(m: AllocationMethod): 'split' | 'copy' {
  return SPLIT.has(m) ? 'split' : 'copy';
}

/** The grain of a volume: the quantum or the lot step. */
function grainOf(s: Sizing): Dec {
  return s.mode === 'lot-step' ? s.lotStep.value : s.quantum.step;
}

const grains = (v: Dec, g: Dec): bigint => BigInt(v.div(g).floor().toFixed(0));
const vol = (n: bigint, g: Dec): Volume => new Volume(new Dec(n.toString()).times(g));

/** The split family's weight of a follower, or the reason it has none. */
function splitWeight(method: AllocationMethod, f: Follower): Dec | string {
  const w = method === 'equity' ? f.equity.value : method === 'balance' ? f.balance.value : f.terms.percent;
  if (w === undefined) return `no ${method} set for ${f.account}`;
  if (!w.isPositive() || w.isZero()) return `${method} ${w.toString()} is not positive`;
  return w;
}

/**
 * The copy family's unrounded volume for a follower, or the reason it has none: `proportional`
 * master volume × follower / master on the `copyBasis` (equity, or balance); `equity-percent`
 * that × percent / 100; `multiplier` master volume × multiplier.
 */
function copyVolume(method: AllocationMethod, master: Volume, theirs: Money, f: Follower, basis: CopyBasis, ratio: CopyRatio = 'exact'): Dec | string {
  if (method === 'multiplier') {
    const m = f.terms.multiplier;
    if (m === undefined || !m.isPositive() || m.isZero()) return `multiplier ${m?.toString() ?? 'unset'} is not positive`;
    return master.value.times(m);
  }
  const mine = basis === 'balance' ? f.balance : f.equity;
  if (!theirs.isPositive()) return `master ${basis} ${theirs.toString()} is not positive`;
  if (!mine.isPositive()) return `${basis} ${mine.toString()} is not positive`;
  const raw = master.value.times(mine.value).div(theirs.value);
  if (method === 'proportional' && ratio === 'signal-marketplace') {
    const load = f.terms.depositLoad ?? new Dec(100);
    const r = mine.value.div(theirs.value).times(load).div(100).times(f.leverageRatio ?? 1);
    return master.value.times(marketplaceBand(r));
  }
  if (method === 'proportional') return raw;
  const pct = f.terms.equityPercent;
  if (pct === undefined || !pct.isPositive() || pct.isZero()) return `equity percent ${pct?.toString() ?? 'unset'} is not positive`;
  return raw.times(pct).div(100);
}

/**
 * Lot-step limits on one part (in grains): below the minimum lot it is skipped or forced up,
 * above the maximum it is clamped. Returns the new part and notes.
 */
function limitPart(account: string, part: bigint, exactPositive: boolean, s: Sizing, notes: AllocationNote[]): bigint {
  if (s.mode !== 'lot-step') return part;
  const g = grainOf(s);
  const minG = BigInt(s.minLot.value.div(g).ceil().toFixed(0));
  const maxG = grains(s.maxLot.value, g);
  if (part > maxG) {
    notes.push({ kind: 'clamp', account, volume: vol(part - maxG, g), reason: `part ${vol(part, g).toString()} clamped to the maximum lot ${s.maxLot.toString()}` });
    return maxG;
  }
  if (part < minG && (part > 0n || exactPositive)) {
    if (s.belowMinLot === 'force-min') {
      notes.push({ kind: 'force-min', account, volume: vol(minG - part, g), reason: `part ${vol(part, g).toString()} below the minimum lot ${s.minLot.toString()} raised to it (belowMinLot: force-min)` });
      return minG;
    }
    notes.push({ kind: 'skip', account, volume: vol(part, g), reason: `part ${vol(part, g).toString()} below the minimum lot ${s.minLot.toString()} skipped (belowMinLot: skip)` });
    return 0n;
  }
  return part;
}

/** Applies manual overrides: those followers take their fixed volume and leave the computation. */
function takeOverrides(followers: readonly Follower[], notes: AllocationNote[], exact: Map<string, Dec>): { fixed: Map<string, Volume>; rest: Follower[] } {
  const fixed = new Map<string, Volume>();
  const rest: Follower[] = [];
  for (const f of followers) {
    if (f.override === undefined) { rest.push(f); continue; }
    fixed.set(f.account, f.override);
    exact.set(f.account, f.override.value);
    notes.push({ kind: 'override', account: f.account, volume: f.override, reason: `manager's manual volume ${f.override.toString()} replaces the computed part` });
  }
  return { fixed, rest };
}

function inOrder(followers: readonly Follower[], volumes: ReadonlyMap<string, Volume>): AllocatedPart[] {
  return followers.filter((f) => volumes.get(f.account)?.isPositive()).map((f) => ({ account: f.account, volume: volumes.get(f.account)! }));
}

/** Split family: the block (master volume, or Σ lots for `lot`) is divided among the followers. */
function splitBlock(method: AllocationMethod, master: Volume, followers: readonly Follower[], s: Sizing): Allocation {
  const notes: AllocationNote[] = [];
  const exact = new Map<string, Dec>(followers.map((f) => [f.account, new Dec(0)]));
  const { fixed, rest } = takeOverrides(followers, notes, exact);
  const volumes = new Map(fixed);
  const g = grainOf(s);
  if (method === 'lot') {
    for (const f of rest) {
      const lots = f.terms.lots;
      if (lots === undefined || !lots.isPositive()) { notes.push({ kind: 'skip', account: f.account, volume: Volume.zero, reason: `no lot volume set for ${f.account}` }); continue; }
      exact.set(f.account, lots.value);
      const part = limitPart(f.account, grains(lots.value, g), true, s, notes);
      if (part > 0n) volumes.set(f.account, vol(part, g));
    }
    return { parts: inOrder(followers, volumes), notes, exact };
  }
  const remaining = master.minus(Volume.sum(fixed.values()));
  if (remaining.isNegative()) throw new AllocationError(`overrides ${Volume.sum(fixed.values()).toString()} exceed the master volume ${master.toString()}`);
  const weighted: Array<{ f: Follower; w: Dec }> = [];
  for (const f of rest) {
    const w = splitWeight(method, f);
    if (typeof w === 'string') notes.push({ kind: 'skip', account: f.account, volume: Volume.zero, reason: w });
    else weighted.push({ f, w });
  }
  const total = grains(remaining.value, g);
  const subGrain = remaining.value.minus(new Dec(total.toString()).times(g));
  if (weighted.length === 0) {
    if (remaining.isPositive()) notes.push({ kind: 'unplaced', volume: remaining, reason: 'no follower can take a part of the block' });
    return { parts: inOrder(followers, volumes), notes, exact };
  }
  const sumW = weighted.reduce((x, y) => x.plus(y.w), new Dec(0));
  const denominator = method === 'percent' ? Dec.max(sumW, 100) : sumW;
  for (const x of weighted) exact.set(x.f.account, remaining.value.times(x.w).div(denominator));
  // Percentages are fixed shares of the block: what belongs to followers absent now is not handed to the others.
  const absent = method === 'percent' ? Dec.max(0, new Dec(100).minus(weighted.reduce((x, y) => x.plus(y.w), new Dec(0)))) : new Dec(0);
  const scale = new Dec(10).pow(Math.max(absent.decimalPlaces(), ...weighted.map((x) => x.w.decimalPlaces())));
  const w = [...weighted.map((x) => BigInt(x.w.times(scale).toFixed(0))), ...(absent.gt(0) ? [BigInt(absent.times(scale).toFixed(0))] : [])];
  // 1. The conserving split on the grain (floors plus leftover grains by the residual rule).
  const split = splitQuanta(total, w, s.residualRule);
  if (absent.gt(0)) {
    const lost = split.parts.pop()!;
    notes.push({ kind: 'unplaced', volume: vol(lost, g), reason: `${absent.toString()}% of the block belongs to followers not in the program now` });
    split.residualTo.splice(0, split.residualTo.length, ...split.residualTo.filter((i) => i < weighted.length));
  }
  for (const i of split.residualTo) notes.push({ kind: 'residual', account: weighted[i]!.f.account, volume: vol(1n, g), reason: `one leftover ${s.mode === 'lot-step' ? 'lot step' : 'quantum'} by ${s.residualRule}` });
  // 2. Lot limits (lot-step only): skip or force below the minimum, clamp above the maximum.
  const held = split.parts.map((p, i) => limitPart(weighted[i]!.f.account, p, true, s, notes));
  const frozen = held.map((p, i) => p !== split.parts[i]);
  // 3. What the limits freed goes out again, one grain at a time, to parts still within them.
  const absentGrains = total - split.parts.reduce((a, b) => a + b, 0n);
  let left = total - absentGrains - held.reduce((a, b) => a + b, 0n);
  if (left > 0n) {
    const minG = BigInt(s.minLot.value.div(g).ceil().toFixed(0));
    const maxG = grains(s.maxLot.value, g);
    const given = new Array<bigint>(held.length).fill(0n);
    const order = residualOrder(w, total, s.residualRule).filter((i) => i < held.length && !frozen[i]);
    for (let progress = true; left > 0n && progress;) {
      progress = false;
      for (const i of order) {
        if (left === 0n) break;
        const next = held[i]! + 1n;
        if (next > maxG || next < minG) continue;
        held[i] = next;
        given[i]!++;
        left--;
        progress = true;
      }
    }
    given.forEach((n, i) => {
      if (n > 0n) notes.push({ kind: 'residual', account: weighted[i]!.f.account, volume: vol(n, g), reason: `${vol(n, g).toString()} freed by the lot limits, by ${s.residualRule}` });
    });
  }
  if (left < 0n) {
    // Forced minimums are paid for by the other parts, last in residual order first, down to their minimum.
    const minG = BigInt(s.minLot.value.div(g).ceil().toFixed(0));
    const order = residualOrder(w, total, s.residualRule).filter((i) => i < held.length && !frozen[i]).reverse();
    const taken = new Array<bigint>(held.length).fill(0n);
    for (let progress = true; left < 0n && progress;) {
      progress = false;
      for (const i of order) {
        if (left === 0n) break;
        if (held[i]! - 1n < minG) continue;
        held[i]!--;
        taken[i]!++;
        left++;
        progress = true;
      }
    }
    taken.forEach((n, i) => {
      if (n > 0n) notes.push({ kind: 'residual', account: weighted[i]!.f.account, volume: vol(-n, g), reason: `gives back ${vol(n, g).toString()} to make room for forced minimum lots` });
    });
    if (left < 0n) notes.push({ kind: 'unplaced', volume: vol(left, g), reason: `forcing minimum lots grows the block by ${vol(-left, g).toString()}` });
  }
  const unplaced = vol(left > 0n ? left : 0n, g).value.plus(subGrain);
  if (unplaced.gt(0)) notes.push({ kind: 'unplaced', volume: new Volume(unplaced), reason: `${unplaced.toString()} of the master volume could not be placed within the lot limits` });
  weighted.forEach((x, i) => { if (held[i]! > 0n) volumes.set(x.f.account, vol(held[i]!, g)); });
  return { parts: inOrder(followers, volumes), notes, exact };
}

/** The residual rule's ranking of every positive weight (remainders of total × w / Σw). */
function residualOrder(w: readonly bigint[], total: bigint, rule: ResidualRule): number[] {
  const W = w.reduce((a, b) => a + b, 0n);
  const idx = w.map((_, i) => i).filter((i) => w[i]! > 0n);
  const byWeight = (a: number, b: number): number => (w[a]! > w[b]! ? -1 : w[a]! < w[b]! ? 1 : a - b);
  if (rule === 'list-order') return idx;
  if (rule === 'largest-account-first') return idx.sort(byWeight);
  const rem = (i: number): bigint => (total * w[i]!) % W;
  return idx.sort((a, b) => { const ra = rem(a), rb = rem(b); return ra > rb ? -1 : ra < rb ? 1 : byWeight(a, b); });
}

/** Copy family: each follower's volume from the master's, on the grain, within the lot limits. */
/** A volume in grains under the lot rounding (`floor` outside lot-step mode, where the quantum truncates first). */
function roundedGrains(raw: Dec, g: Dec, rounding: LotRounding): bigint {
  if (rounding === 'floor') return grains(raw, g);
  return BigInt(raw.div(g).toDecimalPlaces(0, rounding === 'half-up' ? Dec.ROUND_HALF_UP : Dec.ROUND_HALF_EVEN).toFixed(0));
}

function copyEach(method: AllocationMethod, master: Volume, size: MasterSize, followers: readonly Follower[], s: Sizing): Allocation {
  const notes: AllocationNote[] = [];
  const exact = new Map<string, Dec>(followers.map((f) => [f.account, new Dec(0)]));
  const { fixed, rest } = takeOverrides(followers, notes, exact);
  const volumes = new Map(fixed);
  const g = grainOf(s);
  const basis = s.copyBasis ?? 'equity';
  // The master's side once for all followers (a multiplier needs none).
  const theirs = method === 'multiplier' || rest.length === 0 ? Money.zero : basis === 'balance' ? size.balance : size.equity;
  for (const f of rest) {
    const raw = copyVolume(method, master, theirs, f, basis, s.copyRatio);
    if (typeof raw === 'string') { notes.push({ kind: 'skip', account: f.account, volume: Volume.zero, reason: raw }); continue; }
    exact.set(f.account, raw);
    const floored = s.mode === 'lot-step' ? roundedGrains(raw, g, s.lotRounding ?? 'floor') : grains(truncToQuantum(raw, s.quantum), g);
    const part = limitPart(f.account, floored, raw.isPositive() && !raw.isZero(), s, notes);
    if (part > 0n) volumes.set(f.account, vol(part, g));
    else if (s.mode === 'fractional') notes.push({ kind: 'skip', account: f.account, volume: Volume.zero, reason: 'allocated volume is below the quantum' });
  }
  return { parts: inOrder(followers, volumes), notes, exact };
}

export function allocate(method: AllocationMethod, master: Volume, size: MasterSize, followers: readonly Follower[], s: Sizing): Allocation {
  return allocationFamily(method) === 'split' ? splitBlock(method, master, followers, s) : copyEach(method, master, size, followers, s);
}

/**
 * The part of `held` to close when `closing` of `of` is closed, floored to the grain: used for
 * copy-family partial closes (ratio of what remains) and proportional withdrawals.
 */
export function proportionalPart(held: Volume, closing: Dec, of: Dec, grain: Dec): Volume {
  if (closing.gte(of)) return held;
  return new Volume(held.value.times(closing).div(of).div(grain).floor().times(grain));
}

/** Splits a volume over held volumes on a grain (conserving; block partial closes keep the ratio). */
/** `total` split by decimal weights (equities, balances) on the grain, floors plus leftover grains by the residual rule. */
export function splitByWeights(total: Volume, weights: readonly Dec[], grain: Dec, rule: ResidualRule): Volume[] {
  const scale = new Dec(10).pow(Math.max(0, ...weights.map((w) => w.decimalPlaces())));
  const { parts } = splitQuanta(grains(total.value, grain), weights.map((w) => BigInt(w.times(scale).toFixed(0))), rule);
  return parts.map((p) => vol(p, grain));
}

export function splitOnGrain(total: Volume, held: readonly Volume[], grain: Dec, rule: ResidualRule): Volume[] {
  const scale = new Dec(10).pow(Math.max(0, ...held.map((h) => h.value.decimalPlaces())));
  const { parts } = splitQuanta(grains(total.value, grain), held.map((h) => BigInt(h.value.times(scale).toFixed(0))), rule);
  return parts.map((p) => vol(p, grain));
}
