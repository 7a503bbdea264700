// Output directories: replaced only when mamlab wrote them, old-or-new at every instant (a
// process killed inside the swap is recovered by the next run), one run at a time per --out.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../bin/cli.js';
import { MARKER, openOutput } from '../reports/output-dir.js';
import { KNOWN_OUTPUT_NAMES, removeOurs } from '../reports/output-marker.js';
import { statementFileName } from '../reports/statement-page.js';
import { COMPARISON_FILES } from '../reports/compare.js';
import { MONTE_CARLO_FILES } from '../reports/monte-carlo.js';
import { OUTPUT_FILES, runToDirectory } from '../sim/run-output.js';
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
  it('writes a marker naming the result: version, command, the scenario hash from summary.json, and every file of the output contract', () => {
    const dir = fresh('marker');
    const r = runToDirectory(SCENARIO, join(dir, 'out'));
    const marker = JSON.parse(readFileSync(join(dir, 'out', MARKER), 'utf8'));
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    // The files of the contract, and the investors' pages: the index and a tear sheet for each investor of this small program.
    const statements = readFileSync(join(dir, 'out', 'statements.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    const pages = [...['index', ...r.scenario.investors.map((i) => i.id)].map((p) => `investors/${p}.html`), ...statements.map((c) => `investors/${statementFileName(c[0]!, c[2]!)}`)];
    expect(marker).toEqual({ mamlab: 'result', version: summary.mamlab.version, command: 'run', scenarioHash: r.scenario.hash, files: [...OUTPUT_FILES.filter((f) => !f.endsWith('/')), ...pages].sort() });
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

  it('resolves --out as the kernel does: link/../x is beside the link\'s target, not beside the link', () => {
    const dir = fresh('physical');
    mkdirSync(join(dir, 'store', 'res'), { recursive: true });
    spawnSync('ln', ['-s', join(dir, 'store', 'res'), join(dir, 'lnk')]);
    runToDirectory(SCENARIO, join(dir, 'lnk') + '/../x');
    expect(existsSync(join(dir, 'store', 'x', MARKER))).toBe(true);
    expect(existsSync(join(dir, 'x'))).toBe(false);
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

describe('what a result folder may hold', () => {
  it('knows every file name a command writes at the top of a result (what a killed run\'s leftover may hold)', () => {
    for (const f of [...OUTPUT_FILES, ...COMPARISON_FILES, ...MONTE_CARLO_FILES].filter((x) => !x.endsWith('/'))) expect(KNOWN_OUTPUT_NAMES.has(f), f).toBe(true);
  });

  it('refuses a result folder a user added files to (a copy with its marker), and keeps every byte', async () => {
    const dir = fresh('foreign');
    runToDirectory(SCENARIO, join(dir, 'out'));
    mkdirSync(join(dir, 'rep', '2024'), { recursive: true });
    writeFileSync(join(dir, 'rep', 'analysis.md'), 'mine\n');
    writeFileSync(join(dir, 'rep', '2024', 'jan.xlsx'), 'mine too\n');
    spawnSync('cp', ['-r', join(dir, 'out') + '/.', join(dir, 'rep')]);
    const before = snapshot(dir);
    const r = await cli(['run', SCENARIO, '--out', join(dir, 'rep')]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/holds files mamlab did not write \(2024\/, analysis\.md\): move them out/);
    expect(diffSnapshots(before, snapshot(dir))).toEqual([]);
  });

  it('refuses an empty folder a user added inside a result', async () => {
    const dir = fresh('foreign-dir');
    runToDirectory(SCENARIO, join(dir, 'out'));
    mkdirSync(join(dir, 'out', 'mine'));
    const r = await cli(['run', SCENARIO, '--out', join(dir, 'out')]);
    expect([r.exit, r.stderr.includes('holds files mamlab did not write (mine/)')]).toEqual([2, true]);
  });

  it('keeps a finished result whole beside --out when a user puts something at --out while it runs', () => {
    const dir = fresh('appeared');
    const out = openOutput({ target: join(dir, 'out'), command: 'run', scenarioHash: 'x', inputs: [SCENARIO] });
    writeFileSync(join(out.path, 'summary.json'), '{}\n');
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'notes.txt'), 'mine\n');
    expect(() => out.commit()).toThrow(/put there while mamlab was writing: the finished result is in .*out\.result-\d+/);
    expect(readFileSync(join(dir, 'out', 'notes.txt'), 'utf8')).toBe('mine\n');
    const kept = readdirSync(dir).find((f) => f.startsWith('out.result-'))!;
    expect(readFileSync(join(dir, kept, 'summary.json'), 'utf8')).toBe('{}\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses a folder marked as an unfinished run, and keeps a user\'s files put into a killed run\'s leftover', async () => {
    const dir = fresh('staging');
    processRun(['run', SCENARIO, '--out', join(dir, 'out'), '--quiet'], { MAMLAB_FAULT: 'before-commit' });
    const left = readdirSync(dir).find((f) => f.startsWith('.out.tmp-'))!;
    writeFileSync(join(dir, left, 'notes.md'), 'mine\n');
    const r = await cli(['run', SCENARIO, '--out', join(dir, 'out'), '--quiet']);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stderr).toContain(`kept ${left}: it holds files mamlab did not write (notes.md)`);
    expect(readFileSync(join(dir, left, 'notes.md'), 'utf8')).toBe('mine\n');
    const partial = fresh('staging-out');
    spawnSync('cp', ['-r', join(dir, left), join(partial, 'partial')]);
    const p = await cli(['run', SCENARIO, '--out', join(partial, 'partial')]);
    expect(p.exit).toBe(2);
    expect(p.stderr).toContain('holds a mamlab run that never finished');
  });

  it('removes a result file by file as its marker lists them: a file put there after the check survives, with its folder', () => {
    const dir = fresh('late');
    runToDirectory(SCENARIO, join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'notes.md'), 'mine\n');
    expect(removeOurs(join(dir, 'out'))).toBe(false);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([MARKER, 'notes.md']);
  });

  it('keeps a user\'s folder named like a leftover of this very pid (a container), and writes beside it', async () => {
    const dir = fresh('ownpid');
    mkdirSync(join(dir, `.out.old-${process.pid}`));
    writeFileSync(join(dir, `.out.old-${process.pid}`, 'k'), 'mine\n');
    mkdirSync(join(dir, `.out.tmp-${process.pid}`));
    runToDirectory(SCENARIO, join(dir, 'out'));
    const r = await cli(['run', SCENARIO, '--out', join(dir, 'out'), '--quiet']);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stderr).toContain(`kept .out.old-${process.pid}: it holds files mamlab did not write`);
    expect(readFileSync(join(dir, `.out.old-${process.pid}`, 'k'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(dir, `.out.tmp-${process.pid}`))).toBe(true);
  });

  it('judges a result written into a variant\'s folder by its own marker: the comparison can still be replaced', async () => {
    const dir = fresh('nested-other');
    expect((await cli(['compare', scenarioPath('allocation-comparison.json'), '--out', join(dir, 'c'), '--quiet'])).exit).toBe(0);
    const variant = readdirSync(join(dir, 'c'), { withFileTypes: true }).find((d) => d.isDirectory())!.name;
    expect((await cli(['run', scenarioPath('stress-weekend-gap.json'), '--seeds', '2', '--out', join(dir, 'c', variant), '--quiet'])).exit).toBe(0);
    const again = await cli(['compare', scenarioPath('allocation-comparison.json'), '--out', join(dir, 'c'), '--quiet']);
    expect(again.exit, again.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(['c']);
  });

  it('never removes a file of the user named like a lock of a killed run', async () => {
    const dir = fresh('lockname');
    writeFileSync(join(dir, '.out.lock.4242'), 'my notes\n');
    const r = await cli(['run', SCENARIO, '--out', join(dir, 'out'), '--quiet']);
    expect(r.exit, r.stderr).toBe(0);
    expect(readFileSync(join(dir, '.out.lock.4242'), 'utf8')).toBe('my notes\n');
  });
});

/** Runs `body` with `path` made unwritable even for root (the immutable flag), or fails the test where that is impossible. */
function immutable(path: string, body: () => Promise<void>): Promise<void> {
  const root = process.getuid?.() === 0;
  const ok = root ? spawnSync('chattr', ['+i', path]).status === 0 : spawnSync('chmod', ['a-w', path]).status === 0;
  expect(ok, `could not make ${path} read-only on this machine`).toBe(true);
  return body().finally(() => {
    spawnSync('chattr', ['-i', path]);
    spawnSync('chmod', ['u+w', path]);
  });
}

/** Mounts `args` (a tmpfs, a bind mount) on a new folder `at`, runs `body`, and unmounts (lazily: a failed test may hold it); fails where mounting is impossible. */
async function withMount(args: string[], at: string, body: () => Promise<void>): Promise<void> {
  mkdirSync(at);
  expect(spawnSync('mount', [...args, at]).status, `could not mount ${args.join(' ')} here (not root?)`).toBe(0);
  try {
    await body();
  } finally {
    spawnSync('umount', ['-l', at]);
  }
}

describe('refused up front where the swap would fail half done', () => {
  it('a result mamlab could not remove (a read-only folder inside it): refused before the run, nothing changed', async () => {
    const dir = fresh('stuck');
    runToDirectory(SCENARIO, join(dir, 'out'));
    await immutable(join(dir, 'out'), async () => {
      const before = snapshot(dir);
      const r = await cli(['run', SCENARIO, '--out', join(dir, 'out')]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toMatch(/cannot be replaced: .*\/out is not writable/);
      expect(diffSnapshots(before, snapshot(dir))).toEqual([]);
    });
  });

  it('an empty folder whose parent is read-only: refused, naming the parent', async () => {
    const dir = fresh('parent');
    mkdirSync(join(dir, 'shared', 'results'), { recursive: true });
    await immutable(join(dir, 'shared'), async () => {
      const r = await cli(['run', SCENARIO, '--out', join(dir, 'shared', 'results')]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toMatch(/cannot be written: mamlab writes the result beside it and swaps it in, and .*\/shared is not writable/);
    });
  });

  it('a bind mount of a folder on the same disk: refused before the run too', async () => {
    const dir = fresh('bind');
    mkdirSync(join(dir, 'src'));
    await withMount(['--bind', join(dir, 'src')], join(dir, 'bm'), async () => {
      const r = await cli(['run', SCENARIO, '--out', join(dir, 'bm')]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toContain('is a mount point');
    });
  });

  it('a mount point: refused before the run (a rename cannot move it)', async () => {
    const dir = fresh('mount');
    await withMount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs'], join(dir, 'mnt'), async () => {
      const r = await cli(['run', SCENARIO, '--out', join(dir, 'mnt')]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toContain('is a mount point, which mamlab cannot swap a new result into: use a sub-folder of it');
      expect(readdirSync(dir)).toEqual(['mnt']);
    });
  });

  it('a name too long for its siblings: refused, and no parent folder created', async () => {
    const dir = fresh('long');
    const r = await cli(['run', SCENARIO, '--out', join(dir, 'new1', 'new2', 'a'.repeat(250))]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toContain('its name is longer than 200 bytes');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a full disk: refused with the reason, and the parents it created removed again', async () => {
    const dir = fresh('full');
    await withMount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs'], join(dir, 'small'), async () => {
      const r = await cli(['run', SCENARIO, '--out', join(dir, 'small', 'a', 'out')]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toMatch(/no space left on the device \(ENOSPC/);
      expect(readdirSync(join(dir, 'small'))).toEqual([]);
      // Busy while any file the failed run opened is still open in this process.
      expect(spawnSync('umount', [join(dir, 'small')]).status, 'a file descriptor of the failed run is still open').toBe(0);
    });
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
      expect(r.stderr).toMatch(/--out ".*\/ro\/out": cannot be written: mamlab writes the result beside it and swaps it in, and .*\/ro is not writable/);
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

  it('through a link: killed between the renames, the next run puts the result back where the link points', async () => {
    const dir = fresh('link-crash');
    mkdirSync(join(dir, 'store', 'res'), { recursive: true });
    spawnSync('ln', ['-s', join(dir, 'store', 'res'), join(dir, 'lnk')]);
    runToDirectory(SCENARIO, join(dir, 'lnk'), { seed: 21 });
    const killed = processRun(['run', SCENARIO, '--out', join(dir, 'lnk'), '--seed', '22', '--quiet'], { MAMLAB_FAULT: 'between-renames' });
    expect(killed.signal).toBe('SIGKILL');
    const r = await cli(['run', SCENARIO, '--out', join(dir, 'lnk'), '--seed', '23']);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stderr).toContain('put back the finished result of an interrupted run');
    expect(JSON.parse(readFileSync(join(dir, 'lnk', 'summary.json'), 'utf8')).scenario.seed).toBe(23);
    expect(readdirSync(join(dir, 'store'))).toEqual(['res']);
  });
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

  it('takes over a lock naming its own pid from an earlier process (a pid reused after a restart)', async () => {
    const dir = fresh('reused');
    const os = await import('node:os');
    writeFileSync(join(dir, '.out.lock'), JSON.stringify({ pid: process.pid, host: os.hostname(), started: 'an earlier process' }) + '\n');
    const r = await cli(['run', SCENARIO, '--out', join(dir, 'out'), '--quiet']);
    expect(r.exit, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['out']);
  });

  it('tells how to clear a lock it cannot judge (another host, or unreadable)', async () => {
    const dir = fresh('foreign-lock');
    writeFileSync(join(dir, '.out.lock'), JSON.stringify({ pid: 5, host: 'elsewhere' }) + '\n');
    const a = await cli(['run', SCENARIO, '--out', join(dir, 'out')]);
    expect(a.exit).toBe(2);
    expect(a.stderr).toContain(`is being written by mamlab process 5 on elsewhere: wait for it to finish or choose another --out; if no mamlab run is active on elsewhere, remove the lock file ${join(dir, '.out.lock')}`);
    writeFileSync(join(dir, '.out.lock'), 'garbage');
    const b = await cli(['run', SCENARIO, '--out', join(dir, 'out')]);
    expect(b.exit).toBe(2);
    expect(b.stderr).toContain('its lock file is unreadable');
    expect(b.stderr).toContain(`remove the lock file ${join(dir, '.out.lock')}`);
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
