// Reads a scenario's optional `branding` section: the firm's name, colours, legal line and logo
// that printable investor statements carry (reports/statement-page.ts). The logo is read once,
// safely (regular file, size bound before reading, inside the scenario's folder or a
// --data-dir), recognised by its first bytes and kept as a data: URI, so every page embeds it
// without reading the file again. Nothing here moves a booked value.
import { pointer, shown } from './input-error.js';
import { containedPath, readInputFile } from './input-files.js';
import type { Obj, Path, Reader } from './reader.js';

/** What a statement page needs of the firm that sends it (the scenario's `branding`, as read). */
export interface Branding {
  /** The firm's name, in the letterhead. */
  readonly name: string;
  /** Brand colours as `#rrggbb`: primary for the letterhead and headings, accent for rules. */
  readonly colors?: { readonly primary: string; readonly accent: string };
  /** The logo as a `data:image/png|jpeg|svg+xml;base64,…` URI (the file's bytes, unchanged). */
  readonly logo?: string;
  /** The legal line at the foot of every statement. */
  readonly footer?: string;
}

/**
 * Largest logo file. A statement embeds the logo in every page as base64 (4/3 of its size), and
 * a run may write a page for each of thousands of investors and periods: 512 KiB is a detailed
 * PNG letterhead mark many times over (the bundled SVG is under 1 KiB) and keeps 1,000 pages
 * under 700 MB even at the limit.
 */
export const MAX_LOGO_BYTES = 512 * 1024;

/** The logo as read: what the scenario's hashes and its list of inputs take in. */
export interface LogoFile {
  readonly realPath: string;
  readonly bytes: Buffer;
}

export interface BrandingRead {
  readonly branding: Branding;
  readonly logoFile?: LogoFile;
}

export interface BrandingContext {
  /** The scenario file's folder: the logo's path is relative to it. */
  readonly baseDir: string;
  /** Folders besides the scenario's own tree a file may come from (`--data-dir`). */
  readonly dataDirs: readonly string[];
}

const LOGO_PATH: Path = ['branding', 'logo'];

/** The branding section as read, with its logo file; undefined when the scenario has none. */
export function readBranding(r: Reader, o: Obj | undefined, ctx: BrandingContext): BrandingRead | undefined {
  if (!o) return undefined;
  const c = o.colors as Obj | undefined;
  // The schema checked shapes and colour patterns; colours are kept lower case so a page's bytes
  // do not depend on how the file spelt them.
  const colors = c ? { primary: (c.primary as string).toLowerCase(), accent: (c.accent as string).toLowerCase() } : undefined;
  const logoFile = typeof o.logo === 'string' ? readLogo(r, o.logo, ctx) : undefined;
  const branding: Branding = {
    name: o.name as string,
    ...(colors ? { colors } : {}),
    ...(logoFile ? { logo: dataUri(r, logoFile.bytes, o.logo as string) } : {}),
    ...(typeof o.footer === 'string' ? { footer: o.footer } : {}),
  };
  return { branding, ...(logoFile ? { logoFile } : {}) };
}

/**
 * The logo's bytes, by the rules price files follow (sim/input-files.ts): inside the scenario's
 * folder tree or a --data-dir, judged on the path as written and again after links resolve, so a
 * scenario from someone else cannot embed a file from elsewhere on this machine in its pages; a
 * regular file, its size checked before reading and again on the open file, read as bytes.
 */
function readLogo(r: Reader, named: string, ctx: BrandingContext): LogoFile {
  const blame = { file: r.file, path: pointer(LOGO_PATH), line: r.lineOf(LOGO_PATH) };
  const path = containedPath(named, { scenarioDir: ctx.baseDir, dataDirs: ctx.dataDirs }, blame, 'logo file');
  const f = readInputFile({ path, shownAs: named, what: 'logo file', maxBytes: MAX_LOGO_BYTES, limitText: `${MAX_LOGO_BYTES / 1024} KiB`, blame, binary: true });
  return { realPath: f.realPath, bytes: f.bytes };
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
/** An SVG document: an optional XML declaration, comments and doctype, then the `<svg` root. */
const SVG_START = /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/;

/** The media type by the file's first bytes (never by its name), or undefined. */
export function logoMediaType(bytes: Buffer): 'image/png' | 'image/jpeg' | 'image/svg+xml' | undefined {
  if (bytes.subarray(0, PNG.length).equals(PNG)) return 'image/png';
  if (bytes.subarray(0, JPEG.length).equals(JPEG)) return 'image/jpeg';
  // Only the opening matters, and it is ASCII in any SVG: a character cut at 4 KiB or a stray
  // byte later on decodes to U+FFFD without changing the answer.
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096));
  return SVG_START.test(text) ? 'image/svg+xml' : undefined;
}

function dataUri(r: Reader, bytes: Buffer, named: string): string {
  const type = logoMediaType(bytes);
  if (!type) r.fail(LOGO_PATH, `the logo file ${shown(named)} is not a PNG, JPEG or SVG image (judged by its first bytes, not its name)`);
  return `data:${type};base64,${bytes.toString('base64')}`;
}
