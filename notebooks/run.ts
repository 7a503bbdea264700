// `npm run notebooks`: executes every notebook of notebooks/ on Deno's Jupyter kernel, as CI does
// (docs/notebooks.md). It builds dist/ when it is missing or older than the sources (the notebooks
// import the library as 'mamlab', which resolves to dist/), registers the kernel in a throwaway
// folder of the project (out/.jupyter: nothing is written to the user's Jupyter or Deno folders),
// executes each notebook with Debian's `jupyter nbconvert` into out/notebooks/ (the committed
// notebooks are never rewritten), and fails naming the notebook and the cell when a cell throws,
// when an executed output carries terminal colour codes (ESC [), when a cell's display is missing,
// or when a committed notebook holds outputs (they are committed cleared).
//
// Usage: npm run notebooks [-- NOTEBOOK.ipynb ...]   (default: every notebooks/*.ipynb)
//        npm run notebooks -- --clear [NOTEBOOK.ipynb ...]   clears outputs, counts and timings in place
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const KERNEL = 'mamlab-deno';
const KERNEL_HOME = join(ROOT, 'out', '.jupyter');
const OUT = join(ROOT, 'out', 'notebooks');
const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
/** Per cell: the Monte Carlo cell is the slowest, a few seconds. */
const CELL_TIMEOUT_S = 120;
const ESC = '\u001b[';

const rel = (p: string): string => relative(process.cwd(), p) || '.';

/** Everything the kernel, nbconvert and Deno write goes under out/.jupyter; no colours, no update check, no prompt. */
const env: NodeJS.ProcessEnv = {
  ...process.env,
  XDG_DATA_HOME: join(KERNEL_HOME, 'data'),
  JUPYTER_PATH: join(KERNEL_HOME, 'data', 'jupyter'),
  JUPYTER_DATA_DIR: join(KERNEL_HOME, 'data', 'jupyter'),
  JUPYTER_RUNTIME_DIR: join(KERNEL_HOME, 'runtime'),
  JUPYTER_CONFIG_DIR: join(KERNEL_HOME, 'config'),
  IPYTHONDIR: join(KERNEL_HOME, 'ipython'),
  DENO_DIR: join(KERNEL_HOME, 'deno'),
  DENO_NO_UPDATE_CHECK: '1',
  DENO_NO_PROMPT: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  PYTHONDONTWRITEBYTECODE: '1',
};

function fail(message: string): never {
  console.error(`notebooks: ${message}`);
  process.exit(1);
}

function run(cmd: string, args: readonly string[], opts: { cwd?: string } = {}): { status: number | null; stdout: string; stderr: string; error?: Error } {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error ? { error: r.error } : {}) };
}

/** The newest modification time under `path` (a file, or a folder's .ts and .json files). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) {
    const p = join(path, name);
    if (statSync(p).isDirectory()) t = Math.max(t, newest(p));
    else if (/\.(ts|json)$/.test(name)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** dist/ as the notebooks import it: rebuilt when missing or older than any source it is built from. */
function ensureBuild(): void {
  const built = join(ROOT, 'dist', 'index.js');
  const sources = ['index.ts', 'engine', 'sim', 'reports', 'bin', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((p) => newest(join(ROOT, p)));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources)) return;
  console.log(`notebooks: ${existsSync(built) ? 'dist/ is older than the sources' : 'no dist/'}: npm run build`);
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, env, stdio: 'inherit' });
  if (r.status !== 0) fail('npm run build failed');
}

/** Registers Deno's kernel as KERNEL under out/.jupyter (XDG_DATA_HOME), never in the user's Jupyter folder. */
function registerKernel(): void {
  if (!existsSync(DENO)) fail(`no ${rel(DENO)}: run npm ci (the devDependency deno ships the binary)`);
  const version = run(DENO, ['--version']);
  if (version.status !== 0) fail(`${rel(DENO)} --version failed: ${version.error?.message ?? version.stderr.trim()}`);
  const r = run(DENO, ['jupyter', '--install', '--force', '--name', KERNEL, '--display', 'Deno (mamlab)']);
  const spec = join(KERNEL_HOME, 'data', 'jupyter', 'kernels', KERNEL, 'kernel.json');
  if (r.status !== 0 || !existsSync(spec)) fail(`deno jupyter --install failed:\n${r.stdout}${r.stderr}`);
  console.log(`notebooks: ${version.stdout.split('\n')[0]}, kernel ${KERNEL} in ${rel(join(KERNEL_HOME, 'data', 'jupyter', 'kernels', KERNEL))}`);
}

function checkJupyter(): void {
  const r = run('jupyter', ['nbconvert', '--version']);
  if (r.error || r.status !== 0) {
    fail("`jupyter nbconvert` is not available: install Debian's jupyter-nbconvert, python3-nbclient and python3-ipykernel (.ci/run does)");
  }
}

interface NotebookCell {
  readonly cell_type: string;
  readonly id?: string;
  readonly source: string | string[];
  readonly metadata?: Record<string, unknown>;
  readonly outputs?: unknown[];
  readonly execution_count?: number | null;
}
const readNotebook = (path: string): { cells: NotebookCell[] } => JSON.parse(readFileSync(path, 'utf8')) as { cells: NotebookCell[] };

/** JSON as Jupyter writes a notebook (nbformat): keys sorted, one-space indent, a final newline. */
function notebookJson(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sorted(x)])) : v;
  return `${JSON.stringify(sorted(value), null, 1)}\n`;
}

/** Clears a notebook in place as it is committed: no outputs, no execution counts, no execution timings. */
function clearNotebook(path: string): boolean {
  const text = readFileSync(path, 'utf8');
  const nb = JSON.parse(text) as { cells: Array<Record<string, unknown>> };
  for (const c of nb.cells) {
    if (c.cell_type === 'code') {
      c.outputs = [];
      c.execution_count = null;
    }
    const { execution: _timings, ...metadata } = (c.metadata ?? {}) as Record<string, unknown>;
    c.metadata = metadata;
  }
  const cleared = notebookJson(nb);
  if (cleared === text) return false;
  writeFileSync(path, cleared);
  return true;
}
const sourceOf = (c: NotebookCell): string => (Array.isArray(c.source) ? c.source.join('') : c.source);
const cellName = (c: NotebookCell, index: number): string => `cell ${index + 1}${c.id ? ` (id ${c.id})` : ''}`;

/** The committed notebooks keep no outputs, counts or timings (docs/notebooks.md): a run's noise stays out of the diffs. */
function clearedProblems(path: string): string[] {
  return readNotebook(path).cells.flatMap((c, i) =>
    (c.cell_type === 'code' && ((c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null)) || c.metadata?.execution !== undefined
      ? [`${rel(path)}: ${cellName(c, i)} holds outputs or execution data: clear it before committing (npm run notebooks -- --clear ${rel(path)})`]
      : []);
}

/** Which cell nbconvert stopped at: its message quotes the cell's source between two rules of dashes. */
function failedCell(path: string, stderr: string): string {
  const m = /An error occurred while executing the following cell:\n-{18}\n([\s\S]*?)\n-{18}\n([\s\S]*)$/.exec(stderr);
  if (!m) {
    const timeout = /CellTimeoutError[^\n]*|A cell timed out[^\n]*/.exec(stderr);
    return `${rel(path)}: nbconvert failed${timeout ? `: ${timeout[0]}` : ''}\n${stderr.trim().split('\n').slice(-25).join('\n')}`;
  }
  const [, source, error] = m;
  const cells = readNotebook(path).cells;
  const index = cells.findIndex((c) => c.cell_type === 'code' && sourceOf(c).trim() === source!.trim());
  const where = index >= 0 ? cellName(cells[index]!, index) : 'a cell';
  return `${rel(path)}: ${where} failed:\n${error!.trim().split('\n').map((l) => `  ${l}`).join('\n')}\n  in:\n${source!.split('\n').slice(0, 12).map((l) => `    | ${l}`).join('\n')}`;
}

/**
 * What is wrong with an executed notebook: an output carrying a terminal colour code, or a cell that
 * displays (`show(…)`) with no output (a display that never reached the notebook).
 */
function outputProblems(path: string): { lost: string[]; colours: string[] } {
  const lost: string[] = [];
  const colours: string[] = [];
  const strings = (x: unknown): string[] => (typeof x === 'string' ? [x] : Array.isArray(x) ? x.flatMap(strings) : x && typeof x === 'object' ? Object.values(x).flatMap(strings) : []);
  readNotebook(path).cells.forEach((c, i) => {
    if (c.cell_type === 'code' && /\bshow\(/.test(sourceOf(c)) && (c.outputs?.length ?? 0) === 0) {
      lost.push(`${rel(path)}: ${cellName(c, i)} displays with show(…) but has no output`);
    }
    const hit = strings(c.outputs ?? []).find((s) => s.includes(ESC));
    if (hit !== undefined) {
      const at = hit.indexOf(ESC);
      colours.push(`${rel(path)}: ${cellName(c, i)}: an output carries a terminal colour code (ESC [): …${JSON.stringify(hit.slice(Math.max(0, at - 30), at + 30))}…; display values with helpers.ts (show, table, markdown) or print strings, not objects`);
    }
  });
  return { lost, colours };
}

/** Executes one notebook into OUT; the executed copy's path, or why it failed. */
function execute(nb: string): { executed: string; error?: string } {
  const executed = join(OUT, basename(nb));
  rmSync(executed, { force: true }); // a failed run leaves no copy, never an older run's
  // nbconvert starts the kernel in the notebook's own folder, as Jupyter does.
  const r = run('jupyter', [
    'nbconvert', '--to', 'notebook', '--execute',
    `--ExecutePreprocessor.kernel_name=${KERNEL}`,
    `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`,
    '--ExecutePreprocessor.startup_timeout=60',
    '--output-dir', OUT, nb,
  ]);
  return r.status === 0 ? { executed } : { executed, error: failedCell(nb, r.stderr) };
}

function main(): void {
  const started = Date.now();
  const args = process.argv.slice(2);
  const clear = args.includes('--clear');
  const paths = args.filter((a) => a !== '--clear');
  for (const a of paths) if (a.startsWith('-')) fail(`unknown option ${a} (usage: npm run notebooks [-- [--clear] NOTEBOOK.ipynb ...])`);
  const notebooks = paths.length > 0
    ? paths.map((a) => resolve(a))
    : readdirSync(import.meta.dirname).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(import.meta.dirname, f));
  for (const nb of notebooks) if (!existsSync(nb)) fail(`no notebook ${rel(nb)}`);
  if (notebooks.length === 0) fail('no notebooks to run');
  if (clear) {
    for (const nb of notebooks) console.log(`notebooks: ${clearNotebook(nb) ? 'cleared' : 'already clear'} ${rel(nb)}`);
    return;
  }

  checkJupyter();
  ensureBuild();
  registerKernel();
  mkdirSync(OUT, { recursive: true });

  const problems: string[] = [];
  let passed = 0;
  for (const nb of notebooks) {
    const cleared = clearedProblems(nb);
    problems.push(...cleared);
    const t0 = Date.now();
    let attempt = execute(nb);
    let found = attempt.error === undefined ? outputProblems(attempt.executed) : { lost: [], colours: [] };
    if (attempt.error === undefined && found.lost.length > 0 && found.colours.length === 0) {
      // Only a display lost in transit (Deno's kernel can send it after the cell's end, helpers.ts
      // show): a cell that failed would have thrown. Once more, and the second run decides.
      console.log(`notebooks: ${found.lost.join('; ')}: a display lost between Deno's kernel and nbconvert; executing ${rel(nb)} again`);
      attempt = execute(nb);
      found = attempt.error === undefined ? outputProblems(attempt.executed) : { lost: [], colours: [] };
    }
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (attempt.error !== undefined) {
      problems.push(attempt.error);
      console.log(`notebooks: FAILED ${rel(nb)} (${seconds} s)`);
      continue;
    }
    problems.push(...found.lost, ...found.colours);
    const ok = cleared.length === 0 && found.lost.length === 0 && found.colours.length === 0;
    if (ok) passed++;
    console.log(`notebooks: ${ok ? 'ok' : 'FAILED'} ${rel(nb)} → ${rel(attempt.executed)} (${seconds} s)`);
  }
  for (const p of problems) console.error(`\n${p}`);
  const total = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nnotebooks: ${passed} of ${notebooks.length} executed cleanly in ${total} s`);
  if (problems.length > 0) process.exit(1);
}

main();
