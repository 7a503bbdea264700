// The one job runner for everything that runs many scenarios (compare, Monte Carlo, sweep). A
// job is a pure function of its task (scenario, variant, grid cell, seed) and mamlab's version;
// its key is the hash of both. Jobs run in this thread, on a pool of worker threads (piscina) or
// on BullMQ workers (sim/job-queue.ts), finish in any order, and are handed to the caller in
// job order, so what the caller writes is byte-identical whatever ran them. A window bounds
// how far ahead of the first unfinished job work is started, so memory does not grow with the
// number of jobs; finished jobs are kept in the work area (sim/job-cache.ts), so a rerun after
// a crash or Ctrl-C starts only what is missing.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { JobCache } from './job-cache.js';
import { type Task, type TaskResult, type WorkerReply, runTask, taskIdentity, unwrap } from './job-tasks.js';
import { VERSION, codeHash } from './package-root.js';

export type { RunTask, SeedTask, SweepTask, Task, TaskResult } from './job-tasks.js';

export interface Job<T extends Task = Task> {
  /** The hash of mamlab's version and code and the task's identity: equal keys, equal results. */
  readonly key: string;
  readonly task: T;
}

export function job<T extends Task>(task: T): Job<T> {
  return { key: createHash('sha256').update(JSON.stringify([VERSION, codeHash(), taskIdentity(task)])).digest('hex').slice(0, 40), task };
}

/** How far a run of jobs has got: finished (run now or found in the work area) of all. */
export interface JobProgress {
  readonly done: number;
  readonly total: number;
  /** Of `done`, found finished in the work area (a resumed run). */
  readonly cached: number;
}

/** Where tasks run: this thread, a thread pool, a queue. */
export interface Executor {
  /** Tasks it can have in progress at once (more are started as these finish). */
  readonly slots: number;
  /** `key` is the job's key (a queue names the job by it, so a job already finished there is not run again). */
  run(task: Task, key: string): Promise<TaskResult>;
  close(): Promise<void>;
}

export interface JobOptions {
  /** Worker threads: 1 runs in this thread; default the machine's cores (see `clock`). Ignored with `executor`. */
  readonly workers?: number;
  /**
   * Milliseconds from any fixed origin, given by the command line (sim/ never reads the clock).
   * With it and no `workers`, jobs start in this thread and move to a pool of the machine's
   * cores only when what is left would take more than POOL_AFTER_MS here: starting threads costs
   * about a second, which a short run never wins back. Which thread runs a job never changes
   * its result, so the clock cannot change an output.
   */
  readonly clock?: () => number;
  /** Another executor (the BullMQ queue). */
  readonly executor?: Executor;
  /** Finished jobs are read from and written to it. */
  readonly cache?: JobCache;
  readonly onProgress?: (p: JobProgress) => void;
}

/** How a command that runs many jobs has them run: what compare, Monte Carlo and sweep options share (JobOptions less the cache, which each command keeps itself). */
export type RunnerOptions = Omit<JobOptions, 'cache'>;

/** What is left must take at least this long in this thread before worker threads start. */
export const POOL_AFTER_MS = 8_000;

/** The default number of workers: the machine's cores. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** Runs in this thread, one task at a time, yielding between tasks so a progress bar can draw. */
class InlineExecutor implements Executor {
  readonly slots = 1;
  async run(task: Task): Promise<TaskResult> {
    await new Promise((r) => setImmediate(r));
    return runTask(task);
  }
  async close(): Promise<void> {}
}

/**
 * A pool of `threads` worker threads running sim/job-worker.ts (this pool and `mamlab worker`'s):
 * from the TypeScript sources a thread loads it through tsx (the `--import` of the main thread
 * does not reach worker threads by itself), from the build directly.
 */
export function jobThreadPool(threads: number): Piscina {
  const fromSources = import.meta.url.endsWith('.ts');
  const filename = new URL(fromSources ? './job-worker.ts' : './job-worker.js', import.meta.url).href;
  return new Piscina({ filename, execArgv: fromSources ? ['--import', import.meta.resolve('tsx')] : [], minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
}

/** A pool of worker threads (piscina): each task is a complete, independent run. */
class PoolExecutor implements Executor {
  private readonly pool: Piscina;
  readonly slots: number;
  constructor(threads: number) {
    // Two tasks a thread, so none waits for the main thread between tasks.
    this.slots = threads * 2;
    this.pool = jobThreadPool(threads);
  }
  async run(task: Task): Promise<TaskResult> {
    return unwrap(await (this.pool.run(task) as Promise<WorkerReply>));
  }
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** This thread for one worker or one job, else a pool. */
export function localExecutor(workers: number, jobs: number): Executor {
  const n = Math.min(workers, jobs);
  return n <= 1 ? new InlineExecutor() : new PoolExecutor(n);
}

/** A job's outcome while it waits to be handed over: its result, or why it failed. */
type Outcome = { readonly ok: true; readonly result: TaskResult } | { readonly ok: false; readonly error: unknown };

/**
 * Runs `jobs` and calls `consume` with each result in job order (never out of order, never
 * twice). Jobs finished in the cache are not run again. Rejects with the failure of the first
 * failing job in job order (whatever finished first), so the message does not depend on the
 * number of workers.
 */
export async function runJobs<T extends Task>(jobs: ReadonlyArray<Job<T>>, opts: JobOptions, consume: (job: Job<T>, result: TaskResult, index: number) => void): Promise<void> {
  // A job that writes a run folder into the result being staged is never taken from the cache: its folder would be missing.
  const cache = opts.cache;
  const cacheable = (j: Job): boolean => j.task.kind !== 'run' && !(j.task.kind === 'sweep' && j.task.keepRun);
  const cached = new Set(cache ? jobs.filter((j) => cacheable(j) && cache.has(j.key)).map((j) => j.key) : []);
  const toRun = jobs.filter((j) => !cached.has(j.key)).length;
  // With a clock and no worker count: this thread first, a pool when the rest is long enough to pay for it.
  const adaptive = toRun > 1 && opts.executor === undefined && opts.workers === undefined && opts.clock !== undefined && defaultWorkers() > 1;
  let executor: Executor = toRun === 0 || adaptive ? new InlineExecutor() : opts.executor ?? localExecutor(opts.workers ?? defaultWorkers(), toRun);
  const executors: Executor[] = [executor];
  const began = opts.clock?.() ?? 0;
  let ranHere = 0;
  /** After a job in this thread: start the pool when the jobs left would take longer than POOL_AFTER_MS here. */
  const maybePool = (): void => {
    if (!adaptive || executors.length > 1) return;
    ranHere++;
    const left = toRun - ranHere;
    const perJob = (opts.clock!() - began) / ranHere;
    if (left > 1 && perJob * left > POOL_AFTER_MS) executors.push((executor = localExecutor(defaultWorkers(), left)));
  };
  // Finished, not yet handed over: at most `window` of them (the largest executor's).
  const window = Math.max(64, (opts.executor?.slots ?? Math.max(1, opts.workers ?? defaultWorkers()) * 2) * 8);
  const finished = new Map<number, Outcome>();
  let next = 0;
  let started = 0;
  let running = 0;
  let done = 0;
  let fromCache = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (e: unknown): void => {
        if (!failed) reject(e);
        failed = true;
      };
      const pump = (): void => {
        if (failed) return;
        try {
          while (next < jobs.length) {
            const j = jobs[next]!;
            let o = finished.get(next);
            if (o === undefined && cached.has(j.key)) {
              o = { ok: true, result: cache!.get(j.key) };
              done++;
              fromCache++;
              opts.onProgress?.({ done, total: jobs.length, cached: fromCache });
            }
            if (o === undefined) break;
            if (!o.ok) return fail(o.error);
            finished.delete(next);
            consume(j, o.result, next);
            next++;
          }
          if (next === jobs.length) return resolve();
          while (started < jobs.length && started < next + window && running < executor.slots) {
            const i = started++;
            const j = jobs[i]!;
            if (cached.has(j.key)) continue;
            running++;
            executor.run(j.task, j.key).then((r) => {
              running--;
              done++;
              maybePool();
              try {
                if (cacheable(j)) cache?.put(j.key, r);
              } catch (e) {
                return fail(e);
              }
              // Test-only: MAMLAB_FAULT=after-job-N kills the process (no handler, no finally) once N jobs have finished, as a crash would.
              if (process.env.MAMLAB_FAULT === `after-job-${done}`) process.kill(process.pid, 'SIGKILL');
              finished.set(i, { ok: true, result: r });
              opts.onProgress?.({ done, total: jobs.length, cached: fromCache });
              pump();
            }, (e: unknown) => {
              running--;
              finished.set(i, { ok: false, error: e });
              pump();
            });
          }
        } catch (e) {
          fail(e);
        }
      };
      pump();
    });
  } finally {
    for (const x of executors) await x.close();
  }
}
