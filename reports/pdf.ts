// `--pdf`: prints HTML pages (investor statements) to PDF files beside them through headless
// Chromium, driven by playwright-core in a child process (reports/pdf-print.ts) so that the
// synchronous run writer can wait for it, one browser for every file. Chromium stamps each PDF
// with the wall clock (/CreationDate, /ModDate, and XMP dates and an /ID where present): these
// are rewritten, byte length for byte length so the cross-reference offsets stay valid, to the
// date the page itself carries (`<meta name="date">`, a statement's period end) and to a digest
// of the content, so the same page printed twice, by the same Chromium, gives the same bytes.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError, cut, escapeControls } from '../sim/input-error.js';

/** Where Chromium is when CHROMIUM_PATH does not say (Debian's package). */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The date a page without `<meta name="date">` is stamped with: a fixed epoch, never the clock. */
export const DEFAULT_PDF_DATE = '1970-01-01T00:00:00';

/** Chromium missing or failing: bad input of the environment, exit 2 in one line, no stack trace. */
export class PdfError extends InputError {
  constructor(reason: string) {
    super('--pdf', '', reason);
    this.message = escapeControls(`--pdf needs Chromium: install chromium or set CHROMIUM_PATH (${reason})`);
  }
}

export interface PdfOptions {
  /** The Chromium binary; default CHROMIUM_PATH, else /usr/bin/chromium. */
  readonly chromiumPath?: string;
}

/** What the child process is handed on its standard input. */
export interface PrintRequest {
  readonly executablePath: string;
  readonly files: ReadonlyArray<{ readonly html: string; readonly pdf: string }>;
}

/** `statement.html` → `statement.pdf` (any other name gets `.pdf` added). */
export function pdfNameOf(htmlFile: string): string {
  return /\.html?$/i.test(htmlFile) ? htmlFile.replace(/\.html?$/i, '.pdf') : `${htmlFile}.pdf`;
}

/**
 * The child's command line: from the TypeScript sources through tsx, from the build directly (as
 * sim/jobs.ts does for its workers). tsx is found with require's resolution, which every loader
 * of this module has (import.meta.resolve is missing where tsx or a test runner compiles it to CommonJS).
 */
function childArgs(): string[] {
  const fromSources = import.meta.url.endsWith('.ts');
  const script = new URL(fromSources ? './pdf-print.ts' : './pdf-print.js', import.meta.url);
  return [...(fromSources ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : []), fileURLToPath(script)];
}

/** The Chromium `--pdf` will use; refuses (PdfError) when there is none, so a run can check before it starts. */
export function checkPrinter(opts: PdfOptions = {}): string {
  const executablePath = opts.chromiumPath ?? process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
  if (!existsSync(executablePath)) throw new PdfError(`no Chromium at ${executablePath}`);
  return executablePath;
}

/**
 * Prints each HTML file (paths relative to `dir`) to a PDF with the same base name beside it,
 * A4, backgrounds printed, the page's own `@page` size. Synchronous: it returns when every PDF
 * is written and made deterministic. Throws PdfError when Chromium is missing or fails.
 */
export function printPdfs(dir: string, htmlFiles: readonly string[], opts: PdfOptions = {}): void {
  if (htmlFiles.length === 0) return;
  const executablePath = checkPrinter(opts);
  const files = htmlFiles.map((f) => ({ html: resolve(dir, f), pdf: resolve(dir, pdfNameOf(f)) }));
  const request: PrintRequest = { executablePath, files };
  const child = spawnSync(process.execPath, childArgs(), {
    input: JSON.stringify(request),
    encoding: 'utf8',
    // A browser starts in about a second and prints a page in a tenth of one; a hung one is stopped.
    timeout: 60_000 + 2_000 * files.length,
    // Chromium writes local time into the dates it stamps: UTC, so the rewrite below sees one form.
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.error || child.status !== 0) {
    const said = (child.stderr ?? '').trim().split('\n').filter((l) => l.trim() !== '').pop();
    const why = child.error ? child.error.message : said ?? `the printer exited with ${child.status ?? child.signal ?? 'nothing'}`;
    throw new PdfError(cut(why.replace(/^error:\s*/, ''), 300));
  }
  for (const f of files) {
    const html = readFileSync(f.html, 'utf8');
    writeFileSync(f.pdf, fixPdf(readFileSync(f.pdf), pageDate(html)));
  }
}

/** The `<meta name="date" content="…">` of a page (a server time), or the fixed epoch. */
export function pageDate(html: string): string {
  const m = /<meta name="date" content="(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})">/.exec(html);
  return m ? m[1]! : DEFAULT_PDF_DATE;
}

/** A rewrite of a stamp, checked to be as long as the original (xref offsets count bytes). */
function sameLength(original: string, replacement: string): string {
  if (replacement.length !== original.length) throw new Error(`PDF rewrite must keep lengths: ${original.length} ≠ ${replacement.length}`);
  return replacement;
}

/** A PDF date's suffix (`+02'00'`, `Z`, or nothing) made UTC in the same number of bytes. */
const utcSuffix = (suffix: string): string => suffix.replace(/[0-9]/g, '0').replace('-', '+');

/**
 * The PDF with every clock-made stamp replaced in place, each by a value of the same length:
 * /CreationDate and /ModDate by `date` (`YYYY-MM-DDTHH:MM:SS`), XMP create, modify and metadata
 * dates likewise, and the file /ID and XMP uuids by a SHA-256 of the PDF with those stamps
 * blanked. Lengths never change, so every xref offset stays right.
 */
export function fixPdf(pdf: Buffer, date: string = DEFAULT_PDF_DATE): Buffer {
  // latin1 maps each byte to one character and back: a byte-exact way to edit a binary file as text.
  let text = pdf.toString('latin1');
  const digits = date.replace(/[^0-9]/g, '').padEnd(14, '0').slice(0, 14);
  text = text.replace(/\/(CreationDate|ModDate)(\s*)\(D:(\d{1,14})([^)]*)\)/g, (all, key: string, space: string, d: string, suffix: string) =>
    sameLength(all, `/${key}${space}(D:${digits.slice(0, d.length)}${utcSuffix(suffix)})`));
  const iso = date.slice(0, 19);
  text = text.replace(/<xmp:(CreateDate|ModifyDate|MetadataDate)>([^<]*)<\/xmp:\1>/g, (all, key: string, value: string) => {
    const stamp = value.length >= iso.length ? iso + utcSuffix(value.slice(iso.length)) : iso.slice(0, value.length);
    return sameLength(all, `<xmp:${key}>${stamp}</xmp:${key}>`);
  });
  // Blank what is left to stamp, then stamp it with a digest of everything else.
  const ids = /\/ID(\s*)\[(\s*)<([0-9A-Fa-f]*)>(\s*)<([0-9A-Fa-f]*)>(\s*)\]/g;
  const uuids = /uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
  const blank = text.replace(ids, (all) => all.replace(/<[0-9A-Fa-f]*>/g, (h) => `<${'0'.repeat(h.length - 2)}>`)).replace(uuids, 'uuid:00000000-0000-0000-0000-000000000000');
  const digest = createHash('sha256').update(blank, 'latin1').digest('hex');
  const hex = (n: number): string => digest.repeat(Math.ceil(n / digest.length) + 1).slice(0, n);
  text = text.replace(ids, (all, s1: string, s2: string, a: string, s3: string, b: string, s4: string) => sameLength(all, `/ID${s1}[${s2}<${hex(a.length)}>${s3}<${hex(b.length)}>${s4}]`));
  text = text.replace(uuids, () => `uuid:${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`);
  const out = Buffer.from(text, 'latin1');
  if (out.length !== pdf.length) throw new Error('PDF rewrite changed the file length');
  return out;
}
