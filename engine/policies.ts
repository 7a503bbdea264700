// Every contested convention of DOMAIN.md that this build implements, as named values with
// their defaults. The scenario sets them, the engine reads them, the outputs echo them.
import type { ResidualRule } from './split.js';
import type { ConversionSide } from './quotes.js';

export const STRUCTURES = ['signal', 'block'] as const;
export type Structure = (typeof STRUCTURES)[number];

export const ALLOCATION_METHODS = ['equity', 'proportional'] as const;
export type AllocationMethod = (typeof ALLOCATION_METHODS)[number];

/** Split family divides the master block; copy family mirrors the master per follower. */
export function allocationFamily(m: AllocationMethod): 'split' | 'copy' {
  return m === 'equity' ? 'split' : 'copy';
}

export interface PerformanceFeePolicies {
  readonly period: 'monthly';
  readonly hwmBasis: 'equity';
  readonly hwmReset: 'after-fee';
  readonly floatingPnl: 'all';
  readonly partialWithdrawal: 'pro-rata';
  readonly hurdle: 'none';
}

export interface Policies {
  readonly residualRule: ResidualRule;
  readonly conversionSide: ConversionSide;
  readonly roundingMode: 'fractional';
  readonly onLeave: 'close';
  readonly pammDeposit: 'reallocate';
  readonly negativeBalance: 'protect';
  readonly performanceFee: PerformanceFeePolicies;
}

export const DEFAULT_POLICIES: Policies = {
  residualRule: 'largest-remainder',
  conversionSide: 'mid',
  roundingMode: 'fractional',
  onLeave: 'close',
  pammDeposit: 'reallocate',
  negativeBalance: 'protect',
  performanceFee: {
    period: 'monthly',
    hwmBasis: 'equity',
    hwmReset: 'after-fee',
    floatingPnl: 'all',
    partialWithdrawal: 'pro-rata',
    hurdle: 'none',
  },
};
