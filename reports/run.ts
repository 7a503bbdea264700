// One run end to end: load the scenario, run it, and write the whole output contract
// (summary.json, the CSV files and report.html) into a staged directory that is renamed into place only when complete.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../engine/events.js';
import type { ServerTime } from '../engine/time.js';
import { runScenario } from '../sim/runner.js';
import { type LoadOptions, type Scenario, loadScenario } from '../sim/scenario.js';
import { type OutputOptions, type OutputRequest, markResult, withOutputSync } from './output-dir.js';
import { equityChartSvg, healthChartSvg } from './chart.js';
import { renderReport, riskSection } from './html.js';
import { type EquityRows, RunWriter } from './run-writer.js';
import { type Summary, buildSummary } from './summary.js';

export const OUTPUT_FILES = ['summary.json', 'journal.csv', 'trades.csv', 'equity.csv', 'events.csv', 'executions.csv', 'statements.csv', 'fee-account.csv', 'costs.csv', 'rebates.csv', 'broker.csv', 'margin.csv', 'periods.csv', 'report.html'] as const;

export interface RunResult {
  readonly scenario: Scenario;
  readonly summary: Summary;
  readonly outDir: string;
}

/** Runs a scenario (a file, or one already loaded) and writes the output contract into `outDir`. */
export function runToDirectory(source: string | Scenario, outDir: string, opts: LoadOptions & OutputOptions & { rows?: EquityRows; onInstant?: (time: ServerTime) => void } = {}): RunResult {
  const scenario = typeof source === 'string' ? loadScenario(source, opts) : source;
  const summary = withOutputSync(outputRequest('run', scenario, outDir, opts), (dir) => writeRunFiles(scenario, dir, { rows: opts.rows, onInstant: opts.onInstant }));
  return { scenario, summary, outDir };
}

/** What `--out` must respect for a scenario: the files it reads. */
export function outputRequest(command: string, scenario: Scenario, target: string, opts: OutputOptions = {}): OutputRequest {
  return { target, command, scenarioHash: scenario.hash, inputs: scenario.inputs, onNote: opts.onNote };
}


/** A run inside another result (a variant of a comparison, the worst Monte Carlo seed): its own folder, marked as a result. */
export function writeNestedRun(scenario: Scenario, dir: string, opts: RunFileOptions = {}): Summary {
  mkdirSync(dir);
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
  /** Every risk check exact at every price, without the float screen (tests: the outputs are the same). */
  readonly exactRisk?: boolean;
}

/** Runs a loaded scenario and writes the output contract into `dir`. */
export function writeRunFiles(scenario: Scenario, dir: string, opts: RunFileOptions = {}): Summary {
  const { onEvent, rows, onInstant } = opts;
  const writer = new RunWriter(dir, scenario.quantum, scenario.instruments, scenario.structure, onEvent, rows);
  let program: ReturnType<typeof runScenario>;
  try {
    program = runScenario(scenario, writer, {
      afterInstant: (time, p, next) => {
        writer.snapshot(time, p, next);
        onInstant?.(time);
      },
    }, (p) => p.journal.onEntry((e) => writer.entry(e)), { exactRisk: opts.exactRisk ?? false });
    writer.writeOpenPositions(program);
    writer.costs.close(program);
    writer.writePeriods(scenario.policies.performanceFee.period);
    writer.close();
  } catch (e) {
    writer.abandon();
    throw e;
  }
  const summary = buildSummary(scenario, program, writer);
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  const risk = scenario.risk ? riskSection(summary, healthChartSvg(writer.health, Number(scenario.risk.marginCall), Number(scenario.risk.stopOut)), writer.riskEvents) : '';
  writeFileSync(join(dir, 'report.html'), renderReport(summary, equityChartSvg(writer.chart, chartUnit(summary.accounts)), writer.notable, writer.statementRows, { broker: writer.costs.brokerRows, rebates: writer.costs.statementRows() }, risk));
  return summary;
}

/** The equity chart's unit: the one currency every account holds, else each line's own. */
function chartUnit(accounts: ReadonlyArray<Record<string, unknown>>): string {
  const held = new Set(accounts.map((a) => String(a.currency)));
  return held.size === 1 ? [...held][0]! : "each account's currency";
}
