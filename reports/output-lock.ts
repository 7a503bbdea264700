// The lock of an output directory: one mamlab run at a time writes a given `--out`. The lock
// is a file beside it holding the writer's pid and host; a lock whose process is gone from
// this host is stale and taken over (a lock from another host is never guessed about).
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { OutputDirError } from '../sim/input-error.js';

interface LockOwner { readonly pid: number; readonly host: string }

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(lock: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(lock, 'utf8')) as LockOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock file atomically: the owner is written to a private file, then hard-linked to
 * the lock's name (link fails if the name exists), so a lock is never seen half-written.
 * A lock whose process is gone on this host is moved aside and taken over.
 */
export function acquireLock(target: string, lock: string): () => void {
  const mine = `${lock}.${process.pid}`;
  const me: LockOwner = { pid: process.pid, host: hostname() };
  writeFileSync(mine, JSON.stringify(me) + '\n');
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, lock);
        return () => rmSync(lock, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = readOwner(lock);
      const stale = owner !== undefined && owner.host === me.host && owner.pid !== me.pid && !alive(owner.pid);
      if (!stale || attempt >= 2) {
        const who = owner ? `mamlab process ${owner.pid} on ${owner.host}` : 'another mamlab process';
        throw new OutputDirError(target, `is being written by ${who} (lock ${lock}): wait for it to finish, or choose another --out${owner ? '' : '; if no mamlab run is active, remove the lock file'}`);
      }
      // Move the stale lock aside under a private name; only if it is still the stale one is it dropped.
      const aside = `${lock}.stale-${process.pid}`;
      try {
        renameSync(lock, aside);
      } catch {
        continue;
      }
      const moved = readOwner(aside);
      if (moved && moved.pid === owner.pid && moved.host === owner.host) rmSync(aside, { force: true });
      else {
        // A live run took the lock in between: give it back and let the next attempt report it.
        try {
          linkSync(aside, lock);
        } finally {
          rmSync(aside, { force: true });
        }
      }
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

