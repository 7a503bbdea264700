import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARKER } from '../reports/output-dir.js';
import { OUTPUT_FILES, runToDirectory } from '../sim/run-output.js';
import { mamlabAsync } from './cli.js';
import { scenarioPath } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mamlab-det-'));
/** Every file under `dir` (the investors' pages inside investors/ too), by its relative path. */
const files = (dir: string): Record<string, Buffer> => Object.fromEntries((readdirSync(dir, { recursive: true }) as string[]).sort()
  .filter((f) => statSync(join(dir, f)).isFile()).map((f) => [f, readFileSync(join(dir, f))]));
/** The top-level names of the output contract (a folder without its slash). */
const TOP = [...OUTPUT_FILES.map((f) => f.replace(/\/$/, '')), MARKER].sort();

describe('determinism contract: same scenario + seed + version = identical bytes', () => {
  const scenario = scenarioPath('joint-program.json');

  it('writes the whole output contract, byte-identical on a second run', () => {
    const a = join(tmp(), 'a'), b = join(tmp(), 'b');
    runToDirectory(scenario, a);
    runToDirectory(scenario, b);
    expect(readdirSync(a).sort()).toEqual(TOP);
    const fa = files(a), fb = files(b);
    expect(Object.keys(fb)).toEqual(Object.keys(fa));
    expect(Object.keys(fa)).toContain('investors/index.html');
    for (const f of Object.keys(fa)) expect(fa[f]!.equals(fb[f]!), f).toBe(true);
  });

  it('gives identical bytes from two worker processes running at once', async () => {
    const base = tmp();
    const [x, y] = await Promise.all([
      mamlabAsync(['run', scenario, '--out', join(base, 'x'), '--quiet']),
      mamlabAsync(['run', scenario, '--out', join(base, 'y'), '--quiet']),
    ]);
    expect([x, y]).toEqual([0, 0]);
    const fx = files(join(base, 'x')), fy = files(join(base, 'y'));
    expect(Object.keys(fy)).toEqual(Object.keys(fx));
    for (const f of Object.keys(fx)) expect(fx[f]!.equals(fy[f]!), f).toBe(true);
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
