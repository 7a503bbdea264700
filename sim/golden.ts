// Golden regression files (`mamlab golden record | check | approve | diff`): what a scenario gives
// today, kept as exact files, and every later run compared with it value by value. `check` never
// writes; `record` and `approve` write only when asked, and only a golden's own files.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Dec } from '../engine/decimal.js';
import { PathError } from './input-error.js';
import { ROW_KEYS, SAMPLED_FILES, readCsv, sha256 } from '../reports/golden-canon.js';
import { type CaseOptions, type ProducedCases, produceCases } from './golden-cases.js';
import { type FileDiff, describe, diffCount, diffFile } from '../reports/golden-diff.js';
import { type GoldenHeader, goldenDirOf, inputHashes, readCase, readIndex, writeGolden } from '../reports/golden-store.js';
import { VERSION } from './package-root.js';

export interface CaseResult {
  readonly id: string;
  /** `gone`: recorded, not produced now (a variant removed); `new`: produced now, not recorded. */
  readonly status: 'same' | 'differs' | 'gone' | 'new';
  readonly diffs: readonly FileDiff[];
}

export interface ScenarioResult {
  /** The golden's folder name (the scenario file's name without extension). */
  readonly name: string;
  readonly scenarioFile: string;
  readonly goldenDir: string;
  /** The scenario or a file it reads changed since recording: said apart from what the outputs did. */
  readonly inputChanges: readonly string[];
  /** Things worth knowing that are not differences (another mamlab version recorded it). */
  readonly notes: readonly string[];
  /** A golden file's bytes are not the ones its golden.json lists: approve rewrites it even when the outputs agree. */
  readonly edited: boolean;
  readonly cases: readonly CaseResult[];
}

export function differs(r: ScenarioResult): boolean {
  return r.inputChanges.length > 0 || r.cases.some((c) => c.status !== 'same');
}

/** Which scenarios to check: those named (their golden in DIR, or in goldens/ beside each), or every golden in DIR. */
export interface Target {
  readonly scenarioFile: string;
  readonly goldenDir: string;
}

export function targetsOf(scenarios: readonly string[], dir: string | undefined): Target[] {
  if (scenarios.length) return scenarios.map((s) => ({ scenarioFile: s, goldenDir: goldenDirOf(dir ?? join(dirname(s), 'goldens'), s) }));
  const root = dir ?? 'goldens';
  let names: string[];
  try {
    names = readdirSync(root).sort();
  } catch {
    throw new PathError(root, 'expected a folder of goldens (name scenarios, or --dir DIR where mamlab golden record wrote them)');
  }
  const targets = names.filter((n) => existsSync(join(root, n, 'index.json'))).map((n) => {
    const goldenDir = join(root, n);
    const index = readIndex(goldenDir)!;
    return { scenarioFile: relative('.', resolve(goldenDir, index.scenario)) || '.', goldenDir };
  });
  if (targets.length === 0) throw new PathError(root, 'expected goldens (folders with an index.json written by mamlab golden record); there are none');
  return targets;
}

function missingGolden(t: Target): PathError {
  return new PathError(t.scenarioFile, `expected a golden in ${t.goldenDir} (none is there): record one with \`mamlab golden record ${t.scenarioFile}${t.goldenDir === goldenDirOf(join(dirname(t.scenarioFile), 'goldens'), t.scenarioFile) ? '' : ` --dir ${dirname(t.goldenDir)}`}\``);
}

/** Reruns a scenario and compares it with its golden. `produced` is what approve would write. */
export async function checkTarget(t: Target, opts: CaseOptions = {}): Promise<{ result: ScenarioResult; produced: ProducedCases }> {
  const index = readIndex(t.goldenDir);
  if (!index) throw missingGolden(t);
  if (!existsSync(t.scenarioFile)) throw new PathError(t.scenarioFile, `expected the scenario the golden in ${t.goldenDir} was recorded from`);
  const produced = await produceCases(t.scenarioFile, { ...opts, ...(index.seeds !== null ? { seeds: index.seeds } : {}) });
  const notes: string[] = [];
  let edited = false;
  let otherVersion = false;
  if (resolve(t.goldenDir, index.scenario) !== resolve(t.scenarioFile)) notes.push(`recorded from ${index.scenario} (relative to ${t.goldenDir}), checked against ${t.scenarioFile}`);
  const cases: CaseResult[] = [];
  let inputChanges: string[] | undefined;
  const now = new Map(produced.cases.map((c) => [c.id, c]));
  for (const id of index.cases) {
    const got = now.get(id);
    if (!got) {
      cases.push({ id, status: 'gone', diffs: [] });
      continue;
    }
    const stored = readCase(t.goldenDir, id);
    inputChanges ??= changedInputs(stored.header, produced);
    for (const [f, text] of stored.files) {
      if (sha256(text) === stored.header.files[f]) continue;
      edited = true;
      notes.push(`${id}/${f} was edited after it was recorded (its SHA-256 is not the one in golden.json)`);
    }
    if (stored.header.recordedWith !== VERSION && !otherVersion) {
      otherVersion = true;
      notes.push(`recorded with mamlab ${stored.header.recordedWith}, checked with ${VERSION}`);
    }
    const diffs: FileDiff[] = [];
    const names = [...new Set([...stored.files.keys(), ...got.files.keys()])];
    for (const f of names) {
      const a = stored.files.get(f);
      const b = got.files.get(f);
      if (a === undefined || b === undefined) {
        diffs.push({ file: f, values: [], missing: [], added: [], missingColumns: [], addedColumns: [], other: a === undefined ? 'a file the golden does not have' : 'no longer produced' });
        continue;
      }
      const d = diffFile(f, a, b);
      if (d) diffs.push(d);
    }
    cases.push({ id, status: diffs.length ? 'differs' : 'same', diffs });
  }
  for (const c of produced.cases) if (!index.cases.includes(c.id)) cases.push({ id: c.id, status: 'new', diffs: [] });
  return { result: { name: relative(dirname(t.goldenDir), t.goldenDir), scenarioFile: t.scenarioFile, goldenDir: t.goldenDir, inputChanges: inputChanges ?? [], notes, edited, cases }, produced };
}

/** The scenario and the files it reads, now against the golden's header. */
function changedInputs(h: GoldenHeader, p: ProducedCases): string[] {
  const now = inputHashes(p.scenario);
  const out: string[] = [];
  if (now.scenario.sha256 !== h.scenario.sha256) out.push(`the scenario file ${h.scenario.file} changed since the golden was recorded (SHA-256 ${h.scenario.sha256.slice(0, 12)}… → ${now.scenario.sha256.slice(0, 12)}…)`);
  const before = new Map(h.inputs.map((i) => [i.file, i.sha256]));
  const after = new Map(now.inputs.map((i) => [i.file, i.sha256]));
  for (const [f, sha] of after) {
    if (!before.has(f)) out.push(`the scenario now reads ${f}, which it did not when the golden was recorded`);
    else if (before.get(f) !== sha) out.push(`${f} changed since the golden was recorded (SHA-256 ${before.get(f)!.slice(0, 12)}… → ${sha.slice(0, 12)}…)`);
  }
  for (const f of before.keys()) if (!after.has(f)) out.push(`the scenario no longer reads ${f}`);
  return out;
}

/** Records a scenario's first golden; an existing golden is changed only by approve. */
export async function recordTarget(t: Target, opts: CaseOptions = {}): Promise<{ produced: ProducedCases; written: string[] }> {
  const index = readIndex(t.goldenDir);
  if (index) throw new PathError(t.goldenDir, `expected no golden there: one exists (recorded from ${index.scenario}); check it with \`mamlab golden check\`, and rewrite it with \`mamlab golden approve\` once you have read the differences`);
  if (existsSync(t.goldenDir) && (!statSync(t.goldenDir).isDirectory() || readdirSync(t.goldenDir).length > 0)) {
    throw new PathError(t.goldenDir, 'expected a new or empty folder for the golden: something that is not a golden is there, and mamlab does not write over what it did not write');
  }
  const produced = await produceCases(t.scenarioFile, opts);
  return { produced, written: writeGolden(t.goldenDir, produced).written };
}

/** Rewrites a golden with what the scenario gives now: only the files that differ. */
export function approveTarget(t: Target, produced: ProducedCases): { written: string[]; removed: string[] } {
  return writeGolden(t.goldenDir, produced);
}

// ------------------------------------------------------------------ diff against another system

export interface ExternalResult {
  readonly compared: readonly string[];
  readonly diffs: readonly FileDiff[];
  /** Golden files the folder does not have, and columns the other system leaves out: not compared. */
  readonly notes: readonly string[];
}

/** The golden case a GOLDEN argument names: a case folder, or a scenario's golden folder with a single case. */
function goldenCaseDir(path: string): string {
  if (existsSync(join(path, 'golden.json'))) return path;
  const index = readIndex(path);
  if (!index) throw new PathError(path, 'expected a golden case folder (one with golden.json), or a scenario\'s golden folder (one with index.json)');
  if (index.cases.length !== 1) throw new PathError(path, `expected one case, and this golden has ${index.cases.length}: name one of its folders (${index.cases.join(', ')})`);
  return join(path, index.cases[0]!);
}

/**
 * Compares a golden with CSV files another system wrote in the documented columns: numbers as
 * decimals (12.34 = 12.3400000), within `tolerance` when given; rows matched on their key
 * columns in any order; columns the other system leaves out are listed, not compared; the
 * golden's equity.csv and margin.csv keep a sample of instants, so other instants in theirs are not extra.
 */
export function diffExternal(golden: string, dir: string, tolerance?: Dec): ExternalResult {
  const caseDir = goldenCaseDir(golden);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PathError(dir, 'expected a folder of CSV files to compare with the golden');
  const stored = readCase(dirname(caseDir), relative(dirname(caseDir), caseDir));
  const notes: string[] = [];
  const diffs: FileDiff[] = [];
  const compared: string[] = [];
  const csvs = [...stored.files.keys()].filter((f) => f.endsWith('.csv'));
  for (const f of csvs) {
    const path = join(dir, f);
    if (!existsSync(path)) continue;
    const theirs = readFileSync(path, 'utf8');
    const mine = stored.files.get(f)!;
    const h = readCsv(theirs).header;
    const ours = readCsv(mine).header;
    const keys = ROW_KEYS[f] ?? [];
    const noKey = keys.filter((k) => !h.includes(k));
    if (noKey.length) throw new PathError(path, `expected the key column${noKey.length > 1 ? 's' : ''} ${noKey.join(', ')} in the header (rows of ${f} are matched on ${keys.join(', ')}); its header is: ${h.join(', ')}`);
    const left = ours.filter((c) => !h.includes(c));
    const extra = h.filter((c) => !ours.includes(c));
    if (left.length) notes.push(`${f}: not in your file, not compared: ${left.join(', ')}`);
    if (extra.length) notes.push(`${f}: not a golden column, ignored: ${extra.join(', ')}`);
    compared.push(f);
    const d = diffFile(f, mine, theirs, { numeric: true, external: true, ...(tolerance ? { tolerance } : {}) });
    if (d) diffs.push(SAMPLED_FILES.includes(f) ? { ...d, added: [] } : d);
  }
  const absent = csvs.filter((f) => !compared.includes(f));
  if (compared.length === 0) throw new PathError(dir, `expected at least one of the golden's files (${csvs.join(', ')}) in the folder`);
  if (absent.length) notes.push(`not in ${dir}, not compared: ${absent.join(', ')}`);
  return { compared, diffs: diffs.filter((d) => diffCount(d) > 0), notes };
}

// ------------------------------------------------------------------ how results read

/** "3 values differ in 2 files" (a value, a row or a column each count as one). */
export function tally(diffs: readonly FileDiff[]): string {
  const n = diffs.reduce((x, d) => x + diffCount(d), 0);
  const onlyValues = diffs.every((d) => diffCount(d) === d.values.length);
  const what = onlyValues ? (n === 1 ? 'value differs' : 'values differ') : n === 1 ? 'difference' : 'differences';
  return `${n} ${what} in ${diffs.length} file${diffs.length === 1 ? '' : 's'}`;
}

/** Lines a scenario's check prints (the first `perFile` lines of each file's differences). */
export function renderResult(r: ScenarioResult, perFile = 12): string[] {
  const caseCount = r.cases.length;
  if (!differs(r)) return [`ok    ${r.name}: ${caseCount} case${caseCount === 1 ? '' : 's'} identical`, ...r.notes.map((n) => `      note: ${n}`)];
  const bad = r.cases.filter((c) => c.status !== 'same');
  const lines = [`FAIL  ${r.name} (${r.scenarioFile}): ${bad.length} of ${caseCount} case${caseCount === 1 ? '' : 's'} ${bad.length === 1 ? 'differs' : 'differ'}${r.inputChanges.length ? '; its inputs changed' : ''}`];
  for (const c of r.inputChanges) lines.push(`      input: ${c}`);
  for (const c of bad) {
    if (c.status === 'gone') lines.push(`      ${c.id}: recorded, but the scenario no longer has this case`);
    else if (c.status === 'new') lines.push(`      ${c.id}: a case the golden does not have`);
    else {
      lines.push(`      ${c.id}: ${tally(c.diffs)}:`);
      for (const d of c.diffs) for (const l of describe(d, perFile)) lines.push(`        ${l}`);
    }
  }
  for (const n of r.notes) lines.push(`      note: ${n}`);
  return lines;
}

