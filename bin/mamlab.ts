#!/usr/bin/env -S npx tsx
// The mamlab command line: `run` a scenario into the output contract, `validate` a scenario.
// Bad input prints one screen naming file, JSON path, line and expectation, and exits 2.
import { availableParallelism } from 'node:os';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { compareToDirectory } from '../reports/compare.js';
import { MONTE_CARLO_FILES, monteCarloToDirectory } from '../reports/monte-carlo.js';
import { humanAmount } from '../reports/html.js';
import { OUTPUT_FILES, runToDirectory } from '../reports/run.js';
import { InputError } from '../sim/input-error.js';
import { loadScenario } from '../sim/scenario.js';

const EXIT_BAD_INPUT = 2;

async function guard(fn: () => void | Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`${e.render()}\n`);
      process.exit(EXIT_BAD_INPUT);
    }
    const err = e as Error;
    process.stderr.write(`mamlab: internal error: ${err.message}\n`);
    if (process.env.MAMLAB_DEBUG) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write('(set MAMLAB_DEBUG=1 for the stack trace, and please report it)\n');
    process.exit(1);
  }
}

const OUT = { type: 'string', demandOption: true, describe: 'output directory (replaced atomically)' } as const;
const SEED = { type: 'number', describe: "override the scenario's seed" } as const;

/** `--seed` as a load option, refused unless a non-negative integer. */
function seedOption(seed: number | undefined): { seed?: number } {
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new InputError('--seed', '', 'expected a non-negative integer');
  return { seed };
}

await yargs(hideBin(process.argv))
  .scriptName('mamlab')
  .usage('$0 <command> [options]')
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
    (argv) => guard(async () => {
      if (argv.workers !== undefined && (!Number.isInteger(argv.workers) || argv.workers < 1 || argv.workers > 64)) throw new InputError('--workers', '', 'expected a whole number of threads from 1 to 64');
      if (argv.single && argv.seeds !== undefined) throw new InputError('--single', '', 'expected either --single or --seeds N, not both');
      if (argv.seeds !== undefined && (!Number.isInteger(argv.seeds) || argv.seeds < 1 || argv.seeds > 10000)) throw new InputError('--seeds', '', 'expected a whole number of seeds from 1 to 10000');
      const seeds = argv.single ? undefined : argv.seeds ?? loadScenario(argv.scenario, seedOption(argv.seed)).monteCarloSeeds;
      if (seeds !== undefined) {
        const progress = argv.quiet || !process.stderr.isTTY ? undefined : (done: number, total: number) => process.stderr.write(`\rseed ${done}/${total}`);
        const mc = await monteCarloToDirectory(argv.scenario, argv.out, { ...seedOption(argv.seed), seeds, workers: argv.workers ?? (seeds >= 300 ? availableParallelism() : 1) }, progress);
        if (progress) process.stderr.write('\n');
        if (argv.quiet) return;
        const s = mc.summary;
        process.stdout.write([
          `${mc.seeds.length} seeds (${mc.seeds[0]}–${mc.seeds[mc.seeds.length - 1]}); worst seed ${mc.worstSeed}`,
          `P(stop-out): ${Object.entries(s.stopOutProbability).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', ')}`,
          `total investor loss: 5% ${humanAmount(s.totalInvestorLoss.q05)}, 50% ${humanAmount(s.totalInvestorLoss.q50)}, 95% ${humanAmount(s.totalInvestorLoss.q95)}, expected shortfall ${humanAmount(s.totalInvestorLoss.expectedShortfall95)}`,
          `negative balance absorbed: mean ${humanAmount(s.negativeBalanceAbsorbed.mean)}, worst ${humanAmount(s.negativeBalanceAbsorbed.worst)}; limit breaches ${s.limitBreaches.total}`,
          `wrote ${MONTE_CARLO_FILES.join(', ')} to ${argv.out}`,
        ].join('\n') + '\n');
        return;
      }
      const r = runToDirectory(argv.scenario, argv.out, seedOption(argv.seed));
      if (argv.quiet) return;
      const s = r.summary;
      const lines = [
        `${s.scenario.name}: ${s.counts.trades} trade rows, ${s.counts.journal} journal entries, ${s.counts.events} events (${s.counts.rejections} rejections)`,
        `manager total ${humanAmount(s.manager.total)} (fee account ${humanAmount(s.manager.feeAccount)})`,
        ...s.investors.map((i) => `  ${String(i.id).padEnd(14)} ${String(i.model).padEnd(4)} equity ${humanAmount(String(i.equity)).padStart(16)}  fees ${humanAmount(String(i.performanceFees)).padStart(12)}`),
        `wrote ${OUTPUT_FILES.join(', ')} to ${argv.out}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    }),
  )
  .command(
    'compare <scenario>',
    "run every variant of a scenario and write comparison.csv, comparison.html and each variant's full run",
    (y) => y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file with variants' })
      .option('out', OUT)
      .option('seed', SEED),
    (argv) => guard(async () => {
      const c = await compareToDirectory(argv.scenario, argv.out, seedOption(argv.seed));
      process.stdout.write(`${c.text}\nwrote comparison.csv, earnings.csv, comparison.html and ${c.variants} variant runs to ${argv.out}\n`);
    }),
  )
  .command(
    'validate <file>',
    'check a scenario file (schema, references, prices) without running it',
    (y) => y.positional('file', { type: 'string', demandOption: true }),
    (argv) => guard(() => {
      const s = loadScenario(argv.file);
      process.stdout.write(`ok: ${s.name} (${s.instruments.size} instruments, ${s.ticks.length} quotes, ${s.orders.length} orders, ${s.investors.length} investors, ${s.flows.length} flows)\n`);
    }),
  )
  .demandCommand(1, 'name a command: run or validate')
  .strict()
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`error: ${msg}\nrun "mamlab --help" for usage\n`);
    process.exit(EXIT_BAD_INPUT);
  })
  .help()
  .parseAsync();
