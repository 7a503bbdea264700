// One run end to end: load the scenario, run it, and write the whole output contract
// (summary.json, the CSV files and report.html) into a staged directory that is renamed into place only when complete.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../engine/events.js';
import { runScenario } from '../sim/runner.js';
import { type LoadOptions, type Scenario, loadScenario } from '../sim/scenario.js';
import { stageDir } from './atomic.js';
import { equityChartSvg, healthChartSvg } from './chart.js';
import { renderReport, riskSection } from './html.js';
import { RunWriter } from './run-writer.js';
import { type Summary, buildSummary } from './summary.js';

export const OUTPUT_FILES = ['summary.json', 'journal.csv', 'trades.csv', 'equity.csv', 'events.csv', 'executions.csv', 'statements.csv', 'fee-account.csv', 'costs.csv', 'rebates.csv', 'broker.csv', 'margin.csv', 'report.html'] as const;

export interface RunResult {
  readonly scenario: Scenario;
  readonly summary: Summary;
  readonly outDir: string;
}

export function runToDirectory(scenarioFile: string, outDir: string, opts: LoadOptions = {}): RunResult {
  return writeRun(loadScenario(scenarioFile, opts), outDir);
}

/** Runs a loaded scenario and writes the output contract into `outDir`, atomically; `onEvent` also sees every event as it is written. */
export function writeRun(scenario: Scenario, outDir: string, onEvent?: (e: EngineEvent) => void): RunResult {
  const staged = stageDir(outDir);
  try {
    const writer = new RunWriter(staged.path, scenario.quantum, scenario.instruments, scenario.structure, onEvent);
    const program = runScenario(scenario, writer, {
      afterInstant: (time, p) => writer.snapshot(time, p),
    }, (p) => p.journal.onEntry((e) => writer.entry(e)));
    writer.writeOpenPositions(program);
    writer.costs.close(program);
    writer.close();
    const summary = buildSummary(scenario, program, writer);
    writeFileSync(join(staged.path, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    const risk = scenario.risk ? riskSection(summary, healthChartSvg(writer.health, Number(scenario.risk.marginCall), Number(scenario.risk.stopOut)), writer.riskEvents) : '';
    writeFileSync(join(staged.path, 'report.html'), renderReport(summary, equityChartSvg(writer.chart), writer.notable, writer.statementRows, { broker: writer.costs.brokerRows, rebates: writer.costs.statementRows() }, risk));
    staged.commit();
    return { scenario, summary, outDir };
  } catch (e) {
    staged.abort();
    throw e;
  }
}
