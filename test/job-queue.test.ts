// Jobs across machines (issue 16 item 7): what a queue message may carry and what a worker does
// with it (no Redis needed), the command line's one-line errors, and, with a real redis-server, a
// sweep through two `mamlab worker` processes, one killed mid-job, giving the bytes of a serial sweep.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLayout } from '../sim/job-queue.js';
import { type Bundle, type QueueMessage, bundleId, checkMessage, maskUrl, parseQueueUrl } from '../sim/queue-protocol.js';
import { unpackBundle } from '../sim/queue-worker.js';
import { job } from '../sim/jobs.js';
import { VERSION } from '../sim/package-root.js';
import { mamlab } from './cli.js';
import { ROOT, scenarioPath } from './helpers.js';

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
/** Temporary folders, all removed after the tests. */
const made: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mamlab-queue-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** The redis-server binary on PATH, if any. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => done(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

// ------------------------------------------------------------------ messages, without Redis

/** A valid message for a one-file bundle (the scenario text given). */
function message(text: string, over: Partial<QueueMessage['task']> = {}): { m: QueueMessage; content: Map<string, Buffer> } {
  const bytes = Buffer.from(text);
  const body: Omit<Bundle, 'id'> = { scenario: 'scen/s.json', files: [{ path: 'scen/s.json', sha256: sha(bytes), bytes: bytes.length }], presets: [] };
  const task = { kind: 'sweep' as const, scenarioHash: 'a'.repeat(64), variant: null, overrides: [], seed: 7, ...over };
  const key = job({ kind: task.kind, scenarioHash: task.scenarioHash, scenario: { file: '', variant: task.variant, overrides: task.overrides, seed: task.seed } }).key;
  return { m: { format: 1, version: VERSION, key, task, bundle: { id: bundleId(body), ...body } }, content: new Map([[sha(bytes), bytes]]) };
}

describe('a queue message', () => {
  const { m } = message('{}');
  const withTask = (t: Record<string, unknown>): unknown => ({ ...m, task: { ...m.task, ...t } });
  const withFiles = (files: unknown[]): unknown => ({ ...m, bundle: { ...m.bundle, files } });

  it('is taken whole when every field checks out, the key being the hash of its task and this version', () => {
    expect(checkMessage(JSON.parse(JSON.stringify(m)), m.key)).toEqual(m);
  });
  it('is refused when the key is not the job id or not its task\'s hash, or it comes from another version', () => {
    expect(() => checkMessage(m, 'b'.repeat(40))).toThrow(/job key is not the job id/);
    expect(() => checkMessage(withTask({ seed: 8 }), m.key)).toThrow(/not the hash of its task/);
    expect(() => checkMessage({ ...m, version: '0.0.0-other' }, m.key)).toThrow(/a job of mamlab 0\.0\.0-other; this worker is/);
  });
  it('is refused when its task writes a folder: a path on another machine', () => {
    expect(() => checkMessage(withTask({ kind: 'run' }), m.key)).toThrow(/sweep and seed jobs only/);
    expect(() => checkMessage(withTask({ keepRun: '/tmp/x' }), m.key)).toThrow(/never writes where a message says/);
    expect(() => checkMessage(withTask({ dir: '/home/me' }), m.key)).toThrow(/never writes where a message says/);
  });
  it('is refused when a file path could leave the job\'s folder, or a hash or the bundle id is wrong', () => {
    const f = m.bundle.files[0]!;
    for (const path of ['../s.json', '/etc/passwd', 'scen/../../x', 'a//b', './s.json', 'a\\b', 'x\u0000y']) {
      expect(() => checkMessage(withFiles([{ ...f, path }]), m.key), path).toThrow(/not a plain relative path/);
    }
    expect(() => checkMessage(withFiles([{ ...f, sha256: 'xyz' }]), m.key)).toThrow(/no sha256/);
    expect(() => checkMessage({ ...m, bundle: { ...m.bundle, id: 'c'.repeat(64) } }, m.key)).toThrow(/bundle id is not the hash of its files/);
    expect(() => checkMessage(withFiles([f, f]), m.key)).toThrow(/listed twice/);
  });
});

describe('a worker unpacking a bundle', () => {
  it('writes each file at its place after checking its hash, and nothing when a hash is wrong', async () => {
    const { m, content } = message('{"x": 1}');
    const root = tmp();
    await unpackBundle(m.bundle, join(root, m.bundle.id), async (h) => content.get(h) ?? null);
    expect(readFileSync(join(root, m.bundle.id, 'scen/s.json'), 'utf8')).toBe('{"x": 1}');
    // Content that does not match its hash (Redis answering with other bytes): refused, and no folder left.
    await expect(unpackBundle(m.bundle, join(root, 'other'), async () => Buffer.from('{"x": 2}'))).rejects.toThrow(/does not match its sha256/);
    await expect(unpackBundle(m.bundle, join(root, 'gone'), async () => null)).rejects.toThrow(/no longer in Redis: run the sweep again/);
    expect(readdirSync(root)).toEqual([m.bundle.id]);
    // A preset of mamlab's own whose hash differs from this worker's: refused.
    await expect(unpackBundle({ ...m.bundle, presets: [{ name: 'instruments', sha256: 'd'.repeat(64) }] }, join(root, 'p'), async (h) => content.get(h) ?? null)).rejects.toThrow(/preset instruments differs/);
    rmSync(root, { recursive: true });
  });
});

describe('what the coordinator sends', () => {
  it('lays the scenario and its price files out as the scenario names them, and the presets by hash', () => {
    const layout = bundleLayout({ file: scenarioPath('seed000-equity-split.json'), seed: 1 });
    expect(layout.scenario).toBe('seed000-equity-split.json');
    expect(layout.files.map((f) => f.path)).toEqual(['seed000-equity-split.json', 'data/seed000-usdjpy.csv']);
    expect(layout.presets.map((p) => p.name)).toContain('instruments');
  });
  it('keeps a price file from a --data-dir at its place relative to the scenario, and refuses one named by an absolute path', () => {
    const root = tmp();
    mkdirSync(join(root, 'proj/scen'), { recursive: true });
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data/p.csv'), readFileSync(scenarioPath('data/seed000-usdjpy.csv')));
    const text = readFileSync(scenarioPath('seed000-equity-split.json'), 'utf8');
    writeFileSync(join(root, 'proj/scen/rel.json'), text.replace('"data/seed000-usdjpy.csv"', '"../../data/p.csv"'));
    writeFileSync(join(root, 'proj/scen/abs.json'), text.replace('"data/seed000-usdjpy.csv"', JSON.stringify(join(root, 'data/p.csv'))));
    const dataDirs = [join(root, 'data')];
    const rel = bundleLayout({ file: join(root, 'proj/scen/rel.json'), dataDirs, seed: 1 });
    expect([rel.scenario, ...rel.files.slice(1).map((f) => f.path)]).toEqual(['proj/scen/rel.json', 'data/p.csv']);
    expect(() => bundleLayout({ file: join(root, 'proj/scen/abs.json'), dataDirs, seed: 1 })).toThrow(/absolute path: queue workers get each file at its place relative to the scenario, so put price files beside the scenario/);
    rmSync(root, { recursive: true });
  });
});

describe('--queue on the command line', () => {
  it('reads redis:// and rediss:// URLs with a user, password and database, and never shows the password', () => {
    expect(parseQueueUrl('rediss://me:s%40cret@cache.example:6380/2')).toMatchObject({ host: 'cache.example', port: 6380, db: 2, username: 'me', password: 's@cret', tls: true, shown: 'rediss://me:***@cache.example:6380/2' });
    expect(parseQueueUrl('redis://127.0.0.1')).toMatchObject({ port: 6379, db: 0, tls: false });
    expect(maskUrl('redis://u:hunter2@h:1 junk')).toBe('redis://u:***@h:1 junk');
    expect(() => parseQueueUrl('redis://h:1/x?tls=1')).toThrow(/--queue redis:\/\/h:1\/x\?tls=1/);
  });
  it('refuses a bad URL and an unreachable Redis in one line each, exit 2', async () => {
    const bad = mamlab(['sweep', 'scenarios/stress-weekend-gap.json', '--out', join(tmp(), 'o'), '--queue', 'http://u:hunter2@host']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('error: --queue http://u:***@host: expected redis://HOST:PORT');
    expect(bad.stderr).not.toContain('hunter2');
    const port = await freePort();
    for (const args of [['worker', '--queue', `redis://u:hunter2@127.0.0.1:${port}`], ['sweep', 'scenarios/stress-weekend-gap.json', '--out', join(tmp(), 'o'), '--seeds', '1', '--queue', `redis://u:hunter2@127.0.0.1:${port}`]]) {
      const r = mamlab(args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toBe(`error: --queue redis://u:***@127.0.0.1:${port}: cannot connect: nothing listens there (connection refused); start redis-server, or check the host and port\n`);
    }
    expect(mamlab(['worker']).stderr).toContain('error: missing --queue URL: mamlab worker --queue URL [options]');
    expect(mamlab(['sweep', 'scenarios/stress-weekend-gap.json', '--out', 'x', '--queue', 'redis://h', '--workers', '2']).stderr).toContain('--workers with --queue');
  });
});

// ------------------------------------------------------------------ a real queue

const REDIS = onPath('redis-server');
const WHY = REDIS ? '' : ' (skipped: no redis-server on PATH; install it, e.g. apt-get install redis-server)';

/** A child's output as it comes, with a wait for a line matching a pattern. */
interface Child {
  readonly proc: ChildProcess;
  out: string;
  err: string;
  readonly exited: Promise<number | null>;
}

const children: Child[] = [];

function start(command: string, args: string[]): Child {
  const proc = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const c: Child = { proc, out: '', err: '', exited: new Promise((done) => proc.on('exit', (code) => done(code))) };
  proc.stdout!.on('data', (d: Buffer) => (c.out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (c.err += d.toString()));
  children.push(c);
  return c;
}

const cli = (args: string[]): Child => start(process.execPath, ['--import', 'tsx', 'bin/mamlab.ts', ...args]);

async function waitFor(c: Child, pattern: RegExp, what: string, ms = 30_000): Promise<RegExpExecArray> {
  for (let waited = 0; waited < ms; waited += 20) {
    const m = pattern.exec(c.out);
    if (m) return m;
    if (c.proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: no ${pattern} in ${JSON.stringify(c.out)} (stderr ${JSON.stringify(c.err)})`);
}

describe(`a sweep through Redis and two workers${WHY}`, () => {
  let url = '';
  beforeAll(async () => {
    if (!REDIS) return;
    const port = await freePort();
    const server = start(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await waitFor(server, /Ready to accept connections/, 'redis-server', 10_000);
    url = `redis://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
  });

  const files = ['results.csv', 'cells.csv', 'sweep.json'];
  const same = (a: string, b: string): void => {
    for (const f of files) expect(readFileSync(join(b, f), 'utf8'), f).toBe(readFileSync(join(a, f), 'utf8'));
  };

  it.skipIf(!REDIS)('gives the bytes of a serial sweep when a worker is killed mid-job: another takes its job again', async () => {
    const dir = tmp();
    // Quarter-hour bars make each job long enough (a tenth of a second and more) to be killed in the middle of.
    const sweep = ['sweep', 'scenarios/stress-weekend-gap.json', '--grid', 'risk.pool.weeklyLossPct=10,20', '--grid', 'prices.EURUSD.generate.timeframe=M15', '--seeds', '3', '--quiet'];
    const serial = mamlab([...sweep, '--out', join(dir, 'serial'), '--workers', '1']);
    expect(serial.status, serial.stderr).toBe(0);
    // Their folders in this test's: a worker killed outright cannot remove its own.
    mkdirSync(join(dir, 'work'));
    const worker = ['worker', '--queue', url, '--concurrency', '1', '--lock-seconds', '2', '--work-dir', join(dir, 'work')];
    const [a, b] = [cli(worker), cli(worker)];
    await Promise.all([waitFor(a, /taking jobs/, 'worker a'), waitFor(b, /taking jobs/, 'worker b')]);
    const coordinator = cli([...sweep, '--out', join(dir, 'queue'), '--queue', url]);
    const [, key] = await waitFor(a, /job ([0-9a-f]{40}) started/, 'worker a taking a job');
    a.proc.kill('SIGKILL');
    expect(await coordinator.exited, coordinator.err).toBe(0);
    same(join(dir, 'serial'), join(dir, 'queue'));
    // The job a was running when it died was finished by b (after a's lock expired).
    expect(a.out).not.toContain(`job ${key} done`);
    expect(b.out).toContain(`job ${key} done`);
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    rmSync(dir, { recursive: true });
  }, 60_000);

  it.skipIf(!REDIS)('sends price files as content, removes the worker\'s folder when it stops, and finds finished jobs by key', async () => {
    const dir = tmp();
    const workDir = join(dir, 'work');
    mkdirSync(workDir);
    const sweep = ['sweep', 'scenarios/seed000-equity-split.json', '--seeds', '2', '--quiet'];
    const w = cli(['worker', '--queue', url, '--concurrency', '2', '--work-dir', workDir]);
    await waitFor(w, /taking jobs/, 'worker');
    // Run alongside (not spawnSync): the worker's output is read by this process's event loop.
    const q = cli([...sweep, '--out', join(dir, 'queue'), '--queue', url]);
    expect(await q.exited, q.err).toBe(0);
    await waitFor(w, / done in [^]* done in /, 'the worker finishing both jobs');
    // The price file was unpacked in the worker's own folder, as the scenario names it.
    const [own] = readdirSync(workDir);
    const [bundle] = readdirSync(join(workDir, own!));
    expect(existsSync(join(workDir, own!, bundle!, 'data/seed000-usdjpy.csv'))).toBe(true);
    w.proc.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(readdirSync(workDir)).toEqual([]);
    // No worker left: the same jobs, run again, are found finished on the queue under their keys.
    const again = mamlab([...sweep, '--out', join(dir, 'again'), '--queue', url]);
    expect(again.status, again.stderr).toBe(0);
    const serial = mamlab([...sweep, '--out', join(dir, 'serial'), '--workers', '1']);
    expect(serial.status, serial.stderr).toBe(0);
    same(join(dir, 'serial'), join(dir, 'queue'));
    same(join(dir, 'serial'), join(dir, 'again'));
    rmSync(dir, { recursive: true });
  }, 60_000);
});
