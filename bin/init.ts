// `mamlab init [DIR]`: a commented YAML scenario to start from (scenarios/templates/starter.yaml),
// written as DIR/scenario.yaml with `$schema` pointing at the installed schema, so an editor with
// YAML support completes and checks the fields. An existing file is never replaced.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { PathError, shown } from '../sim/input-error.js';
import { PACKAGE_ROOT } from '../sim/package-root.js';
import type { CommandLine } from './options.js';
import type { Terminal } from './terminal.js';

export const STARTER = join(PACKAGE_ROOT, 'scenarios', 'templates', 'starter.yaml');
const SCHEMA = join(PACKAGE_ROOT, 'schemas', 'scenario.schema.json');

/** The starter scenario for a file in `dir`: the schema named relative to it (forward slashes: the schema's spelling on every system). */
export function starterText(dir: string): string {
  const schema = relative(dir, SCHEMA).split(sep).join('/');
  return `# yaml-language-server: $schema=${schema}\n$schema: ${JSON.stringify(schema)}\n${readFileSync(STARTER, 'utf8')}`;
}

export function initCommand(c: CommandLine, t: Terminal): void {
  const given = c.args[0] ?? '.';
  const dir = resolve(given);
  const target = join(dir, 'scenario.yaml');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new PathError(given, `is a file, not a folder: give init a folder (new or existing) to write scenario.yaml into`);
  if (existsSync(target)) throw new PathError(join(given, 'scenario.yaml'), `exists already: mamlab init never replaces a file; give another folder (\`mamlab init DIR\`) or remove it yourself`);
  mkdirSync(dir, { recursive: true });
  // 'wx': refused, not replaced, should the file appear between the check and the write.
  writeFileSync(target, starterText(dir), { flag: 'wx' });
  if (c.quiet) return;
  // A path that climbs out of the current folder reads better whole; the results go beside the scenario.
  const near = relative(process.cwd(), target);
  const rel = near && !near.startsWith('..') ? near : target;
  const out = join(dirname(rel), 'out');
  t.out(`wrote ${shown(rel)}: a signal program, two MAM sub-accounts and a PAMM pool over a month of generated EURUSD prices\nnext: mamlab run ${rel} --out ${out}   (then open ${join(out, 'report.html')})\n`);
}
