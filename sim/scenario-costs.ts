// Reads a scenario's trading costs, rebate terms and self-trading clients (DOMAIN §5, §8) into
// engine terms, checking what the schema cannot: references between partners, clients and
// investors, fractions, tickets and times.
import { Dec } from '../engine/decimal.js';
import type { Instrument, InstrumentClass, Side } from '../engine/instrument.js';
import type { Quantum } from '../engine/quantum.js';
import type { Rate, RateSchedule } from '../engine/rate-schedule.js';
import { type CashbackAction, type CashbackPlan, MANAGER, type Partner, type RebateTerms, type Tiers, referralChain } from '../engine/rebate.js';
import { type SwapMode, type SwapTerms, type Weekday, defaultTripleDay } from '../engine/swap.js';
import type { ServerTime } from '../engine/time.js';
import { Money, Volume } from '../engine/values.js';
import type { ServerTimeZone } from './calendar.js';
import { shown } from './input-error.js';
import { readOwnLeverage } from './scenario-risk.js';
import type { Json, Obj, Path, Reader } from './reader.js';

export interface CostTerms {
  readonly commission?: RateSchedule;
  readonly swaps: ReadonlyMap<string, SwapTerms>;
  readonly swapFree: boolean;
}

export interface ClientTradeSpec {
  readonly ticket: string;
  readonly symbol: string;
  readonly side: Side;
  readonly volume: Volume;
  readonly open: ServerTime;
  readonly close?: ServerTime;
}

export interface ClientSpec {
  readonly id: string;
  readonly deposit: Money;
  readonly referredBy?: string;
  readonly swapFree: boolean;
  /** The client account's own leverage (needs a risk section). */
  readonly leverage?: Dec;
  readonly trades: readonly ClientTradeSpec[];
}

export interface CostContext {
  readonly r: Reader;
  readonly q: Quantum;
  readonly zone: ServerTimeZone;
  readonly within: (t: ServerTime, path: Path) => ServerTime;
  readonly preset: (name: string) => Obj;
}

/** A fraction from 0 to 1 inclusive. */
function fraction(r: Reader, v: Json | undefined, path: Path): Dec {
  const d = r.decimal(v, path);
  if (d.isNegative() && !d.isZero()) r.fail(path, `expected a fraction from 0 to 1, such as 0.2 for 20%, got ${d.toString()}`);
  if (d.gt(1)) r.fail(path, `expected a fraction from 0 to 1, such as 0.2 for 20%, got ${d.toString()}`);
  return d;
}

const RATE_KINDS: Record<string, Rate['kind']> = { perLot: 'per-lot', notionalPct: 'notional-pct', pips: 'pips' };

/** A schedule object, or a preset's schedule by name (read from the preset file's `key`). */
function schedule(c: CostContext, v: Json | undefined, path: Path, key: 'commission' | 'rebate'): RateSchedule {
  const fromPreset = typeof v === 'string';
  const o = (fromPreset ? c.preset(v)[key] : v) as Obj;
  const out = new Map<InstrumentClass | 'default', Rate>();
  for (const [cls, rate] of Object.entries(o)) {
    const [field, value] = Object.entries(rate as Obj)[0]!;
    const where = fromPreset ? path : [...path, cls, field];
    const d = c.r.decimal(value, where);
    if (d.isNegative() && !d.isZero()) c.r.fail(where, `expected a non-negative rate, got ${d.toString()}`);
    out.set(cls as InstrumentClass | 'default', { kind: RATE_KINDS[field]!, value: d });
  }
  return out;
}

/** `presetName`: the program's preset, whose `swapFree` term applies unless the scenario sets its own. */
export function readCosts(c: CostContext, doc: Obj, instruments: ReadonlyMap<string, Instrument>, presetName?: string): CostTerms {
  const o = doc.costs as Obj;
  const swaps = new Map<string, SwapTerms>();
  for (const [symbol, t] of Object.entries((o.swaps as Obj | undefined) ?? {})) {
    const path: Path = ['costs', 'swaps', symbol];
    const inst = instruments.get(symbol);
    if (!inst) c.r.fail(path, `swap terms for ${symbol}, which is not in instruments`);
    const s = t as Obj;
    swaps.set(symbol, {
      mode: s.mode as SwapMode, long: c.r.decimal(s.long, [...path, 'long']), short: c.r.decimal(s.short, [...path, 'short']),
      tripleDay: (s.tripleDay as Weekday | undefined) ?? defaultTripleDay(inst.class),
    });
  }
  return {
    commission: o.commission === undefined ? undefined : schedule(c, o.commission, ['costs', 'commission'], 'commission'),
    swaps, swapFree: (o.swapFree as boolean | undefined) ?? (presetName ? (c.preset(presetName).swapFree as boolean | undefined) : undefined) ?? false,
  };
}

function readCashback(c: CostContext, o: Obj, path: Path, clientsOf: (partner: string) => Set<string>, partner: string): CashbackPlan {
  const perClient = new Map<string, Dec>();
  for (const [client, v] of Object.entries(o.perClient as Obj)) {
    if (!clientsOf(partner).has(client)) c.r.fail([...path, 'perClient', client], `${client} is not a client referred by ${partner}`);
    perClient.set(client, fraction(c.r, v, [...path, 'perClient', client]));
  }
  let last = -Infinity;
  const changes = (o.changes as Obj[]).map((ch, i) => {
    const where: Path = [...path, 'changes', i];
    const at = c.within(c.r.time(ch.at, [...where, 'at'], c.zone), [...where, 'at']);
    if (at < last) c.r.fail([...where, 'at'], 'cashback changes are listed in time order');
    last = at;
    const action = ch.action as CashbackAction;
    if (action === 'change' && ch.rate === undefined) c.r.fail([...where, 'rate'], 'a change needs the new rate');
    if (action !== 'change' && ch.rate !== undefined) c.r.fail([...where, 'rate'], `${action} takes no rate`);
    const client = ch.client as string | undefined;
    if (client !== undefined && !clientsOf(partner).has(client)) c.r.fail([...where, 'client'], `${client} is not a client referred by ${partner}`);
    return { at, action, client, rate: ch.rate === undefined ? undefined : fraction(c.r, ch.rate, [...where, 'rate']) };
  });
  return { rate: fraction(c.r, o.rate, [...path, 'rate']), perClient, changes };
}

export function readRebates(c: CostContext, doc: Obj, clientsOf: (partner: string) => Set<string>): RebateTerms | undefined {
  const o = doc.rebates as Obj | undefined;
  if (!o) return undefined;
  const list = o.partners as Obj[];
  const ids = new Set<string>();
  list.forEach((p, i) => {
    const id = p.id as string;
    if (id === MANAGER) c.r.fail(['rebates', 'partners', i, 'id'], '`manager` is reserved for the program\'s manager');
    if (ids.has(id)) c.r.fail(['rebates', 'partners', i, 'id'], `partner id ${id} is used twice`);
    ids.add(id);
  });
  const partners = new Map<string, Partner>();
  list.forEach((p, i) => {
    const path: Path = ['rebates', 'partners', i];
    const parent = p.parent as string | undefined;
    if (parent !== undefined && !ids.has(parent)) c.r.fail([...path, 'parent'], `unknown partner ${parent}; declared: ${[...ids].join(', ')}`);
    partners.set(p.id as string, {
      id: p.id as string, parent,
      programShare: p.programShare === undefined ? undefined : fraction(c.r, p.programShare, [...path, 'programShare']),
      feeShare: p.feeShare === undefined ? undefined : fraction(c.r, p.feeShare, [...path, 'feeShare']),
      cashback: p.cashback === undefined ? undefined : readCashback(c, p.cashback as Obj, [...path, 'cashback'], clientsOf, p.id as string),
    });
  });
  const plan = schedule(c, o.plan, ['rebates', 'plan'], 'rebate');
  const terms: RebateTerms = { plan, partners, tiers: readTiers(c, o.tiers as Obj | undefined) };
  list.forEach((p, i) => {
    const chain = referralChain(terms, p.id as string);
    const last = terms.partners.get(chain[chain.length - 1]!)!;
    if (last.parent !== undefined) c.r.fail(['rebates', 'partners', i, 'parent'], `partners form a loop: ${[...chain, last.parent].join(' → ')}`);
  });
  return terms;
}

function readTiers(c: CostContext, o: Obj | undefined): Tiers | undefined {
  if (!o) return undefined;
  if (o.style === 'additive') return { style: 'additive', levels: (o.levels as Json[]).map((l, i) => schedule(c, l, ['rebates', 'tiers', 'levels', i], 'rebate')) };
  const shares = (o.shares as Json[]).map((s, i) => fraction(c.r, s, ['rebates', 'tiers', 'shares', i]));
  const sum = shares.reduce((x, y) => x.plus(y), new Dec(0));
  if (sum.gt(1)) c.r.fail(['rebates', 'tiers', 'shares'], `the levels' shares sum to ${sum.toString()}: they can never pay out more than the pool (at most 1)`);
  return { style: 'split', shares };
}

/** A referrer named by an investor or client: `manager` or a declared partner. */
export function checkReferrer(r: Reader, referredBy: Json | undefined, path: Path, partners: ReadonlySet<string>): string | undefined {
  if (referredBy === undefined) return undefined;
  const id = referredBy as string;
  if (id !== MANAGER && !partners.has(id)) r.fail(path, `unknown referrer ${id}: expected \`manager\` or a partner in rebates.partners${partners.size ? ` (${[...partners].join(', ')})` : ''}`);
  return id;
}

export function readClients(c: CostContext, doc: Obj, instruments: ReadonlyMap<string, Instrument>, partners: ReadonlySet<string>, tickets: Set<string>): ClientSpec[] {
  const ids = new Set<string>();
  return (doc.clients as Obj[]).map((o, i) => {
    const path: Path = ['clients', i];
    const id = o.id as string;
    if (ids.has(id)) c.r.fail([...path, 'id'], `client id ${id} is used twice`);
    ids.add(id);
    const trades = (o.trades as Obj[]).map((t, j) => {
      const where: Path = [...path, 'trades', j];
      const ticket = t.ticket as string;
      if (tickets.has(ticket)) c.r.fail([...where, 'ticket'], `ticket ${ticket} is already used`);
      tickets.add(ticket);
      const inst = instruments.get(t.symbol as string);
      if (!inst) c.r.fail([...where, 'symbol'], `unknown instrument ${shown(t.symbol)}; the scenario has: ${[...instruments.keys()].join(', ')}`);
      const open = c.within(c.r.time(t.open, [...where, 'open'], c.zone), [...where, 'open']);
      const close = t.close === undefined ? undefined : c.within(c.r.time(t.close, [...where, 'close'], c.zone), [...where, 'close']);
      if (close !== undefined && close <= open) c.r.fail([...where, 'close'], 'expected the close after the open');
      return { ticket, symbol: inst.symbol, side: t.side as Side, volume: new Volume(c.r.amount(t.volume, [...where, 'volume'], c.q, 'positive')), open, close };
    });
    return {
      id, deposit: new Money(c.r.amount(o.deposit, [...path, 'deposit'], c.q, 'positive')),
      referredBy: checkReferrer(c.r, o.referredBy, [...path, 'referredBy'], partners),
      swapFree: o.swapFree as boolean, leverage: readOwnLeverage(c.r, o.leverage, [...path, 'leverage'], doc.risk !== undefined), trades,
    };
  });
}
