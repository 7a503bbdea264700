// The real process: exit codes as a shell sees them (the corpus under test/bad-input/ runs in-process).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mamlab } from './cli.js';
import { scenarioPath } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mamlab-bad-'));

describe('the mamlab process', () => {
  it('exits 2 on bad input, with the message on stderr and no stack trace', () => {
    const x = mamlab(['validate', join(dir, 'nope.json')]);
    expect(x.status).toBe(2);
    expect(x.stderr).toMatch(/nope\.json: \(top level\): cannot read the scenario file/);
    expect(x.stderr).not.toMatch(/^\s+at /m);
  });
  it('exits 2 on a bad command line', () => {
    const x = mamlab(['run', scenarioPath('seed001-profit-distribution.json')]);
    expect(x.status).toBe(2);
    expect(x.stderr).toMatch(/out/);
  });
  it('validates a good scenario with exit 0', () => {
    const x = mamlab(['validate', scenarioPath('seed001-profit-distribution.json')]);
    expect([x.status, x.stdout.trim()]).toEqual([0, 'ok: Seed 001: profit distribution with a 20% performance fee (1 instrument, 3 quotes, 2 orders, 4 investors, 0 flows)']);
  });
});
