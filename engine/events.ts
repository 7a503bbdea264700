// What the engine reports besides journal entries: notable events (with reasons), closed
// trade tickets and external executions. Sinks receive them in order; nothing is dropped.
import type { ExternalOrder } from './executive.js';
import type { Side } from './instrument.js';
import type { ServerTime } from './time.js';
import type { Dec } from './decimal.js';
import type { Money, Price, Units, Volume } from './values.js';

export const EVENT_KINDS = [
  'master-open', 'master-close', 'order-rejected', 'order-placed', 'order-modified', 'order-cancelled', 'order-triggered', 'stop-loss', 'take-profit',
  'allocation-residual', 'allocation-skip', 'allocation-clamp', 'allocation-force-min', 'allocation-override', 'allocation-unplaced', 'residual-exposure',
  'join', 'deposit', 'withdrawal', 'leave', 'detach', 'request-rejected', 'request-queued', 'request-executed', 'withdrawal-capped',
  'units-issued', 'units-redeemed', 'positions-reduced', 'reduction-rounded', 'positions-copied', 'pool-reallocated', 'block-resplit',
  'period-end', 'performance-fee', 'management-fee', 'entry-fee', 'subscription-fee', 'volume-fee', 'fee-share', 'terms-changed', 'negative-balance-protected', 'rounding-missed',
  'client-joined', 'rebate-credited', 'rebate-capped', 'cashback-credited',
  'copy-skipped', 'copy-clamped', 'margin-call', 'stop-out', 'negative-balance-carried', 'limit-breach', 'account-paused', 'account-resumed', 'hard-stop',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface EngineEvent {
  readonly time: ServerTime;
  readonly kind: EventKind;
  readonly account?: string;
  readonly investor?: string;
  readonly ticket?: string;
  readonly symbol?: string;
  readonly volume?: Volume;
  readonly amount?: Money;
  readonly units?: Units;
  readonly price?: Price;
  readonly reason: string;
}

/** Why a position (or part of one) was closed. */
export type CloseCause = 'master-close' | 'stop-loss' | 'take-profit' | 'withdrawal' | 'leave' | 'reallocate' | 'performance-fee' | 'management-fee' | 'subscription-fee' | 'volume-fee' | 'residual-exposure' | 'client-close' | 'stop-out' | 'risk-limit' | 'hard-stop';

export interface ClosedTrade {
  readonly account: string;
  readonly ticket: number;
  readonly masterTicket: string;
  readonly symbol: string;
  readonly side: Side;
  readonly volume: Volume;
  readonly openTime: ServerTime;
  readonly openPrice: Price;
  readonly closeTime: ServerTime;
  readonly closePrice: Price;
  readonly profit: Money;
  /** What the same trade would have made on the exact, unrounded volume. */
  readonly idealProfit: Money;
  readonly commission: Money;
  readonly swap: Money;
  readonly cause: CloseCause;
}

/** One investor's fee statement for one fee period (or up to its exit). */
export interface FeeStatement {
  readonly investor: string;
  readonly model: 'mam' | 'pamm';
  /** The period's label, or `exit`. */
  readonly period: string;
  readonly from: ServerTime;
  readonly to: ServerTime;
  readonly opening: Money;
  readonly deposits: Money;
  readonly withdrawals: Money;
  /** The mark the performance fee was assessed against and the gain above it: a high-water mark of equity, or under `hwmBasis: cumulative-profit` of the cumulative result. */
  readonly mark: Money;
  readonly gain: Money;
  /** Which mark `mark` and `markAfter` are. */
  readonly markBasis: 'equity' | 'cumulative-result';
  /** The mark the next period is assessed against (none at an exit). */
  readonly markAfter?: Money;
  readonly entryFees: Money;
  readonly managementFees: Money;
  readonly performanceFees: Money;
  /** Subscription and volume fees. */
  readonly otherFees: Money;
  readonly closing: Money;
  readonly units?: Units;
  readonly nav?: Dec;
}

/** One cost of one fill or rollover (DOMAIN §5): commission, swap, or the spread paid against the mid. */
export interface CostLine {
  readonly time: ServerTime;
  readonly kind: 'commission' | 'swap' | 'spread';
  readonly account: string;
  readonly ticket: number;
  readonly masterTicket: string;
  readonly symbol: string;
  readonly side: Side;
  /** The side of the trade a commission or spread belongs to (none for a swap). */
  readonly leg?: 'open' | 'close';
  readonly volume: Volume;
  readonly price: Price;
  /** Money to the account: negative is a cost to it (and income to the broker). A spread line moves no money: it is inside the fill price. */
  readonly amount: Money;
  readonly detail: string;
}

/** One rebate or cashback amount, traced to the fill it came from (DOMAIN §8). */
export interface RebateLine {
  readonly kind: 'rebate' | 'cashback';
  readonly accrued: ServerTime;
  readonly credited: ServerTime;
  /** Who receives it: `manager`, an IB's id, or (cashback) the client's id. */
  readonly receiver: string;
  /** Journal accounts it moves between: house → receiver, or partner → client. */
  readonly from: string;
  readonly to: string;
  /** 1 for the client's own IB (or the manager), 2 for its parent, … */
  readonly level: number;
  readonly account: string;
  /** The program investor or self-trading client whose volume it is. */
  readonly source?: string;
  readonly ticket: number;
  readonly masterTicket: string;
  readonly symbol: string;
  readonly leg: 'open' | 'close';
  readonly volume: Volume;
  /** The broker's rebate on this (share of the) fill, before it is divided. */
  readonly pool: Money;
  readonly amount: Money;
  readonly detail: string;
}

export interface EngineSink {
  event(e: EngineEvent): void;
  trade(t: ClosedTrade): void;
  execution(time: ServerTime, x: ExternalOrder): void;
  statement?(s: FeeStatement): void;
  cost?(c: CostLine): void;
  rebate?(r: RebateLine): void;
}

/** A sink that keeps everything in memory: for tests and small runs. */
export class MemorySink implements EngineSink {
  readonly events: EngineEvent[] = [];
  readonly trades: ClosedTrade[] = [];
  readonly executions: Array<{ time: ServerTime; order: ExternalOrder }> = [];
  readonly statements: FeeStatement[] = [];
  readonly costs: CostLine[] = [];
  readonly rebates: RebateLine[] = [];
  event(e: EngineEvent): void { this.events.push(e); }
  cost(c: CostLine): void { this.costs.push(c); }
  rebate(r: RebateLine): void { this.rebates.push(r); }
  statement(s: FeeStatement): void { this.statements.push(s); }
  trade(t: ClosedTrade): void { this.trades.push(t); }
  execution(time: ServerTime, order: ExternalOrder): void { this.executions.push({ time, order }); }
}
