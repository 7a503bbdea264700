// Jobs across machines: the job runner's executor on a BullMQ queue in Redis (queueExecutor, on the
// machine that runs `mamlab sweep --queue`) and the worker that takes jobs from it (runQueueWorker,
// `mamlab worker`). A queue message carries content, never a path: the scenario text and every
// file it reads travel through Redis, each named by its sha256, and a worker checks every hash,
// unpacks them into a private folder of its own and runs the job there (docs/queue.md).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type ConnectionOptions, Queue, QueueEvents, UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { Piscina } from 'piscina';
import { InputError, PathError, escapeControls } from './input-error.js';
import { readInputFile } from './input-files.js';
import { type Executor, type Task, type TaskResult, job } from './jobs.js';
import { type WorkerReply, runTask } from './job-tasks.js';
import { MAX_JSON_SCENARIO_BYTES, MAX_PRICE_FILE_BYTES, MAX_SEED } from './limits.js';
import { PACKAGE_ROOT, VERSION, codeHash } from './package-root.js';
import type { Json } from './reader.js';
import { type Override, type ScenarioRef, loadJobScenario } from './scenario.js';

// ------------------------------------------------------------------ names and limits

/**
 * The queue: one per mamlab version and code (sim/package-root.ts codeHash, which a job's key
 * covers too), so a worker only ever sees jobs it can run, and one of another build leaves them
 * to the others. Unrelated sweeps share it: their jobs have different keys, and one pool of
 * workers serves them all.
 */
export function queueName(): string {
  return `mamlab-jobs-${VERSION}-${codeHash().slice(0, 12)}`;
}
/** Every Redis key mamlab writes starts with this (BullMQ's own default is `bull`). */
export const KEY_PREFIX = 'mamlab';
/** The content of one file, by its sha256. */
const blobKey = (sha256: string): string => `${KEY_PREFIX}:blob:${sha256}`;
/** The wire format of a message; a worker refuses any other. */
const FORMAT = 1;
/** Files one job may read (the scenario, its price files): far more than a scenario names. */
const MAX_FILES = 1000;
/** Bundles a worker keeps unpacked when no job uses them (the folder holds each once). */
const KEEP_BUNDLES = 4;
/** BullMQ refuses Redis below 5.0; 6.2 is what it recommends and what docs/queue.md asks for. */
const MIN_REDIS: readonly [number, number] = [5, 0];

const SHA256 = /^[0-9a-f]{64}$/;
const KEY = /^[0-9a-f]{40}$/;
const PRESET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const PRESET_DIR = resolve(PACKAGE_ROOT, 'scenarios/presets');

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

// ------------------------------------------------------------------ the Redis address

/** Where the queue is: a parsed `redis://` or `rediss://` URL. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
  /** The URL as messages show it: the password replaced by ***. */
  readonly shown: string;
}

/** A URL fit to show: its password replaced by ***, even in text that does not parse. */
export function maskUrl(text: string): string {
  return escapeControls(text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@'));
}

/**
 * `redis://[USER[:PASSWORD]@]HOST[:PORT][/DB]` or `rediss://…` (TLS). Query parameters are refused:
 * ioredis would read them as connection options, which the command line does not offer.
 */
export function parseQueueUrl(text: string): RedisTarget {
  const bad = (why: string): never => {
    throw new PathError(`--queue ${maskUrl(text)}`, `${why}: expected redis://[USER:PASSWORD@]HOST[:PORT][/DB], or rediss://… for TLS`);
  };
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return bad('not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') bad(`the scheme is ${u.protocol.slice(0, -1) || 'missing'}`);
  if (!u.hostname) bad('no host');
  if (u.search || u.hash) bad('query parameters and fragments are not read');
  const db = u.pathname === '' || u.pathname === '/' ? 0 : /^\/[0-9]{1,5}$/.test(u.pathname) ? Number(u.pathname.slice(1)) : bad(`the path ${u.pathname} is not a database number`);
  const port = u.port ? Number(u.port) : 6379;
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  const auth = u.username || u.password ? `${u.username}${u.password ? ':***' : ''}@` : '';
  const shown = escapeControls(`${u.protocol}//${auth}${u.host}${db ? `/${db}` : ''}`);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port, db, tls: u.protocol === 'rediss:', shown, ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/** ioredis's options for the target (BullMQ takes the same). `tls: {}`: Node checks the server's certificate against the host name. */
function redisOptions(t: RedisTarget): RedisOptions {
  return { host: t.host, port: t.port, db: t.db, ...(t.username ? { username: t.username } : {}), ...(t.password ? { password: t.password } : {}), ...(t.tls ? { tls: {} } : {}) };
}

/** A connection error in one line, without the URL's password (ioredis's messages never hold it). */
function connectProblem(e: Error & { code?: string }, timeoutMs: number): string {
  const m = e.message;
  if (e.code === 'ECONNREFUSED') return 'cannot connect: nothing listens there (connection refused); start redis-server, or check the host and port';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'cannot connect: no such host';
  if (e.code === 'ETIMEDOUT' || /timeout/i.test(m)) return `cannot connect: no answer within ${timeoutMs / 1000} s`;
  if (/^NOAUTH/.test(m)) return 'Redis asks for a password: give it in the URL, redis://:PASSWORD@HOST:PORT (or redis://USER:PASSWORD@HOST:PORT)';
  if (/WRONGPASS|invalid username-password|AUTH/i.test(m)) return `Redis refused the user name or password (${m.split('\n')[0]})`;
  if (e.code === 'ECONNRESET') return 'the server closed the connection at once (a server that speaks TLS needs rediss://)';
  if (/SSL|TLS|certificate|CERT_/i.test(m) || (e.code ?? '').startsWith('ERR_SSL') || (e.code ?? '').includes('CERT')) return `TLS failed (${m.split('\n')[0]}): a rediss:// server needs a certificate Node trusts (for your own CA: NODE_EXTRA_CA_CERTS=FILE); a server without TLS needs redis://`;
  return `cannot connect (${m.split('\n')[0]})`;
}

/** Connects once, without retrying, to say at once and in one line when the queue cannot be reached; checks the Redis version. */
async function probe(t: RedisTarget, timeoutMs: number): Promise<void> {
  let last: Error | undefined;
  const c = new Redis({ ...redisOptions(t), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: timeoutMs });
  c.on('error', (e: Error) => {
    last = e;
  });
  // A server that accepts the connection and never answers (not Redis) must not hang the command either.
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  try {
    const info = await Promise.race([c.connect().then(() => c.info('server')), silence]);
    const v = /redis_version:(\d+)\.(\d+)/.exec(info);
    if (v && (Number(v[1]) < MIN_REDIS[0] || (Number(v[1]) === MIN_REDIS[0] && Number(v[2]) < MIN_REDIS[1]))) {
      throw new PathError(`--queue ${t.shown}`, `Redis ${v[1]}.${v[2]} is too old: BullMQ needs ${MIN_REDIS.join('.')} or later (6.2 or later recommended)`);
    }
  } catch (e) {
    if (e instanceof PathError) throw e;
    throw new PathError(`--queue ${t.shown}`, connectProblem((last ?? e) as Error, timeoutMs));
  } finally {
    clearTimeout(timer);
    c.disconnect();
  }
}

/** Connections BullMQ keeps: commands wait for a lost connection to come back rather than fail (BullMQ requires it of workers). */
function bullConnection(t: RedisTarget): ConnectionOptions {
  const { host, port, db, username, password, tls } = redisOptions(t);
  return { host, port, db, username, password, tls, maxRetriesPerRequest: null };
}

/** Reports each distinct error once in a row (a lost connection repeats its error at every retry). */
function errorReporter(onError: ((message: string) => void) | undefined): (e: Error) => void {
  let previous = '';
  return (e) => {
    const m = e.message.split('\n')[0] ?? '';
    if (m === previous) return;
    previous = m;
    onError?.(m);
  };
}

// ------------------------------------------------------------------ the message

/** One file of a bundle: where it goes, relative to the bundle's root ('/'-separated), its sha256 and size. */
export interface BundleFile {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

/**
 * What a job reads, as content: the scenario file and its price files laid out as the scenario
 * names them (relative to its folder), and the presets of mamlab's own it reads (each worker has
 * its own; the hash says they are the same).
 */
export interface Bundle {
  /** sha256 of the rest: names the worker's folder for it. */
  readonly id: string;
  /** The scenario file's path among `files`. */
  readonly scenario: string;
  readonly files: readonly BundleFile[];
  readonly presets: ReadonlyArray<{ readonly name: string; readonly sha256: string }>;
}

/** A task on the wire: what its result depends on, no path. */
export interface WireTask {
  readonly kind: 'sweep' | 'seed';
  readonly scenarioHash: string;
  readonly variant: string | null;
  readonly overrides: readonly Override[];
  readonly seed: number;
}

export interface QueueMessage {
  readonly format: number;
  readonly version: string;
  /** The job key (sim/jobs.ts), also the BullMQ job id. */
  readonly key: string;
  readonly task: WireTask;
  readonly bundle: Bundle;
}

/** A bundle's id: the hash of its layout and contents' hashes (a worker checks it, since it names the worker's folder). */
export function bundleId(b: Omit<Bundle, 'id'>): string {
  return sha256(JSON.stringify({ scenario: b.scenario, files: b.files.map((f) => [f.path, f.sha256, f.bytes]), presets: b.presets.map((p) => [p.name, p.sha256]) }));
}

/** A message refused by a worker: never retried (another worker would refuse it too). */
class Refusal extends Error {}

/** How a worker's failure reason starts for a refused message, and for bad input (then JSON of the InputError's fields follows). */
const REFUSED = 'refused: ';
const BAD_INPUT = 'input: ';

/** A job's bad input on a worker (the same on every worker: not retried); `shown` is its message for the worker's own line. */
class BadInput extends Error {
  constructor(message: string, readonly shown: string) {
    super(message);
  }
}

/**
 * A relative path a message may name: '/'-separated segments, none empty, `.` or `..`, no control
 * characters or backslashes; so joined to the bundle's folder it stays inside it.
 */
export function safeRelativePath(p: unknown): p is string {
  if (typeof p !== 'string' || p.length === 0 || p.length > 4096) return false;
  if (/[\u0000-\u001f\u007f\\]/.test(p) || p.startsWith('/')) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && s.length <= 255);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isJson(v: unknown, depth = 0): v is Json {
  if (depth > 64) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  return isObject(v) && Object.values(v).every((x) => isJson(x, depth + 1));
}

/**
 * A message as a worker takes it: every field checked, the key recomputed from the task with this
 * worker's version, every path safe. Throws Refusal saying what is wrong. A task that writes into
 * a folder (a compare run, a sweep's kept run) is refused: its folder is a path on another machine.
 */
export function checkMessage(data: unknown, jobId: string | undefined): QueueMessage {
  const no = (why: string): never => {
    throw new Refusal(why);
  };
  if (!isObject(data)) return no('the message is not an object');
  if (data.format !== FORMAT) no(`message format ${String(data.format)}, this worker reads ${FORMAT}`);
  if (data.version !== VERSION) no(`a job of mamlab ${String(data.version)}; this worker is ${VERSION}`);
  const key = data.key;
  if (typeof key !== 'string' || !KEY.test(key) || key !== jobId) no('the job key is not the job id');
  const t = data.task;
  if (!isObject(t)) return no('no task');
  if (t.kind !== 'sweep' && t.kind !== 'seed') no(`a task of kind ${String(t.kind)}: a queue worker runs sweep and seed jobs only (a job that writes a folder runs where the folder is)`);
  const extra = Object.keys(t).filter((k) => !['kind', 'scenarioHash', 'variant', 'overrides', 'seed'].includes(k));
  if (extra.length) no(`the task has ${extra.join(', ')}: a queue worker never writes where a message says`);
  if (typeof t.scenarioHash !== 'string' || !SHA256.test(t.scenarioHash)) no('no scenario hash');
  if (t.variant !== null && typeof t.variant !== 'string') no('a variant that is not a name');
  const overrides = t.overrides;
  if (!Array.isArray(overrides) || !overrides.every((o) => Array.isArray(o) && o.length === 2 && typeof o[0] === 'string' && isJson(o[1]))) no('grid settings that are not [path, value] pairs');
  if (typeof t.seed !== 'number' || !Number.isInteger(t.seed) || t.seed < 0 || t.seed > MAX_SEED) no('a seed that is not a whole number from 0 to 2^32 − 1');
  const task: WireTask = { kind: t.kind as WireTask['kind'], scenarioHash: t.scenarioHash as string, variant: t.variant as string | null, overrides: overrides as Override[], seed: t.seed as number };
  if (job(localTask(task, '')).key !== key) no("the job key is not the hash of its task and this worker's mamlab (its version and code)");
  const b = data.bundle;
  if (!isObject(b)) return no('no files');
  const files = b.files;
  if (!Array.isArray(files) || files.length === 0 || files.length > MAX_FILES) no(`the list of files is not 1 to ${MAX_FILES} files`);
  const seen = new Set<string>();
  for (const f of files as unknown[]) {
    if (!isObject(f) || !safeRelativePath(f.path)) return no(`a file path that is not a plain relative path inside the job's folder: ${maskUrl(JSON.stringify(isObject(f) ? f.path : f)).slice(0, 120)}`);
    if (seen.has(f.path)) no(`the file ${f.path} is listed twice`);
    seen.add(f.path);
    if (typeof f.sha256 !== 'string' || !SHA256.test(f.sha256)) no(`no sha256 for ${f.path}`);
    const max = f.path === b.scenario ? MAX_JSON_SCENARIO_BYTES : MAX_PRICE_FILE_BYTES;
    if (typeof f.bytes !== 'number' || !Number.isInteger(f.bytes) || f.bytes < 0 || f.bytes > max) no(`the size of ${f.path} is not 0 to ${max} bytes`);
  }
  if (typeof b.scenario !== 'string' || !seen.has(b.scenario)) no('the scenario is not among the files');
  const presets = b.presets;
  if (!Array.isArray(presets) || !presets.every((p) => isObject(p) && typeof p.name === 'string' && PRESET_NAME.test(p.name) && typeof p.sha256 === 'string' && SHA256.test(p.sha256))) no('presets that are not names with a sha256');
  const bundle: Omit<Bundle, 'id'> = {
    scenario: b.scenario as string,
    files: (files as BundleFile[]).map((f) => ({ path: f.path, sha256: f.sha256, bytes: f.bytes })),
    presets: (presets as Bundle['presets']).map((p) => ({ name: p.name, sha256: p.sha256 })),
  };
  if (b.id !== bundleId(bundle)) no('the bundle id is not the hash of its files');
  return { format: FORMAT, version: VERSION, key: key as string, task, bundle: { id: b.id as string, ...bundle } };
}

/** The task a worker runs: the wire task with its scenario file at `file` (in the worker's own folder). */
function localTask(t: WireTask, file: string, dataDirs?: readonly string[]): Task {
  const scenario: ScenarioRef = { file, variant: t.variant, overrides: t.overrides, seed: t.seed, ...(dataDirs ? { dataDirs } : {}) };
  return { kind: t.kind, scenarioHash: t.scenarioHash, scenario };
}

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

/**
 * The worker module of the thread pool (sim/job-worker.ts), as sim/jobs.ts finds it: from the
 * TypeScript sources through tsx, from the build directly. Jobs run on threads so that this
 * thread stays free to renew their locks (a lock not renewed makes a running job look dead).
 */
function threadPool(threads: number): Piscina {
  const fromSources = import.meta.url.endsWith('.ts');
  const filename = new URL(fromSources ? './job-worker.ts' : './job-worker.js', import.meta.url).href;
  return new Piscina({ filename, execArgv: fromSources ? ['--import', import.meta.resolve('tsx')] : [], minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
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
  const pool = threadPool(concurrency);
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
