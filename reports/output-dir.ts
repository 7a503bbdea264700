// Output directories: mamlab replaces only what it wrote itself, and `--out` always holds
// either the whole previous result or the whole new one.
//
// - Every directory mamlab writes carries a marker file, MARKER, naming it a mamlab result
//   (version, command, scenario hash). An existing `--out` is replaced only when it carries
//   the marker or is empty; anything else is refused (exit 2) before anything is written.
// - Refused too: the file-system root, the special file systems (/proc, /sys, /dev), the
//   current directory or one of its ancestors, and any folder that holds a file the scenario
//   reads (so neither the scenario nor its price files can be replaced).
// - The result is written into a hidden sibling `.NAME.tmp-PID` and swapped in by two renames
//   (`NAME` → `.NAME.old-PID`, then the new one → `NAME`). A run killed between them leaves
//   both on disk; the next run on that `--out` puts the newest complete result back before it
//   starts and removes what dead runs left (only folders carrying the marker, or empty).
// - One run at a time per `--out`: a lock file `.NAME.lock` beside it (pid and host). A second
//   run exits 2; a lock whose process is gone (same host) is taken over.
import { lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InputError, OutputDirError } from '../sim/input-error.js';
import { acquireLock, alive } from './output-lock.js';
import { VERSION } from './summary.js';

/** The marker file every mamlab output directory carries. */
export const MARKER = '.mamlab-result';

/** What wrote a directory: echoed in its marker. */
export interface Provenance {
  readonly command: string;
  readonly scenarioHash: string;
}

/** What a caller of a command that writes `--out` may add. */
export interface OutputOptions {
  /** Told what recovery did (the result of an interrupted run put back, leftovers removed). */
  readonly onNote?: (note: string) => void;
}

export interface OutputRequest extends Provenance, OutputOptions {
  /** `--out` as the user gave it (shown in messages). */
  readonly target: string;
  /** Absolute paths of every file the scenario reads: `--out` must not contain any of them. */
  readonly inputs: readonly string[];
}

const SPECIAL_FS = ['/proc', '/sys', '/dev'];
/** A memory file system under /dev that is an ordinary place for files. */
const ORDINARY_UNDER_DEV = '/dev/shm';

/**
 * Test-only fault injection: `MAMLAB_FAULT=before-commit | between-renames | before-cleanup`
 * kills the process (SIGKILL: no handler, no finally) at that instant of the swap.
 */
function fault(point: 'before-commit' | 'between-renames' | 'before-cleanup'): void {
  if (process.env.MAMLAB_FAULT === point) process.kill(process.pid, 'SIGKILL');
}

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'operation not permitted', EROFS: 'read-only file system', ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'no such file or folder', ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EXDEV: 'crosses file systems', EINVAL: 'not allowed here',
  EEXIST: 'already exists', ENOTEMPTY: 'not empty', EBUSY: 'busy', ENAMETOOLONG: 'name too long', ELOOP: 'too many symbolic links', EISDIR: 'is a folder',
};

/** An operating-system error on a path, said in words, with its code. */
export function fsReason(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !(e instanceof Error)) return undefined;
  return `${FS_REASONS[code] ?? 'file-system error'} (${code})`;
}

function fsTry<T>(target: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const reason = fsReason(e);
    if (reason === undefined || e instanceof InputError) throw e;
    throw new OutputDirError(target, `${what}: ${reason}`);
  }
}

/** lstat, or undefined when nothing is there (ENOTDIR: a file stands where a folder would be). */
function statOf(p: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Whether `inner` is `outer` or lies inside it (both absolute, normalized). */
function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
}

/** The real path of `p`: symbolic links resolved in the part that exists, the rest appended. */
function realPath(target: string, p: string): string {
  const missing: string[] = [];
  let at = p;
  for (;;) {
    const st = statOf(at);
    if (st) {
      if (st.isSymbolicLink() && missing.length === 0) {
        try {
          return realpathSync(at);
        } catch {
          throw new OutputDirError(target, 'is a symbolic link to nothing: point --out at a real folder');
        }
      }
      if (!st.isDirectory() && !st.isSymbolicLink() && missing.length > 0) throw new OutputDirError(target, `${at} is a file, not a folder`);
      return join(realpathSync(at), ...missing.reverse());
    }
    const up = dirname(at);
    if (up === at) return p;
    missing.push(basename(at));
    at = up;
  }
}

function readMarker(dir: string): { mamlab?: string } | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as unknown;
    return m && typeof m === 'object' && 'mamlab' in m ? (m as { mamlab?: string }) : undefined;
  } catch {
    return undefined;
  }
}

/** A mamlab result (its marker says so), or a folder mamlab was writing (`staging`). */
function isOurs(dir: string): boolean {
  const m = readMarker(dir);
  return m?.mamlab === 'result' || m?.mamlab === 'staging';
}

function isEmptyDir(dir: string): boolean {
  return readdirSync(dir).length === 0;
}

function markerText(p: Provenance, state: 'result' | 'staging'): string {
  return JSON.stringify({ mamlab: state, version: VERSION, command: p.command, scenarioHash: p.scenarioHash }, null, 2) + '\n';
}

/** Writes the marker that names `dir` a finished mamlab result (nested runs inside a result, too). */
export function markResult(dir: string, p: Provenance): void {
  writeFileSync(join(dir, MARKER), markerText(p, 'result'));
}

/**
 * Removes a folder mamlab wrote: everything but the marker first, the marker last, so a
 * removal cut short still carries the marker and the next run finishes it.
 */
function removeOurs(dir: string): void {
  for (const name of readdirSync(dir)) if (name !== MARKER) rmSync(join(dir, name), { recursive: true, force: true });
  rmSync(join(dir, MARKER), { force: true });
  rmdirSync(dir);
}

/** Why `final` cannot receive a result, or undefined when it may (absent, empty, or a mamlab result). */
function refusal(final: string): string | undefined {
  const st = statOf(final);
  if (!st) return undefined;
  if (!st.isDirectory()) return 'is a file, not a folder mamlab wrote: choose another --out (mamlab never replaces a file it did not write)';
  if (isEmptyDir(final) || readMarker(final)?.mamlab === 'result') return undefined;
  return `is a folder mamlab did not write (it has no ${MARKER} marker) and is not empty: choose a new or empty folder (mamlab never deletes what it did not write)`;
}

/** Every check that needs no write: the target's place and what it holds. Returns the real path. */
function checkTarget(req: OutputRequest, cwd: string): string {
  const target = req.target;
  const final = fsTry(target, 'cannot look at the path', () => realPath(target, resolve(cwd, target)));
  if (dirname(final) === final) throw new OutputDirError(target, 'is the root folder: choose a folder of its own');
  const special = SPECIAL_FS.find((s) => within(final, s) && !within(final, ORDINARY_UNDER_DEV));
  if (special) throw new OutputDirError(target, `is on ${special}, a special file system: choose a folder on a disk`);
  const here = fsTry(target, 'cannot resolve the current folder', () => realpathSync(cwd));
  if (within(here, final)) throw new OutputDirError(target, final === here ? 'is the current folder: choose a new sub-folder, such as out/' : 'contains the current folder: choose a new sub-folder, such as out/');
  for (const input of req.inputs) {
    const real = fsTry(target, 'cannot resolve an input file', () => realPath(target, input));
    if (within(real, final)) throw new OutputDirError(target, `contains ${input}, which the scenario reads: choose a new folder (a new sub-folder beside the scenario is fine)`);
  }
  const why = fsTry(target, 'cannot look at the folder', () => refusal(final));
  if (why) throw new OutputDirError(target, why);
  return final;
}

// ------------------------------------------------------------------ recovery

const LEFTOVER = /^\.(.+)\.(tmp|old)-(\d+)$/;
/** The private files of `acquireLock`, left only by a process killed inside it. */
const LOCK_LEFTOVER = /^\.(.+)\.lock\.(?:stale-)?(\d+)$/;

/**
 * Under the lock no other run writes this `--out`, so every `.NAME.tmp-PID` and `.NAME.old-PID`
 * is a dead run's. When `NAME` is missing (a run killed between its two renames), the newest
 * complete result comes back: a finished `tmp` (its marker says `result`), else the `old` one.
 * Then every leftover that is mamlab's (marker, or empty) is removed. Returns what it did.
 */
function recover(parent: string, name: string): string[] {
  const notes: string[] = [];
  const final = join(parent, name);
  const leftovers = readdirSync(parent)
    .map((f) => ({ f, m: LEFTOVER.exec(f) }))
    .filter((x) => x.m && x.m[1] === name)
    .map((x) => ({ path: join(parent, x.f), kind: x.m![2] as 'tmp' | 'old', pid: Number(x.m![3]) }))
    .filter((x) => statOf(x.path)?.isDirectory());
  if (!statOf(final)) {
    const done = leftovers.find((x) => x.kind === 'tmp' && readMarker(x.path)?.mamlab === 'result');
    const back = done ?? leftovers.find((x) => x.kind === 'old' && readMarker(x.path)?.mamlab === 'result');
    if (back) {
      renameSync(back.path, final);
      notes.push(`restored the ${back.kind === 'tmp' ? 'finished result' : 'previous result'} of an interrupted run (process ${back.pid}) to ${name}`);
      leftovers.splice(leftovers.indexOf(back), 1);
    }
  }
  for (const f of readdirSync(parent)) {
    const m = LOCK_LEFTOVER.exec(f);
    if (m && m[1] === name && Number(m[2]) !== process.pid && !alive(Number(m[2]))) rmSync(join(parent, f), { force: true });
  }
  for (const x of leftovers) {
    if (isOurs(x.path)) removeOurs(x.path);
    else if (isEmptyDir(x.path)) rmdirSync(x.path);
    else continue;
    notes.push(`removed ${basename(x.path)}, left by an interrupted run`);
  }
  return notes;
}

// ------------------------------------------------------------------ the staged directory

export interface StagedOutput {
  /** Where to write while the run is in progress. */
  readonly path: string;
  /** What recovery did before this run started (results of interrupted runs put back). */
  readonly notes: readonly string[];
  /** Marks the result finished and swaps it into place, replacing the previous result. */
  commit(): void;
  /** Removes the partial result and releases the lock. */
  abort(): void;
}

/**
 * Checks `--out` (nothing is written when it is refused), takes its lock, recovers what
 * interrupted runs left, and returns a fresh staging folder beside it.
 */
export function openOutput(req: OutputRequest, cwd = process.cwd()): StagedOutput {
  const target = req.target;
  const final = checkTarget(req, cwd);
  const parent = dirname(final);
  const name = basename(final);
  fsTry(target, 'cannot create its parent folder', () => mkdirSync(parent, { recursive: true }));
  const release = fsTry(target, 'cannot take the lock beside it', () => acquireLock(target, join(parent, `.${name}.lock`)));
  const tmp = join(parent, `.${name}.tmp-${process.pid}`);
  try {
    const notes = fsTry(target, 'cannot recover an interrupted run', () => recover(parent, name));
    for (const n of notes) req.onNote?.(n);
    // Recovery may have put a result back: the target is checked again as it now is.
    const why = fsTry(target, 'cannot look at the folder', () => refusal(final));
    if (why) throw new OutputDirError(target, why);
    fsTry(target, 'cannot create the staging folder beside it', () => {
      mkdirSync(tmp);
      writeFileSync(join(tmp, MARKER), markerText(req, 'staging'));
    });
    let open = true;
    const close = (): void => {
      if (!open) return;
      open = false;
      release();
    };
    return {
      path: tmp,
      notes,
      commit() {
        try {
          fsTry(target, 'cannot put the result in place', () => {
            fault('before-commit');
            markResult(tmp, req);
            const st = statOf(final);
            if (!st) return renameSync(tmp, final);
            // Checked again: someone may have put something there while the run was writing.
            const why = refusal(final);
            if (why) throw new OutputDirError(target, why);
            if (isEmptyDir(final)) return renameSync(tmp, final); // rename replaces an empty folder, and only an empty one
            const old = join(parent, `.${name}.old-${process.pid}`);
            renameSync(final, old);
            fault('between-renames');
            renameSync(tmp, final);
            fault('before-cleanup');
            removeOurs(old);
          });
        } catch (e) {
          cleanTmp();
          throw e;
        } finally {
          close();
        }
      },
      abort() {
        cleanTmp();
        close();
      },
    };
  } catch (e) {
    release();
    throw e;
  }

  function cleanTmp(): void {
    if (statOf(tmp) && isOurs(tmp)) removeOurs(tmp);
  }
}

/** Aborts a staged output after `write` failed; a file-system failure while writing becomes bad input (exit 2) with the reason. */
function failed(out: StagedOutput, target: string, e: unknown): never {
  out.abort();
  const reason = fsReason(e);
  if (reason !== undefined && !(e instanceof InputError)) throw new OutputDirError(target, `cannot write the results: ${reason}`);
  throw e;
}

/** Opens `--out`, lets `write` fill the staging folder, and swaps it in. */
export function withOutputSync<T>(req: OutputRequest, write: (dir: string) => T): T {
  const out = openOutput(req);
  let result: T;
  try {
    result = write(out.path);
  } catch (e) {
    failed(out, req.target, e);
  }
  out.commit();
  return result;
}

/** `withOutputSync` for a writer that awaits (worker threads, danfojs). */
export async function withOutput<T>(req: OutputRequest, write: (dir: string) => Promise<T>): Promise<T> {
  const out = openOutput(req);
  let result: T;
  try {
    result = await write(out.path);
  } catch (e) {
    failed(out, req.target, e);
  }
  out.commit();
  return result;
}
