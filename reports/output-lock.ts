// The lock of an output directory: one mamlab run at a time writes a given `--out`.
//
// The lock is a file `.NAME.lock` beside it naming its writer: pid, host, and on Linux the
// boot id and the process's start time, so a lock left by a dead run is recognized as stale
// even when its pid has been reused since (a container restart, a reboot: the new run may even
// get the very pid of the dead one). A lock from another host is never guessed about.
//
// Taking the lock only ever creates the file (hard link of a private file, so it is never seen
// half-written; O_EXCL where the file system has no hard links). Removing a stale lock is done
// only under a second, short-lived guard file, so two runs that both found it stale cannot
// each remove the other's fresh lock.
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { OutputDirError } from '../sim/input-error.js';

interface Owner {
  readonly pid: number;
  readonly host: string;
  /** Linux: /proc/sys/kernel/random/boot_id (changes at every boot). */
  readonly boot?: string;
  /** Linux: the process's start time in clock ticks since boot (/proc/PID/stat, field 22). */
  readonly started?: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const BOOT = readText('/proc/sys/kernel/random/boot_id')?.trim();

/** A process's start time, or undefined where /proc does not tell (another system, a gone process). */
function startTime(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

const ME: Owner = { pid: process.pid, host: hostname(), boot: BOOT, started: startTime(process.pid) };

/** Locks this process holds now: a lock naming this very process is held, one naming an earlier process with our pid is stale. */
const held = new Set<string>();

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readOwner(path: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Owner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process an owner names is certainly gone (same host only). */
export function isStale(o: Owner, lock: string): boolean {
  if (o.host !== ME.host) return false;
  if (o.boot && ME.boot && o.boot !== ME.boot) return true;
  // Our own pid: this very process holds the lock only while `held` says so; else an earlier process had our pid.
  if (o.pid === ME.pid) return !held.has(lock) || (o.started !== undefined && ME.started !== undefined && o.started !== ME.started);
  if (!alive(o.pid)) return true;
  const now = startTime(o.pid);
  return o.started !== undefined && now !== undefined && now !== o.started;
}

function same(a: Owner | undefined, b: Owner): boolean {
  return a !== undefined && a.pid === b.pid && a.host === b.host && a.boot === b.boot && a.started === b.started;
}

/** Creates `path` holding `mine`'s content only if nothing is there; false if something is. */
function create(mine: string, path: string): boolean {
  try {
    linkSync(mine, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
  }
  // No hard links here (FAT, some network shares): create exclusively and write.
  try {
    writeFileSync(path, readFileSync(mine), { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** The guard is held for microseconds; a stale one (its process killed inside) is moved aside and dropped. */
function takeGuard(mine: string, guard: string): boolean {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (create(mine, guard)) return true;
    const owner = readOwner(guard);
    if (owner && isStale(owner, guard)) {
      const aside = `${guard}.${ME.pid}`;
      try {
        renameSync(guard, aside);
        if (!same(readOwner(aside), owner)) renameSync(aside, guard); // a live guard taken in between: put back
      } catch {
        /* someone else moved it: try again */
      }
      rmSync(aside, { force: true });
      continue;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // another run is taking over: let it finish
  }
  return false;
}

export function heldMessage(lock: string, owner: Owner | undefined): string {
  const who = owner ? `mamlab process ${owner.pid} on ${owner.host}` : 'another mamlab process (its lock file is unreadable)';
  return `is being written by ${who}: wait for it to finish or choose another --out; if no mamlab run is active${owner ? ` on ${owner.host}` : ''}, remove the lock file ${lock}`;
}

/**
 * Takes the lock of `--out` (its file `lock`), or exits 2 naming who holds it. Returns the
 * release, which removes the lock only while it still names this process.
 */
export function acquireLock(target: string, lock: string): () => void {
  const mine = `${lock}.${ME.pid}`;
  const guard = `${lock}-takeover`;
  try {
    writeFileSync(mine, JSON.stringify(ME) + '\n');
    if (!create(mine, lock)) {
      const owner = readOwner(lock);
      if (!owner || !isStale(owner, lock)) throw new OutputDirError(target, heldMessage(lock, owner));
      if (!takeGuard(mine, guard)) throw new OutputDirError(target, `has a stale lock that another run is taking over, or a leftover guard file ${guard}: try again; if no mamlab run is active, remove ${guard}`);
      try {
        if (!same(readOwner(guard), ME)) throw new OutputDirError(target, heldMessage(lock, readOwner(lock)));
        // Under the guard the lock can only have been removed by its owner, never replaced by a guard holder.
        if (same(readOwner(lock), owner)) rmSync(lock, { force: true });
        if (!create(mine, lock)) throw new OutputDirError(target, heldMessage(lock, readOwner(lock)));
      } finally {
        rmSync(guard, { force: true });
      }
    }
    held.add(lock);
    return () => {
      held.delete(lock);
      if (same(readOwner(lock), ME)) rmSync(lock, { force: true });
    };
  } finally {
    rmSync(mine, { force: true });
  }
}

/** Whether a private file of `acquireLock` (`.NAME.lock.PID`) was left by a process killed inside it. */
export function isDeadLockFile(path: string, pid: number): boolean {
  const o = readOwner(path);
  return o !== undefined && o.pid === pid && isStale(o, path);
}
