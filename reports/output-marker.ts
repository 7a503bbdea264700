// The marker of a mamlab result: a file `.mamlab-result` in every directory mamlab writes,
// naming it a result (version, command, scenario hash) and listing every file mamlab put in
// it. A folder is mamlab's to replace only as far as that list goes: a file or folder a user
// added inside a result (a copied report, notes) makes it a folder mamlab did not write.
import { closeSync, fsyncSync, lstatSync, openSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from './summary.js';

/** The marker file every mamlab output directory carries. */
export const MARKER = '.mamlab-result';

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
 * What in `dir` mamlab did not write: entries its marker does not list (a staging folder
 * lists nothing and holds only mamlab's files). At most `max`, for a message.
 */
export function foreignEntries(dir: string, max = 3): string[] {
  const m = readMarker(dir);
  if (!m) return ['(no marker)'];
  if (m.mamlab === 'staging') return [];
  const listed = new Set(m.files ?? []);
  const folders = new Set<string>();
  for (const f of listed) for (let i = f.indexOf('/'); i >= 0; i = f.indexOf('/', i + 1)) folders.add(f.slice(0, i));
  const tree = walkTree(dir);
  const files = tree.files.filter((f) => f !== MARKER && !listed.has(f));
  return [...tree.other, ...files, ...tree.dirs.filter((d) => !folders.has(d)).map((d) => `${d}/`)].slice(0, max);
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
 * Removes a folder mamlab wrote: everything but the marker first, the marker last, so a
 * removal cut short still carries the marker and the next run finishes it.
 */
export function removeOurs(dir: string): void {
  for (const name of readdirSync(dir)) if (name !== MARKER) rmSync(join(dir, name), { recursive: true, force: true });
  rmSync(join(dir, MARKER), { force: true });
  rmdirSync(dir);
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
