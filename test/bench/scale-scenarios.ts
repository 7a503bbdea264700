// Scenario generators of the scale benchmark (issue 13): S0–S3 and the single-account job,
// written as ordinary scenario files with price CSVs beside them, so the benchmark measures
// exactly what a user's `mamlab run` would do with a program of that size. Everything is
// drawn from seeded streams (sim/rng.ts) and computed in whole points and cents with the exactly
// rounded operations (+ − × ÷, floor, round; no pow, exp or log, whose last bit may differ
// between JavaScript engines), so a job's files are byte-identical on every machine and run.
//
// Run directly to look at one job's scenario:
//   npx tsx test/bench/scale-scenarios.ts S1 --out /tmp/s1      (writes s1.json and its CSVs)
//   npx tsx test/bench/scale-scenarios.ts S1 --print            (the scenario JSON on stdout)
//   npx tsx test/bench/scale-scenarios.ts S1 --scale 0.1 --validate   (load + static checks in-process)
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMarketOpen } from '../../sim/calendar.js';
import { MAX_JSON_SCENARIO_BYTES, MAX_QUOTES } from '../../sim/limits.js';
import { type RandomStream, stream } from '../../sim/rng.js';
import { serverTime } from '../../engine/time.js';

export const SCALE_JOBS = ['S0', 'S1', 'S2', 'S3', 'S3full', 'single'] as const;
export type ScaleJobId = (typeof SCALE_JOBS)[number];

type Symbol = 'EURUSD' | 'XAUUSD';

/** How a symbol's prices are written: M1 bars (4 quotes a bar), one tick a minute, or daily bars. */
type PriceForm = 'M1' | 'M1-ticks' | 'D1';

export interface ScaleJob {
  readonly id: ScaleJobId;
  /** One line for the benchmark's table: the sizes as generated. */
  readonly title: string;
  readonly seed: number;
  /** Server wall time of the start (a bar boundary). */
  readonly start: string;
  /** Length in calendar days (M1 jobs); the D1 job's length follows from its bar count. */
  readonly days: number;
  /** D1 job only: trading-day bars. */
  readonly dailyBars?: number;
  readonly prices: ReadonlyArray<{ readonly symbol: Symbol; readonly form: PriceForm }>;
  readonly masterDeposit: number;
  readonly mam: number;
  readonly pamm: number;
  readonly roundTrips: number;
  /** Largest master volume in hundredths of a lot, per symbol (the least is the seed 000 minimum lot, 0.1). */
  readonly maxLots100: Readonly<Record<Symbol, number>>;
  /** Level-2 introducing brokers under master-ib (0: no IB network). */
  readonly ibs: number;
  /** Program terms of S1–S3: fees, costs, rebates, pool and risk. Off for the master-alone jobs. */
  readonly program: boolean;
}

/**
 * The jobs as issue 13 sizes them, except where today's input limits cannot hold them (see
 * `S3` and `S3full`): the generated files must pass `mamlab validate --strict` so the
 * benchmark measures runs, not refusals.
 */
const JOBS: Record<ScaleJobId, Omit<ScaleJob, 'title'>> = {
  // The master alone over a year of minute bars: 52 weeks × 7,185 market minutes ≈ 375k bars, 1.5M quotes.
  S0: { id: 'S0', seed: 13000, start: '2024-01-01T00:00', days: 365, prices: [{ symbol: 'EURUSD', form: 'M1' }], masterDeposit: 100_000, mam: 0, pamm: 0, roundTrips: 350, maxLots100: { EURUSD: 500, XAUUSD: 100 }, ibs: 0, program: false },
  // A week across a month end, so the monthly performance and management fees crystallize once.
  S1: { id: 'S1', seed: 13001, start: '2024-03-27T00:00', days: 7, prices: [{ symbol: 'EURUSD', form: 'M1' }], masterDeposit: 100_000, mam: 10, pamm: 100, roundTrips: 50, maxLots100: { EURUSD: 300, XAUUSD: 100 }, ibs: 2, program: true },
  S2: { id: 'S2', seed: 13002, start: '2024-03-15T00:00', days: 30, prices: [{ symbol: 'EURUSD', form: 'M1' }, { symbol: 'XAUUSD', form: 'M1' }], masterDeposit: 250_000, mam: 100, pamm: 1_000, roundTrips: 500, maxLots100: { EURUSD: 300, XAUUSD: 100 }, ibs: 5, program: true },
  // S3 was shaped by two input limits of its time (issue 13 asks for 5,000 round trips and M1 bars on
  // both symbols): 2M quotes (M1 bars on both symbols are 3.0M, so XAUUSD is one tick a minute) and a
  // 1 MiB scenario file (11,000 investors and their flows leave room for 1,500 round trips). Both are
  // lifted (8M quotes, 32 MiB JSON); S3 stays for comparison with the earlier measurements, and
  // `S3full` is the issue's S3 exactly.
  S3: { id: 'S3', seed: 13003, start: '2024-01-01T00:00', days: 365, prices: [{ symbol: 'EURUSD', form: 'M1' }, { symbol: 'XAUUSD', form: 'M1-ticks' }], masterDeposit: 1_000_000, mam: 1_000, pamm: 10_000, roundTrips: 1_500, maxLots100: { EURUSD: 500, XAUUSD: 200 }, ibs: 20, program: true },
  S3full: { id: 'S3full', seed: 13003, start: '2024-01-01T00:00', days: 365, prices: [{ symbol: 'EURUSD', form: 'M1' }, { symbol: 'XAUUSD', form: 'M1' }], masterDeposit: 1_000_000, mam: 1_000, pamm: 10_000, roundTrips: 5_000, maxLots100: { EURUSD: 500, XAUUSD: 200 }, ibs: 20, program: true },
  // A single account (the master alone) over 5,000 daily bars, 175 round trips = 350 orders.
  single: { id: 'single', seed: 13009, start: '2005-01-03T00:00', days: 0, dailyBars: 5_000, prices: [{ symbol: 'EURUSD', form: 'D1' }], masterDeposit: 100_000, mam: 0, pamm: 0, roundTrips: 175, maxLots100: { EURUSD: 500, XAUUSD: 100 }, ibs: 0, program: false },
};

/** Thousands grouped with commas, by hand: the title is part of the scenario, which must not depend on the host's locale data. */
const n = (x: number): string => String(x).replace(/\B(?=(\d{3})+$)/g, ',');

function titleOf(j: Omit<ScaleJob, 'title'>): string {
  const who = j.mam + j.pamm === 0 ? 'master alone' : `${n(j.mam)} MAM + ${n(j.pamm)} PAMM`;
  const span = j.dailyBars !== undefined ? `${n(j.dailyBars)} D1 bars` : `${j.days} days`;
  const px = j.prices.map((p) => `${p.symbol} ${p.form === 'M1-ticks' ? 'M1 ticks' : p.form === 'M1' ? 'M1 bars' : 'D1 bars'}`).join(' + ');
  return `${who}, ${n(j.roundTrips)} round trips, ${span} (${px})`;
}

/**
 * A job's sizes, optionally scaled down (the smoke test): counts × `scale` (at least 1), the
 * length × `scale` (at least 2 days, or 20 daily bars).
 */
export function scaleJob(id: ScaleJobId, scale = 1): ScaleJob {
  const j = JOBS[id];
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`scale ${scale}: expected 0 < scale ≤ 1`);
  const c = (x: number): number => (x === 0 ? 0 : Math.max(1, Math.ceil(x * scale)));
  const scaled = scale === 1 ? j : {
    ...j, mam: c(j.mam), pamm: c(j.pamm), roundTrips: c(j.roundTrips), ibs: c(j.ibs),
    days: j.days === 0 ? 0 : Math.max(2, Math.round(j.days * scale)),
    dailyBars: j.dailyBars === undefined ? undefined : Math.max(20, Math.round(j.dailyBars * scale)),
  };
  return { ...scaled, title: titleOf(scaled) };
}

// ------------------------------------------------------------------ time and numbers

const MIN = 60_000;
const DAY = 1440 * MIN;

const wall = (text: string): number => Date.parse(`${text}:00Z`);
/** Server wall time as the scenario writes it (minutes are enough: every generated time is on a minute). */
const iso = (t: number): string => new Date(t).toISOString().slice(0, 16);
const open = (t: number): boolean => isMarketOpen(serverTime(t));

/** A whole number of hundredths as a decimal string without trailing zeros: 1050 → "10.5". */
function hundredths(k: number): string {
  const whole = Math.floor(k / 100);
  const frac = String(k % 100).padStart(2, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** Whole points as a price of `digits` decimals: 108512 at 5 digits → "1.08512". */
function price(points: number, digits: number): string {
  const s = String(points).padStart(digits + 1, '0');
  return `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
}

/** A uniform whole number in [lo, hi]. */
const int = (r: RandomStream, lo: number, hi: number): number => lo + Math.floor(r.next() * (hi - lo + 1));

/**
 * An amount in cents from buckets [lo, hi) chosen with the given weights, uniform inside the
 * bucket: a heavy-tailed spread of account sizes without pow or exp (whose last bit may vary
 * between JavaScript engines).
 */
function cents(r: RandomStream, buckets: ReadonlyArray<readonly [number, number, number]>): number {
  let u = r.next();
  for (const [lo, hi, w] of buckets) {
    if (u < w) return Math.round(lo * 100 + r.next() * (hi - lo) * 100);
    u -= w;
  }
  const [lo, hi] = buckets[buckets.length - 1]!;
  return Math.round(lo * 100 + r.next() * (hi - lo) * 100);
}

// PAMM from $10 (the seed 001 minimum) with a long tail; MAM sub-accounts from $2,000.
const PAMM_SIZES = [[10, 100, 0.35], [100, 1_000, 0.35], [1_000, 10_000, 0.22], [10_000, 100_000, 0.08]] as const;
const MAM_SIZES = [[2_000, 10_000, 0.4], [10_000, 50_000, 0.35], [50_000, 200_000, 0.2], [200_000, 500_000, 0.05]] as const;

// ------------------------------------------------------------------ prices

interface Walk { readonly digits: number; readonly start: number; readonly vol: number; readonly spread: number }

/** Per symbol: digits, start and one bar's volatility in points, spread in points (M1 bars; D1 uses `dailyVol`). */
const WALKS: Record<Symbol, Walk> = {
  EURUSD: { digits: 5, start: 108_500, vol: 8, spread: 8 },
  XAUUSD: { digits: 2, start: 205_000, vol: 40, spread: 25 },
};
const DAILY_VOL = 450;

/** Opening times of the bars: market minutes wholly inside the trading week (as `generate` takes them), or weekdays at 00:00. */
function barTimes(form: PriceForm, from: number, to: number, dailyBars?: number): number[] {
  const out: number[] = [];
  if (form === 'D1') {
    for (let t = from; out.length < dailyBars!; t += DAY) {
      const dow = new Date(t).getUTCDay();
      if (dow >= 1 && dow <= 5) out.push(t);
    }
    return out;
  }
  for (let t = from; t + MIN <= to; t += MIN) if (open(t) && open(t + MIN - 1)) out.push(t);
  return out;
}

/**
 * Writes one symbol's CSV: a random walk in whole points (close to close drift-free, highs and
 * lows beyond open and close by |vol/2 × normal|), with a weak pull back to the start so a
 * year or two decades stay in a plausible range. Returns the number of quotes it makes.
 */
function writePrices(file: string, symbol: Symbol, form: PriceForm, times: readonly number[], seed: number): number {
  const w = WALKS[symbol];
  const vol = form === 'D1' ? DAILY_VOL : w.vol;
  const r = stream(seed, `bench:prices:${symbol}`);
  const fd = openSync(file, 'w');
  let buf = form === 'M1-ticks' ? 'time,bid,ask\n' : 'time,open,high,low,close\n';
  let c = w.start;
  for (const t of times) {
    const o = c;
    const pull = Math.round((w.start - o) / 2000);
    c = Math.max(1, o + pull + Math.round(vol * r.normal()));
    if (form === 'M1-ticks') {
      buf += `${iso(t)},${price(c, w.digits)},${price(c + w.spread, w.digits)}\n`;
    } else {
      const h = Math.max(o, c) + Math.abs(Math.round((vol / 2) * r.normal()));
      const l = Math.max(1, Math.min(o, c) - Math.abs(Math.round((vol / 2) * r.normal())));
      buf += `${iso(t)},${price(o, w.digits)},${price(h, w.digits)},${price(l, w.digits)},${price(c, w.digits)}\n`;
    }
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  return times.length * (form === 'M1-ticks' ? 1 : 4);
}

// ------------------------------------------------------------------ the program

type Obj = Record<string, unknown>;

/** Candidate instants for orders and flows: market-open minutes (M1 jobs) or hours (the D1 job), inside [from, to]. */
function marketInstants(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += step) if (open(t)) out.push(t);
  return out;
}

/**
 * The master's round trips, spread evenly over the period: trip i opens in the first half of
 * its slot of market instants and closes 5 instants to 1.5 slots later, at a market instant
 * (so holds cross nights and weekends as they happen, and trips sometimes overlap).
 */
function roundTrips(j: ScaleJob, instants: readonly number[]): Obj[] {
  const r = stream(j.seed, 'bench:orders');
  const orders: Array<{ at: number; seq: number; o: Obj }> = [];
  const slot = instants.length / j.roundTrips;
  const symbols = j.prices.map((p) => p.symbol);
  for (let i = 0; i < j.roundTrips; i++) {
    const openIdx = Math.min(instants.length - 7, Math.floor(i * slot + r.next() * slot * 0.5));
    const hold = Math.max(5, Math.floor(r.next() * slot * 1.5));
    const closeIdx = Math.min(instants.length - 1, openIdx + hold);
    const symbol = symbols.length === 1 || r.next() < 0.65 ? symbols[0]! : symbols[1]!;
    const side = r.next() < 0.5 ? 'buy' : 'sell';
    const volume = hundredths(int(r, 10, j.maxLots100[symbol]));
    const ticket = `T${i + 1}`;
    orders.push({ at: instants[openIdx]!, seq: 2 * i, o: { at: iso(instants[openIdx]!), action: 'open', ticket, symbol, side, volume } });
    orders.push({ at: instants[closeIdx]!, seq: 2 * i + 1, o: { at: iso(instants[closeIdx]!), action: 'close', ticket } });
  }
  return orders.sort((a, b) => a.at - b.at || a.seq - b.seq).map((x) => x.o);
}

interface Generated { readonly investors: Obj[]; readonly flows: Obj[] }

/**
 * Investors and their flows. Most are founding (in place at the start); 10% of MAM and 15% of
 * PAMM investors ask to join during the first 70% of the run. 8% make one or two deposits or
 * withdrawals (withdrawals only from $100 up, at most a quarter of the first deposit) from a
 * day after their join, and 2% leave after them; all before the last two days, so every
 * request executes inside the run. 30% were referred by an IB (a quarter of those by
 * master-ib itself, the rest by its sub-IBs).
 */
function investorsAndFlows(j: ScaleJob, instants: readonly number[], start: number, end: number): Generated {
  const r = stream(j.seed, 'bench:investors');
  const investors: Obj[] = [];
  const flows: Array<{ at: number; seq: number; o: Obj }> = [];
  const lastFlow = end - 2 * DAY;
  /** A market instant in [from, to], or undefined when there is none. */
  const instantIn = (from: number, to: number): number | undefined => {
    const lo = lowerBound(instants, from);
    const hi = lowerBound(instants, to + 1) - 1;
    return hi < lo ? undefined : instants[int(r, lo, hi)];
  };
  const people = [
    ...Array.from({ length: j.mam }, (_, i) => ({ id: `m${i + 1}`, model: 'mam' as const })),
    ...Array.from({ length: j.pamm }, (_, i) => ({ id: `p${i + 1}`, model: 'pamm' as const })),
  ];
  let seq = 0;
  for (const { id, model } of people) {
    const deposit = cents(r, model === 'mam' ? MAM_SIZES : PAMM_SIZES);
    const inv: Obj = { id, model, deposit: hundredths(deposit) };
    let joined = start;
    if (r.next() < (model === 'mam' ? 0.1 : 0.15)) {
      const at = instantIn(start + DAY, start + Math.floor((end - start) * 0.7));
      if (at !== undefined) {
        inv.at = iso(at);
        joined = at;
      }
    }
    if (j.ibs > 0 && r.next() < 0.3) inv.referredBy = r.next() < 0.25 ? 'master-ib' : `ib-${int(r, 1, j.ibs)}`;
    investors.push(inv);
    if (r.next() >= 0.08) continue;
    const count = int(r, 1, 2);
    let from = joined + DAY;
    for (let k = 0; k < count; k++) {
      const at = instantIn(from, lastFlow);
      if (at === undefined) break;
      const withdraw = deposit >= 10_000 && r.next() < 0.4;
      const amount = withdraw ? int(r, Math.floor(deposit / 10), Math.floor(deposit / 4)) : int(r, Math.floor(deposit / 10), deposit);
      flows.push({ at, seq: seq++, o: { at: iso(at), investor: id, type: withdraw ? 'withdraw' : 'deposit', amount: hundredths(Math.max(100, amount)) } });
      from = at + MIN;
    }
    if (r.next() < 0.25) {
      const at = instantIn(from, lastFlow);
      if (at !== undefined) flows.push({ at, seq: seq++, o: { at: iso(at), investor: id, type: 'leave' } });
    }
  }
  return { investors, flows: flows.sort((a, b) => a.at - b.at || a.seq - b.seq).map((x) => x.o) };
}

function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0, hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The terms issue 13 gives S1–S3: seed 000 terms, costs and rebates, fees, a pool with its weekly loss limit. */
function programTerms(j: ScaleJob): Obj {
  const swaps: Record<Symbol, Obj> = {
    EURUSD: { mode: 'points', long: '-6.5', short: '1.2' },
    XAUUSD: { mode: 'points', long: '-30', short: '15' },
  };
  const used = j.prices.map((p) => p.symbol);
  const base: Obj = {
    program: {
      structure: 'signal', allocation: 'proportional', masterDeposit: String(j.masterDeposit), preset: 'seed000',
      ...(j.program ? {
        performanceFee: '0.2', managementFee: { rate: '0.02' },
        pamm: { id: 'pool', initialNav: '1' },
        // A fixed minimum: the floating one (seed 001) follows the master's equity and would turn late MAM joiners away.
        terms: { minimumMamInvestment: '1000' },
      } : {}),
    },
    policies: j.program ? { performanceFee: { period: 'monthly' }, managementFee: { period: 'monthly' } } : {},
    // The seed 000 preset makes program accounts swap-free; issue 13's jobs pay swaps.
    costs: { commission: 'seed000', swaps: Object.fromEntries(used.map((s) => [s, swaps[s]])), swapFree: false },
    risk: j.program ? { pool: { weeklyLossPct: '20' } } : {},
  };
  if (j.program && j.ibs > 0) {
    base.rebates = {
      plan: 'seed000',
      partners: [
        { id: 'master-ib', programShare: '0.5' },
        ...Array.from({ length: j.ibs }, (_, i) => ({ id: `ib-${i + 1}`, parent: 'master-ib', programShare: '0.7' })),
      ],
    };
  }
  return base;
}

// ------------------------------------------------------------------ writing

export interface GeneratedScenario {
  readonly job: ScaleJob;
  /** The scenario file. */
  readonly file: string;
  readonly bytes: number;
  /** Quotes the price files make, all symbols together (a bar is 4). */
  readonly quotes: number;
  readonly orders: number;
  readonly flows: number;
  /** Server times of the start and end, ms (for progress from an output's last row). */
  readonly startMs: number;
  readonly endMs: number;
  /** What today's CLI will refuse, if anything (S3full). */
  readonly overLimits: string[];
}

/** Top-level fields pretty-printed, list items one a line (readable, and small enough for S3). */
function scenarioText(doc: Obj): string {
  const lists = new Set(['investors', 'flows', 'orders']);
  const lines: string[] = [];
  const keys = Object.keys(doc);
  keys.forEach((k, i) => {
    const v = doc[k];
    const comma = i < keys.length - 1 ? ',' : '';
    if (lists.has(k) && Array.isArray(v)) {
      lines.push(v.length === 0 ? `  ${JSON.stringify(k)}: []${comma}` : `  ${JSON.stringify(k)}: [\n${v.map((x) => JSON.stringify(x)).join(',\n')}\n  ]${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')}${comma}`);
    }
  });
  return `{\n${lines.join('\n')}\n}\n`;
}

/** Builds the scenario document of a job and writes it, with its price CSVs, into `dir`. */
export function generateScenario(job: ScaleJob, dir: string): GeneratedScenario {
  mkdirSync(dir, { recursive: true });
  const name = job.id.toLowerCase();
  const start = wall(job.start);
  const form0 = job.prices[0]!.form;
  const times = new Map(job.prices.map((p) => [p.symbol, barTimes(p.form, start, start + job.days * DAY, job.dailyBars)]));
  // The D1 job ends with its last bar's close; the M1 jobs after their days.
  const end = form0 === 'D1' ? times.get(job.prices[0]!.symbol)!.at(-1)! + DAY : start + job.days * DAY;
  let quotes = 0;
  const prices: Obj = {};
  for (const p of job.prices) {
    const csv = `${name}-${p.symbol.toLowerCase()}-${p.form.toLowerCase()}.csv`;
    quotes += writePrices(join(dir, csv), p.symbol, p.form, times.get(p.symbol)!, job.seed);
    prices[p.symbol] = p.form === 'M1-ticks' ? { csv } : { csv, timeframe: p.form === 'D1' ? 'D1' : 'M1', spread: String(WALKS[p.symbol].spread) };
  }
  // Orders and flows leave the first hour and the last two hours alone: nothing waits on a quote that never comes.
  const instants = marketInstants(start + 60 * MIN, end - 120 * MIN, form0 === 'D1' ? 60 * MIN : MIN);
  const people = job.mam + job.pamm > 0 ? investorsAndFlows(job, instants, start, end) : { investors: [], flows: [] };
  const orders = roundTrips(job, instants);
  const doc: Obj = {
    name: `Scale ${job.id}: ${job.title}`,
    description: `Generated by test/bench/scale-scenarios.ts (seed ${job.seed}) for the scale benchmark of issue 13 (npm run bench:scale).${job.program ? ' Signal master copied by MAM sub-accounts and a PAMM pool; seed 000 terms, commissions, swaps and rebates with a two-level IB network; monthly 20% performance fee and 2% management fee; pool weekly loss limit 20%.' : ' The master alone under seed 000 terms, commissions and swaps.'}`,
    seed: job.seed,
    start: iso(start),
    end: iso(end),
    instruments: job.prices.map((p) => p.symbol),
    prices,
    ...programTerms(job),
    investors: people.investors,
    flows: people.flows,
    orders,
  };
  const text = scenarioText(doc);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, text);
  const bytes = Buffer.byteLength(text);
  const overLimits = [
    // The scenario is JSON: its limit is the JSON one (a YAML text stays at MAX_SCENARIO_BYTES).
    ...(bytes > MAX_JSON_SCENARIO_BYTES ? [`scenario file ${n(bytes)} bytes > ${n(MAX_JSON_SCENARIO_BYTES)} (MAX_JSON_SCENARIO_BYTES)`] : []),
    ...(quotes > MAX_QUOTES ? [`${n(quotes)} quotes > ${n(MAX_QUOTES)} (MAX_QUOTES)`] : []),
  ];
  return { job, file, bytes, quotes, orders: orders.length, flows: people.flows.length, startMs: start, endMs: end, overLimits };
}

// ------------------------------------------------------------------ command line

async function cli(argv: string[]): Promise<void> {
  const id = argv[0] as ScaleJobId;
  const opt = (k: string): string | undefined => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (!SCALE_JOBS.includes(id)) {
    console.error(`usage: tsx test/bench/scale-scenarios.ts <${SCALE_JOBS.join('|')}> [--out DIR | --print] [--scale X] [--validate]`);
    process.exit(2);
  }
  const job = scaleJob(id, Number(opt('--scale') ?? 1));
  const print = argv.includes('--print');
  const dir = resolve(opt('--out') ?? (print ? join(tmpdir(), `mamlab-scale-${process.pid}`) : `out/scale-${id.toLowerCase()}`));
  const g = generateScenario(job, dir);
  if (print) {
    process.stdout.write(readFileSync(g.file, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  console.log(`${g.file}: ${job.title}; ${n(g.bytes)} bytes, ${n(g.quotes)} quotes, ${n(g.orders)} orders, ${n(g.flows)} flows${g.overLimits.length ? `; today's CLI refuses it: ${g.overLimits.join(', ')}` : ''}`);
  if (argv.includes('--validate')) {
    const { loadScenario } = await import('../../sim/scenario.js');
    const { staticChecks } = await import('../../sim/static-checks.js');
    const warnings = staticChecks(loadScenario(g.file));
    console.log(warnings.length === 0 ? 'loads; no static-check warnings' : `${warnings.length} warnings, first: ${warnings[0]!.path}: ${warnings[0]!.message}`);
    if (warnings.length) process.exit(1);
  }
}

// Only when run as a script: the benchmark and the smoke test import the generators.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await cli(process.argv.slice(2));
