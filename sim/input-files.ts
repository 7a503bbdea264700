// Reading the files a user hands mamlab (the scenario, its price CSVs) so that no file can
// hang, flood or escape: only regular files, a size bound checked before reading, strict
// UTF-8, and price files only from the scenario's folder tree or a folder given with
// --data-dir. Every refusal is an InputError naming the file and what was expected.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError, shown } from './input-error.js';
import { mib } from './limits.js';

/** Where a refusal is reported: the file (and JSON path) that named the file read. */
export interface Blame {
  readonly file: string;
  readonly path: string;
  readonly line?: number;
}

export interface InputFile {
  /** Absolute path with every symbolic link resolved. */
  readonly realPath: string;
  /** The bytes as read (what a scenario hash covers). */
  readonly bytes: Buffer;
  /** The bytes as UTF-8 text, a byte-order mark removed. */
  readonly text: string;
}

export interface ReadSpec {
  /** The path to open. */
  readonly path: string;
  /** How messages name the file (as the user wrote it). */
  readonly shownAs: string;
  /** What the file is, for messages: "scenario file", "price file". */
  readonly what: string;
  readonly maxBytes: number;
  /** The limit as messages state it, when more than maxBytes says it ("32 MiB for a JSON scenario, 1 MiB for YAML"). */
  readonly limitText?: string;
  readonly blame: Blame;
  /** A binary file (an image): its bytes only, no UTF-8 text (`text` is empty). */
  readonly binary?: boolean;
}

const fail = (b: Blame, expected: string): never => {
  throw new InputError(b.file, b.path, expected, b.line);
};

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function checkStats(st: Stats, spec: ReadSpec): void {
  if (!st.isFile()) fail(spec.blame, `the ${spec.what} ${shown(spec.shownAs)} is ${kindOf(st)}: only regular files are read`);
  if (st.size > spec.maxBytes) fail(spec.blame, `the ${spec.what} ${shown(spec.shownAs)} is ${st.size} bytes, above the limit of ${spec.limitText ?? mib(spec.maxBytes)} (see docs/input-limits.md)`);
}

function unreadable(e: unknown, spec: ReadSpec, detail: string): never {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ELOOP' ? 'too many symbolic links' : code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : code ?? 'unreadable';
  return fail(spec.blame, `cannot read the ${spec.what} ${detail} (${why})`);
}

/** 1-based number of the first line that is not valid UTF-8 (a newline byte never occurs inside a UTF-8 sequence, so lines decode alone). */
function firstBadLine(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    if (nl < 0) return line;
    start = nl + 1;
    line++;
  }
}

function decodeUtf8(bytes: Buffer, spec: ReadSpec): string {
  try {
    // ignoreBOM false (the default): a leading byte-order mark is dropped, not kept as text.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const line = firstBadLine(bytes);
    throw new InputError(spec.shownAs, `line ${line}`, `the ${spec.what} is not UTF-8 text: invalid bytes on this line (save it as UTF-8)`, line);
  }
}

/** Reads at most maxBytes + 1 bytes: a file that grew since its stat is still refused, never read whole. */
function readBounded(fd: number, spec: ReadSpec): Buffer {
  const buf = Buffer.alloc(Math.min(fstatSync(fd).size, spec.maxBytes) + 1);
  let n = 0;
  for (;;) {
    const got = readSync(fd, buf, n, buf.length - n, null);
    if (got === 0) break;
    n += got;
    if (n === buf.length) {
      if (n > spec.maxBytes) fail(spec.blame, `the ${spec.what} ${shown(spec.shownAs)} is larger than the limit of ${spec.limitText ?? mib(spec.maxBytes)} (see docs/input-limits.md)`);
      break;
    }
  }
  return buf.subarray(0, n);
}

/**
 * Reads a user's file: stat first, so a folder, FIFO, device or socket is refused without
 * being opened, and an oversized file without being read; then open (non-blocking, should
 * the path have become a FIFO since), check the open file again and read it.
 */
export function readInputFile(spec: ReadSpec): InputFile {
  let st: Stats;
  let realPath: string;
  try {
    st = statSync(spec.path);
    realPath = realpathSync(spec.path);
  } catch (e) {
    // A relative path is read from the current folder, which `npm run` moves: say where that was.
    const where = resolve(spec.path);
    return unreadable(e, spec, where === spec.shownAs ? shown(spec.shownAs) : `${shown(spec.shownAs)} (looked for ${shown(where, 200)})`);
  }
  checkStats(st, spec);
  let fd: number;
  try {
    fd = openSync(spec.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return unreadable(e, spec, shown(spec.shownAs));
  }
  let bytes: Buffer;
  try {
    checkStats(fstatSync(fd), spec);
    bytes = readBounded(fd, spec);
  } catch (e) {
    if (e instanceof InputError) throw e;
    return unreadable(e, spec, shown(spec.shownAs));
  } finally {
    closeSync(fd);
  }
  return { realPath, bytes, text: spec.binary ? '' : decodeUtf8(bytes, spec) };
}

/** True when `p` is `root` or inside it (both absolute). */
function inside(p: string, root: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function realOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The folders price files may come from: the scenario's folder tree and each --data-dir, as written and as real paths. */
export interface DataRoots {
  readonly scenarioDir: string;
  readonly dataDirs: readonly string[];
}

/**
 * The real path of a file named in a scenario (a price file, a logo), refused unless it lies in the
 * scenario's folder tree or a --data-dir, judged on the path as written (before anything is
 * opened, so nothing is learnt of files outside) and again after symbolic links resolve.
 */
export function containedPath(named: string, roots: DataRoots, blame: Blame, what = 'price file'): string {
  const lexical = resolve(roots.scenarioDir, named);
  const given = [roots.scenarioDir, ...roots.dataDirs].map((d) => resolve(d));
  const real = given.map(realOr);
  const outside = (): never => fail(blame, `the ${what} ${shown(named)} is outside the scenario's folder: ${what}s are read only from the scenario's folder and its subfolders, or from a folder given with --data-dir DIR`);
  if (!given.some((r) => inside(lexical, r)) && !real.some((r) => inside(lexical, r))) outside();
  let target: string;
  try {
    target = realpathSync(lexical);
  } catch (e) {
    return unreadable(e, { path: lexical, shownAs: named, what, maxBytes: 0, blame }, `${shown(named)} (looked for ${shown(lexical, 200)})`);
  }
  if (!real.some((r) => inside(target, r))) outside();
  return target;
}

/** Checks each --data-dir names an existing folder; returns them as given. */
export function checkDataDirs(dirs: readonly string[]): readonly string[] {
  for (const d of dirs) {
    let st: Stats | undefined;
    try {
      st = statSync(d);
    } catch {
      st = undefined;
    }
    if (!st?.isDirectory()) throw new InputError('--data-dir', '', `expected a folder, got ${shown(d)}${st ? '' : ' (no such folder)'}`);
  }
  return dirs;
}
