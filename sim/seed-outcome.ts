// One Monte Carlo seed's outcome: a full, independent run of the engine that keeps only what the
// distributions need (stop-outs and breaches by account kind, investor losses, negative balances),
// as plain data a worker thread or a queue can send back (decimals as strings).
import { Dec } from '../engine/decimal.js';
import type { EngineEvent, EngineSink } from '../engine/events.js';
import type { JournalEntry } from '../engine/journal.js';
import { SYSTEM_ACCOUNTS } from '../engine/program-state.js';
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
  const p = runScenario(s, sink, {}, (prog) => prog.journal.onEntry((e) => sink.entry(e)));
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
  };
}

/** A seed's outcome as structured-clone data (a worker posts it; decimals travel as strings). */
export interface WireOutcome extends Omit<SeedOutcome, 'negativeAbsorbed' | 'negativeCarried' | 'losses' | 'totalLoss' | 'masterLoss'> {
  readonly negativeAbsorbed: string;
  readonly negativeCarried: string;
  readonly losses: Array<[string, string]>;
  readonly totalLoss: string;
  readonly masterLoss?: string;
}

export function toWire(o: SeedOutcome): WireOutcome {
  return { ...o, negativeAbsorbed: o.negativeAbsorbed.toString(), negativeCarried: o.negativeCarried.toString(), losses: [...o.losses].map(([k, v]) => [k, v.toString()]), totalLoss: o.totalLoss.toString(), masterLoss: o.masterLoss?.toString() };
}

export function fromWire(w: WireOutcome): SeedOutcome {
  return {
    ...w, negativeAbsorbed: new Dec(w.negativeAbsorbed), negativeCarried: new Dec(w.negativeCarried), losses: new Map(w.losses.map(([k, v]) => [k, new Dec(v)])),
    totalLoss: new Dec(w.totalLoss), masterLoss: w.masterLoss === undefined ? undefined : new Dec(w.masterLoss),
  };
}

