// A sweep's plan: the grid (a dotted path into the scenario and its values, from the scenario's
// `sweep` section and the command line), the variants, the seeds and the objectives, with every
// cell loaded once so bad input is said before anything runs or is written.
import YAML from 'yaml';
import { InputError } from './input-error.js';
import type { Json } from './reader.js';
import { type LoadOptions, type Override, type Scenario, loadJobScenario, loadVariants } from './scenario.js';
import { type ScenarioWarning, staticChecks } from './static-checks.js';
import { type Objective, parseObjective } from './sweep-cells.js';

/** One dimension of the grid: a dotted path into the scenario and the values it takes. */
export interface GridAxis {
  readonly path: string;
  readonly values: readonly Json[];
}

/** At most this many jobs in one sweep (cells × variants × seeds). */
export const MAX_SWEEP_JOBS = 100_000;

/** What a sweep's plan takes besides the scenario's own `sweep` section. */
export interface PlanOptions extends LoadOptions {
  /** Axes from the command line: one with the path of a section's axis replaces it, others are added. */
  readonly grid?: readonly GridAxis[];
  readonly seeds?: number;
  /** Replace the section's objectives. */
  readonly objectives?: readonly string[];
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
  if (!/^[^.=\s]+(\.[^.=\s]+)*$/.test(path)) throw new Error(`PATH=V1,V2,… with PATH a dotted path into the scenario (policies.performanceFee.period, investors.0.deposit, investors.0.risk.maxDrawdownPct), not ${JSON.stringify(text)}`);
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
  /** What the cells' runs would reject (the static checks of every cell, each said once). */
  readonly warnings: readonly ScenarioWarning[];
}

interface Section { description?: string; grid?: Record<string, Json[]>; seeds?: number; objectives?: string[] }

/** Top-level fields a grid cannot set: the job sets the seed itself, and the others do not change a run. */
const NOT_SWEPT: Readonly<Record<string, string>> = {
  seed: 'each job runs its own seed (use --seeds, or --seed for the first)',
  sweep: 'the sweep section describes the sweep itself', monteCarlo: 'a sweep runs its own seeds (--seeds)',
  variants: 'the variants are a dimension of the sweep already', name: 'it does not change a run', description: 'it does not change a run', $schema: 'it does not change a run',
};

/** Why a grid path is refused, or undefined. */
function refusedPath(path: string): string | undefined {
  const root = path.split('.')[0]!;
  return Object.hasOwn(NOT_SWEPT, root) ? `expected a path the grid can set, not ${path}: ${NOT_SWEPT[root]}` : undefined;
}

/** The sweep a scenario and the options describe, every cell loaded once to check it (bad input is said before anything runs). */
export function planSweep(file: string, opts: PlanOptions = {}): SweepPlan {
  const { base, variants } = loadVariants(file, opts);
  const section = (base.normalized.sweep ?? {}) as Section;
  const axes: Array<GridAxis & { fromCommandLine: boolean }> = Object.entries(section.grid ?? {}).map(([path, values]) => ({ path, values, fromCommandLine: false }));
  for (const a of axes) {
    const why = refusedPath(a.path);
    if (why) throw new InputError(file, `/sweep/grid/${a.path}`, why);
  }
  const given = new Set<string>();
  for (const a of opts.grid ?? []) {
    const why = refusedPath(a.path);
    if (why) throw new InputError('--grid', '', why);
    if (given.has(a.path)) throw new InputError('--grid', '', `expected each path once: ${a.path} is given twice (list all its values in one --grid ${a.path}=V1,V2,…)`);
    given.add(a.path);
    const at = axes.findIndex((x) => x.path === a.path);
    if (at >= 0) axes[at] = { ...a, fromCommandLine: true };
    else axes.push({ ...a, fromCommandLine: true });
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
  // Each cell loaded once: bad input is said now, and what a cell's run would reject is a warning (--strict refuses it).
  const warnings = new Map<string, { w: ScenarioWarning; cells: string[] }>();
  const describe = (p: readonly Override[], k: number, variant: string | null): string => [...(p.length ? [`grid point ${k + 1} (${p.map(([path, v]) => `${path}=${showValue(v)}`).join(', ')})`] : []), ...(variant ? [`variant ${variant}`] : [])].join(', ');
  points.forEach((p, k) => {
    for (const variant of names) {
      let cell: Scenario;
      try {
        cell = loadJobScenario({ file, dataDirs: opts.dataDirs, variant, overrides: p, seed: base.seed });
      } catch (e) {
        if (!(e instanceof InputError) || p.length === 0) throw e;
        const fromCommandLine = axes.some((a) => a.fromCommandLine && p.some(([path]) => path === a.path));
        throw new InputError(e.file, `sweep ${describe(p, k, variant)}${fromCommandLine ? ' (values from --grid)' : ''} → ${e.path}`, e.expected, undefined, e.more);
      }
      for (const found of staticChecks(cell)) {
        // A grid value's cell is read from the merged document, whose lines are not the file's.
        const w = p.length ? { path: found.path, message: found.message } : found;
        const key = `${w.path}\n${w.message}`;
        const entry = warnings.get(key) ?? { w, cells: [] };
        entry.cells.push(describe(p, k, variant) || 'the scenario');
        warnings.set(key, entry);
      }
    }
  });
  const cellCount = points.length * names.length;
  const warned = [...warnings.values()].map(({ w, cells }) => (cells.length === cellCount ? w : { ...w, message: `${w.message} (in ${cells.length === 1 ? cells[0] : `${cells.length} of ${cellCount} cells, the first ${cells[0]}`})` }));
  return { base, description: section.description ?? '', axes: axes.map(({ path, values }) => ({ path, values })), variants: names, seeds, objectives, points, warnings: warned };
}
