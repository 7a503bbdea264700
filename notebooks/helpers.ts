// What the notebooks share (docs/notebooks.md): where the bundled scenarios are and where a
// notebook writes, tables and Observable Plot charts as rich Jupyter outputs (HTML with a plain-text
// fallback, never terminal colours), and money to cents for reading. Plain TypeScript over node: APIs
// and npm packages, so `tsc` checks it with the project and Deno's Jupyter kernel imports it as it is
// (`import { table } from './helpers.ts'`). Nothing here books anything: exact values stay decimal
// strings until a table rounds them for the eye.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as Plot from '@observablehq/plot';
import { Decimal } from 'decimal.js';
import { JSDOM } from 'jsdom';

/** The nearest folder at or above `from` with a package.json: the project the notebook belongs to. */
export function projectRoot(from: string = process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json at or above ${from}`);
  }
}

/** The project the notebook runs in (mamlab's own repository, or a project that installed mamlab). */
export const ROOT = projectRoot();

/**
 * The bundled scenarios, found the way a user's project finds them: through the installed package
 * (`mamlab/package.json` is exported), which in this repository is the repository itself.
 */
export const SCENARIOS = join(dirname(createRequire(join(ROOT, 'package.json')).resolve('mamlab/package.json')), 'scenarios');

/** A bundled scenario's path. */
export const scenario = (name: string): string => join(SCENARIOS, name);

/** Where a notebook writes its runs: out/notebooks/<notebook>/<name> under the project (gitignored). */
export const outDir = (notebook: string, name: string): string => join(ROOT, 'out', 'notebooks', notebook, name);

/** A value Jupyter displays: Deno's kernel asks an object for its MIME bundle through this symbol. */
export interface Rich {
  readonly [key: symbol]: () => Record<string, string>;
}

/** Wraps a MIME bundle (`text/html`, `text/plain`, `image/svg+xml`, `text/markdown`, …) for display. */
export function rich(bundle: Record<string, string>): Rich {
  return { [Symbol.for('Jupyter.display')]: () => bundle };
}

type JupyterApi = { display(bundle: Record<string, string>, opts: { raw: true }): Promise<void> };

/** How long `show` lets Deno's kernel send its displays before the cell may end (measured: 10 ms lost none of 300). */
const DISPLAY_FLUSH_MS = 25;

/**
 * Displays rich values now, through Deno's `Deno.jupyter.display`. A notebook awaits it rather than
 * leaving a table as the cell's last expression: Deno's kernel (2.9) hands its messages to a writer
 * that may send them after it has told Jupyter the cell is done, and `jupyter nbconvert` drops what
 * comes after (a cell's result: about 1 in 5; an awaited display: about 1 in 75). So `show` awaits
 * the display, then pauses a moment for the writer. Outside Jupyter (`deno run`) it prints the plain text.
 */
export async function show(...values: readonly Rich[]): Promise<void> {
  const jupyter = (globalThis as { Deno?: { jupyter?: JupyterApi } }).Deno?.jupyter;
  for (const v of values) {
    const bundle = v[Symbol.for('Jupyter.display')]!();
    if (jupyter) await jupyter.display(bundle, { raw: true });
    else console.log(bundle['text/plain'] ?? '');
  }
  if (jupyter) await new Promise((resolve) => setTimeout(resolve, DISPLAY_FLUSH_MS));
}

export type Cell = string | number | boolean | null | undefined;

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const text = (v: Cell): string => (v === null || v === undefined ? '' : String(v));
/** Right-aligned: numbers and number-like text (1,234.56, −5%, 0.42). */
const numeric = (v: Cell): boolean => typeof v === 'number' || (typeof v === 'string' && /^[-−+]?[\d,]+(\.\d+)?%?$/.test(v.trim()));

/**
 * A table from rows of plain values: an HTML table for Jupyter, and aligned plain text for any
 * viewer without HTML. `columns` picks and orders the columns (default: the first row's keys).
 */
export function table(rows: ReadonlyArray<Record<string, Cell>>, opts: { readonly columns?: readonly string[]; readonly caption?: string } = {}): Rich {
  const columns = opts.columns ?? Object.keys(rows[0] ?? {});
  const right = columns.map((c) => rows.length > 0 && rows.every((r) => r[c] === undefined || r[c] === null || r[c] === '' || numeric(r[c])));
  const html = [
    '<table>',
    opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '',
    `<thead><tr>${columns.map((c, i) => `<th style="text-align:${right[i] ? 'right' : 'left'}">${escapeHtml(c)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${columns.map((c, i) => `<td style="text-align:${right[i] ? 'right' : 'left'}">${escapeHtml(text(r[c]))}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]): string => cells.map((s, i) => (right[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!))).join('  ').trimEnd();
  const plain = [
    ...(opts.caption ? [opts.caption] : []),
    line(columns.map(String)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => text(r[c])))),
  ].join('\n');
  return rich({ 'text/html': html, 'text/plain': plain });
}

let chartDocument: Document | undefined;

/**
 * An Observable Plot chart, drawn into a jsdom document (as mamlab's own reports draw theirs,
 * reports/chart.ts) and displayed as inline SVG/HTML; `alt` is the plain-text fallback.
 */
export function chart(options: Plot.PlotOptions, alt = 'chart'): Rich {
  chartDocument ??= new JSDOM('<!doctype html><html><body></body></html>').window.document;
  const figure = Plot.plot({ ...options, document: chartDocument });
  return rich({ 'text/html': figure.outerHTML, 'text/plain': `[${alt}]` });
}

/** Markdown, displayed as such (for a conclusion computed from the figures). */
export const markdown = (md: string): Rich => rich({ 'text/markdown': md, 'text/plain': md });

/** Text from a scenario made safe inside Markdown: no emphasis, links, HTML or math (Jupyter reads $…$ as LaTeX). */
export const mdText = (s: string): string => s.replace(/[\\`*_{}[\]<>()#+!|$~]/g, (c) => `\\${c}`);

/** An exact decimal string (or Decimal) in cents with thousands separators, half up: 13800.0000000 → 13,800.00. */
export function money(x: string | Decimal): string {
  const d = new Decimal(x).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const [whole, cents] = d.abs().toFixed(2).split('.');
  return `${d.isNegative() && !d.isZero() ? '-' : ''}${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** A fraction as a percentage for reading: 0.425 → 42.5%. */
export const percent = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;
