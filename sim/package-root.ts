// Where mamlab's own files are (package.json, schemas/, scenarios/presets/): the nearest folder
// above this module holding mamlab's package.json. From the TypeScript sources (sim/) and from
// the build (dist/sim/) alike, and from a path with spaces (a file URL's pathname would keep %20).
import { existsSync, readFileSync } from 'node:fs';
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
