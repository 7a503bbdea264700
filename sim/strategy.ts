// The master's orders from a strategy instead of a script: a function called at each bar's close
// (or each quote) of one symbol with a context (prices so far, the master's open trades and
// equity, a seeded random stream) that returns orders, which act at once at that quote through
// the same engine calls as scripted orders (and are rejected by the same rules). A strategy is a
// built-in (sim/strategies/) or a user's module; either way a factory called once per run, so its
// state lives in its closure and never leaks from one run (or Monte Carlo seed) to the next.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Dec } from '../engine/decimal.js';
import type { Instrument, Side } from '../engine/instrument.js';
import type { Program } from '../engine/program.js';
import { type ServerTime, formatServerTime } from '../engine/time.js';
import { Price, Volume } from '../engine/values.js';
import { InputError, shown } from './input-error.js';
import { type InputFile, containedPath, readInputFile } from './input-files.js';
import type { Json, Obj, Reader } from './reader.js';
import { stream } from './rng.js';
import { idPattern } from './scenario-schema.js';
import { BUILTIN_STRATEGIES, type ParamSpec } from './strategies/builtins.js';

/** A master trade as a strategy sees it; prices and volumes as numbers (exact decimal strings beside them). */
export interface StrategyPosition {
  readonly ticket: string;
  readonly symbol: string;
  readonly side: Side;
  readonly volume: number;
  readonly openPrice: number;
  readonly openTime: string;
  readonly sl?: number;
  readonly tp?: number;
}

/** What a strategy is told at each call. Read-only; the same call on the same run gives the same context. */
export interface StrategyContext {
  /** Server time of the quote, `YYYY-MM-DDTHH:MM:SS`. */
  readonly time: string;
  /** The call's number in the run, from 0. */
  readonly index: number;
  readonly symbol: string;
  readonly bid: number;
  readonly ask: number;
  /** The bar that just closed (bar prices; `every: bar`). */
  readonly bar?: { readonly open: number; readonly high: number; readonly low: number; readonly close: number };
  /** Bid closes (or bids, for tick prices) of the last `lookback` calls, oldest first; the current one last. */
  readonly closes: readonly number[];
  /** The master's open trades (every symbol), in opening order. */
  readonly positions: readonly StrategyPosition[];
  /** The master's equity now: its own account (signal structure) or the block's followers (block structure). Computed when read. */
  readonly equity: number;
  /** The traded instrument's lot and price rules. */
  readonly instrument: { readonly digits: number; readonly pip: number; readonly minLot: number; readonly lotStep: number; readonly maxLot: number };
  /** Uniform in [0, 1) from the run's seeded stream `strategy` (the global random function and clock are refused during a call). */
  readonly random: () => number;
}

/** An order a strategy returns. Prices as numbers are rounded to the instrument's digits, volumes read to 15 significant digits. */
export type StrategyOrder =
  | { readonly action: 'open'; readonly side: Side; readonly volume?: number | string; readonly sl?: number | string; readonly tp?: number | string; readonly ticket?: string }
  | { readonly action: 'close'; readonly ticket: string; readonly volume?: number | string }
  | { readonly action: 'modify'; readonly ticket: string; readonly sl?: number | string | null; readonly tp?: number | string | null };

export type Strategy = (ctx: StrategyContext) => readonly StrategyOrder[] | void;
/** Called once per run with the scenario's `strategy.params`: returns the run's strategy (its state in the closure). */
export type StrategyFactory = (params: Readonly<Record<string, Json>>) => Strategy;

/** The scenario's `strategy` section, read and loaded. */
export interface StrategySpec {
  /** `builtin:NAME` or the module's path as written. */
  readonly name: string;
  readonly symbol: string;
  readonly every: 'bar' | 'quote';
  readonly lookback: number;
  readonly params: Readonly<Record<string, Json>>;
  readonly create: StrategyFactory;
  /** The module file (hashed into the scenario, listed in its inputs); none for a built-in. */
  readonly file?: InputFile;
  /** The scenario file and the section's line, where a failure at run time is reported. */
  readonly where: { readonly file: string; readonly line?: number };
}

const MAX_MODULE_BYTES = 1 << 20;
/** Factories loaded in this process, by the module's real path and the SHA-256 of its bytes (what the scenario's hash covers). */
const MODULES = new Map<string, StrategyFactory>();
const PATH = ['strategy'];

/** A user's module by the rules price files follow: inside the scenario's folder tree or a --data-dir, a regular file. */
function loadModule(r: Reader, named: string, baseDir: string, dataDirs: readonly string[]): { create: StrategyFactory; file: InputFile } {
  const blame = { file: r.file, path: '/strategy/module', line: r.lineOf([...PATH, 'module']) };
  if (!/\.(m?js|m?ts)$/.test(named)) r.fail([...PATH, 'module'], `expected a .js, .mjs, .ts or .mts module, got ${shown(named)}`);
  const path = containedPath(named, { scenarioDir: baseDir, dataDirs }, blame, 'strategy module');
  const read = (): InputFile => readInputFile({ path, shownAs: named, what: 'strategy module', maxBytes: MAX_MODULE_BYTES, blame });
  const file = read();
  let mod: { default?: unknown; strategy?: unknown };
  const sha = createHash('sha256').update(file.bytes).digest('hex');
  const cached = MODULES.get(`${file.realPath}\u0000${sha}`);
  if (cached) return { create: cached, file };
  try {
    // tsx compiles TypeScript (and loads JavaScript) synchronously, so a scenario loads in one call, in any thread.
    // A module edited since this process last loaded it is loaded anew: its old copy leaves the require cache.
    const req = createRequire(import.meta.url);
    for (const key of Object.keys(req.cache)) if (key.split('?')[0] === file.realPath) delete req.cache[key];
    const { require: tsxRequire } = req('tsx/cjs/api') as { require: (id: string, from: string) => unknown };
    mod = tsxRequire(file.realPath, import.meta.url) as typeof mod;
  } catch (e) {
    throw new InputError(r.file, '/strategy/module', `the strategy module ${shown(named)} does not load: ${shown((e as Error).message ?? e, 300)}`, r.lineOf([...PATH, 'module']));
  }
  // tsx read the file again: the code loaded must be the code hashed, or a job cache would keep another module's results under this hash.
  if (createHash('sha256').update(read().bytes).digest('hex') !== sha) r.fail([...PATH, 'module'], `the strategy module ${shown(named)} changed while it was being loaded: run again once it is saved`);
  const create = mod.default ?? mod.strategy;
  if (typeof create !== 'function') r.fail([...PATH, 'module'], `the strategy module ${shown(named)} must export a factory function (export default function (params) { return (ctx) => orders })`);
  MODULES.set(`${file.realPath}\u0000${sha}`, create as StrategyFactory);
  return { create: create as StrategyFactory, file };
}

/** A built-in's parameters checked against its spec, defaults filled in. */
function builtinParams(r: Reader, spec: Readonly<Record<string, ParamSpec>>, given: Obj): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const k of Object.keys(given)) if (!(k in spec)) r.fail([...PATH, 'params', k], `unknown parameter; this strategy takes ${Object.keys(spec).join(', ')}`);
  for (const [k, p] of Object.entries(spec)) {
    const v = given[k] ?? p.default;
    const path = [...PATH, 'params', k];
    if (p.kind === 'side') {
      if (v !== 'buy' && v !== 'sell') r.fail(path, `expected buy or sell, got ${shown(v)}`);
    } else {
      const n = typeof v === 'string' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) r.fail(path, `expected a number, got ${shown(v)}`);
      if (p.kind === 'integer' && !Number.isInteger(n)) r.fail(path, `expected a whole number, got ${shown(v)}`);
      if (p.min !== undefined && n < p.min) r.fail(path, `expected at least ${p.min}, got ${shown(v)}`);
      if (p.max !== undefined && n > p.max) r.fail(path, `expected at most ${p.max}, got ${shown(v)}`);
      if (p.positive && !(n > 0)) r.fail(path, `expected more than 0, got ${shown(v)}`);
    }
    out[k] = v as Json;
  }
  return out;
}

/** The scenario's `strategy` section (the schema has checked its shape), or undefined without one. */
export function readStrategy(r: Reader, o: Obj | undefined, instruments: ReadonlyMap<string, Instrument>, ctx: { readonly baseDir: string; readonly dataDirs: readonly string[] }): StrategySpec | undefined {
  if (!o) return undefined;
  const symbol = o.symbol as string;
  if (!instruments.has(symbol)) r.fail([...PATH, 'symbol'], `the strategy trades ${shown(symbol)}, which is not in instruments`);
  const common = { symbol, every: (o.every ?? 'bar') as 'bar' | 'quote', lookback: (o.lookback ?? 500) as number, where: { file: r.file, line: r.lineOf(PATH) } };
  const given = (o.params ?? {}) as Obj;
  if (typeof o.builtin === 'string') {
    const b = BUILTIN_STRATEGIES[o.builtin]!;
    const params = builtinParams(r, b.params, given);
    const wrong = b.check?.(params, common.lookback);
    if (wrong) r.fail([...PATH, 'params', wrong[0]], wrong[1]);
    return { ...common, name: `builtin:${o.builtin}`, params, create: b.create };
  }
  const { create, file } = loadModule(r, o.module as string, ctx.baseDir, ctx.dataDirs);
  return { ...common, name: o.module as string, params: given, create, file };
}

/** A bar's prices as the price series holds them (before stress effects). */
type BarPrices = { readonly open: Price; readonly high: Price; readonly low: Price; readonly close: Price };

const num = (d: { toNumber(): number } | { value: { toNumber(): number } }): number => ('value' in d ? d.value.toNumber() : d.toNumber());

/**
 * One run's strategy: its factory called once, the closes it has seen, its seeded stream, its
 * ticket counter. `call` builds the context and applies what the strategy returns.
 */
export class StrategyRun {
  private readonly decide: Strategy;
  /** Past closes, oldest first; trimmed to `lookback` in amortized O(1) (cut when twice as long). */
  private readonly closes: number[] = [];
  private readonly random: () => number;
  private calls = 0;
  private tickets = 0;
  /** Whether the symbol has shown a bar: then only bar closes are calls, not a stress effect's extra ticks. */
  private barPriced = false;
  private readonly inst: StrategyContext['instrument'];
  /** The rule scripted tickets follow (the schema's `id`). */
  private readonly ticketRule = idPattern();

  /**
   * `scripted`: the tickets of the scenario's own orders and self-trading clients' trades. The
   * strategy's own tickets (S1, S2, …) skip them; a client's ticket in a strategy's order is
   * refused, since positions are found by ticket and the master would act on the client's trade.
   */
  constructor(private readonly spec: StrategySpec, seed: number, private readonly instrument: Instrument, private readonly structure: 'signal' | 'block', private readonly start: ServerTime, private readonly scripted: ReadonlySet<string> = new Set(), private readonly clientTickets: ReadonlySet<string> = new Set()) {
    const rng = stream(seed, 'strategy');
    this.random = () => rng.next();
    this.decide = guarded(spec, 'its factory', () => spec.create(spec.params));
    if (typeof this.decide !== 'function') throw failure(spec, `its factory must return a function (ctx) => orders, got ${shown(this.decide)}`);
    this.inst = Object.freeze({ digits: instrument.digits, pip: instrument.pipSize.toNumber(), minLot: num(instrument.minLot), lotStep: num(instrument.lotStep), maxLot: num(instrument.maxLot) });
  }

  /**
   * A quote of the strategy's symbol (after stress): it joins `closes` when it is a close (each
   * bar's last point, or each quote of tick prices; with `every: quote` each quote), and the
   * strategy is called on it when it is after the scenario's start instant, where the master's
   * funds and the founding investors are in place. Quotes before then only warm up `closes`.
   * `ctx.bar` is given at a bar's close only: mid-bar, the bar's close is still the future.
   */
  onQuote(time: ServerTime, tick: { readonly bar?: BarPrices; readonly extreme?: 1 | 2; readonly continuous: boolean }, bid: Price, ask: Price, p: Program, act: (o: StrategyAction) => void): void {
    if (tick.bar) this.barPriced = true;
    const barClose = tick.bar !== undefined && tick.extreme === undefined && tick.continuous;
    const isCall = this.spec.every === 'quote' || barClose || (!tick.bar && !this.barPriced);
    if (!isCall) return;
    this.closes.push(bid.value.toNumber());
    if (this.closes.length > 2 * this.spec.lookback) this.closes.splice(0, this.closes.length - this.spec.lookback);
    if (time <= this.start) return;
    this.call(time, bid, ask, barClose ? tick.bar : undefined, p, act);
  }

  private call(time: ServerTime, bid: Price, ask: Price, bar: BarPrices | undefined, p: Program, act: (o: StrategyAction) => void): void {
    const structure = this.structure, closes = this.closes, lookback = this.spec.lookback;
    let window: readonly number[] | undefined;
    let positions: readonly StrategyPosition[] | undefined;
    const ctx: StrategyContext = {
      time: formatServerTime(time), index: this.calls++, symbol: this.spec.symbol, bid: bid.value.toNumber(), ask: ask.value.toNumber(),
      ...(bar ? { bar: Object.freeze({ open: num(bar.open), high: num(bar.high), low: num(bar.low), close: num(bar.close) }) } : {}),
      // Read on demand, each a copy of its own: what a strategy does to it never reaches the next call.
      get closes() {
        window ??= Object.freeze(closes.slice(Math.max(0, closes.length - lookback)));
        return window;
      },
      get positions() {
        positions ??= Object.freeze(p.masterTrades().map((t) => Object.freeze({
          ticket: t.ticket, symbol: t.symbol, side: t.side, volume: num(t.volume), openPrice: t.openPrice ? num(t.openPrice) : NaN, openTime: formatServerTime(t.openTime),
          ...(t.sl ? { sl: num(t.sl) } : {}), ...(t.tp ? { tp: num(t.tp) } : {}),
        })));
        return positions;
      },
      get equity() {
        return structure === 'signal' ? num(p.equity('master')) : p.accountSnapshots().filter((a) => a.kind === 'mam' || a.kind === 'pamm').reduce((s, a) => s + num(a.equity), 0);
      },
      instrument: this.inst,
      random: this.random,
    };
    const orders = guarded(this.spec, `its call at ${ctx.time}`, () => this.decide(ctx));
    if (orders === undefined || orders === null) return;
    if (!Array.isArray(orders)) throw failure(this.spec, `at ${ctx.time} it returned ${shown(orders)}; expected an array of orders (or nothing)`);
    orders.forEach((o, i) => act(this.action(o as StrategyOrder, ctx.time, i)));
  }

  /** The strategy's next own ticket, past any the scenario's orders or clients use. */
  private nextTicket(): string {
    let t: string;
    do t = `S${++this.tickets}`;
    while (this.scripted.has(t) || this.clientTickets.has(t));
    return t;
  }

  /** A returned order checked and turned into exact values. */
  private action(o: StrategyOrder, time: string, i: number): StrategyAction {
    const bad = (why: string): never => {
      throw failure(this.spec, `at ${time} its order ${i} ${shown(o)}: ${why}`);
    };
    if (!o || typeof o !== 'object') return bad('expected an object with an action');
    // Tickets name rows and files alike: the same rule as scripted tickets.
    const ticket = (t: unknown): string => {
      if (typeof t !== 'string' || !this.ticketRule.test(t)) return bad('expected a ticket: letters, digits, _ . - (at most 40), not dots alone');
      return this.clientTickets.has(t) ? bad(`ticket ${t} is a self-trading client's trade, not the master's`) : t;
    };
    const volume = (v: unknown): Volume | undefined => (v === undefined ? undefined : new Volume(decimal(v, 'volume', bad, (x) => x.toPrecision(15))));
    const level = (v: unknown): Price | null | undefined => (v === undefined ? undefined : v === null ? null : new Price(decimal(v, 'price level', bad, (x) => x.toFixed(this.instrument.digits))));
    if (o.action === 'open') {
      if (o.side !== 'buy' && o.side !== 'sell') bad('expected side buy or sell');
      const sl = level(o.sl), tp = level(o.tp);
      return { action: 'open', ticket: o.ticket !== undefined ? ticket(o.ticket) : this.nextTicket(), side: o.side, volume: volume(o.volume), ...(sl ? { sl } : {}), ...(tp ? { tp } : {}) };
    }
    if (o.action === 'close') return { action: 'close', ticket: ticket(o.ticket), volume: volume(o.volume) };
    if (o.action === 'modify') return { action: 'modify', ticket: ticket(o.ticket), sl: level(o.sl), tp: level(o.tp) };
    return bad('expected action open, close or modify');
  }
}

/** A strategy's order in exact values, for the runner's engine calls. */
export type StrategyAction =
  | { readonly action: 'open'; readonly ticket: string; readonly side: Side; readonly volume?: Volume; readonly sl?: Price; readonly tp?: Price }
  | { readonly action: 'close'; readonly ticket: string; readonly volume?: Volume }
  | { readonly action: 'modify'; readonly ticket: string; readonly sl?: Price | null; readonly tp?: Price | null };

/** A number (through `text`, exactly specified by the language, so the same everywhere) or a decimal string, as a positive Dec. */
function decimal(v: unknown, what: string, bad: (why: string) => never, text: (x: number) => string): Dec {
  const s = typeof v === 'number' && Number.isFinite(v) ? text(v) : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? v : bad(`expected a ${what} (a number or a decimal string)`);
  const d = new Dec(s);
  if (!d.isPositive() || d.isZero()) bad(`expected a positive ${what}`);
  return d;
}

/** A strategy's failure at run time, named where the scenario sets the strategy (`/strategy`). */
function failure(spec: StrategySpec, what: string): InputError {
  return new InputError(spec.where.file, '/strategy', `the strategy ${shown(spec.name)} ${what}`, spec.where.line);
}

/** Where in the module an error was thrown (its first stack frame in that file), as ` (at NAME:LINE:COLUMN)`; empty when the stack does not say. */
function placeIn(e: unknown, realPath: string, named: string): string {
  const stack = typeof (e as Error)?.stack === 'string' ? (e as Error).stack! : '';
  for (const line of stack.split('\n')) {
    // `at fn (PATH:L:C)` or `at PATH:L:C`; PATH may hold spaces or brackets, or be a file: URL.
    const m = /\((.+):(\d+):(\d+)\)\s*$/.exec(line) ?? /^\s*at (.+):(\d+):(\d+)\s*$/.exec(line);
    if (!m) continue;
    let path = m[1]!;
    try {
      if (path.startsWith('file://')) path = fileURLToPath(path);
    } catch {
      continue;
    }
    if (path === realPath) return ` (at ${named}:${m[2]}:${m[3]})`;
  }
  return '';
}

/**
 * Runs strategy code with the global random function and clock replaced by functions that throw, so
 * a strategy cannot draw from an unseeded stream or read the time (determinism); both are put back
 * after the call. A throw becomes an input error naming the strategy.
 */
function guarded<T>(spec: StrategySpec, what: string, f: () => T): T {
  const refuse = (name: string): Error => new Error(`${name} is not available to a strategy (use ctx.random and ctx.time: a run must be reproducible)`);
  const random = Math.random, RealDate = globalThis.Date;
  // A date from given parts or a time stays available; only the clock (Date.now(), a Date of no arguments) is refused.
  const GuardedDate = class extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) throw refuse('the clock (new Date())');
      super(...(args as ConstructorParameters<DateConstructor>));
    }
    static override now(): number {
      throw refuse('Date.now');
    }
  };
  Math.random = () => {
    throw refuse('Math.random');
  };
  globalThis.Date = GuardedDate as DateConstructor;
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw failure(spec, `failed in ${what}: ${shown((e as Error)?.message ?? e, 300)}${spec.file ? placeIn(e, spec.file.realPath, spec.name) : ''}`);
  } finally {
    Math.random = random;
    globalThis.Date = RealDate;
  }
}
