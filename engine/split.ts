// The conserving split (DOMAIN §1): an amount divided by weights into parts floored to the
// quantum, with the leftover quanta handed out one each by a named residual rule, so the
// parts always sum to the total exactly.
import { Dec } from './decimal.js';
import { type Quantum, fromQuanta, toQuanta } from './quantum.js';
import { splitQuantaF64 } from './split-fast.js';

export const RESIDUAL_RULES = ['largest-remainder', 'largest-account-first', 'list-order'] as const;
export type ResidualRule = (typeof RESIDUAL_RULES)[number];

export interface QuantaSplit {
  readonly parts: bigint[];
  /** Indices that received one leftover quantum each, in ascending index order. */
  readonly residualTo: number[];
}

/**
 * Splits `total` whole quanta by non-negative integer `weights`.
 * Each part is floor(total × w / Σw); the k = total − Σparts leftover quanta (k < number of
 * positive weights) go one each to the first k positive-weight parts in the rule's order:
 * - largest-remainder: larger dropped remainder, then larger weight, then earlier position;
 * - largest-account-first: larger weight, then earlier position;
 * - list-order: earlier position.
 * A negative total is split as its absolute value and negated, so signs never skew parts.
 */
export function splitQuanta(total: bigint, weights: readonly bigint[], rule: ResidualRule): QuantaSplit {
  const n = weights.length;
  let sumW = 0n;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (w < 0n) throw new RangeError(`split weight ${i} is negative`);
    sumW += w;
  }
  const parts = new Array<bigint>(n);
  if (sumW === 0n) {
    if (total !== 0n) throw new RangeError('cannot split a non-zero amount over zero total weight');
    parts.fill(0n);
    return { parts, residualTo: [] };
  }
  const negative = total < 0n;
  const t = negative ? -total : total;
  const rems = new Array<bigint>(n);
  let assigned = 0n;
  for (let i = 0; i < n; i++) {
    const p = t * weights[i]!;
    const q = p / sumW;
    parts[i] = q;
    rems[i] = p - q * sumW;
    assigned += q;
  }
  const k = Number(t - assigned);
  const residualTo = k > 0 ? rankForResidual(weights, rems, rule, k) : [];
  for (const i of residualTo) parts[i] = parts[i]! + 1n;
  if (negative) for (let i = 0; i < n; i++) parts[i] = -parts[i]!;
  return { parts, residualTo };
}

/** The first k positive-weight indices in the residual rule's order. */
function rankForResidual(weights: readonly bigint[], rems: readonly bigint[], rule: ResidualRule, k: number): number[] {
  const eligible: number[] = [];
  for (let i = 0; i < weights.length; i++) if (weights[i]! > 0n) eligible.push(i);
  if (rule === 'list-order') return eligible.slice(0, k);
  const byWeight = (a: number, b: number): number => {
    const wa = weights[a]!, wb = weights[b]!;
    return wa > wb ? -1 : wa < wb ? 1 : a - b;
  };
  if (rule === 'largest-account-first') return selectTop(eligible, k, byWeight);
  return selectTop(eligible, k, (a, b) => {
    const ra = rems[a]!, rb = rems[b]!;
    return ra > rb ? -1 : ra < rb ? 1 : byWeight(a, b);
  });
}

/** The k smallest under `cmp` (a strict total order), as ascending indices; O(n) expected. */
export function selectTop(items: number[], k: number, cmp: (a: number, b: number) => number): number[] {
  if (k >= items.length) return items;
  let lo = 0, hi = items.length - 1;
  // Deterministic pivot (middle element): same input, same work, same answer.
  while (lo < hi) {
    const pivot = items[(lo + hi) >>> 1]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (cmp(items[i]!, pivot) < 0) i++;
      while (cmp(items[j]!, pivot) > 0) j--;
      if (i <= j) {
        const tmp = items[i]!; items[i] = items[j]!; items[j] = tmp;
        i++; j--;
      }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else break;
  }
  return Array.from(Int32Array.from(items.slice(0, k)).sort());
}

/** Scale (a power of ten) that turns every weight into an integer. */
function weightScale(weights: readonly Dec[]): Dec {
  let dp = 0;
  for (const w of weights) dp = Math.max(dp, w.decimalPlaces());
  return new Dec(10).pow(dp);
}

export interface DecimalSplit {
  readonly parts: Dec[];
  readonly residualTo: number[];
}

/** Splits a decimal amount on the quantum by decimal weights (equities, volumes, units). */
export function splitAmount(total: Dec, weights: readonly Dec[], q: Quantum, rule: ResidualRule): DecimalSplit {
  const scale = weightScale(weights);
  const scaled = weights.map((x) => x.times(scale).toFixed(0));
  const t = toQuanta(total, q);
  const fast = scaled.every((x) => Number.isSafeInteger(Number(x))) ? splitQuantaF64(Number(t), Float64Array.from(scaled, Number), rule) : undefined;
  if (fast) return { parts: Array.from(fast.parts, (p) => fromQuanta(BigInt(p), q)), residualTo: Array.from(fast.residualTo) };
  const { parts, residualTo } = splitQuanta(t, scaled.map((x) => BigInt(x)), rule);
  return { parts: parts.map((p) => fromQuanta(p, q)), residualTo };
}
