// Differences between a golden's file and a file produced now (or exported by another system),
// cell by cell: rows are matched by their key columns (golden-canon.ts ROW_KEYS), so one changed
// amount is one line ("journal.csv seq 17: amount 12.3400000 → 12.3400001"), not a shifted file.
import { Dec } from '../engine/decimal.js';
import { ROW_KEYS, flattenJson, readCsv } from './golden-canon.js';

export interface ValueDiff {
  readonly key: string;
  readonly field: string;
  readonly expected: string;
  readonly got: string;
}

export interface FileDiff {
  readonly file: string;
  readonly values: readonly ValueDiff[];
  /** Rows (or JSON paths) of the golden that are not there now, by key. */
  readonly missing: readonly string[];
  /** Rows (or JSON paths) there now that the golden does not have, by key. */
  readonly added: readonly string[];
  /** Columns of the golden that are not there now, and columns that are new. */
  readonly missingColumns: readonly string[];
  readonly addedColumns: readonly string[];
  /** Same rows and values in another order, or the same cells written differently (quoting): the bytes differ all the same. */
  readonly other?: string;
}

export interface DiffOptions {
  /**
   * Values that are numbers compare as decimals (12.34 = 12.3400000), and within the tolerance
   * when one is given; other values compare as strings. Off (a golden check), every value
   * compares as its exact string.
   */
  readonly numeric?: boolean;
  readonly tolerance?: Dec;
  /** Another system's export: columns it leaves out or adds are not differences (the caller says so). */
  readonly external?: boolean;
}

/** How many differences a file diff counts: each value, each missing or added row and each column. */
export function diffCount(d: FileDiff): number {
  return d.values.length + d.missing.length + d.added.length + d.missingColumns.length + d.addedColumns.length + (d.other ? 1 : 0);
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;

function same(a: string, b: string, o: DiffOptions): boolean {
  if (a === b) return true;
  if (!o.numeric || !NUMBER.test(a.trim()) || !NUMBER.test(b.trim())) return false;
  const d = new Dec(a.trim()).minus(b.trim()).abs();
  return o.tolerance ? d.lte(o.tolerance) : d.isZero();
}

/** The differences of one file, or null when it is the same. */
export function diffFile(file: string, expected: string, got: string, o: DiffOptions = {}): FileDiff | null {
  if (expected === got) return null;
  const d = file.endsWith('.json') ? diffJson(file, expected, got, o) : diffCsv(file, expected, got, o);
  if (diffCount(d) > 0 || o.external) return diffCount(d) > 0 ? d : null;
  return { ...d, other: 'the same values in different bytes (quoting or spacing)' };
}

function diffJson(file: string, expected: string, got: string, o: DiffOptions): FileDiff {
  const a = flattenJson(JSON.parse(expected));
  const b = flattenJson(JSON.parse(got));
  const values: ValueDiff[] = [];
  for (const [k, v] of a) if (b.has(k) && !same(v, b.get(k)!, o)) values.push({ key: '', field: k, expected: v, got: b.get(k)! });
  const keyOrder = (m: Map<string, string>) => [...m.keys()].join('\n');
  const d = { file, values, missing: [...a.keys()].filter((k) => !b.has(k)), added: [...b.keys()].filter((k) => !a.has(k)), missingColumns: [], addedColumns: [] };
  return diffCount(d) === 0 && keyOrder(a) !== keyOrder(b) ? { ...d, other: 'the same values in another order' } : d;
}

/** A row's name from its key columns ("seq 17", "investor investor-1, period 2024-03"), with "(2nd)" for a repeated key. */
function rowKeys(header: readonly string[], rows: readonly string[][], keyCols: readonly string[]): string[] {
  const idx = keyCols.map((c) => header.indexOf(c));
  const seen = new Map<string, number>();
  return rows.map((r, i) => {
    if (idx.length === 0) return `row ${i + 1}`;
    const base = keyCols.map((c, j) => `${c} ${r[idx[j]!] ?? ''}`).join(', ');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${ordinal(n)})`;
  });
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

function diffCsv(file: string, expected: string, got: string, o: DiffOptions): FileDiff {
  const a = readCsv(expected);
  const b = readCsv(got);
  const missingColumns = a.header.filter((c) => !b.header.includes(c));
  const addedColumns = b.header.filter((c) => !a.header.includes(c));
  const keyCols = (ROW_KEYS[file] ?? []).filter((c) => a.header.includes(c) && b.header.includes(c));
  const keysA = rowKeys(a.header, a.rows, keyCols);
  const keysB = rowKeys(b.header, b.rows, keyCols);
  const byKeyB = new Map(keysB.map((k, i) => [k, b.rows[i]!]));
  const setA = new Set(keysA);
  const shared = a.header.filter((c) => b.header.includes(c) && !keyCols.includes(c));
  const values: ValueDiff[] = [];
  keysA.forEach((k, i) => {
    const rb = byKeyB.get(k);
    if (!rb) return;
    const ra = a.rows[i]!;
    for (const c of shared) {
      const va = ra[a.header.indexOf(c)] ?? '';
      const vb = rb[b.header.indexOf(c)] ?? '';
      if (!same(va, vb, o)) values.push({ key: k, field: c, expected: va, got: vb });
    }
  });
  const d = {
    file, values,
    missing: keysA.filter((k) => !byKeyB.has(k)),
    added: keysB.filter((k) => !setA.has(k)),
    missingColumns: o.external ? [] : missingColumns,
    addedColumns: o.external ? [] : addedColumns,
  };
  if (diffCount(d) === 0 && !o.external && keysA.join('\n') !== keysB.join('\n')) return { ...d, other: 'the same rows in another order' };
  return d;
}

/** The lines a difference prints (at most `limit`, then how many more). */
export function describe(d: FileDiff, limit: number): string[] {
  const lines = [
    ...d.missingColumns.map((c) => `${d.file}: column ${c} is gone`),
    ...d.addedColumns.map((c) => `${d.file}: new column ${c}`),
    ...d.values.map((v) => `${d.file}${v.key ? ` ${v.key}` : ''}: ${v.field} ${show(v.expected)} → ${show(v.got)}`),
    ...d.missing.map((k) => `${d.file}: ${k} is missing`),
    ...d.added.map((k) => `${d.file}: ${k} is new`),
    ...(d.other ? [`${d.file}: ${d.other}`] : []),
  ];
  return lines.length > limit ? [...lines.slice(0, limit), `${d.file}: and ${lines.length - limit} more`] : lines;
}

function show(v: string): string {
  return v === '' ? '(empty)' : v.length > 60 ? `${v.slice(0, 57)}...` : v;
}
