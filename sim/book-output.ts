// A broker's book end to end (docs/book.md, docs/outputs.md "A book's outputs"): runs the
// programs in lockstep, each writing its whole output contract into programs/<id>/ as a run of it
// would, and writes the book's own files beside them: summary.json (every program's summary,
// the book, the leaderboard), the book's external orders, its exposure and each program's AUM
// by day, the programs' CSV files together with a `program` column, the book page and the
// leaderboard snippet. Staged and renamed into place only when complete, as a run is.
import { closeSync, mkdirSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { BookOrder } from '../engine/book-desk.js';
import { Dec } from '../engine/decimal.js';
import type { Program } from '../engine/program.js';
import { formatQ } from '../engine/quantum.js';
import { Money } from '../engine/values.js';
import { formatServerTime } from '../engine/time.js';
import { type BookProgramSummary, type BookSummary, buildBookSummary } from '../reports/book-summary.js';
import { renderBookPage, renderLeaderboardSnippet } from '../reports/book-page.js';
import { CsvWriter, priceCell } from '../reports/csv.js';
import { type OutputOptions, withOutputSync } from '../reports/output-dir.js';
import type { RunWriter } from '../reports/run-writer.js';
import { writeRunReport } from '../reports/run.js';
import { checkInvestorPages } from '../reports/investor-select.js';
import { checkPrinter } from '../reports/pdf.js';
import { type RunFileOptions, finishRun, runWriter } from './run-output.js';
import { type Book, loadBook } from './book.js';
import { type BookRunHooks, runBook } from './book-run.js';
import { VERSION } from './package-root.js';
import type { LoadOptions } from './scenario.js';

/** The book's own files; each program's are under programs/<id>/. */
export const BOOK_FILES = ['summary.json', 'report.html', 'leaderboard.html', 'book-orders.csv', 'book-exposure.csv', 'aum.csv', 'programs/'] as const;

/** The programs' CSV files the book writes again together, each row led by its program's id. */
export const COMBINED_FILES = ['journal.csv', 'trades.csv', 'equity.csv', 'events.csv', 'executions.csv', 'statements.csv', 'fee-account.csv', 'costs.csv', 'rebates.csv', 'broker.csv', 'margin.csv', 'periods.csv'] as const;

export const BOOK_COLUMNS = {
  orders: ['time', 'symbol', 'side', 'price', 'programs', 'net', 'house', 'external', 'external_spread'],
  exposure: ['date', 'symbol', 'clients', 'house', 'market'],
  aum: ['date', 'program', 'investors', 'aum', 'deposits', 'withdrawals', 'net_result', 'master_equity', 'master_return'],
} as const;

export interface BookFileOptions extends Pick<RunFileOptions, 'rows' | 'investorPages' | 'pdf'> {
  /** Every risk check exact at every price (tests). */
  readonly exactRisk?: boolean;
  /** Tests: after every quote or action of a program, and after every instant of the book. */
  readonly hooks?: BookRunHooks;
}

export interface BookResult {
  readonly book: Book;
  readonly summary: BookSummary;
  readonly outDir: string;
}

/** Runs a book (a file, or one already loaded) and writes its outputs into `outDir`. */
export function bookToDirectory(source: string | Book, outDir: string, opts: LoadOptions & OutputOptions & BookFileOptions = {}): BookResult {
  const book = typeof source === 'string' ? loadBook(source, opts) : source;
  // Pages asked for investors the book lacks are refused before the run, as a run refuses them.
  checkInvestorPages(opts.investorPages, book.programs.flatMap((p) => p.scenario.investors.map((i) => i.id)));
  if (opts.pdf) checkPrinter();
  const summary = withOutputSync({ target: outDir, command: 'run', scenarioHash: book.hash, inputs: book.inputs, onNote: opts.onNote }, (dir) => writeBookFiles(book, dir, opts));
  return { book, summary, outDir };
}

/** Per program: its investors' money (USD) so far, as aum.csv has it at each server day's end. */
class AumTally {
  /** `pool`: the program's pool account, if it has one; `signal`: whether its master trades an account of its own. */
  constructor(readonly pool: string | undefined, readonly signal: boolean) {}
  deposits = new Dec(0);
  /** Withdrawals, and the equity of accounts detached from the program (it leaves with them). */
  withdrawals = new Dec(0);
  aum = new Dec(0);
  investors = 0;
}

/** Investors' equity in USD and how many are active. */
function investorMoney(p: Program, pool: string | undefined): { aum: Dec; investors: number } {
  let aum = new Dec(0), investors = 0;
  for (const i of p.investorSnapshots()) {
    if (!i.active) continue;
    investors++;
    const account = i.model === 'mam' ? `mam:${i.id}` : pool!;
    aum = aum.plus(p.toUsd(i.equity, p.currencyOf(account)).value);
  }
  return { aum, investors };
}

/** Runs a loaded book and writes its outputs into `dir`. */
export function writeBookFiles(book: Book, dir: string, opts: BookFileOptions = {}): BookSummary {
  const first = book.programs[0]!.scenario;
  const q = first.quantum;
  const m = (x: Dec): string => formatQ(x, q);
  mkdirSync(join(dir, 'programs'), { recursive: true });
  const ordersCsv = new CsvWriter(join(dir, 'book-orders.csv'), BOOK_COLUMNS.orders);
  const exposureCsv = new CsvWriter(join(dir, 'book-exposure.csv'), BOOK_COLUMNS.exposure);
  const aumCsv = new CsvWriter(join(dir, 'aum.csv'), BOOK_COLUMNS.aum);
  const writers = new Map<string, RunWriter>();
  const aum = new Map<string, AumTally>();
  const symbols = [...first.instruments.keys()];
  const peak = new Map<string, { date: string; clients: Dec }>();
  /** Per symbol, the exposure at the latest server day's end (the run ends at one): what `end` reports. */
  const latest = new Map<string, { clients: Dec; house: Dec }>();
  let programOrders = 0, programVolume = new Dec(0);
  const all = [ordersCsv, exposureCsv, aumCsv];
  try {
    const run = runBook(book, (bp) => {
      const pdir = join(dir, 'programs', bp.id);
      mkdirSync(pdir, { recursive: true });
      const s = bp.scenario;
      const writer = runWriter(s, pdir, opts.rows);
      writers.set(bp.id, writer);
      const tally = new AumTally(s.pool?.id, s.structure === 'signal');
      aum.set(bp.id, tally);
      const master = tally.signal ? 'master' : undefined;
      let program: Program | undefined;
      return {
        sink: {
          event: (e) => {
            writer.event(e);
            // A detached account leaves the program with its equity: for AUM, a withdrawal.
            if (e.kind === 'detach' && e.amount && e.account) tally.withdrawals = tally.withdrawals.plus(program!.toUsd(e.amount, program!.currencyOf(e.account)).value);
          }, trade: (t) => writer.trade(t), statement: (x) => writer.statement(x), cost: (c) => writer.cost(c), rebate: (r) => writer.rebate(r),
          execution: (time, o) => {
            writer.execution(time, o);
            programOrders++;
            programVolume = programVolume.plus(o.volume.value);
          },
        },
        hooks: {
          afterInstant: (time, p, next) => {
            writer.snapshot(time, p, next);
          },
        },
        attach: (p) => {
          program = p;
          p.journal.onEntry((e) => {
            writer.entry(e);
            // Investors' deposits and withdrawals (the master's own funding is not an investor's).
            const usd = (e.usd ?? e.amount).value;
            if (e.reason === 'deposit' && e.to !== master) tally.deposits = tally.deposits.plus(usd);
            if (e.reason === 'withdrawal' && e.from !== master) tally.withdrawals = tally.withdrawals.plus(usd);
          });
        },
        ...(opts.exactRisk !== undefined ? { exactRisk: opts.exactRisk } : {}),
      };
    }, {
      ...(opts.hooks?.afterEach ? { afterEach: opts.hooks.afterEach } : {}),
      afterInstant: (time, orders, dayEnd, run) => {
        for (const o of orders) ordersCsv.row(orderRow(o, first.instruments, m));
        opts.hooks?.afterInstant?.(time, orders, dayEnd, run);
        if (!dayEnd || time < first.start) return;
        const date = formatServerTime(time).slice(0, 10);
        for (const r of run.programs) {
          const t = aum.get(r.id)!;
          const now = investorMoney(r.program, t.pool);
          t.aum = now.aum;
          t.investors = now.investors;
          // The master's equity in USD and its time-weighted return so far: the manager's track record, as the leaderboard ranks it.
          const masterEquity = t.signal ? m(r.program.toUsd(r.program.equity('master'), r.program.currencyOf('master')).value) : '';
          aumCsv.row([date, r.id, now.investors, m(now.aum), m(t.deposits), m(t.withdrawals), m(now.aum.minus(t.deposits).plus(t.withdrawals)), masterEquity, writers.get(r.id)!.master.exact.minus(1).toDecimalPlaces(10).toFixed(10)]);
        }
        for (const symbol of symbols) {
          const clients = run.exposure(symbol), house = run.house(symbol);
          if (clients.isZero() && house.isZero() && !peak.has(symbol)) continue;
          exposureCsv.row([date, symbol, m(clients), m(house), m(clients.plus(house))]);
          latest.set(symbol, { clients, house });
          const p = peak.get(symbol);
          if (!p || clients.abs().gt(p.clients.abs())) peak.set(symbol, { date, clients });
        }
      },
    });
    // Each program's outputs, as a run of it writes them.
    const programs: BookProgramSummary[] = run.programs.map((r) => {
      const bp = book.programs.find((b) => b.id === r.id)!;
      const writer = writers.get(r.id)!;
      const summary = finishRun(bp.scenario, r.program, writer);
      writeRunReport(bp.scenario, join(dir, 'programs', r.id), summary, writer, { ...(opts.investorPages !== undefined ? { investorPages: pagesIn(opts.investorPages, bp.scenario.investors.map((i) => i.id)) } : {}), ...(opts.pdf ? { pdf: true } : {}) });
      const { mamlab: _version, ...figures } = summary;
      return { id: r.id, name: bp.name, ...figures };
    });
    for (const w of all) w.close();
    const summary = buildBookSummary(
      { name: book.name, description: book.description, file: basename(book.file), hash: book.hash, netting: book.netting, programs: book.programs.length, seed: first.seed, start: formatServerTime(first.start), end: formatServerTime(first.end) },
      VERSION, q, programs,
      {
        desk: run.desk.tally, deskFloating: run.desk.houseFloating().value, programOrders, programVolume, aum: new Map([...aum].map(([id, t]) => [id, { aum: t.aum, investors: t.investors }])),
        // In instrument order, as `end` is.
        peak: new Map(symbols.filter((x) => peak.has(x)).map((x) => [x, peak.get(x)!])),
        end: new Map(symbols.filter((x) => latest.has(x)).map((x) => [x, latest.get(x)!])),
        accounts: book.admin.accounts.map((a) => ({ id: a.id, deposit: a.deposit.value, cash: run.admin.cash.get(a.id)!, program: run.admin.where.get(a.id) ?? null })),
        usd: (program, account, amount) => {
          const p = run.programs.find((r) => r.id === program)!.program;
          return p.toUsd(new Money(new Dec(amount)), p.currencyOf(account)).value;
        },
      },
    );
    for (const f of COMBINED_FILES) combineCsv(book.programs.map((p) => ({ program: p.id, path: join(dir, 'programs', p.id, f) })), join(dir, f));
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    writeFileSync(join(dir, 'leaderboard.html'), renderLeaderboardSnippet(summary));
    writeFileSync(join(dir, 'report.html'), renderBookPage(summary));
    return summary;
  } catch (e) {
    for (const w of all) w.abandon();
    for (const w of writers.values()) w.abandon();
    throw e;
  }
}

/** A page choice for one program: a list of ids keeps the program's own (none of them: `none`); a keyword applies to each. */
function pagesIn(choice: string, ids: readonly string[]): string {
  if (['auto', 'all', 'none'].includes(choice) || choice.startsWith('top:')) return choice;
  const own = new Set(ids);
  const mine = choice.split(',').map((x) => x.trim()).filter((x) => own.has(x));
  return mine.length ? mine.join(',') : 'none';
}

function orderRow(o: BookOrder, instruments: Book['programs'][number]['scenario']['instruments'], m: (x: Dec) => string): string[] {
  return [formatServerTime(o.time), o.symbol, o.side, priceCell(instruments, o.symbol, o.price)!, o.programs.map((p) => `${p.program}:${m(p.net)}`).join(' '), m(o.net), m(o.house), m(o.external), m(o.externalSpread.value)];
}

/**
 * The programs' files of one name as one file, each record led by its program's id: the header
 * once (`program` first), then every program's records in book order. Records are split where
 * RFC 4180 ends them (a line break outside quotes), so a quoted field's line breaks stay inside
 * it; read and written in chunks, so memory does not grow with the files.
 */
export function combineCsv(parts: ReadonlyArray<{ program: string; path: string }>, target: string): void {
  const out = openSync(target, 'w');
  const buf = Buffer.alloc(1 << 16);
  try {
    parts.forEach((part, n) => {
      const fd = openSync(part.path, 'r');
      try {
        let quoted = false, atStart = true, header = true;
        let pending = '';
        // Program ids are letters, digits, _ and - (the schema's), never quoted nor read as a formula.
        const prefix = `${part.program},`;
        // A chunk can end inside a character: the decoder keeps its first bytes for the next.
        const decoder = new StringDecoder('utf8');
        for (let read = readSync(fd, buf); read > 0; read = readSync(fd, buf)) {
          const text = decoder.write(buf.subarray(0, read));
          let chunk = '';
          for (const ch of text) {
            if (atStart) {
              // The header: `program,` before the first file's, and the others' dropped.
              if (header) chunk += n === 0 ? 'program,' : '';
              else chunk += prefix;
              atStart = false;
            }
            if (!header || n === 0) chunk += ch;
            if (ch === '"') quoted = !quoted;
            else if (ch === '\n' && !quoted) {
              atStart = true;
              header = false;
            }
          }
          pending += chunk;
          if (pending.length > 1 << 16) {
            writeSync(out, pending);
            pending = '';
          }
        }
        if (pending) writeSync(out, pending);
      } finally {
        closeSync(fd);
      }
    });
  } finally {
    closeSync(out);
  }
}

