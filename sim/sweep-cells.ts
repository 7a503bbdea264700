// A sweep's cells (one grid point × one variant) over their seeds: each figure's distribution
// (mean, 5/50/95% quantiles by nearest rank, worst seed), the probability of a stop-out and of a
// breach, and the cells ranked on the user's objectives ("max manager_net", "tracking_error_worst_q95
// < 0.005"). Cells arrive one after another (jobs are in cell order), so memory holds one cell's
// seeds at a time plus one row per cell.
import { Dec } from '../engine/decimal.js';
import { quantile } from './monte-carlo.js';
import { FIGURES, type Figure, plainFloat } from './sweep-figures.js';

export const STATS = ['mean', 'q05', 'q50', 'q95', 'worst'] as const;
export type Stat = (typeof STATS)[number];

/** cells.csv's figure columns: each figure's statistics, then the two probabilities. */
export const CELL_FIGURE_COLUMNS: readonly string[] = [...FIGURES.flatMap((f) => STATS.map((s) => `${f.name}_${s}`)), 'stop_out_probability', 'breach_probability'];

export interface CellRow {
  /** 1, 2, … in the sweep's order. */
  readonly cell: number;
  readonly variant: string;
  readonly params: readonly string[];
  readonly seeds: number;
  /** By column name (CELL_FIGURE_COLUMNS); '' when no seed had the figure. */
  readonly values: Readonly<Record<string, string>>;
  feasible: boolean;
  rank: number | null;
}

/** A float mean or share: plain digits, 10 decimals at most. */
const round10 = (x: number): string => plainFloat(x);

/** One figure's statistics over the seeds that have it. */
function stats(f: Figure, raw: readonly string[]): Record<Stat, string> {
  const xs = raw.filter((v) => v !== '').map((v) => new Dec(v)).sort((a, b) => a.cmp(b));
  if (xs.length === 0) return { mean: '', q05: '', q50: '', q95: '', worst: '' };
  const sum = xs.reduce((a, b) => a.plus(b), new Dec(0));
  const mean = f.unit === 'USD' ? sum.div(xs.length).toDecimalPlaces(7, Dec.ROUND_HALF_UP).toFixed(7) : round10(sum.div(xs.length).toNumber());
  const show = (d: Dec): string => (f.unit === 'USD' ? d.toFixed(7) : d.toFixed());
  // The worst seed for the one who reads the figure: the lowest of what is better higher, else the highest.
  const worst = f.better === 'higher' ? xs[0]! : xs[xs.length - 1]!;
  return { mean, q05: show(quantile(xs, 0.05)), q50: show(quantile(xs, 0.5)), q95: show(quantile(xs, 0.95)), worst: show(worst) };
}

/** Collects a cell's jobs (its seeds, in order) and gives its row. */
export class CellAccumulator {
  private readonly figures: string[][] = FIGURES.map(() => []);
  private seeds = 0;
  constructor(readonly cell: number, readonly variant: string, readonly params: readonly string[]) {}
  add(figures: readonly string[]): void {
    figures.forEach((v, i) => this.figures[i]!.push(v));
    this.seeds++;
  }
  row(): CellRow {
    const values: Record<string, string> = {};
    FIGURES.forEach((f, i) => {
      const s = stats(f, this.figures[i]!);
      for (const k of STATS) values[`${f.name}_${k}`] = s[k];
    });
    const share = (name: string): string => round10(this.figures[FIGURES.findIndex((f) => f.name === name)]!.filter((v) => v !== '' && Number(v) > 0).length / this.seeds);
    values.stop_out_probability = share('stop_outs');
    values.breach_probability = share('breaches');
    return { cell: this.cell, variant: this.variant, params: this.params, seeds: this.seeds, values, feasible: true, rank: null };
  }
}

// ------------------------------------------------------------------ objectives

export type Objective =
  | { readonly kind: 'goal'; readonly text: string; readonly column: string; readonly direction: 'max' | 'min' }
  | { readonly kind: 'constraint'; readonly text: string; readonly column: string; readonly op: '<' | '<=' | '>' | '>='; readonly bound: Dec };

/** A figure's column: the name as given, or a figure alone meaning its mean. */
function columnOf(name: string): string | undefined {
  if (CELL_FIGURE_COLUMNS.includes(name)) return name;
  if (FIGURES.some((f) => f.name === name)) return `${name}_mean`;
  return undefined;
}

/** Reads `max NAME`, `min NAME` or `NAME < X` (<, <=, >, >=); throws an Error whose message says what was expected. */
export function parseObjective(text: string): Objective {
  // Figure names are lower case; max/min and the names are read in any case.
  const t = text.trim().toLowerCase();
  const goal = /^(max|min|maximize|minimize)\s+([a-z0-9_]+)$/i.exec(t);
  if (goal) {
    const column = columnOf(goal[2]!);
    if (!column) throw new Error(unknownFigure(goal[2]!));
    return { kind: 'goal', text: t, column, direction: goal[1]!.toLowerCase().startsWith('max') ? 'max' : 'min' };
  }
  const c = /^([a-z0-9_]+)\s*(<=|>=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?)$/i.exec(t);
  if (c) {
    const column = columnOf(c[1]!);
    if (!column) throw new Error(unknownFigure(c[1]!));
    return { kind: 'constraint', text: t, column, op: c[2] as '<' | '<=' | '>' | '>=', bound: new Dec(c[3]!) };
  }
  throw new Error(`"max FIGURE", "min FIGURE" or "FIGURE < NUMBER" (<, <=, >, >=), such as "max manager_net" or "tracking_error_worst_q95 < 0.005"`);
}

function unknownFigure(name: string): string {
  return `a figure of cells.csv: one of ${FIGURES.map((f) => f.name).join(', ')} (each alone means its mean, or with _mean, _q05, _q50, _q95 or _worst), stop_out_probability or breach_probability; not ${name}`;
}

function meets(row: CellRow, c: Extract<Objective, { kind: 'constraint' }>): boolean {
  const v = row.values[c.column];
  // A cell without the figure (no MAM investor for a MAM tracking error) does not meet the constraint.
  if (v === undefined || v === '') return false;
  const cmp = new Dec(v).cmp(c.bound);
  return c.op === '<' ? cmp < 0 : c.op === '<=' ? cmp <= 0 : c.op === '>' ? cmp > 0 : cmp >= 0;
}

/**
 * Marks each cell feasible (every constraint met) and ranks them: feasible cells first, then by
 * each goal in turn (a cell without the figure after those with it), ties in cell order. Without
 * a goal the rank is the cell order among the feasible, then the rest.
 */
export function rankCells(rows: CellRow[], objectives: readonly Objective[]): void {
  const constraints = objectives.filter((o): o is Extract<Objective, { kind: 'constraint' }> => o.kind === 'constraint');
  const goals = objectives.filter((o): o is Extract<Objective, { kind: 'goal' }> => o.kind === 'goal');
  for (const r of rows) r.feasible = constraints.every((c) => meets(r, c));
  const order = [...rows].sort((a, b) => {
    if (a.feasible !== b.feasible) return a.feasible ? -1 : 1;
    for (const g of goals) {
      const x = a.values[g.column] ?? '', y = b.values[g.column] ?? '';
      if (x === '' || y === '') {
        if (x !== y) return x === '' ? 1 : -1;
        continue;
      }
      const c = new Dec(x).cmp(y);
      if (c !== 0) return g.direction === 'max' ? -c : c;
    }
    return a.cell - b.cell;
  });
  order.forEach((r, i) => (r.rank = i + 1));
}
