// The packed package, as a user gets it: `npm pack`, a plain `npm install` of the tarball into a
// fresh project (no overrides, no lock file: only what the registry serves), then mamlab imported
// from JavaScript and type-checked from TypeScript, and its command run from node_modules/.bin.
// The manager's 13,800 of seed 001 (the rulebook's worked example: 4,800 of performance fees on
// the investors' 24,000 of profit at 20%, plus the manager's own 9,000 in the program) is the check.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
let dir = '';
let project = '';

const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mamlab-pack-'));
  // `npm pack` runs `prepare`, the build, so the tarball holds this checkout's code.
  run('npm', ['pack', '--silent', '--pack-destination', dir], ROOT);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  project = join(dir, 'consumer');
  execFileSync('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--prefer-offline', '--no-package-lock', join(dir, tarball)], project);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the build, the schema and the bundled scenarios, not the goldens or the sources', () => {
    const files = run('tar', ['tzf', readdirSync(dir).find((f) => f.endsWith('.tgz'))!], dir).split('\n');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/schemas/scenario.schema.json');
    expect(files).toContain('package/scenarios/seed001-profit-distribution.json');
    expect(files.filter((f) => f.startsWith('package/scenarios/goldens/'))).toEqual([]);
    expect(files.filter((f) => /^package\/(engine|sim|reports|bin|test)\//.test(f))).toEqual([]);
  });

  it('installs without the analysis-only libraries (danfojs and its xlsx are not runtime dependencies)', () => {
    const installed = readdirSync(join(project, 'node_modules'));
    expect(installed).toContain('mamlab');
    expect(installed).toContain('decimal.js');
    expect(installed).not.toContain('danfojs-node');
    expect(installed).not.toContain('xlsx');
  });

  it('imports from JavaScript, runs seed 001 and returns the manager\'s 13,800 as an exact decimal string', () => {
    writeFileSync(join(project, 'seed001.mjs'), [
      "import { runScenario, loadScenario } from 'mamlab';",
      "import { createRequire } from 'node:module';",
      // The bundled scenarios are exported: found by the package's name, wherever it is installed.
      "const file = createRequire(import.meta.url).resolve('mamlab/scenarios/seed001-profit-distribution.json');",
      'const days = [];',
      'let events = 0;',
      'const r = runScenario(loadScenario(file), { onEvent: () => events++, onDay: (d) => days.push(d.date) });',
      'console.log(JSON.stringify({ total: r.summary.manager.total, fees: r.summary.manager.feeAccount, events, days: days.length, counted: r.summary.counts.events }));',
    ].join('\n'));
    const out = JSON.parse(run('node', ['seed001.mjs'], project)) as { total: string; fees: string; events: number; days: number; counted: number };
    expect(out.total).toBe('13800.0000000');
    expect(out.fees).toBe('4800.0000000');
    // Every event reaches the callback, as many as the summary counts; every server day of the run ends once.
    expect(out.events).toBe(out.counted);
    expect(out.days).toBeGreaterThan(0);
  });

  it('type-checks from TypeScript: the declarations name the result types, and a wrong call is an error', () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['use.ts'] }));
    writeFileSync(join(project, 'use.ts'), [
      "import { runScenario, type RunResult, type Summary, type DaySnapshot } from 'mamlab';",
      "const r: RunResult = runScenario('x.json', { onDay: (d: DaySnapshot) => void d.investors[0]?.equity });",
      'const s: Summary = r.summary;',
      'const total: string = s.manager.total;',
      'void total;',
      '// @ts-expect-error a scenario is a path or a loaded scenario, not a number',
      'runScenario(42);',
    ].join('\n'));
    // This checkout's TypeScript compiler; the consumer's own node_modules hold no TypeScript (nor @types/node: the
    // libraries' own declarations are not checked, as a project's usual skipLibCheck has it).
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => run('node', [tsc, '-p', 'tsconfig.json'], project)).not.toThrow();
    // The check can fail: a wrong type of the result is reported.
    writeFileSync(join(project, 'use.ts'), "import { runScenario } from 'mamlab';\nconst n: number = runScenario('x.json').summary.manager.total;\nvoid n;\n");
    let reported = '';
    try {
      run('node', [tsc, '-p', 'tsconfig.json'], project);
    } catch (e) {
      reported = String((e as { stdout?: string }).stdout);
    }
    expect(reported).toMatch(/use\.ts\(2,7\): error TS2322: Type 'string' is not assignable to type 'number'/);
  });

  it('runs its command from node_modules/.bin and writes the output contract', () => {
    const scenario = join(project, 'node_modules', 'mamlab', 'scenarios', 'seed001-profit-distribution.json');
    run(join(project, 'node_modules', '.bin', 'mamlab'), ['run', scenario, '--out', 'out', '--quiet'], project);
    const summary = JSON.parse(readFileSync(join(project, 'out', 'summary.json'), 'utf8')) as { manager: { total: string } };
    expect(summary.manager.total).toBe('13800.0000000');
  });
});
