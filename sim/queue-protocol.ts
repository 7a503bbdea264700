// What crosses Redis between the machine that runs a sweep with --queue and `mamlab worker`: the
// queue's name, the Redis address (passwords, TLS) and how a connection problem reads, and the
// message: a task, its key and a bundle of files named by sha256, with the checks a worker makes
// before it runs anything (docs/queue.md).
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { type ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { PathError, escapeControls } from './input-error.js';
import { type Task, job } from './jobs.js';
import { MAX_JSON_SCENARIO_BYTES, MAX_PRICE_FILE_BYTES, MAX_SEED } from './limits.js';
import { PACKAGE_ROOT, VERSION, codeHash } from './package-root.js';
import type { Json } from './reader.js';
import { type Override, type ScenarioRef } from './scenario.js';

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
export const blobKey = (sha256: string): string => `${KEY_PREFIX}:blob:${sha256}`;
/** The wire format of a message; a worker refuses any other. */
export const FORMAT = 1;
/** Files one job may read (the scenario, its price files): far more than a scenario names. */
export const MAX_FILES = 1000;
/** Bundles a worker keeps unpacked when no job uses them (the folder holds each once). */
export const KEEP_BUNDLES = 4;
/** BullMQ refuses Redis below 5.0; 6.2 is what it recommends and what docs/queue.md asks for. */
export const MIN_REDIS: readonly [number, number] = [5, 0];

export const SHA256 = /^[0-9a-f]{64}$/;
export const KEY = /^[0-9a-f]{40}$/;
export const PRESET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const PRESET_DIR = resolve(PACKAGE_ROOT, 'scenarios/presets');

export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

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
export function redisOptions(t: RedisTarget): RedisOptions {
  return { host: t.host, port: t.port, db: t.db, ...(t.username ? { username: t.username } : {}), ...(t.password ? { password: t.password } : {}), ...(t.tls ? { tls: {} } : {}) };
}

/** A connection error in one line, without the URL's password (ioredis's messages never hold it). */
export function connectProblem(e: Error & { code?: string }, timeoutMs: number): string {
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
export async function probe(t: RedisTarget, timeoutMs: number): Promise<void> {
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
export function bullConnection(t: RedisTarget): ConnectionOptions {
  const { host, port, db, username, password, tls } = redisOptions(t);
  return { host, port, db, username, password, tls, maxRetriesPerRequest: null };
}

/** Reports each distinct error once in a row (a lost connection repeats its error at every retry). */
export function errorReporter(onError: ((message: string) => void) | undefined): (e: Error) => void {
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
export class Refusal extends Error {}

/** How a worker's failure reason starts for a refused message, and for bad input (then JSON of the InputError's fields follows). */
export const REFUSED = 'refused: ';
export const BAD_INPUT = 'input: ';

/** A job's bad input on a worker (the same on every worker: not retried); `shown` is its message for the worker's own line. */
export class BadInput extends Error {
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

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isJson(v: unknown, depth = 0): v is Json {
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
export function localTask(t: WireTask, file: string, dataDirs?: readonly string[]): Task {
  const scenario: ScenarioRef = { file, variant: t.variant, overrides: t.overrides, seed: t.seed, ...(dataDirs ? { dataDirs } : {}) };
  return { kind: t.kind, scenarioHash: t.scenarioHash, scenario };
}

