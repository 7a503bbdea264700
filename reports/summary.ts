// summary.json: final figures per account and investor as exact decimal strings, analytics
// as numbers, the policies in force, seed, scenario hash and engine version.
import { basename } from 'node:path';
import { formatWeekPoint } from '../sim/calendar.js';
import { VERSION } from '../sim/package-root.js';
import type { Program } from '../engine/program.js';
import type { AccountSnapshot } from '../engine/views.js';
import { SYSTEM_ACCOUNTS } from '../engine/program-state.js';
import { formatQ } from '../engine/quantum.js';
import { formatServerTime } from '../engine/time.js';
import { Money } from '../engine/values.js';
import type { Scenario } from '../sim/scenario.js';
import { TRADING_DAYS_PER_YEAR, annualized, calmar, downsideDeviation, expectedPayoff, irr, periodIrr, profitFactor, returnsOf, sharpe, sortino, volatility } from './metrics.js';
import type { InvestorTally, RunWriter } from './run-writer.js';
import type { RateSchedule } from '../engine/rate-schedule.js';
import type { MetricPolicies, Policies } from '../engine/policies.js';


export interface Summary {
  readonly mamlab: { readonly version: string };
  readonly scenario: Record<string, string | number | Record<string, string>>;
  readonly program: Record<string, unknown>;
  readonly policies: Policies;
  readonly manager: { readonly feeAccount: string; readonly ownCapitalInProgram: string; readonly masterAccountEquity: string; readonly total: string; readonly feesByKind: Record<string, string>; readonly feeSharesPaid: Record<string, string> };
  readonly pool: Record<string, string> | null;
  readonly master: { readonly timeWeightedReturn: number; readonly maxDrawdown: number; readonly basis: string };
  readonly accounts: Array<Record<string, string>>;
  readonly investors: Array<Record<string, string | number | boolean | null | Record<string, number | null> | Record<string, string>>>;
  readonly totals: Totals;
  readonly metricConventions: Record<string, string | number>;
  readonly counts: Record<string, number>;
  readonly openMasterTrades: string[];
  /** Rebates by receiver (paid by the broker, passed on as cashback) and the broker's view. */
  readonly rebates: Record<string, unknown>;
  readonly broker: Record<string, string>;
  /** Risk terms in force and what they did (null without a risk section). */
  readonly risk: RiskSummary | null;
  /** The strategy that placed the master's orders (sim/strategy.ts), as the scenario sets it; absent without one. */
  readonly strategy?: { readonly name: string; readonly symbol: string; readonly every: string; readonly lookback: number; readonly params: Readonly<Record<string, unknown>> };
}

type Pct = string | null;

/** summary.json's `risk`: the terms as read (percents as given, the preset filled in) and the risk events per account. */
export interface RiskSummary {
  readonly leverage: Readonly<Record<string, string>>;
  readonly marginCallPct: string;
  readonly stopOutPct: string;
  readonly pool: { readonly weeklyLossPct: Pct; readonly dailyLossPct: Pct; readonly maxLeverage: string | null } | null;
  readonly master: { readonly hardStopEquity: string | null; readonly hardStopDrawdownPct: Pct; readonly maxOrderVolume: string | null; readonly maxOpenVolume: string | null } | null;
  readonly accounts: Readonly<Record<string, { readonly maxDrawdownPct: Pct; readonly minBalance: string | null; readonly weeklyLossPct: Pct; readonly maxOpenVolume: string | null }>>;
  /** Accounts margined at their own leverage (MAM sub-accounts, clients). */
  readonly accountLeverage: Readonly<Record<string, string>>;
  /** Per account: the count of each risk event kind. */
  readonly events: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

function riskSummary(s: Scenario, w: RunWriter): RiskSummary | null {
  const r = s.risk;
  if (!r) return null;
  const pctOf = (x: { times(n: number): { toString(): string } } | undefined): string | null => (x ? x.times(100).toString() : null);
  const byAccount: Record<string, Record<string, number>> = {};
  for (const [key, n] of [...w.riskCounts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [kind, account] = key.split(/:(.*)/s) as [string, string];
    (byAccount[account || '(program)'] ??= {})[kind] = n;
  }
  return {
    leverage: { default: r.leverage.default.toString(), ...Object.fromEntries([...r.leverage.byClass].map(([c, v]) => [c, v.toString()])) },
    marginCallPct: r.marginCall.toString(), stopOutPct: r.stopOut.toString(),
    pool: r.pool ? { weeklyLossPct: pctOf(r.pool.weeklyLoss), dailyLossPct: pctOf(r.pool.dailyLoss), maxLeverage: r.pool.maxLeverage?.toString() ?? null } : null,
    master: r.master ? {
      hardStopEquity: r.master.hardStopEquity?.toString() ?? null, hardStopDrawdownPct: pctOf(r.master.hardStopDrawdown),
      maxOrderVolume: r.master.maxOrderVolume?.toString() ?? null, maxOpenVolume: r.master.maxOpenVolume?.toString() ?? null,
    } : null,
    accounts: Object.fromEntries([...(r.accounts ?? [])].map(([id, l]) => [id, {
      maxDrawdownPct: pctOf(l.maxDrawdown), minBalance: l.minBalance?.toString() ?? null, weeklyLossPct: pctOf(l.weeklyLoss), maxOpenVolume: l.maxOpenVolume?.toString() ?? null,
    }])),
    accountLeverage: Object.fromEntries([...(r.accountLeverage ?? [])].map(([id, v]) => [id, v.toString()])),
    events: byAccount,
  };
}

const scheduleJson = (sc: RateSchedule | undefined): Record<string, Record<string, string>> | null =>
  sc ? Object.fromEntries([...sc].map(([cls, r]) => [cls, { [r.kind]: r.value.toString() }])) : null;

/** The cost and rebate terms in force, echoed as read (presets expanded). */
function costTerms(s: Scenario): Record<string, unknown> {
  const rb = s.rebates;
  return {
    commission: scheduleJson(s.costs.commission),
    swaps: Object.fromEntries([...s.costs.swaps].map(([sym, t]) => [sym, { mode: t.mode, long: t.long.toString(), short: t.short.toString(), tripleDay: t.tripleDay }])),
    swapFree: s.costs.swapFree,
    rebates: rb ? {
      plan: scheduleJson(rb.plan),
      tiers: rb.tiers ? (rb.tiers.style === 'split' ? { style: 'split', shares: rb.tiers.shares.map(String) } : { style: 'additive', levels: rb.tiers.levels.map(scheduleJson) }) : null,
      partners: [...rb.partners.values()].map((p) => ({
        id: p.id, parent: p.parent ?? null, programShare: p.programShare?.toString() ?? '1', feeShare: p.feeShare?.toString() ?? '0',
        cashback: p.cashback ? {
          rate: p.cashback.rate.toString(), perClient: Object.fromEntries([...p.cashback.perClient].map(([c, r]) => [c, r.toString()])),
          changes: p.cashback.changes.map((c) => ({ at: formatServerTime(c.at), action: c.action, client: c.client ?? null, rate: c.rate?.toString() ?? null })),
        } : null,
      })),
    } : null,
  };
}

/** Analytics are floats: rounded to 10 decimals so the text is stable and readable. */
function num(x: number): number {
  // No −0 in the text: a figure that rounds to nothing is 0.
  return Number(x.toFixed(10)) || 0;
}

const numOrNull = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : num(x));

/** Return periods a year of each `ratioFrequency`: weekdays, weeks, calendar months. */
export const PERIODS_A_YEAR: Readonly<Record<MetricPolicies['ratioFrequency'], number>> = { daily: TRADING_DAYS_PER_YEAR, weekly: 52, monthly: 12 };

/**
 * The net index at the end of each return period of the membership: every weekday (`daily`),
 * the last day of every week, Monday–Sunday (`weekly`), or of every calendar month (`monthly`),
 * server time; the last period may be partial. A day without a price or a flow carries the
 * previous value, so each daily return spans exactly one trading day.
 */
function periodIndex(dayEnd: ReadonlyMap<number, number>, frequency: MetricPolicies['ratioFrequency']): number[] {
  const days = [...dayEnd.keys()].sort((a, b) => a - b);
  if (days.length === 0) return [];
  const out: number[] = [];
  const lastDay = days[days.length - 1]!;
  const key = (d: number): string => {
    const date = new Date(d * 86_400_000);
    return frequency === 'weekly' ? String(d - ((date.getUTCDay() + 6) % 7)) : date.toISOString().slice(0, 7);
  };
  let last = 1;
  for (let d = days[0]!; d <= lastDay; d++) {
    last = dayEnd.get(d) ?? last;
    if (frequency === 'daily') {
      const weekday = new Date(d * 86_400_000).getUTCDay();
      if (weekday >= 1 && weekday <= 5) out.push(last);
    } else if (d === lastDay || key(d + 1) !== key(d)) out.push(last);
  }
  return out;
}

const YEAR_DAYS = 365;

/**
 * An investor's metrics over its membership (docs/metrics.md states each formula). Under GIPS
 * (`annualize: year-or-longer`) a membership shorter than 365 days has no annualized figure:
 * annualizedReturn, moneyWeightedReturn (annual IRR) and Calmar are null.
 */
function investorMetrics(t: InvestorTally, finalEquity: number, end: number, deals: readonly number[], m: MetricPolicies): Record<string, number | null> {
  const perYear = PERIODS_A_YEAR[m.ratioFrequency];
  const target = Math.pow(1 + Number(m.targetReturn), 1 / perYear) - 1;
  const returns = returnsOf([1, ...periodIndex(t.dayEnd, m.ratioFrequency)]);
  const span = t.firstSeen !== undefined && t.lastSeen !== undefined ? (t.lastSeen - t.firstSeen) / 86_400_000 : 0;
  const annualize = m.annualize === 'always' || span >= YEAR_DAYS;
  const annual = annualize ? annualized(t.net.index, span) : null;
  const flows = finalEquity > 0 ? [...t.flows, { time: end, amount: finalEquity }] : t.flows;
  // The membership's own money-weighted return: each flow weighted by its share of the membership.
  const first = t.flows[0]?.time;
  const close = finalEquity > 0 ? end : t.flows[t.flows.length - 1]?.time;
  const length = first !== undefined && close !== undefined ? close - first : 0;
  const weighted = t.flows.filter((f) => f.time < (close ?? 0)).map((f) => ({ weight: length > 0 ? (close! - f.time) / length : 1, amount: -f.amount }));
  const outAtClose = t.flows.filter((f) => f.time >= (close ?? 0)).reduce((x, f) => x + f.amount, 0);
  return {
    timeWeightedReturn: t.net.return,
    periodMoneyWeightedReturn: first === undefined ? null : numOrNull(periodIrr(0, weighted, Math.max(0, finalEquity) + outAtClose)),
    moneyWeightedReturn: annualize ? numOrNull(irr(flows)) : null, annualizedReturn: numOrNull(annual),
    maxDrawdown: num(t.net.maxDrawdown),
    volatility: numOrNull(volatility(returns, perYear)), downsideDeviation: numOrNull(downsideDeviation(returns, perYear, target)),
    sharpe: numOrNull(sharpe(returns, perYear)), sortino: numOrNull(sortino(returns, perYear, target)), calmar: numOrNull(calmar(annual, t.net.maxDrawdown)),
    returns: returns.length,
    profitFactor: numOrNull(profitFactor(deals)), expectedPayoff: numOrNull(expectedPayoff(deals)), deals: deals.length,
  };
}

/** summary.json's `metricConventions`: the conventions in force, in words. */
function metricConventions(m: MetricPolicies): Record<string, string | number> {
  const perYear = PERIODS_A_YEAR[m.ratioFrequency];
  const unit = m.ratioFrequency === 'daily' ? 'weekday' : m.ratioFrequency === 'weekly' ? 'week (Monday–Sunday)' : 'calendar month';
  return {
    ratioFrequency: m.ratioFrequency, periodsPerYear: perYear, riskFreeRate: 0,
    targetReturn: `${m.targetReturn} a year, (1 + ${m.targetReturn})^(1/${perYear}) − 1 a ${unit}`,
    returns: `of the net time-weighted index at the end of every ${unit} of membership (carried over days without prices or flows; the last one may be partial); linked exactly at flows`,
    volatility: `sample standard deviation of the returns × √${perYear}`,
    sharpe: `mean return / sample standard deviation × √${perYear} (null under two returns or without variation)`,
    sortino: `(mean return − target) / downside deviation × √${perYear}; downside deviation √(Σ min(0, r − target)² / n) × √${perYear} (null without a return below the target)`,
    annualize: m.annualize === 'always'
      ? 'always: returns of memberships shorter than a year are annualized too (act/365)'
      : 'year-or-longer (GIPS): a membership shorter than 365 days has no annualized return, annual IRR or Calmar (null); annualize: always shows them',
    annualizedReturn: 'the time-weighted return compounded to a year, act/365 over the membership',
    moneyWeightedReturn: 'annual IRR of deposits (in), payouts and the final equity (out), act/365',
    periodMoneyWeightedReturn: 'the membership\'s own IRR, not annualized: each flow weighted by its share of the membership',
    calmar: 'annualized time-weighted return / max drawdown (null without a drawdown)',
    deals: "closed parts of the investor's positions (a PAMM member: the pool's)",
    periods: 'periods.csv: per month and per fee period, time-weighted, Modified Dietz and the period\'s own money-weighted return (docs/metrics.md)',
  };
}

/** Accounts that trade (what `totals.tradingEquity` sums): the broker's side is the rest. */
const TRADING_KINDS: ReadonlySet<string> = new Set(['master', 'mam', 'pamm', 'client']);

/** summary.json's `totals`: program-wide sums in USD (see `totals`). */
export interface Totals {
  readonly currency: 'USD';
  /** Null only when some account's currency had no price of its pair into USD by the end. */
  readonly deposits: string | null;
  readonly withdrawals: string | null;
  readonly realizedPnl: string | null;
  readonly floatingPnl: string | null;
  readonly equity: string | null;
  readonly tradingEquity: string | null;
  /** 1 unit of each other currency an account holds, in USD at the end (empty when every account holds USD; null without a price). */
  readonly rates: Readonly<Record<string, string | null>>;
  /** With other currencies: what holding them while rates moved made or lost in USD. */
  readonly translation?: string | null;
  readonly scope: string;
}

const TOTALS_SCOPE = 'deposits to equity: every account inside the program, the broker\'s side included (house, executive, the manager\'s fee account, IBs); tradingEquity: the trading accounts only (master, MAM sub-accounts, the pool, clients)';

/**
 * `totals`, in USD (DOMAIN §1). With accounts in other currencies: flows and realized P&L at each
 * entry's moment, balances and equity at the end's mids (`rates`, 1 unit in USD); the two then
 * differ by the translation of what was held while rates moved (`translation`).
 */
function totals(p: Program, w: RunWriter, inside: readonly AccountSnapshot[], m: (x: Money) => string): Totals {
  if (!p.multiCurrency) {
    return {
      currency: 'USD',
      deposits: m(Money.sum(inside.map((a) => w.account(a.id).deposits))),
      withdrawals: m(Money.sum(inside.map((a) => w.account(a.id).withdrawals))),
      realizedPnl: m(Money.sum(inside.map((a) => w.account(a.id).realized))),
      floatingPnl: m(Money.sum(inside.map((a) => a.floating))),
      equity: m(Money.sum(inside.map((a) => a.equity))),
      // `equity` above counts the broker's side too (house, executive, fee and IB accounts): a trader's equity is this one.
      tradingEquity: m(Money.sum(inside.filter((a) => TRADING_KINDS.has(a.kind)).map((a) => a.equity))),
      rates: {},
      scope: TOTALS_SCOPE,
    };
  }
  const held = [...new Set([...inside.map((a) => p.currencyOf(a.id)), ...p.journal.currenciesUsed()])].filter((c) => c !== 'USD');
  // A currency whose pair never had a price leaves nothing to consolidate with: the USD figures are null, the rate says why.
  const unpriced = held.filter((c) => !p.priced(c, 'USD'));
  if (unpriced.length) {
    return {
      currency: 'USD', deposits: null, withdrawals: null, realizedPnl: null, floatingPnl: null, equity: null, tradingEquity: null,
      rates: Object.fromEntries(held.map((c) => [c, unpriced.includes(c) ? null : p.rate(c, 'USD').toSignificantDigits(12).toString()])),
      translation: null,
      scope: `${TOTALS_SCOPE}. Not consolidated: no price of the pair that converts ${unpriced.join(', ')} into USD by the end`,
    };
  }
  const usd = (x: Money, id: string): Money => p.toUsd(x, p.currencyOf(id));
  // A clearing account (the house, the conversion account) holds several currencies: each at its rate.
  const others = (id: string): Money => Money.sum(p.journal.currenciesUsed().filter((c) => c !== 'USD' && p.journal.isClearing(id)).map((c) => p.toUsd(p.journal.balanceIn(id, c), c)));
  const equity = (a: AccountSnapshot): Money => usd(a.equity, a.id).plus(others(a.id));
  const flows = { deposits: w.usdTotals.deposits, withdrawals: w.usdTotals.withdrawals, realized: w.usdTotals.realized };
  for (const u of w.usdTotals.unpriced) flows[u.kind] = flows[u.kind].plus(p.toUsd(u.amount, u.currency));
  const total = Money.sum(inside.map(equity));
  return {
    currency: 'USD',
    deposits: m(flows.deposits), withdrawals: m(flows.withdrawals), realizedPnl: m(flows.realized),
    floatingPnl: m(Money.sum(inside.map((a) => usd(a.floating, a.id)))),
    equity: m(total),
    tradingEquity: m(Money.sum(inside.filter((a) => TRADING_KINDS.has(a.kind)).map(equity))),
    rates: Object.fromEntries(held.map((c) => [c, p.rate(c, 'USD').toSignificantDigits(12).toString()])),
    translation: m(total.minus(flows.deposits).plus(flows.withdrawals).minus(flows.realized).minus(Money.sum(inside.map((a) => usd(a.floating, a.id))))),
    scope: `${TOTALS_SCOPE}. In USD: deposits, withdrawals and realized P&L at the mid of each one's moment (one made before any price of its pair at the end's); floating P&L and equity at the end's mids (rates: 1 unit in USD); translation: equity − (deposits − withdrawals + realized + floating), what holding other currencies while rates moved made or lost in USD`,
  };
}

/** With accounts in other currencies: a row per other currency a clearing account (house, conversion, external, market) holds. */
function otherCurrencyRows(p: Program, accounts: readonly AccountSnapshot[], m: (x: Money) => string): Array<Record<string, string>> {
  if (!p.multiCurrency) return [];
  const zero = m(Money.zero);
  const out: Array<Record<string, string>> = [];
  for (const a of accounts) {
    if (!p.journal.isClearing(a.id)) continue;
    for (const c of p.journal.currenciesUsed()) {
      if (c === 'USD') continue;
      const b = m(p.journal.balanceIn(a.id, c));
      out.push({
        id: a.id, kind: a.kind, currency: c, balance: b, equity: b, floatingPnl: zero, openVolume: zero, deposits: zero, withdrawals: zero, realizedPnl: zero, closedVolume: zero,
        performanceFeesPaid: zero, performanceFeesEarned: zero, roundingPnl: zero, commissions: zero, swaps: zero, rebates: zero, cashback: zero,
      });
    }
  }
  return out;
}

export function buildSummary(s: Scenario, p: Program, w: RunWriter): Summary {
  const q = s.quantum;
  const m = (x: Money): string => formatQ(x.value, q);
  // A block master is only the sum of its parts: it holds no money of its own to report.
  const accounts = p.accountSnapshots().filter((a) => !(a.kind === 'master' && s.structure === 'block'));
  const investors = p.investorSnapshots();
  /** An investor's journal account: its sub-account, or the pool it holds units of. */
  const accountOf = (i: { readonly id: string; readonly model: string }): string => (i.model === 'mam' ? `mam:${i.id}` : s.pool!.id);
  const feeBalance = p.journal.balance(SYSTEM_ACCOUNTS.fees);
  // The manager's own capital may sit in an account of another currency: in the program's at the end's mid.
  const programCcy = p.currencyOf(SYSTEM_ACCOUNTS.master);
  const managerCapital = Money.sum(investors.filter((i) => i.manager).map((i) => {
    const ccy = p.currencyOf(accountOf(i));
    return ccy === programCcy ? i.equity : p.convert(i.equity, ccy, programCcy);
  }));
  const masterEquity = s.structure === 'signal' ? p.equity(SYSTEM_ACCOUNTS.master) : Money.zero;
  const inside = accounts.filter((a) => a.kind !== 'external' && a.kind !== 'market');
  const nav = p.nav();
  const units = p.poolUnits();
  const openRounding = p.openRounding();
  const pending = p.pendingFees(s.end);
  const rounding = (id: string): Money => w.account(id).rounding.plus(openRounding.get(id) ?? Money.zero);
  return {
    mamlab: { version: VERSION },
    scenario: {
      name: s.name, description: s.description, file: basename(s.file), hash: s.hash, seed: s.seed,
      start: formatServerTime(s.start), end: formatServerTime(s.end), serverTime: s.zone,
      tradingWeek: { open: formatWeekPoint(s.tradingWeek.openMinute), close: formatWeekPoint(s.tradingWeek.closeMinute) }, precision: q.step.toFixed(q.dp),
    },
    program: {
      structure: s.structure, allocation: s.allocation, masterDeposit: m(s.masterDeposit), performanceFee: s.performanceFee.toString(),
      performanceFeeTiers: s.performanceFeeTiers ? { basis: s.performanceFeeTiers.basis, tiers: s.performanceFeeTiers.tiers.map((t) => ({ from: m(new Money(t.from)), rate: t.rate.toString() })) } : null,
      terms: { minimumInvestment: m(s.terms.minimumInvestment), minimumMamInvestment: s.terms.minimumMamInvestment === 'floating' ? 'floating' : m(s.terms.minimumMamInvestment), managerMinimum: m(s.terms.managerMinimum) },
      managementFee: s.managementFee ? { rate: s.managementFee.rate.toString(), basis: s.managementFee.basis } : null, entryFee: s.entryFee?.toString() ?? '0',
      subscriptionFee: s.subscriptionFee ? m(s.subscriptionFee) : null,
      volumeFee: s.volumeFee ? { perLot: s.volumeFee.perLot.toString(), perMillion: s.volumeFee.perMillion.toString() } : null,
      termChanges: s.termChanges.map((c) => ({ at: formatServerTime(c.at), performanceFee: c.performanceFee?.toString() ?? null, managementFee: c.managementFee?.toString() ?? null })),
      pamm: s.pool ? { id: s.pool.id, initialNav: s.pool.initialNav.toString() } : null, preset: s.preset ?? null,
      costs: costTerms(s),
    },
    policies: s.policies,
    manager: {
      feeAccount: m(feeBalance), ownCapitalInProgram: m(managerCapital), masterAccountEquity: m(masterEquity),
      total: m(feeBalance.plus(managerCapital).plus(masterEquity)),
      feesByKind: Object.fromEntries([...w.feesByKind].map(([k, v]) => [k, m(v)])),
      // Partner fee shares passed on to referring IBs (already out of feeAccount).
      feeSharesPaid: Object.fromEntries([...w.feeShares].map(([k, v]) => [k, m(v)])),
    },
    pool: s.pool && nav && units ? { id: s.pool.id, equity: m(p.equity(s.pool.id)), units: formatQ(units.value, q), nav: nav.toFixed(10) } : null,
    master: {
      timeWeightedReturn: w.master.return, maxDrawdown: num(w.master.maxDrawdown),
      basis: s.structure === 'signal' ? 'master account' : 'the whole block (all active followers, gross of fees)',
    },
    accounts: [...accounts.map((a) => {
      const t = w.account(a.id);
      const c = w.costs.account(a.id);
      return {
        id: a.id, kind: a.kind, currency: p.currencyOf(a.id), balance: m(a.balance), equity: m(a.equity), floatingPnl: m(a.floating), openVolume: formatQ(a.openVolume.value, q),
        deposits: m(t.deposits), withdrawals: m(t.withdrawals), realizedPnl: m(t.realized), closedVolume: formatQ(t.closedVolume.value, q),
        performanceFeesPaid: m(t.feesPaid), performanceFeesEarned: m(t.feesEarned), roundingPnl: m(rounding(a.id)),
        commissions: m(c.commissions), swaps: m(c.swaps), rebates: m(c.rebates), cashback: m(c.cashback),
      };
    }), ...otherCurrencyRows(p, accounts, m)],
    investors: investors.map((i) => {
      const t = w.investor(i.id);
      const net = i.equity.plus(t.withdrawals).minus(t.deposits);
      return {
        id: i.id, model: i.model, currency: p.currencyOf(accountOf(i)), manager: i.manager, active: i.active, detached: i.detached,
        deposits: m(t.deposits), withdrawals: m(t.withdrawals), performanceFees: m(t.fees), managementFees: m(t.managementFees), entryFees: m(t.entryFees), otherFees: m(t.otherFees), equity: m(i.equity),
        // The mark the next fee is assessed against, on the program's basis (markBasis): a high-water mark of equity or of the cumulative result.
        highWaterMark: m(s.policies.performanceFee.hwmBasis === 'equity' ? i.mark : i.resultMark), markBasis: s.policies.performanceFee.hwmBasis === 'equity' ? 'equity' : 'cumulative-result',
        cumulativeResultMark: m(i.resultMark),
        // Owed, not yet charged at the end: so a quarterly program's first month is not blank.
        accruedFees: { managementFee: m(pending.get(i.id)!.management), performanceFeeIfPeriodEndedNow: m(pending.get(i.id)!.performance) }, units: i.units ? formatQ(i.units.value, q) : null, netResult: m(net),
        timeWeightedReturn: t.net.return, maxDrawdown: num(t.net.maxDrawdown),
        grossReturn: t.gross.return, trackingError: num(t.gross.index - (t.masterAtEnd ?? 1) / (t.masterAtStart ?? 1)),
        roundingPnl: i.model === 'mam' ? m(rounding(`mam:${i.id}`)) : null,
        metrics: investorMetrics(t, i.active ? Number(i.equity.value) : 0, s.end, w.account(accountOf(i)).deals, s.policies.metrics),
      };
    }),
    totals: totals(p, w, inside, m),
    counts: { ...w.counts(), rejections: w.rejections },
    metricConventions: metricConventions(s.policies.metrics),
    openMasterTrades: p.openMasterTickets(),
    ...w.costs.summary(),
    risk: riskSummary(s, w),
    ...(s.strategy ? { strategy: { name: s.strategy.name, symbol: s.strategy.symbol, every: s.strategy.every, lookback: s.strategy.lookback, params: s.strategy.params } } : {}),
  };
}
