// Static checks of a valid scenario: scripted orders, client trades and flows that the file alone
// shows the run will reject (a volume off the instrument's lot rule, an unknown or reused ticket,
// a flow before its investor joined or after it left, an order outside the trading week). They are
// warnings, not errors: the run still goes ahead and rejects each with an event and a reason, as it
// always has; `validate` lists them and `run --strict` refuses them. Each check predicts the run
// with the engine's and the runner's own rules (masterLotRule, requestExecutesAt, orderActsAt),
// so a warning says what the run will do, never a guess of our own.
import { allocationFamily } from '../engine/allocation.js';
import { masterLotRule } from '../engine/master-orders.js';
import { conversionSymbols, findConversionVia } from '../engine/quotes.js';
import { formatServerTime, type ServerTime } from '../engine/time.js';
import { InputError } from './input-error.js';
import { marketClosed, orderActsAt, requestExecutesAt, ticketSymbols } from './runner.js';
import type { OrderSpec, Scenario, Variant } from './scenario.js';

export interface ScenarioWarning {
  /** JSON pointer of the offending value in the file. */
  readonly path: string;
  readonly line?: number;
  /** What is wrong and what the run will do about it. */
  readonly message: string;
}

const REJECTED = 'will be rejected at run time';

/** Every warning of one scenario, in file order. */
export function staticChecks(s: Scenario): ScenarioWarning[] {
  const found: Array<{ path: Array<string | number>; message: string }> = [
    ...lotChecks(s), ...ticketChecks(s), ...flowChecks(s), ...marketHoursChecks(s), ...policyChecks(s), ...currencyChecks(s),
  ];
  const out = found.map((f) => ({ ...s.locate(f.path), message: f.message }));
  return out.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || a.path.localeCompare(b.path));
}

/**
 * The warnings of a scenario with variants (`validate` and `compare`): the scenario's own, then
 * those a variant adds (another preset's lot limits, its own clients), naming the variants.
 * `ranOnly`: leave out the scenario's own warnings that no variant has (compare runs only the variants).
 */
export function variantChecks(base: Scenario, variants: readonly Variant[], ranOnly = false): ScenarioWarning[] {
  const key = (w: ScenarioWarning): string => `${w.path}\n${w.message}`;
  const perVariant = variants.map((v) => {
    const list = staticChecks(v.scenario);
    return { name: v.name, list, keys: new Set(list.map(key)) };
  });
  const own = staticChecks(base).filter((w) => !ranOnly || perVariant.some((v) => v.keys.has(key(w))));
  const seen = new Set(own.map(key));
  const added = new Map<string, { w: ScenarioWarning; names: string[] }>();
  for (const v of perVariant) {
    for (const w of v.list) {
      if (seen.has(key(w))) continue;
      const entry = added.get(key(w)) ?? { w, names: [] };
      entry.names.push(v.name);
      added.set(key(w), entry);
    }
  }
  const extra = [...added.values()].map(({ w, names }) => ({ ...w, message: `${w.message} (in variant${names.length > 1 ? 's' : ''} ${names.join(', ')})` }));
  return [...own, ...extra];
}

/** One warning as the CLI prints it: file, line, JSON path, message (the layout of an input error). */
export function formatWarning(file: string, w: ScenarioWarning): string {
  return new InputError(file, w.path, w.message, w.line).message;
}

// ------------------------------------------------------------------ policies with no effect

/**
 * A policy the file sets that cannot change anything in this scenario's structure (DOMAIN §6: "a
 * policy that has no effect in a scenario's structure is refused"): a warning naming why, so a
 * setting is never silently echoed; `run --strict` and `validate --strict` refuse it. Only
 * policies the file writes are checked: a default that does not apply is what happens anyway.
 */
function policyChecks(s: Scenario): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  const family = allocationFamily(s.allocation);
  const lotStep = s.policies.roundingMode === 'lot-step';
  const why = (name: string): string | undefined => {
    switch (name) {
      case 'pammDeposit':
        return s.pool ? undefined : 'the program has no PAMM pool';
      case 'openBlocks':
        if (s.structure !== 'block') return 'a signal program has no blocks: each follower copies the master on its own';
        return s.allocation === 'equity' || s.allocation === 'balance' ? undefined : `the ${s.allocation} split does not move with money (re-splitting needs equity or balance weights)`;
      case 'pammFlows':
        return s.pool ? undefined : 'the program has no PAMM pool';
      case 'lotRounding':
        if (!lotStep) return 'copies are rounded to the lot step only under roundingMode: lot-step';
        if (family === 'split') return `the ${s.allocation} split floors each part and hands the leftover steps out by the residual rule, so the parts sum to the block`;
        return undefined;
      case 'copyBasis':
        if (family === 'split') return `the ${s.allocation} split weighs followers by its own measure, not by a copy ratio`;
        if (s.allocation === 'multiplier') return 'a multiplier copy is the master volume × the multiplier, on no basis';
        return undefined;
      case 'copyRatio':
        return s.allocation === 'proportional' ? undefined : `it applies to proportional copies only (this program uses ${s.allocation})`;
      case 'belowMinLot':
        return lotStep ? undefined : 'the minimum lot applies only under roundingMode: lot-step';
      case 'hedgedMarginPct':
        if (!s.risk) return 'the scenario has no risk section: no margin, level or limit applies';
        return s.policies.hedgedMargin === 'per-leg' ? undefined : `it applies only to hedgedMargin: per-leg (this scenario has ${s.policies.hedgedMargin})`;
      case 'hedgedMargin':
      case 'marginPrice':
      case 'riskTrigger':
        return s.risk ? undefined : 'the scenario has no risk section: no margin, level or limit applies';
      case 'limitBreach':
        return [...(s.risk?.accounts?.values() ?? [])].some((l) => l.maxDrawdown || l.minBalance || l.weeklyLoss) ? undefined : 'no MAM account has a drawdown, minimum-balance or weekly-loss limit';
      default:
        return undefined;
    }
  };
  for (const name of [...s.writtenPolicies].sort()) {
    const reason = why(name);
    if (reason) out.push({ path: ['policies', ...name.split('.')], message: `policy ${name} has no effect in this scenario: ${reason}` });
  }
  return out;
}

// ------------------------------------------------------------------ lot limits

/** Master opens and placements with a volume, and client trades: the lot rule every platform order meets. */
function lotChecks(s: Scenario): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  s.orders.forEach((o, i) => {
    // With the `lot` method an order may leave out its volume: the block is then the followers' set lots, known only at run time.
    if ((o.action !== 'open' && o.action !== 'place') || o.volume === undefined) return;
    const rule = masterLotRule(s.instruments.get(o.symbol!)!, o.volume);
    if (rule) out.push({ path: ['orders', i, 'volume'], message: `${REJECTED}: ${rule}` });
  });
  s.clients.forEach((c, i) => c.trades.forEach((t, j) => {
    const rule = masterLotRule(s.instruments.get(t.symbol)!, t.volume);
    if (rule) out.push({ path: ['clients', i, 'trades', j, 'volume'], message: `${REJECTED}: ${rule}${t.close !== undefined ? ', and so will its close' : ''}` });
  }));
  return out;
}

// ------------------------------------------------------------------ tickets

/** Orders in the order the run applies them: by the time each acts (orderActsAt; its stamp when rejected), then as listed (all orders have one priority). */
function runOrder(s: Scenario): Array<{ o: OrderSpec; i: number }> {
  const symbols = ticketSymbols(s.orders);
  const acts = (o: OrderSpec): number => orderActsAt(s, o.at, o.symbol ?? symbols.get(o.ticket)) ?? o.at;
  return s.orders.map((o, i) => ({ o, i, at: acts(o) })).sort((a, b) => a.at - b.at || a.i - b.i).map(({ o, i }) => ({ o, i }));
}

function opens(o: OrderSpec): boolean {
  return o.action === 'open' || o.action === 'place';
}

/**
 * Tickets: an action on a ticket nothing opened or placed before it; a cancel of a market order or a
 * new price for one (only pending orders have them); an open or placement reusing a ticket.
 */
function ticketChecks(s: Scenario): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  const ordered = runOrder(s);
  const latest = new Map<string, { o: OrderSpec; i: number }>();
  const placed = new Set<string>();
  ordered.forEach(({ o, i }, n) => {
    const before = latest.get(o.ticket);
    if (opens(o)) {
      if (o.action === 'place') placed.add(o.ticket);
      if (before) {
        const where = s.locate(['orders', before.i]);
        out.push({ path: ['orders', i, 'ticket'], message: `ticket ${o.ticket} is already used by ${where.path}${where.line !== undefined ? ` (line ${where.line})` : ''}: the run rejects this ${o.action} ("ticket ${o.ticket} already used") if that order is still open or pending then, else two trades share the ticket in the outputs` });
      }
      latest.set(o.ticket, { o, i });
      return;
    }
    if (!before) {
      const later = ordered.slice(n + 1).find((x) => opens(x.o) && x.o.ticket === o.ticket);
      const hint = later ? ` (${s.locate(['orders', later.i]).path} does, at ${formatServerTime(later.o.at)}, after this ${o.action})` : '';
      out.push({ path: ['orders', i, 'ticket'], message: `${REJECTED}: no earlier order opens or places ticket ${o.ticket}${hint}` });
      return;
    }
    // A ticket ever placed may be pending (a reused ticket's open is then the one rejected): only a ticket never placed is surely a market order.
    if (placed.has(o.ticket)) return;
    const market = `ticket ${o.ticket} is a market order (${s.locate(['orders', before.i]).path})`;
    if (o.action === 'cancel') out.push({ path: ['orders', i, 'action'], message: `${REJECTED}: ${market}, and only a pending order can be cancelled` });
    if (o.action === 'modify' && o.price !== undefined) out.push({ path: ['orders', i, 'price'], message: `${REJECTED}: ${market}: an open trade has no price to modify, only its SL and TP` });
  });
  return out;
}

// ------------------------------------------------------------------ investor flows

/**
 * Flows the run will refuse because their investor is not in the program when they execute: before
 * its join has executed, or after its leave has. Requests execute when the runner says
 * (requestExecutesAt), joins before flows at one instant and flows as listed; a request that would
 * execute after the end is not rejected but reported as not executed, so it is left alone here.
 */
function flowChecks(s: Scenario): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  const investors = new Map(s.investors.map((inv, i) => [inv.id, { inv, i }]));
  const left = new Map<string, number>();
  s.flows
    .map((f, i) => ({ f, i, when: requestExecutesAt(investors.get(f.investor)!.inv.model, f.at, s.policies.pammFlows, s.tradingWeek) }))
    .sort((a, b) => a.when - b.when || a.i - b.i)
    .forEach(({ f, i, when }) => {
      if (when > s.end) return;
      const { inv, i: invIndex } = investors.get(f.investor)!;
      if (inv.at !== undefined && when < requestExecutesAt(inv.model, inv.at, s.policies.pammFlows, s.tradingWeek)) {
        out.push({ path: ['flows', i, 'at'], message: `${REJECTED}: investor ${inv.id} has not joined by then (its join request, ${s.locate(['investors', invIndex, 'at']).path}, is at ${formatServerTime(inv.at)})` });
        return;
      }
      const leave = left.get(f.investor);
      if (leave !== undefined) {
        out.push({ path: ['flows', i, 'at'], message: `${REJECTED}: investor ${inv.id} has left by then (${s.locate(['flows', leave]).path})` });
        return;
      }
      if (f.type === 'leave') left.set(f.investor, i);
    });
  return out;
}

// ------------------------------------------------------------------ trading hours

/** Orders and client trades outside the trading week: the runner rejects them as market closed. */
function marketHoursChecks(s: Scenario): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  const closed = `${REJECTED}: ${marketClosed(s.tradingWeek)}`;
  const symbols = ticketSymbols(s.orders);
  s.orders.forEach((o, i) => {
    if (orderActsAt(s, o.at, o.symbol ?? symbols.get(o.ticket)) === undefined) out.push({ path: ['orders', i, 'at'], message: closed });
  });
  s.clients.forEach((c, i) => c.trades.forEach((t, j) => {
    if (orderActsAt(s, t.open, t.symbol) === undefined) out.push({ path: ['clients', i, 'trades', j, 'open'], message: closed });
    if (t.close !== undefined && orderActsAt(s, t.close, t.symbol) === undefined) out.push({ path: ['clients', i, 'trades', j, 'close'], message: closed });
  }));
  return out;
}

// ------------------------------------------------------------------ account currencies

/**
 * An investor in another currency than the program's joins only once the pair converting its
 * deposit for the program's minimums has a price (DOMAIN §1): a join before that is rejected.
 */
function currencyChecks(s: Scenario): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  const byAccount = s.currencies.byAccount;
  if (byAccount.size === 0) return out;
  const program = s.currencies.program;
  const first = firstQuotes(s);
  s.investors.forEach((inv, i) => {
    const ccy = byAccount.get(inv.model === 'mam' ? `mam:${inv.id}` : s.pool!.id) ?? 'USD';
    if (ccy === program) return;
    const conv = findConversionVia(ccy, program, s.instruments);
    const at = inv.at ?? s.start;
    for (const symbol of conv ? conversionSymbols(conv) : []) {
      const t = first.get(symbol);
      if (t !== undefined && t <= at) continue;
      out.push({ path: ['investors', i, ...(inv.at === undefined ? ['id'] : ['at'])], message: `${REJECTED}: ${inv.id} deposits in ${ccy} at ${formatServerTime(at)}, before the first price of ${symbol} (${t === undefined ? 'none in the run' : formatServerTime(t)}), which converts it to the program's ${program} for its minimums; give it an \`at\` at or after that price` });
      return;
    }
  });
  return out;
}

/** The first quote's time of each symbol. */
function firstQuotes(s: Scenario): Map<string, ServerTime> {
  const first = new Map<string, ServerTime>();
  for (let i = 0; i < s.ticks.length && first.size < s.instruments.size; i++) {
    const t = s.ticks.at(i);
    if (!first.has(t.symbol)) first.set(t.symbol, t.time);
  }
  return first;
}
