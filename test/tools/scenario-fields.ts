// `npm run docs:fields`: writes docs/scenario-fields.md, the field-by-field reference of
// schemas/scenario.schema.json (every field with its dotted path, type, allowed values, default,
// bounds, whether it is required, and its description), grouped by the scenario's top-level keys
// in schema order. test/scenario-fields.test.ts fails when the committed file differs from what
// this renders from the current schema: rerun it after changing the schema.
//
// Rendering rules: a `$ref` to a definition with fields is expanded in place (a definition already
// being expanded is linked, not expanded again, so recursive schemas terminate); a `$ref` to a
// plain value (decimal, money, time, …) names it and links its entry under "Value types"; oneOf,
// anyOf and if/then/else list their alternatives as sub-entries; siblings sharing one definition
// (the per-class rate schedules) expand it once and refer to the first. `|` and `<` in text are
// escaped; nothing depends on the clock or the file system, so the output is deterministic.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The part of JSON Schema (draft-07) the renderer reads; other keywords are ignored. */
export interface JsonSchema {
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  propertyNames?: JsonSchema;
  items?: JsonSchema | JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  definitions?: Record<string, JsonSchema>;
  $defs?: Record<string, JsonSchema>;
  [keyword: string]: unknown;
}

export interface RenderOptions {
  /** The schema's path from the repository root, named in the header. */
  readonly schemaPath?: string;
  /** The command that regenerates the file, named in the header. */
  readonly command?: string;
}

const SCHEMA_PATH = 'schemas/scenario.schema.json';
const COMMAND = 'npm run docs:fields';
const PATTERN_INLINE_MAX = 60;

/** GitHub's heading anchor (as test/doc-links.test.ts computes it). */
export function slug(heading: string): string {
  const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '').trim().toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** An inline code span holding `s` verbatim (a longer fence when `s` has backticks). */
function code(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  return fence.length === 1 ? `\`${s}\`` : `${fence} ${s} ${fence}`;
}

/** Schema prose as Markdown: one line, `|` and `<` escaped outside the code spans it writes. */
export function escapeText(s: string): string {
  const oneLine = s.replace(/\s*\r?\n\s*/g, ' ').trim();
  const out: string[] = [];
  let last = 0;
  for (const m of oneLine.matchAll(/(`+)[\s\S]*?\1/g)) {
    out.push(escapePlain(oneLine.slice(last, m.index)), m[0]);
    last = m.index + m[0].length;
  }
  out.push(escapePlain(oneLine.slice(last)));
  return out.join('');
}

function escapePlain(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

/** A value as the scenario would write it: strings bare (quoted when empty or padded), everything else as JSON. */
function literal(v: unknown): string {
  return code(typeof v === 'string' && v !== '' && v.trim() === v ? v : JSON.stringify(v));
}

function isObject(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Frame {
  /** The definition's pointer (`#/definitions/x`) or `#` for the root. */
  readonly ref: string;
  readonly path: string;
  /** How a recursive entry names it: the path, and the form when it is one of several. */
  readonly label: string;
  /** Index of the line that starts the expansion, given an anchor when something links back to it. */
  readonly line: number;
  /** That anchor, chosen when the first recursive entry links to it. */
  anchor?: string;
}

class Renderer {
  readonly lines: string[] = [];
  /** Plain-value definitions linked from an entry, by pointer. */
  readonly valueTypes = new Set<string>();
  private readonly stack: Frame[] = [];
  /** Anchors to add to the current section's lines, by line index. */
  private readonly anchored = new Map<number, string>();
  /** Every anchor id given out in the document, to keep them unique. */
  private readonly anchorIds = new Set<string>();

  constructor(private readonly root: JsonSchema) {
    // The scenario itself is being expanded: a `$ref` to `#` links back to the top of the page.
    this.stack.push({ ref: '#', path: '', label: 'the scenario', line: -1, anchor: 'scenario-fields' });
  }

  /** The schema a local pointer names, or undefined. */
  target(ref: string): JsonSchema | undefined {
    if (ref === '#') return this.root;
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = this.root;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = isObject(node) ? node[key] : undefined;
    }
    return isObject(node) ? node : undefined;
  }

  /** The definition name a pointer ends in. */
  static refName(ref: string): string {
    return ref === '#' ? 'scenario' : decodeURIComponent(ref.slice(ref.lastIndexOf('/') + 1)).replace(/~1/g, '/').replace(/~0/g, '~');
  }

  /**
   * Follows `$ref`s: the target's keywords, overridden by those written beside the `$ref`
   * (a description or default there is the field's own). `refs` lists the pointers followed.
   */
  deref(node: JsonSchema): { schema: JsonSchema; refs: string[] } {
    const refs: string[] = [];
    let schema: JsonSchema = node;
    while (typeof schema.$ref === 'string' && !refs.includes(schema.$ref)) {
      const ref = schema.$ref;
      const target = this.target(ref);
      if (!target) break;
      refs.push(ref);
      // The target's own `$ref`, if any, is followed next.
      const { $ref: _followed, ...own } = schema;
      schema = { ...target, ...own };
    }
    return { schema, refs };
  }

  /** A schema with nothing inside it to list: no fields, items, alternatives or conditions. */
  static isPlain(s: JsonSchema): boolean {
    const t = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    return (
      s.properties === undefined && s.patternProperties === undefined && !isObject(s.additionalProperties) &&
      s.items === undefined && s.oneOf === undefined && s.anyOf === undefined && s.allOf === undefined &&
      s.if === undefined && !t.includes('object') && !t.includes('array')
    );
  }

  /** The first `$ref` that leads to a plain value, to name and link it. */
  private valueRef(node: JsonSchema): string | undefined {
    if (typeof node.$ref !== 'string') return undefined;
    const { schema } = this.deref(node);
    if (!Renderer.isPlain(schema)) return undefined;
    return node.$ref;
  }

  private valueLink(ref: string): string {
    this.valueTypes.add(ref);
    const name = Renderer.refName(ref);
    return `[${name}](#${slug(`${code(name)} (value type)`)})`;
  }

  /** What kind of value: "string", "object", "array of …", a value type's link, … */
  typeLabel(node: JsonSchema, plural = false): string {
    const vref = this.valueRef(node);
    if (vref) return plural ? `${this.valueLink(vref)} values` : this.valueLink(vref);
    const s = this.deref(node).schema;
    const types = Array.isArray(s.type) ? [...s.type] : s.type ? [s.type] : [];
    if (types.length === 0) {
      const values = s.enum ?? (s.const !== undefined ? [s.const] : undefined);
      if (values) {
        const kinds = [...new Set(values.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)))];
        types.push(...kinds);
      } else if (s.properties || isObject(s.additionalProperties)) types.push('object');
      else if (s.items) types.push('array');
    }
    if (types.length === 1 && types[0] === 'array' && isObject(s.items)) {
      const items = s.items;
      const inner = this.deref(items).schema;
      if (Renderer.isPlain(inner)) return `array of ${this.typeLabel(items, true)}`;
      if (inner.properties && !inner.oneOf && !inner.anyOf && !inner.if && !inner.allOf) return 'array of objects';
    }
    if (types.length === 0) return '';
    const words = types.map((t) => (plural ? (t === 'null' ? 'nulls' : `${t}s`) : t));
    return words.join(' or ');
  }

  /** The parenthesized facts of an entry: type, required, values, default, bounds. */
  facts(node: JsonSchema, required: boolean): string[] {
    const s = this.deref(node).schema;
    const out: string[] = [];
    const type = this.typeLabel(node);
    if (type) out.push(type);
    if (required) out.push('required');
    if (s.enum) out.push(`one of ${s.enum.map(literal).join(', ')}`);
    if (s.const !== undefined) out.push(`always ${literal(s.const)}`);
    if (s.default !== undefined) out.push(`default ${literal(s.default)}`);
    // Bounds written on the field itself; a value type's own bounds are under "Value types".
    const own = this.valueRef(node) ? { ...node } : s;
    const bound = Renderer.bounds(own);
    if (bound) out.push(bound);
    if (s.oneOf) out.push('exactly one of the forms below');
    if (s.anyOf) out.push('any of the forms below');
    if (s.if || s.allOf?.some((a) => a.if)) out.push('see the cases below');
    const keys = s.propertyNames;
    if (isObject(s.additionalProperties) && keys) {
      const vref = this.valueRef(keys);
      if (vref) out.push(`keys: ${this.valueLink(vref)}`);
      else if (typeof keys.pattern === 'string') out.push(`keys ${Renderer.patternWords(keys.pattern)}`);
    }
    return out;
  }

  static patternWords(pattern: string): string {
    return pattern.length <= PATTERN_INLINE_MAX ? `matching ${code(pattern)}` : 'matching a pattern given in the schema';
  }

  /** Numeric, length and item-count bounds in words, and the pattern. */
  static bounds(s: JsonSchema): string {
    const parts: string[] = [];
    const range = (lo: number | undefined, hi: number | undefined, unit: string, units: string): string | undefined => {
      if (lo !== undefined && hi !== undefined) return lo === hi ? `${lo} ${lo === 1 ? unit : units}` : `${lo} to ${hi} ${units}`;
      if (lo !== undefined) return `at least ${lo} ${lo === 1 ? unit : units}`;
      if (hi !== undefined) return `at most ${hi} ${hi === 1 ? unit : units}`;
      return undefined;
    };
    const lo = s.minimum !== undefined ? `at least ${s.minimum}` : typeof s.exclusiveMinimum === 'number' ? `more than ${s.exclusiveMinimum}` : undefined;
    const hi = s.maximum !== undefined ? `at most ${s.maximum}` : typeof s.exclusiveMaximum === 'number' ? `less than ${s.exclusiveMaximum}` : undefined;
    if (s.minimum !== undefined && s.maximum !== undefined) parts.push(`${s.minimum} to ${s.maximum}`);
    else if (lo && hi) parts.push(`${lo} and ${hi}`);
    else if (lo ?? hi) parts.push((lo ?? hi)!);
    const chars = range(s.minLength, s.maxLength, 'character', 'characters');
    if (chars) parts.push(chars);
    const items = range(s.minItems, s.maxItems, 'item', 'items');
    if (items) parts.push(items);
    if (typeof s.pattern === 'string') parts.push(Renderer.patternWords(s.pattern));
    return parts.join(', ');
  }

  /** The description of a field: its own, else that of the definition it expands (not a value type's). */
  description(node: JsonSchema): string {
    if (typeof node.description === 'string') return escapeText(node.description);
    if (this.valueRef(node)) return '';
    const s = this.deref(node).schema;
    return typeof s.description === 'string' ? escapeText(s.description) : '';
  }

  private emit(level: number, text: string): number {
    this.lines.push(`${'  '.repeat(level)}- ${text}`);
    return this.lines.length - 1;
  }

  private entry(level: number, path: string, facts: string[], description: string): number {
    const head = `**${code(path)}**${facts.length ? ` (${facts.join('; ')})` : ''}`;
    return this.emit(level, description ? `${head}: ${description}` : head);
  }

  /** The anchor of the line a frame starts at: `field-` and the path's letters and digits, numbered if taken. */
  private anchorFor(frame: Frame): string {
    if (frame.anchor === undefined) {
      const base = `field-${frame.path.toLowerCase().replace(/[^a-z0-9_]+/g, '-').replace(/^-+|-+$/g, '')}`;
      let id = base;
      for (let n = 2; this.anchorIds.has(id); n++) id = `${base}-${n}`;
      this.anchorIds.add(id);
      frame.anchor = id;
      this.anchored.set(frame.line, id);
    }
    return frame.anchor;
  }

  /** One field's entry and everything inside it. `sameAs` is the path of a sibling that already expanded the same definition. */
  field(path: string, node: JsonSchema, required: boolean, level: number, sameAs?: string): void {
    const { schema, refs } = this.deref(node);
    const expanding = refs.find((r) => !Renderer.isPlain(this.target(r) ?? {}));
    const open = expanding ? this.stack.find((f) => f.ref === expanding) : undefined;
    const facts = this.facts(node, required);
    if (open) {
      const link = `#${this.anchorFor(open)}`;
      this.entry(level, path, [...facts, `recursive: the fields of [${open.label}](${link}) again`], this.description(node));
      return;
    }
    if (sameAs !== undefined) {
      this.entry(level, path, [...facts, `the same fields as ${code(sameAs)}`], this.description(node));
      return;
    }
    const line = this.entry(level, path, facts, this.description(node));
    if (expanding) this.stack.push({ ref: expanding, path, label: code(path), line });
    this.inside(path, schema, level + 1);
    if (expanding) this.stack.pop();
  }

  /** The fields, items, alternatives and cases inside a schema, at `path`. */
  inside(path: string, s: JsonSchema, level: number): void {
    this.properties(path, s, level);
    if (isObject(s.additionalProperties)) {
      const keys = s.propertyNames;
      const keyRef = keys && typeof keys.$ref === 'string' ? Renderer.refName(keys.$ref) : 'key';
      this.field(`${path}.<${keyRef}>`, s.additionalProperties, false, level);
    }
    for (const [pattern, sub] of Object.entries(s.patternProperties ?? {})) {
      this.field(`${path}.<key ${pattern}>`, sub, false, level);
    }
    if (Array.isArray(s.items)) {
      s.items.forEach((item, i) => this.field(`${path}[${i}]`, item, false, level));
    } else if (isObject(s.items)) {
      const items = this.deref(s.items).schema;
      const folded = Renderer.isPlain(items) || (items.properties && !items.oneOf && !items.anyOf && !items.if && !items.allOf);
      if (!folded) this.field(`${path}[]`, s.items, false, level);
      else if (!Renderer.isPlain(items)) this.foldedItems(`${path}[]`, s.items, level);
    }
    this.alternatives(path, s.oneOf, level);
    this.alternatives(path, s.anyOf, level);
    for (const part of s.allOf ?? []) {
      if (part.if) this.conditional(path, part, level);
      else this.inside(path, this.deref(part).schema, level);
    }
    if (s.if) this.conditional(path, s, level);
  }

  /** An array of objects: their fields directly under the array (`investors[].id`), the definition guarded against recursion. */
  private foldedItems(path: string, items: JsonSchema, level: number): void {
    const { schema, refs } = this.deref(items);
    const expanding = refs.find((r) => !Renderer.isPlain(this.target(r) ?? {}));
    const open = expanding ? this.stack.find((f) => f.ref === expanding) : undefined;
    if (open) {
      this.field(path, items, false, level);
      return;
    }
    if (expanding) this.stack.push({ ref: expanding, path, label: code(path), line: this.lines.length - 1 });
    this.inside(path, schema, level);
    if (expanding) this.stack.pop();
  }

  private properties(path: string, s: JsonSchema, level: number): void {
    const expanded = new Map<string, string>();
    for (const [key, sub] of Object.entries(s.properties ?? {})) {
      const child = path === '' ? key : `${path}.${key}`;
      const ref = typeof sub.$ref === 'string' && !this.valueRef(sub) ? sub.$ref : undefined;
      const first = ref ? expanded.get(ref) : undefined;
      this.field(child, sub, s.required?.includes(key) ?? false, level, first);
      if (ref && first === undefined) expanded.set(ref, child);
    }
  }

  /** How an alternative reads in its bullet: a value type, a literal, or the kind of object. */
  private formLabel(node: JsonSchema): string {
    const s = this.deref(node).schema;
    if (Renderer.isPlain(s) || this.valueRef(node)) {
      // A form may only require keys of the object it constrains (`{ required: [builtin] }`).
      const facts = [...this.facts(node, false), ...(s.required?.length ? [`with ${s.required.map(code).join(', ')}`] : [])];
      return facts.join('; ') || 'any value';
    }
    const type = this.typeLabel(node) || 'a value';
    const req = s.required?.length ? ` with ${s.required.map(code).join(', ')}` : '';
    return `${type === 'object' ? 'an object' : type}${req}`;
  }

  private alternatives(path: string, forms: JsonSchema[] | undefined, level: number): void {
    forms?.forEach((form, i) => {
      const desc = this.description(form);
      this.emit(level, `*form ${i + 1}:* ${this.formLabel(form)}${desc ? `: ${desc}` : ''}`);
      const { schema, refs } = this.deref(form);
      if (Renderer.isPlain(schema)) return;
      const expanding = refs.find((r) => !Renderer.isPlain(this.target(r) ?? {}));
      const open = expanding ? this.stack.find((f) => f.ref === expanding) : undefined;
      if (open) {
        this.field(path, form, false, level + 1);
        return;
      }
      if (expanding) this.stack.push({ ref: expanding, path, label: `${code(path)} (form ${i + 1})`, line: this.lines.length - 1 });
      this.inside(path, schema, level + 1);
      if (expanding) this.stack.pop();
    });
  }

  /** An `if`/`then`/`else`: the case the condition describes, then its fields; `else` as "otherwise". */
  private conditional(path: string, s: JsonSchema, level: number): void {
    const when = this.condition(s.if ?? {});
    if (s.then) {
      const desc = this.description(s.then);
      this.emit(level, `*when ${when}:* ${this.formLabel(s.then)}${desc ? `: ${desc}` : ''}`);
      this.inside(path, this.deref(s.then).schema, level + 1);
    }
    if (s.else) {
      const desc = this.description(s.else);
      this.emit(level, `*otherwise:* ${this.formLabel(s.else)}${desc ? `: ${desc}` : ''}`);
      this.inside(path, this.deref(s.else).schema, level + 1);
    }
  }

  /** An `if` schema in words: `type` is `gap`; it is an object and it has `generate`; … */
  private condition(cond: JsonSchema): string {
    const parts: string[] = [];
    for (const [key, sub] of Object.entries(cond.properties ?? {})) {
      if (sub.const !== undefined) parts.push(`${code(key)} is ${literal(sub.const)}`);
      else if (sub.enum) parts.push(`${code(key)} is one of ${sub.enum.map(literal).join(', ')}`);
      else parts.push(`${code(key)} matches its condition`);
    }
    if (cond.type) parts.push(`it is ${Array.isArray(cond.type) ? cond.type.join(' or ') : cond.type === 'object' ? 'an object' : `a ${cond.type}`}`);
    const keys = (cond.required ?? []).filter((k) => !cond.properties || !(k in cond.properties));
    if (keys.length) parts.push(`it has ${keys.map(code).join(', ')}`);
    return parts.length ? parts.join(' and ') : 'the condition holds';
  }

  /** Adds the anchors that recursive entries link to, in the lines of the section just rendered. */
  finish(): void {
    for (const [i, id] of this.anchored) {
      const line = this.lines[i]!;
      const lead = /^\s*- /.exec(line)?.[0] ?? '';
      this.lines[i] = `${lead}<a id="${id}"></a>${line.slice(lead.length)}`;
    }
    this.anchored.clear();
  }
}

/**
 * docs/scenario-fields.md for `schema`: a header, one `###` section per top-level key (schema
 * order) listing every field inside it, and the plain value types the fields name.
 */
export function renderScenarioFields(schema: JsonSchema, options: RenderOptions = {}): string {
  const schemaPath = options.schemaPath ?? SCHEMA_PATH;
  const command = options.command ?? COMMAND;
  const r = new Renderer(schema);
  const top = Object.entries(schema.properties ?? {});
  const sections: string[] = [];
  for (const [key, sub] of top) {
    r.lines.length = 0;
    r.field(key, sub, schema.required?.includes(key) ?? false, 0);
    r.finish();
    sections.push(`### ${code(key)}`, '', ...r.lines, '');
  }
  const values: string[] = [];
  const valueNames: string[] = [];
  // The value types the entries link, in definition order.
  const defs = [
    ...Object.entries(schema.definitions ?? {}).map(([name, def]) => ({ ref: `#/definitions/${name}`, name, def })),
    ...Object.entries(schema.$defs ?? {}).map(([name, def]) => ({ ref: `#/$defs/${name}`, name, def })),
  ];
  for (const { ref, name, def } of defs) {
    if (!r.valueTypes.has(ref)) continue;
    valueNames.push(name);
    const facts: string[] = [];
    const type = Array.isArray(def.type) ? def.type.join(' or ') : def.type;
    if (type) facts.push(type);
    if (def.enum) facts.push(`one of ${def.enum.map(literal).join(', ')}`);
    if (def.const !== undefined) facts.push(`always ${literal(def.const)}`);
    const b = Renderer.bounds({ ...def, pattern: undefined });
    if (b) facts.push(b);
    if (typeof def.pattern === 'string') facts.push(`matching ${code(def.pattern)}`);
    values.push(`### ${code(name)} (value type)`, '');
    if (facts.length) values.push(`${facts.join('; ')}.`, '');
    if (typeof def.description === 'string') values.push(escapeText(def.description), '');
  }
  const title = 'Scenario fields';
  const intro = [
    `<!-- Generated from ${schemaPath} by \`${command}\` (test/tools/scenario-fields.ts). Do not edit: change the schema and rerun the command. -->`,
    '',
    `# ${title}`,
    '',
    `*Generated from [${schemaPath}](../${schemaPath}) by \`${command}\`; do not edit by hand. The hand-written guide to writing a scenario is [docs/scenario-reference.md](scenario-reference.md).*`,
    '',
  ];
  if (typeof schema.description === 'string') intro.push(escapeText(schema.description), '');
  const required = (schema.required ?? []).map(code).join(', ');
  intro.push(
    'Each entry gives a field\'s dotted path, then in parentheses its type, whether it is required, ' +
      'its allowed values, its default and its bounds, then its description. `a[]` is each element of the ' +
      'array `a`; `a.<symbol>` (or `a.<key>`) each value of the object `a` under a key of your choosing. ' +
      'A field required inside an optional object is required only when that object is given.' +
      (valueNames.length ? ` Value types such as [${valueNames[0]}](#${slug(`${code(valueNames[0]!)} (value type)`)}) link to their entry under [Value types](#value-types).` : ''),
    '',
  );
  if (required) intro.push(`A scenario needs ${required}.`, '');
  intro.push(`Sections: ${top.map(([k]) => `[${code(k)}](#${slug(code(k))})`).join(' · ')}.`, '');
  const body = [...intro, '## Sections', '', ...sections];
  if (values.length) body.push('## Value types', '', ...values);
  while (body[body.length - 1] === '') body.pop();
  return `${body.join('\n')}\n`;
}

/** Reads the schema at `schemaFile` and writes the reference to `outFile`; returns the text. */
export function writeScenarioFields(schemaFile: string, outFile: string): string {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as JsonSchema;
  const text = renderScenarioFields(schema);
  writeFileSync(outFile, text);
  return text;
}

const ROOT = resolve(import.meta.dirname, '..', '..');
export const SCHEMA_FILE = resolve(ROOT, SCHEMA_PATH);
export const FIELDS_FILE = resolve(ROOT, 'docs', 'scenario-fields.md');

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const text = writeScenarioFields(SCHEMA_FILE, FIELDS_FILE);
  console.log(`docs/scenario-fields.md: ${text.split('\n').length - 1} lines from ${SCHEMA_PATH}`);
}
