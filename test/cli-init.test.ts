// Issue 18's command-line additions: `mamlab init` (a starter scenario that validates and runs,
// its $schema resolving to the real schema, never replacing a file), `mamlab completion` (a bash
// script whose answers are checked in bash itself) and `--json` (the result on stdout, the same
// as the files written).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ROOT, scenarioPath } from './helpers.js';
import { mamlab } from './cli.js';

const tmp = (name: string): string => realpathSync(mkdtempSync(join(tmpdir(), `mamlab-${name}-`)));

describe('mamlab init', () => {
  it('writes DIR/scenario.yaml: its $schema is the real schema, it validates, and it runs', () => {
    const dir = join(tmp('init'), 'proj');
    const r = mamlab(['init', dir]);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(join(dir, 'scenario.yaml'), 'utf8');
    const schema = /^\$schema: "([^"]+)"$/m.exec(text)![1]!;
    expect(resolve(dir, schema)).toBe(join(ROOT, 'schemas', 'scenario.schema.json'));
    expect(text.startsWith(`# yaml-language-server: $schema=${schema}\n`)).toBe(true);
    expect(mamlab(['validate', join(dir, 'scenario.yaml')]).status).toBe(0);
    const run = mamlab(['run', join(dir, 'scenario.yaml'), '--out', join(dir, 'out'), '--quiet']);
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(dir, 'out', 'report.html'))).toBe(true);
  });

  it('never replaces a file, and refuses a file given as the folder (exit 2, the file unchanged)', () => {
    const dir = tmp('init-again');
    writeFileSync(join(dir, 'scenario.yaml'), 'mine\n');
    const again = mamlab(['init', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('exists already: mamlab init never replaces a file');
    expect(readFileSync(join(dir, 'scenario.yaml'), 'utf8')).toBe('mine\n');
    const file = mamlab(['init', join(dir, 'scenario.yaml')]);
    expect(file.status).toBe(2);
    expect(file.stderr).toContain('is a file, not a folder');
  });
});

describe.skipIf(!existsSync('/bin/bash'))('mamlab completion', () => {
  it('completes commands, golden subcommands, options per command and an option\'s words, in bash', () => {
    const dir = tmp('completion');
    const r = mamlab(['completion']);
    expect(r.status).toBe(0);
    writeFileSync(join(dir, 'mamlab.bash'), r.stdout);
    const ask = (...words: string[]): string[] => {
      const script = `source ${join(dir, 'mamlab.bash')}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _mamlab; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return spawnSync('/bin/bash', ['-c', script], { cwd: dir, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).sort();
    };
    expect(ask('mamlab', 'co')).toEqual(['compare', 'completion']);
    expect(ask('mamlab', 'golden', 'a')).toEqual(['approve']);
    expect(ask('mamlab', 'run', 'x.json', '--eq')).toEqual(['--equity-rows']);
    expect(ask('mamlab', 'run', 'x.json', '--equity-rows', '')).toEqual(['daily', 'instant']);
    expect(ask('mamlab', 'golden', 'check', '--')).toEqual(['--data-dir', '--dir', '--help', '--quiet']);
    mkdirSync(join(dir, 'outs'));
    expect(ask('mamlab', 'run', 'x.json', '--out', 'ou')).toEqual(['outs']);
  });
});

describe('--json', () => {
  it('run prints summary.json on stdout; compare prints comparison.csv\'s rows and earnings.csv\'s, exact', () => {
    const dir = tmp('json');
    const run = mamlab(['run', scenarioPath('seed001-profit-distribution.json'), '--out', join(dir, 'run'), '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8')));
    // Seed 001's worked example: the manager's 13,800.
    expect(JSON.parse(run.stdout).manager.total).toBe('13800.0000000');
    const cmp = mamlab(['compare', scenarioPath('allocation-comparison.json'), '--out', join(dir, 'cmp'), '--json', '--workers', '1']);
    expect(cmp.status, cmp.stderr).toBe(0);
    const out = JSON.parse(cmp.stdout) as { rows: Array<Record<string, string>>; earnings: Array<Record<string, string>> };
    const csv = parseCsv(readFileSync(join(dir, 'cmp', 'comparison.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(out.rows.map((r) => [r.variant, r.investor, String(r.fees)])).toEqual(csv.map((r) => [r.variant, r.investor, r.fees]));
    const earnings = parseCsv(readFileSync(join(dir, 'cmp', 'earnings.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(out.earnings.map((e) => [e.variant, e.party, e.net])).toEqual(earnings.map((e) => [e.variant, e.party, e.net]));
  }, 120_000);
});
