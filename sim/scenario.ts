// Loads a scenario file (JSON or YAML): parses it keeping line numbers, validates it against
// schemas/scenario.schema.json with defaults filled in, checks what a schema cannot (cross
// references, quanta, times), and returns the normalized scenario the runner executes.
import type { FeeTiers } from '../engine/performance-fee.js';
import { readCurrencies, type ScenarioCurrencies } from './scenario-currencies.js';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Dec } from '../engine/decimal.js';
import { type Instrument, INSTRUMENT_CLASSES, type InstrumentClass, type Side } from '../engine/instrument.js';
import { type AllocationTerms, allocationFamily } from '../engine/allocation.js';
import { DEFAULT_POLICIES, type AllocationMethod, type Policies, type Structure } from '../engine/policies.js';
import { type Quantum, makeQuantum } from '../engine/quantum.js';
import { findConversion } from '../engine/quotes.js';
import type { ServerTime } from '../engine/time.js';
import { Money, Price, Volume } from '../engine/values.js';
import type { PendingType } from '../engine/orders.js';
import { parseWeekPoint, type ServerTimeZone, type TradingWeek } from './calendar.js';
import { type InputFile, checkDataDirs, readInputFile } from './input-files.js';
import { InputError, pointer, shown } from './input-error.js';
import { PACKAGE_ROOT } from './package-root.js';
import { MAX_JSON_SCENARIO_BYTES, MAX_QUOTES, MAX_SCENARIO_BYTES, MAX_SEED, mib } from './limits.js';
import { type Json, type Obj, type Path, Reader } from './reader.js';
import { type ClientSpec, type CostContext, type CostTerms, checkReferrer, readClients, readCosts, readRebates } from './scenario-costs.js';
import type { RebateTerms } from '../engine/rebate.js';
import type { AccountLimits, RiskTerms } from '../engine/risk.js';
import { readAccountLimits, readRisk } from './scenario-risk.js';
import { type Branding, readBranding } from './scenario-branding.js';
import { schemaError, validate } from './scenario-schema.js';
import { type Parsed, parseText } from './scenario-text.js';
import { NO_STRESS, type Stress, type StressSpec, buildStress } from './stress.js';
import { type PriceSourceInput, type Quotes, loadPriceSource, mergeQuotes } from './prices.js';
import { ArrayQuotes } from './quote-series.js';

const PRESET_DIR = resolve(PACKAGE_ROOT, 'scenarios/presets');


export interface InvestorSpec {
  readonly id: string;
  readonly model: 'mam' | 'pamm';
  readonly deposit: Money;
  /** When the join request is placed; undefined for a founding investor. */
  readonly at?: ServerTime;
  readonly manager: boolean;
  readonly terms: AllocationTerms;
  readonly referredBy?: string;
  readonly swapFree: boolean;
}

export interface FlowSpec {
  readonly at: ServerTime;
  readonly investor: string;
  readonly type: 'deposit' | 'withdraw' | 'leave';
  readonly amount?: Money;
}

export interface OrderSpec {
  readonly at: ServerTime;
  readonly action: 'open' | 'close' | 'place' | 'modify' | 'cancel';
  readonly ticket: string;
  readonly symbol?: string;
  readonly side?: Side;
  readonly type?: PendingType;
  readonly price?: Price;
  /** Stop-loss / take-profit: a level, `null` to remove (modify), undefined to leave as is. */
  readonly sl?: Price | null;
  readonly tp?: Price | null;
  readonly volume?: Volume;
  /** Manual volumes by account id (`mam:<investor>` or the pool id). */
  readonly overrides: ReadonlyMap<string, Volume>;
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly quantum: Quantum;
  readonly zone: ServerTimeZone;
  readonly start: ServerTime;
  readonly end: ServerTime;
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly ticks: Quotes;
  readonly structure: Structure;
  readonly allocation: AllocationMethod;
  readonly masterDeposit: Money;
  readonly performanceFee: Dec;
  /** Tiered performance fee in place of the flat rate (none when absent). */
  readonly performanceFeeTiers?: FeeTiers;
  readonly managementFee?: { readonly rate: Dec; readonly basis: 'equity' | 'balance' };
  readonly entryFee?: Dec;
  readonly subscriptionFee?: Money;
  readonly volumeFee?: { readonly perLot: Dec; readonly perMillion: Dec };
  readonly termChanges: ReadonlyArray<{ readonly at: ServerTime; readonly performanceFee?: Dec; readonly managementFee?: Dec }>;
  readonly terms: { readonly minimumInvestment: Money; readonly minimumMamInvestment: Money | 'floating'; readonly managerMinimum: Money };
  readonly pool?: { readonly id: string; readonly initialNav: Dec; readonly terms: AllocationTerms };
  readonly preset?: string;
  readonly maxOrders: number;
  readonly policies: Policies;
  readonly investors: readonly InvestorSpec[];
  readonly flows: readonly FlowSpec[];
  readonly orders: readonly OrderSpec[];
  readonly costs: CostTerms;
  readonly rebates?: RebateTerms;
  readonly clients: readonly ClientSpec[];
  /** Each account's currency (DOMAIN §1): the program's, and every account in another than USD. */
  readonly currencies: ScenarioCurrencies;
  /** Margin, stop-out and limits; undefined when the scenario has no `risk` section. */
  readonly risk?: RiskTerms;
  /** Seeded stress effects applied to the prices and fills (identity when the scenario has none). */
  readonly stress: Stress;
  /** Seeds a `run` covers (Monte Carlo) when the scenario asks for it; the CLI's `--seeds` overrides. */
  readonly monteCarloSeeds?: number;
  /** How printable investor statements look (name, colours, logo as a data: URI, legal line); undefined without a `branding` section. */
  readonly branding?: Branding;
  /** The validated document with every default filled in: what the run echoes. */
  readonly normalized: Obj;
  /** SHA-256 of the bytes of the scenario file (or text) and every price file it reads: what a job's key and check name (a variant, a grid value or a seed does not change it). */
  readonly sourceHash: string;
  /** SHA-256 of the normalized document and every price file it reads. */
  readonly hash: string;
  /** Absolute real paths of every file the load read: the scenario, its price files, the branding logo, the presets. */
  readonly inputs: readonly string[];
  /**
   * Where a path of the document is in the file the user wrote: its JSON pointer and line, for
   * messages about a valid scenario (the static checks' warnings). In a variant, the fields the
   * variant gives itself point into its entry under `variants`.
   */
  readonly locate: Locate;
  /** The policies the file (or the variant with the scenario it merges into) sets itself; the rest are defaults. */
  readonly writtenPolicies: ReadonlySet<string>;
  /** When the market is open (DOMAIN §10; default Monday 00:05 to Friday 23:50 server time). */
  readonly tradingWeek: TradingWeek;
  /** Symbols priced by D1 bars. */
  readonly dailySymbols: ReadonlySet<string>;
}

export type Locate = (path: ReadonlyArray<string | number>) => { readonly path: string; readonly line?: number };

// ------------------------------------------------------------------ semantic reading

function loadJson(path: string): Obj {
  return JSON.parse(readFileSync(path, 'utf8')) as Obj;
}

function instrumentFrom(o: Obj, r: Reader, path: Path, minLotByClass?: Obj): Instrument {
  const cls = o.class as InstrumentClass;
  if (!INSTRUMENT_CLASSES.includes(cls)) r.fail([...path, 'class'], `expected one of ${INSTRUMENT_CLASSES.join(', ')}`);
  const digits = o.digits as number;
  const point = new Dec(10).pow(-digits);
  const pipSize = o.pipSize !== undefined ? r.decimal(o.pipSize, [...path, 'pipSize']) : digits === 3 || digits === 5 ? point.times(10) : point;
  const contractSize = r.decimal(o.contractSize, [...path, 'contractSize']);
  if (!contractSize.isPositive() || contractSize.isZero()) r.fail([...path, 'contractSize'], 'expected a positive contract size');
  const presetMin = minLotByClass ? (minLotByClass[cls] ?? minLotByClass.default) : undefined;
  const lot = (k: 'minLot' | 'lotStep' | 'maxLot', dflt: string): Volume => {
    const v = r.decimal((k === 'minLot' && presetMin !== undefined ? presetMin : o[k]) ?? dflt, [...path, k]);
    if (!v.isPositive() || v.isZero()) r.fail([...path, k], `expected a positive ${k}`);
    return new Volume(v);
  };
  return {
    symbol: o.symbol as string, class: cls, base: o.base as string, quote: o.quote as string,
    contractSize, digits, pipSize,
    minLot: lot('minLot', '0.01'), lotStep: lot('lotStep', '0.01'), maxLot: lot('maxLot', '100'),
    marginMode: (o.marginMode as 'forex' | 'cfd' | undefined) ?? 'forex',
  };
}

const TERM_FOR: Partial<Record<AllocationMethod, keyof AllocationTerms>> = { percent: 'percent', lot: 'lots', multiplier: 'multiplier', 'equity-percent': 'equityPercent' };

function readTerms(r: Reader, o: Obj | undefined, path: Path, q: Quantum): AllocationTerms {
  if (!o) return {};
  const pos = (k: string): Dec | undefined => (o[k] === undefined ? undefined : r.amount(o[k], [...path, k], q, 'positive'));
  const lots = pos('lots');
  return { percent: pos('percent'), lots: lots && new Volume(lots), multiplier: pos('multiplier'), equityPercent: pos('equityPercent'), depositLoad: pos('depositLoad') };
}

function policiesRounding(doc: Obj): string {
  return ((doc.policies as Obj).roundingMode as string) ?? 'fractional';
}

/** The method's per-follower term is set for every MAM investor and the pool; percentages sum to 100. */
function checkTerms(r: Reader, method: AllocationMethod, investors: readonly InvestorSpec[], pool: Scenario['pool'], rounding: string, instruments: ReadonlyMap<string, Instrument>): void {
  const key = TERM_FOR[method];
  if (!key) return;
  const holders: Array<{ terms: AllocationTerms; path: Path }> = investors.flatMap((inv, i) => (inv.model === 'mam' ? [{ terms: inv.terms, path: ['investors', i, 'allocation', key] as Path }] : []));
  if (pool) holders.push({ terms: pool.terms, path: ['program', 'pamm', 'allocation', key] });
  for (const h of holders) if (h.terms[key] === undefined) r.fail(h.path, `the ${method} method needs ${key} for every follower`);
  if (method === 'percent') {
    const sum = holders.reduce((x, h) => x.plus(h.terms.percent!), new Dec(0));
    // With no follower at all there is no term to point at: the method itself is what cannot be met.
    if (!sum.eq(100)) r.fail(holders.length ? holders[0]!.path.slice(0, -1) : ['program', 'allocation'], `percentages of all followers must sum to 100, they sum to ${sum.toString()}${holders.length ? '' : ' (the program has no MAM investor and no pool)'}`);
  }
  if (method === 'lot' && rounding === 'lot-step') {
    for (const h of holders) for (const inst of instruments.values()) {
      if (!h.terms.lots!.value.mod(inst.lotStep.value).isZero()) r.fail(h.path, `in lot-step mode lots are a multiple of the lot step (${inst.lotStep.toString()} for ${inst.symbol})`);
    }
  }
}

function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`).join(',')}}`;
  return JSON.stringify(v);
}

export interface LoadOptions {
  /** Replaces the scenario's seed (from `mamlab run --seed`). */
  readonly seed?: number;
  /** Folders besides the scenario's own folder tree that price files may be read from (`--data-dir`). */
  readonly dataDirs?: readonly string[];
}

/**
 * The scenario file, read the safe way (sim/input-files.ts), up to the JSON limit: whether it
 * is JSON is known only once it is read, and parseText holds a text that is not to the YAML limit.
 */
function readScenarioFile(file: string): InputFile {
  const limitText = `${mib(MAX_JSON_SCENARIO_BYTES)} for a JSON scenario, ${mib(MAX_SCENARIO_BYTES)} for YAML`;
  return readInputFile({ path: file, shownAs: file, what: 'scenario file', maxBytes: MAX_JSON_SCENARIO_BYTES, limitText, blame: { file, path: '' } });
}

/** Reads, validates and normalizes a scenario; throws InputError on anything wrong. */
export function loadScenario(file: string, opts: LoadOptions = {}): Scenario {
  checkDataDirs(opts.dataDirs ?? []);
  const f = readScenarioFile(file);
  return readScenario(parseText(f.text, file, f.bytes.length), file, opts, [f.realPath], f.bytes);
}

/** A scenario from its text; `file` names it in messages and its folder is where price files are found. */
export function parseScenario(text: string, file: string, opts: LoadOptions = {}): Scenario {
  checkDataDirs(opts.dataDirs ?? []);
  return readScenario(parseText(text, file), file, opts, [], Buffer.from(text));
}

/** The real path of a file mamlab itself ships (a preset), for Scenario.inputs. */
function realOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function readScenario(parsed: Parsed, file: string, opts: LoadOptions, read: string[], sourceBytes: Uint8Array): Scenario {
  const inputs = new Set(read);
  const sources = createHash('sha256').update(sourceBytes);
  const preset = (name: string): Obj => {
    const path = resolve(PRESET_DIR, `${name}.json`);
    inputs.add(realOf(path));
    return loadJson(path);
  };
  const data = parsed.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new InputError(file, '', 'expected a JSON/YAML object at the top level');
  // The policies the file sets itself (validation fills in the rest): the static checks warn about those that have no effect.
  const writtenPolicies = policyNames((data as Obj).policies);
  const v = validate();
  if (!v(data)) throw schemaError(v.errors ?? [], file, parsed.lineOf);
  const doc = data as Obj;
  const r: Reader = new Reader(file, parsed.lineOf);
  if (opts.seed !== undefined) {
    // The same range the schema sets for `seed`: seeded streams take 32-bit seeds.
    if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > MAX_SEED) throw new InputError('--seed', '', `expected a whole number from 0 to ${MAX_SEED}`);
    doc.seed = opts.seed;
  }

  const precision = r.decimal(doc.precision, ['precision']);
  let quantum: Quantum;
  try {
    if (!precision.isPositive() || precision.gt(1)) throw new RangeError('');
    quantum = makeQuantum(precision);
  } catch {
    r.fail(['precision'], `expected a power of ten at most 1, such as "0.0000001", got ${precision.toString()}`);
  }
  const zone = doc.serverTime as ServerTimeZone;
  const tradingWeek = readTradingWeek(r, doc.tradingWeek as Obj);
  const start = r.time(doc.start, ['start'], zone);
  const end = r.time(doc.end, ['end'], zone);
  if (end <= start) r.fail(['end'], 'expected the end to be after the start');
  const within = (t: ServerTime, path: Path): ServerTime => {
    if (t < start || t > end) r.fail(path, 'expected a time between the scenario start and end');
    return t;
  };

  // Program and preset
  const program = doc.program as Obj;
  const presetName = program.preset as string | undefined;
  const presetTerms = presetName ? preset(presetName) : undefined;

  // Instruments
  const library = new Map<string, Obj>();
  for (const i of (preset('instruments').instruments as Obj[])) library.set(i.symbol as string, i);
  const instruments = new Map<string, Instrument>();
  (doc.instruments as Json[]).forEach((item, i) => {
    const def = typeof item === 'string' ? library.get(item) : (item as Obj);
    if (!def) r.fail(['instruments', i], `unknown instrument ${shown(item)}; bundled: ${[...library.keys()].join(', ')}, or give a full definition`);
    const inst = instrumentFrom(def, r, typeof item === 'string' ? ['instruments', i] : ['instruments', i], presetTerms?.minLot as Obj | undefined);
    if (instruments.has(inst.symbol)) r.fail(['instruments', i], `instrument ${inst.symbol} is listed twice`);
    instruments.set(inst.symbol, inst);
  });
  [...instruments.values()].forEach((inst, i) => {
    if (!findConversion(inst.quote, 'USD', instruments)) {
      r.fail(['instruments', i], `profits of ${inst.symbol} are in ${inst.quote}: list an instrument that converts it to USD (${inst.quote}USD or USD${inst.quote})`);
    }
  });

  // Prices
  const prices = doc.prices as Obj;
  for (const sym of Object.keys(prices)) if (!instruments.has(sym)) r.fail(['prices', sym], `prices given for ${sym}, which is not in instruments`);
  const baseDir = dirname(resolve(file));
  const seed = doc.seed as number;
  const hash = createHash('sha256');
  const streams: Quotes[] = [];
  // Symbols priced by daily bars: an order stamped at a bar's 00:00 acts at that day's open (runner.ts orderActsAt).
  const dailySymbols = new Set<string>();
  let quotes = 0;
  const onFile = (f: InputFile): void => {
    hash.update(f.bytes);
    sources.update(f.bytes);
    inputs.add(f.realPath);
  };
  for (const inst of instruments.values()) {
    const src = prices[inst.symbol] as PriceSourceInput | undefined;
    if (!src) r.fail(['prices'], `no price source for ${inst.symbol}`);
    const ticks = loadPriceSource(src, inst, { file, baseDir, zone, seed, lineOf: parsed.lineOf, dataDirs: opts.dataDirs, budget: MAX_QUOTES - quotes, onFile, week: tradingWeek });
    if ((src as { timeframe?: string }).timeframe === 'D1') dailySymbols.add(inst.symbol);
    quotes += ticks.length;
    streams.push(ticks);
  }
  // Stress effects (seeded per effect) shift, widen or slip the prices; a flash crash adds its bottom tick.
  // Extra ticks come after every base quote at the same time (the merge is stable in list order).
  const bySymbol = new Map([...instruments.keys()].map((sym, i) => [sym, streams[i]!] as const));
  const stress = doc.stress ? buildStress(doc.stress as unknown as StressSpec[], instruments, bySymbol, { file, zone, seed, lineOf: parsed.lineOf }) : NO_STRESS;
  const ticks = mergeQuotes(stress.extraTicks.length ? [...streams, new ArrayQuotes(stress.extraTicks)] : streams);

  // Program terms
  const structure = program.structure as Structure;
  if (program.allocation === undefined) program.allocation = structure === 'signal' ? 'proportional' : 'equity';
  const allocation = program.allocation as AllocationMethod;
  const family = allocationFamily(allocation);
  if (structure === 'signal' && family !== 'copy') r.fail(['program', 'allocation'], `a signal master is copied by its followers: use proportional, equity-percent or multiplier (${allocation} divides a block master)`);
  if (structure === 'block' && family !== 'split') r.fail(['program', 'allocation'], `a block master is divided among its parts: use equity, balance, percent or lot (${allocation} copies a signal master)`);
  const masterDeposit = r.amount(program.masterDeposit, ['program', 'masterDeposit'], quantum, 'nonNegative');
  if (structure === 'signal' && masterDeposit.isZero()) r.fail(['program', 'masterDeposit'], 'a signal program needs the manager\'s own funds in the master account (a positive masterDeposit)');
  if (structure === 'block' && !masterDeposit.isZero()) r.fail(['program', 'masterDeposit'], 'a block master holds only client funds: masterDeposit must be 0');
  const performanceFee = r.decimal(program.performanceFee, ['program', 'performanceFee']);
  if (performanceFee.isNegative() || performanceFee.gte(1)) r.fail(['program', 'performanceFee'], 'expected a fraction from 0 up to (not including) 1, such as 0.2 for 20%');
  const fraction = (v: Json | undefined, path: Path): Dec => {
    const d = r.decimal(v, path);
    if (d.isNegative() || d.gte(1)) r.fail(path, 'expected a fraction from 0 up to (not including) 1, such as 0.02 for 2%');
    return d;
  };
  const mf = program.managementFee as Obj | undefined;
  const managementFee = mf ? { rate: fraction(mf.rate, ['program', 'managementFee', 'rate']), basis: (mf.basis as 'equity' | 'balance' | undefined) ?? 'equity' } : undefined;
  const entryFee = fraction(program.entryFee, ['program', 'entryFee']);
  const subscription = r.amount(program.subscriptionFee, ['program', 'subscriptionFee'], quantum, 'nonNegative');
  const vf = program.volumeFee as Obj | undefined;
  const volumeFee = vf ? { perLot: r.amount(vf.perLot, ['program', 'volumeFee', 'perLot'], quantum, 'nonNegative'), perMillion: r.amount(vf.perMillion, ['program', 'volumeFee', 'perMillion'], quantum, 'nonNegative') } : undefined;
  const performanceFeeTiers = readFeeTiers(r, program.performanceFeeTiers as Obj | undefined, quantum);
  if (performanceFeeTiers && !performanceFee.isZero()) r.fail(['program', 'performanceFee'], 'the program has performanceFeeTiers: give either tiers or a flat performanceFee, not both');
  const termChanges = (program.termChanges as Obj[]).map((c, i) => {
    const path: Path = ['program', 'termChanges', i];
    if (c.performanceFee === undefined && c.managementFee === undefined) r.fail(path, 'a term change names a new performanceFee, managementFee or both');
    if (c.performanceFee !== undefined && performanceFeeTiers) r.fail([...path, 'performanceFee'], 'the program\'s performance fee is tiered (performanceFeeTiers): a term change of a flat rate does not apply');
    if (c.managementFee !== undefined && !mf) r.fail([...path, 'managementFee'], 'the program has no management fee to change: add program.managementFee');
    return {
      at: within(r.time(c.at, [...path, 'at'], zone), [...path, 'at']),
      performanceFee: c.performanceFee === undefined ? undefined : fraction(c.performanceFee, [...path, 'performanceFee']),
      managementFee: c.managementFee === undefined ? undefined : fraction(c.managementFee, [...path, 'managementFee']),
    };
  });
  const t = program.terms as Obj;
  const terms = {
    minimumInvestment: new Money(r.amount(t.minimumInvestment, ['program', 'terms', 'minimumInvestment'], quantum, 'nonNegative')),
    minimumMamInvestment: t.minimumMamInvestment === 'floating' ? 'floating' as const : new Money(r.amount(t.minimumMamInvestment, ['program', 'terms', 'minimumMamInvestment'], quantum, 'nonNegative')),
    managerMinimum: new Money(r.amount(t.managerMinimum, ['program', 'terms', 'managerMinimum'], quantum, 'nonNegative')),
  };
  if (structure === 'signal' && masterDeposit.lt(terms.managerMinimum.value)) r.fail(['program', 'masterDeposit'], `the manager needs at least ${terms.managerMinimum.toString()} of own funds to open a program (program.terms.managerMinimum)`);
  const poolObj = program.pamm as Obj | undefined;
  const pool = poolObj ? { id: poolObj.id as string, initialNav: r.decimal(poolObj.initialNav, ['program', 'pamm', 'initialNav']), terms: readTerms(r, poolObj.allocation as Obj | undefined, ['program', 'pamm', 'allocation'], quantum) } : undefined;
  if (pool && !(pool.initialNav.isPositive() && !pool.initialNav.isZero())) r.fail(['program', 'pamm', 'initialNav'], 'expected a positive NAV');

  const pol = doc.policies as Obj;
  const feePolicies = { ...DEFAULT_POLICIES.performanceFee, ...(pol.performanceFee as object) } as Policies['performanceFee'];
  const hurdleRate = r.decimal(feePolicies.hurdleRate, ['policies', 'performanceFee', 'hurdleRate']);
  if (feePolicies.hurdle !== 'none' && !writtenPolicies.has('performanceFee.hurdleRate')) r.fail(['policies', 'performanceFee', 'hurdle'], `a ${feePolicies.hurdle} hurdle needs its rate: give policies.performanceFee.hurdleRate, an annual rate such as 0.05`);
  if (hurdleRate.isNegative() && !hurdleRate.isZero()) r.fail(['policies', 'performanceFee', 'hurdleRate'], 'expected a non-negative annual rate such as 0.05');
  const hedgedPct = r.decimal(pol.hedgedMarginPct ?? DEFAULT_POLICIES.hedgedMarginPct, ['policies', 'hedgedMarginPct']);
  if (hedgedPct.isNegative() || hedgedPct.gt(100)) r.fail(['policies', 'hedgedMarginPct'], 'expected a percent from 0 to 100 (50 for MT4\'s usual hedged margin)');
  const targetReturn = r.decimal((pol.metrics as Obj | undefined)?.targetReturn ?? '0', ['policies', 'metrics', 'targetReturn']);
  if (!targetReturn.gt(-1)) r.fail(['policies', 'metrics', 'targetReturn'], `expected an annual rate above −1 (−100%), such as 0.05, got ${targetReturn.toString()}`);
  const policies: Policies = {
    ...DEFAULT_POLICIES, ...(pol as object),
    hedgedMarginPct: hedgedPct.toString(),
    performanceFee: { ...feePolicies, hurdleRate: hurdleRate.toString() },
    managementFee: { ...DEFAULT_POLICIES.managementFee, ...(pol.managementFee as object) },
    metrics: { ...DEFAULT_POLICIES.metrics, ...(pol.metrics as object), targetReturn: targetReturn.toString() },
  } as Policies;

  // Investors, flows, orders
  const partnerIds = new Set(((doc.rebates as Obj | undefined)?.partners as Obj[] | undefined ?? []).map((x) => x.id as string));
  const ids = new Set<string>();
  const accountLimits = new Map<string, AccountLimits>();
  const investors: InvestorSpec[] = (doc.investors as Obj[]).map((o, i) => {
    const path: Path = ['investors', i];
    const id = o.id as string;
    if (ids.has(id)) r.fail([...path, 'id'], `investor id ${id} is used twice`);
    if (pool && id === pool.id) r.fail([...path, 'id'], `investor id ${id} is the pool's id`);
    ids.add(id);
    const model = o.model as 'mam' | 'pamm';
    if (model === 'pamm' && !pool) r.fail([...path, 'model'], 'a PAMM investor needs a pool: add "pamm": {} to program');
    const limits = readAccountLimits(r, o, path, quantum, doc.risk !== undefined);
    if (limits) accountLimits.set(`mam:${id}`, limits);
    return {
      id, model,
      deposit: new Money(r.amount(o.deposit, [...path, 'deposit'], quantum, 'positive')),
      at: o.at === undefined ? undefined : within(r.time(o.at, [...path, 'at'], zone), [...path, 'at']),
      manager: o.manager as boolean,
      terms: readTerms(r, o.allocation as Obj | undefined, [...path, 'allocation'], quantum),
      referredBy: checkReferrer(r, o.referredBy, [...path, 'referredBy'], partnerIds),
      swapFree: o.swapFree as boolean,
    };
  });
  checkTerms(r, allocation, investors, pool, policiesRounding(doc), instruments);
  const flows: FlowSpec[] = (doc.flows as Obj[]).map((o, i) => {
    const path: Path = ['flows', i];
    if (!ids.has(o.investor as string)) r.fail([...path, 'investor'], `unknown investor ${shown(o.investor)}; declared: ${[...ids].join(', ') || 'none'}`);
    const type = o.type as FlowSpec['type'];
    if (type === 'leave' && o.amount !== undefined) r.fail([...path, 'amount'], 'a leave takes everything: no amount');
    if (type !== 'leave' && o.amount === undefined) r.fail([...path, 'amount'], `a ${type} needs an amount`);
    return {
      at: within(r.time(o.at, [...path, 'at'], zone), [...path, 'at']),
      investor: o.investor as string, type,
      amount: type === 'leave' ? undefined : new Money(r.amount(o.amount, [...path, 'amount'], quantum, 'positive')),
    };
  });
  // Order tickets in script order: which symbol each belongs to, for checking later actions.
  const ticketSymbol = new Map<string, string>();
  const orders: OrderSpec[] = (doc.orders as Obj[]).map((o, i) => {
    const path: Path = ['orders', i];
    const at = within(r.time(o.at, [...path, 'at'], zone), [...path, 'at']);
    const action = o.action as OrderSpec['action'];
    const ticket = o.ticket as string;
    const allowed: Record<OrderSpec['action'], string[]> = {
      open: ['symbol', 'side', 'volume', 'sl', 'tp', 'overrides'], place: ['symbol', 'type', 'price', 'volume', 'sl', 'tp', 'overrides'],
      close: ['volume'], modify: ['price', 'sl', 'tp'], cancel: [],
    };
    for (const k of ['symbol', 'side', 'type', 'price', 'volume', 'sl', 'tp', 'overrides']) {
      if (o[k] !== undefined && !allowed[action].includes(k)) r.fail([...path, k], `${action} does not take ${k} (it takes: ${['ticket', ...allowed[action]].join(', ')})`);
    }
    const needs = action === 'open' ? ['symbol', 'side', ...(allocation === 'lot' ? [] : ['volume'])] : action === 'place' ? ['symbol', 'type', 'price', ...(allocation === 'lot' ? [] : ['volume'])] : [];
    for (const k of needs) if (o[k] === undefined) r.fail([...path, k], `is required to ${action} an order`);
    if (o.symbol !== undefined && !instruments.has(o.symbol as string)) r.fail([...path, 'symbol'], `unknown instrument ${shown(o.symbol)}; the scenario has: ${[...instruments.keys()].join(', ')}`);
    if (action === 'open' || action === 'place') ticketSymbol.set(ticket, o.symbol as string);
    const symbol = (o.symbol as string | undefined) ?? ticketSymbol.get(ticket);
    const inst = symbol ? instruments.get(symbol) : undefined;
    const level = (k: 'price' | 'sl' | 'tp'): Price | null | undefined => {
      if (o[k] === undefined) return undefined;
      if (o[k] === null) {
        if (k === 'price' || action !== 'modify') r.fail([...path, k], 'only modify removes a level with null');
        return null;
      }
      const d = r.decimal(o[k], [...path, k]);
      if (!(d.isPositive() && !d.isZero())) r.fail([...path, k], `expected a positive price, got ${d.toString()}`);
      if (inst && d.decimalPlaces() > inst.digits) r.fail([...path, k], `${d.toString()} has more than the ${inst.digits} digits of ${inst.symbol}`);
      return new Price(d);
    };
    const overrides = new Map<string, Volume>();
    for (const [who, v] of Object.entries((o.overrides as Obj | undefined) ?? {})) {
      const where: Path = [...path, 'overrides', who];
      const investor = investors.find((x) => x.id === who);
      if (!(investor?.model === 'mam') && who !== pool?.id) r.fail(where, `an override names a MAM investor or the pool${pool ? ` (${pool.id})` : ''}; ${who} is neither`);
      const volume = r.amount(v, where, quantum, 'positive');
      const step = inst!.lotStep.value;
      if (policiesRounding(doc) === 'lot-step' && !volume.mod(step).isZero()) r.fail(where, `in lot-step mode an override is a multiple of the lot step ${step.toString()}`);
      overrides.set(investor ? `mam:${who}` : who, new Volume(volume));
    }
    return {
      at, action, ticket, symbol: o.symbol as string | undefined, side: o.side as Side | undefined, type: o.type as PendingType | undefined,
      price: level('price') ?? undefined, sl: level('sl'), tp: level('tp'),
      volume: o.volume === undefined ? undefined : new Volume(r.amount(o.volume, [...path, 'volume'], quantum, 'positive')),
      overrides,
    };
  });

  // Costs, rebates and self-trading clients
  const costContext: CostContext = { r, q: quantum, zone, within, preset };
  const costs = readCosts(costContext, doc, instruments, presetName);
  const clients = readClients(costContext, doc, instruments, partnerIds, new Set(orders.map((o) => o.ticket)));
  const clientsOf = (partner: string): Set<string> => new Set(clients.filter((c) => c.referredBy === partner).map((c) => c.id));
  const rebates = readRebates(costContext, doc, clientsOf);
  // Accounts with their own leverage: MAM sub-accounts (investors[i].risk.leverage) and clients (clients[i].leverage).
  const accountLeverage = new Map<string, Dec>();
  for (const [account, l] of accountLimits) if (l.leverage) accountLeverage.set(account, l.leverage);
  for (const c of clients) if (c.leverage) accountLeverage.set(`client:${c.id}`, c.leverage);
  const risk = readRisk(r, doc, quantum, presetTerms, pool !== undefined, accountLimits, accountLeverage);
  const currencies = readCurrencies(r, doc, instruments, pool?.id, structure);
  const monteCarloSeeds = (doc.monteCarlo as Obj | undefined)?.seeds as number | undefined;
  // The logo is an input like a price file: a new logo is a new scenario hash, so a cached page is never stale.
  const brand = readBranding(r, doc.branding as Obj | undefined, { baseDir, dataDirs: opts.dataDirs ?? [] });
  if (brand?.logoFile) {
    hash.update(brand.logoFile.bytes);
    sources.update(brand.logoFile.bytes);
    inputs.add(brand.logoFile.realPath);
  }

  hash.update(canonical(doc));
  return {
    file, name: doc.name as string, description: doc.description as string, seed, quantum, zone, start, end,
    instruments, ticks, structure, allocation, masterDeposit: new Money(masterDeposit), performanceFee, performanceFeeTiers, managementFee, entryFee: entryFee.isZero() ? undefined : entryFee,
    subscriptionFee: subscription.isZero() ? undefined : new Money(subscription), volumeFee, termChanges, terms, pool,
    preset: presetName, maxOrders: program.maxOrders as number, policies, investors, flows, orders, costs, rebates, clients, risk, stress, monteCarloSeeds, ...(brand ? { branding: brand.branding } : {}), normalized: doc, hash: hash.digest('hex'), sourceHash: sources.digest('hex'), inputs: [...inputs],
    locate: (path) => ({ path: pointer(path), line: parsed.lineOf(path) }),
    writtenPolicies, tradingWeek, dailySymbols, currencies,
  };
}

/** `program.performanceFeeTiers`: tiers from 0, ascending, each rate a fraction below 1. */
function readFeeTiers(r: Reader, o: Obj | undefined, quantum: Quantum): FeeTiers | undefined {
  if (!o) return undefined;
  const list = o.tiers as Obj[];
  const tiers = list.map((t, i) => {
    const path: Path = ['program', 'performanceFeeTiers', 'tiers', i];
    const rate = r.decimal(t.rate, [...path, 'rate']);
    if (rate.isNegative() || rate.gte(1)) r.fail([...path, 'rate'], 'expected a fraction from 0 up to (not including) 1, such as 0.2 for 20%');
    return { from: r.amount(t.from, [...path, 'from'], quantum, 'nonNegative'), rate };
  });
  if (!tiers[0]!.from.isZero()) r.fail(['program', 'performanceFeeTiers', 'tiers', 0, 'from'], 'the first tier starts at 0');
  tiers.forEach((t, i) => { if (i > 0 && !t.from.gt(tiers[i - 1]!.from)) r.fail(['program', 'performanceFeeTiers', 'tiers', i, 'from'], `tiers ascend: expected more than ${tiers[i - 1]!.from.toString()}`); });
  return { basis: o.basis as FeeTiers['basis'], tiers };
}

/** `tradingWeek: { open: "Mon 00:05", close: "Fri 23:50" }` (the schema fills both defaults and checks their shape). */
function readTradingWeek(r: Reader, o: Obj): TradingWeek {
  const open = parseWeekPoint(o.open as string)!;
  const close = parseWeekPoint(o.close as string)!;
  if (close <= open) r.fail(['tradingWeek', 'close'], `expected the close after the open within one week starting Monday 00:00 server time, got ${String(o.open)} – ${String(o.close)}`);
  return { openMinute: open, closeMinute: close };
}

/** The names of the policies an object sets, nested ones dotted (`performanceFee.period`). */
function policyNames(o: unknown): ReadonlySet<string> {
  const out = new Set<string>();
  if (!o || typeof o !== 'object' || Array.isArray(o)) return out;
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const inner of Object.keys(v)) out.add(`${k}.${inner}`);
    else out.add(k);
  }
  return out;
}

export interface Variant {
  readonly name: string;
  readonly description: string;
  readonly scenario: Scenario;
}

/** A variant's paths: what the variant itself sets is in its entry under `variants`, the rest in the scenario's own fields. */
function variantLocate(v: Obj, index: number, lineOf: Parsed['lineOf']): Locate {
  return (path) => {
    let node: Json | undefined = v;
    for (const k of path) node = node !== null && typeof node === 'object' ? (node as Record<string | number, Json>)[k] : undefined;
    const at = node === undefined ? path : ['variants', index, ...path];
    return { path: pointer(at), line: lineOf(at) };
  };
}

/** Plain objects merge key by key; anything else (arrays, values) is replaced. */
function deepMerge(base: Json, over: Json): Json {
  if (!over || typeof over !== 'object' || Array.isArray(over) || !base || typeof base !== 'object' || Array.isArray(base)) return over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k]!, v) : v;
  return out;
}

/** A scenario and its variants, as `mamlab compare` runs them. */
export interface ScenarioVariants {
  readonly base: Scenario;
  readonly variants: readonly Variant[];
}

/**
 * The scenario and its variants: each variant's `program`, `policies` and `risk` are merged into the
 * scenario, its `stress` replaces the scenario's, the fields of its `costs` and `rebates` and its `clients` replace the scenario's,
 * and the result is validated like any scenario (errors name the variant).
 */
export function loadVariants(file: string, opts: LoadOptions = {}): ScenarioVariants {
  checkDataDirs(opts.dataDirs ?? []);
  const f = readScenarioFile(file);
  const parsed = parseText(f.text, file, f.bytes.length);
  // Variants merge into the scenario as written, but validation fills defaults into the data in
  // place: a scenario with variants keeps a copy made first (the file is read and parsed once).
  const data = parsed.data;
  const raw = (data !== null && typeof data === 'object' && !Array.isArray(data) && data.variants !== undefined ? structuredClone(data) : data) as Obj;
  const base = readScenario(parsed, file, opts, [f.realPath], f.bytes);
  const list = (raw.variants as Obj[] | undefined) ?? [];
  const names = new Map<string, string>();
  const variants = list.map((v, i) => {
    const name = v.name as string;
    // A variant's name is its output folder: names that differ only in case are one folder on macOS and Windows.
    const key = name.toLowerCase();
    const twin = names.get(key);
    if (twin !== undefined) throw new InputError(file, pointer(['variants', i, 'name']), twin === name ? `variant name ${name} is used twice` : `variant names ${twin} and ${name} differ only in case: they would be one output folder on many systems`);
    names.set(key, name);
    return readVariant(raw, i, file, opts, f, parsed.lineOf);
  });
  return { base, variants };
}

/**
 * A variant of the scenario: its `program`, `policies` and `risk` merged into the scenario, its
 * `stress` replacing the scenario's, the fields of its `costs` and `rebates` and its `clients`
 * replacing the scenario's.
 */
function mergeVariant(raw: Obj, v: Obj): Obj {
  const { variants: _ignored, ...rest } = raw;
  let merged = rest as Obj;
  for (const key of ['program', 'policies', 'risk'] as const) if (v[key] !== undefined) merged = deepMerge(merged, { [key]: v[key]! }) as Obj;
  if (v.stress !== undefined) merged = { ...merged, stress: v.stress };
  for (const key of ['costs', 'rebates'] as const) if (v[key] !== undefined) merged = { ...merged, [key]: { ...((merged[key] as Obj | undefined) ?? {}), ...(v[key] as Obj) } };
  if (v.clients !== undefined) merged = { ...merged, clients: v.clients };
  merged.name = `${raw.name as string} · ${v.name as string}`;
  if (v.description !== undefined) merged.description = v.description;
  return merged;
}

/** Variant `i` of the scenario data `raw`, validated like any scenario (errors name the variant). */
function readVariant(raw: Obj, i: number, file: string, opts: LoadOptions, f: InputFile, lineOf: Parsed['lineOf'], overrides: readonly Override[] = []): Variant {
  const v = (raw.variants as Obj[])[i]!;
  const name = v.name as string;
  try {
    const scenario = readScenario(parseText(JSON.stringify(applyOverrides(mergeVariant(raw, v), overrides, file)), file), file, opts, [f.realPath], f.bytes);
    return { name, description: (v.description as string | undefined) ?? '', scenario: { ...scenario, locate: variantLocate(v, i, lineOf) } };
  } catch (e) {
    if (e instanceof InputError) throw new InputError(file, `/variants/${i} (${name}) → ${e.path}`, e.expected, undefined, e.more);
    throw e;
  }
}

/** A sweep grid's setting: a dotted path into the scenario (`policies.performanceFee.period`, `investors.0.deposit`) and the value put there. */
export type Override = readonly [path: string, value: Json];

/** The path's segments: names, and whole numbers for list positions. */
export function overrideSegments(path: string): Array<string | number> {
  return path.split('.').map((k) => (/^(0|[1-9][0-9]*)$/.test(k) ? Number(k) : k));
}

/** `doc` with each override's value set at its path (objects on the way are created; the grid's values win over the variant's). */
function applyOverrides(doc: Obj, overrides: readonly Override[], file: string): Obj {
  if (overrides.length === 0) return doc;
  const out = structuredClone(doc);
  for (const [path, value] of overrides) {
    const segs = overrideSegments(path);
    let node: Json = out;
    segs.forEach((k, j) => {
      const container = node as Record<string | number, Json>;
      const isList = Array.isArray(container);
      if (node === null || typeof node !== 'object' || (typeof k === 'number') !== isList || (isList && (k as number) >= (container as unknown as Json[]).length)) {
        const at = segs.slice(0, j).join('.') || '(the scenario)';
        throw new InputError(file, pointer(segs), isList ? `a position within the list at ${at} (it has ${(container as unknown as Json[]).length} entries)` : `a path into the scenario's objects: ${at} is ${node === null || typeof node !== 'object' ? 'a value, not an object' : 'an object, not a list'}`);
      }
      if (j === segs.length - 1) container[k] = structuredClone(value);
      else {
        if (container[k] === undefined) container[k] = {};
        node = container[k]!;
      }
    });
  }
  return out;
}

/** Which scenario a job runs: the file, its variant (none: the scenario as written), the grid's settings and the seed. */
export interface ScenarioRef {
  readonly file: string;
  readonly dataDirs?: readonly string[];
  readonly variant?: string | null;
  readonly overrides?: readonly Override[];
  readonly seed: number;
}

/** Loads the scenario one job runs (a sweep cell or a compare variant, at one seed). */
export function loadJobScenario(ref: ScenarioRef): Scenario {
  const opts: LoadOptions = { seed: ref.seed, ...(ref.dataDirs?.length ? { dataDirs: ref.dataDirs } : {}) };
  const overrides = ref.overrides ?? [];
  if (!ref.variant && overrides.length === 0) return loadScenario(ref.file, opts);
  checkDataDirs(opts.dataDirs ?? []);
  const f = readScenarioFile(ref.file);
  const parsed = parseText(f.text, ref.file, f.bytes.length);
  const raw = structuredClone(parsed.data) as Obj;
  if (ref.variant) {
    const i = ((raw.variants as Obj[] | undefined) ?? []).findIndex((v) => v.name === ref.variant);
    if (i < 0) throw new InputError(ref.file, '/variants', `a variant named ${ref.variant}`);
    return readVariant(raw, i, ref.file, opts, f, parsed.lineOf, overrides).scenario;
  }
  const { variants: _ignored, ...rest } = raw;
  return readScenario(parseText(JSON.stringify(applyOverrides(rest as Obj, overrides, ref.file)), ref.file), ref.file, opts, [f.realPath], f.bytes);
}
