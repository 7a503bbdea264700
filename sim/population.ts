// Generated investor groups: an entry `{ generate: { count, model, idPrefix, deposit, join?,
// referredBy?, allocation? } }` of a scenario's `investors` expands into `count` investors, drawn
// from the scenario seed, so a 10,000-investor program is a few lines of YAML and the same
// scenario and seed give the same list on any machine.
//
// Streams: each group draws from three streams of sim/rng.ts named after its idPrefix,
// `population:<idPrefix>:deposit`, `…:join` and `…:referral` (prefixes are unique), so adding,
// removing or reordering other entries, or changing one aspect of the group, never moves another's
// draws; investor k (1-based) takes the k-th draw of each stream, so a larger count keeps the
// first investors as they were.
//
// Deposits, in cents (half-up to 2 decimals, or to the scenario's precision when that is coarser):
// - `list: [d1, …, dn]`: investor k deposits d((k−1) mod n + 1), exactly as written (no draw).
// - `uniform: { min, max }`: min + u·(max − min), u uniform in [0, 1), computed exactly in
//   decimals from u's shortest decimal text, then rounded; min and max are whole cents.
// - `logNormal: { median, sigma }, min?, max?`: median·exp(sigma·z), z the stream's normal draw
//   (Irwin–Hall: the sum of 12 uniforms minus 6, only + and −), rounded, then clamped to [min, max]
//   (defaults: one cent and 10^12). The median of the draws is `median` (z is symmetric about 0).
// Join times (`join: { from, perDay }`): a Poisson arrival process from `from`: investor k joins at
// from + round(g1 + … + gk) seconds (half-up, whole seconds), gi = −ln(1 − ui)·86400/perDay the
// exponential gaps of mean 1/perDay days. A join after the scenario's end is not generated: the
// group stops there (population.csv lists the investors actually generated). Without `join`
// every investor is a founding one.
// Referrals (`referredBy: { ib: share, … }`): investor k draws u and takes the first IB, in the order
// written, whose running sum of shares exceeds u; with u at or above the sum it is unreferred.
//
// exp and ln are not Math.exp and Math.log, which engines may compute differently (ECMAScript leaves
// their last bits to the implementation): they are series evaluated with + − × ÷ on doubles alone,
// which IEEE 754 rounds the same everywhere, accurate to about 15 significant digits.
import { Decimal } from 'decimal.js';
import { Dec } from '../engine/decimal.js';
import { BASE_CURRENCY } from '../engine/journal.js';
import type { Quantum } from '../engine/quantum.js';
import { type ServerTime, serverTime } from '../engine/time.js';
import type { ServerTimeZone } from './calendar.js';
import { pointer } from './input-error.js';
import { MAX_INVESTORS } from './limits.js';
import type { Json, Obj, Path, Reader } from './reader.js';
import { stream } from './rng.js';
import type { InvestorSpec } from './scenario.js';
import type { ScenarioCurrencies } from './scenario-currencies.js';

/** Longest id (schemas/scenario.schema.json `definitions.id`). */
const MAX_ID = 40;
/** Largest log-normal sigma: e^(4·6) already multiplies the median by 2.6·10^10. */
const MAX_SIGMA = 4;
/** Default upper clamp of a log-normal deposit: the money magnitude (sim/limits.ts). */
const MAX_MONEY = new Dec('1e12');
const LN2 = 0.6931471805599453;
const SQRT_HALF = 0.7071067811865476;

/** e^x for |x| ≤ 50: x = k·ln 2 + r, |r| ≤ ln 2 / 2, a Taylor series of e^r times 2^k (exact doublings). */
export function detExp(x: number): number {
  const k = Math.round(x / LN2);
  const r = x - k * LN2;
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= 18; n++) {
    term = (term * r) / n;
    sum += term;
  }
  for (let i = 0; i < Math.abs(k); i++) sum = k > 0 ? sum * 2 : sum / 2;
  return sum;
}

/** ln y for 0 < y ≤ 1: y = m·2^e with m in [√½, 1], ln m = 2·atanh((m − 1)/(m + 1)) as a series. */
export function detLn(y: number): number {
  let m = y;
  let e = 0;
  while (m < SQRT_HALF) {
    m *= 2;
    e--;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let n = 1; n <= 33; n += 2) {
    sum += term / n;
    term *= s2;
  }
  return e * LN2 + 2 * sum;
}

export interface PopulationContext {
  readonly r: Reader;
  readonly quantum: Quantum;
  readonly zone: ServerTimeZone;
  readonly start: ServerTime;
  readonly end: ServerTime;
  readonly seed: number;
  /** Checks a referrer (an IB in rebates.partners, or `manager`) as an explicit investor's is checked. */
  readonly referrer: (id: string, path: Path) => void;
}

export interface Generated {
  readonly id: string;
  readonly deposit: Dec;
  readonly at?: ServerTime;
  readonly referredBy?: string;
}

export const isGroup = (o: Obj): boolean => o.generate !== undefined;

/**
 * Checks what a group needs of the whole list before any is generated: the investors in all
 * within MAX_INVESTORS, each group's idPrefix its own, and no id of a group (over its whole
 * count) taken by an explicit investor, another group or the pool; each refusal names the
 * group's idPrefix (or count). Explicit ids used twice are the loader's to refuse.
 */
export function checkGroups(r: Reader, entries: readonly Obj[], poolId: string | undefined): void {
  const explicit = new Map<string, number>();
  entries.forEach((o, i) => { if (!isGroup(o)) explicit.set(o.id as string, i); });
  const prefixes = new Map<string, number>();
  let total = explicit.size;
  entries.forEach((o, i) => {
    if (!isGroup(o)) return;
    const g = o.generate as Obj;
    const path: Path = ['investors', i, 'generate'];
    const count = g.count as number;
    const prefix = g.idPrefix as string;
    total += count;
    if (total > MAX_INVESTORS) r.fail([...path, 'count'], `at most ${MAX_INVESTORS.toLocaleString('en-US')} investors in a scenario (sim/limits.ts MAX_INVESTORS), this group brings them to ${total.toLocaleString('en-US')}`);
    const twin = prefixes.get(prefix);
    if (twin !== undefined) r.fail([...path, 'idPrefix'], `idPrefix ${JSON.stringify(prefix)} is also the prefix of ${pointer(['investors', twin, 'generate'])}: each group needs its own (it names the group's ids and random streams)`);
    prefixes.set(prefix, i);
    const width = String(count).length;
    if (prefix.length + width > MAX_ID) r.fail([...path, 'idPrefix'], `ids ${prefix}${'1'.padStart(width, '0')} … would be longer than ${MAX_ID} characters: shorten the prefix to at most ${MAX_ID - width}`);
    if (poolId !== undefined && poolId.startsWith(prefix) && isIndex(poolId.slice(prefix.length), width, count)) r.fail([...path, 'idPrefix'], `generated id ${poolId} is the pool's id: choose another idPrefix`);
  });
  // An explicit id that a group generates: the group's prefix is what the user chooses, so the message names it.
  for (const [id, i] of explicit) {
    for (const [prefix, gi] of prefixes) {
      const g = entries[gi]!.generate as Obj;
      const count = g.count as number;
      if (id.startsWith(prefix) && isIndex(id.slice(prefix.length), String(count).length, count)) r.fail(['investors', gi, 'generate', 'idPrefix'], `generated id ${id} is also the id of the investor at ${pointer(['investors', i])}: choose another idPrefix`);
    }
  }
  // Two groups' ids: one prefix may extend another ("r" and "r1"), so the ids are compared, each once.
  const seen = new Map<string, number>();
  if (prefixes.size > 1) for (const [prefix, gi] of prefixes) {
    const count = (entries[gi]!.generate as Obj).count as number;
    const width = String(count).length;
    for (let k = 1; k <= count; k++) {
      const id = prefix + String(k).padStart(width, '0');
      const other = seen.get(id);
      if (other !== undefined) r.fail(['investors', gi, 'generate', 'idPrefix'], `generated id ${id} is also generated by ${pointer(['investors', other, 'generate'])}: choose another idPrefix`);
      seen.set(id, gi);
    }
  }
}

/** Whether `digits` is the zero-padded number of one of a group's investors (1 … count at `width`). */
function isIndex(digits: string, width: number, count: number): boolean {
  return digits.length === width && /^[0-9]+$/.test(digits) && Number(digits) >= 1 && Number(digits) <= count;
}

/** The investors group `index` generates (ids checked against the others by checkGroups). */
export function generateGroup(c: PopulationContext, g: Obj, index: number): Generated[] {
  const path: Path = ['investors', index, 'generate'];
  const count = g.count as number;
  const prefix = g.idPrefix as string;
  const width = String(count).length;
  const dp = Math.min(2, c.quantum.dp);
  const deposit = depositDraw(c, g.deposit as Obj, [...path, 'deposit'], dp, prefix);
  const joins = g.join === undefined ? undefined : joinDraw(c, g.join as Obj, [...path, 'join'], prefix);
  const referral = referralDraw(c, (g.referredBy as Obj | undefined) ?? {}, [...path, 'referredBy'], prefix);
  const out: Generated[] = [];
  for (let k = 1; k <= count; k++) {
    const at = joins?.();
    if (at !== undefined && at > c.end) break;
    const referredBy = referral();
    out.push({ id: prefix + String(k).padStart(width, '0'), deposit: deposit(k), ...(at !== undefined ? { at } : {}), ...(referredBy !== undefined ? { referredBy } : {}) });
  }
  return out;
}

/** A money value of the group that must be whole cents (or the precision's step when coarser). */
function cents(c: PopulationContext, v: Json | undefined, path: Path, dp: number): Dec {
  const d = c.r.amount(v, path, c.quantum, 'positive');
  if (d.decimalPlaces() > dp) c.r.fail(path, `expected whole cents (at most ${dp} decimals), got ${d.toString()}`);
  return d;
}

function depositDraw(c: PopulationContext, o: Obj, path: Path, dp: number, prefix: string): (k: number) => Dec {
  const { r } = c;
  const round = (x: Dec): Dec => x.toDecimalPlaces(dp, Decimal.ROUND_HALF_UP);
  if (o.list !== undefined) {
    const list = (o.list as Json[]).map((v, j) => cents(c, v, [...path, 'list', j], dp));
    return (k) => list[(k - 1) % list.length]!;
  }
  const rng = stream(c.seed, `population:${prefix}:deposit`);
  if (o.uniform !== undefined) {
    const u = o.uniform as Obj;
    const min = cents(c, u.min, [...path, 'uniform', 'min'], dp);
    const max = cents(c, u.max, [...path, 'uniform', 'max'], dp);
    if (max.lt(min)) r.fail([...path, 'uniform', 'max'], `expected at least min (${min.toString()}), got ${max.toString()}`);
    const span = max.minus(min);
    return () => round(min.plus(new Dec(rng.next()).times(span)));
  }
  const ln = o.logNormal as Obj;
  const median = r.amount(ln.median, [...path, 'logNormal', 'median'], c.quantum, 'positive');
  const sigmaDec = r.decimal(ln.sigma, [...path, 'logNormal', 'sigma']);
  if (sigmaDec.isNegative() || sigmaDec.gt(MAX_SIGMA)) r.fail([...path, 'logNormal', 'sigma'], `expected a spread of log deposits from 0 to ${MAX_SIGMA} (0.8 is a wide retail spread), got ${sigmaDec.toString()}`);
  const sigma = Number(sigmaDec.toString());
  const min = o.min === undefined ? c.quantum.step.gt('0.01') ? c.quantum.step : new Dec('0.01') : cents(c, o.min, [...path, 'min'], dp);
  const max = o.max === undefined ? MAX_MONEY : cents(c, o.max, [...path, 'max'], dp);
  if (max.lt(min)) r.fail([...path, 'max'], `expected at least min (${min.toString()}), got ${max.toString()}`);
  return () => {
    const x = round(median.times(new Dec(detExp(sigma * rng.normal()))));
    return x.lt(min) ? min : x.gt(max) ? max : x;
  };
}

/** The join times of a group, one per call: a Poisson process from `from` at `perDay` joins a day. */
function joinDraw(c: PopulationContext, o: Obj, path: Path, prefix: string): () => ServerTime {
  const { r } = c;
  const from = r.time(o.from, [...path, 'from'], c.zone);
  if (from < c.start || from > c.end) r.fail([...path, 'from'], 'expected a time between the scenario start and end');
  const rate = r.decimal(o.perDay, [...path, 'perDay']);
  if (!(rate.isPositive() && !rate.isZero())) r.fail([...path, 'perDay'], `expected a positive number of joins a day, got ${rate.toString()}`);
  const perSecond = Number(rate.toString()) / 86_400;
  const rng = stream(c.seed, `population:${prefix}:join`);
  let elapsed = 0;
  return () => {
    elapsed += -detLn(1 - rng.next()) / perSecond;
    return serverTime(from + Math.round(elapsed) * 1000);
  };
}

/** Each investor's referrer, one per call (undefined: unreferred). */
function referralDraw(c: PopulationContext, o: Obj, path: Path, prefix: string): () => string | undefined {
  const { r } = c;
  const ibs = Object.entries(o);
  if (ibs.length === 0) return () => undefined;
  let sum = new Dec(0);
  const bounds = ibs.map(([ib, v]) => {
    c.referrer(ib, [...path, ib]);
    const share = r.decimal(v, [...path, ib]);
    if (share.isNegative() || share.gt(1)) r.fail([...path, ib], `expected a share from 0 to 1 (0.3 for 30% of the group), got ${share.toString()}`);
    sum = sum.plus(share);
    return { ib, below: Number(sum.toString()) };
  });
  if (sum.gt(1)) r.fail(path, `the shares sum to ${sum.toString()}: at most 1 (the rest of the group is unreferred)`);
  const rng = stream(c.seed, `population:${prefix}:referral`);
  return () => {
    const u = rng.next();
    return bounds.find((b) => u < b.below)?.ib;
  };
}

/**
 * A path into the expanded investor list as a path in the file: investor i's own entry, or its
 * group's `generate` (its `at` is the group's `join`, its id the group's `idPrefix`). Other paths
 * are returned as they are.
 */
export function sourcePath(investors: readonly InvestorSpec[], path: ReadonlyArray<string | number>): ReadonlyArray<string | number> {
  if (path[0] !== 'investors' || typeof path[1] !== 'number') return path;
  const inv = investors[path[1]];
  if (inv?.entry === undefined) return path;
  if (!inv.generated) return ['investors', inv.entry, ...path.slice(2)];
  const field = path[2] === undefined ? undefined : GROUP_FIELD[String(path[2])];
  return ['investors', inv.entry, 'generate', ...(field ? [field, ...(field === 'allocation' ? path.slice(3) : [])] : [])];
}

const GROUP_FIELD: Readonly<Record<string, string>> = { id: 'idPrefix', at: 'join', model: 'model', deposit: 'deposit', referredBy: 'referredBy', allocation: 'allocation' };

/**
 * Generated MAM sub-accounts hold the program's currency: readCurrencies reads the file's
 * explicit entries, where a group's entry is no investor (it names `mam:undefined`).
 */
export function withGeneratedCurrencies(c: ScenarioCurrencies, investors: readonly InvestorSpec[]): ScenarioCurrencies {
  if (!investors.some((i) => i.generated)) return c;
  const byAccount = new Map(c.byAccount);
  byAccount.delete('mam:undefined');
  if (c.program !== BASE_CURRENCY) for (const i of investors) if (i.generated && i.model === 'mam') byAccount.set(`mam:${i.id}`, c.program);
  return { program: c.program, byAccount };
}

/** Ids for a message: all of a short list, else the first ones and how many in all. */
export function someIds(ids: Iterable<string>, max = 20): string {
  const all = [...ids];
  return all.length <= max ? all.join(', ') : `${all.slice(0, max).join(', ')}, … (${all.length.toLocaleString('en-US')} in all)`;
}
