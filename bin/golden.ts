// `mamlab golden record | check | approve | diff` on the command line: which goldens, what is
// printed, and the exit code (0 identical or written, 1 a difference, 2 bad input). Goldens are
// written only by record and approve, never when the CI variable is set.
import { relative } from 'node:path';
import { Dec } from '../engine/decimal.js';
import { describe } from '../reports/golden-diff.js';
import { type Target, approveTarget, checkTarget, diffExternal, differs, recordTarget, renderResult, tally, targetsOf } from '../sim/golden.js';
import { UsageError, type CommandLine } from './options.js';
import type { Terminal } from './terminal.js';

const EXIT_DIFFERENT = 1;

/** CI=true (or any value but empty, 0 or false) marks a CI job, where goldens are read and never written. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

function refuseInCi(c: CommandLine): void {
  if (inCi()) throw new UsageError(`${c.command} writes goldens, and CI is set (CI=${process.env.CI}): goldens are never written in CI. Record or approve them on your machine, read the difference, and commit them`, c.command);
}

function caseOptions(c: CommandLine): { dataDirs?: readonly string[]; seeds?: number } {
  return { ...(c.dataDirs.length ? { dataDirs: c.dataDirs } : {}), ...(c.seeds !== undefined ? { seeds: c.seeds } : {}) };
}

function uniqueTargets(c: CommandLine, targets: Target[]): Target[] {
  const seen = new Map<string, string>();
  for (const t of targets) {
    const other = seen.get(t.goldenDir);
    if (other !== undefined) throw new UsageError(`${other} and ${t.scenarioFile} would share the golden ${t.goldenDir}: their file names are the same; give them goldens in different --dir folders`, c.command);
    seen.set(t.goldenDir, t.scenarioFile);
  }
  return targets;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function goldenRecord(c: CommandLine, t: Terminal): Promise<number> {
  refuseInCi(c);
  for (const target of uniqueTargets(c, targetsOf(c.args, c.dir))) {
    const { produced, written } = await recordTarget(target, caseOptions(c));
    if (!c.quiet) t.out(`recorded ${target.scenarioFile}: ${plural(produced.cases.length, 'case')}${produced.seeds !== null ? ` (seeds ${produced.scenario.seed}–${produced.scenario.seed + produced.seeds - 1})` : ''}, ${plural(written.length, 'file')} in ${target.goldenDir}\n`);
  }
  return 0;
}

export async function goldenCheck(c: CommandLine, t: Terminal): Promise<number> {
  const targets = uniqueTargets(c, targetsOf(c.args, c.dir));
  let failed = 0;
  let cases = 0;
  let differences = 0;
  for (const target of targets) {
    const { result } = await checkTarget(target, caseOptions(c));
    cases += result.cases.length;
    if (differs(result)) {
      failed++;
      differences += result.cases.filter((x) => x.status !== 'same').length;
    }
    if (differs(result) || !c.quiet) t.out(renderResult(result).join('\n') + '\n');
  }
  if (failed) t.out(`golden check: ${failed} of ${plural(targets.length, 'scenario')} ${failed === 1 ? 'differs' : 'differ'} (${plural(differences, 'case')} of ${cases}); read the differences, then \`mamlab golden approve\` the ones you meant\n`);
  else if (!c.quiet) t.out(`golden check: ${plural(targets.length, 'scenario')}, ${plural(cases, 'case')}, all identical\n`);
  return failed ? EXIT_DIFFERENT : 0;
}

export async function goldenApprove(c: CommandLine, t: Terminal): Promise<number> {
  refuseInCi(c);
  const targets = uniqueTargets(c, targetsOf(c.all ? [] : c.args, c.dir));
  for (const target of targets) {
    const { result, produced } = await checkTarget(target, caseOptions(c));
    if (!differs(result) && !result.edited) {
      if (!c.quiet) t.out(`unchanged ${result.name}: ${plural(result.cases.length, 'case')} identical\n`);
      continue;
    }
    t.out(renderResult(result).join('\n') + '\n');
    const { written, removed } = approveTarget(target, produced);
    const rel = (p: string): string => relative(target.goldenDir, p);
    t.out(`approved ${result.name}: ${written.length ? `wrote ${written.map(rel).join(', ')}` : 'wrote nothing'}${removed.length ? `; removed ${removed.map(rel).join(', ')}` : ''}\n`);
  }
  return 0;
}

export function goldenDiff(c: CommandLine, t: Terminal): number {
  const [golden, dir] = c.args as [string, string];
  const r = diffExternal(golden, dir, c.tolerance !== undefined ? new Dec(c.tolerance) : undefined);
  const within = c.tolerance !== undefined ? ` within ${c.tolerance}` : ' exactly';
  if (r.diffs.length === 0) {
    if (!c.quiet) t.out([`same${within}: ${r.compared.join(', ')}`, ...r.notes.map((n) => `note: ${n}`)].join('\n') + '\n');
    return 0;
  }
  t.out([`${tally(r.diffs)} (compared${within}: ${r.compared.join(', ')}):`, ...r.diffs.flatMap((d) => describe(d, 20).map((l) => `  ${l}`)), ...r.notes.map((n) => `note: ${n}`)].join('\n') + '\n');
  return EXIT_DIFFERENT;
}
