// Runs every case of the bad-input corpus (see corpus.ts for the case format).
import { describe, expect, it } from 'vitest';
import { loadCases, runCase } from './corpus.js';

const cases = loadCases();

describe('bad-input corpus: every case refused up front, with one clear screen, nothing written or deleted', () => {
  it('holds at least 100 cases', () => expect(cases.length).toBeGreaterThanOrEqual(100));
  for (const c of cases) {
    it(`${c.name}: ${c.about}`, async () => {
      for (const o of await runCase(c)) {
        const what = `mamlab ${o.args.join(' ')}\n--- stdout\n${o.stdout}--- stderr\n${o.stderr}`;
        expect(o.exit, what).toBe(o.expected.exit);
        for (const f of o.expected.stderr ?? []) expect(o.stderr, what).toContain(f);
        for (const f of o.expected.stdout ?? []) expect(o.stdout, what).toContain(f);
        expect(o.stderr, what).not.toMatch(/^\s+at /m); // no stack trace
        expect(o.stderr.split('\n').length, what).toBeLessThan(14); // one screen
        if (o.exit === 2) expect(o.stdout, what).toBe('');
        expect(o.changed, what).toEqual([]);
      }
    });
  }
});
