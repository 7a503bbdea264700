// The kinds of job the job runner (sim/jobs.ts) runs, each a pure function of its task: a Monte
// Carlo seed's outcome, a compare variant's full run, a sweep cell at one seed. Tasks and results
// are plain data (they cross threads and queues as structured clones or JSON).
import { join } from 'node:path';
import type { EquityRows } from '../reports/run-writer.js';
import type { Summary } from '../reports/summary.js';
import { runSummary, writeNestedRun } from './run-output.js';
import { InputError, PathError } from './input-error.js';
import { type ScenarioRef, loadJobScenario } from './scenario.js';
import { type WireOutcome, runSeed, toWire } from './seed-outcome.js';
import { type SweepJobResult, sweepJobResult } from './sweep-figures.js';

interface TaskBase {
  /** The `sourceHash` of the scenario the coordinator loaded: the bytes of its file and of every file it reads. The job refuses to run on anything else. */
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
  // A job reads the files again: one edited since the command started would mix two scenarios in one table (and in the work area).
  if (scenario.sourceHash !== t.scenarioHash) throw new PathError(t.scenario.file, 'changed while the command was running (the scenario or a file it reads no longer has the content the first jobs ran on): run the command again');
  switch (t.kind) {
    case 'seed':
      return toWire(runSeed(scenario));
    case 'run':
      return writeNestedRun(scenario, t.dir, { rows: t.rows });
    case 'sweep':
      return sweepJobResult(t.keepRun ? writeNestedRun(scenario, join(t.keepRun), {}) : runSummary(scenario));
  }
}

/** What a worker thread sends back: the result, or bad input as plain data (an error's class does not survive the crossing). */
export type WorkerReply = { readonly ok: TaskResult } | { readonly inputError: { readonly file: string; readonly path: string; readonly expected: string; readonly line?: number; readonly more: readonly string[]; readonly message: string } };

export function runTaskReply(t: Task): WorkerReply {
  try {
    return { ok: runTask(t) };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { inputError: { file: e.file, path: e.path, expected: e.expected, line: e.line, more: e.more, message: e.message } };
  }
}

/** The result of a reply, or its bad input thrown again as the InputError it was. */
export function unwrap(r: WorkerReply): TaskResult {
  if ('ok' in r) return r.ok;
  const x = r.inputError;
  const e = new InputError(x.file, x.path, x.expected, x.line, x.more);
  // The message as the worker made it (a PathError's has no JSON path).
  e.message = x.message;
  throw e;
}
