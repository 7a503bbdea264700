import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { DEFAULT_QUANTUM as q } from '../engine/quantum.js';
import { RESIDUAL_RULES, splitAmount, splitQuanta } from '../engine/split.js';
import { splitQuantaF64 } from '../engine/split-fast.js';

const parts = (total: string, weights: string[], rule: (typeof RESIDUAL_RULES)[number] = 'largest-remainder'): string[] =>
  splitAmount(new Dec(total), weights.map((w) => new Dec(w)), q, rule).parts.map((p) => p.toFixed(7));

describe('conserving split (DOMAIN §1)', () => {
  // 1 lot = 10,000,000 quanta over weights 1:2:3 (W = 6):
  //   10,000,000 × 1/6 = 1,666,666 rem 4;  × 2/6 = 3,333,333 rem 2;  × 3/6 = 5,000,000 rem 0.
  //   Floors sum to 9,999,999: one quantum is left over.
  it('hands the leftover quantum out by each residual rule', () => {
    expect(parts('1', ['10000', '20000', '30000'])).toEqual(['0.1666667', '0.3333333', '0.5000000']); // largest remainder (4)
    expect(parts('1', ['10000', '20000', '30000'], 'largest-account-first')).toEqual(['0.1666666', '0.3333333', '0.5000001']);
    expect(parts('1', ['10000', '20000', '30000'], 'list-order')).toEqual(['0.1666667', '0.3333333', '0.5000000']);
  });

  // 2 quanta over weights 1:3 (W = 4): 2×1/4 = 0 rem 2; 2×3/4 = 1 rem 2. A tie on the remainder
  // goes to the larger weight.
  it('breaks a remainder tie by the larger weight, then the earlier account', () => {
    expect(splitQuanta(2n, [1n, 3n], 'largest-remainder').parts).toEqual([0n, 2n]);
    // 2 quanta over 1:1:1: each 0 rem 2, two leftovers go to the first two.
    expect(splitQuanta(2n, [1n, 1n, 1n], 'largest-remainder').parts).toEqual([1n, 1n, 0n]);
  });

  // Seed 000 scenario, trade 1: 0.7 lot by equities 25,000 / 10,000 / 4,930.50 / 69.50 (Σ 40,000):
  //   0.4375, 0.175, 0.08628375 → 0.0862837 (rem ½), 0.00121625 → 0.0012162 (rem ½): one quantum
  //   left, remainders tie, the larger equity (4,930.50) gets it.
  it('splits the seed 000 trade to 0.0000001 lot', () => {
    expect(parts('0.7', ['25000', '10000', '4930.50', '69.50'])).toEqual(['0.4375000', '0.1750000', '0.0862838', '0.0012162']);
  });

  it('never gives a residual quantum to a zero weight', () => {
    // 5 quanta over 0:1:1 → 0, 2 rem 1, 2 rem 1 → one leftover to the first positive weight.
    for (const rule of RESIDUAL_RULES) expect(splitQuanta(5n, [0n, 1n, 1n], rule).parts).toEqual([0n, 3n, 2n]);
  });

  it('splits a negative amount symmetrically', () => {
    expect(parts('-1', ['1', '2', '3'])).toEqual(['-0.1666667', '-0.3333333', '-0.5000000']);
  });

  it('rejects a non-zero amount over zero weight', () => {
    expect(() => splitQuanta(1n, [0n, 0n], 'list-order')).toThrow(/zero total weight/);
    expect(splitQuanta(0n, [0n, 0n], 'list-order').parts).toEqual([0n, 0n]);
  });

  it('property: parts sum to the total exactly, none negative, each within one quantum of its exact share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(...RESIDUAL_RULES),
        (total, weights, rule) => {
          const W = weights.reduce((a, b) => a + b, 0n);
          fc.pre(W > 0n);
          const { parts: ps } = splitQuanta(total, weights, rule);
          expect(ps.reduce((a, b) => a + b, 0n)).toBe(total);
          ps.forEach((p, i) => {
            expect(p >= 0n).toBe(true);
            const exactFloor = (total * weights[i]!) / W;
            expect(p === exactFloor || p === exactFloor + 1n).toBe(true);
            if (weights[i] === 0n) expect(p).toBe(0n);
          });
        },
      ),
      { numRuns: 500, seed: 20261121 },
    );
  });
});

describe('the float64 fast path is the same split, bit for bit', () => {
  const same = (total: bigint, weights: bigint[], rule: (typeof RESIDUAL_RULES)[number]) => {
    const ref = splitQuanta(total, weights, rule);
    const fast = splitQuantaF64(Number(total), Float64Array.from(weights, Number), rule);
    expect(fast).toBeDefined();
    expect(Array.from(fast!.parts, (p) => BigInt(p))).toEqual(ref.parts);
    expect(Array.from(fast!.residualTo)).toEqual(ref.residualTo);
  };
  const safe = fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) });

  it('agrees on random weights up to 2^53 and totals up to 2^50', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: -(2n ** 50n), max: 2n ** 50n }), fc.array(safe, { minLength: 1, maxLength: 60 }), fc.constantFrom(...RESIDUAL_RULES),
      (total, weights, rule) => { fc.pre(weights.some((w) => w > 0n)); same(total, weights, rule); },
    ), { numRuns: 1500, seed: 7 });
  });

  it('agrees where floats are weakest: ties, exact divisions, repeated and tiny weights', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: 0n, max: 10n ** 9n }),
      fc.array(fc.constantFrom(0n, 1n, 2n, 3n, 7n, 10n ** 7n, 3n * 10n ** 7n, 2n ** 52n, BigInt(Number.MAX_SAFE_INTEGER)), { minLength: 1, maxLength: 80 }),
      fc.constantFrom(...RESIDUAL_RULES),
      (total, weights, rule) => { fc.pre(weights.some((w) => w > 0n)); same(total, weights, rule); },
    ), { numRuns: 1500, seed: 11 });
    same(10n ** 7n, Array.from({ length: 3000 }, () => 5n), 'largest-remainder'); // all tied
    same(999_999n, Array.from({ length: 3000 }, (_, i) => BigInt(1 + (i % 7))), 'largest-remainder');
  });

  it('declines inputs outside its exact domain', () => {
    expect(splitQuantaF64(2 ** 52, Float64Array.of(1, 2), 'list-order')).toBeUndefined();
    expect(splitQuantaF64(10, Float64Array.of(1.5, 2), 'list-order')).toBeUndefined();
  });
});
