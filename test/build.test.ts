// The installed command runs the build (dist/, compiled by `npm run build`, which `npm ci` runs
// through `prepare`), not the TypeScript sources: build a fresh copy and check that it finds its
// own files (presets, schema, version), runs a Monte Carlo worker, and writes the same bytes as
// the sources do.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunFiles } from '../sim/run-output.js';
import { loadScenario } from '../sim/scenario.js';
import { ROOT, scenarioPath } from './helpers.js';

const BUILD = join(ROOT, '.build-test');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(BUILD, 'bin/mamlab.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the build (dist/)', () => {
  beforeAll(() => {
    rmSync(BUILD, { recursive: true, force: true });
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD], { cwd: ROOT });
  }, 120_000);
  afterAll(() => rmSync(BUILD, { recursive: true, force: true }));

  it('answers --version with package.json\'s version and --help at once', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(cli(['--version']).stdout).toBe(`${version}\n`);
    expect(cli(['--help']).stdout).toContain('mamlab golden record');
  });

  it('hands a large --json summary to a pipe whole before it exits (exiting at once cut it at 64 KiB)', () => {
    const out = mkdtempSync(join(tmpdir(), 'mamlab-build-'));
    try {
      const r = cli(['run', 'scenarios/population.yaml', '--out', join(out, 'run'), '--json', '--quiet', '--investor-pages', 'none']);
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(256 * 1024);
      const summary = JSON.parse(r.stdout) as { investors: unknown[] };
      // The bundled population: the manager, 260 PAMM investors (the run's end cuts the group of 300) and 200 MAM.
      expect(summary.investors.length).toBe(461);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs seed 001 (a preset, the schema) and writes byte for byte what the sources write', () => {
    const out = mkdtempSync(join(tmpdir(), 'mamlab-build-'));
    const r = cli(['run', 'scenarios/seed001-profit-distribution.json', '--out', join(out, 'built'), '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    mkdirSync(join(out, 'sources'));
    writeRunFiles(loadScenario(scenarioPath('seed001-profit-distribution.json')), join(out, 'sources'));
    // Every file of the result, the investors' pages inside investors/ too.
    const tree = (d: string): string[] => (readdirSync(d, { recursive: true }) as string[]).filter((f) => statSync(join(d, f)).isFile()).sort();
    const files = tree(join(out, 'sources'));
    expect(files).toContain('investors/index.html');
    expect(tree(join(out, 'built')).filter((f) => f !== '.mamlab-result')).toEqual(files);
    for (const f of files) expect(readFileSync(join(out, 'built', f), 'utf8'), f).toBe(readFileSync(join(out, 'sources', f), 'utf8'));
    // Seed 001's worked example: the manager's 9,000 in the pool and 4,800 of fees.
    expect(JSON.parse(readFileSync(join(out, 'built/summary.json'), 'utf8')).manager.total).toBe('13800.0000000');
  });

  it('runs Monte Carlo seeds on worker threads from the build', () => {
    const out = mkdtempSync(join(tmpdir(), 'mamlab-build-'));
    const one = cli(['run', 'scenarios/stress-weekend-gap.json', '--seeds', '4', '--workers', '1', '--out', join(out, 'one'), '--quiet']);
    const two = cli(['run', 'scenarios/stress-weekend-gap.json', '--seeds', '4', '--workers', '2', '--out', join(out, 'two'), '--quiet']);
    expect([one.status, two.status, two.stderr]).toEqual([0, 0, '']);
    expect(readFileSync(join(out, 'two/seeds.csv'), 'utf8')).toBe(readFileSync(join(out, 'one/seeds.csv'), 'utf8'));
  });
});
