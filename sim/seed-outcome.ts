// One Monte Carlo seed's outcome: a full, independent run of the engine that keeps only what the
// distributions need (stop-outs and breaches by account kind, investor losses, negative balances,
// and each group's equity at every day end for the fan charts), as plain data a worker thread or
// a queue can send back (decimals as strings).
import { Dec } from '../engine/decimal.js';
import type { EngineEvent, EngineSink } from '../engine/events.js';
import type { JournalEntry } from '../engine/journal.js';
import type { Program } from '../engine/program.js';
import { SYSTEM_ACCOUNTS } from '../engine/program-state.js';
import type { ServerTime } from '../engine/time.js';
import type { Money } from '../engine/values.js';
import { runScenario } from './runner.js';
import type { Scenario } from './scenario.js';

/** The account kinds a stop-out is counted for. */
export const KINDS = ['master', 'mam', 'pamm', 'client'] as const;
export const BREACHES = new Set(['limit-breach', 'hard-stop']);
export const TIMELINE = new Set(['margin-call', 'stop-out', 'limit-breach', 'account-paused', 'account-resumed', 'hard-stop', 'negative-balance-protected', 'negative-balance-carried', 'detach']);

export type Kind = (typeof KINDS)[number];
export const perKind = (): Record<Kind, number> => ({ master: 0, mam: 0, pamm: 0, client: 0 });


export interface SeedOutcome {
  readonly seed: number;
  /** Accounts stopped out at least once, by kind. */
  readonly stoppedOut: Record<Kind, number>;
  /** Accounts that breached a limit at least once, by kind (the master: its hard stop). */
  readonly breached: Record<Kind, number>;
  readonly stopOuts: number;
  readonly breaches: number;
  readonly hardStop: boolean;
  /** What the house paid to reset negative balances. */
  readonly negativeAbsorbed: Dec;
  /** Negative balances still on trading accounts at the end (`carry`). */
  readonly negativeCarried: Dec;
  /** Per investor that joined in this seed: loss = deposits − withdrawals − final equity (negative is a gain). */
  readonly losses: ReadonlyMap<string, Dec>;
  readonly totalLoss: Dec;
  /** A signal master's own account: its funding − its final equity. */
  readonly masterLoss?: Dec;
  /** Each group's equity at the first instant and at the last instant of every server day: the fan charts' data. */
  readonly path: EquityPath;
}

/**
 * The groups a seed records the equity of: the whole program (the master account, the MAM
 * sub-accounts and the pool's members: the money under management, as the run report's overview
 * stacks it), then each group alone.
 */
export const PATH_GROUPS = ['program', 'master', 'mam', 'pamm'] as const;
export type PathGroup = (typeof PATH_GROUPS)[number];

/** The groups a scenario has, in PATH_GROUPS order: a block master is only the sum of its followers, so it is no group of its own. */
export function pathGroups(s: Scenario): PathGroup[] {
  return PATH_GROUPS.filter((g) => g === 'program' || (g === 'master' ? s.structure === 'signal' : s.investors.some((i) => i.model === g)));
}

/** A seed's equity over time, per group, in USD (amounts at the quantum). */
export interface EquityPath {
  /** Server times in order: the first instant, then the last instant of each server day. */
  readonly times: readonly number[];
  /** Per group of the scenario (pathGroups), its total at each of `times`. */
  readonly equity: Partial<Record<PathGroup, readonly Dec[]>>;
}

const dayOf = (t: number): number => Math.floor(t / 86_400_000);

/**
 * Records the groups' equity totals at day ends (as the run writer detects them: the next instant
 * falls on another server day, or there is none). One pass over the investors a day: the cost
 * grows with days × investors, never with instants. Investors who left or detached are outside
 * the program and count for nothing, as in the overview's chart.
 */
class PathRecorder {
  readonly times: number[] = [];
  readonly equity: Partial<Record<PathGroup, Dec[]>> = {};
  constructor(private readonly s: Scenario) {
    for (const g of pathGroups(s)) this.equity[g] = [];
  }

  afterInstant(time: ServerTime, p: Program, next: ServerTime | undefined): void {
    if (this.times.length > 0 && next !== undefined && dayOf(next) === dayOf(time)) return;
    /** In USD at the mid of the moment (undefined while a pair into USD has no price yet: that day end is left out). */
    const usd = (x: Money, account: string): Dec | undefined => {
      if (!p.multiCurrency) return x.value;
      const c = p.currencyOf(account);
      return c === 'USD' ? x.value : p.priced(c, 'USD') ? p.toUsd(x, c).value : undefined;
    };
    const sums = { master: new Dec(0), mam: new Dec(0), pamm: new Dec(0) };
    if (this.s.structure === 'signal') {
      const m = usd(p.equity(SYSTEM_ACCOUNTS.master), SYSTEM_ACCOUNTS.master);
      if (m === undefined) return;
      sums.master = m;
    }
    for (const i of p.investorSnapshots()) {
      if (!i.active || i.detached) continue;
      const v = usd(i.equity, i.model === 'mam' ? `mam:${i.id}` : this.s.pool!.id);
      if (v === undefined) return;
      sums[i.model] = sums[i.model].plus(v);
    }
    const all = { ...sums, program: sums.master.plus(sums.mam).plus(sums.pamm) };
    this.times.push(time);
    for (const g of PATH_GROUPS) this.equity[g]?.push(all[g]);
  }
}

/** Collects what one seed's distribution needs, and nothing else (the full output is only written for the worst seed). */
class OutcomeSink implements EngineSink {
  readonly risk: EngineEvent[] = [];
  readonly flows = new Map<string, Dec>();
  negative = new Dec(0);
  event(e: EngineEvent): void {
    if (TIMELINE.has(e.kind) || BREACHES.has(e.kind)) this.risk.push(e);
    if (!e.investor || !e.amount) return;
    const sign = e.kind === 'deposit' ? 1 : e.kind === 'withdrawal' ? -1 : 0;
    if (sign) this.flows.set(e.investor, (this.flows.get(e.investor) ?? new Dec(0)).plus(e.amount.value.times(sign)));
  }
  entry(e: JournalEntry): void {
    if (e.reason === 'negative-balance' && e.from === SYSTEM_ACCOUNTS.house) this.negative = this.negative.plus(e.amount.value);
  }
  trade(): void {}
  execution(): void {}
}

export function runSeed(s: Scenario): SeedOutcome {
  const sink = new OutcomeSink();
  const path = new PathRecorder(s);
  const p = runScenario(s, sink, { afterInstant: (time, prog, next) => path.afterInstant(time, prog, next) }, (prog) => prog.journal.onEntry((e) => sink.entry(e)));
  const accounts = p.accountSnapshots();
  const kindOf = new Map(accounts.map((a) => [a.id, a.kind]));
  const byKind = (kinds: ReadonlySet<string>): Record<Kind, number> => {
    const out = perKind();
    const seen = new Set<string>();
    for (const e of sink.risk) if (kinds.has(e.kind) && e.account && !seen.has(e.account)) seen.add(e.account);
    for (const a of seen) {
      const k = kindOf.get(a);
      if (k === 'master' || k === 'mam' || k === 'pamm' || k === 'client') out[k]++;
    }
    return out;
  };
  const losses = new Map<string, Dec>();
  for (const i of p.investorSnapshots()) losses.set(i.id, (sink.flows.get(i.id) ?? new Dec(0)).minus(i.equity.value));
  const trading = new Set(['master', 'mam', 'pamm', 'client']);
  const negativeCarried = accounts.filter((a) => trading.has(a.kind) && a.equity.isNegative()).reduce((x, a) => x.minus(a.equity.value), new Dec(0));
  return {
    seed: s.seed, stoppedOut: byKind(new Set(['stop-out'])), breached: byKind(BREACHES), stopOuts: sink.risk.filter((e) => e.kind === 'stop-out').length,
    breaches: sink.risk.filter((e) => BREACHES.has(e.kind)).length, hardStop: sink.risk.some((e) => e.kind === 'hard-stop'),
    negativeAbsorbed: sink.negative, negativeCarried, losses, totalLoss: [...losses.values()].reduce((x, y) => x.plus(y), new Dec(0)),
    masterLoss: s.structure === 'signal' ? s.masterDeposit.value.minus(p.equity(SYSTEM_ACCOUNTS.master).value) : undefined,
    path: { times: path.times, equity: path.equity },
  };
}

/** A seed's outcome as structured-clone data (a worker posts it; decimals travel as strings). */
export interface WireOutcome extends Omit<SeedOutcome, 'negativeAbsorbed' | 'negativeCarried' | 'losses' | 'totalLoss' | 'masterLoss' | 'path'> {
  readonly negativeAbsorbed: string;
  readonly negativeCarried: string;
  readonly losses: Array<[string, string]>;
  readonly totalLoss: string;
  readonly masterLoss?: string;
  readonly path: { readonly times: readonly number[]; readonly equity: Partial<Record<PathGroup, readonly string[]>> };
}

/** Each group's amounts through `f`, in PATH_GROUPS order (the same keys on every seed). */
function mapGroups<A, B>(equity: Partial<Record<PathGroup, readonly A[]>>, f: (x: A) => B): Partial<Record<PathGroup, B[]>> {
  const out: Partial<Record<PathGroup, B[]>> = {};
  for (const g of PATH_GROUPS) {
    const xs = equity[g];
    if (xs) out[g] = xs.map(f);
  }
  return out;
}

export function toWire(o: SeedOutcome): WireOutcome {
  return {
    ...o, negativeAbsorbed: o.negativeAbsorbed.toString(), negativeCarried: o.negativeCarried.toString(), losses: [...o.losses].map(([k, v]) => [k, v.toString()]), totalLoss: o.totalLoss.toString(), masterLoss: o.masterLoss?.toString(),
    path: { times: [...o.path.times], equity: mapGroups(o.path.equity, (x) => x.toString()) },
  };
}

export function fromWire(w: WireOutcome): SeedOutcome {
  return {
    ...w, negativeAbsorbed: new Dec(w.negativeAbsorbed), negativeCarried: new Dec(w.negativeCarried), losses: new Map(w.losses.map(([k, v]) => [k, new Dec(v)])),
    totalLoss: new Dec(w.totalLoss), masterLoss: w.masterLoss === undefined ? undefined : new Dec(w.masterLoss),
    path: { times: [...w.path.times], equity: mapGroups(w.path.equity, (x) => new Dec(x)) },
  };
}

