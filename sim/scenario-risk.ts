// Reads a scenario's `risk` section and the investors' personal limits (DOMAIN §9) into engine
// terms: percents become fractions, the preset fills leverage and the margin-call and stop-out levels.
import { Dec } from '../engine/decimal.js';
import { INSTRUMENT_CLASSES, type InstrumentClass } from '../engine/instrument.js';
import type { Leverage } from '../engine/margin.js';
import type { Quantum } from '../engine/quantum.js';
import type { AccountLimits, MasterLimits, PoolLimits, RiskTerms } from '../engine/risk.js';
import { Money, Volume } from '../engine/values.js';
import type { Json, Obj, Path, Reader } from './reader.js';

/** A percent in (0, 100] as a fraction. */
function percent(r: Reader, v: Json | undefined, path: Path): Dec | undefined {
  if (v === undefined) return undefined;
  const d = r.decimal(v, path);
  if (!d.isPositive() || d.isZero() || d.gt(100)) r.fail(path, `expected a percent above 0 and at most 100, got ${d.toString()}`);
  return d.div(100);
}

function positive(r: Reader, v: Json | undefined, path: Path): Dec | undefined {
  if (v === undefined) return undefined;
  const d = r.decimal(v, path);
  if (!d.isPositive() || d.isZero()) r.fail(path, `expected a positive number, got ${d.toString()}`);
  return d;
}

/** An account's own leverage (a client's `leverage`), which only a scenario with a risk section can use. */
export function readOwnLeverage(r: Reader, v: Json | undefined, path: Path, hasRisk: boolean): Dec | undefined {
  if (v === undefined) return undefined;
  if (!hasRisk) r.fail(path, 'an account\'s leverage needs the scenario\'s risk section (without it no margin applies)');
  const lev = r.decimal(v, path);
  if (!lev.isPositive() || lev.isZero()) r.fail(path, 'expected a positive leverage (200 for 200:1)');
  return lev;
}

function readLeverage(r: Reader, v: Json | undefined, path: Path, preset: Obj | undefined): Leverage {
  const given = v ?? preset?.leverage;
  if (given === undefined) r.fail(path, 'expected a leverage (100 for 100:1), or a preset that sets one');
  if (typeof given !== 'object' || given === null) return { default: positive(r, given, path)!, byClass: new Map() };
  const o = given as Obj;
  const byClass = new Map<InstrumentClass, Dec>();
  for (const c of INSTRUMENT_CLASSES) if (o[c] !== undefined) byClass.set(c, positive(r, o[c], [...path, c])!);
  return { default: positive(r, o.default, [...path, 'default'])!, byClass };
}

/** The `risk` section, or undefined when the scenario has none (no margin or limits apply). */
export function readRisk(r: Reader, doc: Obj, q: Quantum, preset: Obj | undefined, pool: boolean, limits: ReadonlyMap<string, AccountLimits>, accountLeverage: ReadonlyMap<string, Dec> = new Map()): RiskTerms | undefined {
  const risk = doc.risk as Obj | undefined;
  if (!risk) return undefined;
  const path: Path = ['risk'];
  const level = (k: 'marginCallPct' | 'stopOutPct', presetKey: string, fallback: string): Dec => {
    const v = risk[k] ?? (preset?.[presetKey] as Json | undefined) ?? fallback;
    return positive(r, v, [...path, k])!;
  };
  const marginCall = level('marginCallPct', 'marginCallLevel', '100');
  const stopOut = level('stopOutPct', 'stopOutLevel', '30');
  if (stopOut.gt(marginCall)) r.fail([...path, 'stopOutPct'], `the stop-out level ${stopOut.toString()}% must not be above the margin-call level ${marginCall.toString()}%`);
  const p = risk.pool as Obj | undefined;
  if (pool && !p) r.fail(path, 'a program with a PAMM pool needs risk.pool.weeklyLossPct: the weekly loss limit is mandatory (seed 001)');
  if (!pool && p) r.fail([...path, 'pool'], 'the program has no PAMM pool');
  const poolLimits: PoolLimits | undefined = p && {
    weeklyLoss: percent(r, p.weeklyLossPct, [...path, 'pool', 'weeklyLossPct'])!,
    dailyLoss: percent(r, p.dailyLossPct, [...path, 'pool', 'dailyLossPct']),
    maxLeverage: positive(r, p.maxLeverage, [...path, 'pool', 'maxLeverage']),
  };
  const m = risk.master as Obj | undefined;
  const volume = (v: Json | undefined, at: Path): Volume | undefined => (v === undefined ? undefined : new Volume(r.amount(v, at, q, 'positive')));
  const master: MasterLimits | undefined = m && {
    hardStopEquity: m.hardStopEquity === undefined ? undefined : new Money(r.amount(m.hardStopEquity, [...path, 'master', 'hardStopEquity'], q, 'positive')),
    hardStopDrawdown: percent(r, m.hardStopDrawdownPct, [...path, 'master', 'hardStopDrawdownPct']),
    maxOrderVolume: volume(m.maxOrderVolume, [...path, 'master', 'maxOrderVolume']),
    maxOpenVolume: volume(m.maxOpenVolume, [...path, 'master', 'maxOpenVolume']),
  };
  return { leverage: readLeverage(r, risk.leverage, [...path, 'leverage'], preset), marginCall, stopOut, pool: poolLimits, master, accounts: limits, accountLeverage: accountLeverage.size > 0 ? accountLeverage : undefined };
}

/** An investor's personal limits (`investors[i].risk`): MAM only, since pool members share the pool's. */
export function readAccountLimits(r: Reader, o: Obj, path: Path, q: Quantum, hasRisk: boolean): AccountLimits | undefined {
  const l = o.risk as Obj | undefined;
  if (!l) return undefined;
  if (o.model !== 'mam') r.fail([...path, 'risk'], 'a PAMM investor cannot set personal limits (seed 001): the pool\'s limits apply');
  if (!hasRisk) r.fail([...path, 'risk'], 'personal limits need the scenario\'s risk section (leverage, margin levels)');
  return {
    leverage: positive(r, l.leverage, [...path, 'risk', 'leverage']),
    maxDrawdown: percent(r, l.maxDrawdownPct, [...path, 'risk', 'maxDrawdownPct']),
    minBalance: l.minBalance === undefined ? undefined : new Money(r.amount(l.minBalance, [...path, 'risk', 'minBalance'], q, 'positive')),
    weeklyLoss: percent(r, l.weeklyLossPct, [...path, 'risk', 'weeklyLossPct']),
    maxOpenVolume: l.maxOpenVolume === undefined ? undefined : new Volume(r.amount(l.maxOpenVolume, [...path, 'risk', 'maxOpenVolume'], q, 'positive')),
  };
}
