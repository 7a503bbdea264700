import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const sources = (dir: string) => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => ({ file: `${dir}/${f}`, text: readFileSync(join(ROOT, dir, f), 'utf8') }));

describe('determinism by construction', () => {
  it('engine/ and sim/ never read the wall clock or Math.random', () => {
    for (const { file, text } of [...sources('engine'), ...sources('sim'), ...sources('sim/strategies')]) {
      // sim/strategy.ts names Math.random and Date.now in one place only: `guarded`, which replaces them with
      // functions that throw while a strategy runs and puts them back after (test/strategy.test.ts).
      const checked = file === 'sim/strategy.ts' ? text.replace(/\nfunction guarded[\s\S]*?\n}\n/, '\n') : text;
      expect(checked, file).not.toMatch(/Math\.random|Date\.now|performance\.now|new Date\(\)|process\.hrtime/);
    }
  });
  it('engine/ is pure: no I/O and no `any`', () => {
    for (const { file, text } of sources('engine')) {
      expect(text, file).not.toMatch(/from 'node:|(^|[^.\w])require\(['"]/m);
      expect(text, file).not.toMatch(/:\s*any\b|as any\b|<any>/);
    }
  });
  it('reports/ only renders finished results: it never imports what runs a scenario or a job', () => {
    const running = /^import (?!type )[^;]*'\.\.\/sim\/(runner|run-output|jobs|job-tasks|job-worker|seed-outcome|compare|monte-carlo|sweep|golden|golden-cases)\.js'/m;
    for (const { file, text } of sources('reports')) expect(text, file).not.toMatch(running);
  });
  it('every module opens with a line on its responsibility', () => {
    for (const { file, text } of [...sources('engine'), ...sources('sim'), ...sources('sim/strategies'), ...sources('reports')]) expect(text.startsWith('// '), file).toBe(true);
  });
});
