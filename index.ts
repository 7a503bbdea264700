// mamlab as a library: `import { loadScenario, runScenario, compare, sweep, monteCarlo } from 'mamlab'`.
// A thin layer over sim/ (the command line is another): each function here is one of the CLI's
// commands, with the same checks, the same output contract and the same bytes. Results are plain
// objects whose booked values are exact decimal strings.
import type { EngineEvent } from './engine/events.js';
import type { OutputOptions } from './reports/output-dir.js';
import type { EquityRows } from './reports/run-writer.js';
import type { Summary } from './reports/summary.js';
import { type CompareOptions, type ComparisonResult, compareToDirectory } from './sim/compare.js';
import { type MonteCarloOptions, type MonteCarloResult, monteCarloToDirectory } from './sim/monte-carlo.js';
import { runSummary, runToDirectory } from './sim/run-output.js';
import { type DaySnapshot, type RunEvent, runEvent } from './sim/run-stream.js';
import { type LoadOptions, type Scenario, type ScenarioVariants, loadScenario } from './sim/scenario.js';
import { type ScenarioWarning, staticChecks } from './sim/static-checks.js';
import { type SweepOptions, type SweepResult, sweepToDirectory } from './sim/sweep.js';
import type { Book } from './sim/book.js';
import { bookToDirectory } from './sim/book-output.js';
import type { BookSummary } from './reports/book-summary.js';

export { loadScenario, parseScenario, loadVariants } from './sim/scenario.js';
export type { LoadOptions, Scenario, ScenarioVariants, InvestorSpec, OrderSpec, FlowSpec } from './sim/scenario.js';
export { InputError } from './sim/input-error.js';
export { VERSION } from './sim/package-root.js';
export { OUTPUT_FILES } from './reports/run.js';
export { COMPARISON_FILES } from './reports/compare.js';
export { MONTE_CARLO_FILES } from './reports/monte-carlo.js';
export { SWEEP_FILES } from './sim/sweep.js';
export type { Summary } from './reports/summary.js';
export type { ComparisonResult, MonteCarloResult, SweepResult, ScenarioWarning, DaySnapshot, RunEvent, CompareOptions, MonteCarloOptions, SweepOptions };
export type { EquityRows } from './reports/run-writer.js';
export type { Strategy, StrategyContext, StrategyFactory, StrategyOrder, StrategyPosition } from './sim/strategy.js';

/** What `runScenario` takes besides the scenario. */
export interface RunOptions extends LoadOptions {
  /** Write the whole output contract (CSV files, summary.json, report.html, investors/) into this folder, as `mamlab run --out` does; without it nothing is written. */
  readonly out?: string;
  /** Every engine event as it happens, in order (the rows of events.csv). */
  readonly onEvent?: (event: RunEvent) => void;
  /** At the end of every server day: every account's and investor's equity then. */
  readonly onDay?: (day: DaySnapshot) => void;
  /** With `out`: equity.csv and margin.csv rows `daily` (default) or at every `instant`. */
  readonly rows?: EquityRows;
  /** With `out`: which investors get a tear sheet and statements: `auto` (default), `all`, `none`, `top:N` or ids separated by commas. */
  readonly investorPages?: string;
  /** With `out`: print the statements to PDF too (needs Chromium). */
  readonly pdf?: boolean;
  /** With `out`: what recovery of an interrupted earlier run on this folder did. */
  readonly onNote?: OutputOptions['onNote'];
}

/** A finished run. */
export interface RunResult {
  readonly scenario: Scenario;
  /** The run's summary (what summary.json holds): booked values are exact decimal strings. */
  readonly summary: Summary;
  /** The folder written, when `out` was given. */
  readonly outDir?: string;
}

/**
 * Runs one scenario (a file path, or one `loadScenario` returned) to its end, at its seed: as
 * `mamlab run --single` (a scenario's `monteCarlo` seeds are `monteCarlo`'s). Throws `InputError`
 * on bad input, before anything is written. Deterministic: the same scenario and seed give the
 * same summary and the same files, byte for byte.
 */
export function runScenario(source: string | Scenario, opts: RunOptions = {}): RunResult {
  // An option that would do nothing is a mistake worth a message, not a silent default.
  if (typeof source !== 'string' && (opts.seed !== undefined || opts.dataDirs !== undefined)) throw new TypeError('runScenario: seed and dataDirs apply when the scenario is a path; pass them to loadScenario instead');
  if (opts.out === undefined && (opts.rows !== undefined || opts.investorPages !== undefined || opts.pdf !== undefined)) throw new TypeError('runScenario: rows, investorPages and pdf shape the files written; they need out');
  const scenario = typeof source === 'string' ? loadScenario(source, opts) : source;
  const stream = {
    ...(opts.onEvent ? { onEvent: (e: EngineEvent) => opts.onEvent!(runEvent(e, scenario.quantum, scenario.instruments)) } : {}),
    ...(opts.onDay ? { onDay: opts.onDay } : {}),
  };
  if (opts.out === undefined) return { scenario, summary: runSummary(scenario, stream) };
  const r = runToDirectory(scenario, opts.out, {
    ...stream,
    ...(opts.rows ? { rows: opts.rows } : {}),
    ...(opts.investorPages ? { investorPages: opts.investorPages } : {}),
    ...(opts.pdf ? { pdf: true } : {}),
    ...(opts.onNote ? { onNote: opts.onNote } : {}),
  });
  return { scenario, summary: r.summary, outDir: r.outDir };
}

/** The static checks `mamlab validate` prints: what in a valid scenario will not do what it seems to (warnings, not errors). */
export function checkScenario(scenario: Scenario): ScenarioWarning[] {
  return staticChecks(scenario);
}

/** The job commands write their results (and keep finished jobs beside them to resume): a JavaScript caller gets a clear TypeError without a folder. */
function needsOut(what: string, opts: { readonly out?: unknown } | undefined): void {
  if (typeof opts?.out !== 'string' || opts.out === '') throw new TypeError(`${what}: give { out: FOLDER }, where its results are written (as the command's --out)`);
}

/** Every variant of a scenario on the same prices, orders and investors (`mamlab compare`), written into `out`. */
export function compare(source: string | ScenarioVariants, opts: CompareOptions & { readonly out: string }): Promise<ComparisonResult> {
  needsOut('compare', opts);
  return compareToDirectory(source, opts.out, opts);
}

/** A grid of terms × variants × seeds, ranked by the objectives (`mamlab sweep`), written into `out`. */
export function sweep(file: string, opts: SweepOptions & { readonly out: string }): Promise<SweepResult> {
  needsOut('sweep', opts);
  return sweepToDirectory(file, opts.out, opts);
}

/** The scenario over seeds first, first+1, … (`mamlab run --seeds N`): distributions and the worst seed, written into `out`. */
export function monteCarlo(source: string | Scenario, opts: MonteCarloOptions & { readonly out: string }): Promise<MonteCarloResult> {
  needsOut('monteCarlo', opts);
  return monteCarloToDirectory(source, opts.out, opts);
}

export { loadBook, parseBook, loadBookVariants, isBookFile } from './sim/book.js';
export type { Book, BookProgram, Netting } from './sim/book.js';
export type { BookSummary, BookFigures, BookProgramSummary } from './reports/book-summary.js';
export type { LeaderboardRow, LeaderboardEntry } from './reports/leaderboard.js';
export { BOOK_FILES, COMBINED_FILES } from './sim/book-output.js';

/**
 * Runs a broker's book (a file path, or one `loadBook` returned) into `out`, as `mamlab run` does
 * for a book file (docs/book.md): each program's outputs under programs/<id>/, the book's beside
 * them. Returns the book's summary. Throws `InputError` on bad input, before anything is written.
 */
export function runBook(source: string | Book, opts: LoadOptions & Pick<RunOptions, 'rows' | 'investorPages' | 'pdf'> & { readonly out: string; readonly onNote?: OutputOptions['onNote'] }): BookSummary {
  if (typeof opts?.out !== 'string') throw new TypeError('runBook writes its outputs into a folder: pass { out: DIR }');
  if (typeof source !== 'string' && (opts.seed !== undefined || opts.dataDirs !== undefined)) throw new TypeError('seed and dataDirs apply when runBook reads the book: pass them to loadBook, or pass runBook the file');
  return bookToDirectory(source, opts.out, opts).summary;
}
