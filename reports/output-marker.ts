// The marker of a mamlab result: a file `.mamlab-result` in every directory mamlab writes,
// naming it a result (version, command, scenario hash) and listing every file mamlab put in
// it. A folder is mamlab's to replace only as far as that list goes: a file or folder a user
// added inside a result (a copied report, notes) makes it a folder mamlab did not write.
import { closeSync, fsyncSync, lstatSync, openSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../sim/package-root.js';

/** The marker file every mamlab output directory carries. */
export const MARKER = '.mamlab-result';

/**
 * Every file name a mamlab command writes at the top of a result (run, compare, Monte Carlo).
 * A staging folder, killed before it was finished, lists nothing: only these names (and
 * folders that are mamlab's in turn) are removed from it. Each writer's list must be here
 * (test/output-dir.test.ts checks it).
 */
export const KNOWN_OUTPUT_NAMES: ReadonlySet<string> = new Set([
  'summary.json', 'journal.csv', 'trades.csv', 'equity.csv', 'events.csv', 'executions.csv', 'statements.csv', 'fee-account.csv', 'costs.csv', 'rebates.csv', 'broker.csv', 'margin.csv', 'periods.csv', 'report.html', 'population.csv',
  'comparison.csv', 'earnings.csv', 'comparison.html', 'montecarlo.json', 'seeds.csv', 'equity-bands.csv', 'results.csv', 'cells.csv', 'sweep.html', 'sweep.json', MARKER, `${MARKER}.tmp`,
]);

/** What wrote a directory: echoed in its marker. */
export interface Provenance {
  readonly command: string;
  readonly scenarioHash: string;
}

interface Marker {
  /** `result` when finished; `staging` while a run writes it (a partial result). */
  readonly mamlab: 'result' | 'staging';
  /** Every file in the result, as paths relative to it, sorted (the marker itself not included). */
  readonly files?: readonly string[];
}

export function readMarker(dir: string): Marker | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Marker;
    return m && (m.mamlab === 'result' || m.mamlab === 'staging') ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Everything under `dir`, as sorted relative paths: regular files, folders, and anything else (links, devices). */
function walkTree(dir: string): { files: string[]; dirs: string[]; other: string[] } {
  const tree = { files: [] as string[], dirs: [] as string[], other: [] as string[] };
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(d, name));
      if (st.isDirectory()) {
        tree.dirs.push(r);
        walk(join(d, name), r);
      } else (st.isFile() ? tree.files : tree.other).push(r);
    }
  };
  walk(dir, '');
  return tree;
}

function write(dir: string, marker: Marker & Provenance): void {
  // Written aside and renamed over: a marker is never seen half-written, even after a crash or a full disk.
  const text = JSON.stringify({ mamlab: marker.mamlab, version: VERSION, command: marker.command, scenarioHash: marker.scenarioHash, ...(marker.files ? { files: marker.files } : {}) }, null, 2) + '\n';
  const aside = join(dir, `${MARKER}.tmp`);
  writeFileSync(aside, text);
  renameSync(aside, join(dir, MARKER));
}

/** Marks `dir` as a folder mamlab is writing (removable as a whole if the run dies). */
export function markStaging(dir: string, p: Provenance): void {
  write(dir, { ...p, mamlab: 'staging' });
}

/** Marks `dir` as a finished result, listing every file in it (nested results included). */
export function markResult(dir: string, p: Provenance): void {
  write(dir, { ...p, mamlab: 'result', files: walkTree(dir).files.filter((f) => f !== MARKER) });
}

/**
 * What in `dir` mamlab did not write, as paths relative to it (at most `max`, for a message).
 * A finished result: everything its marker does not list, except that a folder carrying its
 * own marker (a nested run, or a result later written into a variant's folder) is judged by
 * that marker. A staging folder (a run killed before finishing lists nothing): everything
 * but the names mamlab writes and folders that are mamlab's in turn.
 */
export function foreignEntries(dir: string, max = 3): string[] {
  const out: string[] = [];
  collectForeign(dir, '', out);
  return out.slice(0, max);
}

/** Which entries of a folder its marker makes mamlab's; the one rule both the check and the removal follow. */
interface Ownership {
  /** A regular file at `rel` (named `name`). */
  file(rel: string, name: string): boolean;
  /** A folder at `rel` (at `path`, inside `parentRel`) that carries no marker of its own. */
  folder(rel: string, path: string, parentRel: string): boolean;
}

/**
 * A finished result owns what its list names, the folders holding those, and its marker. A
 * staging folder (a run killed before finishing lists nothing) owns the names a run writes,
 * at its top and in the nested runs it had begun (folders holding nothing else).
 */
function ownership(m: Marker): Ownership {
  if (m.mamlab === 'staging') {
    return {
      file: (rel, name) => KNOWN_OUTPUT_NAMES.has(name) || (PAGES_IN_RUN.test(rel) && PAGE_FILE.test(name)),
      folder: (rel, path, parentRel) => (parentRel === '' && isPartialRun(path)) || (PAGES_FOLDER.test(rel) && isPagesFolder(path)),
    };
  }
  const listed = new Set(m.files ?? []);
  const folders = new Set<string>();
  for (const f of listed) for (let i = f.indexOf('/'); i >= 0; i = f.indexOf('/', i + 1)) folders.add(f.slice(0, i));
  return { file: (rel, name) => listed.has(rel) || (rel === name && (name === MARKER || name === `${MARKER}.tmp`)), folder: (rel) => folders.has(rel) };
}

function collectForeign(dir: string, prefix: string, out: string[]): void {
  const m = readMarker(dir);
  if (!m) {
    out.push(prefix ? `${prefix}/` : '(no marker)');
    return;
  }
  const own = ownership(m);
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const p = join(d, name);
      const shown = prefix ? `${prefix}/${r}` : r;
      const st = lstatSync(p);
      if (st.isDirectory() && readMarker(p)) collectForeign(p, shown, out); // a nested result goes by its own marker
      else if (st.isDirectory() && own.folder(r, p, rel)) walk(p, r);
      else if (st.isDirectory()) out.push(`${shown}/`);
      else if (!st.isFile() || !own.file(r, name)) out.push(shown);
    }
  };
  walk(dir, '');
}

/** A nested run a killed staging folder was writing (no marker yet): nothing in it but the names a run writes. */
function isPartialRun(dir: string): boolean {
  return readdirSync(dir).every((n) => (KNOWN_OUTPUT_NAMES.has(n) && lstatSync(join(dir, n)).isFile()) || (n === PAGES_DIR && isPagesFolder(join(dir, n))));
}

/**
 * A run's folder of investors' pages (investors/: index.html, a tear sheet per investor, their
 * statements and PDFs), at a run's top or a nested run's. The names a run gives its pages
 * (lower-case letters, digits, `.`, `_`, `-` and `~XX` escapes) ending .html or .pdf.
 */
const PAGES_DIR = 'investors';
const PAGES_FOLDER = /^([^/]+\/)?investors$/;
const PAGES_IN_RUN = /^([^/]+\/)?investors\/[^/]+$/;
const PAGE_FILE = /^[a-z0-9_~-][a-z0-9._~-]*\.(html|pdf)$/;

/** A staging run's folder of pages: nothing in it but page files (anything else a user put there keeps it). */
function isPagesFolder(dir: string): boolean {
  return readdirSync(dir).every((n) => PAGE_FILE.test(n) && lstatSync(join(dir, n)).isFile());
}

/** A finished mamlab result holding nothing but what its marker lists: mamlab's to replace. */
export function isPureResult(dir: string): boolean {
  return readMarker(dir)?.mamlab === 'result' && foreignEntries(dir, 1).length === 0;
}

/** A result or a staging folder holding only mamlab's own files: safe to remove. */
export function isRemovable(dir: string): boolean {
  return readMarker(dir) !== undefined && foreignEntries(dir, 1).length === 0;
}

/**
 * Removes a folder mamlab wrote, file by file as its marker lists them (or by the names a run
 * writes, for a staging folder), never a whole subtree blindly: a file put there after it was
 * checked survives, and so does the folder holding it (returned false). The marker goes last,
 * so a removal cut short still carries it and the next run finishes it.
 */
export function removeOurs(dir: string): boolean {
  const m = readMarker(dir);
  if (!m) return false;
  let whole = true;
  const own = ownership(m);
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d)) {
      const r = rel ? `${rel}/${name}` : name;
      const p = join(d, name);
      const st = lstatSync(p);
      if (rel === '' && name === MARKER) continue;
      if (st.isDirectory() && readMarker(p)) whole = removeOurs(p) && whole; // a nested result goes by its own list
      else if (st.isDirectory() && own.folder(r, p, rel)) {
        walk(p, r);
        whole = tryRmdir(p) && whole;
      } else if (st.isFile() && own.file(r, name)) rmSync(p, { force: true });
      else whole = false;
    }
  };
  walk(dir, '');
  if (readdirSync(dir).some((n) => n !== MARKER)) return false;
  rmSync(join(dir, MARKER), { force: true });
  return tryRmdir(dir) && whole;
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return code === 'ENOENT';
    throw e;
  }
}

/** Flushes a file or folder to the disk (a folder: its entries, such as a rename in it). */
export function syncPath(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes every file and folder under `dir`, so the swap that follows publishes data that is really on the disk. */
export function syncTree(dir: string): void {
  const tree = walkTree(dir);
  for (const f of tree.files) syncPath(join(dir, f));
  for (const d of tree.dirs.reverse()) syncPath(join(dir, d));
  syncPath(dir);
}
