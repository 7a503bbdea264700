// One run end to end: run a scenario through the engine with the run writer as its sink, and
// write the whole output contract (the CSV files as the run goes, then summary.json and
// report.html) into a staged directory that is renamed into place only when complete. With no
// directory (a sweep job), the same run keeps only what the summary needs and writes nothing.
import { mkdirSync } from 'node:fs';
import type { EngineEvent } from '../engine/events.js';
import { type ServerTime, endsDay } from '../engine/time.js';
import { type OutputOptions, type OutputRequest, markResult, withOutputSync } from '../reports/output-dir.js';
import type { CsvDir } from '../reports/csv.js';
import { checkInvestorPages } from '../reports/investor-select.js';
import { checkPrinter } from '../reports/pdf.js';
import { writeRunReport } from '../reports/run.js';
import { type EquityRows, RunWriter } from '../reports/run-writer.js';
import { type Summary, buildSummary } from '../reports/summary.js';
import { runScenario } from './runner.js';
import type { Program } from '../engine/program.js';
import { type DaySnapshot, daySnapshot } from './run-stream.js';
import { type LoadOptions, type Scenario, loadScenario } from './scenario.js';

export { OUTPUT_FILES } from '../reports/run.js';

export interface RunResult {
  readonly scenario: Scenario;
  readonly summary: Summary;
  readonly outDir: string;
}

/** Runs a scenario (a file, or one already loaded) and writes the output contract into `outDir`. */
export function runToDirectory(source: string | Scenario, outDir: string, opts: LoadOptions & OutputOptions & Pick<RunFileOptions, 'rows' | 'onInstant' | 'onEvent' | 'onDay' | 'investorPages' | 'pdf'> = {}): RunResult {
  const scenario = typeof source === 'string' ? loadScenario(source, opts) : source;
  // A page asked for an investor the scenario lacks is refused before the run, not after it.
  checkInvestorPages(opts.investorPages, scenario.investors.map((i) => i.id));
  if (opts.pdf) checkPrinter();
  const summary = withOutputSync(outputRequest('run', scenario, outDir, opts), (dir) => writeRunFiles(scenario, dir, { rows: opts.rows, onInstant: opts.onInstant, onEvent: opts.onEvent, onDay: opts.onDay, investorPages: opts.investorPages, pdf: opts.pdf }));
  return { scenario, summary, outDir };
}

/** What `--out` must respect for a scenario: the files it reads. */
export function outputRequest(command: string, scenario: Scenario, target: string, opts: OutputOptions = {}): OutputRequest {
  return { target, command, scenarioHash: scenario.hash, inputs: scenario.inputs, onNote: opts.onNote };
}

/** A run inside another result (a variant of a comparison, the worst Monte Carlo seed, a kept sweep job): its own folder, marked as a result. */
export function writeNestedRun(scenario: Scenario, dir: string, opts: RunFileOptions = {}): Summary {
  mkdirSync(dir, { recursive: true });
  const summary = writeRunFiles(scenario, dir, opts);
  markResult(dir, { command: 'run', scenarioHash: scenario.hash });
  return summary;
}

export interface RunFileOptions {
  /** Sees every event as it is written. */
  readonly onEvent?: (e: EngineEvent) => void;
  /** How often equity.csv and margin.csv get rows (default `daily`). */
  readonly rows?: EquityRows;
  /** After every instant (progress). */
  readonly onInstant?: (time: ServerTime) => void;
  /** At the end of every server day of the run: the accounts and investors then (sim/run-stream.ts). */
  readonly onDay?: (day: DaySnapshot) => void;
  /** Every risk check exact at every price, without the float screen (tests: the outputs are the same). */
  readonly exactRisk?: boolean;
  /** Which investors get a tear sheet and printable statements: auto (default), all, none, top:N or ids separated by commas. */
  readonly investorPages?: string;
  /** Print the statements to PDF too (headless Chromium). */
  readonly pdf?: boolean;
}

/** Runs a loaded scenario; its CSV files go to `dir` (none when null). Returns the summary and the writer that saw the run. */
function runWithWriter(scenario: Scenario, dir: CsvDir, opts: RunFileOptions): { summary: Summary; writer: RunWriter } {
  const { onEvent, rows, onInstant, onDay } = opts;
  const writer = runWriter(scenario, dir, rows, onEvent);
  let program: ReturnType<typeof runScenario>;
  try {
    program = runScenario(scenario, writer, {
      afterInstant: (time, p, next) => {
        writer.snapshot(time, p, next);
        if (onDay && endsDay(time, next)) onDay(daySnapshot(time, p, scenario.quantum));
        onInstant?.(time);
      },
    }, (p) => p.journal.onEntry((e) => writer.entry(e)), { exactRisk: opts.exactRisk ?? false });
  } catch (e) {
    writer.abandon();
    throw e;
  }
  return { summary: finishRun(scenario, program, writer), writer };
}

/** The writer a run of `scenario` writes its CSV files with (into `dir`; none when null). */
export function runWriter(scenario: Scenario, dir: CsvDir, rows?: EquityRows, onEvent?: (e: EngineEvent) => void): RunWriter {
  return new RunWriter(dir, scenario.quantum, scenario.instruments, scenario.structure, onEvent, rows, scenario.risk ? Number(scenario.risk.stopOut) : undefined);
}

/** After the last instant: the open positions, costs and fee periods written, the files closed, and the run's summary. */
export function finishRun(scenario: Scenario, program: Program, writer: RunWriter): Summary {
  try {
    writer.writeOpenPositions(program);
    writer.costs.close(program);
    writer.writePeriods(scenario.policies.performanceFee.period);
    writer.close();
  } catch (e) {
    writer.abandon();
    throw e;
  }
  return buildSummary(scenario, program, writer);
}

/** Runs a loaded scenario and writes the output contract into `dir`. */
export function writeRunFiles(scenario: Scenario, dir: string, opts: RunFileOptions = {}): Summary {
  const { summary, writer } = runWithWriter(scenario, dir, opts);
  writeRunReport(scenario, dir, summary, writer, { investorPages: opts.investorPages, pdf: opts.pdf });
  return summary;
}

/** Runs a loaded scenario for its summary alone: the same run as `writeRunFiles`, no file written. */
export function runSummary(scenario: Scenario, opts: RunFileOptions = {}): Summary {
  return runWithWriter(scenario, null, opts).summary;
}
