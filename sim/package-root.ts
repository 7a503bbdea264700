// Where mamlab's own files are (package.json, schemas/, scenarios/presets/): the nearest folder
// above this module holding mamlab's package.json. From the TypeScript sources (sim/) and from
// the build (dist/sim/) alike, and from a path with spaces (a file URL's pathname would keep %20).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'mamlab') return dir;
    if (dirname(dir) === dir) throw new Error(`mamlab cannot find its own package.json above ${start}`);
  }
}

export const PACKAGE_ROOT: string = packageRoot();

/** mamlab's version, from its package.json. */
export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let code: string | undefined;

/**
 * SHA-256 of mamlab's own code and data as this process runs them: every module of engine/,
 * sim/ and reports/ beside this one (the TypeScript sources or the build), the schema and the
 * presets. A job's key carries it, so a work area left by a different build is never reused
 * (the version alone stays the same between releases).
 */
export function codeHash(): string {
  if (code !== undefined) return code;
  const here = dirname(fileURLToPath(import.meta.url));
  const codeRoot = dirname(here);
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const hash = createHash('sha256');
  const add = (dir: string, keep: (f: string) => boolean): void => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir).filter(keep).sort()) hash.update(`${dir.slice(codeRoot.length)}/${f}\0`).update(readFileSync(join(dir, f))).update('\0');
  };
  for (const d of ['engine', 'sim', 'reports']) add(join(codeRoot, d), (f) => f.endsWith(ext) && !f.endsWith('.d.ts'));
  add(join(PACKAGE_ROOT, 'schemas'), (f) => f.endsWith('.json'));
  add(join(PACKAGE_ROOT, 'scenarios', 'presets'), (f) => f.endsWith('.json'));
  return (code = hash.digest('hex'));
}
