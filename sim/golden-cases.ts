// The cases a scenario's golden is made of, and their compared files produced now. A case is one
// thing mamlab computes from the scenario:
// - `run`: the scenario as `mamlab run --single` runs it;
// - `variant-NAME`: each variant, as `mamlab compare` runs it;
// - `comparison`: comparison.csv and earnings.csv of `mamlab compare` (scenarios with variants);
// - for a Monte Carlo scenario, `seed-N` and `variant-NAME-seed-N` in place of `run` and
//   `variant-NAME`, for each recorded seed, and `monte-carlo`: montecarlo.json and seeds.csv
//   over those seeds.
// Each is produced in a private temporary folder (created here, removed here) and read back
// in its compared form; nothing else is written.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Scenario, loadVariants } from './scenario.js';
import { compareToDirectory } from './compare.js';
import { COMPARED_FILES, type CaseKind, canonical } from '../reports/golden-canon.js';
import { monteCarloToDirectory } from './monte-carlo.js';
import { writeRunFiles } from './run-output.js';
import type { Summary } from '../reports/summary.js';
import type { GoldenSource } from '../reports/golden-store.js';
import { type Book, isBookFile, loadBookVariants } from './book.js';
import { writeBookFiles } from './book-output.js';
import { compareBookToDirectory } from './book-compare.js';

/** Seeds a Monte Carlo scenario's golden covers unless told otherwise: enough to pin the distribution code, few enough to read. */
export const DEFAULT_GOLDEN_SEEDS = 3;

export interface GoldenCase {
  /** Its folder in the golden. */
  readonly id: string;
  readonly kind: CaseKind;
  readonly variant: string | null;
  /** The seed it ran with (a Monte Carlo summary: the first of its seeds). */
  readonly seed: number;
  /** Compared files in their compared form, in COMPARED_FILES order. */
  readonly files: ReadonlyMap<string, string>;
  /** A run's summary (its headline figures go into the golden's header); null for a comparison or a distribution. */
  readonly summary: Summary | null;
}

export interface ProducedCases {
  /** The scenario as loaded at its own seed (a book: its file, name, seed and inputs). */
  readonly scenario: GoldenSource;
  /** How many seeds a Monte Carlo scenario's golden covers; null for other scenarios. */
  readonly seeds: number | null;
  readonly cases: readonly GoldenCase[];
}

export interface CaseOptions {
  readonly dataDirs?: readonly string[];
  /** Seeds of a Monte Carlo scenario (default DEFAULT_GOLDEN_SEEDS, at most the scenario's own count); ignored for other scenarios. */
  readonly seeds?: number;
}

function readCompared(kind: CaseKind, dir: string): Map<string, string> {
  return new Map(COMPARED_FILES[kind].map((f) => [f, canonical(f, readFileSync(join(dir, f), 'utf8'))]));
}

/** Runs everything the scenario's golden compares and returns it; throws InputError for a bad scenario, as `run` does. */
export async function produceCases(file: string, opts: CaseOptions = {}): Promise<ProducedCases> {
  const load = opts.dataDirs?.length ? { dataDirs: [...opts.dataDirs] } : {};
  if (isBookFile(file)) return produceBookCases(file, load);
  const first = loadVariants(file, load);
  const base = first.base;
  const mc = base.monteCarloSeeds;
  const seeds = mc === undefined ? null : opts.seeds ?? Math.min(DEFAULT_GOLDEN_SEEDS, mc);
  const work = mkdtempSync(join(tmpdir(), 'mamlab-golden-'));
  try {
    const cases: GoldenCase[] = [];
    const runCase = (id: string, s: Scenario, variant: string | null): void => {
      const dir = join(work, `case-${cases.length}`);
      mkdirSync(dir);
      const summary = writeRunFiles(s, dir);
      cases.push({ id, kind: 'run', variant, seed: s.seed, files: readCompared('run', dir), summary });
    };
    if (seeds === null) runCase('run', base, null);
    else {
      for (let k = 0; k < seeds; k++) {
        const at = k === 0 ? first : loadVariants(file, { ...load, seed: base.seed + k });
        runCase(`seed-${base.seed + k}`, at.base, null);
        for (const v of at.variants) runCase(`variant-${v.name}-seed-${base.seed + k}`, v.scenario, v.name);
      }
    }
    if (first.variants.length) {
      // `mamlab compare` itself: its variants' runs are the variant cases (of a Monte Carlo scenario, each seed's are above).
      const dir = join(work, 'comparison');
      await compareToDirectory(first, dir);
      if (seeds === null) {
        for (const v of first.variants) {
          const at = join(dir, v.name);
          cases.push({ id: `variant-${v.name}`, kind: 'run', variant: v.name, seed: v.scenario.seed, files: readCompared('run', at), summary: JSON.parse(readFileSync(join(at, 'summary.json'), 'utf8')) as Summary });
        }
      }
      cases.push({ id: 'comparison', kind: 'comparison', variant: null, seed: base.seed, files: readCompared('comparison', dir), summary: null });
    }
    if (seeds !== null) {
      const dir = join(work, 'monte-carlo');
      await monteCarloToDirectory(base, dir, { ...load, seeds, workers: 1 });
      cases.push({ id: 'monte-carlo', kind: 'monte-carlo', variant: null, seed: base.seed, files: readCompared('monte-carlo', dir), summary: null });
    }
    return { scenario: base, seeds, cases };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A broker's book's cases: `book` (the book's own files) and `program-ID` (each program's, as a
 * run of it writes them) for the book as written; for each variant `variant-NAME` and
 * `variant-NAME-program-ID`, as `mamlab compare` writes them; and `comparison`.
 */
async function produceBookCases(file: string, load: { dataDirs?: string[] }): Promise<ProducedCases> {
  const { base, variants } = loadBookVariants(file, load);
  const first = base.programs[0]!.scenario;
  const work = mkdtempSync(join(tmpdir(), 'mamlab-golden-'));
  try {
    const cases: GoldenCase[] = [];
    const bookCases = (prefix: string, book: Book, dir: string, variant: string | null): void => {
      cases.push({ id: prefix || 'book', kind: 'book', variant, seed: first.seed, files: readCompared('book', dir), summary: null });
      for (const p of book.programs) {
        const at = join(dir, 'programs', p.id);
        cases.push({ id: `${prefix ? `${prefix}-` : ''}program-${p.id}`, kind: 'run', variant, seed: p.scenario.seed, files: readCompared('run', at), summary: JSON.parse(readFileSync(join(at, 'summary.json'), 'utf8')) as Summary });
      }
    };
    const dir = join(work, 'book');
    mkdirSync(dir);
    writeBookFiles(base, dir);
    bookCases('', base, dir, null);
    if (variants.length) {
      const cmp = join(work, 'comparison');
      compareBookToDirectory(base, variants, cmp);
      for (const v of variants) bookCases(`variant-${v.name}`, v.book, join(cmp, `variant-${v.name}`), v.name);
      cases.push({ id: 'comparison', kind: 'book-comparison', variant: null, seed: first.seed, files: readCompared('book-comparison', cmp), summary: null });
    }
    return { scenario: { file: base.file, name: base.name, inputs: base.inputs, seed: first.seed }, seeds: null, cases };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
