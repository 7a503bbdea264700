// CSV text: RFC 4180 quoting, and spreadsheet-formula neutralization of every cell that is
// not a plain number (a cell starting with = + - @ tab or CR gets a leading apostrophe).
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Instrument } from '../engine/instrument.js';
import type { Price } from '../engine/values.js';

const NUMBER_RE = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell's text as a spreadsheet must see it (a formula neutralized), before CSV quoting: what a reader of the file gets back. */
export function csvText(v: string | number | boolean | undefined | null): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return FORMULA_START.test(s) && !NUMBER_RE.test(s) ? `'${s}` : s;
}

export function csvCell(v: string | number | boolean | undefined | null): string {
  const s = csvText(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A price at its instrument's digits (a mid between two quotes may carry one more); as is for an unknown symbol. */
export function priceCell(instruments: ReadonlyMap<string, Instrument>, symbol: string | undefined, x: Price | undefined): string | undefined {
  if (x === undefined) return undefined;
  const digits = symbol ? instruments.get(symbol)?.digits : undefined;
  return digits === undefined ? x.toString() : x.value.toFixed(Math.max(digits, x.value.decimalPlaces()));
}

export function csvLine(cells: ReadonlyArray<string | number | boolean | undefined | null>): string {
  return cells.map(csvCell).join(',') + '\n';
}

/** Where a run's CSV files go: a folder, or nowhere (a sweep job that needs only the summary counts rows without writing them). */
export type CsvDir = string | null;

/** `name` inside `dir`, or null (nowhere) when the run writes no files. */
export function csvPath(dir: CsvDir, name: string): string | null {
  return dir === null ? null : join(dir, name);
}

/** A CSV file written as rows arrive (buffered), so memory does not grow with history; with no path, rows are only counted. */
export class CsvWriter {
  private readonly fd: number | null;
  private buf: string[] = [];
  private size = 0;
  rows = 0;

  constructor(path: string | null, header: readonly string[]) {
    this.fd = path === null ? null : openSync(path, 'w');
    if (this.fd !== null) this.push(csvLine(header));
  }

  row(cells: ReadonlyArray<string | number | boolean | undefined | null>): void {
    this.rows++;
    if (this.fd !== null) this.push(csvLine(cells));
  }

  private push(line: string): void {
    this.buf.push(line);
    this.size += line.length;
    if (this.size > 1 << 16) this.drain();
  }

  private drain(): void {
    if (this.buf.length && this.fd !== null) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }

  private closed = false;

  close(): void {
    try {
      this.drain();
    } finally {
      this.abandon();
    }
  }

  /** Closes the file without writing what is buffered: after a failed run, so no descriptor outlives it (a full disk stays busy while one is open). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== null) closeSync(this.fd);
  }
}
