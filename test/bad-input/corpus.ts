// The bad-input corpus: one YAML file per case under test/bad-input/cases/, each a broken
// input (a bundled scenario with a few values changed, or raw files) with the commands to run
// and what they must answer. The runner runs each command in-process with the case folder as
// the working directory and checks: the exit code, every message fragment, no stack trace,
// one screen, and that not one byte of the case folder changed (nothing written or deleted).
//
// A case file:
//   about: one line saying what is wrong
//   base: seed001-profit-distribution.json   # optional: a bundled scenario to start from
//   set: { /orders/0/volume: "-10" }          # optional: JSON pointer → new value (base only)
//   remove: [/end]                            # optional: JSON pointers to delete (base only)
//   replace: [[from, to]]                     # optional: text replacements in the base's JSON text
//   scenario: "raw text"                      # instead of base: the scenario file's text
//   scenarioFile: scenario.json               # its name in the case folder (default scenario.json)
//   files: { data/p.csv: "text", x.bin: { base64: "…" }, some/dir: { dir: true } }
//   env: { NAME: value }                      # environment for the commands
//   expect: { exit: 2, stderr: [fragment, …], stdout: [fragment, …] }   # default for every command
//   commands:                                 # default: validate {scenario}; run {scenario} --out out
//     - [validate, "{scenario}"]
//     - { args: [run, "{scenario}", --strict, --out, out], exit: 2, stderr: [...] }
// `{scenario}` is the scenario's file name and `{dir}` the case folder's absolute path.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../bin/cli.js';
import { ROOT, scenarioPath } from '../helpers.js';

export const CASES_DIR = join(ROOT, 'test/bad-input/cases');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type FileSpec = string | { base64: string } | { dir: true };

export interface Expectation {
  readonly exit: number;
  readonly stderr?: readonly string[];
  readonly stdout?: readonly string[];
}

export interface CommandSpec extends Partial<Expectation> {
  readonly args: readonly string[];
}

export interface Case {
  readonly name: string;
  readonly about: string;
  readonly base?: string;
  readonly set?: Record<string, Json>;
  readonly remove?: readonly string[];
  readonly replace?: ReadonlyArray<readonly [string, string]>;
  readonly scenario?: string;
  readonly scenarioFile?: string;
  readonly files?: Record<string, FileSpec>;
  readonly env?: Record<string, string>;
  readonly expect: Expectation;
  readonly commands?: ReadonlyArray<readonly string[] | CommandSpec>;
}

export interface Outcome {
  readonly args: readonly string[];
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly expected: Expectation;
  /** Paths of the case folder that changed, appeared or disappeared. */
  readonly changed: readonly string[];
}

export function loadCases(): Case[] {
  return readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => ({ name: f.replace(/\.yaml$/, ''), ...(parse(readFileSync(join(CASES_DIR, f), 'utf8')) as Omit<Case, 'name'>) }));
}

function tokens(pointer: string): string[] {
  return pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function at(doc: Json, pointer: string): { parent: Record<string, Json> | Json[]; key: string } {
  const path = tokens(pointer);
  let node = doc;
  for (const k of path.slice(0, -1)) node = (node as Record<string, Json>)[k]!;
  if (node === null || typeof node !== 'object') throw new Error(`bad pointer ${pointer}`);
  return { parent: node, key: path[path.length - 1]! };
}

/** The scenario text of a case: the base with its edits, or the raw text. */
function scenarioText(c: Case): string {
  if (c.scenario !== undefined) return c.scenario;
  if (!c.base) throw new Error(`${c.name}: needs base or scenario`);
  const doc = JSON.parse(readFileSync(scenarioPath(c.base), 'utf8')) as Json;
  for (const [p, v] of Object.entries(c.set ?? {})) {
    const { parent, key } = at(doc, p);
    if (Array.isArray(parent)) parent[key === '-' ? parent.length : Number(key)] = v;
    else parent[key] = v;
  }
  for (const p of c.remove ?? []) {
    const { parent, key } = at(doc, p);
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  }
  let text = JSON.stringify(doc, null, 2) + '\n';
  for (const [from, to] of c.replace ?? []) {
    if (!text.includes(from)) throw new Error(`${c.name}: replace: ${from} is not in the text`);
    text = text.replace(from, to);
  }
  return text;
}

/** Every file, folder and link under `dir` with a hash of its content. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(r, `link ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(r, `dir ${(st.mode & 0o777).toString(8)}`);
        walk(p, r);
      } else out.set(r, `file ${(st.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir, '');
  return out;
}

export function diffSnapshots(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: ${a.get(k) ?? 'absent'} → ${b.get(k) ?? 'absent'}`);
}

/** Lays out the case in a fresh folder and runs its commands there; returns what each answered. */
export async function runCase(c: Case): Promise<Outcome[]> {
  const dir = mkdtempSync(join(tmpdir(), `mamlab-case-${c.name.slice(0, 20)}-`));
  const scenarioFile = c.scenarioFile ?? 'scenario.json';
  if (c.base !== undefined || c.scenario !== undefined) {
    mkdirSync(dirname(join(dir, scenarioFile)), { recursive: true });
    writeFileSync(join(dir, scenarioFile), scenarioText(c));
  }
  for (const [rel, spec] of Object.entries(c.files ?? {})) {
    const p = join(dir, rel);
    if (typeof spec === 'object' && 'dir' in spec) {
      mkdirSync(p, { recursive: true });
      continue;
    }
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, typeof spec === 'string' ? spec : Buffer.from(spec.base64, 'base64'));
  }
  const fill = (s: string): string => s.replaceAll('{scenario}', scenarioFile).replaceAll('{dir}', dir);
  const commands: CommandSpec[] = (c.commands ?? [['validate', '{scenario}'], ['run', '{scenario}', '--out', 'out']])
    .map((x) => (Array.isArray(x) ? { args: x as readonly string[] } : (x as CommandSpec)));
  const outcomes: Outcome[] = [];
  const cwd = process.cwd();
  // CI is unset unless the case sets it: the CI machine sets CI=true, under which golden record and
  // approve refuse to write, and a case must see the same environment on every machine.
  const savedEnv = new Map(['CI', ...Object.keys(c.env ?? {})].map((k) => [k, process.env[k]]));
  try {
    process.chdir(dir);
    delete process.env.CI;
    Object.assign(process.env, c.env ?? {});
    for (const cmd of commands) {
      const before = snapshot(dir);
      let stdout = '';
      let stderr = '';
      const args = cmd.args.map(fill);
      const exit = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
      const expected: Expectation = { exit: cmd.exit ?? c.expect.exit, stderr: cmd.stderr ?? c.expect.stderr, stdout: cmd.stdout ?? c.expect.stdout };
      outcomes.push({ args, exit, stdout, stderr, expected, changed: diffSnapshots(before, snapshot(dir)) });
    }
  } finally {
    process.chdir(cwd);
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return outcomes;
}
