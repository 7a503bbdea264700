// A scenario's text (JSON or YAML: JSON is YAML) to plain data, keeping each node's line for
// messages. Whatever the parser objects to, including an alias bomb, becomes an InputError
// naming the file; numbers a double cannot hold exactly, or beyond any documented range, are
// refused before anything reads them.
import { type Document, LineCounter, parseDocument, visit } from 'yaml';
import { InputError, cut, shown } from './input-error.js';
import { MAX_ALIAS_COUNT, MAX_JSON_NUMBER } from './limits.js';
import type { Json } from './reader.js';

export interface Parsed {
  readonly data: Json;
  readonly lineOf: (path: ReadonlyArray<string | number>) => number | undefined;
}

/** Significant digits a double keeps exactly. */
const MAX_EXACT_DIGITS = 15;

/** A parser's message as one short line: its first line, control characters escaped, cut. */
function parserMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return cut(text.split('\n')[0]!.trim(), 120);
}

/** Numbers written as numbers: finite, within ±MAX_JSON_NUMBER, and exact as a double. */
function checkNumbers(doc: Document, file: string, lineCounter: LineCounter): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'number') return;
      const line = node.range ? lineCounter.linePos(node.range[0]).line : undefined;
      const source = node.source ?? String(node.value);
      if (!Number.isFinite(node.value) || Math.abs(node.value) > MAX_JSON_NUMBER) {
        throw new InputError(file, '', `the number ${shown(source)} is out of range: a scenario's numbers lie within ±10^15 (see docs/input-limits.md for each kind's own range)`, line);
      }
      const digits = source.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
      if (digits.length > MAX_EXACT_DIGITS) {
        throw new InputError(file, '', `the number ${shown(source)} has more than ${MAX_EXACT_DIGITS} significant digits and would lose precision: write it as a string, ${shown(source)}`, line);
      }
    },
  });
}

function toData(doc: Document, file: string): Json {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Json;
  } catch (e) {
    if (e instanceof Error && /alias count/i.test(e.message)) {
      throw new InputError(file, '', `YAML anchors and aliases expand beyond the limit (an anchor used at most ${MAX_ALIAS_COUNT} times, fewer when it holds aliases itself): write the values out`);
    }
    throw new InputError(file, '', `cannot parse the file: ${parserMessage(e)}`);
  }
}

export function parseText(text: string, file: string): Parsed {
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    // resolveKnownTags off: `!!binary`, `!!set` and the like stay plain strings and maps, so the data is JSON.
    // logLevel error: the parser's warnings would go straight to the process's stderr, around the one message.
    doc = parseDocument(text, { lineCounter, keepSourceTokens: true, uniqueKeys: true, prettyErrors: false, resolveKnownTags: false, logLevel: 'error' });
  } catch (e) {
    throw new InputError(file, '', `cannot parse the file: ${parserMessage(e)}`);
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lineCounter.linePos(e.pos[0]).line;
    throw new InputError(file, '', `cannot parse the file: ${parserMessage(e)}`, line);
  }
  const lineOf = (path: ReadonlyArray<string | number>): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  checkNumbers(doc, file, lineCounter);
  return { data: toData(doc, file), lineOf };
}
