// docs/scenario-fields.md is generated from schemas/scenario.schema.json by
// test/tools/scenario-fields.ts (`npm run docs:fields`): the committed file must be what the
// current schema renders to, and the renderer's rules are pinned on a small hand-written schema.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIELDS_FILE, type JsonSchema, SCHEMA_FILE, escapeText, renderScenarioFields } from './tools/scenario-fields.js';

const HEADER = [
  '<!-- Generated from schemas/scenario.schema.json by `npm run docs:fields` (test/tools/scenario-fields.ts). Do not edit: change the schema and rerun the command. -->',
  '',
  '# Scenario fields',
  '',
  '*Generated from [schemas/scenario.schema.json](../schemas/scenario.schema.json) by `npm run docs:fields`; do not edit by hand. The hand-written guide to writing a scenario is [docs/scenario-reference.md](scenario-reference.md).*',
  '',
];

const LEGEND =
  "Each entry gives a field's dotted path, then in parentheses its type, whether it is required, its allowed values, its default and its bounds, then its description. " +
  '`a[]` is each element of the array `a`; `a.<symbol>` (or `a.<key>`) each value of the object `a` under a key of your choosing. ' +
  'A field required inside an optional object is required only when that object is given.';

/** A $ref to a value type, an enum, defaults, a oneOf, a recursive $ref, a map, text to escape. */
const MINI: JsonSchema = {
  description: 'A tiny scenario.',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 20, description: 'Its name | title.' },
    mode: { enum: ['a', 'b'], default: 'a', description: 'Pick <a> or `<b>`.' },
    size: { $ref: '#/definitions/amount', default: '0' },
    source: { description: 'Where from.', oneOf: [{ const: 'none' }, { $ref: '#/definitions/file' }] },
    tree: { $ref: '#/definitions/node' },
    limits: { type: 'object', propertyNames: { $ref: '#/definitions/key' }, additionalProperties: { type: 'integer', minimum: 0, maximum: 9 } },
  },
  definitions: {
    amount: { type: ['string', 'number'], pattern: '^[0-9]+$', description: 'A whole amount.' },
    key: { type: 'string', pattern: '^[a-z]+$' },
    file: { type: 'object', required: ['path'], properties: { path: { type: 'string', description: 'Where the file is.' } } },
    node: {
      type: 'object',
      description: 'A node of the tree.',
      properties: { label: { type: 'string', default: '' }, children: { type: 'array', items: { $ref: '#/definitions/node' } } },
    },
  },
};

const MINI_MD = [
  ...HEADER,
  'A tiny scenario.',
  '',
  `${LEGEND} Value types such as [amount](#amount-value-type) link to their entry under [Value types](#value-types).`,
  '',
  'A scenario needs `name`.',
  '',
  'Sections: [`name`](#name) · [`mode`](#mode) · [`size`](#size) · [`source`](#source) · [`tree`](#tree) · [`limits`](#limits).',
  '',
  '## Sections',
  '',
  '### `name`',
  '',
  '- **`name`** (string; required; 1 to 20 characters): Its name \\| title.',
  '',
  '### `mode`',
  '',
  '- **`mode`** (string; one of `a`, `b`; default `a`): Pick &lt;a> or `<b>`.',
  '',
  '### `size`',
  '',
  '- **`size`** ([amount](#amount-value-type); default `0`)',
  '',
  '### `source`',
  '',
  '- **`source`** (exactly one of the forms below): Where from.',
  '  - *form 1:* string; always `none`',
  '  - *form 2:* an object with `path`',
  '    - **`source.path`** (string; required): Where the file is.',
  '',
  '### `tree`',
  '',
  '- <a id="field-tree"></a>**`tree`** (object): A node of the tree.',
  '  - **`tree.label`** (string; default `""`)',
  '  - **`tree.children`** (array of objects)',
  '    - **`tree.children[]`** (object; recursive: the fields of [`tree`](#field-tree) again): A node of the tree.',
  '',
  '### `limits`',
  '',
  '- **`limits`** (object; keys: [key](#key-value-type))',
  '  - **`limits.<key>`** (integer; 0 to 9)',
  '',
  '## Value types',
  '',
  '### `amount` (value type)',
  '',
  'string or number; matching `^[0-9]+$`.',
  '',
  'A whole amount.',
  '',
  '### `key` (value type)',
  '',
  'string; matching `^[a-z]+$`.',
  '',
].join('\n');

describe('docs/scenario-fields.md (generated from the schema)', () => {
  it('is what the current schema renders to', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as JsonSchema;
    const expected = renderScenarioFields(schema);
    const committed = readFileSync(FIELDS_FILE, 'utf8');
    if (committed !== expected) {
      const a = committed.split('\n');
      const b = expected.split('\n');
      let line = 0;
      while (line < a.length && line < b.length && a[line] === b[line]) line++;
      expect.fail(
        `docs/scenario-fields.md is out of date with schemas/scenario.schema.json (first difference at line ${line + 1}): ` +
          'run `npm run docs:fields` and commit the result.\n' +
          `committed: ${a[line] ?? '(end of file)'}\nexpected:  ${b[line] ?? '(end of file)'}`,
      );
    }
  });

  it('lists every top-level key as a section and names the hand-written guide', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as JsonSchema;
    const text = renderScenarioFields(schema);
    for (const key of Object.keys(schema.properties ?? {})) expect(text).toContain(`\n### \`${key}\`\n`);
    expect(text).toContain('[docs/scenario-reference.md](scenario-reference.md)');
    expect(text).toContain('`npm run docs:fields`');
    for (const path of ['investors[].model', 'prices.<symbol>.generate.regimes[].meanBars', 'costs.swaps.<symbol>.tripleDay', 'stress[].recoveryMinutes']) {
      expect(text).toContain(`**\`${path}\`**`);
    }
  });
});

describe('the field renderer', () => {
  it('renders a small schema: a value-type $ref, an enum, defaults, a oneOf, a recursive $ref, a map', () => {
    expect(renderScenarioFields(MINI)).toBe(MINI_MD);
  });

  it('lists an anyOf and an if/then/else as forms and cases', () => {
    const md = renderScenarioFields({
      properties: {
        stop: { description: 'A level or none.', anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'null' }] },
        range: {
          description: 'A value or a range.',
          if: { type: 'object' },
          then: { type: 'object', required: ['min', 'max'], properties: { min: { type: 'number' }, max: { type: 'number' } } },
          else: { type: 'number' },
        },
      },
    });
    const sections = md.slice(md.indexOf('### `stop`'));
    expect(sections).toBe(
      [
        '### `stop`',
        '',
        '- **`stop`** (any of the forms below): A level or none.',
        '  - *form 1:* number; more than 0',
        '  - *form 2:* null',
        '',
        '### `range`',
        '',
        '- **`range`** (see the cases below): A value or a range.',
        '  - *when it is an object:* an object with `min`, `max`',
        '    - **`range.min`** (number; required)',
        '    - **`range.max`** (number; required)',
        '  - *otherwise:* number',
        '',
      ].join('\n'),
    );
  });

  it('says which keys an if requires and which constant it tests', () => {
    const md = renderScenarioFields({
      properties: {
        entry: {
          if: { type: 'object', required: ['generate'] },
          then: { type: 'object', required: ['generate'], properties: { generate: { type: 'integer' } } },
          else: { type: 'object', properties: { id: { type: 'string' } } },
        },
        effect: { allOf: [{ if: { properties: { type: { const: 'gap' } }, required: ['type'] }, then: { properties: { pct: { type: 'number' } } } }] },
      },
    });
    expect(md).toContain('  - *when it is an object and it has `generate`:* an object with `generate`\n    - **`entry.generate`** (integer; required)\n  - *otherwise:* an object\n');
    expect(md).toContain('  - *when `type` is `gap`:* an object\n    - **`effect.pct`** (number)\n');
  });

  it('names the keys a form only requires', () => {
    const md = renderScenarioFields({
      properties: { source: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] } },
    });
    expect(md).toContain('- **`source`** (object; exactly one of the forms below)\n  - **`source.a`** (string)\n  - **`source.b`** (string)\n  - *form 1:* with `a`\n  - *form 2:* with `b`\n');
  });

  it('expands a definition shared by siblings once and refers the others to it', () => {
    const md = renderScenarioFields({
      properties: { fees: { type: 'object', properties: { fx: { $ref: '#/definitions/rate' }, metal: { $ref: '#/definitions/rate' } } } },
      definitions: { rate: { type: 'object', properties: { perLot: { type: 'number' } } } },
    });
    expect(md).toContain(
      [
        '- **`fees`** (object)',
        '  - **`fees.fx`** (object)',
        '    - **`fees.fx.perLot`** (number)',
        '  - **`fees.metal`** (object; the same fields as `fees.fx`)',
      ].join('\n'),
    );
  });

  it('links recursion through array items, a form and the root instead of expanding it again', () => {
    const md = renderScenarioFields({
      properties: {
        nodes: { type: 'array', items: { $ref: '#/definitions/node' } },
        expr: { $ref: '#/definitions/expr' },
        self: { $ref: '#' },
      },
      definitions: {
        node: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/definitions/node' } } } },
        expr: { oneOf: [{ type: 'number' }, { $ref: '#/definitions/pair' }] },
        pair: { type: 'object', properties: { left: { $ref: '#/definitions/expr' }, right: { $ref: '#/definitions/pair' } } },
      },
    });
    expect(md.slice(md.indexOf('### `nodes`'))).toBe(
      [
        '### `nodes`',
        '',
        '- <a id="field-nodes"></a>**`nodes`** (array of objects)',
        '  - **`nodes[].kids`** (array of objects)',
        '    - **`nodes[].kids[]`** (object; recursive: the fields of [`nodes[]`](#field-nodes) again)',
        '',
        '### `expr`',
        '',
        '- <a id="field-expr"></a>**`expr`** (exactly one of the forms below)',
        '  - *form 1:* number',
        '  - <a id="field-expr-2"></a>*form 2:* an object',
        '    - **`expr.left`** (exactly one of the forms below; recursive: the fields of [`expr`](#field-expr) again)',
        '    - **`expr.right`** (object; recursive: the fields of [`expr` (form 2)](#field-expr-2) again)',
        '',
        '### `self`',
        '',
        '- **`self`** (object; recursive: the fields of [the scenario](#scenario-fields) again)',
        '',
      ].join('\n'),
    );
  });

  it('escapes | and < outside code spans, never inside them', () => {
    expect(escapeText('a | b < c `x | <y>` d\n  e')).toBe('a \\| b &lt; c `x | <y>` d e');
  });
});
