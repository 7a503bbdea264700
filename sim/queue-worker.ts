// `mamlab worker`: takes jobs from the BullMQ queue in Redis, checks each message (sim/queue-protocol.ts),
// fetches and verifies its files by sha256 into a private folder of its own, runs the job on a
// thread and posts the result; a job whose worker dies is taken again by another.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { InputError, PathError } from './input-error.js';
import { type TaskResult, jobThreadPool } from './jobs.js';
import { type WorkerReply } from './job-tasks.js';
import { BAD_INPUT, BadInput, blobKey, bullConnection, type Bundle, checkMessage, errorReporter, KEEP_BUNDLES, KEY_PREFIX, localTask, parseQueueUrl, PRESET_DIR, probe, type QueueMessage, queueName, redisOptions, type RedisTarget, Refusal, REFUSED, safeRelativePath, sha256 } from './queue-protocol.js';

// ------------------------------------------------------------------ the worker's side

/** Each job a worker takes, as it goes (for `mamlab worker`'s lines). */
export interface QueueJobEvent {
  readonly event: 'started' | 'done' | 'failed';
  readonly key: string;
  readonly kind?: string;
  readonly variant?: string | null;
  readonly seed?: number;
  /** Why it failed. */
  readonly reason?: string;
}

export interface QueueWorkerOptions {
  /** Jobs at once, each on its own thread (default: the machine's cores). */
  readonly concurrency?: number;
  /** The folder the worker's private folder is made in (default: the system's temporary folder). */
  readonly workDir?: string;
  /** A job's lock (default 30 s): a worker that dies mid-job has its job taken again within about twice this. */
  readonly lockSeconds?: number;
  /** Times a job may be taken again after its worker died before it fails (default 2). */
  readonly maxStalledCount?: number;
  readonly connectTimeoutMs?: number;
  readonly onJob?: (e: QueueJobEvent) => void;
  /** Redis errors while running (a lost connection, retried until it comes back). */
  readonly onError?: (message: string) => void;
}

export interface QueueWorker {
  /** The worker's name on the queue (host and process). */
  readonly name: string;
  readonly target: RedisTarget;
  readonly concurrency: number;
  /** Its private folder (removed by close). */
  readonly folder: string;
  /** Stops taking jobs, lets those in progress finish, closes the connections and removes its folder. */
  close(): Promise<void>;
  /** For a process about to exit at once (a second Ctrl-C): removes its folder now; jobs in progress are taken again by other workers once their lock expires. */
  abandon(): void;
}

/** Fetches a file's content by its hash (from Redis; a test gives its own). */
export type FetchContent = (sha256: string) => Promise<Buffer | null>;

/**
 * Unpacks a bundle into `dir` (which must not exist): each file fetched by its hash and checked
 * against it, written only at its checked relative path; mamlab's presets the scenario reads are
 * compared with this worker's own. Written beside and renamed into place, so `dir` is whole or absent.
 */
export async function unpackBundle(bundle: Bundle, dir: string, fetch: FetchContent): Promise<void> {
  for (const p of bundle.presets) {
    let own: string;
    try {
      own = sha256(readFileSync(join(PRESET_DIR, `${p.name}.json`)));
    } catch {
      throw new Refusal(`the scenario reads the preset ${p.name}, which this worker does not have: run the same mamlab on every machine`);
    }
    if (own !== p.sha256) throw new Refusal(`this worker's preset ${p.name} differs from the coordinator's: run the same mamlab on every machine`);
  }
  const part = `${dir}.part`;
  rmSync(part, { recursive: true, force: true });
  mkdirSync(part, { recursive: true });
  try {
    for (const f of bundle.files) {
      if (!safeRelativePath(f.path)) throw new Refusal(`the file path ${JSON.stringify(f.path)} is not a plain relative path`);
      const bytes = await fetch(f.sha256);
      if (bytes === null) throw new Refusal(`the content of ${f.path} (sha256 ${f.sha256}) is no longer in Redis: run the sweep again to put it back`);
      if (bytes.length !== f.bytes || sha256(bytes) !== f.sha256) throw new Refusal(`the content of ${f.path} does not match its sha256`);
      const target = join(part, ...f.path.split('/'));
      if (relative(part, target).split(sep)[0] === '..') throw new Refusal(`the file path ${JSON.stringify(f.path)} leaves the job's folder`);
      mkdirSync(dirname(target), { recursive: true });
      // 'wx': never through a file or link already there.
      writeFileSync(target, bytes, { flag: 'wx' });
    }
    renameSync(part, dir);
  } catch (e) {
    rmSync(part, { recursive: true, force: true });
    throw e;
  }
}

/** The bundles a worker has unpacked, by id: shared by the jobs that read them, the least recently used removed beyond KEEP_BUNDLES unused. */
class BundleFolders {
  private readonly entries = new Map<string, { ready: Promise<string>; users: number; used: number }>();
  private uses = 0;
  constructor(private readonly root: string, private readonly fetch: FetchContent) {}

  async acquire(b: Bundle): Promise<string> {
    let e = this.entries.get(b.id);
    if (!e) {
      const dir = join(this.root, b.id);
      e = { ready: unpackBundle(b, dir, this.fetch).then(() => dir), users: 0, used: 0 };
      this.entries.set(b.id, e);
      // A failed unpack is tried afresh by the next job that needs it.
      e.ready.catch(() => this.entries.delete(b.id));
    }
    e.users++;
    e.used = ++this.uses;
    try {
      return await e.ready;
    } catch (err) {
      e.users--;
      throw err;
    }
  }

  release(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.users--;
    const idle = [...this.entries].filter(([, x]) => x.users === 0).sort(([, x], [, y]) => x.used - y.used);
    for (const [old] of idle.slice(0, Math.max(0, idle.length - KEEP_BUNDLES))) {
      this.entries.delete(old);
      rmSync(join(this.root, old), { recursive: true, force: true });
    }
  }
}


/** Takes jobs from the queue at `url` until closed. Connects first, and says in one line (PathError) when it cannot. */
export async function runQueueWorker(url: string, opts: QueueWorkerOptions = {}): Promise<QueueWorker> {
  const target = parseQueueUrl(url);
  const concurrency = opts.concurrency ?? availableParallelism();
  const lockMs = (opts.lockSeconds ?? 30) * 1000;
  const base = opts.workDir ?? tmpdir();
  if (!statSync(base, { throwIfNoEntry: false })?.isDirectory()) throw new PathError(`--work-dir ${base}`, 'expected an existing folder');
  await probe(target, opts.connectTimeoutMs ?? 10_000);
  const report = errorReporter(opts.onError);
  const blobs = new Redis({ ...redisOptions(target), maxRetriesPerRequest: null });
  blobs.on('error', report);
  // The worker's own folder, private (mode 0700) and unique: everything it unpacks goes there, and only it is removed.
  const folder = mkdtempSync(join(base, 'mamlab-worker-'));
  const bundles = new BundleFolders(folder, (h) => blobs.getBuffer(blobKey(h)));
  // Jobs run on threads so that this thread stays free to renew their locks (a lock not renewed makes a running job look dead).
  const pool = jobThreadPool(concurrency);
  const name = `${hostname()}:${process.pid}`;
  const processor = async (j: BullJob): Promise<TaskResult> => {
    let m: QueueMessage;
    try {
      m = checkMessage(j.data, j.id);
    } catch (e) {
      opts.onJob?.({ event: 'failed', key: j.id ?? '?', reason: (e as Error).message });
      throw new UnrecoverableError(`${REFUSED}${(e as Error).message}`);
    }
    const about = { key: m.key, kind: m.task.kind, variant: m.task.variant, seed: m.task.seed };
    opts.onJob?.({ event: 'started', ...about });
    let dir: string | undefined;
    try {
      dir = await bundles.acquire(m.bundle);
      // Files outside the scenario's folder (from a --data-dir) are inside the bundle's folder: the load may read them there, and nowhere else.
      const scenarioFile = join(dir, ...m.bundle.scenario.split('/'));
      const dataDirs = dirname(scenarioFile) === dir ? undefined : [dir];
      const reply = (await pool.run(localTask(m.task, scenarioFile, dataDirs))) as WorkerReply;
      if ('inputError' in reply) {
        // Paths into this worker's folder are sent relative to it: the coordinator names its own file.
        const x = reply.inputError;
        const local = (text: string): string => text.replaceAll(`${dir}${sep}`, '');
        const file = x.file.startsWith(`${dir}${sep}`) ? relative(dir, x.file).split(sep).join('/') : x.file;
        const sent = { file, path: x.path, expected: local(x.expected), line: x.line, more: x.more.map(local) };
        throw new BadInput(`${BAD_INPUT}${JSON.stringify(sent)}`, new InputError(sent.file, sent.path, sent.expected, sent.line).message);
      }
      opts.onJob?.({ event: 'done', ...about });
      return reply.ok;
    } catch (e) {
      const reason = (e as Error).message;
      opts.onJob?.({ event: 'failed', ...about, reason: e instanceof BadInput ? e.shown : reason });
      if (e instanceof BadInput) throw new UnrecoverableError(reason);
      if (e instanceof Refusal) throw new UnrecoverableError(`${REFUSED}${reason}`);
      throw e;
    } finally {
      if (dir !== undefined) bundles.release(m.bundle.id);
    }
  };
  const worker = new Worker(queueName(), processor, {
    connection: bullConnection(target), prefix: KEY_PREFIX, name, concurrency,
    lockDuration: lockMs, stalledInterval: Math.max(500, lockMs / 2), maxStalledCount: opts.maxStalledCount ?? 2,
  });
  worker.on('error', report);
  try {
    await worker.waitUntilReady();
  } catch (e) {
    // Connected a moment ago (probe): whatever failed since, nothing of this worker is left behind.
    await worker.close(true).catch(() => undefined);
    await pool.destroy();
    blobs.disconnect();
    rmSync(folder, { recursive: true, force: true });
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    name, target, concurrency, folder,
    close() {
      closing ??= (async () => {
        try {
          await worker.close();
        } finally {
          await pool.destroy();
          blobs.disconnect();
          rmSync(folder, { recursive: true, force: true });
        }
      })();
      return closing;
    },
    abandon() {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

