// What the CLI prints: control characters escaped whoever wrote them, the warning count before a
// run that still goes ahead, and help that lists every option. Runs that write their --out use
// temporary folders (the bad-input corpus checks that refusals write nothing).
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../bin/cli.js';
import { escapeControls } from '../bin/terminal.js';
import { mamlab } from './cli.js';
import { ROOT, scenarioPath } from './helpers.js';

/** Any character the terminal must never receive raw (newline and tab are fine). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

async function cli(args: string[], tty = false): Promise<{ exit: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const exit = await main(args, { stdout: { write: (s: string) => (stdout += s), isTTY: tty }, stderr: { write: (s: string) => (stderr += s), isTTY: tty } });
  return { exit, stdout, stderr };
}

/** seed001 with some fields changed, written to a fresh folder. */
function scenarioWith(change: (doc: Record<string, unknown>) => void): { dir: string; file: string } {
  const doc = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8')) as Record<string, unknown>;
  change(doc);
  const dir = mkdtempSync(join(tmpdir(), 'mamlab-cli-out-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return { dir, file };
}

const HOSTILE_NAME = '\u001b[2J\u001b]0;owned\u0007Evil\u009b31m\u202eemanlaer\u2066x\u2069\r\u007f';

describe('escaping what reaches the terminal', () => {
  it('shows each unsafe character as its escape and leaves text, tabs and newlines alone', () => {
    expect(escapeControls('\u0000\u0001\u0007\u0008\u000b\u000c\r\u001b\u001f\u007f')).toBe('\\x00\\x01\\x07\\x08\\x0b\\x0c\\x0d\\x1b\\x1f\\x7f');
    expect(escapeControls('\u0080\u0085\u009b\u009f')).toBe('\\x80\\x85\\x9b\\x9f');
    expect(escapeControls('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069')).toBe('\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069');
    expect(escapeControls('Fonds «Zürich» 日本 €1,000\tok\n')).toBe('Fonds «Zürich» 日本 €1,000\tok\n');
  });

  it('prints a scenario named with escape sequences escaped, in validate and in run', async () => {
    const { dir, file } = scenarioWith((d) => (d.name = HOSTILE_NAME));
    const v = await cli(['validate', file]);
    expect(v.exit).toBe(0);
    expect(v.stdout).not.toMatch(RAW_CONTROL);
    expect(v.stdout).toContain('ok: \\x1b[2J\\x1b]0;owned\\x07Evil\\x9b31m\\u202eemanlaer\\u2066x\\u2069\\x0d\\x7f (');
    const r = await cli(['run', file, '--out', join(dir, 'out')]);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stdout).toContain('\\x1b[2J\\x1b]0;owned\\x07Evil');
  });

  it('escapes what the real process writes too', () => {
    const { dir, file } = scenarioWith((d) => (d.name = HOSTILE_NAME));
    const x = mamlab(['run', file, '--out', join(dir, 'out')]);
    expect(x.status, x.stderr).toBe(0);
    expect(x.stdout + x.stderr).not.toMatch(RAW_CONTROL);
    expect(x.stdout).toContain('\\x1b[2J');
  });

  it('escapes the echo of a bad file name and of an unknown option', async () => {
    const a = await cli(['validate', '\u001b[31mred.json']);
    // A relative path also says where it was looked for (the current folder, which npm run moves).
    expect([a.exit, a.stderr.split('\n')[0]]).toEqual([2, `error: \\x1b[31mred.json: (top level): cannot read the scenario file "\\u001b[31mred.json" (looked for "${process.cwd()}/\\u001b[31mred.json") (no such file)`]);
    const b = await cli(['validate', scenarioPath('seed001-profit-distribution.json'), '--\u202equiet']);
    expect(b.exit).toBe(2);
    expect(b.stderr).toContain('unknown option --\\u202equiet');
    expect(b.stderr).not.toMatch(RAW_CONTROL);
  });

  it('writes raw controls only for the progress bar of the Monte Carlo seeds on a terminal, around its own words', async () => {
    const { dir, file } = scenarioWith((d) => (d.name = '\u001b[2Jprogress'));
    const r = await cli(['run', file, '--out', join(dir, 'mc'), '--seeds', '2', '--workers', '1'], true);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stderr).toContain('seeds |');
    // cli-progress: cursor save/hide/show, line wrap off/on, column 1, line clears, carriage returns; nothing else raw.
    const bar = r.stderr.replace(/\u001b(\[\??[0-9;]*[A-Za-z]|[78])/g, '').replace(/\r/g, '');
    expect(bar).not.toMatch(RAW_CONTROL);
    // The cursor comes back.
    expect(r.stderr).toContain('\u001b[?25h');
  });
});

describe('warnings before a run without --strict', () => {
  /** Two problems the file shows: a volume above EURUSD's 100-lot maximum and a close of a ticket never opened. */
  const twoProblems = (d: Record<string, unknown>): void => {
    const orders = d.orders as Array<Record<string, unknown>>;
    orders.push({ at: '2024-03-05T10:00:00', action: 'open', ticket: 'M2', symbol: 'EURUSD', side: 'buy', volume: '120' });
    orders.push({ at: '2024-03-06T10:00:00', action: 'close', ticket: 'M7' });
  };

  it('run counts them in one line on stderr and goes ahead, rejecting each with an event', async () => {
    const { dir, file } = scenarioWith(twoProblems);
    const r = await cli(['run', file, '--out', join(dir, 'out')]);
    expect(r.exit).toBe(0);
    expect(r.stderr).toBe(`2 warnings in ${file}: see \`mamlab validate ${file}\`\n`);
    const events = readFileSync(join(dir, 'out', 'events.csv'), 'utf8');
    expect(events).toContain('order-rejected,,,M2,EURUSD,,,,,volume 120 is above the maximum lot 100 of EURUSD');
    expect(events).toContain('order-rejected,,,M7,,,,,,no open master trade M7');
    // The rest of the run is the bundled example's: its 10-lot trade still opened and closed.
    expect(r.stdout).toMatch(/^Seed 001: profit distribution with a 20% performance fee: /);
  });

  it('--quiet silences the count; no warnings, no line', async () => {
    const { dir, file } = scenarioWith(twoProblems);
    const quiet = await cli(['run', file, '--out', join(dir, 'out'), '--quiet']);
    expect([quiet.exit, quiet.stdout, quiet.stderr]).toEqual([0, '', '']);
    const clean = await cli(['run', scenarioPath('seed001-profit-distribution.json'), '--out', join(dir, 'clean')]);
    expect([clean.exit, clean.stderr]).toEqual([0, '']);
  });

  it('compare counts them too, names --data-dir in the hint, and writes every variant', async () => {
    const { dir, file } = scenarioWith((d) => {
      twoProblems(d);
      d.variants = [{ name: 'one' }, { name: 'two', program: { performanceFee: '0.3' } }];
    });
    const r = await cli(['compare', file, '--out', join(dir, 'cmp'), '--data-dir', dir]);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stderr).toBe(`2 warnings in ${file}: see \`mamlab validate ${file} --data-dir ${dir}\`\n`);
    expect(readdirSync(join(dir, 'cmp')).sort()).toEqual(['.mamlab-result', 'comparison.csv', 'comparison.html', 'earnings.csv', 'one', 'two']);
  });

  it('run on a scenario with variants says compare runs them; compare says a Monte Carlo section is run\'s', async () => {
    const { dir, file } = scenarioWith((d) => {
      d.variants = [{ name: 'one' }, { name: 'two', program: { performanceFee: '0.3' } }];
      d.monteCarlo = { seeds: 3 };
    });
    const r = await cli(['run', file, '--out', join(dir, 'out'), '--single']);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stderr).toBe(`note: ${file} has 2 variants; run runs the scenario as written, \`mamlab compare ${file} --out DIR\` runs every variant\n`);
    const c = await cli(['compare', file, '--out', join(dir, 'cmp')]);
    expect(c.exit, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/^note: compare runs each variant on the scenario's seed \d+; its monteCarlo.seeds \(3\) are `mamlab run`'s; `--seeds N` runs each variant over N seeds\n$/);
  });

  it('validate lists them on stdout with exit 0', async () => {
    const { file } = scenarioWith(twoProblems);
    const v = await cli(['validate', file, '--quiet']);
    expect(v.exit).toBe(0);
    expect(v.stdout.split('\n').filter((l) => l.startsWith('warning: '))).toHaveLength(2);
  });
});

describe('help and version', () => {
  const options: Record<string, string[]> = {
    run: ['--out DIR', '--seed N', '--seeds N', '--single', '--workers N', '--strict', '--quiet', '--data-dir DIR'],
    compare: ['--out DIR', '--seed N', '--strict', '--quiet', '--data-dir DIR'],
    validate: ['--strict', '--quiet', '--data-dir DIR'],
  };

  it("lists every command's options, in the command's help and in the general help", async () => {
    const all = await cli(['--help']);
    expect(all.exit).toBe(0);
    for (const [command, list] of Object.entries(options)) {
      const one = await cli([command, '--help']);
      expect(one.exit).toBe(0);
      expect(one.stdout).toContain(`mamlab ${command} SCENARIO`);
      for (const o of list) expect(one.stdout, `${command} ${o}`).toContain(`  ${o} `);
      expect(all.stdout).toContain(`mamlab ${command} SCENARIO`);
    }
    expect((await cli(['-h'])).stdout).toBe(all.stdout);
    for (const line of all.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(79);
    // The general help is one screen: the commands, each with a clause; options are in each command's help.
    expect(all.stdout.split('\n').length).toBeLessThanOrEqual(40);
    expect(all.stdout).not.toContain('--data-dir');
  });

  it('mamlab help [COMMAND] is mamlab [COMMAND] --help', async () => {
    expect(await cli(['help'])).toEqual(await cli(['--help']));
    expect(await cli(['help', 'run'])).toEqual(await cli(['run', '--help']));
    expect(await cli(['help', 'golden', 'check'])).toEqual(await cli(['golden', 'check', '--help']));
  });

  it('prints the version of package.json', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(await cli(['--version'])).toEqual({ exit: 0, stdout: `${version}\n`, stderr: '' });
  });
});
