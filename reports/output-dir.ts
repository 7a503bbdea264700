// Output directories: mamlab replaces only what it wrote itself, and `--out` always holds
// either the whole previous result or the whole new one. The rules, for users, are in
// docs/output-directories.md; in short:
// - A directory mamlab writes carries a marker (output-marker.ts) listing every file it put
//   there. An existing `--out` is replaced only when it is empty or holds exactly what its
//   marker lists; anything else is refused (exit 2) before anything is written.
// - Refused too: the root, /proc, /sys, /dev (not /dev/shm), a mount point, the current folder
//   or an ancestor, a folder holding any file the scenario reads, a place mamlab cannot write.
// - The result is written into a hidden sibling `.NAME.tmp-PID`, flushed to disk and swapped
//   in by two renames (`NAME` → `.NAME.old-PID`, the new one → `NAME`). The next run on that
//   `--out` recovers what a killed run left: the newest finished result is put back, mamlab's
//   leftovers removed.
// - One run at a time per `--out` (output-lock.ts).
import { lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, OutputDirError } from '../sim/input-error.js';
import { existingAncestor, fsReason, fsTry, isMountPoint, physicalPath, statOf, within, writable } from './output-path.js';
import { acquireLock, heldMessage, isDeadLockFile, isStale, readOwner } from './output-lock.js';
import { MARKER, type Provenance, foreignEntries, isPureResult, isRemovable, markResult, markStaging, readMarker, removeOurs, syncPath, syncTree } from './output-marker.js';

export { MARKER, markResult, type Provenance } from './output-marker.js';

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
/** Longest name of `--out` itself: its hidden siblings add up to `.` and `.lock-takeover.PID` to it, within the usual 255 bytes. */
const MAX_NAME_BYTES = 200;

/**
 * Test-only fault injection: `MAMLAB_FAULT=before-commit | between-renames | before-cleanup`
 * kills the process (SIGKILL: no handler, no finally) at that instant of the swap.
 */
function fault(point: 'before-commit' | 'between-renames' | 'before-cleanup'): void {
  if (process.env.MAMLAB_FAULT === point) process.kill(process.pid, 'SIGKILL');
}

/** The lock file of an output directory: beside it, named after it. */
function lockOf(final: string): string {
  return join(dirname(final), `.${basename(final)}.lock`);
}

/** Why `final` cannot receive a result as it stands now, or undefined when it may (absent, empty, or purely a mamlab result). */
function refusal(final: string): string | undefined {
  const st = statOf(final);
  if (!st) return undefined;
  if (!st.isDirectory()) return 'is a file, not a folder mamlab wrote: choose another --out (mamlab never replaces a file it did not write)';
  if (readdirSync(final).length === 0) return undefined;
  const marker = readMarker(final);
  if (!marker) return `is a folder mamlab did not write (it has no ${MARKER} marker) and is not empty: choose a new or empty folder (mamlab never deletes what it did not write)`;
  if (marker.mamlab === 'staging') return 'holds a mamlab run that never finished (its marker says staging): remove it yourself or choose another --out';
  const foreign = foreignEntries(final);
  if (foreign.length) return `holds files mamlab did not write (${foreign.join(', ')}): move them out or choose another --out (mamlab never deletes what it did not write)`;
  return undefined;
}

/** Every folder of an existing result must let mamlab remove what it holds, or the swap would fail half done. */
function unwritableIn(final: string): string | undefined {
  const stack = [final];
  while (stack.length) {
    const d = stack.pop()!;
    if (!writable(d)) return d;
    for (const name of readdirSync(d)) if (lstatSync(join(d, name)).isDirectory()) stack.push(join(d, name));
  }
  return undefined;
}

/** Every check that needs no write. Returns the physical path of `--out`. */
function checkTarget(req: OutputRequest, cwd: string): string {
  const target = req.target;
  const final = fsTry(target, 'cannot look at the path', () => physicalPath(target, target, cwd));
  if (dirname(final) === final) throw new OutputDirError(target, 'is the root folder: choose a folder of its own');
  const special = SPECIAL_FS.find((s) => within(final, s) && !within(final, ORDINARY_UNDER_DEV));
  if (special) throw new OutputDirError(target, `is on ${special}, a special file system: choose a folder on a disk`);
  if (Buffer.byteLength(basename(final)) > MAX_NAME_BYTES) throw new OutputDirError(target, `its name is longer than ${MAX_NAME_BYTES} bytes: choose a shorter one`);
  // Another run writing this --out right now is said first: what follows may see its work half done.
  const lock = lockOf(final);
  const owner = readOwner(lock);
  if (owner && !isStale(owner, lock)) throw new OutputDirError(target, heldMessage(lock, owner));
  const here = fsTry(target, 'cannot resolve the current folder', () => realpathSync(cwd));
  if (within(here, final)) throw new OutputDirError(target, final === here ? 'is the current folder: choose a new sub-folder, such as out/' : 'contains the current folder: choose a new sub-folder, such as out/');
  for (const input of req.inputs) {
    const real = fsTry(target, 'cannot resolve an input file', () => physicalPath(target, input, cwd));
    if (within(real, final)) throw new OutputDirError(target, `contains ${input}, which the scenario reads: choose a new folder (a new sub-folder beside the scenario is fine)`);
  }
  fsTry(target, 'cannot look at the folder', () => {
    const why = refusal(final);
    if (why) throw new OutputDirError(target, why);
    if (statOf(final) && isMountPoint(final)) throw new OutputDirError(target, 'is a mount point, which mamlab cannot swap a new result into: use a sub-folder of it');
    const parent = existingAncestor(dirname(final));
    if (!writable(parent)) throw new OutputDirError(target, `cannot be written: mamlab writes the result beside it and swaps it in, and ${parent} is not writable (permission denied or read-only)`);
    const stuck = statOf(final) ? unwritableIn(final) : undefined;
    if (stuck) throw new OutputDirError(target, `cannot be replaced: ${stuck} is not writable (permission denied or read-only), so its files cannot be removed`);
  });
  return final;
}

// ------------------------------------------------------------------ recovery

const LEFTOVER = /^\.(.+)\.(tmp|old)-(\d+)(?:-\d+)?$/;
/** The private files of `acquireLock`, left only by a process killed inside it. */
const LOCK_LEFTOVER = /^\.(.+)\.lock\.(\d+)$/;

/**
 * Under the lock no other run writes this `--out`, so every `.NAME.tmp-PID` and `.NAME.old-PID`
 * is a dead run's. When `NAME` is missing (a run killed between its two renames), the newest
 * finished result comes back: a finished `tmp`, else the `old` one. Then every leftover that
 * holds only mamlab's files is removed; anything else is left and said. Returns what it did.
 */
function recover(parent: string, name: string): string[] {
  const notes: string[] = [];
  const final = join(parent, name);
  const entries = readdirSync(parent);
  for (const f of entries) {
    const m = LOCK_LEFTOVER.exec(f);
    if (m && m[1] === name && isDeadLockFile(join(parent, f), Number(m[2]))) tryRemove(() => rmSync(join(parent, f)), f, notes);
  }
  const leftovers = entries
    .map((f) => ({ f, m: LEFTOVER.exec(f) }))
    .filter((x) => x.m && x.m[1] === name && statOf(join(parent, x.f))?.isDirectory())
    .map((x) => ({ path: join(parent, x.f), name: x.f, kind: x.m![2] as 'tmp' | 'old', pid: Number(x.m![3]) }));
  if (!statOf(final)) {
    const back = leftovers.find((x) => x.kind === 'tmp' && isPureResult(x.path)) ?? leftovers.find((x) => x.kind === 'old' && isPureResult(x.path));
    if (back) {
      renameSync(back.path, final);
      notes.push(`put back the ${back.kind === 'tmp' ? 'finished result' : 'previous result'} of an interrupted run (process ${back.pid})`);
      leftovers.splice(leftovers.indexOf(back), 1);
    }
  }
  for (const x of leftovers) {
    if (isRemovable(x.path)) tryRemove(() => removeOurs(x.path), x.name, notes, 'left by an interrupted run');
    else notes.push(`kept ${x.name}: it holds files mamlab did not write (${foreignEntries(x.path).join(', ')})`);
  }
  return notes;
}

/** A removal whose failure is said, not fatal: the result is in place, only litter is left. */
function tryRemove(remove: () => boolean | void, name: string, notes: string[], why = 'left by a killed run'): void {
  try {
    if (remove() === false) notes.push(`kept ${name}: files mamlab did not write were put into it after it was checked; remove it yourself`);
    else notes.push(`removed ${name}, ${why}`);
  } catch (e) {
    notes.push(`could not remove ${name} (${fsReason(e) ?? String(e)}): remove it yourself`);
  }
}

// ------------------------------------------------------------------ the staged directory

/** `base`, or `base-1`, `base-2`, … : the first name under `parent` that nothing holds (a kept leftover may carry our pid, as in a container). */
function freeName(parent: string, base: string): string {
  for (let k = 0; ; k++) {
    const p = join(parent, k === 0 ? base : `${base}-${k}`);
    if (!statOf(p)) return p;
  }
}

export interface StagedOutput {
  /** Where to write while the run is in progress. */
  readonly path: string;
  /** Marks the result finished, flushes it to disk and swaps it into place. */
  commit(): void;
  /** Removes the partial result, releases the lock, and removes the parent folders this run created if they are empty. */
  abort(): void;
}

/**
 * Checks `--out` (nothing is written when it is refused), takes its lock, recovers what
 * interrupted runs left, and returns a fresh staging folder beside it.
 */
export function openOutput(req: OutputRequest, cwd = process.cwd()): StagedOutput {
  const target = req.target;
  const note = (n: string): void => req.onNote?.(n);
  const final = checkTarget(req, cwd);
  const parent = dirname(final);
  const name = basename(final);
  // Parents mamlab creates are removed again if the run cannot start (the first one created and all below it).
  const created = fsTry(target, 'cannot create its parent folder', () => mkdirSync(parent, { recursive: true }));
  const undoParents = (): void => {
    for (let d = parent; created && within(d, created); d = dirname(d)) {
      try {
        rmdirSync(d);
      } catch {
        return;
      }
    }
  };
  let release: () => void;
  try {
    release = fsTry(target, 'cannot take the lock beside it', () => acquireLock(target, lockOf(final)));
  } catch (e) {
    undoParents();
    throw e;
  }
  const tmp = freeName(parent, `.${name}.tmp-${process.pid}`);
  try {
    for (const n of fsTry(target, 'cannot recover an interrupted run', () => recover(parent, name))) note(n);
    // Recovery may have put a result back: the target is checked again as it now is.
    const why = fsTry(target, 'cannot look at the folder', () => refusal(final));
    if (why) throw new OutputDirError(target, why);
    fsTry(target, 'cannot create the staging folder beside it', () => {
      mkdirSync(tmp);
      try {
        markStaging(tmp, req);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true }); // created just now by this run, holding at most its half-written marker
        throw e;
      }
    });
  } catch (e) {
    release();
    undoParents();
    throw e;
  }
  let open = true;
  const close = (): void => {
    if (open) release();
    open = false;
  };
  const cleanTmp = (): void => {
    if (statOf(tmp) && isRemovable(tmp)) removeOurs(tmp);
  };
  return {
    path: tmp,
    commit() {
      try {
        fsTry(target, 'cannot put the result in place', () => {
          fault('before-commit');
          markResult(tmp, req);
          syncTree(tmp);
          // Checked again: someone may have put something at --out while the run was writing.
          const why = refusal(final);
          if (why) {
            const kept = `${name}.result-${process.pid}`;
            renameSync(tmp, join(parent, kept));
            throw new OutputDirError(target, `${why.replace(/: (choose|move).*$/, '')}, put there while mamlab was writing: the finished result is in ${join(parent, kept)}`);
          }
          if (!statOf(final) || readdirSync(final).length === 0) {
            renameSync(tmp, final); // rename replaces an empty folder, and only an empty one
            syncPath(parent);
            return;
          }
          const old = freeName(parent, `.${name}.old-${process.pid}`);
          renameSync(final, old);
          fault('between-renames');
          renameSync(tmp, final);
          syncPath(parent);
          fault('before-cleanup');
          const notes: string[] = [];
          tryRemove(() => removeOurs(old), basename(old), notes, 'the previous result');
          for (const n of notes.filter((x) => !x.startsWith('removed'))) note(n); // only what needs the user: kept, or not removable
        });
      } catch (e) {
        cleanTmp();
        close();
        undoParents(); // after the lock is gone: it stands in the parent
        throw e;
      }
      close();
    },
    abort() {
      cleanTmp();
      close();
      undoParents();
    },
  };
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
