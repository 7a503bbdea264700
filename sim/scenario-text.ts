// A scenario's text (JSON or YAML: JSON is YAML) to plain data, keeping each node's line for
// messages. Whatever the parser objects to, including an alias bomb, becomes an InputError
// naming the file; numbers a double cannot hold exactly, or beyond any documented range, are
// refused before anything reads them. A JSON text takes the fast path of sim/json-text.ts
// (same data, refusals and lines, a fraction of the memory), so it may be much larger than a
// YAML text (MAX_JSON_SCENARIO_BYTES against MAX_SCENARIO_BYTES).
import { type Document, LineCounter, parseDocument, visit } from 'yaml';
import { InputError, cut } from './input-error.js';
import { LineIndex, attemptJson, checkJsonText, jsonLineOf, numberRefusal } from './json-text.js';
import { MAX_ALIAS_COUNT, MAX_JSON_SCENARIO_BYTES, MAX_SCENARIO_BYTES, mib } from './limits.js';
import type { Json } from './reader.js';

export interface Parsed {
  readonly data: Json;
  readonly lineOf: (path: ReadonlyArray<string | number>) => number | undefined;
}

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
      const why = numberRefusal(node.source ?? String(node.value), node.value);
      if (why !== undefined) throw new InputError(file, '', why, line);
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

/**
 * A scenario's text to data. `bytes`, the file's size when it was read from one, bounds a text
 * that is not JSON to MAX_SCENARIO_BYTES (the file was read up to MAX_JSON_SCENARIO_BYTES).
 */
export function parseText(text: string, file: string, bytes?: number): Parsed {
  const json = attemptJson(text);
  if (json.ok) {
    const lines = new LineIndex(text);
    checkJsonText(text, file, lines);
    return { data: json.data, lineOf: jsonLineOf(text, lines) };
  }
  if (bytes !== undefined && bytes > MAX_SCENARIO_BYTES) {
    const line = json.offset === undefined ? undefined : new LineIndex(text).lineAt(json.offset);
    throw new InputError(file, '', `the scenario file is ${bytes} bytes and ${json.why}${line === undefined ? '' : ` (line ${line})`}: a YAML scenario may be at most ${mib(MAX_SCENARIO_BYTES)}, a JSON one ${mib(MAX_JSON_SCENARIO_BYTES)} (see docs/input-limits.md)`, line);
  }
  return parseYaml(text, file);
}

/** The YAML way, for any text that is not JSON: the document keeps each node's range for lineOf. */
export function parseYaml(text: string, file: string): Parsed {
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
