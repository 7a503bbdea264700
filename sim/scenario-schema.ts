// Validation of a scenario document against schemas/scenario.schema.json (defaults filled in),
// with the schema's one custom keyword, `magnitude`, naming a decimal field's kind so its
// range comes from sim/limits.ts; and the most specific error turned into one InputError.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Dec } from '../engine/decimal.js';
import { InputError, cut, shown } from './input-error.js';
import { isMagnitudeKind, magnitudeProblem } from './limits.js';
import type { Path } from './reader.js';
import type { Parsed } from './scenario-text.js';

const SCHEMA_PATH = resolve(dirname(new URL(import.meta.url).pathname), '..', 'schemas/scenario.schema.json');
const DECIMAL_RE = /^-?[0-9]+(\.[0-9]+)?$/;

/** `"magnitude": "<kind>"`: a decimal (string or number) within its kind's range; malformed text is left to `pattern`. */
function checkMagnitude(kind: unknown, data: unknown): { ok: boolean; message?: string } {
  if (!isMagnitudeKind(kind)) throw new Error(`schema: unknown magnitude kind ${String(kind)}`);
  const text = typeof data === 'number' && Number.isFinite(data) ? String(data) : typeof data === 'string' && DECIMAL_RE.test(data) ? data : undefined;
  if (text === undefined) return { ok: true };
  const problem = magnitudeProblem(new Dec(text), kind);
  return problem ? { ok: false, message: `${problem}, got ${shown(data)}` } : { ok: true };
}

let validator: ValidateFunction | undefined;

export function validate(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
    const magnitude = (kind: unknown, data: unknown): boolean => {
      const r = checkMagnitude(kind, data);
      magnitude.errors = r.ok ? [] : [{ keyword: 'magnitude', message: r.message, params: { kind } }];
      return r.ok;
    };
    magnitude.errors = [] as Array<Partial<ErrorObject>>;
    ajv.addKeyword({ keyword: 'magnitude', schemaType: 'string', errors: true, validate: magnitude });
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  }
  return validator;
}

const KIND_RANK: Record<string, number> = { additionalProperties: 0, required: 1, enum: 2, type: 3, pattern: 4, magnitude: 5 };

function explain(e: ErrorObject): { path: string; text: string } {
  const p = e.params as Record<string, unknown>;
  const schema = e.parentSchema as { description?: string; properties?: Record<string, unknown> } | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = schema?.properties ? Object.keys(schema.properties).join(', ') : '';
      const key = String(p.additionalProperty);
      // A key of the user's becomes part of the path only when short; the message quotes it safely either way.
      const path = key.length <= 40 ? `${e.instancePath}/${key}` : e.instancePath;
      return { path, text: `unknown field ${shown(key)}${allowed ? `; expected one of: ${allowed}` : ''}` };
    }
    case 'required':
      return { path: `${e.instancePath}/${String(p.missingProperty)}`, text: 'is required but missing' };
    case 'enum':
      return { path: e.instancePath, text: `expected one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { path: e.instancePath, text: `expected ${String(p.type).replace(',', ' or ')}` };
    case 'pattern':
      return { path: e.instancePath, text: `expected ${schema?.description ?? `text matching ${String(p.pattern)}`}` };
    case 'oneOf':
      return { path: e.instancePath, text: `expected exactly one of the allowed forms${schema?.description ? ` (${schema.description})` : ''}` };
    case 'maximum':
    case 'minimum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: e.instancePath, text: `${e.message ?? 'is out of range'}${schema?.description ? ` (${schema.description})` : ''}, got ${shown(e.data)}` };
    default:
      return { path: e.instancePath, text: e.message ?? 'is invalid' };
  }
}

/** The most specific schema errors first: deepest path, then unknown fields, missing fields, enums, types. */
export function schemaError(errors: readonly ErrorObject[], file: string, lineOf: Parsed['lineOf']): InputError {
  const depth = (e: ErrorObject): number => e.instancePath.split('/').length + (e.keyword === 'required' || e.keyword === 'additionalProperties' ? 1 : 0);
  const ranked = [...errors].sort((a, b) => depth(b) - depth(a) || (KIND_RANK[a.keyword] ?? 9) - (KIND_RANK[b.keyword] ?? 9));
  const seen = new Set<string>();
  const lines: Array<{ path: string; text: string }> = [];
  for (const e of ranked) {
    const x = explain(e);
    if (seen.has(x.path)) continue;
    seen.add(x.path);
    lines.push(x);
    if (lines.length === 5) break;
  }
  const first = lines[0]!;
  const toPath = (ptr: string): Path => ptr.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  const short = (path: string): string => cut(path, 120);
  return new InputError(file, short(first.path), first.text, lineOf(toPath(first.path)), lines.slice(1, 5).map((l) => `${short(l.path)}: ${l.text}`));
}
