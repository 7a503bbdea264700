// The mamlab command line as a function: `main(argv, io)` reads the arguments (bin/options.ts),
// runs one command and returns the exit code (0 done, 1 internal error, 2 bad input), printing
// only through the escaping terminal (bin/terminal.ts). bin/mamlab.ts calls it for a real
// process; tests call it in-process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, escapeControls } from '../sim/input-error.js';
import { VERSION } from '../sim/package-root.js';
import type { OutputOptions } from '../reports/output-dir.js';
import type { LoadOptions, Scenario } from '../sim/scenario.js';
import type { ScenarioWarning } from '../sim/static-checks.js';
import { type CommandLine, type CommandName, UsageError, helpHint, helpText, readCommandLine } from './options.js';
import { type Io, type Terminal, terminal } from './terminal.js';
import { type JobsProgress, jobsProgress, runProgress } from './progress.js';
import type { ServerTime } from '../engine/time.js';
import type { Executor } from '../sim/jobs.js';
import type { BookCommandContext } from './book.js';

export type { Io } from './terminal.js';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

/** How many warnings `--strict` lists before pointing at `validate` for the rest (one screen). */
const STRICT_SHOWN = 6;

type ScenarioModules = typeof import('../sim/scenario.js') & typeof import('../sim/static-checks.js') & Pick<typeof import('../reports/html.js'), 'humanAmount'>;
let modules: ScenarioModules | undefined;

/**
 * What the commands that read a scenario need (the schema and its validator, the price readers,
 * the static checks), loaded by the first such command: --help, --version, init, completion and
 * a bad command line answer without them.
 */
async function scenarioModules(): Promise<ScenarioModules> {
  const [scenario, checks, html] = await Promise.all([import('../sim/scenario.js'), import('../sim/static-checks.js'), import('../reports/html.js')]);
  modules ??= { ...scenario, ...checks, humanAmount: html.humanAmount };
  return modules;
}

/** A scenario with warnings under --strict: refused before anything runs or is written. */
class StrictRefusal extends Error {
  constructor(readonly line: CommandLine, readonly warnings: readonly ScenarioWarning[]) {
    super(`${arg(line.scenario)}: ${count(warnings.length)}, refused by --strict`);
  }
}

/** A path or name from the command line inside a line of output: its line breaks escaped too, so the line stays one. */
function arg(s: string): string {
  return escapeControls(s);
}

/** `n thing` or `n things`. */
function plural(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? '' : 's'}`;
}

function count(n: number): string {
  return `${n} warning${n === 1 ? '' : 's'}`;
}

/** A word as a shell would need it to stay one word (for the `mamlab validate …` hint). */
function shellWord(w: string): string {
  return /^[\w./:@%+=,-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`;
}

/** The command that lists the warnings in full, with the --data-dir folders the scenario needs. */
function validateHint(c: CommandLine): string {
  return ['mamlab', 'validate', c.scenario, ...c.dataDirs.flatMap((d) => ['--data-dir', d])].map(shellWord).join(' ');
}

function loadOptions(c: CommandLine): LoadOptions {
  return { ...(c.seed !== undefined ? { seed: c.seed } : {}), ...(c.dataDirs.length ? { dataDirs: c.dataDirs } : {}) };
}

/** What recovery of an interrupted run did to --out, said on stderr; under --quiet only what needs the user (a leftover kept or not removable). */
function outputOptions(c: CommandLine, t: Terminal): OutputOptions {
  return { onNote: (note) => (c.quiet && !/^(kept|could not)/.test(note) ? undefined : t.err(`note: --out ${arg(c.out!)}: ${note}\n`)) };
}

/** Before a run: warnings refused under --strict, else counted on stderr in one line (not under --quiet). */
function heed(c: CommandLine, warnings: readonly ScenarioWarning[], t: Terminal): void {
  if (warnings.length === 0) return;
  if (c.strict) throw new StrictRefusal(c, warnings);
  if (!c.quiet) t.err(`${count(warnings.length)} in ${arg(c.scenario)}: see \`${validateHint(c)}\`\n`);
}

// The modules that run and render (jsdom, Observable Plot, danfojs among their imports) load only
// when a command needs them, so --help, --version, validate and a bad command line answer at once.

/** A broker's book (a scenario with `programs`) goes to bin/book.ts; undefined for a scenario. */
async function bookContext(c: CommandLine, t: Terminal): Promise<BookCommandContext | undefined> {
  const { isBookFile } = await import('../sim/book.js');
  if (!isBookFile(c.scenario)) return undefined;
  return { load: loadOptions(c), output: () => outputOptions(c, t), heed: (w) => heed(c, w, t), arg, strictRefusal: (w) => new StrictRefusal(c, w) };
}

async function runCommand(c: CommandLine, t: Terminal, io: Io): Promise<void> {
  const book = await bookContext(c, t);
  if (book) return (await import('./book.js')).runBookCommand(c, t, book);
  const m = await scenarioModules();
  const { OUTPUT_FILES, runToDirectory } = await import('../sim/run-output.js');
  const scenario = m.loadScenario(c.scenario, loadOptions(c));
  heed(c, m.staticChecks(scenario), t);
  // A scenario's variants are compare's: say so, or a user reads the base run as the comparison.
  const variants = ((scenario.normalized as { variants?: unknown[] }).variants ?? []).length;
  if (variants > 0 && !c.quiet) t.err(`note: ${arg(c.scenario)} has ${variants} variant${variants === 1 ? '' : 's'}; run runs the scenario as written, \`mamlab compare ${arg(c.scenario)} --out DIR\` runs every variant\n`);
  if (scenario.normalized.sweep !== undefined && !c.quiet) t.err(`note: ${arg(c.scenario)} has a sweep section; run runs the scenario as written, \`mamlab sweep ${arg(c.scenario)} --out DIR\` runs the sweep\n`);
  const seeds = c.single ? undefined : c.seeds ?? scenario.monteCarloSeeds;
  if (seeds !== undefined) return monteCarlo(c, scenario, seeds, t, io);
  const progress = c.quiet ? undefined : runProgress(io, scenario);
  let r: ReturnType<typeof runToDirectory>;
  try {
    r = runToDirectory(scenario, c.out!, { ...outputOptions(c, t), ...(c.equityRows ? { rows: c.equityRows } : {}), ...(c.investorPages ? { investorPages: c.investorPages } : {}), ...(c.pdf ? { pdf: true } : {}), ...(progress ? { onInstant: (time: ServerTime) => progress.onInstant(time) } : {}) });
  } finally {
    progress?.stop();
  }
  if (c.json) return t.out(`${JSON.stringify(r.summary, null, 2)}\n`);
  if (c.quiet) return;
  const s = r.summary;
  // A program of thousands is not a terminal's job: beyond AUTO_ALL, the report's rule (10 best, 10 worst by TWR).
  const { AUTO_ALL, TOP_AUTO, topAndBottom } = await import('../reports/investor-select.js');
  const keep = s.investors.length > AUTO_ALL ? new Set(topAndBottom(s.investors.map((i) => ({ id: String(i.id), twr: Number(i.timeWeightedReturn) })), TOP_AUTO).map((x) => x.id)) : undefined;
  const listed = keep ? s.investors.filter((i) => keep.has(String(i.id))) : s.investors;
  t.out([
    `${s.scenario.name}: ${s.counts.trades} trade rows, ${s.counts.journal} journal entries, ${s.counts.events} events (${s.counts.rejections} rejections)`,
    `manager total ${m.humanAmount(s.manager.total)} (fee account ${m.humanAmount(s.manager.feeAccount)})`,
    ...listed.map((i) => `  ${String(i.id).padEnd(14)} ${String(i.model).padEnd(4)} equity ${m.humanAmount(String(i.equity)).padStart(16)}  fees ${m.humanAmount(String(i.performanceFees)).padStart(12)}${i.currency === 'USD' ? '' : `  (${String(i.currency)})`}`),
    ...(listed.length < s.investors.length ? [`  (the ${TOP_AUTO} best and ${TOP_AUTO} worst of ${s.investors.length} investors by time-weighted return; every one is in summary.json, report.html and investors/index.html)`] : []),
    `wrote ${[...OUTPUT_FILES, ...(existsSync(join(r.outDir, 'population.csv')) ? ['population.csv'] : [])].join(', ')} to ${arg(c.out!)}`,
  ].join('\n') + '\n');
}

/** The job runner's options from the command line: workers, progress (not under --quiet), recovery notes. */
function jobOptions(c: CommandLine, t: Terminal, io: Io, what: string): { progress: { stop(): void }; opts: OutputOptions & { workers?: number; clock?: () => number; onProgress?: JobsProgress['onProgress'] } } {
  const bar = c.quiet ? undefined : jobsProgress(io, what);
  // Ctrl-C: the bar gives the terminal its cursor back, and the user learns that a rerun resumes.
  const interrupted = (): void => {
    bar?.stop();
    t.err(`\ninterrupted: the jobs that finished are kept beside --out ${arg(c.out!)} (a hidden .NAME.work folder); run the same command again to go on from there\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  const progress = { stop: (): void => { process.removeListener('SIGINT', interrupted); bar?.stop(); } };
  // Without --workers the job runner decides, by the clock read here, whether threads pay for themselves.
  return { progress, opts: { ...outputOptions(c, t), ...(c.workers !== undefined ? { workers: c.workers } : { clock: () => performance.now() }), ...(bar ? { onProgress: (p) => bar.onProgress(p) } : {}) } };
}

/** The executor of --queue, connected (BullMQ and Redis's client load only then); its notes and connection warnings on stderr. */
async function queueOption(c: CommandLine, t: Terminal): Promise<Executor | undefined> {
  if (c.queue === undefined) return undefined;
  const { queueExecutor } = await import('../sim/job-queue.js');
  return queueExecutor(c.queue, { onNote: (note) => (c.quiet ? undefined : t.err(`note: ${note}\n`)), onError: (m) => t.err(`warning: --queue: ${m}\n`) });
}

async function monteCarlo(c: CommandLine, scenario: Scenario, seeds: number, t: Terminal, io: Io): Promise<void> {
  const m = await scenarioModules();
  const { MONTE_CARLO_FILES, kindsIn, monteCarloToDirectory } = await import('../sim/monte-carlo.js');
  const { progress, opts } = jobOptions(c, t, io, 'seeds');
  let mc: Awaited<ReturnType<typeof monteCarloToDirectory>>;
  try {
    mc = await monteCarloToDirectory(scenario, c.out!, { ...loadOptions(c), ...opts, seeds, ...(c.equityRows ? { rows: c.equityRows } : {}) });
  } finally {
    progress?.stop();
  }
  if (c.json) return t.out(`${JSON.stringify(mc.summary, null, 2)}\n`);
  if (c.quiet) return;
  const s = mc.summary;
  t.out([
    `${plural(mc.seeds.length, 'seed')} (${mc.seeds[0]}–${mc.seeds[mc.seeds.length - 1]}${mc.resumed ? `; ${mc.resumed} found finished in the work area` : ''}); worst seed ${mc.worstSeed}`,
    `P(stop-out): ${kindsIn(scenario).map((k) => `${k} ${(s.stopOutProbability[k] * 100).toFixed(1)}%`).join(', ')}`,
    `total investor loss: 5% ${m.humanAmount(s.totalInvestorLoss.q05)}, 50% ${m.humanAmount(s.totalInvestorLoss.q50)}, 95% ${m.humanAmount(s.totalInvestorLoss.q95)}, expected shortfall ${m.humanAmount(s.totalInvestorLoss.expectedShortfall95)}`,
    `negative balance absorbed: mean ${m.humanAmount(s.negativeBalanceAbsorbed.mean)}, worst ${m.humanAmount(s.negativeBalanceAbsorbed.worst)}; limit breaches ${s.limitBreaches.total}`,
    `wrote ${MONTE_CARLO_FILES.join(', ')} to ${arg(c.out!)}`,
  ].join('\n') + '\n');
}

async function compareCommand(c: CommandLine, t: Terminal, io: Io): Promise<void> {
  const book = await bookContext(c, t);
  if (book) return (await import('./book.js')).compareBookCommand(c, t, book);
  const m = await scenarioModules();
  const loaded = m.loadVariants(c.scenario, loadOptions(c));
  heed(c, m.variantChecks(loaded.base, loaded.variants, true), t);
  // A Monte Carlo section without --seeds: say that compare runs one seed unless asked, or silence would read as if it applied.
  if (loaded.base.monteCarloSeeds !== undefined && c.seeds === undefined && !c.quiet) t.err(`note: compare runs each variant on the scenario's seed ${loaded.base.seed}; its monteCarlo.seeds (${loaded.base.monteCarloSeeds}) are \`mamlab run\`'s; \`--seeds N\` runs each variant over N seeds\n`);
  const { compareToDirectory } = await import('../sim/compare.js');
  const executor = await queueOption(c, t);
  const { progress, opts } = jobOptions(c, t, io, 'compare');
  let r: Awaited<ReturnType<typeof compareToDirectory>>;
  try {
    r = await compareToDirectory(loaded, c.out!, { ...opts, ...(c.seeds !== undefined ? { seeds: c.seeds } : {}), ...(c.equityRows ? { rows: c.equityRows } : {}), ...(executor ? { executor } : {}) });
  } finally {
    progress?.stop();
    await executor?.close();
  }
  // The same figures as comparison.csv and earnings.csv, exact decimal strings, one object per row.
  if (c.json) return t.out(`${JSON.stringify({ variants: r.variants, rows: r.rows, earnings: r.earnings, ...(r.cells ? { cells: r.cells } : {}) }, null, 2)}\n`);
  if (c.quiet) return;
  t.out(`${r.text}\nwrote comparison.csv, earnings.csv, comparison.html${r.cells ? ', results.csv, cells.csv' : ''} and ${r.variants} variant runs to ${arg(c.out!)}\n`);
}

async function sweepCommand(c: CommandLine, t: Terminal, io: Io): Promise<void> {
  // Its --strict refusal lists the warnings as the other commands do (report() formats them).
  await scenarioModules();
  const { SWEEP_FILES, parseGridOption, planSweep, sweepToDirectory } = await import('../sim/sweep.js');
  const grid = c.grid.map((g) => {
    try {
      return parseGridOption(g);
    } catch (e) {
      throw new UsageError(`--grid ${g}: expected ${(e as Error).message}`, 'sweep');
    }
  });
  const base = { ...loadOptions(c), grid, ...(c.seeds !== undefined ? { seeds: c.seeds } : {}), ...(c.objectives.length ? { objectives: c.objectives } : {}), keepRuns: c.keepRuns };
  const plan = planSweep(c.scenario, base);
  heed(c, plan.warnings, t);
  const executor = await queueOption(c, t);
  const { progress, opts } = jobOptions(c, t, io, 'sweep');
  let r: Awaited<ReturnType<typeof sweepToDirectory>>;
  try {
    r = await sweepToDirectory(c.scenario, c.out!, { ...base, ...opts, plan, ...(executor ? { executor } : {}) });
  } finally {
    progress?.stop();
    await executor?.close();
  }
  if (c.quiet) return;
  const ranked = [...r.cells].sort((a, b) => a.rank! - b.rank!);
  const show = (cell: (typeof ranked)[number]): string => [...r.plan.axes.map((a, i) => `${a.path}=${cell.params[i]}`), ...(cell.variant ? [`variant ${cell.variant}`] : [])].join(', ') || `cell ${cell.cell}`;
  const lines = [`${plural(r.cells.length, 'cell')} × ${plural(r.plan.seeds.length, 'seed')} = ${plural(r.jobs, 'job')}${r.resumed ? ` (${r.resumed} found finished in the work area)` : ''}`];
  if (r.plan.objectives.length) {
    const constrained = r.plan.objectives.some((o) => o.kind === 'constraint');
    lines.push(`objectives: ${r.plan.objectives.map((o) => o.text).join('; ')}${constrained ? `; ${r.cells.filter((x) => x.feasible).length} of ${r.cells.length} cells meet the constraints` : ''}`);
    // An objective on a figure no cell has (a MAM tracking error in a PAMM-only program) ranks nothing: say so.
    for (const o of r.plan.objectives) if (r.cells.every((x) => (x.values[o.column] ?? '') === '')) lines.push(`note: no cell has ${o.column} (the figure is empty in cells.csv), so "${o.text}" ${o.kind === 'constraint' ? 'is met by no cell' : 'ranks nothing'}`);
    for (const cell of ranked.slice(0, 5)) lines.push(`  ${String(cell.rank).padStart(3)}. ${show(cell)}${cell.feasible ? '' : ' (misses a constraint)'}: ${r.plan.objectives.map((o) => `${o.column} ${cell.values[o.column] || '–'}`).join(', ')}`);
  }
  lines.push(`wrote ${SWEEP_FILES.join(', ')} to ${arg(c.out!)}`);
  t.out(lines.join('\n') + '\n');
}

/**
 * `mamlab worker`: takes jobs from the queue until SIGINT or SIGTERM, then lets the jobs in progress
 * finish and stops (exit 0); a second signal stops at once (exit 130), and other workers take those jobs again.
 */
async function workerCommand(c: CommandLine, t: Terminal): Promise<number> {
  const [{ queueName }, { runQueueWorker }] = await Promise.all([import('../sim/queue-protocol.js'), import('../sim/queue-worker.js')]);
  // Wall-clock time is the command line's: sim/ never reads the clock.
  const started = new Map<string, number>();
  const w = await runQueueWorker(c.queue!, {
    ...(c.concurrency !== undefined ? { concurrency: c.concurrency } : {}),
    ...(c.workDir !== undefined ? { workDir: c.workDir } : {}),
    ...(c.lockSeconds !== undefined ? { lockSeconds: c.lockSeconds } : {}),
    onError: (m) => t.err(`warning: --queue: ${m}\n`),
    onJob: (e) => {
      if (e.event === 'failed') t.err(`job ${e.key} failed: ${e.reason ?? ''}\n`);
      if (c.quiet) return;
      if (e.event === 'started') {
        started.set(e.key, performance.now());
        t.out(`job ${e.key} started: ${e.kind}${e.variant ? ` ${e.variant}` : ''} seed ${e.seed}\n`);
      } else if (e.event === 'done') {
        t.out(`job ${e.key} done in ${((performance.now() - (started.get(e.key) ?? performance.now())) / 1000).toFixed(2)} s\n`);
      }
      if (e.event !== 'started') started.delete(e.key);
    },
  });
  t.out(`mamlab worker ${w.name}: taking jobs from ${w.target.shown} (queue ${queueName()}), ${w.concurrency} at a time, files in ${w.folder}\n`);
  let stop: (signal: NodeJS.Signals) => void = () => {};
  const code = await new Promise<number>((resolve) => {
    let stopping = false;
    stop = (signal) => {
      if (stopping) {
        w.abandon();
        return resolve(130);
      }
      stopping = true;
      if (!c.quiet) t.err(`${signal}: finishing the jobs in progress (again to stop at once)\n`);
      w.close().then(() => resolve(EXIT_OK), (e: unknown) => {
        t.err(`mamlab worker: ${(e as Error).message}\n`);
        resolve(EXIT_INTERNAL);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.removeListener('SIGINT', stop);
  process.removeListener('SIGTERM', stop);
  return code;
}

async function validateCommand(c: CommandLine, t: Terminal): Promise<void> {
  const book = await bookContext(c, t);
  if (book) return (await import('./book.js')).validateBookCommand(c, t, book);
  const m = await scenarioModules();
  const { base: s, variants } = m.loadVariants(c.scenario, loadOptions(c));
  // A sweep section: every cell loaded once, as `mamlab sweep` would before running anything; its cells' warnings join the variants'.
  const plan = s.normalized.sweep === undefined ? undefined : (await import('../sim/sweep-plan.js')).planSweep(c.scenario, loadOptions(c));
  const listed = m.variantChecks(s, variants);
  const seen = new Set(listed.map((w) => `${w.path}\n${w.message}`));
  const warnings = [...listed, ...(plan?.warnings ?? []).filter((w) => !seen.has(`${w.path}\n${w.message}`))];
  if (c.strict && warnings.length) throw new StrictRefusal(c, warnings);
  if (!c.quiet) t.out(`ok: ${s.name} (${[plural(s.instruments.size, 'instrument'), plural(s.ticks.length, 'quote'), plural(s.orders.length, 'order'), plural(s.investors.length, 'investor'), plural(s.flows.length, 'flow'), ...(variants.length ? [plural(variants.length, 'variant')] : []), ...(s.strategy ? [`strategy ${s.strategy.name}`] : [])].join(', ')})\n`);
  if (plan && !c.quiet) t.out(`sweep: ${plan.points.length} grid point${plan.points.length === 1 ? '' : 's'}${plan.variants[0] === null ? '' : ` × ${plan.variants.length} variant${plan.variants.length === 1 ? '' : 's'}`} × ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'} = ${plan.points.length * plan.variants.length * plan.seeds.length} jobs${plan.objectives.length ? `; objectives: ${plan.objectives.map((o) => o.text).join('; ')}` : ''}\n`);
  if (warnings.length === 0) return;
  t.out(`${count(warnings.length)}: the run goes ahead and rejects each with an event in events.csv; --strict refuses the scenario\n`);
  for (const w of warnings) t.out(`warning: ${m.formatWarning(c.scenario, w)}\n`);
}

/** Each command; a number returned is its exit code (golden check and diff: 1 when something differs). */
const RUNNERS: Record<CommandName, (c: CommandLine, t: Terminal, io: Io) => void | number | Promise<void | number>> = {
  run: runCommand, compare: compareCommand, sweep: sweepCommand, validate: validateCommand, worker: workerCommand,
  init: async (c, t) => (await import('./init.js')).initCommand(c, t),
  completion: async (_c, t) => t.out((await import('./completion.js')).completionScript()),
  'golden record': async (c, t) => (await import('./golden.js')).goldenRecord(c, t),
  'golden check': async (c, t) => (await import('./golden.js')).goldenCheck(c, t),
  'golden approve': async (c, t) => (await import('./golden.js')).goldenApprove(c, t),
  'golden diff': async (c, t) => (await import('./golden.js')).goldenDiff(c, t),
};

function version(): string {
  return VERSION;
}

/** Runs one command line; never throws and never exits the process. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const t = terminal(io);
  try {
    const request = readCommandLine(argv);
    if (request.kind === 'help') t.out(helpText(request.command, request.golden));
    else if (request.kind === 'version') t.out(`${version()}\n`);
    else return (await RUNNERS[request.line.command](request.line, t, io)) ?? EXIT_OK;
    return EXIT_OK;
  } catch (e) {
    return report(e, t, io.debug);
  }
}

/** An error as the user sees it: bad input in one screen with exit 2, anything else as an internal error. */
function report(e: unknown, t: Terminal, debug?: boolean): number {
  if (e instanceof UsageError) {
    t.err(`error: ${e.message}\n${helpHint(e.command)}\n`);
    return EXIT_BAD_INPUT;
  }
  if (e instanceof InputError) {
    t.err(`${e.render()}\n`);
    return EXIT_BAD_INPUT;
  }
  if (e instanceof StrictRefusal) {
    const shown = e.warnings.slice(0, STRICT_SHOWN).map((w) => `  ${modules!.formatWarning(e.line.scenario, w)}`);
    const rest = e.warnings.length - shown.length;
    t.err([`error: ${e.message}:`, ...shown, rest > 0 ? `  and ${rest} more: see \`${validateHint(e.line)}\`` : `  (without --strict the run goes ahead and rejects each with an event)`].join('\n') + '\n');
    return EXIT_BAD_INPUT;
  }
  const err = e as Error;
  t.err(`mamlab: internal error: ${err.message}\n`);
  t.err(debug ? `${err.stack}\n` : '(set MAMLAB_DEBUG=1 for the stack trace, and please report it)\n');
  return EXIT_INTERNAL;
}
