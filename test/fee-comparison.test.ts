import { describe, expect, it } from 'vitest';
import { MemorySink } from '../engine/events.js';
import { ConservationTally, checkInvariants } from '../engine/invariants.js';
import { runScenario } from '../sim/runner.js';
import { loadVariants } from '../sim/scenario.js';
import { scenarioPath } from './helpers.js';

/**
 * Expected fee sequences from an independent model of the rulebook's formulas (equity basis,
 * 20%, monthly, half-up to 1e-7), worked on the scenario's history:
 *   Jan +10,000 → fee 2,000 (mark 108,000); Feb −10,000; Mar +20,000 deposit (mark 128,000), +5,000;
 *   Apr 22 +20,000 (equity 143,000); Apr 24 withdraw 10,000 (gain 15,000 above the mark);
 *   Apr 30 +5,000 open; May 13 that position closes at −5,000; May 20 withdraw 20,000 (below the mark); Jun +10,000.
 * pro-rata:        2,000; 0.2 × 15,000 × 10,000/143,000 = 209.7902098; 3,790.2097902 (Apr end); 322.0358068 (Jun)
 * crystallize-all: 2,000; 0.2 × 15,000 = 3,000 at the withdrawal; 1,000 (Apr end); 322.5806452 (Jun)
 * reduce-mark:     2,000; no fee at Apr 24 (mark 128,000 − 10,000 = 118,000); 4,000 at the Apr end (138,000 − 118,000);
 *                  May 20 lowers the mark 134,000 → 114,000; June ends at 114,000: nothing more
 * cumulative-profit (pro-rata): the cumulative trading result +10,000 −10,000 +5,000 +20,000 +5,000 = 30,000 at the
 *                  Apr end; Apr 24 charges 209.7902098 and moves 15,000 × 10,000/143,000 into the mark (10,000 →
 *                  11,048.9510490); Apr end 0.2 × (30,000 − 11,048.9510490) = 3,790.2097902; the result never exceeds
 *                  30,000 again. Fees 6,000 = 20% of the peak result.
 */
const EXPECTED: Record<string, string[]> = {
  default: ['2000', '209.7902098', '3790.2097902', '322.0358068'],
  'crystallize-all': ['2000', '3000', '1000', '322.5806452'],
  'reduce-mark': ['2000', '4000'],
  'cumulative-profit': ['2000', '209.7902098', '3790.2097902'],
};

describe('fee comparison scenario: the same history under each withdrawal convention', () => {
  const variants = loadVariants(scenarioPath('fee-comparison.json')).variants;
  for (const [name, fees] of Object.entries(EXPECTED)) {
    it(`${name}: ${fees.join(', ')}`, () => {
      const v = variants.find((x) => x.name === name)!;
      const sink = new MemorySink();
      const tally = new ConservationTally(sink);
      const p = runScenario(v.scenario, tally);
      expect(sink.events.filter((e) => e.kind === 'performance-fee').map((e) => e.amount!.toString())).toEqual(fees);
      expect(checkInvariants(p, tally)).toEqual([]);
    });
  }

  it('issues one statement per month whose closing equity opens the next', () => {
    const sink = new MemorySink();
    runScenario(variants.find((x) => x.name === 'default')!.scenario, sink);
    const st = sink.statements;
    expect(st.map((s) => s.period)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06']);
    for (let i = 1; i < st.length; i++) expect(st[i]!.opening.eq(st[i - 1]!.closing)).toBe(true);
    // January: 100,000 in, +10,000, fee 2,000 → closing 108,000
    expect([st[0]!.deposits.toString(), st[0]!.gain.toString(), st[0]!.performanceFees.toString(), st[0]!.closing.toString()]).toEqual(['100000', '10000', '2000', '108000']);
  });
});
