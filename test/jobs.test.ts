// The job runner (sim/jobs.ts): results in job order whatever runs them, and, when the command
// line gives it a clock but no worker count, worker threads only once the jobs left would take
// longer than POOL_AFTER_MS in this thread.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { type Job, type SweepTask, type TaskResult, job, runJobs } from '../sim/jobs.js';
import { loadScenario } from '../sim/scenario.js';
import { scenarioPath } from './helpers.js';

const file = scenarioPath('seed001-profit-distribution.json');
const base = loadScenario(file);
const jobs: Array<Job<SweepTask>> = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45].map((fee) => job({ kind: 'sweep', scenarioHash: base.sourceHash, scenario: { file, overrides: [['program.performanceFee', fee]], seed: 1 } }));

async function run(opts: Parameters<typeof runJobs>[1]): Promise<{ order: number[]; results: TaskResult[] }> {
  const order: number[] = [];
  const results: TaskResult[] = [];
  await runJobs(jobs, opts, (_, r, i) => {
    order.push(i);
    results.push(r);
  });
  return { order, results };
}

describe('the job runner', () => {
  it.skipIf(availableParallelism() < 2)('starts worker threads only when the jobs left would take longer than 8 s here, and gives the same results in job order', async () => {
    // A clock that stands still: the jobs look instant, every one runs here; the clock is read at the start and after each.
    let stillReads = 0;
    const still = await run({ clock: () => (stillReads++, 0) });
    expect(stillReads).toBe(1 + 6);
    // A clock that moves 10 s a read: the first job "took" 10 s, 5 are left (50 s): threads start, and the clock is not read again.
    let t = 0;
    let slowReads = 0;
    const slow = await run({ clock: () => (slowReads++, (t += 10_000)) });
    expect(slowReads).toBe(2);
    expect([still.order, slow.order]).toEqual([[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5]]);
    expect(slow.results).toEqual(still.results);
    // Seed 001's manager: 9,000 in the pool and the fee on the investors' 24,000 (rate × 24,000).
    expect(still.results.map((r) => (r as { rows: string[][] }).rows.find((x) => x[0] === 'manager')![4])).toEqual(['13800.0000000', '15000.0000000', '16200.0000000', '17400.0000000', '18600.0000000', '19800.0000000']);
  });
});
