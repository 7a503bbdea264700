// What a golden compares, and in which form. A golden keeps the output files that carry booked
// values, as mamlab writes them (exact decimal strings, LF line ends, fixed column order), so
// a difference of one quantum is a difference of one cell. Three files are reshaped:
// - summary.json loses the engine version and the scenario hash (the golden's header keeps
//   both: a new version or an edited scenario is said apart from what the outputs did);
// - equity.csv and margin.csv keep the rows of the first instant, the last instant of every
//   server day and the last instant (every account and investor at each), whatever their
//   cadence (--equity-rows): the booked values those rows show are all in the journal already,
//   and each margin call and stop-out is in events.csv;
// - montecarlo.json loses nothing (it has no version).
// Not compared: report.html, comparison.html and the Monte Carlo page (rendering, not
// booking; their figures come from the files that are compared), and the result marker.
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';

/** Files compared for each kind of golden case, in the order they are listed and diffed. */
export const COMPARED_FILES = {
  run: ['summary.json', 'journal.csv', 'trades.csv', 'statements.csv', 'events.csv', 'executions.csv', 'fee-account.csv', 'costs.csv', 'rebates.csv', 'broker.csv', 'margin.csv', 'equity.csv', 'periods.csv'],
  comparison: ['comparison.csv', 'earnings.csv'],
  'monte-carlo': ['montecarlo.json', 'seeds.csv'],
  /** A broker's book: its own files (each program's are a `run` case of their own). */
  book: ['summary.json', 'book-orders.csv', 'book-exposure.csv', 'aum.csv'],
  'book-comparison': ['comparison.csv'],
} as const;

export type CaseKind = keyof typeof COMPARED_FILES;

/**
 * The columns that name a row in a difference ("journal.csv seq 17"). Rows are matched on these;
 * where they do not make a row unique, the n-th row with the same key is matched with the n-th.
 */
export const ROW_KEYS: Readonly<Record<string, readonly string[]>> = {
  'journal.csv': ['seq'],
  'events.csv': ['seq'],
  'fee-account.csv': ['seq'],
  'trades.csv': ['account', 'ticket'],
  'statements.csv': ['investor', 'period'],
  'executions.csv': ['time', 'symbol', 'side'],
  'costs.csv': ['time', 'kind', 'account', 'ticket', 'leg'],
  'rebates.csv': ['kind', 'accrued', 'receiver', 'account', 'source', 'ticket', 'leg'],
  'broker.csv': ['period'],
  'margin.csv': ['time', 'account'],
  'periods.csv': ['investor', 'kind', 'period'],
  'equity.csv': ['time', 'subject'],
  'comparison.csv': ['variant', 'investor'],
  'earnings.csv': ['variant', 'party'],
  'seeds.csv': ['seed'],
  'population.csv': ['id'],
  'book-orders.csv': ['time', 'symbol'],
  'book-exposure.csv': ['date', 'symbol'],
  'aum.csv': ['date', 'program'],
};

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A file's compared form, from the text mamlab wrote. */
export function canonical(name: string, text: string): string {
  if (name === 'summary.json') {
    const s = JSON.parse(text) as Record<string, unknown> & { scenario?: Record<string, unknown>; programs?: unknown };
    delete s.mamlab;
    if (s.scenario) delete s.scenario.hash;
    // A book's: each program's summary inside it too.
    if (Array.isArray(s.programs)) for (const p of s.programs as Array<{ scenario?: Record<string, unknown> }>) if (p.scenario) delete p.scenario.hash;
    return JSON.stringify(s, null, 2) + '\n';
  }
  if (SAMPLED_FILES.includes(name)) return sampleByDay(text);
  return text;
}

/** Snapshot files a golden keeps a daily sample of. */
export const SAMPLED_FILES: readonly string[] = ['equity.csv', 'margin.csv'];

/**
 * A snapshot file's rows at the first instant, the last instant of each server day and the last
 * instant. The file is written instant by instant, so an instant's rows are consecutive and
 * its time is the first cell (a server time without a comma, never quoted).
 */
export function sampleByDay(text: string): string {
  const lines = text.split('\n');
  const header = lines[0]!;
  const groups: Array<{ time: string; rows: string[] }> = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const time = line.slice(0, line.indexOf(','));
    const last = groups[groups.length - 1];
    if (last && last.time === time) last.rows.push(line);
    else groups.push({ time, rows: [line] });
  }
  const day = (t: string): string => t.slice(0, 10);
  const kept = groups.filter((g, i) => i === 0 || i === groups.length - 1 || day(groups[i + 1]!.time) !== day(g.time));
  return [header, ...kept.flatMap((g) => g.rows)].join('\n') + '\n';
}

/** A CSV file as a header and rows of strings (RFC 4180, as mamlab writes and as a spreadsheet exports). */
export function readCsv(text: string): { header: string[]; rows: string[][] } {
  const records = parse(text, { relax_column_count: true, bom: true, skip_empty_lines: true }) as string[][];
  return { header: records[0] ?? [], rows: records.slice(1) };
}

/** A JSON document as flat paths → scalar strings; array elements with an id are named by it (`investors[investor-1].equity`). */
export function flattenJson(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    const names = value.map((v, i) => elementName(v) ?? String(i));
    const unique = new Set(names).size === names.length;
    value.forEach((v, i) => flattenJson(v, `${path}[${unique ? names[i] : i}]`, out));
    if (value.length === 0) out.set(path, '[]');
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [k, v] of entries) flattenJson(v, path ? `${path}.${k}` : k, out);
    if (entries.length === 0) out.set(path, '{}');
  } else {
    out.set(path, value === null ? 'null' : typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

function elementName(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  for (const k of ['id', 'account', 'investor', 'name', 'party']) if (typeof o[k] === 'string') return o[k] as string;
  return undefined;
}
