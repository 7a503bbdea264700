// A golden on disk. For a scenario `NAME.json`, the folder DIR/NAME/ holds
//   index.json          which scenario (path relative to this folder), its seeds, its cases;
//   CASE/golden.json    the header: input hashes, seed, version, policies, headline figures,
//                       and the SHA-256 of each compared file;
//   CASE/FILE           each compared file in its compared form (golden-canon.ts).
// Files are written only by `record` and `approve`, each to a temporary name beside it and
// renamed into place; only files a golden lists are ever replaced or removed.
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError, PathError } from '../sim/input-error.js';
import type { Scenario } from '../sim/scenario.js';

/** What a golden is recorded from: a scenario, or a broker's book (its file, name, seed and the files it reads). */
export type GoldenSource = Pick<Scenario, 'file' | 'name' | 'inputs' | 'seed'>;
import type { GoldenCase, ProducedCases } from '../sim/golden-cases.js';
import { sha256 } from './golden-canon.js';
import { PACKAGE_ROOT, VERSION } from '../sim/package-root.js';

const FORMAT = 1;

export interface GoldenIndex {
  readonly mamlab: 'golden-index';
  readonly format: number;
  /** The scenario, relative to the scenario's golden folder (posix separators). */
  readonly scenario: string;
  readonly seeds: number | null;
  readonly cases: readonly string[];
}

export interface InputHash {
  /** Relative to the scenario's folder; a file mamlab ships (a preset) as `mamlab:PATH`. */
  readonly file: string;
  readonly sha256: string;
}

export interface GoldenHeader {
  readonly mamlab: 'golden';
  readonly format: number;
  /** The mamlab version that recorded it: said when it differs, never a difference by itself. */
  readonly recordedWith: string;
  readonly scenario: { readonly file: string; readonly name: string; readonly sha256: string };
  /** Every other file the scenario reads (price files, presets). */
  readonly inputs: readonly InputHash[];
  readonly case: { readonly id: string; readonly kind: string; readonly variant: string | null; readonly seed: number; readonly seeds?: number };
  readonly policies: unknown;
  /** Final figures per account and investor as exact decimal strings (from summary.json, which is compared in full). */
  readonly headline: unknown;
  /** SHA-256 of each compared file, in the order they are compared. */
  readonly files: Readonly<Record<string, string>>;
}

const posix = (p: string): string => p.split(sep).join('/');

/** The scenario file and what it reads, hashed as they are now. */
export function inputHashes(s: GoldenSource): { scenario: GoldenHeader['scenario']; inputs: InputHash[] } {
  const scenarioDir = dirname(resolve(s.file));
  const name = (real: string): string => {
    const rel = relative(scenarioDir, real);
    if (!rel.startsWith('..') && !isAbsolute(rel)) return posix(rel);
    const own = relative(PACKAGE_ROOT, real);
    return !own.startsWith('..') && !isAbsolute(own) ? `mamlab:${posix(own)}` : posix(rel);
  };
  const main = resolve(s.file);
  const inputs = s.inputs.filter((p) => p !== main && p !== realOf(main)).map((p) => ({ file: name(p), sha256: sha256(readFileSync(p)) }));
  inputs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { scenario: { file: basename(s.file), name: s.name, sha256: sha256(readFileSync(s.file)) }, inputs };
}

/** Scenario.inputs holds real paths; the scenario's own path as given may go through a link. */
function realOf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The headline figures of a run: every exact decimal of the manager, the pool, each account and each investor. */
function headline(c: GoldenCase): unknown {
  const s = c.summary;
  if (!s) return null;
  const strings = (o: Record<string, unknown>): Record<string, string> => Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'string' && /^-?\d/.test(v)) as Array<[string, string]>);
  return {
    manager: { ...strings(s.manager as unknown as Record<string, unknown>), feesByKind: s.manager.feesByKind },
    pool: s.pool,
    totals: s.totals,
    accounts: Object.fromEntries(s.accounts.map((a) => [a.id, strings(a)])),
    investors: Object.fromEntries(s.investors.map((i) => [String(i.id), strings(i as Record<string, unknown>)])),
  };
}

export function headerOf(p: ProducedCases, c: GoldenCase): GoldenHeader {
  return {
    mamlab: 'golden', format: FORMAT, recordedWith: VERSION, ...inputHashes(p.scenario),
    case: { id: c.id, kind: c.kind, variant: c.variant, seed: c.seed, ...(c.kind === 'monte-carlo' ? { seeds: p.seeds! } : {}) },
    policies: c.summary?.policies ?? null,
    headline: headline(c),
    files: Object.fromEntries([...c.files].map(([f, text]) => [f, sha256(text)])),
  };
}

export function indexOf(p: ProducedCases, goldenDir: string): GoldenIndex {
  return { mamlab: 'golden-index', format: FORMAT, scenario: posix(relative(goldenDir, resolve(p.scenario.file))), seeds: p.seeds, cases: p.cases.map((c) => c.id) };
}

const json = (x: unknown): string => JSON.stringify(x, null, 2) + '\n';

/** The golden folder of a scenario inside DIR. */
export function goldenDirOf(dir: string, scenarioFile: string): string {
  return join(dir, basename(scenarioFile).replace(/\.(json|ya?ml)$/i, ''));
}

function readJson<T>(path: string, what: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PathError(path, `expected ${what}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new PathError(path, `expected ${what} in JSON (${(e as Error).message})`);
  }
}

export function readIndex(goldenDir: string): GoldenIndex | null {
  const path = join(goldenDir, 'index.json');
  if (!existsSync(path)) return null;
  const ix = readJson<GoldenIndex>(path, "a golden's index.json");
  if (ix.mamlab !== 'golden-index' || !Array.isArray(ix.cases) || typeof ix.scenario !== 'string') throw new PathError(path, "expected a golden's index.json, written by mamlab golden record");
  if (ix.format !== FORMAT) throw new InputError(path, '/format', `expected golden format ${FORMAT} (this one is ${String(ix.format)}): re-record it with this mamlab`);
  return ix;
}

export interface StoredCase {
  readonly header: GoldenHeader;
  readonly files: Map<string, string>;
}

export function readCase(goldenDir: string, id: string): StoredCase {
  const dir = join(goldenDir, id);
  const header = readJson<GoldenHeader>(join(dir, 'golden.json'), "a golden case's golden.json");
  if (header.mamlab !== 'golden' || !header.files || typeof header.files !== 'object') throw new PathError(join(dir, 'golden.json'), 'expected a golden header written by mamlab golden record');
  const files = new Map<string, string>();
  for (const f of Object.keys(header.files)) {
    try {
      files.set(f, readFileSync(join(dir, f), 'utf8'));
    } catch {
      throw new PathError(join(dir, f), `expected the golden file ${f} that golden.json lists`);
    }
  }
  return { header, files };
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes a scenario's golden: every file whose text differs from what is there; removes the cases it no longer has. Returns the paths written or removed. */
export function writeGolden(goldenDir: string, p: ProducedCases): { written: string[]; removed: string[] } {
  const written: string[] = [];
  const removed: string[] = [];
  const put = (path: string, text: string): void => {
    if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
    writeAtomic(path, text);
    written.push(path);
  };
  const before = readIndex(goldenDir);
  mkdirSync(goldenDir, { recursive: true });
  for (const c of p.cases) {
    const dir = join(goldenDir, c.id);
    mkdirSync(dir, { recursive: true });
    const old = existsSync(join(dir, 'golden.json')) ? readJson<GoldenHeader>(join(dir, 'golden.json'), 'golden.json') : null;
    for (const [f, text] of c.files) put(join(dir, f), text);
    // A file the case no longer compares (a future format) goes with its listing.
    for (const f of Object.keys(old?.files ?? {})) if (!c.files.has(f)) removeListed(join(dir, f), removed);
    put(join(dir, 'golden.json'), json(headerOf(p, c)));
  }
  for (const id of before?.cases ?? []) {
    if (p.cases.some((c) => c.id === id)) continue;
    const dir = join(goldenDir, id);
    const old = readCase(goldenDir, id);
    for (const f of [...Object.keys(old.header.files), 'golden.json']) removeListed(join(dir, f), removed);
    // The folder goes only if nothing else is in it (mamlab removes only what it wrote).
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  }
  put(join(goldenDir, 'index.json'), json(indexOf(p, goldenDir)));
  return { written, removed };
}

function removeListed(path: string, removed: string[]): void {
  if (!existsSync(path)) return;
  unlinkSync(path);
  removed.push(path);
}
