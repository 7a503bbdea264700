// Validation of a scenario document against schemas/scenario.schema.json (defaults filled in),
// with the schema's one custom keyword, `magnitude`, naming a decimal field's kind so its
// range comes from sim/limits.ts; and the most specific error turned into one InputError.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Dec } from '../engine/decimal.js';
import { InputError, cut, shown } from './input-error.js';
import { isMagnitudeKind, magnitudeProblem } from './limits.js';
import type { Path } from './reader.js';
import type { Parsed } from './scenario-text.js';

const SCHEMA_PATH = resolve(PACKAGE_ROOT, 'schemas/scenario.schema.json');
const DECIMAL_RE = /^-?[0-9]+(\.[0-9]+)?$/;

/** The schema's rule for an id (`definitions.id`), for ids made outside the document: a strategy's tickets. */
export function idPattern(): RegExp {
  return new RegExp((schemaDefinition('id') as { pattern: string }).pattern);
}

/** `"magnitude": "<kind>"`: a decimal (string or number) within its kind's range; malformed text is left to `pattern`. */
function checkMagnitude(kind: unknown, data: unknown): { ok: boolean; message?: string } {
  if (!isMagnitudeKind(kind)) throw new Error(`schema: unknown magnitude kind ${String(kind)}`);
  const text = typeof data === 'number' && Number.isFinite(data) ? String(data) : typeof data === 'string' && DECIMAL_RE.test(data) ? data : undefined;
  if (text === undefined) return { ok: true };
  const problem = magnitudeProblem(new Dec(text), kind);
  return problem ? { ok: false, message: `${problem}, got ${shown(data)}` } : { ok: true };
}

let validator: ValidateFunction | undefined;
let rootSchema: { definitions?: Record<string, unknown> } = {};

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
    rootSchema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as typeof rootSchema;
    validator = ajv.compile(rootSchema);
  }
  return validator;
}

/** A definition of the schema (`definitions.NAME`), as written. */
export function schemaDefinition(name: string): { properties?: Record<string, unknown> } {
  validate();
  return (rootSchema.definitions![name] ?? {}) as { properties?: Record<string, unknown> };
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
      const hint = misplaced(e.instancePath, key);
      return { path, text: `unknown field ${shown(key)}${allowed ? `; expected one of: ${allowed}` : ''}${hint ? ` (${hint})` : ''}` };
    }
    case 'required':
      return { path: `${e.instancePath}/${String(p.missingProperty)}`, text: 'is required but missing' };
    case 'enum':
      return { path: e.instancePath, text: `expected one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type': {
      // The fee's rate and the fee's policies share a name: an object here meant the policies.
      const hint = e.instancePath === '/program/performanceFee' && isType('object', e.data) ? '; program.performanceFee is the rate (0.2 = 20%): the fee\'s conventions (period, hwmBasis, hurdle, …) go in policies.performanceFee' : '';
      return { path: e.instancePath, text: `expected ${String(p.type).replace(',', ' or ')}${hint}` };
    }
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

/** Fee conventions are policies: where a field put under `program` (or at the wrong level of `policies`) belongs. */
const FEE_POLICY_FIELDS: Readonly<Record<string, string>> = {
  dayCount: 'policies.managementFee.dayCount',
  hwmBasis: 'policies.performanceFee.hwmBasis', hwmReset: 'policies.performanceFee.hwmReset', floatingPnl: 'policies.performanceFee.floatingPnl',
  partialWithdrawal: 'policies.performanceFee.partialWithdrawal', hurdle: 'policies.performanceFee.hurdle', hurdleRate: 'policies.performanceFee.hurdleRate',
  hurdleDayCount: 'policies.performanceFee.hurdleDayCount', period: 'policies.performanceFee.period (or policies.managementFee.period)',
  annualize: 'policies.metrics.annualize', ratioFrequency: 'policies.metrics.ratioFrequency', targetReturn: 'policies.metrics.targetReturn',
};

function misplaced(at: string, key: string): string | undefined {
  const where = FEE_POLICY_FIELDS[key];
  if (!where) return undefined;
  if (at === '/program' || at === '/program/managementFee' || at === '/policies' || at.startsWith('/variants/')) return `it belongs in ${where}`;
  return undefined;
}

const SHAPE = new Set(['required', 'additionalProperties', 'type', 'enum', 'const']);

type SchemaNode = { $ref?: string; type?: string | string[]; enum?: unknown[]; const?: unknown; required?: string[]; properties?: Record<string, unknown>; additionalProperties?: unknown };

function resolveRef(node: SchemaNode): SchemaNode {
  let n = node;
  for (let hops = 0; n.$ref !== undefined && hops < 10; hops++) n = (rootSchema.definitions as Record<string, SchemaNode>)[n.$ref.replace('#/definitions/', '')] ?? {};
  return n;
}

const isType = (t: string, v: unknown): boolean =>
  t === 'object' ? typeof v === 'object' && v !== null && !Array.isArray(v)
    : t === 'array' ? Array.isArray(v)
      : t === 'integer' ? Number.isInteger(v)
        : t === 'null' ? v === null
          : typeof v === t;

/** Whether a value has the shape of one form of a `oneOf`: its type, constant, required and allowed fields. */
function fitsShape(form: SchemaNode, data: unknown): boolean {
  const f = resolveRef(form);
  if (f.type !== undefined && ![f.type].flat().some((t) => isType(t, data))) return false;
  if (f.enum && !f.enum.includes(data)) return false;
  if (f.const !== undefined && f.const !== data) return false;
  if (!isType('object', data)) return true;
  const o = data as Record<string, unknown>;
  if (f.required?.some((k) => !(k in o))) return false;
  return f.additionalProperties !== false || Object.keys(o).every((k) => f.properties !== undefined && k in f.properties);
}

/**
 * Drops the errors of the forms a value plainly did not mean. When a `oneOf` (or `anyOf`) fails and some
 * of its forms fit the value's shape, the shape errors at the value itself come from the
 * other forms and only mislead: a `perLot` too large must not read as "unknown field perLot"
 * from the form that takes `notionalPct`. What is left names the problem inside the form
 * that fits.
 */
function pruneOneOf(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const one of errors) {
    if ((one.keyword !== 'oneOf' && one.keyword !== 'anyOf') || !Array.isArray(one.schema)) continue;
    if (!(one.schema as SchemaNode[]).some((form) => fitsShape(form, one.data))) continue;
    dropped.add(one);
    for (const e of errors) if (e.instancePath === one.instancePath && SHAPE.has(e.keyword)) dropped.add(e);
  }
  return errors.filter((e) => !dropped.has(e));
}

/** The most specific schema errors first: deepest path, then unknown fields, missing fields, enums, types. */
export function schemaError(errors: readonly ErrorObject[], file: string, lineOf: Parsed['lineOf']): InputError {
  const depth = (e: ErrorObject): number => e.instancePath.split('/').length + (e.keyword === 'required' || e.keyword === 'additionalProperties' ? 1 : 0);
  // An `if` error only says that its `then` or `else` failed (an investor or a generated group): their own errors say why.
  const kept = pruneOneOf(errors).filter((e) => e.keyword !== 'if');
  const ranked = (kept.length ? kept : [...errors]).sort((a, b) => depth(b) - depth(a) || (KIND_RANK[a.keyword] ?? 9) - (KIND_RANK[b.keyword] ?? 9));
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
