// Books what trading costs and earns besides P&L (DOMAIN §5, §8): commissions and the spread
// at each fill, swaps at each rollover, and rebates accrued per fill and credited at the end of
// the trading day, with cashback passed on to clients. Every amount is a journal entry with
// the house (or, for cashback, the partner) on the other side, and a traced line to the sink.
import { Dec } from './decimal.js';
import { type CommissionSide, commissionShare } from './commission.js';
import type { CostLine, EngineEvent, EngineSink, RebateLine } from './events.js';
import { type Instrument, type Side, opposite, sideSign } from './instrument.js';
import { BASE_CURRENCY, type EntryReason } from './journal.js';
import { type Quantum, roundToQuantum } from './quantum.js';
import { type RateSchedule, describeRate, rateAmount, rateFor } from './rate-schedule.js';
import { type LevelShare, MANAGER, type RebateTerms, type RebateTiming, additiveShares, cashbackRate, programSplit, referralChain, splitShares, timingShare } from './rebate.js';
import { type ResidualRule, splitAmount } from './split.js';
import { type SwapTerms, type Weekday, swapAmount, swapDays } from './swap.js';
import type { ServerTime } from './time.js';
import { Money, type Price, type Volume } from './values.js';

export interface CostsConfig {
  readonly commission?: RateSchedule;
  readonly commissionSide: CommissionSide;
  /** Swap terms by symbol; a symbol without terms has no swap. */
  readonly swaps: ReadonlyMap<string, SwapTerms>;
  readonly rebates?: RebateTerms;
  readonly rebateTiming: RebateTiming;
  readonly residualRule: ResidualRule;
}

/** What the cost books need of the program they serve. */
export interface CostHost {
  readonly q: Quantum;
  readonly sink: EngineSink;
  /** The house account: counterparty of commissions, swaps and rebates. */
  readonly house: string;
  instrument(symbol: string): Instrument;
  /**
   * An exact amount (USD, or the symbol's quote currency) as money of `account` (its currency;
   * USD when none is named: rebates are reckoned in USD), converted at the mid.
   */
  toAccount(symbol: string, x: { readonly usd: boolean; readonly amount: Dec }, account?: string): Money;
  /** Posts an entry (ProgramState.post): `currency` names the amount's when it is not the payer's. */
  post(time: ServerTime, from: string, to: string, amount: Money, reason: EntryReason, ref: string, currency?: string): unknown;
  mid(symbol: string): Dec;
  /** The journal account a receiver is paid into: the fee account for the manager, `ib:<id>` for an IB. */
  accountOf(receiver: string): string;
  emit(e: EngineEvent): void;
}

/** The position a fill or rollover touches. */
export interface Ticket {
  readonly ticket: number;
  readonly masterTicket: string;
  readonly symbol: string;
  readonly side: Side;
}

export interface Fill {
  readonly time: ServerTime;
  readonly account: string;
  readonly position: Ticket;
  readonly leg: 'open' | 'close';
  readonly volume: Volume;
  readonly price: Price;
}

/**
 * Whose volume a fill is, for the rebate: program volume (the manager's, or shared with the IB
 * that referred the investor) or a self-trading client's (its IB chain). A pool's fill has one
 * source per member, weighted by units.
 */
export interface RebateSource {
  readonly weight: Dec;
  readonly kind: 'program' | 'client';
  /** The investor or client id; `members:REFERRER` for a pool's members that REFERRER (an IB, or `manager` for the manager and nobody) referred, taken together. */
  readonly id?: string;
  readonly referredBy?: string;
  /** Whose share of the fill this is, for the rebate line's detail when a fill has several sources. */
  readonly share?: string;
}

/** A rebate or cashback amount accrued and not yet credited. */
type Accrual = Omit<RebateLine, 'credited'>;

export class CostBook {
  private accrued: Accrual[] = [];

  constructor(private readonly config: CostsConfig, private readonly host: CostHost) {}

  /** The commission on one side of an account's fill, posted to the house; returns it as money to the account (≤ 0). */
  chargeCommission(f: Fill): Money {
    const schedule = this.config.commission;
    const inst = this.host.instrument(f.position.symbol);
    const rate = schedule && rateFor(schedule, inst.class);
    const share = commissionShare(this.config.commissionSide, f.leg);
    if (!rate || share.isZero()) return Money.zero;
    const fee = this.host.toAccount(inst.symbol, rateAmount(rate, inst, f.volume, f.price, share), f.account);
    if (!fee.isPositive()) return Money.zero;
    this.host.post(f.time, f.account, this.host.house, fee, 'commission', String(f.position.ticket));
    this.line(f, 'commission', fee.neg(), `${describeRate(rate)}, ${this.config.commissionSide}${this.config.commissionSide === 'round-turn' ? ' (charged in full at the open)' : ''}`);
    return fee.neg();
  }

  /** What the fill price cost the account against the mid: the broker's spread income (no money moves; it is in the price). */
  recordSpread(f: Fill): void {
    const inst = this.host.instrument(f.position.symbol);
    const sign = sideSign(f.leg === 'open' ? f.position.side : opposite(f.position.side));
    const paid = f.price.value.minus(this.host.mid(inst.symbol)).times(sign).times(f.volume.value).times(inst.contractSize);
    // The broker's income, no money moves: stated in USD whatever the account holds.
    const amount = this.host.toAccount(inst.symbol, { usd: false, amount: paid });
    this.line(f, 'spread', amount.neg(), 'fill price against the mid');
  }

  /**
   * One day's swap of a position at the rollover ending `day` (tripled on the triple day),
   * posted between the house and the account; returns it as money to the account.
   */
  chargeSwap(time: ServerTime, day: Weekday, account: string, p: Ticket, volume: Volume, current: Price): Money {
    const terms = this.config.swaps.get(p.symbol);
    if (!terms) return Money.zero;
    const days = swapDays(terms, day);
    if (days === 0) return Money.zero;
    const inst = this.host.instrument(p.symbol);
    const one = swapAmount(terms, inst, p.side, volume, current);
    const swap = this.host.toAccount(p.symbol, { usd: one.usd, amount: one.amount.times(days) }, account);
    if (swap.isZero()) return Money.zero;
    this.host.post(time, this.host.house, account, swap, 'swap', String(p.ticket));
    const rate = p.side === 'buy' ? terms.long : terms.short;
    this.line({ time, account, position: p, leg: 'open', volume, price: current }, 'swap', swap, `${terms.mode} ${rate.toString()} (${p.side === 'buy' ? 'long' : 'short'}) × ${days} day${days === 1 ? '' : 's'}${days === 3 ? ` (triple ${terms.tripleDay})` : ''}`);
    return swap;
  }

  /**
   * Accrues the rebate of one fill, divided among its sources and their receivers; credited
   * later by `credit`. Returns a client's level-1 share of this fill, which its position keeps
   * from the open so that a close pays cashback on the whole trade: `carried` is the part of
   * it the closing volume brings.
   */
  accrueRebate(f: Fill, sources: readonly RebateSource[], carried: Dec = new Dec(0)): Dec {
    const terms = this.config.rebates;
    let level1 = new Dec(0);
    if (!terms || sources.length === 0) return level1;
    const inst = this.host.instrument(f.position.symbol);
    const rate = rateFor(terms.plan, inst.class);
    const share = timingShare(this.config.rebateTiming, f.leg);
    if (!rate || share.isZero()) return level1;
    const pool = this.host.toAccount(inst.symbol, rateAmount(rate, inst, f.volume, f.price, share));
    if (!pool.isPositive()) return level1;
    const basis = `${describeRate(rate)}${this.timingNote(share)}`;
    const parts = sources.length === 1 ? [pool.value] : splitAmount(pool.value, sources.map((s) => s.weight), this.host.q, this.config.residualRule).parts;
    sources.forEach((src, i) => {
      const part = parts[i]!;
      if (part.isZero()) return;
      for (const s of this.receiversOf(src, part, f, share)) {
        if (s.wanted) this.host.emit({ time: f.time, kind: 'rebate-capped', account: f.account, ticket: f.position.masterTicket, symbol: inst.symbol, amount: new Money(s.amount), reason: `level ${s.level} (${s.receiver}) asked ${s.wanted.toString()}; the pool ${part.toString()} had only ${s.amount.toString()} left` });
        if (src.kind === 'client' && s.level === 1) {
          level1 = s.amount;
          if (f.leg === 'close') this.cashback(f, src, s, carried);
        }
        if (s.amount.isZero()) continue;
        this.accrue(f, src, 'rebate', s.receiver, this.host.house, this.host.accountOf(s.receiver), s.level, new Money(part), new Money(s.amount), `${s.basis ?? basis}${sources.length > 1 ? `; ${src.share ?? `${src.id}'s share by units`}` : ''}`);
      }
    });
    return level1;
  }

  /** The rebate timing's share of a rate, as a detail names it (nothing when the whole rate applies at this leg). */
  private timingNote(share: Dec): string {
    return share.eq(1) ? '' : ` × ${share.toString()} (${this.config.rebateTiming})`;
  }

  /** Level shares of one source's part: program volume to the manager (or shared with its IB), client volume up the IB chain. */
  private receiversOf(src: RebateSource, part: Dec, f: Fill, share: Dec): LevelShare[] {
    const terms = this.config.rebates!;
    const q = this.host.q;
    if (src.kind === 'program') {
      const ib = src.referredBy !== undefined && src.referredBy !== MANAGER ? terms.partners.get(src.referredBy) : undefined;
      if (ib) return programSplit(part, ib.id, ib.programShare ?? new Dec(1), q, this.config.residualRule);
      return [{ receiver: MANAGER, level: 1, amount: part }];
    }
    if (src.referredBy === undefined) return [];
    // Tiers are an IB network's: the manager keeps the whole rebate on the clients it referred.
    if (src.referredBy === MANAGER) return [{ receiver: MANAGER, level: 1, amount: part }];
    const chain = referralChain(terms, src.referredBy);
    const tiers = terms.tiers;
    if (!tiers) return [{ receiver: chain[0]!, level: 1, amount: part }];
    if (tiers.style === 'split') return splitShares(part, chain, tiers.shares, q, this.config.residualRule);
    const inst = this.host.instrument(f.position.symbol);
    const rates = tiers.levels.map((schedule) => rateFor(schedule, inst.class));
    const wanted = rates.map((r) => (r ? this.host.toAccount(inst.symbol, rateAmount(r, inst, f.volume, f.price, share)).value : new Dec(0)));
    // Each level is paid by its own rate: its line names that rate, not the plan's.
    return additiveShares(part, chain, wanted).map((s) => {
      const r = rates[s.level - 1];
      return { ...s, basis: r ? `${describeRate(r)}${this.timingNote(share)}` : `no level ${s.level} rate for ${inst.class}` };
    });
  }

  /**
   * A partner with a cashback plan returns, when a client's trade closes, its rate in force at
   * the close of its level-1 rebate on the closed volume (the close's share plus `carried`,
   * what the open accrued for it) to that client (seed 004: for each closed trade).
   */
  private cashback(f: Fill, src: RebateSource, s: LevelShare, carried: Dec): void {
    if (src.id === undefined) return;
    const plan = s.receiver === MANAGER ? undefined : this.config.rebates!.partners.get(s.receiver)?.cashback;
    if (!plan) return;
    const rate = cashbackRate(plan, src.id, f.time);
    const base = s.amount.plus(carried);
    const amount = roundToQuantum(base.times(rate), this.host.q);
    if (amount.isZero()) return;
    this.accrue(f, src, 'cashback', src.id, this.host.accountOf(s.receiver), `client:${src.id}`, 1, new Money(base), new Money(amount), `${rate.times(100).toString()}% of ${s.receiver}'s rebate on the closed trade returned to the client`);
  }

  private accrue(f: Fill, src: RebateSource, kind: 'rebate' | 'cashback', receiver: string, from: string, to: string, level: number, pool: Money, amount: Money, detail: string): void {
    this.accrued.push({
      kind, accrued: f.time, receiver, from, to, level, account: f.account, source: src.id, ticket: f.position.ticket, masterTicket: f.position.masterTicket,
      symbol: f.position.symbol, leg: f.leg, volume: f.volume, pool, amount, detail,
    });
  }

  /** End of the trading day: every accrued rebate is paid to its receiver, then every cashback to its client; one entry per payer and payee. */
  credit(time: ServerTime, label: string): void {
    if (this.accrued.length === 0) return;
    const accrued = this.accrued;
    this.accrued = [];
    for (const kind of ['rebate', 'cashback'] as const) {
      const totals = new Map<string, { from: string; to: string; receiver: string; amount: Money; count: number }>();
      for (const line of accrued) {
        if (line.kind !== kind) continue;
        const key = `${line.from}\u0000${line.to}`;
        const t = totals.get(key) ?? { from: line.from, to: line.to, receiver: line.receiver, amount: Money.zero, count: 0 };
        totals.set(key, { ...t, amount: t.amount.plus(line.amount), count: t.count + 1 });
      }
      for (const t of totals.values()) {
        this.host.post(time, t.from, t.to, t.amount, kind, `${kind}@${label}`, BASE_CURRENCY);
        this.host.emit({ time, kind: kind === 'rebate' ? 'rebate-credited' : 'cashback-credited', account: t.to, investor: kind === 'cashback' ? t.receiver : undefined, amount: t.amount, reason: `${kind} of ${t.count} fill share(s) accrued by ${label}, from ${t.from} to ${t.to}` });
      }
    }
    for (const line of accrued) this.host.sink.rebate?.({ ...line, credited: time });
  }

  private line(f: Fill, kind: CostLine['kind'], amount: Money, detail: string): void {
    this.host.sink.cost?.({
      time: f.time, kind, account: f.account, ticket: f.position.ticket, masterTicket: f.position.masterTicket, symbol: f.position.symbol, side: f.position.side,
      leg: kind === 'swap' ? undefined : f.leg, volume: f.volume, price: f.price, amount, detail,
    });
  }
}

/** No costs at all: the program's behaviour before any cost is configured. */
export function noCosts(residualRule: ResidualRule): CostsConfig {
  return { commissionSide: 'per-side', swaps: new Map(), rebateTiming: 'half-open-half-close', residualRule };
}

