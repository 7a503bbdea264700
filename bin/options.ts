// The command line's one table of commands and options, and the one place it is checked. yargs-parser
// only splits the words (with every implicit conversion off: no camelCase aliases, no --no-x
// negation, no dotted objects, no number parsing, unknown options left as words); every rule
// is applied here, from the table, so nothing the table does not list can slip through.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import parseWords from 'yargs-parser';
import { closest } from './suggest.js';

/** A bad command line: one or two lines for the user, exit 2. */
export class UsageError extends Error {
  /** The command it concerns, to point at that command's help. */
  constructor(message: string, readonly command?: CommandName) {
    super(message);
    this.name = 'UsageError';
  }
}

export type CommandName = 'run' | 'compare' | 'sweep' | 'validate' | 'init' | 'completion' | 'worker' | 'golden record' | 'golden check' | 'golden approve' | 'golden diff';
export type OptionName = 'out' | 'seed' | 'seeds' | 'workers' | 'single' | 'strict' | 'quiet' | 'data-dir' | 'dir' | 'all' | 'tolerance' | 'equity-rows' | 'grid' | 'objective' | 'keep-runs' | 'queue' | 'concurrency' | 'work-dir' | 'lock-seconds' | 'investor-pages' | 'pdf' | 'json';

export interface OptionSpec {
  /** The value's placeholder in help and messages; absent for a flag, which takes no value. */
  readonly value?: string;
  /** Given any number of times (each adds a value); other value options at most once. */
  readonly repeatable?: boolean;
  readonly describe: string;
  /** What the option means for a command where it means something else. */
  readonly describeFor?: Partial<Record<CommandName, string>>;
}

export const OPTIONS: Record<OptionName, OptionSpec> = {
  out: { value: 'DIR', describe: 'output directory: a new path, an empty folder or an earlier mamlab result (nothing else is ever replaced); written beside it, then swapped in whole' },
  seed: { value: 'N', describe: "replaces the scenario's seed: a whole number from 0 to 4294967295 (2^32 − 1)" },
  seeds: {
    value: 'N', describe: "Monte Carlo: run seeds seed, seed+1, … (N from 1 to 10000) and write the distributions; overrides the scenario's monteCarlo.seeds",
    describeFor: {
      compare: "run each variant at seeds seed, seed+1, … (N from 1 to 10000): comparison.html gains each variant's distributions, results.csv and cells.csv are written; each variant's full run stays the first seed's",
      sweep: "seeds per cell: seed, seed+1, … (N from 1 to 10000); default the sweep section's seeds, else the scenario's monteCarlo.seeds, else 1",
      'golden record': "a Monte Carlo scenario's golden covers seeds seed, seed+1, … seed+N−1 (default 3, or the scenario's monteCarlo.seeds if fewer); other scenarios: ignored" },
  },
  workers: { value: 'N', describe: "worker threads for the jobs (seeds, variants, cells), 1 to 64; default: this thread first, then the machine's cores once the jobs left would take more than 8 s here (starting threads costs about a second, and two threads on this kind of machine run about 1.3 to 1.9 times as fast as one); results are byte-identical for any number" },
  grid: { value: 'PATH=V1,V2,…', repeatable: true, describe: "a grid axis: a dotted path into the scenario (policies.performanceFee.period, program.performanceFee, investors.0.deposit) and its values, comma-separated, each read as YAML (0.25, monthly, true); replaces the sweep section's axis of that path or adds one (repeatable)" },
  objective: { value: 'TEXT', repeatable: true, describe: "rank the cells: \"max FIGURE\" or \"min FIGURE\" (in turn, as given), or a constraint \"FIGURE < X\" (<, <=, >, >=) that cells must meet; FIGURE is a cells.csv column (manager_net, tracking_error_worst_q95, stop_out_probability, …); replaces the sweep section's objectives (repeatable)" },
  'keep-runs': { describe: "also write each job's full run (summary.json, CSV files, report.html) as a folder job-CELL[-VARIANT]-sSEED; large for many jobs" },
  queue: {
    value: 'URL', describe: 'run the jobs on `mamlab worker` processes, on any machines, through the Redis at URL: redis://HOST:PORT (redis://USER:PASSWORD@HOST:PORT/DB, rediss://… for TLS); results are byte-identical to a run here (docs/queue.md)',
    describeFor: {
      compare: "run the extra seeds' jobs (--seeds N) on `mamlab worker` processes through the Redis at URL: redis://HOST:PORT (redis://USER:PASSWORD@HOST:PORT/DB, rediss://… for TLS); each variant's full run stays here (docs/queue.md)",
      worker: 'the Redis to take jobs from: redis://HOST:PORT (redis://USER:PASSWORD@HOST:PORT/DB, rediss://… for TLS) (required)' },
  },
  concurrency: { value: 'N', describe: "jobs at once, each on its own thread, 1 to 64 (default: the machine's cores)" },
  'work-dir': { value: 'DIR', describe: "an existing folder the worker makes its private folder in, for the files of the jobs it takes (removed when it stops); default the system's temporary folder" },
  'lock-seconds': { value: 'N', describe: "how long a job's lock lasts unrenewed, 1 to 3600 (default 30): a worker that dies mid-job has its job taken by another within about twice this" },
  single: { describe: 'one ordinary run of the seed, even when the scenario asks for Monte Carlo' },
  strict: { describe: 'refuse the scenario (exit 2) when the static checks find anything the run would reject' },
  quiet: { describe: 'print nothing on success but errors (validate still lists warnings)', describeFor: { worker: 'no line per job (the line when it starts and errors still print)' } },
  'data-dir': { value: 'DIR', repeatable: true, describe: "a folder besides the scenario's own folder tree that price files may be read from (repeatable)" },
  dir: { value: 'DIR', describe: "the folder of goldens (default: goldens/ beside each scenario; with no scenario named, ./goldens)" },
  all: { describe: 'every golden in the folder of goldens' },
  'equity-rows': { value: 'daily|instant', describe: "how often equity.csv and margin.csv get rows: daily (default: each account and investor at each server day's last instant and at each of its own events) or instant (all of them after every instant; large); summary.json is the same either way" },
  'investor-pages': { value: 'auto|all|none|top:N|ID,…', describe: "which investors get a tear sheet (investors/ID.html) and printable statements: auto (default: all of them up to 50 investors, else the 10 best and 10 worst by time-weighted return), all, none, top:N (the N best and N worst by time-weighted return) or a comma-separated list of investor ids; investors/index.html always lists everyone" },
  json: { describe: 'print the result as JSON on stdout instead of the text lines: run, the summary (summary.json; a Monte Carlo run, montecarlo.json); compare, each variant\'s figures and the earnings' },
  pdf: { describe: 'also print each printable statement to PDF beside its HTML page (headless Chromium: /usr/bin/chromium, or CHROMIUM_PATH)' },
  tolerance: { value: 'X', describe: 'numbers within X of the golden count as equal (0.01 for a system that books cents); default 0: exact' },
};

export interface CommandSpec {
  readonly summary: string;
  /** What the command does in a clause, for the general help's one screen. */
  readonly brief: string;
  /** Options in the order help lists them; `out` is required where listed. */
  readonly options: readonly OptionName[];
  readonly requiresOut: boolean;
  /** The words after the command: how help shows them, and how many there may be. */
  readonly positional: { readonly usage: string; readonly names: string; readonly min: number; readonly max: number };
}

const ONE_SCENARIO = { usage: 'SCENARIO', names: 'SCENARIO', min: 1, max: 1 } as const;

export const COMMANDS: Record<CommandName, CommandSpec> = {
  run: {
    brief: 'run a scenario, or its Monte Carlo seeds, and write results',
    summary: "run a scenario and write its results; with --seeds N (or the scenario's monteCarlo) run N seeds and write the distributions; a broker's book (a file with programs) writes each program's results and the book's, with its leaderboard (docs/book.md)",
    options: ['out', 'seed', 'seeds', 'single', 'workers', 'equity-rows', 'investor-pages', 'pdf', 'json', 'strict', 'quiet', 'data-dir'],
    requiresOut: true,
    positional: ONE_SCENARIO,
  },
  compare: {
    brief: "run a scenario's variants side by side and compare them",
    summary: "run every variant of a scenario and write comparison.csv, earnings.csv, comparison.html and each variant's full run; with --seeds N each variant's distributions over N seeds too; a broker's book's variants (netting policies, say) run as books, side by side in comparison.csv",
    options: ['out', 'seed', 'seeds', 'workers', 'queue', 'equity-rows', 'json', 'strict', 'quiet', 'data-dir'],
    requiresOut: true,
    positional: ONE_SCENARIO,
  },
  sweep: {
    brief: 'run a grid of terms × variants × seeds and rank the cells',
    summary: "run every combination of a grid over scenario paths × the scenario's variants × seeds (--grid, or the scenario's sweep section) and write results.csv (a row per run and subject), cells.csv (per cell, distributions over the seeds, ranked on --objective), sweep.json and sweep.html; rerun the same command after an interruption to resume",
    options: ['out', 'grid', 'seeds', 'objective', 'seed', 'workers', 'queue', 'keep-runs', 'strict', 'quiet', 'data-dir'],
    requiresOut: true,
    positional: ONE_SCENARIO,
  },
  validate: {
    brief: 'check a scenario without running it, and list its warnings',
    summary: "check a scenario file or a broker's book (schema, references, prices, variants, admin operations) without running it, and list its warnings",
    options: ['strict', 'quiet', 'data-dir'],
    requiresOut: false,
    positional: ONE_SCENARIO,
  },
  init: {
    brief: 'write a commented YAML scenario to start from',
    summary: 'write a commented YAML scenario to start from, DIR/scenario.yaml (DIR: default the current folder, created if missing), with $schema for editors; an existing scenario.yaml is never replaced',
    options: ['quiet'],
    requiresOut: false,
    positional: { usage: '[DIR]', names: 'DIR', min: 0, max: 1 },
  },
  completion: {
    brief: 'print a bash completion script',
    summary: 'print a bash completion script for mamlab (commands, options, values): `source <(mamlab completion)`, or save it under ~/.local/share/bash-completion/completions/mamlab; zsh: `autoload -U bashcompinit && bashcompinit` first',
    options: [],
    requiresOut: false,
    positional: { usage: '', names: '', min: 0, max: 0 },
  },
  worker: {
    brief: 'run the jobs of sweep/compare --queue from Redis',
    summary: 'take jobs of `sweep --queue` and `compare --queue` from the Redis at --queue and run them, until stopped (Ctrl-C or SIGTERM: the jobs in progress finish first; a second Ctrl-C stops at once, and other workers take those jobs again)',
    options: ['queue', 'concurrency', 'work-dir', 'lock-seconds', 'quiet'],
    requiresOut: false,
    positional: { usage: '--queue URL', names: '', min: 0, max: 0 },
  },
  'golden record': {
    brief: 'record a new golden of each scenario',
    summary: "run each scenario (every variant; a Monte Carlo scenario's first --seeds N seeds, default 3) and keep its compared outputs as a new golden; an existing golden is changed only by approve",
    options: ['dir', 'seeds', 'quiet', 'data-dir'],
    requiresOut: false,
    positional: { usage: 'SCENARIO...', names: 'SCENARIO', min: 1, max: Infinity },
  },
  'golden check': {
    brief: 'rerun the scenarios and compare with their goldens',
    summary: 'rerun the scenarios (default: every golden in --dir) and compare with their goldens value by value: exit 0 identical, 1 different; writes nothing',
    options: ['dir', 'quiet', 'data-dir'],
    requiresOut: false,
    positional: { usage: '[SCENARIO...]', names: 'SCENARIO', min: 0, max: Infinity },
  },
  'golden approve': {
    brief: 'rewrite goldens with what the scenarios give now',
    summary: 'rewrite goldens with what the scenarios give now, after you have read `golden check`; prints what changed',
    options: ['dir', 'all', 'quiet', 'data-dir'],
    requiresOut: false,
    positional: { usage: 'SCENARIO...|--all', names: 'SCENARIO', min: 0, max: Infinity },
  },
  'golden diff': {
    brief: "compare a golden with another system's CSV export",
    summary: "compare a golden with CSV files another system exported in mamlab's columns (numbers as decimals; --tolerance for a system that books cents): exit 0 equal, 1 different",
    options: ['tolerance', 'quiet'],
    requiresOut: false,
    positional: { usage: 'GOLDEN DIR', names: 'GOLDEN and DIR', min: 2, max: 2 },
  },
};

const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
/** The first words of the commands: run, compare, validate, golden. */
const FIRST_WORDS = [...new Set(COMMAND_NAMES.map((c) => c.split(' ')[0]!))];
const GOLDEN_WORDS = COMMAND_NAMES.filter((c) => c.startsWith('golden ')).map((c) => c.slice(7));
const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];
/** Words that ask for help or the version rather than a command; accepted anywhere. */
const META = ['help', 'h', 'version'] as const;

/** A checked command line. */
export interface CommandLine {
  readonly command: CommandName;
  /** The first word after the command (the scenario of run, compare and validate). */
  readonly scenario: string;
  /** Every word after the command. */
  readonly args: readonly string[];
  readonly dir?: string;
  readonly all: boolean;
  /** --tolerance as written: a non-negative decimal. */
  readonly tolerance?: string;
  /** --equity-rows: how often equity.csv and margin.csv get rows. */
  readonly equityRows?: 'daily' | 'instant';
  /** --investor-pages as given (checked against the scenario's investors when it is loaded). */
  readonly investorPages?: string;
  /** --pdf: print the statements to PDF too. */
  readonly pdf: boolean;
  /** --json: the result as JSON on stdout. */
  readonly json: boolean;
  readonly out?: string;
  readonly seed?: number;
  readonly seeds?: number;
  readonly workers?: number;
  readonly single: boolean;
  /** --grid as given: PATH=V1,V2,… each. */
  readonly grid: readonly string[];
  readonly objectives: readonly string[];
  readonly keepRuns: boolean;
  /** --queue: the Redis URL as given (checked to be redis:// or rediss:// with a host). */
  readonly queue?: string;
  /** worker --concurrency, --work-dir, --lock-seconds. */
  readonly concurrency?: number;
  readonly workDir?: string;
  readonly lockSeconds?: number;
  readonly strict: boolean;
  readonly quiet: boolean;
  /** The --data-dir folders, resolved to absolute paths. */
  readonly dataDirs: readonly string[];
}

export type Request = { readonly kind: 'command'; readonly line: CommandLine } | { readonly kind: 'help'; readonly command?: CommandName; readonly golden?: boolean } | { readonly kind: 'version' };

type Split = Record<string, unknown> & { _: string[]; '--'?: string[] };

/**
 * yargs's own parser as a word splitter: flags typed as booleans (so they take no value),
 * everything else a string. yargs-parser alone, not yargs around it: the command table, help and
 * messages are this module's, and loading yargs's help, locales and terminal-width machinery
 * took 100–130 ms of every start (--help must answer in under 0.3 s).
 */
function split(argv: readonly string[]): Split {
  const flags = [...OPTION_NAMES.filter((n) => !OPTIONS[n].value), ...META];
  const values = OPTION_NAMES.filter((n) => OPTIONS[n].value);
  return parseWords([...argv], {
    boolean: flags,
    string: values,
    configuration: {
      'camel-case-expansion': false, 'boolean-negation': false, 'dot-notation': false, 'parse-numbers': false,
      'parse-positional-numbers': false, 'short-option-groups': false, 'duplicate-arguments-array': true,
      'flatten-duplicate-arrays': false, 'greedy-arrays': false, 'unknown-options-as-args': true, 'populate--': true,
    },
  }) as unknown as Split;
}

function dashed(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/** Reads and checks a command line; throws UsageError naming the first problem, in the order a user fixes them. */
export function readCommandLine(argv: readonly string[]): Request {
  // `mamlab help [COMMAND]` is `mamlab [COMMAND] --help`.
  if (argv[0] === 'help') return readCommandLine([...argv.slice(1), '--help']);
  const words = split(argv);
  const positionals = [...words._.filter((w) => !isOptionWord(w)), ...(words['--'] ?? [])];
  // `golden` takes a second word (record, check, approve, diff): the two words are the command.
  const twoWords = positionals[0] === 'golden';
  const name = twoWords && positionals[1] !== undefined ? `golden ${positionals[1]}` : positionals[0];
  const known = name !== undefined && (COMMAND_NAMES as string[]).includes(name) ? (name as CommandName) : undefined;
  if (words.help || words.h) return { kind: 'help', command: known, golden: twoWords && !known };
  if (words.version) return { kind: 'version' };
  if (name === undefined) throw new UsageError(`name a command: ${FIRST_WORDS.join(', ')}`);
  if (name === 'golden') throw new UsageError(`name a golden command: ${GOLDEN_WORDS.map((w) => `golden ${w}`).join(', ')}`);
  if (!known) {
    if (twoWords) {
      const guess = closest(positionals[1]!, GOLDEN_WORDS);
      throw new UsageError(`unknown command ${name}${guess ? ` (did you mean golden ${guess}?)` : ''}; the golden commands are ${GOLDEN_WORDS.join(', ')}`);
    }
    // `mamlab -o x run …`: an unknown option before the command took the command's place; name the option.
    const stray = argv.findIndex(isOptionWord);
    if (stray >= 0 && stray < argv.indexOf(name) && words._.includes(argv[stray]!)) {
      const guess = closest(argv[stray]!.split('=')[0]!.replace(/^-+/, ''), OPTION_NAMES);
      throw new UsageError(`unknown option ${argv[stray]!.split('=')[0]!}${guess ? ` (did you mean --${guess}?)` : ''}`);
    }
    const guess = closest(name, FIRST_WORDS);
    throw new UsageError(`unknown command ${name}${guess ? ` (did you mean ${guess}?)` : ''}; the commands are ${FIRST_WORDS.join(', ')}`);
  }
  const spec = COMMANDS[known];
  checkOptionWords(known, words, argv);
  const value = (n: OptionName): string | undefined => single(known, n, words[n]);
  const given = positionals.slice(twoWords ? 2 : 1);
  const pos = spec.positional;
  const allFlag = words.all === true;
  const missing = [...(given.length < pos.min || (known === 'golden approve' && given.length === 0 && !allFlag) ? [pos.names] : []), ...(spec.requiresOut && words.out === undefined ? ['--out DIR'] : [])];
  if (missing.length) throw new UsageError(`missing ${missing.join(' and ')}: ${usage(known)}`, known);
  if (given.length > pos.max) throw new UsageError(`unexpected argument ${given[pos.max]}: ${known} takes ${pos.max === 0 ? 'no arguments' : pos.max === 1 ? 'one SCENARIO' : pos.usage} (${usage(known)})`, known);
  if (allFlag && given.length) throw new UsageError(`--all with ${given[0]}: expected either scenarios or --all, not both`, known);
  const line: CommandLine = {
    command: known,
    scenario: given[0] ?? '',
    args: given,
    out: nonEmpty(known, 'out', value('out')),
    dir: nonEmpty(known, 'dir', value('dir')),
    all: allFlag,
    tolerance: decimal(known, 'tolerance', value('tolerance')),
    equityRows: oneOf(known, 'equity-rows', value('equity-rows'), ['daily', 'instant'] as const),
    investorPages: investorPages(known, value('investor-pages')),
    pdf: words.pdf === true,
    json: words.json === true,
    seed: wholeNumber(known, 'seed', value('seed'), 0, 2 ** 32 - 1, 'a whole number from 0 to 4294967295 (2^32 − 1), in decimal digits'),
    seeds: wholeNumber(known, 'seeds', value('seeds'), 1, 10000, 'a whole number of seeds from 1 to 10000'),
    workers: wholeNumber(known, 'workers', value('workers'), 1, 64, 'a whole number of threads from 1 to 64'),
    single: words.single === true, strict: words.strict === true, quiet: words.quiet === true,
    grid: repeated(known, 'grid', words.grid), objectives: repeated(known, 'objective', words.objective), keepRuns: words['keep-runs'] === true,
    dataDirs: dataDirs(known, words['data-dir']),
    queue: queueUrl(known, value('queue')),
    concurrency: wholeNumber(known, 'concurrency', value('concurrency'), 1, 64, 'a whole number of jobs at once from 1 to 64'),
    workDir: folder(known, 'work-dir', value('work-dir')),
    lockSeconds: wholeNumber(known, 'lock-seconds', value('lock-seconds'), 1, 3600, 'a whole number of seconds from 1 to 3600'),
  };
  if (known === 'worker' && line.queue === undefined) throw new UsageError(`missing --queue URL: ${usage(known)}`, known);
  if (line.queue !== undefined && line.workers !== undefined) throw new UsageError('--workers with --queue: the jobs run on the queue\'s workers (give each `mamlab worker` its --concurrency)', known);
  if (line.queue !== undefined && line.keepRuns) throw new UsageError('--keep-runs with --queue: a kept run is written on this machine, so every job would run here; leave out one of them', known);
  if (line.single && line.seeds !== undefined) throw new UsageError('--single with --seeds: expected either --single or --seeds N, not both', known);
  if (line.single && line.workers !== undefined) throw new UsageError('--single with --workers: worker threads are for Monte Carlo runs, not one ordinary run', known);
  return { kind: 'command', line };
}

/** A word left unparsed by yargs because it is not in the table (`--outt`, `-o`, `--no-quiet`). */
function isOptionWord(w: string): boolean {
  return w.length > 1 && w.startsWith('-');
}

/**
 * Every option word must be one of the command's options; a flag takes no value (yargs would read
 * `--quiet=yes` as false and `--quiet false` as a value). Unknown options are reported first,
 * before anything missing, since a typo is usually why something looks missing.
 */
function checkOptionWords(command: CommandName, words: Split, argv: readonly string[]): void {
  const allowed = COMMANDS[command].options;
  const unknown = words._.filter(isOptionWord).map((w) => w.split('=')[0]!);
  // yargs still makes keys of a few forms (`-1` as a number): anything not in the table is unknown.
  for (const k of Object.keys(words)) if (!['_', '--', '$0', ...OPTION_NAMES, ...META].includes(k)) unknown.push(dashed(k));
  if (unknown.length) {
    const first = unknown[0]!;
    const bare = first.replace(/^-+/, '');
    const negated = bare.startsWith('no-') && (allowed as string[]).includes(bare.slice(3)) ? ` (flags have no --no- form: leave out --${bare.slice(3)})` : '';
    const guess = closest(bare, allowed);
    const hint = negated || (guess ? ` (did you mean --${guess}?)` : '');
    throw new UsageError(`unknown option ${first}${hint}${unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : ''}`, command);
  }
  for (const n of OPTION_NAMES) {
    if (words[n] === undefined || (allowed as string[]).includes(n)) continue;
    throw new UsageError(`${command} does not take --${n}; it takes ${allowed.map((o) => `--${o}`).join(', ')}`, command);
  }
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  options.forEach((w, i) => {
    const [head, ...rest] = w.split('=');
    const flag = OPTION_NAMES.find((n) => `--${n}` === head && !OPTIONS[n].value);
    if (!flag) return;
    if (rest.length || options[i + 1] === 'true' || options[i + 1] === 'false') throw new UsageError(`--${flag} takes no value: give --${flag} alone to turn it on, leave it out to keep it off`, command);
  });
}

/** A value option given at most once (yargs collects repeats into a list). */
function single(command: CommandName, n: OptionName, v: unknown): string | undefined {
  if (!Array.isArray(v)) return v as string | undefined;
  throw new UsageError(`--${n} is given ${v.length} times (${v.map((x) => String(x) || '""').join(', ')}): give it once`, command);
}

function nonEmpty(command: CommandName, n: OptionName, v: string | undefined): string | undefined {
  if (v === '') throw new UsageError(`--${n} needs a value: --${n} ${OPTIONS[n].value}, ${n === 'out' ? 'the output directory' : 'a folder'}`, command);
  return v;
}

/** A value from a fixed list, spelled exactly. */
function oneOf<T extends string>(command: CommandName, n: OptionName, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${n} ${v || '""'}: expected one of ${allowed.join(', ')}`, command);
  return v as T;
}

/** --investor-pages: auto, all, none, top:N (1 to 100000) or investor ids separated by commas (checked against the scenario later). */
function investorPages(command: CommandName, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (['auto', 'all', 'none'].includes(v) || /^top:[1-9][0-9]{0,4}$/.test(v)) return v;
  if (v.startsWith('top:')) throw new UsageError(`--investor-pages ${v}: expected top:N with N a whole number from 1 to 99999`, command);
  if (v === '' || v.split(',').some((id) => id.trim() === '')) throw new UsageError(`--investor-pages ${v || '""'}: expected auto, all, none, top:N or investor ids separated by commas`, command);
  return v;
}

/** A non-negative decimal in plain digits (`0.01`, `1`): no exponent, sign or spaces, at most 12 decimals. */
function decimal(command: CommandName, n: OptionName, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,12}(\.[0-9]{1,12})?$/.test(v)) throw new UsageError(`--${n} ${v || '""'}: expected a number of 0 or more in plain digits, like 0.01`, command);
  return v;
}

/** Decimal digits only: `1e30`, `-1`, `1.5`, `0x10` and ` 7` are refused rather than converted. */
function wholeNumber(command: CommandName, n: OptionName, v: string | undefined, min: number, max: number, expected: string): number | undefined {
  if (v === undefined) return undefined;
  if (v === '') throw new UsageError(`--${n} needs a value: ${expected}`, command);
  const x = /^[0-9]{1,12}$/.test(v) ? Number(v) : NaN;
  if (!(x >= min && x <= max)) throw new UsageError(`--${n} ${v}: expected ${expected}`, command);
  return x;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A repeatable value option's values, each non-empty. */
function repeated(command: CommandName, n: OptionName, v: unknown): string[] {
  const list = v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string];
  for (const x of list) if (x.trim() === '') throw new UsageError(`--${n} needs a value: --${n} ${OPTIONS[n].value}`, command);
  return list;
}

/** An existing folder, as given. */
function folder(command: CommandName, n: OptionName, v: string | undefined): string | undefined {
  if (nonEmpty(command, n, v) === undefined) return undefined;
  if (!isDirectory(v!)) throw new UsageError(`--${n} ${v}: no such directory`, command);
  return v;
}

/**
 * A Redis URL: redis:// or rediss://, a host, a port and a database number at most; the password
 * is never echoed. What the URL reaches is found out when it is used.
 */
function queueUrl(command: CommandName, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const masked = v.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  const ok = u !== undefined && (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '' && !u.search && !u.hash && /^(\/([0-9]{1,5})?)?$/.test(u.pathname);
  if (!ok) throw new UsageError(`--queue ${masked || '""'}: expected redis://HOST:PORT (redis://USER:PASSWORD@HOST:PORT/DB, rediss://… for TLS)`, command);
  return v;
}

function dataDirs(command: CommandName, v: unknown): string[] {
  const list = v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string];
  for (const d of list) {
    nonEmpty(command, 'data-dir', d);
    if (!isDirectory(d)) throw new UsageError(`--data-dir ${d}: no such directory`, command);
  }
  return list.map((d) => resolve(d));
}

// ------------------------------------------------------------------ help

function usage(command: CommandName): string {
  return `mamlab ${command} ${COMMANDS[command].positional.usage}${COMMANDS[command].requiresOut ? ' --out DIR' : ''} [options]`;
}

const WIDTH = 79;
const COLUMN = 19;

/** `text` in lines of at most WIDTH columns, starting at column `at`: the first after `left`, the rest indented. */
function column(left: string, text: string, at = COLUMN): string[] {
  const lines: string[] = [];
  // A left part too long for its column stands on its own line, the text below it.
  if (left.length >= at) {
    lines.push(left);
    left = '';
  }
  let line = left.padEnd(at);
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(at);
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  return [...lines, line];
}

function optionLines(command: CommandName): string[] {
  return COMMANDS[command].options.flatMap((n) => {
    const o = OPTIONS[n];
    return column(`  --${n}${o.value ? ` ${o.value}` : ''}`, `${o.describeFor?.[command] ?? o.describe}${n === 'out' && COMMANDS[command].requiresOut ? ' (required)' : ''}`);
  });
}

const FOOTER = [
  'Exit codes: 0 done, 2 bad input, 1 internal error (MAMLAB_DEBUG=1 prints its stack); golden check and golden diff also exit 1 when something differs.',
  'Control characters in anything printed are shown escaped (\\x1b, \\u202e).',
].flatMap((t) => column('', t, 0));

/**
 * The help text: one command's usage and options; or, for `mamlab --help`, one screen: each
 * command's usage and what it does in a clause (a command's own --help has its options).
 */
export function helpText(command?: CommandName, golden = false): string {
  const one = (c: CommandName): string[] => [usage(c), ...column('', COMMANDS[c].summary, 2), ...optionLines(c)];
  const brief = (c: CommandName): string[] => column(`  ${c}`, COMMANDS[c].brief, 20);
  const list = golden ? COMMAND_NAMES.filter((c) => c.startsWith('golden ')) : COMMAND_NAMES;
  const body = command
    ? one(command)
    : [
      golden ? 'mamlab golden <record|check|approve|diff> [options]: golden regression files (docs/goldens.md)' : 'mamlab <command> [options]',
      '',
      'Commands:',
      ...list.flatMap((c) => brief(c)),
      '',
      ...list.map((c) => usage(c)),
      '',
      ...column('', 'Run "mamlab COMMAND --help" (or "mamlab help COMMAND") for its options and what each does. Docs: docs/commands.md and docs/cli.md.', 0),
    ];
  const lines = [...body, '', ...column('  --help, -h', 'show this help'), ...column('  --version', 'show the version'), '', ...FOOTER];
  // One blank line between blocks, however each block begins or ends.
  return lines.filter((l, k) => l !== '' || lines[k - 1] !== '').join('\n') + '\n';
}

/** The hint a usage error ends with. */
export function helpHint(command?: CommandName): string {
  return command ? `run "mamlab ${command} --help" for its options` : 'run "mamlab --help" for usage';
}
