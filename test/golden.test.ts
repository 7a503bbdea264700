// Goldens (issue 12): record, check, approve and diff through the real command line, in-process.
// Expected values come from the scenario's worked example (seed 001: a 20% fee on a 9,000 gain is
// 1,800) or from the test's own arithmetic on the golden's files, never from mamlab's output.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../bin/cli.js';
import { Dec } from '../engine/decimal.js';
import { readCsv, sampleByDay } from '../reports/golden-canon.js';
import { diffFile } from '../reports/golden-diff.js';
import { ROOT, scenarioPath } from './helpers.js';

async function cli(args: string[]): Promise<{ exit: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const exit = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { exit, stdout, stderr };
}

/** Every file under a folder with its bytes and modification time: "nothing written" means this is unchanged. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), `${statSync(p).mtimeMs}:${readFileSync(p, 'base64')}`);
    }
  };
  walk(dir);
  return out;
}

/** A scenario copied into a fresh folder (with the presets it names), so a test may edit it. */
function scenarioCopy(name: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mamlab-golden-test-'));
  copyFileSync(scenarioPath(name), join(dir, name));
  cpSync(join(ROOT, 'scenarios/presets'), join(dir, 'presets'), { recursive: true });
  cpSync(join(ROOT, 'scenarios/data'), join(dir, 'data'), { recursive: true });
  return { dir, file: join(dir, name) };
}

// These tests record and approve goldens, which mamlab refuses under CI=true; the CI machine sets it,
// so each test starts without it and the one test about CI sets it itself.
const savedCi = process.env.CI;
beforeEach(() => {
  delete process.env.CI;
});
afterEach(() => {
  if (savedCi === undefined) delete process.env.CI;
  else process.env.CI = savedCi;
});

describe('golden check on the bundled scenarios (the CI guard of every booked value)', () => {
  it('every bundled scenario has a golden, and they are all identical', async () => {
    const bundled = readdirSync(join(ROOT, 'scenarios')).filter((f) => /\.(json|ya?ml)$/.test(f)).map((f) => f.replace(/\.(json|ya?ml)$/, '')).sort();
    const goldens = readdirSync(join(ROOT, 'scenarios/goldens')).filter((f) => !f.startsWith('.')).sort();
    expect(goldens).toEqual(bundled);
    const r = await cli(['golden', 'check', '--dir', join(ROOT, 'scenarios/goldens')]);
    expect(r.stdout).not.toContain('FAIL');
    expect(r.exit, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`golden check: ${bundled.length} scenarios, \\d+ cases, all identical`));
  }, 180_000);
});

describe('record, check, approve', () => {
  it('a tampered booked value makes check exit 1 and name the file, row, field and both values', async () => {
    const { dir, file } = scenarioCopy('seed001-profit-distribution.json');
    const goldens = join(dir, 'g');
    expect((await cli(['golden', 'record', file, '--dir', goldens])).exit).toBe(0);
    expect((await cli(['golden', 'check', file, '--dir', goldens])).exit).toBe(0);
    // Seed 001: investor-1's 4,500 became 13,500 (NAV 1 → 3); 20% of the 9,000 gain is 1,800.
    const journal = join(goldens, 'seed001-profit-distribution/run/journal.csv');
    const text = readFileSync(journal, 'utf8');
    const fee = text.split('\n').find((l) => l.includes('performance-fee,investor-1'))!;
    expect(fee.split(',')[4]).toBe('1800.0000000');
    const seq = fee.split(',')[0]!;
    writeFileSync(journal, text.replace(fee, fee.replace('1800.0000000', '1800.0000001')));
    const r = await cli(['golden', 'check', file, '--dir', goldens]);
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain('1 value differs in 1 file');
    expect(r.stdout).toContain(`journal.csv seq ${seq}: amount 1800.0000001 → 1800.0000000`);
    expect(r.stdout).toContain('run/journal.csv was edited after it was recorded');
  });

  it('check writes nothing, also under CI=true; record and approve refuse to write under CI', async () => {
    const { dir, file } = scenarioCopy('seed001-profit-distribution.json');
    const goldens = join(dir, 'g');
    expect((await cli(['golden', 'record', file, '--dir', goldens])).exit).toBe(0);
    const before = tree(dir);
    const temps = () => readdirSync(tmpdir()).filter((f) => f.startsWith('mamlab-golden-') && !f.startsWith('mamlab-golden-test-')).sort();
    const tempsBefore = temps();
    process.env.CI = 'true';
    expect((await cli(['golden', 'check', file, '--dir', goldens])).exit).toBe(0);
    const approve = await cli(['golden', 'approve', file, '--dir', goldens]);
    expect(approve.exit).toBe(2);
    expect(approve.stderr).toContain('goldens are never written in CI');
    const record = await cli(['golden', 'record', file, '--dir', join(dir, 'other')]);
    expect(record.exit).toBe(2);
    expect(tree(dir)).toEqual(before);
    expect(temps()).toEqual(tempsBefore);
  });

  it('approve after a deliberate change of terms rewrites exactly the files that changed, and check then passes', async () => {
    const { dir, file } = scenarioCopy('seed001-profit-distribution.json');
    const goldens = join(dir, 'g');
    expect((await cli(['golden', 'record', file, '--dir', goldens])).exit).toBe(0);
    const run = join(goldens, 'seed001-profit-distribution/run');
    const before = tree(run);
    // The fee rate 20% → 25%: investor-1 pays 25% of its 9,000 gain = 2,250, investor-3 25% of 6,000 = 1,500.
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.program.performanceFee).toBe('0.2');
    doc.program.performanceFee = '0.25';
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const check = await cli(['golden', 'check', file, '--dir', goldens]);
    expect(check.exit).toBe(1);
    expect(check.stdout).toContain('input: the scenario file seed001-profit-distribution.json changed since the golden was recorded');
    expect(check.stdout).toMatch(/fee-account\.csv seq \d+: amount 1800\.0000000 → 2250\.0000000/);
    const approve = await cli(['golden', 'approve', file, '--dir', goldens]);
    expect(approve.exit).toBe(0);
    const after = tree(run);
    const changed = [...after.keys()].filter((f) => after.get(f) !== before.get(f)).sort();
    const said = approve.stdout.match(/approved seed001-profit-distribution: wrote (.*)/)![1]!.split(', ').map((p) => p.replace(/^run\//, '')).sort();
    expect(changed).toEqual(said);
    // The fee moves money between investors and the fee account; prices, trades and costs do not change.
    for (const f of ['fee-account.csv', 'journal.csv', 'statements.csv', 'summary.json', 'golden.json']) expect(changed).toContain(f);
    for (const f of ['trades.csv', 'costs.csv', 'executions.csv', 'broker.csv', 'rebates.csv']) expect(changed).not.toContain(f);
    const feeAccount = readCsv(readFileSync(join(run, 'fee-account.csv'), 'utf8'));
    expect(feeAccount.rows.map((r) => r[feeAccount.header.indexOf('amount')])).toEqual(['2250.0000000', '2250.0000000', '1500.0000000']);
    expect((await cli(['golden', 'check', file, '--dir', goldens])).exit).toBe(0);
  });

  it('a changed price file is said as an input change, apart from the values it moved', async () => {
    const { dir, file } = scenarioCopy('seed000-equity-split.json');
    const goldens = join(dir, 'g');
    expect((await cli(['golden', 'record', file, '--dir', goldens])).exit).toBe(0);
    const header = JSON.parse(readFileSync(join(goldens, 'seed000-equity-split/run/golden.json'), 'utf8'));
    expect(header.inputs.map((i: { file: string }) => i.file)).toContain('data/seed000-usdjpy.csv');
    const csv = join(dir, 'data/seed000-usdjpy.csv');
    const lines = readFileSync(csv, 'utf8').split('\n');
    // The last quote's ask one point higher: the file changed, whatever it does to the results.
    const last = lines.map((l) => l.trim() !== '').lastIndexOf(true);
    const cells = lines[last]!.split(',');
    cells[2] = new Dec(cells[2]!).plus('0.001').toFixed(3);
    lines[last] = cells.join(',');
    writeFileSync(csv, lines.join('\n'));
    const r = await cli(['golden', 'check', file, '--dir', goldens]);
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain('input: data/seed000-usdjpy.csv changed since the golden was recorded');
    expect(r.stdout).not.toContain('input: the scenario file');
  });

  it('a variant removed from the scenario is a difference; approve removes its case and nothing else', async () => {
    const { dir, file } = scenarioCopy('seed004-cashback.json');
    const goldens = join(dir, 'g');
    expect((await cli(['golden', 'record', file, '--dir', goldens])).exit).toBe(0);
    const stranger = join(goldens, 'seed004-cashback/variant-no-cashback/my-notes.txt');
    writeFileSync(stranger, 'mine');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.variants = doc.variants.filter((v: { name: string }) => v.name !== 'no-cashback');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const check = await cli(['golden', 'check', file, '--dir', goldens]);
    expect(check.exit).toBe(1);
    expect(check.stdout).toContain('variant-no-cashback: recorded, but the scenario no longer has this case');
    expect((await cli(['golden', 'approve', file, '--dir', goldens])).exit).toBe(0);
    // mamlab removed the files it wrote and kept the folder holding the user's file.
    expect(readdirSync(join(goldens, 'seed004-cashback/variant-no-cashback'))).toEqual(['my-notes.txt']);
    expect(JSON.parse(readFileSync(join(goldens, 'seed004-cashback/index.json'), 'utf8')).cases).not.toContain('variant-no-cashback');
    expect((await cli(['golden', 'check', file, '--dir', goldens])).exit).toBe(0);
  }, 60_000);

  it('refuses what would lose or invent a golden: record over a golden, record into a foreign folder, check without a golden', async () => {
    const { dir, file } = scenarioCopy('seed001-profit-distribution.json');
    const goldens = join(dir, 'g');
    const missing = await cli(['golden', 'check', file, '--dir', goldens]);
    expect(missing.exit).toBe(2);
    expect(missing.stderr).toContain('expected a golden in');
    expect(missing.stderr).toContain('mamlab golden record');
    mkdirSync(join(goldens, 'seed001-profit-distribution'), { recursive: true });
    writeFileSync(join(goldens, 'seed001-profit-distribution/notes.txt'), 'mine');
    const foreign = await cli(['golden', 'record', file, '--dir', goldens]);
    expect(foreign.exit).toBe(2);
    expect(foreign.stderr).toContain('does not write over what it did not write');
    expect(readdirSync(join(goldens, 'seed001-profit-distribution'))).toEqual(['notes.txt']);
    const other = join(dir, 'g2');
    expect((await cli(['golden', 'record', file, '--dir', other])).exit).toBe(0);
    const again = await cli(['golden', 'record', file, '--dir', other]);
    expect(again.exit).toBe(2);
    expect(again.stderr).toContain('one exists');
  });
});

describe('golden diff against another system\'s export', () => {
  /** The golden's CSV with every number rounded half up to cents, as a back office that books cents exports it. */
  function toCents(text: string): string {
    const { header, rows } = readCsv(text);
    const cell = (c: string) => (/^-?\d+\.\d+$/.test(c) ? new Dec(c).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2) : c);
    return [header.join(','), ...rows.map((r) => r.map(cell).map((c) => (/[",]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','))].join('\r\n') + '\r\n';
  }

  it('a CSV rounded to cents passes with --tolerance 0.01 and fails without it; a value a cent and a half off fails both', async () => {
    const golden = join(ROOT, 'scenarios/goldens/rebate-plans/run');
    const exports = mkdtempSync(join(tmpdir(), 'mamlab-golden-test-'));
    const journal = readFileSync(join(golden, 'journal.csv'), 'utf8');
    const rounded = toCents(journal);
    expect(rounded).not.toEqual(journal);
    writeFileSync(join(exports, 'journal.csv'), rounded);
    const exact = await cli(['golden', 'diff', golden, exports]);
    expect(exact.exit).toBe(1);
    expect(exact.stdout).toMatch(/journal\.csv seq \d+: amount \d+\.\d{7} → \d+\.\d{2}/);
    const cents = await cli(['golden', 'diff', golden, exports, '--tolerance', '0.01']);
    expect(cents.stdout).toContain('same within 0.01: journal.csv');
    expect(cents.exit).toBe(0);
    // One amount off by 0.015 (a booking error a cent-rounding system could not make).
    const lines = rounded.split('\r\n');
    const k = lines.findIndex((l, i) => i > 0 && /,deposit,/.test(l));
    const cells = lines[k]!.split(',');
    cells[4] = new Dec(cells[4]!).plus('0.015').toFixed(3);
    lines[k] = cells.join(',');
    writeFileSync(join(exports, 'journal.csv'), lines.join('\r\n'));
    const off = await cli(['golden', 'diff', golden, exports, '--tolerance', '0.01']);
    expect(off.exit).toBe(1);
    expect(off.stdout).toContain(`journal.csv seq ${cells[0]}: amount`);
    expect(off.stdout).toContain('1 value differs in 1 file');
  });

  it('rows in another order and columns left out are not differences; a missing key column is refused with the header shown', async () => {
    const golden = join(ROOT, 'scenarios/goldens/seed001-profit-distribution/run');
    const exports = mkdtempSync(join(tmpdir(), 'mamlab-golden-test-'));
    const { header, rows } = readCsv(readFileSync(join(golden, 'statements.csv'), 'utf8'));
    const keep = header.filter((c) => c !== 'nav' && c !== 'units');
    const pick = (r: string[]) => keep.map((c) => r[header.indexOf(c)]!);
    writeFileSync(join(exports, 'statements.csv'), [keep.join(','), ...[...rows].reverse().map((r) => pick(r).join(','))].join('\n') + '\n');
    const r = await cli(['golden', 'diff', golden, exports]);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('statements.csv: not in your file, not compared: units, nav');
    writeFileSync(join(exports, 'statements.csv'), 'who,amount\nx,1\n');
    const bad = await cli(['golden', 'diff', golden, exports]);
    expect(bad.exit).toBe(2);
    expect(bad.stderr).toContain('expected the key columns investor, period in the header');
  });
});

describe('what is compared', () => {
  it('equity.csv keeps the first instant, the last instant of each server day and the last instant', () => {
    const text = ['time,subject,equity', '2024-03-01T00:05:00,a,1', '2024-03-01T10:00:00,a,2', '2024-03-01T23:00:00,a,3', '2024-03-01T23:00:00,b,3', '2024-03-04T00:00:00,a,4', '2024-03-04T01:00:00,a,5', ''].join('\n');
    expect(sampleByDay(text)).toBe(['time,subject,equity', '2024-03-01T00:05:00,a,1', '2024-03-01T23:00:00,a,3', '2024-03-01T23:00:00,b,3', '2024-03-04T01:00:00,a,5', ''].join('\n'));
  });

  it('a repeated key is matched by its position among its equals, and rows only reordered are said to be', () => {
    const a = 'time,kind,account,ticket,leg,amount\nt,spread,x,1,open,1\nt,spread,x,1,open,2\n';
    const b = 'time,kind,account,ticket,leg,amount\nt,spread,x,1,open,1\nt,spread,x,1,open,3\n';
    const d = diffFile('costs.csv', a, b)!;
    expect(d.values).toEqual([{ key: 'time t, kind spread, account x, ticket 1, leg open (2nd)', field: 'amount', expected: '2', got: '3' }]);
    const moved = diffFile('journal.csv', 'seq,amount\n1,5\n2,6\n', 'seq,amount\n2,6\n1,5\n')!;
    expect(moved.other).toBe('the same rows in another order');
  });
});
