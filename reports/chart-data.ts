// What the run report's charts draw, sampled as the run goes (issue 17: charts that scale). At
// each sampled instant it keeps, whatever the number of accounts, one small record: the money
// under management per group, the master's equity, and the 5/50/95% of the investors' equity and
// of the accounts' margin levels. The points of each investor and account (for one line each)
// are kept only while there are at most MAX_LINES of them: beyond, a chart draws bands, and the
// memory a run's charts take grows with sampled instants, not with instants × investors.
// Floats: for drawing only.

/** Lines a chart draws one by one, with a legend; beyond, percentile bands. */
export const MAX_LINES = 12;
/** Per-account points kept at most (a dozen lines of a few hundred instants each): beyond, every other instant goes. */
const MAX_POINTS = 4000;
/** Sampled instants kept at most: beyond, every other goes. */
const MAX_INSTANTS = 1000;
/**
 * Values (investors' equities and accounts' levels) a run's samples may hold in all. Each sample
 * values every investor and account, so the samples a large program keeps are fewer (never
 * under MIN_INSTANTS): the charts' cost stays a bounded share of the run's instead of growing
 * with instants × investors (a 2,000-investor run spent 80 s of 105 on 1,000 samples).
 */
const MAX_VALUES = 100_000;
const MIN_INSTANTS = 48;
/** Below-stop-out marks kept at most in band mode (the first ones; margin.csv has every level). */
const MAX_BELOW = 1000;

/** A point of the equity chart. */
export interface ChartPoint {
  readonly time: number;
  readonly subject: string;
  readonly equity: number;
}

/** A point of the health chart (margin level in percent; NaN: nothing open). */
export interface HealthPoint {
  readonly time: number;
  readonly account: string;
  readonly level: number;
}

/** Nearest-rank 5%, 50% and 95% of a set of values, and how many there were. */
export interface Band {
  readonly n: number;
  readonly q05: number;
  readonly q50: number;
  readonly q95: number;
}

/** The band of `xs` (sorted here, in place); undefined for none. Rank ⌈f·n⌉, the 5% of 20 values the 1st. */
export function nearestRankBand(xs: number[]): Band | undefined {
  if (xs.length === 0) return undefined;
  xs.sort((a, b) => a - b);
  const q = (f: number): number => xs[Math.max(1, Math.ceil(f * xs.length - 1e-9)) - 1]!;
  return { n: xs.length, q05: q(0.05), q50: q(0.5), q95: q(0.95) };
}

/** The money under management's groups, bottom up in the stacked chart. */
export type AumGroup = 'master account' | 'MAM sub-accounts' | 'PAMM members';

export interface ChartInstant {
  readonly time: number;
  /** Equity of the members in the program, summed per group (a group absent from the run is absent here). */
  readonly aum: Partial<Record<AumGroup, number>>;
  /** A signal program's master account. */
  readonly master?: number;
  /** Every investor's equity (those who left too: their account goes on). */
  readonly investors?: Band;
  /** The margin levels of the accounts with something open (NaN levels left out). */
  readonly levels?: Band;
}

export interface SampledInvestor {
  readonly id: string;
  readonly model: 'mam' | 'pamm';
  readonly equity: number;
  readonly inProgram: boolean;
}

/** The report charts' data: a record per sampled instant, and each account's points while they are few. */
export class ChartSampler {
  readonly instants: ChartInstant[] = [];
  /** Equity points per subject (investors, the master), while there are at most MAX_LINES subjects; null beyond. */
  points: ChartPoint[] | null = [];
  /** Margin-level points per account, while there are at most MAX_LINES accounts; null beyond. */
  health: HealthPoint[] | null = [];
  /** Levels below the stop-out level at sampled instants (band mode draws them as marks). */
  readonly below: HealthPoint[] = [];
  private readonly subjects = new Set<string>();
  private readonly accounts = new Set<string>();

  /** `stopOut`: the stop-out level in percent, when the run has one. */
  constructor(private readonly stopOut?: number) {}

  /** Investors and accounts valued at the widest sample so far. */
  private width = 0;

  add(time: number, investors: readonly SampledInvestor[], master: number | undefined, levels: readonly HealthPoint[]): void {
    this.width = Math.max(this.width, investors.length + levels.length);
    const aum: Partial<Record<AumGroup, number>> = {};
    const equities: number[] = [];
    for (const i of investors) {
      equities.push(i.equity);
      const group: AumGroup = i.model === 'mam' ? 'MAM sub-accounts' : 'PAMM members';
      if (i.inProgram) aum[group] = (aum[group] ?? 0) + i.equity;
      else aum[group] ??= 0;
    }
    if (master !== undefined) aum['master account'] = master;
    const lv: number[] = [];
    for (const h of levels) {
      if (!Number.isNaN(h.level)) lv.push(h.level);
      if (this.stopOut !== undefined && h.level < this.stopOut && this.below.length < MAX_BELOW) this.below.push(h);
    }
    this.instants.push({ time, aum, ...(master !== undefined ? { master } : {}), ...(equities.length ? { investors: nearestRankBand(equities)! } : {}), ...(lv.length ? { levels: nearestRankBand(lv)! } : {}) });
    // One line each while they are few; a band beyond (the points are dropped: the records above have what it draws).
    if (this.points) {
      for (const i of investors) this.subjects.add(i.id);
      if (master !== undefined) this.subjects.add('master');
      if (this.subjects.size > MAX_LINES) this.points = null;
      else {
        for (const i of investors) this.points.push({ time, subject: i.id, equity: i.equity });
        if (master !== undefined) this.points.push({ time, subject: 'master', equity: master });
      }
    }
    if (this.health) {
      for (const h of levels) this.accounts.add(h.account);
      if (this.accounts.size > MAX_LINES) this.health = null;
      else this.health.push(...levels);
    }
  }

  /** Whether the samples outgrew their budget: the writer then samples half as often and calls `thin`. */
  get full(): boolean {
    const budget = Math.min(MAX_INSTANTS, Math.max(MIN_INSTANTS, Math.floor(MAX_VALUES / Math.max(1, this.width))));
    return this.instants.length > budget || (this.points?.length ?? 0) + (this.health?.length ?? 0) > MAX_POINTS;
  }

  /** Keeps every other sampled instant: deterministic and bounded. A dropped level folds into the kept one before it, so the lowest survives. */
  thin(): void {
    const keep = new Set(this.instants.filter((_, i) => i % 2 === 0).map((x) => x.time));
    const kept = this.instants.filter((x) => keep.has(x.time));
    this.instants.length = 0;
    this.instants.push(...kept);
    if (this.points) this.points = this.points.filter((c) => keep.has(c.time));
    if (this.health) {
      const health: HealthPoint[] = [];
      const last = new Map<string, number>();
      for (const c of this.health) {
        if (keep.has(c.time)) {
          last.set(c.account, health.length);
          health.push(c);
        } else {
          const k = last.get(c.account);
          if (k !== undefined) health[k] = { ...health[k]!, level: minLevel(health[k]!.level, c.level) };
        }
      }
      this.health = health;
    }
  }
}

/** The lower of two levels, where NaN (nothing open) gives way to any number. */
export function minLevel(a: number | undefined, b: number): number {
  if (a === undefined || Number.isNaN(a)) return b;
  return Number.isNaN(b) ? a : Math.min(a, b);
}
