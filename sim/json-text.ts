// The JSON fast path of sim/scenario-text.ts. JSON is YAML, but the YAML document keeps every
// node with its source range and peaks at 0.3-0.7 GB per MiB of text, so a scenario of 11,000
// investors and 10,000 orders (a few MB) cannot go that way. A JSON text is parsed with
// JSON.parse instead, and what the YAML path gets from its document is found in the text by
// the small scanners below, with the same answers: duplicate keys refused (JSON.parse keeps the
// last silently), numbers refused by their source text (JSON.parse loses it), and the line of
// a JSON path, found only when a message asks for one. The scanners run only on text that
// JSON.parse accepted, so they need not check the grammar again.
import { InputError, shown } from './input-error.js';
import { MAX_JSON_NUMBER } from './limits.js';
import type { Json } from './reader.js';

export type JsonPath = ReadonlyArray<string | number>;

/** Significant digits a double keeps exactly. */
export const MAX_EXACT_DIGITS = 15;

/** Why a number written as a number is refused (the YAML path's rule too), or undefined. `source` is its text as written. */
export function numberRefusal(source: string, value: number): string | undefined {
  if (!Number.isFinite(value) || Math.abs(value) > MAX_JSON_NUMBER) {
    return `the number ${shown(source)} is out of range: a scenario's numbers lie within ±10^15 (see docs/input-limits.md for each kind's own range)`;
  }
  const digits = source.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
  if (digits.length > MAX_EXACT_DIGITS) {
    return `the number ${shown(source)} has more than ${MAX_EXACT_DIGITS} significant digits and would lose precision: write it as a string, ${shown(source)}`;
  }
  return undefined;
}

/** What JSON.parse made of a text: its data, or where (if it says) it stopped. */
export type JsonAttempt = { readonly ok: true; readonly data: Json } | { readonly ok: false; readonly why: string; readonly offset?: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const NEWLINE = 0x0a;

const isSpace = (c: number): boolean => c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;

/**
 * The text as JSON, when it is JSON the YAML path would read the same way. A lone carriage
 * return is JSON whitespace but not a YAML line break (YAML reads it into the next key or
 * value), so such a text goes the YAML way, as it always has; so does a top-level scalar.
 */
export function attemptJson(text: string): JsonAttempt {
  let data: Json;
  try {
    data = JSON.parse(text) as Json;
  } catch (e) {
    // The parser's message may quote the text; only its position is kept.
    const at = /at position (\d+)/.exec(e instanceof Error ? e.message : '');
    return { ok: false, why: 'it is not valid JSON', ...(at ? { offset: Number(at[1]) } : {}) };
  }
  // YAML refuses a top-level scalar after a tab ("Tabs are not allowed as indentation"): a
  // scenario is an object, so only the message would differ, but the YAML way keeps it exact.
  if (data === null || typeof data !== 'object') return { ok: false, why: 'its top level is not an object' };
  // JSON has no raw CR inside strings, so any CR here is whitespace.
  if (/\r(?!\n)/.test(text)) return { ok: false, why: 'it ends lines with a lone carriage return (CR), which YAML reads differently from JSON (save it with LF or CRLF line ends)' };
  return { ok: true, data };
}

/** The offset just after the string literal that opens at `at` (a quote is closed by the first quote not escaped). */
function stringEnd(text: string, at: number): number {
  let q = at;
  for (;;) {
    q = text.indexOf('"', q + 1);
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
  }
}

/** The string literal from `at` to `end` as a value: sliced when it has no escapes, else decoded by JSON.parse. */
function stringValue(text: string, at: number, end: number): string {
  const inner = text.slice(at + 1, end - 1);
  return inner.includes('\\') ? (JSON.parse(text.slice(at, end)) as string) : inner;
}

/**
 * 1-based lines of offsets, as the YAML path's LineCounter gives them (a line ends at each
 * LF). Messages about price rows ask for the line of every row, so a line is found from a
 * table of the line at every STEP-th character (2 MB for 32 MiB of text, whether the
 * text is one line or millions) and at most STEP characters counted past it.
 */
export class LineIndex {
  private starts: Int32Array | undefined;
  private static readonly STEP = 64;

  constructor(private readonly text: string) {}

  lineAt(offset: number): number {
    const step = LineIndex.STEP;
    const text = this.text;
    if (!this.starts) {
      const starts = new Int32Array(Math.floor(text.length / step) + 1);
      let line = 1;
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) {
        // Every block that starts at or before this newline is on the line it ends.
        const upTo = Math.floor(nl / step);
        if (upTo >= from) starts.fill(line, from, upTo + 1);
        from = Math.max(from, upTo + 1);
        line++;
      }
      starts.fill(line, from);
      this.starts = starts;
    }
    const b = Math.floor(offset / step);
    let line = this.starts[b]!;
    for (let i = b * step; i < offset; i++) if (text.charCodeAt(i) === NEWLINE) line++;
    return line;
  }
}

/**
 * The YAML path's checks on a JSON text, in the YAML path's order: a duplicate key (the YAML
 * parser reports a pair's duplicate key when the pair's value is complete, so a duplicate
 * inside a value comes before the pair's own), then the first number out of range or with
 * more significant digits than a double keeps. The text must be one JSON.parse accepted.
 */
export function checkJsonText(text: string, file: string, lines: LineIndex): void {
  // One frame per open container: the keys of an object so far (undefined for an array), and
  // the key whose value is being read, with its offset for the message.
  const keys: Array<Set<string> | undefined> = [];
  const pending: Array<string | undefined> = [];
  const pendingAt: number[] = [];
  let expectKey = false;
  let badNumber: { readonly at: number; readonly why: string } | undefined;
  const finishMember = (): void => {
    const top = keys.length - 1;
    const set = keys[top];
    const key = pending[top];
    if (!set || key === undefined) return;
    if (set.has(key)) throw new InputError(file, '', 'cannot parse the file: Map keys must be unique', lines.lineAt(pendingAt[top]!));
    set.add(key);
    pending[top] = undefined;
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        const top = keys.length - 1;
        pending[top] = stringValue(text, i, end);
        pendingAt[top] = i;
        expectKey = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT) {
      keys.push(new Set());
      pending.push(undefined);
      pendingAt.push(0);
      expectKey = true;
      i++;
    } else if (c === OPEN_ARRAY) {
      keys.push(undefined);
      pending.push(undefined);
      pendingAt.push(0);
      expectKey = false;
      i++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      finishMember();
      keys.pop();
      pending.pop();
      pendingAt.pop();
      expectKey = false;
      i++;
    } else if (c === COMMA) {
      finishMember();
      expectKey = keys[keys.length - 1] !== undefined;
      i++;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      // A number: sign, digits, point, exponent.
      let j = i + 1;
      let exponent = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x65 || d === 0x45) exponent = true;
        else if (!((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x2b || d === 0x2d)) break;
      }
      // Without an exponent, 15 characters hold at most 15 digits and stay below 10^15: only
      // longer numbers or exponents need their text looked at (a file of tiny numbers stays fast).
      if (!badNumber && (exponent || j - i > MAX_EXACT_DIGITS)) {
        const source = text.slice(i, j);
        const why = numberRefusal(source, Number(source));
        if (why !== undefined) badNumber = { at: i, why };
      }
      i = j;
    } else {
      // Whitespace, a colon, or a letter of true, false or null.
      i++;
    }
  }
  if (badNumber) throw new InputError(file, '', badNumber.why, lines.lineAt(badNumber.at));
}

/** The offset of the first character at or after `at` that is not JSON whitespace. */
function skipSpace(text: string, at: number): number {
  while (isSpace(text.charCodeAt(at))) at++;
  return at;
}

/** The offset just after the JSON value that starts at `at`. */
function valueEnd(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === QUOTE) return stringEnd(text, at);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (let i = at; ; ) {
      const d = text.charCodeAt(i);
      if (d === QUOTE) {
        i = stringEnd(text, i);
        continue;
      }
      if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
      else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
  }
  let i = at + 1;
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || isSpace(d)) break;
  }
  return i;
}

/** An index into a sequence as the YAML library's getIn reads one (YAMLSeq's asItemIndex): a number, or a non-empty string that is one. */
function itemIndex(key: string | number): number | undefined {
  const idx = typeof key === 'string' && key !== '' ? Number(key) : key;
  return typeof idx === 'number' && Number.isInteger(idx) && idx >= 0 ? idx : undefined;
}

/**
 * lineOf for a JSON text, equal to the YAML path's: the line of the deepest node on the path
 * that exists. The text is walked from the root along the path; each object or array walked
 * through has the offsets of its members noted, so the next path through it jumps straight to
 * the member (a scenario's warnings name thousands of paths under the same few lists).
 */
export function jsonLineOf(text: string, lines: LineIndex): (path: JsonPath) => number | undefined {
  // Only lists and objects of more than NOTED characters are noted: a short one (a price row,
  // an order) is quicker to walk again than to keep when every row of a long list is asked
  // for, while a long one (the top level, a list of ticks) must not be walked again each time.
  const NOTED = 1024;
  const objects = new Map<number, Map<string, number>>();
  const arrays = new Map<number, Int32Array>();
  const members = (at: number): Map<string, number> => {
    let m = objects.get(at);
    if (m) return m;
    m = new Map();
    let i = skipSpace(text, at + 1);
    while (text.charCodeAt(i) === QUOTE) {
      const end = stringEnd(text, i);
      const key = stringValue(text, i, end);
      i = skipSpace(text, end);
      i = skipSpace(text, i + 1); // the colon
      // Keys are unique here (a duplicate was refused); the first is what YAML's getIn finds.
      if (!m.has(key)) m.set(key, i);
      i = skipSpace(text, valueEnd(text, i));
      if (text.charCodeAt(i) !== COMMA) break;
      i = skipSpace(text, i + 1);
    }
    if (i - at > NOTED) objects.set(at, m);
    return m;
  };
  const elements = (at: number): Int32Array => {
    let a = arrays.get(at);
    if (a) return a;
    const found: number[] = [];
    let i = skipSpace(text, at + 1);
    if (text.charCodeAt(i) !== CLOSE_ARRAY) {
      for (;;) {
        found.push(i);
        i = skipSpace(text, valueEnd(text, i));
        if (text.charCodeAt(i) !== COMMA) break;
        i = skipSpace(text, i + 1);
      }
    }
    a = Int32Array.from(found);
    if (i - at > NOTED) arrays.set(at, a);
    return a;
  };
  const root = skipSpace(text, 0);
  return (path) => {
    let at = root;
    for (const key of path) {
      const c = text.charCodeAt(at);
      let next: number | undefined;
      if (c === OPEN_OBJECT) next = typeof key === 'string' ? members(at).get(key) : undefined;
      else if (c === OPEN_ARRAY) {
        const idx = itemIndex(key);
        next = idx === undefined ? undefined : elements(at)[idx];
      }
      if (next === undefined) break;
      at = next;
    }
    return lines.lineAt(at);
  };
}
