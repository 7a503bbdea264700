// The mamlab command line as a function: `main(argv, io)` parses the arguments, runs one
// command and returns the exit code (0 done, 1 internal error, 2 bad input), writing only
// through `io`. bin/mamlab.ts calls it for a real process; tests call it in-process.
import { availableParallelism } from 'node:os';
import yargs, { type Argv } from 'yargs';
import { compareToDirectory } from '../reports/compare.js';
import { MONTE_CARLO_FILES, monteCarloToDirectory } from '../reports/monte-carlo.js';
import { humanAmount } from '../reports/html.js';
import { OUTPUT_FILES, runToDirectory } from '../reports/run.js';
import { InputError } from '../sim/input-error.js';
import { loadScenario } from '../sim/scenario.js';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

export interface Io {
  readonly stdout: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  /** Prints the stack of an internal error (MAMLAB_DEBUG). */
  readonly debug?: boolean;
}

/** A bad command line, reported as yargs words it. */
class UsageError extends Error {}

type Args = Record<string, unknown> & { _: Array<string | number> };
type Command = (a: Args, io: Io) => void | Promise<void>;

const OUT = { type: 'string', demandOption: true, describe: 'output directory (replaced atomically)' } as const;
const SEED = { type: 'number', describe: "override the scenario's seed" } as const;

/** `--seed` as a load option, refused unless a non-negative integer. */
function seedOption(seed: unknown): { seed?: number } {
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0)) throw new InputError('--seed', '', 'expected a non-negative integer');
  return { seed: seed as number | undefined };
}

async function runCommand(a: Args, io: Io): Promise<void> {
  const scenario = a.scenario as string;
  const out = a.out as string;
  const workers = a.workers as number | undefined;
  const seedsArg = a.seeds as number | undefined;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64)) throw new InputError('--workers', '', 'expected a whole number of threads from 1 to 64');
  if (a.single && seedsArg !== undefined) throw new InputError('--single', '', 'expected either --single or --seeds N, not both');
  if (seedsArg !== undefined && (!Number.isInteger(seedsArg) || seedsArg < 1 || seedsArg > 10000)) throw new InputError('--seeds', '', 'expected a whole number of seeds from 1 to 10000');
  const seeds = a.single ? undefined : seedsArg ?? loadScenario(scenario, seedOption(a.seed)).monteCarloSeeds;
  if (seeds !== undefined) {
    const progress = a.quiet || !io.stderr.isTTY ? undefined : (done: number, total: number) => io.stderr.write(`\rseed ${done}/${total}`);
    const mc = await monteCarloToDirectory(scenario, out, { ...seedOption(a.seed), seeds, workers: workers ?? (seeds >= 300 ? availableParallelism() : 1) }, progress);
    if (progress) io.stderr.write('\n');
    if (a.quiet) return;
    const s = mc.summary;
    io.stdout.write([
      `${mc.seeds.length} seeds (${mc.seeds[0]}–${mc.seeds[mc.seeds.length - 1]}); worst seed ${mc.worstSeed}`,
      `P(stop-out): ${Object.entries(s.stopOutProbability).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', ')}`,
      `total investor loss: 5% ${humanAmount(s.totalInvestorLoss.q05)}, 50% ${humanAmount(s.totalInvestorLoss.q50)}, 95% ${humanAmount(s.totalInvestorLoss.q95)}, expected shortfall ${humanAmount(s.totalInvestorLoss.expectedShortfall95)}`,
      `negative balance absorbed: mean ${humanAmount(s.negativeBalanceAbsorbed.mean)}, worst ${humanAmount(s.negativeBalanceAbsorbed.worst)}; limit breaches ${s.limitBreaches.total}`,
      `wrote ${MONTE_CARLO_FILES.join(', ')} to ${out}`,
    ].join('\n') + '\n');
    return;
  }
  const r = runToDirectory(scenario, out, seedOption(a.seed));
  if (a.quiet) return;
  const s = r.summary;
  io.stdout.write([
    `${s.scenario.name}: ${s.counts.trades} trade rows, ${s.counts.journal} journal entries, ${s.counts.events} events (${s.counts.rejections} rejections)`,
    `manager total ${humanAmount(s.manager.total)} (fee account ${humanAmount(s.manager.feeAccount)})`,
    ...s.investors.map((i) => `  ${String(i.id).padEnd(14)} ${String(i.model).padEnd(4)} equity ${humanAmount(String(i.equity)).padStart(16)}  fees ${humanAmount(String(i.performanceFees)).padStart(12)}`),
    `wrote ${OUTPUT_FILES.join(', ')} to ${out}`,
  ].join('\n') + '\n');
}

async function compareCommand(a: Args, io: Io): Promise<void> {
  const c = await compareToDirectory(a.scenario as string, a.out as string, seedOption(a.seed));
  io.stdout.write(`${c.text}\nwrote comparison.csv, earnings.csv, comparison.html and ${c.variants} variant runs to ${String(a.out)}\n`);
}

function validateCommand(a: Args, io: Io): void {
  const s = loadScenario(a.file as string);
  io.stdout.write(`ok: ${s.name} (${s.instruments.size} instruments, ${s.ticks.length} quotes, ${s.orders.length} orders, ${s.investors.length} investors, ${s.flows.length} flows)\n`);
}

/** The parser: commands, their options and help; handlers only record which command was chosen. */
function parser(argv: readonly string[], choose: (c: Command, a: Args) => void): Argv {
  return yargs([...argv])
    .scriptName('mamlab')
    .usage('$0 <command> [options]')
    .exitProcess(false)
    .command(
      'run <scenario>',
      `run a scenario and write ${OUTPUT_FILES.join(', ')}; with --seeds N (or the scenario's monteCarlo) run N seeds and write ${MONTE_CARLO_FILES.join(', ')}`,
      (y) => y
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file (.json or .yaml)' })
        .option('out', OUT)
        .option('seed', SEED)
        .option('seeds', { type: 'number', describe: 'Monte Carlo: run seeds seed, seed+1, … (N runs) and write the distributions (overrides the scenario\'s monteCarlo.seeds)' })
        .option('workers', { type: 'number', describe: 'Monte Carlo: worker threads (default: 1 below 300 seeds, where starting a thread costs more than it saves; else the machine\'s cores); results are the same for any number' })
        .option('single', { type: 'boolean', default: false, describe: 'one ordinary run of the seed, even when the scenario asks for Monte Carlo' })
        .option('quiet', { type: 'boolean', default: false, describe: 'print nothing on success' }),
      (a) => choose(runCommand, a as Args),
    )
    .command(
      'compare <scenario>',
      "run every variant of a scenario and write comparison.csv, comparison.html and each variant's full run",
      (y) => y
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file with variants' })
        .option('out', OUT)
        .option('seed', SEED),
      (a) => choose(compareCommand, a as Args),
    )
    .command(
      'validate <file>',
      'check a scenario file (schema, references, prices) without running it',
      (y) => y.positional('file', { type: 'string', demandOption: true }),
      (a) => choose(validateCommand, a as Args),
    )
    .demandCommand(1, 'name a command: run, compare or validate')
    .strict()
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .help();
}

/** Runs one command line; never throws and never exits the process. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    let chosen: { command: Command; args: Args } | undefined;
    const shown = await new Promise<string>((done, failed) => {
      parser(argv, (command, args) => { chosen = { command, args }; })
        .parse([...argv], {}, (err, _a, output) => (err ? failed(err) : done(output)));
    });
    if (!chosen) {
      // --help or --version: yargs composed the text.
      if (shown) io.stdout.write(`${shown}\n`);
      return EXIT_OK;
    }
    await chosen.command(chosen.args, io);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\nrun "mamlab --help" for usage\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof InputError) {
      io.stderr.write(`${e.render()}\n`);
      return EXIT_BAD_INPUT;
    }
    const err = e as Error;
    io.stderr.write(`mamlab: internal error: ${err.message}\n`);
    io.stderr.write(io.debug ? `${err.stack}\n` : '(set MAMLAB_DEBUG=1 for the stack trace, and please report it)\n');
    return EXIT_INTERNAL;
  }
}
