// A finished run's own pages: summary.json and report.html, from the summary and what the run
// writer kept while the run streamed its CSV files (sim/run-output.ts runs it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../sim/scenario.js';
import { formatQ } from '../engine/quantum.js';
import { formatServerTime } from '../engine/time.js';
import { CsvWriter } from './csv.js';
import { equityChartSvg, healthChartSvg } from './chart.js';
import { renderReport, riskSection } from './html.js';
import { writeInvestorPages } from './investor-pages.js';
import { overviewSection, tradingCurrencies } from './overview.js';
import type { RunWriter } from './run-writer.js';
import type { Summary } from './summary.js';

export const OUTPUT_FILES = ['summary.json', 'journal.csv', 'trades.csv', 'equity.csv', 'events.csv', 'executions.csv', 'statements.csv', 'fee-account.csv', 'costs.csv', 'rebates.csv', 'broker.csv', 'margin.csv', 'periods.csv', 'report.html', 'investors/'] as const;

/** Written besides OUTPUT_FILES only when the scenario has a generated group of investors. */
export const POPULATION_FILE = 'population.csv';
export const POPULATION_COLUMNS = ['id', 'group', 'model', 'deposit', 'join_at', 'referred_by'] as const;

/**
 * population.csv: every investor of a scenario with a generated group, in the scenario's order:
 * `group` is the generating entry's index in `investors` (empty for an explicit investor), `join_at`
 * the join request's server time (empty for a founding investor). Nothing without a group.
 */
export function writePopulation(scenario: Scenario, dir: string): void {
  if (!scenario.investors.some((i) => i.generated)) return;
  const csv = new CsvWriter(join(dir, POPULATION_FILE), POPULATION_COLUMNS);
  try {
    for (const i of scenario.investors) csv.row([i.id, i.generated ? i.entry : undefined, i.model, formatQ(i.deposit.value, scenario.quantum), i.at === undefined ? undefined : formatServerTime(i.at), i.referredBy]);
    csv.close();
  } finally {
    csv.abandon();
  }
}

/** Writes summary.json and report.html of a finished run into `dir`. */
export function writeRunReport(scenario: Scenario, dir: string, summary: Summary, writer: RunWriter, pages: { investorPages?: string; pdf?: boolean } = {}): void {
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writePopulation(scenario, dir);
  const risk = scenario.risk ? riskSection(summary, healthChartSvg(writer.charts, Number(scenario.risk.marginCall), Number(scenario.risk.stopOut)), writer.riskEvents) : '';
  // The investors' pages first: the report links each investor that has one.
  const { pages: linked } = writeInvestorPages(dir, summary, writer, scenario.policies.performanceFee.period, { ...pages, ...(scenario.branding ? { branding: scenario.branding } : {}) });
  writeFileSync(join(dir, 'report.html'), renderReport(summary, equityChartSvg(writer.charts, chartUnit(summary)), writer.notable, writer.statementRows, { broker: writer.costs.brokerRows, rebates: writer.costs.statementRows() }, risk, overviewSection(summary, writer.charts, writer.flowsByDay), linked));
}

/** The equity chart's unit: the one currency every trading account holds, else each line's own. */
function chartUnit(summary: Summary): string {
  const held = tradingCurrencies(summary);
  return held.size === 1 ? [...held][0]! : "each account's currency";
}
