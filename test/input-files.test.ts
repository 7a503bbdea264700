// Reading input files (docs/input-limits.md): only regular files, within a size bound, strict
// UTF-8 with a BOM dropped and CRLF accepted, price files only inside the scenario's folder
// tree or a --data-dir, and Scenario.inputs listing every file read. The cases a YAML case
// file cannot lay out (FIFOs, devices, symbolic links, sparse giant files) live here.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, realpathSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatServerTime } from '../engine/time.js';
import { InputError } from '../sim/input-error.js';
import { MAX_JSON_SCENARIO_BYTES, MAX_PRICE_FILE_BYTES, MAX_SCENARIO_BYTES } from '../sim/limits.js';
import { type LoadOptions, loadScenario } from '../sim/scenario.js';
import { ROOT, scenarioPath } from './helpers.js';

const base = JSON.parse(readFileSync(scenarioPath('seed001-profit-distribution.json'), 'utf8'));
const CSV = 'time,bid,ask\n2024-03-04T09:00:00,1.09990,1.10000\n2024-03-12T12:00:00,1.11500,1.11510\n2024-03-20T15:00:00,1.13000,1.13010\n';

/** A fresh folder holding scenario.json whose EURUSD prices come from `csv`. */
function folder(csv?: string): { dir: string; scenario: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mamlab-inputs-')));
  const doc = structuredClone(base);
  if (csv !== undefined) doc.prices.EURUSD = { csv };
  const scenario = join(dir, 'scenario.json');
  writeFileSync(scenario, JSON.stringify(doc, null, 2));
  return { dir, scenario };
}

function refusal(file: string, opts: LoadOptions = {}): InputError {
  try {
    loadScenario(file, opts);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('accepted');
}

const quotes = (file: string, opts: LoadOptions = {}) => [...loadScenario(file, opts).ticks].map((t) => [formatServerTime(t.time), t.bid.toString(), t.ask.toString()]);
const EXPECTED = [['2024-03-04T09:00:00', '1.0999', '1.1'], ['2024-03-12T12:00:00', '1.115', '1.1151'], ['2024-03-20T15:00:00', '1.13', '1.1301']];

describe('only regular files are read', () => {
  it('a FIFO as a price file is refused at once, never opened (opening it would wait for a writer forever)', () => {
    const { dir, scenario } = folder('prices.fifo');
    execFileSync('mkfifo', [join(dir, 'prices.fifo')]);
    const e = refusal(scenario);
    expect([e.path, e.expected]).toEqual(['/prices/EURUSD/csv', 'the price file "prices.fifo" is a named pipe (FIFO): only regular files are read']);
  });

  it('a FIFO as the scenario file is refused the same way', () => {
    const { dir } = folder();
    execFileSync('mkfifo', [join(dir, 's.json')]);
    expect(refusal(join(dir, 's.json')).expected).toContain('is a named pipe (FIFO): only regular files are read');
  });

  it('/dev/zero is refused as a character device even inside a --data-dir', () => {
    const { scenario } = folder('/dev/zero');
    expect(refusal(scenario).expected).toContain('outside the scenario\'s folder');
    expect(refusal(scenario, { dataDirs: ['/dev'] }).expected).toBe('the price file "/dev/zero" is a character device: only regular files are read');
  });
});

describe('size bounds are checked before reading', () => {
  // Sparse files: the size is real, the disk blocks are not, and nothing is ever read.
  const sparse = (path: string, size: number) => {
    const fd = openSync(path, 'w');
    ftruncateSync(fd, size);
    closeSync(fd);
  };

  it(`a scenario of ${MAX_JSON_SCENARIO_BYTES} bytes and one more (the JSON limit)`, () => {
    const { dir } = folder();
    sparse(join(dir, 'big.json'), MAX_JSON_SCENARIO_BYTES + 1);
    expect(refusal(join(dir, 'big.json')).expected).toBe(`the scenario file "${join(dir, 'big.json')}" is ${MAX_JSON_SCENARIO_BYTES + 1} bytes, above the limit of 32 MiB for a JSON scenario, 1 MiB for YAML (see docs/input-limits.md)`);
    // At the bound itself the file is read (and then refused for what it holds: zero bytes are neither JSON nor allowed that long as YAML).
    sparse(join(dir, 'at.json'), MAX_JSON_SCENARIO_BYTES);
    expect(refusal(join(dir, 'at.json')).expected).toBe(`the scenario file is ${MAX_JSON_SCENARIO_BYTES} bytes and it is not valid JSON: a YAML scenario may be at most 1 MiB, a JSON one 32 MiB (see docs/input-limits.md)`);
  });

  it(`a scenario above ${MAX_SCENARIO_BYTES} bytes (the YAML limit) is read only when it is JSON`, () => {
    const { dir, scenario } = folder();
    // Valid JSON past the YAML limit: accepted, the same scenario as without the padding.
    const json = readFileSync(scenario, 'utf8');
    const padded = json.replace('{', `{${' '.repeat(MAX_SCENARIO_BYTES)}`);
    writeFileSync(join(dir, 'padded.json'), padded);
    expect(loadScenario(join(dir, 'padded.json')).hash).toBe(loadScenario(scenario).hash);
    // The same size as YAML is refused, naming both limits.
    writeFileSync(join(dir, 'padded.yaml'), stringify(base) + `#${' '.repeat(MAX_SCENARIO_BYTES)}\n`);
    const size = readFileSync(join(dir, 'padded.yaml')).length;
    expect(refusal(join(dir, 'padded.yaml')).expected).toBe(`the scenario file is ${size} bytes and it is not valid JSON: a YAML scenario may be at most 1 MiB, a JSON one 32 MiB (see docs/input-limits.md)`);
    // JSON with a syntax error past the YAML limit: refused with the line where JSON stops.
    writeFileSync(join(dir, 'broken.json'), padded.replace(/\}\s*$/, ',}'));
    const e = refusal(join(dir, 'broken.json'));
    expect(e.expected).toMatch(/^the scenario file is \d+ bytes and it is not valid JSON \(line \d+\): a YAML scenario may be at most 1 MiB, a JSON one 32 MiB/);
    expect(e.line).toBe(padded.split('\n').length);
    // Within the YAML limit nothing changes: YAML is read as YAML.
    writeFileSync(join(dir, 'small.yaml'), stringify(base));
    expect(loadScenario(join(dir, 'small.yaml')).hash).toBe(loadScenario(scenario).hash);
  });

  it(`a price file above ${MAX_PRICE_FILE_BYTES} bytes`, () => {
    const { dir, scenario } = folder('huge.csv');
    sparse(join(dir, 'huge.csv'), MAX_PRICE_FILE_BYTES + 1);
    expect(refusal(scenario).expected).toBe(`the price file "huge.csv" is ${MAX_PRICE_FILE_BYTES + 1} bytes, above the limit of 128 MiB (see docs/input-limits.md)`);
  });
});

describe('UTF-8, BOM and CRLF', () => {
  it('a price file with a byte-order mark and CRLF line ends gives the same quotes', () => {
    const { dir, scenario } = folder('p.csv');
    writeFileSync(join(dir, 'p.csv'), '\ufeff' + CSV.replaceAll('\n', '\r\n'));
    expect(quotes(scenario)).toEqual(EXPECTED);
  });

  it('quoted cells are read as RFC 4180 says', () => {
    const { dir, scenario } = folder('p.csv');
    writeFileSync(join(dir, 'p.csv'), '"time","bid","ask"\n"2024-03-04T09:00:00", 1.09990 ,"1.10000"\n\n2024-03-12T12:00:00,1.11500,1.11510\n2024-03-20T15:00:00,1.13000,1.13010\n');
    expect(quotes(scenario)).toEqual(EXPECTED);
  });

  it('a scenario with a byte-order mark and CRLF line ends, as JSON and as YAML, loads as the plain one', () => {
    const { dir, scenario } = folder();
    const plain = loadScenario(scenario).hash;
    writeFileSync(join(dir, 'crlf.json'), '\ufeff' + JSON.stringify(base, null, 2).replaceAll('\n', '\r\n'));
    writeFileSync(join(dir, 'crlf.yaml'), '\ufeff' + stringify(base).replaceAll('\n', '\r\n'));
    expect(loadScenario(join(dir, 'crlf.json')).hash).toBe(plain);
    expect(loadScenario(join(dir, 'crlf.yaml')).hash).toBe(plain);
  });

  it('invalid UTF-8 in a YAML scenario is named by its line', () => {
    const { dir } = folder();
    writeFileSync(join(dir, 's.yaml'), Buffer.concat([Buffer.from('name: ok\nseed: 1\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const e = refusal(join(dir, 's.yaml'));
    expect([e.line, e.path, e.expected]).toEqual([3, 'line 3', 'the scenario file is not UTF-8 text: invalid bytes on this line (save it as UTF-8)']);
  });
});

describe('price files stay inside the scenario folder tree unless a --data-dir lets them out', () => {
  it('a subfolder is inside; a symbolic link inside that points inside is followed', () => {
    const { dir, scenario } = folder('link.csv');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data/p.csv'), CSV);
    symlinkSync(join(dir, 'data/p.csv'), join(dir, 'link.csv'));
    const s = loadScenario(scenario);
    expect(s.ticks.length).toBe(3);
    expect(s.inputs).toContain(join(dir, 'data/p.csv'));
    expect(s.inputs).not.toContain(join(dir, 'link.csv'));
  });

  it('a symbolic link inside the folder that points outside it is refused', () => {
    const outside = folder();
    writeFileSync(join(outside.dir, 'secret.csv'), CSV);
    const { dir, scenario } = folder('innocent.csv');
    symlinkSync(join(outside.dir, 'secret.csv'), join(dir, 'innocent.csv'));
    const e = refusal(scenario);
    expect([e.path, e.expected]).toEqual(['/prices/EURUSD/csv', 'the price file "innocent.csv" is outside the scenario\'s folder: price files are read only from the scenario\'s folder and its subfolders, or from a folder given with --data-dir DIR']);
    // The same link is fine once its target's folder is a data folder.
    expect(loadScenario(scenario, { dataDirs: [outside.dir] }).ticks.length).toBe(3);
  });

  it('an absolute path or a ../ path into a --data-dir is read; without the option it is refused', () => {
    const shared = folder();
    writeFileSync(join(shared.dir, 'p.csv'), CSV);
    const abs = folder(join(shared.dir, 'p.csv'));
    expect(refusal(abs.scenario).expected).toContain('--data-dir');
    expect(quotes(abs.scenario, { dataDirs: [shared.dir] })).toEqual(EXPECTED);
    const rel = folder(`../${shared.dir.split('/').pop()}/p.csv`);
    expect(refusal(rel.scenario).expected).toContain('--data-dir');
    expect(quotes(rel.scenario, { dataDirs: [shared.dir] })).toEqual(EXPECTED);
  });

  it('a --data-dir that is not a folder is refused naming the option', () => {
    const { dir, scenario } = folder();
    const e = refusal(scenario, { dataDirs: [join(dir, 'nope')] });
    expect([e.file, e.expected]).toEqual(['--data-dir', `expected a folder, got ${JSON.stringify(join(dir, 'nope'))} (no such folder)`]);
    expect(refusal(scenario, { dataDirs: [scenario] }).expected).toBe(`expected a folder, got ${JSON.stringify(scenario)}`);
  });
});

describe('Scenario.inputs: the real path of every file a load read', () => {
  it('the bundled seed 000 scenario: itself, the instrument library, its preset and its CSV', () => {
    const s = loadScenario(scenarioPath('seed000-equity-split.json'));
    expect(s.inputs).toEqual([
      `${ROOT}/scenarios/seed000-equity-split.json`,
      `${ROOT}/scenarios/presets/seed000.json`,
      `${ROOT}/scenarios/presets/instruments.json`,
      `${ROOT}/scenarios/data/seed000-usdjpy.csv`,
    ].map((p) => realpathSync(p)));
  });

  it('a scenario read through a symbolic link is listed by its real path', () => {
    const { dir, scenario } = folder();
    symlinkSync(scenario, join(dir, 'alias.json'));
    expect(loadScenario(join(dir, 'alias.json')).inputs[0]).toBe(scenario);
  });
});
