// The job runner's executor on a BullMQ queue in Redis, on the machine that runs `mamlab sweep
// --queue`: each job goes on the queue named by its key with its files' bundle (stored once, by
// sha256), and comes back as the result a worker posted (sim/queue-worker.ts takes them).
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { InputError, PathError } from './input-error.js';
import { readInputFile } from './input-files.js';
import { type Executor, type Task, type TaskResult } from './jobs.js';
import { runTask } from './job-tasks.js';
import { MAX_JSON_SCENARIO_BYTES, MAX_PRICE_FILE_BYTES } from './limits.js';
import { VERSION } from './package-root.js';
import type { Json } from './reader.js';
import { type ScenarioRef, loadJobScenario } from './scenario.js';
import { BAD_INPUT, blobKey, bullConnection, type Bundle, type BundleFile, bundleId, errorReporter, FORMAT, isObject, KEY_PREFIX, parseQueueUrl, PRESET_DIR, probe, type QueueMessage, queueName, redisOptions, type RedisTarget, REFUSED, safeRelativePath, sha256 } from './queue-protocol.js';

// ------------------------------------------------------------------ the coordinator's side

/** A file of the bundle on the coordinator: where it is read from and where it goes. */
export interface Placed {
  readonly path: string;
  readonly source: string;
  readonly maxBytes: number;
  readonly what: string;
}

/**
 * Where each file a job's scenario reads goes in its bundle: the scenario and its price files keep
 * their places relative to each other (a price file is named relative to the scenario's folder),
 * under the deepest folder that holds them all. A price file named by an absolute path (possible
 * with --data-dir) cannot keep its place on another machine and is refused.
 */
export function bundleLayout(ref: ScenarioRef): { scenario: string; files: Placed[]; presets: Array<{ name: string; source: string }> } {
  const scenario = loadJobScenario(ref);
  const scenarioFile = resolve(ref.file);
  const scenarioDir = dirname(scenarioFile);
  const prices = (scenario.normalized.prices ?? {}) as Record<string, Json>;
  const named: Array<{ lexical: string; shownAs: string }> = [];
  for (const [symbol, src] of Object.entries(prices)) {
    const csv = isObject(src) ? src.csv : undefined;
    if (typeof csv !== 'string') continue;
    if (isAbsolute(csv)) throw new PathError(ref.file, `prices.${symbol}.csv names ${JSON.stringify(csv)} by an absolute path: queue workers get each file at its place relative to the scenario, so put price files beside the scenario (or in a folder under it) and name them relative to it`);
    named.push({ lexical: resolve(scenarioDir, csv), shownAs: csv });
  }
  // The deepest folder holding the scenario's folder and every price file's.
  let root = scenarioDir;
  for (const n of named) while (relative(root, n.lexical).split(sep)[0] === '..') root = dirname(root);
  const place = (lexical: string): string => relative(root, lexical).split(sep).join('/');
  const files: Placed[] = [{ path: place(scenarioFile), source: scenarioFile, maxBytes: MAX_JSON_SCENARIO_BYTES, what: 'scenario file' }];
  for (const n of named) {
    const path = place(n.lexical);
    if (!safeRelativePath(path)) throw new PathError(ref.file, `the price file ${JSON.stringify(n.shownAs)} has a name queue workers refuse (a backslash or a control character): rename it`);
    if (!files.some((f) => f.path === path)) files.push({ path, source: n.lexical, maxBytes: MAX_PRICE_FILE_BYTES, what: 'price file' });
  }
  // Everything the load read must be in the bundle or be one of mamlab's presets, or a worker would look for it in vain.
  const presetDir = realpathSync(PRESET_DIR);
  const covered = new Set(files.map((f) => realpathSync(f.source)));
  const presets: Array<{ name: string; source: string }> = [];
  for (const input of scenario.inputs) {
    if (covered.has(input)) continue;
    if (dirname(input) === presetDir && input.endsWith('.json')) presets.push({ name: input.slice(presetDir.length + 1, -5), source: input });
    else throw new Error(`the scenario reads ${input}, which mamlab does not know how to send to queue workers`);
  }
  presets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { scenario: files[0]!.path, files, presets };
}

export interface QueueExecutorOptions {
  /** Jobs on the queue at once (default 256, so remote workers never wait for the coordinator). */
  readonly slots?: number;
  /** Times a job is run when a worker fails it (default 2). A worker that dies mid-job is another matter: its job is taken again by BullMQ's stalled-job check on the workers. */
  readonly attempts?: number;
  /** How long finished jobs and the files they read stay in Redis, so a rerun finds them (default 7 days). */
  readonly keepSeconds?: number;
  /** Connecting at the start: how long to wait for an answer (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Told when no worker is connected to the queue at the start (the jobs wait for one). */
  readonly onNote?: (note: string) => void;
  /** Redis errors while running (a lost connection, which is retried until it comes back). */
  readonly onError?: (message: string) => void;
}

const DEFAULT_KEEP_SECONDS = 7 * 24 * 3600;

/** What a job returned, checked to be a result of its kind (a worker's answer is data from the network). */
function checkResult(task: Task, r: unknown, key: string): TaskResult {
  const ok = task.kind === 'seed'
    ? isObject(r) && r.seed === task.scenario.seed
    : isObject(r) && Array.isArray(r.rows) && r.rows.every((row) => Array.isArray(row) && row.every((c) => typeof c === 'string')) && Array.isArray(r.figures) && r.figures.every((c) => typeof c === 'string');
  if (!ok) throw new Error(`job ${key} came back from the queue without a ${task.kind} result`);
  return r as unknown as TaskResult;
}

/**
 * A job's failure on a worker as the coordinator reports it: bad input as the InputError it was
 * (its file named as on this machine), a refused message in one line, anything else as an error.
 */
function failure(reason: string, key: string, task: Task, bundle: Bundle, target: RedisTarget): Error {
  if (reason.startsWith(REFUSED)) return new PathError(`--queue ${target.shown}`, `a worker refused job ${key}: ${reason.slice(REFUSED.length)}`);
  if (reason.startsWith(BAD_INPUT)) {
    try {
      const x = JSON.parse(reason.slice(BAD_INPUT.length)) as { file: string; path: string; expected: string; line?: number; more?: string[] };
      return new InputError(x.file === bundle.scenario ? task.scenario.file : x.file, x.path, x.expected, x.line, x.more ?? []);
    } catch {
      // Not what a worker writes: said as it came, below.
    }
  }
  return new Error(`job ${key} failed on a queue worker: ${reason}`);
}

class QueueExecutor implements Executor {
  private readonly bundles = new Map<string, Promise<Bundle>>();
  /** Files by their place and source: read, hashed and stored once however many cells read them. */
  private readonly fileSets = new Map<string, Promise<BundleFile[]>>();
  private readonly stored = new Map<string, Promise<void>>();
  private readonly presetHashes = new Map<string, string>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly target: RedisTarget,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly blobs: Redis,
    readonly slots: number,
    private readonly attempts: number,
    private readonly keepSeconds: number,
  ) {}

  async run(task: Task, key: string): Promise<TaskResult> {
    // A compare run or a kept sweep run writes a folder here: it runs here, in this thread.
    if (task.kind === 'run' || (task.kind === 'sweep' && task.keepRun)) {
      await new Promise((r) => setImmediate(r));
      return runTask(task);
    }
    const bundle = await this.bundleFor(task.scenario);
    const s = task.scenario;
    const message: QueueMessage = {
      format: FORMAT, version: VERSION, key,
      task: { kind: task.kind, scenarioHash: task.scenarioHash, variant: s.variant ?? null, overrides: s.overrides ?? [], seed: s.seed },
      bundle,
    };
    // A job that failed before stays failed under its id: remove it, so this run tries it again.
    const old = await this.queue.getJob(key);
    if (old && (await old.isFailed())) await old.remove();
    // The job id is the key: adding a job whose id is on the queue adds nothing, and a finished one gives its stored result.
    const added = await this.queue.add(task.kind, message, { jobId: key, attempts: this.attempts, removeOnComplete: { age: this.keepSeconds }, removeOnFail: { age: this.keepSeconds } });
    let result: unknown;
    try {
      result = await added.waitUntilFinished(this.events);
    } catch (e) {
      throw failure((e as Error).message, key, task, bundle, this.target);
    }
    return checkResult(task, result, key);
  }

  private bundleFor(ref: ScenarioRef): Promise<Bundle> {
    // A cell's files do not depend on the seed.
    const memo = JSON.stringify([ref.file, ref.dataDirs ?? [], ref.variant ?? null, ref.overrides ?? []]);
    let b = this.bundles.get(memo);
    if (!b) {
      b = this.makeBundle(ref);
      this.bundles.set(memo, b);
    }
    return b;
  }

  private async makeBundle(ref: ScenarioRef): Promise<Bundle> {
    const layout = bundleLayout(ref);
    const setKey = JSON.stringify(layout.files.map((f) => [f.path, f.source]));
    let files = this.fileSets.get(setKey);
    if (!files) {
      files = Promise.all(layout.files.map((f) => this.store(f)));
      this.fileSets.set(setKey, files);
    }
    const presets = layout.presets.map((p) => {
      let h = this.presetHashes.get(p.source);
      if (h === undefined) this.presetHashes.set(p.source, (h = sha256(readFileSync(p.source))));
      return { name: p.name, sha256: h };
    });
    const body = { scenario: layout.scenario, files: await files, presets };
    return { id: bundleId(body), ...body };
  }

  /** Reads a file the safe way and puts its content in Redis under its hash (once; an existing copy has its lifetime renewed). */
  private async store(f: Placed): Promise<BundleFile> {
    const { bytes } = readInputFile({ path: f.source, shownAs: f.source, what: f.what, maxBytes: f.maxBytes, blame: { file: f.source, path: '' } });
    const h = sha256(bytes);
    let done = this.stored.get(h);
    if (!done) {
      done = (async () => {
        const set = await this.blobs.set(blobKey(h), bytes, 'EX', this.keepSeconds, 'NX');
        if (set === null) await this.blobs.expire(blobKey(h), this.keepSeconds);
      })();
      this.stored.set(h, done);
    }
    await done;
    return { path: f.path, sha256: h, bytes: bytes.length };
  }

  /** Closes the connections (any number of times). Jobs still on the queue stay there: workers finish them, and a rerun finds them finished. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.events.close();
      await this.queue.close();
      this.blobs.disconnect();
    })();
    return this.closing;
  }
}

/**
 * An executor that runs sweep and seed jobs on BullMQ workers (`mamlab worker`) through Redis at
 * `url`, each under its job key. Connects first, and says in one line (PathError) when it cannot.
 * Jobs that write a folder (a compare run, a sweep's kept run) run here instead.
 */
export async function queueExecutor(url: string, opts: QueueExecutorOptions = {}): Promise<Executor> {
  const target = parseQueueUrl(url);
  await probe(target, opts.connectTimeoutMs ?? 10_000);
  const report = errorReporter(opts.onError);
  const connection = bullConnection(target);
  const queue = new Queue(queueName(), { connection, prefix: KEY_PREFIX });
  const events = new QueueEvents(queueName(), { connection, prefix: KEY_PREFIX });
  const blobs = new Redis({ ...redisOptions(target), maxRetriesPerRequest: null });
  queue.on('error', report);
  events.on('error', report);
  // Each job waiting for its end listens for the queue closing: one listener a slot.
  const slots = opts.slots ?? 256;
  queue.setMaxListeners(slots + 16);
  blobs.on('error', report);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  try {
    if ((await queue.getWorkersCount()) === 0) opts.onNote?.(`no worker is connected to ${target.shown} yet: the jobs wait on the queue until one is (start \`mamlab worker --queue URL\` on each machine)`);
  } catch {
    // A managed Redis may refuse CLIENT LIST, which counting workers needs: nothing to say then.
  }
  return new QueueExecutor(target, queue, events, blobs, slots, Math.max(1, opts.attempts ?? 2), opts.keepSeconds ?? DEFAULT_KEEP_SECONDS);
}

