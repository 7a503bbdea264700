// Reads back a run's CSV files for the pages drawn after the run (the investors' tear sheets):
// one pass over a file, in chunks, keeping only the rows whose key column names a wanted
// subject. Memory holds one chunk and what the caller keeps, never the file.
//
// Records are split where a newline falls outside quotes (RFC 4180: a quoted cell may hold a
// newline). A record without any quote is split at its commas (no comma can be inside a cell
// then); one with quotes goes through csv-parse.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse/sync';
import { csvText } from './csv.js';

const CHUNK = 1 << 20;

/** Every complete record of the file at `path` after its header, in order. */
export function* csvRecords(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(CHUNK);
  let pending = '';
  let header = true;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      const text = pending + (n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end());
      let start = 0;
      let quoted = false;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 34) quoted = !quoted;
        else if (c === 10 && !quoted) {
          const record = text.slice(start, i);
          start = i + 1;
          if (header) header = false;
          else yield record;
        }
      }
      pending = text.slice(start);
      if (n === 0) break;
    }
    if (pending !== '' && !header) yield pending;
  } finally {
    closeSync(fd);
  }
}

/** The cells of one record. */
export function csvFields(record: string): string[] {
  if (!record.includes('"')) return record.split(',');
  return (parse(record, { relax_column_count: true }) as string[][])[0] ?? [];
}

/**
 * Calls `onRow(subject, cells)` for every row whose `column` holds one of `subjects` (as the
 * run wrote them: a cell that looked like a formula carries a leading apostrophe in the file).
 */
export function scanCsv(path: string, column: number, subjects: Iterable<string>, onRow: (subject: string, cells: string[]) => void): void {
  const wanted = new Map<string, string>();
  for (const s of subjects) wanted.set(csvText(s), s);
  if (wanted.size === 0) return;
  for (const record of csvRecords(path)) {
    const cells = csvFields(record);
    const subject = wanted.get(cells[column] ?? '');
    if (subject !== undefined) onRow(subject, cells);
  }
}
