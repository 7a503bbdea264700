// The work area of a command that runs many jobs: a hidden folder `.NAME.work` beside its `--out`,
// holding each finished job's result under its key. A rerun of the same command (after a crash,
// Ctrl-C or a lost machine) finds them and runs only the rest; the final tables are the same bytes.
// The folder carries a marker naming it mamlab's; mamlab removes only the files it wrote there
// (`KEY.json`), and the folder itself once the result is in place and the folder is empty.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, OutputDirError } from './input-error.js';
import type { TaskResult } from './job-tasks.js';
import { VERSION } from './package-root.js';

const MARKER = '.mamlab-work';
const ENTRY = /^[0-9a-f]{40}\.json$/;
/** A staged result folder's name: `.NAME.tmp-PID` (reports/output-dir.ts). */
const STAGING = /^\.(.+)\.tmp-\d+(?:-\d+)?$/;

export interface JobCache {
  has(key: string): boolean;
  get(key: string): TaskResult;
  put(key: string, result: TaskResult): void;
}

/** Finished jobs, in memory only (a library caller that wants no work area). */
export class MemoryCache implements JobCache {
  private readonly map = new Map<string, TaskResult>();
  has(key: string): boolean { return this.map.has(key); }
  get(key: string): TaskResult { return this.map.get(key)!; }
  put(key: string, result: TaskResult): void { this.map.set(key, result); }
}

/** The work area beside a result being staged in `stagingDir` (`.NAME.tmp-PID` → `.NAME.work`). */
export function workAreaFor(stagingDir: string): string {
  const m = STAGING.exec(basename(stagingDir));
  if (!m) throw new Error(`not a staging folder: ${stagingDir}`);
  return join(dirname(stagingDir), `.${m[1]}.work`);
}

export class WorkArea implements JobCache {
  private readonly keys: Set<string>;
  /** Opens (creating it if needed) the work area at `dir`; `target` is `--out` as the user gave it, for messages. */
  constructor(readonly dir: string, private readonly target: string) {
    if (existsSync(dir)) {
      if (!existsSync(join(dir, MARKER))) throw new OutputDirError(target, `has a folder ${basename(dir)} beside it that mamlab did not create (no ${MARKER} marker): mamlab keeps finished jobs there; move it away`);
    } else {
      mkdirSync(dir);
      writeFileSync(join(dir, MARKER), JSON.stringify({ mamlab: 'work area', version: VERSION }) + '\n');
    }
    this.keys = new Set(readdirSync(dir).filter((f) => ENTRY.test(f)).map((f) => f.slice(0, -5)));
  }

  /** How many finished jobs it held when opened. */
  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get(key: string): TaskResult {
    const path = join(this.dir, `${key}.json`);
    try {
      const entry = JSON.parse(readFileSync(path, 'utf8')) as { key: string; result: TaskResult };
      if (entry.key !== key) throw new Error('holds another job');
      return entry.result;
    } catch (e) {
      throw new OutputDirError(this.target, `cannot read the finished job ${path} (${(e as Error).message}): remove the folder ${this.dir} and run again`);
    }
  }

  /** Written beside and renamed into place: a file there is always whole. */
  put(key: string, result: TaskResult): void {
    const path = join(this.dir, `${key}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify({ key, result }));
    renameSync(`${path}.tmp`, path);
    this.keys.add(key);
  }

  /**
   * After a job failed on bad input (a strategy that throws, say) before any job finished:
   * nothing here can be resumed, so it goes and the refused run leaves nothing behind. With
   * finished jobs it stays: a rerun with other command-line values (a grid value or seed count
   * left out) or with the scenario as it was reuses them. (A worker thread's error comes back
   * as a plain InputError, so the kind of error cannot decide this; what the area holds can.)
   */
  dropOnBadInput(e: unknown): void {
    if (e instanceof InputError && this.keys.size === 0) this.remove();
  }

  /** Removes what it wrote (and leftovers of a write cut short), then the folder if nothing else is in it. */
  remove(): void {
    for (const f of readdirSync(this.dir)) if (ENTRY.test(f) || ENTRY.test(f.replace(/\.tmp$/, ''))) rmSync(join(this.dir, f));
    rmSync(join(this.dir, MARKER), { force: true });
    try {
      rmdirSync(this.dir);
    } catch {
      // Something else was put there: it stays, with the folder.
    }
  }
}
