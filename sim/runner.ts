// Drives a scenario through the engine: turns investor requests into executions by the
// calendar rules, merges them with quotes, master orders and fee-period ends into one
// deterministic order, and applies them to a Program.
import type { EngineSink } from '../engine/events.js';
import { Program } from '../engine/program.js';
import type { ServerTime } from '../engine/time.js';
import { formatServerTime } from '../engine/time.js';
import { DEFAULT_TRADING_WEEK, describeTradingWeek, isMarketOpen, nextMarketOpen, nextPammWindow, periodEnds, type TradingWeek } from './calendar.js';
import type { PriceTick } from './prices.js';
import { Dec } from '../engine/decimal.js';
import type { OrderSpec, Scenario } from './scenario.js';
import { NO_STRESS } from './stress.js';
import { WEEKDAYS, type Weekday } from '../engine/swap.js';
import { type StrategyAction, StrategyRun } from './strategy.js';

/**
 * Order of events at the same instant: the rollover first (the day that ended pays its swaps
 * and is credited its rebates, before the new day's first price can fill anything), then
 * quotes (everything after sees the new price), the start-of-run funding, the day's
 * management-fee accrual, management-fee and then performance-fee period ends (the period
 * closes before anything new), fee-term changes, requests being placed, executed investor
 * flows, master and client orders, and the end of the run last.
 */
const PRIORITY = { rollover: 0, start: 1, accrue: 3, managementFee: 4, periodEnd: 5, termChange: 6, placed: 7, flow: 8, order: 9, end: 10 } as const;

interface Action {
  readonly time: ServerTime;
  readonly priority: number;
  readonly seq: number;
  readonly label: string;
  readonly apply: (p: Program) => void;
}

export interface RunHooks {
  /** After every quote or action, with a label saying what it was (invariant checks in tests). */
  afterEach?(label: string, time: ServerTime, p: Program): void;
  /**
   * After all events of one instant; `next` is the time of the next instant of the run (undefined
   * after the last), so a writer knows when an instant is the last of its server day.
   */
  afterInstant?(time: ServerTime, p: Program, next: ServerTime | undefined): void;
}

function programFor(s: Scenario, sink: EngineSink, exactRisk: boolean, residual?: 'house' | 'book'): Program {
  return new Program({
    structure: s.structure,
    allocation: s.allocation,
    quantum: s.quantum,
    policies: s.policies,
    instruments: s.instruments,
    performanceFeeRate: s.performanceFeeTiers ? s.performanceFeeTiers.tiers.reduce((m, t) => (t.rate.gt(m) ? t.rate : m), s.performanceFee) : s.performanceFee,
    performanceFeeTiers: s.performanceFeeTiers,
    managementFee: s.managementFee,
    entryFee: s.entryFee,
    terms: s.terms,
    subscriptionFee: s.subscriptionFee,
    volumeFee: s.volumeFee,
    pool: s.pool,
    maxOrders: s.maxOrders,
    costs: {
      commission: s.costs.commission, commissionSide: s.policies.commissionSide, swaps: s.costs.swaps,
      rebates: s.rebates, rebateTiming: s.policies.rebateTiming, residualRule: s.policies.residualRule,
    },
    swapFree: s.costs.swapFree,
    risk: s.risk,
    slippage: s.stress === NO_STRESS ? undefined : (symbol, time) => s.stress.slippage(symbol, time),
    exactRisk,
    currencies: s.currencies.byAccount.size > 0 ? s.currencies.byAccount : undefined,
    residual,
  }, sink);
}

/** Why an order or client trade outside the trading week is rejected (the static checks predict it too). */
const DAY_MS = 86_400_000;

/**
 * When a master order (or a client trade) stamped at `at` acts, or undefined when it is rejected
 * as outside the trading week. In market hours at once. Daily bars stamped 00:00 are the day's
 * session (DOMAIN §10): an order on a symbol priced by D1 bars, stamped 00:00 server time on a
 * day whose session opens later that day (Monday 00:05 by default), acts at that open, where it
 * fills at the bar's open, the latest quote at or before it; that open quote is in market hours for
 * triggers and risk checks too (a weekend gap through a stop fills at it). Shared with the static
 * checks, which also order the orders by the time each acts.
 */
export function orderActsAt(s: Pick<Scenario, 'tradingWeek' | 'dailySymbols'>, at: ServerTime, symbol: string | undefined): ServerTime | undefined {
  if (isMarketOpen(at, s.tradingWeek)) return at;
  if (symbol === undefined || !s.dailySymbols.has(symbol) || at % DAY_MS !== 0) return undefined;
  const open = nextMarketOpen(at, s.tradingWeek);
  return open - at < DAY_MS ? open : undefined;
}

/** The symbol of each scripted ticket (its open or placement), for orders that name only the ticket. */
export function ticketSymbols(orders: readonly OrderSpec[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of orders) if (o.symbol !== undefined && !out.has(o.ticket)) out.set(o.ticket, o.symbol);
  return out;
}

/** Why an order outside the trading week is rejected. */
export function marketClosed(w: TradingWeek): string {
  return `market closed (trading week ${describeTradingWeek(w)})`;
}

/**
 * When an investor request placed at `at` executes: a MAM request at once in market hours, else at the
 * next open; a PAMM request at the next rollover window (`pammFlows: rollover`, seed 001), or like a
 * MAM request (`instant`: at once at the current NAV in market hours, else at the next open). Shared with the static checks, which predict
 * from it whether a flow will find its investor joined (sim/static-checks.ts).
 */
export function requestExecutesAt(model: 'mam' | 'pamm', at: ServerTime, pammFlows: 'rollover' | 'instant' = 'rollover', week: TradingWeek = DEFAULT_TRADING_WEEK): ServerTime {
  return model === 'pamm' && pammFlows === 'rollover' ? nextPammWindow(at) : nextMarketOpen(at, week);
}

/** An action a book adds to a program's schedule (an admin event: sim/book-admin.ts). */
export interface ExtraAction {
  readonly time: ServerTime;
  readonly priority: number;
  readonly label: string;
  readonly apply: (p: Program) => void;
}

export { PRIORITY };

/**
 * An investor's request placed at `at` as the calendar executes it (requestExecutesAt): a
 * `placed` event when it waits, then `exec` where it executes, or an `expired` event at the end
 * of the run when that is after it.
 */
export function requestActions(s: Scenario, model: 'mam' | 'pamm', at: ServerTime, investor: string, what: string, exec: (p: Program, t: ServerTime) => void): ExtraAction[] {
  const out: ExtraAction[] = [];
  const when = requestExecutesAt(model, at, s.policies.pammFlows, s.tradingWeek);
  if (when !== at) {
    const why = model === 'pamm' && s.policies.pammFlows === 'rollover' ? 'PAMM requests execute in the rollover window (Mon–Sat 00:00–00:15 server time)' : `market closed: ${model === 'pamm' ? 'PAMM requests (pammFlows: instant)' : 'MAM requests'} execute at the next open`;
    out.push({ time: at, priority: PRIORITY.placed, label: `${what} placed`, apply: (p) => p.requestPlaced(at, investor, what, when, why) });
  }
  if (when > s.end) {
    out.push({ time: s.end, priority: PRIORITY.flow, label: `${what} not executed`, apply: (p) => p.requestExpired(s.end, investor, what, formatServerTime(when)) });
    return out;
  }
  out.push({ time: when, priority: PRIORITY.flow, label: what, apply: (p) => {
    p.requestExecuted(when, investor, what, at);
    exec(p, when);
  } });
  return out;
}

/** Every scripted action with the time it takes effect, in a deterministic order. */
export function scheduleActions(s: Scenario): Action[] {
  const actions: Action[] = [];
  let seq = 0;
  const add = (time: ServerTime, priority: number, label: string, apply: Action['apply']): void => {
    actions.push({ time, priority, seq: seq++, label, apply });
  };
  const model = new Map(s.investors.map((i) => [i.id, i.model]));

  if (s.structure === 'signal') add(s.start, PRIORITY.start, 'master funded', (p) => p.fundMaster(s.start, s.masterDeposit));

  const request = (at: ServerTime, investor: string, what: string, exec: (p: Program, t: ServerTime) => void): void => {
    for (const a of requestActions(s, model.get(investor)!, at, investor, what, exec)) add(a.time, a.priority, a.label, a.apply);
  };

  for (const inv of s.investors) {
    const join = (p: Program, t: ServerTime): void => p.join(t, inv.id, inv.model, inv.deposit, inv.manager, inv.terms, { referredBy: inv.referredBy, swapFree: inv.swapFree });
    if (inv.at === undefined) add(s.start, PRIORITY.start, `${inv.id} founding join`, (p) => join(p, s.start));
    else request(inv.at, inv.id, `${inv.id} join`, join);
  }
  for (const f of s.flows) {
    const label = `${f.investor} ${f.type}`;
    if (f.type === 'deposit') request(f.at, f.investor, label, (p, t) => p.deposit(t, f.investor, f.amount!));
    else if (f.type === 'withdraw') request(f.at, f.investor, label, (p, t) => p.withdraw(t, f.investor, f.amount!));
    else request(f.at, f.investor, label, (p, t) => p.leave(t, f.investor));
  }
  const symbols = ticketSymbols(s.orders);
  for (const scripted of s.orders) {
    const label = `order ${scripted.action} ${scripted.ticket}`;
    const opts = { overrides: scripted.overrides, sl: scripted.sl ?? undefined, tp: scripted.tp ?? undefined };
    const acts = orderActsAt(s, scripted.at, scripted.symbol ?? symbols.get(scripted.ticket));
    const o = acts === undefined ? scripted : { ...scripted, at: acts };
    if (acts === undefined) {
      add(o.at, PRIORITY.order, label, (p) => p.rejectMasterOrder(o.at, o.ticket, o.symbol, marketClosed(s.tradingWeek)));
    } else if (o.action === 'open') {
      add(o.at, PRIORITY.order, label, (p) => p.masterOpen(o.at, o.ticket, o.symbol!, o.side!, o.volume, opts));
    } else if (o.action === 'place') {
      add(o.at, PRIORITY.order, label, (p) => p.placePending(o.at, o.ticket, o.symbol!, o.type!, o.price!, o.volume, opts));
    } else if (o.action === 'modify') {
      add(o.at, PRIORITY.order, label, (p) => p.modifyOrder(o.at, o.ticket, { price: o.price ?? undefined, sl: o.sl, tp: o.tp }));
    } else if (o.action === 'cancel') {
      add(o.at, PRIORITY.order, label, (p) => p.cancelOrder(o.at, o.ticket));
    } else {
      add(o.at, PRIORITY.order, label, (p) => p.masterClose(o.at, o.ticket, o.volume));
    }
  }
  for (const pe of periodEnds(s.policies.performanceFee.period, s.start, s.end)) add(pe.time, PRIORITY.periodEnd, `period end ${pe.label}`, (p) => p.periodEnd(pe.time, pe.label));
  if (s.managementFee) {
    for (const d of managementAccruals(s.policies.managementFee.dayCount, s.start, s.end)) add(d.time, PRIORITY.accrue, 'management fee accrual', (p) => p.accrueManagementFees(d.fraction));
  }
  if (s.managementFee || s.subscriptionFee) {
    for (const pe of periodEnds(s.policies.managementFee.period, s.start, s.end)) add(pe.time, PRIORITY.managementFee, `management fee ${pe.label}`, (p) => p.chargeManagementFees(pe.time, pe.label));
  }
  for (const c of s.termChanges) add(c.at, PRIORITY.termChange, 'term change', (p) => p.changeTerms(c.at, c));
  for (const c of s.clients) {
    add(s.start, PRIORITY.start, `client ${c.id} opens`, (p) => p.openClient(s.start, c.id, c.deposit, { referredBy: c.referredBy, swapFree: c.swapFree }));
    for (const t of c.trades) {
      const opens = orderActsAt(s, t.open, t.symbol);
      add(opens ?? t.open, PRIORITY.order, `client ${c.id} open ${t.ticket}`, (p) => (opens !== undefined ? p.clientOpen(opens, c.id, t.ticket, t.symbol, t.side, t.volume) : p.rejectMasterOrder(t.open, t.ticket, t.symbol, marketClosed(s.tradingWeek))));
      const close = t.close;
      const closes = close === undefined ? undefined : orderActsAt(s, close, t.symbol);
      if (close !== undefined) add(closes ?? close, PRIORITY.order, `client ${c.id} close ${t.ticket}`, (p) => (closes !== undefined ? p.clientClose(closes, c.id, t.ticket) : p.rejectMasterOrder(close, t.ticket, t.symbol, marketClosed(s.tradingWeek))));
    }
  }
  for (const r of rollovers(s.start, s.end)) add(r.time, PRIORITY.rollover, `rollover ${r.label}`, (p) => p.rollover(r.time, r.day, r.label));
  add(s.end, PRIORITY.end, 'end of run', (p) => p.endOfRun(s.end, 'end of run'));

  return actions.sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq);
}

const DAY = 86_400_000;

/** Every daily rollover (00:00 server time) after the start, up to the end: the weekday and date of the day it ends. */
export function rollovers(from: ServerTime, to: ServerTime): Array<{ time: ServerTime; day: Weekday; label: string }> {
  const out: Array<{ time: ServerTime; day: Weekday; label: string }> = [];
  for (let t = Math.floor(from / DAY) * DAY + DAY; t <= to; t += DAY) {
    const ended = new Date(t - DAY);
    out.push({ time: t as ServerTime, day: WEEKDAYS[ended.getUTCDay()]!, label: ended.toISOString().slice(0, 10) });
  }
  return out;
}

/**
 * The daily accruals of a management fee: at each rollover (00:00 server time), the fraction
 * of the annual rate the day that ended earns under the day count: `act/365` 1/365 every
 * calendar day; `1/12-per-month` a twelfth spread over the days of each month;
 * `1/260-per-trading-day` 1/260 for each weekday.
 */
export function managementAccruals(dayCount: 'act/365' | '1/12-per-month' | '1/260-per-trading-day', from: ServerTime, to: ServerTime): Array<{ time: ServerTime; fraction: Dec }> {
  return rollovers(from, to).flatMap(({ time, day }) => {
    if (dayCount === 'act/365') return [{ time, fraction: new Dec(1).div(365) }];
    if (dayCount === '1/12-per-month') {
      const ended = new Date(time - DAY);
      const days = new Date(Date.UTC(ended.getUTCFullYear(), ended.getUTCMonth() + 1, 0)).getUTCDate();
      return [{ time, fraction: new Dec(1).div(12 * days) }];
    }
    return day === 'saturday' || day === 'sunday' ? [] : [{ time, fraction: new Dec(1).div(260) }];
  });
}

/**
 * A bar's middle points become its high and low in the order the `intrabar` policy gives:
 * `worst-first` visits first the extreme against the master's net position in the symbol
 * (flat: the low first when the bar closes at or above its open, the high first otherwise);
 * `open-high-low-close` always visits the high first.
 */
function resolveExtreme(t: PriceTick, policy: 'worst-first' | 'open-high-low-close', p: Program, lowFirst: Map<string, boolean>): PriceTick {
  if (!t.extreme || !t.bar) return t;
  if (t.extreme === 1) {
    const exposure = p.masterExposure(t.symbol);
    const low = policy === 'open-high-low-close' ? false : exposure.isZero() ? t.bar.close.gte(t.bar.open) : exposure.isPositive();
    lowFirst.set(t.symbol, low);
  }
  const low = lowFirst.get(t.symbol)! === (t.extreme === 1);
  return { ...t, bid: low ? t.bar.low : t.bar.high, ask: low ? t.bar.lowAsk : t.bar.highAsk };
}

/**
 * A strategy's order, at the quote it was called on: through the same engine calls as a scripted
 * order. A quote outside the trading week (a Friday bar's close at Saturday 00:00) is a decision
 * the strategy could not act on until the market opens: its orders wait for the next open, as a
 * MAM request does (`defer`), and are rejected if the run ends first.
 */
function strategyOrder(s: Scenario, p: Program, now: ServerTime, o: StrategyAction, defer: (at: ServerTime, o: StrategyAction) => void): void {
  const symbol = s.strategy!.symbol;
  const acts = isMarketOpen(now, s.tradingWeek) ? now : nextMarketOpen(now, s.tradingWeek);
  if (acts > s.end) return p.rejectMasterOrder(now, o.ticket, symbol, `${marketClosed(s.tradingWeek)}, and the run ends before it opens`);
  if (acts > now) return defer(acts, o);
  if (o.action === 'open') return p.masterOpen(now, o.ticket, symbol, o.side, o.volume, { sl: o.sl, tp: o.tp });
  if (o.action === 'close') return p.masterClose(now, o.ticket, o.volume);
  return p.modifyOrder(now, o.ticket, { sl: o.sl, tp: o.tp });
}

/** Runs the scenario to its end and returns the final program state; `attach` sees the program before the first event. */
export function runScenario(s: Scenario, sink: EngineSink, hooks: RunHooks = {}, attach?: (p: Program) => void, options: { readonly exactRisk?: boolean; readonly residual?: 'house' | 'book' } = {}): Program {
  const run = new ProgramRun(s, sink, hooks, attach, options);
  for (let now = run.next(); now !== undefined; now = run.next()) run.step(now);
  return run.program;
}

/**
 * One program's run, an instant at a time: `next()` is the next instant it has anything at (a
 * quote, an action, a strategy order waiting for the open), `step(now)` runs that instant. A
 * single run steps one program to its end (runScenario); a broker's book steps several in
 * lockstep over the same prices (sim/book-run.ts).
 */
export class ProgramRun {
  readonly program: Program;
  private readonly actions: Action[];
  private readonly strategy: StrategyRun | undefined;
  /** A strategy's orders waiting for the open (a daily bar's close), in the order they act. */
  private readonly deferred: Array<{ readonly at: ServerTime; readonly o: StrategyAction }> = [];
  /** Per symbol: whether the current bar visits its low first (decided at its first extreme). */
  private readonly lowFirst = new Map<string, boolean>();
  private ti = 0;
  private ai = 0;

  constructor(private readonly s: Scenario, sink: EngineSink, private readonly hooks: RunHooks = {}, attach?: (p: Program) => void, options: { readonly exactRisk?: boolean; readonly residual?: 'house' | 'book'; readonly extra?: readonly ExtraAction[] } = {}) {
    this.program = programFor(s, sink, options.exactRisk ?? false, options.residual);
    attach?.(this.program);
    const own = scheduleActions(s);
    // A book's admin events join the schedule after the program's own actions of the same instant and priority.
    this.actions = options.extra?.length ? [...own, ...options.extra.map((a, i) => ({ ...a, seq: own.length + i }))].sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq) : own;
    // The strategy's factory is called once per run: its state never carries from one run (or seed) to the next.
    this.strategy = s.strategy ? new StrategyRun(s.strategy, s.seed, s.instruments.get(s.strategy.symbol)!, s.structure, s.start, new Set(s.orders.map((o) => o.ticket)), new Set(s.clients.flatMap((c) => c.trades.map((t) => t.ticket)))) : undefined;
  }

  /** The next instant this run has anything at, or undefined once it is past the scenario's end. */
  next(): ServerTime | undefined {
    const ticks = this.s.ticks;
    const t = Math.min(this.ti < ticks.length ? ticks.time(this.ti) : Infinity, this.ai < this.actions.length ? this.actions[this.ai]!.time : Infinity, this.deferred[0]?.at ?? Infinity);
    return t > this.s.end ? undefined : (t as ServerTime);
  }

  /** Runs every quote and action of the instant `now` (nothing when the run has nothing then). */
  step(now: ServerTime): void {
    const s = this.s, p = this.program, hooks = this.hooks, actions = this.actions, ticks = s.ticks;
    const act = (a: Action): void => {
      a.apply(p);
      p.flush();
      hooks.afterEach?.(a.label, now, p);
    };
    while (this.ai < actions.length && actions[this.ai]!.time === now && actions[this.ai]!.priority === PRIORITY.rollover) act(actions[this.ai++]!);
    while (this.ti < ticks.length && ticks.time(this.ti) === now) {
      const t = resolveExtreme(ticks.at(this.ti++), s.policies.intrabar, p, this.lowFirst);
      const q = s.stress.apply(t.symbol, t.time, t.bid, t.ask);
      p.onQuote(t.symbol, { time: t.time, bid: q.bid, ask: q.ask }, { continuous: t.continuous, marketOpen: orderActsAt(s, t.time, t.symbol) !== undefined, bar: t.bar && { high: t.bar.high, low: t.bar.low, spread: t.bar.spread } });
      hooks.afterEach?.(`quote ${t.symbol}`, now, p);
      // The strategy decides on the quote it has just seen, and its orders fill at that quote (DOMAIN §10's market hours apply).
      if (this.strategy && t.symbol === s.strategy!.symbol) {
        this.strategy.onQuote(now, t, q.bid, q.ask, p, (o) => this.actStrategy(now, o));
      }
    }
    // Deferred strategy orders act at the open where orders act: after the instant's period ends,
    // fee charges and investor flows, with the scripted orders (the period closes before anything new).
    const actDeferred = (): void => {
      while (this.deferred.length > 0 && this.deferred[0]!.at <= now) this.actStrategy(now, this.deferred.shift()!.o);
    };
    while (this.ai < actions.length && actions[this.ai]!.time === now) {
      if (actions[this.ai]!.priority >= PRIORITY.order) actDeferred();
      act(actions[this.ai++]!);
    }
    actDeferred();
    p.flush();
    if (now >= s.start && hooks.afterInstant) hooks.afterInstant(now, p, this.next());
  }

  /** One strategy order, at `now` or deferred, then settled and checked as every action is. */
  private actStrategy(now: ServerTime, o: StrategyAction): void {
    strategyOrder(this.s, this.program, now, o, (at, order) => {
      this.deferred.push({ at, o: order });
    });
    this.program.flush();
    this.hooks.afterEach?.(`strategy ${o.action} ${o.ticket}`, now, this.program);
  }
}
