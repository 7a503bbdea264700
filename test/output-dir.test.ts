// Output directories: replaced only when mamlab wrote them, old-or-new at every instant (a
// process killed inside the swap is recovered by the next run), one run at a time per --out.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../bin/cli.js';
import { MARKER, openOutput } from '../reports/output-dir.js';
import { runToDirectory } from '../reports/run.js';
import { diffSnapshots, snapshot } from './bad-input/corpus.js';
import { ROOT, scenarioPath } from './helpers.js';

const SCENARIO = scenarioPath('seed001-profit-distribution.json');
const fresh = (tag: string): string => mkdtempSync(join(tmpdir(), `mamlab-out-${tag}-`));

async function cli(args: string[]): Promise<{ exit: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const exit = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { exit, stdout, stderr };
}

/** The real process, with an environment (fault injection). */
function processRun(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/mamlab.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** A folder's files and their bytes, for comparing two results. */
function contents(dir: string): Map<string, string> {
  return snapshot(dir);
}

describe('what --out may replace', () => {
  it('writes a marker naming the result: version, command and the scenario hash from summary.json', () => {
    const dir = fresh('marker');
    const r = runToDirectory(SCENARIO, join(dir, 'out'));
    const marker = JSON.parse(readFileSync(join(dir, 'out', MARKER), 'utf8'));
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(marker).toEqual({ mamlab: 'result', version: summary.mamlab.version, command: 'run', scenarioHash: r.scenario.hash });
    expect(summary.scenario.hash).toBe(r.scenario.hash);
  });

  it('replaces its own earlier result and leaves nothing beside it', () => {
    const dir = fresh('replace');
    runToDirectory(SCENARIO, join(dir, 'out'), { seed: 3 });
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    runToDirectory(SCENARIO, join(dir, 'out'), { seed: 4 });
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'out']);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')).scenario.seed).toBe(4);
  });

  it('fills an empty folder, and creates missing parents', () => {
    const dir = fresh('empty');
    mkdirSync(join(dir, 'empty'));
    runToDirectory(SCENARIO, join(dir, 'empty'));
    runToDirectory(SCENARIO, join(dir, 'a', 'b', 'c'));
    expect(existsSync(join(dir, 'empty', 'summary.json'))).toBe(true);
    expect(existsSync(join(dir, 'a', 'b', 'c', MARKER))).toBe(true);
  });

  it('marks the nested runs of a comparison too, so each can be replaced on its own', async () => {
    const dir = fresh('nested');
    const r = await cli(['compare', scenarioPath('allocation-comparison.json'), '--out', join(dir, 'cmp')]);
    expect(r.exit, r.stderr).toBe(0);
    const variants = readdirSync(join(dir, 'cmp'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(variants.length).toBeGreaterThan(1);
    for (const v of variants) expect(JSON.parse(readFileSync(join(dir, 'cmp', v, MARKER), 'utf8')).mamlab).toBe('result');
    const again = await cli(['run', SCENARIO, '--out', join(dir, 'cmp', variants[0]!), '--quiet']);
    expect(again.exit, again.stderr).toBe(0);
  });

  it('refuses an empty path in the library too (it is the current folder), writing nothing', () => {
    const before = snapshot(join(ROOT, 'scenarios'));
    expect(() => runToDirectory(SCENARIO, '')).toThrow(/--out "": is the current folder/);
    expect(diffSnapshots(before, snapshot(join(ROOT, 'scenarios')))).toEqual([]);
  });

  it('follows a link to a folder of results, and keeps the link', () => {
    const dir = fresh('link');
    runToDirectory(SCENARIO, join(dir, 'real'));
    spawnSync('ln', ['-s', join(dir, 'real'), join(dir, 'link')]);
    runToDirectory(SCENARIO, join(dir, 'link'), { seed: 9 });
    expect(JSON.parse(readFileSync(join(dir, 'link', 'summary.json'), 'utf8')).scenario.seed).toBe(9);
    expect(JSON.parse(readFileSync(join(dir, 'real', 'summary.json'), 'utf8')).scenario.seed).toBe(9);
  });
});

describe('file-system errors exit 2 with the path and the reason, and leave nothing behind', () => {
  it('a folder nobody may write into', async () => {
    const dir = fresh('ro');
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    // Root ignores permission bits; the immutable flag stops root too (when the file system has it).
    const locked = process.getuid?.() === 0 ? spawnSync('chattr', ['+i', ro]).status === 0 : spawnSync('chmod', ['555', ro]).status === 0;
    expect(locked, 'could not make a folder read-only on this machine').toBe(true);
    try {
      const before = snapshot(dir);
      const r = await cli(['run', SCENARIO, '--out', join(ro, 'out')]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toMatch(/--out ".*\/ro\/out": cannot (create|take).*(permission denied|operation not permitted)/);
      expect(r.stderr.split('\n').length).toBeLessThan(4);
      expect(diffSnapshots(before, snapshot(dir))).toEqual([]);
    } finally {
      spawnSync('chattr', ['-i', ro]);
      spawnSync('chmod', ['755', ro]);
    }
  });
});

describe('old or new at every instant: a run killed inside the swap', () => {
  for (const fault of ['before-commit', 'between-renames', 'before-cleanup'] as const) {
    it(`killed ${fault.replace('-', ' ')}: the next run on that --out finds the old or the new result whole`, () => {
      const dir = fresh(fault);
      const out = join(dir, 'out');
      runToDirectory(SCENARIO, out, { seed: 11 });
      const old = contents(out);
      runToDirectory(SCENARIO, join(dir, 'reference'), { seed: 12 });
      const neu = contents(join(dir, 'reference'));
      const killed = processRun(['run', SCENARIO, '--out', out, '--seed', '12', '--quiet'], { MAMLAB_FAULT: fault });
      expect(killed.signal).toBe('SIGKILL');
      // Whatever the instant, no byte of either result is lost: each is whole somewhere beside --out.
      const whole = readdirSync(dir, { withFileTypes: true }).filter((f) => f.isDirectory() && f.name !== 'reference').map((f) => contents(join(dir, f.name)));
      expect(whole.some((c) => diffSnapshots(c, old).length === 0) || whole.some((c) => diffSnapshots(c, neu).length === 0)).toBe(true);
      // The next run on that --out recovers before it starts: opened and abandoned, it leaves the recovered result alone.
      const notes: string[] = [];
      openOutput({ target: out, command: 'run', scenarioHash: 'x', inputs: [SCENARIO], onNote: (n) => notes.push(n) }).abort();
      expect(readdirSync(dir).sort()).toEqual(['out', 'reference']);
      const expected = fault === 'before-commit' ? old : neu;
      expect(diffSnapshots(contents(out), expected)).toEqual([]);
      expect(notes.length).toBeGreaterThan(0);
    });
  }
});

describe('one run at a time per --out', () => {
  it('a second run on an --out being written exits 2 and names the writer', async () => {
    const dir = fresh('lock');
    const held = openOutput({ target: join(dir, 'out'), command: 'run', scenarioHash: 'x', inputs: [SCENARIO] });
    try {
      const r = await cli(['run', SCENARIO, '--out', join(dir, 'out')]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toContain(`is being written by mamlab process ${process.pid}`);
    } finally {
      held.abort();
    }
    const r = await cli(['run', SCENARIO, '--out', join(dir, 'out'), '--quiet']);
    expect(r.exit, r.stderr).toBe(0);
  });

  it('takes over the lock of a process that is gone', async () => {
    const dir = fresh('stale');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, '.out.lock'), JSON.stringify({ pid: Number(dead.stdout), host: (await import('node:os')).hostname() }) + '\n');
    const r = await cli(['run', SCENARIO, '--out', join(dir, 'out'), '--quiet']);
    expect(r.exit, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['out']);
  });

  it('two processes on one --out at once: never exit 1, never a stranded result', async () => {
    const dir = fresh('race');
    const out = join(dir, 'out');
    const start = () => new Promise<number | null>((done) => spawn(process.execPath, ['--import', 'tsx', 'bin/mamlab.ts', 'run', scenarioPath('joint-program.json'), '--out', out, '--quiet'], { cwd: ROOT, stdio: 'ignore' }).on('exit', done));
    const codes = await Promise.all([start(), start()]);
    expect(codes).toContain(0);
    for (const c of codes) expect([0, 2]).toContain(c);
    expect(readdirSync(dir)).toEqual(['out']);
    expect(JSON.parse(readFileSync(join(out, MARKER), 'utf8')).mamlab).toBe('result');
  });
});
