// Reads typed values out of a validated scenario document, failing with the file, JSON path
// and line of the offending value.
import { Dec } from '../engine/decimal.js';
import { type Quantum, isOnQuantum } from '../engine/quantum.js';
import type { ServerTime } from '../engine/time.js';
import { type ServerTimeZone, parseTime } from './calendar.js';
import { InputError, pointer, shown } from './input-error.js';

export type Path = Array<string | number>;
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

export class Reader {
  constructor(readonly file: string, readonly lineOf: (path: ReadonlyArray<string | number>) => number | undefined) {}

  fail(path: Path, expected: string): never {
    throw new InputError(this.file, pointer(path), expected, this.lineOf(path));
  }

  decimal(v: Json | undefined, path: Path): Dec {
    if (typeof v !== 'string' && typeof v !== 'number') this.fail(path, 'expected a decimal number');
    return new Dec(typeof v === 'number' ? String(v) : v);
  }

  /** A decimal on the quantum; `positive` or `nonNegative` as asked. */
  amount(v: Json | undefined, path: Path, q: Quantum, sign: 'positive' | 'nonNegative'): Dec {
    const d = this.decimal(v, path);
    if (sign === 'positive' && !(d.isPositive() && !d.isZero())) this.fail(path, `expected a positive amount, got ${d.toString()}`);
    if (sign === 'nonNegative' && d.isNegative() && !d.isZero()) this.fail(path, `expected a non-negative amount, got ${d.toString()}`);
    if (!isOnQuantum(d, q)) this.fail(path, `${d.toString()} is finer than the precision ${q.step.toString()}`);
    return d;
  }

  time(v: Json | undefined, path: Path, zone: ServerTimeZone): ServerTime {
    const t = typeof v === 'string' ? parseTime(v, zone) : undefined;
    if (t === undefined) this.fail(path, `expected a valid time like 2024-03-04T10:00:00, got ${shown(v)}`);
    return t;
  }
}
