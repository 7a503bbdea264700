// Test helpers: run a scenario in memory with the invariants checked after every event.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import type { JournalEntry } from '../engine/journal.js';
import type { Program } from '../engine/program.js';
import { formatServerTime } from '../engine/time.js';
import { runScenario } from '../sim/runner.js';
import { loadScenario, type Scenario } from '../sim/scenario.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const scenarioPath = (name: string) => resolve(ROOT, 'scenarios', name);
export const bundledScenarios = () => readdirSync(resolve(ROOT, 'scenarios')).filter((f) => f.endsWith('.json')).sort();

export interface CheckedRun {
  scenario: Scenario;
  program: Program;
  sink: MemorySink;
  entries: JournalEntry[];
  checks: number;
  broken: string[];
  /** Values seen by `probe` around each action, keyed by action label. */
  around: Map<string, { before: unknown; after: unknown }>;
}

/** Runs with every invariant checked after every quote and action; `probe` snapshots whatever a test wants around actions. */
export function checkedRun(source: string | Scenario, probe?: (p: Program) => unknown): CheckedRun {
  const scenario = typeof source === 'string' ? loadScenario(source) : source;
  const sink = new MemorySink();
  const tally = new ConservationTally(sink);
  const entries: JournalEntry[] = [];
  const broken: string[] = [];
  const around = new Map<string, { before: unknown; after: unknown }>();
  let checks = 0;
  let last: unknown;
  const program = runScenario(scenario, tally, {
    afterEach(label, time, p) {
      checks++;
      for (const b of checkInvariants(p, tally, entries)) broken.push(`${formatServerTime(time)} after ${label}: ${b}`);
      if (probe) {
        const now = probe(p);
        around.set(label, { before: last, after: now });
        last = now;
      }
    },
  }, (p) => p.journal.onEntry((e) => entries.push(e)));
  return { scenario, program, sink, entries, checks, broken, around };
}
