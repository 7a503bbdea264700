// The investors' pages of a run (issue 17): investors/index.html lists everyone; each investor
// chosen by `--investor-pages` gets a tear sheet (investors/ID.html) and a printable statement
// per fee statement (investors/statement-ID_PERIOD.html, and .pdf with --pdf). The history those pages
// show (fee statements, trades, units) is read back from the run's own CSV files, a few
// hundred investors per pass, so memory holds a batch's pages, never the files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeePeriod } from '../engine/policies.js';
import { scanCsv } from './csv-scan.js';
import { pdfNameOf, printPdfs } from './pdf.js';
import { type Branding, renderStatementPage, statementFileName } from './statement-page.js';
import { renderInvestorIndex } from './investor-index.js';
import { selectInvestors } from './investor-select.js';
import type { RunWriter } from './run-writer.js';
import type { Summary } from './summary.js';
import { type InvestorSummary, renderTearSheet } from './tear-sheet.js';

/** The folder of the investors' pages inside a run's output. */
export const INVESTORS_DIR = 'investors';
/** Investors whose history one pass over the CSV files collects. */
const BATCH = 250;
/** Trades a tear sheet lists (the last ones; trades.csv has all). */
const MAX_TRADES = 50;
/** Statements and unit movements a tear sheet lists at most. */
const MAX_ROWS = 400;

/**
 * A file name for an investor's page: the id itself when it is made of lower-case letters,
 * digits, `.`, `_` and `-` (not starting with a dot; not `index` or `statement…`, the folder's
 * other pages), else each other byte as `~XX`: reversible,
 * distinct for distinct ids on a file system that ignores case, and never a path. Long ids
 * keep their first 150 bytes' encoding and a digest of the whole.
 */
export function investorFileName(id: string, suffix = '.html'): string {
  let out = '';
  for (const b of Buffer.from(id, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[a-z0-9_-]/.test(c) || (c === '.' && out !== '') ? c : `~${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // Names the folder's other pages take (index.html, statement-….html) go escaped, so no investor's page can be one of them.
  if (out === 'index' || out.startsWith('statement')) out = `~${out.charCodeAt(0).toString(16).toUpperCase()}${out.slice(1)}`;
  if (out.length > 150) out = `${out.slice(0, 150)}~${fnv(id)}`;
  return `${out}${suffix}`;
}

/** A short, stable digest of a string (FNV-1a, 32 bits), for a long id's file name. */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

export interface InvestorPageOptions {
  /** auto (default), all, none, top:N or ids separated by commas. */
  readonly investorPages?: string;
  /** The scenario's branding, for the printable statements. */
  readonly branding?: Branding;
  /** Print each statement to PDF too (headless Chromium). */
  readonly pdf?: boolean;
}

interface Collected {
  statements: string[][];
  trades: string[][];
  closed: number;
  open: number;
  units: string[][];
}

/** Writes investors/index.html and the chosen investors' tear sheets into `dir` (a run's output, its CSV files written). Returns the files written (relative to `dir`) and each page's file by investor. */
export function writeInvestorPages(dir: string, summary: Summary, writer: RunWriter, feePeriod: FeePeriod, opts: InvestorPageOptions = {}): { files: string[]; pages: Map<string, string> } {
  const investors = summary.investors;
  const chosen = selectInvestors(opts.investorPages, investors.map((i) => ({ id: String(i.id), twr: Number(i.timeWeightedReturn) })));
  const folder = join(dir, INVESTORS_DIR);
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  const pages = new Map<string, string>();
  const printable: string[] = [];
  const used = new Set<string>();
  const todo = investors.filter((i) => chosen.has(String(i.id)));
  for (let k = 0; k < todo.length; k += BATCH) {
    const batch = todo.slice(k, k + BATCH);
    const got = collect(dir, batch);
    for (const i of batch) {
      const id = String(i.id);
      const c = got.get(id)!;
      const file = investorFileName(id);
      const tally = writer.investor(id);
      // A printable statement per fee statement of the investor (seed 002's branded statements).
      const statements = c.statements.map((row) => {
        // Two statements of one period (an exit after a re-join, say) get ~~2, ~~3, … in the order statements.csv has them.
        const first = statementFileName(id, row[2] ?? '');
        let page = first;
        for (let k = 2; used.has(page); k++) page = first.replace(/\.html$/, `~~${k}.html`);
        used.add(page);
        writeFileSync(join(folder, page), renderStatementPage({ row, summary, investorCurrency: String(i.currency), ...(opts.branding ? { branding: opts.branding } : {}) }));
        printable.push(page);
        return { row, page };
      });
      writeFileSync(join(folder, file), renderTearSheet({
        summary, investor: i, tally, masterPath: writer.masterPath, feePeriod,
        statements,
        ...(i.model === 'mam' ? { trades: { rows: c.trades, closed: c.closed, open: c.open } } : { units: c.units }),
      }));
      pages.set(id, file);
      written.push(`${INVESTORS_DIR}/${file}`);
    }
  }
  writeFileSync(join(folder, 'index.html'), renderInvestorIndex(summary, pages));
  written.push(`${INVESTORS_DIR}/index.html`);
  written.push(...printable.map((f) => `${INVESTORS_DIR}/${f}`));
  if (opts.pdf) {
    printPdfs(folder, printable);
    written.push(...printable.map((f) => `${INVESTORS_DIR}/${pdfNameOf(f)}`));
  }
  return { files: written, pages };
}

/** One pass over statements.csv, trades.csv and events.csv for a batch of investors. */
function collect(dir: string, batch: readonly InvestorSummary[]): Map<string, Collected> {
  const got = new Map<string, Collected>(batch.map((i) => [String(i.id), { statements: [], trades: [], closed: 0, open: 0, units: [] }]));
  const ids = [...got.keys()];
  scanCsv(join(dir, 'statements.csv'), 0, ids, (id, cells) => {
    const c = got.get(id)!;
    if (c.statements.length < MAX_ROWS) c.statements.push(cells);
  });
  // A MAM investor's sub-account is `mam:ID` (trades.csv's first column).
  const byAccount = new Map(batch.filter((i) => i.model === 'mam').map((i) => [`mam:${String(i.id)}`, String(i.id)]));
  scanCsv(join(dir, 'trades.csv'), 0, byAccount.keys(), (account, cells) => {
    const c = got.get(byAccount.get(account)!)!;
    if (cells[14] === 'open') c.open++;
    else c.closed++;
    c.trades.push(cells);
    if (c.trades.length > MAX_TRADES) c.trades.shift();
  });
  const pamm = batch.filter((i) => i.model === 'pamm').map((i) => String(i.id));
  scanCsv(join(dir, 'events.csv'), 4, pamm, (id, cells) => {
    const c = got.get(id)!;
    if ((cells[2] === 'units-issued' || cells[2] === 'units-redeemed') && c.units.length < MAX_ROWS) c.units.push(cells);
  });
  return got;
}
