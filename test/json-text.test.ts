// The JSON fast path (sim/json-text.ts) against the YAML path it stands in for: the same data,
// the same refusals with the same lines, and the same lineOf for every path, on the bundled
// scenarios and on random JSON texts.
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../sim/input-error.js';
import { LineIndex, attemptJson } from '../sim/json-text.js';
import type { Json } from '../sim/reader.js';
import { type Parsed, parseText, parseYaml } from '../sim/scenario-text.js';

type Key = string | number;
type Outcome = { readonly data: Json; readonly parsed: Parsed } | { readonly refused: { readonly expected: string; readonly line: number | undefined } };

function outcome(parse: () => Parsed): Outcome {
  try {
    const parsed = parse();
    return { data: parsed.data, parsed };
  } catch (e) {
    if (e instanceof InputError) return { refused: { expected: e.expected, line: e.line } };
    throw e;
  }
}

/** Every path into the data (the root included), then paths that leave it: a missing key, indices past the end or not indices, a key where an index goes. */
function pathsOf(data: Json): Key[][] {
  const out: Key[][] = [];
  const walk = (v: Json, path: Key[]): void => {
    out.push(path);
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i]));
      out.push([...path, v.length], [...path, String(v.length > 0 ? v.length - 1 : 0)], [...path, '1.0'], [...path, ''], [...path, -1], [...path, 0.5], [...path, 'x', 'y']);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
      out.push([...path, 'no such key'], [...path, 0], [...path, 'no', 0]);
    } else {
      out.push([...path, 'below a value'], [...path, 0]);
    }
  };
  walk(data, []);
  return out;
}

function expectSameLines(fast: Parsed, yaml: Parsed, paths: Key[][]): void {
  for (const p of paths) expect(fast.lineOf(p), JSON.stringify(p)).toBe(yaml.lineOf(p));
}

const SCENARIOS = join(__dirname, '..', 'scenarios');
const bundled = [
  ...readdirSync(SCENARIOS).filter((f) => f.endsWith('.json')).map((f) => join(SCENARIOS, f)),
  ...readdirSync(join(SCENARIOS, 'presets')).filter((f) => f.endsWith('.json')).map((f) => join(SCENARIOS, 'presets', f)),
];

describe('bundled scenarios: the JSON path gives the YAML path\'s data and lines', () => {
  it('finds the bundled scenarios', () => expect(bundled.length).toBeGreaterThanOrEqual(10));
  for (const file of bundled) {
    it(file.slice(SCENARIOS.length + 1), () => {
      const text = readFileSync(file, 'utf8');
      expect(attemptJson(text).ok).toBe(true);
      const fast = parseText(text, file);
      const yaml = parseYaml(text, file);
      expect(fast.data).toStrictEqual(yaml.data);
      expectSameLines(fast, yaml, pathsOf(yaml.data));
    });
  }

  it('a scenario as pretty-printed, CRLF and one-line text', () => {
    const data = JSON.parse(readFileSync(join(SCENARIOS, 'joint-program.json'), 'utf8')) as Json;
    for (const text of [JSON.stringify(data, null, '\t'), JSON.stringify(data, null, 2).replaceAll('\n', '\r\n'), JSON.stringify(data), `\n\n  ${JSON.stringify(data, null, 1)}\n`]) {
      const fast = parseText(text, 'x.json');
      const yaml = parseYaml(text, 'x.json');
      expect(fast.data).toStrictEqual(yaml.data);
      expectSameLines(fast, yaml, pathsOf(yaml.data));
    }
  });
});

describe('refusals the JSON path must make itself', () => {
  const both = (text: string) => [outcome(() => parseText(text, 'f.json')), outcome(() => parseYaml(text, 'f.json'))] as const;

  it.each([
    ['a duplicate key', '{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}'],
    ['a duplicate key written with an escape', '{"a": 1,\n"\\u0061": 2}'],
    ['a duplicate inside the value of a duplicate (the inner one is reported)', '{"a": 1,\n "a": {\n "x": 1,\n "x": 2}}'],
    ['a duplicate key after a comma on its own line', '{"a": 1\n,\n\n"a": 2}'],
    ['duplicates in two objects', '[{"c": 1, "c": 2},\n{"b": 1,\n "b": 1}]'],
    ['a number with 16 digits', '{"deposit":\n 1234567890.123456}'],
    ['a number above 10^15', '[1,\n 1000000000000001]'],
    ['a number beyond a double', '[0,\n\n-1e400]'],
    ['a duplicate after a bad number (the duplicate is reported)', '{"n": 1e16,\n "n": 2}'],
    ['the second bad number is not the one reported', '[1e16,\n 2e16]'],
    ['fifteen digits and a long exponent are fine', '[123456789012345, 1.00000000000000e-300, 0.00000000000000000001, -0, -0.0, 1E+2]'],
  ])('%s', (_about, text) => {
    const [fast, yaml] = both(text);
    if ('refused' in yaml) expect(fast).toEqual(yaml);
    else {
      expect('data' in fast && fast.data).toStrictEqual(yaml.data);
    }
  });

  it('a lone carriage return goes the YAML way (YAML reads it into the next token, JSON as a space)', () => {
    const text = '{"a": 1,\r"b": 2}';
    expect(attemptJson(text).ok).toBe(false);
    expect(parseText(text, 'f.json').data).toStrictEqual(parseYaml(text, 'f.json').data);
    expect(outcome(() => parseText(text, 'f.json', 2 * 1024 * 1024))).toEqual({ refused: { expected: 'the scenario file is 2097152 bytes and it ends lines with a lone carriage return (CR), which YAML reads differently from JSON (save it with LF or CRLF line ends): a YAML scenario may be at most 1 MiB, a JSON one 32 MiB (see docs/input-limits.md)', line: undefined } });
  });

  it('a text above the YAML limit that is not JSON is refused, naming both limits and the line JSON stops at', () => {
    const text = '{\n"a": 1,\n"b": 2,\n}';
    const r = outcome(() => parseText(text, 'f.json', 2 * 1024 * 1024));
    expect(r).toEqual({ refused: { expected: 'the scenario file is 2097152 bytes and it is not valid JSON (line 4): a YAML scenario may be at most 1 MiB, a JSON one 32 MiB (see docs/input-limits.md)', line: 4 } });
    // Within the YAML limit it is read as YAML, as before (YAML allows the trailing comma).
    expect(parseText(text, 'f.json', 1024).data).toStrictEqual({ a: 1, b: 2 });
  });
});

describe('LineIndex', () => {
  it('gives the line a count of LFs gives, for long texts of long and short lines', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 700 }), fc.constantFrom('\n', '\r\n', 'x')), { maxLength: 60 }), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (parts, probes) => {
        const text = parts.map(([n, end]) => 'a'.repeat(n) + end).join('');
        const index = new LineIndex(text);
        for (const p of [...probes.map((x) => x % (text.length + 1)), 0, text.length]) {
          expect(index.lineAt(p)).toBe(text.slice(0, p).split('\n').length);
        }
      }),
    );
  });
});

// Random JSON texts: values, numbers in many spellings, strings with escapes, keys that repeat,
// and whitespace of every JSON kind between tokens.
// Now and then a run of 1,100 spaces: objects and lists longer than 1 KiB keep their members' offsets (jsonLineOf).
const space = fc.array(fc.oneof({ weight: 30, arbitrary: fc.constantFrom('', ' ', '  ', '\n', '\t', '\r\n', '\n  ') }, { weight: 1, arbitrary: fc.constant(' '.repeat(1100)) }), { maxLength: 3 }).map((a) => a.join(''));
const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));
const intPart = fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digits(0, 20)).map(([a, b]) => a + b));
const numberText = fc.oneof(
  fc.tuple(fc.boolean(), intPart, fc.option(digits(1, 20), { nil: undefined }), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 3)), { nil: undefined }))
    .map(([neg, i, frac, exp]) => `${neg ? '-' : ''}${i}${frac !== undefined ? `.${frac}` : ''}${exp ? exp.join('') : ''}`),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
  fc.integer().map(String),
  fc.constantFrom('-0', '0', '-0.0', '1e15', '1e16', '1000000000000000', '1000000000000001', '1e-400', '-1e400', '123456789012345', '1234567890123456', '0.000000000000000000001', '1E+2'),
);
const stringText = fc.tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('', '\\u0041', '\\/', '\\n', '\\"', '\\\\', '\\ud83d\\ude00', '\\ud800', '#', ': ', '\\t', '- ')).map(([a, b, esc]) => `${JSON.stringify(a + b).slice(0, -1)}${esc}"`);
const keyText = fc.oneof(stringText, fc.constantFrom('"a"', '"b"', '"\\u0061"', '"__proto__"', '"<<"', '"0"', '"1"', '""'));
// The top level is an object or an array: a top-level scalar goes the YAML way (attemptJson).
const { top: jsonText } = fc.letrec<{ value: string; array: string; object: string; top: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, numberText, stringText, fc.constantFrom('true', 'false', 'null'), tie('array'), tie('object')),
  array: fc.tuple(space, fc.array(fc.tuple(tie('value'), space), { maxLength: 5 })).map(([s, items]) => `[${s}${items.map(([v, w]) => v + w).join(',')}]`),
  object: fc.tuple(space, fc.array(fc.tuple(keyText, space, space, tie('value'), space), { maxLength: 5 })).map(([s, members]) => `{${s}${members.map(([k, a, b, v, c]) => `${k}${a}:${b}${v}${c}`).join(',')}}`),
  top: fc.oneof(tie('array'), tie('object')),
}));

describe('random JSON texts: the JSON path agrees with the YAML path', () => {
  it('same data or the same refusal, and the same lines for every path', () => {
    fc.assert(
      fc.property(space, jsonText, space, (before, body, after) => {
        const text = before + body + after;
        expect(attemptJson(text).ok).toBe(true);
        const fast = outcome(() => parseText(text, 'f.json'));
        const yaml = outcome(() => parseYaml(text, 'f.json'));
        if ('refused' in yaml) {
          expect(fast).toEqual(yaml);
          return;
        }
        expect('data' in fast).toBe(true);
        if (!('data' in fast)) return;
        expect(fast.data).toStrictEqual(yaml.data);
        expectSameLines(fast.parsed, yaml.parsed, pathsOf(yaml.data));
      }),
      { numRuns: Number(process.env.JSON_FUZZ_RUNS ?? 3000) },
    );
  });
});
