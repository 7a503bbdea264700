// The kinds of job the job runner (sim/jobs.ts) runs, each a pure function of its task: a Monte
// Carlo seed's outcome, a compare variant's full run, a sweep cell at one seed. Tasks and results
// are plain data (they cross threads and queues as structured clones or JSON).
import { join } from 'node:path';
import type { EquityRows } from '../reports/run-writer.js';
import type { Summary } from '../reports/summary.js';
import { runSummary, writeNestedRun } from './run-output.js';
import { type ScenarioRef, loadJobScenario } from './scenario.js';
import { type WireOutcome, runSeed, toWire } from './seed-outcome.js';
import { type SweepJobResult, sweepJobResult } from './sweep-figures.js';

interface TaskBase {
  /** The hash of the scenario as loaded by the coordinator (its file and every file it reads). */
  readonly scenarioHash: string;
  readonly scenario: ScenarioRef;
}

/** A Monte Carlo seed: its outcome. */
export interface SeedTask extends TaskBase { readonly kind: 'seed' }

/** A compare variant (at a seed): its full run written into `dir`; returns its summary. */
export interface RunTask extends TaskBase {
  readonly kind: 'run';
  readonly dir: string;
  readonly rows?: EquityRows;
}

/** A sweep cell at a seed: its results.csv rows and figures; with `keepRun`, its full run written there too. */
export interface SweepTask extends TaskBase {
  readonly kind: 'sweep';
  readonly keepRun?: string;
}

export type Task = SeedTask | RunTask | SweepTask;
export type TaskResult = WireOutcome | Summary | SweepJobResult;

/** What the task's result depends on (its key's content): never where it writes. */
export function taskIdentity(t: Task): unknown {
  const s = t.scenario;
  return { kind: t.kind, scenario: t.scenarioHash, variant: s.variant ?? null, grid: s.overrides ?? [], seed: s.seed };
}

export function runTask(t: Task): TaskResult {
  const scenario = loadJobScenario(t.scenario);
  switch (t.kind) {
    case 'seed':
      return toWire(runSeed(scenario));
    case 'run':
      return writeNestedRun(scenario, t.dir, { rows: t.rows });
    case 'sweep':
      return sweepJobResult(t.keepRun ? writeNestedRun(scenario, join(t.keepRun), {}) : runSummary(scenario));
  }
}
