// `mamlab sweep`: every combination of a grid over scenario paths × the scenario's variants ×
// seeds, each combination at each seed one job (sim/jobs.ts). results.csv gets a tidy row per job
// and subject as jobs are handed over in job order; cells.csv, sweep.json and sweep.html the
// distributions per cell ranked on the objectives (sim/sweep-cells.ts). Memory holds one cell's
// seeds and one row per cell, never the jobs' rows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvWriter } from '../reports/csv.js';
import { type OutputOptions, withOutput } from '../reports/output-dir.js';
import { writeSweepPage } from '../reports/sweep.js';
import { WorkArea, workAreaFor } from './job-cache.js';
import { type Job, type RunnerOptions, type SweepTask, job, runJobs } from './jobs.js';
import { outputRequest } from './run-output.js';
import { CELL_FIGURE_COLUMNS, CellAccumulator, type CellRow, type Objective, rankCells } from './sweep-cells.js';
import { FIGURES, SUBJECT_COLUMNS, type SweepJobResult } from './sweep-figures.js';
import { type GridAxis, type PlanOptions, type SweepPlan, planSweep, showValue } from './sweep-plan.js';

export { type GridAxis, MAX_SWEEP_JOBS, type PlanOptions, type SweepPlan, parseGridOption, planSweep, showValue } from './sweep-plan.js';

export const SWEEP_FILES = ['results.csv', 'cells.csv', 'sweep.json', 'sweep.html'] as const;

export interface SweepOptions extends PlanOptions, OutputOptions, RunnerOptions {
  /** Each job's full run as a folder `job-CELL-VARIANT-sSEED` (such jobs always run: their folders are in the result being written). */
  readonly keepRuns?: boolean;
  /** The plan `planSweep` made of these options (so the scenario is not loaded and checked twice). */
  readonly plan?: SweepPlan;
}

export interface SweepResult {
  readonly plan: SweepPlan;
  readonly jobs: number;
  /** Jobs found finished in the work area (a resumed sweep). */
  readonly resumed: number;
  /** In cell order, with rank and feasibility. */
  readonly cells: readonly CellRow[];
}

/** The job order: grid point, then variant, then seed (seeds innermost, so a cell's jobs are adjacent). */
function sweepJobs(plan: SweepPlan, opts: SweepOptions, dir: string): Array<Job<SweepTask> & { cell: number; params: string[] }> {
  const out: Array<Job<SweepTask> & { cell: number; params: string[] }> = [];
  let cell = 0;
  for (const p of plan.points) {
    for (const variant of plan.variants) {
      cell++;
      for (const seed of plan.seeds) {
        const keepRun = opts.keepRuns ? join(dir, `job-${cell}${variant ? `-${variant}` : ''}-s${seed}`) : undefined;
        const task: SweepTask = { kind: 'sweep', scenarioHash: plan.base.sourceHash, scenario: { file: plan.base.file, dataDirs: opts.dataDirs, variant, overrides: p, seed }, ...(keepRun ? { keepRun } : {}) };
        out.push({ ...job(task), cell, params: p.map(([, v]) => showValue(v)) });
      }
    }
  }
  return out;
}

/** The tables of a sweep from its jobs' results, written as the results arrive in job order. */
export class SweepTables {
  private readonly results: CsvWriter;
  private current: CellAccumulator | undefined;
  readonly cells: CellRow[] = [];
  constructor(private readonly dir: string, readonly axes: readonly GridAxis[]) {
    this.results = new CsvWriter(join(dir, 'results.csv'), ['cell', 'variant', 'seed', ...axes.map((a) => a.path), ...SUBJECT_COLUMNS]);
  }
  add(cell: number, variant: string | null, params: readonly string[], seed: number, r: SweepJobResult): void {
    for (const row of r.rows) this.results.row([cell, variant ?? '', seed, ...params, ...row]);
    if (this.current?.cell !== cell) {
      if (this.current) this.cells.push(this.current.row());
      this.current = new CellAccumulator(cell, variant ?? '', params);
    }
    this.current.add(r.figures);
  }
  /** After a failure: closes results.csv without writing more (the staged result is removed). */
  abandon(): void {
    this.results.abandon();
  }
  /** Closes results.csv, ranks the cells and writes cells.csv. */
  finish(objectives: readonly Objective[]): CellRow[] {
    if (this.current) this.cells.push(this.current.row());
    this.current = undefined;
    this.results.close();
    rankCells(this.cells, objectives);
    const csv = new CsvWriter(join(this.dir, 'cells.csv'), ['cell', 'variant', ...this.axes.map((a) => a.path), 'seeds', ...CELL_FIGURE_COLUMNS, 'feasible', 'rank']);
    for (const c of this.cells) csv.row([c.cell, c.variant, ...c.params, c.seeds, ...CELL_FIGURE_COLUMNS.map((k) => c.values[k]), c.feasible ? 'yes' : 'no', c.rank]);
    csv.close();
    return this.cells;
  }
}

/** Runs the sweep and writes results.csv, cells.csv, sweep.json and sweep.html into `outDir`. */
export async function sweepToDirectory(file: string, outDir: string, opts: SweepOptions = {}): Promise<SweepResult> {
  const plan = opts.plan ?? planSweep(file, opts);
  return withOutput(outputRequest('sweep', plan.base, outDir, opts), async (dir) => {
    const jobs = sweepJobs(plan, opts, dir);
    // Kept runs are written into this result as it is staged: those jobs are never taken from the work area.
    const work = new WorkArea(workAreaFor(dir), outDir);
    const resumed = opts.keepRuns ? 0 : jobs.filter((j) => work.has(j.key)).length;
    const tables = new SweepTables(dir, plan.axes);
    try {
      await runJobs(jobs, { workers: opts.workers, executor: opts.executor, cache: work, onProgress: opts.onProgress, clock: opts.clock }, (j, r, i) => {
        tables.add(jobs[i]!.cell, j.task.scenario.variant ?? null, jobs[i]!.params, j.task.scenario.seed, r as SweepJobResult);
      });
    } catch (e) {
      tables.abandon();
      work.dropOnBadInput(e);
      throw e;
    }
    const cells = tables.finish(plan.objectives);
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(sweepJson(plan, jobs.length, cells), null, 2) + '\n');
    writeSweepPage(dir, plan, cells);
    // Under the output's lock: no other run on this --out is using the work area now.
    work.remove();
    return { plan, jobs: jobs.length, resumed, cells };
  });
}

/** sweep.json: what was swept and the best cells (every cell is in cells.csv). */
function sweepJson(plan: SweepPlan, jobs: number, cells: readonly CellRow[]): unknown {
  const top = [...cells].sort((a, b) => a.rank! - b.rank!).slice(0, 10);
  return {
    scenario: plan.base.name, scenarioHash: plan.base.sourceHash, description: plan.description,
    grid: plan.axes.map((a) => ({ path: a.path, values: a.values })), variants: plan.variants.filter((v) => v !== null),
    seeds: { first: plan.seeds[0], count: plan.seeds.length }, jobs, cells: cells.length,
    objectives: plan.objectives.map((o) => o.text),
    figures: FIGURES.map((f) => ({ name: f.name, unit: f.unit, better: f.better, describe: f.describe })),
    conventions: {
      quantiles: 'nearest rank over the seeds: the ⌈q·n⌉-th smallest', worst: "the seed worst for the figure's reader: the lowest of a figure better higher, the highest of one better lower",
      mean: 'USD amounts: exact, rounded half-up to 7 decimals; ratios and counts: floats rounded to 10 decimals',
      ranking: 'cells meeting every constraint first, then by each max/min objective in turn (a cell without the figure after those with it), ties in cell order',
    },
    best: top.map((c) => ({ rank: c.rank, cell: c.cell, variant: c.variant || null, params: Object.fromEntries(plan.axes.map((a, i) => [a.path, c.params[i]])), feasible: c.feasible, values: Object.fromEntries(plan.objectives.map((o) => [o.column, c.values[o.column]])) })),
  };
}
