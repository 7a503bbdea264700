import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARKER } from '../reports/output-dir.js';
import { OUTPUT_FILES, runToDirectory } from '../sim/run-output.js';
import { mamlabAsync } from './cli.js';
import { scenarioPath } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mamlab-det-'));
const files = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));

describe('determinism contract: same scenario + seed + version = identical bytes', () => {
  const scenario = scenarioPath('joint-program.json');

  it('writes the whole output contract, byte-identical on a second run', () => {
    const a = join(tmp(), 'a'), b = join(tmp(), 'b');
    runToDirectory(scenario, a);
    runToDirectory(scenario, b);
    expect(readdirSync(a).sort()).toEqual([...OUTPUT_FILES, MARKER].sort());
    const fa = files(a), fb = files(b);
    for (const f of [...OUTPUT_FILES, MARKER]) expect(fa[f]!.equals(fb[f]!), f).toBe(true);
  });

  it('gives identical bytes from two worker processes running at once', async () => {
    const base = tmp();
    const [x, y] = await Promise.all([
      mamlabAsync(['run', scenario, '--out', join(base, 'x'), '--quiet']),
      mamlabAsync(['run', scenario, '--out', join(base, 'y'), '--quiet']),
    ]);
    expect([x, y]).toEqual([0, 0]);
    const fx = files(join(base, 'x')), fy = files(join(base, 'y'));
    for (const f of [...OUTPUT_FILES, MARKER]) expect(fx[f]!.equals(fy[f]!), f).toBe(true);
    // …and the same bytes as an in-process run.
    const z = join(base, 'z');
    runToDirectory(scenario, z);
    expect(files(z)['journal.csv']!.equals(fx['journal.csv']!)).toBe(true);
  }, 60_000);

  it('changes with the seed: another seed draws other prices', () => {
    const a = join(tmp(), 'a'), b = join(tmp(), 'b');
    const ra = runToDirectory(scenario, a, { seed: 7 });
    const rb = runToDirectory(scenario, b, { seed: 8 });
    expect(ra.summary.scenario.hash).not.toBe(rb.summary.scenario.hash);
    expect(files(a)['trades.csv']!.equals(files(b)['trades.csv']!)).toBe(false);
  });
});
