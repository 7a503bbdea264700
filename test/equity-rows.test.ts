// equity.csv and margin.csv cadence (issue 13): by default rows at the first instant, each server
// day's last instant and each account's or investor's own events; `instant` writes every row after
// every instant. The two are checked against each other: every daily row is the instant file's row
// at that time, the figures of summary.json do not depend on the cadence, and a daily margin row's
// lowest level is the lowest the instant file shows since that account's previous daily row.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { readCsv, sampleByDay } from '../reports/golden-canon.js';
import { writeRunFiles } from '../sim/run-output.js';
import { loadScenario, loadVariants } from '../sim/scenario.js';
import { scenarioPath } from './helpers.js';

function both(name: string, variant?: string) {
  const s = variant ? loadVariants(scenarioPath(name)).variants.find((v) => v.name === variant)!.scenario : loadScenario(scenarioPath(name));
  const root = mkdtempSync(join(tmpdir(), 'mamlab-rows-'));
  const dirs = { daily: join(root, 'daily'), instant: join(root, 'instant') };
  mkdirSync(dirs.daily);
  mkdirSync(dirs.instant);
  writeRunFiles(s, dirs.daily, { rows: 'daily' });
  writeRunFiles(s, dirs.instant, { rows: 'instant' });
  const read = (which: 'daily' | 'instant', f: string) => readFileSync(join(dirs[which], f), 'utf8');
  return { read };
}

const CASES: Array<[string, string?]> = [['seed004-cashback.json'], ['stress-weekend-gap.json', 'pause'], ['fee-comparison.json', 'default'], ['joint-program.json'], ['orders-and-stops.json']];

describe('equity rows: daily (default) against instant', () => {
  for (const [name, variant] of CASES) {
    it(`${name}${variant ? ` (${variant})` : ''}: the same figures, and daily rows are the instant rows at day ends and own events`, () => {
      const { read } = both(name, variant);
      // summary.json: identical but for the row count.
      const sd = JSON.parse(read('daily', 'summary.json'));
      const si = JSON.parse(read('instant', 'summary.json'));
      expect(sd.counts.equity).toBeLessThan(si.counts.equity);
      sd.counts.equity = si.counts.equity = 0;
      expect(sd).toEqual(si);
      // The report's charts sample instants at their own cadence, and a health point shows the lowest level since the previous point, whatever the rows.
      for (const f of ['journal.csv', 'trades.csv', 'events.csv', 'statements.csv', 'fee-account.csv', 'costs.csv', 'rebates.csv', 'broker.csv', 'executions.csv', 'report.html']) expect(read('daily', f), f).toBe(read('instant', f));
      // equity.csv: the day-end sample is the same, and every daily row is the instant file's row at its time.
      const ed = read('daily', 'equity.csv');
      const ei = read('instant', 'equity.csv');
      expect(sampleByDay(ed)).toBe(sampleByDay(ei));
      const instantRows = new Set(ei.split('\n'));
      for (const row of ed.split('\n')) expect(instantRows.has(row), row).toBe(true);
      // margin.csv: the same rows but for lowest_level, which is the lowest since the account's previous daily row.
      const md = readCsv(read('daily', 'margin.csv'));
      const mi = readCsv(read('instant', 'margin.csv'));
      const col = (h: string[], c: string) => h.indexOf(c);
      const [time, account, low] = ['time', 'account', 'lowest_level'].map((c) => col(mi.header, c)) as [number, number, number];
      const byKey = new Map(mi.rows.map((r) => [`${r[time]}|${r[account]}`, r]));
      const previous = new Map<string, string>();
      for (const r of md.rows) {
        const match = byKey.get(`${r[time]}|${r[account]}`)!;
        expect(match, `${r[time]} ${r[account]}`).toBeDefined();
        expect(r.filter((_, k) => k !== low)).toEqual(match.filter((_, k) => k !== low));
        const since = previous.get(r[account]!) ?? '';
        const lows = mi.rows.filter((x) => x[account] === r[account] && x[time]! > since && x[time]! <= r[time]! && x[low] !== '').map((x) => new Dec(x[low]!));
        const expected = lows.length ? Dec.min(...lows).toFixed(4) : '';
        expect(r[low], `${r[time]} ${r[account]} lowest since ${since || 'the start'}`).toBe(expected);
        previous.set(r[account]!, r[time]!);
      }
      // A row's lowest level covers its own instant: never above the row's level, and present whenever the level is.
      const level = col(mi.header, 'margin_level');
      for (const r of [...md.rows, ...mi.rows]) {
        if (r[level] === '') continue;
        expect(r[low], `${r[time]} ${r[account]}`).not.toBe('');
        expect(new Dec(r[low]!).lte(r[level]!), `${r[time]} ${r[account]}: lowest ${r[low]} above the level ${r[level]}`).toBe(true);
      }
    });
  }
});
