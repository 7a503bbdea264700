// `mamlab sweep`: every combination of a grid over scenario paths × the scenario's variants ×
// seeds, each combination at each seed one job (sim/jobs.ts). results.csv gets a tidy row per job
// and subject as jobs are handed over in job order; cells.csv, sweep.json and sweep.html the
// distributions per cell ranked on the objectives (sim/sweep-cells.ts). Memory holds one cell's
// seeds and one row per cell, never the jobs' rows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { CsvWriter } from '../reports/csv.js';
import { type OutputOptions, withOutput } from '../reports/output-dir.js';
import { writeSweepPage } from '../reports/sweep.js';
import { InputError } from './input-error.js';
import { WorkArea, workAreaFor } from './job-cache.js';
import { type Executor, type Job, type JobProgress, type SweepTask, job, runJobs } from './jobs.js';
import { outputRequest } from './run-output.js';
import { type LoadOptions, type Override, type Scenario, loadJobScenario, loadVariants } from './scenario.js';
import { CELL_FIGURE_COLUMNS, CellAccumulator, type CellRow, type Objective, parseObjective, rankCells } from './sweep-cells.js';
import { FIGURES, SUBJECT_COLUMNS, type SweepJobResult } from './sweep-figures.js';
import type { Json } from './reader.js';

/** One dimension of the grid: a dotted path into the scenario and the values it takes. */
export interface GridAxis {
  readonly path: string;
  readonly values: readonly Json[];
}

/** At most this many jobs in one sweep (cells × variants × seeds). */
export const MAX_SWEEP_JOBS = 100_000;

export const SWEEP_FILES = ['results.csv', 'cells.csv', 'sweep.json', 'sweep.html'] as const;

export interface SweepOptions extends LoadOptions, OutputOptions {
  /** Axes from the command line: one with the path of a section's axis replaces it, others are added. */
  readonly grid?: readonly GridAxis[];
  readonly seeds?: number;
  /** Replace the section's objectives. */
  readonly objectives?: readonly string[];
  readonly workers?: number;
  readonly executor?: Executor;
  /** Each job's full run as a folder `job-CELL-VARIANT-sSEED` (such jobs always run: their folders are in the result being written). */
  readonly keepRuns?: boolean;
  readonly onProgress?: (p: JobProgress) => void;
  /** The plan `planSweep` made of these options (so the scenario is not loaded and checked twice). */
  readonly plan?: SweepPlan;
}

/** Splits `a,b,[1,2],"x,y"` at the commas outside brackets and quotes. */
function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0, quote = '', cur = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out.map((v) => v.trim());
}

/**
 * A grid axis from the command line, `PATH=V1,V2,…`: each value read as YAML (0.25 a number,
 * monthly a string, true a boolean, [1, 2] a list, "a,b" a string with a comma); a decimal with
 * more digits than a float keeps exactly is kept as the text written. Throws an Error saying what was expected.
 */
export function parseGridOption(text: string): GridAxis {
  const eq = text.indexOf('=');
  const path = eq < 0 ? '' : text.slice(0, eq).trim();
  if (!/^[A-Za-z_$][\w$]*(\.([A-Za-z_$][\w$]*|0|[1-9][0-9]*))*$/.test(path)) throw new Error(`PATH=V1,V2,… with PATH a dotted path into the scenario (policies.performanceFee.period, investors.0.deposit), not ${JSON.stringify(text)}`);
  const values = splitValues(text.slice(eq + 1)).map((v): Json => {
    if (v === '') throw new Error(`a value between every two commas in ${JSON.stringify(text)}`);
    if (/^-?[0-9]+(\.[0-9]+)?$/.test(v)) return String(Number(v)) === v ? Number(v) : v;
    try {
      return YAML.parse(v) as Json;
    } catch (e) {
      throw new Error(`a YAML value, not ${JSON.stringify(v)} (${(e as Error).message.split('\n')[0]})`);
    }
  });
  return { path, values };
}

/** A value as a column shows it: a string as is, anything else as JSON. */
export function showValue(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export interface SweepPlan {
  readonly base: Scenario;
  readonly description: string;
  readonly axes: readonly GridAxis[];
  /** The variants run in each grid point (none: the scenario as written). */
  readonly variants: readonly (string | null)[];
  readonly seeds: readonly number[];
  readonly objectives: readonly Objective[];
  /** Grid points in order (the last axis changes fastest), each a list of overrides. */
  readonly points: ReadonlyArray<readonly Override[]>;
}

interface Section { description?: string; grid?: Record<string, Json[]>; seeds?: number; objectives?: string[] }

/** The sweep a scenario and the options describe, every cell loaded once to check it (bad input is said before anything runs). */
export function planSweep(file: string, opts: SweepOptions = {}): SweepPlan {
  const { base, variants } = loadVariants(file, opts);
  const section = (base.normalized.sweep ?? {}) as Section;
  const axes: GridAxis[] = Object.entries(section.grid ?? {}).map(([path, values]) => ({ path, values }));
  for (const a of opts.grid ?? []) {
    const at = axes.findIndex((x) => x.path === a.path);
    if (at >= 0) axes[at] = a;
    else axes.push(a);
  }
  const n = opts.seeds ?? section.seeds ?? base.monteCarloSeeds ?? 1;
  const seeds = Array.from({ length: n }, (_, k) => base.seed + k);
  const objectives = (opts.objectives ?? section.objectives ?? []).map((text, i) => {
    try {
      return parseObjective(text);
    } catch (e) {
      throw new InputError(opts.objectives ? '--objective' : file, opts.objectives ? `(${text})` : `/sweep/objectives/${i}`, (e as Error).message);
    }
  });
  let points: Override[][] = [[]];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => [...p, [a.path, v] as Override]));
  const names = variants.length ? variants.map((v) => v.name) : [null];
  const jobs = points.length * names.length * seeds.length;
  if (jobs > MAX_SWEEP_JOBS) throw new InputError(file, '/sweep', `at most ${MAX_SWEEP_JOBS.toLocaleString('en-US')} jobs (grid points × variants × seeds); this sweep has ${points.length} × ${names.length} × ${seeds.length} = ${jobs.toLocaleString('en-US')}`);
  points.forEach((p, k) => {
    for (const variant of names) {
      try {
        loadJobScenario({ file, dataDirs: opts.dataDirs, variant, overrides: p, seed: base.seed });
      } catch (e) {
        if (!(e instanceof InputError) || p.length === 0) throw e;
        throw new InputError(e.file, `sweep grid point ${k + 1} (${p.map(([path, v]) => `${path}=${showValue(v)}`).join(', ')})${variant ? `, variant ${variant}` : ''} → ${e.path}`, e.expected, undefined, e.more);
      }
    }
  });
  return { base, description: section.description ?? '', axes, variants: names, seeds, objectives, points };
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
        const task: SweepTask = { kind: 'sweep', scenarioHash: plan.base.hash, scenario: { file: plan.base.file, dataDirs: opts.dataDirs, variant, overrides: p, seed }, ...(keepRun ? { keepRun } : {}) };
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
  let work: WorkArea | undefined;
  const result = await withOutput(outputRequest('sweep', plan.base, outDir, opts), async (dir) => {
    const jobs = sweepJobs(plan, opts, dir);
    // Kept runs are written into this result as it is staged: those jobs are never taken from the work area.
    const cache = (work = new WorkArea(workAreaFor(dir), outDir));
    const resumed = opts.keepRuns ? 0 : jobs.filter((j) => cache.has(j.key)).length;
    const tables = new SweepTables(dir, plan.axes);
    await runJobs(jobs, { workers: opts.workers, executor: opts.executor, cache, onProgress: opts.onProgress }, (j, r, i) => {
      tables.add(jobs[i]!.cell, j.task.scenario.variant ?? null, jobs[i]!.params, j.task.scenario.seed, r as SweepJobResult);
    });
    const cells = tables.finish(plan.objectives);
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(sweepJson(plan, jobs.length, cells), null, 2) + '\n');
    writeSweepPage(dir, plan, cells);
    return { plan, jobs: jobs.length, resumed, cells };
  });
  work?.remove();
  return result;
}

/** sweep.json: what was swept and the best cells (every cell is in cells.csv). */
function sweepJson(plan: SweepPlan, jobs: number, cells: readonly CellRow[]): unknown {
  const top = [...cells].sort((a, b) => a.rank! - b.rank!).slice(0, 10);
  return {
    scenario: plan.base.name, scenarioHash: plan.base.hash, description: plan.description,
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
