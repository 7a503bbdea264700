// The investors' pages (issue 17): which investors get a tear sheet, their file names, what a
// tear sheet shows (checked against the run's own CSV files read with a real CSV parser, and
// against hand-computed returns), the index of everyone, and a large program's report.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvWriter } from '../reports/csv.js';
import { csvRecords, scanCsv } from '../reports/csv-scan.js';
import { investorFileName } from '../reports/investor-pages.js';
import { statementFileName } from '../reports/statement-page.js';
import { bins } from '../reports/investor-index.js';
import { selectInvestors, topAndBottom } from '../reports/investor-select.js';
import { masterAt, monthlyGrid, underwater } from '../reports/tear-sheet.js';
import { InputError } from '../sim/input-error.js';
import { runToDirectory } from '../sim/run-output.js';
import { mamlab } from './cli.js';
import { scenarioPath } from './helpers.js';

const tmp = (name: string): string => mkdtempSync(join(tmpdir(), `mamlab-inv-${name}-`));
const csv = (path: string): Array<Record<string, string>> => parse(readFileSync(path, 'utf8'), { columns: true }) as Array<Record<string, string>>;

describe('which investors get pages', () => {
  const ranked = Array.from({ length: 60 }, (_, k) => ({ id: `i${k}`, twr: (k % 7) / 100 }));
  it('auto: everyone up to 50 investors, else the 10 best and 10 worst by return', () => {
    expect(selectInvestors(undefined, ranked.slice(0, 50)).size).toBe(50);
    const chosen = selectInvestors('auto', ranked);
    // TWR k%7/100: the best are the k ≡ 6 (mod 7) investors (i6, i13, …, i55: 8 of them), then k ≡ 5 in order (i5, i12).
    expect([...chosen].filter((id) => [6, 13, 20, 27, 34, 41, 48, 55, 5, 12].includes(Number(id.slice(1))))).toHaveLength(10);
    // The worst: k ≡ 0 (mod 7): i0, i7, …, i56 (9 of them) and, of the k ≡ 1, the last in order (i57).
    for (const id of ['i0', 'i7', 'i14', 'i21', 'i28', 'i35', 'i42', 'i49', 'i56', 'i57']) expect(chosen.has(id), id).toBe(true);
    expect(chosen.size).toBe(20);
  });
  it('top:N, none, all and a list of ids', () => {
    expect(topAndBottom([{ id: 'a', twr: 0.1 }, { id: 'b', twr: 0.3 }, { id: 'c', twr: -0.2 }, { id: 'd', twr: 0.3 }], 1).map((x) => x.id)).toEqual(['b', 'c']);
    expect(selectInvestors('none', ranked).size).toBe(0);
    expect(selectInvestors('all', ranked).size).toBe(60);
    expect([...selectInvestors('i3, i9', ranked)]).toEqual(['i3', 'i9']);
    expect(() => selectInvestors('i3,nobody', ranked)).toThrow(InputError);
    expect(() => selectInvestors('i3,nobody', ranked)).toThrow(/no investor "nobody"/);
  });
});

describe('page file names', () => {
  it('keep plain ids, escape the rest, and never make a path or a hidden file', () => {
    expect(investorFileName('alice')).toBe('alice.html');
    expect(investorFileName('Alice')).toBe('~41lice.html');
    expect(investorFileName('../x')).toBe('~2E.~2Fx.html');
    expect(investorFileName('a b')).toBe('a~20b.html');
    // Never the index or a statement page of the same folder.
    expect(investorFileName('index')).toBe('~69ndex.html');
    expect(investorFileName('statement-bob-2024-03')).toBe('~73tatement-bob-2024-03.html');
    expect(investorFileName('x'.repeat(400)).length).toBeLessThanOrEqual(200);
  });
  it('give distinct ids distinct names, even on a file system that ignores case', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      if (a === b || a.length > 40 || b.length > 40) return;
      expect(investorFileName(a).toLowerCase()).not.toBe(investorFileName(b).toLowerCase());
    }));
  });
});

describe('reading the run\'s CSV files back', () => {
  it('finds rows by a column through quotes, commas, newlines, formula-looking ids and chunk boundaries', () => {
    const dir = tmp('scan');
    const path = join(dir, 'x.csv');
    const w = new CsvWriter(path, ['id', 'note']);
    const ids = ['plain', 'with,comma', 'with "quote"', 'line\nbreak', '=SUM(A1)'];
    // Enough filler to cross the reader's 1 MiB chunks several times.
    for (let k = 0; k < 40_000; k++) w.row([ids[k % ids.length]!, `row ${k} ${'.'.repeat(20)}`]);
    w.close();
    const seen = new Map<string, number>();
    scanCsv(path, 0, ids, (id, cells) => {
      seen.set(id, (seen.get(id) ?? 0) + 1);
      expect(cells[1]).toMatch(/^row \d+ /);
    });
    for (const id of ids) expect(seen.get(id), id).toBe(8_000);
    expect([...csvRecords(path)]).toHaveLength(40_000);
  });
});

describe('the numbers a tear sheet draws', () => {
  it('chain-links months into the year', () => {
    const g = monthlyGrid([{ label: '2024-11', twr: 0.1 }, { label: '2024-12', twr: -0.05 }, { label: '2025-01', twr: 0.02 }]);
    expect(g.map((x) => x.year)).toEqual(['2024', '2025']);
    expect(g[0]!.months[10]).toBe(0.1);
    expect(g[0]!.months[0]).toBeUndefined();
    expect(g[0]!.year_).toBeCloseTo(1.1 * 0.95 - 1, 12);
    expect(g[1]!.year_).toBeCloseTo(0.02, 12);
  });
  it("reads the master at the investor's own observations: the last index at or before each", () => {
    const path = [{ time: 10, index: 1 }, { time: 20, index: 1.1 }, { time: 25, index: 0.9 }, { time: 30, index: 1.2 }];
    expect(masterAt(path, [5, 20, 27, 40])).toEqual([{ time: 20, index: 1.1 }, { time: 27, index: 0.9 }, { time: 40, index: 1.2 }]);
  });
  it('measures the drawdown from the running peak', () => {
    const dd = underwater([1, 1.1, 0.99, 1.21, 1.089]);
    expect(dd[0]).toBe(0);
    expect(dd[2]).toBeCloseTo(0.99 / 1.1 - 1, 12);
    expect(dd[3]).toBe(0);
    expect(dd[4]).toBeCloseTo(1.089 / 1.21 - 1, 12);
  });
  it('cuts a histogram into 20 equal bins from the lowest value to the highest', () => {
    const b = bins([-0.1, 0, 0.3]);
    expect(b).toHaveLength(20);
    expect(b[0]!.x1).toBe(-0.1);
    expect(b[19]!.x2).toBe(0.3);
    expect(b[1]!.x1).toBeCloseTo(-0.1 + 0.02, 12);
  });
});

describe('a run\'s investors\' pages', () => {
  const dir = tmp('run');
  const out = join(dir, 'out');
  runToDirectory(scenarioPath('joint-program.json'), out);
  const pages = readdirSync(join(out, 'investors')).sort();
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { investors: Array<{ id: string; model: string }> };

  it('a small program: a tear sheet for every investor, a printable statement per row of statements.csv, and the index', () => {
    const statements = csv(join(out, 'statements.csv'));
    expect(statements.length).toBeGreaterThan(0);
    expect(pages).toEqual([...summary.investors.map((i) => `${i.id}.html`), ...statements.map((r) => statementFileName(r.investor!, r.period!)), 'index.html'].sort());
    // Each tear sheet links its statements.
    const alice = readFileSync(join(out, 'investors/alice.html'), 'utf8');
    for (const r of statements.filter((x) => x.investor === 'alice')) expect(alice).toContain(`<a href="${statementFileName('alice', r.period!)}">${r.period}</a>`);
    const index = readFileSync(join(out, 'investors/index.html'), 'utf8');
    for (const i of summary.investors) expect(index).toContain(`<a href="${i.id}.html">${i.id}</a>`);
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toContain('<a href="investors/alice.html">alice</a>');
    expect(report).toContain('href="investors/index.html"');
  });

  it("a MAM tear sheet: its trades counted from trades.csv, its statement's fee 20% of the gain above the mark", () => {
    const page = readFileSync(join(out, 'investors/alice.html'), 'utf8');
    const trades = csv(join(out, 'trades.csv')).filter((r) => r.account === 'mam:alice');
    const closed = trades.filter((r) => r.status === 'closed').length;
    expect(page).toContain(`${closed} closed and ${trades.length - closed} open at the end`);
    const st = csv(join(out, 'statements.csv')).find((r) => r.investor === 'alice')!;
    // joint-program: a 20% performance fee on the gain above the high-water mark.
    const fee = (Number(st.gain) * 0.2).toFixed(2);
    expect(Number(st.performance_fees).toFixed(2)).toBe(fee);
    expect(page).toContain(`>${Number(fee).toLocaleString('en-US', { minimumFractionDigits: 2 })}</span>`);
  });

  it('a PAMM tear sheet: units issued and redeemed, as events.csv has them', () => {
    const page = readFileSync(join(out, 'investors/p2.html'), 'utf8');
    const moves = csv(join(out, 'events.csv')).filter((r) => r.investor === 'p2' && (r.kind ?? '').startsWith('units-'));
    expect(moves.length).toBeGreaterThan(0);
    for (const m of moves) expect(page).toContain(`<td class="n">${m.units}</td>`);
    expect(page).toContain('Units and NAV');
  });

  it('--investor-pages: a list writes those pages; an unknown id is refused before anything runs', () => {
    const r = mamlab(['run', scenarioPath('joint-program.json'), '--out', join(dir, 'two'), '--investor-pages', 'bob,p3', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'two', 'investors')).filter((f) => !f.startsWith('statement-')).sort()).toEqual(['bob.html', 'index.html', 'p3.html']);
    expect(readdirSync(join(dir, 'two', 'investors')).filter((f) => f.startsWith('statement-')).sort()).toEqual([statementFileName('bob', '2024-03'), statementFileName('p3', '2024-03')]);
    const bad = mamlab(['run', scenarioPath('joint-program.json'), '--out', join(dir, 'bad'), '--investor-pages', 'bob,zed']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--investor-pages: no investor "zed" in the scenario');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).not.toContain('bad');
    expect(mamlab(['run', scenarioPath('joint-program.json'), '--out', join(dir, 'bad'), '--investor-pages', 'top:0']).status).toBe(2);
  });
});

describe('--pdf', () => {
  it('prints each printable statement beside its page; without Chromium it refuses, exit 2, and writes nothing', () => {
    const dir = tmp('pdf');
    const r = mamlab(['run', scenarioPath('joint-program.json'), '--out', join(dir, 'out'), '--investor-pages', 'bob', '--pdf', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const files = readdirSync(join(dir, 'out', 'investors')).sort();
    expect(files).toEqual(['bob.html', 'index.html', statementFileName('bob', '2024-03'), statementFileName('bob', '2024-03').replace(/\.html$/, '.pdf')].sort());
    const pdf = statementFileName('bob', '2024-03').replace(/\.html$/, '.pdf');
    expect(readFileSync(join(dir, 'out', 'investors', pdf)).subarray(0, 5).toString()).toBe('%PDF-');
    const marker = JSON.parse(readFileSync(join(dir, 'out', '.mamlab-result'), 'utf8')) as { files: string[] };
    expect(marker.files).toContain(`investors/${statementFileName('bob', '2024-03').replace(/\.html$/, '.pdf')}`);
    const bad = mamlab(['run', scenarioPath('joint-program.json'), '--out', join(dir, 'none'), '--pdf'], { CHROMIUM_PATH: join(dir, 'no-chromium') });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--pdf needs Chromium');
    expect(readdirSync(dir)).toEqual(['out']);
  }, 120_000);
});

describe('a program of 64 investors', () => {
  const dir = tmp('large');
  const base = JSON.parse(readFileSync(scenarioPath('joint-program.json'), 'utf8')) as Record<string, unknown> & { investors: unknown[]; prices: unknown };
  const extra = Array.from({ length: 55 }, (_, k) => ({ id: `x${k}`, model: k % 2 ? 'mam' : 'pamm', deposit: String(1000 + 37 * k) }));
  const path = join(dir, 'large.json');
  // Its branding's logo sits beside the bundled scenario: this copy goes without.
  const { branding: _branding, ...rest } = base;
  writeFileSync(path, JSON.stringify({ ...rest, investors: [...base.investors, ...extra] }));
  // Prices are read relative to the scenario: point them back at the bundled data.
  const text = readFileSync(path, 'utf8').replaceAll('"data/', `"${scenarioPath('data/')}`);
  writeFileSync(path, text);
  runToDirectory(path, join(dir, 'out'));

  it('the report lists the 10 best and 10 worst, each with its tear sheet; the index lists all 64', () => {
    const report = readFileSync(join(dir, 'out/report.html'), 'utf8');
    expect(report).toContain('64 investors: here the 10 best and the 10 worst');
    const links = [...report.matchAll(/<a href="investors\/([^"]+)\.html">/g)].map((m) => m[1]).filter((f) => f !== 'index');
    // Each listed investor twice (the money table and the returns table).
    expect(new Set(links).size).toBe(20);
    expect(readdirSync(join(dir, 'out/investors')).filter((f) => !f.startsWith('statement-'))).toHaveLength(21);
    const index = readFileSync(join(dir, 'out/investors/index.html'), 'utf8');
    const rows = index.split('<table class="sortable" id="all">')[1]!.split('</table>')[0]!.match(/<tr>/g)!;
    expect(rows).toHaveLength(65);
    expect(index).toContain('Best 10 by return');
  });
});
