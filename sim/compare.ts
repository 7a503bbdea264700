// `mamlab compare`: a scenario's variants on the same prices, orders and investors, each a job
// (sim/jobs.ts) that writes its full run into a folder of the variant's name; the comparison's
// tables are made from the summaries in variant order (reports/compare.ts). With several seeds,
// each variant also runs seed+1, … as sweep jobs, and results.csv and cells.csv give each
// variant's distribution over the seeds (the first seed's figures come from its full run).
import { join } from 'node:path';
import { type Comparison, COMPARISON_FILES, type SummaryLike, writeComparison } from '../reports/compare.js';
import { MARKER, type OutputOptions, withOutput } from '../reports/output-dir.js';
import type { EquityRows } from '../reports/run-writer.js';
import type { Summary } from '../reports/summary.js';
import { seedsSection } from '../reports/sweep.js';
import { InputError } from './input-error.js';
import { WorkArea, workAreaFor } from './job-cache.js';
import { type Job, type RunnerOptions, type Task, job, runJobs } from './jobs.js';
import { outputRequest } from './run-output.js';
import { type LoadOptions, type ScenarioVariants, loadVariants, requireFromFile } from './scenario.js';
import type { CellRow } from './sweep-cells.js';
import { type SweepJobResult, sweepJobResult } from './sweep-figures.js';
import { SweepTables } from './sweep.js';

export { COMPARISON_COLUMNS, COMPARISON_FILES } from '../reports/compare.js';

export interface CompareOptions extends LoadOptions, OutputOptions, RunnerOptions {
  readonly rows?: EquityRows;
  /** Seeds per variant (default 1: the scenario's seed alone). */
  readonly seeds?: number;
}

export interface ComparisonResult extends Comparison {
  /** With several seeds: each variant's distributions over them (cells.csv), in variant order. */
  readonly cells?: readonly CellRow[];
}

/** Runs every variant of a scenario (a file, or its variants already loaded from one) and writes the comparison into `outDir`. */
export async function compareToDirectory(source: string | ScenarioVariants, outDir: string, opts: CompareOptions = {}): Promise<ComparisonResult> {
  const { base, variants } = typeof source === 'string' ? loadVariants(source, opts) : source;
  requireFromFile(base, 'a comparison');
  const file = base.file;
  if (variants.length === 0) throw new InputError(file, '/variants', 'expected at least one variant to compare');
  // Each variant's run is a folder beside the comparison's own files.
  const taken = [...COMPARISON_FILES, 'results.csv', 'cells.csv', MARKER].map((f) => f.toLowerCase());
  variants.forEach((v, i) => {
    if (taken.includes(v.name.toLowerCase())) throw new InputError(file, `/variants/${i}/name`, `${v.name} is the name of a file the comparison writes (${[...COMPARISON_FILES, 'results.csv', 'cells.csv'].join(', ')}): choose another variant name`);
  });
  const seeds = Array.from({ length: opts.seeds ?? 1 }, (_, k) => base.seed + k);
  const dataDirs = opts.dataDirs ?? [];
  let work: WorkArea | undefined;
  const result = await withOutput(outputRequest('compare', base, outDir, opts), async (dir) => {
    // Variant by variant: its full run at the first seed, then its other seeds (results.csv in that order).
    const jobs: Job[] = variants.flatMap((v) => [
      job({ kind: 'run', scenarioHash: base.sourceHash, scenario: { file, dataDirs, variant: v.name, seed: base.seed }, dir: join(dir, v.name), ...(opts.rows ? { rows: opts.rows } : {}) }),
      ...seeds.slice(1).map((seed) => job({ kind: 'sweep', scenarioHash: base.sourceHash, scenario: { file, dataDirs, variant: v.name, seed } })),
    ]);
    if (seeds.length > 1) work = new WorkArea(workAreaFor(dir), outDir);
    const tables = seeds.length > 1 ? new SweepTables(dir, []) : undefined;
    const index = new Map(variants.map((v, i) => [v.name, i + 1]));
    const summaries: Summary[] = [];
    try {
      await runJobs(jobs, { workers: opts.workers, executor: opts.executor, cache: work, onProgress: opts.onProgress, clock: opts.clock }, (j: Job<Task>, r) => {
        const { variant, seed } = j.task.scenario;
        if (j.task.kind === 'run') summaries.push(r as Summary);
        tables?.add(index.get(variant!)!, variant!, [], seed, j.task.kind === 'run' ? sweepJobResult(r as Summary) : (r as SweepJobResult));
      });
    } catch (e) {
      tables?.abandon();
      work?.dropOnBadInput(e);
      throw e;
    }
    const cells = tables?.finish([]);
    const named = variants.map((v, i) => ({ name: v.name, summary: summaries[i] as unknown as SummaryLike }));
    const comparison = await writeComparison(dir, base.name, named, cells ? seedsSection(cells, seeds) : '');
    // Under the output's lock: no other run on this --out is using the work area now.
    work?.remove();
    return { ...comparison, ...(cells ? { cells } : {}) };
  });
  return result;
}
