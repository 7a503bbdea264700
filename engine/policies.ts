// Every contested convention of DOMAIN.md that this build implements, as named values with
// their defaults. The scenario sets them, the engine reads them, the outputs echo them.
import type { Hurdle, HwmBasis, HwmReset, PartialWithdrawal } from './performance-fee.js';
import type { ResidualRule } from './split.js';
import type { ConversionSide } from './quotes.js';
import type { CommissionSide } from './commission.js';
import type { RebateTiming } from './rebate.js';
import type { HedgedMargin } from './margin.js';

export const STRUCTURES = ['signal', 'block'] as const;
export type Structure = (typeof STRUCTURES)[number];

/** Split family (divides a block master) then copy family (mirrors a signal master). */
export const ALLOCATION_METHODS = ['equity', 'balance', 'percent', 'lot', 'proportional', 'equity-percent', 'multiplier'] as const;
export type AllocationMethod = (typeof ALLOCATION_METHODS)[number];

export const FEE_PERIODS = ['daily', 'weekly', 'monthly', 'quarterly', 'annual'] as const;
export type FeePeriod = (typeof FEE_PERIODS)[number];

export interface PerformanceFeePolicies {
  readonly period: FeePeriod;
  readonly hwmBasis: HwmBasis;
  readonly hwmReset: HwmReset;
  readonly floatingPnl: 'all' | 'losses-only' | 'none';
  readonly partialWithdrawal: PartialWithdrawal;
  readonly hurdle: Hurdle;
  /** Annual hurdle rate as a decimal string (0.05 = 5% a year). */
  readonly hurdleRate: string;
  /** How the annual rate is pro-rated to the part of a period assessed: see hurdle-day-count.ts. */
  readonly hurdleDayCount: HurdleDayCount;
}

/** How summary.json's performance figures are computed (reports only). */
export interface MetricPolicies {
  /** GIPS: `year-or-longer` leaves returns of memberships under a year unannualized (null); `always` annualizes them. */
  readonly annualize: 'year-or-longer' | 'always';
  /** The return series of volatility, Sharpe and Sortino: weekday, week or calendar-month ends of the net index. */
  readonly ratioFrequency: 'daily' | 'weekly' | 'monthly';
  /** Annual minimum acceptable return of Sortino and the downside deviation, a decimal string. */
  readonly targetReturn: string;
}

export interface ManagementFeePolicies {
  readonly period: 'monthly' | 'quarterly';
  /** act/365: 1/365 of the annual rate every calendar day; 1/12-per-month: a twelfth a month spread over its days; 1/260-per-trading-day: 1/260 per trading day. */
  readonly dayCount: 'act/365' | '1/12-per-month' | '1/260-per-trading-day';
}

export type HurdleDayCount = 'act/365' | 'act/act' | 'per-period';

export interface Policies {
  readonly residualRule: ResidualRule;
  readonly conversionSide: ConversionSide;
  readonly roundingMode: 'fractional' | 'lot-step';
  /** Lot-step copies onto the step: see LotRounding in allocation.ts. */
  readonly lotRounding: 'floor' | 'half-up' | 'half-even';
  /** What copies are sized on: see CopyBasis in allocation.ts. */
  readonly copyBasis: 'equity' | 'balance';
  /** How a proportional copy's ratio is worked out: see CopyRatio in allocation.ts. */
  readonly copyRatio: 'exact' | 'signal-marketplace';
  readonly belowMinLot: 'skip' | 'force-min';
  readonly onLeave: 'close' | 'detach';
  readonly pammDeposit: 'reallocate' | 'no-action';
  /** When PAMM requests execute: in the daily rollover window (`rollover`, seed 001) or at once in market hours (`instant`); the runner applies it. */
  readonly pammFlows: 'rollover' | 'instant';
  /** Block programs: an open block's parts stay as split at the open (`frozen`, seed 000) or are re-split by the new weights when a part's money moves (`re-split`); see resizing.ts. */
  readonly openBlocks: 'frozen' | 're-split';
  /** `protect`: the broker absorbs a negative balance (booked to house); `carry`: the account keeps it. */
  readonly negativeBalance: 'protect' | 'carry';
  /** How a long and a short of one symbol are margined together. */
  readonly hedgedMargin: HedgedMargin;
  /** `hedgedMargin: per-leg`: percent of the normal margin per hedged lot and leg, as a decimal string (MT4's typical 50). */
  readonly hedgedMarginPct: string;
  /** The price margin is taken at: the current mid (`current`) or the positions' open price (`open`, a vendor setting); see account-margin.ts. */
  readonly marginPrice: 'current' | 'open';
  /** A MAM account that breaches a personal limit: unlinked from the program, or paused until the next trading week. */
  readonly limitBreach: 'detach' | 'pause-until-next-period';
  /** When levels and limits trigger: when reached (`at-or-below`) or only when passed (`below`); see engine/risk.ts. */
  readonly riskTrigger: 'at-or-below' | 'below';
  readonly intrabar: 'worst-first' | 'open-high-low-close';
  readonly sameBarStops: 'stop-loss-first' | 'path-order';
  readonly performanceFee: PerformanceFeePolicies;
  readonly managementFee: ManagementFeePolicies;
  readonly metrics: MetricPolicies;
  /** A change of fee rates applies to members joining after it, or to every member. */
  readonly termChanges: 'new-members-only' | 'all-members';
  readonly commissionSide: CommissionSide;
  readonly rebateTiming: RebateTiming;
}

export const DEFAULT_POLICIES: Policies = {
  residualRule: 'largest-remainder',
  conversionSide: 'mid',
  roundingMode: 'fractional',
  lotRounding: 'floor',
  copyBasis: 'equity',
  copyRatio: 'exact',
  belowMinLot: 'skip',
  onLeave: 'close',
  pammDeposit: 'reallocate',
  pammFlows: 'rollover',
  openBlocks: 'frozen',
  negativeBalance: 'protect',
  hedgedMargin: 'none',
  hedgedMarginPct: '50',
  marginPrice: 'current',
  limitBreach: 'detach',
  riskTrigger: 'at-or-below',
  intrabar: 'worst-first',
  sameBarStops: 'stop-loss-first',
  performanceFee: {
    period: 'monthly',
    hwmBasis: 'equity',
    hwmReset: 'after-fee',
    floatingPnl: 'all',
    partialWithdrawal: 'pro-rata',
    hurdle: 'none',
    hurdleRate: '0',
    hurdleDayCount: 'act/365',
  },
  managementFee: { period: 'monthly', dayCount: 'act/365' },
  metrics: { annualize: 'year-or-longer', ratioFrequency: 'daily', targetReturn: '0' },
  termChanges: 'new-members-only',
  commissionSide: 'per-side',
  rebateTiming: 'half-open-half-close',
};
