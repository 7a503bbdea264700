// The scale benchmark of issue 13 (`npm run bench:scale`): generates each job's scenario
// (test/bench/scale-scenarios.ts), runs it as a whole CLI process the way a user would (one
// warm-up, then N timed runs; median wall and CPU time, peak RSS from /usr/bin/time, the size
// of --out), times the single-account job in-process, and prints a markdown table with the
// machine it ran on. A run past --timeout is killed and reported with how far its simulated
// clock had got, read from the rows the run had already streamed into its staging folder.
//
//   npm run bench:scale                               every job, 3 timed runs, 120 s per run
//   npm run bench:scale -- --jobs S1,help --runs 5    some jobs
//   npm run bench:scale -- --timeout 600 --md out/scale.md --dir out/scale-bench
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SCALE_JOBS, type ScaleJobId, generateScenario, scaleJob } from './scale-scenarios.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TIME = '/usr/bin/time';

// ------------------------------------------------------------------ options

const ALL_JOBS = ['S0', 'S1', 'S2', 'S3', 'S3full', 'single', 'help', 'seed001', 'mc'] as const;
type JobId = (typeof ALL_JOBS)[number];

interface Options {
  readonly jobs: readonly JobId[];
  readonly runs: number;
  readonly timeoutS: number;
  /** Where scenarios and outputs go; kept afterwards only when given. */
  readonly dir?: string;
  /** Also write the header and table to this file. */
  readonly md?: string;
}

const USAGE = `usage: npm run bench:scale -- [--jobs ${ALL_JOBS.join(',')}] [--runs N (≥ 3, default 3)] [--timeout SECONDS (default 120)] [--dir DIR] [--md FILE]
  S0–S3, S3full: generated scenarios (test/bench/scale-scenarios.ts) run by the CLI; single: in-process runScenario;
  help: mamlab --help; seed001: run of scenarios/seed001-profit-distribution.json; mc: stress-weekend-gap at 40 and 200 seeds on 2 workers.`;

function readOptions(argv: readonly string[]): Options {
  const value = (k: string): string | undefined => {
    const i = argv.indexOf(k);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) fail(`${k} needs a value`);
    return v;
  };
  const known = new Set(['--jobs', '--runs', '--timeout', '--dir', '--md', '--help']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) fail(`unknown option ${a}`);
  if (argv.includes('--help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const jobs = (value('--jobs')?.split(',') ?? [...ALL_JOBS]).map((j) => j.trim());
  for (const j of jobs) if (!(ALL_JOBS as readonly string[]).includes(j)) fail(`unknown job ${j}`);
  const runs = Number(value('--runs') ?? 3);
  if (!Number.isInteger(runs) || runs < 3) fail('--runs: expected a whole number of at least 3 (issue 13: median of ≥ 3 after a warm-up)');
  const timeoutS = Number(value('--timeout') ?? 120);
  if (!(timeoutS > 0)) fail('--timeout: expected seconds > 0');
  return { jobs: jobs as JobId[], runs, timeoutS, dir: value('--dir'), md: value('--md') };
}

function fail(message: string): never {
  console.error(`bench:scale: ${message}\n${USAGE}`);
  process.exit(2);
}

// ------------------------------------------------------------------ one process, measured

interface Progress {
  /** Fraction of the simulated period the run's outputs had reached. */
  readonly fraction: number;
  /** Seconds after the start when rows first appeared (the load before it). */
  readonly firstRowS?: number;
}

interface Sample {
  readonly wallS: number;
  readonly cpuS?: number;
  readonly rssMB?: number;
  readonly exit: number | null;
  readonly timedOut: boolean;
  readonly stderr: string;
  readonly outBytes?: number;
  readonly progress?: Progress;
}

/** A run's simulated period, to turn the time of its latest output row into a fraction. */
interface Period { readonly startMs: number; readonly endMs: number }

/** Processes still running, and whether each leads its own process group (killed as a group). */
const children = new Map<ChildProcess, boolean>();

/** The mamlab command as the package ships it: `bin.mamlab` of package.json (TypeScript through tsx, or JavaScript). */
function mamlabCommand(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.mamlab;
  if (!bin) throw new Error('package.json has no bin.mamlab');
  return bin.endsWith('.ts') ? [process.execPath, '--import', 'tsx', bin] : [process.execPath, bin];
}

function treeBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, f) => sum + treeBytes(join(path, f)), 0);
}

/** The last complete line of a file (the tail only: outputs grow to gigabytes). */
function lastLine(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = statSync(file).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n');
    lines.pop(); // the part after the last newline is still being written
    return lines.at(-1);
  } finally {
    closeSync(fd);
  }
}

/**
 * How far a run has got: the latest server time in the rows it has streamed into its staging
 * folder (`.NAME.tmp-PID` beside --out; equity rows lead with the time, events and journal rows
 * have it second). Undefined before any row is written.
 */
function simulatedTime(out: string): number | undefined {
  const parent = dirname(out);
  const prefix = `.${basename(out)}.tmp-`;
  let best: number | undefined;
  let entries: string[] = [];
  try {
    entries = readdirSync(parent).filter((e) => e.startsWith(prefix));
  } catch {
    return undefined;
  }
  for (const e of entries) {
    for (const [file, col] of [['equity.csv', 0], ['events.csv', 1], ['journal.csv', 1]] as const) {
      const cell = lastLine(join(parent, e, file))?.split(',')[col];
      const t = cell && /^\d{4}-\d\d-\d\dT/.test(cell) ? Date.parse(`${cell}Z`) : NaN;
      if (Number.isFinite(t) && (best === undefined || t > best)) best = t;
    }
  }
  return best;
}

/** Peak RSS (MB) and CPU seconds so far of the mamlab process under /usr/bin/time, from /proc (Linux). */
function procUsage(timePid: number): { rssMB?: number; cpuS?: number } {
  try {
    const kids = readFileSync(`/proc/${timePid}/task/${timePid}/children`, 'utf8').trim().split(/\s+/);
    const pid = kids[0] || String(timePid);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    // Fields after the command (which may hold spaces) start at state: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { rssMB: hwm ? Number(hwm[1]) / 1024 : undefined, cpuS: (Number(fields[11]) + Number(fields[12])) / CLK_TCK };
  } catch {
    return {};
  }
}

const CLK_TCK = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const HAS_TIME = existsSync(TIME);

/**
 * One process: wall time from here, CPU (user + sys) and peak RSS from /usr/bin/time; on
 * timeout the whole process group is killed after reading its usage and progress so far.
 */
function runOnce(args: readonly string[], o: { timeoutS: number; out?: string; period?: Period }): Promise<Sample> {
  const stats = join(tmpdir(), `mamlab-bench-time-${process.pid}-${Math.floor(performance.now() * 1000)}`);
  const [cmd, ...cmdArgs] = HAS_TIME ? [TIME, '-f', '%U %S %M', '-o', stats, ...mamlabCommand(), ...args] : [...mamlabCommand(), ...args];
  const t0 = performance.now();
  // detached: its own process group, so a timeout kills /usr/bin/time and mamlab together.
  const child = spawn(cmd!, cmdArgs, { cwd: ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  children.set(child, true);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString('utf8');
  });
  let firstRowS: number | undefined;
  let latest: number | undefined;
  const look = (): void => {
    if (!o.out || !o.period) return;
    const t = simulatedTime(o.out);
    if (t === undefined) return;
    firstRowS ??= (performance.now() - t0) / 1000;
    latest = t;
  };
  const poll = setInterval(look, 2000);
  let timedOut = false;
  let atKill: { rssMB?: number; cpuS?: number } = {};
  const timer = setTimeout(() => {
    timedOut = true;
    look();
    atKill = procUsage(child.pid!);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, o.timeoutS * 1000);
  return new Promise((done) => {
    child.on('close', (code) => {
      const wallS = (performance.now() - t0) / 1000;
      clearTimeout(timer);
      clearInterval(poll);
      children.delete(child);
      let cpuS: number | undefined, rssMB: number | undefined;
      if (!timedOut && HAS_TIME && existsSync(stats)) {
        const [u, s, m] = readFileSync(stats, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
        cpuS = u! + s!;
        rssMB = m! / 1024;
      }
      rmSync(stats, { force: true });
      const outBytes = !timedOut && code === 0 && o.out && existsSync(o.out) ? treeBytes(o.out) : undefined;
      const progress = o.period && latest !== undefined ? { fraction: (latest - o.period.startMs) / (o.period.endMs - o.period.startMs), firstRowS } : undefined;
      // Outputs run to hundreds of megabytes: only their size is kept.
      if (o.out) rmSync(o.out, { recursive: true, force: true });
      done({ wallS, cpuS: timedOut ? atKill.cpuS : cpuS, rssMB: timedOut ? atKill.rssMB : rssMB, exit: code, timedOut, stderr, outBytes, progress });
    });
  });
}

// ------------------------------------------------------------------ jobs

interface Target {
  readonly text: string;
  readonly wallS?: number;
  readonly rssMB?: number;
}

interface Row {
  readonly job: string;
  readonly runs: string;
  readonly wall: string;
  readonly cpu: string;
  readonly rss: string;
  readonly out: string;
  readonly target: string;
  readonly met: string;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const secs = (s: number): string => (s < 1 ? `${(s * 1000).toFixed(s < 0.1 ? 1 : 0)} ms` : s < 100 ? `${s.toFixed(2)} s` : s < 36_000 ? `${s.toFixed(0)} s` : `${(s / 3600).toFixed(0)} h`);
/** A fraction in percent with two significant digits below 1% (a year-long run may reach 0.002% before its timeout). */
const pct = (f: number): string => (f * 100 < 1 ? `${(f * 100).toPrecision(2)}%` : `${(f * 100).toFixed(1)}%`);
const mb = (m: number): string => (m >= 1024 ? `${(m / 1024).toFixed(2)} GB` : `${m.toFixed(0)} MB`);
const bytes = (b: number): string => (b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GB` : b >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(1)} MB` : `${(b / 1024).toFixed(0)} KB`);
/** The first line of a message for a table cell: the temporary folder's path left out, pipes escaped. */
const firstLine = (s: string): string => (s.trim().split('\n')[0] ?? '').replaceAll(`${workRoot}/`, '').replaceAll('|', '\\|').slice(0, 240);

/** The folder of scenarios and outputs (set by main). */
let workRoot = '/nonexistent';

const TARGETS: Record<Exclude<JobId, 'mc'>, Target> = {
  S0: { text: '≤ 2 s, ≤ 250 MB', wallS: 2, rssMB: 250 },
  S1: { text: '≤ 1 s', wallS: 1 },
  S2: { text: '≤ 3 s', wallS: 3 },
  S3: { text: '≤ 30 s, ≤ 1 GB', wallS: 30, rssMB: 1024 },
  S3full: { text: '≤ 30 s, ≤ 1 GB', wallS: 30, rssMB: 1024 },
  single: { text: '≤ 50 ms', wallS: 0.05 },
  help: { text: '≤ 0.3 s', wallS: 0.3 },
  seed001: { text: '≤ 0.8 s', wallS: 0.8 },
};

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Warm-up, then `runs` timed runs of one command line; stops at the first run that times out
 * or fails (a warm-up past the timeout means every run would be). Returns the timed samples,
 * or the failing one.
 */
async function measure(name: string, args: (out: string) => string[], o: Options, workDir: string, period?: Period): Promise<{ ok: Sample[]; bad?: Sample; label: string }> {
  const ok: Sample[] = [];
  for (let k = 0; k <= o.runs; k++) {
    const out = join(workDir, `out-${k}`);
    const label = k === 0 ? 'warm-up' : `run ${k}/${o.runs}`;
    const s = await runOnce(args(out), { timeoutS: o.timeoutS, out, period });
    log(`  ${name} ${label}: ${s.timedOut ? `timed out after ${secs(s.wallS)}${s.progress ? ` at ${pct(s.progress.fraction)} of the simulated period` : ''}` : `${secs(s.wallS)}${s.cpuS !== undefined ? `, CPU ${secs(s.cpuS)}` : ''}${s.rssMB !== undefined ? `, ${mb(s.rssMB)}` : ''}${s.exit ? `, exit ${s.exit}` : ''}`}`);
    if (s.timedOut || s.exit !== 0) return { ok, bad: s, label };
    if (k > 0) ok.push(s);
  }
  return { ok, label: '' };
}

function rowOf(job: string, target: Target, m: { ok: Sample[]; bad?: Sample; label: string }, o: Options): Row {
  if (m.bad?.timedOut) {
    const p = m.bad.progress;
    const done = p ? `~${pct(p.fraction)} of the simulated period done` : 'no output rows yet: still loading';
    // Rows appear once loading is over; the rate from then on gives a rough total.
    const eta = p && p.fraction > 0 && p.firstRowS !== undefined ? `; ≈ ${secs(p.firstRowS + (o.timeoutS - p.firstRowS) / p.fraction)} at that rate` : '';
    return {
      job, runs: `${m.ok.length} of ${o.runs} (${m.label} timed out)`, wall: `> ${o.timeoutS} s (timed out; ${done}${eta})`,
      cpu: m.bad.cpuS !== undefined ? `≥ ${secs(m.bad.cpuS)}` : '—', rss: m.bad.rssMB !== undefined ? `≥ ${mb(m.bad.rssMB)}` : '—', out: '—', target: target.text, met: 'no (timed out)',
    };
  }
  if (m.bad) {
    const refused = m.bad.exit === 2;
    return {
      job, runs: `${m.ok.length} of ${o.runs} (${m.label} ${refused ? 'refused' : 'failed'})`, wall: `${refused ? 'refused' : 'failed'} (exit ${m.bad.exit}): ${firstLine(m.bad.stderr)}`,
      cpu: m.bad.cpuS !== undefined ? secs(m.bad.cpuS) : '—', rss: m.bad.rssMB !== undefined ? mb(m.bad.rssMB) : '—', out: '—', target: target.text, met: refused ? 'no (refused)' : 'no (failed)',
    };
  }
  const wall = median(m.ok.map((s) => s.wallS));
  const cpu = m.ok.every((s) => s.cpuS !== undefined) ? median(m.ok.map((s) => s.cpuS!)) : undefined;
  const rss = m.ok.every((s) => s.rssMB !== undefined) ? Math.max(...m.ok.map((s) => s.rssMB!)) : undefined;
  const out = m.ok.find((s) => s.outBytes !== undefined)?.outBytes;
  const met = (target.wallS === undefined || wall <= target.wallS) && (target.rssMB === undefined || (rss !== undefined && rss <= target.rssMB));
  return {
    job, runs: String(m.ok.length), wall: secs(wall), cpu: cpu === undefined ? '—' : secs(cpu), rss: rss === undefined ? '—' : mb(rss),
    out: out === undefined ? '—' : bytes(out), target: target.text, met: met ? 'yes' : 'no',
  };
}

async function generatedJob(id: ScaleJobId, o: Options, root: string): Promise<Row> {
  const dir = join(root, id.toLowerCase());
  const job = scaleJob(id);
  log(`${id}: generating ${job.title}`);
  const g = generateScenario(job, dir);
  if (g.overLimits.length) log(`  today's input limits refuse it: ${g.overLimits.join('; ')}`);
  const m = await measure(id, (out) => ['run', g.file, '--out', out, '--quiet'], o, dir, { startMs: g.startMs, endMs: g.endMs });
  const label = `${id}: ${job.title}; ${(g.quotes / 1e6).toFixed(2)}M quotes, ${(g.bytes / 1024).toFixed(0)} KB scenario`;
  const row = rowOf(label, TARGETS[id as Exclude<JobId, 'mc'>], m, o);
  if (!o.dir) rmSync(dir, { recursive: true, force: true });
  return row;
}

async function cliJob(id: 'help' | 'seed001', o: Options, root: string): Promise<Row> {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  log(id);
  const m = id === 'help'
    ? await measure(id, () => ['--help'], o, dir)
    : await measure(id, (out) => ['run', 'scenarios/seed001-profit-distribution.json', '--out', out, '--quiet'], o, dir);
  return rowOf(id === 'help' ? '`mamlab --help`' : '`mamlab run scenarios/seed001-profit-distribution.json`', TARGETS[id], m, o);
}

/**
 * Monte Carlo throughput: the bundled stress scenario at 40 and at 200 seeds on 2 worker
 * threads; the difference gives seeds per second, the rest is the fixed cost (start-up, the
 * worst seed's full run, the outputs).
 */
async function monteCarloJob(o: Options, root: string): Promise<Row[]> {
  const dir = join(root, 'mc');
  mkdirSync(dir, { recursive: true });
  const rows: Row[] = [];
  const walls: number[] = [];
  for (const seeds of [40, 200]) {
    log(`mc --seeds ${seeds}`);
    const m = await measure(`mc ${seeds}`, (out) => ['run', 'scenarios/stress-weekend-gap.json', '--seeds', String(seeds), '--workers', '2', '--out', out, '--quiet'], o, dir);
    const target = seeds === 200 ? { text: '≥ 80 seeds/s on 2 cores' } : { text: '(fixed cost, see 200 seeds)' };
    const row = rowOf(`Monte Carlo: \`run scenarios/stress-weekend-gap.json --seeds ${seeds} --workers 2\``, target, m, o);
    if (!m.bad) walls.push(median(m.ok.map((s) => s.wallS)));
    rows.push(row);
  }
  if (walls.length === 2) {
    const rate = 160 / (walls[1]! - walls[0]!);
    const fixed = walls[0]! - 40 / rate;
    rows[1] = { ...rows[1]!, met: `${rate >= 80 ? 'yes' : 'no'}: ${rate.toFixed(1)} seeds/s + ${secs(fixed)} fixed` };
    rows[0] = { ...rows[0]!, met: '—' };
  }
  return rows;
}

// ------------------------------------------------------------------ the single account, in-process

interface InProcessTimes { runsS: number[]; cpuS: number[]; maxRssMB: number }
interface InProcessResult { loadS: number; engine: InProcessTimes; withOutputs: InProcessTimes }

/** A warm-up call, then `runs` timed calls: wall and CPU seconds each, and the process's peak RSS after them. */
function timeCalls(runs: number, call: () => void): InProcessTimes {
  call();
  const runsS: number[] = [];
  const cpuS: number[] = [];
  for (let k = 0; k < runs; k++) {
    const c = process.cpuUsage();
    const t = performance.now();
    call();
    runsS.push((performance.now() - t) / 1000);
    const d = process.cpuUsage(c);
    cpuS.push((d.user + d.system) / 1e6);
  }
  return { runsS, cpuS, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

/**
 * The child side of the in-process job, in its own process so its peak RSS is the job's and
 * not the benchmark's: load the scenario once, then time runScenario into a MemorySink (the
 * engine alone); then, for comparison, writeRunFiles (the same run writing every output file
 * and the report, as `mamlab run` does after loading), whose report libraries are imported
 * only then so they do not count in the first peak.
 */
async function inProcessChild(file: string, runs: number): Promise<void> {
  const { loadScenario } = await import('../../sim/scenario.js');
  const { runScenario } = await import('../../sim/runner.js');
  const { MemorySink } = await import('../../engine/events.js');
  const t = performance.now();
  const s = loadScenario(file);
  const loadS = (performance.now() - t) / 1000;
  const engine = timeCalls(runs, () => runScenario(s, new MemorySink()));
  const { writeRunFiles } = await import('../../sim/run-output.js');
  const outs = mkdtempSync(join(dirname(file), 'out-'));
  let k = 0;
  const withOutputs = timeCalls(runs, () => {
    const dir = join(outs, String(k++));
    mkdirSync(dir);
    writeRunFiles(s, dir);
    rmSync(dir, { recursive: true });
  });
  const result: InProcessResult = { loadS, engine, withOutputs };
  process.stdout.write(JSON.stringify(result));
}

async function singleJob(o: Options, root: string): Promise<Row[]> {
  const dir = join(root, 'single');
  const job = scaleJob('single');
  log(`single: generating ${job.title}`);
  const g = generateScenario(job, dir);
  const runs = Math.max(5, o.runs);
  const label = `single account in-process: ${job.title}`;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/scale.bench.ts'), '--in-process-child', g.file, String(runs)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(child, false);
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  const killer = setTimeout(() => child.kill('SIGKILL'), o.timeoutS * (2 * runs + 3) * 1000);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearTimeout(killer);
  children.delete(child);
  if (!o.dir) rmSync(dir, { recursive: true, force: true });
  if (code !== 0) return [{ job: label, runs: '0', wall: `failed (exit ${code}): ${firstLine(stderr)}`, cpu: '—', rss: '—', out: '—', target: TARGETS.single.text, met: 'no (failed)' }];
  const r = JSON.parse(stdout) as InProcessResult;
  log(`  single: load ${secs(r.loadS)}; runScenario ${r.engine.runsS.map(secs).join(', ')}; writeRunFiles ${r.withOutputs.runsS.map(secs).join(', ')}`);
  const wall = median(r.engine.runsS);
  return [
    {
      job: `${label}: \`runScenario\` into a MemorySink (the load, ${secs(r.loadS)}, before it)`, runs: String(runs), wall: secs(wall), cpu: secs(median(r.engine.cpuS)),
      rss: `${mb(r.engine.maxRssMB)} (process)`, out: '— (in memory)', target: TARGETS.single.text, met: wall <= TARGETS.single.wallS! ? 'yes' : 'no',
    },
    {
      job: `the same with every output file and the report (\`writeRunFiles\`), for comparison`, runs: String(runs), wall: secs(median(r.withOutputs.runsS)), cpu: secs(median(r.withOutputs.cpuS)),
      rss: `${mb(r.withOutputs.maxRssMB)} (process)`, out: '—', target: '—', met: '—',
    },
  ];
}

// ------------------------------------------------------------------ the report

function machine(o: Options): string[] {
  const commit = ((): string => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const c = cpus();
  return [
    `Machine: ${c[0]?.model ?? 'unknown CPU'}, ${c.length} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Linux ${release()}; Node ${process.version}; commit ${commit}; ${new Date().toISOString().slice(0, 10)}.`,
    `Each CLI job: \`${mamlabCommand().map((a) => (a === process.execPath ? 'node' : a)).join(' ')} …\` as a whole process, 1 warm-up + ${o.runs} timed runs (median wall and CPU = user + sys; peak RSS = the largest of the runs, from ${HAS_TIME ? '/usr/bin/time' : 'nowhere: /usr/bin/time is missing'}); timeout ${o.timeoutS} s a run; output size = the --out folder. Load average at the start: ${loadavg().map((x) => x.toFixed(2)).join(', ')}.`,
  ];
}

function table(rows: readonly Row[]): string[] {
  return [
    '| job | runs | median wall | CPU | peak RSS | output size | target | met? |',
    '|---|---:|---:|---:|---:|---:|---|---|',
    ...rows.map((r) => `| ${r.job} | ${r.runs} | ${r.wall} | ${r.cpu} | ${r.rss} | ${r.out} | ${r.target} | ${r.met} |`),
  ];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--in-process-child') return inProcessChild(argv[1]!, Number(argv[2]));
  const o = readOptions(argv);
  const root = o.dir ? resolve(o.dir) : mkdtempSync(join(tmpdir(), 'mamlab-scale-'));
  mkdirSync(root, { recursive: true });
  workRoot = root;
  const cleanup = (): void => {
    for (const [c, group] of children) {
      try {
        process.kill(group ? -c.pid! : c.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (!o.dir) rmSync(root, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const header = machine(o);
  log(header.join('\n'));
  const rows: Row[] = [];
  try {
    for (const id of o.jobs) {
      if (id === 'mc') rows.push(...(await monteCarloJob(o, root)));
      else if (id === 'single') rows.push(...(await singleJob(o, root)));
      else if (id === 'help' || id === 'seed001') rows.push(await cliJob(id, o, root));
      else if ((SCALE_JOBS as readonly string[]).includes(id)) rows.push(await generatedJob(id, o, root));
    }
  } finally {
    cleanup();
  }
  const text = [...header, `Load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')}.`, '', ...table(rows)].join('\n') + '\n';
  process.stdout.write(`\n${text}`);
  if (o.md) writeFileSync(o.md, text);
}

await main();
