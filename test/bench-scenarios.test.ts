// The scale benchmark's generators (test/bench/scale-scenarios.ts) stay usable: S1 at a fifth
// of its size loads as an ordinary scenario with no static-check warnings (what `validate
// --strict` demands), and generating it twice gives the same bytes. The benchmark itself is
// not run here (npm run bench:scale).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../sim/scenario.js';
import { staticChecks } from '../sim/static-checks.js';
import { generateScenario, scaleJob } from './bench/scale-scenarios.js';

const dirs: string[] = [];
const fresh = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mamlab-bench-scenarios-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('scale benchmark scenarios', () => {
  it('S1 at a fifth of its size loads with no static-check warnings', () => {
    const job = scaleJob('S1', 0.2);
    const g = generateScenario(job, fresh());
    const s = loadScenario(g.file);
    expect(staticChecks(s)).toEqual([]);
    expect(g.overLimits).toEqual([]);
    expect(s.investors.filter((i) => i.model === 'mam')).toHaveLength(job.mam);
    expect(s.investors.filter((i) => i.model === 'pamm')).toHaveLength(job.pamm);
    expect(s.orders).toHaveLength(2 * job.roundTrips);
    expect(s.ticks).toHaveLength(g.quotes);
    // The terms issue 13 gives S1–S3.
    expect(s.managementFee?.rate.toString()).toBe('0.02');
    expect(s.policies.performanceFee.period).toBe('monthly');
    expect(s.risk?.pool?.weeklyLoss.toString()).toBe('0.2');
    expect(s.costs.swapFree).toBe(false);
    expect(s.rebates).toBeDefined();
  });

  it('generates the same bytes every time', () => {
    const job = scaleJob('S1', 0.2);
    const [a, b] = [fresh(), fresh()];
    generateScenario(job, a);
    generateScenario(job, b);
    const files = readdirSync(a).sort();
    expect(readdirSync(b).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
  });
});
