// Atomic output directories: everything is written into a temporary sibling directory and
// renamed into place only when complete, so a crash never leaves half a result that looks whole.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface StagedDir {
  /** Where to write while the run is in progress. */
  readonly path: string;
  /** Moves the finished directory into place, replacing any previous result. */
  commit(): void;
  /** Removes the partial directory. */
  abort(): void;
}

export function stageDir(target: string): StagedDir {
  const final = resolve(target);
  const parent = dirname(final);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(final)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  return {
    path: tmp,
    commit() {
      const old = join(parent, `.${basename(final)}.old-${process.pid}`);
      if (existsSync(final)) renameSync(final, old);
      renameSync(tmp, final);
      rmSync(old, { recursive: true, force: true });
    },
    abort() {
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
